/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_window.c - the French holiday calendar (2024-2030 table, Easter
 * computus), the hours/days/holidays parsers, and the window at its edges:
 * week-ends, holidays, both daylight-saving changes (TZ=Europe/Paris).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "smsmatch/window.h"

/* Local time (Europe/Paris, set in main) to time_t. */
static time_t local(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* UTC to time_t, for instants around the DST changes. */
static time_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return timegm(&tm);
}

static void window(struct sm_window *w, const char *hours, const char *days,
		   const char *holidays)
{
	char err[200];

	memset(w, 0, sizeof(*w));
	assert_int_equal(sm_window_parse_hours(w, hours, err, sizeof(err)), 0);
	assert_int_equal(sm_window_parse_days(w, days, err, sizeof(err)), 0);
	assert_int_equal(
		sm_window_parse_holidays(w, holidays, err, sizeof(err)), 0);
}

static void test_easter(void **state)
{
	static const struct {
		int year, month, day;
	} v[] = {
		{1818, 3, 22}, {1943, 4, 25}, {2000, 4, 23}, {2008, 3, 23},
		{2024, 3, 31}, {2025, 4, 20}, {2026, 4, 5},  {2027, 3, 28},
		{2028, 4, 16}, {2029, 4, 1},  {2030, 4, 21}, {2038, 4, 25},
		{2285, 3, 22},
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int m = 0, d = 0;

		sm_holiday_easter(v[i].year, &m, &d);
		assert_int_equal(m, v[i].month);
		assert_int_equal(d, v[i].day);
	}
}

static void test_holidays_table(void **state)
{
	/* The moving holidays, 2024-2030: Good Friday (Alsace-Moselle),
	 * Easter Monday, Ascension, Whit Monday. */
	static const struct {
		int year;
		int gf_m, gf_d, em_m, em_d, asc_m, asc_d, wm_m, wm_d;
	} v[] = {
		{2024, 3, 29, 4, 1, 5, 9, 5, 20},
		{2025, 4, 18, 4, 21, 5, 29, 6, 9},
		{2026, 4, 3, 4, 6, 5, 14, 5, 25},
		{2027, 3, 26, 3, 29, 5, 6, 5, 17},
		{2028, 4, 14, 4, 17, 5, 25, 6, 5},
		{2029, 3, 30, 4, 2, 5, 10, 5, 21},
		{2030, 4, 19, 4, 22, 5, 30, 6, 10},
	};
	const char *name;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int y = v[i].year;

		name = NULL;
		assert_true(
			sm_holiday_fr(y, v[i].em_m, v[i].em_d, false, &name));
		assert_string_equal(name, "Lundi de Pâques");
		assert_true(
			sm_holiday_fr(y, v[i].asc_m, v[i].asc_d, false, &name));
		assert_string_equal(name, "Ascension");
		assert_true(
			sm_holiday_fr(y, v[i].wm_m, v[i].wm_d, false, &name));
		assert_string_equal(name, "Lundi de Pentecôte");
		assert_false(
			sm_holiday_fr(y, v[i].gf_m, v[i].gf_d, false, NULL));
		assert_true(
			sm_holiday_fr(y, v[i].gf_m, v[i].gf_d, true, &name));
		assert_string_equal(name, "Vendredi saint");
		/* Easter Sunday itself is a Sunday, not a public holiday. */
		{
			int m, d;

			sm_holiday_easter(y, &m, &d);
			assert_false(sm_holiday_fr(y, m, d, true, NULL));
		}
	}
}

static void test_holidays_fixed(void **state)
{
	static const struct {
		int month, day;
		const char *name;
	} v[] = {
		{1, 1, "Jour de l'an"},	    {5, 1, "Fête du Travail"},
		{5, 8, "Victoire 1945"},    {7, 14, "Fête nationale"},
		{8, 15, "Assomption"},	    {11, 1, "Toussaint"},
		{11, 11, "Armistice 1918"}, {12, 25, "Noël"},
	};
	const char *name;

	for (int y = 2024; y <= 2030; y++) {
		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			name = NULL;
			assert_true(sm_holiday_fr(y, v[i].month, v[i].day,
						  false, &name));
			assert_string_equal(name, v[i].name);
		}
		assert_false(sm_holiday_fr(y, 12, 26, false, NULL));
		assert_true(sm_holiday_fr(y, 12, 26, true, &name));
		assert_string_equal(name, "Saint-Étienne");
		/* Not holidays in France. */
		assert_false(sm_holiday_fr(y, 12, 24, true, NULL));
		assert_false(sm_holiday_fr(y, 12, 31, true, NULL));
		assert_false(sm_holiday_fr(y, 1, 6, true, NULL));
		assert_false(sm_holiday_fr(y, 11, 2, true, NULL));
	}
}

