/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_modem.c - the generic modem driver without I/O: a scripted fake
 * modem answers each command written by the driver (rules: command ->
 * bytes), a fake clock drives timeouts.  Covers init on a healthy modem,
 * a Huawei sending ^RSSI/^MODE storms, the SIM PIN flow and its refusals,
 * multipart send with +CMMS, a +CMS ERROR on part 2, a +CMTI during
 * +CMGS, a +CMGL sweep with corpus lines, +CDSI "SM" on a Quectel, and a
 * modem going silent.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "smsmatch/modem.h"

/* ---- the fake modem */

#define RULES_MAX 512
#define SENT_MAX  256

struct rule {
	const char *cmd;   /* exact command without CR; "PDU" for a PDU */
	const char *reply; /* bytes answered */
	int times;	   /* uses left, -1 forever */
};

struct fake {
	struct rule rules[RULES_MAX];
	int nrules;
	char cmdbuf[1024]; /* bytes of the command being written */
	size_t cmdlen;
	char *sent[SENT_MAX]; /* commands seen, in order */
	int nsent;
	char pending[16384]; /* replies waiting to be fed */
	size_t npending;
	uint64_t now;
	const char *noise; /* sent before every reply (Huawei storm) */
	/* owner side */
	enum sm_modem_state state;
	char reason[200];
	struct sm_sms got[8];
	unsigned got_id[8];
	int ngot;
	struct sm_modem_send_result res;
	int nres;
};

static void on(struct fake *f, const char *cmd, const char *reply, int times)
{
	assert_true(f->nrules < RULES_MAX);
	f->rules[f->nrules++] = (struct rule){cmd, reply, times};
}

static void queue_reply(struct fake *f, const char *s)
{
	size_t n = strlen(s);

	assert_true(f->npending + n < sizeof(f->pending));
	memcpy(f->pending + f->npending, s, n);
	f->npending += n;
}

static void command(struct fake *f, const char *cmd)
{
	assert_true(f->nsent < SENT_MAX);
	f->sent[f->nsent++] = strdup(cmd);
	if (f->noise)
		queue_reply(f, f->noise);
	/* the latest rule added wins */
	for (int i = f->nrules - 1; i >= 0; i--) {
		struct rule *r = &f->rules[i];

		if (r->times == 0 || strcmp(r->cmd, cmd) != 0)
			continue;
		if (r->times > 0)
			r->times--;
		queue_reply(f, r->reply);
		return;
	}
	queue_reply(f, "\r\nERROR\r\n");
}

static int fake_write(void *data, const void *buf, size_t len)
{
	struct fake *f = data;
	const char *p = buf;

	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\r' || p[i] == 0x1a) {
			f->cmdbuf[f->cmdlen] = '\0';
			command(f, p[i] == 0x1a ? "PDU" : f->cmdbuf);
			f->cmdlen = 0;
			continue;
		}
		if (p[i] == '\n')
			continue;
		assert_true(f->cmdlen + 1 < sizeof(f->cmdbuf));
		f->cmdbuf[f->cmdlen++] = p[i];
	}
	return 0;
}

static uint64_t fake_now(void *data)
{
	return ((struct fake *)data)->now;
}

/* Feed every queued reply (replies may queue more). */
static void pump(struct fake *f, struct sm_modem *m)
{
	for (int guard = 0; f->npending && guard < 1000; guard++) {
		char chunk[16384];
		size_t n = f->npending;

		memcpy(chunk, f->pending, n);
		f->npending = 0;
		sm_modem_feed(m, chunk, n);
	}
}

static int sent_index(const struct fake *f, const char *cmd, int from)
{
	for (int i = from; i < f->nsent; i++)
		if (strcmp(f->sent[i], cmd) == 0)
			return i;
	return -1;
}

static void state_cb(struct sm_modem *m, enum sm_modem_state s,
		     const struct sm_error *err, void *data)
{
	struct fake *f = data;

	f->state = s;
	if (s == SM_MODEM_DOWN)
		snprintf(f->reason, sizeof(f->reason), "%s",
			 sm_modem_info(m)->down_reason);
	(void)err;
}

static void inbound_cb(struct sm_modem *m, const struct sm_modem_msg *msg,
		       void *data)
{
	struct fake *f = data;

	(void)m;
	assert_true(f->ngot < 8);
	f->got[f->ngot] = *msg->sms;
	f->got_id[f->ngot++] = msg->id;
}

static void send_cb(struct sm_modem *m, const struct sm_modem_send_result *r,
		    void *data)
{
	struct fake *f = data;

	(void)m;
	f->res = *r;
	f->nres++;
}

