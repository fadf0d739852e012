/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c - smsmatch-modemsim: a GSM/LTE modem on a pseudo-terminal, for
 * tests, benchmarks, demos and technicians without hardware.
 *
 * Usage summary (--help prints the full list):
 *
 *   smsmatch-modemsim --link /tmp/sim0 --control /tmp/sim0.ctl \
 *           --log /tmp/sent.jsonl --script candidates.script -v &
 *   gammu -c gammurc identify          # gammurc: device = /tmp/sim0,
 *                                      #          connection = at
 *   echo 'inject +33612345678 Bonjour' | socat - UNIX-CONNECT:/tmp/sim0.ctl
 *
 * The client opens the symlink (--link) like a serial port and talks AT
 * (27.007 / 27.005, PDU and text mode).  Every SMS it sends is logged as a
 * JSON line (--log) and may trigger a scripted candidate reply (--script),
 * which arrives later as an inbound SMS.  The control socket injects
 * inbound SMS, unplugs and replugs the modem, makes it hang, and reports
 * counters.  Faults (--pin, --latency-ms, --cms-error-rate, --hang-after,
 * --unplug-after, --error-all, --garbage-rate) are reproducible (--seed).
 * SIGTERM/SIGINT remove the link and the socket, log the incomplete
 * messages, flush the log and exit 0.
 *
 * Design: one poll loop (src/loop.c).  The AT interpreter (modem.c) is
 * I/O-free; this file feeds it bytes from the pty (link.c) and runs its
 * delayed work at sim_modem_next_due().  Nothing sleeps.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "sim.h"

#define SIM_UNPLUG_GRACE_MS 100 /* last answer reaches the client first */

