/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_llm.c - the language model's pure helpers (src/llm_prompt.c):
 * masking, prompts and schemas, chat completion bodies, verdicts, drafts.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "smsmatch/llm.h"

static void test_mask(void **state)
{
	static const struct {
		const char *in, *out;
		int masks;
	} v[] = {
		{"oui", "oui", 0},
		{"j'ai 2 enfants de 3 ans", "j'ai 2 enfants de 3 ans", 0},
		{"mon num 0612345678", "mon num [nombre]", 1},
		{"06 12 34 56 78 svp", "[nombre] svp", 1},
		{"06.12.34.56.78", "[nombre]", 1},
		{"+33 6 12 34 56 78", "[nombre]", 1},
		{"+33612345678", "[nombre]", 1},
		{"dispo le 12/03", "dispo le [nombre]", 1},
		{"en 2027 oui", "en [nombre] oui", 1},
		{"123 rue", "123 rue", 0},
		{"ecrivez a jean.dupont@mail.fr merci",
		 "ecrivez a [email] merci", 1},
		{"jean@x", "[email]", 1},
		{"id FT-884122 ok", "id FT-[nombre] ok", 1},
		{"é 1234 é", "é [nombre] é", 1},
		{"+ a +1", "+ a +1", 0},
		{"", "", 0},
	};
	char out[128];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int n = sm_llm_mask(v[i].in, out, sizeof(out));

		assert_string_equal(out, v[i].out);
		assert_int_equal(n, v[i].masks);
	}
	/* Bounded: cut at a character boundary. */
	assert_int_equal(sm_llm_mask("ééééé", out, 6), 0);
	assert_string_equal(out, "éé");
	sm_llm_mask("abc 12345678", out, 8);
	assert_string_equal(out, "abc [no");
}

static void test_mask_secrets(void **state)
{
	const char *const secrets[] = {"Dupont", "Jean", "AB", "X9Z7",
				       NULL};
	char out[128];

	assert_int_equal(sm_llm_mask_secrets("oui c'est jean DUPONT, dossier "
					     "x9z7; AB",
					     secrets, out, sizeof(out)),
			 3);
	assert_string_equal(out, "oui c'est [...] [...], dossier [...]; AB");
	assert_int_equal(sm_llm_mask_secrets("oui", NULL, out, sizeof(out)),
			 0);
	assert_string_equal(out, "oui");
	sm_llm_mask_secrets("aé", secrets, out, 3);
	assert_string_equal(out, "a");
}

static const struct sm_llm_question q_interest = {
	.text = "Cela vous intéresse ?",
	.kind = SM_ANSWER_YESNO,
	.criterion = "interest",
	.categories = {"yes", "no", "maybe", NULL},
};

static const struct sm_llm_question q_transport = {
	.text = "Comment iriez-vous à Metz ?",
	.kind = SM_ANSWER_CHOICE,
	.criterion = "transport",
	.categories = {"car", "public", "help_needed", NULL},
};

static const struct sm_llm_facts facts = {
	.trade = "Cariste",
	.start_date = "2027-03-01",
	.end_date = "2027-04-30",
	.place = "Metz",
	.prerequisites = "permis B",
	.aids = {"La Région rembourse le TER.", NULL},
};

