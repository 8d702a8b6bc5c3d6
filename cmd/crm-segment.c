/*
 * crm-segment: one row per customer from the transaction stream, with RFM
 * scores and segment, pyramid tier, ABC class, lifecycle stage, the churn
 * rule and, on request, a fitted purchase model (model.h) with lifetime
 * value and its check against a holdout period, and the pictures of
 * --plot.  The rules and the pictures live in lib/segment.h; this file
 * reads, joins the side files and writes the report through one column
 * list.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "complaint.h"
#include "custagg.h"
#include "custattr.h"
#include "model.h"
#include "out.h"
#include "outfile.h"
#include "pyramid.h"
#include "rec.h"
#include "segment.h"
#include "util.h"
#include "value.h"

/* The pictures of --plot NAME=FILE.svg; a plain FILE.svg is the
 * validation's, as before there were others. */
enum plot { PLOT_VALIDATION, PLOT_RFM, PLOT_RECENCY, PLOT_FREQUENCY, NPLOT };

static const char *const plot_names[NPLOT] = {
	"validation", "rfm", "recency", "frequency"
};

struct opts {
	int32_t asof;           /* CRM_DATE_INVALID: latest date in the data */
	int churn_days, exploration_days, period_days;
	double gap_factor;
	int64_t stable_band;    /* hundredths of a percent */
	int64_t tiers[3];       /* cumulative, hundredths of a percent */
	int64_t abc[2];         /* hundredths of a percent */
	const struct crm_model *model;  /* --churn-model, NULL: none */
	const struct crm_spend_model *spend;    /* --spend-model, or NULL */
	double unit;            /* days per time unit */
	double horizon, discount;
	int print_params;
	int32_t holdout;        /* --holdout end, CRM_DATE_INVALID: none */
	int print_validation;
	const char *plot[NPLOT];        /* --plot files, or NULL */
	enum crm_fmt fmt;
	int excel_safe;         /* neutralise formula-like CSV cells */
	const char *interactions, *complaints;  /* files to join, or NULL */
	const char *customers;  /* --customers: attribute columns, or NULL */
	const char *attrs;      /* --attrs: more of them, or NULL */
	const char *id_map;     /* --id-map, or NULL */
};

static int status = CRM_EXIT_OK;

/* --- segment map --------------------------------------------------------- */

static struct crm_segment_map segmap;

static void
loadmap(char *text, const char *name)
{
	char e[1024];

	if (crm_segment_map_load(&segmap, text, name, e, sizeof e) < 0)
		errx(CRM_EXIT_FATAL, "%s", e);
}

static void
readmap(const char *path)
{
	struct crm_buf b;
	char tmp[8192];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		err(CRM_EXIT_FATAL, "%s", path);
	crm_buf_init(&b);
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		crm_buf_add(&b, tmp, n);
	if (ferror(f))
		err(CRM_EXIT_FATAL, "%s", path);
	fclose(f);
	loadmap(b.p, path);
	if (!segmap.n)
		errx(CRM_EXIT_FATAL, "%s: no rules", path);
	crm_buf_release(&b);
}

/* The segment of every score triple, worked out once. */
static const char *segtab[6][6][6];
static uint32_t segtablen[6][6][6];

static void
segtab_init(void)
{
	int r, f, m;

	for (r = 1; r <= 5; r++)
		for (f = 1; f <= 5; f++)
			for (m = 1; m <= 5; m++) {
				const char *n = crm_segment_map_name(&segmap, r,
				    f, m);

				segtab[r][f][m] = n;
				segtablen[r][f][m] = (uint32_t)strlen(n);
			}
}

/* --- option parsing ------------------------------------------------------ */

static int
intopt(const char *name, const char *s, int min, int max)
{
	int64_t v;

	if (crm_int_parse(s, strlen(s), min, max, &v))
		errx(CRM_EXIT_FATAL, "--%s: expected an integer %d..%d: '%s'",
		    name, min, max, s);
	return (int)v;
}

static double
dblopt(const char *name, const char *s, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (!*s || *end || errno || !(v >= min && v <= max))
		errx(CRM_EXIT_FATAL, "--%s: expected a number %g..%g: '%s'",
		    name, min, max, s);
	return v;
}

/* A percentage with at most two decimals, as hundredths. */
static int64_t
pctval(const char *name, const char *s, size_t n)
{
	int64_t v;
	size_t i;

	for (i = 0; i < n; i++)
		if (!(s[i] >= '0' && s[i] <= '9') && s[i] != '.')
			break;
	if (i < n || crm_money_parse(s, n, &v) || v > 10000)
		errx(CRM_EXIT_FATAL, "--%s: expected a percentage 0..100 with "
		    "at most two decimals: '%.*s'", name, (int)n, s);
	return v;
}

/* "a,b[,c]" of percentages into v[0..k), by the rule crm-report's
 * --tiers and --abc share, or a usage error. */
static void
pctlist(const char *name, const char *s, int64_t *v, int k, int cumulate)
{
	const char *why = crm_pyramid_pctlist(s, v, k, cumulate);

	if (why)
		errx(CRM_EXIT_FATAL, "--%s: %s: '%s'", name, why, s);
}

/* --plot [NAME=]FILE.svg: a NAME is what comes before the first '=' when
 * it holds no '/' or '.', so that ./a=b.svg stays a file name. */
static void
plotopt(struct opts *o, const char *arg)
{
	const char *eq = strchr(arg, '='), *file = arg;
	size_t n = eq ? (size_t)(eq - arg) : 0;
	int k = PLOT_VALIDATION;

	if (eq && strcspn(arg, "/.") > n) {
		for (k = 0; k < NPLOT; k++)
			if (strlen(plot_names[k]) == n &&
			    memcmp(plot_names[k], arg, n) == 0)
				break;
		if (k == NPLOT)
			errx(CRM_EXIT_FATAL, "--plot: expected validation, rfm, "
			    "recency or frequency before '=': '%s'", arg);
		file = eq + 1;
	}
	if (!*file)
		errx(CRM_EXIT_FATAL, "--plot: no file name: '%s'", arg);
	if (o->plot[k])
		errx(CRM_EXIT_FATAL, "--plot: two files for the %s chart: '%s' "
		    "and '%s'", plot_names[k], o->plot[k], file);
	o->plot[k] = file;
}

/* --- reading ------------------------------------------------------------- */

/* Dates and amounts: the library's fast paths take the plain forms
 * (a cached YYYY-MM-DD, 123 or 123.45); anything else is trimmed first. */
static struct crm_date_cache datecache;

static const char *
parse_date(const char *s, size_t n, int32_t *day)
{
	if (!crm_date_parse_cached(&datecache, s, n, 0, day))
		return NULL;
	crm_trim(&s, &n);
	return crm_date_parse(s, n, 0, day);
}

static const char *
parse_amount(const char *s, size_t n, int64_t *v)
{
	if (!crm_money_parse(s, n, v))
		return NULL;
	crm_trim(&s, &n);
	return crm_money_parse(s, n, v);
}

static int
opencol(struct crm_reader *r, const char *name)
{
	int c = crm_reader_col(r, name);

	if (c < 0) {
		const struct crm_rec *h = crm_reader_header(r);

		if (h)
			warnx("%s: missing column '%s'", crm_reader_name(r),
			    name);
		else if (*crm_reader_error(r))
			/* a header that cannot be read: nothing to trust */
			errx(CRM_EXIT_FATAL, "%s", crm_reader_error(r));
		else
			return -2;      /* empty input: nothing to read */
		status = CRM_EXIT_REJECT;
	}
	return c;
}

static void
bad(struct crm_reader *r, long line, int col, const struct crm_field *f,
    const char *reason)
{
	warnx("%s", crm_reader_seterr(r, line, col, f ? f->p : NULL,
	    f ? f->n : 0, "%s", reason));
	status = CRM_EXIT_REJECT;
}

struct txerr {
	struct crm_reader *r;
	int ai;
};

/* A transaction crm_custagg refused when it was counted. */
static void
tx_refused(void *arg, long line, int32_t day, int64_t amt)
{
	struct txerr *x = arg;
	char v[32];

	(void)day;
	crm_money_format(amt, v);
	warnx("%s", crm_reader_seterr(x->r, line, x->ai, v, strlen(v), "%s",
	    "the customer's total for the day is out of range"));
	status = CRM_EXIT_REJECT;
}

/* The next record of r into rec: 1, or 0 at the end or after a fatal
 * read error; a bad record or a fatal error is reported (exit status 1). */
static int
next_record(struct crm_reader *r, struct crm_rec *rec)
{
	for (;;) {
		int rc = crm_reader_next(r, rec);

		if (rc == CRM_READ_OK)
			return 1;
		if (rc == CRM_READ_EOF)
			return 0;
		warnx("%s", crm_reader_error(r));
		status = CRM_EXIT_REJECT;
		if (rc == CRM_READ_FATAL)
			return 0;
	}
}

