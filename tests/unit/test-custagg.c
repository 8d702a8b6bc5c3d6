/* Unit tests for lib/custagg: aggregation, stats, sorting, partial merge. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custagg.h"
#include "out.h"
#include "strmap.h"
#include "unit.h"

/* Day k of c (k < ndays) into *day and *amount. */
static void
dayat(const struct crm_cust *c, uint32_t k, int32_t *day, int64_t *amount)
{
	struct crm_custday_it it;
	uint32_t i = 0;

	crm_cust_days(c, &it);
	while (crm_custday_next(&it) && i++ < k)
		;
	*day = it.day;
	*amount = it.amount;
}

/* Whether two customers have the same days. */
static int
samedays(const struct crm_cust *x, const struct crm_cust *y)
{
	struct crm_custday_it a, b;

	if (x->ndays != y->ndays)
		return 0;
	crm_cust_days(x, &a);
	crm_cust_days(y, &b);
	while (crm_custday_next(&a)) {
		crm_custday_next(&b);
		if (a.day != b.day || a.amount != b.amount)
			return 0;
	}
	return 1;
}

static void
test_basic(void)
{
	struct crm_custagg *a = crm_custagg_new();
	const struct crm_cust *c, **v;
	struct crm_cust_stats s;
	int32_t day;
	int64_t amt;

	/* unsorted days, a same-day purchase, a refund */
	UNIT_OK(crm_custagg_add(a, "b", 1, 100, 1000) == 0, "add b 100");
	UNIT_OK(crm_custagg_add(a, "a", 1, 50, 500) == 0, "add a 50");
	UNIT_OK(crm_custagg_add(a, "b", 1, 90, 250) == 0, "add b 90");
	UNIT_OK(crm_custagg_add(a, "b", 1, 100, -300) == 0, "add b 100 refund");
	UNIT_OK(crm_custagg_add(a, "b", 1, 130, 2000) == 0, "add b 130");
	UNIT_OK(crm_custagg_add(a, "ab", 2, 10, 1) == 0, "add ab");
	unit_inteq((long long)crm_custagg_count(a), 3, "three customers");
	unit_inteq(crm_custagg_maxday(a), 130, "max day");
	c = crm_custagg_find(a, "b", 1);
	UNIT_OK(c != NULL, "find b");
	unit_inteq(c->ndays, 3, "b has 3 distinct days");
	unit_inteq((long long)c->orders, 4, "b has 4 orders");
	dayat(c, 0, &day, &amt);
	unit_inteq(day, 90, "days sorted");
	dayat(c, 1, &day, &amt);
	unit_inteq(amt, 700, "same-day total");
	UNIT_OK(crm_custagg_find(a, "zz", 2) == NULL, "absent id");

	UNIT_OK(crm_cust_stats(c, 140, 20, 1, &s) == 0, "stats b");
	unit_inteq(s.first, 90, "first");
	unit_inteq(s.last, 130, "last");
	unit_inteq(s.revenue, 2950, "revenue");
	unit_inteq(s.recency, 10, "recency");
	unit_inteq(s.tenure, 50, "tenure");
	unit_inteq(s.repeat_days, 2, "repeat days");
	unit_inteq(s.t_x, 40, "t_x");
	/* windows (120,140] and (100,120] */
	unit_inteq(s.spend_latest, 2000, "spend latest");
	unit_inteq(s.spend_prev, 0, "spend previous (day 100 is outside)");
	/* gaps 10, 30: the usual gap is the lower median, 10 */
	{
		static const struct {
			int32_t asof;
			double factor;
			int overdue;
			const char *what;
		} od[] = {
			{ 140, 1, 0, "recency 10 is not beyond 1 x the gap" },
			{ 141, 1, 1, "recency 11 is beyond 1 x the gap" },
			{ 150, 2, 0, "recency 20 is not beyond 2 x the gap" },
			{ 151, 2, 1, "recency 21 is beyond 2 x the gap" },
			{ 136, 0.5, 1, "recency 6 is beyond 0.5 x the gap" },
			{ 135, 0.5, 0, "recency 5 is not beyond 0.5 x the gap" },
			{ 130, 0, 0, "recency 0 is not beyond 0 x the gap" },
		};
		size_t i;

		for (i = 0; i < sizeof od / sizeof *od; i++) {
			crm_cust_stats(c, od[i].asof, 20, od[i].factor, &s);
			unit_inteq(s.overdue, od[i].overdue, od[i].what);
		}
	}
	UNIT_OK(crm_cust_stats(c, 120, 20, 1, &s) == -1, "asof before last");

	v = crm_custagg_sorted(a);
	unit_streq(v[0]->id, "a", "sorted 0");
	unit_streq(v[1]->id, "ab", "sorted 1");
	unit_streq(v[2]->id, "b", "sorted 2");
	UNIT_OK(v[3] == NULL, "sorted NULL-terminated");
	free(v);
	crm_custagg_free(a);
}

static void
test_overflow(void)
{
	struct crm_custagg *a = crm_custagg_new();
	const struct crm_cust *c;
	struct crm_cust_stats s;

	UNIT_OK(crm_custagg_add(a, "x", 1, 1, INT64_MAX) == 0, "max amount");
	UNIT_OK(crm_custagg_add(a, "x", 1, 1, 1) == -1, "day total overflow");
	UNIT_OK(crm_custagg_add(a, "x", 1, 2, INT64_MAX) == 0, "second day");
	/* a day before the latest: refused the same way, days unchanged */
	UNIT_OK(crm_custagg_add(a, "x", 1, 1, 1) == -1,
	    "past day total overflow");
	UNIT_OK(crm_custagg_add(a, "x", 1, 0, 5) == 0, "a new earliest day");
	UNIT_OK(crm_custagg_add(a, "x", 1, 0, INT64_MAX) == -1,
	    "earliest day total overflow");
	c = crm_custagg_find(a, "x", 1);
	{
		struct crm_custday_it it;
		int64_t want[3] = { 5, INT64_MAX, INT64_MAX };
		int k = 0, same = c->ndays == 3;

		crm_cust_days(c, &it);
		while (crm_custday_next(&it)) {
			if (k > 2 || it.day != k || it.amount != want[k])
				same = 0;
			k++;
		}
		UNIT_OK(same, "refused additions left the days as they were");
	}
	unit_inteq((long long)c->orders, 3, "refused ones not counted");
	crm_cust_stats(c, 2, 1, 1, &s);
	UNIT_OK(!s.revenue_ok, "revenue overflow detected");
	crm_custagg_free(a);
}

