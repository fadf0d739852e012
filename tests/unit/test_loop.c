/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_loop.c - the poll loop: fd readiness, timers, removal in callbacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "smsmatch/loop.h"

struct counts {
	int reads;    /* read callbacks */
	int timers;   /* timer callbacks */
	int id;	      /* watch or timer id to act on */
	char last;    /* last byte read */
};

static void on_read(struct sm_loop *loop, int fd, unsigned ev, void *data)
{
	struct counts *c = data;

	assert_true(ev & SM_LOOP_READ);
	assert_int_equal(read(fd, &c->last, 1), 1);
	c->reads++;
	sm_loop_del_fd(loop, c->id); /* removal from inside the callback */
}

static void test_fd_ready(void **state)
{
	struct sm_loop *loop = sm_loop_new();
	struct counts c = {0};
	int p[2];

	assert_int_equal(pipe(p), 0);
	c.id = sm_loop_add_fd(loop, p[0], SM_LOOP_READ, on_read, &c);
	assert_true(c.id > 0);
	assert_int_equal(sm_loop_run_once(loop, 0), 0);
	assert_int_equal(c.reads, 0);
	assert_int_equal(write(p[1], "xy", 2), 2);
	assert_int_equal(sm_loop_run_once(loop, 1000), 0);
	assert_int_equal(c.reads, 1);
	assert_int_equal(c.last, 'x');
	/* The watch is gone: the second byte is not read. */
	assert_int_equal(sm_loop_run_once(loop, 0), 0);
	assert_int_equal(c.reads, 1);
	assert_int_equal(sm_loop_mod_fd(loop, c.id, SM_LOOP_READ), -ENOENT);
	close(p[0]);
	close(p[1]);
	sm_loop_free(loop);
}

static void on_timer(struct sm_loop *loop, void *data)
{
	struct counts *c = data;

	c->timers++;
	if (c->timers == 3)
		sm_loop_stop(loop);
	else
		sm_loop_set_timer(loop, c->id, sm_clock_ms() + 1);
}

static void test_timers_rearm_and_stop(void **state)
{
	struct sm_loop *loop = sm_loop_new();
	struct counts c = {0};
	uint64_t t0 = sm_clock_ms();

	c.id = sm_loop_add_timer(loop, t0 + 5, on_timer, &c);
	assert_true(c.id > 0);
	assert_int_equal(sm_loop_run(loop), 0);
	assert_int_equal(c.timers, 3);
	assert_true(sm_clock_ms() >= t0 + 5);
	/* Fired and disarmed: still there, can be re-armed. */
	assert_int_equal(sm_loop_set_timer(loop, c.id, 0), 0);
	assert_int_equal(sm_loop_run_once(loop, 100), 0);
	assert_int_equal(c.timers, 4);
	sm_loop_del_timer(loop, c.id);
	assert_int_equal(sm_loop_set_timer(loop, c.id, 0), -ENOENT);
	sm_loop_free(loop);
}

static void count_timer(struct sm_loop *loop, void *data)
{
	(*(int *)data)++;
}

static void test_timer_order_and_disarm(void **state)
{
	struct sm_loop *loop = sm_loop_new();
	int a = 0, b = 0;
	int ta = sm_loop_add_timer(loop, 0, count_timer, &a);
	int tb = sm_loop_add_timer(loop, 0, count_timer, &b);

	assert_int_equal(sm_loop_disarm_timer(loop, tb), 0);
	assert_int_equal(sm_loop_run_once(loop, 100), 0);
	assert_int_equal(a, 1);
	assert_int_equal(b, 0);
	/* Nothing armed: run_once returns after its max wait. */
	assert_int_equal(sm_loop_run_once(loop, 1), 0);
	assert_int_equal(a, 1);
	sm_loop_del_timer(loop, ta);
	sm_loop_del_timer(loop, tb);
	sm_loop_free(loop);
}

static void test_many_watches(void **state)
{
	struct sm_loop *loop = sm_loop_new();
	struct counts c[40] = {{0}};
	int p[40][2];

	for (int i = 0; i < 40; i++) {
		assert_int_equal(pipe(p[i]), 0);
		c[i].id = sm_loop_add_fd(loop, p[i][0], SM_LOOP_READ, on_read,
					 &c[i]);
		assert_true(c[i].id > 0);
	}
	for (int i = 0; i < 40; i += 2)
		assert_int_equal(write(p[i][1], "z", 1), 1);
	assert_int_equal(sm_loop_run_once(loop, 1000), 0);
	for (int i = 0; i < 40; i++) {
		assert_int_equal(c[i].reads, i % 2 == 0 ? 1 : 0);
		close(p[i][0]);
		close(p[i][1]);
	}
	assert_int_equal(sm_loop_add_fd(loop, -1, SM_LOOP_READ, on_read, c),
			 -EINVAL);
	sm_loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fd_ready),
		cmocka_unit_test(test_timers_rearm_and_stop),
		cmocka_unit_test(test_timer_order_and_disarm),
		cmocka_unit_test(test_many_watches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
