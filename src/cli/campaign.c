/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * campaign.c - `smsmatch campaign new|list|show|start|pause|resume|close|
 * status` and `smsmatch candidates import`: the advisor's side of a
 * campaign, straight on the gateway's database (WAL: smsmatchd may run).
 *
 * An import reads the agency's CSV (csv.h) and feeds the rows to the store
 * one at a time inside one transaction: a file that cannot be read or
 * decoded, or that lacks a required column, imports nothing; a bad row
 * (landline, invalid number, no first name, a field too long) is reported
 * with its line number and skipped.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "smsmatch/config.h"
#include "smsmatch/csv.h"
#include "smsmatch/phone.h"
#include "smsmatch/script.h"
#include "smsmatch/shortlist.h"
#include "smsmatch/store_campaign.h"

/* A positive decimal id, or 0. */
static int64_t parse_id(const char *s)
{
	char *end;
	long long v;

	if (!s || *s < '1' || *s > '9')
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return 0;
	return (int64_t)v;
}

/* "YYYY-MM-DD HH:MM": sm_cli_fmt_time() without the seconds. */
static void fmt_time(int64_t t, char *buf, size_t len)
{
	sm_cli_fmt_time(t, buf, len);
	if (t && len > 16)
		buf[16] = '\0';
}

/* ---- campaign new */

static const char campaign_usage[] =
	"Usage: smsmatch campaign new --name NAME --script FILE --trade TEXT\n"
	"                    --start DATE --end DATE --place TEXT --seats N\n"
	"                    [--prerequisite TEXT]...\n"
	"       smsmatch campaign list\n"
	"       smsmatch campaign show ID\n"
	"       smsmatch campaign start|pause|resume|close ID\n"
	"       smsmatch campaign status ID\n"
	"\n"
	"A campaign is one training session (trade, dates, place, seats,\n"
	"prerequisites) and the dialogue script that texts its candidates.\n"
	"`new` creates it as a draft and prints its id; import candidates "
	"with\n"
	"`smsmatch candidates import FILE --campaign ID`, then `start` it: "
	"the\n"
	"daemon contacts the candidates.  `pause` stops first contacts,\n"
	"reminders and replies (a candidate's SMS waits in `smsmatch inbox`),\n"
	"`resume` goes on and plays them, `close` ends it for good.  `status`\n"
	"prints the funnel and the reply times.\n"
	"The script must pass `smsmatch script check`.\n"
	"DATE is YYYY-MM-DD or DD/MM/YYYY.\n";

/* "YYYY-MM-DD" or "DD/MM/YYYY" into @out as YYYY-MM-DD; false if neither
 * (the store checks the calendar). */
static bool parse_date(const char *in, char *out, size_t len)
{
	int a, b, y, n = 0;

	if (strlen(in) != 10)
		return false;
	if (sscanf(in, "%4d-%2d-%2d%n", &y, &a, &b, &n) == 3 && n == 10 &&
	    in[4] == '-')
		return snprintf(out, len, "%04d-%02d-%02d", y, a, b) == 10;
	if (sscanf(in, "%2d/%2d/%4d%n", &b, &a, &y, &n) == 3 && n == 10 &&
	    in[2] == '/')
		return snprintf(out, len, "%04d-%02d-%02d", y, a, b) == 10;
	return false;
}

/* Copy @v into field @f of @size bytes: false if it does not fit. */
static bool set_field(char *f, size_t size, const char *v)
{
	if (strlen(v) >= size)
		return false;
	memcpy(f, v, strlen(v) + 1);
	return true;
}

