/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_script.c - dialogue scripts: the three shipped scripts check clean;
 * every tests/data/scripts/ file reports exactly the problems its
 * "# expect: error|warning LINE: message" lines name; the engine plays
 * whole conversations (re-prompts, giving up, a reply answering two
 * criteria, conditional and low-confidence answers, help, callback, faq,
 * decline, reminder once, expiry) with a table-driven fake reading of
 * replies, and once with the real sm_understand(); templates render.
 */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "smsmatch/script.h"

/* libconfig 1.5 leaks a scanned token on a syntax error (see
 * test_config.c). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

static const char *srcdir(void)
{
	const char *s = getenv("SRCDIR");

	return s && *s ? s : ".";
}

/* ---- a fake reading of replies: what each test reply means */

struct reading {
	const char *text;  /* the reply */
	const char *value; /* the answer, NULL: not understood */
	double confidence;
	bool conditional;
	bool question;
	const char *also_criterion; /* another criterion, or NULL */
	const char *also_value;
	double also_confidence;
};

static const struct reading readings[] = {
	{"oui", "yes", 0.95, false, false, NULL, NULL, 0},
	{"non", "no", 0.95, false, false, NULL, NULL, 0},
	{"peut-être", "maybe", 0.8, false, false, NULL, NULL, 0},
	{"voiture", "car", 0.9, false, false, NULL, NULL, 0},
	{"3", "help_needed", 0.9, false, false, NULL, NULL, 0},
	{"1", "none", 0.9, false, false, NULL, NULL, 0},
	{"oui mais j'ai pas de voiture", "yes", 0.9, false, false, "transport",
	 "help_needed", 0.85},
	{"oui et j'ai une voiture, pas d'enfant", "yes", 0.9, false, false,
	 "transport", "car", 0.9},
	{"oui si c'est près", "yes", 0.8, true, false, NULL, NULL, 0},
	{"ouais bof", "yes", 0.4, false, false, NULL, NULL, 0},
	{"c'est payé ?", NULL, 0, false, true, NULL, NULL, 0},
	{"oui, c'est payé ?", "yes", 0.9, false, true, NULL, NULL, 0},
	{"c'est quand ?", NULL, 0, false, true, NULL, NULL, 0},
	{"J'aime aider les autres", "J'aime aider les autres", 1.0, false,
	 false, NULL, NULL, 0},
	{"J'ai accompagné ma grand-mère", "J'ai accompagné ma grand-mère", 1.0,
	 false, false, "transport", "carpool", 0.85},
};

static int calls;

static int fake_understand(const char *text, const struct sm_question *q,
			   struct sm_understanding *out)
{
	calls++;
	memset(out, 0, sizeof(*out));
	strcpy(out->method, "fake");
	snprintf(out->answer.criterion, sizeof(out->answer.criterion), "%s",
		 q->criterion);
	for (size_t i = 0; i < sizeof(readings) / sizeof(*readings); i++) {
		const struct reading *r = &readings[i];

		if (strcmp(r->text, text))
			continue;
		out->understood = r->value != NULL;
		if (r->value)
			snprintf(out->answer.value, sizeof(out->answer.value),
				 "%s", r->value);
		out->answer.confidence = r->confidence;
		out->conditional = r->conditional;
		out->question = r->question;
		snprintf(out->why, sizeof(out->why), "fake: '%s'", text);
		if (r->also_criterion) {
			snprintf(out->also[0].criterion,
				 sizeof(out->also[0].criterion), "%s",
				 r->also_criterion);
			snprintf(out->also[0].value, sizeof(out->also[0].value),
				 "%s", r->also_value);
			out->also[0].confidence = r->also_confidence;
			out->nalso = 1;
		}
		break;
	}
	return 0;
}

/* ---- a small script exercising every feature */

