/*
 * chart: horizontal bar charts drawn with Unicode block characters, for
 * the crm-report views where a picture says more than a column of numbers.
 *
 * Bars are measured in eighths of a cell (█ plus the partial blocks
 * ▏▎▍▌▋▊▉), so small differences still show; the output depends only on
 * the arguments, so charts can be compared with golden files.
 */
#ifndef CRM_CHART_H
#define CRM_CHART_H

#include <stddef.h>

#include "util.h"

/*
 * Append one line per item to out:
 *
 *	label, padded to the widest label by display width
 *	a space
 *	the sign column, only when some value is negative: '-' before the bar
 *	    of a negative value, a space for every other line
 *	the bar: |value| / max|value| * width cells, rounded to the nearest
 *	    eighth of a cell; a value that is not zero but rounds to nothing
 *	    still gets the thinnest block ▏ so it is not mistaken for zero
 *	a space
 *	the value printed with unit_fmt, which must hold exactly one
 *	    conversion for a double ("%.1f%%", "%.0f"); NULL means "%g"
 *
 * Negative values are drawn with the same blocks, left to right, and are
 * told apart by the '-' in the sign column (and the value itself).  Zero
 * draws no bar.  A value that is not finite (NaN, infinity) draws no bar,
 * prints "n/a" instead of the value, and does not count toward the scale.
 * When width is 0 or every value is zero, no bars are drawn.  Labels are
 * shown through crm_width_escape; a NULL label is empty.  No line ends in a
 * space; every line ends in '\n'.  Nothing is appended when n is 0.
 */
void crm_chart_bars(struct crm_buf *out, const char *const *labels,
    const double *values, size_t n, size_t width, const char *unit_fmt);

#endif
