/*
 * outfile: the files a tool writes beside its output and outside the
 * store: rejects, id maps, plots.
 *
 * They hold personal data, and their names are often fixed in scripts, so
 * a file is never written through a name someone else could have planted:
 * it is written to a new temporary file in the same directory (created
 * with O_EXCL | O_NOFOLLOW, mode 0600), and renamed over the name when it
 * is complete.  A symbolic link at the name is therefore replaced, never
 * followed, and a reader sees the old file or the new one, never a part.
 * A name that is a character device or a FIFO (/dev/null, /dev/stderr, a
 * pipe) is written directly, as a stream; a directory or other special
 * file is refused.
 *
 * Ownership: the caller owns the struct; crm_outfile_commit or
 * crm_outfile_abort frees what open allocated and closes the descriptor.
 * Errors are returned as "NAME: reason" in err, never by exiting.
 */
#ifndef CRM_OUTFILE_H
#define CRM_OUTFILE_H

#include <stddef.h>

struct crm_outfile {
	char *path;             /* the name asked for */
	char *tmp;              /* the temporary file, or NULL when direct */
	int fd;                 /* write here */
};

/* Open path for writing; 0, or -1 with the reason in err. */
int crm_outfile_open(struct crm_outfile *f, const char *path, char *err,
    size_t errlen);
/* Flush to disk and put the file in place (closes fd); 0 or -1. */
int crm_outfile_commit(struct crm_outfile *f, char *err, size_t errlen);
/* Give up: remove the temporary file and close. */
void crm_outfile_abort(struct crm_outfile *f);
/* The whole file at once: open, write p[0..n), commit. */
int crm_outfile_write(const char *path, const void *p, size_t n, char *err,
    size_t errlen);

#endif
