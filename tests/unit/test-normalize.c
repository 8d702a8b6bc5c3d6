/*
 * test-normalize: one field of a kind in, its canonical form or the exact
 * reason out, for every column type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

	/* values already in canonical form are copied, not formatted again:
	 * the copy must be what the formatter would write, and the forms
	 * next to canonical must still go through it */
	norm_is("transactions", "amount", "-0.00", NULL, "0.00");
	norm_is("transactions", "amount", "0.00", NULL, "0.00");
	norm_is("transactions", "amount", "00.50", NULL, "0.50");
	norm_is("transactions", "amount", "-0.05", NULL, "-0.05");
	norm_is("transactions", "amount", "012.30", NULL, "12.30");
	norm_is("transactions", "amount", "12.3", NULL, "12.30");
	norm_is("transactions", "amount", "-.50", NULL, "-0.50");
	norm_is("transactions", "date", "2024-02-30", NULL,
	    "!day out of range");
	norm_is("transactions", "date", "2024-2-03", NULL, "2024-02-03");
	{
		const struct crm_coldef *ca = crm_kind_col(
		    crm_kind_find("transactions"), "amount");
		const struct crm_coldef *cd = crm_kind_col(
		    crm_kind_find("transactions"), "date");
		struct crm_buf b;
		char first[80] = "";
		int bad = 0;

		crm_buf_init(&b);
		for (int i = 0; i < 20000; i++) {
			char want[32];
			uint64_t r = unit_rand();
			int64_t m = (int64_t)(r % 2000000001ULL) - 1000000000;
			int32_t d = CRM_DATE_MIN + (int32_t)(r %
			    (uint64_t)(CRM_DATE_MAX - CRM_DATE_MIN + 1));

			if (i % 3 == 0)
				m /= 1000;
			crm_money_format(m, want);
			crm_buf_reset(&b);
			if (crm_normalize(ca, want, strlen(want), NULL, &b) ||
			    strcmp(b.p, want))
				bad++, first[0] || snprintf(first, sizeof first,
				    "amount %s", want);
			crm_date_format(d, want);       /* 1000-01-01..9999-12-31 */
			crm_buf_reset(&b);
			if (crm_normalize(cd, want, strlen(want), NULL, &b) ||
			    strcmp(b.p, want))
				bad++, first[0] || snprintf(first, sizeof first,
				    "date %s", want);
		}
		crm_buf_release(&b);
		unit_ok(bad == 0, "20000 canonical amounts and dates come "
		    "back as they are", first);
	}

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

	/* full-width ASCII and U+3000 outside free text */
	norm_is("transactions", "quantity", "１２３", NULL, "123");
	norm_is("transactions", "quantity", "－５", NULL, "-5");
	norm_is("transactions", "date", "２０２６－１１－２３", NULL,
	    "2026-11-23");
	norm_is("transactions", "date", "２０２６年１１月２３日", NULL,
	    "2026-11-23");
	norm_is("transactions", "amount", "￥１，２３４．５０", NULL,
	    "1234.50");
	norm_is("customers", "customer_id", "Ｃ１００１", NULL, "C1001");
	norm_is("customers", "customer_id", "Ｃ１\xe3\x80\x80２", NULL,
	    "!not an id (contains whitespace)");
	norm_is("customers", "email", "ＬＩ＠ｅｘａｍｐｌｅ．ｃｏｍ", NULL,
	    "li@example.com");
	norm_is("customers", "phone", "１３８００１３８０００", NULL,
	    "+8613800138000");
	norm_is("customers", "status", "ＬＯＳＴ", NULL, "lost");
	norm_is("customers", "blacklist", "ｙｅｓ", NULL, "1");
	norm_is("customers", "name", "Ｗａｎｇ　１２３", NULL,
	    "Ｗａｎｇ　１２３");
	norm_is("interactions", "ts", "２０２６－１１－２３Ｔ０９：３０＋０８：００",
	    NULL, "2026-11-23T09:30:00+08:00");
	/* the edges of the range: U+FF01 '!' to U+FF5E '~', not U+FF5F */
	norm_is("customers", "customer_id", "\xef\xbc\x81\xef\xbd\x9e", NULL,
	    "!~");
	norm_is("customers", "customer_id", "\xef\xbd\x9f", NULL,
	    "\xef\xbd\x9f");

	/* --id-integer */
	{
		struct crm_norm_opts ii;

		crm_norm_opts_init(&ii);
		ii.flags = CRM_NORM_ID_INTEGER;
		norm_is("transactions", "customer_id", "17850.0", &ii, "17850");
		norm_is("transactions", "customer_id", "17850.00", &ii,
		    "17850");
		norm_is("transactions", "customer_id", "１７８５０．０", &ii,
		    "17850");
		norm_is("transactions", "customer_id", "17850.5", &ii,
		    "17850.5");
		norm_is("transactions", "customer_id", "17850.", &ii, "17850.");
		norm_is("transactions", "customer_id", ".0", &ii, ".0");
		norm_is("transactions", "customer_id", "C1.0", &ii, "C1.0");
		norm_is("transactions", "customer_id", "17850.0", NULL,
		    "17850.0");
		norm_is("transactions", "amount", "17850.0", &ii, "17850.00");
	}

	/* synonyms, in the canonical spelling */
	norm_is("interactions", "channel", "电话", NULL, "phone");
	norm_is("interactions", "channel", "Phone Call", NULL, "phone");
	norm_is("interactions", "channel", "TELEPHONE", NULL, "phone");
	norm_is("interactions", "channel", "微信", NULL, "chat");
	norm_is("interactions", "channel", "Live Chat", NULL, "chat");
	norm_is("interactions", "channel", "mail", NULL, "letter");
	norm_is("interactions", "channel", "E-Mail", NULL, "email");
	norm_is("interactions", "channel", "自助", NULL, "self_service");
	norm_is("interactions", "channel", "电", NULL,
	    "!unknown channel (accepted: visit, phone, sms, email, letter, "
	    "ivr, chat, web, social, forum, event, self_service)");
	norm_is("interactions", "channel", "phone cal", NULL,
	    "!unknown channel (accepted: visit, phone, sms, email, letter, "
	    "ivr, chat, web, social, forum, event, self_service)");
	norm_is("interactions", "type", "投诉", NULL, "complaint");
	norm_is("complaints", "event", "投诉", NULL, "open");
	norm_is("interactions", "initiator", "公司", NULL, "company");
	norm_is("customers", "gender", "Female", NULL, "F");
	norm_is("customers", "gender", "男", NULL, "M");
	norm_is("customers", "status", "成交客户", NULL, "customer");
	norm_is("complaints", "severity", "普通", NULL, "normal");
	norm_is("complaints", "cause", "期望", NULL, "expectation");
	norm_is("surveys", "instrument", "满意度", NULL,
	    "!unknown instrument (accepted: csat, nps, ces, servqual)");

	/* every synonym names a value of its vocabulary and is in crm(7) */
	{
		const char *const *v[] = { crm_vocab_channel, crm_vocab_type,
			crm_vocab_initiator, crm_vocab_status, crm_vocab_cause,
			crm_vocab_severity, crm_vocab_event,
			crm_vocab_instrument, crm_vocab_gender };
		static const char *const name[] = { "channel", "type",
			"initiator", "status", "cause", "severity", "event",
			"instrument", "gender" };
		FILE *f = fopen(CRM_SRCDIR "/man/crm.7", "r");
		static char man[1 << 20];
		size_t nman = f ? fread(man, 1, sizeof man - 1, f) : 0;

		if (f)
			fclose(f);
		man[nman] = '\0';
		unit_ok(nman > 0, "crm(7) read", "");
		for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
			const struct crm_vocab_alias *a = crm_vocab_aliases(v[k]);
			int nv = 0;

			while (v[k][nv])
				nv++;
			for (; a && a->word; a++) {
				char line[256];

				unit_ok(a->value >= 0 && a->value < nv &&
				    crm_vocab_alias_index(v[k], a->word,
				    strlen(a->word)) == a->value &&
				    crm_vocab_index(v[k], a->word,
				    strlen(a->word)) < 0,
				    WHAT("synonym '%s' stands for one value",
				    a->word), "");
				snprintf(line, sizeof line, "\n.It Cm %s Ta ",
				    v[k][a->value]);
				char head[64];
				snprintf(head, sizeof head, ".It Sy %s Ta ",
				    name[k]);
				const char *table = strstr(man, head);
				const char *row = table ? strstr(table, line) :
				    NULL;
				const char *end = row ? strchr(row + 1, '\n') :
				    NULL;
				const char *hit = row ? strstr(row, a->word) :
				    NULL;
				unit_ok(hit && hit < end, WHAT("crm(7) lists "
				    "'%s' for %s", a->word, v[k][a->value]), "");
			}
		}
	}

	/* reasons with what was expected */
	{
		struct crm_norm_opts h;

		crm_norm_opts_init(&h);
		h.flags = CRM_NORM_HINTS;
		h.date_flags = CRM_DATE_TIME;
		norm_is("transactions", "date", "soon", &h, "!not a date "
		    "(expected YYYY-MM-DD, optionally with a time; M/D/YYYY "
		    "needs --mdy, D/M/YYYY --dmy)");
		norm_is("transactions", "date", "46349", &h, "!not a date "
		    "(expected YYYY-MM-DD, optionally with a time; M/D/YYYY "
		    "needs --mdy, D/M/YYYY --dmy; an Excel serial day needs "
		    "--excel-dates)");
		norm_is("transactions", "date", "2026-02-30", &h, "!day out "
		    "of range (expected YYYY-MM-DD, optionally with a time)");
		norm_is("transactions", "date", "2026-02-03 24:00", &h,
		    "!time out of range (expected H:MM or HH:MM:SS after the "
		    "date, hours 0-23, minutes and seconds 0-59, an offset up "
		    "to +-18:00)");
		h.date_flags = CRM_DATE_TIME | CRM_DATE_DMY | CRM_DATE_EXCEL;
		norm_is("transactions", "date", "soon", &h, "!not a date "
		    "(expected YYYY-MM-DD or D/M/YYYY, optionally with a time, "
		    "or an Excel serial day)");
		norm_is("transactions", "date", "60", &h, "!Excel serial 60 "
		    "is 1900-02-29, a day that does not exist");
		h.flags |= CRM_NORM_TS_FORMS;
		h.ts_flags = CRM_TS_DATE_OK;
		norm_is("interactions", "ts", "2026-11-23", &h, "!missing UTC "
		    "offset (write one, as in 2026-11-23 09:30+08:00, or give "
		    "--local-time ZONE)");
		norm_is("interactions", "ts", "soon", &h, "!not a timestamp "
		    "(expected a date YYYY-MM-DD or D/M/YYYY and a time, as in "
		    "2026-11-23 09:30:00+08:00, or an Excel serial day)");
	}

	return unit_done();
}