/* --since/--until: the days whose records are read (inclusive). */
static int32_t win_since = CRM_DATE_MIN, win_until = CRM_DATE_MAX;

/* Read transactions from r into a (queued: counted in batches), those
 * up to asof; with a holdout aggregate hold, those after asof up to
 * holdend into hold. */
static void
read_tx(struct crm_reader *r, struct crm_custagg *a, int32_t asof,
    struct crm_custagg *hold, int32_t holdend)
{
	struct crm_rec rec;
	struct txerr x;
	int ci, di, ai, oi;

	ci = opencol(r, "customer_id");
	di = opencol(r, "date");
	ai = opencol(r, "amount");
	if (ci < 0 || di < 0 || ai < 0)
		return;
	if ((oi = crm_reader_col(r, "order_id")) >= 0)
		crm_custagg_count_orders(a);
	x.r = r;
	x.ai = ai;
	crm_custagg_onerror(a, tx_refused, &x);
	if (hold)
		crm_custagg_onerror(hold, tx_refused, &x);
	while (next_record(r, &rec)) {
		const struct crm_field *id, *df, *af;
		const char *e;
		int32_t day;
		int64_t amt;

		id = &rec.f[ci];
		df = &rec.f[di];
		af = &rec.f[ai];
		if (id->n == 0) {
			bad(r, rec.line, ci, NULL, "empty");
			continue;
		}
		if ((e = parse_date(df->p, df->n, &day))) {
			bad(r, rec.line, di, df, e);
			continue;
		}
		if ((e = parse_amount(af->p, af->n, &amt))) {
			bad(r, rec.line, ai, af, e);
			continue;
		}
		if (day < win_since || day > win_until)
			continue;       /* outside --since/--until */
		if (asof != CRM_DATE_INVALID && day > asof) {
			/* the holdout window counts purchase days only */
			if (hold && day <= holdend)
				crm_custagg_queue(hold, id->p, id->n, day, amt,
				    rec.line);
			continue;
		}
		if (oi >= 0) {
			/* the lines of one order count as one order */
			const char *o = rec.f[oi].p;
			size_t on = rec.f[oi].n;

			crm_trim(&o, &on);
			crm_custagg_queue_order(a, id->p, id->n, day, amt, o, on,
			    rec.line);
		} else
			crm_custagg_queue(a, id->p, id->n, day, amt, rec.line);
	}
	crm_custagg_flush(a);
	crm_custagg_onerror(a, NULL, NULL);
	if (hold) {
		crm_custagg_flush(hold);
		crm_custagg_onerror(hold, NULL, NULL);
	}
}

struct partialerr {
	struct crm_reader *r;
	int inexact;            /* a merged total left its range */
};

/* A partial line crm_custagg refused when it was counted: a day's total
 * or the order count out of range, so the merge is no longer exact. */
static void
partial_refused(void *arg, long line, int32_t day, int64_t amt)
{
	struct partialerr *x = arg;
	int orders = day == CRM_CUSTAGG_NO_DAY;

	(void)amt;
	warnx("%s", crm_reader_seterr(x->r, line, orders ? 1 : 2, NULL, 0,
	    "%s", orders ? "the customer's order count is out of range" :
	    "a day's total is out of range"));
	x->inexact = 1;
}

/* Read partial aggregates from r into a (queued: counted in batches, as
 * transactions are); -1 when they can no longer be merged exactly. */
static int
read_partial(struct crm_reader *r, struct crm_custagg *a, int32_t asof)
{
	struct crm_rec rec;
	struct partialerr x = { r, 0 };
	int hashes;

	if (crm_reader_col(r, "customer_id") != 0 ||
	    crm_reader_col(r, "orders") != 1 ||
	    crm_reader_col(r, "daily_totals") != 2 ||
	    ((hashes = crm_reader_col(r, "order_hashes")) != 3 &&
	    hashes >= 0)) {
		if (crm_reader_header(r))
			warnx("%s: not a crm-segment --partial file (header "
			    "'customer_id<tab>orders<tab>daily_totals"
			    "[<tab>order_hashes]' expected)",
			    crm_reader_name(r));
		else if (*crm_reader_error(r)) {
			warnx("%s", crm_reader_error(r));
			status = CRM_EXIT_REJECT;
			return 0;
		} else
			return 0;
		status = CRM_EXIT_REJECT;
		return 0;
	}
	if (hashes == 3)
		crm_custagg_count_orders(a);
	crm_custagg_onerror(a, partial_refused, &x);
	while (!x.inexact && next_record(r, &rec)) {
		const char *e;
		int32_t last;

		/* read ragged: lines of both forms may follow each other,
		 * as cat of partials with and without order ids gives */
		if (rec.nf != 3 && rec.nf != 4) {
			warnx("%s", crm_reader_seterr(r, rec.line, -1, NULL, 0,
			    "expected 3 or 4 fields, found %zu", rec.nf));
			status = CRM_EXIT_REJECT;
			continue;
		}
		/* the header of another part, as parallel --pipepart and cat
		 * of several partial files give */
		if (rec.f[0].n == 11 && strcmp(rec.f[0].p, "customer_id") == 0 &&
		    strcmp(rec.f[1].p, "orders") == 0 &&
		    strcmp(rec.f[2].p, "daily_totals") == 0) {
			if (rec.nf == 4)
				crm_custagg_count_orders(a);
			continue;
		}
		e = crm_custagg_queue_line4(a, rec.f[0].p, rec.f[0].n,
		    rec.f[1].p, rec.f[1].n, rec.f[2].p, rec.f[2].n,
		    rec.nf == 4 ? rec.f[3].p : NULL, rec.nf == 4 ? rec.f[3].n : 0,
		    rec.line, &last);
		if (e) {
			int c = strcmp(e, "bad order count") == 0 ? 1 :
			    strcmp(e, "empty customer id") == 0 ? 0 :
			    strcmp(e, "bad daily totals") == 0 ? 2 : 3;

			bad(r, rec.line, c, &rec.f[c], e);
			continue;
		}
		if (asof != CRM_DATE_INVALID && last > asof) {
			warnx("%s", crm_reader_seterr(r, rec.line, 2, NULL, 0,
			    "purchase after --as-of: the partial was made with "
			    "a later --as-of"));
			x.inexact = 1;
		}
	}
	crm_custagg_flush(a);
	crm_custagg_onerror(a, NULL, NULL);
	return x.inexact ? -1 : 0;
}

/* --- interactions and complaints ----------------------------------------- */

/*
 * What --interactions and --complaints add to a customer's row, in a table
 * of its own (open addressing by the customer, whose address is stable):
 * the report's rows stay as small as they are without the options.  Not
 * a crm_strmap: its probe through hashes, slots and key copies costs
 * three cache misses where this costs one, and made the report with
 * --interactions 17% slower (1.66 s of CPU against 1.94 s on 5 million
 * transactions and 1 million interactions).
 */
struct contact {
	const struct crm_cust *c;       /* NULL: a free slot */
	uint32_t contacts;              /* interactions */
	int32_t last_contact;           /* the latest one's day */
	uint32_t rated;                 /* interactions with a satisfaction */
	uint64_t sat_sum;
	uint32_t complaints;            /* complaints opened */
	uint32_t open;                  /* of them still being handled */
};

static struct contact *ctab;
static size_t cmask, cused;

/* The slot of c in ctab: its entry, or the free slot where it goes. */
static struct contact *
contact_probe(const struct crm_cust *c)
{
	/* customers are 64-byte aligned: the low bits carry nothing */
	size_t i = (size_t)((((uintptr_t)c >> 6) * 0x9e3779b97f4a7c15ull) >>
	    24) & cmask;

	while (ctab[i].c && ctab[i].c != c)
		i = (i + 1) & cmask;
	return &ctab[i];
}

/* The contact entry of c, or NULL. */
static const struct contact *
contact_find(const struct crm_cust *c)
{
	const struct contact *k;

	if (!ctab)
		return NULL;
	k = contact_probe(c);
	return k->c ? k : NULL;
}

/* The contact entry of c, new (zeroed) when there was none. */
static struct contact *
contact_get(const struct crm_cust *c)
{
	struct contact *k;

	if (2 * (cused + 1) > cmask + 1) {
		struct contact *old = ctab;
		size_t n = old ? cmask + 1 : 0, i;

		cmask = n ? 2 * n - 1 : 1023;
		ctab = crm_xcalloc(cmask + 1, sizeof *ctab);
		for (i = 0; i < n; i++)
			if (old[i].c)
				*contact_probe(old[i].c) = old[i];
		free(old);
	}
	k = contact_probe(c);
	if (!k->c) {
		k->c = c;
		k->last_contact = INT32_MIN;
		cused++;
	}
	return k;
}

/* Open a file named in an option as a record stream; exit 2 when it
 * cannot be read or has no header. */
