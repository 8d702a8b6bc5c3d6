/*
 * nb: multinomial naive Bayes over words and CJK character n-grams, its
 * model file, and k-fold evaluation.  See nb.h.
 */
#include "nb.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds.h"
#include "rec.h"
#include "strmap.h"
#include "util.h"
#include "value.h"

/* ---- tokens ---- */

/* The code point at s[0..n) and its length; invalid bytes are one byte of
 * code point 0 (a separator). */
static unsigned
next_cp(const unsigned char *s, size_t n, size_t *len)
{
	size_t k = crm_utf8_valid((const char *)s, n < 4 ? n : 4);
	unsigned c = s[0];

	if (c < 0x80) {
		*len = 1;
		return c;
	}
	*len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (k < *len) {
		*len = 1;
		return 0;
	}
	if (*len == 2)
		return (c & 0x1fu) << 6 | (s[1] & 0x3fu);
	if (*len == 3)
		return (c & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);
	return (c & 0x07u) << 18 | (s[1] & 0x3fu) << 12 |
	    (s[2] & 0x3fu) << 6 | (s[3] & 0x3fu);
}

static int
is_cjk(unsigned c)
{
	return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) ||
	    (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x2ffff);
}

/* A letter or digit of a word (outside CJK): ASCII alphanumerics, and
 * non-ASCII letters roughly: not Latin-1 punctuation and signs, general
 * punctuation and symbols, CJK punctuation, fullwidth forms, emoji. */
static int
is_word(unsigned c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z');
	if (c < 0xc0 || c == 0xd7 || c == 0xf7)
		return 0;
	if ((c >= 0x2000 && c <= 0x2bff) || (c >= 0x3000 && c <= 0x303f) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xffef) ||
	    (c >= 0x1f000 && c <= 0x1faff))
		return 0;
	return 1;
}

void
crm_nb_tokens(const char *text, size_t n,
    void (*fn)(void *ctx, const char *tok, size_t len), void *ctx)
{
	const unsigned char *s = (const unsigned char *)text;
	struct crm_buf w;
	size_t i = 0, prev = 0, prevlen = 0;
	int incjk = 0;

	crm_buf_init(&w);
	while (i <= n) {
		size_t len = 1;
		unsigned c = i < n ? next_cp(s + i, n - i, &len) : 0;

		if (i < n && is_word(c) && !is_cjk(c)) {
			incjk = 0;
			if (c < 0x80 && c >= 'A' && c <= 'Z')
				crm_buf_addc(&w, (int)(c + 32));
			else if (len == 2 && c >= 0xc0 && c <= 0xde)
				/* Latin-1 capitals: the small letter is 0x20 on */
				crm_buf_add(&w, (const char[]){ (char)0xc3,
				    (char)(s[i + 1] + 0x20) }, 2);
			else
				crm_buf_add(&w, s + i, len);
			i += len;
			continue;
		}
		if (w.n) {
			fn(ctx, w.p, w.n);
			crm_buf_reset(&w);
		}
		if (i < n && is_cjk(c)) {
			fn(ctx, (const char *)s + i, len);
			if (incjk)
				fn(ctx, (const char *)s + prev, prevlen + len);
			incjk = 1;
			prev = i;
			prevlen = len;
		} else {
			incjk = 0;
		}
		i += len;
	}
	crm_buf_release(&w);
}

/* ---- labelled texts ---- */

struct row {
	char *label, *text, *cause, *severity;
	size_t n;
};

struct crm_nb_data {
	struct row *r;
	size_t n, alloc;
};

struct crm_nb_data *
crm_nb_data_new(void)
{
	return crm_xcalloc(1, sizeof(struct crm_nb_data));
}

void
crm_nb_data_free(struct crm_nb_data *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->r[i].label);
		free(d->r[i].text);
		free(d->r[i].cause);
		free(d->r[i].severity);
	}
	free(d->r);
	free(d);
}

