/*
 * outfile: rejects, id maps and plots written whole, through no planted
 * name (outfile.h).
 */
#include "outfile.h"
#include "strmap.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int
crm_outfile_open(struct crm_outfile *f, const char *path, char *err,
    size_t errlen)
{
	struct stat st;
	uint64_t seed = (uint64_t)getpid() ^ (uint64_t)time(NULL) ^
	    (uint64_t)(uintptr_t)f;

	f->path = crm_xstrdup(path);
	f->tmp = NULL;
	f->fd = -1;
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISLNK(st.st_mode)) {
		if (!S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode)) {
			snprintf(err, errlen, "%s: not a regular file", path);
			goto fail;
		}
		f->fd = open(path, O_WRONLY | O_CLOEXEC);
		if (f->fd < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		return 0;
	}
	size_t n = strlen(path) + 32;
	f->tmp = crm_xmalloc(n);
	for (int i = 0; i < 100; i++) {
		snprintf(f->tmp, n, "%s.%08llx.tmp", path,
		    (unsigned long long)(crm_splitmix64(&seed) & 0xffffffffu));
		f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (f->fd >= 0 || errno != EEXIST)
			break;
	}
	if (f->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	free(f->path);
	free(f->tmp);
	f->path = f->tmp = NULL;
	return -1;
}

int
crm_outfile_commit(struct crm_outfile *f, char *err, size_t errlen)
{
	int rc = 0;

	if (f->tmp && fsync(f->fd) < 0) {
		snprintf(err, errlen, "%s: %s", f->path, strerror(errno));
		rc = -1;
	}
	if (close(f->fd) < 0 && !rc) {
		snprintf(err, errlen, "%s: %s", f->path, strerror(errno));
		rc = -1;
	}
	if (f->tmp && !rc && rename(f->tmp, f->path) < 0) {
		snprintf(err, errlen, "%s: %s", f->path, strerror(errno));
		rc = -1;
	}
	if (f->tmp && rc)
		unlink(f->tmp);
	free(f->path);
	free(f->tmp);
	f->path = f->tmp = NULL;
	f->fd = -1;
	return rc;
}

void
crm_outfile_abort(struct crm_outfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->tmp)
		unlink(f->tmp);
	free(f->path);
	free(f->tmp);
	f->path = f->tmp = NULL;
	f->fd = -1;
}

int
crm_outfile_write(const char *path, const void *p, size_t n, char *err,
    size_t errlen)
{
	struct crm_outfile f;
	const char *c = p;

	if (crm_outfile_open(&f, path, err, errlen) < 0)
		return -1;
	while (n) {
		ssize_t w = write(f.fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, errlen, "%s: write error: %s", path,
			    strerror(w < 0 ? errno : ENOSPC));
			crm_outfile_abort(&f);
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return crm_outfile_commit(&f, err, errlen);
}
