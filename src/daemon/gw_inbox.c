/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gw_inbox.c - what the gateway does with what the modems receive: commit
 * each SMS part (deduplicated, reassembled in the store) before the modem
 * may delete it, honour STOP at once, and match status reports to the
 * parts they report on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smsmatch/pdu.h"
#include "smsmatch/phone.h"
#include "smsmatch/script.h"
#include "smsmatch/text.h"

#include "gateway.h"

/* The one confirmation a STOP gets (23.038 GSM 7-bit, one segment). */
static void optout_confirmation(const struct sm_gw *gw, char *buf,
				size_t len)
{
	if (gw->cfg.agency_name[0])
		snprintf(buf, len,
			 "C'est noté : vous ne recevrez plus de SMS de %s. "
			 "Bonne continuation.",
			 gw->cfg.agency_name);
	else
		snprintf(buf, len,
			 "C'est noté : vous ne recevrez plus de SMS de notre "
			 "part. Bonne continuation.");
}

/* A complete inbound message: STOP now, a reply through its script. */
void gw_inbox_handle(struct sm_gw *gw, int64_t id, int64_t now)
{
	struct sm_store_inmsg *msg = malloc(sizeof(*msg));
	char number[SM_PHONE_MAX], masked[SM_STORE_NUMBER_MAX];
	char confirm[SM_SCRIPT_MSG_MAX];
	int cancelled = 0, rc;

	if (!msg)
		return;
	if (sm_store_inbox_get(gw->store, id, msg) < 0)
		goto out;
	sm_log_mask_number(msg->sender, masked, sizeof(masked));
	sm_logf(&gw->log, SM_LOG_INFO, "%s: SMS %lld from %s (%d part(s)%s)",
		msg->modem, (long long)id, masked, msg->nreceived,
		msg->incomplete ? ", incomplete" : "");
	if (sm_text_keyword(msg->text) != SM_KEYWORD_STOP) {
		/* A reply to a campaign's conversation: the script goes on.
		 * Anything else stays in the inbox for a person. */
		if (sm_phone_normalize(msg->sender, number, sizeof(number)) !=
		    SM_PHONE_INVALID)
			gw_dialogue_reply(gw, msg, number, now);
		goto out;
	}
	if (sm_phone_normalize(msg->sender, number, sizeof(number)) ==
	    SM_PHONE_INVALID) {
		sm_logf(&gw->log, SM_LOG_WARN,
			"STOP from %s, which is not a phone number: ignored",
			masked);
		goto out;
	}
	rc = sm_store_optout_check(gw->store, number);
	/* The script of the conversation it answers may word it; read
	 * before the conversations end. */
	if (rc == 0 &&
	    !gw_dialogue_stop_confirm(gw, number, confirm, sizeof(confirm)))
		optout_confirmation(gw, confirm, sizeof(confirm));
	if (sm_store_optout_add(gw->store, number, SM_OPTOUT_SMS, now,
				msg->text, &cancelled) < 0) {
		sm_logf(&gw->log, SM_LOG_ERR, "cannot record STOP from %s: %s",
			masked, sm_store_errmsg(gw->store));
		goto out;
	}
	sm_store_event_add(gw->store, now, "smsmatchd", "optout.sms", masked,
			   NULL);
	gw_dialogue_optout(gw, number, now);
	sm_logf(&gw->log, SM_LOG_INFO,
		"STOP from %s: opted out, %d queued message(s) cancelled",
		masked, cancelled);
	/* Confirmed once: a second STOP gets no second confirmation. */
	if (rc == 0) {
		struct sm_store_enqueue e = {
			.recipient = number,
			.text = confirm,
			.kind = SM_KIND_REPLY,
			.flags = SM_OUT_F_OPTOUT_CONFIRM,
			.priority = 10,
			.nparts = 1,
		};
		unsigned parts = 1;

		sm_pdu_measure(confirm, SM_TEXT_AUTO, &parts, NULL, NULL);
		e.nparts = (int)parts;
		if (sm_store_enqueue(gw->store, &e, now, NULL) < 0)
			sm_logf(&gw->log, SM_LOG_ERR,
				"cannot queue the STOP confirmation: %s",
				sm_store_errmsg(gw->store));
	}
	sm_store_inbox_set_state(gw->store, id, SM_IN_HANDLED);
out:
	free(msg);
}

static int flushed(const struct sm_store_inmsg *m, void *data)
{
	struct sm_gw *gw = data;

	gw_inbox_handle(gw, m->id, sm_gw_now());
	return 0;
}

