/*
 * crm-segment: one row per customer from the transaction stream, with RFM
 * scores and segment, pyramid tier, ABC class, lifecycle stage, the churn
 * rule and, on request, a fitted BG/NBD model with lifetime value.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgnbd.h"
#include "cli.h"
#include "complaint.h"
#include "custagg.h"
#include "out.h"
#include "rec.h"
#include "sort.h"
#include "pyramid.h"
#include "util.h"
#include "value.h"

static void __attribute__((noreturn))
usage(int status)
{
	FILE *f = status ? stderr : stdout;

	fputs("usage: crm-segment [--csv] [--partial] [--merge] [--print-params]\n"
	    "                   [--as-of DATE] [--format tsv|csv|jsonl]\n"
	    "                   [--excel-safe]\n"
	    "                   [--churn-days N] [--exploration-days N]\n"
	    "                   [--period-days N] [--gap-factor X]\n"
	    "                   [--stable-band PCT] [--segment-map FILE]\n"
	    "                   [--tiers P,G,I] [--abc A,B]\n"
	    "                   [--churn-model none|bgnbd]\n"
	    "                   [--time-unit day|week|month] [--horizon N]\n"
	    "                   [--discount RATE] [--interactions FILE]\n"
	    "                   [--complaints FILE] [FILE ...]\n", f);
	exit(status);
}

struct opts {
	int32_t asof;           /* CRM_DATE_INVALID: latest date in the data */
	int churn_days, exploration_days, period_days;
	double gap_factor;
	int64_t stable_band;    /* hundredths of a percent */
	int64_t tiers[3];       /* cumulative, hundredths of a percent */
	int64_t abc[2];         /* hundredths of a percent */
	int bgnbd;
	double unit;            /* days per time unit */
	double horizon, discount;
	int print_params;
	enum crm_fmt fmt;
	int excel_safe;         /* neutralise formula-like CSV cells */
	const char *interactions, *complaints;  /* files to join, or NULL */
};

static int status = CRM_EXIT_OK;

/* --- segment map --------------------------------------------------------- */

struct maprule {
	unsigned char set[3];   /* bit s set: score s matches */
	char *name;
};

static const char default_map[] =
	"11*\tLost\n"
	"[12][12]*\tHibernating\n"
	"[12][34]*\tAt risk\n"
	"[12]5*\tCannot lose\n"
	"3[12]*\tAbout to sleep\n"
	"33*\tNeed attention\n"
	"[34][45]*\tLoyal\n"
	"41*\tPromising\n"
	"51*\tNew\n"
	"[45][23]*\tPotential loyalist\n"
	"5[45]*\tChampions\n";

static struct maprule *maprules;
static size_t nmaprules, amaprules;

/* Parse one pattern position at *pp into a bit set; NULL or a reason. */
static const char *
mappos(const char **pp, unsigned char *set)
{
	const char *p = *pp;

	*set = 0;
	if (*p == '*') {
		*set = 0x3e;
		p++;
	} else if (*p >= '1' && *p <= '5') {
		*set = (unsigned char)(1u << (*p - '0'));
		p++;
	} else if (*p == '[') {
		p++;
		while (*p && *p != ']') {
			int lo, hi;

			if (*p < '1' || *p > '5')
				return "bad score in brackets";
			lo = hi = *p++ - '0';
			if (*p == '-') {
				if (p[1] < '1' || p[1] > '5')
					return "bad range in brackets";
				hi = p[1] - '0';
				p += 2;
			}
			for (; lo <= hi; lo++)
				*set |= (unsigned char)(1u << lo);
		}
		if (*p != ']' || !*set)
			return "bad brackets";
		p++;
	} else
		return "pattern position must be 1-5, * or [...]";
	*pp = p;
	return NULL;
}

/* Load the map in text (NUL-terminated); name for diagnostics. */
static void
loadmap(char *text, const char *name)
{
	char *line, *next;
	long lineno = 0;

	for (line = text; line && *line; line = next) {
		char *tab, *nl = strchr(line, '\n');
		const char *p, *e = NULL;
		struct maprule r;
		int i;

		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		if (nl > line && nl[-1] == '\r')
			nl[-1] = '\0';
		lineno++;
		if (*line == '#' || *line == '\0')
			continue;
		tab = strchr(line, '\t');
		if (!tab || tab[1] == '\0')
			errx(2, "%s:%ld: expected PATTERN<tab>SEGMENT", name,
			    lineno);
		*tab = '\0';
		p = line;
		for (i = 0; i < 3 && !e; i++)
			e = mappos(&p, &r.set[i]);
		if (!e && *p)
			e = "pattern has more than three positions";
		if (e)
			errx(2, "%s:%ld: %s: '%s'", name, lineno, e, line);
		r.name = crm_xstrdup(tab + 1);
		crm_grow(&maprules, &amaprules, nmaprules + 1, sizeof r);
		maprules[nmaprules++] = r;
	}
}

static void
readmap(const char *path)
{
	struct crm_buf b;
	char tmp[8192];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		err(2, "%s", path);
	crm_buf_init(&b);
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		crm_buf_add(&b, tmp, n);
	if (ferror(f))
		err(2, "%s", path);
	fclose(f);
	loadmap(b.p, path);
	if (!nmaprules)
		errx(2, "%s: no rules", path);
	crm_buf_release(&b);
}

static const char *
segment_of(int r, int f, int m)
{
	size_t i;

	for (i = 0; i < nmaprules; i++)
		if ((maprules[i].set[0] >> r & 1) && (maprules[i].set[1] >> f & 1) &&
		    (maprules[i].set[2] >> m & 1))
			return maprules[i].name;
	return "";
}