/* A healthy LTE modem, echo off already, like the simulator's defaults. */
static void healthy(struct fake *f)
{
	on(f, "AT", "\r\nOK\r\n", -1);
	on(f, "ATE0", "ATE0\r\r\nOK\r\n", -1);
	on(f, "AT+CMEE=1", "\r\nOK\r\n", -1);
	on(f, "AT+CGMI", "\r\nsmsmatch\r\n\r\nOK\r\n", -1);
	on(f, "AT+CGMM", "\r\nSIM-LTE\r\n\r\nOK\r\n", -1);
	on(f, "AT+CGMR", "\r\nREV 1.0\r\n\r\nOK\r\n", -1);
	on(f, "AT+CGSN", "\r\n356938035643809\r\n\r\nOK\r\n", -1);
	on(f, "AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n", -1);
	on(f, "AT+CIMI", "\r\n208011234567890\r\n\r\nOK\r\n", -1);
	on(f, "AT+CCID", "\r\n+CCID: 89330123456789012345\r\n\r\nOK\r\n", -1);
	on(f, "AT+CREG?", "\r\n+CREG: 0,1\r\n\r\nOK\r\n", -1);
	on(f, "AT+CEREG?", "\r\n+CEREG: 0,1\r\n\r\nOK\r\n", -1);
	on(f, "AT+COPS?", "\r\n+COPS: 0,0,\"Orange F\",7\r\n\r\nOK\r\n", -1);
	on(f, "AT+CSQ", "\r\n+CSQ: 20,99\r\n\r\nOK\r\n", -1);
	on(f, "AT+CMGF=?", "\r\n+CMGF: (0,1)\r\n\r\nOK\r\n", -1);
	on(f, "AT+CMGF=0", "\r\nOK\r\n", -1);
	on(f, "AT+CSCA?", "\r\n+CSCA: \"+33695000695\",145\r\n\r\nOK\r\n", -1);
	on(f, "AT+CPMS=?",
	   "\r\n+CPMS: (\"SM\",\"ME\",\"SR\"),(\"SM\",\"ME\"),(\"SM\",\"ME\")"
	   "\r\n\r\nOK\r\n",
	   -1);
	on(f, "AT+CPMS=\"ME\",\"ME\",\"ME\"",
	   "\r\n+CPMS: 0,30,0,30,0,30\r\n\r\nOK\r\n", -1);
	on(f, "AT+CPMS?",
	   "\r\n+CPMS: \"ME\",2,30,\"ME\",2,30,\"ME\",2,30\r\n\r\nOK\r\n", -1);
	on(f, "AT+CSMS=1", "\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n", -1);
	on(f, "AT+CNMI=?",
	   "\r\n+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)\r\n\r\nOK\r\n", -1);
	on(f, "AT+CNMI=2,1,0,2,0", "\r\nOK\r\n", -1);
	on(f, "AT+CMGL=4", "\r\nOK\r\n", -1);
	on(f, "AT+CMMS=2", "\r\nOK\r\n", -1);
	on(f, "AT+CPMS=\"SR\"", "\r\n+CPMS: 1,30,0,30,0,30\r\n\r\nOK\r\n", -1);
	on(f, "AT+CPMS=\"ME\"", "\r\n+CPMS: 0,30,0,30,0,30\r\n\r\nOK\r\n", -1);
}

static struct sm_modem *start(struct fake *f, const char *pin_file,
			      const char *profile)
{
	struct sm_modem_config cfg = {
		.name = "fake",
		.pin_file = pin_file,
		.profile = profile,
		.cmd_timeout_ms = 1000,
		.send_timeout_ms = 5000,
	};
	struct sm_modem_ops ops = {.state = state_cb, .inbound = inbound_cb};
	struct sm_modem_io io = {.write = fake_write, .now = fake_now};
	struct sm_modem *m = sm_modem_new(&cfg, NULL, &ops, f);

	assert_non_null(m);
	f->now = 1000;
	assert_int_equal(sm_modem_attach(m, &io, f), 0);
	pump(f, m);
	return m;
}

static struct fake *fake_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	return f;
}

static void fake_free(struct fake *f)
{
	for (int i = 0; i < f->nsent; i++)
		free(f->sent[i]);
	free(f);
}

/* ---- tests */

