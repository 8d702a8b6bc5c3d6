/*
 * Unit tests for the agents report (lib/report_agents.c): the half-up
 * mean, then every figure of the agents and channels tables from the
 * report's own operations on a hand-made interaction log and complaint
 * log, by agent and by month, sorted three ways, with and without the
 * complaint log, and a complaint file that is not one.  Every expected
 * number is worked out by hand in the comment beside it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "complaint.h"
#include "report.h"
#include "report_figs.h"
#include "unit.h"
#include "report-feed.h"
#include "value.h"

extern const struct crm_report_ops crm_report_agents;

static void
test_mean(void)
{
	char b[32];

	/* 33 / 8 = 4.125 exactly: half up is 4.13 (printf's %.2f of the
	 * double gives 4.12, the even neighbour). */
	crm_report_mean_half_up(b, 33, 8);
	unit_streq(b, "4.13", "4.125 rounds up");
	/* 1 / 8 = 0.125 -> 0.13; 2 / 3 = 0.666.. -> 0.67; 11 / 3 = 3.666..
	 * -> 3.67; 7 / 2 = 3.5 -> 3.50; 5 / 1 -> 5.00; 1 / 3 = 0.333.. ->
	 * 0.33. */
	crm_report_mean_half_up(b, 1, 8);
	unit_streq(b, "0.13", "0.125 rounds up");
	crm_report_mean_half_up(b, 2, 3);
	unit_streq(b, "0.67", "2 / 3");
	crm_report_mean_half_up(b, 11, 3);
	unit_streq(b, "3.67", "11 / 3");
	crm_report_mean_half_up(b, 7, 2);
	unit_streq(b, "3.50", "7 / 2");
	crm_report_mean_half_up(b, 5, 1);
	unit_streq(b, "5.00", "5 / 1");
	crm_report_mean_half_up(b, 1, 3);
	unit_streq(b, "0.33", "1 / 3");
}

/*
 * The interactions, as of 2026-03-31 (12:00 UTC):
 *   I1 C1 phone ann  sat 4  next 03-10   settled by I2, a later one
 *   I2 C1 email bob  sat 5  no next      C1 has no follow-up
 *   I3 C2 phone ann  sat 3  next 03-31   due on the as-of day: due, not
 *                                        overdue (ann, month 2026-03)
 *   I4 C3 chat  ann  no sat next 03-20   same instant as I5, which has the
 *   I5 C3 sms   bob  sat 2  next 03-15   smaller next_action: bob's, due
 *                                        and overdue (month 2026-03)
 *   I6 C4 web   ""   sat 5  next 04-05   (none); after the as-of day: not
 *                                        due
 *   I7 C4 phone ann  sat 1  next 03-01   on 04-02, after the as-of day:
 *                                        left out (else C4 overdue)
 *   I8 C5 telex ann  sat 4  next 02-28   channel "other"; due and overdue
 *                                        (month 2026-02)
 *   I9 rejected (satisfaction 9), I10 rejected (no customer_id).
 * So ann: interactions I1 I3 I4 I8 = 4, satisfaction 4 + 3 + 4 = 11 over
 * 3 = 3.67, follow-ups due 2 (C2, C5), overdue 1 (C5); channels phone 2,
 * chat 1, other 1.  bob: I2 I5 = 2, (5 + 2) / 2 = 3.50, due 1 (C3),
 * overdue 1; email 1, sms 1.  (none): I6 = 1, 5.00, due 0; web 1.
 */
static const char ix[] =
    "id\tts\tcustomer_id\tchannel\tagent\tsatisfaction\tnext_action\n"
    "I1\t2026-03-01T09:00:00+00:00\tC1\tphone\tann\t4\t2026-03-10\n"
    "I2\t2026-03-05T09:00:00+00:00\tC1\temail\tbob\t5\t\n"
    "I3\t2026-03-02T09:00:00+00:00\tC2\tphone\tann\t3\t2026-03-31\n"
    "I4\t2026-02-20T09:00:00+00:00\tC3\tchat\tann\t\t2026-03-20\n"
    "I5\t2026-02-20T09:00:00+00:00\tC3\tsms\tbob\t2\t2026-03-15\n"
    "I6\t2026-03-10T10:00:00+00:00\tC4\tweb\t\t5\t2026-04-05\n"
    "I7\t2026-04-02T09:00:00+00:00\tC4\tphone\tann\t1\t2026-03-01\n"
    "I8\t2026-03-03T09:00:00+00:00\tC5\ttelex\tann\t4\t2026-02-28\n"
    "I9\t2026-03-04T09:00:00+00:00\tC6\tphone\tann\t9\t\n"
    "I10\t2026-03-04T09:00:00+00:00\t\tphone\tann\t4\t\n";

