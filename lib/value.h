/*
 * value: exact parsers and formatters for the field types every tool shares:
 * dates, timestamps, money, integers, phone numbers and email addresses.
 *
 * Each parser reads exactly the n bytes at s (no trimming: callers trim with
 * crm_trim first), allocates nothing, and returns NULL on success or a short
 * constant lowercase reason ("not a date", "day out of range") on failure, so
 * a command can print `prog: file:line: field: REASON 'value'`.  Outputs are
 * written only on success.  Money is kept as int64 minor units (cents, fen),
 * never as binary floating point.
 */
#ifndef CRM_VALUE_H
#define CRM_VALUE_H

#include <stddef.h>
#include <stdint.h>

/* Strip ASCII whitespace (space, \t, \n, \v, \f, \r) and U+3000 ideographic
 * space from both ends of s[0..*n), updating *s and *n in place. */
void crm_trim(const char **s, size_t *n);

/*
 * Dates are int32 days since 1970-01-01 in the proleptic Gregorian calendar.
 * Only years 1000..9999 are valid (four-digit years, so every date formats
 * as exactly YYYY-MM-DD).
 */
#define CRM_DATE_MDY 0x1u	/* accept 11/23/2026 (month/day/year) */
#define CRM_DATE_DMY 0x2u	/* accept 23/11/2026 (day/month/year) */
#define CRM_DATE_STRICT 0x4u	/* only YYYY-MM-DD, as store files hold it */
#define CRM_DATE_TIME 0x8u	/* accept a time of day after the date */
#define CRM_DATE_EXCEL 0x10u	/* accept Excel serial day numbers */
#define CRM_DATE_INVALID INT32_MIN
#define CRM_DATE_MIN (-354285)	/* 1000-01-01 */
#define CRM_DATE_MAX 2932896	/* 9999-12-31 */

/*
 * Parse a date written as 2026-11-23, 2026/11/23, 2026.11.23 (month and day
 * may have one digit: 2026/1/5; both separators must be the same),
 * 20261123, or 2026年11月23日 (also 2026年1月5日).  With CRM_DATE_MDY,
 * M/D/YYYY is accepted too, with CRM_DATE_DMY D/M/YYYY (separators / - or .);
 * if both flags are given MDY wins.  Without either flag such a date is
 * "not a date".  Reasons: "not a date", "year out of range",
 * "month out of range", "day out of range".
 *
 * With CRM_DATE_TIME a time of day may follow the date and is checked,
 * then ignored (the calendar day is kept as written): 'T', 't' or spaces
 * (or nothing after 日), then H:MM or HH:MM, optionally :SS and a
 * fraction after '.' or ',', optionally a UTC offset (Z, +HH:MM, +HHMM,
 * +HH or -): "2010-12-01 08:26", "12/1/2010 8:26" (with CRM_DATE_MDY),
 * "2026年11月23日 09:30", "2010-12-01T08:26:00+08:00".  An hour past 23,
 * a minute or second past 59 or an offset past 18:00 is "time out of
 * range"; anything else after the date is "not a date".
 *
 * With CRM_DATE_EXCEL a plain number (digits, optionally a fraction,
 * except the eight-digit YYYYMMDD form) is an Excel serial day of the
 * 1900 date system: 1 is 1900-01-01, 59 is 1900-02-28 and 61 is
 * 1900-03-01.  Excel counts a 29 February 1900 that never was: serial 60
 * is rejected ("Excel serial 60 is 1900-02-29, a day that does not
 * exist"), and serials from 61 on are days since 1899-12-30.  The
 * fraction (the time of day) is ignored; serials outside 1..2958465
 * (9999-12-31) are "Excel serial out of range".
 */
const char *crm_date_parse(const char *s, size_t n, unsigned flags,
    int32_t *days);

/*
 * crm_date_parse with the last 10-byte date remembered in *c (zero it
 * first): transaction files come mostly in date order, so most dates are
 * the one before.  One cache per stream; not shared between threads.
 */
struct crm_date_cache {
	char last[10];
	int32_t day;
	unsigned flags;
	int ok;
};
const char *crm_date_parse_miss_(struct crm_date_cache *c, const char *s,
    size_t n, unsigned flags, int32_t *days);

static inline const char *
crm_date_parse_cached(struct crm_date_cache *c, const char *s, size_t n,
    unsigned flags, int32_t *days)
{
	/* the hit here, in the caller: it is nearly every date */
	if (n == sizeof c->last && c->ok && c->flags == flags &&
	    __builtin_memcmp(s, c->last, sizeof c->last) == 0) {
		*days = c->day;
		return (const char *)0;
	}
	return crm_date_parse_miss_(c, s, n, flags, days);
}
/* Write days as "YYYY-MM-DD" plus NUL.  A day outside CRM_DATE_MIN..
 * CRM_DATE_MAX is written as "0000-00-00" so the width never changes. */