static void init_healthy(void **state)
{
	struct fake *f = fake_new();
	struct sm_modem *m;
	const struct sm_modem_info *i;

	(void)state;
	healthy(f);
	m = start(f, NULL, NULL);
	assert_int_equal(f->state, SM_MODEM_READY);
	i = sm_modem_info(m);
	assert_int_equal(i->state, SM_MODEM_READY);
	assert_string_equal(i->profile, "generic");
	assert_string_equal(i->manufacturer, "smsmatch");
	assert_string_equal(i->model, "SIM-LTE");
	assert_string_equal(i->revision, "REV 1.0");
	assert_string_equal(i->imei, "356938035643809");
	assert_string_equal(i->imsi, "208011234567890");
	assert_string_equal(i->iccid, "89330123456789012345");
	assert_int_equal(i->sim, SM_SIM_READY);
	assert_int_equal(i->creg, 1);
	assert_int_equal(i->cereg, 1);
	assert_string_equal(i->operator_name, "Orange F");
	assert_int_equal(i->act, 7);
	assert_int_equal(i->rssi, 20);
	assert_int_equal(i->dbm, -73);
	assert_string_equal(i->smsc, "+33695000695");
	assert_true(i->pdu_mode);
	assert_true(i->text_mode);
	assert_string_equal(i->storages, "SM,ME,SR");
	assert_string_equal(i->mem, "ME");
	assert_int_equal(i->mem_used, 2);
	assert_int_equal(i->mem_total, 30);
	assert_true(i->csms1);
	assert_string_equal(i->cnmi, "2,1,0,2,0");
	/* the start-up sweep of ME, then of SR (reports kept with ds=2) */
	assert_true(sent_index(f, "AT+CMGL=4", 0) > 0);
	assert_true(sent_index(f, "AT+CPMS=\"SR\"", 0) > 0);
	assert_true(sent_index(f, "AT+CPIN=\"", 0) < 0);
	assert_int_equal(sent_index(f, "AT", 0), 0);
	assert_int_equal(sent_index(f, "ATE0", 0), 1);
	sm_modem_free(m);
	fake_free(f);
}

static void init_huawei_storm(void **state)
{
	struct fake *f = fake_new();
	struct sm_modem *m;
	const struct sm_modem_info *i;

	(void)state;
	healthy(f);
	/* Huawei E1752 (gammu #477): ^RSSI/^MODE/^SRVST before each reply */
	f->noise = "\r\n^RSSI:14\r\n\r\n^MODE:5,4\r\n^SRVST:0\r\n";
	on(f, "AT+CGMI", "\r\n^RSSI:10\r\nhuawei\r\n\r\nOK\r\n", -1);
	on(f, "AT+CGMM", "\r\nE1752\r\n\r\nOK\r\n", -1);
	on(f, "AT^CURC=0", "\r\nOK\r\n", -1);
	on(f, "AT+CMGF=?", "\r\nCOMMAND NOT SUPPORT\r\n", -1);
	m = start(f, NULL, NULL);
	assert_int_equal(f->state, SM_MODEM_READY);
	i = sm_modem_info(m);
	assert_string_equal(i->profile, "huawei");
	assert_string_equal(i->manufacturer, "huawei");
	assert_string_equal(i->model, "E1752");
	assert_string_equal(i->revision, "REV 1.0");
	assert_string_equal(i->imsi, "208011234567890");
	assert_int_equal(i->rssi, 20);
	assert_true(sent_index(f, "AT^CURC=0", 0) >
		    sent_index(f, "AT+CGMM", 0));
	assert_true(sent_index(f, "AT^CURC=0", 0) <
		    sent_index(f, "AT+CPIN?", 0));
	sm_modem_free(m);
	fake_free(f);
}

