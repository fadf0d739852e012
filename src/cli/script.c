/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * script.c - `smsmatch script check|try`: dialogue scripts for technicians.
 *
 * check reads a script, reports every problem with its file and line, then
 * shows each message rendered with sample values, its encoding and its
 * number of SMS.  try plays the dialogue in the terminal: the messages as
 * the candidate would receive them, the replies read from stdin line by
 * line (a terminal or a pipe), what was understood after each reply, and
 * the criteria collected at the end.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "smsmatch/pdu.h"
#include "smsmatch/script.h"

/* Virtual clock of `script try`: 2026-01-05 09:00 UTC, one minute a
 * reply. */
#define TRY_EPOCH	 1767603600
#define TRY_STEP	 60
#define TRY_VARS_MAX	 64   /* --var options */
#define TRY_CRITERIA_MAX 32   /* criteria shown at the end */
#define TRY_LINE_MAX	 2048 /* one reply */

static void script_usage(FILE *out)
{
	fputs("Usage: smsmatch script check FILE\n"
	      "       smsmatch script try FILE [--var NAME=VALUE]...\n"
	      "\n"
	      "check: parse the dialogue script FILE and check it (links, "
	      "reachability,\n"
	      "       loops, template variables); show every message "
	      "rendered with sample\n"
	      "       values, its encoding and SMS count.  Exit 1 on errors "
	      "(warnings allowed).\n"
	      "try:   play the dialogue: replies are read from stdin, one "
	      "line each.\n"
	      "       --var NAME=VALUE  a template value (default: sample "
	      "values)\n"
	      "       A line \"/wait 2d\" lets time pass (reminders, "
	      "expiry).\n",
	      out);
}

/* ---- check */

struct check_out {
	int warnings;
};

static void print_problem(void *ctx, enum sm_script_severity sev,
			  const char *msg)
{
	struct check_out *co = ctx;

	switch (sev) {
	case SM_SCRIPT_ERROR:
		fprintf(stderr, "error: %s\n", msg);
		break;
	case SM_SCRIPT_WARNING:
		co->warnings++;
		fprintf(stderr, "warning: %s\n", msg);
		break;
	}
}

/* Render @tmpl with the sample values and print it with its measure. */
static int show(const struct sm_script *s, const struct sm_script_var *vars,
		size_t nvars, const char *title, const char *tmpl)
{
	char out[SM_SCRIPT_MSG_MAX];
	enum sm_pdu_coding coding;
	unsigned parts, units;

	if (!tmpl)
		return 0;
	if (sm_script_render(s, tmpl, vars, nvars, out, sizeof(out), NULL, 0) ||
	    sm_pdu_measure(out,
			   s->encoding == SM_SCRIPT_ENC_GSM7 ? SM_TEXT_GSM7
							     : SM_TEXT_AUTO,
			   &parts, &coding, &units)) {
		printf("%s: cannot be rendered\n", title);
		return -EINVAL;
	}
	printf("%s: %s, %u SMS, %u characters\n  | %s\n", title,
	       sm_pdu_coding_name(coding), parts, units, out);
	return 0;
}

/* The sample values of the standard set and of variables = [...]. */
static size_t sample_vars(const struct sm_script *s, struct sm_script_var *v,
			  size_t max, char (*text)[SM_SCRIPT_ID_MAX + 2])
{
	size_t n = 0;

	for (const struct sm_script_var *sv = sm_script_std_vars();
	     sv->name && n < max; sv++)
		v[n++] = *sv;
	for (size_t i = 0; i < s->nvariables && n < max; i++) {
		snprintf(text[i], SM_SCRIPT_ID_MAX + 2, "[%s]",
			 s->variables[i]);
		v[n].name = s->variables[i];
		v[n++].value = text[i];
	}
	return n;
}