/*
 * The complaints, folded as of 2026-03-31T12:00:00+00:00:
 *   K1 opened by ann 03-01 00:00, responded by bob 06:00 (6 h; ann stays
 *      the owner), resolved 03-03 00:00 (48 h); due 03-02 and 03-04: both
 *      met.
 *   K2 opened by ann 03-05, assigned to bob (the owner now), responded
 *      03-06 12:00 (36 h, due 03-06 00:00: missed), resolved 03-07,
 *      reopened 03-09, resolved again 03-12 (168 h from opening; due
 *      03-08: missed).  Ever resolved, reopened once.
 *   K3 opened without an agent 03-10, responded by cat 02:00 (2 h, due
 *      03-11: met; cat becomes the owner), never resolved, due 03-13 is
 *      past: missed.
 *   K4 opened by ann 03-20, no due times, no answer: counts nowhere in
 *      the SLA.
 *   K5 opened by ann 04-01: after the as-of time, left out.
 *   K6 opened by ann 03-21, responded 10:00 (10 h, due 03-22: met).
 * ann: complaints 3 (K1 K4 K6), responded 2, resolved 1, response SLA
 * 2 / 2 = 1.0000, resolution 1 / 1 = 1.0000, median response of {6, 10} h
 * x[ceil(1) - 1] = 6.00, median resolution 48.00, reopen 0 / 1 = 0.0000.
 * bob: 1, 1, 1, 0 / 1 = 0.0000, 0 / 1 = 0.0000, 36.00, 168.00, 1.0000.
 * cat: 1, 1, 0, 1 / 1 = 1.0000, 0 / 1 = 0.0000, 2.00, empty, empty.
 */
static const char cx[] =
    "complaint_id\tts\tevent\tcustomer_id\tagent\tdue_response\t"
    "due_resolve\n"
    "K1\t2026-03-01T00:00:00+00:00\topen\tC1\tann\t"
    "2026-03-02T00:00:00+00:00\t2026-03-04T00:00:00+00:00\n"
    "K1\t2026-03-01T06:00:00+00:00\trespond\t\tbob\t\t\n"
    "K1\t2026-03-03T00:00:00+00:00\tresolve\t\t\t\t\n"
    "K2\t2026-03-05T00:00:00+00:00\topen\tC2\tann\t"
    "2026-03-06T00:00:00+00:00\t2026-03-08T00:00:00+00:00\n"
    "K2\t2026-03-05T01:00:00+00:00\tassign\t\tbob\t\t\n"
    "K2\t2026-03-06T12:00:00+00:00\trespond\t\t\t\t\n"
    "K2\t2026-03-07T00:00:00+00:00\tresolve\t\t\t\t\n"
    "K2\t2026-03-09T00:00:00+00:00\treopen\t\t\t\t\n"
    "K2\t2026-03-12T00:00:00+00:00\tresolve\t\t\t\t\n"
    "K3\t2026-03-10T00:00:00+00:00\topen\tC3\t\t"
    "2026-03-11T00:00:00+00:00\t2026-03-13T00:00:00+00:00\n"
    "K3\t2026-03-10T02:00:00+00:00\trespond\t\tcat\t\t\n"
    "K4\t2026-03-20T00:00:00+00:00\topen\tC4\tann\t\t\n"
    "K5\t2026-04-01T00:00:00+00:00\topen\tC5\tann\t\t\n"
    "K6\t2026-03-21T00:00:00+00:00\topen\tC6\tann\t"
    "2026-03-22T00:00:00+00:00\t\n"
    "K6\t2026-03-21T10:00:00+00:00\trespond\t\t\t\t\n";

