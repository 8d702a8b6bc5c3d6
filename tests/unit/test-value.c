/*
 * test-value: the shared field parsers, checked against exact values and
 * exact reasons, including every error a user can provoke.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "unit.h"
#include "value.h"

static char what[256];

#define WHAT(...) (snprintf(what, sizeof what, __VA_ARGS__), what)

/* Parse s as a date and compare the formatted result (or the reason). */
static void
date_is(const char *s, unsigned flags, const char *want)
{
	int32_t d = 12345;
	const char *e = crm_date_parse(s, strlen(s), flags, &d);
	char out[11];

	if (e) {
		unit_streq(e, want, WHAT("date '%s' -> %s", s, want));
		return;
	}
	crm_date_format(d, out);
	unit_streq(out, want, WHAT("date '%s' -> %s", s, want));
}

static void
ts_is(const char *s, unsigned flags, const char *want)
{
	int64_t t = 0;
	int off = 0;
	const char *e = crm_ts_parse(s, strlen(s), flags, &t, &off);
	char out[32];

	if (e) {
		unit_streq(e, want, WHAT("timestamp '%s' -> %s", s, want));
		return;
	}
	crm_ts_format(t, off, out);
	unit_streq(out, want, WHAT("timestamp '%s' -> %s", s, want));
}

static void
money_is(const char *s, const char *want)
{
	int64_t m = 0;
	const char *e = crm_money_parse(s, strlen(s), &m);
	char out[32];

	if (e) {
		unit_streq(e, want, WHAT("money '%s' -> %s", s, want));
		return;
	}
	crm_money_format(m, out);
	unit_streq(out, want, WHAT("money '%s' -> %s", s, want));
}

static void
phone_is(const char *s, const char *cc, const char *want)
{
	char out[17];
	const char *e = crm_phone_normalize(s, strlen(s), cc, out, sizeof out);

	unit_streq(e ? e : out, want, WHAT("phone '%s' (cc %s) -> %s", s,
	    cc ? cc : "none", want));
}

static void
email_is(const char *s, const char *want)
{
	char out[300];
	const char *e = crm_email_normalize(s, strlen(s), out, sizeof out);

	unit_streq(e ? e : out, want, WHAT("email '%s' -> %s", s, want));
}

static void
test_trim(void)
{
	const char *s = " \t\xe3\x80\x80 x y\xe3\x80\x80\r\n";
	size_t n = strlen(s);
	char buf[16];

	crm_trim(&s, &n);
	snprintf(buf, sizeof buf, "%.*s", (int)n, s);
	unit_streq(buf, "x y", "trim drops ASCII whitespace and U+3000 at both ends");

	s = " \xe3\x80\x80 ";
	n = strlen(s);
	crm_trim(&s, &n);
	unit_inteq((long long)n, 0, "trim of only blanks is empty");

	s = "\xe3\x80\x81x";	/* U+3001, not a space */
	n = strlen(s);
	crm_trim(&s, &n);
	unit_inteq((long long)n, 4, "trim keeps other CJK punctuation");
}

