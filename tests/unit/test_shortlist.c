/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_shortlist.c - the advisor's shortlist: ranking by declared criteria
 * (table-driven: every group, ties, partial availability, needs the region
 * can meet, incomplete, declined/opted out/unreachable/no answer), flags,
 * and every export checked byte by byte or parsed: CSV (BOM, ';', CRLF,
 * quoting, formula neutralisation), JSON (schema and types via jansson),
 * HTML (escaping, funnel), XLSX (unzipped with python3's zipfile).  Last,
 * the fixture campaign read back from a real store.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "lib/sl_fixture.h"
#include "smsmatch/shortlist.h"

#define T0 INT64_C(1772442000) /* 2026-03-02 09:00:00 UTC */

/* ---- helpers */

static struct sm_shortlist *new_list(void)
{
	struct sm_store_campaign c = {0};
	struct sm_shortlist *sl;

	c.id = 7;
	snprintf(c.name, sizeof(c.name), "Aide <b>soignant</b> & Metz");
	snprintf(c.trade, sizeof(c.trade), "aide-soignant");
	snprintf(c.start_date, sizeof(c.start_date), "2026-03-16");
	snprintf(c.end_date, sizeof(c.end_date), "2026-06-26");
	snprintf(c.place, sizeof(c.place), "IFSAS Metz");
	c.seats = 12;
	snprintf(c.prerequisites, sizeof(c.prerequisites),
		 "Niveau 3e\nPermis B");
	sl = sm_shortlist_new(&c);
	assert_non_null(sl);
	return sl;
}

/*
 * Add candidate @id (@last, @first) with outcome @outcome (-1: not
 * contacted), first reply @reply (0: none) and answers @spec:
 * "crit=value[/LCM],..." where L = low confidence, C = conditional,
 * M = method llm.  The conversation id is @id + 1000.
 */
static void add(struct sm_shortlist *sl, int64_t id, const char *first,
		const char *last, int outcome, int64_t reply, const char *spec)
{
	struct sm_store_candidate c = {0};
	struct sm_store_conversation v = {0};
	char buf[512], *save = NULL;

	c.id = id;
	c.campaign_id = 7;
	snprintf(c.first_name, sizeof(c.first_name), "%s", first);
	snprintf(c.last_name, sizeof(c.last_name), "%s", last);
	snprintf(c.phone, sizeof(c.phone), "+336000000%02d", (int)(id % 100));
	v.id = id + 1000;
	v.candidate_id = id;
	v.outcome = outcome < 0 ? SM_CONV_OPEN : (enum sm_conv_outcome)outcome;
	v.started_at = T0;
	v.first_reply_at = reply;
	assert_int_equal(
		sm_shortlist_add_candidate(sl, &c, outcome < 0 ? NULL : &v), 0);
	if (!spec || !*spec)
		return;
	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		struct sm_store_answer a = {0};
		char *eq = strchr(tok, '='), *sl_ = strchr(tok, '/');

		assert_non_null(eq);
		*eq = '\0';
		if (sl_)
			*sl_ = '\0';
		a.conversation_id = v.id;
		snprintf(a.criterion, sizeof(a.criterion), "%s", tok);
		snprintf(a.value, sizeof(a.value), "%s", eq + 1);
		snprintf(a.raw, sizeof(a.raw), "mots de %s: %s", tok, eq + 1);
		snprintf(a.method, sizeof(a.method), "rules");
		a.confidence = 0.9;
		a.at = T0 + 100;
		if (sl_) {
			if (strchr(sl_ + 1, 'L')) {
				a.flags |= SM_ANSWER_F_LOW_CONFIDENCE;
				a.confidence = 0.4;
			}
			if (strchr(sl_ + 1, 'C'))
				a.flags |= SM_ANSWER_F_CONDITIONAL;
			if (strchr(sl_ + 1, 'M'))
				snprintf(a.method, sizeof(a.method), "llm");
		}
		assert_int_equal(sm_shortlist_add_answer(sl, &a), 0);
	}
}

/* The flag codes of row @r joined with ','. */
static void flag_codes(const struct sm_shortlist *sl, const struct sm_sl_row *r,
		       char *out, size_t len)
{
	char one[128];

	out[0] = '\0';
	for (size_t i = 0; i < r->nflags; i++) {
		size_t used = strlen(out);

		snprintf(out + used, len - used, "%s%s", i ? "," : "",
			 sm_sl_flag_code(sl, &r->flags[i], one, sizeof(one)));
	}
}

/* Everything @fn writes for @sl, NUL-terminated (malloc'd). */
static char *render(int (*fn)(const struct sm_shortlist *, FILE *),
		    const struct sm_shortlist *sl, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	assert_non_null(f);
	assert_int_equal(fn(sl, f), 0);
	fclose(f);
	if (len)
		*len = n;
	return buf;
}

