/*
 * report_channels: the interaction mix by channel, initiator, type and
 * period (month, or --period quarter or week), with average duration and
 * satisfaction per channel and period.
 * Each dimension is a strmap of its values with typed counters by slot,
 * so a record costs a few hash probes and no formatting.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "svg.h"
#include "value.h"

/* D_MONTH is the period dimension, named after its period. */
enum { D_CHANNEL, D_INITIATOR, D_TYPE, D_MONTH, ND };

/* The counters of one value: interactions, with a duration (n, sum), with
 * a satisfaction (n, sum). */
struct fig {
	int64_t a[5];
	int seen;               /* counted as an interaction (a row) */
};
static const char *const fig_suffix[5] = { "", "_dn", "_ds", "_sn", "_ss" };

/* The first few short values of a dimension, compared as two words
 * before any hashing: channels, types and initiators are a dozen each. */
#define SMALL 16
struct small {
	uint64_t w[2];          /* the value, zero-padded to 16 bytes */
	size_t len, slot;
};

struct dim {
	struct crm_strmap keys;
	struct fig *v;
	size_t alloc;
	struct small small[SMALL];
	size_t nsmall;
};

struct chan {
	const struct crm_report_opts *o;
	struct dim d[ND];
	const char *dim_name[ND];
	int period;             /* enum crm_report_period */
	char lastday[10];       /* the written day of lastm (other periods) */
	/* Interactions by (month slot, channel slot) for the picture: a
	 * row of MC_DENSE counters per month for the first channels, a
	 * strmap of the pair for the others. */
	int64_t **mcd;
	size_t mcdalloc;
	struct crm_strmap mc;
	int64_t *mcv;
	size_t mcalloc;
	/* The month of the last record and its slot: records come mostly in
	 * time order. */
	char lastm[CRM_REPORT_PLABEL];
	size_t lastmi;
	int c_chan, c_type, c_init, c_dur, c_sat, c_ts;
	struct crm_report_tscache tc;
};

static void *
chan_new(struct crm_report_opts *o)
{
	struct chan *C = crm_xcalloc(1, sizeof *C);

	C->dim_name[D_CHANNEL] = "channel";
	C->dim_name[D_INITIATOR] = "initiator";
	C->dim_name[D_TYPE] = "type";
	C->o = o;
	C->period = o->period;
	C->dim_name[D_MONTH] = crm_report_period_name(
	    (enum crm_report_period)o->period);
	for (int k = 0; k < ND; k++)
		crm_strmap_init(&C->d[k].keys);
	crm_strmap_init(&C->mc);
	return C;
}

static void
chan_free(void *st)
{
	struct chan *C = st;

	for (int k = 0; k < ND; k++) {
		crm_strmap_release(&C->d[k].keys);
		free(C->d[k].v);
	}
	for (size_t i = 0; i < C->mcdalloc; i++)
		free(C->mcd[i]);
	free(C->mcd);
	crm_strmap_release(&C->mc);
	free(C->mcv);
	free(C);
}

static size_t
dim_slot(struct dim *d, const char *k, size_t n)
{
	int isnew;
	size_t i = crm_strmap_add(&d->keys, k, n, &isnew);

	if (isnew) {
		crm_grow(&d->v, &d->alloc, i + 1, sizeof *d->v);
		memset(&d->v[i], 0, sizeof d->v[i]);
	}
	return i;
}

#define MC_DENSE 32

static int64_t *
mc_slot(struct chan *C, size_t month, size_t chan)
{
	size_t key[2] = { month, chan };
	int isnew;
	size_t i;

	if (chan < MC_DENSE) {
		if (month >= C->mcdalloc) {
			size_t old = C->mcdalloc;

			crm_grow(&C->mcd, &C->mcdalloc, month + 1,
			    sizeof *C->mcd);
			memset(C->mcd + old, 0, (C->mcdalloc - old) *
			    sizeof *C->mcd);
		}
		if (!C->mcd[month])
			C->mcd[month] = crm_xcalloc(MC_DENSE,
			    sizeof **C->mcd);
		return &C->mcd[month][chan];
	}
	i = crm_strmap_add(&C->mc, key, sizeof key, &isnew);

	if (isnew) {
		crm_grow(&C->mcv, &C->mcalloc, i + 1, sizeof *C->mcv);
		C->mcv[i] = 0;
	}
	return &C->mcv[i];
}

