/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_reasm.c - reassembly of concatenated SMS: in order, out of order,
 * duplicates, 8- and 16-bit references kept apart, timeout and eviction
 * delivering incomplete messages, bounds.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "smsmatch/reasm.h"

static struct sm_sms part(const char *from, unsigned ref, bool ref16,
			  unsigned total, unsigned seq, const char *text)
{
	struct sm_sms s;

	memset(&s, 0, sizeof(s));
	s.type = SM_PDU_DELIVER;
	snprintf(s.number, sizeof(s.number), "%s", from);
	snprintf(s.text, sizeof(s.text), "%s", text);
	s.coding = SM_CODING_UCS2;
	s.concat.ref = ref;
	s.concat.ref16 = ref16;
	s.concat.total = total;
	s.concat.seq = seq;
	s.has_timestamp = true;
	s.timestamp = 1700000000 + seq;
	return s;
}

static struct sm_reasm_msg *msg_new(void)
{
	struct sm_reasm_msg *m = malloc(sizeof(*m));

	assert_non_null(m);
	return m;
}

static void single(void **state)
{
	struct sm_reasm *r = sm_reasm_new(4, 1000);
	struct sm_reasm_msg *out = msg_new();
	struct sm_sms s = part("+33612345678", 0, false, 0, 0, "Bonjour");

	(void)state;
	assert_int_equal(sm_reasm_add(r, &s, 7, 0, out), 1);
	assert_string_equal(out->text, "Bonjour");
	assert_string_equal(out->from, "+33612345678");
	assert_int_equal(out->parts, 1);
	assert_int_equal(out->ntags, 1);
	assert_int_equal(out->tags[0], 7);
	assert_false(out->incomplete);
	assert_int_equal(sm_reasm_pending(r), 0);
	free(out);
	sm_reasm_free(r);
}

static void out_of_order(void **state)
{
	struct sm_reasm *r = sm_reasm_new(4, 1000);
	struct sm_reasm_msg *out = msg_new();
	const unsigned order[] = {3, 1, 2};
	const char *texts[] = {"", "un ", "deux ", "trois"};

	(void)state;
	for (int i = 0; i < 3; i++) {
		struct sm_sms s = part("+33600000001", 42, false, 3, order[i],
				       texts[order[i]]);

		assert_int_equal(sm_reasm_add(r, &s, 100 + order[i], 10, out),
				 i == 2 ? 1 : 0);
	}
	assert_string_equal(out->text, "un deux trois");
	assert_int_equal(out->parts, 3);
	assert_int_equal(out->received, 3);
	assert_int_equal(out->ntags, 3);
	assert_int_equal(out->tags[0], 101);
	assert_int_equal(out->tags[2], 103);
	assert_int_equal(out->timestamp, 1700000001); /* part 1's */
	assert_int_equal(out->ref, 42);
	assert_false(out->incomplete);
	free(out);
	sm_reasm_free(r);
}

static void duplicates(void **state)
{
	struct sm_reasm *r = sm_reasm_new(4, 1000);
	struct sm_reasm_msg *out = msg_new();
	struct sm_sms a = part("+33600000001", 9, false, 2, 1, "a");
	struct sm_sms a2 = part("+33600000001", 9, false, 2, 1, "X");
	struct sm_sms b = part("+33600000001", 9, false, 2, 2, "b");

	(void)state;
	assert_int_equal(sm_reasm_add(r, &a, 1, 0, out), 0);
	assert_int_equal(sm_reasm_add(r, &a2, 2, 0, out), -EEXIST);
	assert_int_equal(sm_reasm_add(r, &b, 3, 0, out), 1);
	assert_string_equal(out->text, "ab");
	assert_int_equal(out->ntags, 2);
	/* once complete, the same part starts a new message */
	assert_int_equal(sm_reasm_add(r, &a2, 4, 0, out), 0);
	assert_int_equal(sm_reasm_pending(r), 1);
	free(out);
	sm_reasm_free(r);
}

