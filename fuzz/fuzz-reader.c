/*
 * fuzz-reader: the record reader on arbitrary bytes, TSV and CSV, with a
 * block size and field caps chosen by the first input bytes so that records
 * cross block boundaries at every position.  Every record read is written
 * back through the writer (TSV, CSV and JSON Lines) to /dev/null.  The
 * same bytes are read a second time by the general paths only, which must
 * hand out exactly what the fast paths do, and each good record is
 * written as a TSV row at once and field by field, which must agree.
 */
#include "out.h"
#include "rec.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int devnull = -1;
	struct crm_read_opts o = { 0 };
	char err[256];

	if (size < 2)
		return 0;
	uint8_t a = data[0], b = data[1];
	data += 2;
	size -= 2;
	o.format = (a & 1) ? CRM_IN_CSV : CRM_IN_TSV;
	o.block = 16 + (b & 63);
	o.ragged = (a >> 1) & 1;
	o.no_header = (a >> 2) & 1;
	if ((a >> 3) & 1) {
		o.max_field = 8 + (b >> 2);
		o.max_record = 64 + b;
	}
	if ((a >> 4) & 1)
		o.delim = ';';
	if (((a >> 5) & 3) == 3)
		o.encoding = "GB18030";

	int fd = memfd_create("fuzz", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	if (devnull < 0)
		devnull = open("/dev/null", O_WRONLY);
	struct crm_out out, mem[2];
	crm_out_init(&out, devnull, "/dev/null");
	struct crm_writer w, mw[2];
	crm_writer_init(&w, &out, (enum crm_fmt)(b % 3));
	w.excel_safe = a >> 7;
	/* the same bytes read twice, the second time by the general paths
	 * only: both must hand out the same, and the TSV rows written at
	 * once must be the rows written field by field */
	struct crm_reader *r[2];
	for (int k = 0; k < 2; k++) {
		crm_out_init(&mem[k], -1, "memory");
		crm_writer_init(&mw[k], &mem[k], CRM_FMT_TSV);
	}
	{
		char path[64];
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		for (int k = 0; k < 2; k++) {
			o.general = k;
			r[k] = crm_reader_open(path, &o, err, sizeof err);
		}
	}
	if (r[0] && r[1]) {
		const struct crm_rec *h = crm_reader_header(r[0]);
		const struct crm_rec *h1 = crm_reader_header(r[1]);
		if (!h != !h1)
			__builtin_trap();
		if (h)
			crm_writer_header(&w, h->f, h->nf);
		struct crm_rec rec, rec1;
		int rc, rc1;
		do {
			rc = crm_reader_next(r[0], &rec);
			rc1 = crm_reader_next(r[1], &rec1);
			if (rc != rc1)
				__builtin_trap();
			if (rc == CRM_READ_EOF)
				break;
			if (strcmp(crm_reader_error(r[0]),
			    crm_reader_error(r[1])) && rc != CRM_READ_OK)
				__builtin_trap();
			if (rc == CRM_READ_FATAL)
				break;
			if (rec.line != rec1.line || rec.nf != rec1.nf)
				__builtin_trap();
			for (size_t i = 0; i < rec.nf; i++) {
				if (rec.f[i].n != rec1.f[i].n ||
				    memcmp(rec.f[i].p, rec1.f[i].p, rec.f[i].n))
					__builtin_trap();
				if (strlen(rec.f[i].p) != rec.f[i].n &&
				    rc == CRM_READ_OK)
					__builtin_trap(); /* NUL got through */
			}
			if (rc != CRM_READ_OK)
				continue;
			crm_writer_row(&w, rec.f, rec.nf);
			mem[0].n = mem[1].n = 0;
			crm_writer_row(&mw[0], rec.f, rec.nf);
			for (size_t i = 0; i < rec1.nf; i++)
				crm_writer_field(&mw[1], rec1.f[i].p,
				    rec1.f[i].n);
			crm_writer_end(&mw[1]);
			if (mem[0].n != mem[1].n ||
			    memcmp(mem[0].buf, mem[1].buf, mem[0].n))
				__builtin_trap();
		} while (1);
	}
	for (int k = 0; k < 2; k++) {
		crm_reader_close(r[k]);
		crm_writer_release(&mw[k]);
		free(mem[k].buf);
	}
	crm_out_flush(&out);
	free(out.buf);
	crm_writer_release(&w);
	close(fd);
	return 0;
}
