/*
 * crm-gen: realistic synthetic CRM data for the benchmarks, the demo and the
 * tests.  Output depends on the seed and the options only: the generator has
 * its own PRNG (xoshiro256** seeded through splitmix64), never reads the
 * clock, and does all arithmetic in integers, so a seed gives the same bytes
 * on every machine.  Records go through one big buffer written in 1 MiB
 * chunks, because the benchmarks ask for millions of rows.
 */
#include "strmap.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define CHUNK (1u << 20)
#define SLACK (64u << 10)	/* more than any one record */
#define MAX_COUNT 1000000000ull
#define MAX_CUSTOMERS 100000000ull
#define MAX_DAYS 36600		/* about a century of dates */

/* ---------------------------------------------------------------- PRNG */

struct rng {
	uint64_t s[4];
};

static void
rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed;
	x = crm_splitmix64(&x) ^ (stream * 0xd1b54a32d192ed03ull);
	for (int i = 0; i < 4; i++)
		r->s[i] = crm_splitmix64(&x);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n) for n < 2^32 (multiply-shift; the bias is below 2^-32). */
static uint32_t
rnd(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [0, n) for any n > 0. */
static uint64_t
rnd64(struct rng *r, uint64_t n)
{
	return rng_next(r) % n;
}

/* True with probability pct/100. */
static int
chance(struct rng *r, uint32_t pct)
{
	return rnd(r, 100) < pct;
}

static const uint32_t pow2_16[16] = {
	65536, 68438, 71468, 74632, 77936, 81386, 84990, 88752,
	92682, 96785, 101070, 105545, 110218, 115098, 120194, 125515,
};

/*
 * A log-normal-ish multiplier in Q16 (65536 = 1.0) without floating point:
 * the exponent, in sixteenths of an octave, is an Irwin-Hall sum of four
 * uniforms (close to a normal) scaled to a standard deviation of sd16, clamped
 * to +-lim octaves.  sd16 = 23 gives a log-space sigma of about 1.0.
 */
static uint64_t
lognorm(struct rng *r, int64_t sd16, int lim)
{
	uint64_t u = rng_next(r);
	int64_t z = (int64_t)(u & 0xffff) + (int64_t)((u >> 16) & 0xffff) +
	    (int64_t)((u >> 32) & 0xffff) + (int64_t)(u >> 48) - 131070;
	int64_t e = z * sd16 / 37837;	/* sd of z is 37837 */
	if (e > 16 * lim)
		e = 16 * lim;
	if (e < -16 * lim)
		e = -16 * lim;
	int64_t q = e >= 0 ? e / 16 : -((-e + 15) / 16);
	uint64_t v = pow2_16[e - q * 16];
	return q >= 0 ? v << q : v >> -q;
}

/* ---------------------------------------------------------- vocabularies */

struct choice {
	const char *s;
	uint32_t w;
};

static const char *
pick(struct rng *r, const struct choice *c, size_t n)
{
	uint32_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += c[i].w;
	uint32_t x = rnd(r, total);
	for (size_t i = 0; i < n; i++) {
		if (x < c[i].w)
			return c[i].s;
		x -= c[i].w;
	}
	return c[n - 1].s;
}

#define PICK(r, a) pick((r), (a), NELEM(a))
#define ANY(r, a) ((a)[rnd((r), NELEM(a))])

/* Index into a table of integer weights. */
static int
pickw(struct rng *r, const uint8_t *w, int n)
{
	uint32_t total = 0;
	for (int i = 0; i < n; i++)
		total += w[i];
	uint32_t x = rnd(r, total);
	for (int i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

struct hanzi {
	const char *h, *py;
	uint32_t w;
};

static const struct hanzi surnames[] = {
	{"王", "wang", 72}, {"李", "li", 70}, {"张", "zhang", 64},
	{"刘", "liu", 53}, {"陈", "chen", 46}, {"杨", "yang", 34},
	{"黄", "huang", 24}, {"赵", "zhao", 22}, {"吴", "wu", 20},
	{"周", "zhou", 20}, {"徐", "xu", 15}, {"孙", "sun", 15},
	{"马", "ma", 13}, {"朱", "zhu", 13}, {"胡", "hu", 12},
	{"郭", "guo", 11}, {"何", "he", 10}, {"林", "lin", 10},
	{"高", "gao", 10}, {"罗", "luo", 10}, {"郑", "zheng", 9},
	{"梁", "liang", 9}, {"谢", "xie", 8}, {"宋", "song", 7},
	{"唐", "tang", 7}, {"许", "xu", 7}, {"韩", "han", 6},
	{"冯", "feng", 6}, {"邓", "deng", 6}, {"曹", "cao", 6},
	{"彭", "peng", 5}, {"曾", "zeng", 5}, {"肖", "xiao", 5},
	{"田", "tian", 5}, {"董", "dong", 5}, {"潘", "pan", 4},
	{"袁", "yuan", 4}, {"蔡", "cai", 4}, {"蒋", "jiang", 4},
	{"余", "yu", 4}, {"于", "yu", 4}, {"杜", "du", 4},
	{"叶", "ye", 4}, {"程", "cheng", 4}, {"魏", "wei", 3},
	{"苏", "su", 3}, {"吕", "lv", 3}, {"丁", "ding", 3},
	{"任", "ren", 3}, {"沈", "shen", 3}, {"欧阳", "ouyang", 1},
	{"司马", "sima", 1}, {"诸葛", "zhuge", 1},
};

static const struct hanzi given_m[] = {
	{"伟", "wei", 1}, {"强", "qiang", 1}, {"磊", "lei", 1},
	{"军", "jun", 1}, {"勇", "yong", 1}, {"杰", "jie", 1},
	{"涛", "tao", 1}, {"明", "ming", 1}, {"超", "chao", 1},
	{"刚", "gang", 1}, {"平", "ping", 1}, {"辉", "hui", 1},
	{"鹏", "peng", 1}, {"华", "hua", 1}, {"飞", "fei", 1},
	{"鑫", "xin", 1}, {"波", "bo", 1}, {"斌", "bin", 1},
	{"宇", "yu", 1}, {"浩", "hao", 1}, {"凯", "kai", 1},
	{"健", "jian", 1}, {"俊", "jun", 1}, {"帆", "fan", 1},
	{"建", "jian", 1}, {"国", "guo", 1}, {"志", "zhi", 1},
	{"文", "wen", 1}, {"博", "bo", 1}, {"子", "zi", 1},
	{"轩", "xuan", 1}, {"晨", "chen", 1}, {"东", "dong", 1},
	{"海", "hai", 1},
};

static const struct hanzi given_f[] = {
	{"芳", "fang", 1}, {"娜", "na", 1}, {"敏", "min", 1},
	{"静", "jing", 1}, {"丽", "li", 1}, {"艳", "yan", 1},
	{"娟", "juan", 1}, {"霞", "xia", 1}, {"秀", "xiu", 1},
	{"玲", "ling", 1}, {"桂", "gui", 1}, {"英", "ying", 1},
	{"婷", "ting", 1}, {"雪", "xue", 1}, {"慧", "hui", 1},
	{"颖", "ying", 1}, {"琳", "lin", 1}, {"倩", "qian", 1},
	{"晶", "jing", 1}, {"红", "hong", 1}, {"梅", "mei", 1},
	{"萍", "ping", 1}, {"燕", "yan", 1}, {"佳", "jia", 1},
	{"欣", "xin", 1}, {"怡", "yi", 1}, {"雨", "yu", 1},
	{"涵", "han", 1}, {"思", "si", 1}, {"梓", "zi", 1},
	{"月", "yue", 1},
};

static const char *const first_m[] = {
	"James", "John", "Robert", "Michael", "David", "William", "Richard",
	"Thomas", "Daniel", "Kevin", "Jason", "Eric", "Peter", "Tony", "Jack",
	"Leo", "Ryan", "Alex", "Brian", "Steven", "Vincent", "Andy",
};

static const char *const first_f[] = {
	"Mary", "Linda", "Sarah", "Emily", "Jessica", "Jennifer", "Lisa",
	"Anna", "Grace", "Amy", "Helen", "Sophie", "Emma", "Olivia", "Chloe",
	"Rachel", "Karen", "Nancy", "Wendy", "Vivian", "Cindy", "Zoe",
};

static const char *const last_en[] = {
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis",
	"Wilson", "Taylor", "Anderson", "Thomas", "Moore", "Martin", "Lee",
	"Clark", "Lewis", "Walker", "Hall", "Young", "King", "Wright", "Scott",
	"Green", "Baker", "Chan", "Wong", "Tan", "Lim", "Ng", "O'Brien",
	"Müller", "Garcia",
};

static const char *const mobile_prefix[] = {
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
	"150", "151", "152", "153", "155", "156", "157", "158", "159", "166",
	"176", "177", "178", "180", "181", "182", "183", "185", "186", "187",
	"188", "189", "198", "199",
};

static const struct choice mail_cn[] = {
	{"qq.com", 30}, {"163.com", 25}, {"126.com", 10}, {"sina.com", 5},
	{"foxmail.com", 5}, {"139.com", 4}, {"gmail.com", 8},
	{"outlook.com", 6}, {"hotmail.com", 4}, {"aliyun.com", 3},
};

static const struct choice mail_en[] = {
	{"gmail.com", 40}, {"outlook.com", 20}, {"hotmail.com", 12},
	{"yahoo.com", 10}, {"icloud.com", 10}, {"163.com", 4}, {"qq.com", 4},
};

static const struct choice cities[] = {
	{"北京", 100}, {"上海", 100}, {"广州", 70}, {"深圳", 70},
	{"成都", 60}, {"杭州", 50}, {"武汉", 50}, {"重庆", 50},
	{"西安", 40}, {"南京", 40}, {"天津", 40}, {"长春", 35},
	{"苏州", 30}, {"长沙", 30}, {"郑州", 30}, {"青岛", 20},
	{"沈阳", 20}, {"大连", 20}, {"厦门", 20}, {"宁波", 20},
	{"合肥", 20}, {"昆明", 20}, {"济南", 20}, {"哈尔滨", 20},
	{"福州", 15}, {"石家庄", 15}, {"佛山", 15}, {"东莞", 15},
	{"Singapore", 20}, {"Hong Kong", 12}, {"Kuala Lumpur", 8},
	{"London", 5}, {"Sydney", 5}, {"Toronto", 5}, {"San Francisco", 5},
};

static const struct choice occupations[] = {
	{"工程师", 60}, {"教师", 50}, {"医生", 25}, {"公务员", 40},
	{"销售", 50}, {"会计", 30}, {"律师", 10}, {"个体户", 50},
	{"司机", 30}, {"学生", 20}, {"退休", 30}, {"设计师", 20},
	{"程序员", 40}, {"护士", 20}, {"经理", 40}, {"自由职业", 25},
	{"企业主", 25}, {"工人", 30}, {"研究员", 10}, {"", 60},
	{"engineer", 12}, {"teacher", 8}, {"doctor", 5}, {"manager", 10},
	{"sales", 8}, {"accountant", 5}, {"student", 5}, {"retired", 5},
	{"designer", 4}, {"software developer", 8}, {"nurse", 3},
	{"business owner", 6}, {"lawyer", 2}, {"driver", 3},
};

struct product {
	const char *name;
	uint32_t w;
	uint32_t price;		/* typical price, fen */
};

static const struct product products[] = {
	{"保养套餐", 120, 88000}, {"机油更换", 140, 39800},
	{"轮胎", 60, 89900}, {"刹车片", 50, 58000},
	{"车载充电器", 40, 9900}, {"Car wash", 140, 3900},
	{"空调滤芯", 60, 12800}, {"雨刮器", 50, 8900},
	{"蓄电池", 25, 69800}, {"钣金喷漆", 30, 150000},
	{"四轮定位", 40, 19800}, {"玻璃水", 60, 2990},
	{"汽车贴膜", 12, 300000}, {"脚垫", 30, 29900},
	{"行车记录仪", 20, 59900}, {"Extended warranty", 8, 500000},
	{"Detailing package", 15, 120000}, {"变速箱维修", 6, 800000},
	{"发动机大修", 3, 1500000}, {"Tire rotation", 30, 15000},
	{"Wheel alignment", 20, 22000}, {"Interior cleaning", 40, 9900},
};

static const struct choice tx_channels[] = {
	{"store", 55}, {"app", 20}, {"web", 15}, {"phone", 10},
};

/* ------------------------------------------------------------ the output */

enum format { FMT_TSV, FMT_CSV };

static struct {
	char *p;
	size_t n;
	enum format fmt;
	int nf;			/* fields written in the current row */
} out;

static void
out_write(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(STDOUT_FILENO, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "crm-gen: write error: %s\n",
			    strerror(errno));
			exit(2);
		}
		p += k;
		n -= (size_t)k;
	}
}

static void
out_endrow(void)
{
	out.p[out.n++] = '\n';
	out.nf = 0;
	if (out.n >= CHUNK) {
		out_write(out.p, CHUNK);
		memmove(out.p, out.p + CHUNK, out.n - CHUNK);
		out.n -= CHUNK;
	}
}

static void
out_flush(void)
{
	out_write(out.p, out.n);
	out.n = 0;
}

static void
sep(void)
{
	if (out.nf++)
		out.p[out.n++] = out.fmt == FMT_CSV ? ',' : '\t';
}

/* A field known to hold no separator, quote, tab, newline or backslash. */
static void
put_safe(const char *s, size_t n)
{
	sep();
	memcpy(out.p + out.n, s, n);
	out.n += n;
}

static void
put_str(const char *s)
{
	put_safe(s, strlen(s));
}

/* Any text: escaped for TSV, quoted for CSV where needed. */
static void
put_text(const char *s)
{
	size_t n = strlen(s);
	char *o;
	sep();
	o = out.p + out.n;
	if (out.fmt == FMT_TSV) {
		for (size_t i = 0; i < n; i++) {
			char c = s[i];
			switch (c) {
			case '\t': *o++ = '\\'; *o++ = 't'; break;
			case '\n': *o++ = '\\'; *o++ = 'n'; break;
			case '\r': *o++ = '\\'; *o++ = 'r'; break;
			case '\\': *o++ = '\\'; *o++ = '\\'; break;
			default: *o++ = c;
			}
		}
	} else if (strpbrk(s, ",\"\r\n")) {
		*o++ = '"';
		for (size_t i = 0; i < n; i++) {
			if (s[i] == '"')
				*o++ = '"';
			*o++ = s[i];
		}
		*o++ = '"';
	} else {
		memcpy(o, s, n);
		o += n;
	}
	out.n = (size_t)(o - out.p);
}

static void
put_empty(void)
{
	sep();
}

static char *
fmt_uint(char *end, uint64_t v, int width)
{
	char *p = end;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
		width--;
	} while (v > 0);
	while (width-- > 0)
		*--p = '0';
	return p;
}

