/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * llm.c - `smsmatch llm test`: one sample interpret request to the
 * configured language model, with the verdict, the latency and any error
 * in plain words.  Exit 0 on a verdict the daemon would use, 1 on a
 * fallback (the daemon would re-ask the question) or a failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "smsmatch/config.h"
#include "smsmatch/llm.h"

#define LLM_SAMPLE_ANSWER "ouais ca m'interesse grave, mais g pas de voiture"

static void llm_usage(FILE *out)
{
	fputs("Usage: smsmatch [-c FILE] llm test [--json] [--answer TEXT]\n"
	      "\n"
	      "Send one sample request to the language model of the "
	      "configuration\n"
	      "(llm.url, llm.model, llm.api_key_file, llm.timeout_ms): the "
	      "question\n"
	      "\"are you interested?\" and a sample answer.  Prints the "
	      "verdict, the\n"
	      "latency and any error.  Exit 0 on a verdict, 1 on a failure "
	      "or a\n"
	      "reply the daemon would not use.\n"
	      "\n"
	      "  --json         {http_status, latency_ms, content, verdict "
	      "or error}\n"
	      "  --answer TEXT  the candidate's answer to send instead of "
	      "the sample\n",
	      out);
}

/* The sample question and campaign (no personal data, as in the daemon). */
static const struct sm_llm_facts sample_facts = {
	.trade = "Cariste (CACES R489)",
	.start_date = "2026-03-02",
	.end_date = "2026-04-10",
	.place = "Metz",
	.prerequisites = "permis B conseillé",
	.aids = {"Aide au transport : la Région rembourse les trajets en TER",
		 NULL},
};

static const struct sm_llm_question sample_question = {
	.text = "Bonjour [prénom], la formation Cariste commence le "
		"2026-03-02 à Metz. Êtes-vous intéressé(e) ? Répondez OUI "
		"ou NON.",
	.kind = SM_ANSWER_YESNO,
	.criterion = "interest",
	.categories = {"yes", "no", "maybe", NULL},
};

static void print_json(const struct sm_llm_result *r, const char *content,
		       const struct sm_llm_verdict *v, const char *error)
{
	json_t *o = json_object(), *also;
	char *s;

	json_object_set_new(o, "http_status", json_integer(r->http_status));
	json_object_set_new(o, "latency_ms", json_integer(r->latency_ms));
	json_object_set_new(o, "content",
			    content ? json_string(content) : json_null());
	json_object_set_new(o, "response_format",
			    json_string(r->schema_fallback ? "json_object"
							   : "json_schema"));
	if (v) {
		also = json_object();
		for (size_t i = 0; i < v->nalso; i++)
			json_object_set_new(also, v->also[i].criterion,
					    json_string(v->also[i].value));
		json_object_set_new(o, "verdict",
				    json_pack("{s:s, s:f, s:o}", "category",
					      v->category, "confidence",
					      v->confidence, "also", also));
	} else {
		json_object_set_new(o, "error", json_string(error));
	}
	s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
			       JSON_REAL_PRECISION(6));
	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(o);
}

static int llm_test(int argc, char **argv, const struct sm_cli_globals *g)
{
	const char *path =
		g->config_path ? g->config_path : SM_CONFIG_DEFAULT_PATH;
	const char *answer = LLM_SAMPLE_ANSWER;
	struct sm_config cfg;
	struct sm_llm_opts o = {0};
	struct sm_llm_result r;
	struct sm_llm_verdict v;
	char err[512], content[SM_LLM_CONTENT_MAX], why[SM_LLM_WHY_MAX];
	bool json = false, ok = false;
	json_t *req;
	int rc;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--answer") && i + 1 < argc) {
			answer = argv[++i];
		} else {
			fprintf(stderr,
				"smsmatch: llm test: unknown argument '%s'\n",
				argv[i]);
			llm_usage(stderr);
			return SM_EXIT_USAGE;
		}
	}
	if (sm_config_load(path, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "smsmatch: llm test: %s\n", err);
		return SM_EXIT_ERROR;
	}
	if (!cfg.llm.url[0] || !cfg.llm.model[0]) {
		fprintf(stderr,
			"smsmatch: llm test: %s: llm.url and llm.model must "
			"be set\n",
			path);
		return SM_EXIT_ERROR;
	}
	o.url = cfg.llm.url;
	o.api_key_file = cfg.llm.api_key_file;
	o.timeout_ms = cfg.llm.timeout_ms;
	o.max_in_flight = 1;
	req = sm_llm_request_interpret(cfg.llm.model, &sample_facts,
				       &sample_question, answer);
	if (!req) {
		fprintf(stderr, "smsmatch: llm test: out of memory\n");
		return SM_EXIT_ERROR;
	}
	rc = sm_llm_send_sync(&o, req, &r, content, sizeof(content));
	json_decref(req);
	if (rc < 0) {
		if (json)
			print_json(&r, NULL, NULL, r.why);
		else
			fprintf(stderr, "smsmatch: llm test: %s\n", r.why);
		return SM_EXIT_ERROR;
	}
	if (r.status == SM_LLM_OK) {
		ok = sm_llm_parse_verdict(content, &sample_question, &v, why,
					  sizeof(why)) == 0;
		if (ok && !strcmp(v.category, SM_LLM_CATEGORY_UNCLEAR)) {
			ok = false;
			snprintf(why, sizeof(why),
				 "the model found the answer unclear");
		}
	} else {
		snprintf(why, sizeof(why), "%s", r.why);
	}
	if (json) {
		print_json(&r, r.status == SM_LLM_OK ? content : NULL,
			   ok ? &v : NULL, why);
		return ok ? SM_EXIT_OK : SM_EXIT_ERROR;
	}
	printf("server:    %s (model %s)\n", cfg.llm.url, cfg.llm.model);
	printf("answer:    %s\n", answer);
	if (r.http_status)
		printf("HTTP:      %d%s\n", r.http_status,
		       r.schema_fallback ? " (json_schema refused: "
					   "json_object used)"
					 : "");
	printf("latency:   %ld ms\n", r.latency_ms);
	if (r.status == SM_LLM_OK)
		printf("content:   %s\n", content);
	if (ok) {
		printf("verdict:   %s (confidence %.2f)\n", v.category,
		       v.confidence);
		for (size_t i = 0; i < v.nalso; i++)
			printf("also:      %s = %s\n", v.also[i].criterion,
			       v.also[i].value);
		if (!cfg.llm.enabled)
			printf("note:      llm.enabled is false in %s: "
			       "smsmatchd does not ask it\n",
			       path);
		return SM_EXIT_OK;
	}
	printf("fallback:  %s\n", why);
	printf("           (smsmatchd would use the rules and re-ask the "
	       "question)\n");
	return SM_EXIT_ERROR;
}

int sm_cli_llm(int argc, char **argv, const struct sm_cli_globals *g)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		llm_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? SM_EXIT_USAGE : SM_EXIT_OK;
	}
	if (!strcmp(argv[1], "test")) {
		for (int i = 2; i < argc; i++)
			if (!strcmp(argv[i], "--help") ||
			    !strcmp(argv[i], "-h")) {
				llm_usage(stdout);
				return SM_EXIT_OK;
			}
		return llm_test(argc, argv, g);
	}
	fprintf(stderr, "smsmatch: llm: unknown subcommand '%s'\n", argv[1]);
	llm_usage(stderr);
	return SM_EXIT_USAGE;
}