/* The segment of every score triple, worked out once: raw, and as a TSV
 * field (escaped) with its length. */
static const char *segtab[6][6][6];
static char *segtsv[6][6][6];
static size_t segtsvlen[6][6][6], segtsvmax;

static void
segtab_init(void)
{
	int r, f, m;

	for (r = 1; r <= 5; r++)
		for (f = 1; f <= 5; f++)
			for (m = 1; m <= 5; m++) {
				struct crm_buf b;
				const char *n = segment_of(r, f, m);

				crm_buf_init(&b);
				crm_tsv_escape(&b, n, strlen(n));
				crm_buf_addc(&b, '\0');
				segtab[r][f][m] = n;
				segtsvlen[r][f][m] = b.n - 1;
				segtsv[r][f][m] = b.p;
				if (b.n - 1 > segtsvmax)
					segtsvmax = b.n - 1;
			}
}

/* --- option parsing ------------------------------------------------------ */

static int
intopt(const char *name, const char *s, int min, int max)
{
	int64_t v;

	if (crm_int_parse(s, strlen(s), min, max, &v))
		errx(2, "--%s: expected an integer %d..%d: '%s'", name, min, max,
		    s);
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
		errx(2, "--%s: expected a number %g..%g: '%s'", name, min, max, s);
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
		errx(2, "--%s: expected a percentage 0..100 with at most two "
		    "decimals: '%.*s'", name, (int)n, s);
	return v;
}

/* "a,b[,c]" of percentages into v[0..k), by the rule crm-report's
 * --tiers and --abc share, or a usage error. */
