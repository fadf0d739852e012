/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gw_privacy.c - smsmatchd's part of data protection: the file modes of
 * the database and the secret files checked at start-up, and the daily
 * retention purge (retention.days), run from its own loop timer, never
 * from a modem callback.  docs/data-protection.md.
 */
#include <stdio.h>

#include "smsmatch/fileperm.h"
#include "smsmatch/store_privacy.h"

#include "gateway.h"

static void warn_perm(const char *msg, void *data)
{
	struct sm_gw *gw = data;

	sm_logf(&gw->log, SM_LOG_WARN, "%s", msg);
}

void gw_privacy_check_files(struct sm_gw *gw)
{
	sm_fileperm_check_config(&gw->cfg, true, warn_perm, gw);
}

void gw_retention(struct sm_gw *gw, int64_t now)
{
	struct sm_store_scrub_report r;
	int days = gw->cfg.retention_days;
	char detail[SM_STORE_ERROR_MAX];

	if (!days)
		return;
	if (sm_store_purge(gw->store, now - (int64_t)days * 86400, false, now,
			   &r) < 0) {
		sm_logf(&gw->log, SM_LOG_ERR, "retention: purge failed: %s",
			sm_store_errmsg(gw->store));
		return;
	}
	snprintf(detail, sizeof(detail),
		 "older than %d days: %d campaigns, %d candidates, %d "
		 "answers, %d out, %d in, %d opt-out notes",
		 days, r.campaigns, r.candidates, r.answers, r.outbox, r.inbox,
		 r.optouts);
	sm_logf(&gw->log, SM_LOG_INFO, "retention: purged %s", detail);
	if (r.campaigns || r.candidates || r.outbox || r.inbox || r.optouts)
		sm_store_audit_add(gw->store, now, "smsmatchd", "purge", NULL,
				   detail, NULL);
}
