/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_at.c - the AT engine driven by transcripts (tests/data/at/NAME.txt),
 * each replayed three times: every directive's bytes fed at once, byte by
 * byte, and in chunks of 7; then direct tests of what transcripts cannot
 * say (callbacks that queue, flush or free; write failures; bounds).
 *
 * Transcript format, one directive per line ('#' starts a comment; the
 * first comment names the corpus file the transcript comes from):
 *
 *   urc PREFIX            register a URC handler for PREFIX
 *   urcpdu PREFIX         the same, with expects_pdu
 *   send CMD [timeout=MS] [PREFIX...|-]
 *                         queue CMD; no PREFIX takes every line (NULL),
 *                         "-" takes none (empty list)
 *   sendpdu CMD PDU [timeout=MS] [PREFIX...|-]
 *                         queue CMD that waits for "> " and sends PDU
 *                         (escapes allowed in PDU: \x20 for a space)
 *   > TEXT                the engine has written TEXT and CR
 *   >pdu TEXT             the engine has written TEXT and Ctrl-Z
 *   >raw BYTES            the engine has written exactly BYTES
 *   < LINE                the modem sends CR LF LINE CR LF
 *   <raw BYTES            the modem sends BYTES (escapes \r \n \t \\ \xNN)
 *   <rep N BYTES          the modem sends BYTES N times
 *   @ MS                  the fake clock moves MS forward; sm_at_tick()
 *   = OK [LINE | LINE...] the oldest command not yet checked completed OK
 *                         with exactly these intermediate lines
 *   = FAILURE TEXT        ... with SM_ERR_FAILURE and this text
 *   = CME N [TEXT]        ... with SM_ERR_CME, code N (and this text)
 *   = CMS N [TEXT]        ... with SM_ERR_CMS, code N (and this text)
 *   = TIMEOUT | = IO | = CANCELLED
 *   ! LINE [| PDU]        the oldest URC not yet checked
 *   ~ STRAY LINE          the oldest stray line not yet checked (escapes)
 *   ~ OVERLONG            the oldest over-long line not yet checked
 *   pending N             sm_at_pending() is N
 *   deadline MS|none      sm_at_deadline() is now + MS (or UINT64_MAX)
 *   flush IO|CANCELLED    sm_at_flush()
 *   free                  sm_at_free() (commands complete CANCELLED)
 *
 * Before each '<', '@', 'flush' or 'free' every byte the engine wrote must
 * have been matched by a '>' directive.  At the end every command, URC and
 * stray/over-long trace must have been checked, and each command's
 * callback and destroy must have run exactly once.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "smsmatch/at.h"

#define MAX_SLOTS  64
#define MAX_EVENTS 64
#define OUT_MAX	   65536

struct slot {
	bool done;		      /* the callback ran */
	int calls;		      /* times the callback ran */
	int destroys;		      /* times destroy ran */
	int destroy_after_cb;	      /* destroy ran after the callback */
	struct sm_error err;	      /* copy of res->err */
	char *lines[SM_AT_LINES_MAX]; /* copies of res->lines */
	size_t nlines;
	char final[SM_AT_LINE_MAX + 1];
};

struct event {
	char *a; /* URC line, or trace kind name */
	char *b; /* PDU or trace line, or NULL */
};

struct harness {
	const char *file;
	int lineno;
	size_t chunk; /* feed chunk size, 0 = all at once */
	uint64_t now;
	struct sm_at *at;
	unsigned char out[OUT_MAX]; /* bytes the engine wrote */
	size_t outlen;
	int fail_writes; /* fail the next n writes */
	struct slot slots[MAX_SLOTS];
	size_t nslots, checked;
	struct event urcs[MAX_EVENTS];
	size_t nurcs, urcs_checked;
	struct event traces[MAX_EVENTS];
	size_t ntraces, traces_checked;
};

/* ---- fake I/O -------------------------------------------------------- */

static int h_write(void *data, const void *buf, size_t len)
{
	struct harness *h = data;

	if (h->fail_writes > 0) {
		h->fail_writes--;
		return -EPIPE;
	}
	assert_true(h->outlen + len <= OUT_MAX);
	memcpy(h->out + h->outlen, buf, len);
	h->outlen += len;
	return 0;
}

static uint64_t h_now(void *data)
{
	return ((struct harness *)data)->now;
}

static void h_trace(void *data, enum sm_at_trace_kind kind, const char *line,
		    size_t len)
{
	struct harness *h = data;
	struct event *e;

	if (kind != SM_AT_TRACE_STRAY && kind != SM_AT_TRACE_OVERLONG)
		return;
	assert_true(h->ntraces < MAX_EVENTS);
	e = &h->traces[h->ntraces++];
	e->a = strdup(kind == SM_AT_TRACE_STRAY ? "STRAY" : "OVERLONG");
	e->b = strndup(line, len);
}

