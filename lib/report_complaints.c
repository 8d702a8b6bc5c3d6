/*
 * report_complaints: complaint volume by category, cause and severity,
 * times to first response and to resolution, SLA compliance, reopen rate,
 * satisfaction after resolution and repeat complainers, from a complaint
 * event log (folded as of a time) or from `crm-complaint list` output.
 * Its charts: complaints opened and resolved by period, and SLA
 * compliance by the period complaints were opened in, counted by the
 * same rule as the sla table.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaint.h"
#include "kinds.h"
#include "report.h"
#include "report_figs.h"
#include "svg.h"
#include "value.h"

enum { L_ID, L_CUSTOMER, L_OPENED, L_STATUS, L_CATEGORY, L_CAUSE,
	L_SEVERITY, L_DUE_RESPONSE, L_DUE_RESOLVE, L_RESPONDED, L_RESOLVED,
	L_SATISFACTION, L_N };

static const char *const list_names[L_N] = {
	"complaint_id", "customer_id", "opened", "status", "category", "cause",
	"severity", "due_response", "due_resolve", "responded", "resolved",
	"satisfaction"
};

enum { V_CATEGORY, V_CAUSE, V_SEVERITY, NV };
static const char *const vol_name[NV] = { "category", "cause", "severity" };

/* A count per value, the values in a strmap. */
struct count {
	struct crm_strmap keys;
	int64_t *v;
	size_t alloc;
};

struct compl {
	struct crm_report_opts *o;
	int64_t now;
	struct crm_complaint_fold *fold;
	/* The input being read: a log (cols) or a list (col). */
	int is_list;
	struct crm_complaint_cols cols;
	int col[L_N];
	/* Complaints read from lists: states, not events. */
	struct crm_complaint *lst;
	size_t nlst, alst;
	struct crm_strmap listed;       /* their ids */
	int from_list;  /* some input was a list: reopen counts unknown */
	int no_cause;   /* some list had no cause column */
	/* Kept from the tables for the picture. */
	struct count vol[NV], opened, resolved;
	struct count sla_due[2], sla_met[2];    /* by period opened */
	struct crm_strmap months;       /* periods opened or resolved in */
	/* --partial: the records kept, not folded (see the partials) */
	int keep;
	struct crm_buf recs;            /* kind byte, fields, NUL, each */
	size_t *roff, nrec, arec;
	char *opts;                     /* the options row merged first */
	char why[256];
};

#define TOP_REPEAT 10

/* ---- figures ---- */

int64_t
crm_report_percentile(const int64_t *x, size_t n, int p)
{
	size_t k = ((size_t)p * n + 99) / 100;

	return x[k ? k - 1 : 0];
}

int64_t
crm_report_first_response(const struct crm_complaint *c)
{
	if (c->responded != CRM_COMPLAINT_NOTIME)
		return c->responded;
	if (c->resolved != CRM_COMPLAINT_NOTIME)
		return c->resolved;
	return c->closed;
}

void
crm_report_sla(const struct crm_complaint *c, int64_t now, int k, int *due,
    int *met)
{
	int64_t answer = k ? c->resolved : crm_report_first_response(c);
	int64_t by = k ? c->due_resolve : c->due_response;

	*due = by != CRM_COMPLAINT_NOTIME &&
	    (answer != CRM_COMPLAINT_NOTIME || by < now);
	*met = *due && answer != CRM_COMPLAINT_NOTIME && answer <= by;
}

int
crm_report_overdue(const struct crm_complaint *c, int64_t now)
{
	int64_t fr = crm_report_first_response(c);

	return crm_complaint_status_active(c->status) &&
	    ((fr == CRM_COMPLAINT_NOTIME &&
	    c->due_response != CRM_COMPLAINT_NOTIME && c->due_response < now) ||
	    (c->resolved == CRM_COMPLAINT_NOTIME &&
	    c->due_resolve != CRM_COMPLAINT_NOTIME && c->due_resolve < now));
}

int
crm_report_ever_resolved(const struct crm_complaint *c)
{
	return c->resolved != CRM_COMPLAINT_NOTIME ||
	    c->closed != CRM_COMPLAINT_NOTIME || c->reopens > 0;
}

/* ---- counts ---- */

static void
count_init(struct count *c)
{
	memset(c, 0, sizeof *c);
	crm_strmap_init(&c->keys);
}

static void
count_release(struct count *c)
{
	crm_strmap_release(&c->keys);
	free(c->v);
}

static void
count_add(struct count *c, const char *k, int64_t d)
{
	int isnew;
	size_t i = crm_strmap_add(&c->keys, k, strlen(k), &isnew);

	if (isnew) {
		crm_grow(&c->v, &c->alloc, i + 1, sizeof *c->v);
		c->v[i] = 0;
	}
	c->v[i] += d;
}

