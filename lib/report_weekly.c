/*
 * report_weekly: the weekly service summary (周报), one ISO 8601 week
 * against the week before.  From the interaction log (the operands):
 * contacts by channel and the follow-ups due by agent; from the complaint
 * log of --complaints: complaints opened, resolved and overdue, SLA
 * compliance and the categories; from the surveys of --surveys: CSAT and
 * NPS; from the transactions of --transactions: active, new and churned
 * customers.  A kind whose file is not given is left out, with a note,
 * never shown as zeros.
 *
 * Every figure is another report's, not a new definition:
 *  - follow-ups are the agents report's (crm_followup_see), counted as of
 *    each week's last day: due when the customer's standing next_action is
 *    on or before it, overdue when before it;
 *  - complaints are folded as of each week's end (lib/complaint.h); first
 *    response, the SLA and overdue are the complaints report's
 *    (report_figs.h), the SLA over the complaints opened in the week;
 *  - CSAT and NPS are the satisfaction report's --by week rows, and active,
 *    new and churned customers the churn report's --period week rows: the
 *    surveys and the transactions are read by those reports' own
 *    operations (crm_report_read), so the figures cannot differ.
 * The change is this week less the week before: a count's difference, a
 * share's in percentage points, NPS's in points.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaint.h"
#include "report.h"
#include "report_figs.h"
#include "svg.h"
#include "value.h"

extern const struct crm_report_ops crm_report_satisfaction,
    crm_report_churn;

/* Week k: 0 this week, 1 the week before. */
struct cust {
	struct crm_followup fu[2];
	size_t agent[2];
};

/* A count in each week, by a name (channel, category, agent). */
struct dim {
	struct crm_strmap keys;
	int64_t (*n)[2];
	int64_t (*over)[2];     /* follow-ups: overdue ones */
	size_t alloc;
};

struct weekly {
	struct crm_report_opts *o;
	int32_t week[2];                /* week numbers */
	int32_t first[2], last[2];      /* their days */
	int32_t cut[2];                 /* last day counted: last, or the
	                                   as-of day in a running week */
	int64_t cut_t[2];               /* the instant complaints fold to */
	char label[2][CRM_REPORT_PLABEL];
	int64_t contacts[2];
	struct dim chan, cat, agents;
	struct crm_strmap custs;
	struct cust *c;
	size_t calloc_;
	int c_ts, c_cust, c_chan, c_agent, c_next;
};

static const char *const weekly_need[] = { "ts", "customer_id", "channel",
	NULL };

static void
dim_init(struct dim *d)
{
	memset(d, 0, sizeof *d);
	crm_strmap_init(&d->keys);
}

static void
dim_release(struct dim *d)
{
	crm_strmap_release(&d->keys);
	free(d->n);
	free(d->over);
}

/* The slot of name s[0..n) ("(none)" when empty), counts zeroed. */
static size_t
dim_slot(struct dim *d, const char *s, size_t n)
{
	size_t i;
	int isnew;

	if (n == 0) {
		s = CRM_REPORT_NONE;
		n = strlen(s);
	}
	i = crm_strmap_add(&d->keys, s, n, &isnew);
	if (isnew) {
		crm_grow(&d->n, &d->alloc, i + 1, sizeof *d->n);
		d->over = crm_xrealloc(d->over, crm_mulsz(d->alloc,
		    sizeof *d->over));
		memset(&d->n[i], 0, sizeof d->n[i]);
		memset(&d->over[i], 0, sizeof d->over[i]);
	}
	return i;
}

static void *
weekly_new(struct crm_report_opts *o)
{
	struct weekly *W = crm_xcalloc(1, sizeof *W);

	W->o = o;
	/* --week, else the last week before the as-of day's */
	W->week[0] = o->week_set ? o->week :
	    crm_report_period_of(o->asof_day, CRM_PERIOD_WEEK) - 1;
	W->week[1] = W->week[0] - 1;
	for (int k = 0; k < 2; k++) {
		W->first[k] = crm_report_period_first(W->week[k],
		    CRM_PERIOD_WEEK);
		W->last[k] = crm_report_period_last(W->week[k],
		    CRM_PERIOD_WEEK);
		W->cut[k] = W->last[k];
		/* the end of its last day, in the as-of offset */
		W->cut_t[k] = ((int64_t)W->last[k] + 1) * 86400 -
		    (int64_t)o->asof_off * 60 - 1;
		if (W->cut[k] >= o->asof_day) {
			W->cut[k] = o->asof_day;
			W->cut_t[k] = o->asof_t;
		}
		crm_report_period_label(W->week[k], CRM_PERIOD_WEEK,
		    W->label[k]);
	}
	dim_init(&W->chan);
	dim_init(&W->cat);
	dim_init(&W->agents);
	crm_strmap_init(&W->custs);
	return W;
}

