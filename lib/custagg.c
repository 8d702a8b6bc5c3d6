/*
 * custagg: customers split over 256 partitions by hash, each an
 * open-addressing table with its own blocks of customers.  Partitions come
 * in 16 groups; long ids, customer blocks and encoded days go to the bump
 * arena of their group (on huge pages), the encoded days as power-of-two
 * blocks recycled through free lists.
 *
 * Encoded days: each day before the latest as two LEB128 varints, the day
 * (zigzag for the first, the gap less one after it) and the day's total
 * (zigzag), ascending by day.  The latest day and its total stay in the
 * customer, so that a purchase on it or on a later day (the usual order of
 * a stream) appends a few bytes without reading the encoded days; an
 * earlier day is found by decoding from the start and spliced in.
 *
 * Queued transactions are first sorted into their partitions and then
 * counted partition by partition: one partition's table, customers and day
 * lists fit in the caches, where a single table of half a million customers
 * would cost several cache misses per transaction.  Since a group's memory
 * is its own, two threads count one batch at once, a group each at a time.
 */
#include "custagg.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "out.h"
#include "sort.h"
#include "strmap.h"
#include "util.h"
#include "value.h"

#define ARENA_MIN (1u << 20)
#define ARENA_MAX (64u << 20)
#define NPART 256
#define QCAP (1u << 11)         /* queued transactions per partition and
                                   batch: a batch holds half a million */
#define NCLASS 32
#define PREFAULT_AT (1u << 16)  /* records in the first batch before the
                                   second one's pages are faulted in */
#define NGROUP 16               /* groups of partitions, each with its own
                                   arena: two threads count a batch group
                                   by group */
#define GPART (NPART / NGROUP)

struct chunk {
	struct chunk *next;
	size_t used, size;
	/* data follows, aligned for pointers */
};

/* A queued transaction: half a cache line, written with non-temporal
 * stores (the batch is far larger than the caches, and reading each line
 * before overwriting it cost more than the rest of queueing), a whole
 * line of two records at a time (see struct batch). */
struct qrec {
	uint32_t h32;           /* high half of the hash (the low bits chose
	                           the partition) */
	uint32_t n;
	int32_t day;
	uint32_t tag;           /* tag - the batch's first tag */
	int64_t amt;
	union {
		char in[8];     /* ids of up to 8 bytes, zero-padded */
		uint64_t off;   /* of a longer id in the batch's id buffer */
	} id;
} __attribute__((aligned(32)));

#define QINLINE 8               /* longest id kept in a queue record */
/* qrec.n holds the id's length and, in its top bit, QLINE for a partial
 * line: the record's day is then the count of its days, amt its order
 * count, and the days follow in the next records of the partition, two
 * struct dayamt to a record (ids of 2^31 bytes and more are refused) */
#define QLEN ((((uint32_t)1) << 30) - 1)
#define QLINE ((uint32_t)1 << 31)
/* and QORD, in the bit below, for a line with an order id: without QLINE
 * a transaction, whose order hash fills the first 8 bytes of the next
 * record; with QLINE a partial line with order hashes, the next record
 * holding their count (8 bytes), then the days, then the hashes four to
 * a record (ids of 2^30 bytes and more are refused) */
#define QORD ((uint32_t)1 << 30)

#define CBLOCK 256              /* customers per block (16 KiB) */

struct part {
	struct crm_cust **cblock;       /* blocks of CBLOCK customers, in the
	                                   arena, so customers never move */
	size_t nblock, ablock;
	size_t ncust;
	uint64_t *slot;         /* hash high 32 bits << 32 | (index + 1) */
	size_t mask;
	/* The order hashes of the partition's customers, one entry per
	 * distinct (customer, order): NULL until the first, then an
	 * open-addressing table kept at most half full. */
	struct oent *ord;
	size_t omask, nord;
};

/* A customer's order: its hash and the customer's index + 1 (0: free). */
struct oent {
	uint64_t oh;
	uint32_t ci1;
	uint32_t unused;
};

/* A transaction refused when its batch was counted, kept for the error
 * function, which runs in the thread that queues. */
struct refused {
	long tag;
	int32_t day;
	int64_t amt;
};

struct refusals {
	struct refused *v;
	size_t n, alloc;
};

/* One batch of queued transactions: QCAP per partition. */
struct batch {
	struct qrec *mem;       /* NPART * QCAP records, allocated on first use */
	/* A partition's record of an odd count waits here for the next one,
	 * the two then streamed out as one whole cache line: a half line
	 * streamed alone goes out to memory half-written, which costs more
	 * than the two stores. */
	struct qrec stage[NPART];
	size_t nq[NPART];
	struct crm_buf qid;     /* ids of 16 bytes and more */
	long tag0;              /* the first tag in the batch */
	size_t nrec;            /* records in the batch */
	struct refusals err[NGROUP];
	int next;               /* the next group to count (atomic) */
	int ndone;              /* groups counted (atomic) */
};

/*
 * The memory of one group of partitions: long ids, customer blocks and day
 * lists, with the customer count and latest day of the group.  Only the
 * thread counting the group touches it.
 */
struct arena {
	struct chunk *chunks;
	size_t nextchunk;       /* size of the next chunk */
	void *freelist[NCLASS]; /* freed day blocks by log2 capacity */
	size_t ncust;
	int32_t maxday;
};

/* A day and its total, decoded. */
struct dayamt {
	int32_t day;
	int64_t amt;
};

struct crm_custagg {
	struct part part[NPART];
	struct arena ar[NGROUP];
	/*
	 * Two batches: while the caller fills one, a helper thread counts the
	 * other; when the caller has filled its batch it helps count the
	 * other, group by group, before the two swap.  A group is counted by
	 * one thread at a time, and nothing else touches the tables while a
	 * batch is being counted.
	 */
	struct batch b[2];
	int cur;                /* the batch being filled */
	int inflight;           /* the batch being counted, or -1 */
	int helper;             /* 0 not tried, 1 running, -1 none */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int job;                /* batch handed to the helper, or -1 */
	int quit;
	/* The second batch's pages, faulted in by the helper while the
	 * caller fills the first: the caller's parsing sets the pace of
	 * reading, and taking sixteen megabytes of new pages itself would
	 * hold it up for tens of milliseconds. */
	int prefault;           /* 0 not asked, 1 asked or running, 2 done */
	int prefault_stop;      /* stop early (atomic) */
	int pfk;                /* the batch to fault in */
	crm_custagg_errfn *errfn;
	void *errarg;
	struct dayamt *tmp;     /* merge scratch */
	size_t ntmp;
	uint64_t *htmp;         /* order hashes of the line being merged */
	size_t nhtmp;
	int hasord;             /* an order hash was queued or added: the
	                           partial carries order hashes */
};

static void wait_helper(struct crm_custagg *a);
static int merge_parsed(struct crm_custagg *a, const char *id, size_t n,
    uint64_t h, const struct dayamt *d, size_t nd, uint64_t nord,
    const uint64_t *oh, size_t noh);
static void end_prefault(struct crm_custagg *a);

/* Large blocks on huge pages: day lists are read at random, and TLB
 * misses would otherwise cost as much as the cache misses. */
#define bigalloc crm_xmalloc_huge

/* The n bytes at p (1 <= n <= 7) as a little-endian word, zero above:
 * two overlapping loads, not a byte loop (a variable-length memcpy is a
 * library call), and nothing read past p[n-1]. */
static inline uint64_t
load_short(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;

	if (n >= 4) {
		uint32_t lo, hi;

		memcpy(&lo, u, 4);
		memcpy(&hi, u + n - 4, 4);
		return (uint64_t)lo | (uint64_t)hi << (8 * (n - 4));
	}
	return (uint64_t)u[0] | (uint64_t)u[n >> 1] << (8 * (n >> 1)) |
	    (uint64_t)u[n - 1] << (8 * (n - 1));
}

static inline uint64_t
hash_bytes(const char *p, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ n, v;

	while (n >= 8) {
		memcpy(&v, p, 8);
		h = (h ^ v) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 29;
		p += 8;
		n -= 8;
	}
	if (n) {
		v = load_short(p, n);
		h = (h ^ v) * 0x94d049bb133111ebull;
		h ^= h >> 32;
	}
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 29;
	return h;
}

static void *
arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c = a->chunks;
	void *p;

	n = (n + 7) & ~(size_t)7;
	if (!c || c->size - c->used < n) {
		size_t size;

		if (a->nextchunk < ARENA_MIN)
			a->nextchunk = ARENA_MIN;
		size = n + sizeof *c > a->nextchunk ? n + sizeof *c :
		    a->nextchunk;
		if (a->nextchunk < ARENA_MAX)
			a->nextchunk *= 2;
		c = bigalloc(size);
		size -= sizeof *c;
		c->size = size;
		c->used = 0;
		c->next = a->chunks;
		a->chunks = c;
	}
	p = (char *)(c + 1) + c->used;
	c->used += n;
	return p;
}