static void
test_dates(void)
{
	int32_t d;
	int y, m, dd;
	char out[11];

	date_is("2026-11-23", 0, "2026-11-23");
	date_is("2026/11/23", 0, "2026-11-23");
	date_is("2026.11.23", 0, "2026-11-23");
	date_is("20261123", 0, "2026-11-23");
	date_is("2026年11月23日", 0, "2026-11-23");
	date_is("2026/1/5", 0, "2026-01-05");
	date_is("2026-1-5", 0, "2026-01-05");
	date_is("2026.1.05", 0, "2026-01-05");
	date_is("2026年1月5日", 0, "2026-01-05");
	date_is("11/23/2026", CRM_DATE_MDY, "2026-11-23");
	date_is("1/5/2026", CRM_DATE_MDY, "2026-01-05");
	date_is("23/11/2026", CRM_DATE_DMY, "2026-11-23");
	date_is("23.11.2026", CRM_DATE_DMY, "2026-11-23");
	date_is("5/1/2026", CRM_DATE_DMY, "2026-01-05");
	date_is("1970-01-01", 0, "1970-01-01");
	date_is("1000-01-01", 0, "1000-01-01");
	date_is("9999-12-31", 0, "9999-12-31");
	/* the YYYY-MM-DD fast path reads as the general one, under any flags */
	date_is("2026-11-23", CRM_DATE_DMY | CRM_DATE_EXCEL | CRM_DATE_TIME,
	    "2026-11-23");
	date_is("2026-11-23", CRM_DATE_MDY, "2026-11-23");
	date_is("0999-12-31", 0, "year out of range");
	date_is("2026-1x-23", 0, "not a date");

	/* leap years */
	date_is("2024-02-29", 0, "2024-02-29");
	date_is("2000-02-29", 0, "2000-02-29");
	date_is("2026-02-29", 0, "day out of range");
	date_is("1900-02-29", 0, "day out of range");
	date_is("2100-02-29", 0, "day out of range");

	/* invalid */
	date_is("2026-13-01", 0, "month out of range");
	date_is("2026-00-10", 0, "month out of range");
	date_is("2026-02-30", 0, "day out of range");
	date_is("2026-04-31", 0, "day out of range");
	date_is("2026-11-00", 0, "day out of range");
	date_is("20261301", 0, "month out of range");
	date_is("20260230", 0, "day out of range");
	date_is("2026年13月1日", 0, "month out of range");
	date_is("2026年11月23", 0, "not a date");
	date_is("11/23/2026", 0, "not a date");
	date_is("23/11/2026", CRM_DATE_MDY, "month out of range");
	date_is("11/23/2026", CRM_DATE_DMY, "month out of range");
	date_is("", 0, "not a date");
	date_is("2026-11-23x", 0, "not a date");
	date_is("2026-11-23 ", 0, "not a date");
	date_is(" 2026-11-23", 0, "not a date");
	date_is("2026-11/23", 0, "not a date");
	date_is("2026-111-23", 0, "not a date");
	date_is("0999-12-31", 0, "year out of range");
	date_is("09991231", 0, "year out of range");
	date_is("999-12-31", 0, "not a date");
	date_is("10000-01-01", 0, "not a date");
	date_is("202611230", 0, "not a date");
	date_is("2026112", 0, "not a date");
	date_is("2026-11-23T09:30:00+08:00", 0, "not a date");
	date_is("2026--23", 0, "not a date");
	date_is("abcd-ef-gh", 0, "not a date");

	/* n is honoured: the bytes after s[n] are not read */
	unit_ok(crm_date_parse("2026-11-23junk", 10, 0, &d) == NULL &&
	    d == crm_date_from_ymd(2026, 11, 23),
	    "date parse stops at n", NULL);

	unit_inteq(crm_date_from_ymd(1970, 1, 1), 0, "1970-01-01 is day 0");
	unit_inteq(crm_date_from_ymd(2026, 11, 23), 20780,
	    "2026-11-23 is day 20780");
	unit_inteq(crm_date_from_ymd(1969, 12, 31), -1, "1969-12-31 is day -1");
	unit_inteq(crm_date_from_ymd(1000, 1, 1), CRM_DATE_MIN,
	    "CRM_DATE_MIN is 1000-01-01");
	unit_inteq(crm_date_from_ymd(9999, 12, 31), CRM_DATE_MAX,
	    "CRM_DATE_MAX is 9999-12-31");
	unit_inteq(crm_date_from_ymd(2026, 2, 29), CRM_DATE_INVALID,
	    "from_ymd refuses 2026-02-29");
	unit_inteq(crm_date_from_ymd(999, 1, 1), CRM_DATE_INVALID,
	    "from_ymd refuses year 999");
	unit_inteq(crm_date_from_ymd(2026, 13, 1), CRM_DATE_INVALID,
	    "from_ymd refuses month 13");
	crm_date_to_ymd(-1, &y, &m, &dd);
	unit_ok(y == 1969 && m == 12 && dd == 31, "to_ymd(-1) is 1969-12-31",
	    NULL);
	crm_date_format(CRM_DATE_MAX + 1, out);
	unit_streq(out, "0000-00-00", "format of an out-of-range day");

	/* every day from 1970 to 2100 survives format -> parse */
	{
		int32_t last = crm_date_from_ymd(2100, 12, 31), bad = -1;
		int prev_ok = 1;

		for (int32_t k = 0; k <= last; k++) {
			int32_t back = -1;
			char f[11];

			crm_date_format(k, f);
			if (crm_date_parse(f, 10, 0, &back) || back != k) {
				bad = k;
				break;
			}
			crm_date_to_ymd(k, &y, &m, &dd);
			if (crm_date_from_ymd(y, m, dd) != k)
				prev_ok = 0;
		}
		unit_inteq(bad, -1, "format/parse round-trips 1970..2100");
		unit_ok(prev_ok, "to_ymd/from_ymd round-trip 1970..2100", NULL);
	}

	/* add_months clamps to the month end */
	d = crm_date_from_ymd(2026, 1, 31);
	crm_date_format(crm_date_add_months(d, 1), out);
	unit_streq(out, "2026-02-28", "2026-01-31 + 1 month is 2026-02-28");
	crm_date_format(crm_date_add_months(crm_date_from_ymd(2024, 1, 31), 1),
	    out);
	unit_streq(out, "2024-02-29", "2024-01-31 + 1 month is 2024-02-29");
	crm_date_format(crm_date_add_months(d, 12), out);
	unit_streq(out, "2027-01-31", "+12 months is the next year");
	crm_date_format(crm_date_add_months(d, -2), out);
	unit_streq(out, "2025-11-30", "2026-01-31 - 2 months is 2025-11-30");
	crm_date_format(crm_date_add_months(crm_date_from_ymd(2026, 3, 31),
	    -1), out);
	unit_streq(out, "2026-02-28", "2026-03-31 - 1 month is 2026-02-28");
	crm_date_format(crm_date_add_months(crm_date_from_ymd(2026, 5, 15),
	    0), out);
	unit_streq(out, "2026-05-15", "+0 months is the same day");
	crm_date_format(crm_date_add_months(crm_date_from_ymd(2026, 11, 23),
	    -13), out);
	unit_streq(out, "2025-10-23", "2026-11-23 - 13 months is 2025-10-23");
	unit_inteq(crm_date_add_months(CRM_DATE_MAX, 1), CRM_DATE_MAX,
	    "add_months saturates at 9999-12-31");
	unit_inteq(crm_date_add_months(CRM_DATE_MIN, -1), CRM_DATE_MIN,
	    "add_months saturates at 1000-01-01");
	unit_inteq(crm_date_add_months(0, INT_MAX), CRM_DATE_MAX,
	    "add_months of INT_MAX saturates");
	unit_inteq(crm_date_add_months(0, INT_MIN), CRM_DATE_MIN,
	    "add_months of INT_MIN saturates");
}

