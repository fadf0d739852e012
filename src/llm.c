/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * llm.c - the chat completions client: libcurl's multi interface on the
 * project's event loop.  The only file that includes curl.
 *
 * curl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION: each
 * becomes a loop fd watch) and when to call it back (CURLMOPT_TIMERFUNCTION:
 * one loop timer); the loop calls curl_multi_socket_action() when either
 * fires, and finished transfers are reaped right after.  Nothing here
 * blocks.  Callbacks to the user always run from the loop: a request that
 * cannot be sent (breaker open, queue full) ends on a zero-delay timer.
 *
 * Protection of both sides: at most max_in_flight transfers, at most
 * SM_LLM_QUEUE_MAX waiting; a body over SM_LLM_BODY_MAX aborts the
 * transfer; 429 holds every request for Retry-After seconds; 5xx and
 * transport failures back off (0.5 s doubling to SM_LLM_BACKOFF_MAX_MS);
 * SM_LLM_BREAKER_FAILS failures in a row open the breaker for
 * SM_LLM_BREAKER_MS (logged once by the caller through the reason).
 * A 400/422 whose body names response_format or json_schema makes the
 * client resend that request once with {"type":"json_object"} and use that
 * for every later request.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "smsmatch/config.h"
#include "smsmatch/llm.h"
#include "smsmatch/loop.h"

/* One request, from sm_llm_send() to its callback. */
struct req {
	struct sm_llm *c;	/* owner */
	struct req *next;	/* queue / in-flight list link */
	json_t *body;		/* the request object (owned) */
	char *payload;		/* body serialised while in flight */
	CURL *easy;		/* while in flight */
	struct curl_slist *hdrs; /* Content-Type, Authorization */
	char *buf;		/* reply body so far */
	size_t len, cap;	/* used, allocated (cap <= BODY_MAX + 1) */
	bool too_big;		/* the body went over the cap */
	bool retried;		/* already resent with json_object */
	bool schema_fallback;	/* went out with json_object */
	uint64_t started_ms;	/* sent (first attempt) */
	sm_llm_fn fn;		/* the user's callback */
	void *data;		/* its argument */
	struct sm_llm_result res; /* set when it ends */
};

/* A socket curl asked us to watch. */
struct sock {
	int watch; /* loop watch id */
};

struct sm_llm {
	struct sm_loop *loop;	/* where everything runs */
	CURLM *multi;		/* the transfers */
	char *endpoint;		/* full URL of chat/completions */
	char *auth;		/* "Authorization: Bearer KEY" or NULL */
	int timeout_ms;		/* per request */
	unsigned max_in_flight; /* transfers at once */
	struct req *flight;	/* transfers on the wire */
	unsigned nflight;	/* how many */
	struct req *queue, **queue_tail; /* waiting to be sent */
	unsigned nqueue;	/* how many */
	struct req *done;	/* ended, callbacks to run */
	int timer;		/* curl's timer (loop id), 0 if none */
	int kick;		/* zero-delay timer: start/finish, 0 if none */
	bool json_object;	/* the server refused json_schema */
	uint64_t hold_until;	/* no request before (429, 5xx backoff) */
	char hold_why[96];	/* why we are holding */
	unsigned fails;		/* consecutive failures */
	unsigned backoff_ms;	/* next 5xx backoff */
	uint64_t breaker_until; /* breaker open until */
};

const char *sm_llm_status_name(enum sm_llm_status s)
{
	switch (s) {
	case SM_LLM_OK:
		return "ok";
	case SM_LLM_E_CONNECT:
		return "connection";
	case SM_LLM_E_TIMEOUT:
		return "timeout";
	case SM_LLM_E_HTTP:
		return "http";
	case SM_LLM_E_TOO_BIG:
		return "too big";
	case SM_LLM_E_REPLY:
		return "bad reply";
	case SM_LLM_E_HELD:
		return "held";
	case SM_LLM_E_BUSY:
		return "busy";
	case SM_LLM_E_CANCELLED:
		return "cancelled";
	case SM_LLM_E_INTERNAL:
		return "internal";
	}
	return "?";
}

