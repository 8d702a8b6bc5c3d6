/*
 * sort: LSD radix sort of (key, value) pairs, eight bits a pass.
 */
#include "sort.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Stable insertion sort for short arrays. */
static void
isort(struct crm_kv *a, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct crm_kv x = a[i];

		for (j = i; j > 0 && a[j - 1].k > x.k; j--)
			a[j] = a[j - 1];
		a[j] = x;
	}
}

void
crm_sort_kv(struct crm_kv *a, size_t n)
{
	struct crm_kv *b, *src = a, *dst, *t;
	size_t cnt[8][256], i;
	int pass;

	if (n < 64) {
		isort(a, n);
		return;
	}
	/* all eight histograms in one read of the keys */
	memset(cnt, 0, sizeof cnt);
	for (i = 0; i < n; i++) {
		uint64_t k = a[i].k;

		for (pass = 0; pass < 8; pass++)
			cnt[pass][k >> (8 * pass) & 255]++;
	}
	b = crm_xmalloc_huge(crm_mulsz(n, sizeof *b));
	dst = b;
	for (pass = 0; pass < 8; pass++) {
		int sh = pass * 8;
		size_t sum = 0, *c = cnt[pass];

		if (c[a[0].k >> sh & 255] == n)
			continue;       /* every key has this byte */
		for (i = 0; i < 256; i++) {
			size_t x = c[i];

			c[i] = sum;
			sum += x;
		}
		for (i = 0; i < n; i++)
			dst[c[src[i].k >> sh & 255]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
	free(b);
}
