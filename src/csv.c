/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * csv.c - the CSV reader of csv.h.
 *
 * Two passes over the source.  The first (open) looks at the first bytes
 * (UTF-8 BOM, UTF-16 BOM), runs a UTF-8 validator (Unicode 15, table 3-7)
 * over the whole file to choose UTF-8 or Windows-1252, and counts `;` and
 * `,` outside quotes on the first non-empty line to choose the separator.
 * The second (sm_csv_next()) decodes bytes to UTF-8 through a small
 * Windows-1252 table when needed and runs the record state machine:
 *
 *   START --'"'--> QUOTED --'"'--> QUOTE --'"'--> QUOTED (a literal ")
 *     |  \                            \--sep/EOL--> end of field
 *     |   \--other--> BARE --sep/EOL--> end of field
 *     \--sep/EOL--> empty field
 *
 * Memory is fixed at open: a 16 KB read buffer and one record buffer of
 * SM_CSV_RECORD_MAX bytes plus a NUL per field.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "smsmatch/csv.h"

#define CH_EOF	     256     /* get(): end of input */
#define RAW_CHUNK    16384   /* bytes read from a file at a time */
#define NO_PEEK	     (-1000) /* no byte pushed back */
#define NAME_MAX_LEN 256     /* file name kept for messages */

struct sm_csv {
	char name[NAME_MAX_LEN];      /* file name for messages */
	FILE *f;		      /* file source, or NULL */
	const unsigned char *mem;     /* memory source */
	size_t memlen;		      /* its size */
	unsigned char raw[RAW_CHUNK]; /* file read buffer */
	const unsigned char *rbuf;    /* current chunk (raw or mem) */
	size_t rlen, rpos;	      /* its length, read position */
	bool eof;		      /* source exhausted */
	int peeked;		      /* byte after a CR, or NO_PEEK */
	unsigned char dec[4];	      /* rest of a decoded CP1252 byte */
	int dlen, dpos;		      /* its length, position */
	bool nl;		      /* last byte was a line end */
	int line;		      /* line of the last byte, 1-based */
	size_t skip;		      /* BOM bytes to skip */
	enum sm_csv_encoding enc;     /* chosen at open */
	char sep;		      /* ';' or ',' */
	int err;		      /* sticky error, 0 if none */
	char errmsg[SM_CSV_ERR_MAX];  /* "FILE:LINE: what" */
	char rec[SM_CSV_RECORD_MAX + SM_CSV_COLS_MAX]; /* fields + NULs */
};

/* Windows-1252 0x80..0x9f (0: undefined); 0xa0..0xff is Latin-1. */
static const unsigned short cp1252_c1[32] = {
	0x20ac, 0,	0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0,	0x017d, 0,
	0,	0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,	0x017e, 0x0178,
};

const char *sm_csv_encoding_name(enum sm_csv_encoding e)
{
	switch (e) {
	case SM_CSV_UTF8:
		return "UTF-8";
	case SM_CSV_UTF8_BOM:
		return "UTF-8 with BOM";
	case SM_CSV_CP1252:
		return "Windows-1252";
	}
	return "?";
}

static int fail(struct sm_csv *c, int rc, const char *fmt, ...)
{
	int n = snprintf(c->errmsg, sizeof(c->errmsg), "%s:%d: ", c->name,
			 c->line);
	va_list ap;

	if (n < 0 || (size_t)n >= sizeof(c->errmsg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(c->errmsg + n, sizeof(c->errmsg) - (size_t)n, fmt, ap);
	va_end(ap);
	c->err = rc;
	return rc;
}

/* ---- raw bytes ------------------------------------------------------ */

static void rewind_source(struct sm_csv *c)
{
	c->eof = false;
	c->rpos = c->rlen = 0;
	c->rbuf = NULL;
	if (c->f)
		fseek(c->f, 0, SEEK_SET);
}

/* The next byte of the source, CH_EOF, or -EIO. */
static int raw_get(struct sm_csv *c)
{
	if (c->rpos < c->rlen)
		return c->rbuf[c->rpos++];
	if (c->eof)
		return CH_EOF;
	if (c->f) {
		c->rlen = fread(c->raw, 1, sizeof(c->raw), c->f);
		c->rbuf = c->raw;
		if (c->rlen == 0 && ferror(c->f))
			return fail(c, -EIO, "read error");
	} else {
		c->rbuf = c->mem;
		c->rlen = c->memlen;
	}
	c->rpos = 0;
	if (c->rlen == 0 || !c->f)
		c->eof = true; /* memory: one chunk; file: until a 0 read */
	if (c->rlen == 0)
		return CH_EOF;
	return c->rbuf[c->rpos++];
}

/* ---- first pass ----------------------------------------------------- */

/* UTF-8 validator state across chunks (Unicode table 3-7). */
struct utf8v {
	int need;	      /* continuation bytes still expected */
	unsigned char lo, hi; /* range of the next one */
};

static bool utf8v_byte(struct utf8v *v, unsigned b)
{
	if (v->need) {
		if (b < v->lo || b > v->hi)
			return false;
		v->need--;
		v->lo = 0x80;
		v->hi = 0xbf;
		return true;
	}
	v->lo = 0x80;
	v->hi = 0xbf;
	if (b < 0x80)
		return true;
	if (b >= 0xc2 && b <= 0xdf)
		v->need = 1;
	else if (b >= 0xe0 && b <= 0xef) {
		v->need = 2;
		if (b == 0xe0)
			v->lo = 0xa0;
		else if (b == 0xed)
			v->hi = 0x9f; /* no surrogates */
	} else if (b >= 0xf0 && b <= 0xf4) {
		v->need = 3;
		if (b == 0xf0)
			v->lo = 0x90;
		else if (b == 0xf4)
			v->hi = 0x8f;
	} else
		return false;
	return true;
}

/* Encoding, separator, BOM.  0 or a negative errno with the message. */
static int first_pass(struct sm_csv *c)
{
	struct utf8v v = {0, 0x80, 0xbf};
	unsigned char head[3];
	static const unsigned char bom[3] = {0xef, 0xbb, 0xbf};
	int nhead = 0, line = 1, bad_line = 0;
	bool in_bom = true;
	int ctl = -1, ctl_line = 0, prev = 0;
	size_t idx = 0;
	int semis = 0, commas = 0;
	bool quoted = false, first_done = false, first_seen = false;
	int b;

	while ((b = raw_get(c)) != CH_EOF) {
		if (b < 0)
			return b;
		if (nhead < 3)
			head[nhead++] = (unsigned char)b;
		in_bom = in_bom && idx < 3 && b == bom[idx];
		idx++;
		if (nhead == 2 && ((head[0] == 0xff && head[1] == 0xfe) ||
				   (head[0] == 0xfe && head[1] == 0xff)))
			return fail(c, -EILSEQ,
				    "UTF-16 text: save the file as \"CSV "
				    "UTF-8\" or \"CSV (point-virgule)\"");
		if (!bad_line && !utf8v_byte(&v, (unsigned)b))
			bad_line = line;
		if (ctl < 0 &&
		    (b == 0 ||
		     (b < 0x20 && b != '\t' && b != '\n' && b != '\r') ||
		     b == 0x7f)) {
			ctl = b;
			ctl_line = line;
		}
		if (!first_done) {
			if (b == '"')
				quoted = !quoted;
			else if (!quoted && b == ';')
				semis++;
			else if (!quoted && b == ',')
				commas++;
			else if (!quoted && (b == '\n' || b == '\r') &&
				 first_seen)
				first_done = true;
			if (b != '\n' && b != '\r' && b != ' ' && b != '\t' &&
			    !in_bom)
				first_seen = true;
		}
		/* CR LF, LF and a lone CR (old Mac files) end a line. */
		if (b == '\r' || (b == '\n' && prev != '\r'))
			line++;
		prev = b;
	}
	if (!bad_line && v.need)
		bad_line = line;
	c->skip = nhead == 3 && head[0] == 0xef && head[1] == 0xbb &&
				  head[2] == 0xbf
			  ? 3
			  : 0;
	if (ctl >= 0) {
		c->line = ctl_line;
		if (ctl == 0)
			return fail(c, -EILSEQ,
				    "NUL byte: not a text file (UTF-16 or "
				    "binary?)");
		return fail(c, -EILSEQ,
			    "control character 0x%02x: not a text file", ctl);
	}
	if (!first_seen) {
		c->line = 1;
		return fail(c, -ENODATA, "empty file");
	}
	if (c->skip && bad_line) {
		c->line = bad_line;
		return fail(c, -EILSEQ,
			    "invalid UTF-8 in a file marked UTF-8 (BOM)");
	}
	c->enc = bad_line  ? SM_CSV_CP1252
		 : c->skip ? SM_CSV_UTF8_BOM
			   : SM_CSV_UTF8;
	c->sep = commas > semis ? ',' : ';';
	return 0;
}

static int start(struct sm_csv *c, char *err, size_t errlen)
{
	int rc;

	c->peeked = NO_PEEK;
	c->line = 1;
	rc = first_pass(c);
	if (rc < 0) {
		if (err && errlen)
			snprintf(err, errlen, "%s", c->errmsg);
		return rc;
	}
	rewind_source(c);
	for (size_t i = 0; i < c->skip; i++)
		raw_get(c);
	c->line = 1;
	c->nl = false;
	c->err = 0;
	c->errmsg[0] = '\0';
	return 0;
}

int sm_csv_open(const char *path, struct sm_csv **out, char *err, size_t errlen)
{
	struct sm_csv *c;
	struct stat sb;
	int rc;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	snprintf(c->name, sizeof(c->name), "%s", path);
	c->f = fopen(path, "rb");
	if (!c->f) {
		rc = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open: %s", path,
				 strerror(errno));
		free(c);
		return rc;
	}
	if (fstat(fileno(c->f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		if (err && errlen)
			snprintf(err, errlen, "%s: not a regular file", path);
		sm_csv_free(c);
		return -EINVAL;
	}
	rc = start(c, err, errlen);
	if (rc < 0) {
		sm_csv_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int sm_csv_open_mem(const void *data, size_t len, const char *name,
		    struct sm_csv **out, char *err, size_t errlen)
{
	struct sm_csv *c;
	int rc;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c) {
		if (err && errlen)
			snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(c->name, sizeof(c->name), "%s", name ? name : "(memory)");
	c->mem = data;
	c->memlen = len;
	rc = start(c, err, errlen);
	if (rc < 0) {
		sm_csv_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void sm_csv_free(struct sm_csv *c)
{
	if (!c)
		return;
	if (c->f)
		fclose(c->f);
	free(c);
}

const char *sm_csv_error(const struct sm_csv *c)
{
	return c->errmsg;
}

enum sm_csv_encoding sm_csv_encoding(const struct sm_csv *c)
{
	return c->enc;
}

char sm_csv_separator(const struct sm_csv *c)
{
	return c->sep;
}

/* ---- second pass ---------------------------------------------------- */

/* Code point @cp as UTF-8 into @out (cp < 0x10000); the length. */
static int put_utf8(unsigned cp, unsigned char *out)
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | cp >> 6);
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	out[0] = (unsigned char)(0xe0 | cp >> 12);
	out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	out[2] = (unsigned char)(0x80 | (cp & 0x3f));
	return 3;
}

/*
 * The next UTF-8 byte of the text: CR LF and a lone CR become LF, a
 * Windows-1252 byte becomes its UTF-8 bytes.  CH_EOF or a negative errno.
 */
static int get(struct sm_csv *c)
{
	int b;

	if (c->dpos < c->dlen)
		return c->dec[c->dpos++];
	if (c->nl) {
		c->line++;
		c->nl = false;
	}
	if (c->peeked != NO_PEEK) {
		b = c->peeked;
		c->peeked = NO_PEEK;
	} else {
		b = raw_get(c);
	}
	if (b < 0 || b == CH_EOF)
		return b;
	if (b == '\r') {
		int n = raw_get(c);

		if (n != '\n')
			c->peeked = n;
		b = '\n';
	}
	if (b == '\n') {
		c->nl = true;
		return b;
	}
	if (b == 0)
		return fail(c, -EILSEQ,
			    "NUL byte: not a text file (UTF-16 or binary?)");
	if ((b < 0x20 && b != '\t') || b == 0x7f)
		return fail(c, -EILSEQ,
			    "control character 0x%02x: not a text file", b);
	if (b >= 0x80 && c->enc == SM_CSV_CP1252) {
		unsigned cp = b < 0xa0 ? cp1252_c1[b - 0x80] : (unsigned)b;

		if (!cp)
			return fail(c, -EILSEQ,
				    "byte 0x%02x is neither UTF-8 nor "
				    "Windows-1252",
				    b);
		c->dlen = put_utf8(cp, c->dec);
		c->dpos = 1;
		return c->dec[0];
	}
	return b;
}

enum state { ST_START, ST_BARE, ST_QUOTED, ST_QUOTE };

/* Record being built. */
struct build {
	struct sm_csv_record *rec; /* output */
	size_t pos;		   /* bytes used in c->rec */
	size_t fstart;		   /* first byte of the current field */
	int dropped;		   /* empty fields past SM_CSV_COLS_MAX */
	int qline;		   /* line where the open quote was */
};

/* Bound errors name the line where the record starts. */
static int append(struct sm_csv *c, struct build *b, int ch)
{
	if (b->pos - b->fstart >= SM_CSV_FIELD_MAX ||
	    b->pos >= SM_CSV_RECORD_MAX + (size_t)b->rec->nfields)
		c->line = b->rec->line;
	if (b->pos - b->fstart >= SM_CSV_FIELD_MAX)
		return fail(c, -EOVERFLOW, "field %d longer than %d bytes",
			    b->rec->nfields + 1, SM_CSV_FIELD_MAX);
	if (b->pos >= SM_CSV_RECORD_MAX + (size_t)b->rec->nfields)
		return fail(c, -EOVERFLOW, "record longer than %d bytes",
			    SM_CSV_RECORD_MAX);
	c->rec[b->pos++] = (char)ch;
	return 0;
}

static int end_field(struct sm_csv *c, struct build *b)
{
	struct sm_csv_record *r = b->rec;
	size_t len = b->pos - b->fstart;

	if (r->nfields == SM_CSV_COLS_MAX) {
		/* Excel pads rows with empty columns: drop those. */
		if (len == 0)
			return 0;
		c->line = r->line;
		return fail(c, -EOVERFLOW, "more than %d columns",
			    SM_CSV_COLS_MAX);
	}
	c->rec[b->pos++] = '\0';
	r->field[r->nfields] = c->rec + b->fstart;
	r->len[r->nfields] = len;
	r->nfields++;
	b->fstart = b->pos;
	return 0;
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

/* One physical record: 1, 0 at EOF before any byte, negative errno. */
static int read_record(struct sm_csv *c, struct sm_csv_record *r)
{
	struct build b = {.rec = r};
	enum state s = ST_START;
	bool any = false;
	int ch, rc = 0;

	r->nfields = 0;
	for (;;) {
		ch = get(c);
		if (ch < 0)
			return ch;
		if (!any) {
			if (ch == CH_EOF)
				return 0;
			any = true;
			r->line = c->line;
		}
		if (ch == CH_EOF) {
			if (s == ST_QUOTED) {
				c->line = b.qline;
				return fail(c, -EBADMSG,
					    "quoted field opened here is "
					    "never closed");
			}
			break;
		}
		switch (s) {
		case ST_START:
			if (ch == '"') {
				s = ST_QUOTED;
				b.qline = c->line;
			} else if (ch == c->sep) {
				rc = end_field(c, &b);
			} else if (ch != '\n') {
				rc = append(c, &b, ch);
				s = ST_BARE;
			}
			break;
		case ST_BARE:
			if (ch == c->sep) {
				rc = end_field(c, &b);
				s = ST_START;
			} else if (ch != '\n') {
				rc = append(c, &b, ch);
			}
			break;
		case ST_QUOTED:
			if (ch == '"')
				s = ST_QUOTE;
			else
				rc = append(c, &b, ch);
			break;
		case ST_QUOTE:
			if (ch == '"') {
				rc = append(c, &b, ch);
				s = ST_QUOTED;
			} else if (ch == c->sep) {
				rc = end_field(c, &b);
				s = ST_START;
			} else if (ch != '\n') {
				/* "abc"def: keep going, as Excel does. */
				rc = append(c, &b, ch);
				s = ST_BARE;
			}
			break;
		}
		if (rc < 0)
			return rc;
		if (ch == '\n' && s != ST_QUOTED)
			break;
	}
	return end_field(c, &b) < 0 ? c->err : 1;
}

int sm_csv_next(struct sm_csv *c, struct sm_csv_record *rec)
{
	int rc;

	if (c->err)
		return c->err;
	for (;;) {
		bool empty = true;

		rc = read_record(c, rec);
		if (rc <= 0)
			return rc;
		while (rec->nfields > 0 && rec->len[rec->nfields - 1] == 0)
			rec->nfields--;
		for (int i = 0; i < rec->nfields && empty; i++)
			empty = blank(rec->field[i]);
		if (!empty)
			return 1;
	}
}

/* ---- headers -------------------------------------------------------- */

/* Accent-free lower-case spelling of U+00C0..U+00FF ("" separates). */
static const char *const latin1_fold[64] = {
	"a", "a", "a", "a", "a",  "a",	"ae", "c", "e", "e", "e",  "e", "i",
	"i", "i", "i", "d", "n",  "o",	"o",  "o", "o", "o", "",   "o", "u",
	"u", "u", "u", "y", "th", "ss", "a",  "a", "a", "a", "a",  "a", "ae",
	"c", "e", "e", "e", "e",  "i",	"i",  "i", "i", "d", "n",  "o", "o",
	"o", "o", "o", "",  "o",  "u",	"u",  "u", "u", "y", "th", "y",
};

/* Decode one UTF-8 character at *@s; U+FFFD for a bad byte. */
static unsigned next_cp(const unsigned char **s)
{
	const unsigned char *p = *s;
	unsigned cp;
	int n;

	if (p[0] < 0x80) {
		*s = p + 1;
		return p[0];
	}
	if ((p[0] & 0xe0) == 0xc0) {
		cp = p[0] & 0x1f;
		n = 1;
	} else if ((p[0] & 0xf0) == 0xe0) {
		cp = p[0] & 0x0f;
		n = 2;
	} else if ((p[0] & 0xf8) == 0xf0) {
		cp = p[0] & 0x07;
		n = 3;
	} else {
		*s = p + 1;
		return 0xfffd;
	}
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s = p + i;
			return 0xfffd;
		}
		cp = cp << 6 | (p[i] & 0x3f);
	}
	*s = p + n + 1;
	return cp;
}

int sm_csv_fold_name(const char *in, char *out, size_t len)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t n = 0;
	bool pending_sep = false, cut = false;

	if (!len)
		return -E2BIG;
	while (*s) {
		unsigned cp = next_cp(&s);
		char one[2] = {0, 0};
		const char *t = "";

		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
			one[0] = (char)cp;
			t = one;
		} else if (cp >= 'A' && cp <= 'Z') {
			one[0] = (char)(cp - 'A' + 'a');
			t = one;
		} else if (cp >= 0xc0 && cp <= 0xff) {
			t = latin1_fold[cp - 0xc0];
		} else if (cp == 0x152 || cp == 0x153) {
			t = "oe";
		}
		if (!*t) {
			pending_sep = n > 0;
			continue;
		}
		if (pending_sep) {
			if (n + 1 >= len) {
				cut = true;
				break;
			}
			out[n++] = '_';
			pending_sep = false;
		}
		for (; *t; t++) {
			if (n + 1 >= len) {
				cut = true;
				break;
			}
			out[n++] = *t;
		}
		if (cut)
			break;
	}
	out[n] = '\0';
	if (!n)
		return -EINVAL;
	return cut ? -E2BIG : 0;
}

static const struct {
	const char *name;
	enum sm_csv_role role;
} roles[] = {
	{"identifiant", SM_CSV_COL_ID},
	{"id", SM_CSV_COL_ID},
	{"identifier", SM_CSV_COL_ID},
	{"numero_demandeur", SM_CSV_COL_ID},
	{"n_demandeur", SM_CSV_COL_ID},
	{"no_demandeur", SM_CSV_COL_ID},
	{"identifiant_demandeur", SM_CSV_COL_ID},
	{"prenom", SM_CSV_COL_FIRST_NAME},
	{"first_name", SM_CSV_COL_FIRST_NAME},
	{"firstname", SM_CSV_COL_FIRST_NAME},
	{"given_name", SM_CSV_COL_FIRST_NAME},
	{"nom", SM_CSV_COL_LAST_NAME},
	{"last_name", SM_CSV_COL_LAST_NAME},
	{"lastname", SM_CSV_COL_LAST_NAME},
	{"nom_de_famille", SM_CSV_COL_LAST_NAME},
	{"surname", SM_CSV_COL_LAST_NAME},
	{"telephone", SM_CSV_COL_PHONE},
	{"portable", SM_CSV_COL_PHONE},
	{"mobile", SM_CSV_COL_PHONE},
	{"tel", SM_CSV_COL_PHONE},
	{"phone", SM_CSV_COL_PHONE},
	{"telephone_portable", SM_CSV_COL_PHONE},
	{"telephone_mobile", SM_CSV_COL_PHONE},
	{"tel_portable", SM_CSV_COL_PHONE},
	{"tel_mobile", SM_CSV_COL_PHONE},
	{"numero_de_telephone", SM_CSV_COL_PHONE},
	{"n_telephone", SM_CSV_COL_PHONE},
	{"mobile_phone", SM_CSV_COL_PHONE},
	{"phone_number", SM_CSV_COL_PHONE},
	{"code_postal", SM_CSV_COL_POSTCODE},
	{"cp", SM_CSV_COL_POSTCODE},
	{"postal_code", SM_CSV_COL_POSTCODE},
	{"zip", SM_CSV_COL_POSTCODE},
	{"zip_code", SM_CSV_COL_POSTCODE},
	{"postcode", SM_CSV_COL_POSTCODE},
	{"commune", SM_CSV_COL_CITY},
	{"ville", SM_CSV_COL_CITY},
	{"city", SM_CSV_COL_CITY},
};

enum sm_csv_role sm_csv_column_role(const char *name)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(name, roles[i].name) == 0)
			return roles[i].role;
	return SM_CSV_COL_OTHER;
}

const char *sm_csv_role_var(enum sm_csv_role r)
{
	switch (r) {
	case SM_CSV_COL_POSTCODE:
		return "code_postal";
	case SM_CSV_COL_CITY:
		return "commune";
	case SM_CSV_COL_OTHER:
	case SM_CSV_COL_ID:
	case SM_CSV_COL_FIRST_NAME:
	case SM_CSV_COL_LAST_NAME:
	case SM_CSV_COL_PHONE:
		return NULL;
	}
	return NULL;
}
