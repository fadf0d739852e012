/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_at.c - libFuzzer target for the AT engine: the input is a little
 * program that feeds modem bytes in arbitrary chunks, queues plain and PDU
 * commands, moves a fake clock, fails writes, flushes, (un)registers URC
 * handlers and frees the engine from a callback.  It aborts if a callback
 * runs twice or never, or if a destroy does not follow its callback;
 * ASan/UBSan catch the rest.  Response lines are walked with the
 * sm_at_iter_* helpers too.
 *
 * Program: one opcode byte, then its argument bytes.
 *   0..3  feed the next N bytes (N = next byte)
 *   4     clock += next byte * 50 ms, then tick
 *   5     queue command (next byte picks it)
 *   6     queue a PDU command (next byte picks it)
 *   7     misc (next byte): fail writes, flush, (un)register, jump to the
 *         deadline, arm "free from the next callback", "queue from it"
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smsmatch/at.h"

struct fz {
	struct sm_at *at; /* NULL once freed */
	uint64_t now;	  /* the fake clock */
	int fail_writes;  /* fail the next n writes */
	size_t written;	  /* bytes written (not kept) */
	long live;	  /* commands queued and not yet destroyed */
	int free_in_cb;	  /* free the engine from the next callback */
	int queue_in_cb;  /* queue a command from the next callbacks */
	int urc_ids[8];	  /* registrations that can be removed */
	size_t nurc;
};

struct rec {
	struct fz *fz;
	int calls;
	unsigned magic;
};

#define REC_MAGIC 0x5e9a7c01u

static int fz_write(void *data, const void *buf, size_t len)
{
	struct fz *f = data;
	volatile unsigned char sink = 0;

	if (f->fail_writes > 0) {
		f->fail_writes--;
		return -5;
	}
	for (size_t i = 0; i < len; i++)
		sink ^= ((const unsigned char *)buf)[i];
	(void)sink;
	f->written += len;
	return 0;
}

static uint64_t fz_now(void *data)
{
	return ((struct fz *)data)->now;
}

static void fz_trace(void *data, enum sm_at_trace_kind kind, const char *line,
		     size_t len)
{
	volatile char sink = 0;

	if (len > SM_AT_LINE_MAX + 1)
		abort();
	for (size_t i = 0; i < len; i++)
		sink ^= line[i];
	(void)sink;
}

static const struct sm_at_io fz_io = {
	.write = fz_write,
	.now = fz_now,
	.trace = fz_trace,
};

static void walk_line(const char *line)
{
	struct sm_at_iter it;
	char buf[32];
	long a, b;

	if (!sm_at_iter_init(&it, line, ""))
		abort();
	for (int i = 0; i < 64 && it.p < it.end; i++) {
		if (sm_at_iter_int(&it, &a) || sm_at_iter_range(&it, &a, &b) ||
		    sm_at_iter_str(&it, buf, sizeof(buf)) ||
		    sm_at_iter_open_list(&it) || sm_at_iter_close_list(&it) ||
		    sm_at_iter_skip(&it))
			continue;
		it.p++; /* nothing matched: step over the character */
	}
	if (it.p > it.end)
		abort();
}

static void fz_destroy(void *data)
{
	struct rec *r = data;

	if (r->magic != REC_MAGIC || r->calls != 1)
		abort();
	r->fz->live--;
	r->magic = 0;
	free(r);
}

static void queue_one(struct fz *f, unsigned pick);

static void fz_cb(const struct sm_at_response *res, void *data)
{
	struct rec *r = data;
	struct fz *f = r->fz;

	if (r->magic != REC_MAGIC || ++r->calls != 1)
		abort();
	if (!res->final || res->nlines > SM_AT_LINES_MAX)
		abort();
	/* OK is the only success; OK with a lost line is a failure */
	if (res->err.kind == SM_ERR_NONE && strcmp(res->final, "OK") != 0)
		abort();
	for (size_t i = 0; i < res->nlines; i++)
		walk_line(res->lines[i]);
	walk_line(res->final);
	if (f->queue_in_cb > 0 && f->at) {
		f->queue_in_cb--;
		queue_one(f, (unsigned)f->queue_in_cb);
	}
	if (f->free_in_cb && f->at) {
		struct sm_at *at = f->at;

		f->free_in_cb = 0;
		f->at = NULL;
		sm_at_free(at);
	}
}

static void fz_urc(const char *line, const char *pdu, void *data)
{
	walk_line(line);
	if (pdu)
		walk_line(pdu);
}

static const char *const p_csq[] = {"+CSQ:", NULL};
static const char *const p_cmgl[] = {"+CMGL:", NULL};
static const char *const p_cmgr[] = {"+CMGR:", NULL};
static const char *const p_creg[] = {"+CREG:", NULL};
static const char *const p_cmgs[] = {"+CMGS:", NULL};
static const char *const p_none[] = {NULL};

