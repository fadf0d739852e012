/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_script.c - libFuzzer target for dialogue scripts, files written by
 * technicians: any bytes go through sm_script_read_string() (libconfig,
 * then every shape check of config.c) and sm_script_check(); a script
 * that checks clean is played with a few replies and ticks.  A failure
 * must leave a NUL-terminated message and no script; a played step must
 * leave a state naming a node of the script, or done.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smsmatch/script.h"

/* libconfig 1.5's own parse-error leaks (see fuzz_config.c). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_state(const struct sm_script *s,
			const struct sm_script_state *st,
			const struct sm_script_result *r)
{
	if (st->done ? st->node[0] != '\0' : !sm_script_node_find(s, st->node))
		abort();
	if (r->nmessages > SM_SCRIPT_OUT_MAX || r->nfindings > 1 + SM_ALSO_MAX)
		abort();
	for (size_t i = 0; i < r->nmessages; i++)
		if (!memchr(r->messages[i], '\0', SM_SCRIPT_MSG_MAX))
			abort();
}

static void count(void *ctx, enum sm_script_severity sev, const char *msg)
{
	if (!msg[0])
		abort();
	(void)ctx;
	(void)sev;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const replies[] = {
		"oui",	   "non",  "peut-être",	   "1",	  "3",
		"voiture", "AIDE", "c'est payé ?", "bof", "appelez-moi",
	};
	static struct sm_script_result r;
	const struct sm_script_var *vars = sm_script_std_vars();
	struct sm_script_state st;
	struct sm_script *s = NULL;
	char err[256], *text;
	size_t nvars = 0;
	time_t now = 1767603600;

	if (size > 65536)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(err, 'x', sizeof(err));
	if (sm_script_read_string(text, "fuzz.conf", &s, err, sizeof(err))) {
		if (s || !memchr(err, '\0', sizeof(err)) || !err[0])
			abort();
		goto out;
	}
	while (vars[nvars].name)
		nvars++;
	if (sm_script_check(s, count, NULL) == 0 &&
	    sm_script_start(s, vars, nvars, now, &st, &r) == 0) {
		check_state(s, &st, &r);
		for (size_t i = 0; i < 24 && !st.done; i++) {
			now += 3600 * (i % 5);
			if (i % 7 == 6) {
				if (sm_script_tick(s, &st, vars, nvars,
						   now + 3 * 86400, &r) == 0)
					check_state(s, &st, &r);
				continue;
			}
			if (sm_script_reply(s, &st,
					    replies[(i * 7 + size) % 10], vars,
					    nvars, now, &r) == 0)
				check_state(s, &st, &r);
		}
	}
	sm_script_free(s);
out:
	free(text);
	return 0;
}