/* n bytes from the arena on a 64-byte boundary (a cache line). */
static void *
arena_alloc64(struct arena *a, size_t n)
{
	char *p = arena_alloc(a, n + 64);

	return p + (64 - ((uintptr_t)p & 63)) % 64;
}

#define MINCLS 3                /* smallest block of encoded days: 8 bytes,
                                   room for the free list's pointer */
#define MAXENC ((uint32_t)1 << 31)      /* most encoded bytes a customer */
#define MAXENTRY 15             /* longest entry: a 5-byte day, 10-byte amount */

static unsigned char *
days_alloc(struct arena *a, unsigned cls)
{
	void *p = a->freelist[cls];

	if (p) {
		memcpy(&a->freelist[cls], p, sizeof p);
		return p;
	}
	return arena_alloc(a, (size_t)1 << cls);
}

static void
days_free(struct arena *a, unsigned char *d, unsigned cls)
{
	memcpy(d, &a->freelist[cls], sizeof(void *));
	a->freelist[cls] = d;
}

struct crm_custagg *
crm_custagg_new(void)
{
	struct crm_custagg *a = crm_xcalloc(1, sizeof *a);
	size_t i;

	for (i = 0; i < NPART; i++) {
		a->part[i].mask = 15;
		a->part[i].slot = crm_xcalloc(16, sizeof(uint64_t));
	}
	for (i = 0; i < NGROUP; i++)
		a->ar[i].maxday = INT32_MIN;
	crm_buf_init(&a->b[0].qid);
	crm_buf_init(&a->b[1].qid);
	a->job = a->inflight = -1;
	return a;
}

void
crm_custagg_free(struct crm_custagg *a)
{
	struct chunk *c, *next;
	size_t i;

	if (!a)
		return;
	end_prefault(a);
	if (a->helper > 0) {
		pthread_mutex_lock(&a->mu);
		a->quit = 1;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->th, NULL);
		pthread_cond_destroy(&a->cv);
		pthread_mutex_destroy(&a->mu);
	}
	for (i = 0; i < NGROUP; i++)
		for (c = a->ar[i].chunks; c; c = next) {
			next = c->next;
			free(c);
		}
	for (i = 0; i < NPART; i++) {
		free(a->part[i].cblock);
		free(a->part[i].slot);
		free(a->part[i].ord);
	}
	for (i = 0; i < 2; i++) {
		size_t g;

		crm_buf_release(&a->b[i].qid);
		free(a->b[i].mem);
		for (g = 0; g < NGROUP; g++)
			free(a->b[i].err[g].v);
	}
	free(a->tmp);
	free(a->htmp);
	free(a);
}

/* Fault in the pages of b->mem (no byte of it changes), a huge page at a
 * time, until done or told to stop. */
static void
prefault_batch(struct crm_custagg *a, struct batch *b)
{
#ifdef MADV_POPULATE_WRITE
	const size_t step = (size_t)2 << 20;
	size_t n = crm_mulsz(NPART * QCAP, sizeof *b->mem), off;

	for (off = 0; off < n; off += step)
		if (__atomic_load_n(&a->prefault_stop, __ATOMIC_ACQUIRE) ||
		    madvise((char *)b->mem + off, n - off < step ? n - off :
		    step, MADV_POPULATE_WRITE) != 0)
			break;
#else
	(void)a;
	(void)b;
#endif
}

static void
rehash(struct part *p)
{
	size_t n = (p->mask + 1) * 2, i, j;
	uint64_t *s = crm_xcalloc(n, sizeof *s);

	for (i = 0; i <= p->mask; i++) {
		uint64_t v = p->slot[i];

		if (!v)
			continue;
		j = (size_t)(v >> 32) & (n - 1);
		while (s[j])
			j = (j + 1) & (n - 1);
		s[j] = v;
	}
	free(p->slot);
	p->slot = s;
	p->mask = n - 1;
}

static inline struct crm_cust *
custat(const struct part *p, size_t i)
{
	return &p->cblock[i / CBLOCK][i % CBLOCK];
}

/* The arena of the group of the partition of hash h. */
static inline struct arena *
arena_of(struct crm_custagg *a, uint64_t h)
{
	return &a->ar[(h & (NPART - 1)) / GPART];
}

/* Whether two ids of up to 8 bytes, each zero-padded to 8 bytes, are the
 * same. */
static inline int
same8(const char *x, const char *y)
{
	uint64_t a, b;

	memcpy(&a, x, 8);
	memcpy(&b, y, 8);
	return a == b;
}

/* A new customer id[0..n) in slot i of partition pi (see lookup). */
static __attribute__((noinline)) struct crm_cust *
insert(struct crm_custagg *a, const char *id, size_t n, size_t pi,
    uint32_t h32, size_t i)
{
	struct part *p = &a->part[pi];
	struct arena *ar = &a->ar[pi / GPART];
	struct crm_cust *c;
	char *copy;

	if (p->ncust >= UINT32_MAX - 1 || n >= UINT32_MAX)
		return NULL;
	if (p->ncust % CBLOCK == 0) {
		crm_grow(&p->cblock, &p->ablock, p->nblock + 1,
		    sizeof *p->cblock);
		p->cblock[p->nblock++] = arena_alloc64(ar,
		    CBLOCK * sizeof(struct crm_cust));
	}
	c = custat(p, p->ncust++);
	ar->ncust++;
	memset(c->small, 0, sizeof c->small);
	if (n < sizeof c->small)
		copy = c->small;
	else
		copy = arena_alloc(ar, n + 1);
	memcpy(copy, id, n);
	copy[n] = '\0';
	c->id = copy;
	c->idlen = (uint32_t)n;
	c->orders = 0;
	c->enc = NULL;
	c->enclen = 0;
	c->ndays = 0;
	c->cls = 0;
	p->slot[i] = (uint64_t)h32 << 32 | (uint64_t)p->ncust;
	if (p->ncust * 2 > p->mask)
		rehash(p);
	return c;
}

/*
 * The customer with this id and hash, created when absent (create != 0).
 * padded: id has at most 8 bytes and is zero-padded to 8, so it compares
 * with a customer's small id (also zero-padded) in one word.
 * Inline where transactions are counted; a new customer is made out of
 * line.
 */
static inline struct crm_cust *
lookup_ci(struct crm_custagg *a, const char *id, size_t n, uint64_t h,
    int create, int padded, uint32_t *ci)
{
	size_t pi = h & (NPART - 1);
	struct part *p = &a->part[pi];
	uint32_t h32 = (uint32_t)(h >> 32);
	size_t i = (size_t)h32 & p->mask;
	struct crm_cust *c;

	for (;;) {
		uint64_t v = p->slot[i];

		if (!v)
			break;
		if ((uint32_t)(v >> 32) == h32) {
			c = custat(p, (uint32_t)v - 1);
			if (c->idlen == n && (padded ? same8(c->small, id) :
			    memcmp(c->id, id, n) == 0)) {
				if (ci)
					*ci = (uint32_t)v - 1;
				return c;
			}
		}
		i = (i + 1) & p->mask;
	}
	if (!create)
		return NULL;
	c = insert(a, id, n, pi, h32, i);
	if (ci)
		*ci = (uint32_t)(p->ncust - 1);
	return c;
}

static inline struct crm_cust *
lookup(struct crm_custagg *a, const char *id, size_t n, uint64_t h,
    int create, int padded)
{
	return lookup_ci(a, id, n, h, create, padded, NULL);
}

/* The slot of order hash oh of customer ci1 - 1 in a table of mask. */
static inline size_t
ordslot(uint64_t oh, uint32_t ci1, size_t mask)
{
	uint64_t k = (oh ^ (uint64_t)ci1 * 0x9E3779B97F4A7C15ull) *
	    0xbf58476d1ce4e5b9ull;

	return (size_t)(k ^ k >> 29) & mask;
}

/* Double partition p's order table (or make its first). */
static void
ord_grow(struct part *p)
{
	size_t n = p->ord ? (p->omask + 1) * 2 : 64, i, j;
	struct oent *t = crm_xcalloc(n, sizeof *t);

	for (i = 0; p->ord && i <= p->omask; i++) {
		const struct oent *e = &p->ord[i];

		if (!e->ci1)
			continue;
		j = ordslot(e->oh, e->ci1, n - 1);
		while (t[j].ci1)
			j = (j + 1) & (n - 1);
		t[j] = *e;
	}
	free(p->ord);
	p->ord = t;
	p->omask = n - 1;
}

/* Whether customer ci of partition p has order oh already: 0, and the
 * order is added; 1 when it had it. */
static int
ord_add(struct part *p, uint32_t ci, uint64_t oh)
{
	uint32_t ci1 = ci + 1;
	size_t j;

	if (!p->ord || (p->nord + 1) * 2 > p->omask + 1)
		ord_grow(p);
	for (j = ordslot(oh, ci1, p->omask); p->ord[j].ci1;
	    j = (j + 1) & p->omask)
		if (p->ord[j].ci1 == ci1 && p->ord[j].oh == oh)
			return 1;
	p->ord[j].oh = oh;
	p->ord[j].ci1 = ci1;
	p->nord++;
	return 0;
}

