/*
 * Unit tests for the satisfaction report (lib/report_satisfaction.c): the
 * CSAT, NPS, CES and SERVQUAL figure functions on hand-made histograms,
 * then the report's own operations on a few survey rows, and its charts
 * from them.  Every expected
 * number is worked out by hand in the comment beside it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "report_figs.h"
#include "util.h"
#include "unit.h"
#include "report-feed.h"

static void
test_figures(void)
{
	/* Scores 1, 3, 4, 4, 5: 5 answers, 3 of them 4-5, so CSAT 3/5 =
	 * 0.6; the score sum 1 + 3 + 8 + 5 = 17. */
	int64_t csat[6] = { 0, 1, 0, 1, 2, 1 };
	/* 3 tens, 2 nines, one 8, one 7, 2 sixes, one 3: 10 answers,
	 * promoters 5, detractors 3 (the sixes and the three), NPS
	 * 100 (5 - 3) / 10 = 20. */
	int64_t nps[11] = { 0, 0, 0, 1, 0, 0, 2, 1, 1, 2, 3 };
	/* Only detractors: 0, 6, 6: NPS 100 (0 - 3) / 3 = -100. */
	int64_t low[11] = { 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0 };
	/* CES 2, 5, 5, 7: mean 19 / 4 = 4.75. */
	int64_t ces[8] = { 0, 0, 1, 0, 0, 2, 0, 1 };
	int64_t zero[11] = { 0 };
	/* SERVQUAL: 3 perceptions summing to 15 (mean 5), 2 expectations
	 * summing to 12 (mean 6): gap 5 - 6 = -1. */
	int64_t sq[4] = { 3, 15, 2, 12 }, sq0[4] = { 3, 15, 0, 0 };
	int64_t n, good, sum, pro, det;

	unit_near(crm_report_csat(csat, &n, &good, &sum), 0.6, 1e-12,
	    "CSAT is the share of 4 and 5");
	unit_inteq(n, 5, "CSAT answers");
	unit_inteq(good, 3, "CSAT satisfied");
	unit_inteq(sum, 17, "CSAT score sum");
	UNIT_OK(isnan(crm_report_csat(zero, &n, &good, &sum)),
	    "CSAT without answers is no figure");
	unit_near(crm_report_nps(nps, &n, &pro, &det), 20.0, 1e-12,
	    "NPS is 100 (promoters - detractors) / answers");
	unit_inteq(pro, 5, "NPS promoters are 9 and 10");
	unit_inteq(det, 3, "NPS detractors are 0 to 6");
	unit_inteq(n, 10, "NPS answers");
	unit_near(crm_report_nps(low, &n, &pro, &det), -100.0, 1e-12,
	    "NPS of detractors only is -100");
	UNIT_OK(isnan(crm_report_nps(zero, &n, &pro, &det)),
	    "NPS without answers is no figure");
	unit_near(crm_report_ces(ces, &n), 4.75, 1e-12, "CES is the mean");
	unit_inteq(n, 4, "CES answers");
	unit_near(crm_report_sq_gap(sq), -1.0, 1e-12,
	    "SERVQUAL gap is perception - expectation");
	UNIT_OK(isnan(crm_report_sq_gap(sq0)),
	    "SERVQUAL gap needs both perceptions and expectations");
}

static const char surveys[] =
    "customer_id\tdate\tinstrument\titem\texpectation\tscore\n"
    "C1\t2026-01-05\tcsat\toverall\t\t5\n"
    "C2\t2026-01-06\tcsat\toverall\t\t2\n"
    "C3\t2026-02-01\tnps\tlikely\t\t10\n"
    "C4\t2026-02-02\tnps\tlikely\t\t6\n"
    "C5\t2026-02-03\tnps\tlikely\t\t8\n"
    "C6\t2026-02-04\tservqual\ttangibles_1\t6\t5\n"
    "C7\t2026-02-04\tservqual\ttangibles_2\t5\t6\n"
    "C8\t2026-02-04\tservqual\treliability_1\t7\t4\n"
    "C9\t2026-02-05\tcsat\toverall\t\t9\n";

