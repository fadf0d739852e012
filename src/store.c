/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store.c - the SQLite database behind store.h: schema and migrations,
 * the outbox state machine with crash recovery, status report matching, the
 * inbox with deduplication and reassembly, opt-outs, modems, audit events.
 *
 * This is the only file that includes <sqlite3.h>.  Every public function
 * is one short transaction (BEGIN IMMEDIATE, so two processes never
 * deadlock upgrading a read lock), every value is a bound parameter, and
 * prepared statements are cached per SQL text and finalized at close.
 * The database runs with journal_mode=WAL and synchronous=FULL always: the
 * outbox transitions are what make "never lost, never sent twice" true, and
 * at a few hundred SMS an hour the fsync per commit costs nothing that
 * matters (bench/store_bench.sh prints the figure).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "smsmatch/store.h"
#include "store_priv.h"

/* ---- names ---------------------------------------------------------- */

const char *sm_out_state_name(enum sm_out_state s)
{
	switch (s) {
	case SM_OUT_QUEUED:
		return "queued";
	case SM_OUT_CLAIMED:
		return "claimed";
	case SM_OUT_SENT:
		return "sent";
	case SM_OUT_DELIVERED:
		return "delivered";
	case SM_OUT_FAILED:
		return "failed";
	case SM_OUT_EXPIRED:
		return "expired";
	case SM_OUT_UNCONFIRMED:
		return "unconfirmed";
	case SM_OUT_CANCELLED:
		return "cancelled";
	}
	return "?";
}

const char *sm_out_kind_name(enum sm_out_kind k)
{
	switch (k) {
	case SM_KIND_REPLY:
		return "reply";
	case SM_KIND_FIRST_CONTACT:
		return "first_contact";
	case SM_KIND_REMINDER:
		return "reminder";
	case SM_KIND_MANUAL:
		return "manual";
	}
	return "?";
}

const char *sm_part_state_name(enum sm_part_state s)
{
	switch (s) {
	case SM_PART_WRITING:
		return "writing";
	case SM_PART_SENT:
		return "sent";
	case SM_PART_PENDING:
		return "pending";
	case SM_PART_DELIVERED:
		return "delivered";
	case SM_PART_FAILED:
		return "failed";
	case SM_PART_UNCONFIRMED:
		return "unconfirmed";
	}
	return "?";
}

const char *sm_in_state_name(enum sm_in_state s)
{
	switch (s) {
	case SM_IN_NEW:
		return "new";
	case SM_IN_HANDLED:
		return "handled";
	}
	return "?";
}

const char *sm_optout_source_name(enum sm_optout_source s)
{
	switch (s) {
	case SM_OPTOUT_SMS:
		return "sms";
	case SM_OPTOUT_ADVISOR:
		return "advisor";
	case SM_OPTOUT_IMPORT:
		return "import";
	}
	return "?";
}

const char *sm_store_modem_state_name(enum sm_store_modem_state s)
{
	switch (s) {
	case SM_STORE_MODEM_INIT:
		return "init";
	case SM_STORE_MODEM_UP:
		return "up";
	case SM_STORE_MODEM_DOWN:
		return "down";
	case SM_STORE_MODEM_DISABLED:
		return "disabled";
	}
	return "?";
}

static const char *out_state_i(int i)
{
	return sm_out_state_name((enum sm_out_state)i);
}
static const char *kind_i(int i)
{
	return sm_out_kind_name((enum sm_out_kind)i);
}
static const char *part_state_i(int i)
{
	return sm_part_state_name((enum sm_part_state)i);
}
static const char *in_state_i(int i)
{
	return sm_in_state_name((enum sm_in_state)i);
}
static const char *optout_i(int i)
{
	return sm_optout_source_name((enum sm_optout_source)i);
}
static const char *modem_state_i(int i)
{
	return sm_store_modem_state_name((enum sm_store_modem_state)i);
}

/* ---- schema --------------------------------------------------------- */

/*
 * Migrations, in order: migrations[i] takes user_version i to i + 1.
 * Append only; never edit one that has shipped.
 */
static const char *const migrations[] = {
	/* 1: the first schema. */
	"CREATE TABLE outbox ("
	" id INTEGER PRIMARY KEY,"
	" recipient TEXT NOT NULL,"
	" text TEXT NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind IN ('reply','first_contact',"
	"  'reminder','manual')),"
	" flags INTEGER NOT NULL DEFAULT 0,"
	" campaign_id INTEGER,"
	" conversation_id INTEGER,"
	" priority INTEGER NOT NULL DEFAULT 0,"
	" state TEXT NOT NULL CHECK (state IN ('queued','claimed','sent',"
	"  'delivered','failed','expired','unconfirmed','cancelled')),"
	" not_before INTEGER NOT NULL,"
	" expires_at INTEGER NOT NULL DEFAULT 0,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" nparts INTEGER NOT NULL CHECK (nparts BETWEEN 1 AND 255),"
	" modem TEXT,"
	" claimed_by TEXT,"
	" created_at INTEGER NOT NULL,"
	" claimed_at INTEGER NOT NULL DEFAULT 0,"
	" sent_at INTEGER NOT NULL DEFAULT 0,"
	" final_at INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT NOT NULL DEFAULT '',"
	" was_unconfirmed INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX outbox_state ON outbox(state, priority, id);"
	"CREATE INDEX outbox_recipient ON outbox(recipient, id);"
	"CREATE TABLE outbox_parts ("
	" msg_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL,"
	" state TEXT NOT NULL CHECK (state IN ('writing','sent','pending',"
	"  'delivered','failed','unconfirmed')),"
	" modem TEXT NOT NULL,"
	" mr INTEGER,"
	" written_at INTEGER NOT NULL,"
	" sent_at INTEGER NOT NULL DEFAULT 0,"
	" report_at INTEGER NOT NULL DEFAULT 0,"
	" report_status INTEGER NOT NULL DEFAULT -1,"
	" via_unconfirmed INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (msg_id, seq));"
	"CREATE INDEX outbox_parts_mr ON outbox_parts(modem, mr, sent_at);"
	"CREATE INDEX outbox_parts_state ON outbox_parts(state);"
	"CREATE TABLE status_reports ("
	" id INTEGER PRIMARY KEY,"
	" modem TEXT NOT NULL,"
	" recipient TEXT NOT NULL,"
	" mr INTEGER NOT NULL,"
	" status INTEGER NOT NULL,"
	" scts INTEGER NOT NULL,"
	" discharge INTEGER NOT NULL,"
	" received_at INTEGER NOT NULL,"
	" msg_id INTEGER REFERENCES outbox(id) ON DELETE SET NULL,"
	" part INTEGER);"
	"CREATE INDEX status_reports_msg ON status_reports(msg_id);"
	"CREATE TABLE inbox ("
	" id INTEGER PRIMARY KEY,"
	" modem TEXT NOT NULL,"
	" sender TEXT NOT NULL,"
	" scts INTEGER NOT NULL,"
	" received_at INTEGER NOT NULL,"
	" text TEXT NOT NULL,"
	" encoding TEXT NOT NULL,"
	" concat_ref INTEGER NOT NULL,"
	" nparts INTEGER NOT NULL,"
	" nreceived INTEGER NOT NULL,"
	" incomplete INTEGER NOT NULL DEFAULT 0,"
	" missing TEXT NOT NULL DEFAULT '',"
	" state TEXT NOT NULL CHECK (state IN ('new','handled')));"
	"CREATE INDEX inbox_state ON inbox(state, id);"
	"CREATE TABLE inbox_parts ("
	" id INTEGER PRIMARY KEY,"
	" modem TEXT NOT NULL,"
	" sender TEXT NOT NULL,"
	" scts INTEGER NOT NULL,"
	" concat_ref INTEGER NOT NULL,"
	" concat_total INTEGER NOT NULL,"
	" concat_seq INTEGER NOT NULL,"
	" text TEXT NOT NULL,"
	" encoding TEXT NOT NULL,"
	" pdu TEXT NOT NULL,"
	" received_at INTEGER NOT NULL,"
	" msg_id INTEGER REFERENCES inbox(id) ON DELETE CASCADE,"
	" UNIQUE (sender, scts, concat_ref, concat_total, concat_seq, text));"
	"CREATE INDEX inbox_parts_waiting ON inbox_parts(modem, sender,"
	" concat_ref, concat_total, concat_seq) WHERE msg_id IS NULL;"
	"CREATE INDEX inbox_parts_msg ON inbox_parts(msg_id);"
	"CREATE TABLE optouts ("
	" number TEXT PRIMARY KEY,"
	" source TEXT NOT NULL CHECK (source IN ('sms','advisor','import')),"
	" at INTEGER NOT NULL,"
	" text TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE modems ("
	" name TEXT PRIMARY KEY,"
	" state TEXT NOT NULL CHECK (state IN ('init','up','down',"
	"  'disabled')),"
	" signal_dbm INTEGER NOT NULL DEFAULT 0,"
	" registration TEXT NOT NULL DEFAULT '',"
	" operator TEXT NOT NULL DEFAULT '',"
	" last_error TEXT NOT NULL DEFAULT '',"
	" error_count INTEGER NOT NULL DEFAULT 0,"
	" sent_today INTEGER NOT NULL DEFAULT 0,"
	" day_key INTEGER NOT NULL DEFAULT 0,"
	" updated_at INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE events ("
	" id INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL,"
	" actor TEXT NOT NULL,"
	" action TEXT NOT NULL,"
	" detail TEXT NOT NULL DEFAULT '');",
	/* 2: campaigns, candidates, conversations, answers
	 * (store_campaign.c); inbound messages linked to a conversation. */
	"CREATE TABLE campaigns ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" script TEXT NOT NULL,"
	" trade TEXT NOT NULL,"
	" start_date TEXT NOT NULL,"
	" end_date TEXT NOT NULL,"
	" place TEXT NOT NULL,"
	" seats INTEGER NOT NULL CHECK (seats >= 1),"
	" prerequisites TEXT NOT NULL DEFAULT '',"
	" state TEXT NOT NULL CHECK (state IN ('draft','running','paused',"
	"  'closed')),"
	" created_at INTEGER NOT NULL,"
	" started_at INTEGER NOT NULL DEFAULT 0,"
	" closed_at INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE candidates ("
	" id INTEGER PRIMARY KEY,"
	" campaign_id INTEGER NOT NULL REFERENCES campaigns(id)"
	"  ON DELETE CASCADE,"
	" ext_id TEXT NOT NULL DEFAULT '',"
	" first_name TEXT NOT NULL DEFAULT '',"
	" last_name TEXT NOT NULL DEFAULT '',"
	" phone TEXT NOT NULL,"
	" vars TEXT NOT NULL DEFAULT '{}',"
	" line INTEGER NOT NULL DEFAULT 0,"
	" imported_at INTEGER NOT NULL,"
	" UNIQUE (campaign_id, phone));"
	"CREATE TABLE conversations ("
	" id INTEGER PRIMARY KEY,"
	" campaign_id INTEGER NOT NULL REFERENCES campaigns(id)"
	"  ON DELETE CASCADE,"
	" candidate_id INTEGER NOT NULL UNIQUE REFERENCES candidates(id)"
	"  ON DELETE CASCADE,"
	" phone TEXT NOT NULL,"
	" state TEXT NOT NULL DEFAULT '',"
	" outcome TEXT NOT NULL CHECK (outcome IN ('open','complete',"
	"  'declined','no_answer','opted_out','unreachable','callback')),"
	" started_at INTEGER NOT NULL,"
	" last_sent_at INTEGER NOT NULL DEFAULT 0,"
	" last_reply_at INTEGER NOT NULL DEFAULT 0,"
	" first_reply_at INTEGER NOT NULL DEFAULT 0,"
	" ended_at INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX conversations_phone ON conversations(phone, outcome);"
	"CREATE INDEX conversations_campaign ON conversations(campaign_id);"
	"CREATE TABLE answers ("
	" id INTEGER PRIMARY KEY,"
	" conversation_id INTEGER NOT NULL REFERENCES conversations(id)"
	"  ON DELETE CASCADE,"
	" criterion TEXT NOT NULL,"
	" value TEXT NOT NULL,"
	" raw TEXT NOT NULL DEFAULT '',"
	" confidence REAL NOT NULL DEFAULT 0,"
	" method TEXT NOT NULL DEFAULT '',"
	" flags INTEGER NOT NULL DEFAULT 0,"
	" at INTEGER NOT NULL);"
	"CREATE INDEX answers_conv ON answers(conversation_id, criterion);"
	"ALTER TABLE inbox ADD COLUMN conversation_id INTEGER"
	" REFERENCES conversations(id) ON DELETE SET NULL;"
	"CREATE INDEX inbox_conversation ON inbox(conversation_id);"
	"CREATE INDEX outbox_conversation ON outbox(conversation_id);",
	/*
	 * 3: the claim's ORDER BY priority DESC, id walks the index instead
	 * of sorting every queued row at each claim (with 2000 queued, the
	 * sort made a claim cost 1.2 M instructions, the drain quadratic).
	 */
	"DROP INDEX outbox_state;"
	"CREATE INDEX outbox_state ON outbox(state, priority DESC, id);",
	/*
	 * 4: data protection (store_privacy.c).  An audit event names the
	 * number it is about (`smsmatch person export` finds it, `person
	 * erase` masks it); the number of the older opt-out and send events
	 * was their detail.  A purged campaign remembers when.
	 */
	"ALTER TABLE events ADD COLUMN subject TEXT NOT NULL DEFAULT '';"
	"UPDATE events SET subject = detail WHERE action IN ('optout.add',"
	" 'optout.remove', 'send') AND detail LIKE '+%';"
	"CREATE INDEX events_subject ON events(subject) WHERE subject <> '';"
	"CREATE INDEX events_at ON events(at);"
	"ALTER TABLE campaigns ADD COLUMN purged_at INTEGER NOT NULL"
	" DEFAULT 0;",
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) ==
		       SM_STORE_SCHEMA_VERSION,
	       "one migration per schema version");

