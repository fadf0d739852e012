/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * shortlist.c - the advisor's shortlist: rows per candidate, their latest
 * answer to each criterion, their transcript, and the ranking by declared
 * criteria (groups 1 to 4, see shortlist.h).  No score, no I/O apart from
 * reading the store through store_campaign.h in sm_shortlist_build().
 *
 * Also the French words every export shares: status, criterion and value
 * labels, flag texts, ISO 8601 times, the spreadsheet formula test.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smsmatch/shortlist.h"
#include "smsmatch/text.h"

/* The standard criteria, in column order. */
static const char *const std_criteria[] = {
	"consent",   "interest",      "available",  "transport",
	"childcare", "prerequisites", "motivation",
};
#define N_STD (sizeof(std_criteria) / sizeof(std_criteria[0]))

/* ---- words */

struct label {
	const char *key; /* criterion, or "criterion=value", or "value" */
	const char *fr;	 /* French */
};

static const struct label criterion_labels[] = {
	{"consent", "accord"},
	{"interest", "intérêt"},
	{"available", "disponibilité"},
	{"transport", "transport"},
	{"childcare", "garde d'enfants"},
	{"prerequisites", "prérequis"},
	{"motivation", "motivation"},
	{"callback", "rappel"},
	{"selection_test", "sélection"},
};

