/*
 * Unit tests for the crm-report library modules: rtab (named tables in five
 * formats), svg (line chart, heat map, escaping) and pyramid (tiers and ABC
 * classes with ties).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out.h"
#include "pyramid.h"
#include "rtab.h"
#include "svg.h"
#include "unit.h"
#include "util.h"

/* Render tables through a pipe-less crm_out into a temporary file. */
static char *
render(struct crm_rtab **ts, size_t n, enum crm_rfmt fmt, int named,
    int chart)
{
	char path[] = "/tmp/test-rtab-XXXXXX";
	int fd = mkstemp(path);
	struct crm_out o;
	static char buf[8192];
	ssize_t k;

	crm_out_init(&o, fd, "test");
	crm_rtab_write(&o, ts, n, fmt, named, chart);
	crm_out_flush(&o);
	lseek(fd, 0, SEEK_SET);
	k = read(fd, buf, sizeof buf - 1);
	buf[k > 0 ? k : 0] = '\0';
	close(fd);
	unlink(path);
	free(o.buf);
	return buf;
}

static struct crm_rtab *
sample(void)
{
	struct crm_rtab *t = crm_rtab_new("mix", (const char *const[]){
	    "name", "n", "share" }, 3);

	crm_rtab_numeric(t, 1);
	crm_rtab_numeric(t, 2);
	crm_rtab_cell(t, "王芳");
	crm_rtab_cell(t, "3");
	crm_rtab_cell(t, "0.7500");
	crm_rtab_cell(t, "a|b\tc");
	crm_rtab_cell(t, "1");
	crm_rtab_cell(t, NULL);
	crm_rtab_totals(t);
	crm_rtab_cell(t, "total");
	crm_rtab_cell(t, "4");
	crm_rtab_cell(t, "1.0000");
	return t;
}

static void
test_rtab(void)
{
	struct crm_rtab *t = sample(), *u;
	struct crm_rtab *both[2];

	unit_inteq(crm_rfmt_parse("md"), CRM_RFMT_MD, "md parses");
	unit_inteq(crm_rfmt_parse("json"), CRM_RFMT_JSONL, "json is jsonl");
	unit_inteq(crm_rfmt_parse("xml"), -1, "xml is refused");
	unit_inteq((long long)t->nrows, 3, "three rows");
	unit_streq(crm_rtab_get(t, 1, 2), "", "empty cell reads as empty");
	unit_streq(crm_rtab_get(t, 9, 0), "", "past the end reads as empty");

	unit_streq(render(&t, 1, CRM_RFMT_TSV, 0, 0),
	    "name\tn\tshare\n王芳\t3\t0.7500\na|b\\tc\t1\t\ntotal\t4\t1.0000\n",
	    "TSV escapes a tab and keeps totals as rows");
	unit_streq(render(&t, 1, CRM_RFMT_CSV, 0, 0),
	    "name,n,share\n王芳,3,0.7500\na|b\tc,1,\ntotal,4,1.0000\n",
	    "CSV");
	unit_streq(render(&t, 1, CRM_RFMT_JSONL, 0, 0),
	    "{\"name\":\"王芳\",\"n\":3,\"share\":0.7500}\n"
	    "{\"name\":\"a|b\\tc\",\"n\":1,\"share\":null}\n"
	    "{\"name\":\"total\",\"n\":4,\"share\":1.0000}\n",
	    "JSON Lines: numbers bare, empty numbers null");
	unit_streq(render(&t, 1, CRM_RFMT_MD, 0, 0),
	    "| name | n | share |\n| --- | ---: | ---: |\n"
	    "| 王芳 | 3 | 0.7500 |\n| a\\|b\\tc | 1 |  |\n"
	    "| **total** | **4** | **1.0000** |\n",
	    "Markdown escapes a bar, right-aligns numbers, bolds totals");
	unit_streq(render(&t, 1, CRM_RFMT_TABLE, 0, 0),
	    "name    n   share\n"
	    "─────────────────\n"
	    "王芳    3  0.7500\n"
	    "a|b\\tc  1\n"
	    "─────────────────\n"
	    "total   4  1.0000\n",
	    "table pads by display width and rules off the totals");

	u = crm_rtab_new("one", (const char *const[]){ "k", "v" }, 2);
	crm_rtab_numeric(u, 1);
	crm_rtab_cell(u, "x");
	crm_rtab_cell(u, "2");
	crm_rtab_cell(u, "y");
	crm_rtab_cell(u, "4");
	crm_rtab_chart(u, 0, 1, "%.0f");
	both[0] = t;
	both[1] = u;
	unit_streq(render(both, 2, CRM_RFMT_TSV, 1, 0),
	    "# mix\nname\tn\tshare\n王芳\t3\t0.7500\na|b\\tc\t1\t\n"
	    "total\t4\t1.0000\n\n# one\nk\tv\nx\t2\ny\t4\n",
	    "several TSV tables are named and separated");
	unit_streq(render(both + 1, 1, CRM_RFMT_JSONL, 1, 0),
	    "{\"table\":\"one\",\"k\":\"x\",\"v\":2}\n"
	    "{\"table\":\"one\",\"k\":\"y\",\"v\":4}\n",
	    "named JSON Lines carry the table name");
	unit_streq(render(both + 1, 1, CRM_RFMT_TABLE, 0, 1),
	    "k  v\n────\nx  2\ny  4\n\n"
	    "x ████████████████████ 2\n"
	    "y ████████████████████████████████████████ 4\n",
	    "a chart follows its table");
	crm_rtab_free(t);
	crm_rtab_free(u);
	crm_rtab_free(NULL);
}