/* ---- open and close ------------------------------------------------- */

static int open_fail(struct sm_store *st, int rc, const char *path,
		     const char *what, char *err, size_t errlen)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s: %s", path, what, st->errmsg);
	sm_store_close(st);
	return rc;
}

/* Apply the migrations the file lacks; each in one transaction. */
static int migrate(struct sm_store *st)
{
	int64_t v = 0;
	int rc;

	for (;;) {
		rc = begin(st);
		if (rc)
			return rc;
		rc = fetch_int(st, &v, "PRAGMA user_version", "");
		if (rc < 0)
			return finish(st, rc);
		if (v > SM_STORE_SCHEMA_VERSION) {
			finish(st, -EPROTO);
			snprintf(st->errmsg, sizeof(st->errmsg),
				 "version %lld, this program knows up to %d",
				 (long long)v, SM_STORE_SCHEMA_VERSION);
			return -EPROTO;
		}
		if (v == SM_STORE_SCHEMA_VERSION)
			return finish(st, 0);
		rc = sqlite3_exec(st->db, migrations[v], NULL, NULL, NULL);
		if (rc == SQLITE_OK) {
			char sql[64];

			/* A pragma takes no parameter; v is our integer. */
			snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
				 (int)v + 1);
			rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
		}
		if (rc != SQLITE_OK)
			return finish(st, sqerr(st, rc));
		rc = finish(st, 0);
		if (rc)
			return rc;
	}
}

/* What went wrong setting up the connection, for the open error line. */
static const char *setup_failure(int rc)
{
	switch (rc) {
	case -EPROTO:
		return "schema newer than this program";
	case -ENOSPC:
		return "disk full";
	case -EBUSY:
		return "database locked";
	}
	return "cannot set up the schema";
}

int sm_store_open(const char *path, struct sm_store **out, char *err,
		  size_t errlen)
{
	struct sm_store *st;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	if (!path) {
		if (err && errlen)
			snprintf(err, errlen, "no database path");
		return -EINVAL;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	/* A new database is created 0600, not 0644 & ~umask as SQLite
	 * would: it holds personal data (its -wal and -shm take its mode).
	 * An empty file is an empty database. */
	if (*path && strcmp(path, ":memory:") != 0 &&
	    strncmp(path, "file:", 5) != 0) {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			      0600);

		if (fd >= 0)
			close(fd);
	}
	rc = sqlite3_open_v2(path, &st->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		if (!st->db)
			return open_fail(st, -ENOMEM, path, "cannot open", err,
					 errlen);
		return open_fail(st, sqerr(st, rc), path, "cannot open", err,
				 errlen);
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 5000);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);

	/* The first read of the file: "not a database" shows up here. */
	rc = query(st, &s, "PRAGMA journal_mode=WAL", "");
	if (rc == 0)
		rc = step(st, s);
	if (rc == 1)
		sqlite3_reset(s);
	if (rc < 0) {
		int code = sqlite3_extended_errcode(st->db) & 0xff;

		if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
			return open_fail(st, -EIO, path, "not a database", err,
					 errlen);
		return open_fail(st, rc, path,
				 rc == -ENOSPC ? "disk full" : "cannot open",
				 err, errlen);
	}
	rc = exec(st, "PRAGMA synchronous=FULL", "");
	if (rc == 0)
		rc = exec(st, "PRAGMA foreign_keys=ON", "");
	/* What is deleted or overwritten (a purge, an erasure) is zeroed in
	 * the file, not left in free pages (docs/data-protection.md). */
	if (rc == 0)
		rc = exec(st, "PRAGMA secure_delete=ON", "");
	if (rc == 0)
		rc = migrate(st);
	if (rc)
		return open_fail(st, rc, path, setup_failure(rc), err, errlen);
	*out = st;
	return 0;
}

int sm_store_tx_begin(struct sm_store *st)
{
	if (st->depth)
		return -EINVAL;
	return begin(st);
}

int sm_store_tx_end(struct sm_store *st, int rc)
{
	if (st->depth != 1)
		return -EINVAL;
	return finish(st, rc);
}

void sm_store_close(struct sm_store *st)
{
	if (!st)
		return;
	for (int i = 0; i < st->ncache; i++)
		sqlite3_finalize(st->cache[i].st);
	sqlite3_close(st->db);
	free(st);
}

int sm_store_set_busy_timeout(struct sm_store *st, int ms)
{
	int rc = sqlite3_busy_timeout(st->db, ms);

	return rc == SQLITE_OK ? 0 : sqerr(st, rc);
}

const char *sm_store_errmsg(const struct sm_store *st)
{
	return st->errmsg;
}