static const char small_script[] =
	"name = \"test\";\n"
	"start = \"consent\";\n"
	"reminder_after = \"2d\";\n"
	"reminder = \"Bonjour {prenom}, une réponse ?\";\n"
	"expire_after = \"5d\";\n"
	"help = \"Aide de {agence}.\";\n"
	"callback = { keywords = [ \"appelez-moi\", \"parler à quelqu'un\" ];"
	" reply = \"{agence} vous rappelle.\"; };\n"
	"faq = ( { keywords = [ \"payé\", \"salaire\" ];"
	" answer = \"C'est rémunéré.\"; } );\n"
	"help_offers = { transport = \"Aide au transport.\";"
	" garde = \"Aide à la garde.\"; };\n"
	"nodes = (\n"
	" { id = \"consent\"; kind = \"yesno\"; criterion = \"consent\";\n"
	"   message = \"Bonjour {prenom}, OUI ou STOP ?\";\n"
	"   reprompt = \"OUI pour continuer ?\";\n"
	"   on_yes = \"interest\"; on_no = \"bye\"; on_giveup = \"end\"; },\n"
	" { id = \"interest\"; kind = \"yesno\"; criterion = \"interest\";\n"
	"   allow_maybe = true; message = \"Intéressé(e) ?\";\n"
	"   on_yes = \"transport\"; on_no = \"bye\"; },\n"
	" { id = \"transport\"; kind = \"choice\"; criterion = \"transport\";\n"
	"   message = \"Transport ?\";\n"
	"   choices = ( { value = \"car\"; }, { value = \"public\"; },\n"
	"     { value = \"help_needed\"; offer = \"transport\"; } );\n"
	"   next = \"childcare\"; },\n"
	" { id = \"childcare\"; kind = \"choice\"; criterion = \"childcare\";\n"
	"   message = \"Garde ?\"; max_reprompts = 1;\n"
	"   choices = ( { value = \"none\"; },\n"
	"     { value = \"help_needed\"; offer = \"garde\"; } );\n"
	"   next = \"motivation\"; },\n"
	" { id = \"motivation\"; kind = \"text\"; criterion = \"motivation\";\n"
	"   message = \"Pourquoi ?\"; next = \"done\"; },\n"
	" { id = \"done\"; end = true; message = \"Merci {prenom} !\"; },\n"
	" { id = \"bye\"; end = true; outcome = \"declined\";\n"
	"   message = \"Au revoir.\"; }\n"
	");\n";

static const struct sm_script_var vars[] = {
	{"prenom", "Léa"},
	{"agence", "France Travail Colmar"},
};

#define T0 1767603600

struct fixture {
	struct sm_script *s;
	struct sm_script_state st;
	struct sm_script_result r;
};

static int setup_small(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256] = "";
	int errors;

	assert_non_null(f);
	assert_int_equal(sm_script_read_string(small_script, "small.conf",
					       &f->s, err, sizeof(err)),
			 0);
	errors = sm_script_check(f->s, NULL, NULL);
	assert_int_equal(errors, 0);
	f->s->understand = fake_understand;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sm_script_free(f->s);
	free(f);
	return 0;
}

static void start(struct fixture *f)
{
	assert_int_equal(sm_script_start(f->s, vars, 2, T0, &f->st, &f->r), 0);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_STARTED);
	assert_int_equal(f->r.nmessages, 1);
	assert_string_equal(f->r.messages[0], "Bonjour Léa, OUI ou STOP ?");
	assert_string_equal(f->st.node, "consent");
	assert_false(f->st.done);
}

static void reply(struct fixture *f, const char *text, time_t t)
{
	assert_int_equal(sm_script_reply(f->s, &f->st, text, vars, 2, t, &f->r),
			 0);
	assert_string_equal(f->r.raw, text);
}

