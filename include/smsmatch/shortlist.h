/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * shortlist.h - the advisor's shortlist of a campaign: one row per
 * candidate, ranked by declared criteria only, and its exports (CSV for a
 * French Excel, XLSX, JSON, printable HTML).
 *
 * There is no score.  Each candidate falls in one of four groups, decided
 * by the answers the candidate gave, criterion by criterion:
 *
 *   1. complete and compatible;
 *   2. compatible on a condition the advisor can meet: transport or
 *      childcare "help_needed" (the region's transport aid, car-pooling,
 *      childcare aid), or availability "partial" (to check with the
 *      candidate);
 *   3. incomplete: conversation open, or ended with criteria missing, an
 *      interest "maybe", a value the rules do not know; also candidates not
 *      contacted yet;
 *   4. declined (consent or interest "no"), a criterion not met (available,
 *      transport, childcare or prerequisites "no"), opted out, unreachable,
 *      no answer at all.
 *
 * Within a group: earliest first reply first, then last name and first
 * name (accents and case folded), then candidate id.  Nobody is dropped:
 * declined candidates are listed at the end, and the decision is the
 * advisor's (an empty column in every export).
 *
 * The shortlist is plain data built in memory: sm_shortlist_build() reads
 * it from the store (store_campaign.h); tests and other callers may instead
 * fill it with sm_shortlist_new() / _add_*() and call sm_shortlist_rank().
 * Exports write to a FILE (or a path for XLSX) and read nothing else.
 */
#ifndef SMSMATCH_SHORTLIST_H
#define SMSMATCH_SHORTLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "smsmatch/store_campaign.h"

/* Where a candidate stands, by the declared criteria. */
enum sm_sl_status {
	SM_SL_COMPATIBLE,    /* group 1: complete and compatible */
	SM_SL_CONDITIONAL,   /* group 2: compatible if a need is met */
	SM_SL_INCOMPLETE,    /* group 3: criteria missing or unsure */
	SM_SL_NOT_CONTACTED, /* group 3: no conversation yet */
	SM_SL_NOT_MET,	     /* group 4: a criterion answered "no" */
	SM_SL_DECLINED,	     /* group 4: consent or interest "no" */
	SM_SL_OPTED_OUT,     /* group 4: STOP */
	SM_SL_UNREACHABLE,   /* group 4: the first message failed */
	SM_SL_NO_ANSWER,     /* group 4: ended without a single reply */
};

/* What an advisor should look at in a row. */
enum sm_sl_flag_kind {
	SM_SL_FLAG_LOW_CONFIDENCE, /* an interpretation below threshold */
	SM_SL_FLAG_CONDITIONAL,	   /* "oui si c'est à Metz" */
	SM_SL_FLAG_LLM,		   /* understood by the LLM, not the rules */
	SM_SL_FLAG_CALLBACK,	   /* the candidate asked to be called */
	SM_SL_FLAG_PARTIAL,	   /* available "partial": to check */
	SM_SL_FLAG_TRANSPORT_AID,  /* transport help needed: aid, car-pool */
	SM_SL_FLAG_CHILDCARE_AID,  /* childcare help needed: aid */
	SM_SL_FLAG_NOT_MET,	   /* this criterion answered "no" */
	SM_SL_FLAG_UNKNOWN_VALUE,  /* a value the ranking does not know */
	SM_SL_FLAG_UNSURE,	   /* "je ne sais pas": to check together */
};

#define SM_SL_CRITERION_MAX 32 /* criterion name with NUL */
#define SM_SL_CRITERIA_MAX  24 /* criteria columns of one shortlist */
#define SM_SL_FLAGS_MAX	    32 /* flags of one row */

/* One flag: its kind and the criterion it is about (-1: the row). */
struct sm_sl_flag {
	enum sm_sl_flag_kind kind; /* what */
	int criterion;		   /* index in sm_shortlist.criteria, or -1 */
};

/* A candidate's latest answer to one criterion. */
struct sm_sl_answer {
	bool answered;	   /* false: no answer (other fields 0) */
	char value[48];	   /* interpretation: "car" */
	char *raw;	   /* the candidate's words (malloc'd,
			    * NULL when not answered) */
	double confidence; /* 0..1 */
	char method[16];   /* "rules", "llm", "advisor" */
	unsigned flags;	   /* SM_ANSWER_F_* */
	int64_t at;	   /* when */
};

/* One message of the transcript (text owned by the row). */
struct sm_sl_message {
	int64_t at;   /* queued (out) or received (in), Unix seconds */
	bool inbound; /* from the candidate */
	char *text;   /* UTF-8, malloc'd */
};

