/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pdu.c - `smsmatch pdu decode|encode`: SMS PDUs by hand, for technicians.
 *
 * decode prints the fields of one PDU as "key: value" lines or as JSON;
 * encode prints the AT+CMGS lengths and PDUs of a text (or JSON).
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "smsmatch/pdu.h"

static void pdu_usage(FILE *out)
{
	fputs("Usage: smsmatch pdu decode [--json] [--no-smsc] HEX\n"
	      "       smsmatch pdu encode [--json] [--gsm7|--ucs2] [--report]\n"
	      "                           [--smsc NUMBER] [--ref N] "
	      "--to NUMBER TEXT\n"
	      "\n"
	      "decode: the fields of a PDU as printed after +CMGR/+CMGL/+CMT/"
	      "+CDS\n"
	      "  --no-smsc    HEX is a bare TPDU (no SMSC field first)\n"
	      "encode: the SMS-SUBMIT PDUs of TEXT (UTF-8), one AT+CMGS each\n"
	      "  --gsm7       transliterate to the GSM alphabet (ç -> c)\n"
	      "  --ucs2       always UCS-2 (default: GSM 7-bit when it fits)\n"
	      "  --report     request a status report\n"
	      "  --smsc N     service centre (default: the SIM's)\n"
	      "  --ref N      concatenation reference (default: from the "
	      "clock)\n"
	      "  --json       JSON output\n",
	      out);
}

static int pdu_err(const char *cmd, const char *msg)
{
	fprintf(stderr, "smsmatch: pdu %s: %s\n", cmd, msg);
	return SM_EXIT_ERROR;
}

/* "2013-03-08T15:02:16+02:00" for @t shown at @tz minutes east of UTC. */
static void iso_time(time_t t, int tz, char *buf, size_t len)
{
	time_t local = t + (time_t)tz * 60;
	struct tm tm;
	int a = tz < 0 ? -tz : tz;

	gmtime_r(&local, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, tz < 0 ? '-' : '+', a / 60, a % 60);
}

/* @s with control characters escaped, so it stays on one line. */
static void print_escaped(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\r')
			fputs("\\r", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c == '\\')
			fputs("\\\\", stdout);
		else if (c < 0x20)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static void data_hex(const struct sm_sms *s, char *buf)
{
	for (size_t i = 0; i < s->data_len; i++)
		sprintf(buf + 2 * i, "%02X", s->data[i]);
	buf[2 * s->data_len] = '\0';
}

static int print_json(json_t *o)
{
	char *text = json_dumps(o, JSON_PRESERVE_ORDER | JSON_INDENT(2));

	json_decref(o);
	if (!text)
		return pdu_err("json", "out of memory");
	puts(text);
	free(text);
	return SM_EXIT_OK;
}

static int decode_json(const struct sm_sms *s)
{
	json_t *o = json_object();
	char buf[300];

	json_object_set_new(o, "type", json_string(sm_pdu_type_name(s->type)));
	json_object_set_new(o, "smsc", json_string(s->smsc));
	json_object_set_new(o, "number", json_string(s->number));
	json_object_set_new(o, "number_type", json_integer(s->number_toa));
	if (s->type == SM_PDU_STATUS_REPORT) {
		json_object_set_new(o, "text", json_null());
		json_object_set_new(o, "encoding", json_null());
	} else {
		json_object_set_new(o, "text", json_string(s->text));
		json_object_set_new(o, "encoding",
				    json_string(sm_pdu_coding_name(s->coding)));
	}
	if (s->coding == SM_CODING_8BIT && s->type != SM_PDU_STATUS_REPORT) {
		data_hex(s, buf);
		json_object_set_new(o, "data", json_string(buf));
	}
	if (s->concat.total)
		json_object_set_new(o, "concat",
				    json_pack("{s:i, s:i, s:i}", "ref",
					      (int)s->concat.ref, "total",
					      (int)s->concat.total, "seq",
					      (int)s->concat.seq));
	else
		json_object_set_new(o, "concat", json_null());
	if (s->has_timestamp) {
		iso_time(s->timestamp, s->tz_minutes, buf, sizeof(buf));
		json_object_set_new(o, "timestamp", json_string(buf));
	} else {
		json_object_set_new(o, "timestamp", json_null());
	}
	if (s->type == SM_PDU_STATUS_REPORT && s->has_discharge) {
		iso_time(s->discharge, s->discharge_tz_minutes, buf,
			 sizeof(buf));
		json_object_set_new(o, "discharge", json_string(buf));
	}
	json_object_set_new(o, "mr", s->mr < 0 ? json_null() :
						 json_integer(s->mr));
	json_object_set_new(o, "status", s->status < 0 ?
						 json_null() :
						 json_integer(s->status));
	return print_json(o);
}

static int decode_plain(const struct sm_sms *s)
{
	char buf[300];

	printf("type: %s\n", sm_pdu_type_name(s->type));
	printf("smsc: %s\n", s->smsc);
	printf("number: %s\n", s->number);
	printf("number_type: 0x%02X%s\n", s->number_toa,
	       s->number_alpha ? " (alphanumeric)" : "");
	if (s->type != SM_PDU_STATUS_REPORT) {
		printf("encoding: %s\n", sm_pdu_coding_name(s->coding));
		if (s->coding == SM_CODING_8BIT) {
			data_hex(s, buf);
			printf("data: %s\n", buf);
		} else {
			fputs("text: ", stdout);
			print_escaped(s->text);
			putchar('\n');
		}
	}
	if (s->concat.total)
		printf("concat: %u/%u/%u (%s ref)\n", s->concat.ref,
		       s->concat.total, s->concat.seq,
		       s->concat.ref16 ? "16-bit" : "8-bit");
	if (s->has_timestamp) {
		iso_time(s->timestamp, s->tz_minutes, buf, sizeof(buf));
		printf("timestamp: %s\n", buf);
	}
	if (s->type == SM_PDU_STATUS_REPORT && s->has_discharge) {
		iso_time(s->discharge, s->discharge_tz_minutes, buf,
			 sizeof(buf));
		printf("discharge: %s\n", buf);
	}
	if (s->mr >= 0)
		printf("mr: %d\n", s->mr);
	if (s->status >= 0)
		printf("status: 0x%02X\n", (unsigned)s->status);
	return SM_EXIT_OK;
}

static int cmd_decode(int argc, char **argv)
{
	bool json = false, no_smsc = false;
	const char *hex = NULL;
	struct sm_sms s;
	char err[160];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--no-smsc")) {
			no_smsc = true;
		} else if (!strcmp(argv[i], "--help")) {
			pdu_usage(stdout);
			return SM_EXIT_OK;
		} else if (argv[i][0] == '-' || hex) {
			fprintf(stderr, "smsmatch: pdu decode: unexpected '%s'\n",
				argv[i]);
			pdu_usage(stderr);
			return SM_EXIT_USAGE;
		} else {
			hex = argv[i];
		}
	}
	if (!hex) {
		pdu_usage(stderr);
		return SM_EXIT_USAGE;
	}
	if (sm_pdu_decode(hex,
			  no_smsc ? (int)(strlen(hex) / 2) : SM_PDU_LEN_UNKNOWN,
			  &s, err, sizeof(err)) != 0)
		return pdu_err("decode", err);
	return json ? decode_json(&s) : decode_plain(&s);
}