/* Values read per criterion first ("transport=help_needed"), then alone. */
static const struct label value_labels[] = {
	{"transport=help_needed", "aide au transport demandée"},
	{"childcare=help_needed", "aide à la garde demandée"},
	{"childcare=not_needed", "pas de garde à prévoir"},
	{"childcare=solved", "garde organisée"},
	{"available=partial", "en partie"},
	{"yes", "oui"},
	{"no", "non"},
	{"maybe", "peut-être"},
	{"partial", "en partie"},
	{"car", "voiture"},
	{"public", "transports en commun"},
	{"carpool", "covoiturage"},
	{"walk_bike", "à pied ou à vélo"},
	{"help_needed", "besoin d'aide"},
	{"none", "aucun"},
	{"not_needed", "pas besoin"},
	{"solved", "solution trouvée"},
	{"text", "réponse libre"},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *sm_sl_criterion_label(const char *criterion)
{
	for (size_t i = 0; i < NELEM(criterion_labels); i++)
		if (strcmp(criterion_labels[i].key, criterion) == 0)
			return criterion_labels[i].fr;
	return criterion;
}

const char *sm_sl_value_label(const char *criterion, const char *value)
{
	size_t clen = strlen(criterion);

	for (size_t i = 0; i < NELEM(value_labels); i++) {
		const char *k = value_labels[i].key;
		const char *eq = strchr(k, '=');

		if (eq) {
			if ((size_t)(eq - k) == clen &&
			    strncmp(k, criterion, clen) == 0 &&
			    strcmp(eq + 1, value) == 0)
				return value_labels[i].fr;
		} else if (strcmp(k, value) == 0) {
			return value_labels[i].fr;
		}
	}
	return value;
}

const char *sm_sl_status_name(enum sm_sl_status s)
{
	switch (s) {
	case SM_SL_COMPATIBLE:
		return "compatible";
	case SM_SL_CONDITIONAL:
		return "conditional";
	case SM_SL_INCOMPLETE:
		return "incomplete";
	case SM_SL_NOT_CONTACTED:
		return "not_contacted";
	case SM_SL_NOT_MET:
		return "not_met";
	case SM_SL_DECLINED:
		return "declined";
	case SM_SL_OPTED_OUT:
		return "opted_out";
	case SM_SL_UNREACHABLE:
		return "unreachable";
	case SM_SL_NO_ANSWER:
		return "no_answer";
	}
	return "?";
}

const char *sm_sl_status_label(enum sm_sl_status s)
{
	switch (s) {
	case SM_SL_COMPATIBLE:
		return "compatible";
	case SM_SL_CONDITIONAL:
		return "compatible sous condition";
	case SM_SL_INCOMPLETE:
		return "incomplet";
	case SM_SL_NOT_CONTACTED:
		return "pas encore contacté";
	case SM_SL_NOT_MET:
		return "critère non rempli";
	case SM_SL_DECLINED:
		return "a décliné";
	case SM_SL_OPTED_OUT:
		return "désinscrit (STOP)";
	case SM_SL_UNREACHABLE:
		return "injoignable";
	case SM_SL_NO_ANSWER:
		return "sans réponse";
	}
	return "?";
}

static const char *flag_criterion(const struct sm_shortlist *sl,
				  const struct sm_sl_flag *f)
{
	if (f->criterion < 0 || (size_t)f->criterion >= sl->ncriteria)
		return "";
	return sl->criteria[f->criterion];
}

const char *sm_sl_flag_code(const struct sm_shortlist *sl,
			    const struct sm_sl_flag *f, char *buf, size_t len)
{
	const char *c = flag_criterion(sl, f);
	const char *k = "";

	switch (f->kind) {
	case SM_SL_FLAG_LOW_CONFIDENCE:
		k = "low_confidence";
		break;
	case SM_SL_FLAG_CONDITIONAL:
		k = "conditional";
		break;
	case SM_SL_FLAG_LLM:
		k = "llm";
		break;
	case SM_SL_FLAG_CALLBACK:
		k = "callback";
		break;
	case SM_SL_FLAG_PARTIAL:
		k = "partial_availability";
		break;
	case SM_SL_FLAG_TRANSPORT_AID:
		k = "transport_aid";
		break;
	case SM_SL_FLAG_CHILDCARE_AID:
		k = "childcare_aid";
		break;
	case SM_SL_FLAG_NOT_MET:
		k = "not_met";
		break;
	case SM_SL_FLAG_UNKNOWN_VALUE:
		k = "unknown_value";
		break;
	case SM_SL_FLAG_UNSURE:
		k = "unsure";
		break;
	}
	snprintf(buf, len, "%s%s%s", k, *c ? ":" : "", c);
	return buf;
}

const char *sm_sl_flag_label(const struct sm_shortlist *sl,
			     const struct sm_sl_row *r,
			     const struct sm_sl_flag *f, char *buf, size_t len)
{
	const char *c = sm_sl_criterion_label(flag_criterion(sl, f));
	int pct = 0;

	if (f->criterion >= 0 && f->criterion < SM_SL_CRITERIA_MAX)
		pct = (int)(r->answers[f->criterion].confidence * 100 + 0.5);
	switch (f->kind) {
	case SM_SL_FLAG_LOW_CONFIDENCE:
		snprintf(buf, len,
			 "%s : interprétation incertaine "
			 "(confiance %d %%)",
			 c, pct);
		break;
	case SM_SL_FLAG_CONDITIONAL:
		snprintf(buf, len, "%s : réponse sous condition", c);
		break;
	case SM_SL_FLAG_LLM:
		snprintf(buf, len,
			 "%s : lu par l'IA (confiance %d %%), "
			 "à vérifier",
			 c, pct);
		break;
	case SM_SL_FLAG_CALLBACK:
		snprintf(buf, len, "demande à être rappelé");
		break;
	case SM_SL_FLAG_PARTIAL:
		snprintf(buf, len, "disponible en partie : à voir ensemble");
		break;
	case SM_SL_FLAG_TRANSPORT_AID:
		snprintf(buf, len,
			 "besoin de transport : aide régionale "
			 "ou covoiturage");
		break;
	case SM_SL_FLAG_CHILDCARE_AID:
		snprintf(buf, len,
			 "besoin de garde : aide à la garde "
			 "d'enfants");
		break;
	case SM_SL_FLAG_NOT_MET:
		snprintf(buf, len, "%s : critère non rempli", c);
		break;
	case SM_SL_FLAG_UNKNOWN_VALUE:
		snprintf(buf, len, "%s : réponse non reconnue", c);
		break;
	case SM_SL_FLAG_UNSURE:
		snprintf(buf, len, "%s : ne sait pas, à voir ensemble", c);
		break;
	}
	return buf;
}

bool sm_sl_criterion_flagged(const struct sm_sl_row *r, size_t i)
{
	for (size_t k = 0; k < r->nflags; k++) {
		enum sm_sl_flag_kind f = r->flags[k].kind;

		if (r->flags[k].criterion == (int)i &&
		    (f == SM_SL_FLAG_LOW_CONFIDENCE ||
		     f == SM_SL_FLAG_CONDITIONAL || f == SM_SL_FLAG_LLM ||
		     f == SM_SL_FLAG_UNKNOWN_VALUE || f == SM_SL_FLAG_UNSURE))
			return true;
	}
	return false;
}

const char *sm_sl_iso_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	long off;
	char sign = '+';

	if (!localtime_r(&tt, &tm)) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	off = tm.tm_gmtoff;
	if (off < 0) {
		sign = '-';
		off = -off;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, sign, off / 3600, off / 60 % 60);
	return buf;
}