/* One candidate's row. */
struct sm_sl_row {
	int rank;			   /* 1.. after sm_shortlist_rank() */
	int group;			   /* 1..4 */
	enum sm_sl_status status;	   /* see above */
	struct sm_store_candidate cand;	   /* the candidate (copy) */
	bool contacted;			   /* conv is valid */
	struct sm_store_conversation conv; /* its conversation */
	struct sm_sl_answer answers[SM_SL_CRITERIA_MAX]; /* per criterion */
	struct sm_sl_flag flags[SM_SL_FLAGS_MAX];	 /* after ranking */
	size_t nflags;					 /* how many */
	struct sm_sl_message *msgs; /* transcript, time order */
	size_t nmsgs, msgs_cap;	    /* used, allocated */
	bool delivered;		    /* the first outbound message
				     * was delivered */
};

/* The funnel of the campaign: the counts `campaign status` shows
 * (sm_store_campaign_funnel() in sm_shortlist_build()), but for
 * shortlisted, which is groups 1 and 2 of the ranking. */
struct sm_sl_funnel {
	int candidates;	 /* imported */
	int invited;	 /* with a conversation (first message queued) */
	int delivered;	 /* first message delivered */
	int consented;	 /* consent "yes" */
	int answered;	 /* replied at least once (first_reply_at) */
	int complete;	 /* conversation complete */
	int shortlisted; /* groups 1 and 2 */
	int opted_out;	 /* STOP */
	int unreachable; /* first message failed for good */
};

/* The shortlist of one campaign. */
struct sm_shortlist {
	struct sm_store_campaign campaign; /* its campaign */
	char criteria[SM_SL_CRITERIA_MAX]
		     [SM_SL_CRITERION_MAX]; /* columns:
					     * the standard ones, then others in
					     * order of first appearance */
	size_t ncriteria;		    /* how many */
	struct sm_sl_row *rows;		    /* ranked after
					     * sm_shortlist_rank */
	size_t nrows, rows_cap;		    /* used, allocated */
	struct sm_sl_funnel funnel;	    /* after ranking */
};

/*
 * A new, empty shortlist for campaign @c (copied), its criteria columns
 * set to the standard ones (consent, interest, available, transport,
 * childcare, prerequisites, motivation).  NULL if out of memory.
 * Free with sm_shortlist_free().
 */
struct sm_shortlist *sm_shortlist_new(const struct sm_store_campaign *c);

/* Free @sl and everything it holds.  NULL is accepted. */
void sm_shortlist_free(struct sm_shortlist *sl);

/*
 * Add candidate @cand (copied) with its conversation @conv (copied; NULL
 * when not contacted yet).  A second row for the same candidate id gives
 * -EEXIST; -ENOMEM.  Returns 0.
 */
int sm_shortlist_add_candidate(struct sm_shortlist *sl,
			       const struct sm_store_candidate *cand,
			       const struct sm_store_conversation *conv);

/*
 * Record answer @a for the candidate whose conversation is
 * a->conversation_id.  A later answer (by a->at, then by call order)
 * replaces an earlier one to the same criterion.  A criterion not seen
 * before becomes a new column.  -ENOENT if no row has that conversation,
 * -E2BIG beyond SM_SL_CRITERIA_MAX criteria, -EINVAL for an empty
 * criterion name.  Strings are copied (cut to their field).
 */
int sm_shortlist_add_answer(struct sm_shortlist *sl,
			    const struct sm_store_answer *a);

/*
 * Append a transcript message to the row of conversation @conversation_id:
 * @text copied; @out_state is the outbox state of an outbound message
 * ("delivered" counts in the funnel), ignored for inbound ones.  Messages
 * are kept in call order (give them in time order); the funnel counts a
 * row delivered when its first outbound one is.  -ENOENT, -ENOMEM.
 */
int sm_shortlist_add_message(struct sm_shortlist *sl, int64_t conversation_id,
			     int64_t at, bool inbound, const char *text,
			     const char *out_state);

/*
 * Decide each row's status, group and flags, sort the rows, number them
 * from 1 and count the funnel.  May be called again after more adds.
 */
void sm_shortlist_rank(struct sm_shortlist *sl);

/*
 * Build the ranked shortlist of campaign @campaign_id from store @st:
 * the campaign, its candidates, their conversations, latest answers and
 * transcripts.  On success *@out owns it.  -ENOENT for an unknown
 * campaign; other negative errnos from the store or -ENOMEM.
 */
int sm_shortlist_build(struct sm_store *st, int64_t campaign_id,
		       struct sm_shortlist **out);

/* Index of criterion @name in @sl->criteria, or -1. */
int sm_shortlist_criterion_index(const struct sm_shortlist *sl,
				 const char *name);

/* "compatible", "conditional", "incomplete", "not_contacted", "not_met",
 * "declined", "opted_out", "unreachable", "no_answer" (JSON). */