static void
put_uint(uint64_t v)
{
	char b[24], *p = fmt_uint(b + sizeof b, v, 0);
	put_safe(p, (size_t)(b + sizeof b - p));
}

/* "C000042": prefix, then v zero-padded to at least width digits. */
static void
put_id(char prefix, uint64_t v, int width)
{
	char b[24], *p = fmt_uint(b + sizeof b, v, width);
	*--p = prefix;
	put_safe(p, (size_t)(b + sizeof b - p));
}

/* Minor units as yuan.fen: -1990 is "-19.90". */
static void
put_money(int64_t fen)
{
	char b[32], *p;
	uint64_t a = fen < 0 ? (uint64_t)-fen : (uint64_t)fen;
	p = fmt_uint(b + sizeof b, a % 100, 2);
	*--p = '.';
	p = fmt_uint(p, a / 100, 0);
	if (fen < 0)
		*--p = '-';
	put_safe(p, (size_t)(b + sizeof b - p));
}

/* --------------------------------------------------------------- dates */

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

/* Parse a strict YYYY-MM-DD into days since 1970-01-01. */
static int
parse_date(const char *s, int64_t *days)
{
	static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30,
		31, 30, 31};
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return -1;
		} else if (s[i] < '0' || s[i] > '9') {
			return -1;
		}
	}
	if (s[10] != '\0')
		return -1;
	int y = atoi(s);
	unsigned m = (unsigned)atoi(s + 5), d = (unsigned)atoi(s + 8);
	if (y < 1900 || y > 9998 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	*days = days_from_civil(y, m, d);
	return 0;
}

/* Day offsets from --start, pre-formatted once. */
static struct {
	int64_t start;
	uint32_t n;		/* number of days in the range */
	char (*str)[11];
} dates;

static void
dates_init(int64_t start, int64_t end)
{
	dates.start = start;
	dates.n = (uint32_t)(end - start + 1);
	/* next_action may run a month past the end of the range */
	size_t total = dates.n + 62;
	dates.str = crm_xmalloc(crm_mulsz(total, sizeof *dates.str));
	for (size_t i = 0; i < total; i++) {
		int y;
		unsigned m, d;
		civil_from_days(start + (int64_t)i, &y, &m, &d);
		char *o = dates.str[i];
		fmt_uint(o + 4, (uint64_t)y, 4);
		o[4] = '-';
		fmt_uint(o + 7, m, 2);
		o[7] = '-';
		fmt_uint(o + 10, d, 2);
		o[10] = '\0';
	}
}

static void
put_date(uint32_t day)
{
	put_safe(dates.str[day], 10);
}

/* Local time in China: 2026-11-23T09:30:00+08:00. */
static void
put_ts(uint32_t day, uint32_t sec)
{
	char b[25];
	memcpy(b, dates.str[day], 10);
	b[10] = 'T';
	b[11] = (char)('0' + sec / 36000);
	b[12] = (char)('0' + sec / 3600 % 10);
	b[13] = ':';
	b[14] = (char)('0' + sec % 3600 / 600);
	b[15] = (char)('0' + sec % 600 / 60);
	b[16] = ':';
	b[17] = (char)('0' + sec % 60 / 10);
	b[18] = (char)('0' + sec % 10);
	memcpy(b + 19, "+08:00", 6);
	put_safe(b, 25);
}

/*
 * Records of the event kinds are spread evenly over the date range in time
 * order, within opening hours (08:00-21:00), with jitter inside each step.
 */
#define OPEN_FROM (8 * 3600)
#define OPEN_SECS (13 * 3600)

static void
event_time(struct rng *r, uint64_t k, uint64_t count, uint32_t *day,
    uint32_t *sec)
{
	uint64_t span = (uint64_t)dates.n * OPEN_SECS;
	uint64_t step = span / count;
	uint64_t pos = k * span / count + (step > 1 ? rnd64(r, step) : 0);
	if (pos >= span)
		pos = span - 1;
	*day = (uint32_t)(pos / OPEN_SECS);
	*sec = OPEN_FROM + (uint32_t)(pos % OPEN_SECS);
}

/* ------------------------------------------------------------ customers */

enum status { ST_POTENTIAL, ST_INTENT, ST_CUSTOMER, ST_LOST };

static const char *const status_name[] = {
	"potential", "intent", "customer", "lost",
};

