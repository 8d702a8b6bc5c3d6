/*
 * report: the room every crm-report report lives in.
 *
 * A report is an operations table (struct crm_report_ops): what it is
 * called, which options it takes, which columns its input needs, and the
 * functions that make its state, add one record, write and merge partial
 * counters, and turn the state into named tables (rtab) and named charts.
 * The driver here does everything the reports share, once: it opens the
 * inputs, checks their headers and columns, runs the read loop with its
 * diagnostics, reads and writes partial results, selects --table and
 * writes the tables and the charts (--plot, --format html).  The library
 * never exits and never prints: diagnostics go to the caller's callback,
 * fatal errors come back as -1 with a message.
 *
 * Adding a report:
 *  1. one file lib/report_NAME.c with a header comment saying its job,
 *     defining `const struct crm_report_ops crm_report_NAME` (and its
 *     small figure functions in report_figs.h when they are worth a test),
 *     with .by_attr set when each record names its customer, so that
 *     --customers --by ATTR groups it;
 *  2. one entry in crm_reports[] in report.c, in the order of the usage;
 *  3. its unit tests in tests/unit/test-report-NAME.c, figures computed by
 *     hand, and a golden bats test in tests/50-report.bats;
 *  4. its section in man/crm-report.1 and its line in the usage text of
 *     cmd/crm-report.c.
 */
#ifndef CRM_REPORT_H
#define CRM_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "custattr.h"
#include "out.h"
#include "pyramid.h"
#include "rec.h"
#include "rtab.h"
#include "strmap.h"
#include "util.h"
#include "value.h"

#define CRM_REPORT_NONE "(none)"        /* the group of an empty field */
#define CRM_REPORT_MAXTABS 8

/* Flags of a report: the options it takes. */
#define CRM_REPORT_MERGE   0x01u  /* --partial and --merge */
#define CRM_REPORT_ASOF    0x02u  /* --as-of */
#define CRM_REPORT_NOW     0x04u  /* needs a "now" (clock when no --as-of) */
#define CRM_REPORT_BY      0x08u  /* --by, one of ops->by */
#define CRM_REPORT_BY_ANY  0x40u  /* --by, any column of the input */
#define CRM_REPORT_PERIOD  0x10u  /* --period */
#define CRM_REPORT_COHORTS 0x80u  /* --cohorts */
#define CRM_REPORT_TIERS   0x20u  /* --tiers and --abc */
#define CRM_REPORT_SORT    0x200u /* --sort, one of ops->sort */
#define CRM_REPORT_COMPL   0x100u /* --complaints FILE, a complaint log */
#define CRM_REPORT_WEEK    0x400u /* --week, --surveys FILE and
                                     --transactions FILE */
#define CRM_REPORT_PHEAD   0x800u /* every part of its partials opens
                                     with its format row (scope "#") */
#define CRM_REPORT_CAMPAIGN 0x1000u /* --window N and --transactions FILE */

/* One --plot: the chart named name (NULL: the report's main chart) into
 * the file path. */
struct crm_report_plot {
	const char *name;
	const char *path;
};

/* The --plot argument arg ("FILE.svg" or "NAME=FILE.svg") into *p,
 * pointing into arg (the '=' becomes a NUL); NAME is the text before the
 * first '=' when it holds no '/' or '.', as crm-segment reads its --plot,
 * so "./a=b.svg" is a file.  0; -1 when the file is empty. */
int crm_report_plot_parse(char *arg, struct crm_report_plot *p);

/* What the command decided; the reports read it, the driver fills status
 * and charts. */
