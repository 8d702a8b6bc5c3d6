/*
 * report: the crm-report driver, the table of reports and the small helpers
 * the report files share.  Everything a report would otherwise repeat (the
 * header check, the column check, the fatal/bad-record loop, partial files,
 * --table) is done here, once.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "html.h"
#include "outfile.h"
#include "report.h"
#include "report_tx.h"
#include "sort.h"
#include "value.h"

extern const struct crm_report_ops crm_report_satisfaction,
    crm_report_channels, crm_report_value, crm_report_churn,
    crm_report_complaints, crm_report_funnel, crm_report_agents,
    crm_report_weekly, crm_report_campaigns;

const struct crm_report_ops *const crm_reports[] = {
	&crm_report_satisfaction,
	&crm_report_channels,
	&crm_report_value,
	&crm_report_churn,
	&crm_report_complaints,
	&crm_report_funnel,
	&crm_report_agents,
	&crm_report_weekly,
	&crm_report_campaigns,
	NULL
};

const struct crm_report_ops *
crm_report_find(const char *name)
{
	for (size_t i = 0; crm_reports[i]; i++)
		if (!strcmp(crm_reports[i]->name, name))
			return crm_reports[i];
	return NULL;
}

void
crm_report_diag(struct crm_report_opts *o, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (o->diag)
		o->diag(msg);
	o->status = CRM_EXIT_REJECT;
}

/* ---- helpers ---- */

void
crm_report_month_of_day(int32_t day, char out[8])
{
	int y, m, d;

	crm_date_to_ymd(day, &y, &m, &d);
	if (y >= 0 && y <= 9999) {
		/* The hot path of every per-month figure: no snprintf. */
		out[0] = (char)('0' + y / 1000);
		out[1] = (char)('0' + y / 100 % 10);
		out[2] = (char)('0' + y / 10 % 10);
		out[3] = (char)('0' + y % 10);
		out[4] = '-';
		out[5] = (char)('0' + m / 10);
		out[6] = (char)('0' + m % 10);
		out[7] = '\0';
	} else {
		snprintf(out, 8, "%04d-%02d", y, m);
	}
}

void
crm_report_week_of_day(int32_t day, char out[9])
{
	int y, w;

	crm_date_isoweek(day, &y, &w, NULL);
	if (y < 0 || y > 9999)
		y = 0;          /* outside every valid date */
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = 'W';
	out[6] = (char)('0' + w / 10);
	out[7] = (char)('0' + w % 10);
	out[8] = '\0';
}

/* Floor division by a positive d. */
static int32_t
fdiv(int64_t a, int64_t d)
{
	return (int32_t)(a >= 0 ? a / d : -((-a + d - 1) / d));
}

int32_t
crm_report_period_of(int32_t day, enum crm_report_period k)
{
	int y, m, d;

	if (k == CRM_PERIOD_WEEK)
		return fdiv((int64_t)day + 3, 7);      /* 1969-12-29: -3 */
	crm_date_to_ymd(day, &y, &m, &d);
	return k == CRM_PERIOD_QUARTER ? y * 4 + (m - 1) / 3 :
	    y * 12 + (m - 1);
}

int32_t
crm_report_period_first(int32_t p, enum crm_report_period k)
{
	int32_t y, m;

	if (k == CRM_PERIOD_WEEK)
		return p * 7 - 3;
	if (k == CRM_PERIOD_QUARTER) {
		y = fdiv(p, 4);
		m = (p - y * 4) * 3 + 1;
	} else {
		y = fdiv(p, 12);
		m = p - y * 12 + 1;
	}
	if (y < 1000)
		return CRM_DATE_MIN;
	if (y > 9999)
		return CRM_DATE_MAX + 1;        /* the day after the last */
	return crm_date_from_ymd((int)y, (int)m, 1);
}

int32_t
crm_report_period_last(int32_t p, enum crm_report_period k)
{
	return crm_report_period_first(p + 1, k) - 1;
}

const char *
crm_report_period_name(enum crm_report_period k)
{
	return k == CRM_PERIOD_WEEK ? "week" : k == CRM_PERIOD_QUARTER ?
	    "quarter" : "month";
}

void
crm_report_period_label_of_day(int32_t day, enum crm_report_period k,
    char out[CRM_REPORT_PLABEL])
{
	if (k == CRM_PERIOD_WEEK)
		crm_report_week_of_day(day, out);
	else if (k == CRM_PERIOD_MONTH)
		crm_report_month_of_day(day, out);
	else
		crm_report_period_label(crm_report_period_of(day, k), k, out);
}

void
crm_report_period_label(int32_t p, enum crm_report_period k,
    char out[CRM_REPORT_PLABEL])
{
	char b[48];
	int32_t y;

	if (k == CRM_PERIOD_WEEK) {
		crm_report_week_of_day(crm_report_period_first(p, k), out);
		return;
	}
	if (k == CRM_PERIOD_QUARTER) {
		y = fdiv(p, 4);
		snprintf(b, sizeof b, "%04d-Q%d", (int)y, (int)(p - y * 4) + 1);
	} else {
		y = fdiv(p, 12);
		snprintf(b, sizeof b, "%04d-%02d", (int)y,
		    (int)(p - y * 12) + 1);
	}
	b[CRM_REPORT_PLABEL - 1] = '\0';
	memcpy(out, b, strlen(b) + 1);
}

