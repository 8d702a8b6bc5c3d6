/*
 * segment: RFM quintiles, the pyramid and ABC of a scored set, the
 * segment map, lifecycle stages, the observation groups, and the RFM
 * grid and recency and frequency bins of the pictures, on figures worked
 * out by hand.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pyramid.h"
#include "segment.h"
#include "unit.h"
#include "util.h"

/*
 * The scores below were worked out by hand from the rule of segment.h:
 * rank the customers from the best, rank k of n scores 5 - floor(5 k / n)
 * and a run of equal values takes its best rank, the number of values
 * strictly better.  tests/tools/rfm-expect.py (python3, ranking by a sort
 * rather than counting) was run over the same values and agrees with
 * every case here.
 *
 * Ten customers: sorted from the best, the values 10 9 5 5 5 4 3 2 2 1
 * (shuffled here), with 0 1 2 2 2 5 6 7 7 9 better, so the scores
 * 5 5 4 4 4 3 2 2 2 1: the run of 5s at ranks 2-4 scores 4 like rank 2,
 * the 2s at ranks 7-8 score 2 like rank 7.
 */
static const int val[10] = { 5, 2, 10, 1, 5, 3, 9, 2, 5, 4 };
static const int want_q[10] = { 4, 2, 5, 1, 4, 2, 5, 2, 4, 3 };

/* rows[0..n) from values v (larger is better, above -100) for R, F and M
 * alike: the last purchase day 20000 + v * scale, (v + 100) * scale
 * orders, v * 100 cents. */
static void
fill_n(struct crm_segment_row *rows, const int *v, int n, int32_t scale,
    struct crm_segment_span *ks)
{
	crm_segment_span_init(ks);
	for (int i = 0; i < n; i++) {
		struct crm_segment_span one;

		memset(&rows[i], 0, sizeof rows[i]);
		rows[i].last = 20000 + v[i] * scale;
		rows[i].orders = (uint64_t)(v[i] + 100) * (uint64_t)scale;
		rows[i].revenue = v[i] * 100;
		one.lastlo = one.lasthi = rows[i].last;
		one.ordlo = one.ordhi = rows[i].orders;
		crm_segment_span_join(ks, &one);
	}
}

static void
fill(struct crm_segment_row *rows, int32_t scale, struct crm_segment_span *ks)
{
	fill_n(rows, val, 10, scale, ks);
}

/* Score values v[0..n) and check r, f and m against want[], by counting
 * (scale 1) and by sorting (a scale that spreads R and F wider than a
 * count table; equal values stay a span of one and are counted). */
static void
tie_case(const char *what, const int *v, int n, const unsigned char *want)
{
	static const int64_t tiers[3] = { 100, 500, 2000 }, abc[2] = { 8000,
	    9500 };
	static const int32_t scales[2] = { 1, 300000 };
	struct crm_segment_row rows[16];
	struct crm_segment_span ks;
	char msg[160];

	for (int k = 0; k < 2; k++) {
		int ok = 1;

		fill_n(rows, v, n, scales[k], &ks);
		crm_segment_score(rows, (size_t)n, tiers, abc, &ks);
		for (int i = 0; i < n; i++)
			if (rows[i].r != want[i] || rows[i].f != want[i] ||
			    rows[i].m != want[i])
				ok = 0;
		snprintf(msg, sizeof msg, "ties: %s (%s)", what, k ? "sorted" :
		    "counted");
		UNIT_OK(ok, msg);
	}
}

