/*
 * Unit tests for custattr (lib/custattr.c): the band edges worked out by
 * hand, then a small customers file with an id map, bad fields, a repeated
 * and an empty id, and an extra column.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custattr.h"
#include "unit.h"
#include "value.h"

static int32_t
day(int y, int m, int d)
{
	return crm_date_from_ymd(y, m, d);
}

static void
test_bands(void)
{
	int32_t asof = day(2026, 6, 30);

	/* age is the as-of year less the birth year */
	unit_streq(crm_custattr_age_band(2009, asof), "<18", "2026-2009 = 17");
	unit_streq(crm_custattr_age_band(2008, asof), "18-24", "18");
	unit_streq(crm_custattr_age_band(2002, asof), "18-24", "24");
	unit_streq(crm_custattr_age_band(2001, asof), "25-34", "25");
	unit_streq(crm_custattr_age_band(1962, asof), "55-64", "64");
	unit_streq(crm_custattr_age_band(1961, asof), "65+", "65");
	unit_streq(crm_custattr_age_band(0, asof), "", "no birth year");
	/* whole months from created to the as-of day */
	unit_streq(crm_custattr_tenure_band(day(2026, 3, 31), asof), "<3m",
	    "03-31 to 06-30: 2 whole months");
	unit_streq(crm_custattr_tenure_band(day(2026, 3, 30), asof), "3-6m",
	    "03-30 to 06-30: 3 months");
	unit_streq(crm_custattr_tenure_band(day(2025, 12, 30), asof), "6-12m",
	    "6 months");
	unit_streq(crm_custattr_tenure_band(day(2025, 7, 1), asof), "6-12m",
	    "11 whole months");
	unit_streq(crm_custattr_tenure_band(day(2025, 6, 30), asof), "1-2y",
	    "12 months");
	unit_streq(crm_custattr_tenure_band(day(2024, 6, 30), asof), "2-5y",
	    "24 months");
	unit_streq(crm_custattr_tenure_band(day(2021, 6, 30), asof), "5y+",
	    "60 months");
	unit_streq(crm_custattr_tenure_band(day(2026, 7, 1), asof), "<3m",
	    "created after the as-of day");
	unit_streq(crm_custattr_tenure_band(CRM_DATE_INVALID, asof), "",
	    "no created day");
}

static char msgs[2048];

static void
bad(void *ctx, const char *msg, const char *id)
{
	(void)ctx;
	snprintf(msgs + strlen(msgs), sizeof msgs - strlen(msgs), "%s [%s]\n",
	    msg, id ? id : "-");
}

