/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export_json.c - the shortlist as JSON (jansson) for the agency's tools:
 * the campaign, then the candidates in rank order with their criteria
 * (value, raw words, confidence, method), flags as stable codes and the
 * transcript with ISO 8601 times carrying their UTC offset.  Values are
 * the stored codes ("car"), not the French labels of the other exports.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "smsmatch/shortlist.h"

/* A JSON string of @s; invalid UTF-8 (never stored, but the store does
 * not check) becomes U+FFFD per bad byte rather than failing the export. */
static json_t *jstr(const char *s)
{
	json_t *j = json_string(s);
	size_t n = strlen(s);
	char *fixed, *p;

	if (j)
		return j;
	fixed = malloc(n * 3 + 1);
	if (!fixed)
		return NULL;
	p = fixed;
	for (size_t i = 0; i < n;) {
		size_t len = 1;

		/* Try 1..4 byte sequences, keep the first that is valid. */
		while (len <= 4 && i + len <= n) {
			json_t *t = json_stringn(s + i, len);

			if (t) {
				json_decref(t);
				break;
			}
			len++;
		}
		if (len <= 4 && i + len <= n) {
			memcpy(p, s + i, len);
			p += len;
			i += len;
		} else {
			memcpy(p, "\xEF\xBF\xBD", 3);
			p += 3;
			i++;
		}
	}
	*p = '\0';
	j = json_string(fixed);
	free(fixed);
	return j;
}

static json_t *campaign_json(const struct sm_store_campaign *c)
{
	json_t *o = json_object(), *pre = json_array();
	const char *p = c->prerequisites;

	while (*p) {
		size_t len = strcspn(p, "\n");
		char line[SM_CAMP_PREREQ_MAX];

		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		if (line[0])
			json_array_append_new(pre, jstr(line));
		p += len;
		if (*p)
			p++;
	}
	json_object_set_new(o, "id", json_integer(c->id));
	json_object_set_new(o, "name", jstr(c->name));
	json_object_set_new(o, "trade", jstr(c->trade));
	json_object_set_new(o, "start_date", jstr(c->start_date));
	json_object_set_new(o, "end_date", jstr(c->end_date));
	json_object_set_new(o, "place", jstr(c->place));
	json_object_set_new(o, "seats", json_integer(c->seats));
	json_object_set_new(o, "prerequisites", pre);
	return o;
}

static json_t *row_json(const struct sm_shortlist *sl,
			const struct sm_sl_row *r)
{
	json_t *o = json_object(), *crit = json_object();
	json_t *flags = json_array(), *tr = json_array();
	char buf[128];

	json_object_set_new(o, "rank", json_integer(r->rank));
	json_object_set_new(o, "status",
			    json_string(sm_sl_status_name(r->status)));
	json_object_set_new(o, "first_name", jstr(r->cand.first_name));
	json_object_set_new(o, "last_name", jstr(r->cand.last_name));
	json_object_set_new(o, "phone", jstr(r->cand.phone));
	for (size_t i = 0; i < sl->ncriteria; i++) {
		const struct sm_sl_answer *a = &r->answers[i];
		json_t *c;

		if (!a->answered)
			continue;
		c = json_object();
		/* Free text: the value is the whole of the words. */
		json_object_set_new(c, "value",
				    jstr(a->flags & SM_ANSWER_F_TEXT && a->raw
						 ? a->raw
						 : a->value));
		json_object_set_new(c, "raw", jstr(a->raw ? a->raw : ""));
		json_object_set_new(c, "confidence", json_real(a->confidence));
		json_object_set_new(c, "method", jstr(a->method));
		json_object_set_new(crit, sl->criteria[i], c);
	}
	json_object_set_new(o, "criteria", crit);
	for (size_t i = 0; i < r->nflags; i++)
		json_array_append_new(flags,
				      jstr(sm_sl_flag_code(sl, &r->flags[i],
							   buf, sizeof(buf))));
	json_object_set_new(o, "flags", flags);
	for (size_t i = 0; i < r->nmsgs; i++) {
		json_t *m = json_object();

		json_object_set_new(m, "at",
				    json_string(sm_sl_iso_time(
					    r->msgs[i].at, buf, sizeof(buf))));
		json_object_set_new(
			m, "direction",
			json_string(r->msgs[i].inbound ? "in" : "out"));
		json_object_set_new(m, "text", jstr(r->msgs[i].text));
		json_array_append_new(tr, m);
	}
	json_object_set_new(o, "transcript", tr);
	return o;
}

int sm_export_json(const struct sm_shortlist *sl, FILE *out)
{
	json_t *root = json_object(), *cands = json_array();
	int rc = 0;

	if (!root || !cands) {
		json_decref(root);
		json_decref(cands);
		return -ENOMEM;
	}
	json_object_set_new(root, "campaign", campaign_json(&sl->campaign));
	for (size_t i = 0; i < sl->nrows; i++)
		if (json_array_append_new(cands, row_json(sl, &sl->rows[i])))
			rc = -ENOMEM;
	json_object_set_new(root, "candidates", cands);
	if (!rc &&
	    json_dumpf(root, out, JSON_PRESERVE_ORDER | JSON_INDENT(2)) < 0)
		rc = -EIO;
	json_decref(root);
	if (!rc && (fputc('\n', out) == EOF || fflush(out) != 0 || ferror(out)))
		rc = -EIO;
	return rc;
}
