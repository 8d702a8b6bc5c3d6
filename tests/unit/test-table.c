/*
 * test-table: aligned tables rendered to exact expected text.  Every golden
 * string below was counted by hand: CJK characters take two columns, the
 * column gap is two spaces, and the rule is as wide as the whole table.
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "table.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void
render_is(const struct crm_table *t, const char *want, const char *what)
{
	struct crm_buf b;

	crm_buf_init(&b);
	crm_table_render(t, &b);
	unit_streq(b.p, want, what);
	crm_buf_release(&b);
}

static int
has_trailing_space(const char *s)
{
	const char *nl;

	for (; (nl = strchr(s, '\n')) != NULL; s = nl + 1)
		if (nl > s && nl[-1] == ' ')
			return 1;
	return 0;
}

static void
test_mixed(void)
{
	static const char *const head[] = {"customer", "名称", "amount"};
	static const char *const r1[] = {"C001", "张三", "1200.50"};
	static const char *const r2[] = {"C002", "Acme 公司", "35"};
	static const char *const r3[] = {"C10", "李", "-7.5"};
	struct crm_table *t = crm_table_new();
	struct crm_buf b;

	crm_table_header(t, head, N(head));
	crm_table_add(t, r1, N(r1));
	crm_table_add(t, r2, N(r2));
	crm_table_add(t, r3, N(r3));
	/* widths 8, 9 (Acme 公司), 7 (1200.50): 8+2+9+2+7 = 28 */
	render_is(t,
	    "customer  名称        amount\n"
	    "────────────────────────────\n"
	    "C001      张三       1200.50\n"
	    "C002      Acme 公司       35\n"
	    "C10       李            -7.5\n",
	    "Chinese and English cells line up; numbers go right");

	crm_buf_init(&b);
	crm_buf_adds(&b, "before\n");
	crm_table_render(t, &b);
	unit_ok(strncmp(b.p, "before\ncustomer  ", 17) == 0,
	    "render appends to what the buffer holds", b.p);
	crm_buf_release(&b);
	crm_table_free(t);
}

static void
test_cut_and_rule(void)
{
	static const char *const head[] = {"note", "n"};
	static const char *const r1[] = {"短信回访客户满意", "3"};
	static const char *const r2[] = {"phone call", "12"};
	static const char *const r3[] = {"email", "7"};
	static const char *const tot[] = {"total", "22"};
	struct crm_table *t = crm_table_new();

	crm_table_header(t, head, N(head));
	crm_table_maxwidth(t, 0, 6);
	crm_table_add(t, r1, N(r1));
	crm_table_add(t, r2, N(r2));
	crm_table_add(t, r3, N(r3));
	crm_table_rule(t);
	crm_table_add(t, tot, N(tot));
	/* col 0 at most 6: 短信… is 5 (回 would make 7), phone… is 6 */
	render_is(t,
	    "note     n\n"
	    "──────────\n"
	    "短信…    3\n"
	    "phone…  12\n"
	    "email    7\n"
	    "──────────\n"
	    "total   22\n",
	    "wide cells are cut with an ellipsis; a rule precedes the total");

	crm_table_maxwidth(t, 0, 0);
	/* 短信回访客户满意 is 16 wide: 16+2+2 = 20 */
	render_is(t,
	    "note               n\n"
	    "────────────────────\n"
	    "短信回访客户满意   3\n"
	    "phone call        12\n"
	    "email              7\n"
	    "────────────────────\n"
	    "total             22\n",
	    "maxwidth 0 lifts the limit");

	crm_table_maxwidth(t, 0, 1);
	crm_table_maxwidth(t, 1, 1);
	render_is(t,
	    "…  n\n"
	    "────\n"
	    "…  3\n"
	    "…  …\n"
	    "…  7\n"
	    "────\n"
	    "…  …\n",
	    "maxwidth 1 leaves only the ellipsis, header included");
	crm_table_free(t);
}

static void
test_escape_and_trailing(void)
{
	static const char *const head[] = {"id", "note", "agent"};
	static const char *const r1[] = {"1", "line one\nline two", "王"};
	static const char *const r2[] = {"2", "tab\there"};
	static const char *const r3[] = {"3", "", NULL};
	static const char *const r4[] = {"4", "trailing  ", "  "};
	struct crm_table *t = crm_table_new();
	struct crm_buf b;

	crm_table_header(t, head, N(head));
	crm_table_add(t, r1, N(r1));
	crm_table_add(t, r2, N(r2));
	crm_table_add(t, r3, N(r3));
	crm_table_add(t, r4, N(r4));
	/* widths 2, 18 (line one\nline two), 5: 2+2+18+2+5 = 29 */
	render_is(t,
	    "id  note                agent\n"
	    "─────────────────────────────\n"
	    " 1  line one\\nline two  王\n"
	    " 2  tab\\there\n"
	    " 3\n"
	    " 4  trailing\n",
	    "newline and tab are escaped; lines carry no trailing space");

	crm_buf_init(&b);
	crm_table_render(t, &b);
	unit_ok(!has_trailing_space(b.p), "no line ends in a space", b.p);
	crm_buf_release(&b);
	crm_table_free(t);
}

