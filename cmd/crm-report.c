/*
 * crm-report: the figures a service manager asks for every Monday
 * (satisfaction, channels, 20/80 value, churn, complaints, funnel, agents,
 * the weekly summary of them all, and campaigns), as named tables
 * in any output format, with terminal bars and SVG pictures.  The reports
 * themselves live in lib/report*.c; this is their options and their exit
 * status.
 */
#include <err.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kinds.h"
#include "out.h"
#include "pyramid.h"
#include "report.h"
#include "rtab.h"
#include "value.h"

static const char usage_text[] =
    "usage: crm-report satisfaction [--by month|week|channel|agent|item] "
    "[options] [FILE ...]\n"
    "       crm-report channels [--period P] [options] [FILE ...]\n"
    "       crm-report value [--as-of D] [--tiers P,G,I] [--abc A,B] "
    "[options] [FILE ...]\n"
    "       crm-report churn [--as-of D] [--period P] [--cohorts] "
    "[options] [FILE ...]\n"
    "       crm-report complaints [--as-of T] [--period P] [options] "
    "[FILE ...]\n"
    "       crm-report funnel [--by COLUMN] [options] [FILE ...]\n"
    "       crm-report agents [--as-of T] [--by month] "
    "[--complaints FILE]\n"
    "                         [--sort COLUMN] [options] [FILE ...]\n"
    "       crm-report weekly [--as-of T] [--week YYYY-Www] "
    "[--complaints FILE]\n"
    "                         [--surveys FILE] [--transactions FILE] "
    "[options] [FILE ...]\n"
    "       crm-report campaigns [--as-of T] [--window DAYS] "
    "[--transactions FILE]\n"
    "                         [options] [FILE ...]\n"
    "options: [--chart] [--csv] [--customers FILE [--id-map FILE]] "
    "[--excel-safe]\n"
    "         [--format table|tsv|csv|jsonl|md|html]\n"
    "         [--merge] [--partial] [--plot [CHART=]FILE.svg ...] "
    "[--since DATE]\n"
    "         [--table NAME] [--until DATE]\n"
    "--by ATTR with --customers: any column of the customers file, "
    "age_band or\n"
    "tenure_band (satisfaction, channels, value, churn, complaints); "
    "--by tier with\n"
    "--transactions FILE (value and churn: their own inputs);\n"
    "charts (the first is the one a bare --plot FILE.svg writes):\n"
    "  satisfaction csat, nps, responses; channels trend; value pareto, "
    "lorenz;\n"
    "  churn rate (with --cohorts: cohorts, rate); complaints trend, sla;\n"
    "  weekly channels; campaigns response\n"
    "periods P: month, quarter, week (ISO 8601, Monday first, 2026-W48);\n"
    "a period table's column complete is 0 for a period still running\n";

/* value must be one of list (NULL-terminated), else a usage error naming
 * opt and listing them. */
static void
one_of(const char *opt, const char *what, const char *value,
    const char *const *list)
{
	struct crm_buf b;

	if (crm_vocab_index(list, value, strlen(value)) >= 0)
		return;
	crm_buf_init(&b);
	crm_vocab_list(list, &b);
	errx(CRM_EXIT_FATAL, "%s: unknown %s '%s' (%s)", opt, what, value,
	    b.p);
}

static void __attribute__((noreturn))
usage(int code)
{
	crm_cli_usage(code, usage_text);
}

/* --tiers P,G,I or --abc A,B into v, or a usage error. */
static void
pctopt(const char *name, const char *s, int64_t *v, int k, int cumulate)
{
	const char *why = crm_pyramid_pctlist(s, v, k, cumulate);

	if (why) {
		warnx("%s: %s: '%s'", name, why, s);
		usage(CRM_EXIT_FATAL);
	}
}

/* "--OPT applies to A and B only": the reports that take flag. */
static void __attribute__((noreturn))
only(const char *what, unsigned flag)
{
	struct crm_buf b;
	size_t n = 0, k = 0;

	for (size_t i = 0; crm_reports[i]; i++)
		n += (crm_reports[i]->flags & flag) != 0;
	crm_buf_init(&b);
	for (size_t i = 0; crm_reports[i]; i++) {
		if (!(crm_reports[i]->flags & flag))
			continue;
		k++;
		crm_buf_addf(&b, "%s%s", k == 1 ? "" : k == n ? " and " :
		    ", ", crm_reports[i]->name);
	}
	errx(CRM_EXIT_FATAL, "%s %s %s only", what, strchr(what, ' ') ?
	    "apply to" : "applies to", b.p);
}

