/*
 * Unit tests for the campaigns report (lib/report_campaigns.c): every
 * figure of its two tables from the report's own operations on a
 * hand-made interaction log and transactions file, with the default
 * window, with --window 3, with --since, without --transactions, and an
 * empty log.  Every expected number is worked out by hand in the comment
 * beside it.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "unit.h"
#include "report-feed.h"
#include "value.h"

extern const struct crm_report_ops crm_report_campaigns;

/*
 * The interactions, as of 2026-03-31 (12:00 UTC), the window 14 days:
 *   I1  C1 03-01 company  spring   contact
 *   I2  C1 03-03 customer          reply, 2 days after I1: spring
 *   I3  C1 03-05 company  oil      contact, the later touch from now on
 *   I4  C1 03-06 customer spring   reply: its campaign column does not
 *                                  matter, the last touch is I3: oil
 *   I5  C2 03-01 company  spring   contact
 *   I6  C2 03-15 customer          14 days after I5: spring
 *   I7  C2 03-16 customer          15 days: no campaign's
 *   I8  C3 03-02 10:00 company spring   contact
 *   I9  C3 03-02 10:00 customer    the same instant: not after I8, and no
 *                                  contact before it: no campaign's
 *   I10 C4 03-20 company  oil      contact; 03-20 + 14 = 04-03 is after
 *                                  the as-of day: open
 *   I11 C5 03-10 no initiator spring: neither contact nor reply, counted
 *                                  in no_initiator
 *   I12 C5 initiator 'bogus': rejected
 *   I13 C2 04-02 company oil       after the as-of day: left out
 *   I14 C6 03-12 company, no campaign: not a contact
 *   I15 C6 03-13 customer          no contact before it: no campaign's
 */
static const char ix[] =
    "id\tts\tcustomer_id\tchannel\ttype\tinitiator\tcampaign\n"
    "I1\t2026-03-01T10:00:00+00:00\tC1\tsms\tcare\tcompany\tspring\n"
    "I2\t2026-03-03T09:00:00+00:00\tC1\tphone\tinquiry\tcustomer\t\n"
    "I3\t2026-03-05T10:00:00+00:00\tC1\temail\tcare\tcompany\toil\n"
    "I4\t2026-03-06T10:00:00+00:00\tC1\tweb\torder\tcustomer\tspring\n"
    "I5\t2026-03-01T10:00:00+00:00\tC2\tsms\tcare\tcompany\tspring\n"
    "I6\t2026-03-15T08:00:00+00:00\tC2\tphone\tinquiry\tcustomer\t\n"
    "I7\t2026-03-16T08:00:00+00:00\tC2\tphone\tinquiry\tcustomer\t\n"
    "I8\t2026-03-02T10:00:00+00:00\tC3\tsms\tcare\tcompany\tspring\n"
    "I9\t2026-03-02T10:00:00+00:00\tC3\tchat\tinquiry\tcustomer\t\n"
    "I10\t2026-03-20T10:00:00+00:00\tC4\temail\tcare\tcompany\toil\n"
    "I11\t2026-03-10T10:00:00+00:00\tC5\tvisit\tother\t\tspring\n"
    "I12\t2026-03-10T10:00:00+00:00\tC5\tphone\tcare\tbogus\tspring\n"
    "I13\t2026-04-02T10:00:00+00:00\tC2\tsms\tcare\tcompany\toil\n"
    "I14\t2026-03-12T10:00:00+00:00\tC6\tphone\tfollowup\tcompany\t\n"
    "I15\t2026-03-13T10:00:00+00:00\tC6\tphone\tinquiry\tcustomer\t\n";

