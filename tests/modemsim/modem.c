/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem.c - the simulator's AT interpreter: a GSM/LTE modem as 27.007
 * (general commands) and 27.005 (SMS, PDU and text mode) describe it.
 *
 * It does no I/O: bytes come in through sim_modem_feed(), go out through
 * ops->write, and time comes in as an argument.  Delayed work (the +CMGS
 * answer after --latency-ms, status reports, +CNMA timeouts, scripted
 * replies, vendor URCs) sits in a sorted event list that the owner runs
 * with sim_modem_tick() at sim_modem_next_due().
 *
 * Input states: a command line (V.250 5.2: "AT" ... S3), the "> " prompt
 * of +CMGS/+CMGW (27.005 3.5.1: text or PDU until Ctrl-Z, ESC cancels),
 * and busy (a send waiting for its latency: input is kept and replayed).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "smsmatch/utf8.h"
#include "sim.h"

#define SIM_LINE_MAX	  1024	     /* command line, without S3 */
#define SIM_PROMPT_MAX	  1024	     /* text or hex typed at "> " */
#define SIM_OUT_MAX	  65536	     /* bytes of one write to the client */
#define SIM_BACKLOG_MAX	  4096	     /* input kept while busy */
#define SIM_URC_MAX	  8192	     /* URCs held while at the prompt */
#define SIM_ARGS_MAX	  8	     /* parameters of one command */
#define SIM_ARG_MAX	  400	     /* bytes of one parameter */
#define SIM_HUAWEI_URC_MS 3000	     /* ^RSSI/^MODE period */
#define SIM_PUK		  "12345678" /* unblocks a SIM after 3 bad PINs */

/* Outcome of one command (or of a prompt). */
enum sim_res {
	SIM_RES_OK,	/* final result OK */
	SIM_RES_ERROR,	/* ERROR */
	SIM_RES_CME,	/* +CME ERROR: m->err */
	SIM_RES_CMS,	/* +CMS ERROR: m->err */
	SIM_RES_PROMPT, /* "> " sent: the rest comes at Ctrl-Z */
	SIM_RES_BUSY,	/* answer comes later (latency) */
};

enum sim_input {
	SIM_IN_COMMAND, /* reading a command line */
	SIM_IN_PROMPT,	/* reading text/PDU after "> " */
	SIM_IN_BUSY,	/* a send in flight: keep input for later */
};

/* What the "> " prompt was opened for. */
enum sim_prompt {
	SIM_PROMPT_CMGS, /* send */
	SIM_PROMPT_CMGW, /* write to storage */
};

/* Form of an extended command (V.250 5.4.2, 5.4.3). */
enum sim_op {
	SIM_OP_EXEC, /* AT+X */
	SIM_OP_READ, /* AT+X? */
	SIM_OP_TEST, /* AT+X=? */
	SIM_OP_SET,  /* AT+X=... */
};

enum sim_event_kind {
	SIM_EV_SEND_DONE,  /* latency over: answer the send in flight */
	SIM_EV_REPORT,	   /* a status report arrives */
	SIM_EV_CNMA,	   /* a +CMT was not acknowledged in time */
	SIM_EV_INJECT,	   /* a scripted reply arrives */
	SIM_EV_VENDOR_URC, /* Huawei ^RSSI / ^MODE */
};

/* One delayed piece of work. */
struct sim_event {
	struct sim_event *next;	  /* sorted by due */
	uint64_t due;		  /* monotonic ms */
	enum sim_event_kind kind; /* what to do */
	int mr;			  /* report: message reference */
	int status;		  /* report: TP-ST; CNMA: ack generation */
	char *a;		  /* report: recipient; inject: sender */
	char *b;		  /* inject: text */
};

/* An inbound PDU the network holds (memory full, radio off, unplugged). */
struct sim_netmsg {
	struct sim_netmsg *next;  /* FIFO */
	char hex[SM_PDU_HEX_MAX]; /* with SMSC */
	unsigned tpdu_len;	  /* octets after the SMSC */
};

/* Parameters of an extended command, unquoted. */
struct sim_args {
	int n;				   /* how many (",," counts) */
	char v[SIM_ARGS_MAX][SIM_ARG_MAX]; /* values */
	bool quoted[SIM_ARGS_MAX];	   /* given as "..." */
};

/* Settings that ATZ, AT&F, +CFUN=1,1 and power cycles reset. */
struct sim_settings {
	bool echo;		/* E1 */
	bool verbose;		/* V1: text result codes */
	bool quiet;		/* Q1: no result codes */
	int cmee;		/* +CMEE */
	int cmgf;		/* +CMGF: 0 PDU, 1 text */
	enum sim_charset cs;	/* +CSCS */
	int cnmi[5];		/* +CNMI mode, mt, bm, ds, bfr */
	int csms;		/* +CSMS service */
	int csmp[4];		/* +CSMP fo, vp, pid, dcs */
	bool csdh;		/* +CSDH */
	int cmms;		/* +CMMS */
	int creg, cereg, cgreg; /* URC modes */
	int cops_format;	/* +COPS <format> */
	enum sim_mem mem[3];	/* +CPMS mem1, mem2, mem3 */
	bool curc;		/* Huawei ^CURC: periodic URCs on */
};

/* The send whose answer waits for --latency-ms. */
struct sim_pending_send {
	char to[SM_PDU_ADDR_MAX];    /* destination */
	char text[SM_PDU_TEXT_MAX];  /* UTF-8 */
	enum sm_pdu_coding coding;   /* alphabet */
	struct sm_pdu_concat concat; /* concatenation */
	bool srr;		     /* report requested */
	int mr;			     /* reference given */
	bool cmss;		     /* +CMSS rather than +CMGS */
};

/* Identity strings of a profile. */
struct sim_identity {
	const char *manufacturer; /* +CGMI */
	const char *model;	  /* +CGMM */
	const char *revision;	  /* +CGMR */
	const char *tac;	  /* first 8 IMEI digits */
	unsigned first_index;	  /* storage index of slot 0 */
};

struct sim_modem {
	struct sim_config cfg;		    /* options (strings borrowed) */
	struct sim_modem_ops ops;	    /* owner's callbacks */
	void *data;			    /* their argument */
	const struct sim_identity *id;	    /* profile identity */
	char imei[16], imsi[16], iccid[21]; /* made-up SIM/IMEI */
	uint64_t now;			    /* time of the current call */
	struct sim_rng rng;		    /* faults */

	bool powered;		    /* plugged in */
	bool attached;		    /* a client has the port open */
	bool hung;		    /* silent (--hang-after or `hang`) */
	bool no_network;	    /* `network off`: out of coverage */
	int rssi;		    /* +CSQ <rssi> when on (`signal`) */
	unsigned long power_cmds;   /* commands since power-on */
	int cfun;		    /* +CFUN <fun> */
	int pin_state;		    /* 0 ready, 1 SIM PIN, 2 SIM PUK */
	int pin_tries;		    /* wrong PINs left */
	char smsc[SM_PDU_ADDR_MAX]; /* +CSCA */
	struct sim_settings set;    /* resettable settings */

	enum sim_input input;		 /* input state */
	char line[SIM_LINE_MAX + 1];	 /* command line being typed */
	size_t line_len;		 /* its length */
	bool line_over;			 /* it overflowed */
	char last[SIM_LINE_MAX + 1];	 /* previous line, for A/ */
	enum sim_prompt prompt;		 /* what the prompt is for */
	char prompt_to[SM_PDU_ADDR_MAX]; /* text mode destination */
	int prompt_len;			 /* PDU mode <length> */
	int prompt_stat;		 /* +CMGW <stat> */
	char ptext[SIM_PROMPT_MAX + 1];	 /* typed at the prompt */
	size_t ptext_len;		 /* its length */
	bool ptext_over;		 /* it overflowed */
	char backlog[SIM_BACKLOG_MAX];	 /* input while busy */
	size_t backlog_len;		 /* its length */

	char out[SIM_OUT_MAX];	/* output of this call */
	size_t out_len;		/* its length */
	bool resp_open;		/* an info line was sent */
	bool executing;		/* a command line is running */
	char urcs[SIM_URC_MAX]; /* URCs held at the prompt */
	size_t urcs_len;	/* their length */
	int err;		/* code for SIM_RES_CME/CMS */

	struct sim_pending_send pend;	       /* the send in flight */
	struct sim_store store[SIM_MEM_COUNT]; /* SM, ME, SR */
	struct sim_netmsg *netq;	       /* held by the network */
	bool cmt_pending;		       /* a +CMT awaits +CNMA */
	int cmt_gen;			       /* generation of that +CMT */
	struct sim_netmsg cmt;		       /* the +CMT'd PDU */
	bool vendor_urc_armed;	  /* a SIM_EV_VENDOR_URC is queued */
	int vendor_urc_n;	  /* alternates ^RSSI / ^MODE */
	int mr;			  /* next TP-MR */
	unsigned deliver_ref;	  /* next concatenation ref inbound */
	unsigned long report_n;	  /* reports generated (for "mixed") */
	struct sim_event *events; /* delayed work */
	struct sim_stats stats;	  /* counters */
};

static const struct sim_identity identities[] = {
	[SIM_PROFILE_GENERIC] = {"SMSMATCH", "MODEMSIM-LTE", "MS-1.0.0",
				 "35693803", 1},
	[SIM_PROFILE_HUAWEI] = {"huawei", "E3372", "21.180.01.00.00",
				"86713302", 0},
	[SIM_PROFILE_QUECTEL] = {"Quectel", "EC25", "EC25EFAR06A06M4G",
				 "86710703", 0},
	[SIM_PROFILE_SIMCOM] = {"SIMCOM INCORPORATED", "SIMCOM_SIM7600E-H",
				"LE20B04SIM7600M22", "86221704", 0},
};

/* ------------------------------------------------------------------ */
/* output                                                              */

static void out_raw(struct sim_modem *m, const char *buf, size_t len)
{
	if (!m->powered || m->hung)
		return;
	if (m->out_len + len > sizeof(m->out)) {
		/* a real UART FIFO overflows the same way: bytes lost */
		if (m->cfg.verbose)
			fprintf(m->cfg.verbose,
				"modemsim: %s: output overflow\n", m->cfg.name);
		return;
	}
	memcpy(m->out + m->out_len, buf, len);
	m->out_len += len;
}

static void out_str(struct sim_modem *m, const char *s)
{
	out_raw(m, s, strlen(s));
}

/* Hand what this call produced to the owner. */
static void out_flush(struct sim_modem *m)
{
	if (m->out_len && m->ops.write)
		m->ops.write(m->data, m->out, m->out_len);
	m->out_len = 0;
}

/* Start a response: maybe line noise first (--garbage-rate). */
static void resp_begin(struct sim_modem *m)
{
	char g[4];
	size_t n;

	if (!sim_rng_chance(&m->rng, m->cfg.garbage_rate))
		return;
	n = sim_fault_garbage(&m->rng, g);
	out_raw(m, g, n);
}