void
crm_nb_data_add(struct crm_nb_data *d, const char *label, const char *text,
    size_t n, const char *cause, const char *severity)
{
	struct row *r;

	crm_grow(&d->r, &d->alloc, d->n + 1, sizeof *d->r);
	r = &d->r[d->n++];
	r->label = crm_xstrdup(label);
	r->text = crm_xstrndup(text, n);
	r->n = n;
	r->cause = crm_xstrdup(cause ? cause : "");
	r->severity = crm_xstrdup(severity ? severity : "");
}

size_t
crm_nb_data_count(const struct crm_nb_data *d)
{
	return d->n;
}

/* ---- the model ---- */

struct crm_nb {
	size_t nc;
	char **label, **cause, **severity;
	int64_t *texts, *tokens, ntexts;
	struct crm_strmap vocab;        /* token -> slot */
	int64_t *count;                 /* [slot * nc + c] */
	size_t aslots;                  /* slots count has room for */
	double *prior;                  /* log P(c) */
	double *logp;                   /* log P(w | c), [slot * nc + c] */
};

static struct crm_nb *
nb_new(size_t nc)
{
	struct crm_nb *m = crm_xcalloc(1, sizeof *m);

	m->nc = nc;
	m->label = crm_xcalloc(nc, sizeof *m->label);
	m->cause = crm_xcalloc(nc, sizeof *m->cause);
	m->severity = crm_xcalloc(nc, sizeof *m->severity);
	m->texts = crm_xcalloc(nc, sizeof *m->texts);
	m->tokens = crm_xcalloc(nc, sizeof *m->tokens);
	m->prior = crm_xcalloc(nc, sizeof *m->prior);
	crm_strmap_init(&m->vocab);
	return m;
}

void
crm_nb_free(struct crm_nb *m)
{
	if (!m)
		return;
	for (size_t c = 0; c < m->nc; c++) {
		free(m->label[c]);
		free(m->cause[c]);
		free(m->severity[c]);
	}
	free(m->label);
	free(m->cause);
	free(m->severity);
	free(m->texts);
	free(m->tokens);
	free(m->prior);
	free(m->count);
	free(m->logp);
	crm_strmap_release(&m->vocab);
	free(m);
}

size_t
crm_nb_classes(const struct crm_nb *m)
{
	return m->nc;
}

const char *
crm_nb_label(const struct crm_nb *m, size_t i)
{
	return i < m->nc ? m->label[i] : "";
}

size_t
crm_nb_vocabulary(const struct crm_nb *m)
{
	return crm_strmap_count(&m->vocab);
}

/* The slot of token t, added with zero counts when new. */
static size_t
vocab_add(struct crm_nb *m, const char *t, size_t n)
{
	int isnew;
	size_t s = crm_strmap_add(&m->vocab, t, n, &isnew);

	if (s >= m->aslots) {
		size_t want = m->aslots ? 2 * m->aslots : 256;

		m->count = crm_xrealloc(m->count, crm_mulsz(crm_mulsz(want,
		    m->nc), sizeof *m->count));
		memset(m->count + m->aslots * m->nc, 0,
		    (want - m->aslots) * m->nc * sizeof *m->count);
		m->aslots = want;
	}
	return s;
}

/* The log-probabilities from the counts. */
static void
nb_ready(struct crm_nb *m)
{
	size_t v = crm_strmap_count(&m->vocab);

	free(m->logp);
	m->logp = crm_xmalloc(crm_mulsz(crm_mulsz(v ? v : 1, m->nc),
	    sizeof *m->logp));
	for (size_t c = 0; c < m->nc; c++) {
		double den = (double)m->tokens[c] + (double)v;

		m->prior[c] = log((double)m->texts[c] / (double)m->ntexts);
		for (size_t s = 0; s < v; s++)
			m->logp[s * m->nc + c] = log(((double)m->count[s *
			    m->nc + c] + 1.0) / den);
	}
}

static int
by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct train_ctx {
	struct crm_nb *m;
	size_t c;
};

