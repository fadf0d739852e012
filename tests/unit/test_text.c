/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_text.c - UTF-8 validation, folding, STOP and AIDE keywords. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "smsmatch/text.h"

static void test_utf8(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		bool ok;
	} v[] = {
		{"abc", 3, true},
		{"\xc3\xa9t\xc3\xa9", 5, true},		/* été */
		{"\xf0\x9f\x91\x8d", 4, true},		/* 👍 */
		{"\xc3", 1, false},			/* truncated */
		{"\xc0\xaf", 2, false},			/* overlong / */
		{"\xed\xa0\x80", 3, false},		/* lone surrogate */
		{"\xf4\x90\x80\x80", 4, false},		/* > U+10FFFF */
		{"a\0b", 3, false},			/* NUL */
		{"\xff", 1, false},
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(sm_text_utf8_valid(v[i].s, v[i].len), v[i].ok);
}

static void test_fold(void **state)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{"Été à Metz", "ete a metz"},
		{"  OUAIS!!! ", "ouais"},
		{"J’ai pas d’voiture", "j ai pas d voiture"},
		{"Œuvre ÇA «oui»", "oeuvre ca oui"},
		{"ok 👍👍 merci", "ok merci"},
		{"\xff\xfeoui", "oui"},
		{"", ""},
		{"...", ""},
		{"Noël 2026", "noel 2026"},
	};
	char out[64];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sm_text_fold(v[i].in, out, sizeof(out));
		assert_string_equal(out, v[i].out);
	}
	/* Bounded: cut, terminated. */
	assert_int_equal(sm_text_fold("abcdefgh", out, 4), 3);
	assert_string_equal(out, "abc");
	assert_int_equal(sm_text_fold("œœ", out, 4), 2);
	assert_string_equal(out, "oe");
}

static void test_keywords(void **state)
{
	static const struct {
		const char *text;
		enum sm_keyword k;
	} v[] = {
		{"STOP", SM_KEYWORD_STOP},
		{"stop", SM_KEYWORD_STOP},
		{"Stop.", SM_KEYWORD_STOP},
		{"« STOP SMS »", SM_KEYWORD_STOP},
		{"STOP SMS", SM_KEYWORD_STOP},
		{"ARRET", SM_KEYWORD_STOP},
		{"arrêt", SM_KEYWORD_STOP},
		{"Arrêtez svp", SM_KEYWORD_STOP},
		{"stop merci", SM_KEYWORD_STOP},
		{"Stop, ne m'écrivez plus", SM_KEYWORD_STOP},
		{" stopp ", SM_KEYWORD_STOP},
		{"désinscription", SM_KEYWORD_STOP},
		{"AIDE", SM_KEYWORD_HELP},
		{"help", SM_KEYWORD_HELP},
		{"?", SM_KEYWORD_HELP},
		{"oui", SM_KEYWORD_NONE},
		{"arrêt de bus à côté", SM_KEYWORD_NONE},
		{"je ne veux pas que ça s'arrête", SM_KEYWORD_NONE},
		{"non stop", SM_KEYWORD_NONE},
		{"stopper", SM_KEYWORD_NONE},
		{"aide moi a comprendre", SM_KEYWORD_NONE},
		{"c'est payé ?", SM_KEYWORD_NONE},
		{"", SM_KEYWORD_NONE},
		{"👍", SM_KEYWORD_NONE},
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (sm_text_keyword(v[i].text) != v[i].k)
			fail_msg("'%s': got %d want %d", v[i].text,
				 sm_text_keyword(v[i].text), v[i].k);
	assert_int_equal(sm_text_keyword(NULL), SM_KEYWORD_NONE);
}

/* Dates in French, every day and month name, 1er, leap years, ranges. */
static void test_date_fr(void **state)
{
	static const struct {
		const char *iso;
		const char *fr; /* NULL: refused */
	} cases[] = {
		{"2027-03-15", "lundi 15 mars"},
		{"2027-04-09", "vendredi 9 avril"},
		{"2027-03-01", "lundi 1er mars"},
		{"2026-12-01", "mardi 1er décembre"},
		{"2027-01-06", "mercredi 6 janvier"},
		{"2027-02-11", "jeudi 11 février"},
		{"2027-05-22", "samedi 22 mai"},
		{"2027-06-13", "dimanche 13 juin"},
		{"2027-07-14", "mercredi 14 juillet"},
		{"2027-08-16", "lundi 16 août"},
		{"2027-09-30", "jeudi 30 septembre"},
		{"2027-10-31", "dimanche 31 octobre"},
		{"2027-11-11", "jeudi 11 novembre"},
		{"2028-02-29", "mardi 29 février"},
		{"2000-02-29", "mardi 29 février"},
		{"2000-01-01", "samedi 1er janvier"},
		{"1900-02-29", NULL},
		{"2027-02-29", NULL},
		{"2027-04-31", NULL},
		{"2027-13-01", NULL},
		{"2027-00-10", NULL},
		{"2027-3-15", NULL},
		{"2027-03-15T", NULL},
		{"", NULL},
		{"hier", NULL},
	};
	char out[32], a[32], b[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = sm_text_date_fr(cases[i].iso, false, out, sizeof(out));

		if (cases[i].fr) {
			assert_int_equal(rc, 0);
			assert_string_equal(out, cases[i].fr);
		} else {
			assert_int_equal(rc, -EINVAL);
			assert_string_equal(out, cases[i].iso);
		}
	}
	assert_int_equal(sm_text_date_fr("2027-09-29", true, out, sizeof(out)),
			 0);
	assert_string_equal(out, "mercredi 29 septembre 2027");
	/* Cut, never overrun. */
	assert_int_equal(sm_text_date_fr("2027-03-15", true, out, 6), 0);
	assert_string_equal(out, "lundi");
	/* Ranges: the year once when both are in the same one. */
	assert_int_equal(sm_text_date_range_fr("2027-03-15", "2027-04-09", a,
					       b, sizeof(a)),
			 0);
	assert_string_equal(a, "lundi 15 mars");
	assert_string_equal(b, "vendredi 9 avril 2027");
	assert_int_equal(sm_text_date_range_fr("2026-12-14", "2027-01-29", a,
					       b, sizeof(a)),
			 0);
	assert_string_equal(a, "lundi 14 décembre 2026");
	assert_string_equal(b, "vendredi 29 janvier 2027");
	assert_int_equal(sm_text_date_range_fr("2027-03-15", "bientôt", a, b,
					       sizeof(a)),
			 -EINVAL);
	assert_string_equal(a, "lundi 15 mars 2027");
	assert_string_equal(b, "bientôt");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_keywords),
		cmocka_unit_test(test_date_fr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