static struct crm_reader *
open_side(const char *opt, const char *path)
{
	struct crm_read_opts ro = { .format = CRM_IN_AUTO, .store = 1 };
	char err[512];
	struct crm_reader *r = crm_reader_open(path, &ro, err, sizeof err);

	if (!r)
		errx(CRM_EXIT_FATAL, "--%s: %s", opt, err);
	if (!crm_reader_header(r)) {
		if (*crm_reader_error(r))
			errx(CRM_EXIT_FATAL, "--%s: %s", opt,
			    crm_reader_error(r));
		errx(CRM_EXIT_FATAL, "--%s: %s: empty file, no header", opt,
		    path);
	}
	return r;
}

/* The calendar day of a timestamp field (in its own UTC offset) into
 * *day; NULL, or the reason it is not a timestamp. */
static const char *
ts_day(const struct crm_field *f, int32_t *day)
{
	int64_t t;
	int off;
	const char *e = crm_ts_parse(f->p, f->n, 0, &t, &off);

	if (e)
		return f->n ? e : "missing";
	*day = crm_ts_days(t, off);
	return NULL;
}

/* Count the interactions of customers with purchases, up to asof. */
static void
read_interactions(const char *path, const struct crm_custagg *a,
    int32_t asof)
{
	struct crm_reader *r = open_side("interactions", path);
	int ci = crm_reader_col(r, "customer_id");
	int ti = crm_reader_col(r, "ts");
	int si = crm_reader_col(r, "satisfaction");
	struct crm_rec rec;

	if (ci < 0 || ti < 0)
		errx(CRM_EXIT_FATAL, "--interactions: %s: missing column '%s'",
		    path, ci < 0 ? "customer_id" : "ts");
	while (next_record(r, &rec)) {
		const struct crm_field *id = &rec.f[ci], *tf = &rec.f[ti];
		const struct crm_cust *c;
		struct contact *k;
		const char *e;
		int64_t sat = 0;
		int32_t day;

		if (id->n == 0) {
			bad(r, rec.line, ci, NULL, "empty");
			continue;
		}
		if ((e = ts_day(tf, &day))) {
			bad(r, rec.line, ti, tf->n ? tf : NULL, e);
			continue;
		}
		if (si >= 0 && rec.f[si].n && crm_int_parse(rec.f[si].p,
		    rec.f[si].n, 1, 5, &sat)) {
			bad(r, rec.line, si, &rec.f[si], "out of range 1-5");
			continue;
		}
		if (day > asof || day < win_since || day > win_until ||
		    !(c = crm_custagg_find(a, id->p, id->n)))
			continue;
		k = contact_get(c);
		k->contacts++;
		if (day > k->last_contact)
			k->last_contact = day;
		if (sat) {
			k->rated++;
			k->sat_sum += (uint64_t)sat;
		}
	}
	crm_reader_torn_warn(r);
	crm_reader_close(r);
}

/* Count the complaints of customers with purchases, as their events up
 * to asof leave them. */
static void
read_complaints(const char *path, const struct crm_custagg *a, int32_t asof)
{
	struct crm_reader *r = open_side("complaints", path);
	struct crm_complaint_fold *f = crm_complaint_fold_new();
	struct crm_complaint_cols cols;
	struct crm_rec rec;
	char err[512];
	size_t i;

	if (crm_complaint_cols_find(&cols, r, err, sizeof err) < 0)
		errx(CRM_EXIT_FATAL, "--complaints: %s", err);
	while (next_record(r, &rec)) {
		const char *why;
		int32_t day;
		int col;

		/* a bad timestamp is the fold's to report */
		if (!ts_day(&rec.f[cols.ts], &day) && day > asof)
			continue;
		if (crm_complaint_fold_add(f, &cols, &rec, &why, &col) < 0)
			bad(r, rec.line, col, col >= 0 &&
			    (size_t)col < rec.nf ? &rec.f[col] : NULL, why);
	}
	crm_reader_torn_warn(r);
	crm_reader_close(r);
	for (i = 0; i < crm_complaint_fold_count(f); i++) {
		const struct crm_complaint *k = crm_complaint_fold_at(f, i);
		const struct crm_cust *c = crm_custagg_find(a, k->customer_id,
		    strlen(k->customer_id));
		struct contact *x;

		if (!c || crm_ts_days(k->opened, k->opened_off) < win_since ||
		    crm_ts_days(k->opened, k->opened_off) > win_until)
			continue;
		x = contact_get(c);
		x->complaints++;
		if (crm_complaint_status_active(k->status))
			x->open++;
	}
	crm_complaint_fold_free(f);
}

/* --- rows ---------------------------------------------------------------- */

/* The per-customer arrays of the report (tens of megabytes with half a
 * million customers) on huge pages. */
#define bigalloc crm_xmalloc_huge

static int32_t asof_day;        /* the as-of day of the report */

struct statjob {
	struct crm_segment_row *rows;
	const struct crm_cust **v;
	size_t lo, hi;
	int32_t asof;
	const struct opts *o;
	struct crm_segment_span ks;     /* of these rows */
};

/* The figures of customers v[lo..hi) into rows[lo..hi), and their key
 * span. */
static void *
stats_span(void *arg)
{
	struct statjob *j = arg;
	struct crm_segment_span ks;
	const struct crm_stage_opts so = { j->o->churn_days,
	    j->o->exploration_days, j->o->stable_band };
	size_t i;

	crm_segment_span_init(&ks);
	for (i = j->lo; i < j->hi; i++) {
		struct crm_segment_row *r = &j->rows[i];
		struct crm_cust_stats s;

		/* customers in id order are scattered in memory: fetch the
		 * customer 16 ahead and its encoded days 8 ahead */
		if (i + 16 < j->hi)
			__builtin_prefetch(j->v[i + 16]);
		if (i + 8 < j->hi)
			__builtin_prefetch(j->v[i + 8]->enc);
		crm_cust_stats(j->v[i], j->asof, j->o->period_days,
		    j->o->gap_factor, &s);
		r->c = j->v[i];
		r->revenue = s.revenue;
		r->revenue_ok = (unsigned char)s.revenue_ok;
		r->orders = s.orders;
		r->first = s.first;
		r->last = s.last;
		r->days = s.days;
		r->stage = (unsigned char)crm_segment_stage(&s, &so);
		if (s.last < ks.lastlo)
			ks.lastlo = s.last;
		if (s.last > ks.lasthi)
			ks.lasthi = s.last;
		if (s.orders < ks.ordlo)
			ks.ordlo = s.orders;
		if (s.orders > ks.ordhi)
			ks.ordhi = s.orders;
	}
	j->ks = ks;
	return NULL;
}

/* --- the purchase model -------------------------------------------------- */

struct fitted {
	const struct crm_model *model;  /* NULL: none */
	struct crm_model_fit fit;
	int ok;
	double se[CRM_MODEL_MAXPAR];    /* with --print-params; NaN: none */
	double *p_alive, *expected;     /* per observation group */
	const uint32_t *actual; /* --holdout: purchase days there, by row */
	struct crm_holdout_table tab;   /* --holdout, when ok */
};

/* The standard errors of a converged fit into se (NaN where there are
 * none), and a warning when there are none. */
static void
stderrs(const char *name, int rc, size_t npar, double *se)
{
	size_t i;

	if (rc == 0)
		return;
	for (i = 0; i < npar; i++)
		se[i] = NAN;
	if (rc == -2)
		warnx("%s: the Hessian of the log-likelihood is not positive "
		    "definite at the fit: no standard errors (se_* NA)", name);
	else
		warnx("%s: the Hessian of the log-likelihood cannot be worked "
		    "out at the fit: no standard errors (se_* NA)", name);
}

struct predjob {
	struct fitted *m;
	const struct crm_model_obs *obs;
	size_t lo, hi;
	double horizon;
};

/* p_alive and expected purchases of groups lo..hi. */
static void *
predict(void *arg)
{
	struct predjob *j = arg;
	struct fitted *m = j->m;
	size_t i;

	for (i = j->lo; i < j->hi; i++) {
		m->p_alive[i] = m->model->p_alive(m->fit.p, &j->obs[i]);
		m->expected[i] = m->model->expected(m->fit.p, &j->obs[i],
		    j->horizon);
	}
	return NULL;
}

static void
fit_model(struct crm_segment_row *rows, size_t n, const struct opts *o,
    struct fitted *m)
{
	const char *name = m->model->name;
	struct crm_model_obs *obs;
	size_t g;
	int rc;