static char *pin_file(mode_t mode, const char *content)
{
	char *path = strdup("/tmp/test_modem_pin.XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)),
			 (ssize_t)strlen(content));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

static void sim_pin(void **state)
{
	struct fake *f = fake_new();
	char *path = pin_file(0600, "1234\n");
	struct sm_modem *m;
	int pin, check;

	(void)state;
	healthy(f);
	on(f, "AT+CPIN?", "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n", 1);
	on(f, "AT+CPIN=\"1234\"", "\r\nOK\r\n", 1);
	m = start(f, path, NULL);
	assert_int_equal(f->state, SM_MODEM_READY);
	pin = sent_index(f, "AT+CPIN=\"1234\"", 0);
	assert_true(pin > 0);
	check = sent_index(f, "AT+CPIN?", pin);
	assert_true(check > pin);
	assert_int_equal(sm_modem_info(m)->sim, SM_SIM_READY);
	sm_modem_free(m);
	unlink(path);
	free(path);
	fake_free(f);
}

static void sim_pin_refused(void **state)
{
	static const struct {
		mode_t mode;	     /* of the pin file; 0: none */
		const char *content; /* of the pin file */
		const char *cpin;    /* +CPIN? answer */
		const char *reason;  /* expected in the message */
	} v[] = {
		{0, NULL, "+CPIN: SIM PIN", "SIM PIN required: set pin_file"},
		{0644, "1234", "+CPIN: SIM PIN", "mode 0600"},
		{0600, "12ab", "+CPIN: SIM PIN", "4 to 8 digits"},
		{0, NULL, "+CPIN: SIM PUK", "SIM PUK required"},
	};

	(void)state;
	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
		struct fake *f = fake_new();
		char *path =
			v[k].mode ? pin_file(v[k].mode, v[k].content) : NULL;
		char reply[64];
		struct sm_modem *m;

		healthy(f);
		snprintf(reply, sizeof(reply), "\r\n%s\r\n\r\nOK\r\n",
			 v[k].cpin);
		on(f, "AT+CPIN?", reply, -1);
		m = start(f, path, NULL);
		assert_int_equal(f->state, SM_MODEM_DOWN);
		assert_non_null(strstr(f->reason, v[k].reason));
		assert_int_equal(sent_index(f, "AT+CMGF=0", 0), -1);
		for (int i = 0; i < f->nsent; i++)
			assert_null(strstr(f->sent[i], "AT+CPIN=\""));
		sm_modem_free(m);
		if (path) {
			unlink(path);
			free(path);
		}
		fake_free(f);
	}
}

static const char long_text[] =
	"Bonjour, une formation de cariste débute le 12 mars à Rennes. "
	"Êtes-vous intéressé(e) ? Répondez OUI ou NON. Vous pouvez aussi "
	"nous écrire vos questions : horaires, transport, garde d'enfants, "
	"aides de la région. À bientôt, votre conseillère.";

static void send_multipart(void **state)
{
	struct fake *f = fake_new();
	struct sm_modem *m;
	int cmms, first;

	(void)state;
	healthy(f);
	m = start(f, NULL, NULL);
	assert_int_equal(f->state, SM_MODEM_READY);
	for (int len = 10; len < 200; len++) {
		static char cmds[200][16];

		snprintf(cmds[len], sizeof(cmds[len]), "AT+CMGS=%d", len);
		on(f, cmds[len], "\r\n> ", -1);
	}
	/* rules are searched newest first: part 1 answers mr 40 */
	for (int i = 7; i >= 0; i--) {
		static char cmgs[8][32];

		snprintf(cmgs[i], sizeof(cmgs[i]),
			 "\r\n+CMGS: %d\r\n\r\nOK\r\n", 40 + i);
		on(f, "PDU", cmgs[i], 1);
	}
	assert_int_equal(
		sm_modem_send(m, "+33612345678", long_text, NULL, send_cb, f),
		0);
	pump(f, m);
	assert_int_equal(f->nres, 1);
	assert_int_equal(f->res.err.kind, SM_ERR_NONE);
	assert_int_equal(f->res.coding, SM_CODING_UCS2);
	assert_true(f->res.parts >= 3);
	assert_int_equal(f->res.sent, f->res.parts);
	assert_int_equal(f->res.failed_part, 0);
	for (unsigned i = 0; i < f->res.parts; i++)
		assert_int_equal(f->res.mr[i], 40 + (int)i);
	cmms = sent_index(f, "AT+CMMS=2", 0);
	first = -1;
	for (int i = 0; i < f->nsent && first < 0; i++)
		if (strncmp(f->sent[i], "AT+CMGS=", 8) == 0)
			first = i;
	assert_true(cmms >= 0 && cmms < first);
	assert_int_equal(sm_modem_info(m)->sent_parts, f->res.parts);
	assert_int_equal(sm_modem_info(m)->sent_msgs, 1);
	sm_modem_free(m);
	fake_free(f);
}

