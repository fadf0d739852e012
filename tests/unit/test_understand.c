/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_understand.c - rule-based understanding of French SMS replies: the
 * labelled corpus tests/data/replies.tsv (accuracy per kind, overall and
 * on the held-out rows, never a clear yes read as no or the reverse), the
 * tricky families as tables, confidence levels, limits and bad input.
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

#include <cmocka.h>

#include "smsmatch/understand.h"

#define TODAY "2026-03-04" /* the corpus reference date, a Wednesday */

static const struct sm_choice transport_choices[] = {
	{"car", {NULL}},       {"public", {NULL}},	{"carpool", {NULL}},
	{"walk_bike", {NULL}}, {"help_needed", {NULL}},
};
static const struct sm_choice childcare_choices[] = {
	{"not_needed", {NULL}},
	{"solved", {NULL}},
	{"help_needed", {NULL}},
};
static const struct sm_choice available_choices[] = {
	{"yes", {NULL}},
	{"no", {NULL}},
	{"partial", {NULL}},
};

/* The question a corpus row answers. */
static int question_for(const char *kind, const char *criterion,
			struct sm_question *q)
{
	memset(q, 0, sizeof(*q));
	q->criterion = criterion;
	q->today = TODAY;
	if (strcmp(kind, "yesno") == 0) {
		q->kind = SM_ANSWER_YESNO;
		q->allow_maybe = strcmp(criterion, "interest") == 0;
	} else if (strcmp(kind, "choice") == 0) {
		q->kind = SM_ANSWER_CHOICE;
		if (strcmp(criterion, "transport") == 0) {
			q->choices = transport_choices;
			q->nchoices = 5;
		} else if (strcmp(criterion, "childcare") == 0) {
			q->choices = childcare_choices;
			q->nchoices = 3;
		} else if (strcmp(criterion, "available") == 0) {
			q->choices = available_choices;
			q->nchoices = 3;
		} else {
			return -1;
		}
	} else if (strcmp(kind, "number") == 0) {
		q->kind = SM_ANSWER_NUMBER;
	} else if (strcmp(kind, "date") == 0) {
		q->kind = SM_ANSWER_DATE;
	} else if (strcmp(kind, "text") == 0) {
		q->kind = SM_ANSWER_TEXT;
	} else {
		return -1;
	}
	return 0;
}

/* What the script would act on: the value, or "?" (re-ask). */
static const char *reading(const struct sm_understanding *u,
			   enum sm_answer_kind kind)
{
	if (!u->understood || u->answer.confidence < SM_UNDERSTAND_THRESHOLD)
		return "?";
	return kind == SM_ANSWER_TEXT ? "text" : u->answer.value;
}

static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*o++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* Split @line at tabs into @f (at most @n fields); returns the count. */
static size_t split_tabs(char *line, char **f, size_t n)
{
	size_t k = 0;

	f[k++] = line;
	for (char *p = line; *p && k < n; p++)
		if (*p == '\t') {
			*p = '\0';
			f[k++] = p + 1;
		}
	return k;
}

struct tally {
	unsigned ok, total;
};

static void tally_add(struct tally *t, bool ok)
{
	t->ok += ok;
	t->total++;
}

static double pct(const struct tally *t)
{
	return t->total ? 100.0 * t->ok / t->total : 100.0;
}

/* Every expected "also" pair of @also found in @u. */
static void check_also(const char *also, const struct sm_understanding *u,
		       struct tally *t)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", also);
	for (char *p = strtok_r(buf, ",", &save); p;
	     p = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(p, '=');
		bool found = false;

		if (!eq)
			continue;
		*eq = '\0';
		for (size_t i = 0; i < u->nalso; i++)
			found = found ||
				(strcmp(u->also[i].criterion, p) == 0 &&
				 strcmp(u->also[i].value, eq + 1) == 0 &&
				 u->also[i].confidence >=
					 SM_UNDERSTAND_THRESHOLD);
		tally_add(t, found);
		if (!found)
			printf("  also missed: %s=%s\n", p, eq + 1);
	}
}

