/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store_campaign.c - the SQL behind store_campaign.h: campaigns and their
 * life cycle, candidate import (one transaction, duplicates merged,
 * opted-out numbers skipped), conversations, answers, transcripts and the
 * funnel of `smsmatch campaign status`.
 *
 * Same rules as store.c, whose handle and helpers it shares through
 * store_priv.h: one BEGIN IMMEDIATE transaction per call, every value a
 * bound parameter, statements cached by the pointer of their SQL literal.
 * The tables come from migration 2 in store.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smsmatch/store_campaign.h"
#include "store_priv.h"

/* ---- names ---------------------------------------------------------- */

const char *sm_campaign_state_name(enum sm_campaign_state s)
{
	switch (s) {
	case SM_CAMPAIGN_DRAFT:
		return "draft";
	case SM_CAMPAIGN_RUNNING:
		return "running";
	case SM_CAMPAIGN_PAUSED:
		return "paused";
	case SM_CAMPAIGN_CLOSED:
		return "closed";
	}
	return "?";
}

const char *sm_conv_outcome_name(enum sm_conv_outcome o)
{
	switch (o) {
	case SM_CONV_OPEN:
		return "open";
	case SM_CONV_COMPLETE:
		return "complete";
	case SM_CONV_DECLINED:
		return "declined";
	case SM_CONV_NO_ANSWER:
		return "no_answer";
	case SM_CONV_OPTED_OUT:
		return "opted_out";
	case SM_CONV_UNREACHABLE:
		return "unreachable";
	case SM_CONV_CALLBACK:
		return "callback";
	}
	return "?";
}

static const char *campaign_state_i(int i)
{
	return sm_campaign_state_name((enum sm_campaign_state)i);
}

static const char *outcome_i(int i)
{
	return sm_conv_outcome_name((enum sm_conv_outcome)i);
}

/* ---- argument checks ------------------------------------------------ */

/* A fixed-size field of a caller struct must hold its NUL. */
#define FIELD_OK(f) (memchr((f), '\0', sizeof(f)) != NULL)

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* "YYYY-MM-DD", a real calendar day between 2000 and 2999. */
static bool valid_date(const char *s)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 2000 || y > 2999 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= mdays[m - 1] + (m == 2 && leap(y));
}

static int check_campaign(const struct sm_store_campaign *c)
{
	if (!FIELD_OK(c->name) || !FIELD_OK(c->script) || !FIELD_OK(c->trade) ||
	    !FIELD_OK(c->start_date) || !FIELD_OK(c->end_date) ||
	    !FIELD_OK(c->place) || !FIELD_OK(c->prerequisites))
		return -E2BIG;
	if (!c->name[0] || c->seats < 1 || !valid_date(c->start_date) ||
	    !valid_date(c->end_date) || strcmp(c->end_date, c->start_date) < 0)
		return -EINVAL;
	return 0;
}

static int check_candidate(const struct sm_store_candidate *c)
{
	if (!FIELD_OK(c->ext_id) || !FIELD_OK(c->first_name) ||
	    !FIELD_OK(c->last_name) || !FIELD_OK(c->phone) ||
	    !FIELD_OK(c->vars))
		return -E2BIG;
	return check_number(c->phone);
}

/* ---- campaigns ------------------------------------------------------ */

#define CAMPAIGN_COLS                                                          \
	"id, name, script, trade, start_date, end_date, place, seats,"         \
	" prerequisites, state, created_at, started_at, closed_at"

