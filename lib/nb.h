/*
 * nb: a multinomial naive Bayes text classifier, the learned fallback of
 * complaint triage (crm-complaint learn, triage --model, open --model).
 *
 * A text is a bag of tokens: maximal runs of letters and digits outside
 * the CJK blocks are words (ASCII and Latin-1 letters lowercased); a run
 * of CJK characters (Han, kana, Hangul) gives every character and every
 * pair of adjacent characters.  Everything else separates tokens.  A class
 * c gets the score
 *
 *     log P(c) + sum over tokens w of the text of log P(w | c),
 *     P(c) = texts of c / texts,
 *     P(w | c) = (count of w in c + 1) / (tokens of c + V)
 *
 * (Laplace smoothing, V the vocabulary of the training texts); tokens
 * outside the vocabulary are left out, and a text with none in it gets no
 * class.  The confidence of the best class is its posterior probability,
 * exp(score) normalised over the classes.  Each class also keeps the most
 * common cause and severity of its training texts (ties to the first in
 * byte order; "" when none had one), which a prediction carries along.
 *
 * The model file is TSV (see crm-complaint(1), MODEL FILE): "# crmkit-nb
 * 1", a header "kind token CLASS...", the rows texts, tokens, cause and
 * severity, one "word" row per token in byte order with its count in each
 * class, and "end N" with the number of word rows; a reader checks the
 * counts add up, so a truncated or edited file is refused with its line.
 *
 * Ownership: a data set owns copies of what is added; a model owns its
 * labels, tokens and tables; labels returned stay valid until the model is
 * freed.  The library never prints; allocation failure exits (util.h).
 */
#ifndef CRM_NB_H
#define CRM_NB_H

#include <stddef.h>
#include <stdint.h>

struct crm_buf;

/* The model file's first line: format name and version. */
#define CRM_NB_MAGIC "# crmkit-nb 1"

/* Call fn(ctx, token, len) for every token of text[0..n) (the bytes of a
 * word are lowercased into a scratch buffer valid during the call). */
void crm_nb_tokens(const char *text, size_t n,
    void (*fn)(void *ctx, const char *tok, size_t len), void *ctx);

/* ---- labelled texts ---- */

struct crm_nb_data;

struct crm_nb_data *crm_nb_data_new(void);
void crm_nb_data_free(struct crm_nb_data *d);
/* Add one text with its label; cause and severity may be NULL or "". */
void crm_nb_data_add(struct crm_nb_data *d, const char *label,
    const char *text, size_t n, const char *cause, const char *severity);
size_t crm_nb_data_count(const struct crm_nb_data *d);

/* ---- the model ---- */

struct crm_nb;

/*
 * Train on the texts of d: all of them when k is 0, else those whose
 * index i (in the order added) has i % k != fold.  NULL when that leaves
 * no text.
 */
struct crm_nb *crm_nb_train(const struct crm_nb_data *d, size_t k,
    size_t fold);
void crm_nb_free(struct crm_nb *m);

size_t crm_nb_classes(const struct crm_nb *m);
/* The label of class i (classes in byte order of their labels). */
const char *crm_nb_label(const struct crm_nb *m, size_t i);
size_t crm_nb_vocabulary(const struct crm_nb *m);

/* The score of class c for text (see above), or -INFINITY when no token
 * of the text is in the vocabulary. */
double crm_nb_score(const struct crm_nb *m, size_t c, const char *text,
    size_t n);

struct crm_nb_guess {
	const char *label;      /* NULL: no token of the text is known */
	const char *cause;      /* the class's most common cause, or "" */
	const char *severity;   /* its most common severity, or "" */
	double confidence;      /* posterior of the label, 0 when none */
};

/* The most probable class of text[0..n) (ties to the earlier class). */
void crm_nb_predict(const struct crm_nb *m, const char *text, size_t n,
    struct crm_nb_guess *g);

/* Append the model file's text to b. */
void crm_nb_format(const struct crm_nb *m, struct crm_buf *b);
/*
 * Read a model file.  NULL with "FILE:LINE: reason" in err (or "FILE:
 * strerror" when it cannot be opened) for a file of another format or
 * version, a bad field, a count that does not add up, or one that ends
 * before its end line.
 */
struct crm_nb *crm_nb_load(const char *path, char *err, size_t errlen);

/* ---- k-fold evaluation ---- */

/*
 * Cross-validation: for each fold f of k, train on the other folds and
 * predict the texts of f (index % k == f).  A guess below min_conf, or no
 * guess, is the label "other".  labels[0..nlabels) are the true labels and
 * the predicted ones, in byte order; confusion[t * nlabels + p] counts the
 * texts of label t predicted p.
 */
struct crm_nb_eval {
	size_t k, n, right;
	char **labels;
	size_t nlabels;
	size_t *confusion;
};

/* Returns 0, or -1 when k is not 2..texts. */
int crm_nb_evaluate(const struct crm_nb_data *d, size_t k, double min_conf,
    struct crm_nb_eval *e);
void crm_nb_eval_release(struct crm_nb_eval *e);

#endif