/* One information line (V.250 5.7.1: <CR><LF>text<CR><LF>). */
__attribute__((format(printf, 2, 3))) static void info(struct sim_modem *m,
						       const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (!m->resp_open && m->set.verbose)
		out_str(m, "\r\n");
	m->resp_open = true;
	out_raw(m, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	out_str(m, "\r\n");
}

/* 27.007 9.2.1 */
static const char *cme_text(int code)
{
	switch (code) {
	case 3:
		return "operation not allowed";
	case 4:
		return "operation not supported";
	case 10:
		return "SIM not inserted";
	case 11:
		return "SIM PIN required";
	case 12:
		return "SIM PUK required";
	case 16:
		return "incorrect password";
	case 21:
		return "invalid index";
	case 30:
		return "no network service";
	case 50:
		return "incorrect parameters";
	default:
		return "unknown error";
	}
}

/* 27.005 3.2.5 */
static const char *cms_text(int code)
{
	switch (code) {
	case 302:
		return "operation not allowed";
	case 303:
		return "operation not supported";
	case 304:
		return "invalid PDU mode parameter";
	case 305:
		return "invalid text mode parameter";
	case 311:
		return "SIM PIN required";
	case 316:
		return "SIM PUK required";
	case 321:
		return "invalid memory index";
	case 322:
		return "memory full";
	case 330:
		return "SMSC address unknown";
	case 331:
		return "no network service";
	case 340:
		return "no +CNMA acknowledgement expected";
	case 500:
		return "unknown error";
	default:
		return "unknown error";
	}
}

/* The final result code of a command line. */
static void final(struct sim_modem *m, enum sim_res res)
{
	char buf[128];
	const char *num = NULL, *text = NULL;

	switch (res) {
	case SIM_RES_OK:
		num = "0";
		text = "OK";
		break;
	case SIM_RES_ERROR:
		num = "4";
		text = "ERROR";
		break;
	case SIM_RES_CME:
		/* 27.007 9.1: +CMEE=0 turns +CME ERROR into ERROR */
		if (m->set.cmee == 0) {
			num = "4";
			text = "ERROR";
		} else if (m->set.cmee == 1) {
			snprintf(buf, sizeof(buf), "+CME ERROR: %d", m->err);
			num = text = buf;
		} else {
			snprintf(buf, sizeof(buf), "+CME ERROR: %s",
				 cme_text(m->err));
			num = text = buf;
		}
		break;
	case SIM_RES_CMS:
		/* 27.005 3.2.5: +CMS ERROR is a final result of its own */
		if (m->set.cmee == 2)
			snprintf(buf, sizeof(buf), "+CMS ERROR: %s",
				 cms_text(m->err));
		else
			snprintf(buf, sizeof(buf), "+CMS ERROR: %d", m->err);
		num = text = buf;
		break;
	case SIM_RES_PROMPT:
	case SIM_RES_BUSY:
		return;
	}
	m->resp_open = false;
	if (m->set.quiet)
		return;
	if (m->set.verbose) {
		out_str(m, "\r\n");
		out_str(m, text);
		out_str(m, "\r\n");
	} else {
		out_str(m, num);
		out_str(m, "\r");
	}
}

/*
 * An unsolicited result code.  Held while a command line executes (it
 * follows the final result code, as modems buffer URCs while the link is
 * reserved: 27.005 3.4.1 <mode>=2) and
 * while the client types at "> ".
 */
__attribute__((format(printf, 2, 3))) static void urc(struct sim_modem *m,
						      const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf) || !m->attached)
		return;
	if (m->input == SIM_IN_PROMPT || m->executing) {
		if (m->urcs_len + (size_t)n + 4 <= sizeof(m->urcs)) {
			memcpy(m->urcs + m->urcs_len, "\r\n", 2);
			memcpy(m->urcs + m->urcs_len + 2, buf, (size_t)n);
			memcpy(m->urcs + m->urcs_len + 2 + n, "\r\n", 2);
			m->urcs_len += (size_t)n + 4;
		}
		return;
	}
	out_str(m, "\r\n");
	out_raw(m, buf, (size_t)n);
	out_str(m, "\r\n");
}

static void urcs_release(struct sim_modem *m)
{
	out_raw(m, m->urcs, m->urcs_len);
	m->urcs_len = 0;
}

static enum sim_res cme(struct sim_modem *m, int code)
{
	m->err = code;
	return SIM_RES_CME;
}

static enum sim_res cms(struct sim_modem *m, int code)
{
	m->err = code;
	return SIM_RES_CMS;
}

/* ------------------------------------------------------------------ */
/* events                                                              */

static struct sim_event *event_add(struct sim_modem *m, uint64_t due,
				   enum sim_event_kind kind)
{
	struct sim_event *e = calloc(1, sizeof(*e)), **pp = &m->events;

	if (!e)
		return NULL;
	e->due = due;
	e->kind = kind;
	while (*pp && (*pp)->due <= due)
		pp = &(*pp)->next;
	e->next = *pp;
	*pp = e;
	return e;
}

static void event_free(struct sim_event *e)
{
	free(e->a);
	free(e->b);
	free(e);
}

/* Drop every queued event of @kind. */
static void events_drop(struct sim_modem *m, enum sim_event_kind kind)
{
	struct sim_event **pp = &m->events;

	while (*pp) {
		struct sim_event *e = *pp;

		if (e->kind == kind) {
			*pp = e->next;
			event_free(e);
		} else {
			pp = &e->next;
		}
	}
}

uint64_t sim_modem_next_due(const struct sim_modem *m)
{
	return m->events ? m->events->due : UINT64_MAX;
}

/* ------------------------------------------------------------------ */
/* state                                                               */

static bool sim_ready(const struct sim_modem *m)
{
	return m->pin_state == 0;
}

static bool registered(const struct sim_modem *m)
{
	return m->powered && sim_ready(m) && m->cfun == 1 && !m->no_network;
}

/* Settings at power-on (@factory: AT&F). */
static void settings_reset(struct sim_modem *m, bool factory)
{
	struct sim_settings *s = &m->set;

	memset(s, 0, sizeof(*s));
	s->echo = true;
	s->verbose = true;
	s->cmee = 1;
	s->cmgf = 1;
	s->cs = SIM_CS_GSM;
	s->cnmi[0] = 2;
	s->cnmi[1] = 1;
	s->csmp[0] = 17;
	s->csmp[1] = 167;
	s->mem[0] = s->mem[1] = s->mem[2] = SIM_MEM_SM;
	s->curc = true;
	/*
	 * SIM7600 (LE20B04SIM7600M22): units come with a saved profile whose
	 * +CNMI is 0,0,0,0,0, so new SMS raise no URC until the host sets
	 * +CNMI or restores the factory profile with AT&F (DESIGN.md:
	 * "SIMCom needing AT&F").  ATZ reloads that saved profile.
	 */
	if (m->cfg.profile == SIM_PROFILE_SIMCOM && !factory)
		memset(s->cnmi, 0, sizeof(s->cnmi));
}

static void reg_urcs(struct sim_modem *m, bool before)
{
	int st = registered(m) ? 1 : 0;

	if (before == registered(m))
		return;
	if (m->set.creg)
		urc(m, "+CREG: %d", st);
	if (m->set.cgreg)
		urc(m, "+CGREG: %d", st);
	if (m->set.cereg)
		urc(m, "+CEREG: %d", st);
}

static void deliver_queued(struct sim_modem *m);

static void vendor_urc_arm(struct sim_modem *m, uint64_t due)
{
	if (m->cfg.profile != SIM_PROFILE_HUAWEI || m->vendor_urc_armed)
		return;
	if (event_add(m, due, SIM_EV_VENDOR_URC))
		m->vendor_urc_armed = true;
}

/* Power-on state of everything volatile. */
static void power_on_reset(struct sim_modem *m)
{
	settings_reset(m, false);
	m->cfun = 1;
	m->pin_state = m->cfg.pin && *m->cfg.pin ? 1 : 0;
	m->pin_tries = 3;
	snprintf(m->smsc, sizeof(m->smsc), "%s", m->cfg.smsc);
	m->input = SIM_IN_COMMAND;
	m->line_len = 0;
	m->line_over = false;
	m->ptext_len = 0;
	m->backlog_len = 0;
	m->urcs_len = 0;
	m->resp_open = false;
}

/* ------------------------------------------------------------------ */
/* identity                                                            */

static uint64_t fnv1a(const char *s, uint64_t h)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001B3ULL;
	return h;
}

