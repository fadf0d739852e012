/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * understand.c - what a candidate's French SMS reply means, by rules.
 *
 * A reply is cut into clauses (at . ! ? ; , : and "mais"), folded
 * (sm_text_fold: lower case, no accents, no punctuation) and rewritten into
 * canonical words: SMS spellings and abbreviations expanded ("g pa" ->
 * "je ai pas", "jsp" -> "je sais pas"), repeated letters squeezed
 * ("ouiiii"), word families reduced to one stem ("interessee",
 * "m'intéresserait" -> "interesse"), one-letter typos of the key words
 * fixed ("voitrue"), articles and greetings dropped.  Rule tables of
 * canonical phrases are then matched left to right: each match consumes
 * its words, and a negation word shortly before (or "pas" right after a
 * verb) turns a phrase into its negated reading.  Generic yes/no particles
 * and per-criterion topic phrases are read separately: the topic of the
 * question wins over bare particles ("non non c'est bon je suis dispo"),
 * and other criteria's topics become the "also" findings.  Numbers (digits
 * and French words) and dates (numeric, day and month, relative to the
 * question's today) have their own parsers.  Everything is on the stack,
 * bounded by the first 1000 bytes of the reply.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "smsmatch/text.h"
#include "smsmatch/understand.h"

#define IN_MAX	 1000 /* bytes of a reply that are read */
#define TOK_MAX	 200  /* canonical words of a reply that are read */
#define WORD_MAX 24   /* bytes of one word, NUL included */

/* One canonical word. */
struct tok {
	char w[WORD_MAX];    /* canonical form: "interesse" */
	char orig[WORD_MAX]; /* as folded from the reply: "minteresse" */
	unsigned clause;     /* clause number, from 0 */
};

/* Emoji that carry an answer, counted in the raw reply. */
struct emoji {
	unsigned yes;	/* 👍 👌 ✅ ✔ 🆗 */
	unsigned smile; /* 🙂 😊 😀 ☺ ...: a weak yes */
	unsigned no;	/* 👎 ❌ 🚫 ⛔ */
	unsigned maybe; /* 🤔 🤷 */
	unsigned angry; /* 😡 😠 */
	unsigned car;	/* 🚗 🚙 */
	unsigned pub;	/* 🚌 🚆 🚇 🚊 */
	unsigned walk;	/* 🚶 🚲 🛴 */
};

/* A reply, read once and shared by every rule. */
struct reply {
	char raw[IN_MAX + 1];	 /* the first IN_MAX bytes */
	char folded[IN_MAX + 1]; /* all of it folded, for synonyms */
	struct tok t[TOK_MAX];	 /* canonical words */
	size_t n;		 /* how many */
	unsigned nclauses;	 /* clauses seen */
	struct emoji e;		 /* answer emoji */
	bool qmark;		 /* a '?' in the reply */
};

/* ------------------------------------------------------------------ */
/* Canonical words                                                      */
/* ------------------------------------------------------------------ */

/*
 * SMS spellings, abbreviations and synonyms, folded and squeezed, and
 * what they stand for ("" drops the word).  Looked up as typed, then with
 * every doubled letter squeezed ("ouii", "nonn").
 */
static const struct {
	const char *from, *to;
} lexicon[] = {
	/* yes */
	{"oui", "oui"},
	{"ouais", "oui"},
	{"ouai", "oui"},
	{"oue", "oui"},
	{"ouep", "oui"},
	{"ouaip", "oui"},
	{"ouai", "oui"},
	{"ui", "oui"},
	{"wi", "oui"},
	{"wai", "oui"},
	{"wep", "oui"},
	{"voui", "oui"},
	{"yes", "oui"},
	{"yep", "oui"},
	{"yeah", "oui"},
	{"yup", "oui"},
	{"ouaiss", "oui"},
	{"ouaisse", "oui"},
	{"ye", "oui"},
	{"ok", "ok"},
	{"okay", "ok"},
	{"oki", "ok"},
	{"okey", "ok"},
	{"oke", "ok"},
	{"okai", "ok"},
	{"okok", "ok"},
	{"kk", "ok"},
	{"k", "ok"},
	{"okidoki", "ok"},
	{"dacodac", "ok"},
	{"dac", "accord"},
	{"dak", "accord"},
	{"dacord", "accord"},
	{"daccord", "accord"},
	{"dacor", "accord"},
	{"dacor", "accord"},
	{"ac", "accord"},
	{"acord", "accord"},
	{"accord", "accord"},
	{"accords", "accord"},
	/* no */
	{"non", "non"},
	{"nn", "non"},
	{"nan", "non"},
	{"nah", "non"},
	{"no", "non"},
	{"nope", "non"},
	{"nop", "non"},
	{"niet", "non"},
	{"nnon", "non"},
	/* pronouns and elisions */
	{"j", "je"},
	{"g", "je ai"},
	{"jai", "je ai"},
	{"jme", "je me"},
	{"m", "me"},
	{"t", "te"},
	{"n", ""},
	{"ne", ""},
	{"qu", "que"},
	{"l", ""},
	{"d", ""},
	{"y", "y"},
	{"ya", "il y a"},
	{"chui", "je suis"},
	{"chuis", "je suis"},
	{"jsuis", "je suis"},
	{"jsui", "je suis"},
	{"jss", "je suis"},
	{"ss", "suis"},
	{"sui", "suis"},
	{"jpeux", "je peux"},
	{"jpeu", "je peux"},
	{"jveux", "je veux"},
	{"jveu", "je veux"},
	{"jpense", "je pense"},
	{"jvais", "je vais"},
	{"jcrois", "je crois"},
	{"jsais", "je sais"},
	{"chais", "je sais"},
	{"chai", "je sais"},
	{"che", "je sais"},
	{"jsp", "je sais pas"},
	{"jspa", "je sais pas"},
	{"jprends", "je prends"},
	{"jprendrai", "je prendrai"},
	{"jhabite", "je habite"},
	{"jviens", "je viens"},
	{"jaurai", "je aurai"},
	{"jaimerais", "je aimerais"},
	{"jadore", "je adore"},
	{"jaime", "je aime"},
	{"jtravaille", "je travaille"},
	{"jattends", "je attends"},
	{"minteresse", "me interesse"},
	{"ca", "ca"},
	{"cela", "ca"},
	{"ceci", "ca"},
	{"cest", "cest"},
	/* SMS abbreviations */
	{"pa", "pas"},
	{"pk", "pourquoi"},
	{"pq", "pourquoi"},
	{"pourkoi", "pourquoi"},
	{"koi", "quoi"},
	{"kan", "quand"},
	{"qd", "quand"},
	{"ki", "qui"},
	{"cb", "combien"},
	{"pr", "pour"},
	{"ds", "dans"},
	{"tt", "tout"},
	{"tte", "tout"},
	{"ts", "tout"},
	{"ttes", "tout"},
	{"tous", "tout"},
	{"toute", "tout"},
	{"toutes", "tout"},
	{"bcp", "beaucoup"},
	{"vrmt", "vraiment"},
	{"vrement", "vraiment"},
	{"tjrs", "toujours"},
	{"tjr", "toujours"},
	{"ptet", "peut etre"},
	{"ptetre", "peut etre"},
	{"peutetre", "peut etre"},
	{"tkt", "pas souci"},
	{"tqt", "pas souci"},
	{"dsl", "desole"},
	{"desolee", "desole"},
	{"rdv", "rendez vous"},
	{"vs", "vous"},
	{"b1", "bien"},
	{"bi1", "bien"},
	{"mm", "meme"},
	{"auj", "aujourd hui"},
	{"ajd", "aujourd hui"},
	{"aujourdhui", "aujourd hui"},
	{"dem1", "demain"},
	{"mtn", "maintenant"},
	{"asap", "maintenant"},
	{"covoit", "covoiturage"},
	{"trott", "trottinette"},
	{"bicyclette", "velo"},
	{"autobus", "bus"},
	{"tramway", "tram"},
	{"bagnole", "voiture"},
	{"auto", "voiture"},
	{"automobile", "voiture"},
	{"moto", "moto"},
	{"scooter", "moto"},
	{"gosse", "enfant"},
	{"gosses", "enfant"},
	{"gamin", "enfant"},
	{"gamins", "enfant"},
	{"bebe", "enfant"},
	{"bebes", "enfant"},
	{"petits", "enfant"},
	{"mamie", "mere"},
	{"mamy", "mere"},
	{"papi", "pere"},
	{"papy", "pere"},
	{"maman", "mere"},
	{"papa", "pere"},
	{"nourrice", "nounou"},
	{"assmat", "nounou"},
	{"creches", "creche"},
	{"pieds", "pied"},
	{"kms", "km"},
	{"kilometres", "km"},
	{"kilometre", "km"},
	{"premiere", "premier"},
	{"1er", "premier"},
	{"1ere", "premier"},
	{"1re", "premier"},
	/* merci, greetings and politeness: only "merci" is kept */
	{"merci", "merci"},
	{"mrc", "merci"},
	{"mci", "merci"},
	{"thx", "merci"},
	{"thanks", "merci"},
	{"svp", ""},
	{"stp", ""},
	{"svpl", ""},
	{"plz", ""},
	{"please", ""},
	{"slt", ""},
	{"bjr", ""},
	{"bsr", ""},
	{"bonjour", ""},
	{"bonsoir", ""},
	{"salut", ""},
	{"coucou", ""},
	{"hello", ""},
	{"cc", ""},
	{"hey", ""},
	{"cordialement", ""},
	{"cdlt", ""},
	{"cdt", ""},
	{"madame", ""},
	{"monsieur", ""},
	{"mme", ""},
	{"mr", ""},
	{"euh", ""},
	{"heu", ""},
	{"bah", ""},
	{"ben", ""},
	{"alors", ""},
	{"bonne", ""},
	{"journee", ""},
	{"soiree", ""},
	/* articles and possessives */
	{"de", ""},
	{"du", ""},
	{"des", ""},
	{"le", ""},
	{"la", ""},
	{"les", ""},
	{"un", ""},
	{"une", ""},
	{"mon", ""},
	{"ma", ""},
	{"mes", ""},
	{"ton", ""},
	{"ta", ""},
	{"tes", ""},
	{"son", ""},
	{"ses", ""},
	{"leur", ""},
	{"leurs", ""},
	{"notre", ""},
	{"nos", ""},
	{"votre", ""},
	{"vos", ""},
	{"au", ""},
	{"aux", ""},
	{"cette", ""},
	{"ces", ""},
	{"ce", ""},
	{"cet", ""},
};

/*
 * Word families reduced to one stem: a word starting with @prefix (after
 * squeezing doubled letters) becomes @to.
 */
static const struct {
	const char *prefix, *to;
} stems[] = {
	{"interes", "interesse"},
	{"disponib", "dispo"},
	{"dispo", "dispo"},
	{"voitur", "voiture"},
	{"vehicul", "voiture"},
	{"covoitur", "covoiturage"},
	{"trotinet", "trottinette"},
	{"permi", "permis"},
	{"vacin", "vaccin"},
	{"diplom", "diplome"},
	{"motiv", "motive"},
	{"partant", "partant"},
	{"reflech", "reflechir"},
	{"hesit", "hesite"},
	{"enfant", "enfant"},
	{"garderi", "garderie"},
	{"gard", "garde"},
	{"ocup", "occupe"},
	{"recup", "recupere"},
	{"depos", "depose"},
	{"emen", "emmene"},
	{"amen", "amene"},
	{"acompagn", "accompagne"},
	{"ramen", "ramene"},
	{"conduir", "conduit"},
	{"conduit", "conduit"},
	{"transport", "transport"},
	{"travail", "travaille"},
	{"boulot", "travaille"},
	{"disponib", "dispo"},
	{"vacanc", "vacances"},
	{"marcher", "marcher"},
	{"marchant", "marcher"},
	{"marcherai", "marcher"},
	{"solution", "solution"},
	{"organis", "organise"},
	{"concern", "concerne"},
	{"majeur", "majeur"},
	{"grand", "grand"},
	{"confirm", "confirme"},
	{"acept", "accepte"},
	{"refus", "refuse"},
	{"hospitalis", "hospitalise"},
	{"demenag", "demenage"},
	{"periscol", "periscolaire"},
	{"garderi", "garderie"},
	{"presen", "present"},
	{"convien", "convient"},
	{"libre", "libre"},
	{"velo", "velo"},
	{"metro", "metro"},
	{"abonement", "abonnement"},
	{"navet", "navette"},
};

/* Key words worth fixing when one letter is wrong, added or swapped. */
static const char *const fuzzy[] = {
	"voiture",     "disponible", "interesse",  "interessee", "covoiturage",
	"trottinette", "transport",  "bicyclette", "vehicule",	 "permis",
	"dispo",       "velo",	     "metro",	   NULL,
};

/* Collapse every run of one letter to a single one ("ouii" -> "oui"). */
static void squeeze(const char *s, char *out, size_t len, size_t min_run)
{
	size_t o = 0;

	for (size_t i = 0; s[i] && o + 1 < len;) {
		size_t run = 1;

		while (s[i + run] == s[i])
			run++;
		for (size_t k = 0;
		     k < (run >= min_run ? 1 : run) && o + 1 < len; k++)
			out[o++] = s[i];
		i += run;
	}
	out[o] = '\0';
}

/* True if @a and @b are at most one edit apart (Damerau). */
static bool one_edit(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i = 0;

	if (la > lb + 1 || lb > la + 1)
		return false;
	while (i < la && i < lb && a[i] == b[i])
		i++;
	if (la == lb) {
		if (i == la)
			return true;
		if (strcmp(a + i + 1, b + i + 1) == 0)
			return true; /* substitution */
		return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
		       strcmp(a + i + 2, b + i + 2) == 0; /* swap */
	}
	if (la > lb)
		return strcmp(a + i + 1, b + i) == 0;
	return strcmp(a + i, b + i + 1) == 0;
}

static const char *lex_find(const char *w)
{
	char sq[WORD_MAX], fsq[WORD_MAX];

	for (size_t i = 0; i < sizeof(lexicon) / sizeof(lexicon[0]); i++)
		if (lexicon[i].from[0] == w[0] &&
		    strcmp(lexicon[i].from, w) == 0)
			return lexicon[i].to;
	squeeze(w, sq, sizeof(sq), 2);
	if (strlen(sq) < 2 || strcmp(sq, w) == 0)
		return NULL;
	for (size_t i = 0; i < sizeof(lexicon) / sizeof(lexicon[0]); i++) {
		if (lexicon[i].from[0] != sq[0])
			continue;
		squeeze(lexicon[i].from, fsq, sizeof(fsq), 2);
		if (strcmp(fsq, sq) == 0 && strlen(lexicon[i].from) > 1)
			return lexicon[i].to;
	}
	return NULL;
}

static const char *stem_find(const char *w)
{
	char sq[WORD_MAX];

	squeeze(w, sq, sizeof(sq), 2);
	for (size_t i = 0; i < sizeof(stems) / sizeof(stems[0]); i++)
		if (strncmp(sq, stems[i].prefix, strlen(stems[i].prefix)) == 0)
			return stems[i].to;
	return NULL;
}

/* The canonical form of folded word @w (may be several words, or ""). */
static const char *canon(const char *w, char *buf, size_t len)
{
	const char *c;
	bool digits = true;

	for (const char *p = w; *p; p++)
		if (*p < '0' || *p > '9')
			digits = false;
	if (digits)
		return w;
	c = lex_find(w);
	if (c)
		return c;
	c = stem_find(w);
	if (c)
		return c;
	if (strlen(w) >= 5) {
		for (size_t i = 0; fuzzy[i]; i++) {
			if (!one_edit(w, fuzzy[i]))
				continue;
			c = stem_find(fuzzy[i]);
			return c ? c : fuzzy[i];
		}
	}
	/* Repeated letters: "nonnn", "okkkk", "ouiiii". */
	squeeze(w, buf, len, 3);
	if (strcmp(buf, w) != 0) {
		c = lex_find(buf);
		if (c)
			return c;
	}
	return w;
}

static void push(struct reply *r, const char *w, size_t wl, const char *orig,
		 unsigned clause)
{
	struct tok *t;

	if (r->n >= TOK_MAX || wl == 0)
		return;
	t = &r->t[r->n++];
	if (wl >= WORD_MAX)
		wl = WORD_MAX - 1;
	memcpy(t->w, w, wl);
	t->w[wl] = '\0';
	snprintf(t->orig, sizeof(t->orig), "%s", orig);
	t->clause = clause;
}

/* Next word of a space-separated string; NULL at the end. */
static const char *next_word(const char *s, size_t *wl)
{
	while (*s == ' ')
		s++;
	if (!*s)
		return NULL;
	*wl = strcspn(s, " ");
	return s;
}

static bool word_is(const char *w, size_t wl, const char *lit)
{
	return w && strlen(lit) == wl && memcmp(w, lit, wl) == 0;
}

static bool in_list(const char *w, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(w, list[i]) == 0)
			return true;
	return false;
}

