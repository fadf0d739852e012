/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_store_inbox.c - the rest of the store: inbox deduplication and
 * reassembly (out of order, across a reopen, 255-part headers, reused
 * references, incomplete flush), opt-outs cancelling the queue, modem rows
 * and daily counters, audit events, hostile strings.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "smsmatch/store.h"

#define T0 1760000000

static struct sm_store *open_db(const char *path)
{
	struct sm_store *st = NULL;
	char err[256] = "";

	assert_int_equal(sm_store_open(path, &st, err, sizeof(err)), 0);
	return st;
}

/* Add a part of a message from @sender; returns the result kind. */
static enum sm_store_inbox_result add(struct sm_store *st, const char *sender,
				      int64_t scts, int ref, int total, int seq,
				      const char *text, int64_t now,
				      int64_t *id)
{
	struct sm_store_inpart p = {
		.modem = "m1",
		.sender = sender,
		.scts = scts,
		.concat_ref = ref,
		.concat_total = total,
		.concat_seq = seq,
		.text = text,
		.text_len = strlen(text),
		.encoding = "gsm7",
		.pdu_hex = "0791334650000000040B913306",
		.received_at = now,
	};
	enum sm_store_inbox_result res = (enum sm_store_inbox_result) - 1;

	assert_int_equal(sm_store_inbox_add_part(st, &p, &res, id), 0);
	return res;
}

static struct sm_store_inmsg *inmsg(struct sm_store *st, int64_t id)
{
	static struct sm_store_inmsg m;

	assert_int_equal(sm_store_inbox_get(st, id, &m), 0);
	return &m;
}

/* ---- inbox ---------------------------------------------------------- */

