/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * script.c - the dialogue engine: checks a script read by sm_script_read()
 * (links, reachability, loops without exit, template variables, message
 * lengths), renders its templates, and plays it: start, one step per
 * reply, reminders and expiry.
 *
 * Pure: no I/O, no clock (the caller passes the time), no allocation once
 * the script is loaded.  The conversation's state is a plain struct the
 * caller keeps; every call works on a copy and writes it back only when
 * the whole step (every message rendered) succeeded.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smsmatch/pdu.h"
#include "smsmatch/script.h"
#include "smsmatch/text.h"

/* ---- names */

static const char *const outcome_names[] = {
	[SM_OUTCOME_NONE] = "none",
	[SM_OUTCOME_COMPLETE] = "complete",
	[SM_OUTCOME_DECLINED] = "declined",
	[SM_OUTCOME_NO_ANSWER] = "no_answer",
	[SM_OUTCOME_CALLBACK] = "callback_requested",
	[SM_OUTCOME_INCOMPLETE] = "incomplete",
};

const char *sm_script_outcome_name(enum sm_script_outcome o)
{
	switch (o) {
	case SM_OUTCOME_NONE:
	case SM_OUTCOME_COMPLETE:
	case SM_OUTCOME_DECLINED:
	case SM_OUTCOME_NO_ANSWER:
	case SM_OUTCOME_CALLBACK:
	case SM_OUTCOME_INCOMPLETE:
		return outcome_names[o];
	}
	return "?";
}

const char *sm_script_kind_name(enum sm_answer_kind k)
{
	switch (k) {
	case SM_ANSWER_YESNO:
		return "yesno";
	case SM_ANSWER_CHOICE:
		return "choice";
	case SM_ANSWER_NUMBER:
		return "number";
	case SM_ANSWER_DATE:
		return "date";
	case SM_ANSWER_TEXT:
		return "text";
	}
	return "?";
}

/* The standard variables, with samples about as long as real values. */
static const struct sm_script_var std_vars[] = {
	{"prenom", "Alexandra"},
	{"nom", "Dupont-Moreau"},
	{"formation", "Auxiliaire de vie sociale"},
	{"date_debut", "lundi 12 janvier"},
	{"date_fin", "vendredi 26 juin 2027"},
	{"lieu", "AFPA de Colmar, 4 rue des Jardins"},
	{"places", "12"},
	{"agence", "France Travail Colmar"},
	{"signature", "France Travail Colmar"},
	{"prerequis", "vaccins à jour et test d'entrée"},
	{"code_postal", "68000"},
	{"commune", "Colmar"},
	{NULL, NULL},
};

const struct sm_script_var *sm_script_std_vars(void)
{
	return std_vars;
}

/* ---- loading and freeing */

void sm_script_free(struct sm_script *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nnodes; i++) {
		struct sm_script_node *n = &s->nodes[i];

		free(n->id);
		free(n->message);
		free(n->criterion);
		free(n->reprompt);
		free(n->on_yes.to);
		free(n->on_no.to);
		free(n->on_maybe.to);
		free(n->next.to);
		free(n->on_giveup.to);
		for (size_t c = 0; c < SM_CHOICES_MAX; c++) {
			free((char *)n->choices[c].value);
			for (size_t k = 0; k < SM_SYNONYMS_MAX; k++)
				free((char *)n->choices[c].synonyms[k]);
			free(n->choice_ext[c].next.to);
			free(n->choice_ext[c].offer);
		}
	}
	free(s->nodes);
	for (size_t i = 0; i < SM_SCRIPT_FAQ_MAX; i++) {
		for (size_t k = 0; k < SM_SCRIPT_KEYWORDS_MAX; k++)
			free(s->faq[i].keywords[k]);
		free(s->faq[i].answer);
	}
	for (size_t i = 0; i < SM_SCRIPT_OFFERS_MAX; i++) {
		free(s->offers[i].id);
		free(s->offers[i].message);
	}
	for (size_t i = 0; i < SM_SCRIPT_VARS_MAX; i++)
		free(s->variables[i]);
	for (size_t k = 0; k < SM_SCRIPT_KEYWORDS_MAX; k++)
		free(s->callback_keywords[k]);
	free(s->path);
	free(s->name);
	free(s->reminder);
	free(s->help);
	free(s->advisor_answer);
	free(s->callback_reply);
	free(s->stop_confirm);
	free(s->start.to);
	free(s);
}

/* First error sm_script_check() reports, for sm_script_load(). */
struct first_error {
	char *buf;  /* where it goes */
	size_t len; /* its size */
	bool have;  /* one was kept */
};

static void keep_first_error(void *ctx, enum sm_script_severity sev,
			     const char *msg)
{
	struct first_error *fe = ctx;

	if (sev != SM_SCRIPT_ERROR || fe->have)
		return;
	fe->have = true;
	if (fe->buf && fe->len)
		snprintf(fe->buf, fe->len, "%s", msg);
}

