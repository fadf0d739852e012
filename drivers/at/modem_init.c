/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem_init.c - the init sequence of the generic driver, as data.
 *
 * The plan is: the early steps (AT, ATE0, +CMEE, +CGMI, +CGMM), then the
 * matched profile's extra steps, then the late steps (identity, SIM and
 * PIN, registration, signal, PDU mode, SMSC, storage, +CSMS, +CNMI).  Each
 * step is a struct sm_modem_step; run_step() sends it and step_cb() asks
 * its processor what to do next.  A timeout or an I/O error on any step
 * takes the modem DOWN (the modem is not answering); an ERROR fails init
 * only on a required step.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smsmatch/at.h"
#include "smsmatch/modem.h"

#include "modem_priv.h"

static void run_step(struct sm_modem *m);

static void step_failf(struct sm_modem *m, const struct sm_at_response *res,
		       const char *what)
{
	char e[128];

	sm_error_str(&res->err, e, sizeof(e));
	sm_modem_fail(m, &res->err, "%s: %s failed (%s)", sm_modem_dev(m), what,
		      e);
}

static bool ok(const struct sm_at_response *res)
{
	return res->err.kind == SM_ERR_NONE;
}

/* Copy @s into @buf trimmed of spaces and quotes. */
static void copy_trim(char *buf, size_t len, const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '"')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '"' || s[n - 1] == '\r'))
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/*
 * The identity line of +CGMI/+CGMM/+CGMR/+CGSN/+CIMI (taken without a
 * prefix): the first line that is not an unsolicited code.  Some modems
 * answer "+CGMI: SIMCOM_Ltd"; the prefix is removed.  Huawei modems send
 * "^RSSI:14" and "^MODE:5,4" at any time before ^CURC=0 (Huawei E1752,
 * gammu issue #477: "^MODE:5,4", "^RSSI:14"), so '^' lines are skipped.
 */
static bool identity_line(const struct sm_at_response *res, const char *pfx,
			  char *buf, size_t len)
{
	for (size_t i = 0; i < res->nlines; i++) {
		const char *l = res->lines[i];
		size_t pl = strlen(pfx);

		if (!*l || l[0] == '^')
			continue;
		if (strncmp(l, pfx, pl) == 0) {
			copy_trim(buf, len, l + pl);
			return true;
		}
		if (l[0] == '+' && strchr(l, ':'))
			continue;
		copy_trim(buf, len, l);
		return true;
	}
	return false;
}

static enum sm_step_verdict at_process(struct sm_modem *m,
				       const struct sm_at_response *res)
{
	if (ok(res))
		return SM_STEP_NEXT;
	sm_modem_fail(m, &res->err,
		      "%s: the modem answers %s to AT: is it a modem, and "
		      "is it working?",
		      sm_modem_dev(m), *res->final ? res->final : "ERROR");
	return SM_STEP_FAIL;
}

static void register_ignored(struct sm_modem *m)
{
	const char *const *u = m->profile ? m->profile->ignored_urcs : NULL;

	for (; u && *u && m->nurcs < SM_MODEM_URCS_MAX; u++) {
		int id = sm_at_register(m->at, *u, false, sm_modem_noop_urc, m);

		if (id > 0)
			m->urcs[m->nurcs++] = id;
	}
}

static void plan_rest(struct sm_modem *m);

static enum sm_step_verdict cgmi_process(struct sm_modem *m,
					 const struct sm_at_response *res)
{
	if (ok(res))
		identity_line(res, "+CGMI:", m->info.manufacturer,
			      sizeof(m->info.manufacturer));
	return SM_STEP_NEXT;
}

static enum sm_step_verdict cgmm_process(struct sm_modem *m,
					 const struct sm_at_response *res)
{
	if (ok(res))
		identity_line(res, "+CGMM:", m->info.model,
			      sizeof(m->info.model));
	plan_rest(m);
	return SM_STEP_NEXT;
}

static enum sm_step_verdict cgmr_process(struct sm_modem *m,
					 const struct sm_at_response *res)
{
	if (ok(res))
		identity_line(res, "+CGMR:", m->info.revision,
			      sizeof(m->info.revision));
	return SM_STEP_NEXT;
}