static const struct sm_at_io h_io = {
	.write = h_write,
	.now = h_now,
	.trace = h_trace,
};

static void h_cb(const struct sm_at_response *res, void *data)
{
	struct slot *s = data;

	s->calls++;
	s->done = true;
	s->err = res->err;
	s->nlines = res->nlines;
	for (size_t i = 0; i < res->nlines; i++)
		s->lines[i] = strdup(res->lines[i]);
	snprintf(s->final, sizeof(s->final), "%s", res->final);
}

static void h_destroy(void *data)
{
	struct slot *s = data;

	s->destroys++;
	if (s->calls == 1)
		s->destroy_after_cb++;
}

static void h_urc(const char *line, const char *pdu, void *data)
{
	struct harness *h = data;
	struct event *e;

	assert_true(h->nurcs < MAX_EVENTS);
	e = &h->urcs[h->nurcs++];
	e->a = strdup(line);
	e->b = pdu ? strdup(pdu) : NULL;
}

/* ---- transcript reader ----------------------------------------------- */

#define TFAIL(h, ...)                                                          \
	do {                                                                   \
		char m_[512];                                                  \
		snprintf(m_, sizeof(m_), __VA_ARGS__);                         \
		fail_msg("%s:%d (chunk %zu): %s", (h)->file, (h)->lineno,      \
			 (h)->chunk, m_);                                      \
	} while (0)

/* Decode escapes of @s into @out; returns the length. */
static size_t unescape(const char *s, unsigned char *out, size_t max)
{
	size_t n = 0;

	while (*s) {
		unsigned char c = (unsigned char)*s++;

		if (c == '\\' && *s) {
			char e = *s++;

			switch (e) {
			case 'r':
				c = '\r';
				break;
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'x': {
				char hex[3] = {s[0], s[0] ? s[1] : 0, 0};

				c = (unsigned char)strtoul(hex, NULL, 16);
				s += strlen(hex);
				break;
			}
			default:
				c = (unsigned char)e;
				break;
			}
		}
		assert_true(n < max);
		out[n++] = c;
	}
	return n;
}

static void feed(struct harness *h, const unsigned char *b, size_t n)
{
	size_t step = h->chunk ? h->chunk : n;

	for (size_t i = 0; i < n; i += step) {
		size_t k = n - i < step ? n - i : step;
		int rc = sm_at_feed(h->at, b + i, k);

		if (rc != 0 && rc != -EIO)
			TFAIL(h, "sm_at_feed returned %d", rc);
	}
}

static void expect_out(struct harness *h, const unsigned char *b, size_t n)
{
	if (h->outlen < n || memcmp(h->out, b, n) != 0)
		TFAIL(h, "engine wrote \"%.*s\" (%zu bytes), expected \"%.*s\"",
		      (int)h->outlen, (const char *)h->out, h->outlen, (int)n,
		      (const char *)b);
	memmove(h->out, h->out + n, h->outlen - n);
	h->outlen -= n;
}

static void expect_quiet_out(struct harness *h)
{
	if (h->outlen)
		TFAIL(h, "unexpected write \"%.*s\"", (int)h->outlen,
		      (const char *)h->out);
}

static struct slot *next_slot(struct harness *h)
{
	struct slot *s;

	if (h->checked >= h->nslots)
		TFAIL(h, "no command left to check");
	s = &h->slots[h->checked++];
	if (!s->done)
		TFAIL(h, "command %zu has not completed", h->checked);
	if (s->calls != 1 || s->destroys != 1 || s->destroy_after_cb != 1)
		TFAIL(h, "callback ran %d times, destroy %d times", s->calls,
		      s->destroys);
	return s;
}

