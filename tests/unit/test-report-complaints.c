/*
 * Unit tests for the complaints report (lib/report_complaints.c): the
 * nearest-rank percentile, the SLA rule on hand-made complaint states,
 * then the summary, times and SLA rows from the report's own operations on
 * a three-row complaint list.  Every expected number is worked out by hand
 * in the comment beside it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "complaint.h"
#include "report.h"
#include "report_figs.h"
#include "util.h"
#include "unit.h"
#include "report-feed.h"
#include "value.h"

static void
test_percentile(void)
{
	static const int64_t ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	static const int64_t three[] = { 10, 20, 30 };

	/* x[ceil(p n / 100) - 1]: p50 of ten is x[4] = 5, p90 x[8] = 9,
	 * p100 x[9] = 10, p0 x[0]. */
	unit_inteq(crm_report_percentile(ten, 10, 50), 5, "median of 1..10");
	unit_inteq(crm_report_percentile(ten, 10, 90), 9, "p90 of 1..10");
	unit_inteq(crm_report_percentile(ten, 10, 100), 10, "p100 is the max");
	unit_inteq(crm_report_percentile(ten, 10, 0), 1, "p0 is the min");
	/* Three values: p50 ceil(1.5) = 2 -> 20, p90 ceil(2.7) = 3 -> 30. */
	unit_inteq(crm_report_percentile(three, 3, 50), 20, "median of 3");
	unit_inteq(crm_report_percentile(three, 3, 90), 30, "p90 of 3");
	unit_inteq(crm_report_percentile(three, 1, 90), 10, "one value");
}

static struct crm_complaint
state(int64_t due_resp, int64_t resp, int64_t due_res, int64_t res)
{
	struct crm_complaint c;

	memset(&c, 0, sizeof c);
	c.responded = resp;
	c.resolved = res;
	c.closed = CRM_COMPLAINT_NOTIME;
	c.due_response = due_resp;
	c.due_resolve = due_res;
	return c;
}

static void
test_sla(void)
{
	const int64_t X = CRM_COMPLAINT_NOTIME, now = 200;
	/* Response due at 100: answered at 90 (met), at 150 (late), not at
	 * all with now past 100 (due, missed), due at 300 and unanswered
	 * (not due yet), no due time (never due), and answered only by a
	 * resolution at 80 (that is the first response: met). */
	struct crm_complaint c[6] = {
		state(100, 90, X, X), state(100, 150, X, X),
		state(100, X, X, X), state(300, X, X, X), state(X, 50, X, X),
		state(100, X, 500, 80),
	};
	int due, met, sd = 0, sm = 0;

	for (int i = 0; i < 6; i++) {
		crm_report_sla(&c[i], now, 0, &due, &met);
		sd += due;
		sm += met;
	}
	unit_inteq(sd, 4, "response SLA: four complaints were due");
	unit_inteq(sm, 2, "response SLA: two met it");
	/* Resolution due at 500, resolved at 80: due (answered) and met;
	 * compliance is met / due. */
	crm_report_sla(&c[5], now, 1, &due, &met);
	UNIT_OK(due && met, "resolution SLA met by an early resolution");
	crm_report_sla(&c[3], now, 1, &due, &met);
	UNIT_OK(!due && !met, "no resolution due time: not counted");
}

static void
test_overdue(void)
{
	const int64_t X = CRM_COMPLAINT_NOTIME, now = 200;
	/* At 200: unanswered past its response due time 100 (overdue);
	 * answered, unresolved past its resolution due time 150 (overdue);
	 * answered at 150 after a due time of 100 but resolution not due
	 * until 300 (late, yet no longer overdue); unanswered with a due
	 * time of 200 itself (not past: not overdue); no due times (never);
	 * the first one resolved (status resolved: not active, not overdue). */
	struct crm_complaint c[6] = {
		state(100, X, X, X), state(100, 90, 150, X),
		state(100, 150, 300, X), state(200, X, X, X),
		state(X, X, X, X), state(100, X, X, 120),
	};
	const int want[6] = { 1, 1, 0, 0, 0, 0 };

	c[1].status = CRM_CS_RESPONDED;
	c[2].status = CRM_CS_RESPONDED;
	c[5].status = CRM_CS_RESOLVED;
	for (int i = 0; i < 6; i++)
		unit_inteq(crm_report_overdue(&c[i], now), want[i],
		    "overdue at 200");
}

/*
 * As of 2026-03-10T00:00Z:
 *   K1 (C1) opened 03-01, responded after 6 h (due 03-02: met), resolved
 *      after 48 h (due 03-05: met), satisfaction 5;
 *   K2 (C1) opened 03-02, responded after 48 h (due 03-03: late), not
 *      resolved with 03-06 past: resolution due and missed, overdue;
 *   K3 (C2) opened 03-08, no response with 03-09 past: due and missed,
 *      overdue; resolution due 03-12 is still ahead: not counted.
 * Response SLA: 3 due, 1 met: 0.3333.  Resolution: 2 due, 1 met: 0.5000.
 * First response times 6 h and 48 h: median ceil(1) -> 6.00, p90
 * ceil(1.8) = 2 -> 48.00.  Active K2 and K3: 2; overdue 2; resolved 1.
 */
