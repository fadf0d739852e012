/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export_xlsx.c - the shortlist as an Excel workbook (libxlsxwriter):
 *
 *   "Shortlist"       the CSV's columns, bold frozen header row, autofilter,
 *                     widths, the candidate's words wrapped, cells whose
 *                     reading wants a second look highlighted, the
 *                     confidence and method of each answer as a comment;
 *   "Entonnoir"       the campaign and its funnel;
 *   "Transcriptions"  every message, one row each, in rank order.
 *
 * Text cells are strings (never formulas), and a text that Excel would
 * turn into a formula once edited (=, +, -, @ first) gets a leading
 * apostrophe, as in the CSV.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "smsmatch/shortlist.h"

/* The formats of the workbook. */
struct xfmt {
	lxw_format *head;    /* bold header, filled */
	lxw_format *wrap;    /* wrapped text, top-aligned */
	lxw_format *top;     /* top-aligned */
	lxw_format *flagged; /* highlighted: a reading to check */
	lxw_format *when;    /* date and time */
	lxw_format *bold;    /* bold */
};

/* Write @s at (@r, @c) as a string, neutralised for Excel. */
static lxw_error put(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
		     lxw_format *f)
{
	char buf[SM_STORE_TEXT_MAX + 2];

	if (!*s)
		return worksheet_write_blank(ws, r, c, f);
	if (sm_sl_needs_quote_prefix(s)) {
		snprintf(buf, sizeof(buf), "'%s", s);
		return worksheet_write_string(ws, r, c, buf, f);
	}
	return worksheet_write_string(ws, r, c, s, f);
}

static int shortlist_sheet(const struct sm_shortlist *sl, lxw_worksheet *ws,
			   const struct xfmt *x)
{
	lxw_col_t ncols = (lxw_col_t)(5 + 2 * sl->ncriteria + 2);
	lxw_col_t c = 0;
	char buf[SM_SL_FLAGS_MAX * 128];
	lxw_error e = LXW_NO_ERROR;

	put(ws, 0, c++, "rang", x->head);
	put(ws, 0, c++, "statut", x->head);
	put(ws, 0, c++, "prénom", x->head);
	put(ws, 0, c++, "nom", x->head);
	put(ws, 0, c++, "téléphone", x->head);
	for (size_t i = 0; i < sl->ncriteria; i++) {
		const char *l = sm_sl_criterion_label(sl->criteria[i]);

		put(ws, 0, c++, l, x->head);
		snprintf(buf, sizeof(buf), "%s (ses mots)", l);
		put(ws, 0, c++, buf, x->head);
	}
	put(ws, 0, c++, "alertes", x->head);
	put(ws, 0, c++, "décision", x->head);

	worksheet_set_column(ws, 0, 0, 6, x->top);
	worksheet_set_column(ws, 1, 1, 22, x->top);
	worksheet_set_column(ws, 2, 3, 16, x->top);
	worksheet_set_column(ws, 4, 4, 16, x->top);
	for (size_t i = 0; i < sl->ncriteria; i++) {
		lxw_col_t v = (lxw_col_t)(5 + 2 * i);

		worksheet_set_column(ws, v, v, 16, x->top);
		worksheet_set_column(ws, v + 1, v + 1, 32, x->wrap);
	}
	worksheet_set_column(ws, ncols - 2, ncols - 2, 44, x->wrap);
	worksheet_set_column(ws, ncols - 1, ncols - 1, 20, x->top);
	worksheet_freeze_panes(ws, 1, 0);
	worksheet_autofilter(ws, 0, 0, (lxw_row_t)sl->nrows, ncols - 1);

	for (size_t n = 0; n < sl->nrows && e == LXW_NO_ERROR; n++) {
		const struct sm_sl_row *r = &sl->rows[n];
		lxw_row_t row = (lxw_row_t)(n + 1);
		size_t used = 0;
		char phone[64];

		c = 0;
		worksheet_write_number(ws, row, c++, r->rank, x->top);
		put(ws, row, c++, sm_sl_status_label(r->status), x->top);
		put(ws, row, c++, r->cand.first_name, x->top);
		put(ws, row, c++, r->cand.last_name, x->top);
		put(ws, row, c++,
		    sm_sl_phone_display(r->cand.phone, phone, sizeof(phone)),
		    x->top);
		for (size_t i = 0; i < sl->ncriteria; i++) {
			const struct sm_sl_answer *a = &r->answers[i];
			bool hl = sm_sl_criterion_flagged(r, i);

			if (!a->answered) {
				c += 2;
				continue;
			}
			put(ws, row, c,
			    sm_sl_answer_label(sl->criteria[i], a),
			    hl ? x->flagged : x->top);
			snprintf(buf, sizeof(buf),
				 "confiance %d %%, méthode : %s",
				 (int)(a->confidence * 100 + 0.5), a->method);
			worksheet_write_comment(ws, row, c, buf);
			c++;
			e = put(ws, row, c++, a->raw ? a->raw : "",
				hl ? x->flagged : x->wrap);
		}
		buf[0] = '\0';
		for (size_t k = 0; k < r->nflags; k++) {
			char one[256];
			int w;

			sm_sl_flag_label(sl, r, &r->flags[k], one, sizeof(one));
			w = snprintf(buf + used, sizeof(buf) - used, "%s%s",
				     k ? "\n" : "", one);
			if (w < 0 || (size_t)w >= sizeof(buf) - used)
				break;
			used += (size_t)w;
		}
		put(ws, row, c++, buf, r->nflags ? x->flagged : x->wrap);
		worksheet_write_blank(ws, row, c++, x->top);
	}
	return e == LXW_NO_ERROR ? 0 : -EIO;
}

