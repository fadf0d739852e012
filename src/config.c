/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.c - load and check conf/smsmatch.conf (libconfig syntax) into a
 * struct sm_config of fixed-size fields, and read secret files.
 *
 * The only file in the project that includes <libconfig.h>.  libconfig
 * parses the syntax; this file walks the tree it builds, group by group,
 * against tables of the known keys, so that an unknown key is an error
 * ("did you mean ...?") and every value is type- and range-checked with a
 * message "FILE:LINE: KEY: reason".  The first error stops the load.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libconfig.h>

#include "smsmatch/config.h"

#define ZONEINFO_DIR "/usr/share/zoneinfo"

/* Where messages go while one configuration is checked. */
struct ctx {
	const char *name; /* file name for messages */
	char *err;	  /* message buffer */
	size_t errlen;	  /* its size */
};

/* Write "NAME:LINE: KEY: reason" and return -EINVAL. */
static int fail(struct ctx *c, unsigned line, const char *key, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

static int fail(struct ctx *c, unsigned line, const char *key, const char *fmt,
		...)
{
	va_list ap;
	int n;

	if (!c->err || !c->errlen)
		return -EINVAL;
	n = snprintf(c->err, c->errlen, "%s:%u: %s: ", c->name, line, key);
	if (n >= 0 && (size_t)n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static unsigned line_of(const config_setting_t *s)
{
	return s ? config_setting_source_line(s) : 0;
}

static const char *type_name(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_GROUP:
		return "group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "integer";
	case CONFIG_TYPE_FLOAT:
		return "float";
	case CONFIG_TYPE_STRING:
		return "string";
	case CONFIG_TYPE_BOOL:
		return "boolean";
	case CONFIG_TYPE_ARRAY:
		return "array";
	case CONFIG_TYPE_LIST:
		return "list";
	}
	return "nothing";
}

/* "prefix.key", or "key" at the top level; bounded, cut if need be. */
static void key_path(char *buf, size_t len, const char *prefix, const char *key)
{
	if (prefix && *prefix)
		snprintf(buf, len, "%s.%s", prefix, key);
	else
		snprintf(buf, len, "%s", key);
}

/* Levenshtein distance of two short strings (cut at 32 bytes). */
static unsigned edit_distance(const char *a, const char *b)
{
	unsigned row[33], la = (unsigned)strnlen(a, 32),
			  lb = (unsigned)strnlen(b, 32);

	for (unsigned j = 0; j <= lb; j++)
		row[j] = j;
	for (unsigned i = 1; i <= la; i++) {
		unsigned diag = row[0];

		row[0] = i;
		for (unsigned j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/*
 * Every member of @group must be in @known (NULL-terminated); an unknown
 * one is reported with the nearest known key when it is close.
 */
static int check_keys(struct ctx *c, const config_setting_t *group,
		      const char *prefix, const char *const *known)
{
	int n = config_setting_length(group);

	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(group, i);
		const char *name = config_setting_name(s);
		const char *best = NULL;
		unsigned best_d = ~0u;
		char key[160], list[256] = "";
		size_t used = 0;
		bool found = false;

		if (!name)
			continue;
		for (const char *const *k = known; *k; k++) {
			unsigned d;

			if (!strcmp(*k, name)) {
				found = true;
				break;
			}
			d = edit_distance(name, *k);
			if (d < best_d) {
				best_d = d;
				best = *k;
			}
			if (used < sizeof(list))
				used += (size_t)snprintf(
					list + used, sizeof(list) - used,
					"%s%s", k == known ? "" : ", ", *k);
		}
		if (found)
			continue;
		key_path(key, sizeof(key), prefix, name);
		if (prefix && !strcmp(prefix, "sending") &&
		    !strncmp(name, "quiet", 5))
			return fail(c, line_of(s), key,
				    "unknown setting (the window is set "
				    "with hours, days and holidays)");
		if (best && best_d <= 2 && best_d < strlen(name))
			return fail(c, line_of(s), key,
				    "unknown setting (did you mean '%s'?)",
				    best);
		return fail(c, line_of(s), key,
			    "unknown setting (expected one of: %s)", list);
	}
	return 0;
}

/*
 * Member @name of @group, checked to be of @type (INT also accepts
 * INT64).  Returns 1 with *@out set, 0 when absent (an error when
 * @required), or -EINVAL.
 */
static int member(struct ctx *c, const config_setting_t *group,
		  const char *prefix, const char *name, int type, bool required,
		  config_setting_t **out)
{
	config_setting_t *s = config_setting_get_member(group, name);
	char key[160];
	int t;

	key_path(key, sizeof(key), prefix, name);
	if (!s) {
		if (required)
			return fail(c, line_of(group), key,
				    "missing (required)");
		return 0;
	}
	t = config_setting_type(s);
	if (type == CONFIG_TYPE_INT && t == CONFIG_TYPE_INT64)
		t = CONFIG_TYPE_INT;
	if (t != type) {
		static const char *const want[] = {
			[CONFIG_TYPE_GROUP] = "a group { ... }",
			[CONFIG_TYPE_INT] = "an integer",
			[CONFIG_TYPE_STRING] = "a string",
			[CONFIG_TYPE_BOOL] = "true or false",
			[CONFIG_TYPE_LIST] = "a list ( ... )",
		};

		return fail(c, line_of(s), key, "must be %s (got %s)",
			    want[type], type_name(s));
	}
	*out = s;
	return 1;
}

/* True when @s is valid UTF-8 without control characters. */
static bool clean_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned cp, n;

		if (*p < 0x80) {
			if (*p < 0x20 || *p == 0x7f)
				return false;
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			cp = *p & 0x1f;
			n = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p & 0x0f;
			n = 2;
		} else if ((*p & 0xf8) == 0xf0) {
			cp = *p & 0x07;
			n = 3;
		} else {
			return false;
		}
		p++;
		for (unsigned i = 0; i < n; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (*p & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0))
			return false;
	}
	return true;
}

/*
 * String member @name of @group into @buf (@len bytes): valid UTF-8, no
 * control characters, not empty, fits.  Returns 1, 0 when absent, or
 * -EINVAL.  *@where gets the setting for later messages when not NULL.
 */
static int get_string(struct ctx *c, const config_setting_t *group,
		      const char *prefix, const char *name, bool required,
		      char *buf, size_t len, config_setting_t **where)
{
	config_setting_t *s = NULL;
	const char *v;
	char key[160];
	size_t n;
	int rc;

	rc = member(c, group, prefix, name, CONFIG_TYPE_STRING, required, &s);
	if (rc <= 0)
		return rc;
	key_path(key, sizeof(key), prefix, name);
	v = config_setting_get_string(s);
	if (!v)
		v = "";
	n = strlen(v);
	if (!n)
		return fail(c, line_of(s), key, "must not be empty");
	if (n >= len)
		return fail(c, line_of(s), key,
			    "too long (%zu bytes, at most %zu)", n, len - 1);
	if (!clean_utf8(v))
		return fail(c, line_of(s), key,
			    "must be UTF-8 text without control characters");
	memcpy(buf, v, n + 1);
	if (where)
		*where = s;
	return 1;
}

/* Integer member @name of @group in [@min, @max] into *@out. */
static int get_int(struct ctx *c, const config_setting_t *group,
		   const char *prefix, const char *name, int min, int max,
		   int *out)
{
	config_setting_t *s = NULL;
	long long v;
	char key[160];
	int rc;

	rc = member(c, group, prefix, name, CONFIG_TYPE_INT, false, &s);
	if (rc <= 0)
		return rc;
	key_path(key, sizeof(key), prefix, name);
	v = config_setting_get_int64(s);
	if (v < min || v > max)
		return fail(c, line_of(s), key,
			    "must be between %d and %d (got %lld)", min, max,
			    v);
	*out = (int)v;
	return 1;
}

static int get_bool(struct ctx *c, const config_setting_t *group,
		    const char *prefix, const char *name, bool *out)
{
	config_setting_t *s = NULL;
	int rc;

	rc = member(c, group, prefix, name, CONFIG_TYPE_BOOL, false, &s);
	if (rc <= 0)
		return rc;
	*out = config_setting_get_bool(s) != 0;
	return 1;
}

/* An absolute path of printable characters. */
static int check_abs_path(struct ctx *c, const config_setting_t *s,
			  const char *key, const char *path)
{
	if (path[0] != '/')
		return fail(c, line_of(s), key,
			    "must be an absolute path (got '%s')", path);
	return 0;
}

static int check_timezone(struct ctx *c, const config_setting_t *s,
			  const char *tz)
{
	char path[sizeof(ZONEINFO_DIR) + SM_CONFIG_TZ_MAX + 1];
	unsigned char magic[4];
	struct stat st;
	int fd;
	ssize_t n;

	/* A zoneinfo name, never a way out of the directory. */
	for (const char *p = tz; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_+-/", *p))
			goto bad;
	if (tz[0] == '/' || strstr(tz, "..") || strstr(tz, "//"))
		goto bad;
	snprintf(path, sizeof(path), "%s/%s", ZONEINFO_DIR, tz);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		goto bad;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		goto bad;
	}
	n = read(fd, magic, sizeof(magic));
	close(fd);
	if (n != (ssize_t)sizeof(magic) || memcmp(magic, "TZif", 4) != 0)
		goto bad;
	return 0;
bad:
	return fail(c, line_of(s), "timezone",
		    "unknown time zone '%s' (expected a name from "
		    "%s, like \"Europe/Paris\")",
		    tz, ZONEINFO_DIR);
}

static const char *const driver_names[] = {
	[SM_DRIVER_AUTO] = "auto",     [SM_DRIVER_GENERIC] = "generic",
	[SM_DRIVER_HUAWEI] = "huawei", [SM_DRIVER_QUECTEL] = "quectel",
	[SM_DRIVER_SIMCOM] = "simcom",
};

const char *sm_config_driver_name(enum sm_config_driver d)
{
	switch (d) {
	case SM_DRIVER_AUTO:
	case SM_DRIVER_GENERIC:
	case SM_DRIVER_HUAWEI:
	case SM_DRIVER_QUECTEL:
	case SM_DRIVER_SIMCOM:
		return driver_names[d];
	}
	return "?";
}

/* "usb:SERIAL" or "usb:SERIAL:N" into @m; 0 or -EINVAL (no message). */
static int parse_usb_device(struct sm_config_modem *m, const char *dev)
{
	const char *serial = dev + 4, *colon = strchr(serial, ':');
	size_t n = colon ? (size_t)(colon - serial) : strlen(serial);

	if (n == 0 || n >= sizeof(m->usb_serial))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)serial[i]) &&
		    !strchr("._-", serial[i]))
			return -EINVAL;
	m->usb_index = -1;
	if (colon) {
		const char *p = colon + 1;

		if (!isdigit((unsigned char)p[0]) ||
		    (p[1] && (!isdigit((unsigned char)p[1]) || p[2])))
			return -EINVAL;
		m->usb_index = atoi(p);
		if (m->usb_index > 15)
			return -EINVAL;
	}
	memcpy(m->usb_serial, serial, n);
	m->usb_serial[n] = '\0';
	return 0;
}

