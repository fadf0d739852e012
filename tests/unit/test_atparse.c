/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_atparse.c - table-driven tests of the sm_at_iter_* helpers over
 * response lines taken from tests/corpus/modem_sessions/ (file named on
 * each vector).  A vector is a line, a prefix and a little program of
 * iterator calls, each with the result it must give.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "smsmatch/at.h"

enum op_kind {
	OP_STOP,    /* end of the program */
	OP_INT,	    /* sm_at_iter_int() gives a */
	OP_NOINT,   /* sm_at_iter_int() fails */
	OP_STR,	    /* sm_at_iter_str() gives s */
	OP_NOSTR,   /* sm_at_iter_str() fails */
	OP_RANGE,   /* sm_at_iter_range() gives a-b */
	OP_NORANGE, /* sm_at_iter_range() fails */
	OP_SKIP,    /* sm_at_iter_skip() succeeds */
	OP_OPEN,    /* sm_at_iter_open_list() succeeds */
	OP_NOOPEN,  /* sm_at_iter_open_list() fails */
	OP_CLOSE,   /* sm_at_iter_close_list() succeeds */
	OP_NOCLOSE, /* sm_at_iter_close_list() fails */
	OP_END,	    /* at the end: skip, str, int, open, close all fail */
	OP_SMALL,   /* sm_at_iter_str() into a 4-byte buffer fails */
	OP_STR4,    /* sm_at_iter_str() into a 4-byte buffer gives s */
};

struct op {
	enum op_kind kind;
	long a, b;
	const char *s;
};

struct vector {
	const char *source; /* corpus file (or spec) the line comes from */
	const char *line;
	const char *prefix;
	bool init; /* sm_at_iter_init() result */
	struct op ops[40];
};

#define I(n)                                                                   \
	{                                                                      \
		OP_INT, (n), 0, NULL                                           \
	}
#define NI                                                                     \
	{                                                                      \
		OP_NOINT, 0, 0, NULL                                           \
	}
#define S(x)                                                                   \
	{                                                                      \
		OP_STR, 0, 0, (x)                                              \
	}
#define NS                                                                     \
	{                                                                      \
		OP_NOSTR, 0, 0, NULL                                           \
	}
#define R(x, y)                                                                \
	{                                                                      \
		OP_RANGE, (x), (y), NULL                                       \
	}
#define NR                                                                     \
	{                                                                      \
		OP_NORANGE, 0, 0, NULL                                         \
	}
#define K                                                                      \
	{                                                                      \
		OP_SKIP, 0, 0, NULL                                            \
	}
#define O                                                                      \
	{                                                                      \
		OP_OPEN, 0, 0, NULL                                            \
	}
#define NO                                                                     \
	{                                                                      \
		OP_NOOPEN, 0, 0, NULL                                          \
	}
#define C                                                                      \
	{                                                                      \
		OP_CLOSE, 0, 0, NULL                                           \
	}
#define NC                                                                     \
	{                                                                      \
		OP_NOCLOSE, 0, 0, NULL                                         \
	}
#define E                                                                      \
	{                                                                      \
		OP_END, 0, 0, NULL                                             \
	}
#define STR4(x)                                                                \
	{                                                                      \
		OP_STR4, 0, 0, (x)                                             \
	}
#define SMALL                                                                  \
	{                                                                      \
		OP_SMALL, 0, 0, NULL                                           \
	}

