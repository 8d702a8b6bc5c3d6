/*
 * timeline: a customer's interactions, complaint events and purchases in
 * one time order.
 */
#include "timeline.h"
#include "complaint.h"
#include "kinds.h"
#include "rec.h"
#include "strmap.h"
#include "util.h"
#include "value.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const crm_tl_colnames[CRM_TL_NCOLS] = {
	"ts", "source", "id", "event", "channel", "agent", "category",
	"satisfaction", "amount", "note"
};

const char *
crm_tl_source_name(int source)
{
	switch (source) {
	case CRM_TL_TRANSACTION: return "transaction";
	case CRM_TL_INTERACTION: return "interaction";
	default: return "complaint";
	}
}

void
crm_timeline_init(struct crm_timeline *tl)
{
	memset(tl, 0, sizeof *tl);
}

void
crm_timeline_release(struct crm_timeline *tl)
{
	for (size_t i = 0; i < tl->n; i++)
		for (int k = 0; k < CRM_TL_NCOLS; k++)
			free(tl->e[i].f[k]);
	free(tl->e);
	crm_timeline_init(tl);
}

void
crm_timeline_add(struct crm_timeline *tl, long long us, long long day,
    int source, const char *const *f, const size_t *n)
{
	struct crm_tl_entry *e;

	crm_grow(&tl->e, &tl->a, tl->n + 1, sizeof *tl->e);
	e = &tl->e[tl->n];
	e->us = us;
	e->day = day;
	e->source = source;
	e->seq = tl->n++;
	for (int k = 0; k < CRM_TL_NCOLS; k++)
		e->f[k] = f[k] ? crm_xstrndup(f[k], n[k]) : crm_xstrdup("");
	free(e->f[CRM_TL_SOURCE]);
	e->f[CRM_TL_SOURCE] = crm_xstrdup(crm_tl_source_name(source));
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct crm_tl_entry *x = a, *y = b;

	if (x->us != y->us)
		return x->us < y->us ? -1 : 1;
	if (x->source != y->source)
		return x->source < y->source ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
crm_timeline_sort(struct crm_timeline *tl)
{
	if (tl->n)
		qsort(tl->e, tl->n, sizeof *tl->e, cmp_entry);
}


/* Open path for reading as a store file (a torn tail is not data) and
 * read its header. */
static struct crm_reader *
open_input(const char *path, char *err, size_t errlen)
{
	struct crm_read_opts o;
	struct crm_reader *r;

	memset(&o, 0, sizeof o);
	o.format = CRM_IN_AUTO;
	o.store = 1;
	if ((r = crm_reader_open(path, &o, err, errlen)) == NULL)
		return NULL;
	if (!crm_reader_header(r)) {
		const char *e = crm_reader_error(r);

		if (e && *e)
			snprintf(err, errlen, "%s", e);
		else
			snprintf(err, errlen, "%s: empty file, no header",
			    crm_reader_name(r));
		crm_reader_close(r);
		return NULL;
	}
	return r;
}

static void
torn_warn(struct crm_reader *r, void (*warn)(void *, const char *),
    void *ctx)
{
	char m[600];
	long long t = crm_reader_torn(r);

	if (!t || !warn)
		return;
	snprintf(m, sizeof m, "%s: torn last line ignored (%lld bytes after "
	    "the last newline)", crm_reader_name(r), t);
	warn(ctx, m);
}

static const char *const event_done[] = {
	"opened", "classified", "assigned", "responded", "resolved",
	"reopened", "closed"
};

/*
 * One pass over the complaint log: fold every event; with ids NULL report
 * the refused records and return their number, else add the events of the
 * complaints in ids.  -1 with err on a fatal error.
 */
static long
complaint_pass(struct crm_timeline *tl, const char *path,
    struct crm_complaint_fold *fold, const struct crm_strmap *ids,
    void (*warn)(void *, const char *), void *ctx, char *err, size_t errlen)
{
	struct crm_complaint_cols cols;
	struct crm_reader *r;
	struct crm_rec rec;
	long bad = 0;
	int rc, col;
	const char *why;

	if ((r = open_input(path, err, errlen)) == NULL)
		return -1;
	if (crm_complaint_cols_find(&cols, r, err, errlen) < 0) {
		crm_reader_close(r);
		return -1;
	}
	while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF) {
		const char *f[CRM_TL_NCOLS], *id, *ts;
		size_t n[CRM_TL_NCOLS], idn, tsn;
		struct crm_complaint *c;
		int64_t t;
		int off, ev;
		int32_t usec;

		if (rc == CRM_READ_FATAL) {
			snprintf(err, errlen, "%s", crm_reader_error(r));
			crm_reader_close(r);
			return -1;
		}
		if (rc == CRM_READ_BAD) {
			bad++;
			if (!ids && warn)
				warn(ctx, crm_reader_error(r));
			continue;
		}
		if (crm_complaint_fold_add(fold, &cols, &rec, &why, &col) < 0) {
			const char *val = col >= 0 && (size_t)col < rec.nf ?
			    rec.f[col].p : NULL;

			bad++;
			if (!ids && warn)
				warn(ctx, crm_reader_seterr(r, rec.line, col,
				    val, val ? rec.f[col].n : 0, "%s", why));
			continue;
		}
		if (!ids)
			continue;
		id = crm_rec_get(&rec, cols.id, &idn);
		if (crm_strmap_find(ids, id, idn) == CRM_STRMAP_NONE)
			continue;
		{
			/* the fold keys on the trimmed id */
			char *k = crm_xstrndup(id, idn);
			c = crm_complaint_fold_find(fold, k);
			free(k);
		}
		/* folded, so these parse */
		ts = crm_rec_get(&rec, cols.ts, &tsn);
		if (crm_ts_parse_us(ts, tsn, 0, &t, &off, &usec) != NULL)
			continue;
		{
			const char *evs;
			size_t evn;

			evs = crm_rec_get(&rec, cols.event, &evn);
			ev = crm_vocab_index(crm_vocab_event, evs, evn);
		}
		memset(f, 0, sizeof f);
		memset(n, 0, sizeof n);
		f[CRM_TL_TS] = ts;
		n[CRM_TL_TS] = tsn;
		f[CRM_TL_ID] = id;
		n[CRM_TL_ID] = idn;
		f[CRM_TL_EVENT] = event_done[ev];
		n[CRM_TL_EVENT] = strlen(event_done[ev]);
		if (c) {
			f[CRM_TL_CHANNEL] = c->channel;
			n[CRM_TL_CHANNEL] = strlen(c->channel);
			f[CRM_TL_CATEGORY] = c->category;
			n[CRM_TL_CATEGORY] = strlen(c->category);
		}
		f[CRM_TL_AGENT] = crm_rec_get(&rec, cols.agent,
		    &n[CRM_TL_AGENT]);
		f[CRM_TL_SATISFACTION] = crm_rec_get(&rec, cols.satisfaction,
		    &n[CRM_TL_SATISFACTION]);
		f[CRM_TL_NOTE] = crm_rec_get(&rec, cols.text, &n[CRM_TL_NOTE]);
		crm_timeline_add(tl, (long long)t * 1000000 + usec,
		    crm_ts_days(t, off), CRM_TL_COMPLAINT, f, n);
	}
	if (!ids)
		torn_warn(r, warn, ctx);
	crm_reader_close(r);
	return bad;
}

