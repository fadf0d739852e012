/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * llm-request.c - the client's clarify request and its reading of the
 * reply, for tests/llama/protocol.sh (`smsmatch llm test` covers interpret
 * only):
 *
 *   llm-request clarify MODEL QUESTION   the request body, on stdout
 *   llm-request draft FILE               FILE is a chat completion body:
 *                                        {"draft": ..., "one_sms": bool}
 *                                        or {"error": reason}
 *
 * Exit 0 when something was printed, 1 on a usage or I/O error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "smsmatch/llm.h"

#define BODY_MAX (SM_LLM_BODY_MAX + 1)

/* A campaign's facts; no personal data, as in the daemon. */
static const struct sm_llm_facts facts = {
	.trade = "Agent de propreté",
	.start_date = "2026-05-04",
	.end_date = "2026-07-03",
	.place = "Thionville",
	.prerequisites = "aucun",
	.aids = {"Aide à la garde d'enfants", "Covoiturage de la Région",
		 NULL},
};

static int clarify(const char *model, const char *question)
{
	json_t *req = sm_llm_request_clarify(model, &facts, question);
	char *s;

	if (!req) {
		fputs("llm-request: no request\n", stderr);
		return 1;
	}
	s = json_dumps(req, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(req);
	if (!s)
		return 1;
	puts(s);
	free(s);
	return 0;
}

static int draft(const char *path)
{
	char content[SM_LLM_CONTENT_MAX], why[SM_LLM_WHY_MAX];
	struct sm_llm_draft d;
	FILE *f = fopen(path, "rb");
	char *body;
	size_t n;
	json_t *o;

	if (!f) {
		perror(path);
		return 1;
	}
	body = malloc(BODY_MAX);
	n = body ? fread(body, 1, BODY_MAX, f) : 0;
	fclose(f);
	if (!body)
		return 1;
	if (sm_llm_parse_content(body, n, content, sizeof(content), why,
				 sizeof(why)) < 0 ||
	    sm_llm_parse_draft(content, &d, why, sizeof(why)) < 0)
		o = json_pack("{s:s}", "error", why);
	else
		o = json_pack("{s:{s:b, s:s}, s:b}", "draft", "known", d.known,
			      "answer", d.answer, "one_sms",
			      sm_llm_one_gsm7_segment(d.answer));
	free(body);
	if (!o)
		return 1;
	body = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!body)
		return 1;
	puts(body);
	free(body);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "clarify"))
		return clarify(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "draft"))
		return draft(argv[2]);
	fputs("usage: llm-request clarify MODEL QUESTION | draft FILE\n",
	      stderr);
	return 2;
}
