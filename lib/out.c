/*
 * out: one big output buffer per stream, written with write(2) and checked;
 * the record writer turns fields into TSV, CSV or JSON Lines on top of it.
 */
#include "out.h"
#include "util.h"

#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define OUT_CAP (256 * 1024)

struct crm_out crm_stdout = { 1, "standard output", NULL, 0, 0 };

void
crm_out_init(struct crm_out *o, int fd, const char *name)
{
	o->fd = fd;
	o->name = name;
	o->buf = NULL;
	o->n = 0;
	o->cap = 0;
}

static void
write_fail(struct crm_out *o, int e)
{
	/* A reader that went away is not an error to report: end quietly. */
	if (e == EPIPE)
		_exit(2);
	errno = e;
	err(2, "%s: write error", o->name);
}

static void
write_all(struct crm_out *o, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(o->fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			write_fail(o, errno);
		}
		p += w;
		n -= (size_t)w;
	}
}

void
crm_out_flush(struct crm_out *o)
{
	if (o->fd < 0)
		return;
	if (o->n) {
		write_all(o, o->buf, o->n);
		o->n = 0;
	}
}

void
crm_out_write(struct crm_out *o, const void *p, size_t n)
{
	if (!o->cap) {
		o->buf = crm_xmalloc(OUT_CAP);
		o->cap = OUT_CAP;
		if (o->fd >= 0)
			crm_pipe_widen(o->fd);
	}
	if (n > o->cap - o->n && o->fd < 0) {
		size_t ncap = o->cap;

		while (n > ncap - o->n)
			ncap = crm_mulsz(ncap, 2);
		o->buf = crm_xrealloc(o->buf, ncap);
		o->cap = ncap;
	} else if (n > o->cap - o->n) {
		crm_out_flush(o);
		if (n >= o->cap) {
			write_all(o, p, n);
			return;
		}
	}
	memcpy(o->buf + o->n, p, n);
	o->n += n;
}

void
crm_out_putc(struct crm_out *o, int c)
{
	if (o->n < o->cap) {
		o->buf[o->n++] = (char)c;
		return;
	}
	char ch = (char)c;
	crm_out_write(o, &ch, 1);
}

void
crm_out_puts(struct crm_out *o, const char *s)
{
	crm_out_write(o, s, strlen(s));
}

void
crm_out_printf(struct crm_out *o, const char *fmt, ...)
{
	struct crm_buf b;
	va_list ap;

	crm_buf_init(&b);
	va_start(ap, fmt);
	crm_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	crm_out_write(o, b.p, b.n);
	crm_buf_release(&b);
}

int
crm_out_close_errno(struct crm_out *o)
{
	const char *p = o->buf;
	size_t n = o->n;
	int e = 0;

	while (n && o->fd >= 0) {
		ssize_t w = write(o->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			e = errno;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	o->n = 0;
	free(o->buf);
	o->buf = NULL;
	o->cap = 0;
	if (o->fd >= 0 && close(o->fd) < 0 && errno != EBADF &&
	    errno != EINTR && !e)
		e = errno;
	return e;
}

void
crm_out_close(struct crm_out *o)
{
	crm_out_flush(o);
	free(o->buf);
	o->buf = NULL;
	o->cap = 0;
	if (close(o->fd) < 0 && errno != EBADF && errno != EINTR)
		write_fail(o, errno);
}

int
crm_fmt_parse(const char *s)
{
	if (!strcmp(s, "tsv"))
		return CRM_FMT_TSV;
	if (!strcmp(s, "csv"))
		return CRM_FMT_CSV;
	if (!strcmp(s, "jsonl") || !strcmp(s, "json"))
		return CRM_FMT_JSONL;
	return -1;
}

void
crm_writer_init(struct crm_writer *w, struct crm_out *o, enum crm_fmt fmt)
{
	memset(w, 0, sizeof *w);
	w->out = o;
	w->fmt = fmt;
	w->delim = ',';
}

void
crm_writer_release(struct crm_writer *w)
{
	for (size_t i = 0; i < w->nkeys; i++)
		free(w->keys[i]);
	free(w->keys);
	free(w->numeric);
	w->keys = NULL;
	w->numeric = NULL;
	w->nkeys = 0;
}

/* Bytes that need an escape in TSV (tab, newline, CR, backslash), or a
 * quote in CSV (plus the delimiter and '"'). */
static const unsigned char tsv_special[256] = {
	['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\\'] = 1,
};

/* Index of the first byte that may need a TSV escape, or n: sixteen
 * bytes at a time (most fields have none, and text outside ASCII is no
 * reason to look closer). */
static size_t
tsv_scan(const char *p, size_t n)
{
	size_t i = 0;
#ifdef __SSE2__
	const __m128i t = _mm_set1_epi8('\t'), nl = _mm_set1_epi8('\n'),
	    cr = _mm_set1_epi8('\r'), bs = _mm_set1_epi8('\\');

	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(v, t), _mm_cmpeq_epi8(v, nl)),
		    _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, bs))));

		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
