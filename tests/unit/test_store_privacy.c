/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_store_privacy.c - schema 4 of the store: the purge of closed
 * campaigns (dry run == real run, the funnel unchanged, opt-outs kept,
 * nothing of the removed text left in the database file or its WAL), the
 * erasure of one person (refused during an open conversation unless
 * forced, opt-out kept, audit events masked), the audit trail with its
 * subject, and the person lookups.  On the shortlist fixture campaign.
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

#include "lib/sl_fixture.h"
#include "smsmatch/store_campaign.h"
#include "smsmatch/store_privacy.h"

#define DAY	86400
#define T_CLOSE (SL_FIXTURE_T0 + 10 * DAY)

struct fx {
	char path[64];
	struct sm_store *st;
	int64_t campaign;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[256];
	int fd;

	assert_non_null(f);
	snprintf(f->path, sizeof(f->path), "/tmp/test_privacy.XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	close(fd);
	unlink(f->path);
	assert_int_equal(sm_store_open(f->path, &f->st, err, sizeof(err)), 0);
	assert_int_equal(sl_fixture_populate(f->st, &f->campaign), 0);
	assert_int_equal(sm_store_optout_add(f->st, "+33612345607",
					     SM_OPTOUT_SMS, SL_FIXTURE_T0,
					     "STOP svp merci", NULL),
			 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char p[80];

	sm_store_close(f->st);
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	free(f);
	return 0;
}

/* Does the file @path (missing: no) hold the bytes of @needle? */
static bool file_has(const char *path, const char *needle)
{
	size_t n = strlen(needle), len = 0, cap = 0;
	char *buf = NULL;
	bool found = false;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		return false;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t got = fread(buf + len, 1, cap - len, fp);
		if (!got)
			break;
		len += got;
	}
	fclose(fp);
	for (size_t i = 0; !found && len >= n && i <= len - n; i++)
		found = memcmp(buf + i, needle, n) == 0;
	free(buf);
	return found;
}

static bool db_has(const struct fx *f, const char *needle)
{
	char wal[80];

	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	return file_has(f->path, needle) || file_has(wal, needle);
}

static void close_campaign(struct fx *f)
{
	assert_int_equal(sm_store_campaign_set_state(f->st, f->campaign,
						     SM_CAMPAIGN_CLOSED,
						     T_CLOSE),
			 0);
}

static int count_row(const void *row, void *data)
{
	(void)row;
	(*(int *)data)++;
	return 0;
}

static void test_purge(void **state)
{
	struct fx *f = *state;
	struct sm_store_campaign_funnel before, after;
	struct sm_store_scrub_report dry, rep;
	struct sm_store_candidate c;
	struct sm_store_optout o;
	int n = 0;

	/* A running campaign is never purged. */
	assert_int_equal(sm_store_purge(f->st, T_CLOSE + 100 * DAY, false,
					T_CLOSE + 100 * DAY, &rep),
			 0);
	assert_int_equal(rep.campaigns, 0);
	assert_int_equal(rep.candidates, 0);
	assert_int_equal(rep.optouts, 1); /* but an old opt-out's text */
	close_campaign(f);
	assert_int_equal(sm_store_campaign_funnel(f->st, f->campaign, &before),
			 0);
	/* Closed, but not long enough ago. */
	assert_int_equal(
		sm_store_purge(f->st, T_CLOSE - 1, false, T_CLOSE, &rep), 0);
	assert_int_equal(rep.campaigns, 0);
	assert_int_equal(rep.candidates, 0);
	assert_int_equal(rep.optouts, 0);
	assert_true(db_has(f, "ouais carr"));

	/* The dry run counts and changes nothing. */
	assert_int_equal(sm_store_purge(f->st, T_CLOSE, true, T_CLOSE, &dry),
			 0);
	assert_int_equal(dry.campaigns, 1);
	assert_int_equal(dry.candidates, 11);
	assert_true(dry.answers > 20);
	assert_true(dry.outbox >= 10);
	assert_true(dry.inbox > 20);
	assert_int_equal(dry.optouts, 0);
	assert_int_equal(sm_store_candidates_by_phone(
				 f->st, "+33612345601",
				 (sm_store_candidate_fn)count_row, &n),
			 0);
	assert_int_equal(n, 1);

	/* The real run removes exactly that. */
	assert_int_equal(sm_store_purge(f->st, T_CLOSE, false, T_CLOSE, &rep),
			 0);
	assert_memory_equal(&rep, &dry, sizeof(rep));
	assert_int_equal(sm_store_campaign_funnel(f->st, f->campaign, &after),
			 0);
	assert_memory_equal(&before, &after, sizeof(before));
	n = 0;
	assert_int_equal(sm_store_candidates_by_phone(
				 f->st, "+33612345601",
				 (sm_store_candidate_fn)count_row, &n),
			 0);
	assert_int_equal(n, 0);
	n = 0;
	assert_int_equal(sm_store_inbox_by_sender(f->st, "+33612345601",
						  (sm_store_inmsg_fn)count_row,
						  &n),
			 0);
	assert_int_equal(n, 0);
	n = 0;
	assert_int_equal(
		sm_store_outbox_by_recipient(f->st, "+33612345601",
					     (sm_store_outmsg_fn)count_row, &n),
		0);
	assert_int_equal(n, 0);
	/* The row stays, anonymous. */
	assert_int_equal(sm_store_candidate_get(f->st, 1, &c), 0);
	assert_string_equal(c.first_name, "");
	assert_string_equal(c.last_name, "");
	assert_string_equal(c.ext_id, "");
	assert_string_equal(c.phone, "purged-1");
	/* The opt-out outlives the purge, as its number. */
	assert_int_equal(sm_store_optout_get(f->st, "+33612345607", &o), 0);
	assert_string_equal(o.text, "");
	assert_int_equal(o.source, SM_OPTOUT_SMS);
	/* Once is enough. */
	assert_int_equal(sm_store_purge(f->st, T_CLOSE + DAY, false,
					T_CLOSE + DAY, &rep),
			 0);
	assert_int_equal(rep.campaigns, 0);
	assert_int_equal(rep.candidates, 0);

	/* Nothing of it left in the file (secure_delete, checkpoint). */
	sm_store_close(f->st);
	f->st = NULL;
	assert_false(db_has(f, "ouais carr"));
	assert_false(db_has(f, "Martin"));
	assert_false(db_has(f, "+33612345601"));
	assert_false(db_has(f, "STOP svp merci"));
	assert_true(db_has(f, "+33612345607")); /* the opt-out */
	assert_int_equal(sm_store_open(f->path, &f->st, NULL, 0), 0);
}

struct events {
	int n, with_subject;
	char first_detail[SM_STORE_ERROR_MAX];
};

static int collect_event(const struct sm_store_event *e, void *data)
{
	struct events *ev = data;

	ev->n++;
	ev->with_subject += e->subject[0] != '\0';
	if (ev->n == 1)
		snprintf(ev->first_detail, sizeof(ev->first_detail), "%s",
			 e->detail);
	return 0;
}

static void test_erase(void **state)
{
	struct fx *f = *state;
	struct sm_store_scrub_report rep, dry;
	struct sm_store_conversation v;
	struct events ev = {0};
	int n = 0;

	assert_int_equal(sm_store_audit_add(f->st, SL_FIXTURE_T0, "cli:alice",
					    "optout.add", "+33612345605",
					    "+33612345605", NULL),
			 0);
	assert_int_equal(sm_store_audit_add(f->st, SL_FIXTURE_T0, "cli:alice",
					    "campaign.close", NULL, "x", NULL),
			 0);
	assert_int_equal(sm_store_audit_list(f->st, 0, "+33612345605",
					     collect_event, &ev),
			 0);
	assert_int_equal(ev.n, 1);

	/* +33612345605 is mid-conversation in a running campaign. */
	assert_int_equal(sm_store_person_busy(f->st, "+33612345605"), 1);
	assert_int_equal(sm_store_person_busy(f->st, "+33612345601"), 0);
	assert_int_equal(sm_store_person_erase(f->st, "+33612345605", false,
					       false, T_CLOSE, &rep),
			 -EBUSY);
	assert_int_equal(sm_store_candidates_by_phone(
				 f->st, "+33612345605",
				 (sm_store_candidate_fn)count_row, &n),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(sm_store_person_erase(f->st, "+33612345605", true,
					       true, T_CLOSE, &dry),
			 0);
	assert_int_equal(sm_store_person_busy(f->st, "+33612345605"), 1);
	assert_int_equal(sm_store_person_erase(f->st, "+33612345605", true,
					       false, T_CLOSE, &rep),
			 0);
	assert_memory_equal(&rep, &dry, sizeof(rep));
	assert_int_equal(rep.candidates, 1);
	assert_int_equal(rep.conversations, 1);
	assert_true(rep.inbox >= 1);
	assert_true(rep.outbox >= 1);
	assert_int_equal(rep.events, 1);
	assert_false(rep.opted_out);
	n = 0;
	assert_int_equal(sm_store_candidates_by_phone(
				 f->st, "+33612345605",
				 (sm_store_candidate_fn)count_row, &n),
			 0);
	assert_int_equal(sm_store_inbox_by_sender(f->st, "+33612345605",
						  (sm_store_inmsg_fn)count_row,
						  &n),
			 0);
	assert_int_equal(
		sm_store_outbox_by_recipient(f->st, "+33612345605",
					     (sm_store_outmsg_fn)count_row, &n),
		0);
	assert_int_equal(n, 0);
	/* The conversation ended, its figure stays. */
	assert_int_equal(sm_store_conversation_by_candidate(f->st, 5, &v), 0);
	assert_int_equal(v.outcome, SM_CONV_DECLINED);
	assert_string_equal(v.phone, "erased-5");
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(sm_store_audit_list(f->st, 0, "+33612345605",
					     collect_event, &ev),
			 0);
	assert_int_equal(ev.n, 0);
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(sm_store_audit_list(f->st, SL_FIXTURE_T0, NULL,
					     collect_event, &ev),
			 0);
	assert_int_equal(ev.n, 2);
	assert_int_equal(ev.with_subject, 0);

	/* An opted-out number keeps its opt-out. */
	assert_int_equal(sm_store_person_erase(f->st, "+33612345607", false,
					       false, T_CLOSE, &rep),
			 0);
	assert_true(rep.opted_out);
	assert_int_equal(rep.optouts, 1);
	assert_int_equal(sm_store_optout_check(f->st, "+33612345607"), 1);
	/* Bad input. */
	assert_int_equal(sm_store_person_erase(f->st, "0612", false, false,
					       T_CLOSE, &rep),
			 -EINVAL);
	sm_store_close(f->st);
	f->st = NULL;
	assert_false(db_has(f, "+33612345605"));
	assert_int_equal(sm_store_open(f->path, &f->st, NULL, 0), 0);
}

static void test_audit_since(void **state)
{
	struct fx *f = *state;
	struct sm_store_scrub_report rep;
	struct events ev = {0};

	assert_int_equal(sm_store_audit_add(f->st, 100, "cli:bob", "a",
					    "+33612345601", "", NULL),
			 0);
	assert_int_equal(sm_store_audit_add(f->st, 200, "cli:bob", "b", NULL,
					    NULL, NULL),
			 0);
	assert_int_equal(
		sm_store_audit_list(f->st, 150, NULL, collect_event, &ev), 0);
	assert_int_equal(ev.n, 1);
	/* A purge masks the numbers of the events of its time. */
	assert_int_equal(sm_store_audit_add(f->st, 120, "cli:bob", "c",
					    "+33612345602", "+33612345602 x",
					    NULL),
			 0);
	assert_int_equal(sm_store_purge(f->st, 120, false, 300, &rep), 0);
	assert_int_equal(rep.events, 2); /* "a" at 100 and "c" at 120 */
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(sm_store_audit_list(f->st, 0, "+33612345602",
					     collect_event, &ev),
			 0);
	assert_int_equal(ev.n, 0);
	assert_int_equal(
		sm_store_audit_list(f->st, 110, NULL, collect_event, &ev), 0);
	assert_int_equal(ev.n, 2);
	assert_int_equal(ev.with_subject, 0);
	assert_string_equal(ev.first_detail, "+*********02 x");
	assert_int_equal(sm_store_audit_add(f->st, 1, "a", "b",
					    "+3361234567890123456789012345678",
					    NULL, NULL),
			 -E2BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_erase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_since, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
