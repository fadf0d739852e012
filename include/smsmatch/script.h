/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * script.h - dialogue scripts: the state machine a campaign plays with each
 * candidate (conf/scripts/<trade>.conf, libconfig syntax, docs/scripts.md).
 *
 * A script is read once (sm_script_read() in src/config.c, the only file
 * that sees libconfig), checked (sm_script_check(): links, reachability,
 * loops without exit, template variables), then played by a pure engine:
 * no I/O, no clock reads, no allocation after loading.  The daemon keeps
 * one struct sm_script_state per conversation (plain data, persisted as
 * is), calls sm_script_start() for the first message, sm_script_reply()
 * for each inbound SMS and sm_script_tick() from time to time; each fills
 * a struct sm_script_result with what to store and what to send.
 *
 * STOP is the daemon's business (it never reaches the script); AIDE/help,
 * the candidate asking for a human, and common questions (faq) are the
 * script's.
 */
#ifndef SMSMATCH_SCRIPT_H
#define SMSMATCH_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "smsmatch/understand.h"

#define SM_SCRIPT_ID_MAX	32   /* node / offer id, bytes with NUL */
#define SM_SCRIPT_NODES_MAX	64   /* nodes of one script */
#define SM_SCRIPT_FAQ_MAX	16   /* faq entries */
#define SM_SCRIPT_KEYWORDS_MAX	16   /* keywords of one faq entry / callback */
#define SM_SCRIPT_OFFERS_MAX	16   /* help_offers */
#define SM_SCRIPT_VARS_MAX	32   /* extra variables = [...] */
#define SM_SCRIPT_TEXT_MAX	640  /* a message template, bytes */
#define SM_SCRIPT_MSG_MAX	1024 /* a rendered message, bytes with NUL */
#define SM_SCRIPT_OUT_MAX	6    /* messages sent for one reply */
#define SM_SCRIPT_KNOWN_MAX	8    /* criteria remembered in a state */
#define SM_SCRIPT_RAW_MAX	1001 /* raw reply kept in a result */
#define SM_SCRIPT_FILE_MAX	(256 * 1024) /* larger script files are refused */
#define SM_SCRIPT_REPROMPTS_MAX 5	     /* highest max_reprompts */

/* A link to a node: "next", "on_yes", a choice's "next", "on_giveup". */
#define SM_SCRIPT_LINK_NONE (-1) /* not given */
#define SM_SCRIPT_LINK_END  (-2) /* on_giveup = "end": close, no message */

struct sm_script_link {
	char *to; /* node id as written, NULL when not given */
	int line; /* line of the setting, for messages */
	int node; /* index in nodes[] once resolved by sm_script_check(),
		   * or SM_SCRIPT_LINK_NONE / SM_SCRIPT_LINK_END */
};

/* How a conversation ended. */
enum sm_script_outcome {
	SM_OUTCOME_NONE,       /* still going */
	SM_OUTCOME_COMPLETE,   /* reached an end node (outcome "complete") */
	SM_OUTCOME_DECLINED,   /* an end node with outcome = "declined":
				* no consent or no interest */
	SM_OUTCOME_NO_ANSWER,  /* expire_after passed without a reply */
	SM_OUTCOME_CALLBACK,   /* the candidate asked for a person */
	SM_OUTCOME_INCOMPLETE, /* gave up on a question (on_giveup = "end") */
};

/* Extra data of one choice of a "choice" node. */
struct sm_script_choice_ext {
	struct sm_script_link next; /* where this choice leads, or NONE
				     * (then the node's next) */
	char *offer;		    /* help_offers id sent with it, or NULL */
	int offer_line;		    /* line of offer = */
	int line;		    /* line of the choice's { } */
};

