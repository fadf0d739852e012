/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gateway.c - the commands that work on the gateway's database, with or
 * without smsmatchd running: send, queue, modems, optout, inbox.
 *
 * They read the configuration (-c FILE) to find the database and the
 * modems' limits, then talk to the store directly: WAL mode lets them run
 * beside the daemon.  The daemon notices new messages within a fraction of
 * a second.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "smsmatch/config.h"
#include "smsmatch/pdu.h"
#include "smsmatch/phone.h"
#include "smsmatch/store.h"

/* ---- send */

static const char send_usage[] =
	"Usage: smsmatch send --to NUMBER TEXT\n"
	"\n"
	"Queue one SMS for smsmatchd to send through the next free modem, "
	"and print\n"
	"its message id.  NUMBER is a mobile number (06 12 34 56 78, "
	"+33612345678...).\n"
	"A manual message may go out outside the sending hours.\n";

int sm_cli_send(int argc, char **argv, const struct sm_cli_globals *g)
{
	const char *to = NULL, *text = NULL;
	char number[SM_PHONE_MAX];
	struct sm_cli_db c;
	enum sm_phone_kind kind;
	unsigned parts = 1;
	int64_t id = 0;
	int rc;

	if (sm_cli_want_help(argc, argv)) {
		fputs(send_usage, stdout);
		return SM_EXIT_OK;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
			to = argv[++i];
		else if (!text && argv[i][0] != '-')
			text = argv[i];
		else {
			fputs(send_usage, stderr);
			return SM_EXIT_USAGE;
		}
	}
	if (!to || !text) {
		fputs(send_usage, stderr);
		return SM_EXIT_USAGE;
	}
	kind = sm_phone_normalize(to, number, sizeof(number));
	if (kind == SM_PHONE_INVALID || kind == SM_PHONE_LANDLINE) {
		fprintf(stderr, "smsmatch: send: '%s' is not a mobile number\n",
			to);
		return SM_EXIT_ERROR;
	}
	if (!*text || sm_pdu_measure(text, SM_TEXT_AUTO, &parts, NULL,
				     NULL) < 0) {
		fprintf(stderr, "smsmatch: send: the text is empty or not "
				"valid UTF-8\n");
		return SM_EXIT_ERROR;
	}
	if (sm_cli_db_open(&c, g, "send") < 0)
		return SM_EXIT_ERROR;
	rc = sm_store_enqueue(c.store,
			     &(struct sm_store_enqueue){
				     .recipient = number,
				     .text = text,
				     .kind = SM_KIND_MANUAL,
				     .nparts = (int)parts,
			     },
			     (int64_t)time(NULL), &id);
	if (rc == -EPERM) {
		fprintf(stderr, "smsmatch: send: %s opted out (STOP): not "
				"queued\n",
			number);
		rc = SM_EXIT_ERROR;
	} else if (rc == -E2BIG || (rc == -EINVAL && parts > 255)) {
		fprintf(stderr, "smsmatch: send: the text is too long\n");
		rc = SM_EXIT_ERROR;
	} else if (rc < 0) {
		rc = sm_cli_store_fail(&c, "cannot queue the message");
	} else {
		sm_cli_audit(c.store, "send", number, NULL);
		printf("%lld\n", (long long)id);
		rc = SM_EXIT_OK;
	}
	sm_cli_db_close(&c);
	return rc;
}

/* ---- queue */

static const char queue_usage[] =
	"Usage: smsmatch queue [--json]\n"
	"       smsmatch queue show ID\n"
	"       smsmatch queue resolve ID sent|failed|resend\n"
	"\n"
	"Counts of outbound messages per state, the oldest one waiting, and "
	"the\n"
	"unconfirmed ones: messages a modem was writing when the daemon or "
	"the modem\n"
	"died.  They may or may not have left, so they are never resent "
	"on their own:\n"
	"a status report settles them, or an operator with `resolve` (resend "
	"accepts\n"
	"that the person may get the message twice).\n";

static int print_unconfirmed(const struct sm_store_outmsg *m, void *data)
{
	char when[32];

	(void)data;
	sm_cli_fmt_time(m->claimed_at, when, sizeof(when));
	/* The part in doubt is the last one written: next_part - 1. */
	printf("  unconfirmed %lld  to %s  part %d/%d  on %s  since %s: "
	       "%s\n",
	       (long long)m->id, m->recipient, m->next_part - 1, m->nparts,
	       m->modem[0] ? m->modem : m->claimed_by, when,
	       m->last_error[0] ? m->last_error : "no answer to AT+CMGS");
	return 0;
}

