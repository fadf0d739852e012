/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privacy.c - data protection on the command line: `smsmatch purge`
 * (retention of closed campaigns), `smsmatch audit` (who did what) and
 * `smsmatch person export|erase NUMBER` (a person's access and erasure
 * requests).  docs/data-protection.md explains each step.
 *
 * Every action here but the read-only ones leaves an audit event naming
 * the Unix user; exports and erasures are recorded too, with the number
 * of the person (masked once erased).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "smsmatch/log.h"
#include "smsmatch/phone.h"
#include "smsmatch/store_campaign.h"
#include "smsmatch/store_privacy.h"

/* A whole number of days 1..3650 from @s, or 0. */
static int parse_days(const char *s)
{
	char *end;
	long v;

	if (!s || *s < '0' || *s > '9')
		return 0;
	v = strtol(s, &end, 10);
	return *end || v < 1 || v > 3650 ? 0 : (int)v;
}

/* ---- purge */

static const char purge_usage[] =
	"Usage: smsmatch purge [--older-than DAYS] [--dry-run]\n"
	"\n"
	"Remove the personal data of campaigns closed more than DAYS days "
	"ago (default:\n"
	"retention.days of the configuration): the candidates' names, "
	"numbers and CSV\n"
	"columns, their own words and every SMS text to or from them; also "
	"the texts of\n"
	"messages older than DAYS that belong to no campaign, and the notes "
	"of old\n"
	"opt-outs.  The campaigns' figures (`campaign status`) stay, and so "
	"does every\n"
	"opted-out number: it must never be texted again.  --dry-run counts "
	"and changes\n"
	"nothing.  smsmatchd does the same once a day when retention.days "
	"is set.\n";

static void print_scrub(const struct sm_store_scrub_report *r, bool purge)
{
	if (purge)
		printf("  campaigns purged:        %d\n", r->campaigns);
	printf("  candidates anonymised:   %d\n"
	       "  conversations:           %d\n"
	       "  answers (own words):     %d\n"
	       "  outbound SMS texts:      %d\n"
	       "  inbound SMS texts:       %d\n"
	       "  opt-out notes:           %d\n"
	       "  queued SMS cancelled:    %d\n",
	       r->candidates, r->conversations, r->answers, r->outbox, r->inbox,
	       r->optouts, r->cancelled);
	printf("  audit entries masked:    %d\n", r->events);
}

int sm_cli_purge(int argc, char **argv, const struct sm_cli_globals *g)
{
	struct sm_store_scrub_report rep;
	struct sm_cli_db c;
	bool dry = false;
	int days = 0, rc;
	int64_t now, before;
	char when[32];

	if (sm_cli_want_help(argc, argv)) {
		fputs(purge_usage, stdout);
		return SM_EXIT_OK;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0) {
			dry = true;
		} else if (strcmp(argv[i], "--older-than") == 0 &&
			   i + 1 < argc) {
			days = parse_days(argv[++i]);
			if (!days) {
				fprintf(stderr,
					"smsmatch: purge: --older-than '%s': "
					"a number of days from 1 to 3650\n",
					argv[i]);
				return SM_EXIT_USAGE;
			}
		} else {
			fputs(purge_usage, stderr);
			return SM_EXIT_USAGE;
		}
	}
	if (sm_cli_db_open(&c, g, "purge") < 0)
		return SM_EXIT_ERROR;
	if (!days)
		days = c.cfg.retention_days;
	if (!days) {
		fprintf(stderr,
			"smsmatch: purge: no --older-than DAYS and "
			"retention.days is off in %s\n",
			c.cfg.path);
		sm_cli_db_close(&c);
		return SM_EXIT_USAGE;
	}
	now = (int64_t)time(NULL);
	before = now - (int64_t)days * 86400;
	rc = sm_store_purge(c.store, before, dry, now, &rep);
	if (rc < 0) {
		rc = sm_cli_store_fail(&c, "nothing purged");
		goto out;
	}
	sm_cli_fmt_time(before, when, sizeof(when));
	printf("%s data of campaigns closed before %s (%d days):\n",
	       dry ? "would purge (dry run)" : "purged", when, days);
	print_scrub(&rep, true);
	if (!dry)
		sm_cli_audit(c.store, "purge", NULL,
			     "older than %d days: %d campaigns, %d "
			     "candidates, %d answers, %d out, %d in, %d "
			     "opt-out notes",
			     days, rep.campaigns, rep.candidates, rep.answers,
			     rep.outbox, rep.inbox, rep.optouts);
	rc = SM_EXIT_OK;