static void refs_kept_apart(void **state)
{
	struct sm_reasm *r = sm_reasm_new(8, 1000);
	struct sm_reasm_msg *out = msg_new();
	/* same number: 8-bit ref 0x34, 16-bit ref 0x1234 and 0x0034 */
	struct sm_sms a1 = part("+33611111111", 0x34, false, 2, 1, "A1");
	struct sm_sms b1 = part("+33611111111", 0x1234, true, 2, 1, "B1");
	struct sm_sms c1 = part("+33611111111", 0x34, true, 2, 1, "C1");
	struct sm_sms d1 = part("+33622222222", 0x34, false, 2, 1, "D1");
	struct sm_sms b2 = part("+33611111111", 0x1234, true, 2, 2, "B2");
	struct sm_sms a2 = part("+33611111111", 0x34, false, 2, 2, "A2");

	(void)state;
	assert_int_equal(sm_reasm_add(r, &a1, 1, 0, out), 0);
	assert_int_equal(sm_reasm_add(r, &b1, 2, 0, out), 0);
	assert_int_equal(sm_reasm_add(r, &c1, 3, 0, out), 0);
	assert_int_equal(sm_reasm_add(r, &d1, 4, 0, out), 0);
	assert_int_equal(sm_reasm_pending(r), 4);
	assert_int_equal(sm_reasm_add(r, &b2, 5, 0, out), 1);
	assert_string_equal(out->text, "B1B2");
	assert_int_equal(out->ref, 0x1234);
	assert_int_equal(sm_reasm_add(r, &a2, 6, 0, out), 1);
	assert_string_equal(out->text, "A1A2");
	assert_int_equal(sm_reasm_pending(r), 2);
	free(out);
	sm_reasm_free(r);
}

static void timeout(void **state)
{
	struct sm_reasm *r = sm_reasm_new(4, 5000);
	struct sm_reasm_msg *out = msg_new();
	struct sm_sms p1 = part("+33600000003", 7, false, 3, 1, "début ");
	struct sm_sms p3 = part("+33600000003", 7, false, 3, 3, "fin");

	(void)state;
	assert_int_equal(sm_reasm_deadline(r), UINT64_MAX);
	assert_int_equal(sm_reasm_add(r, &p1, 1, 1000, out), 0);
	assert_int_equal(sm_reasm_add(r, &p3, 3, 3000, out), 0);
	assert_int_equal(sm_reasm_deadline(r), 6000);
	assert_int_equal(sm_reasm_expire(r, 5999, out), 0);
	assert_int_equal(sm_reasm_expire(r, 6000, out), 1);
	assert_true(out->incomplete);
	assert_string_equal(out->text, "début fin");
	assert_int_equal(out->parts, 3);
	assert_int_equal(out->received, 2);
	assert_int_equal(out->ntags, 2);
	assert_int_equal(out->tags[1], 3);
	assert_int_equal(sm_reasm_expire(r, 9000, out), 0);
	assert_int_equal(sm_reasm_pending(r), 0);
	free(out);
	sm_reasm_free(r);
}

static void bounds(void **state)
{
	struct sm_reasm *r = sm_reasm_new(2, 5000);
	struct sm_reasm_msg *out = msg_new();
	struct sm_sms a = part("+33600000001", 1, false, 2, 1, "a");
	struct sm_sms b = part("+33600000001", 2, false, 2, 1, "b");
	struct sm_sms c = part("+33600000001", 3, false, 2, 1, "c");
	struct sm_sms bad = part("+33600000001", 4, false, 2, 3, "x");
	struct sm_sms huge =
		part("+33600000001", 5, false, SM_REASM_PARTS_MAX + 1, 1, "x");

	(void)state;
	assert_int_equal(sm_reasm_add(r, &bad, 1, 0, out), -EINVAL);
	assert_int_equal(sm_reasm_add(r, &huge, 1, 0, out), -EINVAL);
	assert_int_equal(sm_reasm_add(r, &a, 1, 100, out), 0);
	assert_int_equal(sm_reasm_add(r, &b, 2, 200, out), 0);
	assert_int_equal(sm_reasm_add(r, &c, 3, 300, out), -ENOSPC);
	assert_int_equal(sm_reasm_evict_oldest(r, out), 1);
	assert_string_equal(out->text, "a");
	assert_true(out->incomplete);
	assert_int_equal(sm_reasm_add(r, &c, 3, 300, out), 0);
	assert_int_equal(sm_reasm_pending(r), 2);
	free(out);
	sm_reasm_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(single),     cmocka_unit_test(out_of_order),
		cmocka_unit_test(duplicates), cmocka_unit_test(refs_kept_apart),
		cmocka_unit_test(timeout),    cmocka_unit_test(bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
