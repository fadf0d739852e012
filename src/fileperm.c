/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fileperm.c - start-up check of the modes of the database and the secret
 * files (fileperm.h).  stat(2) only: nothing is opened or changed.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "smsmatch/fileperm.h"

int sm_fileperm_check(const char *path, bool secret, char *msg, size_t len)
{
	struct stat st;
	const char *who;
	mode_t m;

	if (!path || !*path)
		return 0;
	if (stat(path, &st) != 0)
		return errno == ENOENT ? 0 : -errno;
	m = st.st_mode & (S_IRWXG | S_IRWXO);
	if (!m)
		return 0;
	who = (m & S_IRWXG) && (m & S_IRWXO) ? "group and others"
	      : (m & S_IRWXG)		     ? "its group"
					     : "others";
	snprintf(msg, len, "%s: mode %04o: %s can %s it%s; fix: chmod 600 %s",
		 path, (unsigned)(st.st_mode & 07777), who,
		 (m & (S_IRGRP | S_IROTH)) ? "read" : "write",
		 secret ? ", so it will not be used" : "", path);
	return 1;
}

/* Check one file and warn; 1 if it warned. */
static int check_one(const char *path, bool secret, sm_fileperm_warn_fn fn,
		     void *data)
{
	char msg[3 * SM_CONFIG_PATH_MAX];

	if (sm_fileperm_check(path, secret, msg, sizeof(msg)) != 1)
		return 0;
	fn(msg, data);
	return 1;
}

int sm_fileperm_check_config(const struct sm_config *cfg, bool secrets,
			     sm_fileperm_warn_fn fn, void *data)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	char path[SM_CONFIG_PATH_MAX + 8];
	int n = 0;

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", cfg->database,
			 suffixes[i]);
		n += check_one(path, false, fn, data);
	}
	if (!secrets)
		return n;
	for (unsigned i = 0; i < cfg->nmodems; i++)
		n += check_one(cfg->modems[i].pin_file, true, fn, data);
	n += check_one(cfg->llm.api_key_file, true, fn, data);
	return n;
}