static int64_t
count_get(const struct count *c, const char *k)
{
	size_t i = crm_strmap_find(&c->keys, k, strlen(k));

	return i == CRM_STRMAP_NONE ? 0 : c->v[i];
}

/* ---- state and input ---- */

static void *
compl_new(struct crm_report_opts *o)
{
	struct compl *C = crm_xcalloc(1, sizeof *C);

	C->o = o;
	C->now = o->asof_t;
	C->fold = crm_complaint_fold_new();
	crm_complaint_fold_until(C->fold, C->now);
	C->keep = o->partial;
	crm_buf_init(&C->recs);
	crm_strmap_init(&C->listed);
	crm_strmap_init(&C->months);
	for (int k = 0; k < NV; k++)
		count_init(&C->vol[k]);
	count_init(&C->opened);
	count_init(&C->resolved);
	for (int k = 0; k < 2; k++) {
		count_init(&C->sla_due[k]);
		count_init(&C->sla_met[k]);
	}
	return C;
}

static void
compl_free(void *st)
{
	struct compl *C = st;

	for (size_t i = 0; i < C->nlst; i++) {
		free(C->lst[i].id);
		free(C->lst[i].customer_id);
		free(C->lst[i].category);
		free(C->lst[i].cause);
	}
	free(C->lst);
	crm_buf_release(&C->recs);
	free(C->roff);
	free(C->opts);
	crm_strmap_release(&C->listed);
	crm_strmap_release(&C->months);
	for (int k = 0; k < NV; k++)
		count_release(&C->vol[k]);
	count_release(&C->opened);
	count_release(&C->resolved);
	for (int k = 0; k < 2; k++) {
		count_release(&C->sla_due[k]);
		count_release(&C->sla_met[k]);
	}
	crm_complaint_fold_free(C->fold);
	free(C);
}

static int
compl_begin(void *st, struct crm_reader *r, char *err, size_t errlen)
{
	static const int need[] = { L_ID, L_OPENED, L_STATUS };
	struct compl *C = st;

	C->is_list = crm_reader_col(r, "event") < 0 &&
	    crm_reader_col(r, "complaint_id") >= 0;
	if (!C->is_list)
		return crm_complaint_cols_find(&C->cols, r, err, errlen);
	for (int k = 0; k < L_N; k++)
		C->col[k] = crm_reader_col(r, list_names[k]);
	for (size_t k = 0; k < sizeof need / sizeof *need; k++)
		if (C->col[need[k]] < 0) {
			snprintf(err, errlen, "%s: no 'event' column (a "
			    "complaint log) and no '%s' column (a complaint "
			    "list)", crm_reader_name(r), list_names[need[k]]);
			return -1;
		}
	C->from_list = 1;
	if (C->col[L_CAUSE] < 0)
		C->no_cause = 1;
	return 0;
}

/* A time cell of a list row: empty is CRM_COMPLAINT_NOTIME. */
static const char *
list_time(const struct crm_rec *rec, int col, int64_t *t, int *off)
{
	size_t n;
	const char *s = crm_report_field(rec, col, &n);
	int o;

	*t = CRM_COMPLAINT_NOTIME;
	if (n == 0)
		return NULL;
	return crm_ts_parse(s, n, 0, t, off ? off : &o);
}

/*
 * One row per complaint as crm-complaint list prints it.  The row becomes
 * a complaint state as the fold would have left it: a reopened complaint
 * counts one reopening (so that it was resolved once), the closing time is
 * unknown (a closed complaint was resolved first, so nothing needs it).
 */
