/*
 * Unit tests for the ISO 8601 week (crm_date_isoweek in lib/value.c) and
 * the report periods built on it and on months (crm_report_period_* and
 * crm_report_week_of_day in lib/report.c).  Every expected week below was
 * checked against python3's datetime.date.isocalendar():
 *
 *   python3 -c 'import datetime as d; print(d.date(2021, 1, 3).isocalendar())'
 *
 * which gives (2020, 53, 7) for 2021-01-03, and so on for each date here.
 * Then the last day of a period label and the "complete" column that
 * marks a running period.
 */
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "rtab.h"
#include "unit.h"
#include "value.h"

struct wcase {
	const char *date;
	int wy, wk, wd;         /* isocalendar(): year, week, weekday */
};

static const struct wcase weeks[] = {
	{ "2026-12-28", 2026, 53, 1 },  /* Monday of a 53-week year */
	{ "2027-01-03", 2026, 53, 7 },  /* its Sunday, in the next year */
	{ "2027-01-04", 2027, 1, 1 },
	{ "2021-01-03", 2020, 53, 7 },  /* a Sunday counted back */
	{ "2021-01-04", 2021, 1, 1 },
	{ "2020-12-31", 2020, 53, 4 },
	{ "2026-01-01", 2026, 1, 4 },   /* a Thursday: week 1 */
	{ "2025-12-29", 2026, 1, 1 },   /* a Monday counted forward */
	{ "2024-12-30", 2025, 1, 1 },
	{ "2026-11-23", 2026, 48, 1 },
	{ "2026-11-29", 2026, 48, 7 },
	{ "2026-11-30", 2026, 49, 1 },
	{ "2015-12-31", 2015, 53, 4 },
	{ "2016-01-03", 2015, 53, 7 },
	{ "2008-12-29", 2009, 1, 1 },
	{ "1970-01-01", 1970, 1, 4 },
	{ "1000-01-01", 1000, 1, 3 },
	{ "9999-12-31", 9999, 52, 5 },
};

static int32_t
day(const char *s)
{
	int32_t d = 0;

	if (crm_date_parse(s, strlen(s), 0, &d))
		printf("# bad test date %s\n", s);
	return d;
}

static void
test_isoweek(void)
{
	char what[96], lab[9];

	for (size_t i = 0; i < sizeof weeks / sizeof *weeks; i++) {
		const struct wcase *c = &weeks[i];
		int wy, wk, wd;

		crm_date_isoweek(day(c->date), &wy, &wk, &wd);
		snprintf(what, sizeof what, "%s is %d-W%02d-%d", c->date,
		    c->wy, c->wk, c->wd);
		unit_ok(wy == c->wy && wk == c->wk && wd == c->wd, what, NULL);
	}
	crm_report_week_of_day(day("2026-11-25"), lab);
	unit_streq(lab, "2026-W48", "week label");
	crm_report_week_of_day(day("2027-01-03"), lab);
	unit_streq(lab, "2026-W53", "week label takes the week-year");
	crm_report_week_of_day(day("2021-01-03"), lab);
	unit_streq(lab, "2020-W53", "week label of 2021-01-03");
	crm_report_week_of_day(day("2027-01-04"), lab);
	unit_streq(lab, "2027-W01", "week label of 2027-01-04");
}

/* Every day of 1999..2031 against the week of the day before: weeks
 * change on Mondays only, by one, and week 1 follows week 52 or 53. */
static void
test_isoweek_walk(void)
{
	int32_t d0 = day("1999-01-01"), d1 = day("2031-12-31");
	int py, pw, pd, bad = 0;

	crm_date_isoweek(d0, &py, &pw, &pd);
	for (int32_t d = d0 + 1; d <= d1; d++) {
		int y, w, wd;

		crm_date_isoweek(d, &y, &w, &wd);
		if (wd != pd % 7 + 1)
			bad++;
		else if (wd != 1 && (y != py || w != pw))
			bad++;
		else if (wd == 1 && !(y == py && w == pw + 1) &&
		    !(y == py + 1 && w == 1 && (pw == 52 || pw == 53)))
			bad++;
		py = y;
		pw = w;
		pd = wd;
	}
	unit_inteq(bad, 0, "weeks run Monday to Sunday, one after another");
}

