/*
 * value: exact field parsers (dates, timestamps, money, integers, phones,
 * emails).  Everything here works on (pointer, length) spans without
 * allocating, so the record readers can validate fields in place; calendar
 * arithmetic uses the days-from-civil algorithms, exact over all of int32.
 */
#include "value.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char E_DATE[] = "not a date";
static const char E_YEAR[] = "year out of range";
static const char E_MONTH[] = "month out of range";
static const char E_DAY[] = "day out of range";
static const char E_TS[] = "not a timestamp";
static const char E_NOOFF[] = "missing UTC offset";
static const char E_TIME[] = "time out of range";
static const char E_OFF[] = "offset out of range";
static const char E_NUM[] = "not a number";
static const char E_DEC[] = "more than 2 decimal places";
static const char E_AMOUNT[] = "amount out of range";
static const char E_INT[] = "not an integer";
static const char E_RANGE[] = "out of range";
static const char E_PHONE[] = "not a phone number";
static const char E_NOCC[] = "no country code";
static const char E_SHORT[] = "phone number too short";
static const char E_LONG[] = "phone number too long";
static const char E_BUF[] = "buffer too small";
static const char E_EMAIL[] = "not an email address";

static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

static int
isspc(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Does s[i..n) start with the bytes of lit? */
static int
has(const char *s, size_t n, size_t i, const char *lit)
{
	size_t k = strlen(lit);

	return i <= n && n - i >= k && memcmp(s + i, lit, k) == 0;
}

#define IDEO_SPACE "\xe3\x80\x80"	/* U+3000 */

void
crm_trim(const char **sp, size_t *np)
{
	const char *s = *sp;
	size_t n = *np;

	for (;;) {
		if (n > 0 && isspc((unsigned char)s[0])) {
			s++, n--;
		} else if (has(s, n, 0, IDEO_SPACE)) {
			s += 3, n -= 3;
		} else {
			break;
		}
	}
	for (;;) {
		if (n > 0 && isspc((unsigned char)s[n - 1]))
			n--;
		else if (n >= 3 && memcmp(s + n - 3, IDEO_SPACE, 3) == 0)
			n -= 3;
		else
			break;
	}
	*sp = s;
	*np = n;
}

/* ---- calendar ---- */

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const unsigned char md[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && is_leap(y) ? 29 : md[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (any year). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *yp, int *mp, int *dp)
{
	int64_t era, doe, yoe, y, doy, mp5;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp5 = (5 * doy + 2) / 153;
	*dp = (int)(doy - (153 * mp5 + 2) / 5 + 1);
	*mp = (int)(mp5 < 10 ? mp5 + 3 : mp5 - 9);
	*yp = y + (*mp <= 2);
}

int32_t
crm_date_from_ymd(int y, int m, int d)
{
	if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > month_days(y, m))
		return CRM_DATE_INVALID;
	return (int32_t)days_from_civil(y, m, d);
}

void
crm_date_to_ymd(int32_t days, int *y, int *m, int *d)
{
	int64_t yy;

	civil_from_days(days, &yy, m, d);
	*y = (int)yy;
}

void
crm_date_isoweek(int32_t days, int *wy, int *wk, int *wd)
{
	/* 1970-01-01 was a Thursday: weekday 0 (Monday) .. 6 of days. */
	int64_t w = ((int64_t)days + 3) % 7, thu, y;
	int m, d;

	if (w < 0)
		w += 7;
	/* The week's Thursday decides its week-year. */
	thu = (int64_t)days - w + 3;
	civil_from_days(thu, &y, &m, &d);
	*wy = (int)y;
	*wk = (int)((thu - days_from_civil(y, 1, 1)) / 7 + 1);
	if (wd)
		*wd = (int)w + 1;
}

/* Check y-m-d and turn it into days, or say what is wrong. */
static const char *
ymd_check(int y, int m, int d, int32_t *days)
{
	if (y < 1000 || y > 9999)
		return E_YEAR;
	if (m < 1 || m > 12)
		return E_MONTH;
	if (d < 1 || d > month_days(y, m))
		return E_DAY;
	*days = (int32_t)days_from_civil(y, m, d);
	return NULL;
}

int32_t
crm_date_add_months(int32_t days, int k)
{
	int64_t y, mi;
	int m, d, md;

	civil_from_days(days, &y, &m, &d);
	mi = y * 12 + (m - 1) + k;
	y = mi >= 0 ? mi / 12 : -((-mi + 11) / 12);
	m = (int)(mi - y * 12) + 1;
	if (y < 1000)
		return CRM_DATE_MIN;
	if (y > 9999)
		return CRM_DATE_MAX;
	md = month_days((int)y, m);
	if (d > md)
		d = md;
	return (int32_t)days_from_civil(y, m, d);
}

void
crm_date_format(int32_t days, char out[11])
{
	int y, m, d;

	if (days < CRM_DATE_MIN || days > CRM_DATE_MAX) {
		memcpy(out, "0000-00-00", 11);
		return;
	}
	crm_date_to_ymd(days, &y, &m, &d);
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

/* Read lo..hi digits at s[*i]; returns the count read (0 = too few). */
static int
digits(const char *s, size_t n, size_t *i, int lo, int hi, int *v)
{
	int k = 0, x = 0;

	while (*i < n && k < hi && isdig((unsigned char)s[*i])) {
		x = x * 10 + (s[*i] - '0');
		(*i)++, k++;
	}
	if (k < lo || (*i < n && isdig((unsigned char)s[*i])))
		return 0;
	*v = x;
	return k;
}

static size_t
strspn_dig(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && isdig((unsigned char)s[i]))
		i++;
	return i;
}

/* Read exactly two digits at s[*i], whatever follows. */
static int
two(const char *s, size_t n, size_t *i, int *v)
{
	if (n - *i < 2 || !isdig((unsigned char)s[*i]) ||
	    !isdig((unsigned char)s[*i + 1]))
		return 0;
	*v = (s[*i] - '0') * 10 + (s[*i + 1] - '0');
	*i += 2;
	return 1;
}

static int
is_datesep(int c)
{
	return c == '-' || c == '/' || c == '.';
}

const char *
crm_date_parse_miss_(struct crm_date_cache *c, const char *s, size_t n,
    unsigned flags, int32_t *days)
{
	const char *e;

	e = crm_date_parse(s, n, flags, days);
	if (!e && n == sizeof c->last) {
		memcpy(c->last, s, sizeof c->last);
		c->day = *days;
		c->flags = flags;
		c->ok = 1;
	}
	return e;
}

/* Exactly n fixed digits at s (no sign, no more digits). */
static int
fixed(const char *s, int n, int *v)
{
	int x = 0;

	for (int i = 0; i < n; i++) {
		unsigned d = (unsigned)((unsigned char)s[i] - '0');
		if (d > 9)
			return 0;
		x = x * 10 + (int)d;
	}
	*v = x;
	return 1;
}

/* CRM_DATE_STRICT: YYYY-MM-DD at fixed places, any four-digit year. */
static const char *
date_strict(const char *s, size_t n, int32_t *days)
{
	int y, m, d;

	if (n != 10 || s[4] != '-' || s[7] != '-' || !fixed(s, 4, &y) ||
	    !fixed(s + 5, 2, &m) || !fixed(s + 8, 2, &d))
		return E_DATE;
	if (m < 1 || m > 12)
		return E_MONTH;
	if (d < 1 || d > month_days(y, m))
		return E_DAY;
	*days = (int32_t)days_from_civil(y, m, d);
	return NULL;
}

/*
 * The date at the start of s[0..n), by shape only: its year, month and
 * day and where it ends (*end).  Returns 0 when s does not start with a
 * date crm_date_parse reads under flags.
 */
static int
date_head(const char *s, size_t n, unsigned flags, int *y, int *m, int *d,
    size_t *end)
{
	size_t i = 0;
	int a = 0, b = 0, c = 0, na;
	char sep;

	if (n >= 8 && strspn_dig(s, n) == 8) {
		two(s, n, &i, &a);
		two(s, n, &i, &b);
		*y = a * 100 + b;
		two(s, n, &i, m);
		two(s, n, &i, d);
		*end = 8;
		return 1;
	}
	na = digits(s, n, &i, 1, 4, &a);
	if (na == 0 || na == 3 || i >= n)
		return 0;
	if (na == 4 && has(s, n, i, "年")) {
		i += 3;
		if (!digits(s, n, &i, 1, 2, &b) || !has(s, n, i, "月"))
			return 0;
		i += 3;
		if (!digits(s, n, &i, 1, 2, &c) || !has(s, n, i, "日"))
			return 0;
		*y = a, *m = b, *d = c;
		*end = i + 3;
		return 1;
	}
	sep = s[i];
	if (!is_datesep((unsigned char)sep))
		return 0;
	i++;
	if (na == 4) {
		if (!digits(s, n, &i, 1, 2, &b) || i >= n || s[i] != sep)
			return 0;
		i++;
		if (!digits(s, n, &i, 1, 2, &c))
			return 0;
		*y = a, *m = b, *d = c;
		*end = i;
		return 1;
	}
	/* a one- or two-digit first field: month or day first */
	if (!(flags & (CRM_DATE_MDY | CRM_DATE_DMY)))
		return 0;
	if (!digits(s, n, &i, 1, 2, &b) || i >= n || s[i] != sep)
		return 0;
	i++;
	if (!digits(s, n, &i, 4, 4, &c))
		return 0;
	*y = c;
	*m = flags & CRM_DATE_MDY ? a : b;
	*d = flags & CRM_DATE_MDY ? b : a;
	*end = i;
	return 1;
}

/* A time of day after a date, as CRM_DATE_TIME reads it. */
struct tod {
	int h, mi, sec;
	int has_off, off_min;
};

enum { TOD_OK, TOD_SHAPE, TOD_RANGE, TOD_OFF };

/*
 * Read the time of day (and offset) that follows a date at s[i..n): 'T',
 * 't' or spaces first (or nothing, when nosep), H:MM or HH:MM, optional
 * :SS, an optional fraction, an optional offset (one space may come
 * before it).  Returns TOD_OK, TOD_SHAPE (not a time), TOD_RANGE (a field
 * out of range) or TOD_OFF (offset out of range).
 */
static int
tod_parse(const char *s, size_t n, size_t i, int nosep, struct tod *o)
{
	int oh = 0, om = 0, sign = 1;

	memset(o, 0, sizeof *o);
	if (i < n && (s[i] == 'T' || s[i] == 't')) {
		i++;
	} else if (i < n && s[i] == ' ') {
		while (i < n && s[i] == ' ')
			i++;
	} else if (!nosep) {
		return TOD_SHAPE;
	}
	if (!digits(s, n, &i, 1, 2, &o->h) || !has(s, n, i, ":"))
		return TOD_SHAPE;
	i++;
	if (!digits(s, n, &i, 2, 2, &o->mi))
		return TOD_SHAPE;
	if (has(s, n, i, ":")) {
		i++;
		if (!digits(s, n, &i, 2, 2, &o->sec))
			return TOD_SHAPE;
		if (i < n && (s[i] == '.' || s[i] == ',')) {
			size_t f = ++i;

			while (i < n && isdig((unsigned char)s[i]))
				i++;
			if (i == f)
				return TOD_SHAPE;
		}
	}
	if (i + 1 < n && s[i] == ' ' && (s[i + 1] == '+' || s[i + 1] == '-'))
		i++;
	if (i < n) {
		if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
			o->has_off = 1;
		} else if (s[i] == '+' || s[i] == '-') {
			sign = s[i++] == '-' ? -1 : 1;
			if (!two(s, n, &i, &oh))
				return TOD_SHAPE;
			if (has(s, n, i, ":") && i + 1 < n)
				i++;
			if (i < n && !two(s, n, &i, &om))
				return TOD_SHAPE;
			if (i != n)
				return TOD_SHAPE;
			o->has_off = 1;
		} else {
			return TOD_SHAPE;
		}
	}
	if (o->h > 23 || o->mi > 59 || o->sec > 59)
		return TOD_RANGE;
	if (om > 59 || oh * 60 + om > 18 * 60)
		return TOD_OFF;
	o->off_min = sign * (oh * 60 + om);
	return TOD_OK;
}

