/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * script.c - scripted candidates (--script): "when a message to NUMBER
 * matches PATTERN, answer TEXT after DELAY".
 *
 * One rule per line, '#' comments and blank lines ignored:
 *
 *   # number      delay  pattern (POSIX ERE, case-insensitive)  reply
 *   +33612345601  2s     "Bonjour.*STOP"                        "oui ok"
 *   *             5s     "rappel"                               "dsl"
 *
 * Fields are separated by blanks; a field with blanks is quoted, with \"
 * and \\ as escapes.  DELAY is a whole number with ms, s or m.  Errors
 * name the file and the line.  Matching: the first rule for the exact
 * number whose pattern matches wins, else the first matching "*" rule.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define SIM_SCRIPT_FIELD_MAX 1024  /* bytes of one field */
#define SIM_SCRIPT_RULES_MAX 10000 /* rules in one file */

struct sim_rule {
	char *number;	   /* "+336..." or "*" */
	uint64_t delay_ms; /* before the reply arrives */
	regex_t re;	   /* compiled pattern */
	char *reply;	   /* UTF-8 text */
};

struct sim_script {
	struct sim_rule *rules; /* in file order */
	size_t n;		/* how many */
};

void sim_script_free(struct sim_script *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->rules[i].number);
		free(s->rules[i].reply);
		regfree(&s->rules[i].re);
	}
	free(s->rules);
	free(s);
}

size_t sim_script_count(const struct sim_script *s)
{
	return s ? s->n : 0;
}

/*
 * Next field of @p into @out.  Returns 1 with *p advanced, 0 at the end of
 * the line (or a comment), -EINVAL with a reason in @why.
 */
static int next_field(const char **p, char *out, size_t len, const char **why)
{
	const char *s = *p;
	size_t o = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '#' || *s == '\r' || *s == '\n') {
		*p = s;
		return 0;
	}
	if (*s == '"') {
		for (s++; *s != '"'; s++) {
			if (!*s || *s == '\n') {
				*why = "unterminated quoted field";
				return -EINVAL;
			}
			if (*s == '\\') {
				s++;
				if (*s != '"' && *s != '\\') {
					*why = "only \\\" and \\\\ escapes "
					       "are allowed";
					return -EINVAL;
				}
			}
			if (o + 1 >= len) {
				*why = "field too long";
				return -EINVAL;
			}
			out[o++] = *s;
		}
		s++;
		if (*s && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') {
			*why = "text after a closing quote";
			return -EINVAL;
		}
	} else {
		while (*s && *s != ' ' && *s != '\t' && *s != '\r' &&
		       *s != '\n') {
			if (o + 1 >= len) {
				*why = "field too long";
				return -EINVAL;
			}
			out[o++] = *s++;
		}
	}
	out[o] = '\0';
	*p = s;
	return 1;
}

static int parse_delay(const char *s, uint64_t *ms)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v > 1000000000ULL)
		return -EINVAL;
	if (strcmp(end, "ms") == 0)
		*ms = v;
	else if (strcmp(end, "s") == 0)
		*ms = v * 1000;
	else if (strcmp(end, "m") == 0)
		*ms = v * 60000;
	else
		return -EINVAL;
	return 0;
}

