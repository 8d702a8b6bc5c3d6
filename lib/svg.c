/*
 * svg: coordinates are computed in an 800x480 frame (line chart; wider or
 * taller where the legend needs it) or a cell-sized one (heat map);
 * numbers are printed with one decimal so the output is the same on every
 * machine.  Text is measured with crm_svg_text_width, from the same display
 * widths as the terminal tables, so the layout can keep every label inside
 * the canvas and clear of its neighbours without a font at hand.
 */
#include "svg.h"
#include "width.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Okabe and Ito's colour-blind safe palette, darkest first; series past
 * the eighth take the colours again with another marker and a dashed
 * line, so no two of 32 series look alike. */
static const char *const palette[] = {
	"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9",
	"#000000", "#f0e442"
};
#define NPAL (sizeof palette / sizeof palette[0])
#define NMARK 4

/* The fonts asked for: common Latin ones, then CJK ones, then any. */
#define FONTS "DejaVu Sans, Helvetica, Arial, Noto Sans CJK SC, " \
	"Source Han Sans SC, WenQuanYi Micro Hei, PingFang SC, " \
	"Microsoft YaHei, sans-serif"

double
crm_svg_text_width(const char *s, double size)
{
	/* A narrow column is at most 0.62 em in the fonts above (digits and
	 * most letters are nearer 0.55); a wide one (CJK) is 1 em. */
	return s ? (double)crm_width(s, strlen(s)) * 0.62 * size : 0;
}

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
	    "font-family=\"%s\" font-size=\"12\">\n", w, h, w, h,
	    FONTS);
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

/* A series' marker at (x, y): the shape (k / NPAL) % NMARK, filled with
 * col; its <title> is left open for the caller to fill and close. */
static void
marker(struct crm_buf *out, size_t k, double x, double y, const char *col)
{
	switch (k / NPAL % NMARK) {
	case 0:
		crm_buf_addf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
		    "fill=\"%s\">", x, y, col);
		return;
	case 1:
		crm_buf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"6\" "
		    "height=\"6\" fill=\"%s\">", x - 3, y - 3, col);
		return;
	case 2:
		crm_buf_addf(out, "<polygon points=\"%.1f,%.1f %.1f,%.1f "
		    "%.1f,%.1f\" fill=\"%s\">", x, y - 4, x + 4, y + 3,
		    x - 4, y + 3, col);
		return;
	default:
		crm_buf_addf(out, "<polygon points=\"%.1f,%.1f %.1f,%.1f "
		    "%.1f,%.1f %.1f,%.1f\" fill=\"%s\">", x, y - 4, x + 4, y,
		    x, y + 4, x - 4, y, col);
		return;
	}
}

static const char *const marker_end[NMARK] = {
	"</circle>", "</rect>", "</polygon>", "</polygon>"
};

static void
ytick_label(char *buf, size_t len, double v, int ypct)
{
	if (ypct)
		snprintf(buf, len, "%g%%", round(v * 1e6) / 1e4);
	else
		snprintf(buf, len, "%g", round(v * 1e6) / 1e6);
}