static void read_campaign(sqlite3_stmt *s, struct sm_store_campaign *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(s, 0);
	col_text(s, 1, c->name, sizeof(c->name));
	col_text(s, 2, c->script, sizeof(c->script));
	col_text(s, 3, c->trade, sizeof(c->trade));
	col_text(s, 4, c->start_date, sizeof(c->start_date));
	col_text(s, 5, c->end_date, sizeof(c->end_date));
	col_text(s, 6, c->place, sizeof(c->place));
	c->seats = sqlite3_column_int(s, 7);
	col_text(s, 8, c->prerequisites, sizeof(c->prerequisites));
	c->state = (enum sm_campaign_state)parse_name(sqlite3_column_text(s, 9),
						      4, campaign_state_i);
	c->created_at = sqlite3_column_int64(s, 10);
	c->started_at = sqlite3_column_int64(s, 11);
	c->closed_at = sqlite3_column_int64(s, 12);
}

int sm_store_campaign_add(struct sm_store *st,
			  const struct sm_store_campaign *c, int64_t now,
			  int64_t *id)
{
	int rc = check_campaign(c);

	if (rc)
		return rc;
	rc = begin(st);
	if (rc)
		return rc;
	rc = exec(st,
		  "INSERT INTO campaigns (name, script, trade, start_date,"
		  " end_date, place, seats, prerequisites, state, created_at)"
		  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?)",
		  "ssssssdsi", c->name, c->script, c->trade, c->start_date,
		  c->end_date, c->place, c->seats, c->prerequisites, now);
	if (rc == 0 && id)
		*id = sqlite3_last_insert_rowid(st->db);
	return finish(st, rc);
}

static int campaign_get(struct sm_store *st, int64_t id,
			struct sm_store_campaign *out)
{
	sqlite3_stmt *s;
	int rc = query(st, &s,
		       "SELECT " CAMPAIGN_COLS " FROM campaigns WHERE id = ?",
		       "i", id);

	if (rc)
		return rc;
	rc = step(st, s);
	if (rc == 1) {
		read_campaign(s, out);
		sqlite3_reset(s);
		return 0;
	}
	return rc ? rc : -ENOENT;
}

int sm_store_campaign_get(struct sm_store *st, int64_t id,
			  struct sm_store_campaign *out)
{
	int rc = begin(st);

	if (rc)
		return rc;
	return finish(st, campaign_get(st, id, out));
}

/* Whether a campaign may go from @from to @to. */
static bool transition_ok(enum sm_campaign_state from,
			  enum sm_campaign_state to)
{
	switch (to) {
	case SM_CAMPAIGN_DRAFT:
		return false;
	case SM_CAMPAIGN_RUNNING:
		return from == SM_CAMPAIGN_DRAFT || from == SM_CAMPAIGN_PAUSED;
	case SM_CAMPAIGN_PAUSED:
		return from == SM_CAMPAIGN_RUNNING;
	case SM_CAMPAIGN_CLOSED:
		return from != SM_CAMPAIGN_CLOSED;
	}
	return false;
}

int sm_store_campaign_set_state(struct sm_store *st, int64_t id,
				enum sm_campaign_state state, int64_t now)
{
	struct sm_store_campaign c;
	int rc = begin(st);

	if (rc)
		return rc;
	rc = campaign_get(st, id, &c);
	if (rc)
		return finish(st, rc);
	if (!transition_ok(c.state, state))
		return finish(st, -EINVAL);
	rc = exec(
		st,
		"UPDATE campaigns SET state = ?,"
		" started_at = CASE WHEN ? = 'running' AND started_at = 0"
		"  THEN ? ELSE started_at END,"
		" closed_at = CASE WHEN ? = 'closed' THEN ? ELSE closed_at END"
		" WHERE id = ?",
		"ssisii", sm_campaign_state_name(state),
		sm_campaign_state_name(state), now,
		sm_campaign_state_name(state), now, id);
	/* A closed campaign sends nothing more: what it still had queued
	 * (first contacts, reminders, questions) is cancelled, except a
	 * message already being written to a modem. */
	if (rc == 0 && state == SM_CAMPAIGN_CLOSED)
		rc = exec(st, SQL_OUTBOX_CANCEL " AND campaign_id = ?", "isi",
			  now, "campaign closed", id);
	return finish(st, rc);
}