/* Append the canonical words of folded clause @f to @r. */
static void tokenize_clause(struct reply *r, const char *f)
{
	static const char *const ca_next[] = {
		"me",	 "m",	       "depend",    "marche", "va", "ira",
		"roule", "minteresse", "interesse", "plait",  NULL,
	};
	const char *w = f, *nw;
	char prev[WORD_MAX] = "";
	size_t wl, nl = 0;

	for (; (w = next_word(w, &wl));
	     snprintf(prev, sizeof(prev), "%.*s", (int)wl, w), w += wl) {
		char word[WORD_MAX], nword[WORD_MAX] = "", buf[WORD_MAX];
		const char *c, *cw;
		size_t cl;

		snprintf(word, sizeof(word), "%.*s", (int)wl, w);
		nw = next_word(w + wl, &nl);
		if (nw)
			snprintf(nword, sizeof(nword), "%.*s", (int)nl, nw);
		/* "s'il vous plaît", "s'il te plaît": politeness. */
		if (strcmp(word, "s") == 0 && strcmp(nword, "il") == 0) {
			const char *a, *b;
			size_t al, bl;

			a = next_word(nw + nl, &al);
			b = a ? next_word(a + al, &bl) : NULL;
			if (a && b &&
			    (word_is(a, al, "vous") || word_is(a, al, "te")) &&
			    word_is(b, bl, "plait")) {
				w = b;
				wl = bl;
				continue;
			}
			c = "si"; /* s'il -> si il */
		} else if (strcmp(word, "c") == 0 &&
			   strcmp(nword, "est") == 0) {
			w = nw; /* c'est */
			wl = nl;
			c = "cest";
		} else if (strcmp(word, "c") == 0) {
			c = "cest"; /* "c bon", "c quoi" */
		} else if (strcmp(word, "sa") == 0 && in_list(nword, ca_next)) {
			c = "ca";
		} else if (strcmp(word, "car") == 0 &&
			   (strcmp(prev, "en") == 0 ||
			    strcmp(prev, "le") == 0)) {
			c = "bus"; /* "le car", "en car": a coach */
		} else if (strcmp(word, "s") == 0) {
			c = "se";
		} else if (strcmp(word, "pt") == 0 &&
			   strcmp(nword, "etre") == 0) {
			c = "peut";
		} else {
			c = canon(word, buf, sizeof(buf));
		}
		for (cw = c; (cw = next_word(cw, &cl)); cw += cl) {
			if (word_is(cw, cl, "mais") && r->n > 0) {
				r->nclauses++;
				continue;
			}
			push(r, cw, cl, word, r->nclauses);
		}
	}
}

/* Decode one UTF-8 code point; 0 length for an invalid byte. */
static size_t utf8_cp(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
		*cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
		return 2;
	}
	if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 &&
	    (s[2] & 0xC0) == 0x80) {
		*cp = ((uint32_t)(s[0] & 0x0F) << 12) |
		      ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
		return 3;
	}
	if ((s[0] & 0xF8) == 0xF0 && (s[1] & 0xC0) == 0x80 &&
	    (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80) {
		*cp = ((uint32_t)(s[0] & 0x07) << 18) |
		      ((uint32_t)(s[1] & 0x3F) << 12) |
		      ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
		return 4;
	}
	return 0;
}

