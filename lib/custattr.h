/*
 * custattr: the customers file as descriptive attributes by customer id,
 * for every tool that joins customers to what they did (crm-segment's
 * attribute columns, crm-report's --by ATTR, crm-log due's status and
 * blacklist, crm-complaint open's blacklist warning).
 *
 * One load reads the whole file through rec (TSV or CSV, columns by header
 * name) and keeps, per customer, the known attributes (status, city,
 * gender, birth_year, occupation, blacklist, lost_reason, created) in the
 * canonical form crm-import writes them (normalize), plus any extra
 * columns the caller names, kept as written.  A bad record, an empty or
 * repeated customer_id, or a field that is no value of its column is
 * reported through the caller's callback as "FILE:LINE: FIELD: reason
 * 'value'" and the rest goes on: a bad field reads as empty, a repeated
 * customer keeps its first row.  With an id map (crm-import --merge-on
 * --id-map: columns old_id and new_id) a merged id finds the attributes of
 * the customer it was merged into (its own row, if the file still has one,
 * only when the file has no row for the id it was merged into).
 *
 * Derived attributes, as of a day:
 *   age_band     from birth_year: the age reached in the as-of year
 *                (as-of year - birth_year) in one of <18, 18-24, 25-34,
 *                35-44, 45-54, 55-64, 65+;
 *   tenure_band  from created: the whole months from created to the as-of
 *                day in one of <3m, 3-6m, 6-12m, 1-2y, 2-5y, 5y+ (lower
 *                bound inclusive: 3 months is 3-6m, 12 months 1-2y; a
 *                customer created after the as-of day is <3m).
 * A customer without the field has the band "" (CRM_REPORT_NONE to a
 * report).  tier is not here: it needs every customer's revenue, which
 * crm-segment has and crm-report's driver works out (pyramid.h).
 *
 * Ownership: the set owns its copies of ids and values; pointers it hands
 * out stay valid until crm_custattr_free.  The library never prints: the
 * callback decides.
 */
#ifndef CRM_CUSTATTR_H
#define CRM_CUSTATTR_H

#include <stddef.h>
#include <stdint.h>

#define CRM_CUSTATTR_UNKNOWN "(unknown)" /* a customer not in the file */

/* The known attributes, in the order crm-segment writes them. */
enum crm_custattr_known {
	CRM_ATTR_STATUS,
	CRM_ATTR_CITY,
	CRM_ATTR_GENDER,
	CRM_ATTR_BIRTH_YEAR,
	CRM_ATTR_OCCUPATION,
	CRM_ATTR_BLACKLIST,
	CRM_ATTR_LOST_REASON,
	CRM_ATTR_CREATED,
	CRM_ATTR_NKNOWN
};
/* Their names, NULL-terminated. */
extern const char *const crm_custattr_known_names[];
/* The derived bands, NULL-terminated: "age_band", "tenure_band". */
extern const char *const crm_custattr_band_names[];
/* The bands' values, in order, NULL-terminated. */
extern const char *const crm_custattr_age_bands[];
extern const char *const crm_custattr_tenure_bands[];

struct crm_custattr_opts {
	int csv;                        /* CSV whatever the file's name */
	const char *const *extra;       /* more columns to keep, NULL-
	                                   terminated, or NULL; a name
	                                   that is a known attribute or a
	                                   band is no extra column */
	const char *id_map;             /* old_id/new_id file, or NULL */
	unsigned known;                 /* the known attributes to read, a
	                                   mask of 1 << CRM_ATTR_*; 0: all
	                                   (the others read as empty, their
	                                   fields unchecked) */
	/* A bad record or field: msg as above; id is the record's customer
	 * id (NUL-terminated) or NULL when it has none.  NULL: not told. */
	void (*bad)(void *ctx, const char *msg, const char *id);
	void *ctx;
};

/* Why crm_custattr_load failed. */
enum crm_custattr_err {
	CRM_CUSTATTR_EREAD = 1,         /* cannot open or read the file */
	CRM_CUSTATTR_ENOID,             /* no customer_id column */
	CRM_CUSTATTR_ECOLUMN,           /* an extra column is missing */
	CRM_CUSTATTR_EMAP               /* the id map is unusable */
};

struct crm_custattr;

/*
 * Read the customers file at path ("-": standard input).  An empty file
 * (no header) is a set without customers.  Returns the set; or NULL with
 * the reason in err ("FILE: no column 'X'", "FILE: reason") and its kind
 * in *why when why is not NULL.
 */
struct crm_custattr *crm_custattr_load(const char *path,
    const struct crm_custattr_opts *o, char *err, size_t errlen, int *why);
void crm_custattr_free(struct crm_custattr *a);
/* The file is read as a store file, to its last whole line: when a torn
 * last line was left out, say so on standard error as crm_reader_torn_warn
 * does ("NAME: torn last line ignored (N bytes after the last newline)")
 * and return 1; else 0. */
int crm_custattr_torn_warn(const struct crm_custattr *a);

/* Number of customers, and the id of customer i (i < count). */
size_t crm_custattr_count(const struct crm_custattr *a);
const char *crm_custattr_id(const struct crm_custattr *a, size_t i);
/* The customer of id p[0..n) (through the id map), or (size_t)-1. */
size_t crm_custattr_find(const struct crm_custattr *a, const char *p,
    size_t n);

/*
 * An attribute by name: a known one, a band, or an extra column of the
 * load; -1 for any other name.  Attribute k of customer i is then
 * crm_custattr_get: its value, NUL-terminated, "" when empty; a band as
 * of day (ignored for the rest).
 */
int crm_custattr_index(const struct crm_custattr *a, const char *name);
const char *crm_custattr_get(const struct crm_custattr *a, size_t i, int k,
    int32_t day);
/* Whether attribute k is a band, and the rank of value s among its values
 * (-1 when it is none of them), for ordering groups. */
int crm_custattr_is_band(const struct crm_custattr *a, int k);
int crm_custattr_band_rank(const struct crm_custattr *a, int k,
    const char *s);

/* Typed known attributes of customer i: created day (CRM_DATE_INVALID
 * when empty or bad), status lost, blacklist 1. */
int32_t crm_custattr_created(const struct crm_custattr *a, size_t i);
/* The line of customer i's row in the file. */
long crm_custattr_line(const struct crm_custattr *a, size_t i);
int crm_custattr_lost(const struct crm_custattr *a, size_t i);
int crm_custattr_blacklisted(const struct crm_custattr *a, size_t i);

/* The bands themselves ("" without a birth year or created day). */
const char *crm_custattr_age_band(int birth_year, int32_t day);
const char *crm_custattr_tenure_band(int32_t created, int32_t day);

#endif