const char *sm_sl_status_name(enum sm_sl_status s);
/* The same in French for people: "compatible", "compatible sous
 * condition", "incomplet"... */
const char *sm_sl_status_label(enum sm_sl_status s);

/*
 * Flag @f of row @r of @sl as a stable code ("low_confidence:transport",
 * "callback", "transport_aid:transport": kind, then ':' and the criterion
 * when it is about one) or as French for the advisor
 * ("transport : interprétation incertaine (confiance 55 %)"), into @buf
 * of @len bytes (always NUL-terminated, cut if short).  Returns @buf.
 */
const char *sm_sl_flag_code(const struct sm_shortlist *sl,
			    const struct sm_sl_flag *f, char *buf, size_t len);
const char *sm_sl_flag_label(const struct sm_shortlist *sl,
			     const struct sm_sl_row *r,
			     const struct sm_sl_flag *f, char *buf, size_t len);

/* Does a flag that asks for a second look at a reading (low confidence,
 * conditional, read by the LLM, unknown or unsure) point at criterion @i
 * of row @r?  The exports highlight that cell. */
bool sm_sl_criterion_flagged(const struct sm_sl_row *r, size_t i);

/*
 * @phone as an advisor reads it: "06 12 34 56 78" for a French mobile in
 * E.164 (+33), else unchanged.  Into @buf of @len bytes.  Returns @buf.
 */
const char *sm_sl_phone_display(const char *phone, char *buf, size_t len);

/* French header of a criterion column ("garde d'enfants"); the name
 * itself for criteria the shortlist does not know.  Borrowed. */
const char *sm_sl_criterion_label(const char *criterion);
/* French reading of a value of a criterion ("voiture" for transport
 * "car"); @value itself when unknown.  Borrowed. */
const char *sm_sl_value_label(const char *criterion, const char *value);
/* What an export shows as the reading of @a (answered) to criterion
 * @criterion: the candidate's whole words for a free-text answer
 * (SM_ANSWER_F_TEXT), else sm_sl_value_label().  Borrowed. */
const char *sm_sl_answer_label(const char *criterion,
			       const struct sm_sl_answer *a);

/*
 * "2026-03-12T09:30:00+01:00": @t in the local time zone (TZ) with its
 * offset, into @buf of @len bytes (>= 26).  Returns @buf.
 */
const char *sm_sl_iso_time(int64_t t, char *buf, size_t len);

/*
 * True if a spreadsheet would read cell text @s as a formula (it starts
 * with '=', '+', '-', '@', a tab or a carriage return): the CSV and XLSX
 * exports then write it with a leading apostrophe.
 */
bool sm_sl_needs_quote_prefix(const char *s);

/* ---- exports: each returns 0, -EIO when writing fails, -ENOMEM. */

/*
 * CSV for a French Excel: UTF-8 with BOM, ';' separator, CRLF line ends,
 * every field in double quotes with quotes doubled, cells that would be
 * formulas prefixed with "'".  Columns: rang; statut; prénom; nom;
 * téléphone; for each criterion "<critère>" and "<critère> (ses mots)";
 * alertes; décision (empty).  One line per candidate, in rank order.
 */
int sm_export_csv(const struct sm_shortlist *sl, FILE *out);

/*
 * JSON: {"campaign": {...}, "candidates": [{"rank", "status",
 * "first_name", "last_name", "phone", "criteria": {name: {"value", "raw",
 * "confidence", "method"}}, "flags": [...], "transcript": [{"at",
 * "direction", "text"}]}]}, indented, UTF-8, ending with a newline.
 * Unanswered criteria are absent from "criteria".
 */
int sm_export_json(const struct sm_shortlist *sl, FILE *out);

/*
 * A table for a terminal (UTF-8): the campaign and the funnel, then one
 * line per candidate in rank order (rank, status, name, phone, the reading
 * of each criterion but consent and free-text ones, cells cut with "…"),
 * each row's flags on the lines below it ("! ...").
 */
int sm_export_text(const struct sm_shortlist *sl, FILE *out);

/*
 * One self-contained printable HTML page (inline CSS, A4 print styles):
 * the campaign, the funnel, the ranked table with the candidate's words
 * and flags, an empty decision column, then each transcript on its own
 * page.  Every text from the store is HTML-escaped.
 */
int sm_export_html(const struct sm_shortlist *sl, FILE *out);

/*
 * XLSX workbook at @path (replaced): sheets "Shortlist" (as the CSV, bold
 * frozen header, autofilter, widths, wrapped words, flagged cells
 * highlighted, confidence and method as cell comments), "Entonnoir" (the
 * funnel) and "Transcriptions".  -EIO (with nothing usable at @path) when
 * libxlsxwriter fails.
 */
int sm_export_xlsx(const struct sm_shortlist *sl, const char *path);

#endif