static void send_cms_error_part2(void **state)
{
	struct fake *f = fake_new();
	struct sm_modem *m;
	int ncmgs = 0;

	(void)state;
	healthy(f);
	m = start(f, NULL, NULL);
	for (int len = 10; len < 200; len++) {
		static char cmds[200][16];

		snprintf(cmds[len], sizeof(cmds[len]), "AT+CMGS=%d", len);
		on(f, cmds[len], "\r\n> ", -1);
	}
	on(f, "PDU", "\r\n+CMS ERROR: 500\r\n", 1);    /* part 2 */
	on(f, "PDU", "\r\n+CMGS: 7\r\n\r\nOK\r\n", 1); /* part 1 */
	assert_int_equal(
		sm_modem_send(m, "+33612345678", long_text, NULL, send_cb, f),
		0);
	pump(f, m);
	assert_int_equal(f->nres, 1);
	assert_int_equal(f->res.err.kind, SM_ERR_CMS);
	assert_int_equal(f->res.err.code, 500);
	assert_int_equal(f->res.sent, 1);
	assert_int_equal(f->res.failed_part, 2);
	assert_int_equal(f->res.mr[0], 7);
	for (int i = 0; i < f->nsent; i++)
		ncmgs += strncmp(f->sent[i], "AT+CMGS=", 8) == 0;
	assert_int_equal(ncmgs, 2); /* part 3 never tried */
	assert_int_equal(sm_modem_info(m)->send_failures, 1);
	/* the modem stays up: a CMS error is the network's answer */
	assert_int_equal(sm_modem_info(m)->state, SM_MODEM_READY);
	sm_modem_free(m);
	fake_free(f);
}


/* Owner's per-part journal for send_resume_hooks. */
struct journal {
	struct fake *f;		/* the fake modem, to count commands */
	char events[16][24];	/* "w2" (writing part 2), "s2:41" (sent) */
	int n;			/* events so far */
	unsigned cancel_at;	/* part whose writing hook refuses, 0 none */
	int cmgs_before;	/* AT+CMGS written before this send */
	unsigned first;		/* first part of this send */
};

static int journal_writing(struct sm_modem *m, unsigned part, unsigned parts,
			   void *data)
{
	struct journal *j = data;
	int ncmgs = 0;

	(void)m;
	(void)parts;
	/* Called before the part's AT+CMGS reaches the modem. */
	for (int i = 0; i < j->f->nsent; i++)
		ncmgs += strncmp(j->f->sent[i], "AT+CMGS=", 8) == 0;
	assert_int_equal(ncmgs - j->cmgs_before, (int)(part - j->first));
	snprintf(j->events[j->n++], sizeof(j->events[0]), "w%u", part);
	return part == j->cancel_at ? -1 : 0;
}

static void journal_sent(struct sm_modem *m, unsigned part, int mr,
			 void *data)
{
	struct journal *j = data;

	(void)m;
	snprintf(j->events[j->n++], sizeof(j->events[0]), "s%u:%d", part, mr);
}

static void journal_done(struct sm_modem *m,
			 const struct sm_modem_send_result *r, void *data)
{
	struct journal *j = data;

	send_cb(m, r, j->f);
}

/*
 * A message resumed after a crash: parts 1 and 2 went out before, the
 * daemon restarts at part 3 with the same concatenation reference, and
 * journals every part before and after it is written.
 */
static void send_resume_hooks(void **state)
{
	struct fake *f = fake_new();
	struct journal j = {.f = f, .first = 3};
	struct sm_modem_send_opts o = {
		.mode = SM_TEXT_AUTO,
		.validity_minutes = -1,
		.concat_ref = 77,
		.first_part = 3,
		.part_writing = journal_writing,
		.part_sent = journal_sent,
	};
	struct sm_sms sms;
	struct sm_modem *m;
	int ncmgs = 0;

	(void)state;
	healthy(f);
	m = start(f, NULL, NULL);
	for (int len = 10; len < 200; len++) {
		static char cmds[200][16];

		snprintf(cmds[len], sizeof(cmds[len]), "AT+CMGS=%d", len);
		on(f, cmds[len], "\r\n> ", -1);
	}
	on(f, "PDU", "\r\n+CMGS: 42\r\n\r\nOK\r\n", 1);
	on(f, "PDU", "\r\n+CMGS: 41\r\n\r\nOK\r\n", 1);
	assert_int_equal(sm_modem_send(m, "+33612345678", long_text, &o,
				       journal_done, &j),
			 0);
	pump(f, m);
	assert_int_equal(f->nres, 1);
	assert_int_equal(f->res.err.kind, SM_ERR_NONE);
	assert_int_equal(f->res.parts, 4);
	assert_int_equal(f->res.sent, 4);
	assert_int_equal(f->res.mr[0], -1); /* sent before the restart */
	assert_int_equal(f->res.mr[2], 41);
	assert_int_equal(f->res.mr[3], 42);
	assert_int_equal(j.n, 4);
	assert_string_equal(j.events[0], "w3");
	assert_string_equal(j.events[1], "s3:41");
	assert_string_equal(j.events[2], "w4");
	assert_string_equal(j.events[3], "s4:42");
	/* Only parts 3 and 4 were written, with reference 77, seq 3 and 4. */
	for (int i = 0; i < f->nsent; i++) {
		if (strncmp(f->sent[i], "AT+CMGS=", 8) == 0)
			ncmgs++;
		if (strlen(f->sent[i]) > 40 &&
		    sm_pdu_decode(f->sent[i], -1, &sms, NULL, 0) == 0) {
			assert_int_equal(sms.concat.ref, 77);
			assert_int_equal(sms.concat.total, 4);
			assert_true(sms.concat.seq >= 3);
		}
	}
	assert_int_equal(ncmgs, 2);

	/* The owner refuses part 2 (cancelled meanwhile): nothing written. */
	j.n = 0;
	j.cancel_at = 2;
	j.first = 2;
	j.cmgs_before = ncmgs;
	o.first_part = 2;
	f->nres = 0;
	ncmgs = f->nsent;
	assert_int_equal(sm_modem_send(m, "+33612345678", long_text, &o,
				       journal_done, &j),
			 0);
	pump(f, m);
	assert_int_equal(f->nres, 1);
	assert_int_equal(f->res.err.kind, SM_ERR_CANCELLED);
	assert_int_equal(f->res.failed_part, 2);
	for (int i = ncmgs; i < f->nsent; i++)
		assert_true(strncmp(f->sent[i], "AT+CMGS=", 8) != 0);
	/* A first part beyond the message is refused at once. */
	o.first_part = 9;
	assert_int_equal(sm_modem_send(m, "+33612345678", long_text, &o,
				       journal_done, &j),
			 -EINVAL);
	assert_int_equal(sm_modem_info(m)->state, SM_MODEM_READY);
	sm_modem_free(m);
	fake_free(f);
}