static enum sm_step_verdict cgsn_process(struct sm_modem *m,
					 const struct sm_at_response *res)
{
	if (ok(res))
		identity_line(res, "+CGSN:", m->info.imei,
			      sizeof(m->info.imei));
	return SM_STEP_NEXT;
}

static enum sm_step_verdict cimi_process(struct sm_modem *m,
					 const struct sm_at_response *res)
{
	if (ok(res))
		identity_line(res, "+CIMI:", m->info.imsi,
			      sizeof(m->info.imsi));
	return SM_STEP_NEXT;
}

/* ICCID: 19-20 digits (the last may be 'F'), after whatever prefix. */
static enum sm_step_verdict iccid_process(struct sm_modem *m,
					  const struct sm_at_response *res)
{
	if (!ok(res))
		return SM_STEP_NEXT;
	for (size_t i = 0; i < res->nlines; i++) {
		const char *p = strpbrk(res->lines[i], "0123456789");
		size_t n = 0;

		while (p && (isdigit((unsigned char)p[n]) || p[n] == 'F' ||
			     p[n] == 'f'))
			n++;
		if (p && n >= 18 && n < sizeof(m->info.iccid)) {
			memcpy(m->info.iccid, p, n);
			m->info.iccid[n] = '\0';
			break;
		}
	}
	return SM_STEP_NEXT;
}

static int iccid_build(struct sm_modem *m, char *buf, size_t len)
{
	if (m->info.iccid[0])
		return 0; /* a profile step found it already */
	return snprintf(buf, len, "AT+CCID");
}

/*
 * Read the PIN from cfg.pin_file: a regular file readable by its owner
 * only (a secret, DESIGN 7), holding 4 to 8 digits.
 */
