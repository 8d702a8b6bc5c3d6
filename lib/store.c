/*
 * store: locked, all-or-nothing appends to TSV store files.
 */
#include "store.h"
#include "strmap.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

struct crm_store {
	int fd;
	char *path;
	char *header;           /* expected header line with '\n', or NULL */
	size_t hlen;
	unsigned flags;
	int locked;
	int created;            /* this process made the file */
	off_t size;             /* roll-back point */
	off_t pos;              /* end of what was appended */
	unsigned generation;    /* files found under the name since open */
	int newfd;              /* the file of a rewrite in progress, or -1 */
	char *newpath;
};

static char *
header_line(const char *const *h, size_t n, size_t *len)
{
	struct crm_buf b;

	crm_buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		if (i)
			crm_buf_addc(&b, '\t');
		crm_buf_adds(&b, h[i]);
	}
	crm_buf_addc(&b, '\n');
	return crm_buf_detach(&b, len);
}

static int
write_all(int fd, const char *p, size_t n, off_t off)
{
	while (n) {
		ssize_t w = pwrite(fd, p, n, off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

/*
 * Open (or, with a header and the flags allowing it, create) path as a
 * store file: a regular file, never through a symbolic link, and never
 * waiting on a FIFO (O_NONBLOCK until it is known to be a regular file).
 * Returns the descriptor, or -1 with err.
 */
static int
open_store_fd(const char *path, unsigned flags, int can_create, int *created,
    char *err, size_t errlen)
{
	struct stat st;
	int fd;
	int oflags = O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;

	*created = 0;
	oflags |= (flags & CRM_STORE_RDONLY) ? O_RDONLY : O_RDWR;
	fd = open(path, oflags);
	if (fd < 0 && errno == ENOENT && !(flags & (CRM_STORE_NOCREATE |
	    CRM_STORE_RDONLY)) && can_create) {
		fd = open(path, oflags | O_CREAT | O_EXCL, 0600);
		if (fd < 0 && errno == EEXIST)
			fd = open(path, oflags);
		else if (fd >= 0)
			*created = 1;
	}
	if (fd < 0) {
		if (errno == ELOOP)
			snprintf(err, errlen, "%s: is a symbolic link, refused",
			    path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file, refused", path);
		close(fd);
		return -1;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	/* 0600 whatever the umask: personal data is the owner's only. */
	if (*created && fchmod(fd, 0600) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

struct crm_store *
crm_store_open(const char *path, const char *const *header, size_t nheader,
    unsigned flags, char *err, size_t errlen)
{
	struct crm_store *s;
	int created, fd = open_store_fd(path, flags, header != NULL, &created,
	    err, errlen);

	if (fd < 0)
		return NULL;
	s = crm_xcalloc(1, sizeof *s);
	s->fd = fd;
	s->newfd = -1;
	s->created = created;
	s->path = crm_xstrdup(path);
	s->flags = flags;
	if (header)
		s->header = header_line(header, nheader, &s->hlen);
	return s;
}

void
crm_store_close(struct crm_store *s)
{
	if (!s)
		return;
	crm_store_rewrite_abort(s);
	if (s->locked)
		crm_store_unlock(s);
	close(s->fd);
	free(s->path);
	free(s->header);
	free(s);
}

int
crm_store_fd(const struct crm_store *s)
{
	return s->fd;
}

const char *
crm_store_path(const struct crm_store *s)
{
	return s->path;
}

off_t
crm_store_size(const struct crm_store *s)
{
	return s->size;
}

char *
crm_store_first_line(struct crm_store *s, size_t max, size_t *len, char *err,
    size_t errlen)
{
	struct crm_buf b;
	char buf[4096];
	off_t off = 0;

	crm_buf_init(&b);
	snprintf(err, errlen, "%s: no header line", s->path);
	while (b.n < max) {
		ssize_t k = pread(s->fd, buf, sizeof buf, off);
		char *nl;

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			snprintf(err, errlen, "%s: %s", s->path,
			    strerror(errno));
			break;
		}
		if (k == 0)
			break;
		if ((nl = memchr(buf, '\n', (size_t)k)) != NULL) {
			crm_buf_add(&b, buf, (size_t)(nl - buf));
			if (b.n <= max)
				return crm_buf_detach(&b, len);
			break;
		}
		crm_buf_add(&b, buf, (size_t)k);
		off += k;
	}
	crm_buf_release(&b);
	return NULL;
}

off_t
crm_store_whole_size(int fd, char *err, size_t errlen)
{
	struct stat st;
	char buf[4096];

	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	off_t end = st.st_size;
	while (end > 0) {
		size_t n = end > (off_t)sizeof buf ? sizeof buf : (size_t)end;
		ssize_t k = pread(fd, buf, n, end - (off_t)n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s", strerror(errno));
			return -1;
		}
		if ((size_t)k != n) {
			snprintf(err, errlen, "short read");
			return -1;
		}
		char *nl = memrchr(buf, '\n', n);
		if (nl)
			return end - (off_t)n + (nl - buf) + 1;
		end -= (off_t)n;
	}
	return 0;
}

int
crm_store_lock(struct crm_store *s, char *err, size_t errlen)
{
	struct stat st;
	char e2[256];

	for (;;) {
		struct stat ps;
		int fd;

		while (flock(s->fd, LOCK_EX) < 0) {
			if (errno != EINTR) {
				snprintf(err, errlen, "%s: cannot lock: %s",
				    s->path, strerror(errno));
				return -1;
			}
		}
		s->locked = 1;
		if (fstat(s->fd, &st) < 0) {
			snprintf(err, errlen, "%s: %s", s->path,
			    strerror(errno));
			goto fail;
		}
		/* still the file of that name?  A create that failed removes
		 * the file it made (below); whoever opened it meanwhile opens
		 * the name again */
		if (lstat(s->path, &ps) == 0 && ps.st_dev == st.st_dev &&
		    ps.st_ino == st.st_ino)
			break;
		flock(s->fd, LOCK_UN);
		s->locked = 0;
		fd = open_store_fd(s->path, s->flags, s->header != NULL,
		    &s->created, err, errlen);
		if (fd < 0)
			return -1;
		close(s->fd);
		s->fd = fd;
		s->generation++;
	}
	s->size = s->pos = st.st_size;
	if (st.st_size == 0) {
		if (!s->header) {
			snprintf(err, errlen, "%s: empty file has no header",
			    s->path);
			goto fail;
		}
		if (s->flags & CRM_STORE_RDONLY)
			return 0;
		/* A new (or emptied) store starts with its header. */
		if (write_all(s->fd, s->header, s->hlen, 0) < 0) {
			snprintf(err, errlen, "%s: %s", s->path,
			    strerror(errno));
			if (ftruncate(s->fd, 0) < 0) {
				/* the error above is the one to report */
			}
			/* a file this process made is not left behind empty
			 * (readers would refuse it); others reopen the name */
			if (s->created)
				unlink(s->path);
			goto fail;
		}
		s->size = s->pos = (off_t)s->hlen;
		return 0;
	}
	off_t whole = crm_store_whole_size(s->fd, e2, sizeof e2);
	if (whole < 0) {
		snprintf(err, errlen, "%s: %s", s->path, e2);
		goto fail;
	}
	if (whole != st.st_size) {
		snprintf(err, errlen, "%s: torn last line (%lld bytes after "
		    "the last newline, left by an interrupted write); "
		    "'crm-log check --repair -f %s' cuts it off", s->path,
		    (long long)(st.st_size - whole), s->path);
		goto fail;
	}
	if (s->header) {
		char *h = crm_xmalloc(s->hlen);
		ssize_t k = pread(s->fd, h, s->hlen, 0);
		int same = k == (ssize_t)s->hlen && !memcmp(h, s->header,
		    s->hlen);
		free(h);
		if (!same) {
			snprintf(err, errlen, "%s: header does not match the "
			    "expected '%.*s'", s->path, (int)s->hlen - 1,
			    s->header);
			goto fail;
		}
	}
	return 0;
fail:
	flock(s->fd, LOCK_UN);
	s->locked = 0;
	return -1;
}

int
crm_store_append(struct crm_store *s, const void *p, size_t n, char *err,
    size_t errlen)
{
	if (!s->locked) {
		snprintf(err, errlen, "%s: append without the lock", s->path);
		return -1;
	}
	if (write_all(s->fd, p, n, s->pos) < 0) {
		int e = errno;
		/* Leave the file as it was: no half record. */
		if (ftruncate(s->fd, s->size) < 0)
			snprintf(err, errlen, "%s: write error: %s; and could "
			    "not truncate back: %s", s->path, strerror(e),
			    strerror(errno));
		else
			snprintf(err, errlen, "%s: write error: %s", s->path,
			    strerror(e));
		s->pos = s->size;
		return -1;
	}
	s->pos += (off_t)n;
	return 0;
}

int
crm_store_commit(struct crm_store *s, char *err, size_t errlen)
{
	if ((s->flags & CRM_STORE_SYNC) && fsync(s->fd) < 0) {
		int e = errno;
		if (ftruncate(s->fd, s->size) == 0)
			fsync(s->fd);
		snprintf(err, errlen, "%s: fsync: %s", s->path, strerror(e));
		s->pos = s->size;
		return -1;
	}
	s->size = s->pos;
	return 0;
}

void
crm_store_unlock(struct crm_store *s)
{
	if (!s->locked)
		return;
	if (s->pos != s->size) {
		if (ftruncate(s->fd, s->size) < 0) {
			/* nothing better to do: the next lock sees the tail */
		}
		s->pos = s->size;
	}
	flock(s->fd, LOCK_UN);
	s->locked = 0;
}

static uint64_t
rnd64(void)
{
	static uint64_t state;

	if (!state) {
		struct timespec ts;
		int fd;

		clock_gettime(CLOCK_REALTIME, &ts);
		state = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
		    ((uint64_t)getpid() << 40);
		fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			uint64_t x;
			if (read(fd, &x, sizeof x) == (ssize_t)sizeof x)
				state ^= x;
			close(fd);
		}
	}
	return crm_splitmix64(&state);
}

void
crm_store_newid(char *out, const char *prefix)
{
	static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	static int64_t last_us;
	static uint64_t suffix;
	struct timeval tv;
	struct tm tm;
	int64_t us;
	time_t sec;
	char tbuf[32];

	gettimeofday(&tv, NULL);
	us = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	if (!suffix)
		suffix = rnd64();
	if (us <= last_us)
		us = last_us + 1;   /* strictly increasing within a process */
	last_us = us;
	sec = (time_t)(us / 1000000);
	gmtime_r(&sec, &tm);
	strftime(tbuf, sizeof tbuf, "%Y%m%dT%H%M%S", &tm);
	snprintf(out, 48, "%.4s%.15s%06lld%c%c%c%c", prefix, tbuf,
	    (long long)(us % 1000000), b32[suffix & 31],
	    b32[(suffix >> 5) & 31], b32[(suffix >> 10) & 31],
	    b32[(suffix >> 15) & 31]);
}

unsigned
crm_store_generation(const struct crm_store *s)
{
	return s->generation;
}

int
crm_store_rewrite_begin(struct crm_store *s, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	if (!s->locked) {
		snprintf(err, errlen, "%s: rewrite without the lock", s->path);
		return -1;
	}
	if (fstat(s->fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", s->path, strerror(errno));
		return -1;
	}
	crm_store_rewrite_abort(s);
	s->newpath = crm_xmalloc(strlen(s->path) + 12);
	sprintf(s->newpath, "%s.new.XXXXXX", s->path);
	if ((fd = mkostemp(s->newpath, O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s", s->newpath, strerror(errno));
		free(s->newpath);
		s->newpath = NULL;
		return -1;
	}
	s->newfd = fd;
	/* the store's owner and mode, not the rewriter's: the group is kept
	 * too, and a file someone else owns can only be rewritten by root */
	if ((st.st_uid != geteuid() || st.st_gid != getegid()) &&
	    fchown(fd, st.st_uid, st.st_gid) < 0) {
		snprintf(err, errlen, "%s: cannot keep its owner and group "
		    "(%ld:%ld) in the rewritten file: %s", s->path,
		    (long)st.st_uid, (long)st.st_gid, strerror(errno));
		crm_store_rewrite_abort(s);
		return -1;
	}
	if (fchmod(fd, st.st_mode & 07777) < 0) {
		snprintf(err, errlen, "%s: %s", s->newpath, strerror(errno));
		crm_store_rewrite_abort(s);
		return -1;
	}
	return fd;
}

void
crm_store_rewrite_abort(struct crm_store *s)
{
	if (s->newfd < 0)
		return;
	close(s->newfd);
	unlink(s->newpath);
	free(s->newpath);
	s->newpath = NULL;
	s->newfd = -1;
}

int
crm_store_rewrite_commit(struct crm_store *s, char *err, size_t errlen)
{
	char *dir, *slash;
	int dfd;

	if (s->newfd < 0 || !s->locked) {
		snprintf(err, errlen, "%s: no rewrite under way", s->path);
		return -1;
	}
	if (fsync(s->newfd) < 0) {
		snprintf(err, errlen, "%s: fsync: %s", s->newpath,
		    strerror(errno));
		crm_store_rewrite_abort(s);
		return -1;
	}
	if (rename(s->newpath, s->path) < 0) {
		snprintf(err, errlen, "%s: cannot rename %s over it: %s",
		    s->path, s->newpath, strerror(errno));
		crm_store_rewrite_abort(s);
		return -1;
	}
	close(s->newfd);
	s->newfd = -1;
	free(s->newpath);
	s->newpath = NULL;
	/* the rename itself is made durable by the directory's fsync */
	dir = crm_xstrdup(s->path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		strcpy(dir, ".");
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		if (fsync(dfd) < 0) {
			/* some file systems refuse to fsync a directory; the
			 * rename is done either way */
		}
		close(dfd);
	}
	free(dir);
	return 0;
}
