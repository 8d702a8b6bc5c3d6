/*
 * Unit tests for the weekly summary (lib/report_weekly.c) from its own
 * operations: the interactions of tests/fixtures/report/weekly-ix.tsv and
 * the complaint log weekly-cx.tsv, 2026-W48 against 2026-W47 as of Monday
 * 2026-11-30 09:00 +08:00.  Every expected number is worked out by hand in
 * the comment beside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "unit.h"
#include "report-feed.h"
#include "value.h"

extern const struct crm_report_ops crm_report_weekly;

/* The cell of table t in the row whose first cell is row, column c. */
static const char *
at(const struct crm_rtab *t, const char *row, size_t c)
{
	for (size_t r = 0; t && r < t->nrows; r++)
		if (!strcmp(crm_rtab_get(t, r, 0), row))
			return crm_rtab_get(t, r, c);
	return "(no row)";
}

/*
 * W47 is 11-16..11-22, W48 11-23..11-29.
 *   X1 11-16 C1 phone 王芳 next 11-20   W47
 *   X2 11-18 C2 email 李娜 next 11-22   W47
 *   X3 11-22 23:30 C3 phone 王芳        W47 (its Sunday, as written)
 *   X4 11-23 00:10 C1 chat 王芳 next 11-27   W48; settles C1's 11-20
 *   X5 11-25 C4 phone (none) next 11-26      W48
 *   X6 11-29 20:00-05:00 C2 visit 李娜       W48 as written; settles C2's
 *   X7 11-30 C5: after the week, left out
 *   X8 11-09 C6 web 李娜 next 11-10: W46, no contact, but its follow-up
 *      stands in both weeks
 * Contacts 3 and 3; phone 1 and 2, so change -1, shares 1/3 and 2/3:
 * 0.3333 - 0.6667 = -33.34 pp.
 * Follow-ups as of 11-22: C1 11-20 (王芳, overdue), C2 11-22 (李娜, due on
 * the day: not overdue), C6 11-10 (李娜, overdue): due 3, overdue 2.  As
 * of 11-29: C1 11-27 (王芳), C4 11-26 ((none)), C6 (李娜), all overdue:
 * 3 and 3.
 * Complaints as of 11-22 23:59:59: K1 (opened 11-17, answered and resolved
 * in time) and K2 (opened 11-21, due a response at 11-22 10:00, none):
 * opened 2, resolved 1 (K1), overdue 1 (K2), response SLA 1/2, resolution
 * SLA 1/1 (K2's is not due until 11-24).  As of 11-29 23:59:59: K3
 * (11-24, answered in time, unresolved past 11-27) and K4 (11-26,
 * answered and resolved in time, reopened 11-28, unresolved past 11-29
 * 10:00) opened; K2 resolved 11-28: opened 2, resolved 1 (K4's
 * resolution was cleared by its reopening), overdue 2 (K3, K4), response
 * SLA 2/2, resolution SLA 0/2.  Categories: W48 quality 1, (none) 1; W47
 * billing 1, quality 1.
 */
static void
test_weekly(void)
{
	struct crm_report_opts o;
	struct crm_rtab *ts[CRM_REPORT_MAXTABS], *s, *c, *f, *k;
	void *st;
	char ix[4096], *p;
	FILE *in;
	size_t n;
	int nt;

	in = fopen("tests/fixtures/report/weekly-ix.tsv", "r");
	UNIT_OK(in != NULL, "the interactions fixture");
	if (!in)
		return;
	n = fread(ix, 1, sizeof ix - 1, in);
	ix[n] = '\0';
	fclose(in);
	memset(&o, 0, sizeof o);
	o.complaints = "tests/fixtures/report/weekly-cx.tsv";
	o.since = CRM_DATE_MIN;
	o.until = CRM_DATE_MAX;
	p = (char *)crm_asof_parse("2026-11-30T09:00:00+08:00", &o.asof_t,
	    &o.asof_off);
	UNIT_OK(p == NULL, "as-of");
	o.asof_day = crm_ts_days(o.asof_t, o.asof_off);
	o.asof_set = 1;
	o.done_day = o.asof_day;
	nt = feed(&crm_report_weekly, &o, &st, ix, ts);
	unit_inteq(nt, 5, "weeks, summary, channels, categories, followups");
	unit_inteq(o.status, 0, "no record rejected");
	if (nt != 5)
		return;
	unit_streq(at(tab(ts, nt, "weeks"), "this_week", 1), "2026-W48",
	    "the default week is the last complete one");
	s = tab(ts, nt, "summary");
	unit_streq(at(s, "contacts", 1), "3", "contacts W48");
	unit_streq(at(s, "contacts", 3), "0", "contacts change");
	unit_streq(at(s, "followups_due", 2), "3", "due W47");
	unit_streq(at(s, "followups_overdue", 1), "3", "overdue W48");
	unit_streq(at(s, "followups_overdue", 2), "2", "overdue W47");
	unit_streq(at(s, "complaints_opened", 1), "2", "opened W48");
	unit_streq(at(s, "complaints_resolved", 1), "1", "K2, not K4");
	unit_streq(at(s, "complaints_overdue", 1), "2", "K3 and K4");
	unit_streq(at(s, "complaints_overdue", 2), "1", "K2");
	unit_streq(at(s, "response_sla", 1), "1.0000", "2/2");
	unit_streq(at(s, "response_sla", 2), "0.5000", "1/2");
	unit_streq(at(s, "response_sla", 3), "50.00", "+50 pp");
	unit_streq(at(s, "response_sla", 4), "pp", "in percentage points");
	unit_streq(at(s, "resolution_sla", 3), "-100.00", "0/2 against 1/1");
	unit_streq(at(s, "csat", 1), "(no row)", "no surveys: no csat row");
	unit_streq(at(s, "churn_rate", 1), "(no row)", "no transactions");
	c = tab(ts, nt, "channels");
	unit_streq(crm_rtab_get(c, 0, 0), "phone", "phone first (1, then 2)");
	unit_streq(at(c, "phone", 3), "-1", "phone change");
	unit_streq(at(c, "phone", 6), "-33.34", "0.3333 - 0.6667");
	unit_streq(at(c, "email", 1), "0", "email none in W48");
	k = tab(ts, nt, "categories");
	unit_streq(crm_rtab_get(k, 0, 0), "quality", "quality 1 and 1 first");
	unit_streq(at(k, "(none)", 1), "1", "K4 unclassified");
	unit_streq(at(k, "billing", 2), "1", "K1");
	f = tab(ts, nt, "followups");
	unit_streq(crm_rtab_get(f, 0, 0), "李娜", "李娜: 1 and 2");
	unit_streq(at(f, "李娜", 2), "2", "C2 and C6 as of 11-22");
	unit_streq(at(f, "(none)", 1), "1", "C4");
	unit_streq(at(f, "王芳", 4), "1", "C1 overdue");
	done(&crm_report_weekly, st, ts, nt);
}

int
main(void)
{
	test_weekly();
	return unit_done();
}