static void
weekly_free(void *st)
{
	struct weekly *W = st;

	dim_release(&W->chan);
	dim_release(&W->cat);
	dim_release(&W->agents);
	crm_strmap_release(&W->custs);
	free(W->c);
	free(W);
}

static int
weekly_begin(void *st, struct crm_reader *r, char *err, size_t errlen)
{
	struct weekly *W = st;

	(void)err;
	(void)errlen;
	W->c_ts = crm_reader_col(r, "ts");
	W->c_cust = crm_reader_col(r, "customer_id");
	W->c_chan = crm_reader_col(r, "channel");
	W->c_agent = crm_reader_col(r, "agent");
	W->c_next = crm_reader_col(r, "next_action");
	return 0;
}

static int
weekly_add(void *st, const struct crm_rec *rec, const char **why, int *col)
{
	struct weekly *W = st;
	const char *s;
	size_t n, ci, ai;
	int64_t t, us;
	int32_t usec, day, next = -1;
	int off, isnew;
	struct cust *c;

	s = crm_report_field(rec, W->c_ts, &n);
	if ((*why = crm_ts_parse_us(s, n, 0, &t, &off, &usec)) != NULL) {
		if (!n)
			*why = "missing";
		*col = W->c_ts;
		return -1;
	}
	us = t * 1000000 + usec;
	day = crm_ts_days(t, off);
	s = crm_report_field(rec, W->c_next, &n);
	if (n && (*why = crm_date_parse(s, n, 0, &next)) != NULL) {
		*col = W->c_next;
		return -1;
	}
	s = crm_report_field(rec, W->c_cust, &n);
	if (!n) {
		*why = "missing";
		*col = W->c_cust;
		return -1;
	}
	if (day > W->cut[0])
		return 0;       /* after the week: no part of it */
	ci = crm_strmap_add(&W->custs, s, n, &isnew);
	if (isnew) {
		crm_grow(&W->c, &W->calloc_, ci + 1, sizeof *W->c);
		memset(&W->c[ci], 0, sizeof W->c[ci]);
	}
	c = &W->c[ci];
	s = crm_report_field(rec, W->c_agent, &n);
	ai = dim_slot(&W->agents, s, n);
	for (int k = 0; k < 2; k++) {
		if (day > W->cut[k])
			continue;
		if (crm_followup_see(&c->fu[k], us, next))
			c->agent[k] = ai;
		if (day >= W->first[k]) {
			size_t ch;

			W->contacts[k]++;
			s = crm_report_field(rec, W->c_chan, &n);
			ch = dim_slot(&W->chan, s, n);  /* may move chan.n */
			W->chan.n[ch][k]++;
		}
	}
	return 0;
}

/* ---- the other kinds ---- */

static void
fold_warn(void *ctx, const char *msg)
{
	crm_report_diag(ctx, "%s", msg);
}

struct cfig {
	int64_t opened, resolved, overdue, re_due, re_met, rs_due, rs_met;
};