static int campaign_new(int argc, char **argv, const struct sm_cli_globals *g)
{
	struct sm_store_campaign *c = calloc(1, sizeof(*c));
	const char *name = NULL, *script = NULL, *trade = NULL, *start = NULL,
		   *end = NULL, *place = NULL, *seats = NULL;
	char real[PATH_MAX], err[512], *endp;
	struct sm_script *parsed = NULL;
	struct sm_cli_db cc;
	size_t plen = 0;
	int64_t id = 0;
	long nseats;
	FILE *f;
	int rc = SM_EXIT_USAGE;

	if (!c) {
		fprintf(stderr, "smsmatch: campaign: out of memory\n");
		return SM_EXIT_ERROR;
	}
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			goto usage;
		if (strcmp(a, "--name") == 0)
			name = v;
		else if (strcmp(a, "--script") == 0)
			script = v;
		else if (strcmp(a, "--trade") == 0)
			trade = v;
		else if (strcmp(a, "--start") == 0)
			start = v;
		else if (strcmp(a, "--end") == 0)
			end = v;
		else if (strcmp(a, "--place") == 0)
			place = v;
		else if (strcmp(a, "--seats") == 0)
			seats = v;
		else if (strcmp(a, "--prerequisite") == 0) {
			size_t n = strlen(v);

			if (!n || strchr(v, '\n')) {
				fprintf(stderr, "smsmatch: campaign: a "
						"prerequisite is one "
						"non-empty line\n");
				rc = SM_EXIT_ERROR;
				goto out;
			}
			if (plen + n + 2 > sizeof(c->prerequisites)) {
				fprintf(stderr,
					"smsmatch: campaign: prerequisites "
					"too long (at most %zu bytes)\n",
					sizeof(c->prerequisites) - 1);
				rc = SM_EXIT_ERROR;
				goto out;
			}
			plen += (size_t)snprintf(c->prerequisites + plen,
						 sizeof(c->prerequisites) -
							 plen,
						 "%s%s", plen ? "\n" : "", v);
		} else
			goto usage;
		i++;
	}
	if (!name || !script || !trade || !start || !end || !place || !seats)
		goto usage;

	rc = SM_EXIT_ERROR;
	if (!*name || !set_field(c->name, sizeof(c->name), name)) {
		fprintf(stderr,
			"smsmatch: campaign: --name must be 1 to %zu "
			"bytes\n",
			sizeof(c->name) - 1);
		goto out;
	}
	if (!set_field(c->trade, sizeof(c->trade), trade) ||
	    !set_field(c->place, sizeof(c->place), place)) {
		fprintf(stderr,
			"smsmatch: campaign: --trade and --place are "
			"at most %zu bytes\n",
			sizeof(c->trade) - 1);
		goto out;
	}
	if (!parse_date(start, c->start_date, sizeof(c->start_date)) ||
	    !parse_date(end, c->end_date, sizeof(c->end_date))) {
		fprintf(stderr,
			"smsmatch: campaign: dates are YYYY-MM-DD or "
			"DD/MM/YYYY (got '%s', '%s')\n",
			start, end);
		goto out;
	}
	errno = 0;
	nseats = strtol(seats, &endp, 10);
	if (errno || *endp || nseats < 1 || nseats > 10000) {
		fprintf(stderr,
			"smsmatch: campaign: --seats must be a number "
			"from 1 to 10000 (got '%s')\n",
			seats);
		goto out;
	}
	c->seats = (int)nseats;
	f = fopen(script, "r");
	if (!f) {
		fprintf(stderr, "smsmatch: campaign: script %s: %s\n", script,
			strerror(errno));
		goto out;
	}
	fclose(f);
	/* The dialogue must be able to run (`smsmatch script check FILE`
	 * lists every problem). */
	if (sm_script_load(script, &parsed, err, sizeof(err)) < 0) {
		fprintf(stderr, "smsmatch: campaign: %s\n", err);
		goto out;
	}
	sm_script_free(parsed);
	/* The daemon reads it later, from another directory. */
	if (!realpath(script, real) ||
	    !set_field(c->script, sizeof(c->script), real)) {
		fprintf(stderr,
			"smsmatch: campaign: script %s: path too "
			"long (at most %zu bytes)\n",
			script, sizeof(c->script) - 1);
		goto out;
	}
	if (sm_cli_db_open(&cc, g, "campaign") < 0)
		goto out;
	rc = sm_store_campaign_add(cc.store, c, (int64_t)time(NULL), &id);
	if (rc == -EINVAL) {
		fprintf(stderr,
			"smsmatch: campaign: the dates are not real "
			"days, or the end (%s) is before the start "
			"(%s)\n",
			c->end_date, c->start_date);
		rc = SM_EXIT_ERROR;
	} else if (rc < 0) {
		rc = sm_cli_store_fail(&cc, "cannot create the campaign");
	} else {
		char detail[SM_STORE_ERROR_MAX];

		snprintf(detail, sizeof(detail), "campaign %lld: %s",
			 (long long)id, c->name);
		sm_cli_audit(cc.store, "campaign.new", NULL, "%s", detail);
		printf("%lld\n", (long long)id);
		rc = SM_EXIT_OK;
	}
	sm_store_close(cc.store);
