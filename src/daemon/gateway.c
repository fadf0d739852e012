/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gateway.c - the gateway's life cycle: start (recover the store, open the
 * modems), the scheduler that hands due messages to idle modems, periodic
 * housekeeping, configuration reload (SIGHUP) and a clean stop (SIGTERM).
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smsmatch/loop.h"

#include "gateway.h"

int64_t sm_gw_now(void)
{
	return (int64_t)time(NULL);
}

static int add_modem(struct sm_gw *gw, const struct sm_config_modem *mc);

/*
 * An idle modem held back only by its rate limit claims again as soon as
 * the limit allows, not at the next poll: the poll timer is brought
 * forward.  Otherwise a modem faster than its limit idled up to GW_POLL_MS
 * after each send (1 modem at 6000/min: 6 SMS/s instead of 100).
 */
static void wake_at_rate_limit(struct sm_gw *gw)
{
	uint64_t ms = sm_clock_ms(), at = ms + GW_POLL_MS;
	bool early = false;

	for (unsigned i = 0; i < gw->nmodems; i++) {
		const struct gw_modem *gm = gw->modems[i];

		if (gm->ready && !gm->msg && !gm->removed &&
		    gm->next_send_ms > ms && gm->next_send_ms < at) {
			at = gm->next_send_ms;
			early = true;
		}
	}
	if (early && gw->poll_timer > 0)
		sm_loop_set_timer(gw->loop, gw->poll_timer, at);
}