static void
train_tok(void *ctx, const char *t, size_t n)
{
	struct train_ctx *x = ctx;
	size_t s = vocab_add(x->m, t, n);

	x->m->count[s * x->m->nc + x->c]++;
	x->m->tokens[x->c]++;
}

/* The most common non-empty value of field (0 cause, 1 severity) over the
 * rows of class label, ties to the first in byte order; "" when none. */
static char *
modal(const struct crm_nb_data *d, const unsigned char *in, const char *label,
    int field)
{
	struct crm_strmap vals;
	const char *best = "";
	size_t bestn = 0;
	char *r;

	crm_strmap_init(&vals);
	for (size_t i = 0; i < d->n; i++) {
		const char *v = field ? d->r[i].severity : d->r[i].cause;

		if (in[i] && *v && !strcmp(d->r[i].label, label)) {
			size_t j = crm_strmap_add(&vals, v, strlen(v), NULL);

			vals.slot[j].val++;
		}
	}
	for (size_t j = 0; j < crm_strmap_count(&vals); j++) {
		const struct crm_strmap_slot *sl = &vals.slot[j];

		if (sl->val > bestn || (sl->val == bestn &&
		    strcmp(sl->key, best) < 0)) {
			best = sl->key;
			bestn = sl->val;
		}
	}
	r = crm_xstrdup(best);
	crm_strmap_release(&vals);
	return r;
}

struct crm_nb *
crm_nb_train(const struct crm_nb_data *d, size_t k, size_t fold)
{
	struct crm_strmap labs;
	struct crm_nb *m;
	unsigned char *in = crm_xcalloc(d->n + 1, 1);
	char **sorted;
	size_t nl, used = 0;

	crm_strmap_init(&labs);
	for (size_t i = 0; i < d->n; i++) {
		in[i] = k == 0 || i % k != fold;
		if (in[i]) {
			crm_strmap_add(&labs, d->r[i].label,
			    strlen(d->r[i].label), NULL);
			used++;
		}
	}
	if (used == 0) {
		crm_strmap_release(&labs);
		free(in);
		return NULL;
	}
	nl = crm_strmap_count(&labs);
	sorted = crm_xmalloc(crm_mulsz(nl, sizeof *sorted));
	for (size_t i = 0; i < nl; i++)
		sorted[i] = (char *)labs.slot[i].key;
	qsort(sorted, nl, sizeof *sorted, by_str);
	m = nb_new(nl);
	for (size_t i = 0; i < nl; i++) {
		m->label[i] = crm_xstrdup(sorted[i]);
		labs.slot[crm_strmap_find(&labs, sorted[i],
		    strlen(sorted[i]))].val = i;
	}
	free(sorted);
	for (size_t i = 0; i < d->n; i++) {
		struct train_ctx x;

		if (!in[i])
			continue;
		x.m = m;
		x.c = labs.slot[crm_strmap_find(&labs, d->r[i].label,
		    strlen(d->r[i].label))].val;
		m->texts[x.c]++;
		m->ntexts++;
		crm_nb_tokens(d->r[i].text, d->r[i].n, train_tok, &x);
	}
	for (size_t c = 0; c < nl; c++) {
		m->cause[c] = modal(d, in, m->label[c], 0);
		m->severity[c] = modal(d, in, m->label[c], 1);
	}
	crm_strmap_release(&labs);
	free(in);
	nb_ready(m);
	return m;
}

struct score_ctx {
	const struct crm_nb *m;
	double *s;
	size_t known;
};

static void
score_tok(void *ctx, const char *t, size_t n)
{
	struct score_ctx *x = ctx;
	size_t slot = crm_strmap_find(&x->m->vocab, t, n);

	if (slot == CRM_STRMAP_NONE)
		return;
	x->known++;
	for (size_t c = 0; c < x->m->nc; c++)
		x->s[c] += x->m->logp[slot * x->m->nc + c];
}