out:
	sm_cli_db_close(&c);
	return rc;
}

/* ---- audit */

static const char audit_usage[] =
	"Usage: smsmatch audit [--since DATE] [--json]\n"
	"\n"
	"The audit trail, oldest first: when, who (smsmatchd, or cli:USER "
	"for the\n"
	"Unix user who ran smsmatch), what (imports, shortlist exports, "
	"campaign\n"
	"changes, opt-outs, purges, person exports and erasures), about "
	"which number.\n"
	"Never a message text.  DATE is YYYY-MM-DD (local time).\n";

/* Local midnight of "YYYY-MM-DD", or -1. */
static int64_t parse_day(const char *s)
{
	struct tm tm = {0};
	int n = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &n) != 3 ||
	    s[n] || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static json_t *event_json(const struct sm_store_event *e)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "id",
			 (json_int_t)e->id, "at", (json_int_t)e->at, "actor",
			 e->actor, "action", e->action, "subject", e->subject,
			 "detail", e->detail);
}

static int print_event(const struct sm_store_event *e, void *data)
{
	char when[32];

	if (data) {
		json_array_append_new(data, event_json(e));
		return 0;
	}
	sm_cli_fmt_time(e->at, when, sizeof(when));
	printf("%s  %-16s %-20s %-14s %s\n", when, e->actor, e->action,
	       e->subject[0] ? e->subject : "-", e->detail);
	return 0;
}

/* Print a JSON value on one line and free it. */
static void dump_json(json_t *v)
{
	json_dumpf(v, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(v);
}

int sm_cli_audit_cmd(int argc, char **argv, const struct sm_cli_globals *g)
{
	struct sm_cli_db c;
	json_t *arr = NULL;
	int64_t since = 0;
	bool json = false;
	int rc = SM_EXIT_OK;

	if (sm_cli_want_help(argc, argv)) {
		fputs(audit_usage, stdout);
		return SM_EXIT_OK;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--since") == 0 && i + 1 < argc) {
			if ((since = parse_day(argv[++i])) < 0) {
				fprintf(stderr,
					"smsmatch: audit: --since '%s': "
					"expected YYYY-MM-DD\n",
					argv[i]);
				return SM_EXIT_USAGE;
			}
		} else {
			fputs(audit_usage, stderr);
			return SM_EXIT_USAGE;
		}
	}
	if (sm_cli_db_open(&c, g, "audit") < 0)
		return SM_EXIT_ERROR;
	if (json)
		arr = json_array();
	if (sm_store_audit_list(c.store, since, NULL, print_event, arr) < 0)
		rc = sm_cli_store_fail(&c, "cannot read the audit trail");
	else if (arr)
		dump_json(json_incref(arr));
	json_decref(arr);
	sm_cli_db_close(&c);
	return rc;
}

/* ---- person */

static const char person_usage[] =
	"Usage: smsmatch person export NUMBER [--json]\n"
	"       smsmatch person erase NUMBER [--yes] [--force]\n"
	"\n"
	"For a person's access or erasure request (docs/data-protection.md). "
	"NUMBER\n"
	"in any usual form (06 12 34 56 78, +33612345678...).\n"
	"`export` prints everything stored about the number: its candidate "
	"rows in\n"
	"every campaign with their conversations, answers and transcripts, "
	"every SMS\n"
	"to or from it, its opt-out, the audit entries about it.\n"
	"`erase` removes all of it in one transaction; without --yes it "
	"only says what\n"
	"it would remove.  An opt-out stays (the number only): it must "
	"never be texted\n"
	"again.  While the number is in an open conversation of a running "
	"campaign,\n"
	"erase refuses unless --force (the conversation then ends).\n";

