/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_utf8.c - UTF-8 decode/encode round trips and rejects; hex digits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "smsmatch/utf8.h"

static void test_decode(void **state)
{
	static const struct {
		const char *s;
		size_t len, n;
		uint32_t cp;
	} v[] = {
		{"A", 1, 1, 'A'},
		{"\xc3\xa9", 2, 2, 0xE9},
		{"\xe2\x82\xac", 3, 3, 0x20AC},
		{"\xf0\x9f\x91\x8d", 4, 4, 0x1F44D},
		{"\xc3\xa9", 1, 0, 0},		/* truncated by len */
		{"\xc3", 1, 0, 0},		/* truncated by NUL */
		{"\xe2\x82", 8, 0, 0},		/* NUL inside: stops there */
		{"\xc0\x80", 2, 0, 0},		/* overlong NUL */
		{"\xed\xa0\x80", 3, 0, 0},	/* surrogate */
		{"\xf4\x90\x80\x80", 4, 0, 0},	/* above U+10FFFF */
		{"\x80", 1, 0, 0},		/* lone continuation */
		{"", 1, 0, 0},			/* NUL */
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint32_t cp = 0;

		assert_int_equal(sm_utf8_decode(v[i].s, v[i].len, &cp),
				 v[i].n);
		if (v[i].n)
			assert_int_equal(cp, v[i].cp);
	}
}

static void test_roundtrip(void **state)
{
	static const uint32_t cps[] = {0x01, 0x7F, 0x80, 0x7FF, 0x800,
				       0xD7FF, 0xE000, 0xFFFF, 0x10000,
				       0x10FFFF};

	for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
		char buf[4];
		uint32_t back;
		size_t n = sm_utf8_encode(cps[i], buf);

		assert_int_equal(sm_utf8_decode(buf, n, &back), n);
		assert_int_equal(back, cps[i]);
	}
}

static void test_hex(void **state)
{
	assert_int_equal(sm_hex_digit('0'), 0);
	assert_int_equal(sm_hex_digit('9'), 9);
	assert_int_equal(sm_hex_digit('a'), 10);
	assert_int_equal(sm_hex_digit('F'), 15);
	assert_int_equal(sm_hex_digit('g'), -1);
	assert_int_equal(sm_hex_digit('\0'), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