static int queue_show(struct sm_cli_db *c, const char *arg)
{
	struct sm_store_outmsg *m = malloc(sizeof(*m));
	char created[32], sent[32], fin[32];
	int rc = SM_EXIT_ERROR;

	if (!m)
		return SM_EXIT_ERROR;
	if (sm_store_outbox_get(c->store, strtoll(arg, NULL, 10), m) < 0) {
		fprintf(stderr, "smsmatch: queue: no message %s\n", arg);
		goto out;
	}
	sm_cli_fmt_time(m->created_at, created, sizeof(created));
	sm_cli_fmt_time(m->sent_at, sent, sizeof(sent));
	sm_cli_fmt_time(m->final_at, fin, sizeof(fin));
	printf("message %lld\n  to: %s\n  state: %s\n  kind: %s\n"
	       "  parts: %d (next %d)\n  attempts: %d\n  modem: %s\n"
	       "  created: %s\n  sent: %s\n  final: %s\n  last error: %s\n"
	       "  text: %s\n",
	       (long long)m->id, m->recipient, sm_out_state_name(m->state),
	       sm_out_kind_name(m->kind), m->nparts, m->next_part,
	       m->attempts, m->modem[0] ? m->modem : "-", created, sent, fin,
	       m->last_error[0] ? m->last_error : "-", m->text);
	rc = SM_EXIT_OK;
out:
	free(m);
	return rc;
}

static int queue_resolve(struct sm_cli_db *c, const char *arg, const char *how)
{
	enum sm_store_resolution r;
	int64_t id = strtoll(arg, NULL, 10);

	if (strcmp(how, "sent") == 0)
		r = SM_RESOLVE_SENT;
	else if (strcmp(how, "failed") == 0)
		r = SM_RESOLVE_FAILED;
	else if (strcmp(how, "resend") == 0)
		r = SM_RESOLVE_REQUEUE;
	else {
		fputs(queue_usage, stderr);
		return SM_EXIT_USAGE;
	}
	if (sm_store_unconfirmed_resolve(c->store, id, r, (int64_t)time(NULL)) <
	    0) {
		fprintf(stderr, "smsmatch: queue: message %s is not "
				"unconfirmed\n",
			arg);
		return SM_EXIT_ERROR;
	}
	sm_cli_audit(c->store, "queue.resolve", NULL, "message %lld: %s",
		     (long long)id, how);
	printf("message %lld: %s\n", (long long)id, how);
	return SM_EXIT_OK;
}

