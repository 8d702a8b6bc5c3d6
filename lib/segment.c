/*
 * segment: RFM scores and segments, lifecycle stages and the observation
 * groups of crm-segment.  See segment.h; the comments here explain the
 * choices made for speed (half a million customers in well under a
 * second).
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "pyramid.h"
#include "segment.h"
#include "sort.h"
#include "svg.h"
#include "util.h"
#include "value.h"

/* The per-customer arrays of the report (tens of megabytes with half a
 * million customers) on huge pages. */
#define bigalloc crm_xmalloc_huge

/* --- segment map --------------------------------------------------------- */

const char crm_segment_default_map[] =
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

void
crm_segment_map_init(struct crm_segment_map *m)
{
	memset(m, 0, sizeof *m);
}

void
crm_segment_map_release(struct crm_segment_map *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->rule[i].name);
	free(m->rule);
	crm_segment_map_init(m);
}

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

int
crm_segment_map_load(struct crm_segment_map *m, char *text, const char *name,
    char *err, size_t errlen)
{
	char *line, *next;
	long lineno = 0;

	for (line = text; line && *line; line = next) {
		char *tab, *nl = strchr(line, '\n');
		const char *p, *e = NULL;
		struct crm_segment_maprule r;
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
		if (!tab || tab[1] == '\0') {
			snprintf(err, errlen, "%s:%ld: expected "
			    "PATTERN<tab>SEGMENT", name, lineno);
			return -1;
		}
		*tab = '\0';
		p = line;
		for (i = 0; i < 3 && !e; i++)
			e = mappos(&p, &r.set[i]);
		if (!e && *p)
			e = "pattern has more than three positions";
		if (e) {
			snprintf(err, errlen, "%s:%ld: %s: '%s'", name, lineno,
			    e, line);
			return -1;
		}
		r.name = crm_xstrdup(tab + 1);
		crm_grow(&m->rule, &m->alloc, m->n + 1, sizeof r);
		m->rule[m->n++] = r;
	}
	return 0;
}

const char *
crm_segment_map_name(const struct crm_segment_map *map, int r, int f, int m)
{
	for (size_t i = 0; i < map->n; i++)
		if ((map->rule[i].set[0] >> r & 1) &&
		    (map->rule[i].set[1] >> f & 1) &&
		    (map->rule[i].set[2] >> m & 1))
			return map->rule[i].name;
	return "";
}

/* --- scores -------------------------------------------------------------- */

/*
 * Quintile scores from values sorted ascending (better is larger): each
 * run of equal values gets the quintile of the values after the run, the
 * ones strictly better.
 */
static void
quintiles(const struct crm_kv *v, size_t n, struct crm_segment_row *rows,
    size_t field)
{
	size_t lo = 0, hi, j;

	while (lo < n) {
		unsigned char sc;

		for (hi = lo + 1; hi < n && v[hi].k == v[lo].k; hi++)
			;
		sc = crm_segment_quintile(n - hi, n);
		for (j = lo; j < hi; j++)
			((unsigned char *)&rows[v[j].v])[field] = sc;
		lo = hi;
	}
}

/* R (f = 0: a later last day is better) or F (f = 1: more orders) by
 * sorting: one key per row into v (sorted), then quintile scores. */
static void
score_by(struct crm_segment_row *rows, size_t n, struct crm_kv *v, int f)
{
	size_t i;

	for (i = 0; i < n; i++) {
		v[i].k = f ? rows[i].orders : crm_sort_key_i64(rows[i].last);
		v[i].v = (uint32_t)i;
	}
	crm_sort_kv(v, n);
	quintiles(v, n, rows, f ? offsetof(struct crm_segment_row, f) :
	    offsetof(struct crm_segment_row, r));
}

void
crm_segment_span_init(struct crm_segment_span *k)
{
	k->lastlo = INT32_MAX;
	k->lasthi = INT32_MIN;
	k->ordlo = UINT64_MAX;
	k->ordhi = 0;
}

void
crm_segment_span_join(struct crm_segment_span *k,
    const struct crm_segment_span *o)
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
	struct crm_segment_row *rows;
	size_t n;
	const int64_t *tiers, *abc;
	const struct crm_segment_span *ks;
	unsigned char *mta;     /* m | tier << 3 | abc << 5 by row */
	int money;              /* M, tiers and ABC; otherwise R and F */
};

/*
 * Quintile scores by counting, the same as quintiles() gives: cnt[0..span)
 * holds how many rows have each key (key - lo); it becomes the score of
 * each key, the quintile of the rows with a larger key.
 */