void gw_inbox_housekeep(struct sm_gw *gw, int64_t now)
{
	int n = 0;

	if (sm_store_inbox_flush_incomplete(gw->store, now,
					    GW_INCOMPLETE_TIMEOUT_S, flushed,
					    gw, &n) == 0 &&
	    n)
		sm_logf(&gw->log, SM_LOG_WARN,
			"%d incomplete SMS delivered as they are", n);
}

/* Texts are stored as C strings: a NUL from the air becomes a space. */
static size_t clean_text(const char *in, char *out, size_t len)
{
	size_t n = strnlen(in, SM_PDU_TEXT_MAX - 1);

	if (n >= len)
		n = len - 1;
	memcpy(out, in, n);
	out[n] = '\0';
	return n;
}

int gw_inbox_receive(struct sm_gw *gw, const struct sm_store_inpart *p,
		     int64_t now)
{
	enum sm_store_inbox_result res;
	int64_t id = 0;
	int tx, rc;

	/* One commit for the SMS and all it causes (answers, the next
	 * question): one fsync per reply.  Without the transaction (the
	 * database busy), each call commits on its own, as it may. */
	tx = sm_store_tx_begin(gw->store);
	rc = sm_store_inbox_add_part(gw->store, p, &res, &id);
	if (rc == 0 && res == SM_INBOX_COMPLETE)
		gw_inbox_handle(gw, id, now);
	if (tx == 0)
		rc = sm_store_tx_end(gw->store, rc);
	return rc;
}

static void inbound_sms(struct gw_modem *gm, const struct sm_modem_msg *msg,
			int64_t now)
{
	struct sm_gw *gw = gm->gw;
	const struct sm_sms *sms = msg->sms;
	char text[SM_PDU_TEXT_MAX];
	struct sm_store_inpart p = {
		.modem = gm->cfg.name,
		.sender = sms->number,
		.scts = sms->has_timestamp ? (int64_t)sms->timestamp : 0,
		.concat_ref = (int)sms->concat.ref,
		.concat_total = (int)sms->concat.total,
		.concat_seq = (int)sms->concat.seq,
		.text = text,
		.encoding = sm_pdu_coding_name(sms->coding),
		.pdu_hex = "",
		.received_at = now,
	};
	int rc;

	p.text_len = clean_text(sms->text, text, sizeof(text));
	rc = gw_inbox_receive(gw, &p, now);
	if (rc < 0) {
		/* Not committed: it stays on the modem, the sweep retries. */
		sm_logf(&gw->log, SM_LOG_ERR,
			"%s: cannot store an SMS (kept on the modem): %s",
			gm->cfg.name, sm_store_errmsg(gw->store));
		return;
	}
	sm_modem_ack(gm->modem, msg->id);
}

static void inbound_report(struct gw_modem *gm,
			   const struct sm_modem_msg *msg, int64_t now)
{
	struct sm_gw *gw = gm->gw;
	const struct sm_sms *sms = msg->sms;
	char number[SM_PHONE_MAX];
	struct sm_store_report r = {
		.modem = gm->cfg.name,
		.recipient = number,
		.mr = sms->mr,
		.status = sms->status,
		.scts = sms->has_timestamp ? (int64_t)sms->timestamp : 0,
		.discharge = sms->has_discharge ? (int64_t)sms->discharge : 0,
		.received_at = now,
	};
	struct sm_store_match w = {GW_MR_WINDOW_S, GW_UNCONFIRMED_WINDOW_S};
	struct sm_store_report_result res;

	if (sm_phone_normalize(sms->number, number, sizeof(number)) ==
	    SM_PHONE_INVALID)
		snprintf(number, sizeof(number), "%.16s", sms->number);
	if (sm_store_report_add(gw->store, &r, &w, &res) < 0) {
		sm_logf(&gw->log, SM_LOG_ERR,
			"%s: cannot store a status report (kept on the "
			"modem): %s",
			gm->cfg.name, sm_store_errmsg(gw->store));
		return;
	}
	sm_modem_ack(gm->modem, msg->id);
	if (!res.msg_id)
		sm_logf(&gw->log, SM_LOG_DEBUG,
			"%s: status report mr %d matches no message",
			gm->cfg.name, sms->mr);
}

void gw_inbound(struct sm_modem *m, const struct sm_modem_msg *msg,
		void *data)
{
	struct gw_modem *gm = data;
	int64_t now = sm_gw_now();

	(void)m;
	switch (msg->sms->type) {
	case SM_PDU_DELIVER:
		inbound_sms(gm, msg, now);
		return;
	case SM_PDU_STATUS_REPORT:
		inbound_report(gm, msg, now);
		return;
	case SM_PDU_SUBMIT:
		/* An SMS-SUBMIT in the inbox: a copy of our own outbox kept
		 * by the modem.  Nothing to receive; delete it. */
		sm_modem_ack(gm->modem, msg->id);
		return;
	}
}
