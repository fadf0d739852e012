/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store_campaign.h - campaigns, candidates, conversations and answers in
 * the gateway's database (schema version 2), as the CLI, the dialogue
 * engine and the shortlist see them.
 *
 * Same conventions as store.h (it is the same store, the same file, the
 * same rules): int64_t Unix seconds passed in, 0 or a negative errno,
 * fixed-size fields in caller structs, one short transaction per call,
 * lists through a callback per row.  Implemented in src/store_campaign.c,
 * which with src/store.c is the only code that sees SQLite.
 */
#ifndef SMSMATCH_STORE_CAMPAIGN_H
#define SMSMATCH_STORE_CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smsmatch/store.h"

#define SM_CAMP_NAME_MAX 128   /* campaign name, trade, place */
#define SM_CAMP_PATH_MAX 256   /* script path */
#define SM_CAMP_DATE_MAX 11    /* "YYYY-MM-DD" */
#define SM_CAMP_PREREQ_MAX 1024 /* prerequisites, one per line */
#define SM_CAND_FIELD_MAX 96   /* first/last name, external id */
#define SM_CAND_VARS_MAX 2048  /* other CSV columns as a JSON object */
#define SM_ANSWER_RAW_MAX 1024 /* the candidate's own words */
#define SM_CONV_STATE_MAX 512  /* the script engine's state, serialised */

/* ---- campaigns */

enum sm_campaign_state {
	SM_CAMPAIGN_DRAFT,   /* created, candidates may be imported */
	SM_CAMPAIGN_RUNNING, /* the daemon contacts and converses */
	SM_CAMPAIGN_PAUSED,  /* no new first contacts or reminders; replies
			      * are kept in the inbox, not played */
	SM_CAMPAIGN_CLOSED,  /* over: nothing more is sent */
};

struct sm_store_campaign {
	int64_t id;				/* rowid, > 0 */
	char name[SM_CAMP_NAME_MAX];		/* "Aide-soignant Metz mars" */
	char script[SM_CAMP_PATH_MAX];		/* dialogue script file */
	char trade[SM_CAMP_NAME_MAX];		/* "aide-soignant" */
	char start_date[SM_CAMP_DATE_MAX];	/* session start */
	char end_date[SM_CAMP_DATE_MAX];	/* session end */
	char place[SM_CAMP_NAME_MAX];		/* "IFSAS Metz" */
	int seats;				/* places in the session */
	char prerequisites[SM_CAMP_PREREQ_MAX];	/* one per line */
	enum sm_campaign_state state;		/* see above */
	int64_t created_at, started_at, closed_at; /* 0 when not yet */
};

/* Create a campaign (state draft).  -EINVAL for an empty name, a date
 * that is not YYYY-MM-DD, end before start, seats < 1. */
int sm_store_campaign_add(struct sm_store *st,
			  const struct sm_store_campaign *c, int64_t now,
			  int64_t *id);
int sm_store_campaign_get(struct sm_store *st, int64_t id,
			  struct sm_store_campaign *out);
/* Allowed: draft->running, running<->paused, any->closed.  -EINVAL else
 * (closing a closed campaign too); -ENOENT for an unknown campaign.
 * started_at is set by the first start, closed_at by the close. */
int sm_store_campaign_set_state(struct sm_store *st, int64_t id,
				enum sm_campaign_state state, int64_t now);
typedef int (*sm_store_campaign_fn)(const struct sm_store_campaign *c,
				    void *data);
int sm_store_campaign_list(struct sm_store *st, sm_store_campaign_fn fn,
			   void *data);
const char *sm_campaign_state_name(enum sm_campaign_state s);

/* `smsmatch campaign status`: where the campaign's candidates stand. */
struct sm_store_campaign_funnel {
	int candidates;		/* imported */
	int invited;		/* a conversation started */
	int delivered;		/* first message delivered (status report) */
	int consented;		/* latest "consent" answer is "yes" */
	int answered;		/* replied at least once */
	int complete;		/* outcome complete */
	int shortlisted;	/* complete; the CLI and the exports count
				 * groups 1 and 2 of the ranking instead */
	int declined;		/* outcome declined */
	int opted_out;		/* outcome opted_out */
	int no_answer;		/* outcome no_answer */
	int unreachable;	/* outcome unreachable */
	int callback;		/* outcome callback */
	int open;		/* outcome open */
	int64_t reply_median;	/* median (first reply - start) in s; -1 if
				 * nobody replied */
	int replied_5h;		/* first reply within 5 hours of the start */
};

