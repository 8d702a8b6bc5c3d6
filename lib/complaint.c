/*
 * complaint: event fold, SLA policy and priority, and the triage rule
 * engine with its literal prefilter.
 */
#include "complaint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds.h"
#include "rec.h"
#include "util.h"
#include "value.h"

static const char *const status_names[] = {
	"open", "assigned", "responded", "resolved", "closed", "reopened"
};

const char *
crm_complaint_status_name(int status)
{
	if (status < 0 || status > CRM_CS_REOPENED)
		return "";
	return status_names[status];
}

int
crm_complaint_status_active(int status)
{
	return status != CRM_CS_RESOLVED && status != CRM_CS_CLOSED;
}

const char *
crm_complaint_check(const struct crm_complaint *c, int event)
{
	static char why[64];

	if (event == CRM_CE_OPEN)
		return c ? "complaint is already open" : NULL;
	if (!c)
		return "complaint was not opened";
	switch (event) {
	case CRM_CE_CLASSIFY:
	case CRM_CE_ASSIGN:
	case CRM_CE_RESPOND:
	case CRM_CE_RESOLVE:
		if (crm_complaint_status_active(c->status))
			return NULL;
		break;
	case CRM_CE_REOPEN:
		if (!crm_complaint_status_active(c->status))
			return NULL;
		break;
	case CRM_CE_CLOSE:
		if (c->status == CRM_CS_RESOLVED)
			return NULL;
		break;
	default:
		return "unknown event";
	}
	snprintf(why, sizeof why, "complaint is %s",
	    crm_complaint_status_name(c->status));
	return why;
}

int
crm_complaint_cols_find(struct crm_complaint_cols *c, struct crm_reader *r,
    char *err, size_t errlen)
{
	c->id = crm_reader_col(r, "complaint_id");
	c->ts = crm_reader_col(r, "ts");
	c->event = crm_reader_col(r, "event");
	c->customer_id = crm_reader_col(r, "customer_id");
	c->status = crm_reader_col(r, "status");
	c->category = crm_reader_col(r, "category");
	c->cause = crm_reader_col(r, "cause");
	c->severity = crm_reader_col(r, "severity");
	c->priority = crm_reader_col(r, "priority");
	c->channel = crm_reader_col(r, "channel");
	c->agent = crm_reader_col(r, "agent");
	c->due_response = crm_reader_col(r, "due_response");
	c->due_resolve = crm_reader_col(r, "due_resolve");
	c->satisfaction = crm_reader_col(r, "satisfaction");
	c->text = crm_reader_col(r, "text");
	if (c->id < 0 || c->ts < 0 || c->event < 0) {
		snprintf(err, errlen, "%s: no %s column", crm_reader_name(r),
		    c->id < 0 ? "complaint_id" : c->ts < 0 ? "ts" : "event");
		return -1;
	}
	return 0;
}

struct crm_complaint_fold {
	struct crm_complaint **v;
	size_t n, alloc;
	struct crm_complaint **tab;     /* open addressing by id */
	size_t tabsize;                 /* power of two, > 2n */
	int64_t until;
	int has_until;
};

struct crm_complaint_fold *
crm_complaint_fold_new(void)
{
	struct crm_complaint_fold *f = crm_xcalloc(1, sizeof *f);

	f->tabsize = 64;
	f->tab = crm_xcalloc(f->tabsize, sizeof *f->tab);
	return f;
}

static void
complaint_free(struct crm_complaint *c)
{
	free(c->id);
	free(c->customer_id);
	free(c->channel);
	free(c->category);
	free(c->cause);
	free(c->owner);
	free(c->text);
	free(c);
}

void
crm_complaint_fold_free(struct crm_complaint_fold *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		complaint_free(f->v[i]);
	free(f->v);
	free(f->tab);
	free(f);
}

void
crm_complaint_fold_until(struct crm_complaint_fold *f, int64_t t)
{
	f->until = t;
	f->has_until = 1;
}

static size_t
hash_str(const char *s)
{
	size_t h = 1469598103934665603ULL & (size_t)-1;

	while (*s)
		h = (h ^ (unsigned char)*s++) * (size_t)1099511628211ULL;
	return h;
}

static struct crm_complaint **
slot(struct crm_complaint_fold *f, const char *id)
{
	size_t m = f->tabsize - 1, i = hash_str(id) & m;

	while (f->tab[i] && strcmp(f->tab[i]->id, id))
		i = (i + 1) & m;
	return &f->tab[i];
}

struct crm_complaint *
crm_complaint_fold_find(struct crm_complaint_fold *f, const char *id)
{
	return *slot(f, id);
}

