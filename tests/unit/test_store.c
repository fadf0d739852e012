/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_store.c - the outbox of the store: opening and schema errors, every
 * state transition, claim order and per-recipient FIFO, modem pinning,
 * failures and backoff, crash recovery at each step (close/reopen and a
 * real kill -9), modem release, status report matching (mr wrap, windows,
 * the unconfirmed rule), two connections on one file.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "smsmatch/store.h"

#define T0  1760000000 /* a fixed "now" */
#define DAY 86400

static const struct sm_store_retry retry = {3, 60, 3600};
static const struct sm_store_match window = {7 * DAY, 2 * DAY};

/* A temp file path per test, removed with its -wal and -shm. */
struct tmpdb {
	char path[64];
};

static void tmpdb_make(struct tmpdb *t)
{
	snprintf(t->path, sizeof(t->path), "/tmp/test_store.XXXXXX");
	int fd = mkstemp(t->path);
	assert_true(fd >= 0);
	close(fd);
	unlink(t->path); /* let SQLite create it */
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
	assert_non_null(st);
	return st;
}

static int64_t enqueue(struct sm_store *st, const char *to, const char *text,
		       int nparts, int priority, int64_t now)
{
	struct sm_store_enqueue e = {
		.recipient = to,
		.text = text,
		.kind = SM_KIND_FIRST_CONTACT,
		.priority = priority,
		.nparts = nparts,
	};
	int64_t id = 0;

	assert_int_equal(sm_store_enqueue(st, &e, now, &id), 0);
	assert_true(id > 0);
	return id;
}

static struct sm_store_outmsg *msg(struct sm_store *st, int64_t id)
{
	static struct sm_store_outmsg m;

	assert_int_equal(sm_store_outbox_get(st, id, &m), 0);
	return &m;
}

static int64_t claim(struct sm_store *st, const char *modem, int64_t now)
{
	static struct sm_store_outmsg m;
	int rc = sm_store_claim(st, modem, now, SM_KINDS_ALL, &m);

	if (rc == -ENOENT)
		return 0;
	assert_int_equal(rc, 0);
	assert_int_equal(m.state, SM_OUT_CLAIMED);
	assert_string_equal(m.claimed_by, modem);
	return m.id;
}

/* Send parts from next_part to the end with mrs mr, mr + 1, ... */
static void send_all(struct sm_store *st, int64_t id, const char *modem, int mr,
		     int64_t now)
{
	struct sm_store_outmsg *m = msg(st, id);
	int n = m->nparts;

	for (int p = m->next_part; p <= n; p++) {
		assert_int_equal(sm_store_part_writing(st, id, p, modem, now),
				 0);
		assert_int_equal(sm_store_part_sent(st, id, p, mr++ % 256, now),
				 0);
	}
}

struct part_list {
	struct sm_store_outpart p[8];
	int n;
};

static int collect_part(const struct sm_store_outpart *p, void *data)
{
	struct part_list *l = data;

	if (l->n < 8)
		l->p[l->n] = *p;
	l->n++;
	return 0;
}

static struct part_list *parts(struct sm_store *st, int64_t id)
{
	static struct part_list l;

	memset(&l, 0, sizeof(l));
	assert_int_equal(sm_store_outbox_parts(st, id, collect_part, &l), 0);
	return &l;
}

/* ---- opening -------------------------------------------------------- */

static void test_open_memory(void **state)
{
	struct sm_store *st = open_db(":memory:");

	assert_int_equal(sm_store_schema_version(st), SM_STORE_SCHEMA_VERSION);
	assert_string_equal(sm_store_errmsg(st), "");
	assert_int_equal(sm_store_set_busy_timeout(st, 100), 0);
	sm_store_close(st);
	sm_store_close(NULL);
}

static void test_open_errors(void **state)
{
	struct sm_store *st = (struct sm_store *)1;
	struct tmpdb t;
	char err[256];
	int fd;

	/* Cannot open: the directory does not exist. */
	assert_int_equal(
		sm_store_open("/nonexistent/dir/x.db", &st, err, sizeof(err)),
		-ENOENT);
	assert_null(st);
	assert_non_null(strstr(err, "/nonexistent/dir/x.db"));
	assert_non_null(strstr(err, "cannot open"));

	/* Not a database. */
	tmpdb_make(&t);
	fd = open(t.path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	for (int i = 0; i < 64; i++)
		assert_int_equal(write(fd, "this is not sqlite at all!\n", 27),
				 27);
	close(fd);
	assert_int_equal(sm_store_open(t.path, &st, err, sizeof(err)), -EIO);
	assert_non_null(strstr(err, t.path));
	assert_non_null(strstr(err, "not a database"));
	tmpdb_remove(&t);

	/* Schema newer than this program: user_version is the big-endian
	 * 32-bit integer at offset 60 of the database header. */
	tmpdb_make(&t);
	st = open_db(t.path);
	sm_store_close(st);
	fd = open(t.path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "\0\0\0\x63", 4, 60), 4);
	close(fd);
	assert_int_equal(sm_store_open(t.path, &st, err, sizeof(err)), -EPROTO);
	assert_non_null(strstr(err, "newer"));
	assert_non_null(strstr(err, "99"));
	tmpdb_remove(&t);

	/* A file with the current schema opens again without migrating. */
	tmpdb_make(&t);
	st = open_db(t.path);
	enqueue(st, "+33612345678", "persisted", 1, 0, T0);
	sm_store_close(st);
	st = open_db(t.path);
	assert_int_equal(sm_store_schema_version(st), SM_STORE_SCHEMA_VERSION);
	assert_string_equal(msg(st, 1)->text, "persisted");
	sm_store_close(st);
	tmpdb_remove(&t);
}

/* ---- enqueue and claim ---------------------------------------------- */