static const char usage_text[] =
	"usage: smsmatch-modemsim --link PATH [options]\n"
	"\n"
	"A GSM/LTE modem on a pseudo-terminal: AT commands (27.007, 27.005 "
	"PDU\n"
	"and text mode), SMS storage, URCs, delivery reports, faults on "
	"demand\n"
	"and scripted candidates who answer.\n"
	"\n"
	"  --link PATH            create a symlink PATH -> the pty slave "
	"(/dev/pts/N);\n"
	"                         removed on exit\n"
	"  --control PATH         a unix stream socket for control commands "
	"(below)\n"
	"  --log FILE             append one JSON line per SMS the modem was "
	"asked to\n"
	"                         send: {\"time\", \"modem\", \"to\", "
	"\"text\", \"parts\",\n"
	"                         \"encoding\": gsm7|ucs2|8bit, \"mr\": [..], "
	"\"status_report\"};\n"
	"                         parts are reassembled by (to, ref); a "
	"message still\n"
	"                         incomplete at exit is logged with "
	"\"incomplete\": true\n"
	"  --name NAME            modem name used in logs (default: basename "
	"of --link)\n"
	"  --script FILE          scripted candidates (format below)\n"
	"  --pin CODE             SIM locked: +CPIN? answers SIM PIN until\n"
	"                         AT+CPIN=\"CODE\"; SMS commands answer +CMS "
	"ERROR: 311,\n"
	"                         others +CME ERROR: 11; 3 wrong PINs: SIM PUK "
	"(12345678)\n"
	"  --own-number NUMBER    the SIM's MSISDN (+CNUM), default "
	"+33700000001\n"
	"  --smsc NUMBER          the SMSC (+CSCA), default +33695000695\n"
	"  --latency-ms N         time between the PDU (Ctrl-Z) and the +CMGS "
	"answer\n"
	"                         (default 0)\n"
	"  --cms-error-rate R     share (0..1) of sends answered with +CMS "
	"ERROR\n"
	"  --cms-error-code N     the code of those errors (default 500)\n"
	"  --unplug-after N       vanish after N successful sends: close the "
	"pty,\n"
	"                         remove the link\n"
	"  --replug-after-ms N    after an unplug (automatic or by control), "
	"come back\n"
	"                         N ms later with a new pty at the same link "
	"(default:\n"
	"                         stay unplugged until `replug`)\n"
	"  --hang-after N         stop answering anything after N commands\n"
	"  --error-all            answer ERROR to every command (a broken "
	"modem)\n"
	"  --garbage-rate R       share (0..1) of responses preceded by "
	"garbage bytes\n"
	"  --report-delay-ms N    status report delay after a send that asked "
	"for one\n"
	"                         (default 500)\n"
	"  --report-status S      delivered (default), failed (TP-ST 0x41), or "
	"mixed\n"
	"                         (every 10th fails)\n"
	"  --cnma-timeout-ms N    a +CMT not acknowledged with +CNMA (when "
	"+CSMS=1)\n"
	"                         within N ms is stored and announced with "
	"+CMTI, as\n"
	"                         networks resend (default 3000)\n"
	"  --profile P            generic (default), huawei (^RSSI/^MODE URCs "
	"every 3 s\n"
	"                         until AT^CURC=0), quectel (reports stored in "
	"SR\n"
	"                         announced as +CDSI: \"SM\",n), simcom (URCs "
	"off until\n"
	"                         +CNMI or AT&F; +CNMI <ds>=2 refused); "
	"storage\n"
	"                         indexes start at 1 for generic, 0 for the "
	"others\n"
	"  --seed N               random seed (faults are reproducible; "
	"default 1)\n"
	"  --reply-scale F        multiply every scripted reply delay by F "
	"(default 1)\n"
	"  -v, --verbose          log unknown AT commands and events to "
	"stderr\n"
	"  -h, --help             this text\n"
	"\n"
	"Power-on state: echo on (ATE1), text mode (+CMGF=1), +CSCS=\"GSM\",\n"
	"+CMEE=1, +CNMI=2,1,0,0,0, registered on \"Orange F\" (20801), +CSQ: "
	"20,99,\n"
	"SM/ME/SR storage with 30 slots each.\n"
	"\n"
	"Control socket (one command per line, one answer line: OK ... | ERROR "
	"...):\n"
	"  inject FROM TEXT...    deliver an inbound SMS (multipart if long; "
	"GSM 7-bit\n"
	"                         or UCS-2 automatically)\n"
	"  inject-pdu HEX         deliver a raw SMS-DELIVER PDU (with SMSC "
	"field)\n"
	"  unplug | replug        vanish / come back (new pty, same link)\n"
	"  hang | unhang          stop / resume answering\n"
	"  network on|off         registered / out of coverage (+CREG 0)\n"
	"  signal RSSI            +CSQ rssi from now on: 0-31 (-113 to -51 "
	"dBm), 99\n"
	"  stats                  OK {\"sent\": n, \"received\": n, "
	"\"stored\": n,\n"
	"                         \"reports\": n, \"commands\": n}\n"
	"\n"
	"Script file (--script): one rule per line, # comments:\n"
	"  # number      delay  pattern (POSIX ERE, case-insensitive)  reply\n"
	"  +33612345601  2s     \"Bonjour.*STOP\"                        \"oui "
	"ok\"\n"
	"  *             5s     \"rappel\"                               "
	"\"dsl\"\n"
	"When the modem sends NUMBER (* = any) a message whose text matches,\n"
	"the reply arrives from NUMBER after DELAY (ms, s, m).  The first "
	"matching\n"
	"rule for the number wins, then the first matching * rule.  Quoted "
	"fields\n"
	"use \\\" and \\\\ escapes.\n";

/* Everything the program runs; lives in main(). */
struct sim_app {
	struct sm_loop *loop;	     /* the event loop */
	struct sim_modem *modem;     /* AT interpreter */
	struct sim_link *link;	     /* pty + symlink */
	struct sim_control *control; /* control socket, may be NULL */
	struct sim_jsonlog *log;     /* --log (always: reassembly) */
	struct sim_script *script;   /* --script, may be NULL */
	const char *name;	     /* modem name */
	double reply_scale;	     /* --reply-scale */
	long replug_after_ms;	     /* -1: wait for `replug` */
	int replug_timer;	     /* loop timer id */
	int unplug_timer;	     /* loop timer id (--unplug-after) */
	int verbose;		     /* -v count */
	bool stop;		     /* SIGTERM/SIGINT seen */
};

static void app_write(void *data, const char *buf, size_t len)
{
	struct sim_app *app = data;

	sim_link_write(app->link, buf, len);
}

static void app_sent(void *data, const struct sim_sent *s)
{
	struct sim_app *app = data;

	sim_jsonlog_part(app->log, s);
}

static void app_unplug(void *data)
{
	struct sim_app *app = data;

	sm_loop_disarm_timer(app->loop, app->unplug_timer);
	if (!sim_link_plugged(app->link))
		return;
	if (app->verbose)
		fprintf(stderr, "modemsim: %s: unplugged\n", app->name);
	sim_link_unplug(app->link);
	sim_modem_power(app->modem, false, sm_clock_ms());
	if (app->replug_after_ms >= 0)
		sm_loop_set_timer(app->loop, app->replug_timer,
				  sm_clock_ms() +
					  (uint64_t)app->replug_after_ms);
}

