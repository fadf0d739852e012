/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c - `smsmatch`, the command line for advisors and technicians:
 * global options, then one subcommand (see cli.h for the exit codes).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "smsmatch/version.h"

static void usage(FILE *out)
{
	fputs("Usage: smsmatch [-c FILE] [-v] COMMAND [ARGS...]\n"
	      "\n"
	      "Gateway commands (the database of smsmatchd):\n"
	      "  send --to NUMBER TEXT     queue one SMS, print its id\n"
	      "  queue                     messages per state, unconfirmed "
	      "ones\n"
	      "  modems                    state, signal, sent today of each "
	      "modem\n"
	      "  optout add|remove|list    numbers never texted again\n"
	      "  inbox                     SMS received and not yet handled\n"
	      "\n"
	      "Campaign commands:\n"
	      "  campaign new|list|show|start|pause|resume|close|status\n"
	      "                            training sessions and their funnel\n"
	      "  candidates import FILE --campaign ID\n"
	      "                            import the agency's CSV\n"
	      "  shortlist ID [--format csv|xlsx|json|html] [-o FILE]\n"
	      "                            the ranked shortlist of a "
	      "campaign\n"
	      "\n"
	      "Data protection:\n"
	      "  purge [--older-than DAYS] [--dry-run]\n"
	      "                            remove personal data of old "
	      "closed campaigns\n"
	      "  audit [--since DATE] [--json]\n"
	      "                            who did what, when\n"
	      "  person export|erase NUMBER\n"
	      "                            a person's access or erasure "
	      "request\n"
	      "\n"
	      "Technician commands:\n"
	      "  modem probe DEVICE        identity, SIM, registration, signal, "
	      "SMS support\n"
	      "  modem probe --all         list serial ports and probe each\n"
	      "  modem send DEVICE --to NUMBER TEXT\n"
	      "                            send one SMS straight through a "
	      "modem\n"
	      "  modem listen DEVICE       print inbound SMS and status "
	      "reports\n"
	      "  script check FILE         check a dialogue script, show "
	      "its messages\n"
	      "  script try FILE           play a dialogue script in the "
	      "terminal\n"
	      "  llm test [--json] [--answer TEXT]\n"
	      "                            one sample request to the "
	      "language model\n"
	      "  pdu decode HEX            decode an SMS PDU\n"
	      "  pdu encode --to NUMBER TEXT\n"
	      "                            encode the PDUs of an SMS\n"
	      "\n"
	      "Options:\n"
	      "  -c FILE     configuration file "
	      "(default /etc/smsmatch/smsmatch.conf)\n"
	      "  -v          more output (repeat for AT traffic)\n"
	      "  -h, --help  this help; COMMAND --help for each command\n"
	      "  --version   print the version\n",
	      out);
}

int main(int argc, char **argv)
{
	struct sm_cli_globals g = {0};
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return SM_EXIT_OK;
		} else if (strcmp(a, "--version") == 0) {
			printf("smsmatch %s\n", SMSMATCH_VERSION);
			return SM_EXIT_OK;
		} else if (strcmp(a, "-v") == 0) {
			g.verbose++;
		} else if (strcmp(a, "-vv") == 0) {
			g.verbose += 2;
		} else if (strcmp(a, "-c") == 0 && i + 1 < argc) {
			g.config_path = argv[++i];
		} else {
			fprintf(stderr, "smsmatch: unknown option '%s'\n", a);
			usage(stderr);
			return SM_EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return SM_EXIT_USAGE;
	}
	if (strcmp(argv[i], "pdu") == 0)
		return sm_cli_pdu(argc - i, argv + i);
	if (strcmp(argv[i], "modem") == 0)
		return sm_cli_modem(argc - i, argv + i, &g);
	if (strcmp(argv[i], "send") == 0)
		return sm_cli_send(argc - i, argv + i, &g);
	if (strcmp(argv[i], "queue") == 0)
		return sm_cli_queue(argc - i, argv + i, &g);
	if (strcmp(argv[i], "modems") == 0)
		return sm_cli_modems(argc - i, argv + i, &g);
	if (strcmp(argv[i], "optout") == 0)
		return sm_cli_optout(argc - i, argv + i, &g);
	if (strcmp(argv[i], "inbox") == 0)
		return sm_cli_inbox(argc - i, argv + i, &g);
	if (strcmp(argv[i], "campaign") == 0)
		return sm_cli_campaign(argc - i, argv + i, &g);
	if (strcmp(argv[i], "candidates") == 0)
		return sm_cli_candidates(argc - i, argv + i, &g);
	if (strcmp(argv[i], "shortlist") == 0)
		return sm_cli_shortlist(argc - i, argv + i, &g);
	if (strcmp(argv[i], "script") == 0)
		return sm_cli_script(argc - i, argv + i, &g);
	if (strcmp(argv[i], "purge") == 0)
		return sm_cli_purge(argc - i, argv + i, &g);
	if (strcmp(argv[i], "audit") == 0)
		return sm_cli_audit_cmd(argc - i, argv + i, &g);
	if (strcmp(argv[i], "person") == 0)
		return sm_cli_person(argc - i, argv + i, &g);
	if (strcmp(argv[i], "llm") == 0)
		return sm_cli_llm(argc - i, argv + i, &g);
	fprintf(stderr, "smsmatch: unknown command '%s' (see smsmatch --help)\n",
		argv[i]);
	return SM_EXIT_USAGE;
}