/* Fill @out for campaign @id.  -ENOENT for an unknown campaign. */
int sm_store_campaign_funnel(struct sm_store *st, int64_t id,
			     struct sm_store_campaign_funnel *out);

/* ---- candidates */

struct sm_store_candidate {
	int64_t id;				/* rowid */
	int64_t campaign_id;			/* its campaign */
	char ext_id[SM_CAND_FIELD_MAX];		/* the agency's identifier */
	char first_name[SM_CAND_FIELD_MAX];	/* prénom */
	char last_name[SM_CAND_FIELD_MAX];	/* nom */
	char phone[SM_STORE_NUMBER_MAX];	/* E.164 mobile */
	char vars[SM_CAND_VARS_MAX];		/* {"code_postal":"57000",...} */
	int line;				/* CSV line it came from */
	int64_t imported_at;			/* when */
};

/* What an import did. */
struct sm_store_import_report {
	int added;	 /* new candidates */
	int merged;	 /* same phone already in the campaign: updated */
	int opted_out;	 /* skipped: the number said STOP before */
};

/*
 * Add @n candidates to campaign @campaign_id in ONE transaction: all or
 * nothing.  A phone already in the campaign (or twice in @rows) is merged
 * (later rows update names and vars).  Opted-out numbers are skipped and
 * counted.  -ENOENT for an unknown campaign, -EINVAL for a closed one.
 */
int sm_store_candidates_import(struct sm_store *st, int64_t campaign_id,
			       const struct sm_store_candidate *rows,
			       size_t n, int64_t now,
			       struct sm_store_import_report *rep);
/*
 * The same, rows pulled one at a time from @next (so a 100 000-row file
 * needs no array): @next fills *@row and returns 1, returns 0 at the end,
 * or a negative errno to abandon the import (rolled back, returned).  Still
 * ONE transaction: the database is locked for writing meanwhile, so @next
 * must not wait on anything slow.
 */
typedef int (*sm_store_candidate_next_fn)(struct sm_store_candidate *row,
					  void *data);
int sm_store_candidates_import_stream(struct sm_store *st,
				      int64_t campaign_id,
				      sm_store_candidate_next_fn next,
				      void *data, int64_t now,
				      struct sm_store_import_report *rep);
typedef int (*sm_store_candidate_fn)(const struct sm_store_candidate *c,
				     void *data);
int sm_store_candidates_list(struct sm_store *st, int64_t campaign_id,
			     sm_store_candidate_fn fn, void *data);
int sm_store_candidate_get(struct sm_store *st, int64_t id,
			   struct sm_store_candidate *out);
/* Every candidate row of @phone (E.164), in every campaign, by id: what
 * `smsmatch person export` shows. */
int sm_store_candidates_by_phone(struct sm_store *st, const char *phone,
				 sm_store_candidate_fn fn, void *data);

/* ---- conversations: one per candidate of a running campaign */

enum sm_conv_outcome {
	SM_CONV_OPEN,		  /* going on */
	SM_CONV_COMPLETE,	  /* every criterion answered */
	SM_CONV_DECLINED,	  /* no consent or no interest */
	SM_CONV_NO_ANSWER,	  /* expired without (enough) answers */
	SM_CONV_OPTED_OUT,	  /* STOP */
	SM_CONV_UNREACHABLE,	  /* the first message failed for good */
	SM_CONV_CALLBACK,	  /* asked for a person to call */
};

struct sm_store_conversation {
	int64_t id;			      /* rowid */
	int64_t campaign_id;		      /* campaign */
	int64_t candidate_id;		      /* candidate */
	char phone[SM_STORE_NUMBER_MAX];      /* where replies come from */
	char state[SM_CONV_STATE_MAX];	      /* the script engine's state */
	enum sm_conv_outcome outcome;	      /* open until it ends */
	int64_t started_at;		      /* first message queued */
	int64_t last_sent_at;		      /* last message queued */
	int64_t last_reply_at;		      /* last reply, 0 if none */
	int64_t first_reply_at;		      /* first reply, 0 if none */
	int64_t ended_at;		      /* 0 while open */
};

