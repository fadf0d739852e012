/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loop.h - a small poll(2) event loop: file descriptors and one-shot timers.
 *
 * Everything in smsmatch that waits (serial ports, the control socket of the
 * simulator, later the LLM client) waits here, so nothing on the modem path
 * ever blocks.  Time is CLOCK_MONOTONIC in milliseconds.  Callbacks may add
 * and remove watches and timers, including their own.
 */
#ifndef SMSMATCH_LOOP_H
#define SMSMATCH_LOOP_H

#include <stdint.h>

struct sm_loop;

/* Events a watch asks for and is called with. */
enum {
	SM_LOOP_READ = 1 << 0,	/* data to read (POLLIN) */
	SM_LOOP_WRITE = 1 << 1, /* room to write (POLLOUT) */
	SM_LOOP_ERROR = 1 << 2, /* only reported: POLLERR, POLLHUP, POLLNVAL */
};

typedef void (*sm_loop_io_fn)(struct sm_loop *loop, int fd, unsigned events,
			      void *data);
typedef void (*sm_loop_timer_fn)(struct sm_loop *loop, void *data);

/* Monotonic clock in milliseconds. */
uint64_t sm_clock_ms(void);

/* Returns NULL on allocation failure. */
struct sm_loop *sm_loop_new(void);
/* Frees the loop; fds are not closed, callbacks are not called. */
void sm_loop_free(struct sm_loop *loop);

/*
 * Watch @fd for @events (SM_LOOP_READ | SM_LOOP_WRITE).  Returns an id > 0
 * or a negative errno.  The loop never closes @fd.
 */
int sm_loop_add_fd(struct sm_loop *loop, int fd, unsigned events,
		   sm_loop_io_fn fn, void *data);
/* Change the events of watch @id.  Returns 0 or -ENOENT. */
int sm_loop_mod_fd(struct sm_loop *loop, int id, unsigned events);
/* Stop watch @id (safe from inside its callback). */
void sm_loop_del_fd(struct sm_loop *loop, int id);

/* Disarm timer @id without removing it.  0 or -ENOENT. */
int sm_loop_disarm_timer(struct sm_loop *loop, int id);

/*
 * Call @fn once at monotonic time @at_ms (now or in the past: on the next
 * iteration).  Returns an id > 0 or a negative errno.  After firing, the
 * timer stays, disarmed: re-arm it with sm_loop_set_timer() or remove it
 * with sm_loop_del_timer() (the owner must, or it lingers until
 * sm_loop_free()).
 */
int sm_loop_add_timer(struct sm_loop *loop, uint64_t at_ms,
		      sm_loop_timer_fn fn, void *data);
/* Move timer @id to @at_ms, re-arming it if it fired.  0 or -ENOENT. */
int sm_loop_set_timer(struct sm_loop *loop, int id, uint64_t at_ms);
/* Cancel timer @id (safe from inside its callback). */
void sm_loop_del_timer(struct sm_loop *loop, int id);

/*
 * Run one iteration: wait at most @max_wait_ms (-1: until something
 * happens), then dispatch.  Returns 0, or a negative errno if poll failed
 * (EINTR is not a failure).
 */
int sm_loop_run_once(struct sm_loop *loop, int max_wait_ms);
/* Run until sm_loop_stop().  Returns 0 or a negative errno. */
int sm_loop_run(struct sm_loop *loop);
/* Make sm_loop_run() return after the current iteration. */
void sm_loop_stop(struct sm_loop *loop);

#endif
