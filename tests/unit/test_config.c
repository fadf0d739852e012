/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_config.c - the configuration loader: the annotated example and the
 * good files parse to the expected values; every tests/data/conf/bad_*.conf
 * fails with the exact message its "# expect: LINE: KEY: reason" line
 * names; limits, bounded messages, and secret files (modes, newlines,
 * sizes).
 */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "smsmatch/config.h"

/*
 * libconfig 1.5 leaks a scanned string token when a syntax error follows
 * it (bad_syntax_eq.conf: `timezone "Europe/Paris";` leaks 64 bytes from
 * strbuf_append; an empty string leaks 1 byte from libconfig_yylex); the
 * library's own buffers, which no caller can free.
 * Read by LeakSanitizer in the SAN=1 build, unused otherwise.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

static const char *srcdir(void)
{
	const char *s = getenv("SRCDIR");

	return s && *s ? s : ".";
}

static void data_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/tests/data/conf/%s", srcdir(), name);
}

static void test_example(void **state)
{
	struct sm_config cfg;
	char path[512], err[512] = "";
	const struct sm_config_modem *m;

	snprintf(path, sizeof(path), "%s/conf/smsmatch.conf", srcdir());
	assert_int_equal(sm_config_load(path, &cfg, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(cfg.path, path);
	assert_string_equal(cfg.database, "/var/lib/smsmatch/smsmatch.db");
	assert_string_equal(cfg.timezone, "Europe/Paris");
	assert_int_equal(cfg.log_level, SM_LOG_INFO);
	assert_string_equal(cfg.agency_name,
			    "France Travail - Agence de Colmar");
	assert_string_equal(cfg.agency_signature, "France Travail Colmar");
	assert_int_equal(cfg.retention_days, 180);

	assert_int_equal(cfg.nmodems, 2);
	m = &cfg.modems[0];
	assert_string_equal(m->name, "quectel1");
	assert_string_equal(m->device, "/dev/smsmatch/quectel-0123456789");
	assert_string_equal(m->usb_serial, "");
	assert_int_equal(m->usb_index, -1);
	assert_int_equal(m->driver, SM_DRIVER_QUECTEL);
	assert_string_equal(m->pin_file, "/etc/smsmatch/quectel1.pin");
	assert_int_equal(m->rate_per_minute, 6);
	assert_int_equal(m->daily_limit, 200);
	assert_int_equal(m->baud, 115200);
	assert_true(m->enabled);
	m = sm_config_modem_find(&cfg, "huawei1");
	assert_ptr_equal(m, &cfg.modems[1]);
	assert_string_equal(m->device, "usb:FFFFFFFFFFFFFFFF:0");
	assert_string_equal(m->usb_serial, "FFFFFFFFFFFFFFFF");
	assert_int_equal(m->usb_index, 0);
	assert_int_equal(m->driver, SM_DRIVER_AUTO);
	assert_string_equal(m->pin_file, "");
	assert_int_equal(m->rate_per_minute, 4);
	assert_int_equal(m->daily_limit, 150);
	assert_null(sm_config_modem_find(&cfg, "huawei2"));

	assert_string_equal(cfg.sending.hours, "08:00-20:00");
	assert_string_equal(cfg.sending.days, "mon-sat");
	assert_int_equal(cfg.sending.window.nranges, 1);
	assert_int_equal(cfg.sending.window.ranges[0].start, 8 * 60);
	assert_int_equal(cfg.sending.window.ranges[0].end, 20 * 60);
	assert_int_equal(cfg.sending.window.days, 0x7e);
	assert_int_equal(cfg.sending.window.holidays, SM_HOLIDAYS_FR);
	assert_int_equal(cfg.sending.retry.max_attempts, 5);
	assert_int_equal(cfg.sending.retry.initial_backoff_s, 30);
	assert_int_equal(cfg.sending.retry.max_backoff_s, 3600);

	assert_false(cfg.llm.enabled);
	assert_string_equal(cfg.llm.url,
			    "https://api.mistral.ai/v1/chat/completions");
	assert_string_equal(cfg.llm.model, "mistral-small-latest");
	assert_string_equal(cfg.llm.api_key_file, "/etc/smsmatch/llm.key");
	assert_int_equal(cfg.llm.timeout_ms, 10000);
	assert_int_equal(cfg.llm.max_in_flight, 2);
	assert_int_equal(cfg.llm.uses, SM_LLM_USE_YESNO | SM_LLM_USE_CHOICE |
					       SM_LLM_USE_DATE |
					       SM_LLM_USE_TEXT);
}

static void test_defaults(void **state)
{
	struct sm_config cfg, def;
	char path[512], err[512];
	struct sm_window w;

	data_path(path, sizeof(path), "good_empty.conf");
	assert_int_equal(sm_config_load(path, &cfg, err, sizeof(err)), 0);
	sm_config_defaults(&def);
	memcpy(def.path, path, strlen(path) + 1);
	assert_memory_equal(&cfg, &def, sizeof(cfg));
	assert_int_equal(cfg.nmodems, 0);
	assert_string_equal(cfg.database, "/var/lib/smsmatch/smsmatch.db");
	assert_string_equal(cfg.timezone, "Europe/Paris");
	assert_int_equal(cfg.log_level, SM_LOG_INFO);
	sm_window_default(&w);
	assert_memory_equal(&cfg.sending.window, &w, sizeof(w));
	assert_false(cfg.llm.enabled);
	assert_int_equal(cfg.llm.timeout_ms, 10000);
	assert_int_equal(cfg.retention_days, 0);
}

static void test_good_files(void **state)
{
	struct sm_config cfg;
	char path[512], err[512];
	struct sm_window always;
	const struct sm_config_modem *m;

	data_path(path, sizeof(path), "good_always.conf");
	assert_int_equal(sm_config_load(path, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.timezone, "UTC");
	assert_int_equal(cfg.log_level, SM_LOG_DEBUG);
	sm_window_always(&always);
	assert_memory_equal(&cfg.sending.window, &always, sizeof(always));
	assert_int_equal(cfg.nmodems, 1);
	m = &cfg.modems[0];
	assert_string_equal(m->name, "sim-0_a");
	assert_string_equal(m->usb_serial, "ABC-123.x");
	assert_int_equal(m->usb_index, -1);
	assert_int_equal(m->rate_per_minute, 60);
	assert_int_equal(m->daily_limit, 10000);
	assert_int_equal(m->baud, 9600);
	assert_false(m->enabled);
	assert_int_equal(m->driver, SM_DRIVER_SIMCOM);
	assert_string_equal(sm_config_driver_name(m->driver), "simcom");
	assert_int_equal(m->line, 6);

	data_path(path, sizeof(path), "good_alsace.conf");
	assert_int_equal(sm_config_load(path, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.database, "/srv/smsmatch/db.sqlite");
	assert_int_equal(cfg.sending.window.nranges, 2);
	assert_int_equal(cfg.sending.window.ranges[1].start, 13 * 60 + 30);
	assert_int_equal(cfg.sending.window.days, 0x3e);
	assert_int_equal(cfg.sending.window.holidays,
			 SM_HOLIDAYS_FR_ALSACE_MOSELLE);
	assert_int_equal(cfg.sending.retry.max_attempts, 3);
	assert_int_equal(cfg.sending.retry.initial_backoff_s, 60);
	assert_int_equal(cfg.sending.retry.max_backoff_s, 60);
	assert_string_equal(cfg.agency_signature, "Pôle Strasbourg");
	assert_true(cfg.llm.enabled);
	assert_string_equal(cfg.llm.model, "mistral-7b-instruct");
	assert_string_equal(cfg.llm.api_key_file, "");
	assert_int_equal(cfg.llm.uses, SM_LLM_USE_TEXT | SM_LLM_USE_NUMBER);
}

/* The "# expect: " line of a bad_*.conf file, without its newline. */
static void read_expect(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[512];

	buf[0] = '\0';
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "# expect: ", 10)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(buf, len, "%s", line + 10);
			break;
		}
	}
	fclose(f);
	assert_true(buf[0] != '\0');
}