/* One node of the state machine. */
struct sm_script_node {
	char *id;			/* unique, [a-z0-9_]+ */
	char *message;			/* template sent on entering the node */
	int line;			/* line of the node's { } */
	int message_line;		/* line of message = */
	bool end;			/* a final node: message, then done */
	enum sm_script_outcome outcome; /* end nodes: COMPLETE or DECLINED */
	enum sm_answer_kind kind;	/* other nodes: the answer expected */
	char *criterion;		/* what the answer is stored as */
	bool allow_maybe;		/* yesno: "maybe" is an answer */
	struct sm_choice choices[SM_CHOICES_MAX]; /* choice: values and
						   * folded synonyms */
	struct sm_script_choice_ext choice_ext[SM_CHOICES_MAX];
	size_t nchoices; /* 0 unless kind is choice */
	struct sm_script_link on_yes, on_no, on_maybe, next, on_giveup;
	char *reprompt;	   /* template when not understood, or NULL
			    * (the message is sent again) */
	int reprompt_line; /* its line */
	int max_reprompts; /* 0..SM_SCRIPT_REPROMPTS_MAX, default 2 */
};

/* A common question and its answer. */
struct sm_script_faq {
	char *keywords[SM_SCRIPT_KEYWORDS_MAX]; /* folded, NULL-ended */
	char *answer;				/* template */
	int line;				/* line of the entry */
};

/* A help the region offers, sent when a choice names it. */
struct sm_script_offer {
	char *id;      /* "garde_enfants" */
	char *message; /* template */
	int line;      /* its line */
};

enum sm_script_encoding {
	SM_SCRIPT_ENC_AUTO, /* keep every accent (UCS-2 when needed) */
	SM_SCRIPT_ENC_GSM7, /* transliterate to the GSM 7-bit alphabet */
};

/* A loaded script.  Built by sm_script_read(), freed by sm_script_free(). */
struct sm_script {
	char *path;			  /* file name used in messages */
	char *name;			  /* name = "..." */
	enum sm_script_encoding encoding; /* default AUTO */
	double threshold;		  /* 0..1, default 0.6 */
	long reminder_after;		  /* seconds, 0 for no reminder */
	char *reminder;			  /* template, NULL when none */
	int reminder_line;		  /* its line */
	long expire_after;		  /* seconds, 0 never */
	struct sm_script_link start;	  /* first node */
	char *help;    /* reply to AIDE/help, NULL for none */
	int help_line; /* its line */
	char *callback_keywords[SM_SCRIPT_KEYWORDS_MAX]; /* folded,
							  * NULL-ended */
	char *callback_reply;  /* template, NULL when no callback */
	int callback_line;     /* its line */
	char *stop_confirm;    /* the daemon's STOP confirmation text
				* for this script, NULL for its own */
	int stop_confirm_line; /* its line */
	char *advisor_answer;  /* sent when a candidate's question is
				* neither in the faq nor answered by the
				* language model ("your advisor will
				* answer that"), NULL for the daemon's */
	int advisor_answer_line; /* its line */
	struct sm_script_faq faq[SM_SCRIPT_FAQ_MAX];
	size_t nfaq;
	struct sm_script_offer offers[SM_SCRIPT_OFFERS_MAX];
	size_t noffers;
	char *variables[SM_SCRIPT_VARS_MAX]; /* extra template names */
	size_t nvariables;
	int variables_line;	      /* line of variables = */
	struct sm_script_node *nodes; /* nnodes of them */
	size_t nnodes;
	/* The reading of replies; sm_understand() unless a test sets it. */
	int (*understand)(const char *text, const struct sm_question *q,
			  struct sm_understanding *out);
};

/* One template variable and its value for one candidate. */
struct sm_script_var {
	const char *name;  /* "prenom", "code_postal" */
	const char *value; /* UTF-8 */
};

/* What the engine remembers of one conversation; plain data to persist. */
struct sm_script_state {
	char node[SM_SCRIPT_ID_MAX]; /* node awaiting a reply ("" when done) */
	int reprompts;		     /* re-prompts used at that node */
	time_t started_at;	     /* first message */
	time_t last_sent_at;	     /* last question sent (reminder and
				      * expiry count from it) */
	bool reminded;		     /* the reminder went out */
	bool done;		     /* the conversation is over */
	enum sm_script_outcome outcome;		      /* why, once done */
	struct sm_finding known[SM_SCRIPT_KNOWN_MAX]; /* criteria answered
						       * ahead of their node */
	size_t nknown;
};

/* Flags of a finding. */
enum {
	SM_FINDING_CONDITIONAL = 1 << 0,    /* "oui si c'est à Metz" */
	SM_FINDING_LOW_CONFIDENCE = 1 << 1, /* kept below the threshold after
					     * the last re-prompt */
	SM_FINDING_ALSO = 1 << 2,	    /* said while answering another
					     * question */
};