static const char E_SERIAL60[] =
    "Excel serial 60 is 1900-02-29, a day that does not exist";
static const char E_SERIAL[] = "Excel serial out of range";

/* Is s[0..n) a plain number, the shape of an Excel serial (but not the
 * eight digits of YYYYMMDD)? */
static int
is_serial(const char *s, size_t n)
{
	size_t k = strspn_dig(s, n);

	if (k == 0)
		return 0;
	if (k == n)
		return n != 8;
	return s[k] == '.' && k + 1 < n && strspn_dig(s + k + 1, n - k - 1) ==
	    n - k - 1;
}

/*
 * An Excel serial of the 1900 system (is_serial said so): the day in
 * *days and, when secs is not NULL, the fraction as seconds of the day,
 * rounded to the nearest (86400 when it rounds up to the next midnight).
 * Excel's serial 60 is its 29 February 1900, a day that never was;
 * serials past it count from 1899-12-30, the ones before from 1899-12-31.
 */
static const char *
excel_serial(const char *s, size_t n, int32_t *days, int32_t *secs)
{
	uint64_t v = 0, num = 0, den = 1;
	size_t i = 0;
	int k = 0;

	for (; i < n && isdig((unsigned char)s[i]); i++)
		if (v < 100000000)
			v = v * 10 + (uint64_t)(s[i] - '0');
	if (i < n && s[i] == '.')
		for (i++; i < n; i++)
			if (k < 12) {
				num = num * 10 + (uint64_t)(s[i] - '0');
				den *= 10;
				k++;
			}
	if (v < 1 || v > 2958465)
		return E_SERIAL;
	if (v == 60)
		return E_SERIAL60;
	*days = (int32_t)v - (v < 60 ? 25568 : 25569);
	if (secs)
		*secs = (int32_t)((num * 86400 * 2 + den) / (2 * den));
	return NULL;
}