/*
 * Whether --by value is a customer attribute for the driver to group by
 * (report.h, by_attr): not one of the report's own groupings, and with
 * --customers for a report whose records name their customer; any other
 * attribute grouping is a usage error saying why.  Without --customers a
 * report with groupings of its own keeps its message.
 */
static int
attr_by(const struct crm_report_ops *rp, const char *by, int customers)
{
	if (rp->flags & CRM_REPORT_BY_ANY)
		return 0;       /* funnel: its own columns and bands */
	if ((rp->flags & CRM_REPORT_BY) &&
	    crm_vocab_index(rp->by, by, strlen(by)) >= 0)
		return 0;
	if (!strcmp(by, "tier") && rp->by_attr)
		return 1;       /* from revenue: --transactions or the inputs */
	if (!customers) {
		/* a grouping of other reports keeps its message */
		for (size_t i = 0; crm_reports[i]; i++)
			if (crm_reports[i]->by && crm_vocab_index(
			    crm_reports[i]->by, by, strlen(by)) >= 0)
				return 0;
		if (rp->by_attr && !(rp->flags & CRM_REPORT_BY))
			errx(CRM_EXIT_FATAL, "--by %s: a customer attribute "
			    "needs --customers FILE", by);
		return 0;
	}
	if (!rp->by_attr) {
		struct crm_buf b;
		size_t n = 0, k = 0;

		for (size_t i = 0; crm_reports[i]; i++)
			n += crm_reports[i]->by_attr ||
			    (crm_reports[i]->flags & CRM_REPORT_BY_ANY);
		crm_buf_init(&b);
		for (size_t i = 0; crm_reports[i]; i++)
			if (crm_reports[i]->by_attr ||
			    (crm_reports[i]->flags & CRM_REPORT_BY_ANY))
				crm_buf_addf(&b, "%s%s", k++ == 0 ? "" :
				    k == n ? " and " : ", ",
				    crm_reports[i]->name);
		errx(CRM_EXIT_FATAL, "--by %s: %s cannot group by a customer "
		    "attribute (only %s can)", by, rp->name, b.p);
	}
	return 1;
}

/* The as-of time: --as-of, else CRM_AS_OF, else the end of the --until
 * day (until, when not NULL), else with need_now the clock (otherwise
 * o->asof_set stays 0: the data's own last day). */
static void
asof_init(struct crm_report_opts *o, const char *asof, const char *until,
    int need_now)
{
	const char *why, *src = asof ? asof : getenv("CRM_AS_OF");
	char end[32];

	if (src && *src) {
		why = crm_asof_parse(src, &o->asof_t, &o->asof_off);
		if (why)
			errx(CRM_EXIT_FATAL, "%s: %s '%s'", asof ?
			    "--as-of" : "CRM_AS_OF", why, src);
	} else if (until) {
		crm_date_format(o->until, end);
		strcat(end, "T23:59:59");
		why = crm_asof_parse(end, &o->asof_t, &o->asof_off);
		if (why)
			errx(CRM_EXIT_FATAL, "--until: %s '%s'", why, until);
	} else if (need_now) {
		why = crm_now(&o->asof_t, &o->asof_off);
		if (why)
			errx(CRM_EXIT_FATAL, "CRM_AS_OF: %s", why);
		o->asof_clock = 1;
	} else {
		return;
	}
	o->asof_day = crm_ts_days(o->asof_t, o->asof_off);
	o->asof_set = 1;
}

/* The day a period must have ended by to be complete: the as-of day
 * (--as-of or CRM_AS_OF, for every report), the --until day when earlier
 * or alone, else today. */
static void
done_init(struct crm_report_opts *o, const char *asof, const char *until)
{
	const char *why, *src = asof ? asof : getenv("CRM_AS_OF");
	int64_t t;
	int off;

	if (src && *src) {
		why = crm_asof_parse(src, &t, &off);
		if (why)
			errx(CRM_EXIT_FATAL, "%s: %s '%s'", asof ?
			    "--as-of" : "CRM_AS_OF", why, src);
		o->done_day = crm_ts_days(t, off);
		if (until && o->until < o->done_day)
			o->done_day = o->until;
	} else if (until) {
		o->done_day = o->until;
	} else {
		why = crm_now(&t, &off);
		if (why)
			errx(CRM_EXIT_FATAL, "CRM_AS_OF: %s", why);
		o->done_day = crm_ts_days(t, off);
	}
}

