/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loop.c - the poll(2) event loop behind every smsmatch program.
 *
 * Watches and timers live in small arrays scanned linearly: a box has a
 * handful of modems, so there are tens of entries, not thousands.  Removing
 * an entry only marks it dead; dead entries are swept between iterations,
 * which makes removal safe from inside any callback.  A timer that fired
 * stays, disarmed, until its owner re-arms it or removes it.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smsmatch/loop.h"

struct watch {
	int id;		  /* > 0 while alive, 0 once removed */
	int fd;		  /* the file descriptor watched */
	unsigned events;  /* SM_LOOP_READ | SM_LOOP_WRITE */
	sm_loop_io_fn fn; /* called with the events that happened */
	void *data;	  /* its argument */
};

struct timer {
	int id;		     /* > 0 while alive, 0 once removed */
	bool armed;	     /* false once fired (until set again) */
	uint64_t at_ms;	     /* when to fire, monotonic */
	sm_loop_timer_fn fn; /* called once when due */
	void *data;	     /* its argument */
};

struct sm_loop {
	struct watch *watches; /* fd watches, possibly with dead entries */
	size_t nwatches;       /* used entries */
	size_t cwatches;       /* allocated entries */
	struct timer *timers;  /* timers, possibly with dead entries */
	size_t ntimers;	       /* used entries */
	size_t ctimers;	       /* allocated entries */
	struct pollfd *pfds;   /* scratch array for poll(), cwatches long */
	int next_id;	       /* ids are never reused */
	bool stop;	       /* sm_loop_stop() was called */
};

uint64_t sm_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct sm_loop *sm_loop_new(void)
{
	struct sm_loop *loop = calloc(1, sizeof(*loop));

	if (loop)
		loop->next_id = 1;
	return loop;
}

void sm_loop_free(struct sm_loop *loop)
{
	if (!loop)
		return;
	free(loop->watches);
	free(loop->timers);
	free(loop->pfds);
	free(loop);
}