static const struct vector vectors[] = {
	{"wavecom_multiband_900e_1800.txt (padded model line)",
	 " MULTIBAND  900E  1800 ",
	 "",
	 true,
	 {S("MULTIBAND  900E  1800"), E}},
	{"alcatel_s320.txt (buffer bounds)",
	 "+CPMS: (\"SM_P\", \"MT\", \"ME_P\")",
	 "+CPMS:",
	 true,
	 {O, SMALL, S("SM_P"), STR4("MT"), SMALL, S("ME_P"), C, E}},
	{"huawei_k4510.txt (exact fit)",
	 "+CSCA: \"+32475161616\",145",
	 "+CSCA:",
	 true,
	 {S("+32475161616"), STR4("145"), E}},
	{"huawei_e1752.txt", "+CSQ: 9,99", "+CSQ:", true, {I(9), I(99), E}},
	{"siemens.txt (2 params after n,stat)",
	 "+CREG: 0,1,\"5E25\",\"605F\"",
	 "+CREG:",
	 true,
	 {I(0), I(1), S("5E25"), S("605F"), E}},
	{"huawei_e1752.txt", "+CREG: 2", "+CREG:", true, {I(2), E}},
	{"sierra_312u.txt",
	 "+CREG: 2,5,\"2AF5\",\"0B88E350\",2",
	 "+CREG:",
	 true,
	 {I(2), I(5), S("2AF5"), S("0B88E350"), I(2), E}},
	{"telit_he910.txt",
	 "+CREG: 0,1,\"5E25\",\"605F\",2",
	 "+CREG:",
	 true,
	 {I(0), I(1), K, S("605F"), I(2), E}},
	{"huawei_creg.txt (unquoted hex)",
	 "+CREG: 2,1,4CA,81DE445",
	 "+CREG:",
	 true,
	 {I(2), I(1), NI, S("4CA"), S("81DE445"), E}},
	{"huawei_e1752.txt (spaces after commas)",
	 "+CREG: 1, E006B, ABE0016",
	 "+CREG:",
	 true,
	 {I(1), S("E006B"), S("ABE0016"), E}},
	{"at.h / 27.007 7.3",
	 "+COPS: 0,0,\"Orange F\",7",
	 "+COPS:",
	 true,
	 {I(0), I(0), S("Orange F"), I(7), E}},
	{"27.007 7.3 (test command form)",
	 "+COPS: (2,\"Orange F\",\"Orange\",\"20801\",7),(3,\"SFR\",\"SFR\","
	 "\"20810\",2),,(0-4),(0-2)",
	 "+COPS:",
	 true,
	 {O, I(2), S("Orange F"), S("Orange"), S("20801"), I(7), C, O, I(3),
	  S("SFR"), C, S(""), O, R(0, 4), C, O, R(0, 2), C, E}},
	{"huawei_e1752.txt (PDU mode, empty alpha)",
	 "+CMGL: 0,0,,23",
	 "+CMGL:",
	 true,
	 {I(0), I(0), NI, S(""), I(23), E}},
	{"huawei_e1752.txt (skip the empty alpha)",
	 "+CMGL: 0,0,,23",
	 "+CMGL:",
	 true,
	 {I(0), I(0), K, I(23), E}},
	{"pantech_um_series.txt (no alpha field)",
	 "+CMGL: 17,3,35",
	 "+CMGL:",
	 true,
	 {I(17), I(3), I(35), E}},
	{"synthetic_python_gsmmodem_generic_flows.txt (text mode)",
	 "+CMGL: 0,\"REC UNREAD\",\"+27748577604\",,\"13/01/28,14:51:42+08\"",
	 "+CMGL:",
	 true,
	 {I(0), S("REC UNREAD"), S("+27748577604"), S(""),
	  S("13/01/28,14:51:42+08"), E}},
	{"telit_he910.txt (empty quotes in alpha)",
	 "+CMGR: 0,\"\",50",
	 "+CMGR:",
	 true,
	 {I(0), S(""), I(50), E}},
	{"zte_k3565z.txt (stat missing)",
	 "+CMGR: ,,27",
	 "+CMGR:",
	 true,
	 {NI, K, K, I(27), E}},
	{"unknown_modem_faucamp44_india.txt",
	 "+CMGR: 0,,29",
	 "+CMGR:",
	 true,
	 {I(0), S(""), I(29), E}},
	{"synthetic_python_gsmmodem_generic_flows.txt (text status report)",
	 "+CMGR: ,6,20,\"0870000000\",129,\"13/04/29,19:58:00+04\","
	 "\"13/04/29,19:59:00+04\",0",
	 "+CMGR:",
	 true,
	 {S(""), I(6), I(20), S("0870000000"), I(129),
	  S("13/04/29,19:58:00+04"), S("13/04/29,19:59:00+04"), I(0), E}},
	{"huawei_e1752.txt",
	 "+CPMS: 0,23,0,23,0,20",
	 "+CPMS:",
	 true,
	 {I(0), I(23), I(0), I(23), I(0), I(20), E}},
	{"huawei_e1752.txt (+CPMS=? lists)",
	 "+CPMS: (\"ME\",\"MT\",\"SM\",\"SR\"),(\"ME\",\"MT\",\"SM\",\"SR\"),"
	 "(\"ME\",\"MT\",\"SM\",\"SR\")",
	 "+CPMS:",
	 true,
	 {O, S("ME"), S("MT"), S("SM"), S("SR"), NS, C, O, S("ME"), C, K, E}},
	{"wavecom_multiband_900e_1800.txt (nested lists)",
	 "+CPMS: ((\"SM\",\"BM\",\"SR\"),(\"SM\"))",
	 "+CPMS:",
	 true,
	 {O, O, S("SM"), S("BM"), S("SR"), C, O, S("SM"), C, C, E}},
	{"alcatel_s320.txt (spaces after commas)",
	 "+CPMS: (\"SM\", \"ME\", \"SM_P\", \"ME_P\", \"MT\"), (\"SM\", "
	 "\"ME\", "
	 "\"SM_P\", \"ME_P\", \"MT\"), (\"SM\", \"ME\", \"SM_P\", \"ME_P\", "
	 "\"MT\")",
	 "+CPMS:",
	 true,
	 {O, S("SM"), S("ME"), S("SM_P"), S("ME_P"), S("MT"), C, O, S("SM"), C,
	  O, C, E}},
	{"iwow.txt (values instead of lists)",
	 "+CPMS: \"SM\",\"SM\",\"SM\"",
	 "+CPMS:",
	 true,
	 {NO, S("SM"), S("SM"), S("SM"), E}},
	{"samsung_j700.txt (empty answer)",
	 "+CPMS: ",
	 "+CPMS:",
	 true,
	 {NO, NS, NI, E}},
	{"nokia_n79.txt (empty lists)",
	 "+CPMS: (),(),()",
	 "+CPMS:",
	 true,
	 {O, NS, NI, C, O, C, O, C, E}},
	{"nokia_n79.txt (empty fields)",
	 "+CPMS: ,,,,,,,,",
	 "+CPMS:",
	 true,
	 {S(""), S(""), S(""), S(""), S(""), S(""), S(""), S(""), E}},
	{"brief: +CNMI=? ranges",
	 "+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)",
	 "+CNMI:",
	 true,
	 {O, R(0, 2), NR, C, O, R(0, 3), C, O, R(0, 0), R(2, 2), C, O, R(0, 2),
	  C, O, I(0), I(1), C, E}},
	{"gammu_misc_unnamed_devices.txt",
	 "+CNMI: (2),(0-1,3),(0,2),(0-1),(0)",
	 "+CNMI:",
	 true,
	 {O, R(2, 2), C, O, R(0, 1), R(3, 3), C, O, R(0, 0), R(2, 2), C, O,
	  R(0, 1), C, O, R(0, 0), C, E}},
	{"gammu_misc_unnamed_devices.txt (no space after colon)",
	 "+CNMI:(0-3),(0-3),(0-3),(0,1),(0,1)",
	 "+CNMI:",
	 true,
	 {O, R(0, 3), C, O, S("0-3"), C, O, C, O, R(0, 0), R(1, 1), C, K, E}},
	{"simcom_sim800.txt (current values)",
	 "+CNMI: 2,1,0,0,0",
	 "+CNMI:",
	 true,
	 {I(2), I(1), I(0), I(0), I(0), E}},
	{"zte_k3565z.txt",
	 "+CFUN: (0-1,4-7),(0-1)",
	 "+CFUN:",
	 true,
	 {O, R(0, 1), R(4, 7), C, O, R(0, 1), C, E}},
	{"quectel_m95.txt (symbols and an empty field)",
	 "+VTS: (0-9,*,#,A,B,C,D),,(1-255)",
	 "+VTS:",
	 true,
	 {O, R(0, 9), NR, S("*"), S("#"), S("A"), C, S(""), O, R(1, 255), C,
	  E}},
	{"huawei_k4510.txt",
	 "+CSCA: \"+32475161616\",145",
	 "+CSCA:",
	 true,
	 {S("+32475161616"), I(145), E}},
	{"gammu_misc_unnamed_devices.txt (empty SMSC)",
	 "+CSCA: \"\",129",
	 "+CSCA:",
	 true,
	 {S(""), I(129), E}},
	{"gammu_misc_unnamed_devices.txt (UCS-2, unquoted)",
	 "+CSCA: 002B00390037003200350034003100320030003000330032,145",
	 "+CSCA:",
	 true,
	 {NI, S("002B00390037003200350034003100320030003000330032"), I(145),
	  E}},
	{"gammu_misc_unnamed_devices.txt (too long for the buffer)",
	 "+CSCA: \"+79168999100\",145",
	 "+CSCA:",
	 true,
	 {SMALL, S("+79168999100"), I(145), E}},
	{"ma260.txt (empty trailing fields)",
	 "+CCFC: 1,1,\"+420123456678\",145,,,",
	 "+CCFC:",
	 true,
	 {I(1), I(1), S("+420123456678"), I(145), S(""), S(""), E}},
	{"warthog618_modem_mock.txt",
	 "+CMT: ,24",
	 "+CMT:",
	 true,
	 {NI, K, I(24), E}},
	{"warthog618_modem_mock.txt (junk length)",
	 "+CMT: ,2X",
	 "+CMT:",
	 true,
	 {K, NI, NR, S("2X"), E}},
	{"quectel_ec25.txt",
	 "+CDSI: \"SM\",0",
	 "+CDSI:",
	 true,
	 {S("SM"), I(0), E}},
	{"synthetic_python_gsmmodem_generic_flows.txt",
	 "+CUSD: 0,\"Available Balance: R 96.45 .\",15",
	 "+CUSD:",
	 true,
	 {I(0), S("Available Balance: R 96.45 ."), I(15), E}},
	{"huawei_k3715.txt (no space after colon)",
	 "+CLAC:&C,&D,&E",
	 "+CLAC:",
	 true,
	 {S("&C"), S("&D"), S("&E"), E}},
	{"huawei_e1752.txt (other prefix)", "+CSQ: 9,99", "+CREG:", false, {E}},
	{"malformed: unterminated quote",
	 "+COPS: 0,0,\"Orange F",
	 "+COPS:",
	 true,
	 {I(0), I(0), NS, NI, {OP_STOP, 0, 0, NULL}}},
	{"malformed: unbalanced list",
	 "+CPMS: (\"SM\",\"ME\"",
	 "+CPMS:",
	 true,
	 {O, S("SM"), NC, S("ME"), NC}},
	{"malformed: number overflow",
	 "+CSQ: 99999999999999999999999,99",
	 "+CSQ:",
	 true,
	 {NI, NR, K, I(99), E}},
	{"malformed: text after a quoted string",
	 "+CSCA: \"+33\"x,145",
	 "+CSCA:",
	 true,
	 {NS, K, I(145), E}},
	{"negative numbers", "+CCLK: -1,+2", "+CCLK:", true, {I(-1), I(2), E}},
};