static int
list_add(struct compl *C, const struct crm_rec *rec, const char **whyp,
    int *colp)
{
	const int *col = C->col;
	struct crm_complaint c;
	const char *s, *why = NULL;
	size_t n;
	int bad = -1;
	int64_t sat = 0;

	memset(&c, 0, sizeof c);
	c.closed = CRM_COMPLAINT_NOTIME;
	c.severity = -1;
	s = crm_report_field(rec, col[L_ID], &n);
	c.id = crm_xstrndup(s, n);
	if (n == 0) {
		why = "missing";
		bad = col[L_ID];
	} else if (crm_strmap_find(&C->listed, c.id, strlen(c.id)) !=
	    CRM_STRMAP_NONE || crm_complaint_fold_find(C->fold, c.id)) {
		why = "complaint listed twice";
		bad = col[L_ID];
	}
	if (!why && (why = list_time(rec, col[L_OPENED], &c.opened,
	    &c.opened_off)) != NULL)
		bad = col[L_OPENED];
	if (!why && c.opened == CRM_COMPLAINT_NOTIME) {
		why = "missing";
		bad = col[L_OPENED];
	}
	if (!why) {
		s = crm_report_field(rec, col[L_STATUS], &n);
		c.status = -1;
		for (int k = CRM_CS_OPEN; k <= CRM_CS_REOPENED; k++)
			if (strlen(crm_complaint_status_name(k)) == n &&
			    !memcmp(crm_complaint_status_name(k), s, n))
				c.status = k;
		if (c.status < 0) {
			why = n ? "unknown status" : "missing";
			bad = col[L_STATUS];
		}
	}
	if (!why && (s = crm_report_field(rec, col[L_SEVERITY], &n), n)) {
		for (int k = 0; crm_vocab_severity[k]; k++)
			if (strlen(crm_vocab_severity[k]) == n &&
			    !memcmp(crm_vocab_severity[k], s, n))
				c.severity = k;
		if (c.severity < 0) {
			why = "unknown severity";
			bad = col[L_SEVERITY];
		}
	}
	if (!why && (why = list_time(rec, col[L_DUE_RESPONSE],
	    &c.due_response, NULL)) != NULL)
		bad = col[L_DUE_RESPONSE];
	if (!why && (why = list_time(rec, col[L_DUE_RESOLVE],
	    &c.due_resolve, NULL)) != NULL)
		bad = col[L_DUE_RESOLVE];
	if (!why && (why = list_time(rec, col[L_RESPONDED], &c.responded,
	    NULL)) != NULL)
		bad = col[L_RESPONDED];
	if (!why && (why = list_time(rec, col[L_RESOLVED], &c.resolved,
	    NULL)) != NULL)
		bad = col[L_RESOLVED];
	if (!why && (s = crm_report_field(rec, col[L_SATISFACTION], &n), n) &&
	    crm_int_parse(s, n, 1, 5, &sat)) {
		why = "satisfaction out of range 1-5";
		bad = col[L_SATISFACTION];
	}
	if (why || c.opened > C->now) {
		/* Rows opened after the as-of time are left out, as the fold
		 * leaves later events out. */
		free(c.id);
		if (!why)
			return 0;
		*whyp = why;
		*colp = bad;
		return -1;
	}
	crm_strmap_add(&C->listed, c.id, strlen(c.id), NULL);
	c.satisfaction = (int)sat;
	c.reopens = c.status == CRM_CS_REOPENED;
	s = crm_report_field(rec, col[L_CUSTOMER], &n);
	c.customer_id = crm_xstrndup(s, n);
	s = crm_report_field(rec, col[L_CATEGORY], &n);
	c.category = crm_xstrndup(s, n);
	s = crm_report_field(rec, col[L_CAUSE], &n);
	c.cause = crm_xstrndup(s, n);
	c.channel = c.owner = c.text = (char *)"";
	crm_grow(&C->lst, &C->alst, C->nlst + 1, sizeof *C->lst);
	C->lst[C->nlst++] = c;
	return 0;
}

static void keep_rec(struct compl *C, const struct crm_rec *rec);

static int
compl_add(void *st, const struct crm_rec *rec, const char **why, int *col)
{
	struct compl *C = st;

	if (C->keep) {
		keep_rec(C, rec);
		return 0;
	}
	if (C->is_list)
		return list_add(C, rec, why, col);
	return crm_complaint_fold_add(C->fold, &C->cols, rec, why, col) < 0 ?
	    -1 : 0;
}

/* ---- partials ----
 *
 * The fold takes a complaint's events in log order, and whether an event
 * is folded at all depends on the state the events before it left ("complaint
 * is closed", "complaint was not opened"): a part holding a respond but not
 * the open before it cannot fold it, and folded states do not add up.  So a
 * partial keeps the records themselves, in input order, each field the fold
 * or the list reading checks or uses (the agent and the text of a log are
 * neither), and the merge folds them in the order of its operands as one
 * run folds its inputs.  Rows (scope group metric value n):
 *	#  format  1  as_of=TIME since=DATE until=DATE  1
 *	e  SEQ     ""  FIELDS                           1   a log event
 *	l  SEQ     ""  FIELDS                           1   a list row
 *	t  ""      list | no_cause  ""                  1   some input was a
 *	                                                    list (without cause)
 * SEQ the record's number in the part, twelve digits; FIELDS the fields
 * TSV-escaped, joined by tabs.  as_of is "-" when the partial ran by the
 * clock: the merge then judges by its own as-of time.
 */

#define COMPL_FORMAT "1"

/* The fields kept of a log event, in their order in FIELDS. */
enum { P_ID, P_TS, P_EVENT, P_CUSTOMER, P_CATEGORY, P_CAUSE, P_SEVERITY,
	P_PRIORITY, P_CHANNEL, P_DUE_RESPONSE, P_DUE_RESOLVE, P_SATISFACTION,
	P_N };

static const char *const log_names[P_N] = {
	"complaint_id", "ts", "event", "customer_id", "category", "cause",
	"severity", "priority", "channel", "due_response", "due_resolve",
	"satisfaction"
};