static void schedule_kick(struct sm_llm *c);

/* ---- curl <-> loop */

static void check_done(struct sm_llm *c);

static void sock_io(struct sm_loop *loop, int fd, unsigned events, void *data)
{
	struct sm_llm *c = data;
	int mask = 0, running;

	if (events & SM_LOOP_READ)
		mask |= CURL_CSELECT_IN;
	if (events & SM_LOOP_WRITE)
		mask |= CURL_CSELECT_OUT;
	if (events & SM_LOOP_ERROR)
		mask |= CURL_CSELECT_ERR;
	curl_multi_socket_action(c->multi, fd, mask, &running);
	check_done(c);
}

static int socket_cb(CURL *easy, curl_socket_t s, int what, void *userp,
		     void *socketp)
{
	struct sm_llm *c = userp;
	struct sock *k = socketp;
	unsigned ev = 0;

	if (what == CURL_POLL_REMOVE) {
		if (k) {
			sm_loop_del_fd(c->loop, k->watch);
			free(k);
			curl_multi_assign(c->multi, s, NULL);
		}
		return 0;
	}
	if (what & CURL_POLL_IN)
		ev |= SM_LOOP_READ;
	if (what & CURL_POLL_OUT)
		ev |= SM_LOOP_WRITE;
	if (k)
		return sm_loop_mod_fd(c->loop, k->watch, ev) < 0 ? -1 : 0;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -1;
	k->watch = sm_loop_add_fd(c->loop, s, ev, sock_io, c);
	if (k->watch < 0) {
		free(k);
		return -1;
	}
	curl_multi_assign(c->multi, s, k);
	return 0;
}

static void curl_timer_fired(struct sm_loop *loop, void *data)
{
	struct sm_llm *c = data;
	int running;

	curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(c);
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct sm_llm *c = userp;
	uint64_t at;

	if (timeout_ms < 0) {
		if (c->timer)
			sm_loop_disarm_timer(c->loop, c->timer);
		return 0;
	}
	at = sm_clock_ms() + (uint64_t)timeout_ms;
	if (c->timer)
		return sm_loop_set_timer(c->loop, c->timer, at) < 0 ? -1 : 0;
	c->timer = sm_loop_add_timer(c->loop, at, curl_timer_fired, c);
	return c->timer < 0 ? (c->timer = 0, -1) : 0;
}

/* ---- requests */

static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *data)
{
	struct req *r = data;
	size_t n = size * nmemb;

	if (r->len + n > SM_LLM_BODY_MAX) {
		r->too_big = true;
		return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
	}
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;
		char *b;

		while (cap < r->len + n + 1)
			cap *= 2;
		if (cap > SM_LLM_BODY_MAX + 1)
			cap = SM_LLM_BODY_MAX + 1;
		b = realloc(r->buf, cap);
		if (!b)
			return 0;
		r->buf = b;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, ptr, n);
	r->len += n;
	r->buf[r->len] = '\0';
	return n;
}

static void req_free(struct req *r)
{
	if (!r)
		return;
	json_decref(r->body);
	free(r->payload);
	curl_slist_free_all(r->hdrs);
	free(r->buf);
	free(r);
}

/* Move @r to the done list; its callback runs from the kick timer. */
static void finish(struct sm_llm *c, struct req *r)
{
	r->res.latency_ms = (long)(sm_clock_ms() - r->started_ms);
	r->res.schema_fallback = r->schema_fallback;
	r->next = c->done;
	c->done = r;
	schedule_kick(c);
}