static int cmd_check(const char *path)
{
	struct sm_script_var vars[TRY_VARS_MAX];
	char vtext[SM_SCRIPT_VARS_MAX][SM_SCRIPT_ID_MAX + 2];
	struct check_out co = {0};
	struct sm_script *s = NULL;
	char err[512];
	size_t nvars;
	int errors;

	if (sm_script_read(path, &s, err, sizeof(err))) {
		fprintf(stderr, "error: %s\n", err);
		fprintf(stderr, "smsmatch: script check: %s: 1 error\n", path);
		return SM_EXIT_ERROR;
	}
	errors = sm_script_check(s, print_problem, &co);
	if (errors) {
		fprintf(stderr, "smsmatch: script check: %s: %d error%s\n",
			path, errors, errors > 1 ? "s" : "");
		sm_script_free(s);
		return SM_EXIT_ERROR;
	}
	nvars = sample_vars(s, vars, TRY_VARS_MAX, vtext);
	printf("script \"%s\" (%s): %zu nodes, start '%s', encoding %s, "
	       "threshold %.2f\n",
	       s->name, path, s->nnodes, s->start.to,
	       s->encoding == SM_SCRIPT_ENC_GSM7 ? "gsm7" : "auto",
	       s->threshold);
	for (size_t i = 0; i < s->nnodes; i++) {
		const struct sm_script_node *n = &s->nodes[i];
		char title[128];

		printf("\n");
		if (n->end)
			snprintf(title, sizeof(title), "[%s] end (%s)", n->id,
				 sm_script_outcome_name(n->outcome));
		else
			snprintf(title, sizeof(title), "[%s] %s %s", n->id,
				 sm_script_kind_name(n->kind), n->criterion);
		show(s, vars, nvars, title, n->message);
		snprintf(title, sizeof(title), "[%s] reprompt", n->id);
		show(s, vars, nvars, title, n->reprompt);
	}
	printf("\n");
	show(s, vars, nvars, "reminder", s->reminder);
	show(s, vars, nvars, "help", s->help);
	show(s, vars, nvars, "callback", s->callback_reply);
	show(s, vars, nvars, "stop_confirm", s->stop_confirm);
	for (size_t i = 0; i < s->nfaq; i++) {
		char title[64];

		snprintf(title, sizeof(title), "faq %s", s->faq[i].keywords[0]);
		show(s, vars, nvars, title, s->faq[i].answer);
	}
	for (size_t i = 0; i < s->noffers; i++) {
		char title[64];

		snprintf(title, sizeof(title), "offer %s", s->offers[i].id);
		show(s, vars, nvars, title, s->offers[i].message);
	}
	printf("\n%s: OK, %d warning%s\n", path, co.warnings,
	       co.warnings == 1 ? "" : "s");
	sm_script_free(s);
	return SM_EXIT_OK;
}

/* ---- try */

/* The last finding of each criterion, for the closing table. */
struct collected {
	struct sm_script_finding f[TRY_CRITERIA_MAX];
	char raw[TRY_CRITERIA_MAX][SM_SCRIPT_RAW_MAX];
	size_t n;
};

static void collect(struct collected *c, const struct sm_script_result *r)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct sm_script_finding *f = &r->findings[i];
		size_t k;

		for (k = 0; k < c->n; k++)
			if (!strcmp(c->f[k].criterion, f->criterion))
				break;
		if (k == c->n) {
			if (c->n == TRY_CRITERIA_MAX)
				continue;
			c->n++;
		}
		c->f[k] = *f;
		snprintf(c->raw[k], sizeof(c->raw[k]), "%s", r->raw);
	}
}

static void print_flags(unsigned flags)
{
	if (flags & SM_FINDING_CONDITIONAL)
		printf(" [conditional]");
	if (flags & SM_FINDING_LOW_CONFIDENCE)
		printf(" [low confidence]");
	if (flags & SM_FINDING_ALSO)
		printf(" [also]");
}

static void print_result(const struct sm_script_result *r)
{
	switch (r->event) {
	case SM_SCRIPT_EV_NONE:
	case SM_SCRIPT_EV_STARTED:
	case SM_SCRIPT_EV_ANSWERED:
		break;
	case SM_SCRIPT_EV_REPROMPT:
		printf("  (not understood: asked again)\n");
		break;
	case SM_SCRIPT_EV_GAVE_UP:
		printf("  (not understood: gave up on this question)\n");
		break;
	case SM_SCRIPT_EV_HELP:
		printf("  (help asked)\n");
		break;
	case SM_SCRIPT_EV_FAQ:
		printf("  (a common question: answered)\n");
		break;
	case SM_SCRIPT_EV_CALLBACK:
		printf("  (callback requested: flagged for the advisor)\n");
		break;
	case SM_SCRIPT_EV_REMINDER:
		printf("  (reminder)\n");
		break;
	case SM_SCRIPT_EV_EXPIRED:
		printf("  (expired: no answer)\n");
		break;
	}
	for (size_t i = 0; i < r->nfindings; i++) {
		const struct sm_script_finding *f = &r->findings[i];

		printf("  understood: %s = %s (confidence %.2f, %s)",
		       f->criterion, f->value, f->confidence, f->method);
		print_flags(f->flags);
		printf("\n");
	}
	if (r->question)
		printf("  (a question for the advisor)\n");
	for (size_t i = 0; i < r->nmessages; i++)
		printf("SMS> %s\n", r->messages[i]);
}

/* "NAME=VALUE" into @v, pointing into @arg.  0 or -EINVAL. */
static int parse_var(char *arg, struct sm_script_var *v)
{
	char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		return -EINVAL;
	*eq = '\0';
	v->name = arg;
	v->value = eq + 1;
	return 0;
}

