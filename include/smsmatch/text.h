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

#endif
