/*
 * fuzz-csvcaps: the CSV reader on arbitrary bytes under small caps on the
 * field, the record and the field count, chosen by the first input bytes
 * with the block size, so that every cap is reached, inside quotes and
 * out, across lines and block boundaries.  The same bytes are read a
 * second time under the default caps by the general paths, as reference.
 * Invariants: every record handed out as good is within the caps, whole
 * (NUL-terminated, and field for field the record the reference reads at
 * the same line), and line numbers increase; a bad record's message
 * names its own line; the reader never stops on a cap, only at the end
 * or where the reference stops too.
 */
#include "rec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crm_read_opts o = { 0 }, ro = { 0 };
	char err[256], path[64], want[128];

	if (size < 4)
		return 0;
	uint8_t a = data[0], b = data[1], c = data[2], d = data[3];
	data += 4;
	size -= 4;
	o.format = ro.format = CRM_IN_CSV;
	o.max_field = 1 + (b & 63);
	o.max_record = o.max_field + c;
	o.max_fields = 1 + (d & 15);
	o.block = 16 + (d >> 4) * 5;
	o.ragged = ro.ragged = a & 1;
	o.no_header = ro.no_header = (a >> 1) & 1;
	o.general = (a >> 2) & 1;
	if ((a >> 3) & 1)
		o.delim = ro.delim = ';';
	ro.general = 1;
	ro.block = 16 + (a >> 4);

	int fd = memfd_create("fuzz", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct crm_reader *r = crm_reader_open(path, &o, err, sizeof err);
	struct crm_reader *ref = crm_reader_open(path, &ro, err, sizeof err);
	if (!r || !ref) {
		crm_reader_close(r);
		crm_reader_close(ref);
		close(fd);
		return 0;
	}
	const struct crm_rec *h = crm_reader_header(r);
	const struct crm_rec *rh = crm_reader_header(ref);
	struct crm_rec rec, rrec;
	int rc, rrc = CRM_READ_OK;
	long last = h ? h->line : 0;
	rrec.line = 0;
	for (;;) {
		rc = crm_reader_next(r, &rec);
		if (rc == CRM_READ_EOF || rc == CRM_READ_FATAL)
			break;
		if (rec.line <= last)
			__builtin_trap();       /* lines go forward */
		last = rec.line;
		if (rc == CRM_READ_BAD) {
			snprintf(want, sizeof want, "%s:%ld: ", path, rec.line);
			if (strncmp(crm_reader_error(r), want, strlen(want)))
				__builtin_trap();   /* named at its line */
			continue;
		}
		size_t bytes = 0;
		if (rec.nf > o.max_fields)
			__builtin_trap();
		for (size_t i = 0; i < rec.nf; i++) {
			if (rec.f[i].n > o.max_field ||
			    strlen(rec.f[i].p) != rec.f[i].n)
				__builtin_trap();
			bytes += rec.f[i].n + 1;
		}
		/* the record's bytes with a delimiter between fields (the
		 * one-pass paths cap the line so) */
		if (rec.nf && bytes - 1 > o.max_record)
			__builtin_trap();
		if (!h != !rh || (h && h->nf != rh->nf))
			continue;       /* a header over the caps */
		/* the reference's record at the same line, the same */
		while (rrc != CRM_READ_EOF && rrc != CRM_READ_FATAL &&
		    rrec.line < rec.line)
			rrc = crm_reader_next(ref, &rrec);
		if (rrc != CRM_READ_OK || rrec.line != rec.line ||
		    rrec.nf != rec.nf)
			__builtin_trap();
		for (size_t i = 0; i < rec.nf; i++)
			if (rrec.f[i].n != rec.f[i].n ||
			    memcmp(rrec.f[i].p, rec.f[i].p, rec.f[i].n))
				__builtin_trap();
	}
	if (rc == CRM_READ_FATAL && h && rh && h->nf == rh->nf) {
		/* a cap never ends the read: the reference stops too */
		while (rrc != CRM_READ_EOF && rrc != CRM_READ_FATAL)
			rrc = crm_reader_next(ref, &rrec);
		if (rrc != CRM_READ_FATAL)
			__builtin_trap();
	}
	crm_reader_close(r);
	crm_reader_close(ref);
	close(fd);
	return 0;
}
