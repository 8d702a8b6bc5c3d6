/*
 * complaint: event fold, SLA policy and priority, and the triage rule
 * engine with its literal prefilter.
 */
#include "complaint.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds.h"
#include "nb.h"
#include "re.h"
#include "rec.h"
#include "strmap.h"
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

/* The complaint columns by name, and where each goes in the cols. */
static const struct {
	const char *name;
	size_t off;
} col_names[] = {
#define COL(n, m) { n, offsetof(struct crm_complaint_cols, m) }
	COL("complaint_id", id), COL("ts", ts), COL("event", event),
	COL("customer_id", customer_id), COL("status", status),
	COL("category", category), COL("cause", cause),
	COL("severity", severity), COL("priority", priority),
	COL("channel", channel), COL("agent", agent),
	COL("due_response", due_response), COL("due_resolve", due_resolve),
	COL("satisfaction", satisfaction), COL("text", text)
#undef COL
};

/* Set every column of c by lookup(ctx, name); 0, or -1 when a required one
 * is missing (*missing is then its name). */
static int
cols_by(struct crm_complaint_cols *c, int (*lookup)(void *, const char *),
    void *ctx, const char **missing)
{
	for (size_t i = 0; i < sizeof col_names / sizeof *col_names; i++)
		*(int *)(void *)((char *)c + col_names[i].off) =
		    lookup(ctx, col_names[i].name);
	*missing = c->id < 0 ? "complaint_id" : c->ts < 0 ? "ts" :
	    c->event < 0 ? "event" : NULL;
	return *missing ? -1 : 0;
}

static int
reader_lookup(void *ctx, const char *name)
{
	return crm_reader_col(ctx, name);
}

int
crm_complaint_cols_find(struct crm_complaint_cols *c, struct crm_reader *r,
    char *err, size_t errlen)
{
	const char *missing;

	if (cols_by(c, reader_lookup, r, &missing) < 0) {
		snprintf(err, errlen, "%s: no %s column", crm_reader_name(r),
		    missing);
		return -1;
	}
	return 0;
}

struct names {
	const char *const *v;
	size_t n;
};

static int
names_lookup(void *ctx, const char *name)
{
	const struct names *nm = ctx;

	for (size_t i = 0; i < nm->n; i++)
		if (!strcmp(nm->v[i], name))
			return (int)i;
	return -1;
}

int
crm_complaint_cols_names(struct crm_complaint_cols *c,
    const char *const *names, size_t n)
{
	struct names nm = { names, n };
	const char *missing;

	return cols_by(c, names_lookup, &nm, &missing);
}

struct crm_complaint_fold {
	struct crm_complaint **v;
	size_t n, alloc;
	struct crm_strmap ids;          /* id -> its slot, the index into v */
	int64_t until;
	int has_until;
	int ordered;            /* refuse an event before its complaint's last */
};

struct crm_complaint_fold *
crm_complaint_fold_new(void)
{
	struct crm_complaint_fold *f = crm_xcalloc(1, sizeof *f);

	crm_strmap_init(&f->ids);
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
	free(c->graded_category);
	free(c->graded_cause);
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
	crm_strmap_release(&f->ids);
	free(f);
}

void
crm_complaint_fold_until(struct crm_complaint_fold *f, int64_t t)
{
	f->until = t;
	f->has_until = 1;
}

void
crm_complaint_fold_ordered(struct crm_complaint_fold *f)
{
	f->ordered = 1;
}

const char *
crm_complaint_check_time(const struct crm_complaint *c, int64_t t, int off)
{
	static char why[96];
	char ts[32], last[32];

	if (!c || t >= c->last)
		return NULL;
	crm_ts_format(t, off, ts);
	crm_ts_format(c->last, c->last_off, last);
	snprintf(why, sizeof why, "%s is before its last event at %s", ts,
	    last);
	return why;
}

struct crm_complaint *
crm_complaint_fold_find(struct crm_complaint_fold *f, const char *id)
{
	size_t i = crm_strmap_find(&f->ids, id, strlen(id));

	return i == CRM_STRMAP_NONE ? NULL : f->v[i];
}

