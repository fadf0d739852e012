/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * quectel.c - Quectel LTE modules (EC25, EG25, EC21, BG96; older M35/M95).
 *
 * With AT+CNMI=2,1,0,2,0 the EC25/EG25 keep SMS-STATUS-REPORTs in the "SR"
 * memory but announce them as "+CDSI: \"SM\",0" (one second after
 * "+CMGS: 78"); AT+CMGR=0 in SM then answers a bare OK
 * (IchthysMaranatha/asterisk-chan-quectel PR #75; tests/corpus/
 * modem_sessions/quectel_ec25.txt).  SM_QUIRK_CDSI_SM_IS_SR makes the
 * generic driver read such a report in SR.  Keeping reports in storage
 * (<ds>=2) also means a report survives until the owner committed it.
 * The ICCID is read with AT+QCCID ("+QCCID: 8933...").
 * Quectel modules also print "RDY" and "+QIND: ..." at start.
 */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "../at/modem_priv.h"

static const char *const manufacturers[] = {"quectel", NULL};

static const char *const ignored[] = {
	"RDY", "+QIND:", "+QUSIM:", "POWERED DOWN", NULL};

static const char *const qccid_prefix[] = {"+QCCID:", NULL};

static enum sm_step_verdict qccid_process(struct sm_modem *m,
					  const struct sm_at_response *res)
{
	struct sm_at_iter it;
	char id[32];
	size_t n = 0;

	for (size_t i = 0; res->err.kind == SM_ERR_NONE && i < res->nlines;
	     i++) {
		if (!sm_at_iter_init(&it, res->lines[i], "+QCCID:") ||
		    !sm_at_iter_str(&it, id, sizeof(id)))
			continue;
		while (id[n] && (isdigit((unsigned char)id[n]) ||
				 id[n] == 'F' || id[n] == 'f'))
			n++;
		if (n >= 18) {
			memcpy(m->info.iccid, id, n);
			m->info.iccid[n] = '\0';
		}
	}
	return SM_STEP_NEXT;
}

static const struct sm_modem_step init[] = {
	{.name = "ICCID",
	 .cmd = "AT+QCCID",
	 .prefixes = qccid_prefix,
	 .flags = SM_STEP_OPTIONAL,
	 .process = qccid_process},
};

const struct sm_modem_profile sm_profile_quectel = {
	.name = "quectel",
	.manufacturers = manufacturers,
	.quirks = SM_QUIRK_CDSI_SM_IS_SR,
	.init = init,
	.ninit = sizeof(init) / sizeof(init[0]),
	.ignored_urcs = ignored,
	.preferred_ds = 2,
};