static void test_corpus(void **state)
{
	static const char *const kinds[] = {"yesno", "choice", "number", "date",
					    "text"};
	const char *src = getenv("SRCDIR");
	char path[512], line[2048];
	struct tally per_kind[5] = {{0}}, all = {0}, held = {0}, dev = {0},
		     also = {0}, yesno_std = {0};
	unsigned inversions = 0, rows = 0, extra_also = 0;
	bool verbose = getenv("UNDERSTAND_VERBOSE") != NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/data/replies.tsv",
		 src ? src : ".");
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *fl[8], reply[1024];
		struct sm_question q;
		struct sm_understanding u;
		const char *got;
		size_t n, k;
		bool ok, is_held;

		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0' ||
		    strncmp(line, "kind\t", 5) == 0)
			continue;
		n = split_tabs(line, fl, 8);
		assert_int_equal(n, 7);
		assert_int_equal(question_for(fl[0], fl[1], &q), 0);
		snprintf(reply, sizeof(reply), "%s", fl[2]);
		unescape(reply);
		assert_int_equal(sm_understand(reply, &q, &u), 0);
		got = reading(&u, q.kind);
		ok = strcmp(got, fl[3]) == 0;
		is_held = strstr(fl[6], "held_out") != NULL;
		for (k = 0; k < 5; k++)
			if (strcmp(fl[0], kinds[k]) == 0)
				tally_add(&per_kind[k], ok);
		tally_add(&all, ok);
		tally_add(is_held ? &held : &dev, ok);
		if (q.kind == SM_ANSWER_YESNO)
			tally_add(&yesno_std, ok);
		/* A clear yes read as no (or the reverse), at any
		 * confidence: the one mistake that drops a candidate. */
		if (strcmp(fl[4], "1") == 0 && u.understood &&
		    ((strcmp(fl[3], "yes") == 0 &&
		      strcmp(u.answer.value, "no") == 0) ||
		     (strcmp(fl[3], "no") == 0 &&
		      strcmp(u.answer.value, "yes") == 0))) {
			printf("INVERSION: %s %s '%s' -> %s (%s)\n", fl[0],
			       fl[1], fl[2], u.answer.value, u.why);
			inversions++;
		}
		if (!ok && (verbose || !is_held))
			printf("miss%s: %s %s '%s' expected %s got %s "
			       "(%.2f, %s)\n",
			       is_held ? " [held out]" : "", fl[0], fl[1],
			       fl[2], fl[3], got, u.answer.confidence, u.why);
		check_also(fl[5], &u, &also);
		extra_also += fl[5][0] == '\0' ? (unsigned)u.nalso : 0;
		rows++;
	}
	fclose(f);

	printf("corpus: %u rows\n", rows);
	for (size_t k = 0; k < 5; k++)
		printf("  %-7s %5.1f %% (%u/%u)\n", kinds[k], pct(&per_kind[k]),
		       per_kind[k].ok, per_kind[k].total);
	printf("  overall %5.1f %% (%u/%u)\n", pct(&all), all.ok, all.total);
	printf("  tuned   %5.1f %% (%u/%u)\n", pct(&dev), dev.ok, dev.total);
	printf("  held out %4.1f %% (%u/%u)\n", pct(&held), held.ok,
	       held.total);
	printf("  also    %5.1f %% (%u/%u) found; %u findings on rows "
	       "expecting none\n",
	       pct(&also), also.ok, also.total, extra_also);
	printf("  inversions on clear yes/no rows: %u\n", inversions);

	assert_true(rows >= 400);
	assert_true(held.total * 100 >= rows * 15);
	assert_int_equal(inversions, 0);
	assert_true(pct(&per_kind[0]) >= 95.0);
	assert_true(pct(&all) >= 90.0);
	assert_true(pct(&also) >= 80.0);
}

/* One reply against one question, for the tables below. */
struct vec {
	const char *text;
	const char *value; /* expected reading, "?" for re-ask */
};

static void run_vecs(const struct sm_question *q, const struct vec *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct sm_understanding u;
		const char *got;

		assert_int_equal(sm_understand(v[i].text, q, &u), 0);
		got = reading(&u, q->kind);
		if (strcmp(got, v[i].value) != 0)
			fail_msg("'%s' (%s): expected %s, got %s (%s)",
				 v[i].text, q->criterion, v[i].value, got,
				 u.why);
	}
}

#define RUN(q, v) run_vecs(q, v, sizeof(v) / sizeof(v[0]))