static char cpath[] = "/tmp/test-agents-XXXXXX";
static char notpath[] = "/tmp/test-agents-not-XXXXXX";

static void
writefile(char *path, const char *text)
{
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
}

static void
opts(struct crm_report_opts *o)
{
	memset(o, 0, sizeof *o);
	if (crm_asof_parse("2026-03-31T12:00:00+00:00", &o->asof_t,
	    &o->asof_off))
		abort();
	o->asof_day = crm_ts_days(o->asof_t, o->asof_off);
	o->asof_set = 1;
}

/* Row r of t as "c0|c1|..." over columns from..to. */
static const char *
row(const struct crm_rtab *t, size_t r, size_t from, size_t to)
{
	static char b[512];
	size_t n = 0;

	b[0] = '\0';
	for (size_t c = from; c <= to; c++) {
		const char *s = crm_rtab_get(t, r, c);

		n += (size_t)snprintf(b + n, sizeof b - n, "%s%s",
		    c > from ? "|" : "", s ? s : "");
	}
	return b;
}

static void
test_agents(void)
{
	const struct crm_report_ops *ops = &crm_report_agents;
	struct crm_report_opts o;
	struct crm_rtab *ts[CRM_REPORT_MAXTABS], *t;
	void *st;
	int n;

	opts(&o);
	o.complaints = cpath;
	n = feed(ops, &o, &st, ix, ts);
	unit_inteq(n, 2, "two tables");
	unit_inteq(o.status, 1, "I9 and I10 are rejected");
	t = tab(ts, n, "agents");
	/* agent, interactions, satisfaction_n, satisfaction_mean, due,
	 * overdue, complaints, responded, resolved, response_sla,
	 * resolution_sla, median_response_h, median_resolution_h,
	 * reopen_rate; agents ascending, "(none)" first bytewise. */
	unit_streq(row(t, 0, 0, 13), "(none)|1|1|5.00|0|0|0|0|0|||||",
	    "(none): I6 only, no complaint");
	unit_streq(row(t, 1, 0, 13), "ann|4|3|3.67|2|1|3|2|1|1.0000|1.0000|"
	    "6.00|48.00|0.0000", "ann");
	unit_streq(row(t, 2, 0, 13), "bob|2|2|3.50|1|1|1|1|1|0.0000|0.0000|"
	    "36.00|168.00|1.0000", "bob");
	unit_streq(row(t, 3, 0, 13), "cat|0|0||0|0|1|1|0|1.0000|0.0000|"
	    "2.00||", "cat: a complaint and no interaction");
	unit_inteq((long long)t->nrows, 4, "four rows");
	t = tab(ts, n, "channels");
	/* agent, visit, phone, sms, email, letter, ivr, chat, web, social,
	 * forum, event, self_service, other. */
	unit_streq(row(t, 0, 0, 13), "(none)|0|0|0|0|0|0|0|1|0|0|0|0|0",
	    "(none): web 1");
	unit_streq(row(t, 1, 0, 13), "ann|0|2|0|0|0|0|1|0|0|0|0|0|1",
	    "ann: phone 2, chat 1, telex as other");
	unit_streq(row(t, 2, 0, 13), "bob|0|0|1|1|0|0|0|0|0|0|0|0|0",
	    "bob: sms 1, email 1");
	unit_streq(row(t, 3, 0, 13), "cat|0|0|0|0|0|0|0|0|0|0|0|0|0",
	    "cat: none");
	done(ops, st, ts, n);

	/* --sort interactions: ann 4, bob 2, (none) 1, cat 0. */
	opts(&o);
	o.complaints = cpath;
	o.sort = "interactions";
	n = feed(ops, &o, &st, ix, ts);
	t = tab(ts, n, "agents");
	unit_streq(row(t, 0, 0, 0), "ann", "most interactions first");
	unit_streq(row(t, 1, 0, 0), "bob", "then bob");
	unit_streq(row(t, 2, 0, 0), "(none)", "then (none)");
	unit_streq(row(t, 3, 0, 0), "cat", "then cat");
	t = tab(ts, n, "channels");
	unit_streq(row(t, 0, 0, 0), "ann", "channels in the same order");
	done(ops, st, ts, n);

	/* --sort median_response_h: bob 36, ann 6, cat 2, (none) empty and
	 * so last. */
	opts(&o);
	o.complaints = cpath;
	o.sort = "median_response_h";
	n = feed(ops, &o, &st, ix, ts);
	t = tab(ts, n, "agents");
	unit_streq(row(t, 0, 0, 0), "bob", "slowest response first");
	unit_streq(row(t, 1, 0, 0), "ann", "then ann");
	unit_streq(row(t, 2, 0, 0), "cat", "then cat");
	unit_streq(row(t, 3, 0, 0), "(none)", "an empty median last");
	done(ops, st, ts, n);

	/* Without --complaints: the complaint columns are empty, cat (who
	 * only answered a complaint) has no row. */
	opts(&o);
	n = feed(ops, &o, &st, ix, ts);
	t = tab(ts, n, "agents");
	unit_streq(row(t, 1, 0, 13), "ann|4|3|3.67|2|1||||||||",
	    "no complaint log: no complaint figures");
	unit_inteq((long long)t->nrows, 3, "three rows");
	done(ops, st, ts, n);
}

