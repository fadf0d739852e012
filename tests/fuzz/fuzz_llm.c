/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_llm.c - libFuzzer target for what comes back from (and goes to) a
 * language model (src/llm_prompt.c): any bytes as a chat completion body,
 * as the model's content read as a verdict for a yes/no and a choice
 * question, as a draft, and as a candidate's answer to mask and put in a
 * prompt.  Results must be bounded and terminated, a verdict's category
 * one of the question's or "unclear", its confidence within 0..1, and a
 * masked text must hold no run of 4 digits and no '@'.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smsmatch/llm.h"
#include "smsmatch/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct sm_llm_question questions[] = {
	{.text = "Cela vous intéresse ?",
	 .kind = SM_ANSWER_YESNO,
	 .criterion = "interest",
	 .categories = {"yes", "no", "maybe", NULL}},
	{.text = "Comment iriez-vous à Metz ?",
	 .kind = SM_ANSWER_CHOICE,
	 .criterion = "transport",
	 .categories = {"car", "public", "help_needed", NULL}},
};

static const struct sm_llm_facts facts = {
	.trade = "Cariste",
	.place = "Metz",
	.aids = {"La Région rembourse le TER.", NULL},
};

static void check_verdict(const struct sm_llm_verdict *v,
			  const struct sm_llm_question *q)
{
	bool ok = !strcmp(v->category, SM_LLM_CATEGORY_UNCLEAR);

	for (size_t i = 0; q->categories[i]; i++)
		ok = ok || !strcmp(v->category, q->categories[i]);
	if (!ok || isnan(v->confidence) || v->confidence < 0 ||
	    v->confidence > 1 || v->nalso > SM_ALSO_MAX)
		abort();
	for (size_t i = 0; i < v->nalso; i++)
		if (!strcmp(v->also[i].criterion, q->criterion) ||
		    !sm_understand_values(v->also[i].criterion))
			abort();
}

static void check_masked(const char *s, size_t len)
{
	unsigned run = 0;

	if (!memchr(s, '\0', len) || strchr(s, '@'))
		abort();
	for (; *s; s++) {
		run = (*s >= '0' && *s <= '9') ? run + 1 : 0;
		if (run >= 4)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), out[SM_LLM_CONTENT_MAX], why[200];
	char masked[256], secret[300];
	const char *const secrets[] = {"Dupont", "Jean", NULL};
	struct sm_llm_verdict v;
	struct sm_llm_draft d;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	if (sm_llm_parse_content((const char *)data, size, out, sizeof(out),
				 why, sizeof(why)) == 0) {
		if (!memchr(out, '\0', sizeof(out)))
			abort();
	} else if (!memchr(why, '\0', sizeof(why))) {
		abort();
	}
	for (size_t i = 0; i < sizeof(questions) / sizeof(questions[0]); i++)
		if (sm_llm_parse_verdict(text, &questions[i], &v, why,
					 sizeof(why)) == 0)
			check_verdict(&v, &questions[i]);
	if (sm_llm_parse_draft(text, &d, why, sizeof(why)) == 0 &&
	    !memchr(d.answer, '\0', sizeof(d.answer)))
		abort();
	sm_llm_mask_secrets(text, secrets, secret, sizeof(secret));
	if (!memchr(secret, '\0', sizeof(secret)))
		abort();
	sm_llm_mask(text, masked, sizeof(masked));
	check_masked(masked, sizeof(masked));
	/* Valid UTF-8 answers make a request that serialises. */
	if (sm_text_utf8_valid(text, size)) {
		json_t *req = sm_llm_request_interpret("m", &facts,
						       &questions[0], text);
		char *s = req ? json_dumps(req, JSON_COMPACT) : NULL;

		if (!s)
			abort();
		free(s);
		json_decref(req);
	}
	sm_llm_one_gsm7_segment(text);
	free(text);
	return 0;
}