static void funnel_sheet(const struct sm_shortlist *sl, lxw_worksheet *ws,
			 const struct xfmt *x)
{
	const struct sm_store_campaign *cp = &sl->campaign;
	const struct sm_sl_funnel *f = &sl->funnel;
	const struct {
		const char *label;
		int n;
	} steps[] = {
		{"candidats", f->candidates},
		{"invités", f->invited},
		{"SMS reçus", f->delivered},
		{"ont accepté", f->consented},
		{"ont répondu", f->answered},
		{"complets", f->complete},
		{"retenus (groupes 1 et 2)", f->shortlisted},
		{"STOP", f->opted_out},
		{"injoignables", f->unreachable},
	};
	lxw_row_t r = 0;

	worksheet_set_column(ws, 0, 0, 28, NULL);
	worksheet_set_column(ws, 1, 1, 40, x->wrap);
	put(ws, r, 0, "campagne", x->bold);
	put(ws, r++, 1, cp->name, NULL);
	put(ws, r, 0, "métier", x->bold);
	put(ws, r++, 1, cp->trade, NULL);
	put(ws, r, 0, "début", x->bold);
	put(ws, r++, 1, cp->start_date, NULL);
	put(ws, r, 0, "fin", x->bold);
	put(ws, r++, 1, cp->end_date, NULL);
	put(ws, r, 0, "lieu", x->bold);
	put(ws, r++, 1, cp->place, NULL);
	put(ws, r, 0, "places", x->bold);
	worksheet_write_number(ws, r++, 1, cp->seats, NULL);
	put(ws, r, 0, "prérequis", x->bold);
	put(ws, r++, 1, cp->prerequisites, x->wrap);
	r++;
	put(ws, r, 0, "étape", x->head);
	put(ws, r++, 1, "nombre", x->head);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		put(ws, r, 0, steps[i].label, NULL);
		worksheet_write_number(ws, r++, 1, steps[i].n, NULL);
	}
}