static void
test_ties(void)
{
	static const int one[1] = { 7 };
	static const unsigned char one_w[1] = { 5 };
	static const int ten[10] = { 3, 3, 3, 3, 3, 3, 3, 3, 3, 3 };
	static const unsigned char ten_w[10] = { 5, 5, 5, 5, 5, 5, 5, 5, 5,
	    5 };
	/* sorted 100 90 90 80 80 80 80 50 40 30: the 90s at ranks 1-2 cross
	 * the boundary of 5 (ranks 0-1) and 4 (ranks 2-3) and take rank 1,
	 * 5; the 80s at ranks 3-6 (4, 3, 3, 2 untied) take rank 3,
	 * 5 - floor(15/10) = 4; then 5 - floor(35/10) = 2, 5 - 4 = 1 twice;
	 * no customer scores 3 */
	static const int straddle[10] = { 80, 30, 90, 100, 80, 40, 90, 80, 50,
	    80 };
	static const unsigned char straddle_w[10] = { 4, 1, 5, 5, 4, 1, 5, 4,
	    2, 4 };
	/* seven customers, three of them tied at the latest day (0, the
	 * as-of day): 0 better, 5; then 3, 4, 5, 6 better of 7, scores
	 * 5 - 2, 5 - 2, 5 - 3, 5 - 4 */
	static const int asof[7] = { -40, 0, -3, 0, -9, 0, -20 };
	static const unsigned char asof_w[7] = { 1, 5, 3, 5, 3, 5, 2 };
	/* two customers alike and a worse one: 0 better of 3 is 5, 2 better
	 * of 3 is 5 - floor(10/3) = 2 */
	static const int three[3] = { 4, 1, 4 };
	static const unsigned char three_w[3] = { 5, 2, 5 };
	/* negative values (refunds) rank like any other: -5 has 2 better of
	 * 4, 5 - floor(10/4) = 3; -9 has 3, 5 - floor(15/4) = 2 */
	static const int neg[4] = { -5, 0, -9, 0 };
	static const unsigned char neg_w[4] = { 3, 5, 2, 5 };

	tie_case("a lone customer scores 5 5 5, not Lost", one, 1, one_w);
	tie_case("ten identical customers all score 5", ten, 10, ten_w);
	tie_case("ties straddling quintile boundaries take their best rank",
	    straddle, 10, straddle_w);
	tie_case("customers tied on the as-of day score 5", asof, 7, asof_w);
	tie_case("two alike above one", three, 3, three_w);
	tie_case("values below zero", neg, 4, neg_w);
}

static void
test_quintiles(void)
{
	static const int64_t tiers[3] = { 100, 500, 2000 }, abc[2] = { 8000,
	    9500 };
	/* by revenue rank H (customers above): 10 platinum (H 0 < 1% of
	 * 10), 9 iron (H 1 < 20% of 10, not < 5%), the rest lead */
	static const unsigned char want_tier[10] = { CRM_TIER_LEAD,
	    CRM_TIER_LEAD, CRM_TIER_PLATINUM, CRM_TIER_LEAD, CRM_TIER_LEAD,
	    CRM_TIER_LEAD, CRM_TIER_IRON, CRM_TIER_LEAD, CRM_TIER_LEAD,
	    CRM_TIER_LEAD };
	/* revenue above each, of 46: A under 36.8, B under 43.7 */
	static const unsigned char want_abc[10] = { CRM_ABC_A, CRM_ABC_B,
	    CRM_ABC_A, CRM_ABC_C, CRM_ABC_A, CRM_ABC_B, CRM_ABC_A, CRM_ABC_B,
	    CRM_ABC_A, CRM_ABC_A };
	struct crm_segment_row rows[10], wide[10];
	struct crm_segment_span ks, kw;
	int ok = 1, same = 1, tier = 1, cls = 1;

	unit_inteq(crm_segment_quintile(0, 10), 5, "quintile: none above: 5");
	unit_inteq(crm_segment_quintile(9, 10), 1, "quintile: 9 of 10: 1");
	unit_inteq(crm_segment_quintile(1, 5), 4, "quintile: 1 of 5: 4");
	unit_inteq(crm_segment_quintile(3, 7), 3, "quintile: 3 of 7: 3");
	unit_inteq(crm_segment_quintile(0, 1), 5, "quintile: 0 of 1: 5");
	unit_inteq(crm_segment_quintile(2, 3), 2, "quintile: 2 of 3: 2");
	unit_inteq(crm_segment_quintile(1, 10), 5, "quintile: 1 of 10: 5");
	unit_inteq(crm_segment_quintile(2, 10), 4, "quintile: 2 of 10: 4");

	fill(rows, 1, &ks);
	crm_segment_score(rows, 10, tiers, abc, &ks);
	for (int i = 0; i < 10; i++) {
		if (rows[i].r != want_q[i] || rows[i].f != want_q[i] ||
		    rows[i].m != want_q[i])
			ok = 0;
		if (rows[i].tier != want_tier[i])
			tier = 0;
		if (rows[i].abc != want_abc[i])
			cls = 0;
	}
	UNIT_OK(ok, "R, F and M: ties share the quintile of their best rank");
	UNIT_OK(tier, "tiers: the top 1% platinum, the next within 15% iron");
	UNIT_OK(cls, "ABC: by the revenue share strictly above");

	/* keys spread over more than 2^18 values: scored by sorting */
	fill(wide, 30000, &kw);
	UNIT_OK(kw.lasthi - kw.lastlo > 1 << 18, "wide: the span is too wide "
	    "to count");
	crm_segment_score(wide, 10, tiers, abc, &kw);
	for (int i = 0; i < 10; i++)
		if (wide[i].r != rows[i].r || wide[i].f != rows[i].f)
			same = 0;
	UNIT_OK(same, "scores by sorting equal scores by counting");
}

