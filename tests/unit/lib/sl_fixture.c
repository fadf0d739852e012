/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sl_fixture.c - the shortlist fixture campaign (see sl_fixture.h): each
 * candidate with a conversation, answers, the first message (delivered
 * for some, through a claim, a +CMGS and a status report) and replies
 * committed to the inbox and linked to the conversation.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sl_fixture.h"
#include "smsmatch/store_campaign.h"

#define NOT_CONTACTED (-1)

struct fx_answer {
	const char *criterion, *value, *raw; /* NULL criterion ends */
	double confidence;		     /* 0..1 */
	const char *method;		     /* "rules", "llm" */
	unsigned flags;			     /* SM_ANSWER_F_* */
};

struct fx_candidate {
	const char *first, *last, *phone; /* who */
	int outcome;			  /* enum sm_conv_outcome, or
					   * NOT_CONTACTED */
	int reply;			  /* first reply, s after T0; 0 none */
	int delivered;			  /* first message delivered */
	const char *extra_reply;	  /* a reply that is not an answer */
	struct fx_answer answers[8];	  /* what the replies meant */
};

/* 1 000 characters: emoji, quotes, ';', line breaks, accents. */
#define LONG_WORDS                                                             \
	"Bonjour 😀 ! Je veux devenir aide-soignante depuis longtemps ; "    \
	"j'ai gardé ma grand-mère \"à la maison\" pendant deux ans.\n"      \
	"Je suis sérieuse, ponctuelle et j'aime le contact. "                 \
	"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do "     \
	"eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim " \
	"ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut "  \
	"aliquip ex ea commodo consequat. Duis aute irure dolor in "           \
	"reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla " \
	"pariatur. Excepteur sint occaecat cupidatat non proident. Sed ut "    \
	"perspiciatis unde omnis iste natus error sit voluptatem accusantium " \
	"doloremque laudantium, totam rem aperiam, eaque ipsa quae ab illo "   \
	"inventore veritatis et quasi architecto beatae vitae dicta sunt "     \
	"explicabo. Nemo enim ipsam voluptatem quia voluptas sit aspernatur "  \
	"ratione voluptatem sequi nesciunt. Neque porro quisquam est, qui "    \
	"dolorem ipsum quia dolor sit amet, consectetur, adipisci velit. "     \
	"Merci de votre attention, à très bientôt. FIN."

#define OK6(t)                                                                 \
	{"consent", "yes", "oui", 0.98, "rules", 0},                           \
		{"interest", "yes", "ouais carrément", 0.95, "rules", 0},      \
		{"available", "yes", "dispo", 0.9, "rules", 0},                \
		{"transport", t, "j'ai une voiture", 0.92, "rules", 0},        \
		{"childcare", "not_needed", "pas d'enfants", 0.9, "rules", 0}, \
	{                                                                      \
		"prerequisites", "yes", "oui j'ai le brevet", 0.9, "rules", 0  \
	}

