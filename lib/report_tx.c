/*
 * report_tx: the transactions input of the value and churn reports (see
 * report_tx.h).
 */
#include <stdlib.h>
#include <string.h>

#include "report_tx.h"

const char *const crm_report_tx_columns[] = {
	"customer_id", "date", "amount", NULL
};

/* Queued transactions are counted (and refused) later, so an error names
 * its file through the tag: file number above TAG_SHIFT, line below. */
#define TAG_SHIFT 40

static void
refused(void *arg, long tag, int32_t day, int64_t amount)
{
	struct crm_report_tx *x = arg;

	(void)day;
	(void)amount;
	x->lines--;
	crm_report_diag(x->o, "%s:%ld: amount: customer's daily total out of "
	    "range", x->fnames[tag >> TAG_SHIFT],
	    tag & ((1L << TAG_SHIFT) - 1));
}

void
crm_report_tx_init(struct crm_report_tx *x, struct crm_report_opts *o)
{
	memset(x, 0, sizeof *x);
	x->o = o;
	x->agg = crm_custagg_new();
	crm_custagg_onerror(x->agg, refused, x);
}

void
crm_report_tx_release(struct crm_report_tx *x)
{
	for (size_t i = 0; i < x->nfiles; i++)
		free(x->fnames[i]);
	free(x->fnames);
	crm_custagg_free(x->agg);
}

int
crm_report_tx_begin(void *st, struct crm_reader *r, char *err, size_t errlen)
{
	struct crm_report_tx *x = st;

	(void)err;
	(void)errlen;
	x->c_id = crm_reader_col(r, "customer_id");
	x->c_date = crm_reader_col(r, "date");
	x->c_amt = crm_reader_col(r, "amount");
	x->c_order = x->no_orders ? -1 : crm_reader_col(r, "order_id");
	if (x->c_order >= 0)
		x->has_orders = 1;
	memset(&x->dc, 0, sizeof x->dc);
	crm_grow(&x->fnames, &x->afiles, x->nfiles + 1, sizeof *x->fnames);
	x->fnames[x->nfiles++] = crm_xstrdup(crm_reader_name(r));
	return 0;
}

int
crm_report_tx_add(void *st, const struct crm_rec *rec, const char **why,
    int *col)
{
	struct crm_report_tx *x = st;
	const char *s, *id;
	size_t n, idn;
	int32_t day;
	int64_t amt;

	id = crm_report_field(rec, x->c_id, &idn);
	if (idn == 0) {
		*why = "missing";
		*col = x->c_id;
		return -1;
	}
	s = crm_report_field(rec, x->c_date, &n);
	if ((*why = crm_date_parse_cached(&x->dc, s, n, 0, &day)) != NULL) {
		if (!n)
			*why = "missing";
		*col = x->c_date;
		return -1;
	}
	s = crm_report_field(rec, x->c_amt, &n);
	if ((*why = crm_money_parse(s, n, &amt)) != NULL) {
		if (!n)
			*why = "missing";
		*col = x->c_amt;
		return -1;
	}
	if (x->o->asof_set && day > x->o->asof_day)
		return 0;       /* had not happened as of then */
	if (crm_report_outside(x->o, day))
		return 0;       /* outside --since/--until */
	x->lines++;
	if (x->o->group) {
		/* one group of --by ATTR among many: counted at once, without
		 * the batches (and their memory) that a whole stream is worth;
		 * a refusal was told by the state of all records */
		int rc;

		if (x->c_order >= 0) {
			s = crm_report_field(rec, x->c_order, &n);
			rc = crm_custagg_add_order(x->agg, id, idn, day, amt, s,
			    n);
		} else {
			rc = crm_custagg_add(x->agg, id, idn, day, amt);
		}
		if (rc < 0)
			x->lines--;
		return 0;
	}
	if (x->c_order >= 0) {
		s = crm_report_field(rec, x->c_order, &n);     /* trimmed */
		crm_custagg_queue_order(x->agg, id, idn, day, amt, s, n,
		    (long)(x->nfiles - 1) << TAG_SHIFT | rec->line);
	} else
		crm_custagg_queue(x->agg, id, idn, day, amt,
		    (long)(x->nfiles - 1) << TAG_SHIFT | rec->line);
	return 0;
}

struct collect {
	const struct crm_cust **v;
	size_t n;
};

static int
collect1(void *arg, const struct crm_cust *c)
{
	struct collect *x = arg;

	x->v[x->n++] = c;
	return 0;
}

const struct crm_cust **
crm_report_tx_customers(struct crm_report_tx *x, size_t *np)
{
	struct collect c;

	crm_custagg_flush(x->agg);
	*np = crm_custagg_count(x->agg);
	c.v = crm_xmalloc(crm_mulsz(*np + 1, sizeof *c.v));
	c.n = 0;
	crm_custagg_each(x->agg, collect1, &c);
	c.v[c.n] = NULL;
	return c.v;
}