void
crm_svg_lines(struct crm_buf *out, const char *title, const char *xtitle,
    const char *ytitle, const char *const *xlabels, size_t nx,
    const struct crm_svg_series *s, size_t ns, int ypct)
{
	const int T = 44, B = 70;
	double L = 80, R = 180, pw = 540, ph = 366, W, H;
	double lo = 0, hi = 0, step, y0, y1, maxw = 0, lastx = -1e9;
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

	/* The frame grows to hold what it must show: the widest y tick
	 * label left of the axis (beside the turned y title), the widest
	 * legend entry on the right, one legend row for each series. */
	for (double v = y0; v <= y1 + step / 2; v += step) {
		ytick_label(buf, sizeof buf, v, ypct);
		double w = crm_svg_text_width(buf, 12);
		if (30 + w + 8 > L)
			L = ceil(30 + w + 8);
	}
	for (size_t k = 0; k < ns; k++) {
		double w = crm_svg_text_width(s[k].name, 12);
		if (48 + w + 12 > R)
			R = ceil(48 + w + 12);
	}
	if (20.0 * (double)ns > ph)
		ph = 20.0 * (double)ns;
	W = L + pw + R;
	H = T + ph + B;
	if (title && crm_svg_text_width(title, 16) * 1.1 + 20 > W)
		W = ceil(crm_svg_text_width(title, 16) * 1.1 + 20);
	if (xtitle && crm_svg_text_width(xtitle, 12) + 20 > W)
		W = ceil(crm_svg_text_width(xtitle, 12) + 20);
	for (size_t i = 0; xlabels && i < nx; i++) {
		double w = xlabels[i] ? crm_svg_text_width(xlabels[i], 12) : 0;
		if (w > maxw)
			maxw = w;
	}

#define PX(i) (L + (nx > 1 ? pw * (double)(i) / (double)(nx - 1) : pw / 2))
#define PY(v) (T + ph - ph * ((v) - y0) / (y1 - y0))

	header(out, (int)W, (int)H, title);
	/* Grid and y ticks. */
	for (double v = y0; v <= y1 + step / 2; v += step) {
		double y = PY(v);
		crm_buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#dddddd\"/>\n", L, y, L + pw, y);
		crm_buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#000000\"/>\n", L - 5, y, L, y);
		ytick_label(buf, sizeof buf, v, ypct);
		text(out, L - 8, y + 4, "end", NULL, buf);
	}
	/* Axes. */
	crm_buf_addf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
	    "y2=\"%.1f\" stroke=\"#000000\"/>\n", L, T, L, T + ph);
	crm_buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\" stroke=\"#000000\"/>\n", L, T + ph, L + pw, T + ph);
	/* X ticks.  A label is drawn only where it clears the one before by
	 * the widest label and a gap, so that any number of periods reads as
	 * evenly thinned labels instead of a smear; every position keeps its
	 * tick. */
	for (size_t i = 0; i < nx; i++) {
		const char *lb = xlabels ? xlabels[i] : NULL;
		double w = lb ? crm_svg_text_width(lb, 12) : 0;
		int labelled = lb && *lb && PX(i) - lastx >= maxw + 8 &&
		    PX(i) - w / 2 >= 0 && PX(i) + w / 2 <= W;

		crm_buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#000000\"/>\n", PX(i), T + ph,
		    PX(i), T + ph + (labelled ? 5 : 3));
		if (labelled) {
			text(out, PX(i), T + ph + 18, "middle", NULL, lb);
			lastx = PX(i);
		}
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
		const char *dash = k >= NPAL ? " stroke-dasharray=\"6 3\"" : "";
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
				    "stroke=\"%s\" stroke-width=\"2\"%s "
				    "points=\"", col, dash);
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
			marker(out, k, PX(i), PY(v), col);
			crm_buf_adds(out, "<title>");
			crm_svg_escape(out, s[k].name);
			crm_buf_adds(out, ", ");
			crm_svg_escape(out, xlabels && xlabels[i] ?
			    xlabels[i] : "");
			crm_buf_adds(out, ": ");
			crm_buf_adds(out, buf);
			crm_buf_addf(out, "</title>%s\n",
			    marker_end[k / NPAL % NMARK]);
		}
		crm_buf_adds(out, "</g>\n");
		/* Legend entry: a stretch of the line with its marker. */
		double ly = T + 20.0 * (double)k + 7;
		crm_buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"%s/>\n",
		    L + pw + 14, ly, L + pw + 38, ly, col, dash);
		marker(out, k, L + pw + 26, ly, col);
		crm_buf_addf(out, "%s\n", marker_end[k / NPAL % NMARK]);
		text(out, L + pw + 48, ly + 4, "start", NULL, s[k].name);
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
