/*
 * svg: small self-contained SVG pictures for crm-report --plot and
 * crm-segment --plot: a line chart (trends by month, the Pareto curve),
 * bar charts (histograms) and heat maps (cohort retention, the RFM grid).
 *
 * The output is a complete, well-formed SVG 1.1 document with axes, ticks,
 * labels and a legend, readable in any browser without scripts or external
 * files.  Every text stays inside the canvas and clear of its neighbours:
 * the frame grows for long legend entries and titles, and x labels are
 * thinned evenly where they would touch.  Each series has its own colour
 * (Okabe and Ito's colour-blind safe palette), and past eight its own
 * marker and a dashed line too.  Every data point carries a <title> ("SERIES, X: VALUE"), which a
 * browser shows on hover and a test can grep.  Text is XML-escaped.
 */
#ifndef CRM_SVG_H
#define CRM_SVG_H

#include <stddef.h>

#include "util.h"

struct crm_svg_series {
	const char *name;
	const double *y;        /* one value per x position; NaN: no point */
};

/*
 * Append to out a line chart of series s[0..ns) over nx positions on the x
 * axis, evenly spaced, labelled xlabels[i] (a NULL or empty label draws no
 * tick label there, so long series can be labelled sparsely; ticks are
 * still drawn; labels that would touch the one before are left out).  The y axis spans the data and 0, rounded out to "nice"
 * steps (1, 2 or 5 times a power of ten).  A NaN value breaks the line.
 * ypct nonzero prints y tick labels and point values as percentages of 1
 * (0.25 -> 25%).  title, xtitle and ytitle may be NULL.
 */
void crm_svg_lines(struct crm_buf *out, const char *title,
    const char *xtitle, const char *ytitle, const char *const *xlabels,
    size_t nx, const struct crm_svg_series *s, size_t ns, int ypct);

/*
 * A y axis: its range (fixed when lo < hi, else the data's and 0, rounded
 * out to nice steps) and its unit: with unit set, tick labels and point
 * values are value * scale (scale 0 counts as 1) followed by unit, point
 * values with one decimal ("%" and 100 for shares of 1; "" and 1 for NPS
 * points on a fixed -100..100 axis).  Without a unit, plain numbers.
 */
struct crm_svg_axis {
	double lo, hi;
	const char *unit;
	double scale;
};

/* crm_svg_lines over the axis ax (NULL: plain numbers from the data);
 * crm_svg_lines(..., ypct) is this with the percent axis or the plain one. */
void crm_svg_lines_ax(struct crm_buf *out, const char *title,
    const char *xtitle, const char *ytitle, const char *const *xlabels,
    size_t nx, const struct crm_svg_series *s, size_t ns,
    const struct crm_svg_axis *ax);

/*
 * Append to out a bar chart (a histogram) of v[0..n), one vertical bar a
 * value, labelled labels[i] below (thinned as the line chart's are), each
 * bar with a <title> "LABEL: VALUE".  The y axis is ax (NULL: plain
 * numbers from the data and 0).
 */
void crm_svg_bars(struct crm_buf *out, const char *title, const char *xtitle,
    const char *ytitle, const char *const *labels, const double *v, size_t n,
    const struct crm_svg_axis *ax);

/*
 * crm_svg_bars for counts (customers in a bin): the y axis ticks whole
 * numbers only and each bar's <title> is "LABEL: 123456", never in
 * exponent form however large.
 */
void crm_svg_bars_counts(struct crm_buf *out, const char *title,
    const char *xtitle, const char *ytitle, const char *const *labels,
    const double *v, size_t n);

/*
 * Append to out a heat map of any values v[r * ncols + c] (NaN: an empty
 * cell), shaded from the smallest to the largest value, each cell holding
 * the text text[r * ncols + c] (one or two lines split at '\n'; NULL: the
 * value) and a <title> "ROW, COLUMN: TEXT".  Cells grow to hold their
 * text.  legend names what the shade measures ("mean revenue"); the legend
 * shows the smallest and largest values.  For the RFM grid: rows R, columns
 * F, shade the mean monetary value, text the mean and the customer count.
 */
void crm_svg_heatmap_cells(struct crm_buf *out, const char *title,
    const char *xtitle, const char *ytitle, const char *const *rlabels,
    size_t nrows, const char *const *clabels, size_t ncols, const double *v,
    const char *const *text, const char *legend);

/* crm_svg_heatmap_cells with the legend's smallest and largest values
 * written with decimals decimals ("12345.67" for money), not "%.4g". */
void crm_svg_heatmap_cells_dec(struct crm_buf *out, const char *title,
    const char *xtitle, const char *ytitle, const char *const *rlabels,
    size_t nrows, const char *const *clabels, size_t ncols, const double *v,
    const char *const *text, const char *legend, int decimals);

/*
 * Append to out a heat map of v[r * ncols + c] (r < nrows), each value a
 * share in [0, 1] (clamped), NaN for an empty cell (drawn blank).  Rows are
 * labelled rlabels[r] on the left, columns clabels[c] on top; each filled
 * cell holds its value as a whole percentage; a colour legend from 0% to
 * 100% sits on the right.
 */
void crm_svg_heatmap(struct crm_buf *out, const char *title,
    const char *xtitle, const char *ytitle, const char *const *rlabels,
    size_t nrows, const char *const *clabels, size_t ncols, const double *v);

/* The width in pixels that crm_svg_* allows for s at font size size:
 * its display width (lib/width.h, CJK counted double) times a narrow
 * column's width in the fonts asked for.  Layout and its tests use it. */
double crm_svg_text_width(const char *s, double size);

/* Append s XML-escaped (& < > " ') to out; bytes that XML 1.0 forbids
 * (C0 controls other than tab, newline and return) are dropped. */
void crm_svg_escape(struct crm_buf *out, const char *s);

#endif
