/*
 * test-rec: the record reader on the inputs where block reading can go
 * wrong: a quoted CRLF, a doubled quote, an opening quote, a record's CRLF,
 * a lone CR, a UTF-8 character and a TSV escape each split across the first
 * 1 MiB read; input arriving one byte at a time through a pipe; the pipes
 * a reader reads and a stream writes widened; and the record-level and
 * fatal errors with their line numbers.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "out.h"
#include "rec.h"
#include "unit.h"
#include "util.h"

#define BLOCK (1024 * 1024)     /* the reader's read size (rec.c) */

static char what[256];

#define WHAT(...) (snprintf(what, sizeof what, __VA_ARGS__), what)

struct exp {
	char *a, *b;
	long line;
};

struct build {
	int csv;
	const char *eol;        /* line end between records */
	struct crm_buf data;
	struct exp *e;
	size_t ne;
	long line;              /* physical lines so far */
};

static long
count_nl(const char *p, size_t n, const char *eol)
{
	long k = 0;

	/* a CR-only file counts its CRs, any other one its LFs */
	int cr = !strcmp(eol, "\r");
	for (size_t i = 0; i < n; i++)
		if (p[i] == (cr ? '\r' : '\n'))
			k++;
	return k;
}

static void
encode(struct build *b, struct crm_buf *o, const char *s)
{
	if (b->csv) {
		if (!strpbrk(s, ",\"\r\n")) {
			crm_buf_adds(o, s);
			return;
		}
		crm_buf_addc(o, '"');
		for (; *s; s++) {
			if (*s == '"')
				crm_buf_addc(o, '"');
			crm_buf_addc(o, *s);
		}
		crm_buf_addc(o, '"');
		return;
	}
	for (; *s; s++) {
		switch (*s) {
		case '\t': crm_buf_adds(o, "\\t"); break;
		case '\n': crm_buf_adds(o, "\\n"); break;
		case '\r': crm_buf_adds(o, "\\r"); break;
		case '\\': crm_buf_adds(o, "\\\\"); break;
		default: crm_buf_addc(o, *s);
		}
	}
}

static void
rec_encode(struct build *b, struct crm_buf *o, const char *a, const char *c)
{
	encode(b, o, a);
	crm_buf_addc(o, b->csv ? ',' : '\t');
	encode(b, o, c);
	crm_buf_adds(o, b->eol);
}

static void
add(struct build *b, const char *a, const char *c)
{
	struct crm_buf o;

	crm_buf_init(&o);
	rec_encode(b, &o, a, c);
	b->e = crm_xrealloc(b->e, (b->ne + 1) * sizeof *b->e);
	b->e[b->ne].a = crm_xstrdup(a);
	b->e[b->ne].b = crm_xstrdup(c);
	b->e[b->ne].line = b->line + 1;
	b->ne++;
	b->line += count_nl(o.p, o.n, b->eol);
	crm_buf_add(&b->data, o.p, o.n);
	crm_buf_release(&o);
}

/*
 * Build a file whose byte at offset BLOCK - 1 is byte `at` of the encoded
 * target record (a, c): fillers, a padding record sized to fit, the
 * target, and one last record.
 */
static void
build(struct build *b, int csv, const char *eol, const char *a, const char *c,
    const char *marker, size_t moff, int last)
{
	struct crm_buf t;
	char name[32];

	memset(b, 0, sizeof *b);
	b->csv = csv;
	b->eol = eol;
	crm_buf_init(&b->data);
	crm_buf_adds(&b->data, csv ? "a,b" : "a\tb");
	crm_buf_adds(&b->data, eol);
	b->line = 1;

	crm_buf_init(&t);
	rec_encode(b, &t, a, c);
	const char *m = NULL;
	for (const char *p = t.p; (p = memmem(p, t.n - (size_t)(p - t.p),
	    marker, strlen(marker))) != NULL; p++) {
		m = p;
		if (!last)
			break;
	}
	size_t at = (size_t)(m - t.p) + moff;

	char filler[128];
	memset(filler, 'x', 100);
	filler[100] = '\0';
	for (int i = 0; b->data.n < BLOCK - 400; i++) {
		snprintf(name, sizeof name, "F%d", i);
		add(b, name, filler);
	}
	/* padding record "P,yyy...EOL" ends exactly where the target starts */
	size_t want_start = BLOCK - 1 - at;
	size_t k = want_start - b->data.n - 2 - strlen(eol);
	char *pad = crm_xmalloc(k + 1);
	memset(pad, 'y', k);
	pad[k] = '\0';
	add(b, "P", pad);
	free(pad);
	unit_inteq((long long)b->data.n, (long long)want_start,
	    "padding puts the target where it should be");
	add(b, a, c);
	add(b, "Z", "end");
	crm_buf_release(&t);
}