	m->p_alive = m->expected = NULL;
	if (n == 0) {
		memset(&m->fit, 0, sizeof m->fit);
		m->ok = 0;
		warnx("%s: no customers to fit", name);
		status = CRM_EXIT_REJECT;
		return;
	}
	obs = bigalloc(crm_mulsz(n, sizeof *obs));
	g = crm_segment_group(rows, n, asof_day, o->unit, obs);
	rc = m->model->fit(obs, g, &m->fit);
	m->ok = rc == 0 && m->fit.converged;
	if (m->ok) {
		struct predjob j[2] = {
			{ m, obs, 0, g / 2, o->horizon },
			{ m, obs, g / 2, g, o->horizon }
		};

		double none = 0;
		size_t i;

		m->p_alive = crm_xmalloc(crm_mulsz(g, sizeof(double)));
		m->expected = crm_xmalloc(crm_mulsz(g, sizeof(double)));
		crm_run_two(predict, &j[0], &j[1]);
		if (m->fit.note)
			warnx("%s: %s", name, m->fit.note);
		if (o->print_params)
			stderrs(name, m->model->stderrs(obs, g, m->fit.p,
			    m->se), m->model->npar, m->se);
		/* a figure the model cannot give is an empty cell, never a
		 * nan or inf */
		for (i = 0; i < g; i++)
			if (!isfinite(m->p_alive[i]) ||
			    !isfinite(m->expected[i]))
				none += obs[i].weight;
		if (none > 0)
			warnx("%s: no expected_purchases or clv for %.0f "
			    "customers: the horizon is too long for the model's "
			    "series", name, none);
		if (o->holdout != CRM_DATE_INVALID) {
			double *pred = crm_xmalloc(crm_mulsz(g, sizeof *pred));

			crm_segment_holdout(m->model, m->fit.p, obs, g, rows,
			    m->actual, n, (o->holdout - asof_day) / o->unit,
			    pred, &m->tab);
			free(pred);
			if (m->tab.unpredicted)
				warnx("%s: %llu customers left out of the "
				    "validation: the holdout window is too long "
				    "for the model's series", name,
				    (unsigned long long)m->tab.unpredicted);
		}
	} else {
		warnx("%s: the fit did not converge (customers: %ld, "
		    "iterations: %d): no parameters, p_alive, "
		    "expected_purchases or clv", name, m->fit.customers,
		    m->fit.iterations);
		if (m->fit.note)
			warnx("%s: %s", name, m->fit.note);
		status = CRM_EXIT_REJECT;
	}
	free(obs);
}

/* The discount factor for CLV: the mean of 1/(1+d)^k over k = 1..H, H the
 * horizon rounded up to whole periods (purchases spread evenly). */
static double
discount_factor(const struct opts *o)
{
	long h = (long)ceil(o->horizon), k;
	double sum = 0, f = 1;

	if (o->discount == 0 || h <= 0)
		return 1;
	for (k = 1; k <= h; k++) {
		f /= 1 + o->discount;
		sum += f;
	}
	return sum / (double)h;
}

struct spendfit;

/* The purchase model's parameters, then the spend model's. */
static void
print_params(const struct fitted *m, const struct spendfit *sp);

/* --- the spend model ---------------------------------------------------- */

struct spendfit {
	const struct crm_spend_model *model;    /* NULL: none */
	struct crm_model_fit fit;
	int ok;
	double se[CRM_MODEL_MAXPAR];    /* with --print-params; NaN: none */
	long left_out;          /* customers the fit could not take */
	double *expected;       /* by row; NaN: no figure */
};

/*
 * Fit the spend model on the repeat customers' mean spend per repeat
 * occasion (purchase day after the first), in currency units: the
 * revenue less the first day's, over the days after the first.
 * Customers with no repeat day, or a mean of zero or less, are left out
 * of the fit and counted; the first get the population's figure, the
 * second none.
 */
static void
fit_spend(const struct crm_segment_row *rows, size_t n, int want_se,
    struct spendfit *m)
{
	const char *name = m->model->name;
	struct crm_spend_obs *obs = crm_xmalloc(crm_mulsz(n ? n : 1,
	    sizeof *obs)), *all = crm_xmalloc(crm_mulsz(n ? n : 1,
	    sizeof *all));
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		struct crm_custday_it it;
		double x = rows[i].days - 1, mx = 0;

		if (x > 0) {
			crm_cust_days(rows[i].c, &it);
			crm_custday_next(&it);
			mx = (double)(rows[i].revenue - it.amount) / 100 / x;
		}
		all[i].x = x;
		all[i].mx = mx;
		all[i].weight = 1;
		if (x > 0 && mx > 0)
			obs[k++] = all[i];
		else
			m->left_out++;
	}
	m->ok = 0;
	if (k == 0) {
		warnx("%s: no repeat customers with a positive mean spend to "
		    "fit", name);
		status = CRM_EXIT_REJECT;
	} else {
		int rc = m->model->fit(obs, k, &m->fit);

		m->ok = rc == 0 && m->fit.converged;
		if (!m->ok) {
			warnx("%s: the fit did not converge (customers: %ld, "
			    "iterations: %d): no parameters or expected_spend",
			    name, m->fit.customers, m->fit.iterations);
			status = CRM_EXIT_REJECT;
		} else if (want_se) {
			stderrs(name, m->model->stderrs(obs, k, m->fit.p,
			    m->se), m->model->npar, m->se);
		}
	}
	m->expected = crm_xmalloc(crm_mulsz(n ? n : 1, sizeof(double)));
	for (i = 0; i < n; i++)
		m->expected[i] = m->ok && (all[i].x == 0 || all[i].mx > 0) ?
		    m->model->expected(m->fit.p, &all[i]) : NAN;
	free(all);
	free(obs);
}

/* The calibration/holdout table: the header alone when the fit failed. */
static void
print_validation(const struct fitted *m)
{
	struct crm_writer w;

	crm_writer_init(&w, &crm_stdout, CRM_FMT_TSV);
	crm_writer_header_names(&w, crm_segment_holdout_cols, 6);
	if (m->ok)
		crm_segment_holdout_write(&m->tab, &w);
	crm_writer_release(&w);
}

/* svg into path, or the end of the run (exit 2). */
static void
write_plot(struct crm_buf *svg, const char *path)
{
	char e[1024];

	if (crm_outfile_write(path, svg->p, svg->n, e, sizeof e) < 0)
		errx(CRM_EXIT_FATAL, "%s", e);
	crm_buf_release(svg);
}

/* --plot rfm, recency and frequency: the pictures of the scored rows. */
static void
plot_customers(const struct crm_segment_row *rows, size_t n, int32_t asof,
    const struct opts *o)
{
	struct crm_buf svg;

	if (o->plot[PLOT_RFM]) {
		struct crm_segment_rfm_cell g[5][5];

		crm_segment_rfm_grid(rows, n, g);
		crm_buf_init(&svg);
		crm_segment_rfm_plot(g, &svg);
		write_plot(&svg, o->plot[PLOT_RFM]);
	}
	if (o->plot[PLOT_RECENCY]) {
		uint64_t b[CRM_RECENCY_BINS];

		crm_segment_recency_hist(rows, n, asof, b);
		crm_buf_init(&svg);
		crm_segment_recency_plot(b, n ? asof : CRM_DATE_INVALID, &svg);
		write_plot(&svg, o->plot[PLOT_RECENCY]);
	}
	if (o->plot[PLOT_FREQUENCY]) {
		uint64_t b[CRM_FREQUENCY_BINS];

		crm_segment_frequency_hist(rows, n, b);
		crm_buf_init(&svg);
		crm_segment_frequency_plot(b, &svg);
		write_plot(&svg, o->plot[PLOT_FREQUENCY]);
	}
}

/* --plot: the table's picture into path (none when the fit failed). */
static void
plot_validation(const struct fitted *m, const char *path)
{
	struct crm_buf svg;

	if (!m->ok)
		return;
	crm_buf_init(&svg);
	crm_segment_holdout_plot(&m->tab, &svg);
	write_plot(&svg, path);
}

static void
print_params(const struct fitted *m, const struct spendfit *sp)
{
	struct crm_writer w;
	static const char *const h[] = { "param", "value" };

	crm_writer_init(&w, &crm_stdout, CRM_FMT_TSV);
	crm_writer_header_names(&w, h, 2);
	crm_model_write_params(m->model, &m->fit, m->ok, m->se, &w);
	if (sp->model)
		crm_spend_model_write_params(sp->model, &sp->fit, sp->ok,
		    sp->se, sp->left_out, &w);
	crm_writer_release(&w);
}

/* --- output -------------------------------------------------------------- */

#define OUT_CHUNK 16384         /* rows a thread formats at a time */
#define CELL_MAX 512            /* longest cell written in place */
#define ROWBUF 16384            /* bytes of rows gathered before a write */

/* Dates formatted lately, by day (a thread's own): first and last days
 * repeat across customers. */
#define DCACHE 1024

struct datecache {
	int32_t day[DCACHE];
	char s[DCACHE][10];
};

struct outjob {
	const struct opts *o;
	const struct crm_segment_row *rows;
	size_t lo, hi;
	const struct fitted *m;
	const struct spendfit *sp;
	double disc;
	struct crm_out *out;
	int header;             /* write the header line */
	/* the writer's own, per row */
	struct datecache *dc;
	const struct contact *k;        /* the row's contacts, or NULL */
	size_t cust;            /* the row's customer in --customers, or
	                           CRM_CUSTATTR_NONE */
	size_t col;             /* the column being made */
};

