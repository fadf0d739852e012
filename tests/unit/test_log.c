/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_log.c - phone-number masking, level parsing, level filtering. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "smsmatch/log.h"

static void test_mask(void **state)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{"+33612345678", "+*********78"},
		{"0612345678", "********78"},
		{"06 12 34 56 78", "********78"},
		{"12", "12"},
		{"Megafon", "Megafon"},
		{"", ""},
		{"+33 6 1x", "+33 6 1x"},
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_string_equal(sm_log_mask_number(v[i].in, buf,
						       sizeof(buf)),
				    v[i].out);
	/* Bounded: a small buffer is cut, never overflowed. */
	assert_string_equal(sm_log_mask_number("+33612345678", buf, 5),
			    "+***");
	assert_string_equal(sm_log_mask_number(NULL, buf, sizeof(buf)), "");
}

static void test_levels(void **state)
{
	enum sm_log_level l;

	assert_int_equal(sm_log_level_parse("debug", &l), 0);
	assert_int_equal(l, SM_LOG_DEBUG);
	assert_int_equal(sm_log_level_parse("WARNING", &l), 0);
	assert_int_equal(l, SM_LOG_WARN);
	assert_int_equal(sm_log_level_parse("loud", &l), -EINVAL);
}

static void test_filter(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct sm_log log = {SM_LOG_INFO, false, f, "t"};

	sm_logf(&log, SM_LOG_DEBUG, "hidden %d", 1);
	sm_logf(&log, SM_LOG_WARN, "shown %d", 2);
	fclose(f);
	assert_string_equal(text, "t: warning: shown 2\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
