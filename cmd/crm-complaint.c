/*
 * crm-complaint: record, triage, update and list complaints, and re-key the
 * complaint log's customer ids after identity resolution.  The complaint
 * log is append-only events (lib/store.h); states come from the fold in
 * lib/complaint.h, triage from its rule engine.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "custattr.h"
#include "complaint.h"
#include "idmap.h"
#include "kinds.h"
#include "nb.h"
#include "normalize.h"
#include "out.h"
#include "rec.h"
#include "store.h"
#include "strmap.h"
#include "table.h"
#include "util.h"
#include "value.h"

static void usage(FILE *) __attribute__((noreturn));

static void
usage(FILE *fp)
{
	crm_cli_usage(fp == stdout ? CRM_EXIT_OK : CRM_EXIT_FATAL, "usage: crm-complaint open -c CUSTOMER --text TEXT [--agent A] "
	    "[--channel CH]\n"
	    "           [--customers FILE] [--excel-safe] [--format F] "
	    "[--segments FILE]\n"
	    "           [--ts T] [-f FILE] [COMMON]\n"
	    "       crm-complaint triage [--excel-safe] [--format F] "
	    "[--segments FILE] [COMMON]\n"
	    "           [FILE]\n"
	    "       crm-complaint update ID --event "
	    "assign|respond|resolve|reopen|close\n"
	    "           [--agent A] [--note TEXT] [--satisfaction 1-5] "
	    "[--ts T] [-f FILE] [COMMON]\n"
	    "       crm-complaint update ID --event classify [--category C] "
	    "[--cause X]\n"
	    "           [--severity S] [--segments FILE] [--note TEXT] "
	    "[--ts T] [-f FILE] [COMMON]\n"
	    "       crm-complaint list [--open] [--overdue] [--as-of T] "
	    "[--category C]\n"
	    "           [--customer ID] [--excel-safe] [--format F] [-f FILE] "
	    "[COMMON]\n"
	    "       crm-complaint learn [-o MODEL] [--evaluate K] "
	    "[--min-confidence P] [FILE...]\n"
	    "       crm-complaint rekey --id-map FILE [-f FILE]\n"
	    "COMMON: [--policy FILE] [--sla KEY=VALUE] [--rules FILE]... "
	    "[--no-default-rules]\n"
	    "        [--model MODEL] [--min-confidence P] [--match-limit N]\n");
}

enum {
	O_AGENT = 256, O_ASOF, O_CATEGORY, O_CAUSE, O_CHANNEL, O_CUSTOMER, O_CUSTOMERS,
	O_EVALUATE, O_EVENT, O_EXCEL, O_FORMAT, O_HELP, O_IDMAP, O_LIMIT,
	O_MINCONF,
	O_MODEL, O_NODEFAULT, O_NOTE, O_OPEN, O_OVERDUE,
	O_POLICY, O_RULES, O_SAT, O_SEGMENTS, O_SEVERITY, O_SLA, O_TEXT, O_TS, O_VERSION
};

static const struct option longopts[] = {
	{ "agent", required_argument, NULL, O_AGENT },
	{ "as-of", required_argument, NULL, O_ASOF },
	{ "category", required_argument, NULL, O_CATEGORY },
	{ "cause", required_argument, NULL, O_CAUSE },
	{ "channel", required_argument, NULL, O_CHANNEL },
	{ "customer", required_argument, NULL, O_CUSTOMER },
	{ "customers", required_argument, NULL, O_CUSTOMERS },
	{ "evaluate", required_argument, NULL, O_EVALUATE },
	{ "event", required_argument, NULL, O_EVENT },
	{ "excel-safe", no_argument, NULL, O_EXCEL },
	{ "file", required_argument, NULL, 'f' },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "help", no_argument, NULL, O_HELP },
	{ "id-map", required_argument, NULL, O_IDMAP },
	{ "match-limit", required_argument, NULL, O_LIMIT },
	{ "min-confidence", required_argument, NULL, O_MINCONF },
	{ "model", required_argument, NULL, O_MODEL },
	{ "no-default-rules", no_argument, NULL, O_NODEFAULT },
	{ "note", required_argument, NULL, O_NOTE },
	{ "open", no_argument, NULL, O_OPEN },
	{ "output", required_argument, NULL, 'o' },
	{ "overdue", no_argument, NULL, O_OVERDUE },
	{ "policy", required_argument, NULL, O_POLICY },
	{ "rules", required_argument, NULL, O_RULES },
	{ "satisfaction", required_argument, NULL, O_SAT },
	{ "segments", required_argument, NULL, O_SEGMENTS },
	{ "severity", required_argument, NULL, O_SEVERITY },
	{ "sla", required_argument, NULL, O_SLA },
	{ "text", required_argument, NULL, O_TEXT },
	{ "ts", required_argument, NULL, O_TS },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	const char *agent, *asof, *category, *cause, *channel, *customer,
	    *customers, *event, *file, *format, *idmap, *note, *policy, *sat,
	    *segments,
	    *severity, *text, *ts;
	const char *sla[32];
	const char **rules;     /* --rules, in order */
	const char *model, *output;
	int excel_safe, nsla, nrules, no_default_rules, open, overdue;
	unsigned long limit;
	long evaluate;
	double min_conf;
};

static int status = CRM_EXIT_OK;
static struct crm_complaint_policy policy;

/* ---------------------------------------------------------- customers */

/* A customer's complaints in triage: their times, sorted, by the
 * customer's slot in a crm_strmap. */
struct seen {
	size_t n;
	int64_t *t;
};

/* Is the NUL-terminated key in m? */
static int
has(const struct crm_strmap *m, const char *key)
{
	return crm_strmap_find(m, key, strlen(key)) != CRM_STRMAP_NONE;
}

static void
add(struct crm_strmap *m, const char *key)
{
	crm_strmap_add(m, key, strlen(key), NULL);
}

/* A bad field of --customers, told when it is the complaint's customer's
 * (ctx): the other customers are none of this complaint's business. */
static void
customers_bad(void *ctx, const char *msg, const char *id)
{
	/* a line that cannot be read is said, never dropped unsaid (it may
	 * be the customer's own), and the exit status stays that of the
	 * append; of the lines read, only the customer's own concern us */
	if (!id || !strcmp(id, ctx))
		warnx("%s", msg);
}

/* ------------------------------------------------------------- helpers */

static void
warn_msg(void *ctx, const char *msg)
{
	(void)ctx;
	warnx("%s", msg);
	status = CRM_EXIT_REJECT;
}

/* The default rules (unless --no-default-rules), then each --rules file
 * on top, in the order given. */
static struct crm_complaint_rules *
load_rules(const struct opts *o)
{
	struct crm_complaint_rules *rs = crm_complaint_rules_new();
	char err[512];

	if (o->no_default_rules && o->nrules == 0 && !o->model)
		errx(CRM_EXIT_FATAL, "--no-default-rules needs --rules FILE "
		    "or --model FILE");
	if (o->limit)
		crm_complaint_rules_limit(rs, o->limit);
	if (!o->no_default_rules) {
		struct crm_buf b;

		crm_buf_init(&b);
		crm_buf_addf(&b, "%s/complaint-rules.tsv", crm_cli_datadir());
		if (crm_complaint_rules_add(rs, b.p, err, sizeof err) < 0)
			errx(CRM_EXIT_FATAL, "%s", err);
		crm_buf_release(&b);
	}
	for (int i = 0; i < o->nrules; i++)
		if (crm_complaint_rules_add(rs, o->rules[i], err,
		    sizeof err) < 0)
			errx(CRM_EXIT_FATAL, "%s", err);
	return rs;
}

