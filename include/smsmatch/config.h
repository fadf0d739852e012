/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.h - the smsmatch configuration (conf/smsmatch.conf, libconfig
 * syntax), read by both smsmatchd and smsmatch with -c FILE.
 *
 * The whole configuration is one struct sm_config of fixed-size fields:
 * no allocation, nothing to free, safe to copy (SIGHUP loads a new one
 * beside the old and swaps).  Loading fills the defaults, then checks
 * every value; the first problem stops the load with one message that
 * names the file, the line and the key:
 *
 *   smsmatch.conf:12: modems.[1].rate_per_minute: must be between 1 and 60000
 *   (got 0)
 *
 * Unknown keys are errors (with a suggestion for near misses), so a typo
 * is never silently ignored.  Secrets (PIN, API key) are not in the file:
 * the file names them and sm_config_read_secret() reads them, refusing a
 * file that group or others may read.  Only src/config.c sees libconfig.
 *
 * The window in sending.window is evaluated in the process's time zone:
 * main() applies `timezone` once, setenv("TZ", cfg.timezone, 1); tzset();
 * the one piece of process state main() sets (see window.h).
 */
#ifndef SMSMATCH_CONFIG_H
#define SMSMATCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "smsmatch/log.h"
#include "smsmatch/window.h"

#define SM_CONFIG_MAX_MODEMS	 32  /* entries in modems = ( ... ) */
#define SM_CONFIG_NAME_MAX	 32  /* modem name, [a-z0-9_-]+ */
#define SM_CONFIG_PATH_MAX	 256 /* every file or device path */
#define SM_CONFIG_TZ_MAX	 64  /* "Europe/Paris" */
#define SM_CONFIG_SPEC_MAX	 128 /* sending.hours / days strings */
#define SM_CONFIG_AGENCY_MAX	 96  /* agency.name, bytes of UTF-8 */
#define SM_CONFIG_SIGNATURE_MAX	 48  /* agency.signature, bytes of UTF-8 */
#define SM_CONFIG_MODEL_MAX	 64  /* llm.model */
#define SM_CONFIG_USB_SERIAL_MAX 64  /* SERIAL in device = "usb:SERIAL" */
#define SM_CONFIG_FILE_MAX	 (1024 * 1024) /* larger files are refused */

/* Default path of the configuration file. */
#define SM_CONFIG_DEFAULT_PATH "/etc/smsmatch/smsmatch.conf"

/* Modem driver families (drivers/<name>); AUTO picks by +CGMI/+CGMM. */
enum sm_config_driver {
	SM_DRIVER_AUTO,
	SM_DRIVER_GENERIC,
	SM_DRIVER_HUAWEI,
	SM_DRIVER_QUECTEL,
	SM_DRIVER_SIMCOM,
};

/* One entry of modems = ( { ... } ). */
struct sm_config_modem {
	char name[SM_CONFIG_NAME_MAX + 1]; /* unique, [a-z0-9_-]+, required */
	char device[SM_CONFIG_PATH_MAX];   /* "/dev/..." or "usb:SERIAL[:N]",
					      required */
	char usb_serial[SM_CONFIG_USB_SERIAL_MAX]; /* SERIAL of a usb:
						      device, else "" */
	int usb_index;		      /* N of usb:SERIAL:N, -1 when absent */
	enum sm_config_driver driver; /* default SM_DRIVER_AUTO */
	char pin_file[SM_CONFIG_PATH_MAX]; /* absolute path, "" for none */
	int rate_per_minute;		   /* 1..60000, default 6 */
	int daily_limit;		   /* 1..10000, default 200 */
	int baud;     /* a standard rate 9600..921600, default 115200 */
	bool enabled; /* default true */
	int line;     /* line of the entry in the file, for messages */
};

/* sending.retry: backoff of failed sends. */
struct sm_config_retry {
	int max_attempts;      /* 1..20, default 5 */
	int initial_backoff_s; /* 1..86400, default 30 */
	int max_backoff_s;     /* initial_backoff_s..86400, default 3600 */
};

/* sending: the window for first contacts and reminders, and retries. */
struct sm_config_sending {
	char hours[SM_CONFIG_SPEC_MAX]; /* as written, default "08:00-20:00" */
	char days[SM_CONFIG_SPEC_MAX];	/* as written, default "mon-sat" */
	struct sm_window window;	/* hours, days and holidays parsed */
	struct sm_config_retry retry;
};