static void test_spellings(void **state)
{
	static const struct vec v[] = {
		{"ouiiii", "yes"},
		{"OUI", "yes"},
		{"ouai", "yes"},
		{"oué", "yes"},
		{"wi", "yes"},
		{"ui", "yes"},
		{"dac", "yes"},
		{"d'ac", "yes"},
		{"okay", "yes"},
		{"oki", "yes"},
		{"nonnn", "no"},
		{"nn", "no"},
		{"nan", "no"},
		{"non merci", "no"},
		{"Bonjour, oui avec plaisir, merci beaucoup !", "yes"},
		{"slt oui mrc bcp", "yes"},
		{"bjr, nn dsl", "no"},
	};
	struct sm_question q = {.kind = SM_ANSWER_YESNO,
				.criterion = "consent"};

	RUN(&q, v);
}

static void test_negations(void **state)
{
	static const struct vec interest[] = {
		{"pas du tout intéressé", "no"},
		{"non pas vraiment", "no"},
		{"ça m'intéresse pas", "no"},
		{"pourquoi pas", "maybe"},
		{"jsp", "maybe"},
		{"pas de souci", "yes"},
		{"pas de problème", "yes"},
		{"Pas de souci je suis intéressé", "yes"},
		{"je ne dis pas non", "yes"},
	};
	static const struct vec available[] = {
		{"je ne suis pas dispo", "no"},
		{"pas dispo", "no"},
		{"non non c'est bon je suis dispo", "yes"},
		{"jpeux pas", "no"},
	};
	static const struct vec prereq[] = {
		{"j'ai pas de permis", "no"},
		{"g pa le permis", "no"},
		{"j'ai le permis", "yes"},
		{"pas encore", "no"},
	};
	struct sm_question q = {.kind = SM_ANSWER_YESNO,
				.criterion = "interest",
				.allow_maybe = true};

	RUN(&q, interest);
	q.criterion = "available";
	q.allow_maybe = false;
	RUN(&q, available);
	q.criterion = "prerequisites";
	RUN(&q, prereq);
}

static void test_emoji(void **state)
{
	static const struct vec v[] = {
		{"👍", "yes"},	 {"👌", "yes"},	     {"✅", "yes"},
		{"👎", "no"},	 {"❌", "no"},	     {"🤔", "maybe"},
		{"🙂", "yes"}, {"non 🙂", "no"}, {"😡", "?"},
	};
	struct sm_question q = {.kind = SM_ANSWER_YESNO,
				.criterion = "interest",
				.allow_maybe = true};

	RUN(&q, v);
}

static void test_choices(void **state)
{
	static const struct vec transport[] = {
		{"voitrue", "car"},
		{"g pa d voiture", "help_needed"},
		{"je prendrai le bus", "public"},
		{"covoiturage", "carpool"},
		{"mon mari me dépose", "carpool"},
		{"à pied", "walk_bike"},
		{"trottinette", "walk_bike"},
		{"pas de voiture mais le tram", "public"},
		{"non car je suis loin", "?"},
		{"ça marche", "?"},
	};
	static const struct vec childcare[] = {
		{"pas d'enfants", "not_needed"},
		{"ma mère les garde", "solved"},
		{"ma mère ne peut plus les garder", "help_needed"},
		{"oui", "help_needed"},
		{"non", "not_needed"},
		{"la crèche", "solved"},
	};
	static const struct vec available[] = {
		{"oui sauf le mercredi", "partial"},
		{"que le matin", "partial"},
		{"pas le lundi", "partial"},
		{"dispo", "yes"},
		{"pas dispo", "no"},
	};
	struct sm_question q = {.kind = SM_ANSWER_CHOICE,
				.criterion = "transport",
				.choices = transport_choices,
				.nchoices = 5};

	RUN(&q, transport);
	q.criterion = "childcare";
	q.choices = childcare_choices;
	q.nchoices = 3;
	RUN(&q, childcare);
	q.criterion = "available";
	q.choices = available_choices;
	RUN(&q, available);
}

/* A script's own choices: synonyms, numbered answers, negation. */
static void test_custom_choices(void **state)
{
	static const struct sm_choice shift[] = {
		{"morning", {"matin", "le matin", "matinee", NULL}},
		{"evening", {"soir", "apres midi", "aprem", NULL}},
		{"any", {"peu importe", "les deux", "n importe", NULL}},
	};
	static const struct vec v[] = {
		{"Le matin de préférence", "morning"},
		{"plutôt l'après-midi", "evening"},
		{"peu importe", "any"},
		{"2", "evening"},
		{"4", "?"},
		{"pas le matin", "?"},
		{"jsp", "?"},
	};
	struct sm_question q = {.kind = SM_ANSWER_CHOICE,
				.criterion = "shift",
				.choices = shift,
				.nchoices = 3};

	RUN(&q, v);
}

