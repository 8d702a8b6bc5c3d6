/*
 * crm-report: the figures a service manager asks for every Monday
 * (satisfaction, channels, 20/80 value, churn, complaints), as named tables
 * in any output format, with terminal bars and SVG pictures.
 */
#include <err.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "complaint.h"
#include "custagg.h"
#include "pyramid.h"
#include "cli.h"
#include "kinds.h"
#include "out.h"
#include "rec.h"
#include "rtab.h"
#include "sort.h"
#include "svg.h"
#include "util.h"
#include "value.h"

#define NONE "(none)"

static struct {
	int fmt;                /* enum crm_rfmt, -1 until known */
	const char *table;
	int chart;
	const char *plot;
	int partial, merge;
	int csv;
	const char *by;
	const char *asof;
	const char *period;
	int cohorts;
	int excel_safe;
	const char *tiers, *abc;
} opt = { -1, NULL, 0, NULL, 0, 0, 0, NULL, NULL, NULL, 0, 0, NULL, NULL };

static const char *report;      /* the subcommand */
static struct crm_pyramid_opts pyr;     /* --tiers, --abc */
static int status = CRM_EXIT_OK;

static void __attribute__((noreturn))
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: crm-report satisfaction [--by month|channel|agent|item] "
	    "[options] [FILE ...]\n"
	    "       crm-report channels [options] [FILE ...]\n"
	    "       crm-report value [--as-of D] [--tiers P,G,I] [--abc A,B] "
	    "[options] [FILE ...]\n"
	    "       crm-report churn [--as-of D] [--period month|quarter] "
	    "[--cohorts] [options] [FILE ...]\n"
	    "       crm-report complaints [--as-of T] [options] [FILE ...]\n"
	    "options: [--chart] [--csv] [--excel-safe] "
	    "[--format table|tsv|csv|jsonl|md]\n"
	    "         [--merge] [--partial] [--plot FILE.svg] [--table NAME]\n");
	exit(code);
}

/* --tiers P,G,I or --abc A,B into v, or a usage error. */
static void
pctopt(const char *name, const char *s, int64_t *v, int k, int cumulate)
{
	const char *why = crm_pyramid_pctlist(s, v, k, cumulate);

	if (why) {
		warnx("%s: %s: '%s'", name, why, s);
		usage(CRM_EXIT_FATAL);
	}
}

/* ---- a counter map: "scope\tgroup\tmetric\tvalue" -> int64 ---- */

struct cent {
	char *k;
	size_t klen;
	uint64_t h;
	int64_t v;
};

struct cmap {
	struct cent *e;
	size_t cap, n;
};

static struct cmap counters;

static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static struct cent *
cmap_slot(struct cmap *m, const char *k, size_t n, int create)
{
	uint64_t h = hash(k, n);
	size_t i;

	if (m->cap == 0) {
		if (!create)
			return NULL;
		m->cap = 1024;
		m->e = crm_xcalloc(m->cap, sizeof *m->e);
	}
	if (create && (m->n + 1) * 2 > m->cap) {
		struct cent *old = m->e;
		size_t oc = m->cap;

		m->cap *= 2;
		m->e = crm_xcalloc(m->cap, sizeof *m->e);
		for (size_t j = 0; j < oc; j++) {
			if (!old[j].k)
				continue;
			i = old[j].h & (m->cap - 1);
			while (m->e[i].k)
				i = (i + 1) & (m->cap - 1);
			m->e[i] = old[j];
		}
		free(old);
	}
	for (i = h & (m->cap - 1); m->e[i].k; i = (i + 1) & (m->cap - 1))
		if (m->e[i].h == h && m->e[i].klen == n &&
		    !memcmp(m->e[i].k, k, n))
			return &m->e[i];
	if (!create)
		return NULL;
	m->e[i].k = crm_xstrndup(k, n);
	m->e[i].klen = n;
	m->e[i].h = h;
	m->n++;
	return &m->e[i];
}

static struct crm_buf keybuf;

/* Add d to the counter scope/group/metric/value. */
static void
count(const char *scope, const char *group, const char *metric,
    const char *value, int64_t d)
{
	crm_buf_reset(&keybuf);
	crm_buf_addf(&keybuf, "%s\t%s\t%s\t%s", scope, group, metric, value);
	cmap_slot(&counters, keybuf.p, keybuf.n, 1)->v += d;
}

