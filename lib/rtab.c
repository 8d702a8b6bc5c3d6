/*
 * rtab: cells are kept as strings because every format prints text; the
 * numeric mark only changes alignment and JSON quoting.
 */
#include "rtab.h"
#include "chart.h"
#include "html.h"
#include "table.h"
#include "width.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
crm_rfmt_parse(const char *s)
{
	if (!strcmp(s, "table"))
		return CRM_RFMT_TABLE;
	if (!strcmp(s, "tsv"))
		return CRM_RFMT_TSV;
	if (!strcmp(s, "csv"))
		return CRM_RFMT_CSV;
	if (!strcmp(s, "jsonl") || !strcmp(s, "json"))
		return CRM_RFMT_JSONL;
	if (!strcmp(s, "md") || !strcmp(s, "markdown"))
		return CRM_RFMT_MD;
	if (!strcmp(s, "html"))
		return CRM_RFMT_HTML;
	return -1;
}

struct crm_rtab *
crm_rtab_new(const char *name, const char *const *cols, size_t n)
{
	struct crm_rtab *t = crm_xcalloc(1, sizeof *t);

	t->name = crm_xstrdup(name);
	t->cols = crm_xcalloc(n ? n : 1, sizeof *t->cols);
	t->numeric = crm_xcalloc(n ? n : 1, 1);
	for (size_t i = 0; i < n; i++)
		t->cols[i] = crm_xstrdup(cols[i]);
	t->ncols = n;
	t->total_from = SIZE_MAX;
	t->chart_label = t->chart_value = -1;
	return t;
}

void
crm_rtab_free(struct crm_rtab *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols + t->cur; i++)
		free(t->cells[i]);
	for (size_t i = 0; i < t->ncols; i++)
		free(t->cols[i]);
	free(t->cells);
	free(t->cols);
	free(t->numeric);
	free(t->chart_fmt);
	free(t->note);
	free(t->name);
	free(t);
}

size_t
crm_rtab_add_column(struct crm_rtab *t, const char *name, int numeric)
{
	size_t nc = t->ncols + 1;
	char **cells = crm_xcalloc(crm_mulsz(t->nrows, nc) + 1, sizeof *cells);

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++)
			cells[r * nc + c] = t->cells[r * t->ncols + c];
	free(t->cells);
	t->cells = cells;
	t->alloc = t->nrows * nc + 1;
	t->cols = crm_xrealloc(t->cols, nc * sizeof *t->cols);
	t->cols[t->ncols] = crm_xstrdup(name);
	t->numeric = crm_xrealloc(t->numeric, nc);
	t->numeric[t->ncols] = numeric != 0;
	t->ncols = nc;
	return nc - 1;
}

void
crm_rtab_set(struct crm_rtab *t, size_t r, size_t c, const char *s)
{
	char **p;

	if (r >= t->nrows || c >= t->ncols)
		return;
	p = &t->cells[r * t->ncols + c];
	free(*p);
	*p = s && *s ? crm_xstrdup(s) : NULL;
}

void
crm_rtab_note(struct crm_rtab *t, const char *s)
{
	free(t->note);
	t->note = s ? crm_xstrdup(s) : NULL;
}

void
crm_rtab_numeric(struct crm_rtab *t, size_t i)
{
	if (i < t->ncols)
		t->numeric[i] = 1;
}

void
crm_rtab_cell(struct crm_rtab *t, const char *s)
{
	size_t k;

	if (t->ncols == 0)
		return;
	k = t->nrows * t->ncols + t->cur;
	crm_grow(&t->cells, &t->alloc, k + 1, sizeof *t->cells);
	t->cells[k] = s && *s ? crm_xstrdup(s) : NULL;
	if (++t->cur == t->ncols) {
		t->cur = 0;
		t->nrows++;
	}
}

void
crm_rtab_cellf(struct crm_rtab *t, const char *fmt, ...)
{
	struct crm_buf b;
	va_list ap;

	crm_buf_init(&b);
	va_start(ap, fmt);
	crm_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	crm_rtab_cell(t, b.p);
	crm_buf_release(&b);
}