/*
 * The purchases (a date only: after every interaction of their day):
 *   C1 03-05  100.00  on I3's day, after it: oil
 *   C1 03-02   50.00  after I1, before I3: spring
 *   C2 03-10  200.00  spring (9 days)
 *   C2 03-12  -20.00  a refund, spring
 *   C3 03-20   80.00  18 days after I8: no campaign's
 *   C4 03-25   30.00  oil, 5 days after I10
 *   C8 03-05  999.00  never contacted: no campaign's
 *   C4 04-05   10.00  after the as-of day: left out
 *   C9 '12,3x'        rejected
 * spring: contacts 3 (C1 C2 C3), reached 3, responders C1 C2 = 2, rate
 * 2 / 3 = 0.6667, replies I2 I6 = 2, purchases 50 200 -20 = 3, responses
 * 5, revenue 230.00, no open contact, complete.
 * oil: contacts 2 (C1 C4), reached 2, responders C1 C4 = 2, 1.0000,
 * replies I4 = 1, purchases 100 30 = 2, responses 3, revenue 130.00, open
 * 1 (I10), not complete.
 * (all): contacts 5, reached C1..C4 = 4, responders C1 C2 C4 = 3, 0.7500,
 * responses 8, replies 3, purchases 5, revenue 360.00, open 1.
 * responses: replies I2 I4 I6 I7 I9 I15 = 6, 3 attributed, 3 not;
 * purchases 7, 5 attributed, 2 not, 1439.00 in all, 360.00 attributed;
 * no_initiator 1 (I11).
 */
static const char tx[] =
    "customer_id\tdate\tamount\n"
    "C1\t2026-03-05\t100.00\n"
    "C1\t2026-03-02\t50.00\n"
    "C2\t2026-03-10\t200.00\n"
    "C2\t2026-03-12\t-20.00\n"
    "C3\t2026-03-20\t80.00\n"
    "C4\t2026-03-25\t30.00\n"
    "C8\t2026-03-05\t999.00\n"
    "C4\t2026-04-05\t10.00\n"
    "C9\t2026-03-07\t12,3x\n";

static char tpath[] = "/tmp/test-campaigns-XXXXXX";
static int nrefused;

static void
refused(const char *msg)
{
	(void)msg;
	nrefused++;
}

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
	o->done_day = o->asof_day;
	o->since = CRM_DATE_MIN;
	o->until = CRM_DATE_MAX;
	o->diag = refused;
	nrefused = 0;
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
test_default(void)
{
	const struct crm_report_ops *ops = &crm_report_campaigns;
	struct crm_report_opts o;
	struct crm_rtab *ts[CRM_REPORT_MAXTABS], *t;
	void *st;
	int n;

	opts(&o);
	o.transactions = tpath;
	n = feed(ops, &o, &st, ix, ts);
	unit_inteq(n, 2, "two tables");
	unit_inteq(o.status, 1, "I12 and the amount 12,3x are refused");
	unit_inteq(nrefused, 1, "the transaction through the diagnostics");
	t = tab(ts, n, "campaigns");
	/* campaign, first, last, contacts, reached, responders,
	 * response_rate, responses, replies, purchases, revenue, open,
	 * complete; campaigns in byte order, then the totals. */
	unit_streq(row(t, 0, 0, 12), "oil|2026-03-05|2026-03-20|2|2|2|1.0000|"
	    "3|1|2|130.00|1|0", "oil: I10 still open");
	unit_streq(row(t, 1, 0, 12), "spring|2026-03-01|2026-03-02|3|3|2|"
	    "0.6667|5|2|3|230.00|0|1", "spring: I6 on day 14 counts, I7 not");
	unit_streq(row(t, 2, 0, 12), "(all)|||5|4|3|0.7500|8|3|5|360.00|1|",
	    "totals: distinct customers");
	unit_inteq((long long)t->nrows, 3, "two campaigns and the totals");
	unit_inteq((long long)t->total_from, 2, "the last row is a total");
	unit_ok(t->note && strstr(t->note, "oil has contacts whose 14-day "
	    "window runs past 2026-03-31") != NULL, "the open campaign "
	    "noted", t->note);
	t = tab(ts, n, "responses");
	/* source, events, attributed, outside_range, unattributed, amount,
	 * amount_attributed */
	unit_streq(row(t, 0, 0, 6), "customer_interactions|6|3|0|3||",
	    "replies: I2 I4 I6 attributed; I7 I9 I15 not");
	unit_streq(row(t, 1, 0, 6), "purchases|7|5|0|2|1439.00|360.00",
	    "purchases: 80.00 and 999.00 not attributed");
	unit_streq(row(t, 2, 0, 1), "no_initiator|1", "I11");
	done(ops, st, ts, n);
}