/* Add c, whose id is new; slots and v keep the order of first events. */
static void
insert(struct crm_complaint_fold *f, struct crm_complaint *c)
{
	crm_strmap_add(&f->ids, c->id, strlen(c->id), NULL);
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
	if ((id = crm_rec_get(rec, cols->id, &idn)) == NULL)
		FAIL(cols->id, "missing complaint_id");
	if ((s = crm_rec_get(rec, cols->ts, &n)) == NULL)
		FAIL(cols->ts, "missing timestamp");
	if ((r = crm_ts_parse(s, n, 0, &t, &off)) != NULL)
		FAIL(cols->ts, r);
	if ((s = crm_rec_get(rec, cols->event, &n)) == NULL)
		FAIL(cols->event, "missing event");
	if ((ev = crm_vocab_index(crm_vocab_event, s, n)) < 0)
		FAIL(cols->event, "unknown event");
	if ((s = crm_rec_get(rec, cols->severity, &n)) != NULL &&
	    (sev = crm_vocab_index(crm_vocab_severity, s, n)) < 0)
		FAIL(cols->severity, "unknown severity");
	if ((s = crm_rec_get(rec, cols->cause, &n)) != NULL &&
	    crm_vocab_index(crm_vocab_cause, s, n) < 0)
		FAIL(cols->cause, "unknown cause");
	if ((s = crm_rec_get(rec, cols->channel, &n)) != NULL &&
	    crm_vocab_index(crm_vocab_channel, s, n) < 0)
		FAIL(cols->channel, "unknown channel");
	if ((s = crm_rec_get(rec, cols->priority, &n)) != NULL) {
		if ((r = crm_int_parse(s, n, 1, 4, &v)) != NULL)
			FAIL(cols->priority, r);
		prio = (int)v;
	}
	if ((s = crm_rec_get(rec, cols->satisfaction, &n)) != NULL) {
		if ((r = crm_int_parse(s, n, 1, 5, &v)) != NULL)
			FAIL(cols->satisfaction, r);
		sat = (int)v;
	}
	if ((s = crm_rec_get(rec, cols->due_response, &n)) != NULL &&
	    (r = crm_ts_parse(s, n, 0, &due_resp, &dummy)) != NULL)
		FAIL(cols->due_response, r);
	if ((s = crm_rec_get(rec, cols->due_resolve, &n)) != NULL &&
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
	if (f->ordered && (r = crm_complaint_check_time(c, t, off)) != NULL) {
		free(key);
		FAIL(cols->ts, r);
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
		c->graded_category = crm_xstrdup("");
		c->graded_cause = crm_xstrdup("");
		c->graded_severity = -1;
		c->status = CRM_CS_OPEN;
		c->severity = -1;
		c->opened = t;
		c->opened_off = off;
		c->responded = c->resolved = c->closed = CRM_COMPLAINT_NOTIME;
		c->reopened = CRM_COMPLAINT_NOTIME;
		c->due_response = c->due_resolve = CRM_COMPLAINT_NOTIME;
		c->recent = 1;
		insert(f, c);
	} else {
		free(key);
	}
	c->events++;
	c->last = t;
	c->last_off = off;
	if ((s = crm_rec_get(rec, cols->customer_id, &n)) != NULL)
		setstr(&c->customer_id, s, n);
	if ((s = crm_rec_get(rec, cols->channel, &n)) != NULL)
		setstr(&c->channel, s, n);
	if ((s = crm_rec_get(rec, cols->category, &n)) != NULL)
		setstr(&c->category, s, n);
	if ((s = crm_rec_get(rec, cols->cause, &n)) != NULL)
		setstr(&c->cause, s, n);
	if (sev >= 0)
		c->severity = sev;
	if (prio)
		c->priority = prio;
	if (due_resp != CRM_COMPLAINT_NOTIME)
		c->due_response = due_resp;
	if (due_res != CRM_COMPLAINT_NOTIME)
		c->due_resolve = due_res;
	s = crm_rec_get(rec, cols->agent, &n);
	switch (ev) {
	case CRM_CE_OPEN:
		if (s)
			setstr(&c->owner, s, n);
		if ((s = crm_rec_get(rec, cols->text, &n)) != NULL)
			setstr(&c->text, s, n);
		break;
	case CRM_CE_CLASSIFY:
		if ((s = crm_rec_get(rec, cols->category, &n)) != NULL) {
			setstr(&c->graded_category, s, n);
			if ((s = crm_rec_get(rec, cols->cause, &n)) == NULL)
				s = "", n = 0;
			setstr(&c->graded_cause, s, n);
			c->graded_severity = sev;
		}
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
		/* A resolution that came before any response answered the
		 * customer: it is the first response, and a reopening, which
		 * clears the resolution, must not take that back. */
		if (c->responded == CRM_COMPLAINT_NOTIME)
			c->responded = t;
		c->resolved = t;
		if (sat)
			c->satisfaction = sat;
		c->status = CRM_CS_RESOLVED;
		break;
	case CRM_CE_REOPEN:
		c->reopens++;
		c->reopened = t;
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

/* store: read path as a store file (rec.h, opts.store), the caller holding
 * no lock on it. */
static long
fold_read(struct crm_complaint_fold *f, const char *path, int store,
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
	o.store = store;
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
			if (warn)
				warn(ctx, crm_reader_error(r));
			continue;
		}
		if (crm_complaint_fold_add(f, &cols, &rec, &why, &col) < 0) {
			const char *val = col >= 0 && (size_t)col < rec.nf ?
			    rec.f[col].p : NULL;

			bad++;
			if (warn)
				warn(ctx, crm_reader_seterr(r, rec.line, col,
				    val, val ? rec.f[col].n : 0, "%s", why));
		}
	}
	if (store)
		crm_reader_torn_warn(r);
	crm_reader_close(r);
	return bad;
}

long
crm_complaint_fold_file(struct crm_complaint_fold *f, const char *path,
    void (*warn)(void *ctx, const char *msg), void *ctx, char *err,
    size_t errlen)
{
	return fold_read(f, path, 0, warn, ctx, err, errlen);
}

long
crm_complaint_fold_store(struct crm_complaint_fold *f, const char *path,
    void (*warn)(void *ctx, const char *msg), void *ctx, char *err,
    size_t errlen)
{
	return fold_read(f, path, 1, warn, ctx, err, errlen);
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

/*
 * The triage rules.  Running every rule's PCRE2 match on every text costs
 * one pattern search per rule; most rules cannot match most texts, so each
 * rule gets, where its pattern allows, one literal per top-level branch
 * that any match must contain.  A text is scanned once: every position's
 * first two (ASCII-folded) bytes index the literals that start with them,
 * and only the rules with a literal present (plus the rules that have no
 * literal) are run.  The answer is the same as running every rule.
 *
 * A rule of many branches (rules are written as long alternations of the
 * ways customers say one thing) is also compiled branch by branch, and
 * only the branches whose literal the text holds are run: one long
 * alternation tried at every position of the text costs more than the
 * few short patterns that can match.  A branch that is nothing but its
 * literal matches when the literal is found, without a pattern run.  Rules
 * whose branches refer to each other (back references, conditions,
 * recursion, named groups) run whole.
 */
struct rule {
	char *id;
	char *pattern;
	char *category;
	char *cause;
	int severity;
	long weight;
	long line;
	int layer;              /* the file it came from: 0 the first added */
	struct crm_re *re;
	int fold;               /* caseless literals */
	size_t b0, nb;          /* its branches in rs->br (nb 0: run whole) */
	size_t clo, chi;        /* the candidate branches of this text lie in
	                           [clo, chi): a rule of hundreds of branches
	                           is not walked whole for the one it holds */
};

/* One branch of a split rule. */
struct branch {
	struct crm_re *re;
	int pure;               /* the branch is its literal */
	unsigned char cand;     /* a candidate for this text */
};

#define NO_BRANCH ((size_t)-1)

struct lit {
	char *p;
	size_t n;
	size_t rule;
	size_t br;              /* its branch in rs->br, or NO_BRANCH */
	uint32_t pre;           /* p's first four bytes (n >= 4), as the word
	                           they load as: one compare rules most out */
};

struct crm_complaint_rules {
	struct rule *r;
	size_t n, alloc;
	struct lit *lits;
	size_t nlits, alits;
	uint32_t *start;        /* 65537 bucket starts into lits, by key */
	uint64_t bits[1024];    /* non-empty buckets */
	size_t *always;         /* rules without literals */
	size_t nalways;
	int any_fold;
	unsigned char *cand;    /* per rule: a candidate for this text */
	unsigned char *sure;    /* per rule: a pure branch was found */
	struct branch *br;
	size_t nbr, abr;
	size_t *list;           /* candidates, then the matched rules */
	size_t nlist;
	const char *err;
	struct crm_strmap ids;  /* rule id -> its slot, the index into r */
	int layers;             /* files added */
	int built;              /* the literal index is that of r[0..n) */
	unsigned long limit;    /* crm_complaint_rules_limit, 0 none */
};

static unsigned char fold_tab[256];

static void
fold_init(void)
{
	for (int i = 0; i < 256; i++)
		fold_tab[i] = (unsigned char)(i >= 'A' && i <= 'Z' ? i + 32 : i);
}

static size_t
utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* Skip a group or class starting at p[0] ('(' or '['); NULL when unclosed. */
static const char *
skip_class(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p && *p != ']') {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '[' && p[1] == ':') {
			const char *e = strstr(p + 2, ":]");
			if (e)
				p = e + 1;
		}
		p++;
	}
	return *p ? p + 1 : NULL;
}

