/*
 * test-svg: the layout of the SVG charts read back from their own output.
 * Every <text> element becomes a box from its position, anchor, font size
 * and crm_svg_text_width (the measure the writer lays out with); each box
 * must lie inside the canvas and clear of every other box, for 1, 12, 24
 * and 60 periods, for Chinese labels and series names, for a legend of 13
 * series and for a long title, for the reports' own charts drawn from
 * their figure functions, and for crm-segment's RFM grid and histograms.
 * Series must differ in colour, marker or dash, so that no two look
 * alike.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_figs.h"
#include "segment.h"
#include "svg.h"
#include "util.h"
#include "unit.h"

static char what[256];
#define WHAT(...) (snprintf(what, sizeof what, __VA_ARGS__), what)

struct box {
	double x0, y0, x1, y1;
	char s[128];
};

/* The value of attribute name in the tag starting at p (up to '>'). */
static int
attr(const char *p, const char *name, char *v, size_t vn)
{
	const char *end = strchr(p, '>');
	char key[64];

	snprintf(key, sizeof key, " %s=\"", name);
	const char *a = strstr(p, key);
	if (!a || (end && a > end))
		return 0;
	a += strlen(key);
	const char *q = strchr(a, '"');
	size_t n = (size_t)(q - a) < vn - 1 ? (size_t)(q - a) : vn - 1;
	memcpy(v, a, n);
	v[n] = '\0';
	return 1;
}

/* Undo the five XML escapes into out. */
static void
unescape(const char *s, size_t n, char *out, size_t on)
{
	static const char *const ent[][2] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
		{ "&quot;", "\"" }, { "&apos;", "'" }
	};
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < on;) {
		size_t k;
		for (k = 0; k < 5; k++) {
			size_t l = strlen(ent[k][0]);
			if (i + l <= n && !memcmp(s + i, ent[k][0], l))
				break;
		}
		if (k < 5) {
			out[o++] = ent[k][1][0];
			i += strlen(ent[k][0]);
		} else {
			out[o++] = s[i++];
		}
	}
	out[o] = '\0';
}

/* The boxes of every <text> of svg; the canvas size in *w, *h. */
static size_t
boxes(const char *svg, struct box *b, size_t max, double *w, double *h)
{
	char v[128];
	size_t n = 0;
	const char *p = strstr(svg, "<svg ");

	attr(p, "width", v, sizeof v);
	*w = atof(v);
	attr(p, "height", v, sizeof v);
	*h = atof(v);
	for (p = strstr(p, "<text "); p && n < max; p = strstr(p + 1, "<text ")) {
		double x, y, size = 12, tw;
		const char *c = strchr(p, '>') + 1, *e = strstr(c, "</text>");
		int rotated;

		attr(p, "x", v, sizeof v);
		x = atof(v);
		attr(p, "y", v, sizeof v);
		y = atof(v);
		if (attr(p, "font-size", v, sizeof v))
			size = atof(v);
		rotated = attr(p, "transform", v, sizeof v);
		unescape(c, (size_t)(e - c), b[n].s, sizeof b[n].s);
		tw = crm_svg_text_width(b[n].s, size);
		if (attr(p, "font-weight", v, sizeof v))
			tw *= 1.1;
		attr(p, "text-anchor", v, sizeof v);
		if (rotated) {
			/* turned a quarter left about its own anchor point */
			b[n].x0 = x - 0.8 * size;
			b[n].x1 = x + 0.2 * size;
			b[n].y0 = y - tw / 2;
			b[n].y1 = y + tw / 2;
		} else {
			double a = !strcmp(v, "start") ? 0 :
			    !strcmp(v, "end") ? tw : tw / 2;
			b[n].x0 = x - a;
			b[n].x1 = x - a + tw;
			b[n].y0 = y - 0.8 * size;
			b[n].y1 = y + 0.2 * size;
		}
		n++;
	}
	return n;
}