static const struct fx_candidate fixture[] = {
	{"Alice",
	 "Martin",
	 "+33612345601",
	 SM_CONV_COMPLETE,
	 300,
	 1,
	 NULL,
	 {OK6("car"), {NULL, NULL, NULL, 0, NULL, 0}}},
	{"Bruno",
	 "Durand",
	 "+33612345602",
	 SM_CONV_COMPLETE,
	 100,
	 1,
	 NULL,
	 {OK6("public"), {NULL, NULL, NULL, 0, NULL, 0}}},
	{"Chloé",
	 "Petit",
	 "+33612345603",
	 SM_CONV_COMPLETE,
	 200,
	 0,
	 NULL,
	 {{"consent", "yes", "oui", 0.98, "rules", 0},
	  {"interest", "yes", "oui", 0.95, "rules", 0},
	  {"available", "yes", "oui", 0.9, "rules", 0},
	  {"transport", "help_needed", "bof pas de voiture", 0.55, "rules",
	   SM_ANSWER_F_LOW_CONFIDENCE},
	  {"childcare", "solved", "ma mère les garde", 0.9, "rules", 0},
	  {"prerequisites", "yes", "oui", 0.9, "rules", 0},
	  {NULL, NULL, NULL, 0, NULL, 0}}},
	{"David",
	 "Leroy",
	 "+33612345604",
	 SM_CONV_COMPLETE,
	 400,
	 0,
	 NULL,
	 {{"consent", "yes", "ok", 0.98, "rules", 0},
	  {"interest", "yes", "oui", 0.95, "rules", 0},
	  {"available", "partial", "oui si c'est pas le mercredi", 0.8, "rules",
	   SM_ANSWER_F_CONDITIONAL},
	  {"transport", "walk_bike", "à vélo", 0.9, "rules", 0},
	  {"childcare", "not_needed", "non", 0.9, "rules", 0},
	  {"prerequisites", "yes", "oui", 0.9, "rules", 0},
	  {NULL, NULL, NULL, 0, NULL, 0}}},
	{"Émilie",
	 "Moreau",
	 "+33612345605",
	 SM_CONV_OPEN,
	 50,
	 0,
	 NULL,
	 {{"consent", "yes", "oui", 0.98, "rules", 0},
	  {"interest", "yes", "<script>alert('x')</script> oui & <b>merci</b>",
	   0.9, "rules", 0},
	  {NULL, NULL, NULL, 0, NULL, 0}}},
	{"Farid",
	 "Benali",
	 "+33612345606",
	 SM_CONV_DECLINED,
	 150,
	 0,
	 NULL,
	 {{"consent", "yes", "oui", 0.98, "rules", 0},
	  {"interest", "no", "=HYPERLINK(\"http://x.example\";\"non\")", 0.7,
	   "rules", 0},
	  {NULL, NULL, NULL, 0, NULL, 0}}},
	{"Gaëlle",
	 "Roux",
	 "+33612345607",
	 SM_CONV_OPTED_OUT,
	 250,
	 0,
	 "STOP",
	 {{NULL, NULL, NULL, 0, NULL, 0}}},
	{"Hugo",
	 "Blanc",
	 "+33612345608",
	 SM_CONV_UNREACHABLE,
	 0,
	 0,
	 NULL,
	 {{NULL, NULL, NULL, 0, NULL, 0}}},
	{"Inès",
	 "Faure",
	 "+33612345609",
	 SM_CONV_NO_ANSWER,
	 0,
	 0,
	 NULL,
	 {{NULL, NULL, NULL, 0, NULL, 0}}},
	{"Jules",
	 "Garnier",
	 "+33612345610",
	 NOT_CONTACTED,
	 0,
	 0,
	 NULL,
	 {{NULL, NULL, NULL, 0, NULL, 0}}},
	{"Karim",
	 "Haddad",
	 "+33612345611",
	 SM_CONV_CALLBACK,
	 900,
	 0,
	 NULL,
	 {OK6("carpool"),
	  {"motivation", "text", LONG_WORDS, 0.6, "llm", 0},
	  {NULL, NULL, NULL, 0, NULL, 0}}},
};

const char *const sl_fixture_ranked[] = {
	"Durand",  "Martin", "Haddad", "Petit", "Leroy", "Moreau",
	"Garnier", "Benali", "Roux",   "Blanc", "Faure", NULL,
};

#define NFIX (sizeof(fixture) / sizeof(fixture[0]))

/* First message, delivered when @delivered (claim, +CMGS, report). */
static int first_message(struct sm_store *st, const struct fx_candidate *f,
			 int64_t campaign, int64_t conv, int64_t at)
{
	struct sm_store_enqueue e = {
		.recipient = f->phone,
		.text = "Bonjour, une formation d'aide-soignant à Metz vous "
			"intéresse ? Répondez OUI ou NON. STOP pour ne plus "
			"recevoir de SMS",
		.kind = SM_KIND_FIRST_CONTACT,
		.campaign_id = campaign,
		.conversation_id = conv,
		.priority = f->delivered ? 10 : 0,
		.nparts = 1,
	};
	struct sm_store_outmsg m;
	struct sm_store_report r = {
		.modem = "m1",
		.recipient = f->phone,
		.mr = 0,
		.status = 0,
		.scts = at + 2,
		.discharge = at + 3,
		.received_at = at + 4,
	};
	struct sm_store_match w = {7 * 86400, 2 * 86400};
	int64_t id;
	int rc = sm_store_enqueue(st, &e, at, &id);

	if (rc || !f->delivered)
		return rc;
	rc = sm_store_claim(st, "m1", at, SM_KINDS_ALL, &m);
	if (rc)
		return rc;
	if (m.id != id)
		return -EPROTO;
	r.mr = (int)(id % 256);
	if ((rc = sm_store_part_writing(st, id, 1, "m1", at)) ||
	    (rc = sm_store_part_sent(st, id, 1, r.mr, at + 1)))
		return rc;
	return sm_store_report_add(st, &r, &w, NULL);
}

/* One reply from @f, committed to the inbox and linked to @conv. */
static int reply(struct sm_store *st, const struct fx_candidate *f,
		 int64_t conv, const char *text, int64_t at)
{
	struct sm_store_inpart p = {
		.modem = "m1",
		.sender = f->phone,
		.scts = at,
		.text = text,
		.text_len = strlen(text),
		.encoding = "ucs2",
		.pdu_hex = "00",
		.received_at = at,
	};
	enum sm_store_inbox_result res;
	int64_t msg = 0;
	int rc = sm_store_inbox_add_part(st, &p, &res, &msg);

	if (rc)
		return rc;
	if (res != SM_INBOX_COMPLETE)
		return -EPROTO;
	return sm_store_inbox_set_conversation(st, msg, conv);
}