static const char *
skip_group(const char *p)
{
	int depth = 0;

	while (*p) {
		if (*p == '\\') {
			if (!p[1])
				return NULL;
			p += 2;
			continue;
		}
		if (*p == '[') {
			if ((p = skip_class(p)) == NULL)
				return NULL;
			continue;
		}
		if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
		p++;
	}
	return NULL;
}

/* A {n}, {n,}, {n,m} quantifier at p: its length, *min set; 0 if not one. */
static size_t
brace_quant(const char *p, long *min)
{
	const char *q = p + 1;

	if (*p != '{' || !(*q >= '0' && *q <= '9'))
		return 0;
	*min = strtol(q, (char **)&q, 10);
	if (*q == ',') {
		q++;
		while (*q >= '0' && *q <= '9')
			q++;
	}
	return *q == '}' ? (size_t)(q - p + 1) : 0;
}

/* Skip a quantifier after an atom (and its lazy or possessive mark). */
static const char *
skip_quant(const char *p)
{
	long min;
	size_t k;

	if (*p == '*' || *p == '+' || *p == '?')
		p++;
	else if ((k = brace_quant(p, &min)) != 0)
		p += k;
	else
		return p;
	if (*p == '?' || *p == '+')
		p++;
	return p;
}

struct litscan {
	struct crm_buf run, best;
	size_t last;            /* start of the last character of run */
};

static void
run_end(struct litscan *ls)
{
	if (ls->run.n > ls->best.n) {
		crm_buf_reset(&ls->best);
		crm_buf_add(&ls->best, ls->run.p, ls->run.n);
	}
	crm_buf_reset(&ls->run);
}

static int
fold_ok(const unsigned char *c, size_t k)
{
	/* U+3000..U+9FFF (CJK, kana, punctuation) have no case. */
	return k == 1 || (k == 3 && c[0] >= 0xe3 && c[0] <= 0xe9);
}

/*
 * Compile the n branches of rule ri (bstart[i], blen[i] bytes, caseless
 * with fold) into rs->br; the rule keeps running whole when its pattern
 * has syntax whose branches depend on each other, or a branch does not
 * compile alone.
 */