static int64_t
get(const char *scope, const char *group, const char *metric,
    const char *value)
{
	struct cent *e;

	crm_buf_reset(&keybuf);
	crm_buf_addf(&keybuf, "%s\t%s\t%s\t%s", scope, group, metric, value);
	e = cmap_slot(&counters, keybuf.p, keybuf.n, 0);
	return e ? e->v : 0;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Distinct groups (what == 1) or values (what == 3) among the counters of
 * scope whose metric is metric (NULL: any) and, for values, whose group is
 * group (NULL: any); sorted bytewise, NULL-terminated.  The caller frees
 * each string and the array (crm_strv_free).
 */
static char **
distinct(const char *scope, const char *group, const char *metric, int what,
    size_t *np)
{
	char **v = NULL;
	size_t n = 0, alloc = 0, k = 0;

	for (size_t i = 0; i < counters.cap; i++) {
		char *f[4], *copy, *p;
		size_t j;

		if (!counters.e[i].k)
			continue;
		copy = crm_xstrdup(counters.e[i].k);
		p = copy;
		for (j = 0; j < 4; j++) {
			f[j] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (j >= 3 && !strcmp(f[0], scope) &&
		    (!metric || !strcmp(f[2], metric)) &&
		    (!group || !strcmp(f[1], group))) {
			crm_grow(&v, &alloc, n + 2, sizeof *v);
			v[n++] = crm_xstrdup(f[what == 1 ? 1 : 3]);
		}
		free(copy);
	}
	if (n) {
		qsort(v, n, sizeof *v, cmpstr);
		for (size_t i = 1; i < n; i++) {
			if (!strcmp(v[i], v[k])) {
				free(v[i]);
				continue;
			}
			v[++k] = v[i];
		}
		n = k + 1;
	} else {
		crm_grow(&v, &alloc, 1, sizeof *v);
	}
	v[n] = NULL;
	*np = n;
	return v;
}

/* ---- formatting of figures ---- */

static void
cell_share(struct crm_rtab *t, double a, double b)
{
	if (b == 0)
		crm_rtab_cell(t, NULL);
	else
		crm_rtab_cellf(t, "%.4f", a / b);
}

static void
cell_mean(struct crm_rtab *t, double sum, double n)
{
	if (n == 0)
		crm_rtab_cell(t, NULL);
	else
		crm_rtab_cellf(t, "%.2f", sum / n);
}

static void
cell_int(struct crm_rtab *t, int64_t v)
{
	crm_rtab_cellf(t, "%" PRId64, v);
}

static struct crm_rtab *
newtab(const char *name, const char *const *cols, size_t n, size_t nlabel)
{
	struct crm_rtab *t = crm_rtab_new(name, cols, n);

	for (size_t i = nlabel; i < n; i++)
		crm_rtab_numeric(t, i);
	return t;
}

#define NEWTAB(name, nlabel, ...) \
	newtab(name, (const char *const[]){ __VA_ARGS__ }, \
	    sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(char *), \
	    nlabel)

/* ---- output ---- */

static void
emit(struct crm_rtab **ts, size_t n)
{
	unsigned flags = (opt.chart ? CRM_RTAB_CHART : 0u) |
	    (opt.excel_safe ? CRM_RTAB_EXCEL_SAFE : 0u);

	if (opt.table) {
		struct crm_buf names;

		for (size_t i = 0; i < n; i++)
			if (!strcmp(ts[i]->name, opt.table)) {
				crm_rtab_writex(&crm_stdout, &ts[i], 1,
				    (enum crm_rfmt)opt.fmt, flags);
				return;
			}
		crm_buf_init(&names);
		for (size_t i = 0; i < n; i++)
			crm_buf_addf(&names, "%s%s", i ? ", " : "",
			    ts[i]->name);
		errx(CRM_EXIT_FATAL, "%s: no table '%s' (tables: %s)", report,
		    opt.table, names.p);
	}
	crm_rtab_writex(&crm_stdout, ts, n, (enum crm_rfmt)opt.fmt, flags |
	    (n > 1 ? CRM_RTAB_NAMED : 0u));
}

static void
free_tabs(struct crm_rtab **ts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		crm_rtab_free(ts[i]);
}

static void
write_svg(const struct crm_buf *svg)
{
	FILE *f = fopen(opt.plot, "w");

	if (!f)
		err(CRM_EXIT_FATAL, "%s", opt.plot);
	if (fwrite(svg->p, 1, svg->n, f) != svg->n || fclose(f) == EOF)
		err(CRM_EXIT_FATAL, "%s: write error", opt.plot);
}

/* ---- input ---- */

static struct crm_reader *
open_input(const char *path)
{
	struct crm_read_opts ro = { 0 };
	struct crm_reader *r;
	char e[512];

	ro.format = opt.csv ? CRM_IN_CSV : CRM_IN_AUTO;
	r = crm_reader_open(path, &ro, e, sizeof e);
	if (!r) {
		warnx("%s", e);
		status = CRM_EXIT_REJECT;
	}
	return r;
}

static void
reject(struct crm_reader *r, const struct crm_rec *rec, int col,
    const char *msg)
{
	const char *v = col >= 0 && (size_t)col < rec->nf ? rec->f[col].p : NULL;
	size_t n = v ? rec->f[col].n : 0;

	if (n == 0)
		v = NULL;       /* "missing" needs no quoted empty value */
	warnx("%s", crm_reader_seterr(r, rec->line, col, v, n, "%s", msg));
	status = CRM_EXIT_REJECT;
}

/* Field col of rec trimmed, or an empty span. */
static const char *
field(const struct crm_rec *rec, int col, size_t *n)
{
	const char *s;

	if (col < 0 || (size_t)col >= rec->nf) {
		*n = 0;
		return "";
	}
	s = rec->f[col].p;
	*n = rec->f[col].n;
	crm_trim(&s, n);
	return s;
}

/* "YYYY-MM" of a date or timestamp field (its local day), or NULL with the
 * reason in *why. */
static int
month_of(const char *s, size_t n, int is_ts, char out[8], const char **why)
{
	int32_t d;
	int y, m, dd;

	if (is_ts) {
		int64_t t;
		int off;

		*why = crm_ts_parse(s, n, 0, &t, &off);
		if (*why)
			return -1;
		d = crm_ts_days(t, off);
	} else {
		*why = crm_date_parse(s, n, 0, &d);
		if (*why)
			return -1;
	}
	crm_date_to_ymd(d, &y, &m, &dd);
	snprintf(out, 8, "%04d-%02d", y, m);
	return 0;
}

/* The partial-result file: every counter as one row. */
static void
write_partial(void)
{
	struct crm_writer w;
	static const char *const cols[] = {
		"report", "by", "scope", "group", "metric", "value", "n"
	};
	char **keys;
	size_t n = 0;

	/* Sorted by key, so that a partial is reproducible. */
	keys = crm_xcalloc(counters.n + 1, sizeof *keys);
	for (size_t i = 0; i < counters.cap; i++)
		if (counters.e[i].k && counters.e[i].v)
			keys[n++] = counters.e[i].k;
	qsort(keys, n, sizeof *keys, cmpstr);
	crm_writer_init(&w, &crm_stdout, CRM_FMT_TSV);
	crm_writer_header_names(&w, cols, 7);
	for (size_t i = 0; i < n; i++) {
		struct cent *e = cmap_slot(&counters, keys[i], strlen(keys[i]),
		    0);
		char *p = keys[i], *q;

		crm_writer_str(&w, report);
		crm_writer_str(&w, opt.by ? opt.by : "");
		for (int j = 0; j < 3; j++) {
			q = strchr(p, '\t');
			crm_writer_field(&w, p, (size_t)(q - p));
			p = q + 1;
		}
		crm_writer_str(&w, p);
		crm_writer_fieldf(&w, "%" PRId64, e->v);
		crm_writer_end(&w);
	}
	crm_writer_release(&w);
	free(keys);
}

/* Read partial-result files back into the counters. */
static void
read_partial(struct crm_reader *r)
{
	struct crm_rec rec;
	int c[7], rc;
	static const char *const cols[] = {
		"report", "by", "scope", "group", "metric", "value", "n"
	};

	for (int i = 0; i < 7; i++) {
		c[i] = crm_reader_col(r, cols[i]);
		if (c[i] < 0) {
			warnx("%s: not a partial result: no column '%s'",
			    crm_reader_name(r), cols[i]);
			status = CRM_EXIT_REJECT;
			return;
		}
	}
	while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF) {
		size_t n;
		const char *s;
		int64_t v;

		if (rc == CRM_READ_FATAL) {
			warnx("%s", crm_reader_error(r));
			status = CRM_EXIT_REJECT;
			return;
		}
		if (rc == CRM_READ_BAD) {
			warnx("%s", crm_reader_error(r));
			status = CRM_EXIT_REJECT;
			continue;
		}
		s = field(&rec, c[0], &n);
		if (n == 6 && !memcmp(s, "report", 6))
			continue;       /* the header of a concatenated part */
		if (strlen(report) != n || memcmp(s, report, n)) {
			reject(r, &rec, c[0], "partial of another report");
			continue;
		}
		s = field(&rec, c[1], &n);
		if (strlen(opt.by ? opt.by : "") != n ||
		    memcmp(s, opt.by ? opt.by : "", n)) {
			reject(r, &rec, c[1], "partial made with another --by");
			continue;
		}
		s = field(&rec, c[6], &n);
		if (crm_int_parse(s, n, INT64_MIN / 4, INT64_MAX / 4, &v)) {
			reject(r, &rec, c[6], "not a count");
			continue;
		}
		count(rec.f[c[2]].p, rec.f[c[3]].p, rec.f[c[4]].p,
		    rec.f[c[5]].p, v);
	}
}

/* ---- satisfaction ---- */

enum { I_CSAT, I_NPS, I_CES, I_SERVQUAL };
static const int scale_lo[] = { 1, 0, 1, 1 }, scale_hi[] = { 5, 10, 7, 7 };

static void
sat_count(const char *group, const char *month, const char *metric,
    const char *value, int64_t d)
{
	count("t", group, metric, value, d);
	if (opt.plot || opt.partial)
		count("m", month, metric, value, d);
}

static void
sat_read(struct crm_reader *r)
{
	int c_instr = crm_reader_col(r, "instrument");
	int c_score = crm_reader_col(r, "score");
	int c_exp = crm_reader_col(r, "expectation");
	int c_item = crm_reader_col(r, "item");
	int c_chan = crm_reader_col(r, "channel");
	int c_agent = crm_reader_col(r, "agent");
	int c_date = crm_reader_col(r, "date");
	int c_ts = crm_reader_col(r, "ts");
	int c_sat = crm_reader_col(r, "satisfaction");
	int survey = c_instr >= 0, is_ts, rc;
	struct crm_rec rec;

	if (!crm_reader_header(r) && crm_reader_error(r)[0]) {
		warnx("%s", crm_reader_error(r));
		status = CRM_EXIT_REJECT;
		return;
	}
	if (!survey && c_sat < 0) {
		warnx("%s: no 'instrument' or 'satisfaction' column",
		    crm_reader_name(r));
		status = CRM_EXIT_REJECT;
		return;
	}
	if (survey && c_score < 0) {
		warnx("%s: no 'score' column", crm_reader_name(r));
		status = CRM_EXIT_REJECT;
		return;
	}
	is_ts = survey ? 0 : c_ts >= 0;
	if (c_date < 0 && !is_ts) {
		warnx("%s: no '%s' column", crm_reader_name(r),
		    survey ? "date" : "ts");
		status = CRM_EXIT_REJECT;
		return;
	}
	while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF) {
		const char *s, *why, *group;
		char month[8], sc[8];
		int instr = I_CSAT, dc = is_ts ? c_ts : c_date;
		int64_t score = 0, expect = 0;
		int has_score, has_exp = 0;
		size_t n;
		struct crm_buf item, gb;

		if (rc == CRM_READ_FATAL) {
			warnx("%s", crm_reader_error(r));
			status = CRM_EXIT_REJECT;
			return;
		}
		if (rc == CRM_READ_BAD) {
			warnx("%s", crm_reader_error(r));
			status = CRM_EXIT_REJECT;
			continue;
		}
		s = field(&rec, dc, &n);
		if (month_of(s, n, is_ts, month, &why)) {
			reject(r, &rec, dc, n ? why : "missing");
			continue;
		}
		if (survey) {
			s = field(&rec, c_instr, &n);
			instr = crm_vocab_index(crm_vocab_instrument, s, n);
			if (instr < 0) {
				reject(r, &rec, c_instr, n ?
				    "not an instrument (csat, nps, ces, "
				    "servqual)" : "missing");
				continue;
			}
		}
		s = field(&rec, survey ? c_score : c_sat, &n);
		has_score = n > 0;
		if (has_score && crm_int_parse(s, n, scale_lo[instr],
		    scale_hi[instr], &score)) {
			char m[64];

			snprintf(m, sizeof m, "%s score out of range %d-%d",
			    crm_vocab_instrument[instr], scale_lo[instr],
			    scale_hi[instr]);
			reject(r, &rec, survey ? c_score : c_sat, m);
			continue;
		}
		if (!survey && !has_score)
			continue;       /* no rating on this interaction */
		crm_buf_init(&item);
		crm_buf_init(&gb);
		s = field(&rec, c_item, &n);
		crm_buf_add(&item, s, n);
		if (instr == I_SERVQUAL) {
			s = field(&rec, c_exp, &n);
			has_exp = n > 0;
			if (has_exp && crm_int_parse(s, n, 1, 7, &expect)) {
				reject(r, &rec, c_exp,
				    "expectation out of range 1-7");
				crm_buf_release(&item);
				crm_buf_release(&gb);
				continue;
			}
			if (!item.n) {
				reject(r, &rec, c_item,
				    "missing for a servqual answer");
				crm_buf_release(&item);
				crm_buf_release(&gb);
				continue;
			}
		}
		if (!has_score && !has_exp) {
			reject(r, &rec, survey ? c_score : c_sat, "missing");
			crm_buf_release(&item);
			crm_buf_release(&gb);
			continue;
		}
		group = "all";
		if (opt.by) {
			if (!strcmp(opt.by, "month")) {
				s = month;
				n = strlen(month);
			} else if (!strcmp(opt.by, "channel")) {
				s = field(&rec, c_chan, &n);
			} else if (!strcmp(opt.by, "agent")) {
				s = field(&rec, c_agent, &n);
			} else {
				s = item.p;
				n = item.n;
			}
			if (n == 0) {
				s = NONE;
				n = strlen(NONE);
			}
			crm_buf_add(&gb, s, n);
			/* Keep the counter key's tab structure intact. */
			for (char *p = gb.p; *p; p++)
				if (*p == '\t')
					*p = ' ';
			group = gb.p;
		}
		for (char *p = item.p; *p; p++)
			if (*p == '\t')
				*p = ' ';
		snprintf(sc, sizeof sc, "%d", (int)score);
		if (instr != I_SERVQUAL) {
			sat_count(group, month, crm_vocab_instrument[instr], sc,
			    1);
		} else {
			if (has_score) {
				sat_count(group, month, "sq_pn", item.p, 1);
				sat_count(group, month, "sq_ps", item.p, score);
			}
			if (has_exp) {
				sat_count(group, month, "sq_en", item.p, 1);
				sat_count(group, month, "sq_es", item.p,
				    expect);
			}
		}
		crm_buf_release(&item);
		crm_buf_release(&gb);
	}
}

/* Score counts of instrument instr for a group (NULL: all groups). */
static void
sat_hist(const char *scope, char **groups, size_t ng, const char *group,
    int instr, int64_t *h)
{
	char sc[8];

	for (int v = scale_lo[instr]; v <= scale_hi[instr]; v++) {
		snprintf(sc, sizeof sc, "%d", v);
		h[v] = 0;
		if (group) {
			h[v] = get(scope, group, crm_vocab_instrument[instr],
			    sc);
			continue;
		}
		for (size_t g = 0; g < ng; g++)
			h[v] += get(scope, groups[g],
			    crm_vocab_instrument[instr], sc);
	}
}

static void
sat_csat_row(struct crm_rtab *t, const char *label, const int64_t *h)
{
	int64_t n = 0, good = h[4] + h[5], sum = 0;

	for (int v = 1; v <= 5; v++) {
		n += h[v];
		sum += v * h[v];
	}
	crm_rtab_cell(t, label);
	cell_int(t, n);
	cell_int(t, good);
	cell_share(t, (double)good, (double)n);
	cell_mean(t, (double)sum, (double)n);
}

