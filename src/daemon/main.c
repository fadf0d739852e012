/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c - smsmatchd, the gateway daemon: options, configuration, time
 * zone, logging, signals (SIGHUP reload, SIGTERM/SIGINT clean stop) and
 * systemd readiness, around the gateway (gateway.c) and its event loop.
 *
 *   smsmatchd -c FILE [-f] [-v]
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "smsmatch/loop.h"
#include "smsmatch/version.h"

#include "gateway.h"

static void usage(FILE *out)
{
	fputs("Usage: smsmatchd [-c FILE] [-f] [-v]\n"
	      "\n"
	      "The smsmatch gateway: sends the queued SMS through the "
	      "configured modems,\n"
	      "commits what they receive, honours STOP.\n"
	      "\n"
	      "  -c FILE     configuration (default " SM_CONFIG_DEFAULT_PATH
	      ")\n"
	      "  -f          stay in the foreground and log to stderr "
	      "(default: syslog)\n"
	      "  -v          log at debug level (AT traffic, numbers "
	      "masked)\n"
	      "  -h, --help  this help\n"
	      "  --version   print the version\n"
	      "\n"
	      "Signals: SIGHUP reloads the configuration (modems added, "
	      "removed or changed\n"
	      "without touching the others) and retries the modems that are "
	      "down at once\n"
	      "(the udev rules send it when a modem is plugged in); SIGTERM "
	      "and SIGINT\n"
	      "finish the sends in flight and exit.\n",
	      out);
}

/*
 * sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET
 * (a path, or an abstract name starting with '@').  Quietly nothing when
 * not started by systemd.
 */
static void notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	socklen_t len;
	int fd;

	if (!path || !*path || strlen(path) >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, strlen(path));
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
			  strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	       (struct sockaddr *)&sa, len);
	close(fd);
}

/* Everything the signal handler needs, owned by main(). */
struct sigctx {
	struct sm_gw *gw;	 /* the gateway */
	const char *config_path; /* to reload */
	int fd;			 /* signalfd */
};

static void on_signal(struct sm_loop *loop, int fd, unsigned events,
		      void *data)
{
	struct sigctx *sc = data;
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			struct sm_config *cfg = malloc(sizeof(*cfg));
			char err[512];

			notify("RELOADING=1");
			if (!cfg) {
				sm_logf(&sc->gw->log, SM_LOG_ERR,
					"reload: out of memory");
			} else if (sm_config_load(sc->config_path, cfg, err,
						  sizeof(err)) < 0) {
				sm_logf(&sc->gw->log, SM_LOG_ERR,
					"reload refused, keeping the running "
					"configuration: %s",
					err);
			} else {
				setenv("TZ", cfg->timezone, 1);
				tzset();
				sm_gw_reload(sc->gw, cfg);
				sm_logf(&sc->gw->log, SM_LOG_INFO,
					"configuration reloaded from %s",
					sc->config_path);
			}
			free(cfg);
			notify("READY=1");
		} else {
			notify("STOPPING=1");
			sm_gw_stop(sc->gw);
		}
	}
	if (sc->gw->done)
		sm_loop_stop(loop);
}

int main(int argc, char **argv)
{
	const char *config_path = SM_CONFIG_DEFAULT_PATH;
	struct sm_gw *gw = NULL;
	struct sigctx sc = {.fd = -1};
	bool foreground = false, verbose = false;
	char err[512];
	sigset_t mask;
	int rc = 1;

	sm_gw_malloc_tune();
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
			config_path = argv[++i];
		} else if (strcmp(argv[i], "-f") == 0) {
			foreground = true;
		} else if (strcmp(argv[i], "-v") == 0) {
			verbose = true;
		} else if (strcmp(argv[i], "-h") == 0 ||
			   strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("smsmatchd %s\n", SMSMATCH_VERSION);
			return 0;
		} else {
			fprintf(stderr, "smsmatchd: unknown option '%s'\n",
				argv[i]);
			usage(stderr);
			return 2;
		}
	}

	gw = calloc(1, sizeof(*gw));
	if (!gw) {
		fprintf(stderr, "smsmatchd: out of memory\n");
		return 1;
	}
	if (sm_config_load(config_path, &gw->cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "smsmatchd: %s\n", err);
		goto out;
	}
	/* The one piece of process state: local time for the window. */
	setenv("TZ", gw->cfg.timezone, 1);
	tzset();
	gw->log.level = verbose ? SM_LOG_DEBUG : gw->cfg.log_level;
	gw->log.ident = "smsmatchd";
	if (!foreground) {
		gw->log.syslog = true;
		openlog("smsmatchd", LOG_PID, LOG_DAEMON);
	}

	if (sm_store_open(gw->cfg.database, &gw->store, err, sizeof(err)) <
	    0) {
		sm_logf(&gw->log, SM_LOG_ERR, "%s", err);
		if (!foreground)
			fprintf(stderr, "smsmatchd: %s\n", err);
		goto out;
	}
	gw->loop = sm_loop_new();
	if (!gw->loop)
		goto out;

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sc.fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	sc.gw = gw;
	sc.config_path = config_path;
	if (sc.fd < 0 ||
	    sm_loop_add_fd(gw->loop, sc.fd, SM_LOOP_READ, on_signal, &sc) < 0) {
		sm_logf(&gw->log, SM_LOG_ERR, "cannot watch signals: %s",
			strerror(errno));
		goto out;
	}

	if (sm_gw_start(gw, err, sizeof(err)) < 0) {
		sm_logf(&gw->log, SM_LOG_ERR, "%s", err);
		if (!foreground)
			fprintf(stderr, "smsmatchd: %s\n", err);
		goto out;
	}
	sm_logf(&gw->log, SM_LOG_INFO, "smsmatchd %s started: %u modem(s), "
		"database %s",
		SMSMATCH_VERSION, gw->nmodems, gw->cfg.database);
	notify("READY=1");
	if (sm_loop_run(gw->loop) < 0) {
		sm_logf(&gw->log, SM_LOG_ERR, "event loop failed: %s",
			strerror(errno));
		goto out;
	}
	sm_logf(&gw->log, SM_LOG_INFO, "stopped");
	rc = 0;
out:
	if (gw) {
		if (gw->loop)
			sm_gw_free(gw);
		sm_store_close(gw->store);
		sm_loop_free(gw->loop);
		free(gw);
	}
	if (sc.fd >= 0)
		close(sc.fd);
	return rc;
}
