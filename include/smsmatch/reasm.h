/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reasm.h - in-memory reassembly of concatenated SMS (23.040 9.2.3.24.1,
 * 8-bit references, and 9.2.3.24.8, 16-bit references).
 *
 * Parts are keyed by (originator, reference, total).  A message is handed
 * back when its last part arrives, parts in order whatever order they came
 * in; duplicates are refused (-EEXIST) so the caller can acknowledge them
 * at once.  A message still incomplete after the timeout is handed back
 * as it is, with @incomplete set.  Memory is bounded: at most @max_msgs
 * messages in progress, at most SM_REASM_PARTS_MAX parts each.
 *
 * Each part carries the caller's 64-bit tag (e.g. a modem's ack id); a
 * finished message returns the tags of all its parts, so the caller can
 * delete them from the modem only once the whole text is safe.
 */
#ifndef SMSMATCH_REASM_H
#define SMSMATCH_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "smsmatch/pdu.h"

#define SM_REASM_PARTS_MAX 32
#define SM_REASM_TEXT_MAX  (SM_REASM_PARTS_MAX * (SM_PDU_TEXT_MAX - 1) + 1)

struct sm_reasm;

/* A whole (or timed-out) message; fill by the functions below. */
struct sm_reasm_msg {
	char from[SM_PDU_ADDR_MAX];   /* originator */
	char text[SM_REASM_TEXT_MAX]; /* parts' texts in order, UTF-8 */
	enum sm_pdu_coding coding;    /* of the first part received */
	unsigned parts;		      /* parts the message has (1 if not
				       * concatenated) */
	unsigned received;	      /* parts that arrived */
	bool incomplete;	      /* delivered on timeout or eviction */
	bool has_timestamp;	      /* timestamp below is set */
	time_t timestamp;	      /* SC timestamp of the first part */
	int tz_minutes;		      /* its offset */
	unsigned ref;		      /* concatenation reference */
	uint64_t tags[SM_REASM_PARTS_MAX]; /* the caller's tag of each part */
	unsigned ntags;			   /* how many */
};

/*
 * Create a reassembler keeping at most @max_msgs messages in progress
 * (0: 64), each at most @timeout_ms (0: 10 minutes).  NULL on ENOMEM.
 */
struct sm_reasm *sm_reasm_new(unsigned max_msgs, uint64_t timeout_ms);
/* Free, dropping whatever is in progress.  NULL allowed. */
void sm_reasm_free(struct sm_reasm *r);

/*
 * Add @sms (an SMS-DELIVER) received at @now_ms with @tag.  Returns 1 and
 * fills @out when a message is complete (at once for a single SMS), 0 when
 * the part was stored, -EEXIST for a duplicate part (the copy kept wins),
 * -ENOSPC when @max_msgs messages are in progress (see
 * sm_reasm_evict_oldest()), -EINVAL for a part outside 1..total or a
 * message longer than SM_REASM_PARTS_MAX parts, -ENOMEM.
 */
int sm_reasm_add(struct sm_reasm *r, const struct sm_sms *sms, uint64_t tag,
		 uint64_t now_ms, struct sm_reasm_msg *out);

/*
 * Hand back one message whose timeout has passed at @now_ms, marked
 * incomplete.  Returns 1 (call again) or 0 when none is due.
 */
int sm_reasm_expire(struct sm_reasm *r, uint64_t now_ms,
		    struct sm_reasm_msg *out);

/* Hand back the oldest message in progress, incomplete.  1, or 0 if none. */
int sm_reasm_evict_oldest(struct sm_reasm *r, struct sm_reasm_msg *out);

/* When the next message times out, UINT64_MAX if none. */
uint64_t sm_reasm_deadline(const struct sm_reasm *r);

/* Messages in progress. */
size_t sm_reasm_pending(const struct sm_reasm *r);

#endif