/* A --since or --until day into *day, or a usage error. */
static void
dayopt(const char *name, const char *s, int32_t *day)
{
	const char *why = crm_date_parse(s, strlen(s), 0, day);

	if (why) {
		warnx("%s: %s '%s'", name, why, s);
		usage(CRM_EXIT_FATAL);
	}
}

static void
diag(const char *msg)
{
	warnx("%s", msg);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "abc", required_argument, NULL, 'A' },
		{ "as-of", required_argument, NULL, 'a' },
		{ "by", required_argument, NULL, 'b' },
		{ "chart", no_argument, NULL, 'c' },
		{ "cohorts", no_argument, NULL, 'C' },
		{ "complaints", required_argument, NULL, 'K' },
		{ "csv", no_argument, NULL, 'S' },
		{ "customers", required_argument, NULL, 'U' },
		{ "excel-safe", no_argument, NULL, 'X' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "id-map", required_argument, NULL, 'I' },
		{ "merge", no_argument, NULL, 'm' },
		{ "partial", no_argument, NULL, 'P' },
		{ "period", required_argument, NULL, 'p' },
		{ "plot", required_argument, NULL, 'o' },
		{ "since", required_argument, NULL, 's' },
		{ "sort", required_argument, NULL, 'O' },
		{ "surveys", required_argument, NULL, 'Y' },
		{ "table", required_argument, NULL, 't' },
		{ "tiers", required_argument, NULL, 'T' },
		{ "transactions", required_argument, NULL, 'R' },
		{ "until", required_argument, NULL, 'u' },
		{ "version", no_argument, NULL, 'V' },
		{ "week", required_argument, NULL, 'W' },
		{ "window", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	struct crm_report_opts o;
	struct crm_report_out ro = { &crm_stdout, CRM_RFMT_TSV, 0, NULL };
	const struct crm_report_ops *rp;
	const char *asof = NULL, *period = NULL, *tiers = NULL, *abc = NULL;
	const char *since = NULL, *until = NULL, *week = NULL;
	struct crm_report_plot *plots = NULL;
	size_t aplots = 0;
	const char *window = NULL;
	int ch, fmt = -1, chart = 0, excel_safe = 0;
	char e[1024];

	crm_cli_locale();
	memset(&o, 0, sizeof o);
	if (argc > 1 && !strcmp(argv[1], "--help"))
		usage(CRM_EXIT_OK);
	if (argc > 1 && !strcmp(argv[1], "--version"))
		crm_cli_version();
	if (argc < 2 || argv[1][0] == '-')
		usage(CRM_EXIT_FATAL);
	rp = crm_report_find(argv[1]);
	if (!rp) {
		warnx("unknown report '%s'", argv[1]);
		usage(CRM_EXIT_FATAL);
	}
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'A':
			abc = optarg;
			break;
		case 'a':
			asof = optarg;
			break;
		case 'b':
			o.by = optarg;
			break;
		case 'C':
			o.cohorts = 1;
			break;
		case 'c':
			chart = 1;
			break;
		case 'f':
			fmt = crm_rfmt_parse(optarg);
			if (fmt < 0) {
				warnx("--format: unknown format '%s' (table, "
				    "tsv, csv, jsonl, md, html)", optarg);
				usage(CRM_EXIT_FATAL);
			}
			break;
		case 'h':
			usage(CRM_EXIT_OK);
		case 'I':
			o.id_map = optarg;
			break;
		case 'K':
			o.complaints = optarg;
			break;
		case 'm':
			o.merge = 1;
			break;
		case 'o':
			crm_grow(&plots, &aplots, o.nplots + 1, sizeof *plots);
			if (crm_report_plot_parse(optarg, &plots[o.nplots]) < 0)
				errx(CRM_EXIT_FATAL, "--plot: no file name: '%s%s'",
				    plots[o.nplots].name ? plots[o.nplots].name :
				    "", plots[o.nplots].name ? "=" : "");
			o.plots = plots;
			o.nplots++;
			break;
		case 'P':
			o.partial = 1;
			break;
		case 'R':
			o.transactions = optarg;
			break;
		case 'p':
			period = optarg;
			break;
		case 'S':
			o.csv = 1;
			break;
		case 's':
			since = optarg;
			break;
		case 'O':
			o.sort = optarg;
			break;
		case 'Y':
			o.surveys = optarg;
			break;
		case 'T':
			tiers = optarg;
			break;
		case 't':
			ro.table = optarg;
			break;
		case 'U':
			o.customers = optarg;
			break;
		case 'u':
			until = optarg;
			break;
		case 'V':
			crm_cli_version();
		case 'W':
			week = optarg;
			break;
		case 'w':
			window = optarg;
			break;
		case 'X':
			excel_safe = 1;
			break;
		default:
			usage(CRM_EXIT_FATAL);
		}
	}
	argc -= optind;
	argv += optind;

	if (o.id_map && !o.customers)
		errx(CRM_EXIT_FATAL, "--id-map needs --customers FILE");
	if (o.customers && (rp->flags & CRM_REPORT_BY_ANY)) {
		/* funnel counts the customers file itself */
		static char *input[2];

		if (argc > 0 || o.id_map)
			errx(CRM_EXIT_FATAL, "%s reads the customers file "
			    "itself: give it as --customers or as FILE, without "
			    "--id-map", rp->name);
		input[0] = (char *)o.customers;
		argv = input;
		argc = 1;
		o.customers = NULL;
	}
	if (o.by && attr_by(rp, o.by, o.customers != NULL)) {
		o.attr = o.by;
		o.by = NULL;
		if (o.partial || o.merge)
			errx(CRM_EXIT_FATAL, "--by %s (a customer attribute): "
			    "not with --partial or --merge", o.attr);
	}
	/* The message names the reports with a fixed list of groupings;
	 * funnel's --by takes any column and is documented on its own. */
	if (o.by && !(rp->flags & (CRM_REPORT_BY | CRM_REPORT_BY_ANY)))
		only("--by", CRM_REPORT_BY);
	if (o.by && (rp->flags & CRM_REPORT_BY))
		one_of("--by", "grouping", o.by, rp->by);
	if (o.sort && !(rp->flags & CRM_REPORT_SORT))
		only("--sort", CRM_REPORT_SORT);
	if (o.sort)
		one_of("--sort", "column", o.sort, rp->sort);
	if (o.complaints && !(rp->flags & CRM_REPORT_COMPL))
		only("--complaints", CRM_REPORT_COMPL);
	if (week && !(rp->flags & CRM_REPORT_WEEK))
		only("--week", CRM_REPORT_WEEK);
	if (o.surveys && !(rp->flags & CRM_REPORT_WEEK))
		only("--surveys", CRM_REPORT_WEEK);
	if (o.transactions && !(rp->flags & (CRM_REPORT_WEEK |
	    CRM_REPORT_CAMPAIGN)) && !(o.attr && !strcmp(o.attr, "tier")))
		only("--transactions", CRM_REPORT_WEEK | CRM_REPORT_CAMPAIGN);
	if (window && !(rp->flags & CRM_REPORT_CAMPAIGN))
		only("--window", CRM_REPORT_CAMPAIGN);
	if (window) {
		int64_t v;

		if (crm_int_parse(window, strlen(window), 1, 36600, &v))
			errx(CRM_EXIT_FATAL, "--window: not a whole number of "
			    "days from 1 to 36600: '%s'", window);
		o.campaign_window = (int)v;
	}
	if (week) {
		const char *why = crm_report_week_parse(week, &o.week);

		if (why)
			errx(CRM_EXIT_FATAL, "--week: %s: '%s'", why, week);
		o.week_set = 1;
	}
	if (period && !(rp->flags & CRM_REPORT_PERIOD))
		only("--period", CRM_REPORT_PERIOD);
	if (o.cohorts && !(rp->flags & CRM_REPORT_COHORTS))
		only("--cohorts", CRM_REPORT_COHORTS);
	if (asof && !(rp->flags & CRM_REPORT_ASOF))
		errx(CRM_EXIT_FATAL, "--as-of does not apply to %s", rp->name);
	if ((o.partial || o.merge) && !(rp->flags & CRM_REPORT_MERGE))
		errx(CRM_EXIT_FATAL, "%s: --partial and --merge are not "
		    "available: its figures need a full pass over the data",
		    rp->name);
	if (fmt < 0)
		fmt = crm_cli_stdout_tty() ? CRM_RFMT_TABLE : CRM_RFMT_TSV;
	if (excel_safe && o.partial)
		errx(CRM_EXIT_FATAL, "--excel-safe: --partial writes TSV only");
	if (excel_safe && fmt != CRM_RFMT_CSV)
		errx(CRM_EXIT_FATAL, "--excel-safe needs --format csv");
	if ((tiers || abc) && !(rp->flags & CRM_REPORT_TIERS))
		only("--tiers and --abc", CRM_REPORT_TIERS);
	crm_pyramid_defaults(&o.pyr);
	if (tiers)
		pctopt("--tiers", tiers, o.pyr.tiers, 3, 1);
	if (abc)
		pctopt("--abc", abc, o.pyr.abc, 2, 0);
	if (chart && fmt != CRM_RFMT_TABLE && fmt != CRM_RFMT_MD)
		errx(CRM_EXIT_FATAL, "--chart needs --format table or md");
	if (o.nplots && !rp->plots)
		errx(CRM_EXIT_FATAL, "--plot: %s draws no picture", rp->name);
	if (o.partial && (ro.table || chart || o.nplots))
		errx(CRM_EXIT_FATAL, "--partial writes counters only: no "
		    "--table, --chart or --plot");
	/* a partial of whole records is the same whatever shapes the tables:
	 * such options belong to the merge, where they take effect */
	if (o.partial && (rp->flags & CRM_REPORT_PHEAD) &&
	    (period || o.cohorts || tiers || abc))
		errx(CRM_EXIT_FATAL, "%s: --partial keeps whole records: give "
		    "%s to --merge", rp->name, period ? "--period" :
		    o.cohorts ? "--cohorts" : tiers ? "--tiers" : "--abc");
	o.period = CRM_PERIOD_MONTH;
	if (period && !strcmp(period, "quarter"))
		o.period = CRM_PERIOD_QUARTER;
	else if (period && !strcmp(period, "week"))
		o.period = CRM_PERIOD_WEEK;
	else if (period && strcmp(period, "month"))
		errx(CRM_EXIT_FATAL, "--period: unknown period '%s' (month, "
		    "quarter, week)", period);
	o.since = CRM_DATE_MIN;
	o.until = CRM_DATE_MAX;
	if (since)
		dayopt("--since", since, &o.since);
	if (until)
		dayopt("--until", until, &o.until);
	if (since && until && o.since > o.until) {
		warnx("--since %s is after --until %s", since, until);
		usage(CRM_EXIT_FATAL);
	}
	o.window = since || until;
	if (o.window && (rp->flags & CRM_REPORT_WEEK))
		errx(CRM_EXIT_FATAL, "--since and --until: %s takes its "
		    "weeks from --week", rp->name);
	if (o.window && o.merge)
		errx(CRM_EXIT_FATAL, "--since and --until pick records as "
		    "they are read: not with --merge (give them to --partial)");
	if (rp->flags & CRM_REPORT_ASOF)
		asof_init(&o, asof, until, (rp->flags & CRM_REPORT_NOW) != 0);
	done_init(&o, asof, until);
	o.attr_day = o.asof_set ? o.asof_day : o.done_day;
	if (o.week_set && crm_report_period_first(o.week, CRM_PERIOD_WEEK) >
	    o.asof_day) {
		char day[11];

		crm_date_format(o.asof_day, day);
		errx(CRM_EXIT_FATAL, "--week: %s starts after the as-of day "
		    "%s", week, day);
	}
	o.diag = diag;
	o.status = CRM_EXIT_OK;
	ro.fmt = (enum crm_rfmt)fmt;
	ro.flags = (chart ? CRM_RTAB_CHART : 0u) |
	    (excel_safe ? CRM_RTAB_EXCEL_SAFE : 0u);

	if (crm_report_run(rp, &o, argv, (size_t)argc, &ro, e, sizeof e) < 0)
		errx(CRM_EXIT_FATAL, "%s", e);
	free(plots);
	crm_out_close(&crm_stdout);
	return o.status;
}