static int new_id(struct sm_loop *loop)
{
	if (loop->next_id == 0x7fffffff)
		loop->next_id = 1;
	return loop->next_id++;
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

int sm_loop_add_fd(struct sm_loop *loop, int fd, unsigned events,
		   sm_loop_io_fn fn, void *data)
{
	size_t cap = loop->cwatches;
	struct watch *w;

	if (fd < 0 || !fn)
		return -EINVAL;
	if (grow((void **)&loop->watches, &cap, loop->nwatches + 1,
		 sizeof(*loop->watches)) < 0)
		return -ENOMEM;
	if (cap != loop->cwatches) {
		struct pollfd *p = realloc(loop->pfds, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		loop->pfds = p;
		loop->cwatches = cap;
	}
	w = &loop->watches[loop->nwatches++];
	w->id = new_id(loop);
	w->fd = fd;
	w->events = events & (SM_LOOP_READ | SM_LOOP_WRITE);
	w->fn = fn;
	w->data = data;
	return w->id;
}

static struct watch *find_watch(struct sm_loop *loop, int id)
{
	for (size_t i = 0; i < loop->nwatches; i++)
		if (loop->watches[i].id == id && id > 0)
			return &loop->watches[i];
	return NULL;
}

int sm_loop_mod_fd(struct sm_loop *loop, int id, unsigned events)
{
	struct watch *w = find_watch(loop, id);

	if (!w)
		return -ENOENT;
	w->events = events & (SM_LOOP_READ | SM_LOOP_WRITE);
	return 0;
}

void sm_loop_del_fd(struct sm_loop *loop, int id)
{
	struct watch *w = find_watch(loop, id);

	if (w)
		w->id = 0;
}

int sm_loop_add_timer(struct sm_loop *loop, uint64_t at_ms,
		      sm_loop_timer_fn fn, void *data)
{
	struct timer *t;

	if (!fn)
		return -EINVAL;
	if (grow((void **)&loop->timers, &loop->ctimers, loop->ntimers + 1,
		 sizeof(*loop->timers)) < 0)
		return -ENOMEM;
	t = &loop->timers[loop->ntimers++];
	t->id = new_id(loop);
	t->armed = true;
	t->at_ms = at_ms;
	t->fn = fn;
	t->data = data;
	return t->id;
}

static struct timer *find_timer(struct sm_loop *loop, int id)
{
	for (size_t i = 0; i < loop->ntimers; i++)
		if (loop->timers[i].id == id && id > 0)
			return &loop->timers[i];
	return NULL;
}

int sm_loop_set_timer(struct sm_loop *loop, int id, uint64_t at_ms)
{
	struct timer *t = find_timer(loop, id);

	if (!t)
		return -ENOENT;
	t->at_ms = at_ms;
	t->armed = true;
	return 0;
}

int sm_loop_disarm_timer(struct sm_loop *loop, int id)
{
	struct timer *t = find_timer(loop, id);

	if (!t)
		return -ENOENT;
	t->armed = false;
	return 0;
}

void sm_loop_del_timer(struct sm_loop *loop, int id)
{
	struct timer *t = find_timer(loop, id);

	if (t)
		t->id = 0;
}

/* Drop removed entries, keeping the order of the others. */
static void sweep(struct sm_loop *loop)
{
	size_t o = 0;

	for (size_t i = 0; i < loop->nwatches; i++)
		if (loop->watches[i].id)
			loop->watches[o++] = loop->watches[i];
	loop->nwatches = o;
	o = 0;
	for (size_t i = 0; i < loop->ntimers; i++)
		if (loop->timers[i].id)
			loop->timers[o++] = loop->timers[i];
	loop->ntimers = o;
}

/* Milliseconds until the next armed timer, capped by @max_wait_ms. */
static int next_wait(const struct sm_loop *loop, uint64_t now, int max_wait)
{
	int wait = max_wait;

	for (size_t i = 0; i < loop->ntimers; i++) {
		const struct timer *t = &loop->timers[i];
		uint64_t d;

		if (!t->id || !t->armed)
			continue;
		d = t->at_ms > now ? t->at_ms - now : 0;
		if (d > 0x7fffffff)
			d = 0x7fffffff;
		if (wait < 0 || (int)d < wait)
			wait = (int)d;
	}
	return wait;
}

static void run_timers(struct sm_loop *loop)
{
	uint64_t now = sm_clock_ms();
	/* Timers added by callbacks wait for the next iteration. */
	size_t n = loop->ntimers;

	for (size_t i = 0; i < n; i++) {
		struct timer *t = &loop->timers[i];

		if (!t->id || !t->armed || t->at_ms > now)
			continue;
		t->armed = false;
		/* The array may move if the callback adds a timer. */
		{
			sm_loop_timer_fn fn = t->fn;
			void *data = t->data;

			fn(loop, data);
		}
	}
}

int sm_loop_run_once(struct sm_loop *loop, int max_wait_ms)
{
	size_t n;
	int wait, rc;

	sweep(loop);

	n = loop->nwatches;
	for (size_t i = 0; i < n; i++) {
		const struct watch *w = &loop->watches[i];

		loop->pfds[i].fd = w->fd;
		loop->pfds[i].events = (short)((w->events & SM_LOOP_READ ?
							POLLIN : 0) |
					       (w->events & SM_LOOP_WRITE ?
							POLLOUT : 0));
		loop->pfds[i].revents = 0;
	}
	wait = next_wait(loop, sm_clock_ms(), max_wait_ms);
	rc = poll(loop->pfds, n, wait);
	if (rc < 0 && errno != EINTR)
		return -errno;

	for (size_t i = 0; rc > 0 && i < n; i++) {
		short re = loop->pfds[i].revents;
		unsigned ev = 0;
		struct watch *w = &loop->watches[i];

		if (!re || !w->id)
			continue;
		if (re & POLLIN)
			ev |= SM_LOOP_READ;
		if (re & POLLOUT)
			ev |= SM_LOOP_WRITE;
		if (re & (POLLERR | POLLHUP | POLLNVAL))
			ev |= SM_LOOP_ERROR;
		{
			sm_loop_io_fn fn = w->fn;
			void *data = w->data;
			int fd = w->fd;

			fn(loop, fd, ev, data);
		}
	}
	run_timers(loop);
	return 0;
}

int sm_loop_run(struct sm_loop *loop)
{
	loop->stop = false;
	while (!loop->stop) {
		int rc = sm_loop_run_once(loop, -1);

		if (rc < 0)
			return rc;
	}
	return 0;
}

void sm_loop_stop(struct sm_loop *loop)
{
	loop->stop = true;
}
