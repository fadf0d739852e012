/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sms.c - the simulator's SMS storage and text-mode character sets.
 *
 * A storage (SM, ME, SR) is a fixed array of slots holding PDUs as the
 * network delivered them; text mode renders them on demand.  Text mode
 * talks to the TE in the +CSCS character set (27.007 5.5): the GSM 7-bit
 * default alphabet one byte per septet (23.038 6.2.1), IRA (ASCII), or
 * UCS2 as hex digits.  No I/O here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "smsmatch/utf8.h"
#include "sim.h"

const char *sim_mem_name(enum sim_mem mem)
{
	switch (mem) {
	case SIM_MEM_SM:
		return "SM";
	case SIM_MEM_ME:
		return "ME";
	case SIM_MEM_SR:
		return "SR";
	}
	return "?";
}

int sim_mem_parse(const char *name, enum sim_mem *out)
{
	static const enum sim_mem all[] = {SIM_MEM_SM, SIM_MEM_ME, SIM_MEM_SR};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (strcasecmp(name, sim_mem_name(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	}
	return -EINVAL;
}

const char *sim_stat_name(enum sim_stat stat)
{
	switch (stat) {
	case SIM_STAT_REC_UNREAD:
		return "REC UNREAD";
	case SIM_STAT_REC_READ:
		return "REC READ";
	case SIM_STAT_STO_UNSENT:
		return "STO UNSENT";
	case SIM_STAT_STO_SENT:
		return "STO SENT";
	case SIM_STAT_ALL:
		return "ALL";
	}
	return "?";
}

int sim_stat_parse(const char *name, enum sim_stat *out)
{
	for (int s = SIM_STAT_REC_UNREAD; s <= SIM_STAT_ALL; s++) {
		if (strcasecmp(name, sim_stat_name((enum sim_stat)s)) == 0) {
			*out = (enum sim_stat)s;
			return 0;
		}
	}
	return -EINVAL;
}

unsigned sim_store_used(const struct sim_store *st)
{
	unsigned n = 0;

	for (size_t i = 0; i < SIM_SLOTS; i++)
		n += st->slot[i].used;
	return n;
}

int sim_store_put(struct sim_store *st, const char *hex, unsigned tpdu_len,
		  enum sim_stat stat)
{
	size_t n = strlen(hex);

	if (n >= sizeof(st->slot[0].hex))
		return -E2BIG;
	for (size_t i = 0; i < SIM_SLOTS; i++) {
		struct sim_slot *s = &st->slot[i];

		if (s->used)
			continue;
		memcpy(s->hex, hex, n + 1);
		s->tpdu_len = tpdu_len;
		s->stat = stat;
		s->used = true;
		return (int)i;
	}
	return -ENOSPC;
}

const char *sim_charset_name(enum sim_charset cs)
{
	switch (cs) {
	case SIM_CS_GSM:
		return "GSM";
	case SIM_CS_IRA:
		return "IRA";
	case SIM_CS_UCS2:
		return "UCS2";
	}
	return "?";
}

int sim_charset_parse(const char *name, enum sim_charset *out)
{
	static const enum sim_charset all[] = {SIM_CS_GSM, SIM_CS_IRA,
					       SIM_CS_UCS2};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (strcasecmp(name, sim_charset_name(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	}
	return -EINVAL;
}

/* 23.038 6.2.1: the GSM 7-bit default alphabet, septet -> code point. */
static const unsigned short gsm_basic[128] = {
	'@',   0xA3,  '$',   0xA5,  0xE8,  0xE9,  0xF9,	 0xEC,	 0xF2,	0xC7,
	'\n',  0xD8,  0xF8,  '\r',  0xC5,  0xE5,  0x394, '_',	 0x3A6, 0x393,
	0x39B, 0x3A9, 0x3A0, 0x3A8, 0x3A3, 0x398, 0x39E, 0xFFFF, 0xC6,	0xE6,
	0xDF,  0xC9,  ' ',   '!',   '"',   '#',	  0xA4,	 '%',	 '&',	'\'',
	'(',   ')',   '*',   '+',   ',',   '-',	  '.',	 '/',	 '0',	'1',
	'2',   '3',   '4',   '5',   '6',   '7',	  '8',	 '9',	 ':',	';',
	'<',   '=',   '>',   '?',   0xA1,  'A',	  'B',	 'C',	 'D',	'E',
	'F',   'G',   'H',   'I',   'J',   'K',	  'L',	 'M',	 'N',	'O',
	'P',   'Q',   'R',   'S',   'T',   'U',	  'V',	 'W',	 'X',	'Y',
	'Z',   0xC4,  0xD6,  0xD1,  0xDC,  0xA7,  0xBF,	 'a',	 'b',	'c',
	'd',   'e',   'f',   'g',   'h',   'i',	  'j',	 'k',	 'l',	'm',
	'n',   'o',   'p',   'q',   'r',   's',	  't',	 'u',	 'v',	'w',
	'x',   'y',   'z',   0xE4,  0xF6,  0xF1,  0xFC,	 0xE0,
};

/* 23.038 6.2.1.1: the extension table, reached through 0x1B. */
static const struct {
	unsigned char septet;
	unsigned short cp;
} gsm_ext[] = {
	{0x0A, 0x0C}, {0x14, '^'}, {0x28, '{'}, {0x29, '}'}, {0x2F, '\\'},
	{0x3C, '['},  {0x3D, '~'}, {0x3E, ']'}, {0x40, '|'}, {0x65, 0x20AC},
};

/* Septet(s) for @cp: 1 or 2 (escape + septet), 0 when not in GSM. */
static int gsm_from_cp(unsigned cp, unsigned char *out)
{
	for (int i = 0; i < 128; i++) {
		if (gsm_basic[i] == cp && i != 0x1B) {
			out[0] = (unsigned char)i;
			return 1;
		}
	}
	for (size_t i = 0; i < sizeof(gsm_ext) / sizeof(gsm_ext[0]); i++) {
		if (gsm_ext[i].cp == cp) {
			out[0] = 0x1B;
			out[1] = gsm_ext[i].septet;
			return 2;
		}
	}
	return 0;
}

/* Decode one UTF-8 character at @s; returns its length or -1. */
static int utf8_get(const unsigned char *s, unsigned *cp)
{
	uint32_t c;
	size_t n = sm_utf8_decode((const char *)s, 4, &c);

	if (!n)
		return -1;
	*cp = c;
	return (int)n;
}

/* Encode @cp as UTF-8 into @out; returns its length. */
static int utf8_put(unsigned cp, char *out)
{
	return (int)sm_utf8_encode(cp, out);
}

int sim_utf8_to_ucs2hex(const char *in, char *out, size_t len)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;

	while (*s) {
		unsigned cp, units[2];
		int n = utf8_get(s, &cp), k = 1;

		if (n < 0)
			return -EINVAL;
		s += n;
		units[0] = cp;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			units[0] = 0xD800 | (cp >> 10);
			units[1] = 0xDC00 | (cp & 0x3FF);
			k = 2;
		}
		for (int i = 0; i < k; i++) {
			if (o + 5 > len)
				return -E2BIG;
			snprintf(out + o, 5, "%04X", units[i]);
			o += 4;
		}
	}
	if (o >= len)
		return -E2BIG;
	out[o] = '\0';
	return (int)o;
}

int sim_cs_from_utf8(enum sim_charset cs, const char *in, char *out, size_t len)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;

	if (cs == SIM_CS_UCS2)
		return sim_utf8_to_ucs2hex(in, out, len);
	while (*s) {
		unsigned cp;
		unsigned char g[2];
		int n = utf8_get(s, &cp), k;

		if (n < 0)
			return -EINVAL;
		s += n;
		if (cs == SIM_CS_GSM) {
			k = gsm_from_cp(cp, g);
			if (k == 0) {
				g[0] = '?';
				k = 1;
			}
		} else {
			g[0] = cp < 0x80 ? (unsigned char)cp : '?';
			k = 1;
		}
		if (o + (size_t)k >= len)
			return -E2BIG;
		memcpy(out + o, g, (size_t)k);
		o += (size_t)k;
	}
	if (o >= len)
		return -E2BIG;
	out[o] = '\0';
	return (int)o;
}


/* Append @cp as UTF-8 at out[*o], keeping room for the NUL. */
static int append_cp(char *out, size_t len, size_t *o, unsigned cp)
{
	char tmp[4];
	int k = utf8_put(cp, tmp);

	if (*o + (size_t)k >= len)
		return -E2BIG;
	memcpy(out + *o, tmp, (size_t)k);
	*o += (size_t)k;
	return 0;
}

static int ucs2hex_to_utf8(const char *in, size_t n, char *out, size_t len)
{
	size_t o = 0;

	if (n % 4)
		return -EINVAL;
	for (size_t i = 0; i < n; i += 4) {
		unsigned u = 0, cp;

		for (size_t j = 0; j < 4; j++) {
			int v = sm_hex_digit(in[i + j]);

			if (v < 0)
				return -EINVAL;
			u = (u << 4) | (unsigned)v;
		}
		cp = u;
		if (u >= 0xD800 && u <= 0xDBFF) {
			unsigned lo = 0;

			if (i + 8 > n)
				return -EINVAL;
			for (size_t j = 4; j < 8; j++) {
				int v = sm_hex_digit(in[i + j]);

				if (v < 0)
					return -EINVAL;
				lo = (lo << 4) | (unsigned)v;
			}
			if (lo < 0xDC00 || lo > 0xDFFF)
				return -EINVAL;
			cp = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
			i += 4;
		} else if (u >= 0xDC00 && u <= 0xDFFF) {
			return -EINVAL;
		}
		if (append_cp(out, len, &o, cp) < 0)
			return -E2BIG;
	}
	if (o >= len)
		return -E2BIG;
	out[o] = '\0';
	return (int)o;
}

int sim_cs_to_utf8(enum sim_charset cs, const char *in, size_t n, char *out,
		   size_t len)
{
	size_t o = 0;

	if (cs == SIM_CS_UCS2)
		return ucs2hex_to_utf8(in, n, out, len);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		unsigned cp = c;

		if (c >= 0x80) {
			/* a lenient TE typing UTF-8: pass it through */
			if (o + 1 >= len)
				return -E2BIG;
			out[o++] = (char)c;
			continue;
		}
		if (cs == SIM_CS_GSM) {
			cp = gsm_basic[c];
			if (c == 0x1B && i + 1 < n) {
				cp = '?';
				for (size_t e = 0;
				     e < sizeof(gsm_ext) / sizeof(gsm_ext[0]);
				     e++)
					if (gsm_ext[e].septet ==
					    (unsigned char)in[i + 1])
						cp = gsm_ext[e].cp;
				i++;
			} else if (c == 0x1B) {
				cp = ' ';
			}
		}
		if (append_cp(out, len, &o, cp) < 0)
			return -E2BIG;
	}
	if (o >= len)
		return -E2BIG;
	out[o] = '\0';
	return (int)o;
}

int sim_gsm_septets(const char *utf8, unsigned *units)
{
	const unsigned char *s = (const unsigned char *)utf8;
	int septets = 0;
	bool fits = true;

	*units = 0;
	while (*s) {
		unsigned cp;
		unsigned char g[2];
		int n = utf8_get(s, &cp), k;

		if (n < 0) {
			*units = 0;
			return -1;
		}
		s += n;
		*units += cp >= 0x10000 ? 2 : 1;
		k = gsm_from_cp(cp, g);
		if (k == 0)
			fits = false;
		septets += k;
	}
	return fits ? septets : -1;
}