int
crm_report_month(const char *s, size_t n, int is_ts, char out[8],
    const char **why)
{
	int32_t d;

	if (is_ts) {
		int64_t t;
		int off;

		*why = crm_ts_parse(s, n, 0, &t, &off);
		if (*why)
			return -1;
		/* A timestamp with its offset written starts with its local
		 * day as YYYY-MM-DD: the month is its first seven bytes. */
		memcpy(out, s, 7);
		out[7] = '\0';
		return 0;
	} else {
		*why = crm_date_parse(s, n, 0, &d);
		if (*why)
			return -1;
	}
	crm_report_month_of_day(d, out);
	return 0;
}

int
crm_report_day(const char *s, size_t n, int is_ts, int32_t *day,
    const char **why)
{
	if (is_ts) {
		int64_t t;
		int off;

		*why = crm_ts_parse(s, n, 0, &t, &off);
		if (*why)
			return -1;
		/* Its local day is its first ten bytes, as for its month. */
		*why = crm_date_parse(s, 10, 0, day);
	} else {
		*why = crm_date_parse(s, n, 0, day);
	}
	return *why ? -1 : 0;
}

static int
dig2(const char *s, int *v)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return 0;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return 1;
}

int
crm_report_month_ts(struct crm_report_tscache *c, const char *s, size_t n,
    char out[8], const char **why)
{
	int h, mi, sec, oh, om;

	/* The fast path accepts exactly what crm_ts_parse accepts in this
	 * form: hours to 23, minutes and seconds to 59, offsets to 18:00. */
	if (c->ok && n == 25 && !memcmp(s, c->day, 10) && s[10] == 'T' &&
	    s[13] == ':' && s[16] == ':' && (s[19] == '+' || s[19] == '-') &&
	    s[22] == ':' && dig2(s + 11, &h) && dig2(s + 14, &mi) &&
	    dig2(s + 17, &sec) && dig2(s + 20, &oh) && dig2(s + 23, &om) &&
	    h <= 23 && mi <= 59 && sec <= 59 && om <= 59 &&
	    oh * 60 + om <= 18 * 60) {
		memcpy(out, s, 7);
		out[7] = '\0';
		*why = NULL;
		return 0;
	}
	if (crm_report_month(s, n, 1, out, why) < 0)
		return -1;
	if (n >= 10) {
		memcpy(c->day, s, 10);
		c->ok = 1;
	}
	return 0;
}

int
crm_report_label_last(const char *s, int32_t *last)
{
	int y = 0, v = 0;
	size_t n = strlen(s);

	for (int i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		y = y * 10 + (s[i] - '0');
	}
	if (s[4] != '-' || y < 1000)
		return -1;
	if (n == 7 && dig2(s + 5, &v) && v >= 1 && v <= 12) {
		*last = crm_report_period_last(y * 12 + v - 1, CRM_PERIOD_MONTH);
		return 0;
	}
	if (n == 7 && s[5] == 'Q' && s[6] >= '1' && s[6] <= '4') {
		*last = crm_report_period_last(y * 4 + (s[6] - '1'),
		    CRM_PERIOD_QUARTER);
		return 0;
	}
	if (n == 8 && s[5] == 'W' && dig2(s + 6, &v) && v >= 1 && v <= 53) {
		/* Week 1 holds January 4; its Monday starts the year. */
		int32_t jan4 = crm_date_from_ymd(y, 1, 4);
		int wy, wk, wd;

		crm_date_isoweek(jan4, &wy, &wk, &wd);
		*last = jan4 - (wd - 1) + (v - 1) * 7 + 6;
		return 0;
	}
	return -1;
}

const char *
crm_report_week_parse(const char *s, int32_t *week)
{
	int32_t last;
	char back[9];

	if (strlen(s) != 8 || crm_report_label_last(s, &last) < 0 ||
	    s[5] != 'W')
		return "not an ISO 8601 week (YYYY-Www, 2026-W48)";
	/* W53 of a year of 52 weeks would be week 1 of the next */
	crm_report_week_of_day(last, back);
	if (strcmp(back, s))
		return "no such week: its year has 52 weeks";
	*week = crm_report_period_of(last, CRM_PERIOD_WEEK);
	return NULL;
}

void
crm_report_complete(struct crm_rtab *t, const struct crm_report_opts *o,
    size_t lc)
{
	size_t c = crm_rtab_add_column(t, "complete", 1), nrun = 0;
	struct crm_buf run;
	const char *prev = "";
	char day[11];

	crm_buf_init(&run);
	for (size_t r = 0; r < t->nrows && r < t->total_from; r++) {
		const char *lab = crm_rtab_get(t, r, lc);
		int32_t last;

		if (crm_report_label_last(lab, &last) < 0)
			continue;
		if (last <= o->done_day) {
			crm_rtab_set(t, r, c, "1");
			continue;
		}
		crm_rtab_set(t, r, c, "0");
		if (!strcmp(lab, prev))
			continue;       /* a period of several rows */
		crm_buf_addf(&run, "%s%s", nrun++ ? ", " : "", lab);
		prev = lab;
	}
	if (nrun) {
		crm_date_format(o->done_day, day);
		crm_buf_addf(&run, " %s still running as of %s: %s figures "
		    "are provisional", nrun > 1 ? "are" : "is", day,
		    nrun > 1 ? "their" : "its");
		crm_rtab_note(t, run.p);
	}
	crm_buf_release(&run);
}

struct crm_rtab *
crm_report_tab(const char *name, const char *const *cols, size_t n,
    size_t nlabel)
{
	struct crm_rtab *t = crm_rtab_new(name, cols, n);

	for (size_t i = nlabel; i < n; i++)
		crm_rtab_numeric(t, i);
	return t;
}

void
crm_report_share(struct crm_rtab *t, double a, double b)
{
	if (b == 0)
		crm_rtab_cell(t, NULL);
	else
		crm_rtab_cellf(t, "%.4f", a / b);
}

