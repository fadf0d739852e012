/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem_sms.c - SMS over the generic driver, in PDU mode (27.005 3/4):
 *
 *  send:    sm_pdu_encode_submit() -> AT+CMMS=2 (multipart) -> AT+CMGS=<n>
 *           per part, in order, one message at a time -> +CMGS: <mr>;
 *  receive: +CMTI -> AT+CMGR -> owner -> sm_modem_ack() -> AT+CMGD;
 *           +CMT/+CDS (PDU follows) -> owner -> ack -> AT+CNMA if +CSMS=1;
 *           +CDSI -> AT+CMGR in that storage (SR) -> owner -> ack -> CMGD;
 *           an AT+CMGL=4 sweep at start and every sweep_interval_ms.
 *
 * A stored message is handed to the owner once (a table of pending ids
 * stops a sweep from handing it again) and deleted only after the owner
 * acknowledged it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smsmatch/at.h"
#include "smsmatch/log.h"
#include "smsmatch/modem.h"
#include "smsmatch/pdu.h"

#include "modem_priv.h"

struct sm_modem_sendreq {
	struct sm_modem_sendreq *next;		    /* queue link */
	struct sm_pdu_part parts[SM_PDU_PARTS_MAX]; /* encoded parts */
	struct sm_modem_send_result res;	    /* filled as parts go */
	sm_modem_send_cb cb;			    /* owner's callback */
	void *data;				    /* its argument */
	int (*part_writing)(struct sm_modem *, unsigned, unsigned, void *);
	void (*part_sent)(struct sm_modem *, unsigned, int, void *);
	bool active;				    /* AT+CMGS under way */
	char to[SM_PDU_ADDR_MAX];		    /* masked, for logs */
};

/* Context of a read (+CMGR), a sweep (+CMGL) or a delete (+CMGD). */
struct stored_ctx {
	struct sm_modem *m;
	char mem[4]; /* storage */
	int index;   /* index, or -1 for a sweep */
	unsigned id; /* pending id (delete) */
};

void sm_modem_noop_urc(const char *line, const char *pdu, void *data)
{
	(void)line;
	(void)pdu;
	(void)data;
}

/* ---- sending */

static void start_send(struct sm_modem *m);

static void finish_send(struct sm_modem *m, struct sm_modem_sendreq *req,
			const struct sm_error *err)
{
	if (m->sendq == req) {
		m->sendq = req->next;
		m->nsend--;
	}
	if (err)
		req->res.err = *err;
	if (req->res.err.kind == SM_ERR_NONE) {
		m->info.sent_msgs++;
		sm_modem_logf(m, SM_LOG_INFO, "sent %u part(s) to %s",
			      req->res.parts, req->to);
	} else {
		char e[128];

		m->info.send_failures++;
		if (!req->res.failed_part)
			req->res.failed_part = req->res.sent + 1;
		sm_modem_logf(m, SM_LOG_WARN,
			      "send to %s failed at part %u/%u: %s", req->to,
			      req->res.failed_part, req->res.parts,
			      sm_error_str(&req->res.err, e, sizeof(e)));
	}
	req->cb(m, &req->res, req->data);
	free(req);
	if (m->sendq && !m->sendq->active && !m->closing && !m->failing &&
	    m->info.state == SM_MODEM_READY)
		start_send(m);
}

static void cmgs_cb(const struct sm_at_response *res, void *data);

static int send_part(struct sm_modem *m, struct sm_modem_sendreq *req)
{
	static const char *const p_cmgs[] = {"+CMGS:", NULL};
	const struct sm_pdu_part *part = &req->parts[req->res.sent];
	char cmd[32];

	/* The owner persists "about to write" before any byte goes out. */
	if (req->part_writing &&
	    req->part_writing(m, req->res.sent + 1, req->res.parts,
			      req->data) != 0)
		return -ECANCELED;
	/* 27.005 3.5.1: AT+CMGS=<length> in PDU mode, then the PDU, ^Z */
	snprintf(cmd, sizeof(cmd), "AT+CMGS=%u", part->tpdu_len);
	return sm_at_send_pdu(m->at, cmd, part->hex, p_cmgs,
			      m->cfg.send_timeout_ms, cmgs_cb, m, NULL);
}

static void cmms_cb(const struct sm_at_response *res, void *data)
{
	struct sm_modem *m = data;

	/* an ERROR only means the modem lacks +CMMS: carry on */
	if (!m->closing)
		sm_modem_check_fatal(m, res, "AT+CMMS=2");
}