static int parse_modem(struct ctx *c, const config_setting_t *g, unsigned idx,
		       struct sm_config *cfg)
{
	static const char *const keys[] = {
		"name",	    "device",	       "driver",
		"pin_file", "rate_per_minute", "daily_limit",
		"baud",	    "enabled",	       NULL,
	};
	static const int bauds[] = {9600,   19200,  38400,  57600,
				    115200, 230400, 460800, 921600};
	struct sm_config_modem *m = &cfg->modems[idx];
	config_setting_t *s = NULL;
	char prefix[32], key[64];
	int rc;

	snprintf(prefix, sizeof(prefix), "modems.[%u]", idx);
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return fail(c, line_of(g), prefix,
			    "must be a group { name = ...; device = ...; } "
			    "(got %s)",
			    type_name(g));
	rc = check_keys(c, g, prefix, keys);
	if (rc)
		return rc;
	memset(m, 0, sizeof(*m));
	m->usb_index = -1;
	m->driver = SM_DRIVER_AUTO;
	m->rate_per_minute = 6;
	m->daily_limit = 200;
	m->baud = 115200;
	m->enabled = true;
	m->line = (int)line_of(g);

	rc = get_string(c, g, prefix, "name", true, m->name, sizeof(m->name),
			&s);
	if (rc < 0)
		return rc;
	key_path(key, sizeof(key), prefix, "name");
	for (const char *p = m->name; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_-", *p))
			return fail(c, line_of(s), key,
				    "'%s': use only a-z, 0-9, '_' and '-'",
				    m->name);
	for (unsigned i = 0; i < idx; i++)
		if (!strcmp(cfg->modems[i].name, m->name))
			return fail(c, line_of(s), key,
				    "duplicate name '%s' (also modems.[%u], "
				    "line %d)",
				    m->name, i, cfg->modems[i].line);

	rc = get_string(c, g, prefix, "device", true, m->device,
			sizeof(m->device), &s);
	if (rc < 0)
		return rc;
	key_path(key, sizeof(key), prefix, "device");
	if (!strncmp(m->device, "usb:", 4)) {
		if (parse_usb_device(m, m->device))
			return fail(c, line_of(s), key,
				    "bad USB device '%s' (expected "
				    "usb:SERIAL or usb:SERIAL:INDEX, INDEX "
				    "0 to 15)",
				    m->device);
	} else if (m->device[0] != '/') {
		return fail(c, line_of(s), key,
			    "'%s': expected a path like /dev/smsmatch/modem0 "
			    "or usb:SERIAL[:INDEX]",
			    m->device);
	}
	for (unsigned i = 0; i < idx; i++)
		if (!strcmp(cfg->modems[i].device, m->device))
			return fail(c, line_of(s), key,
				    "device '%s' is also modems.[%u] ('%s')",
				    m->device, i, cfg->modems[i].name);

	rc = member(c, g, prefix, "driver", CONFIG_TYPE_STRING, false, &s);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		const char *v = config_setting_get_string(s);
		size_t i;

		for (i = 0; i < sizeof(driver_names) / sizeof(driver_names[0]);
		     i++)
			if (!strcmp(v, driver_names[i]))
				break;
		key_path(key, sizeof(key), prefix, "driver");
		if (i == sizeof(driver_names) / sizeof(driver_names[0]))
			return fail(c, line_of(s), key,
				    "unknown driver '%.32s' (expected auto, "
				    "generic, huawei, quectel or simcom)",
				    v);
		m->driver = (enum sm_config_driver)i;
	}

	rc = get_string(c, g, prefix, "pin_file", false, m->pin_file,
			sizeof(m->pin_file), &s);
	if (rc < 0)
		return rc;
	key_path(key, sizeof(key), prefix, "pin_file");
	if (rc == 1 && check_abs_path(c, s, key, m->pin_file))
		return -EINVAL;

	if ((rc = get_int(c, g, prefix, "rate_per_minute", 1, 60000,
			  &m->rate_per_minute)) < 0 ||
	    (rc = get_int(c, g, prefix, "daily_limit", 1, 10000,
			  &m->daily_limit)) < 0 ||
	    (rc = get_bool(c, g, prefix, "enabled", &m->enabled)) < 0)
		return rc;

	rc = member(c, g, prefix, "baud", CONFIG_TYPE_INT, false, &s);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		long long v = config_setting_get_int64(s);
		bool ok = false;

		for (size_t i = 0; i < sizeof(bauds) / sizeof(bauds[0]); i++)
			ok |= v == bauds[i];
		key_path(key, sizeof(key), prefix, "baud");
		if (!ok)
			return fail(c, line_of(s), key,
				    "unsupported rate %lld (expected 9600, "
				    "19200, 38400, 57600, 115200, 230400, "
				    "460800 or 921600)",
				    v);
		m->baud = (int)v;
	}
	return 0;
}

static int parse_modems(struct ctx *c, const config_setting_t *root,
			struct sm_config *cfg)
{
	config_setting_t *list = config_setting_get_member(root, "modems");
	int n;

	if (!list)
		return 0;
	if (config_setting_type(list) != CONFIG_TYPE_LIST)
		return fail(c, line_of(list), "modems",
			    "must be a list of groups: modems = ( { ... }, "
			    "{ ... } ); (got %s)",
			    type_name(list));
	n = config_setting_length(list);
	if (n > SM_CONFIG_MAX_MODEMS)
		return fail(c, line_of(list), "modems",
			    "too many modems (%d, at most %d)", n,
			    SM_CONFIG_MAX_MODEMS);
	for (int i = 0; i < n; i++) {
		int rc = parse_modem(c, config_setting_get_elem(list, i),
				     (unsigned)i, cfg);

		if (rc)
			return rc;
		cfg->nmodems = (unsigned)i + 1;
	}
	return 0;
}

