/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * window.h - the sending window: the hours, week days and public holidays
 * during which first contacts and reminders may be texted, and the French
 * public holiday calendar behind it.
 *
 * A window is parsed from the three strings of the configuration's
 * `sending` group (hours = "08:00-20:00"; days = "mon-sat"; holidays = "fr")
 * and is evaluated in local time: sm_window_is_open() and
 * sm_window_next_open() call localtime_r()/mktime() in the process's time
 * zone.  The time zone is the one piece of process state main() sets, once,
 * from the configuration's `timezone` (setenv("TZ", tz, 1); tzset();).
 * Daylight-saving changes are handled: a window edge is a local wall-clock
 * time, and an edge that falls in the missing spring hour opens at the
 * first instant after the gap.
 *
 * No allocation, no libconfig: the config module fills a struct sm_window
 * with these parsers, tests build one directly.
 */
#ifndef SMSMATCH_WINDOW_H
#define SMSMATCH_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* At most this many comma-separated ranges in `hours`. */
#define SM_WINDOW_MAX_RANGES 8

/* sm_window_next_open() looks this many days ahead at most. */
#define SM_WINDOW_SEARCH_DAYS 400

/* Which public holidays close the window. */
enum sm_holidays {
	SM_HOLIDAYS_NONE,	       /* "none": holidays are ordinary days */
	SM_HOLIDAYS_FR,		       /* "fr": the 11 national holidays */
	SM_HOLIDAYS_FR_ALSACE_MOSELLE, /* "fr-alsace-moselle": + Good Friday,
					  26 December (Bas-Rhin, Haut-Rhin,
					  Moselle) */
};

/* One open range of the day, in minutes since local midnight. */
struct sm_window_range {
	uint16_t start; /* first open minute, 0..1439 */
	uint16_t end;	/* first closed minute, start+1..1440 */
};

struct sm_window {
	struct sm_window_range ranges[SM_WINDOW_MAX_RANGES]; /* sorted by
								start */
	unsigned nranges;	   /* 1..SM_WINDOW_MAX_RANGES */
	uint8_t days;		   /* bit n set: open on tm_wday n (0 = Sun) */
	enum sm_holidays holidays; /* holidays that close the window */
};

/* What an outbound message is, for the window's purposes. */
enum sm_send_kind {
	SM_SEND_FIRST_CONTACT, /* the first text of a conversation */
	SM_SEND_REMINDER,      /* a nudge after silence */
	SM_SEND_REPLY,	       /* an answer to a message the candidate just
				  sent: may go out outside the window */
};

/*
 * Fill @w with the default window: "08:00-20:00", "mon-sat", "fr".
 */
void sm_window_default(struct sm_window *w);

/*
 * Fill @w with the window that is always open: "00:00-24:00", "mon-sun",
 * "none".
 */
void sm_window_always(struct sm_window *w);

/*
 * Parse @hours ("08:00-20:00", "08:00-12:00,14:00-19:00", "00:00-24:00")
 * into @w's ranges; the other fields of @w are left alone.  Each range is
 * HH:MM-HH:MM with start before end (24:00 only as an end); ranges may not
 * overlap; an overnight window is written as two ranges.  Spaces around
 * items are allowed.  Returns 0, or -EINVAL with a reason in @err (@errlen
 * bytes, always NUL-terminated) and @w unchanged.
 */
int sm_window_parse_hours(struct sm_window *w, const char *hours, char *err,
			  size_t errlen);

/*
 * Parse @days ("mon-sat", "mon,wed,fri", "mon-sun", "sat-mon" wraps) into
 * @w->days.  Day names are the English three-letter abbreviations, any
 * case.  Returns 0, or -EINVAL with a reason in @err and @w unchanged.
 */
int sm_window_parse_days(struct sm_window *w, const char *days, char *err,
			 size_t errlen);

/*
 * Parse @holidays ("none", "fr", "fr-alsace-moselle") into @w->holidays.
 * Returns 0, or -EINVAL with a reason in @err and @w unchanged.
 */
int sm_window_parse_holidays(struct sm_window *w, const char *holidays,
			     char *err, size_t errlen);

/* The configuration name of @h: "none", "fr", "fr-alsace-moselle". */
const char *sm_holidays_name(enum sm_holidays h);

/*
 * True when @w is open at @t (local time of the process's time zone): the
 * local day is one of @w's days and not a holiday of @w's calendar, and the
 * local minute of the day lies in one of @w's ranges.
 */
bool sm_window_is_open(const struct sm_window *w, time_t t);

/*
 * True when a message of @kind may be sent at @t: replies always, first
 * contacts and reminders only when @w is open.
 */
bool sm_window_allows(const struct sm_window *w, enum sm_send_kind kind,
		      time_t t);

/*
 * The first instant at or after @t when @w is open: @t itself when it is
 * open.  Looks at most SM_WINDOW_SEARCH_DAYS days ahead and returns
 * (time_t)-1 when nothing opens in that span (not possible with a window
 * the parsers accept).
 */
time_t sm_window_next_open(const struct sm_window *w, time_t t);

/*
 * Easter Sunday of @year (Gregorian computus, anonymous algorithm; valid
 * for 1583 and later) in *@month (1..12) and *@day.
 */
void sm_holiday_easter(int year, int *month, int *day);

/*
 * True when @year-@month-@day (month 1..12) is a French public holiday:
 * 1 January, Easter Monday, 1 May, 8 May, Ascension, Whit Monday, 14 July,
 * 15 August, 1 November, 11 November, 25 December; with @alsace_moselle
 * also Good Friday and 26 December.  When true and @name is not NULL,
 * *@name points to the holiday's French name (static storage).
 */
bool sm_holiday_fr(int year, int month, int day, bool alsace_moselle,
		   const char **name);

#endif
