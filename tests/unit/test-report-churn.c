/*
 * Unit tests for the churn report (lib/report_churn.c): the churn rate,
 * then the period rows (active at the start, new, returning, lost, lost
 * revenue) and the cohort cells from the report's own operations on three
 * customers.  Every expected number is worked out by hand in the comment
 * beside it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "report_figs.h"
#include "unit.h"
#include "report-feed.h"

/*
 * C1 buys in January, February and March; C2 in January and March; C3 in
 * February only.  The last purchase day, 2026-03-15, ends the range, so
 * the periods are 2026-01, 2026-02, 2026-03.
 *   active:    Jan C1 C2 (2), Feb C1 C3 (2), Mar C1 C2 (2)
 *   new:       Jan 2, Feb 1 (C3), Mar 0
 *   lost:      Feb 1 (C2 skipped February), Mar 1 (C3 bought nothing
 *              after February); C1 is active in the last period
 *   returning: Mar 1 (C2 came back)
 *   active at the start = active in the period before: 0, 2, 2
 *   churn rate: Feb 1 / 2, Mar 1 / 2
 *   lost revenue: Feb C2's January 20.00, Mar C3's February 7.50
 * Cohorts: January's two customers are active in +0 (2 of 2), +1 (C1: 1
 * of 2) and +2 (both: 2 of 2); February's one in +0 (1 of 1), +1 (0 of
 * 1), and +2 lies past the last period (empty).  March has no cohort.
 */
static const char tx[] =
    "customer_id\tdate\tamount\n"
    "C1\t2026-01-05\t10.00\n"
    "C2\t2026-01-20\t20.00\n"
    "C3\t2026-02-02\t7.50\n"
    "C1\t2026-02-10\t10.00\n"
    "C1\t2026-03-01\t10.00\n"
    "C2\t2026-03-15\t5.00\n";

static void
test_report(void)
{
	const struct crm_report_ops *ops = crm_report_find("churn");
	struct crm_report_opts o;
	struct crm_rtab *ts[CRM_REPORT_MAXTABS], *t;
	void *st;
	int n;

	memset(&o, 0, sizeof o);
	o.cohorts = 1;
	n = feed(ops, &o, &st, tx, ts);
	unit_inteq(n, 2, "churn and cohorts");
	t = tab(ts, n, "churn");
	unit_inteq((long long)t->nrows, 3, "three months");
	unit_streq(crm_rtab_get(t, 0, 0), "2026-01", "first period");
	unit_streq(crm_rtab_get(t, 0, 2), "2", "January new");
	unit_streq(crm_rtab_get(t, 0, 6), "", "no churn rate without "
	    "customers at the start");
	unit_streq(crm_rtab_get(t, 1, 1), "2", "February active at start");
	unit_streq(crm_rtab_get(t, 1, 2), "1", "February new");
	unit_streq(crm_rtab_get(t, 1, 4), "1", "February lost");
	unit_streq(crm_rtab_get(t, 1, 6), "0.5000", "February churn rate");
	unit_streq(crm_rtab_get(t, 1, 7), "20.00", "February lost revenue");
	unit_streq(crm_rtab_get(t, 2, 3), "1", "March returning");
	unit_streq(crm_rtab_get(t, 2, 4), "1", "March lost");
	unit_streq(crm_rtab_get(t, 2, 5), "2", "March active");
	unit_streq(crm_rtab_get(t, 2, 7), "7.50", "March lost revenue");
	t = tab(ts, n, "cohorts");
	unit_inteq((long long)t->nrows, 2, "two cohorts");
	unit_streq(crm_rtab_get(t, 0, 1), "2", "January cohort size");
	unit_streq(crm_rtab_get(t, 0, 2), "1.0000", "January +0");
	unit_streq(crm_rtab_get(t, 0, 3), "0.5000", "January +1");
	unit_streq(crm_rtab_get(t, 0, 4), "1.0000", "January +2");
	unit_streq(crm_rtab_get(t, 1, 0), "2026-02", "February cohort");
	unit_streq(crm_rtab_get(t, 1, 3), "0.0000", "February +1");
	unit_streq(crm_rtab_get(t, 1, 4), "", "February +2 is in the future");
	done(ops, st, ts, n);

	/* By quarter everything is 2026-Q1: 3 new, none lost. */
	memset(&o, 0, sizeof o);
	o.period = CRM_PERIOD_QUARTER;
	n = feed(ops, &o, &st, tx, ts);
	t = tab(ts, n, "churn");
	unit_inteq((long long)t->nrows, 1, "one quarter");
	unit_streq(crm_rtab_get(t, 0, 0), "2026-Q1", "quarter label");
	unit_streq(crm_rtab_get(t, 0, 2), "3", "quarter new");
	done(ops, st, ts, n);
}

int
main(void)
{
	/* lost / active at the start: 2 / 8 = 0.25. */
	unit_near(crm_report_churn_rate(2, 8), 0.25, 1e-12, "churn rate");
	unit_near(crm_report_churn_rate(0, 8), 0.0, 1e-12, "no churn");
	UNIT_OK(isnan(crm_report_churn_rate(0, 0)),
	    "no churn rate without customers at the start");
	test_report();
	return unit_done();
}
