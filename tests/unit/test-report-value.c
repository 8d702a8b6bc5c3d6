/*
 * Unit tests for the value report (lib/report_value.c): the Gini
 * coefficient (negative revenues included), the top-share counts and the
 * customers for 80%, the Lorenz curve, then the Pareto, summary and
 * pyramid rows and the Lorenz chart from the report's own operations.  Every expected number is worked out by hand
 * in the comment beside it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "report_figs.h"
#include "util.h"
#include "unit.h"
#include "report-feed.h"

static void
test_figures(void)
{
	/* Ascending -50, 0, 10, 30, 60: over max(v, 0) = 0, 0, 10, 30, 60,
	 * sum 100, sum i x_i = 3*10 + 4*30 + 5*60 = 450, n 5:
	 * (2*450 - 6*100) / (5*100) = 300 / 500 = 0.6.  The negative
	 * revenue counts as a customer with nothing. */
	static const int64_t neg[] = { -50, 0, 10, 30, 60 };
	/* Equal revenues: sum i x_i = 10 (1+2+3+4) = 100, sum 40:
	 * (200 - 5*40) / (4*40) = 0. */
	static const int64_t eq[] = { 10, 10, 10, 10 };
	/* One customer with everything among four: sum i x_i = 4*100,
	 * (800 - 5*100) / (4*100) = 0.75 = (n - 1) / n. */
	static const int64_t one[] = { 0, 0, 0, 100 };
	static const int64_t none[] = { -5, 0 };
	static const int64_t asc[] = { 10, 20, 30, 40 };

	unit_near(crm_report_gini(neg, 5), 0.6, 1e-12,
	    "gini with a negative revenue");
	unit_near(crm_report_gini(eq, 4), 0.0, 1e-12,
	    "gini of equal revenues is 0");
	unit_near(crm_report_gini(one, 4), 0.75, 1e-12,
	    "gini of one customer with all is (n - 1) / n");
	UNIT_OK(isnan(crm_report_gini(none, 2)),
	    "gini without positive revenue is no figure");
	/* ceil(pct n / 100): 1% and 20% of 5 are 1, 50% of 5 is 3, 100%
	 * of 7 is 7, 10% of 11 is 2. */
	unit_inteq((long long)crm_report_top_n(1, 5), 1, "top 1% of 5");
	unit_inteq((long long)crm_report_top_n(20, 5), 1, "top 20% of 5");
	unit_inteq((long long)crm_report_top_n(50, 5), 3, "top 50% of 5");
	unit_inteq((long long)crm_report_top_n(100, 7), 7, "top 100% of 7");
	unit_inteq((long long)crm_report_top_n(10, 11), 2, "top 10% of 11");
	unit_inteq((long long)crm_report_top_n(0, 11), 0, "top 0%");
	/* 10, 20, 30, 40 (total 100), the best first: 40, 70, 100: three
	 * customers reach 80. */
	unit_inteq((long long)crm_report_customers_for(asc, 4, 80), 3,
	    "customers for 80%");
	/* -50 .. 60 total 50: 60 alone is more than 40 = 80% of 50. */
	unit_inteq((long long)crm_report_customers_for(neg, 5, 80), 1,
	    "customers for 80% with a negative revenue");
	unit_inteq((long long)crm_report_customers_for(none, 2, 80), 0,
	    "no customers for 80% of nothing");
}