static void run_vector(const struct vector *v)
{
	struct sm_at_iter it;
	char buf[256];
	long a, b;

	assert_int_equal(sm_at_iter_init(&it, v->line, v->prefix), v->init);
	if (!v->init)
		return;
	for (const struct op *op = v->ops; op->kind != OP_STOP; op++) {
		const char *before = it.p;
		bool ok = true;

		switch (op->kind) {
		case OP_STOP:
			break;
		case OP_INT:
			ok = sm_at_iter_int(&it, &a) && a == op->a;
			break;
		case OP_NOINT:
			ok = !sm_at_iter_int(&it, &a) && it.p == before;
			break;
		case OP_STR:
			ok = sm_at_iter_str(&it, buf, sizeof(buf)) &&
			     strcmp(buf, op->s) == 0;
			break;
		case OP_NOSTR:
			ok = !sm_at_iter_str(&it, buf, sizeof(buf)) &&
			     it.p == before;
			break;
		case OP_SMALL:
			ok = !sm_at_iter_str(&it, buf, 4) && it.p == before;
			break;
		case OP_STR4:
			ok = sm_at_iter_str(&it, buf, 4) &&
			     strcmp(buf, op->s) == 0;
			break;
		case OP_RANGE:
			ok = sm_at_iter_range(&it, &a, &b) && a == op->a &&
			     b == op->b;
			break;
		case OP_NORANGE:
			ok = !sm_at_iter_range(&it, &a, &b) && it.p == before;
			break;
		case OP_SKIP:
			ok = sm_at_iter_skip(&it);
			break;
		case OP_OPEN:
			ok = sm_at_iter_open_list(&it);
			break;
		case OP_NOOPEN:
			ok = !sm_at_iter_open_list(&it) && it.p == before;
			break;
		case OP_CLOSE:
			ok = sm_at_iter_close_list(&it);
			break;
		case OP_NOCLOSE:
			ok = !sm_at_iter_close_list(&it) && it.p == before;
			break;
		case OP_END:
			ok = !sm_at_iter_skip(&it) &&
			     !sm_at_iter_str(&it, buf, sizeof(buf)) &&
			     !sm_at_iter_int(&it, &a) &&
			     !sm_at_iter_open_list(&it) &&
			     !sm_at_iter_close_list(&it) && it.p == before;
			break;
		}
		if (!ok)
			fail_msg(
				"%s: \"%s\": op %td (kind %d) failed at \"%s\"",
				v->source, v->line, op - v->ops, op->kind,
				before);
	}
}

static void test_vectors(void **state)
{
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		run_vector(&vectors[i]);
}

static void test_init_args(void **state)
{
	struct sm_at_iter it;

	assert_false(sm_at_iter_init(&it, NULL, "+CSQ:"));
	assert_false(sm_at_iter_init(&it, "+CSQ: 1,2", NULL));
	assert_false(sm_at_iter_init(&it, "+CS", "+CSQ:"));
	/* an empty prefix walks the whole line (ATI-style answers) */
	assert_true(sm_at_iter_init(&it, "  12,34", ""));
	assert_string_equal(it.p, "12,34");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_init_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
