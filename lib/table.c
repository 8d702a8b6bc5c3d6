/*
 * table: collect cells, then render them in aligned columns.
 *
 * Rendering makes two passes over the cells: the first measures each shown
 * cell (escaped, then cut to its column's limit) to find column widths, the
 * second writes the lines.  Measuring twice is cheaper than keeping a
 * second copy of every cell, and tables for people are small.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "width.h"

#define RULE "\xe2\x94\x80"		/* U+2500 BOX DRAWINGS LIGHT HORIZONTAL */
#define ELLIPSIS "\xe2\x80\xa6"		/* U+2026 HORIZONTAL ELLIPSIS */

enum { ALIGN_AUTO, ALIGN_LEFT, ALIGN_RIGHT };

struct row {
	char **cells;		/* NULL for a rule */
	size_t n;
};

struct crm_table {
	char **head;
	size_t nhead;
	struct row *rows;
	size_t nrows, arows;
	/* per-column settings, ncfg of them, grown on demand */
	int *align;
	size_t *maxw;
	size_t ncfg, acfg_align, acfg_maxw;
};

struct crm_table *
crm_table_new(void)
{
	return crm_xcalloc(1, sizeof(struct crm_table));
}

static void
cells_free(char **cells, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(cells[i]);
	free(cells);
}

void
crm_table_free(struct crm_table *t)
{
	size_t i;

	if (!t)
		return;
	cells_free(t->head, t->nhead);
	for (i = 0; i < t->nrows; i++)
		cells_free(t->rows[i].cells, t->rows[i].n);
	free(t->rows);
	free(t->align);
	free(t->maxw);
	free(t);
}

static char **
cells_copy(const char *const *src, size_t n)
{
	char **v;
	size_t i;

	if (n == 0)
		return NULL;
	v = crm_xmalloc(crm_mulsz(n, sizeof *v));
	for (i = 0; i < n; i++)
		v[i] = crm_xstrdup(src[i] ? src[i] : "");
	return v;
}

void
crm_table_header(struct crm_table *t, const char *const *names, size_t n)
{
	cells_free(t->head, t->nhead);
	t->head = cells_copy(names, n);
	t->nhead = n;
}

static void
add_row(struct crm_table *t, char **cells, size_t n)
{
	crm_grow(&t->rows, &t->arows, t->nrows + 1, sizeof *t->rows);
	t->rows[t->nrows].cells = cells;
	t->rows[t->nrows].n = n;
	t->nrows++;
}

void
crm_table_add(struct crm_table *t, const char *const *cells, size_t n)
{
	/* an empty row still needs a non-NULL cell array to differ from a rule */
	if (n == 0)
		add_row(t, crm_xcalloc(1, sizeof(char *)), 0);
	else
		add_row(t, cells_copy(cells, n), n);
}

void
crm_table_rule(struct crm_table *t)
{
	add_row(t, NULL, 0);
}

static void
cfg_reserve(struct crm_table *t, size_t col)
{
	size_t i, need;

	if (col < t->ncfg)
		return;
	/* col + 1 must not wrap: crm_mulsz reports it as a size overflow */
	need = col < SIZE_MAX ? col + 1 : crm_mulsz(col, 2);
	crm_grow(&t->align, &t->acfg_align, need, sizeof *t->align);
	crm_grow(&t->maxw, &t->acfg_maxw, need, sizeof *t->maxw);
	for (i = t->ncfg; i <= col; i++) {
		t->align[i] = ALIGN_AUTO;
		t->maxw[i] = 0;
	}
	t->ncfg = col + 1;
}

void
crm_table_align(struct crm_table *t, size_t col, int right)
{
	cfg_reserve(t, col);
	t->align[col] = right ? ALIGN_RIGHT : ALIGN_LEFT;
}

void
crm_table_maxwidth(struct crm_table *t, size_t col, size_t w)
{
	cfg_reserve(t, col);
	t->maxw[col] = w;
}

/* [+-]? (digits ('.' digits?)? | '.' digits) '%'? */
static int
looks_numeric(const char *s)
{
	size_t digits = 0;

	if (*s == '+' || *s == '-')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits++;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++)
			digits++;
	}
	if (*s == '%')
		s++;
	return digits > 0 && *s == '\0';
}