static void test_several_answers(void **state)
{
	static const struct {
		const char *text, *criterion, *value;
		const char *also_c, *also_v;
	} v[] = {
		{"oui mais j'ai pas de voiture", "interest", "yes", "transport",
		 "help_needed"},
		{"dispo oui, je prendrai le bus", "available", "yes",
		 "transport", "public"},
		{"oui j'ai une voiture et ma mère garde les enfants",
		 "interest", "yes", "childcare", "solved"},
		{"oui j'ai une voiture et ma mère garde les enfants",
		 "interest", "yes", "transport", "car"},
		{"intéressée mais pas dispo en avril", "interest", "yes",
		 "available", "no"},
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct sm_question q = {.kind = SM_ANSWER_YESNO,
					.criterion = v[i].criterion,
					.allow_maybe = true};
		struct sm_understanding u;
		bool found = false;

		assert_int_equal(sm_understand(v[i].text, &q, &u), 0);
		assert_true(u.understood);
		assert_string_equal(u.answer.value, v[i].value);
		assert_string_equal(u.answer.criterion, v[i].criterion);
		for (size_t k = 0; k < u.nalso; k++) {
			assert_string_not_equal(u.also[k].criterion,
						v[i].criterion);
			found = found ||
				(strcmp(u.also[k].criterion, v[i].also_c) ==
					 0 &&
				 strcmp(u.also[k].value, v[i].also_v) == 0);
		}
		if (!found)
			fail_msg("'%s': no %s=%s", v[i].text, v[i].also_c,
				 v[i].also_v);
	}
}

static void test_flags_and_confidence(void **state)
{
	struct sm_question q = {.kind = SM_ANSWER_YESNO,
				.criterion = "interest",
				.allow_maybe = true};
	struct sm_understanding u;

	/* Clear: high confidence, no flags. */
	assert_int_equal(sm_understand("Oui très intéressée !", &q, &u), 0);
	assert_true(u.understood);
	assert_true(u.answer.confidence >= 0.8);
	assert_false(u.conditional);
	assert_false(u.question);
	assert_string_equal(u.method, "rules");
	assert_non_null(strstr(u.why, "yes"));

	/* Conditional: flagged, confidence lowered. */
	assert_int_equal(sm_understand("oui si c'est à Metz", &q, &u), 0);
	assert_string_equal(u.answer.value, "yes");
	assert_true(u.conditional);
	assert_true(u.answer.confidence < 0.8);
	assert_int_equal(sm_understand("ça dépend des horaires", &q, &u), 0);
	assert_true(u.conditional);
	assert_true(u.answer.confidence < 0.8);

	/* Questions. */
	assert_int_equal(sm_understand("c'est payé ?", &q, &u), 0);
	assert_true(u.question);
	assert_false(u.understood && u.answer.confidence >= 0.6);
	assert_int_equal(sm_understand("C'est où exactement", &q, &u), 0);
	assert_true(u.question);
	assert_int_equal(sm_understand("Oui mais c'est payé ?", &q, &u), 0);
	assert_true(u.question);
	assert_string_equal(u.answer.value, "yes");
	assert_true(u.answer.confidence >= 0.8);

	/* Ambiguous: below the threshold. */
	assert_int_equal(sm_understand("oui non je sais pas", &q, &u), 0);
	assert_false(u.understood && u.answer.confidence >= 0.6);
	q.criterion = "consent";
	q.allow_maybe = false;
	assert_int_equal(sm_understand("jsp", &q, &u), 0);
	assert_false(u.understood);
	assert_true(u.answer.confidence < 0.6);
	/* A trap: a no particle, then a clear yes: kept, hedged. */
	q.criterion = "available";
	assert_int_equal(
		sm_understand("non non c'est bon je suis dispo", &q, &u), 0);
	assert_string_equal(u.answer.value, "yes");
	assert_true(u.answer.confidence >= 0.6 && u.answer.confidence < 0.8);
}