int sm_script_load(const char *path, struct sm_script **out, char *err,
		   size_t errlen)
{
	struct first_error fe = {.buf = err, .len = errlen};
	struct sm_script *s = NULL;
	int rc;

	*out = NULL;
	rc = sm_script_read(path, &s, err, errlen);
	if (rc)
		return rc;
	if (sm_script_check(s, keep_first_error, &fe) > 0) {
		sm_script_free(s);
		return -EINVAL;
	}
	*out = s;
	return 0;
}

const struct sm_script_node *sm_script_node_find(const struct sm_script *s,
						 const char *id)
{
	for (size_t i = 0; i < s->nnodes; i++)
		if (!strcmp(s->nodes[i].id, id))
			return &s->nodes[i];
	return NULL;
}

static int node_index(const struct sm_script *s, const char *id)
{
	const struct sm_script_node *n = sm_script_node_find(s, id);

	return n ? (int)(n - s->nodes) : SM_SCRIPT_LINK_NONE;
}

static const struct sm_script_offer *offer_find(const struct sm_script *s,
						const char *id)
{
	for (size_t i = 0; i < s->noffers; i++)
		if (!strcmp(s->offers[i].id, id))
			return &s->offers[i];
	return NULL;
}

/* ---- templates */

static bool name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

static const char *var_value(const struct sm_script_var *vars, size_t nvars,
			     const char *name, size_t nlen)
{
	for (size_t i = 0; i < nvars; i++)
		if (vars[i].name && strlen(vars[i].name) == nlen &&
		    !memcmp(vars[i].name, name, nlen))
			return vars[i].value;
	return NULL;
}

/*
 * Walk @tmpl: literal text and {name} references.  @fn is called for each
 * piece (@is_var tells which); a non-zero return stops the walk.  Returns
 * 0, -EINVAL for an unclosed or empty brace (the offset in *@at).
 */
typedef int (*piece_fn)(void *ctx, bool is_var, const char *p, size_t n);

static int tmpl_walk(const char *tmpl, piece_fn fn, void *ctx, size_t *at)
{
	const char *p = tmpl;
	int rc;

	while (*p) {
		const char *q = p;

		while (*q && *q != '{' && *q != '}')
			q++;
		if (q > p && (rc = fn(ctx, false, p, (size_t)(q - p))))
			return rc;
		p = q;
		if (!*p)
			break;
		if (p[0] == p[1]) { /* "{{" or "}}" */
			if ((rc = fn(ctx, false, p, 1)))
				return rc;
			p += 2;
			continue;
		}
		if (*p == '}') { /* a lone closing brace is text */
			if ((rc = fn(ctx, false, p, 1)))
				return rc;
			p++;
			continue;
		}
		q = p + 1;
		while (name_char(*q))
			q++;
		if (*q != '}' || q == p + 1) {
			if (at)
				*at = (size_t)(p - tmpl);
			return -EINVAL;
		}
		if ((rc = fn(ctx, true, p + 1, (size_t)(q - p - 1))))
			return rc;
		p = q + 1;
	}
	return 0;
}

/* Rendering state of one template. */
struct render {
	const struct sm_script_var *vars; /* values */
	size_t nvars;
	char *out;     /* output */
	size_t len;    /* its size */
	size_t used;   /* bytes written */
	char *missing; /* name of a variable without value */
	size_t missing_len;
};

static int render_piece(void *ctx, bool is_var, const char *p, size_t n)
{
	struct render *r = ctx;

	if (is_var) {
		const char *v = var_value(r->vars, r->nvars, p, n);

		if (!v) {
			if (r->missing && r->missing_len)
				snprintf(r->missing, r->missing_len, "%.*s",
					 (int)n, p);
			return -ENOENT;
		}
		p = v;
		n = strlen(v);
	}
	if (r->used + n >= r->len)
		return -E2BIG;
	memcpy(r->out + r->used, p, n);
	r->used += n;
	r->out[r->used] = '\0';
	return 0;
}

int sm_script_render(const struct sm_script *s, const char *tmpl,
		     const struct sm_script_var *vars, size_t nvars, char *out,
		     size_t len, char *missing, size_t missing_len)
{
	struct render r = {
		.vars = vars,
		.nvars = nvars,
		.out = out,
		.len = len,
		.missing = missing,
		.missing_len = missing_len,
	};
	char tmp[SM_SCRIPT_MSG_MAX];
	int rc;

	if (!len)
		return -E2BIG;
	out[0] = '\0';
	rc = tmpl_walk(tmpl, render_piece, &r, NULL);
	if (rc)
		return rc;
	if (!sm_text_utf8_valid(out, r.used))
		return -EINVAL;
	if (s && s->encoding == SM_SCRIPT_ENC_GSM7) {
		rc = sm_pdu_transliterate(out, tmp, sizeof(tmp));
		if (rc)
			return rc;
		if (strlen(tmp) >= len)
			return -E2BIG;
		memcpy(out, tmp, strlen(tmp) + 1);
	}
	return 0;
}

