/*
 * crm-log: the interaction record.  Appends interactions to an append-only
 * log under an exclusive lock (whole records or nothing, see lib/store.h),
 * filters it and prints a customer's timeline, lists the follow-ups that are
 * due, checks and repairs a log, re-keys its customer ids after identity
 * resolution, and counts it by channel and type.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "complaint.h"
#include "custattr.h"
#include "idmap.h"
#include "kinds.h"
#include "normalize.h"
#include "out.h"
#include "re.h"
#include "rec.h"
#include "report.h"
#include "store.h"
#include "strmap.h"
#include "table.h"
#include "timeline.h"
#include "util.h"
#include "value.h"

/* The interactions columns, in the order of lib/kinds.h. */
enum {
	F_ID, F_TS, F_CUST, F_CHANNEL, F_TYPE, F_INIT, F_AGENT, F_DUR,
	F_OUTCOME, F_SAT, F_NEXT, F_NOTE, F_CAMPAIGN, NF
};
/* A log made before the campaign column has the others, in order: it is
 * still read, checked and appended to, records without a campaign only. */
#define NF_OLD F_CAMPAIGN

#define LOGNAME "interactions.tsv"
#define CHUNK   (1UL << 20)     /* bytes of records appended per lock hold */
#define BLOCK   (4UL << 20)     /* read size when scanning a log */

static const struct crm_kind *ikind;
static const char *colname[NF];
static int nlog = NF;           /* the columns of the log appended to: NF,
                                   or NF_OLD for a log without campaign */

static const char usage_text[] =
"usage: crm-log add [-f FILE] [--sync] -c CUSTOMER --channel CH --type TYPE\n"
"               [--initiator company|customer] [--agent A] [--duration S]\n"
"               [--outcome TEXT] [--satisfaction 1-5] [--next-action DATE]\n"
"               [--note TEXT] [--campaign NAME] [--ts TIMESTAMP]\n"
"       crm-log add [-f FILE] [--sync] [--csv] [--ignore-extra] -\n"
"       crm-log show [-f FILE] [-c ID] [--since T] [--until T] [--channel CH]\n"
"               [--type TYPE] [--agent A] [--initiator X] [--grep REGEX]\n"
"               [--timeline [--complaints FILE] [--transactions FILE]]\n"
"               [--format tsv|csv|jsonl] [--excel-safe] [-]\n"
"       crm-log due [-f FILE] [--as-of DATE] [--customers FILE]\n"
"               [--include-lost] [--policy SPEC] [--format tsv|csv|jsonl]\n"
"               [--excel-safe] [-]\n"
"       crm-log check [-f FILE] [--repair] [-]\n"
"       crm-log rekey --id-map FILE [-f FILE]\n"
"       crm-log stats [-f FILE] [--format tsv|csv|jsonl] [--excel-safe] [-]\n"
"       crm-log --help | --version\n";

static void __attribute__((noreturn))
usage(int status)
{
	crm_cli_usage(status, usage_text);
}

/* ---- dates and timestamps ---- */

/*
 * The log holds dates and timestamps in one canonical form, and reads them
 * back strictly (lib/value.h, CRM_DATE_STRICT and CRM_TS_STRICT): anything
 * else in a log is damage, not another way of writing a time.
 */

/* A stored date: days since 1970-01-01. */
static int
log_date(const char *s, size_t n, long long *days)
{
	int32_t d;

	if (crm_date_parse(s, n, CRM_DATE_STRICT, &d))
		return -1;
	*days = d;
	return 0;
}

/* A stored timestamp: the instant in microseconds since the epoch, and the
 * calendar day as written (the local date of the record). */
static int
log_ts(const char *s, size_t n, long long *us, long long *days)
{
	int64_t t;
	int off;
	int32_t usec;

	if (crm_ts_parse_us(s, n, CRM_TS_STRICT, &t, &off, &usec))
		return -1;
	*us = (long long)t * 1000000 + usec;
	if (days)
		*days = crm_ts_days(t, off);
	return 0;
}

static void
fmt_date(char *out, size_t len, long long days)
{
	int y, m, d;

	crm_date_to_ymd((int32_t)days, &y, &m, &d);
	snprintf(out, len, "%04d-%02d-%02d", y, m, d);
}

/*
 * The timestamp a new record gets: now in local time with its offset, or
 * what CRM_AS_OF pins (lib/value.h: a date is its local midnight).
 */
static const char *
now_ts(void)
{
	static char buf[32];
	static int64_t last = INT64_MIN;
	static int pinned = -1;
	const char *why;
	int64_t t;
	int off;

	if (pinned == 1)
		return buf;
	if ((why = crm_now(&t, &off)))
		errx(CRM_EXIT_FATAL, "CRM_AS_OF: %s '%s'", why,
		    getenv("CRM_AS_OF"));
	if (pinned < 0) {
		const char *a = getenv("CRM_AS_OF");
		pinned = a && *a;
	}
	if (t != last) {
		crm_ts_format(t, off, buf);
		last = t;
	}
	return buf;
}

/* Today's date: CRM_AS_OF's date, or the local date now. */
static long long
today(void)
{
	const char *s = now_ts();
	long long us, days;

	if (log_ts(s, strlen(s), &us, &days))
		errx(CRM_EXIT_FATAL, "cannot tell today's date");
	return days;
}

/* A date option: a date, or a timestamp taken for its local date (as
 * --as-of is read everywhere, lib/value.h). */
static long long
opt_date(const char *opt, const char *s)
{
	int64_t t;
	int off;
	const char *why = crm_asof_parse(s, &t, &off);

	if (why)
		errx(CRM_EXIT_FATAL, "%s: %s '%s'", opt, why, s);
	return crm_ts_days(t, off);
}

/* ---- field checks ---- */

static void
addquoted(struct crm_buf *b, const char *p, size_t n)
{
	crm_buf_addquoted(b, p, n);
}

/*
 * Check value p[0..n) of interactions column i.  Returns 0 when valid, else
 * -1 with "message 'value'" appended to msg.  The UTF-8 check is skipped
 * when the caller knows the text is valid (the TSV reader checked it).
 */
static int
check_value_utf8(int i, const char *p, size_t n, struct crm_buf *msg,
    int utf8_known)
{
	const struct crm_coldef *c = &ikind->cols[i];
	long long v, lo, hi;
	size_t k;

	if (n == 0) {
		if (!c->required)
			return 0;
		crm_buf_adds(msg, "missing value");
		return -1;
	}
	if (!utf8_known && crm_utf8_valid(p, n) != n) {
		crm_buf_adds(msg, "not valid UTF-8 ");
		addquoted(msg, p, n);
		return -1;
	}
	switch (c->type) {
	case CRM_C_ID:
		for (k = 0; k < n; k++) {
			unsigned char ch = (unsigned char)p[k];
			if (ch <= ' ' || ch == 0x7f) {
				crm_buf_adds(msg, "not an identifier (spaces "
				    "or control characters) ");
				addquoted(msg, p, n);
				return -1;
			}
		}
		break;
	case CRM_C_TS:
		if (log_ts(p, n, &v, NULL)) {
			crm_buf_adds(msg, "not a timestamp ");
			addquoted(msg, p, n);
			return -1;
		}
		break;
	case CRM_C_DATE:
		if (log_date(p, n, &v)) {
			crm_buf_adds(msg, "not a date ");
			addquoted(msg, p, n);
			return -1;
		}
		break;
	case CRM_C_INT:
		lo = c->min;
		hi = c->max;
		v = 0;
		for (k = 0; k < n && k < 12; k++) {
			unsigned d = (unsigned char)p[k] - '0';
			if (d > 9)
				break;
			v = v * 10 + d;
		}
		if (k != n) {
			crm_buf_adds(msg, "not a whole number ");
			addquoted(msg, p, n);
			return -1;
		}
		if (v < lo || v > hi) {
			crm_buf_addf(msg, "out of range %lld..%lld ", lo, hi);
			addquoted(msg, p, n);
			return -1;
		}
		break;
	case CRM_C_VOCAB:
		if (crm_vocab_index(c->vocab, p, n) < 0) {
			crm_buf_addf(msg, "unknown %s ", c->name);
			addquoted(msg, p, n);
			crm_buf_adds(msg, " (accepted: ");
			crm_vocab_list(c->vocab, msg);
			crm_buf_addc(msg, ')');
			return -1;
		}
		break;
	default:
		break;
	}
	return 0;
}

static int
check_value(int i, const char *p, size_t n, struct crm_buf *msg)
{
	return check_value_utf8(i, p, n, msg, 0);
}

/*
 * Append the record f[0..NF) to b as one canonical TSV line.  Room for the
 * worst case (every byte escaped) is made once, then bytes are stored
 * directly: this is the inner loop of 'add -'.
 */
static void
add_line(struct crm_buf *b, const struct crm_field *f)
{
	size_t need = NF;
	char *o;

	for (int i = 0; i < nlog; i++)
		need += 2 * f[i].n;
	crm_buf_grow(b, need);
	o = b->p + b->n;
	o += crm_tsv_row_to(o, f, (size_t)nlog);
	*o++ = '\n';
	b->n = (size_t)(o - b->p);
	b->p[b->n] = '\0';
}

/* ---- appending ---- */

static unsigned store_flags;
/*
 * CRM_TEST_PAUSE_WRITE=SECONDS is for the test suite only: every append then
 * writes the first half of its bytes, sleeps, and writes the rest, so that a
 * test can kill a writer in the middle of a record and see the torn tail
 * that a crash would leave.  main reads it once; the append path only tests
 * test_pause_set.
 */
static int test_pause_set;
static unsigned test_pause_secs;

static char *
log_path(const char *file)
{
	char e[512];
	char *path = crm_cli_store_path(file, LOGNAME, e, sizeof e);

	if (!path)
		errx(CRM_EXIT_FATAL, "%s", e);
	return path;
}

/* Whether the log at path has the header of a log made before the
 * campaign column (then its records are written without one). */
static int
old_header(const char *path)
{
	struct crm_store *s;
	struct crm_buf want;
	char e[512], *line;
	size_t n;
	int old;

	s = crm_store_open(path, NULL, 0, CRM_STORE_RDONLY, e, sizeof e);
	if (!s)
		return 0;       /* none yet: made with every column */
	line = crm_store_first_line(s, CRM_MAX_RECORD_DEFAULT, &n, e,
	    sizeof e);
	crm_store_close(s);
	crm_buf_init(&want);
	for (int k = 0; k < NF_OLD; k++) {
		if (k)
			crm_buf_addc(&want, '\t');
		crm_buf_adds(&want, colname[k]);
	}
	old = line && n == want.n && !memcmp(line, want.p, n);
	crm_buf_release(&want);
	free(line);
	return old;
}

/* Open the log for appending; creating it (with its header) and checking
 * its tail and header right away, before any input is read. */
static struct crm_store *
store_open(const char *path)
{
	char e[1024];
	struct crm_store *s;

	nlog = old_header(path) ? NF_OLD : NF;
	s = crm_store_open(path, colname, (size_t)nlog, store_flags, e,
	    sizeof e);
	if (!s)
		errx(CRM_EXIT_FATAL, "%s", e);
	if (crm_store_lock(s, e, sizeof e) < 0)
		errx(CRM_EXIT_FATAL, "%s", e);
	crm_store_unlock(s);
	return s;
}

/* add -: records committed so far, and the input line of the first record
 * of the chunk being written, for the message when a write fails. */
static int batch_mode;
static unsigned long long batch_written;
static long batch_first;

/*
 * Write b's whole records to the locked store s and commit them; on a
 * failure the store is rolled back and unlocked, and the program exits,
 * saying for add - how far the input got in.
 */
