/*
 * test-re: the PCRE2 wrapper: compile errors, matches and spans, Unicode
 * properties, caseless matching, and the limits that stop runaway
 * backtracking, both JIT-compiled and on the interpreter.
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "re.h"
#include "util.h"
#include "unit.h"

static char what[256];

#define WHAT(...) (snprintf(what, sizeof what, __VA_ARGS__), what)

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct crm_re *
compile(const char *p, unsigned flags)
{
	char err[128] = "";
	struct crm_re *re = crm_re_compile(p, flags, err, sizeof err);

	if (!re)
		printf("# compile '%s': %s\n", p, err);
	return re;
}

/* crm_re_match, and for a valid UTF-8 subject crm_re_match_utf8 too,
 * which must agree (its error included). */
static int
m(struct crm_re *re, const char *s)
{
	size_t n = strlen(s);
	int rc = crm_re_match(re, s, n);

	if (crm_utf8_valid(s, n) == n) {
		char e[128];

		snprintf(e, sizeof e, "%s", crm_re_error(re));
		if (crm_re_match_utf8(re, s, n) != rc ||
		    strcmp(e, crm_re_error(re)))
			unit_ok(0, WHAT("crm_re_match_utf8 agrees on '%.40s'",
			    s), crm_re_error(re));
	}
	return rc;
}

static void
test_compile_errors(void)
{
	char err[128];
	struct crm_re *re;

	strcpy(err, "untouched");
	re = crm_re_compile("(ab", 0, err, sizeof err);
	unit_ok(re == NULL, "an unclosed group does not compile", NULL);
	unit_streq(err, "missing closing parenthesis at offset 3",
	    "the compile error names the reason and offset");
	re = crm_re_compile("a{2,1}", 0, err, sizeof err);
	unit_ok(re == NULL && strstr(err, "at offset 5") != NULL &&
	    strstr(err, "out of order") != NULL,
	    "quantifier out of order is reported with its offset", err);
	re = crm_re_compile("\\p{Nonsense}", 0, err, sizeof err);
	unit_ok(re == NULL && strstr(err, "unknown property") != NULL,
	    "an unknown Unicode property is reported", err);
	re = crm_re_compile("ab\xff", 0, err, sizeof err);
	unit_ok(re == NULL && strstr(err, "UTF-8") != NULL,
	    "a pattern with invalid UTF-8 is reported", err);
	re = crm_re_compile("(", 0, err, 8);
	unit_ok(re == NULL && strlen(err) == 7,
	    "the message is cut to errlen", err);
	unit_ok(crm_re_compile("(", 0, NULL, 0) == NULL,
	    "errlen 0 is allowed", NULL);
}

