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

#endif
