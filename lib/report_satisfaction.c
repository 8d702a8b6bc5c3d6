/*
 * report_satisfaction: CSAT, NPS and CES from surveys (or the satisfaction
 * of interactions), their score distribution, and the SERVQUAL gap per item
 * and dimension, overall or per month, ISO week, channel, agent or item.  Counters
 * are score histograms and SERVQUAL sums per group, the groups kept in a
 * strmap and shown sorted bytewise.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds.h"
#include "report.h"
#include "report_figs.h"
#include "svg.h"
#include "value.h"

enum { I_CSAT, I_NPS, I_CES, I_SERVQUAL };
static const int scale_lo[] = { 1, 0, 1, 1 }, scale_hi[] = { 5, 10, 7, 7 };
static const char *const sq_metric[] = { "sq_pn", "sq_ps", "sq_en", "sq_es" };

/* SERVQUAL sums of one item: perception n and sum, expectation n and
 * sum. */
struct sq {
	int64_t a[4];
};

struct group {
	int64_t h[3][11];       /* CSAT, NPS, CES: answers per score */
	struct sq *sq;          /* by item slot */
	size_t nsq;
};

/* The counters of one scope: "t" (the groups) or "m" (the months, for the
 * picture and the partials). */
struct scope {
	struct crm_strmap keys;
	struct group *g;
	size_t alloc;
};

struct sat {
	struct crm_report_opts *o;
	enum { BY_NONE, BY_MONTH, BY_WEEK, BY_CHANNEL, BY_AGENT, BY_ITEM } by;
	struct scope t, m;
	struct crm_strmap items;        /* SERVQUAL items of every scope */
	int c_instr, c_score, c_exp, c_item, c_chan, c_agent, c_date, c_ts;
	int survey, is_ts;
	struct crm_buf item, gb;
	char why[64];
};

static const char *const by_values[] = {
	"month", "week", "channel", "agent", "item", NULL
};

/* ---- figures ---- */

double
crm_report_csat(const int64_t *h, int64_t *np, int64_t *goodp, int64_t *sump)
{
	int64_t n = 0, sum = 0;

	for (int v = 1; v <= 5; v++) {
		n += h[v];
		sum += v * h[v];
	}
	*np = n;
	*goodp = h[4] + h[5];
	*sump = sum;
	return n ? (double)*goodp / (double)n : NAN;
}

double
crm_report_nps(const int64_t *h, int64_t *np, int64_t *pp, int64_t *pd)
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

double
crm_report_ces(const int64_t *h, int64_t *np)
{
	int64_t n = 0, sum = 0;

	for (int v = 1; v <= 7; v++) {
		n += h[v];
		sum += v * h[v];
	}
	*np = n;
	return n ? (double)sum / (double)n : NAN;
}

double
crm_report_sq_gap(const int64_t *a)
{
	if (!a[0] || !a[2])
		return NAN;
	return (double)a[1] / (double)a[0] - (double)a[3] / (double)a[2];
}

/* ---- counters ---- */

static struct group *
group_of(struct scope *s, const char *k, size_t n)
{
	int isnew;
	size_t i = crm_strmap_add(&s->keys, k, n, &isnew);

	if (isnew) {
		crm_grow(&s->g, &s->alloc, i + 1, sizeof *s->g);
		memset(&s->g[i], 0, sizeof s->g[i]);
	}
	return &s->g[i];
}

static struct sq *
sq_of(struct sat *S, struct group *g, const char *item, size_t n)
{
	size_t i = crm_strmap_add(&S->items, item, n, NULL);

	if (i >= g->nsq) {
		size_t na = g->nsq;

		crm_grow(&g->sq, &na, i + 1, sizeof *g->sq);
		memset(g->sq + g->nsq, 0, (na - g->nsq) * sizeof *g->sq);
		g->nsq = na;
	}
	return &g->sq[i];
}

/* The sums of item slot i in g (zeros when g has none). */
static const int64_t *
sq_get(const struct group *g, size_t i)
{
	static const int64_t zero[4];

	return i < g->nsq ? g->sq[i].a : zero;
}

static void
scope_free(struct scope *s)
{
	for (size_t i = 0; i < crm_strmap_count(&s->keys); i++)
		free(s->g[i].sq);
	free(s->g);
	crm_strmap_release(&s->keys);
}