static void
test_periods(void)
{
	char lab[CRM_REPORT_PLABEL], f[11], l[11];
	int32_t p;

	p = crm_report_period_of(day("2027-01-03"), CRM_PERIOD_WEEK);
	crm_report_period_label(p, CRM_PERIOD_WEEK, lab);
	unit_streq(lab, "2026-W53", "period of 2027-01-03");
	crm_date_format(crm_report_period_first(p, CRM_PERIOD_WEEK), f);
	crm_date_format(crm_report_period_last(p, CRM_PERIOD_WEEK), l);
	unit_streq(f, "2026-12-28", "2026-W53 starts on Monday 2026-12-28");
	unit_streq(l, "2027-01-03", "and ends on Sunday 2027-01-03");
	crm_report_period_label(p + 1, CRM_PERIOD_WEEK, lab);
	unit_streq(lab, "2027-W01", "the next week is 2027-W01");
	unit_inteq(crm_report_period_of(day("2027-01-04"), CRM_PERIOD_WEEK),
	    p + 1, "2027-01-04 is in the next period");
	p = crm_report_period_of(day("1969-12-29"), CRM_PERIOD_WEEK);
	unit_inteq(p, 0, "week 0 starts on 1969-12-29");
	unit_inteq(crm_report_period_of(day("1969-12-28"), CRM_PERIOD_WEEK),
	    -1, "the Sunday before is in week -1");

	p = crm_report_period_of(day("2026-02-14"), CRM_PERIOD_MONTH);
	unit_inteq(p, 2026 * 12 + 1, "month number");
	crm_report_period_label(p, CRM_PERIOD_MONTH, lab);
	unit_streq(lab, "2026-02", "month label");
	crm_date_format(crm_report_period_first(p, CRM_PERIOD_MONTH), f);
	crm_date_format(crm_report_period_last(p, CRM_PERIOD_MONTH), l);
	unit_streq(f, "2026-02-01", "February starts on the first");
	unit_streq(l, "2026-02-28", "and ends on the 28th in 2026");
	p = crm_report_period_of(day("2028-02-14"), CRM_PERIOD_MONTH);
	crm_date_format(crm_report_period_last(p, CRM_PERIOD_MONTH), l);
	unit_streq(l, "2028-02-29", "a leap February ends on the 29th");

	p = crm_report_period_of(day("2026-12-31"), CRM_PERIOD_QUARTER);
	crm_report_period_label(p, CRM_PERIOD_QUARTER, lab);
	unit_streq(lab, "2026-Q4", "quarter label");
	crm_date_format(crm_report_period_first(p, CRM_PERIOD_QUARTER), f);
	crm_date_format(crm_report_period_last(p, CRM_PERIOD_QUARTER), l);
	unit_streq(f, "2026-10-01", "Q4 starts on October 1");
	unit_streq(l, "2026-12-31", "and ends on December 31");
	p = crm_report_period_of(day("9999-12-31"), CRM_PERIOD_QUARTER);
	crm_date_format(crm_report_period_last(p, CRM_PERIOD_QUARTER), l);
	unit_streq(l, "9999-12-31", "the last quarter ends on the last day");
}

