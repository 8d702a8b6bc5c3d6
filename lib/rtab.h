/*
 * rtab: the named result tables of crm-report, written in any of the five
 * output formats (aligned terminal table, TSV, CSV, JSON Lines, Markdown).
 *
 * A report computes its figures into one or more tables of text cells, each
 * with a name and column names; how they reach the reader is decided once,
 * here, so every report behaves the same way under --format, --table and
 * --chart.
 */
#ifndef CRM_RTAB_H
#define CRM_RTAB_H

#include <stddef.h>

#include "out.h"
#include "util.h"

enum crm_rfmt {
	CRM_RFMT_TABLE,
	CRM_RFMT_TSV,
	CRM_RFMT_CSV,
	CRM_RFMT_JSONL,
	CRM_RFMT_MD,
	CRM_RFMT_HTML
};

/* Parse "table", "tsv", "csv", "jsonl" (or "json"), "md" (or "markdown"),
 * "html"; -1 for anything else. */
int crm_rfmt_parse(const char *s);

struct crm_rtab {
	char *name;
	char **cols;
	unsigned char *numeric;  /* per column: a number (JSON, alignment) */
	size_t ncols;
	char **cells;           /* nrows * ncols, NULL for an empty cell */
	size_t nrows, alloc;
	size_t cur;             /* cells filled in the row being built */
	size_t total_from;      /* rows from here on are totals (SIZE_MAX:
	                           none) */
	int chart_label, chart_value;   /* columns for --chart, -1: none */
	char *chart_fmt;
	char *note;             /* a line under the table in TABLE, or NULL */
};

/* A new table named name with columns cols[0..n); the strings are copied.
 * The caller frees it with crm_rtab_free. */
struct crm_rtab *crm_rtab_new(const char *name, const char *const *cols,
    size_t n);
void crm_rtab_free(struct crm_rtab *t);
/* Mark column i numeric: right-aligned in tables and Markdown, a bare number
 * (or null when empty) in JSON Lines. */
void crm_rtab_numeric(struct crm_rtab *t, size_t i);
/* Append the next cell of the current row (a new row starts after ncols
 * cells); s NULL or "" is an empty cell. */
void crm_rtab_cell(struct crm_rtab *t, const char *s);
void crm_rtab_cellf(struct crm_rtab *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Start the totals: the rows appended after this call are totals, set off by
 * a rule in table and Markdown output. */
void crm_rtab_totals(struct crm_rtab *t);
/* Draw column value as bars with --chart, each labelled with the cells of
 * columns 0..label joined by a space; fmt is the value format for
 * crm_chart_bars ("%.1f%%").  Values are read back from the cells; empty or
 * non-numeric cells and the totals rows are left out. */
void crm_rtab_chart(struct crm_rtab *t, int label, int value,
    const char *fmt);
/* Append a column named name to a table whose rows are complete, its
 * cells empty; fill them with crm_rtab_set.  Returns its index. */
size_t crm_rtab_add_column(struct crm_rtab *t, const char *name, int numeric);
/* Replace the cell at row r, column c (s NULL or "": empty). */
void crm_rtab_set(struct crm_rtab *t, size_t r, size_t c, const char *s);
/* The note written on a line of its own under the table in the TABLE
 * format (the other formats carry only cells); replaces any before. */
void crm_rtab_note(struct crm_rtab *t, const char *s);
/* Cell at row r, column c ("" when empty). */
const char *crm_rtab_get(const struct crm_rtab *t, size_t r, size_t c);

/*
 * Write tables ts[0..n) to o in format fmt.  With several tables (named is
 * nonzero), TABLE and MD put the table's name above each table, TSV and CSV
 * write "# NAME" above each header, JSON Lines adds a first key "table";
 * tables are separated by an empty line except in JSON Lines.  With named
 * zero, one table is written bare.  With chart nonzero (TABLE and MD only),
 * each table that has a chart is followed by its bars, 40 cells wide (in MD
 * inside a fenced block).  HTML writes one whole page (lib/html.h) titled
 * by the first table's name; a caller with SVG charts to add builds the
 * page with crm_html_* itself.
 */
void crm_rtab_write(struct crm_out *o, struct crm_rtab *const *ts, size_t n,
    enum crm_rfmt fmt, int named, int chart);

/* Flags for crm_rtab_writex. */
#define CRM_RTAB_NAMED      0x1u  /* as named for crm_rtab_write */
#define CRM_RTAB_CHART      0x2u  /* as chart for crm_rtab_write */
#define CRM_RTAB_EXCEL_SAFE 0x4u  /* CSV: cells a spreadsheet would run as
                                     formulas (=, +, -, @, tab, CR first;
                                     plain signed numbers excepted) are
                                     quoted behind a ', as crm_csv_escape
                                     does with excel_safe */

/* crm_rtab_write with its options as flags. */
void crm_rtab_writex(struct crm_out *o, struct crm_rtab *const *ts, size_t n,
    enum crm_rfmt fmt, unsigned flags);

#endif
