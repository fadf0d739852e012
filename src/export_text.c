/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export_text.c - the shortlist as a table for a terminal: the campaign in
 * two lines, the funnel in one, then one line per candidate in rank order
 * (rank, status, name, phone, the reading of each criterion but consent
 * and the free-text ones) with the row's flags on the lines below it.
 *
 * Columns are as wide as their widest cell, a cell cut with "…" at
 * TEXT_CELL_MAX characters; widths count characters, not bytes (UTF-8).
 * The candidates' own words are in the other exports.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "smsmatch/shortlist.h"
#include "smsmatch/text.h"
#include "smsmatch/utf8.h"

#define TEXT_CELL_MAX 26 /* characters shown of one cell */
#define TEXT_FIXED    4	 /* rank, status, name, phone */
#define TEXT_COLS     (TEXT_FIXED + SM_SL_CRITERIA_MAX)

/* Characters (code points) in UTF-8 @s; an invalid byte counts one. */
static size_t width(const char *s)
{
	size_t n = 0, len = strlen(s);

	while (len) {
		uint32_t cp;
		size_t k = sm_utf8_decode(s, len, &cp);

		if (!k)
			k = 1;
		s += k;
		len -= k;
		n++;
	}
	return n;
}

/* @s cut to @max characters ("…" last when cut) into @buf. */
static const char *cell(const char *s, size_t max, char *buf, size_t len)
{
	size_t n = 0, i = 0, slen = strlen(s);

	if (width(s) <= max) {
		snprintf(buf, len, "%s", s);
		return buf;
	}
	while (i < slen && n + 1 < max) {
		uint32_t cp;
		size_t k = sm_utf8_decode(s + i, slen - i, &cp);

		i += k ? k : 1;
		n++;
	}
	snprintf(buf, len, "%.*s…", (int)i, s);
	return buf;
}

/* Write @s padded with spaces to @w characters, then two spaces. */
static void put(FILE *out, const char *s, size_t w, bool last)
{
	char buf[TEXT_CELL_MAX * 4 + 8];
	size_t n;

	cell(s, TEXT_CELL_MAX, buf, sizeof(buf));
	fputs(buf, out);
	if (last)
		return;
	for (n = width(buf); n < w + 2; n++)
		fputc(' ', out);
}

/* The criteria shown: all but consent and those answered in words. */
static bool shown(const struct sm_shortlist *sl, size_t c)
{
	const char *name = sl->criteria[c];

	if (strcmp(name, "consent") == 0 || strcmp(name, "motivation") == 0)
		return false;
	for (size_t i = 0; i < sl->nrows; i++) {
		const struct sm_sl_answer *a = &sl->rows[i].answers[c];

		if (a->answered && (strcmp(a->value, "text") == 0 ||
				    (a->flags & SM_ANSWER_F_TEXT)))
			return false;
	}
	return true;
}

/* Cell @col of row @r (NULL: the header) into @buf. */
static const char *text_of(const struct sm_shortlist *sl,
			   const struct sm_sl_row *r, size_t col, char *buf,
			   size_t len)
{
	const struct sm_sl_answer *a;

	switch (col) {
	case 0:
		if (!r)
			return "rang";
		snprintf(buf, len, "%d", r->rank);
		return buf;
	case 1:
		return r ? sm_sl_status_label(r->status) : "statut";
	case 2:
		if (!r)
			return "candidat";
		snprintf(buf, len, "%s %s", r->cand.first_name,
			 r->cand.last_name);
		return buf;
	case 3:
		return r ? sm_sl_phone_display(r->cand.phone, buf, len)
			 : "téléphone";
	}
	col -= TEXT_FIXED;
	if (!r)
		return sm_sl_criterion_label(sl->criteria[col]);
	a = &r->answers[col];
	return a->answered ? sm_sl_value_label(sl->criteria[col], a->value)
			   : "-";
}

static void line(const struct sm_shortlist *sl, const struct sm_sl_row *r,
		 const size_t *w, const bool *on, size_t ncols, FILE *out)
{
	char buf[256];
	size_t last = 0;

	for (size_t c = 0; c < ncols; c++)
		if (on[c])
			last = c;
	for (size_t c = 0; c < ncols; c++) {
		if (!on[c])
			continue;
		if (c == 0 && r) { /* ranks right-aligned */
			snprintf(buf, sizeof(buf), "%*d", (int)w[0], r->rank);
			put(out, buf, w[0], false);
			continue;
		}
		put(out, text_of(sl, r, c, buf, sizeof(buf)), w[c], c == last);
	}
	fputc('\n', out);
}

int sm_export_text(const struct sm_shortlist *sl, FILE *out)
{
	const struct sm_store_campaign *c = &sl->campaign;
	const struct sm_sl_funnel *f = &sl->funnel;
	size_t w[TEXT_COLS] = {0}, ncols = TEXT_FIXED + sl->ncriteria;
	bool on[TEXT_COLS] = {0};
	char buf[256], start[48], end[48];

	sm_text_date_range_fr(c->start_date, c->end_date, start, end,
			      sizeof(start));
	fprintf(out, "Shortlist: %s (campagne %lld)\n", c->name,
		(long long)c->id);
	fprintf(out, "%s, du %s au %s, %s, %d places\n", c->trade, start, end,
		c->place, c->seats);
	fprintf(out,
		"%d candidats, %d invités, %d ont répondu, %d complets, "
		"%d retenus, %d STOP, %d injoignables\n\n",
		f->candidates, f->invited, f->answered, f->complete,
		f->shortlisted, f->opted_out, f->unreachable);
	for (size_t col = 0; col < ncols; col++) {
		on[col] = col < TEXT_FIXED || shown(sl, col - TEXT_FIXED);
		if (!on[col])
			continue;
		w[col] = width(text_of(sl, NULL, col, buf, sizeof(buf)));
		for (size_t i = 0; i < sl->nrows; i++) {
			size_t n = width(text_of(sl, &sl->rows[i], col, buf,
						 sizeof(buf)));

			if (n > w[col])
				w[col] = n;
		}
		if (w[col] > TEXT_CELL_MAX)
			w[col] = TEXT_CELL_MAX;
	}
	line(sl, NULL, w, on, ncols, out);
	for (size_t i = 0; i < sl->nrows; i++) {
		const struct sm_sl_row *r = &sl->rows[i];

		line(sl, r, w, on, ncols, out);
		for (size_t k = 0; k < r->nflags; k++)
			fprintf(out, "%*s! %s\n", (int)w[0] + 2, "",
				sm_sl_flag_label(sl, r, &r->flags[k], buf,
						 sizeof(buf)));
	}
	if (!sl->nrows)
		fputs("(aucun candidat)\n", out);
	if (fflush(out) != 0 || ferror(out))
		return -EIO;
	return 0;
}
