/*
 * report_campaigns: what each marketing campaign reached and what came
 * back.  From the interaction log (the operands) and the transactions of
 * --transactions: per campaign, contacts, customers reached, responders,
 * the response rate, responses and the revenue of the purchases they
 * brought, and how many contacts still wait out their window.
 *
 * Definitions (crm-report(1) says the same):
 *  - a contact is an interaction with a campaign and initiator company;
 *  - a response is an interaction with initiator customer (whatever its
 *    campaign column says) or a purchase (a line of --transactions);
 *  - a response follows a contact when it comes after it, an interaction
 *    at a later instant, a purchase (which has a date only) on the
 *    contact's day or later, and within the window: its day less the
 *    contact's day (days as written) is at most --window N (14);
 *  - last touch: a response belongs to the customer's latest contact
 *    before it, if that one's window still holds it, and to no campaign
 *    otherwise (so no response counts twice, and revenue adds up); of
 *    two contacts at the same instant the campaign first in byte order
 *    is the later;
 *  - revenue is the sum of every purchase attributed to the campaign, all
 *    of them in the window, not just the first, refunds included;
 *  - a contact is open while its window runs past the as-of day (its day
 *    plus N is after it): the campaign's column complete is 0 and its
 *    figures may still grow;
 *  - --since and --until pick the contacts reported, by their day; the
 *    last touch is found among all contacts, so a range never moves a
 *    response to another campaign.  Records after the as-of day are left
 *    out.  An interaction with a campaign and no initiator is neither a
 *    contact nor a response: it is counted in no_initiator.
 * Not mergeable: the last touch needs every event of a customer at once.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds.h"
#include "report.h"
#include "sort.h"
#include "svg.h"
#include "value.h"

#define CAMP_WINDOW_DEFAULT 14

enum { EV_REPLY, EV_BUY, EV_CONTACT };  /* the order within one instant */

/* One contact or response of one customer. */
struct ev {
	int64_t us;             /* instant; INT64_MAX for a purchase, after
	                           every interaction of its day */
	int64_t amount;         /* a purchase's, minor units */
	uint32_t cust, camp;    /* slots; camp for a contact only */
	int32_t day;            /* the day as written */
	uint8_t kind;           /* EV_* */
	uint8_t in_range;       /* a contact within --since/--until */
};

struct camp {
	int64_t contacts, reached, responders, replies, buys, open;
	int64_t no_init;
	int32_t first, last;    /* contact days, of those in range */
	uint32_t mark_reach, mark_resp; /* the customer slot + 1 counted last */
	struct crm_money_sum revenue;
};

/* Responses of one source, and where they went. */
struct src {
	int64_t events, attributed, outside, unattributed;
	struct crm_money_sum amount, amount_attr;
};

struct campaigns {
	struct crm_report_opts *o;
	int window;
	struct crm_strmap custs, camps;
	struct camp *c;
	size_t calloc_;
	struct ev *ev;
	size_t nev, aev;
	int c_ts, c_cust, c_init, c_camp;
	int t_cust, t_date, t_amt;
	struct crm_date_cache dc;
	/* the totals over all campaigns */
	int64_t reached, responders;
	struct src src[2];      /* EV_REPLY, EV_BUY */
	int swept;
};

static const char *const campaigns_need[] = { "ts", "customer_id",
	"initiator", "campaign", NULL };
static const char *const tx_need[] = { "customer_id", "date", "amount",
	NULL };

static void *
campaigns_new(struct crm_report_opts *o)
{
	struct campaigns *C = crm_xcalloc(1, sizeof *C);

	C->o = o;
	C->window = o->campaign_window > 0 ? o->campaign_window :
	    CAMP_WINDOW_DEFAULT;
	crm_strmap_init(&C->custs);
	crm_strmap_init(&C->camps);
	for (int k = 0; k < 2; k++) {
		crm_money_sum_init(&C->src[k].amount);
		crm_money_sum_init(&C->src[k].amount_attr);
	}
	return C;
}

static void
campaigns_free(void *st)
{
	struct campaigns *C = st;

	crm_strmap_release(&C->custs);
	crm_strmap_release(&C->camps);
	free(C->c);
	free(C->ev);
	free(C);
}