/* What the LLM may be asked about: answer kinds of the dialogue scripts. */
enum sm_llm_use {
	SM_LLM_USE_YESNO = 1 << 0,  /* "yesno" */
	SM_LLM_USE_CHOICE = 1 << 1, /* "choice" */
	SM_LLM_USE_NUMBER = 1 << 2, /* "number" */
	SM_LLM_USE_DATE = 1 << 3,   /* "date" */
	SM_LLM_USE_TEXT = 1 << 4,   /* "text" */
	SM_LLM_USE_INTERPRET = 1 << 5, /* "interpret": read replies the rules
					* are unsure of (the kinds above
					* restrict it; none listed: all) */
	SM_LLM_USE_CLARIFY = 1 << 6,   /* "clarify": draft answers to the
					* candidates' questions */
};
#define SM_LLM_USE_KINDS                                                   \
	(SM_LLM_USE_YESNO | SM_LLM_USE_CHOICE | SM_LLM_USE_NUMBER |         \
	 SM_LLM_USE_DATE | SM_LLM_USE_TEXT)

/* llm: the optional answer-understanding helper (off by default). */
struct sm_config_llm {
	bool enabled;			       /* default false */
	char url[SM_CONFIG_PATH_MAX];	       /* http:// or https://; required
						  when enabled */
	char model[SM_CONFIG_MODEL_MAX];       /* required when enabled */
	char api_key_file[SM_CONFIG_PATH_MAX]; /* absolute path or "" */
	int timeout_ms;			       /* 100..120000, default 10000 */
	int max_in_flight;		       /* 1..16, default 2 */
	unsigned uses; /* enum sm_llm_use bits; default yesno, choice, date,
			  text (neither interpret nor clarify: each is off
			  unless listed) */
};

struct sm_config {
	char path[SM_CONFIG_PATH_MAX];	   /* name used in messages */
	char database[SM_CONFIG_PATH_MAX]; /* default
					      /var/lib/smsmatch/smsmatch.db */
	char timezone[SM_CONFIG_TZ_MAX];   /* an /usr/share/zoneinfo name,
					      default "Europe/Paris" */
	enum sm_log_level log_level;	   /* default SM_LOG_INFO */
	struct sm_config_modem modems[SM_CONFIG_MAX_MODEMS];
	unsigned nmodems; /* 0..SM_CONFIG_MAX_MODEMS */
	struct sm_config_sending sending;
	char agency_name[SM_CONFIG_AGENCY_MAX];		/* default "" */
	char agency_signature[SM_CONFIG_SIGNATURE_MAX]; /* default "" */
	struct sm_config_llm llm;
	int retention_days; /* retention.days: purge conversations of
			       campaigns closed longer ago; 0 (default)
			       off, else 1..3650 */
};

/* Fill @out with every default (no modems). */
void sm_config_defaults(struct sm_config *out);

/*
 * Parse the configuration @text (NUL-terminated libconfig syntax) into
 * @out; @name_for_errors (e.g. the file name) starts every message.
 * `@include` is refused: the configuration is one file.  Returns 0, or
 * -EINVAL with "NAME:LINE: KEY: reason" in @err (@errlen bytes, always
 * NUL-terminated); @out is then in an unspecified but harmless state.
 */
int sm_config_parse_string(const char *text, const char *name_for_errors,
			   struct sm_config *out, char *err, size_t errlen);

/*
 * Read and parse the file @path (at most SM_CONFIG_FILE_MAX bytes) into
 * @out; messages start with @path as given.  Returns 0, -EINVAL with the
 * message in @err, or a negative errno when the file cannot be read
 * ("PATH: No such file or directory").
 */
int sm_config_load(const char *path, struct sm_config *out, char *err,
		   size_t errlen);

/*
 * Read a secret (PIN, API key) from the file @path into @buf of @len bytes,
 * without its trailing newline (\n or \r\n).  The file must be a regular
 * file that neither group nor others may read or write ("PATH: mode 0644:
 * must be 0600"), not empty, without NUL bytes, and shorter than @len.
 * Returns 0, or a negative errno with a message in @err; @buf is then
 * zeroed.  The caller should wipe @buf after use.
 */
int sm_config_read_secret(const char *path, char *buf, size_t len, char *err,
			  size_t errlen);

/* Configuration name of @d: "auto", "generic", "huawei", ... */
const char *sm_config_driver_name(enum sm_config_driver d);

/*
 * The modem named @name in @cfg, or NULL.
 */
const struct sm_config_modem *sm_config_modem_find(const struct sm_config *cfg,
						   const char *name);

#endif
