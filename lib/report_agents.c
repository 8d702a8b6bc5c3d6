/*
 * report_agents: how each agent performs.  From the interaction log (the
 * operands): interactions handled, by channel, mean satisfaction, and the
 * follow-ups due and overdue as of the as-of day.  From the complaint log
 * of --complaints, folded as of the as-of time: complaints owned, responded
 * and resolved, SLA compliance for response and resolution, median times
 * and the reopen rate.  Optionally per month (--by month), sorted by any
 * column (--sort).
 *
 * Definitions, shared rather than restated:
 *  - a follow-up is what crm-log due lists with reason next_action: per
 *    customer, the latest interaction (by instant; at equal instants the
 *    smallest next_action) on or before the as-of day carries the
 *    customer's standing next_action, and it is due when that date is on
 *    or before the as-of day, overdue when before it.  A later interaction
 *    without a next_action settles an earlier one.  The follow-up belongs
 *    to the agent of that interaction.  crm-log keeps its reading in
 *    cmd/crm-log.c, so this is the same definition, not the same code.
 *  - a complaint belongs to its owner in the fold (lib/complaint.h), the
 *    owner crm-complaint list prints: the agent who took it first, unless
 *    it was assigned since, or its first responder when it was opened
 *    without an agent.
 *  - first response, "resolved", the SLA and the median are those of the
 *    complaints report (report_figs.h): the same complaint counts the same
 *    in both reports.
 * Records and complaints without an agent are counted under (none).
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaint.h"
#include "kinds.h"
#include "report.h"
#include "report_figs.h"
#include "value.h"

/* Channels of the vocabulary, then "other" for any other value. */
#define NCHAN_MAX 32

/* The figures of one row (an agent, or an agent in a month). */
struct grp {
	size_t agent;           /* slot in names */
	char period[8];         /* "YYYY-MM" with --by month, else "" */
	int64_t inter, sat_n, sat_sum, due, overdue;
	int64_t ch[NCHAN_MAX + 1];
	int64_t compl, responded, resolved, reopened;
	int64_t re_due, re_met, rs_due, rs_met;
	int64_t med_resp, med_res;      /* seconds, -1 none */
	double key;             /* the --sort figure, NAN for an empty cell */
};

/* A customer's standing follow-up, as crm-log due keeps it. */
struct cust {
	struct crm_followup fu;
	size_t agent;           /* the agent of the interaction it is from */
};

struct agents {
	struct crm_report_opts *o;
	int by_month;
	size_t nchan;
	struct crm_strmap names;        /* agent names */
	struct crm_strmap groups;       /* period NUL agent slot -> grp */
	struct grp *g;
	size_t galloc;
	struct crm_strmap custs;
	struct cust *c;
	size_t calloc_;
	int c_ts, c_cust, c_agent, c_chan, c_sat, c_next;
};

/* The columns of the agents table; every one can be a --sort key. */
enum { A_AGENT, A_INTER, A_SATN, A_SAT, A_DUE, A_OVERDUE, A_COMPL,
	A_RESP, A_RES, A_RESP_SLA, A_RES_SLA, A_MED_RESP, A_MED_RES,
	A_REOPEN, A_N };
static const char *const agents_cols[A_N + 1] = {
	"agent", "interactions", "satisfaction_n", "satisfaction_mean",
	"followups_due", "followups_overdue", "complaints", "responded",
	"resolved", "response_sla", "resolution_sla", "median_response_h",
	"median_resolution_h", "reopen_rate", NULL
};

static const char *const agents_by[] = { "month", NULL };
static const char *const agents_need[] = { "ts", "customer_id", "agent",
	"channel", NULL };

void
crm_report_mean_half_up(char out[32], int64_t sum, int64_t n)
{
	/* sum / n to two places, half up, in integers: (200 sum + n) / 2n
	 * hundredths (sum and n are not negative). */
	int64_t h = (200 * sum + n) / (2 * n);

	snprintf(out, 32, "%lld.%02lld", (long long)(h / 100),
	    (long long)(h % 100));
}

static void *
agents_new(struct crm_report_opts *o)
{
	struct agents *A = crm_xcalloc(1, sizeof *A);

	A->o = o;
	A->by_month = o->by && !strcmp(o->by, "month");
	while (crm_vocab_channel[A->nchan] && A->nchan < NCHAN_MAX)
		A->nchan++;
	crm_strmap_init(&A->names);
	crm_strmap_init(&A->groups);
	crm_strmap_init(&A->custs);
	return A;
}

static void
agents_free(void *st)
{
	struct agents *A = st;

	crm_strmap_release(&A->names);
	crm_strmap_release(&A->groups);
	crm_strmap_release(&A->custs);
	free(A->g);
	free(A->c);
	free(A);
}