/* ---- checking */

/* One check run. */
struct check {
	struct sm_script *s;
	sm_script_report_fn report;
	void *ctx;
	int errors;
};

static void report(struct check *c, enum sm_script_severity sev, int line,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void report(struct check *c, enum sm_script_severity sev, int line,
		   const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	if (sev == SM_SCRIPT_ERROR)
		c->errors++;
	if (!c->report)
		return;
	n = snprintf(msg, sizeof(msg), "%s:%d: ", c->s->path, line);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	c->report(c->ctx, sev, msg);
}

/* Resolve @l (named @what, in @where: "node 'x': ") to a node index. */
static void resolve(struct check *c, struct sm_script_link *l,
		    const char *where, const char *what)
{
	if (!l->to) {
		l->node = SM_SCRIPT_LINK_NONE;
		return;
	}
	if (!strcmp(l->to, "end")) {
		l->node = SM_SCRIPT_LINK_END;
		return;
	}
	l->node = node_index(c->s, l->to);
	if (l->node == SM_SCRIPT_LINK_NONE)
		report(c, SM_SCRIPT_ERROR, l->line, "%s%s: no node '%s'", where,
		       what, l->to);
}

/* Levenshtein distance of two short names (cut at 32 bytes). */
static unsigned distance(const char *a, size_t la, const char *b)
{
	unsigned row[33];
	size_t lb = strnlen(b, 32);

	if (la > 32)
		la = 32;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0];

		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* Checking the variables of one template. */
struct var_check {
	struct check *c;
	int line;	   /* the template's line */
	const char *where; /* "node 'x': message" */
};

static bool var_known(const struct sm_script *s, const char *p, size_t n)
{
	if (var_value(std_vars, sizeof(std_vars) / sizeof(*std_vars) - 1, p, n))
		return true;
	for (size_t i = 0; i < s->nvariables; i++)
		if (strlen(s->variables[i]) == n &&
		    !memcmp(s->variables[i], p, n))
			return true;
	return false;
}

static int var_check_piece(void *ctx, bool is_var, const char *p, size_t n)
{
	struct var_check *v = ctx;
	const char *best = NULL;
	unsigned best_d = 3;

	if (!is_var || var_known(v->c->s, p, n))
		return 0;
	for (const struct sm_script_var *sv = std_vars; sv->name; sv++) {
		unsigned d = distance(p, n, sv->name);

		if (d < best_d) {
			best_d = d;
			best = sv->name;
		}
	}
	if (best)
		report(v->c, SM_SCRIPT_ERROR, v->line,
		       "%s: unknown variable {%.*s} (did you mean {%s}?)",
		       v->where, (int)n, p, best);
	else
		report(v->c, SM_SCRIPT_ERROR, v->line,
		       "%s: unknown variable {%.*s} (a CSV column must be "
		       "declared in variables = [...])",
		       v->where, (int)n, p);
	return 0;
}

/* Sample values: the standard ones, then "[name]" for declared ones. */
struct samples {
	struct sm_script_var
		v[sizeof(std_vars) / sizeof(*std_vars) + SM_SCRIPT_VARS_MAX];
	char text[SM_SCRIPT_VARS_MAX][SM_SCRIPT_ID_MAX + 2];
	size_t n;
};

static void samples_fill(const struct sm_script *s, struct samples *sm)
{
	sm->n = 0;
	for (const struct sm_script_var *v = std_vars; v->name; v++)
		sm->v[sm->n++] = *v;
	for (size_t i = 0; i < s->nvariables; i++) {
		snprintf(sm->text[i], sizeof(sm->text[i]), "[%s]",
			 s->variables[i]);
		sm->v[sm->n].name = s->variables[i];
		sm->v[sm->n].value = sm->text[i];
		sm->n++;
	}
}

/* Variables, then length with the sample values, of one template. */
static void check_template(struct check *c, const struct samples *sm,
			   const char *tmpl, int line, const char *where)
{
	struct var_check v = {.c = c, .line = line, .where = where};
	char out[SM_SCRIPT_MSG_MAX];
	enum sm_pdu_coding coding;
	unsigned parts, units;
	size_t at = 0;
	int before = c->errors;

	if (!tmpl)
		return;
	if (tmpl_walk(tmpl, var_check_piece, &v, &at)) {
		report(c, SM_SCRIPT_ERROR, line,
		       "%s: '{' at character %zu is not closed by '}' after "
		       "a name (write {{ for a brace)",
		       where, at + 1);
		return;
	}
	if (c->errors != before)
		return;
	if (sm_script_render(c->s, tmpl, sm->v, sm->n, out, sizeof(out), NULL,
			     0)) {
		report(c, SM_SCRIPT_ERROR, line,
		       "%s: too long once rendered (more than %d bytes)", where,
		       SM_SCRIPT_MSG_MAX - 1);
		return;
	}
	if (sm_pdu_measure(out,
			   c->s->encoding == SM_SCRIPT_ENC_GSM7 ? SM_TEXT_GSM7
								: SM_TEXT_AUTO,
			   &parts, &coding, &units))
		return;
	if (parts > 2)
		report(c, SM_SCRIPT_WARNING, line,
		       "%s: %u SMS once rendered (%s, %u characters): keep "
		       "it to 2 at most",
		       where, parts, sm_pdu_coding_name(coding), units);
}

/* Where each node leads, for the graph passes: up to 2 + choices. */
static size_t edges(const struct sm_script_node *n, int *to)
{
	size_t k = 0;
	const struct sm_script_link *l[] = {&n->on_yes, &n->on_no, &n->on_maybe,
					    &n->next, &n->on_giveup};

	if (n->end)
		return 0;
	for (size_t i = 0; i < sizeof(l) / sizeof(*l); i++)
		if (l[i]->node >= 0)
			to[k++] = l[i]->node;
	for (size_t i = 0; i < n->nchoices; i++)
		if (n->choice_ext[i].next.node >= 0)
			to[k++] = n->choice_ext[i].next.node;
	return k;
}

/*
 * The choices of a standard criterion should use its values, or answers
 * given ahead ("pas de voiture" while answering another question) cannot
 * pass the node.
 */
static void check_values(struct check *c, const struct sm_script_node *n)
{
	const char *const *std = sm_understand_values(n->criterion);

	if (!std)
		return;
	for (size_t k = 0; k < n->nchoices; k++) {
		const char *const *v = std;
		char list[160] = "";
		size_t used = 0;

		while (*v && strcmp(*v, n->choices[k].value))
			v++;
		if (*v)
			continue;
		for (v = std; *v && used < sizeof(list); v++)
			used += (size_t)snprintf(list + used,
						 sizeof(list) - used, "%s%s",
						 v == std ? "" : ", ", *v);
		report(c, SM_SCRIPT_WARNING, n->choice_ext[k].line,
		       "node '%s': choice '%s' is not a value of %s (%s): "
		       "the same answer given earlier will not be recognised",
		       n->id, n->choices[k].value, n->criterion, list);
	}
}

static void check_links(struct check *c)
{
	struct sm_script *s = c->s;
	char where[64];

	resolve(c, &s->start, "", "start");
	for (size_t i = 0; i < s->nnodes; i++) {
		struct sm_script_node *n = &s->nodes[i];

		snprintf(where, sizeof(where), "node '%s': ", n->id);
		resolve(c, &n->on_yes, where, "on_yes");
		resolve(c, &n->on_no, where, "on_no");
		resolve(c, &n->on_maybe, where, "on_maybe");
		resolve(c, &n->next, where, "next");
		resolve(c, &n->on_giveup, where, "on_giveup");
		for (size_t k = 0; k < n->nchoices; k++) {
			struct sm_script_choice_ext *x = &n->choice_ext[k];
			char w[96];

			snprintf(w, sizeof(w), "node '%s': choices.[%zu].",
				 n->id, k);
			resolve(c, &x->next, w, "next");
			if (x->offer && !offer_find(s, x->offer))
				report(c, SM_SCRIPT_ERROR, x->offer_line,
				       "%soffer: no help offer '%s' (declare "
				       "it in help_offers = { ... })",
				       w, x->offer);
		}
		if (n->end)
			continue;
		switch (n->kind) {
		case SM_ANSWER_YESNO:
			if ((!n->on_yes.to || !n->on_no.to) && !n->next.to)
				report(c, SM_SCRIPT_ERROR, n->line,
				       "node '%s': a yesno node needs on_yes "
				       "and on_no, or next",
				       n->id);
			break;
		case SM_ANSWER_CHOICE:
			check_values(c, n);
			for (size_t k = 0; k < n->nchoices; k++)
				if (!n->choice_ext[k].next.to && !n->next.to)
					report(c, SM_SCRIPT_ERROR,
					       n->choice_ext[k].line,
					       "node '%s': choice '%s' leads "
					       "nowhere (give it next, or give "
					       "the node next)",
					       n->id, n->choices[k].value);
			break;
		case SM_ANSWER_NUMBER:
		case SM_ANSWER_DATE:
		case SM_ANSWER_TEXT:
			if (!n->next.to)
				report(c, SM_SCRIPT_ERROR, n->line,
				       "node '%s': a %s node needs next", n->id,
				       sm_script_kind_name(n->kind));
			break;
		}
	}
}

static void check_graph(struct check *c)
{
	struct sm_script *s = c->s;
	bool reach[SM_SCRIPT_NODES_MAX] = {false};
	bool exits[SM_SCRIPT_NODES_MAX] = {false};
	int stack[SM_SCRIPT_NODES_MAX], to[5 + SM_CHOICES_MAX];
	size_t top = 0;
	bool changed = true;

	if (s->start.node < 0)
		return;
	reach[s->start.node] = true;
	stack[top++] = s->start.node;
	while (top) {
		int i = stack[--top];
		size_t k = edges(&s->nodes[i], to);

		for (size_t j = 0; j < k; j++)
			if (!reach[to[j]]) {
				reach[to[j]] = true;
				stack[top++] = to[j];
			}
	}
	/* A node exits when an end node can be reached from it. */
	for (size_t i = 0; i < s->nnodes; i++)
		exits[i] = s->nodes[i].end;
	while (changed) {
		changed = false;
		for (size_t i = 0; i < s->nnodes; i++) {
			size_t k;

			if (exits[i])
				continue;
			k = edges(&s->nodes[i], to);
			for (size_t j = 0; j < k; j++)
				if (exits[to[j]]) {
					exits[i] = changed = true;
					break;
				}
		}
	}
	for (size_t i = 0; i < s->nnodes; i++) {
		const struct sm_script_node *n = &s->nodes[i];

		if (!reach[i])
			report(c, SM_SCRIPT_ERROR, n->line,
			       "node '%s': unreachable from start '%s'", n->id,
			       s->start.to);
		else if (!exits[i] && edges(n, to))
			report(c, SM_SCRIPT_ERROR, n->line,
			       "node '%s': loop without exit: no end node "
			       "can be reached from here",
			       n->id);
	}
}

static void check_templates(struct check *c)
{
	struct sm_script *s = c->s;
	struct samples sm;
	char where[96];

	samples_fill(s, &sm);
	for (size_t i = 0; i < s->nnodes; i++) {
		const struct sm_script_node *n = &s->nodes[i];

		snprintf(where, sizeof(where), "node '%s': message", n->id);
		check_template(c, &sm, n->message, n->message_line, where);
		snprintf(where, sizeof(where), "node '%s': reprompt", n->id);
		check_template(c, &sm, n->reprompt, n->reprompt_line, where);
	}
	check_template(c, &sm, s->reminder, s->reminder_line, "reminder");
	check_template(c, &sm, s->help, s->help_line, "help");
	check_template(c, &sm, s->advisor_answer, s->advisor_answer_line,
		       "advisor_answer");
	check_template(c, &sm, s->callback_reply, s->callback_line,
		       "callback.reply");
	check_template(c, &sm, s->stop_confirm, s->stop_confirm_line,
		       "stop_confirm");
	for (size_t i = 0; i < s->nfaq; i++) {
		snprintf(where, sizeof(where), "faq.[%zu].answer", i);
		check_template(c, &sm, s->faq[i].answer, s->faq[i].line, where);
	}
	for (size_t i = 0; i < s->noffers; i++) {
		bool used = false;

		snprintf(where, sizeof(where), "help_offers.%s",
			 s->offers[i].id);
		check_template(c, &sm, s->offers[i].message, s->offers[i].line,
			       where);
		for (size_t k = 0; k < s->nnodes && !used; k++)
			for (size_t j = 0; j < s->nodes[k].nchoices; j++)
				if (s->nodes[k].choice_ext[j].offer &&
				    !strcmp(s->nodes[k].choice_ext[j].offer,
					    s->offers[i].id))
					used = true;
		if (!used)
			report(c, SM_SCRIPT_WARNING, s->offers[i].line,
			       "%s: offered by no choice", where);
	}
}

int sm_script_check(struct sm_script *s, sm_script_report_fn fn, void *ctx)
{
	struct check c = {.s = s, .report = fn, .ctx = ctx};

	check_links(&c);
	check_graph(&c);
	check_templates(&c);
	return c.errors;
}

/* ---- playing */

/* One engine call in progress. */
struct run {
	const struct sm_script *s;
	const struct sm_script_var *vars;
	size_t nvars;
	time_t now;
	struct sm_script_state st; /* the new state, written back at the
				    * end when everything succeeded */
	struct sm_script_result *out;
};

/* Render @tmpl as the next message to send. */
static int emit(struct run *r, const char *tmpl)
{
	struct sm_script_result *o = r->out;

	if (o->nmessages >= SM_SCRIPT_OUT_MAX)
		return -E2BIG;
	return sm_script_render(r->s, tmpl, r->vars, r->nvars,
				o->messages[o->nmessages++], SM_SCRIPT_MSG_MAX,
				NULL, 0);
}

static void finish(struct run *r, enum sm_script_outcome o)
{
	r->st.done = true;
	r->st.node[0] = '\0';
	r->st.outcome = o;
	r->out->outcome = o;
}

static const struct sm_finding *known_find(const struct sm_script_state *st,
					   const char *criterion)
{
	for (size_t i = 0; i < st->nknown && i < SM_SCRIPT_KNOWN_MAX; i++)
		if (!strcmp(st->known[i].criterion, criterion))
			return &st->known[i];
	return NULL;
}

/* Remember @f for a later node; the oldest goes when full. */
static void known_add(struct sm_script_state *st, const struct sm_finding *f)
{
	struct sm_finding *k =
		(struct sm_finding *)known_find(st, f->criterion);

	if (!k) {
		if (st->nknown >= SM_SCRIPT_KNOWN_MAX) {
			memmove(&st->known[0], &st->known[1],
				(SM_SCRIPT_KNOWN_MAX - 1) * sizeof(*k));
			st->nknown = SM_SCRIPT_KNOWN_MAX - 1;
		}
		k = &st->known[st->nknown++];
	}
	*k = *f;
}

/*
 * Where @value leads from @n, and the offer to send with it (or NULL).
 * SM_SCRIPT_LINK_NONE when @value is not an answer of @n.
 */
static int follow(const struct sm_script_node *n, const char *value,
		  const char **offer)
{
	*offer = NULL;
	switch (n->kind) {
	case SM_ANSWER_YESNO:
		if (!strcmp(value, "yes"))
			return n->on_yes.to ? n->on_yes.node : n->next.node;
		if (!strcmp(value, "no"))
			return n->on_no.to ? n->on_no.node : n->next.node;
		if (!strcmp(value, "maybe") && n->allow_maybe)
			return n->on_maybe.to ? n->on_maybe.node
			       : n->next.to   ? n->next.node
					      : n->on_yes.node;
		return SM_SCRIPT_LINK_NONE;
	case SM_ANSWER_CHOICE:
		for (size_t i = 0; i < n->nchoices; i++)
			if (!strcmp(n->choices[i].value, value)) {
				*offer = n->choice_ext[i].offer;
				return n->choice_ext[i].next.to
					       ? n->choice_ext[i].next.node
					       : n->next.node;
			}
		return SM_SCRIPT_LINK_NONE;
	case SM_ANSWER_NUMBER:
	case SM_ANSWER_DATE:
	case SM_ANSWER_TEXT:
		return n->next.node;
	}
	return SM_SCRIPT_LINK_NONE;
}

static int emit_offer(struct run *r, const char *offer)
{
	const struct sm_script_offer *o;

	if (!offer)
		return 0;
	o = offer_find(r->s, offer);
	return o ? emit(r, o->message) : 0;
}

/* Ask the question of @n. */
static int ask(struct run *r, const struct sm_script_node *n)
{
	snprintf(r->st.node, sizeof(r->st.node), "%s", n->id);
	r->st.reprompts = 0;
	r->st.last_sent_at = r->now;
	return emit(r, n->message);
}

/*
 * Go to node @idx: an end node sends its message and closes; a node whose
 * criterion is already known is passed along that answer (its offer
 * sent); any other node asks its question.
 */
static int go(struct run *r, int idx)
{
	for (size_t steps = 0;; steps++) {
		const struct sm_script_node *n;
		const struct sm_finding *k;
		const char *offer;
		int next, rc;

		if (idx < 0 || (size_t)idx >= r->s->nnodes) {
			finish(r, SM_OUTCOME_INCOMPLETE);
			return 0;
		}
		n = &r->s->nodes[idx];
		if (n->end) {
			finish(r, n->outcome);
			return emit(r, n->message);
		}
		k = known_find(&r->st, n->criterion);
		/* Passing more nodes than there are would be a cycle of
		 * known answers: ask instead. */
		if (!k || steps >= r->s->nnodes)
			return ask(r, n);
		next = follow(n, k->value, &offer);
		if (next == SM_SCRIPT_LINK_NONE)
			return ask(r, n);
		if ((rc = emit_offer(r, offer)))
			return rc;
		idx = next;
	}
}

static void result_init(struct sm_script_result *out, const char *raw)
{
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!raw)
		return;
	n = strnlen(raw, sizeof(out->raw) - 1);
	/* Cut at a character boundary. */
	while (n && n < strlen(raw) && ((unsigned char)raw[n] & 0xc0) == 0x80)
		n--;
	memcpy(out->raw, raw, n);
	out->raw[n] = '\0';
}

