/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store.h - the gateway's SQLite database, as the daemon and the CLI see it.
 *
 * One database file holds the outbox and its state machine, the inbox (parts
 * and reassembled messages), delivery status reports, opt-outs, modem state
 * and an audit trail.  smsmatchd and smsmatch open the same file at the same
 * time: the file is in WAL mode, every call is one short transaction, and a
 * writer that finds the database locked waits up to the busy timeout (5 s by
 * default) and then fails with -EBUSY.  Every call commits with
 * synchronous=FULL, so a transition that returned 0 survives kill -9 and a
 * power cut.  Only src/store.c includes <sqlite3.h>.
 *
 * Conventions:
 *  - Times are int64_t Unix seconds (UTC) passed in by the caller; the store
 *    never reads a clock, so tests control time.
 *  - Functions return 0 or a negative errno: -EINVAL (bad argument or a
 *    transition that is not allowed from the current state), -ENOENT (no such
 *    row), -E2BIG (a text over its bound), -EPERM (recipient opted out),
 *    -EBUSY (locked beyond the busy timeout), -ENOSPC (disk full), -EIO
 *    (anything else from SQLite; sm_store_errmsg() says what).
 *  - Strings are NUL-terminated C strings, copied by the store; every value
 *    reaches SQL through a bound parameter.  A text cannot carry a NUL byte:
 *    the inbox, where bytes come from the air, takes an explicit length and
 *    refuses a text holding a NUL with -EINVAL (the raw PDU hex keeps the
 *    original).  UTF-8 validity is the caller's job; the store copes with any
 *    bytes.
 *  - Results land in caller-provided structs with fixed-size fields; lists
 *    call a function per row with a struct borrowed for the call.  A list
 *    callback returns 0 to go on or non-zero to stop (the list function then
 *    returns that value); it must not call back into the same store.
 */
#ifndef SMSMATCH_STORE_H
#define SMSMATCH_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Schema version this program writes (PRAGMA user_version). */
#define SM_STORE_SCHEMA_VERSION 4

#define SM_STORE_NUMBER_MAX  32	  /* E.164 number "+33612345678" with NUL */
#define SM_STORE_ADDR_MAX    48	  /* inbox sender: number or alphanumeric */
#define SM_STORE_NAME_MAX    64	  /* modem name, actor, action */
#define SM_STORE_TEXT_MAX    4096 /* outbound text, inbound message text */
#define SM_STORE_PART_MAX    1024 /* text of one received part */
#define SM_STORE_PDU_MAX     1024 /* hex of one received PDU */
#define SM_STORE_ERROR_MAX   256  /* last error text, event detail */
#define SM_STORE_MISSING_MAX 1024 /* "2,5,7": missing part numbers */
#define SM_STORE_PARTS_MAX   255  /* parts of one message (8-bit seq) */

struct sm_store;

/* ---- opening -------------------------------------------------------- */

/*
 * Open (creating if needed) the database at @path (":memory:" for tests),
 * switch it to WAL, synchronous=FULL, foreign keys on, then apply the
 * pending schema migrations, each in its own transaction.  On success
 * *@out owns the handle (sm_store_close()).  On failure returns a negative
 * errno and writes into @err (@errlen bytes, may be NULL) one line naming
 * the file and the problem: cannot open (-errno from the system, e.g.
 * -ENOENT, -EACCES), not a database (-EIO), schema newer than this program
 * (-EPROTO), disk full (-ENOSPC), locked (-EBUSY).
 */
int sm_store_open(const char *path, struct sm_store **out, char *err,
		  size_t errlen);

/* Finalize the cached statements and close.  NULL is accepted. */
void sm_store_close(struct sm_store *st);

/*
 * Group the calls that follow, up to sm_store_tx_end(), into one
 * transaction: one commit (one fsync) instead of one per call.  Each call
 * inside still succeeds or fails as a whole (a savepoint).  The database
 * is locked for writing meanwhile: keep it short.  0 or a negative errno
 * (-EBUSY).  Nesting is not allowed (-EINVAL).
 */
