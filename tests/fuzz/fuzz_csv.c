/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_csv.c - libFuzzer target for the CSV reader: any bytes go through
 * sm_csv_open_mem() and sm_csv_next() to the end or the first error.
 * Every record must respect the bounds (fields, columns, lengths, NUL
 * terminators, valid UTF-8 out), an error must leave a message and stay
 * sticky, and every field of the first record goes through
 * sm_csv_fold_name() and sm_csv_column_role() as a header would.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smsmatch/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Strict UTF-8 check of @s (@n bytes). */
static int valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char b = s[i];
		size_t k;

		if (b < 0x80) {
			i++;
			continue;
		}
		k = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 ? 1 : 0;
		if (!k || b > 0xf4)
			return 0;
		for (size_t j = 1; j <= k; j++)
			if (i + j >= n || (s[i + j] & 0xc0) != 0x80)
				return 0;
		i += k + 1;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sm_csv_record r;
	struct sm_csv *c = NULL;
	char err[SM_CSV_ERR_MAX];
	int rc, records = 0, last_line = 0;

	if (sm_csv_open_mem(data, size, "fuzz.csv", &c, err, sizeof(err)) < 0) {
		if (c || !memchr(err, '\0', sizeof(err)) || !err[0])
			abort();
		return 0;
	}
	if (sm_csv_separator(c) != ';' && sm_csv_separator(c) != ',')
		abort();
	while ((rc = sm_csv_next(c, &r)) == 1) {
		size_t total = 0;

		if (r.nfields < 1 || r.nfields > SM_CSV_COLS_MAX ||
		    r.line <= last_line)
			abort();
		last_line = r.line;
		for (int i = 0; i < r.nfields; i++) {
			if (r.len[i] > SM_CSV_FIELD_MAX ||
			    strlen(r.field[i]) != r.len[i] ||
			    !valid_utf8((const unsigned char *)r.field[i],
					r.len[i]))
				abort();
			total += r.len[i];
			if (records == 0) {
				char f[64];

				if (sm_csv_fold_name(r.field[i], f,
						     sizeof(f)) != -EINVAL)
					sm_csv_column_role(f);
			}
		}
		if (total > SM_CSV_RECORD_MAX)
			abort();
		records++;
	}
	if (rc < 0) {
		if (!sm_csv_error(c)[0] || sm_csv_next(c, &r) != rc)
			abort();
	}
	sm_csv_free(c);
	return 0;
}