/*
 * A burst of +CMTI beyond the reads the driver keeps under way (a modem
 * that stored many SMS while nobody listened): the ones it could not
 * queue are found by a sweep right after the reads, not minutes later.
 */
static void cmti_burst_sweeps(void **state)
{
	struct fake *f = fake_new();
	struct sm_modem *m;
	char burst[2048] = "";
	int last_cmgr = -1, sweep;

	(void)state;
	healthy(f);
	m = start(f, NULL, NULL);
	for (int i = 1; i <= 24; i++) {
		static char cmds[25][16];

		snprintf(cmds[i], sizeof(cmds[i]), "AT+CMGR=%d", i);
		on(f, cmds[i], "\r\nOK\r\n", -1); /* empty slot */
		snprintf(burst + strlen(burst), sizeof(burst) - strlen(burst),
			 "\r\n+CMTI: \"ME\",%d\r\n", i);
	}
	sm_modem_feed(m, burst, strlen(burst));
	pump(f, m);
	for (int i = 0; i < f->nsent; i++)
		if (strncmp(f->sent[i], "AT+CMGR=", 8) == 0)
			last_cmgr = i;
	assert_true(last_cmgr > 0);
	sweep = sent_index(f, "AT+CMGL=4", last_cmgr);
	assert_true(sweep > last_cmgr);
	assert_int_equal(f->state, SM_MODEM_READY);
	sm_modem_free(m);
	fake_free(f);
}

/* V006 of tests/corpus/pdus.tsv: "Test" ... a 7-bit SMS-DELIVER */
static const char deliver_pdu[] =
	"07913366003051F5040B913366304381F900005180719120348004D4F29C0E";

static void cmti_during_cmgs(void **state)
{
	struct fake *f = fake_new();
	struct sm_modem *m;
	char reply[256];
	int cmgr;

	(void)state;
	healthy(f);
	m = start(f, NULL, NULL);
	on(f, "AT+CMGS=17", "\r\n+CMTI: \"ME\",3\r\n> ", -1);
	on(f, "AT+CMGS=18", "\r\n+CMTI: \"ME\",3\r\n> ", -1);
	on(f, "AT+CMGS=19", "\r\n+CMTI: \"ME\",3\r\n> ", -1);
	on(f, "PDU", "\r\n+CMTI: \"ME\",3\r\n+CMGS: 9\r\n\r\nOK\r\n", 1);
	snprintf(reply, sizeof(reply), "\r\n+CMGR: 0,,23\r\n%s\r\n\r\nOK\r\n",
		 deliver_pdu);
	on(f, "AT+CMGR=3", reply, -1);
	on(f, "AT+CMGD=3", "\r\nOK\r\n", -1);
	assert_int_equal(
		sm_modem_send(m, "+33612345678", "Salut", NULL, send_cb, f), 0);
	pump(f, m);
	assert_int_equal(f->nres, 1);
	assert_int_equal(f->res.err.kind, SM_ERR_NONE);
	assert_int_equal(f->res.mr[0], 9);
	cmgr = sent_index(f, "AT+CMGR=3", 0);
	assert_true(cmgr > 0);
	/* read once although announced twice */
	assert_int_equal(sent_index(f, "AT+CMGR=3", cmgr + 1), -1);
	assert_int_equal(f->ngot, 1);
	assert_int_equal(f->got[0].type, SM_PDU_DELIVER);
	assert_string_equal(f->got[0].number, "+33660334189");
	assert_string_equal(f->got[0].text, "Test");
	/* not deleted until acknowledged */
	assert_int_equal(sent_index(f, "AT+CMGD=3", 0), -1);
	assert_int_equal(sm_modem_ack(m, f->got_id[0]), 0);
	pump(f, m);
	assert_true(sent_index(f, "AT+CMGD=3", 0) > cmgr);
	assert_int_equal(sm_modem_ack(m, f->got_id[0]), -ENOENT);
	sm_modem_free(m);
	fake_free(f);
}