static int
campaigns_begin(void *st, struct crm_reader *r, char *err, size_t errlen)
{
	struct campaigns *C = st;

	(void)err;
	(void)errlen;
	C->c_ts = crm_reader_col(r, "ts");
	C->c_cust = crm_reader_col(r, "customer_id");
	C->c_init = crm_reader_col(r, "initiator");
	C->c_camp = crm_reader_col(r, "campaign");
	return 0;
}

static uint32_t
cust_slot(struct campaigns *C, const char *s, size_t n)
{
	return (uint32_t)crm_strmap_add(&C->custs, s, n, NULL);
}

static struct camp *
camp_of(struct campaigns *C, const char *s, size_t n, uint32_t *slot)
{
	int isnew;
	size_t i = crm_strmap_add(&C->camps, s, n, &isnew);

	if (isnew) {
		crm_grow(&C->c, &C->calloc_, i + 1, sizeof *C->c);
		memset(&C->c[i], 0, sizeof C->c[i]);
		C->c[i].first = INT32_MAX;
		C->c[i].last = INT32_MIN;
		crm_money_sum_init(&C->c[i].revenue);
	}
	*slot = (uint32_t)i;
	return &C->c[i];
}

static struct ev *
ev_push(struct campaigns *C)
{
	struct ev *e;

	crm_grow(&C->ev, &C->aev, C->nev + 1, sizeof *C->ev);
	e = &C->ev[C->nev++];
	memset(e, 0, sizeof *e);
	return e;
}

static int
campaigns_add(void *st, const struct crm_rec *rec, const char **why,
    int *col)
{
	struct campaigns *C = st;
	const char *s, *cs, *id;
	size_t n, cn, idn;
	int64_t t;
	int32_t usec, day;
	int off, who;
	struct ev *e;

	s = crm_report_field(rec, C->c_ts, &n);
	if ((*why = crm_ts_parse_us(s, n, 0, &t, &off, &usec)) != NULL) {
		if (!n)
			*why = "missing";
		*col = C->c_ts;
		return -1;
	}
	day = crm_ts_days(t, off);
	id = crm_report_field(rec, C->c_cust, &idn);
	if (!idn) {
		*why = "missing";
		*col = C->c_cust;
		return -1;
	}
	s = crm_report_field(rec, C->c_init, &n);
	who = n ? crm_vocab_index(crm_vocab_initiator, s, n) : -1;
	if (n && who < 0) {
		*why = "unknown initiator (accepted: company, customer)";
		*col = C->c_init;
		return -1;
	}
	if (C->o->asof_set && day > C->o->asof_day)
		return 0;       /* after the as-of day */
	cs = crm_report_field(rec, C->c_camp, &cn);
	if (who < 0) {
		uint32_t k;

		if (cn)
			camp_of(C, cs, cn, &k)->no_init +=
			    !crm_report_outside(C->o, day);
		return 0;       /* neither a contact nor a response */
	}
	if (who == 0 && !cn)
		return 0;       /* the company's, but no campaign's */
	e = ev_push(C);
	e->us = t * 1000000 + usec;
	e->day = day;
	e->cust = cust_slot(C, id, idn);
	if (who == 0) {
		e->kind = EV_CONTACT;
		camp_of(C, cs, cn, &e->camp);
		e->in_range = !crm_report_outside(C->o, day);
	} else {
		e->kind = EV_REPLY;
	}
	return 0;
}

/* ---- --transactions ---- */

static int
tx_begin(void *st, struct crm_reader *r, char *err, size_t errlen)
{
	struct campaigns *C = st;

	(void)err;
	(void)errlen;
	C->t_cust = crm_reader_col(r, "customer_id");
	C->t_date = crm_reader_col(r, "date");
	C->t_amt = crm_reader_col(r, "amount");
	return 0;
}

static int
tx_add(void *st, const struct crm_rec *rec, const char **why, int *col)
{
	struct campaigns *C = st;
	const char *s, *id;
	size_t n, idn;
	int32_t day;
	int64_t amt;
	struct ev *e;

	id = crm_report_field(rec, C->t_cust, &idn);
	if (!idn) {
		*why = "missing";
		*col = C->t_cust;
		return -1;
	}
	s = crm_report_field(rec, C->t_date, &n);
	if ((*why = crm_date_parse_cached(&C->dc, s, n, 0, &day)) != NULL) {
		if (!n)
			*why = "missing";
		*col = C->t_date;
		return -1;
	}
	s = crm_report_field(rec, C->t_amt, &n);
	if ((*why = crm_money_parse(s, n, &amt)) != NULL) {
		if (!n)
			*why = "missing";
		*col = C->t_amt;
		return -1;
	}
	if (C->o->asof_set && day > C->o->asof_day)
		return 0;
	e = ev_push(C);
	e->us = INT64_MAX;
	e->day = day;
	e->amount = amt;
	e->kind = EV_BUY;
	e->cust = cust_slot(C, id, idn);
	return 0;
}