static int64_t
mc_get(const struct chan *C, size_t month, size_t chan)
{
	size_t key[2] = { month, chan }, k;

	if (chan < MC_DENSE)
		return month < C->mcdalloc && C->mcd[month] ?
		    C->mcd[month][chan] : 0;
	k = crm_strmap_find(&C->mc, key, sizeof key);
	return k == CRM_STRMAP_NONE ? 0 : C->mcv[k];
}

static int
chan_begin(void *st, struct crm_reader *r, char *err, size_t errlen)
{
	struct chan *C = st;

	(void)err;
	(void)errlen;
	C->c_chan = crm_reader_col(r, "channel");
	C->c_type = crm_reader_col(r, "type");
	C->c_init = crm_reader_col(r, "initiator");
	C->c_dur = crm_reader_col(r, "duration_s");
	C->c_sat = crm_reader_col(r, "satisfaction");
	C->c_ts = crm_reader_col(r, "ts");
	return 0;
}

/* The slot of field col in dimension k: "(none)" when empty, tabs made
 * spaces (a value is one cell and one partial field). */
static size_t
value_slot(struct chan *C, int k, const struct crm_rec *rec, int col)
{
	size_t n;
	const char *s = crm_report_field(rec, col, &n);

	if (n == 0)
		return dim_slot(&C->d[k], CRM_REPORT_NONE,
		    strlen(CRM_REPORT_NONE));
	if (memchr(s, '\t', n)) {
		char *p = crm_xstrndup(s, n);
		size_t i;

		for (char *q = p; *q; q++)
			if (*q == '\t')
				*q = ' ';
		i = dim_slot(&C->d[k], p, strlen(p));
		free(p);
		return i;
	}
	if (n <= 16) {
		struct dim *d = &C->d[k];
		uint64_t w[2] = { 0, 0 };
		size_t i;

		memcpy(w, s, n);
		for (i = 0; i < d->nsmall; i++)
			if (d->small[i].w[0] == w[0] &&
			    d->small[i].w[1] == w[1] && d->small[i].len == n)
				return d->small[i].slot;
		i = dim_slot(d, s, n);
		if (d->nsmall < SMALL) {
			d->small[d->nsmall].w[0] = w[0];
			d->small[d->nsmall].w[1] = w[1];
			d->small[d->nsmall].len = n;
			d->small[d->nsmall++].slot = i;
		}
		return i;
	}
	return dim_slot(&C->d[k], s, n);
}

static int
chan_add(void *st, const struct crm_rec *rec, const char **why, int *col)
{
	struct chan *C = st;
	const char *s;
	char month[CRM_REPORT_PLABEL];
	size_t n, ci, mi;
	int64_t dur = 0, sat = 0;
	int has_dur, has_sat;
	struct fig *fc, *fm;

	s = crm_report_field(rec, C->c_ts, &n);
	if (crm_report_month_ts(&C->tc, s, n, month, why)) {
		if (!n)
			*why = "missing";
		*col = C->c_ts;
		return -1;
	}
	if (C->o->window) {
		int32_t day = 0;

		/* its written day: the first ten bytes of a timestamp */
		(void)crm_date_parse(s, 10, 0, &day);
		if (crm_report_outside(C->o, day))
			return 0;
	}
	s = crm_report_field(rec, C->c_dur, &n);
	has_dur = n > 0;
	if (has_dur && crm_int_parse(s, n, 0, 864000, &dur)) {
		*why = "not a duration 0-864000";
		*col = C->c_dur;
		return -1;
	}
	s = crm_report_field(rec, C->c_sat, &n);
	has_sat = n > 0;
	if (has_sat && crm_int_parse(s, n, 1, 5, &sat)) {
		*why = "satisfaction out of range 1-5";
		*col = C->c_sat;
		return -1;
	}
	ci = value_slot(C, D_CHANNEL, rec, C->c_chan);
	mi = value_slot(C, D_INITIATOR, rec, C->c_init);
	C->d[D_INITIATOR].v[mi].a[0]++;
	C->d[D_INITIATOR].v[mi].seen = 1;
	mi = value_slot(C, D_TYPE, rec, C->c_type);
	C->d[D_TYPE].v[mi].a[0]++;
	C->d[D_TYPE].v[mi].seen = 1;
	if (C->period != CRM_PERIOD_MONTH) {
		/* The period of the timestamp's written day, its first ten
		 * bytes: once a day rather than once a record. */
		s = crm_report_field(rec, C->c_ts, &n);
		if (C->lastm[0] && !memcmp(C->lastday, s, 10)) {
			mi = C->lastmi;
		} else {
			int32_t day = 0;

			(void)crm_date_parse(s, 10, 0, &day);
			crm_report_period_label_of_day(day,
			    (enum crm_report_period)C->period, month);
			mi = dim_slot(&C->d[D_MONTH], month, strlen(month));
			memcpy(C->lastday, s, 10);
			memcpy(C->lastm, month, sizeof month);
			C->lastmi = mi;
		}
	} else if (C->lastm[0] && !memcmp(C->lastm, month, 8)) {
		mi = C->lastmi;
	} else {
		mi = dim_slot(&C->d[D_MONTH], month, strlen(month));
		memcpy(C->lastm, month, 8);
		C->lastmi = mi;
	}
	fc = &C->d[D_CHANNEL].v[ci];
	fm = &C->d[D_MONTH].v[mi];
	fc->a[0]++;
	fm->a[0]++;
	fc->seen = fm->seen = 1;
	++*mc_slot(C, mi, ci);
	if (has_dur) {
		fc->a[1]++;
		fc->a[2] += dur;
		fm->a[1]++;
		fm->a[2] += dur;
	}
	if (has_sat) {
		fc->a[3]++;
		fc->a[4] += sat;
		fm->a[3]++;
		fm->a[4] += sat;
	}
	return 0;
}