/* The --model, or NULL. */
static struct crm_nb *
load_model(const struct opts *o)
{
	struct crm_nb *m;
	char err[512];

	if (!o->model)
		return NULL;
	if ((m = crm_nb_load(o->model, err, sizeof err)) == NULL)
		errx(CRM_EXIT_FATAL, "%s", err);
	return m;
}

static void
load_policy(const struct opts *o)
{
	char err[512];
	const char *why;

	crm_complaint_policy_init(&policy);
	if (o->policy && crm_complaint_policy_load(&policy, o->policy, err,
	    sizeof err) < 0)
		errx(CRM_EXIT_FATAL, "%s", err);
	for (int i = 0; i < o->nsla; i++)
		if ((why = crm_complaint_policy_set(&policy, o->sla[i])))
			errx(CRM_EXIT_FATAL, "--sla: %s '%s'", why, o->sla[i]);
}

/*
 * Open a file of records that may be a store file (a customers file that
 * crm-import --append writes, a complaint log to learn from): read, as
 * crm-report and crm-segment read every input, up to its last whole line
 * as of opening, so that a torn tail or an append in progress is not
 * taken for a record.  input_close says the torn tail, if any.
 */
static struct crm_reader *
input_open(const char *path, char *err, size_t errlen)
{
	struct crm_read_opts ro = { .format = CRM_IN_AUTO, .store = 1 };

	return crm_reader_open(path, &ro, err, errlen);
}

static void
input_close(struct crm_reader *r)
{
	crm_reader_torn_warn(r);
	crm_reader_close(r);
}

/* Customers of a crm-segment output whose tier is platinum or gold. */
static void
load_tiers(const char *path, struct crm_strmap *top)
{
	struct crm_reader *r;
	struct crm_rec rec;
	char err[512];
	int cid, tier, rc;

	if ((r = input_open(path, err, sizeof err)) == NULL)
		errx(CRM_EXIT_FATAL, "%s", err);
	cid = crm_reader_col(r, "customer_id");
	tier = crm_reader_col(r, "tier");
	if (cid < 0 || tier < 0)
		errx(CRM_EXIT_FATAL, "%s: no %s column", path,
		    cid < 0 ? "customer_id" : "tier");
	while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF) {
		if (rc == CRM_READ_FATAL)
			errx(CRM_EXIT_FATAL, "%s", crm_reader_error(r));
		if (rc == CRM_READ_BAD) {
			warn_msg(NULL, crm_reader_error(r));
			continue;
		}
		if ((size_t)cid < rec.nf && (size_t)tier < rec.nf &&
		    (!strcmp(rec.f[tier].p, "platinum") ||
		    !strcmp(rec.f[tier].p, "gold")))
			add(top, rec.f[cid].p);
	}
	input_close(r);
}

static int
parse_ts(const char *opt, const char *s, int64_t *t, int *off)
{
	const char *why;

	if (s) {
		if ((why = crm_ts_parse(s, strlen(s), CRM_TS_LOCAL, t, off)))
			errx(CRM_EXIT_FATAL, "%s: %s '%s'", opt, why, s);
		return 1;
	}
	if ((why = crm_now(t, off)) != NULL)
		errx(CRM_EXIT_FATAL, "CRM_AS_OF: %s '%s'", why,
		    getenv("CRM_AS_OF") ? getenv("CRM_AS_OF") : "");
	return 0;
}

static void
fmt_ts(int64_t t, int off, char out[32])
{
	if (t == CRM_COMPLAINT_NOTIME)
		out[0] = '\0';
	else
		crm_ts_format(t, off, out);
}

static void
join_matched(const struct crm_complaint_rules *rs,
    const struct crm_complaint_triage *tr, struct crm_buf *b)
{
	crm_buf_reset(b);
	for (size_t i = 0; i < tr->nmatched; i++) {
		if (i)
			crm_buf_addc(b, ',');
		crm_buf_adds(b, crm_complaint_rule_id(rs, tr->matched[i]));
	}
}

/*
 * JSON Lines writes numbers bare: the number columns of the complaints
 * kind (priority, satisfaction) and the figures the commands add
 * (confidence, repeat); a value that is not a number stays a string.
 */
static void
mark_numbers(struct crm_writer *w, const char *const *names, size_t n)
{
	const struct crm_kind *k = crm_kind_find("complaints");

	for (size_t i = 0; i < n; i++)
		crm_writer_numeric(w, i, crm_kind_col_number(k, names[i]) ||
		    !strcmp(names[i], "confidence") ||
		    !strcmp(names[i], "repeat"));
}

static int
out_format(const char *s, int table_ok)
{
	int f;

	if (!s)
		return table_ok && crm_cli_stdout_tty() ? -2 : CRM_FMT_TSV;
	if (table_ok && !strcmp(s, "table"))
		return -2;
	if ((f = crm_fmt_parse(s)) < 0)
		errx(CRM_EXIT_FATAL, "--format: unknown format '%s'", s);
	return f;
}

/* The complaint log: its path and the store, locked (but for a reader,
 * CRM_STORE_RDONLY, which only opens it: the fold's reader takes the
 * shared lock itself). */
static struct crm_store *
store_lock(const struct opts *o, char **path, unsigned flags)
{
	const struct crm_kind *k = crm_kind_find("complaints");
	const char *hdr[16];
	struct crm_store *s;
	char err[512];

	for (size_t i = 0; i < k->ncols; i++)
		hdr[i] = k->cols[i].name;
	if ((*path = crm_cli_store_path(o->file, "complaints.tsv", err,
	    sizeof err)) == NULL)
		errx(CRM_EXIT_FATAL, "%s", err);
	/* Readers take any header: the fold finds its columns by name. */
	if ((s = crm_store_open(*path, flags & CRM_STORE_RDONLY ? NULL : hdr,
	    k->ncols, flags, err, sizeof err)) == NULL)
		errx(CRM_EXIT_FATAL, "%s", err);
	if (!(flags & CRM_STORE_RDONLY) && crm_store_lock(s, err,
	    sizeof err) < 0)
		errx(CRM_EXIT_FATAL, "%s", err);
	return s;
}

/* The first bad line of the log, kept for one warning by a writer. */
static void
keep_first(void *ctx, const char *msg)
{
	char *first = ctx;

	if (!*first)
		snprintf(first, 512, "%s", msg);
}

/*
 * Fold the log at path into f.  A reader (writer 0) reports each bad line
 * and exits 1 for it.  A writer (open, update) exits by the outcome of
 * its own event: a bad older line is one warning, the first one named,
 * since the fold leaves it out and the append does not depend on it.
 */