const char *sm_sl_phone_display(const char *phone, char *buf, size_t len)
{
	const char *d = phone + 3;

	if (strncmp(phone, "+33", 3) == 0 && strlen(d) == 9 &&
	    strspn(d, "0123456789") == 9) {
		snprintf(buf, len, "0%c %.2s %.2s %.2s %.2s", d[0], d + 1,
			 d + 3, d + 5, d + 7);
		return buf;
	}
	snprintf(buf, len, "%s", phone);
	return buf;
}

bool sm_sl_needs_quote_prefix(const char *s)
{
	return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	       s[0] == '\t' || s[0] == '\r';
}

/* ---- building */

struct sm_shortlist *sm_shortlist_new(const struct sm_store_campaign *c)
{
	struct sm_shortlist *sl = calloc(1, sizeof(*sl));

	if (!sl)
		return NULL;
	sl->campaign = *c;
	for (size_t i = 0; i < N_STD; i++)
		snprintf(sl->criteria[i], SM_SL_CRITERION_MAX, "%s",
			 std_criteria[i]);
	sl->ncriteria = N_STD;
	return sl;
}

static void row_release(struct sm_sl_row *r)
{
	for (size_t i = 0; i < SM_SL_CRITERIA_MAX; i++)
		free(r->answers[i].raw);
	for (size_t i = 0; i < r->nmsgs; i++)
		free(r->msgs[i].text);
	free(r->msgs);
}

void sm_shortlist_free(struct sm_shortlist *sl)
{
	if (!sl)
		return;
	for (size_t i = 0; i < sl->nrows; i++)
		row_release(&sl->rows[i]);
	free(sl->rows);
	free(sl);
}

int sm_shortlist_criterion_index(const struct sm_shortlist *sl,
				 const char *name)
{
	for (size_t i = 0; i < sl->ncriteria; i++)
		if (strcmp(sl->criteria[i], name) == 0)
			return (int)i;
	return -1;
}