int sm_store_tx_begin(struct sm_store *st);
/* Commit when @rc >= 0, else roll back; returns @rc or the commit error. */
int sm_store_tx_end(struct sm_store *st, int rc);

/* Busy timeout in milliseconds for later calls (default 5000). 0 or -EIO. */
int sm_store_set_busy_timeout(struct sm_store *st, int ms);

/* The last SQLite error text of @st ("" if none).  Borrowed. */
const char *sm_store_errmsg(const struct sm_store *st);

/* The schema version found in the file after open (== SCHEMA_VERSION). */
int sm_store_schema_version(struct sm_store *st);

/* ---- outbox --------------------------------------------------------- */

/*
 * Outbound message states.  queued -> claimed(modem, attempt) -> sent (every
 * part has its mr) -> delivered | failed; queued -> expired | cancelled.
 * unconfirmed: a part was being written to the modem when the daemon
 * crashed or the modem went away, and no +CMGS came back: it may or may not
 * have left.  Never resent silently; a status report or an operator settles
 * it (sm_store_report_add(), sm_store_unconfirmed_resolve()).
 */
enum sm_out_state {
	SM_OUT_QUEUED,	    /* waiting (maybe with some parts already sent) */
	SM_OUT_CLAIMED,	    /* a modem is sending it */
	SM_OUT_SENT,	    /* every part accepted by the SMSC */
	SM_OUT_DELIVERED,   /* every part delivered (status reports) */
	SM_OUT_FAILED,	    /* permanent failure or attempts exhausted */
	SM_OUT_EXPIRED,	    /* still queued at its deadline */
	SM_OUT_UNCONFIRMED, /* a part written with no +CMGS before a crash */
	SM_OUT_CANCELLED,   /* opted out or cancelled by an operator */
};
#define SM_OUT_NSTATES 8

/* Why a message is sent; the scheduler lets replies out of hours. */
enum sm_out_kind {
	SM_KIND_REPLY,	       /* answer within a conversation */
	SM_KIND_FIRST_CONTACT, /* first message of a campaign */
	SM_KIND_REMINDER,      /* reminder of a script */
	SM_KIND_MANUAL,	       /* typed by an advisor (smsmatch send) */
};
#define SM_KIND_BIT(k) (1u << (k))
#define SM_KINDS_ALL   0xfu

/* Message flags. */
enum {
	/*
	 * The confirmation of an opt-out ("Vous ne recevrez plus de SMS"):
	 * may be enqueued to an opted-out number and is never cancelled by
	 * sm_store_optout_add().
	 */
	SM_OUT_F_OPTOUT_CONFIRM = 1u << 0,
};

/* States of one part of an outbound message. */
enum sm_part_state {
	SM_PART_WRITING,     /* persisted just before the PDU goes out */
	SM_PART_SENT,	     /* +CMGS: <mr> seen, no report yet */
	SM_PART_PENDING,     /* report: SMSC still trying (23.040 9.2.3.15) */
	SM_PART_DELIVERED,   /* report: delivered */
	SM_PART_FAILED,	     /* report or modem: permanent failure */
	SM_PART_UNCONFIRMED, /* was writing when the daemon/modem died */
};

/* What sm_store_enqueue() takes.  Strings are copied. */
struct sm_store_enqueue {
	const char *recipient;	 /* E.164: '+' and 2 to 15 digits */
	const char *text;	 /* UTF-8, at most SM_STORE_TEXT_MAX bytes */
	enum sm_out_kind kind;	 /* reply, first contact, reminder, manual */
	unsigned flags;		 /* SM_OUT_F_* */
	int64_t campaign_id;	 /* 0: none */
	int64_t conversation_id; /* 0: none */
	int priority;		 /* higher goes first */
	int nparts;		 /* PDUs of the encoded text, 1..255 */
	int64_t not_before;	 /* not sent before this time (0: now) */
	int64_t expires_at;	 /* expired if still queued then (0: never) */
};