static int cmd_encode(int argc, char **argv)
{
	struct sm_pdu_submit_opts o = { .mode = SM_TEXT_AUTO,
					.validity_minutes = -1 };
	struct sm_pdu_part parts[SM_PDU_PARTS_MAX];
	const char *to = NULL, *text = NULL;
	enum sm_pdu_coding coding;
	bool json = false;
	char err[160];
	int n;

	o.ref = (unsigned)time(NULL) & 0xFF;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--gsm7")) {
			o.mode = SM_TEXT_GSM7;
		} else if (!strcmp(a, "--ucs2")) {
			o.mode = SM_TEXT_UCS2;
		} else if (!strcmp(a, "--report")) {
			o.status_report = true;
		} else if (!strcmp(a, "--help")) {
			pdu_usage(stdout);
			return SM_EXIT_OK;
		} else if (!strcmp(a, "--smsc") && i + 1 < argc) {
			o.smsc = argv[++i];
		} else if (!strcmp(a, "--to") && i + 1 < argc) {
			to = argv[++i];
		} else if (!strcmp(a, "--ref") && i + 1 < argc) {
			char *end;
			unsigned long v = strtoul(argv[++i], &end, 10);

			if (*end || v > 255) {
				fprintf(stderr, "smsmatch: pdu encode: --ref "
						"wants 0-255\n");
				return SM_EXIT_USAGE;
			}
			o.ref = (unsigned)v;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "smsmatch: pdu encode: unexpected '%s'\n",
				a);
			pdu_usage(stderr);
			return SM_EXIT_USAGE;
		} else if (text) {
			fprintf(stderr, "smsmatch: pdu encode: one TEXT only "
					"(quote it)\n");
			return SM_EXIT_USAGE;
		} else {
			text = a;
		}
	}
	if (!to || !text) {
		pdu_usage(stderr);
		return SM_EXIT_USAGE;
	}
	n = sm_pdu_encode_submit(to, text, &o, parts, SM_PDU_PARTS_MAX,
				 &coding, err, sizeof(err));
	if (n < 0)
		return pdu_err("encode", err);
	if (json) {
		json_t *root = json_object(), *arr = json_array();

		json_object_set_new(root, "encoding",
				    json_string(sm_pdu_coding_name(coding)));
		for (int i = 0; i < n; i++)
			json_array_append_new(
				arr, json_pack("{s:i, s:s}", "tpdu_len",
					       (int)parts[i].tpdu_len, "pdu",
					       parts[i].hex));
		json_object_set_new(root, "parts", arr);
		return print_json(root);
	}
	for (int i = 0; i < n; i++)
		printf("AT+CMGS=%u\n%s\n", parts[i].tpdu_len, parts[i].hex);
	return SM_EXIT_OK;
}

int sm_cli_pdu(int argc, char **argv)
{
	if (argc < 2) {
		pdu_usage(stderr);
		return SM_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		pdu_usage(stdout);
		return SM_EXIT_OK;
	}
	if (!strcmp(argv[1], "decode"))
		return cmd_decode(argc - 1, argv + 1);
	if (!strcmp(argv[1], "encode"))
		return cmd_encode(argc - 1, argv + 1);
	fprintf(stderr, "smsmatch: pdu: unknown command '%s'\n", argv[1]);
	pdu_usage(stderr);
	return SM_EXIT_USAGE;
}
