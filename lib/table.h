/*
 * table: the aligned human table that the tools print on a terminal
 * (crm-report tables, crm-log --timeline, crm-complaint list).
 *
 * Cells are collected first and rendered once, because a column's width is
 * only known after its widest cell; widths are display widths (lib/width.h),
 * so Chinese and English text line up.  Machines read TSV, CSV or JSON Lines
 * instead: nothing here is meant to be parsed back.
 */
#ifndef CRM_TABLE_H
#define CRM_TABLE_H

#include <stddef.h>

#include "util.h"

struct crm_table;

/* A new empty table; the caller frees it with crm_table_free. */
struct crm_table *crm_table_new(void);
/* Free t and every string it copied; NULL is a no-op. */
void crm_table_free(struct crm_table *t);

/*
 * Set the header row to names[0..n), replacing any earlier header.  The
 * strings are copied; a NULL pointer is an empty cell.  A table without a
 * header renders its rows only, with no line under them.
 */
void crm_table_header(struct crm_table *t, const char *const *names,
    size_t n);

/*
 * Append a row of cells[0..n), copied; a NULL pointer is an empty cell.
 * Rows may have different lengths: the table has as many columns as its
 * longest row or header, and missing cells are empty.
 */
void crm_table_add(struct crm_table *t, const char *const *cells, size_t n);

/* Append a separator line, e.g. before a totals row. */
void crm_table_rule(struct crm_table *t);

/*
 * Align column col (from 0) to the right (right != 0) or to the left
 * (right == 0), overriding the automatic choice.  Without a call, a column
 * is right-aligned when it has at least one non-empty data cell and every
 * non-empty data cell looks numeric: an optional sign, digits with an
 * optional decimal point and fraction (or a point and a fraction), and an
 * optional trailing '%' ("12", "-3.5", "+.25", "40%").  The header cell
 * follows its column's alignment.
 */
void crm_table_align(struct crm_table *t, size_t col, int right);

/*
 * Limit column col to w display columns: a wider cell (header included) is
 * cut on a character boundary and ends in "…", so the cut cell is at most w
 * wide.  w == 0 removes the limit.
 */
void crm_table_maxwidth(struct crm_table *t, size_t col, size_t w);

/*
 * Append the table to out: the header row, a line of '─' as wide as the
 * whole table, then the rows; a rule is another such line.  Columns are
 * padded by display width and separated by two spaces; no line ends in a
 * space and each ends in '\n'.  Cells are shown through crm_width_escape, so
 * a tab or newline in a cell appears as \t or \n and never breaks the line.
 * A table with no header and no rows renders as nothing.
 */
void crm_table_render(const struct crm_table *t, struct crm_buf *out);

#endif