/* One outbound message as stored. */
struct sm_store_outmsg {
	int64_t id;			     /* rowid, > 0 */
	char recipient[SM_STORE_NUMBER_MAX]; /* E.164 */
	char text[SM_STORE_TEXT_MAX + 1];    /* the whole text */
	enum sm_out_kind kind;		     /* why it is sent */
	unsigned flags;			     /* SM_OUT_F_* */
	int64_t campaign_id;		     /* 0: none */
	int64_t conversation_id;	     /* 0: none */
	int priority;			     /* higher goes first */
	enum sm_out_state state;	     /* see enum sm_out_state */
	int64_t not_before;		     /* retry backoff */
	int64_t expires_at;		     /* 0: never */
	int attempts;			     /* claims so far */
	int nparts;			     /* PDUs in the message */
	int next_part;			     /* first part never written,
					      * 1-based; nparts + 1 when all
					      * are out */
	int concat_ref;			     /* 8-bit concatenation ref to
					      * use for every part: id % 256 */
	char modem[SM_STORE_NAME_MAX];	     /* pinned modem once a part went
					      * out, "" otherwise */
	char claimed_by[SM_STORE_NAME_MAX];  /* modem holding the claim */
	int64_t created_at;		     /* enqueue time */
	int64_t claimed_at;		     /* last claim, 0 if never */
	int64_t sent_at;		     /* last part sent, 0 if not */
	int64_t final_at;		     /* delivered/failed/... time */
	char last_error[SM_STORE_ERROR_MAX]; /* "" if none */
	bool was_unconfirmed;		     /* settled by a report matched
					      * by the unconfirmed rule */
};

/* One part of an outbound message. */
struct sm_store_outpart {
	int64_t msg_id;		       /* message */
	int seq;		       /* 1-based */
	enum sm_part_state state;      /* see enum sm_part_state */
	char modem[SM_STORE_NAME_MAX]; /* modem it was written to */
	int mr;			       /* TP-MR from +CMGS, -1 unknown */
	int64_t written_at;	       /* "about to write" time */
	int64_t sent_at;	       /* +CMGS time, 0 if none */
	int64_t report_at;	       /* last status report, 0 if none */
	int report_status;	       /* its TP-ST, -1 if none */
	bool via_unconfirmed;	       /* matched by the unconfirmed rule */
};

/*
 * Queue a message.  The recipient must not be opted out (-EPERM) unless the
 * message carries SM_OUT_F_OPTOUT_CONFIRM.  -E2BIG for a text over
 * SM_STORE_TEXT_MAX bytes, -EINVAL for a recipient that is not E.164 or
 * nparts outside 1..255.  *@id (may be NULL) gets the new message id.
 */
int sm_store_enqueue(struct sm_store *st, const struct sm_store_enqueue *m,
		     int64_t now, int64_t *id);

/*
 * Claim the next message modem @modem should send, atomically.  Candidates
 * are queued, due (not_before <= @now), of a kind in @kinds (SM_KIND_BIT()
 * mask), and not pinned to another modem.  Order: highest priority, then
 * oldest (id).  Per-recipient FIFO: a message is never claimed while an
 * older message to the same recipient is claimed, unconfirmed, or queued
 * with a kind in @kinds (one the sending window holds back does not hold
 * back a reply or a manual message).
 * The claim bumps attempts.  Returns 0 with *@out filled (the caller sends
 * part out->next_part onwards), -ENOENT when nothing is due.
 */
int sm_store_claim(struct sm_store *st, const char *modem, int64_t now,
		   unsigned kinds, struct sm_store_outmsg *out);

/*
 * "About to write part @part of message @id on modem @modem": persisted
 * BEFORE the PDU is written.  The message must be claimed by @modem and
 * @part must be its next part (-EINVAL otherwise); -ECANCELED if it was
 * cancelled (opt-out) since the claim: do not send.  The message becomes
 * pinned to @modem.
 */
int sm_store_part_writing(struct sm_store *st, int64_t id, int part,
			  const char *modem, int64_t now);

/*
 * "+CMGS: @mr" for part @part (which must be writing).  When it is the last
 * part the message becomes sent (or delivered/failed if reports for earlier
 * parts already said so).
 */