void sm_gw_malloc_tune(void)
{
	/* SQLite takes 64-87 KB scratch buffers in each write transaction
	 * (page cache, b-tree balance) and frees them; glibc then gives the
	 * top of the heap back (brk) and takes it again at the next reply.
	 * On a VM each shrink is a TLB shootdown across CPUs: it tripled the
	 * p99 CPU time of a reply (bench/dialogue_latency.sh).  A daemon's
	 * heap of a few MB can stay. */
	mallopt(M_TRIM_THRESHOLD, 16 << 20);
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

void sm_gw_kick(struct sm_gw *gw)
{
	if (gw->poll_timer > 0)
		sm_loop_set_timer(gw->loop, gw->poll_timer, 0);
}

void sm_gw_schedule(struct sm_gw *gw)
{
	int64_t now = sm_gw_now();
	bool progress = true;

	if (gw->stopping) {
		bool busy = false;

		for (unsigned i = 0; i < gw->nmodems; i++)
			busy |= gw->modems[i]->msg != NULL;
		if (!busy || sm_clock_ms() >= gw->stop_deadline)
			gw->done = true;
		return;
	}
	/* Free the modems a reload removed once their send is over. */
	for (unsigned i = 0; i < gw->nmodems; i++) {
		struct gw_modem *gm = gw->modems[i];

		if (gm->removed && !gm->msg) {
			const struct sm_config_modem *again;
			char name[SM_CONFIG_NAME_MAX + 1];

			memcpy(name, gm->cfg.name, sizeof(name));
			gw_modem_free(gm);
			sm_store_release_modem(gw->store, name, now, NULL);
			memmove(&gw->modems[i], &gw->modems[i + 1],
				(gw->nmodems - i - 1) * sizeof(gm));
			gw->nmodems--;
			i--;
			/* Changed rather than removed: open it anew. */
			again = sm_config_modem_find(&gw->cfg, name);
			if (again)
				add_modem(gw, again);
		}
	}
	/*
	 * Nothing leaves while a modem that just came up has not read what
	 * it stored: a STOP among it must be honoured before any send.
	 */
	for (unsigned i = 0; i < gw->nmodems; i++)
		if (!gw_modem_settled(gw->modems[i]))
			return;
	/* Round-robin until no idle modem finds work. */
	while (progress) {
		progress = false;
		for (unsigned i = 0; i < gw->nmodems; i++)
			progress |= gw_modem_try_send(gw->modems[i], now);
	}
	wake_at_rate_limit(gw);
}

static void poll_cb(struct sm_loop *loop, void *data)
{
	struct sm_gw *gw = data;

	/* Re-armed first: the scheduler may bring it forward. */
	sm_loop_set_timer(loop, gw->poll_timer, sm_clock_ms() + GW_POLL_MS);
	if (gw->publish_at_ms && sm_clock_ms() >= gw->publish_at_ms) {
		gw->publish_at_ms = 0;
		for (unsigned i = 0; i < gw->nmodems; i++)
			gw_modem_publish(gw->modems[i], sm_gw_now());
	}
	sm_gw_schedule(gw);
	if (gw->done)
		sm_loop_stop(loop);
}

static void dialogue_cb(struct sm_loop *loop, void *data)
{
	struct sm_gw *gw = data;
	uint64_t ms = sm_clock_ms();
	bool ticks = ms - gw->last_ticks_ms >= gw->ticks_ms;

	if (!gw->stopping) {
		gw_dialogue_pass(gw, sm_gw_now(), ticks);
		if (ticks)
			gw->last_ticks_ms = ms;
	}
	sm_loop_set_timer(loop, gw->dialogue_timer, ms + GW_DIALOGUE_MS);
}

static void housekeep(struct sm_gw *gw)
{
	int64_t now = sm_gw_now();
	int n = 0;

	if (sm_store_expire(gw->store, now, &n) == 0 && n)
		sm_logf(&gw->log, SM_LOG_WARN,
			"%d message(s) expired in the queue", n);
	gw_inbox_housekeep(gw, now);
	for (unsigned i = 0; i < gw->nmodems; i++) {
		struct gw_modem *gm = gw->modems[i];

		/* Record what the last refresh saw, then ask again: a
		 * modem that hung while idle goes down here. */
		gw_modem_publish(gm, now);
		if (gm->ready)
			sm_modem_refresh(gm->modem);
	}
	/* ... and record the answers soon, not 30 s later: a lost
	 * registration is warned about within one housekeeping period. */
	gw->publish_at_ms = sm_clock_ms() + GW_PUBLISH_DELAY_MS;
}

static void housekeep_cb(struct sm_loop *loop, void *data)
{
	struct sm_gw *gw = data;

	housekeep(gw);
	sm_loop_set_timer(loop, gw->housekeep_timer,
			  sm_clock_ms() + GW_HOUSEKEEP_MS);
}

static void retention_cb(struct sm_loop *loop, void *data)
{
	struct sm_gw *gw = data;

	if (!gw->stopping)
		gw_retention(gw, sm_gw_now());
	sm_loop_set_timer(loop, gw->retention_timer,
			  sm_clock_ms() + GW_RETENTION_MS);
}

static int add_modem(struct sm_gw *gw, const struct sm_config_modem *mc)
{
	struct gw_modem *gm;

	if (gw->nmodems >= SM_CONFIG_MAX_MODEMS)
		return -ENOSPC;
	gm = gw_modem_new(gw, mc);
	if (!gm)
		return -ENOMEM;
	gw->modems[gw->nmodems++] = gm;
	gw_modem_publish(gm, sm_gw_now());
	gw_modem_open(gm);
	return 0;
}

int sm_gw_start(struct sm_gw *gw, char *err, size_t errlen)
{
	struct sm_store_recovery rec = {0};
	unsigned enabled = 0;
	int rc;

	for (unsigned i = 0; i < gw->cfg.nmodems; i++)
		enabled += gw->cfg.modems[i].enabled;
	if (!enabled) {
		snprintf(err, errlen, "%s: no enabled modem in modems = (...)",
			 gw->cfg.path);
		return -EINVAL;
	}
	rc = sm_store_recover(gw->store, sm_gw_now(), &rec);
	if (rc < 0) {
		snprintf(err, errlen, "%s: cannot recover the queue: %s",
			 gw->cfg.database, sm_store_errmsg(gw->store));
		return rc;
	}
	if (rec.requeued || rec.unconfirmed)
		sm_logf(&gw->log, SM_LOG_WARN,
			"recovered after an interruption: %d message(s) back "
			"in the queue, %d unconfirmed (see smsmatch queue)",
			rec.requeued, rec.unconfirmed);
	sm_store_event_add(gw->store, sm_gw_now(), "smsmatchd", "start", NULL,
			   NULL);
	gw_privacy_check_files(gw);
	/* The language model, and the replies that waited for it. */
	if ((rc = gw_llm_start(gw)) < 0) {
		snprintf(err, errlen, "out of memory");
		return rc;
	}
	gw_llm_recover(gw, 0);
	for (unsigned i = 0; i < gw->cfg.nmodems; i++) {
		rc = add_modem(gw, &gw->cfg.modems[i]);
		if (rc < 0) {
			snprintf(err, errlen, "%s: cannot set up modem %s",
				 gw->cfg.path, gw->cfg.modems[i].name);
			return rc;
		}
	}
	gw->poll_timer = sm_loop_add_timer(gw->loop, sm_clock_ms() +
							     GW_POLL_MS,
					   poll_cb, gw);
	gw->housekeep_timer = sm_loop_add_timer(gw->loop, sm_clock_ms(),
						housekeep_cb, gw);
	gw->ticks_ms = GW_HOUSEKEEP_MS;
	gw->dialogue_timer = sm_loop_add_timer(gw->loop, sm_clock_ms(),
					       dialogue_cb, gw);
	gw->retention_timer = sm_loop_add_timer(gw->loop, sm_clock_ms(),
						retention_cb, gw);
	if (gw->poll_timer < 0 || gw->housekeep_timer < 0 ||
	    gw->dialogue_timer < 0 || gw->retention_timer < 0) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* Same device, driver, PIN and speed: the running modem can stay. */
static bool same_port(const struct sm_config_modem *a,
		      const struct sm_config_modem *b)
{
	return strcmp(a->device, b->device) == 0 && a->driver == b->driver &&
	       strcmp(a->pin_file, b->pin_file) == 0 && a->baud == b->baud &&
	       a->enabled == b->enabled;
}

int sm_gw_reload(struct sm_gw *gw, const struct sm_config *cfg)
{
	/* What a reload can change: modems, window, retries, log level,
	 * agency.  The database path needs a restart. */
	if (strcmp(cfg->database, gw->cfg.database) != 0)
		sm_logf(&gw->log, SM_LOG_WARN,
			"database path changed: restart smsmatchd to use %s",
			cfg->database);
	for (unsigned i = 0; i < gw->nmodems; i++) {
		struct gw_modem *gm = gw->modems[i];
		const struct sm_config_modem *nc =
			sm_config_modem_find(cfg, gm->cfg.name);

		if (gm->removed)
			continue;
		if (!nc || !same_port(nc, &gm->cfg)) {
			sm_logf(&gw->log, SM_LOG_INFO, "%s: %s", gm->cfg.name,
				nc ? "settings changed, reopening" :
				     "removed from the configuration");
			gm->removed = true;
			if (!gm->msg)
				sm_modem_close(gm->modem);
			continue;
		}
		/* Limits take effect at once. */
		gm->cfg = *nc;
		gw_modem_wake(gm);
	}
	{
		char db[SM_CONFIG_PATH_MAX];

		memcpy(db, gw->cfg.database, sizeof(db));
		gw->cfg = *cfg;
		memcpy(gw->cfg.database, db, sizeof(db));
	}
	gw->log.level = cfg->log_level;
	/* Scripts are read again at their next use. */
	gw_dialogue_forget_scripts(gw);
	gw_llm_reload(gw);
	/* Remove first (frees names), then add what is new. */
	sm_gw_schedule(gw);
	for (unsigned i = 0; i < cfg->nmodems; i++) {
		bool have = false;

		for (unsigned j = 0; j < gw->nmodems; j++)
			have |= strcmp(gw->modems[j]->cfg.name,
				       cfg->modems[i].name) == 0;
		if (!have) {
			sm_logf(&gw->log, SM_LOG_INFO, "%s: added",
				cfg->modems[i].name);
			add_modem(gw, &cfg->modems[i]);
		}
	}
	sm_store_event_add(gw->store, sm_gw_now(), "smsmatchd", "reload",
			   gw->cfg.path, NULL);
	return 0;
}

void sm_gw_stop(struct sm_gw *gw)
{
	if (gw->stopping)
		return;
	gw->stopping = true;
	gw->stop_deadline = sm_clock_ms() + GW_STOP_GRACE_MS;
	sm_logf(&gw->log, SM_LOG_INFO,
		"stopping: finishing the sends in flight");
	sm_gw_schedule(gw);
}

void sm_gw_free(struct sm_gw *gw)
{
	for (unsigned i = 0; i < gw->nmodems; i++) {
		struct gw_modem *gm = gw->modems[i];
		char name[SM_CONFIG_NAME_MAX + 1];

		/* A send still in flight after the grace period: its part
		 * in the writing window becomes unconfirmed. */
		memcpy(name, gm->cfg.name, sizeof(name));
		gw_modem_free(gm);
		sm_store_release_modem(gw->store, name, sm_gw_now(), NULL);
	}
	gw->nmodems = 0;
	if (gw->poll_timer > 0)
		sm_loop_del_timer(gw->loop, gw->poll_timer);
	if (gw->housekeep_timer > 0)
		sm_loop_del_timer(gw->loop, gw->housekeep_timer);
	if (gw->dialogue_timer > 0)
		sm_loop_del_timer(gw->loop, gw->dialogue_timer);
	if (gw->retention_timer > 0)
		sm_loop_del_timer(gw->loop, gw->retention_timer);
	gw_llm_free(gw);
	free(gw->paused);
	gw_dialogue_forget_scripts(gw);
}
