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

/* Synonyms, by the index of their value in the vocabulary above; crm(7)
 * has one table a vocabulary, in this order. */
enum { CH_VISIT, CH_PHONE, CH_SMS, CH_EMAIL, CH_LETTER, CH_IVR, CH_CHAT,
	CH_WEB, CH_SOCIAL, CH_FORUM, CH_EVENT, CH_SELF };
static const struct crm_vocab_alias channel_alias[] = {
	{ "电话", CH_PHONE }, { "热线", CH_PHONE }, { "phone call", CH_PHONE },
	{ "telephone", CH_PHONE },
	{ "短信", CH_SMS }, { "text", CH_SMS },
	{ "邮件", CH_EMAIL }, { "电子邮件", CH_EMAIL }, { "e-mail", CH_EMAIL },
	{ "微信", CH_CHAT }, { "在线客服", CH_CHAT }, { "live chat", CH_CHAT },
	{ "到店", CH_VISIT }, { "面谈", CH_VISIT }, { "上门", CH_VISIT },
	{ "in person", CH_VISIT }, { "walk-in", CH_VISIT },
	{ "信件", CH_LETTER }, { "postal mail", CH_LETTER },
	{ "mail", CH_LETTER },
	{ "网站", CH_WEB }, { "网页", CH_WEB }, { "官网", CH_WEB },
	{ "website", CH_WEB }, { "online", CH_WEB },
	{ "微博", CH_SOCIAL }, { "social media", CH_SOCIAL },
	{ "论坛", CH_FORUM },
	{ "活动", CH_EVENT },
	{ "自助", CH_SELF },
	{ NULL, 0 }
};
static const struct crm_vocab_alias type_alias[] = {
	{ "咨询", 0 }, { "关怀", 1 }, { "投诉", 2 }, { "建议", 3 },
	{ "异议", 4 }, { "订单", 5 }, { "下单", 5 }, { "回访", 6 },
	{ "跟进", 6 }, { "调查", 7 }, { "问卷", 7 }, { "其他", 8 },
	{ NULL, 0 }
};
static const struct crm_vocab_alias initiator_alias[] = {
	{ "公司", 0 }, { "客户", 1 }, { NULL, 0 }
};
static const struct crm_vocab_alias status_alias[] = {
	{ "潜在客户", 0 }, { "潜在", 0 }, { "意向客户", 1 }, { "意向", 1 },
	{ "已购客户", 2 }, { "已购", 2 }, { "成交客户", 2 },
	{ "流失客户", 3 }, { "流失", 3 },
	{ NULL, 0 }
};
static const struct crm_vocab_alias cause_alias[] = {
	{ "结果", 0 }, { "过程", 1 }, { "期望", 2 }, { NULL, 0 }
};
static const struct crm_vocab_alias severity_alias[] = {
	{ "低", 0 }, { "一般", 1 }, { "普通", 1 }, { "高", 2 }, { "严重", 2 },
	{ "紧急", 3 }, { NULL, 0 }
};
static const struct crm_vocab_alias event_alias[] = {
	{ "投诉", 0 }, { "受理", 0 }, { "新建", 0 }, { "分类", 1 },
	{ "分配", 2 }, { "指派", 2 }, { "回复", 3 }, { "响应", 3 },
	{ "解决", 4 }, { "已解决", 4 }, { "重开", 5 }, { "关闭", 6 },
	{ "结案", 6 },
	{ NULL, 0 }
};
static const struct crm_vocab_alias gender_alias[] = {
	{ "男", 0 }, { "male", 0 }, { "man", 0 },
	{ "女", 1 }, { "female", 1 }, { "woman", 1 },
	{ NULL, 0 }
};

const struct crm_vocab_alias *
crm_vocab_aliases(const char *const *v)
{
	static const struct {
		const char *const *v;
		const struct crm_vocab_alias *a;
	} t[] = {
		{ crm_vocab_channel, channel_alias },
		{ crm_vocab_type, type_alias },
		{ crm_vocab_initiator, initiator_alias },
		{ crm_vocab_status, status_alias },
		{ crm_vocab_cause, cause_alias },
		{ crm_vocab_severity, severity_alias },
		{ crm_vocab_event, event_alias },
		{ crm_vocab_gender, gender_alias },
	};

	for (size_t i = 0; i < N(t); i++)
		if (t[i].v == v)
			return t[i].a;
	return NULL;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int
crm_vocab_alias_index(const char *const *v, const char *s, size_t n)
{
	const struct crm_vocab_alias *a = crm_vocab_aliases(v);

	if (!a || n == 0)
		return -1;
	/* a synonym is only looked for when the value itself was not
	 * found: the first byte and the length rule most of them out */
	for (; a->word; a++) {
		const char *w = a->word;
		size_t i;

		if (lower((unsigned char)w[0]) != lower((unsigned char)s[0]))
			continue;
		for (i = 0; i < n && w[i]; i++)
			if (lower((unsigned char)w[i]) !=
			    lower((unsigned char)s[i]))
				break;
		if (i == n && !w[i])
			return a->value;
	}
	return -1;
}

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
	/* the marketing campaign a contact belongs to (crm-report
	 * campaigns); last, so that a log made before it keeps its
	 * columns in place */
	{ "campaign", CRM_C_TEXT, 0, NULL, 0, 0 },
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

int
crm_kind_col_number(const struct crm_kind *k, const char *name)
{
	const struct crm_coldef *c = k ? crm_kind_col(k, name) : NULL;

	return c && (c->type == CRM_C_INT || c->type == CRM_C_MONEY ||
	    c->type == CRM_C_DECIMAL || c->type == CRM_C_BOOL);
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