int sm_store_part_sent(struct sm_store *st, int64_t id, int part, int mr,
		       int64_t now);

/*
 * "+CMGS: @mr" never came but the modem is still alive (the command timed
 * out): the part in the writing window becomes unconfirmed, and so does the
 * message.  -EINVAL if no part is being written.
 */
int sm_store_part_unconfirmed(struct sm_store *st, int64_t id, int64_t now,
			      const char *reason);

/* Retry policy of sm_store_send_failed(). */
struct sm_store_retry {
	int max_attempts;     /* failed once attempts reach this */
	int64_t backoff_base; /* seconds after the first attempt */
	int64_t backoff_max;  /* cap: base * 2^(attempt - 1) <= max */
};

enum sm_store_fail {
	SM_FAIL_TEMPORARY, /* try again later (+CMS 3xx from the modem...) */
	SM_FAIL_PERMANENT, /* never again (invalid number, barred...) */
};

/*
 * Sending message @id (claimed by @modem) failed; the part being written,
 * if any, did not leave (the modem said so with a +CMS ERROR).  Temporary
 * and attempts < max_attempts: back to queued with not_before = now +
 * backoff(attempts); if no part of it was ever sent its modem pin is
 * released so any modem can take it.  Otherwise: failed.  @code is the CMS
 * code or -1; @reason is kept as last_error (cut at SM_STORE_ERROR_MAX).
 * *@state (may be NULL) gets the new message state.
 */
int sm_store_send_failed(struct sm_store *st, int64_t id, const char *modem,
			 enum sm_store_fail kind, int code, const char *reason,
			 const struct sm_store_retry *retry, int64_t now,
			 enum sm_out_state *state);

/* Counts returned by recovery and modem release. */
struct sm_store_recovery {
	int requeued;	 /* claimed -> queued (nothing in the writing window) */
	int unconfirmed; /* a part was in the writing window */
};

/*
 * At start-up, before any claim: every claimed message goes back to queued
 * (parts already sent keep their mr and the message stays pinned to their
 * modem: the daemon resumes at next_part, never resending a sent part;
 * with no part sent the pin is released), except a message with a part in
 * the writing window, which becomes unconfirmed.  @out may be NULL.
 */
int sm_store_recover(struct sm_store *st, int64_t now,
		     struct sm_store_recovery *out);

/* The same as sm_store_recover() for the messages claimed by @modem only,
 * when that modem went down. */
int sm_store_release_modem(struct sm_store *st, const char *modem, int64_t now,
			   struct sm_store_recovery *out);

/*
 * Queued messages whose expires_at is set and <= @now become expired
 * (also those with some parts sent: their pinned modem never came back).
 * *@count (may be NULL) gets how many.
 */
int sm_store_expire(struct sm_store *st, int64_t now, int *count);

/*
 * Cancel message @id if it is queued, or claimed with no part in the
 * writing window (the daemon's next sm_store_part_writing() then gets
 * -ECANCELED).  Parts already sent stay sent.  -EINVAL in any other state.
 */
int sm_store_cancel(struct sm_store *st, int64_t id, int64_t now,
		    const char *reason);

/* How an operator settles an unconfirmed message. */
enum sm_store_resolution {
	SM_RESOLVE_SENT,    /* it left: unconfirmed parts count as sent */
	SM_RESOLVE_FAILED,  /* give up: the message fails */
	SM_RESOLVE_REQUEUE, /* send it again, accepting a possible double */
};

/* Settle unconfirmed message @id.  -EINVAL if it is not unconfirmed. */
int sm_store_unconfirmed_resolve(struct sm_store *st, int64_t id,
				 enum sm_store_resolution how, int64_t now);

/* Read message @id.  -ENOENT if there is none. */
int sm_store_outbox_get(struct sm_store *st, int64_t id,
			struct sm_store_outmsg *out);

typedef int (*sm_store_outmsg_fn)(const struct sm_store_outmsg *m, void *data);
typedef int (*sm_store_outpart_fn)(const struct sm_store_outpart *p,
				   void *data);