/* What export gathers, text or JSON. */
struct export_ctx {
	struct sm_store *store; /* to read further */
	json_t *root;		/* --json: the document; NULL for text */
	json_t *cur;		/* the array being filled */
	int n;			/* rows seen in the current section */
};

static int export_answer(const struct sm_store_answer *a, void *data)
{
	struct export_ctx *x = data;
	char when[32];

	if (x->cur) {
		json_array_append_new(
			x->cur,
			json_pack("{s:s, s:s, s:s, s:f, s:s, s:I}", "criterion",
				  a->criterion, "value", a->value, "raw",
				  a->raw, "confidence", a->confidence, "method",
				  a->method, "at", (json_int_t)a->at));
		return 0;
	}
	sm_cli_fmt_time(a->at, when, sizeof(when));
	printf("    answer %s  %s = %s (%s, %.2f): \"%s\"\n", when,
	       a->criterion, a->value, a->method, a->confidence, a->raw);
	return 0;
}

static int export_line(const struct sm_store_transcript_row *r, void *data)
{
	struct export_ctx *x = data;
	char when[32];

	if (x->cur) {
		json_array_append_new(
			x->cur, json_pack("{s:I, s:s, s:s, s:s}", "at",
					  (json_int_t)r->at, "direction",
					  r->inbound ? "in" : "out", "text",
					  r->text, "state", r->state));
		return 0;
	}
	sm_cli_fmt_time(r->at, when, sizeof(when));
	printf("    %s %s %s\n", when, r->inbound ? "<" : ">", r->text);
	return 0;
}

static int export_candidate(const struct sm_store_candidate *cd,
			    struct export_ctx *x)
{
	struct sm_store_campaign camp = {0};
	struct sm_store_conversation v;
	json_t *o = NULL, *arr = x->cur;
	char when[32];
	int rc;

	x->n++;
	sm_store_campaign_get(x->store, cd->campaign_id, &camp);
	rc = sm_store_conversation_by_candidate(x->store, cd->id, &v);
	if (arr) {
		o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:i, s:I}",
			      "candidate_id", (json_int_t)cd->id, "campaign_id",
			      (json_int_t)cd->campaign_id, "campaign",
			      camp.name, "ext_id", cd->ext_id, "first_name",
			      cd->first_name, "last_name", cd->last_name,
			      "phone", cd->phone, "csv_line", cd->line,
			      "imported_at", (json_int_t)cd->imported_at);
		json_object_set_new(o, "csv_columns",
				    json_loads(cd->vars, 0, NULL));
		json_array_append_new(arr, o);
	} else {
		sm_cli_fmt_time(cd->imported_at, when, sizeof(when));
		printf("candidate %lld in campaign %lld (%s): %s %s, id '%s', "
		       "CSV line %d, imported %s\n  CSV columns: %s\n",
		       (long long)cd->id, (long long)cd->campaign_id, camp.name,
		       cd->first_name, cd->last_name, cd->ext_id, cd->line,
		       when, cd->vars);
	}
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	if (o) {
		json_t *jv =
			json_pack("{s:s, s:I, s:I, s:I}", "outcome",
				  sm_conv_outcome_name(v.outcome), "started_at",
				  (json_int_t)v.started_at, "last_reply_at",
				  (json_int_t)v.last_reply_at, "ended_at",
				  (json_int_t)v.ended_at);

		json_object_set_new(o, "conversation", jv);
		x->cur = json_array();
		json_object_set_new(jv, "answers", x->cur);
		rc = sm_store_answers_list(x->store, v.id, false, export_answer,
					   x);
		x->cur = json_array();
		json_object_set_new(jv, "transcript", x->cur);
		if (rc == 0)
			rc = sm_store_transcript(x->store, v.id, export_line,
						 x);
		x->cur = arr;
		return rc;
	}
	printf("  conversation %lld: %s\n", (long long)v.id,
	       sm_conv_outcome_name(v.outcome));
	rc = sm_store_answers_list(x->store, v.id, false, export_answer, x);
	if (rc == 0)
		rc = sm_store_transcript(x->store, v.id, export_line, x);
	return rc;
}

