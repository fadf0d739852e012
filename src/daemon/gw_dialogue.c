/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gw_dialogue.c - campaigns as the daemon plays them: first contacts for
 * the candidates of running campaigns, each reply played through the
 * campaign's dialogue script (answers stored beside the candidate's own
 * words, the next question queued as a reply), reminders and expiry.
 *
 * The script engine is pure (src/script.c); this file does the I/O around
 * it: it loads each campaign's script once (again after SIGHUP), builds the
 * template variables from the campaign and the candidate, persists the
 * engine's state in the conversation row as a small JSON object, and
 * queues what the engine says to send.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "smsmatch/pdu.h"
#include "smsmatch/script.h"
#include "smsmatch/store_campaign.h"

#include "smsmatch/text.h"

#include "gateway.h"

/* First contacts queued per pass: enough to keep every modem busy. */
#define DLG_FIRST_CONTACTS_PER_PASS 50

/* ---- scripts, one per campaign, loaded on first use */

/*
 * Reminders and expiry are looked at every GW_HOUSEKEEP_MS; a script whose
 * reminder or expiry is shorter than four such periods (a demonstration,
 * a test: "20s") brings the period down to a quarter of it, not under
 * GW_DIALOGUE_MS, so they come on time give or take a quarter.
 */
static void ticks_fit(struct sm_gw *gw, const struct sm_script *s)
{
	const long d[] = {s->reminder ? s->reminder_after : 0, s->expire_after};

	for (size_t i = 0; i < 2; i++) {
		uint64_t ms = (uint64_t)d[i] * 1000 / 4;

		if (d[i] <= 0)
			continue;
		if (ms < GW_DIALOGUE_MS)
			ms = GW_DIALOGUE_MS;
		if (ms < gw->ticks_ms)
			gw->ticks_ms = ms;
	}
}

static const struct sm_script *campaign_script(struct sm_gw *gw,
					       const struct sm_store_campaign *c)
{
	char err[512];
	struct sm_script *s = NULL;

	for (size_t i = 0; i < gw->nscripts; i++)
		if (gw->scripts[i].campaign_id == c->id)
			return gw->scripts[i].script;
	if (gw->nscripts >= GW_SCRIPTS_MAX) {
		sm_logf(&gw->log, SM_LOG_ERR,
			"campaign %lld: too many campaigns running at once",
			(long long)c->id);
		return NULL;
	}
	if (sm_script_load(c->script, &s, err, sizeof(err)) < 0) {
		/* Logged once per load attempt; the campaign waits. */
		sm_logf(&gw->log, SM_LOG_ERR, "campaign %lld: %s",
			(long long)c->id, err);
		return NULL;
	}
	gw->scripts[gw->nscripts].campaign_id = c->id;
	gw->scripts[gw->nscripts].script = s;
	gw->nscripts++;
	ticks_fit(gw, s);
	return s;
}

void gw_dialogue_forget_scripts(struct sm_gw *gw)
{
	for (size_t i = 0; i < gw->nscripts; i++)
		sm_script_free(gw->scripts[i].script);
	gw->nscripts = 0;
	/* gw->ticks_ms stays: after a reload, scripts load again only when
	 * a conversation needs one, and reminders are what needs them (a
	 * reload reset it to 30 s and held a test's "12s" reminders). */
}

/* ---- template variables */

#define DLG_VARS_MAX 48

/* The variables of one candidate; strings point into this struct. */
struct dlg_vars {
	struct sm_script_var v[DLG_VARS_MAX]; /* name/value pairs */
	size_t n;			      /* used */
	char seats[16];			      /* places as text */
	char prereq[SM_CAMP_PREREQ_MAX];      /* prerequisites, joined */
	char start[48], end[48];	      /* the dates in French */
	json_t *extra;			      /* the candidate's CSV columns */
};