static void start_send(struct sm_modem *m)
{
	struct sm_modem_sendreq *req = m->sendq;
	struct sm_error e;
	int rc;

	req->active = true;
	/* 27.005 3.5.6: keep the relay link open between the parts */
	if (req->res.parts > 1)
		sm_at_send(m->at, "AT+CMMS=2", NULL, m->cfg.cmd_timeout_ms,
			   cmms_cb, m, NULL);
	rc = send_part(m, req);
	if (rc > 0)
		return;
	if (rc == -ECANCELED)
		sm_error_set(&e, SM_ERR_CANCELLED, -1, "cancelled by owner");
	else
		sm_error_set(&e, SM_ERR_FAILURE, rc, "cannot queue AT+CMGS");
	finish_send(m, req, &e);
}

/* 27.005 3.5.1: +CMGS: <mr> */
static void cmgs_cb(const struct sm_at_response *res, void *data)
{
	struct sm_modem *m = data;
	struct sm_modem_sendreq *req = m->sendq;
	long mr = -1;

	if (m->closing || !req)
		return;
	if (res->err.kind == SM_ERR_TIMEOUT || res->err.kind == SM_ERR_IO) {
		struct sm_error e = res->err;

		sm_modem_check_fatal(m, res, "AT+CMGS");
		finish_send(m, req, &e);
		return;
	}
	sm_modem_check_fatal(m, res, "AT+CMGS");
	if (res->err.kind != SM_ERR_NONE) {
		finish_send(m, req, &res->err);
		return;
	}
	for (size_t i = 0; i < res->nlines; i++) {
		struct sm_at_iter it;

		if (sm_at_iter_init(&it, res->lines[i], "+CMGS:"))
			sm_at_iter_int(&it, &mr);
	}
	/*
	 * Some modems answer OK without +CMGS: <mr> (gammu issue #89:
	 * echo then "OK"): the part went, its reference is unknown (-1).
	 */
	req->res.mr[req->res.sent++] = (int)mr;
	m->info.sent_parts++;
	if (req->part_sent)
		req->part_sent(m, req->res.sent, (int)mr, req->data);
	if (req->res.sent == req->res.parts) {
		finish_send(m, req, NULL);
		return;
	}
	if (m->failing)
		return;
	{
		int rc = send_part(m, req);
		struct sm_error e;

		if (rc >= 0)
			return;
		if (rc == -ECANCELED)
			sm_error_set(&e, SM_ERR_CANCELLED, -1,
				     "cancelled by owner");
		else
			sm_error_set(&e, SM_ERR_FAILURE, rc,
				     "cannot queue AT+CMGS");
		finish_send(m, req, &e);
	}
}

int sm_modem_send(struct sm_modem *m, const char *to, const char *text,
		  const struct sm_modem_send_opts *opts, sm_modem_send_cb cb,
		  void *data)
{
	struct sm_pdu_submit_opts o = {
		.mode = SM_TEXT_AUTO,
		.status_report = true,
		.validity_minutes = -1,
	};
	struct sm_modem_sendreq *req, **tail;
	char err[128];
	int n;

	if (!m->at || m->info.state != SM_MODEM_READY || m->failing)
		return -ENOTCONN;
	if (!to || !text || !cb)
		return -EINVAL;
	if (m->nsend >= SM_MODEM_SENDQ_MAX)
		return -EBUSY;
	if (opts) {
		o.mode = opts->mode;
		o.status_report = opts->status_report;
		o.validity_minutes = opts->validity_minutes;
	}
	req = calloc(1, sizeof(*req));
	if (!req)
		return -ENOMEM;
	if (opts && opts->concat_ref >= 0)
		o.ref = (unsigned)opts->concat_ref & 0xff;
	else
		o.ref = m->concat_ref++ & 0xff;
	n = sm_pdu_encode_submit(to, text, &o, req->parts, SM_PDU_PARTS_MAX,
				 &req->res.coding, err, sizeof(err));
	if (n < 0) {
		sm_modem_logf(m, SM_LOG_WARN, "cannot encode: %s", err);
		free(req);
		return n;
	}
	req->res.parts = (unsigned)n;
	for (int i = 0; i < SM_PDU_PARTS_MAX; i++)
		req->res.mr[i] = -1;
	if (opts && opts->first_part > 1) {
		if (opts->first_part > (unsigned)n) {
			free(req);
			return -EINVAL;
		}
		req->res.sent = opts->first_part - 1;
	}
	req->cb = cb;
	req->data = data;
	if (opts) {
		req->part_writing = opts->part_writing;
		req->part_sent = opts->part_sent;
	}
	sm_log_mask_number(to, req->to, sizeof(req->to));
	for (tail = &m->sendq; *tail; tail = &(*tail)->next)
		;
	*tail = req;
	m->nsend++;
	sm_modem_enter(m);
	if (m->sendq == req)
		start_send(m);
	sm_modem_leave(m);
	return 0;
}

