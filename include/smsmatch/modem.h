/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem.h - one GSM/LTE modem driven over AT commands (27.005/27.007):
 * initialisation, identity and health, sending SMS in PDU mode, receiving
 * SMS and status reports.
 *
 * A struct sm_modem owns one serial port (struct sm_serial) and one AT
 * engine (struct sm_at).  It registers the port's fd and a timer (the AT
 * deadline, the retry wait, the periodic CMGL sweep) with a struct sm_loop
 * and never blocks.  Tests drive it without any I/O instead: they attach a
 * transport (write + clock), feed the modem's bytes with sm_modem_feed()
 * and let time pass with sm_modem_tick().
 *
 * Vendor differences (Huawei, Quectel, SIMCom...) live in profiles chosen
 * by the manufacturer/model the modem reports, or forced by the config;
 * the generic driver only reads the profile's data and hooks.
 *
 * Ownership: the config's strings are copied by sm_modem_new().  Messages
 * handed to the owner's callbacks are borrowed for the duration of the
 * callback.  An inbound SMS stays on the modem until the owner calls
 * sm_modem_ack() with its id (after committing it somewhere durable).
 *
 * Re-entrancy: from inside a modem callback the owner may call
 * sm_modem_send(), sm_modem_ack(), sm_modem_sweep() and sm_modem_info(),
 * and, from the state callback reporting SM_MODEM_DOWN, sm_modem_open();
 * never sm_modem_free().
 */
#ifndef SMSMATCH_MODEM_H
#define SMSMATCH_MODEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smsmatch/error.h"
#include "smsmatch/log.h"
#include "smsmatch/pdu.h"

struct sm_modem;
struct sm_loop;

enum sm_modem_state {
	SM_MODEM_CLOSED, /* never opened, or closed by the owner */
	SM_MODEM_INIT,	 /* port open, running the init sequence */
	SM_MODEM_READY,	 /* initialised: can send and receives */
	SM_MODEM_DOWN,	 /* init failed, timeout or I/O error: port closed */
};

enum sm_sim_state {
	SM_SIM_UNKNOWN, /* not queried yet */
	SM_SIM_READY,	/* +CPIN: READY */
	SM_SIM_PIN,	/* +CPIN: SIM PIN */
	SM_SIM_PUK,	/* +CPIN: SIM PUK */
	SM_SIM_ABSENT,	/* +CME ERROR: 10 (SIM not inserted) */
	SM_SIM_OTHER,	/* PH-SIM PIN, SIM PIN2, a failure... */
};

/* Text fields are "" when the modem did not say. */
struct sm_modem_info {
	enum sm_modem_state state; /* where the modem is */
	const char *profile;	   /* matched profile name ("generic") */
	char manufacturer[64];	   /* +CGMI */
	char model[64];		   /* +CGMM */
	char revision[96];	   /* +CGMR (firmware) */
	char imei[32];		   /* +CGSN */
	char imsi[32];		   /* +CIMI */
	char iccid[32];		   /* +CCID / +ICCID, optional */
	enum sm_sim_state sim;	   /* +CPIN? */
	int creg;		   /* CS registration <stat> (27.007 7.2), -1
				    * unknown */
	int cereg;		   /* EPS registration <stat> (27.007 10.1.22),
				    * -1 unknown or unsupported */
	char operator_name[64];	   /* +COPS? <oper>, in the modem's format */
	int act;		   /* +COPS? <AcT> (7 = E-UTRAN), -1 unknown */
	int rssi;		   /* +CSQ <rssi> 0..31, 99 unknown */
	int dbm;		   /* rssi in dBm, 0 when unknown */
	int bars;		   /* 0..4 */
	char smsc[48];		   /* +CSCA? */
	bool pdu_mode;		   /* +CMGF=? lists 0 */
	bool text_mode;		   /* +CMGF=? lists 1 */
	char storages[64];	   /* +CPMS=? <mem1> choices, "SM,ME,SR" */
	char mem[4];		   /* storage read and written ("ME", "SM") */
	int mem_used;		   /* messages in it, -1 unknown */
	int mem_total;		   /* its size, -1 unknown */
	bool csms1;		   /* +CSMS=1 accepted: +CMT/+CDS need +CNMA */
	char cnmi_ranges[96];	   /* +CNMI=? as the modem printed it */
	char cnmi[32];		   /* the +CNMI setting chosen, "2,1,0,2,0" */
	/* counters since sm_modem_new() */
	unsigned long sent_msgs;	    /* messages sent in full */
	unsigned long sent_parts;	    /* parts accepted (+CMGS: <mr>) */
	unsigned long send_failures;	    /* messages that failed */
	unsigned long received;		    /* SMS handed to the owner */
	unsigned long reports;		    /* status reports handed over */
	unsigned long consecutive_failures; /* failed commands in a row */
	unsigned long timeouts;		    /* commands that timed out */
	unsigned long opens;		    /* successful sm_modem_open()s */
	struct sm_error last_error;	    /* why the modem went down */
	char down_reason[160];		    /* that, as one sentence */
};