/* Messages in @state, oldest first (the unconfirmed list for operators). */
int sm_store_outbox_list(struct sm_store *st, enum sm_out_state state,
			 sm_store_outmsg_fn fn, void *data);

/* Messages to @recipient, oldest first (`smsmatch person export`). */
int sm_store_outbox_by_recipient(struct sm_store *st, const char *recipient,
				 sm_store_outmsg_fn fn, void *data);

/* The parts of message @id that were ever written, by seq. */
int sm_store_outbox_parts(struct sm_store *st, int64_t id,
			  sm_store_outpart_fn fn, void *data);

/* `smsmatch queue`: counts per state and the oldest queued message. */
struct sm_store_queue_stats {
	int count[SM_OUT_NSTATES]; /* indexed by enum sm_out_state */
	int64_t oldest_id;	   /* oldest queued message, 0 if none */
	int64_t oldest_created_at; /* its enqueue time */
};

int sm_store_queue_stats(struct sm_store *st, struct sm_store_queue_stats *out);

/* ---- status reports ------------------------------------------------- */

/* One SMS-STATUS-REPORT as decoded (23.040 9.2.2.3). */
struct sm_store_report {
	const char *modem;     /* modem it came through */
	const char *recipient; /* TP-RA, normalised to E.164 by the caller */
	int mr;		       /* TP-MR 0..255 */
	int status;	       /* TP-ST 0..255 (23.040 9.2.3.15) */
	int64_t scts;	       /* TP-SCTS: when the SMSC took the message */
	int64_t discharge;     /* TP-DT: delivery or failure time */
	int64_t received_at;   /* when the modem handed it to us */
};

/* Matching windows of sm_store_report_add(), in seconds. */
struct sm_store_match {
	/* TP-MR is 8 bits and wraps: only a part sent within this window
	 * before the report can match (e.g. 7 days). */
	int64_t mr_window;
	/* Unconfirmed rule: a part written within this window before the
	 * report (e.g. 2 days). */
	int64_t unconfirmed_window;
};

/* What a report matched. */
struct sm_store_report_result {
	int64_t report_id;	       /* the stored report */
	int64_t msg_id;		       /* 0: unmatched */
	int part;		       /* matched part, 0 if unmatched */
	bool via_unconfirmed;	       /* by the unconfirmed rule */
	enum sm_part_state part_state; /* after the report */
	enum sm_out_state msg_state;   /* after the report */
};

/*
 * Record a status report and apply it.  TP-ST classes (23.040 9.2.3.15):
 * 0x00-0x1f transaction completed -> part delivered; 0x20-0x3f SMSC still
 * trying -> pending; 0x40 and above (permanent, or temporary with the SMSC
 * no longer trying) -> failed.  A message is delivered when all its parts
 * are, failed as soon as one part failed.
 *
 * Matching: the part on @r->modem to @r->recipient with TP-MR @r->mr, sent
 * within mr_window before received_at, most recent first (so mr 255 then 0
 * wraps cleanly).  If no part carries that mr, the unconfirmed rule: the
 * oldest unconfirmed part written on the same modem to the same recipient
 * within unconfirmed_window before received_at takes the report's mr and
 * state, and the message is marked was_unconfirmed ("delivered after
 * unconfirmed"); a message whose unconfirmed part was not its last goes
 * back to queued to send the rest.  Unmatched reports are kept
 * (sm_store_report_list_unmatched()).  @res may be NULL.
 */
int sm_store_report_add(struct sm_store *st, const struct sm_store_report *r,
			const struct sm_store_match *w,
			struct sm_store_report_result *res);

/* The part state a TP-ST value leads to. */
enum sm_part_state sm_store_report_class(int status);

/* A stored report, as listed. */
struct sm_store_report_row {
	int64_t id;			      /* rowid */
	char modem[SM_STORE_NAME_MAX];	      /* modem */
	char recipient[SM_STORE_ADDR_MAX];    /* TP-RA */
	int mr;				      /* TP-MR */
	int status;			      /* TP-ST */
	int64_t scts, discharge, received_at; /* times */
	int64_t msg_id;			      /* 0: unmatched */
	int part;			      /* 0: unmatched */
};