static bool valid_number(const char *s)
{
	if (strcmp(s, "*") == 0)
		return true;
	if (*s == '+')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Parse one line into @r.  0 (rule), 1 (nothing on it) or -EINVAL. */
static int parse_line(const char *line, struct sim_rule *r, char *why,
		      size_t whylen)
{
	char f[4][SIM_SCRIPT_FIELD_MAX], extra[8];
	const char *p = line, *reason = NULL;
	int n = 0, rc;

	for (n = 0; n < 4; n++) {
		rc = next_field(&p, f[n], sizeof(f[n]), &reason);
		if (rc < 0) {
			snprintf(why, whylen, "%s", reason);
			return -EINVAL;
		}
		if (rc == 0)
			break;
	}
	if (n == 0)
		return 1;
	if (n < 4) {
		snprintf(why, whylen,
			 "expected 4 fields (number delay pattern reply), "
			 "got %d",
			 n);
		return -EINVAL;
	}
	rc = next_field(&p, extra, sizeof(extra), &reason);
	if (rc != 0) {
		snprintf(why, whylen, "%s",
			 rc < 0 ? reason
				: "more than 4 fields (quote the "
				  "reply?)");
		return -EINVAL;
	}
	if (!valid_number(f[0])) {
		snprintf(why, whylen, "bad number \"%.60s\" (+digits or *)",
			 f[0]);
		return -EINVAL;
	}
	if (parse_delay(f[1], &r->delay_ms) < 0) {
		snprintf(why, whylen,
			 "bad delay \"%.60s\" (e.g. 500ms, 2s, 1m)", f[1]);
		return -EINVAL;
	}
	if (!f[3][0]) {
		snprintf(why, whylen, "empty reply");
		return -EINVAL;
	}
	rc = regcomp(&r->re, f[2], REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc != 0) {
		char msg[128];

		regerror(rc, &r->re, msg, sizeof(msg));
		snprintf(why, whylen, "bad pattern \"%.60s\": %s", f[2], msg);
		return -EINVAL;
	}
	r->number = strdup(f[0]);
	r->reply = strdup(f[3]);
	if (!r->number || !r->reply) {
		free(r->number);
		free(r->reply);
		regfree(&r->re);
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

int sim_script_parse(const char *name, const char *text,
		     struct sim_script **out, char *err, size_t errlen)
{
	struct sim_script *s = calloc(1, sizeof(*s));
	const char *p = text;
	unsigned line = 0;
	size_t cap = 0;
	int rc = 0;

	if (!s) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char buf[4 * SIM_SCRIPT_FIELD_MAX + 64], why[256];
		struct sim_rule r;

		line++;
		if (n >= sizeof(buf)) {
			snprintf(err, errlen, "%s:%u: line too long", name,
				 line);
			rc = -EINVAL;
			goto fail;
		}
		memcpy(buf, p, n);
		buf[n] = '\0';
		p += n + (nl ? 1 : 0);
		memset(&r, 0, sizeof(r));
		rc = parse_line(buf, &r, why, sizeof(why));
		if (rc == 1) {
			rc = 0;
			continue;
		}
		if (rc < 0) {
			snprintf(err, errlen, "%s:%u: %s", name, line, why);
			goto fail;
		}
		if (s->n == SIM_SCRIPT_RULES_MAX) {
			regfree(&r.re);
			free(r.number);
			free(r.reply);
			snprintf(err, errlen, "%s:%u: more than %d rules", name,
				 line, SIM_SCRIPT_RULES_MAX);
			rc = -E2BIG;
			goto fail;
		}
		if (s->n == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			struct sim_rule *nr =
				realloc(s->rules, ncap * sizeof(*nr));

			if (!nr) {
				regfree(&r.re);
				free(r.number);
				free(r.reply);
				snprintf(err, errlen, "%s: out of memory",
					 name);
				rc = -ENOMEM;
				goto fail;
			}
			s->rules = nr;
			cap = ncap;
		}
		s->rules[s->n++] = r;
	}
	*out = s;
	return 0;
fail:
	sim_script_free(s);
	return rc;
}

int sim_script_load(const char *path, struct sim_script **out, char *err,
		    size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	long n;
	int rc;

	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) < 0 || n > 16 * 1024 * 1024 ||
	    !(text = malloc((size_t)n + 1)) ||
	    fread(text, 1, (size_t)n, f) != (size_t)n) {
		snprintf(err, errlen, "%s: cannot read", path);
		free(text);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	text[n] = '\0';
	if (strlen(text) != (size_t)n) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		free(text);
		return -EINVAL;
	}
	rc = sim_script_parse(path, text, out, err, errlen);
	free(text);
	return rc;
}

bool sim_script_match(const struct sim_script *s, const char *to,
		      const char *text, const char **reply, uint64_t *delay_ms)
{
	if (!s)
		return false;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < s->n; i++) {
			const struct sim_rule *r = &s->rules[i];
			bool star = strcmp(r->number, "*") == 0;

			if (pass == 0 ? star || strcmp(r->number, to) != 0
				      : !star)
				continue;
			if (regexec(&r->re, text, 0, NULL, 0) != 0)
				continue;
			*reply = r->reply;
			*delay_ms = r->delay_ms;
			return true;
		}
	}
	return false;
}