static int parse_retry(struct ctx *c, const config_setting_t *sending,
		       struct sm_config_retry *r)
{
	static const char *const keys[] = {
		"max_attempts",
		"initial_backoff_s",
		"max_backoff_s",
		NULL,
	};
	config_setting_t *g = NULL;
	int rc;

	rc = member(c, sending, "sending", "retry", CONFIG_TYPE_GROUP, false,
		    &g);
	if (rc <= 0)
		return rc;
	if ((rc = check_keys(c, g, "sending.retry", keys)) ||
	    (rc = get_int(c, g, "sending.retry", "max_attempts", 1, 20,
			  &r->max_attempts)) < 0 ||
	    (rc = get_int(c, g, "sending.retry", "initial_backoff_s", 1, 86400,
			  &r->initial_backoff_s)) < 0 ||
	    (rc = get_int(c, g, "sending.retry", "max_backoff_s", 1, 86400,
			  &r->max_backoff_s)) < 0)
		return rc;
	if (r->max_backoff_s < r->initial_backoff_s) {
		config_setting_t *s =
			config_setting_get_member(g, "max_backoff_s");

		return fail(c, line_of(s ? s : g),
			    "sending.retry.max_backoff_s",
			    "must not be below initial_backoff_s (%d < %d)",
			    r->max_backoff_s, r->initial_backoff_s);
	}
	return 0;
}

static int parse_sending(struct ctx *c, const config_setting_t *root,
			 struct sm_config *cfg)
{
	static const char *const keys[] = {
		"hours", "days", "holidays", "retry", NULL,
	};
	struct sm_config_sending *snd = &cfg->sending;
	config_setting_t *g = NULL, *s = NULL;
	char why[200];
	int rc;

	rc = member(c, root, "", "sending", CONFIG_TYPE_GROUP, false, &g);
	if (rc <= 0)
		return rc;
	rc = check_keys(c, g, "sending", keys);
	if (rc)
		return rc;
	rc = get_string(c, g, "sending", "hours", false, snd->hours,
			sizeof(snd->hours), &s);
	if (rc < 0)
		return rc;
	if (sm_window_parse_hours(&snd->window, snd->hours, why, sizeof(why)))
		return fail(c, line_of(s), "sending.hours", "%s", why);
	rc = get_string(c, g, "sending", "days", false, snd->days,
			sizeof(snd->days), &s);
	if (rc < 0)
		return rc;
	if (sm_window_parse_days(&snd->window, snd->days, why, sizeof(why)))
		return fail(c, line_of(s), "sending.days", "%s", why);
	rc = member(c, g, "sending", "holidays", CONFIG_TYPE_STRING, false, &s);
	if (rc < 0)
		return rc;
	if (rc == 1 &&
	    sm_window_parse_holidays(&snd->window, config_setting_get_string(s),
				     why, sizeof(why)))
		return fail(c, line_of(s), "sending.holidays", "%s", why);
	return parse_retry(c, g, &snd->retry);
}

static int parse_llm_uses(struct ctx *c, const config_setting_t *g,
			  struct sm_config_llm *llm)
{
	static const struct {
		const char *name;
		enum sm_llm_use bit;
	} uses[] = {
		{"yesno", SM_LLM_USE_YESNO},   {"choice", SM_LLM_USE_CHOICE},
		{"number", SM_LLM_USE_NUMBER}, {"date", SM_LLM_USE_DATE},
		{"text", SM_LLM_USE_TEXT},
		{"interpret", SM_LLM_USE_INTERPRET},
		{"clarify", SM_LLM_USE_CLARIFY},
	};
	config_setting_t *s = config_setting_get_member(g, "uses");
	int n;

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST)
		return fail(c, line_of(s), "llm.uses",
			    "must be an array of strings like [ \"text\", "
			    "\"date\" ] (got %s)",
			    type_name(s));
	n = config_setting_length(s);
	if (n == 0)
		return fail(c, line_of(s), "llm.uses",
			    "must name at least one of interpret, clarify, "
			    "yesno, choice, number, date, text");
	llm->uses = 0;
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		const char *v = config_setting_type(e) == CONFIG_TYPE_STRING
					? config_setting_get_string(e)
					: NULL;
		char key[32];
		size_t k;

		snprintf(key, sizeof(key), "llm.uses.[%d]", i);
		if (!v)
			return fail(c, line_of(e), key,
				    "must be a string (got %s)", type_name(e));
		for (k = 0; k < sizeof(uses) / sizeof(uses[0]); k++)
			if (!strcmp(v, uses[k].name))
				break;
		if (k == sizeof(uses) / sizeof(uses[0]))
			return fail(c, line_of(e), key,
				    "unknown use '%.32s' (expected "
				    "interpret, clarify, yesno, choice, "
				    "number, date or text)",
				    v);
		llm->uses |= (unsigned)uses[k].bit;
	}
	return 0;
}

static int parse_llm(struct ctx *c, const config_setting_t *root,
		     struct sm_config *cfg)
{
	static const char *const keys[] = {
		"enabled",    "url",	       "model", "api_key_file",
		"timeout_ms", "max_in_flight", "uses",	NULL,
	};
	struct sm_config_llm *llm = &cfg->llm;
	config_setting_t *g = NULL, *s = NULL;
	int rc;

	rc = member(c, root, "", "llm", CONFIG_TYPE_GROUP, false, &g);
	if (rc <= 0)
		return rc;
	if ((rc = check_keys(c, g, "llm", keys)) ||
	    (rc = get_bool(c, g, "llm", "enabled", &llm->enabled)) < 0)
		return rc;
	rc = get_string(c, g, "llm", "url", false, llm->url, sizeof(llm->url),
			&s);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		const char *host = NULL;

		if (!strncmp(llm->url, "http://", 7))
			host = llm->url + 7;
		else if (!strncmp(llm->url, "https://", 8))
			host = llm->url + 8;
		if (!host)
			return fail(c, line_of(s), "llm.url",
				    "'%s': must start with http:// or "
				    "https://",
				    llm->url);
		if (!*host || *host == '/' || strchr(llm->url, ' '))
			return fail(
				c, line_of(s), "llm.url",
				"'%s': not a URL (expected e.g. "
				"https://api.mistral.ai/v1/chat/completions)",
				llm->url);
	}
	if ((rc = get_string(c, g, "llm", "model", false, llm->model,
			     sizeof(llm->model), NULL)) < 0)
		return rc;
	rc = get_string(c, g, "llm", "api_key_file", false, llm->api_key_file,
			sizeof(llm->api_key_file), &s);
	if (rc < 0)
		return rc;
	if (rc == 1 &&
	    check_abs_path(c, s, "llm.api_key_file", llm->api_key_file))
		return -EINVAL;
	if ((rc = get_int(c, g, "llm", "timeout_ms", 100, 120000,
			  &llm->timeout_ms)) < 0 ||
	    (rc = get_int(c, g, "llm", "max_in_flight", 1, 16,
			  &llm->max_in_flight)) < 0 ||
	    (rc = parse_llm_uses(c, g, llm)) < 0)
		return rc;
	if (llm->enabled && !llm->url[0])
		return fail(c, line_of(g), "llm.url",
			    "missing (required when llm.enabled = true)");
	if (llm->enabled && !llm->model[0])
		return fail(c, line_of(g), "llm.model",
			    "missing (required when llm.enabled = true)");
	return 0;
}

static int parse_agency(struct ctx *c, const config_setting_t *root,
			struct sm_config *cfg)
{
	static const char *const keys[] = {"name", "signature", NULL};
	config_setting_t *g = NULL;
	int rc;

	rc = member(c, root, "", "agency", CONFIG_TYPE_GROUP, false, &g);
	if (rc <= 0)
		return rc;
	if ((rc = check_keys(c, g, "agency", keys)) ||
	    (rc = get_string(c, g, "agency", "name", false, cfg->agency_name,
			     sizeof(cfg->agency_name), NULL)) < 0 ||
	    (rc = get_string(c, g, "agency", "signature", false,
			     cfg->agency_signature,
			     sizeof(cfg->agency_signature), NULL)) < 0)
		return rc;
	return 0;
}

