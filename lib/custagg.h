/*
 * custagg: per-customer aggregation of a transaction stream.
 *
 * Every customer-level figure crm-segment and crm-report need (first and
 * last purchase, orders, distinct purchase days, revenue, spend per period,
 * the usual gap between purchases) follows from one exact state per
 * customer: the order count and the sorted list of purchase days, each with
 * that day's total amount.  Keeping the days themselves rather than derived
 * figures is what makes the state mergeable in any order and any split
 * (--partial / --merge) with results identical to one run.
 *
 * Orders: a transaction counted without an order id is one order.  One
 * counted with an order id (the transactions' order_id column, so that
 * the lines of one invoice count once) is one order only when the
 * customer has no order of that id yet: the customer's orders are the
 * transactions without an id plus the distinct ids.  For that, and for
 * merging, each partition keeps the set of (customer, 64-bit hash of the
 * order id) it has seen; two ids of one customer with the same hash would
 * count once (about one chance in 10^11 for a customer of 10^4 orders).
 *
 * Customers live in 256 open-addressing hash tables (partitions by hash of
 * customer_id).  A customer's days are kept delta-encoded (a few bytes a
 * day instead of twelve) with its latest day and that day's total held
 * in the customer itself, so that the usual transaction, on the latest day
 * or a later one, reads only the customer and appends to its days.  Ids
 * longer than 10 bytes sit in an arena and the encoded days in a pooled
 * block allocator, so a customer costs 64 bytes, 16 to 32 for its table
 * slots and about 4 to 6 bytes per further purchase day.  Allocation
 * failure exits through crm_xmalloc; nothing here prints.
 */
#ifndef CRM_CUSTAGG_H
#define CRM_CUSTAGG_H

#include <stddef.h>
#include <stdint.h>

struct crm_out;

/*
 * A customer.  The public fields are read-only for users of the module; id
 * is NUL-terminated and owned by the aggregate.  Its days (ascending, no
 * day twice, ndays >= 1) are read with crm_cust_days and crm_custday_next.
 */
struct crm_cust {
	const char *id;
	uint32_t idlen;
	uint32_t ndays;         /* distinct purchase days */
	uint64_t orders;        /* orders counted (see below) */
	/* private: the days before the latest, encoded (see custagg.c),
	 * in a block of 2^cls bytes, then the latest day and its total */
	unsigned char *enc;
	uint32_t enclen;
	int32_t last_day;
	int64_t last_amt;
	int32_t tail_day;       /* the latest encoded day */
	uint8_t cls;
	char small[11];         /* ids of up to 10 bytes live here, so that
	                           one cache line holds the customer */
} __attribute__((aligned(64)));

/*
 * Reading a customer's days in order:
 *	struct crm_custday_it it;
 *	crm_cust_days(c, &it);
 *	while (crm_custday_next(&it))
 *		use(it.day, it.amount);
 * day is in days since 1970-01-01, amount the day's total in minor units.
 * The iterator stays valid while the customer's days do not change.
 */
struct crm_custday_it {
	int32_t day;
	int64_t amount;
	/* private */
	const unsigned char *p;
	const struct crm_cust *c;
	uint32_t left;
};

static inline uint64_t
crm_custagg_getv_(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	uint64_t v = 0;
	unsigned s = 0;

	while (*p & 0x80) {
		v |= (uint64_t)(*p++ & 0x7f) << s;
		s += 7;
	}
	v |= (uint64_t)*p++ << s;
	*pp = p;
	return v;
}

