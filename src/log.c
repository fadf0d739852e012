/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.c - levelled logging to a stream or syslog, and phone-number masking.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "smsmatch/log.h"

static const char *const level_names[] = {
	[SM_LOG_ERR] = "error",
	[SM_LOG_WARN] = "warning",
	[SM_LOG_INFO] = "info",
	[SM_LOG_DEBUG] = "debug",
};

static int syslog_priority(enum sm_log_level level)
{
	switch (level) {
	case SM_LOG_ERR:
		return LOG_ERR;
	case SM_LOG_WARN:
		return LOG_WARNING;
	case SM_LOG_INFO:
		return LOG_INFO;
	case SM_LOG_DEBUG:
		return LOG_DEBUG;
	}
	return LOG_INFO;
}

void sm_vlogf(const struct sm_log *log, enum sm_log_level level,
	      const char *fmt, va_list ap)
{
	enum sm_log_level max = log ? log->level : SM_LOG_WARN;
	char line[1024];
	FILE *out;

	if (level > max)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (log && log->syslog) {
		syslog(syslog_priority(level), "%s", line);
		return;
	}
	out = log && log->stream ? log->stream : stderr;
	if (log && log->ident)
		fprintf(out, "%s: %s: %s\n", log->ident, level_names[level],
			line);
	else
		fprintf(out, "%s: %s\n", level_names[level], line);
	fflush(out);
}

void sm_logf(const struct sm_log *log, enum sm_log_level level,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sm_vlogf(log, level, fmt, ap);
	va_end(ap);
}

int sm_log_level_parse(const char *name, enum sm_log_level *out)
{
	static const struct {
		const char *name;
		enum sm_log_level level;
	} names[] = {
		{"error", SM_LOG_ERR},	 {"err", SM_LOG_ERR},
		{"warning", SM_LOG_WARN}, {"warn", SM_LOG_WARN},
		{"info", SM_LOG_INFO},	 {"debug", SM_LOG_DEBUG},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(name, names[i].name) == 0) {
			*out = names[i].level;
			return 0;
		}
	}
	return -EINVAL;
}

/* True for "+33612345678", "06 12 34 56 78": '+' first, digits, spaces. */
static size_t count_phone_digits(const char *s)
{
	size_t digits = 0;

	for (size_t i = 0; s[i]; i++) {
		if (isdigit((unsigned char)s[i]))
			digits++;
		else if (!(i == 0 && s[i] == '+') && s[i] != ' ')
			return 0;
	}
	return digits;
}

const char *sm_log_mask_number(const char *number, char *buf, size_t len)
{
	size_t digits, seen = 0, o = 0;

	if (!len)
		return buf;
	if (!number)
		number = "";
	digits = count_phone_digits(number);
	if (digits == 0) {
		snprintf(buf, len, "%s", number);
		return buf;
	}
	for (size_t i = 0; number[i] && o + 1 < len; i++) {
		char c = number[i];

		if (isdigit((unsigned char)c)) {
			seen++;
			buf[o++] = seen + 2 > digits ? c : '*';
		} else if (c == '+') {
			buf[o++] = c;
		}
	}
	buf[o] = '\0';
	return buf;
}