/* Fold the complaint log as of each week's end and count. */
static int
read_complaints(struct weekly *W, struct cfig *f, char *err, size_t errlen)
{
	for (int k = 0; k < 2; k++) {
		struct crm_complaint_fold *cf = crm_complaint_fold_new();
		size_t n;

		crm_complaint_fold_until(cf, W->cut_t[k]);
		/* The second fold reads the same records: report them once. */
		if (crm_complaint_fold_file(cf, W->o->complaints, k ? NULL :
		    fold_warn, W->o, err, errlen) < 0) {
			crm_complaint_fold_free(cf);
			return -1;
		}
		memset(&f[k], 0, sizeof f[k]);
		n = crm_complaint_fold_count(cf);
		for (size_t i = 0; i < n; i++) {
			struct crm_complaint *c = crm_complaint_fold_at(cf, i);
			int32_t od = crm_ts_days(c->opened, c->opened_off);
			size_t ci;
			int due, met;

			f[k].overdue += crm_report_overdue(c, W->cut_t[k]);
			if (c->resolved != CRM_COMPLAINT_NOTIME) {
				int32_t rd = crm_ts_days(c->resolved,
				    c->opened_off);

				f[k].resolved += rd >= W->first[k] &&
				    rd <= W->cut[k];
			}
			if (od < W->first[k] || od > W->cut[k])
				continue;
			f[k].opened++;
			ci = dim_slot(&W->cat, c->category,
			    strlen(c->category));
			W->cat.n[ci][k]++;
			crm_report_sla(c, W->cut_t[k], 0, &due, &met);
			f[k].re_due += due;
			f[k].re_met += met;
			crm_report_sla(c, W->cut_t[k], 1, &due, &met);
			f[k].rs_due += due;
			f[k].rs_met += met;
		}
		crm_complaint_fold_free(cf);
	}
	return 0;
}

/* Cells of another report's table: column c of the row labelled lab in
 * each week (NULL when it has no such row or the cell is empty). */
static void
cells_of(const struct weekly *W, const struct crm_rtab *t, size_t c,
    const char *v[2])
{
	for (int k = 0; k < 2; k++) {
		v[k] = NULL;
		for (size_t r = 0; r < t->nrows && r < t->total_from; r++)
			if (!strcmp(crm_rtab_get(t, r, 0), W->label[k])) {
				v[k] = crm_rtab_get(t, r, c);
				if (!*v[k])
					v[k] = NULL;
			}
	}
}

/* The named table among ts[0..n), or NULL. */
static struct crm_rtab *
tab_named(struct crm_rtab **ts, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(ts[i]->name, name))
			return ts[i];
	return NULL;
}

/* Run report ops over the file at path for the weeks: by or period as
 * given, the window since..until when since is not CRM_DATE_MIN; its
 * tables into ts.  Its diagnostics are ours. */
static int
sub_report(struct weekly *W, const struct crm_report_ops *ops,
    const char *path, const char *by, int32_t since, int32_t until,
    struct crm_rtab **ts, char *err, size_t errlen)
{
	struct crm_report_opts *so = crm_xmalloc(sizeof *so);
	void *st;
	int nt;

	*so = *W->o;
	so->by = by;
	so->period = CRM_PERIOD_WEEK;
	so->plots = NULL;
	so->nplots = 0;
	so->charts = 0;
	so->sort = NULL;
	so->complaints = NULL;
	so->partial = so->merge = so->cohorts = 0;
	so->attrs = NULL;       /* no lost-reason table for the summary */
	so->window = since != CRM_DATE_MIN;
	so->since = since;
	so->until = until;
	so->asof_set = 1;
	so->asof_day = W->cut[0];
	so->asof_t = W->cut_t[0];
	so->done_day = W->cut[0];
	so->status = 0;
	st = ops->new(so);
	if (crm_report_read(ops, st, so, path, err, errlen) < 0) {
		ops->free(st);
		free(so);
		return -1;
	}
	nt = ops->tables(st, ts, err, errlen);
	if (so->status)
		W->o->status = so->status;
	if (nt < 0) {
		ops->free(st);
		free(so);
		return -1;
	}
	ops->free(st);          /* the state keeps so: free it first */
	free(so);
	return nt;
}

/* ---- cells ---- */

static const char *const sum_cols[] = {
	"metric", "this_week", "last_week", "change", "unit"
};

static void
row_count(struct crm_rtab *t, const char *name, int64_t a, int64_t b)
{
	crm_rtab_cell(t, name);
	crm_report_int(t, a);
	crm_report_int(t, b);
	crm_report_int(t, a - b);
	crm_rtab_cell(t, "count");
}

/* v written with places decimals as an integer in those units; 0 when it
 * is no number. */
static int
scaled(const char *v, int places, long long *x)
{
	char *end;
	double d;

	if (!v)
		return 0;
	d = strtod(v, &end);
	if (end == v || *end)
		return 0;
	*x = llround(d * (places == 4 ? 10000 : 10));
	return 1;
}