static void
store_fold(struct crm_complaint_fold *f, const char *path, int writer)
{
	char err[512], first[512] = "";
	long bad;

	/* a writer holds the exclusive lock and has found the log whole; a
	 * reader reads it to its last whole line under the shared lock,
	 * a torn tail said and left out, as every reader of a store does */
	if ((bad = (writer ? crm_complaint_fold_file :
	    crm_complaint_fold_store)(f, path, writer ? keep_first :
	    warn_msg, first, err, sizeof err)) < 0)
		errx(CRM_EXIT_FATAL, "%s", err);
	if (writer && bad == 1)
		warnx("%s (line skipped)", first);
	else if (writer && bad > 1)
		warnx("%s (line skipped, and %ld more bad line%s)", first,
		    bad - 1, bad == 2 ? "" : "s");
}

/* "ID: open written to FILE" once an event is in the log, for the message
 * when standard output fails afterwards. */
static char written[600];

/* Append one event line (fields in kind column order) and commit. */
static void
store_append(struct crm_store *s, const char *const *v, size_t n)
{
	struct crm_buf b;
	char err[512];

	crm_buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		if (i)
			crm_buf_addc(&b, '\t');
		if (v[i])
			crm_tsv_escape(&b, v[i], strlen(v[i]));
	}
	crm_buf_addc(&b, '\n');
	if (crm_store_append(s, b.p, b.n, err, sizeof err) < 0 ||
	    crm_store_commit(s, err, sizeof err) < 0)
		errx(CRM_EXIT_FATAL, "%s", err);
	crm_buf_release(&b);
	crm_store_unlock(s);
	crm_store_close(s);
}

enum { K_ID, K_TS, K_EVENT, K_CUSTOMER, K_STATUS, K_CATEGORY, K_CAUSE,
	K_SEVERITY, K_PRIORITY, K_CHANNEL, K_AGENT, K_DUE_RESPONSE,
	K_DUE_RESOLVE, K_SATISFACTION, K_TEXT, K_N };

static void
check_field(const char *opt, const char *s, int id)
{
	size_t n = strlen(s);

	if (n == 0 || crm_utf8_valid(s, n) != n)
		errx(CRM_EXIT_FATAL, "%s: %s", opt, n ? "invalid UTF-8" :
		    "empty value");
	if (id && strpbrk(s, " \t\n\r"))
		errx(CRM_EXIT_FATAL, "%s: spaces in an identifier '%s'", opt,
		    s);
}

/* The index of option value s in vocab, or exit 2 listing the words. */
static int
vocab_opt(const char *opt, const char *const *vocab, const char *s)
{
	int i = crm_vocab_index(vocab, s, strlen(s));
	struct crm_buf b;

	if (i >= 0)
		return i;
	crm_buf_init(&b);
	crm_vocab_list(vocab, &b);
	errx(CRM_EXIT_FATAL, "%s: unknown value '%s' (accepted: %s)", opt, s,
	    b.p);
}

/* ------------------------------------------------------------ rekey */

/*
 * Rewrite the log's customer ids through an id map, atomically and under
 * the append lock (lib/idmap.h): opens and updates wait, then go to the
 * new file.  A torn tail or another header is refused, as for an append.
 */
static int
cmd_rekey(const struct opts *o)
{
	struct crm_idmap *m;
	struct crm_store *s;
	unsigned long long records = 0, changed = 0;
	char err[1024], *path;

	if (!o->idmap) {
		warnx("rekey: --id-map FILE is required");
		usage(stderr);
	}
	if ((m = crm_idmap_load(o->idmap, CRM_IDMAP_STRICT, err,
	    sizeof err)) == NULL)
		errx(CRM_EXIT_FATAL, "--id-map: %s", err);
	s = store_lock(o, &path, CRM_STORE_NOCREATE);
	if (crm_idmap_rekey_store(s, "customer_id", m, &records, &changed,
	    err, sizeof err) < 0)
		errx(CRM_EXIT_FATAL, "%s", err);
	crm_store_unlock(s);
	crm_store_close(s);
	crm_idmap_free(m);
	crm_out_printf(&crm_stdout, "%s: %llu of %llu record%s re-keyed\n",
	    path, changed, records, records == 1 ? "" : "s");
	free(path);
	return CRM_EXIT_OK;
}

/* ------------------------------------------------------------- open */

static int
cmd_open(const struct opts *o)
{
	struct crm_complaint_rules *rs;
	struct crm_complaint_fold *f;
	struct crm_complaint_triage tr;
	struct crm_nb *model;
	struct crm_strmap top = { 0 };
	struct crm_store *s;
	struct crm_writer w;
	struct crm_buf matched;
	char *path, id[48], due_r[32], due_s[32], ts[32], prio[4];
	char conf[16] = "";
	const char *v[K_N] = { 0 }, *by;
	double cf;
	unsigned raise = 0;
	size_t bad, recent = 1;
	int64_t t;
	int off, sev;
	static const char *const outcols[] = {
		"complaint_id", "customer_id", "category", "cause", "severity",
		"priority", "owner", "due_response", "due_resolve", "matched",
		"classified_by", "confidence"
	};

	if (!o->customer || !o->text)
		usage(stderr);
	check_field("--customer", o->customer, 1);
	check_field("--text", o->text, 0);
	if (o->agent)
		check_field("--agent", o->agent, 0);
	if (o->channel && crm_vocab_index(crm_vocab_channel, o->channel,
	    strlen(o->channel)) < 0) {
		struct crm_buf b;

		crm_buf_init(&b);
		crm_vocab_list(crm_vocab_channel, &b);
		errx(CRM_EXIT_FATAL, "--channel: unknown channel '%s' "
		    "(accepted: %s)", o->channel, b.p);
	}
	parse_ts("--ts", o->ts, &t, &off);
	load_policy(o);
	rs = load_rules(o);
	model = load_model(o);
	if (o->customers) {
		struct crm_custattr_opts ao;
		struct crm_custattr *a;
		char err[512];
		size_t i;
		int why;

		memset(&ao, 0, sizeof ao);
		ao.known = 1u << CRM_ATTR_BLACKLIST;
		ao.bad = customers_bad;
		ao.ctx = (void *)o->customer;
		if (!(a = crm_custattr_load(o->customers, &ao, err, sizeof err,
		    &why))) {
			if (why == CRM_CUSTATTR_ENOID)
				errx(CRM_EXIT_FATAL, "%s: no customer_id column",
				    o->customers);
			errx(CRM_EXIT_FATAL, "%s", err);
		}
		crm_custattr_torn_warn(a);
		i = crm_custattr_find(a, o->customer, strlen(o->customer));
		if (i == (size_t)-1)
			errx(CRM_EXIT_REJECT, "unknown customer '%s' (not in "
			    "%s)", o->customer, o->customers);
		/* a blacklisted customer's complaint is still a complaint:
		 * recorded, and the agent told */
		if (crm_custattr_blacklisted(a, i))
			warnx("%s:%ld: customer '%s' is blacklisted; the "
			    "complaint is recorded as any other", o->customers,
			    crm_custattr_line(a, i), o->customer);
		crm_custattr_free(a);
	}
	if (o->segments)
		load_tiers(o->segments, &top);
	if (crm_complaint_triage(rs, o->text, strlen(o->text), &tr, &bad) < 0)
		errx(CRM_EXIT_REJECT, "--text: rule %s: %s",
		    crm_complaint_rule_id(rs, bad),
		    crm_complaint_rules_error(rs));
	crm_complaint_fallback(rs, model, o->min_conf, o->text,
	    strlen(o->text), &tr, &by, &cf);
	if (cf >= 0)
		snprintf(conf, sizeof conf, "%.4f", cf);
	sev = tr.severity;

	s = store_lock(o, &path, 0);
	f = crm_complaint_fold_new();
	store_fold(f, path, 1);
	for (size_t i = 0; i < crm_complaint_fold_count(f); i++) {
		struct crm_complaint *c = crm_complaint_fold_at(f, i);

		if (!strcmp(c->customer_id, o->customer) && c->opened <= t &&
		    c->opened > t - policy.repeat_days * 86400)
			recent++;
	}
	if (has(&top, o->customer))
		raise |= CRM_PRIO_TIER;
	if ((long)recent >= policy.repeat_count)
		raise |= CRM_PRIO_REPEAT;
	if (crm_complaint_channel_public(o->channel))
		raise |= CRM_PRIO_PUBLIC;
	snprintf(prio, sizeof prio, "%d", crm_complaint_priority(sev, raise));
	crm_store_newid(id, "K");
	crm_ts_format(t, off, ts);
	crm_ts_format(t + policy.response_h[sev] * 3600, off, due_r);
	crm_ts_format(t + policy.resolve_h[sev] * 3600, off, due_s);
	v[K_ID] = id;
	v[K_TS] = ts;
	v[K_EVENT] = "open";
	v[K_CUSTOMER] = o->customer;
	v[K_STATUS] = "open";
	v[K_CATEGORY] = tr.category;
	v[K_CAUSE] = tr.cause;
	v[K_SEVERITY] = crm_vocab_severity[sev];
	v[K_PRIORITY] = prio;
	v[K_CHANNEL] = o->channel;
	v[K_AGENT] = o->agent;
	v[K_DUE_RESPONSE] = due_r;
	v[K_DUE_RESOLVE] = due_s;
	v[K_TEXT] = o->text;
	crm_buf_init(&matched);
	join_matched(rs, &tr, &matched);
	store_append(s, v, K_N);
	snprintf(written, sizeof written, "%s: open written to %s", id, path);

	crm_writer_init(&w, &crm_stdout, out_format(o->format, 0));
	w.excel_safe = o->excel_safe;
	crm_writer_header_names(&w, outcols, sizeof outcols / sizeof *outcols -
	    (model ? 0 : 2));
	mark_numbers(&w, outcols, sizeof outcols / sizeof *outcols);
	crm_writer_str(&w, id);
	crm_writer_str(&w, o->customer);
	crm_writer_str(&w, tr.category);
	crm_writer_str(&w, tr.cause);
	crm_writer_str(&w, crm_vocab_severity[sev]);
	crm_writer_str(&w, prio);
	crm_writer_str(&w, o->agent ? o->agent : "");
	crm_writer_str(&w, due_r);
	crm_writer_str(&w, due_s);
	crm_writer_str(&w, matched.p);
	if (model) {
		crm_writer_str(&w, by);
		crm_writer_str(&w, conf);
	}
	crm_writer_end(&w);
	crm_writer_release(&w);
	crm_buf_release(&matched);
	crm_complaint_fold_free(f);
	crm_complaint_rules_free(rs);
	crm_nb_free(model);
	crm_strmap_release(&top);
	free(path);
	return status;
}