#define ALL_OK                                                                 \
	"consent=yes,interest=yes,available=yes,transport=car,"                \
	"childcare=not_needed,prerequisites=yes"

/* ---- ranking, one candidate at a time */

struct rank_case {
	const char *what;
	int outcome;		  /* enum sm_conv_outcome, -1 not contacted */
	int64_t reply;		  /* first reply */
	const char *answers;	  /* see add() */
	enum sm_sl_status status; /* expected */
	int group;		  /* expected */
	const char *flags;	  /* expected flag codes */
};

static const struct rank_case rank_cases[] = {
	{"all compatible, complete", SM_CONV_COMPLETE, T0 + 60, ALL_OK,
	 SM_SL_COMPATIBLE, 1, ""},
	{"all answered, still open", SM_CONV_OPEN, T0 + 60, ALL_OK,
	 SM_SL_COMPATIBLE, 1, ""},
	{"complete, childcare not asked by the script", SM_CONV_COMPLETE,
	 T0 + 60,
	 "consent=yes,interest=yes,available=yes,transport=public,"
	 "prerequisites=yes",
	 SM_SL_COMPATIBLE, 1, ""},
	{"open, childcare missing", SM_CONV_OPEN, T0 + 60,
	 "consent=yes,interest=yes,available=yes,transport=carpool,"
	 "prerequisites=yes",
	 SM_SL_INCOMPLETE, 3, ""},
	{"every transport that works", SM_CONV_COMPLETE, T0 + 60,
	 "consent=yes,interest=yes,available=yes,transport=walk_bike,"
	 "childcare=solved,prerequisites=yes",
	 SM_SL_COMPATIBLE, 1, ""},
	{"transport help needed", SM_CONV_COMPLETE, T0 + 60,
	 "consent=yes,interest=yes,available=yes,transport=help_needed,"
	 "childcare=not_needed,prerequisites=yes",
	 SM_SL_CONDITIONAL, 2, "transport_aid:transport"},
	{"childcare help needed", SM_CONV_COMPLETE, T0 + 60,
	 "consent=yes,interest=yes,available=yes,transport=car,"
	 "childcare=help_needed,prerequisites=yes",
	 SM_SL_CONDITIONAL, 2, "childcare_aid:childcare"},
	{"partial availability", SM_CONV_COMPLETE, T0 + 60,
	 "consent=yes,interest=yes,available=partial/C,transport=car,"
	 "childcare=not_needed,prerequisites=yes",
	 SM_SL_CONDITIONAL, 2,
	 "partial_availability:available,conditional:available"},
	{"interest maybe", SM_CONV_COMPLETE, T0 + 60,
	 "consent=yes,interest=maybe,available=yes,transport=car,"
	 "childcare=not_needed,prerequisites=yes",
	 SM_SL_INCOMPLETE, 3, ""},
	{"maybe outranks a need", SM_CONV_OPEN, T0 + 60,
	 "consent=yes,interest=maybe,available=yes,transport=help_needed,"
	 "childcare=not_needed,prerequisites=yes",
	 SM_SL_INCOMPLETE, 3, "transport_aid:transport"},
	{"a value the ranking does not know", SM_CONV_COMPLETE, T0 + 60,
	 "consent=yes,interest=yes,available=yes,transport=teleport,"
	 "childcare=not_needed,prerequisites=yes",
	 SM_SL_INCOMPLETE, 3, "unknown_value:transport"},
	{"does not know about a prerequisite", SM_CONV_COMPLETE, T0 + 60,
	 "consent=yes,interest=yes,available=yes,transport=car,"
	 "childcare=not_needed,prerequisites=maybe",
	 SM_SL_INCOMPLETE, 3, "unsure:prerequisites"},
	{"open, one answer", SM_CONV_OPEN, T0 + 60, "consent=yes",
	 SM_SL_INCOMPLETE, 3, ""},
	{"open, nothing yet", SM_CONV_OPEN, 0, "", SM_SL_INCOMPLETE, 3, ""},
	{"no answer, with a reply", SM_CONV_NO_ANSWER, T0 + 60, "consent=yes",
	 SM_SL_INCOMPLETE, 3, ""},
	{"not contacted", -1, 0, "", SM_SL_NOT_CONTACTED, 3, ""},
	{"consent no", SM_CONV_OPEN, T0 + 60, "consent=no", SM_SL_DECLINED, 4,
	 ""},
	{"interest no", SM_CONV_DECLINED, T0 + 60, "consent=yes,interest=no",
	 SM_SL_DECLINED, 4, ""},
	{"declined, answers lost", SM_CONV_DECLINED, T0 + 60, "",
	 SM_SL_DECLINED, 4, ""},
	{"not available", SM_CONV_COMPLETE, T0 + 60,
	 "consent=yes,interest=yes,available=no,transport=car,"
	 "childcare=not_needed,prerequisites=yes",
	 SM_SL_NOT_MET, 4, "not_met:available"},
	{"prerequisites missing", SM_CONV_COMPLETE, T0 + 60,
	 "consent=yes,interest=yes,available=yes,transport=car,"
	 "childcare=not_needed,prerequisites=no",
	 SM_SL_NOT_MET, 4, "not_met:prerequisites"},
	{"no transport at all", SM_CONV_COMPLETE, T0 + 60,
	 "consent=yes,interest=yes,available=yes,transport=none,"
	 "childcare=not_needed,prerequisites=yes",
	 SM_SL_NOT_MET, 4, "not_met:transport"},
	{"declined beats not met", SM_CONV_OPEN, T0 + 60,
	 "consent=yes,interest=no,available=no", SM_SL_DECLINED, 4,
	 "not_met:available"},
	{"opted out after compatible answers", SM_CONV_OPTED_OUT, T0 + 60,
	 ALL_OK, SM_SL_OPTED_OUT, 4, ""},
	{"unreachable", SM_CONV_UNREACHABLE, 0, "", SM_SL_UNREACHABLE, 4, ""},
	{"no answer", SM_CONV_NO_ANSWER, 0, "", SM_SL_NO_ANSWER, 4, ""},
	{"callback asked, all compatible", SM_CONV_CALLBACK, T0 + 60, ALL_OK,
	 SM_SL_COMPATIBLE, 1, "callback"},
	{"callback as an answer", SM_CONV_OPEN, T0 + 60,
	 "consent=yes,callback=yes", SM_SL_INCOMPLETE, 3, "callback"},
	{"low confidence and LLM flagged, rank kept", SM_CONV_COMPLETE, T0 + 60,
	 "consent=yes,interest=yes/M,available=yes,transport=car/L,"
	 "childcare=not_needed,prerequisites=yes,motivation=text/M",
	 SM_SL_COMPATIBLE, 1,
	 "llm:interest,low_confidence:transport,llm:motivation"},
};

