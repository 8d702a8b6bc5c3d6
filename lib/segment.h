/*
 * segment: the figures crm-segment(1) adds to each customer's purchases:
 * RFM quintile scores and the named RFM segment, the pyramid tier and ABC
 * class (through pyramid.h), the lifecycle stage, and the grouping of
 * customers with the same history into the observations a purchase model
 * (model.h) is fitted on, and the check of a fitted model's predictions
 * against a holdout period (crm-segment --holdout), and the pictures of
 * the customers (the RFM grid, recency and frequency histograms) for
 * crm-segment --plot.  Kept apart from the command so that each rule has
 * its unit tests, and so that other tools can score the same way.
 *
 * Rows are the caller's (an array it owns); these functions fill their
 * fields.  The map functions never exit: they return a message.
 */
#ifndef CRM_SEGMENT_H
#define CRM_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "custagg.h"
#include "model.h"

/* One customer's row: what the output and the scores need of
 * crm_cust_stats, in 48 bytes (recency and tenure follow from first,
 * last and the as-of day). */
struct crm_segment_row {
	const struct crm_cust *c;
	int64_t revenue;
	uint64_t orders;
	int32_t first, last;
	uint32_t days;          /* distinct purchase days */
	uint32_t group;         /* observation group (crm_segment_group) */
	unsigned char r, f, m;  /* RFM scores 1..5 */
	unsigned char tier, abc;        /* enum crm_tier, enum crm_abc */
	unsigned char stage;    /* enum crm_stage */
	unsigned char revenue_ok;
};

/* --- RFM ----------------------------------------------------------------- */

/*
 * The quintile score of a value when above of the n values are strictly
 * better: 5 - floor(5 above / n).  The customers are ranked from the best
 * (rank 0) to the worst (rank n - 1) and rank k scores 5 - floor(5 k / n);
 * a run of equal values takes the score of its best rank, the number of
 * values above it.  So equal values share a score, the best value always
 * scores 5 (a lone customer, or ten alike, is not "Lost"), a score may be
 * skipped and the quintiles may hold unequal numbers.
 */
static inline unsigned char
crm_segment_quintile(unsigned long long above, size_t n)
{
	return (unsigned char)(5 - 5 * above / n);
}

/* The span of the R and F keys over rows: the latest purchase day and
 * the order count.  crm_segment_span_add folds in a row, _join another
 * span (for rows worked out in parts). */
struct crm_segment_span {
	int32_t lastlo, lasthi;
	uint64_t ordlo, ordhi;
};

void crm_segment_span_init(struct crm_segment_span *k);
void crm_segment_span_join(struct crm_segment_span *k,
    const struct crm_segment_span *o);

/*
 * The r, f, m, tier and abc of rows[0..n), from their last, orders and
 * revenue: R by the last purchase day (later is better), F by the order
 * count, M by the revenue, each a quintile score (crm_segment_quintile,
 * ties scored from the top);
 * tier and class by crm_pyramid_classify with limits tiers[3] and abc[2].
 * ks is the span of the rows' keys: R and F are scored by counting when a
 * span holds at most 2^18 values, by sorting otherwise (same result).
 * Runs in two threads when crm_threads allows.
 */
void crm_segment_score(struct crm_segment_row *rows, size_t n,
    const int64_t tiers[3], const int64_t abc[2],
    const struct crm_segment_span *ks);

/*
 * The RFM segment map: rules "PATTERN<tab>NAME", the first that matches
 * a score triple names it; a PATTERN has three positions (R, F, M), each
 * a score 1-5, '*' or a bracket set such as [12] or [2-4].
 */
struct crm_segment_map {
	struct crm_segment_maprule {
		unsigned char set[3];   /* bit s set: score s matches */
		char *name;
	} *rule;
	size_t n, alloc;
};

/* The default map (Lost, Hibernating, ..., Champions), as text. */
extern const char crm_segment_default_map[];

void crm_segment_map_init(struct crm_segment_map *m);
void crm_segment_map_release(struct crm_segment_map *m);
/*
 * Add the rules of text (NUL-terminated, changed in place) to m; blank
 * lines and lines starting with '#' are skipped.  Returns 0, or -1 with
 * "NAME:LINE: reason" in err (name names the text).
 */
int crm_segment_map_load(struct crm_segment_map *m, char *text,
    const char *name, char *err, size_t errlen);
/* The name of scores (r, f, m), each 1..5: "" when no rule matches. */
const char *crm_segment_map_name(const struct crm_segment_map *map, int r,
    int f, int m);

/* --- lifecycle ----------------------------------------------------------- */

enum crm_stage { CRM_STAGE_EXPLORATION, CRM_STAGE_GROWTH, CRM_STAGE_STABLE,
	CRM_STAGE_DECLINE, CRM_STAGE_LAPSED };

/* "exploration", "growth", "stable", "decline", "lapsed" */
extern const char *const crm_stage_names[5];

struct crm_stage_opts {
	int churn_days;         /* lapsed after more days without purchase */
	int exploration_days;   /* a one-day customer this new explores */
	int64_t stable_band;    /* hundredths of a percent */
};

/*
 * The stage of a customer with figures s (crm_cust_stats): lapsed when
 * the recency exceeds churn_days; with one purchase day exploration up to
 * exploration_days of recency, decline after; decline when overdue;
 * otherwise growth, stable or decline as the spend of the latest period
 * is above, within or below the band around the previous period's.
 */
enum crm_stage crm_segment_stage(const struct crm_cust_stats *s,
    const struct crm_stage_opts *o);

/* --- observations -------------------------------------------------------- */