/*
 * A column of the report: its name, whether JSON Lines writes it as a
 * number, and how its cell is made.  cell either writes the cell at dst
 * (at most CELL_MAX bytes, no escaping needed) and leaves *text alone, or
 * points *text at the cell's text (any length, escaped by the writer);
 * it returns the length.
 */
struct column {
	const char *name;
	int numeric;
	size_t (*cell)(struct outjob *j, const struct crm_segment_row *r,
	    char *dst, const char **text);
};

/* Decimal v at p; returns the length. */
static size_t
put_u(char *p, unsigned long long v)
{
	return crm_u64_format(v, p);
}

/* v with d decimals at p, as "%.*f" writes it. */
static size_t
put_fixed(char *p, double v, int d)
{
	char b[32];
	size_t n = crm_fixed_format(v, d, b);

	if (!n)
		n = (size_t)snprintf(b, sizeof b, "%.*f", d, v);
	if (n >= sizeof b)
		return (size_t)snprintf(p, CELL_MAX, "%.*f", d, v);
	memcpy(p, b, n);
	return n;
}

/* Day d as YYYY-MM-DD at p (10 bytes). */
static size_t
put_date(struct datecache *dc, char *p, int32_t d)
{
	size_t k = (uint32_t)d % DCACHE;

	if (dc->day[k] != d) {
		char b[11];

		crm_date_format(d, b);
		memcpy(dc->s[k], b, 10);
		dc->day[k] = d;
	}
	memcpy(p, dc->s[k], 10);
	return 10;
}

/* Revenue / orders in minor units, rounded half away from zero. */
static int64_t
aov(const struct crm_segment_row *s)
{
	int64_t q = s->revenue / (int64_t)s->orders;
	int64_t r = s->revenue % (int64_t)s->orders;

	if (2 * (r < 0 ? -(__int128)r : r) >= (__int128)s->orders)
		q += s->revenue < 0 ? -1 : 1;
	return q;
}

/*
 * The value of a purchase occasion, revenue / purchase days, in minor
 * units rounded half away from zero: the model's expected purchases are
 * purchase days, so CLV multiplies them by this, not by aov (with line
 * items or several orders a day an order is a fraction of an occasion).
 */
static int64_t
occasion_value(const struct crm_segment_row *s)
{
	int64_t d = (int64_t)s->days;
	int64_t q = s->revenue / d, r = s->revenue % d;

	if (2 * (r < 0 ? -(__int128)r : r) >= (__int128)d)
		q += s->revenue < 0 ? -1 : 1;
	return q;
}

#define CELL(name) static size_t name(struct outjob *j, \
    const struct crm_segment_row *r, char *p, const char **text)
#define UNUSED (void)j; (void)r; (void)p; (void)text

CELL(cell_id) { UNUSED; *text = r->c->id; return r->c->idlen; }
CELL(cell_first) { UNUSED; return put_date(j->dc, p, r->first); }
CELL(cell_last) { UNUSED; return put_date(j->dc, p, r->last); }
CELL(cell_orders) { UNUSED; return put_u(p, r->orders); }
CELL(cell_days) { UNUSED; return put_u(p, r->days); }
CELL(cell_revenue) { UNUSED; return crm_money_format(r->revenue, p); }
CELL(cell_aov) { UNUSED; return crm_money_format(aov(r), p); }

CELL(cell_recency)
{
	UNUSED;
	return put_u(p, (unsigned long long)(asof_day - r->last));
}

CELL(cell_tenure)
{
	UNUSED;
	return put_u(p, (unsigned long long)(asof_day - r->first));
}

CELL(cell_r) { UNUSED; *p = (char)('0' + r->r); return 1; }
CELL(cell_f) { UNUSED; *p = (char)('0' + r->f); return 1; }
CELL(cell_m) { UNUSED; *p = (char)('0' + r->m); return 1; }

CELL(cell_rfm)
{
	UNUSED;
	p[0] = (char)('0' + r->r);
	p[1] = (char)('0' + r->f);
	p[2] = (char)('0' + r->m);
	return 3;
}

CELL(cell_segment)
{
	UNUSED;
	*text = segtab[r->r][r->f][r->m];
	return segtablen[r->r][r->f][r->m];
}

CELL(cell_tier)
{
	const char *s = crm_tier_names[r->tier];
	size_t n = strlen(s);

	UNUSED;
	memcpy(p, s, n);
	return n;
}

CELL(cell_abc) { UNUSED; *p = "ABC"[r->abc]; return 1; }

CELL(cell_stage)
{
	const char *s = crm_stage_names[r->stage];
	size_t n = strlen(s);

	UNUSED;
	memcpy(p, s, n);
	return n;
}

CELL(cell_churned)
{
	UNUSED;
	*p = asof_day - r->last > j->o->churn_days ? '1' : '0';
	return 1;
}

/* The model's columns: empty when it did not converge. */
CELL(cell_p_alive)
{
	double v = j->m->ok ? j->m->p_alive[r->group] : NAN;

	UNUSED;
	return isfinite(v) ? put_fixed(p, v, 4) : 0;
}

CELL(cell_expected)
{
	double v = j->m->ok ? j->m->expected[r->group] : NAN;

	UNUSED;
	return isfinite(v) ? put_fixed(p, v, 4) : 0;
}

CELL(cell_clv)
{
	double v = j->m->ok ? j->m->expected[r->group] *
	    ((double)occasion_value(r) / 100) * j->disc : NAN;

	UNUSED;
	return isfinite(v) ? put_fixed(p, v, 2) : 0;
}

/* The spend model's: empty where it has no figure. */
CELL(cell_expected_spend)
{
	double e = j->sp->expected[r - j->rows];

	UNUSED;
	return isfinite(e) ? put_fixed(p, e, 2) : 0;
}

/* The columns of --interactions and --complaints (j->k NULL: the
 * customer has none of either). */
CELL(cell_contacts) { UNUSED; return put_u(p, j->k ? j->k->contacts : 0); }

CELL(cell_last_contact)
{
	UNUSED;
	if (!j->k || !j->k->contacts)
		return 0;
	crm_date_format(j->k->last_contact, p);
	return 10;
}

CELL(cell_satisfaction)
{
	const struct contact *k = j->k;
	uint64_t v;
	size_t n;

	UNUSED;
	if (!k || !k->rated)
		return 0;
	/* the mean to two decimals, half up, in integers */
	v = (k->sat_sum * 200 + k->rated) / (2 * (uint64_t)k->rated);
	n = put_u(p, v / 100);
	p[n] = '.';
	p[n + 1] = (char)('0' + v % 100 / 10);
	p[n + 2] = (char)('0' + v % 10);
	return n + 3;
}

CELL(cell_complaints)
{
	UNUSED;
	return put_u(p, j->k ? j->k->complaints : 0);
}

CELL(cell_open) { UNUSED; return put_u(p, j->k ? j->k->open : 0); }

/* --customers' attribute columns: the value, (unknown) for a customer
 * not in the file. */
static struct crm_custattr *attrs;
static char **attr_extra;       /* --attrs, split */
#define CRM_CUSTATTR_NONE ((size_t)-1)

CELL(cell_attr);

/* --holdout's: the purchase days in the holdout window. */
CELL(cell_holdout)
{
	UNUSED;
	return put_u(p, j->m->actual[r - j->rows]);
}

static const struct column base_cols[] = {
	{ "customer_id", 0, cell_id },
	{ "first", 0, cell_first },
	{ "last", 0, cell_last },
	{ "orders", 1, cell_orders },
	{ "days", 1, cell_days },
	{ "revenue", 1, cell_revenue },
	{ "aov", 1, cell_aov },
	{ "recency_days", 1, cell_recency },
	{ "tenure_days", 1, cell_tenure },
	{ "r", 1, cell_r },
	{ "f", 1, cell_f },
	{ "m", 1, cell_m },
	{ "rfm", 0, cell_rfm },
	{ "rfm_segment", 0, cell_segment },
	{ "tier", 0, cell_tier },
	{ "abc", 0, cell_abc },
	{ "stage", 0, cell_stage },
	{ "churned", 1, cell_churned },
};

/* What a purchase model adds. */
static const struct column model_cols[] = {
	{ "p_alive", 1, cell_p_alive },
	{ "expected_purchases", 1, cell_expected },
	{ "clv", 1, cell_clv },
};

/* What a spend model adds. */
static const struct column spend_cols[] = {
	{ "expected_spend", 1, cell_expected_spend },
};

static const struct column holdout_cols[] = {
	{ "holdout_purchases", 1, cell_holdout },
};

static const struct column interaction_cols[] = {
	{ "contacts", 1, cell_contacts },
	{ "last_contact", 0, cell_last_contact },
	{ "satisfaction", 1, cell_satisfaction },
};

static const struct column complaint_cols[] = {
	{ "complaints", 1, cell_complaints },
	{ "open_complaints", 1, cell_open },
};