/*
 * --window 3: spring keeps C1's 50.00 (1 day) and I2 (2 days), loses all
 * of C2's (9 days and more): responders 1, 1 / 3 = 0.3333, replies 1,
 * purchases 1, revenue 50.00.  oil keeps C1's 100.00 (0 days) and I4 (1
 * day), loses C4's 30.00 (5 days): 1 / 2 = 0.5000, replies 1, purchases
 * 1, 100.00; 03-20 + 3 = 03-23 is past: nothing open.  (all): C1 is
 * the one responder of both, 1 / 4 = 0.2500.
 */
static void
test_window(void)
{
	const struct crm_report_ops *ops = &crm_report_campaigns;
	struct crm_report_opts o;
	struct crm_rtab *ts[CRM_REPORT_MAXTABS], *t;
	void *st;
	int n;

	opts(&o);
	o.transactions = tpath;
	o.campaign_window = 3;
	n = feed(ops, &o, &st, ix, ts);
	t = tab(ts, n, "campaigns");
	unit_streq(row(t, 0, 0, 12), "oil|2026-03-05|2026-03-20|2|2|1|0.5000|"
	    "2|1|1|100.00|0|1", "oil in 3 days");
	unit_streq(row(t, 1, 0, 12), "spring|2026-03-01|2026-03-02|3|3|1|"
	    "0.3333|2|1|1|50.00|0|1", "spring in 3 days");
	unit_streq(row(t, 2, 3, 10), "5|4|1|0.2500|4|2|2|150.00",
	    "totals in 3 days");
	unit_ok(t->note == NULL, "nothing open, no note", t->note);
	t = tab(ts, n, "responses");
	/* replies attributed I2 I4; purchases 50.00 and 100.00 */
	unit_streq(row(t, 0, 0, 4), "customer_interactions|6|2|0|4",
	    "two replies in 3 days");
	unit_streq(row(t, 1, 0, 6), "purchases|7|2|0|5|1439.00|150.00",
	    "two purchases in 3 days");
	done(ops, st, ts, n);
}

/*
 * --since 2026-03-05: spring's contacts (03-01, 03-02) are out of range,
 * so spring has no row; its replies and purchases stay spring's and count
 * as outside_range (I2 I6; 50.00 200.00 -20.00), not oil's.  oil as
 * before; the totals are oil's: reached C1 C4 = 2, responders 2.
 */
static void
test_since(void)
{
	const struct crm_report_ops *ops = &crm_report_campaigns;
	struct crm_report_opts o;
	struct crm_rtab *ts[CRM_REPORT_MAXTABS], *t;
	void *st;
	int n;

	opts(&o);
	o.transactions = tpath;
	o.window = 1;
	if (crm_date_parse("2026-03-05", 10, 0, &o.since))
		abort();
	n = feed(ops, &o, &st, ix, ts);
	t = tab(ts, n, "campaigns");
	unit_streq(row(t, 0, 0, 12), "oil|2026-03-05|2026-03-20|2|2|2|1.0000|"
	    "3|1|2|130.00|1|0", "oil as before");
	unit_streq(row(t, 1, 0, 12), "(all)|||2|2|2|1.0000|3|1|2|130.00|1|",
	    "only oil in the totals");
	unit_inteq((long long)t->nrows, 2, "spring has no contact in range");
	t = tab(ts, n, "responses");
	unit_streq(row(t, 0, 0, 4), "customer_interactions|6|1|2|3",
	    "I2 and I6 belong to spring's contacts, out of range");
	unit_streq(row(t, 1, 0, 6), "purchases|7|2|3|2|1439.00|130.00",
	    "three of spring's purchases out of range");
	unit_streq(row(t, 2, 0, 1), "no_initiator|1", "I11 is in range");
	done(ops, st, ts, n);
}

/* Without --transactions: replies only; purchases and revenue empty, not
 * zero; no purchases row.  spring: responders C1 (I2) C2 (I6); oil: C1
 * (I4) alone, 1 / 2. */
