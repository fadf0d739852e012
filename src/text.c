/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * text.c - UTF-8 validation, folding of French SMS text to comparable ASCII,
 * the global keywords every conversation honours (STOP, AIDE), and dates
 * written in French for the candidates ("lundi 15 mars").
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "smsmatch/text.h"
#include "smsmatch/utf8.h"


bool sm_text_utf8_valid(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = sm_utf8_decode(s + i, len - i, &cp);

		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

/*
 * The ASCII letters of a Latin letter, lower case, or NULL when @cp is
 * not a letter or digit (it then separates words).
 */
static const char *fold_cp(uint32_t cp, char ascii[2])
{
	/* U+00C0..U+00FF, upper and lower case share a row. */
	static const char *const latin1[64] = {
		"a", "a", "a", "a", "a", "a", "ae", "c", /* C0-C7 */
		"e", "e", "e", "e", "i", "i", "i",  "i", /* C8-CF */
		"d", "n", "o", "o", "o", "o", "o",  NULL, /* D0-D7 (x) */
		"o", "u", "u", "u", "u", "y", "th", "ss", /* D8-DF */
		"a", "a", "a", "a", "a", "a", "ae", "c", /* E0-E7 */
		"e", "e", "e", "e", "i", "i", "i",  "i", /* E8-EF */
		"d", "n", "o", "o", "o", "o", "o",  NULL, /* F0-F7 (/) */
		"o", "u", "u", "u", "u", "y", "th", "y", /* F8-FF */
	};

	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
			ascii[0] = (char)cp;
			ascii[1] = '\0';
			return ascii;
		}
		return NULL;
	}
	if (cp >= 0xC0 && cp <= 0xFF)
		return latin1[cp - 0xC0];
	switch (cp) {
	case 0x152: /* Œ */
	case 0x153: /* œ */
		return "oe";
	case 0x178: /* Ÿ */
		return "y";
	default:
		return NULL;
	}
}

size_t sm_text_fold(const char *s, char *out, size_t len)
{
	size_t n = strlen(s), i = 0, o = 0;
	bool space = false;

	if (len == 0)
		return 0;
	while (i < n) {
		char ascii[2];
		const char *f;
		uint32_t cp;
		size_t k = sm_utf8_decode(s + i, n - i, &cp);

		if (k == 0) {
			i++; /* drop an invalid byte */
			continue;
		}
		i += k;
		f = fold_cp(cp, ascii);
		if (!f) {
			space = o > 0;
			continue;
		}
		if (space) {
			if (o + 1 >= len)
				break;
			out[o++] = ' ';
			space = false;
		}
		if (o + strlen(f) >= len)
			break;
		memcpy(out + o, f, strlen(f));
		o += strlen(f);
	}
	out[o] = '\0';
	return o;
}

static bool word_in(const char *w, size_t wl, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == wl && memcmp(list[i], w, wl) == 0)
			return true;
	return false;
}

enum sm_keyword sm_text_keyword(const char *text)
{
	static const char *const stop_words[] = {
		"stop",		  "stopp",	   "arret",
		"arreter",	  "arretez",	   "desinscription",
		"desinscrire",	  "desabonnement", "desabonner",
		"unsubscribe",	  NULL,
	};
	static const char *const fillers[] = {
		"sms",	"smss", "merci", "svp",	     "stp",  "please",
		"tous", "les",	"des",	 "messages", "message", "moi",
		"pub",	"tout", NULL,
	};
	static const char *const help_words[] = {"aide", "help", NULL};
	char folded[512];
	const char *w, *end;
	size_t wl, words = 0;
	bool first_stop = false, others_filler = true;

	if (!text)
		return SM_KEYWORD_NONE;
	/* Only a short message can be a keyword; no need to fold a novel. */
	if (strlen(text) < 200 && strchr(text, '?') &&
	    sm_text_fold(text, folded, sizeof(folded)) == 0)
		return SM_KEYWORD_HELP;
	sm_text_fold(text, folded, sizeof(folded));
	for (w = folded; *w; w = *end ? end + 1 : end) {
		end = strchr(w, ' ');
		if (!end)
			end = w + strlen(w);
		wl = (size_t)(end - w);
		if (words == 0)
			first_stop = word_in(w, wl, stop_words);
		else if (!word_in(w, wl, fillers))
			others_filler = false;
		words++;
	}
	if (words == 0)
		return SM_KEYWORD_NONE;
	if (first_stop && (others_filler || strncmp(folded, "stop", 4) == 0))
		return SM_KEYWORD_STOP;
	if (words == 1 && word_in(folded, strlen(folded), help_words))
		return SM_KEYWORD_HELP;
	return SM_KEYWORD_NONE;
}

/* ---- dates in French, without a locale */

/* Parse "YYYY-MM-DD" strictly: 1600..9999, a real day of that month. */
static bool iso_date(const char *s, int *y, int *m, int *d)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31};

	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
			return false;
	if (s[10])
		return false;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	     (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	if (*y < 1600 || *m < 1 || *m > 12 || *d < 1 || *d > mdays[*m - 1])
		return false;
	if (*m == 2 && *d == 29 &&
	    !((*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0))
		return false;
	return true;
}

/* 0 for Sunday ... 6 for Saturday (Sakamoto's method). */
static int weekday(int y, int m, int d)
{
	static const int t[12] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};

	if (m < 3)
		y--;
	return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

int sm_text_date_fr(const char *iso, bool year, char *out, size_t len)
{
	static const char *const days[7] = {"dimanche", "lundi", "mardi",
					    "mercredi", "jeudi", "vendredi",
					    "samedi"};
	/* é is in the GSM alphabet, û is not: "août" goes in UCS-2. */
	static const char *const months[12] = {
		"janvier", "février", "mars",	   "avril",
		"mai",	   "juin",    "juillet",   "août",
		"septembre", "octobre", "novembre", "décembre"};
	int y, m, d;

	if (!len)
		return -EINVAL;
	if (!iso_date(iso, &y, &m, &d)) {
		snprintf(out, len, "%s", iso);
		return -EINVAL;
	}
	if (year)
		snprintf(out, len, "%s %d%s %s %d", days[weekday(y, m, d)], d,
			 d == 1 ? "er" : "", months[m - 1], y);
	else
		snprintf(out, len, "%s %d%s %s", days[weekday(y, m, d)], d,
			 d == 1 ? "er" : "", months[m - 1]);
	return 0;
}

int sm_text_date_range_fr(const char *start, const char *end, char *out_start,
			  char *out_end, size_t len)
{
	bool same_year = strlen(start) >= 4 && strncmp(start, end, 4) == 0;
	int a = sm_text_date_fr(start, !same_year, out_start, len);
	int b = sm_text_date_fr(end, true, out_end, len);

	return a ? a : b;
}
