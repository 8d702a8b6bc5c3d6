/*
 * test-chart: bar charts compared with exact expected lines, including the
 * partial eighth blocks, zero, negative and non-finite values.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "chart.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void
chart_is(const char *const *labels, const double *values, size_t n,
    size_t width, const char *fmt, const char *want, const char *what)
{
	struct crm_buf b;

	crm_buf_init(&b);
	crm_chart_bars(&b, labels, values, n, width, fmt);
	unit_streq(b.p, want, what);
	crm_buf_release(&b);
}

static void
test_basic(void)
{
	static const char *const lab[] = {"质量", "service", "物流"};
	static const double val[] = {10, 5.5, 0};

	/* 5.5 / 10 * 8 cells = 35.2 eighths -> 35 = 4 full + 3/8 */
	chart_is(lab, val, N(lab), 8, "%.1f%%",
	    "质量    ████████ 10.0%\n"
	    "service ████▍ 5.5%\n"
	    "物流     0.0%\n",
	    "labels pad by display width; fractions use eighth blocks");
}

static void
test_eighths(void)
{
	static const char *const lab[] = {
		"0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
	};
	static const double val[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 16};

	/* max 16 over 2 cells: one eighth of a cell per unit */
	chart_is(lab, val, N(lab), 2, "%.0f",
	    "0  0\n"
	    "1 ▏ 1\n"
	    "2 ▎ 2\n"
	    "3 ▍ 3\n"
	    "4 ▌ 4\n"
	    "5 ▋ 5\n"
	    "6 ▊ 6\n"
	    "7 ▉ 7\n"
	    "8 █ 8\n"
	    "9 ██ 16\n",
	    "each eighth has its block");
}

static void
test_rounding(void)
{
	static const char *const lab[] = {"big", "tiny", "half"};
	static const double val[] = {16, 0.0001, 2.125};

	/* tiny: 0.0004 eighths, shown as the thinnest block;
	 * half: 2.125 / 16 * 8 cells = 8.5 eighths (exact), rounds up to 9 */
	chart_is(lab, val, N(lab), 8, "%g",
	    "big  ████████ 16\n"
	    "tiny ▏ 0.0001\n"
	    "half █▏ 2.125\n",
	    "a non-zero value never vanishes; halves round up");
}

static void
test_negative_and_nan(void)
{
	static const char *const lab[] = {"north", "south", "east", "west"};
	static const double val[] = {4, -2, NAN, 0};
	static const double inf[] = {1, INFINITY, -INFINITY, 2};

	/* with a negative value every line has a sign column; a missing
	 * value sits where the value of a zero bar would */
	chart_is(lab, val, N(lab), 4, "%.0f",
	    "north  ████ 4\n"
	    "south -██ -2\n"
	    "east    n/a\n"
	    "west    0\n",
	    "negative bars are marked with '-'; NaN prints n/a");
	chart_is(lab, inf, N(lab), 4, "%.0f",
	    "north ██ 1\n"
	    "south  n/a\n"
	    "east   n/a\n"
	    "west  ████ 2\n",
	    "infinities print n/a and do not set the scale");
}

static void
test_edges(void)
{
	static const char *const lab[] = {"a\tb", NULL, "c"};
	static const double val[] = {3, 1, -3};
	static const double zero[] = {0, 0, 0};
	struct crm_buf b;

	chart_is(lab, val, N(lab), 3, NULL,
	    "a\\tb  ███ 3\n"
	    "      █ 1\n"
	    "c    -███ -3\n",
	    "labels are escaped; NULL label is empty; NULL format is %g");
	chart_is(lab, val, N(lab), 0, "%.0f",
	    "a\\tb   3\n"
	    "       1\n"
	    "c    - -3\n",
	    "width 0 draws no bars");
	chart_is(lab, zero, N(lab), 5, "%.0f",
	    "a\\tb  0\n"
	    "      0\n"
	    "c     0\n",
	    "all zero values draw no bars");
	chart_is(lab, val, 0, 5, "%.0f", "", "no items, no output");

	crm_buf_init(&b);
	crm_buf_adds(&b, "x\n");
	crm_chart_bars(&b, lab + 2, val + 2, 1, 2, "%.0f");
	unit_streq(b.p, "x\nc -██ -3\n", "the chart is appended to the buffer");
	crm_buf_release(&b);
}

int
main(void)
{
	(void)unit_inteq;	/* unit.h helpers this file has no use for */
	(void)unit_near;
	test_basic();
	test_eighths();
	test_rounding();
	test_negative_and_nan();
	test_edges();
	return unit_done();
}