int sm_store_campaign_list(struct sm_store *st, sm_store_campaign_fn fn,
			   void *data)
{
	struct sm_store_campaign c;
	sqlite3_stmt *s;
	int rc = begin(st);

	if (rc)
		return rc;
	rc = query(st, &s,
		   "SELECT " CAMPAIGN_COLS " FROM campaigns ORDER BY id", "");
	while (rc == 0 && (rc = step(st, s)) == 1) {
		read_campaign(s, &c);
		rc = fn(&c, data);
		if (rc) {
			sqlite3_reset(s);
			break;
		}
	}
	return finish(st, rc);
}

/* Count of rows of a one-integer query into *@n (0 when no row). */
static int count(struct sm_store *st, int *n, const char *sql, int64_t id)
{
	int64_t v = 0;
	int rc = fetch_int(st, &v, sql, "i", id);

	*n = (int)v;
	return rc < 0 ? rc : 0;
}

/* Median and 5-hour share of the first reply delays of campaign @id. */
static int reply_times(struct sm_store *st, int64_t id,
		       struct sm_store_campaign_funnel *f)
{
	sqlite3_stmt *s;
	int64_t *d = NULL;
	size_t n = 0, cap = 0;
	int rc;

	f->reply_median = -1;
	f->replied_5h = 0;
	rc = query(st, &s,
		   "SELECT first_reply_at - started_at FROM conversations"
		   " WHERE campaign_id = ? AND first_reply_at > 0"
		   " ORDER BY 1",
		   "i", id);
	while (rc == 0 && (rc = step(st, s)) == 1) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			int64_t *nd = realloc(d, ncap * sizeof(*d));

			if (!nd) {
				sqlite3_reset(s);
				rc = -ENOMEM;
				break;
			}
			d = nd;
			cap = ncap;
		}
		d[n] = sqlite3_column_int64(s, 0);
		if (d[n] <= 5 * 3600)
			f->replied_5h++;
		n++;
		rc = 0;
	}
	if (rc == 0 && n)
		f->reply_median =
			n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
	free(d);
	return rc;
}

int sm_store_campaign_funnel(struct sm_store *st, int64_t id,
			     struct sm_store_campaign_funnel *out)
{
	struct sm_store_campaign c;
	struct {
		int *field;
		const char *outcome;
	} outcomes[] = {
		{&out->complete, "complete"},
		{&out->declined, "declined"},
		{&out->opted_out, "opted_out"},
		{&out->no_answer, "no_answer"},
		{&out->unreachable, "unreachable"},
		{&out->callback, "callback"},
		{&out->open, "open"},
	};
	int rc;

	memset(out, 0, sizeof(*out));
	rc = begin(st);
	if (rc)
		return rc;
	rc = campaign_get(st, id, &c);
	if (rc == 0)
		rc = count(st, &out->candidates,
			   "SELECT count(*) FROM candidates"
			   " WHERE campaign_id = ?",
			   id);
	if (rc == 0)
		rc = count(st, &out->invited,
			   "SELECT count(*) FROM conversations"
			   " WHERE campaign_id = ?",
			   id);
	/* The first message of a conversation is its lowest outbox id. */
	if (rc == 0)
		rc = count(st, &out->delivered,
			   "SELECT count(*) FROM conversations v"
			   " WHERE v.campaign_id = ? AND (SELECT o.state"
			   "  FROM outbox o WHERE o.conversation_id = v.id"
			   "  ORDER BY o.id LIMIT 1) = 'delivered'",
			   id);
	if (rc == 0)
		rc = count(st, &out->consented,
			   "SELECT count(*) FROM conversations v"
			   " WHERE v.campaign_id = ? AND (SELECT a.value"
			   "  FROM answers a WHERE a.conversation_id = v.id"
			   "  AND a.criterion = 'consent'"
			   "  ORDER BY a.at DESC, a.id DESC LIMIT 1) = 'yes'",
			   id);
	if (rc == 0)
		rc = count(st, &out->answered,
			   "SELECT count(*) FROM conversations"
			   " WHERE campaign_id = ? AND first_reply_at > 0",
			   id);
	for (size_t i = 0; rc == 0 && i < sizeof(outcomes) / sizeof(*outcomes);
	     i++) {
		int64_t v = 0;

		rc = fetch_int(st, &v,
			       "SELECT count(*) FROM conversations"
			       " WHERE campaign_id = ? AND outcome = ?",
			       "is", id, outcomes[i].outcome);
		*outcomes[i].field = (int)v;
		rc = rc < 0 ? rc : 0;
	}
	out->shortlisted = out->complete;
	if (rc == 0)
		rc = reply_times(st, id, out);
	return finish(st, rc);
}