int sm_store_schema_version(struct sm_store *st)
{
	int64_t v = 0;
	int rc = fetch_int(st, &v, "PRAGMA user_version", "");

	return rc < 0 ? rc : (int)v;
}

/* ---- outbox --------------------------------------------------------- */

/* Columns read_outmsg() expects, from outbox o. */
#define OUT_COLS                                                               \
	"o.id, o.recipient, o.text, o.kind, o.flags,"                          \
	" COALESCE(o.campaign_id, 0), COALESCE(o.conversation_id, 0),"         \
	" o.priority, o.state, o.not_before, o.expires_at, o.attempts,"        \
	" o.nparts, (SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox_parts p"     \
	" WHERE p.msg_id = o.id), COALESCE(o.modem, ''),"                      \
	" COALESCE(o.claimed_by, ''), o.created_at, o.claimed_at,"             \
	" o.sent_at, o.final_at, o.last_error, o.was_unconfirmed"

static void read_outmsg(sqlite3_stmt *s, struct sm_store_outmsg *m)
{
	m->id = sqlite3_column_int64(s, 0);
	col_text(s, 1, m->recipient, sizeof(m->recipient));
	col_text(s, 2, m->text, sizeof(m->text));
	m->kind = parse_name(sqlite3_column_text(s, 3), 4, kind_i);
	m->flags = (unsigned)sqlite3_column_int64(s, 4);
	m->campaign_id = sqlite3_column_int64(s, 5);
	m->conversation_id = sqlite3_column_int64(s, 6);
	m->priority = sqlite3_column_int(s, 7);
	m->state = parse_name(sqlite3_column_text(s, 8), SM_OUT_NSTATES,
			      out_state_i);
	m->not_before = sqlite3_column_int64(s, 9);
	m->expires_at = sqlite3_column_int64(s, 10);
	m->attempts = sqlite3_column_int(s, 11);
	m->nparts = sqlite3_column_int(s, 12);
	m->next_part = sqlite3_column_int(s, 13);
	m->concat_ref = (int)(m->id % 256);
	col_text(s, 14, m->modem, sizeof(m->modem));
	col_text(s, 15, m->claimed_by, sizeof(m->claimed_by));
	m->created_at = sqlite3_column_int64(s, 16);
	m->claimed_at = sqlite3_column_int64(s, 17);
	m->sent_at = sqlite3_column_int64(s, 18);
	m->final_at = sqlite3_column_int64(s, 19);
	col_text(s, 20, m->last_error, sizeof(m->last_error));
	m->was_unconfirmed = sqlite3_column_int(s, 21) != 0;
}

/* Read message @id inside or outside a transaction. */
static int outmsg_get(struct sm_store *st, int64_t id,
		      struct sm_store_outmsg *out)
{
	sqlite3_stmt *s;
	int rc = query(st, &s,
		       "SELECT " OUT_COLS " FROM outbox o WHERE o.id = ?", "i",
		       id);

	if (rc)
		return rc;
	rc = step(st, s);
	if (rc == 0)
		return -ENOENT;
	if (rc < 0)
		return rc;
	read_outmsg(s, out);
	sqlite3_reset(s);
	return 0;
}

int sm_store_outbox_get(struct sm_store *st, int64_t id,
			struct sm_store_outmsg *out)
{
	return outmsg_get(st, id, out);
}

int sm_store_enqueue(struct sm_store *st, const struct sm_store_enqueue *m,
		     int64_t now, int64_t *id)
{
	int64_t v;
	int rc;

	if ((rc = check_number(m->recipient)) ||
	    (rc = check_str(m->text, SM_STORE_TEXT_MAX + 1, false)))
		return rc;
	if (!m->text || m->nparts < 1 || m->nparts > SM_STORE_PARTS_MAX ||
	    (int)m->kind < 0 || m->kind > SM_KIND_MANUAL)
		return -EINVAL;
	if ((rc = begin(st)))
		return rc;
	if (!(m->flags & SM_OUT_F_OPTOUT_CONFIRM)) {
		rc = fetch_int(st, &v, "SELECT 1 FROM optouts WHERE number = ?",
			       "s", m->recipient);
		if (rc == 1)
			rc = -EPERM;
		if (rc)
			return finish(st, rc);
	}
	rc = exec(st,
		  "INSERT INTO outbox (recipient, text, kind, flags,"
		  " campaign_id, conversation_id, priority, state, not_before,"
		  " expires_at, nparts, created_at)"
		  " VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)",
		  "sssizzdiidi", m->recipient, m->text,
		  sm_out_kind_name(m->kind), (int64_t)m->flags, m->campaign_id,
		  m->conversation_id, m->priority,
		  m->not_before ? m->not_before : now, m->expires_at, m->nparts,
		  now);
	if (rc == 0 && id)
		*id = sqlite3_last_insert_rowid(st->db);
	return finish(st, rc);
}

int sm_store_claim(struct sm_store *st, const char *modem, int64_t now,
		   unsigned kinds, struct sm_store_outmsg *out)
{
	const char *k[4];
	int64_t id = 0;
	int rc;

	if ((rc = check_str(modem, SM_STORE_NAME_MAX, true)))
		return rc;
	for (int i = 0; i < 4; i++)
		k[i] = (kinds & SM_KIND_BIT(i))
			       ? sm_out_kind_name((enum sm_out_kind)i)
			       : NULL;
	if ((rc = begin(st)))
		return rc;
	rc = fetch_int(st, &id,
		       "SELECT o.id FROM outbox o"
		       " WHERE o.state = 'queued' AND o.not_before <= ?1"
		       " AND (o.modem IS NULL OR o.modem = ?2)"
		       " AND o.kind IN (?3, ?4, ?5, ?6)"
		       " AND NOT EXISTS (SELECT 1 FROM outbox b"
		       "  WHERE b.recipient = o.recipient AND b.id < o.id"
		       "  AND (b.state IN ('claimed', 'unconfirmed')"
		       "   OR (b.state = 'queued'"
		       "    AND b.kind IN (?3, ?4, ?5, ?6))))"
		       " ORDER BY o.priority DESC, o.id LIMIT 1",
		       "isssss", now, modem, k[0], k[1], k[2], k[3]);
	if (rc == 0)
		rc = -ENOENT;
	if (rc < 0)
		return finish(st, rc);
	rc = exec(st,
		  "UPDATE outbox SET state = 'claimed', claimed_by = ?,"
		  " claimed_at = ?, attempts = attempts + 1 WHERE id = ?",
		  "sii", modem, now, id);
	if (rc == 0)
		rc = outmsg_get(st, id, out);
	return finish(st, rc);
}

/* Part counts of message @id, for settle(). */
struct part_counts {
	int out;	 /* sent, pending, delivered, failed */
	int delivered;	 /* delivered */
	int failed;	 /* failed */
	int unconfirmed; /* unconfirmed */
};

static int count_parts(struct sm_store *st, int64_t id, struct part_counts *c)
{
	sqlite3_stmt *s;
	int rc = query(st, &s,
		       "SELECT"
		       " SUM(state IN ('sent','pending','delivered','failed')),"
		       " SUM(state = 'delivered'), SUM(state = 'failed'),"
		       " SUM(state = 'unconfirmed')"
		       " FROM outbox_parts WHERE msg_id = ?",
		       "i", id);

	if (rc)
		return rc;
	rc = step(st, s);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		c->out = sqlite3_column_int(s, 0);
		c->delivered = sqlite3_column_int(s, 1);
		c->failed = sqlite3_column_int(s, 2);
		c->unconfirmed = sqlite3_column_int(s, 3);
		sqlite3_reset(s);
	}
	return 0;
}

/*
 * Derive the state of message @id, not held by a modem, from its parts:
 * an unconfirmed part makes it unconfirmed, a failed part failed, all parts
 * delivered delivered, all parts out sent; with parts never written it is
 * queued (to send the rest on the pinned modem).  Claimed, failed,
 * delivered, expired and cancelled messages keep their state.
 */
static int settle(struct sm_store *st, int64_t id, int64_t now)
{
	struct sm_store_outmsg m;
	struct part_counts c = {0};
	enum sm_out_state to;
	int rc;

	if ((rc = outmsg_get(st, id, &m)) || (rc = count_parts(st, id, &c)))
		return rc;
	switch (m.state) {
	case SM_OUT_QUEUED:
	case SM_OUT_SENT:
	case SM_OUT_UNCONFIRMED:
		break;
	case SM_OUT_CLAIMED:
	case SM_OUT_DELIVERED:
	case SM_OUT_FAILED:
	case SM_OUT_EXPIRED:
	case SM_OUT_CANCELLED:
		return 0;
	}
	if (c.unconfirmed)
		to = SM_OUT_UNCONFIRMED;
	else if (c.failed)
		to = SM_OUT_FAILED;
	else if (c.delivered == m.nparts)
		to = SM_OUT_DELIVERED;
	else if (c.out == m.nparts)
		to = SM_OUT_SENT;
	else
		to = SM_OUT_QUEUED;
	if (to == m.state)
		return 0;
	return exec(st,
		    "UPDATE outbox SET state = ?1, claimed_by = NULL,"
		    " final_at = CASE WHEN ?1 IN ('delivered', 'failed')"
		    "  THEN ?2 ELSE final_at END,"
		    " sent_at = CASE WHEN ?1 = 'sent' AND sent_at = 0"
		    "  THEN ?2 ELSE sent_at END"
		    " WHERE id = ?3",
		    "sii", sm_out_state_name(to), now, id);
}