static void
pctlist(const char *name, const char *s, int64_t *v, int k, int cumulate)
{
	const char *why = crm_pyramid_pctlist(s, v, k, cumulate);

	if (why)
		errx(2, "--%s: %s: '%s'", name, why, s);
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
			warnx("%s", crm_reader_error(r));
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

/* Read transactions from r into a (queued: counted in batches). */
static void
read_tx(struct crm_reader *r, struct crm_custagg *a, int32_t asof)
{
	struct crm_rec rec;
	struct txerr x;
	int ci, di, ai;

	ci = opencol(r, "customer_id");
	di = opencol(r, "date");
	ai = opencol(r, "amount");
	if (ci < 0 || di < 0 || ai < 0)
		return;
	x.r = r;
	x.ai = ai;
	crm_custagg_onerror(a, tx_refused, &x);
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
		if (asof != CRM_DATE_INVALID && day > asof)
			continue;
		crm_custagg_queue(a, id->p, id->n, day, amt, rec.line);
	}
	crm_custagg_flush(a);
	crm_custagg_onerror(a, NULL, NULL);
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

	if (crm_reader_col(r, "customer_id") != 0 ||
	    crm_reader_col(r, "orders") != 1 ||
	    crm_reader_col(r, "daily_totals") != 2) {
		if (crm_reader_header(r))
			warnx("%s: not a crm-segment --partial file (header "
			    "'customer_id<tab>orders<tab>daily_totals' expected)",
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
	crm_custagg_onerror(a, partial_refused, &x);
	while (!x.inexact && next_record(r, &rec)) {
		const char *e;
		int32_t last;

		/* the header of another part, as parallel --pipepart and cat
		 * of several partial files give */
		if (rec.f[0].n == 11 && strcmp(rec.f[0].p, "customer_id") == 0 &&
		    strcmp(rec.f[1].p, "orders") == 0 &&
		    strcmp(rec.f[2].p, "daily_totals") == 0)
			continue;
		e = crm_custagg_queue_line(a, rec.f[0].p, rec.f[0].n,
		    rec.f[1].p, rec.f[1].n, rec.f[2].p, rec.f[2].n, rec.line,
		    &last);
		if (e) {
			int c = strcmp(e, "bad order count") == 0 ? 1 :
			    strcmp(e, "empty customer id") == 0 ? 0 : 2;

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
 * the report's rows stay as small as they are without the options.
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
	struct crm_read_opts ro = { .format = CRM_IN_AUTO };
	char err[512];
	struct crm_reader *r = crm_reader_open(path, &ro, err, sizeof err);

	if (!r)
		errx(2, "--%s: %s", opt, err);
	if (!crm_reader_header(r)) {
		if (*crm_reader_error(r))
			errx(2, "--%s: %s", opt, crm_reader_error(r));
		errx(2, "--%s: %s: empty file, no header", opt, path);
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
		errx(2, "--interactions: %s: missing column '%s'", path,
		    ci < 0 ? "customer_id" : "ts");
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
		if (day > asof || !(c = crm_custagg_find(a, id->p, id->n)))
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
		errx(2, "--complaints: %s", err);
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
	crm_reader_close(r);
	for (i = 0; i < crm_complaint_fold_count(f); i++) {
		const struct crm_complaint *k = crm_complaint_fold_at(f, i);
		const struct crm_cust *c = crm_custagg_find(a, k->customer_id,
		    strlen(k->customer_id));
		struct contact *x;

		if (!c)
			continue;
		x = contact_get(c);
		x->complaints++;
		if (crm_complaint_status_active(k->status))
			x->open++;
	}
	crm_complaint_fold_free(f);
}

/* --- scoring ------------------------------------------------------------- */

/* The per-customer arrays of the report (tens of megabytes with half a
 * million customers) on huge pages. */
#define bigalloc crm_xmalloc_huge

/* One customer's row: what the output and the scores need of
 * crm_cust_stats, in 48 bytes (recency and tenure follow from first,
 * last and the as-of day). */
struct row {
	const struct crm_cust *c;
	int64_t revenue;
	uint64_t orders;
	int32_t first, last;
	uint32_t days;
	uint32_t group;         /* BG/NBD observation group */
	unsigned char r, f, m;
	unsigned char tier, abc;
	unsigned char stage;    /* index into stages[] */
	unsigned char revenue_ok;
};

static const char *const stages[] = {
	"exploration", "growth", "stable", "decline", "lapsed"
};

static int32_t asof_day;        /* the as-of day of the report */
static size_t tierlen[4], stagelen[5];  /* of crm_tier_names, stages */

/* The quintile score of a value when below of the n values are smaller
 * (the customers strictly worse): 1 + floor(5 below / n). */
static inline unsigned char
quintile_of(unsigned long long below, size_t n)
{
	return (unsigned char)(1 + 5 * below / n);
}

/*
 * Quintile scores from values sorted ascending (better is larger): each
 * run of equal values gets quintile_of the values before the run.
 */
static void
quintiles(const struct crm_kv *v, size_t n, struct row *rows, size_t field)
{
	size_t lo = 0, hi, j;

	while (lo < n) {
		unsigned char sc = quintile_of(lo, n);

		for (hi = lo + 1; hi < n && v[hi].k == v[lo].k; hi++)
			;
		for (j = lo; j < hi; j++)
			((unsigned char *)&rows[v[j].v])[field] = sc;
		lo = hi;
	}
}

/* R (f = 0: a later last day is better) or F (f = 1: more orders) by
 * sorting: one key per row into v (sorted), then quintile scores. */
static void
score_by(struct row *rows, size_t n, struct crm_kv *v, int f)
{
	size_t i;

	for (i = 0; i < n; i++) {
		v[i].k = f ? rows[i].orders : crm_sort_key_i64(rows[i].last);
		v[i].v = (uint32_t)i;
	}
	crm_sort_kv(v, n);
	quintiles(v, n, rows, f ? offsetof(struct row, f) :
	    offsetof(struct row, r));
}

/* The span of the R and F keys over the rows: the latest day and the
 * order count. */
struct keyspan {
	int32_t lastlo, lasthi;
	uint64_t ordlo, ordhi;
};

static void
keyspan_init(struct keyspan *k)
{
	k->lastlo = INT32_MAX;
	k->lasthi = INT32_MIN;
	k->ordlo = UINT64_MAX;
	k->ordhi = 0;
}

static void
keyspan_join(struct keyspan *k, const struct keyspan *o)
{
	if (o->lastlo < k->lastlo)
		k->lastlo = o->lastlo;
	if (o->lasthi > k->lasthi)
		k->lasthi = o->lasthi;
	if (o->ordlo < k->ordlo)
		k->ordlo = o->ordlo;
	if (o->ordhi > k->ordhi)
		k->ordhi = o->ordhi;
}

#define COUNT_SPAN ((uint64_t)1 << 18)  /* widest key span scored by
                                           counting (a 1 MiB table) */

struct scorejob {
	struct row *rows;
	size_t n;
	const struct opts *o;
	const struct keyspan *ks;
	unsigned char *mta;     /* m | tier << 3 | abc << 5 by row */
	int money;              /* M, tiers and ABC; otherwise R and F */
};

/*
 * Quintile scores by counting, the same as quintiles() gives: cnt[0..span)
 * holds how many rows have each key (key - lo); it becomes the score of
 * each key, quintile_of the rows with a smaller key.
 */
static void
count_scores(uint32_t *cnt, uint64_t span, size_t n)
{
	uint64_t i, below = 0;

	for (i = 0; i < span; i++) {
		uint32_t k = cnt[i];

		cnt[i] = quintile_of(below, n);
		below += k;
	}
}

/* R and F: by counting when the keys span at most COUNT_SPAN values
 * (two passes over the rows, no sort), else by sorting. */
static void *
score_rf(void *arg)
{
	struct scorejob *j = arg;
	struct row *rows = j->rows;
	const struct keyspan *ks = j->ks;
	size_t n = j->n, i;
	/* the spans less one, which cannot wrap around */
	uint64_t rspan = (uint64_t)((int64_t)ks->lasthi - ks->lastlo);
	uint64_t fspan = ks->ordhi - ks->ordlo;
	int byr = n && rspan < COUNT_SPAN, byf = n && fspan < COUNT_SPAN;
	uint32_t *rc = NULL, *fc = NULL;

	if (!byr || !byf) {
		struct crm_kv *v = bigalloc(crm_mulsz(n ? n : 1, sizeof *v));

		if (!byr)
			score_by(rows, n, v, 0);
		if (!byf)
			score_by(rows, n, v, 1);
		free(v);
	}
	if (!byr && !byf)
		return NULL;
	if (byr)
		rc = crm_xcalloc(rspan + 1, sizeof *rc);
	if (byf)
		fc = crm_xcalloc(fspan + 1, sizeof *fc);
	for (i = 0; i < n; i++) {
		if (byr)
			rc[rows[i].last - ks->lastlo]++;
		if (byf)
			fc[rows[i].orders - ks->ordlo]++;
	}
	if (byr)
		count_scores(rc, rspan + 1, n);
	if (byf)
		count_scores(fc, fspan + 1, n);
	for (i = 0; i < n; i++) {
		if (byr)
			rows[i].r = (unsigned char)rc[rows[i].last -
			    ks->lastlo];
		if (byf)
			rows[i].f = (unsigned char)fc[rows[i].orders -
			    ks->ordlo];
	}
	free(rc);
	free(fc);
	return NULL;
}

/*
 * M, tier and ABC from the rows sorted by revenue, into mta[] by row: a
 * byte a row, so that the scattered writes stay in the caches (the rows
 * are tens of megabytes).  The revenues come back from the sort keys.
 */
static void *
score_money(void *arg)
{
	struct scorejob *j = arg;
	const struct row *rows = j->rows;
	size_t n = j->n, i, lo, hi;
	struct crm_kv *v = bigalloc(crm_mulsz(n ? n : 1, sizeof *v));
	int64_t *rev = bigalloc(crm_mulsz(n ? n : 1, sizeof *rev));
	unsigned char *tc = crm_xmalloc(2 * (n ? n : 1));
	struct crm_pyramid_opts po;

	for (i = 0; i < n; i++) {
		v[i].k = crm_sort_key_i64(rows[i].revenue);
		v[i].v = (uint32_t)i;
	}
	crm_sort_kv(v, n);
	for (i = 0; i < n; i++)
		rev[i] = (int64_t)(v[i].k ^ (uint64_t)1 << 63);
	memcpy(po.tiers, j->o->tiers, sizeof po.tiers);
	memcpy(po.abc, j->o->abc, sizeof po.abc);
	crm_pyramid_classify(rev, n, &po, tc, tc + n);
	/* quintiles(), with the tier and class of each position */
	for (lo = 0; lo < n; lo = hi) {
		unsigned sc = quintile_of(lo, n);

		for (hi = lo + 1; hi < n && v[hi].k == v[lo].k; hi++)
			;
		for (i = lo; i < hi; i++)
			j->mta[v[i].v] = (unsigned char)(sc | tc[i] << 3 |
			    tc[n + i] << 5);
	}
	free(tc);
	free(rev);
	free(v);
	return NULL;
}

static void *
score_part(void *arg)
{
	const struct scorejob *j = arg;

	return j->money ? score_money(arg) : score_rf(arg);
}

/* R and F in one thread, M, tier and ABC in another. */
static void
score(struct row *rows, size_t n, const struct opts *o,
    const struct keyspan *ks)
{
	unsigned char *mta = crm_xmalloc(n ? n : 1);
	struct scorejob j[2] = { { rows, n, o, ks, mta, 1 },
	    { rows, n, o, ks, mta, 0 } };
	size_t i;

	crm_run_two(score_part, &j[0], &j[1]);
	for (i = 0; i < n; i++) {
		rows[i].m = mta[i] & 7;
		rows[i].tier = mta[i] >> 3 & 3;
		rows[i].abc = mta[i] >> 5;
	}
	free(mta);
}

/* The stage, as an index into stages[]. */
static unsigned char
stage_of(const struct crm_cust_stats *s, const struct opts *o)
{
	__extension__ __int128 l = s->spend_latest, p = s->spend_prev;

	if (s->recency > o->churn_days)
		return 4;
	if (s->days == 1)
		return s->recency <= o->exploration_days ? 0 : 3;
	if (s->overdue)
		return 3;
	if (l * 10000 > p * (10000 + o->stable_band))
		return 1;
	if (l * 10000 < p * (10000 - o->stable_band))
		return 3;
	return 2;
}

/* --- BG/NBD -------------------------------------------------------------- */

struct gkey {
	uint32_t x;
	int32_t tx, T;
	uint32_t idx;
};

static int
cmpgkey(const void *p, const void *q)
{
	const struct gkey *a = p, *b = q;

	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->tx != b->tx)
		return a->tx < b->tx ? -1 : 1;
	if (a->T != b->T)
		return a->T < b->T ? -1 : 1;
	return 0;
}

/* A row's observation in days. */
static void
gkey_of(const struct row *r, uint32_t idx, struct gkey *k)
{
	k->x = r->days - 1;
	k->tx = r->days > 1 ? r->last - r->first : 0;
	k->T = asof_day - r->first;
	k->idx = idx;
}

/* A new group, of observation k, at obs[g]. */
static void
new_group(struct crm_bgnbd_obs *obs, size_t g, const struct gkey *k,
    const struct opts *o)
{
	obs[g].x = k->x;
	obs[g].tx = k->tx / o->unit;
	obs[g].T = k->T / o->unit;
	obs[g].weight = 0;
}

/*
 * The observation groups of the n rows: rows with the same x, t_x and T
 * (in days) form one group, into obs[] in ascending order of the three,
 * with each row's group set; returns the count.  By radix on a 64-bit key
 * packed from the three when each fits (x < 2^22 days, t_x and T in
 * [0, 2^21)), which real data always does, the sort's pairs then carrying
 * the row numbers; by qsort of the triples otherwise.
 */
static size_t
group_rows(struct row *rows, size_t n, const struct opts *o,
    struct crm_bgnbd_obs *obs)
{
	struct gkey t;
	size_t i, g = 0;

	for (i = 0; i < n; i++) {
		gkey_of(&rows[i], 0, &t);
		if (t.x >= 1u << 22 || t.tx < 0 || t.tx >= 1 << 21 ||
		    t.T < 0 || t.T >= 1 << 21)
			break;
	}
	if (i == n && n >= 4096) {
		struct crm_kv *v = bigalloc(crm_mulsz(n, sizeof *v));
		const uint64_t m21 = ((uint64_t)1 << 21) - 1;

		for (i = 0; i < n; i++) {
			gkey_of(&rows[i], 0, &t);
			v[i].k = (uint64_t)t.x << 42 | (uint64_t)t.tx << 21 |
			    (uint64_t)t.T;
			v[i].v = (uint32_t)i;
		}
		crm_sort_kv(v, n);
		for (i = 0; i < n; i++) {
			if (i == 0 || v[i].k != v[i - 1].k) {
				t.x = (uint32_t)(v[i].k >> 42);
				t.tx = (int32_t)(v[i].k >> 21 & m21);
				t.T = (int32_t)(v[i].k & m21);
				new_group(obs, g++, &t, o);
			}
			obs[g - 1].weight += 1;
			rows[v[i].v].group = (uint32_t)(g - 1);
		}
		free(v);
	} else {
		struct gkey *k = crm_xmalloc(crm_mulsz(n ? n : 1, sizeof *k));

		for (i = 0; i < n; i++)
			gkey_of(&rows[i], (uint32_t)i, &k[i]);
		qsort(k, n, sizeof *k, cmpgkey);
		for (i = 0; i < n; i++) {
			if (i == 0 || cmpgkey(&k[i - 1], &k[i]) != 0)
				new_group(obs, g++, &k[i], o);
			obs[g - 1].weight += 1;
			rows[k[i].idx].group = (uint32_t)(g - 1);
		}
		free(k);
	}
	return g;
}

struct model {
	struct crm_bgnbd_fit fit;
	int ok;
	double *p_alive, *expected;     /* per group */
};

struct predjob {
	struct model *m;
	const struct crm_bgnbd_obs *obs;
	size_t lo, hi;
	double horizon;
};

/* p_alive and expected purchases of groups lo..hi. */
static void *
predict(void *arg)
{
	struct predjob *j = arg;
	struct model *m = j->m;
	size_t i;

	for (i = j->lo; i < j->hi; i++) {
		const struct crm_bgnbd_obs *b = &j->obs[i];

		m->p_alive[i] = crm_bgnbd_p_alive(&m->fit.p, b->x, b->tx, b->T);
		m->expected[i] = crm_bgnbd_expected(&m->fit.p, b->x, b->tx,
		    b->T, j->horizon);
	}
	return NULL;
}

static void
fit_model(struct row *rows, size_t n, const struct opts *o, struct model *m)
{
	struct crm_bgnbd_obs *obs = bigalloc(crm_mulsz(n ? n : 1,
	    sizeof *obs));
	size_t g = group_rows(rows, n, o, obs);
	int rc;

	m->p_alive = m->expected = NULL;
	if (n == 0) {
		memset(&m->fit, 0, sizeof m->fit);
		m->ok = 0;
		warnx("bgnbd: no customers to fit");
		status = CRM_EXIT_REJECT;
		free(obs);
		return;
	}
	rc = crm_bgnbd_fit(obs, g, &m->fit);
	m->ok = rc == 0 && m->fit.converged;
	if (m->ok) {
		struct predjob j[2] = {
			{ m, obs, 0, g / 2, o->horizon },
			{ m, obs, g / 2, g, o->horizon }
		};

		m->p_alive = crm_xmalloc(crm_mulsz(g, sizeof(double)));
		m->expected = crm_xmalloc(crm_mulsz(g, sizeof(double)));
		crm_run_two(predict, &j[0], &j[1]);
	} else {
		warnx("bgnbd: the fit did not converge (customers: %ld, "
		    "iterations: %d): no parameters, p_alive, "
		    "expected_purchases or clv", m->fit.customers,
		    m->fit.iterations);
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

/* --- output -------------------------------------------------------------- */

static void
money(struct crm_writer *w, int64_t v)
{
	char b[32];

	crm_writer_field(w, b, crm_money_format(v, b));
}

static void
date(struct crm_writer *w, int32_t d)
{
	char b[11];

	crm_date_format(d, b);
	crm_writer_field(w, b, 10);
}

/* Decimal v at p; returns the end. */
static char *
put_u(char *p, unsigned long long v)
{
	return p + crm_u64_format(v, p);
}

static void
unum(struct crm_writer *w, unsigned long long v)
{
	char b[24];

	crm_writer_field(w, b, (size_t)(put_u(b, v) - b));
}

/* Revenue / orders in minor units, rounded half away from zero. */
static int64_t
aov(const struct row *s)
{
	int64_t q = s->revenue / (int64_t)s->orders;
	int64_t r = s->revenue % (int64_t)s->orders;

	if (2 * (r < 0 ? -(__int128)r : r) >= (__int128)s->orders)
		q += s->revenue < 0 ? -1 : 1;
	return q;
}

static const char *const cols[] = {
	"customer_id", "first", "last", "orders", "days", "revenue", "aov",
	"recency_days", "tenure_days", "r", "f", "m", "rfm", "rfm_segment",
	"tier", "abc", "stage", "churned", "p_alive", "expected_purchases",
	"clv"
};

/* The columns of this run: cols (without the model's unless it runs),
 * then those of --interactions and --complaints; whether each is a
 * number (for JSON Lines). */
static const char *outcols[32];
static unsigned char outnum[32];
static size_t noutcols;

static void
outcol(const char *name, int numeric)
{
	outcols[noutcols] = name;
	outnum[noutcols++] = (unsigned char)numeric;
}

static void
outcols_init(const struct opts *o)
{
	size_t i;

	for (i = 0; i < (o->bgnbd ? 21u : 18u); i++)
		outcol(cols[i], i >= 3 && (i < 12 || i > 16));
	if (o->interactions) {
		outcol("contacts", 1);
		outcol("last_contact", 0);
		outcol("satisfaction", 1);
	}
	if (o->complaints) {
		outcol("complaints", 1);
		outcol("open_complaints", 1);
	}
}

static void
print_params(const struct model *m)
{
	struct crm_writer w;
	static const char *const h[] = { "param", "value" };

	crm_writer_init(&w, &crm_stdout, CRM_FMT_TSV);
	crm_writer_header_names(&w, h, 2);
	if (m->ok) {
		crm_writer_str(&w, "r");
		crm_writer_fieldf(&w, "%.6g", m->fit.p.r);
		crm_writer_end(&w);
		crm_writer_str(&w, "alpha");
		crm_writer_fieldf(&w, "%.6g", m->fit.p.alpha);
		crm_writer_end(&w);
		crm_writer_str(&w, "a");
		crm_writer_fieldf(&w, "%.6g", m->fit.p.a);
		crm_writer_end(&w);
		crm_writer_str(&w, "b");
		crm_writer_fieldf(&w, "%.6g", m->fit.p.b);
		crm_writer_end(&w);
		crm_writer_str(&w, "loglik");
		crm_writer_fieldf(&w, "%.4f", m->fit.loglik);
		crm_writer_end(&w);
	}
	crm_writer_str(&w, "customers");
	crm_writer_fieldf(&w, "%ld", m->fit.customers);
	crm_writer_end(&w);
	crm_writer_str(&w, "iterations");
	crm_writer_fieldf(&w, "%d", m->fit.iterations);
	crm_writer_end(&w);
	crm_writer_str(&w, "converged");
	crm_writer_str(&w, m->ok ? "1" : "0");
	crm_writer_end(&w);
	crm_writer_release(&w);
}


struct statjob {
	struct row *rows;
	const struct crm_cust **v;
	size_t lo, hi;
	int32_t asof;
	const struct opts *o;
	struct keyspan ks;      /* of these rows */
};

/* The figures of customers v[lo..hi) into rows[lo..hi), and their key
 * span. */
static void *
stats_span(void *arg)
{
	struct statjob *j = arg;
	struct keyspan ks;
	size_t i;

	keyspan_init(&ks);
	for (i = j->lo; i < j->hi; i++) {
		struct row *r = &j->rows[i];
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
		r->stage = stage_of(&s, j->o);
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

#define OUT_CHUNK 16384         /* rows a thread formats at a time */

struct outjob {
	const struct opts *o;
	const struct row *rows;
	size_t lo, hi;
	const struct model *m;
	double disc;
	struct crm_out *out;
	int header;             /* write the header line */
};

static char *
put_str(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

static char *
put_money(char *p, int64_t v)
{
	char b[32];

	return put_str(p, b, crm_money_format(v, b));
}

static char *
put_fixed(char *p, double v, int d)
{
	char b[32];
	size_t n = crm_fixed_format(v, d, b);

	if (!n)
		n = (size_t)snprintf(b, sizeof b, "%.*f", d, v);
	if (n >= sizeof b)
		return NULL;    /* far too large: the writer takes it */
	return put_str(p, b, n);
}

/* v with d decimals, as "%.*f" writes it. */
static void
fixed(struct crm_writer *w, double v, int d)
{
	char b[32], *e = put_fixed(b, v, d);

	if (e)
		crm_writer_field(w, b, (size_t)(e - b));
	else
		crm_writer_fieldf(w, "%.*f", d, v);
}

/* Dates formatted lately, by day (a thread's own): first and last days
 * repeat across customers. */
#define DCACHE 1024

struct datecache {
	int32_t day[DCACHE];
	char s[DCACHE][10];
};

static void
datecache_init(struct datecache *dc)
{
	size_t i;

	for (i = 0; i < DCACHE; i++)
		dc->day[i] = INT32_MIN;
}

/* Day d as YYYY-MM-DD at p (10 bytes, no NUL). */
static void
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
}

/* Longest TSV row put_row writes besides the id and the segment. */
#define ROW_FIXED 512

/*
 * Row r as one TSV line at p, the same bytes as the writer gives, without
 * its cost per field (most of the output time); NULL when a model figure
 * is too long, and the writer then writes the row.  p has room for
 * ROW_FIXED bytes plus the escaped id and segment.
 */
static char *
put_row(char *p, const struct outjob *j, const struct row *r,
    struct datecache *dc)
{
	const struct opts *o = j->o;
	const struct model *m = j->m;
	int64_t av = aov(r);

	p += crm_tsv_escape_to(p, r->c->id, r->c->idlen);
	*p++ = '\t';
	put_date(dc, p, r->first);
	p[10] = '\t';
	put_date(dc, p + 11, r->last);
	p[21] = '\t';
	p = put_u(p + 22, r->orders);
	*p++ = '\t';
	p = put_u(p, r->days);
	*p++ = '\t';
	p = put_money(p, r->revenue);
	*p++ = '\t';
	p = put_money(p, av);
	*p++ = '\t';
	p = put_u(p, (unsigned long long)(asof_day - r->last));
	*p++ = '\t';
	p = put_u(p, (unsigned long long)(asof_day - r->first));
	p[0] = '\t';
	p[1] = (char)('0' + r->r);
	p[2] = '\t';
	p[3] = (char)('0' + r->f);
	p[4] = '\t';
	p[5] = (char)('0' + r->m);
	p[6] = '\t';
	p[7] = (char)('0' + r->r);
	p[8] = (char)('0' + r->f);
	p[9] = (char)('0' + r->m);
	p[10] = '\t';
	p = put_str(p + 11, segtsv[r->r][r->f][r->m],
	    segtsvlen[r->r][r->f][r->m]);
	*p++ = '\t';
	p = put_str(p, crm_tier_names[r->tier], tierlen[r->tier]);
	p[0] = '\t';
	p[1] = "ABC"[r->abc];
	p[2] = '\t';
	p = put_str(p + 3, stages[r->stage], stagelen[r->stage]);
	p[0] = '\t';
	p[1] = asof_day - r->last > o->churn_days ? '1' : '0';
	p += 2;
	if (o->bgnbd) {
		if (m->ok) {
			double e = m->expected[r->group];

			*p++ = '\t';
			if (!(p = put_fixed(p, m->p_alive[r->group], 4)))
				return NULL;
			*p++ = '\t';
			if (!(p = put_fixed(p, e, 4)))
				return NULL;
			*p++ = '\t';
			if (!(p = put_fixed(p, e * ((double)av / 100) * j->disc,
			    2)))
				return NULL;
		} else {
			memcpy(p, "\t\t\t", 3);
			p += 3;
		}
	}
	*p++ = '\n';
	return p;
}

/* The columns of --interactions and --complaints for entry k (NULL: the
 * customer has none of either). */
static void
contact_fields(struct crm_writer *w, const struct opts *o,
    const struct contact *k)
{
	if (o->interactions) {
		unum(w, k ? k->contacts : 0);
		if (k && k->contacts)
			date(w, k->last_contact);
		else
			crm_writer_str(w, "");
		if (k && k->rated) {
			/* the mean to two decimals, half up, in integers */
			uint64_t v = (k->sat_sum * 200 + k->rated) /
			    (2 * (uint64_t)k->rated);

			crm_writer_fieldf(w, "%llu.%02llu",
			    (unsigned long long)(v / 100),
			    (unsigned long long)(v % 100));
		} else
			crm_writer_str(w, "");
	}
	if (o->complaints) {
		unum(w, k ? k->complaints : 0);
		unum(w, k ? k->open : 0);
	}
}

/* Write rows[lo..hi) to out. */
static void *
write_rows(void *arg)
{
	const struct outjob *j = arg;
	const struct opts *o = j->o;
	const struct model *m = j->m;
	struct crm_writer w;
	char line[4096];
	struct datecache *dc = crm_xmalloc(sizeof *dc);
	int joined = o->interactions || o->complaints;
	size_t i;

	datecache_init(dc);
	crm_writer_init(&w, j->out, o->fmt);
	w.excel_safe = o->excel_safe;
	crm_writer_header_names(&w, outcols, noutcols);
	if (!j->header)
		j->out->n = 0;  /* a memory stream: drop the header line */
	for (i = 0; i < noutcols; i++)
		crm_writer_numeric(&w, i, outnum[i]);
	for (i = j->lo; i < j->hi; i++) {
		const struct row *r = &j->rows[i];
		char rfm[4];
		int64_t av = aov(r);

		/* the customers are scattered: fetch the one 16 rows ahead */
		if (i + 16 < j->hi)
			__builtin_prefetch(j->rows[i + 16].c);
		if (o->fmt == CRM_FMT_TSV && !joined &&
		    2 * (size_t)r->c->idlen + segtsvmax + ROW_FIXED <=
		    sizeof line) {
			char *e = put_row(line, j, r, dc);

			if (e) {
				crm_out_write(j->out, line, (size_t)(e - line));
				continue;
			}
		}
		crm_writer_field(&w, r->c->id, r->c->idlen);
		date(&w, r->first);
		date(&w, r->last);
		unum(&w, r->orders);
		unum(&w, r->days);
		money(&w, r->revenue);
		money(&w, av);
		unum(&w, (unsigned long long)(asof_day - r->last));
		unum(&w, (unsigned long long)(asof_day - r->first));
		unum(&w, r->r);
		unum(&w, r->f);
		unum(&w, r->m);
		rfm[0] = (char)('0' + r->r);
		rfm[1] = (char)('0' + r->f);
		rfm[2] = (char)('0' + r->m);
		rfm[3] = '\0';
		crm_writer_field(&w, rfm, 3);
		crm_writer_str(&w, segtab[r->r][r->f][r->m]);
		crm_writer_str(&w, crm_tier_names[r->tier]);
		crm_writer_field(&w, &"ABC"[r->abc], 1);
		crm_writer_str(&w, stages[r->stage]);
		crm_writer_str(&w, asof_day - r->last > o->churn_days ? "1" :
		    "0");
		if (o->bgnbd) {
			if (m->ok) {
				double e = m->expected[r->group];

				fixed(&w, m->p_alive[r->group], 4);
				fixed(&w, e, 4);
				fixed(&w, e * ((double)av / 100) * j->disc, 2);
			} else {
				crm_writer_str(&w, "");
				crm_writer_str(&w, "");
				crm_writer_str(&w, "");
			}
		}
		if (joined)
			contact_fields(&w, o, contact_find(r->c));
		crm_writer_end(&w);
	}
	crm_writer_release(&w);
	free(dc);
	return NULL;
}

static void
report(struct crm_custagg *a, const struct opts *o)
{
	const struct crm_cust **v = crm_custagg_sorted(a);
	size_t n = crm_custagg_count(a), nr = 0, i;
	struct row *rows = bigalloc(crm_mulsz(n ? n : 1, sizeof *rows));
	int32_t asof = o->asof;
	struct model m;
	struct keyspan ks;
	double disc = discount_factor(o);

	if (asof == CRM_DATE_INVALID)
		asof = crm_custagg_maxday(a);
	asof_day = asof;
	outcols_init(o);
	if (o->interactions && !o->print_params)
		read_interactions(o->interactions, a, asof);
	if (o->complaints && !o->print_params)
		read_complaints(o->complaints, a, asof);
	for (i = 0; i < 4; i++)
		tierlen[i] = strlen(crm_tier_names[i]);
	for (i = 0; i < 5; i++)
		stagelen[i] = strlen(stages[i]);
	{
		struct statjob j[2] = {
			{ rows, v, 0, n / 2, asof, o, { 0, 0, 0, 0 } },
			{ rows, v, n / 2, n, asof, o, { 0, 0, 0, 0 } }
		};

		crm_run_two(stats_span, &j[0], &j[1]);
		ks = j[0].ks;
		keyspan_join(&ks, &j[1].ks);
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
	score(rows, nr, o, &ks);
	memset(&m, 0, sizeof m);
	if (o->bgnbd || o->print_params)
		fit_model(rows, nr, o, &m);
	if (o->print_params) {
		print_params(&m);
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
				{ o, rows, lo, mid, &m, disc, &mem[0], lo == 0 },
				{ o, rows, mid, hi, &m, disc, &mem[1], 0 }
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
	free(m.p_alive);
	free(m.expected);
	free(rows);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "abc", required_argument, NULL, 'A' },
		{ "as-of", required_argument, NULL, 'a' },
		{ "churn-days", required_argument, NULL, 'c' },
		{ "churn-model", required_argument, NULL, 'M' },
		{ "complaints", required_argument, NULL, 'k' },
		{ "csv", no_argument, NULL, 'C' },
		{ "discount", required_argument, NULL, 'd' },
		{ "excel-safe", no_argument, NULL, 'E' },
		{ "exploration-days", required_argument, NULL, 'e' },
		{ "format", required_argument, NULL, 'o' },
		{ "gap-factor", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ "horizon", required_argument, NULL, 'H' },
		{ "interactions", required_argument, NULL, 'i' },
		{ "merge", no_argument, NULL, 'm' },
		{ "partial", no_argument, NULL, 'p' },
		{ "period-days", required_argument, NULL, 'P' },
		{ "print-params", no_argument, NULL, 'R' },
		{ "segment-map", required_argument, NULL, 's' },
		{ "stable-band", required_argument, NULL, 'b' },
		{ "tiers", required_argument, NULL, 't' },
		{ "time-unit", required_argument, NULL, 'u' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o = {
		.asof = CRM_DATE_INVALID, .churn_days = 180,
		.exploration_days = 90, .period_days = 90, .gap_factor = 2,
		.stable_band = 2000, .tiers = { 100, 500, 2000 },
		.abc = { 8000, 9500 }, .unit = 7, .horizon = 52,
		.fmt = CRM_FMT_TSV
	};
	struct crm_read_opts ro = { .format = CRM_IN_AUTO };
	const char *asof = NULL, *mapfile = NULL, *e;
	int partial = 0, merge = 0, ch, i;
	struct crm_custagg *agg;
	int64_t t;
	int off;

	setlocale(LC_CTYPE, "");
	crm_out_init(&crm_stdout, 1, "standard output");
	while ((ch = getopt_long(argc, argv, "a:Cho:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'A':
			pctlist("abc", optarg, o.abc, 2, 0);
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
			usage(0);
		case 'i':
			o.interactions = optarg;
			break;
		case 'k':
			o.complaints = optarg;
			break;
		case 'M':
			if (strcmp(optarg, "bgnbd") == 0)
				o.bgnbd = 1;
			else if (strcmp(optarg, "none") == 0)
				o.bgnbd = 0;
			else
				errx(2, "--churn-model: expected none or bgnbd: "
				    "'%s'", optarg);
			break;
		case 'm':
			merge = 1;
			break;
		case 'o':
			if ((int)(o.fmt = crm_fmt_parse(optarg)) < 0)
				errx(2, "--format: expected tsv, csv or jsonl: "
				    "'%s'", optarg);
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
				errx(2, "--time-unit: expected day, week or "
				    "month: '%s'", optarg);
			break;
		case 'V':
			crm_cli_version();
		default:
			usage(2);
		}
	}
	argc -= optind;
	argv += optind;
	if (o.excel_safe && o.fmt != CRM_FMT_CSV)
		errx(2, "--excel-safe applies to --format csv only");
	if ((o.interactions || o.complaints) && partial)
		errx(2, "--interactions and --complaints apply to the report, "
		    "not to --partial");
	/* the transactions, the interactions and the complaints may each
	 * come from standard input, but only one of them */
	for (i = 0; i < argc && strcmp(argv[i], "-") != 0; i++)
		;
	if ((argc == 0 || i < argc) +
	    (o.interactions && !strcmp(o.interactions, "-")) +
	    (o.complaints && !strcmp(o.complaints, "-")) > 1)
		errx(2, "standard input can be read only once");

	if (!asof && (asof = getenv("CRM_AS_OF")) && !*asof)
		asof = NULL;
	if (asof) {
		if ((e = crm_asof_parse(asof, &t, &off)))
			errx(2, "--as-of: %s: '%s'", e, asof);
		o.asof = crm_ts_days(t, off);
	}
	if (mapfile)
		readmap(mapfile);
	else {
		char *copy = crm_xstrdup(default_map);

		loadmap(copy, "default map");
		free(copy);
	}
	segtab_init();

	agg = crm_custagg_new();
	for (i = 0; i < (argc ? argc : 1); i++) {
		const char *path = argc ? argv[i] : "-";
		char errbuf[512];
		struct crm_reader *r = crm_reader_open(path, &ro, errbuf,
		    sizeof errbuf);

		if (!r) {
			warnx("%s", errbuf);
			status = CRM_EXIT_REJECT;
			continue;
		}
		if (merge) {
			if (read_partial(r, agg, o.asof) < 0)
				errx(2, "partial aggregates no longer exact: "
				    "giving up");
		} else
			read_tx(r, agg, o.asof);
		crm_reader_close(r);
	}
	if (partial)
		crm_custagg_write_partial(agg, &crm_stdout);
	else
		report(agg, &o);
	crm_custagg_free(agg);
	free(ctab);
	crm_out_close(&crm_stdout);
	return status;
}