static void var_add(struct dlg_vars *dv, const char *name, const char *value)
{
	if (dv->n < DLG_VARS_MAX && value)
		dv->v[dv->n++] = (struct sm_script_var){name, value};
}

static void vars_build(struct dlg_vars *dv, const struct sm_gw *gw,
		       const struct sm_store_campaign *c,
		       const struct sm_store_candidate *cand)
{
	const char *key;
	json_t *val;

	memset(dv, 0, sizeof(*dv));
	snprintf(dv->seats, sizeof(dv->seats), "%d", c->seats);
	snprintf(dv->prereq, sizeof(dv->prereq), "%s", c->prerequisites);
	for (char *p = dv->prereq; *p; p++)
		if (*p == '\n')
			*p = ',';
	var_add(dv, "prenom", cand->first_name);
	var_add(dv, "nom", cand->last_name);
	var_add(dv, "formation", c->trade);
	/* "du lundi 15 mars au vendredi 9 avril 2027", not ISO dates */
	sm_text_date_range_fr(c->start_date, c->end_date, dv->start, dv->end,
			      sizeof(dv->start));
	var_add(dv, "date_debut", dv->start);
	var_add(dv, "date_fin", dv->end);
	var_add(dv, "lieu", c->place);
	var_add(dv, "places", dv->seats);
	var_add(dv, "agence", gw->cfg.agency_name);
	var_add(dv, "signature", gw->cfg.agency_signature);
	var_add(dv, "prerequis", dv->prereq);
	dv->extra = json_loads(cand->vars, 0, NULL);
	if (json_is_object(dv->extra))
		json_object_foreach(dv->extra, key, val)
			if (json_is_string(val))
				var_add(dv, key, json_string_value(val));
}

static void vars_free(struct dlg_vars *dv)
{
	json_decref(dv->extra);
}

/* ---- the engine's state in the conversation row */

static void state_save(const struct sm_script_state *st, char *out,
		       size_t len)
{
	json_t *o = json_object(), *known = json_array();
	char *text;

	json_object_set_new(o, "node", json_string(st->node));
	json_object_set_new(o, "reprompts", json_integer(st->reprompts));
	json_object_set_new(o, "started_at", json_integer(st->started_at));
	json_object_set_new(o, "last_sent_at",
			    json_integer(st->last_sent_at));
	json_object_set_new(o, "reminded", json_boolean(st->reminded));
	json_object_set_new(o, "done", json_boolean(st->done));
	json_object_set_new(o, "outcome", json_integer(st->outcome));
	for (size_t i = 0; i < st->nknown; i++) {
		json_t *k = json_object();

		json_object_set_new(k, "c",
				    json_string(st->known[i].criterion));
		json_object_set_new(k, "v", json_string(st->known[i].value));
		json_object_set_new(k, "p",
				    json_real(st->known[i].confidence));
		json_array_append_new(known, k);
	}
	json_object_set_new(o, "known", known);
	text = json_dumps(o, JSON_COMPACT);
	snprintf(out, len, "%s", text ? text : "{}");
	free(text);
	json_decref(o);
}

static int state_load(const char *text, struct sm_script_state *st)
{
	json_t *o = json_loads(text, 0, NULL), *known;
	size_t i;
	json_t *k;

	memset(st, 0, sizeof(*st));
	if (!json_is_object(o)) {
		json_decref(o);
		return -EINVAL;
	}
	snprintf(st->node, sizeof(st->node), "%s",
		 json_string_value(json_object_get(o, "node")) ?
			 json_string_value(json_object_get(o, "node")) :
			 "");
	st->reprompts = (int)json_integer_value(json_object_get(o,
							       "reprompts"));
	st->started_at = (time_t)json_integer_value(
		json_object_get(o, "started_at"));
	st->last_sent_at = (time_t)json_integer_value(
		json_object_get(o, "last_sent_at"));
	st->reminded = json_is_true(json_object_get(o, "reminded"));
	st->done = json_is_true(json_object_get(o, "done"));
	st->outcome = (enum sm_script_outcome)json_integer_value(
		json_object_get(o, "outcome"));
	known = json_object_get(o, "known");
	json_array_foreach(known, i, k)
	{
		struct sm_finding *f;

		if (st->nknown >= SM_SCRIPT_KNOWN_MAX)
			break;
		f = &st->known[st->nknown++];
		snprintf(f->criterion, sizeof(f->criterion), "%s",
			 json_string_value(json_object_get(k, "c")) ?
				 json_string_value(json_object_get(k, "c")) :
				 "");
		snprintf(f->value, sizeof(f->value), "%s",
			 json_string_value(json_object_get(k, "v")) ?
				 json_string_value(json_object_get(k, "v")) :
				 "");
		f->confidence = json_number_value(json_object_get(k, "p"));
	}
	json_decref(o);
	return 0;
}