out:
	free(c);
	return rc;
usage:
	fputs(campaign_usage, stderr);
	free(c);
	return SM_EXIT_USAGE;
}

/* ---- campaign list / show */

struct id_list {
	int64_t *ids; /* campaign ids */
	size_t n, cap;
};

static int collect_id(const struct sm_store_campaign *c, void *data)
{
	struct id_list *l = data;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		int64_t *ids = realloc(l->ids, cap * sizeof(*ids));

		if (!ids)
			return -ENOMEM;
		l->ids = ids;
		l->cap = cap;
	}
	l->ids[l->n++] = c->id;
	return 0;
}

static int campaign_list(struct sm_cli_db *cc)
{
	struct id_list l = {0};
	int rc = sm_store_campaign_list(cc->store, collect_id, &l);

	if (rc < 0) {
		free(l.ids);
		return sm_cli_store_fail(cc, "cannot list the campaigns");
	}
	if (!l.n)
		printf("no campaign\n");
	else
		printf("%-5s %-8s %-10s %-10s %5s %10s  %s\n", "ID", "STATE",
		       "START", "END", "SEATS", "CANDIDATES", "NAME");
	for (size_t i = 0; i < l.n; i++) {
		struct sm_store_campaign c;
		struct sm_store_campaign_funnel f;

		if (sm_store_campaign_get(cc->store, l.ids[i], &c) < 0 ||
		    sm_store_campaign_funnel(cc->store, l.ids[i], &f) < 0) {
			free(l.ids);
			return sm_cli_store_fail(cc, "cannot read a campaign");
		}
		printf("%-5lld %-8s %-10s %-10s %5d %10d  %s\n",
		       (long long)c.id, sm_campaign_state_name(c.state),
		       c.start_date, c.end_date, c.seats, f.candidates, c.name);
	}
	free(l.ids);
	return SM_EXIT_OK;
}

/* Read campaign @arg, with the messages: 0, or an exit code. */
static int get_campaign(struct sm_cli_db *cc, const char *arg, int64_t id,
			struct sm_store_campaign *c)
{
	int rc = sm_store_campaign_get(cc->store, id, c);

	if (rc == -ENOENT) {
		fprintf(stderr, "smsmatch: %s: no campaign %s\n", cc->cmd, arg);
		return SM_EXIT_ERROR;
	}
	if (rc < 0)
		return sm_cli_store_fail(cc, "cannot read the campaign");
	return 0;
}

static int campaign_show(struct sm_cli_db *cc, const char *arg, int64_t id)
{
	struct sm_store_campaign c;
	struct sm_store_campaign_funnel f;
	char created[32], started[32], closed[32];
	int rc = get_campaign(cc, arg, id, &c);

	if (rc)
		return rc;
	if (sm_store_campaign_funnel(cc->store, id, &f) < 0)
		return sm_cli_store_fail(cc, "cannot read the campaign");
	fmt_time(c.created_at, created, sizeof(created));
	fmt_time(c.started_at, started, sizeof(started));
	fmt_time(c.closed_at, closed, sizeof(closed));
	printf("campaign %lld: %s\n", (long long)c.id, c.name);
	printf("  state          %s\n", sm_campaign_state_name(c.state));
	printf("  trade          %s\n", c.trade);
	printf("  session        %s to %s\n", c.start_date, c.end_date);
	printf("  place          %s\n", c.place);
	printf("  seats          %d\n", c.seats);
	printf("  script         %s\n", c.script);
	printf("  prerequisites  ");
	if (!c.prerequisites[0])
		printf("none\n");
	for (const char *p = c.prerequisites; *p;) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);

		printf("%s%.*s\n",
		       p == c.prerequisites ? "" : "                 ", n, p);
		p += n + (nl ? 1 : 0);
	}
	printf("  candidates     %d\n", f.candidates);
	printf("  created        %s\n", created);
	printf("  started        %s\n", started);
	printf("  closed         %s\n", closed);
	return SM_EXIT_OK;
}