static void
test_map(void)
{
	struct crm_segment_map m;
	char *text = strdup(crm_segment_default_map), err[256];
	char bad1[] = "5**\tTop\n6**\tx\n", bad2[] = "555\n";
	char bad3[] = "5555\tx\n", own[] = "# comment\n\n[1-2]*5\tOdd\r\n";

	crm_segment_map_init(&m);
	unit_inteq(crm_segment_map_load(&m, text, "default", err, sizeof err),
	    0, "map: the default map loads");
	unit_inteq((long long)m.n, 11, "map: the default has 11 rules");
	unit_streq(crm_segment_map_name(&m, 5, 5, 5), "Champions", "map: 555");
	unit_streq(crm_segment_map_name(&m, 1, 1, 1), "Lost", "map: 111");
	unit_streq(crm_segment_map_name(&m, 5, 1, 2), "New", "map: 512");
	unit_streq(crm_segment_map_name(&m, 4, 4, 5), "Loyal", "map: 445");
	unit_streq(crm_segment_map_name(&m, 2, 3, 3), "At risk", "map: 233");
	unit_streq(crm_segment_map_name(&m, 3, 3, 1), "Need attention",
	    "map: 331");
	crm_segment_map_release(&m);
	free(text);

	unit_inteq(crm_segment_map_load(&m, bad1, "m", err, sizeof err), -1,
	    "map: a bad position is refused");
	unit_streq(err, "m:2: pattern position must be 1-5, * or [...]: '6**'",
	    "map: the message names the line and the pattern");
	crm_segment_map_release(&m);
	crm_segment_map_load(&m, bad2, "m", err, sizeof err);
	unit_streq(err, "m:1: expected PATTERN<tab>SEGMENT", "map: no tab");
	crm_segment_map_release(&m);
	crm_segment_map_load(&m, bad3, "m", err, sizeof err);
	unit_streq(err, "m:1: pattern has more than three positions: '5555'",
	    "map: four positions");
	crm_segment_map_release(&m);
	unit_inteq(crm_segment_map_load(&m, own, "m", err, sizeof err), 0,
	    "map: comments, blank lines and CRLF are taken");
	unit_streq(crm_segment_map_name(&m, 2, 4, 5), "Odd", "map: a range");
	unit_streq(crm_segment_map_name(&m, 3, 4, 5), "", "map: no match is "
	    "empty");
	crm_segment_map_release(&m);
}

static void
test_stages(void)
{
	const struct crm_stage_opts o = { 180, 90, 2000 };
	struct crm_cust_stats s;

	memset(&s, 0, sizeof s);
	s.days = 1;
	s.recency = 90;
	unit_inteq(crm_segment_stage(&s, &o), CRM_STAGE_EXPLORATION,
	    "stage: one purchase day, 90 days ago, explores");
	s.recency = 91;
	unit_inteq(crm_segment_stage(&s, &o), CRM_STAGE_DECLINE,
	    "stage: one purchase day, 91 days ago, declines");
	s.recency = 181;
	unit_inteq(crm_segment_stage(&s, &o), CRM_STAGE_LAPSED,
	    "stage: 181 days without a purchase is lapsed");
	s.days = 3;
	s.recency = 10;
	s.overdue = 1;
	unit_inteq(crm_segment_stage(&s, &o), CRM_STAGE_DECLINE,
	    "stage: overdue declines");
	s.overdue = 0;
	s.spend_prev = 10000;
	s.spend_latest = 12000;
	unit_inteq(crm_segment_stage(&s, &o), CRM_STAGE_STABLE,
	    "stage: +20% is still within the band");
	s.spend_latest = 12001;
	unit_inteq(crm_segment_stage(&s, &o), CRM_STAGE_GROWTH,
	    "stage: above +20% grows");
	s.spend_latest = 8000;
	unit_inteq(crm_segment_stage(&s, &o), CRM_STAGE_STABLE,
	    "stage: -20% is still within the band");
	s.spend_latest = 7999;
	unit_inteq(crm_segment_stage(&s, &o), CRM_STAGE_DECLINE,
	    "stage: below -20% declines");
	unit_streq(crm_stage_names[CRM_STAGE_LAPSED], "lapsed", "stage names");
}

/* Every row's group holds its own values; the groups ascend strictly in
 * (x, tx, T), so no two groups hold the same values; the weights add up
 * to the rows. */