static void test_numbers(void **state)
{
	static const struct vec v[] = {
		{"2", "2"},
		{"deux", "2"},
		{"vingt et un", "21"},
		{"dix-sept", "17"},
		{"soixante-dix", "70"},
		{"soixante et onze", "71"},
		{"quatre-vingt-dix-neuf", "99"},
		{"quatre vingts", "80"},
		{"deux cents", "200"},
		{"mille deux cents", "1200"},
		{"j'ai 3 enfants", "3"},
		{"aucun", "0"},
		{"3 ou 4", "?"},
		{"entre 2 et 5", "?"},
		{"2,5", "?"},
		{"jsp", "?"},
		{"", "?"},
		{"12345678901234567890", "?"},
	};
	struct sm_question q = {.kind = SM_ANSWER_NUMBER,
				.criterion = "children"};

	RUN(&q, v);
}

static void test_dates(void **state)
{
	static const struct vec v[] = {
		{"le 12 mars", "2026-03-12"},
		{"12/03", "2026-03-12"},
		{"12/03/2027", "2027-03-12"},
		{"2026-12-01", "2026-12-01"},
		{"lundi prochain", "2026-03-09"},
		{"mercredi", "2026-03-11"},
		{"demain", "2026-03-05"},
		{"le 29 février", "?"},
		{"29/02/2028", "2028-02-29"},
		{"le 1er janvier", "2027-01-01"},
		{"31/12", "2026-12-31"},
		{"début mai", "?"},
		{"99/99", "?"},
		{"12/03 ou 13/03", "?"},
	};
	struct sm_question q = {.kind = SM_ANSWER_DATE,
				.criterion = "start_date",
				.today = TODAY};
	struct sm_understanding u;

	RUN(&q, v);
	/* Without a reference date only full dates are read. */
	q.today = NULL;
	assert_int_equal(sm_understand("demain", &q, &u), 0);
	assert_false(u.understood);
	assert_int_equal(sm_understand("le 12 mars", &q, &u), 0);
	assert_false(u.understood);
	assert_int_equal(sm_understand("12/03/2026", &q, &u), 0);
	assert_string_equal(u.answer.value, "2026-03-12");
	q.today = "2026-13-45";
	assert_int_equal(sm_understand("demain", &q, &u), 0);
	assert_false(u.understood);
}

static void test_text(void **state)
{
	struct sm_question q = {.kind = SM_ANSWER_TEXT,
				.criterion = "motivation"};
	struct sm_understanding u;
	char longtext[600];

	assert_int_equal(
		sm_understand("  J'aime aider les gens au quotidien \n", &q,
			      &u),
		0);
	assert_true(u.understood);
	assert_string_equal(u.answer.value,
			    "J'aime aider les gens au quotidien");
	/* A long answer is cut at a character boundary. */
	memset(longtext, 0, sizeof(longtext));
	for (size_t i = 0; i + 16 < sizeof(longtext); i += 15)
		memcpy(longtext + i, "métier été où ", 15);
	assert_int_equal(sm_understand(longtext, &q, &u), 0);
	assert_true(u.understood);
	assert_true(strlen(u.answer.value) < SM_VALUE_MAX);
	assert_true(strlen(u.answer.value) >= SM_VALUE_MAX - 4);
	for (const char *p = u.answer.value; *p; p++)
		if ((unsigned char)*p >= 0x80 && !p[1])
			assert_true(((unsigned char)*p & 0xC0) != 0xC0);
	assert_int_equal(sm_understand("oui", &q, &u), 0);
	assert_false(u.understood);
}