void
crm_report_mean(struct crm_rtab *t, double sum, double n)
{
	if (n == 0)
		crm_rtab_cell(t, NULL);
	else
		crm_rtab_cellf(t, "%.2f", sum / n);
}

void
crm_report_int(struct crm_rtab *t, int64_t v)
{
	crm_rtab_cellf(t, "%" PRId64, v);
}

static const struct crm_strmap *sort_map;

static int
cmp_slot(const void *a, const void *b)
{
	return strcmp(sort_map->slot[*(const size_t *)a].key,
	    sort_map->slot[*(const size_t *)b].key);
}

size_t *
crm_report_sorted(const struct crm_strmap *m)
{
	size_t n = crm_strmap_count(m);
	size_t *v = crm_xmalloc(crm_mulsz(n + 1, sizeof *v));

	for (size_t i = 0; i < n; i++)
		v[i] = i;
	sort_map = m;
	qsort(v, n, sizeof *v, cmp_slot);
	sort_map = NULL;
	return v;
}

/* ---- partial results ---- */

static const char *const partial_cols[] = {
	"report", "by", "scope", "group", "metric", "value", "n"
};

struct prow {
	char *key;              /* "scope\tgroup\tmetric\tvalue" */
	int64_t n;
};

struct crm_report_sink {
	struct prow *v;
	size_t n, alloc;
};

void
crm_report_put(struct crm_report_sink *s, const char *scope,
    const char *group, const char *metric, const char *value, int64_t n)
{
	struct crm_buf b;

	if (n == 0)
		return;
	crm_buf_init(&b);
	crm_buf_addf(&b, "%s\t%s\t%s\t%s", scope, group, metric, value);
	crm_grow(&s->v, &s->alloc, s->n + 1, sizeof *s->v);
	s->v[s->n].key = crm_buf_detach(&b, NULL);
	s->v[s->n++].n = n;
}

static int
cmp_prow(const void *a, const void *b)
{
	return strcmp(((const struct prow *)a)->key,
	    ((const struct prow *)b)->key);
}

/* Every counter as one row, sorted by key so that a partial is
 * reproducible. */
static void
write_partial(const struct crm_report_ops *ops, void *st,
    const struct crm_report_opts *o, struct crm_out *out)
{
	struct crm_report_sink s = { NULL, 0, 0 };
	struct crm_writer w;

	ops->partial(st, &s);
	if (s.n)
		qsort(s.v, s.n, sizeof *s.v, cmp_prow);
	crm_writer_init(&w, out, CRM_FMT_TSV);
	crm_writer_header_names(&w, partial_cols, 7);
	for (size_t i = 0; i < s.n; i++) {
		char *p = s.v[i].key, *q;

		crm_writer_str(&w, ops->name);
		crm_writer_str(&w, o->by ? o->by : "");
		for (int j = 0; j < 3; j++) {
			q = strchr(p, '\t');
			crm_writer_field(&w, p, (size_t)(q - p));
			p = q + 1;
		}
		crm_writer_str(&w, p);
		crm_writer_fieldf(&w, "%" PRId64, s.v[i].n);
		crm_writer_end(&w);
		free(s.v[i].key);
	}
	crm_writer_release(&w);
	free(s.v);
}

static void
reject(struct crm_report_opts *o, struct crm_reader *r,
    const struct crm_rec *rec, int col, const char *msg)
{
	const char *v = col >= 0 && (size_t)col < rec->nf ? rec->f[col].p : NULL;
	size_t n = v ? rec->f[col].n : 0;

	if (n == 0)
		v = NULL;       /* "missing" needs no quoted empty value */
	crm_report_diag(o, "%s", crm_reader_seterr(r, rec->line, col, v, n,
	    "%s", msg));
}

/* Read partial-result file r back into the counters. */
static void
read_partial(const struct crm_report_ops *ops, void *st,
    struct crm_report_opts *o, struct crm_reader *r)
{
	const char *by = o->by ? o->by : "";
	struct crm_rec rec;
	int c[7], rc;
	/* with CRM_REPORT_PHEAD: the next row must be a format row (1), or
	 * the rest of the part is left out (2) */
	int head = (ops->flags & CRM_REPORT_PHEAD) ? 1 : 0;

	for (int i = 0; i < 7; i++) {
		c[i] = crm_reader_col(r, partial_cols[i]);
		if (c[i] < 0) {
			crm_report_diag(o, "%s: not a partial result: no "
			    "column '%s'", crm_reader_name(r), partial_cols[i]);
			return;
		}
	}
	while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF) {
		size_t n;
		const char *s, *why;
		int64_t v;
		int col;

		if (rc == CRM_READ_FATAL) {
			crm_report_diag(o, "%s", crm_reader_error(r));
			return;
		}
		if (rc == CRM_READ_BAD) {
			crm_report_diag(o, "%s", crm_reader_error(r));
			continue;
		}
		s = crm_report_field(&rec, c[0], &n);
		if (n == 6 && !memcmp(s, "report", 6)) {
			/* the header of a concatenated part */
			head = (ops->flags & CRM_REPORT_PHEAD) ? 1 : 0;
			continue;
		}
		if (head == 2)
			continue;
		if (strlen(ops->name) != n || memcmp(s, ops->name, n)) {
			reject(o, r, &rec, c[0], "partial of another report");
			if (head == 1)
				head = 2;       /* one message for the part */
			continue;
		}
		s = crm_report_field(&rec, c[1], &n);
		if (strlen(by) != n || memcmp(s, by, n)) {
			reject(o, r, &rec, c[1], "partial made with another "
			    "--by");
			if (head == 1)
				head = 2;
			continue;
		}
		if (head == 1 && strcmp(rec.f[c[2]].p, "#")) {
			reject(o, r, &rec, c[2], "no format row: a partial of "
			    "another version of crm-report");
			head = 2;
			continue;
		}
		s = crm_report_field(&rec, c[6], &n);
		if (crm_int_parse(s, n, INT64_MIN / 4, INT64_MAX / 4, &v)) {
			reject(o, r, &rec, c[6], "not a count");
			continue;
		}
		if (ops->merge(st, rec.f[c[2]].p, rec.f[c[3]].p, rec.f[c[4]].p,
		    rec.f[c[5]].p, v, &why, &col) < 0) {
			reject(o, r, &rec, col >= 0 && col < 7 ? c[col] : -1,
			    why);
			if (head == 1)
				head = 2;
			continue;
		}
		head = 0;
	}
}