/* ---- candidates ----------------------------------------------------- */

#define CANDIDATE_COLS                                                         \
	"id, campaign_id, ext_id, first_name, last_name, phone, vars, line,"   \
	" imported_at"

static void read_candidate(sqlite3_stmt *s, struct sm_store_candidate *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(s, 0);
	c->campaign_id = sqlite3_column_int64(s, 1);
	col_text(s, 2, c->ext_id, sizeof(c->ext_id));
	col_text(s, 3, c->first_name, sizeof(c->first_name));
	col_text(s, 4, c->last_name, sizeof(c->last_name));
	col_text(s, 5, c->phone, sizeof(c->phone));
	col_text(s, 6, c->vars, sizeof(c->vars));
	c->line = sqlite3_column_int(s, 7);
	c->imported_at = sqlite3_column_int64(s, 8);
}

/* Add or merge one row; counts it in @rep.  Inside the caller's
 * transaction. */
static int import_row(struct sm_store *st, int64_t campaign_id,
		      const struct sm_store_candidate *r, int64_t now,
		      struct sm_store_import_report *rep)
{
	int64_t v = 0;
	int rc = check_candidate(r);

	if (rc)
		return rc;
	rc = fetch_int(st, &v, "SELECT 1 FROM optouts WHERE number = ?", "s",
		       r->phone);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		rep->opted_out++;
		return 0;
	}
	rc = fetch_int(st, &v,
		       "SELECT id FROM candidates WHERE campaign_id = ?"
		       " AND phone = ?",
		       "is", campaign_id, r->phone);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		rep->merged++;
		return exec(st,
			    "UPDATE candidates SET ext_id = ?, first_name = ?,"
			    " last_name = ?, vars = ?, line = ?,"
			    " imported_at = ? WHERE id = ?",
			    "ssssdii", r->ext_id, r->first_name, r->last_name,
			    r->vars[0] ? r->vars : "{}", r->line, now, v);
	}
	rep->added++;
	return exec(st,
		    "INSERT INTO candidates (campaign_id, ext_id, first_name,"
		    " last_name, phone, vars, line, imported_at)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		    "isssssdi", campaign_id, r->ext_id, r->first_name,
		    r->last_name, r->phone, r->vars[0] ? r->vars : "{}",
		    r->line, now);
}

int sm_store_candidates_import_stream(struct sm_store *st, int64_t campaign_id,
				      sm_store_candidate_next_fn next,
				      void *data, int64_t now,
				      struct sm_store_import_report *rep)
{
	struct sm_store_import_report r = {0};
	struct sm_store_candidate *row;
	struct sm_store_campaign c;
	int rc;

	if (rep)
		*rep = r;
	/* About 2.4 KB: on the heap. */
	row = malloc(sizeof(*row));
	if (!row)
		return -ENOMEM;
	rc = begin(st);
	if (rc) {
		free(row);
		return rc;
	}
	rc = campaign_get(st, campaign_id, &c);
	if (rc == 0 && c.state == SM_CAMPAIGN_CLOSED)
		rc = -EINVAL;
	while (rc == 0) {
		memset(row, 0, sizeof(*row));
		rc = next(row, data);
		if (rc <= 0)
			break;
		rc = import_row(st, campaign_id, row, now, &r);
	}
	free(row);
	rc = finish(st, rc);
	if (rep && rc == 0)
		*rep = r;
	return rc;
}

