/*
 * report_tx: the transactions input that the value and churn reports
 * share: per-customer purchase days and amounts (custagg), purchases after
 * the as-of day left out, refused daily totals reported by file and line.
 * With an order_id column, a customer's orders are its distinct order ids
 * (the lines of one order count once) plus its lines with an empty id.
 * A report's state begins with a struct crm_report_tx, so that the begin
 * and add operations here serve both, and so do the partial and merge
 * operations: a partial is the customers' custagg state (crm-segment's
 * partial lines, see custagg.h) as rows of crm-report's partial format,
 *	#  format  1  as_of=DATE since=DATE until=DATE   1
 *	c  ID      DAY:AMOUNT,...  HASH,...             ORDERS
 *	t  ""      lines           ""                   LINES
 *	t  ""      order_ids       ""                   1
 * (scope group metric value n; ID TSV-escaped as custagg writes it, a
 * date "-" when not given).  The options row says how the transactions
 * were picked: every part must have been made with the same ones, and a
 * merge with --as-of only with that same day.
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
	/* merging: the command's own as-of day (cmd_asof_set), the options
	 * row of the first part (NULL before it), whether a merged line
	 * made the aggregate inexact (then why) */
	int cmd_asof_set;
	int32_t cmd_asof_day;
	char *opts;
	int inexact;
	char why[160];
};

void crm_report_tx_init(struct crm_report_tx *x, struct crm_report_opts *o);
void crm_report_tx_release(struct crm_report_tx *x);
/* The begin and add operations of the reports over transactions. */
int crm_report_tx_begin(void *st, struct crm_reader *r, char *err,
    size_t errlen);
int crm_report_tx_add(void *st, const struct crm_rec *rec, const char **why,
    int *col);
/* The partial and merge operations of the reports over transactions,
 * and the check their tables begin with: 0; or -1 with the reason in err
 * when a merged line left its range (the aggregate is no longer exact). */
void crm_report_tx_partial(void *st, struct crm_report_sink *s);
int crm_report_tx_merge(void *st, const char *scope, const char *group,
    const char *metric, const char *value, int64_t n, const char **why,
    int *col);
int crm_report_tx_exact(const struct crm_report_tx *x, char *err,
    size_t errlen);
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
