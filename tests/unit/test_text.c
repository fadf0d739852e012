/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_text.c - UTF-8 validation, folding, STOP and AIDE keywords. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_keywords),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
