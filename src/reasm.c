/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reasm.c - in-memory reassembly of concatenated SMS: a bounded array of
 * messages in progress, each with its received parts (text and tag) in
 * slots indexed by sequence number.  See reasm.h.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smsmatch/reasm.h"

struct part {
	bool have;		    /* arrived */
	char text[SM_PDU_TEXT_MAX]; /* its text */
	uint64_t tag;		    /* caller's tag */
};

struct inprog {
	char from[SM_PDU_ADDR_MAX]; /* key: originator */
	unsigned ref;		    /* key: reference */
	unsigned total;		    /* key: number of parts */
	bool ref16;		    /* reference width */
	uint64_t first_ms;	    /* when the first part arrived */
	unsigned received;	    /* parts in @parts */
	enum sm_pdu_coding coding;  /* of the first part received */
	bool has_timestamp;	    /* from the lowest part received */
	time_t timestamp;
	int tz_minutes;
	unsigned ts_seq; /* which part gave the timestamp */
	struct part parts[SM_REASM_PARTS_MAX];
};

struct sm_reasm {
	struct inprog **msgs; /* NULL slots are free */
	unsigned max;	      /* slots */
	uint64_t timeout_ms;  /* per message */
};

struct sm_reasm *sm_reasm_new(unsigned max_msgs, uint64_t timeout_ms)
{
	struct sm_reasm *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->max = max_msgs ? max_msgs : 64;
	r->timeout_ms = timeout_ms ? timeout_ms : 600000;
	r->msgs = calloc(r->max, sizeof(*r->msgs));
	if (!r->msgs) {
		free(r);
		return NULL;
	}
	return r;
}

void sm_reasm_free(struct sm_reasm *r)
{
	if (!r)
		return;
	for (unsigned i = 0; i < r->max; i++)
		free(r->msgs[i]);
	free(r->msgs);
	free(r);
}

static void append(char *dst, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n >= SM_REASM_TEXT_MAX)
		n = SM_REASM_TEXT_MAX - 1 - *len;
	memcpy(dst + *len, s, n);
	*len += n;
	dst[*len] = '\0';
}

/* Fill @out from @p and free the slot @i. */
static void hand_back(struct sm_reasm *r, unsigned i, bool incomplete,
		      struct sm_reasm_msg *out)
{
	struct inprog *p = r->msgs[i];
	size_t len = 0;

	memset(out, 0, offsetof(struct sm_reasm_msg, text));
	out->text[0] = '\0';
	memcpy(out->from, p->from, sizeof(out->from));
	out->coding = p->coding;
	out->parts = p->total;
	out->received = p->received;
	out->incomplete = incomplete;
	out->has_timestamp = p->has_timestamp;
	out->timestamp = p->timestamp;
	out->tz_minutes = p->tz_minutes;
	out->ref = p->ref;
	out->ntags = 0;
	for (unsigned s = 0; s < p->total && s < SM_REASM_PARTS_MAX; s++) {
		if (!p->parts[s].have)
			continue;
		append(out->text, &len, p->parts[s].text);
		out->tags[out->ntags++] = p->parts[s].tag;
	}
	free(p);
	r->msgs[i] = NULL;
}

static void take_meta(struct inprog *p, const struct sm_sms *sms, unsigned seq)
{
	if (p->received == 0)
		p->coding = sms->coding;
	if (sms->has_timestamp && (!p->has_timestamp || seq < p->ts_seq)) {
		p->has_timestamp = true;
		p->timestamp = sms->timestamp;
		p->tz_minutes = sms->tz_minutes;
		p->ts_seq = seq;
	}
}

int sm_reasm_add(struct sm_reasm *r, const struct sm_sms *sms, uint64_t tag,
		 uint64_t now_ms, struct sm_reasm_msg *out)
{
	const struct sm_pdu_concat *c = &sms->concat;
	struct inprog *p = NULL;
	unsigned free_slot = r->max;

	if (c->total <= 1) {
		/* not concatenated (or a 1-part "concatenation") */
		memset(out, 0, offsetof(struct sm_reasm_msg, text));
		memcpy(out->from, sms->number, sizeof(out->from));
		snprintf(out->text, sizeof(out->text), "%s", sms->text);
		out->coding = sms->coding;
		out->parts = out->received = 1;
		out->has_timestamp = sms->has_timestamp;
		out->timestamp = sms->timestamp;
		out->tz_minutes = sms->tz_minutes;
		out->ref = c->ref;
		out->tags[0] = tag;
		out->ntags = 1;
		return 1;
	}
	if (c->seq < 1 || c->seq > c->total || c->total > SM_REASM_PARTS_MAX)
		return -EINVAL;
	for (unsigned i = 0; i < r->max; i++) {
		struct inprog *q = r->msgs[i];

		if (!q) {
			if (free_slot == r->max)
				free_slot = i;
			continue;
		}
		if (q->ref == c->ref && q->total == c->total &&
		    q->ref16 == c->ref16 && strcmp(q->from, sms->number) == 0) {
			p = q;
			free_slot = i;
			break;
		}
	}
	if (!p) {
		if (free_slot == r->max)
			return -ENOSPC;
		p = calloc(1, sizeof(*p));
		if (!p)
			return -ENOMEM;
		memcpy(p->from, sms->number, sizeof(p->from));
		p->ref = c->ref;
		p->total = c->total;
		p->ref16 = c->ref16;
		p->first_ms = now_ms;
		r->msgs[free_slot] = p;
	}
	if (p->parts[c->seq - 1].have)
		return -EEXIST;
	take_meta(p, sms, c->seq);
	p->parts[c->seq - 1].have = true;
	memcpy(p->parts[c->seq - 1].text, sms->text, sizeof(sms->text));
	p->parts[c->seq - 1].tag = tag;
	p->received++;
	if (p->received < p->total)
		return 0;
	hand_back(r, free_slot, false, out);
	return 1;
}

int sm_reasm_expire(struct sm_reasm *r, uint64_t now_ms,
		    struct sm_reasm_msg *out)
{
	for (unsigned i = 0; i < r->max; i++) {
		struct inprog *p = r->msgs[i];

		if (p && now_ms >= p->first_ms + r->timeout_ms) {
			hand_back(r, i, true, out);
			return 1;
		}
	}
	return 0;
}

int sm_reasm_evict_oldest(struct sm_reasm *r, struct sm_reasm_msg *out)
{
	unsigned best = r->max;

	for (unsigned i = 0; i < r->max; i++)
		if (r->msgs[i] &&
		    (best == r->max ||
		     r->msgs[i]->first_ms < r->msgs[best]->first_ms))
			best = i;
	if (best == r->max)
		return 0;
	hand_back(r, best, true, out);
	return 1;
}

uint64_t sm_reasm_deadline(const struct sm_reasm *r)
{
	uint64_t d = UINT64_MAX;

	for (unsigned i = 0; i < r->max; i++)
		if (r->msgs[i] && r->msgs[i]->first_ms + r->timeout_ms < d)
			d = r->msgs[i]->first_ms + r->timeout_ms;
	return d;
}

size_t sm_reasm_pending(const struct sm_reasm *r)
{
	size_t n = 0;

	for (unsigned i = 0; i < r->max; i++)
		n += r->msgs[i] != NULL;
	return n;
}
