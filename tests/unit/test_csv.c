/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_csv.c - the CSV reader: table-driven in-memory vectors (separators,
 * quotes, line ends, empty lines, trailing separators, bounds), the files
 * in tests/data/csv as Excel and LibreOffice write them (UTF-8 with BOM,
 * Windows-1252, UTF-16, garbage), header folding and column roles.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "smsmatch/csv.h"

/* Records of a source joined as "a|b/c|d" (fields by '|', records by
 * '/'), or "ERR <errno> <message>" at the first error. */
static void dump(struct sm_csv *c, char *out, size_t len)
{
	struct sm_csv_record r;
	size_t n = 0;
	int rc;

	out[0] = '\0';
	while ((rc = sm_csv_next(c, &r)) == 1) {
		for (int i = 0; i < r.nfields; i++)
			n += (size_t)snprintf(out + n, len - n, "%s%s",
					      i ? "|" : (n ? "/" : ""),
					      r.field[i]);
		assert_true(n < len);
	}
	if (rc < 0)
		snprintf(out, len, "ERR %d %s", -rc, sm_csv_error(c));
}

static void parse_mem(const char *in, size_t inlen, char *out, size_t len)
{
	struct sm_csv *c = NULL;
	char err[SM_CSV_ERR_MAX];
	int rc = sm_csv_open_mem(in, inlen, "t.csv", &c, err, sizeof(err));

	if (rc < 0) {
		snprintf(out, len, "OPEN %d %s", -rc, err);
		return;
	}
	dump(c, out, len);
	sm_csv_free(c);
}

static void test_vectors(void **state)
{
	static const struct {
		const char *in;
		const char *want;
	} v[] = {
		/* separators, chosen from the header */
		{"a;b;c\n1;2;3\n", "a|b|c/1|2|3"},
		{"a,b,c\n1,2,3\n", "a|b|c/1|2|3"},
		{"a,b;c\n1,2;3\n", "a,b|c/1,2|3"}, /* tie: ';' */
		{"\"x;y\",b,c\n1,2,3\n", "x;y|b|c/1|2|3"},
		{"single\nv\n", "single/v"},
		/* line ends: CRLF, CR, none at the end */
		{"a;b\r\n1;2\r\n", "a|b/1|2"},
		{"a;b\r1;2\r", "a|b/1|2"},
		{"a;b\n1;2", "a|b/1|2"},
		/* empty lines, blank lines, all-empty rows skipped */
		{"\n\na;b\n\n1;2\n\n\n", "a|b/1|2"},
		{"a;b\n;;;;\n  \n1;2\n", "a|b/1|2"},
		/* trailing separators dropped, inner empty fields kept */
		{"a;b;\n1;;\n;2;\n", "a|b/1/|2"},
		/* quotes: escapes, separators and newlines inside */
		{"a;b\n\"x\"\"y\";\"p;q\"\n", "a|b/x\"y|p;q"},
		{"a;b\n\"line 1\nline 2\";z\n", "a|b/line 1\nline 2|z"},
		{"a;b\n\"l1\r\nl2\";z\r\n", "a|b/l1\nl2|z"},
		{"a;b\n\"\";z\n", "a|b/|z"},
		/* a quote inside a bare field is a letter; text after a
		 * closing quote is kept */
		{"a;b\nO\"Neil;\"ab\"cd\n", "a|b/O\"Neil|abcd"},
		/* tabs are text */
		{"a\tb;c\n", "a\tb|c"},
		/* errors */
		{"a;b\n\"open;2\n3;4\n", "ERR 74 t.csv:2: quoted field opened "
					 "here is never closed"},
		{"a;b\n1;2\x01\n", "OPEN 84 t.csv:2: control character 0x01: "
				   "not a text file"},
		{"", "OPEN 61 t.csv:1: empty file"},
		{"\n\r\n  \n", "OPEN 61 t.csv:1: empty file"},
		{"\xef\xbb\xbf", "OPEN 61 t.csv:1: empty file"},
		{"\xff\xfe"
		 "a\0;\0",
		 "OPEN 84 t.csv:1: UTF-16 text: save the "
		 "file as \"CSV UTF-8\" or \"CSV "
		 "(point-virgule)\""},
		/* UTF-8 and BOM kept apart */
		{"\xef\xbb\xbfnom;pr\xc3\xa9nom\n", "nom|pr\xc3\xa9nom"},
		{"\xef\xbb\xbfnom;pr\xe9nom\n",
		 "OPEN 84 t.csv:1: invalid UTF-8 in a file marked UTF-8 "
		 "(BOM)"},
		/* not UTF-8: Windows-1252, C1 range included */
		{"pr\xe9nom;x\n\x80;\x9c\x92\n",
		 "pr\xc3\xa9nom|x/\xe2\x82\xac|\xc5\x93\xe2\x80\x99"},
		{"a;b\n\x81;x\n", "ERR 84 t.csv:2: byte 0x81 is neither UTF-8 "
				  "nor Windows-1252"},
		/* overlong and surrogate UTF-8 are not UTF-8 */
		{"\xc0\xaf;\xed\xa0\x80\n",
		 "\xc3\x80\xc2\xaf|\xc3\xad\xc2\xa0\xe2\x82\xac"},
	};
	char out[512];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n = strlen(v[i].in);

		/* The UTF-16 vector holds NULs. */
		if (strncmp(v[i].in, "\xff\xfe", 2) == 0)
			n = 6;
		parse_mem(v[i].in, n, out, sizeof(out));
		if (strcmp(out, v[i].want) != 0)
			fail_msg("vector %zu: got '%s', want '%s'", i, out,
				 v[i].want);
	}
}

