/*
 * complaint: the complaint event fold, the triage rule engine, and the SLA
 * and priority policy.
 *
 * The complaint log is append-only: each record is one event (open,
 * classify, assign, respond, resolve, reopen, close) and the current state
 * of a complaint is the fold of its events in log order.  crm-complaint
 * appends and lists through this fold and crm-report reads it for its
 * complaints report, so both see the same states.  Triage matches a text
 * against a PCRE2 rule file (with a literal prefilter, so that only the
 * rules that can match are run) and the policy turns a severity into due
 * times and a priority.
 */
#ifndef CRM_COMPLAINT_H
#define CRM_COMPLAINT_H

#include <stddef.h>
#include <stdint.h>

struct crm_reader;
struct crm_rec;

/* No time: a timestamp that was never set (not responded, not resolved). */
#define CRM_COMPLAINT_NOTIME INT64_MIN

/* Lifecycle states, in the order a complaint usually goes through them. */
enum crm_complaint_status {
	CRM_CS_OPEN,            /* recorded, nobody answered yet */
	CRM_CS_ASSIGNED,        /* handed to an owner, not answered yet */
	CRM_CS_RESPONDED,       /* the customer got a first response */
	CRM_CS_RESOLVED,        /* a solution was given */
	CRM_CS_CLOSED,          /* closed with the customer's verdict */
	CRM_CS_REOPENED         /* resolved or closed, then opened again */
};

/* Events, as indices into crm_vocab_event (lib/kinds.h). */
enum crm_complaint_event {
	CRM_CE_OPEN, CRM_CE_CLASSIFY, CRM_CE_ASSIGN, CRM_CE_RESPOND,
	CRM_CE_RESOLVE, CRM_CE_REOPEN, CRM_CE_CLOSE
};

/* "open", "assigned", ... for a status. */
const char *crm_complaint_status_name(int status);
/* Is the complaint still being handled (not resolved and not closed)? */
int crm_complaint_status_active(int status);

/*
 * The current state of one complaint.  Strings are owned by the fold and
 * never NULL ("" when unknown); times are Unix seconds with the UTC offset
 * (minutes) they were written in, or CRM_COMPLAINT_NOTIME.
 */
struct crm_complaint {
	char *id;
	char *customer_id;
	char *channel;
	char *category;
	char *cause;
	char *owner;            /* the opening agent, later the assignee */
	char *text;             /* the text of the open event */
	int status;             /* enum crm_complaint_status */
	int severity;           /* index in crm_vocab_severity, -1 unknown */
	int priority;           /* 1 (most urgent) .. 4, 0 unknown */
	char *graded_category;  /* of the last classify event naming one: a
	                           person's grading ("" none) */
	char *graded_cause;     /* that event's cause, "" none */
	int graded_severity;    /* and severity, -1 none */
	int satisfaction;       /* 1..5 from the last resolve or close, 0 none */
	int reopens;            /* reopen events */
	int64_t opened;
	int opened_off;
	int64_t responded;      /* first response: the first respond, or a
	                           resolve that came before any (kept
	                           through a reopen) */
	int64_t resolved;       /* last resolution (cleared by a reopen) */
	int64_t closed;
	int64_t reopened;       /* last reopen: the resolution clock's start */
	int64_t due_response;
	int64_t due_resolve;
	int64_t last;           /* time of the last event */
	int last_off;           /* and its UTC offset, in minutes */
	size_t events;          /* events folded */
	size_t recent;          /* complaints by the same customer opened in the
	                           window ending at this one's opening, itself
	                           included (crm_complaint_fold_recent) */
};

/*
 * Is event allowed on c?  c is NULL for a complaint not yet opened.
 * Returns NULL when it is, or a reason naming the current state:
 * "complaint is closed", "complaint was not opened",
 * "complaint is already open".  The rules: open only a new id; classify,
 * assign, respond and resolve an active complaint (open, assigned,
 * responded, reopened); reopen a resolved or closed one; close a resolved
 * one.  The reason is a static string or one kept in a static buffer until
 * the next call.
 */
const char *crm_complaint_check(const struct crm_complaint *c, int event);

/* Column positions of the complaint fields in a record (-1 absent). */
struct crm_complaint_cols {
	int id, ts, event, customer_id, status, category, cause, severity,
	    priority, channel, agent, due_response, due_resolve, satisfaction,
	    text;
};

/*
 * Find the columns by name in r's header.  Returns 0, or -1 with a message
 * in err when complaint_id, ts or event is missing.
 */
int crm_complaint_cols_find(struct crm_complaint_cols *cols,
    struct crm_reader *r, char *err, size_t errlen);
/* The same from the column names of a header (names[0..n)); -1 when
 * complaint_id, ts or event is missing. */
int crm_complaint_cols_names(struct crm_complaint_cols *cols,
    const char *const *names, size_t n);

struct crm_complaint_fold;

/* A new empty fold; free it with crm_complaint_fold_free. */
struct crm_complaint_fold *crm_complaint_fold_new(void);
void crm_complaint_fold_free(struct crm_complaint_fold *f);

