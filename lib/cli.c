/*
 * cli: shared program conventions.
 */
#include "cli.h"
#include "util.h"

#include <err.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CRM_VERSION
#define CRM_VERSION "0"
#endif
#ifndef CRM_DATADIR
#define CRM_DATADIR "/usr/local/share/crmkit"
#endif
#ifndef CRM_SRCDIR
#define CRM_SRCDIR "."
#endif

void
crm_cli_locale(void)
{
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
}

void
crm_cli_version(void)
{
	printf("%s (crmkit) %s\n", program_invocation_short_name, CRM_VERSION);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(2, "standard output");
	exit(0);
}

void
crm_cli_usage(int code, const char *text)
{
	if (code) {
		fputs(text, stderr);
		exit(code);
	}
	fputs(text, stdout);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(CRM_EXIT_FATAL, "standard output");
	exit(CRM_EXIT_OK);
}

int
crm_cli_stdout_tty(void)
{
	return isatty(1);
}

int
crm_cli_stderr_tty(void)
{
	return isatty(2);
}

char *
crm_cli_store_path(const char *file, const char *name, char *err,
    size_t errlen)
{
	const char *dir;
	struct crm_buf b;

	if (file && *file)
		return crm_xstrdup(file);
	dir = getenv("CRM_DIR");
	if (!dir || !*dir) {
		snprintf(err, errlen, "no %s: give -f FILE or set CRM_DIR",
		    name);
		return NULL;
	}
	crm_buf_init(&b);
	crm_buf_addf(&b, "%s/%s", dir, name);
	return crm_buf_detach(&b, NULL);
}

const char *
crm_cli_datadir(void)
{
	static char src[4096];
	const char *d = getenv("CRM_DATADIR");
	struct stat st;

	if (d && *d)
		return d;
	if (stat(CRM_DATADIR, &st) == 0 && S_ISDIR(st.st_mode))
		return CRM_DATADIR;
	snprintf(src, sizeof src, "%s/share", CRM_SRCDIR);
	return src;
}
