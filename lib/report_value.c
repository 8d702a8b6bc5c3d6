/*
 * report_value: the 20/80 report over transactions: revenue share of the
 * top 1/5/10/20/50% of customers, the share of customers that make 80% of
 * revenue, the Gini coefficient, the customer pyramid and the ABC classes;
 * and two charts, the Pareto curve and the Lorenz curve with the Gini
 * coefficient printed as the table prints it.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_figs.h"
#include "report_tx.h"
#include "sort.h"
#include "svg.h"

struct value {
	struct crm_report_tx tx;        /* first: the tx operations use it */
	int64_t *v;                     /* revenues, ascending */
	size_t n;
	__int128 total;
};

/* ---- figures ---- */

double
crm_report_gini(const int64_t *v, size_t n)
{
	__int128 pos = 0, s1 = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i] > 0) {
			pos += v[i];
			s1 += (__int128)(i + 1) * v[i];
		}
	if (pos <= 0)
		return NAN;
	return (double)((long double)(2 * s1 - (__int128)(n + 1) * pos) /
	    ((long double)n * (long double)pos));
}

void
crm_report_gini_text(char out[16], double gini)
{
	if (isnan(gini))
		out[0] = '\0';
	else
		snprintf(out, 16, "%.4f", gini + 0.0);
}

size_t
crm_report_top_n(int pct, size_t n)
{
	return (size_t)(((__int128)pct * n + 99) / 100);
}

size_t
crm_report_customers_for(const int64_t *v, size_t n, int pct)
{
	__int128 total = 0, cum = 0;
	size_t m;

	for (size_t i = 0; i < n; i++)
		total += v[i];
	if (total <= 0)
		return 0;
	for (m = 0; m < n && cum * 100 < total * pct; m++)
		cum += v[n - 1 - m];
	return m;
}

/* ---- state ---- */

static void *
value_new(struct crm_report_opts *o)
{
	struct value *V = crm_xcalloc(1, sizeof *V);

	crm_report_tx_init(&V->tx, o);
	return V;
}

static void
value_free(void *st)
{
	struct value *V = st;

	crm_report_tx_release(&V->tx);
	free(V->v);
	free(V);
}

/* Revenue per customer, sorted ascending, into V->v; -1 with a message
 * when a customer's revenue is out of range. */