static int
agents_begin(void *st, struct crm_reader *r, char *err, size_t errlen)
{
	struct agents *A = st;

	(void)err;
	(void)errlen;
	A->c_ts = crm_reader_col(r, "ts");
	A->c_cust = crm_reader_col(r, "customer_id");
	A->c_agent = crm_reader_col(r, "agent");
	A->c_chan = crm_reader_col(r, "channel");
	A->c_sat = crm_reader_col(r, "satisfaction");
	A->c_next = crm_reader_col(r, "next_action");
	return 0;
}

/* The slot of an agent name, "(none)" for an empty one. */
static size_t
name_slot(struct agents *A, const char *s, size_t n)
{
	if (n == 0) {
		s = CRM_REPORT_NONE;
		n = strlen(s);
	}
	return crm_strmap_add(&A->names, s, n, NULL);
}

/* The row of (period, agent), made empty when new. */
static struct grp *
group(struct agents *A, const char *period, size_t agent)
{
	char key[8 + sizeof agent];
	size_t pn = A->by_month ? strlen(period) : 0, i;
	int isnew;

	memcpy(key, period, pn);
	memcpy(key + pn, &agent, sizeof agent);
	i = crm_strmap_add(&A->groups, key, pn + sizeof agent, &isnew);
	if (isnew) {
		crm_grow(&A->g, &A->galloc, i + 1, sizeof *A->g);
		memset(&A->g[i], 0, sizeof A->g[i]);
		A->g[i].agent = agent;
		A->g[i].med_resp = A->g[i].med_res = -1;
		if (A->by_month)
			memcpy(A->g[i].period, period, pn + 1);
	}
	return &A->g[i];
}

static int
agents_add(void *st, const struct crm_rec *rec, const char **why, int *col)
{
	struct agents *A = st;
	const char *s;
	size_t n, ai, ci, k;
	int64_t t, us, sat = 0;
	int32_t usec, day, next = -1;
	int off, isnew, v;
	char month[8];
	struct grp *g;
	struct cust *c;

	s = crm_report_field(rec, A->c_ts, &n);
	if ((*why = crm_ts_parse_us(s, n, 0, &t, &off, &usec)) != NULL) {
		if (!n)
			*why = "missing";
		*col = A->c_ts;
		return -1;
	}
	us = t * 1000000 + usec;
	day = crm_ts_days(t, off);
	s = crm_report_field(rec, A->c_sat, &n);
	if (n && crm_int_parse(s, n, 1, 5, &sat)) {
		*why = "satisfaction out of range 1-5";
		*col = A->c_sat;
		return -1;
	}
	s = crm_report_field(rec, A->c_next, &n);
	if (n && (*why = crm_date_parse(s, n, 0, &next)) != NULL) {
		*col = A->c_next;
		return -1;
	}
	s = crm_report_field(rec, A->c_cust, &n);
	if (!n) {
		*why = "missing";
		*col = A->c_cust;
		return -1;
	}
	/* After the as-of day, as crm-log due reads the log; outside
	 * --since/--until, left out as every report leaves it out. */
	if (A->o->asof_set && day > A->o->asof_day)
		return 0;
	if (crm_report_outside(A->o, day))
		return 0;
	ci = crm_strmap_add(&A->custs, s, n, &isnew);
	s = crm_report_field(rec, A->c_agent, &n);
	ai = name_slot(A, s, n);
	if (isnew) {
		crm_grow(&A->c, &A->calloc_, ci + 1, sizeof *A->c);
		memset(&A->c[ci], 0, sizeof A->c[ci]);
	}
	c = &A->c[ci];
	if (crm_followup_see(&c->fu, us, next))
		c->agent = ai;
	crm_report_month_of_day(day, month);
	g = group(A, month, ai);
	g->inter++;
	s = crm_report_field(rec, A->c_chan, &n);
	v = crm_vocab_index(crm_vocab_channel, s, n);
	k = v >= 0 && (size_t)v < A->nchan ? (size_t)v : A->nchan;
	g->ch[k]++;       /* ch[nchan]: other */
	if (sat) {
		g->sat_n++;
		g->sat_sum += sat;
	}
	return 0;
}

static void
fold_warn(void *ctx, const char *msg)
{
	crm_report_diag(ctx, "%s", msg);
}

/* A time and its row, for the medians. */
struct tpair {
	size_t g;
	int64_t secs;
};

static int
cmp_tpair(const void *a, const void *b)
{
	const struct tpair *x = a, *y = b;

	if (x->g != y->g)
		return x->g < y->g ? -1 : 1;
	return (x->secs > y->secs) - (x->secs < y->secs);
}