int sm_shortlist_add_candidate(struct sm_shortlist *sl,
			       const struct sm_store_candidate *cand,
			       const struct sm_store_conversation *conv)
{
	struct sm_sl_row *r;

	for (size_t i = 0; i < sl->nrows; i++)
		if (sl->rows[i].cand.id == cand->id)
			return -EEXIST;
	if (sl->nrows == sl->rows_cap) {
		size_t cap = sl->rows_cap ? sl->rows_cap * 2 : 16;
		struct sm_sl_row *n = realloc(sl->rows, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		sl->rows = n;
		sl->rows_cap = cap;
	}
	r = &sl->rows[sl->nrows];
	memset(r, 0, sizeof(*r));
	r->cand = *cand;
	if (conv) {
		r->contacted = true;
		r->conv = *conv;
	}
	sl->nrows++;
	return 0;
}

/* The row of conversation @conv_id, or NULL. */
static struct sm_sl_row *row_by_conv(struct sm_shortlist *sl, int64_t conv_id)
{
	for (size_t i = sl->nrows; i-- > 0;)
		if (sl->rows[i].contacted && sl->rows[i].conv.id == conv_id)
			return &sl->rows[i];
	return NULL;
}

static int row_add_answer(struct sm_shortlist *sl, struct sm_sl_row *r,
			  const struct sm_store_answer *a)
{
	struct sm_sl_answer *dst;
	char *raw;
	int idx;

	if (!a->criterion[0])
		return -EINVAL;
	idx = sm_shortlist_criterion_index(sl, a->criterion);
	if (idx < 0) {
		if (sl->ncriteria == SM_SL_CRITERIA_MAX)
			return -E2BIG;
		idx = (int)sl->ncriteria++;
		snprintf(sl->criteria[idx], SM_SL_CRITERION_MAX, "%s",
			 a->criterion);
	}
	dst = &r->answers[idx];
	if (dst->answered && a->at < dst->at)
		return 0;
	raw = strndup(a->raw, SM_ANSWER_RAW_MAX - 1);
	if (!raw)
		return -ENOMEM;
	free(dst->raw);
	dst->raw = raw;
	dst->answered = true;
	snprintf(dst->value, sizeof(dst->value), "%s", a->value);
	snprintf(dst->method, sizeof(dst->method), "%s", a->method);
	dst->confidence = a->confidence;
	dst->flags = a->flags;
	dst->at = a->at;
	return 0;
}

int sm_shortlist_add_answer(struct sm_shortlist *sl,
			    const struct sm_store_answer *a)
{
	struct sm_sl_row *r = row_by_conv(sl, a->conversation_id);

	if (!r)
		return -ENOENT;
	return row_add_answer(sl, r, a);
}

static int row_add_message(struct sm_sl_row *r, int64_t at, bool inbound,
			   const char *text, const char *out_state)
{
	char *copy;

	if (r->nmsgs == r->msgs_cap) {
		size_t cap = r->msgs_cap ? r->msgs_cap * 2 : 8;
		struct sm_sl_message *n = realloc(r->msgs, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		r->msgs = n;
		r->msgs_cap = cap;
	}
	copy = strdup(text ? text : "");
	if (!copy)
		return -ENOMEM;
	/* The funnel counts the first message delivered, as the store. */
	if (!inbound) {
		bool first = true;

		for (size_t i = 0; i < r->nmsgs && first; i++)
			first = r->msgs[i].inbound;
		if (first)
			r->delivered = out_state &&
				       strcmp(out_state, "delivered") == 0;
	}
	r->msgs[r->nmsgs].at = at;
	r->msgs[r->nmsgs].inbound = inbound;
	r->msgs[r->nmsgs].text = copy;
	r->nmsgs++;
	return 0;
}

int sm_shortlist_add_message(struct sm_shortlist *sl, int64_t conversation_id,
			     int64_t at, bool inbound, const char *text,
			     const char *out_state)
{
	struct sm_sl_row *r = row_by_conv(sl, conversation_id);

	if (!r)
		return -ENOENT;
	return row_add_message(r, at, inbound, text, out_state);
}

const char *sm_sl_answer_label(const char *criterion,
			       const struct sm_sl_answer *a)
{
	if ((a->flags & SM_ANSWER_F_TEXT) && a->raw)
		return a->raw;
	return sm_sl_value_label(criterion, a->value);
}

/* ---- ranking */

/* What one criterion's answer says about compatibility, worst last. */
enum verdict {
	V_OK,	    /* compatible */
	V_COND,	    /* compatible if a need is met (group 2) */
	V_MISSING,  /* not answered, "maybe" or unknown (group 3) */
	V_NOT_MET,  /* a "no" to a requirement (group 4) */
	V_DECLINED, /* consent or interest "no" (group 4) */
};

static bool in_list(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(v, *list) == 0)
			return true;
	return false;
}

/*
 * The verdict of @a for criterion @name, and the flag it raises (set
 * *@flag, else leave it).  Criteria other than the six decisive ones
 * (motivation...) are always V_OK: they inform, they do not rank.
 */
static enum verdict judge(const char *name, const struct sm_sl_answer *a,
			  bool complete, int *flag)
{
	static const char *const yes[] = {"yes", NULL};
	static const char *const no[] = {"no", NULL};
	static const char *const transport_ok[] = {"car", "public", "carpool",
						   "walk_bike", NULL};
	static const char *const transport_no[] = {"no", "none", NULL};
	static const char *const childcare_ok[] = {"not_needed", "solved",
						   NULL};
	bool decisive = strcmp(name, "consent") == 0 ||
			strcmp(name, "interest") == 0 ||
			strcmp(name, "available") == 0 ||
			strcmp(name, "transport") == 0 ||
			strcmp(name, "childcare") == 0 ||
			strcmp(name, "prerequisites") == 0;
	const char *v = a->value;

	if (!decisive)
		return V_OK;
	/* A complete conversation did not ask what its script leaves out. */
	if (!a->answered)
		return complete ? V_OK : V_MISSING;
	if (strcmp(name, "consent") == 0 || strcmp(name, "interest") == 0) {
		if (in_list(v, yes))
			return V_OK;
		if (in_list(v, no))
			return V_DECLINED;
		if (strcmp(v, "maybe") == 0)
			return V_MISSING;
	} else if (strcmp(name, "available") == 0) {
		if (in_list(v, yes))
			return V_OK;
		if (strcmp(v, "partial") == 0) {
			*flag = SM_SL_FLAG_PARTIAL;
			return V_COND;
		}
		if (in_list(v, no)) {
			*flag = SM_SL_FLAG_NOT_MET;
			return V_NOT_MET;
		}
	} else if (strcmp(name, "transport") == 0) {
		if (in_list(v, transport_ok))
			return V_OK;
		if (strcmp(v, "help_needed") == 0) {
			*flag = SM_SL_FLAG_TRANSPORT_AID;
			return V_COND;
		}
		if (in_list(v, transport_no)) {
			*flag = SM_SL_FLAG_NOT_MET;
			return V_NOT_MET;
		}
	} else if (strcmp(name, "childcare") == 0) {
		if (in_list(v, childcare_ok))
			return V_OK;
		if (strcmp(v, "help_needed") == 0) {
			*flag = SM_SL_FLAG_CHILDCARE_AID;
			return V_COND;
		}
	} else { /* prerequisites */
		if (in_list(v, yes))
			return V_OK;
		if (in_list(v, no)) {
			*flag = SM_SL_FLAG_NOT_MET;
			return V_NOT_MET;
		}
	}
	/* "je ne sais pas" (vaccines, a licence...): incomplete, to check. */
	*flag = strcmp(v, "maybe") == 0 ? SM_SL_FLAG_UNSURE
					 : SM_SL_FLAG_UNKNOWN_VALUE;
	return V_MISSING;
}

static void add_flag(struct sm_sl_row *r, enum sm_sl_flag_kind k, int crit)
{
	if (r->nflags == SM_SL_FLAGS_MAX)
		return;
	r->flags[r->nflags].kind = k;
	r->flags[r->nflags].criterion = crit;
	r->nflags++;
}

static bool has_reply(const struct sm_sl_row *r)
{
	if (r->conv.first_reply_at || r->conv.last_reply_at)
		return true;
	for (size_t i = 0; i < r->nmsgs; i++)
		if (r->msgs[i].inbound)
			return true;
	for (size_t i = 0; i < SM_SL_CRITERIA_MAX; i++)
		if (r->answers[i].answered)
			return true;
	return false;
}

static int status_group(enum sm_sl_status s)
{
	switch (s) {
	case SM_SL_COMPATIBLE:
		return 1;
	case SM_SL_CONDITIONAL:
		return 2;
	case SM_SL_INCOMPLETE:
	case SM_SL_NOT_CONTACTED:
		return 3;
	case SM_SL_NOT_MET:
	case SM_SL_DECLINED:
	case SM_SL_OPTED_OUT:
	case SM_SL_UNREACHABLE:
	case SM_SL_NO_ANSWER:
		return 4;
	}
	return 4;
}

static void judge_row(const struct sm_shortlist *sl, struct sm_sl_row *r)
{
	enum verdict worst = V_OK;
	bool complete = r->contacted && r->conv.outcome == SM_CONV_COMPLETE;
	int cb = sm_shortlist_criterion_index(sl, "callback");

	r->nflags = 0;
	if ((r->contacted && r->conv.outcome == SM_CONV_CALLBACK) ||
	    (cb >= 0 && r->answers[cb].answered &&
	     strcmp(r->answers[cb].value, "yes") == 0))
		add_flag(r, SM_SL_FLAG_CALLBACK, -1);
	for (size_t i = 0; i < sl->ncriteria; i++) {
		const struct sm_sl_answer *a = &r->answers[i];
		int flag = -1;
		enum verdict v = judge(sl->criteria[i], a, complete, &flag);

		if (v > worst)
			worst = v;
		if (flag >= 0)
			add_flag(r, (enum sm_sl_flag_kind)flag, (int)i);
		if (!a->answered)
			continue;
		if (a->flags & SM_ANSWER_F_LOW_CONFIDENCE)
			add_flag(r, SM_SL_FLAG_LOW_CONFIDENCE, (int)i);
		if (a->flags & SM_ANSWER_F_CONDITIONAL)
			add_flag(r, SM_SL_FLAG_CONDITIONAL, (int)i);
		if (strcmp(a->method, "llm") == 0)
			add_flag(r, SM_SL_FLAG_LLM, (int)i);
	}

	if (!r->contacted)
		r->status = SM_SL_NOT_CONTACTED;
	else if (r->conv.outcome == SM_CONV_OPTED_OUT)
		r->status = SM_SL_OPTED_OUT;
	else if (r->conv.outcome == SM_CONV_UNREACHABLE)
		r->status = SM_SL_UNREACHABLE;
	else if (worst == V_DECLINED || r->conv.outcome == SM_CONV_DECLINED)
		r->status = SM_SL_DECLINED;
	else if (worst == V_NOT_MET)
		r->status = SM_SL_NOT_MET;
	else if (r->conv.outcome == SM_CONV_NO_ANSWER && !has_reply(r))
		r->status = SM_SL_NO_ANSWER;
	else if (worst == V_MISSING)
		r->status = SM_SL_INCOMPLETE;
	else if (worst == V_COND)
		r->status = SM_SL_CONDITIONAL;
	else
		r->status = SM_SL_COMPATIBLE;
	r->group = status_group(r->status);
}

/* Sort key of a row: group, first reply, folded names, id. */
struct sort_key {
	struct sm_sl_row *row;	       /* the row (before sorting) */
	int group;		       /* 1..4 */
	int64_t reply;		       /* first reply, INT64_MAX if none */
	char last[SM_CAND_FIELD_MAX];  /* folded last name */
	char first[SM_CAND_FIELD_MAX]; /* folded first name */
};

static int key_cmp(const void *pa, const void *pb)
{
	const struct sort_key *a = pa, *b = pb;
	int c;

	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if (a->reply != b->reply)
		return a->reply < b->reply ? -1 : 1;
	if ((c = strcmp(a->last, b->last)))
		return c;
	if ((c = strcmp(a->first, b->first)))
		return c;
	if (a->row->cand.id != b->row->cand.id)
		return a->row->cand.id < b->row->cand.id ? -1 : 1;
	return 0;
}

static int64_t first_reply(const struct sm_sl_row *r)
{
	if (!r->contacted)
		return INT64_MAX;
	if (r->conv.first_reply_at)
		return r->conv.first_reply_at;
	for (size_t i = 0; i < r->nmsgs; i++)
		if (r->msgs[i].inbound)
			return r->msgs[i].at;
	return INT64_MAX;
}

static void count_funnel(struct sm_shortlist *sl)
{
	struct sm_sl_funnel *f = &sl->funnel;
	int consent = sm_shortlist_criterion_index(sl, "consent");

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < sl->nrows; i++) {
		const struct sm_sl_row *r = &sl->rows[i];

		f->candidates++;
		if (!r->contacted)
			continue;
		f->invited++;
		f->delivered += r->delivered;
		if (consent >= 0 && r->answers[consent].answered &&
		    strcmp(r->answers[consent].value, "yes") == 0)
			f->consented++;
		f->answered += r->conv.first_reply_at > 0;
		f->complete += r->conv.outcome == SM_CONV_COMPLETE;
		f->shortlisted += r->group <= 2;
		f->opted_out += r->status == SM_SL_OPTED_OUT;
		f->unreachable += r->status == SM_SL_UNREACHABLE;
	}
}

