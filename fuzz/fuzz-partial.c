/*
 * fuzz-partial: arbitrary partial lines ("id<tab>orders<tab>daily_totals")
 * merged one at a time and queued in batches: both must give the same
 * reason for every line and, unless a total left its range, the same
 * state; that state written as a partial and merged again must come back
 * the same.
 */
#include "custagg.h"
#include "out.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
refused(void *arg, long tag, int32_t day, int64_t amount)
{
	(void)tag;
	(void)day;
	(void)amount;
	*(int *)arg = 1;
}

/* Whether a and b hold the same customers, orders and days. */
static int
same(const struct crm_custagg *a, const struct crm_custagg *b)
{
	const struct crm_cust **va, **vb;
	size_t i;
	int ok = crm_custagg_count(a) == crm_custagg_count(b);

	if (!ok)
		return 0;
	va = crm_custagg_sorted(a);
	vb = crm_custagg_sorted(b);
	for (i = 0; ok && va[i]; i++) {
		struct crm_custday_it x, y;

		if (va[i]->idlen != vb[i]->idlen ||
		    memcmp(va[i]->id, vb[i]->id, va[i]->idlen) != 0 ||
		    va[i]->orders != vb[i]->orders ||
		    va[i]->ndays != vb[i]->ndays) {
			ok = 0;
			break;
		}
		crm_cust_days(va[i], &x);
		crm_cust_days(vb[i], &y);
		while (crm_custday_next(&x) && crm_custday_next(&y))
			if (x.day != y.day || x.amount != y.amount)
				ok = 0;
	}
	free(va);
	free(vb);
	return ok;
}

/* Split each line of text[0..n) into three tab-separated fields and
 * merge it into a (directly) and into q (queued, unless q is NULL). */
static int
feed(const char *text, size_t n, struct crm_custagg *a,
    struct crm_custagg *q)
{
	const char *p = text, *end = text + n;
	long line = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *t1, *t2, *ra, *rq;
		int32_t la = 0, lq = 0;

		line++;
		t1 = memchr(p, '\t', (size_t)(e - p));
		t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(e - t1 - 1)) : NULL;
		if (t2) {
			ra = crm_custagg_merge_line(a, p, (size_t)(t1 - p),
			    t1 + 1, (size_t)(t2 - t1 - 1), t2 + 1,
			    (size_t)(e - t2 - 1), &la);
			if (ra && strstr(ra, "out of range"))
				return -1;
			if (q) {
				rq = crm_custagg_queue_line(q, p,
				    (size_t)(t1 - p), t1 + 1,
				    (size_t)(t2 - t1 - 1), t2 + 1,
				    (size_t)(e - t2 - 1), line, &lq);
				if ((ra == NULL) != (rq == NULL) ||
				    (ra && strcmp(ra, rq) != 0) ||
				    (!ra && la != lq))
					__builtin_trap();
			}
		}
		p = e + (nl != NULL);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crm_custagg *a = crm_custagg_new(), *q = crm_custagg_new();
	struct crm_custagg *r = crm_custagg_new();
	int inexact = 0;

	crm_custagg_onerror(q, refused, &inexact);
	if (feed((const char *)data, size, a, q) == 0) {
		crm_custagg_flush(q);
		/* what one merge took, the queue took too */
		if (inexact || !same(a, q))
			__builtin_trap();
		/* ids the partial writer escapes would come back escaped
		 * here, with no reader to unescape them */
		if (!memchr(data, '\\', size) && !memchr(data, '\r', size)) {
			/* written and merged back: the same state */
			int fd = memfd_create("partial", 0);
			struct crm_out o;

			if (fd >= 0) {
				char *buf;
				off_t len;

				crm_out_init(&o, fd, "partial");
				crm_custagg_write_partial(a, &o);
				crm_out_flush(&o);
				free(o.buf);
				len = lseek(fd, 0, SEEK_END);
				buf = malloc((size_t)len + 1);
				if (buf && pread(fd, buf, (size_t)len, 0) == len) {
					const char *body = memchr(buf, '\n',
					    (size_t)len);

					if (!body || feed(body + 1, (size_t)(buf +
					    len - body - 1), r, NULL) != 0 ||
					    !same(a, r))
						__builtin_trap();
				}
				free(buf);
				close(fd);
			}
		}
	} else
		crm_custagg_flush(q);
	crm_custagg_free(a);
	crm_custagg_free(q);
	crm_custagg_free(r);
	return 0;
}
