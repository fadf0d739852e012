/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_understand.c - libFuzzer target for sm_understand(): any bytes as a
 * reply, read against a question of every kind (standard and custom
 * choices); the result must be bounded and terminated, a value must be one
 * of the question's, confidences within 0..1, and the same reply must give
 * the same reading twice (deterministic, no hidden state).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smsmatch/understand.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool terminated(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

static void check(const struct sm_understanding *u, const struct sm_question *q)
{
	const char *const *vals = sm_understand_values(q->criterion);

	if (!terminated(u->why, sizeof(u->why)) ||
	    !terminated(u->method, sizeof(u->method)) ||
	    !terminated(u->answer.value, sizeof(u->answer.value)) ||
	    u->nalso > SM_ALSO_MAX || isnan(u->answer.confidence) ||
	    u->answer.confidence < 0 || u->answer.confidence > 1)
		abort();
	if (!u->understood && u->answer.confidence != 0)
		abort();
	if (u->understood && q->kind == SM_ANSWER_CHOICE) {
		bool ok = false;

		for (size_t i = 0; i < q->nchoices; i++)
			ok = ok ||
			     strcmp(q->choices[i].value, u->answer.value) == 0;
		if (!ok)
			abort();
	}
	if (u->understood && q->kind == SM_ANSWER_YESNO &&
	    strcmp(u->answer.value, "yes") != 0 &&
	    strcmp(u->answer.value, "no") != 0 &&
	    !(q->allow_maybe && strcmp(u->answer.value, "maybe") == 0))
		abort();
	for (size_t i = 0; i < u->nalso; i++) {
		const struct sm_finding *f = &u->also[i];
		const char *const *v = sm_understand_values(f->criterion);
		bool ok = false;

		if (!terminated(f->criterion, sizeof(f->criterion)) ||
		    !terminated(f->value, sizeof(f->value)) || !v ||
		    strcmp(f->criterion, q->criterion) == 0 ||
		    f->confidence < 0 || f->confidence > 1)
			abort();
		for (; *v; v++)
			ok = ok || strcmp(*v, f->value) == 0;
		if (!ok)
			abort();
	}
	(void)vals;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct sm_choice transport[] = {
		{"car", {NULL}},	 {"public", {NULL}},
		{"carpool", {NULL}},	 {"walk_bike", {NULL}},
		{"help_needed", {NULL}},
	};
	static const struct sm_choice shift[] = {
		{"morning", {"matin", "le matin", NULL}},
		{"evening", {"soir", "apres midi", NULL}},
	};
	const struct sm_question qs[] = {
		{SM_ANSWER_YESNO, "consent", false, NULL, 0, NULL},
		{SM_ANSWER_YESNO, "interest", true, NULL, 0, NULL},
		{SM_ANSWER_YESNO, "prerequisites", false, NULL, 0, NULL},
		{SM_ANSWER_CHOICE, "transport", false, transport, 5, NULL},
		{SM_ANSWER_CHOICE, "shift", false, shift, 2, NULL},
		{SM_ANSWER_NUMBER, "children", false, NULL, 0, NULL},
		{SM_ANSWER_DATE, "start_date", false, NULL, 0, "2026-03-04"},
		{SM_ANSWER_DATE, "start_date", false, NULL, 0, NULL},
		{SM_ANSWER_TEXT, "motivation", false, NULL, 0, NULL},
	};
	struct sm_understanding u, again;
	char *text;

	if (size > 4096)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		if (sm_understand(text, &qs[i], &u) != 0)
			abort();
		check(&u, &qs[i]);
		if (sm_understand(text, &qs[i], &again) != 0 ||
		    memcmp(&u, &again, sizeof(u)) != 0)
			abort();
	}
	free(text);
	return 0;
}