void sm_modem_sms_cancel(struct sm_modem *m, enum sm_err_kind kind,
			 const char *reason)
{
	struct sm_error e;

	sm_error_set(&e, kind, -1, reason);
	while (m->sendq) {
		struct sm_modem_sendreq *req = m->sendq;

		m->sendq = req->next;
		m->nsend--;
		req->res.err = e;
		req->res.failed_part = req->res.sent + 1;
		m->info.send_failures++;
		req->cb(m, &req->res, req->data);
		free(req);
	}
}

/* ---- receiving */

static struct sm_modem_pending *find_stored(struct sm_modem *m, const char *mem,
					    int index)
{
	for (size_t i = 0; i < SM_MODEM_PENDING_MAX; i++) {
		struct sm_modem_pending *p = &m->pending[i];

		if (p->id && p->index == index && strcmp(p->mem, mem) == 0)
			return p;
	}
	return NULL;
}

/* Hand a decoded message to the owner, remembering it until acked. */
static void deliver(struct sm_modem *m, const struct sm_sms *sms,
		    const char *mem, int index, bool swept, bool cnma)
{
	struct sm_modem_pending *slot = NULL;
	struct sm_modem_msg msg;

	if (sms->type == SM_PDU_SUBMIT)
		return; /* an outgoing message kept in storage: not ours */
	if (!m->ops.inbound)
		return;
	if (index >= 0 && find_stored(m, mem, index))
		return; /* handed over already, waiting for the ack */
	for (size_t i = 0; i < SM_MODEM_PENDING_MAX && !slot; i++)
		if (!m->pending[i].id)
			slot = &m->pending[i];
	if (!slot) {
		/* it stays on the modem; a later sweep finds it again */
		sm_modem_logf(m, SM_LOG_WARN,
			      "%d messages wait for an ack: %s %d kept",
			      SM_MODEM_PENDING_MAX, mem, index);
		return;
	}
	if (!m->next_id)
		m->next_id = 1;
	slot->id = m->next_id++;
	snprintf(slot->mem, sizeof(slot->mem), "%s", index >= 0 ? mem : "");
	slot->index = index;
	slot->cnma = cnma;
	slot->deleting = false;
	if (sms->type == SM_PDU_STATUS_REPORT)
		m->info.reports++;
	else
		m->info.received++;
	msg.id = slot->id;
	msg.sms = sms;
	snprintf(msg.mem, sizeof(msg.mem), "%s", slot->mem);
	msg.index = index;
	msg.swept = swept;
	m->ops.inbound(m, &msg, m->data);
}

static void decode_and_deliver(struct sm_modem *m, const char *pdu, int length,
			       const char *mem, int index, bool swept,
			       bool cnma)
{
	struct sm_sms *sms = malloc(sizeof(*sms));
	char err[128];

	if (!sms)
		return;
	if (sm_pdu_decode(pdu, length, sms, err, sizeof(err)) < 0) {
		/* left on the modem: nothing is deleted that was not read */
		sm_modem_logf(m, SM_LOG_WARN, "undecodable PDU (%s %d): %s",
			      index >= 0 ? mem : "URC", index, err);
		free(sms);
		return;
	}
	deliver(m, sms, mem, index, swept, cnma);
	free(sms);
}

static void stored_free(void *data)
{
	free(data);
}

static void plain_cb(const struct sm_at_response *res, void *data)
{
	struct sm_modem *m = data;

	if (!m->closing)
		sm_modem_check_fatal(m, res, "AT+CPMS");
}

/* Queue AT+CPMS="<mem>" (27.005 3.2.2: <mem1> is read and delete). */
static void select_mem(struct sm_modem *m, const char *mem)
{
	char cmd[32];

	snprintf(cmd, sizeof(cmd), "AT+CPMS=\"%s\"", mem);
	sm_at_send(m->at, cmd, NULL, m->cfg.cmd_timeout_ms, plain_cb, m, NULL);
}

