/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * text.h - UTF-8 helpers for SMS texts as people type them: validation,
 * folding to a comparable ASCII form, keyword detection (STOP, AIDE).
 *
 * Everything is bounded by the caller's buffer and never allocates.
 */
#ifndef SMSMATCH_TEXT_H
#define SMSMATCH_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True if @s (@len bytes) is valid UTF-8 without NUL, surrogates or
 * overlong forms. */
bool sm_text_utf8_valid(const char *s, size_t len);

/*
 * Fold @s for comparison: lower case, accents removed (é -> e, œ -> oe,
 * ç -> c), typographic quotes and dashes to ASCII, every run of
 * punctuation, emoji and white space to one space, leading and trailing
 * spaces dropped.  Invalid UTF-8 bytes are dropped.  Writes a
 * NUL-terminated ASCII string into @out (@len bytes), cut at a character
 * boundary if it does not fit.  Returns the length written.
 */
size_t sm_text_fold(const char *s, char *out, size_t len);

/* What a whole inbound message asks for, whatever the conversation. */
enum sm_keyword {
	SM_KEYWORD_NONE, /* an ordinary message */
	SM_KEYWORD_STOP, /* opt out: STOP, stop., « STOP SMS », ARRET... */
	SM_KEYWORD_HELP, /* AIDE, help, "?" */
};

/*
 * Classify @text (UTF-8).  STOP is recognised when the message's first
 * word is stop/stopp/arret/arreter/desinscription/desabonnement/unsubscribe
 * (any case, accents or none, punctuation and quotes around) and what
 * follows is at most a few filler words ("sms", "merci", "svp", "tous les
 * messages"), or when the message's first word is "stop" whatever follows
 * ("Stop, ne m'écrivez plus").  HELP is a message that is only "aide",
 * "help" or "?".  Anything else is NONE.
 */
enum sm_keyword sm_text_keyword(const char *text);

/*
 * A date "YYYY-MM-DD" (the store's form) as a French candidate reads it:
 * "lundi 15 mars", "lundi 1er mars", with " 2027" after it when @year.
 * No locale: the day and month names are in a table, the weekday is
 * computed (Gregorian calendar, years 1600 to 9999).  Into @out (@len
 * bytes, NUL-terminated; 32 bytes always suffice).  Returns 0, or -EINVAL
 * (and @iso copied as it is, cut to @len) when @iso is not a valid date.
 */
int sm_text_date_fr(const char *iso, bool year, char *out, size_t len);

/*
 * The dates of a range as a template shows them in "du {date_debut} au
 * {date_fin}": "lundi 15 mars" and "vendredi 9 avril 2027", the year
 * after the start date too when the years differ.  Each into its buffer
 * (@len bytes each).  Returns 0 or -EINVAL (a date kept as it is).
 */
int sm_text_date_range_fr(const char *start, const char *end, char *out_start,
			  char *out_end, size_t len);

#endif