static void
test_svg(void)
{
	struct crm_buf b;
	double y[3] = { 0.25, NAN, 0.5 };
	struct crm_svg_series s = { "s<1>", y };
	const char *xl[3] = { "a", NULL, "c&d" };
	double hv[4] = { 1, 0.5, 0, NAN };
	const char *rl[2] = { "r1", "r2" }, *cl[2] = { "+0", "+1" };

	crm_buf_init(&b);
	crm_svg_escape(&b, "<a href=\"x\">'&'</a>\x01\xff!");
	unit_streq(b.p, "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;"
	    "&lt;/a&gt;!", "escape drops controls and invalid UTF-8");
	crm_buf_reset(&b);
	crm_svg_lines(&b, "T", "x", "y", xl, 3, &s, 1, 1);
	UNIT_OK(strncmp(b.p, "<?xml version=\"1.0\"", 19) == 0,
	    "an XML declaration first");
	UNIT_OK(strstr(b.p, "<title>s&lt;1&gt;, a: 25.0%</title>") != NULL,
	    "a point's title names series, x and value");
	UNIT_OK(strstr(b.p, "<title>s&lt;1&gt;, c&amp;d: 50.0%</title>") !=
	    NULL, "labels are escaped");
	UNIT_OK(strstr(b.p, ": n/a") == NULL, "a NaN point is not drawn");
	{
		size_t lines = 0;
		for (const char *p = b.p; (p = strstr(p, "<polyline")); p++)
			lines++;
		unit_inteq((long long)lines, 2, "a NaN breaks the line");
	}
	UNIT_OK(strstr(b.p, ">50%</text>") != NULL, "percent y ticks");
	UNIT_OK(strcmp(b.p + b.n - 7, "</svg>\n") == 0, "closed");
	crm_buf_reset(&b);
	crm_svg_heatmap(&b, "H", "k", "cohort", rl, 2, cl, 2, hv);
	UNIT_OK(strstr(b.p, "<title>r1, +0: 100.0%</title>") != NULL,
	    "heat map cell title");
	UNIT_OK(strstr(b.p, "<title>r2, +0: 0.0%</title>") != NULL,
	    "a zero cell is drawn");
	UNIT_OK(strstr(b.p, "r2, +1") == NULL, "a NaN cell is blank");
	UNIT_OK(strstr(b.p, "fill=\"#08306b\"") != NULL, "100% is darkest");
	crm_buf_release(&b);
}

static void
test_pyramid(void)
{
	struct crm_pyramid_opts o;
	int64_t v[10] = { -5, 0, 10, 10, 20, 30, 40, 50, 100, 1000 };
	unsigned char t[10], a[10];
	int64_t eq[3] = { 7, 7, 7 };

	crm_pyramid_defaults(&o);
	crm_pyramid_classify(v, 10, &o, t, a);
	/* N = 10: platinum H < 0.1, gold H < 0.5, iron H < 2 */
	unit_inteq(t[9], CRM_TIER_PLATINUM, "top customer is platinum");
	unit_inteq(t[8], CRM_TIER_IRON, "second (H = 1) is iron");
	unit_inteq(t[7], CRM_TIER_LEAD, "third (H = 2) is lead");
	/* positive total 1260: above 0 -> A; 1000/1260 = 79% -> A; 1100 87%
	 * -> B; 1150 91% -> B; 1190 94% -> B; 1220 97% -> C */
	unit_inteq(a[9], CRM_ABC_A, "1000 is A");
	unit_inteq(a[8], CRM_ABC_A, "100 is A (79% above)");
	unit_inteq(a[7], CRM_ABC_B, "50 is B");
	unit_inteq(a[5], CRM_ABC_B, "30 is B");
	unit_inteq(a[4], CRM_ABC_C, "20 is C");
	unit_inteq(a[2] == a[3], 1, "ties share a class");
	unit_inteq(a[1], CRM_ABC_C, "zero revenue is C");
	unit_inteq(a[0], CRM_ABC_C, "negative revenue is C");
	crm_pyramid_classify(eq, 3, &o, t, a);
	unit_inteq(t[0] == CRM_TIER_PLATINUM && t[2] == CRM_TIER_PLATINUM, 1,
	    "equal revenues are all platinum");
	unit_streq(crm_tier_names[CRM_TIER_IRON], "iron", "tier names");
}

int
main(void)
{
	test_rtab();
	test_svg();
	test_pyramid();
	return unit_done();
}