static void test_nul(void **state)
{
	static const char in[] = "a;b\n1;\0\n";
	char out[256];

	parse_mem(in, sizeof(in) - 1, out, sizeof(out));
	assert_string_equal(out, "OPEN 84 t.csv:2: NUL byte: not a text file "
				 "(UTF-16 or binary?)");
}

static void test_lines_and_fields(void **state)
{
	static const char in[] = "a;b\n\n\"x\ny\";2\n3;4;5\n";
	struct sm_csv_record r;
	struct sm_csv *c;
	char err[SM_CSV_ERR_MAX];

	assert_int_equal(
		sm_csv_open_mem(in, sizeof(in) - 1, NULL, &c, err, sizeof(err)),
		0);
	assert_int_equal(sm_csv_separator(c), ';');
	assert_int_equal(sm_csv_encoding(c), SM_CSV_UTF8);
	assert_int_equal(sm_csv_next(c, &r), 1);
	assert_int_equal(r.line, 1);
	assert_int_equal(sm_csv_next(c, &r), 1);
	assert_int_equal(r.line, 3);
	assert_int_equal(r.nfields, 2);
	assert_int_equal(r.len[0], 3);
	assert_int_equal(sm_csv_next(c, &r), 1);
	assert_int_equal(r.line, 5);
	assert_int_equal(r.nfields, 3);
	assert_string_equal(r.field[2], "5");
	assert_int_equal(sm_csv_next(c, &r), 0);
	assert_int_equal(sm_csv_next(c, &r), 0);
	sm_csv_free(c);
	sm_csv_free(NULL);
}

/* A buffer of @n copies of @s, then @tail. */
static char *repeat(const char *s, int n, const char *tail, size_t *len)
{
	size_t sl = strlen(s), tl = strlen(tail);
	char *b = malloc(sl * (size_t)n + tl + 1);

	assert_non_null(b);
	for (int i = 0; i < n; i++)
		memcpy(b + sl * (size_t)i, s, sl);
	memcpy(b + sl * (size_t)n, tail, tl + 1);
	*len = sl * (size_t)n + tl;
	return b;
}

