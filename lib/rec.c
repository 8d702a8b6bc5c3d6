/*
 * rec: the record stream reader (TSV fast path, CSV through libcsv).
 *
 * Input arrives in large blocks (converted to UTF-8 by iconv when an
 * encoding is named).  TSV lines are found with memchr and split in place:
 * tabs and the newline become NULs and escapes are undone inside the block,
 * so a record costs no allocation at all.  CSV goes through libcsv, fed one
 * physical line at a time so that every record knows the line it started on
 * and an unterminated quote can be reported with the line where it opened;
 * completed records queue in one byte buffer until they are handed out.
 */
#include "rec.h"
#include "store.h"
#include "strmap.h"
#include "util.h"
#include "value.h"

#include <csv.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define BLOCK (1048576)
#define PAD 64                  /* bytes past buf[cap]: room for the NUL that
                                   ends the last line, and for the 64-byte
                                   loads of the TSV fast path */

/* libcsv's parser states (csv_parser.pstate), which its header does not
 * name: we read them between calls to know whether a row or a quoted field
 * is still open. */
enum { CSV_ROW_NOT_BEGUN = 0, CSV_FIELD_NOT_BEGUN = 1, CSV_FIELD_BEGUN = 2,
	CSV_FIELD_MIGHT_HAVE_ENDED = 3 };

struct qfield {
	size_t off, n;
};

struct qrec {
	size_t first, nf;       /* fields cf[first .. first+nf) */
	long line;
	int bad;                /* CRM_READ_BAD with message in msg */
	size_t msg;             /* offset of the message in r->msgs */
};

struct crm_reader {
	int fd, own_fd;
	long long left;         /* opts.store: bytes still to read, or -1 */
	long long torn;         /* opts.store: bytes left out after them */
	char *name;
	struct crm_read_opts o;
	int csv;

	char *buf;              /* block buffer: unread data is [start, end) */
	size_t cap, start, end, scan;
	int eof, started;
	unsigned long long bytes;
	long line;              /* lines fully consumed */

	iconv_t cd;             /* (iconv_t)-1 when not converting */
	char *ibuf;
	size_t icap, ilen;

	struct crm_field *f;    /* fields handed out */
	size_t falloc;

	int hdr_state;          /* 0 unread, 1 read, -1 none */
	struct crm_rec hdr;
	char *hdr_bytes;

	/* TSV: skipping the rest of an over-long line */
	int skipping;
	int nofast;             /* the TSV fast path failed on this line */
	int fastok;             /* the TSV fast path may be tried (the
	                           header is read, the input is TSV and has
	                           begun), as of the last general read */
	size_t wantnf;          /* fields every record must have, or 0 */
	/* TSV fast path: where the 64 bytes at buf[mpos] hold newlines, tabs,
	 * and bytes the general path must see (bit i for buf[mpos + i]);
	 * valid while mok, until the next fill */
	size_t mpos;
	uint64_t mnl, mtab, mbad;
	uint64_t mcr, mhigh;    /* carriage returns (CSV), bytes >= 0x80; in
	                           CSV mtab holds the delimiters and mbad the
	                           quotes and NULs */
	int mok;
	int csvfast;            /* the CSV delimiter allows csv_fast */

	/* CSV */
	struct csv_parser cp;
	int cp_init;
	struct crm_buf cb;      /* bytes of queued records and the current one */
	struct qfield *cf;
	size_t ncf, acf;
	struct qrec *cr;
	size_t ncr, acr, cq;
	size_t cur_first;       /* first field of the record being built */
	size_t cur_bytes;
	long cur_line, quote_line;
	int cur_bad;
	struct crm_buf msgs;    /* messages of queued bad records */
	size_t pending_msg;
	int fatal;

	char err[1024];
};

static size_t csv_cap;          /* libcsv's entry buffer limit (see csv_realloc) */

static void *
csv_realloc(void *p, size_t n)
{
	if (n > csv_cap)
		return NULL;
	return realloc(p, n);
}

static int
csv_no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void
seterr_plain(struct crm_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
seterr_plain(struct crm_reader *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof r->err, fmt, ap);
	va_end(ap);
}

static void
fmt_colname(struct crm_reader *r, int col, char *out, size_t outlen)
{
	if (r->hdr_state == 1 && col >= 0 && (size_t)col < r->hdr.nf &&
	    r->hdr.f[col].n)
		snprintf(out, outlen, "%s", r->hdr.f[col].p);
	else
		snprintf(out, outlen, "field %d", col + 1);
}

static void
vformat_msg(struct crm_reader *r, struct crm_buf *b, long line, int col,
    const char *value, size_t vlen, const char *fmt, va_list ap)
{
	char cn[256];

	crm_buf_addf(b, "%s:%ld: ", r->name, line);
	if (col >= 0) {
		fmt_colname(r, col, cn, sizeof cn);
		crm_buf_addf(b, "%s: ", cn);
	}
	crm_buf_vaddf(b, fmt, ap);
	if (value) {
		crm_buf_addc(b, ' ');
		crm_buf_addquoted(b, value, vlen);
	}
}

const char *
crm_reader_seterr(struct crm_reader *r, long line, int col, const char *value,
    size_t vlen, const char *fmt, ...)
{
	struct crm_buf b;
	va_list ap;

	crm_buf_init(&b);
	va_start(ap, fmt);
	vformat_msg(r, &b, line, col, value, vlen, fmt, ap);
	va_end(ap);
	snprintf(r->err, sizeof r->err, "%s", b.p);
	crm_buf_release(&b);
	return r->err;
}

static int
ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcasecmp(s + a - b, suf);
}

static struct crm_reader *
reader_new(int fd, int own, const char *name, const struct crm_read_opts *opts,
    char *err, size_t errlen)
{
	struct crm_reader *r = crm_xcalloc(1, sizeof *r);

	r->fd = fd;
	r->own_fd = own;
	r->left = -1;
	r->name = crm_xstrdup(name);
	if (opts)
		r->o = *opts;
	if (!r->o.max_field)
		r->o.max_field = CRM_MAX_FIELD_DEFAULT;
	if (!r->o.max_record)
		r->o.max_record = CRM_MAX_RECORD_DEFAULT;
	if (r->o.max_field > r->o.max_record)
		r->o.max_record = r->o.max_field;
	if (!r->o.delim)
		r->o.delim = ',';
	if (!r->o.max_fields)
		r->o.max_fields = CRM_MAX_FIELDS_DEFAULT;
	if (!r->o.block)
		r->o.block = BLOCK;
	if (r->o.block < 16)
		r->o.block = 16;
	switch (r->o.format) {
	case CRM_IN_CSV: r->csv = 1; break;
	case CRM_IN_TSV: r->csv = 0; break;
	default: r->csv = ends_with(name, ".csv"); break;
	}
	r->cd = (iconv_t)-1;
	if (r->o.encoding && *r->o.encoding &&
	    strcasecmp(r->o.encoding, "UTF-8") && strcasecmp(r->o.encoding, "UTF8")) {
		r->cd = iconv_open("UTF-8", r->o.encoding);
		if (r->cd == (iconv_t)-1) {
			snprintf(err, errlen, "unknown encoding '%s'",
			    r->o.encoding);
			if (own)
				close(fd);
			free(r->name);
			free(r);
			return NULL;
		}
		r->icap = r->o.block;
		r->ibuf = crm_xmalloc(r->icap);
	}
	r->cap = r->o.block;
	r->buf = crm_xmalloc(r->cap + PAD);
	crm_pipe_widen(fd);
	crm_buf_init(&r->cb);
	crm_buf_init(&r->msgs);
	/* (a delimiter csv_fast treats as a line end, a quote, or as
	 * part of a UTF-8 sequence is left to libcsv) */
	r->csvfast = r->o.delim != '\n' && r->o.delim != '\r' &&
	    r->o.delim != '"' && r->o.delim > 0 && r->o.delim < 0x80 &&
	    !r->o.general;
	if (r->csv) {
		csv_init(&r->cp, CSV_REPALL_NL);
		csv_set_delim(&r->cp, (unsigned char)r->o.delim);
		csv_set_space_func(&r->cp, csv_no_space);
		csv_set_realloc_func(&r->cp, csv_realloc);
		csv_set_blk_size(&r->cp, 4096);
		r->cp_init = 1;
	}
	return r;
}

