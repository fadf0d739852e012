/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modem_parse.c - I/O-free parsers and names of the modem driver: +CNMI=?
 * ranges and the choice of a setting, +CPMS=? storages, registration
 * states, +CMGL/+CMGR headers, +CMTI/+CDSI, signal in dBm, and the masking
 * of phone numbers and PDUs in logged AT lines.  Each is unit tested in
 * tests/unit/test_modem_parse.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smsmatch/at.h"
#include "smsmatch/log.h"
#include "smsmatch/modem.h"

#include "modem_priv.h"

const char *sm_modem_state_name(enum sm_modem_state s)
{
	switch (s) {
	case SM_MODEM_CLOSED:
		return "closed";
	case SM_MODEM_INIT:
		return "init";
	case SM_MODEM_READY:
		return "ready";
	case SM_MODEM_DOWN:
		return "down";
	}
	return "?";
}

const char *sm_sim_state_name(enum sm_sim_state s)
{
	switch (s) {
	case SM_SIM_UNKNOWN:
		return "unknown";
	case SM_SIM_READY:
		return "ready";
	case SM_SIM_PIN:
		return "SIM PIN";
	case SM_SIM_PUK:
		return "SIM PUK";
	case SM_SIM_ABSENT:
		return "absent";
	case SM_SIM_OTHER:
		return "other";
	}
	return "?";
}

