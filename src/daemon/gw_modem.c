/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gw_modem.c - one modem as the gateway drives it: open and supervise
 * (reopen with backoff after a failure or an unplug), rate and daily
 * limits, and sending one claimed message at a time with every part
 * journalled in the store before and after it is written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smsmatch/cms.h"
#include "smsmatch/loop.h"
#include "smsmatch/serial.h"

#include "gateway.h"

static const char *gm_name(const struct gw_modem *gm)
{
	return gm->cfg.name;
}

/* Local calendar day as YYYYMMDD, in the configured time zone (TZ). */
static int day_key(int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;

	localtime_r(&t, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
	       tm.tm_mday;
}

void gw_modem_publish(struct gw_modem *gm, int64_t now)
{
	static const struct sm_modem_info closed = {
		.state = SM_MODEM_CLOSED, .creg = -1, .cereg = -1};
	const struct sm_modem_info *info =
		gm->modem ? sm_modem_info(gm->modem) : &closed;
	struct sm_store_modem row = {0};
	int stat = info->cereg >= 0 && sm_modem_reg_ok(info->cereg) ?
			   info->cereg :
			   info->creg;

	snprintf(row.name, sizeof(row.name), "%s", gm_name(gm));
	if (!gm->cfg.enabled)
		row.state = SM_STORE_MODEM_DISABLED;
	else if (gm->ready)
		row.state = SM_STORE_MODEM_UP;
	else if (info->state == SM_MODEM_INIT)
		row.state = SM_STORE_MODEM_INIT;
	else
		row.state = SM_STORE_MODEM_DOWN;
	row.signal_dbm = info->dbm;
	snprintf(row.registration, sizeof(row.registration), "%s",
		 stat >= 0 ? sm_modem_reg_name(stat) : "");
	snprintf(row.operator_name, sizeof(row.operator_name), "%s",
		 info->operator_name);
	if (gm->ready && stat >= 0 && !sm_modem_reg_ok(stat) &&
	    !gm->reg_lost) {
		sm_logf(&gm->gw->log, SM_LOG_WARN,
			"%s: not registered on the network (%s): SMS cannot "
			"leave",
			gm_name(gm), sm_modem_reg_name(stat));
		gm->reg_lost = true;
	} else if (stat >= 0 && sm_modem_reg_ok(stat)) {
		gm->reg_lost = false;
	}
	if (sm_store_modem_update(gm->gw->store, &row, now) < 0)
		sm_logf(&gm->gw->log, SM_LOG_WARN,
			"%s: cannot record the modem's state: %s",
			gm_name(gm), sm_store_errmsg(gm->gw->store));
}

/* ---- supervision */

static void reopen_cb(struct sm_loop *loop, void *data)
{
	struct gw_modem *gm = data;

	(void)loop;
	gw_modem_open(gm);
}

static void schedule_reopen(struct gw_modem *gm)
{
	uint64_t at = sm_clock_ms() + gm->backoff_ms;

	if (gm->gw->stopping || gm->removed)
		return;
	if (gm->reopen_timer)
		sm_loop_set_timer(gm->gw->loop, gm->reopen_timer, at);
	else
		gm->reopen_timer = sm_loop_add_timer(gm->gw->loop, at,
						     reopen_cb, gm);
	gm->backoff_ms = gm->backoff_ms * 2 > GW_REOPEN_MAX_MS ?
				 GW_REOPEN_MAX_MS :
				 gm->backoff_ms * 2;
}

void gw_modem_wake(struct gw_modem *gm)
{
	if (gm->ready || !gm->reopen_timer || gm->removed ||
	    !gm->cfg.enabled || gm->gw->stopping)
		return;
	/* A modem plugged in (udev sends SIGHUP): no need to wait for the
	 * backoff, which may have grown to a minute. */
	gm->backoff_ms = GW_REOPEN_MIN_MS;
	sm_loop_set_timer(gm->gw->loop, gm->reopen_timer, sm_clock_ms());
}

/* The device path: "usb:SERIAL[:N]" is looked up at every open. */
static int resolve_device(struct gw_modem *gm, char *err, size_t errlen)
{
	if (!gm->cfg.usb_serial[0]) {
		snprintf(gm->device, sizeof(gm->device), "%s",
			 gm->cfg.device);
		return 0;
	}
	if (sm_serial_find_by_usb_serial(gm->cfg.usb_serial,
					 gm->cfg.usb_index < 0 ?
						 0 :
						 (unsigned)gm->cfg.usb_index,
					 gm->device, sizeof(gm->device)) < 0) {
		snprintf(err, errlen, "%.128s: no USB port with serial number",
			 gm->cfg.device);
		return -ENOENT;
	}
	return 0;
}

static void state_cb(struct sm_modem *m, enum sm_modem_state state,
		     const struct sm_error *err, void *data)
{
	struct gw_modem *gm = data;
	struct sm_gw *gw = gm->gw;
	int64_t now = sm_gw_now();

	(void)err;
	if (gm->freeing)
		return;
	switch (state) {
	case SM_MODEM_READY: {
		const struct sm_modem_info *info = sm_modem_info(m);

		gm->ready = true;
		gm->settled = false;
		gm->backoff_ms = GW_REOPEN_MIN_MS;
		sm_logf(&gw->log, SM_LOG_INFO,
			"%s: ready (%s %s, %s, signal %d dBm)", gm_name(gm),
			info->manufacturer, info->model,
			info->operator_name[0] ? info->operator_name :
						 "no operator",
			info->dbm);
		sm_store_event_add(gw->store, now, "smsmatchd", "modem.up",
				   gm_name(gm), NULL);
		gw_modem_publish(gm, now);
		sm_gw_kick(gw);
		return;
	}
	case SM_MODEM_DOWN: {
		const struct sm_modem_info *info = sm_modem_info(m);
		struct sm_store_recovery rec = {0};

		gm->ready = false;
		sm_logf(&gw->log, SM_LOG_WARN, "%s: down: %s", gm_name(gm),
			info->down_reason);
		/* What it held goes back to the queue for the others. */
		if (sm_store_release_modem(gw->store, gm_name(gm), now,
					   &rec) == 0 &&
		    (rec.requeued || rec.unconfirmed))
			sm_logf(&gw->log, SM_LOG_WARN,
				"%s: %d message(s) back in the queue, %d "
				"unconfirmed",
				gm_name(gm), rec.requeued, rec.unconfirmed);
		sm_store_modem_error(gw->store, gm_name(gm),
				     info->down_reason, now);
		sm_store_event_add(gw->store, now, "smsmatchd", "modem.down",
				   info->down_reason, NULL);
		gw_modem_publish(gm, now);
		schedule_reopen(gm);
		sm_gw_kick(gw);
		return;
	}
	case SM_MODEM_CLOSED:
	case SM_MODEM_INIT:
		return;
	}
}

void gw_modem_open(struct gw_modem *gm)
{
	char err[512];
	struct sm_modem_config mc = {
		.name = gm->cfg.name,
		.baud = gm->cfg.baud,
		.pin_file = gm->cfg.pin_file[0] ? gm->cfg.pin_file : NULL,
		.profile = sm_config_driver_name(gm->cfg.driver),
		.log = &gm->gw->log,
	};
	struct sm_modem_ops ops = {.state = state_cb, .inbound = gw_inbound};
	int rc;

	if (gm->gw->stopping || gm->removed || !gm->cfg.enabled)
		return;
	if (resolve_device(gm, err, sizeof(err)) < 0) {
		sm_logf(&gm->gw->log, SM_LOG_WARN, "%s: %s; retrying in %u s",
			gm_name(gm), err, gm->backoff_ms / 1000);
		gw_modem_publish(gm, sm_gw_now());
		schedule_reopen(gm);
		return;
	}
	if (!gm->modem) {
		mc.device = gm->device;
		gm->modem = sm_modem_new(&mc, gm->gw->loop, &ops, gm);
		if (!gm->modem) {
			sm_logf(&gm->gw->log, SM_LOG_ERR, "%s: out of memory",
				gm_name(gm));
			schedule_reopen(gm);
			return;
		}
	}
	rc = sm_modem_open(gm->modem, err, sizeof(err));
	if (rc == -EALREADY)
		return;
	if (rc < 0) {
		sm_logf(&gm->gw->log,
			gm->backoff_ms > GW_REOPEN_MIN_MS ? SM_LOG_DEBUG :
							    SM_LOG_WARN,
			"%s: %s; retrying in %u s", gm_name(gm), err,
			gm->backoff_ms / 1000);
		/* A modem whose device path changed (usb:) needs a new one. */
		if (gm->cfg.usb_serial[0]) {
			sm_modem_free(gm->modem);
			gm->modem = NULL;
		}
		/* Count the failure once, not at every retry. */
		if (gm->backoff_ms == GW_REOPEN_MIN_MS)
			sm_store_modem_error(gm->gw->store, gm_name(gm), err,
					     sm_gw_now());
		gw_modem_publish(gm, sm_gw_now());
		schedule_reopen(gm);
	}
}

struct gw_modem *gw_modem_new(struct sm_gw *gw,
			      const struct sm_config_modem *cfg)
{
	struct gw_modem *gm = calloc(1, sizeof(*gm));

	if (!gm)
		return NULL;
	gm->gw = gw;
	gm->cfg = *cfg;
	gm->backoff_ms = GW_REOPEN_MIN_MS;
	gm->day_key = day_key(sm_gw_now());
	sm_store_modem_count_sent(gw->store, cfg->name, gm->day_key, 0,
				  &gm->sent_today);
	return gm;
}

void gw_modem_free(struct gw_modem *gm)
{
	if (!gm)
		return;
	gm->freeing = true;
	if (gm->reopen_timer)
		sm_loop_del_timer(gm->gw->loop, gm->reopen_timer);
	/* Closing cancels a send in flight: its callback runs now. */
	sm_modem_free(gm->modem);
	free(gm->msg);
	free(gm);
}

/* ---- sending */

static int part_writing(struct sm_modem *m, unsigned part, unsigned parts,
			void *data)
{
	struct gw_modem *gm = data;
	int rc;

	(void)m;
	(void)parts;
	rc = sm_store_part_writing(gm->gw->store, gm->msg->id, (int)part,
				   gm_name(gm), sm_gw_now());
	if (rc == 0)
		return 0;
	if (rc != -ECANCELED)
		sm_logf(&gm->gw->log, SM_LOG_ERR,
			"%s: message %lld part %u: cannot journal the send "
			"(%s): not sending it",
			gm_name(gm), (long long)gm->msg->id, part,
			sm_store_errmsg(gm->gw->store));
	return -1;
}

static void part_sent(struct sm_modem *m, unsigned part, int mr, void *data)
{
	struct gw_modem *gm = data;
	int64_t now = sm_gw_now();
	int rc, dk = day_key(now);

	(void)m;
	rc = sm_store_part_sent(gm->gw->store, gm->msg->id, (int)part, mr,
				now);
	if (rc < 0)
		sm_logf(&gm->gw->log, SM_LOG_ERR,
			"%s: message %lld part %u sent (mr %d) but not "
			"recorded: %s",
			gm_name(gm), (long long)gm->msg->id, part, mr,
			sm_store_errmsg(gm->gw->store));
	if (dk != gm->day_key) {
		gm->day_key = dk;
		gm->sent_today = 0;
	}
	sm_store_modem_count_sent(gm->gw->store, gm_name(gm), dk, 1,
				  &gm->sent_today);
	/* Operators cut SIMs that exceed their plan: say it before. */
	if (gm->sent_today == gm->cfg.daily_limit * 9 / 10 ||
	    gm->sent_today == gm->cfg.daily_limit)
		sm_logf(&gm->gw->log, SM_LOG_WARN,
			"%s: %d SMS sent today, daily limit %d%s", gm_name(gm),
			gm->sent_today, gm->cfg.daily_limit,
			gm->sent_today >= gm->cfg.daily_limit ?
				": no more sends on this modem until "
				"tomorrow" :
				"");
}

static void fail_message(struct gw_modem *gm, enum sm_store_fail kind,
			 int code, const char *reason)
{
	struct sm_gw *gw = gm->gw;
	struct sm_store_retry retry = {
		.max_attempts = gw->cfg.sending.retry.max_attempts,
		.backoff_base = gw->cfg.sending.retry.initial_backoff_s,
		.backoff_max = gw->cfg.sending.retry.max_backoff_s,
	};
	enum sm_out_state st = SM_OUT_QUEUED;
	char masked[SM_STORE_NUMBER_MAX];

	if (sm_store_send_failed(gw->store, gm->msg->id, gm_name(gm), kind,
				 code, reason, &retry, sm_gw_now(), &st) < 0) {
		sm_logf(&gw->log, SM_LOG_ERR,
			"%s: message %lld: cannot record the failure: %s",
			gm_name(gm), (long long)gm->msg->id,
			sm_store_errmsg(gw->store));
		return;
	}
	if (st == SM_OUT_FAILED && gm->msg->conversation_id &&
	    gm->msg->kind == SM_KIND_FIRST_CONTACT)
		gw_dialogue_unreachable(gw, gm->msg->conversation_id,
					sm_gw_now());
	sm_logf(&gw->log, st == SM_OUT_FAILED ? SM_LOG_WARN : SM_LOG_INFO,
		"%s: message %lld to %s: %s (%s)", gm_name(gm),
		(long long)gm->msg->id,
		sm_log_mask_number(gm->msg->recipient, masked, sizeof(masked)),
		st == SM_OUT_FAILED ? "failed for good" : "will be retried",
		reason);
}

static void send_cb(struct sm_modem *m, const struct sm_modem_send_result *r,
		    void *data)
{
	struct gw_modem *gm = data;
	struct sm_gw *gw = gm->gw;
	char reason[160];

	(void)m;
	if (!gm->msg)
		return;
	sm_error_str(&r->err, reason, sizeof(reason));
	switch (r->err.kind) {
	case SM_ERR_NONE:
		break;
	case SM_ERR_CMS:
		switch (sm_cms_classify(r->err.code)) {
		case SM_CMS_PERMANENT:
			fail_message(gm, SM_FAIL_PERMANENT, r->err.code,
				     reason);
			break;
		case SM_CMS_MODEM:
			sm_store_modem_error(gw->store, gm_name(gm), reason,
					     sm_gw_now());
			/* another modem may send it */
			fail_message(gm, SM_FAIL_TEMPORARY, r->err.code,
				     reason);
			break;
		case SM_CMS_TEMPORARY:
			fail_message(gm, SM_FAIL_TEMPORARY, r->err.code,
				     reason);
			break;
		}
		break;
	case SM_ERR_FAILURE:
	case SM_ERR_CME:
		/* ERROR to AT+CMGS: the PDU did not leave. */
		fail_message(gm, SM_FAIL_TEMPORARY, r->err.code, reason);
		break;
	case SM_ERR_TIMEOUT:
	case SM_ERR_IO:
		/*
		 * The PDU may have left without its +CMGS coming back: the
		 * part being written is unconfirmed, never resent silently.
		 * (Nothing in the writing window: the store says -EINVAL
		 * and the modem's release puts the message back.)
		 */
		if (sm_store_part_unconfirmed(gw->store, gm->msg->id,
					      sm_gw_now(), reason) == 0)
			sm_logf(&gw->log, SM_LOG_WARN,
				"%s: message %lld unconfirmed: %s",
				gm_name(gm), (long long)gm->msg->id, reason);
		else
			sm_store_release_modem(gw->store, gm_name(gm),
					       sm_gw_now(), NULL);
		break;
	case SM_ERR_CANCELLED:
		/* Cancelled by an opt-out, by a journal failure, or because
		 * the modem closed: put it back unless it is cancelled. */
		sm_store_release_modem(gw->store, gm_name(gm), sm_gw_now(),
				       NULL);
		break;
	}
	free(gm->msg);
	gm->msg = NULL;
	if (!gm->freeing)
		sm_gw_kick(gw);
}

static unsigned kinds_now(const struct sm_gw *gw, int64_t now)
{
	/* Replies and manual sends may go out of hours (issue 3). */
	if (sm_window_is_open(&gw->cfg.sending.window, (time_t)now))
		return SM_KINDS_ALL;
	return SM_KIND_BIT(SM_KIND_REPLY) | SM_KIND_BIT(SM_KIND_MANUAL);
}

bool gw_modem_settled(struct gw_modem *gm)
{
	/* READY queues a sweep of what the modem stored; once its commands
	 * are done, every SMS it held (a STOP sent while we were away) is
	 * committed and handled. */
	if (gm->ready && !gm->settled && sm_modem_busy(gm->modem) == 0)
		gm->settled = true;
	return !gm->ready || gm->settled;
}

bool gw_modem_try_send(struct gw_modem *gm, int64_t now)
{
	struct sm_gw *gw = gm->gw;
	struct sm_modem_send_opts o = {
		.mode = SM_TEXT_AUTO,
		.status_report = true,
		.validity_minutes = -1,
		.part_writing = part_writing,
		.part_sent = part_sent,
	};
	uint64_t ms = sm_clock_ms();
	int rc, dk = day_key(now);

	if (!gm->ready || gm->msg || gm->removed || gw->stopping)
		return false;
	if (ms < gm->next_send_ms)
		return false;
	if (dk != gm->day_key) {
		gm->day_key = dk;
		gm->sent_today = 0;
	}
	if (gm->sent_today >= gm->cfg.daily_limit)
		return false;
	gm->msg = malloc(sizeof(*gm->msg));
	if (!gm->msg)
		return false;
	rc = sm_store_claim(gw->store, gm_name(gm), now, kinds_now(gw, now),
			    gm->msg);
	if (rc < 0) {
		if (rc != -ENOENT)
			sm_logf(&gw->log, SM_LOG_ERR, "%s: cannot claim: %s",
				gm_name(gm), sm_store_errmsg(gw->store));
		free(gm->msg);
		gm->msg = NULL;
		return false;
	}
	o.concat_ref = gm->msg->concat_ref;
	o.first_part = (unsigned)gm->msg->next_part;
	/* rate_per_minute counts SMS parts, the unit operators count. */
	gm->next_send_ms = ms + (uint64_t)(gm->msg->nparts -
					   gm->msg->next_part + 1) *
					   60000u /
					   (unsigned)gm->cfg.rate_per_minute;
	rc = sm_modem_send(gm->modem, gm->msg->recipient, gm->msg->text, &o,
			   send_cb, gm);
	if (rc == 0)
		return true;
	if (rc == -EINVAL || rc == -E2BIG) {
		fail_message(gm, SM_FAIL_PERMANENT, -1,
			     rc == -EINVAL ? "invalid number or text" :
					     "text too long");
	} else {
		sm_store_release_modem(gw->store, gm_name(gm), now, NULL);
	}
	free(gm->msg);
	gm->msg = NULL;
	return false;
}