static const char list[] =
    "complaint_id\tcustomer_id\topened\tstatus\tcategory\tseverity\t"
    "due_response\tdue_resolve\tresponded\tresolved\tsatisfaction\n"
    "K1\tC1\t2026-03-01T00:00:00+00:00\tresolved\tbilling\thigh\t"
    "2026-03-02T00:00:00+00:00\t2026-03-05T00:00:00+00:00\t"
    "2026-03-01T06:00:00+00:00\t2026-03-03T00:00:00+00:00\t5\n"
    "K2\tC1\t2026-03-02T00:00:00+00:00\tresponded\tbilling\tlow\t"
    "2026-03-03T00:00:00+00:00\t2026-03-06T00:00:00+00:00\t"
    "2026-03-04T00:00:00+00:00\t\t\n"
    "K3\tC2\t2026-03-08T00:00:00+00:00\topen\tdelivery\t\t"
    "2026-03-09T00:00:00+00:00\t2026-03-12T00:00:00+00:00\t\t\t\n";

static void
test_report(void)
{
	const struct crm_report_ops *ops = crm_report_find("complaints");
	struct crm_report_opts o;
	struct crm_rtab *ts[CRM_REPORT_MAXTABS], *t;
	void *st;
	int n;

	memset(&o, 0, sizeof o);
	UNIT_OK(!crm_asof_parse("2026-03-10T00:00:00+00:00", &o.asof_t,
	    &o.asof_off), "as-of time");
	o.asof_set = 1;
	n = feed(ops, &o, &st, list, ts);
	unit_inteq(n, 8, "eight tables");
	t = tab(ts, n, "summary");
	unit_streq(crm_rtab_get(t, 0, 1), "3", "complaints");
	unit_streq(crm_rtab_get(t, 1, 1), "2", "active");
	unit_streq(crm_rtab_get(t, 2, 1), "2", "overdue");
	unit_streq(crm_rtab_get(t, 3, 1), "1", "resolved");
	unit_streq(crm_rtab_get(t, 4, 1), "", "a list cannot tell reopens");
	unit_streq(crm_rtab_get(t, 7, 1), "5.00", "satisfaction mean");
	t = tab(ts, n, "sla");
	unit_streq(crm_rtab_get(t, 0, 1), "3", "response due");
	unit_streq(crm_rtab_get(t, 0, 2), "1", "response met");
	unit_streq(crm_rtab_get(t, 0, 3), "0.3333", "response compliance");
	unit_streq(crm_rtab_get(t, 1, 1), "2", "resolution due");
	unit_streq(crm_rtab_get(t, 1, 3), "0.5000", "resolution compliance");
	t = tab(ts, n, "times");
	unit_streq(crm_rtab_get(t, 0, 1), "2", "two first responses");
	unit_streq(crm_rtab_get(t, 0, 2), "6.00", "median first response");
	unit_streq(crm_rtab_get(t, 0, 3), "48.00", "p90 first response");
	unit_streq(crm_rtab_get(t, 1, 2), "48.00", "median resolution");
	t = tab(ts, n, "severity");
	/* In the vocabulary's order, then (none). */
	unit_streq(crm_rtab_get(t, 2, 0), "(none)", "severity order");
	t = tab(ts, n, "repeat");
	unit_streq(crm_rtab_get(t, 0, 0), "C1", "C1 complained twice");
	unit_inteq((long long)t->nrows, 1, "one repeat complainer");
	done(ops, st, ts, n);
}

/* The SLA chart: met / due per period, no point where nothing was
 * due. */
static void
test_sla_chart(void)
{
	const char *p[] = { "2026-01", "2026-02", "2026-03" };
	/* January: response 1 of 2, resolution 1 of 1; February nothing
	 * due; March: response 3 of 4, resolution 0 of 2. */
	const int64_t due[] = { 2, 1, 0, 0, 4, 2 };
	const int64_t met[] = { 1, 1, 0, 0, 3, 0 };
	struct crm_buf b;

	crm_buf_init(&b);
	crm_report_sla_chart(&b, "month", p, 3, due, met);
	UNIT_OK(strstr(b.p, ">SLA compliance by month opened</text>") != NULL,
	    "sla chart: its title");
	UNIT_OK(strstr(b.p, "<title>response within SLA, 2026-01: 50.0%"
	    "</title>") != NULL, "sla chart: response 1 of 2");
	UNIT_OK(strstr(b.p, "<title>response within SLA, 2026-03: 75.0%"
	    "</title>") != NULL, "sla chart: response 3 of 4");
	UNIT_OK(strstr(b.p, "<title>resolution within SLA, 2026-01: 100.0%"
	    "</title>") != NULL, "sla chart: resolution 1 of 1");
	UNIT_OK(strstr(b.p, "<title>resolution within SLA, 2026-03: 0.0%"
	    "</title>") != NULL, "sla chart: resolution 0 of 2");
	UNIT_OK(!strstr(b.p, "2026-02: "), "sla chart: no point in February");
	UNIT_OK(strstr(b.p, ">100%</text>") && strstr(b.p, ">0%</text>"),
	    "sla chart: a 0..100% axis");
	crm_buf_release(&b);
}

int
main(void)
{
	test_sla_chart();
	test_percentile();
	test_sla();
	test_overdue();
	test_report();
	return unit_done();
}