/* The rows of an array, for sm_store_candidates_import(). */
struct row_array {
	const struct sm_store_candidate *rows; /* the array */
	size_t n, i;			       /* its size, next row */
};

static int next_in_array(struct sm_store_candidate *row, void *data)
{
	struct row_array *a = data;

	if (a->i == a->n)
		return 0;
	*row = a->rows[a->i++];
	return 1;
}

int sm_store_candidates_import(struct sm_store *st, int64_t campaign_id,
			       const struct sm_store_candidate *rows, size_t n,
			       int64_t now, struct sm_store_import_report *rep)
{
	struct row_array a = {rows, n, 0};

	return sm_store_candidates_import_stream(st, campaign_id, next_in_array,
						 &a, now, rep);
}

int sm_store_candidates_list(struct sm_store *st, int64_t campaign_id,
			     sm_store_candidate_fn fn, void *data)
{
	struct sm_store_candidate c;
	sqlite3_stmt *s;
	int rc = begin(st);

	if (rc)
		return rc;
	rc = query(st, &s,
		   "SELECT " CANDIDATE_COLS " FROM candidates"
		   " WHERE campaign_id = ? ORDER BY id",
		   "i", campaign_id);
	while (rc == 0 && (rc = step(st, s)) == 1) {
		read_candidate(s, &c);
		rc = fn(&c, data);
		if (rc) {
			sqlite3_reset(s);
			break;
		}
	}
	return finish(st, rc);
}

int sm_store_candidates_by_phone(struct sm_store *st, const char *phone,
				 sm_store_candidate_fn fn, void *data)
{
	struct sm_store_candidate c;
	sqlite3_stmt *s;
	int rc = query(st, &s,
		       "SELECT " CANDIDATE_COLS " FROM candidates"
		       " WHERE phone = ? ORDER BY id",
		       "s", phone);

	while (rc == 0 && (rc = step(st, s)) == 1) {
		read_candidate(s, &c);
		if ((rc = fn(&c, data))) {
			sqlite3_reset(s);
			break;
		}
	}
	return rc;
}

static int candidate_get(struct sm_store *st, int64_t id,
			 struct sm_store_candidate *out)
{
	sqlite3_stmt *s;
	int rc = query(st, &s,
		       "SELECT " CANDIDATE_COLS " FROM candidates WHERE id = ?",
		       "i", id);

	if (rc)
		return rc;
	rc = step(st, s);
	if (rc == 1) {
		read_candidate(s, out);
		sqlite3_reset(s);
		return 0;
	}
	return rc ? rc : -ENOENT;
}

int sm_store_candidate_get(struct sm_store *st, int64_t id,
			   struct sm_store_candidate *out)
{
	int rc = begin(st);

	if (rc)
		return rc;
	return finish(st, candidate_get(st, id, out));
}

int sm_store_candidates_uncontacted(struct sm_store *st, int max,
				    sm_store_candidate_fn fn, void *data)
{
	struct sm_store_candidate c;
	sqlite3_stmt *s;
	int rc;

	if (max < 1)
		return -EINVAL;
	rc = begin(st);
	if (rc)
		return rc;
	rc = query(st, &s,
		   "SELECT k.id, k.campaign_id, k.ext_id, k.first_name,"
		   " k.last_name, k.phone, k.vars, k.line, k.imported_at"
		   " FROM candidates k JOIN campaigns c ON c.id = k.campaign_id"
		   " WHERE c.state = 'running'"
		   " AND NOT EXISTS (SELECT 1 FROM conversations v"
		   "  WHERE v.candidate_id = k.id)"
		   " AND NOT EXISTS (SELECT 1 FROM optouts o"
		   "  WHERE o.number = k.phone)"
		   " ORDER BY k.imported_at, k.id LIMIT ?",
		   "d", max);
	while (rc == 0 && (rc = step(st, s)) == 1) {
		read_candidate(s, &c);
		rc = fn(&c, data);
		if (rc) {
			sqlite3_reset(s);
			break;
		}
	}
	return finish(st, rc);
}

