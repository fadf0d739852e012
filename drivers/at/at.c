/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * at.c - the AT command engine: a byte-fed scanner that cuts modem output
 * into lines (and spots the "> " prompt), a classifier that tells final
 * results, echoes, URCs and intermediate lines apart, and a queue with one
 * command in flight, each with its own timeout.  No I/O of its own: bytes
 * in through sm_at_feed(), bytes out through io->write, time from io->now.
 * The contract, including what callbacks may do, is in smsmatch/at.h.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smsmatch/at.h"

#define CTRL_Z 0x1a /* ends the PDU after the prompt (27.005 3.5.1) */
#define ESC    0x1b /* cancels the PDU input state (27.005 3.5.1) */

/* Where the command at the head of the queue stands. */
enum at_state {
	AT_IDLE, /* nothing written (the queue is empty, or about to be kicked)
		  */
	AT_WAIT, /* head written, waiting for its final result */
	AT_PROMPT, /* head (a PDU command) written, waiting for "> " */
	AT_DRAIN,  /* a command timed out: quiet period before the next one */
	AT_WFAIL,  /* writing the head failed: it completes at the next tick */
};

/* One queued command.  Everything is owned by the engine. */
struct at_cmd {
	struct at_cmd *next; /* queue order */
	char *wire;	     /* the command followed by CR, NUL-terminated */
	size_t len;	     /* length of the command without the CR */
	char *pdu;	     /* PDU text followed by Ctrl-Z, or NULL */
	size_t pdulen;	     /* length of the PDU text without the Ctrl-Z */
	char **prefixes;     /* NULL-terminated copy, or NULL to take all */
	unsigned timeout_ms; /* from the write (and again from the PDU) */
	sm_at_cb cb;	     /* called exactly once */
	void *data;	     /* for cb and destroy */
	void (*destroy)(void *data); /* called right after cb, or NULL */
};

/* One sm_at_register() registration. */
struct at_urc {
	struct at_urc *next; /* registration order */
	int id;		     /* returned by sm_at_register() */
	char *prefix;	     /* copied */
	size_t plen;	     /* strlen(prefix) */
	bool expects_pdu;    /* the next line is its PDU */
	bool removed;	     /* unregistered during a dispatch: unlink later */
	sm_at_notify fn;     /* the handler */
	void *data;	     /* its argument */
};

struct sm_at {
	struct sm_at_io io; /* copied from sm_at_new() */
	void *io_data;	    /* first argument of the io callbacks */

	/* The queue: the head is the command in flight. */
	struct at_cmd *head, *tail;
	size_t pending;	      /* commands in the queue */
	enum at_state state;  /* what the head is waiting for */
	uint64_t deadline;    /* timeout, end of quiet period, or now (WFAIL) */
	uint64_t drain_limit; /* the quiet period never goes past this */
	int werr;	      /* errno of the failed write (AT_WFAIL) */
	int next_id;	      /* last id given to a command */

	/* The response being collected for the head. */
	char **lines;	  /* copies of the intermediate lines */
	size_t nlines;	  /* how many */
	size_t cap;	  /* allocated slots in lines */
	bool want_body;	  /* the last line was a +CMGR:/+CMGL: header */
	bool pdu_sent;	  /* the PDU went out: drop its echo */
	const char *lost; /* why a line of this response was lost, or NULL */

	/* The scanner. */
	char line[SM_AT_LINE_MAX + 1]; /* the line being received */
	size_t len;		       /* bytes in line */
	bool overlong;		       /* discarding up to the end of line */
	bool prompt_echo;	       /* discarding the rest of a "> " line */

	/* Unsolicited result codes. */
	struct at_urc *urcs;		   /* registrations */
	int next_urc_id;		   /* last id given */
	bool urc_wait_pdu;		   /* urc_line waits for its PDU */
	char urc_line[SM_AT_LINE_MAX + 1]; /* the +CMT:/+CDS: line kept */

	/* Lifetime under re-entrancy. */
	unsigned depth; /* engine calls on the stack that may run callbacks */
	bool dead;	/* sm_at_free() was called: release at depth 0 */
	bool urc_dirty; /* some registrations are marked removed */
};

