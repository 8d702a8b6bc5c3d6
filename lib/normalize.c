/*
 * normalize: one switch over the column types of lib/kinds.h, each case a
 * thin layer over the exact parsers of lib/value.h.
 */
#include "normalize.h"
#include "expr.h"
#include "kinds.h"
#include "util.h"
#include "value.h"
#include "width.h"

#include <stdint.h>
#include <string.h>

/* Reasons that must name a list or a range are built here. */
static struct crm_buf msg;
/* A value with full-width characters, folded to ASCII. */
static struct crm_buf wide;

void
crm_norm_opts_init(struct crm_norm_opts *o)
{
	o->country = "86";
	o->date_flags = 0;
	o->ts_flags = 0;
	o->flags = 0;
	o->zone = NULL;
}

/* Full-width ASCII and U+3000 of s[0..n) as ASCII, into b. */
static void
fold_wide(const char *s, size_t n, struct crm_buf *b)
{
	crm_buf_reset(b);
	crm_buf_grow(b, n + 1);
	b->n = crm_width_fold(s, n, b->p);
	b->p[b->n] = '\0';
}

/* Is s[0..n) a plain number, as a spreadsheet writes a serial day? */
static int
plain_number(const char *s, size_t n)
{
	size_t i = 0, dots = 0;

	for (; i < n; i++)
		if (s[i] == '.')
			dots++;
		else if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0 && dots <= 1;
}

/* e, a date or timestamp reason, with what was expected (CRM_NORM_HINTS). */
static const char *
hint(const char *e, int ts, const char *s, size_t n,
    const struct crm_norm_opts *o)
{
	unsigned df = o->date_flags;
	const char *forms = df & CRM_DATE_MDY ? " or M/D/YYYY" :
	    df & CRM_DATE_DMY ? " or D/M/YYYY" : "";

	if (!strncmp(e, "Excel serial", 12))
		return e;
	crm_buf_reset(&msg);
	crm_buf_adds(&msg, e);
	if (!strcmp(e, "missing UTC offset")) {
		crm_buf_adds(&msg, " (write one, as in 2026-11-23 09:30+08:00, "
		    "or give --local-time ZONE)");
		return msg.p;
	}
	if (!strcmp(e, "time skipped by a daylight saving change")) {
		crm_buf_adds(&msg, " (the --local-time zone has no such time)");
		return msg.p;
	}
	if (!strcmp(e, "time out of range") || !strcmp(e,
	    "offset out of range")) {
		crm_buf_adds(&msg, " (expected H:MM or HH:MM:SS after the date, "
		    "hours 0-23, minutes and seconds 0-59, an offset up to "
		    "+-18:00)");
		return msg.p;
	}
	if (ts)
		crm_buf_addf(&msg, " (expected a date YYYY-MM-DD%s and a time, "
		    "as in 2026-11-23 09:30:00+08:00", forms);
	else
		crm_buf_addf(&msg, " (expected YYYY-MM-DD%s, optionally with a "
		    "time", forms);
	if (df & CRM_DATE_EXCEL)
		crm_buf_adds(&msg, ", or an Excel serial day");
	/* the options that would read it, for a value not read at all */
	if (!strcmp(e, "not a date") || !strcmp(e, "not a timestamp")) {
		if (!(df & (CRM_DATE_MDY | CRM_DATE_DMY)))
			crm_buf_adds(&msg, "; M/D/YYYY needs --mdy, D/M/YYYY "
			    "--dmy");
		if (!(df & CRM_DATE_EXCEL) && plain_number(s, n) && n != 8)
			crm_buf_adds(&msg, "; an Excel serial day needs "
			    "--excel-dates");
	}
	crm_buf_addc(&msg, ')');
	return msg.p;
}

static int
ascii_caseeq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return 1;
}

/* Index of s[0..n) in v, exactly or else ignoring ASCII case; -1. */
static int
vocab_find(const char *const *v, const char *s, size_t n)
{
	int i = crm_vocab_index(v, s, n);

	if (i >= 0)
		return i;
	for (i = 0; v[i]; i++)
		if (strlen(v[i]) == n && ascii_caseeq(v[i], s, n))
			return i;
	return -1;
}

static const char *
norm_vocab(const struct crm_coldef *c, const char *s, size_t n,
    struct crm_buf *out)
{
	int i = vocab_find(c->vocab, s, n);

	if (i < 0)
		i = crm_vocab_alias_index(c->vocab, s, n);
	if (i >= 0) {
		crm_buf_adds(out, c->vocab[i]);
		return NULL;
	}
	crm_buf_reset(&msg);
	crm_buf_addf(&msg, "unknown %s (accepted: ", c->name);
	crm_vocab_list(c->vocab, &msg);
	crm_buf_addc(&msg, ')');
	return msg.p;
}