static int
groups_ok(const struct crm_segment_row *rows, size_t n, int32_t asof,
    double unit, const struct crm_model_obs *obs, size_t g)
{
	double w = 0;

	for (size_t i = 0; i < n; i++) {
		const struct crm_model_obs *o = &obs[rows[i].group];
		double tx = rows[i].days > 1 ? rows[i].last - rows[i].first : 0;

		if (rows[i].group >= g || o->x != rows[i].days - 1 ||
		    o->tx != tx / unit || o->T != (asof - rows[i].first) / unit)
			return 0;
	}
	for (size_t k = 0; k < g; k++) {
		const struct crm_model_obs *a = &obs[k - (k > 0)], *b = &obs[k];

		w += b->weight;
		if (k && !(a->x < b->x || (a->x == b->x && (a->tx < b->tx ||
		    (a->tx == b->tx && a->T < b->T)))))
			return 0;
	}
	return w == (double)n;
}

static void
test_groups(void)
{
	const size_t n = 6000;
	const int32_t asof = 21000;
	struct crm_segment_row *rows = calloc(n, sizeof *rows);
	struct crm_model_obs *obs = calloc(n, sizeof *obs);
	size_t g;

	if (!rows || !obs)
		abort();
	for (size_t i = 0; i < n; i++) {
		rows[i].first = asof - 1 - (int32_t)(unit_rand() % 400);
		rows[i].days = 1 + (uint32_t)(unit_rand() % 4);
		rows[i].last = rows[i].days > 1 ? rows[i].first +
		    (int32_t)(unit_rand() % (uint64_t)(asof - rows[i].first)) :
		    rows[i].first;
	}
	g = crm_segment_group(rows, n, asof, 7, obs);
	UNIT_OK(g > 100 && g < n, "groups: repeated histories share a group");
	UNIT_OK(groups_ok(rows, n, asof, 7, obs, g),
	    "groups: by radix, each row's group holds its values, in order");
	g = crm_segment_group(rows, 1000, asof, 1, obs);
	UNIT_OK(groups_ok(rows, 1000, asof, 1, obs, g),
	    "groups: by qsort (few rows), the same");
	/* a history too long to pack: qsort for all rows */
	rows[17].first = asof - (1 << 21) - 3;
	g = crm_segment_group(rows, n, asof, 7, obs);
	UNIT_OK(groups_ok(rows, n, asof, 7, obs, g),
	    "groups: by qsort (a value too wide to pack), the same");
	/* by hand: two alike, one apart */
	memset(rows, 0, 3 * sizeof *rows);
	rows[0].first = rows[1].first = 100;
	rows[0].last = rows[1].last = 114;
	rows[0].days = rows[1].days = 3;
	rows[2].first = rows[2].last = 93;
	rows[2].days = 1;
	g = crm_segment_group(rows, 3, 121, 7, obs);
	unit_inteq((long long)g, 2, "groups: two alike make one group");
	UNIT_OK(obs[0].x == 0 && obs[0].tx == 0 && obs[0].T == 4 &&
	    obs[0].weight == 1, "groups: x 0, T 28 days is 4 weeks");
	UNIT_OK(obs[1].x == 2 && obs[1].tx == 2 && obs[1].T == 3 &&
	    obs[1].weight == 2, "groups: x 2, tx 14 days, T 21 days, twice");
	UNIT_OK(rows[0].group == 1 && rows[1].group == 1 && rows[2].group == 0,
	    "groups: each row knows its group");
	free(rows);
	free(obs);
}

/*
 * The pictures' figures, by hand.  The grid: R5 F5 holds 100.00 and
 * 50.01, mean 75.005, rounded half away from zero to 75.01; R1 F1 holds
 * -0.05 and -0.10, mean -0.075 to -0.08; R2 F4 holds 1.00, 2.00 and
 * 2.00, mean 1.6667 to 1.67; R3 F2 holds the largest revenue twice, a
 * sum past 64 bits and the mean that revenue exactly; every other cell
 * is empty.  Recency as of day 20000 of 0, 29, 30, 89, 90, 179, 180,
 * 364, 365, 729, 730 and 5000 days: two in each bin but 30-59 and 60-89,
 * which hold one each (30 and 89: the edges belong to the bin they
 * start).  Orders 1, 1, 2, 9, 10, 11 and 1000: two in 1, one in 2, one
 * in 9, three in 10+.
 */
