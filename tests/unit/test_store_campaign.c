/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_store_campaign.c - schema 2 of the store: campaign checks and life
 * cycle (every transition, allowed or not), candidate import (all or
 * nothing, merged duplicates, opted-out numbers, persistence in a file),
 * conversations (find_open, update, uncontacted candidates of running
 * campaigns), answers (latest_only), transcripts, the funnel, and the
 * in-place migration of a schema-1 file written by the previous store.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "smsmatch/store_campaign.h"

#define T0 1760000000 /* a fixed "now" */

/* ---- helpers -------------------------------------------------------- */

struct tmpdb {
	char path[64];
};

static void tmpdb_make(struct tmpdb *t)
{
	snprintf(t->path, sizeof(t->path), "/tmp/test_store_camp.XXXXXX");
	int fd = mkstemp(t->path);
	assert_true(fd >= 0);
	close(fd);
	unlink(t->path);
}

static void tmpdb_remove(struct tmpdb *t)
{
	char p[80];

	unlink(t->path);
	snprintf(p, sizeof(p), "%s-wal", t->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", t->path);
	unlink(p);
}

static struct sm_store *open_db(const char *path)
{
	struct sm_store *st = NULL;
	char err[256] = "";

	assert_int_equal(sm_store_open(path, &st, err, sizeof(err)), 0);
	return st;
}

static struct sm_store_campaign campaign_def(const char *name)
{
	struct sm_store_campaign c = {0};

	snprintf(c.name, sizeof(c.name), "%s", name);
	snprintf(c.script, sizeof(c.script), "conf/scripts/as.conf");
	snprintf(c.trade, sizeof(c.trade), "aide-soignant");
	snprintf(c.start_date, sizeof(c.start_date), "2026-03-02");
	snprintf(c.end_date, sizeof(c.end_date), "2026-06-26");
	snprintf(c.place, sizeof(c.place), "IFSAS Metz");
	snprintf(c.prerequisites, sizeof(c.prerequisites),
		 "permis B\nvaccins à jour");
	c.seats = 12;
	return c;
}

static int64_t add_campaign(struct sm_store *st, const char *name)
{
	struct sm_store_campaign c = campaign_def(name);
	int64_t id = 0;

	assert_int_equal(sm_store_campaign_add(st, &c, T0, &id), 0);
	assert_true(id > 0);
	return id;
}

static struct sm_store_candidate cand(const char *first, const char *phone,
				      int line)
{
	struct sm_store_candidate c = {0};

	snprintf(c.first_name, sizeof(c.first_name), "%s", first);
	snprintf(c.last_name, sizeof(c.last_name), "Nom%d", line);
	snprintf(c.ext_id, sizeof(c.ext_id), "ID%d", line);
	snprintf(c.phone, sizeof(c.phone), "%s", phone);
	snprintf(c.vars, sizeof(c.vars), "{\"cp\":\"5700%d\"}", line % 10);
	c.line = line;
	return c;
}

/* Candidates of a campaign, collected. */
struct cand_list {
	int n;
	struct sm_store_candidate c[16];
};

static int collect_cand(const struct sm_store_candidate *c, void *data)
{
	struct cand_list *l = data;

	if (l->n < 16)
		l->c[l->n] = *c;
	l->n++;
	return 0;
}

static int64_t conv_start(struct sm_store *st, int64_t cand_id, int64_t at)
{
	struct sm_store_conversation c = {0};
	int64_t id = 0;

	c.candidate_id = cand_id;
	c.started_at = at;
	c.last_sent_at = at;
	snprintf(c.state, sizeof(c.state), "node=hello");
	assert_int_equal(sm_store_conversation_add(st, &c, &id), 0);
	assert_true(id > 0);
	return id;
}

/* ---- campaigns ------------------------------------------------------ */

static void test_campaign_add_checks(void **state)
{
	struct sm_store *st = open_db(":memory:");
	struct sm_store_campaign c, got;
	int64_t id = 0;

	c = campaign_def("");
	assert_int_equal(sm_store_campaign_add(st, &c, T0, &id), -EINVAL);
	c = campaign_def("x");
	c.seats = 0;
	assert_int_equal(sm_store_campaign_add(st, &c, T0, &id), -EINVAL);
	c = campaign_def("x");
	snprintf(c.start_date, sizeof(c.start_date), "02/03/2026");
	assert_int_equal(sm_store_campaign_add(st, &c, T0, &id), -EINVAL);
	c = campaign_def("x");
	snprintf(c.start_date, sizeof(c.start_date), "2026-02-30");
	assert_int_equal(sm_store_campaign_add(st, &c, T0, &id), -EINVAL);
	c = campaign_def("x");
	snprintf(c.end_date, sizeof(c.end_date), "2026-03-01");
	assert_int_equal(sm_store_campaign_add(st, &c, T0, &id), -EINVAL);
	c = campaign_def("x");
	memset(c.name, 'a', sizeof(c.name)); /* no NUL */
	assert_int_equal(sm_store_campaign_add(st, &c, T0, &id), -E2BIG);
	/* 29 February of a leap year, one-day session. */
	c = campaign_def("Leap");
	snprintf(c.start_date, sizeof(c.start_date), "2028-02-29");
	snprintf(c.end_date, sizeof(c.end_date), "2028-02-29");
	assert_int_equal(sm_store_campaign_add(st, &c, T0, &id), 0);
	assert_int_equal(id, 1);

	id = add_campaign(st, "Aide-soignant Metz mars");
	assert_int_equal(id, 2);
	assert_int_equal(sm_store_campaign_get(st, id, &got), 0);
	assert_string_equal(got.name, "Aide-soignant Metz mars");
	assert_string_equal(got.script, "conf/scripts/as.conf");
	assert_string_equal(got.trade, "aide-soignant");
	assert_string_equal(got.start_date, "2026-03-02");
	assert_string_equal(got.end_date, "2026-06-26");
	assert_string_equal(got.place, "IFSAS Metz");
	assert_string_equal(got.prerequisites, "permis B\nvaccins à jour");
	assert_int_equal(got.seats, 12);
	assert_int_equal(got.state, SM_CAMPAIGN_DRAFT);
	assert_int_equal(got.created_at, T0);
	assert_int_equal(got.started_at, 0);
	assert_int_equal(got.closed_at, 0);
	assert_int_equal(sm_store_campaign_get(st, 99, &got), -ENOENT);
	sm_store_close(st);
}

static void test_campaign_transitions(void **state)
{
	static const struct {
		enum sm_campaign_state from, to;
		int rc;
	} v[] = {
		{SM_CAMPAIGN_DRAFT, SM_CAMPAIGN_DRAFT, -EINVAL},
		{SM_CAMPAIGN_DRAFT, SM_CAMPAIGN_RUNNING, 0},
		{SM_CAMPAIGN_DRAFT, SM_CAMPAIGN_PAUSED, -EINVAL},
		{SM_CAMPAIGN_DRAFT, SM_CAMPAIGN_CLOSED, 0},
		{SM_CAMPAIGN_RUNNING, SM_CAMPAIGN_DRAFT, -EINVAL},
		{SM_CAMPAIGN_RUNNING, SM_CAMPAIGN_RUNNING, -EINVAL},
		{SM_CAMPAIGN_RUNNING, SM_CAMPAIGN_PAUSED, 0},
		{SM_CAMPAIGN_RUNNING, SM_CAMPAIGN_CLOSED, 0},
		{SM_CAMPAIGN_PAUSED, SM_CAMPAIGN_DRAFT, -EINVAL},
		{SM_CAMPAIGN_PAUSED, SM_CAMPAIGN_RUNNING, 0},
		{SM_CAMPAIGN_PAUSED, SM_CAMPAIGN_PAUSED, -EINVAL},
		{SM_CAMPAIGN_PAUSED, SM_CAMPAIGN_CLOSED, 0},
		{SM_CAMPAIGN_CLOSED, SM_CAMPAIGN_DRAFT, -EINVAL},
		{SM_CAMPAIGN_CLOSED, SM_CAMPAIGN_RUNNING, -EINVAL},
		{SM_CAMPAIGN_CLOSED, SM_CAMPAIGN_PAUSED, -EINVAL},
		{SM_CAMPAIGN_CLOSED, SM_CAMPAIGN_CLOSED, -EINVAL},
	};
	struct sm_store *st = open_db(":memory:");
	struct sm_store_campaign c;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int64_t id = add_campaign(st, "t");

		/* Walk to @from by allowed steps. */
		if (v[i].from == SM_CAMPAIGN_RUNNING ||
		    v[i].from == SM_CAMPAIGN_PAUSED)
			assert_int_equal(
				sm_store_campaign_set_state(
					st, id, SM_CAMPAIGN_RUNNING, T0 + 10),
				0);
		if (v[i].from != SM_CAMPAIGN_DRAFT &&
		    v[i].from != SM_CAMPAIGN_RUNNING)
			assert_int_equal(sm_store_campaign_set_state(
						 st, id, v[i].from, T0 + 20),
					 0);
		assert_int_equal(sm_store_campaign_get(st, id, &c), 0);
		assert_int_equal(c.state, v[i].from);
		assert_int_equal(
			sm_store_campaign_set_state(st, id, v[i].to, T0 + 30),
			v[i].rc);
		assert_int_equal(sm_store_campaign_get(st, id, &c), 0);
		assert_int_equal(c.state, v[i].rc ? v[i].from : v[i].to);
	}
	assert_int_equal(
		sm_store_campaign_set_state(st, 999, SM_CAMPAIGN_RUNNING, T0),
		-ENOENT);
	sm_store_close(st);
}