/* ---- conversations -------------------------------------------------- */

#define CONV_COLS                                                              \
	"id, campaign_id, candidate_id, phone, state, outcome, started_at,"    \
	" last_sent_at, last_reply_at, first_reply_at, ended_at"

static void read_conv(sqlite3_stmt *s, struct sm_store_conversation *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(s, 0);
	c->campaign_id = sqlite3_column_int64(s, 1);
	c->candidate_id = sqlite3_column_int64(s, 2);
	col_text(s, 3, c->phone, sizeof(c->phone));
	col_text(s, 4, c->state, sizeof(c->state));
	c->outcome = (enum sm_conv_outcome)parse_name(sqlite3_column_text(s, 5),
						      7, outcome_i);
	c->started_at = sqlite3_column_int64(s, 6);
	c->last_sent_at = sqlite3_column_int64(s, 7);
	c->last_reply_at = sqlite3_column_int64(s, 8);
	c->first_reply_at = sqlite3_column_int64(s, 9);
	c->ended_at = sqlite3_column_int64(s, 10);
}

/* One conversation row from a query bound by the caller. */
static int conv_one(struct sm_store *st, sqlite3_stmt *s,
		    struct sm_store_conversation *out)
{
	int rc = step(st, s);

	if (rc == 1) {
		read_conv(s, out);
		sqlite3_reset(s);
		return 0;
	}
	return rc ? rc : -ENOENT;
}

int sm_store_conversation_add(struct sm_store *st,
			      const struct sm_store_conversation *c,
			      int64_t *id)
{
	struct sm_store_candidate k;
	int64_t v = 0;
	int rc;

	if (!FIELD_OK(c->state))
		return -E2BIG;
	rc = begin(st);
	if (rc)
		return rc;
	rc = candidate_get(st, c->candidate_id, &k);
	if (rc == 0 && c->campaign_id && c->campaign_id != k.campaign_id)
		rc = -EINVAL;
	if (rc == 0) {
		rc = fetch_int(st, &v,
			       "SELECT id FROM conversations"
			       " WHERE candidate_id = ?",
			       "i", c->candidate_id);
		rc = rc == 1 ? -EEXIST : rc;
	}
	if (rc == 0)
		rc = exec(st,
			  "INSERT INTO conversations (campaign_id,"
			  " candidate_id, phone, state, outcome, started_at,"
			  " last_sent_at, last_reply_at, first_reply_at,"
			  " ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  "iisssiiiii", k.campaign_id, k.id, k.phone, c->state,
			  sm_conv_outcome_name(c->outcome), c->started_at,
			  c->last_sent_at, c->last_reply_at, c->first_reply_at,
			  c->ended_at);
	if (rc == 0 && id)
		*id = sqlite3_last_insert_rowid(st->db);
	return finish(st, rc);
}

int sm_store_conversation_get(struct sm_store *st, int64_t id,
			      struct sm_store_conversation *out)
{
	sqlite3_stmt *s;
	int rc = begin(st);

	if (rc)
		return rc;
	rc = query(st, &s,
		   "SELECT " CONV_COLS " FROM conversations WHERE id = ?", "i",
		   id);
	if (rc == 0)
		rc = conv_one(st, s, out);
	return finish(st, rc);
}

int sm_store_conversation_find_open(struct sm_store *st, const char *phone,
				    struct sm_store_conversation *out)
{
	sqlite3_stmt *s;
	int rc;