/* The columns of a log event rebuilt from its FIELDS. */
static const struct crm_complaint_cols log_cols = {
	.id = P_ID, .ts = P_TS, .event = P_EVENT, .customer_id = P_CUSTOMER,
	.status = -1, .category = P_CATEGORY, .cause = P_CAUSE,
	.severity = P_SEVERITY, .priority = P_PRIORITY, .channel = P_CHANNEL,
	.agent = -1, .due_response = P_DUE_RESPONSE,
	.due_resolve = P_DUE_RESOLVE, .satisfaction = P_SATISFACTION,
	.text = -1
};

static void
keep_field(struct compl *C, const struct crm_rec *rec, int col, int first)
{
	size_t n;
	const char *s = crm_report_field(rec, col, &n);

	if (!first)
		crm_buf_addc(&C->recs, '\t');
	crm_tsv_escape(&C->recs, s, n);
}

static void
keep_rec(struct compl *C, const struct crm_rec *rec)
{
	const struct crm_complaint_cols *c = &C->cols;
	int lc[P_N] = { c->id, c->ts, c->event, c->customer_id, c->category,
	    c->cause, c->severity, c->priority, c->channel, c->due_response,
	    c->due_resolve, c->satisfaction };

	crm_grow(&C->roff, &C->arec, C->nrec + 1, sizeof *C->roff);
	C->roff[C->nrec++] = C->recs.n;
	crm_buf_addc(&C->recs, C->is_list ? 'l' : 'e');
	for (int k = 0; k < (C->is_list ? L_N : P_N); k++)
		keep_field(C, rec, C->is_list ? C->col[k] : lc[k], k == 0);
	crm_buf_addc(&C->recs, '\0');
}

/* The options row's value: how the merge is to judge the records. */
static void
compl_opts(const struct crm_report_opts *o, char *out, size_t n)
{
	char a[32], s[11], u[11];

	if (o->asof_clock)
		strcpy(a, "-");
	else
		crm_ts_format(o->asof_t, o->asof_off, a);
	if (o->window && o->since != CRM_DATE_MIN)
		crm_date_format(o->since, s);
	else
		strcpy(s, "-");
	if (o->window && o->until != CRM_DATE_MAX)
		crm_date_format(o->until, u);
	else
		strcpy(u, "-");
	snprintf(out, n, "as_of=%s since=%s until=%s", a, s, u);
}

static void
compl_partial(void *st, struct crm_report_sink *s)
{
	struct compl *C = st;
	char opts[96], seq[24];

	if (C->opts)
		snprintf(opts, sizeof opts, "%s", C->opts);
	else
		compl_opts(C->o, opts, sizeof opts);
	crm_report_put(s, "#", "format", COMPL_FORMAT, opts, 1);
	crm_report_put(s, "t", "", "list", "", C->from_list);
	crm_report_put(s, "t", "", "no_cause", "", C->no_cause);
	for (size_t i = 0; i < C->nrec; i++) {
		const char *r = C->recs.p + C->roff[i];

		snprintf(seq, sizeof seq, "%012zu", i);
		crm_report_put(s, *r == 'l' ? "l" : "e", seq, "", r + 1, 1);
	}
}

/* Parse the options row: 0, or -1.  *at is set when as_of is. */
static int
compl_opts_parse(const char *s, int *at, int64_t *t, int *off, int win[2],
    int32_t d[2])
{
	static const char *const k[3] = { "as_of=", "since=", "until=" };

	for (int i = 0; i < 3; i++) {
		size_t l = strlen(k[i]), n;
		int set;

		if (strncmp(s, k[i], l))
			return -1;
		s += l;
		n = strcspn(s, " ");
		set = !(n == 1 && *s == '-');
		if (i == 0) {
			*at = set;
			if (set && crm_ts_parse(s, n, 0, t, off))
				return -1;
		} else {
			win[i - 1] = set;
			if (set && crm_date_parse(s, n, 0, &d[i - 1]))
				return -1;
		}
		s += n;
		if (*s != (i < 2 ? ' ' : '\0'))
			return -1;
		s += *s == ' ';
	}
	return 0;
}