/* retention: how long conversations of closed campaigns are kept. */
static int parse_retention(struct ctx *c, const config_setting_t *root,
			   struct sm_config *cfg)
{
	static const char *const keys[] = {"days", NULL};
	config_setting_t *g = NULL;
	int rc;

	rc = member(c, root, "", "retention", CONFIG_TYPE_GROUP, false, &g);
	if (rc <= 0)
		return rc;
	if ((rc = check_keys(c, g, "retention", keys)))
		return rc;
	/* 0 is off; otherwise at least a day, at most ten years. */
	rc = get_int(c, g, "retention", "days", 0, 3650,
		     &cfg->retention_days);
	return rc < 0 ? rc : 0;
}

static int parse_root(struct ctx *c, const config_setting_t *root,
		      struct sm_config *cfg)
{
	static const char *const keys[] = {
		"database", "timezone", "log_level", "modems",
		"sending",  "agency",	"llm",	     "retention", NULL,
	};
	config_setting_t *s = NULL;
	int rc;

	if ((rc = check_keys(c, root, "", keys)) ||
	    (rc = get_string(c, root, "", "database", false, cfg->database,
			     sizeof(cfg->database), NULL)) < 0)
		return rc;
	rc = get_string(c, root, "", "timezone", false, cfg->timezone,
			sizeof(cfg->timezone), &s);
	if (rc < 0)
		return rc;
	if (rc == 1 && check_timezone(c, s, cfg->timezone))
		return -EINVAL;
	rc = member(c, root, "", "log_level", CONFIG_TYPE_STRING, false, &s);
	if (rc < 0)
		return rc;
	if (rc == 1 &&
	    sm_log_level_parse(config_setting_get_string(s), &cfg->log_level))
		return fail(c, line_of(s), "log_level",
			    "unknown level '%.32s' (expected error, warning, "
			    "info or debug)",
			    config_setting_get_string(s));
	if ((rc = parse_modems(c, root, cfg)) ||
	    (rc = parse_sending(c, root, cfg)) ||
	    (rc = parse_agency(c, root, cfg)) || (rc = parse_llm(c, root, cfg)) ||
	    (rc = parse_retention(c, root, cfg)))
		return rc;
	return 0;
}

void sm_config_defaults(struct sm_config *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->database, sizeof(out->database), "%s",
		 "/var/lib/smsmatch/smsmatch.db");
	snprintf(out->timezone, sizeof(out->timezone), "%s", "Europe/Paris");
	out->log_level = SM_LOG_INFO;
	snprintf(out->sending.hours, sizeof(out->sending.hours), "%s",
		 "08:00-20:00");
	snprintf(out->sending.days, sizeof(out->sending.days), "%s", "mon-sat");
	sm_window_default(&out->sending.window);
	out->sending.retry.max_attempts = 5;
	out->sending.retry.initial_backoff_s = 30;
	out->sending.retry.max_backoff_s = 3600;
	out->llm.enabled = false;
	out->llm.timeout_ms = 10000;
	out->llm.max_in_flight = 2;
	out->llm.uses = SM_LLM_USE_YESNO | SM_LLM_USE_CHOICE | SM_LLM_USE_DATE |
			SM_LLM_USE_TEXT;
}

/*
 * libconfig follows `@include "file"` at the start of a line, from any
 * directory; the configuration is one file, so refuse it before parsing.
 */
static int refuse_include(struct ctx *c, const char *text)
{
	unsigned line = 1;

	for (const char *p = text; *p;) {
		const char *q = p;

		while (*q == ' ' || *q == '\t')
			q++;
		if (!strncmp(q, "@include", 8)) {
			snprintf(c->err, c->errlen,
				 "%s:%u: @include is not supported (keep the "
				 "configuration in one file)",
				 c->name, line);
			return -EINVAL;
		}
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
		line++;
	}
	return 0;
}

int sm_config_parse_string(const char *text, const char *name_for_errors,
			   struct sm_config *out, char *err, size_t errlen)
{
	struct ctx c = {
		.name = name_for_errors ? name_for_errors : "(config)",
		.err = err,
		.errlen = errlen,
	};
	char scratch[1];
	config_t cf;
	int rc;

	if (!c.err || !c.errlen) {
		c.err = scratch;
		c.errlen = sizeof(scratch);
	}
	c.err[0] = '\0';
	sm_config_defaults(out);
	snprintf(out->path, sizeof(out->path), "%s", c.name);
	if (!text) {
		snprintf(c.err, c.errlen, "%s: no text", c.name);
		return -EINVAL;
	}
	rc = refuse_include(&c, text);
	if (rc)
		return rc;
	config_init(&cf);
	if (!config_read_string(&cf, text)) {
		snprintf(c.err, c.errlen, "%s:%d: %s", c.name,
			 config_error_line(&cf),
			 config_error_text(&cf) ? config_error_text(&cf)
						: "syntax error");
		config_destroy(&cf);
		return -EINVAL;
	}
	rc = parse_root(&c, config_root_setting(&cf), out);
	config_destroy(&cf);
	return rc;
}

/*
 * Read the whole regular file @path, at most @max bytes and without NUL
 * bytes, into a new NUL-terminated *@text (the caller frees it).  Returns
 * 0, or a negative errno with "PATH: reason" in @err.
 */
static int read_text_file(const char *path, long max, char **text,
			  char *err, size_t errlen)
{
	struct stat st;
	size_t got = 0;
	char *buf = NULL;
	int fd, rc;

	*text = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		goto fail;
	}
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		if (err && errlen)
			snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_size > max) {
		rc = -EFBIG;
		if (err && errlen)
			snprintf(err, errlen,
				 "%s: too large (%lld bytes, at most %ld)", path,
				 (long long)st.st_size, max);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto fail;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			goto fail;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	if (memchr(buf, '\0', got)) {
		rc = -EINVAL;
		if (err && errlen)
			snprintf(err, errlen, "%s: contains a NUL byte", path);
		goto out;
	}
	*text = buf;
	buf = NULL;
	rc = 0;
	goto out;
fail:
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

int sm_config_load(const char *path, struct sm_config *out, char *err,
		   size_t errlen)
{
	char *text;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	sm_config_defaults(out);
	rc = read_text_file(path, SM_CONFIG_FILE_MAX, &text, err, errlen);
	if (rc < 0)
		return rc;
	rc = sm_config_parse_string(text, path, out, err, errlen);
	free(text);
	return rc;
}

int sm_config_read_secret(const char *path, char *buf, size_t len, char *err,
			  size_t errlen)
{
	struct stat st;
	size_t got = 0;
	int fd, rc = 0;

	if (err && errlen)
		err[0] = '\0';
	if (!buf || len < 2) {
		if (err && errlen)
			snprintf(err, errlen, "%s: no room for the secret",
				 path);
		return -EINVAL;
	}
	memset(buf, 0, len);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		rc = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	/* fstat the open file: no race between the check and the read. */
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		if (err && errlen)
			snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		rc = -EPERM;
		if (err && errlen)
			snprintf(err, errlen, "%s: mode %04o: must be 0600",
				 path, (unsigned)(st.st_mode & 07777));
		goto out;
	}
	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			if (err && errlen)
				snprintf(err, errlen, "%s: %s", path,
					 strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got == len) {
		char extra;

		if (read(fd, &extra, 1) > 0)
			got = len + 1; /* more than fits */
	}
	/* One trailing newline (\n or \r\n) is the editor's, not the
	 * secret's. */
	if (got && got <= len && buf[got - 1] == '\n') {
		got--;
		if (got && buf[got - 1] == '\r')
			got--;
	}
	if (got >= len) {
		rc = -EFBIG;
		if (err && errlen)
			snprintf(err, errlen,
				 "%s: too long (at most %zu bytes)", path,
				 len - 1);
		goto out;
	}
	memset(buf + got, 0, len - got);
	if (!got) {
		rc = -EINVAL;
		if (err && errlen)
			snprintf(err, errlen, "%s: empty", path);
	} else if (memchr(buf, '\0', got)) {
		rc = -EINVAL;
		if (err && errlen)
			snprintf(err, errlen, "%s: contains a NUL byte", path);
	}
out:
	if (rc)
		memset(buf, 0, len);
	close(fd);
	return rc;
}

const struct sm_config_modem *sm_config_modem_find(const struct sm_config *cfg,
						   const char *name)
{
	for (unsigned i = 0; i < cfg->nmodems && i < SM_CONFIG_MAX_MODEMS; i++)
		if (!strcmp(cfg->modems[i].name, name))
			return &cfg->modems[i];
	return NULL;
}