/* ------------------------------------------------------------- triage */

/* The number of times in e (kept sorted) that are at or before t. */
static size_t
seen_upto(const struct seen *e, int64_t t)
{
	size_t lo = 0, hi = e->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->t[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Add t to the times of e and return how many of those seen before fall
 * in (t - window, t].  The times stay sorted, so a stream in time order
 * appends at the end and each count is two binary searches.  The array
 * holds max(4, n rounded up to a power of two) times, so it grows when n
 * reaches such a size.
 */
static size_t
seen_add(struct seen *e, int64_t t, int64_t window)
{
	size_t at = e->n ? seen_upto(e, t) : 0;
	size_t k = e->n ? at - seen_upto(e, t - window) : 0;

	if (e->n == 0 || (e->n >= 4 && !(e->n & (e->n - 1)))) {
		if (e->n >= UINT32_MAX / 2)
			errx(CRM_EXIT_FATAL, "too many complaints of one "
			    "customer");
		e->t = crm_xrealloc(e->t, crm_mulsz(e->n ? 2 * (size_t)e->n :
		    4, sizeof *e->t));
	}
	memmove(e->t + at + 1, e->t + at, (e->n - at) * sizeof *e->t);
	e->t[at] = t;
	e->n++;
	return k;
}


static int
cmd_triage(const struct opts *o, int argc, char **argv)
{
	static const char *const add[] = {
		"category", "cause", "severity", "priority", "due_response",
		"due_resolve", "matched", "classified_by", "confidence"
	};
	enum { A_MATCHED = 6, A_MAX = 9 };
	struct crm_nb *model = load_model(o);
	const int A_N = model ? A_MAX : A_MATCHED + 1;
	struct crm_complaint_rules *rs;
	struct crm_reader *r;
	struct crm_writer w;
	struct crm_rec rec;
	struct crm_strmap top = { 0 }, seen = { 0 };
	struct seen *times = NULL;
	size_t atimes = 0;
	struct crm_buf matched;
	const struct crm_rec *h;
	char err[512];
	const char *name = argc ? argv[0] : "-";
	const char **names;
	int pos[A_MAX], *which, text, cid, tscol, chan, evcol = -1, rc;
	size_t nout;
	int64_t window;

	if (argc > 1)
		usage(stderr);
	load_policy(o);
	rs = load_rules(o);
	if (o->segments)
		load_tiers(o->segments, &top);
	window = (int64_t)policy.repeat_days * 86400;
	if ((r = crm_reader_open(name, NULL, err, sizeof err)) == NULL)
		errx(CRM_EXIT_FATAL, "%s", err);
	if ((h = crm_reader_header(r)) == NULL) {
		const char *e = crm_reader_error(r);
		errx(CRM_EXIT_FATAL, "%s", e && *e ? e : "empty input");
	}
	if ((text = crm_reader_col(r, "text")) < 0)
		errx(CRM_EXIT_FATAL, "%s: no text column",
		    crm_reader_name(r));
	cid = crm_reader_col(r, "customer_id");
	tscol = crm_reader_col(r, "ts");
	chan = crm_reader_col(r, "channel");
	/* A complaint event log: only its open events are complaints. */
	if (crm_reader_col(r, "complaint_id") >= 0 && tscol >= 0)
		evcol = crm_reader_col(r, "event");
	names = crm_xcalloc(h->nf + A_N, sizeof *names);
	for (size_t i = 0; i < h->nf; i++)
		names[i] = h->f[i].p;
	nout = h->nf;
	for (int a = 0; a < A_N; a++) {
		if ((pos[a] = crm_reader_col(r, add[a])) < 0) {
			pos[a] = (int)nout;
			names[nout++] = add[a];
		}
	}
	which = crm_xmalloc(crm_mulsz(nout, sizeof *which));
	for (size_t i = 0; i < nout; i++)
		which[i] = -1;
	for (int a = 0; a < A_N; a++)
		which[pos[a]] = a;
	crm_writer_init(&w, &crm_stdout, out_format(o->format, 0));
	w.excel_safe = o->excel_safe;
	crm_writer_header_names(&w, names, nout);
	mark_numbers(&w, names, nout);
	crm_buf_init(&matched);
	while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF) {
		struct crm_complaint_triage tr;
		char due_r[32] = "", due_s[32] = "", prio[4];
		const char *val[A_MAX], *tp, *ep, *by;
		char conf[16] = "";
		double cf;
		unsigned raise = 0;
		size_t bad, tn, en;
		int64_t t = 0;
		int off, has_t = 0, full = 1;

		if (rc == CRM_READ_FATAL)
			errx(CRM_EXIT_FATAL, "%s", crm_reader_error(r));
		if (rc == CRM_READ_BAD) {
			warn_msg(NULL, crm_reader_error(r));
			continue;
		}
		tp = (size_t)text < rec.nf ? rec.f[text].p : "";
		tn = (size_t)text < rec.nf ? rec.f[text].n : 0;
		if (evcol >= 0) {
			/* Any other event (or an open without a text) keeps
			 * its fields: its text is a note, and it never
			 * re-grades the complaint. */
			ep = (size_t)evcol < rec.nf ? rec.f[evcol].p : "";
			en = (size_t)evcol < rec.nf ? rec.f[evcol].n : 0;
			crm_trim(&ep, &en);
			full = en == 4 && !memcmp(ep, "open", 4) && tn;
		}
		if (full && tscol >= 0 && (size_t)tscol < rec.nf &&
		    rec.f[tscol].n) {
			const char *why = crm_ts_parse(rec.f[tscol].p,
			    rec.f[tscol].n, 0, &t, &off);

			if (why) {
				warn_msg(NULL, crm_reader_seterr(r, rec.line,
				    tscol, rec.f[tscol].p, rec.f[tscol].n,
				    "%s", why));
				if (evcol < 0)
					continue;
				/* an event log keeps every event */
				full = 0;
				tn = 0;
			} else {
				has_t = 1;
			}
		}
		if (crm_complaint_triage(rs, tp, tn, &tr, &bad) < 0) {
			warn_msg(NULL, crm_reader_seterr(r, rec.line, text,
			    NULL, 0, "rule %s: %s",
			    crm_complaint_rule_id(rs, bad),
			    crm_complaint_rules_error(rs)));
			if (evcol < 0)
				continue;
			full = 0;
			tr.nmatched = 0;
		}
		join_matched(rs, &tr, &matched);
		if (!full) {
			for (size_t i = 0; i < nout; i++) {
				if (which[i] == A_MATCHED)
					crm_writer_str(&w, matched.p);
				else if (i < h->nf && i < rec.nf)
					crm_writer_field(&w, rec.f[i].p,
					    rec.f[i].n);
				else
					crm_writer_field(&w, "", 0);
			}
			crm_writer_end(&w);
			continue;
		}
		crm_complaint_fallback(rs, model, o->min_conf, tp, tn, &tr, &by,
		    &cf);
		if (cf >= 0)
			snprintf(conf, sizeof conf, "%.4f", cf);
		if (cid >= 0 && (size_t)cid < rec.nf && rec.f[cid].n) {
			if (has(&top, rec.f[cid].p))
				raise |= CRM_PRIO_TIER;
			if (has_t) {
				int isnew;
				size_t slot = crm_strmap_add(&seen,
				    rec.f[cid].p, rec.f[cid].n, &isnew);
				if (isnew) {
					crm_grow(&times, &atimes, slot + 1,
					    sizeof *times);
					times[slot].n = 0;
					times[slot].t = NULL;
				}
				size_t k = 1 + seen_add(&times[slot], t, window);

				if ((long)k >= policy.repeat_count)
					raise |= CRM_PRIO_REPEAT;
			}
		}
		if (chan >= 0 && (size_t)chan < rec.nf &&
		    crm_complaint_channel_public(rec.f[chan].p))
			raise |= CRM_PRIO_PUBLIC;
		prio[0] = (char)('0' + crm_complaint_priority(tr.severity,
		    raise));
		prio[1] = '\0';
		if (has_t) {
			crm_ts_format(t + policy.response_h[tr.severity] *
			    3600, off, due_r);
			crm_ts_format(t + policy.resolve_h[tr.severity] *
			    3600, off, due_s);
		}
		val[0] = tr.category;
		val[1] = tr.cause;
		val[2] = crm_vocab_severity[tr.severity];
		val[3] = prio;
		val[4] = due_r;
		val[5] = due_s;
		val[6] = matched.p;
		val[7] = by;
		val[8] = conf;
		for (size_t i = 0; i < nout; i++) {
			if (which[i] >= 0)
				crm_writer_str(&w, val[which[i]]);
			else if (i < rec.nf)
				crm_writer_field(&w, rec.f[i].p, rec.f[i].n);
			else
				crm_writer_field(&w, "", 0);
		}
		crm_writer_end(&w);
	}
	crm_writer_release(&w);
	crm_reader_close(r);
	crm_buf_release(&matched);
	crm_complaint_rules_free(rs);
	crm_nb_free(model);
	for (size_t i = 0; i < crm_strmap_count(&seen); i++)
		free(times[i].t);
	free(times);
	crm_strmap_release(&top);
	crm_strmap_release(&seen);
	free(which);
	free(names);
	return status;
}

/* ------------------------------------------------------------- update */

/*
 * The priority and due times of c re-classified at severity sev, by the
 * same policy as open: priority from sev raised for a platinum or gold
 * customer (in top), a repeat complainer or a public channel; the
 * resolution due from the opening (or the last reopening) and, while
 * there has been no response, the response due from the opening.
 */
static void
classify_due(const struct crm_complaint *c, int sev,
    const struct crm_strmap *top, char prio[4], char due_r[32], char due_s[32])
{
	unsigned raise = 0;
	int64_t start = c->reopened != CRM_COMPLAINT_NOTIME ? c->reopened :
	    c->opened;

	if (has(top, c->customer_id))
		raise |= CRM_PRIO_TIER;
	if ((long)c->recent >= policy.repeat_count)
		raise |= CRM_PRIO_REPEAT;
	if (crm_complaint_channel_public(c->channel))
		raise |= CRM_PRIO_PUBLIC;
	prio[0] = (char)('0' + crm_complaint_priority(sev, raise));
	prio[1] = '\0';
	crm_ts_format(start + policy.resolve_h[sev] * 3600, c->opened_off,
	    due_s);
	if (c->responded == CRM_COMPLAINT_NOTIME)
		crm_ts_format(c->opened + policy.response_h[sev] * 3600,
		    c->opened_off, due_r);
}

static int
cmd_update(const struct opts *o, int argc, char **argv)
{
	struct crm_complaint_fold *f;
	struct crm_complaint *c;
	struct crm_store *s;
	struct crm_strmap top = { 0 };
	char *path, ts[32], due_r[32] = "", due_s[32] = "", sat[4] = "";
	char prio[4] = "";
	const char *v[K_N] = { 0 }, *why, *st;
	int64_t t, x;
	int off, ev, sev = -1;

	if (argc != 1 || !o->event)
		usage(stderr);
	ev = crm_vocab_index(crm_vocab_event, o->event, strlen(o->event));
	if (ev < 0 || ev == CRM_CE_OPEN)
		errx(CRM_EXIT_FATAL, "--event: unknown event '%s' (accepted: "
		    "classify, assign, respond, resolve, reopen, close)",
		    o->event);
	if (ev == CRM_CE_CLASSIFY) {
		if (!o->category && !o->cause && !o->severity)
			errx(CRM_EXIT_FATAL, "classify needs --category, "
			    "--cause or --severity");
		if (o->category)
			check_field("--category", o->category, 1);
		if (o->cause)
			vocab_opt("--cause", crm_vocab_cause, o->cause);
		if (o->severity)
			sev = vocab_opt("--severity", crm_vocab_severity,
			    o->severity);
	} else if (o->category || o->cause || o->severity) {
		errx(CRM_EXIT_FATAL, "--category, --cause and --severity go "
		    "with classify");
	}
	if (ev == CRM_CE_ASSIGN && !o->agent)
		errx(CRM_EXIT_FATAL, "assign needs --agent");
	if (o->agent)
		check_field("--agent", o->agent, 0);
	if (o->note)
		check_field("--note", o->note, 0);
	if (o->sat) {
		if (ev != CRM_CE_RESOLVE && ev != CRM_CE_CLOSE)
			errx(CRM_EXIT_FATAL, "--satisfaction goes with resolve "
			    "or close");
		if (crm_int_parse(o->sat, strlen(o->sat), 1, 5, &x))
			errx(CRM_EXIT_FATAL, "--satisfaction: not 1..5 '%s'",
			    o->sat);
		snprintf(sat, sizeof sat, "%d", (int)x);
	}
	parse_ts("--ts", o->ts, &t, &off);
	load_policy(o);

	if (ev == CRM_CE_CLASSIFY && o->segments)
		load_tiers(o->segments, &top);

	s = store_lock(o, &path, CRM_STORE_NOCREATE);
	f = crm_complaint_fold_new();
	store_fold(f, path, 1);
	crm_complaint_fold_recent(f, (int64_t)policy.repeat_days * 86400);
	c = crm_complaint_fold_find(f, argv[0]);
	if ((why = crm_complaint_check(c, ev)) != NULL)
		errx(CRM_EXIT_REJECT, "cannot %s %s: %s", o->event, argv[0],
		    why);
	if (t < c->opened)
		errx(CRM_EXIT_REJECT, "cannot %s %s: --ts is before the "
		    "complaint was opened", o->event, argv[0]);
	/* The fold takes events in log order: one dated before the last
	 * would rewrite history that list and the reports have shown. */
	if ((why = crm_complaint_check_time(c, t, off)) != NULL)
		errx(CRM_EXIT_REJECT, "cannot %s %s: %s", o->event, argv[0],
		    why);
	switch (ev) {
	case CRM_CE_CLASSIFY:
		st = crm_complaint_status_name(c->status);
		if (sev < 0)
			sev = c->severity < 0 ? 1 : c->severity;
		classify_due(c, sev, &top, prio, due_r, due_s);
		break;
	case CRM_CE_ASSIGN:
		st = crm_complaint_status_name(c->status == CRM_CS_OPEN ||
		    c->status == CRM_CS_REOPENED ? CRM_CS_ASSIGNED : c->status);
		break;
	case CRM_CE_RESPOND:
		st = "responded";
		break;
	case CRM_CE_RESOLVE:
		st = "resolved";
		break;
	case CRM_CE_REOPEN:
		st = "reopened";
		crm_ts_format(t + policy.resolve_h[c->severity < 0 ? 1 :
		    c->severity] * 3600, off, due_s);
		break;
	default:
		st = "closed";
		break;
	}
	crm_ts_format(t, off, ts);
	v[K_ID] = c->id;
	v[K_TS] = ts;
	v[K_EVENT] = o->event;
	v[K_CUSTOMER] = c->customer_id;
	v[K_STATUS] = st;
	v[K_CATEGORY] = o->category;
	v[K_CAUSE] = o->cause;
	v[K_SEVERITY] = sev < 0 ? NULL : crm_vocab_severity[sev];
	v[K_PRIORITY] = prio;
	v[K_AGENT] = o->agent;
	v[K_DUE_RESPONSE] = due_r;
	v[K_DUE_RESOLVE] = due_s;
	v[K_SATISFACTION] = sat;
	v[K_TEXT] = o->note;
	store_append(s, v, K_N);
	snprintf(written, sizeof written, "%s: %s written to %s", v[K_ID],
	    o->event, path);
	crm_complaint_fold_free(f);
	crm_strmap_release(&top);
	free(path);
	return status;
}

/* ------------------------------------------------------------- list */

static int
cmd_list(const struct opts *o, int argc)
{
	static const char *const cols[] = {
		"complaint_id", "customer_id", "opened", "status", "category",
		"severity", "priority", "owner", "due_response", "due_resolve",
		"responded", "resolved", "satisfaction", "overdue", "repeat"
	};
	enum { NC = sizeof cols / sizeof *cols };
	struct crm_complaint_fold *f;
	struct crm_table *tab = NULL;
	struct crm_writer w;
	struct crm_store *s;
	char *path;
	int64_t now;
	int off, fmt;

	if (argc != 0)
		usage(stderr);
	if (o->asof) {
		const char *why = crm_asof_parse(o->asof, &now, &off);
		if (why)
			errx(CRM_EXIT_FATAL, "--as-of: %s '%s'", why, o->asof);
	} else {
		parse_ts(NULL, NULL, &now, &off);
	}
	load_policy(o);
	fmt = out_format(o->format, 1);
	/* The store refuses a FIFO, a device or a missing log; the fold
	 * reads up to the last whole line under the shared lock, so that a
	 * concurrent append never shows as a torn line. */
	s = store_lock(o, &path, CRM_STORE_RDONLY);
	f = crm_complaint_fold_new();
	crm_complaint_fold_until(f, now);
	store_fold(f, path, 0);
	crm_store_close(s);
	crm_complaint_fold_recent(f, (int64_t)policy.repeat_days * 86400);
	crm_complaint_fold_sort(f);
	if (fmt == -2) {
		tab = crm_table_new();
		crm_table_header(tab, cols, NC);
	} else {
		crm_writer_init(&w, &crm_stdout, fmt);
		w.excel_safe = o->excel_safe;
		crm_writer_header_names(&w, cols, NC);
		mark_numbers(&w, cols, NC);
	}
	for (size_t i = 0; i < crm_complaint_fold_count(f); i++) {
		struct crm_complaint *c = crm_complaint_fold_at(f, i);
		int sev = c->severity < 0 ? 1 : c->severity;
		int64_t dr = c->due_response, ds = c->due_resolve;
		char b[8][32], prio[4], satis[4], rep[24], over[24] = "";
		const char *cell[NC];
		int late_r, late_s, p;

		if (o->open && !crm_complaint_status_active(c->status))
			continue;
		if (o->customer && strcmp(o->customer, c->customer_id))
			continue;
		if (o->category && strcmp(o->category, c->category))
			continue;
		if (dr == CRM_COMPLAINT_NOTIME)
			dr = c->opened + policy.response_h[sev] * 3600;
		if (ds == CRM_COMPLAINT_NOTIME)
			ds = c->opened + policy.resolve_h[sev] * 3600;
		late_r = c->responded == CRM_COMPLAINT_NOTIME &&
		    crm_complaint_status_active(c->status) && now > dr;
		late_s = crm_complaint_status_active(c->status) && now > ds;
		if (o->overdue && !late_r && !late_s)
			continue;
		snprintf(over, sizeof over, "%s%s%s", late_r ? "response" : "",
		    late_r && late_s ? "," : "", late_s ? "resolve" : "");
		p = c->priority ? c->priority : crm_complaint_priority(sev, 0);
		if (late_r || late_s)
			p = p > 1 ? p - 1 : 1;
		snprintf(prio, sizeof prio, "%d", p);
		snprintf(satis, sizeof satis, "%.0d", c->satisfaction);
		if ((long)c->recent >= policy.repeat_count)
			snprintf(rep, sizeof rep, "%zu", c->recent);
		else
			rep[0] = '\0';
		fmt_ts(c->opened, c->opened_off, b[0]);
		fmt_ts(dr, c->opened_off, b[1]);
		fmt_ts(ds, c->opened_off, b[2]);
		fmt_ts(c->responded, c->opened_off, b[3]);
		fmt_ts(c->resolved, c->opened_off, b[4]);
		cell[0] = c->id;
		cell[1] = c->customer_id;
		cell[2] = b[0];
		cell[3] = crm_complaint_status_name(c->status);
		cell[4] = c->category;
		cell[5] = c->severity < 0 ? "" : crm_vocab_severity[c->severity];
		cell[6] = prio;
		cell[7] = c->owner;
		cell[8] = b[1];
		cell[9] = b[2];
		cell[10] = b[3];
		cell[11] = b[4];
		cell[12] = satis;
		cell[13] = over;
		cell[14] = rep;
		if (tab) {
			crm_table_add(tab, cell, NC);
		} else {
			for (int k = 0; k < NC; k++)
				crm_writer_str(&w, cell[k]);
			crm_writer_end(&w);
		}
	}
	if (tab) {
		struct crm_buf out;

		crm_buf_init(&out);
		crm_table_render(tab, &out);
		crm_out_write(&crm_stdout, out.p, out.n);
		crm_buf_release(&out);
		crm_table_free(tab);
	} else {
		crm_writer_release(&w);
	}
	crm_complaint_fold_free(f);
	free(path);
	return status;
}

/* ------------------------------------------------------------- learn */

/* The graded complaints of a log: the text of each one's open event,
 * labelled by its last classify event that names a category. */
static void
learn_log(struct crm_nb_data *d, struct crm_reader *r)
{
	struct crm_complaint_fold *f = crm_complaint_fold_new();
	struct crm_complaint_cols cols;
	struct crm_rec rec;
	char err[512];
	const char *why;
	int rc, col;

	if (crm_complaint_cols_find(&cols, r, err, sizeof err) < 0)
		errx(CRM_EXIT_FATAL, "%s", err);
	while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF) {
		if (rc == CRM_READ_FATAL)
			errx(CRM_EXIT_FATAL, "%s", crm_reader_error(r));
		if (rc == CRM_READ_BAD) {
			warn_msg(NULL, crm_reader_error(r));
			continue;
		}
		if (crm_complaint_fold_add(f, &cols, &rec, &why, &col) < 0) {
			const char *val = col >= 0 && (size_t)col < rec.nf ?
			    rec.f[col].p : NULL;

			warn_msg(NULL, crm_reader_seterr(r, rec.line, col, val,
			    val ? rec.f[col].n : 0, "%s", why));
		}
	}
	for (size_t i = 0; i < crm_complaint_fold_count(f); i++) {
		struct crm_complaint *c = crm_complaint_fold_at(f, i);

		if (*c->graded_category && *c->text)
			crm_nb_data_add(d, c->graded_category, c->text,
			    strlen(c->text), c->graded_cause,
			    c->graded_severity < 0 ? "" :
			    crm_vocab_severity[c->graded_severity]);
	}
	crm_complaint_fold_free(f);
}