static void
test_timestamps(void)
{
	int64_t t = 0;
	int off = 99;
	char out[32];

	ts_is("2026-11-23T09:30:00+08:00", 0, "2026-11-23T09:30:00+08:00");
	ts_is("2026-11-23T09:30:00+0800", 0, "2026-11-23T09:30:00+08:00");
	ts_is("2026-11-23T09:30:00+08", 0, "2026-11-23T09:30:00+08:00");
	ts_is("2026-11-23T09:30:00Z", 0, "2026-11-23T09:30:00+00:00");
	ts_is("2026-11-23t09:30:00z", 0, "2026-11-23T09:30:00+00:00");
	ts_is("2026-11-23T09:30:00-05:30", 0, "2026-11-23T09:30:00-05:30");
	ts_is("2026-11-23T09:30:00-00:00", 0, "2026-11-23T09:30:00+00:00");
	ts_is("2026-11-23 09:30:00+08:00", 0, "2026-11-23T09:30:00+08:00");
	ts_is("2026-11-23T09:30+08:00", 0, "2026-11-23T09:30:00+08:00");
	ts_is("2026-11-23T09:30:00.999+08:00", 0, "2026-11-23T09:30:00+08:00");
	ts_is("2026-11-23T09:30:59,5Z", 0, "2026-11-23T09:30:59+00:00");
	ts_is("2026-11-23T23:59:59+14:00", 0, "2026-11-23T23:59:59+14:00");

	unit_ok(crm_ts_parse("2026-11-23T09:30:00+08:00", 25, 0, &t, &off) ==
	    NULL && t == 1795397400 && off == 480,
	    "09:30+08:00 is Unix 1795397400 with offset 480", NULL);
	unit_ok(crm_ts_parse("1970-01-01T00:00:00Z", 20, 0, &t, &off) ==
	    NULL && t == 0 && off == 0, "the epoch is 0", NULL);
	unit_ok(crm_ts_parse("1969-12-31T23:59:59Z", 20, 0, &t, &off) ==
	    NULL && t == -1, "one second before the epoch is -1", NULL);

	/* missing or bad offsets, bad fields */
	ts_is("2026-11-23T09:30:00", 0, "missing UTC offset");
	ts_is("2026-11-23 09:30", 0, "missing UTC offset");
	ts_is("2026-11-23", 0, "not a timestamp");
	ts_is("2026-11-23", CRM_TS_DATE_OK, "missing UTC offset");
	ts_is("2026-11-23T09:30:00+8", 0, "not a timestamp");
	ts_is("2026-11-23T09:30:00+08:0", 0, "not a timestamp");
	ts_is("2026-11-23T09:30:00+08:00x", 0, "not a timestamp");
	ts_is("2026-11-23T09:30:00+19:00", 0, "offset out of range");
	ts_is("2026-11-23T09:30:00+08:60", 0, "offset out of range");
	ts_is("2026-11-23T09:30:00Zx", 0, "not a timestamp");
	ts_is("2026-11-23T09:30:00.+08:00", 0, "not a timestamp");
	ts_is("2026-11-23T24:00:00Z", 0, "time out of range");
	ts_is("2026-11-23T09:60:00Z", 0, "time out of range");
	ts_is("2026-11-23T09:30:60Z", 0, "time out of range");
	ts_is("2026-11-23T9:30:00Z", 0, "not a timestamp");
	ts_is("2026-11-23X09:30:00Z", 0, "not a timestamp");
	ts_is("2026-11-23T", 0, "not a timestamp");
	ts_is("2026-02-30T09:30:00Z", 0, "day out of range");
	ts_is("2026-13-01T09:30:00Z", 0, "month out of range");
	ts_is("0999-01-01T09:30:00Z", 0, "year out of range");
	ts_is("2026/11/23T09:30:00Z", 0, "not a timestamp");
	ts_is("", 0, "not a timestamp");
	ts_is("yesterday", 0, "not a timestamp");

	/* the local calendar day against the UTC one */
	unit_ok(crm_ts_parse("2026-11-23T23:30:00-02:00", 25, 0, &t, &off) ==
	    NULL, "parse a late evening at -02:00", NULL);
	crm_date_format(crm_ts_days(t, off), out);
	unit_streq(out, "2026-11-23", "23:30-02:00 is local day 2026-11-23");
	crm_date_format(crm_ts_days(t, 0), out);
	unit_streq(out, "2026-11-24", "23:30-02:00 is UTC day 2026-11-24");
	crm_ts_format(t, 0, out);
	unit_streq(out, "2026-11-24T01:30:00+00:00",
	    "the same instant formatted in UTC");
	crm_ts_format(t, 480, out);
	unit_streq(out, "2026-11-24T09:30:00+08:00",
	    "the same instant formatted at +08:00");
	crm_ts_format(-1, 0, out);
	unit_streq(out, "1969-12-31T23:59:59+00:00", "format before the epoch");
	unit_inteq(crm_ts_days(-1, 0), -1, "day of t=-1 is -1");

	/* round-trip over a range of instants and offsets */
	{
		int bad = 0;
		static const int offs[] = { 0, 480, -300, 345, -720, 840 };

		for (int64_t x = -86400 * 400LL; x < 86400 * 40000LL;
		    x += 86400 * 37 + 3607) {
			for (size_t k = 0; k < sizeof offs / sizeof offs[0];
			    k++) {
				int64_t back;
				int o2;

				crm_ts_format(x, offs[k], out);
				if (crm_ts_parse(out, strlen(out), 0, &back,
				    &o2) || back != x || o2 != offs[k])
					bad++;
			}
		}
		unit_inteq(bad, 0, "timestamp format/parse round-trips");
	}

	/* local time from TZ */
	setenv("TZ", "CST-8", 1);
	tzset();
	ts_is("2026-11-23T09:30:00", CRM_TS_LOCAL,
	    "2026-11-23T09:30:00+08:00");
	ts_is("2026-11-23", CRM_TS_LOCAL | CRM_TS_DATE_OK,
	    "2026-11-23T00:00:00+08:00");
	ts_is("2026-11-23T09:30:00-03:00", CRM_TS_LOCAL,
	    "2026-11-23T09:30:00-03:00");
	setenv("TZ", "EST5EDT,M3.2.0,M11.1.0", 1);
	tzset();
	ts_is("2026-07-01T12:00:00", CRM_TS_LOCAL, "2026-07-01T12:00:00-04:00");
	ts_is("2026-12-01T12:00:00", CRM_TS_LOCAL, "2026-12-01T12:00:00-05:00");
	setenv("TZ", "UTC0", 1);
	tzset();
	ts_is("2026-11-23 09:30", CRM_TS_LOCAL, "2026-11-23T09:30:00+00:00");
	ts_is("2026-02-29T09:30:00", CRM_TS_LOCAL, "day out of range");
}

static void
test_now(void)
{
	int64_t t = 0;
	int off = 99;
	char out[32];
	time_t before;

	setenv("TZ", "CST-8", 1);
	tzset();
	setenv("CRM_AS_OF", "2026-11-23", 1);
	unit_ok(crm_now(&t, &off) == NULL, "CRM_AS_OF date is accepted", NULL);
	crm_ts_format(t, off, out);
	unit_streq(out, "2026-11-23T00:00:00+08:00",
	    "CRM_AS_OF date means 00:00 of that day in the local offset");
	setenv("CRM_AS_OF", "2026-11-23T09:30:00Z", 1);
	crm_now(&t, &off);
	crm_ts_format(t, off, out);
	unit_streq(out, "2026-11-23T09:30:00+00:00",
	    "CRM_AS_OF timestamp keeps its written offset");
	setenv("CRM_AS_OF", "soon", 1);
	unit_streq(crm_now(&t, &off), "not a timestamp",
	    "bad CRM_AS_OF gives a reason");
	setenv("CRM_AS_OF", "", 1);
	before = time(NULL);
	unit_ok(crm_now(&t, &off) == NULL && t >= before && t <= before + 5 &&
	    off == 480, "empty CRM_AS_OF means the clock, in the TZ offset",
	    NULL);
	unsetenv("CRM_AS_OF");
	unit_ok(crm_now(&t, &off) == NULL && t >= before && t <= before + 5,
	    "no CRM_AS_OF means the clock", NULL);

	unit_ok(crm_asof_parse(" 2026-11-23T09:30:00+08:00\n", &t, &off) ==
	    NULL && t == 1795397400 && off == 480,
	    "--as-of is trimmed and parsed", NULL);
	unit_ok(crm_asof_parse("2026-11-23 09:30", &t, &off) == NULL &&
	    t == 1795397400 && off == 480,
	    "--as-of without an offset is local time", NULL);
	unit_streq(crm_asof_parse("2026-02-30", &t, &off), "day out of range",
	    "--as-of with a bad day");
	unit_streq(crm_asof_parse("", &t, &off), "not a timestamp",
	    "empty --as-of");
}

