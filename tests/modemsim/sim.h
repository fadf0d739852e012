/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sim.h - the parts of smsmatch-modemsim and how they talk to each other.
 *
 * modem.c is the AT interpreter: bytes in, bytes out, time in; it never
 * touches a file descriptor, so unit tests drive it with strings and a fake
 * clock.  sms.c holds its SMS storage and the text-mode charsets, fault.c
 * its random faults.  link.c owns the pseudo-terminal and the --link
 * symlink, control.c the control socket, script.c the scripted candidates,
 * jsonlog.c the --log file; main.c wires them to the event loop.
 */
#ifndef SMSMATCH_MODEMSIM_SIM_H
#define SMSMATCH_MODEMSIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "smsmatch/loop.h"
#include "smsmatch/pdu.h"

/* ------------------------------------------------------------------ */
/* fault.c: reproducible randomness                                    */

/* A xorshift64* generator; never 0. */
struct sim_rng {
	uint64_t state; /* current state */
};

/* Seed @r with @seed (any value, 0 included). */
void sim_rng_seed(struct sim_rng *r, uint64_t seed);
/* Next 64 random bits. */
uint64_t sim_rng_next(struct sim_rng *r);
/* True with probability @rate (0..1); rate <= 0 never, >= 1 always. */
bool sim_rng_chance(struct sim_rng *r, double rate);
/*
 * Write 1-4 garbage bytes (never CR, LF, '>' or a letter of a result code)
 * into @buf (room for 4).  Returns how many.
 */
size_t sim_fault_garbage(struct sim_rng *r, char *buf);

/* ------------------------------------------------------------------ */
/* sms.c: storage and charsets                                         */

/* Slots per storage (SM, ME, SR): a healthy SIM plus phone memory. */
#define SIM_SLOTS 30

/* Message storages of 27.005 3.2.2 (<mem1>, <mem2>, <mem3>). */
enum sim_mem {
	SIM_MEM_SM, /* SIM */
	SIM_MEM_ME, /* modem memory */
	SIM_MEM_SR, /* status report storage */
};
#define SIM_MEM_COUNT 3

/* <stat> of 27.005 3.1, numeric (PDU mode) and text values. */
enum sim_stat {
	SIM_STAT_REC_UNREAD, /* 0 "REC UNREAD" */
	SIM_STAT_REC_READ,   /* 1 "REC READ" */
	SIM_STAT_STO_UNSENT, /* 2 "STO UNSENT" */
	SIM_STAT_STO_SENT,   /* 3 "STO SENT" */
	SIM_STAT_ALL,	     /* 4 "ALL": only as a +CMGL filter */
};

/* One stored PDU. */
struct sim_slot {
	bool used;		  /* slot holds a message */
	enum sim_stat stat;	  /* its status */
	char hex[SM_PDU_HEX_MAX]; /* PDU with SMSC field, upper-case hex */
	unsigned tpdu_len;	  /* octets after the SMSC field */
};

/* One storage: a fixed array of slots. */
struct sim_store {
	struct sim_slot slot[SIM_SLOTS]; /* index i is slot i */
};

/* "SM", "ME", "SR". */
const char *sim_mem_name(enum sim_mem mem);
/* Parse a storage name (any case).  Returns 0 or -EINVAL. */
int sim_mem_parse(const char *name, enum sim_mem *out);
/* "REC UNREAD", ... "ALL". */
const char *sim_stat_name(enum sim_stat stat);
/* Parse a text-mode <stat> ("REC UNREAD" ...).  Returns 0 or -EINVAL. */
int sim_stat_parse(const char *name, enum sim_stat *out);

/* Used slots of @st. */
unsigned sim_store_used(const struct sim_store *st);
/*
 * Store @hex (copied) with @tpdu_len and @stat in the first free slot.
 * Returns the slot index, -ENOSPC when full (27.005 +CMS ERROR: 322), or
 * -E2BIG when the PDU is longer than a slot holds.
 */
int sim_store_put(struct sim_store *st, const char *hex, unsigned tpdu_len,
		  enum sim_stat stat);