static void
split_rule(struct crm_complaint_rules *rs, size_t ri, int fold,
    const char *const *bstart, const size_t *blen, const size_t *bpure,
    size_t n)
{
	static const char *const joint[] = {
		"\\1", "\\2", "\\3", "\\4", "\\5", "\\6", "\\7", "\\8", "\\9",
		"\\g", "\\k", "(?|", "(?(", "(?R", "(?P", "(?&", "(?<", "(?'", "(?+",
		"(?-", "(?0", "(?1", "(?2", "(?3", "(?4", "(?5", "(?6", "(?7",
		"(?8", "(?9"
	};
	struct crm_buf one;
	size_t b0 = rs->nbr;

	crm_buf_init(&one);
	for (size_t i = 0; i < n; i++) {
		crm_buf_reset(&one);
		crm_buf_add(&one, bstart[i], blen[i]);
		for (size_t j = 0; j < sizeof joint / sizeof *joint; j++) {
			const char *q = strstr(one.p, joint[j]);
			/* (?<= and (?<! are lookbehinds, not names */
			while (q && !strcmp(joint[j], "(?<") &&
			    (q[3] == '=' || q[3] == '!'))
				q = strstr(q + 1, joint[j]);
			if (q)
				goto whole;
		}
	}
	for (size_t i = 0; i < n; i++) {
		char cerr[160];
		struct branch *br;

		crm_buf_reset(&one);
		if (fold)
			crm_buf_adds(&one, "(?i)");
		crm_buf_add(&one, bstart[i], blen[i]);
		crm_grow(&rs->br, &rs->abr, rs->nbr + 1, sizeof *rs->br);
		br = &rs->br[rs->nbr];
		br->re = crm_re_compile(one.p, 0, cerr, sizeof cerr);
		br->pure = (int)bpure[i];
		br->cand = 0;
		if (!br->re)
			goto whole;
		rs->nbr++;
	}
	rs->r[ri].b0 = b0;
	rs->r[ri].nb = n;
	crm_buf_release(&one);
	return;
whole:
	while (rs->nbr > b0)
		crm_re_free(rs->br[--rs->nbr].re);
	crm_buf_release(&one);
}

/*
 * Add to rs the literals of pattern (the rule index ri): one per top-level
 * branch, the longest run of literal characters that every match of that
 * branch contains.  Returns 0, or -1 (adding nothing) when some branch
 * has no such run of at least two bytes or the pattern uses syntax this
 * scanner does not follow.
 */
static int
rule_literals(struct crm_complaint_rules *rs, size_t ri, const char *pat)
{
	struct litscan ls;
	const char *p = pat;
	int fold = 0, ok = 0, pure = 1;
	struct crm_buf *lits;
	size_t nl = 0, al = 0;
	const char **bstart = NULL;
	size_t *blen = NULL, *bpure = NULL, ab = 0, ap = 0, apu = 0;
	const char *b = NULL;

	if (!strncmp(p, "(?i)", 4)) {
		fold = 1;
		p += 4;
	}
	if (strstr(p, "(?#") || strstr(p, "(*") || strstr(p, "\\Q") ||
	    strstr(p, "\\E"))
		return -1;
	crm_buf_init(&ls.run);
	crm_buf_init(&ls.best);
	ls.last = 0;
	lits = NULL;
	b = p;
	for (;;) {
		unsigned char c = (unsigned char)*p;

		if (c == '\0' || c == '|') {
			run_end(&ls);
			if (ls.best.n < 2)
				goto fail;
			crm_grow(&lits, &al, nl + 1, sizeof *lits);
			crm_grow(&bstart, &ab, nl + 1, sizeof *bstart);
			crm_grow(&blen, &ap, nl + 1, sizeof *blen);
			crm_grow(&bpure, &apu, nl + 1, sizeof *bpure);
			crm_buf_init(&lits[nl]);
			crm_buf_add(&lits[nl], ls.best.p, ls.best.n);
			bstart[nl] = b;
			blen[nl] = (size_t)(p - b);
			bpure[nl] = pure && blen[nl] == ls.best.n;
			nl++;
			crm_buf_reset(&ls.best);
			pure = 1;
			if (c == '\0')
				break;
			p++;
			b = p;
			continue;
		}
		if (strchr("()[].^$*+?{\\", c))
			pure = 0;
		if (c == '(') {
			const char *q = p + 1;

			if (*q == '?') {
				q++;
				while (*q && strchr("imnsxJU-^", *q))
					q++;
				if (*q == ')')
					goto fail;      /* option setting */
			}
			run_end(&ls);
			if ((p = skip_group(p)) == NULL)
				goto fail;
			p = skip_quant(p);
			continue;
		}
		if (c == '[') {
			run_end(&ls);
			if ((p = skip_class(p)) == NULL)
				goto fail;
			p = skip_quant(p);
			continue;
		}
		if (c == ')')
			goto fail;
		if (c == '.' || c == '^' || c == '$') {
			run_end(&ls);
			p = skip_quant(p + 1);
			continue;
		}
		if (c == '*' || c == '+' || c == '?' || c == '{') {
			long min = 1;
			size_t k = c == '{' ? brace_quant(p, &min) : 1;

			if (k == 0)
				goto literal;
			if (c == '*' || c == '?' || min == 0)
				ls.run.n = ls.last, ls.run.p[ls.run.n] = '\0';
			run_end(&ls);
			p = skip_quant(p);
			continue;
		}
	literal:
		if (c == '\\') {
			unsigned char e = (unsigned char)p[1];

			if (e == '\0')
				goto fail;
			if (e < 0x80 && ((e >= '0' && e <= '9') ||
			    ((e | 0x20) >= 'a' && (e | 0x20) <= 'z'))) {
				/* a class, an assertion or a code: not literal */
				run_end(&ls);
				p += 2;
				if (p[0] == '{' && strchr("pPxNgko", e)) {
					const char *q = strchr(p, '}');
					if (!q)
						goto fail;
					p = q + 1;
				} else if (e == 'x') {
					for (int i = 0; i < 2 && strchr(
					    "0123456789abcdefABCDEF", *p) &&
					    *p; i++)
						p++;
				} else if (e == 'c' && *p) {
					p++;
				} else if (e >= '0' && e <= '9') {
					while (*p >= '0' && *p <= '9')
						p++;
				}
				p = skip_quant(p);
				continue;
			}
			p++;
			c = e;
		}
		{
			size_t k = utf8_len(c), i;

			for (i = 1; i < k; i++)
				if (!p[i])
					goto fail;
			if (fold && !fold_ok((const unsigned char *)p, k)) {
				run_end(&ls);
				p += k;
				continue;
			}
			ls.last = ls.run.n;
			for (i = 0; i < k; i++)
				crm_buf_addc(&ls.run, fold ?
				    fold_tab[(unsigned char)p[i]] : p[i]);
			p += k;
		}
	}
	ok = 1;
	if (nl > 1)
		split_rule(rs, ri, fold, bstart, blen, bpure, nl);
fail:
	crm_buf_release(&ls.run);
	crm_buf_release(&ls.best);
	for (size_t i = 0; i < nl; i++) {
		if (ok) {
			crm_grow(&rs->lits, &rs->alits, rs->nlits + 1,
			    sizeof *rs->lits);
			rs->lits[rs->nlits].n = lits[i].n;
			rs->lits[rs->nlits].p = crm_buf_detach(&lits[i], NULL);
			rs->lits[rs->nlits].rule = ri;
			rs->lits[rs->nlits].br = rs->r[ri].nb ?
			    rs->r[ri].b0 + i : NO_BRANCH;
			rs->nlits++;
		} else {
			crm_buf_release(&lits[i]);
		}
	}
	free(lits);
	free(bstart);
	free(blen);
	free(bpure);
	rs->r[ri].fold = fold;
	return ok ? 0 : -1;
}