/* The transactions as one more input, through the driver's reader. */
static const struct crm_report_ops campaigns_tx = {
	.name = "campaigns",
	.columns = tx_need,
	.begin = tx_begin,
	.add = tx_add,
};

/* ---- the sweep ---- */

static const uint32_t *sort_rank;      /* campaign slot -> rank by name */

/* By customer, then time, responses before the contacts of their own
 * instant (a response follows a contact strictly), and of contacts of one
 * instant the campaign first in byte order last. */
static int
cmp_ev(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->cust != y->cust)
		return x->cust < y->cust ? -1 : 1;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->us != y->us)
		return x->us < y->us ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->kind == EV_CONTACT && x->camp != y->camp)
		return sort_rank[x->camp] > sort_rank[y->camp] ? -1 : 1;
	return 0;
}

/*
 * The same order by two stable radix sorts, the later key first: within
 * a day, the instant (less the day's UTC midnight, plus two days: under
 * 2^39 microseconds for any offset), the kind and the campaign's rank
 * reversed; then the customer and the day.  Fewer than 2^23 campaigns.
 */
#define REL_BITS 39
#define RANK_BITS 23

static void
sort_events(struct campaigns *C, const uint32_t *rank)
{
	size_t n = C->nev;
	struct crm_kv *kv = crm_xcalloc(n + 1, sizeof *kv);
	struct ev *out = crm_xcalloc(n + 1, sizeof *out);
	const int64_t day_us = INT64_C(86400000000);

	for (size_t i = 0; i < n; i++) {
		const struct ev *e = &C->ev[i];
		uint64_t rel = e->us == INT64_MAX ? (UINT64_C(1) << REL_BITS) -
		    1 : (uint64_t)(e->us - (int64_t)e->day * day_us +
		    2 * day_us);
		uint64_t r = e->kind == EV_CONTACT ? ((UINT64_C(1) <<
		    RANK_BITS) - 1 - rank[e->camp]) : 0;

		kv[i].k = rel << (64 - REL_BITS) | (uint64_t)e->kind <<
		    RANK_BITS | r;
		kv[i].v = i;
	}
	crm_sort_kv(kv, n);
	for (size_t i = 0; i < n; i++) {
		const struct ev *e = &C->ev[kv[i].v];

		kv[i].k = (uint64_t)e->cust << 32 |
		    ((uint32_t)e->day ^ UINT32_C(0x80000000));
	}
	crm_sort_kv(kv, n);
	for (size_t i = 0; i < n; i++)
		out[i] = C->ev[kv[i].v];
	free(C->ev);
	C->ev = out;
	C->aev = n + 1;
	free(kv);
}

