/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * csv.h - a bounded, streaming reader for the CSV files French agencies
 * export (Excel "CSV (séparateur : point-virgule)", LibreOffice, the
 * agency's own tools): `;` or `,` (chosen from the header line), UTF-8
 * with or without a BOM or Windows-1252 (a file that is not valid UTF-8 is
 * read as Windows-1252), CRLF, LF or CR line ends, quoted fields with ""
 * escapes and line breaks inside, empty lines skipped, trailing separators
 * tolerated.  Records come out as UTF-8 fields borrowed until the next
 * call.  Every bound (field, columns, record) is an error naming the file
 * and the line, never a crash; so is a byte that is no text (NUL, control
 * characters, UTF-16).
 *
 * Also here: how a header names a candidate's column, in French or in
 * English (sm_csv_fold_name(), sm_csv_column_role()).
 */
#ifndef SMSMATCH_CSV_H
#define SMSMATCH_CSV_H

#include <stddef.h>

#define SM_CSV_FIELD_MAX  4096	      /* bytes of one field (UTF-8) */
#define SM_CSV_COLS_MAX	  64	      /* fields of one record */
#define SM_CSV_RECORD_MAX (64 * 1024) /* bytes of one record, UTF-8 */
#define SM_CSV_ERR_MAX	  320	      /* an error line */

struct sm_csv;

enum sm_csv_encoding {
	SM_CSV_UTF8,	 /* valid UTF-8, no BOM */
	SM_CSV_UTF8_BOM, /* valid UTF-8 after EF BB BF */
	SM_CSV_CP1252,	 /* not UTF-8: read as Windows-1252 */
};

/* One record, borrowed until the next sm_csv_next() or sm_csv_free(). */
struct sm_csv_record {
	int line;			    /* physical line it starts on */
	int nfields;			    /* 1..SM_CSV_COLS_MAX */
	const char *field[SM_CSV_COLS_MAX]; /* UTF-8, NUL-terminated */
	size_t len[SM_CSV_COLS_MAX];	    /* their lengths */
};

/*
 * Open @path and read it once to choose the encoding and the separator
 * (the file is read again by sm_csv_next(): it must be a regular file).
 * On success *@out owns the reader (sm_csv_free()).  On failure a negative
 * errno and one line in @err (@errlen bytes) naming the file: cannot open
 * (-errno), not a regular file (-EINVAL), UTF-16 (-EILSEQ), a NUL or a
 * control character: binary or UTF-16 without BOM (-EILSEQ, with the
 * line), invalid UTF-8 after a UTF-8 BOM (-EILSEQ, with the line), empty
 * file (-ENODATA).
 */
int sm_csv_open(const char *path, struct sm_csv **out, char *err,
		size_t errlen);

/*
 * The same over @len bytes at @data, which must stay valid while the
 * reader lives; @name (copied, may be NULL) is used in error messages.
 */
int sm_csv_open_mem(const void *data, size_t len, const char *name,
		    struct sm_csv **out, char *err, size_t errlen);

void sm_csv_free(struct sm_csv *c);

/*
 * The next non-empty record (a record whose fields are all empty is
 * skipped; so are empty fields after the last non-empty one).  1 with
 * *@rec filled, 0 at the end of the file, or a negative errno with
 * sm_csv_error() saying "FILE:LINE: what": -EOVERFLOW (field over
 * SM_CSV_FIELD_MAX, more than SM_CSV_COLS_MAX fields, record over
 * SM_CSV_RECORD_MAX), -EBADMSG (quoted field never closed), -EILSEQ (a
 * byte Windows-1252 does not define; a NUL or control character if the
 * file changed since the first pass), -EIO (read error).  After an error
 * every later call returns the same error.
 */
int sm_csv_next(struct sm_csv *c, struct sm_csv_record *rec);

/* The last error line ("" if none).  Borrowed. */
const char *sm_csv_error(const struct sm_csv *c);

/* What the first pass found. */
enum sm_csv_encoding sm_csv_encoding(const struct sm_csv *c);
char sm_csv_separator(const struct sm_csv *c);
const char *sm_csv_encoding_name(enum sm_csv_encoding e);

/*
 * Fold a header (UTF-8) to [a-z0-9_]: letters lower-cased and stripped of
 * accents (é -> e, ç -> c, œ -> oe), anything else a single '_', none at
 * either end: "Date de naissance" -> "date_de_naissance", "N° demandeur"
 * -> "n_demandeur".  Writes at most @len - 1 bytes and the NUL; returns 0,
 * -E2BIG when cut, -EINVAL when nothing is left ("", "***").
 */
int sm_csv_fold_name(const char *in, char *out, size_t len);

/* What a (folded) header column holds in a candidates file. */
enum sm_csv_role {
	SM_CSV_COL_OTHER,      /* kept as a template variable */
	SM_CSV_COL_ID,	       /* identifiant, id, numero_demandeur... */
	SM_CSV_COL_FIRST_NAME, /* prenom, first_name, firstname */
	SM_CSV_COL_LAST_NAME,  /* nom, last_name, lastname, nom_de_famille */
	SM_CSV_COL_PHONE,      /* telephone, portable, mobile, tel, phone */
	SM_CSV_COL_POSTCODE,   /* code_postal, cp, postal_code, zip */
	SM_CSV_COL_CITY,       /* commune, ville, city */
};

/* The role of folded header @name. */
enum sm_csv_role sm_csv_column_role(const char *name);

/* The variable name a role's value is stored under in a candidate's vars
 * ("code_postal", "commune"); NULL for roles with a field of their own
 * and for OTHER (its folded header is the name). */
const char *sm_csv_role_var(enum sm_csv_role r);

#endif