int sm_store_part_writing(struct sm_store *st, int64_t id, int part,
			  const char *modem, int64_t now)
{
	struct sm_store_outmsg m;
	int rc;

	if ((rc = check_str(modem, SM_STORE_NAME_MAX, true)))
		return rc;
	if ((rc = begin(st)))
		return rc;
	rc = outmsg_get(st, id, &m);
	if (rc == 0 && m.state == SM_OUT_CANCELLED)
		rc = -ECANCELED;
	else if (rc == 0 &&
		 (m.state != SM_OUT_CLAIMED || strcmp(m.claimed_by, modem) ||
		  part != m.next_part || part > m.nparts))
		rc = -EINVAL;
	if (rc == 0)
		rc = exec(st,
			  "INSERT INTO outbox_parts (msg_id, seq, state, modem,"
			  " written_at) VALUES (?, ?, 'writing', ?, ?)",
			  "idsi", id, part, modem, now);
	if (rc == 0)
		rc = exec(st,
			  "UPDATE outbox SET modem = ? WHERE id = ?"
			  " AND modem IS NULL",
			  "si", modem, id);
	return finish(st, rc);
}

/* The state of part @seq of @id into *@ps: 0, -ENOENT, negative errno. */
static int part_state(struct sm_store *st, int64_t id, int seq,
		      enum sm_part_state *ps)
{
	sqlite3_stmt *s;
	int rc = query(st, &s,
		       "SELECT state FROM outbox_parts"
		       " WHERE msg_id = ? AND seq = ?",
		       "id", id, seq);

	if (rc)
		return rc;
	rc = step(st, s);
	if (rc == 0)
		return -ENOENT;
	if (rc < 0)
		return rc;
	*ps = parse_name(sqlite3_column_text(s, 0), 6, part_state_i);
	sqlite3_reset(s);
	return 0;
}

int sm_store_part_sent(struct sm_store *st, int64_t id, int part, int mr,
		       int64_t now)
{
	struct sm_store_outmsg m;
	enum sm_part_state ps = SM_PART_SENT;
	int rc;

	if (mr < 0 || mr > 255)
		return -EINVAL;
	if ((rc = begin(st)))
		return rc;
	rc = outmsg_get(st, id, &m);
	if (rc == 0)
		rc = part_state(st, id, part, &ps);
	if (rc == 0 && (ps != SM_PART_WRITING || m.state != SM_OUT_CLAIMED))
		rc = -EINVAL;
	if (rc == 0)
		rc = exec(st,
			  "UPDATE outbox_parts SET state = 'sent', mr = ?,"
			  " sent_at = ? WHERE msg_id = ? AND seq = ?",
			  "diid", mr, now, id, part);
	if (rc == 0 && part == m.nparts) {
		rc = exec(st,
			  "UPDATE outbox SET state = 'sent', sent_at = ?,"
			  " claimed_by = NULL WHERE id = ?",
			  "ii", now, id);
		if (rc == 0)
			rc = settle(st, id, now);
	}
	return finish(st, rc);
}

int sm_store_part_unconfirmed(struct sm_store *st, int64_t id, int64_t now,
			      const char *reason)
{
	int64_t one;
	int rc;

	if (reason && strnlen(reason, SM_STORE_ERROR_MAX) >= SM_STORE_ERROR_MAX)
		return -E2BIG;
	if ((rc = begin(st)))
		return rc;
	rc = fetch_int(st, &one,
		       "SELECT 1 FROM outbox_parts p JOIN outbox o"
		       " ON o.id = p.msg_id WHERE p.msg_id = ?"
		       " AND p.state = 'writing' AND o.state = 'claimed'",
		       "i", id);
	if (rc == 0)
		rc = -EINVAL;
	if (rc == 1)
		rc = exec(st,
			  "UPDATE outbox_parts SET state = 'unconfirmed'"
			  " WHERE msg_id = ? AND state = 'writing'",
			  "i", id);
	if (rc == 0)
		rc = exec(st,
			  "UPDATE outbox SET state = 'unconfirmed',"
			  " claimed_by = NULL, last_error = ? WHERE id = ?",
			  "si", reason ? reason : "no +CMGS", id);
	return finish(st, rc);
}

/* base * 2^(attempt - 1), capped at max, without overflowing. */
static int64_t backoff(const struct sm_store_retry *r, int attempt)
{
	int64_t b = r->backoff_base > 0 ? r->backoff_base : 0;

	for (int i = 1; i < attempt && b < r->backoff_max; i++)
		b *= 2;
	return b > r->backoff_max ? r->backoff_max : b;
}

int sm_store_send_failed(struct sm_store *st, int64_t id, const char *modem,
			 enum sm_store_fail kind, int code, const char *reason,
			 const struct sm_store_retry *retry, int64_t now,
			 enum sm_out_state *state)
{
	struct sm_store_outmsg m;
	char err[SM_STORE_ERROR_MAX];
	bool again = false;
	int rc;

	if ((rc = check_str(modem, SM_STORE_NAME_MAX, true)))
		return rc;
	if (!retry)
		return -EINVAL;
	/* The caller's reason already names the error ("+CMS ERROR 500:
	 * unknown error", sm_error_str()): prefixing the code again showed
	 * it twice in `queue show`. */
	if ((!reason || !*reason) && code >= 0)
		snprintf(err, sizeof(err), "+CMS ERROR %d", code);
	else
		snprintf(err, sizeof(err), "%s", reason ? reason : "");
	if ((rc = begin(st)))
		return rc;
	rc = outmsg_get(st, id, &m);
	if (rc == 0 &&
	    (m.state != SM_OUT_CLAIMED || strcmp(m.claimed_by, modem)))
		rc = -EINVAL;
	if (rc)
		return finish(st, rc);
	switch (kind) {
	case SM_FAIL_TEMPORARY:
		again = m.attempts < retry->max_attempts;
		/* The modem refused the part: it did not leave. */
		rc = exec(st,
			  "DELETE FROM outbox_parts WHERE msg_id = ?"
			  " AND state = 'writing'",
			  "i", id);
		break;
	case SM_FAIL_PERMANENT:
		rc = exec(st,
			  "UPDATE outbox_parts SET state = 'failed'"
			  " WHERE msg_id = ? AND state = 'writing'",
			  "i", id);
		break;
	}
	if (rc == 0 && again)
		rc = exec(
			st,
			"UPDATE outbox SET state = 'queued', claimed_by = NULL,"
			" not_before = ?, last_error = ?,"
			" modem = CASE WHEN EXISTS (SELECT 1 FROM outbox_parts"
			"  WHERE msg_id = outbox.id) THEN modem ELSE NULL END"
			" WHERE id = ?",
			"isi", now + backoff(retry, m.attempts), err, id);
	else if (rc == 0)
		rc = exec(
			st,
			"UPDATE outbox SET state = 'failed', claimed_by = NULL,"
			" final_at = ?, last_error = ? WHERE id = ?",
			"isi", now, err, id);
	if (rc == 0 && state)
		*state = again ? SM_OUT_QUEUED : SM_OUT_FAILED;
	return finish(st, rc);
}

/* Recovery of the claims of @modem, or of every modem when NULL. */
static int release(struct sm_store *st, const char *modem, int64_t now,
		   const char *reason, struct sm_store_recovery *out)
{
	struct sm_store_recovery r = {0};
	int rc;

	if ((rc = begin(st)))
		return rc;
	/* A part in the writing window may have left: unconfirmed. */
	rc = exec(st,
		  "UPDATE outbox SET state = 'unconfirmed', claimed_by = NULL,"
		  " last_error = ?2 WHERE state = 'claimed'"
		  " AND (?1 IS NULL OR claimed_by = ?1)"
		  " AND EXISTS (SELECT 1 FROM outbox_parts p"
		  "  WHERE p.msg_id = outbox.id AND p.state = 'writing')",
		  "ss", modem, reason);
	if (rc == 0) {
		r.unconfirmed = sqlite3_changes(st->db);
		rc = exec(
			st,
			"UPDATE outbox_parts SET state = 'unconfirmed'"
			" WHERE state = 'writing' AND msg_id IN"
			" (SELECT id FROM outbox WHERE state = 'unconfirmed')",
			"");
	}
	/* Nothing in flight: back to the queue; the pin stays only when a
	 * part already left (the rest must follow on the same modem). */
	if (rc == 0)
		rc = exec(
			st,
			"UPDATE outbox SET state = 'queued', claimed_by = NULL,"
			" not_before = MIN(not_before, ?2),"
			" modem = CASE WHEN EXISTS (SELECT 1 FROM outbox_parts"
			"  p WHERE p.msg_id = outbox.id) THEN modem ELSE NULL"
			"  END"
			" WHERE state = 'claimed'"
			" AND (?1 IS NULL OR claimed_by = ?1)",
			"si", modem, now);
	if (rc == 0)
		r.requeued = sqlite3_changes(st->db);
	rc = finish(st, rc);
	if (rc == 0 && out)
		*out = r;
	return rc;
}

int sm_store_recover(struct sm_store *st, int64_t now,
		     struct sm_store_recovery *out)
{
	return release(st, NULL, now, "daemon restarted while writing", out);
}

int sm_store_release_modem(struct sm_store *st, const char *modem, int64_t now,
			   struct sm_store_recovery *out)
{
	int rc = check_str(modem, SM_STORE_NAME_MAX, true);