/*
 * What a customer is like, derived from the seed and the customer number
 * alone, so every kind generated with the same seed and --customers agrees:
 * buyers (status customer or lost) purchase between first and last.
 */
struct profile {
	uint32_t created, first, last;	/* day offsets */
	enum status status;
	uint64_t rate;		/* purchase propensity, Q16 */
	uint64_t spend;		/* amount multiplier, Q16 */
	int grumpy;		/* a repeat complainer */
};

static uint64_t seed;

static void
profile(uint64_t id, struct profile *p)
{
	struct rng r;
	uint32_t n = dates.n, roll;

	rng_seed(&r, seed, 0x100000000ull + id);
	p->created = rnd(&r, n);
	roll = rnd(&r, 100);
	p->rate = lognorm(&r, 30, 7);
	p->spend = lognorm(&r, 18, 5);
	p->grumpy = chance(&r, 4);
	if (roll < 14) {
		p->status = ST_POTENTIAL;
		p->first = p->last = p->created;
		return;
	}
	if (roll < 24) {
		p->status = ST_INTENT;
		/* intent is a recent state: interest shown in the last months */
		if (n > 180 && p->created < n - 180)
			p->created = n - 180 + rnd(&r, 180);
		p->first = p->last = p->created;
		return;
	}
	p->first = p->created + (chance(&r, 60) ? 0 : rnd(&r, 60));
	if (p->first >= n)
		p->first = n - 1;
	p->last = n - 1;
	p->status = ST_CUSTOMER;
	if (chance(&r, 40)) {
		uint32_t life = 30 + rnd(&r, 600);
		if (p->first + life < p->last)
			p->last = p->first + life;
		if (p->last + 180 < n)
			p->status = ST_LOST;
	}
}

static int
is_buyer(const struct profile *p)
{
	return p->status == ST_CUSTOMER || p->status == ST_LOST;
}

static void
put_cid(uint64_t id)
{
	put_id('C', id, 6);
}

static void
gen_customers(struct rng *r, uint64_t count)
{
	char name[64], email[96], phone[24];

	for (uint64_t id = 1; id <= count; id++) {
		struct profile p;
		int female = chance(r, 50), chinese = chance(r, 70);
		const struct hanzi *sur = NULL, *g1 = NULL, *g2 = NULL;
		const char *fn = NULL, *ln = NULL;

		profile(id, &p);
		if (chinese) {
			const struct hanzi *g = female ? given_f : given_m;
			size_t ng = female ? NELEM(given_f) : NELEM(given_m);
			uint32_t total = 0, x;
			for (size_t i = 0; i < NELEM(surnames); i++)
				total += surnames[i].w;
			x = rnd(r, total);
			for (sur = surnames; x >= sur->w; sur++)
				x -= sur->w;
			g1 = &g[rnd(r, (uint32_t)ng)];
			g2 = chance(r, 60) ? &g[rnd(r, (uint32_t)ng)] : NULL;
			snprintf(name, sizeof name, "%s%s%s", sur->h, g1->h,
			    g2 ? g2->h : "");
		} else {
			fn = female ? ANY(r, first_f) : ANY(r, first_m);
			ln = ANY(r, last_en);
			snprintf(name, sizeof name, "%s %s", fn, ln);
		}

		/*
		 * One draw per statement from here on: the order in which
		 * function arguments are evaluated is unspecified, and the
		 * output must not depend on the compiler.
		 */
		if (chinese || chance(r, 70)) {
			const char *pre = ANY(r, mobile_prefix);
			unsigned num = rnd(r, 100000000);
			snprintf(phone, sizeof phone, "+86%s%08u", pre, num);
		} else if (chance(r, 60)) {
			char pre = chance(r, 50) ? '8' : '9';
			unsigned num = rnd(r, 10000000);
			snprintf(phone, sizeof phone, "+65%c%07u", pre, num);
		} else {
			unsigned area = 200 + rnd(r, 800);
			unsigned exch = 200 + rnd(r, 800);
			unsigned num = rnd(r, 10000);
			snprintf(phone, sizeof phone, "+1%03u%03u%04u", area,
			    exch, num);
		}

		email[0] = '\0';
		if (chance(r, 60)) {
			const char *dom = chinese ? PICK(r, mail_cn) :
			    PICK(r, mail_en);
			unsigned form = rnd(r, 4), num = rnd(r, 100);
			char local[48];
			if (chinese && strcmp(dom, "qq.com") == 0) {
				snprintf(local, sizeof local, "%u",
				    10000000 + rnd(r, 2000000000));
			} else if (chinese) {
				char given[24];
				snprintf(given, sizeof given, "%s%s", g1->py,
				    g2 ? g2->py : "");
				if (form == 0)
					snprintf(local, sizeof local, "%s.%s",
					    sur->py, given);
				else if (form == 1)
					snprintf(local, sizeof local, "%s%s%02u",
					    sur->py, given, num);
				else if (form == 2)
					snprintf(local, sizeof local, "%s_%s",
					    given, sur->py);
				else
					snprintf(local, sizeof local, "%c%s%u",
					    given[0], sur->py, 1960 + num % 45);
			} else {
				if (form <= 1)
					snprintf(local, sizeof local, "%s.%s",
					    fn, ln);
				else if (form == 2)
					snprintf(local, sizeof local, "%s%s%02u",
					    fn, ln, num);
				else
					snprintf(local, sizeof local, "%c%s",
					    fn[0], ln);
			}
			/* lower-case ASCII, and keep only what a mailbox allows */
			char *o = email;
			for (const char *s = local; *s; s++) {
				char c = *s;
				if (c >= 'A' && c <= 'Z')
					c = (char)(c - 'A' + 'a');
				if ((c >= 'a' && c <= 'z') ||
				    (c >= '0' && c <= '9') || c == '.' ||
				    c == '_')
					*o++ = c;
			}
			snprintf(o, sizeof email - (size_t)(o - email), "@%s",
			    dom);
		}

		put_cid(id);
		put_text(name);
		put_str(phone);
		put_str(email);
		put_str(status_name[p.status]);
		put_date(p.created);
		put_text(PICK(r, cities));
		put_str(female ? "F" : "M");
		/* most customers of a car dealer were born 1965-1995 */
		uint32_t born = 1950 + rnd(r, 28);
		born += rnd(r, 29);
		put_uint(born);
		put_text(PICK(r, occupations));
		out_endrow();
	}
}

/* -------------------------------------------------------- transactions */

/* A price a shop would ask: 19.90, 388.00, 1,280.00 ... */
static int64_t
shop_price(struct rng *r, uint64_t fen)
{
	if (fen < 1990)
		fen = 1990;
	if (fen > 2000000)
		fen = 2000000;
	if (fen < 10000) {
		static const unsigned ends[] = {0, 90, 80, 50, 0, 90};
		fen = fen / 100 * 100 + ends[rnd(r, NELEM(ends))];
	} else if (fen < 100000) {
		fen = fen / 100 * 100;
		if (chance(r, 40))
			fen = fen / 1000 * 1000 + 800;
	} else {
		fen = fen / 1000 * 1000;
	}
	return fen < 1990 ? 1990 : (int64_t)fen;
}

static void
gen_transactions(struct rng *r, uint64_t count, uint64_t ncust)
{
	uint32_t *nrows = crm_xcalloc(ncust, sizeof *nrows);
	uint32_t *spend = crm_xmalloc(crm_mulsz(ncust, sizeof *spend));
	uint64_t *cum = crm_xmalloc(crm_mulsz(ncust, sizeof *cum));
	uint32_t *first = crm_xmalloc(crm_mulsz(ncust, sizeof *first));
	uint32_t *span = crm_xmalloc(crm_mulsz(ncust, sizeof *span));
	uint64_t total = 0, nbuyers = 0, given = 0;

	/*
	 * Every buyer gets a share of the rows in proportion to propensity
	 * times active days: long-lived, frequent customers dominate, which
	 * with the spend multiplier gives the 20/80 shape.
	 */
	for (uint64_t i = 0; i < ncust; i++) {
		struct profile p;
		uint64_t w = 0;
		profile(i + 1, &p);
		first[i] = p.first;
		span[i] = p.last - p.first + 1;
		spend[i] = (uint32_t)p.spend;
		if (is_buyer(&p)) {
			w = (p.rate >> 8) * (span[i] + 30);
			if (w == 0)
				w = 1;
			nbuyers++;
		}
		total += w;
		cum[i] = total;
	}
	if (total == 0) {
		/* no buyer among the first customers: let the first one buy */
		cum[0] = total = 1;
		for (uint64_t i = 1; i < ncust; i++)
			cum[i] = 1;
		nbuyers = 1;
	}
	if (count >= nbuyers) {
		uint64_t rest = count - nbuyers, prev = 0;
		for (uint64_t i = 0; i < ncust; i++) {
			uint64_t w = cum[i] - prev;
			prev = cum[i];
			if (w == 0)
				continue;
			/* rest < 2^30 and w < 2^32: no overflow */
			nrows[i] = (uint32_t)(1 + rest * w / total);
			given += nrows[i];
		}
	}
	while (given < count) {
		uint64_t x = rnd64(r, total);
		uint64_t lo = 0, hi = ncust - 1;
		while (lo < hi) {
			uint64_t mid = lo + (hi - lo) / 2;
			if (cum[mid] > x)
				hi = mid;
			else
				lo = mid + 1;
		}
		nrows[lo]++;
		given++;
	}
	free(cum);

	/*
	 * Place the rows by date (counting sort, two passes over the same
	 * random stream), then shuffle within each day so customers
	 * interleave as in a real export.
	 */
	uint64_t *at = crm_xcalloc(dates.n + 1, sizeof *at);
	uint32_t *row = crm_xmalloc(crm_mulsz(count ? count : 1, sizeof *row));
	struct rng save = *r;
	for (int pass = 0; pass < 2; pass++) {
		*r = save;
		for (uint64_t i = 0; i < ncust; i++) {
			for (uint32_t k = 0; k < nrows[i]; k++) {
				uint32_t d = first[i] +
				    (k ? rnd(r, span[i]) : 0);
				if (pass == 0)
					at[d + 1]++;
				else
					row[at[d]++] = (uint32_t)i;
			}
		}
		if (pass == 0)
			for (uint32_t d = 0; d < dates.n; d++)
				at[d + 1] += at[d];
	}
	/* after pass two at[d] is the end of day d, which is where d+1 starts */
	uint64_t order = 0;
	for (uint32_t d = 0; d < dates.n; d++) {
		uint64_t lo = d ? at[d - 1] : 0, hi = at[d];
		for (uint64_t j = hi; j > lo + 1; j--) {
			uint64_t k = lo + rnd64(r, j - lo);
			uint32_t t = row[j - 1];
			row[j - 1] = row[k];
			row[k] = t;
		}
		for (uint64_t j = lo; j < hi; j++) {
			uint32_t c = row[j];
			const struct product *pr;
			uint32_t tot = 0, x;
			for (size_t q = 0; q < NELEM(products); q++)
				tot += products[q].w;
			x = rnd(r, tot);
			for (pr = products; x >= pr->w; pr++)
				x -= pr->w;
			uint64_t fen = pr->price * (uint64_t)spend[c] >> 16;
			fen = fen * lognorm(r, 10, 2) >> 16;
			int64_t amount = shop_price(r, fen);
			if (rnd(r, 1000) < 5)
				amount = -amount;	/* a refund */
			put_cid((uint64_t)c + 1);
			put_date(d);
			put_money(amount);
			put_id('O', ++order, 7);
			put_text(pr->name);
			put_str(PICK(r, tx_channels));
			out_endrow();
		}
	}
	free(row);
	free(at);
	free(span);
	free(first);
	free(spend);
	free(nrows);
}

