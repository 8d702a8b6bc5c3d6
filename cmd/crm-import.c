/*
 * crm-import: turn CSV/TSV exports into canonical records of one kind.
 *
 * Each input file is read with lib/rec.h; its header is renamed (--map) and
 * matched against the kind's columns (lib/kinds.h); every known field is
 * checked and normalised by lib/normalize.h, then by the user's --check
 * patterns.  Before that, lib/derive.h maps values (--recode) and makes
 * columns (--set, --compute, and amount from quantity and unit_price).  A
 * record that fails is written whole to the rejects file and
 * named on standard error; accepted records go to standard output (or are
 * appended to a store file), deduplicated or merged into one customer per
 * person on request.  --raw skips all of it and converts formats only, as
 * fast as the reader and writer go.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "derive.h"
#include "expr.h"
#include "idmap.h"
#include "kinds.h"
#include "normalize.h"
#include "out.h"
#include "outfile.h"
#include "re.h"
#include "rec.h"
#include "store.h"
#include "strmap.h"
#include "util.h"
#include "value.h"

#define STORE_BATCH (4UL << 20)         /* bytes per store append */

struct check {
	char *field;
	struct crm_re *re;
	size_t col;                     /* output column */
};

/* Options. */
static const struct crm_kind *kind;
static int raw;
static struct crm_read_opts ropts;
static char **map_old, **map_new;
static size_t nmap;
static char **columns;
static size_t ncolumns;
static struct crm_norm_opts nopts;
static struct check *checks;
static size_t nchecks;
static int dedupe;
static char **merge_on;
static size_t nmerge_on;
static const char *idmap_path, *rejects_path, *append_path, *rekey_path;
static int excel_safe;
static struct crm_derive dv;            /* --recode, --set, --compute */
static int quiet;                       /* --quiet: a summary, no lines */
static unsigned long long max_errors;   /* --max-errors, 0: no limit */
static enum crm_fmt outfmt = CRM_FMT_TSV;

/* The output schema, fixed by the first input's header. */
static int have_schema;
static char **outname;
static size_t ncol;
static const struct crm_coldef **coldef;        /* NULL: unknown column */
static size_t *merge_col;                       /* output columns */
static int key_col = -1;                        /* --dedupe key, or -1 */
static int cid_col = -1;                        /* customer_id, or -1 */

/* Output. */
static struct crm_writer w;
static struct crm_store *store;
static struct crm_buf sbuf;                     /* store batch */
/* --append into a store whose columns are not the output's: the output
 * column of each store column (-1: left empty), and this record's escaped
 * fields, the i-th at rowbuf.p + rowoff[i], rowlen[i] bytes. */
static long *smap;
static size_t nscol;
static struct crm_buf rowbuf;
static size_t *rowoff, *rowlen;
static struct crm_out rej_out;
static struct crm_outfile rej_file;
static struct crm_writer rej;
static int have_rej;

static struct crm_buf val;      /* the output values, NUL-separated */
static size_t *voff;            /* value i is val.p + voff[i] */

/* The input being read, closed by finish_fatal. */
static struct crm_reader *cur;
static struct crm_field *ext;   /* this record's fields, derived included */

/* Counts. */
static unsigned long long nread, nrejected, ndups;
static int file_failed;

/* Progress. */
static int progress_on, progress_shown;
static struct timespec t_start, t_last;
static unsigned long long bytes_done;

static const char usage_text[] =
	"usage: crm-import -k kind [-q] [-d delim] [-m old=new,...] "
	    "[-r rejects]\n"
	    "                  [--append store] [--check field=regex] "
	    "[--columns names]\n"
	    "                  [--compute name=expr] [--country cc] "
	    "[--csv | --tsv] [--dedupe]\n"
	    "                  [--dmy | --mdy] [--encoding name] "
	    "[--excel-dates] [--excel-safe]\n"
	    "                  [--format tsv|csv|jsonl] [--id-integer] "
	    "[--id-map file]\n"
	    "                  [--local-time [zone]] "
	    "[--max-errors n] [--max-field n] "
	    "[--max-record n]\n"
	    "                  [--merge-on columns] [--no-header] "
	    "[--recode column:from=to,...]\n"
	    "                  [--recode-file file] [--rekey file] "
	    "[--set name=value] [file ...]\n"
	    "       crm-import --raw [-q] [-d delim] [-m old=new,...] "
	    "[-r rejects] [--append store]\n"
	    "                  [--columns names] [--compute name=expr] "
	    "[--csv | --tsv]\n"
	    "                  [--encoding name] [--excel-safe] "
	    "[--format tsv|csv|jsonl]\n"
	    "                  [--max-errors n] [--max-field n] "
	    "[--max-record n] [--no-header]\n"
	    "                  [--recode column:from=to,...] "
	    "[--recode-file file]\n"
	    "                  [--set name=value] [file ...]\n"
	    "       crm-import --help | --version\n";

static void __attribute__((noreturn))
usage_error(const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vwarnx(fmt, ap);
		va_end(ap);
	}
	crm_cli_usage(CRM_EXIT_FATAL, usage_text);
}

/* ---- progress on a terminal ---- */

static double
secs_since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void
progress_clear(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = 0;
	}
}

static void
progress_tick(unsigned long long bytes)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	double el = secs_since(&t_start, &now);
	/* small inputs finish before anything is shown */
	if (el < 1.0 || (progress_shown && secs_since(&t_last, &now) < 0.25))
		return;
	t_last = now;
	fprintf(stderr, "\rcrm-import: %llu records, %.1f MB, %.1f MB/s\033[K",
	    nread, (double)bytes / 1e6, (double)bytes / 1e6 / el);
	progress_shown = 1;
}