/* Run @cmd on storage @mem, switching <mem1> there and back if needed. */
static int in_storage(struct sm_modem *m, const char *mem, const char *cmd,
		      const char *const *prefixes, unsigned timeout_ms,
		      sm_at_cb cb, struct stored_ctx *ctx)
{
	bool other = mem[0] && m->info.mem[0] && strcmp(mem, m->info.mem);
	int rc;

	if (other)
		select_mem(m, mem);
	rc = sm_at_send(m->at, cmd, prefixes, timeout_ms, cb, ctx, stored_free);
	if (rc < 0)
		free(ctx);
	if (other)
		select_mem(m, m->info.mem);
	return rc < 0 ? rc : 0;
}

/* Is (mem, index) being read?  With @drop, forget it. */
static bool reading(struct sm_modem *m, const char *mem, int index, bool drop)
{
	for (size_t i = 0; i < m->nreading; i++) {
		if (m->reading[i].index != index ||
		    strcmp(m->reading[i].mem, mem) != 0)
			continue;
		if (drop)
			m->reading[i] = m->reading[--m->nreading];
		return true;
	}
	return false;
}

/* 27.005 3.4.3 +CMGR: <stat>,[<alpha>],<length><CR><LF><pdu> */
static void cmgr_cb(const struct sm_at_response *res, void *data)
{
	struct stored_ctx *ctx = data;
	struct sm_modem *m = ctx->m;

	if (m->closing)
		return;
	reading(m, ctx->mem, ctx->index, true);
	if (sm_modem_check_fatal(m, res, "AT+CMGR"))
		return;
	if (m->sweep_soon && m->nreading == 0) {
		m->sweep_soon = false;
		sm_modem_queue_sweep(m);
	}
	if (res->err.kind != SM_ERR_NONE) {
		char e[128];

		sm_modem_logf(m, SM_LOG_WARN, "cannot read %s %d: %s", ctx->mem,
			      ctx->index,
			      sm_error_str(&res->err, e, sizeof(e)));
		return;
	}
	for (size_t i = 0; i + 1 < res->nlines; i++) {
		struct sm_msg_header h;

		if (sm_parse_msg_header(res->lines[i], "+CMGR:", &h) < 0)
			continue;
		decode_and_deliver(m, res->lines[i + 1], h.length, ctx->mem,
				   ctx->index, false, false);
		return;
	}
	/* an empty slot answers a bare OK (Quectel EC25, chan-quectel #75) */
}

static void read_stored(struct sm_modem *m, const char *mem, int index)
{
	static const char *const p_cmgr[] = {"+CMGR:", NULL};
	struct stored_ctx *ctx;
	char cmd[32];

	if (find_stored(m, mem, index) || reading(m, mem, index, false))
		return; /* announced twice, or swept and announced */
	if (m->nreading >= SM_MODEM_READING_MAX) {
		/* A burst: sweep as soon as the reads under way are done. */
		m->sweep_soon = true;
		return;
	}
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return;
	ctx->m = m;
	snprintf(ctx->mem, sizeof(ctx->mem), "%s", mem);
	ctx->index = index;
	snprintf(cmd, sizeof(cmd), "AT+CMGR=%d", index);
	snprintf(m->reading[m->nreading].mem, sizeof(m->reading[0].mem), "%s",
		 ctx->mem);
	m->reading[m->nreading].index = index;
	if (in_storage(m, ctx->mem, cmd, p_cmgr, m->cfg.cmd_timeout_ms, cmgr_cb,
		       ctx) == 0)
		m->nreading++;
}

/* 27.005 3.4.1: +CMTI: <mem>,<index> */
static void cmti_notify(const char *line, const char *pdu, void *data)
{
	struct sm_modem *m = data;
	char mem[4];
	int index;

	(void)pdu;
	if (m->info.state != SM_MODEM_READY ||
	    sm_parse_mem_index(line, "+CMTI:", mem, sizeof(mem), &index) < 0)
		return;
	read_stored(m, mem, index);
}

/* 27.005 3.4.1: +CDSI: <mem>,<index>, a status report kept in <mem>. */
static void cdsi_notify(const char *line, const char *pdu, void *data)
{
	struct sm_modem *m = data;
	char mem[4];
	int index;

	(void)pdu;
	if (m->info.state != SM_MODEM_READY ||
	    sm_parse_mem_index(line, "+CDSI:", mem, sizeof(mem), &index) < 0)
		return;
	/*
	 * Quectel EC25/EG25 with AT+CNMI=2,1,0,2,0 store the report in "SR"
	 * but announce it as "SM": the raw line is "+CDSI: \"SM\",0" and
	 * AT+CMGR=0 in SM answers a bare OK (chan-quectel PR #75).
	 */
	if ((m->profile && (m->profile->quirks & SM_QUIRK_CDSI_SM_IS_SR)) &&
	    strcmp(mem, "SM") == 0)
		snprintf(mem, sizeof(mem), "SR");
	read_stored(m, mem, index);
}