static int
compl_merge_format(struct compl *C, const char *group, const char *metric,
    const char *value, const char **why, int *col)
{
	struct crm_report_opts *o = C->o;
	int at, win[2], off;
	int64_t t;
	int32_t d[2];
	char ts[32];

	if (crm_report_format_check(group, metric, COMPL_FORMAT, C->why,
	    sizeof C->why, why, col) < 0)
		return -1;
	*col = 5;
	if (compl_opts_parse(value, &at, &t, &off, win, d) < 0) {
		*why = "not the options of a partial";
		return -1;
	}
	if (C->opts) {
		if (!strcmp(C->opts, value))
			return 0;
		snprintf(C->why, sizeof C->why, "partial made with other "
		    "--as-of, --since or --until than the part before (%s)",
		    C->opts);
		*why = C->why;
		return -1;
	}
	if (at && !o->asof_clock && t != o->asof_t) {
		crm_ts_format(o->asof_t, o->asof_off, ts);
		snprintf(C->why, sizeof C->why, "partial made with another "
		    "as-of time than the merge's %s (give --as-of to one "
		    "step)", ts);
		*why = C->why;
		return -1;
	}
	C->opts = crm_xstrdup(value);
	if (at) {
		/* the records are judged as of the partial's time */
		o->asof_t = t;
		o->asof_off = off;
		o->asof_day = crm_ts_days(t, off);
		o->asof_clock = 0;
		o->done_day = win[1] && d[1] < o->asof_day ? d[1] :
		    o->asof_day;
		C->now = t;
		crm_complaint_fold_until(C->fold, t);
	}
	if (win[0] || win[1]) {
		o->window = 1;
		o->since = win[0] ? d[0] : CRM_DATE_MIN;
		o->until = win[1] ? d[1] : CRM_DATE_MAX;
	}
	return 0;
}

static int
compl_merge(void *st, const char *scope, const char *group,
    const char *metric, const char *value, int64_t n, const char **why,
    int *col)
{
	struct compl *C = st;
	struct crm_field f[(int)L_N > (int)P_N ? (int)L_N : (int)P_N];
	struct crm_rec rec;
	size_t nf = 0, want, tabs = 0;
	char *buf, *p;
	int list, rc, bad = -1;

	if (!strcmp(scope, "#"))
		return compl_merge_format(C, group, metric, value, why, col);
	if (!strcmp(scope, "t") && !*group && !*value && n == 1 &&
	    (!strcmp(metric, "list") || !strcmp(metric, "no_cause"))) {
		if (*metric == 'l')
			C->from_list = 1;
		else
			C->no_cause = 1;
		return 0;
	}
	list = !strcmp(scope, "l");
	if ((!list && strcmp(scope, "e")) || *metric || n != 1) {
		*why = "not a counter of this report";
		*col = *metric ? 4 : n != 1 ? 6 : 2;
		return -1;
	}
	want = list ? L_N : P_N;
	buf = crm_xstrdup(value);
	for (p = buf; nf < want; nf++) {
		char *tab = strchr(p, '\t');

		if (tab)
			*tab = '\0';
		f[nf].p = p;
		f[nf].n = crm_tsv_unescape(p, strlen(p));
		p[f[nf].n] = '\0';
		if (!tab) {
			nf++;
			break;
		}
		p = tab + 1;
	}
	for (const char *q = value; *q; q++)
		tabs += *q == '\t';
	if (nf != want || tabs != want - 1) {
		free(buf);
		*why = list ? "not a complaint list row of a partial" :
		    "not a complaint event of a partial";
		*col = 5;
		return -1;
	}
	if (C->keep) {
		crm_grow(&C->roff, &C->arec, C->nrec + 1, sizeof *C->roff);
		C->roff[C->nrec++] = C->recs.n;
		crm_buf_addc(&C->recs, *scope);
		crm_buf_adds(&C->recs, value);
		crm_buf_addc(&C->recs, '\0');
		free(buf);
		return 0;
	}
	rec.f = f;
	rec.nf = nf;
	rec.line = 0;
	if (list) {
		int lcol[L_N];

		for (int k = 0; k < L_N; k++)
			lcol[k] = k;
		memcpy(C->col, lcol, sizeof lcol);
		rc = list_add(C, &rec, why, &bad);
	} else {
		rc = crm_complaint_fold_add(C->fold, &log_cols, &rec, why,
		    &bad) < 0 ? -1 : 0;
	}
	if (rc < 0) {
		/* the field at fault, named, with its value */
		const char *name = bad < 0 ? "record" : list ?
		    list_names[bad] : log_names[bad];

		if (bad >= 0 && f[bad].n)
			snprintf(C->why, sizeof C->why, "%s: %s '%.80s'",
			    name, *why, f[bad].p);
		else
			snprintf(C->why, sizeof C->why, "%s: %s", name, *why);
		*why = C->why;
		*col = -1;
	}
	free(buf);
	return rc;
}

/* ---- tables ---- */

