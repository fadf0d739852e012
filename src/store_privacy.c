/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store_privacy.c - the purge of closed campaigns and the erasure of one
 * person (store_privacy.h), on the store of store.c.
 *
 * Both work in two steps inside one BEGIN IMMEDIATE transaction: first the
 * rows to scrub are chosen into four temporary tables (candidates,
 * conversations, outbound and inbound messages), then the same scrub
 * statements run over them whatever chose them.  A dry run runs it all
 * and rolls back, so its counts are a real run's.  After a commit a WAL
 * checkpoint copies the scrubbed pages into the database file (zeroed
 * where text was, secure_delete is on) and truncates the WAL, which held
 * the old pages; a reader in the way makes it a no-op until the next one.
 */
#include <errno.h>
#include <string.h>

#include "smsmatch/log.h"
#include "smsmatch/store_privacy.h"
#include "store_priv.h"

/* Outbound states a message no longer leaves from: safe to scrub. */
#define OUT_DONE "('sent','delivered','failed','expired','cancelled')"

/* The four selections, created once per connection, emptied. */
static int scrub_tables(struct sm_store *st)
{
	static const char *const sql[] = {
		"CREATE TEMP TABLE IF NOT EXISTS scrub_cand"
		" (id INTEGER PRIMARY KEY)",
		"CREATE TEMP TABLE IF NOT EXISTS scrub_conv"
		" (id INTEGER PRIMARY KEY)",
		"CREATE TEMP TABLE IF NOT EXISTS scrub_out"
		" (id INTEGER PRIMARY KEY)",
		"CREATE TEMP TABLE IF NOT EXISTS scrub_in"
		" (id INTEGER PRIMARY KEY)",
		"DELETE FROM temp.scrub_cand",
		"DELETE FROM temp.scrub_conv",
		"DELETE FROM temp.scrub_out",
		"DELETE FROM temp.scrub_in",
	};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(sql) / sizeof(sql[0]); i++)
		rc = exec(st, sql[i], "");
	return rc;
}

/*
 * Remove the personal content of the selected rows; a candidate's phone
 * becomes @mark followed by its id ("purged-12").
 */
static int scrub(struct sm_store *st, const char *mark,
		 struct sm_store_scrub_report *rep)
{
	int rc;

	if ((rc = exec_count(st, &rep->answers,
			     "UPDATE answers SET raw = ''"
			     " WHERE conversation_id IN"
			     " (SELECT id FROM temp.scrub_conv) AND raw <> ''",
			     "")) ||
	    (rc = exec_count(
		     st, &rep->conversations,
		     "UPDATE conversations SET phone = ? || candidate_id,"
		     " state = ''"
		     " WHERE id IN (SELECT id FROM temp.scrub_conv)",
		     "s", mark)) ||
	    (rc = exec_count(
		     st, &rep->candidates,
		     "UPDATE candidates SET ext_id = '', first_name = '',"
		     " last_name = '', vars = '{}', phone = ? || id"
		     " WHERE id IN (SELECT id FROM temp.scrub_cand)",
		     "s", mark)) ||
	    (rc = exec_count(st, &rep->outbox,
			     "UPDATE outbox SET text = '', recipient = ''"
			     " WHERE id IN (SELECT id FROM temp.scrub_out)"
			     " AND (text <> '' OR recipient <> '')",
			     "")) ||
	    (rc = exec(st,
		       "UPDATE status_reports SET recipient = ''"
		       " WHERE msg_id IN (SELECT id FROM temp.scrub_out)",
		       "")) ||
	    (rc = exec(st,
		       "DELETE FROM inbox_parts"
		       " WHERE msg_id IN (SELECT id FROM temp.scrub_in)",
		       "")) ||
	    (rc = exec_count(st, &rep->inbox,
			     "UPDATE inbox SET text = '', sender = ''"
			     " WHERE id IN (SELECT id FROM temp.scrub_in)"
			     " AND (text <> '' OR sender <> '')",
			     "")))
		return rc;
	return 0;
}

