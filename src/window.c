/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * window.c - the sending window (hours, week days, public holidays) and the
 * French public holiday calendar.
 *
 * Everything is local wall-clock time of the process's time zone, through
 * localtime_r() and mktime(); main() sets TZ once from the configuration.
 * Dates are compared as day numbers (days since 1970-01-01, proleptic
 * Gregorian) so that holidays relative to Easter are simple offsets.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smsmatch/window.h"

/* Longest hours/days string the parsers accept. */
#define SPEC_MAX 256

static const char *const day_names[7] = {"sun", "mon", "tue", "wed",
					 "thu", "fri", "sat"};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void sm_window_default(struct sm_window *w)
{
	memset(w, 0, sizeof(*w));
	w->ranges[0].start = 8 * 60;
	w->ranges[0].end = 20 * 60;
	w->nranges = 1;
	w->days = 0x7e; /* mon..sat */
	w->holidays = SM_HOLIDAYS_FR;
}

void sm_window_always(struct sm_window *w)
{
	memset(w, 0, sizeof(*w));
	w->ranges[0].start = 0;
	w->ranges[0].end = 24 * 60;
	w->nranges = 1;
	w->days = 0x7f;
	w->holidays = SM_HOLIDAYS_NONE;
}

/* Copy @s into @buf (SPEC_MAX) or fail: the parsers cut it in place. */
static int copy_spec(char *buf, const char *s, const char *what, char *err,
		     size_t errlen)
{
	size_t n;

	if (!s) {
		set_err(err, errlen, "missing %s", what);
		return -EINVAL;
	}
	n = strlen(s);
	if (n >= SPEC_MAX) {
		set_err(err, errlen, "too long (%zu characters, at most %d)", n,
			SPEC_MAX - 1);
		return -EINVAL;
	}
	memcpy(buf, s, n + 1);
	return 0;
}

/* Strip blanks around @s in place. */
static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* "HH:MM" (exactly two digits each) to minutes; 24:00 when @allow_24. */
static int parse_hhmm(const char *s, size_t n, bool allow_24, int *out)
{
	int h, m;

	if (n != 5 || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || s[2] != ':' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return -EINVAL;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59)
		return -EINVAL;
	if (h == 24 && m == 0 && allow_24) {
		*out = 24 * 60;
		return 0;
	}
	if (h > 23)
		return -EINVAL;
	*out = h * 60 + m;
	return 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct sm_window_range *x = a, *y = b;

	return (int)x->start - (int)y->start;
}

int sm_window_parse_hours(struct sm_window *w, const char *hours, char *err,
			  size_t errlen)
{
	struct sm_window_range r[SM_WINDOW_MAX_RANGES];
	char buf[SPEC_MAX], *item, *save = NULL;
	unsigned n = 0;
	int rc;

	rc = copy_spec(buf, hours, "hours", err, errlen);
	if (rc)
		return rc;
	if (!*trim(buf)) {
		set_err(err, errlen,
			"empty (expected ranges like \"08:00-20:00\")");
		return -EINVAL;
	}
	/* strtok_r would skip empty items: walk the commas by hand. */
	for (item = buf; item; item = save) {
		char *dash, *a, *b;
		int start, end;

		save = strchr(item, ',');
		if (save)
			*save++ = '\0';
		item = trim(item);
		if (!*item) {
			set_err(err, errlen, "empty range between commas");
			return -EINVAL;
		}
		if (n == SM_WINDOW_MAX_RANGES) {
			set_err(err, errlen, "too many ranges (at most %d)",
				SM_WINDOW_MAX_RANGES);
			return -EINVAL;
		}
		dash = strchr(item, '-');
		if (!dash) {
			set_err(err, errlen,
				"bad range '%s' (expected HH:MM-HH:MM)", item);
			return -EINVAL;
		}
		*dash = '\0';
		a = trim(item);
		b = trim(dash + 1);
		if (parse_hhmm(a, strlen(a), false, &start) ||
		    parse_hhmm(b, strlen(b), true, &end)) {
			set_err(err, errlen,
				"bad range '%s-%s' (expected HH:MM-HH:MM, "
				"00:00 to 24:00)",
				a, b);
			return -EINVAL;
		}
		if (start >= end) {
			set_err(err, errlen,
				"bad range '%s-%s': start must be before end "
				"(write an overnight window as "
				"%s-24:00,00:00-%s)",
				a, b, a, b);
			return -EINVAL;
		}
		r[n].start = (uint16_t)start;
		r[n].end = (uint16_t)end;
		n++;
	}
	qsort(r, n, sizeof(r[0]), range_cmp);
	for (unsigned i = 1; i < n; i++) {
		if (r[i].start < r[i - 1].end) {
			set_err(err, errlen,
				"ranges %02d:%02d-%02d:%02d and "
				"%02d:%02d-%02d:%02d overlap",
				r[i - 1].start / 60, r[i - 1].start % 60,
				r[i - 1].end / 60, r[i - 1].end % 60,
				r[i].start / 60, r[i].start % 60, r[i].end / 60,
				r[i].end % 60);
			return -EINVAL;
		}
	}
	memcpy(w->ranges, r, n * sizeof(r[0]));
	w->nranges = n;
	return 0;
}