/* ---- error tables --------------------------------------------------- */

struct at_code {
	int code;
	const char *text;
};

/* 27.007 9.2.1 (general errors); the SIM ones are the ones modems send. */
static const struct at_code cme_codes[] = {
	{0, "phone failure"},
	{1, "no connection to phone"},
	{2, "phone-adaptor link reserved"},
	{3, "operation not allowed"},
	{4, "operation not supported"},
	{5, "PH-SIM PIN required"},
	{6, "PH-FSIM PIN required"},
	{7, "PH-FSIM PUK required"},
	{10, "SIM not inserted"},
	{11, "SIM PIN required"},
	{12, "SIM PUK required"},
	{13, "SIM failure"},
	{14, "SIM busy"},
	{15, "SIM wrong"},
	{16, "incorrect password"},
	{17, "SIM PIN2 required"},
	{18, "SIM PUK2 required"},
	{20, "memory full"},
	{21, "invalid index"},
	{22, "not found"},
	{23, "memory failure"},
	{24, "text string too long"},
	{25, "invalid characters in text string"},
	{26, "dial string too long"},
	{27, "invalid characters in dial string"},
	{30, "no network service"},
	{31, "network timeout"},
	{32, "network not allowed - emergency calls only"},
	{100, "unknown"},
};

/* 27.005 3.2.5 (ME/TA errors; 0...255 are network causes, not listed). */
static const struct at_code cms_codes[] = {
	{300, "ME failure"},
	{301, "SMS service of ME reserved"},
	{302, "operation not allowed"},
	{303, "operation not supported"},
	{304, "invalid PDU mode parameter"},
	{305, "invalid text mode parameter"},
	{310, "SIM not inserted"},
	{311, "SIM PIN required"},
	{312, "PH-SIM PIN required"},
	{313, "SIM failure"},
	{314, "SIM busy"},
	{315, "SIM wrong"},
	{316, "SIM PUK required"},
	{317, "SIM PIN2 required"},
	{318, "SIM PUK2 required"},
	{320, "memory failure"},
	{321, "invalid memory index"},
	{322, "memory full"},
	{330, "SMSC address unknown"},
	{331, "no network service"},
	{332, "network timeout"},
	{340, "no +CNMA acknowledgement expected"},
	{500, "unknown error"},
};

#define NCODES(t) (sizeof(t) / sizeof((t)[0]))

/*
 * Compare a table text with what a modem said, ignoring case and the
 * "(U)" that 27.005 writes before SIM ("(U)SIM not inserted").
 */
static bool verbose_eq(const char *want, const char *got, size_t glen)
{
	size_t wlen = strlen(want), i = 0, j = 0;

	for (;;) {
		if (j + 3 <= glen && strncasecmp(got + j, "(U)", 3) == 0) {
			j += 3;
			continue;
		}
		if (i == wlen || j == glen)
			return i == wlen && j == glen;
		if (tolower((unsigned char)want[i]) !=
		    tolower((unsigned char)got[j]))
			return false;
		i++;
		j++;
	}
}

static const char *code_text(const struct at_code *t, size_t n, int code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].text;
	return NULL;
}

static int code_of(const struct at_code *t, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (verbose_eq(t[i].text, s, len))
			return t[i].code;
	return -1;
}

/* ---- small helpers -------------------------------------------------- */

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static uint64_t at_now(struct sm_at *at)
{
	return at->io.now(at->io_data);
}

static void at_trace(struct sm_at *at, enum sm_at_trace_kind kind,
		     const char *s, size_t len)
{
	if (at->io.trace)
		at->io.trace(at->io_data, kind, s, len);
}

static bool has_framing_bytes(const char *s)
{
	for (; *s; s++)
		if (*s == '\r' || *s == '\n' || *s == CTRL_Z || *s == ESC)
			return true;
	return false;
}

static void cmd_free(struct at_cmd *c)
{
	if (!c)
		return;
	if (c->prefixes)
		for (char **p = c->prefixes; *p; p++)
			free(*p);
	free(c->prefixes);
	free(c->wire);
	free(c->pdu);
	free(c);
}

