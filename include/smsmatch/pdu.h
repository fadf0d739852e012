/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pdu.h - SMS PDUs (3GPP TS 23.040, alphabets TS 23.038) on top of libgammu.
 *
 * Only src/pdu.c includes <gammu.h>; everything else sees these types.
 * Decoding takes the hex text a modem prints after +CMGR:/+CMGL:/+CMT:/+CDS:
 * and yields one struct sm_sms.  Encoding turns a UTF-8 text into the PDUs
 * of a (possibly concatenated) SMS-SUBMIT ready for AT+CMGS, and, for the
 * modem simulator, SMS-DELIVER and SMS-STATUS-REPORT PDUs.
 *
 * All buffers are fixed-size and bounded; no function allocates memory that
 * the caller must free.  Every function is reentrant.
 */
#ifndef SMSMATCH_PDU_H
#define SMSMATCH_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Longest UTF-8 text of one PDU: 160 septets or 140 octets, 4 bytes each. */
#define SM_PDU_TEXT_MAX (4 * 160 + 1)
/* Hex of one PDU with SMSC: (12 + 176) octets * 2 + NUL, rounded up. */
#define SM_PDU_HEX_MAX 400
/* An address as text: "+33612345678", or an alphanumeric sender in UTF-8. */
#define SM_PDU_ADDR_MAX 48
/* Most parts we encode for one message (a campaign text is short). */
#define SM_PDU_PARTS_MAX 16
/* sm_pdu_decode()'s @tpdu_len when the modem printed no <length>. */
#define SM_PDU_LEN_UNKNOWN (-1)

enum sm_pdu_type {
	SM_PDU_DELIVER,	      /* SMS-DELIVER: network -> phone */
	SM_PDU_SUBMIT,	      /* SMS-SUBMIT: phone -> network */
	SM_PDU_STATUS_REPORT, /* SMS-STATUS-REPORT */
};

enum sm_pdu_coding {
	SM_CODING_GSM7, /* GSM 7-bit default alphabet + extension table */
	SM_CODING_8BIT, /* 8-bit data */
	SM_CODING_UCS2, /* UCS-2 / UTF-16BE */
};

/* How to encode a text for sending. */
enum sm_text_mode {
	SM_TEXT_AUTO,	/* GSM 7-bit when every character fits, else UCS-2 */
	SM_TEXT_GSM7,	/* transliterate what does not fit (ç -> c, ’ -> ') */
	SM_TEXT_UCS2,	/* always UCS-2 */
};

/* Concatenation information element (23.040 9.2.3.24.1 and .8). */
struct sm_pdu_concat {
	unsigned ref;	/* reference number, 0-255 or 0-65535 */
	unsigned total; /* number of parts; 0 when the SMS is not concatenated */
	unsigned seq;	/* this part, 1-based */
	bool ref16;	/* 16-bit reference (IEI 0x08) */
};

/* One decoded PDU. */
struct sm_sms {
	enum sm_pdu_type type;		 /* deliver, submit, status report */
	char smsc[SM_PDU_ADDR_MAX];	 /* "+3360...", "" when absent/empty */
	char number[SM_PDU_ADDR_MAX];	 /* originator (deliver), destination
					  * (submit), recipient (report) */
	bool number_alpha;		 /* number is an alphanumeric sender */
	unsigned number_toa;		 /* type of address octet, e.g. 0x91 */
	enum sm_pdu_coding coding;	 /* of the user data */
	unsigned dcs;			 /* TP-DCS octet as received */
	char text[SM_PDU_TEXT_MAX];	 /* UTF-8 text ("" for 8-bit data) */
	uint8_t data[140];		 /* user data without UDH (8-bit data) */
	size_t data_len;		 /* bytes in data */
	struct sm_pdu_concat concat;	 /* total == 0 when not concatenated */
	bool has_timestamp;		 /* service centre timestamp present */
	time_t timestamp;		 /* as UTC seconds */
	int tz_minutes;			 /* its offset east of UTC, in minutes */
	bool has_discharge;		 /* status report: discharge time */
	time_t discharge;		 /* as UTC seconds */
	int discharge_tz_minutes;	 /* its offset in minutes */
	int mr;				 /* message reference (submit, report),
					  * -1 when absent */
	int status;			 /* TP-ST of a report, -1 otherwise */
	bool status_report_request;	 /* TP-SRR (submit) / TP-SRI (deliver) */
	int pid;			 /* TP-PID */
};

/* One encoded PDU, ready for AT+CMGS=<tpdu_len>. */
struct sm_pdu_part {
	char hex[SM_PDU_HEX_MAX]; /* upper-case hex, SMSC field first */
	unsigned tpdu_len;	  /* octets after the SMSC field */
};