static int day_index(const char *s)
{
	if (strlen(s) != 3)
		return -1;
	for (int i = 0; i < 7; i++)
		if (!strcasecmp(s, day_names[i]))
			return i;
	return -1;
}

int sm_window_parse_days(struct sm_window *w, const char *days, char *err,
			 size_t errlen)
{
	char buf[SPEC_MAX], *item, *save = NULL;
	uint8_t mask = 0;
	int rc;

	rc = copy_spec(buf, days, "days", err, errlen);
	if (rc)
		return rc;
	if (!*trim(buf)) {
		set_err(err, errlen, "empty (expected days like \"mon-sat\")");
		return -EINVAL;
	}
	for (item = buf; item; item = save) {
		char *dash;
		int a, b;

		save = strchr(item, ',');
		if (save)
			*save++ = '\0';
		item = trim(item);
		if (!*item) {
			set_err(err, errlen, "empty item between commas");
			return -EINVAL;
		}
		dash = strchr(item, '-');
		if (dash)
			*dash = '\0';
		a = day_index(trim(item));
		b = dash ? day_index(trim(dash + 1)) : a;
		if (a < 0 || b < 0) {
			set_err(err, errlen,
				"bad day '%s%s%s' (expected mon, tue, wed, "
				"thu, fri, sat, sun or a range like mon-fri)",
				trim(item), dash ? "-" : "",
				dash ? trim(dash + 1) : "");
			return -EINVAL;
		}
		/* A range walks forward and may wrap: sat-mon. */
		for (int d = a;; d = (d + 1) % 7) {
			mask |= (uint8_t)(1u << d);
			if (d == b)
				break;
		}
	}
	w->days = mask;
	return 0;
}

const char *sm_holidays_name(enum sm_holidays h)
{
	switch (h) {
	case SM_HOLIDAYS_NONE:
		return "none";
	case SM_HOLIDAYS_FR:
		return "fr";
	case SM_HOLIDAYS_FR_ALSACE_MOSELLE:
		return "fr-alsace-moselle";
	}
	return "?";
}

int sm_window_parse_holidays(struct sm_window *w, const char *holidays,
			     char *err, size_t errlen)
{
	static const enum sm_holidays all[] = {
		SM_HOLIDAYS_NONE,
		SM_HOLIDAYS_FR,
		SM_HOLIDAYS_FR_ALSACE_MOSELLE,
	};

	if (!holidays) {
		set_err(err, errlen, "missing holidays");
		return -EINVAL;
	}
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (!strcmp(holidays, sm_holidays_name(all[i]))) {
			w->holidays = all[i];
			return 0;
		}
	}
	set_err(err, errlen,
		"unknown calendar '%.64s' (expected \"none\", \"fr\" or "
		"\"fr-alsace-moselle\")",
		holidays);
	return -EINVAL;
}