static void fail(struct sm_llm *c, struct req *r, enum sm_llm_status st,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void fail(struct sm_llm *c, struct req *r, enum sm_llm_status st,
		 const char *fmt, ...)
{
	va_list ap;

	r->res.status = st;
	va_start(ap, fmt);
	vsnprintf(r->res.why, sizeof(r->res.why), fmt, ap);
	va_end(ap);
	finish(c, r);
}

/* Put json_object in place of json_schema in @body. */
static void use_json_object(json_t *body)
{
	json_t *rf = json_object_get(body, "response_format");

	if (rf)
		json_object_set_new(body, "response_format",
				    json_pack("{s:s}", "type", "json_object"));
}

static int start_transfer(struct sm_llm *c, struct req *r)
{
	CURL *e = curl_easy_init();

	if (!e)
		return -ENOMEM;
	if (c->json_object && !r->schema_fallback) {
		use_json_object(r->body);
		r->schema_fallback = true;
	}
	free(r->payload);
	/* 15 digits: 0.1 goes out as 0.1, not 0.10000000000000001 (the
	 * confidence enum of the verdict schema). */
	r->payload =
		json_dumps(r->body, JSON_COMPACT | JSON_REAL_PRECISION(15));
	r->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	if (r->hdrs && c->auth) {
		struct curl_slist *h = curl_slist_append(r->hdrs, c->auth);

		if (h)
			r->hdrs = h;
	}
	if (!r->payload || !r->hdrs) {
		curl_easy_cleanup(e);
		return -ENOMEM;
	}
	r->len = 0;
	r->too_big = false;
	curl_easy_setopt(e, CURLOPT_URL, c->endpoint);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->payload);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)c->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)c->timeout_ms);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
			 (curl_off_t)SM_LLM_BODY_MAX);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_USERAGENT, "smsmatch");
	if (curl_multi_add_handle(c->multi, e) != CURLM_OK) {
		curl_easy_cleanup(e);
		return -ENOMEM;
	}
	r->easy = e;
	r->next = c->flight;
	c->flight = r;
	c->nflight++;
	return 0;
}

static void unlink_flight(struct sm_llm *c, struct req *r)
{
	for (struct req **p = &c->flight; *p; p = &(*p)->next)
		if (*p == r) {
			*p = r->next;
			c->nflight--;
			break;
		}
	curl_multi_remove_handle(c->multi, r->easy);
	curl_easy_cleanup(r->easy);
	r->easy = NULL;
	curl_slist_free_all(r->hdrs);
	r->hdrs = NULL;
}

/* A failure of the server or the network: back off, maybe open the
 * breaker. */
static void note_failure(struct sm_llm *c, uint64_t now)
{
	c->fails++;
	if (c->fails >= SM_LLM_BREAKER_FAILS) {
		c->breaker_until = now + SM_LLM_BREAKER_MS;
		c->fails = 0;
		c->backoff_ms = 0;
		return;
	}
	c->backoff_ms = c->backoff_ms ? c->backoff_ms * 2 : 500;
	if (c->backoff_ms > SM_LLM_BACKOFF_MAX_MS)
		c->backoff_ms = SM_LLM_BACKOFF_MAX_MS;
	if (now + c->backoff_ms > c->hold_until) {
		c->hold_until = now + c->backoff_ms;
		snprintf(c->hold_why, sizeof(c->hold_why),
			 "backing off after a server failure");
	}
}

static void note_success(struct sm_llm *c)
{
	c->fails = 0;
	c->backoff_ms = 0;
}

/* Seconds of a Retry-After header (delta-seconds only), or -1. */
static long retry_after(CURL *e)
{
	struct curl_header *h;
	char *end;
	long v;

	if (curl_easy_header(e, "Retry-After", 0, CURLH_HEADER, -1, &h) !=
	    CURLHE_OK)
		return -1;
	v = strtol(h->value, &end, 10);
	if (end == h->value || v < 0)
		return -1;
	return v > SM_LLM_RETRY_AFTER_MAX_S ? SM_LLM_RETRY_AFTER_MAX_S : v;
}