	if (!phone)
		return -EINVAL;
	rc = begin(st);
	if (rc)
		return rc;
	rc = query(st, &s,
		   "SELECT " CONV_COLS " FROM conversations"
		   " WHERE phone = ? AND outcome = 'open' AND campaign_id IN"
		   "  (SELECT id FROM campaigns WHERE state <> 'closed')"
		   " ORDER BY last_sent_at DESC, started_at DESC, id DESC"
		   " LIMIT 1",
		   "s", phone);
	if (rc == 0)
		rc = conv_one(st, s, out);
	return finish(st, rc);
}

int sm_store_conversation_cancel_reminders(struct sm_store *st,
					   int64_t conversation_id,
					   int64_t now, int *count)
{
	int rc;

	if ((rc = begin(st)))
		return rc;
	if (count)
		*count = 0;
	rc = exec_count(st, count,
			SQL_OUTBOX_CANCEL
			" AND conversation_id = ? AND kind = 'reminder'",
			"isi", now, "answered", conversation_id);
	return finish(st, rc);
}

int sm_store_conversation_update(struct sm_store *st,
				 const struct sm_store_conversation *c)
{
	int rc;

	if (!FIELD_OK(c->state))
		return -E2BIG;
	rc = begin(st);
	if (rc)
		return rc;
	rc = exec(st,
		  "UPDATE conversations SET state = ?, outcome = ?,"
		  " started_at = ?, last_sent_at = ?, last_reply_at = ?,"
		  " first_reply_at = ?, ended_at = ? WHERE id = ?",
		  "ssiiiiii", c->state, sm_conv_outcome_name(c->outcome),
		  c->started_at, c->last_sent_at, c->last_reply_at,
		  c->first_reply_at, c->ended_at, c->id);
	if (rc == 0 && sqlite3_changes(st->db) == 0)
		rc = -ENOENT;
	return finish(st, rc);
}

int sm_store_conversations_list(struct sm_store *st, int64_t campaign_id,
				sm_store_conversation_fn fn, void *data)
{
	struct sm_store_conversation c;
	sqlite3_stmt *s;
	int rc = begin(st);

	if (rc)
		return rc;
	rc = query(st, &s,
		   "SELECT " CONV_COLS " FROM conversations"
		   " WHERE campaign_id = ? ORDER BY id",
		   "i", campaign_id);
	while (rc == 0 && (rc = step(st, s)) == 1) {
		read_conv(s, &c);
		rc = fn(&c, data);
		if (rc) {
			sqlite3_reset(s);
			break;
		}
	}
	return finish(st, rc);
}

int sm_store_conversation_by_candidate(struct sm_store *st,
				       int64_t candidate_id,
				       struct sm_store_conversation *out)
{
	sqlite3_stmt *s;
	int rc = query(st, &s,
		       "SELECT " CONV_COLS " FROM conversations"
		       " WHERE candidate_id = ?",
		       "i", candidate_id);

	return rc ? rc : conv_one(st, s, out);
}

/* ---- answers -------------------------------------------------------- */

int sm_store_answer_add(struct sm_store *st, const struct sm_store_answer *a)
{
	int64_t v = 0;
	int rc;

	if (!FIELD_OK(a->criterion) || !FIELD_OK(a->value) ||
	    !FIELD_OK(a->raw) || !FIELD_OK(a->method))
		return -E2BIG;
	if (!a->criterion[0] || a->confidence < 0 || a->confidence > 1)
		return -EINVAL;
	rc = begin(st);
	if (rc)
		return rc;
	rc = fetch_int(st, &v, "SELECT 1 FROM conversations WHERE id = ?", "i",
		       a->conversation_id);
	if (rc == 0)
		rc = -ENOENT;
	if (rc == 1)
		rc = exec(st,
			  "INSERT INTO answers (conversation_id, criterion,"
			  " value, raw, confidence, method, flags, at)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			  "isssfsii", a->conversation_id, a->criterion,
			  a->value, a->raw, a->confidence, a->method,
			  (int64_t)a->flags, a->at);
	return finish(st, rc);
}