typedef int (*sm_store_report_fn)(const struct sm_store_report_row *r,
				  void *data);

/* Reports that matched no part, oldest first. */
int sm_store_report_list_unmatched(struct sm_store *st, sm_store_report_fn fn,
				   void *data);

/* ---- inbox ---------------------------------------------------------- */

/* One received PDU, as decoded.  Strings are copied. */
struct sm_store_inpart {
	const char *modem;    /* modem it came through */
	const char *sender;   /* TP-OA: number or alphanumeric */
	int64_t scts;	      /* TP-SCTS as Unix seconds (23.040 9.2.3.11) */
	int concat_ref;	      /* 23.040 9.2.3.24.1/.8: reference, 0-65535 */
	int concat_total;     /* parts, 0 or 1 when not concatenated */
	int concat_seq;	      /* this part, 1-based */
	const char *text;     /* decoded UTF-8 text, @text_len bytes */
	size_t text_len;      /* <= SM_STORE_PART_MAX, no NUL inside */
	const char *encoding; /* "gsm7", "ucs2", "8bit" (< 16 bytes) */
	const char *pdu_hex;  /* raw PDU as the modem printed it */
	int64_t received_at;  /* when it was read from the modem */
};

enum sm_store_inbox_result {
	SM_INBOX_DUPLICATE, /* already stored: delete it from the modem */
	SM_INBOX_STORED,    /* part kept, waiting for the others */
	SM_INBOX_COMPLETE,  /* the message is complete: *msg_id */
};

enum sm_in_state {
	SM_IN_NEW,     /* not yet seen by the dialogue engine */
	SM_IN_HANDLED, /* the dialogue engine consumed it */
};

/* A complete (or flushed incomplete) inbound message. */
struct sm_store_inmsg {
	int64_t id;			    /* rowid */
	char modem[SM_STORE_NAME_MAX];	    /* modem of the parts */
	char sender[SM_STORE_ADDR_MAX];	    /* TP-OA */
	int64_t scts;			    /* of the first part received */
	int64_t received_at;		    /* when it was assembled */
	char text[SM_STORE_TEXT_MAX + 1];   /* parts by seq, concatenated */
	bool truncated;			    /* text longer than the field:
					     * cut at a UTF-8 boundary */
	char encoding[16];		    /* of the first part */
	int concat_ref;			    /* 0 when single */
	int nparts;			    /* parts announced (total) */
	int nreceived;			    /* parts received */
	bool incomplete;		    /* flushed with parts missing */
	char missing[SM_STORE_MISSING_MAX]; /* "2,5" when incomplete */
	enum sm_in_state state;		    /* new -> handled */
};

/*
 * Commit one received part.  Deduplication key: (sender, scts, concat ref,
 * total, seq, text): a modem handing the same SMS twice, or the same SMS
 * re-read after a crash before AT+CMGD, has all six equal.  The modem is
 * not part of the key (the same SIM may come back under another port).
 * Two genuinely identical SMS from one person in the same second are
 * taken as one.
 *
 * Concatenated parts wait in the database, across restarts, grouped by
 * (modem, sender, ref, total); when the last one arrives the complete
 * message (parts by seq) is created in the same transaction.  A part whose
 * seq is already waiting in its group with another content means the
 * sender reused the reference: the old group is delivered as incomplete
 * first.  Per 23.040 9.2.3.24.1 a concatenation header with total 0, seq 0
 * or seq > total is ignored: the part is a message of its own.
 *
 * *@res tells the caller what happened; *@msg_id (may be NULL) gets the
 * complete message id (SM_INBOX_COMPLETE, or a duplicate of a part of an
 * already assembled message), else 0.  -E2BIG for text, sender, modem or
 * PDU over their bounds, -EINVAL for a NUL inside the text.
 */
int sm_store_inbox_add_part(struct sm_store *st,
			    const struct sm_store_inpart *p,
			    enum sm_store_inbox_result *res, int64_t *msg_id);