static void test_request_interpret(void **state)
{
	json_t *req = sm_llm_request_interpret("m", &facts, &q_transport,
					       "g pa d voiture 0612345678");
	json_t *schema, *props, *also, *cat, *conf, *msgs;
	const char *key, *user;
	json_t *v;

	assert_non_null(req);
	/* Only the common subset of fields. */
	json_object_foreach(req, key, v)
		assert_true(!strcmp(key, "model") || !strcmp(key, "messages") ||
			    !strcmp(key, "temperature") ||
			    !strcmp(key, "max_tokens") ||
			    !strcmp(key, "response_format"));
	assert_string_equal(json_string_value(json_object_get(req, "model")),
			    "m");
	schema = json_object_get(
		json_object_get(json_object_get(req, "response_format"),
				"json_schema"),
		"schema");
	assert_true(json_is_false(
		json_object_get(schema, "additionalProperties")));
	props = json_object_get(schema, "properties");
	cat = json_object_get(json_object_get(props, "category"), "enum");
	assert_int_equal(json_array_size(cat), 4);
	assert_string_equal(json_string_value(json_array_get(cat, 3)),
			    "unclear");
	/* No numeric bounds the grammar would ignore: the tenths 0..1. */
	assert_null(json_object_get(json_object_get(props, "confidence"),
				    "minimum"));
	conf = json_object_get(json_object_get(props, "confidence"), "enum");
	assert_int_equal(json_array_size(conf), 11);
	assert_true(json_number_value(json_array_get(conf, 0)) == 0.0);
	assert_true(json_number_value(json_array_get(conf, 7)) == 0.7);
	assert_true(json_number_value(json_array_get(conf, 10)) == 1.0);
	also = json_object_get(props, "also");
	assert_true(
		json_is_false(json_object_get(also, "additionalProperties")));
	assert_non_null(json_object_get(json_object_get(also, "properties"),
					"childcare"));
	/* Not the question's own criterion, not free-text ones. */
	assert_null(json_object_get(json_object_get(also, "properties"),
				    "transport"));
	assert_null(json_object_get(json_object_get(also, "properties"),
				    "motivation"));
	msgs = json_object_get(req, "messages");
	assert_int_equal(json_array_size(msgs), 2);
	user = json_string_value(
		json_object_get(json_array_get(msgs, 1), "content"));
	assert_non_null(strstr(user, "Comment iriez-vous à Metz ?"));
	assert_non_null(strstr(user, "g pa d voiture [nombre]"));
	assert_null(strstr(user, "0612345678"));
	assert_non_null(strstr(user, "Formation : Cariste"));
	assert_non_null(strstr(user, "La Région rembourse le TER."));
	json_decref(req);

	/* A question without categories is refused. */
	{
		struct sm_llm_question q = {.kind = SM_ANSWER_TEXT};

		assert_null(sm_llm_request_interpret("m", &facts, &q, "x"));
	}
}

static void test_request_clarify(void **state)
{
	json_t *req = sm_llm_request_clarify("m", &facts,
					     "c'est payé ? jean@x.fr");
	const char *user = json_string_value(json_object_get(
		json_array_get(json_object_get(req, "messages"), 1),
		"content"));

	assert_non_null(strstr(user, "c'est payé ? [email]"));
	assert_non_null(strstr(user, "Lieu : Metz"));
	json_decref(req);
}

static void test_parse_content(void **state)
{
	static const struct {
		const char *body;
		int rc;
		const char *out; /* or the reason */
	} v[] = {
		{"{\"choices\":[{\"message\":{\"content\":\"{}\"}}]}", 0,
		 "{}"},
		{"{\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\","
		 "\"text\":\"ab\"},{\"type\":\"image_url\"},{\"type\":"
		 "\"text\",\"text\":\"cd\"}]}}]}",
		 0, "abcd"},
		{"{\"object\":\"error\",\"message\":\"bad schema\"}", -EPROTO,
		 "server error: bad schema"},
		{"{\"error\":{\"message\":\"no such model\"}}", -EPROTO,
		 "server error: no such model"},
		{"{\"error\":\"overloaded\"}", -EPROTO, "server error: overloaded"},
		{"not json", -EPROTO, "reply is not JSON"},
		{"[]", -EPROTO, "reply is not a JSON object"},
		{"{\"choices\":[]}", -EPROTO, "reply has no choices"},
		{"{\"choices\":[{\"message\":{}}]}", -EPROTO,
		 "reply has no message content"},
		{"{\"choices\":[{\"message\":{\"content\":[]}}]}", -EPROTO,
		 "reply content has no text"},
		{"{\"choices\":[{\"message\":{\"content\":\"a\\u0000b\"}}]}",
		 -EPROTO, "reply is not JSON"}, /* NUL refused by jansson */
		{"{\"choices\":[{\"message\":{\"content\":"
		 "\"0123456789012345678901234567890123456789\"}}]}",
		 -EPROTO, "content longer than"},
	};
	char out[32], why[128];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int rc = sm_llm_parse_content(v[i].body, strlen(v[i].body),
					      out, sizeof(out), why,
					      sizeof(why));

		assert_int_equal(rc, v[i].rc);
		if (rc == 0)
			assert_string_equal(out, v[i].out);
		else
			assert_non_null(strstr(why, v[i].out));
	}
}

