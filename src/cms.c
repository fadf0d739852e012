/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cms.c - classification of +CMS ERROR codes (27.005 3.2.5) into temporary,
 * permanent and modem failures.  docs/operator.md shows the table.
 */
#include "smsmatch/cms.h"

/* RP causes, 24.011 Table 8.4 (part 2), that no retry will change. */
static int rp_permanent(int c)
{
	switch (c) {
	case 1:	 /* unassigned (unallocated) number */
	case 8:	 /* operator determined barring */
	case 10: /* call barred */
	case 21: /* short message transfer rejected */
	case 28: /* unidentified subscriber */
	case 29: /* facility rejected */
	case 30: /* unknown subscriber */
	case 50: /* requested facility not subscribed */
	case 69: /* requested facility not implemented */
	case 95: /* invalid message, unspecified */
	case 96: /* invalid mandatory information */
	case 97: /* message type non-existent or not implemented */
	case 98: /* message not compatible with short message protocol state */
	case 99: /* information element non-existent or not implemented */
		return 1;
	default: /* 27, 38, 41, 42, 47, 81, 111, 127 and the rest */
		return 0;
	}
}

/* TP-FCS, 23.040 9.2.3.22. */
static enum sm_cms_class fcs_class(int c)
{
	if (c <= 0xAF)
		return SM_CMS_PERMANENT; /* PID, DCS and command errors */
	switch (c) {
	case 0xC0: /* SC busy */
	case 0xC2: /* SC system failure */
		return SM_CMS_TEMPORARY;
	case 0xC1: /* no SC subscription */
		return SM_CMS_MODEM;
	case 0xC3: /* invalid SME address */
	case 0xC4: /* destination SME barred */
	case 0xC5: /* SM rejected - duplicate SM */
	case 0xC6: /* TP-VPF not supported */
	case 0xC7: /* TP-VP not supported */
		return SM_CMS_PERMANENT;
	default: /* 0xD0-0xDF SIM/ME side, 0xE0-0xFF unspecified */
		return SM_CMS_TEMPORARY;
	}
}

enum sm_cms_class sm_cms_classify(int code)
{
	if (code < 0)
		return SM_CMS_TEMPORARY;
	if (code <= 127)
		return rp_permanent(code) ? SM_CMS_PERMANENT
					  : SM_CMS_TEMPORARY;
	if (code <= 255)
		return fcs_class(code);
	switch (code) {
	case 300: /* ME failure */
	case 301: /* SMS service of ME reserved */
	case 302: /* operation not allowed */
	case 303: /* operation not supported */
	case 310: /* SIM not inserted */
	case 311: /* SIM PIN required */
	case 312: /* PH-SIM PIN required */
	case 313: /* SIM failure */
	case 315: /* SIM wrong */
	case 316: /* SIM PUK required */
	case 317: /* SIM PIN2 required */
	case 318: /* SIM PUK2 required */
	case 330: /* SMSC address unknown */
	case 331: /* no network service */
		return SM_CMS_MODEM;
	case 304: /* invalid PDU mode parameter */
	case 305: /* invalid text mode parameter */
		return SM_CMS_PERMANENT;
	default: /* 314 SIM busy, 320-322 memory, 332 network timeout,
		  * 340, 500 unknown, 512+ manufacturer specific */
		return SM_CMS_TEMPORARY;
	}
}

const char *sm_cms_class_name(enum sm_cms_class c)
{
	switch (c) {
	case SM_CMS_TEMPORARY:
		return "temporary";
	case SM_CMS_PERMANENT:
		return "permanent";
	case SM_CMS_MODEM:
		return "modem";
	}
	return "temporary";
}
