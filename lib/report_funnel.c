/*
 * report_funnel: customers by status in funnel order (potential, intent,
 * customer, lost), with each stage's share of all customers, how many
 * reached it (are at it or at a later stage) and the conversion from the
 * stage before, overall or per value of any column of the customers file
 * or of a band derived from one (age_band, tenure_band: custattr.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds.h"
#include "report.h"
#include "report_figs.h"

#define NSTAGE 4                /* crm_vocab_status, in funnel order */
#define UNKNOWN "(unknown)"     /* the stage of an empty status */

struct funnel {
	struct crm_report_opts *o;
	struct crm_strmap groups;
	int64_t (*n)[NSTAGE + 1];       /* by group slot: stages, unknown */
	size_t alloc;
	struct crm_strmap ids;          /* customers seen, for duplicates */
	int c_id, c_status, c_by, c_created;
	int band;               /* --by age_band 1, tenure_band 2, else 0 */
	struct crm_buf gb;
};

/* ---- figures ---- */

void
crm_report_funnel_reached(const int64_t *n, int64_t *reached)
{
	int64_t sum = 0;

	for (int s = NSTAGE - 1; s >= 0; s--) {
		sum += n[s];
		reached[s] = sum;
	}
}

double
crm_report_funnel_conversion(const int64_t *reached, int s)
{
	if (s <= 0 || s >= NSTAGE || reached[s - 1] == 0)
		return -1;
	return (double)reached[s] / (double)reached[s - 1];
}

/* ---- state and input ---- */

static void *
funnel_new(struct crm_report_opts *o)
{
	struct funnel *F = crm_xcalloc(1, sizeof *F);

	F->o = o;
	crm_strmap_init(&F->groups);
	crm_strmap_init(&F->ids);
	crm_buf_init(&F->gb);
	return F;
}

static void
funnel_free(void *st)
{
	struct funnel *F = st;

	crm_strmap_release(&F->groups);
	crm_strmap_release(&F->ids);
	crm_buf_release(&F->gb);
	free(F->n);
	free(F);
}

static int
funnel_begin(void *st, struct crm_reader *r, char *err, size_t errlen)
{
	struct funnel *F = st;

	F->c_id = crm_reader_col(r, "customer_id");
	F->c_status = crm_reader_col(r, "status");
	F->c_by = -1;
	F->c_created = crm_reader_col(r, "created");
	if (F->o->window && F->c_created < 0) {
		snprintf(err, errlen, "%s: no 'created' column (--since, "
		    "--until)", crm_reader_name(r));
		return -1;
	}
	F->band = !F->o->by ? 0 : !strcmp(F->o->by, "age_band") ? 1 :
	    !strcmp(F->o->by, "tenure_band") ? 2 : 0;
	if (F->band) {
		const char *from = F->band == 1 ? "birth_year" : "created";

		if ((F->c_by = crm_reader_col(r, from)) < 0) {
			snprintf(err, errlen, "%s: no '%s' column (--by %s)",
			    crm_reader_name(r), from, F->o->by);
			return -1;
		}
	} else if (F->o->by && (F->c_by = crm_reader_col(r, F->o->by)) < 0) {
		snprintf(err, errlen, "%s: no '%s' column (--by)",
		    crm_reader_name(r), F->o->by);
		return -1;
	}
	return 0;
}

/* The band of field s[0..n) ("" when empty), or NULL with the reason in
 * *why. */
static const char *
band_of(const struct funnel *F, const char *s, size_t n, const char **why)
{
	int32_t day;
	int64_t y;

	if (!n)
		return "";
	if (F->band == 1) {
		if ((*why = crm_int_parse(s, n, 1900, 2100, &y)) != NULL)
			return NULL;
		return crm_custattr_age_band((int)y, F->o->attr_day);
	}
	if ((*why = crm_date_parse(s, n, CRM_DATE_STRICT, &day)) != NULL) {
		int64_t t;
		int off;

		if (crm_ts_parse(s, n, CRM_TS_STRICT, &t, &off)) {
			*why = "not a date";
			return NULL;
		}
		*why = NULL;
		day = crm_ts_days(t, off);
	}
	return crm_custattr_tenure_band(day, F->o->attr_day);
}

static int
funnel_add(void *st, const struct crm_rec *rec, const char **why, int *col)
{
	struct funnel *F = st;
	const char *id, *s;
	size_t idn, n, g;
	int stage, isnew;

	id = crm_report_field(rec, F->c_id, &idn);
	if (idn == 0) {
		*why = "missing";
		*col = F->c_id;
		return -1;
	}
	s = crm_report_field(rec, F->c_status, &n);
	stage = n ? crm_vocab_index(crm_vocab_status, s, n) : NSTAGE;
	if (stage < 0) {
		*why = "not a status (potential, intent, customer, lost)";
		*col = F->c_status;
		return -1;
	}
	if (F->o->window) {
		int32_t day;

		/* the window holds the customers created in it */
		s = crm_report_field(rec, F->c_created, &n);
		if ((*why = crm_date_parse(s, n, 0, &day)) != NULL) {
			if (!n)
				*why = "missing";
			*col = F->c_created;
			return -1;
		}
		if (crm_report_outside(F->o, day))
			return 0;
	}
	crm_strmap_add(&F->ids, id, idn, &isnew);
	if (!isnew) {
		*why = "customer listed twice";
		*col = F->c_id;
		return -1;
	}
	if (F->band) {
		s = crm_report_field(rec, F->c_by, &n);
		if ((s = band_of(F, s, n, why)) == NULL) {
			*col = F->c_by;
			return -1;
		}
		if (!*s)
			s = CRM_REPORT_NONE;
		n = strlen(s);
	} else if (F->c_by >= 0) {
		s = crm_report_field(rec, F->c_by, &n);
		if (n == 0) {
			s = CRM_REPORT_NONE;
			n = strlen(CRM_REPORT_NONE);
		}
		crm_buf_reset(&F->gb);
		crm_buf_add(&F->gb, s, n);
		for (char *p = F->gb.p; *p; p++)
			if (*p == '\t')
				*p = ' ';
		s = F->gb.p;
		n = strlen(s);
	} else {
		s = "all";
		n = 3;
	}
	g = crm_strmap_add(&F->groups, s, n, &isnew);
	if (isnew) {
		crm_grow(&F->n, &F->alloc, g + 1, sizeof *F->n);
		memset(F->n[g], 0, sizeof F->n[g]);
	}
	F->n[g][stage]++;
	return 0;
}