static void test_parse_verdict(void **state)
{
	static const struct {
		const char *content;
		int rc;
		const char *cat_or_why;
		size_t nalso;
	} v[] = {
		{"{\"category\":\"yes\",\"confidence\":0.9,\"also\":{}}", 0,
		 "yes", 0},
		{"```json\n{\"category\":\"maybe\",\"confidence\":1,"
		 "\"also\":{\"transport\":\"car\",\"childcare\":\"bogus\","
		 "\"interest\":\"no\",\"motivation\":\"x\"}}\n```",
		 0, "maybe", 1},
		{"{\"category\":\"unclear\",\"confidence\":0}", 0, "unclear",
		 0},
		{"{\"category\":\"oui\",\"confidence\":0.9}", -EPROTO,
		 "category 'oui', which the question does not have", 0},
		{"{\"category\":\"yes\",\"confidence\":1.7}", -EPROTO,
		 "confidence 1.7 is outside 0..1", 0},
		{"{\"category\":\"yes\",\"confidence\":-0.1}", -EPROTO,
		 "outside 0..1", 0},
		{"{\"category\":\"yes\",\"confidence\":\"0.9\"}", -EPROTO,
		 "no confidence", 0},
		{"{\"confidence\":0.9}", -EPROTO, "no category", 0},
		{"Bien sûr ! oui", -EPROTO, "not JSON", 0},
		{"[1]", -EPROTO, "not a JSON object", 0},
	};
	struct sm_llm_verdict out;
	char why[160];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int rc = sm_llm_parse_verdict(v[i].content, &q_interest, &out,
					      why, sizeof(why));

		assert_int_equal(rc, v[i].rc);
		if (rc == 0) {
			assert_string_equal(out.category, v[i].cat_or_why);
			assert_int_equal(out.nalso, v[i].nalso);
		} else {
			assert_non_null(strstr(why, v[i].cat_or_why));
		}
	}
	/* Choice categories: the question's only. */
	assert_int_equal(
		sm_llm_parse_verdict("{\"category\":\"car\",\"confidence\":0.8}",
				     &q_transport, &out, why, sizeof(why)),
		0);
	assert_int_equal(
		sm_llm_parse_verdict("{\"category\":\"yes\",\"confidence\":0.8}",
				     &q_transport, &out, why, sizeof(why)),
		-EPROTO);
}

static void test_parse_draft(void **state)
{
	struct sm_llm_draft d;
	char why[128];

	assert_int_equal(sm_llm_parse_draft("{\"known\":true,\"answer\":\" "
					    "Oui, à Metz. \"}",
					    &d, why, sizeof(why)),
			 0);
	assert_true(d.known);
	assert_string_equal(d.answer, "Oui, à Metz.");
	assert_int_equal(sm_llm_parse_draft("{\"known\":true,\"answer\":\"\"}",
					    &d, why, sizeof(why)),
			 0);
	assert_false(d.known);
	assert_int_equal(sm_llm_parse_draft("{\"answer\":\"x\"}", &d, why,
					    sizeof(why)),
			 -EPROTO);
}

static void test_one_segment(void **state)
{
	char long_text[200];

	assert_true(sm_llm_one_gsm7_segment("Oui, la formation est rémunérée."));
	assert_false(sm_llm_one_gsm7_segment("Oui ça l'est")); /* ç: UCS-2 */
	assert_false(sm_llm_one_gsm7_segment("Oui 👍"));
	assert_false(sm_llm_one_gsm7_segment(""));
	memset(long_text, 'a', 161);
	long_text[161] = '\0';
	assert_false(sm_llm_one_gsm7_segment(long_text));
	long_text[160] = '\0';
	assert_true(sm_llm_one_gsm7_segment(long_text));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_mask_secrets),
		cmocka_unit_test(test_request_interpret),
		cmocka_unit_test(test_request_clarify),
		cmocka_unit_test(test_parse_content),
		cmocka_unit_test(test_parse_verdict),
		cmocka_unit_test(test_parse_draft),
		cmocka_unit_test(test_one_segment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