/* The days of c as "DAY:AMOUNT,..." into buf. */
static void
daystext(const struct crm_cust *c, char *buf, size_t size)
{
	struct crm_custday_it it;
	size_t n = 0;

	buf[0] = '\0';
	crm_cust_days(c, &it);
	while (crm_custday_next(&it) && n < size)
		n += (size_t)snprintf(buf + n, size - n, "%s%ld:%lld",
		    n ? "," : "", (long)it.day, (long long)it.amount);
}

/* Lines long enough for the quick parser, with entries it leaves to the
 * general one; days after, and among, the customer's days; totals and
 * order counts that leave their range. */
static void
test_merge_long(struct crm_custagg *a)
{
	const char *line = "20050:6200,20142:-90600,20168:0,20326:007,"
	    "1000000000:5,1000000001:-9223372036854775808,"
	    "1000000002:9223372036854775807";
	const struct crm_cust *c;
	char buf[512];
	int32_t last = 0;

#define MERGE(id, orders, totals, last) crm_custagg_merge_line(a, id, \
	strlen(id), orders, strlen(orders), totals, strlen(totals), last)

	UNIT_OK(MERGE("L", "9", "-5:1,-4:2,20000:3,20001:4,20002:5", &last) ==
	    NULL, "negative days, many entries");
	unit_inteq(last, 20002, "latest day of the line");
	UNIT_OK(MERGE("L", "1", line, &last) == NULL,
	    "a long line after the customer's days");
	unit_inteq(last, 1000000002, "latest day of the long line");
	c = crm_custagg_find(a, "L", 1);
	daystext(c, buf, sizeof buf);
	unit_streq(buf, "-5:1,-4:2,20000:3,20001:4,20002:5,20050:6200,"
	    "20142:-90600,20168:0,20326:7,1000000000:5,"
	    "1000000001:-9223372036854775808,1000000002:9223372036854775807",
	    "days appended in one step");
	unit_inteq((long long)c->orders, 10, "orders of both lines");
	/* days among the existing ones, one of them the same day */
	UNIT_OK(MERGE("L", "2", "-6:1,20001:6,20003:7,20004:8", NULL) == NULL,
	    "days among the customer's");
	daystext(c, buf, sizeof buf);
	unit_streq(buf, "-6:1,-5:1,-4:2,20000:3,20001:10,20002:5,20003:7,"
	    "20004:8,20050:6200,20142:-90600,20168:0,20326:7,1000000000:5,"
	    "1000000001:-9223372036854775808,1000000002:9223372036854775807",
	    "days merged one by one");
	unit_inteq(c->ndays, 15, "distinct days");
	/* a new customer from one long line */
	UNIT_OK(MERGE("N", "3", line, NULL) == NULL,
	    "a new customer from a long line");
	daystext(crm_custagg_find(a, "N", 1), buf, sizeof buf);
	unit_streq(buf, "20050:6200,20142:-90600,20168:0,20326:7,1000000000:5,"
	    "1000000001:-9223372036854775808,1000000002:9223372036854775807",
	    "a new customer's days in one step");
	unit_streq(MERGE("N", "1", "20000:1,20001:1,20002:1,1000000002:1",
	    NULL), "amount out of range", "a merged day total out of range");
	unit_streq(MERGE("N", "1", "20000:1,20001:1,20002:1,20003:1x", NULL),
	    "bad daily totals", "a bad amount where the quick parser stops");
	unit_streq(MERGE("N", "1", "1:1,2:1,3:12345678901234567890123", NULL),
	    "bad daily totals", "an amount beyond the int64 range");
	unit_streq(MERGE("N", "1", "1:12345678901234567890", NULL),
	    "bad daily totals", "a short line's amount beyond the int64 range");
	UNIT_OK(MERGE("O", "9223372036854775807", "1:1", NULL) == NULL,
	    "the largest order count");
	UNIT_OK(MERGE("O", "9223372036854775807", "2:1", NULL) == NULL,
	    "twice the largest order count");
	unit_streq(MERGE("O", "9223372036854775807", "3:1", NULL),
	    "order count out of range", "an order count beyond 64 bits");
	UNIT_OK(MERGE("O", "1", "3:1", NULL) == NULL,
	    "an order count of 2^64 - 1");
	unit_streq(MERGE("V", "18446744073709551616", "1:1", NULL),
	    "bad order count", "a line's order count beyond 64 bits");
	UNIT_OK(MERGE("W", "18446744073709551615", "1:1", NULL) == NULL,
	    "a line's order count of 2^64 - 1");
#undef MERGE
}