/* warnx that first clears the progress line. */
static void
note(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void
note(const char *fmt, ...)
{
	va_list ap;

	progress_clear();
	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
}

/* ---- --rekey: customer ids carried over from a --merge-on ---- */

static struct crm_idmap *rekey_map;     /* lib/idmap.h */
static struct crm_buf rkbuf;            /* scratch for rekey_record */

/*
 * Load the id map written by --id-map.  Any problem with it is fatal:
 * re-keying with half a map would quietly leave records under the wrong
 * customer.
 */
static void
load_rekey(void)
{
	char e[1024];

	crm_buf_init(&rkbuf);
	if ((rekey_map = crm_idmap_load(rekey_path, 0, e, sizeof e)) == NULL)
		errx(CRM_EXIT_FATAL, "--rekey: %s", e);
}

/* Replace the customer_id in val/voff by its new id, when mapped. */
static void
rekey_record(void)
{
	size_t c = (size_t)cid_col;
	size_t n = voff[c + 1] - voff[c] - 1;
	size_t nn;
	const char *nv = crm_idmap_get(rekey_map, val.p + voff[c], n, &nn);

	if (!nv)
		return;

	crm_buf_reset(&rkbuf);
	crm_buf_add(&rkbuf, val.p, voff[c]);
	crm_buf_add(&rkbuf, nv, nn);
	crm_buf_add(&rkbuf, val.p + voff[c + 1] - 1, val.n - voff[c + 1] + 1);
	crm_buf_reset(&val);
	crm_buf_add(&val, rkbuf.p, rkbuf.n);
	for (size_t i = c + 1; i <= ncol; i++)
		voff[i] = voff[i] + nn - n;
}

/* ---- output: standard output or a store file ---- */

static void
store_flush(void)
{
	char e[512];

	if (!sbuf.n)
		return;
	if (crm_store_lock(store, e, sizeof e) < 0 ||
	    crm_store_append(store, sbuf.p, sbuf.n, e, sizeof e) < 0 ||
	    crm_store_commit(store, e, sizeof e) < 0) {
		crm_store_unlock(store);
		progress_clear();
		errx(CRM_EXIT_FATAL, "%s", e);
	}
	crm_store_unlock(store);
	crm_buf_reset(&sbuf);
}

static void
emit_field(size_t i, const char *p, size_t n)
{
	if (!store) {
		crm_writer_field(&w, p, n);
		return;
	}
	if (smap) {
		rowoff[i] = rowbuf.n;
		crm_tsv_escape(&rowbuf, p, n);
		rowlen[i] = rowbuf.n - rowoff[i];
		return;
	}
	if (i)
		crm_buf_addc(&sbuf, '\t');
	crm_tsv_escape(&sbuf, p, n);
}

static void
emit_end(void)
{
	if (!store) {
		crm_writer_end(&w);
		return;
	}
	if (smap) {
		for (size_t j = 0; j < nscol; j++) {
			if (j)
				crm_buf_addc(&sbuf, '\t');
			if (smap[j] >= 0)
				crm_buf_add(&sbuf, rowbuf.p + rowoff[smap[j]],
				    rowlen[smap[j]]);
		}
		crm_buf_reset(&rowbuf);
		memset(rowlen, 0, ncol * sizeof *rowlen);
	}
	crm_buf_addc(&sbuf, '\n');
	if (sbuf.n >= STORE_BATCH)
		store_flush();
}

/* ---- rejects ---- */

static void
open_rejects(void)
{
	static const char *const hdr[] = { "file", "line", "field", "reason",
		"record" };
	char e[512];

	if (crm_outfile_open(&rej_file, rejects_path, e, sizeof e) < 0)
		errx(CRM_EXIT_FATAL, "%s", e);
	crm_out_init(&rej_out, rej_file.fd, rejects_path);
	crm_writer_init(&rej, &rej_out, CRM_FMT_TSV);
	crm_writer_header_names(&rej, hdr, 5);
	have_rej = 1;
}

/* --quiet: rejects counted by field and reason, with the first of each. */
static struct crm_strmap tally;         /* "field\0reason" -> slot */
struct tally_row {
	unsigned long long n;
	long line;
	int file;
};
static struct tally_row *trow;
static int cur_file;
static char **file_names;       /* by file index, for messages */
static int nfiles;

static void
tally_add(const char *field, const char *reason, size_t rlen, long line)
{
	struct crm_buf k;
	int isnew;

	crm_buf_init(&k);
	crm_buf_adds(&k, field ? field : "");
	crm_buf_addc(&k, '\0');
	crm_buf_add(&k, reason, rlen);
	size_t slot = crm_strmap_add(&tally, k.p, k.n, &isnew);
	crm_buf_release(&k);
	if (isnew) {
		trow = crm_xrealloc(trow, (slot + 1) * sizeof *trow);
		trow[slot].n = 0;
		trow[slot].line = line;
		trow[slot].file = cur_file;
	}
	trow[slot].n++;
}

static int
tally_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (trow[x].n != trow[y].n)
		return trow[x].n > trow[y].n ? -1 : 1;
	return x < y ? -1 : x > y;
}

#define TALLY_SHOWN 20

/* The summary of --quiet: one line for one reason, else a line each. */
static void
tally_print(void)
{
	size_t n = crm_strmap_count(&tally);
	size_t *ord;
	struct crm_buf b;

	if (!quiet || !n)
		return;
	ord = crm_xcalloc(n, sizeof *ord);
	for (size_t i = 0; i < n; i++)
		ord[i] = i;
	qsort(ord, n, sizeof *ord, tally_cmp);
	crm_buf_init(&b);
	if (n > 1)
		note("%llu of %llu records rejected:", nrejected, nread);
	unsigned long long rest = 0;
	for (size_t i = 0; i < n; i++) {
		size_t klen, s = ord[i];
		const char *k = crm_strmap_key(&tally, s, &klen);
		const char *reason = k + strlen(k) + 1;
		if (i >= TALLY_SHOWN) {
			rest += trow[s].n;
			continue;
		}
		crm_buf_reset(&b);
		if (*k)
			crm_buf_addf(&b, "%s: ", k);
		crm_buf_addf(&b, "%s (%llu, first at ", reason, trow[s].n);
		if (nfiles > 1)
			crm_buf_addf(&b, "%s:%ld)", file_names[trow[s].file],
			    trow[s].line);
		else
			crm_buf_addf(&b, "line %ld)", trow[s].line);
		if (n > 1)
			note("  %s", b.p);
		else
			note("%llu of %llu records rejected: %s", nrejected,
			    nread, b.p);
	}
	if (rest)
		note("  %llu more record%s, for %zu other reason%s", rest,
		    rest == 1 ? "" : "s", n - TALLY_SHOWN,
		    n - TALLY_SHOWN == 1 ? "" : "s");
	crm_buf_release(&b);
	free(ord);
}

/*
 * Report a rejected record: on standard error (counted under --quiet; not
 * at all when silent) and in the rejects file.  reason already carries the
 * quoted value where there is one; its first glen bytes (0: all) are the
 * reason without it, by which --quiet counts.  The raw record is re-encoded in the input's own format (fields
 * joined by its delimiter) and written as one TSV field.
 */
static void
reject(struct crm_reader *r, const struct crm_rec *rec, long line,
    const char *field, const char *reason, size_t glen, int silent)
{
	const char *file = crm_reader_name(r);

	if (!silent && quiet)
		tally_add(field, reason, glen ? glen : strlen(reason), line);
	else if (!silent) {
		if (field && *field)
			note("%s:%ld: %s: %s", file, line, field, reason);
		else
			note("%s:%ld: %s", file, line, reason);
	}
	if (!have_rej)
		return;
	struct crm_buf b;
	int csv = crm_reader_is_csv(r);
	int d = csv ? (ropts.delim ? ropts.delim : ',') : '\t';

	crm_buf_init(&b);
	for (size_t i = 0; rec && i < rec->nf; i++) {
		if (i)
			crm_buf_addc(&b, d);
		if (csv)
			crm_csv_escape(&b, rec->f[i].p, rec->f[i].n, d, 0);
		else
			crm_tsv_escape(&b, rec->f[i].p, rec->f[i].n);
	}
	crm_writer_str(&rej, file);
	crm_writer_fieldf(&rej, "%ld", line);
	crm_writer_str(&rej, field ? field : "");
	crm_writer_str(&rej, reason);
	crm_writer_field(&rej, b.p, b.n);
	crm_writer_end(&rej);
	crm_buf_release(&b);
}