static void test_enqueue_checks(void **state)
{
	struct sm_store *st = open_db(":memory:");
	struct sm_store_enqueue e = {
		.recipient = "+33612345678", .text = "x", .nparts = 1};
	static char big[SM_STORE_TEXT_MAX + 2];
	static const char *bad_numbers[] = {
		"0612345678",
		"+0612345678",
		"+3",
		"+33 6 12",
		"+1234567890123456",
		"",
		"+33612345678; DROP TABLE outbox",
		"+33612345678\n",
	};

	for (size_t i = 0; i < sizeof(bad_numbers) / sizeof(*bad_numbers);
	     i++) {
		e.recipient = bad_numbers[i];
		assert_int_equal(sm_store_enqueue(st, &e, T0, NULL), -EINVAL);
	}
	e.recipient = NULL;
	assert_int_equal(sm_store_enqueue(st, &e, T0, NULL), -EINVAL);
	e.recipient = "+123456789012345"; /* 15 digits: the E.164 maximum */
	assert_int_equal(sm_store_enqueue(st, &e, T0, NULL), 0);
	e.recipient = "+33612345678";
	e.nparts = 0;
	assert_int_equal(sm_store_enqueue(st, &e, T0, NULL), -EINVAL);
	e.nparts = 256;
	assert_int_equal(sm_store_enqueue(st, &e, T0, NULL), -EINVAL);
	e.nparts = 1;
	e.text = NULL;
	assert_int_equal(sm_store_enqueue(st, &e, T0, NULL), -EINVAL);
	memset(big, 'a', SM_STORE_TEXT_MAX);
	e.text = big;
	assert_int_equal(sm_store_enqueue(st, &e, T0, NULL), 0);
	big[SM_STORE_TEXT_MAX] = 'a';
	assert_int_equal(sm_store_enqueue(st, &e, T0, NULL), -E2BIG);
	e.text = "ok";
	e.kind = (enum sm_out_kind)7;
	assert_int_equal(sm_store_enqueue(st, &e, T0, NULL), -EINVAL);
	sm_store_close(st);
}

static void test_claim_order(void **state)
{
	struct sm_store *st = open_db(":memory:");
	struct sm_store_outmsg m;
	int64_t a, b, c, d;

	a = enqueue(st, "+33600000001", "a", 1, 0, T0);
	b = enqueue(st, "+33600000002", "b", 1, 5, T0 + 1);
	c = enqueue(st, "+33600000003", "c", 1, 0, T0 + 2);
	{
		struct sm_store_enqueue e = {.recipient = "+33600000004",
					     .text = "later",
					     .kind = SM_KIND_REPLY,
					     .priority = 9,
					     .nparts = 1,
					     .not_before = T0 + 100};
		assert_int_equal(sm_store_enqueue(st, &e, T0, &d), 0);
	}
	/* Highest priority first, then oldest; d is not due yet. */
	assert_int_equal(claim(st, "m1", T0 + 10), b);
	assert_int_equal(msg(st, b)->attempts, 1);
	assert_int_equal(msg(st, b)->claimed_at, T0 + 10);
	assert_int_equal(msg(st, b)->next_part, 1);
	assert_int_equal(claim(st, "m2", T0 + 10), a);
	assert_int_equal(claim(st, "m1", T0 + 10), c);
	assert_int_equal(claim(st, "m1", T0 + 10), 0);
	/* Kinds: only replies (out of hours). */
	assert_int_equal(sm_store_claim(st, "m1", T0 + 100,
					SM_KIND_BIT(SM_KIND_MANUAL), &m),
			 -ENOENT);
	assert_int_equal(sm_store_claim(st, "m1", T0 + 100,
					SM_KIND_BIT(SM_KIND_REPLY), &m),
			 0);
	assert_int_equal(m.id, d);
	assert_int_equal(m.kind, SM_KIND_REPLY);
	assert_int_equal(m.priority, 9);
	assert_int_equal(m.concat_ref, d % 256);
	assert_int_equal(sm_store_claim(st, "", T0, SM_KINDS_ALL, &m), -EINVAL);
	sm_store_close(st);
}

static void test_recipient_fifo(void **state)
{
	struct sm_store *st = open_db(":memory:");
	enum sm_out_state s;
	int64_t a1, a2, b;

	a1 = enqueue(st, "+33600000001", "first", 1, 0, T0);
	a2 = enqueue(st, "+33600000001", "second, urgent", 1, 9, T0 + 1);
	b = enqueue(st, "+33600000002", "other", 1, 0, T0 + 2);
	/* a2 has the priority but a1 to the same person is older. */
	assert_int_equal(claim(st, "m1", T0 + 5), a1);
	/* a1 is claimed: a2 waits, b goes. */
	assert_int_equal(claim(st, "m2", T0 + 5), b);
	assert_int_equal(claim(st, "m2", T0 + 5), 0);
	/* a1 fails temporarily: backoff; a2 still waits behind it. */
	assert_int_equal(sm_store_send_failed(st, a1, "m1", SM_FAIL_TEMPORARY,
					      304, "busy", &retry, T0 + 5, &s),
			 0);
	assert_int_equal(s, SM_OUT_QUEUED);
	assert_int_equal(claim(st, "m2", T0 + 10), 0);
	/* After the backoff a1 goes first, then a2 once a1 is sent. */
	assert_int_equal(claim(st, "m2", T0 + 65), a1);
	send_all(st, a1, "m2", 1, T0 + 65);
	assert_int_equal(msg(st, a1)->state, SM_OUT_SENT);
	assert_int_equal(claim(st, "m1", T0 + 66), a2);
	sm_store_close(st);
}

/* ---- transitions ---------------------------------------------------- */