/* The labelled texts of one input: a complaint log, or a file with text
 * and category columns (cause and severity optional). */
static void
learn_file(struct crm_nb_data *d, const char *name)
{
	struct crm_reader *r;
	struct crm_rec rec;
	char err[512];
	int text, cat, cause, sev, rc;

	if ((r = input_open(name, err, sizeof err)) == NULL)
		errx(CRM_EXIT_FATAL, "%s", err);
	if (crm_reader_header(r) == NULL) {
		const char *e = crm_reader_error(r);

		errx(CRM_EXIT_FATAL, "%s", e && *e ? e : "empty input");
	}
	if (crm_reader_col(r, "complaint_id") >= 0 &&
	    crm_reader_col(r, "ts") >= 0 && crm_reader_col(r, "event") >= 0) {
		learn_log(d, r);
		input_close(r);
		return;
	}
	text = crm_reader_col(r, "text");
	cat = crm_reader_col(r, "category");
	if (text < 0 || cat < 0)
		errx(CRM_EXIT_FATAL, "%s: no %s column (nor complaint_id, ts "
		    "and event, for a complaint log)", crm_reader_name(r),
		    text < 0 ? "text" : "category");
	cause = crm_reader_col(r, "cause");
	sev = crm_reader_col(r, "severity");
	while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF) {
		const char *v[4] = { "", "", "", "" };
		const int at[4] = { text, cat, cause, sev };

		if (rc == CRM_READ_FATAL)
			errx(CRM_EXIT_FATAL, "%s", crm_reader_error(r));
		if (rc == CRM_READ_BAD) {
			warn_msg(NULL, crm_reader_error(r));
			continue;
		}
		for (int k = 0; k < 4; k++)
			if (at[k] >= 0 && (size_t)at[k] < rec.nf)
				v[k] = rec.f[at[k]].p;
#define REJECT(k_, ...) do { warn_msg(NULL, crm_reader_seterr(r, rec.line, \
	at[k_], *v[k_] ? v[k_] : NULL, strlen(v[k_]), __VA_ARGS__)); \
	goto next; } while (0)
		if (!*v[0])
			REJECT(0, "empty text");
		if (!*v[1])
			REJECT(1, "missing category");
		if (strpbrk(v[1], " \t\n\r"))
			REJECT(1, "spaces in a category");
		if (*v[2] && crm_vocab_index(crm_vocab_cause, v[2],
		    strlen(v[2])) < 0)
			REJECT(2, "unknown cause");
		if (*v[3] && crm_vocab_index(crm_vocab_severity, v[3],
		    strlen(v[3])) < 0)
			REJECT(3, "unknown severity");