/* ---- the header: renaming, schema, per-file column order ---- */

static const char *
rename_col(const char *name)
{
	for (size_t i = 0; i < nmap; i++)
		if (!strcmp(map_old[i], name))
			return map_new[i];
	return name;
}

static int
find_out(const char *name)
{
	for (size_t i = 0; i < ncol; i++)
		if (!strcmp(outname[i], name))
			return (int)i;
	return -1;
}

static void __attribute__((noreturn)) finish_fatal(void);

/* Fix the output schema from the first input's (renamed) column names. */
static void
set_schema(const char *file, char **names, size_t n)
{
	struct crm_buf miss;

	outname = names;
	ncol = n;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(names[i], names[j])) {
				note("%s: column '%s' appears twice", file,
				    names[i]);
				finish_fatal();
			}
	coldef = crm_xcalloc(n ? n : 1, sizeof *coldef);
	crm_buf_init(&miss);
	if (kind) {
		for (size_t i = 0; i < n; i++)
			coldef[i] = crm_kind_col(kind, names[i]);
		for (size_t i = 0; i < kind->ncols; i++) {
			if (!kind->cols[i].required ||
			    find_out(kind->cols[i].name) >= 0)
				continue;
			if (miss.n)
				crm_buf_adds(&miss, ", ");
			crm_buf_adds(&miss, kind->cols[i].name);
		}
		if (miss.n) {
			note("%s: missing required column%s for %s: %s", file,
			    strchr(miss.p, ',') ? "s" : "", kind->name,
			    miss.p);
			crm_buf_release(&miss);
			finish_fatal();
		}
		if (kind->key)
			key_col = find_out(kind->key);
		cid_col = find_out("customer_id");
	}
	crm_buf_release(&miss);
	for (size_t i = 0; i < nchecks; i++) {
		int c = find_out(checks[i].field);
		if (c < 0) {
			note("--check: %s has no column '%s'", file,
			    checks[i].field);
			finish_fatal();
		}
		checks[i].col = (size_t)c;
	}
	if (nmerge_on)
		merge_col = crm_xcalloc(nmerge_on, sizeof *merge_col);
	for (size_t i = 0; i < nmerge_on; i++) {
		int c = find_out(merge_on[i]);
		if (c < 0) {
			note("--merge-on: %s has no column '%s'", file,
			    merge_on[i]);
			finish_fatal();
		}
		merge_col[i] = (size_t)c;
	}
	have_schema = 1;
}

/*
 * The columns of the store file at append_path: those of its header line
 * when it has one; for a new (or empty) file, the kind's columns and then
 * the output's others (none for the interaction and complaint logs, whose
 * tools write exactly their kind's columns); without a kind, the output's.
 * Sets *n and returns the names; *line holds them when read from the file.
 */
static char **
store_columns(size_t *n, char **line)
{
	struct crm_store *s;
	struct stat st;
	char e[512], **names;
	size_t len, k = 0;
	int fixed = kind && (kind == crm_kind_find("interactions") ||
	    kind == crm_kind_find("complaints"));

	*line = NULL;
	if (lstat(append_path, &st) == 0 && (!S_ISREG(st.st_mode) ||
	    st.st_size > 0)) {
		if ((s = crm_store_open(append_path, NULL, 0, CRM_STORE_RDONLY,
		    e, sizeof e)) == NULL ||
		    (*line = crm_store_first_line(s, CRM_MAX_RECORD_DEFAULT,
		    &len, e, sizeof e)) == NULL) {
			note("%s", e);
			finish_fatal();
		}
		crm_store_close(s);
		names = crm_xcalloc(len + 2, sizeof *names);
		for (char *p = *line;; p++) {
			names[k++] = p;
			if ((p = strchr(p, '\t')) == NULL)
				break;
			*p = '\0';
		}
		*n = k;
		return names;
	}
	if (!kind) {
		*n = ncol;
		return outname;
	}
	names = crm_xcalloc(kind->ncols + ncol, sizeof *names);
	for (size_t i = 0; i < kind->ncols; i++)
		names[k++] = (char *)kind->cols[i].name;
	for (size_t i = 0; i < ncol; i++)
		if (!coldef[i] && !fixed)
			names[k++] = outname[i];
	*n = k;
	return names;
}

/* Place the output columns in the store's by name: every output column
 * must be one of the store's, which may have others (left empty). */
static void
map_store(char **names, size_t n)
{
	struct crm_buf all;
	int same = n == ncol;

	for (size_t j = 0; j < n; j++)
		for (size_t i = 0; i < j; i++)
			if (!strcmp(names[i], names[j])) {
				note("%s: column '%s' appears twice in the "
				    "header", append_path, names[j]);
				finish_fatal();
			}
	smap = crm_xcalloc(n ? n : 1, sizeof *smap);
	for (size_t j = 0; j < n; j++) {
		smap[j] = -1;
		for (size_t i = 0; i < ncol; i++)
			if (!strcmp(outname[i], names[j]))
				smap[j] = (long)i;
		same &= smap[j] == (long)j;
	}
	for (size_t i = 0; i < ncol; i++) {
		size_t j;

		for (j = 0; j < n && strcmp(names[j], outname[i]); j++)
			;
		if (j < n)
			continue;
		crm_buf_init(&all);
		for (j = 0; j < n; j++) {
			if (j)
				crm_buf_adds(&all, ", ");
			crm_buf_adds(&all, names[j]);
		}
		note("%s: the store has no column '%s' (its columns: %s)",
		    append_path, outname[i], all.p ? all.p : "");
		finish_fatal();
	}
	nscol = n;
	if (same) {
		free(smap);
		smap = NULL;
		return;
	}
	crm_buf_init(&rowbuf);
	rowoff = crm_xcalloc(ncol ? ncol : 1, sizeof *rowoff);
	rowlen = crm_xcalloc(ncol ? ncol : 1, sizeof *rowlen);
}

static void
open_store(void)
{
	char e[512], *line, **names;
	size_t n;

	names = store_columns(&n, &line);
	map_store(names, n);
	store = crm_store_open(append_path, (const char *const *)names, n,
	    0, e, sizeof e);
	if (names != outname)
		free(names);
	free(line);
	/* Check (and for a new file write) the header before any work, so a
	 * mismatch is refused with the file untouched. */
	if (!store || crm_store_lock(store, e, sizeof e) < 0) {
		note("%s", e);
		finish_fatal();
	}
	crm_store_unlock(store);
	crm_buf_init(&sbuf);
}

