/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * simcom.c - SIMCom modules (SIM800/SIM900 2G, SIM7000/SIM7600 LTE).
 *
 * What is known, and what is not:
 *  - After power-on they print "RDY", "+CFUN: 1", "+CPIN: READY",
 *    "Call Ready" and "SMS Ready" unsolicited; these are swallowed.
 *  - The SIM800L offers <ds> 0 or 1 only: "+CNMI: (0-3),(0-3),(0,2),(0,1),
 *    (0,1)", and AT+CNMI=2,1,0,2 fails; reports then come as +CDS
 *    (faucamp/python-gsmmodem issue #60).  The generic choice from the
 *    ranges handles that; no override needed.
 *  - AT&F: TinyGSM's SIM800 and SIM7020 drivers start with AT&FZ and
 *    ignore its result (vshymanskyy/TinyGSM, TinyGsmClientSIM800.h init());
 *    no source shows that SMS needs it.  It is kept as an optional first
 *    step because it clears settings another program may have left
 *    (text mode, a UCS2 character set, a CNMI routing to another port);
 *    it re-enables the echo, so ATE0 and AT+CMEE=1 follow.  "Z" (a reset
 *    that may drop a USB port) is not sent.
 */
#include <stddef.h>

#include "../at/modem_priv.h"

static const char *const manufacturers[] = {"simcom", "sim tech", NULL};

static const char *const ignored[] = {
	"RDY",	    "Call Ready", "SMS Ready", "+CFUN:", "+CPIN:",
	"*PSUTTZ:", "DST:",	  "+PSUTTZ:",  NULL,
};

static const struct sm_modem_step init[] = {
	/* V.250 6.1.2; its result does not matter */
	{.name = "factory settings", .cmd = "AT&F", .flags = SM_STEP_OPTIONAL},
	{.name = "echo off", .cmd = "ATE0"},
	{.name = "numeric errors",
	 .cmd = "AT+CMEE=1",
	 .flags = SM_STEP_OPTIONAL},
};

const struct sm_modem_profile sm_profile_simcom = {
	.name = "simcom",
	.manufacturers = manufacturers,
	.init = init,
	.ninit = sizeof(init) / sizeof(init[0]),
	.ignored_urcs = ignored,
};