static void
test_money(void)
{
	int64_t acc, m;
	char out[32], big[48];
	struct crm_money_sum sum;

	money_is("1234.5", "1234.50");
	money_is("1,234.50", "1234.50");
	money_is("1,234,567.89", "1234567.89");
	money_is("-12.30", "-12.30");
	money_is("(12.30)", "-12.30");
	money_is("(¥12.30)", "-12.30");
	money_is("¥1,234.00", "1234.00");
	money_is("￥12", "12.00");
	money_is("$5", "5.00");
	money_is("€3.10", "3.10");
	money_is("RMB 100", "100.00");
	money_is("RMB100", "100.00");
	money_is("100 RMB", "100.00");
	money_is("CNY 100", "100.00");
	money_is("100CNY", "100.00");
	money_is("USD 7.5", "7.50");
	money_is("12元", "12.00");
	money_is("12.5 元", "12.50");
	money_is("12.5 RMB元", "not a number");
	money_is("-¥5", "-5.00");
	money_is("¥-5", "-5.00");
	money_is("¥ 5", "5.00");
	money_is("+3", "3.00");
	money_is("0", "0.00");
	money_is("-0", "0.00");
	money_is("0.05", "0.05");
	money_is("-0.05", "-0.05");
	money_is(".5", "0.50");
	money_is("1.230", "1.23");
	money_is("1.2300000", "1.23");
	money_is("007", "7.00");
	money_is("123", "123.00");
	money_is("1,000", "1000.00");
	money_is("92233720368547758.07", "92233720368547758.07");
	money_is("-92233720368547758.07", "-92233720368547758.07");

	/* invalid */
	money_is("", "not a number");
	money_is("-", "not a number");
	money_is("¥", "not a number");
	money_is("()", "not a number");
	money_is("1,23,4", "not a number");
	money_is("1234,567", "not a number");
	money_is(",123", "not a number");
	money_is("1,2345", "not a number");
	money_is("1,", "not a number");
	money_is("1.234,5", "not a number");
	money_is("1.239x", "not a number");
	money_is("12,3x", "not a number");
	money_is("5.", "not a number");
	money_is("1.2.3", "not a number");
	money_is("--5", "not a number");
	money_is("+-5", "not a number");
	money_is("-(5)", "not a number");
	money_is("(-5)", "not a number");
	money_is("(5", "not a number");
	money_is("- 5", "not a number");
	money_is("¥5元", "not a number");
	money_is("¥$5", "not a number");
	money_is("5 RMBX", "not a number");
	money_is("12e3", "not a number");
	money_is(" 5", "not a number");
	money_is("1.234", "more than 2 decimal places");
	money_is("0.001", "more than 2 decimal places");
	money_is("92233720368547758.08", "amount out of range");
	money_is("-92233720368547758.08", "amount out of range");
	money_is("99999999999999999999999", "amount out of range");
	money_is("184467440737095516.16", "amount out of range");

	unit_ok(crm_money_parse("12.345", 5, &m) == NULL && m == 1234,
	    "money parse stops at n", NULL);

	crm_money_format(0, out);
	unit_streq(out, "0.00", "format zero");
	crm_money_format(-5, out);
	unit_streq(out, "-0.05", "format -5 minor");
	crm_money_format(-123450, out);
	unit_streq(out, "-1234.50", "format a negative");
	crm_money_format(INT64_MIN, out);
	unit_streq(out, "-92233720368547758.08", "format INT64_MIN");
	crm_money_format(INT64_MAX, out);
	unit_streq(out, "92233720368547758.07", "format INT64_MAX");

	acc = INT64_MAX - 1;
	unit_inteq(crm_money_add(&acc, 1), 0, "add up to INT64_MAX");
	unit_inteq(acc, INT64_MAX, "sum is INT64_MAX");
	unit_inteq(crm_money_add(&acc, 1), -1, "add past INT64_MAX fails");
	unit_inteq(acc, INT64_MAX, "failed add leaves acc unchanged");
	acc = INT64_MIN;
	unit_inteq(crm_money_add(&acc, -1), -1, "add below INT64_MIN fails");
	unit_inteq(acc, INT64_MIN, "failed negative add leaves acc unchanged");
	acc = 100;
	unit_ok(crm_money_add(&acc, -250) == 0 && acc == -150,
	    "add a negative amount", NULL);

	crm_money_sum_init(&sum);
	crm_money_sum_add(&sum, INT64_MAX);
	crm_money_sum_add(&sum, INT64_MAX);
	crm_money_sum_add(&sum, 2);
	unit_inteq(crm_money_sum_get(&sum, &m), -1,
	    "a 128-bit sum past int64 is reported");
	crm_money_sum_format(&sum, big);
	unit_streq(big, "184467440737095516.16", "a 128-bit sum formats");
	crm_money_sum_add(&sum, -INT64_MAX);
	crm_money_sum_add(&sum, -INT64_MAX);
	crm_money_sum_add(&sum, -7);
	unit_ok(crm_money_sum_get(&sum, &m) == 0 && m == -5,
	    "the sum comes back into int64", NULL);
	crm_money_sum_format(&sum, big);
	unit_streq(big, "-0.05", "a small negative sum formats");
}

/* crm_money_mean(sum, n) formatted: the mean in minor units. */
static void
mean_is(__int128 sum, uint64_t n, const char *want, const char *label)
{
	struct crm_money_sum m;
	char out[48];

	m.v = crm_money_mean(sum, n);
	crm_money_sum_format(&m, out);
	unit_streq(out, want, label);
}

/*
 * Means of money worked out by hand on the digits, half away from zero
 * to the cent; python3's decimal gives the same for each
 * (Decimal(sum) / n quantized to 0.01 with ROUND_HALF_UP, which rounds
 * halves away from zero).  At 1e15 a double is 0.125 apart, so the
 * floating-point mean lost the cents.
 */
static void
test_money_mean(void)
{
	const __int128 e17 = (__int128)100000000000000000;  /* 1e15 units */

	mean_is(2 * e17 + 1, 1, "2000000000000000.01",
	    "mean: 2000000000000000.01 of one keeps its cent");
	mean_is(2 * e17 + 3, 2, "1000000000000000.02",
	    "mean: ...0.03 / 2 = ...0.015, a half, rounds up");
	mean_is(-(2 * e17 + 3), 2, "-1000000000000000.02",
	    "mean: -...0.015 rounds away from zero");
	mean_is(3 * e17 + 5, 3, "1000000000000000.02",
	    "mean: ...0.05 / 3 = ...0.01667 rounds to .02");
	mean_is(3 * e17 + 4, 3, "1000000000000000.01",
	    "mean: ...0.04 / 3 = ...0.01333 rounds to .01");
	mean_is(9 * e17 + 6, 5, "1800000000000000.01",
	    "mean: 9000000000000000.06 / 5 = ...0.012");
	mean_is(1, 2, "0.01", "mean: 0.005 rounds up to 0.01");
	mean_is(-1, 2, "-0.01", "mean: -0.005 rounds down to -0.01");
	/* (python3 writes this one -0.00; a mean of nothing has no sign) */
	mean_is(-1, 3, "0.00", "mean: -0.0033 is 0.00, no minus sign");
	mean_is(0, 7, "0.00", "mean: zero");
	mean_is(20000, 5, "40.00", "mean: 200.00 / 5");
	/* the sum of 4 x INT64_MAX cents, past int64, over 4 */
	mean_is(4 * (__int128)INT64_MAX, 4, "92233720368547758.07",
	    "mean: a 128-bit sum");
	mean_is(4 * (__int128)INT64_MAX + 2, 4, "92233720368547758.08",
	    "mean: a 128-bit sum and a half");
	mean_is(7, (uint64_t)1 << 63, "0.00", "mean: over 2^63 customers");
}