/*
 * Days since 1970-01-01 of a proleptic Gregorian date (month 1..12);
 * H. Hinnant's days_from_civil.
 */
static long day_number(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void sm_holiday_easter(int year, int *month, int *day)
{
	/* Anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
	int a = year % 19, b = year / 100, c = year % 100;
	int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;

	*month = (h + l - 7 * m + 114) / 31;
	*day = (h + l - 7 * m + 114) % 31 + 1;
}

bool sm_holiday_fr(int year, int month, int day, bool alsace_moselle,
		   const char **name)
{
	/* Fixed dates: Code du travail L3133-1; Alsace-Moselle L3134-13. */
	static const struct {
		int month, day;
		bool alsace_moselle_only;
		const char *name;
	} fixed[] = {
		{1, 1, false, "Jour de l'an"},
		{5, 1, false, "Fête du Travail"},
		{5, 8, false, "Victoire 1945"},
		{7, 14, false, "Fête nationale"},
		{8, 15, false, "Assomption"},
		{11, 1, false, "Toussaint"},
		{11, 11, false, "Armistice 1918"},
		{12, 25, false, "Noël"},
		{12, 26, true, "Saint-Étienne"},
	};
	/* Days after Easter Sunday. */
	static const struct {
		int offset;
		bool alsace_moselle_only;
		const char *name;
	} moving[] = {
		{-2, true, "Vendredi saint"},
		{1, false, "Lundi de Pâques"},
		{39, false, "Ascension"},
		{50, false, "Lundi de Pentecôte"},
	};
	int em, ed;
	long diff;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (fixed[i].month != month || fixed[i].day != day)
			continue;
		if (fixed[i].alsace_moselle_only && !alsace_moselle)
			continue;
		if (name)
			*name = fixed[i].name;
		return true;
	}
	if (month < 3 || month > 6)
		return false;
	sm_holiday_easter(year, &em, &ed);
	diff = day_number(year, month, day) - day_number(year, em, ed);
	for (size_t i = 0; i < sizeof(moving) / sizeof(moving[0]); i++) {
		if (moving[i].offset != diff)
			continue;
		if (moving[i].alsace_moselle_only && !alsace_moselle)
			continue;
		if (name)
			*name = moving[i].name;
		return true;
	}
	return false;
}

/* True when the local date of @tm is a holiday of @w's calendar. */
static bool is_holiday(const struct sm_window *w, const struct tm *tm)
{
	switch (w->holidays) {
	case SM_HOLIDAYS_NONE:
		return false;
	case SM_HOLIDAYS_FR:
		return sm_holiday_fr(tm->tm_year + 1900, tm->tm_mon + 1,
				     tm->tm_mday, false, NULL);
	case SM_HOLIDAYS_FR_ALSACE_MOSELLE:
		return sm_holiday_fr(tm->tm_year + 1900, tm->tm_mon + 1,
				     tm->tm_mday, true, NULL);
	}
	return false;
}

/* Whether @w opens at all on the local day of @tm (days and holidays). */
static bool day_open(const struct sm_window *w, const struct tm *tm)
{
	if (tm->tm_wday < 0 || tm->tm_wday > 6 ||
	    !(w->days & (1u << tm->tm_wday)))
		return false;
	return !is_holiday(w, tm);
}

static bool tm_open(const struct sm_window *w, const struct tm *tm)
{
	int minute = tm->tm_hour * 60 + tm->tm_min;

	if (!day_open(w, tm))
		return false;
	for (unsigned i = 0; i < w->nranges && i < SM_WINDOW_MAX_RANGES; i++)
		if (minute >= w->ranges[i].start && minute < w->ranges[i].end)
			return true;
	return false;
}

bool sm_window_is_open(const struct sm_window *w, time_t t)
{
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return false;
	return tm_open(w, &tm);
}

