/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * at.h - the AT command engine: a byte-fed, I/O-free parser and a command
 * queue with one command in flight (the core of drivers/at).
 *
 * The engine does no I/O and reads no clock of its own.  Bytes from the
 * modem go in through sm_at_feed(), bytes to the modem come out through the
 * io->write callback, and time comes from io->now().  The owner (the serial
 * port and the event loop, or a test with a scripted transcript and a fake
 * clock) calls sm_at_tick() when sm_at_deadline() is reached.
 *
 * What the parser understands (27.007 5.7, 27.005 3/4):
 *  - lines ended by CR, LF or CR LF; empty lines are skipped;
 *  - the final results OK, ERROR, +CME ERROR: <n|text>, +CMS ERROR: <n|text>
 *    (an empty "+CMS ERROR:" is CMS with code -1), and the legacy finals
 *    NO CARRIER, BUSY, NO ANSWER, NO DIALTONE, COMMAND NOT SUPPORT (all
 *    reported as SM_ERR_FAILURE with the line as text);
 *  - the echo of the command in flight (echo on, off, or doubled), and the
 *    echo of a PDU after the prompt, which are dropped;
 *  - the "> " prompt of AT+CMGS/AT+CMGW, with or without the space and with
 *    or without a line break before it; the engine then writes the PDU and
 *    Ctrl-Z itself;
 *  - the body line that follows a +CMGR: or +CMGL: header in a response, and
 *    the PDU line that follows an unsolicited +CMT: or +CDS: (any URC
 *    registered with expects_pdu);
 *  - unsolicited result codes, recognised by registered prefix and
 *    dispatched at once, also in the middle of a command;
 *  - garbage: NUL and other control bytes are dropped, a line longer than
 *    SM_AT_LINE_MAX is discarded up to its end and reported through trace.
 *
 * Ownership: command strings and PDUs are copied on enqueue.  Lines passed
 * to callbacks are borrowed for the duration of the callback only.  Every
 * queued command carries its destroy function, called once right after its
 * callback (see sm_at_send() for the one case where neither runs).
 */
#ifndef SMSMATCH_AT_H
#define SMSMATCH_AT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smsmatch/error.h"

/* Longest line kept; longer ones are discarded (an SMS PDU is <= 362 hex). */
#define SM_AT_LINE_MAX 2048
/* Most intermediate lines one response may collect (a full +CMGL sweep). */
#define SM_AT_LINES_MAX 1024

struct sm_at;

enum sm_at_trace_kind {
	SM_AT_TRACE_TX,	     /* bytes written to the modem (one command) */
	SM_AT_TRACE_RX,	     /* a complete line received */
	SM_AT_TRACE_STRAY,   /* a line no command or URC handler wanted */
	SM_AT_TRACE_OVERLONG /* a line cut because it exceeded SM_AT_LINE_MAX */
};

struct sm_at_io {
	/*
	 * Write @len bytes to the modem.  Returns 0 or a negative errno; on
	 * failure the command in flight completes with SM_ERR_IO.  Must not
	 * call back into the engine.
	 */
	int (*write)(void *data, const void *buf, size_t len);
	/* Monotonic time in milliseconds. */
	uint64_t (*now)(void *data);
	/* Optional: every line in and out, for logs and `modem listen -v`. */
	void (*trace)(void *data, enum sm_at_trace_kind kind, const char *line,
		      size_t len);
};

/* What a command produced.  Everything here is borrowed. */
struct sm_at_response {
	struct sm_error err;	  /* kind SM_ERR_NONE when the result was OK */
	const char *const *lines; /* intermediate lines, in order */
	size_t nlines;		  /* how many */
	const char *final;	  /* the final result line, or "" on timeout */
};

/* Called exactly once per command, on every path. */
typedef void (*sm_at_cb)(const struct sm_at_response *res, void *data);

/*
 * An unsolicited result code: @line is the URC line ("+CMTI: \"SM\",3"),
 * @pdu the line that followed it when the handler was registered with
 * expects_pdu (else NULL).  Both borrowed.
 */
typedef void (*sm_at_notify)(const char *line, const char *pdu, void *data);

/*
 * Create an engine writing through @io (copied) with @io_data as first
 * argument of its callbacks.  Returns NULL on allocation failure.
 */
struct sm_at *sm_at_new(const struct sm_at_io *io, void *io_data);

/*
 * Free the engine.  Every queued command completes first with
 * SM_ERR_CANCELLED (callbacks run, destroys run).  NULL is allowed.
 */
void sm_at_free(struct sm_at *at);