void crm_date_format(int32_t days, char out[11]);
/* Days for year y, month m (1..12), day d, or CRM_DATE_INVALID when the date
 * does not exist or the year is outside 1000..9999. */
int32_t crm_date_from_ymd(int y, int m, int d);
/* Split days into year, month (1..12) and day (1..31).  Exact for any int32
 * day, including days outside the valid range. */
void crm_date_to_ymd(int32_t days, int *y, int *m, int *d);
/* days plus k months (k may be negative), the day clamped to the end of the
 * target month: 2026-01-31 + 1 = 2026-02-28.  A result beyond the valid
 * range saturates at CRM_DATE_MIN or CRM_DATE_MAX. */
int32_t crm_date_add_months(int32_t days, int k);
/* The ISO 8601 week of days: weeks start on Monday, week 1 of a week-year
 * is the week holding its first Thursday, so a day near New Year may
 * belong to the week-year before or after its calendar year (2021-01-03
 * is 2020-W53, 2026-12-28 is 2026-W53, 2027-01-04 is 2027-W01).  *wy is
 * the week-year, *wk the week 1..53, *wd the weekday 1 (Monday) ..
 * 7 (Sunday) when wd is not NULL.  Exact for any int32 day. */
void crm_date_isoweek(int32_t days, int *wy, int *wk, int *wd);

/*
 * Timestamps are int64 Unix seconds (UTC) plus the UTC offset in minutes
 * that was written (or taken from TZ), so they format back as written.
 */
#define CRM_TS_LOCAL   0x1u	/* no offset written: use the TZ offset */
#define CRM_TS_DATE_OK 0x2u	/* a bare YYYY-MM-DD means 00:00:00 */
#define CRM_TS_STRICT  0x4u	/* only the form store files are written in */

/*
 * Parse ISO 8601 "YYYY-MM-DDTHH:MM[:SS[.fff]]OFFSET": 'T', 't' or one space
 * between date and time; fractional seconds (after '.' or ',') are accepted
 * and truncated; OFFSET is Z, +HH:MM, +HHMM or +HH (or -), at most 18:00.
 * Without an offset the result is "missing UTC offset" unless flags has
 * CRM_TS_LOCAL: then the wall-clock time is resolved through mktime in the
 * process's TZ and *off_min is the TZ offset at that instant (a time in a
 * DST gap resolves as mktime decides).  With CRM_TS_DATE_OK a bare
 * YYYY-MM-DD is midnight, under the same offset rule.  Reasons:
 * "not a timestamp", "missing UTC offset", "month out of range",
 * "day out of range", "year out of range", "time out of range",
 * "offset out of range".
 */
const char *crm_ts_parse(const char *s, size_t n, unsigned flags,
    int64_t *t, int *off_min);
/*
 * The time zone of timestamps written without an offset (--local-time):
 * a fixed offset, the process's TZ, or a zone of the TZ database.
 */
struct crm_zone {
	int kind;		/* CRM_ZONE_TZ, CRM_ZONE_FIXED, CRM_ZONE_NAMED */
	int off_min;		/* CRM_ZONE_FIXED */
	char name[64];		/* CRM_ZONE_NAMED: "Asia/Shanghai" */
};
#define CRM_ZONE_TZ 0
#define CRM_ZONE_FIXED 1
#define CRM_ZONE_NAMED 2

/*
 * Parse a zone: "+08:00", "+0800", "+08", "-05:30" (up to 18:00), "Z" or
 * "UTC" (offset 0), or a TZ database name ("Asia/Shanghai",
 * "America/New_York"), which must exist as a TZif file under $TZDIR or
 * /usr/share/zoneinfo.  NULL or "" is the process's TZ.  Reasons:
 * "not a time zone (expected +HH:MM, UTC or a TZ database name such as
 * Asia/Shanghai)", "offset out of range".
 */
const char *crm_zone_parse(const char *s, struct crm_zone *z);

/* The options of crm_ts_parse_ex. */
struct crm_ts_opts {
	unsigned flags;		/* CRM_TS_LOCAL, CRM_TS_DATE_OK */
	unsigned date_flags;	/* CRM_DATE_MDY, CRM_DATE_DMY, CRM_DATE_EXCEL */
	const struct crm_zone *zone;	/* under CRM_TS_LOCAL; NULL is TZ */
};