	if (rc)
		return rc;
	return release(st, modem, now, "modem went down while writing", out);
}

int sm_store_expire(struct sm_store *st, int64_t now, int *count)
{
	int rc = begin(st);

	if (rc)
		return rc;
	rc = exec(st,
		  "UPDATE outbox SET state = 'expired', final_at = ?1,"
		  " last_error = 'expired' WHERE state = 'queued'"
		  " AND expires_at > 0 AND expires_at <= ?1",
		  "i", now);
	if (rc == 0 && count)
		*count = sqlite3_changes(st->db);
	return finish(st, rc);
}

int sm_store_cancel(struct sm_store *st, int64_t id, int64_t now,
		    const char *reason)
{
	int64_t one;
	int rc;

	if ((rc = check_str(reason, SM_STORE_ERROR_MAX, false)))
		return rc;
	if ((rc = begin(st)))
		return rc;
	rc = exec(st, SQL_OUTBOX_CANCEL " AND id = ?", "isi", now,
		  reason ? reason : "cancelled", id);
	if (rc == 0 && sqlite3_changes(st->db) == 0) {
		rc = fetch_int(st, &one, "SELECT 1 FROM outbox WHERE id = ?",
			       "i", id);
		if (rc >= 0)
			rc = rc ? -EINVAL : -ENOENT;
	}
	return finish(st, rc);
}

int sm_store_unconfirmed_resolve(struct sm_store *st, int64_t id,
				 enum sm_store_resolution how, int64_t now)
{
	struct sm_store_outmsg m;
	int rc;

	if ((rc = begin(st)))
		return rc;
	rc = outmsg_get(st, id, &m);
	if (rc == 0 && m.state != SM_OUT_UNCONFIRMED)
		rc = -EINVAL;
	if (rc)
		return finish(st, rc);
	switch (how) {
	case SM_RESOLVE_SENT:
		rc = exec(st,
			  "UPDATE outbox_parts SET state = 'sent', sent_at = ?"
			  " WHERE msg_id = ? AND state = 'unconfirmed'",
			  "ii", now, id);
		if (rc == 0)
			rc = settle(st, id, now);
		break;
	case SM_RESOLVE_FAILED:
		rc = exec(st,
			  "UPDATE outbox SET state = 'failed', final_at = ?,"
			  " last_error = 'unconfirmed: given up by operator'"
			  " WHERE id = ?",
			  "ii", now, id);
		break;
	case SM_RESOLVE_REQUEUE:
		rc = exec(st,
			  "DELETE FROM outbox_parts WHERE msg_id = ?"
			  " AND state = 'unconfirmed'",
			  "i", id);
		if (rc == 0)
			rc = exec(st,
				  "UPDATE outbox SET state = 'queued',"
				  " not_before = ?,"
				  " modem = CASE WHEN EXISTS (SELECT 1 FROM"
				  "  outbox_parts p WHERE p.msg_id = outbox.id)"
				  "  THEN modem ELSE NULL END WHERE id = ?",
				  "ii", now, id);
		break;
	}
	return finish(st, rc);
}

/* Call @fn with each message @sql (bound to the string @arg) selects. */
static int outbox_select(struct sm_store *st, const char *sql,
			 const char *arg, sm_store_outmsg_fn fn, void *data)
{
	struct sm_store_outmsg *m = malloc(sizeof(*m));
	sqlite3_stmt *s;
	int rc;

	if (!m)
		return -ENOMEM;
	rc = query(st, &s, sql, "s", arg);
	while (rc == 0 && (rc = step(st, s)) == 1) {
		read_outmsg(s, m);
		rc = fn(m, data);
		if (rc) {
			sqlite3_reset(s);
			break;
		}
	}
	free(m);
	return rc;
}

int sm_store_outbox_list(struct sm_store *st, enum sm_out_state state,
			 sm_store_outmsg_fn fn, void *data)
{
	return outbox_select(st,
			     "SELECT " OUT_COLS " FROM outbox o"
			     " WHERE o.state = ? ORDER BY o.id",
			     sm_out_state_name(state), fn, data);
}

int sm_store_outbox_by_recipient(struct sm_store *st, const char *recipient,
				 sm_store_outmsg_fn fn, void *data)
{
	return outbox_select(st,
			     "SELECT " OUT_COLS " FROM outbox o"
			     " WHERE o.recipient = ? ORDER BY o.id",
			     recipient, fn, data);
}

int sm_store_outbox_parts(struct sm_store *st, int64_t id,
			  sm_store_outpart_fn fn, void *data)
{
	struct sm_store_outpart p;
	sqlite3_stmt *s;
	int rc = query(st, &s,
		       "SELECT msg_id, seq, state, modem, COALESCE(mr, -1),"
		       " written_at, sent_at, report_at, report_status,"
		       " via_unconfirmed FROM outbox_parts WHERE msg_id = ?"
		       " ORDER BY seq",
		       "i", id);

	while (rc == 0 && (rc = step(st, s)) == 1) {
		memset(&p, 0, sizeof(p));
		p.msg_id = sqlite3_column_int64(s, 0);
		p.seq = sqlite3_column_int(s, 1);
		p.state =
			parse_name(sqlite3_column_text(s, 2), 6, part_state_i);
		col_text(s, 3, p.modem, sizeof(p.modem));
		p.mr = sqlite3_column_int(s, 4);
		p.written_at = sqlite3_column_int64(s, 5);
		p.sent_at = sqlite3_column_int64(s, 6);
		p.report_at = sqlite3_column_int64(s, 7);
		p.report_status = sqlite3_column_int(s, 8);
		p.via_unconfirmed = sqlite3_column_int(s, 9) != 0;
		rc = fn(&p, data);
		if (rc) {
			sqlite3_reset(s);
			break;
		}
	}
	return rc;
}

int sm_store_queue_stats(struct sm_store *st, struct sm_store_queue_stats *out)
{
	sqlite3_stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = query(st, &s, "SELECT state, COUNT(*) FROM outbox GROUP BY state",
		   "");
	while (rc == 0 && (rc = step(st, s)) == 1) {
		out->count[parse_name(sqlite3_column_text(s, 0), SM_OUT_NSTATES,
				      out_state_i)] = sqlite3_column_int(s, 1);
		rc = 0;
	}
	if (rc == 0)
		rc = query(st, &s,
			   "SELECT id, created_at FROM outbox"
			   " WHERE state = 'queued' ORDER BY id LIMIT 1",
			   "");
	if (rc == 0 && (rc = step(st, s)) == 1) {
		out->oldest_id = sqlite3_column_int64(s, 0);
		out->oldest_created_at = sqlite3_column_int64(s, 1);
		sqlite3_reset(s);
		rc = 0;
	}
	return rc;
}

/* ---- status reports ------------------------------------------------- */

enum sm_part_state sm_store_report_class(int status)
{
	/* 23.040 9.2.3.15: bits 6-5 of TP-ST give the class. */
	if (status >= 0 && status < 0x20)
		return SM_PART_DELIVERED;
	if (status >= 0x20 && status < 0x40)
		return SM_PART_PENDING;
	return SM_PART_FAILED;
}

/*
 * Find the part report @r is about: by mr within the window, else by the
 * unconfirmed rule.  1 with *@id, *@seq, *@via set; 0 if none.
 */
static int report_match(struct sm_store *st, const struct sm_store_report *r,
			const struct sm_store_match *w, int64_t *id, int *seq,
			bool *via)
{
	sqlite3_stmt *s;
	int rc = query(st, &s,
		       "SELECT p.msg_id, p.seq FROM outbox_parts p"
		       " JOIN outbox o ON o.id = p.msg_id"
		       " WHERE p.modem = ? AND p.mr = ? AND o.recipient = ?"
		       " AND p.sent_at >= ?"
		       " ORDER BY p.sent_at DESC, p.rowid DESC LIMIT 1",
		       "sdsi", r->modem, r->mr, r->recipient,
		       r->received_at - w->mr_window);

	*via = false;
	if (rc == 0 && (rc = step(st, s)) == 0) {
		*via = true;
		rc = query(st, &s,
			   "SELECT p.msg_id, p.seq FROM outbox_parts p"
			   " JOIN outbox o ON o.id = p.msg_id"
			   " WHERE p.state = 'unconfirmed' AND p.modem = ?"
			   " AND o.recipient = ? AND p.written_at >= ?"
			   " AND p.written_at <= ?"
			   " ORDER BY p.written_at, p.msg_id, p.seq LIMIT 1",
			   "ssii", r->modem, r->recipient,
			   r->received_at - w->unconfirmed_window,
			   r->received_at);
		if (rc == 0)
			rc = step(st, s);
	}
	if (rc == 1) {
		*id = sqlite3_column_int64(s, 0);
		*seq = sqlite3_column_int(s, 1);
		sqlite3_reset(s);
	}
	return rc;
}