struct crm_report_opts {
	const char *by;         /* --by value or NULL */
	int period;             /* --period: enum crm_report_period */
	int cohorts;            /* --cohorts */
	int partial, merge;     /* --partial, --merge */
	const struct crm_report_plot *plots;    /* --plot, in order */
	size_t nplots;
	int charts;             /* charts will be drawn (--plot or --format
	                           html): keep what they need */
	const char *sort;       /* --sort column or NULL */
	const char *complaints; /* --complaints file or NULL */
	const char *surveys;    /* --surveys file or NULL */
	const char *transactions; /* --transactions file or NULL */
	int campaign_window;    /* --window: days a campaign contact waits
	                           for a response, 0 for the default (14) */
	int week_set;           /* --week given: week is its number */
	int32_t week;           /* (crm_report_period_of) */
	int csv;                /* --csv: inputs are CSV */
	int window;             /* --since or --until: since..until */
	int32_t since, until;   /* inclusive days, CRM_DATE_MIN..MAX */
	int32_t done_day;       /* a period ended by this day is complete */
	int asof_set;           /* asof_t / asof_day are set */
	int64_t asof_t;
	int asof_off;
	int32_t asof_day;
	int asof_clock;         /* asof_t is the clock's: no --as-of,
	                           CRM_AS_OF or --until */
	struct crm_pyramid_opts pyr;
	/* Where record diagnostics go ("FILE:LINE: FIELD: msg"); each call
	 * also sets status to CRM_EXIT_REJECT. */
	void (*diag)(const char *msg);
	int status;
	/* --customers FILE (with --id-map FILE): the customers' attributes,
	 * loaded by crm_report_run into attrs (NULL before, and without
	 * --customers) for the driver's --by ATTR and for the reports that
	 * use them (churn's lost reasons). */
	const char *customers, *id_map;
	const char *attr;       /* --by a customer attribute, or NULL */
	const char *group;      /* the value of attr a group's state holds
	                           (the driver's), NULL for all records */
	int32_t attr_day;       /* the day age_band and tenure_band are of */
	struct crm_custattr *attrs;
};

