/*
 * re: PCRE2 wrapper.  Each compiled pattern owns its match data, match
 * context and JIT stack, so matching allocates nothing after compilation;
 * the limits make pathological backtracking an error the caller reports.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "re.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Heap for the interpreter's backtracking frames, in KiB. */
#define HEAP_LIMIT_KIB 65536
/* The JIT stack grows from 32 KiB up to this. */
#define JIT_STACK_MAX (1024 * 1024)

struct crm_re {
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;
	char *pattern;
	int jit;
	char err[128];
};

void
crm_re_free(struct crm_re *re)
{
	if (!re)
		return;
	pcre2_match_data_free(re->md);
	pcre2_match_context_free(re->mctx);
	pcre2_jit_stack_free(re->jstack);
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

	if (flags & CRM_RE_CASELESS)
		opt |= PCRE2_CASELESS;
	re = crm_xcalloc(1, sizeof *re);
	re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opt,
	    &code, &off, NULL);
	if (!re->code) {
		PCRE2_UCHAR msg[120];

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
		re->jstack = pcre2_jit_stack_create(32 * 1024, JIT_STACK_MAX,
		    NULL);
		if (re->jstack)
			pcre2_jit_stack_assign(re->mctx, NULL, re->jstack);
	}
	pcre2_set_heap_limit(re->mctx, HEAP_LIMIT_KIB);
	crm_re_set_limit(re, 0);
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
		if ((why = match_error(rc)) != NULL) {
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
