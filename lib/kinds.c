/*
 * kinds: column definitions and vocabularies, as documented in crm(7).
 */
#include "kinds.h"
#include "util.h"

#include <string.h>

const char *const crm_vocab_channel[] = {
	"visit", "phone", "sms", "email", "letter", "ivr", "chat", "web",
	"social", "forum", "event", "self_service", NULL
};
const char *const crm_vocab_type[] = {
	"inquiry", "care", "complaint", "suggestion", "objection", "order",
	"followup", "survey", "other", NULL
};
const char *const crm_vocab_initiator[] = { "company", "customer", NULL };
const char *const crm_vocab_status[] = {
	"potential", "intent", "customer", "lost", NULL
};
const char *const crm_vocab_cause[] = {
	"result", "process", "expectation", NULL
};
const char *const crm_vocab_severity[] = {
	"low", "normal", "high", "urgent", NULL
};
const char *const crm_vocab_event[] = {
	"open", "classify", "assign", "respond", "resolve", "reopen", "close",
	NULL
};
const char *const crm_vocab_instrument[] = {
	"csat", "nps", "ces", "servqual", NULL
};
const char *const crm_vocab_gender[] = { "M", "F", "X", NULL };

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct crm_coldef customers[] = {
	{ "customer_id", CRM_C_ID, 1, NULL, 0, 0 },
	{ "name", CRM_C_TEXT, 0, NULL, 0, 0 },
	{ "phone", CRM_C_PHONE, 0, NULL, 0, 0 },
	{ "email", CRM_C_EMAIL, 0, NULL, 0, 0 },
	{ "status", CRM_C_VOCAB, 0, crm_vocab_status, 0, 0 },
	{ "created", CRM_C_DATE, 0, NULL, 0, 0 },
	{ "city", CRM_C_TEXT, 0, NULL, 0, 0 },
	{ "gender", CRM_C_VOCAB, 0, crm_vocab_gender, 0, 0 },
	{ "birth_year", CRM_C_INT, 0, NULL, 1900, 2100 },
	{ "occupation", CRM_C_TEXT, 0, NULL, 0, 0 },
	{ "blacklist", CRM_C_BOOL, 0, NULL, 0, 0 },
	{ "lost_reason", CRM_C_TEXT, 0, NULL, 0, 0 },
};

static const struct crm_coldef interactions[] = {
	{ "id", CRM_C_ID, 1, NULL, 0, 0 },
	{ "ts", CRM_C_TS, 1, NULL, 0, 0 },
	{ "customer_id", CRM_C_ID, 1, NULL, 0, 0 },
	{ "channel", CRM_C_VOCAB, 1, crm_vocab_channel, 0, 0 },
	{ "type", CRM_C_VOCAB, 1, crm_vocab_type, 0, 0 },
	{ "initiator", CRM_C_VOCAB, 0, crm_vocab_initiator, 0, 0 },
	{ "agent", CRM_C_TEXT, 0, NULL, 0, 0 },
	{ "duration_s", CRM_C_INT, 0, NULL, 0, 864000 },
	{ "outcome", CRM_C_TEXT, 0, NULL, 0, 0 },
	{ "satisfaction", CRM_C_INT, 0, NULL, 1, 5 },
	{ "next_action", CRM_C_DATE, 0, NULL, 0, 0 },
	{ "note", CRM_C_TEXT, 0, NULL, 0, 0 },
};

static const struct crm_coldef transactions[] = {
	{ "customer_id", CRM_C_ID, 1, NULL, 0, 0 },
	{ "date", CRM_C_DATE, 1, NULL, 0, 0 },
	{ "amount", CRM_C_MONEY, 1, NULL, 0, 0 },
	{ "order_id", CRM_C_ID, 0, NULL, 0, 0 },
	{ "quantity", CRM_C_INT, 0, NULL, -1000000, 1000000 },
	{ "unit_price", CRM_C_DECIMAL, 0, NULL, 0, 0 },
	{ "product", CRM_C_TEXT, 0, NULL, 0, 0 },
	{ "channel", CRM_C_TEXT, 0, NULL, 0, 0 },
};

