/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cms.h - what a +CMS ERROR means for the message being sent.
 *
 * 27.005 3.2.5 lists the <err> values of +CMS ERROR: 0-127 are RP causes of
 * 24.011 Annex E-2 (Table 8.4), 128-255 TP-FCS values of 23.040 9.2.3.22,
 * 300-340 errors of the ME, the SIM or the network, 500 unknown, 512 and
 * above manufacturer specific.  The scheduler needs one decision from each:
 * retry later, give up, or blame the modem and let another one try.
 */
#ifndef SMSMATCH_CMS_H
#define SMSMATCH_CMS_H

enum sm_cms_class {
	SM_CMS_TEMPORARY, /* the network may accept it later: retry with
			   * backoff (congestion, network timeout, 500) */
	SM_CMS_PERMANENT, /* this message will never go: unassigned number,
			   * barred, invalid PDU... */
	SM_CMS_MODEM,	  /* this modem cannot send now (SIM, PIN, no
			   * service, SMSC unknown): retry on another modem
			   * and count an error against the modem */
};

/* Classify +CMS ERROR @code (-1: the modem gave no number). */
enum sm_cms_class sm_cms_classify(int code);

/* "temporary", "permanent", "modem". */
const char *sm_cms_class_name(enum sm_cms_class c);

#endif