static void
test_load(void)
{
	char dir[] = "/tmp/custattr.XXXXXX", cpath[64], mpath[64], err[256];
	static const char *const extra[] = { "tier_hint", "age_band", NULL };
	struct crm_custattr_opts o = { 0 };
	struct crm_custattr *a;
	FILE *f;
	size_t i;
	int why = 0, k;

	if (!mkdtemp(dir))
		abort();
	snprintf(cpath, sizeof cpath, "%s/c.tsv", dir);
	snprintf(mpath, sizeof mpath, "%s/m.tsv", dir);
	f = fopen(cpath, "w");
	fputs("customer_id\tstatus\tcity\tbirth_year\tblacklist\tcreated\t"
	    "tier_hint\n"
	    "C1\t意向客户\t北京\t1990\t是\t2025-01-10\tx\n"
	    "C2\tgone\t上海\t1800\tmaybe\tsoon\t\n"
	    "C1\tlost\t\t\t\t\t\n"
	    "\tlost\t\t\t\t\t\n"
	    "C4\tlost\t 广州 \t\t0\t2026-01-01T09:00:00+08:00\ty\n", f);
	fclose(f);
	f = fopen(mpath, "w");
	fputs("old_id\tnew_id\nC9\tC1\nC4\tC5\n", f);
	fclose(f);
	o.extra = extra;
	o.id_map = mpath;
	o.bad = bad;
	a = crm_custattr_load(cpath, &o, err, sizeof err, &why);
	UNIT_OK(a != NULL, "the file loads");
	if (!a)
		return;
	unit_inteq((long long)crm_custattr_count(a), 3, "C1, C2, C4");
	/* line 3: status, birth year, blacklist, created; line 4 repeats C1;
	 * line 5 has no id */
	UNIT_OK(strstr(msgs, "c.tsv:3: status: unknown status") != NULL,
	    "a bad status is told");
	UNIT_OK(strstr(msgs, "c.tsv:3: birth_year: ") != NULL,
	    "a birth year out of range is told");
	UNIT_OK(strstr(msgs, "c.tsv:3: created: not a date 'soon' [C2]") !=
	    NULL, "a bad created day is told with the customer");
	UNIT_OK(strstr(msgs, "c.tsv:4: customer_id: customer listed twice "
	    "(first on line 2) 'C1' [C1]") != NULL, "a repeated id is told");
	UNIT_OK(strstr(msgs, "c.tsv:5: customer_id: missing [-]") != NULL,
	    "an empty id is told");
	i = crm_custattr_find(a, "C1", 2);
	k = crm_custattr_index(a, "status");
	unit_streq(crm_custattr_get(a, i, k, 0), "intent",
	    "a status synonym is read as crm-import writes it");
	UNIT_OK(crm_custattr_blacklisted(a, i), "是 is blacklisted");
	unit_inteq(crm_custattr_find(a, "C9", 2), (long long)i,
	    "a merged id finds the customer it was merged into");
	i = crm_custattr_find(a, "C4", 2);
	UNIT_OK(i != (size_t)-1,
	    "a merged id whose new id has no row keeps its own");
	unit_streq(crm_custattr_get(a, i, crm_custattr_index(a, "city"), 0),
	    "广州", "text is trimmed");
	UNIT_OK(crm_custattr_lost(a, i), "lost");
	unit_inteq(crm_custattr_created(a, i), day(2026, 1, 1),
	    "a created timestamp is its local day");
	k = crm_custattr_index(a, "tier_hint");
	UNIT_OK(k >= 0, "an extra column is an attribute");
	unit_streq(crm_custattr_get(a, i, k, 0), "y", "its value");
	k = crm_custattr_index(a, "tenure_band");
	UNIT_OK(crm_custattr_is_band(a, k), "tenure_band is a band");
	unit_streq(crm_custattr_get(a, i, k, day(2026, 6, 30)), "3-6m",
	    "5 whole months");
	unit_inteq(crm_custattr_band_rank(a, k, "3-6m"), 1, "its rank");
	i = crm_custattr_find(a, "C2", 2);
	unit_streq(crm_custattr_get(a, i, crm_custattr_index(a, "status"), 0),
	    "", "a bad field reads as empty");
	UNIT_OK(crm_custattr_find(a, "C3", 2) == (size_t)-1,
	    "an id not in the file");
	UNIT_OK(crm_custattr_index(a, "income") < 0, "a column not loaded");
	crm_custattr_free(a);
	/* only the blacklist read: C2's bad status is not checked */
	{
		struct crm_custattr_opts ko = { 0 };

		msgs[0] = '\0';
		ko.known = 1u << CRM_ATTR_BLACKLIST;
		ko.bad = bad;
		a = crm_custattr_load(cpath, &ko, err, sizeof err, &why);
		UNIT_OK(a != NULL, "the file loads for the blacklist");
		UNIT_OK(strstr(msgs, "status") == NULL &&
		    strstr(msgs, "blacklist: not a yes/no value") != NULL,
		    "only the blacklist is checked");
		i = crm_custattr_find(a, "C1", 2);
		unit_streq(crm_custattr_get(a, i, CRM_ATTR_STATUS, 0), "",
		    "the status is not read");
		unit_inteq(crm_custattr_line(a, i), 2, "C1's row is line 2");
		crm_custattr_free(a);
	}
	/* an extra column the file does not have */
	{
		static const char *const miss[] = { "income", NULL };
		struct crm_custattr_opts m = { 0 };

		m.extra = miss;
		a = crm_custattr_load(cpath, &m, err, sizeof err, &why);
		UNIT_OK(a == NULL && why == CRM_CUSTATTR_ECOLUMN,
		    "a missing extra column fails");
		UNIT_OK(strstr(err, "c.tsv: no column 'income'") != NULL,
		    "and names file and column");
	}
	unlink(cpath);
	unlink(mpath);
	rmdir(dir);
}

int
main(void)
{
	test_bands();
	test_load();
	return unit_done();
}
