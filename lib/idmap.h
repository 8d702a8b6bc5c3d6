/*
 * idmap: the customer id map of identity resolution (crm-import --id-map
 * writes it: columns old_id and new_id, one line per id merged into
 * another), read once and applied to records: crm-import --rekey on a
 * stream, crm-log rekey and crm-complaint rekey on a store file, which
 * is rewritten atomically under its lock (lib/store.h).
 *
 * The map owns its strings.  Errors come back as messages "FILE:LINE:
 * FIELD: reason"; nothing here prints.
 */
#ifndef CRM_IDMAP_H
#define CRM_IDMAP_H

#include <stddef.h>

struct crm_idmap;
struct crm_store;

/* Each old id once, and no new id that is an old id too (a chain, a
 * cycle, an id mapped to itself): what rewriting a store needs, so that
 * one run gives the end state and a second run changes nothing. */
#define CRM_IDMAP_STRICT 0x1u

/*
 * Read the map at path (TSV, or CSV by its name; other columns ignored).
 * Returns NULL with err set when it cannot be read, lacks old_id or
 * new_id, has an empty value, maps one id to two different ids (without
 * CRM_IDMAP_STRICT the same pair twice is allowed) or, under
 * CRM_IDMAP_STRICT, maps an id twice or maps an id that is a new id too.
 */
struct crm_idmap *crm_idmap_load(const char *path, unsigned flags, char *err,
    size_t errlen);
void crm_idmap_free(struct crm_idmap *m);
/* Number of ids mapped. */
size_t crm_idmap_count(const struct crm_idmap *m);
/* The new id of p[0..n) (NUL-terminated, length in *len), or NULL. */
const char *crm_idmap_get(const struct crm_idmap *m, const char *p, size_t n,
    size_t *len);

/*
 * Rewrite the customer ids of column `column` of the locked store s (a
 * canonical TSV file with a header, whole lines: crm_store_lock checked
 * it) through m, into a new file that replaces it (crm_store_rewrite_*).
 * Lines with too few fields are copied as they are.  When no id changes
 * the file is left untouched.  *records gets the number of records,
 * *changed those re-keyed.  Returns 0, or -1 with err (the store as it
 * was): an I/O error, or no such column in the header.
 */
int crm_idmap_rekey_store(struct crm_store *s, const char *column,
    const struct crm_idmap *m, unsigned long long *records,
    unsigned long long *changed, char *err, size_t errlen);

#endif