static const char *const bool_yes[] = { "1", "yes", "y", "true", "t",
	"\xe6\x98\xaf", NULL };          /* 是 */
static const char *const bool_no[] = { "0", "no", "n", "false", "f",
	"\xe5\x90\xa6", NULL };          /* 否 */

static const char *
norm_bool(const char *s, size_t n, struct crm_buf *out)
{
	if (vocab_find(bool_yes, s, n) >= 0) {
		crm_buf_addc(out, '1');
		return NULL;
	}
	if (vocab_find(bool_no, s, n) >= 0) {
		crm_buf_addc(out, '0');
		return NULL;
	}
	return "not a yes/no value (accepted: 1, yes, y, true, t, \xe6\x98\xaf,"
	    " 0, no, n, false, f, \xe5\x90\xa6)";
}

static const char *
norm_int(const struct crm_coldef *c, const char *s, size_t n,
    struct crm_buf *out)
{
	int64_t lo = c->min, hi = c->max, v;
	const char *e;

	if (lo == 0 && hi == 0) {
		lo = INT64_MIN;
		hi = INT64_MAX;
	}
	e = crm_int_parse(s, n, lo, hi, &v);
	if (e && !strcmp(e, "out of range")) {
		crm_buf_reset(&msg);
		crm_buf_addf(&msg, "out of range (%lld..%lld)", (long long)lo,
		    (long long)hi);
		return msg.p;
	}
	if (e)
		return e;
	crm_buf_addf(out, "%lld", (long long)v);
	return NULL;
}

/* norm_id's word for "fold the value and try again". */
static const char wide_seen[] = "full-width characters";

