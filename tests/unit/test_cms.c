/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_cms.c - +CMS ERROR classification, table-driven (27.005 3.2.5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "smsmatch/cms.h"

static void test_table(void **state)
{
	static const struct {
		int code;
		enum sm_cms_class c;
	} v[] = {
		{-1, SM_CMS_TEMPORARY},	 {1, SM_CMS_PERMANENT},
		{8, SM_CMS_PERMANENT},	 {21, SM_CMS_PERMANENT},
		{27, SM_CMS_TEMPORARY},	 {38, SM_CMS_TEMPORARY},
		{41, SM_CMS_TEMPORARY},	 {42, SM_CMS_TEMPORARY},
		{96, SM_CMS_PERMANENT},	 {127, SM_CMS_TEMPORARY},
		{128, SM_CMS_PERMANENT}, {0xC0, SM_CMS_TEMPORARY},
		{0xC1, SM_CMS_MODEM},	 {0xC3, SM_CMS_PERMANENT},
		{0xFF, SM_CMS_TEMPORARY}, {300, SM_CMS_MODEM},
		{304, SM_CMS_PERMANENT}, {310, SM_CMS_MODEM},
		{311, SM_CMS_MODEM},	 {314, SM_CMS_TEMPORARY},
		{322, SM_CMS_TEMPORARY}, {330, SM_CMS_MODEM},
		{331, SM_CMS_MODEM},	 {332, SM_CMS_TEMPORARY},
		{500, SM_CMS_TEMPORARY}, {512, SM_CMS_TEMPORARY},
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (sm_cms_classify(v[i].code) != v[i].c)
			fail_msg("+CMS ERROR %d: got %s want %s", v[i].code,
				 sm_cms_class_name(sm_cms_classify(v[i].code)),
				 sm_cms_class_name(v[i].c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