long
crm_timeline_complaints(struct crm_timeline *tl, const char *path,
    const char *cust, void (*warn)(void *ctx, const char *msg), void *ctx,
    char *err, size_t errlen)
{
	struct crm_complaint_fold *fold = crm_complaint_fold_new();
	struct crm_strmap ids;
	long bad;

	/* The first pass finds the customer's complaints as the whole log
	 * leaves them (a later event may set the customer), the second
	 * takes their events with each one's state. */
	crm_strmap_init(&ids);
	bad = complaint_pass(tl, path, fold, NULL, warn, ctx, err, errlen);
	if (bad >= 0) {
		size_t cn = crm_complaint_fold_count(fold);

		for (size_t i = 0; i < cn; i++) {
			struct crm_complaint *c = crm_complaint_fold_at(fold,
			    i);
			if (!strcmp(c->customer_id, cust))
				crm_strmap_add(&ids, c->id, strlen(c->id),
				    NULL);
		}
		crm_complaint_fold_free(fold);
		fold = crm_complaint_fold_new();
		if (crm_strmap_count(&ids) && complaint_pass(tl, path, fold,
		    &ids, NULL, NULL, err, errlen) < 0)
			bad = -1;
	}
	crm_complaint_fold_free(fold);
	crm_strmap_release(&ids);
	return bad;
}

