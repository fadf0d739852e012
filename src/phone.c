/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * phone.c - E.164 normalisation of French phone numbers (ARCEP numbering
 * plan: 06 and 07 mobile, 01-05 geographic, 09 VoIP, 08 special; overseas
 * departments' mobiles 0690/0691, 0694, 0696/0697, 0692/0693, 0639).
 */
#include <string.h>

#include "smsmatch/phone.h"

/* Overseas mobile ranges dialled nationally as 0 + these 3 digits. */
static const struct {
	const char *national; /* after the 0 */
	const char *cc;	      /* country code of the department */
} overseas[] = {
	{"690", "590"}, {"691", "590"}, /* Guadeloupe, St-Martin, St-Barth */
	{"694", "594"},			/* Guyane */
	{"696", "596"}, {"697", "596"}, /* Martinique */
	{"692", "262"}, {"693", "262"}, /* La Réunion */
	{"639", "262"},			/* Mayotte (+262 639) */
};

/* Collect the digits of @in, refusing anything that is not a separator. */
static int collect(const char *in, char *digits, size_t len, int *plus)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t n = 0;

	*plus = 0;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n + 1 >= len)
				return -1;
			digits[n++] = (char)*p;
		} else if (*p == '+' && n == 0 && !*plus) {
			*plus = 1;
		} else if (*p == ' ' || *p == '.' || *p == '-' || *p == '/' ||
			   *p == '(' || *p == ')' || *p == '\t') {
			continue;
		} else if (p[0] == 0xC2 && p[1] == 0xA0) {
			p++; /* U+00A0 no-break space */
		} else if (p[0] == 0xE2 && p[1] == 0x80 &&
			   (p[2] == 0xAF || p[2] == 0x89)) {
			p += 2; /* U+202F, U+2009 thin spaces */
		} else {
			return -1;
		}
	}
	digits[n] = '\0';
	return (int)n;
}

static enum sm_phone_kind french(const char *nsn, char *out, size_t len)
{
	/* @nsn: the 9 digits after +33 or 0. */
	if (strlen(nsn) != 9)
		return SM_PHONE_INVALID;
	for (size_t i = 0; i < sizeof(overseas) / sizeof(overseas[0]); i++) {
		if (strncmp(nsn, overseas[i].national, 3) == 0) {
			if (len < SM_PHONE_MAX)
				return SM_PHONE_INVALID;
			out[0] = '+';
			strcpy(out + 1, overseas[i].cc);
			strcat(out, nsn);
			return SM_PHONE_MOBILE;
		}
	}
	if (len < SM_PHONE_MAX)
		return SM_PHONE_INVALID;
	strcpy(out, "+33");
	strcat(out, nsn);
	if (nsn[0] == '6' || nsn[0] == '7')
		return SM_PHONE_MOBILE;
	if (nsn[0] >= '1' && nsn[0] <= '5')
		return SM_PHONE_LANDLINE;
	if (nsn[0] == '8' || nsn[0] == '9')
		return SM_PHONE_LANDLINE;
	out[0] = '\0';
	return SM_PHONE_INVALID;
}

/* Overseas numbers written internationally: +590 690..., +262 692... */
static int overseas_mobile(const char *digits)
{
	for (size_t i = 0; i < sizeof(overseas) / sizeof(overseas[0]); i++)
		if (strncmp(digits, overseas[i].cc, 3) == 0 &&
		    strncmp(digits + 3, overseas[i].national, 3) == 0 &&
		    strlen(digits) == 12)
			return 1;
	return 0;
}

enum sm_phone_kind sm_phone_normalize(const char *in, char *out, size_t len)
{
	char d[32];
	int plus, n;
	enum sm_phone_kind k = SM_PHONE_INVALID;

	if (len)
		out[0] = '\0';
	if (!in || len < SM_PHONE_MAX)
		return SM_PHONE_INVALID;
	n = collect(in, d, sizeof(d), &plus);
	if (n < 0)
		return SM_PHONE_INVALID;
	if (!plus && d[0] == '0' && d[1] == '0') {
		memmove(d, d + 2, (size_t)n - 1);
		n -= 2;
		plus = 1;
	} else if (!plus && n == 11 && d[0] == '3' && d[1] == '3') {
		plus = 1; /* "33612345678" as some exports write it */
	}
	if (!plus) {
		if (n == 10 && d[0] == '0')
			return french(d + 1, out, len);
		if (n == 9 && d[0] != '0')
			return french(d, out, len); /* leading 0 lost (Excel) */
		return SM_PHONE_INVALID;
	}
	if (strncmp(d, "33", 2) == 0) {
		/* +33 0 6... is a common mistake: drop the trunk 0. */
		if (n == 12 && d[2] == '0')
			return french(d + 3, out, len);
		return french(d + 2, out, len);
	}
	if (n < 8 || n > 15 || d[0] == '0')
		return SM_PHONE_INVALID;
	out[0] = '+';
	strcpy(out + 1, d);
	k = overseas_mobile(d) ? SM_PHONE_MOBILE : SM_PHONE_FOREIGN;
	return k;
}

const char *sm_phone_kind_name(enum sm_phone_kind k)
{
	switch (k) {
	case SM_PHONE_INVALID:
		return "invalid";
	case SM_PHONE_MOBILE:
		return "mobile";
	case SM_PHONE_LANDLINE:
		return "landline";
	case SM_PHONE_FOREIGN:
		return "foreign";
	}
	return "invalid";
}