static void
write_locked(struct crm_store *s, const struct crm_buf *b)
{
	char e[1024];
	size_t half = 0;

	if (test_pause_set) {
		half = b->n / 2;
		if (crm_store_append(s, b->p, half, e, sizeof e) < 0)
			goto fail;
		sleep(test_pause_secs);
	}
	if (crm_store_append(s, b->p + half, b->n - half, e, sizeof e) < 0 ||
	    crm_store_commit(s, e, sizeof e) < 0)
		goto fail;
	return;
fail:
	crm_store_unlock(s);
	if (batch_mode)
		errx(CRM_EXIT_FATAL, "%s; %llu record%s written, none from "
		    "input line %ld on (resume with: { head -n 1 INPUT; "
		    "tail -n +%ld INPUT; } | crm-log add -)", e,
		    batch_written, batch_written == 1 ? "" : "s", batch_first,
		    batch_first);
	errx(CRM_EXIT_FATAL, "%s", e);
}

/* Append b's whole records under one lock hold, then empty b. */
static void
store_put(struct crm_store *s, struct crm_buf *b)
{
	char e[1024];

	if (!b->n)
		return;
	if (crm_store_lock(s, e, sizeof e) < 0)
		errx(CRM_EXIT_FATAL, "%s", e);
	write_locked(s, b);
	crm_store_unlock(s);
	crm_buf_reset(b);
}

static const struct option add_opts[] = {
	{ "agent", required_argument, NULL, 'a' },
	{ "campaign", required_argument, NULL, 'k' },
	{ "channel", required_argument, NULL, 'C' },
	{ "csv", no_argument, NULL, 'V' },
	{ "customer", required_argument, NULL, 'c' },
	{ "duration", required_argument, NULL, 'd' },
	{ "file", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "ignore-extra", no_argument, NULL, 'I' },
	{ "initiator", required_argument, NULL, 'i' },
	{ "next-action", required_argument, NULL, 'n' },
	{ "note", required_argument, NULL, 'N' },
	{ "outcome", required_argument, NULL, 'o' },
	{ "satisfaction", required_argument, NULL, 's' },
	{ "sync", no_argument, NULL, 'S' },
	{ "ts", required_argument, NULL, 't' },
	{ "type", required_argument, NULL, 'T' },
	{ NULL, 0, NULL, 0 }
};

/* ---- ids given in a batch ---- */

/*
 * Ids given in the input of 'add -' (rather than generated) must be new to
 * the log.  The ids already in the log are read under the append lock, each
 * time from where the last reading stopped (other writers may have added
 * records in between), and every chunk is checked against them, and against
 * the ids given earlier in the input, just before it is written.
 */
struct idcheck {
	struct crm_strmap ids;  /* val: 0 for the log, else the input line */
	off_t scanned;          /* the log is read up to here (0: not yet) */
	unsigned gen;           /* of the file scanned (crm_store_generation) */
};

/* A record of the chunk being built. */
struct pend {
	size_t off, len;
	long line;
	int given;              /* its id came with the input */
};

/* Add the ids of the log's whole lines in [ic->scanned, end) to the set. */
static void
idcheck_scan(struct idcheck *ic, struct crm_store *s, off_t end)
{
	int fd = crm_store_fd(s);
	struct crm_buf b;
	off_t pos = ic->scanned;
	int skip_header = pos == 0;
	size_t start = 0;

	crm_buf_init(&b);
	while (pos < end) {
		size_t want = end - pos > (1 << 20) ? (size_t)1 << 20 :
		    (size_t)(end - pos);
		ssize_t k;

		crm_buf_grow(&b, b.n + want);
		k = pread(fd, b.p + b.n, want, pos);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			errx(CRM_EXIT_FATAL, "%s: %s", crm_store_path(s),
			    k < 0 ? strerror(errno) : "changed while read");
		b.n += (size_t)k;
		pos += k;
		for (;;) {
			char *nl = memchr(b.p + start, '\n', b.n - start);
			char *tab;

			if (!nl)
				break;
			if (skip_header)
				skip_header = 0;
			else {
				tab = memchr(b.p + start, '\t',
				    (size_t)(nl - (b.p + start)));
				if (!tab)
					tab = nl;
				crm_strmap_add(&ic->ids, b.p + start,
				    (size_t)(tab - (b.p + start)), NULL);
			}
			start = (size_t)(nl - b.p) + 1;
		}
		memmove(b.p, b.p + start, b.n - start);
		b.n -= start;
		start = 0;
	}
	crm_buf_release(&b);
	ic->scanned = end;
}

/*
 * Append the chunk's records under one lock hold, leaving out (with a
 * message, and *status set) those whose given id is already in the log or
 * came earlier in the input; then empty the chunk.
 */
static void
store_put_checked(struct crm_store *s, struct crm_buf *chunk,
    struct pend *pd, size_t npd, struct idcheck *ic, int *status)
{
	char e[1024];
	size_t i, kept = 0, nkept = 0;
	int given = 0;

	for (i = 0; i < npd; i++)
		given |= pd[i].given;
	if (!npd)
		return;
	batch_first = pd[0].line;
	if (!given) {
		store_put(s, chunk);
		batch_written += npd;
		return;
	}
	if (crm_store_lock(s, e, sizeof e) < 0)
		errx(CRM_EXIT_FATAL, "%s", e);
	if (crm_store_generation(s) != ic->gen) {
		/* another file under the name (a rekey rewrote it): its
		 * offsets are not the old one's, so read it from the start */
		ic->gen = crm_store_generation(s);
		ic->scanned = 0;
	}
	idcheck_scan(ic, s, crm_store_size(s));
	/* keep the records that pass, moved down in place */
	for (i = 0; i < npd; i++) {
		char *p = chunk->p + pd[i].off;
		const char *tab = memchr(p, '\t', pd[i].len);
		size_t n = tab ? (size_t)(tab - p) : pd[i].len;
		size_t *val;
		int isnew;

		if (pd[i].given) {
			val = crm_strmap_val(&ic->ids,
			    crm_strmap_add(&ic->ids, p, n, &isnew));
			if (!isnew) {
				struct crm_buf m;

				crm_buf_init(&m);
				addquoted(&m, p, n);
				if (*val)
					warnx("-:%ld: id: duplicate id %s (first "
					    "on line %zu): record not added",
					    pd[i].line, m.p, *val);
				else
					warnx("-:%ld: id: duplicate id %s "
					    "(already in the log): record not "
					    "added", pd[i].line, m.p);
				crm_buf_release(&m);
				*status = CRM_EXIT_REJECT;
				continue;
			}
			*val = (size_t)pd[i].line;
		}
		if (p != chunk->p + kept)
			memmove(chunk->p + kept, p, pd[i].len);
		kept += pd[i].len;
		nkept++;
	}
	chunk->n = kept;
	if (kept)
		write_locked(s, chunk);
	batch_written += nkept;
	ic->scanned = crm_store_size(s);
	crm_store_unlock(s);
	crm_buf_reset(chunk);
}

static int
add_batch(struct crm_store *s, int csv, int ignore_extra)
{
	struct crm_read_opts ro;
	struct crm_reader *r;
	const struct crm_rec *h;
	struct crm_rec rec;
	struct crm_buf chunk, msg, extra;
	struct crm_field f[NF];
	int map[NF], rc, status = CRM_EXIT_OK, given;
	char e[512], id[48];
	struct idcheck ic;
	struct pend *pd = NULL;
	size_t npd = 0, apd = 0;

	batch_mode = 1;
	memset(&ro, 0, sizeof ro);
	ro.format = csv ? CRM_IN_CSV : CRM_IN_TSV;
	r = crm_reader_fdopen(0, "-", &ro, e, sizeof e);
	if (!r)
		errx(CRM_EXIT_FATAL, "%s", e);
	h = crm_reader_header(r);
	if (!h) {
		if (*crm_reader_error(r))
			errx(CRM_EXIT_FATAL, "%s", crm_reader_error(r));
		crm_reader_close(r);
		return CRM_EXIT_OK;     /* no input, nothing to add */
	}
	crm_buf_init(&extra);
	for (int i = 0; i < NF; i++)
		map[i] = -1;
	for (size_t j = 0; j < h->nf; j++) {
		int k;
		for (k = 0; k < NF; k++)
			if (!strcmp(h->f[j].p, colname[k]))
				break;
		if (k == NF) {
			if (extra.n)
				crm_buf_adds(&extra, ", ");
			crm_buf_adds(&extra, h->f[j].p);
		} else {
			map[k] = (int)j;        /* the reader refuses twins */
		}
	}
	if (extra.n && !ignore_extra)
		errx(CRM_EXIT_FATAL, "-:1: columns not in the log: %s (the "
		    "log has a fixed header; --ignore-extra drops them)",
		    extra.p);
	crm_buf_release(&extra);
	for (int k = F_CUST; k <= F_TYPE; k++)
		if (map[k] < 0)
			errx(CRM_EXIT_FATAL, "-:1: missing column %s",
			    colname[k]);

	memset(&ic, 0, sizeof ic);
	crm_strmap_init(&ic.ids);
	crm_buf_init(&chunk);
	crm_buf_init(&msg);
	crm_buf_grow(&chunk, CHUNK + 65536);
	while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF) {
		int bad = 0;

		if (rc == CRM_READ_FATAL) {
			warnx("%s", crm_reader_error(r));
			store_put_checked(s, &chunk, pd, npd, &ic, &status);
			exit(CRM_EXIT_FATAL);
		}
		if (rc == CRM_READ_BAD) {
			warnx("%s", crm_reader_error(r));
			status = CRM_EXIT_REJECT;
			continue;
		}
		for (int k = 0; k < NF; k++) {
			int j = map[k];
			if (j >= 0 && (size_t)j < rec.nf) {
				f[k] = rec.f[j];
			} else {
				f[k].p = (char *)"";
				f[k].n = 0;
			}
		}
		given = f[F_ID].n != 0;
		if (!given) {
			crm_store_newid(id, "I");
			f[F_ID].p = id;
			f[F_ID].n = strlen(id);
		}
		if (!f[F_TS].n) {
			f[F_TS].p = (char *)now_ts();
			f[F_TS].n = strlen(f[F_TS].p);
		}
		for (int k = 0; k < NF; k++) {
			crm_buf_reset(&msg);
			if (check_value_utf8(k, f[k].p, f[k].n, &msg, !csv)
			    < 0) {
				warnx("-:%ld: %s: %s", rec.line, colname[k],
				    msg.p);
				bad = 1;
			}
		}
		if (f[F_CAMPAIGN].n && nlog < NF) {
			warnx("-:%ld: campaign: %s has no campaign column (a "
			    "log made before it): start a new log for "
			    "campaign contacts", rec.line, crm_store_path(s));
			bad = 1;
		}
		if (bad) {
			status = CRM_EXIT_REJECT;
			continue;
		}
		crm_grow(&pd, &apd, npd + 1, sizeof *pd);
		pd[npd].off = chunk.n;
		pd[npd].line = rec.line;
		pd[npd].given = given;
		add_line(&chunk, f);
		pd[npd].len = chunk.n - pd[npd].off;
		npd++;
		if (chunk.n >= CHUNK) {
			store_put_checked(s, &chunk, pd, npd, &ic, &status);
			npd = 0;
		}
	}
	store_put_checked(s, &chunk, pd, npd, &ic, &status);
	crm_buf_release(&chunk);
	crm_buf_release(&msg);
	crm_reader_close(r);
	crm_strmap_release(&ic.ids);
	free(pd);
	return status;
}