static void
insert(struct crm_complaint_fold *f, struct crm_complaint *c)
{
	if (2 * (f->n + 1) >= f->tabsize) {
		struct crm_complaint **old = f->tab;
		size_t oldsize = f->tabsize;

		f->tabsize = crm_mulsz(f->tabsize, 2);
		f->tab = crm_xcalloc(f->tabsize, sizeof *f->tab);
		for (size_t i = 0; i < oldsize; i++)
			if (old[i])
				*slot(f, old[i]->id) = old[i];
		free(old);
	}
	*slot(f, c->id) = c;
	crm_grow(&f->v, &f->alloc, f->n + 1, sizeof *f->v);
	f->v[f->n++] = c;
}

size_t
crm_complaint_fold_count(const struct crm_complaint_fold *f)
{
	return f->n;
}

struct crm_complaint *
crm_complaint_fold_at(struct crm_complaint_fold *f, size_t i)
{
	return i < f->n ? f->v[i] : NULL;
}

static int
by_opened(const void *a, const void *b)
{
	const struct crm_complaint *x = *(const struct crm_complaint *const *)a;
	const struct crm_complaint *y = *(const struct crm_complaint *const *)b;

	if (x->opened != y->opened)
		return x->opened < y->opened ? -1 : 1;
	return strcmp(x->id, y->id);
}

void
crm_complaint_fold_sort(struct crm_complaint_fold *f)
{
	if (f->n > 1)
		qsort(f->v, f->n, sizeof *f->v, by_opened);
}

static int
by_customer(const void *a, const void *b)
{
	const struct crm_complaint *x = *(const struct crm_complaint *const *)a;
	const struct crm_complaint *y = *(const struct crm_complaint *const *)b;
	int d = strcmp(x->customer_id, y->customer_id);

	if (d)
		return d;
	return by_opened(a, b);
}

void
crm_complaint_fold_recent(struct crm_complaint_fold *f, int64_t window_s)
{
	struct crm_complaint **v;
	size_t lo = 0;

	if (f->n == 0)
		return;
	v = crm_xmalloc(crm_mulsz(f->n, sizeof *v));
	memcpy(v, f->v, f->n * sizeof *v);
	qsort(v, f->n, sizeof *v, by_customer);
	for (size_t i = 0; i < f->n; i++) {
		if (!*v[i]->customer_id) {
			v[i]->recent = 1;
			lo = i + 1;
			continue;
		}
		if (i == 0 || strcmp(v[i - 1]->customer_id, v[i]->customer_id))
			lo = i;
		while (v[lo]->opened <= v[i]->opened - window_s)
			lo++;
		v[i]->recent = i - lo + 1;
	}
	free(v);
}

/* Field col of rec, or NULL when the column is absent or the field empty. */
static const char *
fld(const struct crm_rec *rec, int col, size_t *n)
{
	const char *s;

	if (col < 0 || (size_t)col >= rec->nf || rec->f[col].n == 0)
		return NULL;
	s = rec->f[col].p;
	*n = rec->f[col].n;
	crm_trim(&s, n);
	return *n ? s : NULL;
}

static void
setstr(char **dst, const char *s, size_t n)
{
	free(*dst);
	*dst = crm_xstrndup(s, n);
}

