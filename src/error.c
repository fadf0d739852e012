/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * error.c - the small error record of asynchronous operations: fill it,
 * name its kind, print it as one line a person can read.
 */
#include <stdio.h>
#include <string.h>

#include "smsmatch/error.h"

struct sm_error *sm_error_set(struct sm_error *e, enum sm_err_kind kind,
			      int code, const char *text)
{
	e->kind = kind;
	e->code = code;
	snprintf(e->text, sizeof(e->text), "%s", text ? text : "");
	return e;
}

const char *sm_err_kind_name(enum sm_err_kind kind)
{
	switch (kind) {
	case SM_ERR_NONE:
		return "none";
	case SM_ERR_FAILURE:
		return "failure";
	case SM_ERR_CME:
		return "cme";
	case SM_ERR_CMS:
		return "cms";
	case SM_ERR_TIMEOUT:
		return "timeout";
	case SM_ERR_IO:
		return "io";
	case SM_ERR_CANCELLED:
		return "cancelled";
	}
	return "unknown";
}

const char *sm_error_str(const struct sm_error *e, char *buf, size_t len)
{
	const char *sep = e->text[0] ? ": " : "";

	if (!len)
		return buf;
	buf[0] = '\0';
	switch (e->kind) {
	case SM_ERR_CME:
	case SM_ERR_CMS:
		if (e->code >= 0)
			snprintf(buf, len, "+%s ERROR %d%s%s",
				 e->kind == SM_ERR_CME ? "CME" : "CMS", e->code,
				 sep, e->text);
		else
			snprintf(buf, len, "+%s ERROR%s%s",
				 e->kind == SM_ERR_CME ? "CME" : "CMS",
				 e->text[0] ? ": " : " (no code)", e->text);
		break;
	case SM_ERR_NONE:
		snprintf(buf, len, "ok");
		break;
	case SM_ERR_FAILURE:
	case SM_ERR_TIMEOUT:
	case SM_ERR_IO:
	case SM_ERR_CANCELLED:
		snprintf(buf, len, "%s%s%s", sm_err_kind_name(e->kind), sep,
			 e->text);
		break;
	}
	return buf;
}
