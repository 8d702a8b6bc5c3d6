/*
 * Unit tests for lib/complaint: the event fold, transitions, repeat
 * counts, the policy and priority steps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "complaint.h"
#include "unit.h"

static const char log_tsv[] =
    "complaint_id\tts\tevent\tcustomer_id\tstatus\tcategory\tcause\t"
    "severity\tpriority\tchannel\tagent\tdue_response\tdue_resolve\t"
    "satisfaction\ttext\n"
    "K1\t2026-11-01T09:00:00+08:00\topen\tC1\topen\tquality\tresult\t"
    "high\t2\tphone\tA1\t2026-11-02T09:00:00+08:00\t"
    "2026-11-03T09:00:00+08:00\t\t坏了\n"
    "K2\t2026-11-02T09:00:00+08:00\topen\tC1\topen\tbilling\tresult\t"
    "normal\t3\tweb\t\t\t\t\tcharged twice\n"
    "K1\t2026-11-01T10:00:00+08:00\tassign\tC1\tassigned\t\t\t\t\t\tB2\t"
    "\t\t\t\n"
    "K1\t2026-11-01T11:00:00+08:00\trespond\t\tresponded\t\t\t\t\t\tB3\t"
    "\t\t\t\n"
    "K2\t2026-11-02T10:00:00+08:00\trespond\t\tresponded\t\t\t\t\t\tB3\t"
    "\t\t\t\n"
    "K1\t2026-11-02T09:00:00+08:00\tresolve\t\tresolved\t\t\t\t\t\t\t"
    "\t\t4\t\n"
    "K1\t2026-11-02T09:30:00+08:00\tresolve\t\t\t\t\t\t\t\t\t\t\t\t\n"
    "K3\t2026-11-03T09:00:00Z\topen\tC1\topen\t\t\t\t\t\t\t\t\t\t\n"
    "K1\t2026-11-03T09:00:00+08:00\treopen\t\treopened\t\t\t\t\t\t\t"
    "\t2026-11-04T09:00:00+08:00\t\t\n"
    "K9\t2026-11-03T09:00:00Z\tclose\t\t\t\t\t\t\t\t\t\t\t\t\n"
    "K3\t2026-12-30T09:00:00Z\tclassify\t\t\t\t\turgent\t\t\t\t\t\t\t\n"
    /* K4: resolved without a response, reopened, then responded to */
    "K4\t2026-11-04T09:00:00Z\topen\tC4\topen\t\t\t\t\t\t\t\t\t\t\n"
    "K4\t2026-11-04T15:00:00Z\tresolve\t\t\t\t\t\t\t\t\t\t\t\t\n"
    "K4\t2026-11-05T09:00:00Z\treopen\t\t\t\t\t\t\t\t\t\t\t\t\n"
    "K4\t2026-11-05T10:00:00Z\trespond\t\t\t\t\t\t\t\t\t\t\t\t\n";

static int nwarn;
static char lastwarn[256];

static void
warn_cb(void *ctx, const char *msg)
{
	(void)ctx;
	nwarn++;
	snprintf(lastwarn, sizeof lastwarn, "%s", msg);
}