/* Append the Luhn check digit to the digits in @s (room for one more). */
static void luhn_append(char *s)
{
	size_t n = strlen(s);
	int sum = 0;

	for (size_t i = 0; i < n; i++) {
		int d = s[n - 1 - i] - '0';

		if (i % 2 == 0) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	s[n] = (char)('0' + (10 - sum % 10) % 10);
	s[n + 1] = '\0';
}

static void make_identity(struct sim_modem *m)
{
	uint64_t h = fnv1a(m->cfg.name, 0xCBF29CE484222325ULL ^ m->cfg.seed);

	snprintf(m->imei, sizeof(m->imei), "%s%06u", m->id->tac,
		 (unsigned)(h % 1000000));
	luhn_append(m->imei);
	snprintf(m->imsi, sizeof(m->imsi), "20801%010llu",
		 (unsigned long long)((h >> 20) % 10000000000ULL));
	snprintf(m->iccid, sizeof(m->iccid), "893301%012llu",
		 (unsigned long long)((h >> 8) % 1000000000000ULL));
	luhn_append(m->iccid);
}

/* ------------------------------------------------------------------ */
/* helpers                                                             */

static const char *toa_of(const char *number)
{
	return number[0] == '+' ? "145" : "129";
}

/* An address in the TE character set (27.005 3.1 <oa>/<da>). */
static void te_addr(struct sim_modem *m, const char *number, char *out,
		    size_t len)
{
	if (sim_cs_from_utf8(m->set.cs, number, out, len) < 0)
		snprintf(out, len, "%s", number);
}

/* 27.005 3.1 <scts>: "yy/MM/dd,hh:mm:ss+zz", zz in quarter hours. */
static void scts_str(time_t t, int tz_minutes, char *out, size_t len)
{
	time_t local = t + (time_t)tz_minutes * 60;
	struct tm tm;
	int q = tz_minutes / 15;

	size_t n;

	gmtime_r(&local, &tm);
	/* two-digit year: 27.005 says so */
	n = strftime(out, len, "%Y/%m/%d,%H:%M:%S", &tm);
	if (n >= 2 && n < len) {
		memmove(out, out + 2, n - 1);
		n -= 2;
	}
	if (n && n < len)
		snprintf(out + n, len - n, "%c%02u", q < 0 ? '-' : '+',
			 (unsigned)(q < 0 ? -q : q) % 100);
}

static int dcs_of(enum sm_pdu_coding c)
{
	switch (c) {
	case SM_CODING_GSM7:
		return 0;
	case SM_CODING_8BIT:
		return 4;
	case SM_CODING_UCS2:
		return 8;
	}
	return 0;
}

/* Text-mode <data> of a decoded SMS (27.005 3.1). */
static void te_data(struct sim_modem *m, const struct sm_sms *s, char *out,
		    size_t len, unsigned *length)
{
	unsigned units = 0;
	int septets;

	out[0] = '\0';
	switch (s->coding) {
	case SM_CODING_GSM7:
		if (sim_cs_from_utf8(m->set.cs, s->text, out, len) < 0)
			out[0] = '\0';
		septets = sim_gsm_septets(s->text, &units);
		*length = septets >= 0 ? (unsigned)septets : units;
		break;
	case SM_CODING_UCS2:
		/* 16-bit data is shown as hex of its octets */
		if (sim_utf8_to_ucs2hex(s->text, out, len) < 0)
			out[0] = '\0';
		*length = (unsigned)strlen(out) / 2;
		break;
	case SM_CODING_8BIT:
		for (size_t i = 0; i < s->data_len && 2 * i + 3 <= len; i++)
			snprintf(out + 2 * i, 3, "%02X", s->data[i]);
		*length = (unsigned)s->data_len;
		break;
	}
}


/*
 * Check @hex is a PDU with an SMSC field whose TPDU is @tpdu_len octets
 * (27.005 3.5.1: <length> counts the TPDU only).  Returns 0 or -EINVAL.
 */
static int pdu_check(const char *hex, int tpdu_len)
{
	size_t n = strlen(hex);
	int sca;

	if (n < 2 || n % 2)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (sm_hex_digit(hex[i]) < 0)
			return -EINVAL;
	sca = sm_hex_digit(hex[0]) * 16 + sm_hex_digit(hex[1]);
	if (tpdu_len >= 0 && n != 2 * (size_t)(1 + sca + tpdu_len))
		return -EINVAL;
	if (n <= 2 * (size_t)(1 + sca))
		return -EINVAL;
	return 0;
}

static unsigned tpdu_len_of(const char *hex)
{
	int sca = sm_hex_digit(hex[0]) * 16 + sm_hex_digit(hex[1]);

	return (unsigned)(strlen(hex) / 2 - 1 - (size_t)sca);
}

/* ------------------------------------------------------------------ */
/* inbound SMS and reports                                             */

static void netq_push(struct sim_modem *m, const char *hex, unsigned len)
{
	struct sim_netmsg *q, **pp = &m->netq;
	size_t n = strlen(hex);

	if (n >= sizeof(q->hex) || !(q = calloc(1, sizeof(*q))))
		return;
	memcpy(q->hex, hex, n + 1);
	q->tpdu_len = len;
	while (*pp)
		pp = &(*pp)->next;
	*pp = q;
}

/* +CMT (27.005 3.4.1) of a PDU, in the current mode. */
static void cmt_urc(struct sim_modem *m, const char *hex, unsigned len)
{
	struct sm_sms s;
	char oa[SM_PDU_ADDR_MAX * 4], ts[32], data[SIM_PROMPT_MAX * 2];
	unsigned dlen;

	if (m->set.cmgf == 0) {
		urc(m, "+CMT: ,%u\r\n%s", len, hex);
		return;
	}
	if (sm_pdu_decode(hex, (int)len, &s, NULL, 0) < 0)
		return;
	te_addr(m, s.number, oa, sizeof(oa));
	scts_str(s.timestamp, s.tz_minutes, ts, sizeof(ts));
	te_data(m, &s, data, sizeof(data), &dlen);
	if (m->set.csdh)
		urc(m, "+CMT: \"%s\",,\"%s\",%s,%d,%d,%d,\"%s\",%s,%u\r\n%s",
		    oa, ts, toa_of(s.number), s.concat.total ? 0x44 : 0x04,
		    s.pid, dcs_of(s.coding), s.smsc, toa_of(s.smsc), dlen,
		    data);
	else
		urc(m, "+CMT: \"%s\",,\"%s\"\r\n%s", oa, ts, data);
}

/* Store an inbound PDU in <mem3> and say so.  -ENOSPC when full. */
static int store_inbound(struct sim_modem *m, const char *hex, unsigned len)
{
	enum sim_mem mem = m->set.mem[2];
	int idx = sim_store_put(&m->store[mem], hex, len, SIM_STAT_REC_UNREAD);

	if (idx < 0)
		return idx;
	m->stats.received++;
	/* 27.005 3.4.1: +CMTI for mt 1 (and 2/3 when routed to storage) */
	if (m->set.cnmi[1] != 0 && m->set.cnmi[0] != 0)
		urc(m, "+CMTI: \"%s\",%u", sim_mem_name(mem),
		    (unsigned)idx + m->id->first_index);
	return 0;
}

/*
 * Try to hand the modem one SMS-DELIVER.  Returns 0 when delivered, 1 when
 * the network must keep it for later (full memory, radio off, unplugged).
 */
static int deliver_try(struct sim_modem *m, const char *hex, unsigned len)
{
	int mt = m->set.cnmi[1];
	struct sim_event *e;

	if (!m->powered || m->cfun != 1 || !sim_ready(m))
		return 1;
	/*
	 * 27.005 3.4.1 mt=2: route straight to the TE with +CMT.  Only one
	 * +CMT may await +CNMA; others, and SMS arriving while no client
	 * listens or the modem is silent, go to storage with +CMTI.
	 */
	if ((mt == 2 || mt == 3) && m->set.cnmi[0] != 0 && m->attached &&
	    !m->hung && !m->cmt_pending) {
		m->stats.received++;
		cmt_urc(m, hex, len);
		if (m->set.csms == 1) {
			m->cmt_pending = true;
			m->cmt_gen++;
			snprintf(m->cmt.hex, sizeof(m->cmt.hex), "%s", hex);
			m->cmt.tpdu_len = len;
			e = event_add(m, m->now + m->cfg.cnma_timeout_ms,
				      SIM_EV_CNMA);
			if (e)
				e->status = m->cmt_gen;
		}
		return 0;
	}
	/* 23.040 10.3: memory exceeded, the SC retries later */
	return store_inbound(m, hex, len) < 0 ? 1 : 0;
}

/* The network delivers, or keeps the SMS behind those it already holds. */
static void deliver(struct sim_modem *m, const char *hex, unsigned len)
{
	if (m->netq || deliver_try(m, hex, len) != 0)
		netq_push(m, hex, len);
}

/* Deliver what the network held, in order, while the modem takes it. */
static void deliver_queued(struct sim_modem *m)
{
	while (m->netq &&
	       deliver_try(m, m->netq->hex, m->netq->tpdu_len) == 0) {
		struct sim_netmsg *q = m->netq;

		m->netq = q->next;
		free(q);
	}
}

/* A +CMT went unacknowledged: store it and announce it (27.005 3.4.4). */
static void cmt_unacked(struct sim_modem *m)
{
	m->cmt_pending = false;
	m->stats.received--; /* store_inbound() counts it again */
	if (store_inbound(m, m->cmt.hex, m->cmt.tpdu_len) < 0)
		netq_push(m, m->cmt.hex, m->cmt.tpdu_len);
}

/* A status report for @mr to @to arrives (27.005 3.4.1 <ds>). */
static void report_arrives(struct sim_modem *m, int mr, const char *to,
			   int status)
{
	struct sm_pdu_part part;
	time_t now = time(NULL);
	int ds = m->set.cnmi[3], idx;

	if (!registered(m))
		return;
	if (sm_pdu_encode_status_report(m->smsc, mr, to, status, now - 1, now,
					60, &part, NULL, 0) < 0)
		return;
	if (ds == 1 && m->set.cnmi[0] != 0 && m->attached) {
		m->stats.reports++;
		if (m->set.cmgf == 0) {
			urc(m, "+CDS: %u\r\n%s", part.tpdu_len, part.hex);
		} else {
			char ra[SM_PDU_ADDR_MAX * 4], ts[32];

			te_addr(m, to, ra, sizeof(ra));
			scts_str(now - 1, 60, ts, sizeof(ts));
			urc(m, "+CDS: 6,%d,\"%s\",%s,\"%s\",\"%s\",%d", mr, ra,
			    toa_of(to), ts, ts, status);
		}
		return;
	}
	if (ds != 2)
		return;
	idx = sim_store_put(&m->store[SIM_MEM_SR], part.hex, part.tpdu_len,
			    SIM_STAT_REC_UNREAD);
	if (idx < 0)
		return;
	m->stats.reports++;
	if (m->set.cnmi[0] == 0)
		return;
	/*
	 * Quectel EC25 (EC25EFAR06A10M4G, chan-quectel PR #75): with
	 * AT+CNMI=2,1,0,2,0 the report is kept in SR but announced as
	 *   < +CMGS: 78
	 *   < +CDSI: "SM",0
	 * and AT+CMGR=0 on "SM" answers a bare OK.
	 */
	urc(m, "+CDSI: \"%s\",%u",
	    m->cfg.profile == SIM_PROFILE_QUECTEL ? "SM" : "SR",
	    (unsigned)idx + m->id->first_index);
}

int sim_modem_inject(struct sim_modem *m, uint64_t now, const char *from,
		     const char *text, char *err, size_t errlen)
{
	struct sm_pdu_part parts[SM_PDU_PARTS_MAX];
	int n;

	m->now = now;
	n = sm_pdu_encode_deliver(from, text, m->smsc, time(NULL), 60,
				  SM_TEXT_AUTO, m->deliver_ref++ & 0xff, parts,
				  SM_PDU_PARTS_MAX, NULL, err, errlen);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		deliver(m, parts[i].hex, parts[i].tpdu_len);
	out_flush(m);
	return n;
}

int sim_modem_inject_pdu(struct sim_modem *m, uint64_t now, const char *hex,
			 char *err, size_t errlen)
{
	struct sm_sms s;
	char up[SM_PDU_HEX_MAX];
	size_t n = strlen(hex);
	int rc;

	m->now = now;
	if (n >= sizeof(up) || pdu_check(hex, -1) < 0) {
		snprintf(err, errlen, "not a PDU with an SMSC field");
		return -EINVAL;
	}
	for (size_t i = 0; i <= n; i++)
		up[i] = (char)(hex[i] >= 'a' && hex[i] <= 'f' ? hex[i] - 32
							      : hex[i]);
	rc = sm_pdu_decode(up, (int)tpdu_len_of(up), &s, err, errlen);
	if (rc < 0)
		return rc;
	if (s.type != SM_PDU_DELIVER) {
		snprintf(err, errlen, "not an SMS-DELIVER but %s",
			 sm_pdu_type_name(s.type));
		return -EINVAL;
	}
	deliver(m, up, tpdu_len_of(up));
	out_flush(m);
	return 0;
}

int sim_modem_inject_at(struct sim_modem *m, uint64_t due, const char *from,
			const char *text)
{
	struct sim_event *e = event_add(m, due, SIM_EV_INJECT);

	if (!e)
		return -ENOMEM;
	e->a = strdup(from);
	e->b = strdup(text);
	if (!e->a || !e->b) {
		struct sim_event **pp = &m->events;

		while (*pp != e)
			pp = &(*pp)->next;
		*pp = e->next;
		event_free(e);
		return -ENOMEM;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* sending                                                             */

/* The answer to a send: +CMGS/+CMSS, the report, --unplug-after. */
static void send_done(struct sim_modem *m)
{
	struct sim_pending_send *p = &m->pend;
	struct sim_sent s = {
		.to = p->to,
		.text = p->text,
		.coding = p->coding,
		.concat = p->concat,
		.status_report = p->srr,
		.mr = p->mr,
	};
	struct sim_event *e;

	resp_begin(m);
	info(m, "%s: %d", p->cmss ? "+CMSS" : "+CMGS", p->mr);
	final(m, SIM_RES_OK);
	m->stats.sent++;
	if (p->srr) {
		e = event_add(m, m->now + m->cfg.report_delay_ms,
			      SIM_EV_REPORT);
		if (e) {
			bool fail = m->cfg.report_status == SIM_REPORT_FAILED ||
				    (m->cfg.report_status == SIM_REPORT_MIXED &&
				     ++m->report_n % 10 == 0);

			e->mr = p->mr;
			e->status = fail ? 0x41 : 0x00;
			e->a = strdup(p->to);
		}
	}
	if (m->ops.sent)
		m->ops.sent(m->data, &s);
	if (m->cfg.unplug_after && m->stats.sent == m->cfg.unplug_after &&
	    m->ops.unplug) {
		out_flush(m);
		m->ops.unplug(m->data);
	}
}

/*
 * Send one SMS-SUBMIT (after Ctrl-Z or +CMSS): fail it now
 * (--cms-error-rate, no network), or answer now or after --latency-ms.
 */
static enum sim_res send_submit(struct sim_modem *m, const char *to,
				const char *text, enum sm_pdu_coding coding,
				const struct sm_pdu_concat *concat, bool srr,
				bool cmss)
{
	struct sim_pending_send *p = &m->pend;

	if (!registered(m))
		return cms(m, 331);
	if (sim_rng_chance(&m->rng, m->cfg.cms_error_rate))
		return cms(m, m->cfg.cms_error_code);
	snprintf(p->to, sizeof(p->to), "%s", to);
	snprintf(p->text, sizeof(p->text), "%s", text);
	p->coding = coding;
	p->concat = *concat;
	p->srr = srr;
	p->cmss = cmss;
	/* 27.005 3.5.1: the ME assigns TP-MR, 0-255 */
	p->mr = m->mr;
	m->mr = (m->mr + 1) & 0xff;
	if (m->cfg.latency_ms == 0) {
		send_done(m);
		return SIM_RES_BUSY;
	}
	m->input = SIM_IN_BUSY;
	if (!event_add(m, m->now + m->cfg.latency_ms, SIM_EV_SEND_DONE)) {
		m->input = SIM_IN_COMMAND;
		send_done(m);
	}
	return SIM_RES_BUSY;
}

static enum sim_res send_pdu(struct sim_modem *m, const char *hex,
			     unsigned tpdu_len, const char *da, bool cmss)
{
	struct sm_sms s;

	if (sm_pdu_decode(hex, (int)tpdu_len, &s, NULL, 0) < 0 ||
	    s.type != SM_PDU_SUBMIT)
		return cms(m, 304);
	return send_submit(m, da && *da ? da : s.number, s.text, s.coding,
			   &s.concat, s.status_report_request, cmss);
}

/* The text mode <dcs> of +CSMP as an alphabet (23.038 4). */
static enum sm_pdu_coding csmp_coding(const struct sim_modem *m)
{
	int dcs = m->set.csmp[3];

	if ((dcs & 0xC0) == 0 || (dcs & 0xF0) == 0xF0) {
		switch (dcs & 0x0C) {
		case 0x04:
			return SM_CODING_8BIT;
		case 0x08:
			return SM_CODING_UCS2;
		default:
			return SM_CODING_GSM7;
		}
	}
	return SM_CODING_GSM7;
}

/* Text typed at the prompt in text mode, as UTF-8.  0 or -EINVAL. */
static int prompt_text(struct sim_modem *m, char *out, size_t len,
		       enum sm_pdu_coding *coding)
{
	unsigned units;
	int septets, rc;

	*coding = csmp_coding(m);
	if (*coding == SM_CODING_UCS2 || *coding == SM_CODING_8BIT)
		rc = sim_cs_to_utf8(SIM_CS_UCS2, m->ptext, m->ptext_len, out,
				    len);
	else
		rc = sim_cs_to_utf8(m->set.cs, m->ptext, m->ptext_len, out,
				    len);
	if (rc < 0)
		return -EINVAL;
	/* one SMS at most: text mode has no concatenation */
	septets = sim_gsm_septets(out, &units);
	if (*coding == SM_CODING_GSM7 && septets > 160)
		return -EINVAL;
	if (*coding != SM_CODING_GSM7 && units > 70)
		return -EINVAL;
	return 0;
}

/* Ctrl-Z: the text or PDU is complete. */
static enum sim_res prompt_done(struct sim_modem *m)
{
	char text[SIM_PROMPT_MAX * 2];
	struct sm_pdu_part parts[SM_PDU_PARTS_MAX];
	struct sm_pdu_concat none = {0, 0, 0, false};
	enum sm_pdu_coding coding;
	int idx, n;

	if (m->ptext_over)
		return cms(m, m->set.cmgf ? 305 : 304);
	if (m->set.cmgf == 0) {
		/* hex may arrive in either case; store it upper-case */
		for (size_t i = 0; i < m->ptext_len; i++)
			if (m->ptext[i] >= 'a' && m->ptext[i] <= 'f')
				m->ptext[i] = (char)(m->ptext[i] - 32);
		m->ptext[m->ptext_len] = '\0';
		if (pdu_check(m->ptext, m->prompt_len) < 0)
			return cms(m, 304);
		if (m->prompt == SIM_PROMPT_CMGS)
			return send_pdu(m, m->ptext, (unsigned)m->prompt_len,
					NULL, false);
		{
			struct sm_sms s;

			if (sm_pdu_decode(m->ptext, m->prompt_len, &s, NULL,
					  0) < 0)
				return cms(m, 304);
		}
		idx = sim_store_put(&m->store[m->set.mem[1]], m->ptext,
				    (unsigned)m->prompt_len,
				    (enum sim_stat)m->prompt_stat);
		if (idx < 0)
			return cms(m, idx == -ENOSPC ? 322 : 304);
		info(m, "+CMGW: %u", (unsigned)idx + m->id->first_index);
		return SIM_RES_OK;
	}
	if (prompt_text(m, text, sizeof(text), &coding) < 0)
		return cms(m, 305);
	if (m->prompt == SIM_PROMPT_CMGS)
		return send_submit(m, m->prompt_to, text, coding, &none,
				   (m->set.csmp[0] & 0x20) != 0, false);
	{
		struct sm_pdu_submit_opts o = {
			.smsc = m->smsc,
			.mode = coding == SM_CODING_GSM7 ? SM_TEXT_GSM7
							 : SM_TEXT_UCS2,
			.status_report = (m->set.csmp[0] & 0x20) != 0,
			.validity_minutes = -1,
		};

		n = sm_pdu_encode_submit(m->prompt_to, text, &o, parts, 1, NULL,
					 NULL, 0);
		if (n != 1)
			return cms(m, 305);
	}
	idx = sim_store_put(&m->store[m->set.mem[1]], parts[0].hex,
			    parts[0].tpdu_len, (enum sim_stat)m->prompt_stat);
	if (idx < 0)
		return cms(m, idx == -ENOSPC ? 322 : 305);
	info(m, "+CMGW: %u", (unsigned)idx + m->id->first_index);
	return SIM_RES_OK;
}

/* Open the "> " prompt (27.005 3.5.1). */
static enum sim_res open_prompt(struct sim_modem *m, enum sim_prompt kind)
{
	m->prompt = kind;
	m->ptext_len = 0;
	m->ptext_over = false;
	m->input = SIM_IN_PROMPT;
	out_str(m, "\r\n> ");
	return SIM_RES_PROMPT;
}

/* ------------------------------------------------------------------ */
/* commands                                                            */

typedef enum sim_res (*sim_cmd_fn)(struct sim_modem *m, enum sim_op op,
				   const struct sim_args *a);

/* Parse an integer parameter; false when absent or malformed. */
static bool arg_int(const struct sim_args *a, int i, int *out)
{
	char *end;
	long v;

	if (i >= a->n || a->v[i][0] == '\0' || a->quoted[i])
		return false;
	v = strtol(a->v[i], &end, 10);
	if (*end || v < -1000000 || v > 1000000)
		return false;
	*out = (int)v;
	return true;
}

static bool arg_given(const struct sim_args *a, int i)
{
	return i < a->n && (a->v[i][0] || a->quoted[i]);
}

/* Storage slot @index as the TE numbers it, in @mem; NULL if invalid. */
static struct sim_slot *slot_at(struct sim_modem *m, enum sim_mem mem,
				int index)
{
	int i = index - (int)m->id->first_index;

	if (i < 0 || i >= SIM_SLOTS)
		return NULL;
	return &m->store[mem].slot[i];
}

static enum sim_res c_ok(struct sim_modem *m, enum sim_op op,
			 const struct sim_args *a)
{
	return SIM_RES_OK;
}

/*
 * An identity command (27.007 5.1-5.4: +CGMI, +CGMM, +CGMR, +CGSN): "=?"
 * is OK, the command itself prints @text, anything else is an error.
 */
static enum sim_res identity(struct sim_modem *m, enum sim_op op,
			     const char *text)
{
	if (op == SIM_OP_TEST)
		return SIM_RES_OK;
	if (op != SIM_OP_EXEC)
		return SIM_RES_ERROR;
	info(m, "%s", text);
	return SIM_RES_OK;
}

static enum sim_res c_cgmi(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	return identity(m, op, m->id->manufacturer);
}

static enum sim_res c_cgmm(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	return identity(m, op, m->id->model);
}

static enum sim_res c_cgmr(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	return identity(m, op, m->id->revision);
}

static enum sim_res c_cgsn(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	return identity(m, op, m->imei);
}

static enum sim_res c_gcap(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	if (op != SIM_OP_EXEC)
		return op == SIM_OP_TEST ? SIM_RES_OK : SIM_RES_ERROR;
	info(m, "+GCAP: +CGSM");
	return SIM_RES_OK;
}

static enum sim_res c_cimi(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	if (op == SIM_OP_TEST)
		return SIM_RES_OK;
	if (op != SIM_OP_EXEC)
		return SIM_RES_ERROR;
	if (!sim_ready(m))
		return cme(m, m->pin_state == 2 ? 12 : 11);
	info(m, "%s", m->imsi);
	return SIM_RES_OK;
}

static enum sim_res c_ccid(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	if (op == SIM_OP_TEST)
		return SIM_RES_OK;
	if (op != SIM_OP_EXEC && op != SIM_OP_READ)
		return SIM_RES_ERROR;
	/* the ICCID is readable without the PIN (EF ICCID is ALWays) */
	info(m, "+CCID: %s", m->iccid);
	return SIM_RES_OK;
}

static enum sim_res c_iccid(struct sim_modem *m, enum sim_op op,
			    const struct sim_args *a)
{
	if (op == SIM_OP_TEST)
		return SIM_RES_OK;
	if (op != SIM_OP_EXEC && op != SIM_OP_READ)
		return SIM_RES_ERROR;
	info(m, "+ICCID: %s", m->iccid);
	return SIM_RES_OK;
}

static enum sim_res c_cnum(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	char n[SM_PDU_ADDR_MAX * 4];

	if (op == SIM_OP_TEST)
		return SIM_RES_OK;
	if (op != SIM_OP_EXEC)
		return SIM_RES_ERROR;
	if (!sim_ready(m))
		return cme(m, m->pin_state == 2 ? 12 : 11);
	te_addr(m, m->cfg.own_number, n, sizeof(n));
	/* 27.007 7.1 */
	info(m, "+CNUM: \"\",\"%s\",%s", n, toa_of(m->cfg.own_number));
	return SIM_RES_OK;
}

/* 27.007 8.3 */
static enum sim_res c_cpin(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	static const char *const states[] = {"READY", "SIM PIN", "SIM PUK"};
	bool before = registered(m);

	switch (op) {
	case SIM_OP_EXEC:
		return SIM_RES_ERROR;
	case SIM_OP_TEST:
		return SIM_RES_OK;
	case SIM_OP_READ:
		info(m, "+CPIN: %s", states[m->pin_state]);
		return SIM_RES_OK;
	case SIM_OP_SET:
		break;
	}
	if (a->n < 1)
		return SIM_RES_ERROR;
	if (m->pin_state == 0)
		return cme(m, 3);
	if (m->pin_state == 2) {
		/* +CPIN=<puk>,<newpin>: unblock with the fixed PUK */
		if (a->n < 2 || strcmp(a->v[0], SIM_PUK) != 0)
			return cme(m, 16);
		m->pin_state = 0;
		m->pin_tries = 3;
	} else if (strcmp(a->v[0], m->cfg.pin) == 0) {
		m->pin_state = 0;
		m->pin_tries = 3;
	} else {
		if (--m->pin_tries <= 0)
			m->pin_state = 2;
		return cme(m, m->pin_state == 2 ? 12 : 16);
	}
	reg_urcs(m, before);
	deliver_queued(m);
	return SIM_RES_OK;
}

static enum sim_res c_cmee(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	int v;

	switch (op) {
	case SIM_OP_EXEC:
		m->set.cmee = 0;
		return SIM_RES_OK;
	case SIM_OP_READ:
		info(m, "+CMEE: %d", m->set.cmee);
		return SIM_RES_OK;
	case SIM_OP_TEST:
		info(m, "+CMEE: (0-2)");
		return SIM_RES_OK;
	case SIM_OP_SET:
		break;
	}
	if (!arg_int(a, 0, &v) || v < 0 || v > 2)
		return SIM_RES_ERROR;
	m->set.cmee = v;
	return SIM_RES_OK;
}

/* +CREG/+CGREG/+CEREG (27.007 7.2, 10.1.19, 10.1.22). */
static enum sim_res reg_cmd(struct sim_modem *m, enum sim_op op,
			    const struct sim_args *a, const char *name,
			    int *mode)
{
	int v, st = registered(m) ? 1 : 0;

	switch (op) {
	case SIM_OP_EXEC:
		return SIM_RES_ERROR;
	case SIM_OP_TEST:
		info(m, "%s: (0-2)", name);
		return SIM_RES_OK;
	case SIM_OP_READ:
		if (*mode == 2 && st)
			info(m, "%s: 2,1,\"1A2B\",\"01C3D4E5\",7", name);
		else
			info(m, "%s: %d,%d", name, *mode, st);
		return SIM_RES_OK;
	case SIM_OP_SET:
		break;
	}
	if (!arg_int(a, 0, &v) || v < 0 || v > 2)
		return SIM_RES_ERROR;
	*mode = v;
	return SIM_RES_OK;
}

static enum sim_res c_creg(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	return reg_cmd(m, op, a, "+CREG", &m->set.creg);
}

static enum sim_res c_cgreg(struct sim_modem *m, enum sim_op op,
			    const struct sim_args *a)
{
	return reg_cmd(m, op, a, "+CGREG", &m->set.cgreg);
}

static enum sim_res c_cereg(struct sim_modem *m, enum sim_op op,
			    const struct sim_args *a)
{
	return reg_cmd(m, op, a, "+CEREG", &m->set.cereg);
}

/* 27.007 7.3 */
static enum sim_res c_cops(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	static const char *const names[] = {"Orange F", "Orange", "20801"};
	int mode, fmt;

	switch (op) {
	case SIM_OP_EXEC:
		return SIM_RES_ERROR;
	case SIM_OP_TEST:
		if (!registered(m))
			return cme(m, 30);
		info(m, "+COPS: (2,\"Orange F\",\"Orange\",\"20801\",7),"
			"(3,\"SFR\",\"SFR\",\"20810\",7),,(0-4),(0-2)");
		return SIM_RES_OK;
	case SIM_OP_READ:
		if (!registered(m))
			info(m, "+COPS: 0");
		else
			info(m, "+COPS: 0,%d,\"%s\",7", m->set.cops_format,
			     names[m->set.cops_format]);
		return SIM_RES_OK;
	case SIM_OP_SET:
		break;
	}
	if (!arg_int(a, 0, &mode) || mode < 0 || mode > 4)
		return SIM_RES_ERROR;
	if (arg_given(a, 1)) {
		if (!arg_int(a, 1, &fmt) || fmt < 0 || fmt > 2)
			return SIM_RES_ERROR;
		m->set.cops_format = fmt;
	}
	return SIM_RES_OK;
}

/* 27.007 8.5 */
static enum sim_res c_csq(struct sim_modem *m, enum sim_op op,
			  const struct sim_args *a)
{
	if (op == SIM_OP_TEST) {
		info(m, "+CSQ: (0-31,99),(0-7,99)");
		return SIM_RES_OK;
	}
	if (op != SIM_OP_EXEC)
		return SIM_RES_ERROR;
	if (m->cfun == 1)
		info(m, "+CSQ: %d,99", m->rssi);
	else
		info(m, "+CSQ: 99,99");
	return SIM_RES_OK;
}

/* 27.007 8.2 */
static enum sim_res c_cfun(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	bool before = registered(m);
	int fun, rst = 0;

	switch (op) {
	case SIM_OP_EXEC:
		return SIM_RES_ERROR;
	case SIM_OP_TEST:
		info(m, "+CFUN: (0,1,4),(0-1)");
		return SIM_RES_OK;
	case SIM_OP_READ:
		info(m, "+CFUN: %d", m->cfun);
		return SIM_RES_OK;
	case SIM_OP_SET:
		break;
	}
	if (!arg_int(a, 0, &fun) || (fun != 0 && fun != 1 && fun != 4))
		return SIM_RES_ERROR;
	if (arg_given(a, 1) && (!arg_int(a, 1, &rst) || rst < 0 || rst > 1))
		return SIM_RES_ERROR;
	if (rst || (fun == 1 && m->cfun != 1)) {
		/* a reset, or the radio back on: the module re-initialises */
		bool echo = m->set.echo;

		power_on_reset(m);
		if (!rst)
			m->set.echo = echo;
	}
	m->cfun = fun;
	reg_urcs(m, before);
	if (registered(m))
		deliver_queued(m);
	return SIM_RES_OK;
}

/* 27.007 5.5 */
static enum sim_res c_cscs(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	enum sim_charset cs;

	switch (op) {
	case SIM_OP_EXEC:
		return SIM_RES_ERROR;
	case SIM_OP_TEST:
		info(m, "+CSCS: (\"GSM\",\"IRA\",\"UCS2\")");
		return SIM_RES_OK;
	case SIM_OP_READ:
		info(m, "+CSCS: \"%s\"", sim_charset_name(m->set.cs));
		return SIM_RES_OK;
	case SIM_OP_SET:
		break;
	}
	if (a->n < 1 || sim_charset_parse(a->v[0], &cs) < 0)
		return SIM_RES_ERROR;
	m->set.cs = cs;
	return SIM_RES_OK;
}

/* 27.005 3.3.1 */
static enum sim_res c_csca(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	char buf[SM_PDU_ADDR_MAX * 4], num[SM_PDU_ADDR_MAX];

	if (!sim_ready(m))
		return cms(m, m->pin_state == 2 ? 316 : 311);
	switch (op) {
	case SIM_OP_EXEC:
		return SIM_RES_ERROR;
	case SIM_OP_TEST:
		return SIM_RES_OK;
	case SIM_OP_READ:
		te_addr(m, m->smsc, buf, sizeof(buf));
		info(m, "+CSCA: \"%s\",%s", buf, toa_of(m->smsc));
		return SIM_RES_OK;
	case SIM_OP_SET:
		break;
	}
	if (a->n < 1 || sim_cs_to_utf8(m->set.cs, a->v[0], strlen(a->v[0]), num,
				       sizeof(num)) < 0)
		return SIM_RES_ERROR;
	snprintf(m->smsc, sizeof(m->smsc), "%s", num);
	return SIM_RES_OK;
}

/* 27.005 3.2.1 */
static enum sim_res c_csms(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	int v;

	switch (op) {
	case SIM_OP_EXEC:
		return SIM_RES_ERROR;
	case SIM_OP_TEST:
		info(m, "+CSMS: (0,1)");
		return SIM_RES_OK;
	case SIM_OP_READ:
		info(m, "+CSMS: %d,1,1,1", m->set.csms);
		return SIM_RES_OK;
	case SIM_OP_SET:
		break;
	}
	if (!arg_int(a, 0, &v) || v < 0 || v > 1)
		return SIM_RES_ERROR;
	m->set.csms = v;
	info(m, "+CSMS: 1,1,1");
	return SIM_RES_OK;
}

/* 27.005 3.2.3 */
static enum sim_res c_cmgf(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	int v;

	switch (op) {
	case SIM_OP_EXEC:
		m->set.cmgf = 0;
		return SIM_RES_OK;
	case SIM_OP_TEST:
		info(m, "+CMGF: (0,1)");
		return SIM_RES_OK;
	case SIM_OP_READ:
		info(m, "+CMGF: %d", m->set.cmgf);
		return SIM_RES_OK;
	case SIM_OP_SET:
		break;
	}
	if (!arg_int(a, 0, &v) || v < 0 || v > 1)
		return SIM_RES_ERROR;
	m->set.cmgf = v;
	return SIM_RES_OK;
}

/* 27.005 3.2.2 */
static enum sim_res c_cpms(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	enum sim_mem mem[3];
	char buf[256];
	size_t o = 0;

	if (!sim_ready(m))
		return cms(m, m->pin_state == 2 ? 316 : 311);
	switch (op) {
	case SIM_OP_EXEC:
		return SIM_RES_ERROR;
	case SIM_OP_TEST:
		info(m, "+CPMS: (\"SM\",\"ME\",\"SR\"),(\"SM\",\"ME\"),"
			"(\"SM\",\"ME\")");
		return SIM_RES_OK;
	case SIM_OP_READ:
		for (int i = 0; i < 3; i++)
			o += (size_t)snprintf(
				buf + o, sizeof(buf) - o, "%s\"%s\",%u,%d",
				i ? "," : "", sim_mem_name(m->set.mem[i]),
				sim_store_used(&m->store[m->set.mem[i]]),
				SIM_SLOTS);
		info(m, "+CPMS: %s", buf);
		return SIM_RES_OK;
	case SIM_OP_SET:
		break;
	}
	if (a->n < 1 || a->n > 3)
		return SIM_RES_ERROR;
	for (int i = 0; i < 3; i++) {
		mem[i] = m->set.mem[i];
		if (i < a->n && arg_given(a, i) &&
		    sim_mem_parse(a->v[i], &mem[i]) < 0)
			return cms(m, 302);
		if (i > 0 && mem[i] == SIM_MEM_SR && i < a->n)
			return cms(m, 302);
	}
	memcpy(m->set.mem, mem, sizeof(mem));
	for (int i = 0; i < 3; i++)
		o += (size_t)snprintf(
			buf + o, sizeof(buf) - o, "%s%u,%d", i ? "," : "",
			sim_store_used(&m->store[mem[i]]), SIM_SLOTS);
	info(m, "+CPMS: %s", buf);
	return SIM_RES_OK;
}

/* 27.005 3.4.1 */
static enum sim_res c_cnmi(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	/* SIM800 (corpus simcom_sim800.txt): "+CNMI: (0-3),(0-3),(0,2),
	 * (0,1),(0,1)": <ds>=2 refused, reports only as +CDS */
	static const int max[5] = {3, 3, 3, 2, 1};
	int v[5];

	switch (op) {
	case SIM_OP_EXEC:
		return SIM_RES_ERROR;
	case SIM_OP_TEST:
		info(m, "+CNMI: (0-3),(0-3),(0,2),%s,(0,1)",
		     m->cfg.profile == SIM_PROFILE_SIMCOM ? "(0,1)" : "(0-2)");
		return SIM_RES_OK;
	case SIM_OP_READ:
		info(m, "+CNMI: %d,%d,%d,%d,%d", m->set.cnmi[0], m->set.cnmi[1],
		     m->set.cnmi[2], m->set.cnmi[3], m->set.cnmi[4]);
		return SIM_RES_OK;
	case SIM_OP_SET:
		break;
	}
	if (a->n < 1 || a->n > 5)
		return SIM_RES_ERROR;
	memcpy(v, m->set.cnmi, sizeof(v));
	for (int i = 0; i < a->n; i++) {
		if (!arg_given(a, i))
			continue;
		if (!arg_int(a, i, &v[i]) || v[i] < 0 || v[i] > max[i])
			return SIM_RES_ERROR;
	}
	if (m->cfg.profile == SIM_PROFILE_SIMCOM && v[3] == 2)
		return SIM_RES_ERROR;
	memcpy(m->set.cnmi, v, sizeof(v));
	return SIM_RES_OK;
}

/* 27.005 3.3.2 */
static enum sim_res c_csmp(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	int v[4];

	switch (op) {
	case SIM_OP_EXEC:
		return SIM_RES_ERROR;
	case SIM_OP_TEST:
		return SIM_RES_OK;
	case SIM_OP_READ:
		info(m, "+CSMP: %d,%d,%d,%d", m->set.csmp[0], m->set.csmp[1],
		     m->set.csmp[2], m->set.csmp[3]);
		return SIM_RES_OK;
	case SIM_OP_SET:
		break;
	}
	if (a->n < 1 || a->n > 4)
		return SIM_RES_ERROR;
	memcpy(v, m->set.csmp, sizeof(v));
	for (int i = 0; i < a->n; i++) {
		if (!arg_given(a, i))
			continue;
		if (!arg_int(a, i, &v[i]) || v[i] < 0 || v[i] > 255)
			return SIM_RES_ERROR;
	}
	memcpy(m->set.csmp, v, sizeof(v));
	return SIM_RES_OK;
}

/* 27.005 3.3.3 */
static enum sim_res c_csdh(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	int v;

	switch (op) {
	case SIM_OP_EXEC:
		m->set.csdh = false;
		return SIM_RES_OK;
	case SIM_OP_TEST:
		info(m, "+CSDH: (0,1)");
		return SIM_RES_OK;
	case SIM_OP_READ:
		info(m, "+CSDH: %d", m->set.csdh);
		return SIM_RES_OK;
	case SIM_OP_SET:
		break;
	}
	if (!arg_int(a, 0, &v) || v < 0 || v > 1)
		return SIM_RES_ERROR;
	m->set.csdh = v;
	return SIM_RES_OK;
}

/* 27.005 3.5.6 */
static enum sim_res c_cmms(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	int v;

	switch (op) {
	case SIM_OP_EXEC:
		return SIM_RES_ERROR;
	case SIM_OP_TEST:
		info(m, "+CMMS: (0-2)");
		return SIM_RES_OK;
	case SIM_OP_READ:
		info(m, "+CMMS: %d", m->set.cmms);
		return SIM_RES_OK;
	case SIM_OP_SET:
		break;
	}
	if (!arg_int(a, 0, &v) || v < 0 || v > 2)
		return SIM_RES_ERROR;
	m->set.cmms = v;
	return SIM_RES_OK;
}

/* 27.005 3.4.4 */
static enum sim_res c_cnma(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	int n = 0;

	if (op == SIM_OP_TEST) {
		if (m->set.cmgf == 0)
			info(m, "+CNMA: (0-2)");
		return SIM_RES_OK;
	}
	if (op == SIM_OP_READ)
		return SIM_RES_ERROR;
	if (op == SIM_OP_SET && (!arg_int(a, 0, &n) || n < 0 || n > 2))
		return SIM_RES_ERROR;
	if (m->set.csms != 1 || !m->cmt_pending)
		return cms(m, 340);
	events_drop(m, SIM_EV_CNMA);
	if (n == 2) {
		/* RP-ERROR: the network keeps it and the modem stores it */
		cmt_unacked(m);
		return SIM_RES_OK;
	}
	m->cmt_pending = false;
	return SIM_RES_OK;
}

/* One stored message as +CMGR (@list false) or +CMGL (27.005 3.4.2/3). */
static void show_slot(struct sim_modem *m, int index, struct sim_slot *sl,
		      bool list)
{
	static const char *const stn[] = {"0", "1", "2", "3", "4"};
	char head[16] = "", addr[SM_PDU_ADDR_MAX * 4], ts[32], dt[32];
	char data[SIM_PROMPT_MAX * 2];
	struct sm_sms s;
	unsigned len;

	if (list)
		snprintf(head, sizeof(head), "%d,", index);
	if (m->set.cmgf == 0) {
		info(m, "%s: %s%s,,%u", list ? "+CMGL" : "+CMGR", head,
		     stn[sl->stat], sl->tpdu_len);
		info(m, "%s", sl->hex);
		return;
	}
	if (sm_pdu_decode(sl->hex, (int)sl->tpdu_len, &s, NULL, 0) < 0)
		return;
	te_addr(m, s.number, addr, sizeof(addr));
	scts_str(s.timestamp, s.tz_minutes, ts, sizeof(ts));
	if (s.type == SM_PDU_STATUS_REPORT) {
		scts_str(s.discharge, s.discharge_tz_minutes, dt, sizeof(dt));
		info(m, "%s: %s\"%s\",6,%d,\"%s\",%s,\"%s\",\"%s\",%d",
		     list ? "+CMGL" : "+CMGR", head, sim_stat_name(sl->stat),
		     s.mr, addr, toa_of(s.number), ts, dt, s.status);
		return;
	}
	te_data(m, &s, data, sizeof(data), &len);
	if (list && m->set.csdh)
		info(m, "+CMGL: %s\"%s\",\"%s\",,\"%s\",%s,%u", head,
		     sim_stat_name(sl->stat), addr,
		     s.type == SM_PDU_DELIVER ? ts : "", toa_of(s.number), len);
	else if (list)
		info(m, "+CMGL: %s\"%s\",\"%s\",,%s%s%s", head,
		     sim_stat_name(sl->stat), addr,
		     s.type == SM_PDU_DELIVER ? "\"" : "",
		     s.type == SM_PDU_DELIVER ? ts : "",
		     s.type == SM_PDU_DELIVER ? "\"" : "");
	else if (s.type == SM_PDU_DELIVER && m->set.csdh)
		info(m, "+CMGR: \"%s\",\"%s\",,\"%s\",%s,%d,%d,%d,\"%s\",%s,%u",
		     sim_stat_name(sl->stat), addr, ts, toa_of(s.number),
		     s.concat.total ? 0x44 : 0x04, s.pid, dcs_of(s.coding),
		     s.smsc, toa_of(s.smsc), len);
	else if (s.type == SM_PDU_DELIVER)
		info(m, "+CMGR: \"%s\",\"%s\",,\"%s\"", sim_stat_name(sl->stat),
		     addr, ts);
	else
		info(m, "+CMGR: \"%s\",\"%s\",", sim_stat_name(sl->stat), addr);
	info(m, "%s", data);
}

/* 27.005 3.4.3 */
static enum sim_res c_cmgr(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	struct sim_slot *sl;
	int index;

	if (!sim_ready(m))
		return cms(m, m->pin_state == 2 ? 316 : 311);
	if (op == SIM_OP_TEST)
		return SIM_RES_OK;
	if (op != SIM_OP_SET || !arg_int(a, 0, &index))
		return SIM_RES_ERROR;
	sl = slot_at(m, m->set.mem[0], index);
	if (!sl)
		return cms(m, 321);
	if (!sl->used)
		return SIM_RES_OK; /* an empty slot: a bare OK */
	show_slot(m, index, sl, false);
	if (sl->stat == SIM_STAT_REC_UNREAD)
		sl->stat = SIM_STAT_REC_READ;
	return SIM_RES_OK;
}

/* 27.005 3.4.2 */
static enum sim_res c_cmgl(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	enum sim_stat want = SIM_STAT_REC_UNREAD;
	struct sim_store *st = &m->store[m->set.mem[0]];
	int v;

	if (!sim_ready(m))
		return cms(m, m->pin_state == 2 ? 316 : 311);
	switch (op) {
	case SIM_OP_READ:
		return SIM_RES_ERROR;
	case SIM_OP_TEST:
		if (m->set.cmgf == 0)
			info(m, "+CMGL: (0-4)");
		else
			info(m, "+CMGL: (\"REC UNREAD\",\"REC READ\","
				"\"STO UNSENT\",\"STO SENT\",\"ALL\")");
		return SIM_RES_OK;
	case SIM_OP_EXEC:
		break;
	case SIM_OP_SET:
		if (m->set.cmgf == 0) {
			if (!arg_int(a, 0, &v) || v < 0 || v > 4)
				return cms(m, 304);
			want = (enum sim_stat)v;
		} else if (sim_stat_parse(a->v[0], &want) < 0) {
			return cms(m, 305);
		}
		break;
	}
	for (int i = 0; i < SIM_SLOTS; i++) {
		struct sim_slot *sl = &st->slot[i];

		if (!sl->used || (want != SIM_STAT_ALL && sl->stat != want))
			continue;
		show_slot(m, i + (int)m->id->first_index, sl, true);
		if (sl->stat == SIM_STAT_REC_UNREAD)
			sl->stat = SIM_STAT_REC_READ;
	}
	return SIM_RES_OK;
}

/* 27.005 3.5.4 */
static enum sim_res c_cmgd(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	struct sim_store *st = &m->store[m->set.mem[0]];
	struct sim_slot *sl;
	int index, flag = 0;

	if (!sim_ready(m))
		return cms(m, m->pin_state == 2 ? 316 : 311);
	if (op == SIM_OP_TEST) {
		char buf[SIM_SLOTS * 4 + 8];
		size_t o = 0;

		for (int i = 0; i < SIM_SLOTS; i++)
			if (st->slot[i].used)
				o += (size_t)snprintf(
					buf + o, sizeof(buf) - o, "%s%u",
					o ? "," : "",
					(unsigned)i + m->id->first_index);
		buf[o] = '\0';
		info(m, "+CMGD: (%s),(0-4)", buf);
		return SIM_RES_OK;
	}
	if (op != SIM_OP_SET || !arg_int(a, 0, &index))
		return SIM_RES_ERROR;
	if (arg_given(a, 1) && (!arg_int(a, 1, &flag) || flag < 0 || flag > 4))
		return SIM_RES_ERROR;
	if (flag == 0) {
		sl = slot_at(m, m->set.mem[0], index);
		if (!sl)
			return cms(m, 321);
		sl->used = false;
	} else {
		for (int i = 0; i < SIM_SLOTS; i++) {
			sl = &st->slot[i];
			/* 1 read, 2 + sent, 3 + unsent, 4 all */
			if (flag == 4 || sl->stat == SIM_STAT_REC_READ ||
			    (flag >= 2 && sl->stat == SIM_STAT_STO_SENT) ||
			    (flag >= 3 && sl->stat == SIM_STAT_STO_UNSENT))
				sl->used = false;
		}
	}
	/* room again: the network delivers what it held (23.040 10.3) */
	deliver_queued(m);
	return SIM_RES_OK;
}

/* Destination of text-mode +CMGS/+CMGW, decoded from the TE charset. */
static int text_da(struct sim_modem *m, const struct sim_args *a)
{
	if (a->n < 1 || !a->v[0][0])
		return -EINVAL;
	if (sim_cs_to_utf8(m->set.cs, a->v[0], strlen(a->v[0]), m->prompt_to,
			   sizeof(m->prompt_to)) < 0)
		return -EINVAL;
	for (const char *p = m->prompt_to + (m->prompt_to[0] == '+'); *p; p++)
		if (*p < '0' || *p > '9')
			return -EINVAL;
	return m->prompt_to[0] ? 0 : -EINVAL;
}

/* 27.005 3.5.1 */
static enum sim_res c_cmgs(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	if (!sim_ready(m))
		return cms(m, m->pin_state == 2 ? 316 : 311);
	if (op == SIM_OP_TEST)
		return SIM_RES_OK;
	if (op != SIM_OP_SET)
		return SIM_RES_ERROR;
	if (!registered(m))
		return cms(m, 331);
	if (m->set.cmgf == 0) {
		/* SMS-SUBMIT TPDU: 7 to 164 octets */
		if (!arg_int(a, 0, &m->prompt_len) || m->prompt_len < 7 ||
		    m->prompt_len > 164)
			return cms(m, 304);
	} else if (text_da(m, a) < 0) {
		return cms(m, 305);
	}
	return open_prompt(m, SIM_PROMPT_CMGS);
}

/* 27.005 3.5.3 */
static enum sim_res c_cmgw(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	int stat = SIM_STAT_STO_UNSENT;

	if (!sim_ready(m))
		return cms(m, m->pin_state == 2 ? 316 : 311);
	if (op == SIM_OP_TEST)
		return SIM_RES_OK;
	if (op == SIM_OP_READ)
		return SIM_RES_ERROR;
	if (m->set.cmgf == 0) {
		if (!arg_int(a, 0, &m->prompt_len) || m->prompt_len < 7 ||
		    m->prompt_len > 164)
			return cms(m, 304);
		if (arg_given(a, 1) &&
		    (!arg_int(a, 1, &stat) || stat < 0 || stat > 3))
			return cms(m, 304);
	} else {
		enum sim_stat st;

		if (text_da(m, a) < 0)
			return cms(m, 305);
		if (arg_given(a, 2)) {
			if (sim_stat_parse(a->v[2], &st) < 0 ||
			    st == SIM_STAT_ALL)
				return cms(m, 305);
			stat = (int)st;
		}
	}
	m->prompt_stat = stat;
	return open_prompt(m, SIM_PROMPT_CMGW);
}

/* 27.005 3.5.2 */
static enum sim_res c_cmss(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	char da[SM_PDU_ADDR_MAX] = "";
	struct sim_slot *sl;
	enum sim_res res;
	int index;

	if (!sim_ready(m))
		return cms(m, m->pin_state == 2 ? 316 : 311);
	if (op == SIM_OP_TEST)
		return SIM_RES_OK;
	if (op != SIM_OP_SET || !arg_int(a, 0, &index))
		return SIM_RES_ERROR;
	sl = slot_at(m, m->set.mem[1], index);
	if (!sl || !sl->used)
		return cms(m, 321);
	if (arg_given(a, 1) &&
	    sim_cs_to_utf8(m->set.cs, a->v[1], strlen(a->v[1]), da,
			   sizeof(da)) < 0)
		return cms(m, 304);
	res = send_pdu(m, sl->hex, sl->tpdu_len, da, true);
	if (res == SIM_RES_BUSY && sl->stat == SIM_STAT_STO_UNSENT)
		sl->stat = SIM_STAT_STO_SENT;
	return res;
}

static enum sim_res c_cpas(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	if (op == SIM_OP_TEST) {
		info(m, "+CPAS: (0-5)");
		return SIM_RES_OK;
	}
	info(m, "+CPAS: 0");
	return SIM_RES_OK;
}

static enum sim_res c_cclk(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	char ts[32];

	if (op == SIM_OP_SET || op == SIM_OP_TEST)
		return SIM_RES_OK;
	if (op != SIM_OP_READ)
		return SIM_RES_ERROR;
	scts_str(time(NULL), 60, ts, sizeof(ts));
	info(m, "+CCLK: \"%s\"", ts);
	return SIM_RES_OK;
}

/* Huawei ^CURC: periodic ^RSSI/^MODE reports on (1) or off (0). */
static enum sim_res c_curc(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	int v;

	switch (op) {
	case SIM_OP_EXEC:
		return SIM_RES_ERROR;
	case SIM_OP_TEST:
		info(m, "^CURC: (0-1)");
		return SIM_RES_OK;
	case SIM_OP_READ:
		info(m, "^CURC: %d", m->set.curc);
		return SIM_RES_OK;
	case SIM_OP_SET:
		break;
	}
	if (!arg_int(a, 0, &v) || v < 0 || v > 1)
		return SIM_RES_ERROR;
	m->set.curc = v;
	if (v)
		vendor_urc_arm(m, m->now + SIM_HUAWEI_URC_MS);
	return SIM_RES_OK;
}

static enum sim_res c_clac(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a);

/* Which profiles have a command. */
#define P_ALL	 0xF
#define P_HUAWEI (1u << SIM_PROFILE_HUAWEI)

static const struct sim_cmd {
	const char *name;  /* "+CMGS", upper case */
	sim_cmd_fn fn;	   /* handler */
	unsigned profiles; /* bit per enum sim_profile */
} commands[] = {
	{"+CGMI", c_cgmi, P_ALL},    {"+GMI", c_cgmi, P_ALL},
	{"+CGMM", c_cgmm, P_ALL},    {"+GMM", c_cgmm, P_ALL},
	{"+CGMR", c_cgmr, P_ALL},    {"+GMR", c_cgmr, P_ALL},
	{"+CGSN", c_cgsn, P_ALL},    {"+GSN", c_cgsn, P_ALL},
	{"+GCAP", c_gcap, P_ALL},    {"+CIMI", c_cimi, P_ALL},
	{"+CCID", c_ccid, P_ALL},    {"+ICCID", c_iccid, P_ALL},
	{"+CNUM", c_cnum, P_ALL},    {"+CPIN", c_cpin, P_ALL},
	{"+CMEE", c_cmee, P_ALL},    {"+CREG", c_creg, P_ALL},
	{"+CGREG", c_cgreg, P_ALL},  {"+CEREG", c_cereg, P_ALL},
	{"+COPS", c_cops, P_ALL},    {"+CSQ", c_csq, P_ALL},
	{"+CFUN", c_cfun, P_ALL},    {"+CSCS", c_cscs, P_ALL},
	{"+CSCA", c_csca, P_ALL},    {"+CSMS", c_csms, P_ALL},
	{"+CMGF", c_cmgf, P_ALL},    {"+CPMS", c_cpms, P_ALL},
	{"+CNMI", c_cnmi, P_ALL},    {"+CSMP", c_csmp, P_ALL},
	{"+CSDH", c_csdh, P_ALL},    {"+CMMS", c_cmms, P_ALL},
	{"+CNMA", c_cnma, P_ALL},    {"+CMGR", c_cmgr, P_ALL},
	{"+CMGL", c_cmgl, P_ALL},    {"+CMGD", c_cmgd, P_ALL},
	{"+CMGS", c_cmgs, P_ALL},    {"+CMGW", c_cmgw, P_ALL},
	{"+CMSS", c_cmss, P_ALL},    {"+CPAS", c_cpas, P_ALL},
	{"+CCLK", c_cclk, P_ALL},    {"+CLAC", c_clac, P_ALL},
	{"+IPR", c_ok, P_ALL},	     {"+IFC", c_ok, P_ALL},
	{"^CURC", c_curc, P_HUAWEI},
};

/* 27.007 8.37 */
static enum sim_res c_clac(struct sim_modem *m, enum sim_op op,
			   const struct sim_args *a)
{
	static const char *const basic[] = {"E", "I", "Q", "V", "Z", "&F"};

	if (op == SIM_OP_TEST)
		return SIM_RES_OK;
	if (op != SIM_OP_EXEC)
		return SIM_RES_ERROR;
	for (size_t i = 0; i < sizeof(basic) / sizeof(basic[0]); i++)
		info(m, "%s", basic[i]);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].profiles & (1u << m->cfg.profile))
			info(m, "%s", commands[i].name);
	return SIM_RES_OK;
}

/* ATI (V.250 6.1.3) */
static void ati(struct sim_modem *m)
{
	switch (m->cfg.profile) {
	case SIM_PROFILE_GENERIC:
	case SIM_PROFILE_QUECTEL:
		info(m, "%s", m->id->manufacturer);
		info(m, "%s", m->id->model);
		info(m, "Revision: %s", m->id->revision);
		break;
	case SIM_PROFILE_HUAWEI:
	case SIM_PROFILE_SIMCOM:
		info(m, "Manufacturer: %s", m->id->manufacturer);
		info(m, "Model: %s", m->id->model);
		info(m, "Revision: %s", m->id->revision);
		info(m, "IMEI: %s", m->imei);
		info(m, "+GCAP: +CGSM");
		break;
	}
}

/*
 * Split "=a,"b",c" parameters (V.250 5.4.2.1).  Returns 0 or -EINVAL for
 * an unterminated string, too many or too long parameters.
 */
static int parse_args(const char *p, size_t n, struct sim_args *a)
{
	size_t len = 0;
	bool in_q = false;

	memset(a, 0, sizeof(*a));
	a->n = 1;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (in_q) {
			if (c == '"')
				in_q = false;
			else if (len + 1 < SIM_ARG_MAX)
				a->v[a->n - 1][len++] = c;
			else
				return -EINVAL;
			continue;
		}
		if (c == '"') {
			in_q = true;
			a->quoted[a->n - 1] = true;
		} else if (c == ',') {
			if (a->n == SIM_ARGS_MAX)
				return -EINVAL;
			a->n++;
			len = 0;
		} else if (c != ' ') {
			if (len + 1 >= SIM_ARG_MAX)
				return -EINVAL;
			a->v[a->n - 1][len++] = c;
		}
	}
	return in_q ? -EINVAL : 0;
}