/* ---- --by a customer attribute ---- */

/* One state of the report per value of the attribute, beside the state
 * of all records: each record the report accepts goes to both. */
struct attrgroups {
	const struct crm_report_ops *ops;
	struct crm_report_opts go;      /* the groups' options: the records
	                                   were told about once already */
	int k;                          /* the attribute (custattr.h) */
	struct crm_strmap groups;       /* value -> slot into st */
	void **st;
	struct crm_report_opts **gos;   /* each group's, with its group */
	size_t ast, agos;
	struct crm_strmap keys;         /* attr_key value -> group + 1 */
	int tier;                       /* --by tier: from revenue */
	struct crm_strmap tiers;        /* customer id -> enum crm_tier */
	struct crm_reader *r;           /* the input being read */
	int c_id, c_key;
};

static void
ag_init(struct attrgroups *ag, const struct crm_report_ops *ops,
    const struct crm_report_opts *o)
{
	memset(ag, 0, sizeof *ag);
	ag->ops = ops;
	ag->go = *o;
	ag->go.diag = NULL;
	ag->tier = !strcmp(o->attr, "tier");
	ag->k = o->attrs ? crm_custattr_index(o->attrs, o->attr) : -1;
	crm_strmap_init(&ag->groups);
	crm_strmap_init(&ag->keys);
	crm_strmap_init(&ag->tiers);
}

/* The revenue of c, or -1 when it leaves the int64 range. */
static int
revenue(const struct crm_cust *c, int64_t *v)
{
	struct crm_custday_it it;
	__int128 sum = 0;

	crm_cust_days(c, &it);
	while (crm_custday_next(&it))
		sum += it.amount;
	if (sum > INT64_MAX || sum < INT64_MIN)
		return -1;
	*v = (int64_t)sum;
	return 0;
}

/*
 * --by tier: every customer's tier on the pyramid (pyramid.h, o->pyr) by
 * the revenue of the transactions of --transactions, or else of the
 * report's own inputs (value, churn), read once before the report reads
 * them, with the run's as-of day and window.  0; or -1 with the reason.
 */
static int
ag_load_tiers(struct attrgroups *ag, const struct crm_report_ops *ops,
    struct crm_report_opts *o, char *const *files, size_t n, char *err,
    size_t errlen)
{
	extern const struct crm_report_ops crm_report_value;
	struct crm_report_opts qo = *o;
	const struct crm_cust **cs;
	struct crm_kv *kv;
	int64_t *v;
	unsigned char *tier, *abc;
	size_t nc;
	void *st;
	int rc = 0;

	if (!o->transactions) {
		if (ops->columns != crm_report_tx_columns) {
			snprintf(err, errlen, "--by tier: a tier comes from "
			    "revenue: give --transactions FILE");
			return -1;
		}
		for (size_t i = 0; i < n; i++)
			if (!strcmp(files[i], "-"))
				n = 0;
		if (n == 0) {
			snprintf(err, errlen, "--by tier reads the "
			    "transactions twice: name the files, not "
			    "standard input");
			return -1;
		}
		qo.diag = NULL;         /* told in the report's own pass */
	}
	qo.attr = NULL;
	qo.attrs = NULL;
	st = crm_report_value.new(&qo);
	for (size_t i = 0; i < (o->transactions ? 1 : n); i++)
		if (crm_report_read(&crm_report_value, st, &qo,
		    o->transactions ? o->transactions : files[i], err,
		    errlen) < 0) {
			crm_report_value.free(st);
			return -1;
		}
	if (o->transactions && qo.status)
		o->status = qo.status;
	cs = crm_report_tx_customers(st, &nc);
	kv = crm_xmalloc(crm_mulsz(nc + 1, sizeof *kv));
	v = crm_xmalloc(crm_mulsz(nc + 1, sizeof *v));
	tier = crm_xmalloc(nc + 1);
	abc = crm_xmalloc(nc + 1);
	for (size_t i = 0; i < nc && rc == 0; i++) {
		if (revenue(cs[i], &v[i]) < 0) {
			snprintf(err, errlen, "--by tier: customer '%s': "
			    "revenue out of range", cs[i]->id);
			rc = -1;
		}
		kv[i].k = crm_sort_key_i64(v[i]);
		kv[i].v = i;
	}
	if (rc == 0) {
		crm_sort_kv(kv, nc);
		for (size_t j = 0; j < nc; j++)
			(void)revenue(cs[kv[j].v], &v[j]);
		crm_pyramid_classify(v, nc, &o->pyr, tier, abc);
		for (size_t j = 0; j < nc; j++) {
			const struct crm_cust *c = cs[kv[j].v];
			size_t h = crm_strmap_add(&ag->tiers, c->id, c->idlen,
			    NULL);

			*crm_strmap_val(&ag->tiers, h) = tier[j];
		}
	}
	free(kv);
	free(v);
	free(tier);
	free(abc);
	free(cs);
	crm_report_value.free(st);
	return rc;
}