typedef int (*sm_store_inmsg_fn)(const struct sm_store_inmsg *m, void *data);

/*
 * Deliver as incomplete every group of parts whose first part was received
 * at or before @now - @timeout, listing the missing part numbers.  @fn
 * (may be NULL) is called with each new message.  *@count (may be NULL)
 * gets how many.
 */
int sm_store_inbox_flush_incomplete(struct sm_store *st, int64_t now,
				    int64_t timeout, sm_store_inmsg_fn fn,
				    void *data, int *count);

/* Read inbound message @id.  -ENOENT if none. */
int sm_store_inbox_get(struct sm_store *st, int64_t id,
		       struct sm_store_inmsg *out);

/* Set the state of inbound message @id.  -ENOENT if none. */
int sm_store_inbox_set_state(struct sm_store *st, int64_t id,
			     enum sm_in_state state);

/* Inbound messages in @state, by id (arrival order). */
int sm_store_inbox_list(struct sm_store *st, enum sm_in_state state,
			sm_store_inmsg_fn fn, void *data);
/*
 * Inbound messages linked to a conversation and not yet handled (a reply
 * that waited for the language model when the daemon stopped, or one that
 * came while its campaign was paused), oldest first; only those of
 * campaign @campaign_id unless it is 0.
 */
int sm_store_inbox_list_waiting(struct sm_store *st, int64_t campaign_id,
				sm_store_inmsg_fn fn, void *data);

/* Inbound messages from @sender (as stored: the number the modem gave),
 * by id: what `smsmatch person export` shows. */
int sm_store_inbox_by_sender(struct sm_store *st, const char *sender,
			     sm_store_inmsg_fn fn, void *data);

/* Parts waiting for their siblings. */
int sm_store_inbox_pending_parts(struct sm_store *st, int *count);

/* ---- opt-outs ------------------------------------------------------- */

enum sm_optout_source {
	SM_OPTOUT_SMS,	   /* the person texted STOP */
	SM_OPTOUT_ADVISOR, /* an advisor entered it */
	SM_OPTOUT_IMPORT,  /* imported list */
};

struct sm_store_optout {
	char number[SM_STORE_NUMBER_MAX]; /* E.164 */
	enum sm_optout_source source;	  /* how it came */
	int64_t at;			  /* when */
	char text[SM_STORE_ERROR_MAX];	  /* the STOP text or a note, "" */
};

/*
 * Opt @number out (E.164, -EINVAL otherwise).  Adding again keeps the first
 * record.  In the same transaction every message to @number that is queued,
 * or claimed with no part in the writing window, is cancelled (as
 * sm_store_cancel() does), except those flagged
 * SM_OUT_F_OPTOUT_CONFIRM.  @text may be NULL.  *@cancelled (may be NULL)
 * gets how many.
 */
int sm_store_optout_add(struct sm_store *st, const char *number,
			enum sm_optout_source source, int64_t at,
			const char *text, int *cancelled);

/* Remove the opt-out of @number.  -ENOENT if there was none. */
int sm_store_optout_remove(struct sm_store *st, const char *number);

/* 1 if @number is opted out, 0 if not, negative errno on error. */
int sm_store_optout_check(struct sm_store *st, const char *number);

typedef int (*sm_store_optout_fn)(const struct sm_store_optout *o, void *data);

/* The opt-out of @number into *@out.  -ENOENT if it is not opted out. */
int sm_store_optout_get(struct sm_store *st, const char *number,
			struct sm_store_optout *out);

/* Every opt-out, oldest first. */
int sm_store_optout_list(struct sm_store *st, sm_store_optout_fn fn,
			 void *data);

/* ---- modems --------------------------------------------------------- */

enum sm_store_modem_state {
	SM_STORE_MODEM_INIT,	   /* configured, initialising */
	SM_STORE_MODEM_UP,	   /* sending and receiving */
	SM_STORE_MODEM_DOWN,	   /* failed; retried with backoff */
	SM_STORE_MODEM_DISABLED, /* switched off by configuration or operator */
};