/* Commit (or roll back a dry run), then push the old pages out. */
static int scrub_finish(struct sm_store *st, int rc, bool dry_run)
{
	sqlite3_stmt *s;

	if (rc == 0 && dry_run) {
		finish(st, -ECANCELED);
		return 0;
	}
	rc = finish(st, rc);
	if (rc == 0 &&
	    query(st, &s, "PRAGMA wal_checkpoint(TRUNCATE)", "") == 0 &&
	    step(st, s) == 1)
		sqlite3_reset(s);
	return rc;
}

int sm_store_purge(struct sm_store *st, int64_t before, bool dry_run,
		   int64_t now, struct sm_store_scrub_report *rep)
{
	int rc;

	memset(rep, 0, sizeof(*rep));
	if ((rc = begin(st)))
		return rc;
	rc = scrub_tables(st);
	if (rc == 0)
		rc = exec(st,
			  "INSERT INTO temp.scrub_cand SELECT c.id"
			  " FROM candidates c JOIN campaigns k"
			  " ON k.id = c.campaign_id WHERE k.state = 'closed'"
			  " AND k.closed_at <= ? AND k.purged_at = 0",
			  "i", before);
	if (rc == 0)
		rc = exec(st,
			  "INSERT INTO temp.scrub_conv SELECT id"
			  " FROM conversations WHERE candidate_id IN"
			  " (SELECT id FROM temp.scrub_cand)",
			  "");
	/* A closed campaign sends nothing more: what it still had queued
	 * goes. */
	if (rc == 0)
		rc = exec_count(
			st, &rep->cancelled,
			"UPDATE outbox SET state = 'cancelled',"
			" final_at = ?, last_error = 'campaign purged'"
			" WHERE state = 'queued' AND campaign_id IN"
			" (SELECT id FROM campaigns WHERE state = 'closed'"
			" AND closed_at <= ? AND purged_at = 0)",
			"ii", now, before);
	/* The campaigns' messages, and finished ones of no conversation. */
	if (rc == 0)
		rc = exec(st,
			  "INSERT INTO temp.scrub_out SELECT id FROM outbox"
			  " WHERE state IN " OUT_DONE " AND (conversation_id IN"
			  " (SELECT id FROM temp.scrub_conv) OR campaign_id IN"
			  " (SELECT id FROM campaigns WHERE state = 'closed'"
			  " AND closed_at <= ? AND purged_at = 0)"
			  " OR (conversation_id IS NULL AND campaign_id IS NULL"
			  " AND created_at <= ?))",
			  "ii", before, before);
	if (rc == 0)
		rc = exec(st,
			  "INSERT INTO temp.scrub_in SELECT id FROM inbox"
			  " WHERE conversation_id IN"
			  " (SELECT id FROM temp.scrub_conv)"
			  " OR (conversation_id IS NULL AND received_at <= ?)",
			  "i", before);
	if (rc == 0)
		rc = scrub(st, "purged-", rep);
	if (rc == 0)
		rc = exec_count(st, &rep->optouts,
				"UPDATE optouts SET text = ''"
				" WHERE at <= ? AND text <> ''",
				"i", before);
	/* Old audit events keep what was done, not to whom: the number is
	 * masked as in the logs ("+*********78"). */
	if (rc == 0)
		rc = exec_count(
			st, &rep->events,
			"UPDATE events SET detail = replace(detail,"
			" subject, substr(subject, 1, 1) || replace(hex("
			"zeroblob(max(length(subject) - 3, 0))), '00',"
			" '*') || substr(subject, -2)), subject = ''"
			" WHERE at <= ? AND subject <> ''",
			"i", before);
	if (rc == 0)
		rc = exec_count(st, &rep->campaigns,
				"UPDATE campaigns SET purged_at = ?"
				" WHERE state = 'closed' AND closed_at <= ?"
				" AND purged_at = 0",
				"ii", now, before);
	return scrub_finish(st, rc, dry_run);
}