static void test_single_and_duplicate(void **state)
{
	struct sm_store *st = open_db(":memory:");
	int64_t id = -1, id2 = -1;
	int n = -1;

	assert_int_equal(
		add(st, "+33600000001", T0, 0, 0, 0, "Oui", T0 + 1, &id),
		SM_INBOX_COMPLETE);
	assert_true(id > 0);
	assert_string_equal(inmsg(st, id)->text, "Oui");
	assert_string_equal(inmsg(st, id)->sender, "+33600000001");
	assert_string_equal(inmsg(st, id)->modem, "m1");
	assert_string_equal(inmsg(st, id)->encoding, "gsm7");
	assert_int_equal(inmsg(st, id)->scts, T0);
	assert_int_equal(inmsg(st, id)->nparts, 1);
	assert_false(inmsg(st, id)->incomplete);
	assert_int_equal(inmsg(st, id)->state, SM_IN_NEW);
	/* Handed twice by the modem, or re-read after a crash. */
	assert_int_equal(
		add(st, "+33600000001", T0, 0, 0, 0, "Oui", T0 + 9, &id2),
		SM_INBOX_DUPLICATE);
	assert_int_equal(id2, id);
	/* Same text a second later: a new SMS. */
	assert_int_equal(
		add(st, "+33600000001", T0 + 1, 0, 0, 0, "Oui", T0 + 9, &id2),
		SM_INBOX_COMPLETE);
	assert_true(id2 > id);
	assert_int_equal(sm_store_inbox_pending_parts(st, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(sm_store_inbox_get(st, 999, inmsg(st, id)), -ENOENT);
	sm_store_close(st);
}

static void test_concat_out_of_order(void **state)
{
	struct sm_store *st = open_db(":memory:");
	int64_t id = -1, dup = -1;
	int n;

	assert_int_equal(
		add(st, "+33600000001", T0 + 2, 42, 3, 3, "three.", T0, &id),
		SM_INBOX_STORED);
	assert_int_equal(id, 0);
	assert_int_equal(
		add(st, "+33600000001", T0, 42, 3, 1, "One, ", T0, &id),
		SM_INBOX_STORED);
	/* A duplicate of a waiting part. */
	assert_int_equal(
		add(st, "+33600000001", T0, 42, 3, 1, "One, ", T0, &dup),
		SM_INBOX_DUPLICATE);
	assert_int_equal(dup, 0);
	/* Another sender with the same reference does not mix in. */
	assert_int_equal(
		add(st, "+33600000002", T0, 42, 3, 2, "alien", T0, &id),
		SM_INBOX_STORED);
	assert_int_equal(sm_store_inbox_pending_parts(st, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(
		add(st, "+33600000001", T0 + 1, 42, 3, 2, "two, ", T0 + 5, &id),
		SM_INBOX_COMPLETE);
	assert_string_equal(inmsg(st, id)->text, "One, two, three.");
	assert_int_equal(inmsg(st, id)->nparts, 3);
	assert_int_equal(inmsg(st, id)->nreceived, 3);
	assert_int_equal(inmsg(st, id)->concat_ref, 42);
	assert_int_equal(inmsg(st, id)->scts, T0);
	assert_int_equal(inmsg(st, id)->received_at, T0 + 5);
	assert_false(inmsg(st, id)->incomplete);
	assert_string_equal(inmsg(st, id)->missing, "");
	/* A re-read part of the assembled message: duplicate, with its id. */
	assert_int_equal(add(st, "+33600000001", T0 + 2, 42, 3, 3, "three.",
			     T0 + 6, &dup),
			 SM_INBOX_DUPLICATE);
	assert_int_equal(dup, id);
	assert_int_equal(sm_store_inbox_pending_parts(st, &n), 0);
	assert_int_equal(n, 1);
	sm_store_close(st);
}

static void test_reassembly_across_reopen(void **state)
{
	char path[] = "/tmp/test_store_inbox.XXXXXX";
	char p2[64];
	struct sm_store *st;
	int64_t id;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	st = open_db(path);
	assert_int_equal(add(st, "+33600000001", T0, 7, 2, 2, "monde", T0, &id),
			 SM_INBOX_STORED);
	sm_store_close(st); /* restart between the parts */
	st = open_db(path);
	assert_int_equal(
		add(st, "+33600000001", T0, 7, 2, 2, "monde", T0 + 1, &id),
		SM_INBOX_DUPLICATE);
	assert_int_equal(add(st, "+33600000001", T0, 7, 2, 1, "Bonjour le ",
			     T0 + 2, &id),
			 SM_INBOX_COMPLETE);
	assert_string_equal(inmsg(st, id)->text, "Bonjour le monde");
	sm_store_close(st);
	unlink(path);
	snprintf(p2, sizeof(p2), "%s-wal", path);
	unlink(p2);
	snprintf(p2, sizeof(p2), "%s-shm", path);
	unlink(p2);
}

static int count_in(const struct sm_store_inmsg *m, void *data)
{
	int *n = data;

	n[0]++;
	n[1] = (int)m->id;
	return 0;
}

static void test_flush_incomplete(void **state)
{
	struct sm_store *st = open_db(":memory:");
	int64_t id;
	int n = -1, seen[2] = {0};

	assert_int_equal(add(st, "+33600000001", T0, 9, 3, 1, "a", T0, &id),
			 SM_INBOX_STORED);
	assert_int_equal(
		add(st, "+33600000001", T0, 9, 3, 3, "c", T0 + 50, &id),
		SM_INBOX_STORED);
	assert_int_equal(
		add(st, "+33600000002", T0, 1, 2, 1, "x", T0 + 100, &id),
		SM_INBOX_STORED);
	/* Not yet: the first part is 99 s old, the timeout 100 s. */
	assert_int_equal(sm_store_inbox_flush_incomplete(st, T0 + 99, 100, NULL,
							 NULL, &n),
			 0);
	assert_int_equal(n, 0);
	assert_int_equal(sm_store_inbox_flush_incomplete(st, T0 + 100, 100,
							 count_in, seen, &n),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(seen[0], 1);
	id = seen[1];
	assert_true(inmsg(st, id)->incomplete);
	assert_string_equal(inmsg(st, id)->text, "ac");
	assert_string_equal(inmsg(st, id)->missing, "2");
	assert_int_equal(inmsg(st, id)->nreceived, 2);
	assert_int_equal(inmsg(st, id)->received_at, T0 + 100);
	assert_int_equal(sm_store_inbox_pending_parts(st, &n), 0);
	assert_int_equal(n, 1);
	/* The late part becomes a (so far incomplete) group of its own. */
	assert_int_equal(
		add(st, "+33600000001", T0, 9, 3, 2, "b", T0 + 300, &id),
		SM_INBOX_STORED);
	assert_int_equal(sm_store_inbox_flush_incomplete(st, T0 + 1000, 100,
							 NULL, NULL, &n),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(sm_store_inbox_pending_parts(st, &n), 0);
	assert_int_equal(n, 0);
	sm_store_close(st);
}

static void test_big_headers(void **state)
{
	struct sm_store *st = open_db(":memory:");
	struct sm_store_inmsg *m;
	int64_t id;
	int n;

	/* 255 parts announced, 2 arrive: 2 rows, nothing preallocated. */
	assert_int_equal(
		add(st, "+33600000001", T0, 200, 255, 1, "first ", T0, &id),
		SM_INBOX_STORED);
	assert_int_equal(
		add(st, "+33600000001", T0, 200, 255, 255, "last", T0, &id),
		SM_INBOX_STORED);
	assert_int_equal(sm_store_inbox_pending_parts(st, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(
		sm_store_inbox_flush_incomplete(st, T0 + 10, 1, NULL, NULL, &n),
		0);
	assert_int_equal(n, 1);
	assert_int_equal(
		sm_store_inbox_list(st, SM_IN_NEW, count_in, (int[2]){0}), 0);
	id = 1;
	m = inmsg(st, id);
	assert_true(m->incomplete);
	assert_string_equal(m->text, "first last");
	assert_int_equal(m->nparts, 255);
	assert_int_equal(strncmp(m->missing, "2,3,4,", 6), 0);
	assert_non_null(strstr(m->missing, ",253,254"));
	assert_int_equal(strlen(m->missing), 905);

	/* 23.040 9.2.3.24.1: total 0, seq 0, seq > total, or a total we
	 * do not take: the header is ignored, the part is a message. */
	assert_int_equal(add(st, "+33600000001", T0, 5, 0, 1, "t0", T0, &id),
			 SM_INBOX_COMPLETE);
	assert_int_equal(inmsg(st, id)->nparts, 1);
	assert_int_equal(add(st, "+33600000001", T0, 5, 3, 0, "s0", T0, &id),
			 SM_INBOX_COMPLETE);
	assert_int_equal(add(st, "+33600000001", T0, 5, 3, 4, "s4", T0, &id),
			 SM_INBOX_COMPLETE);
	assert_int_equal(
		add(st, "+33600000001", T0, 5, 256, 1, "t256", T0, &id),
		SM_INBOX_COMPLETE);
	assert_int_equal(add(st, "+33600000001", T0, -3, 2, 1, "neg", T0, &id),
			 SM_INBOX_COMPLETE);
	/* A 16-bit reference is fine. */
	assert_int_equal(
		add(st, "+33600000001", T0, 65535, 2, 1, "r16", T0, &id),
		SM_INBOX_STORED);
	sm_store_close(st);
}

static void test_reused_reference(void **state)
{
	struct sm_store *st = open_db(":memory:");
	int64_t id;
	int seen[2] = {0};

	assert_int_equal(add(st, "+33600000001", T0, 5, 2, 1, "old", T0, &id),
			 SM_INBOX_STORED);
	/* Part 2 of the old message never came; the phone reuses ref 5. */
	assert_int_equal(add(st, "+33600000001", T0 + 600, 5, 2, 1, "new ",
			     T0 + 600, &id),
			 SM_INBOX_STORED);
	assert_int_equal(sm_store_inbox_list(st, SM_IN_NEW, count_in, seen), 0);
	assert_int_equal(seen[0], 1);
	assert_true(inmsg(st, seen[1])->incomplete);
	assert_string_equal(inmsg(st, seen[1])->text, "old");
	assert_int_equal(add(st, "+33600000001", T0 + 601, 5, 2, 2, "one",
			     T0 + 601, &id),
			 SM_INBOX_COMPLETE);
	assert_string_equal(inmsg(st, id)->text, "new one");
	assert_false(inmsg(st, id)->incomplete);
	/* Handled messages leave the "new" list. */
	assert_int_equal(sm_store_inbox_set_state(st, id, SM_IN_HANDLED), 0);
	assert_int_equal(inmsg(st, id)->state, SM_IN_HANDLED);
	memset(seen, 0, sizeof(seen));
	assert_int_equal(sm_store_inbox_list(st, SM_IN_HANDLED, count_in, seen),
			 0);
	assert_int_equal(seen[0], 1);
	assert_int_equal(sm_store_inbox_set_state(st, 999, SM_IN_HANDLED),
			 -ENOENT);
	sm_store_close(st);
}

static void test_inbox_bounds(void **state)
{
	struct sm_store *st = open_db(":memory:");
	static char big[SM_STORE_PART_MAX + 2];
	struct sm_store_inpart p = {.modem = "m1",
				    .sender = "Orange",
				    .text = "a\0b",
				    .text_len = 3,
				    .received_at = T0};
	enum sm_store_inbox_result res;
	int64_t id;

	/* A NUL inside the text is refused. */
	assert_int_equal(sm_store_inbox_add_part(st, &p, &res, &id), -EINVAL);
	memset(big, 'x', sizeof(big) - 1);
	p.text = big;
	p.text_len = SM_STORE_PART_MAX + 1;
	assert_int_equal(sm_store_inbox_add_part(st, &p, &res, &id), -E2BIG);
	p.text_len = SM_STORE_PART_MAX;
	assert_int_equal(sm_store_inbox_add_part(st, &p, &res, &id), 0);
	assert_int_equal(res, SM_INBOX_COMPLETE);
	/* Alphanumeric sender, NULL encoding and PDU. */
	assert_string_equal(inmsg(st, id)->sender, "Orange");
	assert_string_equal(inmsg(st, id)->encoding, "");
	p.sender = "a sender name much longer than the forty-eight bytes";
	assert_int_equal(sm_store_inbox_add_part(st, &p, &res, &id), -E2BIG);
	p.sender = NULL;
	assert_int_equal(sm_store_inbox_add_part(st, &p, &res, &id), -EINVAL);
	sm_store_close(st);
}

/* Five full UCS-2 parts of 3-byte characters: longer than the text field;
 * the copy is cut between characters. */
static void test_inbox_truncated(void **state)
{
	struct sm_store *st = open_db(":memory:");
	char part[1024];
	int64_t id = 0;

	/* "€" is 3 bytes; 300 of them = 900 bytes per part, 4500 in all. */
	for (int i = 0; i < 300; i++)
		memcpy(part + 3 * i, "\xe2\x82\xac", 3);
	part[900] = '\0';
	for (int seq = 1; seq <= 5; seq++)
		add(st, "+33600000001", T0, 1, 5, seq, part, T0, &id);
	assert_true(id > 0);
	assert_true(inmsg(st, id)->truncated);
	/* 4096 bytes hold 1365 whole euros (4095 bytes). */
	assert_int_equal(strlen(inmsg(st, id)->text), 4095);
	sm_store_close(st);
}

/* ---- opt-outs ------------------------------------------------------- */

struct optout_seen {
	int n;
	struct sm_store_optout last;
};

static int collect_optout(const struct sm_store_optout *o, void *data)
{
	struct optout_seen *s = data;

	s->n++;
	s->last = *o;
	return 0;
}

static void test_optouts(void **state)
{
	struct sm_store *st = open_db(":memory:");
	struct sm_store_enqueue e = {.recipient = "+33600000001",
				     .text = "x",
				     .kind = SM_KIND_MANUAL,
				     .nparts = 1};
	struct sm_store_outmsg m;
	struct optout_seen seen = {0};
	int64_t q1, q2, claimed, writing, confirm, other;
	int cancelled = -1;

	assert_int_equal(sm_store_enqueue(st, &e, T0, &writing), 0);
	assert_int_equal(sm_store_claim(st, "m1", T0, SM_KINDS_ALL, &m), 0);
	assert_int_equal(sm_store_part_writing(st, writing, 1, "m1", T0), 0);
	assert_int_equal(sm_store_part_sent(st, writing, 1, 1, T0), 0);
	assert_int_equal(sm_store_enqueue(st, &e, T0, &claimed), 0);
	assert_int_equal(sm_store_claim(st, "m1", T0, SM_KINDS_ALL, &m), 0);
	assert_int_equal(m.id, claimed);
	assert_int_equal(sm_store_enqueue(st, &e, T0, &q1), 0);
	assert_int_equal(sm_store_enqueue(st, &e, T0, &q2), 0);
	e.recipient = "+33600000002";
	assert_int_equal(sm_store_enqueue(st, &e, T0, &other), 0);

	assert_int_equal(sm_store_optout_check(st, "+33600000001"), 0);
	assert_int_equal(sm_store_optout_add(st, "+33600000001", SM_OPTOUT_SMS,
					     T0 + 5, "STOP", &cancelled),
			 0);
	assert_int_equal(cancelled, 3);
	assert_int_equal(sm_store_optout_check(st, "+33600000001"), 1);
	assert_int_equal(sm_store_outbox_get(st, claimed, &m), 0);
	assert_int_equal(m.state, SM_OUT_CANCELLED);
	assert_string_equal(m.last_error, "opted out");
	assert_int_equal(sm_store_outbox_get(st, q2, &m), 0);
	assert_int_equal(m.state, SM_OUT_CANCELLED);
	assert_int_equal(sm_store_outbox_get(st, writing, &m), 0);
	assert_int_equal(m.state, SM_OUT_SENT);
	assert_int_equal(sm_store_outbox_get(st, other, &m), 0);
	assert_int_equal(m.state, SM_OUT_QUEUED);
	/* Nothing more to that number, except the confirmation. */
	e.recipient = "+33600000001";
	assert_int_equal(sm_store_enqueue(st, &e, T0, NULL), -EPERM);
	e.kind = SM_KIND_REPLY;
	e.flags = SM_OUT_F_OPTOUT_CONFIRM;
	e.text = "Vous ne recevrez plus de SMS.";
	assert_int_equal(sm_store_enqueue(st, &e, T0, &confirm), 0);
	/* A second STOP neither rewrites the record nor cancels the
	 * confirmation. */
	assert_int_equal(sm_store_optout_add(st, "+33600000001",
					     SM_OPTOUT_ADVISOR, T0 + 9, NULL,
					     &cancelled),
			 0);
	assert_int_equal(cancelled, 0);
	assert_int_equal(sm_store_claim(st, "m1", T0 + 10,
					SM_KIND_BIT(SM_KIND_REPLY), &m),
			 0);
	assert_int_equal(m.id, confirm);
	assert_int_equal(sm_store_optout_list(st, collect_optout, &seen), 0);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.last.number, "+33600000001");
	assert_int_equal(seen.last.source, SM_OPTOUT_SMS);
	assert_int_equal(seen.last.at, T0 + 5);
	assert_string_equal(seen.last.text, "STOP");
	assert_int_equal(sm_store_optout_add(st, "06 00 00 00 01",
					     SM_OPTOUT_IMPORT, T0, NULL, NULL),
			 -EINVAL);
	assert_int_equal(sm_store_optout_remove(st, "+33600000001"), 0);
	assert_int_equal(sm_store_optout_remove(st, "+33600000001"), -ENOENT);
	assert_int_equal(sm_store_optout_check(st, "+33600000001"), 0);
	e.flags = 0;
	assert_int_equal(sm_store_enqueue(st, &e, T0, NULL), 0);
	assert_string_equal(sm_optout_source_name(SM_OPTOUT_IMPORT), "import");
	sm_store_close(st);
}

/* ---- modems and events ---------------------------------------------- */

static int count_modem(const struct sm_store_modem *m, void *data)
{
	char *names = data;

	strcat(names, m->name);
	strcat(names, ";");
	return 0;
}

static void test_modems(void **state)
{
	struct sm_store *st = open_db(":memory:");
	struct sm_store_modem m = {.name = "quectel-1",
				   .state = SM_STORE_MODEM_UP,
				   .signal_dbm = -71,
				   .registration = "home",
				   .operator_name = "Orange F"};
	char names[64] = "";
	int total = -1;

	assert_int_equal(
		sm_store_modem_count_sent(st, "quectel-1", 20260122, 1, &total),
		-ENOENT);
	assert_int_equal(sm_store_modem_update(st, &m, T0), 0);
	assert_int_equal(
		sm_store_modem_error(st, "quectel-1", "+CME ERROR: 10", T0 + 1),
		0);
	assert_int_equal(
		sm_store_modem_error(st, "quectel-1", "SIM busy", T0 + 2), 0);
	m.state = SM_STORE_MODEM_DOWN;
	m.signal_dbm = 0;
	assert_int_equal(sm_store_modem_update(st, &m, T0 + 3), 0);
	assert_int_equal(
		sm_store_modem_count_sent(st, "quectel-1", 20260122, 1, &total),
		0);
	assert_int_equal(
		sm_store_modem_count_sent(st, "quectel-1", 20260122, 2, &total),
		0);
	assert_int_equal(total, 3);
	memset(&m, 0, sizeof(m));
	assert_int_equal(sm_store_modem_get(st, "quectel-1", &m), 0);
	assert_int_equal(m.state, SM_STORE_MODEM_DOWN);
	assert_string_equal(m.operator_name, "Orange F");
	assert_string_equal(m.registration, "home");
	assert_string_equal(m.last_error, "SIM busy");
	assert_int_equal(m.error_count, 2);
	assert_int_equal(m.sent_today, 3);
	assert_int_equal(m.day_key, 20260122);
	assert_int_equal(m.updated_at, T0 + 3);
	/* A new local day restarts the count. */
	assert_int_equal(
		sm_store_modem_count_sent(st, "quectel-1", 20260123, 1, &total),
		0);
	assert_int_equal(total, 1);
	/* An error on a modem never seen creates its row. */
	assert_int_equal(sm_store_modem_error(st, "huawei-2", "no SIM", T0), 0);
	assert_int_equal(sm_store_modem_get(st, "huawei-2", &m), 0);
	assert_int_equal(m.state, SM_STORE_MODEM_INIT);
	assert_int_equal(m.error_count, 1);
	assert_int_equal(sm_store_modem_list(st, count_modem, names), 0);
	assert_string_equal(names, "huawei-2;quectel-1;");
	assert_int_equal(sm_store_modem_get(st, "nope", &m), -ENOENT);
	assert_string_equal(sm_store_modem_state_name(SM_STORE_MODEM_DISABLED), "disabled");
	sm_store_close(st);
}

static int collect_event(const struct sm_store_event *e, void *data)
{
	char *out = data;

	strcat(out, e->action);
	strcat(out, "|");
	strcat(out, e->detail);
	strcat(out, ";");
	return 0;
}

static void test_events(void **state)
{
	struct sm_store *st = open_db(":memory:");
	char out[256] = "";
	int64_t id1, id2;

	assert_int_equal(sm_store_event_add(st, T0, "smsmatchd", "modem.down",
					    "quectel-1: timeout", &id1),
			 0);
	assert_int_equal(sm_store_event_add(st, T0 + 1, "cli:alice",
					    "optout.add", NULL, &id2),
			 0);
	assert_true(id2 > id1);
	assert_int_equal(sm_store_event_list(st, 0, collect_event, out), 0);
	assert_string_equal(out, "modem.down|quectel-1: timeout;optout.add|;");
	out[0] = '\0';
	assert_int_equal(sm_store_event_list(st, id1, collect_event, out), 0);
	assert_string_equal(out, "optout.add|;");
	assert_int_equal(sm_store_event_add(st, T0, "", "x", NULL, NULL),
			 -EINVAL);
	sm_store_close(st);
}

/* ---- hostile strings ------------------------------------------------ */

static void test_hostile(void **state)
{
	static const char *texts[] = {
		"'); DROP TABLE outbox; --",
		"\" OR 1=1 --",
		"%s%s%s%n%x%p",
		"\x01\x02\x1b[31m\r\n\t\x7f",
		"\xff\xfe\xc3 not UTF-8 \xe2\x82",
		"Robert'); DELETE FROM optouts WHERE ('1'='1",
	};
	struct sm_store *st = open_db(":memory:");
	struct sm_store_enqueue e = {.recipient = "+33600000001", .nparts = 1};
	struct sm_store_queue_stats q;
	struct sm_store_outmsg m;
	size_t big_len = 1 << 20;
	char *big = malloc(big_len + 1);
	int64_t id;

	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		e.text = texts[i];
		assert_int_equal(sm_store_enqueue(st, &e, T0, &id), 0);
		assert_int_equal(sm_store_outbox_get(st, id, &m), 0);
		assert_memory_equal(m.text, texts[i], strlen(texts[i]) + 1);
		assert_int_equal(sm_store_event_add(st, T0, texts[i], texts[i],
						    texts[i], NULL),
				 0);
		add(st, texts[i], T0, 0, 1, 1, texts[i], T0, &id);
		assert_string_equal(inmsg(st, id)->text, texts[i]);
		assert_string_equal(inmsg(st, id)->sender, texts[i]);
	}
	/* A modem named like an injection claims and writes. */
	assert_int_equal(sm_store_claim(st, texts[0], T0, SM_KINDS_ALL, &m), 0);
	assert_string_equal(m.claimed_by, texts[0]);
	assert_int_equal(sm_store_part_writing(st, m.id, 1, texts[0], T0), 0);
	assert_int_equal(sm_store_release_modem(st, texts[0], T0, NULL), 0);
	assert_int_equal(sm_store_queue_stats(st, &q), 0);
	assert_int_equal(q.count[SM_OUT_QUEUED], 5);
	assert_int_equal(q.count[SM_OUT_UNCONFIRMED], 1);

	/* 1 MB: refused, whatever the field. */
	assert_non_null(big);
	memset(big, 'A', big_len);
	big[big_len] = '\0';
	e.text = big;
	assert_int_equal(sm_store_enqueue(st, &e, T0, NULL), -E2BIG);
	assert_int_equal(sm_store_claim(st, big, T0, SM_KINDS_ALL, &m), -E2BIG);
	assert_int_equal(sm_store_event_add(st, T0, "a", "b", big, NULL),
			 -E2BIG);
	assert_int_equal(sm_store_optout_add(st, "+33600000009", SM_OPTOUT_SMS,
					     T0, big, NULL),
			 -E2BIG);
	assert_int_equal(sm_store_cancel(st, 1, T0, big), -E2BIG);
	{
		struct sm_store_report r = {.modem = big,
					    .recipient = "+33600000001"};
		struct sm_store_match w = {1, 1};

		assert_int_equal(sm_store_report_add(st, &r, &w, NULL), -E2BIG);
	}
	{
		struct sm_store_inpart p = {.modem = "m1",
					    .sender = "+33600000001",
					    .text = big,
					    .text_len = big_len};
		enum sm_store_inbox_result res;

		assert_int_equal(sm_store_inbox_add_part(st, &p, &res, NULL),
				 -E2BIG);
		p.text_len = 3;
		p.pdu_hex = big;
		assert_int_equal(sm_store_inbox_add_part(st, &p, &res, NULL),
				 -E2BIG);
	}
	/* The modem error text is cut, not refused: the count matters. */
	assert_int_equal(sm_store_modem_error(st, "m1", big, T0), 0);
	{
		struct sm_store_modem mm;

		assert_int_equal(sm_store_modem_get(st, "m1", &mm), 0);
		assert_int_equal(strlen(mm.last_error), SM_STORE_ERROR_MAX - 1);
	}
	free(big);
	/* The tables are all still there. */
	assert_int_equal(sm_store_optout_check(st, "+33600000001"), 0);
	assert_int_equal(sm_store_queue_stats(st, &q), 0);
	assert_int_equal(q.count[SM_OUT_QUEUED], 5);
	sm_store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_and_duplicate),
		cmocka_unit_test(test_concat_out_of_order),
		cmocka_unit_test(test_reassembly_across_reopen),
		cmocka_unit_test(test_flush_incomplete),
		cmocka_unit_test(test_big_headers),
		cmocka_unit_test(test_reused_reference),
		cmocka_unit_test(test_inbox_bounds),
		cmocka_unit_test(test_inbox_truncated),
		cmocka_unit_test(test_optouts),
		cmocka_unit_test(test_modems),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
