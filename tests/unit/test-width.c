/*
 * test-width: display widths, prefix cuts and display escaping of UTF-8
 * text, with exact expected values.
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "width.h"

static void
w_is(const char *s, size_t want, const char *what)
{
	unit_inteq((long long)crm_width(s, strlen(s)), (long long)want, what);
}

static void
cut_is(const char *s, size_t n, size_t maxw, size_t want, const char *what)
{
	unit_inteq((long long)crm_width_cut(s, n, maxw), (long long)want, what);
}

static void
esc_is(const char *s, size_t n, const char *want, const char *what)
{
	struct crm_buf b;

	crm_buf_init(&b);
	crm_buf_adds(&b, "<");
	crm_width_escape(&b, s, n);
	crm_buf_adds(&b, ">");
	unit_streq(b.p, want, what);
	crm_buf_release(&b);
}

static void
test_width(void)
{
	w_is("", 0, "empty text is 0 wide");
	w_is("hello, world", 12, "ASCII is one column per byte");
	w_is("质量", 4, "two CJK ideographs are 4 wide");
	w_is("abc客户", 7, "mixed ASCII and CJK add up");
	w_is("！", 2, "fullwidth exclamation U+FF01 is 2");
	w_is("\xef\xbd\xa0", 2, "last fullwidth form U+FF60 is 2");
	w_is("\xef\xbd\xa1\xef\xbd\xb6", 2,
	    "halfwidth forms U+FF61 and U+FF76 are 1 each");
	w_is("￥￦", 4, "fullwidth signs U+FFE5 U+FFE6 are 2");
	w_is("e\xcc\x81", 1, "e + combining acute U+0301 is 1");
	w_is("\xc3\xa9", 1, "precomposed e-acute is 1");
	w_is("a\xcd\xaf", 1, "last of U+0300..036F is 0");
	w_is("\xe0\xa4\x95\xe0\xa5\x8d", 1, "Devanagari ka + virama is 1");
	w_is("😀", 2, "emoji U+1F600 is 2");
	w_is("🤖", 2, "emoji U+1F916 is 2");
	w_is("\xf0\x9f\xab\xa8", 2, "Unicode 15 emoji U+1FAE8 is 2");
	w_is("\xf0\x9f\x8c\xa1", 1,
	    "text-presentation U+1F321 thermometer is 1");
	w_is("\xe2\x9d\xa4\xef\xb8\x8f", 1,
	    "variation selector U+FE0F adds nothing");
	w_is("👍\xf0\x9f\x8f\xbd", 4, "skin tone modifier is itself wide");
	w_is("a\xe2\x80\x8b" "b\xe2\x80\x8c" "c\xe2\x80\x8d" "d", 4,
	    "zero-width space, non-joiner and joiner are 0");
	w_is("\xef\xbb\xbf" "x", 1, "BOM U+FEFF is 0");
	w_is("\xc2\xad", 1, "soft hyphen U+00AD is 1");
	w_is("ひらがなカタカナ", 16, "kana are 2 each");
	w_is("한국어", 6, "Hangul syllables are 2 each");
	w_is("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab", 2,
	    "conjoining jamo L+V+T make one wide syllable");
	w_is("\xe1\x84\x8f", 2, "leading jamo U+110F is 2");
	w_is("\xe1\x83\xbf", 1, "U+10FF just below the jamo is 1");
	w_is("\xe3\x80\x80\xe3\x80\x82\xe3\x80\x81", 6,
	    "ideographic space and CJK punctuation are 2");
	w_is("\xe3\x80\xbe", 2, "U+303E is 2");
	w_is("\xe3\x80\xbf", 1, "U+303F half fill space is 1 (EAW N)");
	w_is("\xe3\x82\xab\xe3\x82\x99", 2,
	    "combining kana voiced mark U+3099 is 0");
	w_is("𠀀", 2, "CJK extension B U+20000 is 2");
	w_is("\xf0\xb1\x8d\x90", 2, "CJK extension H U+31350 is 2");
	w_is("\xf0\xaf\xa0\x80", 2, "CJK compatibility supplement is 2");
	w_is("\xe4\xb6\xbf\xe4\xb7\x80", 3,
	    "U+4DBF (ext A) is 2, U+4DC0 (hexagram) is 1");
	w_is("\xf3\xa0\x87\xaf" "\xf3\xa0\x87\xb0", 1,
	    "U+E01EF selector is 0, U+E01F0 is 1");
	w_is("\xf4\x8f\xbf\xbf", 1, "U+10FFFF is 1");
	w_is("…─", 2, "ellipsis and box rule are 1 each");
	w_is("a\tb\nc\r\x1b\x7f", 3, "C0 controls and DEL are 0");
	w_is("\xc2\x85\xc2\x9f", 0, "C1 controls are 0");
	w_is("\xff\xfe", 2, "invalid bytes count 1 each");
	w_is("a\x80" "b", 3, "a stray continuation byte counts 1");
	w_is("\xe4\xb8", 2, "a truncated sequence counts 1 per byte");
	w_is("\xe4\xb8" "a", 3, "a sequence cut by ASCII counts per byte");
	w_is("\xc0\xaf", 2, "an overlong encoding counts 1 per byte");
	w_is("\xe0\x80\xaf", 3, "a 3-byte overlong counts 1 per byte");
	w_is("\xed\xa0\x80", 3, "an encoded surrogate counts 1 per byte");
	w_is("\xf4\x90\x80\x80", 4, "a code point above U+10FFFF is invalid");
	w_is("\xf8\x88\x80\x80\x80", 5, "a 5-byte form is invalid");
	unit_inteq((long long)crm_width("a\0b", 3), 2,
	    "an embedded NUL is a control: 0");
	unit_inteq((long long)crm_width("质量", 3), 2,
	    "n limits the bytes looked at");
}

static void
test_cut(void)
{
	const char *mix = "ab质e\xcc\x81量\xff" "c";
	size_t n = strlen(mix), maxw, got, i, w;
	int bad = 0;

	cut_is("质量好", 9, 3, 3, "a wide char that would overflow is left out");
	cut_is("质量好", 9, 4, 6, "an exact fit is kept");
	cut_is("质量好", 9, 100, 9, "a wide limit keeps everything");
	cut_is("质量好", 9, 1, 0, "nothing fits in one column");
	cut_is("abc客户", 9, 4, 3, "mixed: the ideograph does not fit in 4");
	cut_is("abc客户", 9, 5, 6, "mixed: fits in 5");
	cut_is("abc", 3, 0, 0, "width 0 keeps no visible char");
	cut_is("e\xcc\x81x", 4, 1, 3, "a combining mark stays with its base");
	cut_is("\xcc\x81" "abc", 5, 0, 2, "leading zero-width chars fit in 0");
	cut_is("\xff\xff\xff", 3, 2, 2, "invalid bytes are cut one by one");
	cut_is("质量", 4, 100, 4, "a sequence truncated by n is bytes");
	cut_is("", 0, 5, 0, "empty text cuts to 0");

	/* every limit: a boundary, within the limit, and maximal */
	for (maxw = 0; maxw <= 12; maxw++) {
		got = crm_width_cut(mix, n, maxw);
		w = crm_width(mix, got);
		if (got < n && ((unsigned char)mix[got] & 0xc0) == 0x80)
			bad = 1;
		if (w > maxw)
			bad = 1;
		for (i = got + 1; i <= n; i++) {
			if (i < n && ((unsigned char)mix[i] & 0xc0) == 0x80)
				continue;
			if (crm_width(mix, i) <= maxw)
				bad = 1;
			break;
		}
	}
	unit_ok(!bad, "cuts fall on boundaries, fit, and are longest", NULL);
}