void sm_shortlist_rank(struct sm_shortlist *sl)
{
	struct sort_key *keys;
	struct sm_sl_row *sorted;

	for (size_t i = 0; i < sl->nrows; i++)
		judge_row(sl, &sl->rows[i]);
	keys = calloc(sl->nrows ? sl->nrows : 1, sizeof(*keys));
	sorted = malloc((sl->nrows ? sl->nrows : 1) * sizeof(*sorted));
	if (sl->nrows && keys && sorted) { /* rows NULL when none */
		for (size_t i = 0; i < sl->nrows; i++) {
			struct sm_sl_row *r = &sl->rows[i];

			keys[i].row = r;
			keys[i].group = r->group;
			keys[i].reply = first_reply(r);
			sm_text_fold(r->cand.last_name, keys[i].last,
				     sizeof(keys[i].last));
			sm_text_fold(r->cand.first_name, keys[i].first,
				     sizeof(keys[i].first));
		}
		qsort(keys, sl->nrows, sizeof(*keys), key_cmp);
		for (size_t i = 0; i < sl->nrows; i++)
			sorted[i] = *keys[i].row;
		memcpy(sl->rows, sorted, sl->nrows * sizeof(*sorted));
	}
	/* Out of memory: the rows keep their order, still grouped below. */
	free(keys);
	free(sorted);
	for (size_t i = 0; i < sl->nrows; i++)
		sl->rows[i].rank = (int)i + 1;
	count_funnel(sl);
}