/* Whether customer ci of partition p has order oh. */
static int
ord_has(const struct part *p, uint32_t ci, uint64_t oh)
{
	uint32_t ci1 = ci + 1;
	size_t j;

	if (!p->ord)
		return 0;
	for (j = ordslot(oh, ci1, p->omask); p->ord[j].ci1;
	    j = (j + 1) & p->omask)
		if (p->ord[j].ci1 == ci1 && p->ord[j].oh == oh)
			return 1;
	return 0;
}

/* LEB128 of v at p; the number of bytes (at most 10). */
static inline size_t
putv(unsigned char *p, uint64_t v)
{
	size_t k = 0;

	while (v >= 0x80) {
		p[k++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[k++] = (unsigned char)v;
	return k;
}

static inline uint64_t
zz(int64_t v)
{
	return (uint64_t)v << 1 ^ (uint64_t)(v >> 63);
}

/* The day part of an entry for day after prev (first: no entry before). */
static inline size_t
putday(unsigned char *p, int first, int32_t prev, int32_t day)
{
	if (first)
		return putv(p, zz(day));
	return putv(p, (uint64_t)((int64_t)day - prev - 1));
}

/* Room at the end of c's encoded days for extra more bytes, in a larger
 * block when they do not fit; -1 beyond MAXENC bytes (nothing changed). */
static int
reserve(struct arena *a, struct crm_cust *c, size_t extra)
{
	size_t n = (size_t)c->enclen + extra;
	unsigned cls;
	unsigned char *d;

	if (n > MAXENC)
		return -1;
	if (c->enc && n <= (size_t)1 << c->cls)
		return 0;
	cls = c->enc ? c->cls + 1u : MINCLS;
	while (((size_t)1 << cls) < n)
		cls++;
	d = days_alloc(a, cls);
	if (c->enclen)
		memcpy(d, c->enc, c->enclen);
	if (c->enc)
		days_free(a, c->enc, c->cls);
	c->enc = d;
	c->cls = (uint8_t)cls;
	return 0;
}

/*
 * Replace the oldlen encoded bytes of c at off with t[0..newlen), moving
 * the days to a larger block when they outgrow theirs; -1 when the days
 * would pass MAXENC bytes (nothing changed).
 */
static int
splice(struct arena *a, struct crm_cust *c, size_t off, size_t oldlen,
    const unsigned char *t, size_t newlen)
{
	size_t rest = c->enclen - off - oldlen;

	if (reserve(a, c, newlen > oldlen ? newlen - oldlen : 0) < 0)
		return -1;
	if (rest && newlen != oldlen)
		memmove(c->enc + off + newlen, c->enc + off + oldlen, rest);
	memcpy(c->enc + off, t, newlen);
	c->enclen = (uint32_t)(c->enclen - oldlen + newlen);
	return 0;
}

/* Add amount on day, earlier than c's latest day, to the encoded days. */
static int
addpast(struct arena *a, struct crm_cust *c, int32_t day, int64_t amount)
{
	const unsigned char *base = c->enc, *p = base, *end = base;
	unsigned char t[40];
	int32_t prev = 0;
	size_t k;

	if (c->enclen)
		end = base + c->enclen;   /* base is NULL before the first */
	while (p != end) {
		const unsigned char *ent = p, *ap;
		int64_t am, sum;
		int32_t d = crm_custagg_getday_(&p, p == base, prev);

		ap = p;
		am = crm_custagg_unzz_(crm_custagg_getv_(&p));
		if (d == day) {
			if (__builtin_add_overflow(am, amount, &sum))
				return -1;
			k = putv(t, zz(sum));
			return splice(a, c, (size_t)(ap - base),
			    (size_t)(p - ap), t, k);
		}
		if (d > day) {
			/* the new entry, then this entry's day from the new one */
			k = putday(t, ent == base, prev, day);
			k += putv(t + k, zz(amount));
			k += putday(t + k, 0, day, d);
			if (splice(a, c, (size_t)(ent - base), (size_t)(ap - ent),
			    t, k) < 0)
				return -1;
			c->ndays++;
			return 0;
		}
		prev = d;
	}
	/* after every encoded day, before the latest */
	k = putday(t, c->enclen == 0, prev, day);
	k += putv(t + k, zz(amount));
	if (splice(a, c, c->enclen, 0, t, k) < 0)
		return -1;
	c->tail_day = day;
	c->ndays++;
	return 0;
}

/* The entry of c's latest day as it joins the encoded days, at w; its
 * length. */
static inline size_t
latest_entry(const struct crm_cust *c, unsigned char *w)
{
	size_t k = putday(w, c->enclen == 0, c->tail_day, c->last_day);

	return k + putv(w + k, zz(c->last_amt));
}

/* day becomes c's latest, with amount. */
static inline void
newlatest(struct arena *a, struct crm_cust *c, int32_t day, int64_t amount)
{
	c->last_day = day;
	c->last_amt = amount;
	c->ndays++;
	if (day > a->maxday)
		a->maxday = day;
}

/* What addday leaves: a customer's first day, a later day while the
 * customer has no encoded days (the latest becomes the first, in a block
 * of its own), and a day before the latest. */
static __attribute__((noinline)) int
addday_rest(struct arena *a, struct crm_cust *c, int32_t day, int64_t amount)
{
	unsigned char t[24];
	size_t k;

	if (c->ndays && day < c->last_day)
		return addpast(a, c, day, amount);
	if (c->ndays) {
		k = latest_entry(c, t);
		if (splice(a, c, c->enclen, 0, t, k) < 0)
			return -1;
		c->tail_day = c->last_day;
	}
	newlatest(a, c, day, amount);
	return 0;
}

/*
 * Add amount on day to c; -1 on int64 overflow of the day's total (or
 * days beyond MAXENC bytes), with c unchanged.  The commonest cases here,
 * inline: the latest day again, and a later day once the customer has
 * encoded days; addday_rest does the rest.
 */
static inline int
addday(struct arena *a, struct crm_cust *c, int32_t day, int64_t amount)
{
	if (c->ndays && day == c->last_day) {
		int64_t sum;

		if (__builtin_add_overflow(c->last_amt, amount, &sum))
			return -1;
		c->last_amt = sum;
		return 0;
	}
	if (c->ndays && day > c->last_day && c->enc) {
		/* the latest day joins the encoded ones: in place when the
		 * block has room for the longest entry, or when it has room
		 * for this one; spliced into a larger block otherwise */
		unsigned char t[24], *w = c->enclen + MAXENTRY <=
		    (size_t)1 << c->cls ? c->enc + c->enclen : t;
		size_t k = latest_entry(c, w);

		if (w != t)
			c->enclen += (uint32_t)k;
		else if (c->enclen + k <= (size_t)1 << c->cls) {
			unsigned char *d = c->enc + c->enclen;
			size_t i;

			for (i = 0; i < k; i++)
				d[i] = t[i];
			c->enclen += (uint32_t)k;
		} else if (splice(a, c, c->enclen, 0, t, k) < 0)
			return -1;
		c->tail_day = c->last_day;
		newlatest(a, c, day, amount);
		return 0;
	}
	return addday_rest(a, c, day, amount);
}

int
crm_custagg_add(struct crm_custagg *a, const char *id, size_t n, int32_t day,
    int64_t amount)
{
	uint64_t h = hash_bytes(id, n);
	struct crm_cust *c;

	wait_helper(a);
	c = lookup(a, id, n, h, 1, 0);
	if (!c)
		return -1;
	if (addday(arena_of(a, h), c, day, amount) < 0) {
		/* A new customer's first amount cannot overflow, so c already
		 * had days: nothing to undo. */
		return -1;
	}
	c->orders++;
	return 0;
}

void
crm_custagg_count_orders(struct crm_custagg *a)
{
	a->hasord = 1;
}

uint64_t
crm_custagg_order_hash(const char *oid, size_t n)
{
	return crm_hash_bytes(oid, n, 0);
}

int
crm_custagg_add_order(struct crm_custagg *a, const char *id, size_t n,
    int32_t day, int64_t amount, const char *oid, size_t on)
{
	uint64_t h;
	struct crm_cust *c;
	uint32_t ci;

	if (!on)
		return crm_custagg_add(a, id, n, day, amount);
	h = hash_bytes(id, n);
	wait_helper(a);
	c = lookup_ci(a, id, n, h, 1, 0, &ci);
	if (!c || addday(arena_of(a, h), c, day, amount) < 0)
		return -1;
	a->hasord = 1;
	if (!ord_add(&a->part[h & (NPART - 1)], ci,
	    crm_custagg_order_hash(oid, on)))
		c->orders++;
	return 0;
}

int
crm_custagg_has_order(const struct crm_custagg *a, const char *id, size_t n,
    const char *oid, size_t on)
{
	uint64_t h = hash_bytes(id, n);
	uint32_t ci;

	if (!lookup_ci((struct crm_custagg *)a, id, n, h, 0, 0, &ci))
		return 0;
	return ord_has(&a->part[h & (NPART - 1)], ci,
	    crm_custagg_order_hash(oid, on));
}

void
crm_custagg_onerror(struct crm_custagg *a, crm_custagg_errfn *fn, void *arg)
{
	a->errfn = fn;
	a->errarg = arg;
}

/* Prefetch the customer with hash half h32 if it sits in its first slot,
 * or (tail) the end of its encoded days, where a later day goes. */
static inline void
prefetch_cust(const struct part *p, uint32_t h32, int tail)
{
	uint64_t v = p->slot[h32 & p->mask];

	if (v && (uint32_t)(v >> 32) == h32) {
		const struct crm_cust *c = custat(p, (uint32_t)v - 1);

		if (!tail)
			__builtin_prefetch(c, 1);
		else if (c->enc)
			__builtin_prefetch(c->enc + c->enclen, 1);
	}
}

/*
 * Most of a partition's customers are touched once a batch, each a cache
 * miss when taken record by record.  While one partition is counted, the
 * next one's slots and customers are fetched in line order, a few lines
 * per record, which the memory system serves far faster.
 */
struct pfetch {
	const struct part *p;
	size_t slot, cust;      /* next slot and customer to fetch */
};

static void
pfetch_start(struct pfetch *f, const struct part *p)
{
	f->p = p;
	f->slot = f->cust = 0;
}

static inline void
pfetch_step(struct pfetch *f)
{
	const struct part *p = f->p;

	if (!p)
		return;
	if (f->slot <= p->mask) {
		__builtin_prefetch(&p->slot[f->slot]);
		f->slot += 64 / sizeof *p->slot;
	}
	if (f->cust < p->ncust) {
		__builtin_prefetch(custat(p, f->cust), 1);
		__builtin_prefetch(custat(p, f->cust + 1 < p->ncust ?
		    f->cust + 1 : f->cust), 1);
		f->cust += 2;
	}
}

/* Make the queue's non-temporal stores visible to another thread. */
static void
store_fence(void)
{
#ifdef __SSE2__
	_mm_sfence();
#endif
}

/* Keep record r of batch b as refused, with this day. */
static __attribute__((noinline)) void
refuse(struct refusals *e, const struct batch *b, const struct qrec *r,
    int32_t day)
{
	crm_grow(&e->v, &e->alloc, e->n + 1, sizeof *e->v);
	e->v[e->n].tag = b->tag0 + (long)r->tag;
	e->v[e->n].day = day;
	e->v[e->n].amt = r->amt;
	e->n++;
}

/*
 * Count record r of batch b in partition pi (p) that is not a plain
 * transaction: a transaction with an order id, its hash in the next
 * record, or a partial line, its days (and order hashes) in the records
 * after.  Returns the number of those further records.
 */
static __attribute__((noinline)) size_t
count_rare(struct crm_custagg *a, const struct batch *b,
    struct refusals *e, struct part *p, const struct qrec *r, size_t pi)
{
	size_t n = r->n & QLEN, nd, noh = 0, skip;
	const char *id = n <= QINLINE ? r->id.in : b->qid.p + r->id.off;
	uint64_t h = (uint64_t)r->h32 << 32 | pi;
	const struct qrec *days = r + 1;
	const uint64_t *oh = NULL;
	int rc;

	if (!(r->n & QLINE)) {
		struct crm_cust *c;
		uint64_t o;
		uint32_t ci;

		memcpy(&o, r + 1, sizeof o);
		c = lookup_ci(a, id, n, h, 1, n <= QINLINE, &ci);
		if (!c || addday(&a->ar[pi / GPART], c, r->day, r->amt) < 0)
			refuse(e, b, r, r->day);
		else if (!ord_add(p, ci, o))
			c->orders++;
		return 1;
	}
	nd = (uint32_t)r->day;
	skip = (nd + 1) / 2;
	if (r->n & QORD) {
		uint64_t k;

		memcpy(&k, r + 1, sizeof k);
		noh = (size_t)k;
		days = r + 2;
		oh = (const uint64_t *)(const void *)(days + skip);
		skip += 1 + (noh + 3) / 4;
	}
	rc = merge_parsed(a, id, n, h, (const struct dayamt *)(const void *)days,
	    nd, (uint64_t)r->amt, oh, noh);
	if (rc < 0)
		refuse(e, b, r, rc == -3 ? CRM_CUSTAGG_NO_DAY : 0);
	return skip;
}

/* Count group g of batch k (in whichever thread runs this). */
static void
count_group(struct crm_custagg *a, int k, size_t g)
{
	struct batch *b = &a->b[k];
	struct arena *ar = &a->ar[g];
	struct refusals *e = &b->err[g];
	size_t i, j;

	struct pfetch pf;

	pfetch_start(&pf, NULL);
	for (i = g * GPART; i < (g + 1) * GPART; i++) {
		const struct qrec *q = b->mem + i * QCAP;
		struct part *p = &a->part[i];
		size_t nq = b->nq[i];

		if (i + 1 < (g + 1) * GPART && b->nq[i + 1] * 4 >
		    a->part[i + 1].ncust)
			pfetch_start(&pf, &a->part[i + 1]);
		else
			pfetch_start(&pf, NULL);

		for (j = 0; j < nq; j++) {
			const struct qrec *r = &q[j];
			const char *id;
			struct crm_cust *c;

			/* The customers of a batch are mostly out of the
			 * caches: fetch the slot of the record 16 ahead, the
			 * customer of the one 8 ahead (when its slot is the
			 * first probed) and the end of the days of the one 4
			 * ahead, so that the misses overlap. */
			if (j + 16 < nq)
				__builtin_prefetch(&p->slot[q[j + 16].h32 &
				    p->mask]);
			if (j + 8 < nq)
				prefetch_cust(p, q[j + 8].h32, 0);
			if (j + 4 < nq)
				prefetch_cust(p, q[j + 4].h32, 1);
			pfetch_step(&pf);
			if (__builtin_expect(r->n > QLEN, 0)) {
				j += count_rare(a, b, e, p, r, i);
				continue;
			}
			id = r->n <= QINLINE ? r->id.in : b->qid.p + r->id.off;
			c = lookup(a, id, r->n, (uint64_t)r->h32 << 32 | i, 1,
			    r->n <= QINLINE);
			if (!c || addday(ar, c, r->day, r->amt) < 0) {
				refuse(e, b, r, r->day);
				continue;
			}
			c->orders++;
		}
	}
}

/* Count groups of batch k until none is left to take; the thread that
 * counts the last one wakes whoever waits for the batch. */
static void
count_groups(struct crm_custagg *a, int k)
{
	struct batch *b = &a->b[k];
	int g;

	while ((g = __atomic_fetch_add(&b->next, 1, __ATOMIC_ACQ_REL)) <
	    NGROUP) {
		count_group(a, k, (size_t)g);
		if (__atomic_add_fetch(&b->ndone, 1, __ATOMIC_ACQ_REL) ==
		    NGROUP && a->helper > 0) {
			pthread_mutex_lock(&a->mu);
			pthread_cond_broadcast(&a->cv);
			pthread_mutex_unlock(&a->mu);
		}
	}
}

/* Batch k is counted: pass its refusals to the error function, in group
 * order, and empty it. */
static void
batch_done(struct crm_custagg *a, int k)
{
	struct batch *b = &a->b[k];
	size_t g, i;

	for (g = 0; g < NGROUP; g++) {
		struct refusals *e = &b->err[g];

		for (i = 0; i < e->n; i++)
			if (a->errfn)
				a->errfn(a->errarg, e->v[i].tag, e->v[i].day,
				    e->v[i].amt);
		e->n = 0;
	}
	memset(b->nq, 0, sizeof b->nq);
	b->nrec = 0;
	crm_buf_reset(&b->qid);
}

static void *
helper_main(void *arg)
{
	struct crm_custagg *a = arg;

	pthread_mutex_lock(&a->mu);
	for (;;) {
		int k;

		while (a->job < 0 && a->prefault != 1 && !a->quit)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->prefault == 1) {
			pthread_mutex_unlock(&a->mu);
			prefault_batch(a, &a->b[a->pfk]);
			pthread_mutex_lock(&a->mu);
			a->prefault = 2;
			pthread_cond_broadcast(&a->cv);
			continue;
		}
		if (a->job < 0)
			break;
		k = a->job;
		a->job = -1;
		pthread_mutex_unlock(&a->mu);
		count_groups(a, k);
		pthread_mutex_lock(&a->mu);
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

/* Start the helper thread when the machine has a core to spare for it. */
static void
start_helper(struct crm_custagg *a)
{
	a->helper = -1;
	if (crm_threads() < 2)
		return;
	if (pthread_mutex_init(&a->mu, NULL) != 0)
		return;
	if (pthread_cond_init(&a->cv, NULL) != 0) {
		pthread_mutex_destroy(&a->mu);
		return;
	}
	if (pthread_create(&a->th, NULL, helper_main, a) != 0) {
		pthread_cond_destroy(&a->cv);
		pthread_mutex_destroy(&a->mu);
		return;
	}
	a->helper = 1;
}

/*
 * Batch k is filled: open its groups to counting.  Only here, once the
 * batch is whole: a thread still in count_groups for the batch's last
 * round finds every group taken until then.
 */
static void
batch_ready(struct crm_custagg *a, int k)
{
	struct batch *b = &a->b[k];
	size_t pi;

	for (pi = 0; pi < NPART; pi++)
		if (b->nq[pi] & 1)
			b->mem[pi * QCAP + b->nq[pi] - 1] = b->stage[pi];
	store_fence();
	__atomic_store_n(&b->ndone, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&b->next, 0, __ATOMIC_RELEASE);
}

/* The first batch is well on its way: have the helper fault in the
 * second one's pages (the caller fills the first until then). */
static void
ask_prefault(struct crm_custagg *a)
{
	struct batch *o = &a->b[!a->cur];

	if (!a->helper)
		start_helper(a);
	if (a->helper < 0 || a->prefault)
		return;
	o->mem = bigalloc(crm_mulsz(NPART * QCAP, sizeof *o->mem));
	pthread_mutex_lock(&a->mu);
	a->pfk = !a->cur;
	a->prefault = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

/* Stop faulting in pages (before the batches are freed). */
static void
end_prefault(struct crm_custagg *a)
{
	if (a->helper <= 0)
		return;
	__atomic_store_n(&a->prefault_stop, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&a->mu);
	while (a->prefault == 1)
		pthread_cond_wait(&a->cv, &a->mu);
	pthread_mutex_unlock(&a->mu);
}

/* Give batch k to the helper (which starts on its groups at once). */
static void
hand_over(struct crm_custagg *a, int k)
{
	batch_ready(a, k);
	pthread_mutex_lock(&a->mu);
	a->job = k;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	a->inflight = k;
}

/* Help count the batch in flight, wait until it is all counted, and
 * report its refusals. */
static void
wait_helper(struct crm_custagg *a)
{
	int k = a->inflight;
	struct batch *b;

	if (k < 0)
		return;
	b = &a->b[k];
	count_groups(a, k);
	pthread_mutex_lock(&a->mu);
	while (__atomic_load_n(&b->ndone, __ATOMIC_ACQUIRE) < NGROUP)
		pthread_cond_wait(&a->cv, &a->mu);
	/* the helper may not have taken the job at all */
	if (a->job == k)
		a->job = -1;
	pthread_mutex_unlock(&a->mu);
	a->inflight = -1;
	batch_done(a, k);
}

/* Count batch k here, without a helper. */
static void
count_here(struct crm_custagg *a, int k)
{
	if (!a->b[k].mem)
		return;
	batch_ready(a, k);
	count_groups(a, k);
	batch_done(a, k);
}

/* The batch being filled is full: hand it to the helper and go on with
 * the other one, or count it here without a helper. */
static void
batch_full(struct crm_custagg *a)
{
	int k = a->cur;

	if (!a->helper)
		start_helper(a);
	if (a->helper < 0) {
		count_here(a, k);
		return;
	}
	wait_helper(a);
	hand_over(a, k);
	a->cur = !k;
}

/* Before need records are queued in partition pi: a batch to begin, or
 * to end first (a tag its 32-bit offsets cannot hold, or no room left in
 * the partition), the prefault to ask for; returns the batch to queue
 * into. */
static struct batch *
queue_prepare(struct crm_custagg *a, long tag, size_t pi, size_t need)
{
	struct batch *b = &a->b[a->cur];

	if (b->nrec && (tag < b->tag0 ||
	    (unsigned long)tag - (unsigned long)b->tag0 > UINT32_MAX ||
	    b->nq[pi] + need > QCAP)) {
		batch_full(a);
		b = &a->b[a->cur];
	}
	if (!b->mem)
		b->mem = bigalloc(crm_mulsz(NPART * QCAP, sizeof *b->mem));
	if (!b->nrec)
		b->tag0 = tag;
	else if (b->nrec < PREFAULT_AT && b->nrec + need >= PREFAULT_AT &&
	    !a->b[!a->cur].mem)
		ask_prefault(a);
	return b;
}

/* The id word of a record: a short id's bytes, zero-padded. */
static inline uint64_t
short_idword(const char *id, size_t n)
{
	uint64_t w = 0;

	if (n == QINLINE)
		memcpy(&w, id, QINLINE);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	else if (n)
		w = load_short(id, n);
#else
	else if (n)
		memcpy(&w, id, n);
#endif
	return w;
}

/* The id word of a record in batch b: a short id's bytes, zero-padded,
 * or where a longer one is kept in the batch's id buffer (copied there). */
static uint64_t
record_id(struct batch *b, const char *id, size_t n)
{
	uint64_t off;

	if (n <= QINLINE)
		return short_idword(id, n);
	off = b->qid.n;
	crm_buf_add(&b->qid, id, n);
	return off;
}

/* Write one record into batch b and hand the batch on when its
 * partition is full. */
static inline void
queue_put(struct crm_custagg *a, struct batch *b, uint64_t h, size_t n,
    int32_t day, int64_t amount, long tag, uint64_t idw)
{
	size_t pi = h & (NPART - 1), j = b->nq[pi]++;
	uint32_t rtag = (uint32_t)((unsigned long)tag - (unsigned long)b->tag0);

	b->nrec++;
#ifdef __SSE2__
	{
		/* put together in registers, not in a record on the stack */
		__m128i lo = _mm_set_epi32((int)rtag, (int)day,
		    (int)(uint32_t)n, (int)(uint32_t)(h >> 32));
		__m128i hi = _mm_set_epi64x((long long)idw, (long long)amount);
		__m128i *st = (__m128i *)&b->stage[pi];

		if (j & 1) {
			__m128i *d = (__m128i *)&b->mem[pi * QCAP + j - 1];

			_mm_stream_si128(d, _mm_load_si128(st));
			_mm_stream_si128(d + 1, _mm_load_si128(st + 1));
			_mm_stream_si128(d + 2, lo);
			_mm_stream_si128(d + 3, hi);
		} else {
			_mm_store_si128(st, lo);
			_mm_store_si128(st + 1, hi);
		}
	}
#else
	{
		struct qrec *r = j & 1 ? &b->mem[pi * QCAP + j] : &b->stage[pi];

		r->h32 = (uint32_t)(h >> 32);
		r->n = (uint32_t)n;
		r->day = day;
		r->tag = rtag;
		r->amt = amount;
		r->id.off = idw;
		if (j & 1)
			b->mem[pi * QCAP + j - 1] = b->stage[pi];
	}
#endif
	if (b->nq[pi] == QCAP)
		batch_full(a);
}

/* Queueing's rare cases: an id too long to count or longer than a record
 * holds, a batch to begin or to end, the prefault to ask for.  Out of
 * line, so that the common path saves no registers. */
static __attribute__((noinline)) void
queue_slow(struct crm_custagg *a, const char *id, size_t n, uint64_t h,
    int32_t day, int64_t amount, long tag)
{
	struct batch *b;

	if (n > QLEN) {
		if (a->errfn)
			a->errfn(a->errarg, tag, day, amount);
		return;
	}
	b = queue_prepare(a, tag, h & (NPART - 1), 1);
	queue_put(a, b, h, n, day, amount, tag, record_id(b, id, n));
}

void
crm_custagg_queue(struct crm_custagg *a, const char *id, size_t n,
    int32_t day, int64_t amount, long tag)
{
	uint64_t h = hash_bytes(id, n);
	struct batch *b = &a->b[a->cur];

	if (__builtin_expect(n > QINLINE || !b->nrec || tag < b->tag0 ||
	    (unsigned long)tag - (unsigned long)b->tag0 > UINT32_MAX ||
	    b->nrec + 1 == PREFAULT_AT, 0)) {
		queue_slow(a, id, n, h, day, amount, tag);
		return;
	}
	queue_put(a, b, h, n, day, amount, tag, short_idword(id, n));
}

/* Plain stores of need records, from the next free one of partition pi
 * of batch b, for records that go with the next ones (see queue_parsed):
 * where they start; end_records when written. */
static struct qrec *
begin_records(struct batch *b, size_t pi)
{
	if (b->nq[pi] & 1)
		b->mem[pi * QCAP + b->nq[pi] - 1] = b->stage[pi];
	return &b->mem[pi * QCAP + b->nq[pi]];
}

static void
end_records(struct crm_custagg *a, struct batch *b, size_t pi, size_t need)
{
	b->nq[pi] += need;
	b->nrec += need;
	if (b->nq[pi] & 1)
		b->stage[pi] = b->mem[pi * QCAP + b->nq[pi] - 1];
	if (b->nq[pi] == QCAP)
		batch_full(a);
}

void
crm_custagg_queue_order(struct crm_custagg *a, const char *id, size_t n,
    int32_t day, int64_t amount, const char *oid, size_t on, long tag)
{
	uint64_t h, oh;
	size_t pi;
	struct batch *b;
	struct qrec *r;

	if (!on) {
		crm_custagg_queue(a, id, n, day, amount, tag);
		return;
	}
	if (n > QLEN) {
		if (a->errfn)
			a->errfn(a->errarg, tag, day, amount);
		return;
	}
	h = hash_bytes(id, n);
	oh = crm_custagg_order_hash(oid, on);
	pi = h & (NPART - 1);
	a->hasord = 1;
	b = queue_prepare(a, tag, pi, 2);
	r = begin_records(b, pi);
	r->id.off = record_id(b, id, n);
	r->h32 = (uint32_t)(h >> 32);
	r->n = (uint32_t)n | QORD;
	r->day = day;
	r->tag = (uint32_t)((unsigned long)tag - (unsigned long)b->tag0);
	r->amt = amount;
	memset(r + 1, 0, sizeof *r);
	memcpy(r + 1, &oh, sizeof oh);
	end_records(a, b, pi, 2);
}

void
crm_custagg_flush(struct crm_custagg *a)
{
	wait_helper(a);
	if (a->helper > 0 && a->b[a->cur].nrec) {
		/* the last batch, by both threads */
		hand_over(a, a->cur);
		wait_helper(a);
	} else
		count_here(a, a->cur);
	end_prefault(a);
	/* The batches are tens of megabytes: given back now, they do not
	 * add to the caller's peak (queueing again takes new ones). */
	for (int k = 0; k < 2; k++) {
		free(a->b[k].mem);
		a->b[k].mem = NULL;
	}
}

size_t
crm_custagg_count(const struct crm_custagg *a)
{
	size_t g, n = 0;

	for (g = 0; g < NGROUP; g++)
		n += a->ar[g].ncust;
	return n;
}

const struct crm_cust *
crm_custagg_find(const struct crm_custagg *a, const char *id, size_t n)
{
	return lookup((struct crm_custagg *)a, id, n, hash_bytes(id, n),
	    0, 0);
}

int32_t
crm_custagg_maxday(const struct crm_custagg *a)
{
	int32_t m = INT32_MIN;
	size_t g;

	for (g = 0; g < NGROUP; g++)
		if (a->ar[g].maxday > m)
			m = a->ar[g].maxday;
	return m;
}

/* Order of two customers by id: bytewise, a shorter prefix first. */
static int
cmpkey(const void *x, const void *y)
{
	const struct crm_kv *p = x, *q = y;
	const struct crm_cust *a = (const struct crm_cust *)(uintptr_t)p->v;
	const struct crm_cust *b = (const struct crm_cust *)(uintptr_t)q->v;
	size_t n = a->idlen < b->idlen ? a->idlen : b->idlen;
	int r;

	if (p->k != q->k)
		return p->k < q->k ? -1 : 1;
	r = memcmp(a->id, b->id, n);
	if (r)
		return r;
	return (a->idlen > b->idlen) - (a->idlen < b->idlen);
}

/* The order of two customers with the same 8-byte key, by their ids. */
static int
idtie(const struct crm_kv *x, const struct crm_kv *y)
{
	return cmpkey(x, y);
}

/* The customers of partitions [plo, phi) into k[0..n), sorted by id. */
struct sorthalf {
	const struct crm_custagg *a;
	size_t plo, phi;
	struct crm_kv *k;
	size_t n;
};

static void *
sort_half(void *arg)
{
	struct sorthalf *h = arg;
	struct crm_kv *k = h->k;
	size_t i, j, pi, ci, n = h->n;

	for (i = 0, pi = h->plo; pi < h->phi; pi++)
		for (ci = 0; ci < h->a->part[pi].ncust; ci++, i++) {
			const struct crm_cust *c = custat(&h->a->part[pi], ci);
			uint64_t p;

			/* an id shorter than 8 bytes is zero-padded in small */
			memcpy(&p, c->id, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			p = __builtin_bswap64(p);
#endif
			k[i].k = p;
			k[i].v = (uintptr_t)c;
		}
	/* radix on the first 8 bytes, then runs that share them in full */
	crm_sort_kv(k, n);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && k[j].k == k[i].k; j++)
			;
		if (j - i > 1)
			qsort(k + i, j - i, sizeof *k, cmpkey);
	}
	return NULL;
}

/* Sorted in two halves of the partitions (a thread each), merged from
 * both ends at once. */
const struct crm_cust **
crm_custagg_sorted(const struct crm_custagg *a)
{
	size_t i, pi, nx = 0, n = crm_custagg_count(a);
	struct crm_kv *k = bigalloc(crm_mulsz(n + 1, sizeof *k));
	struct crm_kv *m = bigalloc(crm_mulsz(n + 1, sizeof *m));
	const struct crm_cust **v;

	for (pi = 0; pi < NPART / 2; pi++)
		nx += a->part[pi].ncust;
	{
		struct sorthalf h[2] = {
			{ a, 0, NPART / 2, k, nx },
			{ a, NPART / 2, NPART, k + nx, n - nx }
		};

		crm_run_two(sort_half, &h[0], &h[1]);
	}
	crm_kv_merge2(k, nx, n, idtie, m);
	free(k);
	/* the pairs become the array of customers, in place */
	v = (const struct crm_cust **)(void *)m;
	for (i = 0; i < n; i++)
		v[i] = (const struct crm_cust *)(uintptr_t)m[i].v;
	v[n] = NULL;
	return v;
}

int
crm_custagg_each(const struct crm_custagg *a, crm_custagg_eachfn *fn,
    void *arg)
{
	size_t pi, ci;
	int r;

	for (pi = 0; pi < NPART; pi++)
		for (ci = 0; ci < a->part[pi].ncust; ci++)
			if ((r = fn(arg, custat(&a->part[pi], ci))) != 0)
				return r;
	return 0;
}

static int64_t
satadd(int64_t a, int64_t b)
{
	int64_t s;

	if (__builtin_add_overflow(a, b, &s))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return s;
}

int
crm_cust_stats(const struct crm_cust *c, int32_t asof, int32_t period,
    double gap_factor, struct crm_cust_stats *s)
{
	__extension__ __int128 sum = 0;
	int64_t from1 = (int64_t)asof - period, from2 = (int64_t)asof - 2 * (int64_t)period;
	uint32_t i, n = c->ndays, short_gaps = 0;
	struct crm_custday_it it;
	int32_t prev = 0;
	double recency;

	memset(s, 0, sizeof *s);
	if (!n || c->last_day > asof)
		return -1;
	s->last = c->last_day;
	s->orders = c->orders;
	s->days = n;
	s->recency = asof - s->last;
	s->repeat_days = n - 1;
	recency = s->recency;
	crm_cust_days(c, &it);
	for (i = 0; crm_custday_next(&it); i++) {
		int64_t v = it.amount;
		int32_t d = it.day;

		/* The usual gap g passes recency > gap_factor x g exactly
		 * when more than half the gaps (the lower median and all
		 * below it) pass: the test is monotone in the gap, so the
		 * gaps are counted, not sorted. */
		if (i)
			short_gaps += recency > gap_factor * (double)(d - prev);
		else
			s->first = d;
		prev = d;
		sum += v;
		if (d > from1)
			s->spend_latest = satadd(s->spend_latest, v);
		else if (d > from2)
			s->spend_prev = satadd(s->spend_prev, v);
	}
	s->tenure = asof - s->first;
	s->t_x = s->last - s->first;
	s->revenue_ok = sum >= INT64_MIN && sum <= INT64_MAX;
	s->revenue = s->revenue_ok ? (int64_t)sum : 0;
	/* of n - 1 gaps, the lower median is the ((n - 2) / 2)-th smallest */
	s->overdue = n > 1 ? short_gaps > (n - 2) / 2 : recency > 0;
	return 0;
}

/* v in decimal at d (at most 20 bytes); returns the end (no printf:
 * partial files are large). */
static char *
putint(char *d, int64_t v)
{
	if (v < 0)
		*d++ = '-';
	return d + crm_u64_format(v < 0 ? -(uint64_t)v : (uint64_t)v, d);
}

/* The partial lines of partitions [plo, phi) of a, appended to b. */
struct partjob {
	const struct crm_custagg *a;
	size_t plo, phi;
	struct crm_buf b;
};

/* Order of two order entries: by customer, then by hash. */
static int
cmpoent(const void *x, const void *y)
{
	const struct oent *p = x, *q = y;

	if (p->ci1 != q->ci1)
		return p->ci1 < q->ci1 ? -1 : 1;
	return (p->oh > q->oh) - (p->oh < q->oh);
}

/* The order entries of partition p sorted by customer and hash, into
 * *v (grown as needed, *nv its room); their number. */
static size_t
sorted_orders(const struct part *p, struct oent **v, size_t *nv)
{
	size_t i, n = 0;

	if (!p->nord)
		return 0;
	crm_grow(v, nv, p->nord, sizeof **v);
	for (i = 0; i <= p->omask; i++)
		if (p->ord[i].ci1)
			(*v)[n++] = p->ord[i];
	qsort(*v, n, sizeof **v, cmpoent);
	return n;
}

static const char hexdig[] = "0123456789abcdef";

static void *
format_parts(void *arg)
{
	struct partjob *j = arg;
	struct crm_buf *b = &j->b;
	size_t pi, ci;
	uint32_t k;
	struct oent *ov = NULL;
	size_t nov = 0;

	for (pi = j->plo; pi < j->phi; pi++) {
		size_t no = j->a->hasord ? sorted_orders(&j->a->part[pi], &ov,
		    &nov) : 0, oi = 0;

		for (ci = 0; ci < j->a->part[pi].ncust; ci++) {
			const struct crm_cust *c = custat(&j->a->part[pi], ci);
			struct crm_custday_it it;
			size_t o0 = oi;
			char *d;

			while (oi < no && ov[oi].ci1 == ci + 1)
				oi++;
			/* room for the whole line: the escaped id, the count,
			 * at most 33 bytes a day and 17 an order hash */
			crm_buf_grow(b, crm_mulsz(2, c->idlen) + 25 +
			    crm_mulsz(c->ndays, 34) + crm_mulsz(oi - o0, 17));
			d = b->p + b->n;
			d += crm_tsv_escape_to(d, c->id, c->idlen);
			*d++ = '\t';
			d += crm_u64_format(c->orders, d);
			*d++ = '\t';
			crm_cust_days(c, &it);
			for (k = 0; crm_custday_next(&it); k++) {
				if (k)
					*d++ = ',';
				d = putint(d, it.day);
				*d++ = ':';
				d = putint(d, it.amount);
			}
			if (j->a->hasord) {
				*d++ = '\t';
				for (; o0 < oi; o0++) {
					uint64_t v = ov[o0].oh;
					int s;

					if (d[-1] != '\t')
						*d++ = ',';
					for (s = 60; s >= 0; s -= 4)
						*d++ = hexdig[v >> s & 15];
				}
			}
			*d++ = '\n';
			*d = '\0';
			b->n = (size_t)(d - b->p);
		}
	}
	free(ov);
	return NULL;
}

#define PART_ROUND 16           /* partitions formatted a round, half by
                                   each thread, then written in order */
_Static_assert(NPART % PART_ROUND == 0, "rounds cover the partitions");

void
crm_custagg_write_partial(const struct crm_custagg *a, struct crm_out *o)
{
	struct partjob j[2] = { { a, 0, 0, { NULL, 0, 0 } },
	    { a, 0, 0, { NULL, 0, 0 } } };
	size_t pi, k;

	crm_buf_init(&j[0].b);
	crm_buf_init(&j[1].b);
	crm_out_puts(o, a->hasord ? CRM_CUSTAGG_PARTIAL_HEADER_ORDERS "\n" :
	    CRM_CUSTAGG_PARTIAL_HEADER "\n");
	for (pi = 0; pi < NPART; pi += PART_ROUND) {
		j[0].plo = pi;
		j[0].phi = j[1].plo = pi + PART_ROUND / 2;
		j[1].phi = pi + PART_ROUND;
		crm_run_two(format_parts, &j[0], &j[1]);
		for (k = 0; k < 2; k++) {
			crm_out_write(o, j[k].b.p, j[k].b.n);
			crm_buf_reset(&j[k].b);
		}
	}
	crm_buf_release(&j[0].b);
	crm_buf_release(&j[1].b);
}

/* Parse a decimal integer at *p (before end) into *v; advance *p. */
static int
parseint(const char **pp, const char *end, int64_t min, int64_t max,
    int64_t *v)
{
	const char *p = *pp;
	int neg = 0;
	uint64_t u = 0, lim;
	int nd;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	if (p >= end || *p < '0' || *p > '9')
		return -1;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	/* eighteen digits cannot overflow; only longer numbers are checked
	 * digit by digit */
	for (nd = 0; nd < 18 && p < end && *p >= '0' && *p <= '9'; nd++)
		u = u * 10 + (unsigned)(*p++ - '0');
	while (p < end && *p >= '0' && *p <= '9') {
		unsigned dgt = (unsigned)(*p - '0');

		if (u > (lim - dgt) / 10)
			return -1;
		u = u * 10 + dgt;
		p++;
	}
	if (neg)
		*v = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
	else
		*v = (int64_t)u;
	if (*v < min || *v > max)
		return -1;
	*pp = p;
	return 0;
}

/* Bytes of v as LEB128. */
static inline size_t
vlen(uint64_t v)
{
	return v < 0x80 ? 1 : (size_t)(70 - __builtin_clzll(v)) / 7;
}

/*
 * Add the days d[0..n) (ascending, n >= 1) to c, as addday one by one
 * would, but in one step when they all come after c's latest day (or c
 * has none yet), which is how the parts of a split input mostly meet:
 * the earlier entries are encoded at once into a block made large enough
 * once.  -1 as addday (c unchanged only for the one-step case).
 */
static int
adddays(struct arena *a, struct crm_cust *c, const struct dayamt *d, size_t n)
{
	size_t need = 0, i;
	int32_t prev;
	unsigned char *w;

	if (c->ndays && d[0].day <= c->last_day) {
		for (i = 0; i < n; i++)
			if (addday(a, c, d[i].day, d[i].amt) < 0)
				return -1;
		return 0;
	}
	/* what joins the encoded days: c's latest, then all of d but its
	 * last, which becomes the latest */
	prev = c->ndays ? c->last_day : 0;
	if (c->ndays)
		need = (c->enclen ? vlen((uint64_t)((int64_t)c->last_day -
		    c->tail_day - 1)) : vlen(zz(c->last_day))) +
		    vlen(zz(c->last_amt));
	for (i = 0; i + 1 < n; i++) {
		int first = i == 0 && !c->ndays;

		need += (first ? vlen(zz(d[i].day)) :
		    vlen((uint64_t)((int64_t)d[i].day - prev - 1))) +
		    vlen(zz(d[i].amt));
		prev = d[i].day;
	}
	if (need) {
		if (reserve(a, c, need) < 0)
			return -1;
		w = c->enc + c->enclen;
		if (c->ndays) {
			w += latest_entry(c, w);
			c->tail_day = c->last_day;
		}
		for (i = 0; i + 1 < n; i++) {
			w += putday(w, w == c->enc, c->tail_day, d[i].day);
			w += putv(w, zz(d[i].amt));
			c->tail_day = d[i].day;
		}
		c->enclen = (uint32_t)(w - c->enc);
	}
	c->ndays += (uint32_t)n - 1;
	newlatest(a, c, d[n - 1].day, d[n - 1].amt);
	return 0;
}

/*
 * Merge a parsed partial line into the customer id[0..n) with hash h
 * (made when new): its days d[0..nd), then its order count.  0; -1 when
 * the customer cannot be made, -2 when a day's total leaves its range
 * (the days may be merged in part), -3 when the order count would
 * (nothing of the count changed).
 */
static int
merge_parsed(struct crm_custagg *a, const char *id, size_t n, uint64_t h,
    const struct dayamt *d, size_t nd, uint64_t nord, const uint64_t *oh,
    size_t noh)
{
	struct part *p = &a->part[h & (NPART - 1)];
	struct crm_cust *c;
	uint64_t sum;
	uint32_t ci;
	size_t i;

	if (n <= QINLINE) {
		/* compared as one zero-padded word, as queued ids are */
		uint64_t w = short_idword(id, n);

		c = lookup_ci(a, (const char *)&w, n, h, 1, 1, &ci);
	} else
		c = lookup_ci(a, id, n, h, 1, 0, &ci);
	if (!c)
		return -1;
	if (adddays(arena_of(a, h), c, d, nd) < 0)
		return -2;
	/* the orders without an id, then the ids the customer lacks: at
	 * most nord in all */
	if (__builtin_add_overflow(c->orders, nord, &sum))
		return -3;
	c->orders += nord - noh;
	for (i = 0; i < noh; i++) {
		uint64_t o;

		memcpy(&o, &oh[i], sizeof o);
		if (!ord_add(p, ci, o))
			c->orders++;
	}
	return 0;
}

/*
 * Digits at *pp as a day, ':', and an amount, into *day and *amt, for the
 * common entry: a positive day of at most 9 digits and an amount of at
 * most 18.  At least 32 bytes from *pp can be read, and a byte that is
 * neither a digit nor ':' ends the field, so the entry cannot run past
 * it.  0, or -1 for any other entry (the general parser reads it), with
 * *pp unchanged.
 */
static inline int
quick_entry(const char **pp, int64_t *day, int64_t *amt)
{
	const char *p = *pp, *q;
	uint64_t d = 0, u = 0;
	int neg;

	for (q = p; (unsigned)(*q - '0') < 10 && q - p < 9; q++)
		d = d * 10 + (unsigned)(*q - '0');
	if (q == p || *q != ':')
		return -1;
	neg = *++q == '-';
	q += neg;
	for (p = q; (unsigned)(*q - '0') < 10 && q - p < 18; q++)
		u = u * 10 + (unsigned)(*q - '0');
	if (q == p || (unsigned)(*q - '0') < 10)
		return -1;
	*day = (int64_t)d;
	*amt = neg ? -(int64_t)u : (int64_t)u;
	*pp = q;
	return 0;
}

/* The hex digit c as its value, or -1. */
static inline int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The order hashes p[0..n) (16 hex digits each, ascending, separated by
 * commas; none when n is 0) into a->htmp[0..*noh); -1 when bad. */
static int
parse_hashes(struct crm_custagg *a, const char *p, size_t n, size_t *noh)
{
	size_t k = 0, i = 0;

	while (i < n) {
		uint64_t v = 0;
		size_t d;

		if (k && p[i++] != ',')
			return -1;
		if (n - i < 16)
			return -1;
		for (d = 0; d < 16; d++) {
			int x = hexval((unsigned char)p[i++]);

			if (x < 0)
				return -1;
			v = v << 4 | (unsigned)x;
		}
		if (k && v <= a->htmp[k - 1])
			return -1;
		if (k >= a->nhtmp)
			crm_grow(&a->htmp, &a->nhtmp, k + 1, sizeof *a->htmp);
		a->htmp[k++] = v;
	}
	*noh = k;
	return 0;
}

/* The fields of a partial line: the order count into *nord, the days
 * into a->tmp[0..*nd); NULL, or why the line is bad. */
static const char *
parse_line(struct crm_custagg *a, size_t idlen, const char *orders,
    size_t olen, const char *totals, size_t tlen, uint64_t *nord, size_t *nd)
{
	const char *p = orders, *end = orders + olen;
	char tail[64];          /* the field's last bytes, NUL-padded */
	int64_t day, amt;
	size_t n = 0, i;
	int intail = 0;

	/* a count of up to 2^64 - 1: merged counts reach past INT64_MAX */
	*nord = 0;
	for (i = 0; i < olen; i++) {
		unsigned dgt = (unsigned)(p[i] - '0');

		if (dgt > 9 || *nord > (UINT64_MAX - dgt) / 10)
			return "bad order count";
		*nord = *nord * 10 + dgt;
	}
	if (*nord == 0)
		return "bad order count";
	p = totals;
	end = totals + tlen;
	while (p < end) {
		if (n && *p++ != ',')
			return "bad daily totals";
		if (end - p < 32 && !intail) {
			/* the quick parser reads 32 bytes at a time */
			size_t k = (size_t)(end - p);

			memcpy(tail, p, k);
			memset(tail + k, 0, sizeof tail - k);
			p = tail;
			end = tail + k;
			intail = 1;
		}
		if (quick_entry(&p, &day, &amt) < 0 &&
		    (parseint(&p, end, INT32_MIN + 1, INT32_MAX, &day) < 0 ||
		    p >= end || *p++ != ':' ||
		    parseint(&p, end, INT64_MIN, INT64_MAX, &amt) < 0))
			return "bad daily totals";
		if (n && day <= a->tmp[n - 1].day)
			return "bad daily totals";
		if (n >= a->ntmp)
			crm_grow(&a->tmp, &a->ntmp, n + 1, sizeof *a->tmp);
		a->tmp[n].day = (int32_t)day;
		a->tmp[n].amt = amt;
		n++;
	}
	if (!n)
		return "bad daily totals";
	if (idlen == 0)
		return "empty customer id";
	*nd = n;
	return NULL;
}

/* parse_line, then the order hashes (hashes NULL: none) into
 * a->htmp[0..*noh). */
static const char *
parse_line4(struct crm_custagg *a, size_t idlen, const char *orders,
    size_t olen, const char *totals, size_t tlen, const char *hashes,
    size_t hlen, uint64_t *nord, size_t *nd, size_t *noh)
{
	const char *e;

	*noh = 0;
	if ((e = parse_line(a, idlen, orders, olen, totals, tlen, nord, nd)))
		return e;
	if (hashes && parse_hashes(a, hashes, hlen, noh) < 0)
		return "bad order hashes";
	if (*noh > *nord)
		return "more order hashes than orders";
	return NULL;
}

const char *
crm_custagg_merge_line(struct crm_custagg *a, const char *id, size_t idlen,
    const char *orders, size_t olen, const char *totals, size_t tlen,
    int32_t *lastday)
{
	return crm_custagg_merge_line4(a, id, idlen, orders, olen, totals,
	    tlen, NULL, 0, lastday);
}

const char *
crm_custagg_merge_line4(struct crm_custagg *a, const char *id, size_t idlen,
    const char *orders, size_t olen, const char *totals, size_t tlen,
    const char *hashes, size_t hlen, int32_t *lastday)
{
	uint64_t nord;
	size_t n, noh;
	const char *e;

	wait_helper(a);
	if ((e = parse_line4(a, idlen, orders, olen, totals, tlen, hashes,
	    hlen, &nord, &n, &noh)))
		return e;
	if (lastday)
		*lastday = a->tmp[n - 1].day;
	if (noh)
		a->hasord = 1;
	switch (merge_parsed(a, id, idlen, hash_bytes(id, idlen), a->tmp, n,
	    nord, a->htmp, noh)) {
	case -1:
		return "too many customers";
	case -2:
		return "amount out of range";
	case -3:
		return "order count out of range";
	}
	return NULL;
}

/* Queue the partial line just parsed (a->tmp[0..n), nord orders) of the
 * id with hash h, as one header record and the days two to a record, all
 * in one batch; merged here at once when they could not fit one. */
static void
queue_parsed(struct crm_custagg *a, const char *id, size_t idlen, uint64_t h,
    size_t n, uint64_t nord, size_t noh, long tag)
{
	size_t pi = h & (NPART - 1), need = 1 + (n + 1) / 2;
	struct batch *b;
	struct qrec *r;

	if (noh)
		need += 1 + (noh + 3) / 4;
	if (need > QCAP) {
		/* thousands of days: counted in order, after all queued */
		int rc;

		crm_custagg_flush(a);
		rc = merge_parsed(a, id, idlen, h, a->tmp, n, nord, a->htmp,
		    noh);
		if (rc < 0 && a->errfn)
			a->errfn(a->errarg, tag, rc == -3 ? CRM_CUSTAGG_NO_DAY :
			    0, (int64_t)nord);
		return;
	}
	b = queue_prepare(a, tag, pi, need);
	/* plain stores, not queue_put's streaming ones: the days follow in
	 * the same cache lines, and mixing the two in a line costs more than
	 * the line (a record waiting to be streamed goes out first, and the
	 * last one here waits in its place when the count ends odd) */
	r = begin_records(b, pi);
	r->id.off = record_id(b, id, idlen);
	r->h32 = (uint32_t)(h >> 32);
	r->n = (uint32_t)idlen | QLINE | (noh ? QORD : 0);
	r->day = (int32_t)n;
	r->tag = (uint32_t)((unsigned long)tag - (unsigned long)b->tag0);
	r->amt = (int64_t)nord;        /* the count's bits */
	if (noh) {
		uint64_t k = noh;
		struct qrec *d = r + 2 + (n + 1) / 2;

		memset(r + 1, 0, sizeof *r);
		memcpy(r + 1, &k, sizeof k);
		memcpy(r + 2, a->tmp, n * sizeof *a->tmp);
		memcpy(d, a->htmp, noh * sizeof *a->htmp);
	} else
		memcpy(r + 1, a->tmp, n * sizeof *a->tmp);
	end_records(a, b, pi, need);
}

const char *
crm_custagg_queue_line(struct crm_custagg *a, const char *id, size_t idlen,
    const char *orders, size_t olen, const char *totals, size_t tlen,
    long tag, int32_t *lastday)
{
	return crm_custagg_queue_line4(a, id, idlen, orders, olen, totals,
	    tlen, NULL, 0, tag, lastday);
}

const char *
crm_custagg_queue_line4(struct crm_custagg *a, const char *id, size_t idlen,
    const char *orders, size_t olen, const char *totals, size_t tlen,
    const char *hashes, size_t hlen, long tag, int32_t *lastday)
{
	uint64_t nord;
	size_t n, noh;
	const char *e;

	if ((e = parse_line4(a, idlen, orders, olen, totals, tlen, hashes,
	    hlen, &nord, &n, &noh)))
		return e;
	*lastday = a->tmp[n - 1].day;
	if (idlen > QLEN) {
		if (a->errfn)
			a->errfn(a->errarg, tag, 0, (int64_t)nord);
		return NULL;
	}
	if (noh)
		a->hasord = 1;
	queue_parsed(a, id, idlen, hash_bytes(id, idlen), n, nord, noh, tag);
	return NULL;
}
