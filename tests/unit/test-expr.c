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

/* The 64-bit path for + - * over decimals must give what the fractions
 * give: "/1" sends an expression down the fraction path, so each random
 * case is evaluated both ways.  Values run from one digit to 18 (where
 * products overflow 64 bits and fall back) with up to 6 places. */
static void
test_fast_path(void)
{
	static const char *forms[] = { "a*b", "a+b", "a-b", "-a*b+a",
		"a*b*b-a", "(a-b)*(a+b)", "a*0.05", "a*1.13+0.005", "a-b-b-b" };
	static const int scales[] = { 0, 2, 6, 18, CRM_EXPR_TRIM };
	unsigned long long s = 88172645463325252ULL;
	int same = 0, total = 0;
	char a[40], b[40], slow[64], fast[300];

	for (int i = 0; i < 20000; i++) {
		char *v[2] = { a, b };
		for (int j = 0; j < 2; j++) {
			s ^= s << 13, s ^= s >> 7, s ^= s << 17;
			int digits = 1 + (int)(s % 18), places = (int)(s >> 8) % 7;
			if (places >= digits)
				places = digits - 1;
			char *p = v[j];
			if ((s >> 16) & 1)
				*p++ = '-';
			for (int d = 0; d < digits; d++) {
				if (d == digits - places && places)
					*p++ = '.';
				s ^= s << 13, s ^= s >> 7, s ^= s << 17;
				*p++ = (char)('0' + (int)(s % 10));
			}
			*p = '\0';
		}
		const char *form = forms[i % 9];
		int sc = scales[(i / 9) % 5];
		snprintf(fast, sizeof fast, "%s", ev(form, a, b, sc));
		snprintf(slow, sizeof slow, "(%s)/1", form);
		same += !strcmp(fast, ev(slow, a, b, sc));
		total++;
	}
	UNIT_OK(same == total, "+ - * in 64 bits equal the fractions, 20000 cases");
	unit_streq(ev("a*b", "999999999999999999", "999999999999999999", 0),
	    "999999999999999998000000000000000001",
	    "18 digits times 18 digits leaves 64 bits and stays exact");
	unit_streq(ev("a+b", "9223372036854775807", "1", 0),
	    "9223372036854775808", "a sum past 2^63 stays exact");
	unit_streq(ev("-a", "999999999999999999", "", 0), "-999999999999999999",
	    "unary minus of 18 digits");
	unit_streq(ev("a*b", "0.000001", "0.000001", 18), "0.000000000001000000",
	    "places add up in a product");
	unit_streq(ev("a*b", "0.00000001", "0.00000000001", 2), "0.00",
	    "a product of more than 18 places");
	unit_streq(ev("a*b", "-0.005", "1", 2), "-0.01",
	    "half away from zero below zero");
	unit_streq(ev("a-b", "0.1", "0.100", CRM_EXPR_TRIM), "0",
	    "trim of an exact zero");
}

/* Fields in full-width forms are numbers, as every other column reads
 * them; the expression itself is written in ASCII. */
static void
test_wide(void)
{
	unit_streq(ev("a*b", "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x8e\xef\xbc\x95",
	    "2", 2), "25.00", "full-width digits and point (\"１２．５\")");
	unit_streq(ev("a*b", "\xe3\x80\x80\xef\xbc\x8d\xef\xbc\x93", "2", 0), "-6",
	    "full-width minus, with an ideographic space before it");
	unit_streq(ev("a*b", "\xef\xbc\x91\xe4\xb8\x87", "2", 0), "NAN:a",
	    "other characters are still not a number (\"１万\")");
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
	test_fast_path();
	test_wide();
	test_syntax();
	return unit_done();
}