const char *
crm_date_parse(const char *s, size_t n, unsigned flags, int32_t *days)
{
	size_t end;
	int y, m, d, r = TOD_OK;
	int32_t dd;
	struct tod td;
	const char *e;

	if (flags & CRM_DATE_STRICT)
		return date_strict(s, n, days);
	/* YYYY-MM-DD, the form nearly every date comes in, read as
	 * date_head would read it, at a fifth of its cost */
	if (n == 10 && s[4] == '-' && s[7] == '-' && fixed(s, 4, &y) &&
	    fixed(s + 5, 2, &m) && fixed(s + 8, 2, &d))
		return ymd_check(y, m, d, days);
	if ((flags & CRM_DATE_EXCEL) && is_serial(s, n))
		return excel_serial(s, n, days, NULL);
	if (!date_head(s, n, flags, &y, &m, &d, &end))
		return E_DATE;
	if (end != n) {
		if (!(flags & CRM_DATE_TIME))
			return E_DATE;
		r = tod_parse(s, n, end, has(s, n, end - 3, "日"), &td);
		if (r == TOD_SHAPE)
			return E_DATE;
	}
	if ((e = ymd_check(y, m, d, &dd)) != NULL)
		return e;
	if (r != TOD_OK)
		return E_TIME;
	*days = dd;
	return NULL;
}

/* ---- timestamps ---- */

static int64_t
floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* A separator then two decimal digits of v (0..99). */
static void
put2(char *o, char sep, int v)
{
	o[0] = sep;
	o[1] = (char)('0' + v / 10);
	o[2] = (char)('0' + v % 10);
}

