/*
 * Unit tests for lib/nb: tokens, the scores and posteriors of a small
 * model, the modal cause and severity, the model file round trip and its
 * refusals, and k-fold evaluation.
 *
 * The expected scores were computed independently by this python3 script
 * (its own tokenizer: ASCII words lowercased, Han unigrams and bigrams):
 *
 *   import math, re
 *   train = [("delivery", "Parcel LATE again"),
 *            ("delivery", "courier lost my parcel"),
 *            ("billing", "charged twice on my card"),
 *            ("delivery", "包裹丢了"), ("billing", "多扣了钱，退款")]
 *   def toks(t):
 *       out = []
 *       for run in re.findall(r'[A-Za-z0-9]+|[\u4e00-\u9fff]+', t):
 *           if re.match(r'[A-Za-z0-9]', run): out.append(run.lower())
 *           else: out += list(run) + [run[i:i+2]
 *                                     for i in range(len(run) - 1)]
 *       return out
 *   classes = sorted(set(c for c, _ in train))
 *   V = sorted(set(w for _, t in train for w in toks(t)))
 *   cnt = {c: {} for c in classes}; tot = dict.fromkeys(classes, 0)
 *   nd = dict.fromkeys(classes, 0)
 *   for c, t in train:
 *       nd[c] += 1
 *       for w in toks(t):
 *           cnt[c][w] = cnt[c].get(w, 0) + 1; tot[c] += 1
 *   def score(c, t):
 *       s = math.log(nd[c] / len(train))
 *       for w in toks(t):
 *           if w in V:
 *               s += math.log((cnt[c].get(w, 0) + 1) / (tot[c] + len(V)))
 *       return s
 *
 * (and for the folds, the same fit on all texts but one, predicting the
 * one left out, "other" below a posterior of 0.5 or with no known token)
 * which gives V = 26, tokens billing 15, delivery 14, and the figures
 * below (posterior = exp(score) normalised over the two classes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nb.h"
#include "unit.h"
#include "util.h"

static char toks[512];

static void
collect(void *ctx, const char *t, size_t n)
{
	(void)ctx;
	if (*toks)
		strcat(toks, "|");
	strncat(toks, t, n);
}

static const char *
tokens(const char *text)
{
	toks[0] = '\0';
	crm_nb_tokens(text, strlen(text), collect, NULL);
	return toks;
}

static struct crm_nb_data *
data(void)
{
	struct crm_nb_data *d = crm_nb_data_new();

	crm_nb_data_add(d, "delivery", "Parcel LATE again", 17, "result",
	    "normal");
	crm_nb_data_add(d, "delivery", "courier lost my parcel", 22, "result",
	    "high");
	crm_nb_data_add(d, "billing", "charged twice on my card", 24, "", "");
	crm_nb_data_add(d, "delivery", "包裹丢了", strlen("包裹丢了"),
	    "process", "high");
	crm_nb_data_add(d, "billing", "多扣了钱，退款",
	    strlen("多扣了钱，退款"), "result", "");
	return d;
}

/* Write text to a temporary file and load it as a model. */
static struct crm_nb *
load_text(const char *text, char *err, size_t errlen)
{
	char path[] = "/tmp/test-nb-XXXXXX";
	int fd = mkstemp(path);
	struct crm_nb *m;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return NULL;
	close(fd);
	m = crm_nb_load(path, err, errlen);
	/* the messages name the file: keep only what follows it */
	if (!m) {
		size_t k = strlen(path);

		memmove(err, err + k, strlen(err + k) + 1);
	}
	unlink(path);
	return m;
}

