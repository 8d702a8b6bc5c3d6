/*
 * test-html: the HTML page of a report, byte for byte for a small table
 * with totals, a numeric column and text that needs escaping; a chart set
 * into the page without its XML declaration; and --format html through
 * crm_rtab_writex giving a whole page.  The page must parse as XML with
 * xmllint (libxml2-utils, a test dependency).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "rtab.h"
#include "svg.h"
#include "unit.h"

static const char want[] =
    "<!DOCTYPE html>\n"
    "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
    "<head>\n<meta charset=\"utf-8\"/>\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
    "<title>value &amp; 价值</title>\n<style>\n";
static const char want_body[] =
    "</style>\n</head>\n<body>\n<h1>value &amp; 价值</h1>\n"
    "<p class=\"sub\">as of 2026-11-23</p>\n"
    "<h2>pyramid</h2>\n"
    "<div class=\"t\"><table>\n"
    "<thead><tr><th>tier</th><th class=\"n\">customers</th></tr></thead>\n"
    "<tbody>\n"
    "<tr><td>&lt;gold&gt;</td><td class=\"n\">3</td></tr>\n"
    "<tr><td>铁</td><td class=\"n\"></td></tr>\n"
    "</tbody>\n<tfoot>\n"
    "<tr><td>total</td><td class=\"n\">3</td></tr>\n"
    "</tfoot>\n</table></div>\n"
    "<figure>\n<svg>x</svg>\n</figure>\n"
    "</body>\n</html>\n";

static struct crm_rtab *
table(void)
{
	static const char *const cols[] = { "tier", "customers" };
	struct crm_rtab *t = crm_rtab_new("pyramid", cols, 2);

	crm_rtab_numeric(t, 1);
	crm_rtab_cell(t, "<gold>");
	crm_rtab_cell(t, "3");
	crm_rtab_cell(t, "铁");
	crm_rtab_cell(t, NULL);
	crm_rtab_totals(t);
	crm_rtab_cell(t, "total");
	crm_rtab_cell(t, "3");
	return t;
}

int
main(void)
{
	struct crm_rtab *t = table();
	struct crm_out o;
	struct crm_buf svg;

	crm_out_init(&o, -1, "memory");
	crm_buf_init(&svg);
	crm_buf_adds(&svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg>x</svg>\n");
	crm_html_begin(&o, "value & 价值", "as of 2026-11-23");
	crm_html_table(&o, t, 1);
	crm_html_svg(&o, &svg);
	crm_html_end(&o);
	crm_out_putc(&o, '\0');
	UNIT_OK(!strncmp(o.buf, want, strlen(want)), "page head");
	const char *b = strstr(o.buf, "</style>");
	unit_streq(b, want_body, "page body: tables, totals as a foot, chart");
	UNIT_OK(strstr(o.buf, "<script") == NULL && strstr(o.buf, "http:") ==
	    strstr(o.buf, "http://www.w3.org/1999/xhtml") &&
	    strstr(o.buf, "https:") == NULL && strstr(o.buf, "url(") == NULL,
	    "nothing is fetched: no script, no link but the namespace");

	/* xmllint reads it as XML */
	FILE *p = popen("xmllint --noout - 2>&1", "w");
	int rc = -1;
	if (p) {
		fputs(o.buf, p);
		rc = pclose(p);
	}
	UNIT_OK(rc == 0, "the page is well-formed XML");
	free(o.buf);

	/* the format through rtab: one page titled by the first table */
	crm_out_init(&o, -1, "memory");
	crm_rtab_writex(&o, &t, 1, CRM_RFMT_HTML, CRM_RTAB_NAMED);
	crm_out_putc(&o, '\0');
	size_t len = strlen(o.buf);
	UNIT_OK(strstr(o.buf, "<title>pyramid</title>") != NULL &&
	    strstr(o.buf, "<h2>pyramid</h2>") != NULL && len > 16 &&
	    !strcmp(o.buf + len - 16, "</body>\n</html>\n"),
	    "--format html through rtab writes a whole page");
	free(o.buf);
	crm_buf_release(&svg);
	crm_rtab_free(t);
	return unit_done();
}
