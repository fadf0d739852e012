/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_modemsim_at.c - the simulator's AT interpreter fed with strings and
 * a fake clock: command/answer transcripts (table-driven), the PDU send
 * path with TP-MR, latency, status reports, +CMT/+CNMA timeouts, memory
 * full, PIN, and the storage charsets.  The interpreter does no I/O, so
 * its sources are compiled into this test (the unit build links only the
 * library).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../modemsim/fault.c"
#include "../modemsim/modem.c"
#include "../modemsim/sms.c"

/* What the modem wrote and sent, per test. */
struct rec {
	char out[65536]; /* bytes to the client */
	size_t len;	 /* their count */
	int sent;	 /* parts sent */
	char last_to[SM_PDU_ADDR_MAX];
	char last_text[SM_PDU_TEXT_MAX];
	int last_mr;
	int unplugs;
};

static void rec_write(void *data, const char *buf, size_t len)
{
	struct rec *r = data;

	assert_true(r->len + len < sizeof(r->out));
	memcpy(r->out + r->len, buf, len);
	r->len += len;
	r->out[r->len] = '\0';
}

static void rec_sent(void *data, const struct sim_sent *s)
{
	struct rec *r = data;

	r->sent++;
	snprintf(r->last_to, sizeof(r->last_to), "%s", s->to);
	snprintf(r->last_text, sizeof(r->last_text), "%s", s->text);
	r->last_mr = s->mr;
}

static void rec_unplug(void *data)
{
	((struct rec *)data)->unplugs++;
}

static const struct sim_modem_ops rec_ops = {rec_write, rec_sent, rec_unplug};

static struct sim_modem *modem(struct rec *r, struct sim_config *cfg)
{
	struct sim_modem *m;

	memset(r, 0, sizeof(*r));
	cfg->name = "t";
	m = sim_modem_new(cfg, &rec_ops, r, 1000);
	assert_non_null(m);
	sim_modem_attach(m, true, 1000);
	return m;
}

/* Feed @in, return what came out since the last call. */
static const char *say(struct sim_modem *m, struct rec *r, uint64_t now,
		       const char *in)
{
	r->len = 0;
	r->out[0] = '\0';
	sim_modem_feed(m, now, in, strlen(in));
	return r->out;
}

