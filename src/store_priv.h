/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store_priv.h - what src/store.c and src/store_campaign.c share, and
 * nothing else may see: the store handle, the prepared-statement cache and
 * the small helpers that bind, step, and wrap a call in one transaction.
 * The helpers are static inline so each file gets its own copy and the
 * library exports no unprefixed symbol.  Only src/store*.c include it
 * (it includes <sqlite3.h>).
 */
#ifndef SMSMATCH_STORE_PRIV_H
#define SMSMATCH_STORE_PRIV_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "smsmatch/store.h"

/* Distinct SQL texts the store prepares (about 70 in store.c, 40 in
 * store_campaign.c). */
#define STMT_CACHE 192

struct stmt_slot {
	const char *sql;  /* the literal: cached by pointer */
	sqlite3_stmt *st; /* prepared once, reset before each use */
};

struct sm_store {
	sqlite3 *db;			    /* the connection */
	struct stmt_slot cache[STMT_CACHE]; /* prepared statements */
	int ncache;			    /* slots used */
	int depth;			    /* transactions open: 0 none, 1
					     * BEGIN, more: SAVEPOINTs in it */
	char errmsg[256];		    /* last SQLite error text */
};

/* ---- stored names ------------------------------------------------- */

/*
 * Map a stored name back to its enum value through @name_of over 0..@n-1.
 * The schema's CHECK constraints keep other names out; 0 if one got in.
 */
/*
 * SQL: cancel the outbox rows a cancellation may still stop: queued, or
 * claimed with no part in the writing window (the sender then gets
 * -ECANCELED from sm_store_part_writing()).  Binds final_at and
 * last_error; the caller appends " AND ..." to choose the rows.
 */
#define SQL_OUTBOX_CANCEL                                                   \
	"UPDATE outbox SET state = 'cancelled', final_at = ?,"              \
	" claimed_by = NULL, last_error = ?"                                \
	" WHERE (state = 'queued' OR (state = 'claimed' AND NOT EXISTS"     \
	"  (SELECT 1 FROM outbox_parts p WHERE p.msg_id = outbox.id"        \
	"   AND p.state = 'writing')))"

static inline int parse_name(const unsigned char *s, int n,
			     const char *(*name_of)(int))
{
	for (int i = 0; s && i < n; i++)
		if (strcmp((const char *)s, name_of(i)) == 0)
			return i;
	return 0;
}

/* ---- SQLite plumbing ------------------------------------------------ */

/* Record the connection's error text and map @rc to a negative errno. */
static inline int sqerr(struct sm_store *st, int rc)
{
	snprintf(st->errmsg, sizeof(st->errmsg), "%s", sqlite3_errmsg(st->db));
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_TOOBIG:
		return -E2BIG;
	case SQLITE_CONSTRAINT:
		return -EEXIST;
	case SQLITE_CANTOPEN: {
		int e = sqlite3_system_errno(st->db);
		return e > 0 ? -e : -EIO;
	}
	default:
		return -EIO;
	}
}

/*
 * The cached statement for @sql (a string literal: looked up by pointer),
 * reset and with its bindings cleared.  0 or a negative errno.
 */
static inline int prep(struct sm_store *st, const char *sql, sqlite3_stmt **out)
{
	int rc;

	for (int i = 0; i < st->ncache; i++) {
		if (st->cache[i].sql == sql) {
			*out = st->cache[i].st;
			sqlite3_reset(*out);
			sqlite3_clear_bindings(*out);
			return 0;
		}
	}
	if (st->ncache == STMT_CACHE) {
		snprintf(st->errmsg, sizeof(st->errmsg),
			 "statement cache full (%d)", STMT_CACHE);
		return -ENOMEM;
	}
	rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out,
				NULL);
	if (rc != SQLITE_OK)
		return sqerr(st, rc);
	st->cache[st->ncache].sql = sql;
	st->cache[st->ncache].st = *out;
	st->ncache++;
	return 0;
}

