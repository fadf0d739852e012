/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store_privacy.h - data protection in the gateway's database: the purge
 * of closed campaigns (`smsmatch purge`, the daily retention of
 * smsmatchd) and the erasure of one person (`smsmatch person erase`).
 *
 * Both scrub rather than delete the rows that carry the campaign's
 * figures: a candidate keeps its row (and its conversation its outcome,
 * its messages their delivery state, its answers their criterion and
 * value) so that the funnel of a campaign stays readable, but every
 * personal field goes: names, agency identifier, CSV columns, the phone
 * number (replaced by "purged-<candidate id>" or "erased-<id>"), the
 * candidate's own words, every SMS text in and out, the raw PDUs.  Opt-outs
 * always stay, as their number alone: an opt-out must outlive any purge.
 *
 * The store runs with secure_delete on, and a purge or an erasure ends
 * with a WAL checkpoint: what was removed does not linger in the file.
 * Implemented in src/store_privacy.c; same conventions as store.h.
 */
#ifndef SMSMATCH_STORE_PRIVACY_H
#define SMSMATCH_STORE_PRIVACY_H

#include <stdbool.h>
#include <stdint.h>

#include "smsmatch/store.h"

/* What a purge or an erasure removed (or would remove, dry run). */
struct sm_store_scrub_report {
	int campaigns;	   /* closed campaigns purged (purge only) */
	int candidates;	   /* candidate rows whose personal fields went */
	int conversations; /* conversations scrubbed */
	int answers;	   /* answers whose raw text went */
	int outbox;	   /* outbound messages whose text went */
	int inbox;	   /* inbound messages whose text went */
	int optouts;	   /* opt-out notes or STOP texts removed (the
			    * numbers stay) */
	int events;	   /* audit events whose number was masked */
	int cancelled;	   /* queued messages cancelled first */
	bool opted_out;	   /* erase: the number is opted out; kept */
};

/*
 * Purge every campaign closed at or before @before (Unix seconds) and not
 * purged yet, and, whatever their campaign, the texts of inbound messages
 * handled and outbound messages finished at or before @before that belong
 * to no conversation, the text of opt-outs recorded by then, and the
 * number in audit events of that time (masked as in the logs).  What
 * those campaigns still had queued is cancelled first.  One
 * transaction.  With @dry_run nothing changes (the same statements run and
 * are rolled back), so the counts are exactly what a real run removes.
 * @rep is filled either way.
 */
int sm_store_purge(struct sm_store *st, int64_t before, bool dry_run,
		   int64_t now, struct sm_store_scrub_report *rep);

/*
 * Erase what is stored about @number (E.164): its candidate rows in every
 * campaign, their conversations and answers, every SMS to or from it, the
 * number in audit events (masked as in the logs).  Its opt-out, if any,
 * stays (number, source, date; its text goes).  Messages queued to it are
 * cancelled.  An open conversation in a running or paused campaign makes
 * it -EBUSY unless @force (the conversation then ends as declined).  One
 * transaction; @dry_run rolls it back (counts as for real).
 */
int sm_store_person_erase(struct sm_store *st, const char *number, bool force,
			  bool dry_run, int64_t now,
			  struct sm_store_scrub_report *rep);

/* 1 if @number has an open conversation in a running or paused campaign,
 * 0 if not, negative errno. */
int sm_store_person_busy(struct sm_store *st, const char *number);

#endif