static const char *
norm_id(const char *s, size_t n, unsigned flags, struct crm_buf *out)
{
	if (flags & CRM_NORM_ID_INTEGER) {
		/* a spreadsheet's number: digits, '.', zeros only */
		size_t k = 0, z;

		while (k < n && s[k] >= '0' && s[k] <= '9')
			k++;
		if (k > 0 && k + 1 < n && s[k] == '.') {
			for (z = k + 1; z < n && s[z] == '0'; z++)
				;
			if (z == n) {
				crm_buf_add(out, s, k);
				return NULL;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch <= ' ' || ch == 0x7f)
			return "not an id (contains whitespace)";
		if (ch >= 0xe3 && crm_width_has_wide(s + i, n - i))
			return wide_seen;
		/* U+3000 ideographic space */
		if (ch == 0xe3 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		    (unsigned char)s[i + 2] == 0x80)
			return "not an id (contains whitespace)";
	}
	crm_buf_add(out, s, n);
	return NULL;
}

/* [+-]digits[.digits], at most 6 places: written without '+', without
 * leading zeros and without trailing zeros after the point ("-0.5"). */
static const char *
norm_decimal(const char *s, size_t n, struct crm_buf *out)
{
	size_t i = 0, dot = n, end;
	int neg = 0, nz = 0;

	if (!crm_expr_is_number(s, n, -1))
		return "not a decimal number";
	if (s[0] == '+' || s[0] == '-')
		neg = s[i++] == '-';
	for (size_t k = i; k < n; k++)
		if (s[k] == '.')
			dot = k;
	if (dot < n && n - dot - 1 > 6)
		return "more than 6 decimal places";
	end = n;
	if (dot < n) {
		while (end > dot + 1 && s[end - 1] == '0')
			end--;
		if (end == dot + 1)
			end = dot;
	}
	while (i + 1 < dot && s[i] == '0')
		i++;
	for (size_t k = i; k < end; k++)
		nz |= s[k] >= '1' && s[k] <= '9';
	if (neg && nz)
		crm_buf_addc(out, '-');
	if (i == dot)
		crm_buf_addc(out, '0');
	crm_buf_add(out, s + i, end - i);
	return NULL;
}

static const char *norm_value(const struct crm_coldef *c, const char *s,
    size_t n, const struct crm_norm_opts *o, struct crm_buf *out);

/* Whether a value the parser took is already written as its canonical
 * form prints it, so that it can be copied as it is: most values of real
 * files are, and formatting them again was a tenth of a typed import.
 * tests/unit/test-normalize.c checks both against the formatters. */
static int
canonical_date(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-dd";

	if (n != 10)
		return 0;
	for (size_t i = 0; i < 10; i++)
		if (shape[i] == 'd' ? (unsigned)(s[i] - '0') > 9 : s[i] != '-')
			return 0;
	return 1;
}

/* -?(0|[1-9][0-9]*)\.[0-9][0-9]; the caller leaves out zero, which
 * prints without its sign. */
static int
canonical_money(const char *s, size_t n)
{
	size_t i = s[0] == '-';

	if (n < i + 4 || s[n - 3] != '.' ||
	    (unsigned)(s[n - 2] - '0') > 9 || (unsigned)(s[n - 1] - '0') > 9)
		return 0;
	if (s[i] == '0' && i + 1 != n - 3)
		return 0;
	for (; i < n - 3; i++)
		if ((unsigned)(s[i] - '0') > 9)
			return 0;
	return 1;
}

const char *
crm_normalize(const struct crm_coldef *c, const char *s, size_t n,
    const struct crm_norm_opts *o, struct crm_buf *out)
{
	struct crm_norm_opts def;
	const char *e;
	int email = c->type == CRM_C_EMAIL;

	if (!o) {
		crm_norm_opts_init(&def);
		o = &def;
	}
	/* Full-width forms are folded before an email, which would take
	 * them as they are; an id says when it has them, and every other
	 * type rejects them, so they are folded only after a value failed:
	 * the values of real files cost nothing more. */
	if (email && crm_width_has_wide(s, n)) {
		fold_wide(s, n, &wide);
		s = wide.p;
		n = wide.n;
	}
	for (int folded = email;; folded = 1) {
		crm_trim(&s, &n);
		if (n == 0)
			return c->required ? "required field is empty" : NULL;
		e = norm_value(c, s, n, o, out);
		if (!e || folded || c->type == CRM_C_TEXT ||
		    (e != wide_seen && !crm_width_has_wide(s, n)))
			return e;
		fold_wide(s, n, &wide);
		s = wide.p;
		n = wide.n;
	}
}

/* One trimmed, non-empty value of column c. */
static const char *
norm_value(const struct crm_coldef *c, const char *s, size_t n,
    const struct crm_norm_opts *o, struct crm_buf *out)
{
	const char *e;
	char tmp[48];

	switch (c->type) {
	case CRM_C_TEXT:
		crm_buf_add(out, s, n);
		return NULL;
	case CRM_C_ID:
		return norm_id(s, n, o->flags, out);
	case CRM_C_DATE: {
		int32_t d;
		if ((e = crm_date_parse(s, n, o->date_flags, &d)) != NULL)
			return o->flags & CRM_NORM_HINTS ? hint(e, 0, s, n, o) : e;
		if (canonical_date(s, n)) {
			/* a valid YYYY-MM-DD is its own canonical form */
			crm_buf_add(out, s, n);
			return NULL;
		}
		crm_date_format(d, tmp);
		crm_buf_add(out, tmp, 10);
		return NULL;
	}
	case CRM_C_TS: {
		int64_t t;
		int off;
		if (o->flags & CRM_NORM_TS_FORMS) {
			struct crm_ts_opts to = { o->ts_flags, o->date_flags,
			    o->zone };
			e = crm_ts_parse_ex(s, n, &to, &t, &off);
		} else {
			e = crm_ts_parse(s, n, o->ts_flags, &t, &off);
		}
		if (e)
			return o->flags & CRM_NORM_HINTS ? hint(e, 1, s, n, o) : e;
		crm_ts_format(t, off, tmp);
		crm_buf_adds(out, tmp);
		return NULL;
	}
	case CRM_C_MONEY: {
		int64_t m;
		if ((e = crm_money_parse(s, n, &m)) != NULL)
			return e;
		if (m != 0 && canonical_money(s, n)) {
			crm_buf_add(out, s, n);
			return NULL;
		}
		crm_buf_add(out, tmp, crm_money_format(m, tmp));
		return NULL;
	}
	case CRM_C_INT:
		return norm_int(c, s, n, out);
	case CRM_C_VOCAB:
		return norm_vocab(c, s, n, out);
	case CRM_C_PHONE:
		e = crm_phone_normalize(s, n, o->country ? o->country : "86",
		    tmp, sizeof tmp);
		if (e)
			return e;
		crm_buf_adds(out, tmp);
		return NULL;
	case CRM_C_EMAIL:
		crm_buf_grow(out, n + 1);
		e = crm_email_normalize(s, n, out->p + out->n, n + 1);
		if (e) {
			out->p[out->n] = '\0';
			return e;
		}
		out->n += strlen(out->p + out->n);
		return NULL;
	case CRM_C_BOOL:
		return norm_bool(s, n, out);
	case CRM_C_DECIMAL:
		return norm_decimal(s, n, out);
	}
	return "unknown column type";
}