static void
int_is(const char *s, int64_t min, int64_t max, const char *want)
{
	int64_t v = 0;
	const char *e = crm_int_parse(s, strlen(s), min, max, &v);
	char buf[32];

	snprintf(buf, sizeof buf, "%lld", (long long)v);
	unit_streq(e ? e : buf, want, WHAT("int '%s' -> %s", s, want));
}

static void
test_ints(void)
{
	int_is("42", 0, 100, "42");
	int_is("+42", 0, 100, "42");
	int_is("-7", -10, 10, "-7");
	int_is("007", 0, 10, "7");
	int_is("9223372036854775807", INT64_MIN, INT64_MAX,
	    "9223372036854775807");
	int_is("-9223372036854775808", INT64_MIN, INT64_MAX,
	    "-9223372036854775808");
	int_is("9223372036854775808", INT64_MIN, INT64_MAX, "out of range");
	int_is("-9223372036854775809", INT64_MIN, INT64_MAX, "out of range");
	int_is("99999999999999999999999", INT64_MIN, INT64_MAX,
	    "out of range");
	int_is("6", 1, 5, "out of range");
	int_is("0", 1, 5, "out of range");
	int_is("", 0, 10, "not an integer");
	int_is("-", 0, 10, "not an integer");
	int_is("1.0", 0, 10, "not an integer");
	int_is(" 1", 0, 10, "not an integer");
	int_is("1x", 0, 10, "not an integer");
	int_is("1,000", 0, 10000, "not an integer");
	int_is("--1", -10, 10, "not an integer");
}

static void
test_phones(void)
{
	char small[8];

	phone_is("+86 138-0013-8000", "86", "+8613800138000");
	phone_is("+86 138-0013-8000", NULL, "+8613800138000");
	phone_is("0086 138 0013 8000", "1", "+8613800138000");
	phone_is("008613800138000", NULL, "+8613800138000");
	phone_is("13800138000", "86", "+8613800138000");
	phone_is("138.0013.8000", "+86", "+8613800138000");
	phone_is("8613800138000", "86", "+8613800138000");
	phone_is("010-12345678", "86", "+861012345678");
	phone_is("(010) 1234 5678", "86", "+861012345678");
	phone_is("+44 (0)20 7946 0958", NULL, "+442079460958");
	phone_is("+1 (212) 555-0100", NULL, "+12125550100");
	phone_is("212/555-0100", "1", "+12125550100");

	phone_is("13800138000", NULL, "no country code");
	phone_is("13800138000", "", "no country code");
	phone_is("13800138000", "8a", "no country code");
	phone_is("13800138000", "0", "no country code");
	phone_is("1380013800a", "86", "not a phone number");
	phone_is("call 13800138000", "86", "not a phone number");
	phone_is("138 0013 8000 ext 12", "86", "not a phone number");
	phone_is("", "86", "not a phone number");
	phone_is("+", "86", "not a phone number");
	phone_is("--", "86", "not a phone number");
	phone_is("86+13800138000", "86", "not a phone number");
	phone_is("++8613800138000", "86", "not a phone number");
	phone_is("+0123456789", NULL, "not a phone number");
	phone_is("00", "86", "not a phone number");
	phone_is("+12345", NULL, "phone number too short");
	phone_is("1234", "86", "phone number too short");
	phone_is("+1234567890123456", NULL, "phone number too long");
	phone_is("12345678901234", "86", "phone number too long");
	phone_is("+12345678901234567890123", NULL, "phone number too long");
	phone_is("+123456789012345", NULL, "+123456789012345");
	phone_is("+1234567", NULL, "+1234567");

	unit_streq(crm_phone_normalize("13800138000", 11, "86", small,
	    sizeof small), "buffer too small", "phone into a small buffer");
}

static void
test_emails(void)
{
	char small[4];

	email_is("Li.Wei@Example.COM", "li.wei@example.com");
	email_is("a@b.cn", "a@b.cn");
	email_is("first+tag@mail.example.org", "first+tag@mail.example.org");
	email_is("张伟@例子.中国", "张伟@例子.中国");
	email_is("", "not an email address");
	email_is("li.wei", "not an email address");
	email_is("@example.com", "not an email address");
	email_is("li@", "not an email address");
	email_is("li@example", "not an email address");
	email_is("li@@example.com", "not an email address");
	email_is("li@wei@example.com", "not an email address");
	email_is("li wei@example.com", "not an email address");
	email_is("li@example.com ", "not an email address");
	email_is("li@.example.com", "not an email address");
	email_is("li@example.com.", "not an email address");
	email_is("li@example..com", "not an email address");
	email_is("<li@example.com>", "not an email address");
	email_is("li@example.com,wang@example.com", "not an email address");
	email_is("li\t@example.com", "not an email address");
	unit_streq(crm_email_normalize("ab@c.de", 7, small, sizeof small),
	    "buffer too small", "email into a small buffer");
	{
		char longer[300], out[300];

		memset(longer, 'a', 250);
		memcpy(longer + 250, "@b.cn", 6);
		unit_streq(crm_email_normalize(longer, 255, out, sizeof out),
		    "not an email address", "an email over 254 bytes");
	}
}

/* crm_fixed_format against printf: random magnitudes, exact ties, values
 * a hair from a tie, negatives rounding to zero, and what it declines. */
