/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_config.c - libFuzzer target for the configuration parser: any bytes
 * go through sm_config_parse_string() (libconfig, then every check of
 * config.c) and through the window parsers; a success must leave a
 * configuration within its bounds, a failure a NUL-terminated message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smsmatch/config.h"

/*
 * libconfig 1.5 leaks a scanned string token when a syntax error follows
 * it (64 bytes from strbuf_append, tests/data/conf/bad_syntax_eq.conf;
 * 1 byte from libconfig_yylex for an empty string, found by this target);
 * the library's own buffers, which no caller can free.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_window(const struct sm_window *w)
{
	if (w->nranges < 1 || w->nranges > SM_WINDOW_MAX_RANGES || !w->days ||
	    w->days > 0x7f)
		abort();
	for (unsigned i = 0; i < w->nranges; i++) {
		if (w->ranges[i].start >= w->ranges[i].end ||
		    w->ranges[i].end > 1440)
			abort();
		if (i && w->ranges[i].start < w->ranges[i - 1].end)
			abort();
	}
	/* 2026-03-29 00:30 UTC: a DST change in Europe. */
	if (sm_window_next_open(w, 1774744200) == (time_t)-1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sm_config cfg;
	struct sm_window w;
	char err[256], *text;

	if (size > 65536)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	memset(err, 'x', sizeof(err));
	if (sm_config_parse_string(text, "fuzz.conf", &cfg, err, sizeof(err)) ==
	    0) {
		if (cfg.nmodems > SM_CONFIG_MAX_MODEMS)
			abort();
		for (unsigned i = 0; i < cfg.nmodems; i++) {
			const struct sm_config_modem *m = &cfg.modems[i];

			if (!memchr(m->name, '\0', sizeof(m->name)) ||
			    !m->name[0] || !m->device[0] ||
			    m->rate_per_minute < 1 || m->rate_per_minute > 60000)
				abort();
			if (sm_config_modem_find(&cfg, m->name) != m)
				abort();
		}
		check_window(&cfg.sending.window);
		if (cfg.sending.retry.max_backoff_s <
		    cfg.sending.retry.initial_backoff_s)
			abort();
	} else if (!memchr(err, '\0', sizeof(err)) || !err[0]) {
		abort();
	}

	/* The same bytes as window specifications. */
	sm_window_default(&w);
	if (sm_window_parse_hours(&w, text, err, sizeof(err)) == 0)
		check_window(&w);
	sm_window_default(&w);
	if (sm_window_parse_days(&w, text, err, sizeof(err)) == 0)
		check_window(&w);
	free(text);
	return 0;
}