static struct crm_rtab *
compl_volume(struct compl *C, int k)
{
	const char *dim = vol_name[k];
	struct count *c = &C->vol[k];
	struct crm_rtab *t = crm_report_tab(dim, (const char *const[]){ dim,
	    "complaints", "share" }, 3, 1);
	size_t nv = crm_strmap_count(&c->keys);
	size_t *v = crm_report_sorted(&c->keys);
	int64_t total = 0;

	crm_rtab_chart(t, 0, 2, "%.4f");
	if (C->no_cause && k == V_CAUSE) {
		/* crm-complaint list has no cause: no figure beats a wrong
		 * one. */
		free(v);
		return t;
	}
	if (k == V_SEVERITY) {
		/* In the vocabulary's order rather than alphabetically. */
		size_t n = 0, *o = crm_xcalloc(nv + 1, sizeof *o);
		unsigned char *used = crm_xcalloc(nv + 1, 1);

		for (int i = 0; crm_vocab_severity[i]; i++)
			for (size_t j = 0; j < nv; j++)
				if (!used[j] && !strcmp(crm_strmap_key(&c->keys,
				    v[j], NULL), crm_vocab_severity[i])) {
					o[n++] = v[j];
					used[j] = 1;
				}
		for (size_t j = 0; j < nv; j++)
			if (!used[j])
				o[n++] = v[j];
		free(used);
		free(v);
		v = o;
	}
	for (size_t i = 0; i < nv; i++)
		total += c->v[v[i]];
	for (size_t i = 0; i < nv; i++) {
		crm_rtab_cell(t, crm_strmap_key(&c->keys, v[i], NULL));
		crm_report_int(t, c->v[v[i]]);
		crm_report_share(t, (double)c->v[v[i]], (double)total);
	}
	crm_rtab_totals(t);
	crm_rtab_cell(t, "total");
	crm_report_int(t, total);
	crm_report_share(t, (double)total, (double)total);
	free(v);
	return t;
}

struct repeater {
	const char *id;
	int64_t n, active;
	int64_t last;
	int last_off;
};