static void
test_escape(void)
{
	esc_is("plain 客户", strlen("plain 客户"), "<plain 客户>",
	    "ordinary text is copied unchanged");
	esc_is("a\tb\nc\rd", 7, "<a\\tb\\nc\\rd>",
	    "tab, newline and CR become \\t \\n \\r");
	esc_is("\x1b[31mred", 8, "<\\x1b[31mred>", "ESC becomes \\x1b");
	esc_is("x\x7f", 2, "<x\\x7f>", "DEL becomes \\x7f");
	esc_is("a\0b", 3, "<a\\x00b>", "NUL becomes \\x00");
	esc_is("\xc2\x85\xc2\x9b", 4, "<\\u0085\\u009b>",
	    "C1 controls become \\u00HH");
	esc_is("\xc2\xa0", 2, "<\xc2\xa0>", "U+00A0 is copied");
	esc_is("\xff" "a\xe4\xb8", 4, "<\\xffa\\xe4\\xb8>",
	    "invalid bytes become \\xHH one by one");
	esc_is("C:\\new", 6, "<C:\\new>", "backslashes are copied as they are");
	esc_is("", 0, "<>", "empty text appends nothing");
}

int
main(void)
{
	(void)unit_near;	/* unit.h helper this file has no use for */
	test_width();
	test_cut();
	test_escape();
	return unit_done();
}