static enum sm_conv_outcome conv_outcome(enum sm_script_outcome o)
{
	switch (o) {
	case SM_OUTCOME_NONE:
		return SM_CONV_OPEN;
	case SM_OUTCOME_COMPLETE:
		return SM_CONV_COMPLETE;
	case SM_OUTCOME_DECLINED:
		return SM_CONV_DECLINED;
	case SM_OUTCOME_NO_ANSWER:
	case SM_OUTCOME_INCOMPLETE:
		return SM_CONV_NO_ANSWER;
	case SM_OUTCOME_CALLBACK:
		return SM_CONV_CALLBACK;
	}
	return SM_CONV_OPEN;
}

/* ---- queueing what the engine says */

static int queue_messages(struct sm_gw *gw,
			  const struct sm_store_conversation *conv,
			  const struct sm_script_result *res,
			  enum sm_out_kind kind, int64_t now)
{
	int queued = 0;

	for (size_t i = 0; i < res->nmessages; i++) {
		unsigned parts = 1;
		struct sm_store_enqueue e = {
			.recipient = conv->phone,
			.text = res->messages[i],
			.kind = kind,
			.campaign_id = conv->campaign_id,
			.conversation_id = conv->id,
			/* A conversation under way goes before new ones. */
			.priority = kind == SM_KIND_REPLY ? 5 : 0,
			.nparts = 1,
		};
		int rc;

		if (sm_pdu_measure(res->messages[i], SM_TEXT_AUTO, &parts,
				   NULL, NULL) < 0)
			continue;
		e.nparts = (int)parts;
		rc = sm_store_enqueue(gw->store, &e, now, NULL);
		if (rc == -EPERM)
			return -EPERM; /* opted out meanwhile */
		if (rc < 0) {
			sm_logf(&gw->log, SM_LOG_ERR,
				"conversation %lld: cannot queue a message: "
				"%s",
				(long long)conv->id,
				sm_store_errmsg(gw->store));
			return rc;
		}
		queued++;
	}
	return queued;
}

/* Does @criterion name a free-text question of @s? */
static bool text_criterion(const struct sm_script *s, const char *criterion)
{
	for (size_t i = 0; i < s->nnodes; i++)
		if (!s->nodes[i].end && s->nodes[i].kind == SM_ANSWER_TEXT &&
		    s->nodes[i].criterion &&
		    strcmp(s->nodes[i].criterion, criterion) == 0)
			return true;
	return false;
}