/* ----------------------------------------------------------- line items */

/*
 * An online retailer's line-item export in the shape of the UCI Online
 * Retail data set: one line per product of an invoice, invoices of 1 to
 * 30 lines (most short), customer ids written by a spreadsheet (17850.0),
 * about a fifth of the invoices without a customer, some cancelled (the
 * lines of the customer's previous invoice again, negative quantities,
 * the invoice number prefixed with C), prices in pounds with two decimals
 * (a few with three), most customers in the United Kingdom.
 */
struct li_product {
	const char *code, *desc;
	uint32_t w;
	uint32_t pence;
};

static const struct li_product li_products[] = {
	{"85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 40, 255},
	{"71053", "WHITE METAL LANTERN", 12, 339},
	{"84406B", "CREAM CUPID HEARTS COAT HANGER", 10, 275},
	{"84029G", "KNITTED UNION FLAG HOT WATER BOTTLE", 14, 339},
	{"84029E", "RED WOOLLY HOTTIE WHITE HEART.", 12, 339},
	{"22752", "SET 7 BABUSHKA NESTING BOXES", 8, 765},
	{"21730", "GLASS STAR FROSTED T-LIGHT HOLDER", 9, 425},
	{"22633", "HAND WARMER UNION JACK", 15, 185},
	{"22632", "HAND WARMER RED POLKA DOT", 12, 185},
	{"84879", "ASSORTED COLOUR BIRD ORNAMENT", 30, 169},
	{"22745", "POPPY'S PLAYHOUSE BEDROOM", 6, 210},
	{"22748", "POPPY'S PLAYHOUSE KITCHEN", 6, 210},
	{"22749", "FELTCRAFT PRINCESS CHARLOTTE DOLL", 7, 375},
	{"22310", "IVORY KNITTED MUG COSY", 8, 165},
	{"84969", "BOX OF 6 ASSORTED COLOUR TEASPOONS", 7, 425},
	{"22623", "BOX OF VINTAGE JIGSAW BLOCKS", 6, 495},
	{"22622", "BOX OF VINTAGE ALPHABET BLOCKS", 6, 995},
	{"21754", "HOME BUILDING BLOCK WORD", 9, 595},
	{"21755", "LOVE BUILDING BLOCK WORD", 9, 595},
	{"21777", "RECIPE BOX WITH METAL HEART", 7, 795},
	{"48187", "DOORMAT NEW ENGLAND", 8, 795},
	{"22960", "JAM MAKING SET WITH JARS", 10, 425},
	{"22913", "RED COAT RACK PARIS FASHION", 5, 495},
	{"22086", "PAPER CHAIN KIT 50'S CHRISTMAS", 25, 295},
	{"85099B", "JUMBO BAG RED RETROSPOT", 35, 195},
	{"47566", "PARTY BUNTING", 25, 465},
	{"20725", "LUNCH BAG RED RETROSPOT", 22, 165},
	{"22720", "SET OF 3 CAKE TINS PANTRY DESIGN", 18, 495},
	{"21212", "PACK OF 72 RETROSPOT CAKE CASES", 24, 55},
	{"23203", "JUMBO BAG DOILEY PATTERNS", 12, 208},
	{"22457", "NATURAL SLATE HEART CHALKBOARD", 14, 295},
	{"22469", "HEART OF WICKER SMALL", 14, 165},
	{"22197", "SMALL POPCORN HOLDER", 16, 85},
	{"84991", "60 TEATIME FAIRY CAKE CASES", 15, 55},
	{"22961", "JAM MAKING SET PRINTED", 9, 145},
	{"21034", "REX CASH+CARRY JUMBO SHOPPER", 6, 95},
	{"22112", "CHOCOLATE HOT WATER BOTTLE", 10, 495},
	{"22835", "HOT WATER BOTTLE I AM SO POORLY", 8, 465},
	{"21523", "DOORMAT FANCY FONT HOME SWEET HOME", 6, 795},
	{"22139", "RETROSPOT TEA SET CERAMIC 11 PC", 6, 495},
	{"22382", "LUNCH BAG SPACEBOY DESIGN", 12, 165},
	{"21080", "SET/20 RED RETROSPOT PAPER NAPKINS", 12, 85},
	{"22666", "RECIPE BOX PANTRY YELLOW DESIGN", 7, 295},
	{"84347", "ROTATING SILVER ANGELS T-LIGHT HLDR", 5, 255},
	{"22064", "PINK DOUGHNUT TRINKET POT", 8, 165},
	{"21871", "SAVE THE PLANET MUG", 8, 125},
	{"22178", "VICTORIAN GLASS HANGING T-LIGHT", 14, 125},
	{"22090", "PAPER BUNTING RETROSPOT", 10, 295},
	{"84946", "ANTIQUE SILVER T-LIGHT GLASS", 10, 125},
	{"21967", "PACK OF 12 SKULL TISSUES", 6, 29},
	{"21980", "PACK OF 12 RED RETROSPOT TISSUES", 8, 29},
	{"22429", "ENAMEL MEASURING JUG CREAM", 5, 425},
	{"23166", "MEDIUM CERAMIC TOP STORAGE JAR", 10, 125},
	{"22423", "REGENCY CAKESTAND 3 TIER", 22, 1275},
	{"21931", "JUMBO STORAGE BAG SUKI", 10, 195},
	{"22411", "JUMBO SHOPPER VINTAGE RED PAISLEY", 10, 195},
	{"47590B", "PINK HAPPY BIRTHDAY BUNTING", 6, 545},
	{"22487", "WHITE WOOD GARDEN PLANT LADDER", 4, 850},
	{"23084", "RABBIT NIGHT LIGHT", 14, 208},
	{"21843", "RED RETROSPOT CAKE STAND", 6, 1095},
	{"22551", "PLASTERS IN TIN SPACEBOY", 10, 165},
	{"22554", "PLASTERS IN TIN WOODLAND ANIMALS", 10, 165},
	{"22969", "HOMEMADE JAM SCENTED CANDLES", 8, 145},
	{"22988", "SOLDIERS EGG CUP", 6, 125},
	{"23245", "SET OF 3 REGENCY CAKE TINS", 8, 495},
	{"22697", "GREEN REGENCY TEACUP AND SAUCER", 12, 295},
	{"22699", "ROSES REGENCY TEACUP AND SAUCER", 12, 295},
	{"37370", "RETRO COFFEE MUGS ASSORTED", 5, 106},
	{"21071", "VINTAGE BILLBOARD DRINK ME MUG", 5, 106},
	{"22910", "PAPER CHAIN KIT VINTAGE CHRISTMAS", 12, 295},
	{"79321", "CHILLI LIGHTS", 8, 485},
	{"22114", "HOT WATER BOTTLE TEA AND SYMPATHY", 8, 395},
	{"POST", "POSTAGE", 8, 1800},
	{"M", "Manual", 2, 250},
	{"22041", "RECORD FRAME 7\" SINGLE SIZE", 5, 255},
	{"21174", "POTTERING IN THE SHED METAL SIGN", 6, 195},
	{"22501", "PICNIC BASKET WICKER LARGE", 3, 995},
	{"47504H", "ENGLISH ROSE SPIRIT LEVEL", 3, 85},
	{"21790", "VINTAGE SNAP CARDS", 8, 85},
	{"21099", "SET/6 STRAWBERRY PAPER CUPS", 6, 65},
	{"22197", "POPCORN HOLDER", 6, 85},
	{"21094", "SET/6 RED SPOTTY PAPER PLATES", 8, 85},
	{"84378", "SET OF 3 HEART COOKIE CUTTERS", 6, 125},
	{"21733", "RED HANGING HEART T-LIGHT HOLDER", 10, 295},
	{"20914", "SET/5 RED RETROSPOT LID GLASS BOWLS", 8, 295},
	{"22838", "3 TIER CAKE TIN RED AND CREAM", 5, 1495},
	{"21535", "RED RETROSPOT SMALL MILK JUG", 5, 250},
	{"22121", "NOEL WOODEN BLOCK LETTERS", 4, 595},
	{"23298", "SPOTTY BUNTING", 10, 495},
	{"22865", "HAND WARMER OWL DESIGN", 10, 210},
	{"84832", "ZINC WILLIE WINKIE  CANDLE STICK", 4, 85},
	{"21124", "SET/10 BLUE POLKADOT PARTY CANDLES", 6, 125},
	{"22654", "DELUXE SEWING KIT", 6, 595},
	{"21658", "GLASS BEURRE DISH", 4, 395},
	{"22378", "WALL TIDY RETROSPOT", 5, 210},
	{"85049E", "SCANDINAVIAN REDS RIBBONS", 6, 125},
	{"22189", "CREAM HEART CARD HOLDER", 5, 395},
	{"23230", "WRAP ALPHABET DESIGN", 8, 42},
	{"22867", "HAND WARMER BIRD DESIGN", 10, 210},
	{"21876", "POTTERING MUG", 6, 125},
	{"22951", "60 CAKE CASES DOLLY GIRL DESIGN", 6, 55},
	{"21915", "RED  HARMONICA IN BOX", 4, 125},
	{"84596B", "SMALL DOLLY MIX DESIGN ORANGE BOWL", 4, 42},
	{"21069", "VINTAGE BILLBOARD TEA MUG", 5, 106},
	{"22271", "FELTCRAFT DOLL ROSIE", 4, 295},
	{"21169", "YOU'RE CONFUSING ME METAL SIGN", 5, 169},
	{"20685", "DOORMAT RED RETROSPOT", 6, 795},
	{"22616", "PACK OF 12 LONDON TISSUES", 8, 29},
	{"82483", "WOOD 2 DRAWER CABINET WHITE FINISH", 5, 495},
	{"22148", "EASTER CRAFT 4 CHICKS", 3, 195},
	{"82482", "WOODEN PICTURE FRAME WHITE FINISH", 10, 255},
	{"21929", "JUMBO BAG PINK VINTAGE PAISLEY", 8, 195},
	{"85152", "HAND OVER THE CHOCOLATE   SIGN", 4, 210},
	{"22077", "6 RIBBONS RUSTIC CHARM", 8, 195},
	{"22111", "SCOTTIE DOG HOT WATER BOTTLE", 6, 495},
	{"22835", "HOT WATER BOTTLE I AM SO POORLY", 4, 465},
	{"21888", "SET 3 RETROSPOT TEA,COFFEE,SUGAR", 6, 495},
};

static const struct choice li_countries[] = {
	{"United Kingdom", 900}, {"Germany", 22}, {"France", 20},
	{"EIRE", 16}, {"Spain", 6}, {"Netherlands", 6}, {"Belgium", 5},
	{"Switzerland", 5}, {"Portugal", 4}, {"Australia", 3},
	{"Norway", 3}, {"Italy", 2}, {"Channel Islands", 2}, {"Finland", 2},
	{"Cyprus", 1}, {"Sweden", 1}, {"Austria", 1}, {"Denmark", 1},
};

#define LI_FIRST_INVOICE 536365
#define LI_FIRST_CUSTOMER 12346

/* Lines of an invoice: 1 to 30, most short (the median is 5). */
static uint32_t
li_nlines(struct rng *r)
{
	uint32_t a = rnd(r, 30), b = rnd(r, 30);

	return 1 + a * b / 30 + (chance(r, 10) ? rnd(r, 30 - a * b / 30) : 0);
}

/* A quantity as ordered: mostly a few, or a pack size. */
static int64_t
li_quantity(struct rng *r)
{
	static const uint8_t packs[] = { 6, 12, 24, 10, 48, 36, 100 };

	if (chance(r, 55))
		return 1 + rnd(r, 6);
	if (chance(r, 85))
		return packs[rnd(r, 3)];
	return packs[3 + rnd(r, NELEM(packs) - 3)];
}

/* UnitPrice in tenths of a penny: a product's price, larger quantities a
 * little cheaper, a few with a third decimal. */
static int64_t
li_price(struct rng *r, const struct li_product *p, int64_t qty)
{
	int64_t m = (int64_t)p->pence * 10;

	if (qty >= 24 && p->pence > 100)
		m = m * 85 / 100 / 10 * 10;
	if (chance(r, 2) && m > 10)
		m -= 1 + rnd(r, 9);
	return m;
}

static void
put_int(int64_t v)
{
	char b[24], *p = fmt_uint(b + sizeof b, v < 0 ? (uint64_t)-v :
	    (uint64_t)v, 0);

	if (v < 0)
		*--p = '-';
	put_safe(p, (size_t)(b + sizeof b - p));
}

/* Tenths of a penny as pounds: 2 decimals when they do, else 3. */
static void
put_pounds(int64_t m)
{
	char b[32], *p;
	uint64_t a = m < 0 ? (uint64_t)-m : (uint64_t)m;

	if (a % 10 == 0) {
		p = fmt_uint(b + sizeof b, a / 10 % 100, 2);
		*--p = '.';
		p = fmt_uint(p, a / 1000, 0);
	} else {
		p = fmt_uint(b + sizeof b, a % 1000, 3);
		*--p = '.';
		p = fmt_uint(p, a / 1000, 0);
	}
	if (m < 0)
		*--p = '-';
	put_safe(p, (size_t)(b + sizeof b - p));
}

/* The lines of one invoice, from its own generator (so that a
 * cancellation can write the same lines again), nlines of them but at
 * most *left; cancel: as a cancellation (C, negative quantities). */
static void
li_invoice(uint64_t iseed, uint32_t nlines, int cancel, uint64_t invno,
    uint32_t day, uint32_t sec, uint64_t cust, const char *country,
    uint64_t *left)
{
	struct rng r;
	char when[20], inv[24], *ip;
	uint32_t tot = 0;

	for (size_t q = 0; q < NELEM(li_products); q++)
		tot += li_products[q].w;
	rng_seed(&r, iseed, 0);
	memcpy(when, dates.str[day], 10);
	when[10] = ' ';
	when[11] = (char)('0' + sec / 36000);
	when[12] = (char)('0' + sec / 3600 % 10);
	when[13] = ':';
	when[14] = (char)('0' + sec % 3600 / 600);
	when[15] = (char)('0' + sec % 600 / 60);
	memcpy(when + 16, ":00", 3);
	ip = fmt_uint(inv + sizeof inv, invno, 0);
	if (cancel)
		*--ip = 'C';
	for (uint32_t k = 0; k < nlines && *left; k++, (*left)--) {
		const struct li_product *pr = li_products;
		uint32_t x = rnd(&r, tot);
		int64_t qty;

		while (x >= pr->w)
			x -= pr++->w;
		qty = li_quantity(&r);
		put_safe(ip, (size_t)(inv + sizeof inv - ip));
		put_str(pr->code);
		put_text(pr->desc);
		put_int(cancel ? -qty : qty);
		put_safe(when, 19);
		put_pounds(li_price(&r, pr, qty));
		if (cust) {
			char b[24], *p = fmt_uint(b + sizeof b - 2, cust, 0);

			memcpy(b + sizeof b - 2, ".0", 2);
			put_safe(p, (size_t)(b + sizeof b - p));
		} else
			put_empty();
		put_text(country);
		out_endrow();
	}
}

static void
gen_lineitems(struct rng *r, uint64_t count, uint64_t ncust)
{
	/* each customer's latest invoice, for a cancellation of it */
	uint64_t *lastseed = crm_xcalloc(ncust, sizeof *lastseed);
	uint8_t *lastn = crm_xcalloc(ncust, sizeof *lastn);
	uint32_t *ninv = NULL;
	size_t nalloc = 0, n = 0;
	uint64_t lines = 0, left = count;

	/* the invoices' sizes first, so that their times spread evenly */
	while (lines < count) {
		crm_grow(&ninv, &nalloc, n + 1, sizeof *ninv);
		ninv[n] = li_nlines(r);
		lines += ninv[n++];
	}
	/* cancellations, shorter than the invoice they stand for, may leave
	 * lines to write after the last: at the end of the range */
	for (size_t k = 0; left; k++) {
		uint32_t day, sec;
		uint64_t c = 0, iseed = rng_next(r);
		const char *country = "United Kingdom";
		int cancel = 0, guest;
		uint32_t nl = k < n ? ninv[k] : li_nlines(r);

		event_time(r, k < n ? k : n - 1, n, &day, &sec);
		guest = chance(r, 20);
		if (!guest) {
			/* the few big customers buy most: the cube of a
			 * uniform skews towards the first ids */
			uint64_t u = rnd64(r, ncust);

			c = u * u / ncust * u / ncust;
			if (lastn[c] && chance(r, 4)) {
				cancel = 1;
				iseed = lastseed[c];
				nl = lastn[c];
				lastn[c] = 0;
			} else {
				lastseed[c] = iseed;
				lastn[c] = (uint8_t)nl;
			}
			{
				/* a customer's country is the customer's */
				struct rng cr;

				rng_seed(&cr, seed ^ 0x5bd1e995, c + 1);
				country = PICK(&cr, li_countries);
			}
		} else if (chance(r, 5))
			country = PICK(r, li_countries);
		li_invoice(iseed, nl, cancel, LI_FIRST_INVOICE + k, day, sec,
		    guest ? 0 : LI_FIRST_CUSTOMER + c, country, &left);
	}
	free(ninv);
	free(lastn);
	free(lastseed);
}

/* ----------------------------------------- customer choice for events */

/*
 * Who takes part in interactions, complaints and surveys: customers picked
 * in proportion to their activity, repeat complainers boosted for
 * complaints, surveys only from buyers.
 */
struct picker {
	uint64_t *cum, n;
};

enum pick_for { FOR_CONTACT, FOR_COMPLAINT, FOR_SURVEY };

static void
picker_init(struct picker *pk, uint64_t ncust, enum pick_for why)
{
	uint64_t total = 0;
	pk->n = ncust;
	pk->cum = crm_xmalloc(crm_mulsz(ncust, sizeof *pk->cum));
	for (uint64_t i = 0; i < ncust; i++) {
		struct profile p;
		uint64_t w;
		profile(i + 1, &p);
		w = (p.rate >> 10) + 16;
		if (why == FOR_COMPLAINT && p.grumpy)
			w *= 20;
		if (why == FOR_SURVEY && !is_buyer(&p))
			w = 0;
		total += w;
		pk->cum[i] = total;
	}
	if (total == 0)
		for (uint64_t i = 0; i < ncust; i++)
			pk->cum[i] = 1;
}

static uint64_t
picker_get(struct picker *pk, struct rng *r)
{
	uint64_t x = rnd64(r, pk->cum[pk->n - 1]);
	uint64_t lo = 0, hi = pk->n - 1;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (pk->cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo + 1;
}

static void
put_agent(unsigned a)
{
	char b[3] = {'A', (char)('0' + a / 10), (char)('0' + a % 10)};
	put_safe(b, 3);
}

/* ---------------------------------------------------------- interactions */

static const struct choice ix_channels[] = {
	{"phone", 30}, {"visit", 20}, {"chat", 12}, {"web", 8}, {"sms", 6},
	{"email", 6}, {"ivr", 5}, {"social", 4}, {"self_service", 4},
	{"event", 2}, {"forum", 2}, {"letter", 1},
};

enum ixtype { IX_INQUIRY, IX_CARE, IX_COMPLAINT, IX_SUGGESTION, IX_OBJECTION,
	IX_ORDER, IX_FOLLOWUP, IX_SURVEY, IX_OTHER, IX_N };

static const char *const ix_type_name[IX_N] = {
	"inquiry", "care", "complaint", "suggestion", "objection", "order",
	"followup", "survey", "other",
};

static const uint8_t ix_type_w[IX_N] = {30, 15, 8, 4, 4, 12, 15, 6, 6};

/* Percent of each type started by the company. */
static const uint8_t ix_company_pct[IX_N] = {5, 95, 2, 5, 20, 15, 95, 90, 40};

static const char *const ix_notes[IX_N][8] = {
	{"询问保养价格", "咨询新车优惠政策", "询问轮胎库存", "咨询延保服务",
	 "asked about warranty", "asked for service hours",
	 "asked about the price of an oil change", "询问保险续保"},
	{"生日祝福", "节日问候", "保养到期提醒", "年检提醒",
	 "sent birthday greetings", "reminder: annual inspection due",
	 "holiday greetings", "冬季用车关怀"},
	{"反映维修后仍有异响", "抱怨等待时间太长", "对收费有异议",
	 "complained about billing", "complained about rude staff",
	 "car still pulls to the left after repair", "投诉配件缺货",
	 "complained about late delivery"},
	{"建议增加周末营业时间", "建议休息区提供充电桩",
	 "suggested online booking for car wash",
	 "suggested SMS updates during repairs", "希望增加上门取送车",
	 "suggested longer opening hours", "建议简化结算流程",
	 "asked for a loyalty program"},
	{"认为报价太高", "对保修条款有异议", "said the price is too high",
	 "doubts the extended warranty is worth it", "嫌工时费贵",
	 "prefers a cheaper independent garage", "觉得保养项目太多",
	 "not convinced by the upgrade offer"},
	{"预约保养", "订购轮胎四条", "booked a service appointment",
	 "ordered brake pads", "购买车载充电器", "预约钣金喷漆",
	 "bought a detailing package", "ordered winter tires"},
	{"维修后回访，客户满意", "首次保养回访", "follow-up call after repair",
	 "no answer, will call again", "回访：客户表示车辆正常",
	 "follow-up: customer happy with the service", "投诉处理后回访",
	 "reminded customer of next service"},
	{"满意度调查", "completed satisfaction survey", "NPS survey sent",
	 "服务后满意度回访", "survey: rated the service advisor",
	 "邀请参加问卷调查", "survey declined", "年度客户满意度调查"},
	{"更新联系方式", "updated address", "转接至销售部门",
	 "changed preferred contact time", "客户更换手机号",
	 "asked to be removed from mailing list", "登记车辆信息",
	 "wrong number"},
};

/*
 * --campaigns N: the range is cut into N equal runs, one campaign each, and
 * a company-initiated care, follow-up or survey contact in a run belongs
 * to its campaign three times in five.  The draws come from a stream of
 * their own, so that the other columns are those of a run without it.
 */
static unsigned ncampaigns;
static struct rng campaign_rng;
static const char *const campaign_names[] = {
	"春季保养节", "summer-ac-check", "国庆回馈", "winter-tyres",
	"年检提醒", "loyalty-club", "新车首保", "trade-in",
};

static void
put_campaign(uint32_t day, int company, int t)
{
	struct rng *r = &campaign_rng;
	unsigned i;
	char b[64];

	if (!company || (t != IX_CARE && t != IX_FOLLOWUP && t != IX_SURVEY) ||
	    !chance(r, 60)) {
		put_empty();
		return;
	}
	i = (unsigned)((uint64_t)day * ncampaigns / dates.n);
	if (ncampaigns <= NELEM(campaign_names)) {
		put_text(campaign_names[i]);
		return;
	}
	snprintf(b, sizeof b, "%s-%u", campaign_names[i %
	    NELEM(campaign_names)], i / (unsigned)NELEM(campaign_names) + 1);
	put_text(b);
}

static void
gen_interactions(struct rng *r, uint64_t count, uint64_t ncust)
{
	struct picker pk;
	picker_init(&pk, ncust, FOR_CONTACT);
	for (uint64_t k = 0; k < count; k++) {
		uint32_t day, sec;
		event_time(r, k, count, &day, &sec);
		const char *ch = PICK(r, ix_channels);
		int t = pickw(r, ix_type_w, IX_N);
		int company = rnd(r, 100) < ix_company_pct[t];
		int live = 1;
		uint32_t dur = 0;

		if (!strcmp(ch, "phone")) {
			dur = 60 + rnd(r, 600);
			dur += rnd(r, 300);	/* long calls are rarer */
		} else if (!strcmp(ch, "visit")) {
			dur = 600 + rnd(r, 3000);
		} else if (!strcmp(ch, "chat")) {
			dur = 120 + rnd(r, 1080);
		} else if (!strcmp(ch, "ivr")) {
			dur = 30 + rnd(r, 270);
		} else if (!strcmp(ch, "event")) {
			dur = 1800 + rnd(r, 5400);
		} else if (!strcmp(ch, "self_service")) {
			dur = 60 + rnd(r, 540);
		} else {
			live = 0;	/* no duration for messages */
		}

		put_id('I', k + 1, 7);
		put_ts(day, sec);
		put_cid(picker_get(&pk, r));
		put_str(ch);
		put_str(ix_type_name[t]);
		put_str(company ? "company" : "customer");
		if (!strcmp(ch, "ivr") || !strcmp(ch, "self_service"))
			put_empty();
		else
			put_agent(1 + rnd(r, 30));
		if (live)
			put_uint(dur);
		else
			put_empty();
		switch (t) {
		case IX_INQUIRY:
			put_str("info_given");
			break;
		case IX_ORDER:
			put_str("order_placed");
			break;
		case IX_COMPLAINT:
			put_str(chance(r, 20) ? "escalated" :
			    chance(r, 50) ? "pending" : "resolved");
			break;
		case IX_FOLLOWUP:
			put_str(chance(r, 25) ? "no_answer" : "resolved");
			break;
		default:
			put_str(chance(r, 10) ? "callback" : "resolved");
		}
		if (chance(r, 40)) {
			static const uint8_t w[5] = {6, 8, 16, 35, 35};
			put_uint(1 + (unsigned)pickw(r, w, 5));
		} else {
			put_empty();
		}
		if (t == IX_COMPLAINT || t == IX_OBJECTION || chance(r, 15))
			put_date(day + 1 + rnd(r, 30));
		else
			put_empty();
		put_text(ix_notes[t][rnd(r, 8)]);
		if (ncampaigns)
			put_campaign(day, company, t);
		out_endrow();
	}
	free(pk.cum);
}

/* ------------------------------------------------------------ complaints */

/*
 * Complaint texts are templates with slots: $p product, $d days, $h hours,
 * $n a small count, $a an amount in yuan, $s a place.  Chinese templates take
 * Chinese slot values, English ones English values.
 */
struct tmpl {
	const char *t;
	uint32_t w;
};

static const struct tmpl complaint_zh[] = {
	/* product quality */
	{"$p用了不到$d天就坏了，要求退换", 6},
	{"新换的$p有质量问题，开车时一直异响", 6},
	{"$p出现故障，已经返修$n次了还是不行", 5},
	{"收到的$p包装破损，里面还有划痕", 4},
	{"$p表面有瑕疵，和描述不符", 4},
	{"保养后发动机故障灯亮了，怀疑是$p的问题", 3},
	/* attitude */
	{"$s的服务顾问态度很差，问了几句就不耐烦", 5},
	{"客服态度恶劣，说话很冲，一点都不专业", 4},
	{"销售员很不耐烦，根本不听我说完", 3},
	{"前台说\"这是正常现象\"，态度很差", 2},
	/* process and waiting */
	{"在$s排队两个小时还没轮到，太浪费时间", 5},
	{"打了$n次客服电话都没人接", 5},
	{"退换货手续繁琐，要填好几张表，跑了$n趟", 3},
	{"预约了上午保养，结果等了$h个小时", 4},
	/* expectations and promises */
	{"宣传说$p终身质保，现在又说不在范围内，属于虚假宣传", 3},
	{"买车时承诺送$n次免费保养，承诺没有兑现", 4},
	{"说好三天修好，已经$d天了还没消息", 3},
	/* billing and refunds */
	{"保养结账多收费$a元，明细里有没做的项目", 4},
	{"申请退款$d天了还没到账", 4},
	{"$p的价格和报价不一致，多收了$a元", 3},
	/* delivery */
	{"网上订的$p迟迟不发货，已经$d天了", 4},
	{"送货延迟$d天，也没人通知一声", 3},
	/* escalation */
	{"刹车失灵差点出事故，家人受伤了，再不处理就找媒体曝光", 1},
	{"$p突然着火，存在严重安全隐患，已投诉到12315", 1},
	{"问题拖了$d天没解决，我要向消费者协会投诉", 1},
	{"已经咨询律师，准备起诉你们，$p的问题必须给说法", 1},
};

static const struct tmpl complaint_en[] = {
	{"The $p broke down after only $d days, I want a replacement", 6},
	{"Brand new $p is defective, makes a grinding noise", 5},
	{"Damaged packaging, the $p arrived scratched", 4},
	{"Quality problem: the $p failed again, repaired $n times already", 4},
	{"The service advisor at $s was rude and impatient", 5},
	{"Staff was rude, hung up on me twice", 4},
	{"Impatient sales rep, would not listen to me", 3},
	{"Waited for $h hours at $s, nobody told me anything", 5},
	{"Nobody answers the phone, called $n times", 5},
	{"The refund process is a nightmare, too many forms", 3},
	{"Sales promised $n free services but never delivered", 4},
	{"False advertising: the \"lifetime warranty\" on the $p is void", 3},
	{"Overcharged by $a yuan for the $p, please refund", 4},
	{"Still waiting for my refund after $d days", 4},
	{"Late delivery, the $p was due $d days ago", 4},
	{"My order for the $p has not shipped, $d days and counting", 3},
	{"They said \"it's normal\", but the $p is clearly broken", 2},
	{"The $p caught fire on the highway, a serious safety hazard", 1},
	{"I was injured because of the faulty $p, my lawyer will call you", 1},
	{"If this is not fixed by Friday, I will talk to a journalist", 1},
	{"Filing a lawsuit unless you refund the full amount", 1},
};

static const char *const slot_p_zh[] = {
	"轮胎", "刹车片", "蓄电池", "车载充电器", "行车记录仪", "空调",
	"变速箱", "雨刮器", "机油滤芯", "导航系统",
};

static const char *const slot_p_en[] = {
	"tire", "brake pads", "battery", "car charger", "dash cam",
	"air conditioner", "gearbox", "wiper blades", "navigation system",
	"headlight",
};

static const char *const slot_s_zh[] = {
	"4S店", "维修站", "朝阳门店", "浦东店", "天河店", "售后服务中心",
};

static const char *const slot_s_en[] = {
	"the dealership", "the service center", "your downtown store",
	"the Pudong branch", "the workshop",
};

static void
fill_template(struct rng *r, const char *t, int zh, char *o, size_t size)
{
	char *end = o + size - 1;
	while (*t && o < end) {
		char num[24];
		const char *v = NULL;
		if (*t != '$') {
			*o++ = *t++;
			continue;
		}
		switch (t[1]) {
		case 'p': v = zh ? ANY(r, slot_p_zh) : ANY(r, slot_p_en); break;
		case 's': v = zh ? ANY(r, slot_s_zh) : ANY(r, slot_s_en); break;
		case 'd': snprintf(num, sizeof num, "%u", 3 + rnd(r, 40)); break;
		case 'h': snprintf(num, sizeof num, "%u", 2 + rnd(r, 4)); break;
		case 'n': snprintf(num, sizeof num, "%u", 2 + rnd(r, 5)); break;
		case 'a':
			snprintf(num, sizeof num, "%u", 50 + rnd(r, 40) * 25);
			break;
		default: num[0] = '$'; num[1] = t[1]; num[2] = '\0';
		}
		if (!v)
			v = num;
		t += 2;
		while (*v && o < end)
			*o++ = *v++;
	}
	*o = '\0';
}

static const char *
pick_tmpl(struct rng *r, const struct tmpl *c, size_t n)
{
	uint32_t total = 0, x;
	for (size_t i = 0; i < n; i++)
		total += c[i].w;
	x = rnd(r, total);
	for (size_t i = 0; i < n; i++) {
		if (x < c[i].w)
			return c[i].t;
		x -= c[i].w;
	}
	return c[n - 1].t;
}

static const struct choice cp_channels[] = {
	{"phone", 30}, {"web", 15}, {"visit", 15}, {"chat", 10},
	{"email", 8}, {"social", 8}, {"forum", 4}, {"letter", 3},
	{"sms", 3}, {"ivr", 2},
};

static void
gen_complaints(struct rng *r, uint64_t count, uint64_t ncust)
{
	struct picker pk;
	char text[512];

	picker_init(&pk, ncust, FOR_COMPLAINT);
	for (uint64_t k = 0; k < count; k++) {
		uint32_t day, sec;
		int zh = chance(r, 50);
		event_time(r, k, count, &day, &sec);
		const char *ch = PICK(r, cp_channels);
		const char *t = zh ?
		    pick_tmpl(r, complaint_zh, NELEM(complaint_zh)) :
		    pick_tmpl(r, complaint_en, NELEM(complaint_en));
		fill_template(r, t, zh, text, sizeof text);
		if (chance(r, 15)) {
			size_t n = strlen(text);
			snprintf(text + n, sizeof text - n, "%s",
			    zh ? "，请尽快处理" : ". Please fix this ASAP");
		}
		put_id('K', k + 1, 7);
		put_ts(day, sec);
		put_str("open");
		put_cid(picker_get(&pk, r));
		put_str(ch);
		/* complaints left on the web or social media reach no agent */
		if ((!strcmp(ch, "web") || !strcmp(ch, "social") ||
		    !strcmp(ch, "forum")) && chance(r, 70))
			put_empty();
		else
			put_agent(1 + rnd(r, 30));
		put_text(text);
		out_endrow();
	}
	free(pk.cum);
}

/* --------------------------------------------------------------- surveys */

static const struct {
	const char *dim;
	int items;
	uint8_t gap[5];		/* weights of perception - expectation -3..+1 */
} servqual[] = {
	{"tangibles", 4, {3, 8, 22, 45, 22}},
	{"reliability", 5, {6, 14, 30, 36, 14}},
	{"responsiveness", 4, {9, 20, 32, 30, 9}},
	{"assurance", 4, {4, 10, 26, 42, 18}},
	{"empathy", 5, {5, 12, 28, 40, 15}},
};

enum grade { GR_POOR, GR_AVG, GR_GOOD };

static const uint8_t csat_w[3][5] = {
	{12, 14, 22, 30, 22}, {5, 7, 15, 38, 35}, {2, 3, 10, 35, 50},
};
static const uint8_t nps_w[3][11] = {
	{5, 3, 4, 5, 6, 9, 10, 15, 15, 13, 15},
	{2, 1, 2, 2, 3, 5, 6, 12, 18, 22, 27},
	{1, 0, 1, 1, 1, 3, 4, 8, 15, 26, 40},
};
static const uint8_t ces_w[3][7] = {
	{8, 10, 14, 18, 20, 17, 13},
	{3, 4, 8, 14, 24, 27, 20},
	{1, 2, 4, 8, 20, 33, 32},
};
static const uint8_t expect_w[7] = {1, 1, 2, 6, 18, 35, 37};

static const struct choice sv_channels[] = {
	{"sms", 35}, {"web", 20}, {"phone", 20}, {"email", 10},
	{"visit", 10}, {"ivr", 5},
};

static void
gen_surveys(struct rng *r, uint64_t count, uint64_t ncust)
{
	struct picker pk;
	enum grade grade[31];
	struct rng ar;
	char item[32];

	/* each agent serves well or badly the whole time */
	rng_seed(&ar, seed, 0x200000000ull);
	for (int a = 1; a <= 30; a++) {
		uint32_t x = rnd(&ar, 10);
		grade[a] = x < 2 ? GR_POOR : x < 8 ? GR_AVG : GR_GOOD;
	}
	picker_init(&pk, ncust, FOR_SURVEY);
	for (uint64_t k = 0; k < count;) {
		uint32_t day, sec;
		event_time(r, k, count, &day, &sec);
		uint64_t c = picker_get(&pk, r);
		const char *ch = PICK(r, sv_channels);
		unsigned agent = 1 + rnd(r, 30);
		enum grade g = grade[agent];
		uint32_t kind = rnd(r, 100);

#define SURVEY_HEAD(inst) do { put_cid(c); put_date(day); \
	put_str(inst); } while (0)
#define SURVEY_TAIL() do { put_str(ch); put_agent(agent); out_endrow(); \
	k++; } while (0)
		if (kind < 45) {
			SURVEY_HEAD("csat");
			put_str("overall");
			put_empty();
			put_uint(1 + (unsigned)pickw(r, csat_w[g], 5));
			SURVEY_TAIL();
		} else if (kind < 70) {
			SURVEY_HEAD("nps");
			put_str("recommend");
			put_empty();
			put_uint((unsigned)pickw(r, nps_w[g], 11));
			SURVEY_TAIL();
		} else if (kind < 85) {
			SURVEY_HEAD("ces");
			put_str("effort");
			put_empty();
			put_uint(1 + (unsigned)pickw(r, ces_w[g], 7));
			SURVEY_TAIL();
		} else {
			/* a whole SERVQUAL questionnaire, one row per item */
			for (size_t d = 0; d < NELEM(servqual) && k < count;
			    d++) {
				for (int i = 1; i <= servqual[d].items &&
				    k < count; i++) {
					int e = 1 + pickw(r, expect_w, 7);
					int s = e - 3 +
					    pickw(r, servqual[d].gap, 5);
					if (g == GR_GOOD && chance(r, 30))
						s++;
					if (g == GR_POOR && chance(r, 30))
						s--;
					s = s < 1 ? 1 : s > 7 ? 7 : s;
					snprintf(item, sizeof item, "%s_%d",
					    servqual[d].dim, i);
					SURVEY_HEAD("servqual");
					put_str(item);
					put_uint((unsigned)e);
					put_uint((unsigned)s);
					SURVEY_TAIL();
				}
			}
		}
#undef SURVEY_HEAD
#undef SURVEY_TAIL
	}
	free(pk.cum);
}