/* The bucket of a literal or of a text position: its first two bytes
 * (ASCII-folded), but the second and third for a three-byte character,
 * whose lead byte (U+0800..U+FFFF: 0xe0..0xef) says little: the CJK rules
 * would otherwise share a few dozen buckets.  Such keys have a
 * continuation byte (0x80..0xbf) first, which no other key has, since no
 * literal and no scanned position starts inside a character.  n > 2
 * where t[0] is a three-byte lead byte. */
static inline unsigned
key_of(const unsigned char *t)
{
	if ((t[0] & 0xf0) == 0xe0)
		return (unsigned)t[1] << 8 | t[2];
	return (unsigned)fold_tab[t[0]] << 8 | fold_tab[t[1]];
}

static unsigned
lit_key(const struct lit *l)
{
	return key_of((const unsigned char *)l->p);
}

static int
by_key(const void *a, const void *b)
{
	const struct lit *x = a, *y = b;
	unsigned kx = lit_key(x), ky = lit_key(y);

	if (kx != ky)
		return kx < ky ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static void
build_index(struct crm_complaint_rules *rs)
{
	size_t i = 0;

	if (rs->nlits > 1)
		qsort(rs->lits, rs->nlits, sizeof *rs->lits, by_key);
	rs->start = crm_xcalloc(65537, sizeof *rs->start);
	for (unsigned k = 0; k < 65536; k++) {
		rs->start[k] = (uint32_t)i;
		while (i < rs->nlits && lit_key(&rs->lits[i]) == k)
			i++;
		if (i > rs->start[k])
			rs->bits[k >> 6] |= 1ULL << (k & 63);
	}
	rs->start[65536] = (uint32_t)i;
	for (i = 0; i < rs->nlits; i++)
		if (rs->lits[i].n >= 4)
			memcpy(&rs->lits[i].pre, rs->lits[i].p, 4);
}

static void
rule_release(struct rule *r)
{
	free(r->id);
	free(r->pattern);
	free(r->category);
	free(r->cause);
	crm_re_free(r->re);
}

/* Drop the literal index and the split branches (kept: their arrays). */
static void
index_release(struct crm_complaint_rules *rs)
{
	for (size_t i = 0; i < rs->nlits; i++)
		free(rs->lits[i].p);
	for (size_t i = 0; i < rs->nbr; i++)
		crm_re_free(rs->br[i].re);
	rs->nlits = rs->nbr = rs->nalways = 0;
	free(rs->start);
	free(rs->always);
	free(rs->cand);
	free(rs->sure);
	free(rs->list);
	rs->start = NULL;
	rs->always = NULL;
	rs->cand = rs->sure = NULL;
	rs->list = NULL;
	rs->any_fold = 0;
	memset(rs->bits, 0, sizeof rs->bits);
	rs->built = 0;
}

/*
 * Index the literals of every rule, in the final order of the layers:
 * done once, before the first match, so that a rule replaced by a later
 * file leaves nothing behind.
 */
static void
rules_build(struct crm_complaint_rules *rs)
{
	if (rs->built)
		return;
	index_release(rs);
	for (size_t i = 0; i < rs->n; i++) {
		rs->r[i].b0 = rs->r[i].nb = 0;
		rs->r[i].clo = rs->r[i].chi = 0;
		rs->r[i].fold = 0;
		if (rule_literals(rs, i, rs->r[i].pattern) < 0) {
			rs->always = crm_xrealloc(rs->always,
			    (rs->nalways + 1) * sizeof *rs->always);
			rs->always[rs->nalways++] = i;
		} else if (rs->r[i].fold) {
			rs->any_fold = 1;
		}
	}
	build_index(rs);
	rs->cand = crm_xcalloc(rs->n + 1, 1);
	rs->sure = crm_xcalloc(rs->n + 1, 1);
	rs->list = crm_xcalloc(rs->n + 1, sizeof *rs->list);
	if (rs->limit)
		for (size_t i = 0; i < rs->nbr; i++)
			crm_re_set_limit(rs->br[i].re, rs->limit);
	rs->built = 1;
}

void
crm_complaint_rules_free(struct crm_complaint_rules *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n; i++)
		rule_release(&rs->r[i]);
	index_release(rs);
	free(rs->r);
	free(rs->lits);
	free(rs->br);
	crm_strmap_release(&rs->ids);
	free(rs);
}