/* 27.005 3.4.1: +CMT: [<alpha>],<length><CR><LF><pdu> */
static void cmt_notify(const char *line, const char *pdu, void *data)
{
	struct sm_modem *m = data;
	struct sm_msg_header h;

	if (!pdu || sm_parse_msg_header(line, "+CMT:", &h) < 0)
		return;
	decode_and_deliver(m, pdu, h.length, "", -1, false, m->info.csms1);
}

/* 27.005 3.4.1: +CDS: <length><CR><LF><pdu> */
static void cds_notify(const char *line, const char *pdu, void *data)
{
	struct sm_modem *m = data;
	struct sm_msg_header h;

	if (!pdu || sm_parse_msg_header(line, "+CDS:", &h) < 0)
		return;
	decode_and_deliver(m, pdu, h.length, "", -1, false, m->info.csms1);
}

static void creg_notify(const char *line, const char *pdu, void *data)
{
	struct sm_modem *m = data;
	int s = sm_parse_reg(line, "+CREG:");

	(void)pdu;
	if (s >= 0)
		m->info.creg = s;
}

static void cereg_notify(const char *line, const char *pdu, void *data)
{
	struct sm_modem *m = data;
	int s = sm_parse_reg(line, "+CEREG:");

	(void)pdu;
	if (s >= 0)
		m->info.cereg = s;
}

void sm_modem_sms_register(struct sm_modem *m)
{
	static const struct {
		const char *prefix;
		bool pdu;
		sm_at_notify fn;
	} urcs[] = {
		{"+CMTI:", false, cmti_notify},
		{"+CDSI:", false, cdsi_notify},
		{"+CMT:", true, cmt_notify},
		{"+CDS:", true, cds_notify},
		{"+CREG:", false, creg_notify},
		{"+CEREG:", false, cereg_notify},
	};

	for (size_t i = 0; i < sizeof(urcs) / sizeof(urcs[0]); i++) {
		int id = sm_at_register(m->at, urcs[i].prefix, urcs[i].pdu,
					urcs[i].fn, m);

		if (id > 0 && m->nurcs < SM_MODEM_URCS_MAX)
			m->urcs[m->nurcs++] = id;
	}
}

/* ---- acknowledging */

static void cmgd_cb(const struct sm_at_response *res, void *data)
{
	struct stored_ctx *ctx = data;
	struct sm_modem *m = ctx->m;

	if (m->closing)
		return;
	for (size_t i = 0; i < SM_MODEM_PENDING_MAX; i++)
		if (m->pending[i].id == ctx->id)
			memset(&m->pending[i], 0, sizeof(m->pending[i]));
	if (sm_modem_check_fatal(m, res, "AT+CMGD"))
		return;
	if (res->err.kind != SM_ERR_NONE) {
		char e[128];

		/* the next sweep hands it again; the owner dedupes */
		sm_modem_logf(m, SM_LOG_WARN, "cannot delete %s %d: %s",
			      ctx->mem, ctx->index,
			      sm_error_str(&res->err, e, sizeof(e)));
	}
}

static void cnma_cb(const struct sm_at_response *res, void *data)
{
	struct sm_modem *m = data;

	if (!m->closing)
		sm_modem_check_fatal(m, res, "AT+CNMA");
}

int sm_modem_ack(struct sm_modem *m, unsigned id)
{
	struct sm_modem_pending *p = NULL;
	struct stored_ctx *ctx;
	char cmd[32];

	for (size_t i = 0; id && i < SM_MODEM_PENDING_MAX && !p; i++)
		if (m->pending[i].id == id)
			p = &m->pending[i];
	if (!p || p->deleting || !m->at)
		return -ENOENT;
	sm_modem_enter(m);
	if (p->index < 0) {
		/* 27.005 3.4.4: AT+CNMA acknowledges +CMT/+CDS (CSMS=1) */
		if (p->cnma)
			sm_at_send(m->at, "AT+CNMA", NULL,
				   m->cfg.cmd_timeout_ms, cnma_cb, m, NULL);
		memset(p, 0, sizeof(*p));
		sm_modem_leave(m);
		return 0;
	}
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		sm_modem_leave(m);
		return -ENOMEM;
	}
	ctx->m = m;
	ctx->id = id;
	ctx->index = p->index;
	snprintf(ctx->mem, sizeof(ctx->mem), "%s", p->mem);
	p->deleting = true;
	/* 27.005 3.5.4 */
	snprintf(cmd, sizeof(cmd), "AT+CMGD=%d", p->index);
	if (in_storage(m, ctx->mem, cmd, NULL, m->cfg.cmd_timeout_ms, cmgd_cb,
		       ctx) < 0)
		p->deleting = false;
	sm_modem_leave(m);
	return 0;
}