static void
chan_partial(void *st, struct crm_report_sink *out)
{
	struct chan *C = st;
	char m[32];
	size_t nc;

	for (int k = 0; k < ND; k++) {
		struct dim *d = &C->d[k];

		for (size_t i = 0; i < crm_strmap_count(&d->keys); i++)
			for (int j = 0; j < 5; j++) {
				snprintf(m, sizeof m, "%s%s", C->dim_name[k],
				    fig_suffix[j]);
				crm_report_put(out, "t", "all", m,
				    crm_strmap_key(&d->keys, i, NULL),
				    d->v[i].a[j]);
			}
	}
	nc = crm_strmap_count(&C->d[D_CHANNEL].keys);
	for (size_t mm = 0; mm < C->mcdalloc; mm++)
		for (size_t c = 0; C->mcd[mm] && c < MC_DENSE && c < nc; c++)
			crm_report_put(out, "mc", crm_strmap_key(
			    &C->d[D_MONTH].keys, mm, NULL), "channel",
			    crm_strmap_key(&C->d[D_CHANNEL].keys, c, NULL),
			    C->mcd[mm][c]);
	for (size_t i = 0; i < crm_strmap_count(&C->mc); i++) {
		const size_t *key = (const size_t *)(const void *)
		    crm_strmap_key(&C->mc, i, NULL);

		crm_report_put(out, "mc", crm_strmap_key(&C->d[D_MONTH].keys,
		    key[0], NULL), "channel", crm_strmap_key(
		    &C->d[D_CHANNEL].keys, key[1], NULL), C->mcv[i]);
	}
}

static int
chan_merge(void *st, const char *scope, const char *group, const char *metric,
    const char *value, int64_t n, const char **why, int *col)
{
	struct chan *C = st;

	(void)why;              /* unknown counters are ignored */
	(void)col;
	if (!strcmp(scope, "mc")) {
		if (strcmp(metric, "channel"))
			return 0;
		*mc_slot(C, dim_slot(&C->d[D_MONTH], group, strlen(group)),
		    dim_slot(&C->d[D_CHANNEL], value, strlen(value))) += n;
		return 0;
	}
	if (strcmp(scope, "t") || strcmp(group, "all"))
		return 0;
	for (int k = 0; k < ND; k++) {
		size_t l = strlen(C->dim_name[k]);

		if (strncmp(metric, C->dim_name[k], l))
			continue;
		for (int j = 0; j < 5; j++)
			if (!strcmp(metric + l, fig_suffix[j])) {
				size_t i = dim_slot(&C->d[k], value,
				    strlen(value));
				struct fig *f = &C->d[k].v[i];

				f->a[j] += n;
				if (j == 0)
					f->seen = 1;
				return 0;
			}
	}
	return 0;
}

/* A table of counts and shares of the values of dimension k; with full,
 * the average duration and satisfaction too. */