/* Text-mode character sets of +CSCS (27.007 5.5). */
enum sim_charset {
	SIM_CS_GSM,  /* GSM 7-bit default alphabet, one byte per septet */
	SIM_CS_IRA,  /* ASCII */
	SIM_CS_UCS2, /* hex of UTF-16BE, 4 digits per unit */
};

/* "GSM", "IRA", "UCS2". */
const char *sim_charset_name(enum sim_charset cs);
/* Parse a +CSCS name (any case).  Returns 0 or -EINVAL. */
int sim_charset_parse(const char *name, enum sim_charset *out);
/*
 * Convert UTF-8 @in to TE characters of @cs in @out (@len bytes, always
 * NUL-terminated on success).  GSM: characters outside the alphabet become
 * '?'; IRA: non-ASCII becomes '?'.  Returns bytes written (without NUL),
 * -EINVAL for invalid UTF-8 or -E2BIG when @out is too small.
 */
int sim_cs_from_utf8(enum sim_charset cs, const char *in, char *out,
		     size_t len);
/*
 * Convert @n bytes of TE characters in @cs to UTF-8 in @out (@len bytes,
 * NUL-terminated).  Bytes >= 0x80 in GSM/IRA input are taken as UTF-8 (a
 * lenient TE).  Returns bytes written, -EINVAL for bad input (odd or non-hex
 * UCS2) or -E2BIG.
 */
int sim_cs_to_utf8(enum sim_charset cs, const char *in, size_t n, char *out,
		   size_t len);
/* UTF-8 -> hex of UTF-16BE (text mode UCS2 data).  Returns as above. */
int sim_utf8_to_ucs2hex(const char *in, char *out, size_t len);
/*
 * Count how @utf8 would fill one SMS: septets in the GSM alphabet
 * (extension characters count twice) or -1 when a character does not fit,
 * and UTF-16 units in @units.  Returns the septets or -1 (-EINVAL for
 * invalid UTF-8 is folded into -1 with *units = 0).
 */
int sim_gsm_septets(const char *utf8, unsigned *units);

/* ------------------------------------------------------------------ */
/* modem.c: the AT interpreter                                         */

enum sim_profile {
	SIM_PROFILE_GENERIC, /* a plain 27.005/27.007 LTE module */
	SIM_PROFILE_HUAWEI,  /* E3372-like: ^RSSI/^MODE URCs until ^CURC=0 */
	SIM_PROFILE_QUECTEL, /* EC25-like: +CDSI: "SM" for reports in SR */
	SIM_PROFILE_SIMCOM,  /* SIM7600-like: URCs off until AT&F */
};

enum sim_report_status {
	SIM_REPORT_DELIVERED, /* TP-ST 0x00 */
	SIM_REPORT_FAILED,    /* TP-ST 0x41 */
	SIM_REPORT_MIXED,     /* every 10th report fails */
};

/* What the modem is told at start; strings are borrowed for its life. */
struct sim_config {
	enum sim_profile profile;	      /* identity and quirks */
	const char *name;		      /* seeds IMEI/IMSI/ICCID */
	const char *pin;		      /* SIM PIN, NULL: unlocked */
	const char *own_number;		      /* +CNUM */
	const char *smsc;		      /* +CSCA at power-on */
	unsigned latency_ms;		      /* Ctrl-Z to +CMGS */
	double cms_error_rate;		      /* share of failed sends */
	int cms_error_code;		      /* their +CMS ERROR code */
	unsigned unplug_after;		      /* sends before unplug, 0 never */
	unsigned hang_after;		      /* commands before silence, 0 */
	bool error_all;			      /* ERROR to everything */
	double garbage_rate;		      /* responses with garbage first */
	unsigned report_delay_ms;	      /* send -> status report */
	enum sim_report_status report_status; /* TP-ST of the reports */
	unsigned cnma_timeout_ms;	      /* +CMT without +CNMA -> +CMTI */
	uint64_t seed;			      /* random seed */
	FILE *verbose;			      /* unknown commands, or NULL */
};