static void
write_header(void)
{
	if (append_path) {
		open_store();
		return;
	}
	crm_writer_header_names(&w, (const char *const *)outname, ncol);
	/* JSON Lines: the kind's number columns, and the columns of no kind
	 * type that a --compute makes, bare */
	if (outfmt == CRM_FMT_JSONL)
		for (size_t i = 0; i < ncol; i++)
			if (crm_kind_col_number(kind, outname[i]) ||
			    (!coldef[i] && crm_derive_computes(&dv,
			    outname[i])))
				crm_writer_numeric(&w, i, 1);
}

/*
 * Match a file's header against the schema: perm[i] is the input column
 * of output column i.  The first file sets the schema; a later one must
 * have the same columns after renaming, in any order.  Returns 0, or -1
 * when the input is empty (no header at all).
 */
/* The decimals a --compute writes into column name. */
static int
compute_scale(const char *name, void *ctx)
{
	const struct crm_coldef *c = kind ? crm_kind_col(kind, name) : NULL;

	(void)ctx;
	if (c && c->type == CRM_C_MONEY)
		return 2;
	if (c && c->type == CRM_C_INT)
		return 0;
	return CRM_EXPR_TRIM;
}

static int
has_name(char **names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return 1;
	return 0;
}

/* Add the columns --set and --compute make to this file's names (and, for
 * transactions without an amount, amount = quantity * unit_price). */
static void
derive_header(struct crm_reader *r, char ***names, size_t *n,
    const char **orig)
{
	char e[512];

	if (!have_schema && kind == crm_kind_find("transactions") &&
	    !has_name(*names, *n, "amount") &&
	    !crm_derive_makes(&dv, "amount") &&
	    has_name(*names, *n, "quantity") &&
	    has_name(*names, *n, "unit_price") &&
	    crm_derive_add_compute(&dv, "amount=quantity*unit_price", e,
	    sizeof e) < 0) {
		note("%s", e);
		finish_fatal();
	}
	if (!crm_derive_any(&dv))
		return;
	if (crm_derive_bind(&dv, names, n, (const char *const *)orig,
	    compute_scale, NULL, e, sizeof e) < 0) {
		note("%s: %s", crm_reader_name(r), e);
		finish_fatal();
	}
}

static int
map_header(struct crm_reader *r, size_t **permp, size_t *nin)
{
	const struct crm_rec *h = NULL;
	char **names;
	size_t n;

	const char **orig;

	if (ncolumns) {
		n = ncolumns;
		names = crm_xcalloc(n + 1, sizeof *names);
		orig = crm_xcalloc(n + 1, sizeof *orig);
		for (size_t i = 0; i < n; i++) {
			names[i] = crm_xstrdup(rename_col(columns[i]));
			orig[i] = columns[i];
		}
	} else {
		h = crm_reader_header(r);
		if (!h) {
			const char *e = crm_reader_error(r);
			if (*e) {
				note("%s%s", e, strstr(e, "invalid UTF-8") &&
				    !ropts.encoding ? " (another encoding? see "
				    "--encoding)" : "");
				finish_fatal();
			}
			return -1;
		}
		n = h->nf;
		names = crm_xcalloc(n + 1, sizeof *names);
		orig = crm_xcalloc(n + 1, sizeof *orig);
		for (size_t i = 0; i < n; i++) {
			names[i] = crm_xstrdup(rename_col(h->f[i].p));
			orig[i] = h->f[i].p;
		}
	}
	*nin = n;
	derive_header(r, &names, &n, orig);
	free(orig);
	ext = crm_xrealloc(ext, (n ? n : 1) * sizeof *ext);
	if (!have_schema) {
		set_schema(crm_reader_name(r), names, n);
		write_header();
	}
	size_t *perm = crm_xcalloc(n ? n : 1, sizeof *perm);
	if (names == outname) {
		for (size_t i = 0; i < n; i++)
			perm[i] = i;
		*permp = perm;
		return 0;
	}
	int bad = n != ncol;
	for (size_t i = 0; i < ncol && !bad; i++) {
		size_t j;
		for (j = 0; j < n; j++)
			if (!strcmp(names[j], outname[i]))
				break;
		if (j == n)
			bad = 1;
		else
			perm[i] = j;
	}
	for (size_t i = 0; i < n && !bad; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(names[i], names[j]))
				bad = 1;
	if (bad) {
		struct crm_buf b;
		crm_buf_init(&b);
		for (size_t i = 0; i < n; i++) {
			if (i)
				crm_buf_adds(&b, ", ");
			crm_buf_adds(&b, names[i]);
		}
		note("%s: columns (%s) differ from those of the first input",
		    crm_reader_name(r), b.p);
		crm_buf_release(&b);
		crm_strv_free(names);
		free(perm);
		finish_fatal();
	}
	crm_strv_free(names);
	*permp = perm;
	return 0;
}

/* ---- checking one record ---- */

/* The reader's message is "NAME:LINE: [FIELD: ]reason"; split it so the
 * field can be named by its output name. */
static void
reader_reject(struct crm_reader *r, const struct crm_rec *rec,
    const size_t *perm, size_t nin)
{
	const char *m = crm_reader_error(r);
	char pre[64];
	const char *field = "";
	struct crm_buf fb;
	size_t best = 0;

	crm_buf_init(&fb);
	size_t nl = strlen(crm_reader_name(r));
	snprintf(pre, sizeof pre, ":%ld: ", rec->line);
	if (!strncmp(m, crm_reader_name(r), nl) &&
	    !strncmp(m + nl, pre, strlen(pre)))
		m += nl + strlen(pre);
	/* the longest input column name that prefixes the message */
	for (size_t j = 0; j < nin && !ncolumns; j++) {
		const char *cn = crm_reader_colname(r, j);
		size_t k = strlen(cn);
		if (k && k > best && !strncmp(m, cn, k) && m[k] == ':' &&
		    m[k + 1] == ' ') {
			best = k;
			for (size_t i = 0; i < ncol; i++)
				if (perm[i] == j)
					field = outname[i];
		}
	}
	if (best) {
		m += best + 2;
	} else {
		int col, used = 0;
		if (sscanf(m, "field %d: %n", &col, &used) == 1 && used > 0) {
			m += used;
			if (col >= 1 && (size_t)col <= nin) {
				for (size_t i = 0; i < ncol; i++)
					if (perm[i] == (size_t)col - 1)
						field = outname[i];
			} else {
				crm_buf_addf(&fb, "field %d", col);
				field = fb.p;
			}
		}
	}
	reject(r, rec, rec->line, field, m, 0, 0);
	crm_buf_release(&fb);
}

/* Normalise and check the fields fv (rec's, or as derived) into
 * val/voff.  Returns 0, or -1 after rejecting rec. */
