/*
 * strmap: byte strings to dense slots (see strmap.h).
 *
 * The probe table holds one 64-bit word a bucket: the high 32 bits of the
 * key's hash, and the slot number plus one in the low 32 (0 marks a free
 * bucket).  The bucket index comes from the hash's low bits, the tag from
 * its high bits, so a probe compares keys only when 32 further bits agree.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "util.h"

#define TAG(h)  ((h) & 0xffffffff00000000ULL)
#define SLOT(e) ((size_t)((e) & 0xffffffffULL))        /* slot + 1 */
#define MAXKEYS 0xfffffffeULL

uint64_t
crm_hash_bytes(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = 14695981039346656037ULL ^ seed;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ULL;
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	return h ^ (h >> 32);
}

uint64_t
crm_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
crm_strmap_init(struct crm_strmap *m)
{
	memset(m, 0, sizeof *m);
}

void
crm_strmap_release(struct crm_strmap *m)
{
	for (size_t i = 0; i < m->nblocks; i++)
		free(m->blocks[i]);
	free(m->blocks);
	free(m->tab);
	free(m->slot);
	crm_strmap_init(m);
}

static char *
copy_key(struct crm_strmap *m, const void *p, size_t n)
{
	if (m->bleft < n + 1) {
		size_t sz = n + 1 > 65536 ? n + 1 : (size_t)1 << 16;

		if (m->nblocks > 8 && sz < (size_t)1 << 20)
			sz = (size_t)1 << 20;
		crm_grow(&m->blocks, &m->ablocks, m->nblocks + 1,
		    sizeof *m->blocks);
		m->bp = m->blocks[m->nblocks++] = crm_xmalloc(sz);
		m->bleft = sz;
	}
	char *r = m->bp;
	if (n)
		memcpy(r, p, n);
	r[n] = '\0';
	m->bp += n + 1;
	m->bleft -= n + 1;
	return r;
}

static void
rehash(struct crm_strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	size_t bytes = crm_mulsz(ncap, sizeof *m->tab);
	uint64_t *nt = crm_xmalloc_huge(bytes);

	memset(nt, 0, bytes);
	/* In slot order, not bucket order: the slots and their keys are then
	 * read front to back instead of at random, which made growing a map
	 * of a million keys cost more than adding them. */
	for (size_t i = 0; i < m->n; i++) {
		const struct crm_strmap_slot *s = &m->slot[i];
		uint64_t h = crm_hash_bytes(s->key, s->len, 0);
		size_t j = h & (ncap - 1);
		while (nt[j])
			j = (j + 1) & (ncap - 1);
		nt[j] = TAG(h) | (uint64_t)(i + 1);
	}
	free(m->tab);
	m->tab = nt;
	m->cap = ncap;
}

size_t
crm_strmap_find_h(const struct crm_strmap *m, const void *p, size_t n,
    uint64_t h)
{
	if (!m->cap)
		return CRM_STRMAP_NONE;
	for (size_t j = h & (m->cap - 1); m->tab[j]; j = (j + 1) & (m->cap - 1)) {
		uint64_t e = m->tab[j];
		if (TAG(e) != TAG(h))
			continue;
		const struct crm_strmap_slot *s = &m->slot[SLOT(e) - 1];
		if (s->len == n && (!n || !memcmp(s->key, p, n)))
			return SLOT(e) - 1;
	}
	return CRM_STRMAP_NONE;
}

size_t
crm_strmap_find(const struct crm_strmap *m, const void *p, size_t n)
{
	return crm_strmap_find_h(m, p, n, crm_hash_bytes(p, n, 0));
}

size_t
crm_strmap_add_h(struct crm_strmap *m, const void *p, size_t n, uint64_t h,
    int *isnew)
{
	if ((m->n + 1) * 2 > m->cap)
		rehash(m);
	size_t j = h & (m->cap - 1);
	for (; m->tab[j]; j = (j + 1) & (m->cap - 1)) {
		uint64_t e = m->tab[j];
		if (TAG(e) != TAG(h))
			continue;
		const struct crm_strmap_slot *s = &m->slot[SLOT(e) - 1];
		if (s->len == n && (!n || !memcmp(s->key, p, n))) {
			if (isnew)
				*isnew = 0;
			return SLOT(e) - 1;
		}
	}
	if (m->n >= MAXKEYS)
		errx(2, "too many distinct keys (more than %llu)",
		    (unsigned long long)MAXKEYS);
	crm_grow(&m->slot, &m->nalloc, m->n + 1, sizeof *m->slot);
	struct crm_strmap_slot *s = &m->slot[m->n];
	s->key = copy_key(m, p, n);
	s->len = n;
	s->val = 0;
	m->tab[j] = TAG(h) | (uint64_t)(m->n + 1);
	if (isnew)
		*isnew = 1;
	return m->n++;
}

size_t
crm_strmap_add(struct crm_strmap *m, const void *p, size_t n, int *isnew)
{
	return crm_strmap_add_h(m, p, n, crm_hash_bytes(p, n, 0), isnew);
}