static void
count_scores(uint32_t *cnt, uint64_t span, size_t n)
{
	uint64_t i, atorbelow = 0;

	for (i = 0; i < span; i++) {
		atorbelow += cnt[i];
		cnt[i] = crm_segment_quintile(n - atorbelow, n);
	}
}

/* R and F: by counting when the keys span at most COUNT_SPAN values
 * (two passes over the rows, no sort), else by sorting. */
static void *
score_rf(void *arg)
{
	struct scorejob *j = arg;
	struct crm_segment_row *rows = j->rows;
	const struct crm_segment_span *ks = j->ks;
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
	const struct crm_segment_row *rows = j->rows;
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
	memcpy(po.tiers, j->tiers, sizeof po.tiers);
	memcpy(po.abc, j->abc, sizeof po.abc);
	crm_pyramid_classify(rev, n, &po, tc, tc + n);
	/* quintiles(), with the tier and class of each position */
	for (lo = 0; lo < n; lo = hi) {
		unsigned sc;

		for (hi = lo + 1; hi < n && v[hi].k == v[lo].k; hi++)
			;
		sc = crm_segment_quintile(n - hi, n);
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
void
crm_segment_score(struct crm_segment_row *rows, size_t n,
    const int64_t tiers[3], const int64_t abc[2],
    const struct crm_segment_span *ks)
{
	unsigned char *mta = crm_xmalloc(n ? n : 1);
	struct scorejob j[2] = { { rows, n, tiers, abc, ks, mta, 1 },
	    { rows, n, tiers, abc, ks, mta, 0 } };
	size_t i;

	crm_run_two(score_part, &j[0], &j[1]);
	for (i = 0; i < n; i++) {
		rows[i].m = mta[i] & 7;
		rows[i].tier = mta[i] >> 3 & 3;
		rows[i].abc = mta[i] >> 5;
	}
	free(mta);
}

/* --- lifecycle ----------------------------------------------------------- */

const char *const crm_stage_names[5] = {
	"exploration", "growth", "stable", "decline", "lapsed"
};

enum crm_stage
crm_segment_stage(const struct crm_cust_stats *s,
    const struct crm_stage_opts *o)
{
	__extension__ __int128 l = s->spend_latest, p = s->spend_prev;

	if (s->recency > o->churn_days)
		return CRM_STAGE_LAPSED;
	if (s->days == 1)
		return s->recency <= o->exploration_days ?
		    CRM_STAGE_EXPLORATION : CRM_STAGE_DECLINE;
	if (s->overdue)
		return CRM_STAGE_DECLINE;
	if (l * 10000 > p * (10000 + o->stable_band))
		return CRM_STAGE_GROWTH;
	if (l * 10000 < p * (10000 - o->stable_band))
		return CRM_STAGE_DECLINE;
	return CRM_STAGE_STABLE;
}

/* --- observations -------------------------------------------------------- */

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
gkey_of(const struct crm_segment_row *r, int32_t asof, uint32_t idx,
    struct gkey *k)
{
	k->x = r->days - 1;
	k->tx = r->days > 1 ? r->last - r->first : 0;
	k->T = asof - r->first;
	k->idx = idx;
}

/* A new group, of observation k, at obs[g]. */
static void
new_group(struct crm_model_obs *obs, size_t g, const struct gkey *k,
    double unit)
{
	obs[g].x = k->x;
	obs[g].tx = k->tx / unit;
	obs[g].T = k->T / unit;
	obs[g].weight = 0;
}

/* By radix on a 64-bit key packed from the three, the sort's pairs then
 * carrying the row numbers, when each fits, which real data always do. */
size_t
crm_segment_group(struct crm_segment_row *rows, size_t n, int32_t asof,
    double unit, struct crm_model_obs *obs)
{
	struct gkey t;
	size_t i, g = 0;

	for (i = 0; i < n; i++) {
		gkey_of(&rows[i], asof, 0, &t);
		if (t.x >= 1u << 22 || t.tx < 0 || t.tx >= 1 << 21 ||
		    t.T < 0 || t.T >= 1 << 21)
			break;
	}
	if (i == n && n >= 4096) {
		struct crm_kv *v = bigalloc(crm_mulsz(n, sizeof *v));
		const uint64_t m21 = ((uint64_t)1 << 21) - 1;

		for (i = 0; i < n; i++) {
			gkey_of(&rows[i], asof, 0, &t);
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
				new_group(obs, g++, &t, unit);
			}
			obs[g - 1].weight += 1;
			rows[v[i].v].group = (uint32_t)(g - 1);
		}
		free(v);
	} else {
		struct gkey *k = crm_xmalloc(crm_mulsz(n ? n : 1, sizeof *k));

		for (i = 0; i < n; i++)
			gkey_of(&rows[i], asof, (uint32_t)i, &k[i]);
		qsort(k, n, sizeof *k, cmpgkey);
		for (i = 0; i < n; i++) {
			if (i == 0 || cmpgkey(&k[i - 1], &k[i]) != 0)
				new_group(obs, g++, &k[i], unit);
			obs[g - 1].weight += 1;
			rows[k[i].idx].group = (uint32_t)(g - 1);
		}
		free(k);
	}
	return g;
}

/* --- calibration and holdout --------------------------------------------- */

const char *const crm_segment_holdout_cols[6] = { "frequency", "customers",
	"actual_mean", "predicted_mean", "actual_sum", "predicted_sum" };

void
crm_segment_holdout(const struct crm_model *m, const double *p,
    const struct crm_model_obs *obs, size_t ng,
    const struct crm_segment_row *rows, const uint32_t *actual, size_t n,
    double t, double *pred, struct crm_holdout_table *tab)
{
	size_t i;

	memset(tab, 0, sizeof *tab);
	for (i = 0; i < ng; i++)
		pred[i] = m->expected(p, &obs[i], t);
	for (i = 0; i < n; i++) {
		double e = pred[rows[i].group];
		uint32_t x = rows[i].days - 1;
		struct crm_holdout_cell *c = &tab->f[x < CRM_HOLDOUT_ROWS - 1 ?
		    x : CRM_HOLDOUT_ROWS - 1];

		if (!isfinite(e)) {
			tab->unpredicted++;
			continue;
		}
		c->customers++;
		c->actual += actual[i];
		c->predicted += e;
		tab->all.customers++;
		tab->all.actual += actual[i];
		tab->all.predicted += e;
	}
}

static void
holdout_row(const struct crm_holdout_cell *c, struct crm_writer *w)
{
	crm_writer_fieldf(w, "%llu", (unsigned long long)c->customers);
	if (c->customers) {
		crm_writer_fieldf(w, "%.4f", (double)c->actual /
		    (double)c->customers);
		crm_writer_fieldf(w, "%.4f", c->predicted /
		    (double)c->customers);
	} else {
		crm_writer_str(w, "NA");
		crm_writer_str(w, "NA");
	}
	crm_writer_fieldf(w, "%llu", (unsigned long long)c->actual);
	crm_writer_fieldf(w, "%.4f", c->predicted);
	crm_writer_end(w);
}

void
crm_segment_holdout_write(const struct crm_holdout_table *tab,
    struct crm_writer *w)
{
	int k;

	for (k = 0; k < CRM_HOLDOUT_ROWS; k++) {
		if (k < CRM_HOLDOUT_ROWS - 1)
			crm_writer_fieldf(w, "%d", k);
		else
			crm_writer_fieldf(w, "%d+", k);
		holdout_row(&tab->f[k], w);
	}
	crm_writer_str(w, "all");
	holdout_row(&tab->all, w);
}

void
crm_segment_holdout_plot(const struct crm_holdout_table *tab,
    struct crm_buf *svg)
{
	static const char *const x[CRM_HOLDOUT_ROWS] = { "0", "1", "2", "3",
		"4", "5", "6", "7+" };
	double act[CRM_HOLDOUT_ROWS], pred[CRM_HOLDOUT_ROWS];
	struct crm_svg_series s[2] = { { "actual", act },
		{ "predicted", pred } };
	int k;

	for (k = 0; k < CRM_HOLDOUT_ROWS; k++) {
		double c = (double)tab->f[k].customers;

		act[k] = c > 0 ? (double)tab->f[k].actual / c : NAN;
		pred[k] = c > 0 ? tab->f[k].predicted / c : NAN;
	}
	crm_svg_lines(svg, "Holdout purchases by calibration frequency",
	    "repeat purchases in the calibration period",
	    "mean purchases in the holdout period", x, CRM_HOLDOUT_ROWS, s, 2,
	    0);
}

/* --- pictures of the customers ------------------------------------------- */

void
crm_segment_rfm_grid(const struct crm_segment_row *rows, size_t n,
    struct crm_segment_rfm_cell g[5][5])
{
	/* revenues fit 64 bits each, their sum need not */
	__int128 sum[5][5];
	int r, f;

	memset(sum, 0, sizeof sum);
	memset(g, 0, 25 * sizeof g[0][0]);
	for (size_t i = 0; i < n; i++) {
		r = rows[i].r - 1;
		f = rows[i].f - 1;
		if (r < 0 || r > 4 || f < 0 || f > 4)
			continue;       /* not scored */
		g[r][f].customers++;
		sum[r][f] += rows[i].revenue;
	}
	for (r = 0; r < 5; r++)
		for (f = 0; f < 5; f++) {
			__int128 c = g[r][f].customers, s = sum[r][f];
			__int128 q, m;

			if (!c)
				continue;
			q = s / c;
			m = s % c;
			if (2 * (m < 0 ? -m : m) >= c)
				q += s < 0 ? -1 : 1;
			g[r][f].mean = (int64_t)q;
		}
}

void
crm_segment_rfm_plot(const struct crm_segment_rfm_cell g[5][5],
    struct crm_buf *svg)
{
	static const char *const rl[5] = { "R5", "R4", "R3", "R2", "R1" };
	static const char *const cl[5] = { "F1", "F2", "F3", "F4", "F5" };
	double v[25];
	char tx[25][64];
	const char *tp[25];
	int r, f;

	for (r = 0; r < 5; r++)
		for (f = 0; f < 5; f++) {
			const struct crm_segment_rfm_cell *c = &g[4 - r][f];
			int k = r * 5 + f;
			char m[32];

			tp[k] = tx[k];
			if (!c->customers) {
				v[k] = NAN;
				tx[k][0] = '\0';
				continue;
			}
			crm_money_format(c->mean, m);
			v[k] = (double)c->mean / 100;
			snprintf(tx[k], sizeof tx[k], "%s\nn=%llu", m,
			    (unsigned long long)c->customers);
		}
	crm_svg_heatmap_cells_dec(svg, "RFM: mean revenue by recency and "
	    "frequency score", "frequency score F (5: most orders)",
	    "recency score R (5: latest)", rl, 5, cl, 5, v, tp,
	    "mean revenue per customer", 2);
}

const int32_t crm_segment_recency_lo[CRM_RECENCY_BINS] = {
	0, 30, 60, 90, 180, 365, 730
};
const char *const crm_segment_recency_labels[CRM_RECENCY_BINS] = {
	"0-29", "30-59", "60-89", "90-179", "180-364", "365-729", "730+"
};

void
crm_segment_recency_hist(const struct crm_segment_row *rows, size_t n,
    int32_t asof, uint64_t bins[CRM_RECENCY_BINS])
{
	memset(bins, 0, CRM_RECENCY_BINS * sizeof bins[0]);
	for (size_t i = 0; i < n; i++) {
		int64_t d = (int64_t)asof - rows[i].last;
		int k = CRM_RECENCY_BINS - 1;

		while (k > 0 && d < crm_segment_recency_lo[k])
			k--;
		bins[k]++;
	}
}

void
crm_segment_recency_plot(const uint64_t bins[CRM_RECENCY_BINS], int32_t asof,
    struct crm_buf *svg)
{
	double v[CRM_RECENCY_BINS];
	char x[80], d[11];

	for (int k = 0; k < CRM_RECENCY_BINS; k++)
		v[k] = (double)bins[k];
	if (asof == CRM_DATE_INVALID)
		snprintf(x, sizeof x, "days since the last purchase");
	else {
		crm_date_format(asof, d);
		snprintf(x, sizeof x, "days since the last purchase, as of %s",
		    d);
	}
	crm_svg_bars_counts(svg, "Customers by recency", x, "customers",
	    crm_segment_recency_labels, v, CRM_RECENCY_BINS);
}

const char *const crm_segment_frequency_labels[CRM_FREQUENCY_BINS] = {
	"1", "2", "3", "4", "5", "6", "7", "8", "9", "10+"
};

void
crm_segment_frequency_hist(const struct crm_segment_row *rows, size_t n,
    uint64_t bins[CRM_FREQUENCY_BINS])
{
	memset(bins, 0, CRM_FREQUENCY_BINS * sizeof bins[0]);
	for (size_t i = 0; i < n; i++) {
		uint64_t o = rows[i].orders;

		bins[o < 1 ? 0 : o >= CRM_FREQUENCY_BINS ?
		    CRM_FREQUENCY_BINS - 1 : o - 1]++;
	}
}

void
crm_segment_frequency_plot(const uint64_t bins[CRM_FREQUENCY_BINS],
    struct crm_buf *svg)
{
	double v[CRM_FREQUENCY_BINS];

	for (int k = 0; k < CRM_FREQUENCY_BINS; k++)
		v[k] = (double)bins[k];
	crm_svg_bars_counts(svg, "Customers by frequency",
	    "orders per customer", "customers", crm_segment_frequency_labels, v,
	    CRM_FREQUENCY_BINS);
}