static void
test_fixed(void)
{
	static const double tricky[] = { 0, -0.0, 0.5, 1.5, 2.5, 0.125, 0.375,
	    1.00005, 0.00005, 0.99995, 9.99995, -0.00001, -0.00004, 0.3, 0.7,
	    1e-300, 123456.78905, 1099511627775.5, 4503599627370495.0 };
	char buf[32], ref[64];
	uint64_t s = 0x9E3779B97F4A7C15ull;
	int i, d, bad = 0, fast = 0, declined = 0;
	size_t n;

	for (i = 0; i < 400000; i++) {
		double v;

		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		if (i < (int)(sizeof tricky / sizeof *tricky))
			v = tricky[i];
		else if (i % 3 == 0)    /* k.5 ulps of the last digit */
			v = ((double)(s % 2000000) + 0.5) / 1e4;
		else
			v = (double)(int64_t)(s >> 11) / (double)(1ull << (s % 60));
		if (i % 2)
			v = -v;
		for (d = 0; d <= 6; d++) {
			snprintf(ref, sizeof ref, "%.*f", d, v);
			n = crm_fixed_format(v, d, buf);
			if (!n) {
				declined++;
				continue;
			}
			fast++;
			if (n != strlen(ref) || strcmp(buf, ref) != 0) {
				if (bad++ < 5)
					fprintf(stderr, "%.17g %d: '%s' not '%s'\n",
					    v, d, buf, ref);
			}
		}
	}
	unit_inteq(bad, 0, "fixed: the same bytes as printf");
	/* a third of the random values pass 2^40 units and go to printf */
	UNIT_OK(fast > 1500000, "fixed: most values take the quick way");
	UNIT_OK(declined > 0, "fixed: some values are left to printf");
	UNIT_OK(crm_fixed_format(NAN, 4, buf) == 0, "fixed: NaN declined");
	UNIT_OK(crm_fixed_format(INFINITY, 2, buf) == 0, "fixed: inf declined");
	UNIT_OK(crm_fixed_format(1e13, 4, buf) == 0, "fixed: large declined");
	UNIT_OK(crm_fixed_format(1, 7, buf) == 0, "fixed: 7 decimals declined");
	n = crm_fixed_format(-0.00001, 4, buf);
	unit_streq(buf, "-0.0000", "fixed: a small negative keeps its sign");
	unit_inteq((long long)n, 7, "fixed: its length");
}

/* A timestamp read with CRM_TS_STRICT: "SECONDS.USEC OFFMIN DAY" or the
 * reason. */
static void
strict_ts_is(const char *s, const char *want)
{
	int64_t t = 0;
	int off = 0;
	int32_t usec = -1;
	const char *e = crm_ts_parse_us(s, strlen(s), CRM_TS_STRICT, &t, &off,
	    &usec);
	char out[96], day[11];

	if (e) {
		unit_streq(e, want, WHAT("strict timestamp '%s' -> %s", s, want));
		return;
	}
	crm_date_format(crm_ts_days(t, off), day);
	snprintf(out, sizeof out, "%lld.%06d %d %s", (long long)t, (int)usec,
	    off, day);
	unit_streq(out, want, WHAT("strict timestamp '%s' -> %s", s, want));
}

/* The strict modes read exactly what a store file may hold. */
static void
test_strict(void)
{
	int32_t d = 0;
	int64_t t = 0;
	int off = 0;
	int32_t usec = -1;

	date_is("2026-11-23", CRM_DATE_STRICT, "2026-11-23");
	date_is("2024-02-29", CRM_DATE_STRICT, "2024-02-29");
	date_is("2026-02-29", CRM_DATE_STRICT, "day out of range");
	date_is("2026-13-01", CRM_DATE_STRICT, "month out of range");
	date_is("2026-00-01", CRM_DATE_STRICT, "month out of range");
	date_is("2026-11-00", CRM_DATE_STRICT, "day out of range");
	/* the lax forms are not dates in a store */
	date_is("2026/11/23", CRM_DATE_STRICT, "not a date");
	date_is("2026-1-05", CRM_DATE_STRICT, "not a date");
	date_is("20261123", CRM_DATE_STRICT, "not a date");
	date_is("2026年11月23日", CRM_DATE_STRICT, "not a date");
	date_is("11/23/2026", CRM_DATE_STRICT | CRM_DATE_MDY, "not a date");
	date_is(" 2026-11-23", CRM_DATE_STRICT, "not a date");
	date_is("2026-11-23 ", CRM_DATE_STRICT, "not a date");
	date_is("2026-11-2x", CRM_DATE_STRICT, "not a date");
	/* any four-digit year, as the log has always taken */
	{
		int y = 0, m = 0, dd = 0;

		UNIT_OK(!crm_date_parse("0999-03-01", 10, CRM_DATE_STRICT,
		    &d) && d < CRM_DATE_MIN,
		    "strict date: a year before 1000 is still a date");
		crm_date_to_ymd(d, &y, &m, &dd);
		UNIT_OK(y == 999 && m == 3 && dd == 1,
		    "strict date: and its day is exact");
	}
	date_is("0999-01-01", 0, "year out of range");

	strict_ts_is("2026-11-23T09:30:00+08:00",
	    "1795397400.000000 480 2026-11-23");
	strict_ts_is("2026-11-23T09:30:00Z", "1795426200.000000 0 2026-11-23");
	strict_ts_is("2026-11-23T09:30:00-0130",
	    "1795431600.000000 -90 2026-11-23");
	strict_ts_is("2026-11-23T00:30:00+23:59",
	    "1795307460.000000 1439 2026-11-23");
	strict_ts_is("2026-01-02T03:04:05.25-05:00",
	    "1767341045.250000 -300 2026-01-02");
	strict_ts_is("2026-01-02T03:04:05.123456789Z",
	    "1767323045.123456 0 2026-01-02");
	strict_ts_is("2026-01-02T03:04:05.000001Z",
	    "1767323045.000001 0 2026-01-02");
	/* only the one written form */
	strict_ts_is("2026-11-23 09:30:00+08:00", "not a timestamp");
	strict_ts_is("2026-11-23t09:30:00+08:00", "not a timestamp");
	strict_ts_is("2026-11-23T09:30+08:00", "not a timestamp");
	strict_ts_is("2026-11-23T09:30:00+08", "not a timestamp");
	strict_ts_is("2026-11-23T09:30:00", "not a timestamp");
	strict_ts_is("2026-11-23", "not a timestamp");
	strict_ts_is("2026-11-23T09:30:00z", "not a timestamp");
	strict_ts_is("2026-11-23T09:30:00,5Z", "not a timestamp");
	strict_ts_is("2026-11-23T09:30:00.Z", "not a timestamp");
	strict_ts_is("2026-11-23T09:30:00+08:00 ", "not a timestamp");
	strict_ts_is("2026-11-23T09:30:00+8:00", "not a timestamp");
	strict_ts_is("2026-11-23T09:30:00+08:0x", "not a timestamp");
	strict_ts_is("2026-13-23T09:30:00Z", "month out of range");
	strict_ts_is("2026-11-31T09:30:00Z", "day out of range");
	strict_ts_is("2026-11-23T24:00:00Z", "time out of range");
	strict_ts_is("2026-11-23T23:60:00Z", "time out of range");
	strict_ts_is("2026-11-23T23:59:60Z", "time out of range");
	strict_ts_is("2026-11-23T09:30:00+24:00", "offset out of range");
	strict_ts_is("2026-11-23T09:30:00+08:60", "offset out of range");
	/* the lax reader still takes the other forms; strict ignores LOCAL */
	ts_is("2026-11-23 09:30+08", 0, "2026-11-23T09:30:00+08:00");
	strict_ts_is("2026-11-23T09:30:00", "not a timestamp");
	UNIT_OK(crm_ts_parse_us("2026-11-23T09:30", 16,
	    CRM_TS_STRICT | CRM_TS_LOCAL | CRM_TS_DATE_OK, &t, &off, &usec)
	    != NULL, "strict timestamp: LOCAL and DATE_OK are ignored");

	/* crm_ts_parse_us gives the fraction in the lax mode too */
	UNIT_OK(!crm_ts_parse_us("2026-11-23 09:30:00,5+08", 24, 0, &t, &off,
	    &usec) && usec == 500000 && off == 480,
	    "timestamp: the fraction in microseconds");
	UNIT_OK(!crm_ts_parse_us("2026-11-23T09:30:00.1234567Z", 28, 0, &t,
	    &off, &usec) && usec == 123456,
	    "timestamp: a fraction past microseconds is truncated");
	UNIT_OK(!crm_ts_parse_us("2026-11-23T09:30Z", 17, 0, &t, &off, &usec)
	    && usec == 0, "timestamp: no fraction is zero microseconds");
	UNIT_OK(!crm_ts_parse_us("2026-11-23T09:30:00Z", 20, 0, &t, &off,
	    NULL), "timestamp: usec may be NULL");
}