/* One extended command "+NAME...", @len bytes. */
static enum sim_res exec_extended(struct sim_modem *m, const char *cmd,
				  size_t len)
{
	struct sim_args args;
	char name[32];
	size_t i = 1;
	enum sim_op op = SIM_OP_EXEC;

	name[0] = cmd[0];
	while (i < len && i < sizeof(name) - 1 &&
	       (isalnum((unsigned char)cmd[i]) || cmd[i] == '_')) {
		name[i] = (char)toupper((unsigned char)cmd[i]);
		i++;
	}
	name[i] = '\0';
	memset(&args, 0, sizeof(args));
	if (i < len && cmd[i] == '?' && i + 1 == len) {
		op = SIM_OP_READ;
	} else if (i + 1 < len && cmd[i] == '=' && cmd[i + 1] == '?' &&
		   i + 2 == len) {
		op = SIM_OP_TEST;
	} else if (i < len && cmd[i] == '=') {
		op = SIM_OP_SET;
		if (parse_args(cmd + i + 1, len - i - 1, &args) < 0)
			return SIM_RES_ERROR;
	} else if (i != len) {
		return SIM_RES_ERROR;
	}
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
		if (strcmp(commands[k].name, name) == 0 &&
		    (commands[k].profiles & (1u << m->cfg.profile)))
			return commands[k].fn(m, op, &args);
	}
	if (m->cfg.verbose)
		fprintf(m->cfg.verbose,
			"modemsim: %s: unknown command AT%.*s\n", m->cfg.name,
			(int)len, cmd);
	return SIM_RES_ERROR;
}