/* Scores of every class into s[0..nc); returns the known tokens. */
static size_t
scores(const struct crm_nb *m, const char *text, size_t n, double *s)
{
	struct score_ctx x = { m, s, 0 };

	for (size_t c = 0; c < m->nc; c++)
		s[c] = m->prior[c];
	crm_nb_tokens(text, n, score_tok, &x);
	return x.known;
}

double
crm_nb_score(const struct crm_nb *m, size_t c, const char *text, size_t n)
{
	double *s = crm_xmalloc(crm_mulsz(m->nc, sizeof *s)), r;

	r = c < m->nc && scores(m, text, n, s) ? s[c] : -INFINITY;
	free(s);
	return r;
}

void
crm_nb_predict(const struct crm_nb *m, const char *text, size_t n,
    struct crm_nb_guess *g)
{
	double *s = crm_xmalloc(crm_mulsz(m->nc, sizeof *s)), sum = 0;
	size_t best = 0;

	g->label = NULL;
	g->cause = g->severity = "";
	g->confidence = 0;
	if (scores(m, text, n, s) == 0) {
		free(s);
		return;
	}
	for (size_t c = 1; c < m->nc; c++)
		if (s[c] > s[best])
			best = c;
	for (size_t c = 0; c < m->nc; c++)
		sum += exp(s[c] - s[best]);
	g->label = m->label[best];
	g->cause = m->cause[best];
	g->severity = m->severity[best];
	g->confidence = 1.0 / sum;
	free(s);
}

/* ---- the model file ---- */

static int
by_key(const void *a, const void *b, void *arg)
{
	const struct crm_strmap *v = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return strcmp(v->slot[x].key, v->slot[y].key);
}

void
crm_nb_format(const struct crm_nb *m, struct crm_buf *b)
{
	size_t v = crm_strmap_count(&m->vocab);
	size_t *ord = crm_xmalloc(crm_mulsz(v ? v : 1, sizeof *ord));
	static const char *const rows[] = { "texts", "tokens", "cause",
		"severity" };

	crm_buf_adds(b, CRM_NB_MAGIC "\nkind\ttoken");
	for (size_t c = 0; c < m->nc; c++)
		crm_buf_addf(b, "\t%s", m->label[c]);
	crm_buf_addc(b, '\n');
	for (int r = 0; r < 4; r++) {
		crm_buf_addf(b, "%s\t", rows[r]);
		for (size_t c = 0; c < m->nc; c++) {
			if (r < 2)
				crm_buf_addf(b, "\t%lld", (long long)(r ?
				    m->tokens[c] : m->texts[c]));
			else
				crm_buf_addf(b, "\t%s", r == 2 ? m->cause[c] :
				    m->severity[c]);
		}
		crm_buf_addc(b, '\n');
	}
	for (size_t s = 0; s < v; s++)
		ord[s] = s;
	qsort_r(ord, v, sizeof *ord, by_key, (void *)&m->vocab);
	for (size_t i = 0; i < v; i++) {
		size_t s = ord[i];

		crm_buf_addf(b, "word\t%s", m->vocab.slot[s].key);
		for (size_t c = 0; c < m->nc; c++)
			crm_buf_addf(b, "\t%lld",
			    (long long)m->count[s * m->nc + c]);
		crm_buf_addc(b, '\n');
	}
	crm_buf_addf(b, "end\t%zu\n", v);
	free(ord);
}