#undef REJECT
		crm_nb_data_add(d, v[1], v[0], strlen(v[0]), v[2], v[3]);
	next:;
	}
	input_close(r);
}

/* Write the model text to path, whole or not at all: a temporary file
 * beside it (0600: the words are the customers'), renamed over it. */
static void
write_model(const char *path, const struct crm_buf *b)
{
	struct crm_buf tmp;
	size_t off = 0;
	int fd;

	crm_buf_init(&tmp);
	crm_buf_addf(&tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp.p)) < 0)
		errx(CRM_EXIT_FATAL, "%s: %s", path, strerror(errno));
	while (off < b->n) {
		ssize_t k = write(fd, b->p + off, b->n - off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			int e = k < 0 ? errno : EIO;

			close(fd);
			unlink(tmp.p);
			errx(CRM_EXIT_FATAL, "%s: %s", path, strerror(e));
		}
		off += (size_t)k;
	}
	if (fsync(fd) < 0 || close(fd) < 0 || rename(tmp.p, path) < 0) {
		int e = errno;

		unlink(tmp.p);
		errx(CRM_EXIT_FATAL, "%s: %s", path, strerror(e));
	}
	crm_buf_release(&tmp);
}

static int
cmd_learn(const struct opts *o, int argc, char **argv)
{
	struct crm_nb_data *d = crm_nb_data_new();
	struct crm_buf b;

	if (o->evaluate && o->output)
		errx(CRM_EXIT_FATAL, "--evaluate prints figures and writes no "
		    "model: drop -o");
	if (argc == 0)
		learn_file(d, "-");
	for (int i = 0; i < argc; i++)
		learn_file(d, argv[i]);
	if (crm_nb_data_count(d) == 0)
		errx(CRM_EXIT_FATAL, "no labelled texts to learn from");
	crm_buf_init(&b);
	if (o->evaluate) {
		struct crm_nb_eval e;

		if (crm_nb_evaluate(d, (size_t)o->evaluate, o->min_conf,
		    &e) < 0)
			errx(CRM_EXIT_FATAL, "--evaluate: %ld folds for %zu "
			    "labelled texts (at most one a text)", o->evaluate,
			    crm_nb_data_count(d));
		crm_buf_addf(&b, "folds\ttexts\tright\taccuracy\n%zu\t%zu\t%zu\t"
		    "%.4f\n\nlabel", e.k, e.n, e.right, (double)e.right /
		    (double)e.n);
		for (size_t j = 0; j < e.nlabels; j++)
			crm_buf_addf(&b, "\t%s", e.labels[j]);
		crm_buf_addc(&b, '\n');
		for (size_t i = 0; i < e.nlabels; i++) {
			crm_buf_adds(&b, e.labels[i]);
			for (size_t j = 0; j < e.nlabels; j++)
				crm_buf_addf(&b, "\t%zu",
				    e.confusion[i * e.nlabels + j]);
			crm_buf_addc(&b, '\n');
		}
		crm_nb_eval_release(&e);
		crm_out_write(&crm_stdout, b.p, b.n);
	} else {
		struct crm_nb *m = crm_nb_train(d, 0, 0);

		crm_nb_format(m, &b);
		if (o->output)
			write_model(o->output, &b);
		else
			crm_out_write(&crm_stdout, b.p, b.n);
		crm_nb_free(m);
	}
	crm_buf_release(&b);
	crm_nb_data_free(d);
	return status;
}