enum { RC_ID, RC_PATTERN, RC_CATEGORY, RC_CAUSE, RC_SEVERITY, RC_WEIGHT,
	RC_N };
static const char *const rule_cols[RC_N] = {
	"id", "pattern", "category", "cause", "severity", "weight"
};

struct crm_complaint_rules *
crm_complaint_rules_new(void)
{
	struct crm_complaint_rules *rs = crm_xcalloc(1, sizeof *rs);

	if (!fold_tab['A'])
		fold_init();
	crm_strmap_init(&rs->ids);
	return rs;
}

int
crm_complaint_rules_add(struct crm_complaint_rules *rs, const char *path,
    char *err, size_t errlen)
{
	FILE *fp;
	char *line = NULL, *f[64];
	size_t cap = 0, nf;
	int pos[RC_N];
	long lineno = 0;
	ssize_t len;
	int have_header = 0, layer = rs->layers;
	struct rule nr;

	memset(&nr, 0, sizeof nr);
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rs->layers++;
	rs->built = 0;
#define BAD(...) do { snprintf(err, errlen, __VA_ARGS__); goto bad; } while (0)
	while ((len = getline(&line, &cap, fp)) >= 0) {
		char cerr[160];
		int64_t w = 0;
		size_t at;

		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (lineno == 1 && len >= 3 && !memcmp(line, "\xef\xbb\xbf", 3)) {
			memmove(line, line + 3, (size_t)len - 2);
			len -= 3;
		}
		if (len == 0 || line[0] == '#')
			continue;
		if (crm_utf8_valid(line, (size_t)len) != (size_t)len)
			BAD("%s:%ld: invalid UTF-8", path, lineno);
		nf = crm_tsv_split_nul(line, f, 64);
		if (nf > 64)
			BAD("%s:%ld: too many fields", path, lineno);
		if (!have_header) {
			for (int c = 0; c < RC_N; c++) {
				pos[c] = -1;
				for (size_t i = 0; i < nf; i++)
					if (!strcmp(f[i], rule_cols[c]))
						pos[c] = (int)i;
				if (pos[c] < 0 && c != RC_WEIGHT)
					BAD("%s:%ld: no %s column in the header",
					    path, lineno, rule_cols[c]);
			}
			have_header = 1;
			continue;
		}
		for (size_t i = nf; i < 64; i++)
			f[i] = "";
		if (!*f[pos[RC_ID]])
			BAD("%s:%ld: id: missing rule id", path, lineno);
		at = crm_strmap_find(&rs->ids, f[pos[RC_ID]],
		    strlen(f[pos[RC_ID]]));
		if (at != CRM_STRMAP_NONE && rs->r[at].layer == layer)
			BAD("%s:%ld: id: duplicate rule id '%s'", path, lineno,
			    f[pos[RC_ID]]);
		if (at == CRM_STRMAP_NONE && rs->n == CRM_COMPLAINT_MAX_RULES)
			BAD("%s:%ld: more than %d rules", path, lineno,
			    CRM_COMPLAINT_MAX_RULES);
		nr.line = lineno;
		nr.layer = layer;
		if (!*f[pos[RC_PATTERN]])
			BAD("%s:%ld: rule %s: pattern: empty pattern", path,
			    lineno, f[pos[RC_ID]]);
		if (!*f[pos[RC_CATEGORY]])
			BAD("%s:%ld: rule %s: category: missing category",
			    path, lineno, f[pos[RC_ID]]);
		if (*f[pos[RC_CAUSE]] && strcmp(f[pos[RC_CAUSE]], "-") &&
		    crm_vocab_index(crm_vocab_cause, f[pos[RC_CAUSE]],
		    strlen(f[pos[RC_CAUSE]])) < 0)
			BAD("%s:%ld: rule %s: cause: not one of result, "
			    "process, expectation, -: '%s'", path, lineno,
			    f[pos[RC_ID]], f[pos[RC_CAUSE]]);
		nr.severity = crm_vocab_index(crm_vocab_severity,
		    f[pos[RC_SEVERITY]], strlen(f[pos[RC_SEVERITY]]));
		if (nr.severity < 0)
			BAD("%s:%ld: rule %s: severity: not one of low, normal, "
			    "high, urgent: '%s'", path, lineno, f[pos[RC_ID]],
			    f[pos[RC_SEVERITY]]);
		if (pos[RC_WEIGHT] >= 0 && *f[pos[RC_WEIGHT]] &&
		    crm_int_parse(f[pos[RC_WEIGHT]], strlen(f[pos[RC_WEIGHT]]),
		    -1000000, 1000000, &w))
			BAD("%s:%ld: rule %s: weight: not an integer in "
			    "-1000000..1000000: '%s'", path, lineno,
			    f[pos[RC_ID]], f[pos[RC_WEIGHT]]);
		nr.re = crm_re_compile(f[pos[RC_PATTERN]], 0, cerr,
		    sizeof cerr);
		if (!nr.re)
			BAD("%s:%ld: rule %s: pattern: %s", path, lineno,
			    f[pos[RC_ID]], cerr);
		if (rs->limit)
			crm_re_set_limit(nr.re, rs->limit);
		nr.id = crm_xstrdup(f[pos[RC_ID]]);
		nr.pattern = crm_xstrdup(f[pos[RC_PATTERN]]);
		nr.category = crm_xstrdup(f[pos[RC_CATEGORY]]);
		nr.cause = crm_xstrdup(f[pos[RC_CAUSE]]);
		nr.weight = (long)w;
		if (at != CRM_STRMAP_NONE) {
			/* an earlier file's rule, replaced where it stood */
			rule_release(&rs->r[at]);
			rs->r[at] = nr;
		} else {
			crm_grow(&rs->r, &rs->alloc, rs->n + 1, sizeof *rs->r);
			crm_strmap_add(&rs->ids, nr.id, strlen(nr.id), NULL);
			rs->r[rs->n++] = nr;
		}
		memset(&nr, 0, sizeof nr);
	}
#undef BAD
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: read error", path);
		goto bad;
	}
	if (!have_header) {
		snprintf(err, errlen, "%s: no header line", path);
		goto bad;
	}
	free(line);
	fclose(fp);
	return 0;