static void count_emoji(struct emoji *e, uint32_t cp)
{
	switch (cp) {
	case 0x1F44D:
	case 0x1F44C:
	case 0x2705:
	case 0x2714:
	case 0x2611:
	case 0x1F197:
		e->yes++;
		break;
	case 0x1F642:
	case 0x1F60A:
	case 0x1F600:
	case 0x1F603:
	case 0x1F604:
	case 0x1F601:
	case 0x263A:
	case 0x1F44F:
	case 0x1F4AA:
	case 0x1F929:
	case 0x1F60D:
	case 0x1F609:
		e->smile++;
		break;
	case 0x1F44E:
	case 0x274C:
	case 0x2716:
	case 0x1F6AB:
	case 0x26D4:
	case 0x1F645:
	case 0x2717:
	case 0x2718:
	case 0x274E:
		e->no++;
		break;
	case 0x1F914:
	case 0x1F937:
	case 0x1F615:
		e->maybe++;
		break;
	case 0x1F621:
	case 0x1F620:
	case 0x1F92C:
	case 0x1F624:
		e->angry++;
		break;
	case 0x1F697:
	case 0x1F698:
	case 0x1F699:
		e->car++;
		break;
	case 0x1F68C:
	case 0x1F68D:
	case 0x1F68B:
	case 0x1F686:
	case 0x1F687:
	case 0x1F688:
	case 0x1F68A:
	case 0x1F683:
	case 0x1F685:
		e->pub++;
		break;
	case 0x1F6B6:
	case 0x1F6B2:
	case 0x1F6F4:
		e->walk++;
		break;
	default:
		break;
	}
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Read @text into @r: raw copy, emoji, clauses, canonical words.  Control
 * bytes and invalid UTF-8 are dropped by the fold.
 */
static void reply_read(struct reply *r, const char *text)
{
	char clause[IN_MAX + 1], folded[IN_MAX + 1];
	size_t len = strnlen(text, IN_MAX), start = 0;

	memset(&r->e, 0, sizeof(r->e));
	r->n = 0;
	r->nclauses = 0;
	r->qmark = false;
	memcpy(r->raw, text, len);
	r->raw[len] = '\0';
	sm_text_fold(r->raw, r->folded, sizeof(r->folded));

	for (size_t i = 0; i < len;) {
		const unsigned char *p = (const unsigned char *)r->raw + i;
		uint32_t cp = 0;
		size_t k = utf8_cp(p, &cp); /* stops at the NUL */

		if (k == 0) {
			i++;
			continue;
		}
		if (k > 1)
			count_emoji(&r->e, cp);
		i += k;
	}
	for (size_t i = 0; i <= len; i++) {
		char ch = r->raw[i];
		bool cut = ch == '\0' || ch == '.' || ch == '!' || ch == '?' ||
			   ch == ';' || ch == ',' || ch == ':' || ch == '\n' ||
			   ch == '(' || ch == ')';

		if (ch == '?')
			r->qmark = true;
		/* "2,5 km", "12.03": not a clause. */
		if ((ch == ',' || ch == '.') && i > 0 &&
		    is_digit(r->raw[i - 1]) && is_digit(r->raw[i + 1]))
			cut = false;
		if (!cut)
			continue;
		memcpy(clause, r->raw + start, i - start);
		clause[i - start] = '\0';
		start = i + 1;
		if (sm_text_fold(clause, folded, sizeof(folded)) == 0)
			continue;
		if (r->n > 0 && r->t[r->n - 1].clause == r->nclauses)
			r->nclauses++;
		tokenize_clause(r, folded);
	}
}

/* ------------------------------------------------------------------ */
/* Phrase rules                                                         */
/* ------------------------------------------------------------------ */

enum {
	F_POSTNEG = 1, /* "pas" right after negates too ("je peux pas") */
	F_NONEG = 2,   /* never negated ("pas de souci" is a whole) */
	F_ASKED = 4,   /* only when the question is about this criterion */
	F_SI = 8,      /* "si": a yes only when it ends its clause */
};

/*
 * A phrase of canonical words: words separated by spaces, each word a
 * list of alternatives separated by '|', an alternative ending in '*'
 * matching any word it starts.  @val is what the phrase means, @neg what
 * it means negated (NULL: nothing); both may be NULL for a phrase that
 * is only there to be consumed before a shorter one could match.
 */
struct rule {
	const char *pat;
	const char *val;
	const char *neg;
	unsigned char conf; /* percent */
	unsigned char flags;
};

/* One match of a rule in a reply. */
struct hit {
	const char *val; /* the reading */
	unsigned conf;	 /* percent */
	size_t pos;	 /* first word */
	size_t len;	 /* words */
	bool negated;
};

#define HITS_MAX 24

struct hits {
	struct hit h[HITS_MAX];
	size_t n;
};

static bool part_match(const char *part, size_t pl, const char *w)
{
	const char *a = part, *end = part + pl;

	while (a < end) {
		const char *bar = memchr(a, '|', (size_t)(end - a));
		size_t al;

		if (!bar)
			bar = end;
		al = (size_t)(bar - a);
		if (al && a[al - 1] == '*') {
			if (strncmp(w, a, al - 1) == 0)
				return true;
		} else if (strlen(w) == al && memcmp(w, a, al) == 0) {
			return true;
		}
		a = bar + 1;
	}
	return false;
}

/* Words of @pat matched at word @i, or 0. */
static size_t match_at(const struct reply *r, size_t i, const char *pat,
		       const bool *used)
{
	const char *p = pat;
	size_t k = 0, pl;

	while ((p = next_word(p, &pl))) {
		if (i + k >= r->n || (used && used[i + k]) ||
		    !part_match(p, pl, r->t[i + k].w))
			return 0;
		k++;
		p += pl;
	}
	return k;
}

static bool is_w(const struct reply *r, size_t i, const char *alts)
{
	return i < r->n && part_match(alts, strlen(alts), r->t[i].w);
}

#define NEG_WORDS "pas|plus|jamais|aucun|aucune|sans|ni|rien|point"
#define CONJ	  "et|ou|donc|puis|car|alors"

/*
 * True if the phrase at @i..@i+@m is negated: a negation word up to three
 * words before it in its clause (not across "et", "donc"...), "non" just
 * before, or with F_POSTNEG "pas" just after.
 */
static bool negated(const struct reply *r, size_t i, size_t m, const bool *used,
		    unsigned flags)
{
	unsigned clause = r->t[i].clause;

	for (size_t d = 1; d <= 3 && d <= i; d++) {
		size_t j = i - d;

		if (r->t[j].clause != clause || is_w(r, j, CONJ))
			break;
		if (used[j])
			continue;
		if (is_w(r, j, NEG_WORDS) || (d == 1 && is_w(r, j, "non")))
			return true;
	}
	if ((flags & F_POSTNEG) && i + m < r->n &&
	    r->t[i + m].clause == clause && !used[i + m] &&
	    is_w(r, i + m, "pas|plus|jamais|rien"))
		return true;
	return false;
}

static void hit_add(struct hits *h, const char *val, unsigned conf, size_t pos,
		    size_t len, bool neg)
{
	if (h->n >= HITS_MAX)
		return;
	h->h[h->n++] = (struct hit){val, conf, pos, len, neg};
}

/*
 * Match @rules over @r left to right, first rule first; each match
 * consumes its words in @used.
 */
#define RULES_MAX 128

/* Bit of a word's first character, for a quick reject. */
static uint32_t first_bit(char c)
{
	if (c >= 'a' && c <= 'z')
		return 1u << (c - 'a');
	return 1u << 26;
}

static void scan(const struct reply *r, const struct rule *rules, bool asked,
		 bool *used, struct hits *h)
{
	uint32_t masks[RULES_MAX];
	size_t nr = 0;

	/* Which first characters each rule can start with. */
	for (const struct rule *ru = rules; ru->pat && nr < RULES_MAX;
	     ru++, nr++) {
		const char *p = ru->pat;

		masks[nr] = first_bit(*p);
		for (; *p && *p != ' '; p++)
			if (*p == '|')
				masks[nr] |= first_bit(p[1]);
	}
	for (size_t i = 0; i < r->n; i++) {
		uint32_t bit = first_bit(r->t[i].w[0]);
		size_t k = 0;

		if (used[i])
			continue;
		for (const struct rule *ru = rules; ru->pat; ru++, k++) {
			size_t m;
			bool neg;
			const char *val;

			if (k < RULES_MAX && !(masks[k] & bit))
				continue;
			if ((ru->flags & F_ASKED) && !asked)
				continue;
			m = match_at(r, i, ru->pat, used);
			if (!m)
				continue;
			if ((ru->flags & F_SI) && i + 1 < r->n &&
			    r->t[i + 1].clause == r->t[i].clause)
				continue; /* "si c'est à Metz" */
			neg = !(ru->flags & F_NONEG) &&
			      negated(r, i, m, used, ru->flags);
			for (size_t u = 0; u < m; u++)
				used[i + u] = true;
			val = neg ? ru->neg : ru->val;
			if (val)
				hit_add(h, val, ru->conf, i, m, neg);
			i += m - 1;
			break;
		}
	}
}

/* A reading of one criterion: value, confidence, how. */
struct reading {
	const char *value; /* NULL: nothing found */
	unsigned conf;	   /* percent */
	char why[80];
};

/* "'word word'" of the words @pos..@pos+@len as typed (folded). */
static void quote(const struct reply *r, size_t pos, size_t len, char *out,
		  size_t outlen)
{
	size_t o = 0;

	if (outlen < 3)
		return;
	out[o++] = '\'';
	for (size_t i = pos; i < pos + len && i < r->n; i++) {
		const char *w = r->t[i].orig;
		int k;

		if (i > pos && strcmp(w, r->t[i - 1].orig) == 0)
			continue; /* "jsp" expanded to three words */
		k = snprintf(out + o, outlen - o, "%s%s", i > pos ? " " : "",
			     w);
		if (k < 0 || (size_t)k >= outlen - o - 1) {
			o = outlen - 2;
			break;
		}
		o += (size_t)k;
	}
	out[o++] = '\'';
	out[o] = '\0';
}

static void reading_set(struct reading *rd, const struct reply *r,
			const char *value, unsigned conf, const struct hit *h,
			const char *how)
{
	char q[48] = "";

	rd->value = value;
	rd->conf = conf;
	if (h)
		quote(r, h->pos, h->len, q, sizeof(q));
	snprintf(rd->why, sizeof(rd->why), "%s: %s%s%s", value, how,
		 *how && *q ? " " : "", h && h->negated ? "negated " : "");
	if (*q)
		snprintf(rd->why + strlen(rd->why),
			 sizeof(rd->why) - strlen(rd->why), "%s", q);
}

static bool val_is(const char *v, const char *lit)
{
	return v && strcmp(v, lit) == 0;
}

/* ------------------------------------------------------------------ */
/* Yes, no, maybe: generic particles                                    */
/* ------------------------------------------------------------------ */

/* "lean" is a yes said with reservations ("pourquoi pas"). */
static const struct rule particles[] = {
	{"pas|aucun|sans souci|soucis|probleme|problemes|inconvenient|"
	 "objection",
	 "yes", NULL, 90, F_NONEG},
	{"pourquoi pas", "whynot", NULL, 65, F_NONEG},
	{"pas contre", "lean", NULL, 65, F_NONEG},
	{"dis pas non", "lean", NULL, 70, F_NONEG},
	{"pas mal", "lean", NULL, 60, F_NONEG},
	{"je sais|sait|savais pas|plus|trop", "maybe", NULL, 80, F_NONEG},
	{"sais|sait pas", "maybe", NULL, 80, F_NONEG},
	{"je en sais rien", "maybe", NULL, 80, F_NONEG},
	{"aucune idee", "maybe", NULL, 80, F_NONEG},
	{"pas sur|sure|certain|certaine", "maybe", NULL, 75, F_NONEG},
	{"pas encore decide", "maybe", NULL, 75, F_NONEG},
	{"pas tout", "no", NULL, 90, F_NONEG},
	{"absolument|surtout|vraiment|toujours pas", "no", NULL, 90, F_NONEG},
	{"pas vraiment|trop|franchement", "no", NULL, 80, F_NONEG},
	{"pas question", "no", NULL, 90, F_NONEG},
	{"hors question", "no", NULL, 90, F_NONEG},
	{"pas maintenant", "no", NULL, 80, F_NONEG},
	{"pas besoin", "no", NULL, 80, F_NONEG},
	{"pas peine", "no", NULL, 85, F_NONEG},
	{"pas pour moi", "no", NULL, 85, F_NONEG},
	{"pas truc", "no", NULL, 85, F_NONEG},
	{"pas temps|tps", "no", NULL, 85, F_NONEG},
	{"pas possible", "no", NULL, 85, F_NONEG},
	{"pas encore", "no", NULL, 75, F_NONEG},
	{"non cest bon|ok", "no", NULL, 85, F_NONEG},
	{"non ca ira|va", "no", NULL, 85, F_NONEG},
	{"non merci", "no", NULL, 95, F_NONEG},
	{"je pense|crois que oui", "yes", NULL, 75, F_NONEG},
	{"je pense|crois que non", "no", NULL, 75, F_NONEG},
	{"je pense|crois pas", "no", NULL, 70, F_NONEG},
	{"je pense|crois oui", "yes", NULL, 70, F_NONEG},
	{"normalement|ben oui", "yes", NULL, 75, F_NONEG},
	{"je crois", "lean", NULL, 65, F_NONEG},
	{"je veux|voudrais bien", "yes", NULL, 85, F_NONEG},
	{"je veux|voudrais|veux", NULL, "no", 85, F_POSTNEG},
	{"je prefere|prefere pas", "no", NULL, 85, F_NONEG},
	{"je refuse|refuse", "no", NULL, 90, 0},
	{"je accepte|accepte", "yes", "no", 90, F_POSTNEG},
	{"accord", "yes", "no", 90, 0},
	{"bien sur|entendu", "yes", NULL, 90, F_NONEG},
	{"avec plaisir|joie", "yes", NULL, 90, F_NONEG},
	{"volontiers", "yes", NULL, 90, F_NONEG},
	{"ca marche|roule", "yes", NULL, 85, F_NONEG},
	{"ca me va|convient", "yes", "no", 85, F_POSTNEG},
	{"cest ok|parti", "yes", NULL, 85, F_NONEG},
	{"cest bon", "yes", NULL, 65, F_NONEG},
	{"ca va", "yes", NULL, 65, F_NONEG},
	{"absolument|certainement|evidemment|parfait|super|genial|"
	 "top|cool|nickel|affirmatif|banco|carrement|volontier|parfaitement",
	 "yes", NULL, 85, F_NONEG},
	{"tout a fait", "yes", NULL, 85, F_NONEG},
	{"grave", "yes", NULL, 80, 0},
	{"go|allez", "yes", NULL, 80, F_NONEG},
	{"allez|vas y", "yes", NULL, 80, F_NONEG},
	{"hate", "yes", NULL, 85, 0},
	{"chaud", "yes", NULL, 80, 0},
	{"oui", "yes", NULL, 95, F_NONEG},
	{"ok", "yes", NULL, 85, F_NONEG},
	{"si", "yes", NULL, 65, F_NONEG | F_SI},
	{"non", "no", NULL, 95, F_NONEG},
	{"jamais", "no", NULL, 85, F_NONEG},
	{"laisse|laissez tomber|tranquille", "no", NULL, 90, F_NONEG},
	{"laisse|laissez me|moi tranquille", "no", NULL, 90, F_NONEG},
	{"fichez|foutez me paix", "no", NULL, 90, F_NONEG},
	{"arrete|arretez|stop", "no", NULL, 80, F_NONEG},
	{"sans facon", "no", NULL, 90, F_NONEG},
	{"contactez|contacter|ecrire|ecrivez|deranger plus", "no", NULL, 85,
	 F_NONEG},
	{"malheureusement", "no", NULL, 70, F_NONEG},
	{"impossible", "no", NULL, 85, F_NONEG},
	{"peut etre", "maybe", NULL, 80, F_NONEG},
	{"bof|mouais|moyen|moyennement", "maybe", NULL, 65, F_NONEG},
	{"sans plus", "maybe", NULL, 65, F_NONEG},
	{"a|faut voir", "maybe", NULL, 75, F_NONEG},
	{"on verra", "maybe", NULL, 75, F_NONEG},
	{"je vais|dois voir", "maybe", NULL, 75, F_NONEG},
	{"je verrai", "maybe", NULL, 75, F_NONEG},
	{"reflechir|reflechi", "maybe", NULL, 80, F_NONEG},
	{"hesite", "maybe", NULL, 80, F_NONEG},
	{"possible|eventuellement", "maybe", NULL, 70, F_NONEG},
	{"probablement", "lean", NULL, 65, F_NONEG},
	{"en parler", "maybe", NULL, 65, F_NONEG},
	{"voie|voir avec", "maybe", NULL, 65, F_NONEG},
	{"ca|cela depend", "maybe", NULL, 60, F_NONEG},
	{"depend|dependra", "maybe", NULL, 60, F_NONEG},
	{"je vous redis|dirai|tiens", "maybe", NULL, 60, F_NONEG},
	{NULL, NULL, NULL, 0, 0},
};

/*
 * The yes/no/maybe the particles of @r say, words first, emoji when there
 * are no words.  Values "yes", "no", "maybe"; a "lean" yes is a yes at
 * its own (lower) confidence.
 */
static void read_particles(const struct reply *r, struct reading *rd)
{
	bool used[TOK_MAX] = {false};
	struct hits h = {.n = 0};
	const struct hit *by[4] = {NULL}; /* strongest yes, no, maybe, lean */
	const struct hit *last[4] = {NULL};
	static const char *const vals[4] = {"yes", "no", "maybe", "lean"};
	unsigned nv = 0;

	rd->value = NULL;
	rd->conf = 0;
	rd->why[0] = '\0';
	scan(r, particles, true, used, &h);
	for (size_t i = 0; i < h.n; i++)
		for (unsigned v = 0; v < 4; v++)
			if (val_is(h.h[i].val, vals[v]) ||
			    (v == 3 && val_is(h.h[i].val, "whynot"))) {
				if (!by[v] || h.h[i].conf > by[v]->conf)
					by[v] = &h.h[i];
				last[v] = &h.h[i];
			}
	for (unsigned v = 0; v < 4; v++)
		nv += by[v] != NULL;
	if (nv == 0) {
		const struct emoji *e = &r->e;

		if (r->n > 0)
			return;
		if (e->yes && !e->no && !e->maybe)
			reading_set(rd, r, "yes", 85, NULL, "emoji");
		else if (e->no && !e->yes && !e->smile && !e->maybe)
			reading_set(rd, r, "no", 85, NULL, "emoji");
		else if (e->maybe && !e->yes && !e->no)
			reading_set(rd, r, "maybe", 75, NULL, "emoji");
		else if (e->smile && !e->no && !e->maybe && !e->angry)
			reading_set(rd, r, "yes", 65, NULL, "emoji");
		return;
	}
	if (nv == 1) {
		for (unsigned v = 0; v < 4; v++)
			if (by[v])
				reading_set(
					rd, r,
					v == 3 ? (val_is(by[v]->val, "whynot")
							  ? "whynot"
							  : "yes")
					       : vals[v],
					by[v]->conf, by[v], "");
		return;
	}
	/* Two readings or more. */
	if (by[0] && by[1]) {
		const struct hit *y = by[0], *n = by[1];

		if (by[2]) {
			reading_set(rd, r, "unclear", 30, NULL,
				    "yes, no and maybe");
			rd->value = NULL;
		} else if (y->conf >= n->conf + 25) {
			reading_set(rd, r, "yes", 60, y, "over a no");
		} else if (n->conf >= y->conf + 25) {
			reading_set(rd, r, "no", 60, n, "over a yes");
		} else if (r->t[last[0]->pos].clause !=
			   r->t[last[1]->pos].clause) {
			const struct hit *l =
				last[0]->pos > last[1]->pos ? last[0] : last[1];

			reading_set(rd, r, l == last[0] ? "yes" : "no", 60, l,
				    "said last");
		} else {
			reading_set(rd, r, "unclear", 30, NULL, "yes and no");
			rd->value = NULL;
		}
		return;
	}
	if (by[1]) { /* no with maybe or lean: "bof pas trop" */
		reading_set(rd, r, "no", 60, by[1], "hedged");
		return;
	}
	if (by[0] && by[3] && !by[2]) { /* "oui pourquoi pas" */
		reading_set(rd, r, "yes", 65, by[3], "lean");
		return;
	}
	if (by[0] || by[3]) { /* "ouais bof" */
		reading_set(rd, r, "maybe", 60, by[2], "hedged");
		return;
	}
	reading_set(rd, r, "maybe", by[2]->conf, by[2], "");
}

/* ------------------------------------------------------------------ */
/* Topics: what a reply says about each standard criterion              */
/* ------------------------------------------------------------------ */

/* Phrases that hold a negation word but negate nothing. */
#define NEUTRAL                                                                \
	{"pas|aucun|sans souci|soucis|probleme|problemes|inconvenient", NULL,  \
	 NULL, 0, F_NONEG},                                                    \
		{"pourquoi pas", NULL, NULL, 0, F_NONEG},                      \
		{"ca marche", NULL, NULL, 0, F_NONEG},                         \
	{                                                                      \
		"je sais|sait pas", NULL, NULL, 0, F_NONEG                     \
	}

static const struct rule consent_rules[] = {
	NEUTRAL,
	{"je accepte|accepte", "yes", "no", 90, F_POSTNEG},
	{"prefere parler|etre|appel*|humain|conseill*|telephone|vraie|vrai",
	 "no", NULL, 70, F_NONEG},
	{"parler|voir conseill*|humain|vraie|quelqu", "no", NULL, 60, F_NONEG},
	{"je vous ecoute", "yes", NULL, 85, F_NONEG},
	{NULL, NULL, NULL, 0, 0},
};

static const struct rule interest_rules[] = {
	NEUTRAL,
	{"pas pour moi", "no", NULL, 85, F_NONEG},
	{"pas truc", "no", NULL, 85, F_NONEG},
	{"interesse", "yes", "no", 90, F_POSTNEG},
	{"interet", "yes", "no", 85, 0},
	{"motive|partant", "yes", "no", 85, 0},
	{"tente|plait", "yes", "no", 85, F_POSTNEG},
	{"je aimerais|souhaite|souhaiterais", "yes", "no", 80, F_POSTNEG},
	{"chaud|hate", "yes", NULL, 80, 0},
	{"que je cherche|recherche", "yes", NULL, 85, F_NONEG},
	{"trouve|retrouve travaille|emploi|job|poste|cdi|cdd|contrat|"
	 "formation|stage",
	 "no", NULL, 90, F_NONEG},
	{"deja cdi|cdd|travaille|emploi|poste|formation|job|contrat|stage",
	 "no", NULL, 85, F_NONEG},
	{"deja en poste|formation|cdi", "no", NULL, 85, F_NONEG},
	{"demenage", "no", NULL, 75, F_ASKED},
	{"arret maladie", "no", NULL, 75, F_ASKED},
	{"trop loin", "no", NULL, 65, F_ASKED},
	{NULL, NULL, NULL, 0, 0},
};

#define DAY_WORDS                                                              \
	"lundi*|mardi*|mercredi*|jeudi*|vendredi*|samedi*|dimanche*|matin*|"   \
	"soir*|week|weekend*|nuit*|apres|aprem*|semaine*|premier|deuxieme|"    \
	"derniere|dernier|2e|2eme|1"

static const struct rule available_rules[] = {
	NEUTRAL,
	{"sauf|excepte|hormis", "partial", NULL, 85, F_NONEG},
	{"seulement|uniquement|partiellement", "partial", NULL, 80, F_NONEG},
	{"a partir", "partial", NULL, 75, F_NONEG},
	{"en partie", "partial", NULL, 85, F_NONEG},
	{"certains jours|matins|soirs", "partial", NULL, 85, F_NONEG},
	{"mi temps", "partial", NULL, 80, F_NONEG},
	{"pas avant|apres", "partial", NULL, 80, F_NONEG},
	{"pas tout jours|semaines|dates", "partial", NULL, 85, F_NONEG},
	{"que " DAY_WORDS, "partial", NULL, 85, F_NONEG},
	{"apres midi cest complique|impossible|difficile", "partial", NULL, 80,
	 F_NONEG},
	{"matin|soir cest complique|impossible|difficile", "partial", NULL, 80,
	 F_NONEG},
	{DAY_WORDS, NULL, "partial", 80, 0},
	{"serai pas", "no", NULL, 85, F_NONEG},
	{"je serai", "yes", "no", 70, F_POSTNEG | F_ASKED},
	{"dispo", "yes", "no", 90, F_POSTNEG},
	{"libre", "yes", "no", 85, F_POSTNEG},
	{"present", "yes", "no", 80, 0},
	{"me va|vont|convient", "yes", "no", 85, F_POSTNEG},
	{"ok pour tout dates", "yes", NULL, 85, F_NONEG},
	{"ok pour dates", "yes", NULL, 85, F_NONEG},
	{"dates me va|vont|convient", "yes", "no", 85, F_POSTNEG},
	{"tout dates|temps|semaine|periode|jours", "yes", NULL, 80, F_NONEG},
	{"je peux|pourrai|pourrais", "yes", "no", 75, F_POSTNEG | F_ASKED},
	{"peux", "yes", "no", 70, F_POSTNEG | F_ASKED},
	{"pas possible|impossible", "no", NULL, 85, F_NONEG},
	{"travaille", "no", NULL, 75, F_ASKED},
	{"en formation|stage", "no", NULL, 75, F_ASKED},
	{"vacances", "no", NULL, 80, 0},
	{"hospitalise", "no", NULL, 85, 0},
	{"arret maladie", "no", NULL, 80, 0},
	{"pars|partirai|demenage", "no", NULL, 70, F_ASKED},
	{NULL, NULL, NULL, 0, 0},
};

#define DRIVE_VERBS "depose|emmene|amene|conduit|accompagne|ramene|cherche"
#define PEOPLE                                                                 \
	"mari|femme|epoux|epouse|conjoint|conjointe|compagnon|compagne|"       \
	"copain|copine|ami|amie|amis|pote|potes|voisin|voisine|collegue|"      \
	"collegues|pere|mere|frere|soeur|fils|fille|cousin|cousine|oncle|"     \
	"tante|parents|ex|quelqu|beau|belle"

static const struct rule transport_rules[] = {
	NEUTRAL,
	{"covoiturage|blablacar", "carpool", NULL, 90, F_NONEG},
	{"fais|fait|faire depose|emmene|amene|conduit|accompagne|ramene",
	 "carpool", NULL, 90, F_NONEG},
	{"on me " DRIVE_VERBS, "carpool", NULL, 90, F_NONEG},
	{"je sais pas comment y aller|venir|faire", "help_needed", NULL, 85,
	 F_NONEG},
	{"comment y aller|venir", "help_needed", NULL, 70, F_ASKED | F_NONEG},
	{"pas me deplacer", "help_needed", NULL, 85, F_NONEG},
	{"aide|besoin pour|au transport|deplacement|transports", "help_needed",
	 NULL, 90, F_NONEG},
	{"aide|besoin transport|transports|deplacement", "help_needed", NULL,
	 90, F_NONEG},
	{"aide|besoin", "help_needed", NULL, 70, F_ASKED | F_NONEG},
	{"permis est|a suspendu|retire|annule|expire", "help_needed", NULL, 90,
	 F_NONEG},
	{"permis suspendu|retire|annule|expire", "help_needed", NULL, 90,
	 F_NONEG},
	{"moyen|moyens transport|transports|locomotion|deplacement", NULL,
	 "help_needed", 90, 0},
	{"transport|transports en commun|communs", "public", "help_needed", 90,
	 0},
	{"je conduis", "car", "help_needed", 85, F_POSTNEG},
	{"voiture", "car", "help_needed", 90, 0},
	{"moto", "car", NULL, 75, 0},
	{"propres moyens", "car", NULL, 65, F_NONEG},
	{"permis", "car?", "help_needed", 60, 0},
	{"transport|transports", "public", "help_needed", 75, 0},
	{"bus|tram|train|trains|metro|rer|ter|tgv|navette|mettis|tcl|ratp|"
	 "sncf|abonnement|ligne|fluo|tisseo|star|tan|tag|tbm|twisto",
	 "public", "help_needed", 90, 0},
	{"a pied", "walk_bike", NULL, 90, F_NONEG},
	{"pied|velo|trottinette|marcher", "walk_bike", NULL, 90, 0},
	{"je marche", "walk_bike", NULL, 85, F_NONEG},
	{"a cote", "walk?", NULL, 60, F_NONEG},
	{"pas loin", "walk?", NULL, 60, F_NONEG},
	{"tout pres", "walk?", NULL, 60, F_NONEG},
	{NULL, NULL, NULL, 0, 0},
};

#define CARE_VERBS "garde|occupe|recupere"
#define CARE_PLACES                                                            \
	"creche|garderie|nounou|periscolaire|cantine|babysitter|baby|"         \
	"assistante|centre"

static const struct rule childcare_rules[] = {
	NEUTRAL,
	{"grand|belle|beau mere|pere|parents", NULL, NULL, 0, F_NONEG},
	{"maman|mere|pere|papa solo|seule|seul|celibataire", "help_needed",
	 NULL, 60, F_NONEG},
	{"seule|seul avec enfant", "help_needed", NULL, 70, F_NONEG},
	{"personne pour " CARE_VERBS, "help_needed", NULL, 90, F_NONEG},
	{"je ai personne", "help_needed", NULL, 85, F_NONEG},
	{"quelqu un pour " CARE_VERBS, "solved", NULL, 85, F_NONEG},
	{"faire garde", "help_needed", NULL, 75, F_NONEG},
	{"pas besoin", "not_needed", NULL, 85, F_NONEG | F_ASKED},
	{"besoin|faudrait|cherche|trouve|trouver garde|nounou|solution|"
	 "creche|place|aide",
	 "help_needed", NULL, 85, F_NONEG},
	{"besoin|faudrait|faut|cherche|trouve|trouver|aide", "help_needed",
	 NULL, 80, F_NONEG | F_ASKED},
	{"enfant|fils|fille", NULL, "not_needed", 90, 0},
	{"je en ai pas|aucun", "not_needed", NULL, 80, F_NONEG | F_ASKED},
	{"concerne", NULL, "not_needed", 85, 0},
	{"grand|majeur|adultes|autonomes", "not_needed", NULL, 80, 0},
	{CARE_PLACES, "solved", "help_needed", 85, 0},
	{"ecole", "solved", NULL, 65, 0},
	{"solution", "solved", "help_needed", 80, 0},
	{"organise|regle|gere", "solved", "help_needed", 80, F_ASKED},
	{NULL, NULL, NULL, 0, 0},
};

#define PREREQ_NOUNS                                                           \
	"diplome|cap|bep|bac|caces|vaccin|certificat|habilitation|"            \
	"attestation|brevet|licence|titre|bafa|cqp|dipl|permis"

static const struct rule prereq_rules[] = {
	NEUTRAL,
	{"pas encore", "no", NULL, 85, F_NONEG},
	{"en cours|train", "no", NULL, 70, F_NONEG | F_ASKED},
	{"je passe|passerai", "no", NULL, 65, F_NONEG | F_ASKED},
	{"expire|perdu|suspendu|retire|annule", "no", NULL, 65, F_ASKED},
	{"je ai eu|obtenu", "yes", NULL, 85, F_NONEG | F_ASKED},
	{"je possede|titulaire", "yes", NULL, 85, F_ASKED},
	{"a jour", "yes", NULL, 80, F_NONEG | F_ASKED},
	{"je ai tout", "yes", NULL, 80, F_NONEG | F_ASKED},
	{"je ai", NULL, "no", 85, F_POSTNEG | F_ASKED},
	{NULL, NULL, NULL, 0, 0},
};

/*
 * Resolve hits into one reading.  @order lists the values from the one
 * that wins a conflict to the one that loses; "car?" and "walk?" are
 * weak forms of "car" and "walk_bike", used only alone.
 */
static void resolve(const struct reply *r, const struct hits *h,
		    const char *const *order, struct reading *rd)
{
	const struct hit *best = NULL;
	unsigned kinds = 0;

	rd->value = NULL;
	rd->conf = 0;
	rd->why[0] = '\0';
	for (size_t o = 0; order[o] && !best; o++)
		for (size_t i = 0; i < h->n; i++)
			if (val_is(h->h[i].val, order[o]) &&
			    (!best || h->h[i].conf > best->conf))
				best = &h->h[i];
	for (size_t o = 0; order[o]; o++)
		for (size_t i = 0; i < h->n; i++)
			if (val_is(h->h[i].val, order[o])) {
				kinds++;
				break;
			}
	if (!best)
		return;
	reading_set(rd, r, best->val, best->conf, best, "");
	if (kinds > 1 && rd->conf > 60)
		rd->conf = rd->conf - 10 < 60 ? 60 : rd->conf - 10;
}

/* Index of the first word at or after @from matching @alts, or r->n. */
static size_t find_w(const struct reply *r, size_t from, const char *alts)
{
	for (size_t i = from; i < r->n; i++)
		if (is_w(r, i, alts))
			return i;
	return r->n;
}

/*
 * A person (PEOPLE) and a verb (@verbs) in one clause, the verb within
 * four words after the person or the person within three after the verb
 * ("ma mère les garde", "gardés par ma sœur"); negated when a negation
 * word lies between.
 */
static void person_verb(const struct reply *r, const char *verbs,
			const char *val, const char *neg, struct hits *h)
{
	for (size_t i = 0; i < r->n; i++) {
		if (!is_w(r, i, PEOPLE))
			continue;
		for (size_t j = i + 1; j < r->n && j <= i + 4; j++) {
			bool n = false;

			if (r->t[j].clause != r->t[i].clause)
				break;
			if (!is_w(r, j, verbs))
				continue;
			for (size_t k = i + 1; k < j; k++)
				n = n || is_w(r, k, NEG_WORDS);
			hit_add(h, n ? neg : val, 85, i, j - i + 1, n);
			return;
		}
		for (size_t d = 1; d <= 3 && d <= i; d++) {
			size_t j = i - d;

			if (r->t[j].clause != r->t[i].clause)
				break;
			if (is_w(r, j, verbs)) {
				hit_add(h, val, 85, j, d + 1, false);
				return;
			}
		}
	}
}

static void topic_transport(const struct reply *r, bool asked,
			    struct reading *rd)
{
	static const char *const order[] = {
		"carpool",     "car",  "public", "walk_bike",
		"help_needed", "car?", "walk?",	 NULL,
	};
	bool used[TOK_MAX] = {false};
	struct hits h = {.n = 0};
	const char *mode = NULL;
	size_t first = TOK_MAX;
	unsigned modes = 0;

	person_verb(r, DRIVE_VERBS, "carpool", NULL, &h);
	scan(r, transport_rules, asked, used, &h);
	for (size_t i = 0; i < h.n; i++) /* a car said not to be there */
		if (val_is(h.h[i].val, "help_needed"))
			for (size_t k = 0; k < h.n; k++)
				if (val_is(h.h[k].val, "car?"))
					h.h[k].val = "help_needed";
	if (h.n == 0) {
		if (r->e.car)
			hit_add(&h, "car", 65, 0, 0, false);
		else if (r->e.pub)
			hit_add(&h, "public", 65, 0, 0, false);
		else if (r->e.walk)
			hit_add(&h, "walk_bike", 65, 0, 0, false);
	}
	/* Two ways to come ("voiture ou bus"): the first said, hedged. */
	for (size_t o = 1; o <= 3; o++)
		for (size_t i = 0; i < h.n; i++)
			if (val_is(h.h[i].val, order[o])) {
				modes++;
				if (h.h[i].pos < first) {
					first = h.h[i].pos;
					mode = order[o];
				}
				break;
			}
	resolve(r, &h, order, rd);
	if (!rd->value)
		return;
	if (modes > 1 && !val_is(rd->value, "carpool")) {
		rd->value = mode;
		rd->conf = 65;
	}
	if (val_is(rd->value, "car?"))
		rd->value = "car";
	if (val_is(rd->value, "walk?"))
		rd->value = "walk_bike";
}

static void topic_childcare(const struct reply *r, bool asked,
			    struct reading *rd)
{
	static const char *const order[] = {"help_needed", "solved",
					    "not_needed", NULL};
	bool used[TOK_MAX] = {false};
	struct hits h = {.n = 0};

	person_verb(r, CARE_VERBS, "solved", "help_needed", &h);
	for (size_t i = find_w(r, 0, "chez"); i + 1 < r->n;
	     i = find_w(r, i + 1, "chez"))
		if (is_w(r, i + 1, PEOPLE))
			hit_add(&h, "solved", 80, i, 2, false);
	scan(r, childcare_rules, asked, used, &h);
	if (asked && h.n == 0) {
		/* "Oui ma mère": who keeps them, without a verb. */
		for (size_t i = 0; i < r->n; i++)
			if (is_w(r, i, PEOPLE) &&
			    !(i > 0 && is_w(r, i - 1, "suis"))) {
				hit_add(&h, "solved", 70, i, 1, false);
				break;
			}
	}
	resolve(r, &h, order, rd);
}

static void topic_prereq(const struct reply *r, bool asked, struct reading *rd)
{
	static const char *const order[] = {"no", "yes", NULL};
	bool used[TOK_MAX] = {false};
	struct hits h = {.n = 0};

	scan(r, prereq_rules, asked, used, &h);
	/* A required title: negated, or said to be held. */
	for (size_t i = 0; i < r->n; i++) {
		bool held = i == 0;

		if (!is_w(r, i, PREREQ_NOUNS) ||
		    (!asked && is_w(r, i, "permis")))
			continue;
		if (negated(r, i, 1, used, 0)) {
			hit_add(&h, "no", 90, i, 1, true);
			continue;
		}
		for (size_t d = 1; d <= 3 && d <= i; d++)
			if (r->t[i - d].clause == r->t[i].clause &&
			    is_w(r, i - d, "ai|oui|suis|avec|possede|eu"))
				held = true;
		if (held)
			hit_add(&h, "yes", 85, i, 1, false);
	}
	resolve(r, &h, order, rd);
}

static void topic_rules(const struct reply *r, const struct rule *rules,
			const char *const *order, bool asked,
			struct reading *rd)
{
	bool used[TOK_MAX] = {false};
	struct hits h = {.n = 0};

	scan(r, rules, asked, used, &h);
	resolve(r, &h, order, rd);
}

/* Standard criteria, in the order "also" findings are reported. */
enum crit {
	C_CONSENT,
	C_INTEREST,
	C_AVAILABLE,
	C_TRANSPORT,
	C_CHILDCARE,
	C_PREREQ,
	C_MOTIVATION,
	C_OTHER,
};

static const char *const criteria[] = {
	"consent",   "interest",      "available",  "transport",
	"childcare", "prerequisites", "motivation", NULL,
};

static enum crit crit_of(const char *name)
{
	for (size_t i = 0; criteria[i]; i++)
		if (strcmp(criteria[i], name) == 0)
			return (enum crit)i;
	return C_OTHER;
}

/* What @r says about criterion @c by its own words (not bare yes/no). */
static void topic(const struct reply *r, enum crit c, bool asked,
		  struct reading *rd)
{
	static const char *const yn[] = {"no", "yes", NULL};
	static const char *const avail[] = {"partial", "no", "yes", NULL};

	rd->value = NULL;
	rd->conf = 0;
	rd->why[0] = '\0';
	switch (c) {
	case C_CONSENT:
		topic_rules(r, consent_rules, yn, asked, rd);
		break;
	case C_INTEREST:
		topic_rules(r, interest_rules, yn, asked, rd);
		break;
	case C_AVAILABLE:
		topic_rules(r, available_rules, avail, asked, rd);
		break;
	case C_TRANSPORT:
		topic_transport(r, asked, rd);
		break;
	case C_CHILDCARE:
		topic_childcare(r, asked, rd);
		break;
	case C_PREREQ:
		topic_prereq(r, asked, rd);
		break;
	case C_MOTIVATION:
	case C_OTHER:
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Flags: conditions and questions                                      */
/* ------------------------------------------------------------------ */

static bool is_conditional(const struct reply *r)
{
	static const struct rule conds[] = {
		{"depend|dependra|dependant|selon|condition|pourvu", "c", NULL,
		 0, F_NONEG},
		{"sous reserve", "c", NULL, 0, F_NONEG},
		{"tant que", "c", NULL, 0, F_NONEG},
		{"en fonction", "c", NULL, 0, F_NONEG},
		{NULL, NULL, NULL, 0, 0},
	};
	bool used[TOK_MAX] = {false};
	struct hits h = {.n = 0};

	for (size_t i = 0; i + 1 < r->n; i++)
		if (is_w(r, i, "si") && r->t[i + 1].clause == r->t[i].clause &&
		    !is_w(r, i + 1, "oui|non|si"))
			return true;
	scan(r, conds, true, used, &h);
	return h.n > 0;
}

static bool is_question(const struct reply *r)
{
	static const struct rule qs[] = {
		{"pourquoi pas", NULL, NULL, 0, F_NONEG},
		{"cest quoi|ou|quand|combien|qui|paye|remunere", "q", NULL, 0,
		 F_NONEG},
		{"est ce que|qu", "q", NULL, 0, F_NONEG},
		{"vous pouvez|pourriez me appeler|rappeler|telephoner", "q",
		 NULL, 0, F_NONEG},
		{"appelez|rappelez|appeler|rappeler me", "q", NULL, 0, F_NONEG},
		{"je voudrais|aimerais savoir", "q", NULL, 0, F_NONEG},
		{NULL, NULL, NULL, 0, 0},
	};
	bool used[TOK_MAX] = {false};
	struct hits h = {.n = 0};

	if (r->qmark)
		return true;
	for (size_t i = 0; i < r->n; i++)
		if ((i == 0 || r->t[i - 1].clause != r->t[i].clause) &&
		    is_w(r, i, "pourquoi|comment|combien|quand|quel*|qui") &&
		    !is_w(r, i + 1, "pas"))
			return true;
	scan(r, qs, true, used, &h);
	return h.n > 0;
}

/* ------------------------------------------------------------------ */
/* Numbers and dates                                                    */
/* ------------------------------------------------------------------ */

/* The value of a French number word, or -1. */
static long number_word(const char *w)
{
	static const struct {
		const char *w;
		long v;
	} words[] = {
		{"zero", 0},	  {"un", 1},	     {"une", 1},
		{"deux", 2},	  {"trois", 3},	     {"quatre", 4},
		{"cinq", 5},	  {"six", 6},	     {"sept", 7},
		{"huit", 8},	  {"neuf", 9},	     {"dix", 10},
		{"onze", 11},	  {"douze", 12},     {"treize", 13},
		{"quatorze", 14}, {"quinze", 15},    {"seize", 16},
		{"vingt", 20},	  {"vingts", 20},    {"trente", 30},
		{"quarante", 40}, {"cinquante", 50}, {"soixante", 60},
		{"cent", 100},	  {"cents", 100},    {"mille", 1000},
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(words[i].w, w) == 0)
			return words[i].v;
	return -1;
}

#define FW_MAX 200 /* folded words read by the number and date parsers */

/* The folded reply as words. */
struct fwords {
	char w[FW_MAX][WORD_MAX];
	size_t n;
};

static void fwords_split(const char *folded, struct fwords *f)
{
	const char *w = folded;
	size_t wl;

	f->n = 0;
	while ((w = next_word(w, &wl)) && f->n < FW_MAX) {
		snprintf(f->w[f->n++], WORD_MAX, "%.*s", (int)wl, w);
		w += wl;
	}
}

/*
 * The number at word @i: digits (at most 6, "1er" and "2e" too) or French
 * words ("quatre vingt dix", "vingt et un").  Returns the words it spans
 * (0 if none) and the value in @v.
 */
static size_t number_at(const struct fwords *f, size_t i, long *v)
{
	const char *w = f->w[i];
	size_t d = 0, k = i;
	long cur = 0, total = 0, last = -1;

	while (is_digit(w[d]))
		d++;
	if (d > 0) {
		if (d > 6 ||
		    (w[d] && strcmp(w + d, "er") != 0 &&
		     strcmp(w + d, "e") != 0 && strcmp(w + d, "eme") != 0 &&
		     strcmp(w + d, "ere") != 0 && strcmp(w + d, "h") != 0))
			return 0;
		*v = 0;
		for (size_t j = 0; j < d; j++)
			*v = *v * 10 + (w[j] - '0');
		return 1;
	}
	while (k < f->n) {
		long n = number_word(f->w[k]);

		if (n < 0 && strcmp(f->w[k], "et") == 0 && k > i &&
		    k + 1 < f->n &&
		    (strcmp(f->w[k + 1], "un") == 0 ||
		     strcmp(f->w[k + 1], "une") == 0 ||
		     strcmp(f->w[k + 1], "onze") == 0)) {
			k++;
			continue;
		}
		if (n < 0)
			break;
		if (n == 100)
			cur = (cur ? cur : 1) * 100;
		else if (n == 1000) {
			total += (cur ? cur : 1) * 1000;
			cur = 0;
		} else if (n == 20 && last == 4)
			cur += 76; /* quatre-vingt */
		else
			cur += n;
		last = n;
		k++;
	}
	if (k == i)
		return 0;
	*v = total + cur;
	return k - i;
}

static bool fw_is(const struct fwords *f, size_t i, const char *alts)
{
	return i < f->n && part_match(alts, strlen(alts), f->w[i]);
}

static void answer_number(const struct reply *r, struct reading *rd,
			  char *value, size_t len)
{
	struct fwords f;
	long vals[8], v;
	size_t nv = 0, first = 0;
	bool approx = false, unclear = false, distinct = false;
	char why[40];

	fwords_split(r->folded, &f);
	for (size_t i = 0; i < f.n;) {
		size_t m = number_at(&f, i, &v);

		if (!m) {
			if (fw_is(&f, i,
				  "environ|pres|vers|approximativement|"
				  "dizaine|vingtaine|quinzaine|douzaine|"
				  "trentaine|centaine|peu"))
				approx = true;
			if (fw_is(&f, i,
				  "dizaine|douzaine|quinzaine|vingtaine|"
				  "trentaine|centaine") &&
			    nv < 8) {
				vals[nv++] = fw_is(&f, i, "dizaine")	 ? 10
					     : fw_is(&f, i, "douzaine")	 ? 12
					     : fw_is(&f, i, "quinzaine") ? 15
					     : fw_is(&f, i, "vingtaine") ? 20
					     : fw_is(&f, i, "trentaine") ? 30
									 : 100;
				first = nv == 1 ? i : first;
			}
			if (fw_is(&f, i,
				  "demi|demie|quelques|plusieurs|ou|"
				  "entre"))
				unclear = true;
			i++;
			continue;
		}
		/* "un ami", "une fois": an article, unless alone. */
		if (fw_is(&f, i, "un|une") && m == 1 && f.n > 1 &&
		    !fw_is(&f, i + 1,
			   "an|ans|seul|seule|enfant|enfants|fils|"
			   "fille") &&
		    i + 1 < f.n) {
			i++;
			continue;
		}
		if (fw_is(&f, i + m,
			  "mois|semaine|semaines|jour|jours|min|"
			  "minutes|heure|heures|h"))
			unclear = true;
		if (nv < 8) {
			if (nv == 0)
				first = i;
			vals[nv++] = v;
		}
		i += m;
	}
	if (nv == 0) {
		/* "aucun", "pas d'enfant", "je n'en ai pas". */
		for (size_t i = 0; i < r->n; i++)
			if ((is_w(r, i, "aucun|aucune") &&
			     (i + 1 >= r->n ||
			      is_w(r, i + 1, "enfant|experience|an|ans"))) ||
			    (is_w(r, i, "enfant|experience") && i > 0 &&
			     is_w(r, i - 1, "pas|sans|aucun|aucune")) ||
			    (is_w(r, i, "en") && is_w(r, i + 1, "ai") &&
			     is_w(r, i + 2, "pas|aucun"))) {
				snprintf(value, len, "0");
				reading_set(rd, r, value, 90, NULL, "none");
				return;
			}
		return;
	}
	for (size_t i = 1; i < nv; i++)
		distinct = distinct || vals[i] != vals[0];
	snprintf(why, sizeof(why), "'%s'", f.w[first]);
	if (unclear || strpbrk(r->raw, ",.") != NULL) {
		/* "2,5 km", "3 ou 4", "6 mois" */
		bool dec = false;

		for (const char *p = r->raw; *p; p++)
			if ((*p == ',' || *p == '.') && p > r->raw &&
			    is_digit(p[-1]) && is_digit(p[1]))
				dec = true;
		if (unclear || dec) {
			reading_set(rd, r, "unclear", 30, NULL,
				    "range or unit");
			rd->value = NULL;
			return;
		}
	}
	snprintf(value, len, "%ld", vals[0]);
	rd->value = value;
	rd->conf = distinct ? 60 : approx ? 65 : 90;
	snprintf(rd->why, sizeof(rd->why), "number %ld: %s%s", vals[0], why,
		 distinct ? " (first of several)"
		 : approx ? " (about)"
			  : "");
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, long *m, long *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

static bool date_valid(long y, long m, long d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};

	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1])
		return false;
	return !(m == 2 && d == 29 &&
		 !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

/* "YYYY-MM-DD" into days, or -1. */
static long parse_iso(const char *s)
{
	long y, m, d;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !is_digit(s[i]))
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (!date_valid(y, m, d))
		return -1;
	return days_from_civil(y, m, d);
}

static int month_of(const char *w)
{
	static const char *const months[] = {
		"janvier|janv|jan",
		"fevrier|fevr|fev",
		"mars",
		"avril|avr",
		"mai",
		"juin",
		"juillet|juil",
		"aout",
		"septembre|sept",
		"octobre|oct",
		"novembre|nov",
		"decembre|dec",
	};

	for (int i = 0; i < 12; i++)
		if (part_match(months[i], strlen(months[i]), w))
			return i + 1;
	return 0;
}

#define DATES_MAX 4

struct dates {
	long d[DATES_MAX]; /* days since 1970 */
	size_t n;
	bool invalid; /* a date that does not exist: "31 février" */
	bool vague;   /* "début avril", "la semaine prochaine" */
};

static void date_add(struct dates *ds, long y, long m, long d, long today,
		     bool year_given)
{
	long z;

	if (!year_given) {
		if (today < 0)
			return;
		long ty, tm, td;

		civil_from_days(today, &ty, &tm, &td);
		y = ty;
		if (!date_valid(y, m, d) && !(m == 2 && d == 29)) {
			ds->invalid = true;
			return;
		}
		if (date_valid(y, m, d) && days_from_civil(y, m, d) < today)
			y++;
	}
	if (!date_valid(y, m, d)) {
		ds->invalid = true;
		return;
	}
	z = days_from_civil(y, m, d);
	for (size_t i = 0; i < ds->n; i++)
		if (ds->d[i] == z)
			return;
	if (ds->n < DATES_MAX)
		ds->d[ds->n++] = z;
}

/* Numeric dates in the raw text: 12/03, 12/03/2026, 3.3.26, 2026-03-12. */
static void numeric_dates(const char *s, long today, struct dates *ds)
{
	for (size_t i = 0; s[i]; i++) {
		long a = 0, b = 0, c = 0;
		size_t la = 0, lb = 0, lc = 0, j = i;
		char sep;

		if (!is_digit(s[i]) || (i > 0 && is_digit(s[i - 1])))
			continue;
		while (is_digit(s[j]) && la < 5)
			a = a * 10 + (s[j++] - '0'), la++;
		sep = s[j];
		if (sep != '/' && sep != '-' && sep != '.')
			continue;
		j++;
		while (is_digit(s[j]) && lb < 3)
			b = b * 10 + (s[j++] - '0'), lb++;
		if (lb == 0 || lb > 2)
			continue;
		if (s[j] == sep && is_digit(s[j + 1])) {
			j++;
			while (is_digit(s[j]) && lc < 5)
				c = c * 10 + (s[j++] - '0'), lc++;
		}
		if (is_digit(s[j]))
			continue;
		if (la == 4 && lc == 2 && sep == '-')
			date_add(ds, a, b, c, today, true);
		else if (la <= 2 && lc == 0)
			date_add(ds, 0, b, a, today, false);
		else if (la <= 2 && (lc == 2 || lc == 4))
			date_add(ds, lc == 2 ? 2000 + c : c, b, a, today, true);
		i = j - 1;
	}
}

static void word_dates(const struct fwords *f, long today, struct dates *ds)
{
	static const char *const wdays[] = {"lundi",   "mardi",	   "mercredi",
					    "jeudi",   "vendredi", "samedi",
					    "dimanche"};

	for (size_t i = 0; i < f->n; i++) {
		long v, rel = -1;
		size_t m;
		int mo;

		if (fw_is(f, i, "aujourd|maintenant|immediatement") ||
		    (fw_is(f, i, "tout") && fw_is(f, i + 1, "de") &&
		     fw_is(f, i + 2, "suite")) ||
		    (fw_is(f, i, "des") && fw_is(f, i + 1, "que") &&
		     fw_is(f, i + 2, "possible")))
			rel = 0;
		else if (fw_is(f, i, "apres") && fw_is(f, i + 1, "demain")) {
			rel = 2;
			i++;
		} else if (fw_is(f, i, "demain"))
			rel = 1;
		else if (fw_is(f, i, "semaine|mois") &&
			 fw_is(f, i + 1, "prochaine|prochain"))
			ds->vague = true;
		else if (fw_is(f, i, "debut|fin|mi|courant") &&
			 month_of(i + 1 < f->n ? f->w[i + 1] : "") > 0)
			ds->vague = true;
		else if (fw_is(f, i, "dans") &&
			 (m = number_at(f, i + 1, &v)) > 0 &&
			 fw_is(f, i + 1 + m, "jour|jours|semaine|semaines")) {
			rel = fw_is(f, i + 1 + m, "jour|jours") ? v : 7 * v;
			i += m + 1;
		} else if (fw_is(f, i, "dans") && fw_is(f, i + 1, "une") &&
			   fw_is(f, i + 2, "semaine")) {
			rel = 7;
			i += 2;
		}
		for (int d = 0; d < 7 && rel < 0; d++) {
			long wd;

			if (strcmp(f->w[i], wdays[d]) != 0 || today < 0)
				continue;
			/* "lundi 16 mars": the date says it. */
			if (i + 1 < f->n && number_at(f, i + 1, &v) > 0)
				break;
			wd = (today + 3) % 7; /* 1970-01-01 was a Thursday */
			rel = (d - wd + 7) % 7;
			if (rel == 0)
				rel = 7;
		}
		if (rel >= 0) {
			if (today >= 0 && rel <= 3660) {
				long y, mm, dd;

				civil_from_days(today + rel, &y, &mm, &dd);
				date_add(ds, y, mm, dd, today, true);
			}
			continue;
		}
		m = fw_is(f, i, "premier") ? (v = 1, 1) : number_at(f, i, &v);
		if (m == 0)
			continue;
		mo = i + m < f->n ? month_of(f->w[i + m]) : 0;
		if (mo == 0) {
			i += m - 1;
			continue;
		}
		{
			long y;
			size_t ym = i + m + 1 < f->n
					    ? number_at(f, i + m + 1, &y)
					    : 0;

			if (ym == 1 && y >= 1900 && y <= 2999)
				date_add(ds, y, mo, v, today, true);
			else
				date_add(ds, 0, mo, v, today, false);
			i += m + ym;
		}
	}
	for (size_t i = 0; i < f->n; i++) /* "en mai": a month alone */
		if (month_of(f->w[i]) &&
		    (i == 0 || !number_at(f, i - 1, &(long){0})) &&
		    !fw_is(f, i - (i > 0), "premier"))
			ds->vague = true;
}

static void answer_date(const struct reply *r, const struct sm_question *q,
			struct reading *rd, char *value, size_t len)
{
	struct fwords f;
	struct dates ds = {.n = 0};
	long today = parse_iso(q->today), y, m, d;

	fwords_split(r->folded, &f);
	numeric_dates(r->raw, today, &ds);
	word_dates(&f, today, &ds);
	/* "le 2 mai ou le 3": one of two. */
	for (size_t i = 0; i + 1 < f.n; i++)
		for (size_t k = i + 1;
		     fw_is(&f, i, "ou") && k < f.n && k <= i + 2; k++)
			if (number_at(&f, k, &y) > 0)
				ds.n += ds.n > 0;
	if (ds.n == 0) {
		if (ds.invalid || ds.vague) {
			reading_set(rd, r, "unclear", 30, NULL,
				    ds.invalid ? "no such date" : "vague");
			rd->value = NULL;
		}
		return;
	}
	if (ds.n > 1) {
		reading_set(rd, r, "unclear", 30, NULL, "several dates");
		rd->value = NULL;
		return;
	}
	civil_from_days(ds.d[0], &y, &m, &d);
	snprintf(value, len, "%04ld-%02ld-%02ld", y, m, d);
	rd->value = value;
	rd->conf = ds.invalid ? 50 : 90;
	snprintf(rd->why, sizeof(rd->why), "date %s", value);
}

/* ------------------------------------------------------------------ */
/* Free text                                                            */
/* ------------------------------------------------------------------ */

static const char *const function_words[] = {
	"je",	  "tu",	       "il",	  "elle",  "on",       "nous",
	"vous",	  "ils",       "elles",	  "me",	   "te",       "se",
	"moi",	  "toi",       "lui",	  "y",	   "en",       "que",
	"qui",	  "quoi",      "cest",	  "ca",	   "est",      "suis",
	"es",	  "sont",      "ai",	  "as",	   "a",	       "ont",
	"et",	  "ou",	       "donc",	  "car",   "pour",     "par",
	"avec",	  "sans",      "sur",	  "sous",  "dans",     "chez",
	"pas",	  "plus",      "oui",	  "non",   "ok",       "merci",
	"si",	  "tres",      "bien",	  "trop",  "tout",     "rien",
	"accord", "parce",     "comme",	  "aussi", "vraiment", "juste",
	"peu",	  "beaucoup",  "combien", "quand", "comment",  "pourquoi",
	"sais",	  "aucune",    "aucun",	  "idee",  "etre",     "avoir",
	"motive", "interesse", "paye",	  "dispo", NULL,
};

static void answer_text(const struct reply *r, const struct reading *part,
			bool question, struct reading *rd, char *value,
			size_t len)
{
	size_t content = 0, letters = 0, start = 0, end = strlen(r->raw);

	for (size_t i = 0; i < r->n; i++)
		if (strlen(r->t[i].w) > 1 && !is_digit(r->t[i].w[0]) &&
		    !in_list(r->t[i].w, function_words))
			content++;
	for (const char *p = r->folded; *p; p++)
		letters += *p >= 'a' && *p <= 'z';
	if (content < 2 || letters < 10 ||
	    (val_is(part->value, "maybe") && content < 4) ||
	    (question && content < 4))
		return;
	while (start < end && (r->raw[start] == ' ' || r->raw[start] == '\t' ||
			       r->raw[start] == '\n' || r->raw[start] == '\r'))
		start++;
	while (end > start &&
	       (r->raw[end - 1] == ' ' || r->raw[end - 1] == '\t' ||
		r->raw[end - 1] == '\n' || r->raw[end - 1] == '\r'))
		end--;
	if (end - start >= len) {
		end = start + len - 1;
		/* Cut at a character boundary. */
		while (end > start &&
		       ((unsigned char)r->raw[end] & 0xC0) == 0x80)
			end--;
	}
	memcpy(value, r->raw + start, end - start);
	value[end - start] = '\0';
	rd->value = value;
	rd->conf = content >= 4 ? 90 : 75;
	snprintf(rd->why, sizeof(rd->why), "text: %zu words of content",
		 content);
}

/* ------------------------------------------------------------------ */
/* Answers                                                              */
/* ------------------------------------------------------------------ */

/*
 * Topic @top (the question's own words) over particles @part: the topic
 * wins; a particle saying the opposite lowers the confidence ("non non
 * c'est bon je suis dispo").  @part_value is the particle reading mapped
 * to the question's values.
 */
static void combine(const struct reading *top, const struct reading *part,
		    const char *part_value, struct reading *rd)
{
	if (top->value) {
		*rd = *top;
		if (part_value && strcmp(part_value, top->value) != 0 &&
		    rd->conf > 75)
			rd->conf = 75;
		else if (part_value && strcmp(part_value, top->value) == 0 &&
			 part->conf > rd->conf)
			rd->conf = part->conf;
		return;
	}
	if (part_value) {
		*rd = *part;
		rd->value = part_value;
	}
}

static void answer_yesno(const struct reply *r, const struct sm_question *q,
			 enum crit c, const struct reading *part,
			 struct reading *rd, bool *conditional)
{
	struct reading top;
	const char *pv = part->value;

	topic(r, c, true, &top);
	if (val_is(top.value, "partial")) {
		/* Available with limits, asked as yes/no. */
		top.value = "yes";
		top.conf = 65;
		*conditional = true;
	}
	if (val_is(pv, "whynot"))
		pv = q->allow_maybe ? "maybe" : "yes";
	if (val_is(pv, "maybe") && !q->allow_maybe && !top.value) {
		reading_set(rd, r, "unclear", 30, NULL, part->why);
		rd->value = NULL;
		return;
	}
	if (val_is(pv, "maybe") && !q->allow_maybe)
		pv = NULL;
	combine(&top, part, pv, rd);
	if (val_is(part->value, "whynot") && q->allow_maybe &&
	    val_is(rd->value, "maybe"))
		rd->conf = 75;
}

static bool has_choice(const struct sm_question *q, const char *v)
{
	for (size_t i = 0; v && i < q->nchoices; i++)
		if (strcmp(q->choices[i].value, v) == 0)
			return true;
	return false;
}

/*
 * Where folded phrase @syn occurs in the folded reply as whole words, not
 * just after a negation; -1 if nowhere.
 */
static long synonym_at(const char *folded, const char *syn)
{
	size_t sl = strlen(syn), fl = strlen(folded);

	if (sl == 0)
		return -1;
	for (const char *p = strstr(folded, syn); p; p = strstr(p + 1, syn)) {
		size_t at = (size_t)(p - folded);
		const char *prev;
		size_t pl = 0;

		if ((at > 0 && folded[at - 1] != ' ') ||
		    (at + sl < fl && folded[at + sl] != ' '))
			continue;
		/* the word before */
		prev = p;
		if (at >= 2) {
			prev = p - 2;
			while (prev > folded && prev[-1] != ' ')
				prev--;
			pl = (size_t)(p - 1 - prev);
		}
		/* "pas le matin": look past an article */
		if (pl && prev > folded + 1 &&
		    (word_is(prev, pl, "le") || word_is(prev, pl, "la") ||
		     word_is(prev, pl, "les") || word_is(prev, pl, "l") ||
		     word_is(prev, pl, "de") || word_is(prev, pl, "d") ||
		     word_is(prev, pl, "un") || word_is(prev, pl, "une"))) {
			const char *pe = prev - 1;

			prev = pe;
			while (prev > folded && prev[-1] != ' ')
				prev--;
			pl = (size_t)(pe - prev);
		}
		/* "pa" is how "pas" is texted ("g pa d voiture"); "ni"
		 * carries the negation on ("pas de voiture ni de bus"). */
		if (pl &&
		    (word_is(prev, pl, "pas") || word_is(prev, pl, "pa") ||
		     word_is(prev, pl, "ni") || word_is(prev, pl, "sans") ||
		     word_is(prev, pl, "aucun") ||
		     word_is(prev, pl, "aucune") || word_is(prev, pl, "plus") ||
		     word_is(prev, pl, "jamais")))
			continue;
		return (long)at;
	}
	return -1;
}

static void answer_choice(const struct reply *r, const struct sm_question *q,
			  enum crit c, const struct reading *part,
			  struct reading *rd)
{
	struct reading top = {.value = NULL}, syn = {.value = NULL};
	const char *pv = NULL;
	long best = -1;
	size_t nsyn = 0;

	/* The script's own words for each choice. */
	for (size_t i = 0; i < q->nchoices; i++) {
		long at = -1;

		for (size_t k = 0;
		     k < SM_SYNONYMS_MAX && q->choices[i].synonyms[k]; k++) {
			long a = synonym_at(r->folded,
					    q->choices[i].synonyms[k]);

			if (a >= 0 && (at < 0 || a < at))
				at = a;
		}
		if (at < 0)
			continue;
		nsyn++;
		if (best < 0 || at < best) {
			best = at;
			syn.value = q->choices[i].value;
		}
	}
	if (syn.value) {
		syn.conf = nsyn > 1 ? 60 : 85;
		snprintf(syn.why, sizeof(syn.why), "%s: synonym", syn.value);
	} else if (r->n == 1 && is_digit(r->t[0].w[0])) {
		/* "2": the second choice of a numbered list. */
		long v = 0;

		for (const char *p = r->t[0].w; is_digit(*p) && v < 100; p++)
			v = v * 10 + (*p - '0');
		if (v >= 1 && (size_t)v <= q->nchoices &&
		    strlen(r->t[0].w) <= 2) {
			syn.value = q->choices[v - 1].value;
			syn.conf = 85;
			snprintf(syn.why, sizeof(syn.why), "%s: choice %ld",
				 syn.value, v);
		}
	}

	/* The built-in reading of a standard criterion. */
	if (c == C_TRANSPORT || c == C_CHILDCARE || c == C_AVAILABLE)
		topic(r, c, true, &top);
	if (!has_choice(q, top.value))
		top.value = NULL;
	if (c == C_CHILDCARE)
		pv = val_is(part->value, "yes")	 ? "help_needed"
		     : val_is(part->value, "no") ? "not_needed"
						 : NULL;
	else if (c != C_TRANSPORT)
		pv = val_is(part->value, "whynot") ? "yes" : part->value;
	if (!has_choice(q, pv))
		pv = NULL;
	combine(&top, part, pv, rd);
	if (syn.value) {
		if (rd->value && strcmp(rd->value, syn.value) != 0)
			syn.conf = syn.conf > 75 ? 75 : syn.conf;
		*rd = syn;
	}
}

/* ------------------------------------------------------------------ */
/* Entry points                                                         */
/* ------------------------------------------------------------------ */

static int question_check(const struct sm_question *q)
{
	if (!q->criterion || !*q->criterion ||
	    strlen(q->criterion) >= SM_CRITERION_MAX)
		return -EINVAL;
	switch (q->kind) {
	case SM_ANSWER_CHOICE:
		if (!q->choices || q->nchoices == 0 ||
		    q->nchoices > SM_CHOICES_MAX)
			return -EINVAL;
		for (size_t i = 0; i < q->nchoices; i++)
			if (!q->choices[i].value || !*q->choices[i].value ||
			    strlen(q->choices[i].value) >= SM_VALUE_MAX)
				return -EINVAL;
		return 0;
	case SM_ANSWER_YESNO:
	case SM_ANSWER_NUMBER:
	case SM_ANSWER_DATE:
	case SM_ANSWER_TEXT:
		return 0;
	}
	return -EINVAL;
}

static void finding_set(struct sm_finding *f, const char *criterion,
			const char *value, unsigned conf)
{
	snprintf(f->criterion, sizeof(f->criterion), "%s", criterion);
	snprintf(f->value, sizeof(f->value), "%s", value);
	f->confidence = conf / 100.0;
}

int sm_understand(const char *text, const struct sm_question *q,
		  struct sm_understanding *out)
{
	struct reply r;
	struct reading part, rd = {.value = NULL, .conf = 0, .why = ""};
	char value[SM_VALUE_MAX];
	enum crit c;
	int rc;

	if (!text || !q || !out)
		return -EINVAL;
	rc = question_check(q);
	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	snprintf(out->method, sizeof(out->method), "rules");
	snprintf(out->answer.criterion, sizeof(out->answer.criterion), "%s",
		 q->criterion);
	reply_read(&r, text);
	c = crit_of(q->criterion);
	out->conditional = is_conditional(&r);
	out->question = is_question(&r);
	read_particles(&r, &part);

	switch (q->kind) {
	case SM_ANSWER_YESNO:
		answer_yesno(&r, q, c, &part, &rd, &out->conditional);
		break;
	case SM_ANSWER_CHOICE:
		answer_choice(&r, q, c, &part, &rd);
		break;
	case SM_ANSWER_NUMBER:
		answer_number(&r, &rd, value, sizeof(value));
		break;
	case SM_ANSWER_DATE:
		answer_date(&r, q, &rd, value, sizeof(value));
		break;
	case SM_ANSWER_TEXT:
		answer_text(&r, &part, out->question, &rd, value,
			    sizeof(value));
		break;
	}
	if (rd.value) {
		if (out->conditional && rd.conf > 65)
			rd.conf = 65;
		out->understood = true;
		finding_set(&out->answer, q->criterion, rd.value, rd.conf);
	}
	snprintf(out->why, sizeof(out->why), "%s",
		 rd.why[0]
			 ? rd.why
			 : (r.n == 0 ? "nothing to read" : "no answer found"));

	/* What the reply says about the other standard criteria. */
	for (enum crit o = C_INTEREST; o <= C_PREREQ; o++) {
		struct reading ar;

		if (o == c || out->nalso >= SM_ALSO_MAX)
			continue;
		topic(&r, o, false, &ar);
		if (!ar.value || ar.conf < 60)
			continue;
		finding_set(&out->also[out->nalso++], criteria[o], ar.value,
			    out->conditional && ar.conf > 65 ? 65 : ar.conf);
	}
	return 0;
}

const char *const *sm_understand_criteria(void)
{
	return criteria;
}

const char *const *sm_understand_values(const char *criterion)
{
	static const char *const yn[] = {"yes", "no", NULL};
	static const char *const ynm[] = {"yes", "no", "maybe", NULL};
	static const char *const avail[] = {"yes", "no", "partial", NULL};
	static const char *const transport[] = {
		"car", "public", "carpool", "walk_bike", "help_needed", NULL,
	};
	static const char *const childcare[] = {"not_needed", "solved",
						"help_needed", NULL};

	if (!criterion)
		return NULL;
	switch (crit_of(criterion)) {
	case C_CONSENT:
	case C_PREREQ:
		return yn;
	case C_INTEREST:
		return ynm;
	case C_AVAILABLE:
		return avail;
	case C_TRANSPORT:
		return transport;
	case C_CHILDCARE:
		return childcare;
	case C_MOTIVATION:
	case C_OTHER:
		return NULL;
	}
	return NULL;
}