int32_t
crm_ts_days(int64_t t, int off_min)
{
	return (int32_t)floordiv(t + (int64_t)off_min * 60, 86400);
}

void
crm_ts_format(int64_t t, int off_min, char out[32])
{
	int64_t local = t + (int64_t)off_min * 60;
	int64_t sec = local - floordiv(local, 86400) * 86400;
	int off = off_min < 0 ? -off_min : off_min;

	crm_date_format(crm_ts_days(t, off_min), out);
	/* Digits by hand: this runs twice per record in crm-complaint triage,
	 * where snprintf was a tenth of the time. */
	put2(out + 10, 'T', (int)(sec / 3600));
	put2(out + 13, ':', (int)(sec / 60 % 60));
	put2(out + 16, ':', (int)(sec % 60));
	put2(out + 19, off_min < 0 ? '-' : '+', off / 60 % 100);
	put2(out + 22, ':', off % 60);
	out[25] = '\0';
}

/* Resolve a wall-clock time with no written offset through TZ. */
static const char *
ts_local(int y, int mo, int d, int h, int mi, int sec, int64_t *t,
    int *off_min)
{
	struct tm tm, lt;
	time_t tt;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	tzset();
	tm.tm_wday = -1;	/* mktime sets it on success; -1 is a valid time */
	tt = mktime(&tm);
	if (tm.tm_wday < 0)
		return E_TIME;
	if (!localtime_r(&tt, &lt))
		return E_TIME;
	*t = (int64_t)tt;
	*off_min = (int)(lt.tm_gmtoff / 60);
	return NULL;
}

/*
 * CRM_TS_STRICT: YYYY-MM-DDTHH:MM:SS[.digits](Z|+HH:MM|+HHMM|-...) at fixed
 * places, the date as CRM_DATE_STRICT reads it, offsets up to 23:59.
 */
static const char *
ts_strict(const char *s, size_t n, int64_t *t, int *off_min, int32_t *usec)
{
	int hh, mi, ss, oh = 0, om = 0, sign = 0, fd = 0;
	int32_t dd, frac = 0;
	size_t i = 19;
	const char *e;

	if (n < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    !fixed(s + 11, 2, &hh) || !fixed(s + 14, 2, &mi) ||
	    !fixed(s + 17, 2, &ss))
		return E_TS;
	if ((e = date_strict(s, 10, &dd)) != NULL)
		return e;
	if (hh > 23 || mi > 59 || ss > 59)
		return E_TIME;
	if (s[i] == '.') {
		size_t st = ++i;
		while (i < n && (unsigned)((unsigned char)s[i] - '0') <= 9u) {
			if (fd < 6) {
				frac = frac * 10 + (s[i] - '0');
				fd++;
			}
			i++;
		}
		if (i == st)
			return E_TS;
		for (; fd < 6; fd++)
			frac *= 10;
	}
	if (i + 1 == n && s[i] == 'Z') {
		sign = 0;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		sign = s[i++] == '+' ? 1 : -1;
		if (n - i == 5 && s[i + 2] == ':') {
			if (!fixed(s + i, 2, &oh) || !fixed(s + i + 3, 2, &om))
				return E_TS;
		} else if (n - i == 4) {
			if (!fixed(s + i, 2, &oh) || !fixed(s + i + 2, 2, &om))
				return E_TS;
		} else {
			return E_TS;
		}
		if (oh > 23 || om > 59)
			return E_OFF;
	} else {
		return E_TS;
	}
	*off_min = sign * (oh * 60 + om);
	*t = (int64_t)dd * 86400 + hh * 3600 + mi * 60 + ss -
	    (int64_t)*off_min * 60;
	if (usec)
		*usec = frac;
	return NULL;
}

const char *
crm_ts_parse(const char *s, size_t n, unsigned flags, int64_t *t,
    int *off_min)
{
	return crm_ts_parse_us(s, n, flags, t, off_min, NULL);
}

const char *
crm_ts_parse_us(const char *s, size_t n, unsigned flags, int64_t *t,
    int *off_min, int32_t *usec)
{
	size_t i = 0;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
	int32_t days, frac = 0;
	const char *e;

	if (flags & CRM_TS_STRICT)
		return ts_strict(s, n, t, off_min, usec);
	if (!digits(s, n, &i, 4, 4, &y) || !has(s, n, i, "-"))
		return E_TS;
	i++;
	if (!digits(s, n, &i, 2, 2, &mo) || !has(s, n, i, "-"))
		return E_TS;
	i++;
	if (!digits(s, n, &i, 2, 2, &d))
		return E_TS;
	if (i == n) {
		if (!(flags & CRM_TS_DATE_OK))
			return E_TS;
	} else {
		if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
			return E_TS;
		i++;
		if (!digits(s, n, &i, 2, 2, &h) || !has(s, n, i, ":"))
			return E_TS;
		i++;
		if (!digits(s, n, &i, 2, 2, &mi))
			return E_TS;
		if (has(s, n, i, ":")) {
			i++;
			if (!digits(s, n, &i, 2, 2, &sec))
				return E_TS;
			if (i < n && (s[i] == '.' || s[i] == ',')) {
				size_t f = ++i;
				while (i < n && isdig((unsigned char)s[i])) {
					if (i - f < 6)
						frac = frac * 10 + (s[i] - '0');
					i++;
				}
				if (i == f)
					return E_TS;
				for (size_t k = i - f; k < 6; k++)
					frac *= 10;
			}
		}
		if (i < n) {
			if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
				sign = 1;
				i++;
			} else if (s[i] == '+' || s[i] == '-') {
				sign = s[i++] == '-' ? -1 : 1;
				if (!two(s, n, &i, &oh))
					return E_TS;
				if (has(s, n, i, ":") && i + 1 < n)
					i++;
				if (i < n && !two(s, n, &i, &om))
					return E_TS;
				if (i != n)
					return E_TS;
			} else {
				return E_TS;
			}
		}
	}
	if ((e = ymd_check(y, mo, d, &days)) != NULL)
		return e;
	if (h > 23 || mi > 59 || sec > 59)
		return E_TIME;
	if (om > 59 || oh * 60 + om > 18 * 60)
		return E_OFF;
	if (!sign) {
		if (!(flags & CRM_TS_LOCAL))
			return E_NOOFF;
		if ((e = ts_local(y, mo, d, h, mi, sec, t, off_min)) != NULL)
			return e;
	} else {
		*off_min = sign * (oh * 60 + om);
		*t = (int64_t)days * 86400 + h * 3600 + mi * 60 + sec -
		    (int64_t)*off_min * 60;
	}
	if (usec)
		*usec = frac;
	return NULL;
}