int sm_cli_queue(int argc, char **argv, const struct sm_cli_globals *g)
{
	struct sm_store_queue_stats st;
	struct sm_cli_db c;
	bool json = false;
	int rc = SM_EXIT_OK;

	if (sm_cli_want_help(argc, argv)) {
		fputs(queue_usage, stdout);
		return SM_EXIT_OK;
	}
	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		json = true;
	else if (!(argc == 1 || (argc == 3 && strcmp(argv[1], "show") == 0) ||
		   (argc == 4 && strcmp(argv[1], "resolve") == 0))) {
		fputs(queue_usage, stderr);
		return SM_EXIT_USAGE;
	}
	if (sm_cli_db_open(&c, g, "queue") < 0)
		return SM_EXIT_ERROR;
	if (argc == 3) {
		rc = queue_show(&c, argv[2]);
		goto out;
	}
	if (argc == 4) {
		rc = queue_resolve(&c, argv[2], argv[3]);
		goto out;
	}
	if (sm_store_queue_stats(c.store, &st) < 0) {
		rc = sm_cli_store_fail(&c, "cannot read the queue");
		goto out;
	}
	if (json) {
		json_t *o = json_object();

		for (int s = 0; s < SM_OUT_NSTATES; s++)
			json_object_set_new(
				o, sm_out_state_name((enum sm_out_state)s),
				json_integer(st.count[s]));
		json_object_set_new(o, "oldest_queued_id",
				    json_integer(st.oldest_id));
		json_object_set_new(o, "oldest_queued_at",
				    json_integer(st.oldest_created_at));
		json_dumpf(o, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(o);
		goto out;
	}
	for (int s = 0; s < SM_OUT_NSTATES; s++)
		printf("%-12s %d\n", sm_out_state_name((enum sm_out_state)s),
		       st.count[s]);
	if (st.oldest_id) {
		long age = (long)((int64_t)time(NULL) - st.oldest_created_at);

		printf("oldest waiting: message %lld, queued %ld min %ld s "
		       "ago\n",
		       (long long)st.oldest_id, age / 60, age % 60);
	}
	if (st.count[SM_OUT_UNCONFIRMED])
		sm_store_outbox_list(c.store, SM_OUT_UNCONFIRMED,
				     print_unconfirmed, NULL);
out:
	sm_cli_db_close(&c);
	return rc;
}

/* ---- modems */

static const char modems_usage[] =
	"Usage: smsmatch modems\n"
	"\n"
	"Each configured modem as smsmatchd last saw it: state, signal, "
	"registration,\n"
	"operator, SMS parts sent today against its daily limit, errors.\n";

struct modems_ctx {
	const struct sm_config *cfg; /* for the daily limits */
	int rows;		     /* printed */
};

static int print_modem(const struct sm_store_modem *m, void *data)
{
	struct modems_ctx *mc = data;
	const struct sm_config_modem *cm = sm_config_modem_find(mc->cfg,
							       m->name);
	char when[32], signal[32];
	int bars = m->signal_dbm >= -73   ? 4 :
		   m->signal_dbm >= -83   ? 3 :
		   m->signal_dbm >= -93   ? 2 :
		   m->signal_dbm >= -109 ? 1 :
					    0;

	if (!m->signal_dbm)
		snprintf(signal, sizeof(signal), "unknown");
	else
		snprintf(signal, sizeof(signal), "%d dBm (%d/4)",
			 m->signal_dbm, bars);
	sm_cli_fmt_time(m->updated_at, when, sizeof(when));
	printf("%s\n  state: %s%s\n  signal: %s\n  registration: %s\n"
	       "  operator: %s\n  sent today: %d / %d\n  errors: %d%s%s\n"
	       "  updated: %s\n",
	       m->name, sm_store_modem_state_name(m->state),
	       cm ? "" : " (no longer configured)", signal,
	       m->registration[0] ? m->registration : "unknown",
	       m->operator_name[0] ? m->operator_name : "unknown",
	       m->sent_today, cm ? cm->daily_limit : 0, m->error_count,
	       m->last_error[0] ? ", last: " : "", m->last_error, when);
	mc->rows++;
	return 0;
}

int sm_cli_modems(int argc, char **argv, const struct sm_cli_globals *g)
{
	struct modems_ctx mc = {0};
	struct sm_cli_db c;
	int rc = SM_EXIT_OK;

	if (sm_cli_want_help(argc, argv)) {
		fputs(modems_usage, stdout);
		return SM_EXIT_OK;
	}
	if (argc != 1) {
		fputs(modems_usage, stderr);
		return SM_EXIT_USAGE;
	}
	if (sm_cli_db_open(&c, g, "modems") < 0)
		return SM_EXIT_ERROR;
	mc.cfg = &c.cfg;
	if (sm_store_modem_list(c.store, print_modem, &mc) < 0)
		rc = sm_cli_store_fail(&c, "cannot read the modems");
	else if (!mc.rows)
		printf("no modem has reported yet: is smsmatchd running?\n");
	sm_cli_db_close(&c);
	return rc;
}

/* ---- optout */

static const char optout_usage[] =
	"Usage: smsmatch optout add NUMBER [--note TEXT]\n"
	"       smsmatch optout remove NUMBER\n"
	"       smsmatch optout list\n"
	"\n"
	"The numbers that are never texted again, by any campaign.  A "
	"candidate who\n"
	"texts STOP is added by smsmatchd at once.  Adding a number cancels "
	"what is\n"
	"queued for it.\n";

static int print_optout(const struct sm_store_optout *o, void *data)
{
	char when[32];

	(void)data;
	sm_cli_fmt_time(o->at, when, sizeof(when));
	printf("%-16s %-8s %s  %s\n", o->number,
	       sm_optout_source_name(o->source), when, o->text);
	return 0;
}

int sm_cli_optout(int argc, char **argv, const struct sm_cli_globals *g)
{
	char number[SM_PHONE_MAX];
	const char *note = NULL;
	struct sm_cli_db c;
	int rc = SM_EXIT_OK, cancelled = 0;

	if (sm_cli_want_help(argc, argv)) {
		fputs(optout_usage, stdout);
		return SM_EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "list") == 0 && argc == 2) {
		if (sm_cli_db_open(&c, g, "optout") < 0)
			return SM_EXIT_ERROR;
		if (sm_store_optout_list(c.store, print_optout, NULL) < 0)
			rc = sm_cli_store_fail(&c, "cannot list");
		sm_cli_db_close(&c);
		return rc;
	}
	if (argc == 5 && strcmp(argv[1], "add") == 0 &&
	    strcmp(argv[3], "--note") == 0)
		note = argv[4];
	else if (argc != 3 || (strcmp(argv[1], "add") != 0 &&
			       strcmp(argv[1], "remove") != 0)) {
		fputs(optout_usage, stderr);
		return SM_EXIT_USAGE;
	}
	if (sm_phone_normalize(argv[2], number, sizeof(number)) ==
	    SM_PHONE_INVALID) {
		fprintf(stderr, "smsmatch: optout: '%s' is not a phone "
				"number\n",
			argv[2]);
		return SM_EXIT_ERROR;
	}
	if (sm_cli_db_open(&c, g, "optout") < 0)
		return SM_EXIT_ERROR;
	if (strcmp(argv[1], "add") == 0) {
		if (sm_store_optout_add(c.store, number, SM_OPTOUT_ADVISOR,
					(int64_t)time(NULL), note,
					&cancelled) < 0) {
			rc = sm_cli_store_fail(&c, "cannot add");
		} else {
			sm_cli_audit(c.store, "optout.add", number, NULL);
			printf("%s opted out; %d queued message(s) "
			       "cancelled\n",
			       number, cancelled);
		}
	} else {
		int r = sm_store_optout_remove(c.store, number);

		if (r == -ENOENT) {
			fprintf(stderr, "smsmatch: optout: %s was not opted "
					"out\n",
				number);
			rc = SM_EXIT_ERROR;
		} else if (r < 0) {
			rc = sm_cli_store_fail(&c, "cannot remove");
		} else {
			sm_cli_audit(c.store, "optout.remove", number,
				     NULL);
			printf("%s may be texted again\n", number);
		}
	}
	sm_cli_db_close(&c);
	return rc;
}

