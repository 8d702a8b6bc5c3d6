/*
 * test-triage-split: rules of many branches are run branch by branch (and
 * a branch that is only its literal not run at all), which must give the
 * same answer as matching each rule's whole pattern.  Every rule's match
 * is checked against crm_re on the whole pattern, over texts that hold
 * each branch's literal with and without the rest of the branch, in both
 * cases, in Chinese and English, with back references (run whole) and
 * lookbehinds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "complaint.h"
#include "re.h"
#include "util.h"
#include "unit.h"

static const char *const pats[][2] = {
	{ "zh-food", "送餐(太|很)?慢|凉了|洒了|苍蝇|等了.{0,4}小时" },
	{ "en-broken", "(?i)\\bbroken\\b|stopped working|won'?t (start|turn on)|leak(s|ing)?\\b" },
	{ "en-pure", "(?i)overcharged|double charge|refund" },
	{ "zh-look", "曝光|(?<=找|联系)媒体|(?<!到|得)爆炸" },
	{ "backref", "(ab)x\\1|cdcd" },
	{ "named", "(?<w>ha)ha|hoho" },
};
#define NP (sizeof pats / sizeof pats[0])

static const char *const texts[] = {
	"送餐太慢，饭都凉了", "汤洒了一袋子", "米饭里有苍蝇", "等了两个小时",
	"等了两个多月小时", "送餐", "凉", "The phone is BROKEN", "brokenness",
	"It stopped working", "it won't start", "it wont turn on", "LEAKING oil",
	"leakage", "I was OVERCHARGED", "a double charge", "no refunds", "refun",
	"我要找媒体曝光", "找媒体", "联系媒体", "上媒体宣传", "服务差到爆炸",
	"电池爆炸了", "abxab", "abxba", "cdcd", "haha", "hah", "hoho", "",
	"nothing here at all", "ſtopped working",
};
#define NT (sizeof texts / sizeof texts[0])

/* Every line of path but comments and the header (its first field
 * "id"), tabs kept: *n lines. */
static char **
read_lines(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "r");
	char **v = NULL, *line = NULL;
	size_t cap = 0, av = 0;
	ssize_t len;

	*n = 0;
	if (!fp)
		return NULL;
	while ((len = getline(&line, &cap, fp)) >= 0) {
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (!len || line[0] == '#' || !strncmp(line, "id\t", 3))
			continue;
		crm_grow(&v, &av, *n + 1, sizeof *v);
		v[(*n)++] = crm_xstrdup(line);
	}
	free(line);
	fclose(fp);
	return v;
}

/* Field k (0-based) of a tab-separated line, in a static buffer. */
static const char *
field(const char *line, int k)
{
	static char buf[65536];
	const char *p = line, *e;

	for (; k > 0 && p; k--)
		if ((p = strchr(p, '\t')))
			p++;
	if (!p)
		return "";
	e = strchr(p, '\t');
	if (!e)
		e = p + strlen(p);
	snprintf(buf, sizeof buf, "%.*s", (int)(e - p), p);
	return buf;
}

/* The shipped rules, split into hundreds of branches and indexed by each
 * branch's literal (keyed on a three-byte character's own bytes), match
 * each corpus text, and each of its first halves, exactly as their whole
 * patterns do. */