static void store_findings(struct sm_gw *gw, const struct sm_script *s,
			   int64_t conv_id, const struct sm_script_result *res,
			   int64_t now)
{
	for (size_t i = 0; i < res->nfindings; i++) {
		const struct sm_script_finding *f = &res->findings[i];
		struct sm_store_answer a = {
			.conversation_id = conv_id,
			.confidence = f->confidence,
			.at = now,
		};

		snprintf(a.criterion, sizeof(a.criterion), "%s", f->criterion);
		snprintf(a.value, sizeof(a.value), "%s", f->value);
		snprintf(a.raw, sizeof(a.raw), "%s", res->raw);
		snprintf(a.method, sizeof(a.method), "%s", f->method);
		if (f->flags & SM_FINDING_LOW_CONFIDENCE)
			a.flags |= SM_ANSWER_F_LOW_CONFIDENCE;
		if (f->flags & SM_FINDING_CONDITIONAL)
			a.flags |= SM_ANSWER_F_CONDITIONAL;
		if (text_criterion(s, f->criterion))
			a.flags |= SM_ANSWER_F_TEXT;
		if (sm_store_answer_add(gw->store, &a) < 0)
			sm_logf(&gw->log, SM_LOG_ERR,
				"conversation %lld: cannot store an answer: %s",
				(long long)conv_id,
				sm_store_errmsg(gw->store));
	}
}

/* Load what a conversation needs; 0 or a negative errno. */
struct dlg_ctx {
	struct sm_store_campaign camp;	    /* its campaign */
	struct sm_store_candidate cand;	    /* its candidate */
	struct dlg_vars vars;		    /* template variables */
	const struct sm_script *script;	    /* the campaign's script */
	struct sm_script_state st;	    /* the engine's state */
	struct sm_script_result res;	    /* one engine call's result */
};

static int ctx_load(struct sm_gw *gw, const struct sm_store_conversation *c,
		    struct dlg_ctx *x)
{
	if (sm_store_campaign_get(gw->store, c->campaign_id, &x->camp) < 0 ||
	    sm_store_candidate_get(gw->store, c->candidate_id, &x->cand) < 0)
		return -ENOENT;
	x->script = campaign_script(gw, &x->camp);
	if (!x->script)
		return -EINVAL;
	vars_build(&x->vars, gw, &x->camp, &x->cand);
	if (state_load(c->state, &x->st) < 0) {
		vars_free(&x->vars);
		return -EINVAL;
	}
	return 0;
}

/* ---- first contacts */

/* Candidates collected by a list callback (which must not use the store). */
struct cand_batch {
	struct sm_store_candidate *rows; /* DLG_FIRST_CONTACTS_PER_PASS */
	size_t n;			 /* collected */
};

static int collect_candidate(const struct sm_store_candidate *c, void *data)
{
	struct cand_batch *b = data;

	if (b->n >= DLG_FIRST_CONTACTS_PER_PASS)
		return 1;
	b->rows[b->n++] = *c;
	return 0;
}

/* Start the conversation of @cand; true if its first message is queued. */
static bool contact_one(struct sm_gw *gw, const struct sm_store_candidate *cand,
			int64_t now)
{
	struct dlg_ctx *x = calloc(1, sizeof(*x));
	struct sm_store_conversation conv = {0};
	bool started = false;
	int rc;

	if (!x)
		return false;
	if (sm_store_campaign_get(gw->store, cand->campaign_id, &x->camp) <
	    0)
		goto out;
	x->cand = *cand;
	x->script = campaign_script(gw, &x->camp);
	if (!x->script)
		goto out;
	vars_build(&x->vars, gw, &x->camp, cand);
	conv.campaign_id = cand->campaign_id;
	conv.candidate_id = cand->id;
	snprintf(conv.phone, sizeof(conv.phone), "%s", cand->phone);
	conv.started_at = conv.last_sent_at = now;
	rc = sm_script_start(x->script, x->vars.v, x->vars.n, (time_t)now,
			     &x->st, &x->res);
	if (rc < 0) {
		sm_logf(&gw->log, SM_LOG_ERR,
			"campaign %lld, candidate line %d: the first message "
			"cannot be written (%s): skipped",
			(long long)cand->campaign_id, cand->line,
			strerror(-rc));
		conv.outcome = SM_CONV_UNREACHABLE;
		conv.ended_at = now;
		snprintf(conv.state, sizeof(conv.state), "{}");
		sm_store_conversation_add(gw->store, &conv, &conv.id);
		goto done;
	}
	state_save(&x->st, conv.state, sizeof(conv.state));
	if (sm_store_conversation_add(gw->store, &conv, &conv.id) < 0)
		goto done;
	rc = queue_messages(gw, &conv, &x->res, SM_KIND_FIRST_CONTACT, now);
	if (rc == -EPERM) {
		conv.outcome = SM_CONV_OPTED_OUT;
		conv.ended_at = now;
		sm_store_conversation_update(gw->store, &conv);
	}
	started = rc > 0;
done:
	vars_free(&x->vars);
out:
	free(x);
	return started;
}