/*
 * Bind the variadic arguments by @types, one letter per parameter:
 *   'i' int64_t, 'd' int, 'z' int64_t stored as NULL when 0,
 *   's' const char * (NULL binds NULL), 't' const char * + size_t length,
 *   'f' double.
 */
static inline int bindv(struct sm_store *st, sqlite3_stmt *s, const char *types,
			va_list ap)
{
	int rc = SQLITE_OK;

	for (int i = 1; *types && rc == SQLITE_OK; types++, i++) {
		switch (*types) {
		case 'i':
			rc = sqlite3_bind_int64(s, i, va_arg(ap, int64_t));
			break;
		case 'd':
			rc = sqlite3_bind_int(s, i, va_arg(ap, int));
			break;
		case 'z': {
			int64_t v = va_arg(ap, int64_t);
			rc = v ? sqlite3_bind_int64(s, i, v)
			       : sqlite3_bind_null(s, i);
			break;
		}
		case 's': {
			const char *v = va_arg(ap, const char *);
			rc = v ? sqlite3_bind_text(s, i, v, -1,
						   SQLITE_TRANSIENT)
			       : sqlite3_bind_null(s, i);
			break;
		}
		case 'f':
			rc = sqlite3_bind_double(s, i, va_arg(ap, double));
			break;
		case 't': {
			const char *v = va_arg(ap, const char *);
			size_t n = va_arg(ap, size_t);
			rc = sqlite3_bind_text64(s, i, v, n, SQLITE_TRANSIENT,
						 SQLITE_UTF8);
			break;
		}
		default:
			rc = SQLITE_MISUSE;
			break;
		}
	}
	return rc == SQLITE_OK ? 0 : sqerr(st, rc);
}

/* Prepare @sql and bind; the caller steps it with step(). */
static inline int query(struct sm_store *st, sqlite3_stmt **s, const char *sql,
			const char *types, ...)
{
	va_list ap;
	int rc = prep(st, sql, s);

	if (rc)
		return rc;
	va_start(ap, types);
	rc = bindv(st, *s, types, ap);
	va_end(ap);
	return rc;
}

/* Step: 1 for a row, 0 when done (statement reset), negative errno. */
static inline int step(struct sm_store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return 0;
	}
	rc = sqerr(st, rc);
	sqlite3_reset(s);
	return rc;
}

/* Run a statement that returns no row; add the rows it changed to *@n
 * (may be NULL).  0 or negative errno. */
static inline int vexec(struct sm_store *st, int *n, const char *sql,
			const char *types, va_list ap)
{
	sqlite3_stmt *s;
	int rc = prep(st, sql, &s);

	if (rc)
		return rc;
	rc = bindv(st, s, types, ap);
	if (rc)
		return rc;
	while ((rc = step(st, s)) == 1)
		;
	if (rc == 0 && n)
		*n += sqlite3_changes(st->db);
	return rc;
}

/* Run a statement that returns no row.  0 or negative errno. */
static inline int exec(struct sm_store *st, const char *sql, const char *types,
		       ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = vexec(st, NULL, sql, types, ap);
	va_end(ap);
	return rc;
}

/* exec() adding the number of rows changed to *@n. */
static inline int exec_count(struct sm_store *st, int *n, const char *sql,
			     const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = vexec(st, n, sql, types, ap);
	va_end(ap);
	return rc;
}

/*
 * Run a query returning one integer in column 0 into *@v.  1 if there was
 * a row, 0 if none (*@v untouched), negative errno.
 */
static inline int fetch_int(struct sm_store *st, int64_t *v, const char *sql,
			    const char *types, ...)
{
	sqlite3_stmt *s;
	va_list ap;
	int rc = prep(st, sql, &s);

	if (rc)
		return rc;
	va_start(ap, types);
	rc = bindv(st, s, types, ap);
	va_end(ap);
	if (rc)
		return rc;
	rc = step(st, s);
	if (rc == 1) {
		*v = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
	}
	return rc;
}