/*
 * Queue @cmd (without the trailing CR, e.g. "AT+CSQ").  @prefixes is a
 * NULL-terminated list of the prefixes of the intermediate lines expected
 * ("+CSQ:"), or NULL to take every line that is not a registered URC or a
 * final result (ATI, AT+CGMI...).  The list itself is copied.  @timeout_ms
 * counts from the moment the command is written; 0 means the default
 * (SM_AT_DEFAULT_TIMEOUT_MS).
 *
 * Returns a command id > 0; @cb will be called exactly once and then
 * @destroy(@data) if @destroy is not NULL.  Returns a negative errno
 * (-ENOMEM, -E2BIG for a command over SM_AT_LINE_MAX, -EINVAL) when the
 * command could not be queued: then neither @cb nor @destroy is called and
 * the caller still owns @data.
 */
#define SM_AT_DEFAULT_TIMEOUT_MS 5000
int sm_at_send(struct sm_at *at, const char *cmd, const char *const *prefixes,
	       unsigned timeout_ms, sm_at_cb cb, void *data,
	       void (*destroy)(void *data));

/*
 * Queue a command that waits for the "> " prompt and then sends @pdu (hex
 * text, copied) followed by Ctrl-Z (0x1A): AT+CMGS=<len> or AT+CMGW=<len>
 * in PDU mode, or the text of AT+CMGS="<number>" in text mode.  If the
 * modem answers a final result instead of the prompt, that result completes
 * the command and nothing more is written.  Same return and ownership rules
 * as sm_at_send().
 */
int sm_at_send_pdu(struct sm_at *at, const char *cmd, const char *pdu,
		   const char *const *prefixes, unsigned timeout_ms,
		   sm_at_cb cb, void *data, void (*destroy)(void *data));

/*
 * Feed bytes read from the modem.  Callbacks and notifications run from
 * inside this call.  Returns 0, or -EIO if a write triggered by the bytes
 * (a PDU after the prompt) failed.  Callbacks may queue new commands.
 */
int sm_at_feed(struct sm_at *at, const void *bytes, size_t len);

/*
 * Let time pass: a command whose deadline has passed completes with
 * SM_ERR_TIMEOUT and the next one is written.
 */
void sm_at_tick(struct sm_at *at);

/* The earliest deadline in ms (io->now() scale), or UINT64_MAX if none. */
uint64_t sm_at_deadline(const struct sm_at *at);

/*
 * Complete every queued command with @kind (SM_ERR_IO when the port went
 * away, SM_ERR_CANCELLED on shutdown) and reset the parser.
 */
void sm_at_flush(struct sm_at *at, enum sm_err_kind kind, const char *reason);

/* Number of commands queued, including the one in flight. */
size_t sm_at_pending(const struct sm_at *at);

/*
 * Register @fn for unsolicited lines starting with @prefix ("+CMTI:",
 * "RING", "^RSSI:").  With @expects_pdu the next line is collected and passed
 * as the @pdu argument (27.005 3.4.1 +CMT/+CDS in PDU mode).  The prefix is
 * copied.  A URC line always wins over a command's prefixes unless the
 * command in flight asked for that very prefix (AT+CREG? vs +CREG: URC).
 * Returns an id > 0 or a negative errno.
 */
int sm_at_register(struct sm_at *at, const char *prefix, bool expects_pdu,
		   sm_at_notify fn, void *data);

/* Remove a registration made by sm_at_register(). */
void sm_at_unregister(struct sm_at *at, int id);

/* ---- I/O-free helpers for parsing response lines (drivers/at/atparse.c) */

/*
 * A cursor over the parameters of a response line such as
 * `+CMGL: 3,1,"",24` or `+COPS: 0,0,"Orange F",7`.
 */
struct sm_at_iter {
	const char *p;	 /* next character */
	const char *end; /* end of the line */
};

/*
 * Start iterating @line after @prefix ("+CSQ:").  Leading spaces are
 * skipped.  Returns false if @line does not start with @prefix.
 */
bool sm_at_iter_init(struct sm_at_iter *it, const char *line,
		     const char *prefix);
/* Next parameter as an integer; false if absent or not a number. */
bool sm_at_iter_int(struct sm_at_iter *it, long *out);
/*
 * Next parameter as a string: quoted ("...", quotes removed) or bare up to the
 * next comma, copied into @buf of @len bytes (NUL-terminated).  False if
 * absent or if it does not fit.
 */
bool sm_at_iter_str(struct sm_at_iter *it, char *buf, size_t len);
/* Skip one parameter, whatever it is.  False at the end of the line. */
bool sm_at_iter_skip(struct sm_at_iter *it);
/* Enter a parenthesised list "(0-4)" or "(\"SM\",\"ME\")"; false if none. */
bool sm_at_iter_open_list(struct sm_at_iter *it);
/* Leave the list entered by sm_at_iter_open_list(); false if unbalanced. */
bool sm_at_iter_close_list(struct sm_at_iter *it);

#endif