static void test_whole_conversation(void **state)
{
	struct fixture *f = *state;

	start(f);
	reply(f, "oui", T0 + 60);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_ANSWERED);
	assert_int_equal(f->r.nfindings, 1);
	assert_string_equal(f->r.findings[0].criterion, "consent");
	assert_string_equal(f->r.findings[0].value, "yes");
	assert_true(f->r.findings[0].confidence > 0.94);
	assert_string_equal(f->r.findings[0].method, "fake");
	assert_int_equal(f->r.findings[0].flags, 0);
	assert_int_equal(f->r.nmessages, 1);
	assert_string_equal(f->r.messages[0], "Intéressé(e) ?");
	assert_string_equal(f->st.node, "interest");
	assert_int_equal(f->st.last_sent_at, T0 + 60);

	reply(f, "peut-être", T0 + 120);
	assert_string_equal(f->r.findings[0].value, "maybe");
	/* maybe without on_maybe nor next: on_yes. */
	assert_string_equal(f->st.node, "transport");

	reply(f, "3", T0 + 180);
	assert_string_equal(f->r.findings[0].criterion, "transport");
	assert_string_equal(f->r.findings[0].value, "help_needed");
	assert_int_equal(f->r.nmessages, 2);
	assert_string_equal(f->r.messages[0], "Aide au transport.");
	assert_string_equal(f->r.messages[1], "Garde ?");

	reply(f, "1", T0 + 240);
	assert_string_equal(f->r.findings[0].value, "none");
	assert_string_equal(f->r.messages[0], "Pourquoi ?");

	reply(f, "J'aime aider les autres", T0 + 300);
	assert_string_equal(f->r.findings[0].criterion, "motivation");
	assert_int_equal(f->r.nmessages, 1);
	assert_string_equal(f->r.messages[0], "Merci Léa !");
	assert_int_equal(f->r.outcome, SM_OUTCOME_COMPLETE);
	assert_true(f->st.done);
	assert_int_equal(f->st.outcome, SM_OUTCOME_COMPLETE);
	assert_string_equal(f->st.node, "");
	assert_int_equal(f->st.started_at, T0);

	/* A reply after the end changes nothing. */
	reply(f, "oui", T0 + 400);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_NONE);
	assert_int_equal(f->r.nmessages, 0);
	assert_int_equal(f->r.nfindings, 0);
	assert_int_equal(f->st.outcome, SM_OUTCOME_COMPLETE);
}

static void test_reprompt_then_give_up(void **state)
{
	struct fixture *f = *state;

	start(f);
	reply(f, "bof", T0 + 60);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_REPROMPT);
	assert_int_equal(f->r.nfindings, 0);
	assert_string_equal(f->r.messages[0], "OUI pour continuer ?");
	assert_int_equal(f->st.reprompts, 1);
	reply(f, "hein", T0 + 120);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_REPROMPT);
	assert_int_equal(f->st.reprompts, 2);
	reply(f, "pfff", T0 + 180);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_GAVE_UP);
	assert_int_equal(f->r.nmessages, 0);
	assert_int_equal(f->r.outcome, SM_OUTCOME_INCOMPLETE);
	assert_true(f->st.done);
}

/* Consent, interest and transport answered: the childcare question. */
static void up_to_childcare(struct fixture *f)
{
	start(f);
	reply(f, "oui", T0 + 60);
	reply(f, "oui", T0 + 120);
	reply(f, "voiture", T0 + 180);
	assert_string_equal(f->st.node, "childcare");
}

static void test_give_up_goes_next(void **state)
{
	struct fixture *f = *state;

	up_to_childcare(f);
	/* childcare: max_reprompts = 1, then next (no message but the next
	 * question, the value left unknown). */
	reply(f, "euh", T0 + 240);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_REPROMPT);
	assert_string_equal(f->r.messages[0], "Garde ?");
	reply(f, "euh", T0 + 300);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_GAVE_UP);
	assert_int_equal(f->r.nfindings, 0);
	assert_string_equal(f->r.messages[0], "Pourquoi ?");
	assert_string_equal(f->st.node, "motivation");
	assert_int_equal(f->st.reprompts, 0);
}

static void test_two_criteria_skip_a_node(void **state)
{
	struct fixture *f = *state;

	start(f);
	reply(f, "oui", T0 + 60);
	reply(f, "oui mais j'ai pas de voiture", T0 + 120);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_ANSWERED);
	assert_int_equal(f->r.nfindings, 2);
	assert_string_equal(f->r.findings[0].criterion, "transport");
	assert_string_equal(f->r.findings[0].value, "help_needed");
	assert_int_equal(f->r.findings[0].flags, SM_FINDING_ALSO);
	assert_string_equal(f->r.findings[1].criterion, "interest");
	assert_string_equal(f->r.findings[1].value, "yes");
	/* transport is not asked: its offer goes, then childcare. */
	assert_int_equal(f->r.nmessages, 2);
	assert_string_equal(f->r.messages[0], "Aide au transport.");
	assert_string_equal(f->r.messages[1], "Garde ?");
	assert_string_equal(f->st.node, "childcare");
	assert_int_equal(f->st.nknown, 1);
}