static void check_result(struct harness *h, char *arg)
{
	struct slot *s = next_slot(h);
	char *rest = strchr(arg, ' ');
	char kind[16];

	if (rest)
		*rest++ = '\0';
	snprintf(kind, sizeof(kind), "%s", arg);
	if (strcmp(kind, "OK") == 0) {
		size_t i = 0;
		char *tok = rest;

		if (s->err.kind != SM_ERR_NONE)
			TFAIL(h, "expected OK, got %s \"%s\"",
			      sm_err_kind_name(s->err.kind), s->err.text);
		while (tok && *tok) {
			char *bar = strstr(tok, " | ");

			if (bar)
				*bar = '\0';
			if (i >= s->nlines || strcmp(s->lines[i], tok) != 0)
				TFAIL(h,
				      "line %zu: got \"%s\", expected \"%s\"",
				      i, i < s->nlines ? s->lines[i] : "(none)",
				      tok);
			i++;
			tok = bar ? bar + 3 : NULL;
		}
		if (i != s->nlines)
			TFAIL(h,
			      "got %zu lines, expected %zu (first extra: %s)",
			      s->nlines, i, s->lines[i]);
		if (strcmp(s->final, "OK") != 0)
			TFAIL(h, "final \"%s\"", s->final);
		return;
	}
	if (strcmp(kind, "CME") == 0 || strcmp(kind, "CMS") == 0) {
		enum sm_err_kind k = kind[2] == 'E' ? SM_ERR_CME : SM_ERR_CMS;
		char *text = NULL;
		long code;

		if (!rest)
			TFAIL(h, "CME/CMS needs a code");
		code = strtol(rest, &text, 10);
		if (*text == ' ')
			text++;
		if (s->err.kind != k || s->err.code != code)
			TFAIL(h, "expected %s %ld, got %s %d \"%s\"", kind,
			      code, sm_err_kind_name(s->err.kind), s->err.code,
			      s->err.text);
		if (*text && strcmp(text, s->err.text) != 0)
			TFAIL(h, "text \"%s\", expected \"%s\"", s->err.text,
			      text);
		return;
	}
	if (strcmp(kind, "FAILURE") == 0) {
		if (s->err.kind != SM_ERR_FAILURE ||
		    strcmp(s->err.text, rest ? rest : "") != 0)
			TFAIL(h, "expected FAILURE \"%s\", got %s \"%s\"",
			      rest ? rest : "", sm_err_kind_name(s->err.kind),
			      s->err.text);
		return;
	}
	if (strcmp(kind, "TIMEOUT") == 0 || strcmp(kind, "IO") == 0 ||
	    strcmp(kind, "CANCELLED") == 0) {
		enum sm_err_kind k = kind[0] == 'T'   ? SM_ERR_TIMEOUT
				     : kind[0] == 'I' ? SM_ERR_IO
						      : SM_ERR_CANCELLED;

		if (s->err.kind != k)
			TFAIL(h, "expected %s, got %s \"%s\"", kind,
			      sm_err_kind_name(s->err.kind), s->err.text);
		if (s->final[0])
			TFAIL(h, "final \"%s\" on %s", s->final, kind);
		return;
	}
	TFAIL(h, "unknown result kind %s", kind);
}

static void check_urc(struct harness *h, char *arg)
{
	char *bar = strstr(arg, " | ");
	struct event *e;

	if (bar)
		*bar = '\0';
	if (h->urcs_checked >= h->nurcs)
		TFAIL(h, "URC \"%s\" not received", arg);
	e = &h->urcs[h->urcs_checked++];
	if (strcmp(e->a, arg) != 0)
		TFAIL(h, "URC \"%s\", expected \"%s\"", e->a, arg);
	if ((bar == NULL) != (e->b == NULL) ||
	    (bar && strcmp(e->b, bar + 3) != 0))
		TFAIL(h, "URC PDU \"%s\", expected \"%s\"",
		      e->b ? e->b : "(none)", bar ? bar + 3 : "(none)");
}

static void check_trace(struct harness *h, char *arg)
{
	char *rest = strchr(arg, ' ');
	struct event *e;

	if (rest)
		*rest++ = '\0';
	if (h->traces_checked >= h->ntraces)
		TFAIL(h, "no %s trace", arg);
	e = &h->traces[h->traces_checked++];
	if (strcmp(e->a, arg) != 0)
		TFAIL(h, "trace %s \"%s\", expected %s", e->a, e->b, arg);
	if (rest) {
		char want[SM_AT_LINE_MAX + 1];
		size_t n =
			unescape(rest, (unsigned char *)want, SM_AT_LINE_MAX);

		want[n] = '\0';
		if (strcmp(e->b, want) != 0)
			TFAIL(h, "trace %s \"%s\", expected \"%s\"", e->a, e->b,
			      rest);
	}
}