static void
test_merge(void)
{
	struct crm_custagg *a = crm_custagg_new(), *b = crm_custagg_new();
	const struct crm_cust *c;
	const char *e;
	char path[] = "/tmp/custaggXXXXXX";
	struct crm_out o;
	char buf[4096];
	int fd;
	ssize_t n;
	int32_t day;
	int64_t amt;

	e = crm_custagg_merge_line(a, "c1", 2, "3", 1, "10:100,20:-5", 12, NULL);
	UNIT_OK(e == NULL, "merge line");
	e = crm_custagg_merge_line(a, "c1", 2, "1", 1, "15:7,20:5", 9, NULL);
	UNIT_OK(e == NULL, "merge second line");
	c = crm_custagg_find(a, "c1", 2);
	unit_inteq(c->ndays, 3, "merged days");
	unit_inteq((long long)c->orders, 4, "merged orders");
	dayat(c, 2, &day, &amt);
	unit_inteq(amt, 0, "merged day total");
	unit_streq(crm_custagg_merge_line(a, "c2", 2, "x", 1, "1:1", 3, NULL),
	    "bad order count", "bad orders");
	unit_streq(crm_custagg_merge_line(a, "c2", 2, "0", 1, "1:1", 3, NULL),
	    "bad order count", "zero orders");
	unit_streq(crm_custagg_merge_line(a, "c2", 2, "1", 1, "2:1,1:1", 7, NULL),
	    "bad daily totals", "unsorted days");
	unit_streq(crm_custagg_merge_line(a, "c2", 2, "1", 1, "2:", 2, NULL),
	    "bad daily totals", "missing amount");
	unit_streq(crm_custagg_merge_line(a, "c2", 2, "1", 1, "", 0, NULL),
	    "bad daily totals", "no days");
	unit_streq(crm_custagg_merge_line(a, "", 0, "1", 1, "1:1", 3, NULL),
	    "empty customer id", "empty id");
	UNIT_OK(crm_custagg_find(a, "c2", 2) == NULL, "bad lines merged nothing");
	test_merge_long(a);

	crm_custagg_add(b, "t\tab", 4, -3, -7);
	/* an order count past INT64_MAX, as merges reach */
	crm_custagg_merge_line(b, "u", 1, "18446744073709551615", 20, "5:1", 3,
	    NULL);
	fd = mkstemp(path);
	crm_out_init(&o, fd, path);
	crm_custagg_write_partial(b, &o);
	crm_out_flush(&o);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	/* in the order of the hash partitions */
	unit_streq(buf, "customer_id\torders\tdaily_totals\n"
	    "u\t18446744073709551615\t5:1\nt\\tab\t1\t-3:-7\n",
	    "partial format");
	close(fd);
	unlink(path);
	free(o.buf);
	crm_custagg_free(a);
	crm_custagg_free(b);
}

static void
test_many(void)
{
	struct crm_custagg *a = crm_custagg_new();
	const struct crm_cust **v;
	char id[32];
	int i, ok = 1;

	for (i = 0; i < 100000; i++) {
		int k = (i * 7919) % 20000;

		snprintf(id, sizeof id, "C%06d", k);
		if (crm_custagg_add(a, id, strlen(id), i % 97, 1) < 0)
			ok = 0;
	}
	UNIT_OK(ok, "many adds");
	unit_inteq((long long)crm_custagg_count(a), 20000, "20000 customers");
	v = crm_custagg_sorted(a);
	for (i = 1; i < 20000; i++)
		if (strcmp(v[i - 1]->id, v[i]->id) >= 0)
			ok = 0;
	UNIT_OK(ok, "sorted order");
	free(v);
	crm_custagg_free(a);
}

/* Bytewise, a shorter prefix first: the order crm_custagg_sorted gives. */
static int
idcmp(const struct crm_cust *x, const struct crm_cust *y)
{
	size_t n = x->idlen < y->idlen ? x->idlen : y->idlen;
	int r = memcmp(x->id, y->id, n);

	return r ? r : (x->idlen > y->idlen) - (x->idlen < y->idlen);
}

/* Ids of 0 to 20 bytes from a small alphabet (many share 8 or more
 * leading bytes, many are prefixes of others, high bytes included),
 * sorted in one thread and in two. */
static void
test_sorted_ids(void)
{
	static const char *const threads[] = { "1", NULL };
	static const unsigned char abc[] = { 'a', 'b', 0x00, 0x80, 0xff };
	size_t t;

	for (t = 0; t < 2; t++) {
		struct crm_custagg *a = crm_custagg_new();
		const struct crm_cust **v;
		unsigned long x = 12345;
		char id[20];
		size_t i, n;
		int ok = 1;

		if (threads[t])
			setenv("CRM_THREADS", threads[t], 1);
		else
			unsetenv("CRM_THREADS");
		for (i = 0; i < 30000; i++) {
			size_t len, j;

			x = x * 6364136223846793005UL + 1442695040888963407UL;
			len = (x >> 33) % 21;
			for (j = 0; j < len; j++) {
				x = x * 6364136223846793005UL + 1;
				id[j] = (char)abc[(x >> 40) % (j < 9 ? 2 : 5)];
			}
			crm_custagg_add(a, id, len, 1, 1);
		}
		n = crm_custagg_count(a);
		v = crm_custagg_sorted(a);
		for (i = 1; i < n; i++)
			if (idcmp(v[i - 1], v[i]) >= 0)
				ok = 0;
		UNIT_OK(n > 10000 && v[n] == NULL && ok, threads[t] ?
		    "ids sorted bytewise, shorter prefix first (one thread)" :
		    "ids sorted bytewise, shorter prefix first (all cores)");
		free(v);
		crm_custagg_free(a);
	}
	unsetenv("CRM_THREADS");
}

struct refused {
	long tags[4];
	int32_t days[4];
	int n;
};

static void
onrefuse(void *arg, long tag, int32_t day, int64_t amount)
{
	struct refused *r = arg;

	(void)amount;
	if (r->n < 4) {
		r->tags[r->n] = tag;
		r->days[r->n] = day;
	}
	r->n++;
}

static char what[200];
#define WHAT(...) (snprintf(what, sizeof what, __VA_ARGS__), what)
#define T (threads ? "one thread" : "all cores")