/* ---- replies */

static bool dialogue_reply(struct sm_gw *gw, const struct sm_store_inmsg *msg,
			   const char *phone, int64_t now, bool may_park,
			   const struct sm_script_override *ov, bool advisor);

bool gw_dialogue_reply(struct sm_gw *gw, const struct sm_store_inmsg *msg,
		       const char *phone, int64_t now)
{
	return dialogue_reply(gw, msg, phone, now, true, NULL, false);
}

bool gw_dialogue_resume(struct sm_gw *gw, const struct sm_store_inmsg *msg,
			const char *phone, const struct sm_script_override *ov,
			bool advisor, int64_t now)
{
	return dialogue_reply(gw, msg, phone, now, false, ov, advisor);
}

static bool dialogue_reply(struct sm_gw *gw, const struct sm_store_inmsg *msg,
			   const char *phone, int64_t now, bool may_park,
			   const struct sm_script_override *ov, bool advisor)
{
	struct sm_store_conversation conv;
	struct sm_script_override adv = {0};
	char adv_text[SM_SCRIPT_MSG_MAX];
	struct dlg_ctx *x;
	int rc;

	if (sm_store_conversation_find_open(gw->store, phone, &conv) < 0)
		return false;
	x = calloc(1, sizeof(*x));
	if (!x)
		return false;
	sm_store_inbox_set_conversation(gw->store, msg->id, conv.id);
	if (ctx_load(gw, &conv, x) < 0)
		goto out;
	if (x->camp.state != SM_CAMPAIGN_RUNNING) {
		/* Paused: kept in the inbox for a person, not played (the
		 * script would answer for a campaign on hold). */
		sm_logf(&gw->log, SM_LOG_INFO,
			"conversation %lld: a reply while campaign %lld is "
			"%s: kept in the inbox",
			(long long)conv.id, (long long)conv.campaign_id,
			sm_campaign_state_name(x->camp.state));
		goto done;
	}
	/* A reminder still waiting (the window closed on it) is moot. */
	sm_store_conversation_cancel_reminders(gw->store, conv.id, now, NULL);
	/* The language model may read it first (gw_llm.c). */
	if (may_park && gw_llm_park(gw, &conv, msg, x->script, &x->st,
				    x->vars.v, x->vars.n, &x->camp, &x->cand,
				    now))
		goto done;
	if (advisor) {
		if (!x->script->advisor_answer ||
		    sm_script_render(x->script, x->script->advisor_answer,
				     x->vars.v, x->vars.n, adv_text,
				     sizeof(adv_text), NULL, 0) < 0)
			snprintf(adv_text, sizeof(adv_text), "%s",
				 GW_ADVISOR_ANSWER);
		adv.answer_text = adv_text;
		ov = &adv;
	}
	rc = sm_script_reply_override(x->script, &x->st, msg->text, ov,
				      x->vars.v, x->vars.n, (time_t)now,
				      &x->res);
	if (rc < 0) {
		sm_logf(&gw->log, SM_LOG_ERR,
			"conversation %lld: the script cannot go on (%s)",
			(long long)conv.id, strerror(-rc));
		goto done;
	}
	store_findings(gw, x->script, conv.id, &x->res, now);
	if (!conv.first_reply_at)
		conv.first_reply_at = now;
	conv.last_reply_at = now;
	if (x->res.nmessages) {
		rc = queue_messages(gw, &conv, &x->res, SM_KIND_REPLY, now);
		conv.last_sent_at = now;
	}
	if (x->res.outcome != SM_OUTCOME_NONE) {
		conv.outcome = conv_outcome(x->res.outcome);
		conv.ended_at = now;
	}
	state_save(&x->st, conv.state, sizeof(conv.state));
	sm_store_conversation_update(gw->store, &conv);
	sm_store_inbox_set_state(gw->store, msg->id, SM_IN_HANDLED);
done:
	vars_free(&x->vars);
out:
	free(x);
	return true;
}