static void test_bounds(void **state)
{
	static char out[SM_CSV_FIELD_MAX + 256];
	char *b, *rec;
	size_t n;

	/* A field of exactly SM_CSV_FIELD_MAX bytes, then one more. */
	b = repeat("x", SM_CSV_FIELD_MAX, ";b\n", &n);
	parse_mem(b, n, out, sizeof(out));
	assert_int_equal(strlen(out), SM_CSV_FIELD_MAX + 2);
	free(b);
	b = repeat("x", SM_CSV_FIELD_MAX + 1, ";b\n", &n);
	parse_mem(b, n, out, sizeof(out));
	assert_string_equal(out, "ERR 75 t.csv:1: field 1 longer than 4096 "
				 "bytes");
	free(b);

	/* 64 columns, then 65; empty padding past 64 is dropped. */
	b = repeat("c;", SM_CSV_COLS_MAX - 1, "c\n", &n);
	parse_mem(b, n, out, sizeof(out));
	assert_int_equal(strlen(out), 2 * SM_CSV_COLS_MAX - 1);
	free(b);
	b = repeat("c;", SM_CSV_COLS_MAX, "c\n", &n);
	parse_mem(b, n, out, sizeof(out));
	assert_string_equal(out, "ERR 75 t.csv:1: more than 64 columns");
	free(b);
	b = repeat("c;", SM_CSV_COLS_MAX, ";;;;;;;;;;;;;;;;;;;;;;;\n", &n);
	parse_mem(b, n, out, sizeof(out));
	assert_int_equal(strlen(out), 2 * SM_CSV_COLS_MAX - 1);
	free(b);

	/* A record of 20 fields of 4000 bytes: over SM_CSV_RECORD_MAX. */
	rec = repeat("y", 4000, ";", &n);
	b = malloc(n * 20 + 8);
	assert_non_null(b);
	memcpy(b, "h\n", 2);
	for (int i = 0; i < 20; i++)
		memcpy(b + 2 + n * (size_t)i, rec, n);
	memcpy(b + 2 + n * 20, "\n", 2);
	parse_mem(b, 2 + n * 20 + 1, out, sizeof(out));
	assert_string_equal(out, "ERR 75 t.csv:2: record longer than 65536 "
				 "bytes");
	free(b);
	free(rec);

	/* A quoted field holding 5000 newlines: bounded like any other. */
	b = repeat("\n", 5000, "\"\n", &n);
	memcpy(b, "a\n\"", 3);
	parse_mem(b, n, out, sizeof(out));
	assert_string_equal(out, "ERR 75 t.csv:2: field 1 longer than 4096 "
				 "bytes");
	free(b);
}

/* A long file read through the 16 KB buffer: CRLF split across reads. */
static void test_long_file(void **state)
{
	char path[] = "/tmp/test_csv.XXXXXX";
	struct sm_csv_record r;
	struct sm_csv *c;
	char err[SM_CSV_ERR_MAX];
	FILE *f;
	int fd = mkstemp(path), n = 0;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("prenom;telephone\r\n", f);
	for (int i = 0; i < 20000; i++)
		fprintf(f, "P\xe9%d;06%08d\r\n", i, i);
	fclose(f);
	assert_int_equal(sm_csv_open(path, &c, err, sizeof(err)), 0);
	assert_int_equal(sm_csv_encoding(c), SM_CSV_CP1252);
	assert_int_equal(sm_csv_next(c, &r), 1);
	while (sm_csv_next(c, &r) == 1) {
		char want[32];

		snprintf(want, sizeof(want), "P\xc3\xa9%d", n);
		assert_string_equal(r.field[0], want);
		assert_int_equal(r.line, n + 2);
		n++;
	}
	assert_int_equal(n, 20000);
	assert_string_equal(sm_csv_error(c), "");
	sm_csv_free(c);
	unlink(path);
}

/* ---- files ---------------------------------------------------------- */

static void file_path(const char *name, char *out, size_t len)
{
	const char *src = getenv("SRCDIR");

	snprintf(out, len, "%s/tests/data/csv/%s", src ? src : ".", name);
}

static void parse_file(const char *name, char *out, size_t len,
		       enum sm_csv_encoding *enc)
{
	char path[512], err[SM_CSV_ERR_MAX];
	struct sm_csv *c;
	int rc;

