/*
 * custattr: the customers file as attributes by customer id (see
 * custattr.h).  Values live in one buffer, each NUL-terminated, reached
 * through an offset per customer and column; offset 0 is the empty value.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custattr.h"
#include "kinds.h"
#include "normalize.h"
#include "rec.h"
#include "strmap.h"
#include "util.h"
#include "value.h"

const char *const crm_custattr_known_names[] = {
	"status", "city", "gender", "birth_year", "occupation", "blacklist",
	"lost_reason", "created", NULL
};

const char *const crm_custattr_band_names[] = {
	"age_band", "tenure_band", NULL
};

const char *const crm_custattr_age_bands[] = {
	"<18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", NULL
};

const char *const crm_custattr_tenure_bands[] = {
	"<3m", "3-6m", "6-12m", "1-2y", "2-5y", "5y+", NULL
};

struct crm_custattr {
	struct crm_strmap ids;          /* customer id -> slot */
	size_t ncol;                    /* known + extra */
	char **extra;                   /* the extra column names */
	size_t nextra, aextra;
	size_t *val;                    /* slot * ncol + column: offset */
	size_t aval;
	int32_t *created;               /* by slot */
	int *birth;                     /* by slot, 0: none */
	long *line;                     /* by slot: its row, for repeats */
	size_t acreated, abirth, aline;
	struct crm_buf vals;            /* "\0" then the values */
	struct crm_strmap map;          /* old id -> offset in newids */
	struct crm_buf newids;
	char *name;                     /* the file, for the torn tail */
	long long torn;                 /* bytes of a torn last line left
	                                   out (a store file being written) */
};

/* ---- bands ---- */

const char *
crm_custattr_age_band(int birth_year, int32_t day)
{
	static const int upto[] = { 18, 25, 35, 45, 55, 65 };
	int y, m, d, age;

	if (birth_year <= 0 || day == CRM_DATE_INVALID)
		return "";
	crm_date_to_ymd(day, &y, &m, &d);
	age = y - birth_year;
	for (int i = 0; i < 6; i++)
		if (age < upto[i])
			return crm_custattr_age_bands[i];
	return crm_custattr_age_bands[6];
}

const char *
crm_custattr_tenure_band(int32_t created, int32_t day)
{
	static const int upto[] = { 3, 6, 12, 24, 60 };
	int y0, m0, d0, y1, m1, d1, months;

	if (created == CRM_DATE_INVALID || day == CRM_DATE_INVALID)
		return "";
	if (created > day)
		return crm_custattr_tenure_bands[0];
	crm_date_to_ymd(created, &y0, &m0, &d0);
	crm_date_to_ymd(day, &y1, &m1, &d1);
	months = (y1 - y0) * 12 + (m1 - m0) - (d1 < d0);
	for (int i = 0; i < 5; i++)
		if (months < upto[i])
			return crm_custattr_tenure_bands[i];
	return crm_custattr_tenure_bands[5];
}

/* ---- loading ---- */

static void
tell(const struct crm_custattr_opts *o, const char *msg, const char *id)
{
	if (o && o->bad)
		o->bad(o->ctx, msg, id);
}