struct sm_modem_config {
	const char *name;	    /* for logs ("modem1"); copied */
	const char *device;	    /* serial device path; copied */
	int baud;		    /* 0: 115200 */
	const char *pin_file;	    /* file with the SIM PIN, mode 0600, or
				     * NULL; copied */
	const char *profile;	    /* force "huawei", "quectel"...; NULL or
				     * "auto" matches by identity */
	unsigned cmd_timeout_ms;    /* per command; 0: 5000 */
	unsigned send_timeout_ms;   /* per AT+CMGS; 0: 60000 */
	unsigned sweep_interval_ms; /* AT+CMGL=4 every...; 0: 300000 */
	bool no_sweep;		    /* never sweep (not even at start) */
	const struct sm_log *log;   /* AT traffic at debug, numbers masked */
};

/* One inbound message handed to the owner (borrowed). */
struct sm_modem_msg {
	unsigned id;		  /* for sm_modem_ack() */
	const struct sm_sms *sms; /* an SMS-DELIVER or SMS-STATUS-REPORT */
	char mem[4];		  /* storage it is kept in, "" if none */
	int index;		  /* its index there, -1 (+CMT, +CDS) */
	bool swept;		  /* found by a +CMGL sweep */
};

struct sm_modem_ops {
	/*
	 * The modem entered @state: SM_MODEM_READY after init,
	 * SM_MODEM_DOWN with @err (the port is already closed; see
	 * info->down_reason).  @err is NULL for READY.
	 */
	void (*state)(struct sm_modem *m, enum sm_modem_state state,
		      const struct sm_error *err, void *data);
	/* An SMS or a status report arrived; ack it with its id. */
	void (*inbound)(struct sm_modem *m, const struct sm_modem_msg *msg,
			void *data);
};

/* The byte transport of a modem driven without a loop (tests, bridges). */
struct sm_modem_io {
	/* Write bytes to the modem; 0 or a negative errno. */
	int (*write)(void *data, const void *buf, size_t len);
	/* Monotonic milliseconds. */
	uint64_t (*now)(void *data);
};

struct sm_modem;

struct sm_modem_send_opts {
	enum sm_text_mode mode; /* alphabet choice (SM_TEXT_AUTO) */
	bool status_report;	/* request a status report */
	int validity_minutes;	/* relative validity, -1 none */
	/*
	 * Concatenation reference for a long text, 0..255, or -1 for the
	 * modem's own counter.  A message resumed after a crash must use
	 * the reference its first parts went out with.
	 */
	int concat_ref;
	/*
	 * First part to send, 1-based (0 and 1: all).  Parts before it were
	 * sent earlier (before a crash or on an earlier claim) and are
	 * skipped; the text is split exactly as then.
	 */
	unsigned first_part;
	/*
	 * Optional, called with the send's @data right before part @part
	 * (1-based) of @parts is handed to the AT engine, so that the owner
	 * can persist "about to write" first.  A non-zero return stops the
	 * send: the callback then reports SM_ERR_CANCELLED at that part and
	 * nothing of it is written.
	 */
	int (*part_writing)(struct sm_modem *m, unsigned part, unsigned parts,
			    void *data);
	/*
	 * Optional, called with the send's @data when the network accepted
	 * part @part: +CMGS: @mr (-1 when the modem printed no reference).
	 */
	void (*part_sent)(struct sm_modem *m, unsigned part, int mr,
			  void *data);
};

/* The outcome of one sm_modem_send(), borrowed by the callback. */
struct sm_modem_send_result {
	struct sm_error err;	   /* kind NONE when every part was sent */
	unsigned parts;		   /* parts of the message */
	unsigned sent;		   /* parts the network accepted */
	unsigned failed_part;	   /* 1-based part that failed, 0 if none */
	int mr[SM_PDU_PARTS_MAX];  /* message reference of each sent part */
	enum sm_pdu_coding coding; /* alphabet used */
};

typedef void (*sm_modem_send_cb)(struct sm_modem *m,
				 const struct sm_modem_send_result *res,
				 void *data);

/*
 * Create a modem (closed) with @cfg (strings copied) and @ops (copied)
 * called with @data.  @loop may be NULL for a modem driven through
 * sm_modem_attach().  Returns NULL on allocation failure.
 */
