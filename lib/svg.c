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

static const struct crm_svg_axis axis_plain = { 0, 0, NULL, 0 };
static const struct crm_svg_axis axis_pct = { 0, 0, "%", 100 };

/* A point's value as its <title> shows it. */
static void
fmt_value(char *buf, size_t len, double v, const struct crm_svg_axis *ax)
{
	if (isnan(v))
		snprintf(buf, len, "n/a");
	else if (ax->unit)
		snprintf(buf, len, "%.1f%s", v * (ax->scale ? ax->scale : 1),
		    ax->unit);
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
ytick_label(char *buf, size_t len, double v, const struct crm_svg_axis *ax)
{
	if (ax->unit)
		snprintf(buf, len, "%g%s",
		    round(v * (ax->scale ? ax->scale : 1) * 1e4) / 1e4, ax->unit);
	else
		snprintf(buf, len, "%g", round(v * 1e6) / 1e6);
}

/* The y range of an axis: fixed, or the data's and 0, rounded out to
 * nice steps. */
static void
yrange(const struct crm_svg_axis *ax, double lo, double hi, double *y0,
    double *y1, double *step)
{
	if (ax->lo < ax->hi) {
		*y0 = ax->lo;
		*y1 = ax->hi;
		*step = nice_step(ax->hi - ax->lo);
		return;
	}
	if (lo > 0)
		lo = 0;
	if (hi < 0)
		hi = 0;
	if (hi <= lo)
		hi = lo + 1;
	*step = nice_step(hi - lo);
	*y0 = floor(lo / *step) * *step;
	*y1 = ceil(hi / *step) * *step;
	if (*y1 <= *y0)
		*y1 = *y0 + *step;
}

void
crm_svg_lines(struct crm_buf *out, const char *title, const char *xtitle,
    const char *ytitle, const char *const *xlabels, size_t nx,
    const struct crm_svg_series *s, size_t ns, int ypct)
{
	crm_svg_lines_ax(out, title, xtitle, ytitle, xlabels, nx, s, ns,
	    ypct ? &axis_pct : &axis_plain);
}

void
crm_svg_lines_ax(struct crm_buf *out, const char *title, const char *xtitle,
    const char *ytitle, const char *const *xlabels, size_t nx,
    const struct crm_svg_series *s, size_t ns, const struct crm_svg_axis *ax)
{
	const int T = 44, B = 70;
	double L = 80, R = 180, pw = 540, ph = 366, W, H;
	double lo = 0, hi = 0, step, y0, y1, maxw = 0, lastx = -1e9;
	char buf[64];

	if (!ax)
		ax = &axis_plain;
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
	yrange(ax, lo, hi, &y0, &y1, &step);

	/* The frame grows to hold what it must show: the widest y tick
	 * label left of the axis (beside the turned y title), the widest
	 * legend entry on the right, one legend row for each series. */
	for (double v = y0; v <= y1 + step / 2; v += step) {
		ytick_label(buf, sizeof buf, v, ax);
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
		ytick_label(buf, sizeof buf, v, ax);
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
			fmt_value(buf, sizeof buf, v, ax);
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

/* The bar chart; counts nonzero: whole values on whole steps (see
 * crm_svg_bars_counts). */
static void
bars(struct crm_buf *out, const char *title, const char *xtitle,
    const char *ytitle, const char *const *labels, const double *v, size_t n,
    const struct crm_svg_axis *ax, int counts)
{
	const int T = 44, B = 70;
	double L = 80, R = 40, pw = 680, ph = 366, W, H;
	double lo = 0, hi = 0, step, y0, y1, maxw = 0, lastx = -1e9;
	char buf[64];

	if (!ax)
		ax = &axis_plain;
	for (size_t i = 0; i < n; i++) {
		if (isnan(v[i]) || isinf(v[i]))
			continue;
		if (v[i] < lo)
			lo = v[i];
		if (v[i] > hi)
			hi = v[i];
	}
	yrange(ax, lo, hi, &y0, &y1, &step);
	if (counts && step < 1) {
		/* a count of customers has no fractions to tick */
		step = 1;
		y0 = floor(y0);
		y1 = ceil(y1);
	}
	for (double y = y0; y <= y1 + step / 2; y += step) {
		if (counts)
			snprintf(buf, sizeof buf, "%.0f", y);
		else
			ytick_label(buf, sizeof buf, y, ax);
		double w = crm_svg_text_width(buf, 12);
		if (30 + w + 8 > L)
			L = ceil(30 + w + 8);
	}
	W = L + pw + R;
	H = T + ph + B;
	if (title && crm_svg_text_width(title, 16) * 1.1 + 20 > W)
		W = ceil(crm_svg_text_width(title, 16) * 1.1 + 20);
	for (size_t i = 0; labels && i < n; i++) {
		double w = labels[i] ? crm_svg_text_width(labels[i], 12) : 0;
		if (w > maxw)
			maxw = w;
	}
#define BX(i) (L + pw * ((double)(i) + 0.5) / (double)(n ? n : 1))
#define PY(y) (T + ph - ph * ((y) - y0) / (y1 - y0))
	header(out, (int)W, (int)H, title);
	for (double y = y0; y <= y1 + step / 2; y += step) {
		crm_buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"#dddddd\"/>\n", L, PY(y), L + pw,
		    PY(y));
		if (counts)
			snprintf(buf, sizeof buf, "%.0f", y);
		else
			ytick_label(buf, sizeof buf, y, ax);
		text(out, L - 8, PY(y) + 4, "end", NULL, buf);
	}
	crm_buf_addf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
	    "y2=\"%.1f\" stroke=\"#000000\"/>\n", L, T, L, T + ph);
	double base = PY(y0 < 0 && y1 > 0 ? 0 : y0);
	double bw = pw / (double)(n ? n : 1) * 0.8;
	for (size_t i = 0; i < n; i++) {
		const char *lb = labels ? labels[i] : NULL;
		double w = lb ? crm_svg_text_width(lb, 12) : 0;

		if (!isnan(v[i]) && !isinf(v[i])) {
			double top = PY(v[i]);
			if (counts)
				snprintf(buf, sizeof buf, "%.0f", v[i]);
			else
				fmt_value(buf, sizeof buf, v[i], ax);
			crm_buf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>",
			    BX(i) - bw / 2, top < base ? top : base, bw,
			    fabs(base - top), palette[0]);
			crm_svg_escape(out, lb ? lb : "");
			crm_buf_addf(out, ": %s</title></rect>\n", buf);
		}
		if (lb && *lb && BX(i) - lastx >= maxw + 8 &&
		    BX(i) - w / 2 >= 0 && BX(i) + w / 2 <= W) {
			text(out, BX(i), T + ph + 18, "middle", NULL, lb);
			lastx = BX(i);
		}
	}
	crm_buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	    "y2=\"%.1f\" stroke=\"#000000\"/>\n", L, base, L + pw, base);
	if (xtitle)
		text(out, L + pw / 2, H - 20, "middle", NULL, xtitle);
	if (ytitle) {
		crm_buf_addf(out, "<text x=\"18\" y=\"%.1f\" "
		    "text-anchor=\"middle\" transform=\"rotate(-90 18 %.1f)\">",
		    T + ph / 2, T + ph / 2);
		crm_svg_escape(out, ytitle);
		crm_buf_adds(out, "</text>\n");
	}
	crm_buf_adds(out, "</svg>\n");