static void *
sat_new(struct crm_report_opts *o)
{
	struct sat *S = crm_xcalloc(1, sizeof *S);

	S->o = o;
	if (o->by)
		for (int i = 0; by_values[i]; i++)
			if (!strcmp(o->by, by_values[i]))
				S->by = BY_MONTH + i;
	crm_strmap_init(&S->t.keys);
	crm_strmap_init(&S->m.keys);
	crm_strmap_init(&S->items);
	crm_buf_init(&S->item);
	crm_buf_init(&S->gb);
	return S;
}

static void
sat_free(void *st)
{
	struct sat *S = st;

	scope_free(&S->t);
	scope_free(&S->m);
	crm_strmap_release(&S->items);
	crm_buf_release(&S->item);
	crm_buf_release(&S->gb);
	free(S);
}

static int
sat_begin(void *st, struct crm_reader *r, char *err, size_t errlen)
{
	struct sat *S = st;

	S->c_instr = crm_reader_col(r, "instrument");
	S->c_score = crm_reader_col(r, "score");
	S->c_exp = crm_reader_col(r, "expectation");
	S->c_item = crm_reader_col(r, "item");
	S->c_chan = crm_reader_col(r, "channel");
	S->c_agent = crm_reader_col(r, "agent");
	S->c_date = crm_reader_col(r, "date");
	S->c_ts = crm_reader_col(r, "ts");
	S->survey = S->c_instr >= 0;
	if (!S->survey && crm_reader_col(r, "satisfaction") < 0) {
		snprintf(err, errlen, "%s: no 'instrument' or 'satisfaction' "
		    "column", crm_reader_name(r));
		return -1;
	}
	if (!S->survey)
		S->c_score = crm_reader_col(r, "satisfaction");
	else if (S->c_score < 0) {
		snprintf(err, errlen, "%s: no 'score' column",
		    crm_reader_name(r));
		return -1;
	}
	S->is_ts = S->survey ? 0 : S->c_ts >= 0;
	if (S->c_date < 0 && !S->is_ts) {
		snprintf(err, errlen, "%s: no '%s' column", crm_reader_name(r),
		    S->survey ? "date" : "ts");
		return -1;
	}
	return 0;
}

/* Count d for metric instr (or SERVQUAL sum k of item) in both scopes. */
static void
sat_count(struct sat *S, const char *group, size_t gn, const char *month,
    int instr, int score, int k, int64_t d)
{
	struct scope *sc[2] = { &S->t, &S->m };
	const char *key[2] = { group, month };
	size_t kn[2] = { gn, 7 };
	int ns = S->o->charts || S->o->partial ? 2 : 1;

	for (int i = 0; i < ns; i++) {
		struct group *g = group_of(sc[i], key[i], kn[i]);

		if (instr != I_SERVQUAL)
			g->h[instr][score] += d;
		else
			sq_of(S, g, S->item.p, S->item.n)->a[k] += d;
	}
}

static void
untab(char *p)
{
	for (; *p; p++)
		if (*p == '\t')
			*p = ' ';
}