static double
nps_of(const int64_t *h, int64_t *np, int64_t *pp, int64_t *pd)
{
	int64_t n = 0, pro = h[9] + h[10], det = 0;

	for (int v = 0; v <= 10; v++)
		n += h[v];
	for (int v = 0; v <= 6; v++)
		det += h[v];
	*np = n;
	*pp = pro;
	*pd = det;
	return n ? 100.0 * (double)(pro - det) / (double)n : NAN;
}

static void
sat_nps_row(struct crm_rtab *t, const char *label, const int64_t *h)
{
	int64_t n, pro, det;
	double nps = nps_of(h, &n, &pro, &det);

	crm_rtab_cell(t, label);
	cell_int(t, n);
	cell_int(t, pro);
	cell_int(t, n - pro - det);
	cell_int(t, det);
	if (isnan(nps))
		crm_rtab_cell(t, NULL);
	else
		crm_rtab_cellf(t, "%.1f", nps + 0.0);
}

static void
sat_ces_row(struct crm_rtab *t, const char *label, const int64_t *h)
{
	int64_t n = 0, sum = 0;

	for (int v = 1; v <= 7; v++) {
		n += h[v];
		sum += v * h[v];
	}
	crm_rtab_cell(t, label);
	cell_int(t, n);
	cell_mean(t, (double)sum, (double)n);
}

static int
hist_any(const int64_t *h, int instr)
{
	for (int v = scale_lo[instr]; v <= scale_hi[instr]; v++)
		if (h[v])
			return 1;
	return 0;
}

/* One row of the SERVQUAL tables from pooled sums. */
static void
sq_row(struct crm_rtab *t, const char *group, const char *label,
    const int64_t *a)
{
	crm_rtab_cell(t, group);
	crm_rtab_cell(t, label);
	cell_int(t, a[0]);
	cell_mean(t, (double)a[1], (double)a[0]);
	cell_int(t, a[2]);
	cell_mean(t, (double)a[3], (double)a[2]);
	if (a[0] && a[2])
		crm_rtab_cellf(t, "%.2f", (double)a[1] / (double)a[0] -
		    (double)a[3] / (double)a[2] + 0.0);
	else
		crm_rtab_cell(t, NULL);
}

/* SERVQUAL rows for one group (NULL: all groups pooled, labelled label). */
static void
sq_rows(struct crm_rtab *items, struct crm_rtab *dims, char **groups,
    size_t ng, const char *group, const char *label)
{
	static const char *const m[] = { "sq_pn", "sq_ps", "sq_en", "sq_es" };
	size_t ni, nd = 0;
	char **iv = distinct("t", group, NULL, 3, &ni);
	char **dn = crm_xcalloc(ni + 1, sizeof *dn);
	int64_t (*da)[4] = crm_xcalloc(ni + 1, sizeof *da);

	for (size_t i = 0; i < ni; i++) {
		int64_t a[4] = { 0, 0, 0, 0 };
		const char *us = strchr(iv[i], '_');
		size_t dl = us ? (size_t)(us - iv[i]) : strlen(iv[i]), d;

		for (int k = 0; k < 4; k++) {
			if (group) {
				a[k] = get("t", group, m[k], iv[i]);
				continue;
			}
			for (size_t g = 0; g < ng; g++)
				a[k] += get("t", groups[g], m[k], iv[i]);
		}
		if (!a[0] && !a[2])
			continue;       /* not a SERVQUAL item */
		sq_row(items, label, iv[i], a);
		for (d = 0; d < nd; d++)
			if (strlen(dn[d]) == dl && !strncmp(dn[d], iv[i], dl))
				break;
		if (d == nd)
			dn[nd++] = crm_xstrndup(iv[i], dl);
		for (int k = 0; k < 4; k++)
			da[d][k] += a[k];
	}
	/* Dimensions in sorted order (items are sorted, but "a_1" < "a-b"
	 * style prefixes may interleave). */
	for (size_t x = 0; x < nd; x++) {
		size_t best = x;

		for (size_t y = x + 1; y < nd; y++)
			if (strcmp(dn[y], dn[best]) < 0)
				best = y;
		if (best != x) {
			char *ts = dn[x];
			int64_t tv[4];

			dn[x] = dn[best];
			dn[best] = ts;
			memcpy(tv, da[x], sizeof tv);
			memcpy(da[x], da[best], sizeof tv);
			memcpy(da[best], tv, sizeof tv);
		}
		sq_row(dims, label, dn[x], da[x]);
	}
	for (size_t d = 0; d < nd; d++)
		free(dn[d]);
	free(dn);
	free(da);
	crm_strv_free(iv);
}

static void
sat_plot(void)
{
	size_t nm;
	char **months = distinct("m", NULL, NULL, 1, &nm);
	double *y = crm_xcalloc(2 * nm + 1, sizeof *y);
	struct crm_svg_series s[2] = {
		{ "CSAT (share of 4-5)", y },
		{ "NPS (promoters - detractors)", y + nm }
	};
	struct crm_buf svg;
	int64_t h[11];

	for (size_t i = 0; i < nm; i++) {
		int64_t n, pro, det, good = 0, all = 0;

		sat_hist("m", NULL, 0, months[i], I_CSAT, h);
		for (int v = 1; v <= 5; v++)
			all += h[v];
		good = h[4] + h[5];
		y[i] = all ? (double)good / (double)all : NAN;
		sat_hist("m", NULL, 0, months[i], I_NPS, h);
		y[nm + i] = nps_of(h, &n, &pro, &det) / 100;
	}
	crm_buf_init(&svg);
	crm_svg_lines(&svg, "Satisfaction by month", "month", "share",
	    (const char *const *)months, nm, s, 2, 1);
	write_svg(&svg);
	crm_buf_release(&svg);
	free(y);
	crm_strv_free(months);
}

static void
sat_report(void)
{
	size_t ng;
	char **groups = distinct("t", NULL, NULL, 1, &ng);
	struct crm_rtab *t[6];
	int64_t h[11];
	int tot = opt.by != NULL;

	t[0] = NEWTAB("csat", 1, "group", "responses", "satisfied", "csat",
	    "mean");
	t[1] = NEWTAB("distribution", 2, "instrument", "score", "responses",
	    "share");
	t[2] = NEWTAB("nps", 1, "group", "responses", "promoters", "passives",
	    "detractors", "nps");
	t[3] = NEWTAB("ces", 1, "group", "responses", "mean");
	t[4] = NEWTAB("servqual_items", 2, "group", "item", "perception_n",
	    "perception", "expectation_n", "expectation", "gap");
	t[5] = NEWTAB("servqual_dimensions", 2, "group", "dimension",
	    "perception_n", "perception", "expectation_n", "expectation",
	    "gap");
	crm_rtab_chart(t[1], 1, 3, "%.4f");
	crm_rtab_chart(t[0], 0, 3, "%.4f");
	crm_rtab_chart(t[2], 0, 5, "%.1f");
	for (size_t g = 0; g < ng; g++) {
		sat_hist("t", NULL, 0, groups[g], I_CSAT, h);
		if (hist_any(h, I_CSAT))
			sat_csat_row(t[0], groups[g], h);
		sat_hist("t", NULL, 0, groups[g], I_NPS, h);
		if (hist_any(h, I_NPS))
			sat_nps_row(t[2], groups[g], h);
		sat_hist("t", NULL, 0, groups[g], I_CES, h);
		if (hist_any(h, I_CES))
			sat_ces_row(t[3], groups[g], h);
		sq_rows(t[4], t[5], groups, ng, groups[g], groups[g]);
	}
	if (tot || ng == 0) {
		const char *label = tot ? "total" : "all";

		if (tot) {
			crm_rtab_totals(t[0]);
			crm_rtab_totals(t[2]);
			crm_rtab_totals(t[3]);
			crm_rtab_totals(t[4]);
			crm_rtab_totals(t[5]);
		}
		sat_hist("t", groups, ng, NULL, I_CSAT, h);
		sat_csat_row(t[0], label, h);
		sat_hist("t", groups, ng, NULL, I_NPS, h);
		sat_nps_row(t[2], label, h);
		sat_hist("t", groups, ng, NULL, I_CES, h);
		sat_ces_row(t[3], label, h);
		if (tot)
			sq_rows(t[4], t[5], groups, ng, NULL, label);
	}
	for (int instr = I_CSAT; instr <= I_CES; instr++) {
		int64_t n = 0;

		sat_hist("t", groups, ng, NULL, instr, h);
		for (int v = scale_lo[instr]; v <= scale_hi[instr]; v++)
			n += h[v];
		for (int v = scale_lo[instr]; v <= scale_hi[instr]; v++) {
			crm_rtab_cell(t[1], crm_vocab_instrument[instr]);
			crm_rtab_cellf(t[1], "%d", v);
			cell_int(t[1], h[v]);
			cell_share(t[1], (double)h[v], (double)n);
		}
	}
	emit(t, 6);
	if (opt.plot)
		sat_plot();
	free_tabs(t, 6);
	crm_strv_free(groups);
}

/* ---- channels ---- */