/*
 * The observation groups of rows[0..n) for a purchase model: rows with
 * the same x (days - 1), t_x (last - first when x > 0, else 0) and T
 * (asof - first), all in days, form one group, written to obs[] (room
 * for n) in ascending order of the three with times in units of unit
 * days and weight the number of rows; each row's group is set.  Returns
 * the number of groups.  By radix sort of a packed key when every value
 * fits (x < 2^22, t_x and T in [0, 2^21) days) and n >= 4096, by qsort
 * otherwise; the result is the same.
 */
size_t crm_segment_group(struct crm_segment_row *rows, size_t n,
    int32_t asof, double unit, struct crm_model_obs *obs);

/* --- calibration and holdout --------------------------------------------- */

/* Rows of the validation table: calibration frequency 0..6, then 7+. */
#define CRM_HOLDOUT_ROWS 8

struct crm_holdout_cell {
	uint64_t customers;
	uint64_t actual;        /* purchase days in the holdout window */
	double predicted;       /* purchases the model expects there */
};

struct crm_holdout_table {
	struct crm_holdout_cell f[CRM_HOLDOUT_ROWS];    /* by x, 7+ last */
	struct crm_holdout_cell all;
	uint64_t unpredicted;   /* customers left out: no finite prediction */
};

/*
 * The calibration/holdout check of a purchase model: m, fitted with
 * parameters p on the observation groups obs[0..ng) of rows[0..n) (as
 * crm_segment_group made them, each row's group set), predicts for every
 * group the purchases of a window of length t (in the unit of obs) right
 * after the calibration history, m->expected(p, obs[g], t), into pred[g]
 * (room for ng).  tab gets, by calibration frequency x = days - 1 (rows
 * 0..6, 7 and more in the last) and over all rows, the customers, the
 * sum of their actual purchase days in the window, actual[0..n) by row,
 * and the sum of their predictions.  A row whose prediction is not
 * finite is left out of the table and counted in unpredicted.  The rows
 * are the calibration customers: the caller leaves out the customers
 * whose first purchase falls in the window.
 */
void crm_segment_holdout(const struct crm_model *m, const double *p,
    const struct crm_model_obs *obs, size_t ng,
    const struct crm_segment_row *rows, const uint32_t *actual, size_t n,
    double t, double *pred, struct crm_holdout_table *tab);

struct crm_writer;

/*
 * The table as rows of w (after its header "frequency customers
 * actual_mean predicted_mean actual_sum predicted_sum"): frequency 0..6,
 * 7+ and all; the means and predicted_sum with 4 decimals, a mean NA
 * where there is no customer.
 */
void crm_segment_holdout_write(const struct crm_holdout_table *tab,
    struct crm_writer *w);

struct crm_buf;

/*
 * Append to svg the picture of the table (lib/svg): the actual and the
 * predicted mean holdout purchases, two lines over the calibration
 * frequencies 0..6 and 7+, a row without customers drawing no point.
 */
void crm_segment_holdout_plot(const struct crm_holdout_table *tab,
    struct crm_buf *svg);

/* The header names of crm_segment_holdout_write, 6 of them. */
extern const char *const crm_segment_holdout_cols[6];

/* --- pictures of the customers ------------------------------------------- */

/*
 * The RFM grid, as R's rfm package draws its heat map: the customers of
 * rows[0..n) (scored by crm_segment_score) with recency score R and
 * frequency score F in g[R - 1][F - 1], and their mean revenue (the
 * figure M scores) in minor units, summed exactly and rounded half away
 * from zero (0 in a cell without customers).
 */
struct crm_segment_rfm_cell {
	uint64_t customers;
	int64_t mean;
};

void crm_segment_rfm_grid(const struct crm_segment_row *rows, size_t n,
    struct crm_segment_rfm_cell g[5][5]);

/* Append to svg the heat map of g: rows R5 (top) to R1, columns F1 to
 * F5, each cell shaded by its mean revenue and holding the mean and
 * "n=CUSTOMERS"; a cell without customers is blank. */
void crm_segment_rfm_plot(const struct crm_segment_rfm_cell g[5][5],
    struct crm_buf *svg);

/*
 * The recency histogram: customers by days since their last purchase,
 * in the bins [lo[k], lo[k + 1]) of crm_segment_recency_lo (0, 30, 60,
 * 90, 180, 365, 730 days, the last bin open), labelled "0-29" ... "730+".
 */
#define CRM_RECENCY_BINS 7
extern const int32_t crm_segment_recency_lo[CRM_RECENCY_BINS];
extern const char *const crm_segment_recency_labels[CRM_RECENCY_BINS];

void crm_segment_recency_hist(const struct crm_segment_row *rows, size_t n,
    int32_t asof, uint64_t bins[CRM_RECENCY_BINS]);
/* Its bar chart into svg; asof names the as-of day on the x axis
 * (CRM_DATE_INVALID: none, as without customers). */
void crm_segment_recency_plot(const uint64_t bins[CRM_RECENCY_BINS],
    int32_t asof, struct crm_buf *svg);

/*
 * The frequency histogram: customers by their orders (the figure F
 * scores), 1 to 9 and 10 or more in the last bin, labelled "1" ... "9",
 * "10+".
 */
#define CRM_FREQUENCY_BINS 10
extern const char *const crm_segment_frequency_labels[CRM_FREQUENCY_BINS];

void crm_segment_frequency_hist(const struct crm_segment_row *rows,
    size_t n, uint64_t bins[CRM_FREQUENCY_BINS]);
void crm_segment_frequency_plot(const uint64_t bins[CRM_FREQUENCY_BINS],
    struct crm_buf *svg);

#endif