/* Every day of 2024-2030: 11 holidays a year, 13 in Alsace-Moselle. */
static void test_holidays_count(void **state)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};

	for (int y = 2024; y <= 2030; y++) {
		int fr = 0, am = 0;
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

		for (int m = 1; m <= 12; m++) {
			int n = mdays[m - 1] - (m == 2 && !leap);

			for (int d = 1; d <= n; d++) {
				fr += sm_holiday_fr(y, m, d, false, NULL);
				am += sm_holiday_fr(y, m, d, true, NULL);
			}
		}
		assert_int_equal(fr, 11);
		assert_int_equal(am, 13);
	}
}

static void test_parse_hours(void **state)
{
	static const struct {
		const char *in;
		unsigned n;
		int s0, e0, s1, e1;
	} good[] = {
		{"08:00-20:00", 1, 480, 1200, 0, 0},
		{"00:00-24:00", 1, 0, 1440, 0, 0},
		{"08:00-12:00,14:00-19:00", 2, 480, 720, 840, 1140},
		{" 14:00 - 19:00 , 08:30-12:00 ", 2, 510, 720, 840, 1140},
		{"20:00-24:00,00:00-08:00", 2, 0, 480, 1200, 1440},
		{"12:00-12:01", 1, 720, 721, 0, 0},
	};
	static const struct {
		const char *in, *err;
	} bad[] = {
		{"", "empty (expected ranges like \"08:00-20:00\")"},
		{"08:00", "bad range '08:00' (expected HH:MM-HH:MM)"},
		{"8:00-20:00", "bad range '8:00-20:00' (expected HH:MM-HH:MM, "
			       "00:00 to 24:00)"},
		{"08:00-25:00", "bad range '08:00-25:00' (expected "
				"HH:MM-HH:MM, 00:00 to 24:00)"},
		{"08:60-20:00", "bad range '08:60-20:00' (expected "
				"HH:MM-HH:MM, 00:00 to 24:00)"},
		{"24:00-24:00", "bad range '24:00-24:00' (expected "
				"HH:MM-HH:MM, 00:00 to 24:00)"},
		{"20:00-08:00", "bad range '20:00-08:00': start must be before "
				"end (write an overnight window as "
				"20:00-24:00,00:00-08:00)"},
		{"10:00-10:00", "bad range '10:00-10:00': start must be before "
				"end (write an overnight window as "
				"10:00-24:00,00:00-10:00)"},
		{"08:00-12:00,,14:00-18:00", "empty range between commas"},
		{"08:00-12:00,11:00-14:00",
		 "ranges 08:00-12:00 and 11:00-14:00 overlap"},
		{"01:00-02:00,02:00-03:00,03:00-04:00,04:00-05:00,05:00-06:00,"
		 "06:00-07:00,07:00-08:00,08:00-09:00,09:00-10:00",
		 "too many ranges (at most 8)"},
	};
	struct sm_window w;
	char err[200];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(&w, 0, sizeof(w));
		assert_int_equal(
			sm_window_parse_hours(&w, good[i].in, err, sizeof(err)),
			0);
		assert_int_equal(w.nranges, good[i].n);
		assert_int_equal(w.ranges[0].start, good[i].s0);
		assert_int_equal(w.ranges[0].end, good[i].e0);
		if (good[i].n > 1) {
			assert_int_equal(w.ranges[1].start, good[i].s1);
			assert_int_equal(w.ranges[1].end, good[i].e1);
		}
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sm_window_default(&w);
		assert_int_equal(
			sm_window_parse_hours(&w, bad[i].in, err, sizeof(err)),
			-EINVAL);
		assert_string_equal(err, bad[i].err);
		/* Unchanged on failure. */
		assert_int_equal(w.nranges, 1);
		assert_int_equal(w.ranges[0].start, 480);
	}
	/* Bounded input. */
	{
		char big[400];

		memset(big, '0', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_int_equal(
			sm_window_parse_hours(&w, big, err, sizeof(err)),
			-EINVAL);
		assert_string_equal(err,
				    "too long (399 characters, at most 255)");
	}
}