/* A text answer is only that: no other criterion read in the story. */
static void test_text_answers_nothing_else(void **state)
{
	struct fixture *f = *state;

	up_to_childcare(f);
	reply(f, "1", T0 + 240);
	assert_string_equal(f->st.node, "motivation");
	reply(f, "J'ai accompagné ma grand-mère", T0 + 300);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_ANSWERED);
	assert_int_equal(f->r.nfindings, 1);
	assert_string_equal(f->r.findings[0].criterion, "motivation");
	assert_true(f->st.done);
	for (size_t i = 0; i < f->st.nknown; i++)
		assert_string_not_equal(f->st.known[i].criterion, "transport");
}

static void test_conditional_and_low_confidence(void **state)
{
	struct fixture *f = *state;

	start(f);
	reply(f, "oui si c'est près", T0 + 60);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_ANSWERED);
	assert_int_equal(f->r.nfindings, 1);
	assert_int_equal(f->r.findings[0].flags, SM_FINDING_CONDITIONAL);
	assert_string_equal(f->st.node, "interest");

	/* 0.4 < 0.6: asked twice more, then kept and flagged. */
	reply(f, "ouais bof", T0 + 120);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_REPROMPT);
	assert_int_equal(f->r.nfindings, 0);
	reply(f, "ouais bof", T0 + 180);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_REPROMPT);
	reply(f, "ouais bof", T0 + 240);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_ANSWERED);
	assert_int_equal(f->r.nfindings, 1);
	assert_string_equal(f->r.findings[0].value, "yes");
	assert_int_equal(f->r.findings[0].flags, SM_FINDING_LOW_CONFIDENCE);
	assert_string_equal(f->st.node, "transport");
}

static void test_reminder_once_then_expiry(void **state)
{
	struct fixture *f = *state;
	struct sm_script_state before;

	start(f);
	assert_int_equal(sm_script_tick(f->s, &f->st, vars, 2,
					T0 + 2 * 86400 - 1, &f->r),
			 0);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_NONE);
	assert_false(f->st.reminded);
	assert_int_equal(
		sm_script_tick(f->s, &f->st, vars, 2, T0 + 2 * 86400, &f->r),
		0);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_REMINDER);
	assert_int_equal(f->r.nmessages, 1);
	assert_string_equal(f->r.messages[0], "Bonjour Léa, une réponse ?");
	assert_true(f->st.reminded);
	before = f->st;
	assert_int_equal(
		sm_script_tick(f->s, &f->st, vars, 2, T0 + 3 * 86400, &f->r),
		0);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_NONE);
	assert_int_equal(f->r.nmessages, 0);
	assert_memory_equal(&before, &f->st, sizeof(before));
	/* The candidate answers: expiry counts from the new question. */
	reply(f, "oui", T0 + 4 * 86400);
	assert_int_equal(
		sm_script_tick(f->s, &f->st, vars, 2, T0 + 8 * 86400, &f->r),
		0);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_NONE);
	assert_int_equal(
		sm_script_tick(f->s, &f->st, vars, 2, T0 + 9 * 86400, &f->r),
		0);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_EXPIRED);
	assert_int_equal(f->r.outcome, SM_OUTCOME_NO_ANSWER);
	assert_true(f->st.done);
	assert_int_equal(f->st.outcome, SM_OUTCOME_NO_ANSWER);
	assert_int_equal(
		sm_script_tick(f->s, &f->st, vars, 2, T0 + 20 * 86400, &f->r),
		0);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_NONE);
}