static void
chan_read(struct crm_reader *r)
{
	int c_chan = crm_reader_col(r, "channel");
	int c_type = crm_reader_col(r, "type");
	int c_init = crm_reader_col(r, "initiator");
	int c_dur = crm_reader_col(r, "duration_s");
	int c_sat = crm_reader_col(r, "satisfaction");
	int c_ts = crm_reader_col(r, "ts");
	int rc;
	struct crm_rec rec;

	if (!crm_reader_header(r) && crm_reader_error(r)[0]) {
		warnx("%s", crm_reader_error(r));
		status = CRM_EXIT_REJECT;
		return;
	}
	if (c_chan < 0 || c_ts < 0) {
		warnx("%s: no '%s' column", crm_reader_name(r),
		    c_chan < 0 ? "channel" : "ts");
		status = CRM_EXIT_REJECT;
		return;
	}
	while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF) {
		const char *s, *why;
		char month[8];
		size_t n;
		int64_t dur = 0, sat = 0;
		int has_dur, has_sat;
		struct crm_buf ch, ty, in;

		if (rc == CRM_READ_FATAL) {
			warnx("%s", crm_reader_error(r));
			status = CRM_EXIT_REJECT;
			return;
		}
		if (rc == CRM_READ_BAD) {
			warnx("%s", crm_reader_error(r));
			status = CRM_EXIT_REJECT;
			continue;
		}
		s = field(&rec, c_ts, &n);
		if (month_of(s, n, 1, month, &why)) {
			reject(r, &rec, c_ts, n ? why : "missing");
			continue;
		}
		s = field(&rec, c_dur, &n);
		has_dur = n > 0;
		if (has_dur && crm_int_parse(s, n, 0, 864000, &dur)) {
			reject(r, &rec, c_dur, "not a duration 0-864000");
			continue;
		}
		s = field(&rec, c_sat, &n);
		has_sat = n > 0;
		if (has_sat && crm_int_parse(s, n, 1, 5, &sat)) {
			reject(r, &rec, c_sat, "satisfaction out of range 1-5");
			continue;
		}
		crm_buf_init(&ch);
		crm_buf_init(&ty);
		crm_buf_init(&in);
		s = field(&rec, c_chan, &n);
		crm_buf_add(&ch, n ? s : NONE, n ? n : strlen(NONE));
		s = field(&rec, c_type, &n);
		crm_buf_add(&ty, n ? s : NONE, n ? n : strlen(NONE));
		s = field(&rec, c_init, &n);
		crm_buf_add(&in, n ? s : NONE, n ? n : strlen(NONE));
		for (char *p = ch.p; *p; p++)
			if (*p == '\t')
				*p = ' ';
		for (char *p = ty.p; *p; p++)
			if (*p == '\t')
				*p = ' ';
		for (char *p = in.p; *p; p++)
			if (*p == '\t')
				*p = ' ';
		count("t", "all", "channel", ch.p, 1);
		count("t", "all", "initiator", in.p, 1);
		count("t", "all", "type", ty.p, 1);
		count("t", "all", "month", month, 1);
		count("mc", month, "channel", ch.p, 1);
		if (has_dur) {
			count("t", "all", "channel_dn", ch.p, 1);
			count("t", "all", "channel_ds", ch.p, dur);
			count("t", "all", "month_dn", month, 1);
			count("t", "all", "month_ds", month, dur);
		}
		if (has_sat) {
			count("t", "all", "channel_sn", ch.p, 1);
			count("t", "all", "channel_ss", ch.p, sat);
			count("t", "all", "month_sn", month, 1);
			count("t", "all", "month_ss", month, sat);
		}
		crm_buf_release(&ch);
		crm_buf_release(&ty);
		crm_buf_release(&in);
	}
}

/* A table of counts and shares of the values of metric dim; with full, the
 * average duration and satisfaction too. */
static struct crm_rtab *
chan_table(const char *dim, int full)
{
	struct crm_rtab *t;
	size_t nv;
	char **v = distinct("t", "all", dim, 3, &nv);
	int64_t total = 0, tot[5] = { 0, 0, 0, 0, 0 };
	char m[32];

	if (full)
		t = newtab(dim, (const char *const[]){ dim, "interactions",
		    "share", "duration_n", "avg_duration_s", "satisfaction_n",
		    "avg_satisfaction" }, 7, 1);
	else
		t = newtab(dim, (const char *const[]){ dim, "interactions",
		    "share" }, 3, 1);
	crm_rtab_chart(t, 0, 2, "%.4f");
	for (size_t i = 0; i < nv; i++)
		total += get("t", "all", dim, v[i]);
	for (size_t i = 0; i < nv; i++) {
		int64_t a[5];
		static const char *const suf[] = { "", "_dn", "_ds", "_sn",
		    "_ss" };

		for (int k = 0; k < 5; k++) {
			snprintf(m, sizeof m, "%s%s", dim, suf[k]);
			a[k] = get("t", "all", m, v[i]);
			tot[k] += a[k];
		}
		crm_rtab_cell(t, v[i]);
		cell_int(t, a[0]);
		cell_share(t, (double)a[0], (double)total);
		if (full) {
			cell_int(t, a[1]);
			cell_mean(t, (double)a[2], (double)a[1]);
			cell_int(t, a[3]);
			cell_mean(t, (double)a[4], (double)a[3]);
		}
	}
	crm_rtab_totals(t);
	crm_rtab_cell(t, "total");
	cell_int(t, total);
	cell_share(t, (double)total, (double)total);
	if (full) {
		cell_int(t, tot[1]);
		cell_mean(t, (double)tot[2], (double)tot[1]);
		cell_int(t, tot[3]);
		cell_mean(t, (double)tot[4], (double)tot[3]);
	}
	crm_strv_free(v);
	return t;
}

static void
chan_plot(void)
{
	size_t nm, nc;
	char **months = distinct("t", "all", "month", 3, &nm);
	char **chans = distinct("t", "all", "channel", 3, &nc);
	double *y = crm_xcalloc(nm * (nc + 1) + 1, sizeof *y);
	struct crm_svg_series *s = crm_xcalloc(nc + 2, sizeof *s);
	struct crm_buf svg;

	for (size_t i = 0; i < nm; i++) {
		y[i] = (double)get("t", "all", "month", months[i]);
		for (size_t c = 0; c < nc; c++)
			y[(c + 1) * nm + i] = (double)get("mc", months[i],
			    "channel", chans[c]);
	}
	s[0].name = "all channels";
	s[0].y = y;
	for (size_t c = 0; c < nc; c++) {
		s[c + 1].name = chans[c];
		s[c + 1].y = y + (c + 1) * nm;
	}
	crm_buf_init(&svg);
	crm_svg_lines(&svg, "Interactions by month", "month", "interactions",
	    (const char *const *)months, nm, s, nc + 1, 0);
	write_svg(&svg);
	crm_buf_release(&svg);
	free(s);
	free(y);
	crm_strv_free(months);
	crm_strv_free(chans);
}

static void
chan_report(void)
{
	struct crm_rtab *t[4];

	t[0] = chan_table("channel", 1);
	t[1] = chan_table("initiator", 0);
	t[2] = chan_table("type", 0);
	t[3] = chan_table("month", 1);
	emit(t, 4);
	if (opt.plot)
		chan_plot();
	free_tabs(t, 4);
}

/* ---- transactions: value and churn ---- */

static struct crm_custagg *agg;
static int32_t asof_day;
static int asof_set;

/* The as-of day: --as-of, else CRM_AS_OF, else (asof_set stays 0) the
 * latest purchase day of the data. */
static void
asof_init(int need_time, int64_t *t, int *off)
{
	const char *why, *src = opt.asof ? opt.asof : getenv("CRM_AS_OF");

	if (src && *src) {
		why = crm_asof_parse(src, t, off);
		if (why)
			errx(CRM_EXIT_FATAL, "%s: %s '%s'", opt.asof ?
			    "--as-of" : "CRM_AS_OF", why, src);
		asof_day = crm_ts_days(*t, *off);
		asof_set = 1;
	} else if (need_time) {
		why = crm_now(t, off);
		if (why)
			errx(CRM_EXIT_FATAL, "CRM_AS_OF: %s", why);
		asof_day = crm_ts_days(*t, *off);
		asof_set = 1;
	}
}

/* Queued transactions are counted (and refused) later, so an error names
 * its file through the tag: file number above TAG_SHIFT, line below. */
#define TAG_SHIFT 40
static char **fnames;
static size_t nfiles, afiles;

static void
tx_refused(void *arg, long tag, int32_t day, int64_t amount)
{
	(void)arg;
	(void)day;
	(void)amount;
	warnx("%s:%ld: amount: customer's daily total out of range",
	    fnames[tag >> TAG_SHIFT], tag & ((1L << TAG_SHIFT) - 1));
	status = CRM_EXIT_REJECT;
}

struct collect {
	const struct crm_cust **v;
	size_t n;
};

static int
collect1(void *arg, const struct crm_cust *c)
{
	struct collect *x = arg;

	x->v[x->n++] = c;
	return 0;
}

/* Every customer, after counting what is queued, in no particular order
 * (every figure here is a sum or a rank by value); NULL-terminated, the
 * caller frees the array. */
static const struct crm_cust **
customers(size_t *np)
{
	struct collect x;

	crm_custagg_flush(agg);
	*np = crm_custagg_count(agg);
	x.v = crm_xmalloc(crm_mulsz(*np + 1, sizeof *x.v));
	x.n = 0;
	crm_custagg_each(agg, collect1, &x);
	x.v[x.n] = NULL;
	return x.v;
}

static void
tx_read(struct crm_reader *r)
{
	int c_id = crm_reader_col(r, "customer_id");
	int c_date = crm_reader_col(r, "date");
	int c_amt = crm_reader_col(r, "amount");
	int rc;
	struct crm_rec rec;
	struct crm_date_cache dc = { { 0 }, 0, 0, 0 };

	if (!crm_reader_header(r) && crm_reader_error(r)[0]) {
		warnx("%s", crm_reader_error(r));
		status = CRM_EXIT_REJECT;
		return;
	}
	if (c_id < 0 || c_date < 0 || c_amt < 0) {
		warnx("%s: no '%s' column", crm_reader_name(r), c_id < 0 ?
		    "customer_id" : c_date < 0 ? "date" : "amount");
		status = CRM_EXIT_REJECT;
		return;
	}
	crm_grow(&fnames, &afiles, nfiles + 1, sizeof *fnames);
	fnames[nfiles++] = crm_xstrdup(crm_reader_name(r));
	while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF) {
		const char *s, *id, *why;
		size_t n, idn;
		int32_t day;
		int64_t amt;

		if (rc == CRM_READ_FATAL) {
			warnx("%s", crm_reader_error(r));
			status = CRM_EXIT_REJECT;
			return;
		}
		if (rc == CRM_READ_BAD) {
			warnx("%s", crm_reader_error(r));
			status = CRM_EXIT_REJECT;
			continue;
		}
		id = field(&rec, c_id, &idn);
		if (idn == 0) {
			reject(r, &rec, c_id, "missing");
			continue;
		}
		s = field(&rec, c_date, &n);
		if ((why = crm_date_parse_cached(&dc, s, n, 0, &day)) != NULL) {
			reject(r, &rec, c_date, n ? why : "missing");
			continue;
		}
		s = field(&rec, c_amt, &n);
		if ((why = crm_money_parse(s, n, &amt)) != NULL) {
			reject(r, &rec, c_amt, n ? why : "missing");
			continue;
		}
		if (asof_set && day > asof_day)
			continue;       /* had not happened as of then */
		crm_custagg_queue(agg, id, idn, day, amt,
		    (long)(nfiles - 1) << TAG_SHIFT | rec.line);
	}
}