static void
default_rules(void)
{
	char err[256];
	size_t nr, nt, bad, wrong = 0, runs = 0;
	char **rl = read_lines(CRM_SRCDIR "/share/complaint-rules.tsv", &nr);
	char **tl = read_lines(CRM_SRCDIR "/tests/fixtures/complaint/corpus.tsv",
	    &nt);
	struct crm_complaint_rules *rs = crm_complaint_rules_load(
	    CRM_SRCDIR "/share/complaint-rules.tsv", err, sizeof err);
	struct crm_re **w = crm_xcalloc(nr ? nr : 1, sizeof *w);
	unsigned char *got = crm_xcalloc(nr ? nr : 1, 1);

	UNIT_OK(rs != NULL && nr > 50 && nt > 300,
	    "the default rules and the corpus load");
	if (!rs)
		return;
	for (size_t i = 0; i < nr; i++)
		w[i] = crm_re_compile(field(rl[i], 1), 0, err, sizeof err);
	for (size_t t = 0; t < nt; t++) {
		char text[4096];

		snprintf(text, sizeof text, "%s", field(tl[t], 5));
		for (int half = 0; half < 2; half++) {
			size_t n = strlen(text);
			struct crm_complaint_triage out;

			if (half) {
				n /= 2;
				while (n && ((unsigned char)text[n] & 0xc0) == 0x80)
					n--;    /* a character boundary */
			}
			memset(got, 0, nr);
			if (crm_complaint_triage(rs, text, n, &out, &bad) < 0) {
				wrong++;
				continue;
			}
			for (size_t k = 0; k < out.nmatched; k++)
				got[out.matched[k]] = 1;
			for (size_t i = 0; i < nr; i++) {
				int want = w[i] && crm_re_match(w[i], text, n) == 1;

				runs++;
				if (want != got[i]) {
					wrong++;
					printf("# '%.*s': rule %s: split %d, "
					    "whole %d\n", (int)n, text,
					    field(rl[i], 0), got[i], want);
				}
			}
		}
	}
	unit_inteq((long long)wrong, 0,
	    "the default rules: each matches a corpus text exactly when its "
	    "whole pattern does");
	UNIT_OK(runs > 50000, "the default rules: every rule tried on every "
	    "text");
	for (size_t i = 0; i < nr; i++) {
		crm_re_free(w[i]);
		free(rl[i]);
	}
	for (size_t t = 0; t < nt; t++)
		free(tl[t]);
	free(rl);
	free(tl);
	free(w);
	free(got);
	crm_complaint_rules_free(rs);
}

int
main(void)
{
	char path[] = "/tmp/crm-split-XXXXXX", err[256];
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");
	struct crm_re *whole[NP];
	struct crm_complaint_rules *rs;
	size_t bad, wrong = 0;

	fprintf(fp, "id\tpattern\tcategory\tcause\tseverity\tweight\n");
	for (size_t i = 0; i < NP; i++) {
		fprintf(fp, "%s\t%s\tquality\tresult\tnormal\t%zu\n", pats[i][0],
		    pats[i][1], i);
		whole[i] = crm_re_compile(pats[i][1], 0, err, sizeof err);
	}
	fclose(fp);
	rs = crm_complaint_rules_load(path, err, sizeof err);
	unlink(path);
	UNIT_OK(rs != NULL, "the rules load");
	if (!rs)
		return unit_done();
	for (size_t t = 0; t < NT; t++) {
		struct crm_complaint_triage out;
		unsigned char got[NP] = { 0 };
		int rc = crm_complaint_triage(rs, texts[t], strlen(texts[t]), &out,
		    &bad);

		if (rc < 0) {
			wrong++;
			printf("# '%s': error %s\n", texts[t],
			    crm_complaint_rules_error(rs));
			continue;
		}
		for (size_t k = 0; k < out.nmatched; k++)
			got[out.matched[k]] = 1;
		for (size_t i = 0; i < NP; i++) {
			int want = crm_re_match(whole[i], texts[t],
			    strlen(texts[t])) == 1;
			if (want != got[i]) {
				wrong++;
				printf("# '%s': rule %s: split %d, whole %d\n",
				    texts[t], pats[i][0], got[i], want);
			}
		}
	}
	unit_inteq((long long)wrong, 0,
	    "each rule matches a text exactly when its whole pattern does");
	/* the same rules again on the same texts: no flag left behind */
	wrong = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t t = 0; t < NT; t++) {
			struct crm_complaint_triage out;
			crm_complaint_triage(rs, texts[t], strlen(texts[t]), &out,
			    &bad);
			for (size_t k = 0; k < out.nmatched; k++)
				if (crm_re_match(whole[out.matched[k]], texts[t],
				    strlen(texts[t])) != 1)
					wrong++;
		}
	unit_inteq((long long)wrong, 0,
	    "texts triaged again get the same matches (no stale candidates)");
	crm_complaint_rules_free(rs);
	for (size_t i = 0; i < NP; i++)
		crm_re_free(whole[i]);
	default_rules();
	return unit_done();
}