static int export_out(const struct sm_store_outmsg *m, void *data)
{
	struct export_ctx *x = data;
	char when[32];

	x->n++;
	if (x->cur) {
		json_array_append_new(
			x->cur,
			json_pack("{s:I, s:I, s:s, s:s, s:s, s:I}", "id",
				  (json_int_t)m->id, "created_at",
				  (json_int_t)m->created_at, "state",
				  sm_out_state_name(m->state), "kind",
				  sm_out_kind_name(m->kind), "text", m->text,
				  "campaign_id", (json_int_t)m->campaign_id));
		return 0;
	}
	sm_cli_fmt_time(m->created_at, when, sizeof(when));
	printf("  sms to   %s  %-9s %s\n", when, sm_out_state_name(m->state),
	       m->text);
	return 0;
}

static int export_in(const struct sm_store_inmsg *m, void *data)
{
	struct export_ctx *x = data;
	char when[32];

	x->n++;
	if (x->cur) {
		json_array_append_new(
			x->cur, json_pack("{s:I, s:I, s:s, s:s}", "id",
					  (json_int_t)m->id, "received_at",
					  (json_int_t)m->received_at, "modem",
					  m->modem, "text", m->text));
		return 0;
	}
	sm_cli_fmt_time(m->received_at, when, sizeof(when));
	printf("  sms from %s  %s\n", when, m->text);
	return 0;
}

static int export_event(const struct sm_store_event *e, void *data)
{
	struct export_ctx *x = data;

	x->n++;
	return print_event(e, x->cur);
}

/* Open a text section @title or a JSON array @key. */
static void section(struct export_ctx *x, const char *title, const char *key)
{
	x->n = 0;
	if (x->root) {
		x->cur = json_array();
		json_object_set_new(x->root, key, x->cur);
	} else {
		printf("\n%s:\n", title);
	}
}

static void section_end(const struct export_ctx *x)
{
	if (!x->root && !x->n)
		printf("  (none)\n");
}

/* Candidate rows, gathered first: a list callback must not read the
 * store again. */
struct cand_rows {
	struct sm_store_candidate *rows; /* grown by 4 */
	size_t n;			 /* used */
};

static int gather_candidate(const struct sm_store_candidate *cd, void *data)
{
	struct cand_rows *cr = data;

	if (cr->n % 4 == 0) {
		void *p = realloc(cr->rows, (cr->n + 4) * sizeof(*cr->rows));

		if (!p)
			return -ENOMEM;
		cr->rows = p;
	}
	cr->rows[cr->n++] = *cd;
	return 0;
}

static int export_candidates(struct export_ctx *x, const char *number)
{
	struct cand_rows cr = {0};
	int rc = sm_store_candidates_by_phone(x->store, number,
					      gather_candidate, &cr);

	for (size_t i = 0; rc == 0 && i < cr.n; i++)
		rc = export_candidate(&cr.rows[i], x);
	free(cr.rows);
	return rc;
}

static int person_export(struct sm_cli_db *c, const char *number, bool json)
{
	struct export_ctx x = {.store = c->store};
	struct sm_store_optout o;
	int rc, oc;

	if (json) {
		x.root = json_object();
		json_object_set_new(x.root, "number", json_string(number));
	} else {
		printf("Everything smsmatch stores about %s\n", number);
	}
	section(&x, "Candidate rows (campaigns, answers, transcripts)",
		"candidates");
	rc = export_candidates(&x, number);
	section_end(&x);
	section(&x, "SMS sent to the number", "outbox");
	if (rc == 0)
		rc = sm_store_outbox_by_recipient(c->store, number, export_out,
						  &x);
	section_end(&x);
	section(&x, "SMS received from the number", "inbox");
	if (rc == 0)
		rc = sm_store_inbox_by_sender(c->store, number, export_in, &x);
	section_end(&x);
	oc = sm_store_optout_get(c->store, number, &o);
	if (oc < 0 && oc != -ENOENT)
		rc = oc;
	if (x.root) {
		json_object_set_new(
			x.root, "optout",
			oc == 0 ? json_pack("{s:s, s:I, s:s}", "source",
					    sm_optout_source_name(o.source),
					    "at", (json_int_t)o.at, "text",
					    o.text)
				: json_null());
	} else if (oc == 0) {
		char when[32];

		sm_cli_fmt_time(o.at, when, sizeof(when));
		printf("\nOpt-out: yes, since %s (%s)%s%s\n", when,
		       sm_optout_source_name(o.source), o.text[0] ? ": " : "",
		       o.text);
	} else {
		printf("\nOpt-out: no\n");
	}
	section(&x, "Audit entries about the number", "audit");
	if (rc == 0)
		rc = sm_store_audit_list(c->store, 0, number, export_event, &x);
	section_end(&x);
	if (rc < 0) {
		json_decref(x.root);
		return sm_cli_store_fail(c, "cannot read");
	}
	if (x.root)
		dump_json(x.root);
	sm_cli_audit(c->store, "person.export", number, "%s",
		     json ? "json" : "text");
	return SM_EXIT_OK;
}