int
crm_complaint_fold_add(struct crm_complaint_fold *f,
    const struct crm_complaint_cols *cols, const struct crm_rec *rec,
    const char **why, int *col)
{
	const char *id, *s, *r;
	size_t idn, n;
	int64_t t, due_resp = CRM_COMPLAINT_NOTIME, due_res = CRM_COMPLAINT_NOTIME;
	int64_t v;
	int off, ev, sev = -1, prio = 0, sat = 0, dummy;
	struct crm_complaint *c;
	char *key;

#define FAIL(c_, w_) do { *col = (c_); *why = (w_); return -1; } while (0)
	if ((id = fld(rec, cols->id, &idn)) == NULL)
		FAIL(cols->id, "missing complaint_id");
	if ((s = fld(rec, cols->ts, &n)) == NULL)
		FAIL(cols->ts, "missing timestamp");
	if ((r = crm_ts_parse(s, n, 0, &t, &off)) != NULL)
		FAIL(cols->ts, r);
	if ((s = fld(rec, cols->event, &n)) == NULL)
		FAIL(cols->event, "missing event");
	if ((ev = crm_vocab_index(crm_vocab_event, s, n)) < 0)
		FAIL(cols->event, "unknown event");
	if ((s = fld(rec, cols->severity, &n)) != NULL &&
	    (sev = crm_vocab_index(crm_vocab_severity, s, n)) < 0)
		FAIL(cols->severity, "unknown severity");
	if ((s = fld(rec, cols->cause, &n)) != NULL &&
	    crm_vocab_index(crm_vocab_cause, s, n) < 0)
		FAIL(cols->cause, "unknown cause");
	if ((s = fld(rec, cols->channel, &n)) != NULL &&
	    crm_vocab_index(crm_vocab_channel, s, n) < 0)
		FAIL(cols->channel, "unknown channel");
	if ((s = fld(rec, cols->priority, &n)) != NULL) {
		if ((r = crm_int_parse(s, n, 1, 4, &v)) != NULL)
			FAIL(cols->priority, r);
		prio = (int)v;
	}
	if ((s = fld(rec, cols->satisfaction, &n)) != NULL) {
		if ((r = crm_int_parse(s, n, 1, 5, &v)) != NULL)
			FAIL(cols->satisfaction, r);
		sat = (int)v;
	}
	if ((s = fld(rec, cols->due_response, &n)) != NULL &&
	    (r = crm_ts_parse(s, n, 0, &due_resp, &dummy)) != NULL)
		FAIL(cols->due_response, r);
	if ((s = fld(rec, cols->due_resolve, &n)) != NULL &&
	    (r = crm_ts_parse(s, n, 0, &due_res, &dummy)) != NULL)
		FAIL(cols->due_resolve, r);
	if (f->has_until && t > f->until)
		return 1;

	key = crm_xstrndup(id, idn);
	c = crm_complaint_fold_find(f, key);
	if ((r = crm_complaint_check(c, ev)) != NULL) {
		free(key);
		FAIL(cols->event, r);
	}
#undef FAIL
	if (!c) {
		c = crm_xcalloc(1, sizeof *c);
		c->id = key;
		c->customer_id = crm_xstrdup("");
		c->channel = crm_xstrdup("");
		c->category = crm_xstrdup("");
		c->cause = crm_xstrdup("");
		c->owner = crm_xstrdup("");
		c->text = crm_xstrdup("");
		c->status = CRM_CS_OPEN;
		c->severity = -1;
		c->opened = t;
		c->opened_off = off;
		c->responded = c->resolved = c->closed = CRM_COMPLAINT_NOTIME;
		c->due_response = c->due_resolve = CRM_COMPLAINT_NOTIME;
		c->recent = 1;
		insert(f, c);
	} else {
		free(key);
	}
	c->events++;
	c->last = t;
	if ((s = fld(rec, cols->customer_id, &n)) != NULL)
		setstr(&c->customer_id, s, n);
	if ((s = fld(rec, cols->channel, &n)) != NULL)
		setstr(&c->channel, s, n);
	if ((s = fld(rec, cols->category, &n)) != NULL)
		setstr(&c->category, s, n);
	if ((s = fld(rec, cols->cause, &n)) != NULL)
		setstr(&c->cause, s, n);
	if (sev >= 0)
		c->severity = sev;
	if (prio)
		c->priority = prio;
	if (due_resp != CRM_COMPLAINT_NOTIME)
		c->due_response = due_resp;
	if (due_res != CRM_COMPLAINT_NOTIME)
		c->due_resolve = due_res;
	s = fld(rec, cols->agent, &n);
	switch (ev) {
	case CRM_CE_OPEN:
		if (s)
			setstr(&c->owner, s, n);
		if ((s = fld(rec, cols->text, &n)) != NULL)
			setstr(&c->text, s, n);
		break;
	case CRM_CE_ASSIGN:
		if (s)
			setstr(&c->owner, s, n);
		if (c->status == CRM_CS_OPEN || c->status == CRM_CS_REOPENED)
			c->status = CRM_CS_ASSIGNED;
		break;
	case CRM_CE_RESPOND:
		if (s && !*c->owner)
			setstr(&c->owner, s, n);
		if (c->responded == CRM_COMPLAINT_NOTIME)
			c->responded = t;
		c->status = CRM_CS_RESPONDED;
		break;
	case CRM_CE_RESOLVE:
		c->resolved = t;
		if (sat)
			c->satisfaction = sat;
		c->status = CRM_CS_RESOLVED;
		break;
	case CRM_CE_REOPEN:
		c->reopens++;
		c->resolved = CRM_COMPLAINT_NOTIME;
		c->closed = CRM_COMPLAINT_NOTIME;
		c->satisfaction = 0;
		c->status = CRM_CS_REOPENED;
		break;
	case CRM_CE_CLOSE:
		c->closed = t;
		if (sat)
			c->satisfaction = sat;
		c->status = CRM_CS_CLOSED;
		break;
	default:
		break;
	}
	return 0;
}