static void
sweep(struct campaigns *C)
{
	size_t nc = crm_strmap_count(&C->camps);
	size_t *ord = crm_report_sorted(&C->camps);
	uint32_t *rank = crm_xcalloc(nc + 1, sizeof *rank);
	const struct ev *last = NULL;
	uint32_t reach_mark = 0, resp_mark = 0;

	for (size_t i = 0; i < nc; i++)
		rank[ord[i]] = (uint32_t)i;
	if (nc < (size_t)1 << RANK_BITS) {
		sort_events(C, rank);
	} else {
		sort_rank = rank;
		qsort(C->ev, C->nev, sizeof *C->ev, cmp_ev);
		sort_rank = NULL;
	}
	for (size_t i = 0; i < C->nev; i++) {
		const struct ev *e = &C->ev[i];
		uint32_t mark = e->cust + 1;
		struct camp *c;
		struct src *s;

		if (i && e->cust != C->ev[i - 1].cust)
			last = NULL;
		if (e->kind == EV_CONTACT) {
			last = e;
			if (!e->in_range)
				continue;
			c = &C->c[e->camp];
			c->contacts++;
			if (e->day < c->first)
				c->first = e->day;
			if (e->day > c->last)
				c->last = e->day;
			c->open += (int64_t)e->day + C->window >
			    (int64_t)C->o->asof_day;
			if (c->mark_reach != mark) {
				c->mark_reach = mark;
				c->reached++;
			}
			if (reach_mark != mark) {
				reach_mark = mark;
				C->reached++;
			}
			continue;
		}
		s = &C->src[e->kind];
		s->events++;
		crm_money_sum_add(&s->amount, e->amount);
		if (!last || (int64_t)e->day - last->day > C->window) {
			s->unattributed++;
			continue;
		}
		if (!last->in_range) {
			s->outside++;
			continue;
		}
		s->attributed++;
		crm_money_sum_add(&s->amount_attr, e->amount);
		c = &C->c[last->camp];
		if (e->kind == EV_BUY) {
			c->buys++;
			crm_money_sum_add(&c->revenue, e->amount);
		} else {
			c->replies++;
		}
		if (c->mark_resp != mark) {
			c->mark_resp = mark;
			c->responders++;
		}
		if (resp_mark != mark) {
			resp_mark = mark;
			C->responders++;
		}
	}
	free(rank);
	free(ord);
	C->swept = 1;
}

/* ---- tables ---- */

static void
money_cell(struct crm_rtab *t, const struct crm_money_sum *m)
{
	char b[48];

	crm_money_sum_format(m, b);
	crm_rtab_cell(t, b);
}

/* The purchases and the revenue, empty without --transactions: not
 * zero, since they were not looked for. */
static void
buy_cells(const struct campaigns *C, struct crm_rtab *t, int64_t n,
    const struct crm_money_sum *m)
{
	if (!C->o->transactions) {
		crm_rtab_cell(t, NULL);
		crm_rtab_cell(t, NULL);
		return;
	}
	crm_report_int(t, n);
	money_cell(t, m);
}

static void
day_cell(struct crm_rtab *t, int32_t day)
{
	char b[11];

	if (day == INT32_MAX || day == INT32_MIN) {
		crm_rtab_cell(t, NULL);
		return;
	}
	crm_date_format(day, b);
	crm_rtab_cell(t, b);
}