/*
 * Only fold events at or before t (for --as-of); later ones are skipped
 * without error by crm_complaint_fold_add (which then returns 1).
 */
void crm_complaint_fold_until(struct crm_complaint_fold *f, int64_t t);

/*
 * Is an event at t (written with UTC offset off, in minutes) in order on
 * c, not before c's last event?  NULL when it is (or c is NULL), else the
 * reason "T is before its last event at LAST", kept in a static buffer
 * until the next call.  crm-complaint update refuses such an event.
 */
const char *crm_complaint_check_time(const struct crm_complaint *c,
    int64_t t, int off);
/*
 * Refuse, from now on, an event dated before its complaint's last event
 * (crm_complaint_check_time), as crm-complaint update does: for a check
 * of a log.  Without it such an event is folded in log order, as list
 * and the reports read it.
 */
void crm_complaint_fold_ordered(struct crm_complaint_fold *f);

/*
 * Fold one event record.  Returns 0 when folded, 1 when skipped (after the
 * crm_complaint_fold_until time), or -1 when the record is refused: *why
 * gets a reason ("not a timestamp", "unknown event", "complaint is closed",
 * with crm_complaint_fold_ordered "T is before its last event at LAST",
 * ...) and *col the column at fault (-1 for the record as a whole), for
 * crm_reader_seterr.  A refused record changes nothing.  Empty fields of an
 * event leave the state as it was; a non-empty customer_id, channel,
 * category, cause, severity, priority, due_response or due_resolve replaces
 * it; agent sets the owner on open and assign (and on respond when there is
 * no owner yet); satisfaction counts on resolve and close.
 */
int crm_complaint_fold_add(struct crm_complaint_fold *f,
    const struct crm_complaint_cols *cols, const struct crm_rec *rec,
    const char **why, int *col);

/*
 * Read a whole complaint log into f.  Records that are refused are
 * reported through warn(ctx, message) (message "FILE:LINE: FIELD: reason
 * 'value'"; warn may be NULL) and skipped.  Returns the number of refused
 * records, or -1 on a fatal error with the reason in err (file
 * unreadable, header missing the required columns).
 */
long crm_complaint_fold_file(struct crm_complaint_fold *f, const char *path,
    void (*warn)(void *ctx, const char *msg), void *ctx, char *err,
    size_t errlen);
/*
 * As crm_complaint_fold_file, for a reader that holds no lock on the log
 * (crm-complaint's writers hold the exclusive one and read with
 * crm_complaint_fold_file): a named regular file is read as a store file
 * (rec.h, opts.store), up to its last newline as of opening, found under
 * the shared lock, so that neither an append in progress nor a torn tail
 * left by a crash is taken for an event.  A torn tail is said once on
 * standard error (crm_reader_torn_warn) and changes nothing else.
 */
long crm_complaint_fold_store(struct crm_complaint_fold *f, const char *path,
    void (*warn)(void *ctx, const char *msg), void *ctx, char *err,
    size_t errlen);

/* The complaint with id, or NULL. */
struct crm_complaint *crm_complaint_fold_find(struct crm_complaint_fold *f,
    const char *id);
/* Number of complaints, and the i-th one (0 <= i < count) in the current
 * order: log order of the open events until crm_complaint_fold_sort. */
size_t crm_complaint_fold_count(const struct crm_complaint_fold *f);
struct crm_complaint *crm_complaint_fold_at(struct crm_complaint_fold *f,
    size_t i);
/* Sort by opening time, then id (the order crm-complaint list prints). */
void crm_complaint_fold_sort(struct crm_complaint_fold *f);

/*
 * Set c->recent for every complaint: how many complaints of the same
 * customer were opened in (opened - window_s, opened], the complaint itself
 * included.  Complaints without a customer_id get 1.
 */
void crm_complaint_fold_recent(struct crm_complaint_fold *f, int64_t window_s);

/*
 * The SLA and priority policy.  Hours per severity (low, normal, high,
 * urgent) until the first response and until resolution; the repeat
 * complainer threshold (count complaints within days).
 */
struct crm_complaint_policy {
	long response_h[4];
	long resolve_h[4];
	long repeat_count;
	long repeat_days;
};

/* The defaults: response 24 h; resolution 72, 72, 48, 24 h; 3 in 90 days. */
void crm_complaint_policy_init(struct crm_complaint_policy *p);
/*
 * Set one key from "KEY=VALUE" or "KEY VALUE": response, resolve (every
 * severity), response.SEV, resolve.SEV (hours, 1..87600), repeat_count
 * (1..1000000), repeat_days (1..36500).  Returns NULL or a reason.
 */
const char *crm_complaint_policy_set(struct crm_complaint_policy *p,
    const char *kv);
/*
 * Read a policy file: one KEY VALUE per line (spaces, tabs or '='
 * between), blank lines and '#' comments ignored.  Returns 0, or -1 with
 * "FILE:LINE: reason" in err.
 */
int crm_complaint_policy_load(struct crm_complaint_policy *p,
    const char *path, char *err, size_t errlen);

