/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * huawei.c - Huawei USB modems (E1752, E3372, K3715, K4510, ME909...).
 *
 * Their AT port sends status URCs at any time: "^RSSI:14", "^MODE:5,4",
 * "^SRVST:0", "^BOOT:...", "^DSFLOWRPT:..." (Huawei E1752 in France,
 * gammu issues #126/#138/#477; tests/corpus/modem_sessions/
 * huawei_e1752.txt, raw "^SRVST:0\r\nAT+CPIN?\r\r\n+CPIN: READY").  They
 * arrive even inside a command's response, so AT^CURC=0 turns the
 * periodic ones off (Huawei's "AT^CURC=<mode>", 0 = off), and the prefixes
 * are swallowed in case the firmware ignores it.  Huawei also answers
 * "COMMAND NOT SUPPORT" to unknown commands (E1752, E169, gammu #216),
 * which the AT engine treats as an error final result.
 */
#include <stddef.h>

#include "../at/modem_priv.h"

static const char *const manufacturers[] = {"huawei", NULL};

static const char *const ignored[] = {
	"^RSSI:",    "^HRSSILVL:",   "^RSSILVL:",   "^HCSQ:",	  "^CSNR:",
	"^MODE:",    "^SRVST:",	     "^SIMST:",	    "^BOOT:",	  "^DSFLOWRPT:",
	"^EARST:",   "^ACTIVEBAND:", "^SYSSTART",   "^NDISSTAT:", "^STIN:",
	"^CEND:",    "^ORIG:",	     "^CONF:",	    "^CONN:",	  "^LTERSRP:",
	"^ANLEVEL:", "^CRSSI:",	     "^SMMEMFULL:", NULL,
};

static const struct sm_modem_step init[] = {
	/* optional: some firmwares answer ERROR or COMMAND NOT SUPPORT */
	{.name = "Huawei URCs off",
	 .cmd = "AT^CURC=0",
	 .flags = SM_STEP_OPTIONAL},
};

const struct sm_modem_profile sm_profile_huawei = {
	.name = "huawei",
	.manufacturers = manufacturers,
	.init = init,
	.ninit = sizeof(init) / sizeof(init[0]),
	.ignored_urcs = ignored,
};
