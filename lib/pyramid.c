/*
 * pyramid: walk the revenues from the top, one run of equal values at a
 * time, so that ties never straddle a tier or class boundary.
 */
#include <string.h>

#include "pyramid.h"
#include "util.h"
#include "value.h"

const char *const crm_tier_names[4] = { "platinum", "gold", "iron", "lead" };

void
crm_pyramid_defaults(struct crm_pyramid_opts *o)
{
	o->tiers[0] = 100;
	o->tiers[1] = 500;
	o->tiers[2] = 2000;
	o->abc[0] = 8000;
	o->abc[1] = 9500;
}

/* A percentage with at most two decimals, as hundredths, or -1. */
static int64_t
pctval(const char *s)
{
	size_t n = strlen(s);
	int64_t v;

	if (n == 0 || strspn(s, "0123456789.") != n ||
	    crm_money_parse(s, n, &v) || v > 10000)
		return -1;
	return v;
}

const char *
crm_pyramid_pctlist(const char *s, int64_t *v, int k, int cumulate)
{
	static const char *const count[] = {
		"expected 2 comma-separated percentages",
		"expected 3 comma-separated percentages"
	};
	int64_t w[3], sum = 0;
	const char *why = NULL;
	size_t n;
	char **parts;

	if (k < 2 || k > 3)
		return "expected 2 or 3 percentages";
	parts = crm_split(s, ',', &n);
	if (n != (size_t)k)
		why = count[k - 2];
	for (int i = 0; !why && i < k; i++) {
		int64_t x = pctval(parts[i]);

		if (x < 0) {
			why = "expected a percentage 0..100 with at most two "
			    "decimals";
			break;
		}
		sum = cumulate ? sum + x : x;
		if (sum > 10000 || (i && sum < w[i - 1]))
			why = "percentages must rise and stay within 100";
		w[i] = sum;
	}
	crm_strv_free(parts);
	if (!why)
		memcpy(v, w, (size_t)k * sizeof *v);
	return why;
}

void
crm_pyramid_classify(const int64_t *v, size_t n,
    const struct crm_pyramid_opts *o, unsigned char *tier, unsigned char *abc)
{
	__extension__ __int128 total = 0, above = 0;
	size_t hi = n;

	for (size_t i = 0; i < n; i++)
		if (v[i] > 0)
			total += v[i];
	while (hi > 0) {
		size_t lo = hi - 1, h = n - hi;
		unsigned char t, c;

		while (lo > 0 && v[lo - 1] == v[hi - 1])
			lo--;
		if ((__int128)h * 10000 < (__int128)n * o->tiers[0])
			t = CRM_TIER_PLATINUM;
		else if ((__int128)h * 10000 < (__int128)n * o->tiers[1])
			t = CRM_TIER_GOLD;
		else if ((__int128)h * 10000 < (__int128)n * o->tiers[2])
			t = CRM_TIER_IRON;
		else
			t = CRM_TIER_LEAD;
		if (v[hi - 1] <= 0)
			c = CRM_ABC_C;
		else if (above * 10000 < total * o->abc[0])
			c = CRM_ABC_A;
		else if (above * 10000 < total * o->abc[1])
			c = CRM_ABC_B;
		else
			c = CRM_ABC_C;
		for (size_t j = lo; j < hi; j++) {
			tier[j] = t;
			abc[j] = c;
			if (v[j] > 0)
				above += v[j];
		}
		hi = lo;
	}
}
