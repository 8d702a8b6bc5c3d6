/*
 * store: append-only store files (the interaction log, the complaint log,
 * crm-import --append targets).
 *
 * A store file is canonical TSV with a header.  Every append takes an
 * exclusive lock, checks that the file ends with a whole line (a crash or a
 * kill can leave a torn last line, which must not be taken for data) and
 * that its header is the expected one, then writes whole records.  When a
 * write fails (a full disk, an I/O error) the file is truncated back to the
 * size it had before, so it never holds half a record.  Files are created
 * 0600 whatever the umask, opened with O_NOFOLLOW, and must be regular files.
 */
#ifndef CRM_STORE_H
#define CRM_STORE_H

#include <stddef.h>
#include <sys/types.h>

struct crm_store;

enum {
	CRM_STORE_SYNC = 1,     /* fsync after each append */
	CRM_STORE_NOCREATE = 2, /* the file must exist */
	CRM_STORE_RDONLY = 4    /* open for reading and checking only */
};

/*
 * Open (and create, 0600, with the header line) the store file at path.
 * header/nheader is the expected header; NULL accepts any header (and then
 * a missing file cannot be created).  Returns NULL with a message
 * "PATH: reason" in err on failure.
 */
struct crm_store *crm_store_open(const char *path, const char *const *header,
    size_t nheader, unsigned flags, char *err, size_t errlen);
void crm_store_close(struct crm_store *s);
int crm_store_fd(const struct crm_store *s);
const char *crm_store_path(const struct crm_store *s);

/*
 * Take the exclusive lock and check the file: it ends with a newline (else
 * "torn last line") and its first line is the expected header (else
 * "header does not match").  On success returns 0 and remembers the size
 * as the point to roll back to.  On failure returns -1 with err set and the
 * lock released.
 */
int crm_store_lock(struct crm_store *s, char *err, size_t errlen);
/*
 * Append n bytes (whole records, each ending in '\n') at the end of the
 * locked file.  On a write error the file is truncated back to its size at
 * the last commit point, -1 is returned and err says why.
 */
int crm_store_append(struct crm_store *s, const void *p, size_t n, char *err,
    size_t errlen);
/* Make what was appended so far the new roll-back point (and fsync it with
 * CRM_STORE_SYNC).  -1 with err on an fsync error (after rolling back). */
int crm_store_commit(struct crm_store *s, char *err, size_t errlen);
/* Roll back to the last commit point (or the size at lock) and unlock. */
void crm_store_unlock(struct crm_store *s);

/*
 * The first line of the file (its header), without the newline, as a new
 * string the caller frees, its length in *len.  Returns NULL with err on an
 * I/O error, or when the file is empty, has no newline in its first max
 * bytes ("no header line").
 */
char *crm_store_first_line(struct crm_store *s, size_t max, size_t *len,
    char *err, size_t errlen);

/* Size of the file when it was locked (or at the last commit). */
off_t crm_store_size(const struct crm_store *s);

/*
 * Rewrite a locked store atomically: crm_store_rewrite_begin makes a new
 * file beside it (PATH.new.XXXXXX, with the store's mode and owner) and
 * returns its descriptor for the caller to fill; crm_store_rewrite_commit
 * fsyncs it, renames it over the store's name and fsyncs the directory;
 * crm_store_rewrite_abort removes it.  Writers waiting for the lock find
 * the new file when they get it (crm_store_lock opens the name again when
 * its file changed), so an append is never lost to the old one.  After a
 * commit the store holds the old file, locked, until crm_store_unlock:
 * close it then.  -1 with err on a failure, the store as it was.
 */
int crm_store_rewrite_begin(struct crm_store *s, char *err, size_t errlen);
int crm_store_rewrite_commit(struct crm_store *s, char *err, size_t errlen);
void crm_store_rewrite_abort(struct crm_store *s);

/* How many times crm_store_lock found another file under the store's
 * name and opened it (a rewrite, or a create that failed): offsets into
 * the file from before then mean nothing. */
unsigned crm_store_generation(const struct crm_store *s);

/*
 * A new record id: prefix, the UTC time to the microsecond, and a random
 * suffix: "I20261123T093000123456Z7K2".  Ids from one process strictly
 * increase; ids from different processes differ by their random part, and
 * all sort by the time they were made.  out must hold 48 bytes.
 */
void crm_store_newid(char *out, const char *prefix);

/*
 * Inspect the tail of a file without the lock: returns the offset just after
 * the last '\n' (the size of the file when it ends with a whole line), or -1
 * with err on an I/O error.
 */
off_t crm_store_whole_size(int fd, char *err, size_t errlen);

#endif