/* opts.store: where the file ends in whole lines, as of now.  Writers
 * append whole records under an exclusive lock, so under the shared one
 * the file ends at a record, unless a crash tore its last line. */
static int
store_snapshot(struct crm_reader *r, char *err, size_t errlen)
{
	struct stat st;
	char e[256];
	off_t whole;

	while (flock(r->fd, LOCK_SH) < 0)
		if (errno != EINTR) {
			snprintf(err, errlen, "%s: cannot lock: %s", r->name,
			    strerror(errno));
			return -1;
		}
	if (fstat(r->fd, &st) < 0 ||
	    (whole = crm_store_whole_size(r->fd, e, sizeof e)) < 0) {
		snprintf(err, errlen, "%s: %s", r->name, strerror(errno));
		flock(r->fd, LOCK_UN);
		return -1;
	}
	flock(r->fd, LOCK_UN);
	r->left = (long long)whole;
	r->torn = (long long)(st.st_size - whole);
	return 0;
}

long long
crm_reader_torn(const struct crm_reader *r)
{
	return r->torn;
}

int
crm_reader_torn_warn(const struct crm_reader *r)
{
	if (!r->torn)
		return 0;
	warnx("%s: torn last line ignored (%lld bytes after the last "
	    "newline)", r->name, r->torn);
	return 1;
}

struct crm_reader *
crm_reader_open(const char *path, const struct crm_read_opts *opts, char *err,
    size_t errlen)
{
	struct stat st = { 0 };
	int fd;

	if (!path || !strcmp(path, "-"))
		return reader_new(0, 0, "-", opts, err, errlen);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: %s", path, strerror(EISDIR));
		close(fd);
		return NULL;
	}
	struct crm_reader *r = reader_new(fd, 1, path, opts, err, errlen);
	if (r && r->o.store && !r->csv && S_ISREG(st.st_mode) &&
	    store_snapshot(r, err, errlen) < 0) {
		crm_reader_close(r);
		return NULL;
	}
	return r;
}

struct crm_reader *
crm_reader_fdopen(int fd, const char *name, const struct crm_read_opts *opts,
    char *err, size_t errlen)
{
	return reader_new(fd, 0, name, opts, err, errlen);
}

void
crm_reader_close(struct crm_reader *r)
{
	if (!r)
		return;
	if (r->own_fd)
		close(r->fd);
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	if (r->cp_init)
		csv_free(&r->cp);
	free(r->ibuf);
	free(r->buf);
	free(r->f);
	free(r->hdr.f);
	free(r->hdr_bytes);
	free(r->cf);
	free(r->cr);
	crm_buf_release(&r->cb);
	crm_buf_release(&r->msgs);
	free(r->name);
	free(r);
}

const char *
crm_reader_error(const struct crm_reader *r)
{
	return r->err;
}

const char *
crm_reader_name(const struct crm_reader *r)
{
	return r->name;
}

int
crm_reader_is_csv(const struct crm_reader *r)
{
	return r->csv;
}

unsigned long long
crm_reader_bytes(const struct crm_reader *r)
{
	return r->bytes;
}

static ssize_t
read_some(struct crm_reader *r, char *p, size_t n)
{
	if (r->left >= 0 && (long long)n > r->left)
		n = (size_t)r->left;
	if (!n)
		return 0;
	for (;;) {
		ssize_t k = read(r->fd, p, n);
		if (k > 0 && r->left >= 0)
			r->left -= k;
		if (k < 0 && errno == EINTR)
			continue;
		if (k > 0)
			r->bytes += (unsigned long long)k;
		return k;
	}
}

/*
 * A byte of the input that iconv cannot convert is put in the converted
 * text as four bytes 0xF8..0xFB, two bits of it each: bytes that never
 * occur in UTF-8 (so the UTF-8 check of every path stops at them) and
 * that iconv never writes, so they cannot be mistaken for text.  The
 * record holding them is rejected with the bytes as they were.
 */
#define MARK_LEN 4

static void
mark_byte(char *out, unsigned char b)
{
	out[0] = (char)(0xf8 | (b >> 6));
	out[1] = (char)(0xf8 | ((b >> 4) & 3));
	out[2] = (char)(0xf8 | ((b >> 2) & 3));
	out[3] = (char)(0xf8 | (b & 3));
}

static int
is_mark(unsigned char c)
{
	return c >= 0xf8 && c <= 0xfb;
}

/* Put the marked bytes of p[0..n) back as they were, in place; returns
 * the new length (NUL-terminated when shorter). */
static size_t
unmark(char *p, size_t n)
{
	size_t i = 0, j = 0;

	while (i < n) {
		if (is_mark((unsigned char)p[i]) && n - i >= MARK_LEN) {
			unsigned b = 0;

			for (int k = 0; k < MARK_LEN; k++)
				b = b << 2 | ((unsigned char)p[i + k] & 3);
			p[j++] = (char)b;
			i += MARK_LEN;
		} else {
			p[j++] = p[i++];
		}
	}
	if (j < n)
		p[j] = '\0';
	return j;
}

/* The reason for a field with marked bytes: the encoding named, and the
 * usual cure when it is a narrow Chinese one. */
static const char *
enc_reason(const struct crm_reader *r)
{
	static const char *const narrow[] = { "GBK", "GB2312", "CP936",
		"EUC-CN", "EUCCN", NULL };
	static char why[128];

	for (int i = 0; narrow[i]; i++)
		if (!strcasecmp(r->o.encoding, narrow[i])) {
			snprintf(why, sizeof why, "not valid %s text (try "
			    "--encoding GB18030)", r->o.encoding);
			return why;
		}
	snprintf(why, sizeof why, "not valid %s text", r->o.encoding);
	return why;
}

/*
 * Make room and read more data into buf[end..].  Returns 1 when data was
 * added, 0 at end of input, -1 on error (message set).  Unread data is moved
 * to the front first; the buffer grows only when it is full of unread data,
 * and never past limit bytes of unread data (then 0 is returned with eof
 * still clear and the caller handles the over-long record).
 */
