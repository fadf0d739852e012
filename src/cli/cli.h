/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.h - the subcommands of `smsmatch`, one function each.
 *
 * src/cli/main.c parses the global options and calls one of these with the
 * rest of the command line (argv[0] is the subcommand's name).  Each returns
 * the process exit code: 0 success, 1 a user error (one clear message on
 * stderr, prefixed "smsmatch: <command>: "), 2 a usage error.
 */
#ifndef SMSMATCH_CLI_H
#define SMSMATCH_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smsmatch/config.h"
#include "smsmatch/store.h"

/* Exit codes shared by every subcommand. */
enum {
	SM_EXIT_OK = 0,	   /* success */
	SM_EXIT_ERROR = 1, /* the user's input or the environment failed */
	SM_EXIT_USAGE = 2, /* bad options or arguments */
};

/* Global options given before the subcommand. */
struct sm_cli_globals {
	const char *config_path; /* -c FILE, or NULL for the default */
	int verbose;		 /* -v count */
};

/* `smsmatch pdu decode|encode ...` (src/cli/pdu.c) */
int sm_cli_pdu(int argc, char **argv);

/* `smsmatch modem probe|send|listen ...` (src/cli/modem.c) */
int sm_cli_modem(int argc, char **argv, const struct sm_cli_globals *g);

/* Gateway database commands (src/cli/gateway.c). */
int sm_cli_send(int argc, char **argv, const struct sm_cli_globals *g);
int sm_cli_queue(int argc, char **argv, const struct sm_cli_globals *g);
int sm_cli_modems(int argc, char **argv, const struct sm_cli_globals *g);
int sm_cli_optout(int argc, char **argv, const struct sm_cli_globals *g);
int sm_cli_inbox(int argc, char **argv, const struct sm_cli_globals *g);

/* Campaigns and their candidates (src/cli/campaign.c). */
int sm_cli_campaign(int argc, char **argv, const struct sm_cli_globals *g);
int sm_cli_candidates(int argc, char **argv, const struct sm_cli_globals *g);

/* `smsmatch shortlist ID [--format F] [-o FILE]` (src/cli/shortlist.c) */
int sm_cli_shortlist(int argc, char **argv, const struct sm_cli_globals *g);
/* `smsmatch script check|try ...` (src/cli/script.c) */
int sm_cli_script(int argc, char **argv, const struct sm_cli_globals *g);
/* `smsmatch llm test [--json] [--answer TEXT]` (src/cli/llm.c) */
int sm_cli_llm(int argc, char **argv, const struct sm_cli_globals *g);

/* Data protection (src/cli/privacy.c): `purge`, `audit`, `person`. */
int sm_cli_purge(int argc, char **argv, const struct sm_cli_globals *g);
int sm_cli_audit_cmd(int argc, char **argv, const struct sm_cli_globals *g);
int sm_cli_person(int argc, char **argv, const struct sm_cli_globals *g);

/* ---- shared by the database commands (src/cli/common.c) */

/* The configuration and the open store of one command. */
struct sm_cli_db {
	struct sm_config cfg;	/* loaded configuration */
	struct sm_store *store; /* its database */
	const char *cmd;	/* "purge", "person"... for messages */
};

/* Load the configuration (-c or the default), apply its time zone, warn
 * about the database's file modes, open the database.  0, or -1 after
 * printing "smsmatch: CMD: reason". */
int sm_cli_db_open(struct sm_cli_db *c, const struct sm_cli_globals *g,
		   const char *cmd);
void sm_cli_db_close(struct sm_cli_db *c);
/* Print "smsmatch: CMD: WHAT: <store error>"; returns SM_EXIT_ERROR. */
int sm_cli_store_fail(const struct sm_cli_db *c, const char *what);
/* Warn on stderr about the modes of the database files of @cfg. */
void sm_cli_check_db(const struct sm_config *cfg);
/* Is --help or -h among the arguments? */
bool sm_cli_want_help(int argc, char **argv);
/* @t as local "YYYY-MM-DD HH:MM:SS", "-" for 0. */
void sm_cli_fmt_time(int64_t t, char *buf, size_t len);
/* Who runs this: "cli:USER" from getuid() ("cli:uid N" without a name),
 * "cli:ALICE via USER" when sudo says ALICE ran it as USER. */
void sm_cli_actor(char *buf, size_t len);
/* Append an audit event now, by sm_cli_actor(), about @subject (may be
 * NULL); @fmt (may be NULL) says what, never a message text.  A failure
 * is a warning. */
void sm_cli_audit(struct sm_store *st, const char *action,
		  const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