/* ---- sweeping */

/* 27.005 3.4.2 +CMGL: <index>,<stat>,[<alpha>],<length><CR><LF><pdu> */
static void cmgl_cb(const struct sm_at_response *res, void *data)
{
	struct stored_ctx *ctx = data;
	struct sm_modem *m = ctx->m;
	size_t found = 0;

	if (m->closing || sm_modem_check_fatal(m, res, "AT+CMGL=4"))
		return;
	if (strcmp(ctx->mem, "SR") != 0)
		m->sweep_at = sm_modem_now(m) + m->cfg.sweep_interval_ms;
	if (res->err.kind != SM_ERR_NONE) {
		char e[128];

		sm_modem_logf(m, SM_LOG_WARN, "sweep of %s failed: %s",
			      ctx->mem, sm_error_str(&res->err, e, sizeof(e)));
		return;
	}
	for (size_t i = 0; i < res->nlines; i++) {
		struct sm_msg_header h;
		const char *pdu;

		if (sm_parse_msg_header(res->lines[i], "+CMGL:", &h) < 0)
			continue;
		if (i + 1 >= res->nlines ||
		    strncmp(res->lines[i + 1], "+CMGL:", 6) == 0)
			continue;
		pdu = res->lines[++i];
		found++;
		decode_and_deliver(m, pdu, h.length, ctx->mem, h.index, true,
				   false);
		if (m->failing || m->closing)
			return;
	}
	if (found)
		sm_modem_logf(m, SM_LOG_INFO, "sweep of %s: %zu message(s)",
			      ctx->mem, found);
}

static int sweep_mem(struct sm_modem *m, const char *mem)
{
	static const char *const p_cmgl[] = {"+CMGL:", NULL};
	struct stored_ctx *ctx = calloc(1, sizeof(*ctx));
	unsigned timeout = m->cfg.cmd_timeout_ms * 6;

	if (!ctx)
		return -ENOMEM;
	ctx->m = m;
	ctx->index = -1;
	snprintf(ctx->mem, sizeof(ctx->mem), "%s", mem);
	/* 27.005 3.4.2: 4 = all messages, in PDU mode */
	return in_storage(m, ctx->mem, "AT+CMGL=4", p_cmgl, timeout, cmgl_cb,
			  ctx);
}

int sm_modem_queue_sweep(struct sm_modem *m)
{
	int rc;

	if (!m->at || m->info.state != SM_MODEM_READY)
		return -ENOTCONN;
	m->sweep_at = 0; /* re-armed when the sweep answers */
	rc = sweep_mem(m, m->info.mem);
	/*
	 * SMS that arrived before AT+CPMS chose our storage (while the
	 * daemon was stopped, or after a modem reset) sit in the modem's
	 * default one, often "SM": sweep the other message storage too.
	 */
	for (size_t i = 0; rc == 0 && i < 2; i++) {
		static const char *const other[] = {"SM", "ME"};

		if (strcmp(other[i], m->info.mem) != 0 &&
		    sm_mem_in_list(m->info.storages, other[i]))
			rc = sweep_mem(m, other[i]);
	}
	/* reports kept in SR (<ds>=2) that no +CDSI announced */
	if (rc == 0 && m->cnmi_ds == 2 &&
	    sm_mem_in_list(m->info.storages, "SR"))
		rc = sweep_mem(m, "SR");
	return rc;
}

int sm_modem_sweep(struct sm_modem *m)
{
	int rc;

	sm_modem_enter(m);
	rc = sm_modem_queue_sweep(m);
	sm_modem_leave(m);
	return rc;
}

void sm_modem_sms_tick(struct sm_modem *m)
{
	if (m->info.state == SM_MODEM_READY && m->sweep_at &&
	    sm_modem_now(m) >= m->sweep_at && !m->cfg.no_sweep)
		sm_modem_queue_sweep(m);
}