static void
money_cell(struct crm_rtab *t, __int128 v)
{
	struct crm_money_sum m;
	char buf[48];

	m.v = v;
	crm_money_sum_format(&m, buf);
	crm_rtab_cell(t, buf);
}

static void
share128(struct crm_rtab *t, __int128 a, __int128 b)
{
	if (b <= 0)
		crm_rtab_cell(t, NULL);
	else
		crm_rtab_cellf(t, "%.4f", (double)((long double)a /
		    (long double)b));
}

static void
avg_money(struct crm_rtab *t, __int128 sum, size_t n)
{
	if (n == 0)
		crm_rtab_cell(t, NULL);
	else
		crm_rtab_cellf(t, "%.2f", (double)((long double)sum /
		    (long double)n / 100) + 0.0);
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Revenue per customer, sorted ascending; *np customers. */
static int64_t *
revenues(size_t *np, uint64_t *orders)
{
	size_t n;
	const struct crm_cust **cs = customers(&n);
	int64_t *v = crm_xmalloc(crm_mulsz(n ? n : 1, sizeof *v));
	struct crm_kv *kv;

	*orders = 0;
	for (size_t i = 0; i < n; i++) {
		const struct crm_cust *c = cs[i];
		struct crm_custday_it it;
		__int128 sum = 0;

		/* The revenue alone: crm_cust_stats would also work out
		 * recency, gaps and windows that this report does not show. */
		crm_cust_days(c, &it);
		while (crm_custday_next(&it))
			sum += it.amount;
		if (sum > INT64_MAX || sum < INT64_MIN)
			errx(CRM_EXIT_FATAL, "customer '%s': revenue out of "
			    "range", c->id);
		v[i] = (int64_t)sum;
		*orders += c->orders;
	}
	free(cs);
	kv = crm_xmalloc(crm_mulsz(n ? n : 1, sizeof *kv));
	for (size_t i = 0; i < n; i++) {
		kv[i].k = crm_sort_key_i64(v[i]);
		kv[i].v = (uint64_t)v[i];
	}
	crm_sort_kv(kv, n);
	for (size_t i = 0; i < n; i++)
		v[i] = (int64_t)kv[i].v;
	free(kv);
	*np = n;
	return v;
}

static void
value_plot(const int64_t *v, size_t n, __int128 total)
{
	double y[101], eq[101];
	char lab[101][8];
	const char *labels[101];
	struct crm_svg_series s[2] = {
		{ "cumulative revenue share", y },
		{ "equal revenue per customer", eq }
	};
	struct crm_buf svg;
	__int128 cum = 0;
	size_t m = 0;

	for (int k = 0; k <= 100; k++) {
		size_t want = (size_t)(((__int128)k * n + 99) / 100);

		while (m < want) {
			cum += v[n - 1 - m];
			m++;
		}
		y[k] = total > 0 ? (double)((long double)cum /
		    (long double)total) : NAN;
		eq[k] = k / 100.0;
		snprintf(lab[k], sizeof lab[k], "%d%%", k);
		labels[k] = k % 10 == 0 ? lab[k] : "";
	}
	crm_buf_init(&svg);
	crm_svg_lines(&svg, "Pareto curve: revenue by share of customers",
	    "top share of customers, by revenue", "share of revenue", labels,
	    101, s, 2, 1);
	write_svg(&svg);
	crm_buf_release(&svg);
}

static void
value_report(void)
{
	static const int tops[] = { 1, 5, 10, 20, 50, 100 };
	size_t n, m80 = 0;
	uint64_t orders;
	int64_t *v = revenues(&n, &orders);
	unsigned char *tier = crm_xmalloc(n ? n : 1), *abc = crm_xmalloc(n ?
	    n : 1);
	__int128 total = 0, pos = 0, s1 = 0, cum = 0, tr[4] = { 0 },
	    ar[3] = { 0 }, top20 = 0;
	size_t tc[4] = { 0 }, ac[3] = { 0 };
	struct crm_rtab *t[4];

	for (size_t i = 0; i < n; i++) {
		total += v[i];
		if (v[i] > 0) {
			pos += v[i];
			s1 += (__int128)(i + 1) * v[i];
		}
	}
	crm_pyramid_classify(v, n, &pyr, tier, abc);
	for (size_t i = 0; i < n; i++) {
		tc[tier[i]]++;
		tr[tier[i]] += v[i];
		ac[abc[i]]++;
		ar[abc[i]] += v[i];
	}

	t[0] = NEWTAB("summary", 1, "metric", "value");
	t[1] = NEWTAB("pareto", 0, "top_pct", "customers", "revenue",
	    "revenue_share");
	t[2] = NEWTAB("pyramid", 1, "tier", "customers", "revenue", "share",
	    "avg_revenue");
	t[3] = NEWTAB("abc", 1, "class", "customers", "revenue", "share",
	    "avg_revenue");
	crm_rtab_chart(t[1], 0, 3, "%.4f");
	crm_rtab_chart(t[2], 0, 3, "%.4f");
	crm_rtab_chart(t[3], 0, 3, "%.4f");

	cum = 0;
	for (size_t k = 0, m = 0; k < sizeof tops / sizeof tops[0]; k++) {
		size_t want = (size_t)(((__int128)tops[k] * n + 99) / 100);

		while (m < want) {
			cum += v[n - 1 - m];
			m++;
		}
		if (tops[k] == 20)
			top20 = cum;
		crm_rtab_cellf(t[1], "%d", tops[k]);
		crm_rtab_cellf(t[1], "%zu", want);
		money_cell(t[1], cum);
		share128(t[1], cum, total);
	}
	cum = 0;
	if (total > 0)
		for (m80 = 0; m80 < n && cum * 100 < total * 80; m80++)
			cum += v[n - 1 - m80];

	crm_rtab_cell(t[0], "customers");
	crm_rtab_cellf(t[0], "%zu", n);
	crm_rtab_cell(t[0], "transactions");
	crm_rtab_cellf(t[0], "%" PRIu64, orders);
	crm_rtab_cell(t[0], "revenue");
	money_cell(t[0], total);
	crm_rtab_cell(t[0], "avg_revenue");
	avg_money(t[0], total, n);
	crm_rtab_cell(t[0], "top20_share");
	share128(t[0], top20, total);
	crm_rtab_cell(t[0], "pct_customers_for_80");
	if (total > 0)
		crm_rtab_cellf(t[0], "%.2f", 100.0 * (double)m80 / (double)n);
	else
		crm_rtab_cell(t[0], NULL);
	crm_rtab_cell(t[0], "gini");
	if (pos > 0)
		crm_rtab_cellf(t[0], "%.4f", (double)((long double)(2 * s1 -
		    (__int128)(n + 1) * pos) / ((long double)n *
		    (long double)pos)) + 0.0);
	else
		crm_rtab_cell(t[0], NULL);

	for (int k = 0; k < 4; k++) {
		crm_rtab_cell(t[2], crm_tier_names[k]);
		crm_rtab_cellf(t[2], "%zu", tc[k]);
		money_cell(t[2], tr[k]);
		share128(t[2], tr[k], total);
		avg_money(t[2], tr[k], tc[k]);
	}
	for (int k = 0; k < 3; k++) {
		crm_rtab_cellf(t[3], "%c", "ABC"[k]);
		crm_rtab_cellf(t[3], "%zu", ac[k]);
		money_cell(t[3], ar[k]);
		share128(t[3], ar[k], total);
		avg_money(t[3], ar[k], ac[k]);
	}
	for (int k = 2; k <= 3; k++) {
		crm_rtab_totals(t[k]);
		crm_rtab_cell(t[k], "total");
		crm_rtab_cellf(t[k], "%zu", n);
		money_cell(t[k], total);
		share128(t[k], total, total);
		avg_money(t[k], total, n);
	}
	emit(t, 4);
	if (opt.plot)
		value_plot(v, n, total);
	free_tabs(t, 4);
	free(tier);
	free(abc);
	free(v);
}

/* Period number of a day: months or quarters since year 0. */
static int32_t
period_of(int32_t day, int quarter)
{
	int y, m, d;

	crm_date_to_ymd(day, &y, &m, &d);
	return quarter ? y * 4 + (m - 1) / 3 : y * 12 + (m - 1);
}

static void
period_label(int32_t p, int quarter, char out[16])
{
	if (quarter)
		snprintf(out, 16, "%04d-Q%d", p / 4, p % 4 + 1);
	else
		snprintf(out, 16, "%04d-%02d", p / 12, p % 12 + 1);
}

#define MAX_PERIODS 2400

static void
churn_report(void)
{
	int q = opt.period && !strcmp(opt.period, "quarter");
	size_t n, np;
	const struct crm_cust **cs = customers(&n);
	int32_t p0 = INT32_MAX, p1, maxday = crm_custagg_maxday(agg);
	int64_t *active, *lost, *fresh, *back, *astart;
	__int128 *lrev;
	int64_t *coh = NULL, *cohn = NULL;
	struct crm_rtab *t[2];
	char lab[16];

	int32_t dmin = INT32_MAX, dmax = asof_set ? asof_day : maxday;
	int32_t *ptab;

	for (size_t i = 0; i < n; i++)
		if (crm_cust_first(cs[i]) < dmin)
			dmin = crm_cust_first(cs[i]);
	p1 = period_of(dmax, q);
	p0 = n ? period_of(dmin, q) : p1;
	if (p1 - p0 + 1 > MAX_PERIODS)
		errx(CRM_EXIT_FATAL, "churn: %d periods from the first purchase "
		    "to the as-of day: more than %d", p1 - p0 + 1,
		    MAX_PERIODS);
	np = (size_t)(p1 - p0 + 1);
	/* Period of every day in range, looked up rather than worked out for
	 * each purchase day. */
	if (n == 0)
		dmin = dmax;
	ptab = crm_xcalloc((size_t)(dmax - dmin) + 1, sizeof *ptab);
	for (int32_t d = dmin; d <= dmax; d++)
		ptab[d - dmin] = period_of(d, q) - p0;
	active = crm_xcalloc(np + 1, sizeof *active);
	lost = crm_xcalloc(np + 1, sizeof *lost);
	fresh = crm_xcalloc(np + 1, sizeof *fresh);
	back = crm_xcalloc(np + 1, sizeof *back);
	astart = crm_xcalloc(np + 1, sizeof *astart);
	lrev = crm_xcalloc(np + 1, sizeof *lrev);
	if (opt.cohorts) {
		coh = crm_xcalloc(crm_mulsz(np, np), sizeof *coh);
		cohn = crm_xcalloc(np, sizeof *cohn);
	}
	for (size_t i = 0; i < n; i++) {
		const struct crm_cust *c = cs[i];
		int32_t first = ptab[crm_cust_first(c) - dmin], prev = -2;
		struct crm_custday_it it;
		__int128 rev = 0;

		fresh[first]++;
		if (coh)
			cohn[first]++;
		crm_cust_days(c, &it);
		for (;;) {
			int more = crm_custday_next(&it);
			int32_t p = more ? ptab[it.day - dmin] : INT32_MAX;

			if (p == prev) {
				rev += it.amount;
				continue;
			}
			/* Leaving period prev: lost in prev + 1 unless the
			 * next active period is prev + 1. */
			if (prev >= 0 && p != prev + 1 &&
			    prev + 1 < (int32_t)np) {
				lost[prev + 1]++;
				lrev[prev + 1] += rev;
			}
			if (p == INT32_MAX)
				break;
			active[p]++;
			if (coh)
				coh[(size_t)first * np + (size_t)(p - first)]++;
			if (p != first && p != prev + 1)
				back[p]++;
			prev = p;
			rev = it.amount;
		}
	}
	t[0] = NEWTAB("churn", 1, "period", "active_start", "new",
	    "returning", "lost", "active", "churn_rate", "lost_revenue");
	crm_rtab_chart(t[0], 0, 6, "%.4f");
	for (size_t p = 0; p < np; p++) {
		astart[p] = p ? active[p - 1] : 0;
		period_label(p0 + (int32_t)p, q, lab);
		crm_rtab_cell(t[0], lab);
		cell_int(t[0], astart[p]);
		cell_int(t[0], fresh[p]);
		cell_int(t[0], back[p]);
		cell_int(t[0], lost[p]);
		cell_int(t[0], active[p]);
		cell_share(t[0], (double)lost[p], (double)astart[p]);
		money_cell(t[0], lrev[p]);
	}
	if (coh) {
		const char **cols = crm_xcalloc(np + 2, sizeof *cols);
		char **names = crm_xcalloc(np + 2, sizeof *names);

		cols[0] = "cohort";
		cols[1] = "customers";
		for (size_t k = 0; k < np; k++) {
			names[k] = crm_xmalloc(24);
			snprintf(names[k], 24, "p%zu", k);
			cols[k + 2] = names[k];
		}
		t[1] = newtab("cohorts", cols, np + 2, 1);
		for (size_t c = 0; c < np; c++) {
			if (!cohn[c])
				continue;       /* no customer started then */
			period_label(p0 + (int32_t)c, q, lab);
			crm_rtab_cell(t[1], lab);
			cell_int(t[1], cohn[c]);
			for (size_t k = 0; k < np; k++) {
				if (c + k >= np)
					crm_rtab_cell(t[1], NULL);
				else
					cell_share(t[1], (double)coh[c * np + k],
					    (double)cohn[c]);
			}
		}
		for (size_t k = 0; k < np; k++)
			free(names[k]);
		free(names);
		free(cols);
	}
	emit(t, coh ? 2 : 1);
	if (opt.plot) {
		struct crm_buf svg;

		crm_buf_init(&svg);
		if (coh) {
			char **rl = crm_xcalloc(np + 1, sizeof *rl);
			char **cl = crm_xcalloc(np + 1, sizeof *cl);
			double *hv = crm_xcalloc(crm_mulsz(np, np), sizeof *hv);
			size_t nr = 0;

			for (size_t k = 0; k < np; k++) {
				cl[k] = crm_xmalloc(24);
				snprintf(cl[k], 24, "+%zu", k);
			}
			for (size_t c = 0; c < np; c++) {
				if (!cohn[c])
					continue;
				rl[nr] = crm_xmalloc(16);
				period_label(p0 + (int32_t)c, q, rl[nr]);
				for (size_t k = 0; k < np; k++)
					hv[nr * np + k] = c + k >= np ? NAN :
					    (double)coh[c * np + k] /
					    (double)cohn[c];
				nr++;
			}
			crm_svg_heatmap(&svg, "Retention by first-purchase "
			    "cohort", q ? "quarters since first purchase" :
			    "months since first purchase", "cohort",
			    (const char *const *)rl, nr,
			    (const char *const *)cl, np, hv);
			crm_strv_free(rl);
			crm_strv_free(cl);
			free(hv);
		} else {
			char **xl = crm_xcalloc(np + 1, sizeof *xl);
			double *y = crm_xcalloc(np + 1, sizeof *y);
			struct crm_svg_series s = { "gross churn rate", y };

			for (size_t p = 0; p < np; p++) {
				xl[p] = crm_xmalloc(16);
				period_label(p0 + (int32_t)p, q, xl[p]);
				y[p] = astart[p] ? (double)lost[p] /
				    (double)astart[p] : NAN;
			}
			crm_svg_lines(&svg, "Gross churn rate by period",
			    q ? "quarter" : "month", "churn rate",
			    (const char *const *)xl, np, &s, 1, 1);
			crm_strv_free(xl);
			free(y);
		}
		write_svg(&svg);
		crm_buf_release(&svg);
	}
	free_tabs(t, coh ? 2 : 1);
	free(cs);
	free(ptab);
	free(active);
	free(lost);
	free(fresh);
	free(back);
	free(astart);
	free(lrev);
	free(coh);
	free(cohn);
}

/* ---- complaints ---- */

static struct crm_complaint_fold *fold;
static int64_t now_t;

/* Complaints read from `crm-complaint list` output: states, not events. */
static struct crm_complaint *lst;
static size_t nlst, alst;
static int from_list;   /* some input was a list: reopen counts unknown */
static int no_cause;    /* some list had no cause column */

enum { L_ID, L_CUSTOMER, L_OPENED, L_STATUS, L_CATEGORY, L_CAUSE,
	L_SEVERITY, L_DUE_RESPONSE, L_DUE_RESOLVE, L_RESPONDED, L_RESOLVED,
	L_SATISFACTION, L_N };

static const char *const list_names[L_N] = {
	"complaint_id", "customer_id", "opened", "status", "category", "cause",
	"severity", "due_response", "due_resolve", "responded", "resolved",
	"satisfaction"
};

/* A time cell of a list row: empty is CRM_COMPLAINT_NOTIME. */
static const char *
list_time(const struct crm_rec *rec, int col, int64_t *t, int *off)
{
	size_t n;
	const char *s = field(rec, col, &n);
	int o;

	*t = CRM_COMPLAINT_NOTIME;
	if (n == 0)
		return NULL;
	return crm_ts_parse(s, n, 0, t, off ? off : &o);
}

static void
list_free(void)
{
	for (size_t i = 0; i < nlst; i++) {
		free(lst[i].id);
		free(lst[i].customer_id);
		free(lst[i].category);
		free(lst[i].cause);
	}
	free(lst);
}

/*
 * One row per complaint as crm-complaint list prints it.  The row becomes
 * a complaint state as the fold would have left it: a reopened complaint
 * counts one reopening (so that it was resolved once), the closing time is
 * unknown (a closed complaint was resolved first, so nothing needs it).
 */
static void
list_read(struct crm_reader *r)
{
	static const int need[] = { L_ID, L_OPENED, L_STATUS };
	int col[L_N];
	struct crm_rec rec;
	int rc;

	for (int k = 0; k < L_N; k++)
		col[k] = crm_reader_col(r, list_names[k]);
	for (size_t k = 0; k < sizeof need / sizeof *need; k++)
		if (col[need[k]] < 0) {
			warnx("%s: no 'event' column (a complaint log) and no "
			    "'%s' column (a complaint list)",
			    crm_reader_name(r), list_names[need[k]]);
			status = CRM_EXIT_REJECT;
			return;
		}
	from_list = 1;
	if (col[L_CAUSE] < 0)
		no_cause = 1;
	while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF) {
		struct crm_complaint c;
		const char *s, *why = NULL;
		size_t n;
		int bad = -1;
		int64_t sat = 0;

		if (rc == CRM_READ_FATAL) {
			warnx("%s", crm_reader_error(r));
			status = CRM_EXIT_REJECT;
			return;
		}
		if (rc == CRM_READ_BAD) {
			warnx("%s", crm_reader_error(r));
			status = CRM_EXIT_REJECT;
			continue;
		}
		memset(&c, 0, sizeof c);
		c.closed = CRM_COMPLAINT_NOTIME;
		c.severity = -1;
		s = field(&rec, col[L_ID], &n);
		c.id = crm_xstrndup(s, n);
		if (n == 0) {
			why = "missing";
			bad = col[L_ID];
		} else if (get("L", "all", "id", c.id) ||
		    crm_complaint_fold_find(fold, c.id)) {
			why = "complaint listed twice";
			bad = col[L_ID];
		}
		if (!why && (why = list_time(&rec, col[L_OPENED], &c.opened,
		    &c.opened_off)) != NULL)
			bad = col[L_OPENED];
		if (!why && c.opened == CRM_COMPLAINT_NOTIME) {
			why = "missing";
			bad = col[L_OPENED];
		}
		if (!why) {
			s = field(&rec, col[L_STATUS], &n);
			c.status = -1;
			for (int k = CRM_CS_OPEN; k <= CRM_CS_REOPENED; k++)
				if (strlen(crm_complaint_status_name(k)) == n &&
				    !memcmp(crm_complaint_status_name(k), s, n))
					c.status = k;
			if (c.status < 0) {
				why = n ? "unknown status" : "missing";
				bad = col[L_STATUS];
			}
		}
		if (!why && (s = field(&rec, col[L_SEVERITY], &n), n)) {
			for (int k = 0; crm_vocab_severity[k]; k++)
				if (strlen(crm_vocab_severity[k]) == n &&
				    !memcmp(crm_vocab_severity[k], s, n))
					c.severity = k;
			if (c.severity < 0) {
				why = "unknown severity";
				bad = col[L_SEVERITY];
			}
		}
		if (!why && (why = list_time(&rec, col[L_DUE_RESPONSE],
		    &c.due_response, NULL)) != NULL)
			bad = col[L_DUE_RESPONSE];
		if (!why && (why = list_time(&rec, col[L_DUE_RESOLVE],
		    &c.due_resolve, NULL)) != NULL)
			bad = col[L_DUE_RESOLVE];
		if (!why && (why = list_time(&rec, col[L_RESPONDED],
		    &c.responded, NULL)) != NULL)
			bad = col[L_RESPONDED];
		if (!why && (why = list_time(&rec, col[L_RESOLVED],
		    &c.resolved, NULL)) != NULL)
			bad = col[L_RESOLVED];
		if (!why && (s = field(&rec, col[L_SATISFACTION], &n), n) &&
		    crm_int_parse(s, n, 1, 5, &sat)) {
			why = "satisfaction out of range 1-5";
			bad = col[L_SATISFACTION];
		}
		if (why || c.opened > now_t) {
			/* Rows opened after the as-of time are left out, as
			 * the fold leaves later events out. */
			if (why)
				reject(r, &rec, bad, why);
			free(c.id);
			continue;
		}
		count("L", "all", "id", c.id, 1);
		c.satisfaction = (int)sat;
		c.reopens = c.status == CRM_CS_REOPENED;
		s = field(&rec, col[L_CUSTOMER], &n);
		c.customer_id = crm_xstrndup(s, n);
		s = field(&rec, col[L_CATEGORY], &n);
		c.category = crm_xstrndup(s, n);
		s = field(&rec, col[L_CAUSE], &n);
		c.cause = crm_xstrndup(s, n);
		c.channel = c.owner = c.text = (char *)"";
		crm_grow(&lst, &alst, nlst + 1, sizeof *lst);
		lst[nlst++] = c;
	}
}