static inline int begin(struct sm_store *st)
{
	int rc;

	/* Inside sm_store_tx_begin(): a savepoint of the open transaction,
	 * so that a failed call still undoes only its own changes. */
	rc = exec(st, st->depth ? "SAVEPOINT call" : "BEGIN IMMEDIATE", "");
	if (rc == 0)
		st->depth++;
	return rc;
}

/* Commit when @rc >= 0, else roll back.  Returns @rc or the commit error. */
static inline int finish(struct sm_store *st, int rc)
{
	if (st->depth > 1) {
		st->depth--;
		if (rc < 0)
			exec(st, "ROLLBACK TO call", "");
		exec(st, "RELEASE call", "");
		return rc;
	}
	st->depth = 0;
	if (rc >= 0) {
		int c = exec(st, "COMMIT", "");
		if (c == 0)
			return rc;
		rc = c;
	}
	/* A failed COMMIT may have rolled back already: ignore the result. */
	if (!sqlite3_get_autocommit(st->db))
		exec(st, "ROLLBACK", "");
	return rc;
}

/* Copy text column @i into @buf of @size bytes (cut, always terminated). */
static inline void col_text(sqlite3_stmt *s, int i, char *buf, size_t size)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	size_t n = (size_t)sqlite3_column_bytes(s, i);

	if (!t)
		n = 0;
	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(buf, t, n);
	buf[n] = '\0';
}

/*
 * Copy text column @i into @buf of @size bytes; if it does not fit, cut it
 * at a UTF-8 character boundary and return true.
 */
static inline bool col_text_utf8(sqlite3_stmt *s, int i, char *buf, size_t size)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	size_t n = t ? (size_t)sqlite3_column_bytes(s, i) : 0;
	bool cut = false;

	if (n >= size) {
		n = size - 1;
		/* t[n] is the first byte left out: if it continues a
		 * character, leave out that character's first bytes too. */
		while (n > 0 && (t[n] & 0xc0) == 0x80)
			n--;
		cut = true;
	}
	if (n)
		memcpy(buf, t, n);
	buf[n] = '\0';
	return cut;
}

/* ---- shared statements ---------------------------------------------- */

/*
 * Cancel, inside the caller's transaction, every message to @number that
 * is queued, or claimed with no part in the writing window (the daemon
 * then gets -ECANCELED from sm_store_part_writing()), except the opt-out
 * confirmations.  @reason becomes last_error.  *@n (may be NULL) gets how
 * many.
 */
static inline int cancel_queued_to(struct sm_store *st, const char *number,
				   int64_t at, const char *reason, int *n)
{
	if (n)
		*n = 0;
	return exec_count(st, n,
			  SQL_OUTBOX_CANCEL
			  " AND recipient = ? AND (flags & ?) = 0",
			  "issi", at, reason, number,
			  (int64_t)SM_OUT_F_OPTOUT_CONFIRM);
}

/* ---- argument checks ------------------------------------------------ */

/*
 * @s must fit a field of @size bytes with its NUL: -E2BIG if not, -EINVAL
 * if NULL or empty while @required.
 */
static inline int check_str(const char *s, size_t size, bool required)
{
	if (!s)
		return required ? -EINVAL : 0;
	if (required && !*s)
		return -EINVAL;
	return strnlen(s, size) >= size ? -E2BIG : 0;
}

/* E.164 (ITU-T E.164 6.1): '+', a country code not starting with 0, at
 * most 15 digits in all. */
static inline bool is_e164(const char *s)
{
	size_t n = 0;

	if (!s || s[0] != '+' || s[1] < '1' || s[1] > '9')
		return false;
	for (s++; *s; s++, n++)
		if (*s < '0' || *s > '9' || n >= 15)
			return false;
	return n >= 2;
}

static inline int check_number(const char *s)
{
	int rc = check_str(s, SM_STORE_NUMBER_MAX, true);

	if (rc)
		return rc;
	return is_e164(s) ? 0 : -EINVAL;
}

#endif