static void
test_no_tx(void)
{
	const struct crm_report_ops *ops = &crm_report_campaigns;
	struct crm_report_opts o;
	struct crm_rtab *ts[CRM_REPORT_MAXTABS], *t;
	void *st;
	int n;

	opts(&o);
	n = feed(ops, &o, &st, ix, ts);
	t = tab(ts, n, "campaigns");
	unit_streq(row(t, 0, 0, 12), "oil|2026-03-05|2026-03-20|2|2|1|0.5000|"
	    "1|1|||1|0", "oil without purchases");
	unit_streq(row(t, 1, 0, 12), "spring|2026-03-01|2026-03-02|3|3|2|"
	    "0.6667|2|2|||0|1", "spring without purchases");
	t = tab(ts, n, "responses");
	unit_streq(row(t, 1, 0, 1), "no_initiator|1", "no purchases row");
	unit_ok(t->note && strstr(t->note, "no --transactions") != NULL,
	    "the note says what is left out", t->note);
	done(ops, st, ts, n);
}

/*
 * Two contacts at one instant: the campaign first in byte order ("a") is
 * the later touch, whichever comes first in the file, and takes C1's
 * reply; "b" reached C1 and has no responder.  C2's reply at the instant
 * of its contact does not follow it.
 */
static void
test_same_instant(void)
{
	static const char *const text[2] = {
	    "id\tts\tcustomer_id\tinitiator\tcampaign\n"
	    "J1\t2026-03-01T10:00:00+00:00\tC1\tcompany\tb\n"
	    "J2\t2026-03-01T10:00:00+00:00\tC1\tcompany\ta\n"
	    "J3\t2026-03-01T11:00:00+00:00\tC1\tcustomer\t\n"
	    "J4\t2026-03-02T10:00:00+00:00\tC2\tcustomer\t\n"
	    "J5\t2026-03-02T10:00:00+00:00\tC2\tcompany\tb\n",
	    "id\tts\tcustomer_id\tinitiator\tcampaign\n"
	    "J4\t2026-03-02T10:00:00+00:00\tC2\tcustomer\t\n"
	    "J3\t2026-03-01T11:00:00+00:00\tC1\tcustomer\t\n"
	    "J5\t2026-03-02T10:00:00+00:00\tC2\tcompany\tb\n"
	    "J2\t2026-03-01T10:00:00+00:00\tC1\tcompany\ta\n"
	    "J1\t2026-03-01T10:00:00+00:00\tC1\tcompany\tb\n",
	};
	const struct crm_report_ops *ops = &crm_report_campaigns;
	struct crm_report_opts o;
	struct crm_rtab *ts[CRM_REPORT_MAXTABS], *t;
	void *st;
	int n;

	for (int k = 0; k < 2; k++) {
		opts(&o);
		n = feed(ops, &o, &st, text[k], ts);
		t = tab(ts, n, "campaigns");
		unit_streq(row(t, 0, 0, 8), "a|2026-03-01|2026-03-01|1|1|1|"
		    "1.0000|1|1", k ? "a, in the other order" : "a takes it");
		unit_streq(row(t, 1, 0, 8), "b|2026-03-01|2026-03-02|2|2|0|"
		    "0.0000|0|0", k ? "b, in the other order" : "b does not");
		t = tab(ts, n, "responses");
		unit_streq(row(t, 0, 0, 4), "customer_interactions|2|1|0|1",
		    "J4 is no campaign's");
		done(ops, st, ts, n);
	}
}

/* An empty log: the totals row alone, its rate empty. */
static void
test_empty(void)
{
	const struct crm_report_ops *ops = &crm_report_campaigns;
	struct crm_report_opts o;
	struct crm_rtab *ts[CRM_REPORT_MAXTABS], *t;
	void *st;
	int n;

	opts(&o);
	n = feed(ops, &o, &st, "id\tts\tcustomer_id\tinitiator\tcampaign\n",
	    ts);
	t = tab(ts, n, "campaigns");
	unit_inteq((long long)t->nrows, 1, "the totals alone");
	unit_streq(row(t, 0, 0, 7), "(all)|||0|0|0||0", "zeros, no rate");
	done(ops, st, ts, n);
}

int
main(void)
{
	writefile(tpath, tx);
	test_default();
	test_window();
	test_since();
	test_no_tx();
	test_same_instant();
	test_empty();
	unlink(tpath);
	return unit_done();
}