bad:
	/* a rule refused after its pattern compiled */
	crm_re_free(nr.re);
	free(line);
	fclose(fp);
	return -1;
}

struct crm_complaint_rules *
crm_complaint_rules_load(const char *path, char *err, size_t errlen)
{
	struct crm_complaint_rules *rs = crm_complaint_rules_new();

	if (crm_complaint_rules_add(rs, path, err, errlen) < 0) {
		crm_complaint_rules_free(rs);
		return NULL;
	}
	return rs;
}

size_t
crm_complaint_rules_count(const struct crm_complaint_rules *rs)
{
	return rs->n;
}

const char *
crm_complaint_rule_id(const struct crm_complaint_rules *rs, size_t i)
{
	return i < rs->n ? rs->r[i].id : "";
}

void
crm_complaint_rules_limit(struct crm_complaint_rules *rs, unsigned long limit)
{
	rs->limit = limit;
	for (size_t i = 0; i < rs->n; i++)
		crm_re_set_limit(rs->r[i].re, limit);
	for (size_t i = 0; i < rs->nbr; i++)
		crm_re_set_limit(rs->br[i].re, limit);
}

size_t
crm_complaint_rules_unfiltered(struct crm_complaint_rules *rs)
{
	rules_build(rs);
	return rs->nalways;
}

const char *
crm_complaint_rules_error(const struct crm_complaint_rules *rs)
{
	return rs->err ? rs->err : "";
}

static void
add_cand(struct crm_complaint_rules *rs, size_t ri)
{
	if (!rs->cand[ri]) {
		rs->cand[ri] = 1;
		rs->list[rs->nlist++] = ri;
	}
}

static int
by_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* Branch br of rule ri is a candidate for the text being triaged. */
static inline void
mark_branch(struct crm_complaint_rules *rs, size_t ri, size_t br)
{
	struct rule *r = &rs->r[ri];

	rs->br[br].cand = 1;
	if (r->clo == r->chi) {
		r->clo = br;
		r->chi = br + 1;
	} else if (br < r->clo) {
		r->clo = br;
	} else if (br >= r->chi) {
		r->chi = br + 1;
	}
}

/* Does rule a rank before rule b? */
static int
ranks_before(const struct rule *a, size_t ia, const struct rule *b, size_t ib)
{
	if (a->severity != b->severity)
		return a->severity > b->severity;
	if (a->weight != b->weight)
		return a->weight > b->weight;
	return ia < ib;
}

