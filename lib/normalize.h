/*
 * normalize: validate one field of a data kind and write its canonical form.
 *
 * Every tool that accepts records of a kind (crm-import for whole exports,
 * crm-log and crm-complaint for values typed on the command line) checks and
 * normalises a field the same way through crm_normalize, so a value that one
 * tool accepts is written identically by all of them.  The column type comes
 * from lib/kinds.h; the parsing of dates, money, phones and so on from
 * lib/value.h.
 */
#ifndef CRM_NORMALIZE_H
#define CRM_NORMALIZE_H

#include <stddef.h>

struct crm_buf;
struct crm_coldef;

struct crm_zone;

#define CRM_NORM_ID_INTEGER 0x1u /* ids "17850.0", "17850.00" are "17850" */
#define CRM_NORM_HINTS      0x2u /* date and timestamp reasons say what was
                                    expected and name crm-import's options */
#define CRM_NORM_TS_FORMS   0x4u /* timestamps in every date form, a date
                                    alone the start of its day
                                    (crm_ts_parse_ex) */

struct crm_norm_opts {
	const char *country;    /* default country code for phone numbers
	                           without one ("86" or "+86"); NULL is "86" */
	unsigned date_flags;    /* CRM_DATE_MDY or CRM_DATE_DMY, CRM_DATE_TIME,
	                           CRM_DATE_EXCEL (value.h) */
	unsigned ts_flags;      /* CRM_TS_LOCAL, CRM_TS_DATE_OK (value.h) */
	unsigned flags;         /* CRM_NORM_* */
	const struct crm_zone *zone;    /* CRM_TS_LOCAL under
	                                   CRM_NORM_TS_FORMS; NULL is TZ */
};

/* Set *o to the defaults: country "86", ISO dates only, timestamps with an
 * explicit UTC offset only, no flags. */
void crm_norm_opts_init(struct crm_norm_opts *o);

/*
 * Check s[0..n) as a value of column c and append its canonical form to out
 * (o may be NULL for the defaults).  Returns NULL on success, or a short
 * lowercase reason, and then out is left as it was.
 *
 * In every column but text, full-width ASCII (U+FF01..U+FF5E, as NFKC
 * folds it: "１２３" is "123", "Ｃ１" is "C1") and U+3000 (a space) are
 * read as ASCII first; text is kept as written.  The value is trimmed
 * (ASCII whitespace and U+3000).  An empty value is accepted (and stays
 * empty) unless the column is required: then the reason is "required
 * field is empty".  By type:
 *   text     kept as written;
 *   id       no whitespace inside ("not an id (contains whitespace)");
 *            with CRM_NORM_ID_INTEGER digits then a point and only zeros
 *            are written without them ("17850.0" is "17850");
 *   date     any form crm_date_parse accepts under o->date_flags,
 *            written YYYY-MM-DD;
 *   ts       ISO 8601 with offset (crm_ts_parse), or with
 *            CRM_NORM_TS_FORMS every form of crm_ts_parse_ex under
 *            o->date_flags, o->ts_flags and o->zone; written
 *            2026-11-23T09:30:00+08:00;
 *   money    any form crm_money_parse accepts, written 1234.50;
 *   int      decimal in [min, max] ("out of range (1..5)");
 *   vocab    one of the vocabulary or one of its synonyms
 *            (crm_vocab_alias_index), ASCII case ignored, written in its
 *            documented spelling ("unknown channel (accepted: visit, ...)");
 *   phone    +<country><digits> (crm_phone_normalize);
 *   email    lowercased (crm_email_normalize);
 *   bool     1 for 1, yes, y, true, t, 是; 0 for 0, no, n, false, f, 否;
 *   decimal  [+-]digits[.digits] with at most 6 places, written without
 *            '+', leading zeros or trailing zeros ("not a decimal number").
 *
 * With CRM_NORM_HINTS a date or timestamp reason ends with what was
 * expected: "not a date (expected YYYY-MM-DD, optionally with a time;
 * M/D/YYYY needs --mdy, D/M/YYYY --dmy)".
 *
 * The reason is a constant string, except for the vocabulary, range and
 * hinted messages, which live in a buffer of this module that the next
 * call to crm_normalize overwrites: copy it to keep it (not thread-safe).
 */
const char *crm_normalize(const struct crm_coldef *c, const char *s, size_t n,
    const struct crm_norm_opts *o, struct crm_buf *out);

#endif