/* Parse s with crm_ts_parse_ex and compare the formatted result. */
static void
tsx_is(const char *s, unsigned flags, unsigned dflags, const char *zone,
    const char *want)
{
	struct crm_zone z;
	struct crm_ts_opts o = { flags, dflags, NULL };
	int64_t t = 0;
	int off = 0;
	char out[32];
	const char *e;

	if (zone) {
		e = crm_zone_parse(zone, &z);
		if (e) {
			unit_streq(e, want, WHAT("zone '%s'", zone));
			return;
		}
		o.zone = &z;
	}
	e = crm_ts_parse_ex(s, strlen(s), &o, &t, &off);
	if (e) {
		unit_streq(e, want, WHAT("timestamp '%s' in %s -> %s", s,
		    zone ? zone : "TZ", want));
		return;
	}
	crm_ts_format(t, off, out);
	unit_streq(out, want, WHAT("timestamp '%s' in %s -> %s", s,
	    zone ? zone : "TZ", want));
}

static void
test_date_times(void)
{
	const unsigned T = CRM_DATE_TIME;

	/* the calendar day as written, whatever the time and offset */
	date_is("2010-12-01 08:26:00", T, "2010-12-01");
	date_is("2010-12-01 08:26", T, "2010-12-01");
	date_is("2010-12-01T08:26:00+08:00", T, "2010-12-01");
	date_is("2010-12-01T08:26:00Z", T, "2010-12-01");
	date_is("2010-12-01t23:59:59.999-11:00", T, "2010-12-01");
	date_is("2010-12-01  8:26", T, "2010-12-01");
	date_is("2010-12-01 08:26 +0800", T, "2010-12-01");
	date_is("2026/11/23 09:30:00", T, "2026-11-23");
	date_is("2026.11.23 09:30", T, "2026-11-23");
	date_is("20261123 09:30", T, "2026-11-23");
	date_is("2026年11月23日 09:30", T, "2026-11-23");
	date_is("2026年11月23日09:30", T, "2026-11-23");
	date_is("12/1/2010 8:26", T | CRM_DATE_MDY, "2010-12-01");
	date_is("1/12/2010 08:26", T | CRM_DATE_DMY, "2010-12-01");
	date_is("12/1/2010 8:26", T, "not a date");
	/* the time must be a time, and valid */
	date_is("2010-12-01 24:00", T, "time out of range");
	date_is("2010-12-01 23:60", T, "time out of range");
	date_is("2010-12-01 23:59:60", T, "time out of range");
	date_is("2010-12-01 08:26+19:00", T, "time out of range");
	date_is("2010-12-01 8", T, "not a date");
	date_is("2010-12-01 08:2", T, "not a date");
	date_is("2010-12-01 123:00", T, "not a date");
	date_is("2010-12-01 08:26 pm", T, "not a date");
	date_is("2010-12-01 08:26:00.", T, "not a date");
	date_is("2010-12-01T", T, "not a date");
	date_is("2010-12-01 ", T, "not a date");
	date_is("2010-12-0108:26", T, "not a date");
	/* the date is checked first, and nothing is written on failure */
	date_is("2026-02-30 08:00", T, "day out of range");
	date_is("2026-13-01 25:00", T, "month out of range");
	{
		int32_t d = 777;
		crm_date_parse("2026-11-23 25:00", 16, T, &d);
		unit_ok(d == 777, "date: a bad time leaves *days alone", "");
	}
	/* without CRM_DATE_TIME a time is not a date, as before */
	date_is("2010-12-01 08:26", 0, "not a date");
}

/*
 * Excel serials, checked independently with python3's datetime: for a
 * serial past 60, date(1899, 12, 30) + timedelta(days=serial); before
 * it, date(1899, 12, 31) + timedelta(days=serial).
 */
static void
test_excel(void)
{
	const unsigned X = CRM_DATE_EXCEL;

	date_is("1", X, "1900-01-01");
	date_is("59", X, "1900-02-28");
	date_is("60", X,
	    "Excel serial 60 is 1900-02-29, a day that does not exist");
	date_is("60.5", X,
	    "Excel serial 60 is 1900-02-29, a day that does not exist");
	date_is("61", X, "1900-03-01");
	date_is("25569", X, "1970-01-01");
	date_is("46349", X, "2026-11-23");
	date_is("46349.999999", X, "2026-11-23");
	date_is("2958465", X, "9999-12-31");
	date_is("2958466", X, "Excel serial out of range");
	date_is("0", X, "Excel serial out of range");
	date_is("0.5", X, "Excel serial out of range");
	date_is("99999999999999999999", X, "Excel serial out of range");
	date_is("20261123", X, "2026-11-23");	/* YYYYMMDD comes first */
	date_is("46349.", X, "not a date");
	date_is(".5", X, "not a date");
	date_is("-1", X, "not a date");
	date_is("46349", 0, "not a date");	/* off by default */
	/* the fraction is the time of day in a timestamp column */
	tsx_is("46349.5", CRM_TS_LOCAL, X, "+08:00",
	    "2026-11-23T12:00:00+08:00");
	tsx_is("46349.25", CRM_TS_LOCAL, X, "UTC",
	    "2026-11-23T06:00:00+00:00");
	/* 08:30 as Excel stores it, 0.354166666666667, rounds to it */
	tsx_is("46349.354166666666667", CRM_TS_LOCAL, X, "UTC",
	    "2026-11-23T08:30:00+00:00");
	tsx_is("46349.9999999", CRM_TS_LOCAL, X, "UTC",
	    "2026-11-24T00:00:00+00:00");
	tsx_is("46349", CRM_TS_LOCAL | CRM_TS_DATE_OK, X, "UTC",
	    "2026-11-23T00:00:00+00:00");
	tsx_is("46349.5", 0, X, NULL, "missing UTC offset");
	tsx_is("60", CRM_TS_LOCAL, X, "UTC",
	    "Excel serial 60 is 1900-02-29, a day that does not exist");
}

