/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_modem_parse.c - the modem driver's I/O-free parsers, table-driven,
 * with lines taken from tests/corpus/modem_sessions/: +CNMI=? ranges and
 * the CNMI choice, +CPMS=? lists, +CREG/+CEREG in query and URC form,
 * +CMGL/+CMGR headers (odd ones included), +CMTI/+CDSI, signal, masking.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "../../drivers/at/modem_priv.h"

static void cnmi_choice(void **state)
{
	static const struct {
		const char *ranges; /* +CNMI=? */
		int pref_ds;
		const char *want; /* NULL: -ENOTSUP */
		int ds;
	} v[] = {
		/* SIM800L (faucamp/python-gsmmodem #60): <ds> 0,1 only */
		{"+CNMI: (0-3),(0-3),(0,2),(0,1),(0,1)", 0, "2,1,0,1,0", 1},
		/* Huawei E1752 style */
		{"+CNMI: (0-2),(0,1,3),(0),(0,1),(0,1)", 0, "2,1,0,1,0", 1},
		/* mode 2 only, <bfr> 0 only */
		{"+CNMI: (2),(0-1,3),(0,2),(0-1),(0)", 0, "2,1,0,1,0", 1},
		/* ds=2 offered: stored reports preferred */
		{"+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)", 0, "2,1,0,2,0", 2},
		{"+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)", 1, "2,1,0,1,0", 1},
		/* mode 1 only, no bm 0 */
		{"+CNMI: (1),(1),(2),(0),(1)", 0, "1,1,2,0,1", 0},
		/* only three groups */
		{"+CNMI: (0-2),(0-3),(0)", 0, "2,1,0,0,0", 0},
		/* no mt=1 */
		{"+CNMI: (0-2),(0,2),(0),(0,1),(0,1)", 0, NULL, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct sm_cnmi_ranges r;
		char buf[32];
		int ds = -1;

		assert_true(sm_parse_cnmi_ranges(v[i].ranges, &r) >= 3);
		if (!v[i].want) {
			assert_int_equal(sm_choose_cnmi(&r, v[i].pref_ds, buf,
							sizeof(buf), &ds),
					 -ENOTSUP);
			continue;
		}
		assert_int_equal(
			sm_choose_cnmi(&r, v[i].pref_ds, buf, sizeof(buf), &ds),
			0);
		assert_string_equal(buf, v[i].want);
		assert_int_equal(ds, v[i].ds);
	}
}

static void ranges_bad(void **state)
{
	struct sm_cnmi_ranges r;

	(void)state;
	assert_int_equal(sm_parse_cnmi_ranges("+CNMI: 2,1,0,0,0", &r), -EINVAL);
	assert_int_equal(sm_parse_cnmi_ranges("+CNMI: (0-99)", &r), -EINVAL);
	assert_int_equal(sm_parse_cnmi_ranges("+CNMI: (0-2", &r), -EINVAL);
	assert_int_equal(sm_parse_cnmi_ranges("(0,1)", &r), 1);
	assert_int_equal(r.mask[0], 3);
}

static void cpms_lists(void **state)
{
	static const struct {
		const char *line;
		const char *want;
	} v[] = {
		{"+CPMS: (\"ME\",\"MT\",\"SM\",\"SR\"),(\"ME\",\"MT\",\"SM\","
		 "\"SR\"),(\"ME\",\"MT\",\"SM\",\"SR\")",
		 "ME,MT,SM,SR"},
		{"+CPMS: (\"SM\", \"ME\", \"SM_P\", \"ME_P\", \"MT\"), "
		 "(\"SM\")",
		 "SM,ME,SM_P,ME_P,MT"},
		{"+CPMS: ((\"SM\",\"BM\",\"SR\"),(\"SM\"))", "SM,BM,SR"},
		{"+CPMS: (ME\", \"SR\"), (\"ME\", \"SR\"), (\"ME\")", "ME,SR"},
		{"+CPMS: (),(),()", ""},
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(
			sm_parse_cpms_list(v[i].line, buf, sizeof(buf)), 0);
		assert_string_equal(buf, v[i].want);
	}
	assert_true(sm_mem_in_list("ME,MT,SM,SR", "SM"));
	assert_false(sm_mem_in_list("ME,MT,SM_P", "SM"));
	assert_int_equal(sm_parse_cpms_list("+CPMS: 1,30", buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(sm_parse_cpms_list("+CPMS: (\"ME\",\"SM\")", buf, 4),
			 -E2BIG);
}

static void registration(void **state)
{
	(void)state;
	assert_int_equal(sm_parse_reg("+CREG: 0,1", "+CREG:"), 1);
	assert_int_equal(
		sm_parse_reg("+CREG: 2,5,\"00C3\",\"0000001A\",7", "+CREG:"),
		5);
	/* URC forms (huawei_creg.txt): "+CREG: 1" and with location */
	assert_int_equal(sm_parse_reg("+CREG: 1", "+CREG:"), 1);
	assert_int_equal(
		sm_parse_reg("+CREG: 2,\"00C3\",\"0000001A\"", "+CREG:"), 2);
	assert_int_equal(sm_parse_reg("+CEREG: 0,3", "+CEREG:"), 3);
	assert_int_equal(sm_parse_reg("+CSQ: 1,2", "+CREG:"), -1);
	assert_string_equal(sm_modem_reg_name(1), "home");
	assert_string_equal(sm_modem_reg_name(5), "roaming");
	assert_string_equal(sm_modem_reg_name(2), "searching");
	assert_string_equal(sm_modem_reg_name(3), "denied");
	assert_string_equal(sm_modem_reg_name(42), "unknown");
	assert_true(sm_modem_reg_ok(5));
	assert_false(sm_modem_reg_ok(2));
}

static void headers(void **state)
{
	static const struct {
		const char *line;
		const char *prefix;
		int index, stat, length;
	} v[] = {
		{"+CMGL: 0,0,,23", "+CMGL:", 0, 0, 23},
		{"+CMGL: 2,1,,147", "+CMGL:", 2, 1, 147},
		/* no <alpha> field (gammu dumps) */
		{"+CMGL: 17,3,35", "+CMGL:", 17, 3, 35},
		{"+CMGL: 4,1,\"Orange\",151", "+CMGL:", 4, 1, 151},
		{"+CMGR: 0,,24", "+CMGR:", -1, 0, 24},
		{"+CMGR: 0,\"\",50", "+CMGR:", -1, 0, 50},
		{"+CMGR: 0,23", "+CMGR:", -1, 0, 23},
		{"+CMGR: ,,27", "+CMGR:", -1, -1, 27},
		/* Nokia: length only */
		{"+CMGR: 24", "+CMGR:", -1, -1, 24},
		{"+CMT: ,24", "+CMT:", -1, -1, 24},
		{"+CMT: \"\",24", "+CMT:", -1, -1, 24},
		{"+CDS: 25", "+CDS:", -1, -1, 25},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct sm_msg_header h;

		assert_int_equal(
			sm_parse_msg_header(v[i].line, v[i].prefix, &h), 0);
		assert_int_equal(h.index, v[i].index);
		assert_int_equal(h.stat, v[i].stat);
		assert_int_equal(h.length, v[i].length);
	}
}

static void mem_index(void **state)
{
	char mem[4];
	int index = -1;

	(void)state;
	assert_int_equal(sm_parse_mem_index("+CMTI: \"SM\",3", "+CMTI:", mem,
					    sizeof(mem), &index),
			 0);
	assert_string_equal(mem, "SM");
	assert_int_equal(index, 3);
	/* Teltonika TRM240 (gammu #695) */
	assert_int_equal(sm_parse_mem_index("+CDSI: \"SR\",1", "+CDSI:", mem,
					    sizeof(mem), &index),
			 0);
	assert_string_equal(mem, "SR");
	assert_int_equal(index, 1);
	assert_int_equal(sm_parse_mem_index("+CMTI: \"SM\"", "+CMTI:", mem,
					    sizeof(mem), &index),
			 -EINVAL);
}

static void signal(void **state)
{
	(void)state;
	assert_int_equal(sm_modem_rssi_dbm(0), -113);
	assert_int_equal(sm_modem_rssi_dbm(20), -73);
	assert_int_equal(sm_modem_rssi_dbm(31), -51);
	assert_int_equal(sm_modem_rssi_dbm(99), 0);
	assert_int_equal(sm_modem_rssi_bars(99), 0);
	assert_int_equal(sm_modem_rssi_bars(5), 1);
	assert_int_equal(sm_modem_rssi_bars(12), 2);
	assert_int_equal(sm_modem_rssi_bars(20), 4);
}

static void masking(void **state)
{
	char buf[128];
	const char *pdu = "07913366003051F5040B913366304381F900005180719120"
			  "348004D4F29C0E";

	(void)state;
	sm_modem_mask_line(pdu, strlen(pdu), buf, sizeof(buf));
	assert_string_equal(buf, "<PDU 62 hex>");
	sm_modem_mask_line("AT+CPIN=\"1234\"", 14, buf, sizeof(buf));
	assert_string_equal(buf, "AT+CPIN=<hidden>");
	sm_modem_mask_line("+CSCA: \"+33695000695\",145", 25, buf, sizeof(buf));
	assert_null(strstr(buf, "33695000695"));
	assert_non_null(strstr(buf, "95\",145"));
	sm_modem_mask_line("+CMGS: 12", 9, buf, sizeof(buf));
	assert_string_equal(buf, "+CMGS: 12");
	sm_modem_mask_line("AT+CMGS=23", 10, buf, sizeof(buf));
	assert_string_equal(buf, "AT+CMGS=23");
}

static void profiles(void **state)
{
	(void)state;
	assert_string_equal(sm_profile_match("huawei", "E1752")->name,
			    "huawei");
	assert_string_equal(sm_profile_match("Quectel", "EC25")->name,
			    "quectel");
	assert_string_equal(sm_profile_match("SIMCOM_Ltd", "SIM800")->name,
			    "simcom");
	assert_string_equal(sm_profile_match("Telit", "HE910")->name,
			    "generic");
	assert_string_equal(sm_profile_match("", "")->name, "generic");
	assert_ptr_equal(sm_profile_by_name("QUECTEL"), &sm_profile_quectel);
	assert_null(sm_profile_by_name("nokia"));
	assert_true(sm_profile_quectel.quirks & SM_QUIRK_CDSI_SM_IS_SR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cnmi_choice), cmocka_unit_test(ranges_bad),
		cmocka_unit_test(cpms_lists),  cmocka_unit_test(registration),
		cmocka_unit_test(headers),     cmocka_unit_test(mem_index),
		cmocka_unit_test(signal),      cmocka_unit_test(masking),
		cmocka_unit_test(profiles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