/* ---- zones: --local-time ---- */

static const char E_ZONE[] = "not a time zone (expected +HH:MM, UTC or a TZ "
    "database name such as Asia/Shanghai)";
static const char E_GAP[] = "time skipped by a daylight saving change";

/* Does the TZ database hold a zone called name (a TZif file)? */
static int
zone_exists(const char *name)
{
	const char *dir = getenv("TZDIR");
	char path[512], magic[4];
	FILE *f;
	size_t k;

	for (const char *p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    isdig((unsigned char)*p) || strchr("_+-/", *p)))
			return 0;
	if (name[0] == '/' || name[0] == '-' || strstr(name, ".."))
		return 0;
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >=
	    sizeof path)
		return 0;
	if (!(f = fopen(path, "rb")))
		return 0;
	k = fread(magic, 1, sizeof magic, f);
	fclose(f);
	return k == sizeof magic && memcmp(magic, "TZif", 4) == 0;
}

const char *
crm_zone_parse(const char *s, struct crm_zone *z)
{
	size_t n, i = 1;
	int oh = 0, om = 0;

	memset(z, 0, sizeof *z);
	z->kind = CRM_ZONE_TZ;
	if (!s || !*s)
		return NULL;
	n = strlen(s);
	if (!strcmp(s, "Z") || !strcmp(s, "UTC") || !strcmp(s, "utc")) {
		z->kind = CRM_ZONE_FIXED;
		return NULL;
	}
	if (s[0] == '+' || s[0] == '-') {
		if (!two(s, n, &i, &oh))
			return E_ZONE;
		if (i < n && s[i] == ':' && i + 1 < n)
			i++;
		if (i < n && !two(s, n, &i, &om))
			return E_ZONE;
		if (i != n)
			return E_ZONE;
		if (om > 59 || oh * 60 + om > 18 * 60)
			return E_OFF;
		z->kind = CRM_ZONE_FIXED;
		z->off_min = (s[0] == '-' ? -1 : 1) * (oh * 60 + om);
		return NULL;
	}
	if (n >= sizeof z->name || !zone_exists(s))
		return E_ZONE;
	z->kind = CRM_ZONE_NAMED;
	memcpy(z->name, s, n + 1);
	return NULL;
}

/* The UTC offset in seconds of the process's TZ at instant t. */
static long
gmtoff_at(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm lt;

	if (!localtime_r(&tt, &lt))
		return 0;
	return lt.tm_gmtoff;
}

/*
 * The instant of wall-clock time w (seconds since 1970-01-01 as if UTC)
 * in zone z, with the rules of crm_ts_parse_ex: of the offsets in force a
 * day before, at and a day after w, those that give back w are its
 * occurrences, and the earliest is taken; none means w was skipped.
 */
static const char *
zone_resolve(const struct crm_zone *z, int64_t w, int date_only, int64_t *t,
    int *off_min)
{
	long cand[3], best_off = 0;
	int64_t best = 0, lo, hi;
	int found = 0;

	if (z && z->kind == CRM_ZONE_FIXED) {
		*t = w - (int64_t)z->off_min * 60;
		*off_min = z->off_min;
		return NULL;
	}
	if (z && z->kind == CRM_ZONE_NAMED) {
		const char *cur = getenv("TZ");

		if (!cur || strcmp(cur, z->name)) {
			setenv("TZ", z->name, 1);
			tzset();
		}
	} else {
		tzset();
	}
	cand[0] = gmtoff_at(w - 86400);
	cand[1] = gmtoff_at(w);
	cand[2] = gmtoff_at(w + 86400);
	for (int k = 0; k < 3; k++)
		if (gmtoff_at(w - cand[k]) == cand[k] &&
		    (!found || w - cand[k] < best)) {
			best = w - cand[k];
			best_off = cand[k];
			found = 1;
		}
	if (!found) {
		if (!date_only)
			return E_GAP;
		/* the day begins when the skipped hour ends: the first
		 * instant whose wall clock is at or past w */
		lo = w - (cand[0] > cand[2] ? cand[0] : cand[2]);
		hi = w - (cand[0] < cand[2] ? cand[0] : cand[2]);
		while (lo < hi) {
			int64_t mid = lo + (hi - lo) / 2;

			if (mid + gmtoff_at(mid) >= w)
				hi = mid;
			else
				lo = mid + 1;
		}
		best = lo;
		best_off = gmtoff_at(lo);
	}
	*t = best;
	*off_min = (int)(best_off / 60);
	return NULL;
}

