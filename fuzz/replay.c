/*
 * replay: runs a fuzz harness over files given on the command line (the
 * committed seed corpus and every crash reproducer), so make check keeps
 * them passing without libFuzzer.  Prints TAP, one line per directory.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		size_t k = fread(buf + n, 1, cap - n, f);
		if (!k)
			break;
		n += k;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	int t = 0;
	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		size_t count = 0;
		if (!d) {
			printf("not ok %d - %s: cannot open\n", ++t, argv[i]);
			continue;
		}
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			char p[4096];
			struct stat st;
			if (e->d_name[0] == '.')
				continue;
			snprintf(p, sizeof p, "%s/%s", argv[i], e->d_name);
			if (stat(p, &st) || !S_ISREG(st.st_mode))
				continue;
			if (run_file(p) == 0)
				count++;
		}
		closedir(d);
		printf("ok %d - replayed %zu inputs from %s\n", ++t, count,
		    argv[i]);
	}
	return 0;
}