static const struct crm_coldef complaints[] = {
	{ "complaint_id", CRM_C_ID, 1, NULL, 0, 0 },
	{ "ts", CRM_C_TS, 1, NULL, 0, 0 },
	{ "event", CRM_C_VOCAB, 1, crm_vocab_event, 0, 0 },
	{ "customer_id", CRM_C_ID, 0, NULL, 0, 0 },
	{ "status", CRM_C_TEXT, 0, NULL, 0, 0 },
	{ "category", CRM_C_TEXT, 0, NULL, 0, 0 },
	{ "cause", CRM_C_VOCAB, 0, crm_vocab_cause, 0, 0 },
	{ "severity", CRM_C_VOCAB, 0, crm_vocab_severity, 0, 0 },
	{ "priority", CRM_C_INT, 0, NULL, 1, 4 },
	{ "channel", CRM_C_VOCAB, 0, crm_vocab_channel, 0, 0 },
	{ "agent", CRM_C_TEXT, 0, NULL, 0, 0 },
	{ "due_response", CRM_C_TS, 0, NULL, 0, 0 },
	{ "due_resolve", CRM_C_TS, 0, NULL, 0, 0 },
	{ "satisfaction", CRM_C_INT, 0, NULL, 1, 5 },
	{ "text", CRM_C_TEXT, 0, NULL, 0, 0 },
};

static const struct crm_coldef surveys[] = {
	{ "customer_id", CRM_C_ID, 1, NULL, 0, 0 },
	{ "date", CRM_C_DATE, 1, NULL, 0, 0 },
	{ "instrument", CRM_C_VOCAB, 1, crm_vocab_instrument, 0, 0 },
	{ "item", CRM_C_TEXT, 0, NULL, 0, 0 },
	{ "expectation", CRM_C_INT, 0, NULL, 1, 7 },
	{ "score", CRM_C_INT, 0, NULL, 0, 10 },
	{ "channel", CRM_C_VOCAB, 0, crm_vocab_channel, 0, 0 },
	{ "agent", CRM_C_TEXT, 0, NULL, 0, 0 },
};

const struct crm_kind crm_kinds[] = {
	{ "customers", customers, N(customers), "customer_id" },
	{ "interactions", interactions, N(interactions), "id" },
	{ "transactions", transactions, N(transactions), NULL },
	{ "complaints", complaints, N(complaints), NULL },
	{ "surveys", surveys, N(surveys), NULL },
};
const size_t crm_nkinds = N(crm_kinds);

const struct crm_kind *
crm_kind_find(const char *name)
{
	for (size_t i = 0; i < crm_nkinds; i++)
		if (!strcmp(crm_kinds[i].name, name))
			return &crm_kinds[i];
	return NULL;
}

const struct crm_coldef *
crm_kind_col(const struct crm_kind *k, const char *name)
{
	for (size_t i = 0; i < k->ncols; i++)
		if (!strcmp(k->cols[i].name, name))
			return &k->cols[i];
	return NULL;
}

size_t
crm_kind_nrequired(const struct crm_kind *k)
{
	size_t n = 0;
	while (n < k->ncols && k->cols[n].required)
		n++;
	return n;
}

int
crm_vocab_index(const char *const *v, const char *s, size_t n)
{
	for (int i = 0; v[i]; i++)
		if (strlen(v[i]) == n && !memcmp(v[i], s, n))
			return i;
	return -1;
}

void
crm_vocab_list(const char *const *v, struct crm_buf *out)
{
	for (int i = 0; v[i]; i++) {
		if (i)
			crm_buf_adds(out, ", ");
		crm_buf_adds(out, v[i]);
	}
}
