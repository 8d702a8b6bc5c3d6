/*
 * test-strmap: the string map against a plain reference (a sorted array
 * searched with bsearch): growth from empty through many rehashes, keys
 * whose hashes collide in the bucket index and in the tag, keys with NUL
 * bytes and the empty key, insertion-order slots, and release and reuse.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "unit.h"

static void
test_basics(void)
{
	struct crm_strmap m;
	int isnew = -1;
	size_t n;

	crm_strmap_init(&m);
	UNIT_OK(crm_strmap_count(&m) == 0, "a new map is empty");
	UNIT_OK(crm_strmap_find(&m, "a", 1) == CRM_STRMAP_NONE,
	    "find in an empty map finds nothing");
	UNIT_OK(crm_strmap_add(&m, "C1001", 5, &isnew) == 0 && isnew == 1,
	    "the first key gets slot 0 and is new");
	UNIT_OK(crm_strmap_add(&m, "C1002", 5, &isnew) == 1 && isnew == 1,
	    "the second key gets slot 1");
	UNIT_OK(crm_strmap_add(&m, "C1001", 5, &isnew) == 0 && isnew == 0,
	    "a key added again keeps its slot and is not new");
	UNIT_OK(crm_strmap_add(&m, "", 0, &isnew) == 2 && isnew == 1,
	    "the empty key is a key");
	UNIT_OK(crm_strmap_add(&m, "a\0b", 3, NULL) == 3,
	    "a key may hold a NUL byte");
	UNIT_OK(crm_strmap_find(&m, "a", 1) == CRM_STRMAP_NONE,
	    "a prefix up to the NUL is another key");
	UNIT_OK(crm_strmap_find(&m, "a\0b", 3) == 3, "the NUL key is found");
	unit_streq(crm_strmap_key(&m, 1, &n), "C1002", "the key of a slot");
	UNIT_OK(n == 5, "the length of a slot's key");
	UNIT_OK(*crm_strmap_val(&m, 1) == 0, "a new slot's value is 0");
	*crm_strmap_val(&m, 1) = 42;
	UNIT_OK(*crm_strmap_val(&m, crm_strmap_find(&m, "C1002", 5)) == 42,
	    "the caller's value stays with its slot");
	crm_strmap_release(&m);
	UNIT_OK(crm_strmap_count(&m) == 0 &&
	    crm_strmap_find(&m, "C1001", 5) == CRM_STRMAP_NONE,
	    "a released map is empty");
	UNIT_OK(crm_strmap_add(&m, "again", 5, &isnew) == 0 && isnew,
	    "a released map can be used again");
	crm_strmap_release(&m);
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 300,000 keys, a third of them repeated, against a sorted reference:
 * every slot is the first-seen order, every key is found, no other is. */
static void
test_many(void)
{
	enum { N = 300000 };
	struct crm_strmap m;
	char **ref = malloc(N * sizeof *ref);
	size_t nref = 0, bad = 0, badslot = 0;

	crm_strmap_init(&m);
	for (size_t i = 0; i < N; i++) {
		char k[32];
		size_t id = i % 3 == 2 ? (size_t)(unit_rand() % (i / 3 + 1)) :
		    i - i / 3;
		int isnew, len = snprintf(k, sizeof k, "C%zu", id);
		size_t s = crm_strmap_add(&m, k, (size_t)len, &isnew);
		if (isnew) {
			if (s != nref)
				badslot++;
			ref[nref++] = strdup(k);
		} else if (strcmp(crm_strmap_key(&m, s, NULL), k) != 0) {
			bad++;
		}
	}
	UNIT_OK(crm_strmap_count(&m) == nref, "many keys: count");
	UNIT_OK(badslot == 0, "many keys: slots are given in first-seen order");
	UNIT_OK(bad == 0, "many keys: a repeated key finds its own slot");
	for (size_t i = 0; i < nref; i++)
		if (crm_strmap_find(&m, ref[i], strlen(ref[i])) != i)
			bad++;
	UNIT_OK(bad == 0, "many keys: every key is found at its slot");
	qsort(ref, nref, sizeof *ref, cmpstr);
	size_t absent = 0;
	for (size_t i = 0; i < 100000; i++) {
		char k[32];
		snprintf(k, sizeof k, "X%zu", i);
		const char *kp = k;
		if (bsearch(&kp, ref, nref, sizeof *ref, cmpstr) == NULL &&
		    crm_strmap_find(&m, k, strlen(k)) != CRM_STRMAP_NONE)
			absent++;
	}
	UNIT_OK(absent == 0, "many keys: no absent key is found");
	for (size_t i = 0; i < nref; i++)
		free(ref[i]);
	free(ref);
	crm_strmap_release(&m);
}

/* Keys chosen so that their hashes agree in the bucket index bits (and
 * some in all 32 tag bits too, with another seed standing in): the probe
 * must walk past them and compare the keys. */
static void
test_collisions(void)
{
	struct crm_strmap m;
	char keys[64][16];
	size_t nk = 0, bad = 0;
	uint64_t want = crm_hash_bytes("seed", 4, 0) & 63;

	crm_strmap_init(&m);
	for (unsigned i = 0; nk < 64 && i < 10000000; i++) {
		int len = snprintf(keys[nk], sizeof keys[nk], "k%u", i);
		if ((crm_hash_bytes(keys[nk], (size_t)len, 0) & 63) == want)
			nk++;
	}
	UNIT_OK(nk == 64, "collisions: 64 keys in one bucket of 64 found");
	for (size_t i = 0; i < nk; i++)
		if (crm_strmap_add(&m, keys[i], strlen(keys[i]), NULL) != i)
			bad++;
	for (size_t i = 0; i < nk; i++)
		if (crm_strmap_find(&m, keys[i], strlen(keys[i])) != i)
			bad++;
	UNIT_OK(bad == 0, "collisions: keys of one bucket keep their slots");
	crm_strmap_release(&m);

	/* The same hash for different keys, given by the caller. */
	crm_strmap_init(&m);
	UNIT_OK(crm_strmap_add_h(&m, "one", 3, 7, NULL) == 0 &&
	    crm_strmap_add_h(&m, "two", 3, 7, NULL) == 1 &&
	    crm_strmap_find_h(&m, "one", 3, 7) == 0 &&
	    crm_strmap_find_h(&m, "two", 3, 7) == 1 &&
	    crm_strmap_find_h(&m, "six", 3, 7) == CRM_STRMAP_NONE,
	    "collisions: equal hashes are told apart by the keys");
	crm_strmap_release(&m);
}

static void
test_hash(void)
{
	uint64_t s = 0;

	/* FNV-1a 64 of "a" is af63dc4c8601ec8c; the mix is then applied. */
	uint64_t h = 0xaf63dc4c8601ec8cULL;
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	h ^= h >> 32;
	UNIT_OK(crm_hash_bytes("a", 1, 0) == h,
	    "hash: FNV-1a of 'a' with the final mix");
	UNIT_OK(crm_hash_bytes("a", 1, 1) != crm_hash_bytes("a", 1, 0),
	    "hash: another seed gives another hash");
	/* splitmix64 from state 0: the reference sequence's first values. */
	UNIT_OK(crm_splitmix64(&s) == 0xe220a8397b1dcdafULL,
	    "splitmix64: first value from 0");
	UNIT_OK(crm_splitmix64(&s) == 0x6e789e6aa1b965f4ULL,
	    "splitmix64: second value from 0");
}

int
main(void)
{
	test_basics();
	test_many();
	test_collisions();
	test_hash();
	return unit_done();
}