/* ---- campaign start / pause / resume / close */

static int campaign_move(struct sm_cli_db *cc, const char *verb,
			 const char *arg, int64_t id)
{
	enum sm_campaign_state to;
	struct sm_store_campaign c;
	char detail[64], action[32];
	int rc = get_campaign(cc, arg, id, &c);

	if (rc)
		return rc;
	if (strcmp(verb, "pause") == 0)
		to = SM_CAMPAIGN_PAUSED;
	else if (strcmp(verb, "close") == 0)
		to = SM_CAMPAIGN_CLOSED;
	else
		to = SM_CAMPAIGN_RUNNING;
	/* start is for a draft, resume for a paused campaign. */
	if ((strcmp(verb, "start") == 0 && c.state == SM_CAMPAIGN_PAUSED) ||
	    (strcmp(verb, "resume") == 0 && c.state == SM_CAMPAIGN_DRAFT))
		rc = -EINVAL;
	else
		rc = sm_store_campaign_set_state(cc->store, id, to,
						 (int64_t)time(NULL));
	if (rc == -EINVAL) {
		const char *hint = "";

		if (c.state == SM_CAMPAIGN_PAUSED && to == SM_CAMPAIGN_RUNNING)
			hint = " (use resume)";
		else if (c.state == SM_CAMPAIGN_DRAFT &&
			 to == SM_CAMPAIGN_RUNNING)
			hint = " (use start)";
		else if (c.state == SM_CAMPAIGN_CLOSED)
			hint = ": a closed campaign stays closed";
		fprintf(stderr,
			"smsmatch: campaign: cannot %s campaign %lld: "
			"it is %s%s\n",
			verb, (long long)id, sm_campaign_state_name(c.state),
			hint);
		return SM_EXIT_ERROR;
	}
	if (rc < 0)
		return sm_cli_store_fail(cc, "cannot change the campaign");
	snprintf(detail, sizeof(detail), "campaign %lld: %s -> %s",
		 (long long)id, sm_campaign_state_name(c.state),
		 sm_campaign_state_name(to));
	snprintf(action, sizeof(action), "campaign.%s", verb);
	sm_cli_audit(cc->store, action, NULL, "%s", detail);
	printf("campaign %lld: %s\n", (long long)id,
	       sm_campaign_state_name(to));
	return SM_EXIT_OK;
}

/* ---- campaign status */

static void fmt_duration(int64_t s, char *buf, size_t len)
{
	if (s < 0)
		snprintf(buf, len, "-");
	else if (s < 3600)
		snprintf(buf, len, "%lld min", (long long)((s + 30) / 60));
	else
		snprintf(buf, len, "%lld h %02lld", (long long)(s / 3600),
			 (long long)((s % 3600) / 60));
}

static void funnel_line(const char *what, int n, int of)
{
	if (of > 0)
		printf("  %-13s %6d  %3d %%\n", what, n,
		       (int)((n * 100LL + of / 2) / of));
	else
		printf("  %-13s %6d\n", what, n);
}

struct status_modems {
	const struct sm_config *cfg; /* for the daily limits */
	int n;			     /* printed so far */
};

static int print_modem(const struct sm_store_modem *m, void *data)
{
	struct status_modems *sm = data;
	const struct sm_config_modem *cm = sm_config_modem_find(sm->cfg,
							       m->name);
	char sent[48];

	if (cm)
		snprintf(sent, sizeof(sent), "%d/%d sent today", m->sent_today,
			 cm->daily_limit);
	else
		snprintf(sent, sizeof(sent), "%d sent today", m->sent_today);
	printf("%s %s %s", sm->n++ ? "," : "modems:", m->name,
	       sm_store_modem_state_name(m->state));
	if (m->signal_dbm)
		printf(" (%d dBm, %s)", m->signal_dbm, sent);
	else
		printf(" (%s)", sent);
	return 0;
}

