/*
 * expr: exact decimal arithmetic over the fields of one record (expr.h).
 */
#include "expr.h"
#include "rec.h"
#include "util.h"
#include "width.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef __int128 i128;
typedef unsigned __int128 u128;

/* Every numerator and denominator stays below 2^124 in magnitude, so a
 * remainder times ten still fits when the result is written out. */
#define LIM ((u128)1 << 124)
#define MAXSTACK 64
#define MAXDIGITS 36

struct q {
	i128 num;
	i128 den;               /* > 0 */
};

enum op { OP_NUM, OP_COL, OP_NEG, OP_ADD, OP_SUB, OP_MUL, OP_DIV };

struct ins {
	enum op op;
	struct q v;             /* OP_NUM */
	int64_t m;              /* OP_NUM as m / 10^x, when it is a decimal */
	int x;
	size_t name;            /* OP_COL */
};

struct crm_expr {
	struct ins *code;
	size_t ncode, acode;
	char **names;
	size_t *cols;
	size_t nnames;
	int fast;               /* + - * over decimals only: see eval_fast */
};

static const int64_t p10[19] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000, 10000000000, 100000000000, 1000000000000,
	10000000000000, 100000000000000, 1000000000000000,
	10000000000000000, 100000000000000000, 1000000000000000000
};

/* ---- fractions ---- */

static u128
mag(i128 v)
{
	return v < 0 ? (u128)0 - (u128)v : (u128)v;
}

static uint64_t
gcd64(uint64_t a, uint64_t b)
{
	/* binary: no division, which matters on the import's hot path */
	if (!a || !b)
		return a | b;
	int k = __builtin_ctzll(a | b);
	a >>= __builtin_ctzll(a);
	do {
		b >>= __builtin_ctzll(b);
		if (a > b) {
			uint64_t t = a;
			a = b;
			b = t;
		}
		b -= a;
	} while (b);
	return a << k;
}

