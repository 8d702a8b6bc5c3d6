/*
 * pyramid: the customer pyramid (platinum, gold, iron, lead by revenue
 * rank) and the ABC classes (by cumulative revenue share), the rule of
 * crm-segment(1), in one place for every tool that shows tiers.
 *
 * Customers with equal revenue always share a tier and a class: a
 * customer's rank is the number H of customers with strictly more revenue.
 * Tier: platinum when H < p% of N, gold when H < (p+g)% of N, iron when
 * H < (p+g+i)% of N, lead otherwise (defaults 1, 4, 15).  Class: C for a
 * revenue of zero or less; otherwise A when the positive revenue strictly
 * above the customer is below a% of the positive total, B when below b%,
 * C otherwise (defaults 80, 95).  All arithmetic is exact.
 */
#ifndef CRM_PYRAMID_H
#define CRM_PYRAMID_H

#include <stddef.h>
#include <stdint.h>

enum crm_tier { CRM_TIER_PLATINUM, CRM_TIER_GOLD, CRM_TIER_IRON,
	CRM_TIER_LEAD };
enum crm_abc { CRM_ABC_A, CRM_ABC_B, CRM_ABC_C };

/* "platinum", "gold", "iron", "lead" */
extern const char *const crm_tier_names[4];

struct crm_pyramid_opts {
	int64_t tiers[3];       /* cumulative, hundredths of a percent:
	                           100, 500, 2000 */
	int64_t abc[2];         /* hundredths of a percent: 8000, 9500 */
};

void crm_pyramid_defaults(struct crm_pyramid_opts *o);

/*
 * Parse "p,g,i" (k 3, cumulate 1: tier percentages of customers, summed
 * into the cumulative limits) or "a,b" (k 2, cumulate 0: cumulative revenue
 * shares) into v[0..k), as hundredths of a percent; each part is a
 * percentage 0..100 with at most two decimals, the limits must not fall
 * and must stay within 100.  Returns NULL, or a reason (a static string)
 * with v unchanged: "expected 3 comma-separated percentages",
 * "expected a percentage 0..100 with at most two decimals",
 * "percentages must rise and stay within 100".
 */
const char *crm_pyramid_pctlist(const char *s, int64_t *v, int k,
    int cumulate);

/*
 * v[0..n) holds the revenues sorted ascending.  Write the tier (enum
 * crm_tier) and the class (enum crm_abc) of position j into tier[j] and
 * abc[j]; equal revenues get equal results.
 */
void crm_pyramid_classify(const int64_t *v, size_t n,
    const struct crm_pyramid_opts *o, unsigned char *tier,
    unsigned char *abc);

#endif