#undef BX
#undef PY
}

void
crm_svg_bars(struct crm_buf *out, const char *title, const char *xtitle,
    const char *ytitle, const char *const *labels, const double *v, size_t n,
    const struct crm_svg_axis *ax)
{
	bars(out, title, xtitle, ytitle, labels, v, n, ax, 0);
}

void
crm_svg_bars_counts(struct crm_buf *out, const char *title,
    const char *xtitle, const char *ytitle, const char *const *labels,
    const double *v, size_t n)
{
	bars(out, title, xtitle, ytitle, labels, v, n, NULL, 1);
}

/* Line k (0 or 1) of a cell text split at '\n', into buf. */
static const char *
cell_line(const char *s, int k, char *buf, size_t len)
{
	const char *nl = strchr(s, '\n');

	if (k == 0) {
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		snprintf(buf, len, "%.*s", (int)n, s);
	} else {
		snprintf(buf, len, "%s", nl ? nl + 1 : "");
	}
	return buf;
}

/* The heat map of cells; dec < 0: the legend's ends as "%.4g", else
 * with dec decimals. */
static void
heatmap_cells(struct crm_buf *out, const char *title,
    const char *xtitle, const char *ytitle, const char *const *rlabels,
    size_t nrows, const char *const *clabels, size_t ncols, const double *v,
    const char *const *text_, const char *legend, int dec)
{
	const int T = 80;
	double L = 110, CW = 44, CH = 24, W, H, lo = NAN, hi = NAN;
	char col[8], buf[128], line[128], lob[32], hib[32];
	int two = 0;

	for (size_t i = 0; i < nrows * ncols; i++) {
		const char *s = text_ && text_[i] ? text_[i] : NULL;
		double w;

		if (isnan(v[i]))
			continue;
		if (isnan(lo) || v[i] < lo)
			lo = v[i];
		if (isnan(hi) || v[i] > hi)
			hi = v[i];
		if (!s) {
			snprintf(buf, sizeof buf, "%.4g", v[i]);
			s = buf;
		}
		if (strchr(s, '\n'))
			two = 1;
		w = crm_svg_text_width(cell_line(s, 0, line, sizeof line), 12);
		if (w + 10 > CW)
			CW = ceil(w + 10);
		w = crm_svg_text_width(cell_line(s, 1, line, sizeof line), 12);
		if (w + 10 > CW)
			CW = ceil(w + 10);
	}
	for (size_t c = 0; c < ncols; c++) {
		double w = crm_svg_text_width(clabels[c], 12);
		if (w + 8 > CW)
			CW = ceil(w + 8);
	}
	for (size_t r = 0; r < nrows; r++) {
		double w = crm_svg_text_width(rlabels[r], 12);
		if (w + 16 > L)
			L = ceil(w + 16);
	}
	if (ytitle && crm_svg_text_width(ytitle, 12) + 20 > L)
		L = ceil(crm_svg_text_width(ytitle, 12) + 20);
	if (two)
		CH = 38;
	if (dec < 0) {
		snprintf(lob, sizeof lob, "%.4g", isnan(lo) ? 0 : lo);
		snprintf(hib, sizeof hib, "%.4g", isnan(hi) ? 0 : hi);
	} else {
		snprintf(lob, sizeof lob, "%.*f", dec, isnan(lo) ? 0 : lo);
		snprintf(hib, sizeof hib, "%.*f", dec, isnan(hi) ? 0 : hi);
	}
	double lw = crm_svg_text_width(lob, 12), hw = crm_svg_text_width(hib, 12);
	double legw = 30 + 16 + 6 + (lw > hw ? lw : hw) + 10;
	if (legend && crm_svg_text_width(legend, 12) + 40 > legw)
		legw = crm_svg_text_width(legend, 12) + 40;
	W = L + CW * (double)ncols + legw;
	H = T + CH * (double)nrows + 50;
	if (H < T + 12 * 10 + 40)
		H = T + 12 * 10 + 40;
	if (title && crm_svg_text_width(title, 16) * 1.1 + 20 > W)
		W = ceil(crm_svg_text_width(title, 16) * 1.1 + 20);
	if (xtitle && L + crm_svg_text_width(xtitle, 12) + 20 > W)
		W = ceil(L + crm_svg_text_width(xtitle, 12) + 20);
	header(out, (int)W, (int)H, title);
	if (xtitle)
		text(out, L + CW * (double)ncols / 2, 46, "middle", NULL, xtitle);
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
			const char *s = text_ ? text_[r * ncols + c] : NULL;

			if (isnan(q))
				continue;
			if (!s) {
				snprintf(buf, sizeof buf, "%.4g", q);
				s = buf;
			}
			q = hi > lo ? (q - lo) / (hi - lo) : 1;
			shade(q, col);
			crm_buf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
			    "stroke=\"#ffffff\"><title>", x, y, CW, CH, col);
			crm_svg_escape(out, rlabels[r]);
			crm_buf_adds(out, ", ");
			crm_svg_escape(out, clabels[c]);
			crm_buf_adds(out, ": ");
			for (const char *p = s; *p; p++)
				if (*p == '\n')
					crm_buf_adds(out, ", ");
				else
					esc_span(out, p, 1);
			crm_buf_adds(out, "</title></rect>\n");
			const char *fill = q > 0.5 ? " fill=\"#ffffff\"" : NULL;
			if (strchr(s, '\n')) {
				text(out, x + CW / 2, y + 16, "middle", fill,
				    cell_line(s, 0, line, sizeof line));
				text(out, x + CW / 2, y + 31, "middle", fill,
				    cell_line(s, 1, line, sizeof line));
			} else {
				text(out, x + CW / 2, y + CH / 2 + 4, "middle",
				    fill, s);
			}
		}
	}
	{
		double lx = L + CW * (double)ncols + 30;
		int steps = 10;

		if (legend)
			text(out, lx, T - 8, "start", NULL, legend);
		for (int i = 0; i < steps; i++) {
			shade((double)(steps - 1 - i) / (steps - 1), col);
			crm_buf_addf(out, "<rect x=\"%.1f\" y=\"%d\" "
			    "width=\"16\" height=\"12\" fill=\"%s\"/>\n", lx,
			    T + 12 * i, col);
		}
		text(out, lx + 22, T + 10, "start", NULL, hib);
		text(out, lx + 22, T + 12 * steps, "start", NULL, lob);
	}
	crm_buf_adds(out, "</svg>\n");
}

void
crm_svg_heatmap_cells(struct crm_buf *out, const char *title,
    const char *xtitle, const char *ytitle, const char *const *rlabels,
    size_t nrows, const char *const *clabels, size_t ncols, const double *v,
    const char *const *text, const char *legend)
{
	heatmap_cells(out, title, xtitle, ytitle, rlabels, nrows, clabels,
	    ncols, v, text, legend, -1);
}

void
crm_svg_heatmap_cells_dec(struct crm_buf *out, const char *title,
    const char *xtitle, const char *ytitle, const char *const *rlabels,
    size_t nrows, const char *const *clabels, size_t ncols, const double *v,
    const char *const *text, const char *legend, int decimals)
{
	heatmap_cells(out, title, xtitle, ytitle, rlabels, nrows, clabels,
	    ncols, v, text, legend, decimals < 0 ? 0 : decimals);
}
