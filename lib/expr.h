/*
 * expr: exact decimal arithmetic over the fields of one record, for
 * crm-import's --compute (amount = Quantity * UnitPrice).
 *
 * An expression is + - * / over decimal literals, column names and
 * parentheses, with the usual precedence and unary minus.  A bare name is
 * letters, digits, '_' and any non-ASCII character, not starting with a
 * digit; a name with other characters (spaces, dots) is written in double
 * quotes, "" standing for one quote.
 *
 * Every value is held as an exact fraction of two 128-bit integers kept in
 * lowest terms, so 0.1 * 3 is exactly 3/10 and (1/3) * 3 is exactly 1; the
 * one rounding is the last step, to the scale the caller asks for, half
 * away from zero (as money is rounded everywhere in the library).  A
 * result or intermediate that does not fit is an error, never a wrapped
 * number.  A field is a number when it is, after trimming ASCII blanks, an
 * optional sign, digits and at most one decimal point with digits on at
 * least one side (at most 36 digits in all); full-width digits, sign,
 * point and U+3000 are read as their ASCII forms (crm_width_fold).
 * + - * over decimals of at most 18 digits are evaluated in 64-bit
 * integers over a power of ten, with the same results.
 *
 * Ownership: a compiled expression owns its code and the copies of the
 * names; crm_expr_free releases it.  Evaluation allocates nothing.
 */
#ifndef CRM_EXPR_H
#define CRM_EXPR_H

#include <stddef.h>

struct crm_buf;
struct crm_field;
struct crm_expr;

/* Compile src; NULL with a reason in err ("expected a number, a name or
 * '(' at offset 4") when it is not an expression. */
struct crm_expr *crm_expr_compile(const char *src, char *err, size_t errlen);
void crm_expr_free(struct crm_expr *e);

/* The distinct names the expression reads, in order of first use. */
size_t crm_expr_nnames(const struct crm_expr *e);
const char *crm_expr_name(const struct crm_expr *e, size_t i);
/* Name i is read from field index col of the records given to eval. */
void crm_expr_bind(struct crm_expr *e, size_t i, size_t col);
/* The field index name i is bound to. */
size_t crm_expr_col(const struct crm_expr *e, size_t i);

/* Scale CRM_EXPR_TRIM: six decimal places at most, trailing zeros (and a
 * trailing point) dropped. */
#define CRM_EXPR_TRIM (-1)

enum crm_expr_status {
	CRM_EXPR_OK,
	CRM_EXPR_NAN,           /* name *bad is not a number */
	CRM_EXPR_DIV0,          /* division by zero */
	CRM_EXPR_RANGE          /* a value does not fit */
};

/*
 * Evaluate over f (the bound columns must be < nf) and append the result,
 * rounded to scale decimal places (0 to 18, or CRM_EXPR_TRIM), to out.
 * On an error out is unchanged and, for CRM_EXPR_NAN, *bad is the index
 * of the name whose field is not a number.
 */
enum crm_expr_status crm_expr_eval(const struct crm_expr *e,
    const struct crm_field *f, size_t nf, int scale, struct crm_buf *out,
    size_t *bad);

/* Is s[0..n) a number in the sense above?  With at most maxdec decimal
 * places (-1: any). */
int crm_expr_is_number(const char *s, size_t n, int maxdec);

#endif