static void queue_cmd(struct harness *h, char *arg, bool with_pdu)
{
	const char *prefixes[16];
	size_t np = 0;
	bool none = false, any = false;
	unsigned timeout = 0;
	char *save = NULL, *cmd, *pdu = NULL, *tok;
	struct slot *s;
	int rc;

	cmd = strtok_r(arg, " ", &save);
	if (with_pdu)
		pdu = strtok_r(NULL, " ", &save);
	if (!cmd || (with_pdu && !pdu))
		TFAIL(h, "send: missing argument");
	if (pdu) {
		static unsigned char pbuf[SM_AT_LINE_MAX + 1];
		size_t pn = unescape(pdu, pbuf, SM_AT_LINE_MAX);

		pbuf[pn] = '\0';
		pdu = (char *)pbuf;
	}
	while ((tok = strtok_r(NULL, " ", &save))) {
		if (strncmp(tok, "timeout=", 8) == 0) {
			timeout = (unsigned)strtoul(tok + 8, NULL, 10);
		} else if (strcmp(tok, "-") == 0) {
			none = true;
		} else {
			assert_true(np < 15);
			prefixes[np++] = tok;
			any = true;
		}
	}
	prefixes[np] = NULL;
	assert_true(h->nslots < MAX_SLOTS);
	s = &h->slots[h->nslots];
	if (with_pdu)
		rc = sm_at_send_pdu(h->at, cmd, pdu,
				    any || none ? prefixes : NULL, timeout,
				    h_cb, s, h_destroy);
	else
		rc = sm_at_send(h->at, cmd, any || none ? prefixes : NULL,
				timeout, h_cb, s, h_destroy);
	if (rc <= 0)
		TFAIL(h, "send returned %d", rc);
	h->nslots++;
}

static void run_directive(struct harness *h, char *line)
{
	static unsigned char buf[3 * SM_AT_LINE_MAX + 16];
	char *arg = strchr(line, ' ');
	char *word = line;
	size_t n;

	if (arg)
		*arg++ = '\0';
	else
		arg = line + strlen(line);
	if (word[0] == '<' || word[0] == '@' || strcmp(word, "flush") == 0 ||
	    strcmp(word, "free") == 0)
		expect_quiet_out(h);
	if (strcmp(word, ">") == 0) {
		n = strlen(arg);
		memcpy(buf, arg, n);
		buf[n++] = '\r';
		expect_out(h, buf, n);
	} else if (strcmp(word, ">pdu") == 0) {
		n = strlen(arg);
		memcpy(buf, arg, n);
		buf[n++] = 0x1a;
		expect_out(h, buf, n);
	} else if (strcmp(word, ">raw") == 0) {
		n = unescape(arg, buf, sizeof(buf));
		expect_out(h, buf, n);
	} else if (strcmp(word, "<") == 0) {
		n = strlen(arg);
		assert_true(n + 4 <= sizeof(buf));
		buf[0] = '\r';
		buf[1] = '\n';
		memcpy(buf + 2, arg, n);
		buf[n + 2] = '\r';
		buf[n + 3] = '\n';
		feed(h, buf, n + 4);
	} else if (strcmp(word, "<raw") == 0) {
		n = unescape(arg, buf, sizeof(buf));
		feed(h, buf, n);
	} else if (strcmp(word, "<rep") == 0) {
		char *text;
		long count = strtol(arg, &text, 10);

		n = unescape(text + 1, buf, sizeof(buf));
		for (long i = 0; i < count; i++)
			feed(h, buf, n);
	} else if (strcmp(word, "@") == 0) {
		h->now += strtoull(arg, NULL, 10);
		sm_at_tick(h->at);
	} else if (strcmp(word, "send") == 0) {
		queue_cmd(h, arg, false);
	} else if (strcmp(word, "sendpdu") == 0) {
		queue_cmd(h, arg, true);
	} else if (strcmp(word, "urc") == 0 || strcmp(word, "urcpdu") == 0) {
		if (sm_at_register(h->at, arg, word[3] == 'p', h_urc, h) <= 0)
			TFAIL(h, "register failed");
	} else if (strcmp(word, "=") == 0) {
		check_result(h, arg);
	} else if (strcmp(word, "!") == 0) {
		check_urc(h, arg);
	} else if (strcmp(word, "~") == 0) {
		check_trace(h, arg);
	} else if (strcmp(word, "pending") == 0) {
		if (sm_at_pending(h->at) != strtoul(arg, NULL, 10))
			TFAIL(h, "pending %zu, expected %s",
			      sm_at_pending(h->at), arg);
	} else if (strcmp(word, "deadline") == 0) {
		uint64_t d = sm_at_deadline(h->at);
		uint64_t want = strcmp(arg, "none") == 0
					? UINT64_MAX
					: h->now + strtoull(arg, NULL, 10);

		if (d != want)
			TFAIL(h, "deadline %llu, expected %llu",
			      (unsigned long long)d, (unsigned long long)want);
	} else if (strcmp(word, "flush") == 0) {
		sm_at_flush(h->at,
			    strcmp(arg, "IO") == 0 ? SM_ERR_IO
						   : SM_ERR_CANCELLED,
			    "flushed by the transcript");
	} else if (strcmp(word, "free") == 0) {
		sm_at_free(h->at);
		h->at = NULL;
	} else {
		TFAIL(h, "unknown directive \"%s\"", word);
	}
}

