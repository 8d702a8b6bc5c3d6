/*
 * fault: an LD_PRELOAD shim that makes the Nth call of one system function
 * fail, for the fault-injection tests (tests/85-fault.bats).
 *
 *   CRM_FAULT=write:3:ENOSPC crm-log add ...
 *
 * fails the third write(2)/pwrite(2) on a file descriptor above 2 with
 * ENOSPC; every other call goes through.  Functions: write (write and
 * pwrite), fsync (fsync and fdatasync), rename, close (descriptors above
 * 2), malloc (malloc, calloc and realloc; left out of the sanitizer
 * build, built with FAULT_NO_MALLOC, where ASan owns the allocator).
 * Errors: ENOSPC, EIO, ENOMEM, EDQUOT.  When the fault fires, a line
 * "fault" is appended to the file named by CRM_FAULT_LOG, so a test knows
 * the command got that far.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static char op[16];
static long nth = -1, count;
static int fail_errno, ready;

static void
setup(void)
{
	const char *s;
	char e[16];

	if (ready)
		return;
	ready = 1;
	s = getenv("CRM_FAULT");
	if (!s || sscanf(s, "%15[a-z]:%ld:%15[A-Z]", op, &nth, e) != 3) {
		nth = -1;
		return;
	}
	fail_errno = !strcmp(e, "ENOSPC") ? ENOSPC : !strcmp(e, "EIO") ? EIO :
	    !strcmp(e, "ENOMEM") ? ENOMEM : !strcmp(e, "EDQUOT") ? EDQUOT : EIO;
}

/* Should this call of function f fail? */
static int
fire(const char *f)
{
	setup();
	if (nth < 0 || strcmp(op, f))
		return 0;
	if (++count != nth)
		return 0;
	const char *log = getenv("CRM_FAULT_LOG");
	if (log) {
		int fd = (int)syscall(SYS_open, log,
		    O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			if (syscall(SYS_write, fd, "fault\n", 6) < 0) {
				/* the test then sees no line: nothing else to do */
			}
			syscall(SYS_close, fd);
		}
	}
	errno = fail_errno;
	return 1;
}

#define REAL(ret, name, args) \
	static ret (*real_##name) args; \
	if (!real_##name) \
		real_##name = (ret (*) args)dlsym(RTLD_NEXT, #name)

ssize_t
write(int fd, const void *p, size_t n)
{
	REAL(ssize_t, write, (int, const void *, size_t));
	if (fd > 2 && fire("write"))
		return -1;
	return real_write(fd, p, n);
}

ssize_t
pwrite(int fd, const void *p, size_t n, off_t off)
{
	REAL(ssize_t, pwrite, (int, const void *, size_t, off_t));
	if (fd > 2 && fire("write"))
		return -1;
	return real_pwrite(fd, p, n, off);
}

ssize_t
pwrite64(int fd, const void *p, size_t n, off_t off)
{
	return pwrite(fd, p, n, off);
}

int
fsync(int fd)
{
	REAL(int, fsync, (int));
	if (fire("fsync"))
		return -1;
	return real_fsync(fd);
}

int
fdatasync(int fd)
{
	REAL(int, fdatasync, (int));
	if (fire("fsync"))
		return -1;
	return real_fdatasync(fd);
}

int
rename(const char *a, const char *b)
{
	REAL(int, rename, (const char *, const char *));
	if (fire("rename"))
		return -1;
	return real_rename(a, b);
}

int
close(int fd)
{
	REAL(int, close, (int));
	if (fd > 2 && fire("close")) {
		/* the descriptor is gone all the same, as after EIO */
		real_close(fd);
		errno = fail_errno;
		return -1;
	}
	return real_close(fd);
}

#ifndef FAULT_NO_MALLOC
/* Not under ASan: its allocator must stay the program's malloc. */
void *
malloc(size_t n)
{
	if (ready && fire("malloc"))
		return NULL;
	return __libc_malloc(n);
}

void *
calloc(size_t n, size_t m)
{
	if (ready && fire("malloc"))
		return NULL;
	return __libc_calloc(n, m);
}

void *
realloc(void *p, size_t n)
{
	if (ready && fire("malloc"))
		return NULL;
	return __libc_realloc(p, n);
}
#endif

__attribute__((constructor)) static void
init(void)
{
	setup();
}
