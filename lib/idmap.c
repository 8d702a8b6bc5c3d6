/*
 * idmap: the id map of identity resolution, and re-keying a store file.
 */
#include "idmap.h"
#include "out.h"
#include "rec.h"
#include "store.h"
#include "strmap.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct crm_idmap {
	struct crm_strmap ids;  /* old id -> its entry (the slot's val) */
	struct crm_buf new;     /* new ids, NUL-terminated */
	size_t *off;            /* entry -> offset of its new id in new */
	long *line;             /* entry -> its line in the file */
	size_t n, a, al;
};

void
crm_idmap_free(struct crm_idmap *m)
{
	if (!m)
		return;
	crm_strmap_release(&m->ids);
	crm_buf_release(&m->new);
	free(m->off);
	free(m->line);
	free(m);
}

size_t
crm_idmap_count(const struct crm_idmap *m)
{
	return m->n;
}

const char *
crm_idmap_get(const struct crm_idmap *m, const char *p, size_t n,
    size_t *len)
{
	size_t h = crm_strmap_find(&m->ids, p, n);
	const char *v;

	if (h == CRM_STRMAP_NONE)
		return NULL;
	v = m->new.p + m->off[*crm_strmap_val((struct crm_strmap *)&m->ids,
	    h)];
	*len = strlen(v);
	return v;
}

struct crm_idmap *
crm_idmap_load(const char *path, unsigned flags, char *err, size_t errlen)
{
	struct crm_read_opts o;
	struct crm_idmap *m;
	struct crm_reader *r;
	struct crm_rec rec;
	int rc, oc, nc, isnew;

	memset(&o, 0, sizeof o);
	if ((r = crm_reader_open(path, &o, err, errlen)) == NULL)
		return NULL;
	if (!crm_reader_header(r)) {
		const char *e = crm_reader_error(r);

		if (e && *e)
			snprintf(err, errlen, "%s", e);
		else
			snprintf(err, errlen, "%s: empty file, expected columns "
			    "old_id and new_id", path);
		crm_reader_close(r);
		return NULL;
	}
	oc = crm_reader_col(r, "old_id");
	nc = crm_reader_col(r, "new_id");
	if (oc < 0 || nc < 0) {
		snprintf(err, errlen, "%s: no column '%s' (an id map has "
		    "columns old_id and new_id)", path, oc < 0 ? "old_id" :
		    "new_id");
		crm_reader_close(r);
		return NULL;
	}
	m = crm_xcalloc(1, sizeof *m);
	crm_strmap_init(&m->ids);
	crm_buf_init(&m->new);
	while ((rc = crm_reader_next(r, &rec)) == CRM_READ_OK) {
		const struct crm_field *of = &rec.f[oc], *nf = &rec.f[nc];
		size_t h;

		if (!of->n || !nf->n) {
			snprintf(err, errlen, "%s:%ld: %s: empty value", path,
			    rec.line, of->n ? "new_id" : "old_id");
			goto fail;
		}
		h = crm_strmap_add(&m->ids, of->p, of->n, &isnew);
		if (!isnew) {
			size_t e = *crm_strmap_val(&m->ids, h);
			const char *prev = m->new.p + m->off[e];

			if (strlen(prev) != nf->n || memcmp(prev, nf->p,
			    nf->n)) {
				snprintf(err, errlen, "%s:%ld: old_id: mapped "
				    "twice, to '%s' and '%.*s'", path,
				    rec.line, prev, (int)nf->n, nf->p);
				goto fail;
			}
			if (flags & CRM_IDMAP_STRICT) {
				snprintf(err, errlen, "%s:%ld: old_id: mapped "
				    "twice, also on line %ld", path, rec.line,
				    m->line[e]);
				goto fail;
			}
			continue;
		}
		crm_grow(&m->off, &m->a, m->n + 1, sizeof *m->off);
		crm_grow(&m->line, &m->al, m->n + 1, sizeof *m->line);
		*crm_strmap_val(&m->ids, h) = m->n;
		m->off[m->n] = m->new.n;
		m->line[m->n] = rec.line;
		m->n++;
		crm_buf_add(&m->new, nf->p, nf->n);
		crm_buf_addc(&m->new, '\0');
	}
	if (rc != CRM_READ_EOF) {
		snprintf(err, errlen, "%s", crm_reader_error(r));
		goto fail;
	}
	if (flags & CRM_IDMAP_STRICT) {
		/* a new id that is an old id: a chain (a -> b -> c) or a
		 * cycle (a -> b -> a, a -> a) */
		for (size_t i = 0; i < crm_strmap_count(&m->ids); i++) {
			size_t e = *crm_strmap_val(&m->ids, i), ko;
			const char *nv = m->new.p + m->off[e];
			size_t h = crm_strmap_find(&m->ids, nv, strlen(nv));
			const char *k = crm_strmap_key(&m->ids, i, &ko);

			if (h == CRM_STRMAP_NONE)
				continue;
			if (h == i)
				snprintf(err, errlen, "%s:%ld: new_id: '%s' is "
				    "mapped to itself", path, m->line[e], nv);
			else
				snprintf(err, errlen, "%s:%ld: new_id: '%s' "
				    "(for '%.*s') is itself mapped on line %ld: "
				    "a chain or a cycle, ids are mapped once",
				    path, m->line[e], nv, (int)ko, k,
				    m->line[*crm_strmap_val(&m->ids, h)]);
			goto fail;
		}
	}
	crm_reader_close(r);
	return m;
fail:
	crm_reader_close(r);
	crm_idmap_free(m);
	return NULL;
}

