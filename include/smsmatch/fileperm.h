/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fileperm.h - the modes of the files that hold personal data or secrets,
 * checked at start-up by smsmatchd (database, its -wal and -shm, PIN and
 * API key files) and by smsmatch (the database).
 *
 * A database that its group or others may read is a warning naming the
 * file and the fix; a secret file that they may read is refused when it
 * is read (sm_config_read_secret()), and the start-up check says so in
 * advance.  Missing files are not warnings (the database is created, a
 * secret's absence is reported where it is read).
 */
#ifndef SMSMATCH_FILEPERM_H
#define SMSMATCH_FILEPERM_H

#include <stdbool.h>
#include <stddef.h>

#include "smsmatch/config.h"

/*
 * Check the mode of @path.  0 if it is missing or neither group nor
 * others may read or write it; 1 if they may, with one line in @msg:
 *   "/var/lib/smsmatch/smsmatch.db: mode 0644: group and others can read
 *   it; fix: chmod 600 /var/lib/smsmatch/smsmatch.db"
 * (@secret adds that the file will not be used).  Negative errno if it
 * cannot be examined.
 */
int sm_fileperm_check(const char *path, bool secret, char *msg, size_t len);

typedef void (*sm_fileperm_warn_fn)(const char *msg, void *data);

/*
 * Check the database of @cfg with its -wal and -shm files and, with
 * @secrets, every modem's pin_file and llm.api_key_file; call @fn once
 * per file to warn about.  Returns the number of warnings.
 */
int sm_fileperm_check_config(const struct sm_config *cfg, bool secrets,
			     sm_fileperm_warn_fn fn, void *data);

#endif