/* Options for sm_pdu_encode_submit(). */
struct sm_pdu_submit_opts {
	const char *smsc;	/* NULL or "" for "00" (the SIM's SMSC) */
	enum sm_text_mode mode; /* alphabet choice */
	bool status_report;	/* request a status report (TP-SRR) */
	unsigned ref;		/* concatenation reference for long texts */
	bool ref16;		/* use a 16-bit reference */
	int validity_minutes;	/* relative validity, or -1 for none */
	int mr;			/* TP-MR to put in the PDU (0 lets the modem
				 * choose: 27.005 says it overwrites it) */
};

/*
 * Decode @hex (upper or lower case, no spaces) into @out.  @tpdu_len is the
 * <length> the modem printed (octets after the SMSC field, 27.005 3.1):
 * when it equals the number of octets the PDU is a bare TPDU, otherwise an
 * SMSC field must lead and its length octet must account for the
 * difference.  SM_PDU_LEN_UNKNOWN (-1) means no <length> is known: an SMSC
 * field leads, as on every +CMGR/+CMGL/+CMT/+CDS line.  Returns 0, or
 * -EINVAL with a reason in @err (@errlen bytes, may be NULL) for anything
 * malformed: odd length, bad hex, fields past the end, an address or SMSC
 * too long, a UDH longer than the UD or with an element overrunning it, a
 * concatenation element saying "part 0" or "part 3 of 2", a UCS-2 surrogate
 * without its pair, compressed text, user data shorter than TP-UDL says.
 * Octets after the user data are ignored.  Never reads past @hex's NUL.
 */
int sm_pdu_decode(const char *hex, int tpdu_len, struct sm_sms *out,
		  char *err, size_t errlen);

/*
 * Encode @text (UTF-8) for @to ("+33612345678", national digits, or "" not
 * allowed) as SMS-SUBMIT PDUs into @parts (room for @max parts).  Long
 * texts are split with concatenation headers using @o->ref.  Returns the
 * number of parts (>= 1) or a negative errno: -EINVAL for a bad number or
 * invalid UTF-8, -E2BIG when more than @max parts would be needed.  @coding
 * (may be NULL) receives the alphabet used.  @err as in sm_pdu_decode().
 */
int sm_pdu_encode_submit(const char *to, const char *text,
			 const struct sm_pdu_submit_opts *o,
			 struct sm_pdu_part *parts, size_t max,
			 enum sm_pdu_coding *coding, char *err, size_t errlen);

/*
 * Encode SMS-DELIVER PDUs of @text from @from (number or alphanumeric) as a
 * network would deliver them, with service centre @smsc and timestamp @ts
 * (UTC seconds, shown with @tz_minutes offset).  Long texts are concatenated
 * with reference @ref.  @status_report_indication sets TP-SRI.  Same
 * returns as sm_pdu_encode_submit().  Used by the modem simulator.
 */
int sm_pdu_encode_deliver(const char *from, const char *text,
			  const char *smsc, time_t ts, int tz_minutes,
			  enum sm_text_mode mode, unsigned ref,
			  struct sm_pdu_part *parts, size_t max,
			  enum sm_pdu_coding *coding, char *err,
			  size_t errlen);

/*
 * Encode an SMS-STATUS-REPORT for message reference @mr sent to @to, with
 * TP-ST @status (0 delivered, 0x20-0x3F temporary, 0x40-0x7F permanent),
 * service centre timestamp @scts and discharge time @discharge (UTC).
 * Returns 0 or a negative errno.  Used by the modem simulator.
 */
int sm_pdu_encode_status_report(const char *smsc, int mr, const char *to,
				int status, time_t scts, time_t discharge,
				int tz_minutes, struct sm_pdu_part *part,
				char *err, size_t errlen);

/*
 * Say how @text would be sent without encoding it: the number of parts,
 * the alphabet, and the number of characters (septets for GSM 7-bit, with
 * extension characters counting twice; UTF-16 units for UCS-2).  Returns
 * 0 or -EINVAL for invalid UTF-8.  For `script check`.
 */
int sm_pdu_measure(const char *text, enum sm_text_mode mode,
		   unsigned *parts, enum sm_pdu_coding *coding,
		   unsigned *units);

/*
 * Transliterate @text into the characters of the GSM 7-bit alphabet and
 * its extension table (ç -> c, ê -> e, œ -> oe, « -> ", ’ -> ', emoji -> ?),
 * keeping the letters it already has (é è à ù É ...).  Writes UTF-8 into
 * @out of @len bytes.  Returns 0, -EINVAL for invalid UTF-8, -E2BIG if it
 * does not fit.
 */
int sm_pdu_transliterate(const char *text, char *out, size_t len);

/* "gsm7", "8bit" or "ucs2". */
const char *sm_pdu_coding_name(enum sm_pdu_coding c);
/* "deliver", "submit" or "status-report". */
const char *sm_pdu_type_name(enum sm_pdu_type t);

#endif
