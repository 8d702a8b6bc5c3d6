/*
 * test-expr: --compute's exact decimal arithmetic.  The expected figures
 * are exact by hand (and agree with python3's fractions.Fraction rounded
 * with decimal.ROUND_HALF_UP, which rounds half away from zero); the
 * random comparison against python3 is in tests/10-import.bats.
 */
#include <stdio.h>
#include <string.h>

#include "expr.h"
#include "rec.h"
#include "unit.h"
#include "util.h"

/* Evaluate src over the named fields "a", "b", "c" with the given values
 * at scale; the result, or "NAN:name", "DIV0", "RANGE", "SYNTAX: why". */
static const char *
ev(const char *src, const char *a, const char *b, int scale)
{
	static char res[256];
	char err[200];
	struct crm_expr *e = crm_expr_compile(src, err, sizeof err);
	struct crm_field f[2] = { { (char *)a, strlen(a) },
		{ (char *)b, strlen(b) } };
	struct crm_buf out;

	if (!e) {
		snprintf(res, sizeof res, "SYNTAX: %s", err);
		return res;
	}
	for (size_t i = 0; i < crm_expr_nnames(e); i++) {
		const char *nm = crm_expr_name(e, i);
		crm_expr_bind(e, i, !strcmp(nm, "b") || !strcmp(nm, "单价") ||
		    !strcmp(nm, "Unit Price") ? 1 : !strcmp(nm, "a") ||
		    !strcmp(nm, "数量") || !strcmp(nm, "Qty \"x\"") ? 0 : 9);
	}
	crm_buf_init(&out);
	size_t bad = 0;
	switch (crm_expr_eval(e, f, 2, scale, &out, &bad)) {
	case CRM_EXPR_OK:
		snprintf(res, sizeof res, "%s", out.p);
		break;
	case CRM_EXPR_NAN:
		snprintf(res, sizeof res, "NAN:%s", crm_expr_name(e, bad));
		break;
	case CRM_EXPR_DIV0:
		snprintf(res, sizeof res, "DIV0");
		break;
	case CRM_EXPR_RANGE:
		snprintf(res, sizeof res, "RANGE");
		break;
	}
	crm_buf_release(&out);
	crm_expr_free(e);
	return res;
}

static void
test_exact(void)
{
	unit_streq(ev("a*3", "0.1", "", 2), "0.30", "0.1 x 3 is 0.30, exactly");
	unit_streq(ev("a*b", "6", "2.55", 2), "15.30", "Quantity x UnitPrice");
	unit_streq(ev("a*b", "-12", "0.85", 2), "-10.20",
	    "a cancelled line is negative");
	unit_streq(ev("a/3*3", "1", "", 2), "1.00", "(1/3) x 3 is 1, not 0.99");
	unit_streq(ev("a/3", "2", "", 2), "0.67", "2/3 rounds up at .666");
	unit_streq(ev("a/3", "-2", "", 2), "-0.67", "and away from zero below");
	unit_streq(ev("a*b", "0.125", "1", 2), "0.13",
	    "half rounds away from zero (0.125)");
	unit_streq(ev("a*b", "-0.125", "1", 2), "-0.13",
	    "half rounds away from zero (-0.125)");
	unit_streq(ev("a*b", "0.0049", "1", 2), "0.00", "a small value is 0.00");
	unit_streq(ev("a*b", "-0.004", "1", 2), "0.00",
	    "no minus sign on a value that rounds to zero");
	unit_streq(ev("a*b", "9.995", "1", 2), "10.00",
	    "rounding carries into the integer part");
	unit_streq(ev("a*b", "999999999999999", "999999999999999", 2),
	    "999999999999998000000000000001.00",
	    "a product of 1e15-scale numbers is exact");
	unit_streq(ev("a*b*a*b*a", "999999999999999", "999999999999999", 2),
	    "RANGE", "a product past 2^124 is out of range, not wrapped");
	unit_streq(ev("a+b", "1", "-1", 2), "0.00", "a sum of zero");
	unit_streq(ev("(a+b)*2-a/b", "1.5", "0.5", 2), "1.00",
	    "precedence and parentheses");
	unit_streq(ev("-a--b", "2", "3", 0), "1", "unary minus");
	unit_streq(ev("a/b", "1", "0", 2), "DIV0", "division by zero");
	unit_streq(ev("a/(b-b)", "1", "7", 2), "DIV0",
	    "division by a zero made on the way");
	unit_streq(ev("a*b", "1,5", "2", 2), "NAN:a",
	    "a decimal comma is not a number, named");
	unit_streq(ev("a*b", "2", "", 2), "NAN:b", "an empty field is not a number");
	unit_streq(ev("a*b", " 2 ", "+3.", 0), "6",
	    "blanks around a field, a sign and a trailing point are allowed");
	unit_streq(ev("a*b", "2", "3e2", 0), "NAN:b", "no exponents");
	unit_streq(ev("a/3", "1", "", CRM_EXPR_TRIM), "0.333333",
	    "trim: six places at most");
	unit_streq(ev("a*b", "2.50", "1", CRM_EXPR_TRIM), "2.5",
	    "trim: trailing zeros dropped");
	unit_streq(ev("a*b", "2.50", "2", CRM_EXPR_TRIM), "5",
	    "trim: and the point");
	unit_streq(ev("数量*单价", "3", "1.10", 2), "3.30", "Chinese bare names");
	unit_streq(ev("\"Qty \"\"x\"\"\" * \"Unit Price\"", "3", "1.10", 2),
	    "3.30", "quoted names with spaces and quotes");
	unit_streq(ev("a*b", "1234567890123456789012345678901234567", "1",
	    0), "NAN:a", "a field of 37 digits is not taken");
	unit_streq(ev("a/7", "1", "", 18), "0.142857142857142857",
	    "18 places");
}

static void
test_syntax(void)
{
	unit_streq(ev("a*", "1", "1", 2),
	    "SYNTAX: expression ends early at offset 2",
	    "an expression that ends early");
	unit_streq(ev("a b", "1", "1", 2),
	    "SYNTAX: expected an operator at offset 2", "two names in a row");
	unit_streq(ev("(a*b", "1", "1", 2), "SYNTAX: expected ')' at offset 4",
	    "an unclosed parenthesis");
	unit_streq(ev("1.2.3*a", "1", "1", 2), "SYNTAX: not a number at offset 0",
	    "a literal with two points");
	unit_streq(ev("\"a", "1", "1", 2),
	    "SYNTAX: unterminated quoted name at offset 2",
	    "an unterminated quoted name");
	unit_streq(ev("a % b", "1", "1", 2),
	    "SYNTAX: expected an operator at offset 2", "no modulo");
	char deep[200];
	memset(deep, '(', 40);
	strcpy(deep + 40, "a");
	memset(deep + 41, ')', 40);
	deep[81] = '\0';
	unit_streq(ev(deep, "1", "1", 2), "SYNTAX: too deeply nested at offset 32",
	    "nesting is bounded");
	UNIT_OK(crm_expr_is_number("12.5", 4, 2) &&
	    !crm_expr_is_number("12.555", 6, 2) &&
	    crm_expr_is_number("12.555", 6, -1) &&
	    !crm_expr_is_number(".", 1, -1) && !crm_expr_is_number("", 0, -1),
	    "crm_expr_is_number and its decimal limit");
}

int
main(void)
{
	test_exact();
	test_syntax();
	return unit_done();
}
