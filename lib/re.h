/*
 * re: a small PCRE2 wrapper for user-supplied patterns (--check, rule files,
 * note filters).  Patterns are UTF-8 with Unicode properties (\p{Han}), are
 * JIT-compiled when the platform allows, and every match runs under a match,
 * depth and heap limit, so a catastrophic pattern fails fast with an error
 * instead of hanging a pipeline.
 */
#ifndef CRM_RE_H
#define CRM_RE_H

#include <stddef.h>

#define CRM_RE_CASELESS 0x1u	/* case-insensitive (Unicode-aware) */
#define CRM_RE_NO_JIT   0x2u	/* use the interpreter even if JIT works */
#define CRM_RE_INVALID_UTF 0x4u	/* a subject may hold invalid UTF-8: no
				   match runs through it, no error */

/* Default limit on backtracking steps per match (see crm_re_set_limit). */
#define CRM_RE_MATCH_LIMIT 1000000UL
/* Default time a match may take, in milliseconds (crm_re_set_time_limit):
 * the bound for patterns that are slow without backtracking, by scanning
 * the rest of the subject from every start position. */
#define CRM_RE_TIME_LIMIT_MS 250UL

struct crm_re;

/*
 * Compile pattern (NUL-terminated UTF-8) with PCRE2_UTF | PCRE2_UCP.
 * Returns a new object the caller frees with crm_re_free, or NULL with the
 * reason in err (at most errlen bytes, NUL-terminated), e.g.
 * "missing closing parenthesis at offset 3".  A pattern that turns the JIT
 * off, (*NO_JIT), or sets a limit of its own, (*LIMIT_MATCH=N),
 * (*LIMIT_DEPTH=N), (*LIMIT_RECURSION=N) or (*LIMIT_HEAP=N), is refused
 * here.
 */
struct crm_re *crm_re_compile(const char *pattern, unsigned flags, char *err,
    size_t errlen);

/*
 * Does s[0..n) contain a match?  Returns 1 match, 0 no match, -1 error
 * (a limit or the time budget exceeded, invalid UTF-8 in the subject), the
 * reason then given by crm_re_error.  The compiled pattern holds one reusable match block, so a
 * struct crm_re must not be used by two threads at once.
 */
int crm_re_match(struct crm_re *re, const char *s, size_t n);
/* As crm_re_match, for a subject the caller knows to be valid UTF-8 (it is
 * not checked again: anything else is undefined). */
int crm_re_match_utf8(struct crm_re *re, const char *s, size_t n);
/* As crm_re_match; on a match *start and *end get the byte span of the
 * first match. */
int crm_re_search(struct crm_re *re, const char *s, size_t n, size_t *start,
    size_t *end);
/* Why the last match returned -1 ("match limit exceeded",
 * "invalid UTF-8 in subject", ...); "" when it did not. */
const char *crm_re_error(const struct crm_re *re);
/* The pattern as given to crm_re_compile (owned by re). */
const char *crm_re_pattern(const struct crm_re *re);
/* 1 when the pattern runs JIT-compiled, 0 on the interpreter. */
int crm_re_jit(const struct crm_re *re);
/* Set the backtracking limit (match limit, and the depth limit of the
 * interpreter) for later matches; 0 restores CRM_RE_MATCH_LIMIT. */
void crm_re_set_limit(struct crm_re *re, unsigned long match_limit);
/* Set the time budget of later matches in milliseconds; 0 restores
 * CRM_RE_TIME_LIMIT_MS.  A match past it fails with "time limit exceeded
 * (N ms)".  Subjects of 4 KiB and more are timed (below, even a quadratic
 * scan is quick), from the 64th start position tried on. */
void crm_re_set_time_limit(struct crm_re *re, unsigned long ms);
void crm_re_free(struct crm_re *re);

#endif