/* ---- dialogue scripts */
/*
 * conf/scripts/<trade>.conf (docs/scripts.md): read the libconfig text
 * into a struct sm_script, checking every setting's type and shape.  The
 * graph (links, reachability, loops) and the template variables are
 * checked by sm_script_check() in src/script.c, which knows no libconfig.
 * Keys in messages read "node 'transport': kind", "faq.[1]: answer".
 */
#include "smsmatch/script.h"
#include "smsmatch/text.h"

/* "PREFIXkey" into @buf: PREFIX is "", "callback." or "node 'x': ". */
static void s_key(char *buf, size_t len, const char *prefix, const char *key)
{
	snprintf(buf, len, "%s%s", prefix, key);
}

/* Like check_keys(), with script key names. */
static int s_check_keys(struct ctx *c, const config_setting_t *group,
			const char *prefix, const char *const *known)
{
	int n = config_setting_length(group);

	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(group, i);
		const char *name = config_setting_name(s);
		const char *best = NULL;
		unsigned best_d = ~0u;
		char key[160], list[320] = "";
		size_t used = 0;
		bool found = false;

		if (!name)
			continue;
		for (const char *const *k = known; *k; k++) {
			unsigned d;

			if (!strcmp(*k, name)) {
				found = true;
				break;
			}
			d = edit_distance(name, *k);
			if (d < best_d) {
				best_d = d;
				best = *k;
			}
			if (used < sizeof(list))
				used += (size_t)snprintf(
					list + used, sizeof(list) - used,
					"%s%s", k == known ? "" : ", ", *k);
		}
		if (found)
			continue;
		s_key(key, sizeof(key), prefix, name);
		if (best && best_d <= 2 && best_d < strlen(name))
			return fail(c, line_of(s), key,
				    "unknown setting (did you mean '%s'?)",
				    best);
		return fail(c, line_of(s), key,
			    "unknown setting (expected one of: %s)", list);
	}
	return 0;
}

/* Like member(), with script key names. */
static int s_member(struct ctx *c, const config_setting_t *group,
		    const char *prefix, const char *name, int type,
		    bool required, config_setting_t **out)
{
	static const char *const want[] = {
		[CONFIG_TYPE_GROUP] = "a group { ... }",
		[CONFIG_TYPE_INT] = "an integer",
		[CONFIG_TYPE_FLOAT] = "a number",
		[CONFIG_TYPE_STRING] = "a string \"...\"",
		[CONFIG_TYPE_BOOL] = "true or false",
		[CONFIG_TYPE_ARRAY] = "an array [ \"...\", ... ]",
		[CONFIG_TYPE_LIST] = "a list ( ... )",
	};
	config_setting_t *s = config_setting_get_member(group, name);
	char key[160];
	int t;

	s_key(key, sizeof(key), prefix, name);
	if (!s) {
		if (required)
			return fail(c, line_of(group), key,
				    "missing (required)");
		return 0;
	}
	t = config_setting_type(s);
	if (type == CONFIG_TYPE_INT && t == CONFIG_TYPE_INT64)
		t = CONFIG_TYPE_INT;
	if (type == CONFIG_TYPE_FLOAT &&
	    (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64))
		t = CONFIG_TYPE_FLOAT;
	/* An empty [] or () reads as either. */
	if ((type == CONFIG_TYPE_ARRAY || type == CONFIG_TYPE_LIST) &&
	    (t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST) &&
	    config_setting_length(s) == 0)
		t = type;
	if (t != type)
		return fail(c, line_of(s), key, "must be %s (got %s)",
			    want[type], type_name(s));
	*out = s;
	return 1;
}

/* A copy of @v in *@dst; -ENOMEM with a message. */
static int s_dup(struct ctx *c, const char *v, char **dst)
{
	*dst = strdup(v);
	if (!*dst) {
		snprintf(c->err, c->errlen, "%s: out of memory", c->name);
		return -ENOMEM;
	}
	return 0;
}

/* Boolean member @name into *@out; 1, 0 when absent, or -EINVAL. */
static int s_bool(struct ctx *c, const config_setting_t *group,
		  const char *prefix, const char *name, bool *out)
{
	config_setting_t *s = NULL;
	int rc;

	rc = s_member(c, group, prefix, name, CONFIG_TYPE_BOOL, false, &s);
	if (rc <= 0)
		return rc;
	*out = config_setting_get_bool(s) != 0;
	return 1;
}

/* Integer member @name in [@min, @max] into *@out. */
static int s_int(struct ctx *c, const config_setting_t *group,
		 const char *prefix, const char *name, int min, int max,
		 int *out)
{
	config_setting_t *s = NULL;
	long long v;
	char key[160];
	int rc;

	rc = s_member(c, group, prefix, name, CONFIG_TYPE_INT, false, &s);
	if (rc <= 0)
		return rc;
	s_key(key, sizeof(key), prefix, name);
	v = config_setting_get_int64(s);
	if (v < min || v > max)
		return fail(c, line_of(s), key,
			    "must be between %d and %d (got %lld)", min, max,
			    v);
	*out = (int)v;
	return 1;
}

/* Check one string value @v of setting @s (key @key): not empty, at most
 * @max bytes, clean UTF-8. */
static int s_check_text(struct ctx *c, const config_setting_t *s,
			const char *key, const char *v, size_t max)
{
	size_t n = strlen(v);

	if (!n)
		return fail(c, line_of(s), key, "must not be empty");
	if (n > max)
		return fail(c, line_of(s), key,
			    "too long (%zu bytes, at most %zu)", n, max);
	if (!clean_utf8(v))
		return fail(c, line_of(s), key,
			    "must be UTF-8 text without control characters");
	return 0;
}

/*
 * String member @name of @group, copied into *@dst (NULL when absent):
 * not empty, at most @max bytes, clean UTF-8.  Returns 1, 0 when absent,
 * or a negative errno.  *@line gets its line when not NULL.
 */
static int s_string(struct ctx *c, const config_setting_t *group,
		    const char *prefix, const char *name, bool required,
		    size_t max, char **dst, int *line)
{
	config_setting_t *s = NULL;
	const char *v;
	char key[160];
	int rc;

	rc = s_member(c, group, prefix, name, CONFIG_TYPE_STRING, required, &s);
	if (rc <= 0)
		return rc;
	s_key(key, sizeof(key), prefix, name);
	v = config_setting_get_string(s);
	rc = s_check_text(c, s, key, v ? v : "", max);
	if (rc)
		return rc;
	if (line)
		*line = (int)line_of(s);
	free(*dst);
	*dst = NULL;
	rc = s_dup(c, v, dst);
	return rc ? rc : 1;
}

