/*
 * timeline: one customer's whole history, the interactions, the complaint
 * events and the purchases of one customer merged in time order (crm-log
 * show --timeline with --complaints and --transactions).
 *
 * Every entry has the same columns (crm_tl_colnames): a timestamp as
 * written, where it came from, an id, what happened, and the fields that
 * say more.  Entries sort by the absolute instant, whatever UTC offset
 * each was written in.  A transaction has a date only: it sorts at the
 * start of that day in UTC (00:00:00Z), before any other entry of the
 * same instant.  Entries of one instant then go interactions before
 * complaint events, and within a source in the order they were added.
 *
 * The readers here read through lib/rec (any CSV or TSV file, a store
 * file's torn tail left out) and lib/value; a bad record is skipped and
 * reported through the warn callback as "FILE:LINE: FIELD: reason
 * 'value'", a file that cannot be read is an error.  Nothing here prints.
 */
#ifndef CRM_TIMELINE_H
#define CRM_TIMELINE_H

#include <stddef.h>

/* Where an entry came from, in the order entries of one instant sort. */
enum crm_tl_source {
	CRM_TL_TRANSACTION, CRM_TL_INTERACTION, CRM_TL_COMPLAINT
};

/* The columns of every entry. */
enum {
	CRM_TL_TS,              /* the timestamp (a transaction: its date) */
	CRM_TL_SOURCE,          /* interaction, complaint, transaction */
	CRM_TL_ID,              /* interaction id, complaint_id, order_id */
	CRM_TL_EVENT,           /* interaction type; complaint opened,
	                           classified, assigned, responded, resolved,
	                           reopened, closed; transaction purchase */
	CRM_TL_CHANNEL,
	CRM_TL_AGENT,
	CRM_TL_CATEGORY,        /* a complaint's category after the event */
	CRM_TL_SATISFACTION,    /* of an interaction, a resolve or a close */
	CRM_TL_AMOUNT,          /* a transaction's amount, canonical */
	CRM_TL_NOTE,            /* note, complaint text, product */
	CRM_TL_NCOLS
};

extern const char *const crm_tl_colnames[CRM_TL_NCOLS];
/* "interaction", "complaint", "transaction" */
const char *crm_tl_source_name(int source);

struct crm_tl_entry {
	long long us;           /* the instant, microseconds since the epoch */
	long long day;          /* the calendar day as written */
	int source;             /* enum crm_tl_source */
	size_t seq;             /* order of adding */
	char *f[CRM_TL_NCOLS];  /* owned, never NULL ("" when empty) */
};

struct crm_timeline {
	struct crm_tl_entry *e;
	size_t n, a;
};

void crm_timeline_init(struct crm_timeline *tl);
void crm_timeline_release(struct crm_timeline *tl);

/* Add an entry; f[i] (length n[i]) is copied, a NULL f[i] is empty.  The
 * source column is filled in from source. */
void crm_timeline_add(struct crm_timeline *tl, long long us, long long day,
    int source, const char *const *f, const size_t *n);

/* Sort: instant, then source, then the order of adding. */
void crm_timeline_sort(struct crm_timeline *tl);

/*
 * Add the events of customer cust's complaints from the complaint log at
 * path.  Every event is folded (lib/complaint.h), so one the fold refuses
 * is a bad record; those of complaints whose customer_id (as folded, at the
 * end of the log) is cust are added, each with the complaint's category as
 * it stood after the event.  Returns the number of bad records (each
 * reported through warn, as is a torn tail left out), or -1 with err set
 * when the file cannot be read or lacks complaint_id, ts or event.
 */
long crm_timeline_complaints(struct crm_timeline *tl, const char *path,
    const char *cust, void (*warn)(void *ctx, const char *msg), void *ctx,
    char *err, size_t errlen);

/*
 * Add customer cust's purchases from the transactions file at path
 * (customer_id, date and amount required, order_id, product and channel
 * used when present).  Returns the number of bad records (reported
 * through warn), or -1 with err set when the file cannot be read or lacks
 * a required column.
 */
long crm_timeline_transactions(struct crm_timeline *tl, const char *path,
    const char *cust, void (*warn)(void *ctx, const char *msg), void *ctx,
    char *err, size_t errlen);

#endif
