/*
 * sort: one radix sort for the large sorts of the tools (customers by
 * id prefix, by recency, orders or revenue).
 *
 * crm_sort_kv orders pairs by their unsigned 64-bit key, stably (pairs
 * with equal keys keep their order), in O(n) passes over the bytes that
 * differ: an LSD radix sort that skips the byte positions where all keys
 * agree.  Small arrays go to a plain insertion or library sort.
 */
#ifndef CRM_SORT_H
#define CRM_SORT_H

#include <stddef.h>
#include <stdint.h>

struct crm_kv {
	uint64_t k;             /* the key */
	uint64_t v;             /* carried along: an index or a pointer */
};

void crm_sort_kv(struct crm_kv *a, size_t n);

/*
 * Two sorted runs a[0..nx) and a[nx..n) merged into out[0..n) (another
 * array) by two threads at once, one from each end.  Equal keys are
 * ordered by tie when it is given (it must tell any two different pairs
 * with equal keys apart, as the runs are sorted by it), else the first
 * run's pairs come first (a stable merge).
 */
typedef int crm_kv_tiefn(const struct crm_kv *x, const struct crm_kv *y);
void crm_kv_merge2(const struct crm_kv *a, size_t nx, size_t n,
    crm_kv_tiefn *tie, struct crm_kv *out);

/* The key for a signed value: unsigned order of the result is the
 * signed order of x. */
static inline uint64_t
crm_sort_key_i64(int64_t x)
{
	return (uint64_t)x ^ (uint64_t)1 << 63;
}

#endif
