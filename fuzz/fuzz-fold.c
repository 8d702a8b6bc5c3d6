/*
 * fuzz-fold: the complaint event fold on an arbitrary log, then sorting,
 * the repeat-complainer window and a walk over every state.
 */
#include "complaint.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
ignore(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512];
	int fd = memfd_create("log", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct crm_complaint_fold *f = crm_complaint_fold_new();
	if (size && (data[0] & 1))
		crm_complaint_fold_until(f, 1795000000);
	if (crm_complaint_fold_file(f, path, ignore, NULL, err,
	    sizeof err) >= 0) {
		crm_complaint_fold_sort(f);
		crm_complaint_fold_recent(f, 90 * 86400);
		for (size_t i = 0; i < crm_complaint_fold_count(f); i++) {
			struct crm_complaint *c = crm_complaint_fold_at(f, i);
			for (int e = 0; e < 8; e++)
				(void)crm_complaint_check(c, e);
			(void)crm_complaint_status_name(0);
		}
	}
	crm_complaint_fold_free(f);
	close(fd);
	return 0;
}
