/*
 * re: PCRE2 wrapper.  Each compiled pattern owns its match data and match
 * context, and every pattern a thread runs shares that thread's one JIT
 * stack, so matching allocates nothing after the first match; the limits
 * make pathological backtracking an error the caller reports.  (A stack of
 * its own per pattern reserved a megabyte of address space for each of the
 * thousands of branches of a triage rule set: gigabytes, which no limit on
 * a tool's address space could leave room for.)
 *
 * PCRE2's limits count backtracking at one start position, so a pattern
 * that scans to the end of the subject from every start, such as
 * (?>(a+)+)$, is quadratic in the subject's length without ever reaching
 * them.  Every pattern is therefore compiled behind a callout, (?C255),
 * which PCRE2 calls once at each start position it tries (positions the
 * start-of-match optimisations skip cost nothing); every 64th call reads
 * the clock, and a match still running after the time budget is ended
 * with an error, as a limit would end it.  The callout is set only for
 * subjects of GUARD_MIN bytes and more: below that even a quadratic scan
 * is a few milliseconds, and without a callout function PCRE2 passes the
 * callout at almost no cost, where calling it costs a tenth of a triage.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "re.h"

#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

/* The callout in front of every pattern, and its length. */
#define GUARD "(?C255)"
#define GUARD_LEN (sizeof GUARD - 1)
#define GUARD_MIN 4096

/* Heap for the interpreter's backtracking frames, in KiB. */
#define HEAP_LIMIT_KIB 65536
/* The JIT stack grows from 32 KiB up to this. */
#define JIT_STACK_MAX (1024 * 1024)

struct crm_re {
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	char *pattern;
	int jit;
	uint64_t budget_ns;     /* time a match may take */
	uint64_t started;       /* clock at the first check, 0 before */
	unsigned calls;         /* start positions tried in this match */
	int guarded;            /* the callout function is set */
	char err[128];
};

static uint64_t
clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The JIT stack of this thread, made at its first JIT match and kept
 * for the life of the thread (matches in one thread never overlap). */
static _Thread_local pcre2_jit_stack *thread_stack;

static pcre2_jit_stack *
jit_stack(void *arg)
{
	(void)arg;
	if (!thread_stack)
		thread_stack = pcre2_jit_stack_create(32 * 1024,
		    JIT_STACK_MAX, NULL);
	/* NULL: PCRE2 falls back to 32 KiB on the machine stack */
	return thread_stack;
}

/* Called at each start position: end the match past the budget. */
static int
guard(pcre2_callout_block *cb, void *arg)
{
	struct crm_re *re = arg;

	(void)cb;
	if (++re->calls % 64)
		return 0;
	uint64_t t = clock_ns();
	if (!re->started) {
		re->started = t;
		return 0;
	}
	return t - re->started > re->budget_ns ? PCRE2_ERROR_CALLOUT : 0;
}

/* The length of the option settings (*...) at the start of p, which
 * PCRE2 takes only there, so the guard goes after them; -1 with err set
 * for a setting crmkit refuses. */
static long
leading_verbs(const char *p, char *err, size_t errlen)
{
	const char *s = p;

	while (s[0] == '(' && s[1] == '*') {
		const char *e = strchr(s, ')');
		if (!e)
			break;
		if (!strncmp(s, "(*NO_JIT)", 9)) {
			if (errlen)
				snprintf(err, errlen, "(*NO_JIT) is refused: "
				    "patterns run JIT-compiled, under the "
				    "time budget, wherever the platform allows");
			return -1;
		}
		if (!strncmp(s, "(*LIMIT_", 8)) {
			if (errlen)
				snprintf(err, errlen, "%.*s is refused: the "
				    "match, depth, heap and time limits are "
				    "crmkit's", (int)(e - s + 1 > 40 ? 40 :
				    e - s + 1), s);
			return -1;
		}
		s = e + 1;
	}
	return (long)(s - p);
}

void
crm_re_free(struct crm_re *re)
{
	if (!re)
		return;
	pcre2_match_data_free(re->md);
	pcre2_match_context_free(re->mctx);
	pcre2_code_free(re->code);
	free(re->pattern);
	free(re);
}