#else
	const uint64_t ones = 0x0101010101010101ULL, highs = ones * 0x80;

	for (; i + 8 <= n; i += 8) {
		uint64_t w, b;
		memcpy(&w, p + i, 8);
		b = w ^ (ones * '\\');
		/* a byte below 0x0e, or a zero byte in b (a backslash in w);
		 * bytes >= 0x80 may give false hits, checked one by one below */
		if (((w - ones * 0x0e) | (b - ones)) & ~w & highs)
			break;
	}
#endif
	for (; i < n; i++)
		if (tsv_special[(unsigned char)p[i]])
			return i;
	return n;
}

static void
put_tsv(struct crm_out *o, const char *p, size_t n)
{
	size_t i, start = 0;

	i = tsv_scan(p, n);
	if (i == n) {
		crm_out_write(o, p, n);
		return;
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (!tsv_special[c])
			continue;
		crm_out_write(o, p + start, i - start);
		crm_out_putc(o, '\\');
		crm_out_putc(o, c == '\t' ? 't' : c == '\n' ? 'n' :
		    c == '\r' ? 'r' : '\\');
		start = i + 1;
	}
	crm_out_write(o, p + start, n - start);
}

size_t
crm_tsv_escape_to(char *dst, const char *p, size_t n)
{
	size_t i = tsv_scan(p, n), k;

	memcpy(dst, p, i);
	for (k = i; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (!tsv_special[c]) {
			dst[k++] = (char)c;
			continue;
		}
		dst[k++] = '\\';
		dst[k++] = c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' :
		    '\\';
	}
	return k;
}

size_t
crm_tsv_row_to(char *dst, const struct crm_field *f, size_t n)
{
	size_t i, k = 0;

	if (n) {
		const char *s = f[0].p;
		size_t len;

		for (i = 1; i < n && f[i].p == f[i - 1].p + f[i - 1].n + 1; i++)
			;
		len = (size_t)(f[n - 1].p + f[n - 1].n - s);
		if (i == n && tsv_scan(s, len) == len) {
			/* one span, nothing to escape: copied at once */
			memcpy(dst, s, len);
			for (i = 0; i + 1 < n; i++)
				dst[f[i].p + f[i].n - s] = '\t';
			return len;
		}
	}
	for (i = 0; i < n; i++) {
		if (i)
			dst[k++] = '\t';
		k += crm_tsv_escape_to(dst + k, f[i].p, f[i].n);
	}
	return k;
}

void
crm_tsv_escape(struct crm_buf *b, const char *p, size_t n)
{
	crm_buf_grow(b, crm_mulsz(n, 2));
	b->n += crm_tsv_escape_to(b->p + b->n, p, n);
	b->p[b->n] = '\0';
}

/*
 * OWASP's advice for CSV injection: a cell that a spreadsheet would take for
 * a formula (starting with = + - @ tab or CR) gets a leading apostrophe,
 * except plain numbers such as -15.20 or +3.
 */
static int
formula_like(const char *p, size_t n)
{
	size_t i = 1;

	if (!n || !strchr("=+-@\t\r", p[0]))
		return 0;
	if (p[0] != '+' && p[0] != '-')
		return 1;
	if (i == n)
		return 1;
	int digits = 0, dot = 0;
	for (; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			digits++;
		else if (p[i] == '.' && !dot)
			dot = 1;
		else
			return 1;
	}
	return !digits;
}

static int
csv_needs_quote(const char *p, size_t n, int delim)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c == '"' || c == '\n' || c == '\r' || c == delim)
			return 1;
	}
	return 0;
}

void
crm_csv_escape(struct crm_buf *b, const char *p, size_t n, int delim,
    int excel_safe)
{
	int ex = excel_safe && formula_like(p, n);

	if (!ex && !csv_needs_quote(p, n, delim)) {
		crm_buf_add(b, p, n);
		return;
	}
	crm_buf_addc(b, '"');
	if (ex)
		crm_buf_addc(b, '\'');
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"')
			crm_buf_addc(b, '"');
		crm_buf_addc(b, p[i]);
	}
	crm_buf_addc(b, '"');
}

static void
put_csv(struct crm_writer *w, const char *p, size_t n)
{
	struct crm_out *o = w->out;
	int ex = w->excel_safe && formula_like(p, n);

	if (!ex && !csv_needs_quote(p, n, w->delim)) {
		crm_out_write(o, p, n);
		return;
	}
	crm_out_putc(o, '"');
	if (ex)
		crm_out_putc(o, '\'');
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '"')
			continue;
		crm_out_write(o, p + start, i + 1 - start);
		crm_out_putc(o, '"');
		start = i + 1;
	}
	crm_out_write(o, p + start, n - start);
	crm_out_putc(o, '"');
}

static void
put_json_string(struct crm_out *o, const char *p, size_t n)
{
	size_t start = 0;

	crm_out_putc(o, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		const char *esc = NULL;
		char tmp[8];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		default:
			snprintf(tmp, sizeof tmp, "\\u%04x", c);
			esc = tmp;
		}
		crm_out_write(o, p + start, i - start);
		crm_out_puts(o, esc);
		start = i + 1;
	}
	crm_out_write(o, p + start, n - start);
	crm_out_putc(o, '"');
}