/* The first bytes of an error body, on one line, for the reason. */
static void body_excerpt(const struct req *r, char *out, size_t len)
{
	char content[SM_LLM_WHY_MAX], why[SM_LLM_WHY_MAX];
	size_t i, n = 0;

	out[0] = '\0';
	if (!r->buf || !r->len)
		return;
	/* An error body the parser knows gives its message. */
	if (sm_llm_parse_content(r->buf, r->len, content, sizeof(content),
				 why, sizeof(why)) < 0 &&
	    strncmp(why, "server error: ", 14) == 0) {
		snprintf(out, len, ": %.*s", (int)(len > 3 ? len - 3 : 0),
			 why + strlen("server error: "));
		return;
	}
	if (len < 8)
		return;
	out[n++] = ':';
	out[n++] = ' ';
	for (i = 0; i < r->len && n + 4 < len && i < 120; i++) {
		unsigned char ch = (unsigned char)r->buf[i];

		out[n++] = (ch < 0x20 || ch == 0x7f) ? ' ' : (char)ch;
	}
	/* Cut at a UTF-8 boundary. */
	while (n > 2 && ((unsigned char)out[n - 1] & 0xc0) == 0x80)
		n--;
	if (n > 2 && ((unsigned char)out[n - 1] & 0xc0) == 0xc0)
		n--;
	out[n] = '\0';
}

/* A transfer ended: classify it. */
static void transfer_done(struct sm_llm *c, struct req *r, CURLcode cc)
{
	long code = 0;
	uint64_t now = sm_clock_ms();
	char excerpt[160], why[SM_LLM_WHY_MAX];
	char content[SM_LLM_CONTENT_MAX];

	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
	r->res.http_status = (int)code;
	if (cc == CURLE_OK && code == 429) {
		long s = retry_after(r->easy);

		if (s < 0)
			s = 5;
		c->hold_until = now + (uint64_t)s * 1000;
		snprintf(c->hold_why, sizeof(c->hold_why),
			 "rate limited by the server (Retry-After %ld s)", s);
	}
	unlink_flight(c, r);
	if (r->too_big || cc == CURLE_FILESIZE_EXCEEDED) {
		note_success(c); /* the server answers; it is the reply */
		fail(c, r, SM_LLM_E_TOO_BIG,
		     "reply larger than %d bytes: refused",
		     SM_LLM_BODY_MAX);
		return;
	}
	if (cc == CURLE_OPERATION_TIMEDOUT) {
		note_failure(c, now);
		fail(c, r, SM_LLM_E_TIMEOUT, "no reply within %d ms",
		     c->timeout_ms);
		return;
	}
	if (cc != CURLE_OK) {
		note_failure(c, now);
		fail(c, r, SM_LLM_E_CONNECT, "%s: %s", c->endpoint,
		     curl_easy_strerror(cc));
		return;
	}
	if (code < 200 || code > 299) {
		body_excerpt(r, excerpt, sizeof(excerpt));
		/* The server refuses json_schema: once with json_object. */
		if ((code == 400 || code == 422) && !r->retried &&
		    !r->schema_fallback && r->buf &&
		    (strstr(r->buf, "response_format") ||
		     strstr(r->buf, "json_schema"))) {
			c->json_object = true;
			r->retried = true;
			if (start_transfer(c, r) == 0)
				return;
		}
		if (code == 429 || code >= 500)
			note_failure(c, now);
		fail(c, r, SM_LLM_E_HTTP, "HTTP %ld%s", code, excerpt);
		return;
	}
	note_success(c);
	if (sm_llm_parse_content(r->buf ? r->buf : "", r->len, content,
				 sizeof(content), why, sizeof(why)) < 0) {
		fail(c, r, SM_LLM_E_REPLY, "%s", why);
		return;
	}
	/* Content lives in the request's buffer from now on. */
	snprintf(r->buf, r->cap, "%s", content);
	r->res.status = SM_LLM_OK;
	r->res.content = r->buf;
	finish(c, r);
}