/* Things that raise a priority by one step each. */
#define CRM_PRIO_TIER    0x1u  /* platinum or gold customer */
#define CRM_PRIO_REPEAT  0x2u  /* repeat complainer */
#define CRM_PRIO_PUBLIC  0x4u  /* public channel (social, forum) */
#define CRM_PRIO_OVERDUE 0x8u  /* past a due time */

/* Priority 1..4: urgent 1, high 2, normal 3, low 4 (unknown counts as
 * normal), then one step more urgent per flag set, never below 1. */
int crm_complaint_priority(int severity, unsigned raise);
/* Is channel a public one (social, forum)? */
int crm_complaint_channel_public(const char *channel);

/*
 * The rule set for triage.  A rule file is TSV with a header line naming at
 * least id, pattern, category, cause and severity (weight optional, default
 * 0); see crm-complaint-rules(5).  A pattern starting with (?i) is caseless.
 * A set is built from files in layers: the rules of each file added come
 * after those already there, except that a rule whose id an earlier file
 * has replaces that rule where it stands (its position, and so its rank
 * among equals and its place in the matched list, are the replaced
 * rule's).  Within one file an id may appear once.
 */
struct crm_complaint_rules;

/* A rule set holds at most this many rules, all its files together
 * ("FILE:LINE: more than N rules"): every rule is tried on every text, so
 * a runaway file must not make triage crawl. */
#define CRM_COMPLAINT_MAX_RULES 10000

/* An empty rule set (it matches nothing: every text is "other"). */
struct crm_complaint_rules *crm_complaint_rules_new(void);
/*
 * Add the rules of path on top of those of rs.  Returns 0, or -1 with a
 * message in err naming the file and, for its content, the line:
 * "FILE: strerror" for a file that cannot be opened, "FILE:LINE: rule ID:
 * pattern: PCRE2 MESSAGE" for a pattern that does not compile,
 * "FILE:LINE: FIELD: reason 'value'" for a bad field.  After -1 the rules
 * read from path before the bad line may be in rs: free it.
 */
int crm_complaint_rules_add(struct crm_complaint_rules *rs, const char *path,
    char *err, size_t errlen);
/* A new set of the rules of one file (NULL with a message in err, as
 * crm_complaint_rules_add). */
struct crm_complaint_rules *crm_complaint_rules_load(const char *path,
    char *err, size_t errlen);
void crm_complaint_rules_free(struct crm_complaint_rules *rs);
size_t crm_complaint_rules_count(const struct crm_complaint_rules *rs);
const char *crm_complaint_rule_id(const struct crm_complaint_rules *rs,
    size_t i);
/* Backtracking limit per rule match (0: lib/re.h's default), for the rules
 * there and those added later. */
void crm_complaint_rules_limit(struct crm_complaint_rules *rs,
    unsigned long limit);
/* Number of rules that have no literal prefilter and run on every text. */
size_t crm_complaint_rules_unfiltered(struct crm_complaint_rules *rs);

/*
 * The outcome of matching one text.  Every matching rule contributes; the
 * winner is the matching rule of highest severity, ties going to the
 * higher weight, then to the earlier rule in the set.  severity is the
 * winner's; category and cause are those of the best-ranked matching rule
 * whose category (cause) is not "-", so a rule with "-" (an escalation
 * trigger) raises the severity without hiding what the complaint is about.
 * When only rules with category "-" matched, the category is "escalation";
 * when nothing matched, category "other", cause "", severity normal.
 * matched[0..nmatched) are the indices of the matching rules in set order;
 * the array is owned by the rule set and valid until the next match or
 * the next file added.
 */
struct crm_complaint_triage {
	const char *category;
	const char *cause;
	int severity;
	const size_t *matched;
	size_t nmatched;
	size_t rule;            /* the rule that gave the category (for
	                           "escalation" the winner), (size_t)-1 none */
};

/*
 * Match text[0..n) against every rule.  Returns 0, or -1 when a rule's
 * match failed (backtracking limit, invalid UTF-8): *bad is then that
 * rule's index and crm_complaint_rules_error says why.
 */
int crm_complaint_triage(struct crm_complaint_rules *rs, const char *text,
    size_t n, struct crm_complaint_triage *out, size_t *bad);
const char *crm_complaint_rules_error(const struct crm_complaint_rules *rs);

struct crm_nb;

/* The default --min-confidence: a learned guess less likely than this is
 * left "other". */
#define CRM_COMPLAINT_MIN_CONFIDENCE 0.5

/*
 * The learned fallback (lib/nb.h) after the rules: when no rule matched
 * tr (the outcome of crm_complaint_triage for text) and model is not
 * NULL, the model's guess replaces category "other" with its class, and
 * cause and severity with the class's (severity normal when the class has
 * none), if its confidence is at least min_conf.  *by is then "model";
 * it is the id of tr->rule when a rule matched, else "".  *conf is the
 * guess's confidence, or -1 when the model was not asked or knew no word
 * of the text.  The strings are the rule set's or the model's.
 */
void crm_complaint_fallback(const struct crm_complaint_rules *rs,
    const struct crm_nb *model, double min_conf, const char *text, size_t n,
    struct crm_complaint_triage *tr, const char **by, double *conf);

#endif