static void test_help_callback_faq(void **state)
{
	struct fixture *f = *state;

	start(f);
	calls = 0;
	reply(f, "AIDE", T0 + 60);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_HELP);
	assert_int_equal(f->r.nmessages, 2);
	assert_string_equal(f->r.messages[0], "Aide de France Travail Colmar.");
	assert_string_equal(f->r.messages[1], "Bonjour Léa, OUI ou STOP ?");
	assert_int_equal(f->st.reprompts, 0);
	assert_int_equal(calls, 0);

	/* A question the faq answers: answer, then ours again. */
	reply(f, "c'est payé ?", T0 + 120);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_FAQ);
	assert_false(f->r.question);
	assert_int_equal(f->r.nmessages, 2);
	assert_string_equal(f->r.messages[0], "C'est rémunéré.");
	assert_string_equal(f->r.messages[1], "Bonjour Léa, OUI ou STOP ?");
	assert_int_equal(f->st.reprompts, 0);

	/* An answer and a question: both. */
	reply(f, "oui, c'est payé ?", T0 + 180);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_ANSWERED);
	assert_int_equal(f->r.nmessages, 2);
	assert_string_equal(f->r.messages[0], "C'est rémunéré.");
	assert_string_equal(f->r.messages[1], "Intéressé(e) ?");

	/* A question the faq does not know: for the advisor, re-prompt. */
	reply(f, "c'est quand ?", T0 + 240);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_REPROMPT);
	assert_true(f->r.question);
	assert_int_equal(f->st.reprompts, 1);

	/* "Appelez-moi" in any case, with punctuation around. */
	reply(f, "Non, APPELEZ MOI svp!", T0 + 300);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_CALLBACK);
	assert_int_equal(f->r.nfindings, 0);
	assert_int_equal(f->r.nmessages, 1);
	assert_string_equal(f->r.messages[0],
			    "France Travail Colmar vous rappelle.");
	assert_int_equal(f->r.outcome, SM_OUTCOME_CALLBACK);
	assert_true(f->st.done);
	assert_int_equal(f->st.outcome, SM_OUTCOME_CALLBACK);
}

/* What the language model said, over the rules' reading. */
static void test_override(void **state)
{
	struct fixture *f = *state;
	const struct sm_finding also = {"childcare", "help_needed", 0.8};
	struct sm_script_override ov = {.value = "yes",
					.confidence = 0.8,
					.also = &also,
					.nalso = 1,
					.method = "llm",
					.why = "llm: yes (0.80)"};

	start(f);
	/* "ouais bof": 0.4 by the rules, yes at 0.8 by the model. */
	assert_int_equal(sm_script_reply_override(f->s, &f->st, "ouais bof",
						  &ov, vars, 2, T0 + 60,
						  &f->r),
			 0);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_ANSWERED);
	assert_string_equal(f->r.raw, "ouais bof");
	assert_int_equal(f->r.nfindings, 2);
	assert_string_equal(f->r.findings[0].criterion, "childcare");
	assert_int_equal(f->r.findings[0].flags, SM_FINDING_ALSO);
	assert_string_equal(f->r.findings[1].criterion, "consent");
	assert_string_equal(f->r.findings[1].value, "yes");
	assert_string_equal(f->r.findings[1].method, "llm");
	assert_string_equal(f->r.findings[1].why, "llm: yes (0.80)");
	assert_int_equal(f->r.findings[1].flags, 0);
	assert_string_equal(f->st.node, "interest");

	/* A drafted answer to a question the faq does not know: sent as
	 * is (braces and all), then the question again, no re-prompt. */
	memset(&ov, 0, sizeof(ov));
	ov.answer_text = "En mars, {pas un modèle}.";
	assert_int_equal(sm_script_reply_override(f->s, &f->st,
						  "c'est quand ?", &ov, vars,
						  2, T0 + 120, &f->r),
			 0);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_FAQ);
	assert_int_equal(f->r.nmessages, 2);
	assert_string_equal(f->r.messages[0], "En mars, {pas un modèle}.");
	assert_string_equal(f->r.messages[1], "Intéressé(e) ?");
	assert_int_equal(f->st.reprompts, 0);
	/* The faq wins over a draft. */
	assert_int_equal(sm_script_reply_override(f->s, &f->st,
						  "c'est payé ?", &ov, vars,
						  2, T0 + 180, &f->r),
			 0);
	assert_string_equal(f->r.messages[0], "C'est rémunéré.");
}

static void test_callback_phrase(void **state)
{
	struct fixture *f = *state;

	start(f);
	reply(f, "je veux parler a quelqu'un", T0 + 60);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_CALLBACK);
	/* "parler" alone is not a request. */
	start(f);
	reply(f, "parler", T0 + 60);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_REPROMPT);
}

