/*
 * util: allocation that cannot return NULL, and the string buffer.
 */
#include "util.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void
oom(void)
{
	errx(2, "out of memory");
}

void *
crm_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

/*
 * Zeroed by a write, not left to calloc: the callers are tables that are
 * probed (read) before they are filled, and fresh pages read first are
 * mapped to the shared zero page, so that the first store to each faults
 * a second time and, in a threaded program, flushes every thread's TLB.
 */
void *
crm_xcalloc(size_t n, size_t size)
{
	size_t bytes = crm_mulsz(n ? n : 1, size ? size : 1);

	return memset(crm_xmalloc(bytes), 0, bytes);
}

void *
crm_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *
crm_xstrdup(const char *s)
{
	return crm_xstrndup(s, strlen(s));
}

char *
crm_xstrndup(const char *s, size_t n)
{
	char *p = crm_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

size_t
crm_mulsz(size_t a, size_t b)
{
	if (b && a > SIZE_MAX / b)
		errx(2, "size overflow");
	return a * b;
}

void
crm_grow(void *arrp, size_t *alloc, size_t need, size_t elt)
{
	void **arr = arrp;
	size_t n;

	if (need <= *alloc)
		return;
	n = *alloc ? *alloc : 8;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			errx(2, "size overflow");
		n *= 2;
	}
	*arr = crm_xrealloc(*arr, crm_mulsz(n, elt));
	*alloc = n;
}

static char empty_buf[1];

void
crm_buf_init(struct crm_buf *b)
{
	b->p = empty_buf;
	b->n = 0;
	b->alloc = 0;
}

void
crm_buf_release(struct crm_buf *b)
{
	if (b->alloc)
		free(b->p);
	crm_buf_init(b);
}

char *
crm_buf_detach(struct crm_buf *b, size_t *len)
{
	char *p;

	if (len)
		*len = b->n;
	p = b->alloc ? b->p : crm_xstrdup("");
	crm_buf_init(b);
	return p;
}

void
crm_buf_reset(struct crm_buf *b)
{
	b->n = 0;
	if (b->alloc)
		b->p[0] = '\0';
}

void
crm_buf_grow(struct crm_buf *b, size_t extra)
{
	size_t need, n;

	if (extra > SIZE_MAX - b->n - 1)
		errx(2, "size overflow");
	need = b->n + extra + 1;
	if (need <= b->alloc)
		return;
	n = b->alloc ? b->alloc : 64;
	while (n < need) {
		if (n > SIZE_MAX / 2) {
			n = need;
			break;
		}
		n *= 2;
	}
	if (b->alloc) {
		b->p = crm_xrealloc(b->p, n);
	} else {
		b->p = crm_xmalloc(n);
		b->p[0] = '\0';
	}
	b->alloc = n;
}

void
crm_buf_add(struct crm_buf *b, const void *p, size_t n)
{
	crm_buf_grow(b, n);
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
}

void
crm_buf_addc(struct crm_buf *b, int c)
{
	crm_buf_grow(b, 1);
	b->p[b->n++] = (char)c;
	b->p[b->n] = '\0';
}

void
crm_buf_adds(struct crm_buf *b, const char *s)
{
	crm_buf_add(b, s, strlen(s));
}

void
crm_buf_vaddf(struct crm_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int len;

	va_copy(cp, ap);
	len = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (len < 0)
		return;
	crm_buf_grow(b, (size_t)len);
	vsnprintf(b->p + b->n, (size_t)len + 1, fmt, ap);
	b->n += (size_t)len;
}

void
crm_buf_addf(struct crm_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	crm_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void
crm_buf_addquoted(struct crm_buf *b, const char *s, size_t n)
{
	size_t i = 0, lim = 60;

	crm_buf_addc(b, '\'');
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t ok;

		if (i >= lim) {
			crm_buf_adds(b, "...");
			break;
		}
		if (c == '\n') {
			crm_buf_adds(b, "\\n");
			i++;
		} else if (c == '\t') {
			crm_buf_adds(b, "\\t");
			i++;
		} else if (c == '\r') {
			crm_buf_adds(b, "\\r");
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			crm_buf_addf(b, "\\x%02x", c);
			i++;
		} else if (c < 0x80) {
			crm_buf_addc(b, c);
			i++;
		} else {
			size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			if (len > n - i)
				len = n - i;
			ok = crm_utf8_valid(s + i, len);
			if (ok == len && c >= 0xc2 && c <= 0xf4) {
				crm_buf_add(b, s + i, len);
				i += len;
			} else {
				crm_buf_addf(b, "\\x%02x", c);
				i++;
			}
		}
	}
	crm_buf_addc(b, '\'');
}