static void test_campaign_times(void **state)
{
	struct sm_store *st = open_db(":memory:");
	struct sm_store_campaign c;
	int64_t id = add_campaign(st, "times");

	assert_int_equal(sm_store_campaign_set_state(
				 st, id, SM_CAMPAIGN_RUNNING, T0 + 1),
			 0);
	assert_int_equal(
		sm_store_campaign_set_state(st, id, SM_CAMPAIGN_PAUSED, T0 + 2),
		0);
	assert_int_equal(sm_store_campaign_set_state(
				 st, id, SM_CAMPAIGN_RUNNING, T0 + 3),
			 0);
	assert_int_equal(sm_store_campaign_get(st, id, &c), 0);
	assert_int_equal(c.started_at, T0 + 1); /* the first start stays */
	assert_int_equal(c.closed_at, 0);
	assert_int_equal(
		sm_store_campaign_set_state(st, id, SM_CAMPAIGN_CLOSED, T0 + 4),
		0);
	assert_int_equal(sm_store_campaign_get(st, id, &c), 0);
	assert_int_equal(c.closed_at, T0 + 4);
	assert_string_equal(sm_campaign_state_name(c.state), "closed");
	sm_store_close(st);
	(void)state;
}

/* Closing a campaign cancels what it still had queued, and only that. */
static void test_close_cancels_queued(void **state)
{
	struct sm_store *st = open_db(":memory:");
	int64_t a = add_campaign(st, "closing"), b = add_campaign(st, "other");
	struct sm_store_enqueue e = {
		.recipient = "+33611111111",
		.text = "Bonjour",
		.kind = SM_KIND_FIRST_CONTACT,
		.nparts = 1,
	};
	struct sm_store_outmsg m;
	int64_t ma = 0, mb = 0, manual = 0;

	e.campaign_id = a;
	assert_int_equal(sm_store_enqueue(st, &e, T0, &ma), 0);
	e.campaign_id = b;
	e.recipient = "+33622222222";
	assert_int_equal(sm_store_enqueue(st, &e, T0, &mb), 0);
	e.campaign_id = 0;
	e.kind = SM_KIND_MANUAL;
	assert_int_equal(sm_store_enqueue(st, &e, T0, &manual), 0);
	assert_int_equal(sm_store_campaign_set_state(
				 st, a, SM_CAMPAIGN_RUNNING, T0 + 1),
			 0);
	assert_int_equal(
		sm_store_campaign_set_state(st, a, SM_CAMPAIGN_CLOSED, T0 + 2),
		0);
	assert_int_equal(sm_store_outbox_get(st, ma, &m), 0);
	assert_int_equal(m.state, SM_OUT_CANCELLED);
	assert_string_equal(m.last_error, "campaign closed");
	assert_int_equal(sm_store_outbox_get(st, mb, &m), 0);
	assert_int_equal(m.state, SM_OUT_QUEUED);
	assert_int_equal(sm_store_outbox_get(st, manual, &m), 0);
	assert_int_equal(m.state, SM_OUT_QUEUED);
	sm_store_close(st);
}