static void test_decline_ends_early(void **state)
{
	struct fixture *f = *state;

	start(f);
	reply(f, "oui", T0 + 60);
	reply(f, "non", T0 + 120);
	assert_int_equal(f->r.event, SM_SCRIPT_EV_ANSWERED);
	assert_string_equal(f->r.findings[0].criterion, "interest");
	assert_string_equal(f->r.findings[0].value, "no");
	assert_int_equal(f->r.nmessages, 1);
	assert_string_equal(f->r.messages[0], "Au revoir.");
	assert_int_equal(f->r.outcome, SM_OUTCOME_DECLINED);
	assert_true(f->st.done);
}

static void test_errors_leave_state(void **state)
{
	struct fixture *f = *state;
	struct sm_script_state before;

	/* No {prenom}: nothing starts. */
	memset(&f->st, 0x5a, sizeof(f->st));
	before = f->st;
	assert_int_equal(sm_script_start(f->s, vars + 1, 1, T0, &f->st, &f->r),
			 -ENOENT);
	assert_memory_equal(&before, &f->st, sizeof(before));
	start(f);
	before = f->st;
	/* AIDE repeats the question, which needs {prenom}: the step is
	 * not taken. */
	assert_int_equal(sm_script_reply(f->s, &f->st, "aide", vars + 1, 1,
					 T0 + 60, &f->r),
			 -ENOENT);
	assert_memory_equal(&before, &f->st, sizeof(before));
	snprintf(f->st.node, sizeof(f->st.node), "gone");
	assert_int_equal(
		sm_script_reply(f->s, &f->st, "oui", vars, 2, T0 + 60, &f->r),
		-EINVAL);
	assert_string_equal(f->st.node, "gone");
}

static void test_render(void **state)
{
	struct fixture *f = *state;
	char out[64], missing[16] = "";
	static const struct sm_script_var v[] = {{"prenom", "Françoise"},
						 {"lieu", "Sélestat"}};

	assert_int_equal(sm_script_render(f->s, "{prenom} à {lieu} {{ok}}", v,
					  2, out, sizeof(out), missing,
					  sizeof(missing)),
			 0);
	assert_string_equal(out, "Françoise à Sélestat {ok}");
	assert_int_equal(sm_script_render(f->s, "a {nom} b", v, 2, out,
					  sizeof(out), missing,
					  sizeof(missing)),
			 -ENOENT);
	assert_string_equal(missing, "nom");
	assert_int_equal(sm_script_render(f->s, "a {prenom", v, 2, out,
					  sizeof(out), NULL, 0),
			 -EINVAL);
	assert_int_equal(sm_script_render(f->s, "{prenom}{prenom}", v, 2, out,
					  12, NULL, 0),
			 -E2BIG);
	/* GSM 7-bit: ç goes, é (in the alphabet) stays. */
	f->s->encoding = SM_SCRIPT_ENC_GSM7;
	assert_int_equal(sm_script_render(f->s, "{prenom} à {lieu} être", v, 2,
					  out, sizeof(out), NULL, 0),
			 0);
	assert_string_equal(out, "Francoise à Sélestat etre");
}

/* ---- the shipped scripts and the broken ones */

struct problems {
	char lines[16][400];
	size_t n;
	size_t warnings;
};

/* Keep "error LINE: msg" without the path. */
static void keep(void *ctx, enum sm_script_severity sev, const char *msg)
{
	struct problems *p = ctx;
	const char *colon = strchr(msg, ':');

	assert_non_null(colon);
	if (sev == SM_SCRIPT_WARNING)
		p->warnings++;
	if (p->n < 16)
		snprintf(p->lines[p->n++], sizeof(p->lines[0]), "%s %s",
			 sev == SM_SCRIPT_ERROR ? "error" : "warning",
			 colon + 1);
}

/* A motivation that names the advisor is an answer; asking to talk to
 * them is a call-back request. */
