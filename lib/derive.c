/*
 * derive: columns made from others before they are checked (derive.h).
 */
#include "derive.h"
#include "expr.h"
#include "rec.h"
#include "value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
crm_derive_init(struct crm_derive *d)
{
	memset(d, 0, sizeof *d);
	crm_buf_init(&d->msg);
}

void
crm_derive_release(struct crm_derive *d)
{
	for (size_t i = 0; i < d->nstep; i++) {
		free(d->step[i].name);
		free(d->step[i].value);
		free(d->step[i].src);
		crm_expr_free(d->step[i].expr);
		crm_buf_release(&d->step[i].out);
	}
	for (size_t i = 0; i < d->nrc; i++) {
		free(d->rc[i].column);
		crm_strmap_release(&d->rc[i].map);
		crm_buf_release(&d->rc[i].to);
	}
	free(d->step);
	free(d->rc);
	crm_buf_release(&d->msg);
	crm_derive_init(d);
}

int
crm_derive_any(const struct crm_derive *d)
{
	return d->nstep || d->nrc;
}

int
crm_derive_makes(const struct crm_derive *d, const char *name)
{
	for (size_t i = 0; i < d->nstep; i++)
		if (!strcmp(d->step[i].name, name))
			return 1;
	return 0;
}

int
crm_derive_computes(const struct crm_derive *d, const char *name)
{
	for (size_t i = d->nstep; i-- > 0;)
		if (!strcmp(d->step[i].name, name))
			return d->step[i].expr != NULL;
	return 0;
}

/* NAME=REST: the name trimmed, or -1. */
static int
split_assign(const char *opt, const char *arg, char **name, const char **rest,
    char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	const char *b = arg;
	size_t n = eq ? (size_t)(eq - arg) : 0;

	crm_trim(&b, &n);
	if (!eq || !n) {
		snprintf(err, errlen, "%s: expected NAME=%s, got '%s'", opt,
		    strcmp(opt, "--set") ? "EXPR" : "VALUE", arg);
		return -1;
	}
	*name = crm_xstrndup(b, n);
	*rest = eq + 1;
	return 0;
}

static struct crm_derive_step *
new_step(struct crm_derive *d, char *name, const char *opt, const char *arg)
{
	struct crm_derive_step *s;
	size_t n;

	d->step = crm_xrealloc(d->step, (d->nstep + 1) * sizeof *d->step);
	s = &d->step[d->nstep++];
	memset(s, 0, sizeof *s);
	s->name = name;
	n = strlen(opt) + strlen(arg) + 2;
	s->src = crm_xmalloc(n);
	snprintf(s->src, n, "%s %s", opt, arg);
	s->scale = CRM_EXPR_TRIM;
	crm_buf_init(&s->out);
	return s;
}

int
crm_derive_add_set(struct crm_derive *d, const char *arg, char *err,
    size_t errlen)
{
	char *name;
	const char *v;

	if (split_assign("--set", arg, &name, &v, err, errlen) < 0)
		return -1;
	new_step(d, name, "--set", arg)->value = crm_xstrdup(v);
	return 0;
}

int
crm_derive_add_compute(struct crm_derive *d, const char *arg, char *err,
    size_t errlen)
{
	char *name;
	const char *src;
	char e[200];
	struct crm_expr *x;

	if (split_assign("--compute", arg, &name, &src, err, errlen) < 0)
		return -1;
	if (!(x = crm_expr_compile(src, e, sizeof e))) {
		snprintf(err, errlen, "--compute '%s': %s", arg, e);
		free(name);
		return -1;
	}
	new_step(d, name, "--compute", arg)->expr = x;
	return 0;
}

static struct crm_derive_recode *
recode_for(struct crm_derive *d, const char *column, size_t n)
{
	for (size_t i = 0; i < d->nrc; i++)
		if (strlen(d->rc[i].column) == n &&
		    !memcmp(d->rc[i].column, column, n))
			return &d->rc[i];
	d->rc = crm_xrealloc(d->rc, (d->nrc + 1) * sizeof *d->rc);
	struct crm_derive_recode *r = &d->rc[d->nrc++];
	memset(r, 0, sizeof *r);
	r->column = crm_xstrndup(column, n);
	crm_strmap_init(&r->map);
	crm_buf_init(&r->to);
	return r;
}