static int
cmd_add(int argc, char **argv)
{
	const char *val[NF] = { 0 }, *file = NULL;
	struct crm_field f[NF];
	struct crm_buf msg, line, norm[NF];
	struct crm_norm_opts no;
	struct crm_store *s;
	char id[48], *path;
	int ch, csv = 0, ignore_extra = 0, bad = 0, status;

	while ((ch = getopt_long(argc, argv, "c:f:", add_opts, NULL)) != -1) {
		switch (ch) {
		case 'a': val[F_AGENT] = optarg; break;
		case 'c': val[F_CUST] = optarg; break;
		case 'C': val[F_CHANNEL] = optarg; break;
		case 'd': val[F_DUR] = optarg; break;
		case 'f': file = optarg; break;
		case 'h': usage(CRM_EXIT_OK); break;
		case 'i': val[F_INIT] = optarg; break;
		case 'I': ignore_extra = 1; break;
		case 'k': val[F_CAMPAIGN] = optarg; break;
		case 'n': val[F_NEXT] = optarg; break;
		case 'N': val[F_NOTE] = optarg; break;
		case 'o': val[F_OUTCOME] = optarg; break;
		case 's': val[F_SAT] = optarg; break;
		case 'S': store_flags |= CRM_STORE_SYNC; break;
		case 't': val[F_TS] = optarg; break;
		case 'T': val[F_TYPE] = optarg; break;
		case 'V': csv = 1; break;
		default: usage(CRM_EXIT_FATAL);
		}
	}
	argc -= optind;
	argv += optind;

	if (argc == 1 && !strcmp(argv[0], "-")) {
		for (int k = 0; k < NF; k++)
			if (val[k])
				errx(CRM_EXIT_FATAL, "add -: field options "
				    "do not mix with records on standard "
				    "input");
		path = log_path(file);
		s = store_open(path);
		status = add_batch(s, csv, ignore_extra);
		crm_store_close(s);
		free(path);
		return status;
	}
	if (argc > 0)
		usage(CRM_EXIT_FATAL);
	if (csv || ignore_extra)
		errx(CRM_EXIT_FATAL, "add: --csv and --ignore-extra are for "
		    "'add -'");
	if (!val[F_CUST] || !val[F_CHANNEL] || !val[F_TYPE]) {
		warnx("add: -c, --channel and --type are required");
		usage(CRM_EXIT_FATAL);
	}
	path = log_path(file);
	crm_store_newid(id, "I");
	val[F_ID] = id;
	if (!val[F_TS])
		val[F_TS] = now_ts();
	crm_buf_init(&msg);
	crm_norm_opts_init(&no);
	for (int k = 0; k < NF; k++) {
		const struct crm_coldef *c = &ikind->cols[k];
		const char *v = val[k] ? val[k] : "";
		const char *why;

		f[k].p = (char *)v;
		f[k].n = strlen(v);
		crm_buf_init(&norm[k]);
		crm_buf_reset(&msg);
		/*
		 * Typed values are normalised as crm-import does (dates in
		 * common forms, vocabularies in any case); free text is kept
		 * byte for byte, surrounding whitespace included.
		 */
		if (c->type != CRM_C_TEXT && k != F_ID && f[k].n) {
			why = crm_normalize(c, v, f[k].n, &no, &norm[k]);
			if (why && c->type != CRM_C_VOCAB) {
				crm_buf_adds(&msg, why);
				crm_buf_addc(&msg, ' ');
				addquoted(&msg, v, f[k].n);
				warnx("%s: %s", colname[k], msg.p);
				bad = 1;
				continue;
			}
			if (!why) {
				f[k].p = norm[k].p;
				f[k].n = norm[k].n;
			}
		}
		if (check_value(k, f[k].p, f[k].n, &msg) < 0) {
			warnx("%s: %s", colname[k], msg.p);
			bad = 1;
		}
	}
	crm_buf_release(&msg);
	if (bad) {
		for (int k = 0; k < NF; k++)
			crm_buf_release(&norm[k]);
		free(path);
		return CRM_EXIT_REJECT;
	}
	s = store_open(path);
	if (f[F_CAMPAIGN].n && nlog < NF) {
		warnx("campaign: %s has no campaign column (a log made before "
		    "it): start a new log for campaign contacts", path);
		crm_store_close(s);
		for (int k = 0; k < NF; k++)
			crm_buf_release(&norm[k]);
		free(path);
		return CRM_EXIT_REJECT;
	}
	crm_buf_init(&line);
	add_line(&line, f);
	store_put(s, &line);
	crm_buf_release(&line);
	for (int k = 0; k < NF; k++)
		crm_buf_release(&norm[k]);
	crm_store_close(s);
	crm_out_puts(&crm_stdout, id);
	crm_out_putc(&crm_stdout, '\n');
	int oe = crm_out_close_errno(&crm_stdout);
	if (oe) {
		/* the record is in the log: a retry would add it twice */
		warnx("%s: written to %s, but standard output failed: %s", id,
		    path, strerror(oe));
		free(path);
		return CRM_EXIT_WRITTEN;
	}
	free(path);
	return CRM_EXIT_OK;
}

/* ---- scanning a log ---- */

/*
 * A log read in large blocks, handed on as runs of whole lines.  For a named
 * file only the bytes up to its last newline are read (an append in
 * progress, or a torn tail, is not data); standard input may end without a
 * newline and its last line is then taken as it is.
 */
struct scan {
	int fd;
	const char *name;
	long long left;         /* bytes to read, -1 for no limit */
	off_t size, whole;      /* file size and size up to the last '\n' */
	int is_stdin;
	int strict;             /* a last line without '\n' is torn, not data */
	size_t tail;            /* bytes of such a line (standard input) */
};

/* regular: the file must be a regular file (check and repair refuse a
 * FIFO or device; the readers read one like standard input). */
