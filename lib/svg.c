/*
 * svg: coordinates are computed in a fixed 800x480 (line chart) or
 * cell-sized (heat map) frame; numbers are printed with one decimal so the
 * output is the same on every machine.
 */
#include "svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const palette[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
	"#e377c2", "#7f7f7f", "#bcbd22", "#17becf"
};
#define NPAL (sizeof palette / sizeof palette[0])

static void
esc_span(struct crm_buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&': crm_buf_adds(out, "&amp;"); break;
		case '<': crm_buf_adds(out, "&lt;"); break;
		case '>': crm_buf_adds(out, "&gt;"); break;
		case '"': crm_buf_adds(out, "&quot;"); break;
		case '\'': crm_buf_adds(out, "&apos;"); break;
		default:
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				break;
			crm_buf_addc(out, c);
		}
	}
}

void
crm_svg_escape(struct crm_buf *out, const char *s)
{
	size_t n;

	if (!s)
		return;
	n = strlen(s);
	while (n) {
		/* Invalid UTF-8 would make the document ill-formed: skip it. */
		size_t k = crm_utf8_valid(s, n);

		esc_span(out, s, k);
		if (k == n)
			break;
		s += k + 1;
		n -= k + 1;
	}
}

static void
fmt_value(char *buf, size_t len, double v, int pct)
{
	if (isnan(v))
		snprintf(buf, len, "n/a");
	else if (pct)
		snprintf(buf, len, "%.1f%%", v * 100);
	else
		snprintf(buf, len, "%.4g", v);
}

/* Nice step: 1, 2 or 5 times a power of ten, about span/5. */
static double
nice_step(double span)
{
	double raw = span / 5, p, f;

	if (!(raw > 0))
		return 1;
	p = pow(10, floor(log10(raw)));
	f = raw / p;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

static void
header(struct crm_buf *out, int w, int h, const char *title)
{
	crm_buf_addf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "font-family=\"sans-serif\" font-size=\"12\">\n", w, h, w, h);
	crm_buf_adds(out, "<title>");
	crm_svg_escape(out, title ? title : "crm-report");
	crm_buf_adds(out, "</title>\n");
	crm_buf_addf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
	    "fill=\"#ffffff\"/>\n", w, h);
	if (title) {
		crm_buf_addf(out, "<text x=\"%d\" y=\"24\" "
		    "text-anchor=\"middle\" font-size=\"16\" "
		    "font-weight=\"bold\">", w / 2);
		crm_svg_escape(out, title);
		crm_buf_adds(out, "</text>\n");
	}
}

static void
text(struct crm_buf *out, double x, double y, const char *anchor,
    const char *extra, const char *s)
{
	crm_buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>",
	    x, y, anchor, extra ? extra : "");
	crm_svg_escape(out, s);
	crm_buf_adds(out, "</text>\n");
}

void
crm_svg_lines(struct crm_buf *out, const char *title, const char *xtitle,
    const char *ytitle, const char *const *xlabels, size_t nx,
    const struct crm_svg_series *s, size_t ns, int ypct)
{
	const int W = 800, H = 480, L = 80, R = 180, T = 44, B = 70;
	double pw = W - L - R, ph = H - T - B;
	double lo = 0, hi = 0, step, y0, y1;
	char buf[64];

	for (size_t k = 0; k < ns; k++)
		for (size_t i = 0; i < nx; i++) {
			double v = s[k].y[i];
			if (isnan(v) || isinf(v))
				continue;
			if (v < lo)
				lo = v;
			if (v > hi)
				hi = v;
		}
	if (hi <= lo)
		hi = lo + 1;
	step = nice_step(hi - lo);
	y0 = floor(lo / step) * step;
	y1 = ceil(hi / step) * step;
	if (y1 <= y0)
		y1 = y0 + step;

#define PX(i) (L + (nx > 1 ? pw * (double)(i) / (double)(nx - 1) : pw / 2))
#define PY(v) (T + ph - ph * ((v) - y0) / (y1 - y0))

	header(out, W, H, title);
	/* Grid and y ticks. */
	for (double v = y0; v <= y1 + step / 2; v += step) {
		double y = PY(v);
		crm_buf_addf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#dddddd\"/>\n", L, y, L + pw, y);
		crm_buf_addf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
		    "y2=\"%.1f\" stroke=\"#000000\"/>\n", L - 5, y, L, y);
		if (ypct)
			snprintf(buf, sizeof buf, "%g%%",
			    round(v * 1e6) / 1e4);
		else
			snprintf(buf, sizeof buf, "%g", round(v * 1e6) / 1e6);
		text(out, L - 8, y + 4, "end", NULL, buf);
	}
	/* Axes. */
	crm_buf_addf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" "
	    "stroke=\"#000000\"/>\n", L, T, L, T + ph);
	crm_buf_addf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\" stroke=\"#000000\"/>\n", L, T + ph, L + pw, T + ph);
	/* X ticks. */
	for (size_t i = 0; i < nx; i++) {
		const char *lb = xlabels ? xlabels[i] : NULL;
		int labelled = lb && *lb;

		crm_buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#000000\"/>\n", PX(i), T + ph,
		    PX(i), T + ph + (labelled ? 5 : 3));
		if (labelled)
			text(out, PX(i), T + ph + 18, "middle", NULL, lb);
	}
	if (xtitle)
		text(out, L + pw / 2, H - 20, "middle", NULL, xtitle);
	if (ytitle) {
		crm_buf_addf(out, "<text x=\"18\" y=\"%.1f\" "
		    "text-anchor=\"middle\" transform=\"rotate(-90 18 %.1f)\">",
		    T + ph / 2, T + ph / 2);
		crm_svg_escape(out, ytitle);
		crm_buf_adds(out, "</text>\n");
	}
	/* Series. */
	for (size_t k = 0; k < ns; k++) {
		const char *col = palette[k % NPAL];
		int open = 0;

		crm_buf_adds(out, "<g class=\"series\">\n");
		for (size_t i = 0; i <= nx; i++) {
			double v = i < nx ? s[k].y[i] : NAN;

			if (isnan(v) || isinf(v)) {
				if (open)
					crm_buf_adds(out, "\"/>\n");
				open = 0;
				continue;
			}
			if (!open)
				crm_buf_addf(out, "<polyline fill=\"none\" "
				    "stroke=\"%s\" stroke-width=\"2\" "
				    "points=\"", col);
			else
				crm_buf_addc(out, ' ');
			crm_buf_addf(out, "%.1f,%.1f", PX(i), PY(v));
			open = 1;
		}
		for (size_t i = 0; i < nx; i++) {
			double v = s[k].y[i];

			if (isnan(v) || isinf(v))
				continue;
			fmt_value(buf, sizeof buf, v, ypct);
			crm_buf_addf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" "
			    "r=\"3\" fill=\"%s\"><title>", PX(i), PY(v), col);
			crm_svg_escape(out, s[k].name);
			crm_buf_adds(out, ", ");
			crm_svg_escape(out, xlabels && xlabels[i] ?
			    xlabels[i] : "");
			crm_buf_adds(out, ": ");
			crm_buf_adds(out, buf);
			crm_buf_adds(out, "</title></circle>\n");
		}
		crm_buf_adds(out, "</g>\n");
		/* Legend entry. */
		crm_buf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" "
		    "height=\"14\" fill=\"%s\"/>\n", L + pw + 20,
		    T + 20.0 * (double)k, col);
		text(out, L + pw + 40, T + 20.0 * (double)k + 12, "start",
		    NULL, s[k].name);
	}
	crm_buf_adds(out, "</svg>\n");