/* A row of two written figures (shares to four places, NPS to one) and
 * their change: percentage points of shares to two places, NPS points to
 * one, from the figures as written, so that it is their difference. */
static void
row_fig(struct crm_rtab *t, const char *name, const char *a, const char *b,
    int share)
{
	long long x, y, d;

	crm_rtab_cell(t, name);
	crm_rtab_cell(t, a);
	crm_rtab_cell(t, b);
	if (scaled(a, share ? 4 : 1, &x) && scaled(b, share ? 4 : 1, &y)) {
		d = x - y;
		if (share)
			crm_rtab_cellf(t, "%s%lld.%02lld", d < 0 ? "-" : "",
			    llabs(d) / 100, llabs(d) % 100);
		else
			crm_rtab_cellf(t, "%s%lld.%lld", d < 0 ? "-" : "",
			    llabs(d) / 10, llabs(d) % 10);
	} else {
		crm_rtab_cell(t, NULL);
	}
	crm_rtab_cell(t, share ? "pp" : "points");
}

/* A share a / b to four places into out ("" when b is 0). */
static const char *
share4(char out[32], int64_t a, int64_t b)
{
	if (!b)
		return NULL;
	snprintf(out, 32, "%.4f", (double)a / (double)b);
	return out;
}

static void
row_share(struct crm_rtab *t, const char *name, int64_t a0, int64_t b0,
    int64_t a1, int64_t b1)
{
	char x[32], y[32];

	row_fig(t, name, share4(x, a0, b0), share4(y, a1, b1), 1);
}

static const struct dim *sort_d;

/* This week descending, then the week before descending, then the name. */
static int
cmp_dim(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const int64_t *x = sort_d->n[i], *y = sort_d->n[j];

	if (x[0] != y[0])
		return x[0] > y[0] ? -1 : 1;
	if (x[1] != y[1])
		return x[1] > y[1] ? -1 : 1;
	return strcmp(crm_strmap_key(&sort_d->keys, i, NULL),
	    crm_strmap_key(&sort_d->keys, j, NULL));
}

/* The slots of d in table order, rows with nothing in either week left
 * out; their number in *np. */
static size_t *
dim_order(const struct dim *d, size_t *np)
{
	size_t n = crm_strmap_count(&d->keys), m = 0;
	size_t *v = crm_xcalloc(n + 1, sizeof *v);

	for (size_t i = 0; i < n; i++)
		if (d->n[i][0] || d->n[i][1])
			v[m++] = i;
	sort_d = d;
	qsort(v, m, sizeof *v, cmp_dim);
	sort_d = NULL;
	*np = m;
	return v;
}

/* Table name of d: NAME this_week last_week change, with shares of the
 * totals when tot is not NULL, and d->over's this week when over. */
static struct crm_rtab *
dim_table(const struct dim *d, const char *name, const char *col,
    const int64_t *tot, int over)
{
	struct crm_rtab *t;
	size_t n, *ord = dim_order(d, &n);

	if (tot)
		t = CRM_REPORT_TAB(name, 1, col, "this_week", "last_week",
		    "change", "this_share", "last_share", "share_change");
	else if (over)
		t = CRM_REPORT_TAB(name, 1, col, "this_week", "last_week",
		    "change", "overdue");
	else
		t = CRM_REPORT_TAB(name, 1, col, "this_week", "last_week",
		    "change");
	for (size_t r = 0; r < n; r++) {
		const int64_t *v = d->n[ord[r]];

		crm_rtab_cell(t, crm_strmap_key(&d->keys, ord[r], NULL));
		crm_report_int(t, v[0]);
		crm_report_int(t, v[1]);
		crm_report_int(t, v[0] - v[1]);
		if (tot) {
			char x[32], y[32];
			const char *a = share4(x, v[0], tot[0]);
			const char *b = share4(y, v[1], tot[1]);
			long long p, q, e;

			crm_rtab_cell(t, a);
			crm_rtab_cell(t, b);
			if (scaled(a, 4, &p) && scaled(b, 4, &q)) {
				e = p - q;
				crm_rtab_cellf(t, "%s%lld.%02lld", e < 0 ?
				    "-" : "", llabs(e) / 100, llabs(e) % 100);
			} else {
				crm_rtab_cell(t, NULL);
			}
		}
		if (over)
			crm_report_int(t, d->over[ord[r]][0]);
	}
	free(ord);
	return t;
}

