/*
 * fuzz-rules: the complaint rule-file loader on arbitrary bytes, then a
 * triage of a few texts (the input itself among them) with whatever loaded.
 */
#include "complaint.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *texts[] = {
		"刹车异响，4S店态度很差", "the car broke down twice, I will call a lawyer",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "",
	};
	char path[64], err[512];
	int fd = memfd_create("rules", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct crm_complaint_rules *rs = crm_complaint_rules_load(path, err,
	    sizeof err);
	if (rs) {
		struct crm_complaint_triage t;
		size_t bad;
		crm_complaint_rules_limit(rs, 10000);
		for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
			crm_complaint_triage(rs, texts[i], strlen(texts[i]), &t,
			    &bad);
		crm_complaint_triage(rs, (const char *)data, size, &t, &bad);
		for (size_t i = 0; i < crm_complaint_rules_count(rs); i++)
			(void)crm_complaint_rule_id(rs, i);
		crm_complaint_rules_free(rs);
	}
	close(fd);
	return 0;
}