/* The median of each row's times into *field (a member offset). */
static void
medians(struct agents *A, struct tpair *v, size_t n, size_t field)
{
	int64_t *x = crm_xcalloc(n + 1, sizeof *x);

	qsort(v, n, sizeof *v, cmp_tpair);
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && v[j].g == v[i].g) {
			x[j - i] = v[j].secs;
			j++;
		}
		*(int64_t *)(void *)((char *)&A->g[v[i].g] + field) =
		    crm_report_percentile(x, j - i, 50);
		i = j;
	}
	free(x);
}

/* Fold the complaint log and count each complaint for its owner. */
static int
read_complaints(struct agents *A, char *err, size_t errlen)
{
	struct crm_complaint_fold *f = crm_complaint_fold_new();
	struct tpair *tr, *ts;
	size_t n, nr = 0, ns = 0;
	char month[8];

	crm_complaint_fold_until(f, A->o->asof_t);
	if (crm_complaint_fold_store(f, A->o->complaints, fold_warn, A->o,
	    err, errlen) < 0) {
		crm_complaint_fold_free(f);
		return -1;
	}
	n = crm_complaint_fold_count(f);
	tr = crm_xcalloc(n + 1, sizeof *tr);
	ts = crm_xcalloc(n + 1, sizeof *ts);
	for (size_t i = 0; i < n; i++) {
		struct crm_complaint *c = crm_complaint_fold_at(f, i);
		int32_t oday = crm_ts_days(c->opened, c->opened_off);
		size_t ai;
		int64_t fr;
		struct grp *g;
		size_t gi;
		int due, met;

		/* a complaint is in the window of the day it was opened */
		if (crm_report_outside(A->o, oday))
			continue;
		ai = name_slot(A, c->owner, strlen(c->owner));
		fr = crm_report_first_response(c);
		crm_report_month_of_day(oday, month);
		g = group(A, month, ai);
		gi = (size_t)(g - A->g);
		g->compl++;
		if (fr != CRM_COMPLAINT_NOTIME) {
			g->responded++;
			tr[nr].g = gi;
			tr[nr++].secs = fr - c->opened;
		}
		if (c->resolved != CRM_COMPLAINT_NOTIME) {
			ts[ns].g = gi;
			ts[ns++].secs = c->resolved - c->opened;
		}
		if (crm_report_ever_resolved(c))
			g->resolved++;
		if (c->reopens > 0)
			g->reopened++;
		crm_report_sla(c, A->o->asof_t, 0, &due, &met);
		g->re_due += due;
		g->re_met += met;
		crm_report_sla(c, A->o->asof_t, 1, &due, &met);
		g->rs_due += due;
		g->rs_met += met;
	}
	medians(A, tr, nr, offsetof(struct grp, med_resp));
	medians(A, ts, ns, offsetof(struct grp, med_res));
	free(tr);
	free(ts);
	crm_complaint_fold_free(f);
	return 0;
}

static double
ratio(int64_t a, int64_t b)
{
	return b ? (double)a / (double)b : NAN;
}

/* The --sort figure of row g. */
static double
sort_key(const struct agents *A, const struct grp *g, int k)
{
	int cm = A->o->complaints != NULL;

	switch (k) {
	case A_INTER: return (double)g->inter;
	case A_SATN: return (double)g->sat_n;
	case A_SAT: return ratio(g->sat_sum, g->sat_n);
	case A_DUE: return (double)g->due;
	case A_OVERDUE: return (double)g->overdue;
	case A_COMPL: return cm ? (double)g->compl : NAN;
	case A_RESP: return cm ? (double)g->responded : NAN;
	case A_RES: return cm ? (double)g->resolved : NAN;
	case A_RESP_SLA: return ratio(g->re_met, g->re_due);
	case A_RES_SLA: return ratio(g->rs_met, g->rs_due);
	case A_MED_RESP: return g->med_resp < 0 ? NAN : (double)g->med_resp;
	case A_MED_RES: return g->med_res < 0 ? NAN : (double)g->med_res;
	case A_REOPEN: return ratio(g->reopened, g->resolved);
	default: return NAN;
	}
}

static const struct agents *sort_A;
static int sort_col;

/* Periods ascending; then the figure descending (empty cells last), or
 * the agent ascending; ties by agent. */
static int
cmp_grp(const void *a, const void *b)
{
	const struct grp *x = &sort_A->g[*(const size_t *)a];
	const struct grp *y = &sort_A->g[*(const size_t *)b];
	int c = strcmp(x->period, y->period);

	if (c)
		return c;
	if (sort_col != A_AGENT) {
		int xn = isnan(x->key), yn = isnan(y->key);

		if (xn != yn)
			return xn - yn;
		if (!xn && x->key != y->key)
			return x->key > y->key ? -1 : 1;
	}
	return strcmp(crm_strmap_key(&sort_A->names, x->agent, NULL),
	    crm_strmap_key(&sort_A->names, y->agent, NULL));
}

