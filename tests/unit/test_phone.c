/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_phone.c - E.164 normalisation, table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "smsmatch/phone.h"

static const struct {
	const char *in;		 /* as written in an export */
	enum sm_phone_kind kind; /* expected kind */
	const char *out;	 /* expected E.164, "" if invalid */
} vectors[] = {
	{"06 12 34 56 78", SM_PHONE_MOBILE, "+33612345678"},
	{"06.12.34.56.78", SM_PHONE_MOBILE, "+33612345678"},
	{"06-12-34-56-78", SM_PHONE_MOBILE, "+33612345678"},
	{"0712345678", SM_PHONE_MOBILE, "+33712345678"},
	{"+33 6 12 34 56 78", SM_PHONE_MOBILE, "+33612345678"},
	{"+33 (0)6 12 34 56 78", SM_PHONE_MOBILE, "+33612345678"},
	{"0033612345678", SM_PHONE_MOBILE, "+33612345678"},
	{"33612345678", SM_PHONE_MOBILE, "+33612345678"},
	{"612345678", SM_PHONE_MOBILE, "+33612345678"},
	{"06\xc2\xa0" "12\xc2\xa0" "34 56 78", SM_PHONE_MOBILE, "+33612345678"},
	{"0690 12 34 56", SM_PHONE_MOBILE, "+590690123456"},
	{"0694123456", SM_PHONE_MOBILE, "+594694123456"},
	{"0696123456", SM_PHONE_MOBILE, "+596696123456"},
	{"0692123456", SM_PHONE_MOBILE, "+262692123456"},
	{"0639123456", SM_PHONE_MOBILE, "+262639123456"},
	{"+262 692 12 34 56", SM_PHONE_MOBILE, "+262692123456"},
	{"+590 690 12 34 56", SM_PHONE_MOBILE, "+590690123456"},
	{"01 23 45 67 89", SM_PHONE_LANDLINE, "+33123456789"},
	{"03 87 12 34 56", SM_PHONE_LANDLINE, "+33387123456"},
	{"09 70 12 34 56", SM_PHONE_LANDLINE, "+33970123456"},
	{"0800 12 34 56", SM_PHONE_LANDLINE, "+33800123456"},
	{"+32 470 12 34 56", SM_PHONE_FOREIGN, "+32470123456"},
	{"+352 621 123 456", SM_PHONE_FOREIGN, "+352621123456"},
	{"06 12 34 56", SM_PHONE_INVALID, ""},
	{"06 12 34 56 78 9", SM_PHONE_INVALID, ""},
	{"", SM_PHONE_INVALID, ""},
	{"n/a", SM_PHONE_INVALID, ""},
	{"06 12 34 56 7a", SM_PHONE_INVALID, ""},
	{"++33612345678", SM_PHONE_INVALID, ""},
	{"+0612345678", SM_PHONE_INVALID, ""},
	{"+1234567", SM_PHONE_INVALID, ""},
	{"+1234567890123456", SM_PHONE_INVALID, ""},
	{"0012345678901234567890", SM_PHONE_INVALID, ""},
	{"00 00 00 00 00", SM_PHONE_INVALID, ""},
};

static void test_vectors(void **state)
{
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		char out[SM_PHONE_MAX];
		enum sm_phone_kind k =
			sm_phone_normalize(vectors[i].in, out, sizeof(out));

		if (k != vectors[i].kind || strcmp(out, vectors[i].out) != 0)
			fail_msg("'%s': got %s '%s', want %s '%s'",
				 vectors[i].in, sm_phone_kind_name(k), out,
				 sm_phone_kind_name(vectors[i].kind),
				 vectors[i].out);
	}
}

static void test_bounds(void **state)
{
	char small[8];

	assert_int_equal(sm_phone_normalize("0612345678", small, sizeof(small)),
			 SM_PHONE_INVALID);
	assert_int_equal(sm_phone_normalize(NULL, small, sizeof(small)),
			 SM_PHONE_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