/* A node or offer id: [a-z0-9_]+, shorter than SM_SCRIPT_ID_MAX. */
static int s_check_id(struct ctx *c, const config_setting_t *s, const char *key,
		      const char *v)
{
	size_t n = strlen(v);

	if (!n || n >= SM_SCRIPT_ID_MAX)
		return fail(c, line_of(s), key,
			    "'%.40s': must be 1 to %d characters", v,
			    SM_SCRIPT_ID_MAX - 1);
	for (const char *p = v; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_", *p))
			return fail(c, line_of(s), key,
				    "'%.40s': use only a-z, 0-9 and '_'", v);
	return 0;
}

/* A link member @name (node id, or "end" when @end_ok) into @l. */
static int s_link(struct ctx *c, const config_setting_t *group,
		  const char *prefix, const char *name, bool end_ok,
		  struct sm_script_link *l)
{
	config_setting_t *s = NULL;
	const char *v;
	char key[160];
	int rc;

	l->node = SM_SCRIPT_LINK_NONE;
	rc = s_member(c, group, prefix, name, CONFIG_TYPE_STRING, false, &s);
	if (rc <= 0)
		return rc;
	s_key(key, sizeof(key), prefix, name);
	v = config_setting_get_string(s);
	if (!strcmp(v, "end") && !end_ok)
		return fail(c, line_of(s), key,
			    "\"end\" is only for on_giveup (to finish, lead "
			    "to a node with end = true)");
	rc = s_check_id(c, s, key, v);
	if (rc)
		return rc;
	l->line = (int)line_of(s);
	rc = s_dup(c, v, &l->to);
	return rc ? rc : 1;
}

/*
 * A duration "2d", "36h", "90m", "1d12h", "20s" into *@secs (1 second to
 * 60 days; seconds are for demonstrations and tests).  Returns 1, 0 when
 * absent, or -EINVAL.
 */
static int s_duration(struct ctx *c, const config_setting_t *group,
		      const char *name, long *secs)
{
	config_setting_t *s = NULL;
	const char *v, *p;
	long total = 0;
	int rc;

	rc = s_member(c, group, "", name, CONFIG_TYPE_STRING, false, &s);
	if (rc <= 0)
		return rc;
	v = config_setting_get_string(s);
	p = v;
	if (!*p)
		goto bad;
	while (*p) {
		long n = 0, unit;

		if (!isdigit((unsigned char)*p))
			goto bad;
		while (isdigit((unsigned char)*p)) {
			n = n * 10 + (*p++ - '0');
			if (n > 100000)
				goto bad;
		}
		switch (*p++) {
		case 'd':
			unit = 86400;
			break;
		case 'h':
			unit = 3600;
			break;
		case 'm':
			unit = 60;
			break;
		case 's':
			unit = 1;
			break;
		default:
			goto bad;
		}
		total += n * unit;
		if (total > 60L * 86400)
			goto bad;
	}
	if (total < 1)
		goto bad;
	*secs = total;
	return 1;
bad:
	return fail(c, line_of(s), name,
		    "'%.32s': expected a duration like \"2d\", \"36h\", "
		    "\"90m\", \"1d12h\" or \"20s\" (1 second to 60 days)",
		    v);
}

/*
 * An array of keywords (member @name) folded into @dst (NULL-ended, at
 * most SM_SCRIPT_KEYWORDS_MAX - 1).  Returns 1, 0 when absent, or an
 * error.
 */
static int s_keywords(struct ctx *c, const config_setting_t *group,
		      const char *prefix, const char *name, bool required,
		      char **dst)
{
	config_setting_t *s = NULL;
	char key[160];
	int rc, n;

	rc = s_member(c, group, prefix, name, CONFIG_TYPE_ARRAY, required, &s);
	if (rc <= 0)
		return rc;
	s_key(key, sizeof(key), prefix, name);
	n = config_setting_length(s);
	if (n < 1 || n > SM_SCRIPT_KEYWORDS_MAX - 1)
		return fail(c, line_of(s), key,
			    "expected 1 to %d words or phrases (got %d)",
			    SM_SCRIPT_KEYWORDS_MAX - 1, n);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		const char *v = config_setting_get_string(e);
		char folded[SM_VALUE_MAX];

		if (!v)
			return fail(c, line_of(s), key,
				    "must be strings [ \"...\", ... ]");
		rc = s_check_text(c, s, key, v, SM_VALUE_MAX - 1);
		if (rc)
			return rc;
		if (!sm_text_fold(v, folded, sizeof(folded)))
			return fail(c, line_of(s), key,
				    "'%s': nothing left once folded (use "
				    "letters or digits)",
				    v);
		rc = s_dup(c, folded, &dst[i]);
		if (rc)
			return rc;
	}
	return 1;
}

static int s_parse_choice(struct ctx *c, const config_setting_t *g,
			  const char *nprefix, unsigned idx,
			  struct sm_script_node *n)
{
	static const char *const keys[] = {"value", "synonyms", "next", "offer",
					   NULL};
	struct sm_script_choice_ext *x = &n->choice_ext[idx];
	struct sm_choice *ch = &n->choices[idx];
	config_setting_t *s = NULL;
	char base[96], prefix[100], key[160];
	char *value = NULL;
	int rc;

	snprintf(base, sizeof(base), "%schoices.[%u]", nprefix, idx);
	snprintf(prefix, sizeof(prefix), "%s.", base);
	x->line = (int)line_of(g);
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return fail(c, line_of(g), base,
			    "must be a group { value = \"...\"; ... } (got %s)",
			    type_name(g));
	if ((rc = s_check_keys(c, g, prefix, keys)))
		return rc;
	rc = s_member(c, g, prefix, "value", CONFIG_TYPE_STRING, true, &s);
	if (rc < 0)
		return rc;
	s_key(key, sizeof(key), prefix, "value");
	rc = s_check_text(c, s, key, config_setting_get_string(s),
			  SM_VALUE_MAX - 1);
	if (rc)
		return rc;
	for (const char *p = config_setting_get_string(s); *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_", *p))
			return fail(c, line_of(s), key,
				    "'%s': use only a-z, 0-9 and '_' (it is "
				    "stored; the candidate's words go in "
				    "synonyms)",
				    config_setting_get_string(s));
	for (unsigned i = 0; i < idx; i++)
		if (!strcmp(n->choices[i].value, config_setting_get_string(s)))
			return fail(c, line_of(s), key,
				    "duplicate value '%s' (also choices.[%u])",
				    n->choices[i].value, i);
	rc = s_dup(c, config_setting_get_string(s), &value);
	if (rc)
		return rc;
	ch->value = value;
	rc = s_keywords(c, g, prefix, "synonyms", false, (char **)ch->synonyms);
	if (rc < 0)
		return rc;
	if ((rc = s_link(c, g, prefix, "next", false, &x->next)) < 0)
		return rc;
	rc = s_member(c, g, prefix, "offer", CONFIG_TYPE_STRING, false, &s);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		s_key(key, sizeof(key), prefix, "offer");
		rc = s_check_id(c, s, key, config_setting_get_string(s));
		if (rc)
			return rc;
		x->offer_line = (int)line_of(s);
		rc = s_dup(c, config_setting_get_string(s), &x->offer);
		if (rc)
			return rc;
	}
	return 0;
}

static const char *const s_kind_names[] = {
	[SM_ANSWER_YESNO] = "yesno",   [SM_ANSWER_CHOICE] = "choice",
	[SM_ANSWER_NUMBER] = "number", [SM_ANSWER_DATE] = "date",
	[SM_ANSWER_TEXT] = "text",
};

static int s_parse_node(struct ctx *c, const config_setting_t *g, unsigned idx,
			struct sm_script *sc)
{
	static const char *const keys[] = {
		"id",	       "message", "kind",     "criterion",
		"allow_maybe", "choices", "on_yes",   "on_no",
		"on_maybe",    "next",	  "reprompt", "max_reprompts",
		"on_giveup",   "end",	  "outcome",  NULL,
	};
	static const char *const end_only[] = {"outcome", NULL};
	static const char *const ask_only[] = {
		"kind",	    "criterion",     "allow_maybe", "choices",
		"on_yes",   "on_no",	     "on_maybe",    "next",
		"reprompt", "max_reprompts", "on_giveup",   NULL,
	};
	struct sm_script_node *n = &sc->nodes[idx];
	config_setting_t *s = NULL;
	char prefix[96], key[160];
	int rc;

	n->line = (int)line_of(g);
	n->max_reprompts = 2;
	n->outcome = SM_OUTCOME_COMPLETE;
	n->on_yes.node = n->on_no.node = n->on_maybe.node = n->next.node =
		n->on_giveup.node = SM_SCRIPT_LINK_NONE;
	snprintf(prefix, sizeof(prefix), "nodes.[%u]", idx);
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return fail(c, line_of(g), prefix,
			    "must be a group { id = \"...\"; message = "
			    "\"...\"; ... } (got %s)",
			    type_name(g));
	strcat(prefix, ": ");
	/* Name the node in messages as soon as its id reads well. */
	s = config_setting_get_member(g, "id");
	if (s && config_setting_type(s) == CONFIG_TYPE_STRING &&
	    !s_check_id(c, s, "id", config_setting_get_string(s)))
		snprintf(prefix, sizeof(prefix),
			 "node '%s': ", config_setting_get_string(s));
	if ((rc = s_check_keys(c, g, prefix, keys)))
		return rc;
	rc = s_member(c, g, prefix, "id", CONFIG_TYPE_STRING, true, &s);
	if (rc < 0)
		return rc;
	s_key(key, sizeof(key), prefix, "id");
	rc = s_check_id(c, s, key, config_setting_get_string(s));
	if (rc)
		return rc;
	for (unsigned i = 0; i < idx; i++)
		if (!strcmp(sc->nodes[i].id, config_setting_get_string(s)))
			return fail(c, line_of(s), key,
				    "duplicate node '%s' (also line %d)",
				    sc->nodes[i].id, sc->nodes[i].line);
	if ((rc = s_dup(c, config_setting_get_string(s), &n->id)))
		return rc;
	snprintf(prefix, sizeof(prefix), "node '%s': ", n->id);