int
main(int argc, char *argv[])
{
	struct opts o = { 0 };
	const char *cmd;
	int ch, rc;
	int64_t x;

	crm_cli_locale();
	if (argc > 1 && !strcmp(argv[1], "--help"))
		usage(stdout);
	if (argc > 1 && !strcmp(argv[1], "--version"))
		crm_cli_version();
	if (argc < 2 || argv[1][0] == '-')
		usage(stderr);
	cmd = argv[1];
	argc--;
	argv++;
	o.rules = crm_xcalloc((size_t)argc + 1, sizeof *o.rules);
	o.min_conf = CRM_COMPLAINT_MIN_CONFIDENCE;
	while ((ch = getopt_long(argc, argv, "c:f:o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
		case O_CUSTOMER:
			o.customer = optarg;
			break;
		case 'f':
			o.file = optarg;
			break;
		case 'o':
			o.output = optarg;
			break;
		case O_EVALUATE:
			if (crm_int_parse(optarg, strlen(optarg), 2, 1000000,
			    &x))
				errx(CRM_EXIT_FATAL, "--evaluate: not an integer "
				    "in 2..1000000 '%s'", optarg);
			o.evaluate = (long)x;
			break;
		case O_MINCONF: {
			char *end;

			errno = 0;
			o.min_conf = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o.min_conf >=
			    0 && o.min_conf <= 1))
				errx(CRM_EXIT_FATAL, "--min-confidence: not a "
				    "number in 0..1 '%s'", optarg);
			break;
		}
		case O_MODEL:
			o.model = optarg;
			break;
		case O_AGENT:
			o.agent = optarg;
			break;
		case O_ASOF:
			o.asof = optarg;
			break;
		case O_CATEGORY:
			o.category = optarg;
			break;
		case O_CHANNEL:
			o.channel = optarg;
			break;
		case O_CUSTOMERS:
			o.customers = optarg;
			break;
		case O_EVENT:
			o.event = optarg;
			break;
		case O_CAUSE:
			o.cause = optarg;
			break;
		case O_SEVERITY:
			o.severity = optarg;
			break;
		case O_EXCEL:
			o.excel_safe = 1;
			break;
		case O_FORMAT:
			o.format = optarg;
			break;
		case O_HELP:
			usage(stdout);
			break;
		case O_IDMAP:
			o.idmap = optarg;
			break;
		case O_LIMIT:
			if (crm_int_parse(optarg, strlen(optarg), 1,
			    4000000000LL, &x))
				errx(CRM_EXIT_FATAL, "--match-limit: not a "
				    "positive integer '%s'", optarg);
			o.limit = (unsigned long)x;
			break;
		case O_NOTE:
			o.note = optarg;
			break;
		case O_OPEN:
			o.open = 1;
			break;
		case O_OVERDUE:
			o.overdue = 1;
			break;
		case O_POLICY:
			o.policy = optarg;
			break;
		case O_NODEFAULT:
			o.no_default_rules = 1;
			break;
		case O_RULES:
			o.rules[o.nrules++] = optarg;
			break;
		case O_SAT:
			o.sat = optarg;
			break;
		case O_SEGMENTS:
			o.segments = optarg;
			break;
		case O_SLA:
			if (o.nsla == 32)
				errx(CRM_EXIT_FATAL, "too many --sla options");
			o.sla[o.nsla++] = optarg;
			break;
		case O_TEXT:
			o.text = optarg;
			break;
		case O_TS:
			o.ts = optarg;
			break;
		case O_VERSION:
			crm_cli_version();
			break;
		default:
			usage(stderr);
		}
	}
	argc -= optind;
	argv += optind;
	if (o.excel_safe && (!strcmp(cmd, "update") || !strcmp(cmd, "learn")))
		errx(CRM_EXIT_FATAL, "--excel-safe: %s writes no CSV", cmd);
	if (o.excel_safe && (!o.format || strcmp(o.format, "csv")))
		errx(CRM_EXIT_FATAL, "--excel-safe applies to --format csv "
		    "only");

	if (!strcmp(cmd, "open") && argc == 0)
		rc = cmd_open(&o);
	else if (!strcmp(cmd, "triage"))
		rc = cmd_triage(&o, argc, argv);
	else if (!strcmp(cmd, "update"))
		rc = cmd_update(&o, argc, argv);
	else if (!strcmp(cmd, "list"))
		rc = cmd_list(&o, argc);
	else if (!strcmp(cmd, "learn"))
		rc = cmd_learn(&o, argc, argv);
	else if (!strcmp(cmd, "rekey") && argc == 0)
		rc = cmd_rekey(&o);
	else
		usage(stderr);
	if (*written) {
		/* the event is in the log: a retry would add it twice */
		int oe = crm_out_close_errno(&crm_stdout);
		if (oe) {
			warnx("%s, but standard output failed: %s", written,
			    strerror(oe));
			rc = CRM_EXIT_WRITTEN;
		}
	} else {
		crm_out_close(&crm_stdout);
	}
	free(o.rules);
	return rc;
}
