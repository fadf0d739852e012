/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * shortlist.c - `smsmatch shortlist ID [--format csv|xlsx|json|html|text]
 * [-o FILE]`: the advisor's ranked shortlist of a campaign, exported.
 *
 * Reads the configuration for the database and the time zone, builds the
 * shortlist from the store (src/shortlist.c) and writes one export.  A
 * file given with -o is written beside itself and renamed into place, so
 * a failed export never leaves half a file where the previous one was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "smsmatch/config.h"
#include "smsmatch/shortlist.h"
#include "smsmatch/store.h"

static const char shortlist_usage[] =
	"Usage: smsmatch shortlist ID [--format csv|xlsx|json|html|text] "
	"[-o FILE]\n"
	"\n"
	"The ranked shortlist of campaign ID: one row per candidate, ranked "
	"by the\n"
	"declared criteria only (no score):\n"
	"  1. complete and compatible\n"
	"  2. compatible if a need is met (transport or childcare aid, "
	"partial\n"
	"     availability to check)\n"
	"  3. incomplete (answers missing or unsure, not contacted yet)\n"
	"  4. declined, a criterion not met, opted out, unreachable, no "
	"answer\n"
	"then by first reply, then by name.  Each criterion comes with the "
	"candidate's\n"
	"own words; flags point at readings to check; the decision column is "
	"empty.\n"
	"\n"
	"  --format F   csv (default: UTF-8 with BOM, ';', for a French "
	"Excel),\n"
	"               xlsx (needs -o), json, html (printable page),\n"
	"               text (a table to read in a terminal)\n"
	"  -o FILE      write to FILE (default: standard output)\n";

enum fmt { FMT_CSV, FMT_XLSX, FMT_JSON, FMT_HTML, FMT_TEXT };

static int sl_err(const char *msg)
{
	fprintf(stderr, "smsmatch: shortlist: %s\n", msg);
	return SM_EXIT_ERROR;
}

static int write_text(const struct sm_shortlist *sl, enum fmt f, FILE *out)
{
	switch (f) {
	case FMT_CSV:
		return sm_export_csv(sl, out);
	case FMT_JSON:
		return sm_export_json(sl, out);
	case FMT_HTML:
		return sm_export_html(sl, out);
	case FMT_TEXT:
		return sm_export_text(sl, out);
	case FMT_XLSX:
		break;
	}
	return -EINVAL;
}

/* Write export @f of @sl to @path through "@path.tmp" and a rename. */
static int write_file(const struct sm_shortlist *sl, enum fmt f,
		      const char *path)
{
	size_t n = strlen(path) + 8;
	char *tmp = malloc(n);
	FILE *out;
	int rc;

	if (!tmp)
		return sl_err("out of memory");
	snprintf(tmp, n, "%s.tmp", path);
	if (f == FMT_XLSX) {
		/* Say why in one line before libxlsxwriter says it its way. */
		out = fopen(tmp, "w");
		rc = out ? 0 : -errno;
		if (out)
			fclose(out);
		if (!rc)
			rc = sm_export_xlsx(sl, tmp);
	} else {
		out = fopen(tmp, "w");
		if (!out) {
			rc = -errno;
		} else {
			rc = write_text(sl, f, out);
			if (fclose(out) != 0 && !rc)
				rc = -EIO;
		}
	}
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc) {
		unlink(tmp);
		free(tmp);
		fprintf(stderr, "smsmatch: shortlist: cannot write %s: %s\n",
			path, strerror(-rc));
		return SM_EXIT_ERROR;
	}
	free(tmp);
	return SM_EXIT_OK;
}

int sm_cli_shortlist(int argc, char **argv, const struct sm_cli_globals *g)
{
	const char *id_arg = NULL, *path = NULL, *fmt_arg = "csv";
	const char *cfg_path =
		g->config_path ? g->config_path : SM_CONFIG_DEFAULT_PATH;
	struct sm_config *cfg = NULL;
	struct sm_store *st = NULL;
	struct sm_shortlist *sl = NULL;
	enum fmt f;
	char err[512], *end;
	long long id;
	int rc, ret = SM_EXIT_ERROR;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			fputs(shortlist_usage, stdout);
			return SM_EXIT_OK;
		}
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			fmt_arg = argv[++i];
		else if (strncmp(argv[i], "--format=", 9) == 0)
			fmt_arg = argv[i] + 9;
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (!id_arg && argv[i][0] != '-')
			id_arg = argv[i];
		else
			goto usage;
	}
	if (!id_arg)
		goto usage;
	errno = 0;
	id = strtoll(id_arg, &end, 10);
	if (errno || *end || end == id_arg || id <= 0) {
		fprintf(stderr,
			"smsmatch: shortlist: '%s' is not a campaign "
			"id\n",
			id_arg);
		return SM_EXIT_USAGE;
	}
	if (strcmp(fmt_arg, "csv") == 0)
		f = FMT_CSV;
	else if (strcmp(fmt_arg, "xlsx") == 0)
		f = FMT_XLSX;
	else if (strcmp(fmt_arg, "json") == 0)
		f = FMT_JSON;
	else if (strcmp(fmt_arg, "html") == 0)
		f = FMT_HTML;
	else if (strcmp(fmt_arg, "text") == 0)
		f = FMT_TEXT;
	else {
		fprintf(stderr,
			"smsmatch: shortlist: unknown format '%s' "
			"(csv, xlsx, json, html, text)\n",
			fmt_arg);
		return SM_EXIT_USAGE;
	}
	if (f == FMT_XLSX && (!path || strcmp(path, "-") == 0)) {
		fputs("smsmatch: shortlist: --format xlsx needs -o FILE\n",
		      stderr);
		return SM_EXIT_USAGE;
	}

	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return sl_err("out of memory");
	if (sm_config_load(cfg_path, cfg, err, sizeof(err)) < 0) {
		sl_err(err);
		goto out;
	}
	setenv("TZ", cfg->timezone, 1);
	tzset();
	sm_cli_check_db(cfg);
	if (sm_store_open(cfg->database, &st, err, sizeof(err)) < 0) {
		sl_err(err);
		goto out;
	}
	rc = sm_shortlist_build(st, id, &sl);
	if (rc == -ENOENT) {
		fprintf(stderr, "smsmatch: shortlist: no campaign %lld\n", id);
		goto out;
	}
	if (rc < 0) {
		fprintf(stderr,
			"smsmatch: shortlist: reading campaign %lld: "
			"%s\n",
			id,
			*sm_store_errmsg(st) ? sm_store_errmsg(st)
					     : strerror(-rc));
		goto out;
	}
	if (path && strcmp(path, "-") != 0) {
		ret = write_file(sl, f, path);
	} else if (write_text(sl, f, stdout) < 0) {
		sl_err("cannot write to standard output");
	} else {
		ret = SM_EXIT_OK;
	}
	if (ret == SM_EXIT_OK)
		sm_cli_audit(st, "shortlist.export", NULL,
			     "campaign %lld: %s to %s", id, fmt_arg,
			     path && strcmp(path, "-") ? path : "stdout");
out:
	sm_shortlist_free(sl);
	sm_store_close(st);
	free(cfg);
	return ret;
usage:
	fputs(shortlist_usage, stderr);
	return SM_EXIT_USAGE;
}