/* One basic command letter (V.250 6.2): E, V, Q, Z, I, &F, S... */
static enum sim_res exec_basic(struct sim_modem *m, char c, bool amp, int v)
{
	if (amp) {
		switch (c) {
		case 'F':
			settings_reset(m, true);
			return SIM_RES_OK;
		case 'C':
		case 'D':
		case 'K':
		case 'W':
		case 'V':
			return SIM_RES_OK;
		default:
			return SIM_RES_ERROR;
		}
	}
	switch (c) {
	case 'E':
		if (v > 1)
			return SIM_RES_ERROR;
		m->set.echo = v == 1;
		return SIM_RES_OK;
	case 'V':
		if (v > 1)
			return SIM_RES_ERROR;
		m->set.verbose = v == 1;
		return SIM_RES_OK;
	case 'Q':
		if (v > 1)
			return SIM_RES_ERROR;
		m->set.quiet = v == 1;
		return SIM_RES_OK;
	case 'Z':
		settings_reset(m, false);
		return SIM_RES_OK;
	case 'I':
		ati(m);
		return SIM_RES_OK;
	case 'H':
	case 'X':
	case 'L':
	case 'M':
		return SIM_RES_OK;
	default:
		return SIM_RES_ERROR;
	}
}

/* The body of a command line after "AT". */
static enum sim_res exec_body(struct sim_modem *m, const char *p)
{
	enum sim_res res = SIM_RES_OK;