int
main(void)
{
	char path[] = "/tmp/test-complaint-XXXXXX", err[256];
	struct crm_complaint_fold *f;
	struct crm_complaint *c, d;
	struct crm_complaint_policy p;
	long bad;
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, log_tsv, sizeof log_tsv - 1) !=
	    (ssize_t)(sizeof log_tsv - 1))
		return 1;
	close(fd);

	f = crm_complaint_fold_new();
	bad = crm_complaint_fold_file(f, path, warn_cb, NULL, err, sizeof err);
	unit_inteq(bad, 2, "two events refused");
	unit_inteq(nwarn, 2, "both reported");
	unit_inteq(crm_complaint_fold_count(f), 4, "four complaints");
	c = crm_complaint_fold_find(f, "K1");
	UNIT_OK(c != NULL, "K1 found");
	unit_streq(crm_complaint_status_name(c->status), "reopened",
	    "K1 reopened");
	unit_streq(c->owner, "B2", "assignee owns it, a responder does not");
	unit_streq(c->text, "坏了", "text of the open event");
	unit_inteq(c->reopens, 1, "one reopen");
	unit_inteq(c->satisfaction, 0, "reopen clears the satisfaction");
	UNIT_OK(c->resolved == CRM_COMPLAINT_NOTIME, "reopen clears resolved");
	unit_inteq(c->responded, 1793502000, "first response kept");
	unit_inteq(c->due_resolve, 1793754000, "reopen sets the new due time");
	unit_inteq(c->reopened, 1793667600, "the reopening time kept");
	unit_inteq(c->opened_off, 480, "offset kept");
	unit_inteq(c->severity, 2, "severity high");
	unit_inteq(c->priority, 2, "priority 2");
	c = crm_complaint_fold_find(f, "K2");
	unit_streq(c->owner, "B3", "a responder owns an unowned complaint");
	UNIT_OK(c->reopened == CRM_COMPLAINT_NOTIME, "K2 never reopened");
	c = crm_complaint_fold_find(f, "K3");
	unit_inteq(c->severity, 3, "classify sets the severity");
	UNIT_OK(crm_complaint_fold_find(f, "K9") == NULL, "K9 not made");
	c = crm_complaint_fold_find(f, "K4");
	/* 2026-11-04T15:00:00Z: date -u -d 2026-11-04T15:00:00Z +%s */
	unit_inteq(c->responded, 1793804400,
	    "a resolve before any response is the first response, kept "
	    "through the reopen and the later respond");
	UNIT_OK(c->resolved == CRM_COMPLAINT_NOTIME, "K4 resolution cleared");

	crm_complaint_fold_recent(f, 90 * 86400);
	unit_inteq(crm_complaint_fold_find(f, "K3")->recent, 3,
	    "three of C1 in the window");
	crm_complaint_fold_recent(f, 86400);
	unit_inteq(crm_complaint_fold_find(f, "K2")->recent, 1,
	    "a 1-day window excludes K1 (exactly one day before)");
	crm_complaint_fold_sort(f);
	unit_streq(crm_complaint_fold_at(f, 0)->id, "K1", "sorted by opening");
	unit_streq(crm_complaint_fold_at(f, 2)->id, "K3", "K3 last");
	crm_complaint_fold_free(f);

	/* Only events up to a time. */
	f = crm_complaint_fold_new();
	crm_complaint_fold_until(f, 1793502000 - 1);
	nwarn = 0;
	bad = crm_complaint_fold_file(f, path, warn_cb, NULL, err, sizeof err);
	c = crm_complaint_fold_find(f, "K1");
	unit_streq(crm_complaint_status_name(c->status), "assigned",
	    "as of before the response");
	unit_inteq(crm_complaint_fold_count(f), 1, "later opens skipped");
	crm_complaint_fold_free(f);
	unlink(path);

	f = crm_complaint_fold_new();
	UNIT_OK(crm_complaint_fold_file(f, "/nonexistent/x.tsv", warn_cb,
	    NULL, err, sizeof err) == -1, "a missing file is fatal");
	crm_complaint_fold_free(f);

	memset(&d, 0, sizeof d);
	UNIT_OK(crm_complaint_check(NULL, CRM_CE_OPEN) == NULL, "open a new id");
	unit_streq(crm_complaint_check(NULL, CRM_CE_CLOSE),
	    "complaint was not opened", "close unopened");
	d.status = CRM_CS_OPEN;
	unit_streq(crm_complaint_check(&d, CRM_CE_CLOSE), "complaint is open",
	    "close an open one");
	unit_streq(crm_complaint_check(&d, CRM_CE_OPEN),
	    "complaint is already open", "open twice");
	d.status = CRM_CS_CLOSED;
	unit_streq(crm_complaint_check(&d, CRM_CE_RESPOND),
	    "complaint is closed", "respond to a closed one");
	UNIT_OK(crm_complaint_check(&d, CRM_CE_REOPEN) == NULL,
	    "reopen a closed one");

	/* an event before the complaint's last one, written in its zone */
	d.last = 1795827600;            /* 2026-11-28T09:00:00+08:00 */
	d.last_off = 480;
	UNIT_OK(crm_complaint_check_time(NULL, 0, 0) == NULL, "no complaint");
	UNIT_OK(crm_complaint_check_time(&d, d.last, 0) == NULL,
	    "at the same time");
	unit_streq(crm_complaint_check_time(&d, d.last - 3600, 0),
	    "2026-11-28T00:00:00+00:00 is before its last event at "
	    "2026-11-28T09:00:00+08:00", "an hour before");

	{
		struct crm_complaint_cols cc;
		static const char *const names[] = { "text", "event",
			"complaint_id", "ts", "agent" };

		UNIT_OK(crm_complaint_cols_names(&cc, names, 5) == 0,
		    "columns by name");
		unit_inteq(cc.id, 2, "complaint_id");
		unit_inteq(cc.ts, 3, "ts");
		unit_inteq(cc.event, 1, "event");
		unit_inteq(cc.agent, 4, "agent");
		unit_inteq(cc.text, 0, "text");
		unit_inteq(cc.severity, -1, "no severity column");
		UNIT_OK(crm_complaint_cols_names(&cc, names, 3) == -1,
		    "no ts column");
	}

	/* an ordered fold refuses an event before its complaint's last */
	f = crm_complaint_fold_new();
	crm_complaint_fold_ordered(f);
	{
		static const char order_tsv[] =
		    "complaint_id\tts\tevent\n"
		    "K1\t2026-11-01T09:00:00+08:00\topen\n"
		    "K1\t2026-11-01T08:00:00+08:00\trespond\n"
		    "K1\t2026-11-01T10:00:00+08:00\trespond\n";
		FILE *fp = fopen(path, "w");

		fputs(order_tsv, fp);
		fclose(fp);
	}
	nwarn = 0;
	unit_inteq(crm_complaint_fold_file(f, path, warn_cb, NULL, err,
	    sizeof err), 1, "one event out of order");
	{
		char want[256];

		snprintf(want, sizeof want, "%s:3: ts: 2026-11-01T08:00:00+08:00 "
		    "is before its last event at 2026-11-01T09:00:00+08:00 "
		    "'2026-11-01T08:00:00+08:00'", path);
		unit_streq(lastwarn, want, "named by line and field");
	}
	c = crm_complaint_fold_find(f, "K1");
	UNIT_OK(c && c->events == 2 && c->status == CRM_CS_RESPONDED,
	    "the later respond folded");
	crm_complaint_fold_free(f);
	unlink(path);

	unit_inteq(crm_complaint_priority(3, 0), 1, "urgent is 1");
	unit_inteq(crm_complaint_priority(0, 0), 4, "low is 4");
	unit_inteq(crm_complaint_priority(-1, 0), 3, "unknown as normal");
	unit_inteq(crm_complaint_priority(1, CRM_PRIO_TIER | CRM_PRIO_PUBLIC),
	    1, "two steps from normal");
	unit_inteq(crm_complaint_priority(2, CRM_PRIO_TIER | CRM_PRIO_REPEAT |
	    CRM_PRIO_PUBLIC | CRM_PRIO_OVERDUE), 1, "never past 1");
	UNIT_OK(crm_complaint_channel_public("forum"), "forum is public");
	UNIT_OK(!crm_complaint_channel_public("web"), "web is not");

	crm_complaint_policy_init(&p);
	unit_inteq(p.resolve_h[2], 48, "high resolves in 48 h");
	UNIT_OK(crm_complaint_policy_set(&p, "resolve=10") == NULL, "resolve=");
	unit_inteq(p.resolve_h[0] + p.resolve_h[3], 20, "all severities");
	UNIT_OK(crm_complaint_policy_set(&p, "response.urgent 2") == NULL,
	    "response.urgent");
	unit_inteq(p.response_h[3] * 100 + p.response_h[1], 224,
	    "only urgent changed");
	unit_streq(crm_complaint_policy_set(&p, "response.critical=2"),
	    "unknown policy key", "bad severity");
	unit_streq(crm_complaint_policy_set(&p, "resolve=0"),
	    "hours must be 1..87600", "zero hours");
	UNIT_OK(crm_complaint_policy_set(&p, "repeat_days\t30") == NULL,
	    "repeat_days");
	unit_inteq(p.repeat_days, 30, "repeat_days set");
	return unit_done();
}