void
crm_rtab_totals(struct crm_rtab *t)
{
	t->total_from = t->nrows;
}

void
crm_rtab_chart(struct crm_rtab *t, int label, int value, const char *fmt)
{
	t->chart_label = label;
	t->chart_value = value;
	free(t->chart_fmt);
	t->chart_fmt = fmt ? crm_xstrdup(fmt) : NULL;
}

const char *
crm_rtab_get(const struct crm_rtab *t, size_t r, size_t c)
{
	const char *s;

	if (r >= t->nrows || c >= t->ncols)
		return "";
	s = t->cells[r * t->ncols + c];
	return s ? s : "";
}

static void
write_aligned(struct crm_out *o, const struct crm_rtab *t)
{
	struct crm_table *tb = crm_table_new();
	struct crm_buf b;

	crm_table_header(tb, (const char *const *)t->cols, t->ncols);
	for (size_t r = 0; r < t->nrows; r++) {
		if (r == t->total_from && r > 0)
			crm_table_rule(tb);
		crm_table_add(tb, (const char *const *)t->cells + r * t->ncols,
		    t->ncols);
	}
	for (size_t c = 0; c < t->ncols; c++)
		crm_table_align(tb, c, t->numeric[c]);
	crm_buf_init(&b);
	crm_table_render(tb, &b);
	crm_out_write(o, b.p, b.n);
	crm_buf_release(&b);
	crm_table_free(tb);
}

static void
md_cell(struct crm_buf *b, const char *s)
{
	struct crm_buf e;

	crm_buf_init(&e);
	crm_width_escape(&e, s, strlen(s));
	for (size_t i = 0; i < e.n; i++) {
		if (e.p[i] == '|')
			crm_buf_addc(b, '\\');
		crm_buf_addc(b, e.p[i]);
	}
	crm_buf_release(&e);
}

static void
write_md(struct crm_out *o, const struct crm_rtab *t)
{
	struct crm_buf b;

	crm_buf_init(&b);
	crm_buf_adds(&b, "|");
	for (size_t c = 0; c < t->ncols; c++) {
		crm_buf_adds(&b, " ");
		md_cell(&b, t->cols[c]);
		crm_buf_adds(&b, " |");
	}
	crm_buf_adds(&b, "\n|");
	for (size_t c = 0; c < t->ncols; c++)
		crm_buf_adds(&b, t->numeric[c] ? " ---: |" : " --- |");
	crm_buf_adds(&b, "\n");
	for (size_t r = 0; r < t->nrows; r++) {
		crm_buf_adds(&b, "|");
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = crm_rtab_get(t, r, c);
			int bold = r >= t->total_from && *s;

			crm_buf_adds(&b, " ");
			if (bold)
				crm_buf_adds(&b, "**");
			md_cell(&b, s);
			if (bold)
				crm_buf_adds(&b, "**");
			crm_buf_adds(&b, " |");
		}
		crm_buf_adds(&b, "\n");
	}
	crm_out_write(o, b.p, b.n);
	crm_buf_release(&b);
}

static void
write_records(struct crm_out *o, const struct crm_rtab *t, enum crm_rfmt fmt,
    int named, int excel_safe)
{
	struct crm_writer w;
	const char **names;
	size_t off = (fmt == CRM_RFMT_JSONL && named) ? 1 : 0;

	crm_writer_init(&w, o, fmt == CRM_RFMT_TSV ? CRM_FMT_TSV :
	    fmt == CRM_RFMT_CSV ? CRM_FMT_CSV : CRM_FMT_JSONL);
	/* The writer's CSV cells go through the same rule as
	 * crm_csv_escape. */
	w.excel_safe = excel_safe;
	names = crm_xcalloc(t->ncols + 1, sizeof *names);
	if (off)
		names[0] = "table";
	for (size_t c = 0; c < t->ncols; c++)
		names[c + off] = t->cols[c];
	if (named && fmt != CRM_RFMT_JSONL) {
		crm_out_puts(o, "# ");
		crm_out_puts(o, t->name);
		crm_out_putc(o, '\n');
	}
	crm_writer_header_names(&w, names, t->ncols + off);
	for (size_t c = 0; c < t->ncols; c++)
		crm_writer_numeric(&w, c + off, t->numeric[c]);
	for (size_t r = 0; r < t->nrows; r++) {
		if (off)
			crm_writer_str(&w, t->name);
		for (size_t c = 0; c < t->ncols; c++)
			crm_writer_str(&w, crm_rtab_get(t, r, c));
		crm_writer_end(&w);
	}
	free(names);
	crm_writer_release(&w);
}

