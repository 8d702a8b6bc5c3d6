/*
 * chart: bar charts from block characters.
 *
 * Lengths are computed in whole eighths of a cell with one rounding step,
 * so the same values always give the same bars, whatever the platform.
 */
#include <math.h>
#include <string.h>

#include "chart.h"
#include "width.h"

#define FULL "\xe2\x96\x88"	/* U+2588 FULL BLOCK */

/* U+258F..U+2589: one to seven eighths of a cell, from the left */
static const char *const eighths[8] = {
	"", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d", "\xe2\x96\x8c",
	"\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89",
};

static void
add_spaces(struct crm_buf *out, size_t n)
{
	while (n-- > 0)
		crm_buf_addc(out, ' ');
}

static void
add_bar(struct crm_buf *out, double v, double max, size_t width)
{
	double len;
	size_t e, i;

	if (v == 0 || max == 0 || width == 0)
		return;
	len = fabs(v) / max * (double)width * 8;
	e = (size_t)floor(len + 0.5);
	if (e == 0)
		e = 1;
	if (e > width * 8)
		e = width * 8;
	for (i = 0; i < e / 8; i++)
		crm_buf_adds(out, FULL);
	crm_buf_adds(out, eighths[e % 8]);
}

void
crm_chart_bars(struct crm_buf *out, const char *const *labels,
    const double *values, size_t n, size_t width, const char *unit_fmt)
{
	struct crm_buf lab;
	size_t i, w, labw = 0, start;
	double max = 0;
	int negative = 0;

	if (!unit_fmt)
		unit_fmt = "%g";
	crm_buf_init(&lab);
	for (i = 0; i < n; i++) {
		crm_buf_reset(&lab);
		if (labels[i])
			crm_width_escape(&lab, labels[i], strlen(labels[i]));
		w = crm_width(lab.p, lab.n);
		if (w > labw)
			labw = w;
		if (!isfinite(values[i]))
			continue;
		if (fabs(values[i]) > max)
			max = fabs(values[i]);
		if (values[i] < 0)
			negative = 1;
	}

	for (i = 0; i < n; i++) {
		double v = values[i];

		start = out->n;
		crm_buf_reset(&lab);
		if (labels[i])
			crm_width_escape(&lab, labels[i], strlen(labels[i]));
		crm_buf_add(out, lab.p, lab.n);
		add_spaces(out, labw - crm_width(lab.p, lab.n) + 1);
		if (negative)
			crm_buf_addc(out, isfinite(v) && v < 0 ? '-' : ' ');
		if (isfinite(v)) {
			add_bar(out, v, max, width);
			crm_buf_addc(out, ' ');
			crm_buf_addf(out, unit_fmt, v);
		} else {
			crm_buf_adds(out, " n/a");
		}
		while (out->n > start && out->p[out->n - 1] == ' ')
			out->n--;
		out->p[out->n] = '\0';
		crm_buf_addc(out, '\n');
	}
	crm_buf_release(&lab);
}
