/*
 * Unit tests for the channels report (lib/report_channels.c): counts,
 * shares and averages from the report's own operations.  Every expected
 * number is worked out by hand in the comment beside it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "unit.h"
#include "report-feed.h"

/*
 * Four interactions: phone 3 (durations 60, 120, none; satisfaction 4, 5,
 * none), email 1 (duration 30, satisfaction 2), an empty type counted as
 * (none).  Shares: phone 3 / 4 = 0.7500, email 0.2500.  Phone's average
 * duration (60 + 120) / 2 = 90.00 over 2 with one, satisfaction
 * (4 + 5) / 2 = 4.50.  Months: 2026-01 has 3 (durations 60 + 30 over 2 =
 * 45.00), 2026-02 has 1.  A fifth row with a bad duration is rejected.
 */
static const char ix[] =
    "id\tts\tcustomer_id\tchannel\ttype\tinitiator\tduration_s\t"
    "satisfaction\n"
    "I1\t2026-01-05T10:00:00+08:00\tC1\tphone\tinquiry\tcustomer\t60\t4\n"
    "I2\t2026-02-01T09:00:00+08:00\tC2\tphone\tcare\tcompany\t120\t5\n"
    "I3\t2026-01-31T23:30:00-05:00\tC3\tphone\t\tcustomer\t\t\n"
    "I4\t2026-01-07T10:00:00+00:00\tC4\temail\tinquiry\tcustomer\t30\t2\n"
    "I5\t2026-01-07T10:00:00+00:00\tC4\temail\tinquiry\tcustomer\tx\t2\n";

static void
test_report(void)
{
	const struct crm_report_ops *ops = crm_report_find("channels");
	struct crm_report_opts o;
	struct crm_rtab *ts[CRM_REPORT_MAXTABS], *t;
	void *st;
	int n;

	memset(&o, 0, sizeof o);
	n = feed(ops, &o, &st, ix, ts);
	unit_inteq(n, 4, "four tables");
	unit_inteq(o.status, 1, "a bad duration is rejected");
	t = tab(ts, n, "channel");
	/* Sorted bytewise: email before phone, then the total. */
	unit_streq(crm_rtab_get(t, 0, 0), "email", "channels sorted");
	unit_streq(crm_rtab_get(t, 0, 2), "0.2500", "email share");
	unit_streq(crm_rtab_get(t, 1, 1), "3", "phone interactions");
	unit_streq(crm_rtab_get(t, 1, 2), "0.7500", "phone share");
	unit_streq(crm_rtab_get(t, 1, 3), "2", "phone durations");
	unit_streq(crm_rtab_get(t, 1, 4), "90.00", "phone average duration");
	unit_streq(crm_rtab_get(t, 1, 6), "4.50", "phone satisfaction");
	unit_streq(crm_rtab_get(t, 2, 1), "4", "total interactions");
	/* (30 + 60 + 120) / 3 = 70.00 over all channels. */
	unit_streq(crm_rtab_get(t, 2, 4), "70.00", "total average duration");
	t = tab(ts, n, "type");
	unit_streq(crm_rtab_get(t, 0, 0), "(none)", "an empty type");
	t = tab(ts, n, "month");
	/* I3 is 2026-01-31 in its own offset, whatever the UTC day. */
	unit_streq(crm_rtab_get(t, 0, 1), "3", "January interactions");
	unit_streq(crm_rtab_get(t, 0, 4), "45.00", "January duration");
	unit_streq(crm_rtab_get(t, 1, 0), "2026-02", "February");
	done(ops, st, ts, n);
}

int
main(void)
{
	test_report();
	return unit_done();
}
