/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export_html.c - the shortlist as one self-contained printable page: the
 * campaign, its funnel, the ranked table (each criterion with the
 * candidate's own words, flags as badges, an empty decision column), then
 * every transcript on a page of its own.  Inline CSS only, no script, no
 * external resource; A4 landscape when printed.  Every text that comes
 * from the store (names, replies, even the campaign's fields) is escaped:
 * replies are hostile input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smsmatch/shortlist.h"

static const char css[] =
	"*{box-sizing:border-box}"
	"body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:10pt;"
	"color:#1a1a1a;margin:16px}"
	"h1{font-size:16pt;margin:0 0 4px}"
	"h2{font-size:12pt;margin:14px 0 6px;border-bottom:2px solid #355;"
	"padding-bottom:2px}"
	".meta{margin:0 0 8px;color:#333}"
	".meta span{margin-right:18px}"
	".prereq{margin:2px 0 8px 18px;padding:0}"
	".funnel{display:flex;flex-wrap:wrap;gap:6px;margin:4px 0 10px}"
	".funnel div{border:1px solid #9ab;border-radius:4px;padding:4px 8px;"
	"min-width:88px;text-align:center;background:#f3f7f9}"
	".funnel b{display:block;font-size:14pt}"
	".note{font-size:8.5pt;color:#444;margin:4px 0 8px}"
	"table{border-collapse:collapse;width:100%;table-layout:fixed}"
	"th,td{border:1px solid #aab;padding:3px 4px;vertical-align:top;"
	"text-align:left}"
	"th{background:#355;color:#fff;font-size:8pt}"
	".tel{white-space:nowrap;font-size:8pt}"
	"thead{display:table-header-group}"
	"tr{page-break-inside:avoid;break-inside:avoid}"
	"td{font-size:8.5pt;overflow-wrap:break-word}"
	".raw{overflow-wrap:anywhere}"
	"tr.group td{background:#e4ebef;font-weight:bold;font-size:9pt}"
	".v{font-weight:bold;display:block}"
	".raw{font-style:italic;color:#333;display:block;white-space:pre-wrap}"
	".how{color:#667;font-size:7.5pt;display:block}"
	".low{background:#fff3cd}"
	".badge{display:inline-block;border-radius:3px;padding:0 4px;"
	"margin:1px 0;font-size:7.5pt;border:1px solid}"
	".b-warn{background:#fff3cd;border-color:#c90;color:#6a4a00}"
	".b-info{background:#e2effa;border-color:#58a;color:#0d3a66}"
	".b-call{background:#efe2fa;border-color:#85a;color:#46106a}"
	".b-bad{background:#f8e0e0;border-color:#b55;color:#6a1010}"
	".s1{color:#145214;font-weight:bold}.s2{color:#0d3a66;"
	"font-weight:bold}.s3{color:#6a4a00}.s4{color:#6a1010}"

	".tr{page-break-before:always;break-before:page}"
	".msg{margin:4px 0;padding:4px 8px;border-radius:6px;max-width:80%;"
	"white-space:pre-wrap;overflow-wrap:anywhere}"
	".out{background:#eef1f4;margin-right:20%}"
	".in{background:#dff3df;margin-left:20%}"
	".at{display:block;font-size:7.5pt;color:#667}"
	"@page{size:A4 landscape;margin:12mm}"
	"@media print{body{margin:0}}";

/* @s HTML-escaped (text and attribute safe). */
static void esc(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		case '\r':
			if (s[1] != '\n')
				fputc('\n', out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

/* Longest reply shown whole in the table (code points); the transcript
 * pages hold every word. */
#define CELL_WORDS_MAX 180

/* @s escaped, cut after CELL_WORDS_MAX code points with a pointer to the
 * transcript. */
static void esc_cut(FILE *out, const char *s)
{
	size_t n = 0, i = 0;
	char *head;

	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 &&
		    n++ == CELL_WORDS_MAX)
			break;
	}
	if (!s[i]) {
		esc(out, s);
		return;
	}
	head = strndup(s, i);
	if (head)
		esc(out, head);
	free(head);
	fputs("… <i>(suite dans la transcription)</i>", out);
}

/* "2026-03-12" -> "12/03/2026"; anything else escaped as it is. */
static void date_fr(FILE *out, const char *d)
{
	if (strlen(d) == 10 && d[4] == '-' && d[7] == '-')
		fprintf(out, "%.2s/%.2s/%.4s", d + 8, d + 5, d);
	else
		esc(out, d);
}

/* "12/03/2026 09:30" in local time. */
static void time_fr(FILE *out, int64_t t)
{
	char iso[40];

	sm_sl_iso_time(t, iso, sizeof(iso));
	if (strlen(iso) >= 16)
		fprintf(out, "%.2s/%.2s/%.4s %.5s", iso + 8, iso + 5, iso,
			iso + 11);
}

static void campaign_head(const struct sm_shortlist *sl, FILE *out)
{
	const struct sm_store_campaign *c = &sl->campaign;
	const struct sm_sl_funnel *f = &sl->funnel;
	const char *p = c->prerequisites;
	const struct {
		int n;
		const char *label;
	} steps[] = {
		{f->candidates, "candidats"},	  {f->invited, "invités"},
		{f->delivered, "SMS reçus"},	  {f->consented, "ont accepté"},
		{f->answered, "ont répondu"},	  {f->complete, "complets"},
		{f->shortlisted, "retenus"},	  {f->opted_out, "STOP"},
		{f->unreachable, "injoignables"},
	};

	fputs("<h1>Shortlist — ", out);
	esc(out, c->name);
	fputs("</h1>\n<p class=\"meta\"><span>Métier : <b>", out);
	esc(out, c->trade);
	fputs("</b></span><span>Du ", out);
	date_fr(out, c->start_date);
	fputs(" au ", out);
	date_fr(out, c->end_date);
	fputs("</span><span>Lieu : ", out);
	esc(out, c->place);
	fprintf(out, "</span><span>Places : %d</span></p>\n", c->seats);
	if (*p) {
		fputs("<div>Prérequis :</div><ul class=\"prereq\">", out);
		while (*p) {
			size_t len = strcspn(p, "\n");
			char line[SM_CAMP_PREREQ_MAX];

			snprintf(line, sizeof(line), "%.*s", (int)len, p);
			if (line[0]) {
				fputs("<li>", out);
				esc(out, line);
				fputs("</li>", out);
			}
			p += len;
			if (*p)
				p++;
		}
		fputs("</ul>\n", out);
	}
	fputs("<h2>Entonnoir</h2>\n<div class=\"funnel\">", out);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		fprintf(out, "<div><b>%d</b>%s</div>", steps[i].n,
			steps[i].label);
	fputs("</div>\n", out);
}

static const char *badge_class(enum sm_sl_flag_kind k)
{
	switch (k) {
	case SM_SL_FLAG_LOW_CONFIDENCE:
	case SM_SL_FLAG_CONDITIONAL:
	case SM_SL_FLAG_LLM:
	case SM_SL_FLAG_UNKNOWN_VALUE:
	case SM_SL_FLAG_UNSURE:
		return "b-warn";
	case SM_SL_FLAG_PARTIAL:
	case SM_SL_FLAG_TRANSPORT_AID:
	case SM_SL_FLAG_CHILDCARE_AID:
		return "b-info";
	case SM_SL_FLAG_CALLBACK:
		return "b-call";
	case SM_SL_FLAG_NOT_MET:
		return "b-bad";
	}
	return "b-warn";
}

static const char *const group_titles[] = {
	"",
	"1. Complets et compatibles",
	"2. Compatibles si un besoin est couvert (aide, disponibilité à voir)",
	"3. Incomplets (réponses manquantes ou à préciser)",
	"4. Ont décliné, critère non rempli, STOP, injoignables, sans réponse",
};

static void table(const struct sm_shortlist *sl, FILE *out)
{
	char buf[256];
	int group = 0;

	fputs("<h2>Candidats</h2>\n<p class=\"note\">Classement par critères "
	      "déclarés uniquement, sans score : à l'intérieur d'un groupe, "
	      "par ordre de première réponse puis par nom. Le logiciel "
	      "n'écarte personne : la décision vous revient.</p>\n"
	      "<table>\n",
	      out);
	/* Fixed layout: the criteria share what the other columns leave. */
	fprintf(out, "<colgroup><col style=\"width:4.5%%\">"
		     "<col style=\"width:10%%\"><col style=\"width:9.5%%\">");
	for (size_t i = 0; i < sl->ncriteria; i++)
		fprintf(out, "<col style=\"width:%.2f%%\">",
			55.0 / (double)(sl->ncriteria ? sl->ncriteria : 1));
	fputs("<col style=\"width:11%\"><col style=\"width:10%\">"
	      "</colgroup>\n<thead><tr><th>Rang</th><th>Candidat</th>"
	      "<th>Statut</th>",
	      out);
	for (size_t i = 0; i < sl->ncriteria; i++) {
		fputs("<th>", out);
		esc(out, sm_sl_criterion_label(sl->criteria[i]));
		fputs("</th>", out);
	}
	fputs("<th>Alertes</th><th>Décision</th></tr></thead>\n<tbody>\n", out);
	for (size_t n = 0; n < sl->nrows; n++) {
		const struct sm_sl_row *r = &sl->rows[n];

		if (r->group != group) {
			group = r->group;
			fprintf(out,
				"<tr class=\"group\"><td colspan=\"%zu\">"
				"%s</td></tr>\n",
				sl->ncriteria + 5,
				group_titles[group >= 1 && group <= 4 ? group
								      : 4]);
		}
		fprintf(out, "<tr><td>%d</td><td class=\"who\"><b>", r->rank);
		esc(out, r->cand.first_name);
		fputs(" ", out);
		esc(out, r->cand.last_name);
		fputs("</b><br><span class=\"tel\">", out);
		esc(out, sm_sl_phone_display(r->cand.phone, buf, sizeof(buf)));
		fputs("</span>", out);
		fprintf(out, "</td><td class=\"st s%d\">%s</td>", r->group,
			sm_sl_status_label(r->status));
		for (size_t i = 0; i < sl->ncriteria; i++) {
			const struct sm_sl_answer *a = &r->answers[i];

			if (!a->answered) {
				fputs("<td>—</td>", out);
				continue;
			}
			fprintf(out, "<td class=\"crit%s\"><span class=\"v\">",
				sm_sl_criterion_flagged(r, i) ? " low" : "");
			if (a->flags & SM_ANSWER_F_TEXT) {
				/* Free text: the words are the answer, whole. */
				fputs("</span><span class=\"raw\">« ", out);
				esc(out, a->raw ? a->raw : "");
			} else {
				esc(out, sm_sl_value_label(sl->criteria[i],
							   a->value));
				fputs("</span><span class=\"raw\">« ", out);
				esc_cut(out, a->raw ? a->raw : "");
			}
			fputs(" »</span><span class=\"how\">", out);
			esc(out, strcmp(a->method, "rules") == 0 ? "règles"
				 : strcmp(a->method, "llm") == 0 ? "IA"
				 : strcmp(a->method, "advisor") == 0
					 ? "conseiller"
					 : a->method);
			fprintf(out, " · %d %%</span></td>",
				(int)(a->confidence * 100 + 0.5));
		}
		fputs("<td>", out);
		for (size_t k = 0; k < r->nflags; k++) {
			fprintf(out, "<span class=\"badge %s\">",
				badge_class(r->flags[k].kind));
			esc(out, sm_sl_flag_label(sl, r, &r->flags[k], buf,
						  sizeof(buf)));
			fputs("</span> ", out);
		}
		fputs("</td><td class=\"dec\"></td></tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
}

static void transcripts(const struct sm_shortlist *sl, FILE *out)
{
	for (size_t n = 0; n < sl->nrows; n++) {
		const struct sm_sl_row *r = &sl->rows[n];

		if (!r->nmsgs)
			continue;
		fprintf(out,
			"<section class=\"tr\"><h2>Transcription — "
			"n° %d, ",
			r->rank);
		esc(out, r->cand.first_name);
		fputs(" ", out);
		esc(out, r->cand.last_name);
		fprintf(out, " (%s)</h2>\n", sm_sl_status_label(r->status));
		for (size_t i = 0; i < r->nmsgs; i++) {
			const struct sm_sl_message *m = &r->msgs[i];

			fprintf(out,
				"<div class=\"msg %s\"><span class=\"at\">"
				"%s, ",
				m->inbound ? "in" : "out",
				m->inbound ? "Candidat" : "Agence");
			time_fr(out, m->at);
			fputs("</span>", out);
			esc(out, m->text);
			fputs("</div>\n", out);
		}
		fputs("</section>\n", out);
	}
}

int sm_export_html(const struct sm_shortlist *sl, FILE *out)
{
	fputs("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n<title>Shortlist — ",
	      out);
	esc(out, sl->campaign.name);
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
	campaign_head(sl, out);
	table(sl, out);
	transcripts(sl, out);
	fputs("</body>\n</html>\n", out);
	if (fflush(out) != 0 || ferror(out))
		return -EIO;
	return 0;
}