/* Apply report @r to part (@id, @seq). */
static int report_apply(struct sm_store *st, const struct sm_store_report *r,
			int64_t id, int seq, bool via)
{
	enum sm_part_state cur = SM_PART_SENT;
	enum sm_part_state to = sm_store_report_class(r->status);
	int rc = part_state(st, id, seq, &cur);

	if (rc)
		return rc;
	switch (cur) {
	case SM_PART_DELIVERED:
	case SM_PART_FAILED:
		/* Final already: a repeated or late report changes nothing. */
		return 0;
	case SM_PART_WRITING:
	case SM_PART_SENT:
	case SM_PART_PENDING:
	case SM_PART_UNCONFIRMED:
		break;
	}
	rc = exec(st,
		  "UPDATE outbox_parts SET state = ?, report_at = ?,"
		  " report_status = ?, mr = ?,"
		  " via_unconfirmed = via_unconfirmed OR ?,"
		  " sent_at = CASE WHEN sent_at = 0 THEN written_at"
		  "  ELSE sent_at END"
		  " WHERE msg_id = ? AND seq = ?",
		  "siddiid", sm_part_state_name(to), r->received_at, r->status,
		  r->mr, (int64_t)via, id, seq);
	if (rc == 0 && via)
		rc = exec(st,
			  "UPDATE outbox SET was_unconfirmed = 1 WHERE id = ?",
			  "i", id);
	if (rc == 0)
		rc = settle(st, id, r->received_at);
	return rc;
}

int sm_store_report_add(struct sm_store *st, const struct sm_store_report *r,
			const struct sm_store_match *w,
			struct sm_store_report_result *res)
{
	struct sm_store_report_result out = {0};
	int64_t id = 0;
	int seq = 0;
	bool via = false;
	int rc;

	if ((rc = check_str(r->modem, SM_STORE_NAME_MAX, true)) ||
	    (rc = check_str(r->recipient, SM_STORE_ADDR_MAX, true)))
		return rc;
	if (!w || r->mr < 0 || r->mr > 255 || r->status < 0 || r->status > 255)
		return -EINVAL;
	if ((rc = begin(st)))
		return rc;
	rc = report_match(st, r, w, &id, &seq, &via);
	if (rc == 1)
		rc = report_apply(st, r, id, seq, via);
	if (rc == 0)
		rc = exec(st,
			  "INSERT INTO status_reports (modem, recipient, mr,"
			  " status, scts, discharge, received_at, msg_id, part)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  "ssddiiizz", r->modem, r->recipient, r->mr, r->status,
			  r->scts, r->discharge, r->received_at, id,
			  (int64_t)seq);
	if (rc == 0) {
		out.report_id = sqlite3_last_insert_rowid(st->db);
		out.msg_id = id;
		out.part = seq;
		out.via_unconfirmed = via && id;
		out.part_state = sm_store_report_class(r->status);
	}
	if (rc == 0 && id) {
		struct sm_store_outmsg *m = malloc(sizeof(*m));

		rc = m ? outmsg_get(st, id, m) : -ENOMEM;
		if (rc == 0)
			out.msg_state = m->state;
		free(m);
		if (rc == 0)
			rc = part_state(st, id, seq, &out.part_state);
	}
	rc = finish(st, rc);
	if (rc == 0 && res)
		*res = out;
	return rc;
}

int sm_store_report_list_unmatched(struct sm_store *st, sm_store_report_fn fn,
				   void *data)
{
	struct sm_store_report_row r;
	sqlite3_stmt *s;
	int rc = query(st, &s,
		       "SELECT id, modem, recipient, mr, status, scts,"
		       " discharge, received_at FROM status_reports"
		       " WHERE msg_id IS NULL ORDER BY id",
		       "");

	while (rc == 0 && (rc = step(st, s)) == 1) {
		memset(&r, 0, sizeof(r));
		r.id = sqlite3_column_int64(s, 0);
		col_text(s, 1, r.modem, sizeof(r.modem));
		col_text(s, 2, r.recipient, sizeof(r.recipient));
		r.mr = sqlite3_column_int(s, 3);
		r.status = sqlite3_column_int(s, 4);
		r.scts = sqlite3_column_int64(s, 5);
		r.discharge = sqlite3_column_int64(s, 6);
		r.received_at = sqlite3_column_int64(s, 7);
		rc = fn(&r, data);
		if (rc) {
			sqlite3_reset(s);
			break;
		}
	}
	return rc;
}

/* ---- inbox ---------------------------------------------------------- */

/* Group of waiting parts: one concatenated message in the making. */
struct in_group {
	char modem[SM_STORE_NAME_MAX];
	char sender[SM_STORE_ADDR_MAX];
	int ref, total;
};

/*
 * Make the inbound message out of the waiting parts of @g (by seq) and
 * attach them to it.  *@msg_id gets its id.
 */
static int inbox_assemble(struct sm_store *st, const struct in_group *g,
			  int64_t now, int64_t *msg_id)
{
	uint8_t have[(SM_STORE_PARTS_MAX + 8) / 8 + 1] = {0};
	char missing[SM_STORE_MISSING_MAX] = "";
	char encoding[16] = "";
	size_t len = 0, cap = 0, mlen = 0;
	char *text = NULL;
	int64_t scts = 0;
	int nreceived = 0;
	sqlite3_stmt *s;
	int rc =
		query(st, &s,
		      "SELECT concat_seq, text, scts, encoding FROM inbox_parts"
		      " WHERE msg_id IS NULL AND modem = ? AND sender = ?"
		      " AND concat_ref = ? AND concat_total = ?"
		      " ORDER BY concat_seq, id",
		      "ssdd", g->modem, g->sender, g->ref, g->total);

	while (rc == 0 && (rc = step(st, s)) == 1) {
		int seq = sqlite3_column_int(s, 0);
		const unsigned char *t = sqlite3_column_text(s, 1);
		size_t n = t ? (size_t)sqlite3_column_bytes(s, 1) : 0;

		rc = 0;
		if (seq < 1 || seq > SM_STORE_PARTS_MAX ||
		    (have[seq / 8] & (1u << (seq % 8))))
			continue;
		have[seq / 8] |= 1u << (seq % 8);
		if (nreceived++ == 0) {
			scts = sqlite3_column_int64(s, 2);
			col_text(s, 3, encoding, sizeof(encoding));
		}
		if (len + n + 1 > cap) {
			/* Bounded: at most 255 parts of SM_STORE_PART_MAX. */
			size_t ncap = (len + n + 1) * 2;
			char *p = realloc(text, ncap);

			if (!p) {
				rc = -ENOMEM;
				sqlite3_reset(s);
				break;
			}
			text = p;
			cap = ncap;
		}
		if (n)
			memcpy(text + len, t, n);
		len += n;
	}
	for (int i = 1; rc == 0 && i <= g->total; i++) {
		if (have[i / 8] & (1u << (i % 8)))
			continue;
		mlen += (size_t)snprintf(missing + mlen, sizeof(missing) - mlen,
					 "%s%d", mlen ? "," : "", i);
		if (mlen >= sizeof(missing))
			mlen = sizeof(missing) - 1;
	}
	if (rc == 0)
		rc = exec(st,
			  "INSERT INTO inbox (modem, sender, scts, received_at,"
			  " text, encoding, concat_ref, nparts, nreceived,"
			  " incomplete, missing, state)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new')",
			  "ssiitsdddds", g->modem, g->sender, scts, now,
			  text ? text : "", len, encoding, g->ref, g->total,
			  nreceived, (int)(nreceived < g->total), missing);
	free(text);
	if (rc)
		return rc;
	*msg_id = sqlite3_last_insert_rowid(st->db);
	return exec(st,
		    "UPDATE inbox_parts SET msg_id = ? WHERE msg_id IS NULL"
		    " AND modem = ? AND sender = ? AND concat_ref = ?"
		    " AND concat_total = ?",
		    "issdd", *msg_id, g->modem, g->sender, g->ref, g->total);
}

/* How many parts of @g are waiting, into *@n. */
static int inbox_waiting(struct sm_store *st, const struct in_group *g, int seq,
			 int64_t *n)
{
	*n = 0;
	return fetch_int(st, n,
			 "SELECT COUNT(DISTINCT concat_seq) FROM inbox_parts"
			 " WHERE msg_id IS NULL AND modem = ? AND sender = ?"
			 " AND concat_ref = ? AND concat_total = ?"
			 " AND (?5 = 0 OR concat_seq = ?5)",
			 "ssddd", g->modem, g->sender, g->ref, g->total, seq);
}

int sm_store_inbox_add_part(struct sm_store *st,
			    const struct sm_store_inpart *p,
			    enum sm_store_inbox_result *res, int64_t *msg_id)
{
	struct in_group g = {0};
	int64_t id = 0, n = 0;
	int seq, rc;

