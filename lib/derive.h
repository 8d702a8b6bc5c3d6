/*
 * derive: the columns an import makes from others before they are checked:
 * value maps (--recode, --recode-file), constants (--set) and exact decimal
 * expressions (--compute, lib/expr.h).
 *
 * Order, per record: every --recode is applied to the record as read (a
 * value equal to a FROM, ignoring blanks and U+3000 around it, becomes its TO;
 * any other value is kept), then each --set and --compute in the order
 * given, each seeing the values the steps before it left (so a --compute
 * may read a column an earlier --set or --compute made).  A step whose
 * column is not in the input adds it after the input's columns, in the
 * order the steps were given; one that names an input column replaces its
 * value.  Names are looked up among the input's column names as renamed
 * (crm-import -m), then as they were before renaming.
 *
 * Ownership: a crm_derive owns copies of every name, value and map, and
 * the scratch of the record being derived; the fields crm_derive_apply
 * writes point into the input record or into that scratch, valid until
 * the next call.  crm_derive_release frees it all.
 */
#ifndef CRM_DERIVE_H
#define CRM_DERIVE_H

#include <stddef.h>

#include "strmap.h"
#include "util.h"

struct crm_expr;
struct crm_field;

struct crm_derive_step {
	char *name;                     /* the column it writes */
	char *value;                    /* --set, or NULL */
	struct crm_expr *expr;          /* --compute, or NULL */
	char *src;                      /* the option as given, for messages */
	int scale;                      /* decimals, or CRM_EXPR_TRIM */
	size_t col;                     /* bound: output field index */
	struct crm_buf out;             /* this record's value */
};

struct crm_derive_recode {
	char *column;
	struct crm_strmap map;          /* FROM -> slot; val is offset of TO */
	struct crm_buf to;              /* the TO values, NUL-terminated */
	size_t col;                     /* bound: field index */
};

struct crm_derive {
	struct crm_derive_step *step;
	size_t nstep;
	struct crm_derive_recode *rc;
	size_t nrc;
	size_t nin, nout;               /* bound: fields in, fields out */
	struct crm_buf msg;             /* the last reason */
};

void crm_derive_init(struct crm_derive *d);
void crm_derive_release(struct crm_derive *d);
/* Any step or map at all? */
int crm_derive_any(const struct crm_derive *d);

/* --set NAME=VALUE.  0, or -1 with a reason in err. */
int crm_derive_add_set(struct crm_derive *d, const char *arg, char *err,
    size_t errlen);
/* --compute NAME=EXPR. */
int crm_derive_add_compute(struct crm_derive *d, const char *arg, char *err,
    size_t errlen);
/* --recode COLUMN:FROM=TO,FROM=TO,...  A backslash takes the next
 * character as it is (\, \= \: \\). */
int crm_derive_add_recode(struct crm_derive *d, const char *arg, char *err,
    size_t errlen);
/* --recode-file: TSV lines "column<TAB>from<TAB>to" (canonical TSV
 * escapes), an optional header line "column<TAB>from<TAB>to", '#' lines
 * and empty lines skipped.  The message names file and line. */
int crm_derive_add_recode_file(struct crm_derive *d, const char *path,
    char *err, size_t errlen);

/* Is name the column of a step? */
int crm_derive_makes(const struct crm_derive *d, const char *name);
/* 1 when the last step that writes column name is a --compute (its values
 * are decimal numbers). */
int crm_derive_computes(const struct crm_derive *d, const char *name);

/*
 * Bind to an input of n columns: names[i] as renamed, orig[i] as read
 * (NULL: the same).  Appends the names of the columns the steps add to
 * *names (a crm_xrealloc'd, NULL-terminated vector) and *n.  scale(name,
 * ctx) gives each --compute its decimals (CRM_EXPR_TRIM for none in
 * particular).  0, or -1 with a reason in err (a name no column has).
 */
int crm_derive_bind(struct crm_derive *d, char ***names, size_t *n,
    const char *const *orig, int (*scale)(const char *, void *), void *ctx,
    char *err, size_t errlen);

/*
 * Derive one record: in[0..nin) as read into out[0..nout) (nin and nout
 * as bound; out has room for nout).  NULL when all went well; else a
 * reason (valid until the next call), with *col the field index it is
 * about and *value the offending value (NULL when none) for the message.
 */
const char *crm_derive_apply(struct crm_derive *d, const struct crm_field *in,
    struct crm_field *out, size_t *col, const char **value);

#endif