/*
 * --unplug-after: the modem vanishes just after its last +CMGS answer.
 * Closing the pty master at once would make the kernel discard that
 * answer before the client reads it (a hung-up tty flushes its input), so
 * the unplug waits SIM_UNPLUG_GRACE_MS on a timer.
 */
static void app_unplug_soon(void *data)
{
	struct sim_app *app = data;

	sm_loop_set_timer(app->loop, app->unplug_timer,
			  sm_clock_ms() + SIM_UNPLUG_GRACE_MS);
}

static void unplug_timer(struct sm_loop *loop, void *data)
{
	app_unplug(data);
}

static int app_replug(struct sim_app *app, char *err, size_t errlen)
{
	int rc;

	sm_loop_disarm_timer(app->loop, app->replug_timer);
	if (sim_link_plugged(app->link))
		return 0;
	rc = sim_link_replug(app->link, err, errlen);
	if (rc < 0)
		return rc;
	sim_modem_power(app->modem, true, sm_clock_ms());
	if (app->verbose)
		fprintf(stderr, "modemsim: %s: plugged in again\n", app->name);
	return 0;
}

static void replug_timer(struct sm_loop *loop, void *data)
{
	struct sim_app *app = data;
	char err[256];

	if (app_replug(app, err, sizeof(err)) < 0)
		fprintf(stderr, "modemsim: %s: replug: %s\n", app->name, err);
}

/* A complete sent message: maybe a scripted candidate answers it. */
static void app_message(void *data, const struct sim_message *msg)
{
	struct sim_app *app = data;
	const char *reply;
	uint64_t delay;

	if (!sim_script_match(app->script, msg->to, msg->text, &reply, &delay))
		return;
	delay = (uint64_t)((double)delay * app->reply_scale);
	if (app->verbose)
		fprintf(stderr, "modemsim: %s: scripted reply in %llu ms\n",
			app->name, (unsigned long long)delay);
	sim_modem_inject_at(app->modem, sm_clock_ms() + delay, msg->to, reply);
}

static void link_input(void *data, const char *buf, size_t len)
{
	struct sim_app *app = data;

	sim_modem_feed(app->modem, sm_clock_ms(), buf, len);
}

static void link_attach(void *data, bool attached)
{
	struct sim_app *app = data;

	if (app->verbose > 1)
		fprintf(stderr, "modemsim: %s: client %s\n", app->name,
			attached ? "attached" : "detached");
	sim_modem_attach(app->modem, attached, sm_clock_ms());
}