static void
hours(struct crm_rtab *t, int64_t secs)
{
	if (secs < 0)
		crm_rtab_cell(t, NULL);
	else
		crm_rtab_cellf(t, "%.2f", (double)secs / 3600 + 0.0);
}

static int
agents_tables(void *st, struct crm_rtab **t, char *err, size_t errlen)
{
	struct agents *A = st;
	const char *cols[NCHAN_MAX + 3];
	size_t nl = A->by_month ? 1 : 0, nc = 0, ng, *ord;
	int cm = A->o->complaints != NULL;

	sort_col = A_AGENT;
	for (int k = 0; A->o->sort && agents_cols[k]; k++)
		if (!strcmp(A->o->sort, agents_cols[k]))
			sort_col = k;
	/* The standing follow-ups, in the month of their date. */
	for (size_t i = 0; i < crm_strmap_count(&A->custs); i++) {
		const struct cust *c = &A->c[i];
		char month[8];
		struct grp *g;

		if (c->fu.next < 0 || !A->o->asof_set ||
		    c->fu.next > A->o->asof_day)
			continue;
		crm_report_month_of_day(c->fu.next, month);
		g = group(A, month, c->agent);
		g->due++;
		g->overdue += c->fu.next < A->o->asof_day;
	}
	if (cm && read_complaints(A, err, errlen) < 0)
		return -1;
	ng = crm_strmap_count(&A->groups);
	ord = crm_xcalloc(ng + 1, sizeof *ord);
	for (size_t i = 0; i < ng; i++) {
		ord[i] = i;
		A->g[i].key = sort_key(A, &A->g[i], sort_col);
	}
	sort_A = A;
	qsort(ord, ng, sizeof *ord, cmp_grp);
	sort_A = NULL;

	if (nl)
		cols[nc++] = "month";
	for (int k = 0; k < A_N; k++)
		cols[nc++] = agents_cols[k];
	t[0] = crm_report_tab("agents", cols, nc, nl + 1);
	nc = 0;
	if (nl)
		cols[nc++] = "month";
	cols[nc++] = "agent";
	for (size_t k = 0; k < A->nchan; k++)
		cols[nc++] = crm_vocab_channel[k];
	cols[nc++] = "other";
	t[1] = crm_report_tab("channels", cols, nc, nl + 1);

	for (size_t i = 0; i < ng; i++) {
		const struct grp *g = &A->g[ord[i]];
		const char *name = crm_strmap_key(&A->names, g->agent, NULL);
		char mean[32];

		if (nl)
			crm_rtab_cell(t[0], g->period);
		crm_rtab_cell(t[0], name);
		crm_report_int(t[0], g->inter);
		crm_report_int(t[0], g->sat_n);
		if (g->sat_n) {
			crm_report_mean_half_up(mean, g->sat_sum, g->sat_n);
			crm_rtab_cell(t[0], mean);
		} else {
			crm_rtab_cell(t[0], NULL);
		}
		crm_report_int(t[0], g->due);
		crm_report_int(t[0], g->overdue);
		if (cm) {
			crm_report_int(t[0], g->compl);
			crm_report_int(t[0], g->responded);
			crm_report_int(t[0], g->resolved);
		} else {
			/* No complaint log: no figure beats a zero. */
			for (int k = 0; k < 3; k++)
				crm_rtab_cell(t[0], NULL);
		}
		crm_report_share(t[0], (double)g->re_met, (double)g->re_due);
		crm_report_share(t[0], (double)g->rs_met, (double)g->rs_due);
		hours(t[0], g->med_resp);
		hours(t[0], g->med_res);
		crm_report_share(t[0], (double)g->reopened,
		    (double)g->resolved);

		if (nl)
			crm_rtab_cell(t[1], g->period);
		crm_rtab_cell(t[1], name);
		for (size_t k = 0; k <= A->nchan; k++)
			crm_report_int(t[1], g->ch[k]);
	}
	if (nl) {
		/* the groups are periods: mark the running one */
		crm_report_complete(t[0], A->o, 0);
		crm_report_complete(t[1], A->o, 0);
	}
	free(ord);
	return 2;
}

const struct crm_report_ops crm_report_agents = {
	.name = "agents",
	.flags = CRM_REPORT_ASOF | CRM_REPORT_NOW | CRM_REPORT_BY |
	    CRM_REPORT_SORT | CRM_REPORT_COMPL,
	.by = agents_by,
	.columns = agents_need,
	.sort = agents_cols,
	.new = agents_new,
	.begin = agents_begin,
	.add = agents_add,
	.partial = NULL,
	.merge = NULL,
	.tables = agents_tables,
	.plots = NULL,
	.free = agents_free,
};