	file_path(name, path, sizeof(path));
	rc = sm_csv_open(path, &c, err, sizeof(err));
	if (rc < 0) {
		/* Keep the message from the file name on. */
		const char *p = strstr(err, name);
		snprintf(out, len, "OPEN %d %s", -rc, p ? p : err);
		return;
	}
	if (enc)
		*enc = sm_csv_encoding(c);
	dump(c, out, len);
	/* Messages name the full path; keep the file name only. */
	if (strncmp(out, "ERR", 3) == 0) {
		char *p = strstr(out, name);
		if (p)
			memmove(strchr(out + 4, ' ') + 1, p, strlen(p) + 1);
	}
	sm_csv_free(c);
}

static void test_files(void **state)
{
	enum sm_csv_encoding enc = SM_CSV_UTF8;
	char out[1024];

	parse_file("excel_utf8_bom.csv", out, sizeof(out), &enc);
	assert_int_equal(enc, SM_CSV_UTF8_BOM);
	assert_string_equal(
		out, "Identifiant|Prénom|Nom|Téléphone|Code postal|Commune|"
		     "Date de naissance/A001|Zoé|Müller|06 12 34 56 78|57000|"
		     "Metz|12/03/1990/A002|François|Lefèvre|+33 7 98 76 54 "
		     "32|57050|Le Ban-Saint-Martin|01/01/1985/A003|Chloé|"
		     "N'Diaye|0033 6 11 22 33 44|57070|Metz|30/06/2001");

	parse_file("excel_cp1252.csv", out, sizeof(out), &enc);
	assert_int_equal(enc, SM_CSV_CP1252);
	/* C3 89 is valid UTF-8 ("É"), but the file as a whole is not: it
	 * stays two Windows-1252 letters. */
	assert_string_equal(out, "Prénom|Nom|Portable|Remarque/Hélène|Cœur|"
				 "06 12 34 56 78|Coût 10 €, l’été/Noël|"
				 "Ã‰mile|07 11 22 33 44|«ok»");

	parse_file("latin1.csv", out, sizeof(out), &enc);
	assert_int_equal(enc, SM_CSV_CP1252);
	assert_string_equal(out, "prenom|nom|tel/Jérôme|Façade|0612345678");

	parse_file("comma_quoted.csv", out, sizeof(out), &enc);
	assert_int_equal(enc, SM_CSV_UTF8);
	assert_string_equal(out, "first_name|last_name|phone|notes/Awa|Diallo|"
				 "06 12 34 56 78|says \"hello\"/Bruno|"
				 "Martin, Jr.|0698765432|line one\nline two/"
				 "Chloé|Petit|+33611223344");

	parse_file("mac_cr.csv", out, sizeof(out), NULL);
	assert_string_equal(out, "prenom|telephone/Awa|0612345678/Bruno|"
				 "0698765432");

	parse_file("utf16le.csv", out, sizeof(out), NULL);
	assert_string_equal(out, "OPEN 84 utf16le.csv:1: UTF-16 text: save "
				 "the file as \"CSV UTF-8\" or \"CSV "
				 "(point-virgule)\"");
	parse_file("utf16le_nobom.csv", out, sizeof(out), NULL);
	assert_string_equal(out, "OPEN 84 utf16le_nobom.csv:1: NUL byte: not "
				 "a text file (UTF-16 or binary?)");
	parse_file("garbage.csv", out, sizeof(out), NULL);
	assert_string_equal(out, "OPEN 84 garbage.csv:2: control character "
				 "0x1a: not a text file");
	parse_file("unterminated.csv", out, sizeof(out), NULL);
	assert_string_equal(out, "ERR 74 unterminated.csv:2: quoted field "
				 "opened here is never closed");
	parse_file("bom_then_latin1.csv", out, sizeof(out), NULL);
	assert_string_equal(out, "OPEN 84 bom_then_latin1.csv:2: invalid "
				 "UTF-8 in a file marked UTF-8 (BOM)");
	parse_file("does_not_exist.csv", out, sizeof(out), NULL);
	assert_string_equal(out, "OPEN 2 does_not_exist.csv: cannot open: No "
				 "such file or directory");
}