static void
ag_release(struct attrgroups *ag)
{
	for (size_t g = 0; g < crm_strmap_count(&ag->groups); g++) {
		ag->ops->free(ag->st[g]);
		free(ag->gos[g]);
	}
	free(ag->st);
	free(ag->gos);
	crm_strmap_release(&ag->groups);
	crm_strmap_release(&ag->keys);
	crm_strmap_release(&ag->tiers);
}

static void
ag_begin(struct attrgroups *ag, struct crm_reader *r)
{
	char e[512];

	ag->r = r;
	ag->c_id = crm_reader_col(r, "customer_id");
	ag->c_key = ag->ops->attr_key ? crm_reader_col(r, ag->ops->attr_key) :
	    -1;
	for (size_t g = 0; g < crm_strmap_count(&ag->groups); g++)
		(void)ag->ops->begin(ag->st[g], r, e, sizeof e);
}

/* The group of value s, its state made (and begun) when new. */
static size_t
ag_group(struct attrgroups *ag, const char *s)
{
	int isnew;
	size_t g = crm_strmap_add(&ag->groups, s, strlen(s), &isnew);
	char e[512];

	if (isnew) {
		crm_grow(&ag->st, &ag->ast, g + 1, sizeof *ag->st);
		crm_grow(&ag->gos, &ag->agos, g + 1, sizeof *ag->gos);
		ag->gos[g] = crm_xmalloc(sizeof **ag->gos);
		*ag->gos[g] = ag->go;
		ag->gos[g]->group = crm_strmap_key(&ag->groups, g, NULL);
		ag->st[g] = ag->ops->new(ag->gos[g]);
		if (ag->ops->begin)
			(void)ag->ops->begin(ag->st[g], ag->r, e, sizeof e);
	}
	return g;
}

/* Record rec, accepted by the state of all, into its customer's group. */
static void
ag_add(struct attrgroups *ag, const struct crm_report_opts *o,
    const struct crm_rec *rec)
{
	const char *id, *key = NULL, *why;
	size_t idn, keyn = 0, g = CRM_STRMAP_NONE;
	int col;

	id = crm_report_field(rec, ag->c_id, &idn);
	if (ag->c_key >= 0)
		key = crm_report_field(rec, ag->c_key, &keyn);
	if (idn && ag->tier) {
		size_t h = crm_strmap_find(&ag->tiers, id, idn);

		g = ag_group(ag, h == CRM_STRMAP_NONE ? CRM_REPORT_NONE :
		    crm_tier_names[*crm_strmap_val(&ag->tiers, h)]);
	} else if (idn) {
		size_t i = crm_custattr_find(o->attrs, id, idn);
		const char *v = i == CRM_STRMAP_NONE ? CRM_CUSTATTR_UNKNOWN :
		    crm_custattr_get(o->attrs, i, ag->k, o->attr_day);

		g = ag_group(ag, *v ? v : CRM_REPORT_NONE);
	}
	if (idn && keyn) {
		int isnew;
		size_t h = crm_strmap_add(&ag->keys, key, keyn, &isnew);

		if (isnew)
			*crm_strmap_val(&ag->keys, h) = g + 1;
	} else if (keyn) {
		size_t h = crm_strmap_find(&ag->keys, key, keyn);

		if (h != CRM_STRMAP_NONE)
			g = *crm_strmap_val(&ag->keys, h) - 1;
	}
	if (g == CRM_STRMAP_NONE)
		g = ag_group(ag, CRM_CUSTATTR_UNKNOWN);
	(void)ag->ops->add(ag->st[g], rec, &why, &col);
}

static const struct attrgroups *sort_ag;

static int
cmp_group(const void *a, const void *b)
{
	const struct attrgroups *ag = sort_ag;
	const char *x = crm_strmap_key(&ag->groups, *(const size_t *)a, NULL);
	const char *y = crm_strmap_key(&ag->groups, *(const size_t *)b, NULL);
	int rx = -1, ry = -1;

	if (ag->tier) {
		for (int t = 0; t < 4; t++) {
			if (!strcmp(x, crm_tier_names[t]))
				rx = t;
			if (!strcmp(y, crm_tier_names[t]))
				ry = t;
		}
	} else if (ag->go.attrs) {
		rx = crm_custattr_band_rank(ag->go.attrs, ag->k, x);
		ry = crm_custattr_band_rank(ag->go.attrs, ag->k, y);
	}

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x, y);
}

/* Append the rows of src to t, labelled lab, its columns put where t has
 * a column of the same name (map: t's column of each of src's). */
static void
ag_rows(struct crm_rtab *t, const struct crm_rtab *src, const char *lab)
{
	size_t *map = crm_xcalloc(src->ncols + 1, sizeof *map);

	for (size_t c = 0; c < src->ncols; c++)
		for (size_t d = 1; d < t->ncols; d++)
			if (!strcmp(t->cols[d], src->cols[c])) {
				map[c] = d;
				break;
			}
	for (size_t r = 0; r < src->nrows; r++) {
		const char **row = crm_xcalloc(t->ncols, sizeof *row);

		row[0] = lab;
		for (size_t c = 0; c < src->ncols; c++)
			row[map[c]] = crm_rtab_get(src, r, c);
		for (size_t d = 0; d < t->ncols; d++)
			crm_rtab_cell(t, row[d]);
		free(row);
	}
	free(map);
}

/* The table named like all, one block of rows per group (gts[x]: the
 * tables of the x-th group in order, ngt[x] of them), then the rows of all
 * as totals labelled "total"; the columns of all, then any a group has
 * that all has not (a cohort table's later periods). */