static void shipped_motivation(const struct sm_script *s)
{
	static struct sm_script_result r;
	struct sm_script_state st;

	assert_int_equal(
		sm_script_start(s, sm_script_std_vars(), 12, T0, &st, &r), 0);
	snprintf(st.node, sizeof(st.node), "motivation");
	assert_int_equal(sm_script_reply(s, &st,
					 "Mon conseiller m'a parlé de ce "
					 "métier, j'aime aider les gens",
					 sm_script_std_vars(), 12, T0 + 60, &r),
			 0);
	assert_int_not_equal(r.event, SM_SCRIPT_EV_CALLBACK);
	assert_int_equal(r.nfindings, 1);
	assert_string_equal(r.findings[0].criterion, "motivation");
	assert_int_equal(
		sm_script_start(s, sm_script_std_vars(), 12, T0, &st, &r), 0);
	snprintf(st.node, sizeof(st.node), "motivation");
	assert_int_equal(sm_script_reply(s, &st,
					 "je voudrais parler à mon conseiller",
					 sm_script_std_vars(), 12, T0 + 60, &r),
			 0);
	assert_int_equal(r.event, SM_SCRIPT_EV_CALLBACK);
}

static void test_shipped_scripts(void **state)
{
	static const char *const names[] = {"aide-soignant",
					    "auxiliaire-de-vie", "cariste"};

	for (size_t i = 0; i < 3; i++) {
		struct problems p = {.n = 0};
		struct sm_script *s = NULL;
		char path[512], err[256] = "";

		snprintf(path, sizeof(path), "%s/conf/scripts/%s.conf",
			 srcdir(), names[i]);
		assert_int_equal(sm_script_read(path, &s, err, sizeof(err)), 0);
		assert_int_equal(sm_script_check(s, keep, &p), 0);
		if (p.n)
			fprintf(stderr, "%s: %s\n", path, p.lines[0]);
		assert_int_equal(p.n, 0);
		assert_string_equal(s->start.to, "consentement");
		assert_true(s->reminder_after == 2 * 86400);
		assert_true(s->expire_after == 5 * 86400);
		assert_non_null(s->help);
		assert_non_null(s->callback_reply);
		assert_int_equal(s->nfaq, 3);
		assert_int_equal(s->noffers, 2);
		/* Consent first, with the agency and STOP. */
		assert_non_null(strstr(s->nodes[0].message, "{agence}"));
		assert_non_null(strstr(s->nodes[0].message, "STOP"));
		assert_string_equal(s->nodes[0].criterion, "consent");
		sm_script_free(s);
		assert_int_equal(sm_script_load(path, &s, err, sizeof(err)), 0);
		shipped_motivation(s);
		sm_script_free(s);
	}
}

static void test_broken_scripts(void **state)
{
	char pattern[512];
	glob_t g;
	size_t cases = 0;

	snprintf(pattern, sizeof(pattern), "%s/tests/data/scripts/*.conf",
		 srcdir());
	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *path = g.gl_pathv[i];
		struct problems got = {.n = 0}, want = {.n = 0};
		struct sm_script *s = NULL;
		char err[512] = "", line[400];
		FILE *fp = fopen(path, "r");

		assert_non_null(fp);
		while (fgets(line, sizeof(line), fp)) {
			if (strncmp(line, "# expect: ", 10))
				continue;
			line[strcspn(line, "\n")] = '\0';
			assert_true(want.n < 16);
			snprintf(want.lines[want.n++], sizeof(want.lines[0]),
				 "%s", line + 10);
		}
		fclose(fp);
		assert_true(want.n > 0);

		if (sm_script_read(path, &s, err, sizeof(err))) {
			assert_null(s);
			keep(&got, SM_SCRIPT_ERROR, err);
		} else {
			sm_script_check(s, keep, &got);
			sm_script_free(s);
		}
		for (size_t k = 0; k < want.n || k < got.n; k++) {
			const char *w = k < want.n ? want.lines[k] : "(none)";
			const char *o = k < got.n ? got.lines[k] : "(none)";

			if (strcmp(w, o))
				fprintf(stderr, "%s:\n  want %s\n  got  %s\n",
					path, w, o);
			assert_string_equal(w, o);
		}
		/* sm_script_load() gives the first error. */
		assert_int_equal(sm_script_load(path, &s, err, sizeof(err)),
				 -EINVAL);
		assert_null(s);
		assert_non_null(strstr(err, strchr(want.lines[0], ' ') + 1));
		cases++;
	}
	globfree(&g);
	assert_true(cases >= 10);
}

