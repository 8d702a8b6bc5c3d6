/*
 * html: the page is written in one pass; cells and names go through the
 * SVG module's XML escape, which also drops bytes XML forbids.
 */
#include "html.h"
#include "svg.h"

#include <string.h>

static const char style[] =
    "body{font-family:DejaVu Sans,Helvetica,Arial,Noto Sans CJK SC,"
    "Source Han Sans SC,WenQuanYi Micro Hei,PingFang SC,Microsoft YaHei,"
    "sans-serif;margin:1em auto;max-width:60em;padding:0 1em;"
    "color:#111;line-height:1.4}\n"
    "h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin:1.4em 0 .4em}\n"
    "p.sub{color:#555;margin:0 0 1em}\n"
    "div.t{overflow-x:auto}\n"
    "table{border-collapse:collapse;margin:.2em 0 1em}\n"
    "th,td{padding:.25em .7em;border-bottom:1px solid #ddd;"
    "text-align:left;white-space:nowrap}\n"
    "th{border-bottom:2px solid #444}\n"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "tfoot td{border-top:2px solid #444;font-weight:bold}\n"
    "figure{margin:1em 0}figure svg{max-width:100%;height:auto}\n"
    "@media print{body{max-width:none}div.t{overflow:visible}"
    "figure,table{break-inside:avoid}}\n";

static void
esc(struct crm_out *o, const char *s)
{
	struct crm_buf b;

	crm_buf_init(&b);
	crm_svg_escape(&b, s);
	crm_out_write(o, b.p, b.n);
	crm_buf_release(&b);
}

void
crm_html_begin(struct crm_out *o, const char *title, const char *subtitle)
{
	crm_out_puts(o, "<!DOCTYPE html>\n"
	    "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
	    "<head>\n<meta charset=\"utf-8\"/>\n"
	    "<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\"/>\n<title>");
	esc(o, title);
	crm_out_puts(o, "</title>\n<style>\n");
	crm_out_puts(o, style);
	crm_out_puts(o, "</style>\n</head>\n<body>\n<h1>");
	esc(o, title);
	crm_out_puts(o, "</h1>\n");
	if (subtitle) {
		crm_out_puts(o, "<p class=\"sub\">");
		esc(o, subtitle);
		crm_out_puts(o, "</p>\n");
	}
}

static void
row(struct crm_out *o, const struct crm_rtab *t, size_t r)
{
	crm_out_puts(o, "<tr>");
	for (size_t c = 0; c < t->ncols; c++) {
		crm_out_puts(o, t->numeric[c] ? "<td class=\"n\">" : "<td>");
		esc(o, crm_rtab_get(t, r, c));
		crm_out_puts(o, "</td>");
	}
	crm_out_puts(o, "</tr>\n");
}

void
crm_html_table(struct crm_out *o, const struct crm_rtab *t, int named)
{
	size_t body = t->total_from < t->nrows ? t->total_from : t->nrows;

	if (named) {
		crm_out_puts(o, "<h2>");
		esc(o, t->name);
		crm_out_puts(o, "</h2>\n");
	}
	crm_out_puts(o, "<div class=\"t\"><table>\n<thead><tr>");
	for (size_t c = 0; c < t->ncols; c++) {
		crm_out_puts(o, t->numeric[c] ? "<th class=\"n\">" : "<th>");
		esc(o, t->cols[c]);
		crm_out_puts(o, "</th>");
	}
	crm_out_puts(o, "</tr></thead>\n<tbody>\n");
	for (size_t r = 0; r < body; r++)
		row(o, t, r);
	crm_out_puts(o, "</tbody>\n");
	if (body < t->nrows) {
		crm_out_puts(o, "<tfoot>\n");
		for (size_t r = body; r < t->nrows; r++)
			row(o, t, r);
		crm_out_puts(o, "</tfoot>\n");
	}
	crm_out_puts(o, "</table></div>\n");
}

void
crm_html_svg(struct crm_out *o, const struct crm_buf *svg)
{
	const char *p = svg->p, *end = svg->p + svg->n;

	if (!strncmp(p, "<?xml", 5)) {
		const char *q = memchr(p, '\n', svg->n);
		p = q ? q + 1 : end;
	}
	crm_out_puts(o, "<figure>\n");
	crm_out_write(o, p, (size_t)(end - p));
	crm_out_puts(o, "</figure>\n");
}

void
crm_html_end(struct crm_out *o)
{
	crm_out_puts(o, "</body>\n</html>\n");
}