static void check_done(struct sm_llm *c)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(c->multi, &left))) {
		struct req *r = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &r);
		if (r)
			transfer_done(c, r, m->data.result);
	}
	schedule_kick(c);
}

/* Is sending held?  Then why, in @why. */
static bool held(struct sm_llm *c, uint64_t now, char *why, size_t len)
{
	if (now < c->breaker_until) {
		snprintf(why, len,
			 "circuit breaker open after %d failures in a row "
			 "(%llu s left)",
			 SM_LLM_BREAKER_FAILS,
			 (unsigned long long)(c->breaker_until - now + 999) /
				 1000);
		return true;
	}
	if (now < c->hold_until) {
		snprintf(why, len, "%s (%llu ms left)", c->hold_why,
			 (unsigned long long)(c->hold_until - now));
		return true;
	}
	return false;
}

/* Start what may start, then run the callbacks of what ended. */
static void kick_fired(struct sm_loop *loop, void *data)
{
	struct sm_llm *c = data;
	uint64_t now = sm_clock_ms();

	while (c->queue && c->nflight < c->max_in_flight) {
		struct req *r = c->queue;
		char why[SM_LLM_WHY_MAX];
		int rc;

		c->queue = r->next;
		if (!c->queue)
			c->queue_tail = &c->queue;
		c->nqueue--;
		r->started_ms = sm_clock_ms();
		if (held(c, now, why, sizeof(why))) {
			fail(c, r, SM_LLM_E_HELD, "not asked: %s", why);
			continue;
		}
		rc = start_transfer(c, r);
		if (rc < 0)
			fail(c, r, SM_LLM_E_INTERNAL, "cannot start: %s",
			     strerror(-rc));
	}
	while (c->done) {
		struct req *r = c->done;

		c->done = r->next;
		r->fn(&r->res, r->data);
		req_free(r);
	}
}

static void schedule_kick(struct sm_llm *c)
{
	if (!c->done && !(c->queue && c->nflight < c->max_in_flight))
		return;
	if (c->kick)
		sm_loop_set_timer(c->loop, c->kick, 0);
	else if ((c->kick = sm_loop_add_timer(c->loop, 0, kick_fired, c)) <
		 0)
		c->kick = 0;
}

int sm_llm_send(struct sm_llm *c, const json_t *req, sm_llm_fn fn,
		void *data)
{
	struct req *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->c = c;
	r->fn = fn;
	r->data = data;
	r->body = json_deep_copy(req);
	if (!r->body) {
		free(r);
		return -ENOMEM;
	}
	r->started_ms = sm_clock_ms();
	if (c->nqueue >= SM_LLM_QUEUE_MAX) {
		fail(c, r, SM_LLM_E_BUSY,
		     "not asked: %d requests already waiting",
		     SM_LLM_QUEUE_MAX);
		return 0;
	}
	*c->queue_tail = r;
	c->queue_tail = &r->next;
	c->nqueue++;
	schedule_kick(c);
	return 0;
}

unsigned sm_llm_pending(const struct sm_llm *c)
{
	unsigned n = c->nflight + c->nqueue;

	for (const struct req *r = c->done; r; r = r->next)
		n++;
	return n;
}

/* ---- setup */

static char *endpoint_of(const char *url)
{
	size_t n = strlen(url);
	char *out;

	while (n && url[n - 1] == '/')
		n--;
	if (n >= 17 && !strncmp(url + n - 17, "/chat/completions", 17))
		return strndup(url, n);
	out = malloc(n + sizeof("/v1/chat/completions"));
	if (!out)
		return NULL;
	memcpy(out, url, n);
	if (n >= 3 && !strncmp(url + n - 3, "/v1", 3))
		strcpy(out + n, "/chat/completions");
	else
		strcpy(out + n, "/v1/chat/completions");
	return out;
}

