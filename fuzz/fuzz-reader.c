/*
 * fuzz-reader: the record reader on arbitrary bytes, TSV and CSV, with a
 * block size and field caps chosen by the first input bytes so that records
 * cross block boundaries at every position.  Every record read is written
 * back through the writer (TSV, CSV and JSON Lines) to /dev/null.
 */
#include "out.h"
#include "rec.h"

#include <fcntl.h>
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
	if (write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET)) {
		close(fd);
		return 0;
	}
	if (devnull < 0)
		devnull = open("/dev/null", O_WRONLY);
	struct crm_out out;
	crm_out_init(&out, devnull, "/dev/null");
	struct crm_writer w;
	crm_writer_init(&w, &out, (enum crm_fmt)(b % 3));
	w.excel_safe = a >> 7;
	struct crm_reader *r = crm_reader_fdopen(fd, "fuzz", &o, err, sizeof err);
	if (r) {
		const struct crm_rec *h = crm_reader_header(r);
		if (h)
			crm_writer_header(&w, h->f, h->nf);
		struct crm_rec rec;
		int rc;
		while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF &&
		    rc != CRM_READ_FATAL) {
			for (size_t i = 0; i < rec.nf; i++)
				if (strlen(rec.f[i].p) != rec.f[i].n &&
				    rc == CRM_READ_OK)
					__builtin_trap(); /* NUL got through */
			if (rc == CRM_READ_OK)
				crm_writer_row(&w, rec.f, rec.nf);
			(void)crm_reader_error(r);
		}
		crm_reader_close(r);
	}
	crm_out_flush(&out);
	free(out.buf);
	crm_writer_release(&w);
	close(fd);
	return 0;
}