/* One numeric-looking or not cell under the header "value". */
static void
numeric_is(const char *cell, int right)
{
	static const char *const head[] = {"value"};
	const char *row[] = {cell};
	struct crm_table *t = crm_table_new();
	char want[128], what[128];
	size_t pad = 5 > strlen(cell) ? 5 - strlen(cell) : 0;

	crm_table_header(t, head, 1);
	crm_table_add(t, row, 1);
	snprintf(want, sizeof want, "value\n─────\n%*s%s\n",
	    right ? (int)pad : 0, "", cell);
	snprintf(what, sizeof what, "'%s' is %snumeric", cell,
	    right ? "" : "not ");
	render_is(t, want, what);
	crm_table_free(t);
}

static void
test_numeric(void)
{
	static const char *const head[] = {"n", "mixed", "blank", "pct"};
	static const char *const r1[] = {"1", "3", "", "50%"};
	static const char *const r2[] = {"", "n/a", "", "-2.5%"};
	static const char *const r3[] = {"10", "40", "", "+.5%"};
	struct crm_table *t;

	numeric_is("12", 1);
	numeric_is("-3", 1);
	numeric_is("+4.5", 1);
	numeric_is(".25", 1);
	numeric_is("7.", 1);
	numeric_is("40%", 1);
	numeric_is("-1.5%", 1);
	numeric_is("1e5", 0);
	numeric_is("-", 0);
	numeric_is("%", 0);
	numeric_is(".", 0);
	numeric_is("+.%", 0);
	numeric_is("1,5", 0);
	numeric_is("1.2.3", 0);
	numeric_is(" 12", 0);
	numeric_is("12a", 0);
	numeric_is("1 2", 0);
	numeric_is("5%%", 0);
	numeric_is("一", 0);

	t = crm_table_new();
	crm_table_header(t, head, N(head));
	crm_table_add(t, r1, N(r1));
	crm_table_add(t, r2, N(r2));
	crm_table_add(t, r3, N(r3));
	/* n: empty cells ignored -> right; mixed: "n/a" -> left;
	 * blank: nothing non-empty -> left; pct -> right */
	render_is(t,
	    " n  mixed  blank    pct\n"
	    "───────────────────────\n"
	    " 1  3               50%\n"
	    "    n/a           -2.5%\n"
	    "10  40             +.5%\n",
	    "a column is right-aligned only when all its values are numbers");

	crm_table_align(t, 0, 0);
	crm_table_align(t, 1, 1);
	crm_table_align(t, 6, 1);	/* beyond the columns: harmless */
	render_is(t,
	    "n   mixed  blank    pct\n"
	    "───────────────────────\n"
	    "1       3           50%\n"
	    "      n/a         -2.5%\n"
	    "10     40          +.5%\n",
	    "explicit alignment overrides the automatic one");
	crm_table_free(t);
}

static void
test_shapes(void)
{
	static const char *const h1[] = {"old", "header", "here"};
	static const char *const h2[] = {"名", NULL};
	static const char *const r1[] = {"甲", "1"};
	static const char *const r2[] = {"乙乙", "22", "extra"};
	struct crm_table *t = crm_table_new();

	render_is(t, "", "an empty table renders as nothing");
	crm_table_header(t, NULL, 0);
	render_is(t, "", "an empty header renders as nothing");
	crm_table_rule(t);
	render_is(t, "", "a table of rules only has no columns: nothing");
	crm_table_free(t);

	t = crm_table_new();
	crm_table_add(t, r1, N(r1));
	crm_table_add(t, NULL, 0);
	crm_table_add(t, r2, N(r2));
	/* widths 4 (乙乙), 2, 5: 4+2+2+2+5 = 15 */
	render_is(t,
	    "甲     1\n"
	    "\n"
	    "乙乙  22  extra\n",
	    "without a header there is no underline; short rows are padded");

	crm_table_header(t, h1, N(h1));
	crm_table_header(t, h2, N(h2));
	render_is(t,
	    "名\n"
	    "───────────────\n"
	    "甲     1\n"
	    "\n"
	    "乙乙  22  extra\n",
	    "a second header replaces the first; NULL cells are empty");
	crm_table_free(t);

	t = crm_table_new();
	crm_table_header(t, h1, N(h1));
	render_is(t,
	    "old  header  here\n"
	    "─────────────────\n",
	    "a header with no rows renders the header and its line");
	crm_table_free(t);
	crm_table_free(NULL);
}

int
main(void)
{
	(void)unit_inteq;	/* unit.h helpers this file has no use for */
	(void)unit_near;
	test_mixed();
	test_cut_and_rule();
	test_escape_and_trailing();
	test_numeric();
	test_shapes();
	return unit_done();
}
