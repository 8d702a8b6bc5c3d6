/*
 * html: one self-contained HTML page of report tables and SVG charts, for
 * `--format html`: a file to open on a phone, print, or mail, with no
 * script and nothing fetched from a network (the style sheet is inline,
 * the charts are the SVG documents crm_svg_* write, set into the page).
 *
 * The page is XHTML-compatible HTML5 (every element closed, text escaped),
 * so xmllint reads it as XML as well as HTML.  Table cells are the very
 * strings the other formats print: the figures are the same as in TSV.
 * Numeric columns are right-aligned with tabular digits; wide tables
 * scroll inside their box on a narrow screen.
 */
#ifndef CRM_HTML_H
#define CRM_HTML_H

#include <stddef.h>

#include "out.h"
#include "rtab.h"
#include "util.h"

/* Start the page: head, style sheet, and title as its heading (and the
 * document title); subtitle (may be NULL) as a line under it. */
void crm_html_begin(struct crm_out *o, const char *title,
    const char *subtitle);
/* One table, under its name as a heading when named is nonzero; the
 * totals rows (crm_rtab_totals) are set off as a table foot. */
void crm_html_table(struct crm_out *o, const struct crm_rtab *t, int named);
/* One chart: svg holds a complete SVG document; its XML declaration is
 * dropped and the rest set into the page as a figure. */
void crm_html_svg(struct crm_out *o, const struct crm_buf *svg);
/* Close the page. */
void crm_html_end(struct crm_out *o);

#endif
