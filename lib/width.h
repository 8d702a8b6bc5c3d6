/*
 * width: how many terminal columns a piece of UTF-8 text occupies.
 *
 * Aligned tables and bar charts pad by display width, not bytes, so that
 * Chinese customer names and notes line up with English ones.  The answer is
 * built in (Unicode 15 East Asian Width tables) rather than taken from
 * wcwidth(3), so it does not depend on the user's locale setting and every
 * report pads the same way on every machine.
 */
#ifndef CRM_WIDTH_H
#define CRM_WIDTH_H

#include <stddef.h>

#include "util.h"

/*
 * Display width of s[0..n), which need not be NUL-terminated and may hold
 * NUL bytes.  Code points of East Asian Width W or F (CJK ideographs, Hangul
 * syllables, kana, CJK punctuation, fullwidth forms, emoji with emoji
 * presentation) count 2; combining and enclosing marks, zero-width space and
 * joiners, bidi and other invisible format characters, variation selectors
 * and Hangul conjoining vowels/finals count 0; control characters (C0, DEL,
 * C1) count 0; every byte that is not part of a well-formed UTF-8 sequence
 * (stray continuation, truncated, overlong, surrogate, above U+10FFFF)
 * counts 1, as a terminal shows one replacement character for it; all other
 * code points, East Asian Ambiguous ones included, count 1.  Widths are per
 * code point: an emoji ZWJ sequence counts the width of each of its emoji.
 */
size_t crm_width(const char *s, size_t n);

/*
 * Byte length of the longest prefix of s[0..n) whose crm_width is at most
 * maxw.  The cut never falls inside a UTF-8 sequence, and zero-width code
 * points (combining marks) right after the last character that fits are
 * kept with it.
 */
size_t crm_width_cut(const char *s, size_t n, size_t maxw);

/*
 * Append s[0..n) to out in a form that is safe to show in one cell of a
 * terminal line: tab, newline and carriage return become the two characters
 * \t, \n and \r; other C0 controls, DEL and bytes that are not well-formed
 * UTF-8 become \xHH; C1 controls (U+0080..U+009F) become \u00HH.  Everything
 * else, backslashes included, is copied unchanged.  The result never holds a
 * control character, so it cannot break a line or move the cursor.
 */
void crm_width_escape(struct crm_buf *out, const char *s, size_t n);

/*
 * Full-width forms as NFKC folds them in the ASCII range: U+FF01..U+FF5E
 * are '!'..'~' ("１２３" is "123", "Ｃ１" is "C1") and U+3000 is a space.
 * crm_width_has_wide says whether s[0..n) holds one; crm_width_fold
 * writes s[0..n) with them folded to dst, which has room for n bytes (a
 * fold only shortens), and returns the length written.  Nothing else is
 * changed.
 */
int crm_width_has_wide(const char *s, size_t n);
size_t crm_width_fold(const char *s, size_t n, char *dst);

#endif