int sm_script_start(const struct sm_script *s, const struct sm_script_var *vars,
		    size_t nvars, time_t now, struct sm_script_state *st,
		    struct sm_script_result *out)
{
	struct run r = {
		.s = s, .vars = vars, .nvars = nvars, .now = now, .out = out};
	int rc;

	result_init(out, NULL);
	out->event = SM_SCRIPT_EV_STARTED;
	r.st.started_at = now;
	r.st.last_sent_at = now;
	rc = go(&r, s->start.node);
	if (rc)
		return rc;
	*st = r.st;
	return 0;
}

/* True when the folded phrase @kw is in the folded text @f as words. */
static bool has_phrase(const char *f, const char *kw)
{
	size_t n = strlen(kw);

	for (const char *p = strstr(f, kw); p; p = strstr(p + 1, kw))
		if ((p == f || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

static bool has_any(const char *f, char *const *kws, size_t max)
{
	for (size_t i = 0; i < max && kws[i]; i++)
		if (has_phrase(f, kws[i]))
			return true;
	return false;
}

static void add_finding(struct run *r, const struct sm_finding *f,
			const struct sm_understanding *u, unsigned flags)
{
	struct sm_script_result *o = r->out;
	struct sm_script_finding *d;

	if (o->nfindings >= sizeof(o->findings) / sizeof(*o->findings))
		return;
	d = &o->findings[o->nfindings++];
	snprintf(d->criterion, sizeof(d->criterion), "%s", f->criterion);
	snprintf(d->value, sizeof(d->value), "%s", f->value);
	d->confidence = f->confidence;
	snprintf(d->method, sizeof(d->method), "%s", u->method);
	snprintf(d->why, sizeof(d->why), "%s", u->why);
	d->flags = flags;
	if (f->confidence < r->s->threshold)
		d->flags |= SM_FINDING_LOW_CONFIDENCE;
}

/* Read @text against the question of @n, on the day of @now. */
static int read_reply(const struct sm_script *s, const struct sm_script_node *n,
		      const char *text, time_t now, struct sm_understanding *u)
{
	struct sm_question q = {
		.kind = n->kind,
		.criterion = n->criterion,
		.allow_maybe = n->allow_maybe,
		.choices = n->choices,
		.nchoices = n->nchoices,
	};
	char today[16];
	struct tm tm;

	/* "demain", "lundi prochain": the day in the process's time zone
	 * (main() sets TZ from the configuration). */
	if (localtime_r(&now, &tm) &&
	    strftime(today, sizeof(today), "%Y-%m-%d", &tm))
		q.today = today;
	return (s->understand ? s->understand : sm_understand)(text, &q, u);
}

/* The current node's answer @u->answer is accepted: store, go on. */
static int accept(struct run *r, const struct sm_script_node *n,
		  const struct sm_understanding *u, int next, const char *offer)
{
	struct sm_finding f = u->answer;
	int rc;

	/* The answer is the node's criterion, whatever the reading says. */
	snprintf(f.criterion, sizeof(f.criterion), "%s", n->criterion);
	add_finding(r, &f, u, u->conditional ? SM_FINDING_CONDITIONAL : 0);
	if ((rc = emit_offer(r, offer)))
		return rc;
	return go(r, next);
}

/* Put what @ov says over the rules' reading @u of a reply to @n. */
static void override_apply(struct sm_understanding *u,
			   const struct sm_script_node *n,
			   const struct sm_script_override *ov)
{
	if (ov->value) {
		u->understood = true;
		snprintf(u->answer.criterion, sizeof(u->answer.criterion),
			 "%s", n->criterion);
		snprintf(u->answer.value, sizeof(u->answer.value), "%s",
			 ov->value);
		u->answer.confidence = ov->confidence;
		snprintf(u->method, sizeof(u->method), "%s",
			 ov->method ? ov->method : "llm");
		snprintf(u->why, sizeof(u->why), "%s", ov->why ? ov->why : "");
	}
	for (size_t i = 0; i < ov->nalso && u->nalso < SM_ALSO_MAX; i++) {
		bool known = false;

		for (size_t j = 0; j < u->nalso; j++)
			known |= !strcmp(u->also[j].criterion,
					 ov->also[i].criterion);
		if (!known)
			u->also[u->nalso++] = ov->also[i];
	}
}

/* Queue @text as it is (not a template). */
static int emit_literal(struct run *r, const char *text)
{
	struct sm_script_result *o = r->out;

	if (o->nmessages >= SM_SCRIPT_OUT_MAX)
		return -E2BIG;
	snprintf(o->messages[o->nmessages++], SM_SCRIPT_MSG_MAX, "%s", text);
	return 0;
}

int sm_script_reply(const struct sm_script *s, struct sm_script_state *st,
		    const char *text, const struct sm_script_var *vars,
		    size_t nvars, time_t now, struct sm_script_result *out)
{
	return sm_script_reply_override(s, st, text, NULL, vars, nvars, now,
					out);
}

int sm_script_reply_override(const struct sm_script *s,
			     struct sm_script_state *st, const char *text,
			     const struct sm_script_override *ov,
			     const struct sm_script_var *vars, size_t nvars,
			     time_t now, struct sm_script_result *out)
{
	struct run r = {.s = s,
			.vars = vars,
			.nvars = nvars,
			.now = now,
			.st = *st,
			.out = out};
	char folded[SM_SCRIPT_RAW_MAX];
	const struct sm_script_node *n;
	const struct sm_script_faq *faq = NULL;
	struct sm_understanding u;
	const char *offer = NULL;
	bool ok, answered = false;
	int rc, next = SM_SCRIPT_LINK_NONE;

	result_init(out, text);
	if (st->done)
		return 0;
	n = sm_script_node_find(s, st->node);
	if (!n || n->end)
		return -EINVAL;
	if (!text)
		text = "";
	sm_text_fold(text, folded, sizeof(folded));

	/* AIDE: the help text, then the question again. */
	if (s->help && sm_text_keyword(text) == SM_KEYWORD_HELP) {
		out->event = SM_SCRIPT_EV_HELP;
		if ((rc = emit(&r, s->help)) || (rc = emit(&r, n->message)))
			return rc;
		r.st.last_sent_at = now;
		goto done;
	}
	/* "Appelez-moi": a person takes over. */
	if (s->callback_reply &&
	    has_any(folded, s->callback_keywords, SM_SCRIPT_KEYWORDS_MAX)) {
		out->event = SM_SCRIPT_EV_CALLBACK;
		finish(&r, SM_OUTCOME_CALLBACK);
		if ((rc = emit(&r, s->callback_reply)))
			return rc;
		goto done;
	}

	rc = read_reply(s, n, text, now, &u);
	if (rc)
		return rc;
	if (ov)
		override_apply(&u, n, ov);
	if (u.question) {
		for (size_t i = 0; i < s->nfaq && !faq; i++)
			if (has_any(folded, s->faq[i].keywords,
				    SM_SCRIPT_KEYWORDS_MAX))
				faq = &s->faq[i];
		out->question = !faq;
		if (faq && (rc = emit(&r, faq->answer)))
			return rc;
	}
	if (!faq && ov && ov->answer_text) {
		if ((rc = emit_literal(&r, ov->answer_text)))
			return rc;
		answered = true;
	}
	/* What the reply says about other criteria; not a text answer: the
	 * candidate's own story ("j'ai accompagné ma grand-mère") answers
	 * the question asked, not the transport one. */
	for (size_t i = 0; n->kind != SM_ANSWER_TEXT && i < u.nalso &&
			   i < SM_ALSO_MAX;
	     i++) {
		if (!strcmp(u.also[i].criterion, n->criterion))
			continue;
		add_finding(&r, &u.also[i], &u, SM_FINDING_ALSO);
		if (u.also[i].confidence >= s->threshold)
			known_add(&r.st, &u.also[i]);
	}

	ok = u.understood;
	if (ok) {
		next = follow(n, u.answer.value, &offer);
		ok = next != SM_SCRIPT_LINK_NONE;
	}
	if (ok && u.answer.confidence >= s->threshold) {
		out->event = SM_SCRIPT_EV_ANSWERED;
		rc = accept(&r, n, &u, next, offer);
	} else if (faq || answered) {
		/* A question answered: ask ours again, no re-prompt used. */
		out->event = SM_SCRIPT_EV_FAQ;
		r.st.last_sent_at = now;
		rc = emit(&r, n->message);
	} else if (r.st.reprompts < n->max_reprompts) {
		out->event = SM_SCRIPT_EV_REPROMPT;
		r.st.reprompts++;
		r.st.last_sent_at = now;
		rc = emit(&r, n->reprompt ? n->reprompt : n->message);
	} else if (ok) {
		/* The last try, still unsure: keep it, flagged. */
		out->event = SM_SCRIPT_EV_ANSWERED;
		rc = accept(&r, n, &u, next, offer);
	} else {
		out->event = SM_SCRIPT_EV_GAVE_UP;
		rc = go(&r, n->on_giveup.to ? n->on_giveup.node
			    : n->next.to    ? n->next.node
					    : SM_SCRIPT_LINK_END);
	}
	if (rc)
		return rc;
done:
	*st = r.st;
	return 0;
}

int sm_script_tick(const struct sm_script *s, struct sm_script_state *st,
		   const struct sm_script_var *vars, size_t nvars, time_t now,
		   struct sm_script_result *out)
{
	struct run r = {.s = s,
			.vars = vars,
			.nvars = nvars,
			.now = now,
			.st = *st,
			.out = out};
	int rc;

	result_init(out, NULL);
	if (st->done)
		return 0;
	if (s->expire_after && now - st->last_sent_at >= s->expire_after) {
		out->event = SM_SCRIPT_EV_EXPIRED;
		finish(&r, SM_OUTCOME_NO_ANSWER);
	} else if (s->reminder && !st->reminded &&
		   now - st->last_sent_at >= s->reminder_after) {
		out->event = SM_SCRIPT_EV_REMINDER;
		r.st.reminded = true;
		if ((rc = emit(&r, s->reminder)))
			return rc;
	} else {
		return 0;
	}
	*st = r.st;
	return 0;
}