static int
revenues(struct value *V, uint64_t *orders, char *err, size_t errlen)
{
	size_t n;
	const struct crm_cust **cs = crm_report_tx_customers(&V->tx, &n);
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
		if (sum > INT64_MAX || sum < INT64_MIN) {
			snprintf(err, errlen, "customer '%s': revenue out of "
			    "range", c->id);
			free(cs);
			free(v);
			return -1;
		}
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
	V->v = v;
	V->n = n;
	return 0;
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

/* The mean revenue from the exact sum, to the cent (crm_money_mean). */
static void
avg_money(struct crm_rtab *t, __int128 sum, size_t n)
{
	if (n == 0)
		crm_rtab_cell(t, NULL);
	else
		money_cell(t, crm_money_mean(sum, n));
}

static int
value_tables(void *st, struct crm_rtab **t, char *err, size_t errlen)
{
	static const int tops[] = { 1, 5, 10, 20, 50, 100 };
	struct value *V = st;
	size_t n, m80;
	uint64_t orders;
	int64_t *v;
	unsigned char *tier, *abc;
	__int128 total = 0, cum = 0, tr[4] = { 0 }, ar[3] = { 0 }, top20 = 0;
	size_t tc[4] = { 0 }, ac[3] = { 0 };
	char gini[16];

	if (crm_report_tx_exact(&V->tx, err, errlen) < 0 ||
	    revenues(V, &orders, err, errlen) < 0)
		return -1;
	v = V->v;
	n = V->n;
	tier = crm_xmalloc(n ? n : 1);
	abc = crm_xmalloc(n ? n : 1);
	for (size_t i = 0; i < n; i++)
		total += v[i];
	V->total = total;
	crm_pyramid_classify(v, n, &V->tx.o->pyr, tier, abc);
	for (size_t i = 0; i < n; i++) {
		tc[tier[i]]++;
		tr[tier[i]] += v[i];
		ac[abc[i]]++;
		ar[abc[i]] += v[i];
	}

	t[0] = CRM_REPORT_TAB("summary", 1, "metric", "value");
	t[1] = CRM_REPORT_TAB("pareto", 0, "top_pct", "customers", "revenue",
	    "revenue_share");
	t[2] = CRM_REPORT_TAB("pyramid", 1, "tier", "customers", "revenue",
	    "share", "avg_revenue");
	t[3] = CRM_REPORT_TAB("abc", 1, "class", "customers", "revenue",
	    "share", "avg_revenue");
	crm_rtab_chart(t[1], 0, 3, "%.4f");
	crm_rtab_chart(t[2], 0, 3, "%.4f");
	crm_rtab_chart(t[3], 0, 3, "%.4f");

	for (size_t k = 0, m = 0; k < sizeof tops / sizeof tops[0]; k++) {
		size_t want = crm_report_top_n(tops[k], n);

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
	m80 = crm_report_customers_for(v, n, 80);

	crm_rtab_cell(t[0], "customers");
	crm_rtab_cellf(t[0], "%zu", n);
	/* with order ids the lines, then the distinct orders they make */
	crm_rtab_cell(t[0], "transactions");
	crm_rtab_cellf(t[0], "%" PRIu64, V->tx.has_orders ? V->tx.lines :
	    orders);
	if (V->tx.has_orders) {
		crm_rtab_cell(t[0], "orders");
		crm_rtab_cellf(t[0], "%" PRIu64, orders);
	}
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
	crm_report_gini_text(gini, crm_report_gini(v, n));
	crm_rtab_cell(t[0], *gini ? gini : NULL);

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
	free(tier);
	free(abc);
	return 4;
}

static void
pareto_chart(const struct value *V, struct crm_buf *svg)
{
	const int64_t *v = V->v;
	size_t n = V->n, m = 0;
	__int128 total = V->total, cum = 0;
	double y[101], eq[101];
	char lab[101][8];
	const char *labels[101];
	struct crm_svg_series s[2] = {
		{ "cumulative revenue share", y },
		{ "equal revenue per customer", eq }
	};

	for (int k = 0; k <= 100; k++) {
		size_t want = crm_report_top_n(k, n);

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
	crm_svg_lines(svg, "Pareto curve: revenue by share of customers",
	    "top share of customers, by revenue", "share of revenue", labels,
	    101, s, 2, 1);
}

void
crm_report_lorenz(const int64_t *v, size_t n, double y[101])
{
	__int128 pos = 0, cum = 0;
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i] > 0)
			pos += v[i];
	for (int k = 0; k <= 100; k++) {
		/* k% of n customers is m whole ones and a fraction of the
		 * next: the curve is straight between customers */
		size_t want = (size_t)(((__int128)k * n) / 100);
		double frac = (double)(((__int128)k * n) % 100) / 100;
		long double at;

		for (; m < want; m++)
			cum += v[m] > 0 ? v[m] : 0;
		at = (long double)cum;
		if (m < n && v[m] > 0)
			at += (long double)frac * (long double)v[m];
		y[k] = pos > 0 ? (double)(at / (long double)pos) : NAN;
	}
}

void
crm_report_lorenz_chart(struct crm_buf *svg, const int64_t *v, size_t n)
{
	double y[101], eq[101];
	char lab[101][8], gini[16], title[96];
	const char *labels[101];
	struct crm_svg_series s[2] = {
		{ "cumulative revenue share, the least first", y },
		{ "equal revenue per customer", eq }
	};

	crm_report_lorenz(v, n, y);
	for (int k = 0; k <= 100; k++) {
		eq[k] = k / 100.0;
		snprintf(lab[k], sizeof lab[k], "%d%%", k);
		labels[k] = k % 10 == 0 ? lab[k] : "";
	}
	crm_report_gini_text(gini, crm_report_gini(v, n));
	snprintf(title, sizeof title, "Lorenz curve: revenue by share of "
	    "customers, Gini %s", *gini ? gini : "n/a");
	crm_svg_lines(svg, title, "share of customers (%), the least "
	    "revenue first", "share of revenue (%)", labels, 101, s, 2, 1);
}

static size_t
value_plots(void *st, size_t k, struct crm_buf *svg, const char **name)
{
	static const char *const names[] = { "pareto", "lorenz" };
	struct value *V = st;

	if (k >= 2)
		return 2;
	*name = names[k];
	if (svg && k == 0)
		pareto_chart(V, svg);
	else if (svg)
		crm_report_lorenz_chart(svg, V->v, V->n);
	return 2;
}

const struct crm_report_ops crm_report_value = {
	.name = "value",
	.flags = CRM_REPORT_ASOF | CRM_REPORT_TIERS | CRM_REPORT_MERGE |
	    CRM_REPORT_PHEAD,
	.by = NULL,
	.columns = crm_report_tx_columns,
	.new = value_new,
	.begin = crm_report_tx_begin,
	.add = crm_report_tx_add,
	.partial = crm_report_tx_partial,
	.merge = crm_report_tx_merge,
	.tables = value_tables,
	.plots = value_plots,
	.free = value_free,
	.by_attr = 1,
};