long
crm_timeline_transactions(struct crm_timeline *tl, const char *path,
    const char *cust, void (*warn)(void *ctx, const char *msg), void *ctx,
    char *err, size_t errlen)
{
	struct crm_reader *r;
	struct crm_rec rec;
	struct crm_date_cache dc;
	long bad = 0;
	int rc, c_id, c_date, c_amt, c_order, c_prod, c_chan;
	size_t custn = strlen(cust);

	if ((r = open_input(path, err, errlen)) == NULL)
		return -1;
	c_id = crm_reader_col(r, "customer_id");
	c_date = crm_reader_col(r, "date");
	c_amt = crm_reader_col(r, "amount");
	c_order = crm_reader_col(r, "order_id");
	c_prod = crm_reader_col(r, "product");
	c_chan = crm_reader_col(r, "channel");
	if (c_id < 0 || c_date < 0 || c_amt < 0) {
		snprintf(err, errlen, "%s: no %s column", crm_reader_name(r),
		    c_id < 0 ? "customer_id" : c_date < 0 ? "date" : "amount");
		crm_reader_close(r);
		return -1;
	}
	memset(&dc, 0, sizeof dc);
	while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF) {
		const char *f[CRM_TL_NCOLS], *s, *why;
		size_t n[CRM_TL_NCOLS], sn;
		char date[11], amt[32];
		int32_t day;
		int64_t minor;

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
		s = crm_rec_get(&rec, c_id, &sn);
		if (sn != custn || memcmp(s, cust, sn))
			continue;
		s = crm_rec_get(&rec, c_date, &sn);
		if ((why = crm_date_parse_cached(&dc, s ? s : "", sn, 0,
		    &day)) != NULL) {
			bad++;
			if (warn)
				warn(ctx, crm_reader_seterr(r, rec.line,
				    c_date, s, sn, "%s", sn ? why :
				    "missing value"));
			continue;
		}
		s = crm_rec_get(&rec, c_amt, &sn);
		if ((why = s ? crm_money_parse(s, sn, &minor) :
		    "missing value") != NULL) {
			bad++;
			if (warn)
				warn(ctx, crm_reader_seterr(r, rec.line,
				    c_amt, s, sn, "%s", why));
			continue;
		}
		crm_date_format(day, date);
		crm_money_format(minor, amt);
		memset(f, 0, sizeof f);
		memset(n, 0, sizeof n);
		f[CRM_TL_TS] = date;
		n[CRM_TL_TS] = strlen(date);
		f[CRM_TL_EVENT] = "purchase";
		n[CRM_TL_EVENT] = strlen("purchase");
		f[CRM_TL_AMOUNT] = amt;
		n[CRM_TL_AMOUNT] = strlen(amt);
		f[CRM_TL_ID] = crm_rec_get(&rec, c_order, &n[CRM_TL_ID]);
		f[CRM_TL_CHANNEL] = crm_rec_get(&rec, c_chan,
		    &n[CRM_TL_CHANNEL]);
		f[CRM_TL_NOTE] = crm_rec_get(&rec, c_prod, &n[CRM_TL_NOTE]);
		/* a date alone: the start of that day in UTC */
		crm_timeline_add(tl, (long long)day * 86400 * 1000000, day,
		    CRM_TL_TRANSACTION, f, n);
	}
	torn_warn(r, warn, ctx);
	crm_reader_close(r);
	return bad;
}