static void
scan_open(struct scan *sc, const char *path, int lockop, int regular)
{
	char e[512];
	struct stat st;

	memset(sc, 0, sizeof *sc);
	sc->left = -1;
	if (!strcmp(path, "-")) {
		sc->fd = 0;
		sc->name = "-";
		sc->is_stdin = 1;
		return;
	}
	sc->name = path;
	/* Reading through a symbolic link is harmless; repairing is not. */
	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	sc->fd = open(path, (lockop == LOCK_EX ? O_RDWR | O_CLOEXEC |
	    O_NOFOLLOW : O_RDONLY | O_CLOEXEC) | O_NONBLOCK);
	if (sc->fd < 0 && errno == ELOOP)
		errx(CRM_EXIT_FATAL, "%s: is a symbolic link, refused", path);
	if (sc->fd < 0)
		err(CRM_EXIT_FATAL, "%s", path);
	if (fstat(sc->fd, &st) < 0)
		err(CRM_EXIT_FATAL, "%s", path);
	if (!S_ISREG(st.st_mode) && regular)
		errx(CRM_EXIT_FATAL, "%s: not a regular file, refused", path);
	if (!S_ISREG(st.st_mode)) {
		/* a pipe to read: open it again, waiting for its writer */
		close(sc->fd);
		if ((sc->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			err(CRM_EXIT_FATAL, "%s", path);
	} else if (fcntl(sc->fd, F_SETFL, fcntl(sc->fd, F_GETFL) &
	    ~O_NONBLOCK) < 0) {
		err(CRM_EXIT_FATAL, "%s", path);
	}
	if (!S_ISREG(st.st_mode)) {
		/* a pipe or device given with -f: read it like stdin */
		sc->is_stdin = 1;
		return;
	}
	while (flock(sc->fd, lockop) < 0)
		if (errno != EINTR)
			err(CRM_EXIT_FATAL, "%s: cannot lock", path);
	if (fstat(sc->fd, &st) < 0)
		err(CRM_EXIT_FATAL, "%s", path);
	sc->size = st.st_size;
	sc->whole = crm_store_whole_size(sc->fd, e, sizeof e);
	if (sc->whole < 0)
		errx(CRM_EXIT_FATAL, "%s: %s", path, e);
	sc->left = sc->whole;
	/* Readers see the file up to this point; writers may go on. */
	if (lockop == LOCK_SH)
		flock(sc->fd, LOCK_UN);
}

/* Readers skip a torn tail (it is not data) but say so. */
static int
scan_torn_warn(const struct scan *sc)
{
	if (sc->is_stdin || sc->size == sc->whole)
		return 0;
	warnx("%s: torn last line ignored (%lld bytes after the last "
	    "newline); 'crm-log check --repair -f %s' cuts it off", sc->name,
	    (long long)(sc->size - sc->whole), sc->name);
	return 1;
}

static void
scan_close(struct scan *sc)
{
	if (sc->fd > 0)
		close(sc->fd);
}

static void
scan_run(struct scan *sc, const struct crm_lines_fn *fn, void *ctx)
{
	if (crm_lines_read(sc->fd, sc->left, BLOCK, sc->strict, fn, ctx,
	    &sc->tail) == 0)
		return;
	if (errno == EFBIG)
		errx(CRM_EXIT_FATAL, "%s:1: record longer than %lu bytes",
		    sc->name, (unsigned long)CRM_MAX_RECORD_DEFAULT);
	err(CRM_EXIT_FATAL, "%s", sc->name);
}

/* A line over the caps, left out: "FILE:LINE: why", and the line counted.
 * Every reader of the log says it the same way, through its own line
 * counter and exit status. */
static void
refused_line(const char *name, long *line, int *status, const char *why)
{
	warnx("%s:%ld: %s", name, *line, why);
	(*line)++;
	*status = CRM_EXIT_REJECT;
}

/* Field f unescaped (into scratch when it holds a backslash). */
static struct crm_field
unesc(struct crm_field f, struct crm_buf *scratch)
{
	if (!f.n || !memchr(f.p, '\\', f.n))
		return f;
	crm_buf_reset(scratch);
	crm_buf_add(scratch, f.p, f.n);
	f.p = scratch->p;
	f.n = crm_tsv_unescape(scratch->p, scratch->n);
	return f;
}

static int
field_is(struct crm_field f, const char *want, struct crm_buf *scratch)
{
	f = unesc(f, scratch);
	return f.n == strlen(want) && !memcmp(f.p, want, f.n);
}

/* Columns of a log header by name (-1 when absent); the number of columns. */
static size_t
header_cols(char *p, size_t n, int *col)
{
	struct crm_field hf[256];
	size_t nf = crm_tsv_split(p, n, hf, 255);

	for (int k = 0; k < NF; k++) {
		col[k] = -1;
		for (size_t j = 0; j < nf && j < 255; j++)
			if (hf[j].n == strlen(colname[k]) &&
			    !memcmp(hf[j].p, colname[k], hf[j].n))
				col[k] = (int)j;
	}
	return nf;
}

/* ---- show ---- */

struct tl_rec {
	long long us, days;
	char *line;
	size_t n;
};

struct show {
	const char *name;
	const char *cust, *channel, *type, *agent, *initiator;
	int since_set, until_set, since_date, until_date;
	long long since, until;         /* us, or days for a date bound */
	const char *grep;               /* the --grep pattern */
	struct crm_re *re;              /* under lib/re's limits and time
	                                   budget */
	int prefilter;
	int timeline;
	const char *complaints, *transactions;  /* merged into --timeline */
	enum crm_fmt fmt;
	int fmt_set;                    /* --format given */
	struct crm_writer w;
	int col[NF];
	size_t ncols;
	long line;                      /* line number of the next line */
	int status;
	struct crm_field *f;
	struct crm_buf scratch, scratch2;
	struct tl_rec *tl;
	size_t ntl, atl;
};

/* Does field f match?  1 yes, 0 no, -1 a limit or the time budget (the
 * reason in crm_re_error). */
static int
re_search(struct show *S, struct crm_field f)
{
	return crm_re_search(S->re, f.p, f.n, NULL, NULL);
}

static void
show_header(void *ctx, char *p, size_t n)
{
	struct show *S = ctx;
	struct crm_field hf[256];
	size_t nf;

	if (!p)
		errx(CRM_EXIT_FATAL, "%s: empty file (no header)", S->name);
	S->ncols = header_cols(p, n, S->col);
	if (S->ncols > 255)
		errx(CRM_EXIT_FATAL, "%s:1: too many columns", S->name);
	S->f = crm_xcalloc(S->ncols + 2, sizeof *S->f);
	S->line = 2;
#define NEED(k, cond) \
	if ((cond) && S->col[k] < 0) \
		errx(CRM_EXIT_FATAL, "%s:1: no column %s", S->name, colname[k])
	NEED(F_CUST, S->cust || S->timeline);
	NEED(F_TS, S->since_set || S->until_set || S->timeline);
	NEED(F_CHANNEL, S->channel);
	NEED(F_TYPE, S->type);
	NEED(F_AGENT, S->agent);
	NEED(F_INIT, S->initiator);
	NEED(F_NOTE, S->re && S->col[F_OUTCOME] < 0);
#undef NEED
	if (S->timeline)
		return;
	if (S->fmt == CRM_FMT_TSV) {
		crm_out_write(&crm_stdout, p, n);
		crm_out_putc(&crm_stdout, '\n');
		return;
	}
	nf = crm_tsv_split(p, n, hf, 255);
	for (size_t j = 0; j < nf; j++) {
		hf[j] = unesc(hf[j], &S->scratch);
		hf[j].p = crm_xstrndup(hf[j].p, hf[j].n);
	}
	crm_writer_header(&S->w, hf, nf);
	for (size_t j = 0; j < nf; j++) {
		crm_writer_numeric(&S->w, j, crm_kind_col_number(
		    crm_kind_find("interactions"), hf[j].p));
		free(hf[j].p);
	}
}

static int
eq_opt(struct show *S, int k, const char *want)
{
	return !want || field_is(S->f[S->col[k]], want, &S->scratch);
}

/* One record line p[0..n) (without its '\n'), at line S->line. */
static void
show_line(struct show *S, char *p, size_t n)
{
	struct crm_field *f = S->f;
	size_t nf = crm_tsv_split(p, n, f, S->ncols);

	if (nf != S->ncols) {
		warnx("%s:%ld: wrong field count (expected %zu)", S->name,
		    S->line, S->ncols);
		S->status = CRM_EXIT_REJECT;
		return;
	}
	if (!eq_opt(S, F_CUST, S->cust) || !eq_opt(S, F_CHANNEL, S->channel) ||
	    !eq_opt(S, F_TYPE, S->type) || !eq_opt(S, F_AGENT, S->agent) ||
	    !eq_opt(S, F_INIT, S->initiator))
		return;
	long long us = 0, days = 0;
	if (S->since_set || S->until_set || S->timeline) {
		struct crm_field t = f[S->col[F_TS]];
		if (log_ts(t.p, t.n, &us, &days)) {
			struct crm_buf m;
			crm_buf_init(&m);
			addquoted(&m, t.p, t.n);
			warnx("%s:%ld: ts: not a timestamp %s", S->name,
			    S->line, m.p);
			crm_buf_release(&m);
			S->status = CRM_EXIT_REJECT;
			return;
		}
		if (S->since_set && (S->since_date ? days < S->since :
		    us < S->since))
			return;
		if (S->until_set && (S->until_date ? days > S->until :
		    us > S->until))
			return;
	}
	if (S->re) {
		/* A field whose match gave up at a limit leaves the record
		 * undecided: it is shown if the other field matches, else
		 * reported. */
		int hit = 0, fail = 0, k = F_NOTE;
		char why[128] = "";
		if (S->col[F_NOTE] >= 0)
			hit = re_search(S, unesc(f[S->col[F_NOTE]],
			    &S->scratch));
		if (hit < 0) {
			fail = hit;
			snprintf(why, sizeof why, "%s", crm_re_error(S->re));
		}
		if (hit != 1 && S->col[F_OUTCOME] >= 0) {
			hit = re_search(S, unesc(f[S->col[F_OUTCOME]],
			    &S->scratch));
			if (hit < 0 && !fail) {
				fail = hit;
				k = F_OUTCOME;
				snprintf(why, sizeof why, "%s",
				    crm_re_error(S->re));
			}
		}
		if (hit != 1 && fail) {
			struct crm_buf m;
			crm_buf_init(&m);
			addquoted(&m, S->grep, strlen(S->grep));
			warnx("%s:%ld: %s: pattern %s: %s", S->name, S->line,
			    colname[k], m.p, why);
			crm_buf_release(&m);
			S->status = CRM_EXIT_REJECT;
		}
		if (hit != 1)
			return;
	}
	if (S->timeline) {
		crm_grow(&S->tl, &S->atl, S->ntl + 1, sizeof *S->tl);
		S->tl[S->ntl].us = us;
		S->tl[S->ntl].days = days;
		S->tl[S->ntl].line = crm_xstrndup(p, n);
		S->tl[S->ntl].n = n;
		S->ntl++;
		return;
	}
	if (S->fmt == CRM_FMT_TSV) {
		crm_out_write(&crm_stdout, p, n + 1);
		return;
	}
	for (size_t j = 0; j < nf; j++) {
		struct crm_field u = unesc(f[j], &S->scratch);
		crm_writer_field(&S->w, u.p, u.n);
	}
	crm_writer_end(&S->w);
}

/* Every line of p[0..n) with a backslash: these are checked in full, since
 * their raw text differs from their fields' values. */
static void
show_escaped(struct show *S, char *p, char *end)
{
	char *cur = p;

	while (cur < end) {
		char *bs = memchr(cur, '\\', (size_t)(end - cur));
		if (!bs)
			break;
		char *ls = bs;
		while (ls > cur && ls[-1] != '\n')
			ls--;
		char *le = memchr(bs, '\n', (size_t)(end - bs));
		S->line += (long)crm_count_nl(cur, (size_t)(ls - cur));
		show_line(S, ls, (size_t)(le - ls));
		S->line++;
		cur = le + 1;
	}
	S->line += (long)crm_count_nl(cur, (size_t)(end - cur));
}

static void
show_refused(void *ctx, const char *why)
{
	struct show *S = ctx;

	refused_line(S->name, &S->line, &S->status, why);
}

static void
show_block(void *ctx, char *p, size_t n)
{
	struct show *S = ctx;
	char *cur = p, *end = p + n;

	if (!S->prefilter) {
		while (cur < end) {
			char *le = memchr(cur, '\n', (size_t)(end - cur));
			show_line(S, cur, (size_t)(le - cur));
			S->line++;
			cur = le + 1;
		}
		return;
	}
	/*
	 * The pattern has no anchors or lookaround, so a line whose raw text
	 * has no backslash can match in its note only if the raw line
	 * matches: search the whole block, and parse only the lines the
	 * search lands on (and those with escapes).
	 */
	while (cur < end) {
		size_t ms;
		int rc = crm_re_search(S->re, cur, (size_t)(end - cur), &ms,
		    NULL);
		char *stop;
		if (rc > 0) {
			char *m = cur + ms;
			if (m >= end)
				m = end - 1;
			stop = m;
			while (stop > cur && stop[-1] != '\n')
				stop--;
		} else if (rc == 0) {
			stop = end;
		} else {
			/* The search over many lines gave up at a limit:
			 * decide the rest of the block line by line, so that
			 * a limit is reported against the record it hit. */
			while (cur < end) {
				char *le = memchr(cur, '\n',
				    (size_t)(end - cur));
				show_line(S, cur, (size_t)(le - cur));
				S->line++;
				cur = le + 1;
			}
			break;
		}
		show_escaped(S, cur, stop);
		if (stop == end)
			break;
		char *le = memchr(stop, '\n', (size_t)(end - stop));
		show_line(S, stop, (size_t)(le - stop));
		S->line++;
		cur = le + 1;
	}
}

/* Can a match in a field be found by searching the raw line?  Not when the
 * pattern anchors, looks around or uses verbs: then every line is parsed. */
static int
prefilter_safe(const char *pat)
{
	for (const char *s = pat; *s; s++) {
		if (*s == '\\') {
			if (s[1] && strchr("AZzG", s[1]))
				return 0;
			if (s[1])
				s++;
			continue;
		}
		if (*s == '$')
			return 0;
		if (*s == '^' && !(s > pat && s[-1] == '[' &&
		    !(s - 1 > pat && s[-2] == '\\')))
			return 0;
		if (*s == '(' && (s[1] == '*' || (s[1] == '?' &&
		    (s[2] == '=' || s[2] == '!' || s[2] == '<' ||
		    s[2] == '(' || s[2] == 'C' || s[2] == 'R' ||
		    (s[2] >= '0' && s[2] <= '9') || s[2] == '&' ||
		    s[2] == 'P' || s[2] == '+' || s[2] == '-'))))
			return 0;
	}
	return 1;
}

static int
cmp_tl(const void *a, const void *b)
{
	const struct tl_rec *x = a, *y = b;

	if (x->us != y->us)
		return x->us < y->us ? -1 : 1;
	return strcmp(x->line, y->line);
}

static void
show_timeline(struct show *S)
{
	static const int cols[] = { F_TS, F_CHANNEL, F_TYPE, F_INIT, F_AGENT,
		F_DUR, F_OUTCOME, F_SAT, F_NEXT, F_NOTE };
	const size_t nc = sizeof cols / sizeof cols[0];
	const char *names[10], *cells[10];
	struct crm_table *t = crm_table_new();
	struct crm_buf out;

	qsort(S->tl, S->ntl, sizeof *S->tl, cmp_tl);
	/* Columns empty in every row say nothing: leave them out (ts,
	 * channel, type and note always stay). */
	int used[10] = { 1, 1, 1, 0, 0, 0, 0, 0, 0, 1 };
	for (size_t r = 0; r < S->ntl; r++) {
		crm_tsv_split(S->tl[r].line, S->tl[r].n, S->f, S->ncols);
		for (size_t i = 0; i < nc; i++)
			if (S->col[cols[i]] >= 0 && S->f[S->col[cols[i]]].n)
				used[i] = 1;
	}
	size_t nshow = 0;
	for (size_t i = 0; i < nc; i++)
		if (used[i])
			names[nshow++] = colname[cols[i]];
	crm_table_header(t, names, nshow);
	for (size_t r = 0; r < S->ntl; r++) {
		struct crm_field *f = S->f;
		char *cp[10];
		size_t k = 0;
		crm_tsv_split(S->tl[r].line, S->tl[r].n, f, S->ncols);
		for (size_t i = 0; i < nc; i++) {
			int c = S->col[cols[i]];
			if (!used[i])
				continue;
			if (c < 0) {
				cp[k] = NULL;
			} else {
				struct crm_field u = unesc(f[c], &S->scratch);
				cp[k] = crm_xstrndup(u.p, u.n);
			}
			cells[k] = cp[k];
			k++;
		}
		crm_table_add(t, cells, k);
		for (size_t i = 0; i < k; i++)
			free(cp[i]);
		free(S->tl[r].line);
	}
	crm_table_maxwidth(t, nshow - 1, 60);
	crm_buf_init(&out);
	crm_table_render(t, &out);
	crm_out_write(&crm_stdout, out.p, out.n);
	crm_buf_release(&out);
	crm_table_free(t);
	free(S->tl);
}

static void
tl_warn(void *ctx, const char *msg)
{
	struct show *S = ctx;

	warnx("%s", msg);
	S->status = CRM_EXIT_REJECT;
}

/* Is an entry of another source inside --since and --until? */
static int
tl_inside(const struct show *S, const struct crm_tl_entry *e)
{
	if (S->since_set && (S->since_date ? e->day < S->since :
	    e->us < S->since))
		return 0;
	if (S->until_set && (S->until_date ? e->day > S->until :
	    e->us > S->until))
		return 0;
	return 1;
}

/*
 * The timeline merged with the customer's complaint events and purchases
 * (lib/timeline.h), or written in a --format: one row per entry with the
 * columns of crm_tl_colnames.  A table leaves out the columns empty in
 * every row (ts, source and event always stay).
 */
static void
show_merged(struct show *S)
{
	struct crm_timeline tl;
	char e[1024];
	size_t keep = 0;

	crm_timeline_init(&tl);
	qsort(S->tl, S->ntl, sizeof *S->tl, cmp_tl);
	for (size_t r = 0; r < S->ntl; r++) {
		static const int from[CRM_TL_NCOLS] = { F_TS, -1, F_ID,
			F_TYPE, F_CHANNEL, F_AGENT, -1, F_SAT, -1, F_NOTE };
		const char *f[CRM_TL_NCOLS];
		size_t n[CRM_TL_NCOLS];
		char *cp[CRM_TL_NCOLS];

		crm_tsv_split(S->tl[r].line, S->tl[r].n, S->f, S->ncols);
		for (int k = 0; k < CRM_TL_NCOLS; k++) {
			int c = from[k] < 0 ? -1 : S->col[from[k]];
			struct crm_field u = { NULL, 0 };

			if (c >= 0)
				u = unesc(S->f[c], &S->scratch);
			cp[k] = c >= 0 ? crm_xstrndup(u.p, u.n) : NULL;
			f[k] = cp[k];
			n[k] = u.n;
		}
		crm_timeline_add(&tl, S->tl[r].us, S->tl[r].days,
		    CRM_TL_INTERACTION, f, n);
		for (int k = 0; k < CRM_TL_NCOLS; k++)
			free(cp[k]);
		free(S->tl[r].line);
	}
	free(S->tl);
	if (S->complaints && crm_timeline_complaints(&tl, S->complaints,
	    S->cust, tl_warn, S, e, sizeof e) < 0)
		errx(CRM_EXIT_FATAL, "--complaints: %s", e);
	if (S->transactions && crm_timeline_transactions(&tl,
	    S->transactions, S->cust, tl_warn, S, e, sizeof e) < 0)
		errx(CRM_EXIT_FATAL, "--transactions: %s", e);
	/* the interactions passed the filters already */
	for (size_t i = 0; i < tl.n; i++)
		if (tl.e[i].source == CRM_TL_INTERACTION ||
		    tl_inside(S, &tl.e[i]))
			tl.e[keep++] = tl.e[i];
		else
			for (int k = 0; k < CRM_TL_NCOLS; k++)
				free(tl.e[i].f[k]);
	tl.n = keep;
	crm_timeline_sort(&tl);

	if (S->fmt_set) {
		crm_writer_header_names(&S->w, crm_tl_colnames, CRM_TL_NCOLS);
		crm_writer_numeric(&S->w, CRM_TL_SATISFACTION, 1);
		crm_writer_numeric(&S->w, CRM_TL_AMOUNT, 1);
		for (size_t i = 0; i < tl.n; i++) {
			for (int k = 0; k < CRM_TL_NCOLS; k++)
				crm_writer_str(&S->w, tl.e[i].f[k]);
			crm_writer_end(&S->w);
		}
	} else {
		struct crm_table *t = crm_table_new();
		const char *names[CRM_TL_NCOLS], *cells[CRM_TL_NCOLS];
		int used[CRM_TL_NCOLS] = { 1, 1, 0, 1 };
		size_t nshow = 0, notecol = 0;
		struct crm_buf out;

		for (size_t i = 0; i < tl.n; i++)
			for (int k = 0; k < CRM_TL_NCOLS; k++)
				if (*tl.e[i].f[k])
					used[k] = 1;
		for (int k = 0; k < CRM_TL_NCOLS; k++)
			if (used[k])
				names[nshow++] = crm_tl_colnames[k];
		crm_table_header(t, names, nshow);
		for (int k = 0, j = 0; k < CRM_TL_NCOLS; k++) {
			if (!used[k])
				continue;
			if (k == CRM_TL_SATISFACTION || k == CRM_TL_AMOUNT)
				crm_table_align(t, (size_t)j, 1);
			if (k == CRM_TL_NOTE)
				notecol = (size_t)j + 1;
			j++;
		}
		for (size_t i = 0; i < tl.n; i++) {
			size_t j = 0;
			for (int k = 0; k < CRM_TL_NCOLS; k++)
				if (used[k])
					cells[j++] = tl.e[i].f[k];
			crm_table_add(t, cells, j);
		}
		if (notecol)
			crm_table_maxwidth(t, notecol - 1, 60);
		crm_buf_init(&out);
		crm_table_render(t, &out);
		crm_out_write(&crm_stdout, out.p, out.n);
		crm_buf_release(&out);
		crm_table_free(t);
	}
	crm_timeline_release(&tl);
}

static void
time_opt(const char *opt, const char *s, long long *v, int *is_date)
{
	long long us;
	int64_t t;
	int off;

	if (!log_date(s, strlen(s), v)) {
		*is_date = 1;
	} else if (!log_ts(s, strlen(s), &us, NULL)) {
		*v = us;
		*is_date = 0;
	} else if (!crm_ts_parse(s, strlen(s), CRM_TS_LOCAL, &t, &off)) {
		/* other ISO 8601 forms; no offset means local time */
		*v = (long long)t * 1000000;
		*is_date = 0;
	} else {
		errx(CRM_EXIT_FATAL, "%s: not a date or timestamp '%s'", opt,
		    s);
	}
}

static void
vocab_opt(const char *opt, const char *const *v, const char *s)
{
	struct crm_buf b;

	if (crm_vocab_index(v, s, strlen(s)) >= 0)
		return;
	crm_buf_init(&b);
	crm_vocab_list(v, &b);
	errx(CRM_EXIT_FATAL, "%s: unknown value '%s' (accepted: %s)", opt, s,
	    b.p);
}

static int
fmt_opt(const char *s)
{
	int fmt = crm_fmt_parse(s);

	if (fmt < 0)
		errx(CRM_EXIT_FATAL, "--format: unknown format '%s' (accepted: "
		    "tsv, csv, jsonl)", s);
	return fmt;
}

/* --excel-safe neutralises formula-like cells, which only CSV has. */
static void
excel_opt(int excel_safe, int fmt)
{
	if (excel_safe && fmt != CRM_FMT_CSV)
		errx(CRM_EXIT_FATAL, "--excel-safe applies to --format csv only");
}

/* The log to read: "-" (operand or -f -) is standard input. */
static char *
input_path(const char *file, int argc, char **argv)
{
	if (argc > 1)
		usage(CRM_EXIT_FATAL);
	if (argc == 1) {
		if (strcmp(argv[0], "-"))
			usage(CRM_EXIT_FATAL);
		if (file)
			errx(CRM_EXIT_FATAL, "give -f FILE or -, not both");
		return crm_xstrdup("-");
	}
	return log_path(file);
}

static const struct option show_opts[] = {
	{ "agent", required_argument, NULL, 'a' },
	{ "channel", required_argument, NULL, 'C' },
	{ "complaints", required_argument, NULL, 'K' },
	{ "customer", required_argument, NULL, 'c' },
	{ "excel-safe", no_argument, NULL, 'E' },
	{ "file", required_argument, NULL, 'f' },
	{ "format", required_argument, NULL, 'F' },
	{ "grep", required_argument, NULL, 'g' },
	{ "help", no_argument, NULL, 'h' },
	{ "initiator", required_argument, NULL, 'i' },
	{ "since", required_argument, NULL, 's' },
	{ "timeline", no_argument, NULL, 'L' },
	{ "transactions", required_argument, NULL, 'X' },
	{ "type", required_argument, NULL, 'T' },
	{ "until", required_argument, NULL, 'u' },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_show(int argc, char **argv)
{
	struct show S;
	struct scan sc;
	const char *file = NULL, *grep = NULL;
	char *path;
	int ch, excel_safe = 0;
	static const struct crm_lines_fn fn = { show_header, show_block,
		show_refused };

	memset(&S, 0, sizeof S);
	S.fmt = CRM_FMT_TSV;
	while ((ch = getopt_long(argc, argv, "c:f:", show_opts, NULL)) != -1) {
		switch (ch) {
		case 'a': S.agent = optarg; break;
		case 'c': S.cust = optarg; break;
		case 'C':
			vocab_opt("--channel", crm_vocab_channel, optarg);
			S.channel = optarg;
			break;
		case 'E': excel_safe = 1; break;
		case 'f': file = optarg; break;
		case 'F': S.fmt = fmt_opt(optarg); S.fmt_set = 1; break;
		case 'g': grep = optarg; break;
		case 'h': usage(CRM_EXIT_OK); break;
		case 'i':
			vocab_opt("--initiator", crm_vocab_initiator, optarg);
			S.initiator = optarg;
			break;
		case 'K': S.complaints = optarg; break;
		case 'L': S.timeline = 1; break;
		case 's':
			time_opt("--since", optarg, &S.since, &S.since_date);
			S.since_set = 1;
			break;
		case 'T':
			vocab_opt("--type", crm_vocab_type, optarg);
			S.type = optarg;
			break;
		case 'u':
			time_opt("--until", optarg, &S.until, &S.until_date);
			S.until_set = 1;
			break;
		case 'X': S.transactions = optarg; break;
		default: usage(CRM_EXIT_FATAL);
		}
	}
	argc -= optind;
	argv += optind;
	if (S.timeline && !S.cust) {
		warnx("show: --timeline needs -c ID");
		usage(CRM_EXIT_FATAL);
	}
	if ((S.complaints || S.transactions) && !S.timeline) {
		warnx("show: --complaints and --transactions need --timeline");
		usage(CRM_EXIT_FATAL);
	}
	if (S.timeline && excel_safe && !S.fmt_set)
		errx(CRM_EXIT_FATAL, "--excel-safe: --timeline writes a table, "
		    "not CSV");
	excel_opt(excel_safe, S.fmt);
	path = input_path(file, argc, argv);

	if (grep) {
		char e[256];
		S.re = crm_re_compile(grep, CRM_RE_INVALID_UTF, e, sizeof e);
		if (!S.re)
			errx(CRM_EXIT_FATAL, "--grep: %s in '%s'", e, grep);
		S.grep = grep;
		S.prefilter = prefilter_safe(grep);
	}
	crm_buf_init(&S.scratch);
	crm_buf_init(&S.scratch2);
	crm_writer_init(&S.w, &crm_stdout, S.fmt);
	S.w.excel_safe = excel_safe;
	scan_open(&sc, path, LOCK_SH, 0);
	S.name = sc.name;
	if (scan_torn_warn(&sc))
		S.status = CRM_EXIT_REJECT;
	scan_run(&sc, &fn, &S);
	if (S.timeline && (S.complaints || S.transactions || S.fmt_set))
		show_merged(&S);
	else if (S.timeline)
		show_timeline(&S);
	scan_close(&sc);
	crm_writer_release(&S.w);
	crm_out_close(&crm_stdout);
	crm_re_free(S.re);
	crm_buf_release(&S.scratch);
	crm_buf_release(&S.scratch2);
	free(S.f);
	free(path);
	return S.status;
}

/* ---- check ---- */

struct check {
	const char *name;
	long line;
	int header_ok;
	int nf;                 /* an interaction log's columns: NF, or
	                           NF_OLD for one without campaign */
	long problems;
	struct crm_strmap ids;  /* val: the line an id is first on */
	struct crm_buf msg;
	struct crm_field f[NF + 1];
	/* another kind of store file, known by its header: its columns */
	const struct crm_kind *kind;
	size_t ncols;
	char **cname;
	const struct crm_coldef **cdef; /* NULL: a column of the file's own */
	struct crm_field *kf;
	struct crm_buf norm;
	/* a complaint log: its events replayed through the fold that
	 * crm-complaint and crm-report read it with */
	struct crm_complaint_fold *fold;
	struct crm_complaint_cols ccols;
	struct crm_buf ev;      /* the line being replayed, unescaped */
};

/* The kind of store file a header names: complaints, transactions,
 * surveys by their required columns, customers by customer_id where
 * there is no id column; NULL for an interaction log (right or not). */
static const struct crm_kind *
header_kind(char **names, size_t n)
{
	static const char *const kinds[] = { "complaints", "transactions",
		"surveys", "customers" };
	int has_id = 0;

	for (size_t j = 0; j < n; j++)
		has_id |= !strcmp(names[j], "id");
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		const struct crm_kind *k = crm_kind_find(kinds[i]);
		size_t need = crm_kind_nrequired(k), got = 0;

		if (has_id && !strcmp(kinds[i], "customers"))
			break;
		for (size_t c = 0; c < need; c++)
			for (size_t j = 0; j < n; j++)
				if (!strcmp(names[j], k->cols[c].name)) {
					got++;
					break;
				}
		if (got == need)
			return k;
	}
	return NULL;
}

/* Take a header that is not the interaction log's as another kind of
 * store file when it names one; 1 when it does. */
static int
check_header_kind(struct check *C, char *p, size_t n)
{
	size_t nf = 1;
	char *line = crm_xstrndup(p, n), *s = line;

	for (size_t i = 0; i < n; i++)
		nf += p[i] == '\t';
	C->cname = crm_xcalloc(nf, sizeof *C->cname);
	for (size_t j = 0; j < nf; j++) {
		C->cname[j] = s;
		if ((s = strchr(s, '\t')) != NULL)
			*s++ = '\0';
	}
	if ((C->kind = header_kind(C->cname, nf)) == NULL) {
		free(C->cname);
		C->cname = NULL;
		free(line);
		return 0;
	}
	C->ncols = nf;
	C->cdef = crm_xcalloc(nf, sizeof *C->cdef);
	for (size_t j = 0; j < nf; j++)
		C->cdef[j] = crm_kind_col(C->kind, C->cname[j]);
	C->kf = crm_xcalloc(nf + 1, sizeof *C->kf);
	crm_buf_init(&C->norm);
	if (!strcmp(C->kind->name, "complaints") &&
	    crm_complaint_cols_names(&C->ccols, (const char *const *)C->cname,
	    nf) == 0) {
		C->fold = crm_complaint_fold_new();
		crm_complaint_fold_ordered(C->fold);
		crm_buf_init(&C->ev);
	}
	return 1;
}

/*
 * Replay the complaint event p[0..n), whose fields are all valid, through
 * the fold: an event the state of its complaint does not allow (an update
 * of a complaint never opened, a close of a closed one, an event dated
 * before the complaint's last) is reported as crm-complaint update would
 * refuse it, and left out of the state, as list and the reports leave it.
 */
static void
check_replay(struct check *C, const char *p, size_t n)
{
	struct crm_rec rec;
	struct crm_buf m;
	const char *why;
	int col;

	crm_buf_reset(&C->ev);
	crm_buf_add(&C->ev, p, n);
	rec.f = C->kf;
	rec.nf = crm_tsv_split(C->ev.p, n, C->kf, C->ncols);
	rec.line = C->line;
	for (size_t j = 0; j < rec.nf; j++) {
		C->kf[j].n = crm_tsv_unescape(C->kf[j].p, C->kf[j].n);
		C->kf[j].p[C->kf[j].n] = '\0';
	}
	if (crm_complaint_fold_add(C->fold, &C->ccols, &rec, &why, &col) >= 0)
		return;
	crm_buf_init(&m);
	if (col >= 0)
		crm_buf_addf(&m, "%s: ", C->cname[col]);
	crm_buf_addf(&m, "cannot %s ", C->kf[C->ccols.event].p);
	addquoted(&m, C->kf[C->ccols.id].p, C->kf[C->ccols.id].n);
	warnx("%s:%ld: %s: %s", C->name, C->line, m.p, why);
	crm_buf_release(&m);
	C->problems++;
}

/* A line of another kind of store file: its field count and each value
 * of a column its kind knows, as crm-import would accept it. */
static void
check_line_kind(struct check *C, char *p, size_t n)
{
	size_t nf = crm_tsv_split(p, n, C->kf, C->ncols);
	long before = C->problems;

	if (nf != C->ncols) {
		size_t real = 1;
		for (size_t i = 0; i < n; i++)
			real += p[i] == '\t';
		warnx("%s:%ld: wrong field count %zu (expected %zu)", C->name,
		    C->line, real, C->ncols);
		C->problems++;
		return;
	}
	for (size_t j = 0; j < nf; j++) {
		struct crm_field u;
		const char *why = NULL;
		struct crm_buf m;

		if (!C->cdef[j])
			continue;
		u = unesc(C->kf[j], &C->msg);
		crm_buf_reset(&C->norm);
		if (crm_utf8_valid(u.p, u.n) != u.n)
			why = "invalid UTF-8";
		else
			why = crm_normalize(C->cdef[j], u.p, u.n, NULL,
			    &C->norm);
		if (!why)
			continue;
		crm_buf_init(&m);
		addquoted(&m, u.p, u.n);
		warnx("%s:%ld: %s: %s %s", C->name, C->line, C->cname[j], why,
		    m.p);
		crm_buf_release(&m);
		C->problems++;
	}
	/* a line reported already is left out, as list leaves it out */
	if (C->fold && C->problems == before)
		check_replay(C, p, n);
}

static void
check_header(void *ctx, char *p, size_t n)
{
	struct check *C = ctx;
	struct crm_buf want, got;
	size_t hn;

	C->line = 2;
	if (!p) {
		warnx("%s: empty file (no header)", C->name);
		C->problems++;
		return;
	}
	crm_buf_init(&want);
	C->nf = NF;
	for (int k = 0; k < NF; k++) {
		if (k == NF_OLD && n == want.n && !memcmp(p, want.p, n))
			C->nf = NF_OLD;         /* a log without campaign */
		if (k)
			crm_buf_addc(&want, '\t');
		crm_buf_adds(&want, colname[k]);
	}
	if (C->nf == NF && (n != want.n || memcmp(p, want.p, n)) &&
	    !check_header_kind(C, p, n)) {
		crm_buf_init(&got);
		addquoted(&got, p, n);
		warnx("%s:1: header: not the interactions header %s "
		    "(expected %s)", C->name, got.p,
		    "id, ts, customer_id, channel, type, initiator, agent, "
		    "duration_s, outcome, satisfaction, next_action, note, "
		    "campaign; campaign may be missing");
		/* its records are still checked, against its own width when
		 * that is a log's without campaign */
		hn = 1;

		for (size_t i = 0; i < n; i++)
			hn += p[i] == '\t';
		if (hn == (size_t)NF_OLD)
			C->nf = NF_OLD;
		crm_buf_release(&got);
		C->problems++;
	}
	crm_buf_release(&want);
}

static void
check_line(struct check *C, char *p, size_t n)
{
	size_t nf;
	int isnew;

	if (C->kind) {
		check_line_kind(C, p, n);
		return;
	}
	nf = crm_tsv_split(p, n, C->f, (size_t)C->nf);
	if (nf != (size_t)C->nf) {
		size_t real = 1;
		for (size_t i = 0; i < n; i++)
			real += p[i] == '\t';
		warnx("%s:%ld: wrong field count %zu (expected %d)", C->name,
		    C->line, real, C->nf);
		C->problems++;
		return;
	}
	for (int k = 0; k < C->nf; k++) {
		struct crm_field u = unesc(C->f[k], &C->msg);
		char *copy = u.p == C->msg.p ? crm_xstrndup(u.p, u.n) : NULL;
		struct crm_buf m;

		crm_buf_init(&m);
		if (check_value(k, copy ? copy : u.p, u.n, &m) < 0) {
			warnx("%s:%ld: %s: %s", C->name, C->line, colname[k],
			    m.p);
			C->problems++;
		}
		crm_buf_release(&m);
		free(copy);
	}
	struct crm_field id = C->f[F_ID];
	if (id.n) {
		size_t *first = crm_strmap_val(&C->ids,
		    crm_strmap_add(&C->ids, id.p, id.n, &isnew));
		if (!isnew) {
			struct crm_buf m;
			crm_buf_init(&m);
			addquoted(&m, id.p, id.n);
			warnx("%s:%ld: id: duplicate id %s (first on line "
			    "%zu)", C->name, C->line, m.p, *first);
			crm_buf_release(&m);
			C->problems++;
		} else {
			*first = (size_t)C->line;
		}
	}
}

static void
check_refused(void *ctx, const char *why)
{
	struct check *C = ctx;
	int status;

	refused_line(C->name, &C->line, &status, why);
	C->problems++;
}

static void
check_block(void *ctx, char *p, size_t n)
{
	struct check *C = ctx;
	char *end = p + n;

	while (p < end) {
		char *le = memchr(p, '\n', (size_t)(end - p));
		check_line(C, p, (size_t)(le - p));
		C->line++;
		p = le + 1;
	}
}

/* Cut the torn tail of sc's file (locked LOCK_EX) off into FILE.torn or
 * FILE.torn.N, and say so. */
static void
repair_tail(struct scan *sc)
{
	size_t n = (size_t)(sc->size - sc->whole);
	char *buf = crm_xmalloc(n ? n : 1);
	struct crm_buf name;
	int fd = -1;

	if (pread(sc->fd, buf, n, sc->whole) != (ssize_t)n)
		err(CRM_EXIT_FATAL, "%s: cannot read the torn tail", sc->name);
	crm_buf_init(&name);
	for (int i = 0; fd < 0; i++) {
		crm_buf_reset(&name);
		if (i)
			crm_buf_addf(&name, "%s.torn.%d", sc->name, i);
		else
			crm_buf_addf(&name, "%s.torn", sc->name);
		fd = open(name.p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, 0600);
		if (fd < 0 && errno != EEXIST)
			err(CRM_EXIT_FATAL, "%s", name.p);
	}
	if (write(fd, buf, n) != (ssize_t)n || fsync(fd) < 0 || close(fd) < 0)
		err(CRM_EXIT_FATAL, "%s", name.p);
	if (ftruncate(sc->fd, sc->whole) < 0 || fsync(sc->fd) < 0)
		err(CRM_EXIT_FATAL, "%s: cannot cut the torn tail", sc->name);
	warnx("%s: cut off a torn last line (%zu bytes), kept in %s",
	    sc->name, n, name.p);
	crm_buf_release(&name);
	free(buf);
	sc->size = sc->whole;
}

static const struct option check_opts[] = {
	{ "file", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "repair", no_argument, NULL, 'R' },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_check(int argc, char **argv)
{
	struct check C;
	struct scan sc;
	const char *file = NULL;
	char *path;
	int ch, repair = 0;
	static const struct crm_lines_fn fn = { check_header, check_block,
		check_refused };

	while ((ch = getopt_long(argc, argv, "f:", check_opts, NULL)) != -1) {
		switch (ch) {
		case 'f': file = optarg; break;
		case 'h': usage(CRM_EXIT_OK); break;
		case 'R': repair = 1; break;
		default: usage(CRM_EXIT_FATAL);
		}
	}
	argc -= optind;
	argv += optind;
	path = input_path(file, argc, argv);
	if (repair && !strcmp(path, "-"))
		errx(CRM_EXIT_FATAL, "check: --repair needs a file, not "
		    "standard input");

	memset(&C, 0, sizeof C);
	C.nf = NF;
	crm_strmap_init(&C.ids);
	crm_buf_init(&C.msg);
	scan_open(&sc, path, repair ? LOCK_EX : LOCK_SH, 1);
	C.name = sc.name;
	if (repair && sc.whole != sc.size)
		repair_tail(&sc);
	sc.strict = 1;
	scan_run(&sc, &fn, &C);
	if (sc.is_stdin ? sc.tail != 0 : sc.size != sc.whole) {
		warnx("%s:%ld: torn last line (%lld bytes after the last "
		    "newline); 'crm-log check --repair -f %s' cuts it off%s",
		    C.name, C.line, sc.is_stdin ? (long long)sc.tail :
		    (long long)(sc.size - sc.whole), sc.is_stdin ? "FILE" :
		    C.name, sc.is_stdin ? " in the file" : "");
		C.problems++;
	}
	scan_close(&sc);
	crm_strmap_release(&C.ids);
	crm_buf_release(&C.msg);
	if (C.kind) {
		free(C.cname[0]);
		free(C.cname);
		free(C.cdef);
		free(C.kf);
		crm_buf_release(&C.norm);
		if (C.fold) {
			crm_complaint_fold_free(C.fold);
			crm_buf_release(&C.ev);
		}
	}
	free(path);
	return C.problems ? CRM_EXIT_REJECT : CRM_EXIT_OK;
}

/* ---- rekey ---- */

static const struct option rekey_opts[] = {
	{ "file", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "id-map", required_argument, NULL, 'm' },
	{ NULL, 0, NULL, 0 }
};

/*
 * Rewrite the log's customer ids through an id map, atomically and under
 * the append lock (lib/idmap.h): appends wait, then go to the new file.
 * A torn tail or another header is refused, as for an append.
 */
static int
cmd_rekey(int argc, char **argv)
{
	const char *file = NULL, *map = NULL;
	struct crm_idmap *m;
	struct crm_store *s;
	unsigned long long records = 0, changed = 0;
	char e[1024], *path;
	int ch;

	while ((ch = getopt_long(argc, argv, "f:", rekey_opts, NULL)) != -1) {
		switch (ch) {
		case 'f': file = optarg; break;
		case 'h': usage(CRM_EXIT_OK); break;
		case 'm': map = optarg; break;
		default: usage(CRM_EXIT_FATAL);
		}
	}
	if (optind != argc || !map) {
		if (!map)
			warnx("rekey: --id-map FILE is required");
		usage(CRM_EXIT_FATAL);
	}
	path = log_path(file);
	if ((m = crm_idmap_load(map, CRM_IDMAP_STRICT, e, sizeof e)) == NULL)
		errx(CRM_EXIT_FATAL, "--id-map: %s", e);
	s = crm_store_open(path, colname, NF, CRM_STORE_NOCREATE, e,
	    sizeof e);
	if (!s || crm_store_lock(s, e, sizeof e) < 0)
		errx(CRM_EXIT_FATAL, "%s", e);
	if (crm_idmap_rekey_store(s, colname[F_CUST], m, &records, &changed,
	    e, sizeof e) < 0)
		errx(CRM_EXIT_FATAL, "%s", e);
	crm_store_unlock(s);
	crm_store_close(s);
	crm_idmap_free(m);
	crm_out_printf(&crm_stdout, "%s: %llu of %llu record%s re-keyed\n",
	    path, changed, records, records == 1 ? "" : "s");
	crm_out_close(&crm_stdout);
	free(path);
	return CRM_EXIT_OK;
}

/* ---- due ---- */

enum { U_DAY, U_MONTH };

struct interval {
	int n;          /* 0: no return visits */
	int unit;       /* U_DAY or U_MONTH */
};

static long long
add_interval(long long days, struct interval iv)
{
	if (iv.unit == U_DAY)
		return days + iv.n;
	return crm_date_add_months((int32_t)days, iv.n);
}

static void
parse_interval(const char *spec, const char *s, size_t n, struct interval *iv)
{
	long v = 0;
	size_t i = 0;

	if ((n == 4 && !memcmp(s, "none", 4)) || (n == 1 && s[0] == '0')) {
		iv->n = 0;
		iv->unit = U_DAY;
		return;
	}
	while (i < n && i < 5 && (unsigned)((unsigned char)s[i] - '0') <= 9u)
		v = v * 10 + (s[i++] - '0');
	if (i == 0 || i + 1 != n || v == 0 || !strchr("dwmy", s[i]))
		errx(CRM_EXIT_FATAL, "--policy: bad interval '%.*s' in '%s' "
		    "(a number and d, w, m or y, e.g. 3m; or none)", (int)n, s,
		    spec);
	switch (s[i]) {
	case 'd': iv->n = (int)v; iv->unit = U_DAY; break;
	case 'w': iv->n = (int)v * 7; iv->unit = U_DAY; break;
	case 'm': iv->n = (int)v; iv->unit = U_MONTH; break;
	default: iv->n = (int)v * 12; iv->unit = U_MONTH; break;
	}
}

static void
parse_policy(const char *spec, struct interval *fy, struct interval *after)
{
	const char *p = spec;

	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		if (!eq)
			errx(CRM_EXIT_FATAL, "--policy: expected KEY=INTERVAL, "
			    "got '%.*s'", (int)n, p);
		size_t kl = (size_t)(eq - p);
		const char *v = eq + 1;
		size_t vl = n - kl - 1;
		if (kl == 10 && !memcmp(p, "first-year", 10))
			parse_interval(spec, v, vl, fy);
		else if (kl == 5 && !memcmp(p, "after", 5))
			parse_interval(spec, v, vl, after);
		else
			errx(CRM_EXIT_FATAL, "--policy: unknown key '%.*s' "
			    "(accepted: first-year, after)", (int)kl, p);
		p += n;
		if (*p == ',')
			p++;
	}
}

struct cust {
	const char *id;
	long long start;        /* created date, -1 unknown */
	long long first;        /* first interaction date, -1 none */
	struct crm_followup fu; /* the latest interaction's next_action */
	long long last_day;     /* its written date */
	int seen;
	int lost;               /* status lost in --customers: no return visit */
	int blacklisted;        /* blacklist 1 in --customers: never due */
};

struct due {
	const char *name;
	long long asof;
	int col[NF];
	size_t ncols;
	long line;
	int status;
	struct crm_strmap map;  /* customer id -> slot, the index into c */
	struct cust *c;
	size_t nc, ac;
	struct crm_field *f;
	struct crm_buf scratch;
};

static struct cust *
due_cust(struct due *D, const char *p, size_t n)
{
	int isnew;
	size_t i = crm_strmap_add(&D->map, p, n, &isnew);

	if (isnew) {
		crm_grow(&D->c, &D->ac, D->nc + 1, sizeof *D->c);
		struct cust *c = &D->c[D->nc++];
		memset(c, 0, sizeof *c);
		c->id = crm_strmap_key(&D->map, i, NULL);
		c->start = c->first = -1;
	}
	return &D->c[i];
}

static void
due_header(void *ctx, char *p, size_t n)
{
	struct due *D = ctx;

	if (!p)
		errx(CRM_EXIT_FATAL, "%s: empty file (no header)", D->name);
	D->ncols = header_cols(p, n, D->col);
	for (int k = F_TS; k <= F_CUST; k++)
		if (D->col[k] < 0)
			errx(CRM_EXIT_FATAL, "%s:1: no column %s", D->name,
			    colname[k]);
	D->f = crm_xcalloc(D->ncols + 2, sizeof *D->f);
	D->line = 2;
}

static void
due_bad(struct due *D, const char *field, const char *what,
    struct crm_field v)
{
	struct crm_buf m;

	crm_buf_init(&m);
	addquoted(&m, v.p, v.n);
	warnx("%s:%ld: %s: %s %s", D->name, D->line, field, what, m.p);
	crm_buf_release(&m);
	D->status = CRM_EXIT_REJECT;
}

static void
due_line(struct due *D, char *p, size_t n)
{
	struct crm_field *f = D->f;
	size_t nf = crm_tsv_split(p, n, f, D->ncols);
	long long us, day, next = -1;

	if (nf != D->ncols) {
		warnx("%s:%ld: wrong field count %zu (expected %zu)", D->name,
		    D->line, nf, D->ncols);
		D->status = CRM_EXIT_REJECT;
		return;
	}
	if (log_ts(f[D->col[F_TS]].p, f[D->col[F_TS]].n, &us, &day)) {
		due_bad(D, "ts", "not a timestamp", f[D->col[F_TS]]);
		return;
	}
	if (D->col[F_NEXT] >= 0 && f[D->col[F_NEXT]].n &&
	    log_date(f[D->col[F_NEXT]].p, f[D->col[F_NEXT]].n, &next)) {
		due_bad(D, "next_action", "not a date", f[D->col[F_NEXT]]);
		return;
	}
	if (day > D->asof)
		return;         /* after the day we look from */
	struct crm_field id = unesc(f[D->col[F_CUST]], &D->scratch);
	if (!id.n) {
		due_bad(D, "customer_id", "missing value", id);
		return;
	}
	struct cust *c = due_cust(D, id.p, id.n);
	if (!c->fu.seen || day < c->first)
		c->first = day;
	if (crm_followup_see(&c->fu, us, (int32_t)next) == 2)
		c->last_day = day;
}

static void
due_refused(void *ctx, const char *why)
{
	struct due *D = ctx;

	refused_line(D->name, &D->line, &D->status, why);
}

static void
due_block(void *ctx, char *p, size_t n)
{
	struct due *D = ctx;
	char *end = p + n;

	while (p < end) {
		char *le = memchr(p, '\n', (size_t)(end - p));
		due_line(D, p, (size_t)(le - p));
		D->line++;
		p = le + 1;
	}
}

static void
due_attr_bad(void *ctx, const char *msg, const char *id)
{
	struct due *D = ctx;

	(void)id;
	warnx("%s", msg);
	D->status = CRM_EXIT_REJECT;
}

/* Created day, status lost and blacklist of every customer of path,
 * read as crm-import writes them (custattr.h). */
static void
due_customers(struct due *D, const char *path)
{
	struct crm_custattr_opts ao;
	struct crm_custattr *a;
	char e[512];
	int why;

	memset(&ao, 0, sizeof ao);
	ao.known = 1u << CRM_ATTR_STATUS | 1u << CRM_ATTR_BLACKLIST |
	    1u << CRM_ATTR_CREATED;
	ao.bad = due_attr_bad;
	ao.ctx = D;
	if (!(a = crm_custattr_load(path, &ao, e, sizeof e, &why))) {
		if (why == CRM_CUSTATTR_ENOID)
			errx(CRM_EXIT_FATAL, "%s:1: no column customer_id",
			    path);
		errx(CRM_EXIT_FATAL, "%s", e);
	}
	for (size_t i = 0; i < crm_custattr_count(a); i++) {
		const char *id = crm_custattr_id(a, i);
		struct cust *c = due_cust(D, id, strlen(id));
		int32_t day = crm_custattr_created(a, i);

		c->lost = crm_custattr_lost(a, i);
		c->blacklisted = crm_custattr_blacklisted(a, i);
		if (day != CRM_DATE_INVALID)
			c->start = day;
	}
	crm_custattr_torn_warn(a);
	crm_custattr_free(a);
}

struct due_row {
	const char *cust;
	long long due;
	int reason;             /* 0 next_action, 1 return_visit */
	long long last;         /* -1 none */
};

static int
cmp_row(const void *a, const void *b)
{
	const struct due_row *x = a, *y = b;
	int c;

	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	if ((c = strcmp(x->cust, y->cust)))
		return c;
	return x->reason - y->reason;
}

static const struct option due_opts[] = {
	{ "as-of", required_argument, NULL, 'A' },
	{ "customers", required_argument, NULL, 'C' },
	{ "excel-safe", no_argument, NULL, 'E' },
	{ "file", required_argument, NULL, 'f' },
	{ "format", required_argument, NULL, 'F' },
	{ "help", no_argument, NULL, 'h' },
	{ "include-lost", no_argument, NULL, 'L' },
	{ "policy", required_argument, NULL, 'P' },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_due(int argc, char **argv)
{
	static const struct crm_lines_fn fn = { due_header, due_block,
		due_refused };
	static const char *const outcols[] = { "customer_id", "due", "reason",
		"last_contact" };
	struct interval fy = { 1, U_MONTH }, after = { 3, U_MONTH };
	const char *file = NULL, *customers = NULL, *asof = NULL;
	struct due D;
	struct scan sc;
	struct crm_writer w;
	struct due_row *rows = NULL;
	size_t nrows = 0, arows = 0;
	int ch, fmt = CRM_FMT_TSV, excel_safe = 0, include_lost = 0;
	char *path;

	while ((ch = getopt_long(argc, argv, "f:", due_opts, NULL)) != -1) {
		switch (ch) {
		case 'A': asof = optarg; break;
		case 'C': customers = optarg; break;
		case 'E': excel_safe = 1; break;
		case 'f': file = optarg; break;
		case 'F': fmt = fmt_opt(optarg); break;
		case 'h': usage(CRM_EXIT_OK); break;
		case 'L': include_lost = 1; break;
		case 'P': parse_policy(optarg, &fy, &after); break;
		default: usage(CRM_EXIT_FATAL);
		}
	}
	argc -= optind;
	argv += optind;
	excel_opt(excel_safe, fmt);
	path = input_path(file, argc, argv);

	memset(&D, 0, sizeof D);
	crm_strmap_init(&D.map);
	crm_buf_init(&D.scratch);
	D.asof = asof ? opt_date("--as-of", asof) : today();
	if (customers)
		due_customers(&D, customers);
	scan_open(&sc, path, LOCK_SH, 0);
	D.name = sc.name;
	if (scan_torn_warn(&sc))
		D.status = CRM_EXIT_REJECT;
	scan_run(&sc, &fn, &D);
	scan_close(&sc);

	for (size_t i = 0; i < D.nc; i++) {
		struct cust *c = &D.c[i];
		long long start = c->start >= 0 ? c->start : c->first;
		struct due_row r;

		r.cust = c->id;
		/* nobody calls a blacklisted customer, and a lost one gets
		 * no return visit (an agent's next_action still stands) */
		if (!include_lost && c->blacklisted)
			continue;
		if (!c->fu.seen) {
			if (!include_lost && c->lost)
				continue;
			/* known customer, never contacted */
			if (!fy.n || start < 0)
				continue;
			r.due = add_interval(start, fy);
			r.reason = 1;
			r.last = -1;
			if (r.due <= D.asof) {
				crm_grow(&rows, &arows, nrows + 1, sizeof *rows);
				rows[nrows++] = r;
			}
			continue;
		}
		r.last = c->last_day;
		if (c->fu.next >= 0 && c->fu.next <= D.asof) {
			r.due = c->fu.next;
			r.reason = 0;
			crm_grow(&rows, &arows, nrows + 1, sizeof *rows);
			rows[nrows++] = r;
		}
		struct interval one_year = { 12, U_MONTH };
		struct interval iv = c->last_day < add_interval(start,
		    one_year) ? fy : after;
		if (iv.n && (include_lost || !c->lost)) {
			r.due = add_interval(c->last_day, iv);
			r.reason = 1;
			if (r.due <= D.asof) {
				crm_grow(&rows, &arows, nrows + 1, sizeof *rows);
				rows[nrows++] = r;
			}
		}
	}
	qsort(rows, nrows, sizeof *rows, cmp_row);
	crm_writer_init(&w, &crm_stdout, fmt);
	w.excel_safe = excel_safe;
	crm_writer_header_names(&w, outcols, 4);
	for (size_t i = 0; i < nrows; i++) {
		char due[16], last[16];
		fmt_date(due, sizeof due, rows[i].due);
		if (rows[i].last >= 0)
			fmt_date(last, sizeof last, rows[i].last);
		else
			last[0] = '\0';
		crm_writer_str(&w, rows[i].cust);
		crm_writer_str(&w, due);
		crm_writer_str(&w, rows[i].reason ? "return_visit" :
		    "next_action");
		crm_writer_str(&w, last);
		crm_writer_end(&w);
	}
	crm_writer_release(&w);
	crm_out_close(&crm_stdout);
	free(rows);
	free(D.c);
	free(D.f);
	crm_strmap_release(&D.map);
	crm_buf_release(&D.scratch);
	free(path);
	return D.status;
}

/* ---- stats ---- */

struct stats {
	const char *name;
	int col[NF];
	size_t ncols;
	long line;
	int status;
	struct crm_strmap dim[2];       /* val: the count */
	struct crm_field *f;
	struct crm_buf scratch;
};

static void
stats_header(void *ctx, char *p, size_t n)
{
	struct stats *St = ctx;

	if (!p)
		errx(CRM_EXIT_FATAL, "%s: empty file (no header)", St->name);
	St->ncols = header_cols(p, n, St->col);
	if (St->col[F_CHANNEL] < 0 || St->col[F_TYPE] < 0)
		errx(CRM_EXIT_FATAL, "%s:1: no column %s", St->name,
		    St->col[F_CHANNEL] < 0 ? "channel" : "type");
	St->f = crm_xcalloc(St->ncols + 2, sizeof *St->f);
	St->line = 2;
}

static void
stats_refused(void *ctx, const char *why)
{
	struct stats *St = ctx;

	refused_line(St->name, &St->line, &St->status, why);
}

static void
stats_block(void *ctx, char *p, size_t n)
{
	struct stats *St = ctx;
	char *end = p + n;

	while (p < end) {
		char *le = memchr(p, '\n', (size_t)(end - p));
		size_t nf = crm_tsv_split(p, (size_t)(le - p), St->f, St->ncols);
		if (nf != St->ncols) {
			warnx("%s:%ld: wrong field count %zu (expected %zu)",
			    St->name, St->line, nf, St->ncols);
			St->status = CRM_EXIT_REJECT;
		} else {
			for (int d = 0; d < 2; d++) {
				struct crm_field v = unesc(St->f[St->col[d ?
				    F_TYPE : F_CHANNEL]], &St->scratch);
				(*crm_strmap_val(&St->dim[d],
				    crm_strmap_add(&St->dim[d], v.p, v.n,
				    NULL)))++;
			}
		}
		St->line++;
		p = le + 1;
	}
}

/* Slots of a map ordered by key (qsort's context is the map). */
static const struct crm_strmap *cmp_map;

static int
cmp_slot(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return strcmp(crm_strmap_key(cmp_map, x, NULL),
	    crm_strmap_key(cmp_map, y, NULL));
}

static const struct option stats_opts[] = {
	{ "excel-safe", no_argument, NULL, 'E' },
	{ "file", required_argument, NULL, 'f' },
	{ "format", required_argument, NULL, 'F' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_stats(int argc, char **argv)
{
	static const struct crm_lines_fn fn = { stats_header, stats_block,
		stats_refused };
	static const char *const outcols[] = { "dimension", "value", "count" };
	const char *const *vocab[2] = { crm_vocab_channel, crm_vocab_type };
	const char *dimname[2] = { "channel", "type" };
	const char *file = NULL;
	struct stats St;
	struct scan sc;
	struct crm_writer w;
	int ch, fmt = CRM_FMT_TSV, excel_safe = 0;
	char *path;

	while ((ch = getopt_long(argc, argv, "f:", stats_opts, NULL)) != -1) {
		switch (ch) {
		case 'E': excel_safe = 1; break;
		case 'f': file = optarg; break;
		case 'F': fmt = fmt_opt(optarg); break;
		case 'h': usage(CRM_EXIT_OK); break;
		default: usage(CRM_EXIT_FATAL);
		}
	}
	argc -= optind;
	argv += optind;
	excel_opt(excel_safe, fmt);
	path = input_path(file, argc, argv);

	memset(&St, 0, sizeof St);
	crm_strmap_init(&St.dim[0]);
	crm_strmap_init(&St.dim[1]);
	crm_buf_init(&St.scratch);
	scan_open(&sc, path, LOCK_SH, 0);
	St.name = sc.name;
	if (scan_torn_warn(&sc))
		St.status = CRM_EXIT_REJECT;
	scan_run(&sc, &fn, &St);
	scan_close(&sc);

	crm_writer_init(&w, &crm_stdout, fmt);
	w.excel_safe = excel_safe;
	crm_writer_header_names(&w, outcols, 3);
	crm_writer_numeric(&w, 2, 1);
	for (int d = 0; d < 2; d++) {
		struct crm_strmap *m = &St.dim[d];
		size_t *other = crm_xcalloc(crm_strmap_count(m) + 1,
		    sizeof *other);
		size_t no = 0, len;

		/* the vocabulary in its own order, then anything else */
		for (size_t i = 0; i < crm_strmap_count(m); i++) {
			const char *k = crm_strmap_key(m, i, &len);
			if (crm_vocab_index(vocab[d], k, len) < 0)
				other[no++] = i;
		}
		for (const char *const *v = vocab[d]; *v; v++) {
			size_t i = crm_strmap_find(m, *v, strlen(*v));
			if (i == CRM_STRMAP_NONE)
				continue;
			crm_writer_str(&w, dimname[d]);
			crm_writer_str(&w, *v);
			crm_writer_fieldf(&w, "%zu", *crm_strmap_val(m, i));
			crm_writer_end(&w);
		}
		cmp_map = m;
		qsort(other, no, sizeof *other, cmp_slot);
		for (size_t i = 0; i < no; i++) {
			const char *k = crm_strmap_key(m, other[i], &len);
			crm_writer_str(&w, dimname[d]);
			crm_writer_field(&w, k, len);
			crm_writer_fieldf(&w, "%zu", *crm_strmap_val(m,
			    other[i]));
			crm_writer_end(&w);
		}
		free(other);
		crm_strmap_release(m);
	}
	crm_writer_release(&w);
	crm_out_close(&crm_stdout);
	free(St.f);
	crm_buf_release(&St.scratch);
	free(path);
	return St.status;
}

int
main(int argc, char *argv[])
{
	const char *pause;

	crm_cli_locale();
	ikind = crm_kind_find("interactions");
	if (!ikind || ikind->ncols != NF)
		errx(CRM_EXIT_FATAL, "interactions kind out of step");
	for (int k = 0; k < NF; k++)
		colname[k] = ikind->cols[k].name;
	if ((pause = getenv("CRM_TEST_PAUSE_WRITE")) && *pause) {
		test_pause_set = 1;
		test_pause_secs = (unsigned)atoi(pause);
	}

	if (argc < 2)
		usage(CRM_EXIT_FATAL);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		usage(CRM_EXIT_OK);
	if (!strcmp(argv[1], "--version"))
		crm_cli_version();
	argc--;
	argv++;
	if (!strcmp(argv[0], "add"))
		return cmd_add(argc, argv);
	if (!strcmp(argv[0], "check"))
		return cmd_check(argc, argv);
	if (!strcmp(argv[0], "due"))
		return cmd_due(argc, argv);
	if (!strcmp(argv[0], "rekey"))
		return cmd_rekey(argc, argv);
	if (!strcmp(argv[0], "show"))
		return cmd_show(argc, argv);
	if (!strcmp(argv[0], "stats"))
		return cmd_stats(argc, argv);
	warnx("unknown command '%s'", argv[0]);
	usage(CRM_EXIT_FATAL);
}