/* ------------------------------------------------------------------ main */

static const struct kind {
	const char *name, *header;
	void (*gen)(struct rng *, uint64_t, uint64_t);
} kinds[] = {
	{"customers", "customer_id,name,phone,email,status,created,city,"
	    "gender,birth_year,occupation", NULL},
	{"transactions", "customer_id,date,amount,order_id,product,channel",
	    gen_transactions},
	{"interactions", "id,ts,customer_id,channel,type,initiator,agent,"
	    "duration_s,outcome,satisfaction,next_action,note",
	    gen_interactions},
	{"complaints", "complaint_id,ts,event,customer_id,channel,agent,text",
	    gen_complaints},
	{"surveys", "customer_id,date,instrument,item,expectation,score,"
	    "channel,agent", gen_surveys},
	{"lineitems", "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,"
	    "UnitPrice,CustomerID,Country", gen_lineitems},
};

static void
usage(FILE *f)
{
	fputs("usage: crm-gen [--seed N] [--customers M] [--start DATE] "
	    "[--end DATE]\n"
	    "               [--format tsv|csv] [--campaigns N] KIND COUNT\n"
	    "\n"
	    "Write COUNT synthetic records of KIND, after a header line.  The\n"
	    "same options give the same bytes on every machine.\n"
	    "\n"
	    "  --seed N        random seed (default 1)\n"
	    "  --customers M   customers to draw from (default COUNT/10, at "
	    "least 1)\n"
	    "  --start DATE    first date, YYYY-MM-DD (default 2024-11-23)\n"
	    "  --end DATE      last date (default 2026-11-22)\n"
	    "  --format F      tsv (default) or csv\n"
	    "  --campaigns N   interactions: a campaign column, N campaigns in\n"
	    "                  turn over the range (1 to 100)\n"
	    "  --help          print this help\n"
	    "\n"
	    "Kinds and their columns:\n", f);
	for (size_t i = 0; i < NELEM(kinds); i++)
		fprintf(f, "  %-13s %s\n", kinds[i].name, kinds[i].header);
	fputs("\n"
	    "Ids: customers C000001.., orders O0000001.., interactions\n"
	    "I0000001.., complaints K0000001.., agents A01..A30.  The customers\n"
	    "kind writes C000001 to COUNT; the other kinds draw customers from\n"
	    "C000001 to M, and with the same seed they agree with 'customers M':\n"
	    "only customers with status customer or lost buy (C000001 when\n"
	    "none has either), never before their created date, and lost ones\n"
	    "bought nothing in the last 180 days.  A SERVQUAL\n"
	    "questionnaire is 22 survey rows, one per item.\n"
	    "\n"
	    "lineitems is an online retailer's export shaped like the UCI\n"
	    "Online Retail data set, one line per product of an invoice (COUNT\n"
	    "lines): invoices 536365.. of 1 to 30 lines (most short) in time\n"
	    "order, dated like 2010-12-01 08:26:00 (default range 2010-12-01\n"
	    "to 2011-12-09), customers 12346.0.. written as a spreadsheet\n"
	    "writes numbers (default M: COUNT/100), a few of them buying most,\n"
	    "no CustomerID on about 20% of the invoices, some invoices\n"
	    "cancelled (C536380: the lines of the customer's previous invoice\n"
	    "with negative Quantity), UnitPrice in pounds with 2 decimals (a\n"
	    "few with 3), Country mostly United Kingdom.  It does not follow\n"
	    "the customers kind.\n", f);
}