/* FROM (trimmed) -> TO; a later pair for the same FROM wins. */
static void
recode_put(struct crm_derive_recode *r, const char *from, size_t fn,
    const char *to, size_t tn)
{
	crm_trim(&from, &fn);
	size_t slot = crm_strmap_add(&r->map, from, fn, NULL);
	*crm_strmap_val(&r->map, slot) = r->to.n;
	crm_buf_add(&r->to, to, tn);
	crm_buf_addc(&r->to, '\0');
}

int
crm_derive_add_recode(struct crm_derive *d, const char *arg, char *err,
    size_t errlen)
{
	struct crm_buf col, from, to;
	struct crm_buf *cur = &col;
	int state = 0;          /* 0 column, 1 from, 2 to */
	int ok = 1, pairs = 0;
	struct crm_derive_recode *r = NULL;

	crm_buf_init(&col);
	crm_buf_init(&from);
	crm_buf_init(&to);
	for (const char *p = arg;; p++) {
		char c = *p;
		if (c == '\\' && p[1]) {
			crm_buf_addc(cur, *++p);
			continue;
		}
		if (state == 0 && c == ':') {
			size_t n = col.n;
			const char *b = col.p;
			crm_trim(&b, &n);
			if (!n) {
				ok = 0;
				break;
			}
			r = recode_for(d, b, n);
			state = 1;
			cur = &from;
			continue;
		}
		if (state == 1 && c == '=') {
			state = 2;
			cur = &to;
			continue;
		}
		if ((state == 2 || state == 1) && (c == ',' || !c)) {
			if (state != 2) {
				ok = 0;
				break;
			}
			recode_put(r, from.p, from.n, to.p, to.n);
			pairs++;
			crm_buf_reset(&from);
			crm_buf_reset(&to);
			if (!c)
				break;
			state = 1;
			cur = &from;
			continue;
		}
		if (!c) {
			ok = 0;
			break;
		}
		crm_buf_addc(cur, c);
	}
	crm_buf_release(&col);
	crm_buf_release(&from);
	crm_buf_release(&to);
	if (!ok || !pairs) {
		snprintf(err, errlen, "--recode: expected COLUMN:FROM=TO,"
		    "FROM=TO,..., got '%s'", arg);
		return -1;
	}
	return 0;
}

int
crm_derive_add_recode_file(struct crm_derive *d, const char *path,
    char *err, size_t errlen)
{
	struct crm_read_opts o;
	struct crm_reader *rd;
	struct crm_rec rec;
	int rc, first = 1;

	memset(&o, 0, sizeof o);
	o.no_header = 1;
	o.ragged = 1;
	if (!(rd = crm_reader_open(path, &o, err, errlen)))
		return -1;
	while ((rc = crm_reader_next(rd, &rec)) != CRM_READ_EOF) {
		if (rc < 0) {
			snprintf(err, errlen, "--recode-file: %s",
			    crm_reader_error(rd));
			crm_reader_close(rd);
			return -1;
		}
		int header = first && rec.nf == 3 &&
		    !strcmp(rec.f[0].p, "column") &&
		    !strcmp(rec.f[1].p, "from") && !strcmp(rec.f[2].p, "to");
		first = 0;
		if (header || (rec.nf == 1 && !rec.f[0].n) ||
		    (rec.f[0].n && rec.f[0].p[0] == '#'))
			continue;
		if (rec.nf != 3 || !rec.f[0].n) {
			snprintf(err, errlen, "--recode-file: %s:%ld: expected "
			    "column<TAB>from<TAB>to, found %zu field%s%s",
			    crm_reader_name(rd), rec.line, rec.nf,
			    rec.nf == 1 ? "" : "s",
			    rec.nf == 3 ? " (the column is empty)" : "");
			crm_reader_close(rd);
			return -1;
		}
		recode_put(recode_for(d, rec.f[0].p, rec.f[0].n), rec.f[1].p,
		    rec.f[1].n, rec.f[2].p, rec.f[2].n);
	}
	crm_reader_close(rd);
	return 0;
}

