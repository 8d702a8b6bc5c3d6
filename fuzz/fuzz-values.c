/*
 * fuzz-values: every value parser on arbitrary text; a value that parses
 * must format back to something that parses to the same value.
 */
#include "value.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char out[64];
	int32_t d, d2;
	int64_t t, t2, m, m2, v;
	int off, off2;

	memcpy(s, data, size);
	s[size] = '\0';
	for (unsigned f = 0; f < 3; f++) {
		if (!crm_date_parse(s, size, f, &d)) {
			crm_date_format(d, out);
			if (crm_date_parse(out, strlen(out), 0, &d2) || d2 != d)
				__builtin_trap();
		}
	}
	for (unsigned f = 0; f < 4; f++) {
		if (!crm_ts_parse(s, size, f, &t, &off)) {
			crm_ts_format(t, off, out);
			if (crm_ts_parse(out, strlen(out), 0, &t2, &off2) ||
			    t2 != t || off2 != off)
				__builtin_trap();
		}
	}
	if (!crm_money_parse(s, size, &m)) {
		crm_money_format(m, out);
		if (crm_money_parse(out, strlen(out), &m2) || m2 != m)
			__builtin_trap();
	}
	(void)crm_int_parse(s, size, INT64_MIN, INT64_MAX, &v);
	(void)crm_phone_normalize(s, size, "86", out, sizeof out);
	(void)crm_email_normalize(s, size, out, sizeof out);
	const char *p = s;
	size_t n = size;
	crm_trim(&p, &n);
	free(s);
	return 0;
}