static int
fill(struct crm_reader *r, size_t limit)
{
	size_t unread = r->end - r->start;

	r->mok = 0;
	if (r->eof)
		return 0;
	if (r->start) {
		memmove(r->buf, r->buf + r->start, unread);
		r->end = unread;
		r->start = 0;
	}
	if (r->cap - r->end < 16) {
		if (r->cap >= limit + 1)
			return 0;
		size_t ncap = r->cap * 2;
		if (ncap > limit + 1)
			ncap = limit + 1;
		r->buf = crm_xrealloc(r->buf, ncap + PAD);
		r->cap = ncap;
	}
	for (;;) {
		size_t room = r->cap - r->end;
		ssize_t k;

		if (r->cd == (iconv_t)-1) {
			k = read_some(r, r->buf + r->end, room);
			if (k < 0) {
				seterr_plain(r, "%s: read error: %s", r->name,
				    strerror(errno));
				return -1;
			}
			if (k == 0) {
				r->eof = 1;
				break;
			}
			r->end += (size_t)k;
		} else {
			int at_eof = 0;
			if (r->ilen < r->icap) {
				k = read_some(r, r->ibuf + r->ilen,
				    r->icap - r->ilen);
				if (k < 0) {
					seterr_plain(r, "%s: read error: %s",
					    r->name, strerror(errno));
					return -1;
				}
				if (k == 0)
					at_eof = 1;
				r->ilen += (size_t)k;
			}
			char *in = r->ibuf, *out = r->buf + r->end;
			size_t inleft = r->ilen, outleft = room;
			size_t rc = iconv(r->cd, &in, &inleft, &out, &outleft);
			int e = errno;
			size_t produced = room - outleft;
			r->end += produced;
			if (rc == (size_t)-1 && e == EILSEQ) {
				/* a byte the encoding does not allow: kept,
				 * marked, for its record to be rejected */
				if (outleft < MARK_LEN) {
					memmove(r->ibuf, in, inleft);
					r->ilen = inleft;
					if (produced)
						break;
					return 0;       /* no room for it */
				}
				mark_byte(out, (unsigned char)*in);
				r->end += MARK_LEN;
				in++;
				inleft--;
				memmove(r->ibuf, in, inleft);
				r->ilen = inleft;
				break;
			}
			memmove(r->ibuf, in, inleft);
			r->ilen = inleft;
			if (at_eof) {
				/* an incomplete character at the end: its
				 * bytes are marked as bad bytes are */
				size_t k2 = 0;
				while (k2 < r->ilen &&
				    r->cap - r->end >= MARK_LEN) {
					mark_byte(r->buf + r->end,
					    (unsigned char)r->ibuf[k2++]);
					r->end += MARK_LEN;
				}
				memmove(r->ibuf, r->ibuf + k2, r->ilen - k2);
				r->ilen -= k2;
				if (r->ilen)
					break;
				r->eof = 1;
				break;
			}
			if (produced == 0 && rc == (size_t)-1 && e == E2BIG)
				return 0;       /* no room for one more character */
			if (produced == 0)
				continue;
		}
		break;
	}
	if (!r->started && (r->end - r->start >= 3 || r->eof)) {
		r->started = 1;
		if (r->end - r->start >= 3 &&
		    !memcmp(r->buf + r->start, "\xef\xbb\xbf", 3))
			r->start += 3;
	}
	return r->end > r->start || !r->eof ? 1 : 0;
}

/* Undo \t \n \r \\ in place; other backslashes are kept as they are. */
size_t
crm_tsv_unescape(char *p, size_t n)
{
	char *bs = memchr(p, '\\', n);
	size_t i, j;

	if (!bs)
		return n;
	i = j = (size_t)(bs - p);
	while (i < n) {
		char c = p[i];
		if (c == '\\' && i + 1 < n) {
			char d = p[i + 1];
			char u = d == 't' ? '\t' : d == 'n' ? '\n' :
			    d == 'r' ? '\r' : d == '\\' ? '\\' : 0;
			if (u) {
				p[j++] = u;
				i += 2;
				continue;
			}
		}
		p[j++] = c;
		i++;
	}
	p[j] = '\0';
	return j;
}

static void
fields_reserve(struct crm_reader *r, size_t n)
{
	crm_grow(&r->f, &r->falloc, n, sizeof *r->f);
}

/*
 * Split one line (NUL-terminated at len) in place into r->f at delim: a
 * TSV line (escapes undone), or a quote-free CSV line, which splits on the
 * delimiter exactly as libcsv would.
 */
static int
split_line(struct crm_reader *r, char *line, size_t len, long lineno,
    struct crm_rec *rec, int delim, int tsv)
{
	size_t nf = 0, ok = crm_utf8_valid(line, len);
	char *p = line, *e = line + len;
	int unescape = tsv && memchr(line, '\\', len) != NULL;

	for (;;) {
		char *t = memchr(p, delim, (size_t)(e - p));
		size_t n = t ? (size_t)(t - p) : (size_t)(e - p);
		if (nf == r->o.max_fields) {
			rec->f = r->f;
			rec->nf = nf;
			rec->line = lineno;
			crm_reader_seterr(r, lineno, -1, NULL, 0,
			    "more than %zu fields", r->o.max_fields);
			return CRM_READ_BAD;
		}
		fields_reserve(r, nf + 1);
		p[n] = '\0';
		r->f[nf].p = p;
		r->f[nf].n = n;
		nf++;
		if (!t)
			break;
		p = t + 1;
	}
	rec->f = r->f;
	rec->nf = nf;
	rec->line = lineno;
	if (ok != len) {
		/* find the field holding the bad byte */
		size_t col = 0;
		while (col + 1 < nf && r->f[col + 1].p <= line + ok)
			col++;
		if (r->cd != (iconv_t)-1 && is_mark((unsigned char)line[ok])) {
			for (size_t i = 0; i < nf; i++)
				r->f[i].n = unmark(r->f[i].p, r->f[i].n);
			crm_reader_seterr(r, lineno, (int)col, r->f[col].p,
			    r->f[col].n, "%s", enc_reason(r));
			return CRM_READ_BAD;
		}
		crm_reader_seterr(r, lineno, (int)col, r->f[col].p,
		    r->f[col].n, line[ok] ? "invalid UTF-8" : "NUL byte in");
		return CRM_READ_BAD;
	}
	if (len > r->o.max_record) {
		crm_reader_seterr(r, lineno, -1, NULL, 0,
		    "record longer than %zu bytes", r->o.max_record);
		return CRM_READ_BAD;
	}
	for (size_t i = 0; i < nf; i++) {
		if (unescape)
			r->f[i].n = crm_tsv_unescape(r->f[i].p, r->f[i].n);
		if (r->f[i].n > r->o.max_field) {
			crm_reader_seterr(r, lineno, (int)i, r->f[i].p,
			    r->f[i].n, "field longer than %zu bytes",
			    r->o.max_field);
			return CRM_READ_BAD;
		}
	}
	return CRM_READ_OK;
}

#ifdef __SSE2__
/* Compute the masks of the 64 bytes at buffer offset c (see struct
 * crm_reader), with no bits for bytes at or past the end of the data. */