static int person_erase(struct sm_cli_db *c, const char *number, bool yes,
			bool force)
{
	struct sm_store_scrub_report rep;
	char masked[SM_STORE_NUMBER_MAX];
	int rc = sm_store_person_erase(c->store, number, force, !yes,
				       (int64_t)time(NULL), &rep);

	if (rc == -EBUSY) {
		fprintf(stderr,
			"smsmatch: person: %s is in an open conversation of "
			"a running campaign: nothing erased (wait for it to "
			"end, or --force to end it now)\n",
			number);
		return SM_EXIT_ERROR;
	}
	if (rc < 0)
		return sm_cli_store_fail(c, "nothing erased");
	printf("%s %s:\n", yes ? "erased" : "would erase (add --yes to do it)",
	       number);
	print_scrub(&rep, false);
	if (rep.opted_out)
		printf("kept: %s stays on the opt-out list (the number only, "
		       "without its note) so that it is never texted "
		       "again\n",
		       number);
	if (yes) {
		sm_log_mask_number(number, masked, sizeof(masked));
		sm_cli_audit(c->store, "person.erase", NULL,
			     "%s: %d candidate rows, %d answers, %d out, %d "
			     "in%s%s",
			     masked, rep.candidates, rep.answers, rep.outbox,
			     rep.inbox, rep.opted_out ? ", opt-out kept" : "",
			     force ? ", forced" : "");
	}
	return SM_EXIT_OK;
}

int sm_cli_person(int argc, char **argv, const struct sm_cli_globals *g)
{
	bool json = false, yes = false, force = false, erase;
	char number[SM_PHONE_MAX];
	struct sm_cli_db c;
	int rc;

	if (sm_cli_want_help(argc, argv)) {
		fputs(person_usage, stdout);
		return SM_EXIT_OK;
	}
	if (argc < 3 ||
	    (strcmp(argv[1], "export") != 0 && strcmp(argv[1], "erase") != 0)) {
		fputs(person_usage, stderr);
		return SM_EXIT_USAGE;
	}
	erase = strcmp(argv[1], "erase") == 0;
	for (int i = 3; i < argc; i++) {
		if (!erase && strcmp(argv[i], "--json") == 0)
			json = true;
		else if (erase && strcmp(argv[i], "--yes") == 0)
			yes = true;
		else if (erase && strcmp(argv[i], "--force") == 0)
			force = true;
		else {
			fputs(person_usage, stderr);
			return SM_EXIT_USAGE;
		}
	}
	if (sm_phone_normalize(argv[2], number, sizeof(number)) ==
	    SM_PHONE_INVALID) {
		fprintf(stderr,
			"smsmatch: person: '%s' is not a phone number\n",
			argv[2]);
		return SM_EXIT_ERROR;
	}
	if (sm_cli_db_open(&c, g, "person") < 0)
		return SM_EXIT_ERROR;
	rc = erase ? person_erase(&c, number, yes, force)
		   : person_export(&c, number, json);
	sm_cli_db_close(&c);
	return rc;
}