static void test_parse_days(void **state)
{
	static const struct {
		const char *in;
		uint8_t mask;
	} good[] = {
		{"mon-sat", 0x7e},	{"mon-sun", 0x7f},
		{"mon,wed,fri", 0x2a},	{"MON-Fri", 0x3e},
		{"sat-mon", 0x43},	{"sun", 0x01},
		{"mon-wed, fri", 0x2e},
	};
	static const struct {
		const char *in, *err;
	} bad[] = {
		{"", "empty (expected days like \"mon-sat\")"},
		{"lun-sam", "bad day 'lun-sam' (expected mon, tue, wed, thu, "
			    "fri, sat, sun or a range like mon-fri)"},
		{"monday", "bad day 'monday' (expected mon, tue, wed, thu, "
			   "fri, sat, sun or a range like mon-fri)"},
		{"mon,,tue", "empty item between commas"},
		{"mon-", "bad day 'mon-' (expected mon, tue, wed, thu, fri, "
			 "sat, sun or a range like mon-fri)"},
	};
	struct sm_window w;
	char err[200];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(
			sm_window_parse_days(&w, good[i].in, err, sizeof(err)),
			0);
		assert_int_equal(w.days, good[i].mask);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		w.days = 0x11;
		assert_int_equal(
			sm_window_parse_days(&w, bad[i].in, err, sizeof(err)),
			-EINVAL);
		assert_string_equal(err, bad[i].err);
		assert_int_equal(w.days, 0x11);
	}
}

static void test_parse_holidays(void **state)
{
	struct sm_window w;
	char err[200];

	assert_int_equal(sm_window_parse_holidays(&w, "none", err, 200), 0);
	assert_int_equal(w.holidays, SM_HOLIDAYS_NONE);
	assert_int_equal(sm_window_parse_holidays(&w, "fr", err, 200), 0);
	assert_int_equal(w.holidays, SM_HOLIDAYS_FR);
	assert_int_equal(
		sm_window_parse_holidays(&w, "fr-alsace-moselle", err, 200), 0);
	assert_int_equal(w.holidays, SM_HOLIDAYS_FR_ALSACE_MOSELLE);
	assert_string_equal(sm_holidays_name(w.holidays), "fr-alsace-moselle");
	assert_int_equal(sm_window_parse_holidays(&w, "de", err, 200), -EINVAL);
	assert_string_equal(err, "unknown calendar 'de' (expected \"none\", "
				 "\"fr\" or \"fr-alsace-moselle\")");
	assert_int_equal(w.holidays, SM_HOLIDAYS_FR_ALSACE_MOSELLE);
}

static void test_open_edges(void **state)
{
	struct sm_window w;

	sm_window_default(&w);
	/* Tuesday 10 March 2026. */
	assert_false(sm_window_is_open(&w, local(2026, 3, 10, 7, 59)));
	assert_true(sm_window_is_open(&w, local(2026, 3, 10, 8, 0)));
	assert_true(sm_window_is_open(&w, local(2026, 3, 10, 19, 59)));
	assert_false(sm_window_is_open(&w, local(2026, 3, 10, 20, 0)));
	assert_true(sm_window_is_open(&w, local(2026, 3, 10, 20, 0) - 1));
	/* Saturday open, Sunday closed. */
	assert_true(sm_window_is_open(&w, local(2026, 3, 7, 10, 0)));
	assert_false(sm_window_is_open(&w, local(2026, 3, 8, 10, 0)));
	/* Ascension (Thursday 14 May 2026), 14 July (Tuesday). */
	assert_false(sm_window_is_open(&w, local(2026, 5, 14, 10, 0)));
	assert_true(sm_window_is_open(&w, local(2026, 5, 15, 10, 0)));
	assert_false(sm_window_is_open(&w, local(2026, 7, 14, 10, 0)));
	/* Good Friday 2026 and Saturday 26 December 2026. */
	assert_true(sm_window_is_open(&w, local(2026, 4, 3, 10, 0)));
	assert_true(sm_window_is_open(&w, local(2026, 12, 26, 10, 0)));
	w.holidays = SM_HOLIDAYS_FR_ALSACE_MOSELLE;
	assert_false(sm_window_is_open(&w, local(2026, 4, 3, 10, 0)));
	assert_false(sm_window_is_open(&w, local(2026, 12, 26, 10, 0)));
	w.holidays = SM_HOLIDAYS_NONE;
	assert_true(sm_window_is_open(&w, local(2026, 5, 14, 10, 0)));

	/* Two ranges: the lunch break is closed. */
	window(&w, "08:00-12:00,14:00-19:00", "mon,wed,fri", "fr");
	assert_true(sm_window_is_open(&w, local(2026, 3, 9, 11, 59)));
	assert_false(sm_window_is_open(&w, local(2026, 3, 9, 12, 0)));
	assert_false(sm_window_is_open(&w, local(2026, 3, 9, 13, 59)));
	assert_true(sm_window_is_open(&w, local(2026, 3, 9, 14, 0)));
	assert_false(sm_window_is_open(&w, local(2026, 3, 10, 10, 0)));
	assert_true(sm_window_is_open(&w, local(2026, 3, 11, 10, 0)));
}