int sm_store_answers_list(struct sm_store *st, int64_t conversation_id,
			  bool latest_only, sm_store_answer_fn fn, void *data)
{
	struct sm_store_answer a;
	sqlite3_stmt *s;
	int rc = begin(st);

	if (rc)
		return rc;
	/* Later means a later time, then a later insertion. */
	rc = query(st, &s,
		   "SELECT conversation_id, criterion, value, raw, confidence,"
		   " method, flags, at FROM answers a"
		   " WHERE conversation_id = ? AND (? = 0 OR a.id = (SELECT"
		   "  b.id FROM answers b WHERE b.conversation_id ="
		   "  a.conversation_id AND b.criterion = a.criterion"
		   "  ORDER BY b.at DESC, b.id DESC LIMIT 1))"
		   " ORDER BY at, id",
		   "id", conversation_id, latest_only ? 1 : 0);
	while (rc == 0 && (rc = step(st, s)) == 1) {
		memset(&a, 0, sizeof(a));
		a.conversation_id = sqlite3_column_int64(s, 0);
		col_text(s, 1, a.criterion, sizeof(a.criterion));
		col_text(s, 2, a.value, sizeof(a.value));
		col_text(s, 3, a.raw, sizeof(a.raw));
		a.confidence = sqlite3_column_double(s, 4);
		col_text(s, 5, a.method, sizeof(a.method));
		a.flags = (unsigned)sqlite3_column_int64(s, 6);
		a.at = sqlite3_column_int64(s, 7);
		rc = fn(&a, data);
		if (rc) {
			sqlite3_reset(s);
			break;
		}
	}
	return finish(st, rc);
}

/* ---- transcript ----------------------------------------------------- */

int sm_store_inbox_set_conversation(struct sm_store *st, int64_t inbox_id,
				    int64_t conversation_id)
{
	int64_t v = 0;
	int rc = begin(st);

	if (rc)
		return rc;
	rc = fetch_int(st, &v, "SELECT 1 FROM conversations WHERE id = ?", "i",
		       conversation_id);
	if (rc == 1)
		rc = exec(st,
			  "UPDATE inbox SET conversation_id = ? WHERE id = ?",
			  "ii", conversation_id, inbox_id);
	else if (rc == 0)
		rc = -ENOENT;
	if (rc == 0 && sqlite3_changes(st->db) == 0)
		rc = -ENOENT;
	return finish(st, rc);
}

int sm_store_transcript(struct sm_store *st, int64_t conversation_id,
			sm_store_transcript_fn fn, void *data)
{
	struct sm_store_transcript_row *r;
	sqlite3_stmt *s;
	int rc;

	/* About 4 KB: on the heap rather than on a callback's stack. */
	r = malloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	rc = begin(st);
	if (rc) {
		free(r);
		return rc;
	}
	/* At the same second an inbound message comes first: the outbound
	 * one answers it. */
	rc = query(st, &s,
		   "SELECT at, inbound, text, state FROM ("
		   " SELECT created_at AS at, 0 AS inbound, text, state, id"
		   "  FROM outbox WHERE conversation_id = ?1"
		   " UNION ALL"
		   " SELECT received_at, 1, text, '', id"
		   "  FROM inbox WHERE conversation_id = ?1)"
		   " ORDER BY at, inbound DESC, id",
		   "i", conversation_id);
	while (rc == 0 && (rc = step(st, s)) == 1) {
		memset(r, 0, sizeof(*r));
		r->at = sqlite3_column_int64(s, 0);
		r->inbound = sqlite3_column_int(s, 1) != 0;
		col_text_utf8(s, 2, r->text, sizeof(r->text));
		col_text(s, 3, r->state, sizeof(r->state));
		rc = fn(r, data);
		if (rc) {
			sqlite3_reset(s);
			break;
		}
	}
	free(r);
	return finish(st, rc);
}