static struct crm_rtab *
chan_table(struct chan *C, int k, int full)
{
	struct dim *d = &C->d[k];
	const char *dn = C->dim_name[k];
	struct crm_rtab *t;
	size_t nv = crm_strmap_count(&d->keys);
	size_t *v = crm_report_sorted(&d->keys);
	int64_t total = 0, tot[5] = { 0, 0, 0, 0, 0 };

	if (full)
		t = crm_report_tab(dn, (const char *const[]){ dn,
		    "interactions", "share", "duration_n", "avg_duration_s",
		    "satisfaction_n", "avg_satisfaction" }, 7, 1);
	else
		t = crm_report_tab(dn, (const char *const[]){ dn,
		    "interactions", "share" }, 3, 1);
	crm_rtab_chart(t, 0, 2, "%.4f");
	for (size_t i = 0; i < nv; i++)
		if (d->v[v[i]].seen)
			total += d->v[v[i]].a[0];
	for (size_t i = 0; i < nv; i++) {
		const int64_t *a = d->v[v[i]].a;

		if (!d->v[v[i]].seen)
			continue;
		for (int j = 0; j < 5; j++)
			tot[j] += a[j];
		crm_rtab_cell(t, crm_strmap_key(&d->keys, v[i], NULL));
		crm_report_int(t, a[0]);
		crm_report_share(t, (double)a[0], (double)total);
		if (full) {
			crm_report_int(t, a[1]);
			crm_report_mean(t, (double)a[2], (double)a[1]);
			crm_report_int(t, a[3]);
			crm_report_mean(t, (double)a[4], (double)a[3]);
		}
	}
	crm_rtab_totals(t);
	crm_rtab_cell(t, "total");
	crm_report_int(t, total);
	crm_report_share(t, (double)total, (double)total);
	if (full) {
		crm_report_int(t, tot[1]);
		crm_report_mean(t, (double)tot[2], (double)tot[1]);
		crm_report_int(t, tot[3]);
		crm_report_mean(t, (double)tot[4], (double)tot[3]);
	}
	free(v);
	return t;
}

static int
chan_tables(void *st, struct crm_rtab **t, char *err, size_t errlen)
{
	struct chan *C = st;

	(void)err;
	(void)errlen;
	t[0] = chan_table(C, D_CHANNEL, 1);
	t[1] = chan_table(C, D_INITIATOR, 0);
	t[2] = chan_table(C, D_TYPE, 0);
	t[3] = chan_table(C, D_MONTH, 1);
	crm_report_complete(t[3], C->o, 0);
	return 4;
}

/* Sorted slots of the values of d that are rows, their number in *np. */
static size_t *
seen_sorted(const struct dim *d, size_t *np)
{
	size_t *v = crm_report_sorted(&d->keys), n = 0;

	for (size_t i = 0; i < crm_strmap_count(&d->keys); i++)
		if (d->v[v[i]].seen)
			v[n++] = v[i];
	*np = n;
	return v;
}

static size_t
chan_plots(void *st, size_t k, struct crm_buf *svg, const char **name)
{
	struct chan *C = st;
	struct dim *dm = &C->d[D_MONTH], *dc = &C->d[D_CHANNEL];
	size_t nm, nc, *ms, *cs;
	const char **months;
	double *y;
	struct crm_svg_series *s;
	char title[40];

	if (k >= 1)
		return 1;
	*name = "trend";
	if (!svg)
		return 1;
	ms = seen_sorted(dm, &nm);
	cs = seen_sorted(dc, &nc);
	months = crm_xcalloc(nm + 1, sizeof *months);
	y = crm_xcalloc(nm * (nc + 1) + 1, sizeof *y);
	s = crm_xcalloc(nc + 2, sizeof *s);

	for (size_t i = 0; i < nm; i++) {
		months[i] = crm_strmap_key(&dm->keys, ms[i], NULL);
		y[i] = (double)dm->v[ms[i]].a[0];
		for (size_t c = 0; c < nc; c++) {
			y[(c + 1) * nm + i] = (double)mc_get(C, ms[i], cs[c]);
		}
	}
	s[0].name = "all channels";
	s[0].y = y;
	for (size_t c = 0; c < nc; c++) {
		s[c + 1].name = crm_strmap_key(&dc->keys, cs[c], NULL);
		s[c + 1].y = y + (c + 1) * nm;
	}
	snprintf(title, sizeof title, "Interactions by %s",
	    C->dim_name[D_MONTH]);
	crm_svg_lines(svg, title, C->dim_name[D_MONTH], "interactions",
	    months, nm, s, nc + 1, 0);
	free(s);
	free(y);
	free(months);
	free(ms);
	free(cs);
	return 1;
}

static const char *const chan_columns[] = { "channel", "ts", NULL };

const struct crm_report_ops crm_report_channels = {
	.name = "channels",
	.flags = CRM_REPORT_MERGE | CRM_REPORT_PERIOD,
	.by = NULL,
	.columns = chan_columns,
	.new = chan_new,
	.begin = chan_begin,
	.add = chan_add,
	.partial = chan_partial,
	.merge = chan_merge,
	.tables = chan_tables,
	.plots = chan_plots,
	.free = chan_free,
	.by_attr = 1,
};