/* One control command (control.c frames the lines). */
static void app_control(void *data, const char *line, char *ans, size_t len)
{
	struct sim_app *app = data;
	char err[256] = "";
	const char *arg = strchr(line, ' ');
	size_t cmdlen = arg ? (size_t)(arg - line) : strlen(line);
	int rc;

	if (arg)
		arg++;
#define IS(name) (cmdlen == strlen(name) && strncmp(line, name, cmdlen) == 0)
	if (IS("inject")) {
		char from[SM_PDU_ADDR_MAX];
		const char *text = arg ? strchr(arg, ' ') : NULL;

		if (!text || (size_t)(text - arg) >= sizeof(from) ||
		    text == arg) {
			snprintf(ans, len, "ERROR usage: inject FROM TEXT");
			return;
		}
		memcpy(from, arg, (size_t)(text - arg));
		from[text - arg] = '\0';
		rc = sim_modem_inject(app->modem, sm_clock_ms(), from, text + 1,
				      err, sizeof(err));
		if (rc < 0)
			snprintf(ans, len, "ERROR %s",
				 *err ? err : strerror(-rc));
		else
			snprintf(ans, len, "OK %d", rc);
	} else if (IS("inject-pdu")) {
		if (!arg || !*arg) {
			snprintf(ans, len, "ERROR usage: inject-pdu HEX");
			return;
		}
		rc = sim_modem_inject_pdu(app->modem, sm_clock_ms(), arg, err,
					  sizeof(err));
		if (rc < 0)
			snprintf(ans, len, "ERROR %s",
				 *err ? err : strerror(-rc));
		else
			snprintf(ans, len, "OK");
	} else if (IS("unplug")) {
		app_unplug(app);
		snprintf(ans, len, "OK");
	} else if (IS("replug")) {
		rc = app_replug(app, err, sizeof(err));
		if (rc < 0)
			snprintf(ans, len, "ERROR %s", err);
		else
			snprintf(ans, len, "OK");
	} else if (IS("hang") || IS("unhang")) {
		sim_modem_hang(app->modem, IS("hang"));
		snprintf(ans, len, "OK");
	} else if (IS("network")) {
		if (!arg || (strcmp(arg, "on") && strcmp(arg, "off"))) {
			snprintf(ans, len, "ERROR usage: network on|off");
			return;
		}
		sim_modem_network(app->modem, !strcmp(arg, "on"),
				  sm_clock_ms());
		snprintf(ans, len, "OK");
	} else if (IS("signal")) {
		char *end = NULL;
		long v = arg ? strtol(arg, &end, 10) : -1;

		if (!arg || end == arg || *end ||
		    sim_modem_signal(app->modem, (int)v) < 0) {
			snprintf(ans, len, "ERROR usage: signal RSSI (0-31, 99)");
			return;
		}
		snprintf(ans, len, "OK");
	} else if (IS("stats")) {
		struct sim_stats s;

		sim_modem_stats(app->modem, &s);
		snprintf(ans, len,
			 "OK {\"sent\": %lu, \"received\": %lu, \"stored\": "
			 "%lu, \"reports\": %lu, \"commands\": %lu}",
			 s.sent, s.received, s.stored, s.reports, s.commands);
	} else if (cmdlen == 0) {
		snprintf(ans, len, "ERROR empty command");
	} else {
		snprintf(ans, len, "ERROR unknown command \"%.*s\"",
			 (int)(cmdlen > 40 ? 40 : cmdlen), line);
	}
#undef IS
}

static void signal_io(struct sm_loop *loop, int fd, unsigned events, void *data)
{
	struct sim_app *app = data;
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		app->stop = true;
}

/* Parse a non-negative integer option.  false when malformed. */
static bool opt_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static bool opt_rate(const char *s, double max, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !(v >= 0) || v > max)
		return false;
	*out = v;
	return true;
}

enum {
	OPT_LINK = 256,
	OPT_CONTROL,
	OPT_LOG,
	OPT_NAME,
	OPT_SCRIPT,
	OPT_PIN,
	OPT_OWN,
	OPT_SMSC,
	OPT_LATENCY,
	OPT_CMS_RATE,
	OPT_CMS_CODE,
	OPT_UNPLUG,
	OPT_REPLUG,
	OPT_HANG,
	OPT_ERROR_ALL,
	OPT_GARBAGE,
	OPT_REPORT_DELAY,
	OPT_REPORT_STATUS,
	OPT_CNMA,
	OPT_PROFILE,
	OPT_SEED,
	OPT_SCALE,
};

static const struct option long_opts[] = {
	{"link", required_argument, NULL, OPT_LINK},
	{"control", required_argument, NULL, OPT_CONTROL},
	{"log", required_argument, NULL, OPT_LOG},
	{"name", required_argument, NULL, OPT_NAME},
	{"script", required_argument, NULL, OPT_SCRIPT},
	{"pin", required_argument, NULL, OPT_PIN},
	{"own-number", required_argument, NULL, OPT_OWN},
	{"smsc", required_argument, NULL, OPT_SMSC},
	{"latency-ms", required_argument, NULL, OPT_LATENCY},
	{"cms-error-rate", required_argument, NULL, OPT_CMS_RATE},
	{"cms-error-code", required_argument, NULL, OPT_CMS_CODE},
	{"unplug-after", required_argument, NULL, OPT_UNPLUG},
	{"replug-after-ms", required_argument, NULL, OPT_REPLUG},
	{"hang-after", required_argument, NULL, OPT_HANG},
	{"error-all", no_argument, NULL, OPT_ERROR_ALL},
	{"garbage-rate", required_argument, NULL, OPT_GARBAGE},
	{"report-delay-ms", required_argument, NULL, OPT_REPORT_DELAY},
	{"report-status", required_argument, NULL, OPT_REPORT_STATUS},
	{"cnma-timeout-ms", required_argument, NULL, OPT_CNMA},
	{"profile", required_argument, NULL, OPT_PROFILE},
	{"seed", required_argument, NULL, OPT_SEED},
	{"reply-scale", required_argument, NULL, OPT_SCALE},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "smsmatch-modemsim: %s%s%s\n", what, arg ? ": " : "",
		arg ? arg : "");
	fprintf(stderr, "Try 'smsmatch-modemsim --help'.\n");
	return 2;
}