/* The attribute columns of --customers, in this order, then --attrs. */
static const char *const attr_cols[] = {
	"status", "city", "gender", "birth_year", "occupation", "blacklist",
	NULL
};

#define NELEM(a) (sizeof (a) / sizeof (a)[0])

/* The columns of this run, in order. */
static struct column *outcols;
static const char **outnames;
static int *outattr;            /* cell_attr's attribute (custattr.h) */
static size_t noutcols, aoutcols, aoutnames, aoutattr;

static void
addcols(const struct column *c, size_t n)
{
	crm_grow(&outcols, &aoutcols, noutcols + n, sizeof *outcols);
	crm_grow(&outnames, &aoutnames, noutcols + n, sizeof *outnames);
	crm_grow(&outattr, &aoutattr, noutcols + n, sizeof *outattr);
	for (size_t i = 0; i < n; i++) {
		outattr[noutcols] = -1;
		outnames[noutcols] = c[i].name;
		outcols[noutcols++] = c[i];
	}
}

CELL(cell_attr)
{
	const char *v;

	UNUSED;
	if (j->cust == CRM_CUSTATTR_NONE) {
		*text = CRM_CUSTATTR_UNKNOWN;
		return strlen(CRM_CUSTATTR_UNKNOWN);
	}
	v = crm_custattr_get(attrs, j->cust, outattr[j->col], asof_day);
	*text = v;
	return strlen(v);
}

/* An attribute column, unless it is there already. */
static void
addattr(const char *name)
{
	struct column c = { name, 0, cell_attr };

	for (size_t i = 0; i < noutcols; i++)
		if (outcols[i].cell == cell_attr && !strcmp(outcols[i].name,
		    name))
			return;
	addcols(&c, 1);
	outattr[noutcols - 1] = crm_custattr_index(attrs, name);
}

static void
outcols_init(const struct opts *o)
{
	addcols(base_cols, NELEM(base_cols));
	if (o->model)
		addcols(model_cols, NELEM(model_cols));
	if (o->spend)
		addcols(spend_cols, NELEM(spend_cols));
	if (o->holdout != CRM_DATE_INVALID)
		addcols(holdout_cols, NELEM(holdout_cols));
	if (o->interactions)
		addcols(interaction_cols, NELEM(interaction_cols));
	if (o->complaints)
		addcols(complaint_cols, NELEM(complaint_cols));
	if (attrs) {
		for (size_t i = 0; attr_cols[i]; i++)
			addattr(attr_cols[i]);
		for (size_t i = 0; attr_extra && attr_extra[i]; i++)
			addattr(attr_extra[i]);
	}
}

/* Write rows[lo..hi) to out: TSV straight into a line buffer, the other
 * formats through the writer, the cells made once either way. */
static void *
write_rows(void *arg)
{
	struct outjob *j = arg;
	const struct opts *o = j->o;
	struct crm_writer w;
	char *line = crm_xmalloc(ROWBUF), *end = line + ROWBUF, *p;
	int joined = o->interactions || o->complaints;
	int tsv = o->fmt == CRM_FMT_TSV;
	size_t i, c;

	j->dc = crm_xmalloc(sizeof *j->dc);
	for (i = 0; i < DCACHE; i++)
		j->dc->day[i] = INT32_MIN;
	j->k = NULL;
	crm_writer_init(&w, j->out, o->fmt);
	w.excel_safe = o->excel_safe;
	crm_writer_header_names(&w, outnames, noutcols);
	if (!j->header)
		j->out->n = 0;  /* a memory stream: drop the header line */
	for (i = 0; i < noutcols; i++)
		crm_writer_numeric(&w, i, outcols[i].numeric);
	p = line;
	for (i = j->lo; i < j->hi; i++) {
		const struct crm_segment_row *r = &j->rows[i];

		/* the customers are scattered: fetch the one 16 rows ahead */
		if (i + 16 < j->hi)
			__builtin_prefetch(j->rows[i + 16].c);
		if (joined)
			j->k = contact_find(r->c);
		j->cust = attrs ? crm_custattr_find(attrs, r->c->id,
		    r->c->idlen) : CRM_CUSTATTR_NONE;
		for (c = 0; c < noutcols; c++) {
			const char *text = NULL;
			size_t n;

			j->col = c;
			if (!tsv) {
				char cell[CELL_MAX];

				n = outcols[c].cell(j, r, cell, &text);
				crm_writer_field(&w, text ? text : cell, n);
				continue;
			}
			if ((size_t)(end - p) < CELL_MAX + 2) {
				crm_out_write(j->out, line, (size_t)(p - line));
				p = line;
			}
			if (c)
				*p++ = '\t';
			n = outcols[c].cell(j, r, p, &text);
			if (!text) {
				p += n;
				continue;
			}
			/* escaped, a tab or newline becomes two bytes */
			if ((size_t)(end - p) < 2 * n) {
				crm_out_write(j->out, line, (size_t)(p - line));
				p = line;
			}
			if (2 * n <= (size_t)(end - p))
				p += crm_tsv_escape_to(p, text, n);
			else {
				struct crm_buf b;

				crm_buf_init(&b);
				crm_tsv_escape(&b, text, n);
				crm_out_write(j->out, b.p, b.n);
				crm_buf_release(&b);
			}
		}
		if (tsv)
			*p++ = '\n';
		else
			crm_writer_end(&w);
	}
	crm_out_write(j->out, line, (size_t)(p - line));
	crm_writer_release(&w);
	free(j->dc);
	free(line);
	return NULL;
}

static void
report(struct crm_custagg *a, struct crm_custagg *hold, const struct opts *o)
{
	const struct crm_cust **v = crm_custagg_sorted(a);
	size_t n = crm_custagg_count(a), nr = 0, i;
	struct crm_segment_row *rows = bigalloc(crm_mulsz(n ? n : 1,
	    sizeof *rows));
	int32_t asof = o->asof;
	struct fitted m;
	struct spendfit sp;
	struct crm_segment_span ks;
	double disc = discount_factor(o);
	uint32_t *actual = NULL;
	int table = o->print_params || o->print_validation;

	if (asof == CRM_DATE_INVALID)
		asof = crm_custagg_maxday(a);
	asof_day = asof;
	outcols_init(o);
	if (o->interactions && !table)
		read_interactions(o->interactions, a, asof);
	if (o->complaints && !table)
		read_complaints(o->complaints, a, asof);
	{
		struct statjob j[2] = {
			{ rows, v, 0, n / 2, asof, o, { 0, 0, 0, 0 } },
			{ rows, v, n / 2, n, asof, o, { 0, 0, 0, 0 } }
		};

		crm_run_two(stats_span, &j[0], &j[1]);
		ks = j[0].ks;
		crm_segment_span_join(&ks, &j[1].ks);
	}
	for (i = 0; i < n; i++) {
		if (!rows[i].revenue_ok) {
			struct crm_buf b;

			crm_buf_init(&b);
			crm_buf_addquoted(&b, v[i]->id, v[i]->idlen);
			warnx("customer %s: revenue out of range: customer left "
			    "out", b.p);
			crm_buf_release(&b);
			status = CRM_EXIT_REJECT;
			continue;
		}
		if (nr != i)
			rows[nr] = rows[i];
		nr++;
	}
	free(v);
	crm_segment_score(rows, nr, o->tiers, o->abc, &ks);
	/* the pictures of the customers before the model: a file that cannot
	 * be written stops the run before any output */
	plot_customers(rows, nr, asof, o);
	memset(&m, 0, sizeof m);
	if (hold) {
		/* the calibration customers' purchase days in the window;
		 * those who first bought there are in hold only */
		actual = bigalloc(crm_mulsz(nr ? nr : 1, sizeof *actual));
		for (i = 0; i < nr; i++) {
			const struct crm_cust *c = crm_custagg_find(hold,
			    rows[i].c->id, rows[i].c->idlen);

			actual[i] = c ? c->ndays : 0;
		}
		m.actual = actual;
	}
	/* --print-params without a model prints the first one's */
	m.model = o->model ? o->model : o->print_params ? crm_models[0] : NULL;
	if (m.model)
		fit_model(rows, nr, o, &m);
	memset(&sp, 0, sizeof sp);
	if ((sp.model = o->spend))
		fit_spend(rows, nr, o->print_params, &sp);
	if (o->print_params) {
		print_params(&m, &sp);
		goto done;
	}
	if (o->print_validation) {
		/* the picture first: a file that cannot be written stops the
		 * run before any output */
		if (o->plot[PLOT_VALIDATION])
			plot_validation(&m, o->plot[PLOT_VALIDATION]);
		print_validation(&m);
		goto done;
	}

	{
		/* rows in rounds of two chunks, formatted into memory by two
		 * threads at once and then written in order: the buffers
		 * stay small and are used again each round */
		struct crm_out mem[2];
		size_t lo = 0, k;

		for (k = 0; k < 2; k++) {
			crm_out_init(&mem[k], -1, "memory");
			mem[k].cap = OUT_CHUNK * 128 + 4096;
			mem[k].buf = crm_xmalloc(mem[k].cap);
		}
		do {
			size_t mid = nr - lo < OUT_CHUNK ? nr : lo + OUT_CHUNK;
			size_t hi = nr - mid < OUT_CHUNK ? nr : mid + OUT_CHUNK;
			struct outjob j[2] = {
				{ o, rows, lo, mid, &m, &sp, disc, &mem[0],
				    lo == 0, NULL, NULL, 0, 0 },
				{ o, rows, mid, hi, &m, &sp, disc, &mem[1], 0,
				    NULL, NULL, 0, 0 }
			};

			mem[0].n = mem[1].n = 0;
			if (hi > mid)
				crm_run_two(write_rows, &j[0], &j[1]);
			else
				write_rows(&j[0]);
			for (k = 0; k < 2; k++)
				crm_out_write(&crm_stdout, mem[k].buf, mem[k].n);
			lo = hi;
		} while (lo < nr);
		for (k = 0; k < 2; k++)
			free(mem[k].buf);
	}
done:
	free(actual);
	free(sp.expected);
	free(m.p_alive);
	free(m.expected);
	free(rows);
}