static u128
gcd(u128 a, u128 b)
{
	if (!(a >> 64) && !(b >> 64))
		return gcd64((uint64_t)a, (uint64_t)b);
	while (b) {
		if (!(a >> 64) && !(b >> 64))
			return gcd64((uint64_t)a, (uint64_t)b);
		u128 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* a * b in magnitude, or -1 when it reaches LIM. */
static int
mul_lim(u128 a, u128 b, u128 *r)
{
	if (((a | b) >> 62) && a && b > (LIM - 1) / a)
		return -1;
	*r = a * b;
	return 0;
}

/* num/den (den > 0, both below LIM) into lowest terms. */
static struct q
reduce(int neg, u128 num, u128 den)
{
	u128 g = gcd(num, den);
	struct q r;

	if (g > 1) {
		num /= g;
		den /= g;
	}
	if (!num)
		den = 1;
	r.num = neg ? -(i128)num : (i128)num;
	r.den = (i128)den;
	return r;
}

/* Fractions are not kept in lowest terms while they are small: exact all
 * the same, and most imports multiply two decimals of a few digits.  An
 * operation that would reach LIM reduces first, and only fails when the
 * reduced result does not fit. */
static int q_add_reduced(struct q a, struct q b, struct q *r);
static int q_mul_reduced(struct q a, struct q b, struct q *r);

static int
q_add(struct q a, struct q b, struct q *r)
{
	if (a.den == b.den && mag(a.num) < LIM / 2 && mag(b.num) < LIM / 2) {
		r->num = a.num + b.num;
		r->den = a.den;
		return 0;
	}
	return q_add_reduced(a, b, r);
}

static int
q_mul(struct q a, struct q b, struct q *r)
{
	u128 num, den;

	if (mul_lim(mag(a.num), mag(b.num), &num) == 0 &&
	    mul_lim((u128)a.den, (u128)b.den, &den) == 0) {
		r->num = (a.num < 0) != (b.num < 0) ? -(i128)num : (i128)num;
		r->den = (i128)den;
		return 0;
	}
	return q_mul_reduced(a, b, r);
}

static int
q_add_reduced(struct q a, struct q b, struct q *r)
{
	a = reduce(a.num < 0, mag(a.num), (u128)a.den);
	b = reduce(b.num < 0, mag(b.num), (u128)b.den);
	u128 ad = (u128)a.den, bd = (u128)b.den;
	u128 g = gcd(ad, bd);
	u128 x, y, den;

	if (mul_lim(mag(a.num), bd / g, &x) < 0 ||
	    mul_lim(mag(b.num), ad / g, &y) < 0 ||
	    mul_lim(ad, bd / g, &den) < 0)
		return -1;
	int an = a.num < 0, bn = b.num < 0;
	u128 num;
	int neg;
	if (an == bn) {
		num = x + y;
		neg = an;
	} else if (x >= y) {
		num = x - y;
		neg = an;
	} else {
		num = y - x;
		neg = bn;
	}
	if (num >= LIM)
		return -1;
	*r = reduce(neg, num, den);
	return 0;
}

static int
q_mul_reduced(struct q a, struct q b, struct q *r)
{
	a = reduce(a.num < 0, mag(a.num), (u128)a.den);
	b = reduce(b.num < 0, mag(b.num), (u128)b.den);
	u128 an = mag(a.num), bn = mag(b.num);
	u128 ad = (u128)a.den, bd = (u128)b.den;
	u128 g1 = gcd(an, bd), g2 = gcd(bn, ad);
	u128 num, den;

	if (!an || !bn) {
		r->num = 0;
		r->den = 1;
		return 0;
	}
	if (mul_lim(an / g1, bn / g2, &num) < 0 ||
	    mul_lim(ad / g2, bd / g1, &den) < 0)
		return -1;
	*r = reduce((a.num < 0) != (b.num < 0), num, den);
	return 0;
}

/* ---- numbers in text ---- */

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\f' || c == '\v';
}

/* Trim s[0..*n) of blanks and read its sign: the index of the first
 * digit or point. */
static size_t
num_start(const char *s, size_t *n, int *neg)
{
	size_t i = 0;

	while (*n && blank(s[*n - 1]))
		(*n)--;
	while (i < *n && blank(s[i]))
		i++;
	*neg = 0;
	if (i < *n && (s[i] == '+' || s[i] == '-'))
		*neg = s[i++] == '-';
	return i;
}

/* s[0..n) as *m / 10^*x when it is a number of at most 18 digits; 0 when
 * it is not (or is longer: the fractions then decide). */
static int
dec_parse(const char *s, size_t n, int64_t *m, int *x)
{
	int neg, digits = 0, dec = -1;
	size_t i = num_start(s, &n, &neg);
	uint64_t v = 0;

	if (n - i > 19)
		return 0;
	for (; i < n; i++) {
		unsigned c = (unsigned)((unsigned char)s[i] - '0');
		if (c <= 9) {
			v = v * 10 + c;
			digits++;
			dec += dec >= 0;
		} else if (s[i] == '.' && dec < 0) {
			dec = 0;
		} else {
			return 0;
		}
	}
	if (!digits || digits > 18)
		return 0;
	*m = neg ? -(int64_t)v : (int64_t)v;
	*x = dec < 0 ? 0 : dec;
	return 1;
}

/* s[0..n) as a fraction; -1 when it is not a number in expr.h's sense
 * (or has more than maxdec decimals, maxdec >= 0). */
static int
parse_num(const char *s, size_t n, int maxdec, struct q *out)
{
	int64_t m;
	int x;

	if (dec_parse(s, n, &m, &x)) {
		if (maxdec >= 0 && x > maxdec)
			return -1;
		out->num = m;
		out->den = p10[x];
		return 0;
	}

	/* longer: up to 36 digits in 128 bits */
	int neg, digits = 0, dec = -1;
	size_t i = num_start(s, &n, &neg);
	u128 num = 0, den = 1;

	for (; i < n; i++) {
		if (s[i] == '.') {
			if (dec >= 0)
				return -1;
			dec = 0;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (++digits > MAXDIGITS)
			return -1;
		num = num * 10 + (unsigned)(s[i] - '0');
		if (dec >= 0) {
			dec++;
			den *= 10;
		}
	}
	if (!digits || (maxdec >= 0 && dec > maxdec))
		return -1;
	if (num >= LIM || den >= LIM)
		return -1;
	out->num = neg ? -(i128)num : (i128)num;
	out->den = (i128)den;
	return 0;
}

int
crm_expr_is_number(const char *s, size_t n, int maxdec)
{
	struct q v;

	return parse_num(s, n, maxdec, &v) == 0;
}

/* ---- the parser ---- */

struct parser {
	const char *s;
	size_t i;
	struct crm_expr *e;
	char *err;
	size_t errlen;
	int failed;
	int depth;
};

static void
perr(struct parser *p, const char *what)
{
	if (!p->failed)
		snprintf(p->err, p->errlen, "%s at offset %zu", what, p->i);
	p->failed = 1;
}

static void
skip(struct parser *p)
{
	while (blank(p->s[p->i]))
		p->i++;
}

static void
emit(struct parser *p, enum op op, const struct q *v, size_t name)
{
	struct crm_expr *e = p->e;

	if (e->ncode == e->acode) {
		e->acode = e->acode ? 2 * e->acode : 16;
		e->code = crm_xrealloc(e->code, e->acode * sizeof *e->code);
	}
	e->code[e->ncode].op = op;
	if (v)
		e->code[e->ncode].v = *v;
	e->code[e->ncode].name = name;
	e->ncode++;
}

static size_t
intern(struct crm_expr *e, const char *s, size_t n)
{
	for (size_t i = 0; i < e->nnames; i++)
		if (strlen(e->names[i]) == n && !memcmp(e->names[i], s, n))
			return i;
	e->names = crm_xrealloc(e->names, (e->nnames + 1) * sizeof *e->names);
	e->cols = crm_xrealloc(e->cols, (e->nnames + 1) * sizeof *e->cols);
	e->names[e->nnames] = crm_xstrndup(s, n);
	e->cols[e->nnames] = 0;
	return e->nnames++;
}

static int
namechar(unsigned char c, int first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    c >= 0x80 || (!first && c >= '0' && c <= '9');
}

static void expr_sum(struct parser *p);

static void
expr_primary(struct parser *p)
{
	const char *s = p->s;

	skip(p);
	if (s[p->i] == '(') {
		if (++p->depth > MAXSTACK / 2) {
			perr(p, "too deeply nested");
			return;
		}
		p->i++;
		expr_sum(p);
		skip(p);
		if (p->failed)
			return;
		if (s[p->i] != ')') {
			perr(p, "expected ')'");
			return;
		}
		p->i++;
		p->depth--;
		return;
	}
	if ((s[p->i] >= '0' && s[p->i] <= '9') || s[p->i] == '.') {
		size_t b = p->i;
		struct q v;
		while ((s[p->i] >= '0' && s[p->i] <= '9') || s[p->i] == '.')
			p->i++;
		if (parse_num(s + b, p->i - b, -1, &v) < 0) {
			p->i = b;
			perr(p, "not a number");
			return;
		}
		emit(p, OP_NUM, &v, 0);
		return;
	}
	if (s[p->i] == '"') {
		struct crm_buf b;
		crm_buf_init(&b);
		p->i++;
		for (;;) {
			if (!s[p->i]) {
				crm_buf_release(&b);
				perr(p, "unterminated quoted name");
				return;
			}
			if (s[p->i] == '"') {
				if (s[p->i + 1] != '"')
					break;
				p->i++;
			}
			crm_buf_addc(&b, s[p->i++]);
		}
		p->i++;
		if (!b.n) {
			crm_buf_release(&b);
			perr(p, "empty name");
			return;
		}
		emit(p, OP_COL, NULL, intern(p->e, b.p, b.n));
		crm_buf_release(&b);
		return;
	}
	if (namechar((unsigned char)s[p->i], 1)) {
		size_t b = p->i;
		while (namechar((unsigned char)s[p->i], 0))
			p->i++;
		emit(p, OP_COL, NULL, intern(p->e, s + b, p->i - b));
		return;
	}
	perr(p, s[p->i] ? "expected a number, a name or '('" :
	    "expression ends early");
}

static void
expr_unary(struct parser *p)
{
	skip(p);
	if (p->s[p->i] == '-' || p->s[p->i] == '+') {
		int neg = p->s[p->i] == '-';
		if (++p->depth > MAXSTACK / 2) {
			perr(p, "too deeply nested");
			return;
		}
		p->i++;
		expr_unary(p);
		p->depth--;
		if (neg && !p->failed)
			emit(p, OP_NEG, NULL, 0);
		return;
	}
	expr_primary(p);
}

static void
expr_product(struct parser *p)
{
	expr_unary(p);
	for (;;) {
		skip(p);
		char c = p->s[p->i];
		if (p->failed || (c != '*' && c != '/'))
			return;
		p->i++;
		expr_unary(p);
		if (!p->failed)
			emit(p, c == '*' ? OP_MUL : OP_DIV, NULL, 0);
	}
}

static void
expr_sum(struct parser *p)
{
	expr_product(p);
	for (;;) {
		skip(p);
		char c = p->s[p->i];
		if (p->failed || (c != '+' && c != '-'))
			return;
		p->i++;
		expr_product(p);
		if (!p->failed)
			emit(p, c == '+' ? OP_ADD : OP_SUB, NULL, 0);
	}
}

void
crm_expr_free(struct crm_expr *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nnames; i++)
		free(e->names[i]);
	free(e->names);
	free(e->cols);
	free(e->code);
	free(e);
}

struct crm_expr *
crm_expr_compile(const char *src, char *err, size_t errlen)
{
	struct crm_expr *e = crm_xcalloc(1, sizeof *e);
	struct parser p = { src, 0, e, err, errlen, 0, 0 };

	expr_sum(&p);
	skip(&p);
	if (!p.failed && src[p.i])
		perr(&p, "expected an operator");
	if (!p.failed) {
		/* the deepest the stack goes */
		size_t d = 0, max = 0;
		for (size_t i = 0; i < e->ncode; i++) {
			enum op op = e->code[i].op;
			if (op == OP_NUM || op == OP_COL)
				d++;
			else if (op != OP_NEG)
				d--;
			if (d > max)
				max = d;
		}
		if (max > MAXSTACK)
			perr(&p, "too long");
		e->fast = 1;
		for (size_t i = 0; i < e->ncode; i++) {
			struct ins *in = &e->code[i];
			if (in->op == OP_DIV)
				e->fast = 0;
			if (in->op != OP_NUM)
				continue;
			/* a literal is m / 10^x when its denominator is */
			int x = 0;
			while (x < 18 && (i128)p10[x] < in->v.den)
				x++;
			if ((i128)p10[x] != in->v.den || mag(in->v.num) >> 63)
				e->fast = 0;
			in->m = (int64_t)in->v.num;
			in->x = x;
		}
	}
	if (p.failed) {
		crm_expr_free(e);
		return NULL;
	}
	return e;
}

size_t
crm_expr_nnames(const struct crm_expr *e)
{
	return e->nnames;
}

const char *
crm_expr_name(const struct crm_expr *e, size_t i)
{
	return e->names[i];
}

void
crm_expr_bind(struct crm_expr *e, size_t i, size_t col)
{
	e->cols[i] = col;
}

size_t
crm_expr_col(const struct crm_expr *e, size_t i)
{
	return e->cols[i];
}

/* ---- evaluation ---- */

/* Append |num|/den rounded half away from zero to scale places; trim
 * drops trailing zeros.  den > 0 and both below LIM. */
static void
put_fixed(struct crm_buf *out, int neg, u128 m, u128 d, int scale, int trim)
{
	char ip[48], fr[24];
	size_t ni = 0;
	u128 r;

	if (!(m >> 64) && !(d >> 59)) {
		/* the usual case in 64 bits: r * 10 stays below 2^63 */
		uint64_t q = (uint64_t)m / (uint64_t)d;
		uint64_t d64 = (uint64_t)d, r64 = (uint64_t)m % d64;
		do {
			ip[ni++] = (char)('0' + (int)(q % 10));
			q /= 10;
		} while (q);
		for (int k = 0; k < scale; k++) {
			r64 *= 10;
			fr[k] = (char)('0' + (int)(r64 / d64));
			r64 %= d64;
		}
		r = r64;
	} else {
		u128 q = m / d;
		r = m % d;
		do {
			ip[ni++] = (char)('0' + (int)(q % 10));
			q /= 10;
		} while (q);
		for (int k = 0; k < scale; k++) {
			r *= 10;
			fr[k] = (char)('0' + (int)(r / d));
			r %= d;
		}
	}
	if (r && 2 * r >= d) {
		/* round up: carry through the fraction, then the integer */
		int k = scale - 1;
		for (; k >= 0 && fr[k] == '9'; k--)
			fr[k] = '0';
		if (k >= 0) {
			fr[k]++;
		} else {
			size_t j = 0;
			for (; j < ni && ip[j] == '9'; j++)
				ip[j] = '0';
			if (j < ni)
				ip[j]++;
			else
				ip[ni++] = '1';
		}
	}
	int n = scale;
	if (trim)
		while (n > 0 && fr[n - 1] == '0')
			n--;
	int zero = 1;
	for (size_t j = 0; j < ni; j++)
		zero &= ip[j] == '0';
	for (int k = 0; k < n; k++)
		zero &= fr[k] == '0';
	char t[80];
	size_t k = 0;
	if (neg && !zero)
		t[k++] = '-';
	while (ni)
		t[k++] = ip[--ni];
	if (n) {
		t[k++] = '.';
		memcpy(t + k, fr, (size_t)n);
		k += (size_t)n;
	}
	crm_buf_add(out, t, k);
}

/* ---- the fast path ---- */

/* a * 10^k without overflow, or 0. */
static int
scale_up(int64_t *a, int k)
{
	return k <= 18 && !__builtin_mul_overflow(*a, p10[k], a);
}

/* v / 10^k and its remainder, 1 <= k <= 18, by constants: a division by
 * a variable costs more than the rest of an evaluation. */
static int64_t
div10k(int64_t v, int k, int64_t *r)
{
	int64_t q;

	switch (k) {
#define DIV(k, d) case k: q = v / d; *r = v % d; break;
	DIV(1, 10) DIV(2, 100) DIV(3, 1000) DIV(4, 10000)
	DIV(5, 100000) DIV(6, 1000000) DIV(7, 10000000)
	DIV(8, 100000000) DIV(9, 1000000000) DIV(10, 10000000000)
	DIV(11, 100000000000) DIV(12, 1000000000000)
	DIV(13, 10000000000000) DIV(14, 100000000000000)
	DIV(15, 1000000000000000) DIV(16, 10000000000000000)
	DIV(17, 100000000000000000)
#undef DIV
	default:
		q = v / 1000000000000000000;
		*r = v % 1000000000000000000;
		break;
	}
	return q;
}

/*
 * Most expressions are + - * over decimals of a few digits (Quantity *
 * UnitPrice): their exact value is a 64-bit integer over a power of ten,
 * and the one rounding is one division.  1 when the result was written;
 * 0 when a field is not such a decimal or a step would overflow 64 bits,
 * and the fractions then evaluate the expression (and report what is
 * wrong, if anything is).  The answers are the same either way.
 */
static int
eval_fast(const struct crm_expr *e, const struct crm_field *f, size_t nf,
    int scale, int trim, struct crm_buf *out)
{
	int64_t m[MAXSTACK];
	int x[MAXSTACK];
	size_t sp = 0;

	m[0] = 0;               /* a compiled expression has an operand */
	x[0] = 0;
	for (size_t i = 0; i < e->ncode; i++) {
		const struct ins *in = &e->code[i];
		switch (in->op) {
		case OP_NUM:
			m[sp] = in->m;
			x[sp++] = in->x;
			continue;
		case OP_COL: {
			size_t c = e->cols[in->name];
			if (c >= nf || !dec_parse(f[c].p, f[c].n, &m[sp], &x[sp]))
				return 0;
			sp++;
			continue;
		}
		case OP_NEG:
			if (m[sp - 1] == INT64_MIN)
				return 0;
			m[sp - 1] = -m[sp - 1];
			continue;
		default:
			break;
		}
		sp--;
		int64_t a = m[sp - 1], b = m[sp];
		int xa = x[sp - 1], xb = x[sp];
		if (in->op == OP_MUL) {
			if (__builtin_mul_overflow(a, b, &a) || xa + xb > 18)
				return 0;
			xa += xb;
		} else {
			if ((xa < xb && !scale_up(&a, xb - xa)) ||
			    (xb < xa && !scale_up(&b, xa - xb)))
				return 0;
			if (xb > xa)
				xa = xb;
			if (in->op == OP_ADD ? __builtin_add_overflow(a, b, &a) :
			    __builtin_sub_overflow(a, b, &a))
				return 0;
		}
		m[sp - 1] = a;
		x[sp - 1] = xa;
	}
	int64_t v = m[0];
	if (x[0] <= scale) {
		if (!scale_up(&v, scale - x[0]))
			return 0;
	} else {
		/* x[0] <= 18: one division by a constant, half away from
		 * zero */
		int64_t r;
		int64_t q = div10k(v, x[0] - scale, &r);
		if (r < 0)
			r = -r;
		if (r >= p10[x[0] - scale] - r)
			q += v < 0 ? -1 : 1;
		v = q;
	}
	/* the digits of |v|, then the point scale places from the right */
	char t[48];
	size_t k = sizeof t;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	int n = 0;
	/* two digits a step: the divisions by ten are a chain */
	while (u >= 100) {
		unsigned d = (unsigned)(u % 100);
		u /= 100;
		t[--k] = (char)('0' + d % 10);
		t[--k] = (char)('0' + d / 10);
		n += 2;
	}
	do {
		t[--k] = (char)('0' + (int)(u % 10));
		u /= 10;
		n++;
	} while (u || n <= scale);
	size_t end = sizeof t;
	int fd = scale;
	if (trim)
		while (fd > 0 && t[end - 1] == '0')
			end--, fd--;
	char w[56];
	size_t j = 0;
	if (v < 0)
		w[j++] = '-';
	size_t ni = sizeof t - k - (size_t)scale;
	memcpy(w + j, t + k, ni);
	j += ni;
	if (fd) {
		w[j++] = '.';
		memcpy(w + j, t + k + ni, (size_t)fd);
		j += (size_t)fd;
	}
	crm_buf_add(out, w, j);
	return 1;
}

/* A field that is not a number as written may be one in full-width
 * digits ("１２．５"): folded into buf (of cap bytes), as the columns of
 * every type but text are. */
static int
parse_wide(const char *s, size_t n, char *buf, size_t cap, struct q *out)
{
	if (n > cap || !crm_width_has_wide(s, n))
		return -1;
	n = crm_width_fold(s, n, buf);
	/* U+3000 around the digits is folded to a blank, which is trimmed */
	return parse_num(buf, n, -1, out);
}

enum crm_expr_status
crm_expr_eval(const struct crm_expr *e, const struct crm_field *f,
    size_t nf, int scale, struct crm_buf *out, size_t *bad)
{
	struct q st[MAXSTACK];
	size_t sp = 0;
	int trim = scale == CRM_EXPR_TRIM;
	char wide[256];

	if (trim)
		scale = 6;
	if (scale < 0 || scale > 18)
		scale = 18;
	if (e->fast && eval_fast(e, f, nf, scale, trim, out))
		return CRM_EXPR_OK;
	for (size_t i = 0; i < e->ncode; i++) {
		const struct ins *in = &e->code[i];
		struct q a, b, r;
		switch (in->op) {
		case OP_NUM:
			st[sp++] = in->v;
			continue;
		case OP_COL: {
			size_t c = e->cols[in->name];
			if (c >= nf ||
			    (parse_num(f[c].p, f[c].n, -1, &st[sp]) < 0 &&
			    parse_wide(f[c].p, f[c].n, wide, sizeof wide,
			    &st[sp]) < 0)) {
				if (bad)
					*bad = in->name;
				return CRM_EXPR_NAN;
			}
			sp++;
			continue;
		}
		case OP_NEG:
			st[sp - 1].num = -st[sp - 1].num;
			continue;
		default:
			break;
		}
		b = st[--sp];
		a = st[--sp];
		switch (in->op) {
		case OP_SUB:
			b.num = -b.num;
			/* fall through */
		case OP_ADD:
			if (q_add(a, b, &r) < 0)
				return CRM_EXPR_RANGE;
			break;
		case OP_DIV:
			if (!b.num)
				return CRM_EXPR_DIV0;
			{
				i128 t = b.num;
				b.num = t < 0 ? -b.den : b.den;
				b.den = t < 0 ? -t : t;
			}
			/* fall through */
		default:
			if (q_mul(a, b, &r) < 0)
				return CRM_EXPR_RANGE;
			break;
		}
		st[sp++] = r;
	}
	put_fixed(out, st[0].num < 0, mag(st[0].num), (u128)st[0].den, scale,
	    trim);
	return CRM_EXPR_OK;
}