struct camp_list {
	int n;
	int64_t ids[8];
	char names[8][SM_CAMP_NAME_MAX];
};

static int collect_camp(const struct sm_store_campaign *c, void *data)
{
	struct camp_list *l = data;

	l->ids[l->n] = c->id;
	snprintf(l->names[l->n], SM_CAMP_NAME_MAX, "%s", c->name);
	l->n++;
	return l->n == 2 ? 7 : 0; /* stop after two */
}

static void test_campaign_list(void **state)
{
	struct sm_store *st = open_db(":memory:");
	struct camp_list l = {0};

	add_campaign(st, "un");
	add_campaign(st, "deux");
	add_campaign(st, "trois");
	assert_int_equal(sm_store_campaign_list(st, collect_camp, &l), 7);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.names[0], "un");
	assert_string_equal(l.names[1], "deux");
	assert_int_equal(l.ids[1], 2);
	/* The store is usable after a stopped list. */
	add_campaign(st, "quatre");
	sm_store_close(st);
}

/* ---- import --------------------------------------------------------- */

static void test_import_merge_optout(void **state)
{
	struct sm_store *st = open_db(":memory:");
	int64_t id = add_campaign(st, "import");
	int64_t other = add_campaign(st, "other");
	struct sm_store_import_report rep;
	struct cand_list l = {0};
	struct sm_store_candidate rows[5];

	assert_int_equal(sm_store_optout_add(st, "+33699999999", SM_OPTOUT_SMS,
					     T0, "STOP", NULL),
			 0);
	rows[0] = cand("Awa", "+33611111111", 2);
	rows[1] = cand("Bruno", "+33622222222", 3);
	rows[2] = cand("Stop", "+33699999999", 4);
	rows[3] = cand("Awa-Marie", "+33611111111", 5); /* same phone */
	rows[4] = cand("Chloé", "+32470123456", 6);
	assert_int_equal(
		sm_store_candidates_import(st, id, rows, 5, T0 + 5, &rep), 0);
	assert_int_equal(rep.added, 3);
	assert_int_equal(rep.merged, 1);
	assert_int_equal(rep.opted_out, 1);

	assert_int_equal(sm_store_candidates_list(st, id, collect_cand, &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.c[0].first_name, "Awa-Marie"); /* later row */
	assert_string_equal(l.c[0].last_name, "Nom5");
	assert_string_equal(l.c[0].ext_id, "ID5");
	assert_string_equal(l.c[0].vars, "{\"cp\":\"57005\"}");
	assert_int_equal(l.c[0].line, 5);
	assert_string_equal(l.c[1].phone, "+33622222222");
	assert_string_equal(l.c[2].first_name, "Chloé");
	assert_int_equal(l.c[2].imported_at, T0 + 5);
	assert_int_equal(l.c[2].campaign_id, id);

	/* A second import merges with what is stored. */
	rows[0] = cand("Bruno B.", "+33622222222", 2);
	rows[1] = cand("Dan", "+33633333333", 3);
	assert_int_equal(
		sm_store_candidates_import(st, id, rows, 2, T0 + 6, &rep), 0);
	assert_int_equal(rep.added, 1);
	assert_int_equal(rep.merged, 1);
	assert_int_equal(rep.opted_out, 0);

	/* The same phone in another campaign is another candidate. */
	assert_int_equal(
		sm_store_candidates_import(st, other, rows, 1, T0 + 7, &rep),
		0);
	assert_int_equal(rep.added, 1);

	l.n = 0;
	assert_int_equal(sm_store_candidates_list(st, id, collect_cand, &l), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.c[1].first_name, "Bruno B.");
	struct sm_store_candidate one;
	assert_int_equal(sm_store_candidate_get(st, l.c[3].id, &one), 0);
	assert_string_equal(one.first_name, "Dan");
	assert_int_equal(sm_store_candidate_get(st, 999, &one), -ENOENT);
	sm_store_close(st);
}

static void test_import_all_or_nothing(void **state)
{
	struct sm_store *st = open_db(":memory:");
	int64_t id = add_campaign(st, "atomic");
	struct sm_store_import_report rep = {9, 9, 9};
	struct cand_list l = {0};
	struct sm_store_candidate rows[4];

	rows[0] = cand("A", "+33611111111", 2);
	rows[1] = cand("B", "+33622222222", 3);
	rows[2] = cand("C", "0633333333", 4); /* not E.164: fails */
	rows[3] = cand("D", "+33644444444", 5);
	assert_int_equal(sm_store_candidates_import(st, id, rows, 4, T0, &rep),
			 -EINVAL);
	assert_int_equal(rep.added, 0);
	assert_int_equal(rep.merged, 0);
	assert_int_equal(sm_store_candidates_list(st, id, collect_cand, &l), 0);
	assert_int_equal(l.n, 0);

	/* A field without its NUL fails the same way, after valid rows. */
	rows[2] = cand("C", "+33633333333", 4);
	memset(rows[3].vars, '{', sizeof(rows[3].vars));
	assert_int_equal(sm_store_candidates_import(st, id, rows, 4, T0, NULL),
			 -E2BIG);
	assert_int_equal(sm_store_candidates_list(st, id, collect_cand, &l), 0);
	assert_int_equal(l.n, 0);

	/* Unknown and closed campaigns. */
	assert_int_equal(sm_store_candidates_import(st, 77, rows, 1, T0, NULL),
			 -ENOENT);
	assert_int_equal(
		sm_store_campaign_set_state(st, id, SM_CAMPAIGN_CLOSED, T0), 0);
	assert_int_equal(sm_store_candidates_import(st, id, rows, 1, T0, NULL),
			 -EINVAL);
	sm_store_close(st);
}

/* A stream of rows that fails after @fail_at rows. */
struct stream {
	int i, n, fail_at;
};

static int next_row(struct sm_store_candidate *row, void *data)
{
	struct stream *s = data;
	char phone[16];

	if (s->i == s->fail_at)
		return -EILSEQ;
	if (s->i == s->n)
		return 0;
	snprintf(phone, sizeof(phone), "+3370000%04d", s->i);
	*row = cand("S", phone, s->i + 2);
	s->i++;
	return 1;
}

static void test_import_stream(void **state)
{
	struct sm_store *st = open_db(":memory:");
	int64_t id = add_campaign(st, "stream");
	struct sm_store_import_report rep;
	struct cand_list l = {0};
	struct stream s = {0, 50, 40};

	/* The source fails at row 40: nothing stays. */
	assert_int_equal(sm_store_candidates_import_stream(st, id, next_row, &s,
							   T0, &rep),
			 -EILSEQ);
	assert_int_equal(rep.added, 0);
	assert_int_equal(sm_store_candidates_list(st, id, collect_cand, &l), 0);
	assert_int_equal(l.n, 0);
	s = (struct stream){0, 50, -1};
	assert_int_equal(sm_store_candidates_import_stream(st, id, next_row, &s,
							   T0, &rep),
			 0);
	assert_int_equal(rep.added, 50);
	assert_int_equal(sm_store_candidates_list(st, id, collect_cand, &l), 0);
	assert_int_equal(l.n, 50);
	sm_store_close(st);
}

static void test_import_file_persists(void **state)
{
	struct tmpdb t;
	struct sm_store *st;
	struct sm_store_candidate *rows;
	struct sm_store_import_report rep;
	struct sm_store_campaign_funnel f;
	enum { N = 2000 };
	int64_t id;

	tmpdb_make(&t);
	st = open_db(t.path);
	id = add_campaign(st, "file");
	rows = calloc(N, sizeof(*rows));
	assert_non_null(rows);
	for (int i = 0; i < N; i++) {
		char phone[16];

		snprintf(phone, sizeof(phone), "+336%08d", i % (N - 100));
		rows[i] = cand("P", phone, i + 2);
	}
	assert_int_equal(sm_store_candidates_import(st, id, rows, N, T0, &rep),
			 0);
	assert_int_equal(rep.added, N - 100);
	assert_int_equal(rep.merged, 100);
	sm_store_close(st);

	st = open_db(t.path);
	assert_int_equal(sm_store_campaign_funnel(st, id, &f), 0);
	assert_int_equal(f.candidates, N - 100);
	assert_int_equal(f.invited, 0);
	assert_int_equal(f.reply_median, -1);
	sm_store_close(st);
	free(rows);
	tmpdb_remove(&t);
}

/* ---- conversations -------------------------------------------------- */

struct conv_list {
	int n;
	int64_t ids[4];
	enum sm_conv_outcome outcomes[4];
};

static int collect_conv(const struct sm_store_conversation *c, void *data)
{
	struct conv_list *l = data;

	if (l->n < 4) {
		l->ids[l->n] = c->id;
		l->outcomes[l->n] = c->outcome;
	}
	l->n++;
	return 0;
}

static void test_conversations(void **state)
{
	struct sm_store *st = open_db(":memory:");
	int64_t id = add_campaign(st, "conv");
	struct sm_store_candidate rows[2] = {
		cand("A", "+33611111111", 2),
		cand("B", "+33622222222", 3),
	};
	struct sm_store_conversation c = {0}, got;
	struct cand_list l = {0};
	int64_t cv1, cv2;

	assert_int_equal(sm_store_candidates_import(st, id, rows, 2, T0, NULL),
			 0);
	assert_int_equal(sm_store_candidates_list(st, id, collect_cand, &l), 0);

	cv1 = conv_start(st, l.c[0].id, T0 + 10);
	assert_int_equal(sm_store_conversation_get(st, cv1, &got), 0);
	assert_int_equal(got.campaign_id, id);
	assert_int_equal(got.candidate_id, l.c[0].id);
	assert_string_equal(got.phone, "+33611111111");
	assert_string_equal(got.state, "node=hello");
	assert_int_equal(got.outcome, SM_CONV_OPEN);
	assert_int_equal(got.started_at, T0 + 10);

	/* One per candidate; unknown candidate; wrong campaign. */
	c.candidate_id = l.c[0].id;
	assert_int_equal(sm_store_conversation_add(st, &c, NULL), -EEXIST);
	c.candidate_id = 999;
	assert_int_equal(sm_store_conversation_add(st, &c, NULL), -ENOENT);
	c.candidate_id = l.c[1].id;
	c.campaign_id = id + 1;
	assert_int_equal(sm_store_conversation_add(st, &c, NULL), -EINVAL);

	/* find_open by phone. */
	assert_int_equal(
		sm_store_conversation_find_open(st, "+33611111111", &got), 0);
	assert_int_equal(got.id, cv1);
	assert_int_equal(
		sm_store_conversation_find_open(st, "+33622222222", &got),
		-ENOENT);

	/* The same phone in a second campaign: the most recent open one. */
	int64_t id2 = add_campaign(st, "conv2");
	assert_int_equal(sm_store_candidates_import(st, id2, rows, 1, T0, NULL),
			 0);
	l.n = 0;
	assert_int_equal(sm_store_candidates_list(st, id2, collect_cand, &l),
			 0);
	cv2 = conv_start(st, l.c[0].id, T0 + 20);
	assert_int_equal(
		sm_store_conversation_find_open(st, "+33611111111", &got), 0);
	assert_int_equal(got.id, cv2);

	/* Update: it ends; the older one is found again. */
	got.outcome = SM_CONV_COMPLETE;
	got.first_reply_at = T0 + 30;
	got.last_reply_at = T0 + 40;
	got.ended_at = T0 + 41;
	snprintf(got.state, sizeof(got.state), "node=end");
	assert_int_equal(sm_store_conversation_update(st, &got), 0);
	assert_int_equal(sm_store_conversation_get(st, cv2, &got), 0);
	assert_int_equal(got.outcome, SM_CONV_COMPLETE);
	assert_int_equal(got.first_reply_at, T0 + 30);
	assert_int_equal(got.last_reply_at, T0 + 40);
	assert_int_equal(got.ended_at, T0 + 41);
	assert_string_equal(got.state, "node=end");
	assert_string_equal(sm_conv_outcome_name(got.outcome), "complete");
	assert_int_equal(
		sm_store_conversation_find_open(st, "+33611111111", &got), 0);
	assert_int_equal(got.id, cv1);
	got.id = 999;
	assert_int_equal(sm_store_conversation_update(st, &got), -ENOENT);

	/* The one texted last first; a closed campaign's is not found. */
	int64_t id3 = add_campaign(st, "conv3");
	int64_t cv3;
	assert_int_equal(sm_store_candidates_import(st, id3, rows, 1, T0, NULL),
			 0);
	l.n = 0;
	assert_int_equal(sm_store_candidates_list(st, id3, collect_cand, &l),
			 0);
	cv3 = conv_start(st, l.c[0].id, T0 + 50);
	assert_int_equal(sm_store_conversation_get(st, cv1, &got), 0);
	got.last_sent_at = T0 + 60; /* cv1 asked its next question since */
	assert_int_equal(sm_store_conversation_update(st, &got), 0);
	assert_int_equal(
		sm_store_conversation_find_open(st, "+33611111111", &got), 0);
	assert_int_equal(got.id, cv1);
	assert_int_equal(sm_store_campaign_set_state(st, id, SM_CAMPAIGN_CLOSED,
						     T0 + 70),
			 0);
	assert_int_equal(
		sm_store_conversation_find_open(st, "+33611111111", &got), 0);
	assert_int_equal(got.id, cv3);
	assert_int_equal(sm_store_campaign_set_state(st, id3,
						     SM_CAMPAIGN_CLOSED, T0 + 70),
			 0);
	assert_int_equal(
		sm_store_conversation_find_open(st, "+33611111111", &got),
		-ENOENT);

	/* Listed per campaign. */
	struct conv_list cl = {0};
	assert_int_equal(sm_store_conversations_list(st, id, collect_conv, &cl),
			 0);
	assert_int_equal(cl.n, 1);
	assert_int_equal(cl.ids[0], cv1);
	cl.n = 0;
	assert_int_equal(
		sm_store_conversations_list(st, id2, collect_conv, &cl), 0);
	assert_int_equal(cl.n, 1);
	assert_int_equal(cl.ids[0], cv2);
	assert_int_equal(cl.outcomes[0], SM_CONV_COMPLETE);
	sm_store_close(st);
}

/* A reply cancels the reminders still waiting; one transaction around
 * several calls, each call a savepoint in it. */
static void test_cancel_reminders_tx(void **state)
{
	struct sm_store *st = open_db(":memory:");
	int64_t id = add_campaign(st, "rem");
	struct sm_store_candidate rows[1] = {cand("A", "+33611111111", 2)};
	struct cand_list l = {0};
	struct sm_store_queue_stats qs;
	int64_t cv, m1, m2;
	int n = -1;

	(void)state;
	assert_int_equal(sm_store_candidates_import(st, id, rows, 1, T0, NULL),
			 0);
	assert_int_equal(sm_store_candidates_list(st, id, collect_cand, &l), 0);
	cv = conv_start(st, l.c[0].id, T0);
	struct sm_store_enqueue e = {
		.recipient = "+33611111111",
		.text = "Nous attendons votre réponse",
		.kind = SM_KIND_REMINDER,
		.campaign_id = id,
		.conversation_id = cv,
		.nparts = 1,
	};
	assert_int_equal(sm_store_enqueue(st, &e, T0, &m1), 0);
	e.kind = SM_KIND_REPLY;
	e.text = "Question suivante";
	assert_int_equal(sm_store_enqueue(st, &e, T0, &m2), 0);

	assert_int_equal(sm_store_tx_begin(st), 0);
	assert_int_equal(sm_store_tx_begin(st), -EINVAL); /* no nesting */
	assert_int_equal(sm_store_conversation_cancel_reminders(st, cv, T0 + 5,
								&n),
			 0);
	assert_int_equal(n, 1);
	/* A failing call inside undoes only itself. */
	assert_int_equal(sm_store_conversation_add(
				 st,
				 &(struct sm_store_conversation){
					 .candidate_id = 999},
				 NULL),
			 -ENOENT);
	assert_int_equal(sm_store_tx_end(st, 0), 0);
	assert_int_equal(sm_store_tx_end(st, 0), -EINVAL);
	assert_int_equal(sm_store_queue_stats(st, &qs), 0);
	assert_int_equal(qs.count[SM_OUT_CANCELLED], 1);
	assert_int_equal(qs.count[SM_OUT_QUEUED], 1);

	/* Rolled back as a whole. */
	assert_int_equal(sm_store_tx_begin(st), 0);
	assert_int_equal(sm_store_enqueue(st, &e, T0, NULL), 0);
	assert_int_equal(sm_store_tx_end(st, -EIO), -EIO);
	assert_int_equal(sm_store_queue_stats(st, &qs), 0);
	assert_int_equal(qs.count[SM_OUT_QUEUED], 1);
	/* Nothing left to cancel. */
	assert_int_equal(sm_store_conversation_cancel_reminders(st, cv, T0 + 6,
								&n),
			 0);
	assert_int_equal(n, 0);
	sm_store_close(st);
}

static void test_uncontacted(void **state)
{
	struct sm_store *st = open_db(":memory:");
	int64_t draft = add_campaign(st, "draft");
	int64_t run = add_campaign(st, "running");
	int64_t paused = add_campaign(st, "paused");
	struct sm_store_candidate rows[4] = {
		cand("A", "+33611111111", 2),
		cand("B", "+33622222222", 3),
		cand("C", "+33633333333", 4),
		cand("D", "+33644444444", 5),
	};
	struct cand_list l = {0};

	assert_int_equal(
		sm_store_candidates_import(st, draft, rows, 4, T0, NULL), 0);
	assert_int_equal(
		sm_store_candidates_import(st, paused, rows, 4, T0, NULL), 0);
	assert_int_equal(
		sm_store_candidates_import(st, run, rows + 2, 2, T0 + 1, NULL),
		0);
	assert_int_equal(
		sm_store_candidates_import(st, run, rows, 2, T0 + 2, NULL), 0);
	/* Nothing is running yet. */
	assert_int_equal(
		sm_store_candidates_uncontacted(st, 10, collect_cand, &l), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(
		sm_store_campaign_set_state(st, run, SM_CAMPAIGN_RUNNING, T0),
		0);
	assert_int_equal(sm_store_campaign_set_state(st, paused,
						     SM_CAMPAIGN_RUNNING, T0),
			 0);
	assert_int_equal(
		sm_store_campaign_set_state(st, paused, SM_CAMPAIGN_PAUSED, T0),
		0);
	assert_int_equal(
		sm_store_candidates_uncontacted(st, 10, collect_cand, &l), 0);
	assert_int_equal(l.n, 4);
	/* Oldest import first: C, D (T0 + 1), then A, B (T0 + 2). */
	assert_string_equal(l.c[0].first_name, "C");
	assert_string_equal(l.c[1].first_name, "D");
	assert_string_equal(l.c[2].first_name, "A");
	for (int i = 0; i < 4; i++)
		assert_int_equal(l.c[i].campaign_id, run);

	/* max, and a contacted candidate leaves the list. */
	conv_start(st, l.c[0].id, T0 + 3);
	l.n = 0;
	assert_int_equal(
		sm_store_candidates_uncontacted(st, 2, collect_cand, &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.c[0].first_name, "D");
	assert_string_equal(l.c[1].first_name, "A");

	/* A number that opted out after the import is never contacted. */
	assert_int_equal(sm_store_optout_add(st, "+33644444444",
					     SM_OPTOUT_ADVISOR, T0, NULL, NULL),
			 0);
	l.n = 0;
	assert_int_equal(
		sm_store_candidates_uncontacted(st, 10, collect_cand, &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.c[0].first_name, "A");
	assert_int_equal(
		sm_store_candidates_uncontacted(st, 0, collect_cand, &l),
		-EINVAL);
	sm_store_close(st);
}

/* ---- answers -------------------------------------------------------- */

struct ans_list {
	int n;
	struct sm_store_answer a[8];
};

static int collect_ans(const struct sm_store_answer *a, void *data)
{
	struct ans_list *l = data;

	if (l->n < 8)
		l->a[l->n] = *a;
	l->n++;
	return 0;
}

static void answer(struct sm_store *st, int64_t conv, const char *crit,
		   const char *value, const char *raw, int64_t at)
{
	struct sm_store_answer a = {0};

	a.conversation_id = conv;
	snprintf(a.criterion, sizeof(a.criterion), "%s", crit);
	snprintf(a.value, sizeof(a.value), "%s", value);
	snprintf(a.raw, sizeof(a.raw), "%s", raw);
	snprintf(a.method, sizeof(a.method), "rules");
	a.confidence = 0.75;
	a.flags = SM_ANSWER_F_CONDITIONAL;
	a.at = at;
	assert_int_equal(sm_store_answer_add(st, &a), 0);
}

static void test_answers(void **state)
{
	struct sm_store *st = open_db(":memory:");
	int64_t id = add_campaign(st, "answers");
	struct sm_store_candidate row = cand("A", "+33611111111", 2);
	struct sm_store_answer bad = {0};
	struct cand_list l = {0};
	struct ans_list al = {0};
	int64_t cv;

	assert_int_equal(sm_store_candidates_import(st, id, &row, 1, T0, NULL),
			 0);
	assert_int_equal(sm_store_candidates_list(st, id, collect_cand, &l), 0);
	cv = conv_start(st, l.c[0].id, T0);
	answer(st, cv, "consent", "yes", "oui", T0 + 10);
	answer(st, cv, "transport", "car", "oui si c'est à Metz", T0 + 20);
	answer(st, cv, "transport", "none", "en fait non pas de voiture",
	       T0 + 30);
	answer(st, cv, "available", "yes", "dispo", T0 + 40);

	assert_int_equal(sm_store_answers_list(st, cv, false, collect_ans, &al),
			 0);
	assert_int_equal(al.n, 4);
	assert_string_equal(al.a[1].value, "car");
	assert_string_equal(al.a[1].raw, "oui si c'est à Metz");
	assert_true(al.a[1].confidence > 0.74 && al.a[1].confidence < 0.76);
	assert_string_equal(al.a[1].method, "rules");
	assert_int_equal(al.a[1].flags, SM_ANSWER_F_CONDITIONAL);
	assert_int_equal(al.a[1].at, T0 + 20);

	al.n = 0;
	assert_int_equal(sm_store_answers_list(st, cv, true, collect_ans, &al),
			 0);
	assert_int_equal(al.n, 3);
	assert_string_equal(al.a[0].criterion, "consent");
	assert_string_equal(al.a[1].criterion, "transport");
	assert_string_equal(al.a[1].value, "none");
	assert_string_equal(al.a[2].criterion, "available");

	bad.conversation_id = 999;
	snprintf(bad.criterion, sizeof(bad.criterion), "x");
	assert_int_equal(sm_store_answer_add(st, &bad), -ENOENT);
	bad.conversation_id = cv;
	bad.confidence = 1.5;
	assert_int_equal(sm_store_answer_add(st, &bad), -EINVAL);
	bad.confidence = 1;
	bad.criterion[0] = '\0';
	assert_int_equal(sm_store_answer_add(st, &bad), -EINVAL);
	sm_store_close(st);
}

/* ---- transcript ----------------------------------------------------- */

struct tr_list {
	int n;
	struct sm_store_transcript_row r[6];
};

static int collect_tr(const struct sm_store_transcript_row *r, void *data)
{
	struct tr_list *l = data;

	if (l->n < 6)
		l->r[l->n] = *r;
	l->n++;
	return 0;
}

static int64_t inbound(struct sm_store *st, const char *from, const char *text,
		       int64_t at)
{
	struct sm_store_inpart p = {
		.modem = "m1",
		.sender = from,
		.scts = at,
		.text = text,
		.text_len = strlen(text),
		.encoding = "gsm7",
		.pdu_hex = "00",
		.received_at = at,
	};
	enum sm_store_inbox_result res;
	int64_t id = 0;

	assert_int_equal(sm_store_inbox_add_part(st, &p, &res, &id), 0);
	assert_int_equal(res, SM_INBOX_COMPLETE);
	return id;
}

static int64_t outbound(struct sm_store *st, int64_t conv, const char *text,
			int64_t at)
{
	struct sm_store_enqueue e = {
		.recipient = "+33611111111",
		.text = text,
		.kind = SM_KIND_REPLY,
		.conversation_id = conv,
		.nparts = 1,
	};
	int64_t id = 0;

	assert_int_equal(sm_store_enqueue(st, &e, at, &id), 0);
	return id;
}

static void test_transcript(void **state)
{
	struct sm_store *st = open_db(":memory:");
	int64_t id = add_campaign(st, "transcript");
	struct sm_store_candidate row = cand("A", "+33611111111", 2);
	struct cand_list l = {0};
	struct tr_list tl = {0};
	int64_t cv, in1, in2, other;

	assert_int_equal(sm_store_candidates_import(st, id, &row, 1, T0, NULL),
			 0);
	assert_int_equal(sm_store_candidates_list(st, id, collect_cand, &l), 0);
	cv = conv_start(st, l.c[0].id, T0);
	outbound(st, cv, "Bonjour Awa, intéressée ?", T0);
	in1 = inbound(st, "+33611111111", "oui", T0 + 60);
	outbound(st, cv, "Avez-vous une voiture ?", T0 + 60);
	in2 = inbound(st, "+33611111111", "non", T0 + 120);
	other = inbound(st, "+33611111111", "pas lié", T0 + 90);
	outbound(st, 0, "message sans conversation", T0 + 5);
	assert_int_equal(sm_store_inbox_set_conversation(st, in1, cv), 0);
	assert_int_equal(sm_store_inbox_set_conversation(st, in2, cv), 0);
	assert_int_equal(sm_store_inbox_set_conversation(st, 999, cv), -ENOENT);
	assert_int_equal(sm_store_inbox_set_conversation(st, other, 999),
			 -ENOENT);

	assert_int_equal(sm_store_transcript(st, cv, collect_tr, &tl), 0);
	assert_int_equal(tl.n, 4);
	assert_false(tl.r[0].inbound);
	assert_string_equal(tl.r[0].text, "Bonjour Awa, intéressée ?");
	assert_string_equal(tl.r[0].state, "queued");
	assert_int_equal(tl.r[0].at, T0);
	/* Same second: the reply it answers comes first. */
	assert_true(tl.r[1].inbound);
	assert_string_equal(tl.r[1].text, "oui");
	assert_string_equal(tl.r[1].state, "");
	assert_false(tl.r[2].inbound);
	assert_string_equal(tl.r[2].text, "Avez-vous une voiture ?");
	assert_true(tl.r[3].inbound);
	assert_string_equal(tl.r[3].text, "non");
	assert_int_equal(tl.r[3].at, T0 + 120);
	sm_store_close(st);
}

/* ---- funnel --------------------------------------------------------- */

static void test_funnel(void **state)
{
	struct sm_store *st = open_db(":memory:");
	int64_t id = add_campaign(st, "funnel");
	struct sm_store_candidate rows[6];
	struct sm_store_campaign_funnel f;
	struct cand_list l = {0};
	struct sm_store_conversation c;
	int64_t cv[5], msg;
	/* Reply delays of the first three: 10 min, 2 h, 6 h. */
	static const int64_t delay[3] = {600, 7200, 21600};
	static const enum sm_conv_outcome outcome[5] = {
		SM_CONV_COMPLETE, SM_CONV_DECLINED, SM_CONV_OPEN,
		SM_CONV_UNREACHABLE, SM_CONV_NO_ANSWER};

	for (int i = 0; i < 6; i++) {
		char phone[16];

		snprintf(phone, sizeof(phone), "+3361111111%d", i);
		rows[i] = cand("X", phone, i + 2);
	}
	assert_int_equal(sm_store_candidates_import(st, id, rows, 6, T0, NULL),
			 0);
	assert_int_equal(sm_store_candidates_list(st, id, collect_cand, &l), 0);
	for (int i = 0; i < 5; i++) {
		cv[i] = conv_start(st, l.c[i].id, T0);
		assert_int_equal(sm_store_conversation_get(st, cv[i], &c), 0);
		c.outcome = outcome[i];
		if (i < 3)
			c.first_reply_at = T0 + delay[i];
		assert_int_equal(sm_store_conversation_update(st, &c), 0);
	}
	/* Conversation 0: first message delivered (one part, report 0). */
	struct sm_store_enqueue e = {
		.recipient = l.c[0].phone,
		.text = "Bonjour",
		.kind = SM_KIND_FIRST_CONTACT,
		.conversation_id = cv[0],
		.nparts = 1,
	};
	struct sm_store_outmsg m;
	struct sm_store_match w = {86400, 86400};
	assert_int_equal(sm_store_enqueue(st, &e, T0, &msg), 0);
	assert_int_equal(sm_store_claim(st, "m1", T0, SM_KINDS_ALL, &m), 0);
	assert_int_equal(sm_store_part_writing(st, msg, 1, "m1", T0), 0);
	assert_int_equal(sm_store_part_sent(st, msg, 1, 42, T0), 0);
	assert_int_equal(sm_store_report_add(st,
					     &(struct sm_store_report){
						     .modem = "m1",
						     .recipient = l.c[0].phone,
						     .mr = 42,
						     .status = 0,
						     .received_at = T0 + 5,
					     },
					     &w, NULL),
			 0);
	/* Conversation 1: first message only sent. */
	e.recipient = l.c[1].phone;
	e.conversation_id = cv[1];
	assert_int_equal(sm_store_enqueue(st, &e, T0, NULL), 0);
	/* Consent: 0 said yes, 1 said yes then no. */
	answer(st, cv[0], "consent", "yes", "oui", T0 + 600);
	answer(st, cv[1], "consent", "yes", "ok", T0 + 7200);
	answer(st, cv[1], "consent", "no", "finalement non", T0 + 7300);

	assert_int_equal(sm_store_campaign_funnel(st, id, &f), 0);
	assert_int_equal(f.candidates, 6);
	assert_int_equal(f.invited, 5);
	assert_int_equal(f.delivered, 1);
	assert_int_equal(f.consented, 1);
	assert_int_equal(f.answered, 3);
	assert_int_equal(f.complete, 1);
	assert_int_equal(f.shortlisted, 1);
	assert_int_equal(f.declined, 1);
	assert_int_equal(f.open, 1);
	assert_int_equal(f.unreachable, 1);
	assert_int_equal(f.no_answer, 1);
	assert_int_equal(f.opted_out, 0);
	assert_int_equal(f.callback, 0);
	assert_int_equal(f.reply_median, 7200);
	assert_int_equal(f.replied_5h, 2);
	assert_int_equal(sm_store_campaign_funnel(st, 999, &f), -ENOENT);
	sm_store_close(st);
}

/* ---- migration ------------------------------------------------------ */

static int find_event(const struct sm_store_event *e, void *data)
{
	if (strcmp(e->action, "made.by.v1") == 0)
		*(int *)data += 1;
	return 0;
}

static void copy_file(const char *from, const char *to)
{
	char buf[8192];
	FILE *in = fopen(from, "rb"), *out;
	size_t n;

	assert_non_null(in);
	out = fopen(to, "wb");
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

static void test_migrate_v1(void **state)
{
	const char *srcdir = getenv("SRCDIR");
	char fixture[512];
	struct tmpdb t;
	struct sm_store *st;
	struct sm_store_outmsg m;
	struct sm_store_inmsg in;
	struct sm_store_candidate row = cand("A", "+33612345678", 2);
	struct cand_list l = {0};
	struct tr_list tl = {0};
	int found = 0;
	int64_t id, cv;

	snprintf(fixture, sizeof(fixture), "%s/tests/data/store/schema_v1.db",
		 srcdir ? srcdir : ".");
	tmpdb_make(&t);
	copy_file(fixture, t.path);
	st = open_db(t.path);
	assert_int_equal(sm_store_schema_version(st), SM_STORE_SCHEMA_VERSION);
	/* The v1 rows are intact. */
	assert_int_equal(sm_store_outbox_get(st, 1, &m), 0);
	assert_string_equal(m.text, "Bonjour, message v1");
	assert_int_equal(m.state, SM_OUT_QUEUED);
	assert_int_equal(sm_store_inbox_get(st, 1, &in), 0);
	assert_string_equal(in.text, "Oui v1");
	assert_int_equal(sm_store_optout_check(st, "+33699999999"), 1);
	assert_int_equal(sm_store_event_list(st, 0, find_event, &found), 0);
	assert_int_equal(found, 1);
	/* The new tables work, and the old inbox row links to one. */
	id = add_campaign(st, "after migration");
	assert_int_equal(sm_store_candidates_import(st, id, &row, 1, T0, NULL),
			 0);
	assert_int_equal(sm_store_candidates_list(st, id, collect_cand, &l), 0);
	cv = conv_start(st, l.c[0].id, 1750000000);
	assert_int_equal(sm_store_inbox_set_conversation(st, 1, cv), 0);
	assert_int_equal(sm_store_transcript(st, cv, collect_tr, &tl), 0);
	assert_int_equal(tl.n, 1);
	assert_string_equal(tl.r[0].text, "Oui v1");
	sm_store_close(st);

	/* Reopening does not migrate again. */
	st = open_db(t.path);
	assert_int_equal(sm_store_schema_version(st), SM_STORE_SCHEMA_VERSION);
	l.n = 0;
	assert_int_equal(sm_store_candidates_list(st, id, collect_cand, &l), 0);
	assert_int_equal(l.n, 1);
	sm_store_close(st);
	tmpdb_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_campaign_add_checks),
		cmocka_unit_test(test_campaign_transitions),
		cmocka_unit_test(test_campaign_times),
		cmocka_unit_test(test_close_cancels_queued),
		cmocka_unit_test(test_campaign_list),
		cmocka_unit_test(test_import_merge_optout),
		cmocka_unit_test(test_import_all_or_nothing),
		cmocka_unit_test(test_import_stream),
		cmocka_unit_test(test_import_file_persists),
		cmocka_unit_test(test_conversations),
		cmocka_unit_test(test_cancel_reminders_tx),
		cmocka_unit_test(test_uncontacted),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_transcript),
		cmocka_unit_test(test_funnel),
		cmocka_unit_test(test_migrate_v1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
