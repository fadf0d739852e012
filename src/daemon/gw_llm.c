/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gw_llm.c - the language model in the daemon: which replies wait for it,
 * what it is told, what is done with its answer.
 *
 * When a reply comes in, gw_dialogue.c asks gw_llm_park() first.  It plays
 * the reply through the script on a copy of the state (the engine is
 * pure): if the rules would re-ask because they are unsure (interpret), or
 * because the candidate asked something the faq does not cover (clarify),
 * and that use is configured, the reply is parked: a request goes out, the
 * conversation waits (its later replies queue behind), everything else
 * goes on.  The inbound message stays "new", linked to its conversation,
 * so a daemon stopped meanwhile reads it by the rules at its next start
 * (gw_llm_recover()).
 *
 * When the answer comes, gw_dialogue_resume() plays the reply again with
 * the verdict (stored with method "llm") or the draft; anything else (an
 * error, a category the question does not have, a confidence out of range
 * or below the script's threshold, a draft longer than one GSM 7-bit SMS)
 * falls back to the rules with a logged reason.
 *
 * Privacy: the model sees the question rendered with the campaign's facts
 * only (the candidate's name and CSV columns become placeholders), the
 * answer masked (sm_llm_mask()) and the campaign's facts; never the phone
 * number, an identifier or earlier answers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smsmatch/llm.h"
#include "smsmatch/phone.h"
#include "smsmatch/script.h"
#include "smsmatch/store_campaign.h"

#include "gateway.h"

#define LLM_VARS_MAX 48 /* template variables of one candidate */

/* A reply waiting for the model, or queued behind one of its
 * conversation. */
struct gw_llm_item {
	struct gw_llm_item *next;	 /* arrival order */
	struct gw_llm *owner;		 /* back pointer */
	int64_t inbox_id;		 /* the reply */
	int64_t conv_id;		 /* its conversation */
	bool asked;			 /* a request is out for it */
	bool clarify;			 /* a draft (else a verdict) */
	double threshold;		 /* the script's */
	struct sm_llm_question q;	 /* points into the fields below */
	char criterion[SM_CRITERION_MAX]; /* the node's */
	char cats[SM_CHOICES_MAX][SM_VALUE_MAX]; /* its categories */
};

struct gw_llm {
	struct sm_gw *gw;	    /* owner */
	struct sm_llm *client;	    /* NULL when not used */
	struct sm_config_llm cfg;   /* what the client was made from */
	struct gw_llm_item *items;  /* parked replies, oldest first */
	bool closing;		    /* freeing: callbacks do nothing */
	bool draining;		    /* reload: no new parking */
	bool breaker_logged;	    /* the open breaker was logged */
	int64_t replaying;	    /* conversation whose queued replies
				     * are being played, 0 if none */
};

/* Template variables that are campaign facts; others become
 * placeholders. */
static const char *const fact_vars[] = {
	"formation", "date_debut", "date_fin", "lieu",	    "places",
	"agence",    "signature",  "prerequis", NULL,
};

/* The candidate's variables with everything personal replaced. */
struct safe_vars {
	struct sm_script_var v[LLM_VARS_MAX];
	size_t n;
	char ph[LLM_VARS_MAX][SM_CRITERION_MAX + 3]; /* "[prenom]" */
	const char *secrets[LLM_VARS_MAX + 4]; /* the personal values,
						* NULL-ended */
};

static void safe_vars_build(struct safe_vars *sv,
			    const struct sm_script_var *vars, size_t nvars,
			    const struct sm_store_candidate *cand)
{
	size_t ns = 0;

	sv->n = 0;
	for (size_t i = 0; i < nvars && sv->n < LLM_VARS_MAX; i++) {
		bool fact = false;

		for (size_t k = 0; fact_vars[k]; k++)
			fact |= !strcmp(vars[i].name, fact_vars[k]);
		sv->v[sv->n].name = vars[i].name;
		if (fact) {
			sv->v[sv->n].value = vars[i].value;
		} else {
			snprintf(sv->ph[sv->n], sizeof(sv->ph[sv->n]), "[%.*s]",
				 SM_CRITERION_MAX - 1, vars[i].name);
			sv->v[sv->n].value = sv->ph[sv->n];
			sv->secrets[ns++] = vars[i].value;
		}
		sv->n++;
	}
	/* Not template variables, but the candidate's all the same. */
	sv->secrets[ns++] = cand->ext_id;
	sv->secrets[ns++] = cand->first_name;
	sv->secrets[ns++] = cand->last_name;
	sv->secrets[ns] = NULL;
}

/* ---- lifecycle */

static bool uses_any(const struct sm_config_llm *c)
{
	return c->uses & (SM_LLM_USE_INTERPRET | SM_LLM_USE_CLARIFY);
}

static void client_start(struct gw_llm *L)
{
	const struct sm_config_llm *c = &L->gw->cfg.llm;
	struct sm_llm_opts o = {
		.url = c->url,
		.api_key_file = c->api_key_file,
		.timeout_ms = c->timeout_ms,
		.max_in_flight = c->max_in_flight,
	};
	char err[512];

	L->cfg = *c;
	if (!c->enabled)
		return;
	if (!uses_any(c)) {
		sm_logf(&L->gw->log, SM_LOG_WARN,
			"llm.enabled is true but llm.uses lists neither "
			"\"interpret\" nor \"clarify\": the language model is "
			"not asked");
		return;
	}
	if (sm_llm_new(L->gw->loop, &o, &L->client, err, sizeof(err)) < 0) {
		sm_logf(&L->gw->log, SM_LOG_ERR,
			"language model not used: %s (the rules read every "
			"reply)",
			err);
		L->client = NULL;
		return;
	}
	sm_logf(&L->gw->log, SM_LOG_INFO,
		"language model: %s, model %s, for%s%s", c->url, c->model,
		c->uses & SM_LLM_USE_INTERPRET ? " interpret" : "",
		c->uses & SM_LLM_USE_CLARIFY ? " clarify" : "");
}

int gw_llm_start(struct sm_gw *gw)
{
	struct gw_llm *L = calloc(1, sizeof(*L));

	if (!L)
		return -ENOMEM;
	L->gw = gw;
	gw->llm = L;
	client_start(L);
	return 0;
}

static void items_free(struct gw_llm *L)
{
	while (L->items) {
		struct gw_llm_item *it = L->items;

		L->items = it->next;
		free(it);
	}
}

void gw_llm_reload(struct sm_gw *gw)
{
	struct gw_llm *L = gw->llm;

	if (!L || !memcmp(&L->cfg, &gw->cfg.llm, sizeof(L->cfg)))
		return;
	/* Replies in flight are read by the rules now (cancelled). */
	L->draining = true;
	sm_llm_free(L->client);
	L->client = NULL;
	L->draining = false;
	client_start(L);
}

void gw_llm_free(struct sm_gw *gw)
{
	struct gw_llm *L = gw->llm;

	if (!L)
		return;
	/* What waits stays "new" in the inbox: the next start reads it. */
	L->closing = true;
	sm_llm_free(L->client);
	items_free(L);
	free(L);
	gw->llm = NULL;
}

/* ---- answers */

static void unlink_item(struct gw_llm *L, struct gw_llm_item *it)
{
	for (struct gw_llm_item **p = &L->items; *p; p = &(*p)->next)
		if (*p == it) {
			*p = it->next;
			return;
		}
}

/* Play inbox message @id again: with @ov/@advisor, or parked anew when
 * @again (a reply that queued behind another). */
static void play(struct gw_llm *L, int64_t id,
		 const struct sm_script_override *ov, bool advisor, bool again)
{
	struct sm_gw *gw = L->gw;
	struct sm_store_inmsg *msg = malloc(sizeof(*msg));
	char number[SM_PHONE_MAX];
	int64_t now = sm_gw_now();
	bool played;

	if (!msg)
		return;
	if (sm_store_inbox_get(gw->store, id, msg) < 0 ||
	    msg->state != SM_IN_NEW ||
	    sm_phone_normalize(msg->sender, number, sizeof(number)) ==
		    SM_PHONE_INVALID)
		goto out;
	if (again)
		played = gw_dialogue_reply(gw, msg, number, now);
	else
		played = gw_dialogue_resume(gw, msg, number, ov, advisor, now);
	/* Its conversation ended meanwhile (STOP, expiry): nothing to do. */
	if (!played)
		sm_store_inbox_set_state(gw->store, id, SM_IN_HANDLED);
	sm_gw_kick(gw);
out:
	free(msg);
}

/* The replies of conversation @conv_id that queued behind, in order,
 * until one waits for the model again. */
static void next_of(struct gw_llm *L, int64_t conv_id)
{
	for (;;) {
		struct gw_llm_item *it = L->items;
		int64_t id;

		while (it && it->conv_id != conv_id)
			it = it->next;
		if (!it || it->asked)
			return;
		id = it->inbox_id;
		unlink_item(L, it);
		free(it);
		L->replaying = conv_id;
		play(L, id, NULL, false, true);
		L->replaying = 0;
	}
}

static void log_fallback(struct gw_llm *L, const struct gw_llm_item *it,
			 const struct sm_llm_result *r, const char *why)
{
	enum sm_log_level lv = SM_LOG_WARN;

	if (r && r->status == SM_LLM_E_HELD && strstr(why, "circuit")) {
		/* Logged once while open; each reply at debug level. */
		if (!L->breaker_logged)
			sm_logf(&L->gw->log, SM_LOG_WARN,
				"language model: %s: not asked until then, "
				"the rules read the replies",
				why + (strncmp(why, "not asked: ", 11) ? 0 : 11));
		L->breaker_logged = true;
		lv = SM_LOG_DEBUG;
	}
	sm_logf(&L->gw->log, lv,
		"conversation %lld: language model not used (%s): %s",
		(long long)it->conv_id, why,
		it->clarify ? "the advisor will answer the question"
			    : "the rules read the reply");
}

static void answered(const struct sm_llm_result *r, void *data)
{
	struct gw_llm_item *it = data;
	struct gw_llm *L = it->owner;
	struct sm_script_override ov = {.method = "llm"};
	struct sm_llm_verdict v;
	struct sm_llm_draft d;
	char why[SM_LLM_WHY_MAX], trace[96];
	bool ok = false;

	if (L->closing)
		return; /* freed with the list */
	unlink_item(L, it);
	if (r->status != SM_LLM_OK) {
		snprintf(why, sizeof(why), "%s", r->why);
	} else if (it->clarify) {
		if (sm_llm_parse_draft(r->content, &d, why, sizeof(why)) < 0)
			;
		else if (!d.known)
			snprintf(why, sizeof(why),
				 "the campaign's facts do not answer it");
		else if (!sm_llm_one_gsm7_segment(d.answer))
			snprintf(why, sizeof(why),
				 "draft is not one GSM 7-bit SMS");
		else
			ok = true;
	} else if (sm_llm_parse_verdict(r->content, &it->q, &v, why,
					sizeof(why)) < 0) {
		;
	} else if (!strcmp(v.category, SM_LLM_CATEGORY_UNCLEAR)) {
		snprintf(why, sizeof(why), "the model found it unclear");
	} else if (v.confidence < it->threshold) {
		snprintf(why, sizeof(why),
			 "model confidence %.2f below the threshold %.2f",
			 v.confidence, it->threshold);
	} else {
		ok = true;
	}
	if (r->status == SM_LLM_OK)
		L->breaker_logged = false;
	if (ok && it->clarify) {
		ov.answer_text = d.answer;
		sm_logf(&L->gw->log, SM_LOG_INFO,
			"conversation %lld: the language model answered the "
			"candidate's question (%ld ms)",
			(long long)it->conv_id, r->latency_ms);
	} else if (ok) {
		snprintf(trace, sizeof(trace), "llm: %s (%.2f)", v.category,
			 v.confidence);
		ov.value = v.category;
		ov.confidence = v.confidence;
		ov.also = v.also;
		ov.nalso = v.nalso;
		ov.why = trace;
		sm_logf(&L->gw->log, SM_LOG_INFO,
			"conversation %lld: language model verdict %s "
			"(confidence %.2f, %ld ms)",
			(long long)it->conv_id, v.category, v.confidence,
			r->latency_ms);
	} else {
		log_fallback(L, it, r, why);
	}
	play(L, it->inbox_id, ok ? &ov : NULL, it->clarify && !ok, false);
	/* The conversation goes on with what queued behind. */
	next_of(L, it->conv_id);
	free(it);
}

/* ---- parking */

/* May interpret look at a @kind node? */
static bool kind_allowed(unsigned uses, enum sm_answer_kind kind)
{
	unsigned kinds = uses & SM_LLM_USE_KINDS;

	if (kind != SM_ANSWER_YESNO && kind != SM_ANSWER_CHOICE)
		return false;
	if (!kinds)
		return true;
	return kind == SM_ANSWER_YESNO ? kinds & SM_LLM_USE_YESNO
				       : kinds & SM_LLM_USE_CHOICE;
}

/* Would the rules be unsure of @res at @n? */
static bool rules_unsure(const struct sm_script_result *res,
			 const struct sm_script_node *n)
{
	if (res->event == SM_SCRIPT_EV_REPROMPT ||
	    res->event == SM_SCRIPT_EV_GAVE_UP)
		return true;
	if (res->event != SM_SCRIPT_EV_ANSWERED)
		return false;
	/* The last try, kept flagged. */
	for (size_t i = 0; i < res->nfindings; i++)
		if (!strcmp(res->findings[i].criterion, n->criterion) &&
		    !(res->findings[i].flags & SM_FINDING_ALSO))
			return res->findings[i].flags &
			       SM_FINDING_LOW_CONFIDENCE;
	return false;
}

static void question_fill(struct gw_llm_item *it,
			  const struct sm_script_node *n, const char *text)
{
	size_t k = 0;

	snprintf(it->criterion, sizeof(it->criterion), "%s", n->criterion);
	if (n->kind == SM_ANSWER_YESNO) {
		snprintf(it->cats[k++], SM_VALUE_MAX, "yes");
		snprintf(it->cats[k++], SM_VALUE_MAX, "no");
		if (n->allow_maybe)
			snprintf(it->cats[k++], SM_VALUE_MAX, "maybe");
	} else {
		for (; k < n->nchoices && k < SM_CHOICES_MAX; k++)
			snprintf(it->cats[k], SM_VALUE_MAX, "%s",
				 n->choices[k].value);
	}
	for (size_t i = 0; i < k; i++)
		it->q.categories[i] = it->cats[i];
	it->q.categories[k] = NULL;
	it->q.kind = n->kind;
	it->q.criterion = it->criterion;
	it->q.text = text;
}

static struct gw_llm_item *item_new(struct gw_llm *L, int64_t inbox_id,
				    int64_t conv_id)
{
	struct gw_llm_item *it = calloc(1, sizeof(*it));

	if (it) {
		it->owner = L;
		it->inbox_id = inbox_id;
		it->conv_id = conv_id;
	}
	return it;
}

/* A reply queued behind: last.  A reply asked about goes first, ahead of
 * what queued behind it in its conversation. */
static void item_add(struct gw_llm *L, struct gw_llm_item *it)
{
	struct gw_llm_item **p = &L->items;

	if (it->asked) {
		it->next = L->items;
		L->items = it;
		return;
	}
	while (*p)
		p = &(*p)->next;
	it->next = NULL;
	*p = it;
}

/* Ask the model about @msg; true if the request is out. */
static bool ask(struct gw_llm *L, struct gw_llm_item *it,
		const struct sm_store_inmsg *msg, const struct sm_script *s,
		const struct sm_script_node *n, const struct sm_script_var *vars,
		size_t nvars, const struct sm_store_campaign *camp,
		const struct sm_store_candidate *cand)
{
	struct safe_vars *sv = malloc(sizeof(*sv));
	char *question = malloc(SM_SCRIPT_MSG_MAX);
	char *aids = malloc(8 * SM_SCRIPT_MSG_MAX);
	struct sm_llm_facts f = {
		.trade = camp->trade,
		.start_date = camp->start_date,
		.end_date = camp->end_date,
		.place = camp->place,
		.prerequisites = camp->prerequisites,
	};
	json_t *req = NULL;
	bool sent = false;
	size_t na = 0;
	char answer[SM_STORE_TEXT_MAX + 1];

	if (!sv || !question || !aids)
		goto out;
	safe_vars_build(sv, vars, nvars, cand);
	if (sm_script_render(s, n->message, sv->v, sv->n, question,
			     SM_SCRIPT_MSG_MAX, NULL, 0) < 0)
		goto out;
	for (size_t i = 0; i < s->noffers && na < 7; i++)
		if (sm_script_render(s, s->offers[i].message, sv->v, sv->n,
				     aids + na * SM_SCRIPT_MSG_MAX,
				     SM_SCRIPT_MSG_MAX, NULL, 0) == 0) {
			f.aids[na] = aids + na * SM_SCRIPT_MSG_MAX;
			na++;
		}
	/* The candidate's own name, identifier, CSV columns typed in the
	 * answer: masked (digits and e-mail addresses are, later). */
	sm_llm_mask_secrets(msg->text, sv->secrets, answer, sizeof(answer));
	if (it->clarify) {
		req = sm_llm_request_clarify(L->cfg.model, &f, answer);
	} else {
		question_fill(it, n, question);
		req = sm_llm_request_interpret(L->cfg.model, &f, &it->q,
					       answer);
		it->q.text = NULL; /* not kept */
	}
	if (req && sm_llm_send(L->client, req, answered, it) == 0)
		sent = true;
out:
	json_decref(req);
	free(sv);
	free(question);
	free(aids);
	return sent;
}

bool gw_llm_park(struct sm_gw *gw, const struct sm_store_conversation *conv,
		 const struct sm_store_inmsg *msg, const struct sm_script *s,
		 const struct sm_script_state *st,
		 const struct sm_script_var *vars, size_t nvars,
		 const struct sm_store_campaign *camp,
		 const struct sm_store_candidate *cand, int64_t now)
{
	struct gw_llm *L = gw->llm;
	const struct sm_script_node *n;
	struct sm_script_state copy;
	struct sm_script_result *res;
	struct gw_llm_item *it;
	bool interpret, clarify;

	if (!L || L->draining || L->closing)
		return false;
	/* Behind a reply of the same conversation that waits: in order. */
	for (it = L->items; it; it = it->next)
		if (it->conv_id == conv->id)
			break;
	if (it && conv->id != L->replaying) {
		it = item_new(L, msg->id, conv->id);
		if (!it)
			return false;
		item_add(L, it);
		return true;
	}
	if (!L->client || st->done)
		return false;
	n = sm_script_node_find(s, st->node);
	if (!n || n->end)
		return false;
	res = malloc(sizeof(*res));
	if (!res)
		return false;
	copy = *st;
	if (sm_script_reply(s, &copy, msg->text, vars, nvars, (time_t)now,
			    res) < 0) {
		free(res);
		return false;
	}
	clarify = (L->cfg.uses & SM_LLM_USE_CLARIFY) && res->question &&
		  (res->event == SM_SCRIPT_EV_REPROMPT ||
		   res->event == SM_SCRIPT_EV_GAVE_UP);
	interpret = !clarify && (L->cfg.uses & SM_LLM_USE_INTERPRET) &&
		    kind_allowed(L->cfg.uses, n->kind) && rules_unsure(res, n);
	free(res);
	if (!clarify && !interpret)
		return false;
	it = item_new(L, msg->id, conv->id);
	if (!it)
		return false;
	it->clarify = clarify;
	it->threshold = s->threshold;
	it->asked = true;
	if (!ask(L, it, msg, s, n, vars, nvars, camp, cand)) {
		free(it);
		return false;
	}
	item_add(L, it);
	sm_logf(&gw->log, SM_LOG_INFO,
		"conversation %lld: reply %lld waits for the language model "
		"(%s)",
		(long long)conv->id, (long long)msg->id,
		clarify ? "clarify" : "interpret");
	return true;
}

/* ---- after a stop */

struct id_vec {
	int64_t *ids; /* grown as needed */
	size_t n, cap;
};

static int collect_waiting(const struct sm_store_inmsg *m, void *data)
{
	struct id_vec *v = data;

	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		int64_t *ids = realloc(v->ids, cap * sizeof(*ids));

		if (!ids)
			return 1;
		v->ids = ids;
		v->cap = cap;
	}
	v->ids[v->n++] = m->id;
	return 0;
}

void gw_llm_recover(struct sm_gw *gw, int64_t campaign_id)
{
	struct gw_llm *L = gw->llm;
	struct id_vec v = {0};

	if (!L)
		return;
	sm_store_inbox_list_waiting(gw->store, campaign_id, collect_waiting,
				    &v);
	if (v.n && campaign_id)
		sm_logf(&gw->log, SM_LOG_INFO,
			"campaign %lld runs again: %zu repl%s received "
			"during the pause played",
			(long long)campaign_id, v.n, v.n == 1 ? "y" : "ies");
	else if (v.n)
		sm_logf(&gw->log, SM_LOG_INFO,
			"%zu repl%s left unread when smsmatchd stopped (the "
			"language model's, or a paused campaign's): the "
			"rules read them",
			v.n, v.n == 1 ? "y" : "ies");
	for (size_t i = 0; i < v.n; i++)
		play(L, v.ids[i], NULL, false, campaign_id != 0);
	free(v.ids);
}