/* Report a diagnostic through o->diag and mark the run as rejecting. */
void crm_report_diag(struct crm_report_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Partial results: rows (scope, group, metric, value, n) collected here,
 * written sorted by "scope\tgroup\tmetric\tvalue", rows with n 0 left
 * out. */
struct crm_report_sink;
void crm_report_put(struct crm_report_sink *s, const char *scope,
    const char *group, const char *metric, const char *value, int64_t n);

struct crm_report_ops {
	const char *name;
	unsigned flags;
	const char *const *by;          /* --by values, NULL-terminated
	                                   (CRM_REPORT_BY) */
	const char *const *columns;     /* columns every input must have,
	                                   NULL-terminated, or NULL */
	const char *const *sort;        /* --sort values, NULL-terminated
	                                   (CRM_REPORT_SORT) */
	/* A new empty state for one run; o stays valid until free. */
	void *(*new)(struct crm_report_opts *o);
	/* One more input, its header read and ops->columns found: find the
	 * columns, 0; or -1 with the reason in err (the file is skipped). */
	int (*begin)(void *st, struct crm_reader *r, char *err, size_t errlen);
	/* Add one record: 0; or -1 with the reason in *why and the column
	 * to blame in *col (-1: none), valid until the next call. */
	int (*add)(void *st, const struct crm_rec *rec, const char **why,
	    int *col);
	/* Mergeable reports: every counter into s, and one counter read
	 * back from a partial: 0; or -1 with the reason in *why and the
	 * partial column to blame in *col (2 scope, 3 group, 4 metric,
	 * 5 value, 6 n), the row then reported and left out.  With
	 * CRM_REPORT_PHEAD the first row of each part (a file, or what
	 * follows a repeated header line) must have scope "#": the driver
	 * refuses a part without one, and leaves out the rest of a part
	 * whose "#" row merge refused. */
	void (*partial)(void *st, struct crm_report_sink *s);
	int (*merge)(void *st, const char *scope, const char *group,
	    const char *metric, const char *value, int64_t n,
	    const char **why, int *col);
	/* The tables, into ts[0..CRM_REPORT_MAXTABS): their number; or -1
	 * with a message in err. */
	int (*tables)(void *st, struct crm_rtab **ts, char *err,
	    size_t errlen);
	/* The report's charts (NULL: it draws none), chart 0 its main one,
	 * the one a bare --plot FILE.svg writes; which charts there are may
	 * depend on the options, never on the data.  Returns their number;
	 * for k below it, sets *name to chart k's name (a short word) and,
	 * when svg is not NULL, appends chart k to svg as a complete SVG
	 * document.  Charts are drawn after tables. */
	size_t (*plots)(void *st, size_t k, struct crm_buf *svg,
	    const char **name);
	void (*free)(void *st);
	/* --by ATTR, a customer attribute of --customers: 1 when the driver
	 * may group the report's records by their customer's attribute, one
	 * state per value (the tables of each, labelled, then the tables of
	 * all under "total"; --plot draws all).  A record's customer is its
	 * customer_id; with attr_key, a record without one belongs to the
	 * customer of the first record with the same attr_key (a complaint's
	 * later events).  A customer missing from the file, or a record
	 * without one, is CRM_CUSTATTR_UNKNOWN; an empty attribute
	 * CRM_REPORT_NONE. */
	int by_attr;
	const char *attr_key;
};

/* For a merge hook of a CRM_REPORT_PHEAD report: whether the "#" row's
 * group and metric are "format" and version; -1 with the reason in *why
 * (kept in buf) and the column to blame in *col when they are not. */
int crm_report_format_check(const char *group, const char *metric,
    const char *version, char *buf, size_t buflen, const char **why,
    int *col);

/* The reports, NULL-terminated, in the order of the usage. */
extern const struct crm_report_ops *const crm_reports[];
/* The report named name, or NULL. */
const struct crm_report_ops *crm_report_find(const char *name);

/* What crm_report_run writes the tables with. */
struct crm_report_out {
	struct crm_out *out;
	enum crm_rfmt fmt;
	unsigned flags;         /* CRM_RTAB_CHART, CRM_RTAB_EXCEL_SAFE */
	const char *table;      /* --table or NULL */
};

/*
 * Run report ops over files[0..n) (n 0: standard input): read them (as
 * partials with o->merge), then write the partial (o->partial) or the
 * tables and the charts: every chart o->plots names into its file, and
 * with --format html every chart of the report on the page.  A --plot
 * naming no chart of the report is an error before any input is read.
 * With o->customers the customers file is read first into o->attrs (its
 * bad records told through o->diag) and freed at the end; o->attr then
 * groups the records (see by_attr), its column missing from the file
 * being fatal.  Returns 0, with o->status saying whether
 * records were rejected; or -1 with a message in err when nothing
 * trustworthy could be written.
 */
int crm_report_run(const struct crm_report_ops *ops,
    struct crm_report_opts *o, char *const *files, size_t n,
    const struct crm_report_out *ro, char *err, size_t errlen);

/*
 * Read the file at path as one more input of ops into its state st, a
 * second input of another report (weekly reads its surveys through the
 * satisfaction report this way): its header and columns checked, each
 * record added, every refusal reported through o->diag, exactly as for an
 * operand of crm_report_run.  Returns 0; or -1 with the reason in err
 * when the file cannot be opened or its header read.
 */
int crm_report_read(const struct crm_report_ops *ops, void *st,
    struct crm_report_opts *o, const char *path, char *err, size_t errlen);

/* ---- helpers the report files share ---- */

/* A customer's standing follow-up, as crm-log due and crm-report agents
 * keep it: the next_action of their latest interaction (the earliest one
 * among interactions of that same instant); any later interaction
 * settles it.  Zeroed: no interaction seen. */
struct crm_followup {
	int64_t last_us;        /* the latest interaction's instant */
	int32_t next;           /* its next_action day, -1 none */
	int seen;
};

/* One more interaction at us with next_action day next (-1 none): 2 when
 * it is now the latest, 1 when it ties the latest and brings an earlier
 * next_action, 0 when it changes nothing. */
static inline int
crm_followup_see(struct crm_followup *f, int64_t us, int32_t next)
{
	if (!f->seen || us > f->last_us) {
		f->seen = 1;
		f->last_us = us;
		f->next = next;
		return 2;
	}
	if (us == f->last_us && next >= 0 && (f->next < 0 || next < f->next)) {
		f->next = next;
		return 1;
	}
	return 0;
}

/* Field col of rec trimmed, or an empty span.  Inline: every report
 * calls it for every field of every record. */
static inline const char *
crm_report_field(const struct crm_rec *rec, int col, size_t *n)
{
	const char *s;

	if (col < 0 || (size_t)col >= rec->nf) {
		*n = 0;
		return "";
	}
	s = rec->f[col].p;
	*n = rec->f[col].n;
	/* Most fields start and end with a printable ASCII byte, which no
	 * trimming would remove (spaces are ASCII or U+3000). */
	if (*n == 0 || ((unsigned char)(s[0] - 0x21) < 0x5e &&
	    (unsigned char)(s[*n - 1] - 0x21) < 0x5e))
		return s;
	crm_trim(&s, n);
	return s;
}
/* "YYYY-MM" of a date (is_ts 0) or timestamp (its local day); -1 with the
 * reason in *why. */
int crm_report_month(const char *s, size_t n, int is_ts, char out[8],
    const char **why);
/* crm_report_month of a timestamp with the last date that parsed
 * remembered in *c (zero it first): a canonical
 * "YYYY-MM-DDTHH:MM:SS+HH:MM" on a remembered day needs only its time
 * and offset checked.  The same results as crm_report_month. */
struct crm_report_tscache {
	char day[10];
	int ok;
};
int crm_report_month_ts(struct crm_report_tscache *c, const char *s,
    size_t n, char out[8], const char **why);
/* Whether day lies outside --since/--until: a record of such a day is
 * left out silently (add returns 0 without counting it). */
static inline int
crm_report_outside(const struct crm_report_opts *o, int32_t day)
{
	return o->window && (day < o->since || day > o->until);
}
/* The written calendar day of a date (is_ts 0) or of a timestamp (its
 * local day as written, the day its month is taken from); -1 with the
 * reason in *why. */
int crm_report_day(const char *s, size_t n, int is_ts, int32_t *day,
    const char **why);
/* "YYYY-MM" of a day. */
void crm_report_month_of_day(int32_t day, char out[8]);
/* "YYYY-Www" of a day: its ISO 8601 week (crm_date_isoweek), "2026-W48";
 * the year is the week-year, so 2027-01-03 is "2026-W53". */
void crm_report_week_of_day(int32_t day, char out[9]);

/* The length of a report period (--period). */
enum crm_report_period {
	CRM_PERIOD_MONTH,
	CRM_PERIOD_QUARTER,
	CRM_PERIOD_WEEK         /* ISO 8601, Monday first */
};
#define CRM_REPORT_PLABEL 16    /* room for any period label */
/* The number of the period holding day: months (y * 12 + m - 1) or
 * quarters (y * 4 + q - 1) since year 0, or weeks since the Monday
 * 1969-12-29; the next period has the next number. */
int32_t crm_report_period_of(int32_t day, enum crm_report_period k);
/* The first and the last day of period p. */
int32_t crm_report_period_first(int32_t p, enum crm_report_period k);
int32_t crm_report_period_last(int32_t p, enum crm_report_period k);
/* "month", "quarter", "week": the name of a period table and column. */
const char *crm_report_period_name(enum crm_report_period k);
/* The label of the period of day: "2026-11", "2026-Q4", "2026-W48". */
void crm_report_period_label_of_day(int32_t day, enum crm_report_period k,
    char out[CRM_REPORT_PLABEL]);
/* The label of period p: "2026-11", "2026-Q4", "2026-W48". */
void crm_report_period_label(int32_t p, enum crm_report_period k,
    char out[CRM_REPORT_PLABEL]);
/* The last day of the period labelled s ("2026-11", "2026-Q4",
 * "2026-W48"): 0; -1 when s is no period label. */
int crm_report_label_last(const char *s, int32_t *last);
/* The week labelled s ("2026-W48", ISO 8601) into *week, its number as
 * crm_report_period_of counts weeks: NULL; or the reason it is none
 * (a week 53 of a year of 52 weeks is refused, not taken for week 1 of
 * the next). */
const char *crm_report_week_parse(const char *s, int32_t *week);
/* Add the column "complete" to the period table t whose column lc holds
 * period labels: 1 when the period's last day is on or before
 * o->done_day, 0 while it is still running, empty in the totals rows and
 * for a label that is no period; and under the table (--format table) a
 * note naming the periods still running. */
void crm_report_complete(struct crm_rtab *t, const struct crm_report_opts *o,
    size_t lc);
/* A new table whose columns from nlabel on are numeric. */
struct crm_rtab *crm_report_tab(const char *name, const char *const *cols,
    size_t n, size_t nlabel);
#define CRM_REPORT_TAB(name, nlabel, ...) \
	crm_report_tab(name, (const char *const[]){ __VA_ARGS__ }, \
	    sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(char *), \
	    nlabel)
/* Cells: a / b to four places (empty when b is 0), sum / n to two places
 * (empty when n is 0), an integer. */
void crm_report_share(struct crm_rtab *t, double a, double b);
void crm_report_mean(struct crm_rtab *t, double sum, double n);
void crm_report_int(struct crm_rtab *t, int64_t v);
/* Slots of m sorted by key bytewise (strcmp), into a new array. */
size_t *crm_report_sorted(const struct crm_strmap *m);

#endif
