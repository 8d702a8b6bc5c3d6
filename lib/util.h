/*
 * util: memory and string-buffer helpers shared by the whole library.
 *
 * Allocation failure is the one condition the library does not hand back to
 * its caller: like git's xmalloc, crm_xmalloc and friends print
 * "prog: out of memory" and exit 2, so callers never test for NULL.
 * Sizes are multiplied only through crm_mulsz, which refuses overflow.
 */
#ifndef CRM_UTIL_H
#define CRM_UTIL_H

#include <stddef.h>
#include <stdarg.h>

void *crm_xmalloc(size_t n);
void *crm_xcalloc(size_t n, size_t size);
void *crm_xrealloc(void *p, size_t n);
char *crm_xstrdup(const char *s);
char *crm_xstrndup(const char *s, size_t n);
/* a * b, or exit 2 with "size overflow" when it does not fit a size_t. */
size_t crm_mulsz(size_t a, size_t b);
/* Grow *arr (of *alloc elements of size elt) to hold at least need elements. */
void crm_grow(void *arrp, size_t *alloc, size_t need, size_t elt);

/*
 * A growable byte string.  Invariants: after crm_buf_init, p is never NULL
 * and p[n] is always '\0'; alloc > n.  The buffer owns p; crm_buf_release
 * frees it and leaves an empty, usable buffer; crm_buf_detach hands p to the
 * caller (who frees it) and leaves the buffer empty.
 */
struct crm_buf {
	char *p;
	size_t n, alloc;
};

void crm_buf_init(struct crm_buf *b);
void crm_buf_release(struct crm_buf *b);
char *crm_buf_detach(struct crm_buf *b, size_t *len);
void crm_buf_reset(struct crm_buf *b);
void crm_buf_grow(struct crm_buf *b, size_t extra);
void crm_buf_add(struct crm_buf *b, const void *p, size_t n);
void crm_buf_addc(struct crm_buf *b, int c);
void crm_buf_adds(struct crm_buf *b, const char *s);
void crm_buf_addf(struct crm_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void crm_buf_vaddf(struct crm_buf *b, const char *fmt, va_list ap);
/* Append s quoted for a diagnostic: at most 60 bytes (cut on a UTF-8
 * boundary, "..." added), control characters and invalid bytes escaped. */
void crm_buf_addquoted(struct crm_buf *b, const char *s, size_t n);

/* Split "a,b,c" at sep into a NULL-terminated array of new strings (the
 * caller frees each and the array with crm_strv_free).  Empty input gives an
 * empty array. */
char **crm_split(const char *s, int sep, size_t *count);
void crm_strv_free(char **v);

/* Length of the valid UTF-8 prefix of p[0..n) with no NUL byte; equals n
 * when the whole span is valid. */
size_t crm_utf8_valid(const char *p, size_t n);

/* n bytes (freed with free), like crm_xmalloc; from 2 MiB up on 2 MiB
 * boundaries and marked for transparent huge pages: large arrays read or
 * filled at random would otherwise cost a TLB miss per access, and
 * faulting them in 4 KiB at a time costs more than filling them. */
void *crm_xmalloc_huge(size_t n);

/* Widen the pipe behind fd to CRM_PIPE_SIZE bytes when it is a pipe and
 * smaller (to a quarter of that where the system allows no more; as it
 * was where it allows no growth at all).  A stream of many megabytes
 * through the default 64 KiB pipe wakes its writer and its reader once
 * every 64 KiB, and on a virtual machine those switches cost more than
 * the copying itself. */
#define CRM_PIPE_SIZE (1 << 20)
void crm_pipe_widen(int fd);

/* Threads a tool may run at once: the cores online, or fewer when the
 * environment variable CRM_THREADS is a smaller positive number (1 runs
 * everything in one thread).  At least 1. */
int crm_threads(void);

/* fn(x) here and fn(y) in a second thread at once, when crm_threads
 * allows one and it can be started; both here otherwise, x first.
 * Returns when both are done. */
void crm_run_two(void *(*fn)(void *), void *x, void *y);

#endif