/* 27.007 7.2 <stat> (the same values for +CEREG, 10.1.22). */
const char *sm_modem_reg_name(int stat)
{
	static const char *const names[] = {
		"not registered",
		"home",
		"searching",
		"denied",
		"unknown",
		"roaming",
		"home (SMS only)",
		"roaming (SMS only)",
		"emergency only",
		"home (CSFB not preferred)",
		"roaming (CSFB not preferred)",
	};

	if (stat < 0)
		return "unknown";
	if ((size_t)stat >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[stat];
}

bool sm_modem_reg_ok(int stat)
{
	return stat == 1 || stat == 5 || stat == 6 || stat == 7 || stat == 9 ||
	       stat == 10;
}

/* 27.007 8.5: 0 -113 dBm or less, 1 -111, 2..30 -109..-53, 31 -51+. */
int sm_modem_rssi_dbm(int rssi)
{
	if (rssi < 0 || rssi > 31)
		return 0;
	return -113 + 2 * rssi;
}

int sm_modem_rssi_bars(int rssi)
{
	if (rssi < 2 || rssi > 31)
		return 0;
	if (rssi < 10)
		return 1;
	if (rssi < 15)
		return 2;
	if (rssi < 20)
		return 3;
	return 4;
}

/* Parse one "(0-3)" or "(0,2)" or "(2)" group at *p into a bitmask. */
static int parse_range_group(const char **pp, unsigned *mask)
{
	const char *p = *pp;
	long lo = -1;
	bool dash = false;

	while (*p == ' ')
		p++;
	*mask = 0;
	if (*p != '(') {
		/* a bare number: "+CNMI: 2,1,..." is not a range list */
		return -EINVAL;
	}
	p++;
	for (;;) {
		char *end;
		long v;

		while (*p == ' ')
			p++;
		if (*p == ')') {
			p++;
			break;
		}
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		v = strtol(p, &end, 10);
		p = end;
		if (v < 0 || v > 31)
			return -EINVAL;
		if (dash && lo >= 0) {
			for (long i = lo; i <= v; i++)
				*mask |= 1u << i;
			dash = false;
		} else {
			*mask |= 1u << v;
		}
		lo = v;
		while (*p == ' ')
			p++;
		if (*p == '-') {
			dash = true;
			p++;
		} else if (*p == ',') {
			p++;
		} else if (*p != ')') {
			return -EINVAL;
		}
	}
	while (*p == ' ')
		p++;
	if (*p == ',')
		p++;
	*pp = p;
	return 0;
}

/* 27.005 3.4.1: +CNMI: (list of <mode>s),(<mt>s),(<bm>s),(<ds>s),(<bfr>s) */
int sm_parse_cnmi_ranges(const char *line, struct sm_cnmi_ranges *out)
{
	const char *p = line;
	int n = 0;

	memset(out, 0, sizeof(*out));
	if (strncmp(p, "+CNMI:", 6) == 0)
		p += 6;
	while (n < 5 && *p) {
		if (parse_range_group(&p, &out->mask[n]) < 0)
			return -EINVAL;
		n++;
	}
	/* <bm>, <ds> and <bfr> may be missing on old modems */
	return n >= 1 ? n : -EINVAL;
}

static int first_of(unsigned mask, const int *order, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (mask & (1u << order[i]))
			return order[i];
	return -1;
}

int sm_choose_cnmi(const struct sm_cnmi_ranges *r, int pref_ds, char *buf,
		   size_t len, int *ds)
{
	static const int modes[] = {2, 1, 3};
	int ds_order[4] = {2, 1, 0, 0};
	int mode, bm, d, bfr;

	/* mt=1: store and announce with +CMTI, the safe default */
	if (!(r->mask[1] & (1u << 1)))
		return -ENOTSUP;
	mode = first_of(r->mask[0], modes, 3);
	if (mode < 0)
		return -ENOTSUP;
	/* no cell broadcast; else the lowest value offered */
	bm = (!r->mask[2] || (r->mask[2] & 1u)) ? 0 : __builtin_ctz(r->mask[2]);
	if (pref_ds == 1) {
		ds_order[0] = 1;
		ds_order[1] = 2;
	}
	d = r->mask[3] ? first_of(r->mask[3], ds_order, 3) : 0;
	if (d < 0)
		d = 0;
	/* flush what the TA buffered when the mode is entered */
	bfr = (!r->mask[4] || (r->mask[4] & 1u)) ? 0 : 1;
	if (snprintf(buf, len, "%d,1,%d,%d,%d", mode, bm, d, bfr) >= (int)len)
		return -E2BIG;
	*ds = d;
	return 0;
}

/*
 * The first list of +CPMS=?.  Seen: ("ME","MT","SM","SR"),...;
 * (("SM","BM","SR"),("SM")) (nested, Nokia); (ME", "SR"), ... (a quote
 * missing); (),(),() (unsupported).  Names are runs of letters and '_'.
 */
int sm_parse_cpms_list(const char *line, char *buf, size_t len)
{
	const char *p = line;
	size_t o = 0;
	int depth = 0;

	if (len == 0)
		return -EINVAL;
	buf[0] = '\0';
	if (strncmp(p, "+CPMS:", 6) == 0)
		p += 6;
	while (*p == ' ')
		p++;
	if (*p != '(')
		return -EINVAL;
	while (*p == '(') {
		depth++;
		p++;
	}
	while (*p && *p != ')') {
		if (isalpha((unsigned char)*p)) {
			const char *s = p;
			size_t n;

			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			n = (size_t)(p - s);
			if (o + n + 2 > len)
				return -E2BIG;
			if (o)
				buf[o++] = ',';
			memcpy(buf + o, s, n);
			o += n;
			buf[o] = '\0';
		} else {
			p++;
		}
	}
	return depth > 0 && *p == ')' ? 0 : -EINVAL;
}

bool sm_mem_in_list(const char *list, const char *mem)
{
	size_t n = strlen(mem);

	for (const char *p = list; p && *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);

		if (l == n && strncmp(p, mem, n) == 0)
			return true;
		p = c ? c + 1 : NULL;
	}
	return false;
}

/*
 * 27.007 7.2: the query answers +CREG: <n>,<stat>[,<lac>,<ci>[,<AcT>]],
 * the URC +CREG: <stat>[,<lac>,<ci>[,<AcT>]] where <lac> is quoted.  So a
 * second parameter that is a number means the query form.
 */
int sm_parse_reg(const char *line, const char *prefix)
{
	struct sm_at_iter it;
	long a, b;

	if (!sm_at_iter_init(&it, line, prefix))
		return -1;
	if (!sm_at_iter_int(&it, &a))
		return -1;
	if (sm_at_iter_int(&it, &b))
		return (int)b;
	return (int)a;
}