/* A modem row, read by `smsmatch modems`. */
struct sm_store_modem {
	char name[SM_STORE_NAME_MAX];	       /* as configured */
	enum sm_store_modem_state state;	       /* up, down, ... */
	int signal_dbm;			       /* 0 when unknown */
	char registration[32];		       /* "home", "roaming", ... */
	char operator_name[SM_STORE_NAME_MAX]; /* +COPS */
	char last_error[SM_STORE_ERROR_MAX];   /* "" if none */
	int error_count;		       /* errors recorded so far */
	int sent_today;			       /* parts sent on day_key */
	int day_key;			       /* local day, e.g. 20260122 */
	int64_t updated_at;		       /* last update */
};

/*
 * Create or update the row of @m->name with state, signal, registration and
 * operator (last_error, error_count and counters are left alone).
 */
int sm_store_modem_update(struct sm_store *st, const struct sm_store_modem *m,
			  int64_t now);

/* Record an error on modem @name: last_error, error_count + 1. */
int sm_store_modem_error(struct sm_store *st, const char *name,
			 const char *text, int64_t now);

/*
 * Count @n parts sent by modem @name on local day @day_key (YYYYMMDD from
 * the caller); a new day restarts the count.  *@total (may be NULL) gets
 * the count for the day.  -ENOENT if the modem has no row.
 */
int sm_store_modem_count_sent(struct sm_store *st, const char *name,
			      int day_key, int n, int *total);

/* Read modem @name.  -ENOENT if none. */
int sm_store_modem_get(struct sm_store *st, const char *name,
		       struct sm_store_modem *out);

typedef int (*sm_store_modem_fn)(const struct sm_store_modem *m, void *data);

/* Every modem, by name. */
int sm_store_modem_list(struct sm_store *st, sm_store_modem_fn fn, void *data);

/* ---- audit events --------------------------------------------------- */

struct sm_store_event {
	int64_t id;			 /* rowid */
	int64_t at;			 /* when */
	char actor[SM_STORE_NAME_MAX];	 /* "smsmatchd", "cli:alice" */
	char action[SM_STORE_NAME_MAX];	 /* "optout.add", "modem.down" */
	char detail[SM_STORE_ERROR_MAX]; /* free text, "" */
	char subject[SM_STORE_NUMBER_MAX]; /* E.164 number it is about,
					    * "" (schema 4) */
};

/* Append an audit event.  @detail may be NULL.  *@id may be NULL. */
int sm_store_event_add(struct sm_store *st, int64_t at, const char *actor,
		       const char *action, const char *detail, int64_t *id);

typedef int (*sm_store_event_fn)(const struct sm_store_event *e, void *data);

/* Events with id > @after_id, oldest first. */
int sm_store_event_list(struct sm_store *st, int64_t after_id,
			sm_store_event_fn fn, void *data);

/*
 * Append an audit event about the person whose E.164 number is @subject
 * (NULL or "" for none): `smsmatch person export` lists it, `person erase`
 * masks the number in it.  @detail says what was done, never a message
 * text.  -E2BIG for a subject over SM_STORE_NUMBER_MAX.
 */
int sm_store_audit_add(struct sm_store *st, int64_t at, const char *actor,
		       const char *action, const char *subject,
		       const char *detail, int64_t *id);

/* Events at or after @since (Unix seconds; 0: all), about @subject only
 * unless it is NULL, in time order. */
int sm_store_audit_list(struct sm_store *st, int64_t since,
			const char *subject, sm_store_event_fn fn, void *data);

/* ---- names ---------------------------------------------------------- */

/* Stable lower-case names, as stored in the database and printed. */
const char *sm_out_state_name(enum sm_out_state s);
const char *sm_out_kind_name(enum sm_out_kind k);
const char *sm_part_state_name(enum sm_part_state s);
const char *sm_in_state_name(enum sm_in_state s);
const char *sm_optout_source_name(enum sm_optout_source s);
const char *sm_store_modem_state_name(enum sm_store_modem_state s);

#endif