/* Every text inside the canvas and clear of the others. */
static void
check_layout(const char *svg, const char *what_)
{
	static struct box b[4096];
	char name[200];
	double w, h;
	size_t n = boxes(svg, b, 4096, &w, &h), out = 0, over = 0;
	char first[300] = "";

	snprintf(name, sizeof name, "%s", what_);

	for (size_t i = 0; i < n; i++) {
		if (b[i].x0 < 0 || b[i].y0 < 0 || b[i].x1 > w || b[i].y1 > h) {
			if (!out++)
				snprintf(first, sizeof first, "'%s' at %.1f..%.1f, "
				    "%.1f..%.1f in %gx%g", b[i].s, b[i].x0,
				    b[i].x1, b[i].y0, b[i].y1, w, h);
		}
		for (size_t j = i + 1; j < n; j++)
			if (b[i].x0 < b[j].x1 && b[j].x0 < b[i].x1 &&
			    b[i].y0 < b[j].y1 && b[j].y0 < b[i].y1) {
				if (!over++ && !out)
					snprintf(first, sizeof first,
					    "'%s' and '%s' overlap", b[i].s,
					    b[j].s);
			}
	}
	unit_ok(n > 0, WHAT("%s: has text", name), NULL);
	unit_ok(out == 0, WHAT("%s: every text inside the canvas", name),
	    first);
	unit_ok(over == 0, WHAT("%s: no text overlaps another", name), first);
}