/* The index of name among names (as renamed), then orig; -1. */
static long
lookup(char **names, size_t n, const char *const *orig, size_t norig,
    const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return (long)i;
	for (size_t i = 0; orig && i < norig; i++)
		if (orig[i] && !strcmp(orig[i], name))
			return (long)i;
	return -1;
}

int
crm_derive_bind(struct crm_derive *d, char ***names, size_t *n,
    const char *const *orig, int (*scale)(const char *, void *), void *ctx,
    char *err, size_t errlen)
{
	size_t nin = *n;

	d->nin = nin;
	for (size_t i = 0; i < d->nrc; i++) {
		long c = lookup(*names, nin, orig, nin, d->rc[i].column);
		if (c < 0) {
			snprintf(err, errlen, "--recode: no column '%s'",
			    d->rc[i].column);
			return -1;
		}
		d->rc[i].col = (size_t)c;
	}
	for (size_t i = 0; i < d->nstep; i++) {
		struct crm_derive_step *s = &d->step[i];
		if (s->expr) {
			/* names the expression reads: those before it */
			for (size_t k = 0; k < crm_expr_nnames(s->expr); k++) {
				const char *nm = crm_expr_name(s->expr, k);
				long c = lookup(*names, *n, orig, nin, nm);
				if (c < 0) {
					snprintf(err, errlen, "%s: no column "
					    "'%s'", s->src, nm);
					return -1;
				}
				crm_expr_bind(s->expr, k, (size_t)c);
			}
			s->scale = scale ? scale(s->name, ctx) : CRM_EXPR_TRIM;
		}
		long c = lookup(*names, *n, NULL, 0, s->name);
		if (c < 0) {
			*names = crm_xrealloc(*names, (*n + 2) *
			    sizeof **names);
			(*names)[*n] = crm_xstrdup(s->name);
			(*names)[*n + 1] = NULL;
			c = (long)(*n)++;
		}
		s->col = (size_t)c;
	}
	d->nout = *n;
	return 0;
}

const char *
crm_derive_apply(struct crm_derive *d, const struct crm_field *in,
    struct crm_field *out, size_t *col, const char **value)
{
	static const struct crm_field empty = { (char *)"", 0 };

	memcpy(out, in, d->nin * sizeof *out);
	for (size_t i = d->nin; i < d->nout; i++)
		out[i] = empty;
	for (size_t i = 0; i < d->nrc; i++) {
		struct crm_derive_recode *r = &d->rc[i];
		struct crm_field *f = &out[r->col];
		const char *p = f->p;
		size_t n = f->n;
		crm_trim(&p, &n);
		size_t slot = crm_strmap_find(&r->map, p, n);
		if (slot == CRM_STRMAP_NONE)
			continue;
		size_t off = *crm_strmap_val(&r->map, slot);
		f->p = r->to.p + off;
		f->n = strlen(f->p);
	}
	for (size_t i = 0; i < d->nstep; i++) {
		struct crm_derive_step *s = &d->step[i];
		if (s->value) {
			out[s->col].p = s->value;
			out[s->col].n = strlen(s->value);
			continue;
		}
		size_t bad = 0;
		crm_buf_reset(&s->out);
		switch (crm_expr_eval(s->expr, out, d->nout, s->scale, &s->out,
		    &bad)) {
		case CRM_EXPR_OK:
			out[s->col].p = s->out.p;
			out[s->col].n = s->out.n;
			continue;
		case CRM_EXPR_NAN: {
			size_t c = crm_expr_col(s->expr, bad);
			*col = c;
			*value = out[c].p;
			crm_buf_reset(&d->msg);
			crm_buf_addf(&d->msg, "not a number, for %s", s->src);
			return d->msg.p;
		}
		case CRM_EXPR_DIV0:
			*col = s->col;
			*value = NULL;
			crm_buf_reset(&d->msg);
			crm_buf_addf(&d->msg, "division by zero in %s", s->src);
			return d->msg.p;
		case CRM_EXPR_RANGE:
			*col = s->col;
			*value = NULL;
			crm_buf_reset(&d->msg);
			crm_buf_addf(&d->msg, "result out of range in %s",
			    s->src);
			return d->msg.p;
		}
	}
	return NULL;
}