static int
weekly_tables(void *st, struct crm_rtab **t, char *err, size_t errlen)
{
	struct weekly *W = st;
	struct crm_report_opts *o = W->o;
	struct cfig cf[2];
	int64_t due[2] = { 0, 0 }, over[2] = { 0, 0 };
	struct crm_rtab *sub[CRM_REPORT_MAXTABS], *sum;
	const char *a[2], *b[2];
	struct crm_buf note;
	char d0[11], d1[11];
	int nt = 0;

	/* The standing follow-ups as of each week's last day. */
	for (size_t i = 0; i < crm_strmap_count(&W->custs); i++)
		for (int k = 0; k < 2; k++) {
			const struct cust *c = &W->c[i];

			if (!c->fu[k].seen || c->fu[k].next < 0 ||
			    c->fu[k].next > W->cut[k])
				continue;
			due[k]++;
			W->agents.n[c->agent[k]][k]++;
			if (c->fu[k].next < W->cut[k]) {
				over[k]++;
				W->agents.over[c->agent[k]][k]++;
			}
		}
	if (o->complaints && read_complaints(W, cf, err, errlen) < 0)
		return -1;

	t[nt] = CRM_REPORT_TAB("weeks", 1, "week", "iso_week", "first_day",
	    "last_day", "complete");
	for (int k = 0; k < 2; k++) {
		crm_rtab_cell(t[nt], k ? "last_week" : "this_week");
		crm_rtab_cell(t[nt], W->label[k]);
		crm_date_format(W->first[k], d0);
		crm_date_format(W->last[k], d1);
		crm_rtab_cell(t[nt], d0);
		crm_rtab_cell(t[nt], d1);
		crm_report_int(t[nt], W->last[k] <= o->done_day);
	}
	nt++;

	sum = t[nt++] = crm_rtab_new("summary", sum_cols, 5);
	for (size_t c = 1; c <= 3; c++)
		crm_rtab_numeric(sum, c);       /* the unit is a word */
	row_count(sum, "contacts", W->contacts[0], W->contacts[1]);
	if (o->complaints) {
		row_count(sum, "complaints_opened", cf[0].opened,
		    cf[1].opened);
		row_count(sum, "complaints_resolved", cf[0].resolved,
		    cf[1].resolved);
		row_count(sum, "complaints_overdue", cf[0].overdue,
		    cf[1].overdue);
		row_share(sum, "response_sla", cf[0].re_met, cf[0].re_due,
		    cf[1].re_met, cf[1].re_due);
		row_share(sum, "resolution_sla", cf[0].rs_met, cf[0].rs_due,
		    cf[1].rs_met, cf[1].rs_due);
	}
	if (o->surveys) {
		int ns = sub_report(W, &crm_report_satisfaction, o->surveys,
		    "week", W->first[1], W->cut[0], sub, err, errlen);
		struct crm_rtab *cs, *np;
		int64_t x[2];

		if (ns < 0)
			goto fail;
		cs = tab_named(sub, ns, "csat");
		np = tab_named(sub, ns, "nps");
		cells_of(W, cs, 1, a);
		for (int k = 0; k < 2; k++)
			x[k] = a[k] ? strtoll(a[k], NULL, 10) : 0;
		row_count(sum, "csat_responses", x[0], x[1]);
		cells_of(W, cs, 3, a);
		row_fig(sum, "csat", a[0], a[1], 1);
		cells_of(W, np, 1, a);
		for (int k = 0; k < 2; k++)
			x[k] = a[k] ? strtoll(a[k], NULL, 10) : 0;
		row_count(sum, "nps_responses", x[0], x[1]);
		cells_of(W, np, 5, a);
		row_fig(sum, "nps", a[0], a[1], 0);
		for (int i = 0; i < ns; i++)
			crm_rtab_free(sub[i]);
	}
	if (o->transactions) {
		int ns = sub_report(W, &crm_report_churn, o->transactions,
		    NULL, CRM_DATE_MIN, CRM_DATE_MAX, sub, err, errlen);
		static const struct { const char *name; size_t col; } cc[] = {
			{ "customers_active", 5 }, { "customers_new", 2 },
			{ "customers_churned", 4 },
		};

		if (ns < 0)
			goto fail;
		for (size_t i = 0; i < sizeof cc / sizeof cc[0]; i++) {
			int64_t x[2];

			cells_of(W, sub[0], cc[i].col, a);
			for (int k = 0; k < 2; k++)
				x[k] = a[k] ? strtoll(a[k], NULL, 10) : 0;
			row_count(sum, cc[i].name, x[0], x[1]);
		}
		cells_of(W, sub[0], 6, b);
		row_fig(sum, "churn_rate", b[0], b[1], 1);
		for (int i = 0; i < ns; i++)
			crm_rtab_free(sub[i]);
	}
	row_count(sum, "followups_due", due[0], due[1]);
	row_count(sum, "followups_overdue", over[0], over[1]);

	crm_buf_init(&note);
	crm_date_format(W->first[0], d0);
	crm_date_format(W->last[0], d1);
	crm_buf_addf(&note, "%s (%s to %s) against %s", W->label[0], d0, d1,
	    W->label[1]);
	if (W->last[0] > o->done_day) {
		crm_date_format(W->cut[0], d0);
		crm_buf_addf(&note, "; %s is still running as of %s: its "
		    "figures are provisional", W->label[0], d0);
	}
	if (!o->complaints)
		crm_buf_adds(&note, "; no --complaints: complaint figures "
		    "left out");
	if (!o->surveys)
		crm_buf_adds(&note, "; no --surveys: csat and nps left out");
	if (!o->transactions)
		crm_buf_adds(&note, "; no --transactions: customer figures "
		    "left out");
	crm_rtab_note(sum, note.p);
	crm_buf_release(&note);

	t[nt++] = dim_table(&W->chan, "channels", "channel", W->contacts, 0);
	if (o->complaints)
		t[nt++] = dim_table(&W->cat, "categories", "category", NULL,
		    0);
	t[nt++] = dim_table(&W->agents, "followups", "agent", NULL, 1);
	return nt;
fail:
	for (int i = 0; i < nt; i++)
		crm_rtab_free(t[i]);
	return -1;
}