int
crm_complaint_triage(struct crm_complaint_rules *rs, const char *text,
    size_t n, struct crm_complaint_triage *out, size_t *bad)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t nm = 0, best = (size_t)-1, bcat = (size_t)-1, bcause = (size_t)-1;
	int rc = 0, special = 0, valid;

	rules_build(rs);
	rs->nlist = 0;
	rs->err = NULL;
	for (size_t i = 0; i < rs->nalways; i++)
		add_cand(rs, rs->always[i]);
	for (size_t i = 0; i + 1 < n; i++) {
		unsigned k;

		if ((t[i] & 0xc0) == 0x80)
			continue;       /* inside a character */
		if ((t[i] & 0xf0) == 0xe0 && i + 2 >= n)
			break;          /* a character cut short: no literal */
		k = key_of(t + i);
		special |= t[i] == 0xc5 || t[i] == 0xe2;
		if (!(rs->bits[k >> 6] >> (k & 63) & 1))
			continue;
		uint32_t w = 0, fw = 0;
		int havefw = 0;

		if (n - i >= 4)
			memcpy(&w, t + i, 4);

		for (uint32_t j = rs->start[k]; j < rs->start[k + 1]; j++) {
			const struct lit *l = &rs->lits[j];
			size_t q;

			if (rs->sure[l->rule] || l->n > n - i ||
			    (l->br == NO_BRANCH ? rs->cand[l->rule] :
			    rs->br[l->br].cand))
				continue;
			if (l->n >= 4) {
				/* (four bytes from t + i: l->n <= n - i) */
				if (rs->r[l->rule].fold) {
					if (!havefw) {
						unsigned char b[4];

						for (q = 0; q < 4; q++)
							b[q] = fold_tab[t[i + q]];
						memcpy(&fw, b, 4);
						havefw = 1;
					}
					if (fw != l->pre)
						continue;
				} else if (w != l->pre)
					continue;
			}
			if (rs->r[l->rule].fold) {
				for (q = 2; q < l->n; q++)
					if (fold_tab[t[i + q]] !=
					    (unsigned char)l->p[q])
						break;
			} else {
				q = memcmp(t + i, l->p, l->n) ? 0 : l->n;
			}
			if (q == l->n) {
				add_cand(rs, l->rule);
				if (l->br == NO_BRANCH)
					continue;
				if (rs->br[l->br].pure)
					rs->sure[l->rule] = 1;
				else
					mark_branch(rs, l->rule, l->br);
			}
		}
	}
	/* Caseless ASCII s and k also match U+017F and U+212A. */
	if (rs->any_fold && special && (memmem(text, n, "\xc5\xbf", 2) ||
	    memmem(text, n, "\xe2\x84\xaa", 3)))
		for (size_t j = 0; j < rs->nlits; j++)
			if (rs->r[rs->lits[j].rule].fold) {
				add_cand(rs, rs->lits[j].rule);
				if (rs->lits[j].br != NO_BRANCH)
					mark_branch(rs, rs->lits[j].rule,
					    rs->lits[j].br);
			}
	if (rs->nlist > 1)
		qsort(rs->list, rs->nlist, sizeof *rs->list, by_index);
	/* the text checked as UTF-8 once, not by each rule that runs */
	valid = rs->nlist && crm_utf8_valid(text, n) == n;
	for (size_t c = 0; c < rs->nlist; c++) {
		size_t ri = rs->list[c];
		struct rule *r = &rs->r[ri];
		int m;

		rs->cand[ri] = 0;
		if (rs->sure[ri]) {
			rs->sure[ri] = 0;
			m = 1;
		} else {
			m = 0;
		}
		if (r->nb) {
			/* the candidate branches, each flag cleared */
			const struct crm_re *ebad = NULL;

			size_t lo = r->clo, hi = r->chi;

			r->clo = r->chi = 0;
			for (size_t k = lo; k < hi; k++) {
				struct branch *br = &rs->br[k];
				int bm;

				if (!br->cand)
					continue;
				br->cand = 0;
				if (m || rc < 0 || ebad)
					continue;
				bm = valid ? crm_re_match_utf8(br->re, text, n) :
				    crm_re_match(br->re, text, n);
				if (bm < 0)
					ebad = br->re;
				else if (bm)
					m = 1;
			}
			if (rc < 0)
				continue;
			if (ebad && !m) {
				rs->err = crm_re_error(ebad);
				*bad = ri;
				rc = -1;
				continue;
			}
		} else if (!m) {
			if (rc < 0)
				continue;
			m = valid ? crm_re_match_utf8(r->re, text, n) :
			    crm_re_match(r->re, text, n);
		}
		if (rc < 0)
			continue;
		if (m < 0) {
			rs->err = crm_re_error(r->re);
			*bad = ri;
			rc = -1;
			continue;
		}
		if (m == 0)
			continue;
		rs->list[nm++] = ri;
		if (best == (size_t)-1 || ranks_before(r, ri, &rs->r[best], best))
			best = ri;
		if (strcmp(r->category, "-") && (bcat == (size_t)-1 ||
		    ranks_before(r, ri, &rs->r[bcat], bcat)))
			bcat = ri;
		if (*r->cause && strcmp(r->cause, "-") &&
		    (bcause == (size_t)-1 ||
		    ranks_before(r, ri, &rs->r[bcause], bcause)))
			bcause = ri;
	}
	if (rc < 0)
		return -1;
	out->matched = rs->list;
	out->nmatched = nm;
	out->severity = best == (size_t)-1 ? 1 : rs->r[best].severity;
	out->category = bcat != (size_t)-1 ? rs->r[bcat].category :
	    best != (size_t)-1 ? "escalation" : "other";
	out->cause = bcause == (size_t)-1 ? "" : rs->r[bcause].cause;
	out->rule = bcat != (size_t)-1 ? bcat : best;
	return 0;
}

void
crm_complaint_fallback(const struct crm_complaint_rules *rs,
    const struct crm_nb *model, double min_conf, const char *text, size_t n,
    struct crm_complaint_triage *tr, const char **by, double *conf)
{
	struct crm_nb_guess g;

	*conf = -1;
	if (tr->nmatched) {
		*by = crm_complaint_rule_id(rs, tr->rule);
		return;
	}
	*by = "";
	if (!model)
		return;
	crm_nb_predict(model, text, n, &g);
	if (!g.label)
		return;
	*conf = g.confidence;
	if (g.confidence < min_conf)
		return;
	tr->category = g.label;
	tr->cause = g.cause;
	tr->severity = *g.severity ? crm_vocab_index(crm_vocab_severity,
	    g.severity, strlen(g.severity)) : 1;
	if (tr->severity < 0)
		tr->severity = 1;
	*by = "model";
}
