/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * understand.h - what a candidate's SMS reply means, by rules: French as
 * people text it (accents or none, capitals, repeated letters, typos, SMS
 * abbreviations, numbers in words, emoji, politeness, negations,
 * conditionals, several answers in one message).
 *
 * The dialogue engine asks one question at a time (a script node); the
 * reply is read against that question's expected kind and choices, and
 * also scanned for what it says about the other standard criteria
 * ("oui mais j'ai pas de voiture" answers interest and transport).  Every
 * result carries a confidence and how it was reached; below the script's
 * threshold the engine re-asks.  Nothing here allocates; the result is
 * plain data the store can keep beside the raw text.
 */
#ifndef SMSMATCH_UNDERSTAND_H
#define SMSMATCH_UNDERSTAND_H

#include <stdbool.h>
#include <stddef.h>

/* What kind of answer a question expects. */
enum sm_answer_kind {
	SM_ANSWER_YESNO,  /* values "yes", "no" (and "maybe" when allowed) */
	SM_ANSWER_CHOICE, /* one of the question's choices */
	SM_ANSWER_NUMBER, /* an integer, digits or French words */
	SM_ANSWER_DATE,	  /* a date, "YYYY-MM-DD" */
	SM_ANSWER_TEXT,	  /* free text kept as said (motivation) */
};

#define SM_CHOICES_MAX	 12 /* choices of one question */
#define SM_SYNONYMS_MAX	 16 /* synonyms of one choice */
#define SM_VALUE_MAX	 48 /* a value: "yes", "car", "help_needed" */
#define SM_CRITERION_MAX 32 /* a criterion name: "transport" */
#define SM_ALSO_MAX	 6  /* other criteria found in one reply */

/* One possible answer of a choice question. */
struct sm_choice {
	const char *value;		       /* stored value: "car" */
	const char *synonyms[SM_SYNONYMS_MAX]; /* extra words or phrases
						* that mean it, folded
						* (sm_text_fold), NULL-ended */
};

/* The question a reply answers. */
struct sm_question {
	enum sm_answer_kind kind;	 /* what is expected */
	const char *criterion;		 /* "interest", "transport"... */
	bool allow_maybe;		 /* yesno: "maybe" is an answer */
	const struct sm_choice *choices; /* choice: the choices */
	size_t nchoices;		 /* how many */
	const char *today;		 /* date: "YYYY-MM-DD" the reply is
					  * read on, for "demain", "lundi
					  * prochain", "le 12 mars"; NULL:
					  * only full dates are understood */
};

/*
 * Confidence semantics: 0.8 and above, any careful reader would agree;
 * from SM_UNDERSTAND_THRESHOLD to 0.8, the likely reading of a hedged or
 * conditional reply (keep it, show the flag); below the threshold the
 * reply is ambiguous and the script re-asks (a script may set its own
 * threshold; this is the default).
 */
#define SM_UNDERSTAND_THRESHOLD 0.6

/* A value for a criterion, with how sure the rules are. */
struct sm_finding {
	char criterion[SM_CRITERION_MAX]; /* "transport" */
	char value[SM_VALUE_MAX];	  /* "car", "yes", "2026-03-12" */
	double confidence;		  /* 0..1 */
};

/*
 * What a reply means.  understood is true when a value was found, at any
 * confidence; compare answer.confidence with the threshold before acting
 * on it.  For SM_ANSWER_TEXT the value is the reply itself, trimmed and
 * cut at a character boundary to fit (the caller keeps the full raw text,
 * which is the verbatim record).  Standard criteria answered by a choice
 * question read bare yes/no as the question's natural sense: childcare
 * ("Avez-vous besoin d'une solution de garde ?") yes = help_needed, no =
 * not_needed; available yes/no; transport has none.
 */
struct sm_understanding {
	bool understood;	  /* the question got an answer */
	struct sm_finding answer; /* that answer (criterion = question's) */
	struct sm_finding also[SM_ALSO_MAX]; /* other criteria it answers */
	size_t nalso;			     /* how many */
	bool conditional; /* "oui si c'est à Metz": flag it */
	bool question;	  /* the candidate asked something
			   * ("c'est payé ?") */
	char method[16];  /* "rules" (later also "llm") */
	char why[96];	  /* short trace for the advisor:
			   * "yes: 'ouais'", "no: negation" */
};

/*
 * Read @text (UTF-8, any length; only the first 1000 bytes are read)
 * against @q.  Fills @out and returns 0; -EINVAL if @q is malformed.  An
 * empty, binary or emoji-only reply that means nothing gives
 * understood = false with confidence 0.  Yes/no readings never turn a
 * clear "yes" into "no" or the reverse: when a reply holds both (a
 * negated yes, "pourquoi pas"), the confidence drops instead.
 */
int sm_understand(const char *text, const struct sm_question *q,
		  struct sm_understanding *out);

/* The standard criteria, NULL-ended, for scripts and shortlists. */
const char *const *sm_understand_criteria(void);

/*
 * The values of standard criterion @criterion, NULL-ended (static), or
 * NULL for a criterion that is not standard or takes free text
 * (motivation).
 */
const char *const *sm_understand_values(const char *criterion);

#endif