static void test_not_regular(void **state)
{
	struct sm_csv *c = (struct sm_csv *)1;
	char err[SM_CSV_ERR_MAX];

	assert_int_equal(sm_csv_open("/tmp", &c, err, sizeof(err)), -EINVAL);
	assert_null(c);
	assert_string_equal(err, "/tmp: not a regular file");
}

/* ---- headers -------------------------------------------------------- */

static void test_fold(void **state)
{
	static const struct {
		const char *in, *out;
		int rc;
	} v[] = {
		{"Date de naissance", "date_de_naissance", 0},
		{"Prénom", "prenom", 0},
		{"  PRÉNOM  ", "prenom", 0},
		{"Téléphone", "telephone", 0},
		{"Code postal", "code_postal", 0},
		{"N° demandeur", "n_demandeur", 0},
		{"Nom-de-famille", "nom_de_famille", 0},
		{"Œuvre Ça", "oeuvre_ca", 0},
		{"first_name", "first_name", 0},
		{"FirstName", "firstname", 0},
		{"Straße", "strasse", 0},
		{"Tél. (portable)", "tel_portable", 0},
		{"été€2", "ete_2", 0},
		{"***", "", -EINVAL},
		{"", "", -EINVAL},
		{"abcdefghijklmnop", "abcdefg", -E2BIG},
	};
	char out[8 * 4];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t len = v[i].rc == -E2BIG ? 8 : sizeof(out);
		int rc = sm_csv_fold_name(v[i].in, out, len);

		if (rc != v[i].rc || strcmp(out, v[i].out) != 0)
			fail_msg("'%s': got %d '%s', want %d '%s'", v[i].in, rc,
				 out, v[i].rc, v[i].out);
	}
}

static void test_roles(void **state)
{
	static const struct {
		const char *header;
		enum sm_csv_role role;
	} v[] = {
		{"Identifiant", SM_CSV_COL_ID},
		{"ID", SM_CSV_COL_ID},
		{"Numéro demandeur", SM_CSV_COL_ID},
		{"Prénom", SM_CSV_COL_FIRST_NAME},
		{"First name", SM_CSV_COL_FIRST_NAME},
		{"firstname", SM_CSV_COL_FIRST_NAME},
		{"NOM", SM_CSV_COL_LAST_NAME},
		{"Nom de famille", SM_CSV_COL_LAST_NAME},
		{"Last_Name", SM_CSV_COL_LAST_NAME},
		{"Téléphone", SM_CSV_COL_PHONE},
		{"Portable", SM_CSV_COL_PHONE},
		{"Mobile", SM_CSV_COL_PHONE},
		{"Tél", SM_CSV_COL_PHONE},
		{"phone", SM_CSV_COL_PHONE},
		{"Téléphone portable", SM_CSV_COL_PHONE},
		{"Code postal", SM_CSV_COL_POSTCODE},
		{"CP", SM_CSV_COL_POSTCODE},
		{"zip", SM_CSV_COL_POSTCODE},
		{"Commune", SM_CSV_COL_CITY},
		{"Ville", SM_CSV_COL_CITY},
		{"City", SM_CSV_COL_CITY},
		{"Date de naissance", SM_CSV_COL_OTHER},
		{"Nom d'usage", SM_CSV_COL_OTHER},
	};
	char f[64];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(sm_csv_fold_name(v[i].header, f, sizeof(f)),
				 0);
		if (sm_csv_column_role(f) != v[i].role)
			fail_msg("'%s' (%s): got role %d, want %d", v[i].header,
				 f, sm_csv_column_role(f), v[i].role);
	}
	assert_string_equal(sm_csv_role_var(SM_CSV_COL_POSTCODE),
			    "code_postal");
	assert_string_equal(sm_csv_role_var(SM_CSV_COL_CITY), "commune");
	assert_null(sm_csv_role_var(SM_CSV_COL_PHONE));
	assert_string_equal(sm_csv_encoding_name(SM_CSV_CP1252),
			    "Windows-1252");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_lines_and_fields),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_long_file),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_roles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