static void
build_free(struct build *b)
{
	for (size_t i = 0; i < b->ne; i++) {
		free(b->e[i].a);
		free(b->e[i].b);
	}
	free(b->e);
	crm_buf_release(&b->data);
}

static char *
write_tmp(const char *p, size_t n)
{
	char *path = crm_xstrdup("/tmp/test-rec-XXXXXX");
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, p, n) != (ssize_t)n) {
		perror("test-rec");
		exit(2);
	}
	close(fd);
	return path;
}

/* Read the built file back and compare every record and its line. */
static void
read_back(struct build *b, const char *label)
{
	struct crm_read_opts o = { 0 };
	char err[256];
	struct crm_rec rec;
	char *path = write_tmp(b->data.p, b->data.n);
	size_t i = 0, bad = 0;
	int rc;

	o.format = b->csv ? CRM_IN_CSV : CRM_IN_TSV;
	struct crm_reader *r = crm_reader_open(path, &o, err, sizeof err);
	unit_ok(r != NULL, WHAT("%s: open", label), err);
	while ((rc = crm_reader_next(r, &rec)) == CRM_READ_OK) {
		if (i >= b->ne || rec.nf != 2 || strcmp(rec.f[0].p, b->e[i].a) ||
		    strcmp(rec.f[1].p, b->e[i].b) || rec.line != b->e[i].line) {
			if (!bad++) {
				char d[200];
				snprintf(d, sizeof d, "record %zu at line %ld: "
				    "'%.40s'", i, rec.line,
				    rec.nf ? rec.f[0].p : "");
				unit_ok(0, WHAT("%s: record %zu", label, i), d);
			}
		}
		i++;
	}
	unit_inteq(rc, CRM_READ_EOF, WHAT("%s: ends cleanly", label));
	unit_inteq((long long)i, (long long)b->ne,
	    WHAT("%s: every record read", label));
	unit_inteq((long long)bad, 0, WHAT("%s: every field and line exact",
	    label));
	const char *tb = b->e[b->ne - 2].b;
	unit_ok(strlen(tb) < 40, WHAT("%s: target value is short", label),
	    NULL);
	crm_reader_close(r);
	unlink(path);
	free(path);
}

static void
boundary(int csv, const char *eol, const char *a, const char *c,
    const char *marker, size_t moff, int last, const char *label)
{
	struct build b;

	build(&b, csv, eol, a, c, marker, moff, last);
	read_back(&b, label);
	build_free(&b);
}