static void
test_complete(void)
{
	struct crm_report_opts o;
	struct crm_rtab *t;
	int32_t last = 0;
	char l[11];

	unit_inteq(crm_report_label_last("2026-W53", &last), 0, "a week label");
	crm_date_format(last, l);
	unit_streq(l, "2027-01-03", "2026-W53 ends on Sunday 2027-01-03");
	crm_report_label_last("2020-W53", &last);
	crm_date_format(last, l);
	unit_streq(l, "2021-01-03", "2020-W53 ends on 2021-01-03");
	crm_report_label_last("2027-W01", &last);
	crm_date_format(last, l);
	unit_streq(l, "2027-01-10", "2027-W01 ends on 2027-01-10");
	crm_report_label_last("2026-02", &last);
	crm_date_format(last, l);
	unit_streq(l, "2026-02-28", "a month label");
	crm_report_label_last("2026-Q1", &last);
	crm_date_format(last, l);
	unit_streq(l, "2026-03-31", "a quarter label");
	unit_inteq(crm_report_label_last("total", &last), -1, "total is none");
	unit_inteq(crm_report_label_last("2026-13", &last), -1, "month 13");
	unit_inteq(crm_report_label_last("2026-W54", &last), -1, "week 54");

	memset(&o, 0, sizeof o);
	o.done_day = day("2026-11-30");
	t = CRM_REPORT_TAB("month", 1, "month", "n");
	crm_rtab_cell(t, "2026-10");
	crm_rtab_cell(t, "1");
	crm_rtab_cell(t, "2026-11");
	crm_rtab_cell(t, "2");
	crm_rtab_cell(t, "2026-12");
	crm_rtab_cell(t, "3");
	crm_rtab_totals(t);
	crm_rtab_cell(t, "total");
	crm_rtab_cell(t, "6");
	crm_report_complete(t, &o, 0);
	unit_streq(t->cols[2], "complete", "the column is added last");
	unit_streq(crm_rtab_get(t, 0, 2), "1", "October has ended");
	unit_streq(crm_rtab_get(t, 1, 2), "1",
	    "November is complete on its last day");
	unit_streq(crm_rtab_get(t, 2, 2), "0", "December is running");
	unit_streq(crm_rtab_get(t, 3, 2), "", "the total is no period");
	unit_streq(t->note, "2026-12 is still running as of 2026-11-30: its "
	    "figures are provisional", "the note names the running one");
	crm_rtab_free(t);
}

/* --week labels: 2026-W48 is Monday 2026-11-23 to Sunday 11-29; 2026
 * has 53 weeks (it starts on a Thursday), 2027 only 52. */
static void
test_week_parse(void)
{
	int32_t w = 0;

	UNIT_OK(crm_report_week_parse("2026-W48", &w) == NULL, "2026-W48");
	unit_inteq(crm_report_period_first(w, CRM_PERIOD_WEEK),
	    crm_date_from_ymd(2026, 11, 23), "its Monday");
	unit_inteq(crm_report_period_last(w, CRM_PERIOD_WEEK),
	    crm_date_from_ymd(2026, 11, 29), "its Sunday");
	UNIT_OK(crm_report_week_parse("2026-W53", &w) == NULL, "2026-W53");
	unit_inteq(crm_report_period_last(w, CRM_PERIOD_WEEK),
	    crm_date_from_ymd(2027, 1, 3), "ends in 2027");
	unit_streq(crm_report_week_parse("2027-W53", &w),
	    "no such week: its year has 52 weeks", "2027 has 52");
	unit_streq(crm_report_week_parse("2026-W00", &w),
	    "not an ISO 8601 week (YYYY-Www, 2026-W48)", "week 0");
	UNIT_OK(crm_report_week_parse("2026-11", &w) != NULL, "a month");
	UNIT_OK(crm_report_week_parse("2026-W4", &w) != NULL, "one digit");
	UNIT_OK(crm_report_week_parse("2026-W480", &w) != NULL, "three");
	UNIT_OK(crm_report_week_parse("", &w) != NULL, "empty");
}

int
main(void)
{
	test_week_parse();
	test_isoweek();
	test_isoweek_walk();
	test_periods();
	test_complete();
	return unit_done();
}
