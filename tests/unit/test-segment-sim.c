/*
 * A BG/NBD transaction generator for the crm-segment tests.
 *
 * Without arguments it checks, as a unit test, that the simulated customer
 * histories are consistent (0 <= tx <= T, x a whole number).  With
 * "--emit N SEED" it writes N customers' transactions as TSV
 * (customer_id, date, amount) drawn from the BG/NBD process with
 * r = 0.243, alpha = 4.414 weeks, a = 0.793, b = 2.426 (the published fit
 * of Fader, Hardie & Lee 2005), first purchases spread over 2025-07-01 ..
 * 2025-12-31 and observation up to 2026-06-30, so that tests/40-segment.bats
 * can check that crm-segment --print-params recovers the parameters.
 * With "--emit-spend N SEED" it writes N customers whose spends on their
 * repeat days follow the gamma-gamma model with the published CDNOW
 * values p = 6.25, q = 3.74, v = 15.44 (every seventh customer buys once
 * only, the others on 1 to 6 further days a week apart; the first day's
 * amount is 1.00 and is not part of the model).
 * With "--emit-nochurn N SEED" it writes N customers of the same period
 * who never drop out: purchase rates Gamma(r = 0.5, alpha = 4 weeks),
 * purchases a Poisson process to the as-of date (the NBD model, BG/NBD's
 * limit with no dropout), for the fits that run off to that limit.
 * With "--emit-pnbd N SEED" it writes N customers of the same period from
 * the Pareto/NBD process with r = 0.553, alpha = 10.578 weeks, s = 0.606,
 * beta = 11.669 weeks (the published CDNOW fit), for --churn-model pnbd.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgnbd.h"
#include "gammagamma.h"
#include "pnbd.h"
#include "strmap.h"
#include "unit.h"
#include "value.h"

static int
emit(long n, uint64_t seed, int pareto)
{
	/* alpha (and beta) in days: the simulation runs in days */
	struct crm_bgnbd_params p = { 0.243, 4.414 * 7, 0.793, 2.426 };
	struct crm_pnbd_params pp = { 0.553, 10.578 * 7, 0.606, 11.669 * 7 };
	int32_t start = crm_date_from_ymd(2025, 7, 1);
	int32_t asof = crm_date_from_ymd(2026, 6, 30);
	long i;
	int k;

	printf("customer_id\tdate\tamount\n");
	for (i = 0; i < n; i++) {
		int32_t first = start + (int32_t)(crm_splitmix64(&seed) % 184);
		double T = asof - first, x, tx;
		char d[11];
		int32_t last;

		if (pareto)
			crm_pnbd_simulate(&pp, T, &seed, &x, &tx);
		else
			crm_bgnbd_simulate(&p, T, &seed, &x, &tx);
		crm_date_format(first, d);
		printf("S%06ld\t%s\t%d.%02d\n", i + 1, d,
		    10 + (int)(crm_splitmix64(&seed) % 90),
		    (int)(crm_splitmix64(&seed) % 100));
		if (x < 1)
			continue;
		/* the last repeat on day first + ceil(tx), the others spread
		 * before it: only x and tx matter to the model */
		last = first + (int32_t)ceil(tx);
		if (last > asof)
			last = asof;
		for (k = 1; k <= (int)x; k++) {
			int32_t day = first + (int32_t)ceil((double)(last - first) *
			    k / x);

			crm_date_format(day, d);
			printf("S%06ld\t%s\t%d.%02d\n", i + 1, d,
			    10 + (int)(crm_splitmix64(&seed) % 90),
			    (int)(crm_splitmix64(&seed) % 100));
		}
	}
	return fflush(stdout) == EOF;
}

static int
emit_spend(long n, uint64_t seed)
{
	const struct crm_gg_params p = { 6.25, 3.74, 15.44 };
	int32_t start = crm_date_from_ymd(2025, 7, 1);
	long i;

	printf("customer_id\tdate\tamount\n");
	for (i = 0; i < n; i++) {
		int32_t first = start + (int32_t)(crm_splitmix64(&seed) % 184);
		long x = i % 7 == 6 ? 0 : 1 + i % 6, k;
		double nu = crm_model_rgamma(p.q, &seed) / p.v;
		char d[11];

		crm_date_format(first, d);
		printf("G%06ld\t%s\t1.00\n", i + 1, d);
		for (k = 1; k <= x; k++) {
			double z = crm_model_rgamma(p.p, &seed) / nu;

			crm_date_format(first + 7 * (int32_t)k, d);
			printf("G%06ld\t%s\t%.2f\n", i + 1, d, z);
		}
	}
	return fflush(stdout) == EOF;
}

static int
emit_nochurn(long n, uint64_t seed)
{
	int32_t start = crm_date_from_ymd(2025, 7, 1);
	int32_t asof = crm_date_from_ymd(2026, 6, 30);
	long i;

	printf("customer_id\tdate\tamount\n");
	for (i = 0; i < n; i++) {
		int32_t first = start + (int32_t)(crm_splitmix64(&seed) % 184);
		double lambda = crm_model_rgamma(0.5, &seed) / 28, t = 0;
		char d[11];

		crm_date_format(first, d);
		printf("N%05ld\t%s\t10.00\n", i + 1, d);
		for (;;) {
			t += -log(crm_model_runif(&seed)) / lambda;
			if (!(t <= asof - first))
				break;
			crm_date_format(first + (int32_t)ceil(t), d);
			printf("N%05ld\t%s\t10.00\n", i + 1, d);
		}
	}
	return fflush(stdout) == EOF;
}

int
main(int argc, char *argv[])
{
	struct crm_bgnbd_params p = { 0.243, 4.414, 0.793, 2.426 };
	uint64_t seed = 42;
	int i, ok = 1, whole = 1;

	if (argc == 4 && strcmp(argv[1], "--emit") == 0)
		return emit(atol(argv[2]), strtoull(argv[3], NULL, 10), 0);
	if (argc == 4 && strcmp(argv[1], "--emit-pnbd") == 0)
		return emit(atol(argv[2]), strtoull(argv[3], NULL, 10), 1);
	if (argc == 4 && strcmp(argv[1], "--emit-nochurn") == 0)
		return emit_nochurn(atol(argv[2]),
		    strtoull(argv[3], NULL, 10));
	if (argc == 4 && strcmp(argv[1], "--emit-spend") == 0)
		return emit_spend(atol(argv[2]), strtoull(argv[3], NULL, 10));
	for (i = 0; i < 10000; i++) {
		double x, tx;

		crm_bgnbd_simulate(&p, 39, &seed, &x, &tx);
		if (tx < 0 || tx > 39 || (x == 0 && tx != 0))
			ok = 0;
		if (x != floor(x) || x < 0)
			whole = 0;
	}
	UNIT_OK(ok, "simulated tx lies in [0, T] and is 0 without repeats");
	UNIT_OK(whole, "simulated x is a whole number");
	return unit_done();
}