static int transcript_sheet(const struct sm_shortlist *sl, lxw_worksheet *ws,
			    const struct xfmt *x)
{
	lxw_row_t r = 0;
	lxw_error e = LXW_NO_ERROR;

	put(ws, r, 0, "rang", x->head);
	put(ws, r, 1, "prénom", x->head);
	put(ws, r, 2, "nom", x->head);
	put(ws, r, 3, "date", x->head);
	put(ws, r, 4, "de", x->head);
	put(ws, r++, 5, "message", x->head);
	worksheet_set_column(ws, 0, 0, 6, x->top);
	worksheet_set_column(ws, 1, 2, 16, x->top);
	worksheet_set_column(ws, 3, 3, 17, x->top);
	worksheet_set_column(ws, 4, 4, 10, x->top);
	worksheet_set_column(ws, 5, 5, 80, x->wrap);
	worksheet_freeze_panes(ws, 1, 0);
	for (size_t n = 0; n < sl->nrows && e == LXW_NO_ERROR; n++) {
		const struct sm_sl_row *row = &sl->rows[n];

		for (size_t i = 0; i < row->nmsgs && e == LXW_NO_ERROR; i++) {
			const struct sm_sl_message *m = &row->msgs[i];
			time_t t = (time_t)m->at;
			struct tm tm;

			worksheet_write_number(ws, r, 0, row->rank, x->top);
			put(ws, r, 1, row->cand.first_name, x->top);
			put(ws, r, 2, row->cand.last_name, x->top);
			if (localtime_r(&t, &tm)) {
				lxw_datetime dt = {
					.year = tm.tm_year + 1900,
					.month = tm.tm_mon + 1,
					.day = tm.tm_mday,
					.hour = tm.tm_hour,
					.min = tm.tm_min,
					.sec = tm.tm_sec,
				};

				worksheet_write_datetime(ws, r, 3, &dt,
							 x->when);
			}
			put(ws, r, 4, m->inbound ? "candidat" : "agence",
			    x->top);
			e = put(ws, r++, 5, m->text, x->wrap);
		}
	}
	if (r > 1)
		worksheet_autofilter(ws, 0, 0, r - 1, 5);
	return e == LXW_NO_ERROR ? 0 : -EIO;
}

int sm_export_xlsx(const struct sm_shortlist *sl, const char *path)
{
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws1, *ws2, *ws3;
	struct xfmt x;
	int rc;

	if (!wb)
		return -ENOMEM;
	ws1 = workbook_add_worksheet(wb, "Shortlist");
	ws2 = workbook_add_worksheet(wb, "Entonnoir");
	ws3 = workbook_add_worksheet(wb, "Transcriptions");
	x.head = workbook_add_format(wb);
	x.wrap = workbook_add_format(wb);
	x.top = workbook_add_format(wb);
	x.flagged = workbook_add_format(wb);
	x.when = workbook_add_format(wb);
	x.bold = workbook_add_format(wb);
	if (!ws1 || !ws2 || !ws3 || !x.head || !x.wrap || !x.top ||
	    !x.flagged || !x.when || !x.bold) {
		workbook_close(wb);
		unlink(path);
		return -ENOMEM;
	}
	format_set_bold(x.head);
	format_set_bg_color(x.head, 0xD9E2EA);
	format_set_bottom(x.head, LXW_BORDER_THIN);
	format_set_text_wrap(x.head);
	format_set_align(x.head, LXW_ALIGN_VERTICAL_TOP);
	format_set_text_wrap(x.wrap);
	format_set_align(x.wrap, LXW_ALIGN_VERTICAL_TOP);
	format_set_align(x.top, LXW_ALIGN_VERTICAL_TOP);
	format_set_bg_color(x.flagged, 0xFFF3CD);
	format_set_text_wrap(x.flagged);
	format_set_align(x.flagged, LXW_ALIGN_VERTICAL_TOP);
	format_set_num_format(x.when, "dd/mm/yyyy hh:mm");
	format_set_align(x.when, LXW_ALIGN_VERTICAL_TOP);
	format_set_bold(x.bold);

	rc = shortlist_sheet(sl, ws1, &x);
	funnel_sheet(sl, ws2, &x);
	if (!rc)
		rc = transcript_sheet(sl, ws3, &x);
	if (workbook_close(wb) != LXW_NO_ERROR && !rc)
		rc = -EIO;
	if (rc)
		unlink(path);
	return rc;
}