/* ---- re-keying a store file ---- */

struct rekey {
	const struct crm_idmap *m;
	const char *path;
	int col;                /* the column, -1 until the header is read */
	int fd;                 /* the new file */
	struct crm_buf out, scratch;
	struct crm_field *f;
	long line;              /* of the next line */
	long refused;           /* first line over a cap, 0 none */
	char why[256];
	int ioerr;              /* errno of a failed write, 0 none */
	unsigned long long records, changed;
	const char *column;
};

static void
flush_out(struct rekey *k, int all)
{
	const char *p = k->out.p;
	size_t n = k->out.n;

	if (k->ioerr || (!all && n < (1u << 20)))
		return;
	while (n) {
		ssize_t w = write(k->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			k->ioerr = w < 0 ? errno : ENOSPC;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	crm_buf_reset(&k->out);
}

static void
rk_header(void *ctx, char *p, size_t n)
{
	struct rekey *k = ctx;
	struct crm_field hf[4096];
	size_t nf;

	k->line = 2;
	if (!p)
		return;
	nf = crm_tsv_split(p, n, hf, 4095);
	for (size_t i = 0; i < nf && i < 4095; i++)
		if (hf[i].n == strlen(k->column) && !memcmp(hf[i].p,
		    k->column, hf[i].n))
			k->col = (int)i;
	crm_buf_add(&k->out, p, n);
	crm_buf_addc(&k->out, '\n');
}

static void
rk_block(void *ctx, char *p, size_t n)
{
	struct rekey *k = ctx;
	char *end = p + n;
	size_t max = (size_t)k->col + 1;

	if (k->col < 0)
		return;
	while (p < end) {
		char *le = memchr(p, '\n', (size_t)(end - p));
		size_t nf = crm_tsv_split(p, (size_t)(le - p), k->f, max);
		const char *nv = NULL;
		size_t nn = 0;

		k->records++;
		k->line++;
		if (nf >= max) {
			struct crm_field v = k->f[k->col];

			if (memchr(v.p, '\\', v.n)) {
				crm_buf_reset(&k->scratch);
				crm_buf_add(&k->scratch, v.p, v.n);
				v.p = k->scratch.p;
				v.n = crm_tsv_unescape(k->scratch.p,
				    k->scratch.n);
			}
			nv = crm_idmap_get(k->m, v.p, v.n, &nn);
		}
		if (nv) {
			struct crm_field v = k->f[k->col];

			crm_buf_add(&k->out, p, (size_t)(v.p - p));
			crm_tsv_escape(&k->out, nv, nn);
			crm_buf_add(&k->out, v.p + v.n,
			    (size_t)(le + 1 - (v.p + v.n)));
			k->changed++;
		} else {
			crm_buf_add(&k->out, p, (size_t)(le + 1 - p));
		}
		p = le + 1;
		flush_out(k, 0);
	}
}

static void
rk_refused(void *ctx, const char *why)
{
	struct rekey *k = ctx;

	if (!k->refused) {
		k->refused = k->line;
		snprintf(k->why, sizeof k->why, "%s", why);
	}
	k->line++;
}

int
crm_idmap_rekey_store(struct crm_store *s, const char *column,
    const struct crm_idmap *m, unsigned long long *records,
    unsigned long long *changed, char *err, size_t errlen)
{
	static const struct crm_lines_fn fn = { rk_header, rk_block,
		rk_refused };
	const char *path = crm_store_path(s);
	struct rekey k;
	size_t tail = 0;
	int rc = -1;

	memset(&k, 0, sizeof k);
	k.m = m;
	k.path = path;
	k.col = -1;
	k.column = column;
	crm_buf_init(&k.out);
	crm_buf_init(&k.scratch);
	k.f = crm_xcalloc(4096, sizeof *k.f);
	if ((k.fd = crm_store_rewrite_begin(s, err, errlen)) < 0)
		goto out;
	if (lseek(crm_store_fd(s), 0, SEEK_SET) < 0 ||
	    crm_lines_read(crm_store_fd(s), (long long)crm_store_size(s), 0,
	    1, &fn, &k, &tail) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto abort;
	}
	if (k.col < 0) {
		snprintf(err, errlen, "%s:1: no column %s", path, column);
		goto abort;
	}
	if (k.refused) {
		/* a rewrite must not drop what the readers leave out */
		snprintf(err, errlen, "%s:%ld: %s: not re-keyed, the file is "
		    "left as it was", path, k.refused, k.why);
		goto abort;
	}
	if (tail) {
		snprintf(err, errlen, "%s: torn last line", path);
		goto abort;
	}
	*records = k.records;
	*changed = k.changed;
	if (!k.changed) {
		crm_store_rewrite_abort(s);
		rc = 0;
		goto out;
	}
	flush_out(&k, 1);
	if (k.ioerr) {
		snprintf(err, errlen, "%s: write error in the new file: %s",
		    path, strerror(k.ioerr));
		goto abort;
	}
	rc = crm_store_rewrite_commit(s, err, errlen);
	goto out;
abort:
	crm_store_rewrite_abort(s);
out:
	crm_buf_release(&k.out);
	crm_buf_release(&k.scratch);
	free(k.f);
	return rc;
}