struct sm_modem *sm_modem_new(const struct sm_modem_config *cfg,
			      struct sm_loop *loop,
			      const struct sm_modem_ops *ops, void *data);

/* Close (pending sends report SM_ERR_CANCELLED) and free; NULL allowed. */
void sm_modem_free(struct sm_modem *m);

/*
 * Open cfg->device on the loop and start the init sequence; the state
 * callback reports READY or DOWN later.  Returns 0, -EALREADY when open,
 * or a negative errno when the port cannot be opened, with a sentence
 * naming the device in @err (@errlen bytes).  Can be called again after
 * sm_modem_close() or DOWN.
 */
int sm_modem_open(struct sm_modem *m, char *err, size_t errlen);

/*
 * Start the init sequence over a caller-provided transport instead of a
 * serial port: bytes from the modem go in with sm_modem_feed(), time
 * passes with sm_modem_tick().  @io is copied.  Returns 0 or -EALREADY.
 */
int sm_modem_attach(struct sm_modem *m, const struct sm_modem_io *io,
		    void *io_data);

/* Bytes read from the modem (attach mode).  Returns 0. */
int sm_modem_feed(struct sm_modem *m, const void *buf, size_t len);
/* Let time pass: command timeouts, retries, sweeps (attach mode). */
void sm_modem_tick(struct sm_modem *m);
/* The next time sm_modem_tick() has work, UINT64_MAX if none. */
uint64_t sm_modem_deadline(const struct sm_modem *m);

/*
 * Close the port.  Queued sends complete with SM_ERR_CANCELLED; the state
 * becomes CLOSED without a state callback.  Safe to call when closed.
 */
void sm_modem_close(struct sm_modem *m);

/*
 * Send @text (UTF-8) to @to as one SMS, in as many parts as needed, every
 * part on this modem in order (AT+CMMS=2 before a multipart sequence).
 * @opts may be NULL (auto alphabet, status report requested, the modem's
 * own concatenation reference, every part); a zeroed struct means GSM/UCS-2
 * auto, no status report, concat_ref 0.  Sends are
 * queued (up to SM_MODEM_SENDQ_MAX) and run one after the other.
 * Returns 0 and later calls @cb exactly once, or a negative errno without
 * calling it: -ENOTCONN when not READY, -EBUSY when the queue is full,
 * -EINVAL for a bad number or text, -E2BIG when too long, -ENOMEM.
 */
#define SM_MODEM_SENDQ_MAX 16
int sm_modem_send(struct sm_modem *m, const char *to, const char *text,
		  const struct sm_modem_send_opts *opts, sm_modem_send_cb cb,
		  void *data);

/*
 * The owner committed inbound message @id: delete it from the modem
 * (AT+CMGD) or acknowledge it to the network (AT+CNMA when +CSMS=1).
 * Returns 0 or -ENOENT for an unknown id.
 */
int sm_modem_ack(struct sm_modem *m, unsigned id);

/*
 * Ask the modem for its registration (+CREG?, +CEREG?) and signal (+CSQ)
 * again; sm_modem_info() shows the answers.  A modem that does not answer
 * goes DOWN as during a send, so calling this every minute also finds a
 * modem that hung while idle.  0, -ENOTCONN when not READY, -ENOMEM.
 */
int sm_modem_refresh(struct sm_modem *m);

/* Queue an AT+CMGL=4 sweep of the storage now.  0 or -ENOTCONN. */
int sm_modem_sweep(struct sm_modem *m);

/*
 * AT commands queued or in flight (deletions after acks included): an
 * owner about to close waits for 0 so that acknowledged messages really
 * are deleted.
 */
size_t sm_modem_busy(const struct sm_modem *m);

/* State, identity, signal, registration and counters (borrowed). */
const struct sm_modem_info *sm_modem_info(const struct sm_modem *m);
/* The config's name, or the device when no name was given. */
const char *sm_modem_name(const struct sm_modem *m);

/* ---- I/O-free helpers (drivers/at/modem_parse.c) */

/* "closed", "init", "ready", "down". */
const char *sm_modem_state_name(enum sm_modem_state s);
/* "unknown", "ready", "SIM PIN", "SIM PUK", "absent", "other". */
const char *sm_sim_state_name(enum sm_sim_state s);
/* 27.007 7.2 <stat>: "home", "roaming", "searching", "denied"... */
const char *sm_modem_reg_name(int stat);
/* true for registered home or roaming (also SMS-only, CSFB variants). */
bool sm_modem_reg_ok(int stat);
/* 27.007 8.5 <rssi> to dBm (-113..-51), 0 for 99/unknown. */
int sm_modem_rssi_dbm(int rssi);
/* <rssi> to 0..4 bars. */
int sm_modem_rssi_bars(int rssi);

#endif
