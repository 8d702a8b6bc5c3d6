/*
 * Unit tests for the funnel report (lib/report_funnel.c): reached counts
 * and conversions on hand-made stage counts, then the rows from the
 * report's own operations, with and without --by.  Every expected number
 * is worked out by hand in the comment beside it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "report_figs.h"
#include "unit.h"
#include "report-feed.h"

static void
test_figures(void)
{
	/* potential 3, intent 2, customer 3, lost 1: reached (this stage or
	 * later) 3+2+3+1 = 9, 2+3+1 = 6, 3+1 = 4, 1; conversion 6/9, 4/6,
	 * 1/4. */
	static const int64_t n[4] = { 3, 2, 3, 1 };
	static const int64_t none[4] = { 0, 0, 2, 0 };
	int64_t r[4];

	crm_report_funnel_reached(n, r);
	unit_inteq(r[0], 9, "everybody reached potential");
	unit_inteq(r[1], 6, "reached intent");
	unit_inteq(r[2], 4, "reached customer (lost ones were customers)");
	unit_inteq(r[3], 1, "reached lost");
	unit_near(crm_report_funnel_conversion(r, 1), 6.0 / 9, 1e-12,
	    "conversion to intent");
	unit_near(crm_report_funnel_conversion(r, 2), 4.0 / 6, 1e-12,
	    "conversion to customer");
	unit_near(crm_report_funnel_conversion(r, 3), 0.25, 1e-12,
	    "lost share of customers");
	UNIT_OK(crm_report_funnel_conversion(r, 0) < 0,
	    "no conversion into the first stage");
	/* customer 2 only: reached 2, 2, 2, 0: every step converts fully,
	 * none lost. */
	crm_report_funnel_reached(none, r);
	unit_near(crm_report_funnel_conversion(r, 1), 1.0, 1e-12,
	    "a customer passed through intent");
	unit_near(crm_report_funnel_conversion(r, 3), 0.0, 1e-12,
	    "nobody lost");
	r[2] = 0;
	UNIT_OK(crm_report_funnel_conversion(r, 3) < 0,
	    "no conversion when nobody reached the stage before");
}

/* Beijing: potential 1, customer 1, lost 1; Shanghai: intent 1 and one
 * without a status.  All five: shares 0.2 each. */
static const char cust[] =
    "customer_id\tstatus\tcity\n"
    "C1\tpotential\tBeijing\n"
    "C2\tcustomer\tBeijing\n"
    "C3\tlost\tBeijing\n"
    "C4\tintent\tShanghai\n"
    "C5\t\tShanghai\n";

static void
test_report(void)
{
	const struct crm_report_ops *ops = crm_report_find("funnel");
	struct crm_report_opts o;
	struct crm_rtab *ts[CRM_REPORT_MAXTABS], *t;
	void *st;
	int n;

	memset(&o, 0, sizeof o);
	n = feed(ops, &o, &st, cust, ts);
	unit_inteq(n, 1, "one table");
	t = tab(ts, n, "funnel");
	/* Four stages, (unknown), total. */
	unit_inteq((long long)t->nrows, 6, "stages, unknown, total");
	unit_streq(crm_rtab_get(t, 0, 0), "potential", "funnel order");
	unit_streq(crm_rtab_get(t, 0, 2), "0.2000", "share of all 5");
	/* Reached: 4, 3, 2, 1; conversion 3/4, 2/3, 1/2. */
	unit_streq(crm_rtab_get(t, 0, 3), "4", "reached potential");
	unit_streq(crm_rtab_get(t, 1, 4), "0.7500", "conversion to intent");
	unit_streq(crm_rtab_get(t, 2, 4), "0.6667", "conversion to customer");
	unit_streq(crm_rtab_get(t, 3, 4), "0.5000", "lost of customers");
	unit_streq(crm_rtab_get(t, 4, 0), "(unknown)", "empty status");
	unit_streq(crm_rtab_get(t, 4, 3), "", "unknown reaches no stage");
	unit_streq(crm_rtab_get(t, 5, 1), "5", "total customers");
	done(ops, st, ts, n);

	memset(&o, 0, sizeof o);
	o.by = "city";
	n = feed(ops, &o, &st, cust, ts);
	t = tab(ts, n, "funnel");
	/* Beijing's 4 stage rows (no unknown), Shanghai's 4 + unknown,
	 * the pooled total's 4 + unknown: 14. */
	unit_inteq((long long)t->nrows, 14, "rows by city");
	unit_streq(crm_rtab_get(t, 0, 0), "Beijing", "cities sorted");
	/* Beijing: 1 of 3 potential: 0.3333; reached 3, 2, 2, 1. */
	unit_streq(crm_rtab_get(t, 0, 3), "0.3333", "Beijing share");
	unit_streq(crm_rtab_get(t, 1, 5), "0.6667", "Beijing to intent");
	unit_streq(crm_rtab_get(t, 2, 5), "1.0000", "Beijing to customer");
	unit_streq(crm_rtab_get(t, 8, 1), "(unknown)", "Shanghai unknown");
	unit_streq(crm_rtab_get(t, 9, 0), "total", "then the total");
	done(ops, st, ts, n);
}

int
main(void)
{
	test_figures();
	test_report();
	return unit_done();
}