/* Durations: d, h, m and s, combined; seconds for demos and tests. */
static void test_durations(void **state)
{
	static const struct {
		const char *text;
		long secs; /* 0: refused */
	} cases[] = {
		{"2d", 2 * 86400}, {"36h", 36 * 3600}, {"90m", 5400},
		{"1d12h", 129600}, {"20s", 20},	       {"1m30s", 90},
		{"1s", 1},	   {"60d", 60 * 86400}, {"0s", 0},
		{"61d", 0},	   {"20", 0},	       {"s", 0},
		{"2 d", 0},	   {"", 0},
	};
	char text[512], err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sm_script *s = NULL;
		int rc;

		snprintf(text, sizeof(text),
			 "name = \"t\"; start = \"a\";\n"
			 "expire_after = \"%s\";\n"
			 "nodes = ( { id = \"a\"; end = true;"
			 " message = \"Merci.\"; } );\n",
			 cases[i].text);
		err[0] = '\0';
		rc = sm_script_read_string(text, "d.conf", &s, err,
					   sizeof(err));
		if (cases[i].secs) {
			assert_int_equal(rc, 0);
			assert_true(s->expire_after == cases[i].secs);
		} else {
			assert_int_equal(rc, -EINVAL);
			assert_non_null(strstr(err, "d.conf:2: expire_after: "));
			assert_non_null(strstr(err, "1 second to 60 days"));
		}
		sm_script_free(s);
	}
}

static void test_bounds(void **state)
{
	struct sm_script *s = NULL;
	char err[32];

	/* A message too short for the message is cut, not overrun. */
	memset(err, 'x', sizeof(err));
	assert_int_equal(sm_script_read_string("name = \"t\"; start = \"a\";"
					       " nodes = ( { id = \"a\"; "
					       "end = true; } );",
					       "a-rather-long-file-name.conf",
					       &s, err, sizeof(err)),
			 -EINVAL);
	assert_null(s);
	assert_non_null(memchr(err, '\0', sizeof(err)));
	assert_int_equal(
		sm_script_read("/nonexistent/x.conf", &s, err, sizeof(err)),
		-ENOENT);
}

/* The real reading of replies, on a shipped script. */
static void test_real_understanding(void **state)
{
	struct sm_script *s = NULL;
	struct sm_script_state st;
	static struct sm_script_result r;
	char path[512], err[256] = "";

	snprintf(path, sizeof(path), "%s/conf/scripts/cariste.conf", srcdir());
	assert_int_equal(sm_script_load(path, &s, err, sizeof(err)), 0);
	assert_int_equal(
		sm_script_start(s, sm_script_std_vars(), 12, T0, &st, &r), 0);
	assert_non_null(strstr(r.messages[0], "France Travail Colmar"));
	assert_int_equal(sm_script_reply(s, &st, "Oui", sm_script_std_vars(),
					 12, T0 + 60, &r),
			 0);
	assert_int_equal(r.event, SM_SCRIPT_EV_ANSWERED);
	assert_string_equal(r.findings[0].criterion, "consent");
	assert_string_equal(r.findings[0].value, "yes");
	assert_string_equal(st.node, "interet");
	assert_int_equal(sm_script_reply(s, &st, "non merci",
					 sm_script_std_vars(), 12, T0 + 120,
					 &r),
			 0);
	assert_string_equal(r.findings[0].value, "no");
	assert_int_equal(r.outcome, SM_OUTCOME_DECLINED);
	sm_script_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_whole_conversation,
						setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_reprompt_then_give_up,
						setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_give_up_goes_next,
						setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_text_answers_nothing_else,
						setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_two_criteria_skip_a_node,
						setup_small, teardown),
		cmocka_unit_test_setup_teardown(
			test_conditional_and_low_confidence, setup_small,
			teardown),
		cmocka_unit_test_setup_teardown(test_reminder_once_then_expiry,
						setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_help_callback_faq,
						setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_callback_phrase,
						setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_override, setup_small,
						teardown),
		cmocka_unit_test_setup_teardown(test_decline_ends_early,
						setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_errors_leave_state,
						setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_render, setup_small,
						teardown),
		cmocka_unit_test(test_shipped_scripts),
		cmocka_unit_test(test_broken_scripts),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_real_understanding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