static int
sat_add(void *st, const struct crm_rec *rec, const char **why, int *col)
{
	struct sat *S = st;
	const char *s, *group;
	char month[8], week[9];
	int instr = I_CSAT, dc = S->is_ts ? S->c_ts : S->c_date;
	int64_t score = 0, expect = 0;
	int has_score, has_exp = 0;
	size_t n, gn;

	s = crm_report_field(rec, dc, &n);
	if (crm_report_month(s, n, S->is_ts, month, why)) {
		if (!n)
			*why = "missing";
		*col = dc;
		return -1;
	}
	if (S->o->window) {
		int32_t day = 0;

		(void)crm_report_day(s, n, S->is_ts, &day, why);
		*why = NULL;
		if (crm_report_outside(S->o, day))
			return 0;
	}
	if (S->survey) {
		s = crm_report_field(rec, S->c_instr, &n);
		instr = crm_vocab_index(crm_vocab_instrument, s, n);
		if (instr < 0) {
			*why = n ? "not an instrument (csat, nps, ces, "
			    "servqual)" : "missing";
			*col = S->c_instr;
			return -1;
		}
	}
	s = crm_report_field(rec, S->c_score, &n);
	has_score = n > 0;
	if (has_score && crm_int_parse(s, n, scale_lo[instr], scale_hi[instr],
	    &score)) {
		snprintf(S->why, sizeof S->why, "%s score out of range %d-%d",
		    crm_vocab_instrument[instr], scale_lo[instr],
		    scale_hi[instr]);
		*why = S->why;
		*col = S->c_score;
		return -1;
	}
	if (!S->survey && !has_score)
		return 0;       /* no rating on this interaction */
	crm_buf_reset(&S->item);
	s = crm_report_field(rec, S->c_item, &n);
	crm_buf_add(&S->item, s, n);
	if (instr == I_SERVQUAL) {
		s = crm_report_field(rec, S->c_exp, &n);
		has_exp = n > 0;
		if (has_exp && crm_int_parse(s, n, 1, 7, &expect)) {
			*why = "expectation out of range 1-7";
			*col = S->c_exp;
			return -1;
		}
		if (!S->item.n) {
			*why = "missing for a servqual answer";
			*col = S->c_item;
			return -1;
		}
	}
	if (!has_score && !has_exp) {
		*why = "missing";
		*col = S->c_score;
		return -1;
	}
	group = "all";
	gn = 3;
	if (S->by != BY_NONE) {
		switch (S->by) {
		case BY_MONTH:
			s = month;
			n = 7;
			break;
		case BY_WEEK: {
			int32_t day = 0;

			s = crm_report_field(rec, dc, &n);
			(void)crm_report_day(s, n, S->is_ts, &day, why);
			crm_report_week_of_day(day, week);
			s = week;
			n = 8;
			break;
		}
		case BY_CHANNEL:
			s = crm_report_field(rec, S->c_chan, &n);
			break;
		case BY_AGENT:
			s = crm_report_field(rec, S->c_agent, &n);
			break;
		default:
			s = S->item.p;
			n = S->item.n;
			break;
		}
		if (n == 0) {
			s = CRM_REPORT_NONE;
			n = strlen(CRM_REPORT_NONE);
		}
		crm_buf_reset(&S->gb);
		crm_buf_add(&S->gb, s, n);
		/* A group is one cell and one partial field: no tabs. */
		untab(S->gb.p);
		group = S->gb.p;
		gn = strlen(S->gb.p);
	}
	untab(S->item.p);
	S->item.n = strlen(S->item.p);
	if (instr != I_SERVQUAL) {
		sat_count(S, group, gn, month, instr, (int)score, 0, 1);
	} else {
		if (has_score) {
			sat_count(S, group, gn, month, instr, 0, 0, 1);
			sat_count(S, group, gn, month, instr, 0, 1, score);
		}
		if (has_exp) {
			sat_count(S, group, gn, month, instr, 0, 2, 1);
			sat_count(S, group, gn, month, instr, 0, 3, expect);
		}
	}
	return 0;
}

/* ---- partials ---- */

static void
scope_put(struct sat *S, struct scope *sc, const char *name,
    struct crm_report_sink *out)
{
	char v[8];

	for (size_t i = 0; i < crm_strmap_count(&sc->keys); i++) {
		const char *k = crm_strmap_key(&sc->keys, i, NULL);
		struct group *g = &sc->g[i];

		for (int instr = I_CSAT; instr <= I_CES; instr++)
			for (int s = scale_lo[instr]; s <= scale_hi[instr];
			    s++) {
				snprintf(v, sizeof v, "%d", s);
				crm_report_put(out, name, k,
				    crm_vocab_instrument[instr], v,
				    g->h[instr][s]);
			}
		for (size_t j = 0; j < g->nsq; j++)
			for (int m = 0; m < 4; m++)
				crm_report_put(out, name, k, sq_metric[m],
				    crm_strmap_key(&S->items, j, NULL),
				    g->sq[j].a[m]);
	}
}

static void
sat_partial(void *st, struct crm_report_sink *out)
{
	struct sat *S = st;

	scope_put(S, &S->t, "t", out);
	scope_put(S, &S->m, "m", out);
}