static int
right_aligned(const struct crm_table *t, size_t col)
{
	size_t i, nonempty = 0;

	if (col < t->ncfg && t->align[col] != ALIGN_AUTO)
		return t->align[col] == ALIGN_RIGHT;
	for (i = 0; i < t->nrows; i++) {
		const struct row *r = &t->rows[i];

		if (!r->cells || col >= r->n || r->cells[col][0] == '\0')
			continue;
		if (!looks_numeric(r->cells[col]))
			return 0;
		nonempty++;
	}
	return nonempty > 0;
}

/* Replace tmp with cell as shown in column col; return its width. */
static size_t
shown(const struct crm_table *t, size_t col, const char *cell,
    struct crm_buf *tmp)
{
	size_t w, limit = col < t->ncfg ? t->maxw[col] : 0;

	crm_buf_reset(tmp);
	crm_width_escape(tmp, cell, strlen(cell));
	w = crm_width(tmp->p, tmp->n);
	if (limit > 0 && w > limit) {
		tmp->n = crm_width_cut(tmp->p, tmp->n, limit - 1);
		tmp->p[tmp->n] = '\0';
		w = crm_width(tmp->p, tmp->n) + 1;
		crm_buf_adds(tmp, ELLIPSIS);
	}
	return w;
}

static void
measure(const struct crm_table *t, char *const *cells, size_t n,
    size_t *colw, struct crm_buf *tmp)
{
	size_t j, w;

	for (j = 0; j < n; j++) {
		w = shown(t, j, cells[j], tmp);
		if (w > colw[j])
			colw[j] = w;
	}
}

static void
add_spaces(struct crm_buf *out, size_t n)
{
	crm_buf_grow(out, n);
	memset(out->p + out->n, ' ', n);
	out->n += n;
	out->p[out->n] = '\0';
}

static void
render_line(const struct crm_table *t, char *const *cells, size_t n,
    const size_t *colw, const int *right, size_t ncols, struct crm_buf *out,
    struct crm_buf *tmp)
{
	size_t j, w, start = out->n;

	for (j = 0; j < ncols; j++) {
		if (j > 0)
			crm_buf_adds(out, "  ");
		w = shown(t, j, j < n ? cells[j] : "", tmp);
		if (right[j])
			add_spaces(out, colw[j] - w);
		crm_buf_add(out, tmp->p, tmp->n);
		if (!right[j])
			add_spaces(out, colw[j] - w);
	}
	while (out->n > start && out->p[out->n - 1] == ' ')
		out->n--;
	out->p[out->n] = '\0';
	crm_buf_addc(out, '\n');
}

static void
render_rule(struct crm_buf *out, size_t width)
{
	size_t i;

	for (i = 0; i < width; i++)
		crm_buf_adds(out, RULE);
	crm_buf_addc(out, '\n');
}

void
crm_table_render(const struct crm_table *t, struct crm_buf *out)
{
	size_t ncols = t->nhead, i, j, total;
	size_t *colw;
	int *right;
	struct crm_buf tmp;

	for (i = 0; i < t->nrows; i++)
		if (t->rows[i].n > ncols)
			ncols = t->rows[i].n;
	if (ncols == 0)
		return;

	colw = crm_xcalloc(ncols, sizeof *colw);
	right = crm_xcalloc(ncols, sizeof *right);
	crm_buf_init(&tmp);
	measure(t, t->head, t->nhead, colw, &tmp);
	for (i = 0; i < t->nrows; i++)
		measure(t, t->rows[i].cells, t->rows[i].n, colw, &tmp);
	total = 2 * (ncols - 1);
	for (j = 0; j < ncols; j++) {
		total += colw[j];
		right[j] = right_aligned(t, j);
	}

	if (t->nhead > 0) {
		render_line(t, t->head, t->nhead, colw, right, ncols, out, &tmp);
		render_rule(out, total);
	}
	for (i = 0; i < t->nrows; i++) {
		if (t->rows[i].cells)
			render_line(t, t->rows[i].cells, t->rows[i].n, colw,
			    right, ncols, out, &tmp);
		else
			render_rule(out, total);
	}
	crm_buf_release(&tmp);
	free(colw);
	free(right);
}