bool sm_window_allows(const struct sm_window *w, enum sm_send_kind kind,
		      time_t t)
{
	switch (kind) {
	case SM_SEND_REPLY:
		return true;
	case SM_SEND_FIRST_CONTACT:
	case SM_SEND_REMINDER:
		return sm_window_is_open(w, t);
	}
	return false;
}

/* A local (date, minute of day) as one ordered number. */
static long long local_key(const struct tm *tm)
{
	return (((long long)(tm->tm_year + 1900) * 13 + tm->tm_mon) * 32 +
		tm->tm_mday) *
		       1440 +
	       tm->tm_hour * 60 + tm->tm_min;
}

/*
 * The first instant not before @t whose local date is @day's and whose
 * local minute of the day is @minute or later, or -1.  Usually mktime()
 * finds it directly; on a fall-back day the wall time exists twice (the
 * isdst 1 and 0 readings) and the earliest one not before @t wins; in the
 * spring-forward gap it does not exist at all, and the answer is the
 * first instant after the gap, found by bisection between the two readings.
 */
static time_t first_at(const struct tm *day, int minute, time_t t)
{
	static const int isdst[] = {-1, 0, 1};
	long long want;
	time_t best = -1, lo = 0, hi = 0;
	bool have = false;

	for (size_t i = 0; i < sizeof(isdst) / sizeof(isdst[0]); i++) {
		struct tm q = {0}, back;
		time_t x;

		q.tm_year = day->tm_year;
		q.tm_mon = day->tm_mon;
		q.tm_mday = day->tm_mday;
		q.tm_hour = minute / 60;
		q.tm_min = minute % 60;
		q.tm_isdst = isdst[i];
		want = local_key(&q);
		x = mktime(&q);
		if (x == (time_t)-1 || !localtime_r(&x, &back))
			continue;
		if (!have || x < lo)
			lo = x;
		if (!have || x > hi)
			hi = x;
		have = true;
		if (local_key(&back) == want && back.tm_sec == 0 && x >= t &&
		    (best == -1 || x < best))
			best = x;
	}
	if (best != -1 || !have || lo >= hi)
		return best;
	/*
	 * The gap: the key is below @want at @lo and not below it at @hi
	 * (both readings land on either side of the missing hour).
	 */
	{
		struct tm q = {0};

		q.tm_year = day->tm_year;
		q.tm_mon = day->tm_mon;
		q.tm_mday = day->tm_mday;
		q.tm_hour = minute / 60;
		q.tm_min = minute % 60;
		want = local_key(&q);
	}
	while (hi - lo > 1) {
		time_t mid = lo + (hi - lo) / 2;
		struct tm m;

		if (!localtime_r(&mid, &m))
			return -1;
		if (local_key(&m) >= want)
			hi = mid;
		else
			lo = mid;
	}
	return hi >= t ? hi : -1;
}

time_t sm_window_next_open(const struct sm_window *w, time_t t)
{
	struct tm now;

	if (sm_window_is_open(w, t))
		return t;
	if (!localtime_r(&t, &now))
		return -1;
	for (int k = 0; k <= SM_WINDOW_SEARCH_DAYS; k++) {
		struct tm day = {0};
		time_t best = (time_t)-1;

		/* Noon is never in a DST gap: mktime() normalises the date. */
		day.tm_year = now.tm_year;
		day.tm_mon = now.tm_mon;
		day.tm_mday = now.tm_mday + k;
		day.tm_hour = 12;
		day.tm_isdst = -1;
		if (mktime(&day) == (time_t)-1 || !day_open(w, &day))
			continue;
		/*
		 * The earliest opening of the day; not simply the first range,
		 * because on a fall-back day a later range's first pass can
		 * come before an earlier range's second pass.
		 */
		for (unsigned i = 0; i < w->nranges && i < SM_WINDOW_MAX_RANGES;
		     i++) {
			time_t x = first_at(&day, w->ranges[i].start, t);

			if (x != (time_t)-1 && sm_window_is_open(w, x) &&
			    (best == (time_t)-1 || x < best))
				best = x;
		}
		if (best != (time_t)-1)
			return best;
	}
	return (time_t)-1;
}