bool gw_dialogue_stop_confirm(struct sm_gw *gw, const char *phone,
			      char *buf, size_t len)
{
	struct sm_store_conversation conv;
	struct dlg_ctx *x;
	bool ok = false;

	if (sm_store_conversation_find_open(gw->store, phone, &conv) < 0)
		return false;
	x = calloc(1, sizeof(*x));
	if (!x)
		return false;
	if (ctx_load(gw, &conv, x) < 0)
		goto out;
	if (x->script->stop_confirm &&
	    sm_script_render(x->script, x->script->stop_confirm, x->vars.v,
			     x->vars.n, buf, len, NULL, 0) == 0)
		ok = true;
	vars_free(&x->vars);
out:
	free(x);
	return ok;
}

void gw_dialogue_optout(struct sm_gw *gw, const char *phone, int64_t now)
{
	struct sm_store_conversation conv;

	/* Every open conversation of that number, in every campaign. */
	while (sm_store_conversation_find_open(gw->store, phone, &conv) == 0) {
		conv.outcome = SM_CONV_OPTED_OUT;
		conv.ended_at = now;
		if (sm_store_conversation_update(gw->store, &conv) < 0)
			break;
	}
}

void gw_dialogue_unreachable(struct sm_gw *gw, int64_t conversation_id,
			     int64_t now)
{
	struct sm_store_conversation conv;

	if (sm_store_conversation_get(gw->store, conversation_id, &conv) < 0 ||
	    conv.outcome != SM_CONV_OPEN || conv.first_reply_at)
		return;
	conv.outcome = SM_CONV_UNREACHABLE;
	conv.ended_at = now;
	sm_store_conversation_update(gw->store, &conv);
}

/* ---- reminders and expiry */

/* Ids collected by list callbacks, then worked on one by one. */
struct id_list {
	int64_t *ids;	 /* grown as needed */
	bool *flags;	 /* per id: campaign running (reminders allowed) */
	size_t n, cap;	 /* used, allocated */
};

static int id_push(struct id_list *l, int64_t id, bool flag)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		int64_t *ids = realloc(l->ids, cap * sizeof(*ids));
		bool *flags;

		if (!ids)
			return 1;
		l->ids = ids;
		flags = realloc(l->flags, cap * sizeof(*flags));
		if (!flags)
			return 1;
		l->flags = flags;
		l->cap = cap;
	}
	l->ids[l->n] = id;
	l->flags[l->n++] = flag;
	return 0;
}

static int collect_campaign(const struct sm_store_campaign *c, void *data)
{
	if (c->state != SM_CAMPAIGN_RUNNING && c->state != SM_CAMPAIGN_PAUSED)
		return 0;
	return id_push(data, c->id, c->state == SM_CAMPAIGN_RUNNING);
}

static int collect_open(const struct sm_store_conversation *c, void *data)
{
	if (c->outcome != SM_CONV_OPEN)
		return 0;
	return id_push(data, c->id, false);
}