static void
test_matching(unsigned flags, const char *mode)
{
	struct crm_re *re;
	size_t st = 99, en = 99;
	int rc;

	re = compile("^\\+?[0-9]{7,15}$", flags);
	unit_ok(re != NULL, WHAT("%s: phone pattern compiles", mode), NULL);
	if (!re)
		return;
	unit_inteq(m(re, "+8613800138000"), 1, WHAT("%s: phone matches", mode));
	unit_inteq(m(re, "12345"), 0, WHAT("%s: short phone does not", mode));
	unit_inteq(m(re, "1380013800x"), 0, WHAT("%s: letters do not", mode));
	unit_streq(crm_re_error(re), "", WHAT("%s: no error after a match",
	    mode));
	unit_streq(crm_re_pattern(re), "^\\+?[0-9]{7,15}$",
	    WHAT("%s: the pattern is kept", mode));
	/* n is honoured: the subject ends at n even without a NUL */
	unit_inteq(crm_re_match(re, "1380013800099", 7), 1,
	    WHAT("%s: the subject is s[0..n)", mode));
	unit_inteq(crm_re_match(re, "123456", 6), 0,
	    WHAT("%s: n shorter than the pattern needs", mode));
	crm_re_free(re);

	re = compile("b+", flags);
	rc = crm_re_search(re, "aabbbc", 6, &st, &en);
	unit_ok(rc == 1 && st == 2 && en == 5,
	    WHAT("%s: search gives the span of the first match", mode), NULL);
	st = en = 99;
	rc = crm_re_search(re, "aaa", 3, &st, &en);
	unit_ok(rc == 0 && st == 99 && en == 99,
	    WHAT("%s: no match leaves the span alone", mode), NULL);
	unit_inteq(crm_re_match(re, NULL, 0), 0,
	    WHAT("%s: an empty NULL subject is no match", mode));
	crm_re_free(re);

	re = compile("\\p{Han}+", flags);
	rc = crm_re_search(re, "产品质量问题 ok", strlen("产品质量问题 ok"),
	    &st, &en);
	unit_ok(rc == 1 && st == 0 && en == 18,
	    WHAT("%s: \\p{Han}+ spans six CJK characters", mode), NULL);
	rc = crm_re_search(re, "note: 质量", strlen("note: 质量"), &st, &en);
	unit_ok(rc == 1 && st == 6 && en == 12,
	    WHAT("%s: \\p{Han}+ finds 质量 after ASCII", mode), NULL);
	unit_inteq(m(re, "quality"), 0, WHAT("%s: \\p{Han} skips Latin", mode));
	crm_re_free(re);

	/* UCP: \w and \b know CJK letters */
	re = compile("^\\w+$", flags);
	unit_inteq(m(re, "质量"), 1, WHAT("%s: \\w matches Han under UCP",
	    mode));
	crm_re_free(re);

	re = compile("^.$", flags);
	unit_inteq(m(re, "质"), 1, WHAT("%s: . is one character, not a byte",
	    mode));
	crm_re_free(re);

	re = compile("refund", flags | CRM_RE_CASELESS);
	unit_inteq(m(re, "Asked for a REFUND today"), 1,
	    WHAT("%s: caseless matches other case", mode));
	crm_re_free(re);
	re = compile("refund", flags);
	unit_inteq(m(re, "Asked for a REFUND today"), 0,
	    WHAT("%s: case matters without CASELESS", mode));
	crm_re_free(re);
	re = compile("straße", flags | CRM_RE_CASELESS);
	unit_inteq(m(re, "STRAẞE"), 1,
	    WHAT("%s: caseless folds non-ASCII letters", mode));
	crm_re_free(re);

	/* a NUL inside the subject is data, not an end */
	re = compile("a\\x00b", flags);
	unit_inteq(crm_re_match(re, "xa\0b", 4), 1,
	    WHAT("%s: a NUL byte in the subject is matched", mode));
	crm_re_free(re);
}

static void
test_limits(unsigned flags, const char *mode)
{
	const char *subj = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";
	struct crm_re *re;
	double t0, dt;
	int rc;

	re = compile("(a+)+$", flags);
	if (!re) {
		unit_ok(0, WHAT("%s: ReDoS pattern compiles", mode), NULL);
		return;
	}
	unit_inteq(crm_re_match_utf8(re, subj, strlen(subj)), -1,
	    WHAT("%s: the match limit holds for a subject known to be "
	    "UTF-8", mode));
	t0 = now_s();
	rc = m(re, subj);
	dt = now_s() - t0;
	unit_inteq(rc, -1, WHAT("%s: catastrophic backtracking is an error",
	    mode));
	unit_streq(crm_re_error(re), "match limit exceeded",
	    WHAT("%s: the error says the match limit was hit", mode));
	unit_ok(dt < 2.0, WHAT("%s: and it stops quickly (%.3f s)", mode, dt),
	    NULL);
	/* the object stays usable after an error */
	unit_inteq(m(re, "aaa"), 1, WHAT("%s: a later match still works",
	    mode));
	unit_streq(crm_re_error(re), "", WHAT("%s: the error is cleared",
	    mode));

	/* a tiny limit fails even a modest subject; 0 restores the default */
	crm_re_set_limit(re, 5);
	unit_inteq(m(re, "aaaaaaaaaaaaaaaaaaaab"), -1,
	    WHAT("%s: a lowered limit is enforced", mode));
	crm_re_set_limit(re, 0);
	unit_inteq(m(re, "aaaaaaaaaaaaaaaaaaaa"), 1,
	    WHAT("%s: limit 0 restores the default", mode));
	crm_re_free(re);

	re = compile("\\w+", flags);
	unit_inteq(m(re, "ok\xff\xfe"), -1,
	    WHAT("%s: invalid UTF-8 in the subject is an error", mode));
	unit_streq(crm_re_error(re), "invalid UTF-8 in subject",
	    WHAT("%s: and the error says so", mode));
	unit_inteq(m(re, "\xe8\xb4\xa8"), 1,
	    WHAT("%s: valid UTF-8 matches after an invalid subject", mode));
	unit_inteq(crm_re_match(re, "\xe8\xb4\xa8", 2), -1,
	    WHAT("%s: a character cut at n is invalid UTF-8", mode));
	crm_re_free(re);
}