static int campaign_status(struct sm_cli_db *cc, const char *arg, int64_t id)
{
	struct sm_store_campaign c;
	struct sm_store_campaign_funnel f;
	struct sm_shortlist *sl;
	struct sm_store_queue_stats q;
	struct status_modems sm = {.cfg = &cc->cfg};
	char median[32];
	int rc = get_campaign(cc, arg, id, &c);

	if (rc)
		return rc;
	if (sm_store_campaign_funnel(cc->store, id, &f) < 0)
		return sm_cli_store_fail(cc, "cannot read the campaign");
	/* "shortlisted" as the shortlist counts it: groups 1 and 2 of the
	 * ranking (complete and compatible, or with a need the region can
	 * meet), not every complete conversation. */
	if (sm_shortlist_build(cc->store, id, &sl) < 0)
		return sm_cli_store_fail(cc, "cannot rank the candidates");
	f.shortlisted = sl->funnel.shortlisted;
	sm_shortlist_free(sl);
	printf("campaign %lld: %s (%s)\n", (long long)c.id, c.name,
	       sm_campaign_state_name(c.state));
	funnel_line("candidates", f.candidates, 0);
	funnel_line("invited", f.invited, f.candidates);
	funnel_line("delivered", f.delivered, f.invited);
	funnel_line("consented", f.consented, f.invited);
	funnel_line("answered", f.answered, f.invited);
	funnel_line("complete", f.complete, f.invited);
	funnel_line("shortlisted", f.shortlisted, f.invited);
	funnel_line("declined", f.declined, f.invited);
	funnel_line("opted out", f.opted_out, f.invited);
	funnel_line("no answer", f.no_answer, f.invited);
	funnel_line("unreachable", f.unreachable, f.invited);
	funnel_line("callback", f.callback, f.invited);
	funnel_line("in progress", f.open, f.invited);
	fmt_duration(f.reply_median, median, sizeof(median));
	printf("reply times: median %s from the first message to the first "
	       "reply",
	       median);
	if (f.answered)
		printf("; %d %% of repliers within 5 hours\n",
		       (int)((f.replied_5h * 100LL + f.answered / 2) /
			     f.answered));
	else
		printf("\n");
	/* The gateway's queue (every campaign), then the modems that carry
	 * it, as smsmatchd last recorded them. */
	if (sm_store_queue_stats(cc->store, &q) < 0)
		return sm_cli_store_fail(cc, "cannot read the queue");
	printf("queue: %d waiting, %d being sent, %d unconfirmed%s\n",
	       q.count[SM_OUT_QUEUED], q.count[SM_OUT_CLAIMED],
	       q.count[SM_OUT_UNCONFIRMED],
	       q.count[SM_OUT_UNCONFIRMED] ? " (see smsmatch queue)" : "");
	if (sm_store_modem_list(cc->store, print_modem, &sm) < 0)
		return sm_cli_store_fail(cc, "cannot list the modems");
	printf("%s\n", sm.n ? "" : "modems: none recorded yet");
	return SM_EXIT_OK;
}

int sm_cli_campaign(int argc, char **argv, const struct sm_cli_globals *g)
{
	const char *verb = argc > 1 ? argv[1] : NULL;
	struct sm_cli_db cc;
	int64_t id = 0;
	int rc;

	if (sm_cli_want_help(argc, argv)) {
		fputs(campaign_usage, stdout);
		return SM_EXIT_OK;
	}
	if (!verb) {
		fputs(campaign_usage, stderr);
		return SM_EXIT_USAGE;
	}
	if (strcmp(verb, "new") == 0)
		return campaign_new(argc, argv, g);
	if (strcmp(verb, "list") == 0) {
		if (argc != 2) {
			fputs(campaign_usage, stderr);
			return SM_EXIT_USAGE;
		}
	} else if (strcmp(verb, "show") == 0 || strcmp(verb, "start") == 0 ||
		   strcmp(verb, "pause") == 0 || strcmp(verb, "resume") == 0 ||
		   strcmp(verb, "close") == 0 || strcmp(verb, "status") == 0) {
		if (argc != 3 || !(id = parse_id(argv[2]))) {
			fputs(campaign_usage, stderr);
			return SM_EXIT_USAGE;
		}
	} else {
		fprintf(stderr, "smsmatch: campaign: unknown command '%s'\n",
			verb);
		fputs(campaign_usage, stderr);
		return SM_EXIT_USAGE;
	}
	if (sm_cli_db_open(&cc, g, "campaign") < 0)
		return SM_EXIT_ERROR;
	if (strcmp(verb, "list") == 0)
		rc = campaign_list(&cc);
	else if (strcmp(verb, "show") == 0)
		rc = campaign_show(&cc, argv[2], id);
	else if (strcmp(verb, "status") == 0)
		rc = campaign_status(&cc, argv[2], id);
	else
		rc = campaign_move(&cc, verb, argv[2], id);
	sm_store_close(cc.store);
	return rc;
}