static void test_multipart_pinned(void **state)
{
	struct sm_store *st = open_db(":memory:");
	struct sm_store_report_result res;
	struct sm_store_report r = {.modem = "m1",
				    .recipient = "+33600000001",
				    .status = 0,
				    .received_at = T0 + 30};
	struct part_list *l;
	int64_t id;

	id = enqueue(st, "+33600000001", "long text in three parts", 3, 0, T0);
	assert_int_equal(claim(st, "m1", T0), id);
	/* Only the next part, and only by the claiming modem. */
	assert_int_equal(sm_store_part_writing(st, id, 2, "m1", T0), -EINVAL);
	assert_int_equal(sm_store_part_writing(st, id, 1, "m2", T0), -EINVAL);
	assert_int_equal(sm_store_part_sent(st, id, 1, 10, T0), -ENOENT);
	assert_int_equal(sm_store_part_writing(st, id, 1, "m1", T0), 0);
	assert_string_equal(msg(st, id)->modem, "m1");
	assert_int_equal(sm_store_part_sent(st, id, 1, 256, T0), -EINVAL);
	assert_int_equal(sm_store_part_sent(st, id, 1, 10, T0 + 1), 0);
	assert_int_equal(sm_store_part_sent(st, id, 1, 10, T0 + 1), -EINVAL);
	assert_int_equal(msg(st, id)->state, SM_OUT_CLAIMED);
	assert_int_equal(msg(st, id)->next_part, 2);
	assert_int_equal(sm_store_part_writing(st, id, 2, "m1", T0 + 2), 0);
	assert_int_equal(sm_store_part_sent(st, id, 2, 11, T0 + 2), 0);
	assert_int_equal(sm_store_part_writing(st, id, 3, "m1", T0 + 3), 0);
	assert_int_equal(sm_store_part_sent(st, id, 3, 12, T0 + 3), 0);
	assert_int_equal(msg(st, id)->state, SM_OUT_SENT);
	assert_int_equal(msg(st, id)->sent_at, T0 + 3);
	assert_int_equal(msg(st, id)->next_part, 4);
	assert_string_equal(msg(st, id)->claimed_by, "");
	l = parts(st, id);
	assert_int_equal(l->n, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(l->p[i].seq, i + 1);
		assert_int_equal(l->p[i].mr, 10 + i);
		assert_string_equal(l->p[i].modem, "m1");
		assert_int_equal(l->p[i].state, SM_PART_SENT);
	}
	/* Reports: pending, then delivered part by part. */
	r.mr = 11;
	r.status = 0x20;
	assert_int_equal(sm_store_report_add(st, &r, &window, &res), 0);
	assert_int_equal(res.msg_id, id);
	assert_int_equal(res.part, 2);
	assert_int_equal(res.part_state, SM_PART_PENDING);
	assert_int_equal(res.msg_state, SM_OUT_SENT);
	for (int mr = 10; mr <= 12; mr++) {
		r.mr = mr;
		r.status = 0;
		assert_int_equal(sm_store_report_add(st, &r, &window, &res), 0);
		assert_int_equal(res.part, mr - 9);
		assert_int_equal(res.part_state, SM_PART_DELIVERED);
		assert_false(res.via_unconfirmed);
	}
	assert_int_equal(res.msg_state, SM_OUT_DELIVERED);
	assert_int_equal(msg(st, id)->final_at, T0 + 30);
	assert_int_equal(parts(st, id)->p[0].report_status, 0);
	/* A repeated report changes nothing. */
	r.mr = 12;
	r.status = 0x41;
	assert_int_equal(sm_store_report_add(st, &r, &window, &res), 0);
	assert_int_equal(res.msg_id, id);
	assert_int_equal(res.part_state, SM_PART_DELIVERED);
	assert_int_equal(msg(st, id)->state, SM_OUT_DELIVERED);
	sm_store_close(st);
}

static void test_failures(void **state)
{
	struct sm_store *st = open_db(":memory:");
	enum sm_out_state s;
	int64_t id, id2, id3;

	id = enqueue(st, "+33600000001", "x", 2, 0, T0);
	/* Attempt 1 fails on part 1: unpinned, backoff 60 s. */
	assert_int_equal(claim(st, "m1", T0), id);
	assert_int_equal(sm_store_part_writing(st, id, 1, "m1", T0), 0);
	assert_int_equal(sm_store_send_failed(st, id, "m2", SM_FAIL_TEMPORARY,
					      -1, "x", &retry, T0, &s),
			 -EINVAL);
	assert_int_equal(sm_store_send_failed(st, id, "m1", SM_FAIL_TEMPORARY,
					      500, "+CMS ERROR 500: unknown error",
					      &retry, T0, &s),
			 0);
	assert_int_equal(s, SM_OUT_QUEUED);
	assert_int_equal(msg(st, id)->not_before, T0 + 60);
	assert_string_equal(msg(st, id)->modem, "");
	assert_string_equal(msg(st, id)->last_error,
			    "+CMS ERROR 500: unknown error");
	assert_int_equal(msg(st, id)->next_part, 1);
	assert_int_equal(parts(st, id)->n, 0);
	/* Attempt 2 on another modem: part 1 leaves, part 2 fails: pinned,
	 * backoff 120 s. */
	assert_int_equal(claim(st, "m2", T0 + 59), 0);
	assert_int_equal(claim(st, "m2", T0 + 60), id);
	assert_int_equal(sm_store_part_writing(st, id, 1, "m2", T0 + 60), 0);
	assert_int_equal(sm_store_part_sent(st, id, 1, 7, T0 + 60), 0);
	assert_int_equal(sm_store_part_writing(st, id, 2, "m2", T0 + 60), 0);
	assert_int_equal(sm_store_send_failed(st, id, "m2", SM_FAIL_TEMPORARY,
					      -1, "timeout", &retry, T0 + 60,
					      &s),
			 0);
	assert_int_equal(msg(st, id)->not_before, T0 + 180);
	assert_string_equal(msg(st, id)->modem, "m2");
	assert_string_equal(msg(st, id)->last_error, "timeout");
	assert_int_equal(msg(st, id)->next_part, 2);
	/* Pinned: m1 cannot take it, m2 resumes at part 2. */
	assert_int_equal(claim(st, "m1", T0 + 200), 0);
	assert_int_equal(claim(st, "m2", T0 + 200), id);
	assert_int_equal(msg(st, id)->attempts, 3);
	assert_int_equal(sm_store_part_writing(st, id, 2, "m2", T0 + 200), 0);
	/* Attempts exhausted: failed. */
	assert_int_equal(sm_store_send_failed(st, id, "m2", SM_FAIL_TEMPORARY,
					      -1, "again", &retry, T0 + 200,
					      &s),
			 0);
	assert_int_equal(s, SM_OUT_FAILED);
	assert_int_equal(msg(st, id)->state, SM_OUT_FAILED);
	assert_int_equal(msg(st, id)->final_at, T0 + 200);
	assert_int_equal(parts(st, id)->n, 1);

	/* Permanent failure at the first attempt. */
	id2 = enqueue(st, "+33600000002", "y", 1, 0, T0);
	assert_int_equal(claim(st, "m1", T0), id2);
	assert_int_equal(sm_store_part_writing(st, id2, 1, "m1", T0), 0);
	assert_int_equal(sm_store_send_failed(st, id2, "m1", SM_FAIL_PERMANENT,
					      21, "rejected", &retry, T0, &s),
			 0);
	assert_int_equal(s, SM_OUT_FAILED);
	assert_int_equal(parts(st, id2)->p[0].state, SM_PART_FAILED);
	/* Not claimed any more: no second failure, no part write. */
	assert_int_equal(sm_store_send_failed(st, id2, "m1", SM_FAIL_PERMANENT,
					      21, "rejected", &retry, T0, &s),
			 -EINVAL);
	assert_int_equal(sm_store_part_writing(st, id2, 1, "m1", T0), -EINVAL);
	assert_int_equal(sm_store_outbox_get(st, 999, msg(st, id2)), -ENOENT);

	/* The backoff is capped. */
	{
		struct sm_store_retry r = {100, 60, 300};

		id3 = enqueue(st, "+33600000003", "z", 1, 0, T0);
		for (int i = 1; i <= 6; i++) {
			int64_t now = T0 + 10000 * i;
			static const int64_t want[] = {60,  120, 240,
						       300, 300, 300};

			assert_int_equal(claim(st, "m1", now), id3);
			assert_int_equal(sm_store_send_failed(st, id3, "m1",
							      SM_FAIL_TEMPORARY,
							      -1, NULL, &r, now,
							      &s),
					 0);
			assert_int_equal(msg(st, id3)->not_before,
					 now + want[i - 1]);
		}
	}
	sm_store_close(st);
}