char **
crm_split(const char *s, int sep, size_t *count)
{
	char **v = NULL;
	size_t n = 0, alloc = 0;
	const char *p = s, *q;

	if (*s) {
		for (;;) {
			q = strchr(p, sep);
			crm_grow(&v, &alloc, n + 2, sizeof *v);
			v[n++] = crm_xstrndup(p, q ? (size_t)(q - p) : strlen(p));
			if (!q)
				break;
			p = q + 1;
		}
	}
	crm_grow(&v, &alloc, n + 1, sizeof *v);
	v[n] = NULL;
	if (count)
		*count = n;
	return v;
}

void
crm_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

size_t
crm_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];

		/* ASCII runs dominate: check eight bytes at a time. */
		if (c < 0x80) {
			while (i + 8 <= n) {
				uint64_t w, m;
				memcpy(&w, p + i, 8);
				/* bytes >= 0x80, and zero bytes (exact up to
				 * the first one, which is all that is used) */
				m = (w | ((w - 0x0101010101010101ULL) & ~w)) &
				    0x8080808080808080ULL;
				if (m) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
					i += (size_t)__builtin_ctzll(m) / 8;
#endif
					break;
				}
				i += 8;
			}
			if (i >= n)
				break;
			c = p[i];
			if (c < 0x80) {
				if (c == 0)
					return i;
				i++;
				continue;
			}
		}
		if (c >= 0xc2 && c <= 0xdf) {
			if (i + 1 >= n || (p[i + 1] & 0xc0) != 0x80)
				return i;
			i += 2;
		} else if (c >= 0xe0 && c <= 0xef) {
			unsigned char lo = 0x80, hi = 0xbf;
			if (c == 0xe0)
				lo = 0xa0;
			if (c == 0xed)
				hi = 0x9f;
			if (i + 2 >= n || p[i + 1] < lo || p[i + 1] > hi ||
			    (p[i + 2] & 0xc0) != 0x80)
				return i;
			i += 3;
		} else if (c >= 0xf0 && c <= 0xf4) {
			unsigned char lo = 0x80, hi = 0xbf;
			if (c == 0xf0)
				lo = 0x90;
			if (c == 0xf4)
				hi = 0x8f;
			if (i + 3 >= n || p[i + 1] < lo || p[i + 1] > hi ||
			    (p[i + 2] & 0xc0) != 0x80 ||
			    (p[i + 3] & 0xc0) != 0x80)
				return i;
			i += 4;
		} else {
			return i;
		}
	}
	return n;
}

void
crm_pipe_widen(int fd)
{
	struct stat st;
	int sz, cur;

	if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode) ||
	    (cur = fcntl(fd, F_GETPIPE_SZ)) < 0)
		return;
	/* above /proc/sys/fs/pipe-max-size, or past the user's share of
	 * pipe memory, the call fails: then a quarter of the size */
	for (sz = CRM_PIPE_SIZE; sz > cur; sz /= 4)
		if (fcntl(fd, F_SETPIPE_SZ, sz) >= 0)
			return;
}

int
crm_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	const char *e = getenv("CRM_THREADS");

	if (n < 1)
		n = 1;
	if (e && *e) {
		char *end;
		long k;

		errno = 0;
		k = strtol(e, &end, 10);
		if (!errno && !*end && k >= 1 && k < n)
			n = k;
	}
	return n > 1024 ? 1024 : (int)n;
}

void
crm_run_two(void *(*fn)(void *), void *x, void *y)
{
	pthread_t t;
	int threaded = crm_threads() > 1 &&
	    pthread_create(&t, NULL, fn, y) == 0;

	fn(x);
	if (threaded)
		pthread_join(t, NULL);
	else
		fn(y);
}

void *
crm_xmalloc_huge(size_t n)
{
	const size_t huge = (size_t)2 << 20;
	void *p;

	if (n < huge)
		return crm_xmalloc(n);
	n = (n + huge - 1) & ~(huge - 1);
	if (posix_memalign(&p, huge, n) != 0)
		return crm_xmalloc(n);  /* dies with the usual message */
	madvise(p, n, MADV_HUGEPAGE);
	return p;
}