static inline __attribute__((always_inline)) void
masks(struct crm_reader *r, size_t c, const int csv)
{
	const __m128i nlv = _mm_set1_epi8('\n'),
	    sepv = _mm_set1_epi8(csv ? (char)r->o.delim : '\t'),
	    spv = _mm_set1_epi8(csv ? '"' : '\\'), zv = _mm_setzero_si128(),
	    crv = _mm_set1_epi8('\r');
	const char *p = r->buf + c;
	uint64_t nl = 0, sep = 0, bad = 0, cr = 0, hi = 0;
	uint64_t valid = ~(uint64_t)0;

	/* the four 16-byte steps written out: as a loop they were not
	 * unrolled, and its control cost a third as much as the work */
#define CHUNK_STEP(k) do {						\
		__m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * (k))); \
		__m128i sp = _mm_or_si128(_mm_cmpeq_epi8(v, spv),	\
		    _mm_cmpeq_epi8(v, zv));				\
									\
		nl |= (uint64_t)(unsigned)_mm_movemask_epi8(		\
		    _mm_cmpeq_epi8(v, nlv)) << 16 * (k);		\
		sep |= (uint64_t)(unsigned)_mm_movemask_epi8(		\
		    _mm_cmpeq_epi8(v, sepv)) << 16 * (k);		\
		bad |= (uint64_t)(unsigned)_mm_movemask_epi8(sp)	\
		    << 16 * (k);					\
		hi |= (uint64_t)(unsigned)_mm_movemask_epi8(v)		\
		    << 16 * (k);					\
		if (csv)						\
			cr |= (uint64_t)(unsigned)_mm_movemask_epi8(	\
			    _mm_cmpeq_epi8(v, crv)) << 16 * (k);	\
	} while (0)
	CHUNK_STEP(0);
	CHUNK_STEP(1);
	CHUNK_STEP(2);
	CHUNK_STEP(3);
#undef CHUNK_STEP
	if (r->end - c < 64)
		valid = ((uint64_t)1 << (r->end - c)) - 1;
	r->mpos = c;
	r->mnl = nl & valid;
	r->mtab = sep & valid;
	r->mbad = bad & valid;
	r->mcr = cr & valid;
	r->mhigh = hi & valid;
	r->mok = 1;
}

/* The TSV masks: newlines, tabs, backslashes and NULs (in mbad), bytes
 * >= 0x80. */
static void
chunk_masks(struct crm_reader *r, size_t c)
{
	masks(r, c, 0);
}

/* The CSV masks: newlines, delimiters (in mtab), quotes and NULs (in
 * mbad), carriage returns, bytes >= 0x80. */
static void
csv_chunk_masks(struct crm_reader *r, size_t c)
{
	masks(r, c, 1);
}

/*
 * The common line in one pass: find the newline and the tabs 64 bytes at a
 * time (the masks of the last 64 bytes are kept, as the next line mostly
 * starts in them), and make sure the line holds nothing the general path
 * would treat specially (a NUL, a backslash escape) and that its bytes
 * outside ASCII are valid UTF-8.  Returns CRM_READ_OK with the record
 * split, or 0 when the line is not such a line, or its end is not in the
 * buffer, or a limit could be reached: the general path then reads it.
 */
static int
tsv_fast(struct crm_reader *r, struct crm_rec *rec)
{
	size_t s = r->start, pos = s, nf = 0, fstart = s, len, nlpos, i;
	char *buf = r->buf;
	struct crm_field *f;
	size_t falloc;
	uint64_t high = 0;
	size_t fhigh = 0;       /* the line's first byte outside ASCII */

	if (r->falloc < 64)
		fields_reserve(r, 64);
	f = r->f;
	falloc = r->falloc;
	/* the fields found first, the line checked, and only then split */
	for (;;) {
		size_t c = pos & ~(size_t)63;
		uint64_t from, nl, tab, keep = ~(uint64_t)0;

		if (c >= r->end)
			return 0;       /* no newline in the buffer yet */
		if (!r->mok || r->mpos != c)
			chunk_masks(r, c);
		from = ~(uint64_t)0 << (pos - c);
		nl = r->mnl & from;
		if (nl)
			keep = (nl & -nl) - 1;  /* the bytes before the newline */
		if (r->mbad & from & keep)
			return 0;
		if (!high && (r->mhigh & from & keep)) {
			high = r->mhigh & from & keep;
			fhigh = c + (size_t)__builtin_ctzll(high);
		}
		for (tab = r->mtab & from & keep; tab; tab &= tab - 1) {
			size_t t = c + (size_t)__builtin_ctzll(tab);

			if (nf + 2 > falloc) {
				if (nf + 2 > r->o.max_fields)
					return 0;
				fields_reserve(r, nf + 2);
				f = r->f;
				falloc = r->falloc;
			}
			f[nf].p = buf + fstart;
			f[nf].n = t - fstart;
			nf++;
			fstart = t + 1;
		}
		if (nl) {
			nlpos = c + (size_t)__builtin_ctzll(nl);
			break;
		}
		pos = c + 64;
		if (pos - s > r->o.max_record)
			return 0;
	}
	len = nlpos;
	if (len > s && buf[len - 1] == '\r' && len - 1 >= fstart)
		len--;
	if (len == s || len - s > r->o.max_record || len - s > r->o.max_field)
		return 0;       /* a blank line, or a limit to check */
	/* text outside ASCII (Chinese notes) is read here too, once it is
	 * valid UTF-8 from its first such byte on (the bytes before it are
	 * ASCII, and NUL is in mbad); the general path reports a line that
	 * is not */
	if (high && fhigh < len &&
	    crm_utf8_valid(buf + fhigh, len - fhigh) != len - fhigh)
		return 0;
	for (i = 0; i < nf; i++)
		f[i].p[f[i].n] = '\0';
	f[nf].p = buf + fstart;
	f[nf].n = len - fstart;
	buf[len] = '\0';
	nf++;
	r->start = nlpos + 1;
	r->scan = 0;
	rec->f = f;
	rec->nf = nf;
	rec->line = ++r->line;
	return CRM_READ_OK;
}
#endif

static int
tsv_next(struct crm_reader *r, struct crm_rec *rec)
{
	for (;;) {
		char *base = r->buf + r->start;
		size_t avail = r->end - r->start;
		char *nl = NULL;

#ifdef __SSE2__
		if (r->nofast)
			r->nofast = 0;  /* crm_reader_next has just tried */
		else if (!r->skipping && r->scan == 0 && !r->o.general &&
		    tsv_fast(r, rec) ==
		    CRM_READ_OK)
			return CRM_READ_OK;
#endif

		if (avail > r->scan)
			nl = memchr(base + r->scan, '\n', avail - r->scan);
		if (r->skipping) {
			if (!nl) {
				r->start = r->end;
				r->scan = 0;
				int k = fill(r, r->o.max_record);
				if (k < 0)
					return CRM_READ_FATAL;
				if (k == 0 && r->eof) {
					r->skipping = 0;
					r->line++;
					return CRM_READ_EOF;
				}
				continue;
			}
			r->start += (size_t)(nl - base) + 1;
			r->scan = 0;
			r->skipping = 0;
			r->line++;
			continue;
		}
		if (!nl) {
			r->scan = avail;
			if (!r->eof) {
				int k = fill(r, r->o.max_record);
				if (k < 0)
					return CRM_READ_FATAL;
				if (k > 0 || r->eof)
					continue;
				/* the buffer is full and holds no newline */
				r->skipping = 1;
				r->start = r->end;
				r->scan = 0;
				rec->f = r->f;
				rec->nf = 0;
				rec->line = r->line + 1;
				crm_reader_seterr(r, r->line + 1, -1, NULL, 0,
				    "record longer than %zu bytes",
				    r->o.max_record);
				return CRM_READ_BAD;
			}
			if (avail == 0)
				return CRM_READ_EOF;
			nl = base + avail;      /* last line, no newline */
		}
		size_t len = (size_t)(nl - base);
		long lineno = ++r->line;
		r->start += len + (nl < r->buf + r->end ? 1 : 0);
		r->scan = 0;
		if (len > r->o.max_record) {
			rec->f = r->f;
			rec->nf = 0;
			rec->line = lineno;
			crm_reader_seterr(r, lineno, -1, NULL, 0,
			    "record longer than %zu bytes", r->o.max_record);
			return CRM_READ_BAD;
		}
		if (len && base[len - 1] == '\r')
			len--;
		if (len == 0)
			continue;       /* blank lines carry no record */
		base[len] = '\0';
		return split_line(r, base, len, lineno, rec, '\t', 1);
	}
}

