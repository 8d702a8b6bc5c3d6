/*
 * report_churn: gross churn per month, quarter or ISO week over
 * transactions (active at the start, new, returning, lost, lost revenue)
 * and, with --cohorts, retention by first-purchase cohort, drawn as a
 * line or a heat map.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_figs.h"
#include "report_tx.h"
#include "svg.h"

#define MAX_PERIODS 2400

struct churn {
	struct crm_report_tx tx;        /* first: the tx operations use it */
	/* Kept from the tables for the picture. */
	size_t np;
	int32_t p0;
	int64_t *lost, *astart, *coh, *cohn;
};

double
crm_report_churn_rate(int64_t lost, int64_t active_start)
{
	return active_start ? (double)lost / (double)active_start : NAN;
}

static int32_t
period_of(int32_t day, int k)
{
	return crm_report_period_of(day, (enum crm_report_period)k);
}

static void
period_label(int32_t p, int k, char out[CRM_REPORT_PLABEL])
{
	crm_report_period_label(p, (enum crm_report_period)k, out);
}

static void *
churn_new(struct crm_report_opts *o)
{
	struct churn *C = crm_xcalloc(1, sizeof *C);

	crm_report_tx_init(&C->tx, o);
	C->tx.no_orders = 1;    /* churn counts customers and days, not orders */
	return C;
}

static void
churn_free(void *st)
{
	struct churn *C = st;

	crm_report_tx_release(&C->tx);
	free(C->lost);
	free(C->astart);
	free(C->coh);
	free(C->cohn);
	free(C);
}