/* A value to store for a criterion; the raw reply is the result's. */
struct sm_script_finding {
	char criterion[SM_CRITERION_MAX]; /* "transport" */
	char value[SM_VALUE_MAX];	  /* "car" */
	double confidence;		  /* 0..1 */
	char method[16];		  /* "rules", ... */
	char why[96];			  /* the understanding's trace */
	unsigned flags;			  /* SM_FINDING_* */
};

/* What happened in one engine call. */
enum sm_script_event {
	SM_SCRIPT_EV_NONE,     /* nothing to do (tick not due, reply after
				* the end) */
	SM_SCRIPT_EV_STARTED,  /* sm_script_start() */
	SM_SCRIPT_EV_ANSWERED, /* the reply answered the question */
	SM_SCRIPT_EV_REPROMPT, /* not understood: asked again */
	SM_SCRIPT_EV_GAVE_UP,  /* not understood after the last re-prompt */
	SM_SCRIPT_EV_HELP,     /* AIDE: help text, question again */
	SM_SCRIPT_EV_FAQ,      /* a common question answered */
	SM_SCRIPT_EV_CALLBACK, /* the candidate asked for a person */
	SM_SCRIPT_EV_REMINDER, /* tick: the reminder is due */
	SM_SCRIPT_EV_EXPIRED,  /* tick: no answer, closed */
};

/* The result of one engine call. */
struct sm_script_result {
	enum sm_script_event event;			    /* what happened */
	struct sm_script_finding findings[1 + SM_ALSO_MAX]; /* to store */
	size_t nfindings;
	char raw[SM_SCRIPT_RAW_MAX]; /* the reply as received (cut) */
	char messages[SM_SCRIPT_OUT_MAX][SM_SCRIPT_MSG_MAX]; /* to send, in
							      * order */
	size_t nmessages;
	bool question;			/* the candidate asked something the
					 * faq does not answer: for the
					 * advisor */
	enum sm_script_outcome outcome; /* set when the conversation ended
					 * in this call */
};

/*
 * Read the script file @path (at most SM_SCRIPT_FILE_MAX bytes) into a new
 * script at *@out.  Checks the syntax (libconfig) and the shape of every
 * setting: known keys, types, required fields, sizes, durations.  Links,
 * reachability and template variables are sm_script_check()'s.  Returns 0,
 * or a negative errno with "PATH:LINE: what: reason" in @err (@errlen
 * bytes, always NUL-terminated); *@out is then NULL.  (src/config.c)
 */
int sm_script_read(const char *path, struct sm_script **out, char *err,
		   size_t errlen);

/* sm_script_read() of the text @text; messages start with @name. */
int sm_script_read_string(const char *text, const char *name,
			  struct sm_script **out, char *err, size_t errlen);

/* Severity of a problem sm_script_check() reports. */
enum sm_script_severity {
	SM_SCRIPT_ERROR,   /* the script cannot run */
	SM_SCRIPT_WARNING, /* it runs, but a person should look */
};

/* Called once per problem: @msg is "PATH:LINE: what: reason". */
typedef void (*sm_script_report_fn)(void *ctx, enum sm_script_severity sev,
				    const char *msg);

/*
 * Resolve every link of @s and check the whole script: the start node
 * exists, every link names a node, every node is reachable from start,
 * an end node is reachable from every node (no loop without exit), yes/no
 * nodes have on_yes and on_no or next, choices lead somewhere, offers
 * exist, every template uses known variables (the standard set of
 * sm_script_std_vars() plus variables = [...]).  Warns about messages
 * longer than 2 SMS (rendered with the sample values).  Each problem goes
 * to @report (may be NULL) in file order within each pass.  Returns the
 * number of errors (0: @s can run).
 */
int sm_script_check(struct sm_script *s, sm_script_report_fn report, void *ctx);

/*
 * sm_script_read() then sm_script_check(): a script ready to run, or a
 * negative errno with the first error in @err (-EINVAL for a check error).
 */
int sm_script_load(const char *path, struct sm_script **out, char *err,
		   size_t errlen);