	while (*p && res == SIM_RES_OK) {
		if (*p == ' ' || *p == ';') {
			p++;
		} else if (*p == '+' || *p == '^' || *p == '$' || *p == '%') {
			size_t n = 0;
			bool q = false;

			while (p[n] && (q || p[n] != ';')) {
				if (p[n] == '"')
					q = !q;
				n++;
			}
			res = exec_extended(m, p, n);
			p += n;
		} else if (*p == 'S' || *p == 's') {
			/* S-parameters: Sn=v sets, Sn? reads (V.250 6.2) */
			char *end;
			long reg = strtol(p + 1, &end, 10);

			if (end == p + 1)
				return SIM_RES_ERROR;
			p = end;
			if (*p == '?') {
				int val = reg == 3   ? 13
					  : reg == 4 ? 10
					  : reg == 5 ? 8
						     : 0;

				info(m, "%03d", val);
				p++;
			} else if (*p == '=') {
				strtol(p + 1, &end, 10);
				p = end;
			}
		} else if (isalpha((unsigned char)*p) || *p == '&') {
			bool amp = *p == '&';
			char c;
			int v = 0;

			if (amp)
				p++;
			c = (char)toupper((unsigned char)*p);
			if (!isalpha((unsigned char)c))
				return SIM_RES_ERROR;
			p++;
			while (isdigit((unsigned char)*p))
				v = v * 10 + (*p++ - '0');
			res = exec_basic(m, c, amp, v);
		} else {
			return SIM_RES_ERROR;
		}
	}
	return res;
}

