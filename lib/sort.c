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
	uint64_t any = 0, all = ~(uint64_t)0, vary;
	int pass, np = 0, sh[8];

	if (n < 64) {
		isort(a, n);
		return;
	}
	/* the bytes that differ between keys: the others need no pass, nor
	 * a histogram (sort keys mostly vary in a few low bytes) */
	for (i = 0; i < n; i++) {
		any |= a[i].k;
		all &= a[i].k;
	}
	vary = any ^ all;
	for (pass = 0; pass < 8; pass++)
		if (vary >> (8 * pass) & 255)
			sh[np++] = 8 * pass;
	if (!np)
		return;         /* all keys equal: already in order */
	/* the histograms of those bytes in one read of the keys */
	memset(cnt, 0, sizeof cnt);
	for (i = 0; i < n; i++) {
		uint64_t k = a[i].k;

		for (pass = 0; pass < np; pass++)
			cnt[pass][k >> sh[pass] & 255]++;
	}
	b = crm_xmalloc_huge(crm_mulsz(n, sizeof *b));
	dst = b;
	for (pass = 0; pass < np; pass++) {
		size_t sum = 0, *c = cnt[pass];

		for (i = 0; i < 256; i++) {
			size_t x = c[i];

			c[i] = sum;
			sum += x;
		}
		for (i = 0; i < n; i++)
			dst[c[src[i].k >> sh[pass] & 255]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
	free(b);
}

/* One end of crm_kv_merge2: the first m pairs from the front, or the rest
 * from the back. */
struct mergeend {
	const struct crm_kv *x, *y;
	size_t nx, ny, m;
	crm_kv_tiefn *tie;
	struct crm_kv *out;
	int back;
};

/* Whether x (of the first run) goes before y (of the second). */
static inline int
before(const struct crm_kv *x, const struct crm_kv *y, crm_kv_tiefn *tie)
{
	if (x->k != y->k)
		return x->k < y->k;
	return tie ? tie(x, y) < 0 : 1;
}

static void *
merge_end(void *arg)
{
	const struct mergeend *e = arg;
	const struct crm_kv *x = e->x, *y = e->y;
	size_t i = 0, j = 0, t, n = e->nx + e->ny;

	if (!e->back) {
		for (t = 0; t < e->m; t++)
			e->out[t] = j == e->ny || (i < e->nx &&
			    before(&x[i], &y[j], e->tie)) ? x[i++] : y[j++];
		return NULL;
	}
	i = e->nx;
	j = e->ny;
	for (t = n; t > e->m; t--)
		e->out[t - 1] = j == 0 || (i > 0 &&
		    !before(&x[i - 1], &y[j - 1], e->tie)) ? x[--i] : y[--j];
	return NULL;
}

void
crm_kv_merge2(const struct crm_kv *a, size_t nx, size_t n, crm_kv_tiefn *tie,
    struct crm_kv *out)
{
	struct mergeend e[2] = {
		{ a, a + nx, nx, n - nx, n / 2, tie, out, 0 },
		{ a, a + nx, nx, n - nx, n / 2, tie, out, 1 }
	};

	crm_run_two(merge_end, &e[0], &e[1]);
}