/* ---- candidates import */

static const char candidates_usage[] =
	"Usage: smsmatch candidates import FILE --campaign ID\n"
	"\n"
	"Import the candidates of a CSV file from the agency into a campaign "
	"that is\n"
	"not closed.  The file may use ';' or ',', UTF-8 (with or without "
	"BOM) or\n"
	"Windows-1252; its header names the columns in French or English:\n"
	"  identifiant / id / numero_demandeur      (optional)\n"
	"  prénom / first_name                      (required)\n"
	"  nom / last_name / nom_de_famille         (optional)\n"
	"  téléphone / portable / mobile / tel / phone  (required)\n"
	"  code postal / cp / zip, commune / ville / city\n"
	"Any other column becomes a template variable named after its "
	"header\n"
	"(\"Date de naissance\" -> {date_de_naissance}).\n"
	"\n"
	"Mobile numbers are normalised (06 12 34 56 78 -> +33612345678); "
	"foreign\n"
	"numbers are imported with a warning; landlines and invalid numbers "
	"are\n"
	"skipped with their line number.  A number twice in the file or "
	"already in\n"
	"the campaign is merged (the later row wins); opted-out numbers are "
	"skipped.\n"
	"The file imports as a whole or not at all: an unreadable file, an "
	"encoding\n"
	"that cannot be decoded or a missing required column imports "
	"nothing.\n";

/* What the columns of the file hold. */
struct columns {
	int id, first, last, phone;		/* column index or -1 */
	enum sm_csv_role role[SM_CSV_COLS_MAX]; /* per column */
	char var[SM_CSV_COLS_MAX][64];		/* variable name, "" if none */
	int n;					/* header fields */
};

/* State of one import, handed to the store row by row. */
struct import {
	const char *file;	    /* as named on the command line */
	struct sm_csv *csv;	    /* the reader, past the header */
	struct columns cols;	    /* from the header */
	int skipped;		    /* rows reported and left out */
	int foreign;		    /* foreign numbers imported */
	int rows;		    /* data rows read */
	char error[SM_CSV_ERR_MAX]; /* why the import stopped, "" */
};

static int map_header(struct import *im, const struct sm_csv_record *h)
{
	struct columns *c = &im->cols;

	c->id = c->first = c->last = c->phone = -1;
	c->n = h->nfields;
	for (int i = 0; i < h->nfields; i++) {
		char f[64];
		int rc = sm_csv_fold_name(h->field[i], f, sizeof(f));
		enum sm_csv_role r = rc == -EINVAL ? SM_CSV_COL_OTHER
						   : sm_csv_column_role(f);
		int *slot = NULL;

		if (rc == -EINVAL)
			snprintf(f, sizeof(f), "colonne_%d", i + 1);
		switch (r) {
		case SM_CSV_COL_ID:
			slot = &c->id;
			break;
		case SM_CSV_COL_FIRST_NAME:
			slot = &c->first;
			break;
		case SM_CSV_COL_LAST_NAME:
			slot = &c->last;
			break;
		case SM_CSV_COL_PHONE:
			slot = &c->phone;
			break;
		case SM_CSV_COL_POSTCODE:
		case SM_CSV_COL_CITY:
		case SM_CSV_COL_OTHER:
			break;
		}
		/* A second column of a role is kept as a variable. */
		if (slot && *slot >= 0)
			r = SM_CSV_COL_OTHER;
		else if (slot)
			*slot = i;
		c->role[i] = r;
		c->var[i][0] = '\0';
		if (!slot || r == SM_CSV_COL_OTHER)
			snprintf(c->var[i], sizeof(c->var[i]), "%s",
				 sm_csv_role_var(r) ? sm_csv_role_var(r) : f);
	}
	if (c->phone < 0) {
		fprintf(stderr,
			"smsmatch: candidates: %s: no phone column "
			"(téléphone, portable, mobile, tel or "
			"phone): nothing imported\n",
			im->file);
		return -1;
	}
	if (c->first < 0) {
		fprintf(stderr,
			"smsmatch: candidates: %s: no first-name "
			"column (prénom, first_name or firstname): "
			"nothing imported\n",
			im->file);
		return -1;
	}
	return 0;
}