static const struct {
	const char *in;	 /* typed */
	const char *out; /* exact answer */
} transcript[] = {
	{"AT\r", "AT\r\r\nOK\r\n"},
	{"ATE0\r", "ATE0\r\r\nOK\r\n"},
	{"AT\r", "\r\nOK\r\n"},
	{"at\r", "\r\nOK\r\n"},
	{"\r", ""},
	{"garbage\r", ""},
	{"AT+CGMI\r", "\r\nSMSMATCH\r\n\r\nOK\r\n"},
	{"AT+CGMM;+CGMR\r", "\r\nMODEMSIM-LTE\r\nMS-1.0.0\r\n\r\nOK\r\n"},
	{"AT+CMGF?\r", "\r\n+CMGF: 1\r\n\r\nOK\r\n"},
	{"AT+CMGF=?\r", "\r\n+CMGF: (0,1)\r\n\r\nOK\r\n"},
	{"AT+CMGF=2\r", "\r\nERROR\r\n"},
	{"AT+CSCS?\r", "\r\n+CSCS: \"GSM\"\r\n\r\nOK\r\n"},
	{"AT+CSMS?\r", "\r\n+CSMS: 0,1,1,1\r\n\r\nOK\r\n"},
	{"AT+CSMS=1\r", "\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n"},
	{"AT+CNMI?\r", "\r\n+CNMI: 2,1,0,0,0\r\n\r\nOK\r\n"},
	{"AT+CNMI=2,1,0,3,0\r", "\r\nERROR\r\n"},
	{"AT+CNMI=,,,2\r", "\r\nOK\r\n"},
	{"AT+CNMI?\r", "\r\n+CNMI: 2,1,0,2,0\r\n\r\nOK\r\n"},
	{"AT+CPMS=\"ME\",\"ME\",\"ME\"\r",
	 "\r\n+CPMS: 0,30,0,30,0,30\r\n\r\nOK\r\n"},
	{"AT+CPMS=\"XX\"\r", "\r\n+CMS ERROR: 302\r\n"},
	{"AT+CPMS=\"SM\",\"SR\"\r", "\r\n+CMS ERROR: 302\r\n"},
	{"AT+CPMS?\r",
	 "\r\n+CPMS: \"ME\",0,30,\"ME\",0,30,\"ME\",0,30\r\n\r\nOK\r\n"},
	{"AT+CSQ\r", "\r\n+CSQ: 20,99\r\n\r\nOK\r\n"},
	{"AT+CREG?\r", "\r\n+CREG: 0,1\r\n\r\nOK\r\n"},
	{"AT+COPS=3,2;+COPS?\r", "\r\n+COPS: 0,2,\"20801\",7\r\n\r\nOK\r\n"},
	{"AT+CMEE=1;+FOO\r", "\r\nERROR\r\n"},
	{"AT+CPIN=\"1\"\r", "\r\n+CME ERROR: 3\r\n"},
	{"AT+CMEE=0;+CPIN=\"1\"\r", "\r\nERROR\r\n"},
	{"AT+CMEE=2;+CMGR=77\r", "\r\n+CMS ERROR: invalid memory index\r\n"},
	{"AT+CMEE=1;+CNMA\r", "\r\n+CMS ERROR: 340\r\n"},
	{"AT+CMGS=\"abc\"\r", "\r\n+CMS ERROR: 305\r\n"},
	{"AT+CMGF=0;+CMGS=3\r", "\r\n+CMS ERROR: 304\r\n"},
	{"AT+CMGS=20\r", "\r\n> "},
	{"0011\x1b", "\r\nOK\r\n"},
	{"ATS3?\r", "\r\n013\r\n\r\nOK\r\n"},
	{"ATV0\r", "0\r"},
	{"AT+BAD\r", "4\r"},
	{"ATV1\r", "\r\nOK\r\n"},
	{"A/\r", "\r\nOK\r\n"},
	{"ATE1\r", "\r\nOK\r\n"},
	{"ATZ\r", "ATZ\r\r\nOK\r\n"},
	{"AT+CMGF?\r", "AT+CMGF?\r\r\n+CMGF: 1\r\n\r\nOK\r\n"},
};

static void test_transcript(void **state)
{
	struct sim_config cfg = {0};
	struct rec r;
	struct sim_modem *m = modem(&r, &cfg);

	for (size_t i = 0; i < sizeof(transcript) / sizeof(transcript[0]);
	     i++) {
		const char *got = say(m, &r, 2000, transcript[i].in);

		if (strcmp(got, transcript[i].out) != 0)
			fail_msg("line %zu: %s -> \"%s\", want \"%s\"", i,
				 transcript[i].in, got, transcript[i].out);
	}
	sim_modem_free(m);
}

/* An SMS-SUBMIT to +33612345678 of "hello" with TP-SRR, SMSC "00". */
#define PDU_SRR "0031000B913316325476F80000AA05E8329BFD06"