static void
die_usage(const char *fmt, const char *arg)
{
	fputs("crm-gen: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'crm-gen --help' for more information.\n", stderr);
	exit(2);
}

static uint64_t
parse_count(const char *s, const char *what, uint64_t max)
{
	char *end;
	unsigned long long v;
	if (*s < '0' || *s > '9')
		die_usage(what, s);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		die_usage(what, s);
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"campaigns", required_argument, NULL, 'k'},
		{"customers", required_argument, NULL, 'c'},
		{"end", required_argument, NULL, 'e'},
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{"seed", required_argument, NULL, 's'},
		{"start", required_argument, NULL, 'b'},
		{NULL, 0, NULL, 0},
	};
	const char *start_s = NULL, *end_s = NULL;
	uint64_t ncust = 0, count;
	int64_t start, end;
	const struct kind *kind = NULL;
	struct rng r;
	int ch;

	seed = 1;
	out.fmt = FMT_TSV;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			start_s = optarg;
			break;
		case 'c':
			ncust = parse_count(optarg,
			    "--customers: not a count from 1 to 100000000: '%s'",
			    MAX_CUSTOMERS);
			if (ncust == 0)
				die_usage("--customers: not a count from 1 to "
				    "100000000: '%s'", optarg);
			break;
		case 'e':
			end_s = optarg;
			break;
		case 'k':
			ncampaigns = (unsigned)parse_count(optarg,
			    "--campaigns: not a count from 1 to 100: '%s'", 100);
			if (ncampaigns == 0)
				die_usage("--campaigns: not a count from 1 to "
				    "100: '%s'", optarg);
			break;
		case 'f':
			if (!strcmp(optarg, "tsv"))
				out.fmt = FMT_TSV;
			else if (!strcmp(optarg, "csv"))
				out.fmt = FMT_CSV;
			else
				die_usage("--format: expected tsv or csv: '%s'",
				    optarg);
			break;
		case 'h':
			usage(stdout);
			if (fflush(stdout) == EOF || ferror(stdout)) {
				fprintf(stderr, "crm-gen: write error: %s\n",
				    strerror(errno));
				return 2;
			}
			return 0;
		case 's':
			seed = parse_count(optarg,
			    "--seed: not a number from 0 to 2^64-1: '%s'",
			    UINT64_MAX);
			break;
		case ':':
			die_usage("option needs a value: '%s'",
			    argv[optind - 1]);
			break;
		default:
			die_usage("unknown option: '%s'", argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;

	if (argc != 2)
		die_usage("expected KIND COUNT%s", "");
	for (size_t i = 0; i < NELEM(kinds); i++)
		if (!strcmp(argv[0], kinds[i].name))
			kind = &kinds[i];
	if (!kind)
		die_usage("unknown kind '%s' (expected customers, "
		    "transactions, interactions, complaints, surveys or "
		    "lineitems)", argv[0]);
	count = parse_count(argv[1],
	    "COUNT: not a count from 0 to 1000000000: '%s'", MAX_COUNT);
	if (kind->gen == gen_lineitems) {
		/* the UCI data's year */
		if (!start_s)
			start_s = "2010-12-01";
		if (!end_s)
			end_s = "2011-12-09";
		if (ncust == 0)
			ncust = count / 100 ? count / 100 : 1;
	}
	if (!start_s)
		start_s = "2024-11-23";
	if (!end_s)
		end_s = "2026-11-22";
	if (parse_date(start_s, &start) < 0)
		die_usage("--start: not a date YYYY-MM-DD: '%s'", start_s);
	if (parse_date(end_s, &end) < 0)
		die_usage("--end: not a date YYYY-MM-DD: '%s'", end_s);
	if (end < start)
		die_usage("--end is before --start: '%s'", end_s);
	if (end - start >= MAX_DAYS)
		die_usage("date range longer than 100 years: '%s'", end_s);
	if (ncust == 0)
		ncust = count / 10 ? count / 10 : 1;
	if (ncampaigns && kind->gen != gen_interactions)
		die_usage("--campaigns: for interactions only, not '%s'",
		    kind->name);

	dates_init(start, end);
	out.p = crm_xmalloc(CHUNK + SLACK);
	out.n = 0;
	for (const char *h = kind->header; *h; h++)
		out.p[out.n++] = *h == ',' && out.fmt == FMT_TSV ? '\t' : *h;
	if (ncampaigns) {
		memcpy(out.p + out.n, out.fmt == FMT_TSV ? "\tcampaign" :
		    ",campaign", 9);
		out.n += 9;
	}
	out_endrow();

	rng_seed(&r, seed, (uint64_t)(kind - kinds) + 1);
	rng_seed(&campaign_rng, seed, NELEM(kinds) + 1);
	if (count > 0) {
		if (kind->gen)
			kind->gen(&r, count, ncust);
		else
			gen_customers(&r, count);
	}
	out_flush();
	free(out.p);
	free(dates.str);
	return 0;
}