static struct crm_rtab *
ag_table(const struct attrgroups *ag, const struct crm_rtab *all,
    struct crm_rtab ***gts, const int *ngt, const char *const *labs,
    size_t ng)
{
	struct crm_rtab *t;
	const char **cols = NULL;
	unsigned char *num = NULL;
	size_t nc = 0, ac = 0, an = 0;

	crm_grow(&cols, &ac, all->ncols + 1, sizeof *cols);
	crm_grow(&num, &an, all->ncols + 1, 1);
	cols[nc] = ag->go.attr;
	num[nc++] = 0;
	for (size_t c = 0; c < all->ncols; c++) {
		cols[nc] = all->cols[c];
		num[nc++] = all->numeric[c];
	}
	for (size_t x = 0; x < ng; x++)
		for (int i = 0; i < ngt[x]; i++) {
			const struct crm_rtab *gt = gts[x][i];

			if (strcmp(gt->name, all->name))
				continue;
			for (size_t c = 0; c < gt->ncols; c++) {
				size_t d;

				for (d = 1; d < nc && strcmp(cols[d],
				    gt->cols[c]); d++)
					;
				if (d < nc)
					continue;
				crm_grow(&cols, &ac, nc + 1, sizeof *cols);
				crm_grow(&num, &an, nc + 1, 1);
				cols[nc] = gt->cols[c];
				num[nc++] = gt->numeric[c];
			}
		}
	t = crm_rtab_new(all->name, cols, nc);
	for (size_t c = 0; c < nc; c++)
		if (num[c])
			crm_rtab_numeric(t, c);
	for (size_t x = 0; x < ng; x++)
		for (int i = 0; i < ngt[x]; i++)
			if (!strcmp(gts[x][i]->name, all->name))
				ag_rows(t, gts[x][i], labs[x]);
	crm_rtab_totals(t);
	ag_rows(t, all, "total");
	if (all->chart_label >= 0)
		crm_rtab_chart(t, all->chart_label + 1, all->chart_value + 1,
		    all->chart_fmt);
	if (all->note)
		crm_rtab_note(t, all->note);
	free(cols);
	free(num);
	return t;
}

/* The tables of all, ts[0..nt), turned into the grouped ones in place;
 * 0, or -1 with a group's message in err. */
static int
ag_tables(struct attrgroups *ag, struct crm_rtab **ts, int nt, char *err,
    size_t errlen)
{
	size_t ng = crm_strmap_count(&ag->groups), *ord;
	struct crm_rtab ***gts = crm_xcalloc(ng + 1, sizeof *gts);
	int *ngt = crm_xcalloc(ng + 1, sizeof *ngt), rc = 0;
	const char **labs = crm_xcalloc(ng + 1, sizeof *labs);

	ord = crm_xcalloc(ng + 1, sizeof *ord);
	for (size_t g = 0; g < ng; g++)
		ord[g] = g;
	sort_ag = ag;
	qsort(ord, ng, sizeof *ord, cmp_group);
	sort_ag = NULL;
	for (size_t x = 0; x < ng && rc == 0; x++) {
		size_t g = ord[x];
		const char *lab = crm_strmap_key(&ag->groups, g, NULL);

		labs[x] = lab;
		gts[x] = crm_xcalloc(CRM_REPORT_MAXTABS, sizeof **gts);
		ngt[x] = ag->ops->tables(ag->st[g], gts[x], err, errlen);
		if (ngt[x] < 0) {
			char e[512];

			snprintf(e, sizeof e, "%s", err);
			snprintf(err, errlen, "%s %s: %s", ag->go.attr, lab, e);
			ngt[x] = 0;
			rc = -1;
		}
	}
	for (int i = 0; rc == 0 && i < nt; i++) {
		struct crm_rtab *t = ag_table(ag, ts[i], gts, ngt, labs, ng);

		crm_rtab_free(ts[i]);
		ts[i] = t;
	}
	for (size_t x = 0; x < ng; x++) {
		for (int i = 0; i < ngt[x]; i++)
			crm_rtab_free(gts[x][i]);
		free(gts[x]);
	}
	free(labs);
	free(gts);
	free(ngt);
	free(ord);
	return rc;
}

/* Read records of r into the report (and into ag's groups when not
 * NULL); -1 (message in err) when its header cannot be read, which is
 * fatal. */
static int
read_input(const struct crm_report_ops *ops, void *st,
    struct crm_report_opts *o, struct crm_reader *r, char *err,
    size_t errlen, struct attrgroups *ag)
{
	struct crm_rec rec;
	char e[512];
	int rc;

	if (!crm_reader_header(r) && crm_reader_error(r)[0]) {
		snprintf(err, errlen, "%s", crm_reader_error(r));
		return -1;
	}
	for (size_t i = 0; ops->columns && ops->columns[i]; i++)
		if (crm_reader_col(r, ops->columns[i]) < 0) {
			crm_report_diag(o, "%s: no '%s' column",
			    crm_reader_name(r), ops->columns[i]);
			return 0;
		}
	if (ops->begin && ops->begin(st, r, e, sizeof e) < 0) {
		crm_report_diag(o, "%s", e);
		return 0;
	}
	if (ag)
		ag_begin(ag, r);
	while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF) {
		const char *why;
		int col;

		if (rc == CRM_READ_FATAL) {
			crm_report_diag(o, "%s", crm_reader_error(r));
			return 0;
		}
		if (rc == CRM_READ_BAD) {
			crm_report_diag(o, "%s", crm_reader_error(r));
			continue;
		}
		if (ops->add(st, &rec, &why, &col) < 0)
			reject(o, r, &rec, col, why);
		else if (ag)
			ag_add(ag, o, &rec);
	}
	return 0;
}