struct crm_re *
crm_re_compile(const char *pattern, unsigned flags, char *err, size_t errlen)
{
	struct crm_re *re;
	uint32_t opt = PCRE2_UTF | PCRE2_UCP;
	int code;
	PCRE2_SIZE off;
	long verbs = leading_verbs(pattern, err, errlen);
	struct crm_buf g;

	if (verbs < 0)
		return NULL;
	if (flags & CRM_RE_CASELESS)
		opt |= PCRE2_CASELESS;
	if (flags & CRM_RE_INVALID_UTF)
		opt |= PCRE2_MATCH_INVALID_UTF;
	re = crm_xcalloc(1, sizeof *re);
	crm_buf_init(&g);
	crm_buf_add(&g, pattern, (size_t)verbs);
	crm_buf_adds(&g, GUARD);
	crm_buf_adds(&g, pattern + verbs);
	re->code = pcre2_compile((PCRE2_SPTR)g.p, g.n, opt, &code, &off, NULL);
	crm_buf_release(&g);
	if (!re->code) {
		PCRE2_UCHAR msg[120];

		/* offsets in the user's pattern, without the guard */
		if (off >= (PCRE2_SIZE)verbs + GUARD_LEN)
			off -= GUARD_LEN;
		else if (off > (PCRE2_SIZE)verbs)
			off = (PCRE2_SIZE)verbs;
		if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
			snprintf((char *)msg, sizeof msg, "error %d", code);
		if (errlen)
			snprintf(err, errlen, "%s at offset %zu", (char *)msg,
			    (size_t)off);
		crm_re_free(re);
		return NULL;
	}
	re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
	re->mctx = pcre2_match_context_create(NULL);
	if (!re->md || !re->mctx) {
		if (errlen)
			snprintf(err, errlen, "out of memory");
		crm_re_free(re);
		return NULL;
	}
	/* JIT is an optimisation: when unsupported, the interpreter runs. */
	if (!(flags & CRM_RE_NO_JIT) &&
	    pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0) {
		re->jit = 1;
		pcre2_jit_stack_assign(re->mctx, jit_stack, NULL);
	}
	pcre2_set_heap_limit(re->mctx, HEAP_LIMIT_KIB);
	crm_re_set_limit(re, 0);
	crm_re_set_time_limit(re, 0);
	re->pattern = crm_xstrdup(pattern);
	return re;
}

void
crm_re_set_limit(struct crm_re *re, unsigned long match_limit)
{
	uint32_t lim;

	if (match_limit == 0)
		match_limit = CRM_RE_MATCH_LIMIT;
	lim = match_limit > UINT32_MAX ? UINT32_MAX : (uint32_t)match_limit;
	pcre2_set_match_limit(re->mctx, lim);
	pcre2_set_depth_limit(re->mctx, lim);
}

void
crm_re_set_time_limit(struct crm_re *re, unsigned long ms)
{
	re->budget_ns = (uint64_t)(ms ? ms : CRM_RE_TIME_LIMIT_MS) * 1000000u;
}

static const char *
match_error(int rc)
{
	if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21)
		return "invalid UTF-8 in subject";
	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT:
		return "match limit exceeded";
	case PCRE2_ERROR_DEPTHLIMIT:
		return "depth limit exceeded";
	case PCRE2_ERROR_HEAPLIMIT:
		return "heap limit exceeded";
	case PCRE2_ERROR_JIT_STACKLIMIT:
		return "JIT stack limit exceeded";
	case PCRE2_ERROR_NOMEMORY:
		return "out of memory";
	case PCRE2_ERROR_CALLOUT:
		return "time limit exceeded";
	default:
		return NULL;
	}
}

static int
search(struct crm_re *re, const char *s, size_t n, size_t *start,
    size_t *end, int valid)
{
	PCRE2_SIZE *ov;
	const char *why;
	int rc;

	re->err[0] = '\0';
	re->calls = 0;
	re->started = 0;
	if ((n >= GUARD_MIN) != re->guarded) {
		re->guarded = n >= GUARD_MIN;
		pcre2_set_callout(re->mctx, re->guarded ? guard : NULL, re);
	}
	if (!s)
		s = "";		/* PCRE2 refuses a NULL subject even if empty */
	/* a subject known to be UTF-8 goes straight to the JIT code, which
	 * skips pcre2_match's checks (of the subject's UTF-8 among them) */
	if (valid && re->jit)
		rc = pcre2_jit_match(re->code, (PCRE2_SPTR)s, n, 0, 0, re->md,
		    re->mctx);
	else
		rc = pcre2_match(re->code, (PCRE2_SPTR)s, n, 0,
		    valid ? PCRE2_NO_UTF_CHECK : 0, re->md, re->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0) {
		if (rc == PCRE2_ERROR_CALLOUT) {
			snprintf(re->err, sizeof re->err, "time limit exceeded "
			    "(%lu ms)", (unsigned long)(re->budget_ns / 1000000u));
		} else if ((why = match_error(rc)) != NULL) {
			snprintf(re->err, sizeof re->err, "%s", why);
		} else {
			PCRE2_UCHAR msg[120];

			if (pcre2_get_error_message(rc, msg, sizeof msg) < 0)
				snprintf((char *)msg, sizeof msg, "error %d",
				    rc);
			snprintf(re->err, sizeof re->err, "%s", (char *)msg);
		}
		return -1;
	}
	ov = pcre2_get_ovector_pointer(re->md);
	if (start)
		*start = ov[0];
	if (end)
		*end = ov[1];
	return 1;
}

int
crm_re_search(struct crm_re *re, const char *s, size_t n, size_t *start,
    size_t *end)
{
	return search(re, s, n, start, end, 0);
}

int
crm_re_match(struct crm_re *re, const char *s, size_t n)
{
	return search(re, s, n, NULL, NULL, 0);
}

int
crm_re_match_utf8(struct crm_re *re, const char *s, size_t n)
{
	return search(re, s, n, NULL, NULL, 1);
}

const char *
crm_re_error(const struct crm_re *re)
{
	return re->err;
}

const char *
crm_re_pattern(const struct crm_re *re)
{
	return re->pattern;
}

int
crm_re_jit(const struct crm_re *re)
{
	return re->jit;
}