static int
sat_merge(void *st, const char *scope, const char *group, const char *metric,
    const char *value, int64_t n, const char **why, int *col)
{
	struct sat *S = st;
	struct scope *sc;
	struct group *g;
	int instr;

	(void)why;              /* unknown counters are ignored */
	(void)col;
	if (!strcmp(scope, "t"))
		sc = &S->t;
	else if (!strcmp(scope, "m"))
		sc = &S->m;
	else
		return 0;
	/* Any counter of a group makes the group one of the rows. */
	g = group_of(sc, group, strlen(group));
	for (int k = 0; k < 4; k++)
		if (!strcmp(metric, sq_metric[k])) {
			sq_of(S, g, value, strlen(value))->a[k] += n;
			return 0;
		}
	instr = crm_vocab_index(crm_vocab_instrument, metric, strlen(metric));
	if (instr >= I_CSAT && instr <= I_CES) {
		int64_t v;
		char back[8];

		if (crm_int_parse(value, strlen(value), scale_lo[instr],
		    scale_hi[instr], &v))
			return 0;
		snprintf(back, sizeof back, "%d", (int)v);
		if (strcmp(back, value))
			return 0;       /* not a score as a partial writes it */
		g->h[instr][v] += n;
	}
	return 0;
}

/* ---- tables ---- */

/* The histogram of instr for group slot gi, or pooled over all groups
 * (gi CRM_STRMAP_NONE). */
static void
hist(const struct scope *sc, size_t gi, int instr, int64_t *h)
{
	for (int v = 0; v <= 10; v++)
		h[v] = 0;
	for (size_t g = 0; g < crm_strmap_count(&sc->keys); g++)
		if (gi == CRM_STRMAP_NONE || g == gi)
			for (int v = scale_lo[instr]; v <= scale_hi[instr]; v++)
				h[v] += sc->g[g].h[instr][v];
}

static int
hist_any(const int64_t *h, int instr)
{
	for (int v = scale_lo[instr]; v <= scale_hi[instr]; v++)
		if (h[v])
			return 1;
	return 0;
}

static void
csat_row(struct crm_rtab *t, const char *label, const int64_t *h)
{
	int64_t n, good, sum;

	crm_report_csat(h, &n, &good, &sum);
	crm_rtab_cell(t, label);
	crm_report_int(t, n);
	crm_report_int(t, good);
	crm_report_share(t, (double)good, (double)n);
	crm_report_mean(t, (double)sum, (double)n);
}

static void
nps_row(struct crm_rtab *t, const char *label, const int64_t *h)
{
	int64_t n, pro, det;
	double nps = crm_report_nps(h, &n, &pro, &det);

	crm_rtab_cell(t, label);
	crm_report_int(t, n);
	crm_report_int(t, pro);
	crm_report_int(t, n - pro - det);
	crm_report_int(t, det);
	if (isnan(nps))
		crm_rtab_cell(t, NULL);
	else
		crm_rtab_cellf(t, "%.1f", nps + 0.0);
}

static void
ces_row(struct crm_rtab *t, const char *label, const int64_t *h)
{
	int64_t n = 0, sum = 0;

	for (int v = 1; v <= 7; v++) {
		n += h[v];
		sum += v * h[v];
	}
	crm_rtab_cell(t, label);
	crm_report_int(t, n);
	crm_report_mean(t, (double)sum, (double)n);
}

/* One row of the SERVQUAL tables from pooled sums. */
static void
sq_row(struct crm_rtab *t, const char *group, const char *label,
    const int64_t *a)
{
	double gap = crm_report_sq_gap(a);

	crm_rtab_cell(t, group);
	crm_rtab_cell(t, label);
	crm_report_int(t, a[0]);
	crm_report_mean(t, (double)a[1], (double)a[0]);
	crm_report_int(t, a[2]);
	crm_report_mean(t, (double)a[3], (double)a[2]);
	if (isnan(gap))
		crm_rtab_cell(t, NULL);
	else
		crm_rtab_cellf(t, "%.2f", gap + 0.0);
}

/* SERVQUAL rows for group slot gi (CRM_STRMAP_NONE: all groups pooled),
 * labelled label; items in isort order (sorted), dimensions (the item's
 * name up to its first '_') sorted too. */