static void
test_lorenz(void)
{
	/* -50, 0, 10, 30, 60 over max(v, 0): 0, 0, 10, 30, 60, total 100.
	 * 20% of 5 is customer 1 whole: 0.  50% is 2.5 customers: 0 + 0 +
	 * half of 10 = 5, 0.05.  70%: 3.5, 10 + 15 = 25.  90%: 4.5, 40 +
	 * 30 = 70.  100%: all. */
	static const int64_t neg[] = { -50, 0, 10, 30, 60 };
	static const int64_t none[] = { -5, 0 };
	double y[101], area = 0;
	char g[16];

	crm_report_lorenz(neg, 5, y);
	unit_near(y[0], 0, 1e-15, "lorenz 0%");
	unit_near(y[20], 0, 1e-15, "lorenz 20%: one customer with nothing");
	unit_near(y[50], 0.05, 1e-15, "lorenz 50%: half of the third");
	unit_near(y[70], 0.25, 1e-15, "lorenz 70%");
	unit_near(y[90], 0.70, 1e-15, "lorenz 90%");
	unit_near(y[100], 1, 1e-15, "lorenz 100%");
	/* 5 divides 100, so every corner of the curve is a sample and the
	 * trapezoids are its exact area: 1 - 2 area is the Gini, 0.6. */
	for (int k = 1; k <= 100; k++)
		area += (y[k - 1] + y[k]) / 2 / 100;
	unit_near(1 - 2 * area, crm_report_gini(neg, 5), 1e-12,
	    "lorenz: twice the area off the diagonal is the gini");
	crm_report_lorenz(none, 2, y);
	UNIT_OK(isnan(y[50]), "lorenz without positive revenue: no curve");
	crm_report_gini_text(g, 0.6);
	unit_streq(g, "0.6000", "gini text: four places");
	crm_report_gini_text(g, NAN);
	unit_streq(g, "", "gini text: none");
}

/* A 100.00 (two orders), B 50, C 30, D 15, E 5: total 200. */
static const char tx[] =
    "customer_id\tdate\tamount\n"
    "A\t2026-01-01\t60.00\n"
    "A\t2026-02-01\t40.00\n"
    "B\t2026-01-03\t50.00\n"
    "C\t2026-01-04\t30.00\n"
    "D\t2026-01-05\t15.00\n"
    "E\t2026-01-06\t5.00\n"
    "F\t2026-01-07\tx\n";

static void
test_report(void)
{
	const struct crm_report_ops *ops = crm_report_find("value");
	struct crm_report_opts o;
	struct crm_rtab *ts[CRM_REPORT_MAXTABS], *t;
	void *st;
	int n;

	memset(&o, 0, sizeof o);
	crm_pyramid_defaults(&o.pyr);
	n = feed(ops, &o, &st, tx, ts);
	unit_inteq(n, 4, "four tables");
	unit_inteq(o.status, 1, "a bad amount is rejected");
	t = tab(ts, n, "pareto");
	/* 1%, 5%, 10%, 20% of 5 customers: ceil gives 1, A alone: 100.00,
	 * half of 200. */
	unit_streq(crm_rtab_get(t, 0, 1), "1", "top 1% is one customer");
	unit_streq(crm_rtab_get(t, 3, 2), "100.00", "top 20% revenue");
	unit_streq(crm_rtab_get(t, 3, 3), "0.5000", "top 20% share");
	/* 50%: ceil(2.5) = 3: A + B + C = 180.00, 0.9 of 200. */
	unit_streq(crm_rtab_get(t, 4, 1), "3", "top 50% customers");
	unit_streq(crm_rtab_get(t, 4, 2), "180.00", "top 50% revenue");
	unit_streq(crm_rtab_get(t, 4, 3), "0.9000", "top 50% share");
	unit_streq(crm_rtab_get(t, 5, 3), "1.0000", "top 100% share");
	t = tab(ts, n, "summary");
	unit_streq(crm_rtab_get(t, 0, 1), "5", "customers");
	unit_streq(crm_rtab_get(t, 1, 1), "6", "transactions");
	unit_streq(crm_rtab_get(t, 2, 1), "200.00", "revenue");
	unit_streq(crm_rtab_get(t, 3, 1), "40.00", "avg revenue 200 / 5");
	/* 80% of 200 is 160: A 100, A + B 150, A + B + C 180: 3 of 5 =
	 * 60.00%. */
	unit_streq(crm_rtab_get(t, 5, 1), "60.00", "pct customers for 80");
	/* Ascending 5, 15, 30, 50, 100: sum i x_i = 5 + 30 + 90 + 200 + 500
	 * = 825; (1650 - 6*200) / (5*200) = 0.45. */
	unit_streq(crm_rtab_get(t, 6, 1), "0.4500", "gini");
	t = tab(ts, n, "pyramid");
	/* The totals row: every customer, all the revenue, share 1. */
	unit_streq(crm_rtab_get(t, 4, 0), "total", "pyramid total row");
	unit_streq(crm_rtab_get(t, 4, 3), "1.0000", "pyramid total share");
	{
		struct crm_buf svg;
		const char *name = NULL;

		crm_buf_init(&svg);
		unit_inteq((long long)ops->plots(st, 1, &svg, &name), 2,
		    "two charts");
		unit_streq(name, "lorenz", "chart 1 is the lorenz curve");
		/* the gini of the summary table, 0.4500, in the title */
		UNIT_OK(strstr(svg.p, ">Lorenz curve: revenue by share of "
		    "customers, Gini 0.4500</text>") != NULL,
		    "lorenz title holds the table's gini");
		/* ascending 5, 15, 30, 50, 100: 50% of 5 is 2.5 customers,
		 * 5 + 15 + 15 = 35 of 200 */
		UNIT_OK(strstr(svg.p, "<title>cumulative revenue share, the "
		    "least first, 50%: 17.5%</title>") != NULL,
		    "lorenz at 50%: 17.5%");
		crm_buf_release(&svg);
	}
	done(ops, st, ts, n);
}

