/*
 * test-idmap: the id map's checks (twice, chains, cycles, itself) with
 * and without CRM_IDMAP_STRICT, and re-keying a store file: escaped ids,
 * short lines copied, the header kept, an unchanged file left alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idmap.h"
#include "store.h"
#include "util.h"
#include "unit.h"

static char dir[] = "/tmp/test-idmap.XXXXXX";

static const char *
put(const char *name, const char *text)
{
	static char path[4][256];
	static int k;
	char *p = path[k++ % 4];
	FILE *f;

	snprintf(p, 256, "%s/%s", dir, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	return p;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	struct crm_buf b;
	int c;

	crm_buf_init(&b);
	while (f && (c = getc(f)) != EOF)
		crm_buf_addc(&b, c);
	if (f)
		fclose(f);
	return crm_buf_detach(&b, NULL);
}

static void
test_load(void)
{
	char err[512];
	struct crm_idmap *m;
	const char *p, *v;
	size_t n;

	p = put("m1.tsv", "x\told_id\tnew_id\n1\tA\tB\n2\tC\tB\n3\tA\tB\n");
	m = crm_idmap_load(p, 0, err, sizeof err);
	UNIT_OK(m && crm_idmap_count(m) == 2,
	    "the same pair twice is one id without STRICT");
	v = m ? crm_idmap_get(m, "C", 1, &n) : NULL;
	UNIT_OK(v && n == 1 && !strcmp(v, "B"), "an id maps to its new id");
	UNIT_OK(m && !crm_idmap_get(m, "B", 1, &n), "a new id is not mapped");
	crm_idmap_free(m);
	m = crm_idmap_load(p, CRM_IDMAP_STRICT, err, sizeof err);
	UNIT_OK(!m && strstr(err, "m1.tsv:4: old_id: mapped twice, also on "
	    "line 2"), "STRICT refuses the same pair twice, with both lines");
	p = put("m2.tsv", "old_id\tnew_id\nA\tB\nB\tC\n");
	m = crm_idmap_load(p, 0, err, sizeof err);
	UNIT_OK(m != NULL, "a chain is read without STRICT");
	crm_idmap_free(m);
	m = crm_idmap_load(p, CRM_IDMAP_STRICT, err, sizeof err);
	UNIT_OK(!m && strstr(err, "m2.tsv:2: new_id: 'B' (for 'A') is "
	    "itself mapped on line 3"), "STRICT refuses a chain");
	p = put("m3.tsv", "old_id\tnew_id\nA\tA\n");
	m = crm_idmap_load(p, CRM_IDMAP_STRICT, err, sizeof err);
	UNIT_OK(!m && strstr(err, "m3.tsv:2: new_id: 'A' is mapped to "
	    "itself"), "STRICT refuses an id mapped to itself");
	p = put("m4.tsv", "old_id\tnew_id\nA\tB\nA\tC\n");
	m = crm_idmap_load(p, 0, err, sizeof err);
	UNIT_OK(!m && strstr(err, "m4.tsv:3: old_id: mapped twice, to 'B' "
	    "and 'C'"), "two new ids for one id are refused always");
	p = put("m5.csv", "old_id,new_id\n\"A\",\"B B\"\n");
	m = crm_idmap_load(p, CRM_IDMAP_STRICT, err, sizeof err);
	v = m ? crm_idmap_get(m, "A", 1, &n) : NULL;
	UNIT_OK(v && !strcmp(v, "B B"), "a CSV map is read by its name");
	crm_idmap_free(m);
}

static void
test_rekey(void)
{
	static const char *const hdr[] = { "id", "customer_id", "note" };
	char err[512], *got;
	struct crm_idmap *m;
	struct crm_store *s;
	unsigned long long rec = 0, chg = 0;
	const char *mp, *lp;
	struct stat a, b;

	mp = put("map.tsv", "old_id\tnew_id\nC\\1\tD\nC2\tE\\F\n");
	m = crm_idmap_load(mp, CRM_IDMAP_STRICT, err, sizeof err);
	UNIT_OK(m != NULL, "the map loads");
	lp = put("log.tsv", "id\tcustomer_id\tnote\n"
	    "1\tC\\\\1\tx\\ty\n"         /* the id C\1, escaped */
	    "2\tC2\t\n"
	    "3\n"                        /* too few fields: copied */
	    "4\tC3\tC2\n");
	stat(lp, &a);
	s = crm_store_open(lp, hdr, 3, CRM_STORE_NOCREATE, err, sizeof err);
	UNIT_OK(s && crm_store_lock(s, err, sizeof err) == 0, "lock");
	UNIT_OK(crm_idmap_rekey_store(s, "customer_id", m, &rec, &chg, err,
	    sizeof err) == 0, "rekey");
	unit_inteq((long long)rec, 4, "records counted");
	unit_inteq((long long)chg, 2, "records changed");
	crm_store_unlock(s);
	crm_store_close(s);
	got = slurp(lp);
	unit_streq(got, "id\tcustomer_id\tnote\n1\tD\tx\\ty\n2\tE\\\\F\t\n"
	    "3\n4\tC3\tC2\n", "only the column is rewritten, escaped");
	free(got);
	stat(lp, &b);
	UNIT_OK(a.st_ino != b.st_ino, "a new file replaced the old");
	UNIT_OK((b.st_mode & 07777) == (a.st_mode & 07777), "its mode kept");

	s = crm_store_open(lp, hdr, 3, CRM_STORE_NOCREATE, err, sizeof err);
	crm_store_lock(s, err, sizeof err);
	UNIT_OK(crm_idmap_rekey_store(s, "customer_id", m, &rec, &chg, err,
	    sizeof err) == 0 && chg == 0, "a second run changes nothing");
	crm_store_unlock(s);
	crm_store_close(s);
	stat(lp, &a);
	UNIT_OK(a.st_ino == b.st_ino, "and leaves the file alone");

	s = crm_store_open(lp, NULL, 0, CRM_STORE_NOCREATE, err, sizeof err);
	crm_store_lock(s, err, sizeof err);
	UNIT_OK(crm_idmap_rekey_store(s, "customer", m, &rec, &chg, err,
	    sizeof err) < 0 && strstr(err, "log.tsv:1: no column customer"),
	    "a missing column is an error");
	crm_store_unlock(s);
	UNIT_OK(crm_store_generation(s) == 0, "no other file seen yet");
	crm_store_close(s);
	crm_idmap_free(m);
}

int
main(void)
{
	char cmd[300];

	if (!mkdtemp(dir))
		return 2;
	test_load();
	test_rekey();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 2;
	return unit_done();
}