static int
campaigns_tables(void *st, struct crm_rtab **ts, char *err, size_t errlen)
{
	struct campaigns *C = st;
	size_t nc, *ord;
	struct crm_rtab *t, *r;
	struct crm_money_sum rev;
	struct crm_buf run;
	int64_t tot[7] = { 0 }, nrun = 0;
	char day[11];
	static const char *const srcname[2] = { "customer_interactions",
		"purchases" };

	if (C->o->transactions && crm_report_read(&campaigns_tx, C, C->o,
	    C->o->transactions, err, errlen) < 0)
		return -1;
	if (!C->swept)
		sweep(C);
	nc = crm_strmap_count(&C->camps);
	ord = crm_report_sorted(&C->camps);
	t = CRM_REPORT_TAB("campaigns", 3, "campaign", "first", "last",
	    "contacts", "reached", "responders", "response_rate",
	    "responses", "replies", "purchases", "revenue", "open",
	    "complete");
	crm_money_sum_init(&rev);
	crm_buf_init(&run);
	for (size_t i = 0; i < nc; i++) {
		const struct camp *c = &C->c[ord[i]];

		tot[4] += c->no_init;
		if (!c->contacts)
			continue;       /* only replies' campaign column, or
			                   contacts outside the range */
		crm_rtab_cell(t, crm_strmap_key(&C->camps, ord[i], NULL));
		day_cell(t, c->first);
		day_cell(t, c->last);
		crm_report_int(t, c->contacts);
		crm_report_int(t, c->reached);
		crm_report_int(t, c->responders);
		crm_report_share(t, (double)c->responders, (double)c->reached);
		crm_report_int(t, c->replies + c->buys);
		crm_report_int(t, c->replies);
		buy_cells(C, t, c->buys, &c->revenue);
		crm_report_int(t, c->open);
		crm_rtab_cell(t, c->open ? "0" : "1");
		tot[0] += c->contacts;
		tot[1] += c->replies;
		tot[2] += c->buys;
		tot[3] += c->open;
		rev.v += c->revenue.v;
		if (c->open)
			crm_buf_addf(&run, "%s%s", nrun++ ? ", " : "",
			    crm_strmap_key(&C->camps, ord[i], NULL));
	}
	crm_rtab_totals(t);
	crm_rtab_cell(t, "(all)");
	crm_rtab_cell(t, NULL);
	crm_rtab_cell(t, NULL);
	crm_report_int(t, tot[0]);
	crm_report_int(t, C->reached);
	crm_report_int(t, C->responders);
	crm_report_share(t, (double)C->responders, (double)C->reached);
	crm_report_int(t, tot[1] + tot[2]);
	crm_report_int(t, tot[1]);
	buy_cells(C, t, tot[2], &rev);
	crm_report_int(t, tot[3]);
	crm_rtab_cell(t, NULL);
	if (nrun) {
		crm_date_format(C->o->asof_day, day);
		crm_buf_addf(&run, " %s contacts whose %d-day window runs "
		    "past %s: %s figures are provisional", nrun > 1 ? "have" :
		    "has", C->window, day, nrun > 1 ? "their" : "its");
		crm_rtab_note(t, run.p);
	}
	crm_buf_release(&run);
	crm_rtab_chart(t, 0, 6, "%.4f");
	free(ord);

	r = CRM_REPORT_TAB("responses", 1, "source", "events", "attributed",
	    "outside_range", "unattributed", "amount", "amount_attributed");
	for (int k = 0; k < 2; k++) {
		const struct src *s = &C->src[k];

		if (k == EV_BUY && !C->o->transactions)
			continue;
		crm_rtab_cell(r, srcname[k]);
		crm_report_int(r, s->events);
		crm_report_int(r, s->attributed);
		crm_report_int(r, s->outside);
		crm_report_int(r, s->unattributed);
		if (k == EV_BUY) {
			money_cell(r, &s->amount);
			money_cell(r, &s->amount_attr);
		} else {
			crm_rtab_cell(r, NULL);
			crm_rtab_cell(r, NULL);
		}
	}
	/* interactions of a campaign without an initiator: counted nowhere
	 * above, shown here rather than dropped */
	crm_rtab_cell(r, "no_initiator");
	crm_report_int(r, tot[4]);
	for (int k = 0; k < 5; k++)
		crm_rtab_cell(r, NULL);
	crm_buf_init(&run);
	crm_buf_addf(&run, "window %d days, last touch", C->window);
	if (!C->o->transactions)
		crm_buf_adds(&run, "; no --transactions: purchases and "
		    "revenue left out");
	crm_rtab_note(r, run.p);
	crm_buf_release(&run);
	ts[0] = t;
	ts[1] = r;
	return 2;
}

/* The response rate of each campaign, as bars in the table's order. */
static size_t
campaigns_plots(void *st, size_t k, struct crm_buf *svg, const char **name)
{
	struct campaigns *C = st;
	size_t nc, m = 0, *ord;
	const char **lab;
	double *v;

	if (k >= 1)
		return 1;
	*name = "response";
	if (!svg)
		return 1;
	if (!C->swept)
		sweep(C);
	nc = crm_strmap_count(&C->camps);
	ord = crm_report_sorted(&C->camps);
	lab = crm_xcalloc(nc + 1, sizeof *lab);
	v = crm_xcalloc(nc + 1, sizeof *v);
	for (size_t i = 0; i < nc; i++) {
		const struct camp *c = &C->c[ord[i]];

		if (!c->reached)
			continue;
		lab[m] = crm_strmap_key(&C->camps, ord[i], NULL);
		v[m++] = (double)c->responders / (double)c->reached;
	}
	crm_svg_bars(svg, "Response rate by campaign", "campaign",
	    "responders / customers reached", lab, v, m, NULL);
	free(lab);
	free(v);
	free(ord);
	return 1;
}

const struct crm_report_ops crm_report_campaigns = {
	.name = "campaigns",
	.flags = CRM_REPORT_ASOF | CRM_REPORT_NOW | CRM_REPORT_CAMPAIGN,
	.by = NULL,
	.columns = campaigns_need,
	.sort = NULL,
	.new = campaigns_new,
	.begin = campaigns_begin,
	.add = campaigns_add,
	.partial = NULL,
	.merge = NULL,
	.tables = campaigns_tables,
	.plots = campaigns_plots,
	.free = campaigns_free,
};
