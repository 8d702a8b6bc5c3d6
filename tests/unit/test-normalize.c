/*
 * test-normalize: one field of a kind in, its canonical form or the exact
 * reason out, for every column type.
 */
#include <stdlib.h>

#include "kinds.h"
#include "normalize.h"
#include "unit.h"
#include "util.h"
#include "value.h"

static char what[256];

#define WHAT(...) (snprintf(what, sizeof what, __VA_ARGS__), what)

/* Normalise s as column col of kind; compare the value or "!" reason. */
static void
norm_is(const char *kind, const char *col, const char *s,
    const struct crm_norm_opts *o, const char *want)
{
	const struct crm_coldef *c = crm_kind_col(crm_kind_find(kind), col);
	struct crm_buf b;
	char got[256];

	crm_buf_init(&b);
	crm_buf_adds(&b, "<");
	const char *e = crm_normalize(c, s, strlen(s), o, &b);
	if (e)
		snprintf(got, sizeof got, "!%s%s", e,
		    strcmp(b.p, "<") ? " (out changed)" : "");
	else
		snprintf(got, sizeof got, "%s", b.p + 1);
	unit_streq(got, want, WHAT("%s.%s '%s'", kind, col, s));
	crm_buf_release(&b);
}

int
main(void)
{
	struct crm_norm_opts us;

	crm_norm_opts_init(&us);
	us.country = "1";
	us.date_flags = CRM_DATE_MDY;

	/* text and id */
	norm_is("customers", "name", "  王小明\xe3\x80\x80", NULL, "王小明");
	norm_is("customers", "name", "", NULL, "");
	norm_is("customers", "customer_id", " C1001 ", NULL, "C1001");
	norm_is("customers", "customer_id", "C 1001", NULL,
	    "!not an id (contains whitespace)");
	norm_is("customers", "customer_id", "C\xe3\x80\x80" "1", NULL,
	    "!not an id (contains whitespace)");
	norm_is("customers", "customer_id", "   ", NULL,
	    "!required field is empty");
	norm_is("transactions", "order_id", "", NULL, "");

	/* dates */
	norm_is("transactions", "date", "2026/11/23", NULL, "2026-11-23");
	norm_is("transactions", "date", "2026.1.5", NULL, "2026-01-05");
	norm_is("transactions", "date", "20261123", NULL, "2026-11-23");
	norm_is("transactions", "date", "2026年11月23日", NULL, "2026-11-23");
	norm_is("transactions", "date", "11/23/2026", NULL, "!not a date");
	norm_is("transactions", "date", "11/23/2026", &us, "2026-11-23");
	norm_is("transactions", "date", "2026-02-30", NULL,
	    "!day out of range");

	/* timestamps */
	norm_is("interactions", "ts", "2026-11-23 09:30+0800", NULL,
	    "2026-11-23T09:30:00+08:00");
	norm_is("interactions", "ts", "2026-11-23T09:30:00Z", NULL,
	    "2026-11-23T09:30:00+00:00");
	norm_is("interactions", "ts", "2026-11-23T09:30:00", NULL,
	    "!missing UTC offset");

	/* money */
	norm_is("transactions", "amount", "¥1,234.5", NULL, "1234.50");
	norm_is("transactions", "amount", "(12.30)", NULL, "-12.30");
	norm_is("transactions", "amount", "12,3x", NULL, "!not a number");
	norm_is("transactions", "amount", "", NULL,
	    "!required field is empty");

	/* integers */
	norm_is("interactions", "satisfaction", "5", NULL, "5");
	norm_is("interactions", "satisfaction", "+3", NULL, "3");
	norm_is("interactions", "satisfaction", "6", NULL,
	    "!out of range (1..5)");
	norm_is("interactions", "satisfaction", "4.5", NULL,
	    "!not an integer");

	/* vocabularies */
	norm_is("interactions", "channel", "Phone", NULL, "phone");
	norm_is("interactions", "channel", "fax", NULL,
	    "!unknown channel (accepted: visit, phone, sms, email, letter, "
	    "ivr, chat, web, social, forum, event, self_service)");
	norm_is("customers", "gender", "f", NULL, "F");
	norm_is("customers", "status", "lost", NULL, "lost");

	/* phones and emails */
	norm_is("customers", "phone", "138-0013-8000", NULL, "+8613800138000");
	norm_is("customers", "phone", "(415) 555-0134", &us, "+14155550134");
	norm_is("customers", "phone", "call me", NULL, "!not a phone number");
	norm_is("customers", "email", " Li.Wei@Example.COM ", NULL,
	    "li.wei@example.com");
	norm_is("customers", "email", "li.wei@", NULL,
	    "!not an email address");

	/* booleans */
	norm_is("customers", "blacklist", "是", NULL, "1");
	norm_is("customers", "blacklist", "No", NULL, "0");
	norm_is("customers", "blacklist", "maybe", NULL,
	    "!not a yes/no value (accepted: 1, yes, y, true, t, 是, 0, no, n, "
	    "false, f, 否)");

	return unit_done();
}