static int
load_map(struct crm_custattr *a, const struct crm_custattr_opts *o,
    char *err, size_t errlen)
{
	struct crm_read_opts ro;
	struct crm_reader *r;
	struct crm_rec rec;
	int co, cn, rc;

	memset(&ro, 0, sizeof ro);
	ro.format = o->csv ? CRM_IN_CSV : CRM_IN_AUTO;
	r = crm_reader_open(o->id_map, &ro, err, errlen);
	if (!r)
		return -1;
	co = crm_reader_col(r, "old_id");
	cn = crm_reader_col(r, "new_id");
	if (co < 0 || cn < 0) {
		if (!crm_reader_header(r) && crm_reader_error(r)[0])
			snprintf(err, errlen, "%s", crm_reader_error(r));
		else
			snprintf(err, errlen, "%s: no column '%s' (an id map "
			    "has columns old_id and new_id)", o->id_map,
			    co < 0 ? "old_id" : "new_id");
		crm_reader_close(r);
		return -1;
	}
	while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF) {
		const char *op, *np;
		size_t on, nn, h;
		int isnew;

		if (rc == CRM_READ_FATAL) {
			snprintf(err, errlen, "%s", crm_reader_error(r));
			crm_reader_close(r);
			return -1;
		}
		if (rc == CRM_READ_BAD) {
			tell(o, crm_reader_error(r), NULL);
			continue;
		}
		op = (size_t)co < rec.nf ? rec.f[co].p : "";
		on = (size_t)co < rec.nf ? rec.f[co].n : 0;
		np = (size_t)cn < rec.nf ? rec.f[cn].p : "";
		nn = (size_t)cn < rec.nf ? rec.f[cn].n : 0;
		crm_trim(&op, &on);
		crm_trim(&np, &nn);
		if (!on || !nn) {
			tell(o, crm_reader_seterr(r, rec.line, on ? cn : co,
			    NULL, 0, "missing"), NULL);
			continue;
		}
		h = crm_strmap_add(&a->map, op, on, &isnew);
		if (!isnew) {
			const char *prev = a->newids.p +
			    *crm_strmap_val(&a->map, h);

			if (strlen(prev) != nn || memcmp(prev, np, nn))
				tell(o, crm_reader_seterr(r, rec.line, co, op,
				    on, "merged into two ids ('%s' first)",
				    prev), NULL);
			continue;
		}
		*crm_strmap_val(&a->map, h) = a->newids.n;
		crm_buf_add(&a->newids, np, nn);
		crm_buf_addc(&a->newids, '\0');
	}
	crm_reader_close(r);
	return 0;
}

/* The created day of a field: a date, or the local day of a timestamp,
 * as the store files write them. */
static int
created_day(const char *s, size_t n, int32_t *day)
{
	int64_t t;
	int off;

	if (!crm_date_parse(s, n, CRM_DATE_STRICT, day))
		return 0;
	if (crm_ts_parse(s, n, CRM_TS_STRICT, &t, &off))
		return -1;
	*day = crm_ts_days(t, off);
	return 0;
}

