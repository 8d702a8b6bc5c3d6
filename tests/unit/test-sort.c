/*
 * test-sort: the radix sort and the two-ended merge, against a plain
 * stable reference, over sizes around the small-array cut-off, equal
 * keys, keys that differ in one byte or in all of them, one thread and
 * two.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sort.h"
#include "unit.h"

static char what[200];
#define WHAT(...) (snprintf(what, sizeof what, __VA_ARGS__), what)

/* Keys of one kind: 0 all equal, 1 one low byte, 2 a few values, 3 any. */
static uint64_t
key(int kind)
{
	switch (kind) {
	case 0:
		return 42;
	case 1:
		return 0x1234567800000000ull | (unit_rand() & 0xff);
	case 2:
		return unit_rand() % 7 << 40;
	default:
		return unit_rand();
	}
}

/* Stable order: by key, then by the original position kept in v. */
static int
cmpstable(const void *x, const void *y)
{
	const struct crm_kv *p = x, *q = y;

	if (p->k != q->k)
		return p->k < q->k ? -1 : 1;
	return (p->v > q->v) - (p->v < q->v);
}

static int
same(const struct crm_kv *a, const struct crm_kv *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i].k != b[i].k || a[i].v != b[i].v)
			return 0;
	return 1;
}

static void
test_sort(void)
{
	static const size_t sizes[] = { 0, 1, 2, 63, 64, 65, 1000, 70001 };
	size_t s, i;
	int kind;

	for (s = 0; s < sizeof sizes / sizeof *sizes; s++)
		for (kind = 0; kind < 4; kind++) {
			size_t n = sizes[s];
			struct crm_kv *a = malloc((n + 1) * sizeof *a);
			struct crm_kv *b = malloc((n + 1) * sizeof *b);

			for (i = 0; i < n; i++) {
				a[i].k = key(kind);
				a[i].v = i;
			}
			memcpy(b, a, n * sizeof *a);
			qsort(b, n, sizeof *b, cmpstable);
			crm_sort_kv(a, n);
			UNIT_OK(same(a, b, n), WHAT("sort: %zu pairs, keys of "
			    "kind %d, stable", n, kind));
			free(a);
			free(b);
		}
}

/* Equal keys ordered by v, descending: a tie order of the caller's. */
static int
tie_desc(const struct crm_kv *x, const struct crm_kv *y)
{
	return (x->v < y->v) - (x->v > y->v);
}

static int
cmp_desc(const void *x, const void *y)
{
	const struct crm_kv *p = x, *q = y;

	if (p->k != q->k)
		return p->k < q->k ? -1 : 1;
	return tie_desc(p, q);
}

static void
test_merge(const char *threads)
{
	static const size_t cuts[][2] = {
		{ 0, 0 }, { 0, 1 }, { 1, 1 }, { 5, 9 }, { 9, 5 }, { 0, 1000 },
		{ 1000, 0 }, { 999, 1001 }, { 30000, 30001 }
	};
	size_t c, i;
	int kind;

	if (threads)
		setenv("CRM_THREADS", threads, 1);
	else
		unsetenv("CRM_THREADS");
	for (c = 0; c < sizeof cuts / sizeof *cuts; c++)
		for (kind = 0; kind < 4; kind++) {
			size_t nx = cuts[c][0], n = nx + cuts[c][1];
			struct crm_kv *a = malloc((n + 1) * sizeof *a);
			struct crm_kv *b = malloc((n + 1) * sizeof *b);
			struct crm_kv *o = malloc((n + 1) * sizeof *o);

			for (i = 0; i < n; i++) {
				a[i].k = key(kind);
				a[i].v = i;
			}
			/* stable: each run sorted, the first run's first */
			qsort(a, nx, sizeof *a, cmpstable);
			qsort(a + nx, n - nx, sizeof *a, cmpstable);
			memcpy(b, a, n * sizeof *a);
			qsort(b, n, sizeof *b, cmpstable);
			crm_kv_merge2(a, nx, n, NULL, o);
			UNIT_OK(same(o, b, n), WHAT("merge (%s): %zu + %zu, "
			    "kind %d, stable", threads ? "one thread" :
			    "all cores", nx, n - nx, kind));
			/* by a tie order of the caller's */
			qsort(a, nx, sizeof *a, cmp_desc);
			qsort(a + nx, n - nx, sizeof *a, cmp_desc);
			qsort(b, n, sizeof *b, cmp_desc);
			crm_kv_merge2(a, nx, n, tie_desc, o);
			UNIT_OK(same(o, b, n), WHAT("merge (%s): %zu + %zu, "
			    "kind %d, by tie", threads ? "one thread" :
			    "all cores", nx, n - nx, kind));
			free(a);
			free(b);
			free(o);
		}
	unsetenv("CRM_THREADS");
}

int
main(void)
{
	test_sort();
	test_merge(NULL);
	test_merge("1");
	return unit_done();
}
