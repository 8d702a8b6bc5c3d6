/*
 * report-feed: what the report unit tests share: feed a report's
 * operations a TSV text as the driver would, find a table by name, and
 * free a report's tables and state.  Included after unit.h.
 */
#ifndef CRM_REPORT_FEED_H
#define CRM_REPORT_FEED_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "rtab.h"

/* Feed text (a header line and records) to report ops as the driver
 * would, and return its tables in ts (their number). */
UNIT_FN int
feed(const struct crm_report_ops *ops, struct crm_report_opts *o,
    void **stp, const char *text, struct crm_rtab **ts)
{
	char path[] = "/tmp/test-report-XXXXXX", e[512];
	int fd = mkstemp(path);
	struct crm_read_opts ro = { 0 };
	struct crm_reader *r;
	struct crm_rec rec;
	void *st = ops->new(o);
	int nt;

	*stp = st;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -1;
	close(fd);
	r = crm_reader_open(path, &ro, e, sizeof e);
	if (!r || !crm_reader_header(r) || (ops->begin &&
	    ops->begin(st, r, e, sizeof e) < 0))
		return -1;
	while (crm_reader_next(r, &rec) == CRM_READ_OK) {
		const char *why;
		int col;

		if (ops->add(st, &rec, &why, &col) < 0)
			o->status = 1;
	}
	crm_reader_close(r);
	unlink(path);
	nt = ops->tables(st, ts, e, sizeof e);
	return nt;
}

/* The table named name among ts[0..n), or NULL. */
UNIT_FN struct crm_rtab *
tab(struct crm_rtab **ts, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(ts[i]->name, name))
			return ts[i];
	return NULL;
}

UNIT_FN void
done(const struct crm_report_ops *ops, void *st, struct crm_rtab **ts, int n)
{
	for (int i = 0; i < n; i++)
		crm_rtab_free(ts[i]);
	ops->free(st);
}

#endif