struct crm_custattr *
crm_custattr_load(const char *path, const struct crm_custattr_opts *o,
    char *err, size_t errlen, int *why)
{
	const struct crm_kind *kind = crm_kind_find("customers");
	struct crm_custattr *a = crm_xcalloc(1, sizeof *a);
	struct crm_read_opts ro;
	struct crm_reader *r;
	struct crm_rec rec;
	struct crm_buf nb;
	int *col, ci, rc, dummy;

	if (!why)
		why = &dummy;
	crm_strmap_init(&a->ids);
	crm_strmap_init(&a->map);
	crm_buf_init(&a->vals);
	crm_buf_init(&a->newids);
	crm_buf_addc(&a->vals, '\0');
	for (size_t i = 0; o && o->extra && o->extra[i]; i++) {
		const char *x = o->extra[i];

		if (crm_vocab_index(crm_custattr_known_names, x,
		    strlen(x)) >= 0 || crm_vocab_index(crm_custattr_band_names,
		    x, strlen(x)) >= 0)
			continue;
		crm_grow(&a->extra, &a->aextra, a->nextra + 1, sizeof *a->extra);
		a->extra[a->nextra++] = crm_xstrdup(x);
	}
	a->ncol = CRM_ATTR_NKNOWN + a->nextra;
	if (o && o->id_map && load_map(a, o, err, errlen) < 0) {
		*why = CRM_CUSTATTR_EMAP;
		crm_custattr_free(a);
		return NULL;
	}
	memset(&ro, 0, sizeof ro);
	ro.format = o && o->csv ? CRM_IN_CSV : CRM_IN_AUTO;
	/* a customers store (crm-import --append): its whole lines only, a
	 * half-written "C3 yes" being no blacklisted C3 */
	ro.store = 1;
	r = crm_reader_open(path, &ro, err, errlen);
	if (!r) {
		*why = CRM_CUSTATTR_EREAD;
		crm_custattr_free(a);
		return NULL;
	}
	if (!crm_reader_header(r)) {
		if (crm_reader_error(r)[0]) {
			snprintf(err, errlen, "%s", crm_reader_error(r));
			*why = CRM_CUSTATTR_EREAD;
			crm_reader_close(r);
			crm_custattr_free(a);
			return NULL;
		}
		crm_reader_close(r);
		return a;               /* empty: no customers */
	}
	ci = crm_reader_col(r, "customer_id");
	if (ci < 0) {
		snprintf(err, errlen, "%s: no column 'customer_id'",
		    crm_reader_name(r));
		*why = CRM_CUSTATTR_ENOID;
		crm_reader_close(r);
		crm_custattr_free(a);
		return NULL;
	}
	col = crm_xcalloc(a->ncol, sizeof *col);
	for (size_t k = 0; k < a->ncol; k++) {
		const char *name = k < CRM_ATTR_NKNOWN ?
		    crm_custattr_known_names[k] :
		    a->extra[k - CRM_ATTR_NKNOWN];

		col[k] = crm_reader_col(r, name);
		if (k < CRM_ATTR_NKNOWN && o && o->known &&
		    !(o->known & (1u << k)))
			col[k] = -1;
		if (col[k] < 0 && k >= CRM_ATTR_NKNOWN) {
			snprintf(err, errlen, "%s: no column '%s'",
			    crm_reader_name(r), name);
			*why = CRM_CUSTATTR_ECOLUMN;
			free(col);
			crm_reader_close(r);
			crm_custattr_free(a);
			return NULL;
		}
	}
	crm_buf_init(&nb);
	while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF) {
		const char *id;
		size_t idn, i;
		int isnew;

		if (rc == CRM_READ_FATAL) {
			snprintf(err, errlen, "%s", crm_reader_error(r));
			*why = CRM_CUSTATTR_EREAD;
			crm_buf_release(&nb);
			free(col);
			crm_reader_close(r);
			crm_custattr_free(a);
			return NULL;
		}
		if (rc == CRM_READ_BAD) {
			tell(o, crm_reader_error(r), NULL);
			continue;
		}
		id = (size_t)ci < rec.nf ? rec.f[ci].p : "";
		idn = (size_t)ci < rec.nf ? rec.f[ci].n : 0;
		crm_trim(&id, &idn);
		if (!idn) {
			tell(o, crm_reader_seterr(r, rec.line, ci, NULL, 0,
			    "missing"), NULL);
			continue;
		}
		i = crm_strmap_add(&a->ids, id, idn, &isnew);
		if (!isnew) {
			tell(o, crm_reader_seterr(r, rec.line, ci, id, idn,
			    "customer listed twice (first on line %ld)",
			    a->line[i]), crm_strmap_key(&a->ids, i, NULL));
			continue;
		}
		crm_grow(&a->val, &a->aval, (i + 1) * a->ncol, sizeof *a->val);
		crm_grow(&a->created, &a->acreated, i + 1, sizeof *a->created);
		crm_grow(&a->birth, &a->abirth, i + 1, sizeof *a->birth);
		crm_grow(&a->line, &a->aline, i + 1, sizeof *a->line);
		a->created[i] = CRM_DATE_INVALID;
		a->birth[i] = 0;
		a->line[i] = rec.line;
		id = crm_strmap_key(&a->ids, i, NULL);
		for (size_t k = 0; k < a->ncol; k++) {
			const char *s, *bad = NULL;
			size_t n;

			a->val[i * a->ncol + k] = 0;
			if (col[k] < 0 || (size_t)col[k] >= rec.nf)
				continue;
			s = rec.f[col[k]].p;
			n = rec.f[col[k]].n;
			crm_buf_reset(&nb);
			if (k == CRM_ATTR_CREATED) {
				int32_t day;

				crm_trim(&s, &n);
				if (n && created_day(s, n, &day) < 0) {
					bad = "not a date";
				} else if (n) {
					char b[11];

					a->created[i] = day;
					crm_date_format(day, b);
					crm_buf_add(&nb, b, 10);
				}
			} else if (k < CRM_ATTR_NKNOWN) {
				bad = crm_normalize(crm_kind_col(kind,
				    crm_custattr_known_names[k]), s, n, NULL,
				    &nb);
			} else {
				crm_trim(&s, &n);
				crm_buf_add(&nb, s, n);
			}
			if (bad) {
				tell(o, crm_reader_seterr(r, rec.line, col[k],
				    rec.f[col[k]].p, rec.f[col[k]].n, "%s", bad),
				    id);
				continue;
			}
			if (!nb.n)
				continue;
			if (k == CRM_ATTR_BIRTH_YEAR)
				a->birth[i] = atoi(nb.p);
			a->val[i * a->ncol + k] = a->vals.n;
			crm_buf_add(&a->vals, nb.p, nb.n);
			crm_buf_addc(&a->vals, '\0');
		}
	}
	crm_buf_release(&nb);
	free(col);
	a->torn = crm_reader_torn(r);
	a->name = crm_xstrdup(crm_reader_name(r));
	crm_reader_close(r);
	return a;
}