/* Free @s and everything it owns; NULL is fine. */
void sm_script_free(struct sm_script *s);

/*
 * The standard template variables with sample values for `script check`,
 * ended by { NULL, NULL }.  Static data.
 */
const struct sm_script_var *sm_script_std_vars(void);

/*
 * Render the template @tmpl into @out (@len bytes): each {name} becomes the
 * value of the first @vars entry of that name, "{{" and "}}" are literal
 * braces; with the GSM 7-bit encoding, accents the alphabet lacks are
 * transliterated.  Returns 0, -ENOENT when a variable has no value (its
 * name in @missing, @missing_len bytes, may be NULL), -EINVAL for an
 * unclosed brace or invalid UTF-8, -E2BIG when the text does not fit.
 */
int sm_script_render(const struct sm_script *s, const char *tmpl,
		     const struct sm_script_var *vars, size_t nvars, char *out,
		     size_t len, char *missing, size_t missing_len);

/*
 * Begin a conversation at @now: fills @st and @out (event STARTED, the
 * first message(s)).  Returns 0, or a negative errno from rendering
 * (-ENOENT: a variable of the message has no value) with @st untouched.
 */
int sm_script_start(const struct sm_script *s, const struct sm_script_var *vars,
		    size_t nvars, time_t now, struct sm_script_state *st,
		    struct sm_script_result *out);

/*
 * Play the candidate's reply @text (UTF-8) at @now: help, callback and faq
 * first, then the reply read against the current node (sm_understand());
 * fills @out with the findings to store, the messages to send and, when
 * the conversation ends, the outcome; updates @st.  A reply after the end
 * gives event NONE and changes nothing.  Returns 0, -EINVAL when @st names
 * no node of @s (a script changed under a live conversation), or a
 * rendering error as sm_script_start() (then @st is unchanged).
 */
int sm_script_reply(const struct sm_script *s, struct sm_script_state *st,
		    const char *text, const struct sm_script_var *vars,
		    size_t nvars, time_t now, struct sm_script_result *out);

/*
 * What the daemon learnt elsewhere about a reply (the language model's
 * verdict or drafted answer), applied by sm_script_reply_override() over
 * the rules' reading.  Strings are borrowed.
 */
struct sm_script_override {
	const char *value;	   /* the answer to the node's question
				    * (one of its categories), or NULL */
	double confidence;	   /* of @value, 0..1 */
	const struct sm_finding *also; /* other criteria, added to the
					* rules' */
	size_t nalso;		   /* how many */
	const char *method;	   /* "llm" */
	const char *why;	   /* trace for the advisor */
	const char *answer_text;   /* a reply to the candidate's question
				    * the faq does not cover, sent as is
				    * (not a template), or NULL */
};

/*
 * sm_script_reply() with @ov (may be NULL) applied over the rules' reading
 * of @text: ov->value replaces the answer (understood, at ov->confidence,
 * ov->method); ov->answer_text is sent like a faq answer, then the
 * question again, no re-prompt used.
 */
int sm_script_reply_override(const struct sm_script *s,
			     struct sm_script_state *st, const char *text,
			     const struct sm_script_override *ov,
			     const struct sm_script_var *vars, size_t nvars,
			     time_t now, struct sm_script_result *out);

/*
 * Time passes: at @now, is the reminder due (once, reminder_after after
 * the last question) or has the conversation expired (expire_after after
 * it: outcome NO_ANSWER)?  Fills @out (event NONE, REMINDER with the
 * reminder message, or EXPIRED) and updates @st.  Returns 0 or a
 * rendering error as sm_script_start().
 */
int sm_script_tick(const struct sm_script *s, struct sm_script_state *st,
		   const struct sm_script_var *vars, size_t nvars, time_t now,
		   struct sm_script_result *out);

/* "none", "complete", "declined", "no_answer", "callback_requested",
 * "incomplete". */
const char *sm_script_outcome_name(enum sm_script_outcome o);

/* "yesno", "choice", "number", "date", "text". */
const char *sm_script_kind_name(enum sm_answer_kind k);

/* The node named @id in @s, or NULL. */
const struct sm_script_node *sm_script_node_find(const struct sm_script *s,
						 const char *id);

#endif
