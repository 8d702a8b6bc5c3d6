/*
 * cli: the small conventions every crmkit program shares, so that they
 * behave alike: --version text, exit statuses, where store files live, and
 * whether standard output is a person or a pipe.  Diagnostics go through
 * err(3)/warnx(3), which print "prog: message".
 */
#ifndef CRM_CLI_H
#define CRM_CLI_H

#include <stddef.h>

enum {
	CRM_EXIT_OK = 0,        /* all input accepted */
	CRM_EXIT_REJECT = 1,    /* some records rejected or a file unreadable */
	CRM_EXIT_FATAL = 2,     /* usage error or nothing trustworthy produced */
	CRM_EXIT_WRITTEN = 3    /* the record was stored, but standard output
	                           (its id) could not be written */
};

/* The user's locale for characters and messages, the C locale for numbers:
 * every figure is written and read with a decimal point, whatever
 * LC_NUMERIC says, so output and model files mean the same everywhere.
 * The first call of every program's main. */
void crm_cli_locale(void);

/* Print "PROG (crmkit) VERSION" on standard output and exit 0. */
void crm_cli_version(void) __attribute__((noreturn));

/* Print the usage text: on standard output and exit 0 for code 0 (--help),
 * on standard error and exit code otherwise.  For --help the write is
 * checked as --version's is, so `--help >/dev/full` fails with exit 2. */
void crm_cli_usage(int code, const char *text) __attribute__((noreturn));

/* Is standard output a terminal? (Chooses table vs TSV defaults.) */
int crm_cli_stdout_tty(void);
/* Is standard error a terminal? (Progress reports.) */
int crm_cli_stderr_tty(void);

/*
 * The path of a store file: file when given (-f), else $CRM_DIR/name.
 * Returns NULL with a message in err when neither is set.  The result is
 * allocated; the caller frees it.
 */
char *crm_cli_store_path(const char *file, const char *name, char *err,
    size_t errlen);

/* Data directory for shipped files (complaint rules): $CRM_DATADIR, else the
 * installed share/crmkit, else the share/ directory of the source tree the
 * program was built in. */
const char *crm_cli_datadir(void);

#endif