/* A JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
json_number(const char *p, size_t n)
{
	size_t i = 0;

	if (i < n && p[i] == '-')
		i++;
	if (i >= n)
		return 0;
	if (p[i] == '0') {
		i++;
	} else if (p[i] >= '1' && p[i] <= '9') {
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
	} else {
		return 0;
	}
	if (i < n && p[i] == '.') {
		size_t d = ++i;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
		if (i == d)
			return 0;
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		size_t d = i;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
		if (i == d)
			return 0;
	}
	return i == n;
}

static void
set_keys(struct crm_writer *w, size_t n)
{
	crm_writer_release(w);
	w->keys = crm_xcalloc(n ? n : 1, sizeof *w->keys);
	w->numeric = crm_xcalloc(n ? n : 1, 1);
	w->nkeys = n;
}

void
crm_writer_header(struct crm_writer *w, const struct crm_field *f, size_t n)
{
	if (w->fmt == CRM_FMT_JSONL) {
		set_keys(w, n);
		for (size_t i = 0; i < n; i++)
			w->keys[i] = crm_xstrndup(f[i].p, f[i].n);
		return;
	}
	crm_writer_row(w, f, n);
}

void
crm_writer_header_names(struct crm_writer *w, const char *const *names,
    size_t n)
{
	if (w->fmt == CRM_FMT_JSONL) {
		set_keys(w, n);
		for (size_t i = 0; i < n; i++)
			w->keys[i] = crm_xstrdup(names[i]);
		return;
	}
	for (size_t i = 0; i < n; i++)
		crm_writer_str(w, names[i]);
	crm_writer_end(w);
}

void
crm_writer_numeric(struct crm_writer *w, size_t i, int on)
{
	if (i < w->nkeys)
		w->numeric[i] = (unsigned char)on;
}

void
crm_writer_field(struct crm_writer *w, const char *p, size_t n)
{
	struct crm_out *o = w->out;
	size_t i = w->col++;

	switch (w->fmt) {
	case CRM_FMT_TSV:
		if (i)
			crm_out_putc(o, '\t');
		put_tsv(o, p, n);
		break;
	case CRM_FMT_CSV:
		if (i)
			crm_out_putc(o, w->delim);
		put_csv(w, p, n);
		break;
	case CRM_FMT_JSONL:
		crm_out_puts(o, i ? "," : "{");
		if (i < w->nkeys) {
			put_json_string(o, w->keys[i], strlen(w->keys[i]));
		} else {
			char k[32];
			snprintf(k, sizeof k, "field%zu", i + 1);
			put_json_string(o, k, strlen(k));
		}
		crm_out_putc(o, ':');
		if (i < w->nkeys && w->numeric[i] && n == 0)
			crm_out_puts(o, "null");
		else if (i < w->nkeys && w->numeric[i] && json_number(p, n))
			crm_out_write(o, p, n);
		else
			put_json_string(o, p, n);
		break;
	}
}

void
crm_writer_str(struct crm_writer *w, const char *s)
{
	crm_writer_field(w, s, strlen(s));
}

void
crm_writer_fieldf(struct crm_writer *w, const char *fmt, ...)
{
	char small[128];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (len >= 0 && (size_t)len < sizeof small) {
		crm_writer_field(w, small, (size_t)len);
		return;
	}
	struct crm_buf b;
	crm_buf_init(&b);
	va_start(ap, fmt);
	crm_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	crm_writer_field(w, b.p, b.n);
	crm_buf_release(&b);
}

void
crm_writer_end(struct crm_writer *w)
{
	if (w->fmt == CRM_FMT_JSONL)
		crm_out_puts(w->out, w->col ? "}\n" : "{}\n");
	else
		crm_out_putc(w->out, '\n');
	w->col = 0;
}

/*
 * A TSV row written straight into the buffer by crm_tsv_row_to (a record
 * as a reader hands it out goes in as one span): 0 when the buffer cannot
 * take its worst case (nothing written).
 */
static int
tsv_row_direct(struct crm_writer *w, const struct crm_field *f, size_t n)
{
	struct crm_out *o = w->out;
	size_t need = n, i;

	for (i = 0; i < n; i++)
		need += 2 * f[i].n;
	if (o->cap - o->n < need) {
		if (o->fd < 0 || o->cap < need)
			return 0;
		crm_out_flush(o);
	}
	o->n += crm_tsv_row_to(o->buf + o->n, f, n);
	o->buf[o->n++] = '\n';
	return 1;
}

void
crm_writer_row(struct crm_writer *w, const struct crm_field *f, size_t n)
{
	if (w->fmt == CRM_FMT_TSV && w->col == 0 && tsv_row_direct(w, f, n))
		return;
	for (size_t i = 0; i < n; i++)
		crm_writer_field(w, f[i].p, f[i].n);
	crm_writer_end(w);
}