static void test_rank_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rank_cases) / sizeof(rank_cases[0]);
	     i++) {
		const struct rank_case *rc = &rank_cases[i];
		struct sm_shortlist *sl = new_list();
		char flags[512];

		add(sl, 1, "Ana", "Test", rc->outcome, rc->reply, rc->answers);
		sm_shortlist_rank(sl);
		flag_codes(sl, &sl->rows[0], flags, sizeof(flags));
		if (sl->rows[0].status != rc->status ||
		    sl->rows[0].group != rc->group ||
		    strcmp(flags, rc->flags) != 0)
			fail_msg("%s: got %s group %d flags '%s', want %s "
				 "group %d flags '%s'",
				 rc->what,
				 sm_sl_status_name(sl->rows[0].status),
				 sl->rows[0].group, flags,
				 sm_sl_status_name(rc->status), rc->group,
				 rc->flags);
		assert_int_equal(sl->rows[0].rank, 1);
		sm_shortlist_free(sl);
	}
}

/* ---- ranking, order of many */

static void test_rank_order(void **state)
{
	struct sm_shortlist *sl = new_list();
	static const char *const want[] = {
		/* group 1: by first reply, then folded name, then id */
		"Zola",
		"Dupont",
		"Étienne",
		"Evrard",
		"Evrard",
		/* group 2 */
		"Aid",
		"Partiel",
		/* group 3: replies first, then no reply, not contacted */
		"Incomplet",
		"Attente",
		"Nouveau",
		/* group 4 */
		"Refus",
		"Stop",
		"Absent",
	};

	(void)state;
	add(sl, 30, "X", "Absent", SM_CONV_NO_ANSWER, 0, "");
	add(sl, 29, "X", "Stop", SM_CONV_OPTED_OUT, T0 + 900, "");
	add(sl, 28, "X", "Refus", SM_CONV_DECLINED, T0 + 10, "interest=no");
	add(sl, 27, "X", "Nouveau", -1, 0, "");
	add(sl, 26, "X", "Attente", SM_CONV_OPEN, 0, "");
	add(sl, 25, "X", "Incomplet", SM_CONV_OPEN, T0 + 5000, "consent=yes");
	add(sl, 24, "X", "Partiel", SM_CONV_COMPLETE, T0 + 700,
	    "consent=yes,interest=yes,available=partial,transport=car,"
	    "childcare=solved,prerequisites=yes");
	add(sl, 23, "X", "Aid", SM_CONV_COMPLETE, T0 + 600,
	    "consent=yes,interest=yes,available=yes,transport=help_needed,"
	    "childcare=help_needed,prerequisites=yes");
	add(sl, 22, "B", "Evrard", SM_CONV_COMPLETE, T0 + 300, ALL_OK);
	add(sl, 21, "B", "Evrard", SM_CONV_COMPLETE, T0 + 300, ALL_OK);
	add(sl, 20, "A", "Étienne", SM_CONV_COMPLETE, T0 + 300, ALL_OK);
	add(sl, 19, "A", "Dupont", SM_CONV_COMPLETE, T0 + 300, ALL_OK);
	add(sl, 18, "A", "Zola", SM_CONV_COMPLETE, T0 + 20, ALL_OK);
	sm_shortlist_rank(sl);
	assert_int_equal(sl->nrows, 13);
	for (size_t i = 0; i < sl->nrows; i++) {
		assert_string_equal(sl->rows[i].cand.last_name, want[i]);
		assert_int_equal(sl->rows[i].rank, (int)i + 1);
	}
	/* The same name and time: the older candidate (lower id) first. */
	assert_int_equal(sl->rows[3].cand.id, 21);
	assert_int_equal(sl->rows[4].cand.id, 22);
	assert_int_equal(sl->funnel.candidates, 13);
	assert_int_equal(sl->funnel.invited, 12);
	assert_int_equal(sl->funnel.shortlisted, 7);
	assert_int_equal(sl->funnel.opted_out, 1);
	assert_int_equal(sl->funnel.complete, 7);
	/* Ranking again changes nothing. */
	sm_shortlist_rank(sl);
	for (size_t i = 0; i < sl->nrows; i++)
		assert_string_equal(sl->rows[i].cand.last_name, want[i]);
	sm_shortlist_free(sl);
}