	rc = s_string(c, g, prefix, "message", true, SM_SCRIPT_TEXT_MAX,
		      &n->message, &n->message_line);
	if (rc < 0)
		return rc;
	if ((rc = s_bool(c, g, prefix, "end", &n->end)) < 0)
		return rc;
	for (const char *const *k = n->end ? ask_only : end_only; *k; k++) {
		config_setting_t *m = config_setting_get_member(g, *k);

		s_key(key, sizeof(key), prefix, *k);
		if (m && n->end)
			return fail(c, line_of(m), key,
				    "an end node asks nothing: it takes "
				    "only id, message, end and outcome");
		if (m)
			return fail(c, line_of(m), key,
				    "only for end nodes (end = true)");
	}
	if (n->end) {
		rc = s_member(c, g, prefix, "outcome", CONFIG_TYPE_STRING,
			      false, &s);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			const char *v = config_setting_get_string(s);

			s_key(key, sizeof(key), prefix, "outcome");
			if (!strcmp(v, "declined"))
				n->outcome = SM_OUTCOME_DECLINED;
			else if (strcmp(v, "complete"))
				return fail(c, line_of(s), key,
					    "'%.32s': expected \"complete\" "
					    "or \"declined\"",
					    v);
		}
		return 0;
	}

	rc = s_member(c, g, prefix, "kind", CONFIG_TYPE_STRING, true, &s);
	if (rc < 0)
		return rc;
	{
		const char *v = config_setting_get_string(s);
		size_t k;

		for (k = 0; k < sizeof(s_kind_names) / sizeof(*s_kind_names);
		     k++)
			if (!strcmp(v, s_kind_names[k]))
				break;
		s_key(key, sizeof(key), prefix, "kind");
		if (k == sizeof(s_kind_names) / sizeof(*s_kind_names))
			return fail(c, line_of(s), key,
				    "'%.32s': expected yesno, choice, number, "
				    "date or text",
				    v);
		n->kind = (enum sm_answer_kind)k;
	}
	rc = s_member(c, g, prefix, "criterion", CONFIG_TYPE_STRING, true, &s);
	if (rc < 0)
		return rc;
	s_key(key, sizeof(key), prefix, "criterion");
	{
		const char *v = config_setting_get_string(s);

		if (!*v || strlen(v) >= SM_CRITERION_MAX ||
		    strspn(v, "abcdefghijklmnopqrstuvwxyz_") != strlen(v))
			return fail(c, line_of(s), key,
				    "'%.40s': 1 to %d characters a-z and '_'",
				    v, SM_CRITERION_MAX - 1);
		if ((rc = s_dup(c, v, &n->criterion)))
			return rc;
	}
	if ((rc = s_bool(c, g, prefix, "allow_maybe", &n->allow_maybe)) < 0)
		return rc;
	s = config_setting_get_member(g, "allow_maybe");
	s_key(key, sizeof(key), prefix, "allow_maybe");
	if (n->allow_maybe && n->kind != SM_ANSWER_YESNO)
		return fail(c, line_of(s), key, "only for yesno nodes");

	rc = s_member(c, g, prefix, "choices", CONFIG_TYPE_LIST,
		      n->kind == SM_ANSWER_CHOICE, &s);
	if (rc < 0)
		return rc;
	s_key(key, sizeof(key), prefix, "choices");
	if (rc == 1 && n->kind != SM_ANSWER_CHOICE)
		return fail(c, line_of(s), key, "only for kind = \"choice\"");
	if (rc == 1) {
		int nc = config_setting_length(s);

		if (nc < 2 || nc > SM_CHOICES_MAX)
			return fail(c, line_of(s), key,
				    "expected 2 to %d choices (got %d)",
				    SM_CHOICES_MAX, nc);
		for (int i = 0; i < nc; i++) {
			rc = s_parse_choice(c, config_setting_get_elem(s, i),
					    prefix, (unsigned)i, n);
			if (rc)
				return rc;
			n->nchoices = (size_t)i + 1;
		}
	}
	if ((rc = s_link(c, g, prefix, "on_yes", false, &n->on_yes)) < 0 ||
	    (rc = s_link(c, g, prefix, "on_no", false, &n->on_no)) < 0 ||
	    (rc = s_link(c, g, prefix, "on_maybe", false, &n->on_maybe)) < 0 ||
	    (rc = s_link(c, g, prefix, "next", false, &n->next)) < 0 ||
	    (rc = s_link(c, g, prefix, "on_giveup", true, &n->on_giveup)) < 0)
		return rc;
	{
		static const char *const yn[] = {"on_yes", "on_no", "on_maybe",
						 NULL};

		for (const char *const *k = yn; *k; k++) {
			config_setting_t *m = config_setting_get_member(g, *k);

			s_key(key, sizeof(key), prefix, *k);
			if (m && n->kind != SM_ANSWER_YESNO)
				return fail(c, line_of(m), key,
					    "only for yesno nodes (use next%s)",
					    n->kind == SM_ANSWER_CHOICE
						    ? " in each choice"
						    : "");
		}
		s = config_setting_get_member(g, "on_maybe");
		s_key(key, sizeof(key), prefix, "on_maybe");
		if (s && !n->allow_maybe)
			return fail(c, line_of(s), key,
				    "needs allow_maybe = true");
	}
	rc = s_string(c, g, prefix, "reprompt", false, SM_SCRIPT_TEXT_MAX,
		      &n->reprompt, &n->reprompt_line);
	if (rc < 0)
		return rc;
	if ((rc = s_int(c, g, prefix, "max_reprompts", 0,
			SM_SCRIPT_REPROMPTS_MAX, &n->max_reprompts)) < 0)
		return rc;
	return 0;
}

static int s_parse_nodes(struct ctx *c, const config_setting_t *root,
			 struct sm_script *sc)
{
	config_setting_t *list = NULL;
	int rc, n;

	rc = s_member(c, root, "", "nodes", CONFIG_TYPE_LIST, true, &list);
	if (rc < 0)
		return rc;
	n = config_setting_length(list);
	if (n < 1 || n > SM_SCRIPT_NODES_MAX)
		return fail(c, line_of(list), "nodes",
			    "expected 1 to %d nodes (got %d)",
			    SM_SCRIPT_NODES_MAX, n);
	sc->nodes = calloc((size_t)n, sizeof(*sc->nodes));
	if (!sc->nodes) {
		snprintf(c->err, c->errlen, "%s: out of memory", c->name);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		/* Counted first, so that sm_script_free() frees a partial
		 * node too. */
		sc->nnodes = (size_t)i + 1;
		rc = s_parse_node(c, config_setting_get_elem(list, i),
				  (unsigned)i, sc);
		if (rc)
			return rc;
	}
	return 0;
}

static int s_parse_faq(struct ctx *c, const config_setting_t *root,
		       struct sm_script *sc)
{
	static const char *const keys[] = {"keywords", "answer", NULL};
	config_setting_t *list = NULL;
	int rc, n;

	rc = s_member(c, root, "", "faq", CONFIG_TYPE_LIST, false, &list);
	if (rc <= 0)
		return rc;
	n = config_setting_length(list);
	if (n > SM_SCRIPT_FAQ_MAX)
		return fail(c, line_of(list), "faq",
			    "too many entries (%d, at most %d)", n,
			    SM_SCRIPT_FAQ_MAX);
	for (int i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, i);
		struct sm_script_faq *f = &sc->faq[i];
		char prefix[32];

		snprintf(prefix, sizeof(prefix), "faq.[%d]", i);
		if (config_setting_type(g) != CONFIG_TYPE_GROUP)
			return fail(c, line_of(g), prefix,
				    "must be a group { keywords = [...]; "
				    "answer = \"...\"; } (got %s)",
				    type_name(g));
		strcat(prefix, ".");
		sc->nfaq = (size_t)i + 1;
		f->line = (int)line_of(g);
		if ((rc = s_check_keys(c, g, prefix, keys)) ||
		    (rc = s_keywords(c, g, prefix, "keywords", true,
				     f->keywords)) < 0 ||
		    (rc = s_string(c, g, prefix, "answer", true,
				   SM_SCRIPT_TEXT_MAX, &f->answer, NULL)) < 0)
			return rc;
	}
	return 0;
}

