/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * phone.h - phone numbers as French agencies write them, normalised to
 * E.164 ("06 12 34 56 78" -> "+33612345678"), and told apart: mobile,
 * landline, foreign, invalid.
 */
#ifndef SMSMATCH_PHONE_H
#define SMSMATCH_PHONE_H

#include <stddef.h>

/* Room for "+" and 15 digits (E.164) and the NUL. */
#define SM_PHONE_MAX 17

enum sm_phone_kind {
	SM_PHONE_INVALID,  /* not a phone number */
	SM_PHONE_MOBILE,   /* French mobile: metropolitan 06/07 or an
			    * overseas department's mobile range */
	SM_PHONE_LANDLINE, /* French fixed, VoIP or special number (01-05,
			    * 08, 09): cannot receive SMS reliably */
	SM_PHONE_FOREIGN,  /* another country's number, length-checked only */
};

/*
 * Normalise @in: spaces, dots, dashes, slashes, brackets and non-breaking
 * spaces are ignored; "+33", "0033", "33" (11 digits) and national "0"
 * forms are accepted; French overseas mobiles dialled nationally (0690,
 * 0691 Guadeloupe, 0694 Guyane, 0696, 0697 Martinique, 0692, 0693
 * Réunion, 0639 Mayotte) get their own country code (+590, +594, +596,
 * +262).  Writes "+<digits>" into @out (@len >= SM_PHONE_MAX) and returns
 * the kind; SM_PHONE_INVALID leaves @out "".
 */
enum sm_phone_kind sm_phone_normalize(const char *in, char *out, size_t len);

/* "mobile", "landline", "foreign", "invalid". */
const char *sm_phone_kind_name(enum sm_phone_kind k);

#endif