static void
test_zones(void)
{
	const unsigned L = CRM_TS_LOCAL | CRM_TS_DATE_OK;
	char *tz = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	struct crm_zone z;

	unit_ok(crm_zone_parse("+08:00", &z) == NULL &&
	    z.kind == CRM_ZONE_FIXED && z.off_min == 480, "zone +08:00", "");
	unit_ok(crm_zone_parse("-0530", &z) == NULL && z.off_min == -330,
	    "zone -0530", "");
	unit_ok(crm_zone_parse("+08", &z) == NULL && z.off_min == 480,
	    "zone +08", "");
	unit_ok(crm_zone_parse("UTC", &z) == NULL && z.off_min == 0 &&
	    z.kind == CRM_ZONE_FIXED, "zone UTC", "");
	unit_ok(crm_zone_parse(NULL, &z) == NULL && z.kind == CRM_ZONE_TZ,
	    "zone NULL is TZ", "");
	unit_ok(crm_zone_parse("Asia/Shanghai", &z) == NULL &&
	    z.kind == CRM_ZONE_NAMED, "zone Asia/Shanghai", "");
	tsx_is("x", L, 0, "+19:00", "offset out of range");
	tsx_is("x", L, 0, "+8", "not a time zone (expected +HH:MM, UTC or a "
	    "TZ database name such as Asia/Shanghai)");
	tsx_is("x", L, 0, "Mars/Olympus", "not a time zone (expected "
	    "+HH:MM, UTC or a TZ database name such as Asia/Shanghai)");
	tsx_is("x", L, 0, "../../etc/passwd", "not a time zone (expected "
	    "+HH:MM, UTC or a TZ database name such as Asia/Shanghai)");

	/* a date alone is the start of its day; every date form */
	tsx_is("2019/9/24", L, 0, "+08:00", "2019-09-24T00:00:00+08:00");
	tsx_is("2019-09-24", L, 0, "Asia/Shanghai",
	    "2019-09-24T00:00:00+08:00");
	tsx_is("2019年9月24日 10:11", L, 0, "+08:00",
	    "2019-09-24T10:11:00+08:00");
	tsx_is("9/24/2019 10:11", L, CRM_DATE_MDY, "+08:00",
	    "2019-09-24T10:11:00+08:00");
	tsx_is("9/24/2019 10:11", L, 0, "+08:00", "not a timestamp");
	tsx_is("2019-09-24", CRM_TS_LOCAL, 0, "+08:00", "not a timestamp");
	tsx_is("2019-09-24", CRM_TS_DATE_OK, 0, NULL, "missing UTC offset");
	/* a written offset wins over the zone */
	tsx_is("2026-11-23 09:30-05:00", L, 0, "Asia/Shanghai",
	    "2026-11-23T09:30:00-05:00");
	tsx_is("2026-11-23T09:30:00Z", 0, 0, NULL,
	    "2026-11-23T09:30:00+00:00");
	tsx_is("2026-11-23 25:00", L, 0, "+08:00", "time out of range");
	tsx_is("2026-11-31 10:00", L, 0, "+08:00", "day out of range");
	tsx_is("2026-11-23 10:00+18:01", L, 0, "+08:00",
	    "offset out of range");
	tsx_is("soon", L, 0, "+08:00", "not a timestamp");

	/*
	 * Daylight saving, checked with python3's zoneinfo: New York went
	 * to -04:00 at 2026-03-08 02:00 (02:00..02:59 never happen) and
	 * goes back at 2026-11-01 02:00 (01:00..01:59 happen twice: the
	 * first, fold=0, is -04:00).
	 */
	tsx_is("2026-03-08 01:59:59", L, 0, "America/New_York",
	    "2026-03-08T01:59:59-05:00");
	tsx_is("2026-03-08 02:00", L, 0, "America/New_York",
	    "time skipped by a daylight saving change");
	tsx_is("2026-03-08 02:59:59", L, 0, "America/New_York",
	    "time skipped by a daylight saving change");
	tsx_is("2026-03-08 03:00", L, 0, "America/New_York",
	    "2026-03-08T03:00:00-04:00");
	tsx_is("2026-11-01 01:30", L, 0, "America/New_York",
	    "2026-11-01T01:30:00-04:00");
	tsx_is("2026-11-01 02:00", L, 0, "America/New_York",
	    "2026-11-01T02:00:00-05:00");
	tsx_is("2026-03-08", L, 0, "America/New_York",
	    "2026-03-08T00:00:00-05:00");
	/* Sao Paulo went forward at midnight: the day began at 01:00 */
	tsx_is("2018-11-04", L, 0, "America/Sao_Paulo",
	    "2018-11-04T01:00:00-02:00");
	tsx_is("2018-11-04 00:30", L, 0, "America/Sao_Paulo",
	    "time skipped by a daylight saving change");
	tsx_is("2019-02-16 23:30", L, 0, "America/Sao_Paulo",
	    "2019-02-16T23:30:00-02:00");
	/* the TZ of the process, when no zone is named */
	setenv("TZ", "Asia/Shanghai", 1);
	tsx_is("2026-11-23 09:30", L, 0, NULL, "2026-11-23T09:30:00+08:00");
	if (tz)
		setenv("TZ", tz, 1);
	else
		unsetenv("TZ");
	free(tz);
	tzset();
}

int
main(void)
{
	test_fixed();
	test_strict();
	(void)unit_near;	/* a unit.h helper this file has no use for */
	test_trim();
	test_dates();
	test_timestamps();
	test_date_times();
	test_excel();
	test_zones();
	test_now();
	test_money();
	test_money_mean();
	test_ints();
	test_phones();
	test_emails();
	return unit_done();
}