/*
 * Revenues at 1e15: A 5000000000000000.00, then B .01, C .02, D .02,
 * E .01 above 1000000000000000 (total 9000000000000000.06).  By hand,
 * half away from zero: the mean of all is ...0.06 / 5 = 1800000000000000
 * .012, so .01; platinum is A alone (H 0 < 1% of 5), lead the other four
 * (H 1, not under 20% of 5): 4000000000000000.06 / 4 = 1000000000000000
 * .015, a half, so .02.  python3's decimal (sum / n quantized to 0.01,
 * ROUND_HALF_UP) agrees.  In double, 1e15 units are 0.125 apart: the
 * floating-point means were 1800000000000000.00 and 1000000000000000.00.
 */
static const char big[] =
    "customer_id\tdate\tamount\n"
    "A\t2026-01-01\t5000000000000000.00\n"
    "B\t2026-01-02\t1000000000000000.01\n"
    "C\t2026-01-03\t1000000000000000.02\n"
    "D\t2026-01-04\t1000000000000000.02\n"
    "E\t2026-01-05\t1000000000000000.01\n";
static const char one[] =
    "customer_id\tdate\tamount\n"
    "A\t2026-01-01\t2000000000000000.01\n";

static void
test_exact_means(void)
{
	const struct crm_report_ops *ops = crm_report_find("value");
	struct crm_report_opts o;
	struct crm_rtab *ts[CRM_REPORT_MAXTABS], *t;
	void *st;
	int n;

	memset(&o, 0, sizeof o);
	crm_pyramid_defaults(&o.pyr);
	n = feed(ops, &o, &st, big, ts);
	t = tab(ts, n, "summary");
	unit_streq(crm_rtab_get(t, 2, 1), "9000000000000000.06",
	    "1e15: revenue");
	unit_streq(crm_rtab_get(t, 3, 1), "1800000000000000.01",
	    "1e15: avg_revenue ...0.06 / 5 to the cent");
	t = tab(ts, n, "pyramid");
	unit_streq(crm_rtab_get(t, 0, 4), "5000000000000000.00",
	    "1e15: platinum avg_revenue");
	unit_streq(crm_rtab_get(t, 1, 4), "", "1e15: no gold, no average");
	unit_streq(crm_rtab_get(t, 3, 4), "1000000000000000.02",
	    "1e15: lead avg_revenue, a half rounded away from zero");
	unit_streq(crm_rtab_get(t, 4, 4), "1800000000000000.01",
	    "1e15: pyramid total avg_revenue");
	t = tab(ts, n, "abc");
	/* every customer is A: the revenue above E is 7000000000000000.04,
	 * under 80% of the total */
	unit_streq(crm_rtab_get(t, 0, 4), "1800000000000000.01",
	    "1e15: abc A avg_revenue");
	unit_streq(crm_rtab_get(t, 3, 4), "1800000000000000.01",
	    "1e15: abc total avg_revenue");
	done(ops, st, ts, n);

	n = feed(ops, &o, &st, one, ts);
	t = tab(ts, n, "summary");
	unit_streq(crm_rtab_get(t, 3, 1), "2000000000000000.01",
	    "1e15: one customer's 2000000000000000.01 keeps its cent");
	done(ops, st, ts, n);
}

int
main(void)
{
	test_figures();
	test_lorenz();
	test_report();
	test_exact_means();
	return unit_done();
}
