/*
 * report_lost: churn's lost-reason table with --customers: the customers
 * of the customers file whose status is lost, counted by lost_reason, and
 * the revenue they brought in the transactions read (the window and as-of
 * day of the run), which is the revenue lost with them.  In a --by ATTR
 * group only the group's lost customers count.
 */
#include <stdlib.h>
#include <string.h>

#include "report_tx.h"

struct reason {
	const char *name;
	int64_t customers;
	__int128 revenue;
};

static int
cmp_reason(const void *a, const void *b)
{
	const struct reason *x = a, *y = b;

	if (x->customers != y->customers)
		return x->customers > y->customers ? -1 : 1;
	if (x->revenue != y->revenue)
		return x->revenue > y->revenue ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The reason of lost customer i, CRM_REPORT_NONE when empty. */
static const char *
reason_of(const struct crm_custattr *a, size_t i)
{
	const char *s = crm_custattr_get(a, i, CRM_ATTR_LOST_REASON, 0);

	return *s ? s : CRM_REPORT_NONE;
}

/* Whether customer i is in the group this run holds (all without one). */
static int
in_group(const struct crm_report_opts *o, size_t i)
{
	const char *v;

	if (!o->group)
		return 1;
	v = crm_custattr_get(o->attrs, i, crm_custattr_index(o->attrs,
	    o->attr), o->attr_day);
	return !strcmp(*v ? v : CRM_REPORT_NONE, o->group);
}

struct crm_rtab *
crm_report_lost_reasons(const struct crm_report_opts *o,
    const struct crm_cust *const *cs, size_t n)
{
	const struct crm_custattr *a = o->attrs;
	struct crm_strmap names;
	struct reason *r = NULL;
	size_t nr = 0, ar = 0;
	int64_t all = 0;
	__int128 allrev = 0;
	struct crm_rtab *t;
	struct crm_money_sum m;
	char buf[48];

	crm_strmap_init(&names);
	for (size_t i = 0; i < crm_custattr_count(a); i++) {
		const char *s;
		size_t k;
		int isnew;

		if (!crm_custattr_lost(a, i) || !in_group(o, i))
			continue;
		s = reason_of(a, i);
		k = crm_strmap_add(&names, s, strlen(s), &isnew);
		if (isnew) {
			crm_grow(&r, &ar, nr + 1, sizeof *r);
			memset(&r[nr++], 0, sizeof *r);
		}
		r[k].customers++;
		all++;
	}
	for (size_t j = 0; j < n; j++) {
		size_t i = crm_custattr_find(a, cs[j]->id, cs[j]->idlen), k;
		struct crm_custday_it it;
		const char *s;

		if (i == (size_t)-1 || !crm_custattr_lost(a, i))
			continue;
		s = reason_of(a, i);
		k = crm_strmap_find(&names, s, strlen(s));
		if (k == CRM_STRMAP_NONE)
			continue;       /* another group's customer */
		crm_cust_days(cs[j], &it);
		while (crm_custday_next(&it)) {
			r[k].revenue += it.amount;
			allrev += it.amount;
		}
	}
	for (size_t k = 0; k < nr; k++)
		r[k].name = crm_strmap_key(&names, k, NULL);
	if (nr)
		qsort(r, nr, sizeof *r, cmp_reason);
	t = CRM_REPORT_TAB("lost_reasons", 1, "lost_reason", "customers",
	    "share", "revenue", "revenue_share");
	crm_rtab_chart(t, 0, 2, "%.4f");
	for (size_t k = 0; k <= nr; k++) {
		const struct reason *x = k < nr ? &r[k] : NULL;

		if (!x)
			crm_rtab_totals(t);
		crm_rtab_cell(t, x ? x->name : "total");
		crm_report_int(t, x ? x->customers : all);
		crm_report_share(t, (double)(x ? x->customers : all),
		    (double)all);
		m.v = x ? x->revenue : allrev;
		crm_money_sum_format(&m, buf);
		crm_rtab_cell(t, buf);
		crm_report_share(t, (double)m.v, (double)allrev);
	}
	free(r);
	crm_strmap_release(&names);
	return t;
}