static const struct {
	const char *cmd;
	const char *const *prefixes;
	const char *pdu;
} cmds[] = {
	{"AT+CSQ", p_csq, NULL},
	{"AT+CMGL=4", p_cmgl, NULL},
	{"ATI", NULL, NULL},
	{"AT+CMGR=1", p_cmgr, NULL},
	{"AT+CREG?", p_creg, NULL},
	{"ATE0", p_none, NULL},
	{"AT+CMGS=23", p_cmgs,
	 "000101099121436587f900000cf4f29c0e6a97e7f3f0b90c"},
	{"AT+CMGS=\"+4915000000000\"", p_cmgs, "blatest"},
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void queue_cmd(struct fz *f, unsigned pick, bool pdu)
{
	struct rec *r;
	unsigned i = pdu ? 6 + pick % 2 : pick % 6;
	unsigned timeout = (pick / 8) % 4 * 1000;
	int rc;

	if (!f->at)
		return;
	r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	r->fz = f;
	r->magic = REC_MAGIC;
	if (cmds[i].pdu)
		rc = sm_at_send_pdu(f->at, cmds[i].cmd, cmds[i].pdu,
				    cmds[i].prefixes, timeout, fz_cb, r,
				    fz_destroy);
	else
		rc = sm_at_send(f->at, cmds[i].cmd, cmds[i].prefixes, timeout,
				fz_cb, r, fz_destroy);
	if (rc <= 0) {
		free(r);
		return;
	}
	f->live++;
}

static void queue_one(struct fz *f, unsigned pick)
{
	queue_cmd(f, pick, pick & 1);
}

static void misc(struct fz *f, unsigned arg)
{
	static const struct {
		const char *prefix;
		bool pdu;
	} urcs[] = {
		{"+CMTI:", false}, {"+CMT:", true},   {"+CDS:", true},
		{"+CDSI:", false}, {"+CREG:", false}, {"^RSSI:", false},
	};
	int id;

	if (!f->at)
		return;
	switch (arg % 8) {
	case 0:
		f->fail_writes = (int)(arg / 8 % 3);
		break;
	case 1:
		sm_at_flush(f->at, arg & 8 ? SM_ERR_IO : SM_ERR_CANCELLED,
			    arg & 16 ? NULL : "fuzz flush");
		break;
	case 2:
		if (f->nurc < sizeof(f->urc_ids) / sizeof(f->urc_ids[0])) {
			unsigned u =
				(arg / 8) % (sizeof(urcs) / sizeof(urcs[0]));

			id = sm_at_register(f->at, urcs[u].prefix, urcs[u].pdu,
					    fz_urc, f);
			if (id > 0)
				f->urc_ids[f->nurc++] = id;
		}
		break;
	case 3:
		if (f->nurc)
			sm_at_unregister(f->at, f->urc_ids[--f->nurc]);
		break;
	case 4: {
		uint64_t d = sm_at_deadline(f->at);

		if (d != UINT64_MAX && d > f->now)
			f->now = d;
		sm_at_tick(f->at);
		break;
	}
	case 5:
		f->free_in_cb = 1;
		break;
	case 6:
		f->queue_in_cb = (int)(arg / 8 % 4);
		break;
	case 7:
		if (sm_at_pending(f->at) > 64)
			abort();
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = {.now = 1000};
	size_t i = 0;

	f.at = sm_at_new(&fz_io, &f);
	if (!f.at)
		return 0;
	/* the usual handlers, so URC paths run without a misc op */
	sm_at_register(f.at, "+CMTI:", false, fz_urc, &f);
	sm_at_register(f.at, "+CMT:", true, fz_urc, &f);
	while (i < size && f.at) {
		unsigned op = data[i++];
		unsigned arg = i < size ? data[i] : 0;

		switch (op % 8) {
		case 0:
		case 1:
		case 2:
		case 3: {
			size_t n = arg;

			i++;
			if (n > size - (i < size ? i : size))
				n = size - (i < size ? i : size);
			if (n)
				sm_at_feed(f.at, data + i, n);
			i += n;
			break;
		}
		case 4:
			i++;
			f.now += (uint64_t)arg * 50;
			sm_at_tick(f.at);
			break;
		case 5:
			i++;
			if (sm_at_pending(f.at) < 32)
				queue_cmd(&f, arg, false);
			break;
		case 6:
			i++;
			if (sm_at_pending(f.at) < 32)
				queue_cmd(&f, arg, true);
			break;
		case 7:
			i++;
			misc(&f, arg);
			break;
		}
	}
	if (f.at)
		sm_at_free(f.at);
	if (f.live != 0)
		abort();
	return 0;
}