static void
compl_read(struct crm_reader *r)
{
	struct crm_complaint_cols cols;
	struct crm_rec rec;
	char e[512];
	int rc, col;
	const char *why;

	if (!crm_reader_header(r) && crm_reader_error(r)[0]) {
		warnx("%s", crm_reader_error(r));
		status = CRM_EXIT_REJECT;
		return;
	}
	if (crm_reader_col(r, "event") < 0 &&
	    crm_reader_col(r, "complaint_id") >= 0) {
		list_read(r);
		return;
	}
	if (crm_complaint_cols_find(&cols, r, e, sizeof e) < 0) {
		warnx("%s", e);
		status = CRM_EXIT_REJECT;
		return;
	}
	while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF) {
		if (rc == CRM_READ_FATAL) {
			warnx("%s", crm_reader_error(r));
			status = CRM_EXIT_REJECT;
			return;
		}
		if (rc == CRM_READ_BAD) {
			warnx("%s", crm_reader_error(r));
			status = CRM_EXIT_REJECT;
			continue;
		}
		if (crm_complaint_fold_add(fold, &cols, &rec, &why, &col) < 0)
			reject(r, &rec, col, why);
	}
}

/* The first answer the customer got: the first respond event, else a
 * resolution or closing that came without one. */
static int64_t
first_response(const struct crm_complaint *c)
{
	if (c->responded != CRM_COMPLAINT_NOTIME)
		return c->responded;
	if (c->resolved != CRM_COMPLAINT_NOTIME)
		return c->resolved;
	return c->closed;
}

