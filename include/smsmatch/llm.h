/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * llm.h - the optional language model: an OpenAI/Mistral-compatible
 * chat completions client (src/llm.c, the only file that sees libcurl)
 * and the pure prompt, schema and reply helpers (src/llm_prompt.c).
 *
 * The client is asynchronous: libcurl's multi interface driven by the
 * project's event loop (sockets become loop watches, curl's timer a loop
 * timer), so a slow or dead server never delays the modems.  It sends only
 * the common subset of the API (model, messages, temperature, max_tokens,
 * response_format) to {url}/v1/chat/completions with a bearer key, bounds
 * what is in flight and queued, honours Retry-After on 429, backs off on
 * 5xx and opens a circuit breaker after repeated failures.  Every request
 * ends with exactly one callback, carrying either the reply's content or
 * an error in plain words.
 *
 * The model is never in charge: the helpers below accept only the
 * categories a question defines, validate the confidence themselves, and
 * build prompts from the question, the (masked) answer and the campaign's
 * facts only.
 */
#ifndef SMSMATCH_LLM_H
#define SMSMATCH_LLM_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "smsmatch/understand.h"

struct sm_loop;
struct sm_llm;

#define SM_LLM_BODY_MAX	    (1024 * 1024) /* larger replies are errors */
#define SM_LLM_QUEUE_MAX    64		  /* requests waiting beyond
					   * max_in_flight */
#define SM_LLM_BREAKER_FAILS 5		  /* consecutive failures that open
					   * the breaker */
#define SM_LLM_BREAKER_MS   60000	  /* how long it stays open */
#define SM_LLM_BACKOFF_MAX_MS 30000	  /* longest 5xx backoff */
#define SM_LLM_RETRY_AFTER_MAX_S 600	  /* longest Retry-After honoured */
#define SM_LLM_WHY_MAX	    200		  /* an error in plain words */
#define SM_LLM_CONTENT_MAX  4096	  /* a reply's content, bytes */

/* What the client needs; strings are copied by sm_llm_new(). */
struct sm_llm_opts {
	const char *url;	  /* http(s)://host[:port][/prefix]: the
				   * client posts to URL/v1/chat/completions
				   * (or to URL itself when it already ends
				   * in /chat/completions) */
	const char *api_key_file; /* a 0600 file, or NULL/"" for none */
	int timeout_ms;		  /* per request, connection included */
	int max_in_flight;	  /* requests on the wire at once, >= 1 */
};

/* How a request ended. */
enum sm_llm_status {
	SM_LLM_OK,	  /* HTTP 2xx with a content (still to validate) */
	SM_LLM_E_CONNECT, /* connection refused, DNS, TLS */
	SM_LLM_E_TIMEOUT, /* no complete reply within timeout_ms */
	SM_LLM_E_HTTP,	  /* an HTTP error status (http_status says) */
	SM_LLM_E_TOO_BIG, /* reply body over SM_LLM_BODY_MAX */
	SM_LLM_E_REPLY,	  /* 2xx but not a chat completion */
	SM_LLM_E_HELD,	  /* not sent: Retry-After / backoff / breaker */
	SM_LLM_E_BUSY,	  /* not sent: the queue is full */
	SM_LLM_E_CANCELLED, /* the client was freed first */
	SM_LLM_E_INTERNAL,  /* out of memory, curl setup */
};

/* The outcome of one request, borrowed during the callback. */
struct sm_llm_result {
	enum sm_llm_status status;
	int http_status;	  /* 0 when no HTTP reply */
	long latency_ms;	  /* from sending to the end */
	const char *content;	  /* OK: choices[0].message.content */
	char why[SM_LLM_WHY_MAX]; /* not OK: what went wrong, in words */
	bool schema_fallback;	  /* the server refused json_schema: this
				   * went out with json_object */
};

typedef void (*sm_llm_fn)(const struct sm_llm_result *r, void *data);

/*
 * A client on @loop.  Reads the key file (must be mode 0600, else an error
 * naming the file).  Returns 0 and *@out, or a negative errno with a
 * message in @err.
 */
int sm_llm_new(struct sm_loop *loop, const struct sm_llm_opts *o,
	       struct sm_llm **out, char *err, size_t errlen);

/*
 * Free @c: requests in flight or queued end with SM_LLM_E_CANCELLED (their
 * callbacks run inside this call).  Not from inside a callback.  NULL ok.
 */
void sm_llm_free(struct sm_llm *c);

/*
 * Send the chat completion request @req (an object as built by
 * sm_llm_request_*(); borrowed, copied).  @fn is called exactly once,
 * always from the loop (never from inside this call), with the outcome.
 * Returns 0; or -ENOMEM (then @fn is not called).
 */
int sm_llm_send(struct sm_llm *c, const json_t *req, sm_llm_fn fn,
		void *data);

/* Requests in flight plus queued (for tests and the daemon's stop). */
unsigned sm_llm_pending(const struct sm_llm *c);