/*
 * A pattern with no backtracking to limit but quadratic in the subject:
 * (?>(a+)+)$ on a mebibyte of 'a' then 'b' scans to the end from every
 * start position (minutes unbounded).  The time budget ends it with an
 * error well within a second; a short subject still gets its answer.
 */
static void
test_time_budget(unsigned flags, const char *mode)
{
	size_t n = (size_t)1 << 20;
	char *s = crm_xmalloc(n + 1);
	struct crm_re *re = compile("(?>(a+)+)$", flags);
	double t;
	int rc;

	memset(s, 'a', n - 1);
	s[n - 1] = 'b';
	s[n] = '\0';
	t = now_s();
	rc = crm_re_match(re, s, n);
	t = now_s() - t;
	unit_inteq(rc, -1, WHAT("%s: a quadratic scan of 1 MiB is ended", mode));
	unit_streq(crm_re_error(re), "time limit exceeded (250 ms)",
	    WHAT("%s: the error says the time limit was hit", mode));
	unit_ok(t < 1.0, WHAT("%s: and within a second", mode), NULL);
	t = now_s();
	rc = crm_re_match_utf8(re, s, n);
	t = now_s() - t;
	unit_ok(rc == -1 && t < 1.0,
	    WHAT("%s: the same for a subject known to be UTF-8", mode), NULL);
	crm_re_set_time_limit(re, 20);
	rc = crm_re_match(re, s, n);
	unit_streq(crm_re_error(re), "time limit exceeded (20 ms)",
	    WHAT("%s: a lowered time limit is the one reported", mode));
	crm_re_set_time_limit(re, 0);
	/* short subjects are not timed and get their answer */
	unit_inteq(crm_re_match(re, s + n - 3000, 3000), 0,
	    WHAT("%s: 3000 bytes are searched to the end", mode));
	unit_inteq(crm_re_match(re, "aaa", 3), 1,
	    WHAT("%s: and a match is a match", mode));
	crm_re_free(re);
	/* an ordinary pattern over the mebibyte is far inside the budget */
	re = compile("b$", flags);
	unit_inteq(crm_re_match(re, s, n), 1,
	    WHAT("%s: an ordinary pattern over 1 MiB still matches", mode));
	crm_re_free(re);
	free(s);
}

static void
test_verbs(void)
{
	char err[200] = "";
	struct crm_re *re = crm_re_compile("(*NO_JIT)rude", 0, err, sizeof err);

	unit_ok(re == NULL, "(*NO_JIT) is refused when the pattern is loaded",
	    NULL);
	unit_streq(err, "(*NO_JIT) is refused: patterns run JIT-compiled, "
	    "under the time budget, wherever the platform allows",
	    "and the reason says why");
	re = compile("(*UCP)(*NO_START_OPT)r\\w+e", 0);
	unit_ok(re && m(re, "so rude") == 1,
	    "other leading settings still work before the guard", NULL);
	crm_re_free(re);
	re = crm_re_compile("(*UCP)ab(", 0, err, sizeof err);
	unit_streq(err, "missing closing parenthesis at offset 9",
	    "error offsets count in the pattern as given");
	crm_re_free(re);
}

int
main(void)
{
	struct crm_re *re;

	(void)unit_near;	/* a unit.h helper this file has no use for */
	test_compile_errors();
	test_matching(0, "jit");
	test_matching(CRM_RE_NO_JIT, "interpreter");
	test_limits(0, "jit");
	test_limits(CRM_RE_NO_JIT, "interpreter");
	test_time_budget(0, "jit");
	test_time_budget(CRM_RE_NO_JIT, "interpreter");
	test_verbs();

	re = compile("x", CRM_RE_NO_JIT);
	unit_inteq(crm_re_jit(re), 0, "CRM_RE_NO_JIT uses the interpreter");
	crm_re_free(re);
	re = compile("x", 0);
	printf("# JIT %s on this platform\n", crm_re_jit(re) ? "is" :
	    "is not");
	crm_re_free(re);
	crm_re_free(NULL);
	return unit_done();
}