/* "2d", "3h", "90m" in seconds, or -1. */
static long parse_wait(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (end == s || n < 0 || n > 1000)
		return -1;
	if (!strcmp(end, "d"))
		return n * 86400;
	if (!strcmp(end, "h"))
		return n * 3600;
	if (!strcmp(end, "m"))
		return n * 60;
	return -1;
}

static int cmd_try(const char *path, struct sm_script_var *vars, size_t nvars)
{
	char vtext[SM_SCRIPT_VARS_MAX][SM_SCRIPT_ID_MAX + 2];
	static struct sm_script_result r;
	static struct collected col;
	struct sm_script_state st;
	struct sm_script *s = NULL;
	char err[512], line[TRY_LINE_MAX];
	bool tty = isatty(STDIN_FILENO);
	time_t now = TRY_EPOCH;
	int rc;

	rc = sm_script_load(path, &s, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "smsmatch: script try: %s\n", err);
		return SM_EXIT_ERROR;
	}
	/* --var values first: the first of a name wins. */
	nvars += sample_vars(s, vars + nvars, TRY_VARS_MAX - nvars, vtext);
	rc = sm_script_start(s, vars, nvars, now, &st, &r);
	if (rc) {
		fprintf(stderr, "smsmatch: script try: %s: %s\n", path,
			strerror(-rc));
		sm_script_free(s);
		return SM_EXIT_ERROR;
	}
	printf("script \"%s\": replies are read from %s\n", s->name,
	       tty ? "the terminal (Ctrl-D ends)" : "stdin");
	print_result(&r);
	while (!st.done) {
		size_t n;
		long wait;

		if (tty) {
			printf("you> ");
			fflush(stdout);
		}
		if (!fgets(line, sizeof(line), stdin))
			break;
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (!tty)
			printf("you> %s\n", line);
		if (!strncmp(line, "/wait ", 6)) {
			wait = parse_wait(line + 6);
			if (wait < 0) {
				printf("  (/wait takes 2d, 3h or 90m)\n");
				continue;
			}
			now += wait;
			rc = sm_script_tick(s, &st, vars, nvars, now, &r);
		} else {
			now += TRY_STEP;
			rc = sm_script_reply(s, &st, line, vars, nvars, now,
					     &r);
		}
		if (rc) {
			fprintf(stderr, "smsmatch: script try: %s\n",
				strerror(-rc));
			sm_script_free(s);
			return SM_EXIT_ERROR;
		}
		print_result(&r);
		collect(&col, &r);
	}
	if (st.done)
		printf("== outcome: %s\n", sm_script_outcome_name(st.outcome));
	else
		printf("== no more replies (waiting at node '%s')\n", st.node);
	printf("== collected:\n");
	for (size_t i = 0; i < col.n; i++) {
		printf("  %-14s %-12s %.2f", col.f[i].criterion, col.f[i].value,
		       col.f[i].confidence);
		print_flags(col.f[i].flags);
		printf("  \"%s\"\n", col.raw[i]);
	}
	sm_script_free(s);
	return SM_EXIT_OK;
}

int sm_cli_script(int argc, char **argv, const struct sm_cli_globals *g)
{
	struct sm_script_var vars[TRY_VARS_MAX];
	const char *cmd, *path = NULL;
	size_t nvars = 0;

	(void)g;
	if (argc < 2) {
		script_usage(stderr);
		return SM_EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		script_usage(stdout);
		return SM_EXIT_OK;
	}
	if (strcmp(cmd, "check") && strcmp(cmd, "try")) {
		fprintf(stderr, "smsmatch: script: unknown command '%s'\n",
			cmd);
		script_usage(stderr);
		return SM_EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			script_usage(stdout);
			return SM_EXIT_OK;
		}
		if (!strcmp(cmd, "try") && !strcmp(argv[i], "--var") &&
		    i + 1 < argc) {
			if (nvars == TRY_VARS_MAX - SM_SCRIPT_VARS_MAX - 16 ||
			    parse_var(argv[++i], &vars[nvars])) {
				fprintf(stderr,
					"smsmatch: script try: --var '%s': "
					"expected NAME=VALUE\n",
					argv[i]);
				return SM_EXIT_USAGE;
			}
			nvars++;
			continue;
		}
		if (argv[i][0] == '-' || path) {
			fprintf(stderr,
				"smsmatch: script %s: unexpected '%s'\n", cmd,
				argv[i]);
			script_usage(stderr);
			return SM_EXIT_USAGE;
		}
		path = argv[i];
	}
	if (!path) {
		script_usage(stderr);
		return SM_EXIT_USAGE;
	}
	return !strcmp(cmd, "check") ? cmd_check(path)
				     : cmd_try(path, vars, nvars);
}