static void test_add_rules(void **state)
{
	struct sm_shortlist *sl = new_list();
	struct sm_store_candidate c = {0};
	struct sm_store_answer a = {0};
	int idx;

	(void)state;
	add(sl, 1, "A", "B", SM_CONV_OPEN, 0, "");
	c.id = 1;
	assert_int_equal(sm_shortlist_add_candidate(sl, &c, NULL), -EEXIST);
	a.conversation_id = 999;
	snprintf(a.criterion, sizeof(a.criterion), "consent");
	assert_int_equal(sm_shortlist_add_answer(sl, &a), -ENOENT);
	assert_int_equal(sm_shortlist_add_message(sl, 999, T0, true, "x", ""),
			 -ENOENT);
	a.conversation_id = 1001;
	a.criterion[0] = '\0';
	assert_int_equal(sm_shortlist_add_answer(sl, &a), -EINVAL);
	/* A later answer supersedes, an earlier one does not. */
	snprintf(a.criterion, sizeof(a.criterion), "interest");
	snprintf(a.value, sizeof(a.value), "maybe");
	snprintf(a.raw, sizeof(a.raw), "jsp");
	a.at = T0 + 10;
	assert_int_equal(sm_shortlist_add_answer(sl, &a), 0);
	snprintf(a.value, sizeof(a.value), "yes");
	snprintf(a.raw, sizeof(a.raw), "ouais");
	a.at = T0 + 20;
	assert_int_equal(sm_shortlist_add_answer(sl, &a), 0);
	snprintf(a.value, sizeof(a.value), "no");
	a.at = T0 + 15;
	assert_int_equal(sm_shortlist_add_answer(sl, &a), 0);
	idx = sm_shortlist_criterion_index(sl, "interest");
	assert_string_equal(sl->rows[0].answers[idx].value, "yes");
	assert_string_equal(sl->rows[0].answers[idx].raw, "ouais");
	/* A new criterion becomes a column after the standard ones. */
	snprintf(a.criterion, sizeof(a.criterion), "permis_c");
	assert_int_equal(sm_shortlist_add_answer(sl, &a), 0);
	assert_int_equal(sm_shortlist_criterion_index(sl, "permis_c"), 7);
	assert_int_equal(sl->ncriteria, 8);
	/* Columns are bounded. */
	for (int i = 0; i < SM_SL_CRITERIA_MAX; i++) {
		snprintf(a.criterion, sizeof(a.criterion), "c%d", i);
		int rc = sm_shortlist_add_answer(sl, &a);

		assert_int_equal(rc,
				 sl->ncriteria < SM_SL_CRITERIA_MAX ||
						 sm_shortlist_criterion_index(
							 sl, a.criterion) >= 0
					 ? 0
					 : -E2BIG);
	}
	assert_int_equal(sl->ncriteria, SM_SL_CRITERIA_MAX);
	sm_shortlist_free(sl);
}