static void test_bad_files(void **state)
{
	char pattern[512];
	glob_t g;

	data_path(pattern, sizeof(pattern), "bad_*.conf");
	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	/* At least the 15 cases the module promises, in practice many more. */
	assert_true(g.gl_pathc >= 15);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct sm_config cfg;
		char expect[512], want[1024], err[1024] = "";
		int rc;

		read_expect(g.gl_pathv[i], expect, sizeof(expect));
		snprintf(want, sizeof(want), "%s:%s", g.gl_pathv[i], expect);
		rc = sm_config_load(g.gl_pathv[i], &cfg, err, sizeof(err));
		if (rc != -EINVAL || strcmp(err, want))
			print_error("%s: rc %d\n", g.gl_pathv[i], rc);
		assert_int_equal(rc, -EINVAL);
		assert_string_equal(err, want);
	}
	printf("%zu broken configurations rejected as expected\n", g.gl_pathc);
	globfree(&g);
}

static void test_parse_string(void **state)
{
	struct sm_config cfg;
	char err[256];

	assert_int_equal(sm_config_parse_string("sending = { hour = 1; };",
						"smsmatch.conf", &cfg, err,
						sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "smsmatch.conf:1: sending.hour: unknown "
				 "setting (did you mean 'hours'?)");
	assert_int_equal(sm_config_parse_string("modems = ({name=\"a\";\n"
						"device=\"/dev/x\";\n"
						"rate_per_minute=0;});",
						"smsmatch.conf", &cfg, err,
						sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "smsmatch.conf:3: modems.[0].rate_per_minute:"
				 " must be between 1 and 60000 (got 0)");
	/* 64-bit values out of int range are range errors, not wrapped. */
	assert_int_equal(
		sm_config_parse_string("llm = { timeout_ms = 4294967396L; };",
				       "x", &cfg, err, sizeof(err)),
		-EINVAL);
	assert_string_equal(err, "x:1: llm.timeout_ms: must be between 100 "
				 "and 120000 (got 4294967396)");
	/* The LLM's uses: interpret and clarify, each off unless listed. */
	assert_int_equal(sm_config_parse_string(
				 "llm = { uses = [ \"interpret\", "
				 "\"clarify\", \"yesno\" ]; };",
				 "x", &cfg, err, sizeof(err)),
			 0);
	assert_int_equal(cfg.llm.uses, SM_LLM_USE_INTERPRET |
					       SM_LLM_USE_CLARIFY |
					       SM_LLM_USE_YESNO);
	assert_int_equal(sm_config_parse_string(
				 "llm = {\n uses = [ \"interpret\", "
				 "\"explain\" ]; };",
				 "x", &cfg, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "x:2: llm.uses.[1]: unknown use 'explain' "
				 "(expected interpret, clarify, yesno, "
				 "choice, number, date or text)");
	assert_int_equal(sm_config_parse_string("log_level = \"WARN\";", NULL,
						&cfg, err, sizeof(err)),
			 0);
	assert_int_equal(cfg.log_level, SM_LOG_WARN);
	assert_int_equal(
		sm_config_parse_string(NULL, "x", &cfg, err, sizeof(err)),
		-EINVAL);
	assert_string_equal(err, "x: no text");
	/* A string value that mentions @include is fine. */
	assert_int_equal(
		sm_config_parse_string("agency = { name = \"a @include b\"; };",
				       "x", &cfg, err, sizeof(err)),
		0);
}

static void test_err_bounded(void **state)
{
	struct sm_config cfg;
	char err[16];

	memset(err, 'x', sizeof(err));
	assert_int_equal(sm_config_parse_string("databse = 1;", "smsmatch.conf",
						&cfg, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "smsmatch.conf:1");
	/* No message buffer at all: still an error, no crash. */
	assert_int_equal(
		sm_config_parse_string("databse = 1;", "x", &cfg, NULL, 0),
		-EINVAL);
	assert_int_equal(sm_config_parse_string("x = (", "x", &cfg, err, 0),
			 -EINVAL);
}

static void test_modem_limit(void **state)
{
	static char text[8192];
	struct sm_config cfg;
	char err[256];
	size_t n;

	for (int count = 32; count <= 33; count++) {
		n = (size_t)snprintf(text, sizeof(text), "modems = (\n");
		for (int i = 0; i < count; i++)
			n += (size_t)snprintf(
				text + n, sizeof(text) - n,
				"{ name = \"m%d\"; device = \"/dev/ttyUSB%d\"; "
				"},\n",
				i, i);
		text[n - 2] = '\n';
		text[n - 1] = '\0';
		snprintf(text + n - 1, sizeof(text) - n + 1, ");\n");
		if (count == 32) {
			assert_int_equal(sm_config_parse_string(text, "x", &cfg,
								err,
								sizeof(err)),
					 0);
			assert_int_equal(cfg.nmodems, 32);
			assert_string_equal(cfg.modems[31].name, "m31");
		} else {
			assert_int_equal(sm_config_parse_string(text, "x", &cfg,
								err,
								sizeof(err)),
					 -EINVAL);
			assert_string_equal(err, "x:1: modems: too many modems "
						 "(33, at most 32)");
		}
	}
}

static void test_load_errors(void **state)
{
	struct sm_config cfg;
	char err[512], want[600], dir[] = "/tmp/smsmatch-cfg-XXXXXX";

	assert_int_equal(sm_config_load("/nonexistent/smsmatch.conf", &cfg, err,
					sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "/nonexistent/smsmatch.conf: No such file "
				 "or directory");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(sm_config_load(dir, &cfg, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s: not a regular file", dir);
	assert_string_equal(err, want);
	rmdir(dir);
}

/* Write @len bytes of @data to @path with @mode (umask-proof). */
static void write_file(const char *path, const char *data, size_t len,
		       mode_t mode)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_read_secret(void **state)
{
	char dir[] = "/tmp/smsmatch-secret-XXXXXX";
	char path[128], err[256], want[256], buf[8], text[512];
	struct sm_config cfg;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pin", dir);

	write_file(path, "1234\n", 5, 0600);
	assert_int_equal(
		sm_config_read_secret(path, buf, sizeof(buf), err, sizeof(err)),
		0);
	assert_string_equal(buf, "1234");
	write_file(path, "1234\r\n", 6, 0400);
	assert_int_equal(
		sm_config_read_secret(path, buf, sizeof(buf), err, sizeof(err)),
		0);
	assert_string_equal(buf, "1234");
	/* No newline; exactly fills the buffer with one; 7 is the most. */
	write_file(path, "1234567", 7, 0600);
	assert_int_equal(
		sm_config_read_secret(path, buf, sizeof(buf), err, sizeof(err)),
		0);
	assert_string_equal(buf, "1234567");
	write_file(path, "1234567\n", 8, 0600);
	assert_int_equal(
		sm_config_read_secret(path, buf, sizeof(buf), err, sizeof(err)),
		0);
	assert_string_equal(buf, "1234567");
	write_file(path, "12345678", 8, 0600);
	assert_int_equal(
		sm_config_read_secret(path, buf, sizeof(buf), err, sizeof(err)),
		-EFBIG);
	snprintf(want, sizeof(want), "%s: too long (at most 7 bytes)", path);
	assert_string_equal(err, want);
	assert_string_equal(buf, "");
	write_file(path, "1234567\n\n", 9, 0600);
	assert_int_equal(
		sm_config_read_secret(path, buf, sizeof(buf), err, sizeof(err)),
		-EFBIG);
	write_file(path, "\n", 1, 0600);
	assert_int_equal(
		sm_config_read_secret(path, buf, sizeof(buf), err, sizeof(err)),
		-EINVAL);
	snprintf(want, sizeof(want), "%s: empty", path);
	assert_string_equal(err, want);
	write_file(path, "12\0004", 4, 0600);
	assert_int_equal(
		sm_config_read_secret(path, buf, sizeof(buf), err, sizeof(err)),
		-EINVAL);
	snprintf(want, sizeof(want), "%s: contains a NUL byte", path);
	assert_string_equal(err, want);

	/* Readable by others, or by the group: refused, buffer wiped. */
	write_file(path, "1234\n", 5, 0644);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(
		sm_config_read_secret(path, buf, sizeof(buf), err, sizeof(err)),
		-EPERM);
	snprintf(want, sizeof(want), "%s: mode 0644: must be 0600", path);
	assert_string_equal(err, want);
	assert_memory_equal(buf, "\0\0\0\0\0\0\0\0", sizeof(buf));
	write_file(path, "1234\n", 5, 0640);
	assert_int_equal(
		sm_config_read_secret(path, buf, sizeof(buf), err, sizeof(err)),
		-EPERM);
	snprintf(want, sizeof(want), "%s: mode 0640: must be 0600", path);
	assert_string_equal(err, want);

	/* A world-readable pin_file parses, and fails when read. */
	snprintf(text, sizeof(text),
		 "modems = ( { name = \"m1\"; device = \"/dev/ttyUSB0\";\n"
		 "pin_file = \"%s\"; } );\n",
		 path);
	write_file(path, "0000\n", 5, 0604);
	assert_int_equal(sm_config_parse_string(text, "smsmatch.conf", &cfg,
						err, sizeof(err)),
			 0);
	assert_int_equal(sm_config_read_secret(cfg.modems[0].pin_file, buf,
					       sizeof(buf), err, sizeof(err)),
			 -EPERM);
	snprintf(want, sizeof(want), "%s: mode 0604: must be 0600", path);
	assert_string_equal(err, want);

	/* Missing file, directory, no room. */
	unlink(path);
	assert_int_equal(
		sm_config_read_secret(path, buf, sizeof(buf), err, sizeof(err)),
		-ENOENT);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(err, want);
	chmod(dir, 0700);
	assert_int_equal(
		sm_config_read_secret(dir, buf, sizeof(buf), err, sizeof(err)),
		-EINVAL);
	snprintf(want, sizeof(want), "%s: not a regular file", dir);
	assert_string_equal(err, want);
	assert_int_equal(sm_config_read_secret(dir, buf, 1, err, sizeof(err)),
			 -EINVAL);
	rmdir(dir);
}

static void test_retention(void **state)
{
	struct sm_config cfg;
	char err[256];

	assert_int_equal(sm_config_parse_string("retention = { days = 0; };",
						"x", &cfg, err, sizeof(err)),
			 0);
	assert_int_equal(cfg.retention_days, 0);
	assert_int_equal(
		sm_config_parse_string("retention = { days = 3650; };", "x",
				       &cfg, err, sizeof(err)),
		0);
	assert_int_equal(cfg.retention_days, 3650);
	assert_int_equal(sm_config_parse_string("retention = {\n"
						"  days = 3651; };",
						"smsmatch.conf", &cfg, err,
						sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "smsmatch.conf:2: retention.days: must be "
				 "between 0 and 3650 (got 3651)");
	assert_int_equal(sm_config_parse_string("retention = { days = -1; };",
						"x", &cfg, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(sm_config_parse_string("retention = { day = 9; };",
						"x", &cfg, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "x:1: retention.day: unknown setting (did "
				 "you mean 'days'?)");
	assert_int_equal(sm_config_parse_string("retention = { days = \"9\"; };",
						"x", &cfg, err, sizeof(err)),
			 -EINVAL);
}

static void test_names(void **state)
{
	assert_string_equal(sm_config_driver_name(SM_DRIVER_AUTO), "auto");
	assert_string_equal(sm_config_driver_name(SM_DRIVER_GENERIC),
			    "generic");
	assert_string_equal(sm_config_driver_name(SM_DRIVER_HUAWEI), "huawei");
	assert_string_equal(sm_config_driver_name(SM_DRIVER_QUECTEL),
			    "quectel");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_good_files),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_parse_string),
		cmocka_unit_test(test_err_bounded),
		cmocka_unit_test(test_modem_limit),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_read_secret),
		cmocka_unit_test(test_retention),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
