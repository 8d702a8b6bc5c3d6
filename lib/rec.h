/*
 * rec: the record stream reader.
 *
 * Reads canonical TSV (header line, \t \n \r \\ escapes undone) with large
 * block reads and memchr splitting, and CSV (RFC 4180) through libcsv, from a
 * file or standard input, optionally converting a legacy encoding to UTF-8
 * with iconv first.  A record is an array of fields that point into the
 * reader's own buffers: they stay valid until the next call to
 * crm_reader_next, are NUL-terminated, and are never allocated one by one.
 *
 * The reader never exits and never prints: problems come back as return codes
 * with a ready message of the form "FILE:LINE: FIELD: message 'value'".
 */
#ifndef CRM_REC_H
#define CRM_REC_H

#include <stddef.h>

struct crm_field {
	char *p;        /* NUL-terminated; p[n] == '\0' */
	size_t n;
};

struct crm_rec {
	struct crm_field *f;
	size_t nf;
	long line;      /* physical line where the record starts (1-based) */
};

/* Field col of rec trimmed (crm_trim), or NULL with *n 0 when the column
 * is absent (col < 0 or past the record) or the field empty. */
const char *crm_rec_get(const struct crm_rec *rec, int col, size_t *n);

enum crm_informat {
	CRM_IN_AUTO,    /* by file name: .csv is CSV, anything else TSV */
	CRM_IN_TSV,
	CRM_IN_CSV
};

#define CRM_MAX_FIELD_DEFAULT  (1UL << 20)   /* 1 MiB */
#define CRM_MAX_RECORD_DEFAULT (16UL << 20)  /* 16 MiB */
#define CRM_MAX_FIELDS_DEFAULT 65536         /* fields in one record */

struct crm_read_opts {
	enum crm_informat format;
	int delim;              /* CSV delimiter; 0 means ',' */
	int no_header;          /* the first record is data */
	int ragged;             /* allow records with a field count other than
	                           the header's (otherwise they are bad) */
	size_t max_field;       /* 0 means CRM_MAX_FIELD_DEFAULT */
	size_t max_record;      /* 0 means CRM_MAX_RECORD_DEFAULT */
	size_t max_fields;      /* 0 means CRM_MAX_FIELDS_DEFAULT */
	const char *encoding;   /* iconv name of the input encoding, or NULL */
	size_t block;           /* read size; 0 means 1 MiB (small values are
	                           for tests and fuzzing: records then cross
	                           many block boundaries) */
	int general;            /* for tests and fuzzing: never the fast
	                           paths, to compare what they read with */
	int store;              /* a store file: a named regular TSV file is
	                           read up to its last newline as of opening,
	                           found under a shared lock (an append in
	                           progress, or a torn tail left by a crash,
	                           is not data; see crm_reader_torn) */
};

enum {
	CRM_READ_FATAL = -2,    /* reading cannot go on (I/O, broken CSV) */
	CRM_READ_BAD = -1,      /* this record is bad and was skipped */
	CRM_READ_EOF = 0,
	CRM_READ_OK = 1
};

struct crm_reader;

/* Open path ("-" or NULL for standard input).  On failure returns NULL and
 * writes a message ("FILE: reason") into err. */
struct crm_reader *crm_reader_open(const char *path,
    const struct crm_read_opts *opts, char *err, size_t errlen);
/* Read from an open descriptor (not closed by the reader). */
struct crm_reader *crm_reader_fdopen(int fd, const char *name,
    const struct crm_read_opts *opts, char *err, size_t errlen);
void crm_reader_close(struct crm_reader *r);

/*
 * Next data record into *rec.  Returns CRM_READ_OK, CRM_READ_EOF,
 * CRM_READ_BAD (message in crm_reader_error; *rec then holds what could be
 * read of the bad record, for a rejects file, and the next call goes on with
 * the next record) or CRM_READ_FATAL (message in crm_reader_error).
 * The header is read by the first call (or by crm_reader_header).
 */
int crm_reader_next(struct crm_reader *r, struct crm_rec *rec);

/* The header record (reads it if not read yet); NULL with no_header or when
 * the input is empty or its header is bad (see crm_reader_error). */