static int populate_one(struct sm_store *st, int64_t campaign,
			const struct fx_candidate *f, int64_t cand_id,
			int64_t t)
{
	struct sm_store_conversation c = {0};
	int64_t conv, at;
	int rc;

	if (f->outcome == NOT_CONTACTED)
		return 0;
	c.campaign_id = campaign;
	c.candidate_id = cand_id;
	snprintf(c.phone, sizeof(c.phone), "%s", f->phone);
	c.outcome = (enum sm_conv_outcome)f->outcome;
	c.started_at = c.last_sent_at = t;
	if (f->reply)
		c.first_reply_at = c.last_reply_at = SL_FIXTURE_T0 + f->reply;
	if (f->outcome != SM_CONV_OPEN)
		c.ended_at = SL_FIXTURE_T0 + 3600;
	rc = sm_store_conversation_add(st, &c, &conv);
	if (rc)
		return rc;
	rc = first_message(st, f, campaign, conv, t);
	at = SL_FIXTURE_T0 + f->reply;
	if (!rc && f->extra_reply)
		rc = reply(st, f, conv, f->extra_reply, at);
	for (size_t i = 0; !rc && f->answers[i].criterion; i++) {
		const struct fx_answer *a = &f->answers[i];
		struct sm_store_answer sa = {0};

		/* Replies given twice ("oui") are two messages. */
		rc = reply(st, f, conv, a->raw, at + 60 * (int64_t)i);
		if (rc)
			break;
		sa.conversation_id = conv;
		snprintf(sa.criterion, sizeof(sa.criterion), "%s",
			 a->criterion);
		snprintf(sa.value, sizeof(sa.value), "%s", a->value);
		snprintf(sa.raw, sizeof(sa.raw), "%s", a->raw);
		snprintf(sa.method, sizeof(sa.method), "%s", a->method);
		sa.confidence = a->confidence;
		sa.flags = a->flags;
		sa.at = at + 60 * (int64_t)i;
		rc = sm_store_answer_add(st, &sa);
	}
	return rc;
}

struct cand_ids {
	int64_t ids[NFIX]; /* candidate id of each fixture row */
};

static int collect(const struct sm_store_candidate *c, void *data)
{
	struct cand_ids *ci = data;

	for (size_t i = 0; i < NFIX; i++)
		if (strcmp(c->phone, fixture[i].phone) == 0)
			ci->ids[i] = c->id;
	return 0;
}

int sl_fixture_populate(struct sm_store *st, int64_t *campaign_id)
{
	struct sm_store_campaign c = {0};
	struct sm_store_candidate rows[NFIX];
	struct sm_store_import_report rep;
	struct cand_ids ci = {{0}};
	int rc;

	snprintf(c.name, sizeof(c.name), "Aide-soignant Metz mars");
	snprintf(c.script, sizeof(c.script), "conf/scripts/formation.conf");
	snprintf(c.trade, sizeof(c.trade), "aide-soignant");
	snprintf(c.start_date, sizeof(c.start_date), "2026-03-16");
	snprintf(c.end_date, sizeof(c.end_date), "2026-06-26");
	snprintf(c.place, sizeof(c.place), "IFSAS Metz");
	c.seats = 12;
	snprintf(c.prerequisites, sizeof(c.prerequisites),
		 "Niveau 3e\nPermis B souhaité");
	rc = sm_store_campaign_add(st, &c, SL_FIXTURE_T0 - 86400, campaign_id);
	if (rc)
		return rc;
	memset(rows, 0, sizeof(rows));
	for (size_t i = 0; i < NFIX; i++) {
		snprintf(rows[i].first_name, sizeof(rows[i].first_name), "%s",
			 fixture[i].first);
		snprintf(rows[i].last_name, sizeof(rows[i].last_name), "%s",
			 fixture[i].last);
		snprintf(rows[i].phone, sizeof(rows[i].phone), "%s",
			 fixture[i].phone);
		snprintf(rows[i].ext_id, sizeof(rows[i].ext_id), "FT%04zu",
			 i + 1);
		snprintf(rows[i].vars, sizeof(rows[i].vars), "{}");
		rows[i].line = (int)i + 2;
	}
	rc = sm_store_candidates_import(st, *campaign_id, rows, NFIX,
					SL_FIXTURE_T0 - 3600, &rep);
	if (rc)
		return rc;
	rc = sm_store_campaign_set_state(st, *campaign_id, SM_CAMPAIGN_RUNNING,
					 SL_FIXTURE_T0);
	if (rc)
		return rc;
	rc = sm_store_candidates_list(st, *campaign_id, collect, &ci);
	for (size_t i = 0; !rc && i < NFIX; i++)
		rc = populate_one(st, *campaign_id, &fixture[i], ci.ids[i],
				  SL_FIXTURE_T0 + (int64_t)i);
	return rc;
}