const char *
crm_ts_parse_ex(const char *s, size_t n, const struct crm_ts_opts *o,
    int64_t *t, int *off_min)
{
	unsigned df = o->date_flags & (CRM_DATE_MDY | CRM_DATE_DMY |
	    CRM_DATE_EXCEL);
	int32_t days, secs = 0;
	int date_only = 1;
	struct tod td;
	const char *e;

	/* the canonical form, as most files hold it, at fixed places (the
	 * general path below has the last word on anything else) */
	if (n >= 20 && s[4] == '-' && s[10] == 'T') {
		int64_t ft;
		int fo;

		if (ts_strict(s, n, &ft, &fo, NULL) == NULL &&
		    ft >= (int64_t)CRM_DATE_MIN * 86400 + 86400 &&
		    ft < (int64_t)CRM_DATE_MAX * 86400 - 86400 &&
		    fo >= -18 * 60 && fo <= 18 * 60) {
			*t = ft;
			*off_min = fo;
			return NULL;
		}
	}
	memset(&td, 0, sizeof td);
	if ((df & CRM_DATE_EXCEL) && is_serial(s, n)) {
		if ((e = excel_serial(s, n, &days, &secs)) != NULL)
			return e;
		date_only = memchr(s, '.', n) == NULL;
	} else {
		size_t end;
		int y, m, d, r = TOD_OK;

		if (!date_head(s, n, df, &y, &m, &d, &end))
			return E_TS;
		if (end == n) {
			if (!(o->flags & CRM_TS_DATE_OK))
				return E_TS;
		} else {
			r = tod_parse(s, n, end, has(s, n, end - 3, "日"), &td);
			if (r == TOD_SHAPE)
				return E_TS;
			date_only = 0;
		}
		if ((e = ymd_check(y, m, d, &days)) != NULL)
			return e;
		if (r == TOD_RANGE)
			return E_TIME;
		if (r == TOD_OFF)
			return E_OFF;
		secs = td.h * 3600 + td.mi * 60 + td.sec;
	}
	if (td.has_off) {
		*off_min = td.off_min;
		*t = (int64_t)days * 86400 + secs - (int64_t)td.off_min * 60;
		return NULL;
	}
	if (!(o->flags & CRM_TS_LOCAL))
		return E_NOOFF;
	return zone_resolve(o->zone, (int64_t)days * 86400 + secs, date_only,
	    t, off_min);
}

const char *
crm_asof_parse(const char *s, int64_t *t, int *off_min)
{
	size_t n = strlen(s);

	crm_trim(&s, &n);
	return crm_ts_parse(s, n, CRM_TS_LOCAL | CRM_TS_DATE_OK, t, off_min);
}

const char *
crm_now(int64_t *t, int *off_min)
{
	const char *v = getenv("CRM_AS_OF");
	struct tm lt;
	time_t now;

	if (v && *v)
		return crm_asof_parse(v, t, off_min);
	now = time(NULL);
	tzset();
	if (now == (time_t)-1 || !localtime_r(&now, &lt))
		return "cannot read the clock";
	*t = (int64_t)now;
	*off_min = (int)(lt.tm_gmtoff / 60);
	return NULL;
}

/* ---- money ---- */

static const char *const cur_sym[] = {
	"\xc2\xa5", "\xef\xbf\xa5", "$", "\xe2\x82\xac", NULL	/* ¥ ￥ $ € */
};
static const char *const cur_code[] = {
	"RMB", "CNY", "USD", "EUR", "rmb", "cny", "usd", "eur", NULL
};

/* Length of a currency prefix at s[i] (symbol, or code + spaces), or 0. */
static size_t
cur_prefix(const char *s, size_t n, size_t i)
{
	size_t j;

	for (int k = 0; cur_sym[k]; k++)
		if (has(s, n, i, cur_sym[k])) {
			j = i + strlen(cur_sym[k]);
			while (j < n && s[j] == ' ')
				j++;
			return j - i;
		}
	for (int k = 0; cur_code[k]; k++)
		if (has(s, n, i, cur_code[k])) {
			j = i + 3;
			while (j < n && s[j] == ' ')
				j++;
			return j - i;
		}
	return 0;
}

/* Is s[i..n) exactly a currency suffix (optional spaces, then 元 or a
 * code)? */
static int
cur_suffix(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] == ' ')
		i++;
	if (i + 3 == n && has(s, n, i, "元"))
		return 1;
	for (int k = 0; cur_code[k]; k++)
		if (i + 3 == n && has(s, n, i, cur_code[k]))
			return 1;
	return 0;
}