/*
 * A timestamp in the forms real exports write: the date in any form
 * crm_date_parse reads under o->date_flags (2026/11/23, 2026年11月23日,
 * 11/23/2026 with CRM_DATE_MDY, an Excel serial with CRM_DATE_EXCEL,
 * whose fraction is the time of day, rounded to the second), then
 * optionally the time of day and a UTC offset as CRM_DATE_TIME reads
 * them.  A date alone needs CRM_TS_DATE_OK and is the start of that day.
 * A time without an offset ("missing UTC offset" otherwise) needs
 * CRM_TS_LOCAL and is resolved in o->zone:
 *   a fixed offset   simply that offset;
 *   TZ or a name     through the TZ database (a named zone is made the
 *                    process's TZ with setenv on first use).  A wall-clock
 *                    time that occurs twice (the hour a daylight saving
 *                    change repeats) is its first occurrence, the
 *                    earlier instant; one that never occurs (the hour
 *                    skipped) is rejected with "time skipped by a
 *                    daylight saving change", except that a date alone
 *                    is then the first instant of that day.
 * Reasons: those of crm_date_parse and crm_ts_parse, and "time skipped
 * by a daylight saving change".  Not thread-safe (the zone lookup).
 */
const char *crm_ts_parse_ex(const char *s, size_t n,
    const struct crm_ts_opts *o, int64_t *t, int *off_min);

/*
 * crm_ts_parse that also gives the fractional second, truncated to
 * microseconds (0..999999), in *usec when usec is not NULL.
 *
 * With CRM_TS_STRICT (for verifying store files; the other flags are then
 * ignored) only "YYYY-MM-DDTHH:MM:SS[.f]OFFSET" is a timestamp: an upper
 * case 'T', seconds always written, a fraction only after '.', OFFSET Z
 * (upper case), +HH:MM or +HHMM (or -), hours up to 23; the date as
 * CRM_DATE_STRICT reads it.  Reasons: "not a timestamp", "month out of
 * range", "day out of range", "time out of range", "offset out of range".
 */
const char *crm_ts_parse_us(const char *s, size_t n, unsigned flags,
    int64_t *t, int *off_min, int32_t *usec);
/* Write "2026-11-23T09:30:00+08:00" (UTC is +00:00, never Z) plus NUL: the
 * wall-clock time of t at off_min. */
void crm_ts_format(int64_t t, int off_min, char out[32]);
/* The local calendar day (days since 1970-01-01) of t at off_min. */
int32_t crm_ts_days(int64_t t, int off_min);

/*
 * "Now", pinnable for reproducible reports.  When the environment variable
 * CRM_AS_OF is set and not empty, it is parsed as by crm_asof_parse and its
 * reason returned when bad (the caller reports "CRM_AS_OF: REASON");
 * otherwise *t is the current time and *off_min the TZ offset now.
 */
const char *crm_now(int64_t *t, int *off_min);
/*
 * Parse the value of an --as-of option (or CRM_AS_OF), NUL-terminated and
 * trimmed first: a timestamp as crm_ts_parse with CRM_TS_LOCAL |
 * CRM_TS_DATE_OK, so a bare date means 00:00:00 of that day (the start of
 * the day, not its end) in the TZ offset, unless an offset is written.
 */
const char *crm_asof_parse(const char *s, int64_t *t, int *off_min);

/*
 * Money: int64 minor units with two decimals.  Accepted: an optional sign
 * (+ or -) before or after a currency prefix (¥ ￥ $ € or RMB, CNY, USD, EUR
 * followed by optional spaces), or a currency suffix (optional spaces, then
 * 元 or RMB, CNY, USD, EUR; codes also in lowercase) instead; accounting negatives "(12.30)"
 * (optionally with a currency inside, but no sign); digits with
 * well-placed thousands commas ("1,234,567") and an optional decimal point
 * with digits after it (".5" is 0.50; "5." is not a number).  Decimals past
 * the second must be zeros.  Magnitudes above INT64_MAX minor units are
 * rejected for both signs, so the result can always be negated.  Reasons:
 * "not a number", "more than 2 decimal places", "amount out of range".
 */
const char *crm_money_parse_all_(const char *s, size_t n, int64_t *minor);