long
crm_complaint_fold_file(struct crm_complaint_fold *f, const char *path,
    void (*warn)(void *ctx, const char *msg), void *ctx, char *err,
    size_t errlen)
{
	struct crm_read_opts o = { 0 };
	struct crm_complaint_cols cols;
	struct crm_reader *r;
	struct crm_rec rec;
	long bad = 0;
	int rc, col;
	const char *why;

	o.format = CRM_IN_AUTO;
	if ((r = crm_reader_open(path, &o, err, errlen)) == NULL)
		return -1;
	if (!crm_reader_header(r)) {
		const char *e = crm_reader_error(r);

		if (e && *e)
			snprintf(err, errlen, "%s", e);
		else
			snprintf(err, errlen, "%s: empty file, no header",
			    crm_reader_name(r));
		crm_reader_close(r);
		return -1;
	}
	if (crm_complaint_cols_find(&cols, r, err, errlen) < 0) {
		crm_reader_close(r);
		return -1;
	}
	while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF) {
		if (rc == CRM_READ_FATAL) {
			snprintf(err, errlen, "%s", crm_reader_error(r));
			crm_reader_close(r);
			return -1;
		}
		if (rc == CRM_READ_BAD) {
			bad++;
			warn(ctx, crm_reader_error(r));
			continue;
		}
		if (crm_complaint_fold_add(f, &cols, &rec, &why, &col) < 0) {
			const char *val = col >= 0 && (size_t)col < rec.nf ?
			    rec.f[col].p : NULL;

			bad++;
			warn(ctx, crm_reader_seterr(r, rec.line, col, val,
			    val ? rec.f[col].n : 0, "%s", why));
		}
	}
	crm_reader_close(r);
	return bad;
}

void
crm_complaint_policy_init(struct crm_complaint_policy *p)
{
	for (int i = 0; i < 4; i++)
		p->response_h[i] = 24;
	p->resolve_h[0] = 72;
	p->resolve_h[1] = 72;
	p->resolve_h[2] = 48;
	p->resolve_h[3] = 24;
	p->repeat_count = 3;
	p->repeat_days = 90;
}

const char *
crm_complaint_policy_set(struct crm_complaint_policy *p, const char *kv)
{
	const char *k = kv, *v;
	size_t kn, vn;
	int64_t x;
	long *arr = NULL;
	int sev = -1;

	while (*k == ' ' || *k == '\t')
		k++;
	kn = strcspn(k, " \t=");
	v = k + kn;
	while (*v == ' ' || *v == '\t' || *v == '=')
		v++;
	vn = strlen(v);
	while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t' ||
	    v[vn - 1] == '\r'))
		vn--;
	if (kn == 12 && !memcmp(k, "repeat_count", 12)) {
		if (crm_int_parse(v, vn, 1, 1000000, &x))
			return "repeat_count must be 1..1000000";
		p->repeat_count = (long)x;
		return NULL;
	}
	if (kn == 11 && !memcmp(k, "repeat_days", 11)) {
		if (crm_int_parse(v, vn, 1, 36500, &x))
			return "repeat_days must be 1..36500";
		p->repeat_days = (long)x;
		return NULL;
	}
	if (kn >= 8 && !memcmp(k, "response", 8)) {
		arr = p->response_h;
		k += 8;
		kn -= 8;
	} else if (kn >= 7 && !memcmp(k, "resolve", 7)) {
		arr = p->resolve_h;
		k += 7;
		kn -= 7;
	} else {
		return "unknown policy key";
	}
	if (kn) {
		if (*k != '.' ||
		    (sev = crm_vocab_index(crm_vocab_severity, k + 1, kn - 1)) < 0)
			return "unknown policy key";
	}
	if (crm_int_parse(v, vn, 1, 87600, &x))
		return "hours must be 1..87600";
	for (int i = 0; i < 4; i++)
		if (sev < 0 || sev == i)
			arr[i] = (long)x;
	return NULL;
}

int
crm_complaint_policy_load(struct crm_complaint_policy *p, const char *path,
    char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	ssize_t len;

	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, fp)) >= 0) {
		const char *s = line, *why;

		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#' || *s == '\r')
			continue;
		if ((why = crm_complaint_policy_set(p, s)) != NULL) {
			snprintf(err, errlen, "%s:%ld: %s '%s'", path, lineno,
			    why, s);
			free(line);
			fclose(fp);
			return -1;
		}
	}
	free(line);
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: read error", path);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	return 0;
}

int
crm_complaint_priority(int severity, unsigned raise)
{
	int p;

	if (severity < 0 || severity > 3)
		severity = 1;
	p = 4 - severity;
	for (unsigned m = raise & 0xfu; m; m &= m - 1)
		p--;
	return p < 1 ? 1 : p;
}

int
crm_complaint_channel_public(const char *channel)
{
	return channel && (!strcmp(channel, "social") ||
	    !strcmp(channel, "forum"));
}