/* Contacts by channel, a line for each week over the channels in the
 * channels table's order, so the two weeks read against each other at
 * every channel (bars of both would be twice as many labels). */
static size_t
weekly_plots(void *st, size_t k, struct crm_buf *svg, const char **name)
{
	struct weekly *W = st;
	size_t n, *ord;
	const char **lab;
	double *v;
	struct crm_svg_series s[2];
	char title[96];

	if (k >= 1)
		return 1;
	*name = "channels";
	if (!svg)
		return 1;
	ord = dim_order(&W->chan, &n);
	lab = crm_xcalloc(n + 1, sizeof *lab);
	v = crm_xcalloc(2 * n + 1, sizeof *v);
	for (size_t r = 0; r < n; r++) {
		lab[r] = crm_strmap_key(&W->chan.keys, ord[r], NULL);
		for (int w = 0; w < 2; w++)
			v[(size_t)w * n + r] = (double)W->chan.n[ord[r]][w];
	}
	for (int w = 0; w < 2; w++) {
		s[w].name = W->label[w];
		s[w].y = v + (size_t)w * n;
	}
	snprintf(title, sizeof title, "Contacts by channel: %s against %s",
	    W->label[0], W->label[1]);
	crm_svg_lines(svg, title, "channel", "contacts", lab, n, s, 2, 0);
	free(lab);
	free(v);
	free(ord);
	return 1;
}

const struct crm_report_ops crm_report_weekly = {
	.name = "weekly",
	.flags = CRM_REPORT_ASOF | CRM_REPORT_NOW | CRM_REPORT_COMPL |
	    CRM_REPORT_WEEK,
	.by = NULL,
	.columns = weekly_need,
	.sort = NULL,
	.new = weekly_new,
	.begin = weekly_begin,
	.add = weekly_add,
	.partial = NULL,
	.merge = NULL,
	.tables = weekly_tables,
	.plots = weekly_plots,
	.free = weekly_free,
};