/*
 * Blocking convenience for the CLI: a private loop, one request, wait for
 * its end.  Fills @r (content copied into @content of @clen bytes).
 * Returns 0 (look at r->status) or a negative errno from sm_llm_new() with
 * the message in r->why.
 */
int sm_llm_send_sync(const struct sm_llm_opts *o, const json_t *req,
		     struct sm_llm_result *r, char *content, size_t clen);

/* "ok", "connection", "timeout", "http", "too big", ... */
const char *sm_llm_status_name(enum sm_llm_status s);

/* ---- prompts, schemas, replies (src/llm_prompt.c: pure, no I/O) */

/* The campaign's facts: what a prompt may say besides the question and
 * the answer.  Any field may be NULL or "". */
struct sm_llm_facts {
	const char *trade;	   /* the training */
	const char *start_date;	   /* "2026-03-02" */
	const char *end_date;	   /* "2026-06-26" */
	const char *place;	   /* "Metz" */
	const char *prerequisites; /* one per line */
	const char *aids[8];	   /* the region's aids, as the script
				    * words them, NULL-ended */
};

/* A question the model interprets (yesno or choice). */
struct sm_llm_question {
	const char *text;	       /* the question as sent, without
					* personal data */
	enum sm_answer_kind kind;      /* SM_ANSWER_YESNO or _CHOICE */
	const char *criterion;	       /* "transport" */
	const char *categories[SM_CHOICES_MAX + 1]; /* NULL-ended: "yes",
						     * "no" or the choices */
};

#define SM_LLM_CATEGORY_UNCLEAR "unclear"

/* A verdict the client accepted (categories of the question only). */
struct sm_llm_verdict {
	char category[SM_VALUE_MAX]; /* one of the question's, or "unclear" */
	double confidence;	     /* 0..1 */
	struct sm_finding also[SM_ALSO_MAX]; /* other criteria, standard
					      * values only */
	size_t nalso;
};

/* A drafted answer to a candidate's question. */
struct sm_llm_draft {
	bool known;	     /* the facts answer it */
	char answer[480];    /* the draft, UTF-8, trimmed */
};

/*
 * Copy @in into @out (@len bytes, always NUL-terminated, cut at a UTF-8
 * boundary): runs of digits with at least 4 digits (spaces, dots, dashes
 * and slashes between digits included, a leading '+' too) become "[nombre]",
 * words holding an '@' become "[email]".  Returns the number of masks.
 */
int sm_llm_mask(const char *in, char *out, size_t len);

/*
 * Copy @in into @out (@len bytes, always NUL-terminated) with every
 * occurrence of each of @secrets (NULL-ended; ASCII case-insensitive;
 * entries shorter than 3 bytes ignored) replaced by "[...]": the
 * candidate's own name or identifier typed in an answer.  Returns the
 * number of masks.
 */
int sm_llm_mask_secrets(const char *in, const char *const *secrets,
			char *out, size_t len);

/*
 * A request asking to interpret @answer (masked here) to @q, with @facts.
 * Returns a new object (the caller json_decref()s it) or NULL on a bad
 * @q (no categories) or out of memory.
 */
json_t *sm_llm_request_interpret(const char *model,
				 const struct sm_llm_facts *facts,
				 const struct sm_llm_question *q,
				 const char *answer);

/*
 * A request asking to draft a one-SMS answer to the candidate's question
 * @asked (masked here), grounded only in @facts.
 */
json_t *sm_llm_request_clarify(const char *model,
			       const struct sm_llm_facts *facts,
			       const char *asked);

/*
 * The content of a chat completion body (@body, @len bytes; not
 * necessarily NUL-terminated): choices[0].message.content as a string or
 * an array of text chunks, joined, into @out (@outlen bytes).  Returns 0;
 * -EPROTO with the reason in @why: an error body ({"object":"error",
 * "message":...} or {"error":{"message":...}}; its message quoted),
 * invalid JSON, no choices, no content, content too long.
 */
int sm_llm_parse_content(const char *body, size_t len, char *out,
			 size_t outlen, char *why, size_t whylen);

/*
 * Read the model's @content as a verdict for @q.  Returns 0 with @out
 * filled; -EPROTO with the reason in @why: not JSON, not an object, no or
 * unknown category (the question's categories and "unclear" only),
 * confidence missing or outside 0..1.  "also" entries that are not
 * standard criteria with standard values, or that name @q's criterion,
 * are dropped silently.
 */
int sm_llm_parse_verdict(const char *content, const struct sm_llm_question *q,
			 struct sm_llm_verdict *out, char *why, size_t whylen);

/*
 * Read the model's @content as a draft.  Returns 0 with @out filled, or
 * -EPROTO with the reason in @why.
 */
int sm_llm_parse_draft(const char *content, struct sm_llm_draft *out,
		       char *why, size_t whylen);

/*
 * True when @text fits one SMS in the GSM 7-bit alphabet as it is (no
 * transliteration, no UCS-2).
 */
bool sm_llm_one_gsm7_segment(const char *text);

#endif