static void test_allows(void **state)
{
	struct sm_window w;
	time_t night = local(2026, 3, 10, 23, 0);
	time_t day = local(2026, 3, 10, 10, 0);

	sm_window_default(&w);
	assert_true(sm_window_allows(&w, SM_SEND_REPLY, night));
	assert_false(sm_window_allows(&w, SM_SEND_FIRST_CONTACT, night));
	assert_false(sm_window_allows(&w, SM_SEND_REMINDER, night));
	assert_true(sm_window_allows(&w, SM_SEND_FIRST_CONTACT, day));
	assert_true(sm_window_allows(&w, SM_SEND_REMINDER, day));
}

static void test_next_open(void **state)
{
	struct sm_window w;
	time_t t;

	sm_window_default(&w);
	/* Open: t itself. */
	t = local(2026, 3, 10, 9, 17) + 23;
	assert_int_equal(sm_window_next_open(&w, t), t);
	/* Before opening the same day. */
	assert_int_equal(sm_window_next_open(&w, local(2026, 3, 10, 6, 0)),
			 local(2026, 3, 10, 8, 0));
	/* Saturday evening: Sunday is skipped. */
	assert_int_equal(sm_window_next_open(&w, local(2026, 3, 7, 20, 30)),
			 local(2026, 3, 9, 8, 0));
	/* Easter Sunday 2026, then Easter Monday: Tuesday. */
	assert_int_equal(sm_window_next_open(&w, local(2026, 4, 5, 12, 0)),
			 local(2026, 4, 7, 8, 0));
	/* Thursday 31 Dec 2026 evening: 1 Jan is a holiday, then Saturday. */
	assert_int_equal(sm_window_next_open(&w, local(2026, 12, 31, 21, 0)),
			 local(2027, 1, 2, 8, 0));
	/* Lunch break, then the afternoon range. */
	window(&w, "08:00-12:00,14:00-19:00", "mon-fri", "none");
	assert_int_equal(sm_window_next_open(&w, local(2026, 3, 9, 12, 30)),
			 local(2026, 3, 9, 14, 0));
	/* Friday evening -> Monday morning. */
	assert_int_equal(sm_window_next_open(&w, local(2026, 3, 13, 19, 0)),
			 local(2026, 3, 16, 8, 0));
}

static void test_always(void **state)
{
	struct sm_window w, p;
	time_t t[] = {
		local(2026, 1, 1, 0, 0),	 local(2026, 3, 29, 3, 0),
		local(2026, 5, 1, 23, 59),	 local(2026, 10, 25, 2, 30),
		local(2026, 12, 25, 12, 0) + 59,
	};

	sm_window_always(&w);
	window(&p, "00:00-24:00", "mon-sun", "none");
	assert_memory_equal(&w, &p, sizeof(w));
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_true(sm_window_is_open(&w, t[i]));
		assert_int_equal(sm_window_next_open(&w, t[i]), t[i]);
	}
}