/* @s without its leading and trailing blanks, into @out (@len bytes):
 * false if it does not fit. */
static bool trimmed(const char *s, char *out, size_t len)
{
	size_t n;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
		n--;
	if (n >= len)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

static const char *field_of(const struct sm_csv_record *r, int col)
{
	return col >= 0 && col < r->nfields ? r->field[col] : "";
}

/* Report row @line as skipped: "FILE:LINE: why: skipped". */
static void skip(struct import *im, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void skip(struct import *im, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", im->file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(": skipped\n", stderr);
	im->skipped++;
}

/* Fill @row from @r: 1 to import it, 0 to skip it (reported). */
static int build_row(struct import *im, const struct sm_csv_record *r,
		     struct sm_store_candidate *row)
{
	const struct columns *c = &im->cols;
	char raw[SM_CSV_FIELD_MAX + 1];
	json_t *vars;
	char *js;
	enum sm_phone_kind kind;
	int rc = 1;

	row->line = r->line;
	trimmed(field_of(r, c->phone), raw, sizeof(raw));
	if (!raw[0]) {
		skip(im, r->line, "no phone number");
		return 0;
	}
	kind = sm_phone_normalize(raw, row->phone, sizeof(row->phone));
	switch (kind) {
	case SM_PHONE_INVALID:
		skip(im, r->line, "'%s' is not a phone number", raw);
		return 0;
	case SM_PHONE_LANDLINE:
		skip(im, r->line, "'%s' is a landline", raw);
		return 0;
	case SM_PHONE_FOREIGN:
		fprintf(stderr,
			"%s:%d: '%s' is a foreign number: imported as "
			"%s\n",
			im->file, r->line, raw, row->phone);
		im->foreign++;
		break;
	case SM_PHONE_MOBILE:
		break;
	}
	if (!trimmed(field_of(r, c->first), row->first_name,
		     sizeof(row->first_name)) ||
	    !trimmed(field_of(r, c->last), row->last_name,
		     sizeof(row->last_name)) ||
	    !trimmed(field_of(r, c->id), row->ext_id, sizeof(row->ext_id))) {
		skip(im, r->line,
		     "a name or identifier is longer than %zu "
		     "bytes",
		     sizeof(row->first_name) - 1);
		return 0;
	}
	if (!row->first_name[0]) {
		skip(im, r->line, "no first name");
		return 0;
	}
	vars = json_object();
	if (!vars)
		return -ENOMEM;
	for (int i = 0; i < r->nfields && i < c->n; i++) {
		if (!c->var[i][0])
			continue;
		trimmed(r->field[i], raw, sizeof(raw));
		if (raw[0] && json_object_set_new(vars, c->var[i],
						  json_string(raw)) < 0) {
			json_decref(vars);
			return -ENOMEM;
		}
	}
	js = json_dumps(vars, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(vars);
	if (!js)
		return -ENOMEM;
	if (!set_field(row->vars, sizeof(row->vars), js)) {
		skip(im, r->line, "the other columns hold more than %zu bytes",
		     sizeof(row->vars) - 1);
		rc = 0;
	}
	free(js);
	return rc;
}

/* sm_store_candidate_next_fn over the CSV rows. */
static int next_candidate(struct sm_store_candidate *row, void *data)
{
	struct import *im = data;
	struct sm_csv_record r;
	int rc;

	for (;;) {
		rc = sm_csv_next(im->csv, &r);
		if (rc < 0) {
			snprintf(im->error, sizeof(im->error), "%s",
				 sm_csv_error(im->csv));
			return rc;
		}
		if (rc == 0)
			return 0;
		im->rows++;
		memset(row, 0, sizeof(*row));
		rc = build_row(im, &r, row);
		if (rc != 0)
			return rc;
	}
}

static int candidates_import(const char *file, const char *camp,
			     const struct sm_cli_globals *g)
{
	struct sm_store_import_report rep;
	struct sm_store_campaign c;
	struct sm_csv_record h;
	struct sm_cli_db cc;
	struct import *im;
	char err[SM_CSV_ERR_MAX], detail[SM_STORE_ERROR_MAX];
	int64_t id = parse_id(camp);
	int rc;

	if (!id) {
		fputs(candidates_usage, stderr);
		return SM_EXIT_USAGE;
	}
	im = calloc(1, sizeof(*im));
	if (!im) {
		fprintf(stderr, "smsmatch: candidates: out of memory\n");
		return SM_EXIT_ERROR;
	}
	im->file = file;
	if (sm_csv_open(file, &im->csv, err, sizeof(err)) < 0) {
		fprintf(stderr, "smsmatch: candidates: %s: nothing imported\n",
			err);
		free(im);
		return SM_EXIT_ERROR;
	}
	rc = sm_csv_next(im->csv, &h);
	if (rc <= 0) {
		fprintf(stderr, "smsmatch: candidates: %s: nothing imported\n",
			rc < 0 ? sm_csv_error(im->csv) : "no header line");
		rc = SM_EXIT_ERROR;
		goto out;
	}
	if (map_header(im, &h) < 0) {
		rc = SM_EXIT_ERROR;
		goto out;
	}
	if (sm_cli_db_open(&cc, g, "candidates") < 0) {
		rc = SM_EXIT_ERROR;
		goto out;
	}
	rc = get_campaign(&cc, camp, id, &c);
	if (rc == 0 && c.state == SM_CAMPAIGN_CLOSED) {
		fprintf(stderr,
			"smsmatch: candidates: campaign %lld is "
			"closed: nothing imported\n",
			(long long)id);
		rc = SM_EXIT_ERROR;
	}
	if (rc) {
		sm_store_close(cc.store);
		goto out;
	}
	rc = sm_store_candidates_import_stream(cc.store, id, next_candidate, im,
					       (int64_t)time(NULL), &rep);
	if (rc < 0 && im->error[0]) {
		fprintf(stderr, "smsmatch: candidates: %s: nothing imported\n",
			im->error);
		rc = SM_EXIT_ERROR;
	} else if (rc == -ENOMEM) {
		fprintf(stderr, "smsmatch: candidates: out of memory: nothing "
				"imported\n");
		rc = SM_EXIT_ERROR;
	} else if (rc < 0) {
		rc = sm_cli_store_fail(&cc, "nothing imported");
	} else {
		printf("imported %d candidates (%d merged, %d opted out, %d "
		       "skipped%s)\n",
		       rep.added, rep.merged, rep.opted_out, im->skipped,
		       im->skipped ? ": see above" : "");
		snprintf(detail, sizeof(detail),
			 "campaign %lld: %s: %d rows, %d added, %d merged, %d "
			 "opted out, %d skipped",
			 (long long)id, file, im->rows, rep.added, rep.merged,
			 rep.opted_out, im->skipped);
		sm_cli_audit(cc.store, "candidates.import", NULL, "%s",
			     detail);
		rc = SM_EXIT_OK;
	}
	sm_store_close(cc.store);
out:
	sm_csv_free(im->csv);
	free(im);
	return rc;
}

int sm_cli_candidates(int argc, char **argv, const struct sm_cli_globals *g)
{
	const char *file = NULL, *camp = NULL;

	if (sm_cli_want_help(argc, argv)) {
		fputs(candidates_usage, stdout);
		return SM_EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "import") != 0) {
		fputs(candidates_usage, stderr);
		return SM_EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--campaign") == 0 && i + 1 < argc)
			camp = argv[++i];
		else if (!file && argv[i][0] != '-')
			file = argv[i];
		else {
			fputs(candidates_usage, stderr);
			return SM_EXIT_USAGE;
		}
	}
	if (!file || !camp) {
		fputs(candidates_usage, stderr);
		return SM_EXIT_USAGE;
	}
	return candidates_import(file, camp, g);
}