static void test_words(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(sm_sl_value_label("transport", "help_needed"),
			    "aide au transport demandée");
	assert_string_equal(sm_sl_value_label("interest", "yes"), "oui");
	assert_string_equal(sm_sl_value_label("x", "whatever"), "whatever");
	assert_string_equal(sm_sl_criterion_label("childcare"),
			    "garde d'enfants");
	assert_string_equal(sm_sl_criterion_label("permis_c"), "permis_c");
	assert_string_equal(
		sm_sl_phone_display("+33612345678", buf, sizeof(buf)),
		"06 12 34 56 78");
	assert_string_equal(
		sm_sl_phone_display("+32470123456", buf, sizeof(buf)),
		"+32470123456");
	/* Europe/Paris: winter +01:00, summer +02:00. */
	assert_string_equal(sm_sl_iso_time(T0, buf, sizeof(buf)),
			    "2026-03-02T10:00:00+01:00");
	assert_string_equal(sm_sl_iso_time(T0 + 120 * 86400, buf, sizeof(buf)),
			    "2026-06-30T11:00:00+02:00");
	assert_true(sm_sl_needs_quote_prefix("=1+1"));
	assert_true(sm_sl_needs_quote_prefix("+33"));
	assert_true(sm_sl_needs_quote_prefix("-2"));
	assert_true(sm_sl_needs_quote_prefix("@SUM(A1)"));
	assert_false(sm_sl_needs_quote_prefix("oui = non"));
	assert_false(sm_sl_needs_quote_prefix(""));
}

/* ---- exports */

/* 1 000 characters (code points) with emoji and accents: 1 020 bytes,
 * as much as an answer holds. */
static void long_reply(char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; n < 1000; i++) {
		const char *piece = (i % 250 == 0)    ? "😀"
				    : (i % 100 == 50) ? "é"
						      : "a";
		size_t used = strlen(out);

		assert_true(used + strlen(piece) < len);
		snprintf(out + used, len - used, "%s", piece);
		n++;
	}
}

/* A shortlist with hostile replies in every criterion. */
static struct sm_shortlist *hostile_list(void)
{
	struct sm_shortlist *sl = new_list();
	static const char *const raws[] = {
		"a;b \"c\"\r\nd",
		"=HYPERLINK(\"http://evil.example\";\"clic\")",
		"+33 6 12",
		"-1+1",
		"@SUM(A1:A9)",
		"<script>alert('x')</script>",
	};
	static const char *const crits[] = {
		"consent",   "interest",  "available",
		"transport", "childcare", "prerequisites",
	};
	static const char *const vals[] = {
		"yes", "yes", "yes", "car", "not_needed", "yes",
	};
	struct sm_store_answer a = {0};

	add(sl, 1, "=Zoé", "O'Brien <b>", SM_CONV_COMPLETE, T0 + 60, "");
	for (size_t i = 0; i < 6; i++) {
		a.conversation_id = 1001;
		snprintf(a.criterion, sizeof(a.criterion), "%s", crits[i]);
		snprintf(a.value, sizeof(a.value), "%s", vals[i]);
		snprintf(a.raw, sizeof(a.raw), "%s", raws[i]);
		snprintf(a.method, sizeof(a.method), "rules");
		a.confidence = 0.93;
		a.at = T0 + 60 + (int64_t)i;
		assert_int_equal(sm_shortlist_add_answer(sl, &a), 0);
	}
	snprintf(a.criterion, sizeof(a.criterion), "motivation");
	snprintf(a.value, sizeof(a.value), "text");
	long_reply(a.raw, sizeof(a.raw));
	snprintf(a.method, sizeof(a.method), "llm");
	assert_int_equal(sm_shortlist_add_answer(sl, &a), 0);
	assert_int_equal(sm_shortlist_add_message(sl, 1001, T0, false,
						  "Bonjour Zoé ?", "delivered"),
			 0);
	assert_int_equal(
		sm_shortlist_add_message(sl, 1001, T0 + 60, true,
					 "<script>alert('x')</script> 😀", NULL),
		0);
	add(sl, 2, "Léa", "Petit", SM_CONV_DECLINED, T0 + 30,
	    "consent=yes,interest=no");
	sm_shortlist_rank(sl);
	return sl;
}