/* Write the tables (all, or the one --table names). */
static int
emit(const struct crm_report_ops *ops, struct crm_rtab **ts, size_t n,
    const struct crm_report_out *ro, char *err, size_t errlen)
{
	if (ro->table) {
		struct crm_buf names;

		for (size_t i = 0; i < n; i++)
			if (!strcmp(ts[i]->name, ro->table)) {
				crm_rtab_writex(ro->out, &ts[i], 1, ro->fmt,
				    ro->flags);
				return 0;
			}
		crm_buf_init(&names);
		for (size_t i = 0; i < n; i++)
			crm_buf_addf(&names, "%s%s", i ? ", " : "",
			    ts[i]->name);
		snprintf(err, errlen, "%s: no table '%s' (tables: %s)",
		    ops->name, ro->table, names.p);
		crm_buf_release(&names);
		return -1;
	}
	crm_rtab_writex(ro->out, ts, n, ro->fmt, ro->flags |
	    (n > 1 ? CRM_RTAB_NAMED : 0u));
	return 0;
}

/* The tables one page holds: all of them, or the one --table names; the
 * count, or -1 with the message as emit gives it. */
static int
pick(const struct crm_report_ops *ops, struct crm_rtab **ts, size_t n,
    const struct crm_report_out *ro, struct crm_rtab ***out, char *err,
    size_t errlen)
{
	if (!ro->table) {
		*out = ts;
		return (int)n;
	}
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ts[i]->name, ro->table)) {
			*out = &ts[i];
			return 1;
		}
	return emit(ops, ts, n, ro, err, errlen);
}

int
crm_report_plot_parse(char *arg, struct crm_report_plot *p)
{
	char *eq = strchr(arg, '=');

	p->name = NULL;
	p->path = arg;
	if (eq && strcspn(arg, "/.") > (size_t)(eq - arg)) {
		*eq = '\0';
		p->name = arg;
		p->path = eq + 1;
	}
	return *p->path ? 0 : -1;
}

/* The number of charts of the report, and the index of the one named
 * name (NULL: the main one) in *k; -1 with the message when it has
 * none of that name. */
static int
chart_find(const struct crm_report_ops *ops, void *st, const char *name,
    size_t *k, char *err, size_t errlen)
{
	const char *nm;
	size_t n = ops->plots(st, 0, NULL, &nm);
	struct crm_buf names;

	if (n > 0 && !name) {
		*k = 0;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		ops->plots(st, i, NULL, &nm);
		if (!strcmp(nm, name)) {
			*k = i;
			return 0;
		}
	}
	crm_buf_init(&names);
	for (size_t i = 0; i < n; i++) {
		ops->plots(st, i, NULL, &nm);
		crm_buf_addf(&names, "%s%s", i ? ", " : "", nm);
	}
	snprintf(err, errlen, "--plot: %s has no chart '%s' (charts: %s)",
	    ops->name, name ? name : "", names.p);
	crm_buf_release(&names);
	return -1;
}

/* Chart k of the report as one SVG document into svg: the one path
 * that --plot files and --format html pages are drawn by. */
static void
chart_draw(const struct crm_report_ops *ops, void *st, size_t k,
    struct crm_buf *svg)
{
	const char *nm;

	crm_buf_reset(svg);
	ops->plots(st, k, svg, &nm);
}

/* --format html: one page of the tables and every chart of the report,
 * in the report's order. */
static int
emit_html(const struct crm_report_ops *ops, void *st, struct crm_rtab **ts,
    size_t n, const struct crm_report_out *ro, char *err, size_t errlen)
{
	struct crm_rtab **pt = NULL;
	int k = pick(ops, ts, n, ro, &pt, err, errlen);
	char title[64];

	if (k < 0)
		return -1;
	snprintf(title, sizeof title, "crm-report %s", ops->name);
	crm_html_begin(ro->out, title, NULL);
	for (int i = 0; i < k; i++)
		crm_html_table(ro->out, pt[i], k > 1 || n > 1);
	if (ops->plots) {
		const char *nm;
		size_t nc = ops->plots(st, 0, NULL, &nm);
		struct crm_buf svg;

		crm_buf_init(&svg);
		for (size_t c = 0; c < nc; c++) {
			chart_draw(ops, st, c, &svg);
			crm_html_svg(ro->out, &svg);
		}
		crm_buf_release(&svg);
	}
	crm_html_end(ro->out);
	return 0;
}

/* Every --plot into its file. */
static int
write_plots(const struct crm_report_ops *ops, void *st,
    const struct crm_report_opts *o, char *err, size_t errlen)
{
	struct crm_buf svg;
	int rc = 0;

	crm_buf_init(&svg);
	for (size_t i = 0; rc == 0 && i < o->nplots; i++) {
		size_t k;

		rc = chart_find(ops, st, o->plots[i].name, &k, err, errlen);
		if (rc == 0) {
			chart_draw(ops, st, k, &svg);
			rc = crm_outfile_write(o->plots[i].path, svg.p, svg.n,
			    err, errlen);
		}
	}
	crm_buf_release(&svg);
	return rc;
}

int
crm_report_read(const struct crm_report_ops *ops, void *st,
    struct crm_report_opts *o, const char *path, char *err, size_t errlen)
{
	struct crm_read_opts rop = { 0 };
	struct crm_reader *r;
	int rc;

	rop.format = o->csv ? CRM_IN_CSV : CRM_IN_AUTO;
	rop.store = 1;
	r = crm_reader_open(path, &rop, err, errlen);
	if (!r)
		return -1;
	rc = read_input(ops, st, o, r, err, errlen, NULL);
	crm_reader_torn_warn(r);
	crm_reader_close(r);
	return rc;
}

