/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_pdu.c - libFuzzer target for the PDU module.
 *
 * The input is taken as hex text and decoded twice, with no <length> and
 * with a <length> derived from its first octet; inputs that are not hex
 * are also hex-encoded first so that every byte pattern reaches the field
 * walker.  Inputs starting with 'T' are used as UTF-8 text instead: they
 * are measured, transliterated and encoded as SMS-SUBMIT and SMS-DELIVER.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "smsmatch/pdu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_text(const char *text, unsigned flags)
{
	struct sm_pdu_part parts[SM_PDU_PARTS_MAX];
	struct sm_pdu_submit_opts o = {
		.mode = (enum sm_text_mode)(flags % 3),
		.ref = flags,
		.ref16 = flags & 4,
		.status_report = flags & 8,
		.validity_minutes = (int)(flags * 37) - 1,
		.mr = (int)(flags & 0xFF),
		.smsc = flags & 16 ? "+33609001390" : NULL,
	};
	char out[4096], err[128];
	unsigned np, units;
	enum sm_pdu_coding coding;
	int n;

	sm_pdu_measure(text, o.mode, &np, &coding, &units);
	sm_pdu_transliterate(text, out, sizeof(out));
	n = sm_pdu_encode_submit("+33612345678", text, &o, parts,
				 SM_PDU_PARTS_MAX, &coding, err, sizeof(err));
	for (int i = 0; i < n; i++) {
		struct sm_sms s;

		/* what we encode, we decode */
		if (sm_pdu_decode(parts[i].hex, (int)parts[i].tpdu_len, &s,
				  err, sizeof(err)) != 0) {
			fprintf(stderr, "own PDU refused: %s: %s\n",
				parts[i].hex, err);
			__builtin_trap();
		}
	}
	sm_pdu_encode_deliver(flags & 1 ? "Agence" : "0612345678", text,
			      NULL, 1700000000, 60, o.mode, flags, parts, 4,
			      &coding, err, sizeof(err));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char hex[2 * SM_PDU_HEX_MAX + 1], err[128];
	struct sm_sms s;
	size_t n;

	if (size > 0 && data[0] == 'T') {
		char text[1024];

		n = size - 1 < sizeof(text) - 1 ? size - 1 : sizeof(text) - 1;
		memcpy(text, data + 1, n);
		text[n] = '\0';
		fuzz_text(text, n ? (unsigned char)text[0] : 0);
		return 0;
	}
	/* as given (hex text from a modem, possibly broken) */
	n = size < sizeof(hex) - 1 ? size : sizeof(hex) - 1;
	memcpy(hex, data, n);
	hex[n] = '\0';
	sm_pdu_decode(hex, SM_PDU_LEN_UNKNOWN, &s, err, sizeof(err));
	if (n >= 2)
		sm_pdu_decode(hex, (int)(n / 2) - 1 - (int)(data[0] & 15), &s,
			      err, sizeof(err));
	sm_pdu_decode(hex, (int)(n / 2), &s, err, sizeof(err));
	/* and the raw bytes as hex, so any octet pattern is walked */
	n = size < SM_PDU_HEX_MAX / 2 ? size : SM_PDU_HEX_MAX / 2;
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02X", data[i]);
	hex[2 * n] = '\0';
	sm_pdu_decode(hex, SM_PDU_LEN_UNKNOWN, &s, err, sizeof(err));
	if (n >= 1)
		sm_pdu_decode(hex, (int)n - 1 - data[0], &s, err, sizeof(err));
	sm_pdu_decode(hex, (int)n, &s, err, sizeof(err));
	return 0;
}