static int
churn_tables(void *st, struct crm_rtab **t, char *err, size_t errlen)
{
	struct churn *C = st;
	const struct crm_report_opts *o = C->tx.o;
	int q = o->period;
	size_t n, np;
	const struct crm_cust **cs = crm_report_tx_customers(&C->tx, &n);
	int32_t p0, p1, maxday = crm_custagg_maxday(C->tx.agg);
	int64_t *active, *lost, *fresh, *back, *astart;
	__int128 *lrev;
	int64_t *coh = NULL, *cohn = NULL;
	char lab[CRM_REPORT_PLABEL];
	int32_t dmin = INT32_MAX, dmax = o->asof_set ? o->asof_day : maxday;
	int32_t *ptab;
	int nt;

	if (crm_report_tx_exact(&C->tx, err, errlen) < 0) {
		free(cs);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (crm_cust_first(cs[i]) < dmin)
			dmin = crm_cust_first(cs[i]);
	p1 = period_of(dmax, q);
	p0 = n ? period_of(dmin, q) : p1;
	if (p1 - p0 + 1 > MAX_PERIODS) {
		snprintf(err, errlen, "churn: %d periods from the first "
		    "purchase to the as-of day: more than %d", p1 - p0 + 1,
		    MAX_PERIODS);
		free(cs);
		return -1;
	}
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
	if (o->cohorts) {
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
	t[0] = CRM_REPORT_TAB("churn", 1, "period", "active_start", "new",
	    "returning", "lost", "active", "churn_rate", "lost_revenue");
	crm_rtab_chart(t[0], 0, 6, "%.4f");
	for (size_t p = 0; p < np; p++) {
		struct crm_money_sum m;
		char buf[48];
		double rate;

		astart[p] = p ? active[p - 1] : 0;
		period_label(p0 + (int32_t)p, q, lab);
		crm_rtab_cell(t[0], lab);
		crm_report_int(t[0], astart[p]);
		crm_report_int(t[0], fresh[p]);
		crm_report_int(t[0], back[p]);
		crm_report_int(t[0], lost[p]);
		crm_report_int(t[0], active[p]);
		rate = crm_report_churn_rate(lost[p], astart[p]);
		if (isnan(rate))
			crm_rtab_cell(t[0], NULL);
		else
			crm_rtab_cellf(t[0], "%.4f", rate);
		m.v = lrev[p];
		crm_money_sum_format(&m, buf);
		crm_rtab_cell(t[0], buf);
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
		t[1] = crm_report_tab("cohorts", cols, np + 2, 1);
		for (size_t c = 0; c < np; c++) {
			if (!cohn[c])
				continue;       /* no customer started then */
			period_label(p0 + (int32_t)c, q, lab);
			crm_rtab_cell(t[1], lab);
			crm_report_int(t[1], cohn[c]);
			for (size_t k = 0; k < np; k++) {
				if (c + k >= np)
					crm_rtab_cell(t[1], NULL);
				else
					crm_report_share(t[1],
					    (double)coh[c * np + k],
					    (double)cohn[c]);
			}
		}
		for (size_t k = 0; k < np; k++)
			free(names[k]);
		free(names);
		free(cols);
	}
	crm_report_complete(t[0], o, 0);
	if (coh)
		crm_report_complete(t[1], o, 0);
	nt = coh ? 2 : 1;
	if (o->attrs)
		t[nt++] = crm_report_lost_reasons(o, cs, n);
	C->np = np;
	C->p0 = p0;
	C->lost = lost;
	C->astart = astart;
	C->coh = coh;
	C->cohn = cohn;
	free(cs);
	free(ptab);
	free(active);
	free(fresh);
	free(back);
	free(lrev);
	return nt;
}

/* Chart k: with --cohorts the heat map first, then the churn rate. */
static size_t
churn_plots(void *st, size_t ck, struct crm_buf *svg, const char **name)
{
	struct churn *C = st;
	int q = C->tx.o->period, coh = C->tx.o->cohorts;
	size_t np = C->np, nc = coh ? 2 : 1;

	if (ck >= nc)
		return nc;
	*name = coh && ck == 0 ? "cohorts" : "rate";
	if (!svg)
		return nc;
	if (coh && ck == 0) {
		char **rl = crm_xcalloc(np + 1, sizeof *rl);
		char **cl = crm_xcalloc(np + 1, sizeof *cl);
		double *hv = crm_xcalloc(crm_mulsz(np, np), sizeof *hv);
		size_t nr = 0;

		for (size_t k = 0; k < np; k++) {
			cl[k] = crm_xmalloc(24);
			snprintf(cl[k], 24, "+%zu", k);
		}
		for (size_t c = 0; c < np; c++) {
			if (!C->cohn[c])
				continue;
			rl[nr] = crm_xmalloc(CRM_REPORT_PLABEL);
			period_label(C->p0 + (int32_t)c, q, rl[nr]);
			for (size_t k = 0; k < np; k++)
				hv[nr * np + k] = c + k >= np ? NAN :
				    (double)C->coh[c * np + k] /
				    (double)C->cohn[c];
			nr++;
		}
		crm_svg_heatmap(svg, "Retention by first-purchase cohort",
		    q == CRM_PERIOD_QUARTER ? "quarters since first purchase" :
		    q == CRM_PERIOD_WEEK ? "weeks since first purchase" :
		    "months since first purchase", "cohort",
		    (const char *const *)rl, nr, (const char *const *)cl, np,
		    hv);
		crm_strv_free(rl);
		crm_strv_free(cl);
		free(hv);
	} else {
		char **xl = crm_xcalloc(np + 1, sizeof *xl);
		double *y = crm_xcalloc(np + 1, sizeof *y);
		struct crm_svg_series s = { "gross churn rate", y };

		for (size_t p = 0; p < np; p++) {
			xl[p] = crm_xmalloc(CRM_REPORT_PLABEL);
			period_label(C->p0 + (int32_t)p, q, xl[p]);
			y[p] = crm_report_churn_rate(C->lost[p],
			    C->astart[p]);
		}
		crm_svg_lines(svg, "Gross churn rate by period",
		    crm_report_period_name((enum crm_report_period)q),
		    "churn rate",
		    (const char *const *)xl, np, &s, 1, 1);
		crm_strv_free(xl);
		free(y);
	}
	return nc;
}

const struct crm_report_ops crm_report_churn = {
	.name = "churn",
	.flags = CRM_REPORT_ASOF | CRM_REPORT_PERIOD | CRM_REPORT_COHORTS |
	    CRM_REPORT_MERGE | CRM_REPORT_PHEAD,
	.by = NULL,
	.columns = crm_report_tx_columns,
	.new = churn_new,
	.begin = crm_report_tx_begin,
	.add = crm_report_tx_add,
	.partial = crm_report_tx_partial,
	.merge = crm_report_tx_merge,
	.tables = churn_tables,
	.plots = churn_plots,
	.free = churn_free,
	.by_attr = 1,
};