static void
attr_bad(void *ctx, const char *msg, const char *id)
{
	(void)id;
	crm_report_diag(ctx, "%s", msg);
}

/* --customers into o->attrs, with the column --by names when it is no
 * attribute of every customers file. */
static int
load_attrs(struct crm_report_opts *o, char *err, size_t errlen)
{
	struct crm_custattr_opts ao = { 0 };
	const char *extra[2] = { o->attr, NULL };
	char e[512];
	int why;

	ao.csv = o->csv;
	ao.extra = o->attr ? extra : NULL;
	ao.id_map = o->id_map;
	ao.bad = attr_bad;
	ao.ctx = o;
	o->attrs = crm_custattr_load(o->customers, &ao, e, sizeof e, &why);
	if (o->attrs) {
		crm_custattr_torn_warn(o->attrs);
		return 0;
	}
	snprintf(err, errlen, "%s%s%s", why == CRM_CUSTATTR_EMAP ?
	    "--id-map: " : "--customers: ", e, why == CRM_CUSTATTR_ECOLUMN ?
	    " (--by)" : "");
	return -1;
}

static int
run(const struct crm_report_ops *ops, struct crm_report_opts *o,
    char *const *files, size_t n, const struct crm_report_out *ro, char *err,
    size_t errlen)
{
	static char *const stdin_only[] = { "-" };
	struct crm_rtab *ts[CRM_REPORT_MAXTABS];
	struct attrgroups agv, *ag = NULL;
	void *st;
	int rc = 0, nt;

	o->charts = ops->plots && (o->nplots || ro->fmt == CRM_RFMT_HTML);
	st = ops->new(o);
	/* A chart that does not exist, or one asked for twice, is known
	 * before any input is read. */
	for (size_t i = 0; i < o->nplots; i++) {
		size_t k, kj;

		if (!ops->plots || chart_find(ops, st, o->plots[i].name, &k,
		    err, errlen) < 0) {
			if (!ops->plots)
				snprintf(err, errlen, "--plot: %s draws no "
				    "picture", ops->name);
			ops->free(st);
			return -1;
		}
		for (size_t j = 0; j < i; j++) {
			const char *nm;

			chart_find(ops, st, o->plots[j].name, &kj, err, errlen);
			if (kj != k)
				continue;
			ops->plots(st, k, NULL, &nm);
			snprintf(err, errlen, "--plot: two files for the %s "
			    "chart: '%s' and '%s'", nm, o->plots[j].path,
			    o->plots[i].path);
			ops->free(st);
			return -1;
		}
	}
	if (o->attr) {
		ag = &agv;
		ag_init(ag, ops, o);
		if (ag->tier && ag_load_tiers(ag, ops, o, files, n, err,
		    errlen) < 0) {
			ag_release(ag);
			ops->free(st);
			return -1;
		}
	}

	if (n == 0) {
		files = stdin_only;
		n = 1;
	}
	for (size_t i = 0; i < n; i++) {
		struct crm_read_opts rop = { 0 };
		struct crm_reader *r;
		char e[512];

		rop.format = o->csv ? CRM_IN_CSV : CRM_IN_AUTO;
		rop.store = 1;
		r = crm_reader_open(files[i], &rop, e, sizeof e);
		if (!r) {
			crm_report_diag(o, "%s", e);
			continue;
		}
		if (o->merge) {
			read_partial(ops, st, o, r);
		} else if (read_input(ops, st, o, r, err, errlen, ag) < 0) {
			crm_reader_close(r);
			ops->free(st);
			if (ag)
				ag_release(ag);
			return -1;
		}
		crm_reader_torn_warn(r);
		crm_reader_close(r);
	}
	if (o->partial) {
		write_partial(ops, st, o, ro->out);
		ops->free(st);
		return 0;
	}
	nt = ops->tables(st, ts, err, errlen);
	if (nt >= 0 && ag && ag_tables(ag, ts, nt, err, errlen) < 0) {
		for (int i = 0; i < nt; i++)
			crm_rtab_free(ts[i]);
		nt = -1;
	}
	if (ag)
		ag_release(ag);
	if (nt < 0) {
		ops->free(st);
		return -1;
	}
	rc = ro->fmt == CRM_RFMT_HTML ?
	    emit_html(ops, st, ts, (size_t)nt, ro, err, errlen) :
	    emit(ops, ts, (size_t)nt, ro, err, errlen);
	if (rc == 0)
		rc = write_plots(ops, st, o, err, errlen);
	for (int i = 0; i < nt; i++)
		crm_rtab_free(ts[i]);
	ops->free(st);
	return rc;
}

int
crm_report_run(const struct crm_report_ops *ops, struct crm_report_opts *o,
    char *const *files, size_t n, const struct crm_report_out *ro, char *err,
    size_t errlen)
{
	int rc;

	if (o->customers && load_attrs(o, err, errlen) < 0)
		return -1;
	rc = run(ops, o, files, n, ro, err, errlen);
	crm_custattr_free(o->attrs);
	o->attrs = NULL;
	return rc;
}

int
crm_report_format_check(const char *group, const char *metric,
    const char *version, char *buf, size_t buflen, const char **why,
    int *col)
{
	if (strcmp(group, "format")) {
		*why = "not a format row";
		*col = 3;
		return -1;
	}
	if (strcmp(metric, version)) {
		snprintf(buf, buflen, "partial of format %.40s, of another "
		    "version of crm-report (this one reads format %s)", metric,
		    version);
		*why = buf;
		*col = 4;
		return -1;
	}
	return 0;
}