const struct crm_rec *crm_reader_header(struct crm_reader *r);
/* Index of the column named name, or -1. */
int crm_reader_col(struct crm_reader *r, const char *name);
/* Name of column i ("" past the header). */
const char *crm_reader_colname(struct crm_reader *r, size_t i);

const char *crm_reader_error(const struct crm_reader *r);
/* With opts.store: the bytes after the last newline that were left out
 * (a torn tail), 0 when the file ends with a whole line. */
long long crm_reader_torn(const struct crm_reader *r);
/* Say so on standard error when there was one ("NAME: torn last line
 * ignored (N bytes after the last newline)"); returns 1 then, else 0. */
int crm_reader_torn_warn(const struct crm_reader *r);
const char *crm_reader_name(const struct crm_reader *r);
int crm_reader_is_csv(const struct crm_reader *r);
/* Bytes of input consumed so far (before any encoding conversion). */
unsigned long long crm_reader_bytes(const struct crm_reader *r);

/* Format a record-level diagnostic "NAME:LINE: FIELD: msg 'value'" into the
 * reader's error buffer (value may be NULL) and return it.  Column col names
 * the field by its header name, or "field N" without one; col < 0 omits it. */
const char *crm_reader_seterr(struct crm_reader *r, long line, int col,
    const char *value, size_t vlen, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Undo canonical TSV escapes in place; returns the new length. */
size_t crm_tsv_unescape(char *p, size_t n);

/*
 * Whole-line blocks: the strict raw mode for a store file that a tool
 * verifies or filters line by line (crm-log's interaction log).  Lines are
 * handed on raw, escapes kept, in runs of whole lines from large block
 * reads, so that a filter can search a whole run at once and pass a line on
 * byte for byte; field counts and values are the caller's to check, with
 * crm_tsv_split and crm_tsv_unescape.
 *
 * The first line is the header.  A last line without '\n' is, when strict
 * is 0, a line like the others (the end of a stream); when strict is 1 and
 * it follows a header or another line, it is torn (a crash or an append in
 * progress): it is not handed on and its length goes to *tail.  A lone
 * line without '\n' is the header either way.  A named store file is
 * usually read only up to its last newline (limit), so that an append in
 * progress is never seen at all.
 */
struct crm_lines_fn {
	/* The header line p[0..n) without its '\n', NUL-terminated in place
	 * for the call; p is NULL when the input is empty. */
	void (*header)(void *ctx, char *p, size_t n);
	/* Whole lines p[0..n), each ending in '\n'. */
	void (*block)(void *ctx, char *p, size_t n);
	/* A line over the caps every reader applies, left out in its place
	 * among the lines (the next block starts after it): why is "record
	 * longer than N bytes" (the line past CRM_MAX_RECORD_DEFAULT) or
	 * "NAME: field longer than N bytes" (a field past
	 * CRM_MAX_FIELD_DEFAULT once unescaped; NAME from the header, or
	 * "field K").  NULL: such lines are left out unsaid. */
	void (*refused)(void *ctx, const char *why);
};

/* Read fd (not closed) to its end, or to limit bytes when limit >= 0;
 * block is the first read size (0 means 4 MiB; the buffer grows for a
 * longer line, up to the record cap: a line past it is skipped as it is
 * read, never held whole, so memory stays bounded whatever the input).
 * *tail (when not NULL) is set as above.  Returns 0, or -1 on a read
 * error with errno set (EFBIG: a header line past the record cap); the
 * callbacks have then seen the lines before it. */
int crm_lines_read(int fd, long long limit, size_t block, int strict,
    const struct crm_lines_fn *fn, void *ctx, size_t *tail);

/* Split the raw line p[0..n) at tabs into at most max fields, nothing
 * unescaped and nothing written: the fields are not NUL-terminated.
 * Returns the number of fields, or max + 1 when there are more. */
size_t crm_tsv_split(char *p, size_t n, struct crm_field *f, size_t max);

/* Split the NUL-terminated line at tabs in place (each tab becomes a NUL)
 * into at most max field pointers in f; returns the number of fields,
 * which may be more than max (the fields past max are not stored). */
size_t crm_tsv_split_nul(char *line, char **f, size_t max);

/* Number of '\n' in p[0..n), eight bytes at a time. */
size_t crm_count_nl(const char *p, size_t n);

#endif