/* ---- tables ---- */

static const struct funnel *sort_f;

/* Bands in their own order, after (none); other groups bytewise. */
static int
cmp_band(const void *a, const void *b)
{
	const char *const *v = sort_f->band == 1 ? crm_custattr_age_bands :
	    crm_custattr_tenure_bands;
	const char *x = crm_strmap_key(&sort_f->groups, *(const size_t *)a,
	    NULL);
	const char *y = crm_strmap_key(&sort_f->groups, *(const size_t *)b,
	    NULL);
	int rx = crm_vocab_index(v, x, strlen(x));
	int ry = crm_vocab_index(v, y, strlen(y));

	return rx != ry ? (rx < ry ? -1 : 1) : strcmp(x, y);
}

/* The rows of one group (label NULL without --by). */
static void
rows(struct crm_rtab *t, const char *label, const int64_t *n)
{
	int64_t all = 0, reached[NSTAGE];

	for (int s = 0; s <= NSTAGE; s++)
		all += n[s];
	crm_report_funnel_reached(n, reached);
	for (int s = 0; s <= NSTAGE; s++) {
		double conv;

		if (s == NSTAGE && n[s] == 0)
			break;          /* no customer without a status */
		if (label)
			crm_rtab_cell(t, label);
		crm_rtab_cell(t, s < NSTAGE ? crm_vocab_status[s] : UNKNOWN);
		crm_report_int(t, n[s]);
		crm_report_share(t, (double)n[s], (double)all);
		if (s == NSTAGE) {
			crm_rtab_cell(t, NULL);
			crm_rtab_cell(t, NULL);
			continue;
		}
		crm_report_int(t, reached[s]);
		conv = crm_report_funnel_conversion(reached, s);
		if (conv < 0)
			crm_rtab_cell(t, NULL);
		else
			crm_rtab_cellf(t, "%.4f", conv);
	}
}

static int
funnel_tables(void *st, struct crm_rtab **ts, char *err, size_t errlen)
{
	struct funnel *F = st;
	size_t ng = crm_strmap_count(&F->groups);
	size_t *gs = crm_report_sorted(&F->groups);
	int64_t tot[NSTAGE + 1] = { 0 }, all = 0;
	struct crm_rtab *t;

	(void)err;
	(void)errlen;
	if (F->band) {
		sort_f = F;
		qsort(gs, ng, sizeof *gs, cmp_band);
		sort_f = NULL;
	}
	for (size_t g = 0; g < ng; g++)
		for (int s = 0; s <= NSTAGE; s++)
			tot[s] += F->n[g][s];
	for (int s = 0; s <= NSTAGE; s++)
		all += tot[s];
	if (F->o->by) {
		t = crm_report_tab("funnel", (const char *const[]){ F->o->by,
		    "stage", "customers", "share", "reached", "conversion" },
		    6, 2);
		crm_rtab_chart(t, 1, 3, "%.4f");
		for (size_t x = 0; x < ng; x++)
			rows(t, crm_strmap_key(&F->groups, gs[x], NULL),
			    F->n[gs[x]]);
		crm_rtab_totals(t);
		rows(t, "total", tot);
	} else {
		t = CRM_REPORT_TAB("funnel", 1, "stage", "customers", "share",
		    "reached", "conversion");
		crm_rtab_chart(t, 0, 2, "%.4f");
		rows(t, NULL, tot);
		crm_rtab_totals(t);
		crm_rtab_cell(t, "total");
		crm_report_int(t, all);
		crm_report_share(t, (double)all, (double)all);
		crm_rtab_cell(t, NULL);
		crm_rtab_cell(t, NULL);
	}
	free(gs);
	ts[0] = t;
	return 1;
}

static const char *const funnel_columns[] = {
	"customer_id", "status", NULL
};

const struct crm_report_ops crm_report_funnel = {
	.name = "funnel",
	.flags = CRM_REPORT_BY_ANY | CRM_REPORT_ASOF,
	.by = NULL,
	.columns = funnel_columns,
	.new = funnel_new,
	.begin = funnel_begin,
	.add = funnel_add,
	.partial = NULL,
	.merge = NULL,
	.tables = funnel_tables,
	.plots = NULL,
	.free = funnel_free,
};