static inline int64_t
crm_custagg_unzz_(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* The day of the encoded entry at *pp: the first one absolute (zigzag),
 * each later one the gap from prev less one. */
static inline int32_t
crm_custagg_getday_(const unsigned char **pp, int first, int32_t prev)
{
	if (first)
		return (int32_t)crm_custagg_unzz_(crm_custagg_getv_(pp));
	return (int32_t)((int64_t)prev + 1 + (int64_t)crm_custagg_getv_(pp));
}

static inline void
crm_cust_days(const struct crm_cust *c, struct crm_custday_it *it)
{
	it->c = c;
	it->p = c->enc;
	it->left = c->ndays;
	it->day = 0;
	it->amount = 0;
}

/* The next day into it->day and it->amount: 1, or 0 after the last. */
static inline int
crm_custday_next(struct crm_custday_it *it)
{
	if (!it->left)
		return 0;
	if (--it->left == 0) {
		it->day = it->c->last_day;
		it->amount = it->c->last_amt;
		return 1;
	}
	/* amounts zigzag-encoded */
	it->day = crm_custagg_getday_(&it->p, it->p == it->c->enc, it->day);
	it->amount = crm_custagg_unzz_(crm_custagg_getv_(&it->p));
	return 1;
}

/* The first purchase day of c. */
static inline int32_t
crm_cust_first(const struct crm_cust *c)
{
	const unsigned char *p = c->enc;

	if (!c->enclen)
		return c->last_day;
	return crm_custagg_getday_(&p, 1, 0);
}

struct crm_custagg;

/* A new empty aggregate; free it with crm_custagg_free. */
struct crm_custagg *crm_custagg_new(void);
void crm_custagg_free(struct crm_custagg *a);

/*
 * Count one transaction of amount minor units on day for customer id[0..n).
 * Returns 0, or -1 when that day's total for the customer would leave the
 * int64 range (the transaction is then not counted at all).
 */
int crm_custagg_add(struct crm_custagg *a, const char *id, size_t n,
    int32_t day, int64_t amount);

/*
 * The fast way for a stream: crm_custagg_queue keeps the transaction (the
 * id is copied) and counts queued transactions in batches, partition by
 * partition, so that the memory each batch touches stays in the caches;
 * with more than one core a helper thread counts one batch while the
 * caller fills the next.  crm_custagg_flush waits for it, counts what is
 * still queued, and must be called before any of the reading functions
 * below, which see counted transactions only.  An aggregate is used by one
 * thread (the helper is private to it).
 * A transaction that crm_custagg_add would refuse is passed to the error
 * function set with crm_custagg_onerror (with its tag, e.g. a line
 * number), during a later queue or flush call, and not counted.
 */
typedef void crm_custagg_errfn(void *arg, long tag, int32_t day,
    int64_t amount);
#define CRM_CUSTAGG_NO_DAY INT32_MIN    /* see crm_custagg_queue_line */
void crm_custagg_onerror(struct crm_custagg *a, crm_custagg_errfn *fn,
    void *arg);
void crm_custagg_queue(struct crm_custagg *a, const char *id, size_t n,
    int32_t day, int64_t amount, long tag);
void crm_custagg_flush(struct crm_custagg *a);

/*
 * The same with the order id oid[0..on) of the transaction: the order
 * count grows only when the customer has no order of that id yet (on 0:
 * no id, one order, as crm_custagg_add and crm_custagg_queue).  Refused
 * transactions change nothing, not even the customer's orders.
 */
int crm_custagg_add_order(struct crm_custagg *a, const char *id, size_t n,
    int32_t day, int64_t amount, const char *oid, size_t on);
void crm_custagg_queue_order(struct crm_custagg *a, const char *id, size_t n,
    int32_t day, int64_t amount, const char *oid, size_t on, long tag);
/* The transactions come with an order id column: the partial carries
 * order hashes (its four-field form) even when no id has been counted. */
void crm_custagg_count_orders(struct crm_custagg *a);
/* The 64-bit hash of an order id that the aggregate and its partials
 * keep: crm_hash_bytes(oid, on, 0) (strmap.h), which partial files of
 * earlier runs depend on. */
uint64_t crm_custagg_order_hash(const char *oid, size_t on);
/* Whether the customer id[0..n) has an order of id oid[0..on) counted
 * (after a flush). */
int crm_custagg_has_order(const struct crm_custagg *a, const char *id,
    size_t n, const char *oid, size_t on);

/* Number of distinct customers. */
size_t crm_custagg_count(const struct crm_custagg *a);
/* The customer with this id, or NULL.  Customers never move: pointers to
 * them stay valid until crm_custagg_free (their days may move on the next
 * add, flush, queue or merge). */
const struct crm_cust *crm_custagg_find(const struct crm_custagg *a,
    const char *id, size_t n);
/* The latest purchase day over all customers, or INT32_MIN when empty. */
int32_t crm_custagg_maxday(const struct crm_custagg *a);

/*
 * All customers sorted by id (bytewise, shorter prefix first), NULL after
 * the last.  The array is allocated (the caller frees it, not the
 * customers).
 */
const struct crm_cust **crm_custagg_sorted(const struct crm_custagg *a);

/*
 * Call fn(arg, c) for every customer once, in no particular order (the
 * same order for the same aggregate), without the cost of sorting.  A
 * nonzero return from fn stops the walk and is returned; 0 otherwise.
 * fn must not add to, queue into, flush or merge into the aggregate.
 */
typedef int crm_custagg_eachfn(void *arg, const struct crm_cust *c);
int crm_custagg_each(const struct crm_custagg *a, crm_custagg_eachfn *fn,
    void *arg);

/*
 * Figures of one customer measured at asof (days); callers leave out
 * transactions after asof when adding, as they had not happened.  period
 * (days, >= 1) sets the two spend windows: latest is (asof - period, asof],
 * previous is (asof - 2 period, asof - period].  gap_factor (>= 0) sets
 * when a customer is overdue.
 */
struct crm_cust_stats {
	int32_t first, last;    /* first and last purchase day */
	uint64_t orders;        /* the customer's orders (crm_cust.orders) */
	uint32_t days;          /* distinct purchase days */
	int64_t revenue;        /* exact sum; valid when revenue_ok */
	int revenue_ok;         /* 0 when the sum leaves the int64 range */
	int32_t recency;        /* asof - last */
	int32_t tenure;         /* asof - first */
	uint32_t repeat_days;   /* distinct days after the first (BG/NBD x) */
	int32_t t_x;            /* last - first (BG/NBD t_x, in days) */
	int64_t spend_latest, spend_prev; /* saturating sums per window */
	int overdue;            /* recency > gap_factor x the usual gap: the
	                           median gap in days between consecutive
	                           purchase days (the lower median for an even
	                           count), 0 with one purchase day */
};
/* Fill *s; returns 0, or -1 when the customer has a purchase day after
 * asof (*s is then zeroed). */
int crm_cust_stats(const struct crm_cust *c, int32_t asof, int32_t period,
    double gap_factor, struct crm_cust_stats *s);

/*
 * Partial aggregates.  crm_custagg_write_partial writes a header line
 * "customer_id\torders\tdaily_totals" and one line per customer:
 * the id (TSV-escaped), the order count and the days as
 * "DAY:AMOUNT,DAY:AMOUNT..." with DAY in days since 1970-01-01 and AMOUNT
 * in minor units, both decimal integers.  Merging such lines, in any order
 * and from any split of the input, rebuilds exactly the state of one run.
 *
 * Once an order id has been counted (or merged, or after
 * crm_custagg_count_orders), the header is
 * "customer_id\torders\tdaily_totals\torder_hashes" instead, and each
 * line ends with a fourth field: the hashes of the customer's distinct
 * order ids (crm_custagg_order_hash) as 16 lowercase hex digits each,
 * ascending, separated by commas, empty for none.  orders is still the
 * customer's order count: the transactions without an id are orders less
 * the number of hashes.  Merging unions the hashes per customer and adds
 * those counts, so that an order split over two partials counts once.
 * A three-field line (from a run without order ids) is a line with no
 * hashes, so that both formats merge together.
 */
#define CRM_CUSTAGG_PARTIAL_HEADER "customer_id\torders\tdaily_totals"
#define CRM_CUSTAGG_PARTIAL_HEADER_ORDERS \
	"customer_id\torders\tdaily_totals\torder_hashes"
void crm_custagg_write_partial(const struct crm_custagg *a, struct crm_out *o);
/*
 * Merge one partial line, given as its three fields (id unescaped,
 * orders and daily_totals as written), with its latest day into *lastday
 * (unless NULL).  Returns NULL, or a short reason: "bad order count",
 * "bad daily totals", "empty customer id" (the line was not merged), or
 * "amount out of range" or "order count out of range" (a day's total or
 * the customer's order count left its range: the line may be merged in
 * part, so the aggregate is no longer exact and the caller should give
 * up).
 */
const char *crm_custagg_merge_line(struct crm_custagg *a, const char *id,
    size_t idlen, const char *orders, size_t olen, const char *totals,
    size_t tlen, int32_t *lastday);
/*
 * The same with the line's fourth field, order_hashes, hashes[0..hlen)
 * (NULL: a three-field line).  Two more reasons, with nothing merged:
 * "bad order hashes" (not 16 hex digits each, ascending, separated by
 * commas) and "more order hashes than orders".
 */
const char *crm_custagg_merge_line4(struct crm_custagg *a, const char *id,
    size_t idlen, const char *orders, size_t olen, const char *totals,
    size_t tlen, const char *hashes, size_t hlen, int32_t *lastday);
/*
 * The same, queued (see crm_custagg_queue; flush before reading), and
 * *lastday is not optional: NULL, or one of the first three reasons, with
 * nothing queued.  Where the line's totals leave their range, the error
 * function gets the line's tag, day 0 (a day's total, or a customer too
 * many) or CRM_CUSTAGG_NO_DAY (the order count), and the line's order
 * count as the amount; the aggregate is then no longer exact.
 */
const char *crm_custagg_queue_line(struct crm_custagg *a, const char *id,
    size_t idlen, const char *orders, size_t olen, const char *totals,
    size_t tlen, long tag, int32_t *lastday);
/* The same with the fourth field, as crm_custagg_merge_line4. */
const char *crm_custagg_queue_line4(struct crm_custagg *a, const char *id,
    size_t idlen, const char *orders, size_t olen, const char *totals,
    size_t tlen, const char *hashes, size_t hlen, long tag,
    int32_t *lastday);

#endif