static int
check_record(struct crm_reader *r, const struct crm_rec *rec,
    const struct crm_field *fv, const size_t *perm)
{
	struct crm_buf why;

	crm_buf_reset(&val);
	for (size_t i = 0; i < ncol; i++) {
		const struct crm_field *f = &fv[perm[i]];
		const char *e = NULL;

		voff[i] = val.n;
		if (coldef[i])
			e = crm_normalize(coldef[i], f->p, f->n, &nopts, &val);
		else
			crm_buf_add(&val, f->p, f->n);
		if (e) {
			crm_buf_init(&why);
			crm_buf_adds(&why, e);
			if (f->n) {
				crm_buf_addc(&why, ' ');
				crm_buf_addquoted(&why, f->p, f->n);
			}
			reject(r, rec, rec->line, outname[i], why.p, strlen(e),
			    0);
			crm_buf_release(&why);
			return -1;
		}
		crm_buf_addc(&val, '\0');
	}
	voff[ncol] = val.n;
	for (size_t k = 0; k < nchecks; k++) {
		size_t i = checks[k].col;
		const char *v = val.p + voff[i];
		size_t n = voff[i + 1] - voff[i] - 1;
		if (!n)
			continue;       /* a missing value has nothing to check */
		int m = crm_re_match(checks[k].re, v, n);
		if (m == 1)
			continue;
		crm_buf_init(&why);
		if (m == 0)
			crm_buf_addf(&why, "does not match /%s/",
			    crm_re_pattern(checks[k].re));
		else
			crm_buf_addf(&why, "cannot match /%s/: %s",
			    crm_re_pattern(checks[k].re),
			    crm_re_error(checks[k].re));
		size_t glen = why.n;
		crm_buf_addc(&why, ' ');
		crm_buf_addquoted(&why, v, n);
		reject(r, rec, rec->line, outname[i], why.p, glen, 0);
		crm_buf_release(&why);
		return -1;
	}
	return 0;
}

/* ---- duplicates and merging ---- */

static struct crm_strmap seen;  /* --dedupe: key -> its slot, the index
                                   into seen_at */
struct origin {
	int file;
	long line;
};
static struct origin *seen_at;
static size_t nseen, aseen;

/* Returns 1 when the record in val is a duplicate (then rejected quietly). */
static int
is_duplicate(struct crm_reader *r, const struct crm_rec *rec, int file)
{
	struct crm_buf k;
	const char *kp;
	size_t kn;
	int isnew;

	crm_buf_init(&k);
	if (key_col >= 0) {
		kp = val.p + voff[key_col];
		kn = voff[key_col + 1] - voff[key_col] - 1;
	} else {
		for (size_t i = 0; i < ncol; i++) {
			if (i)
				crm_buf_addc(&k, '\t');
			crm_tsv_escape(&k, val.p + voff[i],
			    voff[i + 1] - voff[i] - 1);
		}
		kp = k.p;
		kn = k.n;
	}
	size_t e = crm_strmap_add(&seen, kp, kn, &isnew);
	if (isnew) {
		crm_grow(&seen_at, &aseen, nseen + 1, sizeof *seen_at);
		seen_at[nseen].file = file;
		seen_at[nseen].line = rec->line;
		nseen++;
		crm_buf_release(&k);
		return 0;
	}
	const struct origin *o = &seen_at[e];
	struct crm_buf why;
	crm_buf_init(&why);
	if (o->file == file)
		crm_buf_addf(&why, "duplicate of line %ld", o->line);
	else
		crm_buf_addf(&why, "duplicate of %s:%ld", file_names[o->file],
		    o->line);
	reject(r, rec, rec->line, key_col >= 0 ? outname[key_col] : "",
	    why.p, 0, 1);
	crm_buf_release(&why);
	crm_buf_release(&k);
	ndups++;
	return 1;
}

/* --merge-on keeps every accepted record until the end. */
static struct crm_buf marena;
static size_t *moff;            /* record r, value i: moff[r*(ncol+1)+i] */
static size_t nmrec, amoff;

static void
keep_record(void)
{
	size_t base = nmrec * (ncol + 1);

	crm_grow(&moff, &amoff, base + ncol + 1, sizeof *moff);
	for (size_t i = 0; i <= ncol; i++)
		moff[base + i] = marena.n + voff[i];
	crm_buf_add(&marena, val.p, val.n);
	nmrec++;
}

static const char *
mval(size_t rec, size_t i, size_t *n)
{
	size_t *o = moff + rec * (ncol + 1);

	*n = o[i + 1] - o[i] - 1;
	return marena.p + o[i];
}