static int s_parse_offers(struct ctx *c, const config_setting_t *root,
			  struct sm_script *sc)
{
	config_setting_t *g = NULL;
	int rc, n;

	rc = s_member(c, root, "", "help_offers", CONFIG_TYPE_GROUP, false, &g);
	if (rc <= 0)
		return rc;
	n = config_setting_length(g);
	if (n > SM_SCRIPT_OFFERS_MAX)
		return fail(c, line_of(g), "help_offers",
			    "too many offers (%d, at most %d)", n,
			    SM_SCRIPT_OFFERS_MAX);
	for (int i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(g, i);
		struct sm_script_offer *o = &sc->offers[i];
		const char *name = config_setting_name(s);
		char key[160];

		snprintf(key, sizeof(key), "help_offers.%s", name);
		sc->noffers = (size_t)i + 1;
		if ((rc = s_check_id(c, s, key, name)))
			return rc;
		if ((rc = s_dup(c, name, &o->id)))
			return rc;
		rc = s_string(c, g, "help_offers.", name, true,
			      SM_SCRIPT_TEXT_MAX, &o->message, &o->line);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int s_parse_root(struct ctx *c, const config_setting_t *root,
			struct sm_script *sc)
{
	static const char *const keys[] = {
		"name",	     "encoding",     "threshold", "reminder_after",
		"reminder",  "expire_after", "start",	  "help",
		"callback",  "stop_confirm", "faq",	  "help_offers",
		"variables", "nodes",	     "advisor_answer", NULL,
	};
	static const char *const cb_keys[] = {"keywords", "reply", NULL};
	config_setting_t *s = NULL;
	int rc;

	if ((rc = s_check_keys(c, root, "", keys)) ||
	    (rc = s_string(c, root, "", "name", true, 80, &sc->name, NULL)) < 0)
		return rc;
	rc = s_member(c, root, "", "encoding", CONFIG_TYPE_STRING, false, &s);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		const char *v = config_setting_get_string(s);

		if (!strcmp(v, "gsm7"))
			sc->encoding = SM_SCRIPT_ENC_GSM7;
		else if (strcmp(v, "auto"))
			return fail(c, line_of(s), "encoding",
				    "'%.32s': expected \"auto\" (keep every "
				    "accent) or \"gsm7\" (transliterate)",
				    v);
	}
	rc = s_member(c, root, "", "threshold", CONFIG_TYPE_FLOAT, false, &s);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		double t = config_setting_type(s) == CONFIG_TYPE_FLOAT
				   ? config_setting_get_float(s)
				   : (double)config_setting_get_int64(s);

		if (!(t >= 0.0 && t <= 1.0))
			return fail(c, line_of(s), "threshold",
				    "must be between 0 and 1 (got %g)", t);
		sc->threshold = t;
	}
	if ((rc = s_duration(c, root, "reminder_after", &sc->reminder_after)) <
		    0 ||
	    (rc = s_duration(c, root, "expire_after", &sc->expire_after)) < 0 ||
	    (rc = s_string(c, root, "", "reminder", false, SM_SCRIPT_TEXT_MAX,
			   &sc->reminder, &sc->reminder_line)) < 0)
		return rc;
	if (sc->reminder_after && !sc->reminder)
		return fail(c, line_of(root), "reminder",
			    "missing (required with reminder_after)");
	if (sc->reminder && !sc->reminder_after) {
		s = config_setting_get_member(root, "reminder");
		return fail(c, line_of(s), "reminder",
			    "needs reminder_after (e.g. \"2d\")");
	}
	if (sc->reminder_after && sc->expire_after &&
	    sc->reminder_after >= sc->expire_after) {
		s = config_setting_get_member(root, "reminder_after");
		return fail(c, line_of(s), "reminder_after",
			    "must be shorter than expire_after");
	}
	if ((rc = s_link(c, root, "", "start", false, &sc->start)) < 0)
		return rc;
	if (rc == 0)
		return fail(c, line_of(root), "start", "missing (required)");
	if ((rc = s_string(c, root, "", "help", false, SM_SCRIPT_TEXT_MAX,
			   &sc->help, &sc->help_line)) < 0 ||
	    (rc = s_string(c, root, "", "stop_confirm", false,
			   SM_SCRIPT_TEXT_MAX, &sc->stop_confirm,
			   &sc->stop_confirm_line)) < 0 ||
	    (rc = s_string(c, root, "", "advisor_answer", false,
			   SM_SCRIPT_TEXT_MAX, &sc->advisor_answer,
			   &sc->advisor_answer_line)) < 0)
		return rc;
	rc = s_member(c, root, "", "callback", CONFIG_TYPE_GROUP, false, &s);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		if ((rc = s_check_keys(c, s, "callback.", cb_keys)) ||
		    (rc = s_keywords(c, s, "callback.", "keywords", true,
				     sc->callback_keywords)) < 0 ||
		    (rc = s_string(c, s, "callback.", "reply", true,
				   SM_SCRIPT_TEXT_MAX, &sc->callback_reply,
				   &sc->callback_line)) < 0)
			return rc;
	}
	rc = s_member(c, root, "", "variables", CONFIG_TYPE_ARRAY, false, &s);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		int n = config_setting_length(s);

		sc->variables_line = (int)line_of(s);
		if (n > SM_SCRIPT_VARS_MAX)
			return fail(c, line_of(s), "variables",
				    "too many (%d, at most %d)", n,
				    SM_SCRIPT_VARS_MAX);
		for (int i = 0; i < n; i++) {
			const char *v = config_setting_get_string_elem(s, i);

			if (!v || !*v || strlen(v) >= SM_SCRIPT_ID_MAX ||
			    strspn(v,
				   "abcdefghijklmnopqrstuvwxyz0123456789_") !=
				    strlen(v))
				return fail(c, line_of(s), "variables",
					    "'%.40s': a name of 1 to %d "
					    "characters a-z, 0-9 and '_' "
					    "(a CSV column)",
					    v ? v : "", SM_SCRIPT_ID_MAX - 1);
			sc->nvariables = (size_t)i + 1;
			if ((rc = s_dup(c, v, &sc->variables[i])))
				return rc;
		}
	}
	if ((rc = s_parse_faq(c, root, sc)) ||
	    (rc = s_parse_offers(c, root, sc)) ||
	    (rc = s_parse_nodes(c, root, sc)))
		return rc;
	return 0;
}

int sm_script_read_string(const char *text, const char *name,
			  struct sm_script **out, char *err, size_t errlen)
{
	struct ctx c = {
		.name = name ? name : "(script)",
		.err = err,
		.errlen = errlen,
	};
	struct sm_script *sc = NULL;
	char scratch[1];
	config_t cf;
	int rc;

	*out = NULL;
	if (!c.err || !c.errlen) {
		c.err = scratch;
		c.errlen = sizeof(scratch);
	}
	c.err[0] = '\0';
	if (!text) {
		snprintf(c.err, c.errlen, "%s: no text", c.name);
		return -EINVAL;
	}
	rc = refuse_include(&c, text);
	if (rc)
		return rc;
	config_init(&cf);
	if (!config_read_string(&cf, text)) {
		snprintf(c.err, c.errlen, "%s:%d: %s", c.name,
			 config_error_line(&cf),
			 config_error_text(&cf) ? config_error_text(&cf)
						: "syntax error");
		config_destroy(&cf);
		return -EINVAL;
	}
	sc = calloc(1, sizeof(*sc));
	if (!sc || s_dup(&c, c.name, &sc->path)) {
		free(sc);
		config_destroy(&cf);
		snprintf(c.err, c.errlen, "%s: out of memory", c.name);
		return -ENOMEM;
	}
	sc->threshold = 0.6;
	sc->start.node = SM_SCRIPT_LINK_NONE;
	rc = s_parse_root(&c, config_root_setting(&cf), sc);
	config_destroy(&cf);
	if (rc) {
		sm_script_free(sc);
		return rc;
	}
	*out = sc;
	return 0;
}

int sm_script_read(const char *path, struct sm_script **out, char *err,
		   size_t errlen)
{
	char *text;
	int rc;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	rc = read_text_file(path, SM_SCRIPT_FILE_MAX, &text, err, errlen);
	if (rc < 0)
		return rc;
	rc = sm_script_read_string(text, path, out, err, errlen);
	free(text);
	return rc;
}
