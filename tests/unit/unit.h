/*
 * unit: a tiny TAP producer for the C unit tests in tests/unit/.
 * Each test file is one program: checks print "ok N - what" or
 * "not ok N - what" (with the detail on a "#" line), and main returns
 * unit_done(), which is non-zero when any check failed.
 */
#ifndef CRM_UNIT_H
#define CRM_UNIT_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int unit_n, unit_failed;

#define UNIT_FN static __attribute__((unused))

UNIT_FN void
unit_ok(int cond, const char *what, const char *detail)
{
	unit_n++;
	if (cond) {
		printf("ok %d - %s\n", unit_n, what);
	} else {
		unit_failed++;
		printf("not ok %d - %s\n", unit_n, what);
		if (detail)
			printf("# %s\n", detail);
	}
}

#define UNIT_OK(cond, what) unit_ok(!!(cond), (what), #cond)

/* Pseudo-random numbers (xorshift64), the same sequence on every run. */
static uint64_t unit_seed = 88172645463325252ull;

UNIT_FN uint64_t
unit_rand(void)
{
	unit_seed ^= unit_seed << 13;
	unit_seed ^= unit_seed >> 7;
	unit_seed ^= unit_seed << 17;
	return unit_seed;
}

UNIT_FN void
unit_streq(const char *got, const char *want, const char *what)
{
	char d[512];

	if (!got)
		got = "(null)";
	snprintf(d, sizeof d, "got '%s', want '%s'", got, want);
	unit_ok(strcmp(got, want) == 0, what, d);
}

UNIT_FN void
unit_inteq(long long got, long long want, const char *what)
{
	char d[128];

	snprintf(d, sizeof d, "got %lld, want %lld", got, want);
	unit_ok(got == want, what, d);
}

UNIT_FN void
unit_near(double got, double want, double tol, const char *what)
{
	char d[160];

	snprintf(d, sizeof d, "got %.10g, want %.10g (tolerance %g)", got, want,
	    tol);
	unit_ok(fabs(got - want) <= tol, what, d);
}

UNIT_FN int
unit_done(void)
{
	return unit_failed != 0;
}

#endif