/* ---- inbox */

static const char inbox_usage[] =
	"Usage: smsmatch inbox [--all] [--json]\n"
	"\n"
	"The SMS received and not yet handled (--all: also the handled "
	"ones, such as\n"
	"STOP messages), oldest first.\n";

struct inbox_ctx {
	json_t *arr; /* --json: rows go here */
};

static int print_inbox(const struct sm_store_inmsg *m, void *data)
{
	struct inbox_ctx *ic = data;
	char when[32];

	if (ic->arr) {
		json_t *o = json_object();

		json_object_set_new(o, "id", json_integer(m->id));
		json_object_set_new(o, "modem", json_string(m->modem));
		json_object_set_new(o, "from", json_string(m->sender));
		json_object_set_new(o, "received_at",
				    json_integer(m->received_at));
		json_object_set_new(o, "text", json_string(m->text));
		json_object_set_new(o, "encoding", json_string(m->encoding));
		json_object_set_new(o, "parts", json_integer(m->nreceived));
		json_object_set_new(o, "incomplete",
				    json_boolean(m->incomplete));
		json_object_set_new(o, "state",
				    json_string(sm_in_state_name(m->state)));
		json_array_append_new(ic->arr, o);
		return 0;
	}
	sm_cli_fmt_time(m->received_at, when, sizeof(when));
	printf("%lld  %s  from %s via %s%s: %s\n", (long long)m->id, when,
	       m->sender, m->modem, m->incomplete ? " (incomplete)" : "",
	       m->text);
	return 0;
}

int sm_cli_inbox(int argc, char **argv, const struct sm_cli_globals *g)
{
	struct inbox_ctx ic = {0};
	bool all = false, json = false;
	struct sm_cli_db c;
	int rc = SM_EXIT_OK;

	if (sm_cli_want_help(argc, argv)) {
		fputs(inbox_usage, stdout);
		return SM_EXIT_OK;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--all") == 0)
			all = true;
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else {
			fputs(inbox_usage, stderr);
			return SM_EXIT_USAGE;
		}
	}
	if (sm_cli_db_open(&c, g, "inbox") < 0)
		return SM_EXIT_ERROR;
	if (json)
		ic.arr = json_array();
	if (sm_store_inbox_list(c.store, SM_IN_NEW, print_inbox, &ic) < 0 ||
	    (all && sm_store_inbox_list(c.store, SM_IN_HANDLED, print_inbox,
					&ic) < 0))
		rc = sm_cli_store_fail(&c, "cannot read the inbox");
	if (json) {
		if (rc == SM_EXIT_OK) {
			json_dumpf(ic.arr, stdout, JSON_COMPACT);
			putchar('\n');
		}
		json_decref(ic.arr);
	}
	sm_cli_db_close(&c);
	return rc;
}
