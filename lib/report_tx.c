/*
 * report_tx: the transactions input of the value and churn reports (see
 * report_tx.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "rec.h"
#include "report_tx.h"

/* The version of the partial format below (report_tx.h). */
#define TX_FORMAT "1"

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
	x->cmd_asof_set = o->asof_set;
	x->cmd_asof_day = o->asof_day;
	x->agg = crm_custagg_new();
	crm_custagg_onerror(x->agg, refused, x);
}

void
crm_report_tx_release(struct crm_report_tx *x)
{
	for (size_t i = 0; i < x->nfiles; i++)
		free(x->fnames[i]);
	free(x->fnames);
	free(x->opts);
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

/* ---- partials ---- */

static void
date_or_dash(int set, int32_t day, char out[11])
{
	if (set)
		crm_date_format(day, out);
	else
		strcpy(out, "-");
}

/* The options row's value for o: how its transactions were picked. */
static void
opts_of(const struct crm_report_opts *o, char *out, size_t n)
{
	char a[11], s[11], u[11];

	date_or_dash(o->asof_set, o->asof_day, a);
	date_or_dash(o->window && o->since != CRM_DATE_MIN, o->since, s);
	date_or_dash(o->window && o->until != CRM_DATE_MAX, o->until, u);
	snprintf(out, n, "as_of=%s since=%s until=%s", a, s, u);
}

void
crm_report_tx_partial(void *st, struct crm_report_sink *s)
{
	struct crm_report_tx *x = st;
	struct crm_out m;
	char opts[80], *p, *end;

	if (x->opts)
		snprintf(opts, sizeof opts, "%s", x->opts);
	else
		opts_of(x->o, opts, sizeof opts);
	crm_report_put(s, "#", "format", TX_FORMAT, opts, 1);
	crm_report_put(s, "t", "", "lines", "", (int64_t)x->lines);
	if (x->has_orders)
		crm_report_put(s, "t", "", "order_ids", "", 1);
	/* custagg's own partial lines, one row each */
	crm_custagg_flush(x->agg);
	crm_out_init(&m, -1, "partial");
	crm_custagg_write_partial(x->agg, &m);
	p = memchr(m.buf, '\n', m.n);
	end = m.buf + m.n;
	for (p = p ? p + 1 : end; p < end; ) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *f[4];
		int nf = 1;

		*nl = '\0';
		f[0] = p;
		for (char *q = p; (q = strchr(q, '\t')) && nf < 4; ) {
			*q++ = '\0';
			f[nf++] = q;
		}
		crm_report_put(s, "c", f[0], f[2], nf == 4 ? f[3] : "",
		    strtoll(f[1], NULL, 10));
		p = nl + 1;
	}
	free(m.buf);
}

/* Parse "as_of=D since=D until=D" (D a date or "-"): 0, or -1. */
static int
opts_parse(const char *s, int32_t d[3], int set[3])
{
	static const char *const k[3] = { "as_of=", "since=", "until=" };

	for (int i = 0; i < 3; i++) {
		size_t l = strlen(k[i]), n;

		if (strncmp(s, k[i], l))
			return -1;
		s += l;
		n = strcspn(s, " ");
		set[i] = !(n == 1 && *s == '-');
		if (set[i] && crm_date_parse(s, n, 0, &d[i]))
			return -1;
		s += n;
		if (*s != (i < 2 ? ' ' : '\0'))
			return -1;
		s += *s == ' ';
	}
	return 0;
}

/* The "#" row of a part. */
static int
merge_format(struct crm_report_tx *x, const char *group, const char *metric,
    const char *value, const char **why, int *col)
{
	int32_t d[3];
	int set[3];
	char day[11];

	if (crm_report_format_check(group, metric, TX_FORMAT, x->why,
	    sizeof x->why, why, col) < 0)
		return -1;
	if (opts_parse(value, d, set) < 0) {
		*why = "not the options of a partial";
		*col = 5;
		return -1;
	}
	if (x->opts) {
		if (!strcmp(x->opts, value))
			return 0;
		snprintf(x->why, sizeof x->why, "partial made with other "
		    "--as-of, --since or --until than the part before (%s)",
		    x->opts);
		*why = x->why;
		*col = 5;
		return -1;
	}
	if (x->cmd_asof_set && (!set[0] || d[0] != x->cmd_asof_day)) {
		crm_date_format(x->cmd_asof_day, day);
		snprintf(x->why, sizeof x->why, "partial made with another "
		    "as-of day than the merge's %s (give --as-of to --partial "
		    "only)", day);
		*why = x->why;
		*col = 5;
		return -1;
	}
	x->opts = crm_xstrdup(value);
	if (set[0]) {
		/* the merge judges as the one run did */
		x->o->asof_set = 1;
		x->o->asof_day = d[0];
		x->o->done_day = set[2] && d[2] < d[0] ? d[2] : d[0];
	}
	return 0;
}

int
crm_report_tx_merge(void *st, const char *scope, const char *group,
    const char *metric, const char *value, int64_t n, const char **why,
    int *col)
{
	struct crm_report_tx *x = st;
	const char *e;
	char ord[24], *id;
	size_t idlen;
	int32_t last;

	if (!strcmp(scope, "#"))
		return merge_format(x, group, metric, value, why, col);
	if (!strcmp(scope, "t") && !*group && !*value && n >= 0 &&
	    (!strcmp(metric, "lines") || !strcmp(metric, "order_ids"))) {
		if (*metric == 'l')
			x->lines += (uint64_t)n;
		else {
			x->has_orders = 1;
			crm_custagg_count_orders(x->agg);
		}
		return 0;
	}
	if (strcmp(scope, "c")) {
		*why = "not a counter of this report";
		*col = strcmp(scope, "t") ? 2 : 4;
		return -1;
	}
	if (n < 1) {
		*why = "bad order count";
		*col = 6;
		return -1;
	}
	if (x->o->asof_set) {
		/* the latest day is the last entry's: refused before it is
		 * merged, as one run would never have counted it */
		const char *l = strrchr(metric, ',');

		if (strtol(l ? l + 1 : metric, NULL, 10) > x->o->asof_day) {
			*why = "purchase after the partial's as-of day";
			*col = 4;
			return -1;
		}
	}
	snprintf(ord, sizeof ord, "%" PRId64, n);
	id = crm_xstrdup(group);
	idlen = crm_tsv_unescape(id, strlen(id));
	e = crm_custagg_merge_line4(x->agg, id, idlen, ord, strlen(ord),
	    metric, strlen(metric), *value ? value : NULL, strlen(value),
	    &last);
	free(id);
	if (!e)
		return 0;
	*why = e;
	*col = !strcmp(e, "empty customer id") ? 3 :
	    strstr(e, "order count") ? 6 : strstr(e, "hashes") ? 5 : 4;
	if (strstr(e, "range") || strstr(e, "too many")) {
		x->inexact = 1;
		snprintf(x->why, sizeof x->why, "%s", e);
	}
	return -1;
}

int
crm_report_tx_exact(const struct crm_report_tx *x, char *err, size_t errlen)
{
	if (!x->inexact)
		return 0;
	snprintf(err, errlen, "partials no longer merge exactly (%s): no "
	    "figures", x->why);
	return -1;
}
