/*
 * test-timeline: the merge order (instant, then source, then the order
 * of adding), a purchase at 00:00 UTC of its date, and the complaints of
 * a customer as the whole log leaves them (a later event naming the
 * customer takes the complaint's earlier events along).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "timeline.h"
#include "unit.h"

static char dir[] = "/tmp/test-timeline.XXXXXX";

static const char *
put(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void
add(struct crm_timeline *tl, long long us, int source, const char *id)
{
	const char *f[CRM_TL_NCOLS] = { 0 };
	size_t n[CRM_TL_NCOLS] = { 0 };

	f[CRM_TL_ID] = id;
	n[CRM_TL_ID] = strlen(id);
	crm_timeline_add(tl, us, 0, source, f, n);
}

static void
order(struct crm_timeline *tl, char *out)
{
	*out = '\0';
	for (size_t i = 0; i < tl->n; i++) {
		strcat(out, tl->e[i].f[CRM_TL_ID]);
		strcat(out, i + 1 < tl->n ? " " : "");
	}
}

static void
warn_none(void *ctx, const char *msg)
{
	(void)msg;
	++*(int *)ctx;
}

int
main(void)
{
	struct crm_timeline tl;
	char got[256], err[256];
	const char *p;
	int warned = 0;
	long bad;

	if (!mkdtemp(dir))
		return 2;
	crm_timeline_init(&tl);
	add(&tl, 20, CRM_TL_COMPLAINT, "k1");
	add(&tl, 10, CRM_TL_INTERACTION, "i1");
	add(&tl, 20, CRM_TL_INTERACTION, "i2");
	add(&tl, 20, CRM_TL_TRANSACTION, "t1");
	add(&tl, 20, CRM_TL_INTERACTION, "i3");
	add(&tl, 5, CRM_TL_COMPLAINT, "k0");
	crm_timeline_sort(&tl);
	order(&tl, got);
	unit_streq(got, "k0 i1 t1 i2 i3 k1", "instant, source, order added");
	unit_streq(tl.e[0].f[CRM_TL_SOURCE], "complaint", "the source named");
	unit_streq(tl.e[1].f[CRM_TL_NOTE], "", "an empty column is \"\"");
	crm_timeline_release(&tl);

	p = put("tx.tsv", "customer_id\tdate\tamount\torder_id\n"
	    "C1\t2026-11-01\t1\tO1\nC2\t2026-11-01\t2\tO2\n"
	    "C1\t2026/11/02\t3,000.5\t\n");
	bad = crm_timeline_transactions(&tl, p, "C1", warn_none, &warned,
	    err, sizeof err);
	UNIT_OK(bad == 0 && tl.n == 2, "the customer's purchases only");
	unit_inteq(tl.e[0].us, 1793491200LL * 1000000,
	    "a date sorts at 00:00 UTC of that day");
	unit_streq(tl.e[1].f[CRM_TL_TS], "2026-11-02", "its date canonical");
	unit_streq(tl.e[1].f[CRM_TL_AMOUNT], "3000.50", "its amount canonical");
	crm_timeline_release(&tl);

	p = put("k.tsv", "complaint_id\tts\tevent\tcustomer_id\tcategory\n"
	    "K1\t2026-11-01T10:00:00+08:00\topen\t\tbilling\n"
	    "K2\t2026-11-01T11:00:00+08:00\topen\tC2\t\n"
	    "K1\t2026-11-01T12:00:00+08:00\tclassify\tC1\tdelivery\n"
	    "K1\t2026-11-01T12:30:00+08:00\tbogus\t\t\n"
	    "K1\t2026-11-01T13:00:00+08:00\tresolve\t\t\n");
	bad = crm_timeline_complaints(&tl, p, "C1", warn_none, &warned, err,
	    sizeof err);
	UNIT_OK(bad == 1 && warned == 1, "a refused event is reported once");
	order(&tl, got);
	unit_streq(got, "K1 K1 K1", "every event of the customer's complaint");
	unit_streq(tl.e[0].f[CRM_TL_EVENT], "opened", "the event named");
	unit_streq(tl.e[0].f[CRM_TL_CATEGORY], "billing",
	    "the category as it stood then");
	unit_streq(tl.e[2].f[CRM_TL_CATEGORY], "delivery",
	    "and after a classify");
	crm_timeline_release(&tl);
	UNIT_OK(crm_timeline_complaints(&tl, "/nonexistent", "C1", NULL, NULL,
	    err, sizeof err) == -1, "an unreadable file is an error");

	snprintf(got, sizeof got, "rm -rf '%s'", dir);
	if (system(got) != 0)
		return 2;
	return unit_done();
}