int
main(void)
{
	struct crm_nb_data *d = data();
	struct crm_nb *m, *m2;
	struct crm_nb_guess g;
	struct crm_nb_eval e;
	struct crm_buf b, b2;
	char err[256];

	unit_streq(tokens("Don't PANIC: 42 Élan café"), "don|t|panic|42|élan|café",
	    "words, lowercased (ASCII and Latin-1), split at punctuation");
	unit_streq(tokens("刹车异响，4S店"), "刹|车|刹车|异|车异|响|异响|4s|店",
	    "CJK unigrams and bigrams, broken at punctuation and words");
	unit_streq(tokens("…！😀"), "", "punctuation and emoji are no tokens");
	unit_streq(tokens("a\xff" "b"), "a|b", "an invalid byte separates");

	m = crm_nb_train(d, 0, 0);
	UNIT_OK(m != NULL, "trained");
	unit_inteq(crm_nb_classes(m), 2, "two classes");
	unit_streq(crm_nb_label(m, 0), "billing", "classes in byte order");
	unit_inteq(crm_nb_vocabulary(m), 26, "26 tokens, as python counts");
	unit_near(crm_nb_score(m, 0, "late parcel card", 16), -11.363859751427,
	    1e-9, "score billing 'late parcel card'");
	unit_near(crm_nb_score(m, 1, "late parcel card", 16), -9.785704516880,
	    1e-9, "score delivery 'late parcel card'");
	unit_near(crm_nb_score(m, 0, "退款丢了", strlen("退款丢了")),
	    -20.425134409860, 1e-9, "score billing '退款丢了'");
	unit_near(crm_nb_score(m, 1, "退款丢了", strlen("退款丢了")),
	    -20.564660806770, 1e-9, "score delivery '退款丢了'");
	crm_nb_predict(m, "late parcel card", 16, &g);
	unit_streq(g.label, "delivery", "predicted delivery");
	unit_near(g.confidence, 0.828943095515, 1e-9, "its posterior");
	unit_streq(g.cause, "result", "delivery's modal cause");
	unit_streq(g.severity, "high", "delivery's modal severity");
	crm_nb_predict(m, "card card twice", 15, &g);
	unit_streq(g.label, "billing", "repeated tokens count each time");
	unit_near(g.confidence, 0.832004212021, 1e-9, "its posterior");
	unit_streq(g.cause, "result", "billing's one cause");
	unit_streq(g.severity, "", "billing had no severity");
	crm_nb_predict(m, "zebra", 5, &g);
	UNIT_OK(g.label == NULL && g.confidence == 0, "no known token: no guess");

	/* the file round trip gives the same file and the same figures */
	crm_buf_init(&b);
	crm_buf_init(&b2);
	crm_nb_format(m, &b);
	UNIT_OK(!strncmp(b.p, "# crmkit-nb 1\nkind\ttoken\tbilling\tdelivery\n"
	    "texts\t\t2\t3\ntokens\t\t15\t14\ncause\t\tresult\tresult\n"
	    "severity\t\t\thigh\nword\t42", 10), "file starts with the magic");
	m2 = load_text(b.p, err, sizeof err);
	UNIT_OK(m2 != NULL, "the written model loads");
	if (m2) {
		crm_nb_format(m2, &b2);
		unit_streq(b2.p, b.p, "and writes back the same");
		unit_near(crm_nb_score(m2, 1, "late parcel card", 16),
		    -9.785704516880, 1e-9, "loaded score as trained");
		crm_nb_free(m2);
	}

	/* refusals, with the line */
	UNIT_OK(!load_text("# crmkit-nb 2\n", err, sizeof err), "version 2");
	unit_streq(err, ":1: model version '2' is not supported (this program "
	    "reads version 1)", "names the version");
	UNIT_OK(!load_text("id\tx\n", err, sizeof err), "other file");
	unit_streq(err, ":1: not a crmkit-nb model (the first line is not "
	    "'# crmkit-nb 1')", "names the format");
	b.p[b.n - 6] = '\0';            /* cut inside the end line */
	UNIT_OK(!load_text(b.p, err, sizeof err), "truncated inside a line");
	UNIT_OK(strstr(err, ": truncated line (no newline at the end)") != NULL,
	    "truncated line");
	{
		char *nl = strrchr(b.p, '\n');

		nl[1] = '\0';           /* cut before the end line */
	}
	UNIT_OK(!load_text(b.p, err, sizeof err), "no end line");
	UNIT_OK(strstr(err, ": truncated model: the end line is missing") !=
	    NULL, "end missing");
	UNIT_OK(!load_text("# crmkit-nb 1\nkind\ttoken\ta\nt\n", err,
	    sizeof err), "short row");
	unit_streq(err, ":3: 1 fields, the header has 3", "field count");
	UNIT_OK(!load_text("# crmkit-nb 1\nkind\ttoken\ta\ntexts\t\t1\n"
	    "tokens\t\t3\ncause\t\t\nseverity\t\t\nword\tx\t2\nend\t1\n", err,
	    sizeof err), "tokens do not add up");
	unit_streq(err, ":8: tokens of class 'a' are 3, its words add up to 2",
	    "sums checked");
	UNIT_OK(!load_text("# crmkit-nb 1\nkind\ttoken\ta\ntexts\t\t1\n"
	    "tokens\t\t2\ncause\t\t\nseverity\t\tdire\n", err, sizeof err),
	    "bad severity");
	unit_streq(err, ":6: severity of class 'a': unknown severity 'dire'",
	    "severity checked");
	UNIT_OK(!load_text("# crmkit-nb 1\nkind\ttoken\ta\ntexts\t\t1\n"
	    "tokens\t\t2\ncause\t\t\nseverity\t\t\nword\ty\t1\nword\tx\t1\n"
	    "end\t2\n", err, sizeof err), "words out of order");
	unit_streq(err, ":8: word: 'x' is not after 'y' in byte order",
	    "order checked");
	crm_buf_release(&b);
	crm_buf_release(&b2);
	crm_nb_free(m);

	/* 5 folds of 5 texts: each text predicted by the other four; the
	 * script above, each text left out in turn, gives billing ->
	 * delivery twice, delivery -> billing once, delivery -> delivery
	 * twice */
	UNIT_OK(crm_nb_evaluate(d, 5, 0.5, &e) == 0, "evaluated");
	unit_inteq(e.n, 5, "five texts");
	unit_inteq(e.right, 2, "two right");
	unit_inteq(e.nlabels, 2, "billing and delivery");
	if (e.nlabels == 2) {
		unit_inteq(e.confusion[0], 0, "billing -> billing");
		unit_inteq(e.confusion[1], 2, "billing -> delivery");
		unit_inteq(e.confusion[2], 1, "delivery -> billing");
		unit_inteq(e.confusion[3], 2, "delivery -> delivery");
	}
	crm_nb_eval_release(&e);
	UNIT_OK(crm_nb_evaluate(d, 6, 0.5, &e) < 0, "more folds than texts");
	crm_nb_data_free(d);
	return unit_done();
}