static void
write_chart(struct crm_out *o, const struct crm_rtab *t, int md)
{
	const char **labels;
	double *values;
	size_t n = 0;
	struct crm_buf b, *bufs;

	if (t->chart_label < 0 || t->chart_value < 0)
		return;
	labels = crm_xcalloc(t->nrows + 1, sizeof *labels);
	values = crm_xcalloc(t->nrows + 1, sizeof *values);
	bufs = crm_xcalloc(t->nrows + 1, sizeof *bufs);
	for (size_t r = 0; r < t->nrows && r < t->total_from; r++) {
		const char *s = crm_rtab_get(t, r, (size_t)t->chart_value);
		char *end;
		double v;
		struct crm_buf *lb;

		if (!*s)
			continue;
		v = strtod(s, &end);
		if (*end != '\0' && strcmp(end, "%"))
			continue;
		lb = &bufs[n];
		crm_buf_init(lb);
		for (int c = 0; c <= t->chart_label; c++)
			crm_buf_addf(lb, "%s%s", c ? " " : "",
			    crm_rtab_get(t, r, (size_t)c));
		labels[n] = lb->p;
		values[n++] = v;
	}
	crm_buf_init(&b);
	crm_chart_bars(&b, labels, values, n, 40, t->chart_fmt);
	if (b.n) {
		crm_out_puts(o, md ? "\n```\n" : "\n");
		crm_out_write(o, b.p, b.n);
		if (md)
			crm_out_puts(o, "```\n");
	}
	crm_buf_release(&b);
	for (size_t i = 0; i < n; i++)
		crm_buf_release(&bufs[i]);
	free(bufs);
	free(labels);
	free(values);
}

void
crm_rtab_write(struct crm_out *o, struct crm_rtab *const *ts, size_t n,
    enum crm_rfmt fmt, int named, int chart)
{
	crm_rtab_writex(o, ts, n, fmt, (named ? CRM_RTAB_NAMED : 0u) |
	    (chart ? CRM_RTAB_CHART : 0u));
}

void
crm_rtab_writex(struct crm_out *o, struct crm_rtab *const *ts, size_t n,
    enum crm_rfmt fmt, unsigned flags)
{
	int named = !!(flags & CRM_RTAB_NAMED);
	int chart = !!(flags & CRM_RTAB_CHART);

	if (fmt == CRM_RFMT_HTML) {
		crm_html_begin(o, n ? ts[0]->name : "crmkit", NULL);
		for (size_t i = 0; i < n; i++)
			crm_html_table(o, ts[i], named);
		crm_html_end(o);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct crm_rtab *t = ts[i];

		if (i > 0 && fmt != CRM_RFMT_JSONL)
			crm_out_putc(o, '\n');
		switch (fmt) {
		case CRM_RFMT_TABLE:
			if (named) {
				crm_out_puts(o, t->name);
				crm_out_puts(o, "\n\n");
			}
			write_aligned(o, t);
			if (t->note) {
				crm_out_puts(o, t->note);
				crm_out_putc(o, '\n');
			}
			if (chart)
				write_chart(o, t, 0);
			break;
		case CRM_RFMT_MD:
			if (named) {
				crm_out_puts(o, "### ");
				crm_out_puts(o, t->name);
				crm_out_puts(o, "\n\n");
			}
			write_md(o, t);
			if (chart)
				write_chart(o, t, 1);
			break;
		default:
			write_records(o, t, fmt, named,
			    !!(flags & CRM_RTAB_EXCEL_SAFE));
			break;
		}
	}
}