/* 29 March 2026: 02:00 CET becomes 03:00 CEST (01:00 UTC). */
static void test_dst_spring(void **state)
{
	struct sm_window w;

	window(&w, "08:00-20:00", "mon-sun", "none");
	assert_false(sm_window_is_open(&w, utc(2026, 3, 29, 5, 59)));
	assert_true(sm_window_is_open(&w, utc(2026, 3, 29, 6, 0)));
	/* Saturday 20:00 CET -> Sunday 08:00 CEST: 11 hours later. */
	assert_int_equal(sm_window_next_open(&w, utc(2026, 3, 28, 19, 0)),
			 utc(2026, 3, 29, 6, 0));
	assert_true(sm_window_is_open(&w, utc(2026, 3, 29, 17, 59)));
	assert_false(sm_window_is_open(&w, utc(2026, 3, 29, 18, 0)));

	/* An edge inside the missing hour opens when the gap ends. */
	window(&w, "02:30-04:00", "mon-sun", "none");
	assert_false(sm_window_is_open(&w, utc(2026, 3, 29, 0, 59)));
	assert_true(sm_window_is_open(&w, utc(2026, 3, 29, 1, 0)));
	assert_int_equal(sm_window_next_open(&w, utc(2026, 3, 29, 0, 10)),
			 utc(2026, 3, 29, 1, 0));
	/* A range wholly inside the gap: next day. */
	window(&w, "02:10-02:40", "mon-sun", "none");
	assert_int_equal(sm_window_next_open(&w, utc(2026, 3, 28, 23, 0)),
			 utc(2026, 3, 30, 0, 10));
}

/* 25 October 2026: 03:00 CEST becomes 02:00 CET (01:00 UTC). */
static void test_dst_autumn(void **state)
{
	struct sm_window w;

	window(&w, "08:00-20:00", "mon-sun", "none");
	/* Saturday 20:00 CEST -> Sunday 08:00 CET: 13 hours later. */
	assert_int_equal(sm_window_next_open(&w, utc(2026, 10, 24, 18, 0)),
			 utc(2026, 10, 25, 7, 0));
	assert_false(sm_window_is_open(&w, utc(2026, 10, 25, 6, 59)));
	assert_true(sm_window_is_open(&w, utc(2026, 10, 25, 7, 0)));

	/* 02:30 happens twice; the window opens on both passes. */
	window(&w, "02:30-04:00", "mon-sun", "none");
	assert_true(sm_window_is_open(&w, utc(2026, 10, 25, 0, 40)));
	assert_false(sm_window_is_open(&w, utc(2026, 10, 25, 1, 10)));
	assert_int_equal(sm_window_next_open(&w, utc(2026, 10, 25, 0, 10)),
			 utc(2026, 10, 25, 0, 30));
	assert_int_equal(sm_window_next_open(&w, utc(2026, 10, 25, 1, 10)),
			 utc(2026, 10, 25, 1, 30));
	/* A later range's first pass comes before an earlier one's second. */
	window(&w, "02:00-02:20,02:40-03:30", "mon-sun", "none");
	assert_int_equal(sm_window_next_open(&w, utc(2026, 10, 25, 0, 30)),
			 utc(2026, 10, 25, 0, 40));
}

static void test_never(void **state)
{
	struct sm_window w;

	/* The parsers cannot produce this; the search is still bounded. */
	sm_window_default(&w);
	w.days = 0;
	assert_false(sm_window_is_open(&w, local(2026, 3, 10, 10, 0)));
	assert_int_equal(sm_window_next_open(&w, local(2026, 3, 10, 10, 0)),
			 (time_t)-1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_easter),
		cmocka_unit_test(test_holidays_table),
		cmocka_unit_test(test_holidays_fixed),
		cmocka_unit_test(test_holidays_count),
		cmocka_unit_test(test_parse_hours),
		cmocka_unit_test(test_parse_days),
		cmocka_unit_test(test_parse_holidays),
		cmocka_unit_test(test_open_edges),
		cmocka_unit_test(test_allows),
		cmocka_unit_test(test_next_open),
		cmocka_unit_test(test_always),
		cmocka_unit_test(test_dst_spring),
		cmocka_unit_test(test_dst_autumn),
		cmocka_unit_test(test_never),
	};

	setenv("TZ", "Europe/Paris", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