/* One SMS part the modem was asked to send, as the log needs it. */
struct sim_sent {
	const char *to;		     /* destination */
	const char *text;	     /* UTF-8 text of this part */
	enum sm_pdu_coding coding;   /* its alphabet */
	struct sm_pdu_concat concat; /* total == 0 when single */
	bool status_report;	     /* TP-SRR */
	int mr;			     /* the +CMGS: <mr> answered */
};

/* Callbacks from the modem to its owner; @data is the owner's. */
struct sim_modem_ops {
	/* Bytes for the client (drop them when nobody listens). */
	void (*write)(void *data, const char *buf, size_t len);
	/* A part was sent (after its +CMGS answer). */
	void (*sent)(void *data, const struct sim_sent *s);
	/* --unplug-after reached: vanish now. */
	void (*unplug)(void *data);
};

/* Counters of `stats`. */
struct sim_stats {
	unsigned long sent;	/* SMS-SUBMIT parts answered with +CMGS/+CMSS */
	unsigned long received; /* SMS-DELIVER parts that reached the modem */
	unsigned long stored;	/* messages in SM, ME and SR now */
	unsigned long reports;	/* status reports routed to the TE/SR */
	unsigned long commands; /* AT commands executed */
};

struct sim_modem;

/*
 * A powered-on modem with no client attached.  @cfg and @ops are copied
 * (the strings in @cfg are borrowed).  Returns NULL on allocation failure.
 */
struct sim_modem *sim_modem_new(const struct sim_config *cfg,
				const struct sim_modem_ops *ops, void *data,
				uint64_t now);
/* Free @m and everything it holds; NULL allowed. */
void sim_modem_free(struct sim_modem *m);

/* Bytes typed by the client at monotonic time @now (ms). */
void sim_modem_feed(struct sim_modem *m, uint64_t now, const char *buf,
		    size_t len);
/* Run what is due at @now: delayed answers, reports, replies, URCs. */
void sim_modem_tick(struct sim_modem *m, uint64_t now);
/* When sim_modem_tick() has something to do next; UINT64_MAX: nothing. */
uint64_t sim_modem_next_due(const struct sim_modem *m);

/*
 * A client opened (@attached) or closed the port.  Closing abandons a
 * half-typed command or PDU, as a real modem's prompt would time out.
 */
void sim_modem_attach(struct sim_modem *m, bool attached, uint64_t now);
/*
 * Power: false = unplugged (silent, the network keeps inbound SMS), true =
 * plugged again (settings back to power-on values, SIM locked again when
 * there is a PIN; stored SMS stay: they are on the SIM).
 */
void sim_modem_power(struct sim_modem *m, bool on, uint64_t now);
/* Stop (true) or resume answering anything. */
void sim_modem_hang(struct sim_modem *m, bool hung);
/*
 * Coverage: false = the network is lost (+CREG/+CEREG 0, URCs when
 * enabled, sends refused), true = registered again.
 */
void sim_modem_network(struct sim_modem *m, bool on, uint64_t now);
/* +CSQ <rssi> from now on: 0-31 or 99 (unknown); -EINVAL otherwise. */
int sim_modem_signal(struct sim_modem *m, int rssi);

/*
 * The network delivers @text from @from now (several parts when long).
 * Returns the number of parts, or a negative errno with a reason in @err.
 */
int sim_modem_inject(struct sim_modem *m, uint64_t now, const char *from,
		     const char *text, char *err, size_t errlen);
/* The network delivers a raw SMS-DELIVER PDU (with SMSC).  0 or -errno. */
int sim_modem_inject_pdu(struct sim_modem *m, uint64_t now, const char *hex,
			 char *err, size_t errlen);
/* Schedule sim_modem_inject(@from, @text) at @due (strings copied). */
int sim_modem_inject_at(struct sim_modem *m, uint64_t due, const char *from,
			const char *text);
/* Current counters. */
void sim_modem_stats(const struct sim_modem *m, struct sim_stats *out);

/* ------------------------------------------------------------------ */
/* script.c: scripted candidates                                       */

struct sim_script;