/* ---- CSV through libcsv ---- */

/*
 * The record being built is over a cap (what: 'f' field col past
 * max_field, 'n' more than max_fields, 'r' past max_record): it becomes
 * bad with the message naming the line where it starts, holds an empty
 * field in place of col, and keeps nothing more of its bytes; the
 * parser goes on, so that reading resumes with the next record.
 */
static void
csv_overcap(struct crm_reader *r, size_t col, int what)
{
	struct crm_buf *m = &r->msgs;

	if (r->cur_bad == 1)
		return;
	r->pending_msg = m->n;
	crm_buf_addf(m, "%s:%ld: ", r->name, r->cur_line);
	if (what == 'f') {
		char cn[256];
		fmt_colname(r, (int)col, cn, sizeof cn);
		crm_buf_addf(m, "%s: field longer than %zu bytes", cn,
		    r->o.max_field);
	} else if (what == 'n') {
		crm_buf_addf(m, "more than %zu fields", r->o.max_fields);
	} else {
		crm_buf_addf(m, "record longer than %zu bytes",
		    r->o.max_record);
	}
	crm_buf_addc(m, '\0');
	r->cur_bad = 1;
	crm_grow(&r->cf, &r->acf, r->ncf + 1, sizeof *r->cf);
	r->cf[r->ncf].off = r->cb.n;
	r->cf[r->ncf].n = 0;
	r->ncf++;
}

static void
csv_field_cb(void *data, size_t n, void *arg)
{
	struct crm_reader *r = arg;
	const char *p = data;

	if (r->fatal)
		return;
	if (r->ncf == r->cur_first && !r->cur_bad)
		r->cur_bytes = 0;
	size_t col = r->ncf - r->cur_first;
	if (r->cur_bad == 1)
		return;         /* the rest of an over-long record is not
		                   kept */
	r->cur_bytes += n + 1;
	if (n > r->o.max_field || r->cur_bytes > r->o.max_record ||
	    col >= r->o.max_fields) {
		csv_overcap(r, col, n > r->o.max_field ? 'f' :
		    col >= r->o.max_fields ? 'n' : 'r');
		return;
	}
	crm_grow(&r->cf, &r->acf, r->ncf + 1, sizeof *r->cf);
	size_t ok = crm_utf8_valid(p, n);
	int marked = 0;
	if (ok != n) {
		struct crm_buf *m = &r->msgs;
		char cn[256];
		marked = r->cd != (iconv_t)-1 && is_mark((unsigned char)p[ok]);
		/* the field as it was in the input: its bytes unmarked */
		r->cf[r->ncf].off = r->cb.n;
		crm_buf_add(&r->cb, p, n);
		if (marked)
			n = unmark(r->cb.p + r->cf[r->ncf].off, n);
		r->cb.n = r->cf[r->ncf].off + n;
		if (!r->cur_bad) {
			/* the first bad field names the record's fault; the
			 * fields after it are kept for the rejects file */
			fmt_colname(r, (int)col, cn, sizeof cn);
			r->pending_msg = m->n;
			crm_buf_addf(m, "%s:%ld: %s: %s ", r->name,
			    r->cur_line, cn, marked ? enc_reason(r) :
			    p[ok] ? "invalid UTF-8" : "NUL byte in");
			crm_buf_addquoted(m, r->cb.p + r->cf[r->ncf].off, n);
			crm_buf_addc(m, '\0');
			r->cur_bad = 2;
		}
		r->cf[r->ncf].n = n;
		r->ncf++;
		crm_buf_addc(&r->cb, '\0');
		return;
	}
	r->cf[r->ncf].off = r->cb.n;
	r->cf[r->ncf].n = n;
	r->ncf++;
	crm_buf_add(&r->cb, p, n);
	crm_buf_addc(&r->cb, '\0');
}

static void
csv_row_cb(int c, void *arg)
{
	struct crm_reader *r = arg;

	(void)c;
	if (r->fatal)
		return;
	if (r->ncf == r->cur_first)
		return;         /* a bare line end (REPALL_NL) */
	crm_grow(&r->cr, &r->acr, r->ncr + 1, sizeof *r->cr);
	struct qrec *q = &r->cr[r->ncr++];
	q->first = r->cur_first;
	q->nf = r->ncf - r->cur_first;
	q->line = r->cur_line;
	q->bad = r->cur_bad;
	q->msg = r->pending_msg;
	r->cur_first = r->ncf;
	r->cur_bad = 0;
	r->cur_bytes = 0;
}

/* Feed p[0..n) to libcsv; a whole physical line unless partial. */
static int
csv_feed(struct crm_reader *r, const char *p, size_t n, long lineno)
{
	if (r->cp.pstate == CSV_ROW_NOT_BEGUN && r->ncf == r->cur_first)
		r->cur_line = lineno;
	int was_quoted = r->cp.pstate == CSV_FIELD_BEGUN && r->cp.quoted;
	size_t done = 0;
	csv_cap = r->o.max_field + 8192;
	while ((done += csv_parse(&r->cp, p + done, n - done, csv_field_cb,
	    csv_row_cb, r)) != n) {
		if (csv_error(&r->cp) == CSV_ENOMEM) {
			/* libcsv's entry buffer is full at the field cap
			 * (csv_realloc): the record is bad, the field's
			 * bytes so far are dropped and the parse goes on
			 * where it stopped, so memory stays at the cap
			 * whatever the field's length */
			if (r->ncf == r->cur_first && !r->cur_bad)
				r->cur_bytes = 0;
			csv_overcap(r, r->ncf - r->cur_first, 'f');
			r->cp.entry_pos = 0;
			r->cp.spaces = 0;
			r->cp.status = 0;
			continue;
		}
		seterr_plain(r, "%s:%ld: %s", r->name, lineno,
		    csv_strerror(csv_error(&r->cp)));
		r->fatal = 1;
		return -1;
	}
	if (!was_quoted && r->cp.pstate == CSV_FIELD_BEGUN && r->cp.quoted)
		r->quote_line = lineno;
	return 0;
}