static void harness_clear(struct harness *h)
{
	for (size_t i = 0; i < h->nslots; i++)
		for (size_t j = 0; j < h->slots[i].nlines; j++)
			free(h->slots[i].lines[j]);
	for (size_t i = 0; i < h->nurcs; i++) {
		free(h->urcs[i].a);
		free(h->urcs[i].b);
	}
	for (size_t i = 0; i < h->ntraces; i++) {
		free(h->traces[i].a);
		free(h->traces[i].b);
	}
}

static void run_transcript(const char *path, size_t chunk)
{
	struct harness *h = calloc(1, sizeof(*h));
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool cited = false;

	assert_non_null(h);
	assert_non_null(f);
	h->file = path;
	h->chunk = chunk;
	h->now = 1000000;
	h->at = sm_at_new(&h_io, h);
	assert_non_null(h->at);
	while ((n = getline(&line, &cap, f)) >= 0) {
		h->lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (line[0] == '#') {
			cited |= strstr(line, "tests/corpus/") != NULL;
			continue;
		}
		if (n == 0)
			continue;
		if (!h->at && strncmp(line, "=", 1) != 0 &&
		    strncmp(line, "!", 1) != 0 && strncmp(line, "~", 1) != 0)
			TFAIL(h, "directive after free");
		run_directive(h, line);
	}
	free(line);
	fclose(f);
	h->lineno = 0;
	if (!cited)
		TFAIL(h, "no comment cites a tests/corpus/ file");
	expect_quiet_out(h);
	if (h->checked != h->nslots)
		TFAIL(h, "%zu command results not checked",
		      h->nslots - h->checked);
	if (h->urcs_checked != h->nurcs)
		TFAIL(h, "URC \"%s\" not checked", h->urcs[h->urcs_checked].a);
	if (h->traces_checked != h->ntraces)
		TFAIL(h, "trace %s \"%s\" not checked",
		      h->traces[h->traces_checked].a,
		      h->traces[h->traces_checked].b);
	sm_at_free(h->at);
	harness_clear(h);
	free(h);
}

static void test_transcript(void **state)
{
	const char *path = *state;
	static const size_t chunks[] = {0, 1, 7};

	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++)
		run_transcript(path, chunks[i]);
}

/* ---- direct tests ---------------------------------------------------- */

struct direct {
	uint64_t now;
	char out[4096];
	size_t outlen;
	int fail_writes;
	struct sm_at *at;
	int calls;
	int destroys;
	struct sm_error last;
	size_t last_nlines;
	int action; /* what the callback does, see direct_cb */
	int urc_calls;
	int urc_id;
};

static int d_write(void *data, const void *buf, size_t len)
{
	struct direct *d = data;

	if (d->fail_writes > 0) {
		d->fail_writes--;
		return -EPIPE;
	}
	if (d->outlen + len < sizeof(d->out)) {
		memcpy(d->out + d->outlen, buf, len);
		d->outlen += len;
		d->out[d->outlen] = '\0';
	}
	return 0;
}

static uint64_t d_now(void *data)
{
	return ((struct direct *)data)->now;
}

static const struct sm_at_io d_io = {.write = d_write, .now = d_now};

enum {
	ACT_NONE,
	ACT_QUEUE, /* queue AT+CSQ from the callback */
	ACT_FREE,  /* free the engine from the callback */
	ACT_FLUSH, /* flush from the callback */
	ACT_FEED,  /* feed from the callback: must be refused */
};

static void d_destroy(void *data)
{
	struct direct *d = data;

	d->destroys++;
}

static void d_cb(const struct sm_at_response *res, void *data)
{
	struct direct *d = data;
	int act = d->action;

	d->calls++;
	d->last = res->err;
	d->last_nlines = res->nlines;
	d->action = ACT_NONE;
	switch (act) {
	case ACT_QUEUE:
		assert_true(sm_at_send(d->at, "AT+CSQ", NULL, 0, d_cb, d,
				       d_destroy) > 0);
		break;
	case ACT_FREE:
		sm_at_free(d->at);
		/* the engine refuses new work but does not crash */
		assert_int_equal(
			sm_at_send(d->at, "AT", NULL, 0, d_cb, d, d_destroy),
			-ESHUTDOWN);
		break;
	case ACT_FLUSH:
		sm_at_flush(d->at, SM_ERR_IO, "port gone");
		break;
	case ACT_FEED:
		assert_int_equal(sm_at_feed(d->at, "\r\nOK\r\n", 6), -EBUSY);
		break;
	}
}