/* Start the conversation of a candidate (one per candidate). -EEXIST.
 * Its phone is the candidate's; campaign_id may be 0 (the candidate's),
 * else must be the candidate's (-EINVAL).  -ENOENT: no such candidate. */
int sm_store_conversation_add(struct sm_store *st,
			      const struct sm_store_conversation *c,
			      int64_t *id);
int sm_store_conversation_get(struct sm_store *st, int64_t id,
			      struct sm_store_conversation *out);
/* The conversation of candidate @candidate_id.  -ENOENT if none. */
int sm_store_conversation_by_candidate(struct sm_store *st,
				       int64_t candidate_id,
				       struct sm_store_conversation *out);
/* The open conversation of @phone in a campaign not closed, the one
 * texted last first (the one a reply most likely answers).  -ENOENT if
 * none: a reply to a closed campaign stays in the inbox. */
int sm_store_conversation_find_open(struct sm_store *st, const char *phone,
				    struct sm_store_conversation *out);
/* Cancel the reminders of conversation @conversation_id still waiting
 * to leave (queued, or claimed with no part written): the candidate
 * answered.  *@count (may be NULL): how many. */
int sm_store_conversation_cancel_reminders(struct sm_store *st,
					   int64_t conversation_id,
					   int64_t now, int *count);
/* Save state, times and outcome of @c (by c->id). */
int sm_store_conversation_update(struct sm_store *st,
				 const struct sm_store_conversation *c);
typedef int (*sm_store_conversation_fn)(
	const struct sm_store_conversation *c, void *data);
int sm_store_conversations_list(struct sm_store *st, int64_t campaign_id,
				sm_store_conversation_fn fn, void *data);
/* Candidates of running campaigns without a conversation yet and whose
 * number has not opted out since the import, oldest import first, at most
 * @max (>= 1): the next first contacts. */
int sm_store_candidates_uncontacted(struct sm_store *st, int max,
				    sm_store_candidate_fn fn, void *data);
const char *sm_conv_outcome_name(enum sm_conv_outcome o);

/* ---- answers: what each reply meant, beside the candidate's words */

enum {
	SM_ANSWER_F_LOW_CONFIDENCE = 1 << 0, /* below the script threshold */
	SM_ANSWER_F_CONDITIONAL = 1 << 1,    /* "oui si c'est à Metz" */
	SM_ANSWER_F_TEXT = 1 << 2,	     /* free text (motivation): the
					      * words are the answer, value
					      * only their start */
};

struct sm_store_answer {
	int64_t conversation_id;	 /* conversation */
	char criterion[32];		 /* "transport" */
	char value[48];			 /* "car" */
	char raw[SM_ANSWER_RAW_MAX];	 /* the reply as typed */
	double confidence;		 /* 0..1 */
	char method[16];		 /* "rules", "llm", "advisor" */
	unsigned flags;			 /* SM_ANSWER_F_* */
	int64_t at;			 /* when */
};

/* Record an answer; a later answer to the same criterion supersedes the
 * earlier one in sm_store_answers_list(..., latest_only = true). */
int sm_store_answer_add(struct sm_store *st, const struct sm_store_answer *a);
typedef int (*sm_store_answer_fn)(const struct sm_store_answer *a,
				  void *data);
int sm_store_answers_list(struct sm_store *st, int64_t conversation_id,
			  bool latest_only, sm_store_answer_fn fn, void *data);

/* ---- transcript: outbound and inbound messages of a conversation */

struct sm_store_transcript_row {
	int64_t at;		       /* queued (out) or received (in) */
	bool inbound;		       /* from the candidate */
	char text[SM_STORE_TEXT_MAX + 1]; /* the message */
	char state[16];		       /* out: its outbox state; in: "" */
};

/* Link inbound message @inbox_id to conversation @conversation_id. */
int sm_store_inbox_set_conversation(struct sm_store *st, int64_t inbox_id,
				    int64_t conversation_id);
typedef int (*sm_store_transcript_fn)(const struct sm_store_transcript_row *r,
				      void *data);
/* Every message of the conversation, in time order. */
int sm_store_transcript(struct sm_store *st, int64_t conversation_id,
			sm_store_transcript_fn fn, void *data);

#endif