static void
test_queue(const char *threads)
{
	struct crm_custagg *a = crm_custagg_new(), *b = crm_custagg_new();
	struct refused rf = { { 0 }, { 0 }, 0 };
	const struct crm_cust **va, **vb;
	char id[64];
	long i;
	int same = 1;
	size_t k;

	if (threads)
		setenv("CRM_THREADS", threads, 1);
	else
		unsetenv("CRM_THREADS");
	crm_custagg_onerror(a, onrefuse, &rf);
	/* enough to fill the batches several times over (so that a helper
	 * thread counts them where there is one); long ids; a refused
	 * transaction in the middle; tags that go back (a second file) and
	 * jump by more than 32 bits */
	for (i = 0; i < 1200000; i++) {
		int n = snprintf(id, sizeof id, i % 1000 == 0 ?
		    "a-rather-long-customer-identifier-%ld" : i % 3 ?
		    "K%ld" : "customer-%ld", (i * 7919) % 50000);
		long tag = i < 800000 ? i : i - 700000;

		if (i == 1100000)
			tag = 1L << 40;
		crm_custagg_queue(a, id, (size_t)n, (int32_t)(i % 365),
		    i % 7 - 3, tag);
		crm_custagg_add(b, id, (size_t)n, (int32_t)(i % 365), i % 7 - 3);
		if (i == 600000) {
			crm_custagg_queue(a, "x", 1, 1, INT64_MAX, 900001);
			crm_custagg_queue(a, "x", 1, 1, 1, 900002);
			crm_custagg_add(b, "x", 1, 1, INT64_MAX);
		}
	}
	crm_custagg_flush(a);
	unit_inteq(rf.n, 1, WHAT("%s: one queued transaction refused", T));
	unit_inteq(rf.tags[0], 900002, WHAT("%s: refused with its tag", T));
	unit_inteq((long long)crm_custagg_count(a),
	    (long long)crm_custagg_count(b), WHAT("%s: queue and add: same customers", T));
	va = crm_custagg_sorted(a);
	vb = crm_custagg_sorted(b);
	for (k = 0; va[k] && vb[k]; k++) {
		if (strcmp(va[k]->id, vb[k]->id) != 0 ||
		    va[k]->orders != vb[k]->orders ||
		    !samedays(va[k], vb[k]))
			same = 0;
	}
	UNIT_OK(same && !va[k] && !vb[k], WHAT("%s: queue and add: same state", T));
	for (k = 1; va[k]; k++)
		if (strcmp(va[k - 1]->id, va[k]->id) >= 0)
			same = 0;
	UNIT_OK(same, WHAT("%s: long ids sharing 8 bytes sorted in full", T));
	free(va);
	free(vb);
	crm_custagg_free(a);
	crm_custagg_free(b);
}

/* Queued partial lines (long ids, a line of 5,000 days, lines that fill
 * the batches many times over) give the state merged lines give, and
 * lines whose totals overflow are refused with their tags. */
static void
test_queue_lines(const char *threads)
{
	struct crm_custagg *a = crm_custagg_new(), *b = crm_custagg_new();
	struct refused rf = { { 0 }, { 0 }, 0 };
	const struct crm_cust **va, **vb;
	char id[64], *big = malloc(5000 * 16);
	size_t k, n = 0;
	int32_t last;
	long i;
	int same = 1, ok = 1;

	if (threads)
		setenv("CRM_THREADS", threads, 1);
	else
		unsetenv("CRM_THREADS");
	crm_custagg_onerror(a, onrefuse, &rf);
	for (i = 0; i < 5000; i++)
		n += (size_t)sprintf(big + n, "%s%ld:%ld", i ? "," : "",
		    10000 + i, i - 2000);
	for (i = 0; i < 400000; i++) {
		char tot[80];
		int m = snprintf(id, sizeof id, i % 100 == 0 ?
		    "a-rather-long-customer-identifier-%ld" : "K%ld",
		    (i * 7919) % 30000);
		int t = snprintf(tot, sizeof tot, "%ld:%ld,%ld:7,%ld:-3",
		    i % 50, i % 11, 100 + i % 50, 200 + i % 97);

		if (crm_custagg_queue_line(a, id, (size_t)m, "2", 1, tot,
		    (size_t)t, i + 1, &last) ||
		    crm_custagg_merge_line(b, id, (size_t)m, "2", 1, tot,
		    (size_t)t, NULL) || last != 200 + i % 97)
			ok = 0;
		if (i == 1000 || i == 300000) {
			if (crm_custagg_queue_line(a, "big-customer-id", 15, "5000",
			    4, big, n, i + 1, &last) ||
			    crm_custagg_merge_line(b, "big-customer-id", 15,
			    "5000", 4, big, n, NULL) || last != 14999)
				ok = 0;
		}
	}
	UNIT_OK(ok, WHAT("%s: lines queued and merged", T));
	/* overflows: a day's total, then an order count */
	crm_custagg_queue_line(a, "o", 1, "1", 1, "1:9223372036854775807", 21,
	    500001, &last);
	crm_custagg_queue_line(a, "o", 1, "1", 1, "1:1", 3, 500002, &last);
	crm_custagg_queue_line(a, "p", 1, "9223372036854775807", 19, "1:1", 3,
	    500003, &last);
	crm_custagg_queue_line(a, "p", 1, "9223372036854775807", 19, "2:1", 3,
	    500004, &last);
	crm_custagg_queue_line(a, "p", 1, "9223372036854775807", 19, "3:1", 3,
	    500005, &last);
	crm_custagg_flush(a);
	unit_inteq(rf.n, 2, WHAT("%s: two queued lines refused", T));
	unit_inteq(rf.tags[0], 500002, WHAT("%s: a day's total refused with "
	    "its tag", T));
	unit_inteq(rf.days[0], 0, WHAT("%s: ... and day 0", T));
	unit_inteq(rf.tags[1], 500005, WHAT("%s: an order count refused with "
	    "its tag", T));
	unit_inteq(rf.days[1], CRM_CUSTAGG_NO_DAY, WHAT("%s: ... and no day",
	    T));
	unit_inteq((long long)crm_custagg_count(a),
	    (long long)crm_custagg_count(b) + 2, WHAT("%s: queued and merged "
	    "lines: same customers", T));
	va = crm_custagg_sorted(a);
	vb = crm_custagg_sorted(b);
	/* "o" and "p", only in a, sort last */
	for (k = 0; vb[k]; k++)
		if (!va[k] || strcmp(va[k]->id, vb[k]->id) != 0 ||
		    va[k]->orders != vb[k]->orders || !samedays(va[k], vb[k]))
			same = 0;
	UNIT_OK(same, WHAT("%s: queued and merged lines: same state", T));
	UNIT_OK(va[k] && strcmp(va[k]->id, "o") == 0 && va[k]->orders == 1 &&
	    va[k + 1] && strcmp(va[k + 1]->id, "p") == 0 &&
	    va[k + 1]->orders == 2 * (uint64_t)INT64_MAX && !va[k + 2],
	    WHAT("%s: refused lines left the rest of their customers", T));
	free(va);
	free(vb);
	free(big);
	crm_custagg_free(a);
	crm_custagg_free(b);
}