static void lines_free(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

static void response_reset(struct sm_at *at)
{
	lines_free(at->lines, at->nlines);
	at->lines = NULL;
	at->nlines = 0;
	at->cap = 0;
	at->want_body = false;
	at->pdu_sent = false;
	at->lost = NULL;
}

static bool in_flight(const struct sm_at *at)
{
	return at->state == AT_WAIT || at->state == AT_PROMPT;
}

/* ---- queue ---------------------------------------------------------- */

/*
 * Write the head of the queue if nothing is in flight.  Never runs a
 * callback: a failed write leaves the head in AT_WFAIL for the next tick.
 */
static void kick(struct sm_at *at)
{
	struct at_cmd *c = at->head;
	int rc;

	if (at->dead || at->state != AT_IDLE || !c)
		return;
	response_reset(at);
	at_trace(at, SM_AT_TRACE_TX, c->wire, c->len);
	rc = at->io.write(at->io_data, c->wire, c->len + 1);
	if (rc < 0) {
		at->state = AT_WFAIL;
		at->werr = -rc;
		at->deadline = at_now(at);
		return;
	}
	at->state = c->pdu ? AT_PROMPT : AT_WAIT;
	at->deadline = at_now(at) + c->timeout_ms;
}

/* Run @c's callback and destroy, then free it.  @c is already unlinked. */
static void finish(struct sm_at *at, struct at_cmd *c,
		   const struct sm_error *err, char **lines, size_t nlines,
		   const char *final)
{
	struct sm_at_response res = {
		.err = *err,
		.lines = (const char *const *)lines,
		.nlines = nlines,
		.final = final,
	};

	at->depth++;
	c->cb(&res, c->data);
	if (c->destroy)
		c->destroy(c->data);
	at->depth--;
	lines_free(lines, nlines);
	cmd_free(c);
}

/*
 * Complete the head with @err.  The response and the head are detached
 * from the engine before the callback runs, so that whatever the callback
 * does (queue, flush, free) sees a consistent engine.  @next_state is
 * AT_IDLE, or AT_DRAIN after a timeout.
 */
static void complete_head(struct sm_at *at, const struct sm_error *err,
			  const char *final, enum at_state next_state)
{
	struct at_cmd *c = at->head;
	char **lines = at->lines;
	size_t nlines = at->nlines;
	struct sm_error e = *err;

	if (at->lost && e.kind == SM_ERR_NONE)
		sm_error_set(&e, SM_ERR_FAILURE, -1, at->lost);
	at->head = c->next;
	if (!at->head)
		at->tail = NULL;
	at->pending--;
	at->lines = NULL;
	at->nlines = 0;
	at->cap = 0;
	response_reset(at);
	at->state = next_state;
	finish(at, c, &e, lines, nlines, final);
	kick(at);
}

/*
 * Complete every queued command with @kind and reset the parser.  The
 * whole queue is detached first: commands queued by the callbacks are not
 * part of this flush.
 */
static void cancel_all(struct sm_at *at, enum sm_err_kind kind,
		       const char *reason)
{
	struct at_cmd *list = at->head;
	char **lines = at->lines;
	size_t nlines = at->nlines;
	bool had_response = in_flight(at);
	struct sm_error err;

	sm_error_set(&err, kind, -1, reason);
	at->head = NULL;
	at->tail = NULL;
	at->pending = 0;
	at->lines = NULL;
	at->nlines = 0;
	at->cap = 0;
	response_reset(at);
	at->state = AT_IDLE;
	at->len = 0;
	at->overlong = false;
	at->prompt_echo = false;
	at->urc_wait_pdu = false;
	if (!had_response) {
		lines_free(lines, nlines);
		lines = NULL;
		nlines = 0;
	}
	while (list) {
		struct at_cmd *c = list;

		list = c->next;
		finish(at, c, &err, lines, nlines, "");
		lines = NULL;
		nlines = 0;
	}
	lines_free(lines, nlines);
}

static void urcs_purge(struct sm_at *at)
{
	struct at_urc **pp = &at->urcs;

	while (*pp) {
		struct at_urc *u = *pp;

		if (u->removed) {
			*pp = u->next;
			free(u->prefix);
			free(u);
		} else {
			pp = &u->next;
		}
	}
	at->urc_dirty = false;
}

static void destroy(struct sm_at *at)
{
	for (struct at_urc *u = at->urcs; u; u = u->next)
		u->removed = true;
	urcs_purge(at);
	response_reset(at);
	free(at);
}

/*
 * Drop a partial line left in the scanner when a command times out or
 * the quiet period after it ends: it belongs to the command that gave up.
 * SIMCom SIM7000G sent "+CMS ERROR:" with no line end, and the echo of
 * the next command then read "+CMS ERROR:AT+CGATT?" (TinyGSM#470).
 */
static void drop_partial(struct sm_at *at)
{
	if (at->len && !at->overlong)
		at_trace(at, SM_AT_TRACE_STRAY, at->line, at->len);
	at->len = 0;
	at->prompt_echo = false;
}

/* Leave an engine entry point: release a dead engine at the outermost. */
static void leave(struct sm_at *at)
{
	if (--at->depth > 0)
		return;
	if (at->dead)
		destroy(at);
	else if (at->urc_dirty)
		urcs_purge(at);
}

/* ---- classification ------------------------------------------------- */

/* Parse the text after "+CME ERROR:" / "+CMS ERROR:". */
static void parse_ext_error(struct sm_error *e, enum sm_err_kind kind,
			    const char *s, size_t len)
{
	const struct at_code *t = kind == SM_ERR_CME ? cme_codes : cms_codes;
	size_t n = kind == SM_ERR_CME ? NCODES(cme_codes) : NCODES(cms_codes);
	const char *known;
	size_t i;
	int code = 0;

	while (len && *s == ' ') {
		s++;
		len--;
	}
	/* SIMCom SIM7000G: "+CMS ERROR:" with nothing after it (TinyGSM#470) */
	if (len == 0) {
		sm_error_set(e, kind, -1, "");
		return;
	}
	for (i = 0; i < len && i < 6 && isdigit((unsigned char)s[i]); i++)
		code = code * 10 + (s[i] - '0');
	if (i == len) {
		known = code_text(t, n, code);
		sm_error_set(e, kind, code, known ? known : "");
		return;
	}
	/* verbose form (AT+CMEE=2): "+CME ERROR: SIM PIN required" */
	code = code_of(t, n, s, len);
	sm_error_set(e, kind, code, NULL);
	if (len >= sizeof(e->text))
		len = sizeof(e->text) - 1;
	memcpy(e->text, s, len);
	e->text[len] = '\0';
}

/* Legacy final results, all reported as SM_ERR_FAILURE (V.250 5.7). */
static const char *const legacy_finals[] = {
	"NO CARRIER",
	"BUSY",
	"NO ANSWER",
	"NO DIALTONE",
	/*
	 * Huawei E169 (fw 11.314.13.51.156) and E1752 answer an unknown
	 * command with "\r\nCOMMAND NOT SUPPORT\r\n" (gammu#216).
	 */
	"COMMAND NOT SUPPORT",
};

/*
 * Is @line (@tn bytes, trailing spaces cut) a final result?  Fills @e.
 * 27.007 5.7 (OK/ERROR), 9.2 (+CME), 27.005 3.2.5 (+CMS).
 */
static bool parse_final(const char *line, size_t tn, struct sm_error *e)
{
	if (tn == 2 && memcmp(line, "OK", 2) == 0) {
		sm_error_set(e, SM_ERR_NONE, 0, NULL);
		return true;
	}
	if (tn == 5 && memcmp(line, "ERROR", 5) == 0) {
		sm_error_set(e, SM_ERR_FAILURE, -1, "ERROR");
		return true;
	}
	if (tn >= 11 && memcmp(line, "+CME ERROR:", 11) == 0) {
		parse_ext_error(e, SM_ERR_CME, line + 11, tn - 11);
		return true;
	}
	if (tn >= 11 && memcmp(line, "+CMS ERROR:", 11) == 0) {
		parse_ext_error(e, SM_ERR_CMS, line + 11, tn - 11);
		return true;
	}
	for (size_t i = 0; i < NCODES(legacy_finals); i++) {
		if (strlen(legacy_finals[i]) == tn &&
		    memcmp(line, legacy_finals[i], tn) == 0) {
			sm_error_set(e, SM_ERR_FAILURE, -1, legacy_finals[i]);
			return true;
		}
	}
	return false;
}

static bool cmd_wants(const struct at_cmd *c, const char *line)
{
	if (!c->prefixes)
		return true;
	for (char **p = c->prefixes; *p; p++)
		if (starts_with(line, *p))
			return true;
	return false;
}

static bool cmd_asked_for(const struct at_cmd *c, const char *line)
{
	return c->prefixes && cmd_wants(c, line);
}

static void add_line(struct sm_at *at, const char *line, size_t n)
{
	char *copy;

	if (at->lost)
		return;
	if (at->nlines == SM_AT_LINES_MAX) {
		at->lost = "response over SM_AT_LINES_MAX lines";
		return;
	}
	if (at->nlines == at->cap) {
		size_t cap = at->cap ? at->cap * 2 : 8;
		char **nl;

		if (cap > SM_AT_LINES_MAX)
			cap = SM_AT_LINES_MAX;
		nl = realloc(at->lines, cap * sizeof(*nl));
		if (!nl) {
			at->lost = "out of memory";
			return;
		}
		at->lines = nl;
		at->cap = cap;
	}
	copy = malloc(n + 1);
	if (!copy) {
		at->lost = "out of memory";
		return;
	}
	memcpy(copy, line, n + 1);
	at->lines[at->nlines++] = copy;
	/* 27.005 3.4.3/3.4.2: the header is followed by the PDU or text */
	at->want_body =
		starts_with(line, "+CMGR:") || starts_with(line, "+CMGL:");
}

static void dispatch_urc(struct sm_at *at, const char *line, const char *pdu)
{
	at->depth++;
	for (struct at_urc *u = at->urcs; u && !at->dead; u = u->next) {
		if (u->removed || strncmp(line, u->prefix, u->plen) != 0)
			continue;
		u->fn(line, u->expects_pdu ? pdu : NULL, u->data);
	}
	at->depth--;
}

/* Dispatch @line if it is a registered URC.  Returns true if it was. */
static bool try_urc(struct sm_at *at, const char *line, size_t n)
{
	bool found = false, wait_pdu = false;

	if (in_flight(at) && cmd_asked_for(at->head, line))
		return false;
	for (struct at_urc *u = at->urcs; u; u = u->next) {
		if (u->removed || strncmp(line, u->prefix, u->plen) != 0)
			continue;
		found = true;
		wait_pdu |= u->expects_pdu;
	}
	if (!found)
		return false;
	if (wait_pdu) {
		/* 27.005 3.4.1: +CMT: [<alpha>],<length><CR><LF><pdu> */
		memcpy(at->urc_line, line, n + 1);
		at->urc_wait_pdu = true;
		return true;
	}
	dispatch_urc(at, line, NULL);
	return true;
}

static bool same_text(const char *line, size_t tn, const char *s, size_t slen)
{
	return tn == slen && strncasecmp(line, s, slen) == 0;
}

/* One complete, non-empty line from the modem. */
static void handle_line(struct sm_at *at, char *line, size_t n)
{
	struct sm_error err;
	size_t tn = n;
	struct at_cmd *c = at->head;

	while (tn && (line[tn - 1] == ' ' || line[tn - 1] == '\t'))
		tn--;
	at_trace(at, SM_AT_TRACE_RX, line, n);
	if (at->state == AT_DRAIN) {
		uint64_t q = at_now(at) + SM_AT_QUIET_MS;

		at->deadline = q < at->drain_limit ? q : at->drain_limit;
	}
	if (at->urc_wait_pdu) {
		at->urc_wait_pdu = false;
		dispatch_urc(at, at->urc_line, line);
		return;
	}
	if (in_flight(at) && at->want_body) {
		at->want_body = false;
		if (!parse_final(line, tn, &err)) {
			add_line(at, line, n);
			return;
		}
	}
	if (in_flight(at) && parse_final(line, tn, &err)) {
		/* the final as the caller sees it: "OK", not "OK " */
		line[tn] = '\0';
		complete_head(at, &err, line, AT_IDLE);
		return;
	}
	/*
	 * Echo: once, twice ("ATE0\rATE0\r" from the modem of faucamp#56) or
	 * not at all.
	 */
	if (in_flight(at) && same_text(line, tn, c->wire, c->len))
		return;
	/* Huawei E1750/E169 echo the PDU; some modems on a line of its own */
	if (in_flight(at) && at->pdu_sent &&
	    same_text(line, tn, c->pdu, c->pdulen))
		return;
	if (try_urc(at, line, n))
		return;
	if (in_flight(at) && cmd_wants(c, line)) {
		add_line(at, line, n);
		return;
	}
	at_trace(at, SM_AT_TRACE_STRAY, line, n);
}

/* The "> " prompt of the command in flight: write the PDU and Ctrl-Z. */
static void prompt(struct sm_at *at, int *rc)
{
	struct at_cmd *c = at->head;
	struct sm_error err;
	int wrc;

	at_trace(at, SM_AT_TRACE_RX, "> ", 2);
	at_trace(at, SM_AT_TRACE_TX, c->pdu, c->pdulen);
	wrc = at->io.write(at->io_data, c->pdu, c->pdulen + 1);
	if (wrc < 0) {
		char why[64];

		snprintf(why, sizeof(why), "writing the PDU failed: %s",
			 strerror(-wrc));
		*rc = -EIO;
		complete_head(at, sm_error_set(&err, SM_ERR_IO, -1, why), "",
			      AT_IDLE);
		return;
	}
	at->state = AT_WAIT;
	at->pdu_sent = true;
	at->prompt_echo = true;
	at->deadline = at_now(at) + c->timeout_ms;
}

static void end_line(struct sm_at *at)
{
	size_t n = at->len;

	at->len = 0;
	if (at->overlong) {
		at->overlong = false;
		return;
	}
	if (n == 0)
		return;
	at->line[n] = '\0';
	handle_line(at, at->line, n);
}

static void scan_byte(struct sm_at *at, unsigned char b, int *rc)
{
	if (at->prompt_echo) {
		/* the rest of the prompt line: PDU echo (Huawei E1750) */
		if (b == '\r' || b == '\n')
			at->prompt_echo = false;
		return;
	}
	if (b == '\r' || b == '\n') {
		end_line(at);
		return;
	}
	/* NUL, 0xFF, Ctrl-Z, other control bytes: line noise */
	if (b < 0x20 || b == 0x7f || b == 0xff)
		return;
	/*
	 * 27.005 3.5.1: "<CR><LF><greater_than><space>", but the SIMCom
	 * SIM7000G sends ">" with no space (TinyGSM#470), the warthog618 mock
	 * "\n>", and a modem may put it right after its echo.
	 */
	if (b == '>' && at->state == AT_PROMPT && !at->overlong &&
	    (at->len == 0 ||
	     same_text(at->line, at->len, at->head->wire, at->head->len))) {
		at->len = 0;
		prompt(at, rc);
		return;
	}
	if (at->overlong)
		return;
	if (at->len == SM_AT_LINE_MAX) {
		at_trace(at, SM_AT_TRACE_OVERLONG, at->line, at->len);
		at->overlong = true;
		at->len = 0;
		if (at->urc_wait_pdu) {
			at->urc_wait_pdu = false;
			at_trace(at, SM_AT_TRACE_STRAY, at->urc_line,
				 strlen(at->urc_line));
		} else if (in_flight(at)) {
			at->want_body = false;
			if (!at->lost)
				at->lost = "response line over SM_AT_LINE_MAX "
					   "discarded";
		}
		return;
	}
	at->line[at->len++] = (char)b;
}

/* ---- public API ----------------------------------------------------- */

struct sm_at *sm_at_new(const struct sm_at_io *io, void *io_data)
{
	struct sm_at *at;

	if (!io || !io->write || !io->now)
		return NULL;
	at = calloc(1, sizeof(*at));
	if (!at)
		return NULL;
	at->io = *io;
	at->io_data = io_data;
	at->state = AT_IDLE;
	return at;
}

void sm_at_free(struct sm_at *at)
{
	if (!at || at->dead)
		return;
	at->dead = true;
	at->depth++;
	cancel_all(at, SM_ERR_CANCELLED, "engine freed");
	leave(at);
}

static char **copy_prefixes(const char *const *prefixes, bool *ok)
{
	size_t n = 0;
	char **out;

	*ok = true;
	if (!prefixes)
		return NULL;
	while (prefixes[n])
		n++;
	out = calloc(n + 1, sizeof(*out));
	if (!out)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		out[i] = strdup(prefixes[i]);
		if (!out[i])
			goto fail;
	}
	return out;
fail:
	if (out)
		for (size_t i = 0; i < n; i++)
			free(out[i]);
	free(out);
	*ok = false;
	return NULL;
}