int
crm_custattr_torn_warn(const struct crm_custattr *a)
{
	if (!a || !a->torn)
		return 0;
	warnx("%s: torn last line ignored (%lld bytes after the last "
	    "newline)", a->name, a->torn);
	return 1;
}

void
crm_custattr_free(struct crm_custattr *a)
{
	if (!a)
		return;
	free(a->name);
	crm_strmap_release(&a->ids);
	crm_strmap_release(&a->map);
	crm_buf_release(&a->vals);
	crm_buf_release(&a->newids);
	for (size_t i = 0; i < a->nextra; i++)
		free(a->extra[i]);
	free(a->extra);
	free(a->val);
	free(a->created);
	free(a->birth);
	free(a->line);
	free(a);
}

/* ---- lookups ---- */

size_t
crm_custattr_count(const struct crm_custattr *a)
{
	return crm_strmap_count(&a->ids);
}

const char *
crm_custattr_id(const struct crm_custattr *a, size_t i)
{
	return crm_strmap_key(&a->ids, i, NULL);
}

size_t
crm_custattr_find(const struct crm_custattr *a, const char *p, size_t n)
{
	size_t h = crm_strmap_count(&a->map) ?
	    crm_strmap_find(&a->map, p, n) : CRM_STRMAP_NONE;

	if (h != CRM_STRMAP_NONE) {
		const char *to = a->newids.p + a->map.slot[h].val;
		size_t i = crm_strmap_find(&a->ids, to, strlen(to));

		if (i != CRM_STRMAP_NONE)
			return i;
	}
	return crm_strmap_find(&a->ids, p, n);
}

int
crm_custattr_index(const struct crm_custattr *a, const char *name)
{
	size_t n = strlen(name);
	int k;

	if ((k = crm_vocab_index(crm_custattr_known_names, name, n)) >= 0)
		return k;
	if ((k = crm_vocab_index(crm_custattr_band_names, name, n)) >= 0)
		return (int)a->ncol + k;
	for (size_t i = 0; i < a->nextra; i++)
		if (!strcmp(a->extra[i], name))
			return CRM_ATTR_NKNOWN + (int)i;
	return -1;
}

const char *
crm_custattr_get(const struct crm_custattr *a, size_t i, int k, int32_t day)
{
	if (k < 0)
		return "";
	if ((size_t)k < a->ncol)
		return a->vals.p + a->val[i * a->ncol + (size_t)k];
	if ((size_t)k == a->ncol)
		return crm_custattr_age_band(a->birth[i], day);
	if ((size_t)k == a->ncol + 1)
		return crm_custattr_tenure_band(a->created[i], day);
	return "";
}

int
crm_custattr_is_band(const struct crm_custattr *a, int k)
{
	return k >= 0 && (size_t)k >= a->ncol && (size_t)k < a->ncol + 2;
}

int
crm_custattr_band_rank(const struct crm_custattr *a, int k, const char *s)
{
	const char *const *v;

	if (!crm_custattr_is_band(a, k))
		return -1;
	v = (size_t)k == a->ncol ? crm_custattr_age_bands :
	    crm_custattr_tenure_bands;
	for (int r = 0; v[r]; r++)
		if (!strcmp(v[r], s))
			return r;
	return -1;
}

int32_t
crm_custattr_created(const struct crm_custattr *a, size_t i)
{
	return a->created[i];
}

long
crm_custattr_line(const struct crm_custattr *a, size_t i)
{
	return a->line[i];
}

int
crm_custattr_lost(const struct crm_custattr *a, size_t i)
{
	return !strcmp(a->vals.p + a->val[i * a->ncol + CRM_ATTR_STATUS],
	    "lost");
}

int
crm_custattr_blacklisted(const struct crm_custattr *a, size_t i)
{
	return !strcmp(a->vals.p + a->val[i * a->ncol + CRM_ATTR_BLACKLIST],
	    "1");
}