/* Drop handed-out records, keeping the one being built. */
static void
csv_compact(struct crm_reader *r)
{
	size_t boff = r->cur_first < r->ncf ? r->cf[r->cur_first].off : r->cb.n;
	size_t keep = r->ncf - r->cur_first;

	memmove(r->cb.p, r->cb.p + boff, r->cb.n - boff);
	r->cb.n -= boff;
	for (size_t i = 0; i < keep; i++) {
		r->cf[i] = r->cf[r->cur_first + i];
		r->cf[i].off -= boff;
	}
	r->ncf = keep;
	r->cur_first = 0;
	r->ncr = r->cq = 0;
	if (!r->cur_bad) {
		crm_buf_reset(&r->msgs);
		r->pending_msg = 0;
	}
}

static int
csv_pop(struct crm_reader *r, struct crm_rec *rec)
{
	struct qrec *q = &r->cr[r->cq++];

	fields_reserve(r, q->nf);
	for (size_t i = 0; i < q->nf; i++) {
		r->f[i].p = r->cb.p + r->cf[q->first + i].off;
		r->f[i].n = r->cf[q->first + i].n;
	}
	rec->f = r->f;
	rec->nf = q->nf;
	rec->line = q->line;
	if (q->bad) {
		snprintf(r->err, sizeof r->err, "%s", r->msgs.p + q->msg);
		return CRM_READ_BAD;
	}
	return CRM_READ_OK;
}

#ifdef __SSE2__
/*
 * The usual CSV line in one pass, as tsv_fast does for TSV: a whole line,
 * not blank, with no quote, no NUL and no carriage return but one before
 * the newline, split at the delimiters exactly as libcsv would split it
 * (spaces are kept), and checked as UTF-8 only when it has a byte outside
 * ASCII.  CRM_READ_OK with the record, or 0 (nothing changed) for the
 * general path.
 */
static int
csv_fast(struct crm_reader *r, struct crm_rec *rec)
{
	size_t s = r->start, pos = s, nf = 0, fstart = s, len, nlpos, i;
	size_t limit = r->o.max_field < r->o.max_record ? r->o.max_field :
	    r->o.max_record;
	char *buf = r->buf;
	struct crm_field *f;
	size_t falloc;
	uint64_t high = 0;
	size_t fhigh = 0;       /* the line's first byte outside ASCII */

	if (r->falloc < 64)
		fields_reserve(r, 64);
	f = r->f;
	falloc = r->falloc;
	/* the fields found first, the line checked, and only then split */
	for (;;) {
		size_t c = pos & ~(size_t)63;
		uint64_t from, nl, d, cr, keep = ~(uint64_t)0;

		if (c >= r->end)
			return 0;       /* no newline in the buffer yet */
		if (!r->mok || r->mpos != c)
			csv_chunk_masks(r, c);
		from = ~(uint64_t)0 << (pos - c);
		nl = r->mnl & from;
		if (nl)
			keep = (nl & -nl) - 1;
		if (r->mbad & from & keep)
			return 0;
		cr = r->mcr & from & keep;
		if (cr && !(nl && cr == (nl & -nl) >> 1))
			return 0;       /* a CR not just before the newline */
		if (!high && (r->mhigh & from & keep)) {
			high = r->mhigh & from & keep;
			fhigh = c + (size_t)__builtin_ctzll(high);
		}
		for (d = r->mtab & from & keep; d; d &= d - 1) {
			size_t t = c + (size_t)__builtin_ctzll(d);

			if (nf + 2 > falloc) {
				fields_reserve(r, nf + 2);
				f = r->f;
				falloc = r->falloc;
			}
			f[nf].p = buf + fstart;
			f[nf].n = t - fstart;
			nf++;
			fstart = t + 1;
		}
		if (nl) {
			nlpos = c + (size_t)__builtin_ctzll(nl);
			break;
		}
		pos = c + 64;
		if (pos - s > limit)
			return 0;
	}
	len = nlpos;
	if (len > s && buf[len - 1] == '\r')
		len--;
	if (len == s || len - s > limit || nf + 1 > r->o.max_fields)
		return 0;       /* a blank line, or a limit to check */
	if (high && fhigh < len &&
	    crm_utf8_valid(buf + fhigh, len - fhigh) != len - fhigh)
		return 0;
	for (i = 0; i < nf; i++)
		f[i].p[f[i].n] = '\0';
	buf[len] = '\0';
	f[nf].p = buf + fstart;
	f[nf].n = len - fstart;
	nf++;
	r->start = nlpos + 1;
	r->line++;
	rec->f = f;
	rec->nf = nf;
	rec->line = r->line;
	return CRM_READ_OK;
}
#endif

static int
csv_next(struct crm_reader *r, struct crm_rec *rec)
{
	if (r->fatal)
		return CRM_READ_FATAL;
	for (;;) {
		if (r->cq < r->ncr)
			return csv_pop(r, rec);
		if (r->ncr)
			csv_compact(r);
#ifdef __SSE2__
		if (r->scan == 0 && r->started && r->cp_init &&
		    r->cp.pstate == CSV_ROW_NOT_BEGUN &&
		    r->ncf == r->cur_first && r->csvfast &&
		    csv_fast(r, rec) == CRM_READ_OK)
			return CRM_READ_OK;
#endif
		if (r->eof && r->start == r->end) {
			if (r->cp.pstate == CSV_FIELD_BEGUN && r->cp.quoted) {
				seterr_plain(r, "%s:%ld: unterminated quoted "
				    "field (opened here)", r->name,
				    r->quote_line);
				r->fatal = 1;
				return CRM_READ_FATAL;
			}
			if (!r->cp_init)
				return CRM_READ_EOF;
			csv_fini(&r->cp, csv_field_cb, csv_row_cb, r);
			csv_free(&r->cp);
			r->cp_init = 0;
			if (r->cq < r->ncr)
				continue;
			return CRM_READ_EOF;
		}
		char *base = r->buf + r->start;
		size_t avail = r->end - r->start;
		char *nl = avail > r->scan ?
		    memchr(base + r->scan, '\n', avail - r->scan) : NULL;
		char *cr = avail ? memchr(base, '\r', nl ? (size_t)(nl - base) :
		    avail) : NULL;
		size_t len;
		int whole = 1;

		if (cr && (!nl || cr + 1 < nl)) {
			/* a lone CR ends a line, unless it is the last byte and
			 * more input may bring its LF */
			if (cr + 1 == base + avail && !r->eof) {
				r->scan = avail;
				/* room for the byte after it, even where the
				 * line has filled the usual four blocks */
				int k = fill(r, avail + 16 > 4 * r->o.block ?
				    avail + 16 : 4 * r->o.block);
				if (k < 0)
					return CRM_READ_FATAL;
				if (r->end - r->start > avail || r->eof)
					continue;
				/* no room to look further: take it as a line end */
				base = r->buf + r->start;
				cr = base + avail - 1;
			}
			len = (size_t)(cr - base) + 1;
			if (cr + 1 < base + avail && cr[1] == '\n')
				len++;
		} else if (nl) {
			len = (size_t)(nl - base) + 1;
		} else if (!r->eof) {
			r->scan = avail;
			size_t before = r->end - r->start;
			int k = fill(r, 4 * r->o.block);
			if (k < 0)
				return CRM_READ_FATAL;
			if (r->end - r->start > before || r->eof)
				continue;
			/* a very long line: feed what there is */
			base = r->buf + r->start;
			len = avail;
			whole = 0;
		} else {
			len = avail;    /* last line, no line end */
		}
		r->scan = 0;
		/* Fast path: a whole line outside any record, with no quote,
		 * splits on the delimiter exactly as libcsv would (spaces are
		 * kept), without the per-byte state machine. */
		if (whole && r->cp_init && r->cp.pstate == CSV_ROW_NOT_BEGUN &&
		    r->ncf == r->cur_first && !memchr(base, '"', len)) {
			size_t n = len;
			while (n && (base[n - 1] == '\n' || base[n - 1] == '\r'))
				n--;
			r->start += len;
			r->line++;
			if (!n)
				continue;
			base[n] = '\0';
			return split_line(r, base, n, r->line, rec,
			    r->o.delim, 0);
		}
		if (csv_feed(r, base, len, r->line + 1) < 0)
			return CRM_READ_FATAL;
		r->start += len;
		if (whole)
			r->line++;
	}
}