static int
ever_resolved(const struct crm_complaint *c)
{
	return c->resolved != CRM_COMPLAINT_NOTIME ||
	    c->closed != CRM_COMPLAINT_NOTIME || c->reopens > 0;
}

/* Nearest-rank percentile of sorted x[0..n): x[ceil(p n / 100) - 1]. */
static int64_t
percentile(const int64_t *x, size_t n, int p)
{
	size_t k = ((size_t)p * n + 99) / 100;

	return x[k ? k - 1 : 0];
}

static void
hours_cell(struct crm_rtab *t, int64_t secs)
{
	crm_rtab_cellf(t, "%.2f", (double)secs / 3600 + 0.0);
}

static struct crm_rtab *
compl_volume(const char *dim)
{
	struct crm_rtab *t = newtab(dim, (const char *const[]){ dim,
	    "complaints", "share" }, 3, 1);
	size_t nv;
	char **v = distinct("t", "all", dim, 3, &nv);
	int64_t total = 0;

	crm_rtab_chart(t, 0, 2, "%.4f");
	if (no_cause && !strcmp(dim, "cause")) {
		/* crm-complaint list has no cause: no figure beats a wrong
		 * one. */
		crm_strv_free(v);
		return t;
	}
	if (!strcmp(dim, "severity")) {
		/* In the vocabulary's order rather than alphabetically. */
		size_t k = 0;
		char **o = crm_xcalloc(nv + 1, sizeof *o);

		for (int i = 0; crm_vocab_severity[i]; i++)
			for (size_t j = 0; j < nv; j++)
				if (v[j] && !strcmp(v[j],
				    crm_vocab_severity[i])) {
					o[k++] = v[j];
					v[j] = NULL;
				}
		for (size_t j = 0; j < nv; j++)
			if (v[j])
				o[k++] = v[j];
		free(v);
		v = o;
	}
	for (size_t i = 0; i < nv; i++)
		total += get("t", "all", dim, v[i]);
	for (size_t i = 0; i < nv; i++) {
		int64_t c = get("t", "all", dim, v[i]);

		crm_rtab_cell(t, v[i]);
		cell_int(t, c);
		cell_share(t, (double)c, (double)total);
	}
	crm_rtab_totals(t);
	crm_rtab_cell(t, "total");
	cell_int(t, total);
	cell_share(t, (double)total, (double)total);
	crm_strv_free(v);
	return t;
}

struct repeater {
	const char *id;
	int64_t n, active;
	int64_t last;
	int last_off;
};

static int
cmprep(const void *a, const void *b)
{
	const struct repeater *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int
cmpcid(const void *a, const void *b)
{
	const struct crm_complaint *x = *(const struct crm_complaint *const *)a;
	const struct crm_complaint *y = *(const struct crm_complaint *const *)b;

	return strcmp(x->customer_id, y->customer_id);
}

#define TOP_REPEAT 10

static void
compl_report(void)
{
	size_t nf = crm_complaint_fold_count(fold), n = nf + nlst, nresp = 0,
	    nres = 0;
	int64_t *tresp = crm_xcalloc(n + 1, sizeof *tresp);
	int64_t *tres = crm_xcalloc(n + 1, sizeof *tres);
	int64_t active = 0, overdue = 0, resolved = 0, reopened = 0;
	int64_t re_el = 0, re_met = 0, rs_el = 0, rs_met = 0;
	int64_t sat_n = 0, sat_sum = 0, sat_good = 0;
	struct crm_complaint **cv = crm_xcalloc(n + 1, sizeof *cv);
	struct repeater *rep = crm_xcalloc(n + 1, sizeof *rep);
	size_t nrep = 0;
	struct crm_rtab *t[8];
	char month[8], ts[32];

	for (size_t i = 0; i < n; i++)
		cv[i] = i < nf ? crm_complaint_fold_at(fold, i) : &lst[i - nf];
	for (size_t i = 0; i < n; i++) {
		struct crm_complaint *c = cv[i];
		int64_t fr = first_response(c);
		int act = crm_complaint_status_active(c->status);
		const char *sev = c->severity >= 0 ?
		    crm_vocab_severity[c->severity] : NONE;
		int y, m, d;

		count("t", "all", "category", *c->category ? c->category :
		    NONE, 1);
		count("t", "all", "cause", *c->cause ? c->cause : NONE, 1);
		count("t", "all", "severity", sev, 1);
		crm_date_to_ymd(crm_ts_days(c->opened, c->opened_off), &y, &m,
		    &d);
		snprintf(month, sizeof month, "%04d-%02d", y, m);
		count("t", "all", "month", month, 1);
		if (c->resolved != CRM_COMPLAINT_NOTIME) {
			crm_date_to_ymd(crm_ts_days(c->resolved,
			    c->opened_off), &y, &m, &d);
			snprintf(month, sizeof month, "%04d-%02d", y, m);
			count("t", "all", "month", month, 0);
			count("t", "all", "month_resolved", month, 1);
			tres[nres++] = c->resolved - c->opened;
		}
		if (fr != CRM_COMPLAINT_NOTIME)
			tresp[nresp++] = fr - c->opened;
		if (act)
			active++;
		if (act && ((fr == CRM_COMPLAINT_NOTIME &&
		    c->due_response != CRM_COMPLAINT_NOTIME &&
		    c->due_response < now_t) ||
		    (c->resolved == CRM_COMPLAINT_NOTIME &&
		    c->due_resolve != CRM_COMPLAINT_NOTIME &&
		    c->due_resolve < now_t)))
			overdue++;
		if (ever_resolved(c))
			resolved++;
		if (c->reopens > 0)
			reopened++;
		if (c->due_response != CRM_COMPLAINT_NOTIME &&
		    (fr != CRM_COMPLAINT_NOTIME || c->due_response < now_t)) {
			re_el++;
			if (fr != CRM_COMPLAINT_NOTIME &&
			    fr <= c->due_response)
				re_met++;
		}
		if (c->due_resolve != CRM_COMPLAINT_NOTIME &&
		    (c->resolved != CRM_COMPLAINT_NOTIME ||
		    c->due_resolve < now_t)) {
			rs_el++;
			if (c->resolved != CRM_COMPLAINT_NOTIME &&
			    c->resolved <= c->due_resolve)
				rs_met++;
		}
		if (c->satisfaction > 0) {
			sat_n++;
			sat_sum += c->satisfaction;
			if (c->satisfaction >= 4)
				sat_good++;
		}
	}
	qsort(tresp, nresp, sizeof *tresp, cmp64);
	qsort(tres, nres, sizeof *tres, cmp64);

	/* Repeat complainers: customers with two complaints or more. */
	qsort(cv, n, sizeof *cv, cmpcid);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		struct repeater r = { cv[i]->customer_id, 0, 0, INT64_MIN, 0 };

		while (j < n && !strcmp(cv[j]->customer_id, r.id)) {
			r.n++;
			r.active += crm_complaint_status_active(cv[j]->status);
			if (cv[j]->opened > r.last) {
				r.last = cv[j]->opened;
				r.last_off = cv[j]->opened_off;
			}
			j++;
		}
		if (*r.id && r.n >= 2)
			rep[nrep++] = r;
		i = j;
	}
	qsort(rep, nrep, sizeof *rep, cmprep);

	t[0] = NEWTAB("summary", 1, "metric", "value");
	crm_rtab_cell(t[0], "complaints");
	cell_int(t[0], (int64_t)n);
	crm_rtab_cell(t[0], "active");
	cell_int(t[0], active);
	crm_rtab_cell(t[0], "overdue");
	cell_int(t[0], overdue);
	crm_rtab_cell(t[0], "resolved");
	cell_int(t[0], resolved);
	/* A list keeps only the current status: a complaint reopened and
	 * resolved again leaves no trace in it. */
	crm_rtab_cell(t[0], "reopened");
	if (from_list)
		crm_rtab_cell(t[0], NULL);
	else
		cell_int(t[0], reopened);
	crm_rtab_cell(t[0], "reopen_rate");
	if (from_list)
		crm_rtab_cell(t[0], NULL);
	else
		cell_share(t[0], (double)reopened, (double)resolved);
	crm_rtab_cell(t[0], "satisfaction_n");
	cell_int(t[0], sat_n);
	crm_rtab_cell(t[0], "satisfaction_mean");
	cell_mean(t[0], (double)sat_sum, (double)sat_n);
	crm_rtab_cell(t[0], "satisfaction_csat");
	cell_share(t[0], (double)sat_good, (double)sat_n);

	t[1] = compl_volume("category");
	t[2] = compl_volume("cause");
	t[3] = compl_volume("severity");

	t[4] = NEWTAB("times", 1, "measure", "complaints", "median_h",
	    "p90_h");
	crm_rtab_cell(t[4], "first_response");
	cell_int(t[4], (int64_t)nresp);
	if (nresp) {
		hours_cell(t[4], percentile(tresp, nresp, 50));
		hours_cell(t[4], percentile(tresp, nresp, 90));
	} else {
		crm_rtab_cell(t[4], NULL);
		crm_rtab_cell(t[4], NULL);
	}
	crm_rtab_cell(t[4], "resolution");
	cell_int(t[4], (int64_t)nres);
	if (nres) {
		hours_cell(t[4], percentile(tres, nres, 50));
		hours_cell(t[4], percentile(tres, nres, 90));
	} else {
		crm_rtab_cell(t[4], NULL);
		crm_rtab_cell(t[4], NULL);
	}

	t[5] = NEWTAB("sla", 1, "target", "due", "met", "compliance");
	crm_rtab_cell(t[5], "response");
	cell_int(t[5], re_el);
	cell_int(t[5], re_met);
	cell_share(t[5], (double)re_met, (double)re_el);
	crm_rtab_cell(t[5], "resolution");
	cell_int(t[5], rs_el);
	cell_int(t[5], rs_met);
	cell_share(t[5], (double)rs_met, (double)rs_el);

	t[6] = NEWTAB("repeat", 1, "customer_id", "complaints", "active",
	    "last_opened");
	for (size_t i = 0; i < nrep && i < TOP_REPEAT; i++) {
		crm_rtab_cell(t[6], rep[i].id);
		cell_int(t[6], rep[i].n);
		cell_int(t[6], rep[i].active);
		crm_ts_format(rep[i].last, rep[i].last_off, ts);
		crm_rtab_cell(t[6], ts);
	}
	t[7] = NEWTAB("month", 1, "month", "opened", "resolved");
	{
		size_t nm;
		char **mv = distinct("t", "all", "month", 3, &nm);

		for (size_t i = 0; i < nm; i++) {
			crm_rtab_cell(t[7], mv[i]);
			cell_int(t[7], get("t", "all", "month", mv[i]));
			cell_int(t[7], get("t", "all", "month_resolved",
			    mv[i]));
		}
		if (opt.plot) {
			double *y = crm_xcalloc(2 * nm + 1, sizeof *y);
			struct crm_svg_series s[2] = {
				{ "opened", y }, { "resolved", y + nm }
			};
			struct crm_buf svg;

			for (size_t i = 0; i < nm; i++) {
				y[i] = (double)get("t", "all", "month", mv[i]);
				y[nm + i] = (double)get("t", "all",
				    "month_resolved", mv[i]);
			}
			crm_buf_init(&svg);
			crm_svg_lines(&svg, "Complaints by month", "month",
			    "complaints", (const char *const *)mv, nm, s, 2,
			    0);
			write_svg(&svg);
			crm_buf_release(&svg);
			free(y);
		}
		crm_strv_free(mv);
	}
	emit(t, 8);
	free_tabs(t, 8);
	free(tresp);
	free(tres);
	free(cv);
	free(rep);
	list_free();
}