static struct direct *direct_new(void)
{
	struct direct *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	d->now = 5000;
	d->at = sm_at_new(&d_io, d);
	assert_non_null(d->at);
	return d;
}

static void feed_str(struct direct *d, const char *s)
{
	assert_int_equal(sm_at_feed(d->at, s, strlen(s)), 0);
}

static void test_callback_queues(void **state)
{
	struct direct *d = direct_new();

	d->action = ACT_QUEUE;
	assert_true(sm_at_send(d->at, "AT", NULL, 0, d_cb, d, d_destroy) > 0);
	feed_str(d, "\r\nOK\r\n");
	assert_int_equal(d->calls, 1);
	/* the command queued by the callback was written at once */
	assert_string_equal(d->out, "AT\rAT+CSQ\r");
	assert_int_equal(sm_at_pending(d->at), 1);
	feed_str(d, "\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
	assert_int_equal(d->calls, 2);
	assert_int_equal(d->last_nlines, 1);
	assert_int_equal(d->destroys, 2);
	sm_at_free(d->at);
	free(d);
}

static void test_callback_frees_engine(void **state)
{
	struct direct *d = direct_new();

	d->action = ACT_FREE;
	for (int i = 0; i < 3; i++)
		assert_true(sm_at_send(d->at, "AT", NULL, 0, d_cb, d,
				       d_destroy) > 0);
	/* OK for the first; the rest of the bytes must not be parsed */
	assert_int_equal(sm_at_feed(d->at, "\r\nOK\r\n\r\nOK\r\n", 12), 0);
	assert_int_equal(d->calls, 3);
	assert_int_equal(d->destroys, 3);
	assert_int_equal(d->last.kind, SM_ERR_CANCELLED);
	free(d); /* the engine is gone: ASan checks nothing leaked */
}

static void test_callback_flushes(void **state)
{
	struct direct *d = direct_new();

	d->action = ACT_FLUSH;
	for (int i = 0; i < 3; i++)
		assert_true(sm_at_send(d->at, "AT", NULL, 0, d_cb, d,
				       d_destroy) > 0);
	feed_str(d, "\r\nERROR\r\n");
	assert_int_equal(d->calls, 3);
	assert_int_equal(d->destroys, 3);
	assert_int_equal(d->last.kind, SM_ERR_IO);
	assert_string_equal(d->last.text, "port gone");
	assert_int_equal(sm_at_pending(d->at), 0);
	sm_at_free(d->at);
	free(d);
}

static void test_feed_from_callback(void **state)
{
	struct direct *d = direct_new();

	d->action = ACT_FEED;
	assert_true(sm_at_send(d->at, "AT", NULL, 0, d_cb, d, d_destroy) > 0);
	assert_true(sm_at_send(d->at, "ATI", NULL, 0, d_cb, d, d_destroy) > 0);
	feed_str(d, "\r\nOK\r\n");
	assert_int_equal(d->calls, 1);
	assert_int_equal(sm_at_pending(d->at), 1);
	sm_at_free(d->at);
	assert_int_equal(d->calls, 2);
	assert_int_equal(d->last.kind, SM_ERR_CANCELLED);
	free(d);
}

static void test_free_cancels(void **state)
{
	struct direct *d = direct_new();

	assert_true(sm_at_send(d->at, "AT", NULL, 0, d_cb, d, d_destroy) > 0);
	assert_true(sm_at_send_pdu(d->at, "AT+CMGS=5", "00AABBCCDD", NULL, 0,
				   d_cb, d, d_destroy) > 0);
	sm_at_free(d->at);
	assert_int_equal(d->calls, 2);
	assert_int_equal(d->destroys, 2);
	assert_int_equal(d->last.kind, SM_ERR_CANCELLED);
	sm_at_free(NULL);
	free(d);
}

static void test_write_failure(void **state)
{
	struct direct *d = direct_new();

	d->fail_writes = 1;
	assert_true(sm_at_send(d->at, "AT", NULL, 0, d_cb, d, d_destroy) > 0);
	/* never called from inside sm_at_send() */
	assert_int_equal(d->calls, 0);
	assert_int_equal(sm_at_deadline(d->at), d->now);
	assert_true(sm_at_send(d->at, "ATI", NULL, 0, d_cb, d, d_destroy) > 0);
	sm_at_tick(d->at);
	assert_int_equal(d->calls, 1);
	assert_int_equal(d->last.kind, SM_ERR_IO);
	assert_string_equal(d->last.text, "write failed: Broken pipe");
	/* the next command went out */
	assert_string_equal(d->out, "ATI\r");
	feed_str(d, "\r\nSIM800 R14.18\r\n\r\nOK\r\n");
	assert_int_equal(d->calls, 2);
	assert_int_equal(d->last.kind, SM_ERR_NONE);
	assert_int_equal(d->last_nlines, 1);
	sm_at_free(d->at);
	free(d);
}

static void test_pdu_write_failure(void **state)
{
	struct direct *d = direct_new();

	assert_true(sm_at_send_pdu(d->at, "AT+CMGS=5", "00AABBCCDD", NULL, 0,
				   d_cb, d, d_destroy) > 0);
	d->fail_writes = 1;
	assert_int_equal(sm_at_feed(d->at, "\r\n> ", 4), -EIO);
	assert_int_equal(d->calls, 1);
	assert_int_equal(d->last.kind, SM_ERR_IO);
	assert_int_equal(sm_at_pending(d->at), 0);
	sm_at_free(d->at);
	free(d);
}

static void test_send_errors(void **state)
{
	struct direct *d = direct_new();
	char *big = malloc(SM_AT_LINE_MAX + 2);

	memset(big, 'A', SM_AT_LINE_MAX + 1);
	big[SM_AT_LINE_MAX + 1] = '\0';
	assert_int_equal(sm_at_send(d->at, big, NULL, 0, d_cb, d, NULL),
			 -E2BIG);
	assert_int_equal(
		sm_at_send_pdu(d->at, "AT+CMGS=1", big, NULL, 0, d_cb, d, NULL),
		-E2BIG);
	assert_int_equal(sm_at_send(d->at, "", NULL, 0, d_cb, d, NULL),
			 -EINVAL);
	assert_int_equal(sm_at_send(d->at, NULL, NULL, 0, d_cb, d, NULL),
			 -EINVAL);
	assert_int_equal(sm_at_send(d->at, "AT", NULL, 0, NULL, d, NULL),
			 -EINVAL);
	assert_int_equal(sm_at_send(d->at, "AT\rATZ", NULL, 0, d_cb, d, NULL),
			 -EINVAL);
	assert_int_equal(sm_at_send_pdu(d->at, "AT+CMGS=1", "00\x1a", NULL, 0,
					d_cb, d, NULL),
			 -EINVAL);
	assert_int_equal(sm_at_send_pdu(d->at, "AT+CMGS=1", NULL, NULL, 0, d_cb,
					d, NULL),
			 -EINVAL);
	assert_int_equal(
		sm_at_register(d->at, "", false, (sm_at_notify)NULL, NULL),
		-EINVAL);
	assert_int_equal(sm_at_pending(d->at), 0);
	assert_int_equal(d->outlen, 0);
	assert_int_equal(d->calls, 0);
	assert_int_equal(sm_at_deadline(d->at), UINT64_MAX);
	free(big);
	sm_at_free(d->at);
	free(d);
}

static void test_lines_max(void **state)
{
	struct direct *d = direct_new();
	char buf[64];

	assert_true(sm_at_send(d->at, "AT+CMGL=4", NULL, 0, d_cb, d,
			       d_destroy) > 0);
	for (int i = 0; i < SM_AT_LINES_MAX + 10; i++) {
		snprintf(buf, sizeof(buf), "\r\nline %d\r\n", i);
		feed_str(d, buf);
	}
	assert_int_equal(d->calls, 0);
	feed_str(d, "\r\nOK\r\n");
	assert_int_equal(d->calls, 1);
	assert_int_equal(d->last.kind, SM_ERR_FAILURE);
	assert_string_equal(d->last.text,
			    "response over SM_AT_LINES_MAX lines");
	assert_int_equal(d->last_nlines, SM_AT_LINES_MAX);
	/* exactly SM_AT_LINES_MAX lines are fine */
	assert_true(sm_at_send(d->at, "AT+CMGL=4", NULL, 0, d_cb, d,
			       d_destroy) > 0);
	for (int i = 0; i < SM_AT_LINES_MAX; i++) {
		snprintf(buf, sizeof(buf), "\r\nline %d\r\n", i);
		feed_str(d, buf);
	}
	feed_str(d, "\r\nOK\r\n");
	assert_int_equal(d->calls, 2);
	assert_int_equal(d->last.kind, SM_ERR_NONE);
	assert_int_equal(d->last_nlines, SM_AT_LINES_MAX);
	sm_at_free(d->at);
	free(d);
}

static void d_urc_unregister(const char *line, const char *pdu, void *data)
{
	struct direct *d = data;

	d->urc_calls++;
	sm_at_unregister(d->at, d->urc_id);
}

static void test_unregister_in_handler(void **state)
{
	struct direct *d = direct_new();

	d->urc_id = sm_at_register(d->at, "RING", false, d_urc_unregister, d);
	assert_true(d->urc_id > 0);
	feed_str(d, "\r\nRING\r\n\r\nRING\r\n");
	assert_int_equal(d->urc_calls, 1);
	sm_at_unregister(d->at, 12345); /* unknown id: ignored */
	sm_at_free(d->at);
	free(d);
}

static void test_deadline_and_timeout(void **state)
{
	struct direct *d = direct_new();

	assert_true(sm_at_send(d->at, "AT+COPS=?", NULL, 120000, d_cb, d,
			       d_destroy) > 0);
	assert_int_equal(sm_at_deadline(d->at), 5000 + 120000);
	d->now += 119999;
	sm_at_tick(d->at);
	assert_int_equal(d->calls, 0);
	d->now += 1;
	sm_at_tick(d->at);
	assert_int_equal(d->calls, 1);
	assert_int_equal(d->last.kind, SM_ERR_TIMEOUT);
	assert_string_equal(d->last.text,
			    "no answer to AT+COPS=? in 120000 ms");
	/* the quiet period is a deadline too */
	assert_int_equal(sm_at_deadline(d->at), d->now + SM_AT_QUIET_MS);
	sm_at_free(d->at);
	free(d);
}

static void test_error_str(void **state)
{
	struct sm_error e;
	char buf[128];

	sm_error_set(&e, SM_ERR_CMS, 500, "unknown error");
	assert_string_equal(sm_error_str(&e, buf, sizeof(buf)),
			    "+CMS ERROR 500: unknown error");
	sm_error_set(&e, SM_ERR_CMS, -1, "");
	assert_string_equal(sm_error_str(&e, buf, sizeof(buf)),
			    "+CMS ERROR (no code)");
	sm_error_set(&e, SM_ERR_CME, -1, "raspberry");
	assert_string_equal(sm_error_str(&e, buf, sizeof(buf)),
			    "+CME ERROR: raspberry");
	sm_error_set(&e, SM_ERR_TIMEOUT, -1, "no answer");
	assert_string_equal(sm_error_str(&e, buf, sizeof(buf)),
			    "timeout: no answer");
	sm_error_set(&e, SM_ERR_NONE, 0, NULL);
	assert_string_equal(sm_error_str(&e, buf, sizeof(buf)), "ok");
	assert_string_equal(sm_error_str(&e, buf, 1), "");
	assert_string_equal(sm_err_kind_name(SM_ERR_CANCELLED), "cancelled");
	/* the text is bounded */
	memset(buf, 'x', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	sm_error_set(&e, SM_ERR_FAILURE, -1, buf);
	assert_int_equal(strlen(e.text), sizeof(e.text) - 1);
}

/* ---- main ------------------------------------------------------------ */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	static const struct CMUnitTest direct[] = {
		cmocka_unit_test(test_callback_queues),
		cmocka_unit_test(test_callback_frees_engine),
		cmocka_unit_test(test_callback_flushes),
		cmocka_unit_test(test_feed_from_callback),
		cmocka_unit_test(test_free_cancels),
		cmocka_unit_test(test_write_failure),
		cmocka_unit_test(test_pdu_write_failure),
		cmocka_unit_test(test_send_errors),
		cmocka_unit_test(test_lines_max),
		cmocka_unit_test(test_unregister_in_handler),
		cmocka_unit_test(test_deadline_and_timeout),
		cmocka_unit_test(test_error_str),
	};
	const char *src = getenv("SRCDIR");
	char dir[4096];
	char **names = NULL;
	size_t n = 0;
	struct CMUnitTest *tests;
	struct dirent *e;
	DIR *dh;
	int failed;

	snprintf(dir, sizeof(dir), "%s/tests/data/at", src ? src : ".");
	dh = opendir(dir);
	if (!dh) {
		perror(dir);
		return 1;
	}
	while ((e = readdir(dh))) {
		size_t l = strlen(e->d_name);

		if (l < 5 || strcmp(e->d_name + l - 4, ".txt") != 0)
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		names[n] = malloc(strlen(dir) + l + 2);
		sprintf(names[n], "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(dh);
	if (n < 25) {
		fprintf(stderr, "%s: only %zu transcripts\n", dir, n);
		return 1;
	}
	qsort(names, n, sizeof(*names), cmp_names);
	tests = calloc(n, sizeof(*tests));
	for (size_t i = 0; i < n; i++) {
		tests[i].name = strrchr(names[i], '/') + 1;
		tests[i].test_func = test_transcript;
		tests[i].initial_state = names[i];
	}
	failed = _cmocka_run_group_tests("transcripts", tests, n, NULL, NULL);
	failed += cmocka_run_group_tests_name("direct", direct, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(tests);
	return failed ? 1 : 0;
}