/*
 * --by month: interactions by the month of ts, follow-ups by the month of
 * their date, complaints by the month opened.
 *   2026-02 ann: I4 (chat, no satisfaction); C5's follow-up of 02-28, due
 *                and overdue.
 *   2026-02 bob: I5 (sms, 2 -> 2.00).
 *   2026-03 (none): I6.
 *   2026-03 ann: I1 I3 I8, (4 + 3 + 4) / 3 = 3.67; C2 due (not overdue);
 *                K1 K4 K6.
 *   2026-03 bob: I2 (5.00); C3 due and overdue; K2.
 *   2026-03 cat: K3.
 */
static void
test_by_month(void)
{
	const struct crm_report_ops *ops = &crm_report_agents;
	struct crm_report_opts o;
	struct crm_rtab *ts[CRM_REPORT_MAXTABS], *t;
	void *st;
	int n;

	opts(&o);
	o.complaints = cpath;
	o.by = "month";
	n = feed(ops, &o, &st, ix, ts);
	t = tab(ts, n, "agents");
	unit_streq(row(t, 0, 0, 7), "2026-02|ann|1|0||1|1|0", "February ann");
	unit_streq(row(t, 1, 0, 7), "2026-02|bob|1|1|2.00|0|0|0",
	    "February bob");
	unit_streq(row(t, 2, 0, 7), "2026-03|(none)|1|1|5.00|0|0|0",
	    "March (none)");
	unit_streq(row(t, 3, 0, 14), "2026-03|ann|3|3|3.67|1|0|3|2|1|1.0000|"
	    "1.0000|6.00|48.00|0.0000", "March ann");
	unit_streq(row(t, 4, 0, 7), "2026-03|bob|1|1|5.00|1|1|1", "March bob");
	unit_streq(row(t, 5, 0, 7), "2026-03|cat|0|0||0|0|1", "March cat");
	unit_inteq((long long)t->nrows, 6, "six rows");
	t = tab(ts, n, "channels");
	unit_streq(row(t, 0, 0, 8), "2026-02|ann|0|0|0|0|0|0|1",
	    "February ann: chat");
	done(ops, st, ts, n);
}

/* A complaint file that is not a complaint log: no table, the reason. */
static void
test_not_complaints(void)
{
	const struct crm_report_ops *ops = &crm_report_agents;
	struct crm_report_opts o;
	struct crm_rtab *ts[CRM_REPORT_MAXTABS];
	void *st;
	int n;

	opts(&o);
	o.complaints = notpath;
	n = feed(ops, &o, &st, ix, ts);
	unit_inteq(n, -1, "not a complaint log: an error");
	ops->free(st);
}

int
main(void)
{
	writefile(cpath, cx);
	writefile(notpath, "customer_id\tname\nC1\tAnn\n");
	test_mean();
	test_agents();
	test_by_month();
	test_not_complaints();
	unlink(cpath);
	unlink(notpath);
	return unit_done();
}