static size_t
uf_find(size_t *parent, size_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

/* The root of a set is always its earliest record. */
static void
uf_union(size_t *parent, size_t a, size_t b)
{
	a = uf_find(parent, a);
	b = uf_find(parent, b);
	if (a < b)
		parent[b] = a;
	else if (b < a)
		parent[a] = b;
}

static void
merge_and_write(void)
{
	size_t *parent = crm_xcalloc(nmrec ? nmrec : 1, sizeof *parent);
	size_t *next = crm_xcalloc(nmrec ? nmrec : 1, sizeof *next);
	size_t *tail = crm_xcalloc(nmrec ? nmrec : 1, sizeof *tail);
	/* one map per column: a value links records in its own column */
	struct crm_strmap *byval = crm_xcalloc(ncol, sizeof *byval);
	size_t idc = (size_t)key_col, ngroups = 0;
	int isnew;

	for (size_t r = 0; r < nmrec; r++)
		parent[r] = r;
	/* The same customer_id is the same customer; then each --merge-on
	 * column links records that share a non-empty value. */
	for (size_t r = 0; r < nmrec; r++) {
		size_t n;
		const char *v = mval(r, idc, &n);
		size_t e = crm_strmap_add(&byval[idc], v, n, &isnew);
		if (isnew)
			*crm_strmap_val(&byval[idc], e) = r;
		else
			uf_union(parent, *crm_strmap_val(&byval[idc], e), r);
		for (size_t k = 0; k < nmerge_on; k++) {
			struct crm_strmap *m = &byval[merge_col[k]];
			v = mval(r, merge_col[k], &n);
			if (!n)
				continue;
			e = crm_strmap_add(m, v, n, &isnew);
			if (isnew)
				*crm_strmap_val(m, e) = r;
			else
				uf_union(parent, *crm_strmap_val(m, e), r);
		}
	}
	/* members of each set in input order */
	for (size_t r = 0; r < nmrec; r++) {
		size_t root = uf_find(parent, r);
		next[r] = SIZE_MAX;
		if (root == r) {
			tail[r] = r;
			ngroups++;
		} else {
			next[tail[root]] = r;
			tail[root] = r;
		}
	}
	for (size_t r = 0; r < nmrec; r++) {
		if (uf_find(parent, r) != r)
			continue;
		for (size_t i = 0; i < ncol; i++) {
			size_t n = 0;
			const char *v = NULL;
			for (size_t m = r; m != SIZE_MAX; m = next[m]) {
				v = mval(m, i, &n);
				if (n)
					break;
			}
			emit_field(i, v, n);
		}
		emit_end();
	}
	if (idmap_path) {
		struct crm_outfile of;
		char e[512];
		if (crm_outfile_open(&of, idmap_path, e, sizeof e) < 0) {
			note("%s", e);
			finish_fatal();
		}
		struct crm_out o;
		struct crm_writer mw;
		struct crm_strmap done;
		static const char *const hdr[] = { "old_id", "new_id" };
		crm_strmap_init(&done);
		crm_out_init(&o, of.fd, idmap_path);
		crm_writer_init(&mw, &o, CRM_FMT_TSV);
		crm_writer_header_names(&mw, hdr, 2);
		for (size_t r = 0; r < nmrec; r++) {
			size_t root = uf_find(parent, r), n, rn;
			const char *v = mval(r, idc, &n);
			const char *rv = mval(root, idc, &rn);
			if (n == rn && !memcmp(v, rv, n))
				continue;
			crm_strmap_add(&done, v, n, &isnew);
			if (!isnew)
				continue;
			crm_writer_field(&mw, v, n);
			crm_writer_field(&mw, rv, rn);
			crm_writer_end(&mw);
		}
		crm_out_flush(&o);
		free(o.buf);
		if (crm_outfile_commit(&of, e, sizeof e) < 0) {
			note("%s", e);
			finish_fatal();
		}
		crm_strmap_release(&done);
	}
	if (ngroups < nmrec)
		note("%zu records merged into %zu customer%s", nmrec, ngroups,
		    ngroups == 1 ? "" : "s");
	free(parent);
	free(next);
	free(tail);
	for (size_t i = 0; i < ncol; i++)
		crm_strmap_release(&byval[i]);
	free(byval);
}

/* ---- the main loops ---- */

/* The rejects file, whole, in place. */
static void
rejects_commit(void)
{
	char e[512];

	if (!have_rej)
		return;
	have_rej = 0;
	crm_out_flush(&rej_out);
	free(rej_out.buf);
	rej_out.buf = NULL;
	if (crm_outfile_commit(&rej_file, e, sizeof e) < 0)
		errx(CRM_EXIT_FATAL, "%s", e);
}

static void
finish_output(void)
{
	progress_clear();
	if (store) {
		store_flush();
		crm_store_close(store);
		store = NULL;
	} else {
		crm_out_close(&crm_stdout);
	}
	rejects_commit();
}

/* A fatal error was reported: keep what was written, stop. */
static void __attribute__((noreturn))
finish_fatal(void)
{
	tally_print();
	crm_reader_close(cur);
	if (have_schema && !store)
		crm_out_flush(&crm_stdout);
	if (store)
		store_flush();
	rejects_commit();
	exit(CRM_EXIT_FATAL);
}

static int
identity(const size_t *perm, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (perm[i] != i)
			return 0;
	return 1;
}

/* One more record rejected; --max-errors stops at the limit. */
static void
count_reject(void)
{
	if (++nrejected < max_errors || !max_errors)
		return;
	note("stopped after %llu rejected record%s (--max-errors %llu)",
	    nrejected, nrejected == 1 ? "" : "s", max_errors);
	finish_fatal();
}

/* Derive rec's columns into ext; 0, or -1 after rejecting it. */
static int
derive_record(struct crm_reader *r, const struct crm_rec *rec,
    const size_t *perm)
{
	size_t c = 0;
	const char *v = NULL;
	const char *e = crm_derive_apply(&dv, rec->f, ext, &c, &v);
	const char *field = "";
	struct crm_buf why;

	if (!e)
		return 0;
	for (size_t i = 0; i < ncol; i++)
		if (perm[i] == c)
			field = outname[i];
	crm_buf_init(&why);
	crm_buf_adds(&why, e);
	if (v && *v) {
		crm_buf_addc(&why, ' ');
		crm_buf_addquoted(&why, v, strlen(v));
	}
	reject(r, rec, rec->line, field, why.p, strlen(e), 0);
	crm_buf_release(&why);
	return -1;
}

static void
import_file(const char *path, int file)
{
	char e[1024];
	struct crm_reader *r = crm_reader_open(path, &ropts, e, sizeof e);
	struct crm_rec rec;
	size_t *perm = NULL, nin = 0;
	int rc;

	if (!r) {
		note("%s", e);
		file_failed = 1;
		return;
	}
	cur = r;
	if (map_header(r, &perm, &nin) < 0) {
		crm_reader_close(r);
		cur = NULL;
		return;         /* an empty input has no records */
	}
	if (!voff)
		voff = crm_xcalloc(ncol + 1, sizeof *voff);
	int fast = raw && !store && identity(perm, ncol) &&
	    !crm_derive_any(&dv);
	cur_file = file;
	unsigned long long base = bytes_done;
	for (;;) {
		rc = crm_reader_next(r, &rec);
		if (rc == CRM_READ_EOF || rc == CRM_READ_FATAL)
			break;
		nread++;
		if (progress_on && !(nread & 0x3fff))
			progress_tick(base + crm_reader_bytes(r));
		if (rc == CRM_READ_BAD) {
			reader_reject(r, &rec, perm, nin);
			count_reject();
			continue;
		}
		if (ncolumns && rec.nf != nin) {
			char m[96];
			snprintf(m, sizeof m, "expected %zu fields, found %zu",
			    nin, rec.nf);
			reject(r, &rec, rec.line, "", m, 0, 0);
			count_reject();
			continue;
		}
		if (fast) {
			crm_writer_row(&w, rec.f, rec.nf);
			continue;
		}
		const struct crm_field *fv = rec.f;
		if (crm_derive_any(&dv)) {
			if (derive_record(r, &rec, perm) < 0) {
				count_reject();
				continue;
			}
			fv = ext;
		}
		if (raw) {
			for (size_t i = 0; i < ncol; i++)
				emit_field(i, fv[perm[i]].p, fv[perm[i]].n);
			emit_end();
			continue;
		}
		if (check_record(r, &rec, fv, perm) < 0) {
			count_reject();
			continue;
		}
		if (cid_col >= 0 && rekey_path)
			rekey_record();
		if (dedupe && is_duplicate(r, &rec, file))
			continue;
		if (nmerge_on) {
			keep_record();
			continue;
		}
		for (size_t i = 0; i < ncol; i++)
			emit_field(i, val.p + voff[i], voff[i + 1] - voff[i] - 1);
		emit_end();
	}
	bytes_done = base + crm_reader_bytes(r);
	free(perm);
	if (rc == CRM_READ_FATAL) {
		note("%s", crm_reader_error(r));
		finish_fatal();
	}
	crm_reader_close(r);
	cur = NULL;
}

/* ---- options ---- */

static size_t
parse_size(const char *opt, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (*s < '0' || *s > '9')
		usage_error("%s: not a size '%s'", opt, s);
	v = strtoull(s, &end, 10);
	unsigned shift = 0;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (errno || *end || v == 0 || v > (SIZE_MAX >> 1 >> shift))
		usage_error("%s: not a size '%s'", opt, s);
	return (size_t)(v << shift);
}

static void
add_map(const char *s)
{
	size_t n;
	char **v = crm_split(s, ',', &n);

	for (size_t i = 0; i < n; i++) {
		char *eq = strchr(v[i], '=');
		if (!eq || eq == v[i] || !eq[1])
			usage_error("--map: expected OLD=NEW, got '%s'", v[i]);
		*eq = '\0';
		map_old = crm_xrealloc(map_old, (nmap + 1) * sizeof *map_old);
		map_new = crm_xrealloc(map_new, (nmap + 1) * sizeof *map_new);
		map_old[nmap] = crm_xstrdup(v[i]);
		map_new[nmap] = crm_xstrdup(eq + 1);
		nmap++;
	}
	crm_strv_free(v);
}

static void
add_check(const char *s)
{
	const char *eq = strchr(s, '=');
	char e[256];

	if (!eq || eq == s)
		usage_error("--check: expected FIELD=REGEX, got '%s'", s);
	struct crm_re *re = crm_re_compile(eq + 1, 0, e, sizeof e);
	if (!re) {
		warnx("--check '%s': %s", s, e);
		exit(CRM_EXIT_FATAL);
	}
	checks = crm_xrealloc(checks, (nchecks + 1) * sizeof *checks);
	checks[nchecks].field = crm_xstrndup(s, (size_t)(eq - s));
	checks[nchecks].re = re;
	checks[nchecks].col = 0;
	nchecks++;
}

static int
parse_delim(const char *s)
{
	if (!strcmp(s, "\\t") || !strcmp(s, "tab"))
		return '\t';
	if (strlen(s) != 1 || *s == '"' || *s == '\n' || *s == '\r' ||
	    (unsigned char)*s >= 0x80)
		usage_error("--delimiter: expected one ASCII character other "
		    "than a quote or a line end, got '%s'", s);
	return (unsigned char)*s;
}

static void
kinds_list(struct crm_buf *b)
{
	for (size_t i = 0; i < crm_nkinds; i++) {
		if (i)
			crm_buf_adds(b, ", ");
		crm_buf_adds(b, crm_kinds[i].name);
	}
}

enum {
	O_APPEND_STORE = 256, O_CHECK, O_COLUMNS, O_COUNTRY, O_CSV, O_DEDUPE,
	O_DMY, O_ENCODING, O_FORMAT, O_HELP, O_IDMAP, O_LOCAL, O_MAXFIELD,
	O_MAXRECORD, O_MDY, O_MERGE, O_NOHEADER, O_RAW, O_REKEY, O_TSV,
	O_VERSION, O_EXCEL, O_SET, O_COMPUTE, O_RECODE, O_RECODE_FILE,
	O_QUIET, O_MAXERR, O_EXCEL_DATES, O_ID_INTEGER
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "append", required_argument, NULL, O_APPEND_STORE },
		{ "check", required_argument, NULL, O_CHECK },
		{ "compute", required_argument, NULL, O_COMPUTE },
		{ "columns", required_argument, NULL, O_COLUMNS },
		{ "country", required_argument, NULL, O_COUNTRY },
		{ "csv", no_argument, NULL, O_CSV },
		{ "dedupe", no_argument, NULL, O_DEDUPE },
		{ "delimiter", required_argument, NULL, 'd' },
		{ "dmy", no_argument, NULL, O_DMY },
		{ "encoding", required_argument, NULL, O_ENCODING },
		{ "excel-dates", no_argument, NULL, O_EXCEL_DATES },
		{ "excel-safe", no_argument, NULL, O_EXCEL },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "help", no_argument, NULL, O_HELP },
		{ "id-integer", no_argument, NULL, O_ID_INTEGER },
		{ "id-map", required_argument, NULL, O_IDMAP },
		{ "kind", required_argument, NULL, 'k' },
		{ "local-time", optional_argument, NULL, O_LOCAL },
		{ "map", required_argument, NULL, 'm' },
		{ "max-errors", required_argument, NULL, O_MAXERR },
		{ "max-field", required_argument, NULL, O_MAXFIELD },
		{ "max-record", required_argument, NULL, O_MAXRECORD },
		{ "mdy", no_argument, NULL, O_MDY },
		{ "merge-on", required_argument, NULL, O_MERGE },
		{ "no-header", no_argument, NULL, O_NOHEADER },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "raw", no_argument, NULL, O_RAW },
		{ "recode", required_argument, NULL, O_RECODE },
		{ "recode-file", required_argument, NULL, O_RECODE_FILE },
		{ "rejects", required_argument, NULL, 'r' },
		{ "rekey", required_argument, NULL, O_REKEY },
		{ "set", required_argument, NULL, O_SET },
		{ "tsv", no_argument, NULL, O_TSV },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	int ch, fmt, csv = 0, tsv = 0, no_header = 0, mdy = 0, dmy = 0;
	int excel_dates = 0;
	static struct crm_zone zone;
	const char *kind_name = NULL;

	char e[1024];

	crm_cli_locale();
	crm_norm_opts_init(&nopts);
	crm_derive_init(&dv);
	crm_strmap_init(&tally);
	while ((ch = getopt_long(argc, argv, "d:k:m:qr:", longopts, NULL)) != -1) {
		switch (ch) {
		case O_SET:
			if (crm_derive_add_set(&dv, optarg, e, sizeof e) < 0)
				usage_error("%s", e);
			break;
		case O_COMPUTE:
			if (crm_derive_add_compute(&dv, optarg, e, sizeof e) < 0)
				usage_error("%s", e);
			break;
		case O_RECODE:
			if (crm_derive_add_recode(&dv, optarg, e, sizeof e) < 0)
				usage_error("%s", e);
			break;
		case O_RECODE_FILE:
			if (crm_derive_add_recode_file(&dv, optarg, e,
			    sizeof e) < 0) {
				warnx("%s", e);
				exit(CRM_EXIT_FATAL);
			}
			break;
		case 'q':
		case O_QUIET:
			quiet = 1;
			break;
		case O_MAXERR: {
			char *end;
			errno = 0;
			max_errors = strtoull(optarg, &end, 10);
			if (errno || *end || optarg[0] < '1' ||
			    optarg[0] > '9')
				usage_error("--max-errors: expected a count of "
				    "1 or more, got '%s'", optarg);
			break;
		}
		case O_APPEND_STORE:
			append_path = optarg;
			break;
		case O_CHECK:
			add_check(optarg);
			break;
		case O_COLUMNS:
			crm_strv_free(columns);
			columns = crm_split(optarg, ',', &ncolumns);
			if (!ncolumns)
				usage_error("--columns: no column names");
			break;
		case O_COUNTRY: {
			char tmp[32];
			const char *pe = crm_phone_normalize("13800138000", 11,
			    optarg, tmp, sizeof tmp);
			if (pe && !strcmp(pe, "no country code"))
				usage_error("--country: not a country code "
				    "'%s'", optarg);
			nopts.country = optarg;
			break;
		}
		case O_CSV:
			csv = 1;
			break;
		case 'd':
			ropts.delim = parse_delim(optarg);
			break;
		case O_DEDUPE:
			dedupe = 1;
			break;
		case O_DMY:
			dmy = 1;
			break;
		case O_ENCODING:
			ropts.encoding = optarg;
			break;
		case O_EXCEL:
			excel_safe = 1;
			break;
		case O_EXCEL_DATES:
			excel_dates = 1;
			break;
		case O_FORMAT:
			if ((fmt = crm_fmt_parse(optarg)) < 0)
				usage_error("--format: expected tsv, csv or "
				    "jsonl, got '%s'", optarg);
			outfmt = (enum crm_fmt)fmt;
			break;
		case O_HELP:
			crm_cli_usage(CRM_EXIT_OK, usage_text);
		case O_ID_INTEGER:
			nopts.flags |= CRM_NORM_ID_INTEGER;
			break;
		case O_IDMAP:
			idmap_path = optarg;
			break;
		case 'k':
			kind_name = optarg;
			break;
		case O_LOCAL: {
			/* the zone may also be the next argument, when it
			 * is one: --local-time +08:00, --local-time UTC */
			const char *ze, *zs = optarg;
			struct crm_zone z;
			if (!zs && optind < argc && *argv[optind] &&
			    !crm_zone_parse(argv[optind], &z))
				zs = argv[optind++];
			if ((ze = crm_zone_parse(zs, &zone)) != NULL)
				usage_error("--local-time: %s '%s'", ze, zs);
			nopts.ts_flags |= CRM_TS_LOCAL;
			nopts.zone = &zone;
			break;
		}
		case 'm':
			add_map(optarg);
			break;
		case O_MAXFIELD:
			ropts.max_field = parse_size("--max-field", optarg);
			break;
		case O_MAXRECORD:
			ropts.max_record = parse_size("--max-record", optarg);
			break;
		case O_MDY:
			mdy = 1;
			break;
		case O_MERGE:
			crm_strv_free(merge_on);
			merge_on = crm_split(optarg, ',', &nmerge_on);
			if (!nmerge_on)
				usage_error("--merge-on: no column names");
			break;
		case O_NOHEADER:
			no_header = 1;
			break;
		case O_RAW:
			raw = 1;
			break;
		case 'r':
			rejects_path = optarg;
			break;
		case O_REKEY:
			rekey_path = optarg;
			break;
		case O_TSV:
			tsv = 1;
			break;
		case O_VERSION:
			crm_cli_version();
		default:
			crm_cli_usage(CRM_EXIT_FATAL, usage_text);
		}
	}
	argc -= optind;
	argv += optind;

	if (raw == !!kind_name)
		usage_error(raw ? "--raw and -k exclude each other" :
		    "a kind (-k) or --raw is required");
	if (kind_name && !(kind = crm_kind_find(kind_name))) {
		struct crm_buf b;
		crm_buf_init(&b);
		kinds_list(&b);
		usage_error("unknown kind '%s' (accepted: %s)", kind_name, b.p);
	}
	if (raw && (nchecks || dedupe || nmerge_on || idmap_path || rekey_path))
		usage_error("--raw takes no --check, --dedupe, --merge-on, "
		    "--id-map or --rekey");
	if (csv && tsv)
		usage_error("--csv and --tsv exclude each other");
	if (mdy && dmy)
		usage_error("--mdy and --dmy exclude each other");
	if (no_header && !ncolumns)
		usage_error("--no-header needs --columns");
	if (nmerge_on && kind != crm_kind_find("customers"))
		usage_error("--merge-on works on customers only");
	if (idmap_path && !nmerge_on)
		usage_error("--id-map needs --merge-on");
	if (ropts.encoding) {
		iconv_t cd = iconv_open("UTF-8", ropts.encoding);
		if (cd == (iconv_t)-1)
			usage_error("--encoding: unknown encoding '%s' (see "
			    "iconv -l)", ropts.encoding);
		iconv_close(cd);
	}
	if (append_path && outfmt != CRM_FMT_TSV)
		usage_error("--append writes TSV only");
	if (excel_safe && outfmt != CRM_FMT_CSV)
		usage_error("--excel-safe needs --format csv");
	/* --delimiter names a CSV dialect (quotes still apply), unless the
	 * input is said to be canonical TSV */
	ropts.format = csv || (ropts.delim && !tsv) ? CRM_IN_CSV :
	    tsv ? CRM_IN_TSV : CRM_IN_AUTO;
	ropts.no_header = ncolumns > 0;
	/* a record cap below the default field cap caps the fields too */
	if (ropts.max_record && !ropts.max_field &&
	    ropts.max_record < CRM_MAX_FIELD_DEFAULT)
		ropts.max_field = ropts.max_record;
	nopts.date_flags = (mdy ? CRM_DATE_MDY : dmy ? CRM_DATE_DMY : 0) |
	    CRM_DATE_TIME | (excel_dates ? CRM_DATE_EXCEL : 0);
	nopts.ts_flags |= CRM_TS_DATE_OK;
	nopts.flags |= CRM_NORM_HINTS | CRM_NORM_TS_FORMS;

	crm_writer_init(&w, &crm_stdout, outfmt);
	w.excel_safe = excel_safe;
	if (rekey_path)
		load_rekey();
	if (rejects_path)
		open_rejects();
	if (crm_cli_stderr_tty()) {
		progress_on = 1;
		clock_gettime(CLOCK_MONOTONIC, &t_start);
	}
	crm_buf_init(&val);
	crm_buf_init(&marena);

	static char *stdin_only[] = { "-", NULL };
	if (argc == 0) {
		argv = stdin_only;
		argc = 1;
	}
	file_names = argv;
	nfiles = argc;
	for (int i = 0; i < argc; i++)
		import_file(argv[i], i);
	if (nmerge_on)
		merge_and_write();
	finish_output();

	if (ndups)
		note("%llu duplicate record%s dropped", ndups,
		    ndups == 1 ? "" : "s");
	if (quiet)
		tally_print();
	else if (nrejected)
		note("%llu of %llu records rejected", nrejected, nread);
	return nrejected || file_failed ? CRM_EXIT_REJECT : CRM_EXIT_OK;
}