struct crm_nb *
crm_nb_load(const char *path, char *err, size_t errlen)
{
	static const char *const rows[] = { "texts", "tokens", "cause",
		"severity" };
	FILE *fp;
	struct crm_nb *m = NULL;
	char *line = NULL, **f = NULL, *prev = NULL;
	size_t cap = 0, nf, maxf = 0, words = 0;
	int64_t *sum = NULL;
	long lineno = 0;
	ssize_t len;
	int ended = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
#define BAD(...) do { int k_ = snprintf(err, errlen, "%s:%ld: ", path, \
	lineno); if (k_ >= 0 && (size_t)k_ < errlen) snprintf(err + k_, \
	errlen - (size_t)k_, __VA_ARGS__); goto bad; } while (0)
	while ((len = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		if (len == 0 || line[len - 1] != '\n')
			BAD("truncated line (no newline at the end)");
		line[--len] = '\0';
		if (ended)
			BAD("text after the end line");
		if (crm_utf8_valid(line, (size_t)len) != (size_t)len)
			BAD("invalid UTF-8");
		if (lineno == 1) {
			if (!strcmp(line, CRM_NB_MAGIC))
				continue;
			if (!strncmp(line, "# crmkit-nb ", 12))
				BAD("model version '%s' is not supported (this "
				    "program reads version 1)", line + 12);
			BAD("not a crmkit-nb model (the first line is not "
			    "'%s')", CRM_NB_MAGIC);
		}
		if (lineno == 2) {
			size_t n = 1;

			for (const char *p = line; *p; p++)
				n += *p == '\t';
			f = crm_xmalloc(crm_mulsz(n + 1, sizeof *f));
			maxf = n + 1;
			nf = crm_tsv_split_nul(line, f, maxf);
			if (nf < 3 || strcmp(f[0], "kind") || strcmp(f[1],
			    "token"))
				BAD("header: not 'kind, token, CLASS...'");
			m = nb_new(nf - 2);
			sum = crm_xcalloc(m->nc, sizeof *sum);
			for (size_t c = 0; c < m->nc; c++) {
				if (!*f[c + 2])
					BAD("header: empty class label");
				if (c && strcmp(f[c + 1], f[c + 2]) >= 0)
					BAD("header: class labels not in byte "
					    "order: '%s' after '%s'", f[c + 2],
					    f[c + 1]);
				m->label[c] = crm_xstrdup(f[c + 2]);
			}
			continue;
		}
		nf = crm_tsv_split_nul(line, f, maxf);
		if (lineno > 6 && nf == 2 && !strcmp(f[0], "end")) {
			int64_t x;

			if (crm_int_parse(f[1], strlen(f[1]), 0, INT64_MAX,
			    &x) || (size_t)x != words)
				BAD("end: the file has %zu word rows, the end "
				    "line says '%s'", words, f[1]);
			for (size_t c = 0; c < m->nc; c++)
				if (sum[c] != m->tokens[c])
					BAD("tokens of class '%s' are %lld, its "
					    "words add up to %lld", m->label[c],
					    (long long)m->tokens[c],
					    (long long)sum[c]);
			ended = 1;
			continue;
		}
		if (nf != m->nc + 2)
			BAD("%zu fields, the header has %zu", nf, m->nc + 2);
		if (lineno <= 6) {
			int r = (int)(lineno - 3);

			if (strcmp(f[0], rows[r]) || *f[1])
				BAD("expected the %s row", rows[r]);
			for (size_t c = 0; c < m->nc; c++) {
				const char *v = f[c + 2];
				int64_t x;

				if (r < 2) {
					const char *why = crm_int_parse(v,
					    strlen(v), r ? 0 : 1, INT64_MAX / 2,
					    &x);

					if (why)
						BAD("%s of class '%s': %s '%s'",
						    rows[r], m->label[c], why, v);
					if (r)
						m->tokens[c] = x;
					else
						m->texts[c] = x, m->ntexts += x;
					continue;
				}
				if (*v && crm_vocab_index(r == 2 ?
				    crm_vocab_cause : crm_vocab_severity, v,
				    strlen(v)) < 0)
					BAD("%s of class '%s': unknown %s '%s'",
					    rows[r], m->label[c], rows[r], v);
				if (r == 2)
					m->cause[c] = crm_xstrdup(v);
				else
					m->severity[c] = crm_xstrdup(v);
			}
			continue;
		}
		if (strcmp(f[0], "word"))
			BAD("unknown row '%s'", f[0]);
		if (!*f[1])
			BAD("word: empty token");
		if (prev && strcmp(prev, f[1]) >= 0)
			BAD("word: '%s' is not after '%s' in byte order",
			    f[1], prev);
		{
			size_t s = vocab_add(m, f[1], strlen(f[1]));

			for (size_t c = 0; c < m->nc; c++) {
				const char *v = f[c + 2], *why;
				int64_t x;

				if ((why = crm_int_parse(v, strlen(v), 0,
				    INT64_MAX / 2, &x)) != NULL)
					BAD("word '%s', class '%s': %s '%s'",
					    f[1], m->label[c], why, v);
				m->count[s * m->nc + c] = x;
				if (sum[c] > INT64_MAX / 2 - x)
					BAD("word '%s': counts too large", f[1]);
				sum[c] += x;
			}
			prev = (char *)m->vocab.slot[s].key;
			words++;
		}
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: read error", path);
		goto bad;
	}
	lineno++;
	if (lineno == 1)
		BAD("empty file, not a crmkit-nb model");
	if (!ended)
		BAD("truncated model: the end line is missing");
#undef BAD
	free(line);
	free(f);
	free(sum);
	fclose(fp);
	nb_ready(m);
	return m;
bad:
	free(line);
	free(f);
	free(sum);
	fclose(fp);
	crm_nb_free(m);
	return NULL;
}