/*
 * 27.005 3.4.2 +CMGL: <index>,<stat>,[<alpha>],<length>, and 3.4.3
 * +CMGR: <stat>,[<alpha>],<length>.  Seen in the wild: "+CMGL: 17,3,35"
 * (no <alpha>), "+CMGR: 0,23", "+CMGR: ,,27", "+CMGR: 24" (Nokia).
 * The length is the last number; stat the first after the index.
 */
int sm_parse_msg_header(const char *line, const char *prefix,
			struct sm_msg_header *out)
{
	const char *p;
	long v[8];
	bool have[8];
	int n = 0;
	bool cmgl = strcmp(prefix, "+CMGL:") == 0;

	out->index = -1;
	out->stat = -1;
	out->length = -1;
	if (strncmp(line, prefix, strlen(prefix)) != 0)
		return -EINVAL;
	p = line + strlen(prefix);
	while (n < 8) {
		char *end;

		while (*p == ' ')
			p++;
		have[n] = false;
		if (*p == '"') {
			const char *q = strchr(p + 1, '"');

			if (!q)
				return -EINVAL;
			p = q + 1;
		} else if (isdigit((unsigned char)*p) || *p == '-') {
			v[n] = strtol(p, &end, 10);
			if (end == p)
				return -EINVAL;
			have[n] = true;
			p = end;
		} else {
			while (*p && *p != ',')
				p++;
		}
		n++;
		while (*p == ' ')
			p++;
		if (*p != ',')
			break;
		p++;
	}
	if (cmgl) {
		if (!have[0])
			return -EINVAL;
		out->index = (int)v[0];
		if (n >= 2 && have[1])
			out->stat = (int)v[1];
		if (n >= 3 && have[n - 1])
			out->length = (int)v[n - 1];
		return 0;
	}
	if (n >= 2 && have[0])
		out->stat = (int)v[0];
	if (have[n - 1])
		out->length = (int)v[n - 1];
	return 0;
}

/* 27.005 3.4.1: +CMTI: <mem>,<index> and +CDSI: <mem>,<index>. */
int sm_parse_mem_index(const char *line, const char *prefix, char *mem,
		       size_t memlen, int *index)
{
	struct sm_at_iter it;
	long v;

	if (!sm_at_iter_init(&it, line, prefix))
		return -EINVAL;
	if (!sm_at_iter_str(&it, mem, memlen))
		return -EINVAL;
	if (!sm_at_iter_int(&it, &v) || v < 0 || v > 100000)
		return -EINVAL;
	*index = (int)v;
	return 0;
}

static bool is_pdu_line(const char *line, size_t len)
{
	if (len < 16 || (len % 2))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)line[i]))
			return false;
	return true;
}

/*
 * For logs: a PDU line (which holds numbers in semi-octets and the text)
 * becomes "<PDU n hex>", a PIN is hidden, and every run of 6 or more
 * digits (with its '+') goes through sm_log_mask_number().
 */
const char *sm_modem_mask_line(const char *line, size_t len, char *buf,
			       size_t buflen)
{
	size_t o = 0;

	if (buflen == 0)
		return buf;
	buf[0] = '\0';
	if (is_pdu_line(line, len)) {
		snprintf(buf, buflen, "<PDU %zu hex>", len);
		return buf;
	}
	if (len >= 8 && strncasecmp(line, "AT+CPIN=", 8) == 0) {
		snprintf(buf, buflen, "AT+CPIN=<hidden>");
		return buf;
	}
	for (size_t i = 0; i < len && o + 1 < buflen;) {
		size_t j = i;

		if (line[j] == '+')
			j++;
		while (j < len && isdigit((unsigned char)line[j]))
			j++;
		if (j - i >= 6 && j > i + (line[i] == '+') &&
		    (i == 0 || !isalnum((unsigned char)line[i - 1]))) {
			char num[64], masked[64];
			size_t n =
				j - i < sizeof(num) ? j - i : sizeof(num) - 1;

			memcpy(num, line + i, n);
			num[n] = '\0';
			sm_log_mask_number(num, masked, sizeof(masked));
			for (const char *c = masked; *c && o + 1 < buflen; c++)
				buf[o++] = *c;
			i = j;
			continue;
		}
		buf[o++] = line[i] ? line[i] : '.';
		i++;
	}
	buf[o] = '\0';
	return buf;
}