/* The partial text of a, in a buffer the caller frees. */
static char *
partial_text(const struct crm_custagg *a)
{
	char path[] = "/tmp/custaggXXXXXX";
	int fd = mkstemp(path);
	struct crm_out o;
	off_t size;
	char *buf;
	ssize_t n;

	crm_out_init(&o, fd, path);
	crm_custagg_write_partial(a, &o);
	crm_out_flush(&o);
	size = lseek(fd, 0, SEEK_END);
	buf = malloc((size_t)size + 1);
	n = pread(fd, buf, (size_t)size, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	free(o.buf);
	return buf;
}

static int
cmpstr(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Whether two texts have the same lines, in any order (both changed). */
static int
samelines(char *x, char *y)
{
	static char *vx[60000], *vy[60000];
	size_t nx = 0, ny = 0, i;

	for (char *l = strtok(x, "\n"); l && nx < 60000; l = strtok(NULL, "\n"))
		vx[nx++] = l;
	for (char *l = strtok(y, "\n"); l && ny < 60000; l = strtok(NULL, "\n"))
		vy[ny++] = l;
	if (nx != ny || nx == 60000)
		return 0;
	qsort(vx, nx, sizeof *vx, cmpstr);
	qsort(vy, ny, sizeof *vy, cmpstr);
	for (i = 0; i < nx; i++)
		if (strcmp(vx[i], vy[i]) != 0)
			return 0;
	return 1;
}

/* Merge (queue != 0: queue) every line of partial text t after its
 * header into a; the number of lines refused. */
static int
merge_text(struct crm_custagg *a, char *t, int queue)
{
	char *line = strchr(t, '\n') + 1, *next;
	int bad = 0;
	long tag = 1;

	for (; *line; line = next) {
		char *f[4];
		int nf = 1;
		int32_t last;
		const char *e;

		next = strchr(line, '\n');
		*next++ = '\0';
		f[0] = line;
		for (char *q = line; *q; q++)
			if (*q == '\t' && nf < 4) {
				*q = '\0';
				f[nf++] = q + 1;
			}
		if (nf < 3)
			return -1;
		if (queue)
			e = crm_custagg_queue_line4(a, f[0], strlen(f[0]), f[1],
			    strlen(f[1]), f[2], strlen(f[2]), nf > 3 ? f[3] : NULL,
			    nf > 3 ? strlen(f[3]) : 0, tag++, &last);
		else
			e = crm_custagg_merge_line4(a, f[0], strlen(f[0]), f[1],
			    strlen(f[1]), f[2], strlen(f[2]), nf > 3 ? f[3] : NULL,
			    nf > 3 ? strlen(f[3]) : 0, NULL);
		bad += e != NULL;
	}
	return bad;
}

/* Orders with order ids: the lines of one order count once, in any order
 * of lines, an empty id counts each line, and a refused line adds no
 * order. */
static void
test_orders(void)
{
	struct crm_custagg *a = crm_custagg_new();
	const struct crm_cust *c;
	struct crm_cust_stats s;
	char *t, want[256];

	/* o1 and o2 interleaved over two days, a line without an id */
	crm_custagg_add_order(a, "a", 1, 10, 100, "o1", 2);
	crm_custagg_add_order(a, "a", 1, 10, 200, "o2", 2);
	crm_custagg_add_order(a, "a", 1, 10, 300, "o1", 2);
	crm_custagg_add_order(a, "a", 1, 11, 400, "o2", 2);
	crm_custagg_add_order(a, "a", 1, 11, 500, "", 0);
	crm_custagg_add_order(a, "a", 1, 9, 600, "o1", 2);
	/* the same id at another customer is another order */
	crm_custagg_add_order(a, "b", 1, 10, 700, "o1", 2);
	c = crm_custagg_find(a, "a", 1);
	unit_inteq((long long)c->orders, 3, "orders: two ids and a line "
	    "without one");
	unit_inteq(c->ndays, 3, "orders: purchase days unchanged");
	crm_cust_stats(c, 20, 30, 2, &s);
	unit_inteq((long long)s.orders, 3, "orders: in the stats");
	unit_inteq(s.revenue, 2100, "orders: every line's amount");
	unit_inteq((long long)crm_custagg_find(a, "b", 1)->orders, 1,
	    "orders: an id is the customer's");
	UNIT_OK(crm_custagg_has_order(a, "a", 1, "o2", 2) &&
	    !crm_custagg_has_order(a, "a", 1, "o3", 2) &&
	    !crm_custagg_has_order(a, "c", 1, "o1", 2), "orders: has_order");
	/* refused: neither the day nor the order */
	crm_custagg_add_order(a, "x", 1, 1, INT64_MAX, "o1", 2);
	UNIT_OK(crm_custagg_add_order(a, "x", 1, 1, 1, "o2", 2) == -1,
	    "orders: a refused line");
	UNIT_OK(crm_custagg_find(a, "x", 1)->orders == 1 &&
	    !crm_custagg_has_order(a, "x", 1, "o2", 2),
	    "orders: a refused line adds no order");
	UNIT_OK(crm_custagg_order_hash("o1", 2) ==
	    crm_hash_bytes("o1", 2, 0), "orders: the hash is the library's");

	/* the partial carries the hashes, ascending */
	t = partial_text(a);
	{
		uint64_t h1 = crm_custagg_order_hash("o1", 2);
		uint64_t h2 = crm_custagg_order_hash("o2", 2);
		uint64_t lo = h1 < h2 ? h1 : h2, hi = h1 < h2 ? h2 : h1;

		snprintf(want, sizeof want, "\na\t3\t9:600,10:600,11:900\t"
		    "%016llx,%016llx\n", (unsigned long long)lo,
		    (unsigned long long)hi);
		UNIT_OK(strncmp(t, "customer_id\torders\tdaily_totals\t"
		    "order_hashes\n", 45) == 0, "orders: the partial's header");
		UNIT_OK(strstr(t, want) != NULL, "orders: a's partial line");
		snprintf(want, sizeof want, "\nb\t1\t10:700\t%016llx\n",
		    (unsigned long long)h1);
		UNIT_OK(strstr(t, want) != NULL, "orders: b's partial line");
	}
	free(t);
	crm_custagg_free(a);

	/* merging: one order split over two partials counts once */
	{
		struct crm_custagg *p = crm_custagg_new(), *q = crm_custagg_new();
		struct crm_custagg *m = crm_custagg_new();
		char *tp, *tq, line[64];
		uint64_t h = crm_custagg_order_hash("o1", 2);

		crm_custagg_add_order(p, "a", 1, 10, 100, "o1", 2);
		crm_custagg_add_order(p, "a", 1, 10, 50, "", 0);
		crm_custagg_add_order(q, "a", 1, 10, 300, "o1", 2);
		crm_custagg_add_order(q, "a", 1, 12, 300, "o2", 2);
		tp = partial_text(p);
		tq = partial_text(q);
		UNIT_OK(merge_text(m, tq, 0) == 0 && merge_text(m, tp, 0) == 0,
		    "orders: partials merged");
		c = crm_custagg_find(m, "a", 1);
		unit_inteq((long long)c->orders, 3, "orders: an order split "
		    "over two partials counts once");
		/* an old three-field line: orders without ids */
		UNIT_OK(crm_custagg_merge_line(m, "a", 1, "2", 1, "13:5", 4,
		    NULL) == NULL, "orders: a three-field line");
		unit_inteq((long long)c->orders, 5, "orders: ... adds its "
		    "orders");
		snprintf(line, sizeof line, "%016llx", (unsigned long long)h);
		UNIT_OK(crm_custagg_merge_line4(m, "a", 1, "1", 1, "13:5", 4,
		    line, 16, NULL) == NULL, "orders: a known hash again");
		unit_inteq((long long)c->orders, 5, "orders: ... adds nothing");
		unit_streq(crm_custagg_merge_line4(m, "a", 1, "1", 1, "13:5", 4,
		    "12", 2, NULL), "bad order hashes", "orders: a short hash");
		unit_streq(crm_custagg_merge_line4(m, "a", 1, "2", 1, "13:5", 4,
		    "00000000000000020000000000000001", 33, NULL),
		    "bad order hashes", "orders: hashes not separated");
		unit_streq(crm_custagg_merge_line4(m, "a", 1, "2", 1, "13:5", 4,
		    "0000000000000002,0000000000000001", 33, NULL),
		    "bad order hashes", "orders: hashes not ascending");
		unit_streq(crm_custagg_merge_line4(m, "a", 1, "2", 1, "13:5", 4,
		    "000000000000000g", 16, NULL),
		    "bad order hashes", "orders: not hex");
		unit_streq(crm_custagg_merge_line4(m, "a", 1, "1", 1, "13:5", 4,
		    "0000000000000001,0000000000000002", 33, NULL),
		    "more order hashes than orders", "orders: more hashes "
		    "than orders");
		unit_inteq((long long)c->orders, 5, "orders: bad lines merged "
		    "nothing");
		UNIT_OK(crm_custagg_merge_line4(m, "a", 1, "2", 1, "13:5", 4,
		    "", 0, NULL) == NULL && c->orders == 7,
		    "orders: an empty fourth field");
		free(tp);
		free(tq);
		crm_custagg_free(p);
		crm_custagg_free(q);
		crm_custagg_free(m);
	}
}

/* The distinct orders of a stream, queued or added one by one, split in
 * two partials and merged (or queued) back, against a count of distinct
 * (customer, order) pairs kept in a strmap. */
static void
test_orders_stream(const char *threads)
{
	struct crm_custagg *a = crm_custagg_new(), *b = crm_custagg_new();
	struct crm_custagg *p1 = crm_custagg_new(), *p2 = crm_custagg_new();
	struct crm_custagg *m = crm_custagg_new(), *mq = crm_custagg_new();
	struct crm_strmap pairs, custs;
	unsigned long long *want;
	const struct crm_cust **va;
	char *t1, *t2, *u1, *u2;
	size_t k;
	long i;
	int ok = 1, same = 1;

	if (threads)
		setenv("CRM_THREADS", threads, 1);
	else
		unsetenv("CRM_THREADS");
	crm_strmap_init(&pairs);
	crm_strmap_init(&custs);
	want = calloc(20000, sizeof *want);
	for (i = 0; i < 300000; i++) {
		char id[64], oid[32], key[100];
		long cu = (i * 7919) % 20000;
		int n = snprintf(id, sizeof id, i % 50 == 0 && cu % 2 ?
		    "a-rather-long-customer-identifier-%ld" : "K%ld", cu);
		/* ids of up to 40 orders a customer, one line in ten none */
		int on = i % 10 == 3 ? 0 :
		    snprintf(oid, sizeof oid, "INV%ld", (long)(unit_rand() % 40));
		int32_t day = (int32_t)(unit_rand() % 400);
		int64_t amt = (int64_t)(unit_rand() % 10000) - 100;
		size_t slot = crm_strmap_add(&custs, id, (size_t)n, NULL);
		int isnew = 1;

		if (on) {
			int kn = snprintf(key, sizeof key, "%s%c%s", id, 0, oid);

			crm_strmap_add(&pairs, key, (size_t)kn, &isnew);
		}
		want[slot] += isnew;
		crm_custagg_queue_order(a, id, (size_t)n, day, amt, oid,
		    (size_t)on, i + 1);
		if (crm_custagg_add_order(b, id, (size_t)n, day, amt, oid,
		    (size_t)on) < 0)
			ok = 0;
		crm_custagg_queue_order(i % 3 ? p1 : p2, id, (size_t)n, day, amt,
		    oid, (size_t)on, i + 1);
	}
	crm_custagg_flush(a);
	crm_custagg_flush(p1);
	crm_custagg_flush(p2);
	UNIT_OK(ok, WHAT("%s: order lines added", T));
	for (k = 0; k < crm_strmap_count(&custs); k++) {
		size_t len;
		const char *id = crm_strmap_key(&custs, k, &len);
		const struct crm_cust *ca = crm_custagg_find(a, id, len);
		const struct crm_cust *cb = crm_custagg_find(b, id, len);

		if (!ca || !cb || ca->orders != want[k] ||
		    cb->orders != want[k] || !samedays(ca, cb))
			same = 0;
	}
	UNIT_OK(same, WHAT("%s: queued and added: distinct orders of every "
	    "customer", T));
	t1 = partial_text(p1);
	t2 = partial_text(p2);
	u1 = strdup(t1);
	u2 = strdup(t2);
	UNIT_OK(merge_text(m, t2, 0) == 0 && merge_text(m, t1, 0) == 0,
	    WHAT("%s: two partials merged", T));
	UNIT_OK(merge_text(mq, u1, 1) == 0 && merge_text(mq, u2, 1) == 0,
	    WHAT("%s: two partials queued", T));
	crm_custagg_flush(mq);
	va = crm_custagg_sorted(a);
	same = crm_custagg_count(m) == crm_custagg_count(a) &&
	    crm_custagg_count(mq) == crm_custagg_count(a);
	for (k = 0; va[k]; k++) {
		const struct crm_cust *cm = crm_custagg_find(m, va[k]->id,
		    va[k]->idlen);
		const struct crm_cust *cq = crm_custagg_find(mq, va[k]->id,
		    va[k]->idlen);

		if (!cm || !cq || cm->orders != va[k]->orders ||
		    cq->orders != va[k]->orders || !samedays(cm, va[k]) ||
		    !samedays(cq, va[k]))
			same = 0;
	}
	UNIT_OK(same, WHAT("%s: merged partials: the state of one run", T));
	free(t1);
	free(t2);
	free(u1);
	free(u2);
	/* the same lines (each customer's lines in the order of its
	 * partition, which follows the input) */
	t1 = partial_text(a);
	t2 = partial_text(m);
	u1 = partial_text(mq);
	u2 = strdup(t1);
	UNIT_OK(samelines(t1, t2) && samelines(u2, u1),
	    WHAT("%s: merged partials write the lines of one run", T));
	free(t1);
	free(t2);
	free(u1);
	free(u2);
	free(va);
	free(want);
	crm_strmap_release(&pairs);
	crm_strmap_release(&custs);
	crm_custagg_free(a);
	crm_custagg_free(b);
	crm_custagg_free(p1);
	crm_custagg_free(p2);
	crm_custagg_free(m);
	crm_custagg_free(mq);
}

struct eachstate {
	unsigned char seen[3000];
	int calls, twice, bad, stopat;
	unsigned long long orders;
};

static int
eachfn(void *arg, const struct crm_cust *c)
{
	struct eachstate *st = arg;
	int i = atoi(c->id + 1);

	st->calls++;
	if (c->id[0] != 'c' || i < 0 || i >= 3000)
		st->bad++;
	else if (st->seen[i]++)
		st->twice++;
	st->orders += c->orders;
	return st->calls == st->stopat ? 7 : 0;
}

static void
test_each(void)
{
	struct crm_custagg *a = crm_custagg_new();
	struct eachstate st;
	char id[16];
	int i;

	memset(&st, 0, sizeof st);
	UNIT_OK(crm_custagg_each(a, eachfn, &st) == 0 && st.calls == 0,
	    "each on an empty aggregate calls nothing");
	for (i = 0; i < 3000; i++) {
		int n = snprintf(id, sizeof id, "c%d", i);

		crm_custagg_add(a, id, (size_t)n, 10, 1);
		if (i % 3 == 0)
			crm_custagg_add(a, id, (size_t)n, 11, 1);
	}
	UNIT_OK(crm_custagg_each(a, eachfn, &st) == 0, "each walks to the end");
	unit_inteq(st.calls, 3000, "each visits every customer");
	unit_inteq(st.twice + st.bad, 0, "each visits each customer once");
	unit_inteq((long long)st.orders, 4000, "each sees the orders");
	memset(&st, 0, sizeof st);
	st.stopat = 3;
	unit_inteq(crm_custagg_each(a, eachfn, &st), 7,
	    "each returns what stopped it");
	unit_inteq(st.calls, 3, "each stops at a nonzero return");
	crm_custagg_free(a);
}

/*
 * The encoded days against a plain model: random days (before, between
 * and after the ones held, far apart and near the int32 limits), same-day
 * purchases and amounts of every varint length, for customers with a
 * handful and with hundreds of days.
 */
#define MODEL_DAYS 600

struct model {
	int32_t day[MODEL_DAYS];
	int64_t amt[MODEL_DAYS];
	int n;
};

static void
model_add(struct model *m, int32_t day, int64_t amt)
{
	int i, j;

	for (i = 0; i < m->n && m->day[i] < day; i++)
		;
	if (i < m->n && m->day[i] == day) {
		m->amt[i] += amt;
		return;
	}
	for (j = m->n; j > i; j--) {
		m->day[j] = m->day[j - 1];
		m->amt[j] = m->amt[j - 1];
	}
	m->day[i] = day;
	m->amt[i] = amt;
	m->n++;
}

static void
test_encoding(void)
{
	static struct model m[40];
	struct crm_custagg *a = crm_custagg_new();
	static const int32_t far[] = { INT32_MIN + 1, -1000000, -1, 0, 1,
	    20000, 1000000, INT32_MAX - 1, INT32_MAX };
	char id[32];
	int i, k, ok = 1, same = 1;

	memset(m, 0, sizeof m);
	for (i = 0; i < 20000; i++) {
		int c = (int)(unit_rand() % 40);
		int cap = c < 20 ? 8 : MODEL_DAYS;      /* few or many days */
		uint64_t r = unit_rand();
		int32_t day;
		int64_t amt;

		if (m[c].n && r % 4 == 0)
			day = m[c].day[unit_rand() % (uint64_t)m[c].n];
		else if (r % 16 == 1)
			day = far[unit_rand() % (sizeof far / sizeof *far)];
		else
			day = (int32_t)(unit_rand() % (uint64_t)(cap * 3)) -
			    cap;
		switch (unit_rand() % 5) {
		case 0: amt = (int64_t)(unit_rand() % 100) - 50; break;
		case 1: amt = (int64_t)(unit_rand() % 100000000); break;
		case 2: amt = -(int64_t)(unit_rand() >> 20); break;
		case 3: amt = (int64_t)(unit_rand() >> 30); break;
		default: amt = 0; break;
		}
		if (m[c].n >= cap) {
			/* a full model only takes days it has */
			day = m[c].day[unit_rand() % (uint64_t)m[c].n];
		}
		snprintf(id, sizeof id, c % 3 ? "E%d" : "encoded-%d", c);
		if (crm_custagg_add(a, id, strlen(id), day, amt) < 0)
			ok = 0;
		model_add(&m[c], day, amt);
	}
	UNIT_OK(ok, "encoding: every add taken");
	for (k = 0; k < 40; k++) {
		const struct crm_cust *c;
		struct crm_custday_it it;
		int j = 0;

		snprintf(id, sizeof id, k % 3 ? "E%d" : "encoded-%d", k);
		c = crm_custagg_find(a, id, strlen(id));
		if (!m[k].n) {
			if (c)
				same = 0;
			continue;
		}
		if (!c || (int)c->ndays != m[k].n ||
		    crm_cust_first(c) != m[k].day[0]) {
			same = 0;
			continue;
		}
		crm_cust_days(c, &it);
		while (crm_custday_next(&it)) {
			if (j >= m[k].n || it.day != m[k].day[j] ||
			    it.amount != m[k].amt[j])
				same = 0;
			j++;
		}
		if (j != m[k].n)
			same = 0;
	}
	UNIT_OK(same, "encoding: days and totals as the model has them");
	crm_custagg_free(a);
}

/* The usual gap is the lower median of the gaps, however many there are
 * and however they repeat: a customer is overdue one day after it, and not
 * on the day itself. */
static void
test_usual_gap(void)
{
	static const int counts[] = { 1, 2, 3, 17, 18, 40, 65, 66, 301, 1000 };
	size_t t;

	for (t = 0; t < sizeof counts / sizeof *counts; t++) {
		struct crm_custagg *a = crm_custagg_new();
		const struct crm_cust *c;
		struct crm_cust_stats s;
		int n = counts[t], i, want;
		int32_t day = 0, *gap = malloc((size_t)n * sizeof *gap);

		/* gaps 1..n-1 (and for even t, all but two of them 5),
		 * added in a scrambled order of days */
		for (i = 0; i < n - 1; i++)
			gap[i] = t % 2 == 0 && i > 1 ? 5 : i + 1;
		for (i = 0; i < n; i++) {
			int k = (i * 31 + 3) % n;
			int32_t d = 0;
			int j;

			for (j = 0; j < k; j++)
				d += gap[j];
			crm_custagg_add(a, "g", 1, d, 1);
		}
		for (i = 0; i < n - 1; i++)
			day += gap[i];
		if (n == 1)
			want = 0;
		else if (t % 2 == 0 && n - 1 > 2) {
			/* sorted gaps: 1, 2, then n-3 fives: the lower median */
			int mid = (n - 2) / 2;

			want = mid == 0 ? 1 : mid == 1 ? 2 : 5;
		} else
			want = (n - 2) / 2 + 1;    /* gaps 1..n-1 */
		c = crm_custagg_find(a, "g", 1);
		crm_cust_stats(c, day + want, 1, 1, &s);
		unit_inteq(s.days, n, WHAT("usual gap: %d days", n));
		unit_inteq(s.overdue, 0, WHAT("usual gap: not overdue at the "
		    "lower median of %d gaps", n - 1));
		crm_cust_stats(c, day + want + 1, 1, 1, &s);
		unit_inteq(s.overdue, 1, WHAT("usual gap: overdue one day "
		    "after the lower median of %d gaps", n - 1));
		free(gap);
		crm_custagg_free(a);
	}
}

int
main(void)
{
	test_usual_gap();
	test_encoding();
	test_basic();
	test_overflow();
	test_merge();
	test_many();
	test_sorted_ids();
	test_queue(NULL);
	test_queue("1");
	test_queue_lines(NULL);
	test_queue_lines("1");
	test_orders();
	test_orders_stream(NULL);
	test_orders_stream("1");
	unsetenv("CRM_THREADS");
	test_each();
	return unit_done();
}
