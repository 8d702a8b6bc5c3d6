/*
 * report_figs: the small figure functions of the reports, each defined in
 * its report's file and declared here so that the unit tests can check
 * them against numbers worked out by hand.
 */
#ifndef CRM_REPORT_FIGS_H
#define CRM_REPORT_FIGS_H

#include <stddef.h>
#include <stdint.h>

struct crm_buf;
struct crm_complaint;

/* report_satisfaction.c.  h[v] is the number of answers with score v. */
/* CSAT: share of 4 and 5 among the scores 1..5 (NAN without answers);
 * answers and satisfied ones in *n, *good, the score sum in *sum. */
double crm_report_csat(const int64_t *h, int64_t *n, int64_t *good,
    int64_t *sum);
/* NPS: 100 (promoters 9-10 - detractors 0-6) / answers 0..10, NAN without
 * answers; the three counts in *n, *pro, *det. */
double crm_report_nps(const int64_t *h, int64_t *n, int64_t *pro,
    int64_t *det);
/* CES: mean of the scores 1..7 (NAN without answers). */
double crm_report_ces(const int64_t *h, int64_t *n);
/* SERVQUAL gap from { perception n, perception sum, expectation n,
 * expectation sum }: mean perception - mean expectation, NAN when either
 * count is 0. */
double crm_report_sq_gap(const int64_t *a);
/* Satisfaction chart k over nm months labelled months[i], h[i] the
 * month's histograms (CSAT, NPS, CES: answers per score) into svg: CSAT
 * on a 0..100% axis (k 0), NPS in points on a -100..100 axis (k 1), and
 * the responses of each instrument answered (k 2). */
void crm_report_sat_chart(struct crm_buf *svg, size_t k,
    const char *const *months, const int64_t (*h)[3][11], size_t nm);

/* report_value.c.  v[0..n) revenues sorted ascending. */
/* Gini coefficient over max(v, 0): (2 sum i x_i - (n + 1) sum x_i) /
 * (n sum x_i) with i from 1; NAN when no revenue is positive. */
double crm_report_gini(const int64_t *v, size_t n);
/* The Gini coefficient as the summary table prints it ("0.4321"), "" for
 * NAN; the Lorenz chart's title shows the same text. */
void crm_report_gini_text(char out[16], double gini);
/* The Lorenz curve over max(v, 0): y[k] the share of revenue of the
 * k% of customers with the least, the curve straight between customers
 * (k% of n is a fraction of a customer); NAN when no revenue is
 * positive.  Twice the area between it and the diagonal is the Gini
 * coefficient. */
void crm_report_lorenz(const int64_t *v, size_t n, double y[101]);
/* The Lorenz chart of v[0..n) into svg, the Gini coefficient in its
 * title. */
void crm_report_lorenz_chart(struct crm_buf *svg, const int64_t *v,
    size_t n);
/* Customers in the top pct percent: ceil(pct n / 100). */
size_t crm_report_top_n(int pct, size_t n);
/* Customers, the best first, that make pct percent of the total revenue
 * (0 when the total is not positive). */
size_t crm_report_customers_for(const int64_t *v, size_t n, int pct);

/* report_churn.c.  Gross churn rate: lost / active at the start (NAN when
 * none was active). */
double crm_report_churn_rate(int64_t lost, int64_t active_start);

/* report_complaints.c. */
/* Nearest-rank percentile of sorted x[0..n), n > 0:
 * x[ceil(p n / 100) - 1] (x[0] for p 0). */
int64_t crm_report_percentile(const int64_t *x, size_t n, int p);
/* The first answer the customer got: the first respond event, else a
 * resolution or closing that came without one (CRM_COMPLAINT_NOTIME:
 * none yet). */
int64_t crm_report_first_response(const struct crm_complaint *c);
/* Is complaint c overdue at time now: still active, and either not
 * answered by its response due time or not resolved by its resolution due
 * time, that time past?  The overdue of the complaints report, over the
 * due times the log records (crm-complaint list also applies the policy
 * to a complaint logged without them). */
int crm_report_overdue(const struct crm_complaint *c, int64_t now);
/* Was complaint c ever resolved (resolved now, closed, or reopened)?  The
 * base of the reopen rate. */
int crm_report_ever_resolved(const struct crm_complaint *c);
/* The SLA of complaint c at time now: *due counts a target whose due time
 * is set and either met by an answer or already past; *met counts it when
 * the answer came by the due time.  Response (k 0) or resolution (k 1). */
void crm_report_sla(const struct crm_complaint *c, int64_t now, int k,
    int *due, int *met);
/* The SLA compliance chart over np periods labelled periods[i] (a
 * period named pname: "month", "quarter", "week") into svg: for each
 * period, due[2 i + k] targets due and met[2 i + k] of them met, response
 * (k 0) and resolution (k 1), drawn as met / due on a 0..100% axis with
 * no point where nothing was due. */
void crm_report_sla_chart(struct crm_buf *svg, const char *pname,
    const char *const *periods, size_t np, const int64_t *due,
    const int64_t *met);

/* report_agents.c.  sum / n (n > 0, sum >= 0) to two places rounded half
 * up, computed in integers: "4.13" for 33 / 8 = 4.125. */
void crm_report_mean_half_up(char out[32], int64_t sum, int64_t n);

/* report_funnel.c.  n[0..4) customers at each stage in funnel order
 * (potential, intent, customer, lost). */
/* reached[s]: customers at stage s or a later one. */
void crm_report_funnel_reached(const int64_t *n, int64_t *reached);
/* Conversion into stage s: reached[s] / reached[s - 1]; -1 for the first
 * stage or when nobody reached the one before. */
double crm_report_funnel_conversion(const int64_t *reached, int s);

#endif
