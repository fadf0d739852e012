/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * llm_prompt.c - what is said to the language model and how its replies
 * are read: prompts, JSON schemas, masking, reply and verdict parsing.
 * Pure (no I/O, no clock), so it is unit-tested and fuzzed.
 *
 * Privacy: a prompt is built from three things only: the question (as the
 * caller renders it, without personal data), the candidate's answer with
 * digit runs and e-mail addresses masked, and the campaign's facts.
 *
 * Schemas are written for llama.cpp's JSON-schema grammar as much as for
 * vLLM and Mistral: closed objects (additionalProperties false, every
 * property listed), the category as an enum, and every field bounded in a
 * way the grammar enforces.  The grammar ignores minimum/maximum on a
 * "number" (a random model answered confidence 8.9), so the confidence is
 * an enum of the tenths 0, 0.1 ... 1 (still checked here).  An open
 * "also": {"type": "object"} lets small models ramble until max_tokens,
 * so "also" lists the standard criteria and their values.
 * tests/llama/protocol.sh checks all this against a real llama-server.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smsmatch/llm.h"
#include "smsmatch/pdu.h"
#include "smsmatch/text.h"

#define PROMPT_ANSWER_MAX 1000 /* answer bytes sent, masked */
#define FACTS_MAX	  2048 /* the facts block */