static void test_csv(void **state)
{
	struct sm_shortlist *sl = hostile_list();
	size_t len, crlf = 0;
	char *csv = render(sm_export_csv, sl, &len);
	const char *head = "\xEF\xBB\xBF\"rang\";\"statut\";\"prénom\";\"nom\";"
			   "\"téléphone\";\"accord\";\"accord (ses mots)\";"
			   "\"intérêt\";\"intérêt (ses mots)\";";

	(void)state;
	assert_memory_equal(csv, head, strlen(head));
	assert_non_null(strstr(csv, "\"motivation (ses mots)\";\"alertes\";"
				    "\"décision\"\r\n"));
	for (size_t i = 0; i + 1 < len; i++)
		if (csv[i] == '\r' && csv[i + 1] == '\n')
			crlf++;
	assert_int_equal(crlf, 3); /* header and two rows */
	assert_memory_equal(csv + len - 2, "\r\n", 2);
	/* ';', '"' and the line break stay inside the quoted cell. */
	assert_non_null(strstr(csv, "\"a;b \"\"c\"\"\nd\""));
	/* Formulas neutralised with a leading apostrophe. */
	assert_non_null(strstr(
		csv,
		"\"'=HYPERLINK(\"\"http://evil.example\"\";\"\"clic\"\")\""));
	assert_non_null(strstr(csv, "\"'+33 6 12\""));
	assert_non_null(strstr(csv, "\"'-1+1\""));
	assert_non_null(strstr(csv, "\"'@SUM(A1:A9)\""));
	assert_non_null(strstr(csv, "\"'=Zoé\";\"O'Brien <b>\""));
	assert_null(strstr(csv, ";\"=")); /* no cell starts with = */
	/* Row 1: rank, status, phone as an advisor writes it. */
	assert_non_null(strstr(csv, "\r\n\"1\";\"compatible\";\"'=Zoé\";"
				    "\"O'Brien <b>\";\"06 00 00 00 01\";"
				    "\"oui\";\"a;b"));
	/* The 1 000-character reply is whole, emoji included. */
	assert_non_null(strstr(csv, "😀aaaa"));
	assert_non_null(
		strstr(csv, "motivation : lu par l'IA (confiance 93 %)"));
	/* Declined is listed, last, with an empty decision. */
	assert_non_null(
		strstr(csv, "\r\n\"2\";\"a décliné\";\"Léa\";\"Petit\""));
	assert_memory_equal(csv + len - 5, ";\"\"\r\n", 5);
	free(csv);
	sm_shortlist_free(sl);
}

static void assert_json_string(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		fail_msg("key %s: not a string", key);
}

static void test_json(void **state)
{
	struct sm_shortlist *sl = hostile_list();
	char *text = render(sm_export_json, sl, NULL);
	json_error_t err;
	json_t *root = json_loads(text, 0, &err), *camp, *cands, *c, *crit;
	json_t *tr, *m;
	const char *key;
	json_t *v;
	static const char *const ckeys[] = {
		"rank",	 "status",   "first_name", "last_name",
		"phone", "criteria", "flags",	   "transcript",
	};

	(void)state;
	if (!root)
		fail_msg("invalid JSON: %s line %d", err.text, err.line);
	assert_int_equal(json_object_size(root), 2);
	camp = json_object_get(root, "campaign");
	assert_true(json_is_object(camp));
	assert_int_equal(json_integer_value(json_object_get(camp, "id")), 7);
	assert_json_string(camp, "name");
	assert_json_string(camp, "trade");
	assert_string_equal(
		json_string_value(json_object_get(camp, "start_date")),
		"2026-03-16");
	assert_json_string(camp, "end_date");
	assert_json_string(camp, "place");
	assert_true(json_is_integer(json_object_get(camp, "seats")));
	v = json_object_get(camp, "prerequisites");
	assert_true(json_is_array(v));
	assert_int_equal(json_array_size(v), 2);
	assert_string_equal(json_string_value(json_array_get(v, 1)),
			    "Permis B");

	cands = json_object_get(root, "candidates");
	assert_true(json_is_array(cands));
	assert_int_equal(json_array_size(cands), 2);
	c = json_array_get(cands, 0);
	assert_int_equal(json_object_size(c), 8);
	for (size_t i = 0; i < 8; i++)
		assert_non_null(json_object_get(c, ckeys[i]));
	assert_int_equal(json_integer_value(json_object_get(c, "rank")), 1);
	assert_string_equal(json_string_value(json_object_get(c, "status")),
			    "compatible");
	assert_string_equal(json_string_value(json_object_get(c, "first_name")),
			    "=Zoé");
	assert_string_equal(json_string_value(json_object_get(c, "phone")),
			    "+33600000001");
	crit = json_object_get(c, "criteria");
	assert_int_equal(json_object_size(crit), 7);
	json_object_foreach(crit, key, v)
	{
		assert_int_equal(json_object_size(v), 4);
		assert_json_string(v, "value");
		assert_json_string(v, "raw");
		assert_true(json_is_real(json_object_get(v, "confidence")));
		assert_json_string(v, "method");
	}
	v = json_object_get(crit, "consent");
	assert_string_equal(json_string_value(json_object_get(v, "raw")),
			    "a;b \"c\"\r\nd");
	v = json_object_get(crit, "motivation");
	assert_int_equal(json_string_length(json_object_get(v, "raw")), 1020);
	assert_string_equal(json_string_value(json_object_get(v, "method")),
			    "llm");
	v = json_object_get(c, "flags");
	assert_true(json_is_array(v));
	assert_int_equal(json_array_size(v), 1);
	assert_string_equal(json_string_value(json_array_get(v, 0)),
			    "llm:motivation");
	tr = json_object_get(c, "transcript");
	assert_int_equal(json_array_size(tr), 2);
	m = json_array_get(tr, 0);
	assert_int_equal(json_object_size(m), 3);
	assert_string_equal(json_string_value(json_object_get(m, "at")),
			    "2026-03-02T10:00:00+01:00");
	assert_string_equal(json_string_value(json_object_get(m, "direction")),
			    "out");
	m = json_array_get(tr, 1);
	assert_string_equal(json_string_value(json_object_get(m, "direction")),
			    "in");
	assert_string_equal(json_string_value(json_object_get(m, "text")),
			    "<script>alert('x')</script> 😀");
	c = json_array_get(cands, 1);
	assert_string_equal(json_string_value(json_object_get(c, "status")),
			    "declined");
	assert_int_equal(json_array_size(json_object_get(c, "transcript")), 0);
	assert_int_equal(json_object_size(json_object_get(c, "criteria")), 2);
	json_decref(root);
	free(text);
	sm_shortlist_free(sl);
}