/* crm_money_parse past its inline fast path (value.h). */
const char *
crm_money_parse_all_(const char *s, size_t n, int64_t *minor)
{
	size_t i = 0, end = n, k;
	int neg = 0, signed_ = 0, cur = 0, paren = 0, nint = 0, nfrac = 0;
	int extra = 0;		/* a non-zero decimal past the second */
	int group = -1;		/* digits since the last comma, -1: none yet */
	uint64_t v = 0;
	int overflow = 0;

	/* then the plain form "123" with up to 15 digits ("123.45" with as
	 * many the inline path has taken) */
	while (i < n && i < 15 && isdig((unsigned char)s[i]))
		v = v * 10 + (uint64_t)(s[i++] - '0');
	if (i && i == n) {
		*minor = (int64_t)v * 100;
		return NULL;
	}
	i = 0;
	v = 0;
	if (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
		paren = neg = 1;
		i = 1;
		end = n - 1;
	}
	for (;;) {
		if (i < end && (s[i] == '+' || s[i] == '-') && !signed_ &&
		    !paren) {
			neg = s[i] == '-';
			signed_ = 1;
			i++;
		} else if (!cur && (k = cur_prefix(s, end, i)) != 0) {
			cur = 1;
			i += k;
		} else {
			break;
		}
	}
	for (; i < end; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isdig(c)) {
			if (v > (UINT64_MAX - 9) / 10)
				overflow = 1;
			else
				v = v * 10 + (c - '0');
			nint++;
			if (group >= 0 && ++group > 3)
				return E_NUM;
		} else if (c == ',') {
			/* the first group has 1..3 digits, every later one 3 */
			if (nint == 0 || (group >= 0 && group != 3) ||
			    (group < 0 && nint > 3))
				return E_NUM;
			group = 0;
		} else {
			break;
		}
	}
	if (group >= 0 && group != 3)
		return E_NUM;
	if (i < end && s[i] == '.') {
		i++;
		for (; i < end && isdig((unsigned char)s[i]); i++) {
			int c = s[i] - '0';

			if (nfrac < 2) {
				if (v > (UINT64_MAX - 9) / 10)
					overflow = 1;
				else
					v = v * 10 + (uint64_t)c;
			} else if (c != 0) {
				extra = 1;
			}
			nfrac++;
		}
		if (nfrac == 0)
			return E_NUM;
	}
	if (nint == 0 && nfrac == 0)
		return E_NUM;
	if (i < end && !(!cur && cur_suffix(s, end, i)))
		return E_NUM;
	if (extra)
		return E_DEC;
	for (; nfrac < 2; nfrac++) {
		if (v > UINT64_MAX / 10)
			overflow = 1;
		else
			v *= 10;
	}
	if (overflow || v > (uint64_t)INT64_MAX)
		return E_AMOUNT;
	*minor = neg ? -(int64_t)v : (int64_t)v;
	return NULL;
}

/* Write a magnitude in minor units with its sign; returns the length.
 * out has room for any 64-bit magnitude; outlen bounds the wider ones. */
static size_t
minor_format(int neg, unsigned __int128 mag, char *out, size_t outlen)
{
	char tmp[48];
	size_t k = sizeof tmp, j = 0;
	unsigned cents;

	if (neg)
		out[j++] = '-';
	if (mag >> 64 == 0) {
		/* 64-bit division: the 128-bit one is a library call a digit */
		uint64_t m = (uint64_t)mag;

		cents = (unsigned)(m % 100);
		j += crm_u64_format(m / 100, out + j);
	} else {
		cents = (unsigned)(mag % 100);
		mag /= 100;
		do {
			tmp[--k] = (char)('0' + (int)(mag % 10));
			mag /= 10;
		} while (mag);
		while (k < sizeof tmp && j + 4 < outlen)
			out[j++] = tmp[k++];
	}
	out[j++] = '.';
	out[j++] = (char)('0' + cents / 10);
	out[j++] = (char)('0' + cents % 10);
	out[j] = '\0';
	return j;
}

size_t
crm_money_format(int64_t minor, char out[32])
{
	uint64_t mag = minor < 0 ? -(uint64_t)minor : (uint64_t)minor;

	return minor_format(minor < 0, mag, out, 32);
}

size_t
crm_fixed_format(double v, int decimals, char out[32])
{
	static const double p10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6 };
	static const uint64_t u10[] = { 1, 10, 100, 1000, 10000, 100000,
	    1000000 };
	double a = v < 0 ? -v : v, y, r, fr, margin;
	uint64_t q, ip, dp;
	size_t j = 0;
	int i;

	if (decimals < 0 || decimals > 6 || !(a < 0x1p40))
		return 0;
	/* y is a * 10^d within half an ulp (at most y * 2^-53); only a
	 * fraction that close to one half leaves the rounding in doubt */
	y = a * p10[decimals];
	if (!(y < 0x1p40))
		return 0;
	r = floor(y);
	fr = y - r;
	margin = y * 0x1p-50 + 0x1p-60;
	if (fr > 0.5 - margin && fr < 0.5 + margin)
		return 0;
	q = (uint64_t)r + (fr > 0.5);
	ip = q / u10[decimals];
	dp = q % u10[decimals];
	if (signbit(v))
		out[j++] = '-';
	j += crm_u64_format(ip, out + j);
	if (decimals) {
		out[j++] = '.';
		for (i = decimals - 1; i >= 0; i--) {
			out[j + (size_t)i] = (char)('0' + dp % 10);
			dp /= 10;
		}
		j += (size_t)decimals;
	}
	out[j] = '\0';
	return j;
}

