/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.h - levelled logging to stderr or syslog (journald), with phone
 * numbers masked.
 *
 * There is no global logger: main() fills a struct sm_log and hands a
 * pointer to the modules that log.  A NULL logger prints warnings and
 * errors to stderr.
 */
#ifndef SMSMATCH_LOG_H
#define SMSMATCH_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum sm_log_level {
	SM_LOG_ERR,   /* something failed that a person must look at */
	SM_LOG_WARN,  /* degraded but carrying on */
	SM_LOG_INFO,  /* normal operation worth a line */
	SM_LOG_DEBUG, /* AT traffic and internals */
};

struct sm_log {
	enum sm_log_level level; /* lines above this level are dropped */
	bool syslog;		 /* true: syslog(3); false: @stream */
	FILE *stream;		 /* when !syslog; NULL means stderr */
	const char *ident;	 /* prefix on stream lines, e.g. "smsmatchd" */
};

/* Log one line (no trailing newline needed). */
void sm_logf(const struct sm_log *log, enum sm_log_level level,
	     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void sm_vlogf(const struct sm_log *log, enum sm_log_level level,
	      const char *fmt, va_list ap);

/* Parse "error", "warning", "info", "debug".  Returns 0 or -EINVAL. */
int sm_log_level_parse(const char *name, enum sm_log_level *out);

/*
 * Mask a phone number for logs, keeping the leading '+' and the last two
 * digits: "+33612345678" -> "+*********78".  Non-numbers (alphanumeric
 * senders) are kept.  Returns @buf (always NUL-terminated).
 */
const char *sm_log_mask_number(const char *number, char *buf, size_t len);

#endif