static int queue(struct sm_at *at, const char *cmd, const char *pdu,
		 const char *const *prefixes, unsigned timeout_ms, sm_at_cb cb,
		 void *data, void (*destroy_fn)(void *data))
{
	struct at_cmd *c;
	size_t len, pdulen = 0;
	bool ok;

	if (!at || !cmd || !*cmd || !cb)
		return -EINVAL;
	if (at->dead)
		return -ESHUTDOWN;
	len = strlen(cmd);
	if (len > SM_AT_LINE_MAX)
		return -E2BIG;
	if (has_framing_bytes(cmd))
		return -EINVAL;
	if (pdu) {
		pdulen = strlen(pdu);
		if (pdulen > SM_AT_LINE_MAX)
			return -E2BIG;
		if (has_framing_bytes(pdu))
			return -EINVAL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->wire = malloc(len + 2);
	if (!c->wire)
		goto nomem;
	memcpy(c->wire, cmd, len);
	c->wire[len] = '\r';
	c->wire[len + 1] = '\0';
	c->len = len;
	if (pdu) {
		c->pdu = malloc(pdulen + 2);
		if (!c->pdu)
			goto nomem;
		memcpy(c->pdu, pdu, pdulen);
		c->pdu[pdulen] = CTRL_Z;
		c->pdu[pdulen + 1] = '\0';
		c->pdulen = pdulen;
	}
	c->prefixes = copy_prefixes(prefixes, &ok);
	if (!ok)
		goto nomem;
	c->timeout_ms = timeout_ms ? timeout_ms : SM_AT_DEFAULT_TIMEOUT_MS;
	c->cb = cb;
	c->data = data;
	c->destroy = destroy_fn;
	if (at->tail)
		at->tail->next = c;
	else
		at->head = c;
	at->tail = c;
	at->pending++;
	at->next_id = at->next_id == INT_MAX ? 1 : at->next_id + 1;
	kick(at);
	return at->next_id;
nomem:
	cmd_free(c);
	return -ENOMEM;
}

int sm_at_send(struct sm_at *at, const char *cmd, const char *const *prefixes,
	       unsigned timeout_ms, sm_at_cb cb, void *data,
	       void (*destroy_fn)(void *data))
{
	return queue(at, cmd, NULL, prefixes, timeout_ms, cb, data, destroy_fn);
}

int sm_at_send_pdu(struct sm_at *at, const char *cmd, const char *pdu,
		   const char *const *prefixes, unsigned timeout_ms,
		   sm_at_cb cb, void *data, void (*destroy_fn)(void *data))
{
	if (!pdu)
		return -EINVAL;
	return queue(at, cmd, pdu, prefixes, timeout_ms, cb, data, destroy_fn);
}

int sm_at_feed(struct sm_at *at, const void *bytes, size_t len)
{
	const unsigned char *b = bytes;
	int rc = 0;

	if (!at || (!bytes && len))
		return -EINVAL;
	if (at->depth)
		return -EBUSY;
	at->depth++;
	for (size_t i = 0; i < len && !at->dead; i++)
		scan_byte(at, b[i], &rc);
	leave(at);
	return rc;
}

void sm_at_tick(struct sm_at *at)
{
	size_t budget;
	uint64_t t;

	if (!at || at->depth)
		return;
	at->depth++;
	t = at_now(at);
	/* commands queued by callbacks during this tick wait for the next */
	budget = at->pending + 1;
	while (!at->dead && budget--) {
		struct sm_error err;
		char why[96];

		switch (at->state) {
		case AT_IDLE:
			kick(at);
			if (at->state == AT_WFAIL)
				continue;
			budget = 0;
			break;
		case AT_DRAIN:
			if (t < at->deadline) {
				budget = 0;
				break;
			}
			at->state = AT_IDLE;
			drop_partial(at);
			kick(at);
			break;
		case AT_WAIT:
		case AT_PROMPT:
			if (t < at->deadline) {
				budget = 0;
				break;
			}
			if (at->state == AT_PROMPT) {
				/* 27.005 3.5.1: ESC leaves the PDU input */
				const char esc = ESC;

				at_trace(at, SM_AT_TRACE_TX, "\x1b", 1);
				at->io.write(at->io_data, &esc, 1);
			}
			snprintf(why, sizeof(why), "no answer to %.*s in %u ms",
				 (int)(at->head->len < 40 ? at->head->len : 40),
				 at->head->wire, at->head->timeout_ms);
			drop_partial(at);
			at->drain_limit = t + SM_AT_DRAIN_MAX_MS;
			at->deadline = t + SM_AT_QUIET_MS;
			complete_head(
				at, sm_error_set(&err, SM_ERR_TIMEOUT, -1, why),
				"", AT_DRAIN);
			break;
		case AT_WFAIL:
			snprintf(why, sizeof(why), "write failed: %s",
				 strerror(at->werr));
			complete_head(at,
				      sm_error_set(&err, SM_ERR_IO, -1, why),
				      "", AT_IDLE);
			break;
		}
	}
	leave(at);
}

uint64_t sm_at_deadline(const struct sm_at *at)
{
	if (!at)
		return UINT64_MAX;
	switch (at->state) {
	case AT_IDLE:
		return UINT64_MAX;
	case AT_WAIT:
	case AT_PROMPT:
	case AT_DRAIN:
	case AT_WFAIL:
		return at->deadline;
	}
	return UINT64_MAX;
}

void sm_at_flush(struct sm_at *at, enum sm_err_kind kind, const char *reason)
{
	if (!at)
		return;
	at->depth++;
	cancel_all(at, kind, reason);
	kick(at);
	leave(at);
}

size_t sm_at_pending(const struct sm_at *at)
{
	return at ? at->pending : 0;
}

int sm_at_register(struct sm_at *at, const char *prefix, bool expects_pdu,
		   sm_at_notify fn, void *data)
{
	struct at_urc *u, **pp;

	if (!at || !prefix || !*prefix || !fn)
		return -EINVAL;
	if (strlen(prefix) > SM_AT_LINE_MAX)
		return -E2BIG;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->prefix = strdup(prefix);
	if (!u->prefix) {
		free(u);
		return -ENOMEM;
	}
	u->plen = strlen(prefix);
	u->expects_pdu = expects_pdu;
	u->fn = fn;
	u->data = data;
	at->next_urc_id = at->next_urc_id == INT_MAX ? 1 : at->next_urc_id + 1;
	u->id = at->next_urc_id;
	for (pp = &at->urcs; *pp; pp = &(*pp)->next)
		;
	*pp = u;
	return u->id;
}

void sm_at_unregister(struct sm_at *at, int id)
{
	if (!at)
		return;
	for (struct at_urc *u = at->urcs; u; u = u->next) {
		if (u->id == id && !u->removed) {
			u->removed = true;
			at->urc_dirty = true;
			break;
		}
	}
	if (!at->depth)
		urcs_purge(at);
}