/* --- main ---------------------------------------------------------------- */

/* "none, a, b or c" (sep ", " and " or ") or "none|a|b|c" (sep "|"):
 * the choices of --churn-model. */
static void
model_choices(struct crm_buf *b, const char *sep, const char *last)
{
	size_t i;

	crm_buf_adds(b, "none");
	for (i = 0; crm_models[i]; i++) {
		crm_buf_adds(b, crm_models[i + 1] ? sep : last);
		crm_buf_adds(b, crm_models[i]->name);
	}
}

/* The same for --spend-model. */
static void
spend_choices(struct crm_buf *b, const char *sep, const char *last)
{
	size_t i;

	crm_buf_adds(b, "none");
	for (i = 0; crm_spend_models[i]; i++) {
		crm_buf_adds(b, crm_spend_models[i + 1] ? sep : last);
		crm_buf_adds(b, crm_spend_models[i]->name);
	}
}

static void __attribute__((noreturn))
usage(int code)
{
	struct crm_buf b;

	crm_buf_init(&b);
	crm_buf_adds(&b,
	    "usage: crm-segment [--csv] [--partial] [--merge] [--print-params]\n"
	    "                   [--as-of DATE] [--since DATE] [--until DATE]\n"
	    "                   [--format tsv|csv|jsonl]\n"
	    "                   [--excel-safe]\n"
	    "                   [--churn-days N] [--exploration-days N]\n"
	    "                   [--period-days N] [--gap-factor X]\n"
	    "                   [--stable-band PCT] [--segment-map FILE]\n"
	    "                   [--tiers P,G,I] [--abc A,B]\n"
	    "                   [--churn-model ");
	model_choices(&b, "|", "|");
	crm_buf_adds(&b, "]\n                   [--spend-model ");
	spend_choices(&b, "|", "|");
	crm_buf_adds(&b, "]\n"
	    "                   [--time-unit day|week|month] [--horizon N]\n"
	    "                   [--discount RATE] [--holdout DATE]\n"
	    "                   [--print-validation] [--plot FILE.svg]\n"
	    "                   [--plot validation|rfm|recency|frequency=FILE.svg]\n"
	    "                   [--interactions FILE] [--complaints FILE]\n"
	    "                   [--customers FILE [--attrs COL,...] "
	    "[--id-map FILE]]\n"
	    "                   [FILE ...]\n");
	crm_cli_usage(code, b.p);
}

static void
attr_bad(void *ctx, const char *msg, const char *id)
{
	(void)ctx;
	(void)id;
	warnx("%s", msg);
	status = CRM_EXIT_REJECT;
}

/* --customers, with the columns of --attrs and the --id-map. */
static void
load_attrs(const struct opts *o, int csv)
{
	struct crm_custattr_opts ao = { 0 };
	char e[1024];
	int why;

	if (o->attrs) {
		attr_extra = crm_split(o->attrs, ',', NULL);
		for (size_t i = 0; attr_extra[i]; i++)
			if (!*attr_extra[i])
				errx(CRM_EXIT_FATAL, "--attrs: an empty column "
				    "name in '%s'", o->attrs);
	}
	ao.csv = csv;
	ao.extra = (const char *const *)attr_extra;
	ao.id_map = o->id_map;
	ao.bad = attr_bad;
	attrs = crm_custattr_load(o->customers, &ao, e, sizeof e, &why);
	if (!attrs)
		errx(CRM_EXIT_FATAL, "%s%s", why == CRM_CUSTATTR_ECOLUMN ?
		    "--attrs: " : why == CRM_CUSTATTR_EMAP ? "--id-map: " :
		    "--customers: ", e);
	crm_custattr_torn_warn(attrs);
}

static const struct crm_model *
modelopt(const char *s)
{
	const struct crm_model *m = crm_model_find(s);
	struct crm_buf b;

	if (m || strcmp(s, "none") == 0)
		return m;
	crm_buf_init(&b);
	model_choices(&b, ", ", " or ");
	errx(CRM_EXIT_FATAL, "--churn-model: expected %s: '%s'", b.p, s);
}

static const struct crm_spend_model *
spendopt(const char *s)
{
	const struct crm_spend_model *m = crm_spend_model_find(s);
	struct crm_buf b;

	if (m || strcmp(s, "none") == 0)
		return m;
	crm_buf_init(&b);
	spend_choices(&b, ", ", " or ");
	errx(CRM_EXIT_FATAL, "--spend-model: expected %s: '%s'", b.p, s);
}

/* Read every operand (standard input without any) into a new aggregate:
 * transactions, or with merge the partials of earlier runs. */
