/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common.c - what the database commands of `smsmatch` share: loading the
 * configuration and opening its database (with the file-mode check), the
 * --help test, local times, and the audit trail's "who".
 */
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "smsmatch/fileperm.h"

static void warn_perm(const char *msg, void *data)
{
	(void)data;
	fprintf(stderr, "smsmatch: warning: %s\n", msg);
}

void sm_cli_check_db(const struct sm_config *cfg)
{
	sm_fileperm_check_config(cfg, false, warn_perm, NULL);
}

int sm_cli_db_open(struct sm_cli_db *c, const struct sm_cli_globals *g,
		   const char *cmd)
{
	const char *path =
		g->config_path ? g->config_path : SM_CONFIG_DEFAULT_PATH;
	char err[512];

	c->cmd = cmd;
	c->store = NULL;
	if (sm_config_load(path, &c->cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "smsmatch: %s: %s\n", cmd, err);
		return -1;
	}
	setenv("TZ", c->cfg.timezone, 1);
	tzset();
	sm_cli_check_db(&c->cfg);
	if (sm_store_open(c->cfg.database, &c->store, err, sizeof(err)) < 0) {
		fprintf(stderr, "smsmatch: %s: %s\n", cmd, err);
		return -1;
	}
	return 0;
}

void sm_cli_db_close(struct sm_cli_db *c)
{
	sm_store_close(c->store);
	c->store = NULL;
}

int sm_cli_store_fail(const struct sm_cli_db *c, const char *what)
{
	fprintf(stderr, "smsmatch: %s: %s: %s\n", c->cmd, what,
		sm_store_errmsg(c->store));
	return SM_EXIT_ERROR;
}

bool sm_cli_want_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

void sm_cli_fmt_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t) {
		snprintf(buf, len, "-");
		return;
	}
	localtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

void sm_cli_actor(char *buf, size_t len)
{
	struct passwd pw, *res = NULL;
	char pwbuf[1024];
	uid_t uid = getuid();

	const char *sudo = getenv("SUDO_USER");
	char name[32];

	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) == 0 && res)
		snprintf(name, sizeof(name), "%s", res->pw_name);
	else
		snprintf(name, sizeof(name), "uid %u", (unsigned)uid);
	/* An advisor running smsmatch as the service account through sudo
	 * (docs/data-protection.md) is named, not the account. */
	if (sudo && *sudo && strcmp(sudo, name) != 0)
		snprintf(buf, len, "cli:%.24s via %s", sudo, name);
	else
		snprintf(buf, len, "cli:%s", name);
}

void sm_cli_audit(struct sm_store *st, const char *action, const char *subject,
		  const char *fmt, ...)
{
	char actor[SM_STORE_NAME_MAX], detail[SM_STORE_ERROR_MAX] = "";
	va_list ap;

	sm_cli_actor(actor, sizeof(actor));
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(detail, sizeof(detail), fmt, ap);
		va_end(ap);
	}
	if (sm_store_audit_add(st, (int64_t)time(NULL), actor, action, subject,
			       detail, NULL) < 0)
		fprintf(stderr, "smsmatch: warning: audit trail: %s: %s\n",
			action, sm_store_errmsg(st));
}