static int
cmprep(const void *a, const void *b)
{
	const struct repeater *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int
cmpcid(const void *a, const void *b)
{
	const struct crm_complaint *x = *(const struct crm_complaint *const *)a;
	const struct crm_complaint *y = *(const struct crm_complaint *const *)b;

	return strcmp(x->customer_id, y->customer_id);
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void
hours_cell(struct crm_rtab *t, int64_t secs)
{
	crm_rtab_cellf(t, "%.2f", (double)secs / 3600 + 0.0);
}

/* A times row: how many, median and 90th percentile in hours. */
static void
times_row(struct crm_rtab *t, const char *name, const int64_t *x, size_t n)
{
	crm_rtab_cell(t, name);
	crm_report_int(t, (int64_t)n);
	if (n) {
		hours_cell(t, crm_report_percentile(x, n, 50));
		hours_cell(t, crm_report_percentile(x, n, 90));
	} else {
		crm_rtab_cell(t, NULL);
		crm_rtab_cell(t, NULL);
	}
}

static int
compl_tables(void *st, struct crm_rtab **t, char *err, size_t errlen)
{
	struct compl *C = st;
	size_t nf = crm_complaint_fold_count(C->fold), n = nf + C->nlst;
	size_t nresp = 0, nres = 0, nrep = 0, nin = 0;
	int64_t *tresp = crm_xcalloc(n + 1, sizeof *tresp);
	int64_t *tres = crm_xcalloc(n + 1, sizeof *tres);
	int64_t active = 0, overdue = 0, resolved = 0, reopened = 0;
	int64_t re_el = 0, re_met = 0, rs_el = 0, rs_met = 0;
	int64_t sat_n = 0, sat_sum = 0, sat_good = 0;
	struct crm_complaint **cv = crm_xcalloc(n + 1, sizeof *cv);
	struct repeater *rep = crm_xcalloc(n + 1, sizeof *rep);
	char month[CRM_REPORT_PLABEL], ts[32];
	enum crm_report_period pk = (enum crm_report_period)C->o->period;
	const char *pn = crm_report_period_name(pk);
	size_t *ms, nm;

	(void)err;
	(void)errlen;
	for (size_t i = 0; i < n; i++) {
		struct crm_complaint *c = i < nf ?
		    crm_complaint_fold_at(C->fold, i) : &C->lst[i - nf];

		/* --since/--until hold the complaints opened in them, by the
		 * day the opening was written in */
		if (!crm_report_outside(C->o, crm_ts_days(c->opened,
		    c->opened_off)))
			cv[nin++] = c;
	}
	n = nin;
	for (size_t i = 0; i < n; i++) {
		struct crm_complaint *c = cv[i];
		int64_t fr = crm_report_first_response(c);
		int act = crm_complaint_status_active(c->status), due, met;

		count_add(&C->vol[V_CATEGORY], *c->category ? c->category :
		    CRM_REPORT_NONE, 1);
		count_add(&C->vol[V_CAUSE], *c->cause ? c->cause :
		    CRM_REPORT_NONE, 1);
		count_add(&C->vol[V_SEVERITY], c->severity >= 0 ?
		    crm_vocab_severity[c->severity] : CRM_REPORT_NONE, 1);
		crm_report_period_label_of_day(crm_ts_days(c->opened,
		    c->opened_off), pk, month);
		crm_strmap_add(&C->months, month, strlen(month), NULL);
		count_add(&C->opened, month, 1);
		if (c->resolved != CRM_COMPLAINT_NOTIME) {
			crm_report_period_label_of_day(crm_ts_days(
			    c->resolved, c->opened_off), pk, month);
			crm_strmap_add(&C->months, month, strlen(month), NULL);
			count_add(&C->resolved, month, 1);
			tres[nres++] = c->resolved - c->opened;
		}
		if (fr != CRM_COMPLAINT_NOTIME)
			tresp[nresp++] = fr - c->opened;
		if (act)
			active++;
		if (crm_report_overdue(c, C->now))
			overdue++;
		if (crm_report_ever_resolved(c))
			resolved++;
		if (c->reopens > 0)
			reopened++;
		crm_report_period_label_of_day(crm_ts_days(c->opened,
		    c->opened_off), pk, month);
		crm_report_sla(c, C->now, 0, &due, &met);
		re_el += due;
		re_met += met;
		count_add(&C->sla_due[0], month, due);
		count_add(&C->sla_met[0], month, met);
		crm_report_sla(c, C->now, 1, &due, &met);
		rs_el += due;
		rs_met += met;
		count_add(&C->sla_due[1], month, due);
		count_add(&C->sla_met[1], month, met);
		if (c->satisfaction > 0) {
			sat_n++;
			sat_sum += c->satisfaction;
			if (c->satisfaction >= 4)
				sat_good++;
		}
	}
	qsort(tresp, nresp, sizeof *tresp, cmp64);
	qsort(tres, nres, sizeof *tres, cmp64);

	/* Repeat complainers: customers with two complaints or more. */
	qsort(cv, n, sizeof *cv, cmpcid);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		struct repeater r = { cv[i]->customer_id, 0, 0, INT64_MIN, 0 };

		while (j < n && !strcmp(cv[j]->customer_id, r.id)) {
			r.n++;
			r.active += crm_complaint_status_active(cv[j]->status);
			if (cv[j]->opened > r.last) {
				r.last = cv[j]->opened;
				r.last_off = cv[j]->opened_off;
			}
			j++;
		}
		if (*r.id && r.n >= 2)
			rep[nrep++] = r;
		i = j;
	}
	qsort(rep, nrep, sizeof *rep, cmprep);

	t[0] = CRM_REPORT_TAB("summary", 1, "metric", "value");
	crm_rtab_cell(t[0], "complaints");
	crm_report_int(t[0], (int64_t)n);
	crm_rtab_cell(t[0], "active");
	crm_report_int(t[0], active);
	crm_rtab_cell(t[0], "overdue");
	crm_report_int(t[0], overdue);
	crm_rtab_cell(t[0], "resolved");
	crm_report_int(t[0], resolved);
	/* A list keeps only the current status: a complaint reopened and
	 * resolved again leaves no trace in it. */
	crm_rtab_cell(t[0], "reopened");
	if (C->from_list)
		crm_rtab_cell(t[0], NULL);
	else
		crm_report_int(t[0], reopened);
	crm_rtab_cell(t[0], "reopen_rate");
	if (C->from_list)
		crm_rtab_cell(t[0], NULL);
	else
		crm_report_share(t[0], (double)reopened, (double)resolved);
	crm_rtab_cell(t[0], "satisfaction_n");
	crm_report_int(t[0], sat_n);
	crm_rtab_cell(t[0], "satisfaction_mean");
	crm_report_mean(t[0], (double)sat_sum, (double)sat_n);
	crm_rtab_cell(t[0], "satisfaction_csat");
	crm_report_share(t[0], (double)sat_good, (double)sat_n);

	t[1] = compl_volume(C, V_CATEGORY);
	t[2] = compl_volume(C, V_CAUSE);
	t[3] = compl_volume(C, V_SEVERITY);

	t[4] = CRM_REPORT_TAB("times", 1, "measure", "complaints", "median_h",
	    "p90_h");
	times_row(t[4], "first_response", tresp, nresp);
	times_row(t[4], "resolution", tres, nres);

	t[5] = CRM_REPORT_TAB("sla", 1, "target", "due", "met", "compliance");
	crm_rtab_cell(t[5], "response");
	crm_report_int(t[5], re_el);
	crm_report_int(t[5], re_met);
	crm_report_share(t[5], (double)re_met, (double)re_el);
	crm_rtab_cell(t[5], "resolution");
	crm_report_int(t[5], rs_el);
	crm_report_int(t[5], rs_met);
	crm_report_share(t[5], (double)rs_met, (double)rs_el);

	t[6] = CRM_REPORT_TAB("repeat", 1, "customer_id", "complaints",
	    "active", "last_opened");
	for (size_t i = 0; i < nrep && i < TOP_REPEAT; i++) {
		crm_rtab_cell(t[6], rep[i].id);
		crm_report_int(t[6], rep[i].n);
		crm_report_int(t[6], rep[i].active);
		crm_ts_format(rep[i].last, rep[i].last_off, ts);
		crm_rtab_cell(t[6], ts);
	}
	t[7] = CRM_REPORT_TAB(pn, 1, pn, "opened", "resolved");
	ms = crm_report_sorted(&C->months);
	nm = crm_strmap_count(&C->months);
	for (size_t i = 0; i < nm; i++) {
		const char *m = crm_strmap_key(&C->months, ms[i], NULL);

		crm_rtab_cell(t[7], m);
		crm_report_int(t[7], count_get(&C->opened, m));
		crm_report_int(t[7], count_get(&C->resolved, m));
	}
	crm_report_complete(t[7], C->o, 0);
	free(ms);
	free(tresp);
	free(tres);
	free(cv);
	free(rep);
	return 8;
}

static void
trend_chart(struct compl *C, struct crm_buf *svg)
{
	size_t nm = crm_strmap_count(&C->months);
	size_t *ms = crm_report_sorted(&C->months);
	const char **mv = crm_xcalloc(nm + 1, sizeof *mv);
	double *y = crm_xcalloc(2 * nm + 1, sizeof *y);
	struct crm_svg_series s[2] = {
		{ "opened", y }, { "resolved", y + nm }
	};
	const char *pn = crm_report_period_name(
	    (enum crm_report_period)C->o->period);
	char title[40];

	for (size_t i = 0; i < nm; i++) {
		mv[i] = crm_strmap_key(&C->months, ms[i], NULL);
		y[i] = (double)count_get(&C->opened, mv[i]);
		y[nm + i] = (double)count_get(&C->resolved, mv[i]);
	}
	snprintf(title, sizeof title, "Complaints by %s", pn);
	crm_svg_lines(svg, title, pn, "complaints", mv, nm, s, 2, 0);
	free(y);
	free(mv);
	free(ms);
}

void
crm_report_sla_chart(struct crm_buf *svg, const char *pname,
    const char *const *periods, size_t np, const int64_t *due,
    const int64_t *met)
{
	static const struct crm_svg_axis share = { 0, 1, "%", 100 };
	double *y = crm_xcalloc(crm_mulsz(2, np) + 1, sizeof *y);
	struct crm_svg_series s[2] = {
		{ "response within SLA", y }, { "resolution within SLA", y + np }
	};
	char title[48];

	for (size_t i = 0; i < np; i++)
		for (int k = 0; k < 2; k++)
			y[(size_t)k * np + i] = due[2 * i + (size_t)k] ?
			    (double)met[2 * i + (size_t)k] /
			    (double)due[2 * i + (size_t)k] : NAN;
	snprintf(title, sizeof title, "SLA compliance by %s opened", pname);
	crm_svg_lines_ax(svg, title, pname, "met, % of targets due",
	    periods, np, s, 2, &share);
	free(y);
}

static void
sla_chart(struct compl *C, struct crm_buf *svg)
{
	size_t nm = crm_strmap_count(&C->months);
	size_t *ms = crm_report_sorted(&C->months);
	const char **mv = crm_xcalloc(nm + 1, sizeof *mv);
	int64_t *due = crm_xcalloc(crm_mulsz(2, nm) + 1, sizeof *due);
	int64_t *met = crm_xcalloc(crm_mulsz(2, nm) + 1, sizeof *met);

	for (size_t i = 0; i < nm; i++) {
		mv[i] = crm_strmap_key(&C->months, ms[i], NULL);
		for (int k = 0; k < 2; k++) {
			due[2 * i + (size_t)k] = count_get(&C->sla_due[k],
			    mv[i]);
			met[2 * i + (size_t)k] = count_get(&C->sla_met[k],
			    mv[i]);
		}
	}
	crm_report_sla_chart(svg, crm_report_period_name(
	    (enum crm_report_period)C->o->period), mv, nm, due, met);
	free(due);
	free(met);
	free(mv);
	free(ms);
}

static size_t
compl_plots(void *st, size_t k, struct crm_buf *svg, const char **name)
{
	static const char *const names[] = { "trend", "sla" };

	if (k >= 2)
		return 2;
	*name = names[k];
	if (svg && k == 0)
		trend_chart(st, svg);
	else if (svg)
		sla_chart(st, svg);
	return 2;
}

const struct crm_report_ops crm_report_complaints = {
	.name = "complaints",
	.flags = CRM_REPORT_ASOF | CRM_REPORT_NOW | CRM_REPORT_PERIOD |
	    CRM_REPORT_MERGE | CRM_REPORT_PHEAD,
	.by = NULL,
	.columns = NULL,
	.new = compl_new,
	.begin = compl_begin,
	.add = compl_add,
	.partial = compl_partial,
	.merge = compl_merge,
	.tables = compl_tables,
	.plots = compl_plots,
	.free = compl_free,
	.by_attr = 1,
	.attr_key = "complaint_id",
};