static struct crm_custagg *
read_inputs(int argc, char *argv[], const struct crm_read_opts *ro,
    int merge, int32_t asof, struct crm_custagg *hold, int32_t holdend)
{
	struct crm_custagg *agg = crm_custagg_new();
	struct crm_read_opts rp = *ro;
	int i;

	/* partial lines with and without order hashes may be mixed */
	rp.ragged = merge;
	for (i = 0; i < (argc ? argc : 1); i++) {
		const char *path = argc ? argv[i] : "-";
		char errbuf[512];
		struct crm_reader *r = crm_reader_open(path, &rp, errbuf,
		    sizeof errbuf);

		if (!r) {
			warnx("%s", errbuf);
			status = CRM_EXIT_REJECT;
			continue;
		}
		if (merge) {
			if (read_partial(r, agg, asof) < 0)
				errx(CRM_EXIT_FATAL, "partial aggregates no "
				    "longer exact: giving up");
		} else
			read_tx(r, agg, asof, hold, holdend);
		crm_reader_torn_warn(r);
		crm_reader_close(r);
	}
	return agg;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "abc", required_argument, NULL, 'A' },
		{ "as-of", required_argument, NULL, 'a' },
		{ "attrs", required_argument, NULL, 'x' },
		{ "churn-days", required_argument, NULL, 'c' },
		{ "churn-model", required_argument, NULL, 'M' },
		{ "complaints", required_argument, NULL, 'k' },
		{ "csv", no_argument, NULL, 'C' },
		{ "customers", required_argument, NULL, 'K' },
		{ "discount", required_argument, NULL, 'd' },
		{ "excel-safe", no_argument, NULL, 'E' },
		{ "exploration-days", required_argument, NULL, 'e' },
		{ "format", required_argument, NULL, 'o' },
		{ "gap-factor", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ "holdout", required_argument, NULL, 'O' },
		{ "horizon", required_argument, NULL, 'H' },
		{ "id-map", required_argument, NULL, 'I' },
		{ "interactions", required_argument, NULL, 'i' },
		{ "merge", no_argument, NULL, 'm' },
		{ "partial", no_argument, NULL, 'p' },
		{ "period-days", required_argument, NULL, 'P' },
		{ "plot", required_argument, NULL, 'L' },
		{ "print-params", no_argument, NULL, 'R' },
		{ "print-validation", no_argument, NULL, 'v' },
		{ "segment-map", required_argument, NULL, 's' },
		{ "since", required_argument, NULL, 'W' },
		{ "spend-model", required_argument, NULL, 'S' },
		{ "stable-band", required_argument, NULL, 'b' },
		{ "tiers", required_argument, NULL, 't' },
		{ "time-unit", required_argument, NULL, 'u' },
		{ "until", required_argument, NULL, 'U' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o = {
		.asof = CRM_DATE_INVALID, .churn_days = 180,
		.exploration_days = 90, .period_days = 90, .gap_factor = 2,
		.stable_band = 2000, .tiers = { 100, 500, 2000 },
		.abc = { 8000, 9500 }, .unit = 7, .horizon = 52,
		.holdout = CRM_DATE_INVALID, .fmt = CRM_FMT_TSV
	};
	struct crm_read_opts ro = { .format = CRM_IN_AUTO, .store = 1 };
	const char *asof = NULL, *asof_from = "--as-of", *mapfile = NULL, *e;
	const char *holdout = NULL, *since = NULL, *until = NULL;
	int partial = 0, merge = 0, ch, i;
	struct crm_custagg *agg, *hold = NULL;
	int64_t t;
	int off;

	/* messages and widths follow the locale; numbers are written and
	 * read with a '.' whatever it says */
	crm_cli_locale();
	crm_out_init(&crm_stdout, 1, "standard output");
	while ((ch = getopt_long(argc, argv, "a:Cho:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'A':
			pctlist("abc", optarg, o.abc, 2, 0);
			break;
		case 'U':
			until = optarg;
			break;
		case 'W':
			since = optarg;
			break;
		case 'a':
			asof = optarg;
			break;
		case 'b':
			o.stable_band = pctval("stable-band", optarg,
			    strlen(optarg));
			break;
		case 'C':
			ro.format = CRM_IN_CSV;
			break;
		case 'c':
			o.churn_days = intopt("churn-days", optarg, 0, 1000000);
			break;
		case 'd':
			o.discount = dblopt("discount", optarg, 0, 1e6);
			break;
		case 'E':
			o.excel_safe = 1;
			break;
		case 'e':
			o.exploration_days = intopt("exploration-days", optarg,
			    0, 1000000);
			break;
		case 'g':
			o.gap_factor = dblopt("gap-factor", optarg, 0, 1e6);
			break;
		case 'H':
			o.horizon = dblopt("horizon", optarg, 0, 100000);
			break;
		case 'h':
			usage(CRM_EXIT_OK);
		case 'I':
			o.id_map = optarg;
			break;
		case 'i':
			o.interactions = optarg;
			break;
		case 'K':
			o.customers = optarg;
			break;
		case 'k':
			o.complaints = optarg;
			break;
		case 'L':
			plotopt(&o, optarg);
			break;
		case 'M':
			o.model = modelopt(optarg);
			break;
		case 'm':
			merge = 1;
			break;
		case 'O':
			holdout = optarg;
			break;
		case 'o':
			if ((int)(o.fmt = crm_fmt_parse(optarg)) < 0)
				errx(CRM_EXIT_FATAL, "--format: expected tsv, "
				    "csv or jsonl: '%s'", optarg);
			break;
		case 'P':
			o.period_days = intopt("period-days", optarg, 1, 1000000);
			break;
		case 'p':
			partial = 1;
			break;
		case 'R':
			o.print_params = 1;
			break;
		case 'S':
			o.spend = spendopt(optarg);
			break;
		case 's':
			mapfile = optarg;
			break;
		case 't':
			pctlist("tiers", optarg, o.tiers, 3, 1);
			break;
		case 'u':
			if (strcmp(optarg, "day") == 0)
				o.unit = 1;
			else if (strcmp(optarg, "week") == 0)
				o.unit = 7;
			else if (strcmp(optarg, "month") == 0)
				o.unit = 365.25 / 12;
			else
				errx(CRM_EXIT_FATAL, "--time-unit: expected "
				    "day, week or month: '%s'", optarg);
			break;
		case 'v':
			o.print_validation = 1;
			break;
		case 'x':
			o.attrs = optarg;
			break;
		case 'V':
			crm_cli_version();
		default:
			usage(CRM_EXIT_FATAL);
		}
	}
	argc -= optind;
	argv += optind;

	if (o.excel_safe && (partial || o.print_params || o.print_validation))
		errx(CRM_EXIT_FATAL, "--excel-safe: %s writes TSV only",
		    partial ? "--partial" : o.print_params ? "--print-params" :
		    "--print-validation");
	if (o.excel_safe && o.fmt != CRM_FMT_CSV)
		errx(CRM_EXIT_FATAL, "--excel-safe applies to --format csv "
		    "only");
	if (o.spend && !o.model && !o.print_params && !partial)
		errx(CRM_EXIT_FATAL, "--spend-model needs a purchase model "
		    "(--churn-model)");
	if ((o.interactions || o.complaints) && partial)
		errx(CRM_EXIT_FATAL, "--interactions and --complaints apply to "
		    "the report, not to --partial");
	if ((o.attrs || o.id_map) && !o.customers)
		errx(CRM_EXIT_FATAL, "%s needs --customers FILE", o.attrs ?
		    "--attrs" : "--id-map");
	if (o.customers && partial)
		errx(CRM_EXIT_FATAL, "--customers applies to the report, not "
		    "to --partial");
	/* the transactions, the interactions and the complaints may each
	 * come from standard input, but only one of them */
	for (i = 0; i < argc && strcmp(argv[i], "-") != 0; i++)
		;
	if ((argc == 0 || i < argc) +
	    (o.interactions && !strcmp(o.interactions, "-")) +
	    (o.complaints && !strcmp(o.complaints, "-")) +
	    (o.customers && !strcmp(o.customers, "-")) > 1)
		errx(CRM_EXIT_FATAL, "standard input can be read only once");
	if (!asof) {
		/* an empty CRM_AS_OF is no CRM_AS_OF; an empty --as-of is a
		 * mistake */
		if ((asof = getenv("CRM_AS_OF")) && !*asof)
			asof = NULL;
		asof_from = "CRM_AS_OF";
	}
	if (since && (e = crm_date_parse(since, strlen(since), 0,
	    &win_since)))
		errx(CRM_EXIT_FATAL, "--since: %s: '%s'", e, since);
	if (until && (e = crm_date_parse(until, strlen(until), 0,
	    &win_until)))
		errx(CRM_EXIT_FATAL, "--until: %s: '%s'", e, until);
	if (since && until && win_since > win_until)
		errx(CRM_EXIT_FATAL, "--since %s is after --until %s", since,
		    until);
	if ((since || until) && merge)
		errx(CRM_EXIT_FATAL, "--since and --until pick transactions as "
		    "they are read: not with --merge (give them to --partial)");
	if (until && holdout)
		errx(CRM_EXIT_FATAL, "--until would cut the holdout period: "
		    "not with --holdout");
	if (asof) {
		if ((e = crm_asof_parse(asof, &t, &off)))
			errx(CRM_EXIT_FATAL, "%s: %s: '%s'", asof_from, e,
			    asof);
		o.asof = crm_ts_days(t, off);
	} else if (until) {
		o.asof = win_until;     /* the window's end is the as-of day */
	}
	if (o.plot[PLOT_VALIDATION] && !o.print_validation)
		errx(CRM_EXIT_FATAL, "--plot draws the validation table: it "
		    "needs --print-validation");
	for (i = PLOT_RFM; i < NPLOT; i++)
		if (o.plot[i] && partial)
			errx(CRM_EXIT_FATAL, "--plot %s draws the report's "
			    "customers: not with --partial", plot_names[i]);
	if (o.print_validation && !holdout)
		errx(CRM_EXIT_FATAL, "--print-validation needs --holdout DATE");
	if (holdout) {
		if ((e = crm_asof_parse(holdout, &t, &off)))
			errx(CRM_EXIT_FATAL, "--holdout: %s: '%s'", e, holdout);
		o.holdout = crm_ts_days(t, off);
		if (!o.model)
			errx(CRM_EXIT_FATAL, "--holdout needs a purchase model "
			    "(--churn-model)");
		if (partial || merge)
			errx(CRM_EXIT_FATAL, "--holdout reads transactions: not "
			    "with %s", partial ? "--partial" : "--merge");
		if (o.asof == CRM_DATE_INVALID)
			errx(CRM_EXIT_FATAL, "--holdout needs --as-of, the end "
			    "of the calibration period");
		if (o.holdout <= o.asof) {
			char c[11];

			crm_date_format(o.asof, c);
			errx(CRM_EXIT_FATAL, "--holdout: the end of the holdout "
			    "period must be after the as-of date %s: '%s'", c,
			    holdout);
		}
		if (o.print_params && o.print_validation)
			errx(CRM_EXIT_FATAL, "--print-params and "
			    "--print-validation each print a table of their "
			    "own: use one");
		hold = crm_custagg_new();
	}
	crm_segment_map_init(&segmap);
	if (mapfile)
		readmap(mapfile);
	else {
		char *copy = crm_xstrdup(crm_segment_default_map);

		loadmap(copy, "default map");
		free(copy);
	}
	segtab_init();

	if (o.customers)
		load_attrs(&o, ro.format == CRM_IN_CSV);
	agg = read_inputs(argc, argv, &ro, merge, o.asof, hold, o.holdout);
	if (partial)
		crm_custagg_write_partial(agg, &crm_stdout);
	else
		report(agg, hold, &o);
	crm_custagg_free(agg);
	if (hold)
		crm_custagg_free(hold);
	free(ctab);
	crm_segment_map_release(&segmap);
	crm_custattr_free(attrs);
	crm_strv_free(attr_extra);
	crm_out_close(&crm_stdout);
	return status;
}