static void
test_pictures(void)
{
	static const struct { int r, f; int64_t rev; } g[] = {
		{ 5, 5, 10000 }, { 5, 5, 5001 }, { 1, 1, -5 }, { 1, 1, -10 },
		{ 2, 4, 100 }, { 2, 4, 200 }, { 2, 4, 200 },
		{ 3, 2, INT64_MAX }, { 3, 2, INT64_MAX }
	};
	static const int rec[] = { 0, 29, 30, 89, 90, 179, 180, 364, 365, 729,
		730, 5000 };
	static const uint64_t ord[] = { 1, 1, 2, 9, 10, 11, 1000 };
	static const uint64_t want_rec[CRM_RECENCY_BINS] = { 2, 1, 1, 2, 2, 2,
		2 };
	static const uint64_t want_ord[CRM_FREQUENCY_BINS] = { 2, 1, 0, 0, 0, 0,
		0, 0, 1, 3 };
	struct crm_segment_row rows[12];
	struct crm_segment_rfm_cell grid[5][5];
	uint64_t bins[CRM_FREQUENCY_BINS];
	size_t i, filled = 0, others = 0;
	struct crm_buf b;

	memset(rows, 0, sizeof rows);
	for (i = 0; i < 9; i++) {
		rows[i].r = (unsigned char)g[i].r;
		rows[i].f = (unsigned char)g[i].f;
		rows[i].revenue = g[i].rev;
	}
	crm_segment_rfm_grid(rows, 9, grid);
	UNIT_OK(grid[4][4].customers == 2 && grid[4][4].mean == 7501,
	    "rfm grid: R5 F5 mean 75.005 rounds half up to 75.01");
	UNIT_OK(grid[0][0].customers == 2 && grid[0][0].mean == -8,
	    "rfm grid: R1 F1 mean -0.075 rounds half away from zero");
	UNIT_OK(grid[1][3].customers == 3 && grid[1][3].mean == 167,
	    "rfm grid: R2 F4 mean 1.6667 rounds to 1.67");
	UNIT_OK(grid[2][1].customers == 2 && grid[2][1].mean == INT64_MAX,
	    "rfm grid: a sum past 64 bits gives the exact mean");
	for (int r = 0; r < 5; r++)
		for (int f = 0; f < 5; f++)
			if (grid[r][f].customers)
				filled++;
			else if (grid[r][f].mean)
				others++;
	UNIT_OK(filled == 4 && others == 0,
	    "rfm grid: the other cells are empty, mean 0");

	crm_buf_init(&b);
	crm_segment_rfm_plot(grid, &b);
	UNIT_OK(strstr(b.p, "<title>R5, F5: 75.01, n=2</title>") &&
	    strstr(b.p, "<title>R1, F1: -0.08, n=2</title>") &&
	    strstr(b.p, "<title>R2, F4: 1.67, n=3</title>") &&
	    strstr(b.p, "<title>R3, F2: 92233720368547758.07, n=2</title>"),
	    "rfm plot: each filled cell's mean and count in its title");
	{
		size_t k = 0;
		for (const char *p = strstr(b.p, "</title></rect>"); p;
		    p = strstr(p + 1, "</title></rect>"))
			k++;
		UNIT_OK(k == 4, "rfm plot: empty cells are not drawn");
	}
	UNIT_OK(strstr(b.p, ">-0.08</text>") && strstr(b.p, ">n=3</text>"),
	    "rfm plot: both lines of a cell drawn");

	memset(rows, 0, sizeof rows);
	for (i = 0; i < 12; i++)
		rows[i].last = 20000 - rec[i];
	crm_segment_recency_hist(rows, 12, 20000, bins);
	UNIT_OK(!memcmp(bins, want_rec, sizeof want_rec),
	    "recency bins: 2 1 1 2 2 2 2, each edge in the bin it starts");
	crm_buf_reset(&b);
	crm_segment_recency_plot(bins, 20000, &b);
	UNIT_OK(strstr(b.p, "<title>0-29: 2</title>") &&
	    strstr(b.p, "<title>730+: 2</title>") &&
	    strstr(b.p, "as of 2024-10-04</text>"),
	    "recency plot: bins in titles, the as-of day on the axis");

	for (i = 0; i < 7; i++)
		rows[i].orders = ord[i];
	crm_segment_frequency_hist(rows, 7, bins);
	UNIT_OK(!memcmp(bins, want_ord, sizeof want_ord),
	    "frequency bins: 2 1 0 0 0 0 0 0 1 3, ten and more in 10+");
	crm_buf_reset(&b);
	crm_segment_frequency_plot(bins, &b);
	UNIT_OK(strstr(b.p, "<title>10+: 3</title>") &&
	    strstr(b.p, "<title>3: 0</title>"),
	    "frequency plot: every bin has its bar, empty ones too");
	crm_buf_release(&b);
}

int
main(void)
{
	test_quintiles();
	test_ties();
	test_map();
	test_stages();
	test_groups();
	test_pictures();
	return unit_done();
}