static bool valid_number(const char *s)
{
	if (*s == '+')
		s++;
	if (!*s || strlen(s) > 20)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int main(int argc, char **argv)
{
	struct sim_config cfg = {
		.own_number = "+33700000001",
		.smsc = "+33695000695",
		.cms_error_code = 500,
		.report_delay_ms = 500,
		.cnma_timeout_ms = 3000,
		.seed = 1,
	};
	struct sim_app app = {
		.reply_scale = 1.0,
		.replug_after_ms = -1,
	};
	const char *link_path = NULL, *control_path = NULL, *log_path = NULL;
	const char *script_path = NULL;
	struct sim_modem_ops mops = {app_write, app_sent, app_unplug_soon};
	struct sim_link_ops lops = {link_input, link_attach};
	char err[512], namebuf[256];
	unsigned long v;
	sigset_t sigs;
	int opt, sfd = -1, rc = 1;

	while ((opt = getopt_long(argc, argv, "vh", long_opts, NULL)) != -1) {
		switch (opt) {
		case OPT_LINK:
			link_path = optarg;
			break;
		case OPT_CONTROL:
			control_path = optarg;
			break;
		case OPT_LOG:
			log_path = optarg;
			break;
		case OPT_NAME:
			app.name = optarg;
			break;
		case OPT_SCRIPT:
			script_path = optarg;
			break;
		case OPT_PIN:
			if (!*optarg || strlen(optarg) > 8)
				return usage_error("bad --pin", optarg);
			cfg.pin = optarg;
			break;
		case OPT_OWN:
			if (!valid_number(optarg))
				return usage_error("bad --own-number", optarg);
			cfg.own_number = optarg;
			break;
		case OPT_SMSC:
			if (!valid_number(optarg))
				return usage_error("bad --smsc", optarg);
			cfg.smsc = optarg;
			break;
		case OPT_LATENCY:
			if (!opt_ulong(optarg, 3600000, &v))
				return usage_error("bad --latency-ms", optarg);
			cfg.latency_ms = (unsigned)v;
			break;
		case OPT_CMS_RATE:
			if (!opt_rate(optarg, 1, &cfg.cms_error_rate))
				return usage_error("bad --cms-error-rate",
						   optarg);
			break;
		case OPT_CMS_CODE:
			if (!opt_ulong(optarg, 511, &v))
				return usage_error("bad --cms-error-code",
						   optarg);
			cfg.cms_error_code = (int)v;
			break;
		case OPT_UNPLUG:
			if (!opt_ulong(optarg, UINT_MAX, &v) || v == 0)
				return usage_error("bad --unplug-after",
						   optarg);
			cfg.unplug_after = (unsigned)v;
			break;
		case OPT_REPLUG:
			if (!opt_ulong(optarg, 3600000, &v))
				return usage_error("bad --replug-after-ms",
						   optarg);
			app.replug_after_ms = (long)v;
			break;
		case OPT_HANG:
			if (!opt_ulong(optarg, UINT_MAX, &v) || v == 0)
				return usage_error("bad --hang-after", optarg);
			cfg.hang_after = (unsigned)v;
			break;
		case OPT_ERROR_ALL:
			cfg.error_all = true;
			break;
		case OPT_GARBAGE:
			if (!opt_rate(optarg, 1, &cfg.garbage_rate))
				return usage_error("bad --garbage-rate",
						   optarg);
			break;
		case OPT_REPORT_DELAY:
			if (!opt_ulong(optarg, 86400000, &v))
				return usage_error("bad --report-delay-ms",
						   optarg);
			cfg.report_delay_ms = (unsigned)v;
			break;
		case OPT_REPORT_STATUS:
			if (strcmp(optarg, "delivered") == 0)
				cfg.report_status = SIM_REPORT_DELIVERED;
			else if (strcmp(optarg, "failed") == 0)
				cfg.report_status = SIM_REPORT_FAILED;
			else if (strcmp(optarg, "mixed") == 0)
				cfg.report_status = SIM_REPORT_MIXED;
			else
				return usage_error("bad --report-status",
						   optarg);
			break;
		case OPT_CNMA:
			if (!opt_ulong(optarg, 3600000, &v) || v == 0)
				return usage_error("bad --cnma-timeout-ms",
						   optarg);
			cfg.cnma_timeout_ms = (unsigned)v;
			break;
		case OPT_PROFILE:
			if (strcmp(optarg, "generic") == 0)
				cfg.profile = SIM_PROFILE_GENERIC;
			else if (strcmp(optarg, "huawei") == 0)
				cfg.profile = SIM_PROFILE_HUAWEI;
			else if (strcmp(optarg, "quectel") == 0)
				cfg.profile = SIM_PROFILE_QUECTEL;
			else if (strcmp(optarg, "simcom") == 0)
				cfg.profile = SIM_PROFILE_SIMCOM;
			else
				return usage_error("bad --profile", optarg);
			break;
		case OPT_SEED:
			if (!opt_ulong(optarg, ULONG_MAX, &v))
				return usage_error("bad --seed", optarg);
			cfg.seed = v;
			break;
		case OPT_SCALE:
			if (!opt_rate(optarg, 1e6, &app.reply_scale))
				return usage_error("bad --reply-scale", optarg);
			break;
		case 'v':
			app.verbose++;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			return usage_error("bad option", NULL);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument", argv[optind]);
	if (!link_path)
		return usage_error("--link PATH is required", NULL);
	if (!app.name) {
		const char *b = strrchr(link_path, '/');

		snprintf(namebuf, sizeof(namebuf), "%s", b ? b + 1 : link_path);
		app.name = namebuf;
	}
	cfg.name = app.name;
	cfg.verbose = app.verbose ? stderr : NULL;
	/* regex case folding of accented letters in scripted patterns */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
	signal(SIGPIPE, SIG_IGN);

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	app.loop = sm_loop_new();
	if (sfd < 0 || !app.loop) {
		fprintf(stderr, "smsmatch-modemsim: cannot start: %s\n",
			strerror(errno));
		goto out;
	}
	sm_loop_add_fd(app.loop, sfd, SM_LOOP_READ, signal_io, &app);
	app.replug_timer = sm_loop_add_timer(app.loop, 0, replug_timer, &app);
	sm_loop_disarm_timer(app.loop, app.replug_timer);
	app.unplug_timer = sm_loop_add_timer(app.loop, 0, unplug_timer, &app);
	sm_loop_disarm_timer(app.loop, app.unplug_timer);

	if (script_path &&
	    sim_script_load(script_path, &app.script, err, sizeof(err)) < 0) {
		fprintf(stderr, "smsmatch-modemsim: %s\n", err);
		goto out;
	}
	if (sim_jsonlog_open(log_path, app.name, app_message, &app, &app.log,
			     err, sizeof(err)) < 0) {
		fprintf(stderr, "smsmatch-modemsim: %s\n", err);
		goto out;
	}
	app.modem = sim_modem_new(&cfg, &mops, &app, sm_clock_ms());
	if (!app.modem) {
		fprintf(stderr, "smsmatch-modemsim: out of memory\n");
		goto out;
	}
	if (sim_link_new(app.loop, link_path, &lops, &app, &app.link, err,
			 sizeof(err)) < 0) {
		fprintf(stderr, "smsmatch-modemsim: %s\n", err);
		goto out;
	}
	if (control_path &&
	    sim_control_new(app.loop, control_path, app_control, &app,
			    &app.control, err, sizeof(err)) < 0) {
		fprintf(stderr, "smsmatch-modemsim: %s\n", err);
		goto out;
	}
	if (app.verbose)
		fprintf(stderr, "modemsim: %s: ready on %s\n", app.name,
			link_path);

	while (!app.stop) {
		uint64_t due = sim_modem_next_due(app.modem),
			 now = sm_clock_ms();
		int wait = -1;

		if (due != UINT64_MAX)
			wait = due <= now	     ? 0
			       : due - now > INT_MAX ? INT_MAX
						     : (int)(due - now);
		if (sm_loop_run_once(app.loop, wait) < 0) {
			fprintf(stderr, "smsmatch-modemsim: poll: %s\n",
				strerror(errno));
			goto out;
		}
		sim_modem_tick(app.modem, sm_clock_ms());
	}
	rc = 0;
out:
	sim_control_free(app.control);
	sim_link_free(app.link);
	sim_jsonlog_close(app.log);
	sim_modem_free(app.modem);
	sim_script_free(app.script);
	if (app.loop)
		sm_loop_free(app.loop);
	if (sfd >= 0)
		close(sfd);
	return rc;
}