	if ((rc = check_str(p->modem, SM_STORE_NAME_MAX, true)) ||
	    (rc = check_str(p->sender, SM_STORE_ADDR_MAX, true)) ||
	    (rc = check_str(p->encoding, 16, false)) ||
	    (rc = check_str(p->pdu_hex, SM_STORE_PDU_MAX, false)))
		return rc;
	if (p->text_len > SM_STORE_PART_MAX)
		return -E2BIG;
	if ((!p->text && p->text_len) ||
	    (p->text_len && memchr(p->text, '\0', p->text_len)))
		return -EINVAL;
	snprintf(g.modem, sizeof(g.modem), "%s", p->modem);
	snprintf(g.sender, sizeof(g.sender), "%s", p->sender);
	/* 23.040 9.2.3.24.1: total 0, seq 0 or seq > total: ignore the IE. */
	if (p->concat_total > 1 && p->concat_total <= SM_STORE_PARTS_MAX &&
	    p->concat_seq >= 1 && p->concat_seq <= p->concat_total &&
	    p->concat_ref >= 0 && p->concat_ref <= 0xffff) {
		g.ref = p->concat_ref;
		g.total = p->concat_total;
		seq = p->concat_seq;
	} else {
		g.ref = 0;
		g.total = 1;
		seq = 1;
	}
	if ((rc = begin(st)))
		return rc;
	rc = fetch_int(st, &id,
		       "SELECT COALESCE(msg_id, 0) FROM inbox_parts"
		       " WHERE sender = ? AND scts = ? AND concat_ref = ?"
		       " AND concat_total = ? AND concat_seq = ? AND text = ?",
		       "sidddt", g.sender, p->scts, g.ref, g.total, seq,
		       p->text ? p->text : "", p->text_len);
	if (rc == 1) {
		*res = SM_INBOX_DUPLICATE;
		if (msg_id)
			*msg_id = id;
		return finish(st, 0);
	}
	/* The same seq already waiting with another content: the sender
	 * reused the reference; deliver the old group as incomplete. */
	if (rc == 0)
		rc = inbox_waiting(st, &g, seq, &n);
	if (rc >= 0 && n > 0)
		rc = inbox_assemble(st, &g, p->received_at, &id);
	if (rc >= 0)
		rc = exec(st,
			  "INSERT INTO inbox_parts (modem, sender, scts,"
			  " concat_ref, concat_total, concat_seq, text,"
			  " encoding, pdu, received_at)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  "ssidddtssi", g.modem, g.sender, p->scts, g.ref,
			  g.total, seq, p->text ? p->text : "", p->text_len,
			  p->encoding ? p->encoding : "",
			  p->pdu_hex ? p->pdu_hex : "", p->received_at);
	if (rc >= 0)
		rc = inbox_waiting(st, &g, 0, &n);
	id = 0;
	if (rc >= 0 && n == g.total)
		rc = inbox_assemble(st, &g, p->received_at, &id);
	rc = finish(st, rc < 0 ? rc : 0);
	if (rc == 0) {
		*res = id ? SM_INBOX_COMPLETE : SM_INBOX_STORED;
		if (msg_id)
			*msg_id = id;
	}
	return rc;
}

#define IN_COLS                                                                \
	"id, modem, sender, scts, received_at, text, encoding, concat_ref,"    \
	" nparts, nreceived, incomplete, missing, state"

static void read_inmsg(sqlite3_stmt *s, struct sm_store_inmsg *m)
{
	m->id = sqlite3_column_int64(s, 0);
	col_text(s, 1, m->modem, sizeof(m->modem));
	col_text(s, 2, m->sender, sizeof(m->sender));
	m->scts = sqlite3_column_int64(s, 3);
	m->received_at = sqlite3_column_int64(s, 4);
	m->truncated = col_text_utf8(s, 5, m->text, sizeof(m->text));
	col_text(s, 6, m->encoding, sizeof(m->encoding));
	m->concat_ref = sqlite3_column_int(s, 7);
	m->nparts = sqlite3_column_int(s, 8);
	m->nreceived = sqlite3_column_int(s, 9);
	m->incomplete = sqlite3_column_int(s, 10) != 0;
	col_text(s, 11, m->missing, sizeof(m->missing));
	m->state = parse_name(sqlite3_column_text(s, 12), 2, in_state_i);
}

int sm_store_inbox_get(struct sm_store *st, int64_t id,
		       struct sm_store_inmsg *out)
{
	sqlite3_stmt *s;
	int rc = query(st, &s, "SELECT " IN_COLS " FROM inbox WHERE id = ?",
		       "i", id);

	if (rc)
		return rc;
	rc = step(st, s);
	if (rc == 0)
		return -ENOENT;
	if (rc < 0)
		return rc;
	read_inmsg(s, out);
	sqlite3_reset(s);
	return 0;
}

int sm_store_inbox_flush_incomplete(struct sm_store *st, int64_t now,
				    int64_t timeout, sm_store_inmsg_fn fn,
				    void *data, int *count)
{
	struct sm_store_inmsg *m = NULL;
	struct in_group g;
	int n = 0, rc = 0;

	if (fn && !(m = malloc(sizeof(*m))))
		return -ENOMEM;
	for (;;) {
		sqlite3_stmt *s;
		int64_t id = 0;

		if ((rc = begin(st)))
			break;
		rc = query(st, &s,
			   "SELECT modem, sender, concat_ref, concat_total"
			   " FROM inbox_parts WHERE msg_id IS NULL"
			   " GROUP BY modem, sender, concat_ref, concat_total"
			   " HAVING MIN(received_at) <= ? LIMIT 1",
			   "i", now - timeout);
		if (rc == 0)
			rc = step(st, s);
		if (rc == 1) {
			col_text(s, 0, g.modem, sizeof(g.modem));
			col_text(s, 1, g.sender, sizeof(g.sender));
			g.ref = sqlite3_column_int(s, 2);
			g.total = sqlite3_column_int(s, 3);
			sqlite3_reset(s);
			rc = inbox_assemble(st, &g, now, &id);
		}
		rc = finish(st, rc);
		if (rc < 0 || !id)
			break;
		n++;
		if (fn && (rc = sm_store_inbox_get(st, id, m)) == 0)
			rc = fn(m, data);
		if (rc)
			break;
	}
	free(m);
	if (count)
		*count = n;
	return rc;
}

int sm_store_inbox_set_state(struct sm_store *st, int64_t id,
			     enum sm_in_state state)
{
	int rc = begin(st);

	if (rc)
		return rc;
	rc = exec(st, "UPDATE inbox SET state = ? WHERE id = ?", "si",
		  sm_in_state_name(state), id);
	if (rc == 0 && sqlite3_changes(st->db) == 0)
		rc = -ENOENT;
	return finish(st, rc);
}

/* Call @fn with each message @sql (bound to the string @arg) selects. */
static int inbox_select(struct sm_store *st, const char *sql, const char *arg,
			sm_store_inmsg_fn fn, void *data)
{
	struct sm_store_inmsg *m = malloc(sizeof(*m));
	sqlite3_stmt *s;
	int rc;

	if (!m)
		return -ENOMEM;
	rc = query(st, &s, sql, "s", arg);
	while (rc == 0 && (rc = step(st, s)) == 1) {
		read_inmsg(s, m);
		rc = fn(m, data);
		if (rc) {
			sqlite3_reset(s);
			break;
		}
	}
	free(m);
	return rc;
}

int sm_store_inbox_list(struct sm_store *st, enum sm_in_state state,
			sm_store_inmsg_fn fn, void *data)
{
	return inbox_select(st,
			    "SELECT " IN_COLS " FROM inbox WHERE state = ?"
			    " ORDER BY id",
			    sm_in_state_name(state), fn, data);
}

int sm_store_inbox_by_sender(struct sm_store *st, const char *sender,
			     sm_store_inmsg_fn fn, void *data)
{
	return inbox_select(st,
			    "SELECT " IN_COLS " FROM inbox WHERE sender = ?"
			    " ORDER BY id",
			    sender, fn, data);
}

int sm_store_inbox_list_waiting(struct sm_store *st, int64_t campaign_id,
				sm_store_inmsg_fn fn, void *data)
{
	char id[24];

	snprintf(id, sizeof(id), "%lld", (long long)campaign_id);
	return inbox_select(st,
			    "SELECT " IN_COLS " FROM inbox WHERE state = 'new'"
			    " AND conversation_id IN (SELECT c.id"
			    "  FROM conversations c WHERE ?1 = '0'"
			    "  OR c.campaign_id = CAST(?1 AS INTEGER))"
			    " ORDER BY id",
			    id, fn, data);
}

int sm_store_inbox_pending_parts(struct sm_store *st, int *count)
{
	int64_t n = 0;
	int rc = fetch_int(
		st, &n, "SELECT COUNT(*) FROM inbox_parts WHERE msg_id IS NULL",
		"");

	if (rc < 0)
		return rc;
	*count = (int)n;
	return 0;
}

/* ---- opt-outs ------------------------------------------------------- */

int sm_store_optout_add(struct sm_store *st, const char *number,
			enum sm_optout_source source, int64_t at,
			const char *text, int *cancelled)
{
	int rc;

	if ((rc = check_number(number)) ||
	    (rc = check_str(text, SM_STORE_ERROR_MAX, false)))
		return rc;
	if ((int)source < 0 || source > SM_OPTOUT_IMPORT)
		return -EINVAL;
	if ((rc = begin(st)))
		return rc;
	rc = exec(st,
		  "INSERT INTO optouts (number, source, at, text)"
		  " VALUES (?, ?, ?, ?) ON CONFLICT (number) DO NOTHING",
		  "ssis", number, sm_optout_source_name(source), at,
		  text ? text : "");
	if (rc == 0)
		rc = cancel_queued_to(st, number, at, "opted out", cancelled);
	return finish(st, rc);
}

int sm_store_optout_remove(struct sm_store *st, const char *number)
{
	int rc = check_str(number, SM_STORE_NUMBER_MAX, true);

	if (rc)
		return rc;
	if ((rc = begin(st)))
		return rc;
	rc = exec(st, "DELETE FROM optouts WHERE number = ?", "s", number);
	if (rc == 0 && sqlite3_changes(st->db) == 0)
		rc = -ENOENT;
	return finish(st, rc);
}

int sm_store_optout_check(struct sm_store *st, const char *number)
{
	int64_t one;
	int rc = check_str(number, SM_STORE_NUMBER_MAX, true);

	if (rc)
		return rc;
	return fetch_int(st, &one, "SELECT 1 FROM optouts WHERE number = ?",
			 "s", number);
}

