/*
 * kinds: the five data kinds of spec.md section 2 (customers, interactions,
 * transactions, complaints, surveys), their known columns with a type each,
 * and the controlled vocabularies (channel, type, status, ...).
 *
 * All tables are static and read-only; nothing here allocates except the
 * list formatting into a caller's buffer.
 */
#ifndef CRM_KINDS_H
#define CRM_KINDS_H

#include <stddef.h>

struct crm_buf;

enum crm_ctype {
	CRM_C_TEXT,     /* free text, kept as written (trimmed) */
	CRM_C_ID,       /* identifier: non-empty, no spaces inside */
	CRM_C_DATE,     /* YYYY-MM-DD after normalising */
	CRM_C_TS,       /* ISO 8601 timestamp with offset */
	CRM_C_MONEY,    /* decimal amount, two places after normalising */
	CRM_C_INT,      /* integer in [min, max] */
	CRM_C_VOCAB,    /* one of a vocabulary */
	CRM_C_PHONE,    /* +<country><digits> after normalising */
	CRM_C_EMAIL,    /* lower-cased address */
	CRM_C_BOOL,     /* 0 or 1 (yes/no, true/false, 是/否 accepted) */
	CRM_C_DECIMAL   /* decimal number, at most 6 places */
};

struct crm_coldef {
	const char *name;
	enum crm_ctype type;
	int required;
	const char *const *vocab;   /* CRM_C_VOCAB */
	long long min, max;         /* CRM_C_INT */
};

struct crm_kind {
	const char *name;
	const struct crm_coldef *cols;
	size_t ncols;
	const char *key;            /* the column --dedupe keys on, or NULL
	                               for the whole record */
};

extern const struct crm_kind crm_kinds[];
extern const size_t crm_nkinds;

const struct crm_kind *crm_kind_find(const char *name);
/* The definition of column name in kind k, or NULL for an unknown column. */
const struct crm_coldef *crm_kind_col(const struct crm_kind *k,
    const char *name);
/* 1 when column name of kind k is a number (integer, money, decimal, or
 * a 0/1 flag), which JSON Lines writes bare; 0 for text and unknown
 * columns. */
int crm_kind_col_number(const struct crm_kind *k, const char *name);
/* Number of required columns (they come first in cols). */
size_t crm_kind_nrequired(const struct crm_kind *k);

/* Vocabularies, NULL-terminated. */
extern const char *const crm_vocab_channel[];
extern const char *const crm_vocab_type[];
extern const char *const crm_vocab_initiator[];
extern const char *const crm_vocab_status[];
extern const char *const crm_vocab_cause[];
extern const char *const crm_vocab_severity[];
extern const char *const crm_vocab_event[];
extern const char *const crm_vocab_instrument[];
extern const char *const crm_vocab_gender[];

/* Index of s[0..n) in v, or -1. */
int crm_vocab_index(const char *const *v, const char *s, size_t n);

/*
 * The synonyms a vocabulary accepts besides its own values, as crm(7)
 * lists them: Chinese and English words of real exports ("电话",
 * "telephone") with the index of the value they stand for.  A synonym
 * table ends with a NULL word.
 */
struct crm_vocab_alias {
	const char *word;
	int value;              /* index into the vocabulary */
};
/* The synonyms of vocabulary v (one of the crm_vocab_* arrays), or NULL
 * when it has none. */
const struct crm_vocab_alias *crm_vocab_aliases(const char *const *v);
/* Index of the value the synonym s[0..n) of v stands for (ASCII case
 * ignored), or -1. */
int crm_vocab_alias_index(const char *const *v, const char *s, size_t n);
/* Append "a, b, c" to out. */
void crm_vocab_list(const char *const *v, struct crm_buf *out);

#endif