static void
sq_rows(struct sat *S, struct crm_rtab *items, struct crm_rtab *dims,
    const size_t *isort, size_t gi, const char *label)
{
	size_t ni = crm_strmap_count(&S->items), nd = 0;
	char **dn = crm_xcalloc(ni + 1, sizeof *dn);
	int64_t (*da)[4] = crm_xcalloc(ni + 1, sizeof *da);
	struct scope *sc = &S->t;

	for (size_t x = 0; x < ni; x++) {
		size_t i = isort[x];
		const char *name = crm_strmap_key(&S->items, i, NULL);
		int64_t a[4] = { 0, 0, 0, 0 };
		const char *us = strchr(name, '_');
		size_t dl = us ? (size_t)(us - name) : strlen(name), d;

		for (size_t g = 0; g < crm_strmap_count(&sc->keys); g++) {
			const int64_t *b;

			if (gi != CRM_STRMAP_NONE && g != gi)
				continue;
			b = sq_get(&sc->g[g], i);
			for (int k = 0; k < 4; k++)
				a[k] += b[k];
		}
		if (!a[0] && !a[2])
			continue;       /* not answered in this group */
		sq_row(items, label, name, a);
		for (d = 0; d < nd; d++)
			if (strlen(dn[d]) == dl && !strncmp(dn[d], name, dl))
				break;
		if (d == nd)
			dn[nd++] = crm_xstrndup(name, dl);
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
}

static int
sat_tables(void *st, struct crm_rtab **t, char *err, size_t errlen)
{
	struct sat *S = st;
	struct scope *sc = &S->t;
	size_t ng = crm_strmap_count(&sc->keys);
	size_t *gs = crm_report_sorted(&sc->keys);
	size_t *is = crm_report_sorted(&S->items);
	int64_t h[11];
	int tot = S->by != BY_NONE;

	(void)err;
	(void)errlen;
	t[0] = CRM_REPORT_TAB("csat", 1, "group", "responses", "satisfied",
	    "csat", "mean");
	t[1] = CRM_REPORT_TAB("distribution", 2, "instrument", "score",
	    "responses", "share");
	crm_rtab_numeric(t[1], 1);      /* a label, and a number */
	t[2] = CRM_REPORT_TAB("nps", 1, "group", "responses", "promoters",
	    "passives", "detractors", "nps");
	t[3] = CRM_REPORT_TAB("ces", 1, "group", "responses", "mean");
	t[4] = CRM_REPORT_TAB("servqual_items", 2, "group", "item",
	    "perception_n", "perception", "expectation_n", "expectation",
	    "gap");
	t[5] = CRM_REPORT_TAB("servqual_dimensions", 2, "group", "dimension",
	    "perception_n", "perception", "expectation_n", "expectation",
	    "gap");
	crm_rtab_chart(t[1], 1, 3, "%.4f");
	crm_rtab_chart(t[0], 0, 3, "%.4f");
	crm_rtab_chart(t[2], 0, 5, "%.1f");
	for (size_t x = 0; x < ng; x++) {
		size_t g = gs[x];
		const char *name = crm_strmap_key(&sc->keys, g, NULL);

		hist(sc, g, I_CSAT, h);
		if (hist_any(h, I_CSAT))
			csat_row(t[0], name, h);
		hist(sc, g, I_NPS, h);
		if (hist_any(h, I_NPS))
			nps_row(t[2], name, h);
		hist(sc, g, I_CES, h);
		if (hist_any(h, I_CES))
			ces_row(t[3], name, h);
		sq_rows(S, t[4], t[5], is, g, name);
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
		hist(sc, CRM_STRMAP_NONE, I_CSAT, h);
		csat_row(t[0], label, h);
		hist(sc, CRM_STRMAP_NONE, I_NPS, h);
		nps_row(t[2], label, h);
		hist(sc, CRM_STRMAP_NONE, I_CES, h);
		ces_row(t[3], label, h);
		if (tot)
			sq_rows(S, t[4], t[5], is, CRM_STRMAP_NONE, label);
	}
	for (int instr = I_CSAT; instr <= I_CES; instr++) {
		int64_t n = 0;

		hist(sc, CRM_STRMAP_NONE, instr, h);
		for (int v = scale_lo[instr]; v <= scale_hi[instr]; v++)
			n += h[v];
		for (int v = scale_lo[instr]; v <= scale_hi[instr]; v++) {
			crm_rtab_cell(t[1], crm_vocab_instrument[instr]);
			crm_rtab_cellf(t[1], "%d", v);
			crm_report_int(t[1], h[v]);
			crm_report_share(t[1], (double)h[v], (double)n);
		}
	}
	if (S->by == BY_MONTH || S->by == BY_WEEK) {
		/* the groups are periods: mark the running one */
		crm_report_complete(t[0], S->o, 0);
		for (int k = 2; k <= 5; k++)
			crm_report_complete(t[k], S->o, 0);
	}
	free(gs);
	free(is);
	return 6;
}

void
crm_report_sat_chart(struct crm_buf *svg, size_t k,
    const char *const *months, const int64_t (*h)[3][11], size_t nm)
{
	static const struct crm_svg_axis share = { 0, 1, "%", 100 };
	static const struct crm_svg_axis points = { -100, 100, "", 1 };
	static const char *const rname[3] = {
		"CSAT responses", "NPS responses", "CES responses"
	};
	double *y = crm_xcalloc(crm_mulsz(5, nm) + 1, sizeof *y);
	double *r = y + 2 * nm;         /* responses, by instrument */
	struct crm_svg_series s[3];
	size_t ns = 0;

	for (size_t i = 0; i < nm; i++) {
		int64_t n, pro, det, good, sum;

		y[i] = crm_report_csat(h[i][I_CSAT], &n, &good, &sum);
		y[nm + i] = crm_report_nps(h[i][I_NPS], &n, &pro, &det);
		for (int instr = I_CSAT; instr <= I_CES; instr++)
			for (int v = scale_lo[instr]; v <= scale_hi[instr]; v++)
				r[(size_t)instr * nm + i] +=
				    (double)h[i][instr][v];
	}
	if (k == 0) {
		s[0].name = "CSAT (share of 4-5)";
		s[0].y = y;
		crm_svg_lines_ax(svg, "CSAT by month", "month",
		    "CSAT, % of responses scoring 4-5", months, nm, s, 1,
		    &share);
	} else if (k == 1) {
		s[0].name = "NPS (promoters - detractors)";
		s[0].y = y + nm;
		crm_svg_lines_ax(svg, "NPS by month", "month",
		    "NPS, points from -100 to 100", months, nm, s, 1, &points);
	} else {
		/* the instruments answered at all; CSAT when none was */
		for (int instr = I_CSAT; instr <= I_CES; instr++) {
			int any = 0;

			for (size_t i = 0; i < nm; i++)
				any |= r[(size_t)instr * nm + i] > 0;
			if (any) {
				s[ns].name = rname[instr];
				s[ns++].y = r + (size_t)instr * nm;
			}
		}
		if (ns == 0) {
			s[0].name = rname[I_CSAT];
			s[ns++].y = r;
		}
		crm_svg_lines_ax(svg, "Survey responses by month", "month",
		    "responses (count)", months, nm, s, ns, NULL);
	}
	free(y);
}

static size_t
sat_plots(void *st, size_t k, struct crm_buf *svg, const char **name)
{
	static const char *const names[] = { "csat", "nps", "responses" };
	struct sat *S = st;
	size_t nm, *ms;
	const char **months;
	int64_t (*h)[3][11];

	if (k >= 3)
		return 3;
	*name = names[k];
	if (!svg)
		return 3;
	nm = crm_strmap_count(&S->m.keys);
	ms = crm_report_sorted(&S->m.keys);
	months = crm_xcalloc(nm + 1, sizeof *months);
	h = crm_xcalloc(nm + 1, sizeof *h);
	for (size_t i = 0; i < nm; i++) {
		months[i] = crm_strmap_key(&S->m.keys, ms[i], NULL);
		for (int instr = I_CSAT; instr <= I_CES; instr++)
			hist(&S->m, ms[i], instr, h[i][instr]);
	}
	crm_report_sat_chart(svg, k, months, (const int64_t (*)[3][11])h, nm);
	free(h);
	free(months);
	free(ms);
	return 3;
}

const struct crm_report_ops crm_report_satisfaction = {
	.name = "satisfaction",
	.flags = CRM_REPORT_MERGE | CRM_REPORT_BY,
	.by = by_values,
	.columns = NULL,
	.new = sat_new,
	.begin = sat_begin,
	.add = sat_add,
	.partial = sat_partial,
	.merge = sat_merge,
	.tables = sat_tables,
	.plots = sat_plots,
	.free = sat_free,
	.by_attr = 1,
};
