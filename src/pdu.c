/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pdu.c - SMS PDUs (3GPP TS 23.040, alphabets TS 23.038) on top of libgammu.
 *
 * libgammu does the alphabet work: GSM 7-bit packing with the extension
 * table and UDH fill bits, UCS-2, address and header encoding.  It trusts
 * its input, though: GSM_DecodePDUFrame() reads the UDH and user data where
 * the length octets say they are.  So every PDU is first walked here, field
 * by field, against the octets really present; only a frame that passed is
 * copied into a zero-padded buffer and handed to libgammu.
 *
 * What is done here rather than in libgammu, and why:
 *  - service centre time stamps (libgammu maps years 90-99 to 2080-2089 and
 *    always encodes time zone 0);
 *  - the concatenation IE (libgammu only recognises it when it is alone in
 *    the UDH or in Nokia's fixed layouts);
 *  - splitting long texts, so that no part ends inside an escape sequence
 *    or a surrogate pair, with our own reference numbers;
 *  - SMS-STATUS-REPORT framing (libgammu does not build real reports);
 *  - UTF-8 validation and transliteration to the GSM alphabet.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <gammu.h>

#include "smsmatch/pdu.h"
#include "smsmatch/utf8.h"

/* Octets of a whole PDU we accept: SMSC field (12) + longest TPDU (164). */
#define PDU_OCTETS_MAX (SM_PDU_HEX_MAX / 2)
/* Frames handed to libgammu are copied into buffers this large, zeroed. */
#define PDU_GAMMU_BUF 1024
/* Digits of an address: 23.040 9.1.2.5 allows 2-12 octets, 20 semi-octets. */
#define PDU_ADDR_DIGITS_MAX 20
/* Octets after the SMSC length octet: 24.011 8.2.5.1 (RP address). */
#define PDU_SMSC_OCTETS_MAX 11

/* ------------------------------------------------------------------ */
/* Small helpers                                                      */
/* ------------------------------------------------------------------ */

__attribute__((format(printf, 3, 4))) static int
pdu_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/*
 * libgammu's debug output goes to its global debug structure (a NULL
 * GSM_Debug_Info means "the global one").  Keep it at level "nothing" so a
 * library build with debugging on never writes to our stderr.  Setting the
 * same value again is harmless, so this is done on every entry.
 */
static GSM_Debug_Info *pdu_di(void)
{
	GSM_Debug_Info *di = GSM_GetGlobalDebug();

	GSM_SetDebugLevel("nothing", di);
	return di;
}


static void pdu_tohex(const uint8_t *b, size_t n, char *out)
{
	static const char digits[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* ------------------------------------------------------------------ */
/* UTF-8 and UTF-16                                                   */
/* ------------------------------------------------------------------ */

/*
 * Read one code point from *@s (advanced).  Returns 1, 0 at the end, or -1
 * for invalid UTF-8 (bad sequence, overlong form, surrogate, > U+10FFFF).
 */
static int utf8_next(const char **s, uint32_t *cp)
{
	size_t n;

	if (!**s)
		return 0;
	n = sm_utf8_decode(*s, 4, cp);
	if (!n)
		return -1;
	*s += n;
	return 1;
}


/*
 * Append @cp to libgammu's "unicode" string @dst (UTF-16BE units, two NUL
 * octets at the end) of @cap units, at unit *@n.  Returns 0 or -E2BIG.
 */
static int gammu_put(unsigned char *dst, size_t cap, size_t *n, uint32_t cp)
{
	size_t need = cp >= 0x10000 ? 2 : 1;

	if (*n + need + 1 > cap)
		return -E2BIG;
	if (cp >= 0x10000) {
		uint32_t v = cp - 0x10000;
		uint32_t hi = 0xD800 | (v >> 10), lo = 0xDC00 | (v & 0x3FF);

		dst[2 * *n] = (unsigned char)(hi >> 8);
		dst[2 * *n + 1] = (unsigned char)hi;
		dst[2 * *n + 2] = (unsigned char)(lo >> 8);
		dst[2 * *n + 3] = (unsigned char)lo;
	} else {
		dst[2 * *n] = (unsigned char)(cp >> 8);
		dst[2 * *n + 1] = (unsigned char)cp;
	}
	*n += need;
	dst[2 * *n] = 0;
	dst[2 * *n + 1] = 0;
	return 0;
}

/*
 * Convert libgammu's unicode string @src to UTF-8 in @out of @len bytes
 * with libgammu's EncodeUTF8(), which has no bound: it writes into a buffer
 * large enough for any SMS text (GSM_MAX_SMS_LENGTH units, 3 bytes each).
 */
static int gammu_to_utf8(const unsigned char *src, char *out, size_t len)
{
	char tmp[4 * (GSM_MAX_SMS_LENGTH + 1) * 2];
	size_t n;

	if (UnicodeLength(src) > GSM_MAX_SMS_LENGTH)
		return -E2BIG;
	tmp[0] = '\0';
	EncodeUTF8(tmp, src);
	n = strlen(tmp);
	if (n >= len)
		return -E2BIG;
	memcpy(out, tmp, n + 1);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The GSM 7-bit alphabet and transliteration                         */
/* ------------------------------------------------------------------ */

/* 23.038 6.2.1: the default alphabet, by septet (0x1B is the escape). */
static const uint16_t gsm7_default[128] = {
	0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC,
	0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5,
	0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8,
	0x03A3, 0x0398, 0x039E, 0xFFFF, 0x00C6, 0x00E6, 0x00DF, 0x00C9,
	0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027,
	0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
	0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F,
	0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
	0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F,
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
	0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,
	0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
	0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F,
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
	0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
};

/* 23.038 6.2.1.1: the extension table (escape + septet), by character. */
static const uint16_t gsm7_extension[] = {
	0x000C, 0x005E, 0x007B, 0x007D, 0x005C,
	0x005B, 0x007E, 0x005D, 0x007C, 0x20AC,
};

/* The septet after the escape for each gsm7_extension[] character. */
static const uint8_t gsm7_ext_septet[] = {
	0x0A, 0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E, 0x40, 0x65,
};

/* Septets @cp takes in GSM 7-bit: 1, 2 (extension table), 0 if none. */
static unsigned gsm7_cost(uint32_t cp)
{
	for (size_t i = 0; i < 128; i++)
		if (gsm7_default[i] == cp)
			return 1;
	for (size_t i = 0; i < sizeof(gsm7_extension) / 2; i++)
		if (gsm7_extension[i] == cp)
			return 2;
	return 0;
}

struct translit {
	uint32_t cp;	  /* a character outside the GSM alphabet */
	const char *repl; /* what to send instead (GSM characters only) */
};

/*
 * Replacements for what French (and neighbouring) texts use that the GSM
 * alphabet lacks.  The GSM letters themselves (é è à ù ì ò É Ç Ä Ö Ü Ñ ...)
 * never reach this table.
 */
static const struct translit translit_table[] = {
	/* Latin-1 letters */
	{ 0x00C0, "A" }, { 0x00C1, "A" }, { 0x00C2, "A" }, { 0x00C3, "A" },
	{ 0x00C8, "E" }, { 0x00CA, "E" }, { 0x00CB, "E" }, { 0x00CC, "I" },
	{ 0x00CD, "I" }, { 0x00CE, "I" }, { 0x00CF, "I" }, { 0x00D0, "D" },
	{ 0x00D2, "O" }, { 0x00D3, "O" }, { 0x00D4, "O" }, { 0x00D5, "O" },
	{ 0x00D7, "x" }, { 0x00D9, "U" }, { 0x00DA, "U" }, { 0x00DB, "U" },
	{ 0x00DD, "Y" }, { 0x00DE, "Th" }, { 0x00E1, "a" }, { 0x00E2, "a" },
	{ 0x00E3, "a" }, { 0x00E7, "c" }, { 0x00EA, "e" }, { 0x00EB, "e" },
	{ 0x00ED, "i" }, { 0x00EE, "i" }, { 0x00EF, "i" }, { 0x00F0, "d" },
	{ 0x00F3, "o" }, { 0x00F4, "o" }, { 0x00F5, "o" }, { 0x00F7, "/" },
	{ 0x00FA, "u" }, { 0x00FB, "u" }, { 0x00FD, "y" }, { 0x00FE, "th" },
	{ 0x00FF, "y" },
	/* Latin-1 signs */
	{ 0x00A0, " " }, { 0x00A2, "c" }, { 0x00A6, "|" }, { 0x00A8, "\"" },
	{ 0x00A9, "(c)" }, { 0x00AA, "a" }, { 0x00AB, "\"" }, { 0x00AD, "" },
	{ 0x00AE, "(R)" }, { 0x00AF, "-" }, { 0x00B0, "o" }, { 0x00B1, "+/-" },
	{ 0x00B2, "2" }, { 0x00B3, "3" }, { 0x00B4, "'" }, { 0x00B5, "u" },
	{ 0x00B6, "P" }, { 0x00B7, "." }, { 0x00B8, "," }, { 0x00B9, "1" },
	{ 0x00BA, "o" }, { 0x00BB, "\"" }, { 0x00BC, "1/4" }, { 0x00BD, "1/2" },
	{ 0x00BE, "3/4" }, { 0x0060, "'" },
	/* Latin Extended-A, as names from the rest of Europe arrive */
	{ 0x0100, "A" }, { 0x0101, "a" }, { 0x0102, "A" }, { 0x0103, "a" },
	{ 0x0104, "A" }, { 0x0105, "a" }, { 0x0106, "C" }, { 0x0107, "c" },
	{ 0x010C, "C" }, { 0x010D, "c" }, { 0x010E, "D" }, { 0x010F, "d" },
	{ 0x0110, "D" }, { 0x0111, "d" }, { 0x0112, "E" }, { 0x0113, "e" },
	{ 0x0118, "E" }, { 0x0119, "e" }, { 0x011A, "E" }, { 0x011B, "e" },
	{ 0x011E, "G" }, { 0x011F, "g" }, { 0x012A, "I" }, { 0x012B, "i" },
	{ 0x0130, "I" }, { 0x0131, "i" }, { 0x0141, "L" }, { 0x0142, "l" },
	{ 0x0143, "N" }, { 0x0144, "n" }, { 0x0147, "N" }, { 0x0148, "n" },
	{ 0x014C, "O" }, { 0x014D, "o" }, { 0x0150, "O" }, { 0x0151, "o" },
	{ 0x0152, "OE" }, { 0x0153, "oe" }, { 0x0158, "R" }, { 0x0159, "r" },
	{ 0x015A, "S" }, { 0x015B, "s" }, { 0x015E, "S" }, { 0x015F, "s" },
	{ 0x0160, "S" }, { 0x0161, "s" }, { 0x0162, "T" }, { 0x0163, "t" },
	{ 0x0164, "T" }, { 0x0165, "t" }, { 0x016A, "U" }, { 0x016B, "u" },
	{ 0x016E, "U" }, { 0x016F, "u" }, { 0x0170, "U" }, { 0x0171, "u" },
	{ 0x0178, "Y" }, { 0x0179, "Z" }, { 0x017A, "z" }, { 0x017B, "Z" },
	{ 0x017C, "z" }, { 0x017D, "Z" }, { 0x017E, "z" }, { 0x0218, "S" },
	{ 0x0219, "s" }, { 0x021A, "T" }, { 0x021B, "t" },
	/* Typography: apostrophes, quotes, dashes, spaces */
	{ 0x02BC, "'" }, { 0x02C6, "^" }, { 0x02DC, "~" }, { 0x2002, " " },
	{ 0x2003, " " }, { 0x2004, " " }, { 0x2005, " " }, { 0x2006, " " },
	{ 0x2007, " " }, { 0x2008, " " }, { 0x2009, " " }, { 0x200A, " " },
	{ 0x200B, "" }, { 0x200C, "" }, { 0x200D, "" }, { 0x2010, "-" },
	{ 0x2011, "-" }, { 0x2012, "-" }, { 0x2013, "-" }, { 0x2014, "-" },
	{ 0x2015, "-" }, { 0x2018, "'" }, { 0x2019, "'" }, { 0x201A, "'" },
	{ 0x201B, "'" }, { 0x201C, "\"" }, { 0x201D, "\"" }, { 0x201E, "\"" },
	{ 0x201F, "\"" }, { 0x2020, "+" }, { 0x2022, "-" }, { 0x2026, "..." },
	{ 0x202F, " " }, { 0x2030, "%" }, { 0x2032, "'" }, { 0x2033, "\"" },
	{ 0x2039, "'" }, { 0x203A, "'" }, { 0x2060, "" }, { 0x2122, "TM" },
	{ 0x2212, "-" }, { 0x2192, "->" }, { 0x2190, "<-" }, { 0x2264, "<=" },
	{ 0x2265, ">=" }, { 0x2260, "!=" }, { 0xFE0F, "" }, { 0xFEFF, "" },
	/* A few smileys people type; any other emoji becomes "?" */
	{ 0x1F600, ":D" }, { 0x1F603, ":D" }, { 0x1F604, ":D" },
	{ 0x1F609, ";)" }, { 0x1F60A, ":)" }, { 0x1F642, ":)" },
	{ 0x1F641, ":(" }, { 0x1F61E, ":(" }, { 0x1F622, ":'(" },
	{ 0x1F44D, "(ok)" }, { 0x2764, "<3" },
};

/*
 * What to send for @cp in GSM 7-bit: @cp itself when the alphabet has it,
 * else a replacement from the table, nothing for combining accents and
 * emoji modifiers, "?" for the rest.  Writes UTF-8 into @buf (8 bytes) and
 * returns @buf.
 */
static const char *translit_cp(uint32_t cp, char *buf)
{
	if (gsm7_cost(cp)) {
		buf[sm_utf8_encode(cp, buf)] = '\0';
		return buf;
	}
	for (size_t i = 0; i < sizeof(translit_table) / sizeof(*translit_table);
	     i++)
		if (translit_table[i].cp == cp)
			return translit_table[i].repl;
	/* combining diacritics (e + U+0301 -> e), skin tones */
	if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1F3FB && cp <= 0x1F3FF))
		return "";
	return "?";
}

/* Septets of the GSM replacement string @s (all GSM characters). */
static unsigned gsm7_cost_str(const char *s)
{
	uint32_t cp;
	unsigned n = 0;

	while (utf8_next(&s, &cp) > 0)
		n += gsm7_cost(cp);
	return n;
}

int sm_pdu_transliterate(const char *text, char *out, size_t len)
{
	const char *s = text;
	size_t n = 0;
	uint32_t cp;
	int rc;

	if (!len)
		return -E2BIG;
	out[0] = '\0';
	while ((rc = utf8_next(&s, &cp)) > 0) {
		char buf[8];
		const char *r = translit_cp(cp, buf);
		size_t rl = strlen(r);

		if (n + rl + 1 > len)
			return -E2BIG;
		memcpy(out + n, r, rl + 1);
		n += rl;
	}
	return rc < 0 ? -EINVAL : 0;
}

/* ------------------------------------------------------------------ */
/* Segmentation                                                       */
/* ------------------------------------------------------------------ */

struct pdu_plan {
	enum sm_pdu_coding coding;	    /* GSM7 or UCS2 */
	unsigned units;			    /* septets or UTF-16 units */
	unsigned parts;			    /* parts needed */
	size_t cut[SM_PDU_PARTS_MAX + 1]; /* byte offset where part i starts,
					   * cut[parts] is the end (when
					   * parts <= SM_PDU_PARTS_MAX) */
};

/* Units @cp takes in @coding (GSM7 after transliteration if @tl). */
static unsigned plan_cost(uint32_t cp, enum sm_pdu_coding coding, bool tl)
{
	char buf[8];

	switch (coding) {
	case SM_CODING_GSM7:
		return tl ? gsm7_cost_str(translit_cp(cp, buf)) :
			    gsm7_cost(cp);
	case SM_CODING_UCS2:
		return cp >= 0x10000 ? 2 : 1;
	case SM_CODING_8BIT:
		return 1;
	}
	return 1;
}

/*
 * Decide the alphabet and the parts of @text in @mode, with 8-bit (@ref16
 * false) or 16-bit concatenation references.  23.040 9.2.3.24.1: a UDH of
 * 6 octets (7 with a 16-bit reference) leaves 153 septets or 67 UCS-2
 * characters per part; a part never ends inside an escape sequence or a
 * surrogate pair.  Returns 0 or -EINVAL for invalid UTF-8.
 */
static int pdu_plan(const char *text, enum sm_text_mode mode, bool ref16,
		    struct pdu_plan *p)
{
	const char *s = text;
	unsigned single, multi, cur = 0;
	uint32_t cp;
	bool tl = false;
	int rc;

	memset(p, 0, sizeof(*p));
	switch (mode) {
	case SM_TEXT_AUTO:
		p->coding = SM_CODING_GSM7;
		while ((rc = utf8_next(&s, &cp)) > 0)
			if (!gsm7_cost(cp))
				p->coding = SM_CODING_UCS2;
		if (rc < 0)
			return -EINVAL;
		break;
	case SM_TEXT_GSM7:
		p->coding = SM_CODING_GSM7;
		tl = true;
		break;
	case SM_TEXT_UCS2:
		p->coding = SM_CODING_UCS2;
		break;
	}
	s = text;
	while ((rc = utf8_next(&s, &cp)) > 0)
		p->units += plan_cost(cp, p->coding, tl);
	if (rc < 0)
		return -EINVAL;

	single = p->coding == SM_CODING_GSM7 ? 160 : 70;
	multi = p->coding == SM_CODING_GSM7 ? (ref16 ? 152 : 153) :
					      (ref16 ? 66 : 67);
	p->parts = 1;
	p->cut[0] = 0;
	if (p->units > single) {
		const char *at = text;

		s = text;
		while (utf8_next(&s, &cp) > 0) {
			unsigned c = plan_cost(cp, p->coding, tl);

			if (cur + c > multi) {
				if (p->parts < SM_PDU_PARTS_MAX)
					p->cut[p->parts] = (size_t)(at - text);
				p->parts++;
				cur = 0;
			}
			cur += c;
			at = s;
		}
	}
	if (p->parts <= SM_PDU_PARTS_MAX)
		p->cut[p->parts] = strlen(text);
	return 0;
}

int sm_pdu_measure(const char *text, enum sm_text_mode mode, unsigned *parts,
		   enum sm_pdu_coding *coding, unsigned *units)
{
	struct pdu_plan p;

	if (pdu_plan(text, mode, false, &p) < 0)
		return -EINVAL;
	if (parts)
		*parts = p.parts;
	if (coding)
		*coding = p.coding;
	if (units)
		*units = p.units;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Decoding                                                           */
/* ------------------------------------------------------------------ */

/* Where the fields of one validated PDU are (octet offsets). */
struct pdu_walk {
	size_t n;		/* octets in the PDU */
	bool has_smsc;		/* an SMSC field leads */
	size_t tpdu;		/* first octet of the TPDU */
	size_t addr;		/* TP-OA / TP-DA / TP-RA length octet */
	unsigned toa;		/* its type of address */
	size_t scts;		/* TP-SCTS, 0 when absent */
	size_t dt;		/* TP-DT (status report), 0 when absent */
	size_t udl;		/* TP-UDL, 0 when absent */
	unsigned udl_value;	/* TP-UDL */
	size_t ud_octets;	/* octets of user data used */
	size_t udh_octets;	/* UDH octets including its length octet */
	bool udhi_ignored;	/* TP-UDHI set on empty user data */
	size_t dcs_at;		/* TP-DCS */
	int coding;		/* enum sm_pdu_coding, -1 before DCS */
};

/* Advance *@pos over @k octets of field @what, or fail. */
static int walk_take(const struct pdu_walk *w, size_t *pos, size_t k,
		     const char *what, char *err, size_t errlen)
{
	if (*pos + k > w->n)
		return pdu_fail(err, errlen, "PDU ends inside %s (octet %zu)",
				what, *pos);
	*pos += k;
	return 0;
}

/* An address field: 23.040 9.1.2.5. */
static int walk_addr(struct pdu_walk *w, const uint8_t *b, size_t *pos,
		     const char *what, char *err, size_t errlen)
{
	unsigned digits;

	w->addr = *pos;
	if (walk_take(w, pos, 2, what, err, errlen))
		return -EINVAL;
	digits = b[w->addr];
	w->toa = b[w->addr + 1];
	if (digits > PDU_ADDR_DIGITS_MAX)
		return pdu_fail(err, errlen,
				"%s of %u digits (at most %d allowed)", what,
				digits, PDU_ADDR_DIGITS_MAX);
	if (!(w->toa & 0x80))
		return pdu_fail(err, errlen,
				"%s type of address 0x%02X lacks bit 8", what,
				w->toa);
	return walk_take(w, pos, (digits + 1) / 2, what, err, errlen);
}

/*
 * The alphabet of a TP-DCS (23.038 4).  Reserved codings count as the GSM
 * 7-bit default alphabet, as 23.038 4 asks; compressed text (23.042) is
 * refused.  libgammu's GSM_GetMessageCoding() gives up on group 1111 with
 * the reserved bit 3 set, which real messages carry: DCS 0xFB in +CMGR
 * output collected by gammu (tests/at-sms, corpus V181).
 */
static int walk_coding(unsigned dcs, char *err, size_t errlen)
{
	unsigned alphabet = (dcs >> 2) & 3;

	switch (dcs >> 4) {
	case 0x0: case 0x1: case 0x2: case 0x3: /* general data coding */
	case 0x4: case 0x5: case 0x6: case 0x7: /* ... automatic deletion */
		if (dcs & 0x20)
			return pdu_fail(err, errlen,
					"compressed user data (DCS 0x%02X) is "
					"not supported",
					dcs);
		return alphabet == 1 ? SM_CODING_8BIT :
		       alphabet == 2 ? SM_CODING_UCS2 :
				       SM_CODING_GSM7;
	case 0xC: case 0xD: /* message waiting, discard / store */
		return SM_CODING_GSM7;
	case 0xE: /* message waiting, store, UCS-2 */
		return SM_CODING_UCS2;
	case 0xF: /* data coding / message class */
		return dcs & 4 ? SM_CODING_8BIT : SM_CODING_GSM7;
	default: /* 1000-1011 reserved */
		return SM_CODING_GSM7;
	}
}

/* The TP-DCS libgammu is shown for each alphabet, so it reads ours. */
static uint8_t canonical_dcs(int coding)
{
	return coding == SM_CODING_UCS2 ? 0x08 :
	       coding == SM_CODING_8BIT ? 0x04 :
					  0x00;
}

/*
 * An address as text (23.040 9.1.2.5; SMSC per 24.011 8.2.5.1 when @smsc):
 * semi-octets with 0-9 * # a b c (9.1.2.3), '+' for an international
 * number, or an alphanumeric sender in GSM 7-bit.  Done here because
 * libgammu's GSM_UnpackSemiOctetNumber() reads every nibble up to an 0xF
 * whatever the length says ("0B 91 5310101010 10" gives +350101010101 for
 * 11 digits, corpus V068; "01 80 05" gives 50, V121), drops * # a b c
 * ("09 E1 BADCBE5AF1" gives 51, V111), and reads alphanumeric senders as
 * ASCII, so septet 0x00 ('@') ends them and 0x7B ('ä') becomes '{' (V065,
 * V118).
 */
static void pdu_addr(const uint8_t *a, bool smsc, char *out, size_t len)
{
	static const char semi[] = "0123456789*#abc";
	unsigned digits = smsc ? (a[0] ? 2u * (a[0] - 1u) : 0u) : a[0];
	unsigned toa = a[1];
	size_t n = 0;

	out[0] = '\0';
	if (digits == 0)
		return;
	if (!smsc && ((toa >> 4) & 7) == 5) {
		unsigned septets = digits * 4 / 7;
		bool esc = false;

		for (unsigned i = 0; i < septets; i++) {
			unsigned bit = i * 7, o = bit / 8, sh = bit % 8;
			unsigned v = a[2 + o] >> sh;
			char tmp[8];
			size_t k;
			uint32_t cp;

			if (sh > 1)
				v |= (unsigned)a[2 + o + 1] << (8 - sh);
			v &= 0x7F;
			if (v == 0x1B && !esc) {
				esc = true;
				continue;
			}
			cp = gsm7_default[v];
			if (esc) {
				for (size_t e = 0; e < sizeof(gsm7_ext_septet);
				     e++)
					if (gsm7_ext_septet[e] == v)
						cp = gsm7_extension[e];
				esc = false;
			}
			if (cp == 0xFFFF)
				cp = ' ';
			k = sm_utf8_encode(cp, tmp);
			if (n + k + 1 > len)
				break;
			memcpy(out + n, tmp, k);
			n += k;
		}
		out[n] = '\0';
		return;
	}
	if (((toa >> 4) & 7) == 1 && n + 2 < len)
		out[n++] = '+';
	for (unsigned i = 0; i < digits && n + 1 < len; i++) {
		unsigned nib = i & 1 ? a[2 + i / 2] >> 4 : a[2 + i / 2] & 15;

		if (nib == 15)
			break; /* filler */
		out[n++] = semi[nib];
	}
	out[n] = '\0';
}

/* The concatenation IE inside the UDH (23.040 9.2.3.24.1 and .8). */
static int walk_udh(struct pdu_walk *w, const uint8_t *b,
		    struct sm_pdu_concat *cc, char *err, size_t errlen)
{
	size_t ud = w->udl + 1, udhl = b[ud], i = 1;

	while (i < udhl + 1) {
		unsigned iei, iel;
		const uint8_t *v;

		if (i + 2 > udhl + 1)
			return pdu_fail(err, errlen,
					"UDH: truncated information element "
					"at octet %zu",
					i);
		iei = b[ud + i];
		iel = b[ud + i + 1];
		if (i + 2 + iel > udhl + 1)
			return pdu_fail(err, errlen,
					"UDH: element 0x%02X of %u octets "
					"overruns the %zu-octet header",
					iei, iel, udhl);
		v = b + ud + i + 2;
		if (iei == 0x00 || iei == 0x08) {
			unsigned want = iei == 0x00 ? 3 : 4;

			if (iel != want)
				return pdu_fail(err, errlen,
						"UDH: concatenation element "
						"0x%02X of %u octets, not %u",
						iei, iel, want);
			cc->ref16 = iei == 0x08;
			cc->ref = cc->ref16 ? (unsigned)v[0] << 8 | v[1] : v[0];
			cc->total = v[want - 2];
			cc->seq = v[want - 1];
			/*
			 * 23.040 9.2.3.24.1 tells a receiver to ignore such
			 * an element; a gateway would then pass a fragment
			 * off as a whole message, so the PDU is refused.
			 */
			if (cc->total == 0 || cc->seq == 0 ||
			    cc->seq > cc->total)
				return pdu_fail(err, errlen,
						"UDH: concatenation says part "
						"%u of %u",
						cc->seq, cc->total);
		}
		i += 2 + iel;
	}
	return 0;
}

/* User data: 23.040 9.2.3.16 (TP-UDL) and 9.2.3.24 (TP-UD). */
static int walk_ud(struct pdu_walk *w, const uint8_t *b, size_t pos,
		   bool udhi, char *err, size_t errlen)
{
	unsigned udl, max = w->coding == SM_CODING_GSM7 ? 160 : 140;
	size_t avail, need;

	w->udl = pos;
	if (walk_take(w, &pos, 1, "TP-UDL", err, errlen))
		return -EINVAL;
	udl = b[w->udl];
	if (udl > max)
		return pdu_fail(err, errlen,
				"TP-UDL %u exceeds %u for this alphabet", udl,
				max);
	avail = w->n - pos;
	need = w->coding == SM_CODING_GSM7 ? (udl * 7 + 7) / 8 : udl;
	if (need > avail)
		return pdu_fail(err, errlen,
				"TP-UDL %u needs %zu octets of user data, "
				"%zu present",
				udl, need, avail);
	w->udl_value = udl;
	w->ud_octets = need;
	if (udhi && udl == 0) {
		/*
		 * TP-UDHI with no user data at all: read as "no UDH".  Seen
		 * in real +CMGR output collected by gammu (tests/at-sms,
		 * corpus V161): first octet 0xD5, TP-UDL 00.
		 */
		w->udhi_ignored = true;
	} else if (udhi) {
		size_t room = w->coding == SM_CODING_GSM7 ? udl * 7 / 8 : udl;

		w->udh_octets = (size_t)b[pos] + 1;
		if (w->udh_octets > room)
			return pdu_fail(err, errlen,
					"UDH of %zu octets is longer than the "
					"%zu octets of user data",
					w->udh_octets, room);
	}
	return 0;
}

/* Walk and bound every field of the PDU in @b. */
static int pdu_walk(const uint8_t *b, size_t n, int tpdu_len,
		    struct pdu_walk *w, struct sm_sms *out, char *err,
		    size_t errlen)
{
	size_t pos = 0;
	unsigned fo, mti, vpf;

	memset(w, 0, sizeof(*w));
	w->n = n;
	w->coding = -1;
	if (n == 0)
		return pdu_fail(err, errlen, "empty PDU");
	if (tpdu_len < 0 || (size_t)tpdu_len != n) {
		/* 27.005 3.1: <length> does not count the SMSC field */
		size_t smsc = (size_t)b[0] + 1;

		if (tpdu_len >= 0 && (size_t)tpdu_len > n)
			return pdu_fail(err, errlen,
					"PDU has %zu octets, fewer than the "
					"length %d",
					n, tpdu_len);
		if (tpdu_len >= 0 && n - (size_t)tpdu_len != smsc)
			return pdu_fail(err, errlen,
					"SMSC field of %zu octets does not "
					"match length %d of a %zu-octet PDU",
					smsc, tpdu_len, n);
		if (b[0] > PDU_SMSC_OCTETS_MAX)
			return pdu_fail(err, errlen,
					"SMSC address of %u octets (at most "
					"%d)",
					b[0], PDU_SMSC_OCTETS_MAX);
		if (walk_take(w, &pos, smsc, "the SMSC address", err, errlen))
			return -EINVAL;
		if (b[0] > 0 && !(b[1] & 0x80))
			return pdu_fail(err, errlen,
					"SMSC type of address 0x%02X lacks "
					"bit 8",
					b[1]);
		w->has_smsc = true;
	}
	w->tpdu = pos;
	if (walk_take(w, &pos, 1, "the first octet", err, errlen))
		return -EINVAL;
	fo = b[w->tpdu];
	mti = fo & 3; /* 23.040 9.2.3.1 */
	switch (mti) {
	case 0:
		out->type = SM_PDU_DELIVER;
		break;
	case 1:
		out->type = SM_PDU_SUBMIT;
		break;
	case 2:
		out->type = SM_PDU_STATUS_REPORT;
		break;
	default:
		return pdu_fail(err, errlen, "reserved message type TP-MTI 3");
	}
	out->status_report_request = fo & 0x20; /* 9.2.3.4 and .5 */
	if (out->type != SM_PDU_DELIVER) {
		out->mr = b[pos]; /* TP-MR, 9.2.3.6 */
		if (walk_take(w, &pos, 1, "TP-MR", err, errlen))
			return -EINVAL;
	}
	if (walk_addr(w, b, &pos, "the address", err, errlen))
		return -EINVAL;
	if (out->type == SM_PDU_STATUS_REPORT) {
		/* 23.040 9.2.2.3: SCTS, discharge time, status */
		w->scts = pos;
		w->dt = pos + 7;
		if (walk_take(w, &pos, 15, "TP-SCTS/TP-DT/TP-ST", err, errlen))
			return -EINVAL;
		out->status = b[pos - 1];
		/* 9.2.3.27 TP-PI, then TP-PID and TP-DCS when it says so */
		if (pos < n && (b[pos] & 1) && pos + 1 < n)
			out->pid = b[pos + 1];
		if (pos < n && (b[pos] & 2) && pos + 1 + (b[pos] & 1) < n)
			out->dcs = b[pos + 1 + (b[pos] & 1)];
		return 0;
	}
	out->pid = b[pos];
	out->dcs = b[pos + 1];
	w->dcs_at = pos + 1;
	if (walk_take(w, &pos, 2, "TP-PID/TP-DCS", err, errlen))
		return -EINVAL;
	w->coding = walk_coding(out->dcs, err, errlen);
	if (w->coding < 0)
		return -EINVAL;
	if (out->type == SM_PDU_DELIVER) {
		w->scts = pos;
		if (walk_take(w, &pos, 7, "TP-SCTS", err, errlen))
			return -EINVAL;
	} else {
		vpf = (fo >> 3) & 3; /* 9.2.3.3 */
		if (vpf == 1)
			return pdu_fail(err, errlen,
					"enhanced validity period format is "
					"not supported");
		if (walk_take(w, &pos, vpf == 2 ? 1 : vpf == 3 ? 7 : 0,
			      "TP-VP", err, errlen))
			return -EINVAL;
	}
	return walk_ud(w, b, pos, fo & 0x40, err, errlen);
}

/*
 * TP-SCTS / TP-DT (23.040 9.2.3.11): seven swapped-BCD octets, the zone in
 * quarters of an hour with bit 3 of the last octet as the sign.  Years are
 * taken as 20YY.  Returns false when a digit or field is out of range.
 */
static bool pdu_scts(const uint8_t *p, time_t *t, int *tz)
{
	int v[6], q;
	struct tm tm;

	for (int i = 0; i < 6; i++) {
		if ((p[i] & 15) > 9 || (p[i] >> 4) > 9)
			return false;
		v[i] = (p[i] & 15) * 10 + (p[i] >> 4);
	}
	/*
	 * The zone's units nibble is read as is, even above 9, as libgammu
	 * and python-gsmmodem do: a modem recorded in babca/python-gsmmodem
	 * #15 (corpus V033) sends zone octet 0xC2 for +08:00 (2*10 + 12
	 * quarters).
	 */
	q = (p[6] & 7) * 10 + (p[6] >> 4);
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
	    v[4] > 59 || v[5] > 59)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 100 + v[0];
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	*tz = (p[6] & 8 ? -q : q) * 15;
	*t = timegm(&tm) - (time_t)*tz * 60;
	return true;
}

/* Refuse UCS-2 user data with a lone surrogate (23.038 6.2.3). */
static int check_surrogates(const uint8_t *u, size_t units, char *err,
			    size_t errlen)
{
	for (size_t i = 0; i < units; i++) {
		unsigned c = (unsigned)u[2 * i] << 8 | u[2 * i + 1];

		if (c >= 0xD800 && c <= 0xDBFF) {
			unsigned d = i + 1 < units ?
					     (unsigned)u[2 * i + 2] << 8 |
						     u[2 * i + 3] :
					     0;

			if (d < 0xDC00 || d > 0xDFFF)
				return pdu_fail(err, errlen,
						"UCS-2: high surrogate 0x%04X "
						"without its pair (unit %zu)",
						c, i + 1);
			i++;
		} else if (c >= 0xDC00 && c <= 0xDFFF) {
			return pdu_fail(err, errlen,
					"UCS-2: low surrogate 0x%04X without "
					"its pair (unit %zu)",
					c, i + 1);
		}
	}
	return 0;
}

int sm_pdu_decode(const char *hex, int tpdu_len, struct sm_sms *out,
		  char *err, size_t errlen)
{
	uint8_t b[PDU_GAMMU_BUF];
	struct pdu_walk w;
	GSM_SMSMessage sms;
	size_t n = 0, final = 0, len;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	memset(out, 0, sizeof(*out));
	out->mr = -1;
	out->status = -1;
	memset(b, 0, sizeof(b));
	for (const char *h = hex; *h; h += 2) {
		int hi = sm_hex_digit(h[0]), lo;

		if (hi < 0)
			return pdu_fail(err, errlen,
					"not a hex digit at position %zu",
					(size_t)(h - hex) + 1);
		if (!h[1])
			return pdu_fail(err, errlen,
					"odd number of hex digits");
		lo = sm_hex_digit(h[1]);
		if (lo < 0)
			return pdu_fail(err, errlen,
					"not a hex digit at position %zu",
					(size_t)(h - hex) + 2);
		if (n >= PDU_OCTETS_MAX)
			return pdu_fail(err, errlen,
					"PDU longer than %d octets",
					PDU_OCTETS_MAX);
		b[n++] = (uint8_t)(hi << 4 | lo);
	}
	rc = pdu_walk(b, n, tpdu_len, &w, out, err, errlen);
	if (rc)
		return rc;
	if (w.udl && w.udh_octets &&
	    walk_udh(&w, b, &out->concat, err, errlen))
		return -EINVAL;
	if (w.coding == SM_CODING_UCS2 &&
	    check_surrogates(b + w.udl + 1 + w.udh_octets,
			     (w.ud_octets - w.udh_octets) / 2, err, errlen))
		return -EINVAL;

	/*
	 * The frame libgammu sees: the TPDU alone, our reading of TP-DCS,
	 * nothing past the user data, zeros after it.
	 */
	len = n;
	if (w.udl) {
		b[w.dcs_at] = canonical_dcs(w.coding);
		if (w.udhi_ignored)
			b[w.tpdu] &= (uint8_t)~0x40;
		len = w.udl + 1 + w.ud_octets;
		if (w.ud_octets == 0)
			len++; /* libgammu wants an octet past an empty UD */
		memset(b + w.udl + 1 + w.ud_octets, 0,
		       sizeof(b) - (w.udl + 1 + w.ud_octets));
	}
	memset(&sms, 0, sizeof(sms));
	if (GSM_DecodePDUFrame(pdu_di(), &sms, b + w.tpdu, len - w.tpdu,
			       &final, FALSE) != ERR_NONE)
		return pdu_fail(err, errlen, "libgammu could not decode it");
	if (w.udl && w.tpdu + final != w.udl + 1 + w.ud_octets)
		return pdu_fail(err, errlen,
				"libgammu read the PDU differently "
				"(%zu octets, expected %zu)",
				w.tpdu + final, w.udl + 1 + w.ud_octets);

	out->number_toa = w.toa;
	out->number_alpha = ((w.toa >> 4) & 7) == 5; /* 23.040 9.1.2.5 */
	pdu_addr(b + w.addr, false, out->number, sizeof(out->number));
	if (w.has_smsc)
		pdu_addr(b, true, out->smsc, sizeof(out->smsc));
	if (w.scts)
		out->has_timestamp =
			pdu_scts(b + w.scts, &out->timestamp, &out->tz_minutes);
	if (w.dt)
		out->has_discharge = pdu_scts(b + w.dt, &out->discharge,
					      &out->discharge_tz_minutes);
	if (out->type == SM_PDU_STATUS_REPORT) {
		out->coding = SM_CODING_GSM7;
		return 0;
	}
	out->coding = (enum sm_pdu_coding)w.coding;
	switch (out->coding) {
	case SM_CODING_GSM7:
	case SM_CODING_UCS2:
		if (gammu_to_utf8(sms.Text, out->text, sizeof(out->text)))
			return pdu_fail(err, errlen, "text too long");
		break;
	case SM_CODING_8BIT:
		out->data_len = w.ud_octets - w.udh_octets;
		memcpy(out->data, b + w.udl + 1 + w.udh_octets, out->data_len);
		break;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Encoding                                                           */
/* ------------------------------------------------------------------ */

/* "+33612345678" or national digits: 1-20 digits after an optional '+'. */
static bool pdu_number_ok(const char *s)
{
	size_t n = 0;

	if (!s)
		return false;
	if (*s == '+')
		s++;
	for (; *s; s++, n++)
		if (*s < '0' || *s > '9')
			return false;
	return n >= 1 && n <= PDU_ADDR_DIGITS_MAX;
}

/* An alphanumeric sender: 1-11 GSM characters (23.040 9.1.2.5). */
static bool pdu_alpha_ok(const char *s)
{
	uint32_t cp;
	unsigned n = 0;
	int rc;

	while ((rc = utf8_next(&s, &cp)) > 0) {
		if (!gsm7_cost(cp))
			return false;
		n += gsm7_cost(cp);
	}
	return rc == 0 && n >= 1 && n <= 11;
}

/*
 * An alphanumeric address (23.040 9.1.2.5): length in semi-octets, type
 * 0xD0, the name in packed GSM 7-bit.  Written into @out (12 octets);
 * returns its size.  Done here because libgammu packs the name's ASCII
 * codes, so '@' becomes '¡' and '{' becomes 'ä' on the phone.
 */
static size_t pdu_pack_alpha(const char *name, uint8_t *out)
{
	uint8_t sept[11];
	size_t n = 0, octets;
	uint32_t cp;

	while (n < sizeof(sept) && utf8_next(&name, &cp) > 0) {
		for (size_t i = 0; i < 128; i++)
			if (gsm7_default[i] == cp)
				sept[n++] = (uint8_t)i;
		for (size_t e = 0; e < sizeof(gsm7_ext_septet); e++)
			if (gsm7_extension[e] == cp && n + 2 <= sizeof(sept)) {
				sept[n++] = 0x1B;
				sept[n++] = gsm7_ext_septet[e];
			}
	}
	octets = (n * 7 + 7) / 8;
	memset(out, 0, 12);
	out[0] = (uint8_t)((n * 7 + 3) / 4);
	out[1] = 0xD0;
	for (size_t i = 0; i < n; i++) {
		size_t bit = i * 7, o = bit / 8, sh = bit % 8;

		out[2 + o] |= (uint8_t)(sept[i] << sh);
		if (sh > 1)
			out[2 + o + 1] |= (uint8_t)(sept[i] >> (8 - sh));
	}
	return 2 + octets;
}

/* TP-VP relative (23.040 9.2.3.12.1) for at least @min minutes. */
static unsigned pdu_vp_relative(int min)
{
	if (min <= 720)
		return min <= 5 ? 0 : (unsigned)(min + 4) / 5 - 1;
	if (min <= 1440)
		return 143 + (unsigned)(min - 720 + 29) / 30;
	if (min <= 30 * 1440)
		return 166 + (unsigned)(min + 1439) / 1440;
	if (min <= 63 * 10080)
		return 192 + (unsigned)(min + 10079) / 10080;
	return 255;
}

/* Write @utc shown at zone @tz_minutes as a TP-SCTS (23.040 9.2.3.11). */
static int pdu_put_scts(uint8_t *p, time_t utc, int tz_minutes)
{
	time_t local = utc + (time_t)tz_minutes * 60;
	struct tm tm;
	int v[6], q = (tz_minutes < 0 ? -tz_minutes : tz_minutes) / 15;

	if (!gmtime_r(&local, &tm) || tm.tm_year < 100 || tm.tm_year > 199)
		return -EINVAL;
	v[0] = tm.tm_year - 100;
	v[1] = tm.tm_mon + 1;
	v[2] = tm.tm_mday;
	v[3] = tm.tm_hour;
	v[4] = tm.tm_min;
	v[5] = tm.tm_sec;
	for (int i = 0; i < 6; i++)
		p[i] = (uint8_t)((v[i] % 10) << 4 | v[i] / 10);
	p[6] = (uint8_t)((q % 10) << 4 | (q / 10) | (tz_minutes < 0 ? 8 : 0));
	return 0;
}

static bool pdu_tz_ok(int tz_minutes)
{
	return tz_minutes % 15 == 0 && tz_minutes >= -79 * 15 &&
	       tz_minutes <= 79 * 15;
}

/* What one part needs: common to SMS-SUBMIT and SMS-DELIVER. */
struct pdu_part_in {
	GSM_SMSMessageType type;     /* SMS_Submit or SMS_Deliver */
	const char *addr;	     /* destination / originator */
	const char *smsc;	     /* NULL or "" for none */
	const char *text;	     /* the part's slice of UTF-8 */
	size_t text_len;	     /* bytes of that slice */
	enum sm_pdu_coding coding;   /* GSM7 or UCS2 */
	bool tl;		     /* transliterate (GSM7 mode) */
	unsigned ref, seq, total;    /* concatenation, total 0 for none */
	bool ref16;		     /* 16-bit reference */
	int vp;			     /* TP-VP octet, -1 for none */
	unsigned mr;		     /* TP-MR (submit) */
	bool srr;		     /* TP-SRR / TP-SRI */
	time_t ts;		     /* TP-SCTS (deliver) */
	int tz_minutes;		     /* its zone */
};

/*
 * Encode one part with GSM_EncodeSMSFrame() in libgammu's fixed layout,
 * then lay the fields out in TPDU order as its AT driver does.
 */
static int pdu_encode_part(const struct pdu_part_in *in,
			   struct sm_pdu_part *part, char *err, size_t errlen)
{
	GSM_SMSMessageLayout lay =
		in->type == SMS_Submit ? PHONE_SMSSubmit : PHONE_SMSDeliver;
	uint8_t buf[PDU_GAMMU_BUF], wire[PDU_OCTETS_MAX];
	static const size_t text_cap = GSM_MAX_SMS_LENGTH;
	GSM_SMSMessage sms;
	const char *s = in->text;
	size_t n = 0, units = 0, adl, udlen;
	int length = 0;
	uint32_t cp;

	GSM_SetDefaultSMSData(&sms);
	sms.PDU = in->type;
	sms.Class = -1;
	sms.Coding = in->coding == SM_CODING_GSM7 ?
			     SMS_Coding_Default_No_Compression :
			     SMS_Coding_Unicode_No_Compression;
	sms.MessageReference = (unsigned char)in->mr;
	sms.SMSC.Validity.Relative = in->vp < 0 ? 0 : in->vp;
	sms.ReplyViaSameSMSC = false;
	sms.RejectDuplicates = false;
	EncodeUnicode(sms.Number, in->addr, strlen(in->addr));
	EncodeUnicode(sms.SMSC.Number, in->smsc ? in->smsc : "",
		      in->smsc ? strlen(in->smsc) : 0);
	sms.Text[0] = sms.Text[1] = 0;
	while (s < in->text + in->text_len && utf8_next(&s, &cp) > 0) {
		char tb[8];
		const char *r = in->tl ? translit_cp(cp, tb) : NULL;

		if (!r) {
			if (gammu_put(sms.Text, text_cap, &units, cp))
				return pdu_fail(err, errlen, "part too long");
			continue;
		}
		while (utf8_next(&r, &cp) > 0)
			if (gammu_put(sms.Text, text_cap, &units, cp))
				return pdu_fail(err, errlen, "part too long");
	}
	sms.UDH.Type = UDH_NoUDH;
	if (in->total) {
		sms.UDH.Type = in->ref16 ? UDH_ConcatenatedMessages16bit :
					   UDH_ConcatenatedMessages;
		sms.UDH.ID8bit = (int)(in->ref & 0xFF);
		sms.UDH.ID16bit = (int)(in->ref & 0xFFFF);
		sms.UDH.PartNumber = (int)in->seq;
		sms.UDH.AllParts = (int)in->total;
		GSM_EncodeUDHHeader(pdu_di(), &sms.UDH);
	}
	memset(buf, 0, sizeof(buf));
	if (GSM_EncodeSMSFrame(pdu_di(), &sms, buf, lay, &length, TRUE) !=
	    ERR_NONE)
		return pdu_fail(err, errlen, "libgammu could not encode it");
	udlen = (size_t)length - lay.Text;
	if (length <= (int)lay.Text || udlen > 140 ||
	    (udlen == 0 && buf[lay.TPUDL] != 0))
		return pdu_fail(err, errlen, "user data too long for one PDU");

	/* SMSC field: 23.040 has none; 27.005 3.5.1 puts it first. */
	if (in->smsc && in->smsc[0]) {
		if ((size_t)buf[lay.SMSCNumber] + 1 > 12)
			return pdu_fail(err, errlen, "SMSC number too long");
		memcpy(wire, buf + lay.SMSCNumber,
		       (size_t)buf[lay.SMSCNumber] + 1);
		n = (size_t)buf[lay.SMSCNumber] + 1;
	} else {
		wire[n++] = 0;
	}
	part->tpdu_len = 0;
	{
		size_t tpdu = n;
		uint8_t fo = buf[lay.firstbyte];

		if (in->type == SMS_Submit) {
			fo &= (uint8_t)~0x18; /* 9.2.3.3 TP-VPF */
			if (in->vp >= 0)
				fo |= 0x10;
		} else {
			fo |= 0x04; /* 9.2.3.2 TP-MMS: no more messages */
		}
		if (in->srr)
			fo |= 0x20; /* 9.2.3.5 TP-SRR / 9.2.3.4 TP-SRI */
		wire[n++] = fo;
		if (in->type == SMS_Submit)
			wire[n++] = buf[lay.TPMR];
		if (pdu_number_ok(in->addr)) {
			adl = 2 + ((size_t)buf[lay.Number] + 1) / 2;
			memcpy(wire + n, buf + lay.Number, adl);
		} else {
			adl = pdu_pack_alpha(in->addr, wire + n);
		}
		n += adl;
		wire[n++] = buf[lay.TPPID];
		wire[n++] = buf[lay.TPDCS];
		if (in->type == SMS_Submit && in->vp >= 0)
			wire[n++] = buf[lay.TPVP];
		if (in->type == SMS_Deliver) {
			if (pdu_put_scts(wire + n, in->ts, in->tz_minutes))
				return pdu_fail(err, errlen,
						"timestamp out of range");
			n += 7;
		}
		wire[n++] = buf[lay.TPUDL];
		if (n + udlen > sizeof(wire))
			return pdu_fail(err, errlen, "PDU too long");
		memcpy(wire + n, buf + lay.Text, udlen);
		n += udlen;
		part->tpdu_len = (unsigned)(n - tpdu);
	}
	pdu_tohex(wire, n, part->hex);
	return 0;
}

/* Shared by SMS-SUBMIT and SMS-DELIVER: plan, then one PDU per part. */
static int pdu_encode_text(struct pdu_part_in *in, const char *text,
			   enum sm_text_mode mode, struct sm_pdu_part *parts,
			   size_t max, enum sm_pdu_coding *coding, char *err,
			   size_t errlen)
{
	struct pdu_plan plan;

	if (!text || pdu_plan(text, mode, in->ref16, &plan) < 0)
		return pdu_fail(err, errlen, "text is not valid UTF-8");
	if (plan.parts > max || plan.parts > SM_PDU_PARTS_MAX) {
		if (err && errlen)
			snprintf(err, errlen,
				 "text needs %u parts, more than %zu",
				 plan.parts,
				 max < SM_PDU_PARTS_MAX ? max :
							  SM_PDU_PARTS_MAX);
		return -E2BIG;
	}
	in->coding = plan.coding;
	in->tl = mode == SM_TEXT_GSM7;
	in->total = plan.parts > 1 ? plan.parts : 0;
	for (unsigned i = 0; i < plan.parts; i++) {
		int rc;

		in->seq = i + 1;
		in->text = text + plan.cut[i];
		in->text_len = plan.cut[i + 1] - plan.cut[i];
		rc = pdu_encode_part(in, &parts[i], err, errlen);
		if (rc)
			return rc;
	}
	if (coding)
		*coding = plan.coding;
	return (int)plan.parts;
}

int sm_pdu_encode_submit(const char *to, const char *text,
			 const struct sm_pdu_submit_opts *o,
			 struct sm_pdu_part *parts, size_t max,
			 enum sm_pdu_coding *coding, char *err, size_t errlen)
{
	struct pdu_part_in in;
	struct sm_pdu_submit_opts def = { .validity_minutes = -1 };

	if (err && errlen)
		err[0] = '\0';
	if (!o)
		o = &def;
	if (!pdu_number_ok(to))
		return pdu_fail(err, errlen,
				"bad number \"%s\": want +digits or digits "
				"(at most %d)",
				to ? to : "", PDU_ADDR_DIGITS_MAX);
	if (o->smsc && o->smsc[0] && !pdu_number_ok(o->smsc))
		return pdu_fail(err, errlen, "bad SMSC number \"%s\"", o->smsc);
	if (o->mr < 0 || o->mr > 255)
		return pdu_fail(err, errlen, "TP-MR %d out of 0-255", o->mr);
	memset(&in, 0, sizeof(in));
	in.type = SMS_Submit;
	in.addr = to;
	in.smsc = o->smsc;
	in.ref = o->ref;
	in.ref16 = o->ref16;
	in.vp = o->validity_minutes < 0 ? -1 :
					  (int)pdu_vp_relative(
						  o->validity_minutes);
	in.mr = (unsigned)o->mr;
	in.srr = o->status_report;
	return pdu_encode_text(&in, text, o->mode, parts, max, coding, err,
			       errlen);
}

int sm_pdu_encode_deliver(const char *from, const char *text,
			  const char *smsc, time_t ts, int tz_minutes,
			  enum sm_text_mode mode, unsigned ref,
			  struct sm_pdu_part *parts, size_t max,
			  enum sm_pdu_coding *coding, char *err, size_t errlen)
{
	struct pdu_part_in in;

	if (err && errlen)
		err[0] = '\0';
	if (!from || (!pdu_number_ok(from) && !pdu_alpha_ok(from)))
		return pdu_fail(err, errlen,
				"bad originator \"%s\": want a number or 1-11 "
				"GSM characters",
				from ? from : "");
	if (smsc && smsc[0] && !pdu_number_ok(smsc))
		return pdu_fail(err, errlen, "bad SMSC number \"%s\"", smsc);
	if (!pdu_tz_ok(tz_minutes))
		return pdu_fail(err, errlen,
				"time zone %d is not a quarter of an hour "
				"within +-19:45",
				tz_minutes);
	memset(&in, 0, sizeof(in));
	in.type = SMS_Deliver;
	in.addr = from;
	in.smsc = smsc;
	in.ref = ref;
	in.vp = -1;
	in.ts = ts;
	in.tz_minutes = tz_minutes;
	return pdu_encode_text(&in, text, mode, parts, max, coding, err,
			       errlen);
}

int sm_pdu_encode_status_report(const char *smsc, int mr, const char *to,
				int status, time_t scts, time_t discharge,
				int tz_minutes, struct sm_pdu_part *part,
				char *err, size_t errlen)
{
	GSM_SMSMessageLayout lay = PHONE_SMSStatusReport;
	uint8_t buf[PDU_GAMMU_BUF], wire[PDU_OCTETS_MAX];
	GSM_SMSMessage sms;
	size_t n = 0, tpdu, adl;
	int length = 0;

	if (err && errlen)
		err[0] = '\0';
	if (!pdu_number_ok(to))
		return pdu_fail(err, errlen, "bad number \"%s\"",
				to ? to : "");
	if (smsc && smsc[0] && !pdu_number_ok(smsc))
		return pdu_fail(err, errlen, "bad SMSC number \"%s\"", smsc);
	if (mr < 0 || mr > 255 || status < 0 || status > 255)
		return pdu_fail(err, errlen, "TP-MR %d or TP-ST %d out of range",
				mr, status);
	if (!pdu_tz_ok(tz_minutes))
		return pdu_fail(err, errlen, "time zone %d out of range",
				tz_minutes);
	/*
	 * libgammu builds no real SMS-STATUS-REPORT ("We DON'T CREATE FRAME
	 * FOR REAL SMS_STATUS_REPORT", gsmsms.c); its layout still packs the
	 * two addresses, the rest is laid out here (23.040 9.2.2.3).
	 */
	GSM_SetDefaultSMSData(&sms);
	sms.PDU = SMS_Deliver;
	sms.Class = -1;
	sms.Coding = SMS_Coding_8bit;
	sms.UDH.Type = UDH_NoUDH;
	EncodeUnicode(sms.Number, to, strlen(to));
	EncodeUnicode(sms.SMSC.Number, smsc ? smsc : "",
		      smsc ? strlen(smsc) : 0);
	memset(buf, 0, sizeof(buf));
	if (GSM_EncodeSMSFrame(pdu_di(), &sms, buf, lay, &length, TRUE) !=
	    ERR_NONE)
		return pdu_fail(err, errlen, "libgammu could not encode it");
	if (smsc && smsc[0]) {
		n = (size_t)buf[lay.SMSCNumber] + 1;
		memcpy(wire, buf + lay.SMSCNumber, n);
	} else {
		wire[n++] = 0;
	}
	tpdu = n;
	wire[n++] = 0x06; /* TP-MTI 10, TP-MMS: no more messages */
	wire[n++] = (uint8_t)mr;
	adl = 2 + ((size_t)buf[lay.Number] + 1) / 2;
	memcpy(wire + n, buf + lay.Number, adl);
	n += adl;
	if (pdu_put_scts(wire + n, scts, tz_minutes) ||
	    pdu_put_scts(wire + n + 7, discharge, tz_minutes))
		return pdu_fail(err, errlen, "timestamp out of range");
	n += 14;
	wire[n++] = (uint8_t)status;
	part->tpdu_len = (unsigned)(n - tpdu);
	pdu_tohex(wire, n, part->hex);
	return 0;
}

const char *sm_pdu_coding_name(enum sm_pdu_coding c)
{
	switch (c) {
	case SM_CODING_GSM7:
		return "gsm7";
	case SM_CODING_8BIT:
		return "8bit";
	case SM_CODING_UCS2:
		return "ucs2";
	}
	return "?";
}

const char *sm_pdu_type_name(enum sm_pdu_type t)
{
	switch (t) {
	case SM_PDU_DELIVER:
		return "deliver";
	case SM_PDU_SUBMIT:
		return "submit";
	case SM_PDU_STATUS_REPORT:
		return "status-report";
	}
	return "?";
}
