/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * atparse.c - I/O-free helpers that walk the parameters of one AT response
 * line (27.007 4.1: comma-separated values, "quoted" strings, (lists) and
 * ranges in the answers to test commands).  Each function either consumes
 * one parameter and its comma and returns true, or leaves the cursor where
 * it was and returns false.
 */
#include <limits.h>
#include <string.h>

#include "smsmatch/at.h"

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static bool field_end(const char *p, const char *end)
{
	return p == end || *p == ',' || *p == ')';
}

/* After a parameter: spaces, then its comma if any (not a ')'). */
static const char *next_field(const char *p, const char *end)
{
	p = skip_spaces(p, end);
	if (p < end && *p == ',')
		p++;
	return p;
}

/* Digits at @p as a non-negative number; NULL if none or overflow. */
static const char *parse_digits(const char *p, const char *end, long *out)
{
	long v = 0;
	const char *start = p;

	while (p < end && *p >= '0' && *p <= '9') {
		if (v > (LONG_MAX - (*p - '0')) / 10)
			return NULL;
		v = v * 10 + (*p - '0');
		p++;
	}
	if (p == start)
		return NULL;
	*out = v;
	return p;
}

bool sm_at_iter_init(struct sm_at_iter *it, const char *line,
		     const char *prefix)
{
	size_t n;

	if (!it || !line || !prefix)
		return false;
	n = strlen(prefix);
	if (strncmp(line, prefix, n) != 0)
		return false;
	it->end = line + strlen(line);
	it->p = skip_spaces(line + n, it->end);
	return true;
}

bool sm_at_iter_int(struct sm_at_iter *it, long *out)
{
	const char *p = skip_spaces(it->p, it->end);
	bool neg = false;
	long v;

	if (p < it->end && (*p == '-' || *p == '+')) {
		neg = *p == '-';
		p++;
	}
	p = parse_digits(p, it->end, &v);
	if (!p)
		return false;
	p = skip_spaces(p, it->end);
	if (!field_end(p, it->end))
		return false;
	*out = neg ? -v : v;
	it->p = next_field(p, it->end);
	return true;
}

bool sm_at_iter_range(struct sm_at_iter *it, long *min, long *max)
{
	const char *p = skip_spaces(it->p, it->end);
	long lo, hi;

	p = parse_digits(p, it->end, &lo);
	if (!p)
		return false;
	p = skip_spaces(p, it->end);
	hi = lo;
	if (p < it->end && *p == '-') {
		p = parse_digits(skip_spaces(p + 1, it->end), it->end, &hi);
		if (!p)
			return false;
		p = skip_spaces(p, it->end);
	}
	if (!field_end(p, it->end))
		return false;
	*min = lo;
	*max = hi;
	it->p = next_field(p, it->end);
	return true;
}

bool sm_at_iter_str(struct sm_at_iter *it, char *buf, size_t len)
{
	const char *p = skip_spaces(it->p, it->end);
	const char *s, *e;

	if (p == it->end || *p == ')' || *p == '(')
		return false;
	if (*p == '"') {
		s = p + 1;
		e = memchr(s, '"', (size_t)(it->end - s));
		if (!e)
			return false;
		p = skip_spaces(e + 1, it->end);
		if (!field_end(p, it->end))
			return false;
	} else {
		s = p;
		while (p < it->end && *p != ',' && *p != ')')
			p++;
		e = p;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
	}
	if (!buf || (size_t)(e - s) >= len)
		return false;
	memcpy(buf, s, (size_t)(e - s));
	buf[e - s] = '\0';
	it->p = next_field(p, it->end);
	return true;
}

/* One parameter starting at @p (spaces skipped); NULL if malformed. */
static const char *skip_one(const char *p, const char *end)
{
	int depth = 0;

	do {
		if (p == end)
			return depth ? NULL : p;
		if (*p == '"') {
			p = memchr(p + 1, '"', (size_t)(end - p - 1));
			if (!p)
				return NULL;
			p++;
			continue;
		}
		if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			if (depth == 0)
				return p;
			depth--;
		} else if (*p == ',' && depth == 0) {
			return p;
		}
		p++;
	} while (p < end || depth);
	return p;
}

bool sm_at_iter_skip(struct sm_at_iter *it)
{
	const char *p = skip_spaces(it->p, it->end);

	if (p == it->end || *p == ')')
		return false;
	p = skip_one(p, it->end);
	if (!p)
		return false;
	it->p = next_field(p, it->end);
	return true;
}

bool sm_at_iter_open_list(struct sm_at_iter *it)
{
	const char *p = skip_spaces(it->p, it->end);

	if (p == it->end || *p != '(')
		return false;
	it->p = p + 1;
	return true;
}

bool sm_at_iter_close_list(struct sm_at_iter *it)
{
	const char *p = skip_spaces(it->p, it->end);

	/* skip what the caller did not read */
	while (p < it->end && *p != ')') {
		p = skip_one(p, it->end);
		if (!p)
			return false;
		p = next_field(p, it->end);
	}
	if (p == it->end)
		return false;
	it->p = next_field(p + 1, it->end);
	return true;
}