/*
 * Parse the rules of @path.  Returns 0 and a script in @out, or a negative
 * errno with "FILE:LINE: reason" in @err.
 */
int sim_script_load(const char *path, struct sim_script **out, char *err,
		    size_t errlen);
/* Same from a string (for tests); @name is used in errors. */
int sim_script_parse(const char *name, const char *text,
		     struct sim_script **out, char *err, size_t errlen);
/* Free; NULL allowed. */
void sim_script_free(struct sim_script *s);
/* Number of rules. */
size_t sim_script_count(const struct sim_script *s);
/*
 * The reply to a message sent to @to with @text: the first rule for @to
 * whose pattern matches, else the first matching "*" rule.  Returns true
 * and sets @reply (borrowed) and @delay_ms, or false.
 */
bool sim_script_match(const struct sim_script *s, const char *to,
		      const char *text, const char **reply, uint64_t *delay_ms);

/* ------------------------------------------------------------------ */
/* jsonlog.c: the --log file, parts reassembled into messages          */

/* A complete (or, at exit, incomplete) sent message. */
struct sim_message {
	const char *to;		   /* destination */
	const char *text;	   /* the parts' texts joined */
	unsigned parts;		   /* parts expected */
	unsigned have;		   /* parts received */
	enum sm_pdu_coding coding; /* alphabet of the first part */
	const int *mr;		   /* message references, in part order */
	bool status_report;	   /* a part asked for a report */
	bool incomplete;	   /* logged at exit with parts missing */
};

typedef void (*sim_message_fn)(void *data, const struct sim_message *msg);

struct sim_jsonlog;

/*
 * Log sent messages of modem @name to @path (NULL: only reassemble and
 * call @fn).  @fn is called for each complete message.  Returns 0 or a
 * negative errno with a reason in @err.
 */
int sim_jsonlog_open(const char *path, const char *name, sim_message_fn fn,
		     void *data, struct sim_jsonlog **out, char *err,
		     size_t errlen);
/* Add one sent part; logs and reports the message when it is complete. */
void sim_jsonlog_part(struct sim_jsonlog *j, const struct sim_sent *s);
/* Log the parts that never completed ("incomplete": true), flush, free. */
void sim_jsonlog_close(struct sim_jsonlog *j);

/* ------------------------------------------------------------------ */
/* link.c: the pseudo-terminal behind --link                           */

struct sim_link;

/* Callbacks from the link; @data is the owner's. */
struct sim_link_ops {
	void (*input)(void *data, const char *buf, size_t len);
	void (*attach)(void *data, bool attached);
};

/*
 * Create a pty and the symlink @path -> its slave.  Returns 0 or a negative
 * errno with a reason in @err.
 */
int sim_link_new(struct sm_loop *loop, const char *path,
		 const struct sim_link_ops *ops, void *data,
		 struct sim_link **out, char *err, size_t errlen);
/* Remove the symlink, close the pty, free; NULL allowed. */
void sim_link_free(struct sim_link *l);
/* Unplug: close the pty and remove the symlink (idempotent). */
void sim_link_unplug(struct sim_link *l);
/* Replug: a new pty at the same path.  0 or -errno (with @err). */
int sim_link_replug(struct sim_link *l, char *err, size_t errlen);
/* True while plugged. */
bool sim_link_plugged(const struct sim_link *l);
/* Queue @len bytes for the client; dropped when no client is attached. */
void sim_link_write(struct sim_link *l, const char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* control.c: the control socket                                       */

struct sim_control;

/*
 * Execute one control command @line; write the one-line answer ("OK ..."
 * or "ERROR <reason>", no newline) into @ans (@len bytes).
 */
typedef void (*sim_control_fn)(void *data, const char *line, char *ans,
			       size_t len);

/* Listen on unix socket @path.  0 or -errno with @err. */
int sim_control_new(struct sm_loop *loop, const char *path, sim_control_fn fn,
		    void *data, struct sim_control **out, char *err,
		    size_t errlen);
/* Close every connection, remove the socket file, free; NULL allowed. */
void sim_control_free(struct sim_control *c);

#endif
