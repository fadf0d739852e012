/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export_csv.c - the shortlist as CSV that a French Excel opens as it is
 * (double-click): UTF-8 with a BOM (else Excel reads Windows-1252), ';'
 * between fields (the French list separator), CRLF line ends, every field
 * quoted with quotes doubled, so that ';', '"' and line breaks in a
 * candidate's reply stay inside their cell.  A cell that Excel would take
 * for a formula (=, +, -, @, tab, CR first) gets a leading apostrophe.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "smsmatch/shortlist.h"

/* One quoted field, @sep written before it unless it is the first. */
static void field(FILE *out, const char *s, bool first)
{
	if (!first)
		fputc(';', out);
	fputc('"', out);
	if (sm_sl_needs_quote_prefix(s))
		fputc('\'', out);
	for (; *s; s++) {
		if (*s == '"')
			fputs("\"\"", out);
		else if (*s == '\r' && s[1] == '\n')
			continue; /* a line break inside a cell is LF */
		else if (*s == '\r')
			fputc('\n', out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static void header(const struct sm_shortlist *sl, FILE *out)
{
	char buf[SM_SL_CRITERION_MAX + 64];

	field(out, "rang", true);
	field(out, "statut", false);
	field(out, "prénom", false);
	field(out, "nom", false);
	field(out, "téléphone", false);
	for (size_t i = 0; i < sl->ncriteria; i++) {
		const char *c = sm_sl_criterion_label(sl->criteria[i]);

		field(out, c, false);
		snprintf(buf, sizeof(buf), "%s (ses mots)", c);
		field(out, buf, false);
	}
	field(out, "alertes", false);
	field(out, "décision", false);
	fputs("\r\n", out);
}

static void row(const struct sm_shortlist *sl, const struct sm_sl_row *r,
		FILE *out)
{
	char buf[256], alerts[SM_SL_FLAGS_MAX * 128];
	size_t used = 0;

	snprintf(buf, sizeof(buf), "%d", r->rank);
	field(out, buf, true);
	field(out, sm_sl_status_label(r->status), false);
	field(out, r->cand.first_name, false);
	field(out, r->cand.last_name, false);
	field(out, sm_sl_phone_display(r->cand.phone, buf, sizeof(buf)), false);
	for (size_t i = 0; i < sl->ncriteria; i++) {
		const struct sm_sl_answer *a = &r->answers[i];

		field(out,
		      a->answered ? sm_sl_answer_label(sl->criteria[i], a) : "",
		      false);
		field(out, a->answered && a->raw ? a->raw : "", false);
	}
	alerts[0] = '\0';
	for (size_t i = 0; i < r->nflags; i++) {
		int n;

		sm_sl_flag_label(sl, r, &r->flags[i], buf, sizeof(buf));
		n = snprintf(alerts + used, sizeof(alerts) - used, "%s%s",
			     i ? " | " : "", buf);
		if (n < 0 || (size_t)n >= sizeof(alerts) - used)
			break; /* cannot happen: room for every flag */
		used += (size_t)n;
	}
	field(out, alerts, false);
	field(out, "", false);
	fputs("\r\n", out);
}

int sm_export_csv(const struct sm_shortlist *sl, FILE *out)
{
	fputs("\xEF\xBB\xBF", out); /* BOM: Excel then reads UTF-8 */
	header(sl, out);
	for (size_t i = 0; i < sl->nrows; i++)
		row(sl, &sl->rows[i], out);
	if (fflush(out) != 0 || ferror(out))
		return -EIO;
	return 0;
}
