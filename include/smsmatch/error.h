/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * error.h - the small error record that asynchronous operations report.
 *
 * Synchronous functions return 0 or a negative errno-style code.  Operations
 * that complete later (an AT command, an SMS send) report exactly once through
 * a callback carrying a struct sm_error: what kind of failure, the numeric
 * code where 3GPP defines one, and a short text a person can read.
 */
#ifndef SMSMATCH_ERROR_H
#define SMSMATCH_ERROR_H

#include <stddef.h>

enum sm_err_kind {
	SM_ERR_NONE,	  /* success: final result OK */
	SM_ERR_FAILURE,	  /* ERROR, COMMAND NOT SUPPORT, or a local failure */
	SM_ERR_CME,	  /* +CME ERROR: <n> (27.007 9.2) */
	SM_ERR_CMS,	  /* +CMS ERROR: <n> (27.005 3.2.5) */
	SM_ERR_TIMEOUT,	  /* no final result within the command's timeout */
	SM_ERR_IO,	  /* the port failed or disappeared */
	SM_ERR_CANCELLED, /* the engine was freed or flushed first */
};

struct sm_error {
	enum sm_err_kind kind; /* what happened */
	int code;	       /* CME/CMS number, -1 when not numeric/unknown */
	char text[96];	       /* verbose text from the modem, or a reason */
};

/* Fill @e; @text may be NULL.  Returns @e. */
struct sm_error *sm_error_set(struct sm_error *e, enum sm_err_kind kind,
			      int code, const char *text);

/*
 * Print @e as one human line ("+CMS ERROR 500: unknown error") into @buf of
 * @len bytes (always NUL-terminated).  Returns @buf.
 */
const char *sm_error_str(const struct sm_error *e, char *buf, size_t len);

/* Name of @kind: "none", "failure", "cme", "cms", "timeout", "io", ... */
const char *sm_err_kind_name(enum sm_err_kind kind);

#endif