static void whyf(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void whyf(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

/* ---- masking */

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Append @n bytes of @s to @out (@len) at *@at, cut at a UTF-8 boundary
 * when it does not fit; false once full. */
static bool put(char *out, size_t len, size_t *at, const char *s, size_t n)
{
	bool full = false;

	if (*at + n + 1 > len) {
		n = len - 1 - *at;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		full = true;
	}
	memcpy(out + *at, s, n);
	*at += n;
	out[*at] = '\0';
	return !full;
}

/* Length of the digit run at @p (separators between digits included)
 * and its number of digits in *@digits. */
static size_t digit_run(const char *p, unsigned *digits)
{
	size_t i = 0;

	*digits = 0;
	if (p[0] == '+' && is_digit(p[1]))
		i = 1;
	while (p[i]) {
		if (is_digit(p[i])) {
			(*digits)++;
			i++;
		} else if ((p[i] == ' ' || p[i] == '.' || p[i] == '-' ||
			    p[i] == '/') &&
			   is_digit(p[i + 1]) && i > 0 && is_digit(p[i - 1])) {
			i++;
		} else {
			break;
		}
	}
	return i;
}

int sm_llm_mask(const char *in, char *out, size_t len)
{
	size_t at = 0;
	int masks = 0;
	const char *p = in;

	if (!len)
		return 0;
	out[0] = '\0';
	while (*p) {
		const char *w = p;
		size_t wl = 0;
		unsigned digits;
		size_t n;

		/* A word with an '@': an address. */
		if (!is_space(*p)) {
			while (w[wl] && !is_space(w[wl]))
				wl++;
			if (memchr(w, '@', wl)) {
				masks++;
				if (!put(out, len, &at, "[email]", 7))
					break;
				p += wl;
				continue;
			}
		}
		if (is_digit(*p) || (*p == '+' && is_digit(p[1]))) {
			n = digit_run(p, &digits);
			if (digits >= 4) {
				masks++;
				if (!put(out, len, &at, "[nombre]", 8))
					break;
			} else if (!put(out, len, &at, p, n)) {
				break;
			}
			p += n;
			continue;
		}
		/* Copy up to the next space, digit or '+'. */
		n = 1;
		while (!is_space(*p) && p[n] && !is_digit(p[n]) &&
		       p[n] != '+' && !is_space(p[n]))
			n++;
		if (!put(out, len, &at, p, n))
			break;
		p += n;
	}
	return masks;
}

int sm_llm_mask_secrets(const char *in, const char *const *secrets,
			char *out, size_t len)
{
	size_t at = 0;
	int masks = 0;
	const char *p = in;

	if (!len)
		return 0;
	out[0] = '\0';
	while (*p) {
		size_t hit = 0;

		for (size_t i = 0; secrets && secrets[i]; i++) {
			size_t n = strlen(secrets[i]);

			if (n >= 3 && n > hit && !strncasecmp(p, secrets[i], n))
				hit = n;
		}
		if (hit) {
			masks++;
			if (!put(out, len, &at, "[...]", 5))
				break;
			p += hit;
		} else {
			if (!put(out, len, &at, p, 1))
				break;
			p++;
		}
	}
	/* A cut in the middle of a character: drop its lead bytes. */
	while (at && ((unsigned char)out[at - 1] & 0xc0) == 0xc0)
		out[--at] = '\0';
	return masks;
}

/* ---- prompts */

static void facts_text(const struct sm_llm_facts *f, char *out, size_t len)
{
	size_t at = 0;
	char line[512];

	out[0] = '\0';
	if (!f)
		return;
#define FACT(label, v)                                                       \
	do {                                                                 \
		if ((v) && *(v)) {                                           \
			snprintf(line, sizeof(line), "%s : %s\n", label, v);  \
			put(out, len, &at, line, strlen(line));              \
		}                                                            \
	} while (0)
	FACT("Formation", f->trade);
	FACT("Début", f->start_date);
	FACT("Fin", f->end_date);
	FACT("Lieu", f->place);
	FACT("Prérequis", f->prerequisites);
	for (size_t i = 0; i < sizeof(f->aids) / sizeof(f->aids[0]) &&
			   f->aids[i];
	     i++)
		FACT("Aide de la région", f->aids[i]);
#undef FACT
}

static json_t *message(const char *role, const char *content)
{
	return json_pack("{s:s, s:s}", "role", role, "content", content);
}

static json_t *request(const char *model, const char *system,
		       const char *user, json_t *schema, const char *name,
		       int max_tokens)
{
	json_t *req;

	if (!schema)
		return NULL;
	req = json_pack("{s:s, s:[o,o], s:f, s:i, s:{s:s, s:{s:s, s:b, s:o}}}",
			"model", model ? model : "", "messages",
			message("system", system), message("user", user),
			"temperature", 0.0, "max_tokens", max_tokens,
			"response_format", "type", "json_schema",
			"json_schema", "name", name, "strict", 1, "schema",
			schema);
	return req;
}

static json_t *string_enum(const char *const *values)
{
	json_t *e = json_array();

	for (size_t i = 0; values && values[i]; i++)
		json_array_append_new(e, json_string(values[i]));
	return json_pack("{s:s, s:o}", "type", "string", "enum", e);
}

/* The confidence: a number in 0..1 a grammar can enforce (tenths). */
static json_t *confidence_schema(void)
{
	json_t *e = json_array();

	for (int i = 0; i <= 10; i++)
		json_array_append_new(e, json_real(i / 10.0));
	return json_pack("{s:s, s:o}", "type", "number", "enum", e);
}

/* The verdict schema of @q. */
static json_t *verdict_schema(const struct sm_llm_question *q)
{
	const char *cats[SM_CHOICES_MAX + 2];
	const char *const *crit = sm_understand_criteria();
	json_t *also = json_object();
	size_t n = 0;

	for (; n < SM_CHOICES_MAX && q->categories[n]; n++)
		cats[n] = q->categories[n];
	cats[n++] = SM_LLM_CATEGORY_UNCLEAR;
	cats[n] = NULL;
	for (size_t i = 0; crit && crit[i]; i++) {
		const char *const *v = sm_understand_values(crit[i]);

		if (!v || (q->criterion && !strcmp(crit[i], q->criterion)))
			continue;
		json_object_set_new(also, crit[i], string_enum(v));
	}
	return json_pack("{s:s, s:{s:o, s:o, s:{s:s, s:o, s:b}}, "
			 "s:[s,s,s], s:b}",
			 "type", "object", "properties", "category",
			 string_enum(cats), "confidence", confidence_schema(),
			 "also", "type", "object", "properties", also,
			 "additionalProperties", 0, "required", "category",
			 "confidence", "also", "additionalProperties", 0);
}

json_t *sm_llm_request_interpret(const char *model,
				 const struct sm_llm_facts *facts,
				 const struct sm_llm_question *q,
				 const char *answer)
{
	char masked[PROMPT_ANSWER_MAX + 1], ftext[FACTS_MAX], cats[512];
	char *system = NULL, *user = NULL;
	json_t *req = NULL;
	size_t at = 0;

	if (!q || !q->categories[0] ||
	    (q->kind != SM_ANSWER_YESNO && q->kind != SM_ANSWER_CHOICE))
		return NULL;
	cats[0] = '\0';
	for (size_t i = 0; i < SM_CHOICES_MAX && q->categories[i]; i++) {
		put(cats, sizeof(cats), &at, "\"", 1);
		put(cats, sizeof(cats), &at, q->categories[i],
		    strlen(q->categories[i]));
		put(cats, sizeof(cats), &at, "\", ", 3);
	}
	sm_llm_mask(answer ? answer : "", masked, sizeof(masked));
	facts_text(facts, ftext, sizeof(ftext));
	if (asprintf(&system,
		     "Tu aides une agence pour l'emploi a lire les reponses "
		     "SMS de demandeurs d'emploi a une question sur une "
		     "formation. Reponds uniquement par un objet JSON "
		     "{\"category\": ..., \"confidence\": ..., \"also\": "
		     "{...}}. category : une de %s\"%s\" (quand la reponse "
		     "ne permet pas de trancher). confidence : 0, 0.1, "
		     "0.2 ... 0.9 ou 1. also : ce que la reponse dit clairement "
		     "d'autres criteres, avec les valeurs permises, sinon "
		     "{}. Ne devine pas.",
		     cats, SM_LLM_CATEGORY_UNCLEAR) < 0)
		system = NULL;
	if (asprintf(&user,
		     "%s\nQuestion envoyee : %s\nCritere : %s\n"
		     "Reponse du candidat : %s",
		     ftext, q->text ? q->text : "",
		     q->criterion ? q->criterion : "", masked) < 0)
		user = NULL;
	if (system && user)
		req = request(model, system, user, verdict_schema(q),
			      "verdict", 200);
	free(system);
	free(user);
	return req;
}

json_t *sm_llm_request_clarify(const char *model,
			       const struct sm_llm_facts *facts,
			       const char *asked)
{
	char masked[PROMPT_ANSWER_MAX + 1], ftext[FACTS_MAX];
	char *user = NULL;
	json_t *req = NULL, *schema;

	sm_llm_mask(asked ? asked : "", masked, sizeof(masked));
	facts_text(facts, ftext, sizeof(ftext));
	if (asprintf(&user, "%s\nQuestion du candidat : %s", ftext, masked) <
	    0)
		return NULL;
	schema = json_pack("{s:s, s:{s:{s:s}, s:{s:s, s:i}}, s:[s,s], s:b}",
			   "type", "object", "properties", "known", "type",
			   "boolean", "answer", "type", "string", "maxLength",
			   150, "required", "known", "answer",
			   "additionalProperties", 0);
	req = request(
		model,
		"Tu reponds pour une agence pour l'emploi a la question d'un "
		"candidat sur une formation, en francais, en une phrase de "
		"moins de 150 caracteres, sans emoji, uniquement a partir des "
		"faits donnes. Si les faits ne permettent pas de repondre, "
		"mets known a false et answer a \"\". Reponds uniquement par "
		"un objet JSON {\"known\": true|false, \"answer\": \"...\"}.",
		user, schema, "draft", 120);
	free(user);
	return req;
}

/* ---- replies */

/* The message of an error body, or NULL. */
static const char *error_message(json_t *root)
{
	json_t *e = json_object_get(root, "error");
	const char *obj = json_string_value(json_object_get(root, "object"));
	json_t *m;

	if (obj && !strcmp(obj, "error")) {
		m = json_object_get(root, "message");
		if (json_is_string(m))
			return json_string_value(m);
		/* Mistral: "message" may be an object of details. */
		return "error";
	}
	if (json_is_object(e)) {
		m = json_object_get(e, "message");
		return json_is_string(m) ? json_string_value(m) : "error";
	}
	if (json_is_string(e))
		return json_string_value(e);
	return NULL;
}

int sm_llm_parse_content(const char *body, size_t len, char *out,
			 size_t outlen, char *why, size_t whylen)
{
	json_error_t jerr;
	json_t *root, *choices, *msg, *content;
	const char *emsg;
	size_t at = 0;
	int rc = -EPROTO;

	if (outlen)
		out[0] = '\0';
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		whyf(why, whylen, "reply is not JSON (%s, at byte %d)",
		     jerr.text, jerr.position);
		return -EPROTO;
	}
	if (!json_is_object(root)) {
		whyf(why, whylen, "reply is not a JSON object");
		goto out;
	}
	if ((emsg = error_message(root))) {
		whyf(why, whylen, "server error: %.150s", emsg);
		goto out;
	}
	choices = json_object_get(root, "choices");
	if (!json_is_array(choices) || !json_array_size(choices)) {
		whyf(why, whylen, "reply has no choices");
		goto out;
	}
	msg = json_object_get(json_array_get(choices, 0), "message");
	content = json_object_get(msg, "content");
	if (json_is_string(content)) {
		if (json_string_length(content) + 1 > outlen) {
			whyf(why, whylen, "content longer than %zu bytes",
			     outlen ? outlen - 1 : 0);
			goto out;
		}
		memcpy(out, json_string_value(content),
		       json_string_length(content));
		out[json_string_length(content)] = '\0';
	} else if (json_is_array(content)) {
		size_t i;
		json_t *chunk;

		json_array_foreach(content, i, chunk)
		{
			json_t *t = json_object_get(chunk, "text");
			const char *type = json_string_value(
				json_object_get(chunk, "type"));

			if (type && strcmp(type, "text"))
				continue;
			if (!json_is_string(t))
				continue;
			if (at + json_string_length(t) + 1 > outlen) {
				whyf(why, whylen,
				     "content longer than %zu bytes",
				     outlen ? outlen - 1 : 0);
				goto out;
			}
			memcpy(out + at, json_string_value(t),
			       json_string_length(t));
			at += json_string_length(t);
			out[at] = '\0';
		}
		if (!at) {
			whyf(why, whylen, "reply content has no text");
			goto out;
		}
	} else {
		whyf(why, whylen, "reply has no message content");
		goto out;
	}
	if ((at ? at : json_string_length(content)) != strlen(out) ||
	    !sm_text_utf8_valid(out, strlen(out))) {
		whyf(why, whylen, "reply content is not text");
		goto out;
	}
	rc = 0;
out:
	json_decref(root);
	if (rc && outlen)
		out[0] = '\0';
	return rc;
}

/* @content as a JSON object; tolerates ```json fences around it. */
static json_t *content_object(const char *content, char *why, size_t whylen)
{
	const char *s = content, *e;
	json_error_t jerr;
	json_t *o;

	while (is_space(*s))
		s++;
	if (!strncmp(s, "```", 3)) {
		s += 3;
		while (*s && *s != '\n' && *s != '{')
			s++;
	}
	e = s + strlen(s);
	while (e > s && (is_space(e[-1]) || e[-1] == '`'))
		e--;
	o = json_loadb(s, (size_t)(e - s), JSON_REJECT_DUPLICATES, &jerr);
	if (!o) {
		whyf(why, whylen, "model reply is not JSON (%s)", jerr.text);
		return NULL;
	}
	if (!json_is_object(o)) {
		whyf(why, whylen, "model reply is not a JSON object");
		json_decref(o);
		return NULL;
	}
	return o;
}

static bool in_list(const char *v, const char *const *list, size_t max)
{
	for (size_t i = 0; i < max && list && list[i]; i++)
		if (!strcmp(v, list[i]))
			return true;
	return false;
}

int sm_llm_parse_verdict(const char *content, const struct sm_llm_question *q,
			 struct sm_llm_verdict *out, char *why, size_t whylen)
{
	json_t *o, *cat, *conf, *also, *v;
	const char *key;
	int rc = -EPROTO;
	double p;

	memset(out, 0, sizeof(*out));
	o = content_object(content, why, whylen);
	if (!o)
		return -EPROTO;
	cat = json_object_get(o, "category");
	if (!json_is_string(cat)) {
		whyf(why, whylen, "model reply has no category");
		goto out;
	}
	if (strcmp(json_string_value(cat), SM_LLM_CATEGORY_UNCLEAR) &&
	    !in_list(json_string_value(cat), q->categories, SM_CHOICES_MAX)) {
		whyf(why, whylen,
		     "model answered category '%.48s', which the question "
		     "does not have",
		     json_string_value(cat));
		goto out;
	}
	conf = json_object_get(o, "confidence");
	if (!json_is_number(conf)) {
		whyf(why, whylen, "model reply has no confidence");
		goto out;
	}
	p = json_number_value(conf);
	if (!isfinite(p) || p < 0 || p > 1) {
		whyf(why, whylen, "model confidence %g is outside 0..1", p);
		goto out;
	}
	snprintf(out->category, sizeof(out->category), "%s",
		 json_string_value(cat));
	out->confidence = p;
	also = json_object_get(o, "also");
	if (json_is_object(also))
		json_object_foreach(also, key, v)
		{
			const char *const *vals = sm_understand_values(key);
			struct sm_finding *f;

			if (out->nalso >= SM_ALSO_MAX)
				break;
			if (!vals || !json_is_string(v) ||
			    (q->criterion && !strcmp(key, q->criterion)) ||
			    !in_list(json_string_value(v), vals, 16))
				continue;
			f = &out->also[out->nalso++];
			snprintf(f->criterion, sizeof(f->criterion), "%s",
				 key);
			snprintf(f->value, sizeof(f->value), "%s",
				 json_string_value(v));
			f->confidence = p;
		}
	rc = 0;
out:
	json_decref(o);
	return rc;
}

int sm_llm_parse_draft(const char *content, struct sm_llm_draft *out,
		       char *why, size_t whylen)
{
	json_t *o, *known, *answer;
	const char *s;
	size_t n;
	int rc = -EPROTO;

	memset(out, 0, sizeof(*out));
	o = content_object(content, why, whylen);
	if (!o)
		return -EPROTO;
	known = json_object_get(o, "known");
	answer = json_object_get(o, "answer");
	if (!json_is_boolean(known) || !json_is_string(answer)) {
		whyf(why, whylen, "model reply lacks known/answer");
		goto out;
	}
	s = json_string_value(answer);
	while (is_space(*s))
		s++;
	n = strlen(s);
	while (n && is_space(s[n - 1]))
		n--;
	if (n >= sizeof(out->answer)) {
		whyf(why, whylen, "model answer longer than %zu bytes",
		     sizeof(out->answer) - 1);
		goto out;
	}
	memcpy(out->answer, s, n);
	out->answer[n] = '\0';
	out->known = json_is_true(known) && n > 0;
	rc = 0;
out:
	json_decref(o);
	return rc;
}

bool sm_llm_one_gsm7_segment(const char *text)
{
	unsigned parts = 0, units = 0;
	enum sm_pdu_coding coding;

	if (!text || !*text ||
	    sm_pdu_measure(text, SM_TEXT_AUTO, &parts, &coding, &units) < 0)
		return false;
	return parts == 1 && coding == SM_CODING_GSM7;
}