static void test_html(void **state)
{
	struct sm_shortlist *sl = hostile_list();
	char *html = render(sm_export_html, sl, NULL);

	(void)state;
	assert_memory_equal(html, "<!DOCTYPE html>", 15);
	assert_non_null(strstr(html, "<meta charset=\"utf-8\">"));
	/* No script, no external resource. */
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "href="));
	assert_null(strstr(html, "<link"));
	assert_null(strstr(html, "<b>soignant"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(&#39;x&#39;)"
				     "&lt;/script&gt;"));
	assert_non_null(strstr(html, "Aide &lt;b&gt;soignant&lt;/b&gt; &amp; "
				     "Metz"));
	assert_non_null(strstr(html, "O&#39;Brien &lt;b&gt;"));
	assert_non_null(strstr(html, "a;b &quot;c&quot;\nd"));
	/* The funnel, as counts. */
	assert_non_null(strstr(html, "Entonnoir"));
	assert_non_null(strstr(html, "<div><b>2</b>candidats</div>"));
	assert_non_null(strstr(html, "<div><b>1</b>SMS reçus</div>"));
	assert_non_null(strstr(html, "<div><b>1</b>retenus</div>"));
	/* Print styles, decision column, transcripts on their own page. */
	assert_non_null(strstr(html, "@page{size:A4 landscape"));
	assert_non_null(strstr(html, "<th>Décision</th>"));
	assert_non_null(strstr(html, "<td class=\"dec\"></td>"));
	assert_non_null(strstr(html, "<section class=\"tr\">"));
	assert_non_null(strstr(html, "badge b-warn"));
	assert_non_null(strstr(html, "😀"));
	assert_memory_equal(html + strlen(html) - 8, "</html>\n", 8);
	free(html);
	sm_shortlist_free(sl);
}