int sm_store_person_busy(struct sm_store *st, const char *number)
{
	int64_t one;

	return fetch_int(st, &one,
			 "SELECT 1 FROM conversations v JOIN campaigns k"
			 " ON k.id = v.campaign_id WHERE v.phone = ?"
			 " AND v.outcome = 'open'"
			 " AND k.state IN ('running', 'paused') LIMIT 1",
			 "s", number);
}

int sm_store_person_erase(struct sm_store *st, const char *number, bool force,
			  bool dry_run, int64_t now,
			  struct sm_store_scrub_report *rep)
{
	char masked[SM_STORE_NUMBER_MAX];
	int rc;

	memset(rep, 0, sizeof(*rep));
	if ((rc = check_number(number)))
		return rc;
	sm_log_mask_number(number, masked, sizeof(masked));
	if ((rc = begin(st)))
		return rc;
	rc = sm_store_person_busy(st, number);
	if (rc == 1 && !force)
		rc = -EBUSY;
	else if (rc >= 0)
		rc = scrub_tables(st);
	if (rc == 0)
		rc = cancel_queued_to(st, number, now, "erased",
				      &rep->cancelled);
	if (rc == 0)
		rc = exec(
			st,
			"INSERT INTO temp.scrub_cand SELECT id FROM candidates"
			" WHERE phone = ?",
			"s", number);
	if (rc == 0)
		rc = exec(st,
			  "INSERT INTO temp.scrub_conv SELECT id"
			  " FROM conversations WHERE phone = ? OR candidate_id"
			  " IN (SELECT id FROM temp.scrub_cand)",
			  "s", number);
	/* --force: the conversation ends here. */
	if (rc == 0)
		rc = exec(st,
			  "UPDATE conversations SET outcome = 'declined',"
			  " ended_at = ? WHERE outcome = 'open'"
			  " AND id IN (SELECT id FROM temp.scrub_conv)",
			  "i", now);
	/* All but the one a modem may be writing right now. */
	if (rc == 0)
		rc = exec(st,
			  "INSERT INTO temp.scrub_out SELECT id FROM outbox"
			  " WHERE state <> 'claimed' AND (recipient = ?"
			  " OR conversation_id IN"
			  " (SELECT id FROM temp.scrub_conv))",
			  "s", number);
	if (rc == 0)
		rc = exec(st,
			  "INSERT INTO temp.scrub_in SELECT id FROM inbox"
			  " WHERE sender = ? OR conversation_id IN"
			  " (SELECT id FROM temp.scrub_conv)",
			  "s", number);
	if (rc == 0)
		rc = scrub(st, "erased-", rep);
	/* Parts still waiting for their siblings, reports to the number. */
	if (rc == 0)
		rc = exec(st, "DELETE FROM inbox_parts WHERE sender = ?", "s",
			  number);
	if (rc == 0)
		rc = exec(st,
			  "UPDATE status_reports SET recipient = ''"
			  " WHERE recipient = ?",
			  "s", number);
	if (rc == 0)
		rc = exec_count(st, &rep->events,
				"UPDATE events SET subject = '',"
				" detail = replace(detail, ?1, ?2)"
				" WHERE subject = ?1 OR instr(detail, ?1) > 0",
				"ss", number, masked);
	if (rc == 0)
		rc = exec_count(st, &rep->optouts,
				"UPDATE optouts SET text = ''"
				" WHERE number = ? AND text <> ''",
				"s", number);
	if (rc == 0) {
		int64_t one;

		rc = fetch_int(st, &one,
			       "SELECT 1 FROM optouts WHERE number = ?", "s",
			       number);
		rep->opted_out = rc == 1;
		rc = rc < 0 ? rc : 0;
	}
	return scrub_finish(st, rc, dry_run);
}