static void cmgl_sweep_corpus(void **state)
{
	struct fake *f = fake_new();
	struct sm_modem *m;
	char reply[1024];

	(void)state;
	healthy(f);
	/*
	 * A deliver ("+CMGL: 0,0,,23": brovi/huawei corpus style) and a
	 * stored sent message with no <alpha> field ("+CMGL: 17,3,35",
	 * gammu dump, its PDU cut short in the capture) that must not be
	 * handed over: it is neither deliverable nor decodable.
	 */
	snprintf(reply, sizeof(reply),
		 "\r\n+CMGL: 0,0,,23\r\n%s\r\n"
		 "+CMGL: 17,3,35\r\n079100F40D1101000F001000B917118336058F3000"
		 "01954747A0E4ACF41F27298CDCE83C6EF371B0402814020\r\n"
		 "\r\nOK\r\n",
		 deliver_pdu);
	on(f, "AT+CMGL=4", reply, 1);
	m = start(f, NULL, NULL);
	assert_int_equal(f->state, SM_MODEM_READY);
	assert_int_equal(f->ngot, 1);
	assert_string_equal(f->got[0].text, "Test");
	/* a second sweep does not hand it again before the ack */
	on(f, "AT+CMGL=4", reply, 1);
	assert_int_equal(sm_modem_sweep(m), 0);
	pump(f, m);
	assert_int_equal(f->ngot, 1);
	on(f, "AT+CMGD=0", "\r\nOK\r\n", -1);
	assert_int_equal(sm_modem_ack(m, f->got_id[0]), 0);
	pump(f, m);
	assert_true(sent_index(f, "AT+CMGD=0", 0) > 0);
	assert_int_equal(sm_modem_info(m)->received, 1);
	sm_modem_free(m);
	fake_free(f);
}

/* V031 of tests/corpus/pdus.tsv: a status report, "delivered" */
static const char report_pdu[] =
	"07917248014000F506B70AA18092020000317071518590803170715185418000";

static void cdsi_sm_quectel(void **state)
{
	struct fake *f = fake_new();
	struct sm_modem *m;
	char reply[256];
	int sr, cmgr, back;

	(void)state;
	healthy(f);
	on(f, "AT+CGMI", "\r\nQuectel\r\n\r\nOK\r\n", -1);
	on(f, "AT+CGMM", "\r\nEC25\r\n\r\nOK\r\n", -1);
	on(f, "AT+QCCID", "\r\n+QCCID: 89330123456789012349\r\n\r\nOK\r\n", -1);
	snprintf(reply, sizeof(reply), "\r\n+CMGR: 0,,24\r\n%s\r\n\r\nOK\r\n",
		 report_pdu);
	on(f, "AT+CMGR=0", reply, -1);
	m = start(f, NULL, NULL);
	assert_int_equal(f->state, SM_MODEM_READY);
	assert_string_equal(sm_modem_info(m)->profile, "quectel");
	assert_string_equal(sm_modem_info(m)->iccid, "89330123456789012349");
	assert_int_equal(sent_index(f, "AT+CCID", 0), -1);
	queue_reply(f, "\r\n+CDSI: \"SM\",0\r\n");
	pump(f, m);
	cmgr = sent_index(f, "AT+CMGR=0", 0);
	assert_true(cmgr > 0);
	sr = cmgr - 1;
	assert_string_equal(f->sent[sr], "AT+CPMS=\"SR\"");
	back = sent_index(f, "AT+CPMS=\"ME\"", cmgr);
	assert_int_equal(back, cmgr + 1);
	assert_int_equal(f->ngot, 1);
	assert_int_equal(f->got[0].type, SM_PDU_STATUS_REPORT);
	assert_int_equal(f->got[0].status, 0);
	/* the ack deletes it in SR */
	on(f, "AT+CMGD=0", "\r\nOK\r\n", -1);
	assert_int_equal(sm_modem_ack(m, f->got_id[0]), 0);
	pump(f, m);
	cmgr = sent_index(f, "AT+CMGD=0", 0);
	assert_true(cmgr > 0);
	assert_string_equal(f->sent[cmgr - 1], "AT+CPMS=\"SR\"");
	assert_int_equal(sm_modem_info(m)->reports, 1);
	sm_modem_free(m);
	fake_free(f);
}