#undef PX
#undef PY
}

/* White (0) to dark blue (1). */
static void
shade(double v, char out[8])
{
	int r = (int)lround(247 - v * (247 - 8));
	int g = (int)lround(251 - v * (251 - 48));
	int b = (int)lround(255 - v * (255 - 107));

	snprintf(out, 8, "#%02x%02x%02x", r, g, b);
}

void
crm_svg_heatmap(struct crm_buf *out, const char *title, const char *xtitle,
    const char *ytitle, const char *const *rlabels, size_t nrows,
    const char *const *clabels, size_t ncols, const double *v)
{
	const int L = 110, T = 80, CW = 44, CH = 24, LEG = 120;
	int W = L + CW * (int)ncols + LEG, H = T + CH * (int)nrows + 50;
	char col[8], buf[64];

	if (W < 400)
		W = 400;
	header(out, W, H, title);
	if (xtitle)
		text(out, L + CW * (double)ncols / 2, 46, "middle", NULL,
		    xtitle);
	if (ytitle)
		text(out, 10, T - 10, "start", NULL, ytitle);
	for (size_t c = 0; c < ncols; c++)
		text(out, L + CW * (double)c + CW / 2.0, T - 8, "middle", NULL,
		    clabels[c]);
	for (size_t r = 0; r < nrows; r++) {
		double y = T + CH * (double)r;

		text(out, L - 6, y + CH / 2.0 + 4, "end", NULL, rlabels[r]);
		for (size_t c = 0; c < ncols; c++) {
			double x = L + CW * (double)c, q = v[r * ncols + c];

			if (isnan(q))
				continue;
			q = q < 0 ? 0 : q > 1 ? 1 : q;
			shade(q, col);
			crm_buf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%d\" height=\"%d\" fill=\"%s\" "
			    "stroke=\"#ffffff\"><title>", x, y, CW, CH, col);
			crm_svg_escape(out, rlabels[r]);
			crm_buf_adds(out, ", ");
			crm_svg_escape(out, clabels[c]);
			crm_buf_addf(out, ": %.1f%%</title></rect>\n",
			    q * 100);
			snprintf(buf, sizeof buf, "%.0f%%", q * 100);
			text(out, x + CW / 2.0, y + CH / 2.0 + 4, "middle",
			    q > 0.5 ? " fill=\"#ffffff\"" : NULL, buf);
		}
	}
	/* Legend: a gradient bar from 0% (bottom) to 100% (top). */
	{
		double lx = L + CW * (double)ncols + 30;
		int steps = 10;

		for (int i = 0; i < steps; i++) {
			shade((double)(steps - 1 - i) / (steps - 1), col);
			crm_buf_addf(out, "<rect x=\"%.1f\" y=\"%d\" "
			    "width=\"16\" height=\"12\" fill=\"%s\"/>\n", lx,
			    T + 12 * i, col);
		}
		text(out, lx + 22, T + 10, "start", NULL, "100%");
		text(out, lx + 22, T + 12 * steps, "start", NULL, "0%");
	}
	crm_buf_adds(out, "</svg>\n");
}
