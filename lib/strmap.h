/*
 * strmap: the one map from byte strings to dense slots, for every tool that
 * counts, deduplicates or joins by a key (customer ids, complaint ids,
 * phone numbers, channel names, report groups).
 *
 * A key is any run of bytes (NUL bytes included); the map copies it into an
 * arena of its own and gives it a slot: 0 for the first key added, 1 for
 * the second, and so on.  Slots never move and are never reused, so a
 * caller keeps its typed figures in arrays indexed by slot (counters,
 * sums, records) and walks them in insertion order, which makes every
 * output that follows the map deterministic.  Each slot also carries one
 * size_t of the caller's (val, 0 when added) for the callers that need no
 * more than that.
 *
 * Ownership: the map owns the key copies and its tables; key pointers from
 * crm_strmap_key stay valid until crm_strmap_release.  Lookups probe an
 * open-addressing table of 64-bit hashes, kept at most half full; adding a
 * key costs one hash, one probe run and one copy.  Allocation failure
 * exits as everywhere in the library (util.h).
 */
#ifndef CRM_STRMAP_H
#define CRM_STRMAP_H

#include <stddef.h>
#include <stdint.h>

/* The library's one string hash (FNV-1a with a final mix, so that keys
 * differing in their last digit spread over the low bits too).  seed 0 is
 * the map's own; other seeds give independent hashes of the same bytes. */
uint64_t crm_hash_bytes(const void *p, size_t n, uint64_t seed);

/* One step of splitmix64 over *state: the library's one seed mixer and
 * small fast generator (bgnbd's simulation, store's temporary names). */
uint64_t crm_splitmix64(uint64_t *state);

#define CRM_STRMAP_NONE ((size_t)-1)

struct crm_strmap_slot {
	const char *key;        /* NUL-terminated copy in the arena */
	size_t len;
	size_t val;             /* the caller's */
};

struct crm_strmap {
	struct crm_strmap_slot *slot;   /* n slots, in insertion order */
	size_t n, nalloc;
	/* private */
	uint64_t *tab;          /* (hash & ~mask) | (slot + 1); 0 = free */
	size_t cap;             /* power of two, or 0 before the first key */
	char **blocks;
	size_t nblocks, ablocks, bleft;
	char *bp;
};

/* An empty map (no allocation until the first key). */
void crm_strmap_init(struct crm_strmap *m);
/* Free everything; the map is empty and usable again. */
void crm_strmap_release(struct crm_strmap *m);

/* The slot of key p[0..n), added (with val 0) when missing; *isnew (when
 * not NULL) says whether it was just added. */
size_t crm_strmap_add(struct crm_strmap *m, const void *p, size_t n,
    int *isnew);
/* The slot of key p[0..n), or CRM_STRMAP_NONE. */
size_t crm_strmap_find(const struct crm_strmap *m, const void *p, size_t n);
/* The same two with a hash computed by the caller through
 * crm_hash_bytes(p, n, 0), for loops that look a key up in several maps. */
size_t crm_strmap_add_h(struct crm_strmap *m, const void *p, size_t n,
    uint64_t h, int *isnew);
size_t crm_strmap_find_h(const struct crm_strmap *m, const void *p, size_t n,
    uint64_t h);

/* Number of keys. */
static inline size_t
crm_strmap_count(const struct crm_strmap *m)
{
	return m->n;
}

/* Key of slot i (i < count), NUL-terminated; its length in *len when not
 * NULL. */
static inline const char *
crm_strmap_key(const struct crm_strmap *m, size_t i, size_t *len)
{
	if (len)
		*len = m->slot[i].len;
	return m->slot[i].key;
}

/* The caller's value of slot i. */
static inline size_t *
crm_strmap_val(struct crm_strmap *m, size_t i)
{
	return &m->slot[i].val;
}

#endif