static void test_expire_cancel(void **state)
{
	struct sm_store *st = open_db(":memory:");
	struct sm_store_enqueue e = {.recipient = "+33600000001",
				     .text = "t",
				     .nparts = 1,
				     .expires_at = T0 + 100};
	int64_t a, b, c, d;
	int n = -1;

	assert_int_equal(sm_store_enqueue(st, &e, T0, &a), 0);
	e.recipient = "+33600000002";
	assert_int_equal(sm_store_enqueue(st, &e, T0, &b), 0);
	c = enqueue(st, "+33600000003", "no deadline", 1, 0, T0);
	assert_int_equal(claim(st, "m1", T0), a);
	assert_int_equal(sm_store_expire(st, T0 + 99, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(sm_store_expire(st, T0 + 100, &n), 0);
	assert_int_equal(n, 1); /* b; a is claimed, c has none */
	assert_int_equal(msg(st, b)->state, SM_OUT_EXPIRED);
	assert_int_equal(msg(st, b)->final_at, T0 + 100);
	assert_int_equal(msg(st, c)->state, SM_OUT_QUEUED);
	/* Cancel: queued yes, claimed before writing yes (the daemon then
	 * gets -ECANCELED), final states no. */
	assert_int_equal(sm_store_cancel(st, c, T0, "advisor"), 0);
	assert_int_equal(msg(st, c)->state, SM_OUT_CANCELLED);
	assert_string_equal(msg(st, c)->last_error, "advisor");
	assert_int_equal(sm_store_cancel(st, a, T0, NULL), 0);
	assert_int_equal(sm_store_part_writing(st, a, 1, "m1", T0), -ECANCELED);
	assert_int_equal(sm_store_cancel(st, b, T0, NULL), -EINVAL);
	assert_int_equal(sm_store_cancel(st, 999, T0, NULL), -ENOENT);
	d = enqueue(st, "+33600000004", "in flight", 1, 0, T0);
	assert_int_equal(claim(st, "m1", T0), d);
	assert_int_equal(sm_store_part_writing(st, d, 1, "m1", T0), 0);
	assert_int_equal(sm_store_cancel(st, d, T0, NULL), -EINVAL);
	sm_store_close(st);
}

/* ---- crashes -------------------------------------------------------- */

/*
 * Run the first @steps steps of sending a 2-part message, "crash" (close
 * without finishing), reopen, recover, and check what the daemon sees.
 */
static void test_crash_each_step(void **state)
{
	for (int steps = 0; steps <= 6; steps++) {
		struct sm_store_recovery rec = {-1, -1};
		struct sm_store *st;
		struct tmpdb t;
		int64_t id;

		tmpdb_make(&t);
		st = open_db(t.path);
		id = enqueue(st, "+33600000001", "two parts", 2, 0, T0);
		if (steps >= 2)
			assert_int_equal(claim(st, "m1", T0), id);
		if (steps >= 3)
			assert_int_equal(
				sm_store_part_writing(st, id, 1, "m1", T0 + 1),
				0);
		if (steps >= 4)
			assert_int_equal(
				sm_store_part_sent(st, id, 1, 41, T0 + 2), 0);
		if (steps >= 5)
			assert_int_equal(
				sm_store_part_writing(st, id, 2, "m1", T0 + 3),
				0);
		if (steps >= 6)
			assert_int_equal(
				sm_store_part_sent(st, id, 2, 42, T0 + 4), 0);
		sm_store_close(st); /* the crash: nothing else is written */

		st = open_db(t.path);
		assert_int_equal(sm_store_recover(st, T0 + 100, &rec), 0);
		struct sm_store_outmsg *m = msg(st, id);
		struct part_list *l = parts(st, id);
		switch (steps) {
		case 0:
		case 1:
			/* Queued: nothing happened. */
			assert_int_equal(rec.requeued + rec.unconfirmed, 0);
			assert_int_equal(m->state, SM_OUT_QUEUED);
			assert_int_equal(m->attempts, 0);
			break;
		case 2:
			/* Claimed, nothing written: back to the queue,
			 * free for any modem. */
			assert_int_equal(rec.requeued, 1);
			assert_int_equal(m->state, SM_OUT_QUEUED);
			assert_string_equal(m->modem, "");
			assert_int_equal(l->n, 0);
			assert_int_equal(claim(st, "m2", T0 + 100), id);
			break;
		case 3:
		case 5:
			/* In the writing window: unconfirmed, never resent. */
			assert_int_equal(rec.unconfirmed, 1);
			assert_int_equal(rec.requeued, 0);
			assert_int_equal(m->state, SM_OUT_UNCONFIRMED);
			assert_int_equal(l->n, steps == 3 ? 1 : 2);
			assert_int_equal(l->p[l->n - 1].state,
					 SM_PART_UNCONFIRMED);
			if (steps == 5) {
				assert_int_equal(l->p[0].state, SM_PART_SENT);
				assert_int_equal(l->p[0].mr, 41);
			}
			assert_int_equal(claim(st, "m1", T0 + 100), 0);
			assert_int_equal(claim(st, "m2", T0 + 100), 0);
			break;
		case 4:
			/* Part 1 sent: queued, pinned to m1, resume at 2. */
			assert_int_equal(rec.requeued, 1);
			assert_int_equal(m->state, SM_OUT_QUEUED);
			assert_string_equal(m->modem, "m1");
			assert_int_equal(m->next_part, 2);
			assert_int_equal(l->p[0].mr, 41);
			assert_int_equal(claim(st, "m2", T0 + 100), 0);
			assert_int_equal(claim(st, "m1", T0 + 100), id);
			assert_int_equal(msg(st, id)->next_part, 2);
			assert_int_equal(sm_store_part_writing(st, id, 1, "m1",
							       T0 + 100),
					 -EINVAL);
			break;
		case 6:
			assert_int_equal(rec.requeued + rec.unconfirmed, 0);
			assert_int_equal(m->state, SM_OUT_SENT);
			break;
		}
		sm_store_close(st);
		tmpdb_remove(&t);
	}
}

/* A real kill -9 in the writing window, in a child process. */
static void test_kill9(void **state)
{
	struct sm_store_recovery rec;
	struct sm_store *st;
	struct tmpdb t;
	int status;
	pid_t pid;

	tmpdb_make(&t);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sm_store *c = NULL;
		struct sm_store_enqueue e = {
			.recipient = "+33600000001", .text = "x", .nparts = 1};
		struct sm_store_outmsg m;
		int64_t id;

		if (sm_store_open(t.path, &c, NULL, 0) ||
		    sm_store_enqueue(c, &e, T0, &id) ||
		    sm_store_enqueue(c, &e, T0, NULL) ||
		    sm_store_claim(c, "m1", T0, SM_KINDS_ALL, &m) ||
		    sm_store_part_writing(c, id, 1, "m1", T0))
			_exit(1);
		raise(SIGKILL);
		_exit(2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);

	st = open_db(t.path);
	assert_int_equal(sm_store_recover(st, T0 + 5, &rec), 0);
	assert_int_equal(rec.unconfirmed, 1);
	assert_int_equal(rec.requeued, 0);
	assert_int_equal(msg(st, 1)->state, SM_OUT_UNCONFIRMED);
	assert_int_equal(msg(st, 2)->state, SM_OUT_QUEUED);
	/* Per-recipient FIFO: the second waits behind the unconfirmed. */
	assert_int_equal(claim(st, "m1", T0 + 5), 0);
	assert_int_equal(
		sm_store_unconfirmed_resolve(st, 1, SM_RESOLVE_SENT, T0 + 6),
		0);
	assert_int_equal(msg(st, 1)->state, SM_OUT_SENT);
	assert_int_equal(claim(st, "m1", T0 + 6), 2);
	sm_store_close(st);
	tmpdb_remove(&t);
}

static void test_release_modem(void **state)
{
	struct sm_store *st = open_db(":memory:");
	struct sm_store_recovery rec;
	int64_t a, b, c, d;

	a = enqueue(st, "+33600000001", "a", 1, 0, T0);
	b = enqueue(st, "+33600000002", "b", 2, 0, T0);
	c = enqueue(st, "+33600000003", "c", 1, 0, T0);
	d = enqueue(st, "+33600000004", "d", 1, 0, T0);
	assert_int_equal(claim(st, "m1", T0), a); /* writing */
	assert_int_equal(sm_store_part_writing(st, a, 1, "m1", T0), 0);
	assert_int_equal(claim(st, "m1", T0), b); /* part 1 sent */
	assert_int_equal(sm_store_part_writing(st, b, 1, "m1", T0), 0);
	assert_int_equal(sm_store_part_sent(st, b, 1, 3, T0), 0);
	assert_int_equal(claim(st, "m1", T0), c); /* nothing written */
	assert_int_equal(claim(st, "m2", T0), d); /* other modem */
	assert_int_equal(sm_store_release_modem(st, "m1", T0 + 1, &rec), 0);
	assert_int_equal(rec.unconfirmed, 1);
	assert_int_equal(rec.requeued, 2);
	assert_int_equal(msg(st, a)->state, SM_OUT_UNCONFIRMED);
	assert_string_equal(msg(st, a)->last_error,
			    "modem went down while writing");
	assert_int_equal(msg(st, b)->state, SM_OUT_QUEUED);
	assert_string_equal(msg(st, b)->modem, "m1");
	assert_int_equal(parts(st, b)->p[0].state, SM_PART_SENT);
	assert_int_equal(msg(st, c)->state, SM_OUT_QUEUED);
	assert_string_equal(msg(st, c)->modem, "");
	assert_int_equal(msg(st, d)->state, SM_OUT_CLAIMED);
	/* c goes to m2; b waits for m1. */
	assert_int_equal(claim(st, "m2", T0 + 2), c);
	assert_int_equal(claim(st, "m2", T0 + 2), 0);
	assert_int_equal(claim(st, "m1", T0 + 3), b);
	assert_int_equal(sm_store_release_modem(st, NULL, T0, &rec), -EINVAL);
	sm_store_close(st);
}

static void test_part_unconfirmed_resolve(void **state)
{
	struct sm_store *st = open_db(":memory:");
	int64_t a, b, c;

	a = enqueue(st, "+33600000001", "a", 2, 0, T0);
	assert_int_equal(claim(st, "m1", T0), a);
	assert_int_equal(sm_store_part_unconfirmed(st, a, T0, NULL), -EINVAL);
	assert_int_equal(sm_store_part_writing(st, a, 1, "m1", T0), 0);
	assert_int_equal(sm_store_part_unconfirmed(st, a, T0, "AT timeout"), 0);
	assert_int_equal(msg(st, a)->state, SM_OUT_UNCONFIRMED);
	assert_string_equal(msg(st, a)->last_error, "AT timeout");
	assert_int_equal(
		sm_store_unconfirmed_resolve(st, a, SM_RESOLVE_REQUEUE, T0), 0);
	assert_int_equal(msg(st, a)->state, SM_OUT_QUEUED);
	assert_string_equal(msg(st, a)->modem, "");
	assert_int_equal(msg(st, a)->next_part, 1);
	assert_int_equal(
		sm_store_unconfirmed_resolve(st, a, SM_RESOLVE_SENT, T0),
		-EINVAL);

	/* SENT on part 1 of 2: the rest goes out on the same modem. */
	assert_int_equal(claim(st, "m1", T0), a);
	assert_int_equal(sm_store_part_writing(st, a, 1, "m1", T0), 0);
	assert_int_equal(sm_store_part_unconfirmed(st, a, T0, NULL), 0);
	assert_int_equal(
		sm_store_unconfirmed_resolve(st, a, SM_RESOLVE_SENT, T0 + 1),
		0);
	assert_int_equal(msg(st, a)->state, SM_OUT_QUEUED);
	assert_int_equal(msg(st, a)->next_part, 2);
	assert_string_equal(msg(st, a)->modem, "m1");

	b = enqueue(st, "+33600000002", "b", 1, 0, T0);
	assert_int_equal(claim(st, "m2", T0), b);
	assert_int_equal(sm_store_part_writing(st, b, 1, "m2", T0), 0);
	assert_int_equal(sm_store_part_unconfirmed(st, b, T0, NULL), 0);
	assert_int_equal(
		sm_store_unconfirmed_resolve(st, b, SM_RESOLVE_FAILED, T0), 0);
	assert_int_equal(msg(st, b)->state, SM_OUT_FAILED);
	c = 12345;
	assert_int_equal(
		sm_store_unconfirmed_resolve(st, c, SM_RESOLVE_SENT, T0),
		-ENOENT);
	sm_store_close(st);
}

/* ---- status reports ------------------------------------------------- */

static int collect_report(const struct sm_store_report_row *r, void *data)
{
	int *mrs = data;

	mrs[++mrs[0]] = r->mr;
	return 0;
}

static void test_report_mr_wrap(void **state)
{
	struct sm_store *st = open_db(":memory:");
	struct sm_store_report_result res;
	struct sm_store_report r = {.modem = "m1", .recipient = "+33600000001"};
	int64_t a, b, c, d;
	int mrs[8] = {0};

	/* a: mr 255 long ago; b: mr 0; c: mr 255 again (wrapped);
	 * d: mr 255 on another modem. */
	a = enqueue(st, "+33600000001", "a", 1, 0, T0);
	assert_int_equal(claim(st, "m1", T0), a);
	send_all(st, a, "m1", 255, T0);
	b = enqueue(st, "+33600000001", "b", 1, 0, T0);
	assert_int_equal(claim(st, "m1", T0 + 10), b);
	send_all(st, b, "m1", 0, T0 + 10);
	c = enqueue(st, "+33600000001", "c", 1, 0, T0);
	assert_int_equal(claim(st, "m1", T0 + 20), c);
	send_all(st, c, "m1", 255, T0 + 20);
	d = enqueue(st, "+33600000001", "d", 1, 0, T0);
	assert_int_equal(claim(st, "m2", T0 + 30), d);
	send_all(st, d, "m2", 255, T0 + 30);

	r.received_at = T0 + 40;
	r.mr = 255;
	assert_int_equal(sm_store_report_add(st, &r, &window, &res), 0);
	assert_int_equal(res.msg_id, c); /* the most recent 255 on m1 */
	assert_int_equal(res.msg_state, SM_OUT_DELIVERED);
	r.mr = 0;
	assert_int_equal(sm_store_report_add(st, &r, &window, &res), 0);
	assert_int_equal(res.msg_id, b);
	r.modem = "m2";
	r.mr = 255;
	r.status = 0x45; /* permanent: incompatible destination */
	assert_int_equal(sm_store_report_add(st, &r, &window, &res), 0);
	assert_int_equal(res.msg_id, d);
	assert_int_equal(res.part_state, SM_PART_FAILED);
	assert_int_equal(res.msg_state, SM_OUT_FAILED);
	/* Unmatched: other recipient; an mr nobody used; outside the
	 * window (a's 255 is 8 days old, c's was taken: only c matches
	 * inside the window anyway). */
	r.modem = "m1";
	r.status = 0;
	r.recipient = "+33699999999";
	assert_int_equal(sm_store_report_add(st, &r, &window, &res), 0);
	assert_int_equal(res.msg_id, 0);
	assert_true(res.report_id > 0);
	r.recipient = "+33600000001";
	r.mr = 77;
	assert_int_equal(sm_store_report_add(st, &r, &window, &res), 0);
	assert_int_equal(res.msg_id, 0);
	r.mr = 0;
	r.received_at = T0 + 10 + 7 * DAY + 1;
	assert_int_equal(sm_store_report_add(st, &r, &window, &res), 0);
	assert_int_equal(res.msg_id, 0);
	assert_int_equal(msg(st, a)->state, SM_OUT_SENT);
	assert_int_equal(
		sm_store_report_list_unmatched(st, collect_report, mrs), 0);
	assert_int_equal(mrs[0], 3);
	assert_int_equal(mrs[1], 255);
	assert_int_equal(mrs[2], 77);
	assert_int_equal(mrs[3], 0);
	r.mr = 256;
	assert_int_equal(sm_store_report_add(st, &r, &window, &res), -EINVAL);
	/* TP-ST classes (23.040 9.2.3.15). */
	assert_int_equal(sm_store_report_class(0x00), SM_PART_DELIVERED);
	assert_int_equal(sm_store_report_class(0x02), SM_PART_DELIVERED);
	assert_int_equal(sm_store_report_class(0x1f), SM_PART_DELIVERED);
	assert_int_equal(sm_store_report_class(0x20), SM_PART_PENDING);
	assert_int_equal(sm_store_report_class(0x3f), SM_PART_PENDING);
	assert_int_equal(sm_store_report_class(0x40), SM_PART_FAILED);
	assert_int_equal(sm_store_report_class(0x60), SM_PART_FAILED);
	sm_store_close(st);
}

static void test_report_partial_failure(void **state)
{
	struct sm_store *st = open_db(":memory:");
	struct sm_store_report_result res;
	struct sm_store_report r = {.modem = "m1",
				    .recipient = "+33600000001",
				    .received_at = T0 + 5};
	int64_t a;

	/* A report says part 1 failed while part 2 is still to go. */
	a = enqueue(st, "+33600000001", "a", 2, 0, T0);
	assert_int_equal(claim(st, "m1", T0), a);
	assert_int_equal(sm_store_part_writing(st, a, 1, "m1", T0), 0);
	assert_int_equal(sm_store_part_sent(st, a, 1, 9, T0), 0);
	r.mr = 9;
	r.status = 0x41;
	assert_int_equal(sm_store_report_add(st, &r, &window, &res), 0);
	assert_int_equal(res.part_state, SM_PART_FAILED);
	assert_int_equal(res.msg_state, SM_OUT_CLAIMED);
	assert_int_equal(sm_store_part_writing(st, a, 2, "m1", T0 + 6), 0);
	assert_int_equal(sm_store_part_sent(st, a, 2, 10, T0 + 6), 0);
	assert_int_equal(msg(st, a)->state, SM_OUT_FAILED);
	assert_int_equal(msg(st, a)->final_at, T0 + 6);
	sm_store_close(st);
}

static void test_report_unconfirmed_rule(void **state)
{
	struct sm_store *st = open_db(":memory:");
	struct sm_store_report_result res;
	struct sm_store_report r = {
		.modem = "m1", .recipient = "+33600000001", .mr = 77};
	struct sm_store_recovery rec;
	int64_t a, b;

	/* a: 1 part, crash in the writing window. */
	a = enqueue(st, "+33600000001", "a", 1, 0, T0);
	assert_int_equal(claim(st, "m1", T0), a);
	assert_int_equal(sm_store_part_writing(st, a, 1, "m1", T0), 0);
	/* b: 2 parts to another person, crash writing part 1. */
	b = enqueue(st, "+33600000002", "b", 2, 0, T0);
	assert_int_equal(claim(st, "m1", T0), b);
	assert_int_equal(sm_store_part_writing(st, b, 1, "m1", T0 + 1), 0);
	assert_int_equal(sm_store_recover(st, T0 + 10, &rec), 0);
	assert_int_equal(rec.unconfirmed, 2);

	/* Wrong modem, outside the window: no match. */
	r.modem = "m2";
	r.received_at = T0 + 20;
	assert_int_equal(sm_store_report_add(st, &r, &window, &res), 0);
	assert_int_equal(res.msg_id, 0);
	r.modem = "m1";
	r.received_at = T0 + 2 * DAY + 1;
	assert_int_equal(sm_store_report_add(st, &r, &window, &res), 0);
	assert_int_equal(res.msg_id, 0);
	/* In the window: delivered after unconfirmed. */
	r.received_at = T0 + 60;
	assert_int_equal(sm_store_report_add(st, &r, &window, &res), 0);
	assert_int_equal(res.msg_id, a);
	assert_true(res.via_unconfirmed);
	assert_int_equal(res.msg_state, SM_OUT_DELIVERED);
	assert_true(msg(st, a)->was_unconfirmed);
	assert_int_equal(parts(st, a)->p[0].mr, 77);
	assert_true(parts(st, a)->p[0].via_unconfirmed);
	/* The same report again now matches by mr, not by the rule. */
	assert_int_equal(sm_store_report_add(st, &r, &window, &res), 0);
	assert_int_equal(res.msg_id, a);
	assert_false(res.via_unconfirmed);
	/* b: part 1 pending at the SMSC: b goes back to queued, pinned, to
	 * send part 2. */
	r.recipient = "+33600000002";
	r.mr = 78;
	r.status = 0x21;
	assert_int_equal(sm_store_report_add(st, &r, &window, &res), 0);
	assert_int_equal(res.msg_id, b);
	assert_int_equal(res.part_state, SM_PART_PENDING);
	assert_int_equal(res.msg_state, SM_OUT_QUEUED);
	assert_int_equal(msg(st, b)->next_part, 2);
	assert_int_equal(claim(st, "m2", T0 + 61), 0);
	assert_int_equal(claim(st, "m1", T0 + 61), b);
	assert_int_equal(msg(st, b)->next_part, 2);
	sm_store_close(st);
}

/* ---- CLI queries ---------------------------------------------------- */

static int count_msg(const struct sm_store_outmsg *m, void *data)
{
	(*(int *)data)++;
	return 0;
}

static int stop_at_first(const struct sm_store_outmsg *m, void *data)
{
	*(int64_t *)data = m->id;
	return 42;
}

static void test_queue_stats(void **state)
{
	struct sm_store *st = open_db(":memory:");
	struct sm_store_queue_stats q;
	int64_t a, b, first = 0;
	int n = 0;

	assert_int_equal(sm_store_queue_stats(st, &q), 0);
	assert_int_equal(q.oldest_id, 0);
	a = enqueue(st, "+33600000001", "a", 1, 0, T0);
	b = enqueue(st, "+33600000002", "b", 1, 0, T0 + 5);
	enqueue(st, "+33600000003", "c", 1, 0, T0 + 9);
	assert_int_equal(claim(st, "m1", T0 + 10), a);
	assert_int_equal(sm_store_part_writing(st, a, 1, "m1", T0), 0);
	assert_int_equal(sm_store_recover(st, T0 + 11, NULL), 0);
	assert_int_equal(sm_store_queue_stats(st, &q), 0);
	assert_int_equal(q.count[SM_OUT_QUEUED], 2);
	assert_int_equal(q.count[SM_OUT_UNCONFIRMED], 1);
	assert_int_equal(q.count[SM_OUT_SENT], 0);
	assert_int_equal(q.oldest_id, b);
	assert_int_equal(q.oldest_created_at, T0 + 5);
	assert_int_equal(
		sm_store_outbox_list(st, SM_OUT_UNCONFIRMED, count_msg, &n), 0);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(sm_store_outbox_list(st, SM_OUT_QUEUED, count_msg, &n),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(
		sm_store_outbox_list(st, SM_OUT_QUEUED, stop_at_first, &first),
		42);
	assert_int_equal(first, b);
	/* The list statement is usable again after an early stop. */
	n = 0;
	assert_int_equal(sm_store_outbox_list(st, SM_OUT_QUEUED, count_msg, &n),
			 0);
	assert_int_equal(n, 2);
	assert_string_equal(sm_out_state_name(SM_OUT_UNCONFIRMED),
			    "unconfirmed");
	assert_string_equal(sm_out_kind_name(SM_KIND_FIRST_CONTACT),
			    "first_contact");
	assert_string_equal(sm_part_state_name(SM_PART_PENDING), "pending");
	sm_store_close(st);
}

/* ---- two connections ------------------------------------------------ */

static void test_two_connections(void **state)
{
	struct sm_store_queue_stats q;
	struct sm_store *daemon, *cli;
	struct tmpdb t;
	int64_t a, b;

	tmpdb_make(&t);
	daemon = open_db(t.path);
	cli = open_db(t.path);
	a = enqueue(cli, "+33600000001", "from the CLI", 1, 0, T0);
	assert_int_equal(claim(daemon, "m1", T0), a);
	assert_int_equal(msg(cli, a)->state, SM_OUT_CLAIMED);
	assert_int_equal(sm_store_optout_add(cli, "+33600000001",
					     SM_OPTOUT_ADVISOR, T0, NULL, NULL),
			 0);
	assert_int_equal(sm_store_part_writing(daemon, a, 1, "m1", T0),
			 -ECANCELED);
	b = enqueue(daemon, "+33600000002", "b", 1, 0, T0);
	assert_int_equal(sm_store_queue_stats(cli, &q), 0);
	assert_int_equal(q.count[SM_OUT_CANCELLED], 1);
	assert_int_equal(q.oldest_id, b);
	sm_store_close(daemon);
	sm_store_close(cli);
	tmpdb_remove(&t);
}

/*
 * A child process (the daemon) enqueues, claims and sends N messages while
 * this process (the CLI) keeps reading: every read succeeds and sees a
 * consistent, growing count.
 */
static void test_concurrent_processes(void **state)
{
	enum { N = 150 };
	struct sm_store_queue_stats q;
	struct sm_store *cli;
	struct tmpdb t;
	int status, last = 0, reads = 0;
	pid_t pid;

	tmpdb_make(&t);
	cli = open_db(t.path); /* creates the schema before the fork */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sm_store *d = NULL;
		struct sm_store_enqueue e = {
			.recipient = "+33600000001", .text = "x", .nparts = 1};
		struct sm_store_outmsg m;

		if (sm_store_open(t.path, &d, NULL, 0))
			_exit(1);
		for (int i = 0; i < N; i++) {
			if (sm_store_enqueue(d, &e, T0 + i, NULL) ||
			    sm_store_claim(d, "m1", T0 + i, SM_KINDS_ALL, &m) ||
			    sm_store_part_writing(d, m.id, 1, "m1", T0 + i) ||
			    sm_store_part_sent(d, m.id, 1, i % 256, T0 + i))
				_exit(2);
		}
		sm_store_close(d);
		_exit(0);
	}
	for (;;) {
		int done = waitpid(pid, &status, WNOHANG) == pid;
		int total;

		assert_int_equal(sm_store_queue_stats(cli, &q), 0);
		reads++;
		total = 0;
		for (int i = 0; i < SM_OUT_NSTATES; i++)
			total += q.count[i];
		assert_true(q.count[SM_OUT_SENT] >= last);
		assert_true(total <= N);
		/* One message at most is between enqueue and sent. */
		assert_true(total - q.count[SM_OUT_SENT] <= 1);
		last = q.count[SM_OUT_SENT];
		if (done)
			break;
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(sm_store_queue_stats(cli, &q), 0);
	assert_int_equal(q.count[SM_OUT_SENT], N);
	printf("concurrent: %d reads while the writer sent %d\n", reads, N);
	sm_store_close(cli);
	tmpdb_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_memory),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_enqueue_checks),
		cmocka_unit_test(test_claim_order),
		cmocka_unit_test(test_recipient_fifo),
		cmocka_unit_test(test_multipart_pinned),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_expire_cancel),
		cmocka_unit_test(test_crash_each_step),
		cmocka_unit_test(test_kill9),
		cmocka_unit_test(test_release_modem),
		cmocka_unit_test(test_part_unconfirmed_resolve),
		cmocka_unit_test(test_report_mr_wrap),
		cmocka_unit_test(test_report_partial_failure),
		cmocka_unit_test(test_report_unconfirmed_rule),
		cmocka_unit_test(test_queue_stats),
		cmocka_unit_test(test_two_connections),
		cmocka_unit_test(test_concurrent_processes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