/* ---- main ---- */

struct report {
	const char *name;
	void (*read)(struct crm_reader *);
	void (*run)(void);
	int mergeable;
};

static const struct report reports[] = {
	{ "satisfaction", sat_read, sat_report, 1 },
	{ "channels", chan_read, chan_report, 1 },
	{ "value", tx_read, value_report, 0 },
	{ "churn", tx_read, churn_report, 0 },
	{ "complaints", compl_read, compl_report, 0 },
};

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "as-of", required_argument, NULL, 'a' },
		{ "by", required_argument, NULL, 'b' },
		{ "chart", no_argument, NULL, 'c' },
		{ "cohorts", no_argument, NULL, 'C' },
		{ "abc", required_argument, NULL, 'A' },
		{ "csv", no_argument, NULL, 'S' },
		{ "excel-safe", no_argument, NULL, 'X' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "merge", no_argument, NULL, 'm' },
		{ "partial", no_argument, NULL, 'P' },
		{ "period", required_argument, NULL, 'p' },
		{ "plot", required_argument, NULL, 'o' },
		{ "table", required_argument, NULL, 't' },
		{ "tiers", required_argument, NULL, 'T' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct report *rp = NULL;
	int ch;

	if (argc > 1 && !strcmp(argv[1], "--help"))
		usage(CRM_EXIT_OK);
	if (argc > 1 && !strcmp(argv[1], "--version"))
		crm_cli_version();
	if (argc < 2 || argv[1][0] == '-')
		usage(CRM_EXIT_FATAL);
	report = argv[1];
	for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++)
		if (!strcmp(reports[i].name, report))
			rp = &reports[i];
	if (!rp) {
		warnx("unknown report '%s'", report);
		usage(CRM_EXIT_FATAL);
	}
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			opt.asof = optarg;
			break;
		case 'A':
			opt.abc = optarg;
			break;
		case 'X':
			opt.excel_safe = 1;
			break;
		case 'T':
			opt.tiers = optarg;
			break;
		case 'b':
			opt.by = optarg;
			break;
		case 'c':
			opt.chart = 1;
			break;
		case 'C':
			opt.cohorts = 1;
			break;
		case 'S':
			opt.csv = 1;
			break;
		case 'f':
			opt.fmt = crm_rfmt_parse(optarg);
			if (opt.fmt < 0) {
				warnx("--format: unknown format '%s' (table, "
				    "tsv, csv, jsonl, md)", optarg);
				usage(CRM_EXIT_FATAL);
			}
			break;
		case 'h':
			usage(CRM_EXIT_OK);
		case 'm':
			opt.merge = 1;
			break;
		case 'P':
			opt.partial = 1;
			break;
		case 'p':
			opt.period = optarg;
			break;
		case 'o':
			opt.plot = optarg;
			break;
		case 't':
			opt.table = optarg;
			break;
		case 'V':
			crm_cli_version();
		default:
			usage(CRM_EXIT_FATAL);
		}
	}
	argc -= optind;
	argv += optind;

	if (opt.by && strcmp(report, "satisfaction"))
		errx(CRM_EXIT_FATAL, "--by applies to satisfaction only");
	if (opt.by && strcmp(opt.by, "month") && strcmp(opt.by, "channel") &&
	    strcmp(opt.by, "agent") && strcmp(opt.by, "item"))
		errx(CRM_EXIT_FATAL, "--by: unknown grouping '%s' (month, "
		    "channel, agent, item)", opt.by);
	if (opt.period && strcmp(report, "churn"))
		errx(CRM_EXIT_FATAL, "--period applies to churn only");
	if (opt.cohorts && strcmp(report, "churn"))
		errx(CRM_EXIT_FATAL, "--cohorts applies to churn only");
	if (opt.asof && (!strcmp(report, "satisfaction") ||
	    !strcmp(report, "channels")))
		errx(CRM_EXIT_FATAL, "--as-of does not apply to %s", report);
	if ((opt.partial || opt.merge) && !rp->mergeable)
		errx(CRM_EXIT_FATAL, "%s: --partial and --merge are not "
		    "available: its figures need a full pass over the data",
		    report);
	if (opt.fmt < 0)
		opt.fmt = crm_cli_stdout_tty() ? CRM_RFMT_TABLE : CRM_RFMT_TSV;
	if (opt.excel_safe && (opt.fmt != CRM_RFMT_CSV || opt.partial))
		errx(CRM_EXIT_FATAL, "--excel-safe needs --format csv");
	if ((opt.tiers || opt.abc) && strcmp(report, "value"))
		errx(CRM_EXIT_FATAL, "--tiers and --abc apply to value only");
	crm_pyramid_defaults(&pyr);
	if (opt.tiers)
		pctopt("--tiers", opt.tiers, pyr.tiers, 3, 1);
	if (opt.abc)
		pctopt("--abc", opt.abc, pyr.abc, 2, 0);
	if (opt.chart && opt.fmt != CRM_RFMT_TABLE && opt.fmt != CRM_RFMT_MD)
		errx(CRM_EXIT_FATAL, "--chart needs --format table or md");
	if (opt.partial && (opt.table || opt.chart || opt.plot))
		errx(CRM_EXIT_FATAL, "--partial writes counters only: no "
		    "--table, --chart or --plot");
	if (opt.period && strcmp(opt.period, "month") &&
	    strcmp(opt.period, "quarter"))
		errx(CRM_EXIT_FATAL, "--period: unknown period '%s' (month, "
		    "quarter)", opt.period);
	crm_buf_init(&keybuf);
	if (!strcmp(report, "value") || !strcmp(report, "churn")) {
		int64_t t;
		int off;

		asof_init(0, &t, &off);
		agg = crm_custagg_new();
		crm_custagg_onerror(agg, tx_refused, NULL);
	}
	if (!strcmp(report, "complaints")) {
		int off;

		asof_init(1, &now_t, &off);
		fold = crm_complaint_fold_new();
		crm_complaint_fold_until(fold, now_t);
	}

	if (argc == 0) {
		static char *stdin_only[] = { "-", NULL };

		argv = stdin_only;
		argc = 1;
	}
	for (int i = 0; i < argc; i++) {
		struct crm_reader *r = open_input(argv[i]);

		if (!r)
			continue;
		if (opt.merge)
			read_partial(r);
		else
			rp->read(r);
		crm_reader_close(r);
	}
	if (opt.partial)
		write_partial();
	else
		rp->run();
	crm_out_close(&crm_stdout);
	return status;
}