static void read_optout(sqlite3_stmt *s, struct sm_store_optout *o)
{
	col_text(s, 0, o->number, sizeof(o->number));
	o->source = parse_name(sqlite3_column_text(s, 1), 3, optout_i);
	o->at = sqlite3_column_int64(s, 2);
	col_text(s, 3, o->text, sizeof(o->text));
}

int sm_store_optout_get(struct sm_store *st, const char *number,
			struct sm_store_optout *out)
{
	sqlite3_stmt *s;
	int rc = check_str(number, SM_STORE_NUMBER_MAX, true);

	if (rc == 0)
		rc = query(st, &s,
			   "SELECT number, source, at, text FROM optouts"
			   " WHERE number = ?",
			   "s", number);
	if (rc)
		return rc;
	rc = step(st, s);
	if (rc == 1) {
		read_optout(s, out);
		sqlite3_reset(s);
		return 0;
	}
	return rc ? rc : -ENOENT;
}

int sm_store_optout_list(struct sm_store *st, sm_store_optout_fn fn, void *data)
{
	struct sm_store_optout o;
	sqlite3_stmt *s;
	int rc = query(st, &s,
		       "SELECT number, source, at, text FROM optouts"
		       " ORDER BY at, number",
		       "");

	while (rc == 0 && (rc = step(st, s)) == 1) {
		read_optout(s, &o);
		rc = fn(&o, data);
		if (rc) {
			sqlite3_reset(s);
			break;
		}
	}
	return rc;
}

/* ---- modems --------------------------------------------------------- */

int sm_store_modem_update(struct sm_store *st, const struct sm_store_modem *m,
			  int64_t now)
{
	int rc;

	if ((rc = check_str(m->name, sizeof(m->name), true)) ||
	    (rc = check_str(m->registration, sizeof(m->registration), false)) ||
	    (rc = check_str(m->operator_name, sizeof(m->operator_name), false)))
		return rc;
	if ((int)m->state < 0 || m->state > SM_STORE_MODEM_DISABLED)
		return -EINVAL;
	if ((rc = begin(st)))
		return rc;
	rc = exec(st,
		  "INSERT INTO modems (name, state, signal_dbm, registration,"
		  " operator, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
		  " ON CONFLICT (name) DO UPDATE SET state = excluded.state,"
		  " signal_dbm = excluded.signal_dbm,"
		  " registration = excluded.registration,"
		  " operator = excluded.operator,"
		  " updated_at = excluded.updated_at",
		  "ssdssi", m->name, sm_store_modem_state_name(m->state),
		  m->signal_dbm, m->registration, m->operator_name, now);
	return finish(st, rc);
}

int sm_store_modem_error(struct sm_store *st, const char *name,
			 const char *text, int64_t now)
{
	char err[SM_STORE_ERROR_MAX];
	int rc = check_str(name, SM_STORE_NAME_MAX, true);

	if (rc)
		return rc;
	/* Cut a long modem error rather than lose the count. */
	snprintf(err, sizeof(err), "%s", text ? text : "");
	if ((rc = begin(st)))
		return rc;
	rc = exec(st,
		  "INSERT INTO modems (name, state, last_error, error_count,"
		  " updated_at) VALUES (?, 'init', ?, 1, ?)"
		  " ON CONFLICT (name) DO UPDATE SET"
		  " last_error = excluded.last_error,"
		  " error_count = error_count + 1,"
		  " updated_at = excluded.updated_at",
		  "ssi", name, err, now);
	return finish(st, rc);
}

int sm_store_modem_count_sent(struct sm_store *st, const char *name,
			      int day_key, int n, int *total)
{
	int64_t v = 0;
	int rc = check_str(name, SM_STORE_NAME_MAX, true);

	if (rc)
		return rc;
	if ((rc = begin(st)))
		return rc;
	rc = exec(st,
		  "UPDATE modems SET sent_today = CASE WHEN day_key = ?2"
		  " THEN sent_today + ?3 ELSE ?3 END, day_key = ?2"
		  " WHERE name = ?1",
		  "sdd", name, day_key, n);
	if (rc == 0 && sqlite3_changes(st->db) == 0)
		rc = -ENOENT;
	if (rc == 0)
		rc = fetch_int(st, &v,
			       "SELECT sent_today FROM modems WHERE name = ?",
			       "s", name);
	if (rc == 1 && total)
		*total = (int)v;
	return finish(st, rc < 0 ? rc : 0);
}

static void read_modem(sqlite3_stmt *s, struct sm_store_modem *m)
{
	memset(m, 0, sizeof(*m));
	col_text(s, 0, m->name, sizeof(m->name));
	m->state = parse_name(sqlite3_column_text(s, 1), 4, modem_state_i);
	m->signal_dbm = sqlite3_column_int(s, 2);
	col_text(s, 3, m->registration, sizeof(m->registration));
	col_text(s, 4, m->operator_name, sizeof(m->operator_name));
	col_text(s, 5, m->last_error, sizeof(m->last_error));
	m->error_count = sqlite3_column_int(s, 6);
	m->sent_today = sqlite3_column_int(s, 7);
	m->day_key = sqlite3_column_int(s, 8);
	m->updated_at = sqlite3_column_int64(s, 9);
}

#define MODEM_COLS                                                             \
	"name, state, signal_dbm, registration, operator, last_error,"         \
	" error_count, sent_today, day_key, updated_at"

int sm_store_modem_get(struct sm_store *st, const char *name,
		       struct sm_store_modem *out)
{
	sqlite3_stmt *s;
	int rc = query(st, &s,
		       "SELECT " MODEM_COLS " FROM modems WHERE name = ?", "s",
		       name);

	if (rc)
		return rc;
	rc = step(st, s);
	if (rc == 0)
		return -ENOENT;
	if (rc < 0)
		return rc;
	read_modem(s, out);
	sqlite3_reset(s);
	return 0;
}

int sm_store_modem_list(struct sm_store *st, sm_store_modem_fn fn, void *data)
{
	struct sm_store_modem m;
	sqlite3_stmt *s;
	int rc = query(st, &s,
		       "SELECT " MODEM_COLS " FROM modems ORDER BY name", "");

	while (rc == 0 && (rc = step(st, s)) == 1) {
		read_modem(s, &m);
		rc = fn(&m, data);
		if (rc) {
			sqlite3_reset(s);
			break;
		}
	}
	return rc;
}

/* ---- audit events --------------------------------------------------- */

int sm_store_event_add(struct sm_store *st, int64_t at, const char *actor,
		       const char *action, const char *detail, int64_t *id)
{
	return sm_store_audit_add(st, at, actor, action, NULL, detail, id);
}

int sm_store_audit_add(struct sm_store *st, int64_t at, const char *actor,
		       const char *action, const char *subject,
		       const char *detail, int64_t *id)
{
	int rc;

	if ((rc = check_str(actor, SM_STORE_NAME_MAX, true)) ||
	    (rc = check_str(action, SM_STORE_NAME_MAX, true)) ||
	    (rc = check_str(subject, SM_STORE_NUMBER_MAX, false)) ||
	    (rc = check_str(detail, SM_STORE_ERROR_MAX, false)))
		return rc;
	if ((rc = begin(st)))
		return rc;
	rc = exec(st,
		  "INSERT INTO events (at, actor, action, subject, detail)"
		  " VALUES (?, ?, ?, ?, ?)",
		  "issss", at, actor, action, subject ? subject : "",
		  detail ? detail : "");
	if (rc == 0 && id)
		*id = sqlite3_last_insert_rowid(st->db);
	return finish(st, rc);
}

/* Call @fn with each event of the bound statement @s. */
static int list_events(struct sm_store *st, sqlite3_stmt *s,
		       sm_store_event_fn fn, void *data)
{
	struct sm_store_event e;
	int rc;

	while ((rc = step(st, s)) == 1) {
		e.id = sqlite3_column_int64(s, 0);
		e.at = sqlite3_column_int64(s, 1);
		col_text(s, 2, e.actor, sizeof(e.actor));
		col_text(s, 3, e.action, sizeof(e.action));
		col_text(s, 4, e.detail, sizeof(e.detail));
		col_text(s, 5, e.subject, sizeof(e.subject));
		rc = fn(&e, data);
		if (rc) {
			sqlite3_reset(s);
			break;
		}
	}
	return rc;
}

int sm_store_event_list(struct sm_store *st, int64_t after_id,
			sm_store_event_fn fn, void *data)
{
	sqlite3_stmt *s;
	int rc = query(st, &s,
		       "SELECT id, at, actor, action, detail, subject"
		       " FROM events WHERE id > ? ORDER BY id",
		       "i", after_id);

	return rc ? rc : list_events(st, s, fn, data);
}

int sm_store_audit_list(struct sm_store *st, int64_t since,
			const char *subject, sm_store_event_fn fn, void *data)
{
	sqlite3_stmt *s;
	int rc;

	if (subject)
		rc = query(st, &s,
			   "SELECT id, at, actor, action, detail, subject"
			   " FROM events WHERE at >= ? AND subject = ?"
			   " ORDER BY at, id",
			   "is", since, subject);
	else
		rc = query(st, &s,
			   "SELECT id, at, actor, action, detail, subject"
			   " FROM events WHERE at >= ? ORDER BY at, id",
			   "i", since);
	return rc ? rc : list_events(st, s, fn, data);
}