static inline const char *
crm_money_parse(const char *s, size_t n, int64_t *minor)
{
	/* The plain form "123.45" (at most 15 integer digits, so no
	 * overflow) here, in the caller: it is nearly every amount in real
	 * files, and the call to the general parser cost more than this. */
	if (n >= 4 && n <= 18 && s[n - 3] == '.') {
		unsigned d1 = (unsigned)((unsigned char)s[n - 2] - '0');
		unsigned d2 = (unsigned)((unsigned char)s[n - 1] - '0');
		uint64_t v = 0;
		size_t i;

		for (i = 0; i < n - 3; i++) {
			unsigned d = (unsigned)((unsigned char)s[i] - '0');

			if (d > 9)
				break;
			v = v * 10 + d;
		}
		if (i && i == n - 3 && d1 <= 9 && d2 <= 9) {
			*minor = (int64_t)(v * 100 + d1 * 10 + d2);
			return (const char *)0;
		}
	}
	return crm_money_parse_all_(s, n, minor);
}
/* v in decimal at out (at most 20 bytes, no NUL); returns the length.
 * Inline: tools write numbers by the million. */
static inline size_t
crm_u64_format(uint64_t v, char *out)
{
	char t[20];
	size_t k = sizeof t;

	do
		t[--k] = (char)('0' + v % 10);
	while (v /= 10);
	__builtin_memcpy(out, t + k, sizeof t - k);
	return sizeof t - k;
}
/* Write minor as "1234.50", "-0.05", "0.00" plus NUL (no separators);
 * returns the length. */
size_t crm_money_format(int64_t minor, char out[32]);
/* *acc += v; returns 0, or -1 on int64 overflow leaving *acc unchanged. */
int crm_money_add(int64_t *acc, int64_t v);

/*
 * v with decimals digits after the point (0 to 6), byte for byte as
 * printf's "%.*f" writes it, plus NUL; returns the length, or 0 when the
 * quick way cannot be sure of the rounding (a value within a hair of a
 * tie, beyond 2^40 units of the last digit, not finite), in which case
 * out is untouched and the caller uses printf.  Model figures are
 * written hundreds of thousands of times, where printf's exact decimal
 * conversion was most of the cost.
 */
size_t crm_fixed_format(double v, int decimals, char out[32]);

/*
 * A 128-bit money accumulator for sums of many amounts: adding int64 values
 * cannot overflow it (fewer than 2^63 additions), and the total is checked
 * only once at the end.  Zero it with crm_money_sum_init.
 */
struct crm_money_sum {
	__extension__ __int128 v;
};
void crm_money_sum_init(struct crm_money_sum *s);
void crm_money_sum_add(struct crm_money_sum *s, int64_t v);
/* The total as int64 in *out; returns 0, or -1 when it does not fit. */
int crm_money_sum_get(const struct crm_money_sum *s, int64_t *out);
/* Write the total (which may exceed int64) as "-1234.50" plus NUL. */
void crm_money_sum_format(const struct crm_money_sum *s, char out[48]);
/*
 * The mean sum / n of amounts in minor units (n > 0), rounded half away
 * from zero to the minor unit, worked out on the exact integers: the way
 * every average of money is taken, so that no average loses a cent to
 * floating point (2000000000000000.01 / 1 stays ...01).
 */
__extension__ __int128 crm_money_mean(__int128 sum, uint64_t n);

/*
 * Parse a decimal integer: an optional + or - and ASCII digits only, within
 * min..max.  Reasons: "not an integer", "out of range".
 */
const char *crm_int_parse(const char *s, size_t n, int64_t min, int64_t max,
    int64_t *v);

/*
 * Normalise a phone number to E.164 "+<cc><digits>" in out (outlen >= 17
 * always suffices).  Spaces, dashes, dots, slashes and parentheses are
 * dropped; a leading '+' or an international prefix 00 means the country code
 * is written ("+44 (0)20 ..." drops the "(0)" trunk mark).  Otherwise
 * default_cc (1..3 digits, e.g. "86" or "+86") is prepended after removing one trunk '0'
 * ("010-12345678" -> "+861012345678"); for cc 86 a 13-digit "861..." mobile
 * is taken as already carrying the country code.  The result must have 7..15
 * digits.  Reasons: "not a phone number", "no country code",
 * "phone number too short", "phone number too long", "buffer too small".
 */
const char *crm_phone_normalize(const char *s, size_t n,
    const char *default_cc, char *out, size_t outlen);

/*
 * Lowercase (ASCII) an email address into out (outlen >= n + 1 suffices)
 * after checking it: one '@', a non-empty local part, a domain with a dot
 * not at either end and no empty label, no whitespace, control characters
 * or any of <>()[],;:"\ ; at most 254 bytes.  Bytes >= 0x80 pass through.
 * Reasons: "not an email address", "buffer too small".
 */
const char *crm_email_normalize(const char *s, size_t n, char *out,
    size_t outlen);

#endif