/* Health refresh: new signal and registration; a hang found while idle. */
static void refresh_health(void **state)
{
	struct fake *f = fake_new();
	struct sm_modem *m;

	(void)state;
	healthy(f);
	m = start(f, NULL, NULL);
	assert_int_equal(f->state, SM_MODEM_READY);
	assert_int_equal(sm_modem_info(m)->dbm, -73);
	/* rules are searched newest first */
	on(f, "AT+CSQ", "\r\n+CSQ: 5,99\r\n\r\nOK\r\n", -1);
	on(f, "AT+CEREG?", "\r\n+CEREG: 0,5\r\n\r\nOK\r\n", -1);
	assert_int_equal(sm_modem_refresh(m), 0);
	pump(f, m);
	assert_int_equal(sm_modem_info(m)->dbm, -103);
	assert_int_equal(sm_modem_info(m)->bars, 1);
	assert_int_equal(sm_modem_info(m)->cereg, 5);
	assert_int_equal(f->state, SM_MODEM_READY);

	/* The modem hangs while idle: the refresh times out, it goes down. */
	on(f, "AT+CREG?", "", -1);
	assert_int_equal(sm_modem_refresh(m), 0);
	pump(f, m);
	f->now += 1000;
	sm_modem_tick(m);
	assert_int_equal(f->state, SM_MODEM_DOWN);
	assert_non_null(strstr(f->reason, "AT+CREG?"));
	assert_int_equal(sm_modem_refresh(m), -ENOTCONN);
	sm_modem_free(m);
	fake_free(f);
}

static void silent_modem(void **state)
{
	struct fake *f = fake_new();
	struct sm_modem *m;

	(void)state;
	healthy(f);
	on(f, "AT+CSQ", "", -1); /* goes silent */
	m = start(f, NULL, NULL);
	assert_int_equal(sm_modem_info(m)->state, SM_MODEM_INIT);
	assert_int_equal(sm_modem_deadline(m), f->now + 1000);
	f->now += 999;
	sm_modem_tick(m);
	assert_int_equal(sm_modem_info(m)->state, SM_MODEM_INIT);
	f->now += 1;
	sm_modem_tick(m);
	assert_int_equal(f->state, SM_MODEM_DOWN);
	assert_non_null(strstr(f->reason, "no answer"));
	assert_non_null(strstr(f->reason, "AT+CSQ"));
	assert_int_equal(sm_modem_info(m)->timeouts, 1);
	assert_int_equal(sm_modem_deadline(m), UINT64_MAX);
	assert_int_equal(
		sm_modem_send(m, "+33612345678", "x", NULL, send_cb, f),
		-ENOTCONN);
	sm_modem_free(m);
	fake_free(f);
}

static void error_all(void **state)
{
	struct fake *f = fake_new();
	struct sm_modem *m;

	(void)state;
	m = start(f, NULL, NULL); /* no rules: ERROR to everything */
	assert_int_equal(f->state, SM_MODEM_DOWN);
	assert_non_null(strstr(f->reason, "answers ERROR to AT"));
	assert_int_equal(f->nsent, 1);
	sm_modem_free(m);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_healthy),
		cmocka_unit_test(init_huawei_storm),
		cmocka_unit_test(sim_pin),
		cmocka_unit_test(sim_pin_refused),
		cmocka_unit_test(send_multipart),
		cmocka_unit_test(send_cms_error_part2),
		cmocka_unit_test(send_resume_hooks),
		cmocka_unit_test(cmti_during_cmgs),
		cmocka_unit_test(cmti_burst_sweeps),
		cmocka_unit_test(cmgl_sweep_corpus),
		cmocka_unit_test(cdsi_sm_quectel),
		cmocka_unit_test(refresh_health),
		cmocka_unit_test(silent_modem),
		cmocka_unit_test(error_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
