/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jsonlog.c - the --log file: one JSON line per SMS the modem was asked to
 * send, once its last part arrived.
 *
 *   {"time": "2024-05-02T09:30:00.123Z", "modem": "sim0", "to": "+336...",
 *    "text": "...", "parts": 2, "encoding": "gsm7", "mr": [4, 5],
 *    "status_report": false}
 *
 * Parts of a concatenated message are reassembled by (to, reference,
 * total) (23.040 9.2.3.24.1); parts still missing when the simulator
 * exits are logged with what arrived and "incomplete": true.  Each line is
 * written with one write(2) on an O_APPEND descriptor, so several
 * simulators may share one file and a reader never sees half a line.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

#define SIM_JSONLOG_PARTS_MAX 255 /* 23.040: at most 255 parts */

/* A message whose parts are arriving. */
struct sim_partial {
	struct sim_partial *next;	   /* list */
	char to[SM_PDU_ADDR_MAX];	   /* destination */
	unsigned ref;			   /* concatenation reference */
	unsigned total;			   /* parts expected */
	unsigned have;			   /* parts arrived */
	enum sm_pdu_coding coding;	   /* of the first part to arrive */
	bool srr;			   /* any part asked for a report */
	char *text[SIM_JSONLOG_PARTS_MAX]; /* per part, NULL when missing */
	int mr[SIM_JSONLOG_PARTS_MAX];	   /* per part */
};

struct sim_jsonlog {
	int fd;			     /* -1 without --log */
	char *name;		     /* modem name */
	sim_message_fn fn;	     /* complete-message callback */
	void *data;		     /* its argument */
	struct sim_partial *partial; /* messages being reassembled */
};

int sim_jsonlog_open(const char *path, const char *name, sim_message_fn fn,
		     void *data, struct sim_jsonlog **out, char *err,
		     size_t errlen)
{
	struct sim_jsonlog *j = calloc(1, sizeof(*j));

	if (!j || !(j->name = strdup(name))) {
		free(j);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	j->fd = -1;
	j->fn = fn;
	j->data = data;
	if (path) {
		j->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
			     0644);
		if (j->fd < 0) {
			int e = errno;

			snprintf(err, errlen, "%s: %s", path, strerror(e));
			free(j->name);
			free(j);
			return -e;
		}
	}
	*out = j;
	return 0;
}

static void iso8601_now(char *buf, size_t len)
{
	struct timeval tv;
	struct tm tm;
	size_t n;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03ldZ", (long)(tv.tv_usec / 1000));
}

/* Write one message as a JSON line and hand it to the callback. */
static void emit(struct sim_jsonlog *j, const struct sim_message *msg)
{
	char ts[40];
	json_t *o, *mr;
	char *line;

	if (j->fn && !msg->incomplete)
		j->fn(j->data, msg);
	if (j->fd < 0)
		return;
	iso8601_now(ts, sizeof(ts));
	mr = json_array();
	for (unsigned i = 0; mr && i < msg->parts; i++)
		if (msg->mr[i] >= 0)
			json_array_append_new(mr, json_integer(msg->mr[i]));
	o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:o, s:b}", "time", ts,
		      "modem", j->name, "to", msg->to, "text", msg->text,
		      "parts", (int)msg->parts, "encoding",
		      sm_pdu_coding_name(msg->coding), "mr", mr,
		      "status_report", msg->status_report);
	if (!o)
		return;
	if (msg->incomplete)
		json_object_set_new(o, "incomplete", json_true());
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!line)
		return;
	{
		size_t n = strlen(line);
		char *buf = realloc(line, n + 2);

		if (buf) {
			buf[n] = '\n';
			buf[n + 1] = '\0';
			if (write(j->fd, buf, n + 1) < 0) {
				/* nothing better to do: the log is best effort
				 */
			}
			line = buf;
		}
	}
	free(line);
}

/* Join the parts of @p and emit it. */
static void emit_partial(struct sim_jsonlog *j, struct sim_partial *p,
			 bool incomplete)
{
	size_t len = 1;
	char *text;
	struct sim_message msg = {0};

	for (unsigned i = 0; i < p->total; i++)
		len += p->text[i] ? strlen(p->text[i]) : 0;
	text = malloc(len);
	if (!text)
		return;
	text[0] = '\0';
	for (unsigned i = 0; i < p->total; i++)
		if (p->text[i])
			strcat(text, p->text[i]);
	msg.to = p->to;
	msg.text = text;
	msg.parts = p->total;
	msg.have = p->have;
	msg.coding = p->coding;
	msg.mr = p->mr;
	msg.status_report = p->srr;
	msg.incomplete = incomplete;
	emit(j, &msg);
	free(text);
}

static void partial_free(struct sim_partial *p)
{
	for (unsigned i = 0; i < p->total; i++)
		free(p->text[i]);
	free(p);
}

void sim_jsonlog_part(struct sim_jsonlog *j, const struct sim_sent *s)
{
	struct sim_partial **pp, *p;
	unsigned total = s->concat.total, seq = s->concat.seq;

	if (total <= 1 || total > SIM_JSONLOG_PARTS_MAX || seq < 1 ||
	    seq > total) {
		int mr = s->mr;
		struct sim_message msg = {
			.to = s->to,
			.text = s->text,
			.parts = 1,
			.have = 1,
			.coding = s->coding,
			.mr = &mr,
			.status_report = s->status_report,
		};

		emit(j, &msg);
		return;
	}
	for (pp = &j->partial; *pp; pp = &(*pp)->next)
		if ((*pp)->ref == s->concat.ref && (*pp)->total == total &&
		    strcmp((*pp)->to, s->to) == 0)
			break;
	p = *pp;
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return;
		snprintf(p->to, sizeof(p->to), "%s", s->to);
		p->ref = s->concat.ref;
		p->total = total;
		p->coding = s->coding;
		for (unsigned i = 0; i < total; i++)
			p->mr[i] = -1;
		*pp = p;
	}
	if (!p->text[seq - 1]) {
		p->text[seq - 1] = strdup(s->text);
		if (!p->text[seq - 1])
			return;
		p->have++;
	}
	p->mr[seq - 1] = s->mr;
	p->srr |= s->status_report;
	if (p->have < p->total)
		return;
	*pp = p->next;
	emit_partial(j, p, false);
	partial_free(p);
}

void sim_jsonlog_close(struct sim_jsonlog *j)
{
	if (!j)
		return;
	while (j->partial) {
		struct sim_partial *p = j->partial;

		j->partial = p->next;
		emit_partial(j, p, true);
		partial_free(p);
	}
	if (j->fd >= 0) {
		fsync(j->fd);
		close(j->fd);
	}
	free(j->name);
	free(j);
}