static int
next_raw(struct crm_reader *r, struct crm_rec *rec)
{
	/* (the first bytes are read for a byte order mark: with a record
	 * cap below the block size the buffer must still take them) */
	while (!r->started) {
		if (fill(r, r->o.max_record > r->o.block ? r->o.max_record :
		    r->o.block) < 0)
			return CRM_READ_FATAL;
	}
	return r->csv ? csv_next(r, rec) : tsv_next(r, rec);
}

static int
read_header(struct crm_reader *r)
{
	struct crm_rec h;
	int rc;

	if (r->hdr_state)
		return r->hdr_state > 0 ? CRM_READ_OK :
		    r->hdr_state == -2 ? CRM_READ_FATAL : CRM_READ_EOF;
	if (r->o.no_header) {
		r->hdr_state = -1;
		return CRM_READ_EOF;
	}
	rc = next_raw(r, &h);
	if (rc != CRM_READ_OK) {
		/* a header that cannot be read spoils the whole input */
		r->hdr_state = rc == CRM_READ_EOF ? -1 : -2;
		return rc == CRM_READ_EOF ? rc : CRM_READ_FATAL;
	}
	size_t total = 0;
	for (size_t i = 0; i < h.nf; i++)
		total += h.f[i].n + 1;
	r->hdr_bytes = crm_xmalloc(total ? total : 1);
	r->hdr.f = crm_xcalloc(h.nf, sizeof *r->hdr.f);
	r->hdr.nf = h.nf;
	r->hdr.line = h.line;
	char *p = r->hdr_bytes;
	for (size_t i = 0; i < h.nf; i++) {
		size_t n = h.f[i].n;
		/* header names are trimmed of surrounding spaces */
		const char *s = h.f[i].p;
		while (n && (*s == ' ')) {
			s++;
			n--;
		}
		while (n && s[n - 1] == ' ')
			n--;
		memcpy(p, s, n);
		p[n] = '\0';
		r->hdr.f[i].p = p;
		r->hdr.f[i].n = n;
		p += n + 1;
	}
	/* a name twice makes "the column" ambiguous: refused (empty names,
	 * as trailing delimiters leave them, may repeat) */
	struct crm_strmap seen;
	crm_strmap_init(&seen);
	for (size_t i = 0; i < r->hdr.nf; i++) {
		int isnew;
		if (!r->hdr.f[i].n)
			continue;
		crm_strmap_add(&seen, r->hdr.f[i].p, r->hdr.f[i].n, &isnew);
		if (!isnew) {
			crm_reader_seterr(r, r->hdr.line, -1, NULL, 0,
			    "column '%s' appears twice", r->hdr.f[i].p);
			crm_strmap_release(&seen);
			r->hdr_state = -2;
			return CRM_READ_FATAL;
		}
	}
	crm_strmap_release(&seen);
	r->hdr_state = 1;
	return CRM_READ_OK;
}

const struct crm_rec *
crm_reader_header(struct crm_reader *r)
{
	read_header(r);
	return r->hdr_state > 0 ? &r->hdr : NULL;
}

int
crm_reader_col(struct crm_reader *r, const char *name)
{
	read_header(r);
	if (r->hdr_state <= 0)
		return -1;
	for (size_t i = 0; i < r->hdr.nf; i++)
		if (!strcmp(r->hdr.f[i].p, name))
			return (int)i;
	return -1;
}

const char *
crm_reader_colname(struct crm_reader *r, size_t i)
{
	read_header(r);
	if (r->hdr_state <= 0 || i >= r->hdr.nf)
		return "";
	return r->hdr.f[i].p;
}

int
crm_reader_next(struct crm_reader *r, struct crm_rec *rec)
{
	int rc;

#ifdef __SSE2__
	/* the usual line, without the general path's set-up */
	if (r->fastok && !r->skipping && r->scan == 0) {
		rc = tsv_fast(r, rec);
		if (rc == CRM_READ_OK) {
			if (r->wantnf && rec->nf != r->wantnf)
				goto badnf;
			return rc;
		}
		r->nofast = 1;
	}
#endif
	if (r->hdr_state == -2)
		return CRM_READ_FATAL;
	if (!r->hdr_state) {
		rc = read_header(r);
		if (rc == CRM_READ_FATAL)
			return rc;
		if (rc == CRM_READ_EOF && !r->o.no_header)
			return CRM_READ_EOF;
	}
	rc = next_raw(r, rec);
	r->nofast = 0;
	/* what the fast path checks first, as of now (the header and the
	 * start of the input are only ever read here) */
	r->fastok = (r->hdr_state > 0 || r->hdr_state == -1) && !r->csv &&
	    r->started && !r->o.general;
	r->wantnf = r->hdr_state > 0 && !r->o.ragged ? r->hdr.nf : 0;
	if (rc == CRM_READ_OK && r->wantnf && rec->nf != r->wantnf)
		goto badnf;
	return rc;
badnf:
	crm_reader_seterr(r, rec->line, -1, NULL, 0,
	    "expected %zu fields, found %zu", r->hdr.nf, rec->nf);
	return CRM_READ_BAD;
}

/* ---- whole-line blocks (see rec.h) ---- */

#define LINES_BLOCK (4UL << 20)

/* The caps of crm_lines_read: the header's names, to name a field. */
struct lines_caps {
	const struct crm_lines_fn *fn;
	void *ctx;
	char *header;
	size_t hlen;
};

/* The name of field k (0-based) in the header, into out. */
static void
lines_colname(const struct lines_caps *lc, size_t k, char *out, size_t n)
{
	const char *p = lc->header, *e = lc->header + lc->hlen;

	for (size_t i = 0; p && i < k; i++) {
		const char *t = memchr(p, '\t', (size_t)(e - p));
		p = t ? t + 1 : NULL;
	}
	if (p) {
		const char *t = memchr(p, '\t', (size_t)(e - p));
		size_t m = t ? (size_t)(t - p) : (size_t)(e - p);
		snprintf(out, n, "%.*s", m > 200 ? 200 : (int)m, p);
	} else {
		snprintf(out, n, "field %zu", k + 1);
	}
}

static void
lines_refuse(const struct lines_caps *lc, const char *why)
{
	if (lc->fn->refused)
		lc->fn->refused(lc->ctx, why);
}