/* ---- reading the store */

struct load {
	struct sm_shortlist *sl; /* being filled */
	struct sm_sl_row *row;	 /* row of the current list */
	int rc;			 /* first error */
};

static int load_candidate(const struct sm_store_candidate *c, void *data)
{
	struct load *ld = data;

	ld->rc = sm_shortlist_add_candidate(ld->sl, c, NULL);
	return ld->rc;
}

static int row_id_cmp(const void *pa, const void *pb)
{
	const struct sm_sl_row *a = pa, *b = pb;

	return a->cand.id < b->cand.id ? -1 : a->cand.id > b->cand.id;
}

static int load_conversation(const struct sm_store_conversation *c, void *data)
{
	struct load *ld = data;
	struct sm_sl_row key, *r;

	key.cand.id = c->candidate_id;
	r = bsearch(&key, ld->sl->rows, ld->sl->nrows, sizeof(key), row_id_cmp);
	/* One conversation per candidate; the latest wins if ever two. */
	if (r && (!r->contacted || c->id > r->conv.id)) {
		r->contacted = true;
		r->conv = *c;
	}
	return 0;
}

static int load_answer(const struct sm_store_answer *a, void *data)
{
	struct load *ld = data;

	ld->rc = row_add_answer(ld->sl, ld->row, a);
	return ld->rc;
}