/* Input written one byte at a time through a pipe. */
static void
pipe_bytes(void)
{
	static const char in[] = "\xef\xbb\xbfname,note\r\n"
	    "\"Li, Lei\",\"two\r\nlines\"\r\n"
	    "王小明,\"say \"\"hi\"\"\"\r\n"
	    "last,no newline";
	int fd[2];
	pid_t pid;
	struct crm_read_opts o = { 0 };
	char err[256];
	struct crm_rec rec;

	if (pipe(fd) < 0)
		exit(2);
	pid = fork();
	if (pid == 0) {
		close(fd[0]);
		for (size_t i = 0; i < sizeof in - 1; i++)
			if (write(fd[1], in + i, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(fd[1]);
	o.format = CRM_IN_CSV;
	struct crm_reader *r = crm_reader_fdopen(fd[0], "pipe", &o, err,
	    sizeof err);
	unit_streq(crm_reader_colname(r, 0), "name", "pipe: BOM dropped");
	unit_inteq(crm_reader_next(r, &rec), CRM_READ_OK, "pipe: record 1");
	unit_streq(rec.f[0].p, "Li, Lei", "pipe: quoted comma");
	unit_streq(rec.f[1].p, "two\r\nlines", "pipe: quoted CRLF kept");
	unit_inteq(rec.line, 2, "pipe: record 1 line");
	unit_inteq(crm_reader_next(r, &rec), CRM_READ_OK, "pipe: record 2");
	unit_streq(rec.f[0].p, "王小明", "pipe: CJK");
	unit_streq(rec.f[1].p, "say \"hi\"", "pipe: doubled quotes");
	unit_inteq(rec.line, 4, "pipe: record 2 line");
	unit_inteq(crm_reader_next(r, &rec), CRM_READ_OK, "pipe: record 3");
	unit_streq(rec.f[1].p, "no newline", "pipe: no final newline");
	unit_inteq(crm_reader_next(r, &rec), CRM_READ_EOF, "pipe: EOF");
	crm_reader_close(r);
	close(fd[0]);
	waitpid(pid, NULL, 0);
}

/* The size crm_pipe_widen gives a 64 KiB pipe on this system: the most
 * of CRM_PIPE_SIZE and its quarters that pipe-max-size allows. */
static int
widened_size(void)
{
	FILE *f = fopen("/proc/sys/fs/pipe-max-size", "r");
	long max = 0;
	int sz;

	if (f) {
		if (fscanf(f, "%ld", &max) != 1)
			max = 0;
		fclose(f);
	}
	for (sz = CRM_PIPE_SIZE; sz > 65536; sz /= 4)
		if (sz <= max)
			return sz;
	return 65536;
}

/* A reader's input pipe and a stream's output pipe are widened, and the
 * bytes still arrive. */
static void
pipes_widened(void)
{
	int want = widened_size(), fd[2];
	struct crm_read_opts o = { 0 };
	struct crm_out out;
	struct crm_reader *r;
	char err[256], back[8];

	if (pipe(fd) < 0)
		exit(2);
	unit_inteq(fcntl(fd[1], F_SETPIPE_SZ, 65536), 65536,
	    "pipe: starts at 64 KiB");
	o.format = CRM_IN_TSV;
	r = crm_reader_fdopen(fd[0], "pipe", &o, err, sizeof err);
	unit_inteq(fcntl(fd[1], F_GETPIPE_SZ), want,
	    "pipe: a reader widens its input pipe");
	crm_reader_close(r);

	unit_inteq(fcntl(fd[1], F_SETPIPE_SZ, 65536), 65536,
	    "pipe: back at 64 KiB");
	crm_out_init(&out, fd[1], "pipe");
	crm_out_write(&out, "a\tb\n", 4);
	unit_inteq(fcntl(fd[0], F_GETPIPE_SZ), want,
	    "pipe: a stream widens its output pipe at its first write");
	crm_out_flush(&out);
	free(out.buf);
	unit_inteq(read(fd[0], back, sizeof back), 4, "pipe: bytes through");

	close(fd[0]);
	close(fd[1]);
}

/* A bad record is skipped with its message; the next one is read. */
static void
errors(void)
{
	static const char in[] = "a,b\n1,ok\n2,bad\xff\n3,\"ok\nagain\"\n"
	    "4,\"open\n5,x\n";
	struct crm_read_opts o = { 0 };
	char err[256];
	struct crm_rec rec;
	char *path = write_tmp(in, sizeof in - 1);

	o.format = CRM_IN_CSV;
	struct crm_reader *r = crm_reader_open(path, &o, err, sizeof err);
	unit_inteq(crm_reader_next(r, &rec), CRM_READ_OK, "errors: record 1");
	unit_inteq(crm_reader_next(r, &rec), CRM_READ_BAD,
	    "errors: invalid UTF-8 is a bad record");
	char want[256];
	snprintf(want, sizeof want, "%s:3: b: invalid UTF-8 'bad\\xff'", path);
	unit_streq(crm_reader_error(r), want, "errors: message names line "
	    "and field");
	unit_inteq(crm_reader_next(r, &rec), CRM_READ_OK,
	    "errors: reading goes on");
	unit_streq(rec.f[1].p, "ok\nagain", "errors: next record whole");
	unit_inteq(crm_reader_next(r, &rec), CRM_READ_FATAL,
	    "errors: unterminated quote is fatal");
	snprintf(want, sizeof want, "%s:6: unterminated quoted field "
	    "(opened here)", path);
	unit_streq(crm_reader_error(r), want, "errors: at the opening line");
	crm_reader_close(r);
	unlink(path);
	free(path);
}

/*
 * A quoted CSV field past the field cap, on one line and over several,
 * with small caps and a small block so that the parse stops at the cap
 * many times within one field: the record is bad alone, named at the
 * line where it starts, and the records around it are read whole.
 */
static void
field_cap(void)
{
	struct crm_buf in;
	struct crm_read_opts o = { 0 };
	char err[256], want[256];
	struct crm_rec rec;

	crm_buf_init(&in);
	crm_buf_adds(&in, "a,b\n1,ok\n2,\"");
	for (int i = 0; i < 20000; i++)
		crm_buf_adds(&in, i % 7 ? "xy" : "\"\"");
	crm_buf_adds(&in, "\",tail\n3,\"l1\nl2\n");
	for (int i = 0; i < 5000; i++)
		crm_buf_adds(&in, "z\n");
	crm_buf_adds(&in, "end\"\n4,\"fits\nin two\"\n");
	char *path = write_tmp(in.p, in.n);

	for (int k = 0; k < 2; k++) {
		o.format = CRM_IN_CSV;
		o.max_field = 1000;
		o.max_record = 4000;
		o.block = k ? 16 : 0;
		struct crm_reader *r = crm_reader_open(path, &o, err,
		    sizeof err);
		unit_inteq(crm_reader_next(r, &rec), CRM_READ_OK,
		    WHAT("field cap (block %d): record 1", k));
		unit_inteq(crm_reader_next(r, &rec), CRM_READ_BAD,
		    WHAT("field cap (block %d): a long field is a bad record",
		    k));
		snprintf(want, sizeof want, "%s:3: b: field longer than 1000 "
		    "bytes", path);
		unit_streq(crm_reader_error(r), want,
		    WHAT("field cap (block %d): file, line and field", k));
		unit_inteq(crm_reader_next(r, &rec), CRM_READ_BAD,
		    WHAT("field cap (block %d): a long multi-line field", k));
		snprintf(want, sizeof want, "%s:4: b: field longer than 1000 "
		    "bytes", path);
		unit_streq(crm_reader_error(r), want,
		    WHAT("field cap (block %d): at the line it starts on", k));
		unit_inteq(crm_reader_next(r, &rec), CRM_READ_OK,
		    WHAT("field cap (block %d): reading goes on", k));
		unit_ok(rec.nf == 2 && !strcmp(rec.f[0].p, "4") &&
		    !strcmp(rec.f[1].p, "fits\nin two") && rec.line == 5007,
		    WHAT("field cap (block %d): the next record whole, at its "
		    "line", k), rec.nf == 2 ? rec.f[1].p : "fields");
		unit_inteq(crm_reader_next(r, &rec), CRM_READ_EOF,
		    WHAT("field cap (block %d): then the end", k));
		crm_reader_close(r);
	}
	unlink(path);
	free(path);
	crm_buf_release(&in);
}

/*
 * Random TSV: fields of every length around the 64-byte steps of the fast
 * path, with escapes, CJK text, CRLF endings, blank lines, a last line
 * without a newline, and (every so often) a bad byte; read back with
 * several block sizes and compared field by field and line by line with
 * what was written.
 */
static void
random_tsv(unsigned seed, size_t block)
{
	static const char *const pieces[] = { "a", "7", " ", "-", ".", "C0",
	    "王", "小明", "\\t", "\\n", "\\\\", "\\x", "\\r", "é" };
	static const char *const plain[] = { "a", "7", " ", "-", ".", "C0",
	    "王", "小明", "\t", "\n", "\\", "\\x", "\r", "é" };
	struct crm_buf data, want;
	struct crm_read_opts o = { 0 };
	char err[256], *path;
	struct crm_rec rec;
	long line = 0, *lines = NULL;
	size_t nrec = 0, arec = 0, i, k, nf, bad = 0, nbad = 0, wantbad = 0;
	size_t *fcount = NULL, afc = 0, *badline = NULL, abl = 0;
	int rc;

	srand(seed);
	crm_buf_init(&data);
	crm_buf_init(&want);    /* fields of good records, NUL-separated */
	for (i = 0; i < 3000; i++) {
		int r = rand() % 40;

		line++;
		if (r == 0) {           /* a blank line (LF or CRLF) */
			crm_buf_adds(&data, rand() % 2 ? "\n" : "\r\n");
			continue;
		}
		nf = 1 + (size_t)(rand() % 6);
		crm_grow(&lines, &arec, nrec + 1, sizeof *lines);
		crm_grow(&fcount, &afc, nrec + 1, sizeof *fcount);
		for (k = 0; k < nf; k++) {
			size_t len = (size_t)(rand() % 4 == 0 ? rand() % 150 :
			    rand() % 12), j;

			if (nf == 1 && len == 0)
				len = 1;        /* an empty line is no record */

			if (k)
				crm_buf_addc(&data, '\t');
			for (j = 0; j < len; j++) {
				size_t q = (size_t)(rand() % 100);

				q = q < 86 ? q % 6 : q - 86 + 6 > 13 ? 13 :
				    q - 86 + 6;
				crm_buf_adds(&data, pieces[q]);
				crm_buf_adds(&want, plain[q]);
			}
			if (r == 1 && k == nf - 1)
				crm_buf_add(&data, "\xff", 1); /* not UTF-8 */
			crm_buf_addc(&want, '\0');
		}
		if (r == 1) {
			crm_grow(&badline, &abl, wantbad + 1, sizeof *badline);
			badline[wantbad++] = (size_t)line;
			/* the bad record's fields are not compared */
			fcount[nrec] = 0;
		} else
			fcount[nrec] = nf;
		lines[nrec++] = line;
		if (i + 1 < 3000 || rand() % 2)
			crm_buf_adds(&data, rand() % 3 ? "\n" : "\r\n");
	}
	path = write_tmp(data.p, data.n);
	o.format = CRM_IN_TSV;
	o.no_header = 1;
	o.block = block;
	{
		struct crm_reader *r = crm_reader_open(path, &o, err,
		    sizeof err);
		const char *w = want.p;

		i = 0;
		while ((rc = crm_reader_next(r, &rec)) != CRM_READ_EOF &&
		    rc != CRM_READ_FATAL) {
			if (i >= nrec || rec.line != lines[i]) {
				bad++;
				break;
			}
			if (rc == CRM_READ_BAD) {
				if (fcount[i] != 0 ||
				    !strstr(crm_reader_error(r), "invalid UTF-8"))
					bad++;
				nbad++;
				/* skip the bad record's wanted fields */
				for (k = 0; k < rec.nf; k++)
					w += strlen(w) + 1;
			} else {
				if (rec.nf != fcount[i])
					bad++;
				for (k = 0; k < rec.nf && !bad; k++) {
					if (strcmp(rec.f[k].p, w) ||
					    rec.f[k].n != strlen(w))
						bad++;
					w += strlen(w) + 1;
				}
			}
			if (bad)
				break;
			i++;
		}
		unit_inteq(rc, CRM_READ_EOF, WHAT("random tsv %u/%zu: ends "
		    "cleanly", seed, block));
		unit_inteq((long long)bad, 0, WHAT("random tsv %u/%zu: every "
		    "field and line exact (record %zu)", seed, block, i));
		unit_inteq((long long)nbad, (long long)wantbad,
		    WHAT("random tsv %u/%zu: every bad record reported", seed,
		    block));
		crm_reader_close(r);
	}
	unlink(path);
	free(path);
	free(lines);
	free(fcount);
	free(badline);
	crm_buf_release(&data);
	crm_buf_release(&want);
}

/*
 * The fast paths (TSV and CSV lines in one pass, a TSV row written as one
 * span) against the general ones, on random lines of the bytes that
 * matter: every call must hand out the same result, fields, line and
 * message, and every good record must be written the same.
 */
static void
fast_vs_general(unsigned seed, int csv, int delim, size_t block,
    size_t max_field, size_t max_fields)
{
	static const char *const pieces[] = { "a", "7", " ", ",", ";", "\t",
	    "\"q,1\"", "\"a\"\"b\"", "\r\n", "\n", "\r", "王", "小明", "\xff", "\\",
	    "\\t", "x", "", "\n\n" };
	struct crm_buf data;
	struct crm_read_opts o = { 0 };
	struct crm_reader *r[2];
	struct crm_out out[2];
	struct crm_writer w[2];
	char err[256], *path, first[300] = "no error";
	size_t i, k, diff = 0, nrec = 0, at = 0;
	int rc[2];

	unit_seed = 88172645463325252ull + seed;
	crm_buf_init(&data);
	crm_buf_adds(&data, delim == ';' ? "a;b;c\n" : delim == '\t' ?
	    "a\tb\tc\n" : "a,b,c\n");        /* a header */
	for (i = 0; i < 4000; i++) {
		size_t n = (size_t)(unit_rand() % 4 == 0 ? unit_rand() % 120 :
		    unit_rand() % 14);

		for (k = 0; k < n; k++) {
			uint64_t q = unit_rand() % 100;

			/* mostly plain bytes and delimiters */
			if (q < 60)
				crm_buf_adds(&data, pieces[q % 5]);
			else if (q == 60)
				crm_buf_add(&data, "", 1);      /* a NUL */
			else
				crm_buf_adds(&data, pieces[q % 19]);
		}
		crm_buf_adds(&data, unit_rand() % 5 ? "\n" : "\r\n");
	}
	path = write_tmp(data.p, data.n);
	o.format = csv ? CRM_IN_CSV : CRM_IN_TSV;
	o.delim = delim;
	o.block = block;
	o.ragged = 1;
	o.no_header = (int)(seed % 2);
	o.max_field = max_field;
	o.max_fields = max_fields;
	for (k = 0; k < 2; k++) {
		o.general = (int)k;
		r[k] = crm_reader_open(path, &o, err, sizeof err);
		crm_out_init(&out[k], -1, "memory");
		out[k].cap = 1 << 16;
		out[k].buf = crm_xmalloc(out[k].cap);
		crm_writer_init(&w[k], &out[k], CRM_FMT_TSV);
	}
	do {
		struct crm_rec rec[2];

		for (k = 0; k < 2; k++)
			rc[k] = crm_reader_next(r[k], &rec[k]);
		if (rc[0] != rc[1] || ((rc[0] == CRM_READ_OK ||
		    rc[0] == CRM_READ_BAD) && rec[0].line != rec[1].line)) {
			diff++;
			break;
		}
		if (rc[0] == CRM_READ_BAD || rc[0] == CRM_READ_FATAL) {
			if (!strcmp(first, "no error"))
				snprintf(first, sizeof first, "first message: %s",
				    crm_reader_error(r[0]));
			if (strcmp(crm_reader_error(r[0]),
			    crm_reader_error(r[1])))
				diff++;
			continue;
		}
		if (rc[0] != CRM_READ_OK)
			continue;
		nrec++;
		if (rec[0].nf != rec[1].nf) {
			diff++;
			break;
		}
		for (k = 0; k < rec[0].nf; k++)
			if (rec[0].f[k].n != rec[1].f[k].n ||
			    memcmp(rec[0].f[k].p, rec[1].f[k].p,
			    rec[0].f[k].n + 1))
				diff++;
		/* the row at once (its span when it can) beside field by
		 * field */
		crm_writer_row(&w[0], rec[0].f, rec[0].nf);
		for (k = 0; k < rec[1].nf; k++)
			crm_writer_field(&w[1], rec[1].f[k].p, rec[1].f[k].n);
		crm_writer_end(&w[1]);
		if (out[0].n != out[1].n ||
		    memcmp(out[0].buf + at, out[1].buf + at, out[0].n - at))
			diff++;
		/* and crm_tsv_row_to, as the log's appends write it */
		{
			size_t need = rec[0].nf + 1, len;
			char *line;

			for (k = 0; k < rec[0].nf; k++)
				need += 2 * rec[0].f[k].n;
			line = crm_xmalloc(need);
			len = crm_tsv_row_to(line, rec[0].f, rec[0].nf);
			line[len++] = '\n';
			if (len != out[1].n - at ||
			    memcmp(line, out[1].buf + at, len))
				diff++;
			free(line);
		}
		at = out[0].n;
		if (at > (1 << 15))
			out[0].n = out[1].n = at = 0;
	} while (!diff && rc[0] != CRM_READ_EOF && rc[0] != CRM_READ_FATAL);
	unit_inteq((long long)diff, 0, WHAT("fast and general paths agree "
	    "(%s, delimiter %d, block %zu, max field %zu, max fields %zu, "
	    "seed %u, %zu records)", csv ? "csv" : "tsv", delim, block,
	    max_field, max_fields, seed, nrec));
	unit_ok(nrec > 1000, WHAT("fast and general: records read (seed %u)",
	    seed), first);
	for (k = 0; k < 2; k++) {
		crm_reader_close(r[k]);
		crm_writer_release(&w[k]);
		free(out[k].buf);
	}
	unlink(path);
	free(path);
	crm_buf_release(&data);
}

/* What crm_lines_read handed on: "H:header|" (or "H:-|"), then the blocks
 * joined with "|" between them. */
struct lines_seen {
	struct crm_buf out;
	size_t lines;
};

static void
lines_header(void *ctx, char *p, size_t n)
{
	struct lines_seen *L = ctx;

	crm_buf_adds(&L->out, "H:");
	if (p) {
		UNIT_OK(p[n] == '\0', "lines: the header is NUL-terminated");
		crm_buf_add(&L->out, p, n);
	} else {
		crm_buf_adds(&L->out, "-");
	}
	crm_buf_addc(&L->out, '|');
}

static void
lines_block(void *ctx, char *p, size_t n)
{
	struct lines_seen *L = ctx;

	UNIT_OK(n > 0 && p[n - 1] == '\n', "lines: a block ends a line");
	L->lines += crm_count_nl(p, n);
	crm_buf_add(&L->out, p, n);
	crm_buf_addc(&L->out, '|');
}

/* Feed data through a pipe to crm_lines_read and compare what it handed on
 * and the torn tail it reported. */
static void
lines_is(const char *data, long long limit, size_t block, int strict,
    const char *want, size_t want_tail, const char *name)
{
	static const struct crm_lines_fn fn = { lines_header, lines_block,
		NULL };
	struct lines_seen L;
	size_t tail = 99;
	int fd[2];
	pid_t pid;

	if (pipe(fd) < 0)
		abort();
	pid = fork();
	if (pid == 0) {
		size_t n = strlen(data);
		close(fd[0]);
		if (write(fd[1], data, n) != (ssize_t)n)
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	memset(&L, 0, sizeof L);
	crm_buf_init(&L.out);
	UNIT_OK(crm_lines_read(fd[0], limit, block, strict, &fn, &L, &tail)
	    == 0, WHAT("%s: read", name));
	close(fd[0]);
	waitpid(pid, NULL, 0);
	unit_streq(L.out.p, want, WHAT("%s: lines", name));
	unit_inteq((long long)tail, (long long)want_tail,
	    WHAT("%s: torn tail", name));
	crm_buf_release(&L.out);
}

static void
test_lines(void)
{
	struct crm_field f[4];
	char line[] = "a\tb\\t\t\tc";
	char big[300];

	lines_is("", -1, 0, 0, "H:-|", 0, "lines: empty input");
	lines_is("", -1, 0, 1, "H:-|", 0, "lines: empty input, strict");
	lines_is("h1\th2\n", -1, 0, 1, "H:h1\th2|", 0, "lines: header only");
	lines_is("h\nx\\ty\n", -1, 0, 1, "H:h|x\\ty\n|", 0,
	    "lines: escapes are kept raw");
	lines_is("h\na\nb", -1, 0, 0, "H:h|a\n|b\n|", 0,
	    "lines: a stream's last line without a newline is a line");
	lines_is("h\na\nb", -1, 0, 1, "H:h|a\n|", 1,
	    "lines: strict: a last line without a newline is torn");
	lines_is("h\nabc", -1, 0, 1, "H:h|", 3,
	    "lines: strict: a torn line right after the header");
	lines_is("h", -1, 0, 1, "H:h|", 0,
	    "lines: strict: a lone line is still the header");
	lines_is("h\na\nbc\n", 4, 0, 1, "H:h|a\n|", 0,
	    "lines: only limit bytes are read");
	lines_is("h\na\nbc\n", 0, 0, 1, "H:-|", 0,
	    "lines: a limit of 0 reads nothing");
	lines_is("head\none\ntwo\nthree\n", -1, 16, 1,
	    "H:head|one\ntwo\n|three\n|", 0,
	    "lines: small blocks hand on several runs");
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	big[0] = 'h';
	big[1] = '\n';
	big[sizeof big - 2] = '\n';
	{
		char want[400];
		snprintf(want, sizeof want, "H:h|%s|", big + 2);
		lines_is(big, -1, 16, 1, want, 0,
		    "lines: a line longer than the block grows the buffer");
	}

	unit_inteq((long long)crm_tsv_split(line, strlen(line), f, 4), 4,
	    "split: four fields");
	UNIT_OK(f[0].n == 1 && f[1].n == 3 && !memcmp(f[1].p, "b\\t", 3) &&
	    f[2].n == 0 && f[3].n == 1 && f[3].p[0] == 'c',
	    "split: raw fields, escapes kept, an empty one");
	unit_inteq((long long)crm_tsv_split(line, strlen(line), f, 3), 4,
	    "split: more fields than max is max + 1");
	unit_inteq((long long)crm_tsv_split(line, 0, f, 4), 1,
	    "split: an empty line is one empty field");
	unit_inteq((long long)crm_count_nl("a\nb\n\n0123456789\nxyz", 19),
	    4, "count_nl: across the eight-byte steps");
	unit_inteq((long long)crm_count_nl("", 0), 0, "count_nl: nothing");
}


/*
 * GBK input with bytes GBK does not allow (a GB18030 four-byte character,
 * a lone 0xFF, an incomplete character at the very end): each bad record
 * comes back CRM_READ_BAD with its field named, its bytes as they were,
 * and the reading goes on, at every block size (the bytes then fall on
 * every boundary of the conversion) and in TSV and CSV.
 */
static void
encoding_bad_bytes(void)
{
	/* 张三 in GBK, then U+22EF in GB18030 (81 36 E5 38) */
	static const char body[] =
	    "C1%c\xd5\xc5\xc8\xfd\n"
	    "C2%cx\x81\x36\xe5\x38y\n"
	    "C3%cok\n"
	    "C4%c\xff\n"
	    "C5%clast\xd5";
	static const size_t blocks[] = { 16, 17, 19, 23, 31, 64, 0 };

	for (int csv = 0; csv < 2; csv++)
		for (size_t k = 0; k < sizeof blocks / sizeof blocks[0]; k++) {
			char text[256], err[256], label[64];
			char d = csv ? ',' : '\t';
			struct crm_read_opts o = { 0 };
			struct crm_rec rec;
			int n = snprintf(text, sizeof text, "id%cname\n", d);

			n += snprintf(text + n, sizeof text - (size_t)n, body, d, d,
			    d, d, d);
			char *path = write_tmp(text, (size_t)n);
			o.format = csv ? CRM_IN_CSV : CRM_IN_TSV;
			o.encoding = "GBK";
			o.block = blocks[k];
			snprintf(label, sizeof label, "gbk %s block %zu",
			    csv ? "csv" : "tsv", blocks[k]);
			struct crm_reader *r = crm_reader_open(path, &o, err,
			    sizeof err);
			unit_ok(r != NULL, WHAT("%s: open", label), err);
			if (!r)
				continue;
			unit_inteq(crm_reader_next(r, &rec), CRM_READ_OK,
			    WHAT("%s: record 1", label));
			unit_streq(rec.f[1].p, "张三", WHAT("%s: converted",
			    label));
			unit_inteq(crm_reader_next(r, &rec), CRM_READ_BAD,
			    WHAT("%s: record 2 bad", label));
			unit_streq(strchr(crm_reader_error(r), ':'), ":3: name: "
			    "not valid GBK text (try --encoding GB18030) "
			    "'x\\x816\\xe58y'", WHAT("%s: record 2 message",
			    label));
			unit_inteq((long)rec.nf, 2, WHAT("%s: record 2 whole",
			    label));
			unit_ok(rec.nf == 2 && rec.f[1].n == 6 &&
			    !memcmp(rec.f[1].p, "x\x81\x36\xe5\x38y", 6),
			    WHAT("%s: record 2 bytes as they were", label), "");
			unit_inteq(rec.line, 3, WHAT("%s: record 2 line", label));
			unit_inteq(crm_reader_next(r, &rec), CRM_READ_OK,
			    WHAT("%s: record 3 after it", label));
			unit_streq(rec.f[1].p, "ok", WHAT("%s: record 3", label));
			unit_inteq(crm_reader_next(r, &rec), CRM_READ_BAD,
			    WHAT("%s: record 4 bad", label));
			unit_inteq(crm_reader_next(r, &rec), CRM_READ_BAD,
			    WHAT("%s: record 5, cut short, bad", label));
			unit_ok(rec.nf == 2 && rec.f[1].n == 5 &&
			    !memcmp(rec.f[1].p, "last\xd5", 5),
			    WHAT("%s: record 5 bytes", label), "");
			unit_inteq(crm_reader_next(r, &rec), CRM_READ_EOF,
			    WHAT("%s: EOF", label));
			crm_reader_close(r);
			unlink(path);
			free(path);
		}
}

/* A CR that is the last byte of a line as long as the general CSV path's
 * four blocks: it has to look at the next byte, not take the CR for a
 * line end of its own (the LF after it was then a second line, and every
 * line number after it one too high). */
static void
csv_cr_at_buffer_end(void)
{
	for (int lines = 1; lines <= 2; lines++) {
		struct crm_buf in;
		struct crm_read_opts o = { 0 };
		struct crm_rec rec;
		char err[256];
		long got = -1;
		int rc;

		crm_buf_init(&in);
		for (int i = 0; i < 62; i++)
			crm_buf_addc(&in, 'a');
		crm_buf_adds(&in, ",y\r\n");
		if (lines == 2)
			crm_buf_adds(&in, "\r\n");
		crm_buf_adds(&in, "9,z\n");
		char *path = write_tmp(in.p, in.n);
		o.format = CRM_IN_CSV;
		o.no_header = 1;
		o.general = 1;
		o.block = 16;
		struct crm_reader *r = crm_reader_open(path, &o, err, sizeof err);
		while (r && (rc = crm_reader_next(r, &rec)) == CRM_READ_OK)
			if (rec.nf == 2 && !strcmp(rec.f[0].p, "9"))
				got = rec.line;
		unit_inteq(got, 1 + lines, WHAT("csv: CRLF at the end of a full "
		    "buffer, %d line end(s): the next record's line", lines));
		crm_reader_close(r);
		unlink(path);
		free(path);
		crm_buf_release(&in);
	}
}

int
main(void)
{
	test_lines();
	encoding_bad_bytes();
	fast_vs_general(1, 1, 0, 0, 0, 0);
	fast_vs_general(2, 1, ';', 0, 0, 0);
	fast_vs_general(3, 1, '\t', 37, 0, 0);
	fast_vs_general(4, 1, 0, 64, 40, 5);
	fast_vs_general(5, 1, 0, 0, 0, 3);
	fast_vs_general(8, 1, 0, 0, 0, 0);
	fast_vs_general(6, 0, 0, 0, 0, 0);
	fast_vs_general(7, 0, 0, 61, 30, 4);
	random_tsv(1, 0);
	random_tsv(2, 16);
	random_tsv(3, 61);
	random_tsv(4, 64);
	random_tsv(5, 4096);
	boundary(1, "\r\n", "Q1", "line1\r\nline2", "\r\nline2", 0, 0,
	    "csv: quoted CRLF split between CR and LF");
	boundary(1, "\r\n", "Q2", "line1\nline2", "\nline2", 0, 0,
	    "csv: quoted LF at the last byte");
	boundary(1, "\r\n", "Q3", "say \"hi\" now", "\"\"hi", 0, 0,
	    "csv: doubled quote split");
	boundary(1, "\r\n", "Q4", "a, b", ",\"a", 1, 0,
	    "csv: opening quote at the last byte");
	boundary(1, "\r\n", "Q5", "plain", "\r\n", 0, 1,
	    "csv: record CRLF split");
	boundary(1, "\r", "Q6", "plain", "\r", 0, 1,
	    "csv: lone CR at the last byte");
	boundary(1, "\r", "Q7", "x\ry", "\ry", 0, 0,
	    "csv: quoted lone CR at the last byte");
	boundary(1, "\n", "Q8", "王小明", "\x8e\x8b", 0, 0,
	    "csv: UTF-8 character split");
	boundary(0, "\n", "T1", "a\nb", "\\n", 0, 0,
	    "tsv: escape split after the backslash");
	boundary(0, "\n", "T2", "plain", "\n", 0, 1,
	    "tsv: newline at the last byte");
	boundary(0, "\r\n", "T3", "plain", "\r\n", 0, 1,
	    "tsv: CRLF split");
	boundary(0, "\n", "T4", "王小明", "\x8e\x8b", 0, 0,
	    "tsv: UTF-8 character split");
	pipe_bytes();
	pipes_widened();
	errors();
	field_cap();
	csv_cr_at_buffer_end();
	return unit_done();
}