int
crm_money_add(int64_t *acc, int64_t v)
{
	int64_t r;

	if (__builtin_add_overflow(*acc, v, &r))
		return -1;
	*acc = r;
	return 0;
}

void
crm_money_sum_init(struct crm_money_sum *s)
{
	s->v = 0;
}

void
crm_money_sum_add(struct crm_money_sum *s, int64_t v)
{
	s->v += v;
}

int
crm_money_sum_get(const struct crm_money_sum *s, int64_t *out)
{
	if (s->v > INT64_MAX || s->v < INT64_MIN)
		return -1;
	*out = (int64_t)s->v;
	return 0;
}

void
crm_money_sum_format(const struct crm_money_sum *s, char out[48])
{
	unsigned __int128 mag = s->v < 0 ? -(unsigned __int128)s->v :
	    (unsigned __int128)s->v;

	minor_format(s->v < 0, mag, out, 48);
}

__int128
crm_money_mean(__int128 sum, uint64_t n)
{
	__int128 q = sum / (__int128)n, r = sum % (__int128)n;

	/* |r| < n < 2^64, so 2 |r| cannot overflow */
	if (2 * (r < 0 ? -r : r) >= (__int128)n)
		q += sum < 0 ? -1 : 1;
	return q;
}

/* ---- integers ---- */

const char *
crm_int_parse(const char *s, size_t n, int64_t min, int64_t max, int64_t *v)
{
	size_t i = 0;
	int neg = 0, over = 0;
	uint64_t mag = 0;
	int64_t x;

	if (n > 0 && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == n)
		return E_INT;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isdig(c))
			return E_INT;
		if (mag > (UINT64_MAX - 9) / 10)
			over = 1;
		else
			mag = mag * 10 + (c - '0');
	}
	if (over || mag > (uint64_t)INT64_MAX + neg)
		return E_RANGE;
	if (neg)
		x = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	else
		x = (int64_t)mag;
	if (x < min || x > max)
		return E_RANGE;
	*v = x;
	return NULL;
}

/* ---- phone numbers ---- */

const char *
crm_phone_normalize(const char *s, size_t n, const char *default_cc,
    char *out, size_t outlen)
{
	const char *cc = default_cc;
	char dig[16], *p;
	size_t nd = 0, i, ncc = 0;
	int plus = 0, too_long = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isdig(c)) {
			if (nd < sizeof dig)
				dig[nd++] = (char)c;
			else
				too_long = 1;
		} else if (c == '+' && nd == 0 && !plus) {
			plus = 1;
		} else if (c == '(' && plus && nd > 0 && has(s, n, i, "(0)")) {
			i += 2;		/* "+44 (0)20": a trunk mark, not a digit */
		} else if (c != ' ' && c != '-' && c != '.' && c != '/' &&
		    c != '(' && c != ')') {
			return E_PHONE;
		}
	}
	if (nd == 0)
		return E_PHONE;
	p = dig;
	if (!plus && nd >= 2 && dig[0] == '0' && dig[1] == '0') {
		p += 2;
		nd -= 2;
		plus = 1;
	}
	if (plus) {
		if (nd == 0 || p[0] == '0')
			return E_PHONE;	/* no country code starts with 0 */
	} else {
		if (cc && *cc == '+')
			cc++;
		ncc = cc ? strlen(cc) : 0;
		if (ncc == 0 || ncc > 3 || cc[0] == '0' ||
		    strspn(cc, "0123456789") != ncc)
			return E_NOCC;
		if (strcmp(cc, "86") == 0 && nd == 13 &&
		    memcmp(dig, "861", 3) == 0) {
			ncc = 0;	/* a mobile already carrying 86 */
		} else if (dig[0] == '0') {
			p++;		/* the trunk prefix */
			nd--;
		}
	}
	if (too_long || ncc + nd > 15)
		return E_LONG;
	if (ncc + nd < 7)
		return E_SHORT;
	if (outlen < 1 + ncc + nd + 1)
		return E_BUF;
	out[0] = '+';
	if (ncc)
		memcpy(out + 1, cc, ncc);
	memcpy(out + 1 + ncc, p, nd);
	out[1 + ncc + nd] = '\0';
	return NULL;
}

/* ---- email addresses ---- */

const char *
crm_email_normalize(const char *s, size_t n, char *out, size_t outlen)
{
	size_t at = n, i;

	if (n == 0 || n > 254)
		return E_EMAIL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == 0x7f || strchr("<>()[],;:\"\\", c))
			return E_EMAIL;
		if (c == '@') {
			if (at != n)
				return E_EMAIL;
			at = i;
		}
	}
	if (at == n || at == 0)
		return E_EMAIL;
	/* the domain: labels separated by single dots, at least two */
	if (at + 1 >= n || s[at + 1] == '.' || s[n - 1] == '.' ||
	    !memchr(s + at + 1, '.', n - at - 1))
		return E_EMAIL;
	for (i = at + 1; i + 1 < n; i++)
		if (s[i] == '.' && s[i + 1] == '.')
			return E_EMAIL;
	if (outlen < n + 1)
		return E_BUF;
	for (i = 0; i < n; i++) {
		char c = s[i];

		out[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	out[n] = '\0';
	return NULL;
}