static void test_send_latency_report(void **state)
{
	struct sim_config cfg = {.latency_ms = 300, .report_delay_ms = 50};
	struct rec r;
	struct sim_modem *m = modem(&r, &cfg);
	struct sim_stats st;

	say(m, &r, 1000, "ATE0;+CMGF=0;+CNMI=2,1,0,1,0\r");
	assert_string_equal(say(m, &r, 1000, "AT+CMGS=19\r"), "\r\n> ");
	assert_string_equal(say(m, &r, 1001, PDU_SRR "\x1a"), "");
	/* typed while busy: kept, answered after the send */
	assert_string_equal(say(m, &r, 1002, "AT\r"), "");
	assert_int_equal(sim_modem_next_due(m), 1301);
	r.len = 0;
	sim_modem_tick(m, 1300);
	assert_int_equal(r.len, 0);
	sim_modem_tick(m, 1301);
	assert_string_equal(r.out, "\r\n+CMGS: 0\r\n\r\nOK\r\n\r\nOK\r\n");
	assert_int_equal(r.sent, 1);
	assert_string_equal(r.last_to, "+33612345678");
	assert_string_equal(r.last_text, "hello");
	/* the report: +CDS with the PDU, after --report-delay-ms */
	assert_int_equal(sim_modem_next_due(m), 1351);
	r.len = 0;
	sim_modem_tick(m, 1351);
	assert_non_null(strstr(r.out, "\r\n+CDS: "));
	{
		struct sm_sms s;
		const char *pdu = strstr(r.out + 4, "\r\n") + 2;
		char hex[SM_PDU_HEX_MAX];
		size_t n = strcspn(pdu, "\r");

		memcpy(hex, pdu, n);
		hex[n] = '\0';
		assert_int_equal(sm_pdu_decode(hex, -1, &s, NULL, 0), 0);
		assert_int_equal(s.type, SM_PDU_STATUS_REPORT);
		assert_int_equal(s.mr, 0);
		assert_int_equal(s.status, 0);
		assert_string_equal(s.number, "+33612345678");
	}
	/* the next send gets the next reference */
	say(m, &r, 2000, "AT+CMGS=19\r");
	say(m, &r, 2000, PDU_SRR "\x1a");
	sim_modem_tick(m, 2300);
	assert_non_null(strstr(r.out, "+CMGS: 1\r\n"));
	sim_modem_stats(m, &st);
	assert_int_equal(st.sent, 2);
	assert_int_equal(st.reports, 1);
	sim_modem_free(m);
}

static void test_inbound_cmt_cnma_and_full(void **state)
{
	struct sim_config cfg = {.cnma_timeout_ms = 1000};
	struct rec r;
	struct sim_modem *m = modem(&r, &cfg);
	struct sim_stats st;
	char err[128];
	const char *out;

	say(m, &r, 1000, "ATE0;+CSMS=1;+CNMI=2,2;+CMGF=1\r");
	r.len = 0;
	assert_int_equal(sim_modem_inject(m, 1000, "+33611111111",
					  "Oui je viens", err, sizeof(err)),
			 1);
	assert_non_null(strstr(r.out, "\r\n+CMT: \"+33611111111\",,\""));
	assert_non_null(strstr(r.out, "\r\nOui je viens\r\n"));
	/* no +CNMA in time: stored and announced */
	r.len = 0;
	sim_modem_tick(m, 2000);
	assert_string_equal(r.out, "\r\n+CMTI: \"SM\",1\r\n");
	/* acknowledged: not stored */
	sim_modem_inject(m, 2000, "+33611111111", "deux", err, sizeof(err));
	assert_string_equal(say(m, &r, 2001, "AT+CNMA\r"), "\r\nOK\r\n");
	sim_modem_tick(m, 5000);
	sim_modem_stats(m, &st);
	assert_int_equal(st.stored, 1);
	assert_int_equal(st.received, 2);

	/* fill SM: 29 more, then one held by the network */
	say(m, &r, 5000, "AT+CNMI=2,1\r");
	for (int i = 0; i < 29; i++)
		sim_modem_inject(m, 5000, "+33622222222", "x", err,
				 sizeof(err));
	r.len = 0;
	sim_modem_inject(m, 5000, "+33633333333", "held", err, sizeof(err));
	assert_int_equal(r.len, 0);
	sim_modem_stats(m, &st);
	assert_int_equal(st.stored, 30);
	out = say(m, &r, 5000, "AT+CMGW=\"+33612345678\"\r");
	assert_string_equal(out, "\r\n> ");
	out = say(m, &r, 5000, "brouillon\x1a");
	assert_string_equal(out, "\r\n+CMS ERROR: 322\r\n");
	/* a slot frees: the held SMS arrives, its URC after the OK */
	out = say(m, &r, 5000, "AT+CMGD=7\r");
	assert_string_equal(out, "\r\nOK\r\n\r\n+CMTI: \"SM\",7\r\n");
	out = say(m, &r, 5000, "AT+CMGR=7\r");
	assert_non_null(strstr(out, "\"REC UNREAD\",\"+33633333333\""));
	assert_non_null(strstr(out, "\r\nheld\r\n"));
	out = say(m, &r, 5000, "AT+CMGR=7\r");
	assert_non_null(strstr(out, "\"REC READ\""));
	/* delete all read ones */
	say(m, &r, 5000, "AT+CMGD=1,1\r");
	sim_modem_stats(m, &st);
	assert_int_equal(st.stored, 29);
	sim_modem_free(m);
}