static void
test_report(void)
{
	const struct crm_report_ops *ops = crm_report_find("satisfaction");
	struct crm_report_opts o;
	struct crm_rtab *ts[CRM_REPORT_MAXTABS], *t;
	void *st;
	int n;

	memset(&o, 0, sizeof o);
	n = feed(ops, &o, &st, surveys, ts);
	unit_inteq(n, 6, "six tables");
	/* C9's score 9 is out of the CSAT range 1-5: rejected. */
	unit_inteq(o.status, 1, "an out-of-range score is rejected");
	/* CSAT: 5 and 2, one satisfied of two: 0.5000, mean 7 / 2. */
	t = tab(ts, n, "csat");
	unit_streq(crm_rtab_get(t, 0, 0), "all", "one group without --by");
	unit_streq(crm_rtab_get(t, 0, 1), "2", "csat responses");
	unit_streq(crm_rtab_get(t, 0, 3), "0.5000", "csat share");
	unit_streq(crm_rtab_get(t, 0, 4), "3.50", "csat mean");
	/* NPS: 10, 6, 8: one promoter, one passive, one detractor: 0. */
	t = tab(ts, n, "nps");
	unit_streq(crm_rtab_get(t, 0, 2), "1", "nps promoters");
	unit_streq(crm_rtab_get(t, 0, 3), "1", "nps passives");
	unit_streq(crm_rtab_get(t, 0, 4), "1", "nps detractors");
	unit_streq(crm_rtab_get(t, 0, 5), "0.0", "nps");
	/* Items sorted: reliability_1 4 vs 7 (gap -3), tangibles_1 5 vs 6
	 * (-1), tangibles_2 6 vs 5 (+1). */
	t = tab(ts, n, "servqual_items");
	unit_inteq((long long)t->nrows, 3, "three items");
	unit_streq(crm_rtab_get(t, 0, 1), "reliability_1", "items sorted");
	unit_streq(crm_rtab_get(t, 0, 6), "-3.00", "item gap");
	unit_streq(crm_rtab_get(t, 2, 6), "1.00", "a positive gap");
	/* The tangibles dimension pools its two items: perceptions 5 + 6
	 * over 2 = 5.50, expectations 6 + 5 over 2 = 5.50, gap 0.00. */
	t = tab(ts, n, "servqual_dimensions");
	unit_streq(crm_rtab_get(t, 1, 1), "tangibles", "dimension names");
	unit_streq(crm_rtab_get(t, 1, 3), "5.50", "dimension perception");
	unit_streq(crm_rtab_get(t, 1, 6), "0.00", "dimension gap");
	/* Distribution of CSAT: score 2 is 1 of 2 answers. */
	t = tab(ts, n, "distribution");
	unit_streq(crm_rtab_get(t, 1, 3), "0.5000", "distribution share");
	done(ops, st, ts, n);

	memset(&o, 0, sizeof o);
	o.by = "month";
	n = feed(ops, &o, &st, surveys, ts);
	/* By month: the two CSAT answers are both in 2026-01, then the
	 * total row. */
	t = tab(ts, n, "csat");
	unit_inteq((long long)t->nrows, 2, "a month row and a total");
	unit_streq(crm_rtab_get(t, 0, 0), "2026-01", "groups are months");
	unit_streq(crm_rtab_get(t, 1, 0), "total", "then the total");
	t = tab(ts, n, "nps");
	unit_streq(crm_rtab_get(t, 0, 0), "2026-02", "nps month");
	done(ops, st, ts, n);

	/* The charts, by month whatever --by says. */
	memset(&o, 0, sizeof o);
	o.charts = 1;
	n = feed(ops, &o, &st, surveys, ts);
	{
		static const char *const want[] = { "csat", "nps", "responses" };
		struct crm_buf svg;
		const char *name;

		crm_buf_init(&svg);
		for (size_t k = 0; k < 3; k++) {
			unit_inteq((long long)ops->plots(st, k, NULL, &name), 3,
			    "three charts");
			unit_streq(name, want[k], "chart names");
		}
		ops->plots(st, 0, &svg, &name);
		/* 2026-01: 5 and 2, one of two satisfied: 50%; no CSAT in
		 * 2026-02 but the rejected 9, so no point there */
		UNIT_OK(strstr(svg.p, "<title>CSAT (share of 4-5), 2026-01: "
		    "50.0%</title>") && !strstr(svg.p, "2026-02: "),
		    "csat chart: 50% in January, no point in February");
		UNIT_OK(strstr(svg.p, ">100%</text>") != NULL,
		    "csat chart: a share axis to 100%");
		crm_buf_reset(&svg);
		ops->plots(st, 1, &svg, &name);
		/* 2026-02: 10, 6, 8: (1 - 1) / 3 = 0 points */
		UNIT_OK(strstr(svg.p, "<title>NPS (promoters - detractors), "
		    "2026-02: 0.0</title>") != NULL, "nps chart: 0 points");
		UNIT_OK(strstr(svg.p, ">-100</text>") &&
		    strstr(svg.p, ">100</text>") && !strstr(svg.p, "%"),
		    "nps chart: its own -100..100 axis, no percent");
		crm_buf_reset(&svg);
		ops->plots(st, 2, &svg, &name);
		UNIT_OK(strstr(svg.p, "<title>CSAT responses, 2026-01: 2"
		    "</title>") && strstr(svg.p, "<title>NPS responses, "
		    "2026-02: 3</title>"), "responses chart: the counts");
		UNIT_OK(!strstr(svg.p, "CES responses"),
		    "responses chart: no line for an instrument never answered");
		crm_buf_release(&svg);
	}
	done(ops, st, ts, n);
}

int
main(void)
{
	test_figures();
	test_report();
	return unit_done();
}