static void test_bad_input(void **state)
{
	struct sm_question q = {.kind = SM_ANSWER_YESNO,
				.criterion = "interest"};
	struct sm_choice none[1] = {{NULL, {NULL}}};
	struct sm_understanding u;
	char big[5000], bin[256];

	assert_int_equal(sm_understand(NULL, &q, &u), -EINVAL);
	assert_int_equal(sm_understand("oui", NULL, &u), -EINVAL);
	assert_int_equal(sm_understand("oui", &q, NULL), -EINVAL);
	q.criterion = NULL;
	assert_int_equal(sm_understand("oui", &q, &u), -EINVAL);
	q.criterion = "a criterion name far too long for its field";
	assert_int_equal(sm_understand("oui", &q, &u), -EINVAL);
	q.criterion = "transport";
	q.kind = SM_ANSWER_CHOICE;
	assert_int_equal(sm_understand("oui", &q, &u), -EINVAL);
	q.choices = none;
	q.nchoices = 1;
	assert_int_equal(sm_understand("oui", &q, &u), -EINVAL);
	q.nchoices = SM_CHOICES_MAX + 1;
	assert_int_equal(sm_understand("oui", &q, &u), -EINVAL);
	q.kind = (enum sm_answer_kind)42;
	assert_int_equal(sm_understand("oui", &q, &u), -EINVAL);

	q.kind = SM_ANSWER_YESNO;
	q.criterion = "interest";
	/* Empty, emoji only, binary, huge: bounded, terminated. */
	assert_int_equal(sm_understand("", &q, &u), 0);
	assert_false(u.understood);
	assert_true(u.answer.confidence == 0.0);
	assert_int_equal(sm_understand("🎉🎉🎉", &q, &u), 0);
	assert_false(u.understood);
	for (size_t i = 0; i < sizeof(bin) - 1; i++)
		bin[i] = (char)(i + 1);
	bin[sizeof(bin) - 1] = '\0';
	assert_int_equal(sm_understand(bin, &q, &u), 0);
	assert_non_null(memchr(u.why, '\0', sizeof(u.why)));
	assert_int_equal(sm_understand("\xff\xfe\xc3oui\xe2\x82", &q, &u), 0);
	assert_string_equal(u.answer.value, "yes");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(sm_understand(big, &q, &u), 0);
	for (size_t i = 0; i + 5 < sizeof(big); i += 5)
		memcpy(big + i, "oui ", 4), big[i + 4] = 'x';
	assert_int_equal(sm_understand(big, &q, &u), 0);
	assert_true(u.nalso <= SM_ALSO_MAX);
	for (size_t i = 0; i + 4 < sizeof(big); i += 4)
		memcpy(big + i, "non ", 4);
	assert_int_equal(sm_understand(big, &q, &u), 0);
	assert_string_equal(u.answer.value, "no");
}

static void test_lists(void **state)
{
	const char *const *c = sm_understand_criteria();
	size_t n = 0;

	for (; c[n]; n++)
		if (strcmp(c[n], "motivation") != 0)
			assert_non_null(sm_understand_values(c[n]));
	assert_int_equal(n, 7);
	assert_string_equal(sm_understand_values("transport")[4],
			    "help_needed");
	assert_string_equal(sm_understand_values("interest")[2], "maybe");
	assert_null(sm_understand_values("motivation"));
	assert_null(sm_understand_values("shoe_size"));
	assert_null(sm_understand_values(NULL));
}

/* Figures only, never asserted: the time per reply over the corpus. */
static void test_speed(void **state)
{
	static const char *const texts[] = {
		"Bonjour, oui avec plaisir, merci beaucoup !",
		"oui mais j'ai pas de voiture",
		"non non c'est bon je suis dispo",
		"Je n'ai aucun moyen de transport, c'est possible d'avoir une "
		"aide ?",
		"le 12 mars",
	};
	struct sm_question q = {.kind = SM_ANSWER_YESNO,
				.criterion = "interest",
				.allow_maybe = true,
				.today = TODAY};
	struct sm_understanding u;
	struct timespec a, b;
	char big[1200];
	const int rounds = 2000;
	double us;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < rounds; i++)
		sm_understand(texts[i % 5], &q, &u);
	clock_gettime(CLOCK_MONOTONIC, &b);
	us = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3 /
	     rounds;
	printf("speed: %.1f us per typical reply\n", us);
	for (size_t i = 0; i + 12 < sizeof(big); i += 12)
		memcpy(big + i, "pas dispo ok", 12);
	big[sizeof(big) - 1] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < rounds / 10; i++)
		sm_understand(big, &q, &u);
	clock_gettime(CLOCK_MONOTONIC, &b);
	us = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3 /
	     (rounds / 10);
	printf("speed: %.1f us per 1000-byte reply\n", us);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_spellings),
		cmocka_unit_test(test_negations),
		cmocka_unit_test(test_emoji),
		cmocka_unit_test(test_choices),
		cmocka_unit_test(test_custom_choices),
		cmocka_unit_test(test_several_answers),
		cmocka_unit_test(test_flags_and_confidence),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_speed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