static void test_pin_hang_error_all_unplug(void **state)
{
	struct sim_config cfg = {.pin = "1234", .hang_after = 6};
	struct rec r;
	struct sim_modem *m = modem(&r, &cfg);

	say(m, &r, 1000, "ATE0\r");
	assert_string_equal(say(m, &r, 1000, "AT+CPIN?\r"),
			    "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
	assert_string_equal(say(m, &r, 1000, "AT+CMGL=\"ALL\"\r"),
			    "\r\n+CMS ERROR: 311\r\n");
	assert_string_equal(say(m, &r, 1000, "AT+CPIN=\"9999\"\r"),
			    "\r\n+CME ERROR: 16\r\n");
	assert_string_equal(say(m, &r, 1000, "AT+CPIN=\"1234\"\r"),
			    "\r\nOK\r\n");
	assert_memory_equal(say(m, &r, 1000, "AT+CIMI\r"), "\r\n20801", 7);
	/* the 7th command: silence */
	assert_string_equal(say(m, &r, 1000, "AT\r"), "");
	sim_modem_hang(m, false);
	assert_string_equal(say(m, &r, 1000, "AT\r"), "\r\nOK\r\n");
	/* power cycle: SIM locked again, echo back on */
	sim_modem_power(m, false, 1000);
	sim_modem_power(m, true, 1000);
	sim_modem_attach(m, true, 1000);
	assert_string_equal(say(m, &r, 1000, "AT+CPIN?\r"),
			    "AT+CPIN?\r\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
	sim_modem_free(m);

	{
		struct sim_config c2 = {.error_all = true};

		m = modem(&r, &c2);
		assert_string_equal(say(m, &r, 1000, "AT\r"),
				    "AT\r\r\nERROR\r\n");
		sim_modem_free(m);
	}
	{
		struct sim_config c3 = {.unplug_after = 1};

		m = modem(&r, &c3);
		say(m, &r, 1000, "ATE0;+CMGF=0\r");
		say(m, &r, 1000, "AT+CMGS=19\r");
		assert_string_equal(say(m, &r, 1000, PDU_SRR "\x1a"),
				    "\r\n+CMGS: 0\r\n\r\nOK\r\n");
		assert_int_equal(r.unplugs, 1);
		sim_modem_free(m);
	}
	{
		struct sim_config c4 = {.cms_error_rate = 1,
					.cms_error_code = 500};

		m = modem(&r, &c4);
		say(m, &r, 1000, "ATE0;+CMGF=0\r");
		say(m, &r, 1000, "AT+CMGS=19\r");
		assert_string_equal(say(m, &r, 1000, PDU_SRR "\x1a"),
				    "\r\n+CMS ERROR: 500\r\n");
		assert_int_equal(r.sent, 0);
		sim_modem_free(m);
	}
}

static void test_detach_abandons_prompt(void **state)
{
	struct sim_config cfg = {0};
	struct rec r;
	struct sim_modem *m = modem(&r, &cfg);

	say(m, &r, 1000, "ATE0;+CMGF=0\r");
	assert_string_equal(say(m, &r, 1000, "AT+CMGS=19\r"), "\r\n> ");
	say(m, &r, 1000, "0031000B91");
	sim_modem_attach(m, false, 1000);
	sim_modem_attach(m, true, 1000);
	assert_string_equal(say(m, &r, 1000, "AT\r"), "\r\nOK\r\n");
	assert_int_equal(r.sent, 0);
	sim_modem_free(m);
}

static void test_profiles(void **state)
{
	struct sim_config cfg = {.profile = SIM_PROFILE_QUECTEL,
				 .report_delay_ms = 10};
	struct rec r;
	struct sim_modem *m = modem(&r, &cfg);

	say(m, &r, 1000, "ATE0;+CMGF=0;+CNMI=2,1,0,2,0\r");
	say(m, &r, 1000, "AT+CMGS=19\r");
	say(m, &r, 1000, PDU_SRR "\x1a");
	r.len = 0;
	sim_modem_tick(m, 1010);
	/* EC25: the report is in SR, announced as "SM", indexes from 0 */
	assert_string_equal(r.out, "\r\n+CDSI: \"SM\",0\r\n");
	assert_string_equal(say(m, &r, 1010, "AT+CMGR=0\r"), "\r\nOK\r\n");
	sim_modem_free(m);

	cfg.profile = SIM_PROFILE_SIMCOM;
	m = modem(&r, &cfg);
	assert_string_equal(say(m, &r, 1000, "ATE0;+CNMI?\r"),
			    "ATE0;+CNMI?\r\r\n+CNMI: 0,0,0,0,0\r\n\r\nOK\r\n");
	assert_string_equal(say(m, &r, 1000, "AT+CNMI=2,1,0,2,0\r"),
			    "\r\nERROR\r\n");
	assert_string_equal(say(m, &r, 1000, "AT&F;+CNMI?\r"),
			    "\r\n+CNMI: 2,1,0,0,0\r\n\r\nOK\r\n");
	sim_modem_free(m);

	cfg.profile = SIM_PROFILE_HUAWEI;
	m = modem(&r, &cfg);
	say(m, &r, 1000, "ATE0\r");
	r.len = 0;
	sim_modem_tick(m, 2000);
	assert_string_equal(r.out, "\r\n^RSSI:20\r\n");
	say(m, &r, 2000, "AT^CURC=0\r");
	r.len = 0;
	sim_modem_tick(m, 9000);
	assert_int_equal(r.len, 0);
	assert_int_equal(sim_modem_next_due(m), UINT64_MAX);
	sim_modem_free(m);
}

static void test_charsets(void **state)
{
	char buf[256];
	unsigned units;

	assert_int_equal(sim_cs_from_utf8(SIM_CS_GSM, "@à€", buf, sizeof(buf)),
			 4);
	assert_memory_equal(buf, "\x00\x7f\x1b\x65", 4);
	assert_int_equal(sim_cs_to_utf8(SIM_CS_GSM, "\x00\x7f\x1b\x65", 4, buf,
					sizeof(buf)),
			 (int)strlen("@à€"));
	assert_string_equal(buf, "@à€");
	assert_int_equal(sim_cs_from_utf8(SIM_CS_UCS2, "é😀", buf, sizeof(buf)),
			 12);
	assert_string_equal(buf, "00E9D83DDE00");
	assert_true(sim_cs_to_utf8(SIM_CS_UCS2, "00E9D83DDE00", 12, buf,
				   sizeof(buf)) > 0);
	assert_string_equal(buf, "é😀");
	assert_int_equal(
		sim_cs_to_utf8(SIM_CS_UCS2, "00E", 3, buf, sizeof(buf)),
		-EINVAL);
	assert_int_equal(
		sim_cs_to_utf8(SIM_CS_UCS2, "DE00", 4, buf, sizeof(buf)),
		-EINVAL);
	assert_int_equal(sim_cs_from_utf8(SIM_CS_IRA, "ça", buf, sizeof(buf)),
			 2);
	assert_string_equal(buf, "?a");
	assert_int_equal(sim_cs_from_utf8(SIM_CS_GSM, "abc", buf, 3), -E2BIG);
	assert_int_equal(sim_gsm_septets("a€", &units), 3);
	assert_int_equal(sim_gsm_septets("aç", &units), -1);
	assert_int_equal(units, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transcript),
		cmocka_unit_test(test_send_latency_report),
		cmocka_unit_test(test_inbound_cmt_cnma_and_full),
		cmocka_unit_test(test_pin_hang_error_all_unplug),
		cmocka_unit_test(test_detach_abandons_prompt),
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_charsets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