/* Is the line p[0..n) (no '\n') within the caps?  Else why[] says why. */
static int
lines_line_ok(const struct lines_caps *lc, const char *p, size_t n,
    char why[320])
{
	char cn[256];
	size_t k = 0, un = 0;

	if (n > CRM_MAX_RECORD_DEFAULT) {
		snprintf(why, 320, "record longer than %lu bytes",
		    (unsigned long)CRM_MAX_RECORD_DEFAULT);
		return 0;
	}
	for (size_t i = 0; i <= n; i++) {
		if (i == n || p[i] == '\t') {
			if (un > CRM_MAX_FIELD_DEFAULT) {
				lines_colname(lc, k, cn, sizeof cn);
				snprintf(why, 320, "%s: field longer than %lu "
				    "bytes", cn,
				    (unsigned long)CRM_MAX_FIELD_DEFAULT);
				return 0;
			}
			k++;
			un = 0;
			continue;
		}
		if (p[i] == '\\' && i + 1 < n && p[i + 1] != '\t')
			i++;
		un++;
	}
	return 1;
}

/* Hand on the whole lines p[0..n) (n > 0, ending in '\n'), leaving out
 * each line over the caps.  Only a line longer than the field cap can be
 * over either, so a run is searched line by line only past it. */
static void
lines_hand_on(const struct lines_caps *lc, char *p, size_t n)
{
	char *e = p + n, *run = p, why[320];

	if (n <= CRM_MAX_FIELD_DEFAULT) {
		lc->fn->block(lc->ctx, p, n);
		return;
	}
	while (p < e) {
		char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t m = (size_t)(nl - p);

		if (m > CRM_MAX_FIELD_DEFAULT &&
		    !lines_line_ok(lc, p, m, why)) {
			if (run < p)
				lc->fn->block(lc->ctx, run, (size_t)(p - run));
			lines_refuse(lc, why);
			run = nl + 1;
		}
		p = nl + 1;
	}
	if (run < e)
		lc->fn->block(lc->ctx, run, (size_t)(e - run));
}

int
crm_lines_read(int fd, long long limit, size_t block, int strict,
    const struct crm_lines_fn *fn, void *ctx, size_t *tail)
{
	size_t cap = block ? block : LINES_BLOCK, len = 0;
	char *buf = crm_xmalloc(cap + 1);
	long long left = limit;
	int have_header = 0, skipping = 0;
	struct lines_caps lc = { fn, ctx, NULL, 0 };

	if (tail)
		*tail = 0;
	crm_pipe_widen(fd);
	for (;;) {
		size_t want = cap - len;
		ssize_t k;
		int eof = 0;

		if (left >= 0 && (long long)want > left)
			want = (size_t)left;
		if (want == 0 && left != 0) {
			/* the buffer is full and holds no newline: it grows
			 * up to the record cap; a line past that is said to
			 * be over it and dropped as it is read */
			if (len <= CRM_MAX_RECORD_DEFAULT) {
				cap = cap > CRM_MAX_RECORD_DEFAULT / 2 ?
				    CRM_MAX_RECORD_DEFAULT + 1 : cap * 2;
				buf = crm_xrealloc(buf, cap + 1);
				continue;
			}
			if (!have_header)
				goto too_big;
			if (!skipping) {
				char why[64];

				snprintf(why, sizeof why, "record longer than "
				    "%lu bytes",
				    (unsigned long)CRM_MAX_RECORD_DEFAULT);
				lines_refuse(&lc, why);
			}
			skipping = 1;
			len = 0;
			continue;
		}
		k = want ? read(fd, buf + len, want) : 0;
		if (k < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			free(buf);
			free(lc.header);
			errno = e;
			return -1;
		}
		if (skipping) {
			/* the rest of the line left out, up to its newline;
			 * what follows it is read on as usual */
			char *nl;

			if (left > 0)
				left -= k;
			if (k == 0)
				break;  /* the input ended inside it */
			if ((nl = memchr(buf, '\n', (size_t)k)) == NULL)
				continue;
			skipping = 0;
			len = (size_t)k - (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len);
			continue;
		}
		if (k == 0) {
			eof = 1;
			if (len && buf[len - 1] != '\n') {
				char *nl = memrchr(buf, '\n', len);
				if (strict && (nl || have_header)) {
					size_t t = len - (nl ? (size_t)
					    (nl + 1 - buf) : 0);
					if (tail)
						*tail = t;
					len -= t;
				} else {
					buf[len++] = '\n';
				}
			}
		}
		len += (size_t)k;
		if (left > 0)
			left -= k;
		char *p = buf, *end = buf + len;
		char *last = len ? memrchr(p, '\n', len) : NULL;
		if (last) {
			if (!have_header) {
				char *nl = memchr(p, '\n', (size_t)(end - p));
				size_t hn = (size_t)(nl - p);

				if (hn > CRM_MAX_RECORD_DEFAULT)
					goto too_big;
				lc.header = crm_xstrndup(p, hn);
				lc.hlen = hn;
				*nl = '\0';
				fn->header(ctx, p, hn);
				*nl = '\n';
				have_header = 1;
				p = nl + 1;
			}
			if (p <= last)
				lines_hand_on(&lc, p, (size_t)(last + 1 - p));
			p = last + 1;
		}
		len = (size_t)(end - p);
		memmove(buf, p, len);
		if (eof)
			break;
	}
	free(buf);
	free(lc.header);
	if (!have_header)
		fn->header(ctx, NULL, 0);
	return 0;
too_big:
	/* a header past the record cap: nothing can be read by it */
	free(buf);
	free(lc.header);
	errno = EFBIG;
	return -1;
}

size_t
crm_tsv_split_nul(char *line, char **f, size_t max)
{
	size_t n = 0;

	for (;;) {
		char *t = strchr(line, '\t');

		if (n < max)
			f[n] = line;
		n++;
		if (!t)
			return n;
		*t = '\0';
		line = t + 1;
	}
}

size_t
crm_tsv_split(char *p, size_t n, struct crm_field *f, size_t max)
{
	char *e = p + n;
	size_t nf = 0;

	for (;;) {
		char *t = memchr(p, '\t', (size_t)(e - p));
		if (nf == max)
			return max + 1;
		f[nf].p = p;
		f[nf].n = t ? (size_t)(t - p) : (size_t)(e - p);
		nf++;
		if (!t)
			return nf;
		p = t + 1;
	}
}

size_t
crm_count_nl(const char *p, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, nl = ones * '\n';
	const uint64_t low = ones * 0x7f, high = ones * 0x80;
	size_t c = 0, i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w, x, t;
		memcpy(&w, p + i, 8);
		x = w ^ nl;
		t = ((x & low) + low) | x;
		c += 8 - (size_t)__builtin_popcountll(t & high);
	}
	for (; i < n; i++)
		c += p[i] == '\n';
	return c;
}

const char *
crm_rec_get(const struct crm_rec *rec, int col, size_t *n)
{
	const char *s;

	*n = 0;
	if (col < 0 || (size_t)col >= rec->nf || rec->f[col].n == 0)
		return NULL;
	s = rec->f[col].p;
	*n = rec->f[col].n;
	crm_trim(&s, n);
	return *n ? s : NULL;
}