static int load_message(const struct sm_store_transcript_row *m, void *data)
{
	struct load *ld = data;

	ld->rc = row_add_message(ld->row, m->at, m->inbound, m->text, m->state);
	return ld->rc;
}

int sm_shortlist_build(struct sm_store *st, int64_t campaign_id,
		       struct sm_shortlist **out)
{
	struct sm_store_campaign c;
	struct sm_store_campaign_funnel f;
	struct load ld = {0};
	int rc;

	*out = NULL;
	rc = sm_store_campaign_get(st, campaign_id, &c);
	if (rc < 0)
		return rc;
	ld.sl = sm_shortlist_new(&c);
	if (!ld.sl)
		return -ENOMEM;
	rc = sm_store_candidates_list(st, campaign_id, load_candidate, &ld);
	if (rc)
		goto out;
	if (ld.sl->nrows) /* rows is NULL for a campaign with no candidate */
		qsort(ld.sl->rows, ld.sl->nrows, sizeof(*ld.sl->rows),
		      row_id_cmp);
	rc = sm_store_conversations_list(st, campaign_id, load_conversation,
					 &ld);
	if (rc)
		goto out;
	for (size_t i = 0; i < ld.sl->nrows; i++) {
		ld.row = &ld.sl->rows[i];
		if (!ld.row->contacted)
			continue;
		rc = sm_store_answers_list(st, ld.row->conv.id, true,
					   load_answer, &ld);
		if (rc)
			goto out;
		rc = sm_store_transcript(st, ld.row->conv.id, load_message,
					 &ld);
		if (rc)
			goto out;
	}
	sm_shortlist_rank(ld.sl);
	rc = sm_store_campaign_funnel(st, campaign_id, &f);
	if (rc)
		goto out;
	/* The counts of `campaign status`, but for the shortlisted: groups
	 * 1 and 2 of the ranking. */
	ld.sl->funnel.candidates = f.candidates;
	ld.sl->funnel.invited = f.invited;
	ld.sl->funnel.delivered = f.delivered;
	ld.sl->funnel.consented = f.consented;
	ld.sl->funnel.answered = f.answered;
	ld.sl->funnel.complete = f.complete;
	ld.sl->funnel.opted_out = f.opted_out;
	ld.sl->funnel.unreachable = f.unreachable;
	*out = ld.sl;
	ld.sl = NULL;
out:
	if (rc > 0) /* a callback stopped the list */
		rc = ld.rc < 0 ? ld.rc : -EIO;
	sm_shortlist_free(ld.sl);
	return rc;
}