/* A complete command line (S3 seen). */
static void exec_line(struct sim_modem *m)
{
	const char *p = m->line;
	enum sim_res res;

	m->line[m->line_len] = '\0';
	/* line noise before "AT" is skipped (V.250 5.2.1) */
	while (*p && toupper((unsigned char)*p) != 'A')
		p++;
	if (toupper((unsigned char)p[0]) == 'A' && p[1] == '/') {
		p = m->last;
	} else if (toupper((unsigned char)p[0]) == 'A' &&
		   toupper((unsigned char)p[1]) == 'T') {
		snprintf(m->last, sizeof(m->last), "%s", p);
	} else {
		return; /* not a command line: a modem ignores it */
	}
	if (m->line_over) {
		resp_begin(m);
		final(m, SIM_RES_ERROR);
		return;
	}
	m->stats.commands++;
	m->power_cmds++;
	resp_begin(m);
	m->resp_open = false;
	m->executing = true;
	if (m->cfg.error_all)
		res = SIM_RES_ERROR;
	else
		res = exec_body(m, p + 2);
	m->executing = false;
	final(m, res);
	if (res != SIM_RES_PROMPT)
		urcs_release(m);
	if (m->cfg.hang_after && m->power_cmds >= m->cfg.hang_after &&
	    res != SIM_RES_PROMPT && res != SIM_RES_BUSY) {
		out_flush(m);
		m->hung = true;
	}
}