/* ---- k-fold evaluation ---- */

int
crm_nb_evaluate(const struct crm_nb_data *d, size_t k, double min_conf,
    struct crm_nb_eval *e)
{
	struct crm_strmap labs;
	size_t *truth, *pred, *rank;
	char **sorted;

	memset(e, 0, sizeof *e);
	if (k < 2 || k > d->n)
		return -1;
	crm_strmap_init(&labs);
	truth = crm_xmalloc(crm_mulsz(d->n, sizeof *truth));
	pred = crm_xmalloc(crm_mulsz(d->n, sizeof *pred));
	for (size_t i = 0; i < d->n; i++)
		truth[i] = crm_strmap_add(&labs, d->r[i].label,
		    strlen(d->r[i].label), NULL);
	for (size_t f = 0; f < k; f++) {
		struct crm_nb *m = crm_nb_train(d, k, f);

		for (size_t i = f; i < d->n; i += k) {
			struct crm_nb_guess g = { NULL, "", "", 0 };
			const char *p;

			if (m)
				crm_nb_predict(m, d->r[i].text, d->r[i].n, &g);
			p = g.label && g.confidence >= min_conf ? g.label :
			    "other";
			pred[i] = crm_strmap_add(&labs, p, strlen(p), NULL);
		}
		crm_nb_free(m);
	}
	e->k = k;
	e->n = d->n;
	e->nlabels = crm_strmap_count(&labs);
	sorted = crm_xmalloc(crm_mulsz(e->nlabels, sizeof *sorted));
	for (size_t i = 0; i < e->nlabels; i++)
		sorted[i] = (char *)labs.slot[i].key;
	qsort(sorted, e->nlabels, sizeof *sorted, by_str);
	rank = crm_xmalloc(crm_mulsz(e->nlabels, sizeof *rank));
	e->labels = crm_xmalloc(crm_mulsz(e->nlabels, sizeof *e->labels));
	for (size_t i = 0; i < e->nlabels; i++) {
		e->labels[i] = crm_xstrdup(sorted[i]);
		rank[crm_strmap_find(&labs, sorted[i], strlen(sorted[i]))] = i;
	}
	e->confusion = crm_xcalloc(crm_mulsz(e->nlabels, e->nlabels),
	    sizeof *e->confusion);
	for (size_t i = 0; i < d->n; i++) {
		e->confusion[rank[truth[i]] * e->nlabels + rank[pred[i]]]++;
		e->right += truth[i] == pred[i];
	}
	free(sorted);
	free(rank);
	free(truth);
	free(pred);
	crm_strmap_release(&labs);
	return 0;
}

void
crm_nb_eval_release(struct crm_nb_eval *e)
{
	for (size_t i = 0; i < e->nlabels; i++)
		free(e->labels[i]);
	free(e->labels);
	free(e->confusion);
	memset(e, 0, sizeof *e);
}