static size_t
count(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* A monthly chart of np periods and ns series. */
static void
lines(struct crm_buf *b, size_t np, size_t ns, int zh, const char *title)
{
	char **xl = calloc(np, sizeof *xl), nm[64];
	double *y = calloc(np * ns, sizeof *y);
	struct crm_svg_series *s = calloc(ns, sizeof *s);
	char **names = calloc(ns, sizeof *names);
	static const char *const zhn[] = { "电话", "短信", "微信", "到店面谈",
		"电子邮件", "全部渠道" };

	for (size_t i = 0; i < np; i++) {
		char l[32];
		snprintf(l, sizeof l, zh ? "%zu年%02zu月" : "%zu-%02zu",
		    2024 + (i / 12), i % 12 + 1);
		xl[i] = crm_xstrdup(l);
	}
	for (size_t k = 0; k < ns; k++) {
		if (zh)
			snprintf(nm, sizeof nm, "%s %zu", zhn[k % 6], k);
		else
			snprintf(nm, sizeof nm, k == 0 ?
			    "equal revenue per customer (the diagonal)" :
			    "series %zu", k);
		names[k] = crm_xstrdup(nm);
		for (size_t i = 0; i < np; i++)
			y[k * np + i] = (double)((i * 7 + k * 3) % 11) * 1234.5;
		s[k].name = names[k];
		s[k].y = y + k * np;
	}
	crm_svg_lines(b, title, zh ? "月份" : "month", zh ? "数量" : "count",
	    (const char *const *)xl, np, s, ns, 0);
	for (size_t i = 0; i < np; i++)
		free(xl[i]);
	for (size_t k = 0; k < ns; k++)
		free(names[k]);
	free(xl);
	free(y);
	free(s);
	free(names);
}

static void
test_layouts(void)
{
	static const size_t periods[] = { 1, 12, 24, 60 };
	struct crm_buf b;

	crm_buf_init(&b);
	for (size_t i = 0; i < 4; i++) {
		for (int zh = 0; zh < 2; zh++) {
			crm_buf_reset(&b);
			lines(&b, periods[i], zh ? 6 : 2, zh, "Interactions by month");
			check_layout(b.p, WHAT("lines, %zu periods%s", periods[i],
			    zh ? ", Chinese" : ""));
		}
	}
	crm_buf_reset(&b);
	lines(&b, 24, 13, 0, "Interactions by channel and month, all channels "
	    "and each of the twelve channels on its own line");
	check_layout(b.p, "lines, 13 series and a long title");
	/* 60 periods must still show labels, thinned, at least 5 */
	crm_buf_reset(&b);
	lines(&b, 60, 1, 0, NULL);
	UNIT_OK(count(b.p, "<text ") >= 5 + 3, "60 periods keep some x labels");
	crm_buf_release(&b);
}

/* 13 series: no two with the same colour, marker shape and dash. */
static void
test_series_look(void)
{
	struct crm_buf b;
	char seen[13][80];
	size_t dup = 0;

	crm_buf_init(&b);
	lines(&b, 3, 13, 0, "t");
	const char *p = b.p;
	for (size_t k = 0; k < 13; k++) {
		char col[16] = "", dash[16] = "", shape[16];
		p = strstr(p, "<g class=\"series\">");
		const char *pl = strstr(p, "<polyline");
		attr(pl, "stroke", col, sizeof col);
		attr(pl, "stroke-dasharray", dash, sizeof dash);
		const char *m = strstr(pl, "/>") + 3;
		sscanf(m, "<%15[a-z]", shape);
		snprintf(seen[k], sizeof seen[k], "%s %s %s", col, dash, shape);
		for (size_t j = 0; j < k; j++)
			if (!strcmp(seen[j], seen[k]))
				dup++;
		p++;
	}
	UNIT_OK(dup == 0, "13 series: each its own colour, marker or dash");
	UNIT_OK(strstr(b.p, "Noto Sans CJK SC") != NULL,
	    "the font stack names a CJK fallback");
	crm_buf_release(&b);
}

static void
test_width(void)
{
	UNIT_OK(fabs(crm_svg_text_width("abcd", 10) - 24.8) < 1e-9,
	    "text width: four narrow columns at 10 px");
	UNIT_OK(fabs(crm_svg_text_width("电话", 10) - 24.8) < 1e-9,
	    "text width: two wide characters count as four columns");
	UNIT_OK(crm_svg_text_width(NULL, 12) == 0, "text width: none");
}

static void
test_heatmap(void)
{
	enum { N = 24 };
	char *rl[N], *cl[N];
	double v[N * N];
	struct crm_buf b;

	for (int i = 0; i < N; i++) {
		char l[32];
		snprintf(l, sizeof l, "%d-%02d", 2025 + i / 12, i % 12 + 1);
		rl[i] = crm_xstrdup(l);
		snprintf(l, sizeof l, "+%d", i);
		cl[i] = crm_xstrdup(l);
	}
	for (int i = 0; i < N * N; i++)
		v[i] = i % N + i / N < N ? (double)(i % 7) / 6 : NAN;
	crm_buf_init(&b);
	crm_svg_heatmap(&b, "Retention by first-purchase cohort", "months since",
	    "cohort", (const char *const *)rl, N, (const char *const *)cl, N, v);
	check_layout(b.p, "heat map, 24 cohorts");
	crm_buf_release(&b);
	for (int i = 0; i < N; i++) {
		free(rl[i]);
		free(cl[i]);
	}
}

static void
test_bars(void)
{
	static const size_t counts[] = { 1, 12, 24, 60 };
	struct crm_buf b;

	crm_buf_init(&b);
	for (size_t i = 0; i < 4; i++)
		for (int zh = 0; zh < 2; zh++) {
			size_t n = counts[i];
			char **l = calloc(n, sizeof *l);
			double *v = calloc(n, sizeof *v);
			for (size_t k = 0; k < n; k++) {
				char t[32];
				snprintf(t, sizeof t, zh ? "%zu天以内" : "%zu-%zu days",
				    k * 30, k * 30 + 29);
				l[k] = crm_xstrdup(t);
				v[k] = (double)(k % 5) * 120;
			}
			crm_buf_reset(&b);
			crm_svg_bars(&b, "Customers by recency", "recency",
			    "customers", (const char *const *)l, v, n, NULL);
			check_layout(b.p, WHAT("bars, %zu bars%s", n,
			    zh ? ", Chinese" : ""));
			UNIT_OK(count(b.p, "<rect x=") == n + 1,	/* and the background */
			    WHAT("bars, %zu bars: one bar each", n));
			for (size_t k = 0; k < n; k++)
				free(l[k]);
			free(l);
			free(v);
		}
	{
		const char *l[] = { "1", "2" };
		double v[] = { 3, 40 };
		crm_buf_reset(&b);
		crm_svg_bars(&b, NULL, NULL, NULL, l, v, 2, NULL);
		UNIT_OK(strstr(b.p, "<title>2: 40</title>") != NULL,
		    "bars: each bar's value in its title");
	}
	crm_buf_release(&b);
}

/* NPS on its own axis: -100..100 points whatever the data. */
static void
test_axis(void)
{
	double y[] = { 12.5, -40 };
	struct crm_svg_series s = { "NPS", y };
	const char *xl[] = { "2026-01", "2026-02" };
	struct crm_svg_axis nps = { -100, 100, "", 1 };
	struct crm_buf b;

	crm_buf_init(&b);
	crm_svg_lines_ax(&b, "NPS by month", "month", "NPS (points)", xl, 2,
	    &s, 1, &nps);
	UNIT_OK(strstr(b.p, ">-100</text>") && strstr(b.p, ">100</text>") &&
	    strstr(b.p, ">0</text>"), "NPS axis: ticks -100, 0 and 100");
	UNIT_OK(!strstr(b.p, "%"), "NPS axis: no percent sign");
	UNIT_OK(strstr(b.p, "<title>NPS, 2026-02: -40.0</title>") != NULL,
	    "NPS axis: point value in points");
	check_layout(b.p, "NPS axis");
	crm_buf_release(&b);
}

/* The RFM grid: R rows by F columns, mean monetary and count in cells. */
static void
test_cells(void)
{
	const char *rl[] = { "R5", "R4", "R3", "R2", "R1" };
	const char *cl[] = { "F1", "F2", "F3", "F4", "F5" };
	double v[25];
	char *tx[25];
	struct crm_buf b;

	for (int i = 0; i < 25; i++) {
		char t[64];
		v[i] = i == 7 ? NAN : 100.0 * i * i;
		snprintf(t, sizeof t, "%.2f\n(%d)", v[i], i * 3);
		tx[i] = crm_xstrdup(t);
	}
	crm_buf_init(&b);
	crm_svg_heatmap_cells(&b, "RFM: mean revenue by recency and frequency",
	    "frequency score", "recency score", rl, 5, cl, 5, v,
	    (const char *const *)tx, "mean revenue");
	check_layout(b.p, "RFM grid");
	UNIT_OK(count(b.p, "><title>") == 24, "RFM grid: 24 filled cells");
	UNIT_OK(strstr(b.p, "<title>R1, F5: 57600.00, (72)</title>") != NULL,
	    "RFM grid: a cell's title holds both lines");
	UNIT_OK(strstr(b.p, ">57600.00</text>") && strstr(b.p, ">(72)</text>"),
	    "RFM grid: both lines drawn");
	crm_buf_release(&b);
	for (int i = 0; i < 25; i++)
		free(tx[i]);
}

/* crm-segment's pictures: the RFM grid with means from a cent to the
 * largest revenue and counts in the millions, cells empty and full, and
 * the recency and frequency histograms from no customer to billions.
 * Their labels are fixed (scores and bins), none comes from the data;
 * a Chinese title and bin labels try the counted bars' layout with wide
 * text all the same. */
static void
test_segment_pictures(void)
{
	struct crm_segment_rfm_cell g[5][5];
	uint64_t rb[CRM_RECENCY_BINS], fb[CRM_FREQUENCY_BINS];
	struct crm_buf b;
	static const int64_t means[] = { 1, -5, 123456789, INT64_MAX,
		INT64_MIN + 1 };

	crm_buf_init(&b);
	memset(g, 0, sizeof g);
	crm_segment_rfm_plot(g, &b);
	check_layout(b.p, "RFM plot, no customers");
	for (int r = 0; r < 5; r++)
		for (int f = 0; f < 5; f++) {
			g[r][f].customers = (r + f) % 4 ? 1234567ull * (uint64_t)(r + 1) : 0;
			g[r][f].mean = means[(r * 5 + f) % 5];
		}
	crm_buf_reset(&b);
	crm_segment_rfm_plot(g, &b);
	check_layout(b.p, "RFM plot, extreme means and counts");
	UNIT_OK(strstr(b.p, ">n=6172835</text>") != NULL,
	    "RFM plot: counts drawn whole");

	for (int z = 0; z < 3; z++) {
		for (int k = 0; k < CRM_RECENCY_BINS; k++)
			rb[k] = z == 0 ? 0 : z == 1 ? (uint64_t)k % 2 :
			    4000000000ull * (uint64_t)(k + 1);
		for (int k = 0; k < CRM_FREQUENCY_BINS; k++)
			fb[k] = z == 0 ? 0 : z == 1 ? 1 :
			    4000000000ull / (uint64_t)(k + 1);
		crm_buf_reset(&b);
		crm_segment_recency_plot(rb, 20000, &b);
		check_layout(b.p, WHAT("recency plot, counts case %d", z));
		crm_buf_reset(&b);
		crm_segment_frequency_plot(fb, &b);
		check_layout(b.p, WHAT("frequency plot, counts case %d", z));
	}
	UNIT_OK(strstr(b.p, "<title>1: 4000000000</title>") != NULL,
	    "frequency plot: a count in the billions is written whole");
	UNIT_OK(strstr(b.p, ">4000000000</text>") != NULL,
	    "frequency plot: whole y ticks");
	{
		const char *l[] = { "30天以内", "31至90天", "一年以上" };
		double v[] = { 1, 0, 2 };

		crm_buf_reset(&b);
		crm_svg_bars_counts(&b, "按最近一次购买的天数统计的客户人数",
		    "距最近一次购买的天数", "客户人数", l, v, 3);
		check_layout(b.p, "counted bars, Chinese");
		UNIT_OK(strstr(b.p, ">0.5</text>") == NULL &&
		    strstr(b.p, ">1</text>") && strstr(b.p, ">2</text>"),
		    "counted bars: no fractional tick for small counts");
	}
	crm_buf_release(&b);
}

/* The value report's Lorenz chart over 1, 12, 24 and 60 customers: its
 * x labels are shares, never data. */
static void
test_lorenz_chart(void)
{
	static const size_t counts[] = { 1, 12, 24, 60 };
	struct crm_buf b;

	crm_buf_init(&b);
	for (size_t i = 0; i < 4; i++) {
		int64_t v[60];

		for (size_t k = 0; k < counts[i]; k++)
			v[k] = (int64_t)(k * k * 1000 + 7);
		crm_buf_reset(&b);
		crm_report_lorenz_chart(&b, v, counts[i]);
		check_layout(b.p, WHAT("lorenz, %zu customers", counts[i]));
		UNIT_OK(strstr(b.p, ", Gini ") != NULL,
		    WHAT("lorenz, %zu customers: the gini in the title",
		    counts[i]));
	}
	crm_buf_release(&b);
}

/* The satisfaction report's three charts over 1, 12, 24 and 60 months,
 * with ISO and Chinese month labels. */
static void
test_sat_charts(void)
{
	static const size_t periods[] = { 1, 12, 24, 60 };
	static int64_t h[60][3][11];
	char lab[60][32];
	const char *ml[60];
	struct crm_buf b;

	crm_buf_init(&b);
	for (size_t i = 0; i < 60; i++)
		for (int v = 0; v <= 10; v++) {
			h[i][0][v] = v >= 1 && v <= 5 ? (int64_t)((i + v) % 7) : 0;
			h[i][1][v] = (int64_t)((i * 3 + v) % 5) * 10;
			h[i][2][v] = v >= 1 && v <= 7 ? (int64_t)(i % 3) : 0;
		}
	for (size_t p = 0; p < 4; p++)
		for (int zh = 0; zh < 2; zh++) {
			for (size_t i = 0; i < periods[p]; i++) {
				snprintf(lab[i], sizeof lab[i], zh ? "%zu年%02zu月" :
				    "%zu-%02zu", 2024 + i / 12, i % 12 + 1);
				ml[i] = lab[i];
			}
			for (size_t k = 0; k < 3; k++) {
				crm_buf_reset(&b);
				crm_report_sat_chart(&b, k, ml,
				    (const int64_t (*)[3][11])h, periods[p]);
				check_layout(b.p, WHAT("satisfaction chart %zu, %zu "
				    "months%s", k, periods[p], zh ? ", Chinese" : ""));
			}
		}
	crm_buf_release(&b);
}

/* The complaints report's SLA chart over 1, 12, 24 and 60 periods, with
 * ISO and Chinese period labels, some periods with nothing due. */
static void
test_sla_charts(void)
{
	static const size_t periods[] = { 1, 12, 24, 60 };
	int64_t due[120], met[120];
	char lab[60][32];
	const char *pl[60];
	struct crm_buf b;

	for (size_t i = 0; i < 120; i++) {
		due[i] = (int64_t)(i % 7);
		met[i] = due[i] / 2;
	}
	crm_buf_init(&b);
	for (size_t p = 0; p < 4; p++)
		for (int zh = 0; zh < 2; zh++) {
			for (size_t i = 0; i < periods[p]; i++) {
				snprintf(lab[i], sizeof lab[i], zh ? "%zu年%02zu月" :
				    "%zu-%02zu", 2024 + i / 12, i % 12 + 1);
				pl[i] = lab[i];
			}
			crm_buf_reset(&b);
			crm_report_sla_chart(&b, zh ? "月份" : "month", pl,
			    periods[p], due, met);
			check_layout(b.p, WHAT("sla chart, %zu periods%s",
			    periods[p], zh ? ", Chinese" : ""));
		}
	crm_buf_release(&b);
}

int
main(void)
{
	test_lorenz_chart();
	test_sat_charts();
	test_sla_charts();
	test_bars();
	test_axis();
	test_cells();
	test_width();
	test_layouts();
	test_series_look();
	test_heatmap();
	test_segment_pictures();
	return unit_done();
}