/* Run python3 to print the XML parts of @path; returns malloc'd text. */
static char *unzip_xml(const char *path)
{
	char cmd[512], *out = NULL;
	size_t n = 0;
	FILE *p, *o = open_memstream(&out, &n);
	int c;

	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import sys, zipfile\n"
		 "z = zipfile.ZipFile(sys.argv[1])\n"
		 "for name in (\"xl/workbook.xml\", \"xl/sharedStrings.xml\",\n"
		 "             \"xl/worksheets/sheet1.xml\",\n"
		 "             \"xl/worksheets/sheet2.xml\",\n"
		 "             \"xl/worksheets/sheet3.xml\"):\n"
		 "    print(\"== \" + name)\n"
		 "    print(z.read(name).decode())' %s",
		 path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((c = fgetc(p)) != EOF)
		fputc(c, o);
	assert_int_equal(pclose(p), 0);
	fclose(o);
	return out;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_xlsx(void **state)
{
	struct sm_shortlist *sl = hostile_list();
	char path[] = "/tmp/test_shortlist.XXXXXX";
	int fd = mkstemp(path);
	char *xml, *s1, *s2, *s3;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(sm_export_xlsx(sl, path), 0);
	xml = unzip_xml(path);
	unlink(path);
	assert_non_null(strstr(xml, "<sheet name=\"Shortlist\""));
	assert_non_null(strstr(xml, "<sheet name=\"Entonnoir\""));
	assert_non_null(strstr(xml, "<sheet name=\"Transcriptions\""));
	/* Shared strings: the words, escaped by XML, neutralised. */
	assert_non_null(strstr(xml, "<t>'=HYPERLINK(\"http://evil.example"
				    "\";\"clic\")</t>"));
	assert_non_null(strstr(xml, ">'@SUM(A1:A9)</t>"));
	assert_non_null(strstr(xml, ">'=Zoé</t>"));
	assert_non_null(strstr(xml, "&lt;script&gt;alert('x')&lt;/script&gt;"));
	assert_non_null(strstr(xml, "😀aaaa"));
	assert_non_null(strstr(xml, ">décision</t>"));
	s1 = strstr(xml, "== xl/worksheets/sheet1.xml");
	s2 = strstr(xml, "== xl/worksheets/sheet2.xml");
	s3 = strstr(xml, "== xl/worksheets/sheet3.xml");
	assert_non_null(s1);
	assert_non_null(s2);
	assert_non_null(s3);
	*s2 = '\0';
	*s3 = '\0';
	/* Shortlist: header + 2 rows, frozen, filtered, wrapped widths. */
	assert_int_equal(count(s1, "<row "), 3);
	assert_non_null(strstr(s1, "state=\"frozen\""));
	assert_non_null(strstr(s1, "<autoFilter ref=\"A1:"));
	assert_non_null(strstr(s1, "<cols>"));
	assert_non_null(strstr(s1, "<c r=\"A2\" s=\"")); /* rank 1 */
	assert_non_null(strstr(s1, "<v>1</v>"));
	/* Entonnoir: campaign lines, header, 9 steps. */
	assert_int_equal(count(s2 + 1, "<row "), 7 + 1 + 9);
	/* Transcriptions: header + 2 messages. */
	assert_int_equal(count(s3 + 1, "<row "), 3);
	free(xml);

	/* A path that cannot be written: -EIO, nothing left. */
	assert_int_equal(sm_export_xlsx(sl, "/nonexistent/dir/x.xlsx"), -EIO);
	sm_shortlist_free(sl);
}

/* ---- from the store */

static void test_build_from_store(void **state)
{
	char path[] = "/tmp/test_shortlist_db.XXXXXX";
	int fd = mkstemp(path);
	struct sm_store *st = NULL;
	struct sm_shortlist *sl = NULL;
	char err[256], wal[300];
	int64_t id = 0;
	const struct sm_sl_row *r;
	int motivation;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	assert_int_equal(sm_store_open(path, &st, err, sizeof(err)), 0);
	assert_int_equal(sl_fixture_populate(st, &id), 0);
	assert_int_equal(sm_shortlist_build(st, id + 1, &sl), -ENOENT);
	assert_null(sl);
	assert_int_equal(sm_shortlist_build(st, id, &sl), 0);
	assert_non_null(sl);
	assert_string_equal(sl->campaign.name, "Aide-soignant Metz mars");
	for (size_t i = 0; sl_fixture_ranked[i]; i++) {
		assert_true(i < sl->nrows);
		assert_string_equal(sl->rows[i].cand.last_name,
				    sl_fixture_ranked[i]);
	}
	assert_int_equal(sl->nrows, 11);
	assert_int_equal(sl->rows[0].status, SM_SL_COMPATIBLE);
	assert_int_equal(sl->rows[3].status, SM_SL_CONDITIONAL);
	assert_int_equal(sl->rows[6].status, SM_SL_NOT_CONTACTED);
	assert_int_equal(sl->rows[7].status, SM_SL_DECLINED);
	assert_int_equal(sl->rows[8].status, SM_SL_OPTED_OUT);
	assert_int_equal(sl->rows[9].status, SM_SL_UNREACHABLE);
	assert_int_equal(sl->rows[10].status, SM_SL_NO_ANSWER);
	/* The funnel: the store's counts, shortlisted from the ranking. */
	assert_int_equal(sl->funnel.candidates, 11);
	assert_int_equal(sl->funnel.invited, 10);
	assert_int_equal(sl->funnel.delivered, 2);
	assert_int_equal(sl->funnel.consented, 7);
	assert_int_equal(sl->funnel.answered, 8);
	assert_int_equal(sl->funnel.complete, 4);
	assert_int_equal(sl->funnel.shortlisted, 5);
	assert_int_equal(sl->funnel.opted_out, 1);
	assert_int_equal(sl->funnel.unreachable, 1);
	/* Haddad: callback, the long reply whole, transcript in order. */
	r = &sl->rows[2];
	motivation = sm_shortlist_criterion_index(sl, "motivation");
	assert_int_equal(strlen(r->answers[motivation].raw), 1010);
	assert_int_equal(r->flags[0].kind, SM_SL_FLAG_CALLBACK);
	assert_int_equal(r->nmsgs, 1 + 7);
	assert_false(r->msgs[0].inbound);
	assert_true(r->msgs[1].inbound);
	assert_string_equal(r->msgs[1].text, "oui");
	/* Moreau's hostile reply is in the transcript as typed. */
	r = &sl->rows[5];
	assert_string_equal(r->cand.last_name, "Moreau");
	assert_string_equal(r->msgs[2].text,
			    "<script>alert('x')</script> oui & <b>merci</b>");
	sm_shortlist_free(sl);
	sm_store_close(st);
	unlink(path);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", path);
	unlink(wal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rank_table),
		cmocka_unit_test(test_rank_order),
		cmocka_unit_test(test_add_rules),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_xlsx),
		cmocka_unit_test(test_build_from_store),
	};

	setenv("TZ", "Europe/Paris", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