static int read_pin(struct sm_modem *m)
{
	const char *path = m->cfg.pin_file;
	struct sm_error e;
	struct stat st;
	char buf[32];
	ssize_t n;
	size_t k = 0;
	int fd;

	sm_error_set(&e, SM_ERR_FAILURE, -1, "pin_file");
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		sm_modem_fail(m, &e,
			      "%s: SIM PIN required but pin_file %s "
			      "cannot be read: %s",
			      sm_modem_dev(m), path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077)) {
		close(fd);
		sm_modem_fail(m, &e,
			      "%s: pin_file %s must be a regular file "
			      "of mode 0600 (it is %04o): refusing it",
			      sm_modem_dev(m), path,
			      (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	for (ssize_t i = 0; i < n; i++) {
		if (isdigit((unsigned char)buf[i]) && k < sizeof(m->pin) - 1)
			m->pin[k++] = buf[i];
		else if (!isspace((unsigned char)buf[i]))
			k = sizeof(m->pin); /* not a PIN */
	}
	explicit_bzero(buf, sizeof(buf));
	if (k < 4 || k > 8) {
		explicit_bzero(m->pin, sizeof(m->pin));
		sm_modem_fail(m, &e,
			      "%s: pin_file %s does not hold a PIN of "
			      "4 to 8 digits",
			      sm_modem_dev(m), path);
		return -EINVAL;
	}
	m->pin[k] = '\0';
	return 0;
}

/* 27.007 8.3 +CPIN: <code>; 9.2.1 CME 10 SIM not inserted, 14 SIM busy. */
static enum sm_step_verdict cpin_parse(struct sm_modem *m,
				       const struct sm_at_response *res)
{
	struct sm_at_iter it;
	char code[32] = "";

	if (!ok(res)) {
		if (res->err.kind == SM_ERR_CME && res->err.code == 14)
			return SM_STEP_RETRY;
		if (res->err.kind == SM_ERR_CME && res->err.code == 10) {
			m->info.sim = SM_SIM_ABSENT;
			sm_modem_fail(m, &res->err, "%s: no SIM card",
				      sm_modem_dev(m));
			return SM_STEP_FAIL;
		}
		m->info.sim = SM_SIM_OTHER;
		step_failf(m, res, "SIM check (AT+CPIN?)");
		return SM_STEP_FAIL;
	}
	for (size_t i = 0; i < res->nlines; i++)
		if (sm_at_iter_init(&it, res->lines[i], "+CPIN:"))
			copy_trim(code, sizeof(code), it.p);
	if (strcmp(code, "READY") == 0)
		m->info.sim = SM_SIM_READY;
	else if (strcmp(code, "SIM PIN") == 0)
		m->info.sim = SM_SIM_PIN;
	else if (strcmp(code, "SIM PUK") == 0)
		m->info.sim = SM_SIM_PUK;
	else
		m->info.sim = SM_SIM_OTHER;
	switch (m->info.sim) {
	case SM_SIM_READY:
		return SM_STEP_NEXT;
	case SM_SIM_PIN:
		return SM_STEP_NEXT;
	case SM_SIM_PUK:
		sm_modem_fail(m, &res->err,
			      "%s: SIM PUK required: the SIM is "
			      "blocked, unblock it in a phone",
			      sm_modem_dev(m));
		return SM_STEP_FAIL;
	case SM_SIM_UNKNOWN:
	case SM_SIM_ABSENT:
	case SM_SIM_OTHER:
		break;
	}
	sm_modem_fail(m, &res->err, "%s: SIM not usable (+CPIN: %s)",
		      sm_modem_dev(m), code[0] ? code : "?");
	return SM_STEP_FAIL;
}

static enum sm_step_verdict cpin_process(struct sm_modem *m,
					 const struct sm_at_response *res)
{
	enum sm_step_verdict v = cpin_parse(m, res);

	if (v != SM_STEP_NEXT || m->info.sim != SM_SIM_PIN)
		return v;
	if (!m->cfg.pin_file) {
		sm_modem_fail(m, &res->err,
			      "%s: SIM PIN required: set pin_file",
			      sm_modem_dev(m));
		return SM_STEP_FAIL;
	}
	return read_pin(m) < 0 ? SM_STEP_FAIL : SM_STEP_NEXT;
}

/* 27.007 8.3: AT+CPIN=<pin>, once per open (a wrong PIN costs a try). */
static int pin_build(struct sm_modem *m, char *buf, size_t len)
{
	if (m->info.sim != SM_SIM_PIN || m->pin_sent)
		return 0;
	m->pin_sent = true;
	return snprintf(buf, len, "AT+CPIN=\"%s\"", m->pin);
}

static enum sm_step_verdict pin_process(struct sm_modem *m,
					const struct sm_at_response *res)
{
	explicit_bzero(m->pin, sizeof(m->pin));
	if (ok(res))
		return SM_STEP_NEXT;
	if (res->err.kind == SM_ERR_CME && res->err.code == 16)
		sm_modem_fail(m, &res->err,
			      "%s: SIM PIN rejected: wrong PIN "
			      "in %s (not retried: the SIM blocks after 3 "
			      "tries)",
			      sm_modem_dev(m), m->cfg.pin_file);
	else
		step_failf(m, res, "entering the SIM PIN");
	return SM_STEP_FAIL;
}

static int pin_check_build(struct sm_modem *m, char *buf, size_t len)
{
	if (!m->pin_sent)
		return 0;
	return snprintf(buf, len, "AT+CPIN?");
}

/* After the PIN the SIM may stay busy for a few seconds. */
static enum sm_step_verdict pin_check_process(struct sm_modem *m,
					      const struct sm_at_response *res)
{
	enum sm_step_verdict v = cpin_parse(m, res);

	if (v != SM_STEP_NEXT)
		return v;
	return m->info.sim == SM_SIM_READY ? SM_STEP_NEXT : SM_STEP_RETRY;
}

static enum sm_step_verdict creg_process(struct sm_modem *m,
					 const struct sm_at_response *res)
{
	for (size_t i = 0; ok(res) && i < res->nlines; i++) {
		int s = sm_parse_reg(res->lines[i], "+CREG:");

		if (s >= 0)
			m->info.creg = s;
	}
	return SM_STEP_NEXT;
}

static enum sm_step_verdict cereg_process(struct sm_modem *m,
					  const struct sm_at_response *res)
{
	for (size_t i = 0; ok(res) && i < res->nlines; i++) {
		int s = sm_parse_reg(res->lines[i], "+CEREG:");

		if (s >= 0)
			m->info.cereg = s;
	}
	return SM_STEP_NEXT;
}

/* 27.007 7.3 +COPS: <mode>[,<format>,<oper>[,<AcT>]] */
static enum sm_step_verdict cops_process(struct sm_modem *m,
					 const struct sm_at_response *res)
{
	struct sm_at_iter it;
	long act;

	for (size_t i = 0; ok(res) && i < res->nlines; i++) {
		if (!sm_at_iter_init(&it, res->lines[i], "+COPS:"))
			continue;
		if (!sm_at_iter_skip(&it) || !sm_at_iter_skip(&it))
			continue;
		sm_at_iter_str(&it, m->info.operator_name,
			       sizeof(m->info.operator_name));
		if (sm_at_iter_int(&it, &act))
			m->info.act = (int)act;
	}
	return SM_STEP_NEXT;
}

/* 27.007 8.5 +CSQ: <rssi>,<ber> */
static enum sm_step_verdict csq_process(struct sm_modem *m,
					const struct sm_at_response *res)
{
	struct sm_at_iter it;
	long rssi;

	for (size_t i = 0; ok(res) && i < res->nlines; i++) {
		if (sm_at_iter_init(&it, res->lines[i], "+CSQ:") &&
		    sm_at_iter_int(&it, &rssi)) {
			m->info.rssi = (int)rssi;
			m->info.dbm = sm_modem_rssi_dbm((int)rssi);
			m->info.bars = sm_modem_rssi_bars((int)rssi);
		}
	}
	return SM_STEP_NEXT;
}

/* 27.005 3.2.3 +CMGF: (list of <mode>s) */
static enum sm_step_verdict cmgf_test_process(struct sm_modem *m,
					      const struct sm_at_response *res)
{
	struct sm_cnmi_ranges r;

	for (size_t i = 0; ok(res) && i < res->nlines; i++) {
		const char *l = res->lines[i];

		if (strncmp(l, "+CMGF:", 6) != 0)
			continue;
		if (sm_parse_cnmi_ranges(l + 6, &r) < 1)
			continue;
		m->info.pdu_mode = r.mask[0] & 1u;
		m->info.text_mode = r.mask[0] & 2u;
	}
	return SM_STEP_NEXT;
}

static enum sm_step_verdict cmgf_process(struct sm_modem *m,
					 const struct sm_at_response *res)
{
	if (ok(res)) {
		m->info.pdu_mode = true;
		return SM_STEP_NEXT;
	}
	m->info.pdu_mode = false;
	step_failf(m, res, "PDU mode (AT+CMGF=0), which smsmatch needs,");
	return SM_STEP_FAIL;
}

/* 27.005 3.3.1 +CSCA: <sca>,<tosca> */
static enum sm_step_verdict csca_process(struct sm_modem *m,
					 const struct sm_at_response *res)
{
	struct sm_at_iter it;

	for (size_t i = 0; ok(res) && i < res->nlines; i++)
		if (sm_at_iter_init(&it, res->lines[i], "+CSCA:"))
			sm_at_iter_str(&it, m->info.smsc, sizeof(m->info.smsc));
	return SM_STEP_NEXT;
}

static enum sm_step_verdict cpms_test_process(struct sm_modem *m,
					      const struct sm_at_response *res)
{
	for (size_t i = 0; ok(res) && i < res->nlines; i++)
		sm_parse_cpms_list(res->lines[i], m->info.storages,
				   sizeof(m->info.storages));
	return SM_STEP_NEXT;
}

/* 27.005 3.2.2: read, write and receive in one storage. */
static int cpms_build(struct sm_modem *m, char *buf, size_t len)
{
	static const char *const generic[] = {"ME", "SM", NULL};
	const char *const *pref = m->profile->preferred_storages;
	const char *mem = NULL;

	if (!pref)
		pref = generic;
	for (const char *const *p = pref; *p && !mem; p++)
		if (!m->info.storages[0] ||
		    sm_mem_in_list(m->info.storages, *p))
			mem = *p;
	if (!mem)
		mem = "SM";
	snprintf(m->info.mem, sizeof(m->info.mem), "%s", mem);
	return snprintf(buf, len, "AT+CPMS=\"%s\",\"%s\",\"%s\"", mem, mem,
			mem);
}

static enum sm_step_verdict cpms_process(struct sm_modem *m,
					 const struct sm_at_response *res)
{
	if (!ok(res))
		m->info.mem[0] = '\0'; /* the AT+CPMS? step says */
	else if (m->fallback_used)
		snprintf(m->info.mem, sizeof(m->info.mem), "SM");
	return SM_STEP_NEXT;
}

/* 27.005 3.2.2 +CPMS: <mem1>,<used1>,<total1>,<mem2>,... */
static enum sm_step_verdict cpms_query_process(struct sm_modem *m,
					       const struct sm_at_response *res)
{
	struct sm_at_iter it;
	char mem[4];
	long used, total;

	for (size_t i = 0; ok(res) && i < res->nlines; i++) {
		if (!sm_at_iter_init(&it, res->lines[i], "+CPMS:") ||
		    !sm_at_iter_str(&it, mem, sizeof(mem)) ||
		    !sm_at_iter_int(&it, &used) || !sm_at_iter_int(&it, &total))
			continue;
		if (!m->info.mem[0])
			snprintf(m->info.mem, sizeof(m->info.mem), "%s", mem);
		m->info.mem_used = (int)used;
		m->info.mem_total = (int)total;
	}
	if (!m->info.mem[0])
		snprintf(m->info.mem, sizeof(m->info.mem), "SM");
	return SM_STEP_NEXT;
}

/* 27.005 3.2.1: service 1 (phase 2+) makes +CMT/+CDS wait for +CNMA. */
static enum sm_step_verdict csms_process(struct sm_modem *m,
					 const struct sm_at_response *res)
{
	m->info.csms1 = ok(res);
	return SM_STEP_NEXT;
}

static enum sm_step_verdict cnmi_test_process(struct sm_modem *m,
					      const struct sm_at_response *res)
{
	for (size_t i = 0; ok(res) && i < res->nlines; i++) {
		const char *l = res->lines[i];

		if (strncmp(l, "+CNMI:", 6) != 0)
			continue;
		l += 6;
		while (*l == ' ')
			l++;
		snprintf(m->info.cnmi_ranges, sizeof(m->info.cnmi_ranges), "%s",
			 l);
	}
	return SM_STEP_NEXT;
}

/* 27.005 3.4.1: choose <mode>,<mt>,<bm>,<ds>,<bfr> from the ranges. */
static int cnmi_build(struct sm_modem *m, char *buf, size_t len)
{
	struct sm_cnmi_ranges r;
	char set[32];
	int ds = 0;

	if (sm_parse_cnmi_ranges(m->info.cnmi_ranges, &r) < 2 ||
	    sm_choose_cnmi(&r, m->profile->preferred_ds, set, sizeof(set),
			   &ds) < 0) {
		/* unknown ranges: the common setting; fallback below */
		snprintf(set, sizeof(set), "2,1,0,1,0");
		ds = 1;
	}
	snprintf(m->info.cnmi, sizeof(m->info.cnmi), "%s", set);
	m->cnmi_ds = ds;
	return snprintf(buf, len, "AT+CNMI=%s", set);
}

static enum sm_step_verdict cnmi_process(struct sm_modem *m,
					 const struct sm_at_response *res)
{
	if (ok(res)) {
		if (m->fallback_used) {
			snprintf(m->info.cnmi, sizeof(m->info.cnmi),
				 "1,1,0,0,0");
			m->cnmi_ds = 0;
		}
		return SM_STEP_NEXT;
	}
	/* without +CMTI the periodic sweep still finds every SMS */
	sm_modem_logf(m, SM_LOG_WARN, "AT+CNMI refused: relying on sweeps");
	m->info.cnmi[0] = '\0';
	m->cnmi_ds = 0;
	return SM_STEP_NEXT;
}

static const char *const p_cpin[] = {"+CPIN:", NULL};
static const char *const p_creg[] = {"+CREG:", NULL};
static const char *const p_cereg[] = {"+CEREG:", NULL};
static const char *const p_cops[] = {"+COPS:", NULL};
static const char *const p_csq[] = {"+CSQ:", NULL};
static const char *const p_cmgf[] = {"+CMGF:", NULL};
static const char *const p_csca[] = {"+CSCA:", NULL};
static const char *const p_cpms[] = {"+CPMS:", NULL};
static const char *const p_csms[] = {"+CSMS:", NULL};
static const char *const p_cnmi[] = {"+CNMI:", NULL};

static const struct sm_modem_step early_steps[] = {
	{.name = "AT", .cmd = "AT", .process = at_process},
	/* V.250 6.2.4; the engine drops the echo of ATE0 itself */
	{.name = "echo off", .cmd = "ATE0"},
	/* 27.007 9.1: numeric +CME ERROR codes */
	{.name = "numeric errors",
	 .cmd = "AT+CMEE=1",
	 .flags = SM_STEP_OPTIONAL},
	/* 27.007 5.1, 5.2 */
	{.name = "manufacturer",
	 .cmd = "AT+CGMI",
	 .flags = SM_STEP_OPTIONAL,
	 .process = cgmi_process},
	{.name = "model",
	 .cmd = "AT+CGMM",
	 .flags = SM_STEP_OPTIONAL,
	 .process = cgmm_process},
};

static const struct sm_modem_step late_steps[] = {
	/* 27.007 5.3, 5.4 */
	{.name = "firmware",
	 .cmd = "AT+CGMR",
	 .flags = SM_STEP_OPTIONAL,
	 .process = cgmr_process},
	{.name = "IMEI",
	 .cmd = "AT+CGSN",
	 .flags = SM_STEP_OPTIONAL,
	 .process = cgsn_process},
	/* 27.007 8.3 */
	{.name = "SIM",
	 .cmd = "AT+CPIN?",
	 .prefixes = p_cpin,
	 .process = cpin_process},
	{.name = "SIM PIN",
	 .build = pin_build,
	 .flags = SM_STEP_SECRET,
	 .timeout_ms = 20000,
	 .process = pin_process},
	{.name = "SIM after PIN",
	 .build = pin_check_build,
	 .prefixes = p_cpin,
	 .process = pin_check_process},
	/* 27.007 5.6 */
	{.name = "IMSI",
	 .cmd = "AT+CIMI",
	 .flags = SM_STEP_OPTIONAL,
	 .process = cimi_process},
	/* ICCID: not in 27.007; +CCID (SIMCom, Telit), +ICCID (Sierra) */
	{.name = "ICCID",
	 .build = iccid_build,
	 .flags = SM_STEP_OPTIONAL,
	 .fallback = "AT+ICCID",
	 .process = iccid_process},
	/* 27.007 7.2, 10.1.22 */
	{.name = "CS registration",
	 .cmd = "AT+CREG?",
	 .prefixes = p_creg,
	 .flags = SM_STEP_OPTIONAL,
	 .process = creg_process},
	{.name = "EPS registration",
	 .cmd = "AT+CEREG?",
	 .prefixes = p_cereg,
	 .flags = SM_STEP_OPTIONAL,
	 .process = cereg_process},
	/* 27.007 7.3: COPS? may take a while while searching */
	{.name = "operator",
	 .cmd = "AT+COPS?",
	 .prefixes = p_cops,
	 .flags = SM_STEP_OPTIONAL,
	 .timeout_ms = 15000,
	 .process = cops_process},
	{.name = "signal",
	 .cmd = "AT+CSQ",
	 .prefixes = p_csq,
	 .flags = SM_STEP_OPTIONAL,
	 .process = csq_process},
	/* 27.005 3.2.3 */
	{.name = "SMS modes",
	 .cmd = "AT+CMGF=?",
	 .prefixes = p_cmgf,
	 .flags = SM_STEP_OPTIONAL,
	 .process = cmgf_test_process},
	{.name = "PDU mode", .cmd = "AT+CMGF=0", .process = cmgf_process},
	/* 27.005 3.3.1 */
	{.name = "SMSC",
	 .cmd = "AT+CSCA?",
	 .prefixes = p_csca,
	 .flags = SM_STEP_OPTIONAL,
	 .process = csca_process},
	/* 27.005 3.2.2 */
	{.name = "storages",
	 .cmd = "AT+CPMS=?",
	 .prefixes = p_cpms,
	 .flags = SM_STEP_OPTIONAL,
	 .process = cpms_test_process},
	{.name = "storage",
	 .build = cpms_build,
	 .prefixes = p_cpms,
	 .flags = SM_STEP_OPTIONAL,
	 .fallback = "AT+CPMS=\"SM\",\"SM\",\"SM\"",
	 .process = cpms_process},
	{.name = "storage use",
	 .cmd = "AT+CPMS?",
	 .prefixes = p_cpms,
	 .flags = SM_STEP_OPTIONAL,
	 .process = cpms_query_process},
	/* 27.005 3.2.1 */
	{.name = "SMS service",
	 .cmd = "AT+CSMS=1",
	 .prefixes = p_csms,
	 .flags = SM_STEP_OPTIONAL,
	 .process = csms_process},
	/* 27.005 3.4.1 */
	{.name = "indications",
	 .cmd = "AT+CNMI=?",
	 .prefixes = p_cnmi,
	 .flags = SM_STEP_OPTIONAL,
	 .process = cnmi_test_process},
	{.name = "indication setting",
	 .build = cnmi_build,
	 .flags = SM_STEP_OPTIONAL,
	 .fallback = "AT+CNMI=1,1,0,0,0",
	 .process = cnmi_process},
};

static const size_t nlate = sizeof(late_steps) / sizeof(late_steps[0]);

/* After +CGMM: choose the profile, plan its steps and the late steps. */
static void plan_rest(struct sm_modem *m)
{
	const struct sm_modem_profile *p = m->profile;

	if (!p) {
		p = sm_profile_match(m->info.manufacturer, m->info.model);
		m->profile = p;
		register_ignored(m);
	}
	m->info.profile = p->name;
	for (size_t i = 0; i < p->ninit && m->nplan < SM_MODEM_PLAN_MAX; i++)
		m->plan[m->nplan++] = &p->init[i];
	for (size_t i = 0; i < nlate && m->nplan < SM_MODEM_PLAN_MAX; i++)
		m->plan[m->nplan++] = &late_steps[i];
}

void sm_modem_init_start(struct sm_modem *m)
{
	m->nplan = 0;
	m->step = 0;
	m->retries = 0;
	m->retry_at = 0;
	m->fallback_used = false;
	m->pin_sent = false;
	m->info.sim = SM_SIM_UNKNOWN;
	m->profile = NULL;
	if (m->cfg.profile && strcmp(m->cfg.profile, "auto") != 0) {
		m->profile = sm_profile_by_name(m->cfg.profile);
		if (!m->profile) {
			struct sm_error e;

			sm_error_set(&e, SM_ERR_FAILURE, -1, "profile");
			sm_modem_fail(m, &e, "%s: unknown modem profile \"%s\"",
				      sm_modem_dev(m), m->cfg.profile);
			return;
		}
		m->info.profile = m->profile->name;
		register_ignored(m);
	}
	for (size_t i = 0; i < sizeof(early_steps) / sizeof(early_steps[0]);
	     i++)
		m->plan[m->nplan++] = &early_steps[i];
	run_step(m);
}

static void step_cb(const struct sm_at_response *res, void *data)
{
	struct sm_modem *m = data;
	const struct sm_modem_step *s;
	enum sm_step_verdict v;

	if (m->closing || !m->at || m->failing)
		return;
	s = m->plan[m->step];
	if (sm_modem_check_fatal(m, res, s->cmd ? s->cmd : s->name))
		return;
	if (!ok(res) && s->fallback && !m->fallback_used) {
		m->fallback_used = true;
		if (sm_at_send(m->at, s->fallback, s->prefixes,
			       s->timeout_ms ? s->timeout_ms
					     : m->cfg.cmd_timeout_ms,
			       step_cb, m, NULL) > 0)
			return;
	}
	if (s->process)
		v = s->process(m, res);
	else if (ok(res) || (s->flags & SM_STEP_OPTIONAL))
		v = SM_STEP_NEXT;
	else
		v = SM_STEP_FAIL;
	switch (v) {
	case SM_STEP_NEXT:
		m->step++;
		m->retries = 0;
		m->fallback_used = false;
		run_step(m);
		return;
	case SM_STEP_RETRY:
		if (++m->retries > SM_STEP_RETRIES_MAX) {
			step_failf(m, res, s->name);
			return;
		}
		m->retry_at = sm_modem_now(m) + SM_STEP_RETRY_MS;
		return;
	case SM_STEP_FAIL:
		if (!m->failing)
			step_failf(m, res, s->name);
		return;
	}
}

void sm_modem_init_resume(struct sm_modem *m)
{
	if (m->info.state == SM_MODEM_INIT)
		run_step(m);
}

static void run_step(struct sm_modem *m)
{
	char cmd[160];

	while (m->step < m->nplan && !m->failing) {
		const struct sm_modem_step *s = m->plan[m->step];
		const char *c = s->cmd;
		int rc;

		if (s->build) {
			rc = s->build(m, cmd, sizeof(cmd));
			if (m->failing)
				return;
			if (rc == 0) {
				m->step++;
				continue;
			}
			c = cmd;
		}
		rc = sm_at_send(m->at, c, s->prefixes,
				s->timeout_ms ? s->timeout_ms
					      : m->cfg.cmd_timeout_ms,
				step_cb, m, NULL);
		explicit_bzero(cmd, sizeof(cmd));
		if (rc < 0) {
			struct sm_error e;

			sm_error_set(&e, SM_ERR_FAILURE, rc, "queue");
			sm_modem_fail(m, &e, "%s: cannot queue %s: %s",
				      sm_modem_dev(m), s->name, strerror(-rc));
		}
		return;
	}
	if (!m->failing && m->info.state == SM_MODEM_INIT)
		sm_modem_set_ready(m);
}

/* ---- health: signal and registration while the modem is up */

static const struct sm_modem_step refresh_steps[] = {
	{.name = "CS registration",
	 .cmd = "AT+CREG?",
	 .prefixes = p_creg,
	 .process = creg_process},
	{.name = "EPS registration",
	 .cmd = "AT+CEREG?",
	 .prefixes = p_cereg,
	 .process = cereg_process},
	{.name = "signal", .cmd = "AT+CSQ", .prefixes = p_csq,
	 .process = csq_process},
};

struct refresh_ctx {
	struct sm_modem *m;		  /* the modem */
	const struct sm_modem_step *step; /* what was asked */
};

static void refresh_cb(const struct sm_at_response *res, void *data)
{
	struct refresh_ctx *rc = data;
	struct sm_modem *m = rc->m;

	if (m->closing)
		return;
	/* A silent modem goes down here, as during a send. */
	if (sm_modem_check_fatal(m, res, rc->step->cmd))
		return;
	if (res->err.kind == SM_ERR_NONE)
		rc->step->process(m, res);
}

int sm_modem_refresh(struct sm_modem *m)
{
	int rc = 0;

	sm_modem_enter(m);
	if (!m->at || m->info.state != SM_MODEM_READY || m->failing) {
		rc = -ENOTCONN;
		goto out;
	}
	for (size_t i = 0; i < sizeof(refresh_steps) / sizeof(refresh_steps[0]);
	     i++) {
		const struct sm_modem_step *s = &refresh_steps[i];
		struct refresh_ctx *ctx;

		/* A modem without LTE registration said so at init. */
		if (s->process == cereg_process && m->info.cereg < 0)
			continue;
		ctx = malloc(sizeof(*ctx));
		if (!ctx) {
			rc = -ENOMEM;
			break;
		}
		ctx->m = m;
		ctx->step = s;
		rc = sm_at_send(m->at, s->cmd, s->prefixes,
				m->cfg.cmd_timeout_ms, refresh_cb, ctx, free);
		if (rc < 0) {
			free(ctx);
			break;
		}
		rc = 0;
	}
out:
	sm_modem_leave(m);
	return rc;
}