int sm_llm_new(struct sm_loop *loop, const struct sm_llm_opts *o,
	       struct sm_llm **out, char *err, size_t errlen)
{
	struct sm_llm *c = NULL;
	char key[512];
	int rc = -ENOMEM;

	*out = NULL;
	if (!o->url || !*o->url) {
		snprintf(err, errlen, "llm.url: missing");
		return -EINVAL;
	}
	/* Reference-counted and thread-safe since curl 7.84: one per client,
	 * undone by sm_llm_free(). */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "libcurl: cannot initialise");
		return -ENOMEM;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		curl_global_cleanup();
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	c->loop = loop;
	c->queue_tail = &c->queue;
	c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 10000;
	c->max_in_flight = o->max_in_flight > 0 ? (unsigned)o->max_in_flight
						: 1;
	c->endpoint = endpoint_of(o->url);
	c->multi = curl_multi_init();
	if (!c->endpoint || !c->multi)
		goto nomem;
	if (o->api_key_file && *o->api_key_file) {
		rc = sm_config_read_secret(o->api_key_file, key, sizeof(key),
					   err, errlen);
		if (rc < 0)
			goto fail;
		rc = asprintf(&c->auth, "Authorization: Bearer %s", key);
		explicit_bzero(key, sizeof(key));
		if (rc < 0) {
			c->auth = NULL;
			rc = -ENOMEM;
			goto nomem;
		}
	}
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	*out = c;
	return 0;
nomem:
	rc = -ENOMEM;
	snprintf(err, errlen, "out of memory");
fail:
	sm_llm_free(c);
	return rc;
}

void sm_llm_free(struct sm_llm *c)
{
	if (!c)
		return;
	while (c->flight || c->queue) {
		struct req *r = c->flight ? c->flight : c->queue;

		if (r == c->flight)
			unlink_flight(c, r);
		else
			c->queue = r->next;
		r->res.status = SM_LLM_E_CANCELLED;
		snprintf(r->res.why, sizeof(r->res.why), "cancelled");
		r->next = c->done;
		c->done = r;
	}
	while (c->done) {
		struct req *r = c->done;

		c->done = r->next;
		r->fn(&r->res, r->data);
		req_free(r);
	}
	if (c->multi)
		curl_multi_cleanup(c->multi);
	if (c->timer)
		sm_loop_del_timer(c->loop, c->timer);
	if (c->kick)
		sm_loop_del_timer(c->loop, c->kick);
	if (c->auth) {
		explicit_bzero(c->auth, strlen(c->auth));
		free(c->auth);
	}
	free(c->endpoint);
	free(c);
	curl_global_cleanup();
}

/* ---- blocking helper */

struct sync_ctx {
	bool done;		  /* the callback ran */
	struct sm_llm_result *r;  /* where to copy */
	char *content;		  /* its content buffer */
	size_t clen;		  /* its size */
};

static void sync_cb(const struct sm_llm_result *res, void *data)
{
	struct sync_ctx *s = data;

	*s->r = *res;
	s->r->content = NULL;
	if (res->content && s->content && s->clen) {
		snprintf(s->content, s->clen, "%s", res->content);
		s->r->content = s->content;
	}
	s->done = true;
}

int sm_llm_send_sync(const struct sm_llm_opts *o, const json_t *req,
		     struct sm_llm_result *r, char *content, size_t clen)
{
	struct sync_ctx s = {.r = r, .content = content, .clen = clen};
	struct sm_loop *loop = sm_loop_new();
	struct sm_llm *c = NULL;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!loop) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		return -ENOMEM;
	}
	rc = sm_llm_new(loop, o, &c, r->why, sizeof(r->why));
	if (rc < 0)
		goto out;
	rc = sm_llm_send(c, req, sync_cb, &s);
	if (rc < 0) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		goto out;
	}
	while (!s.done && (rc = sm_loop_run_once(loop, 1000)) == 0)
		;
	rc = s.done ? 0 : rc;
out:
	sm_llm_free(c);
	sm_loop_free(loop);
	return rc;
}
