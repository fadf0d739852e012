/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_modemsim_script.c - the simulator's scripted-candidates parser:
 * fields, quoting, delays, matching order, and errors that name the file
 * and the line.  The unit build links only the library, so the simulator
 * source is compiled into this test directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../modemsim/script.c"

static void test_rules_and_matching(void **state)
{
	const char *text =
		"# comment\n"
		"\n"
		"+33612345601    2s      \"Bonjour.*STOP\"   \"oui ok\"\n"
		"+33612345601  90s \"disponible\" \"oui \\\"dispo\\\" "
		"\\\\o/\"\n"
		"*   5s  \"rappel\"  \"dsl j'avais pas vu\"   # trailing\n"
		"*\t250ms\tdispo\tnon\r\n"
		"+33612345602 1m \"^$\" vide\n";
	struct sim_script *s = NULL;
	const char *reply;
	uint64_t delay;
	char err[256];

	assert_int_equal(
		sim_script_parse("t.script", text, &s, err, sizeof(err)), 0);
	assert_int_equal(sim_script_count(s), 5);
	assert_true(sim_script_match(s, "+33612345601",
				     "bonjour Marie ... stop au 36", &reply,
				     &delay));
	assert_string_equal(reply, "oui ok");
	assert_int_equal(delay, 2000);
	/* specific number first, even when a * rule comes first in file */
	assert_true(sim_script_match(s, "+33612345601", "Êtes-vous disponible",
				     &reply, &delay));
	assert_string_equal(reply, "oui \"dispo\" \\o/");
	assert_int_equal(delay, 90000);
	/* another number: * rules in file order */
	assert_true(sim_script_match(s, "+33699999999", "petit RAPPEL dispo",
				     &reply, &delay));
	assert_string_equal(reply, "dsl j'avais pas vu");
	assert_int_equal(delay, 5000);
	assert_true(
		sim_script_match(s, "+33699999999", "dispo ?", &reply, &delay));
	assert_string_equal(reply, "non");
	assert_int_equal(delay, 250);
	assert_true(sim_script_match(s, "+33612345602", "", &reply, &delay));
	assert_int_equal(delay, 60000);
	assert_false(
		sim_script_match(s, "+33699999999", "rien", &reply, &delay));
	sim_script_free(s);
	assert_false(sim_script_match(NULL, "+336", "x", &reply, &delay));
}

static const struct {
	const char *text;   /* file content */
	const char *prefix; /* expected start of the error */
} bad[] = {
	{"+336 2s \"a\"\n", "b.script:1: expected 4 fields"},
	{"# ok\n\n+336 2 \"a\" \"b\"\n", "b.script:3: bad delay"},
	{"+336 2h \"a\" \"b\"\n", "b.script:1: bad delay"},
	{"33a 2s \"a\" \"b\"\n", "b.script:1: bad number"},
	{"+336 2s \"(\" \"b\"\n", "b.script:1: bad pattern"},
	{"+336 2s \"a\" \"b\n", "b.script:1: unterminated quoted field"},
	{"+336 2s \"a\" \"b\" c\n", "b.script:1: more than 4 fields"},
	{"+336 2s \"a\\n\" \"b\"\n", "b.script:1: only"},
	{"+336 2s \"a\"x \"b\"\n", "b.script:1: text after a closing quote"},
	{"+336 2s \"a\" \"\"\n", "b.script:1: empty reply"},
};

static void test_errors_name_file_and_line(void **state)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sim_script *s = NULL;
		char err[256] = "";

		assert_int_equal(sim_script_parse("b.script", bad[i].text, &s,
						  err, sizeof(err)),
				 -EINVAL);
		assert_null(s);
		if (strncmp(err, bad[i].prefix, strlen(bad[i].prefix)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s...\"", i, err,
				 bad[i].prefix);
	}
}

static void test_load_file(void **state)
{
	const char *srcdir = getenv("SRCDIR");
	char path[1024], err[256];
	struct sim_script *s = NULL;

	snprintf(path, sizeof(path),
		 "%s/tests/modemsim/examples/"
		 "candidates.script",
		 srcdir ? srcdir : ".");
	assert_int_equal(sim_script_load(path, &s, err, sizeof(err)), 0);
	assert_true(sim_script_count(s) >= 5);
	sim_script_free(s);
	assert_int_equal(
		sim_script_load("/nonexistent/x.script", &s, err, sizeof(err)),
		-ENOENT);
	assert_non_null(strstr(err, "/nonexistent/x.script"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_and_matching),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_load_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