static void tick_one(struct sm_gw *gw, int64_t id, bool reminders,
		     int64_t now)
{
	struct sm_store_conversation conv;
	struct dlg_ctx *x;

	if (sm_store_conversation_get(gw->store, id, &conv) < 0 ||
	    conv.outcome != SM_CONV_OPEN)
		return;
	x = calloc(1, sizeof(*x));
	if (!x)
		return;
	if (ctx_load(gw, &conv, x) < 0)
		goto out;
	if (sm_script_tick(x->script, &x->st, x->vars.v, x->vars.n,
			   (time_t)now, &x->res) < 0)
		goto done;
	switch (x->res.event) {
	case SM_SCRIPT_EV_REMINDER:
		/* Paused campaigns send no reminder; nor does the night. */
		if (!reminders || !sm_window_is_open(&gw->cfg.sending.window,
						     (time_t)now))
			goto done;
		queue_messages(gw, &conv, &x->res, SM_KIND_REMINDER, now);
		conv.last_sent_at = now;
		break;
	case SM_SCRIPT_EV_EXPIRED:
		conv.outcome = SM_CONV_NO_ANSWER;
		conv.ended_at = now;
		break;
	default:
		goto done;
	}
	state_save(&x->st, conv.state, sizeof(conv.state));
	sm_store_conversation_update(gw->store, &conv);
done:
	vars_free(&x->vars);
out:
	free(x);
}

/*
 * A campaign paused at the last pass and running now gets the replies
 * that came during the pause played (they waited in the inbox); then
 * remember which campaigns are paused now.
 */
static void resume_paused(struct sm_gw *gw, const struct id_list *camps)
{
	int64_t *paused = calloc(camps->n + 1, sizeof(*paused));
	size_t n = 0;

	for (size_t i = 0; i < camps->n; i++) {
		bool was = false;

		for (size_t j = 0; j < gw->npaused; j++)
			was |= gw->paused[j] == camps->ids[i];
		if (!camps->flags[i] && paused)
			paused[n++] = camps->ids[i];
		else if (camps->flags[i] && was)
			gw_llm_recover(gw, camps->ids[i]);
	}
	free(gw->paused);
	gw->paused = paused;
	gw->npaused = paused ? n : 0;
}

static void tick_all(struct sm_gw *gw, int64_t now)
{
	struct id_list camps = {0};

	sm_store_campaign_list(gw->store, collect_campaign, &camps);
	resume_paused(gw, &camps);
	for (size_t i = 0; i < camps.n; i++) {
		struct id_list convs = {0};

		sm_store_conversations_list(gw->store, camps.ids[i],
					    collect_open, &convs);
		for (size_t j = 0; j < convs.n; j++) {
			/* One commit for the reminder and the state. */
			int tx = sm_store_tx_begin(gw->store);

			tick_one(gw, convs.ids[j], camps.flags[i], now);
			if (tx == 0)
				sm_store_tx_end(gw->store, 0);
		}
		free(convs.ids);
		free(convs.flags);
	}
	free(camps.ids);
	free(camps.flags);
}

void gw_dialogue_pass(struct sm_gw *gw, int64_t now, bool ticks)
{
	struct cand_batch b = {0};
	int started = 0;

	/* First contacts wait for the window anyway: queue them only then,
	 * so that a campaign started at night does not stack up. */
	if (sm_window_is_open(&gw->cfg.sending.window, (time_t)now)) {
		b.rows = calloc(DLG_FIRST_CONTACTS_PER_PASS, sizeof(*b.rows));
		if (b.rows)
			sm_store_candidates_uncontacted(
				gw->store, DLG_FIRST_CONTACTS_PER_PASS,
				collect_candidate, &b);
		for (size_t i = 0; i < b.n; i++) {
			/* One commit for the conversation and its message. */
			int tx = sm_store_tx_begin(gw->store);

			started += contact_one(gw, &b.rows[i], now);
			if (tx == 0)
				sm_store_tx_end(gw->store, 0);
		}
		free(b.rows);
	}
	if (started)
		sm_logf(&gw->log, SM_LOG_INFO, "%d conversation(s) started",
			started);
	if (ticks)
		tick_all(gw, now);
	if (started)
		sm_gw_kick(gw);
}
