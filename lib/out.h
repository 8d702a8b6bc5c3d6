/*
 * out: buffered, checked output and the record writer.
 *
 * Every tool writes through one large buffer (crm_out) and one record writer
 * (crm_writer) that knows the output formats: canonical TSV (with \t \n \r \\
 * escapes), RFC 4180 CSV (quoted only where needed) and JSON Lines.
 *
 * A write error is the second condition (after out-of-memory) that ends the
 * program from inside the library, as Unix filters do: EPIPE exits quietly
 * with status 2, any other error prints "prog: NAME: write error: REASON"
 * and exits 2.  crm_out_close must be called at the end so that the last
 * buffer and the close itself are checked too.
 */
#ifndef CRM_OUT_H
#define CRM_OUT_H

#include <stddef.h>

#include "rec.h"

struct crm_out {
	int fd;
	const char *name;       /* for the error message, e.g. "standard output" */
	char *buf;
	size_t n, cap;
};

/* Write to fd (crm_out_close flushes and closes it).  With fd -1 the stream is in memory: everything written stays in buf
 * (n bytes), which grows as needed; the caller frees buf.  A caller may
 * set buf and cap (from crm_xmalloc) before the first write. */
void crm_out_init(struct crm_out *o, int fd, const char *name);
void crm_out_write(struct crm_out *o, const void *p, size_t n);
void crm_out_putc(struct crm_out *o, int c);
void crm_out_puts(struct crm_out *o, const char *s);
void crm_out_printf(struct crm_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void crm_out_flush(struct crm_out *o);
/* Flush, then check the descriptor can be closed cleanly (fd 1 is closed
 * too, so that a deferred NFS or /dev/full error is seen). */
void crm_out_close(struct crm_out *o);
/* The same, but a failure is returned (an errno value; 0 when all went
 * well) instead of ending the program: for a tool that has already written
 * to a store and must say so whatever happens to its output. */
int crm_out_close_errno(struct crm_out *o);
/* The standard-output stream every tool writes to. */
extern struct crm_out crm_stdout;

enum crm_fmt {
	CRM_FMT_TSV,
	CRM_FMT_CSV,
	CRM_FMT_JSONL
};

/* Parse "tsv", "csv", "jsonl" (and "json"); -1 for anything else. */
int crm_fmt_parse(const char *s);

struct crm_writer {
	struct crm_out *out;
	enum crm_fmt fmt;
	int delim;              /* CSV delimiter, ',' by default */
	int excel_safe;         /* neutralise formula-like CSV cells */
	size_t col;             /* fields written in the current row */
	char **keys;            /* JSON Lines keys (copies of header names) */
	unsigned char *numeric; /* JSON Lines: columns written as bare numbers */
	size_t nkeys;
};

void crm_writer_init(struct crm_writer *w, struct crm_out *o, enum crm_fmt fmt);
void crm_writer_release(struct crm_writer *w);
/* Write the header row (TSV, CSV) or remember the keys (JSON Lines). */
void crm_writer_header(struct crm_writer *w, const struct crm_field *f, size_t n);
void crm_writer_header_names(struct crm_writer *w, const char *const *names,
    size_t n);
/* Mark column i as numeric: JSON Lines writes it unquoted when it is a valid
 * JSON number, and null when empty.  Other formats ignore the mark. */
void crm_writer_numeric(struct crm_writer *w, size_t i, int on);
/* Field by field: crm_writer_field for each, then crm_writer_end. */
void crm_writer_field(struct crm_writer *w, const char *p, size_t n);
void crm_writer_str(struct crm_writer *w, const char *s);
void crm_writer_fieldf(struct crm_writer *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void crm_writer_end(struct crm_writer *w);
void crm_writer_row(struct crm_writer *w, const struct crm_field *f, size_t n);

/* Append p[0..n) to b escaped for canonical TSV. */
struct crm_buf;
void crm_tsv_escape(struct crm_buf *b, const char *p, size_t n);
/* The same escapes into dst, which has room for 2n bytes; returns the
 * bytes written. */
size_t crm_tsv_escape_to(char *dst, const char *p, size_t n);
/* Fields f[0..n) as one TSV line without its newline, escaped and
 * tab-separated, at dst (room for twice their bytes and n more); the bytes
 * written.  Fields that lie one byte apart, as a reader hands them out,
 * and need no escape are copied as one span. */
size_t crm_tsv_row_to(char *dst, const struct crm_field *f, size_t n);
/* Append p[0..n) to b as one CSV cell (quoted only where needed). */
void crm_csv_escape(struct crm_buf *b, const char *p, size_t n, int delim,
    int excel_safe);

#endif
