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
 *
 * After a timeout: a modem that answers late must not have its answer taken
 * for the next command's.  So when a command times out the engine writes
 * ESC (27.005 3.5.1: leaves the PDU input state, if the command was waiting
 * for "> "), completes it with SM_ERR_TIMEOUT, and then waits for a quiet
 * period (SM_AT_QUIET_MS with no line received, at most SM_AT_DRAIN_MAX_MS)
 * before it writes the next command.  Lines that arrive during that period
 * and are not URCs are dropped (traced STRAY), and so is a partial line
 * left in the scanner at the timeout and at the end of the quiet period.
 * sm_at_deadline() covers the quiet period, so the owner's tick ends it.
 *
 * Re-entrancy: callbacks and notifications run only from sm_at_feed(),
 * sm_at_tick(), sm_at_flush() and sm_at_free(), never from sm_at_send().
 * From inside them you may queue commands, (un)register handlers, flush,
 * free the data they were given, and call sm_at_free() on the engine: the
 * memory is then released when the outermost engine call returns, every
 * queued command still completes exactly once (SM_ERR_CANCELLED), and any
 * further sm_at_send() on it returns -ESHUTDOWN.  Callbacks must not call
 * sm_at_feed() (it returns -EBUSY) or sm_at_tick() (ignored).
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
/* Quiet period after a timeout before the next command is written. */
#define SM_AT_QUIET_MS 500
/* Longest that quiet period may be stretched by a chatty modem. */
#define SM_AT_DRAIN_MAX_MS 3000

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
	const char *final;	  /* final result (spaces cut), or "" */
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
 * (-ENOMEM, -E2BIG for a command over SM_AT_LINE_MAX, -EINVAL for a NULL
 * or empty command, a NULL @cb or a command holding CR, LF, Ctrl-Z or ESC,
 * -ESHUTDOWN once the engine is being freed) when the command could not be
 * queued: then neither @cb nor @destroy is called and the caller still owns
 * @data.  The command is written at once if nothing is in flight; if that
 * write fails, the command completes with SM_ERR_IO at the next
 * sm_at_tick() (sm_at_deadline() then says "now"): @cb never runs from
 * inside sm_at_send().
 *
 * Echo lines equal to @cmd (case-insensitive, any number of them) are
 * dropped while it is in flight.  An intermediate line starting with
 * "+CMGR:" or "+CMGL:" makes the next line its body (taken whatever it
 * says, unless it is a final result: a text-mode status report has no
 * body).
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
 * the command and nothing more is written.  The rest of the prompt line
 * (Huawei E1750 echoes the PDU there) and a later line equal to @pdu are
 * dropped.  @timeout_ms runs once until the prompt and again from the
 * moment the PDU is written.  Same return and ownership rules as
 * sm_at_send(); @pdu is bounded by SM_AT_LINE_MAX too (-E2BIG) and must not
 * hold CR, LF, Ctrl-Z or ESC (-EINVAL).
 */
int sm_at_send_pdu(struct sm_at *at, const char *cmd, const char *pdu,
		   const char *const *prefixes, unsigned timeout_ms,
		   sm_at_cb cb, void *data, void (*destroy)(void *data));

/*
 * Feed bytes read from the modem.  Callbacks and notifications run from
 * inside this call.  Returns 0, -EIO if a write triggered by the bytes
 * (a PDU after the prompt) failed (that command completes with SM_ERR_IO),
 * or -EBUSY when called from inside a callback.  Callbacks may queue new
 * commands.
 */
int sm_at_feed(struct sm_at *at, const void *bytes, size_t len);

/*
 * Let time pass: a command whose deadline has passed completes with
 * SM_ERR_TIMEOUT (and the next one is written after the quiet period); a
 * command whose write failed completes with SM_ERR_IO.
 */
void sm_at_tick(struct sm_at *at);

/* The earliest deadline in ms (io->now() scale), or UINT64_MAX if none. */
uint64_t sm_at_deadline(const struct sm_at *at);

/*
 * Complete every queued command with @kind (SM_ERR_IO when the port went
 * away, SM_ERR_CANCELLED on shutdown) and @reason as its text (may be
 * NULL), and reset the parser and the quiet period.  Commands queued by
 * those callbacks stay queued (and are written at once).
 */
void sm_at_flush(struct sm_at *at, enum sm_err_kind kind, const char *reason);

/* Number of commands queued, including the one in flight. */
size_t sm_at_pending(const struct sm_at *at);

/*
 * Register @fn for unsolicited lines starting with @prefix ("+CMTI:",
 * "RING", "^RSSI:").  With @expects_pdu the next line is collected and passed
 * as the @pdu argument (27.005 3.4.1 +CMT/+CDS in PDU mode), whatever it
 * says; if that line is over SM_AT_LINE_MAX the URC is dropped (traced).  The
 * prefix is copied.  A URC line always wins over a command's prefixes unless
 * the command in flight asked for that very prefix (AT+CREG? vs +CREG: URC):
 * precisely, unless one of the command's prefixes matches the line.
 * Every matching handler is called, in registration order.  Returns an
 * id > 0 or a negative errno (-EINVAL for an empty prefix or NULL @fn,
 * -E2BIG for a prefix over SM_AT_LINE_MAX, -ENOMEM).
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
/*
 * Next parameter as a decimal integer; false if absent (empty, end of line
 * or of a list) or not a number.  On false the cursor does not move, so the
 * caller may try sm_at_iter_str() or sm_at_iter_skip() instead.  The same
 * holds for every sm_at_iter_* function below.
 */
bool sm_at_iter_int(struct sm_at_iter *it, long *out);
/*
 * Next parameter as a range "0-2" (@min 0, @max 2) or a single number
 * "3" (both 3), as found in the lists of test commands (AT+CNMI=?).
 */
bool sm_at_iter_range(struct sm_at_iter *it, long *min, long *max);
/*
 * Next parameter as a string: quoted ("...", quotes removed) or bare up to the
 * next comma or ')' (trailing spaces removed), copied into @buf of @len bytes
 * (NUL-terminated).  An empty field (",,") gives "".  False at the end of
 * the line or of a list, for an unterminated quote, or if it does not fit.
 */
bool sm_at_iter_str(struct sm_at_iter *it, char *buf, size_t len);
/* Skip one parameter, whatever it is.  False at the end of the line. */
bool sm_at_iter_skip(struct sm_at_iter *it);
/* Enter a parenthesised list "(0-4)" or "(\"SM\",\"ME\")"; false if none. */
bool sm_at_iter_open_list(struct sm_at_iter *it);
/* Leave the list entered by sm_at_iter_open_list(); false if unbalanced. */
bool sm_at_iter_close_list(struct sm_at_iter *it);

#endif
