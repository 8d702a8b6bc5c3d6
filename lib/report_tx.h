/*
 * report_tx: the transactions input that the value and churn reports
 * share: per-customer purchase days and amounts (custagg), purchases after
 * the as-of day left out, refused daily totals reported by file and line.
 * With an order_id column, a customer's orders are its distinct order ids
 * (the lines of one order count once) plus its lines with an empty id.
 * A report's state begins with a struct crm_report_tx, so that the begin
 * and add operations here serve both.
 */
#ifndef CRM_REPORT_TX_H
#define CRM_REPORT_TX_H

#include "custagg.h"
#include "report.h"
#include "value.h"

struct crm_report_tx {
	struct crm_report_opts *o;
	struct crm_custagg *agg;
	char **fnames;          /* every input, for the diagnostics */
	size_t nfiles, afiles;
	int c_id, c_date, c_amt;
	int c_order;            /* order_id, or -1: without it each line is
	                           an order */
	int has_orders;         /* some input had an order_id column */
	int no_orders;          /* set by a report that prints no order
	                           counts: order_id is not read at all */
	uint64_t lines;         /* transactions queued, less those refused
	                           (with order ids orders are fewer) */
	struct crm_date_cache dc;
};

void crm_report_tx_init(struct crm_report_tx *x, struct crm_report_opts *o);
void crm_report_tx_release(struct crm_report_tx *x);
/* The begin and add operations of the reports over transactions. */
int crm_report_tx_begin(void *st, struct crm_reader *r, char *err,
    size_t errlen);
int crm_report_tx_add(void *st, const struct crm_rec *rec, const char **why,
    int *col);
/* Every customer, after counting what is queued, in no particular order;
 * NULL-terminated, the caller frees the array. */
const struct crm_cust **crm_report_tx_customers(struct crm_report_tx *x,
    size_t *np);

extern const char *const crm_report_tx_columns[];

/* churn's table of lost customers by lost_reason (o->attrs set): the
 * customers of o->attrs (of o->group's only, in a --by ATTR group) with
 * status lost by reason, and the revenue of cs[0..n) that was theirs
 * (report_lost.c).  The caller frees it. */
struct crm_rtab *crm_report_lost_reasons(const struct crm_report_opts *o,
    const struct crm_cust *const *cs, size_t n);

#endif