static void feed_byte(struct sim_modem *m, char c);

/* Bytes kept while busy, replayed once the send is answered. */
static void replay_backlog(struct sim_modem *m)
{
	char tmp[SIM_BACKLOG_MAX];
	size_t n = m->backlog_len;

	memcpy(tmp, m->backlog, n);
	m->backlog_len = 0;
	for (size_t i = 0; i < n; i++)
		feed_byte(m, tmp[i]);
}

static void prompt_end(struct sim_modem *m, enum sim_res res)
{
	if (m->input == SIM_IN_PROMPT)
		m->input = SIM_IN_COMMAND;
	final(m, res);
	urcs_release(m);
	if (m->cfg.hang_after && m->power_cmds >= m->cfg.hang_after) {
		out_flush(m);
		m->hung = true;
	}
}

static void feed_prompt(struct sim_modem *m, char c)
{
	if (c == 0x1A) {
		enum sim_res res;

		m->input = SIM_IN_COMMAND;
		resp_begin(m);
		res = prompt_done(m);
		if (res == SIM_RES_BUSY) {
			urcs_release(m);
			return;
		}
		prompt_end(m, res);
		return;
	}
	if (c == 0x1B) {
		/* 27.005 3.5.1: ESC cancels the send */
		m->input = SIM_IN_COMMAND;
		prompt_end(m, SIM_RES_OK);
		return;
	}
	if (m->set.echo)
		out_raw(m, &c, 1);
	if (m->set.cmgf == 0 && (c == '\r' || c == '\n' || c == ' '))
		return;
	if (m->set.cmgf == 1 && c == '\r') {
		/* a new line of text: the prompt again */
		out_str(m, "\n> ");
		c = '\n';
	} else if (m->set.cmgf == 1 && c == '\n') {
		return;
	}
	if (m->ptext_len < SIM_PROMPT_MAX)
		m->ptext[m->ptext_len++] = c;
	else
		m->ptext_over = true;
}

static void feed_byte(struct sim_modem *m, char c)
{
	if (m->hung || !m->powered)
		return;
	switch (m->input) {
	case SIM_IN_BUSY:
		if (m->backlog_len < sizeof(m->backlog))
			m->backlog[m->backlog_len++] = c;
		return;
	case SIM_IN_PROMPT:
		feed_prompt(m, c);
		return;
	case SIM_IN_COMMAND:
		break;
	}
	if (m->set.echo)
		out_raw(m, &c, 1);
	if (c == '\r') {
		exec_line(m);
		m->line_len = 0;
		m->line_over = false;
	} else if (c == '\n' && m->line_len == 0) {
		/* S4 after S3 */
	} else if (c == 0x08) {
		if (m->line_len)
			m->line_len--;
	} else if (m->line_len < SIM_LINE_MAX) {
		m->line[m->line_len++] = c;
	} else {
		m->line_over = true;
	}
}

void sim_modem_feed(struct sim_modem *m, uint64_t now, const char *buf,
		    size_t len)
{
	m->now = now;
	for (size_t i = 0; i < len; i++)
		feed_byte(m, buf[i]);
	out_flush(m);
}

/* Periodic Huawei URCs, as an E1752 prints them (corpus huawei_e1752.txt:
 * "^RSSI:14", "^MODE:5,4") until AT^CURC=0. */
static void vendor_urc(struct sim_modem *m)
{
	m->vendor_urc_armed = false;
	if (!m->set.curc || !m->powered)
		return;
	if (m->vendor_urc_n++ % 2 == 0)
		urc(m, "^RSSI:%d", 20);
	else
		urc(m, "^MODE:%d,%d", 5, 4);
	vendor_urc_arm(m, m->now + SIM_HUAWEI_URC_MS);
}

void sim_modem_tick(struct sim_modem *m, uint64_t now)
{
	m->now = now;
	while (m->events && m->events->due <= now) {
		struct sim_event *e = m->events;

		m->events = e->next;
		switch (e->kind) {
		case SIM_EV_SEND_DONE:
			if (m->input == SIM_IN_BUSY && m->powered) {
				m->input = SIM_IN_COMMAND;
				send_done(m);
				if (m->cfg.hang_after &&
				    m->power_cmds >= m->cfg.hang_after)
					m->hung = true;
				replay_backlog(m);
			}
			break;
		case SIM_EV_REPORT:
			report_arrives(m, e->mr, e->a ? e->a : "", e->status);
			break;
		case SIM_EV_CNMA:
			if (m->cmt_pending && e->status == m->cmt_gen)
				cmt_unacked(m);
			break;
		case SIM_EV_INJECT:
			sim_modem_inject(m, now, e->a, e->b, NULL, 0);
			break;
		case SIM_EV_VENDOR_URC:
			vendor_urc(m);
			break;
		}
		event_free(e);
	}
	out_flush(m);
}

void sim_modem_attach(struct sim_modem *m, bool attached, uint64_t now)
{
	m->now = now;
	m->attached = attached;
	if (attached)
		return;
	/* the client went away: a half-typed line or PDU is abandoned */
	if (m->input == SIM_IN_PROMPT)
		m->input = SIM_IN_COMMAND;
	m->line_len = 0;
	m->line_over = false;
	m->ptext_len = 0;
	m->backlog_len = 0;
	m->urcs_len = 0;
	m->out_len = 0;
	if (m->cmt_pending) {
		events_drop(m, SIM_EV_CNMA);
		cmt_unacked(m);
	}
}

void sim_modem_power(struct sim_modem *m, bool on, uint64_t now)
{
	m->now = now;
	if (!on) {
		sim_modem_attach(m, false, now);
		m->powered = false;
		m->out_len = 0;
		/* a send in flight dies with the modem */
		events_drop(m, SIM_EV_SEND_DONE);
		events_drop(m, SIM_EV_VENDOR_URC);
		m->vendor_urc_armed = false;
		return;
	}
	/* a power cycle revives a silent modem (that is what resets are for) */
	m->powered = true;
	m->hung = false;
	m->power_cmds = 0;
	power_on_reset(m);
	vendor_urc_arm(m, now + 1000);
	deliver_queued(m);
}

void sim_modem_hang(struct sim_modem *m, bool hung)
{
	m->hung = hung;
}

void sim_modem_network(struct sim_modem *m, bool on, uint64_t now)
{
	bool before = registered(m);

	m->now = now;
	m->no_network = !on;
	reg_urcs(m, before);
	if (registered(m))
		deliver_queued(m);
	out_flush(m);
}

int sim_modem_signal(struct sim_modem *m, int rssi)
{
	if (rssi < 0 || (rssi > 31 && rssi != 99))
		return -EINVAL;
	m->rssi = rssi;
	return 0;
}

void sim_modem_stats(const struct sim_modem *m, struct sim_stats *out)
{
	*out = m->stats;
	out->stored = 0;
	for (int i = 0; i < SIM_MEM_COUNT; i++)
		out->stored += sim_store_used(&m->store[i]);
}

struct sim_modem *sim_modem_new(const struct sim_config *cfg,
				const struct sim_modem_ops *ops, void *data,
				uint64_t now)
{
	struct sim_modem *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->cfg = *cfg;
	if (!m->cfg.name)
		m->cfg.name = "modem";
	if (!m->cfg.own_number)
		m->cfg.own_number = "+33700000001";
	if (!m->cfg.smsc)
		m->cfg.smsc = "+33695000695";
	if (!m->cfg.cnma_timeout_ms)
		m->cfg.cnma_timeout_ms = 3000;
	m->ops = *ops;
	m->data = data;
	m->id = &identities[cfg->profile];
	sim_rng_seed(&m->rng, cfg->seed);
	make_identity(m);
	m->deliver_ref = (unsigned)(sim_rng_next(&m->rng) & 0xff);
	m->rssi = 20; /* -73 dBm, 4 bars */
	sim_modem_power(m, true, now);
	return m;
}

void sim_modem_free(struct sim_modem *m)
{
	if (!m)
		return;
	while (m->events) {
		struct sim_event *e = m->events;

		m->events = e->next;
		event_free(e);
	}
	while (m->netq) {
		struct sim_netmsg *q = m->netq;

		m->netq = q->next;
		free(q);
	}
	free(m);
}
