/* Jira twin: a JQL subset (fields, issue.property[key].path, = != ~ !~ > >=
 * < <= IN, NOT IN, IS [NOT] EMPTY, AND/OR/NOT, parentheses, currentUser(),
 * openSprints(), closedSprints(), ORDER BY) and the search endpoints that use it:
 * /search (startAt), /search/jql (nextPageToken), counts. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "twins/jira/jira.h"
#include "util/util.h"

typedef enum { T_END, T_WORD, T_STR, T_OP, T_LP, T_RP, T_COMMA } tok_kind;
typedef struct tok {
    tok_kind k;
    const char *s;
    size_t pos;
} tok;

typedef enum { N_AND, N_OR, N_NOT, N_CLAUSE } node_kind;
typedef struct node {
    node_kind k;
    struct node *l, *r;
    const char *field, *op;     /* op: = != ~ !~ > >= < <= in notin is isnot */
    const char **vals;          /* "\x01me", "\x01open", "\x01closed", "\x01empty" for functions/EMPTY */
    size_t n_vals;
    const char *prop_key, *prop_path;   /* issue.property[prop_key].prop_path; prop_key NULL otherwise */
} node;

typedef struct sortkey {
    const char *field;
    const char *prop_key, *prop_path;   /* as in node */
    bool desc;
} sortkey;

struct jql {
    node *root;                 /* NULL = every issue */
    sortkey sort[8];
    size_t n_sort;
};

typedef struct parser {
    twin_ctx *ctx;
    tok *toks;
    size_t n, i;
    const char *err;
} parser;

static bool word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' || c == ':' || c == '@' || c == '[' ||
           c == ']' || c == '+' || c == '/' || (unsigned char)c >= 0x80;
}

static tok *lex(twin_ctx *ctx, const char *s, size_t *n, const char **err)
{
    arena *a = ctx->a;
    size_t cap = strlen(s) + 2;
    tok *t = arena_alloc(a, cap * sizeof *t);
    size_t k = 0;
    const char *p = s;
    while (*p) {
        if (isspace((unsigned char)*p)) { p++; continue; }
        size_t pos = (size_t)(p - s) + 1;
        if (*p == '(') { t[k++] = (tok){T_LP, "(", pos}; p++; continue; }
        if (*p == ')') { t[k++] = (tok){T_RP, ")", pos}; p++; continue; }
        if (*p == ',') { t[k++] = (tok){T_COMMA, ",", pos}; p++; continue; }
        if (*p == '"' || *p == '\'') {
            char q = *p++;
            char *sbuf = arena_alloc(a, strlen(p) + 1), *o = sbuf;
            while (*p && *p != q) {
                if (*p == '\\' && p[1]) p++;
                *o++ = *p++;
            }
            if (*p != q) {
                *err = arena_printf(a, "Error in the JQL Query: The quoted string '%s' has not been completed. (line 1, character %zu)", sbuf, pos);
                return NULL;
            }
            *o = '\0';
            p++;
            t[k++] = (tok){T_STR, sbuf, pos};
            continue;
        }
        if (strchr("=!~<>", *p)) {
            const char *ops[] = {"!=", "!~", ">=", "<=", "=", "~", ">", "<"};
            const char *hit = NULL;
            for (size_t i = 0; i < 8; i++)
                if (strncmp(p, ops[i], strlen(ops[i])) == 0) { hit = ops[i]; break; }
            if (!hit) {
                *err = arena_printf(a, "Error in the JQL Query: The character '%c' is a reserved JQL character. You must enclose it in a string or use the escape '\\u%04x' instead. (line 1, character %zu)", *p, (unsigned)*p, pos);
                return NULL;
            }
            t[k++] = (tok){T_OP, hit, pos};
            p += strlen(hit);
            continue;
        }
        if (word_char(*p)) {
            const char *b = p;
            while (*p && word_char(*p)) p++;
            t[k++] = (tok){T_WORD, arena_strndup(a, b, (size_t)(p - b)), pos};
            continue;
        }
        *err = arena_printf(a, "Error in the JQL Query: The character '%c' is a reserved JQL character. You must enclose it in a string or use the escape '\\u%04x' instead. (line 1, character %zu)", *p, (unsigned)(unsigned char)*p, pos);
        return NULL;
    }
    t[k] = (tok){T_END, "", (size_t)(p - s) + 1};
    *n = k;
    return t;
}

static tok *peek(parser *p) { return &p->toks[p->i]; }
static bool is_kw(const tok *t, const char *kw) { return t->k == T_WORD && strcasecmp(t->s, kw) == 0; }

static void fail_expect(parser *p, const char *what)
{
    if (p->err) return;
    tok *t = peek(p);
    if (t->k == T_END)
        p->err = arena_printf(p->ctx->a, "Error in the JQL Query: Expecting %s but got the end of the query. (line 1, character %zu)", what, t->pos);
    else
        p->err = arena_printf(p->ctx->a, "Error in the JQL Query: Expecting %s but got '%s'. (line 1, character %zu)", what, t->s, t->pos);
}

static const char *const known_fields[] = {
    "project", "status", "statuscategory", "assignee", "reporter", "creator", "labels", "issuetype", "type",
    "priority", "text", "summary", "description", "comment", "key", "issuekey", "id", "sprint", "resolution",
    "created", "createddate", "updated", "updateddate", "parent", "component", "fixversion", "duedate", "due",
    "environment", "resolved", "resolutiondate", "watcher", NULL};

static const char *canon_field(const char *f)
{
    if (!strcasecmp(f, "type")) return "issuetype";
    if (!strcasecmp(f, "issuekey")) return "key";
    if (!strcasecmp(f, "createddate")) return "created";
    if (!strcasecmp(f, "updateddate")) return "updated";
    if (!strcasecmp(f, "due")) return "duedate";
    if (!strcasecmp(f, "resolutiondate")) return "resolved";
    if (!strcasecmp(f, "cf[10020]")) return "sprint";
    return f;
}

/* ---- entity properties: issue.property[key].path ----
 * Real Jira searches only the property paths an app's descriptor declares
 * for indexing, each with a type.  The twin has no apps, so every stored
 * issue property is searchable at any path, typed by the JSON value found
 * there (numbers compare as numbers, strings as text or dates). */

#define PROPERTY_PREFIX "issue.property["

static bool is_property_ref(const char *name)
{
    return strncasecmp(name, PROPERTY_PREFIX, strlen(PROPERTY_PREFIX)) == 0;
}

/* Splits the reference in token t (already consumed: the lexer reads the
 * whole "issue.property[key].path" as one word) into key and dotted path (""
 * for the whole value).  A malformed reference sets Jira's "Expecting ..."
 * parse error at the character where it goes wrong. */
static bool parse_property_ref(parser *p, const tok *t, const char **key, const char **path)
{
    arena *a = p->ctx->a;
    const char *k = t->s + strlen(PROPERTY_PREFIX), *close = strchr(k, ']');
    if (!close) { fail_expect(p, "']'"); return false; }
    if (close == k) {
        p->err = arena_printf(a, "Error in the JQL Query: Expecting a property key but got ']'. (line 1, character %zu)",
                              t->pos + (size_t)(k - t->s));
        return false;
    }
    const char *rest = close + 1;
    if (*rest && (*rest != '.' || !rest[1] || rest[strlen(rest) - 1] == '.' || strstr(rest, ".."))) {
        p->err = arena_printf(a, "Error in the JQL Query: Expecting a property path after '%.*s' but got '%s'. (line 1, character %zu)",
                              (int)(rest - t->s), t->s, rest, t->pos + (size_t)(rest - t->s));
        return false;
    }
    *key = arena_strndup(a, k, (size_t)(close - k));
    *path = *rest ? rest + 1 : "";
    return true;
}

static const char *parse_value(parser *p)
{
    tok *t = peek(p);
    if (t->k == T_STR) { p->i++; return t->s; }
    if (t->k != T_WORD) { fail_expect(p, "either a value, list or function"); return NULL; }
    p->i++;
    if (peek(p)->k == T_LP) {
        p->i++;
        /* functions take no arguments in this subset */
        if (peek(p)->k != T_RP) { fail_expect(p, "')'"); return NULL; }
        p->i++;
        if (!strcasecmp(t->s, "currentUser")) return "\x01me";
        if (!strcasecmp(t->s, "openSprints")) return "\x01open";
        if (!strcasecmp(t->s, "closedSprints")) return "\x01closed";
        if (!strcasecmp(t->s, "now")) return "\x01now";
        if (!strcasecmp(t->s, "startOfDay")) return "\x01sod";
        p->err = arena_printf(p->ctx->a, "Unable to find JQL function '%s()'.", t->s);
        return NULL;
    }
    if (!strcasecmp(t->s, "EMPTY") || !strcasecmp(t->s, "NULL")) return "\x01empty";
    return t->s;
}

static node *parse_or(parser *p);

static node *parse_clause(parser *p)
{
    arena *a = p->ctx->a;
    tok *f = peek(p);
    if (f->k != T_WORD && f->k != T_STR) { fail_expect(p, "a field name"); return NULL; }
    p->i++;
    node *n = arena_zalloc(a, sizeof *n);
    n->k = N_CLAUSE;
    n->field = canon_field(f->s);
    if (is_property_ref(f->s)) {
        if (!parse_property_ref(p, f, &n->prop_key, &n->prop_path)) return NULL;
    } else {
        bool known = false;
        for (size_t i = 0; known_fields[i]; i++)
            if (!strcasecmp(known_fields[i], f->s)) known = true;
        if (!strcasecmp(f->s, "cf[10020]")) known = true;
        if (!known) {
            p->err = arena_printf(a, "Field '%s' does not exist or you do not have permission to view it.", f->s);
            return NULL;
        }
    }
    tok *o = peek(p);
    if (o->k == T_OP) {
        n->op = o->s;
        p->i++;
    } else if (is_kw(o, "IN")) {
        n->op = "in";
        p->i++;
    } else if (is_kw(o, "NOT") && is_kw(&p->toks[p->i + 1], "IN")) {
        n->op = "notin";
        p->i += 2;
    } else if (is_kw(o, "IS")) {
        p->i++;
        n->op = "is";
        if (is_kw(peek(p), "NOT")) { p->i++; n->op = "isnot"; }
    } else {
        fail_expect(p, "operator");
        return NULL;
    }
    if ((str_eq(n->op, "in") || str_eq(n->op, "notin")) && peek(p)->k == T_WORD && p->toks[p->i + 1].k == T_LP) {
        /* sprint in openSprints(): a function standing for a list */
        const char *v = parse_value(p);
        if (!v) return NULL;
        n->vals = arena_alloc(a, sizeof *n->vals);
        n->vals[0] = v;
        n->n_vals = 1;
    } else if (str_eq(n->op, "in") || str_eq(n->op, "notin")) {
        if (peek(p)->k != T_LP) { fail_expect(p, "'('"); return NULL; }
        p->i++;
        n->vals = arena_alloc(a, (p->n + 1) * sizeof *n->vals);
        for (;;) {
            const char *v = parse_value(p);
            if (!v) return NULL;
            n->vals[n->n_vals++] = v;
            if (peek(p)->k == T_COMMA) { p->i++; continue; }
            if (peek(p)->k == T_RP) { p->i++; break; }
            fail_expect(p, "')'");
            return NULL;
        }
    } else {
        const char *v = parse_value(p);
        if (!v) return NULL;
        if ((str_eq(n->op, "is") || str_eq(n->op, "isnot")) && !str_eq(v, "\x01empty")) {
            p->err = arena_printf(a, "Error in the JQL Query: The operator '%s' can only be used with the value EMPTY or NULL.",
                                  str_eq(n->op, "is") ? "is" : "is not");
            return NULL;
        }
        n->vals = arena_alloc(a, sizeof *n->vals);
        n->vals[0] = v;
        n->n_vals = 1;
    }
    if ((str_eq(n->op, "~") || str_eq(n->op, "!~")) && !n->prop_key &&
        !(str_eq(n->field, "text") || str_eq(n->field, "summary") || str_eq(n->field, "description") ||
          str_eq(n->field, "comment") || str_eq(n->field, "environment"))) {
        p->err = arena_printf(a, "The operator '%s' is not supported by the '%s' field.", n->op, f->s);
        return NULL;
    }
    if (str_eq(n->field, "text") && !(str_eq(n->op, "~") || str_eq(n->op, "!~"))) {
        p->err = arena_printf(a, "The operator '%s' is not supported by the 'text' field.", n->op);
        return NULL;
    }
    return n;
}

static node *parse_not(parser *p)
{
    if (is_kw(peek(p), "NOT")) {
        p->i++;
        node *n = arena_zalloc(p->ctx->a, sizeof *n);
        n->k = N_NOT;
        n->l = parse_not(p);
        return n->l ? n : NULL;
    }
    if (peek(p)->k == T_LP) {
        p->i++;
        node *n = parse_or(p);
        if (!n) return NULL;
        if (peek(p)->k != T_RP) { fail_expect(p, "')'"); return NULL; }
        p->i++;
        return n;
    }
    return parse_clause(p);
}

static node *parse_and(parser *p)
{
    node *l = parse_not(p);
    while (l && is_kw(peek(p), "AND")) {
        p->i++;
        node *r = parse_not(p);
        if (!r) return NULL;
        node *n = arena_zalloc(p->ctx->a, sizeof *n);
        n->k = N_AND, n->l = l, n->r = r;
        l = n;
    }
    return l;
}

static node *parse_or(parser *p)
{
    node *l = parse_and(p);
    while (l && is_kw(peek(p), "OR")) {
        p->i++;
        node *r = parse_and(p);
        if (!r) return NULL;
        node *n = arena_zalloc(p->ctx->a, sizeof *n);
        n->k = N_OR, n->l = l, n->r = r;
        l = n;
    }
    return l;
}

static const char *const sort_fields[] = {"created", "updated", "priority", "key", "summary", "status", "duedate",
                                          "id", "issuekey", "rank", "assignee", "issuetype", "resolved", NULL};

static bool check_values(parser *p, node *n);

/* Jira's message when a field cannot be an ORDER BY key, NULL when it can. */
static const char *sort_problem(arena *a, const char *name)
{
    for (size_t i = 0; sort_fields[i]; i++)
        if (!strcasecmp(sort_fields[i], name)) return NULL;
    for (size_t i = 0; known_fields[i]; i++)
        if (!strcasecmp(known_fields[i], name)) return arena_printf(a, "Field '%s' does not support sorting.", name);
    return arena_printf(a, "Not able to sort using field '%s'.", name);
}

jql *jql_parse(twin_ctx *ctx, const char *text, const char **err)
{
    arena *a = ctx->a;
    jql *q = arena_zalloc(a, sizeof *q);
    *err = NULL;
    size_t n = 0;
    tok *t = lex(ctx, text ? text : "", &n, err);
    if (!t) return NULL;
    parser p = {.ctx = ctx, .toks = t, .n = n};
    if (!is_kw(peek(&p), "ORDER") && peek(&p)->k != T_END) {
        q->root = parse_or(&p);
        if (!q->root) { *err = p.err; return NULL; }
        if (!check_values(&p, q->root)) { *err = p.err; return NULL; }
    }
    if (is_kw(peek(&p), "ORDER")) {
        p.i++;
        if (!is_kw(peek(&p), "BY")) { fail_expect(&p, "'BY'"); *err = p.err; return NULL; }
        p.i++;
        for (;;) {
            tok *f = peek(&p);
            if (f->k != T_WORD && f->k != T_STR) { fail_expect(&p, "a field name"); *err = p.err; return NULL; }
            p.i++;
            sortkey sk = {canon_field(f->s), NULL, NULL, false};
            if (is_property_ref(f->s)) {
                if (!parse_property_ref(&p, f, &sk.prop_key, &sk.prop_path)) { *err = p.err; return NULL; }
            } else if ((*err = sort_problem(a, f->s))) {
                return NULL;
            }
            if (!strcasecmp(sk.field, "issuekey")) sk.field = "key";
            if (is_kw(peek(&p), "DESC")) { sk.desc = true; p.i++; }
            else if (is_kw(peek(&p), "ASC")) p.i++;
            if (q->n_sort < 8) q->sort[q->n_sort++] = sk;
            if (peek(&p)->k == T_COMMA) { p.i++; continue; }
            break;
        }
    }
    if (peek(&p)->k != T_END) {
        fail_expect(&p, q->n_sort ? "',' or the end of the query" : "either 'OR' or 'AND'");
        *err = p.err;
        return NULL;
    }
    return q;
}

/* Values that must name something that exists (Jira validates them). */
static bool check_values(parser *p, node *n)
{
    if (!n) return true;
    if (n->k != N_CLAUSE) return check_values(p, n->l) && check_values(p, n->r);
    arena *a = p->ctx->a;
    for (size_t i = 0; i < n->n_vals; i++) {
        const char *v = n->vals[i];
        if (v[0] == '\x01') continue;
        bool ok = true;
        if (str_eq(n->field, "project")) {
            ok = jira_project_get(p->ctx, v) != NULL;
            if (!ok) {
                twin_list l = jira_list(p->ctx, "projects", NULL, NULL);
                for (size_t k = 0; k < l.n; k++)
                    if (!strcasecmp(json_get_str(l.items[k], "name"), v)) ok = true;
            }
        } else if (!strcasecmp(n->field, "status")) ok = jira_status_lookup(v) != NULL;
        else if (!strcasecmp(n->field, "issuetype")) {
            json_value *s = json_string(a, v);
            ok = jira_issuetype_lookup(s) != NULL;
        } else if (!strcasecmp(n->field, "priority")) {
            json_value *s = json_string(a, v);
            ok = jira_priority_lookup(s) != NULL;
        }
        if (!ok) {
            p->err = arena_printf(a, "The value '%s' does not exist for the field '%s'.", v, n->field);
            return false;
        }
    }
    return true;
}

/* ---- evaluation ---- */

static bool ci_eq(const char *a, const char *b)
{
    return a && b && strcasecmp(a, b) == 0;
}

static int64_t iso_ms(const char *s)
{
    if (!s) return 0;
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%s", s);
    char *plus = strstr(tmp, "+0000");
    if (plus) strcpy(plus, "Z");
    return parse_iso8601_ms(tmp);
}

static int64_t date_value(twin_ctx *ctx, const char *v)
{
    int64_t now = twin_now(ctx) * 1000;
    if (str_eq(v, "\x01now")) return now;
    if (str_eq(v, "\x01sod")) return now - now % 86400000;
    if ((v[0] == '-' || v[0] == '+') && isdigit((unsigned char)v[1])) {
        char *end;
        long long n = strtoll(v + 1, &end, 10);
        int64_t unit = *end == 'w' ? 604800000 : *end == 'd' ? 86400000 : *end == 'h' ? 3600000 : *end == 'm' ? 60000 : 86400000;
        return v[0] == '-' ? now - n * unit : now + n * unit;
    }
    char tmp[40];
    if (strlen(v) == 10) snprintf(tmp, sizeof tmp, "%sT00:00:00Z", v);
    else if (strlen(v) == 16) snprintf(tmp, sizeof tmp, "%.10sT%sZ", v, v + 11);
    else snprintf(tmp, sizeof tmp, "%s", v);
    return parse_iso8601_ms(tmp);
}

/* The issue's values for a field, as strings a value may match. */
static bool value_matches(twin_ctx *ctx, const char *field, const json_value *is, const char *v)
{
    arena *a = ctx->a;
    if (str_eq(v, "\x01me")) v = jira_viewer(ctx);
    if (str_eq(field, "project")) {
        json_value *p = twin_doc_get(ctx, "projects", json_get_str(is, "project"));
        return ci_eq(json_get_str(p, "key"), v) || str_eq(json_get_str(p, "id"), v) || ci_eq(json_get_str(p, "name"), v);
    }
    if (!strcasecmp(field, "status")) return str_eq(jira_status_lookup(v), json_get_str(is, "status"));
    if (!strcasecmp(field, "statuscategory")) {
        json_value *st = jira_status_json(ctx, json_get_str(is, "status"));
        json_value *c = json_get(st, "statusCategory");
        return ci_eq(json_get_str(c, "name"), v) || ci_eq(json_get_str(c, "key"), v) ||
               str_eq(json_get(c, "id") ? json_get(c, "id")->str : NULL, v);
    }
    if (!strcasecmp(field, "issuetype")) return str_eq(jira_issuetype_lookup(json_string(a, v)), json_get_str(is, "issuetype"));
    if (!strcasecmp(field, "priority")) return str_eq(jira_priority_lookup(json_string(a, v)), json_get_str(is, "priority"));
    if (!strcasecmp(field, "assignee") || !strcasecmp(field, "reporter") || !strcasecmp(field, "creator")) {
        char f[16];
        snprintf(f, sizeof f, "%s", field);
        str_to_lower(f);
        const char *id = json_get_str(is, f);
        if (!id) return false;
        if (str_eq(id, v)) return true;
        json_value *u = jira_user_get(ctx, id);
        return ci_eq(json_get_str(u, "displayName"), v) || ci_eq(json_get_str(u, "emailAddress"), v);
    }
    if (!strcasecmp(field, "watcher")) {
        json_foreach(x, json_get(is, "watchers")) if (str_eq(json_str(x), v)) return true;
        return false;
    }
    if (!strcasecmp(field, "labels")) {
        json_foreach(l, json_get(is, "labels")) if (str_eq(json_str(l), v)) return true;
        return false;
    }
    if (!strcasecmp(field, "key") || !strcasecmp(field, "id"))
        return ci_eq(json_get_str(is, "key"), v) || str_eq(json_get_str(is, "id"), v);
    if (!strcasecmp(field, "parent")) {
        json_value *par = twin_doc_get(ctx, "issues", json_get_str(is, "parent"));
        return par && (ci_eq(json_get_str(par, "key"), v) || str_eq(json_get_str(par, "id"), v));
    }
    if (!strcasecmp(field, "resolution")) {
        const char *r = json_get_str(is, "resolution");
        if (ci_eq(v, "Unresolved")) return !r;
        return r && (ci_eq(v, "Done") || str_eq(v, r));
    }
    if (!strcasecmp(field, "sprint")) {
        const char *sid = json_get_str(is, "sprint");
        if (!sid) return false;
        json_value *sp = twin_doc_get(ctx, "sprints", sid);
        if (str_eq(v, "\x01open")) return sp && !str_eq(json_get_str(sp, "state"), "closed");
        if (str_eq(v, "\x01closed")) return sp && str_eq(json_get_str(sp, "state"), "closed");
        return str_eq(sid, v) || ci_eq(json_get_str(sp, "name"), v);
    }
    if (!strcasecmp(field, "component") || !strcasecmp(field, "fixversion")) {
        bool comp = !strcasecmp(field, "component");
        json_foreach(x, json_get(is, comp ? "components" : "fixVersions")) {
            json_value *d = twin_doc_get(ctx, comp ? "components" : "versions", json_str(x));
            if (str_eq(json_str(x), v) || ci_eq(json_get_str(d, "name"), v)) return true;
        }
        return false;
    }
    if (!strcasecmp(field, "summary")) return ci_eq(json_get_str(is, "summary"), v);
    return false;
}

static bool field_empty(twin_ctx *ctx, const char *field, const json_value *is)
{
    if (!strcasecmp(field, "labels")) return !json_get(is, "labels") || !json_get(is, "labels")->len;
    if (!strcasecmp(field, "component")) return !json_get(is, "components") || !json_get(is, "components")->len;
    if (!strcasecmp(field, "fixversion")) return !json_get(is, "fixVersions") || !json_get(is, "fixVersions")->len;
    if (!strcasecmp(field, "description") || !strcasecmp(field, "environment")) {
        json_value *d = json_get(is, field);
        return !d || d->type == JSON_NULL || !*jira_adf_text(ctx->a, d);
    }
    if (!strcasecmp(field, "resolved")) return !json_get_str(is, "resolutiondate");
    const char *k = !strcasecmp(field, "assignee") ? "assignee" : !strcasecmp(field, "reporter") ? "reporter"
                    : !strcasecmp(field, "resolution") ? "resolution" : !strcasecmp(field, "sprint") ? "sprint"
                    : !strcasecmp(field, "parent") ? "parent" : !strcasecmp(field, "duedate") ? "duedate" : NULL;
    return k ? !json_get_str(is, k) : false;
}

/* Every word of the needle occurs in one of the haystacks (Jira matches
 * words, not phrases, unless quoted inside); trailing wildcards are dropped. */
static bool words_found(arena *a, const char *needle, const char *const *hay, size_t nh)
{
    char *copy = arena_strdup(a, needle);
    bool any_word = false;
    for (char *save = NULL, *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        size_t wl = strlen(w);
        while (wl && (w[wl - 1] == '*' || w[wl - 1] == '?')) w[--wl] = '\0';
        if (!wl) continue;
        any_word = true;
        bool found = false;
        for (size_t i = 0; i < nh && !found; i++)
            if (hay[i] && strcasestr(hay[i], w)) found = true;
        if (!found) return false;
    }
    return any_word;
}

static bool text_contains(twin_ctx *ctx, const char *field, const json_value *is, const char *needle)
{
    arena *a = ctx->a;
    const char *hay[4] = {NULL};
    size_t nh = 0;
    bool all = !strcasecmp(field, "text");
    if (all || !strcasecmp(field, "summary")) hay[nh++] = json_get_str(is, "summary");
    if (all || !strcasecmp(field, "description")) hay[nh++] = jira_adf_text(a, json_get(is, "description"));
    if (all || !strcasecmp(field, "environment")) hay[nh++] = jira_adf_text(a, json_get(is, "environment"));
    char *comments = arena_strdup(a, "");
    if (all || !strcasecmp(field, "comment")) {
        twin_list l = jira_list(ctx, "comments", "issue", json_get_str(is, "id"));
        for (size_t i = 0; i < l.n; i++) comments = arena_printf(a, "%s %s", comments, jira_adf_text(a, json_get(l.items[i], "body")));
        hay[nh++] = comments;
    }
    return words_found(a, needle, hay, nh);
}

/* ---- entity property evaluation ---- */

#define PROPERTY_LEAVES_MAX 64

/* The scalar values at path inside v; arrays along the way contribute each
 * element (Jira indexes a list of strings as several values).  Nulls, empty
 * strings and objects are no value, as an unindexed path is in Jira. */
static void property_leaves(const json_value *v, const char *path, const json_value **out, size_t *n)
{
    if (!v || v->type == JSON_NULL || *n >= PROPERTY_LEAVES_MAX) return;
    if (v->type == JSON_ARRAY) {
        json_foreach(x, v) property_leaves(x, path, out, n);
        return;
    }
    if (!*path) {
        if (v->type != JSON_OBJECT && !(v->type == JSON_STRING && !*v->str)) out[(*n)++] = v;
        return;
    }
    const char *dot = strchr(path, '.');
    size_t len = dot ? (size_t)(dot - path) : strlen(path);
    property_leaves(json_getn(v, path, len), dot ? dot + 1 : "", out, n);
}

static size_t issue_property_leaves(const json_value *is, const char *key, const char *path, const json_value **out)
{
    size_t n = 0;
    property_leaves(json_get(json_get(is, "properties"), key), path, out, &n);
    return n;
}

static bool parse_number(const char *s, double *out)
{
    char *end;
    if (!s || !*s) return false;
    *out = strtod(s, &end);
    return *end == '\0';
}

/* Exact match: strings case-sensitively (Jira's string type is a keyword),
 * numbers by value, booleans by their JSON spelling. */
static bool leaf_equals(twin_ctx *ctx, const json_value *leaf, const char *v)
{
    if (str_eq(v, "\x01me")) v = jira_viewer(ctx);
    double have, want;
    switch (leaf->type) {
    case JSON_STRING: return str_eq(leaf->str, v);
    case JSON_NUMBER: return json_double(leaf, &have) && parse_number(v, &want) && have == want;
    case JSON_TRUE: return !strcasecmp(v, "true");
    case JSON_FALSE: return !strcasecmp(v, "false");
    default: return false;
    }
}

/* Orders a leaf against a value for > >= < <=: numbers by value, strings
 * that read as dates (or relative dates, now(), startOfDay()) by time.
 * *ok is false when the two cannot be ordered. */
static int leaf_order(twin_ctx *ctx, const json_value *leaf, const char *v, bool *ok)
{
    double have, want;
    *ok = false;
    if (leaf->type == JSON_NUMBER) {
        if (!json_double(leaf, &have) || !parse_number(v, &want)) return 0;
        *ok = true;
        return have < want ? -1 : have > want;
    }
    if (leaf->type != JSON_STRING) return 0;
    int64_t t = date_value(ctx, leaf->str), w = date_value(ctx, v);
    if (t < 0 || w < 0) return 0;
    *ok = true;
    return t < w ? -1 : t > w;
}

static bool leaf_in_range(twin_ctx *ctx, const json_value *leaf, const char *op, const char *v)
{
    bool ok;
    int c = leaf_order(ctx, leaf, v, &ok);
    if (!ok) return false;
    if (str_eq(op, ">")) return c > 0;
    if (str_eq(op, ">=")) return c >= 0;
    if (str_eq(op, "<")) return c < 0;
    return c <= 0;
}

static bool leaves_contain_words(arena *a, const json_value **leaves, size_t n, const char *needle)
{
    const char *hay[PROPERTY_LEAVES_MAX];
    size_t nh = 0;
    for (size_t i = 0; i < n; i++)
        if (leaves[i]->type == JSON_STRING) hay[nh++] = leaves[i]->str;
    return words_found(a, needle, hay, nh);
}

/* One issue.property[key].path clause.  As for fields, != / !~ / NOT IN
 * never match an issue without a value there. */
static bool eval_property(twin_ctx *ctx, const node *n, const json_value *is)
{
    const json_value *leaves[PROPERTY_LEAVES_MAX];
    size_t nl = issue_property_leaves(is, n->prop_key, n->prop_path, leaves);
    const char *op = n->op;
    if (str_eq(op, "is")) return nl == 0;
    if (str_eq(op, "isnot")) return nl > 0;
    if (str_eq(op, "~")) return leaves_contain_words(ctx->a, leaves, nl, n->vals[0]);
    if (str_eq(op, "!~")) return nl > 0 && !leaves_contain_words(ctx->a, leaves, nl, n->vals[0]);
    bool range = str_eq(op, ">") || str_eq(op, ">=") || str_eq(op, "<") || str_eq(op, "<=");
    bool any = false;
    for (size_t v = 0; v < n->n_vals && !any; v++) {
        if (str_eq(n->vals[v], "\x01empty")) { any = nl == 0; continue; }
        for (size_t i = 0; i < nl && !any; i++)
            any = range ? leaf_in_range(ctx, leaves[i], op, n->vals[v]) : leaf_equals(ctx, leaves[i], n->vals[v]);
    }
    if (range || str_eq(op, "=") || str_eq(op, "in")) return any;
    return nl > 0 && !any;
}

/* ORDER BY issue.property[key].path: the first value there; numbers before
 * strings, issues without a value last (ascending), as for fields. */
static int cmp_property(const json_value *x, const json_value *y, const char *key, const char *path)
{
    const json_value *lx[PROPERTY_LEAVES_MAX], *ly[PROPERTY_LEAVES_MAX];
    size_t nx = issue_property_leaves(x, key, path, lx), ny = issue_property_leaves(y, key, path, ly);
    if (!nx || !ny) return nx ? -1 : ny ? 1 : 0;
    const json_value *a = lx[0], *b = ly[0];
    double da, db;
    bool num_a = a->type == JSON_NUMBER && json_double(a, &da), num_b = b->type == JSON_NUMBER && json_double(b, &db);
    if (num_a && num_b) return da < db ? -1 : da > db;
    if (num_a != num_b) return num_a ? -1 : 1;
    const char *sa = a->type == JSON_STRING ? a->str : a->type == JSON_TRUE ? "true" : "false";
    const char *sb = b->type == JSON_STRING ? b->str : b->type == JSON_TRUE ? "true" : "false";
    return strcmp(sa, sb);
}

static bool eval(twin_ctx *ctx, const node *n, const json_value *is)
{
    switch (n->k) {
    case N_AND: return eval(ctx, n->l, is) && eval(ctx, n->r, is);
    case N_OR: return eval(ctx, n->l, is) || eval(ctx, n->r, is);
    case N_NOT: return !eval(ctx, n->l, is);
    case N_CLAUSE: break;
    }
    if (n->prop_key) return eval_property(ctx, n, is);
    const char *op = n->op, *f = n->field;
    if (str_eq(op, "is")) return field_empty(ctx, f, is);
    if (str_eq(op, "isnot")) return !field_empty(ctx, f, is);
    if (str_eq(op, "~")) return text_contains(ctx, f, is, n->vals[0]);
    if (str_eq(op, "!~")) return !text_contains(ctx, f, is, n->vals[0]);
    bool date = !strcasecmp(f, "created") || !strcasecmp(f, "updated") || !strcasecmp(f, "resolved") || !strcasecmp(f, "duedate");
    if (str_eq(op, ">") || str_eq(op, ">=") || str_eq(op, "<") || str_eq(op, "<=") || (date && (str_eq(op, "=") || str_eq(op, "!=")))) {
        int64_t have, want;
        if (date) {
            const char *k = !strcasecmp(f, "resolved") ? "resolutiondate" : !strcasecmp(f, "duedate") ? "duedate"
                            : !strcasecmp(f, "created") ? "created" : "updated";
            const char *s = json_get_str(is, k);
            if (!s) return false;
            have = strlen(s) == 10 ? date_value(ctx, s) : iso_ms(s);
            want = date_value(ctx, n->vals[0]);
        } else if (!strcasecmp(f, "priority")) {
            have = jira_priority_rank(json_get_str(is, "priority"));
            want = jira_priority_rank(jira_priority_lookup(json_string(ctx->a, n->vals[0])));
        } else {
            const char *k = json_get_str(is, "key"), *v = n->vals[0];
            const char *kd = strrchr(k, '-'), *vd = strrchr(v, '-');
            have = kd ? atoll(kd + 1) : atoll(json_get_str(is, "id"));
            want = vd ? atoll(vd + 1) : atoll(v);
            if (vd && strncasecmp(k, v, (size_t)(kd - k) + 1) != 0) return false;
        }
        if (str_eq(op, "=")) return have == want;
        if (str_eq(op, "!=")) return have != want;
        if (str_eq(op, ">")) return have > want;
        if (str_eq(op, ">=")) return have >= want;
        if (str_eq(op, "<")) return have < want;
        return have <= want;
    }
    bool any = false;
    for (size_t i = 0; i < n->n_vals; i++) {
        if (str_eq(n->vals[i], "\x01empty")) any = any || field_empty(ctx, f, is);
        else any = any || value_matches(ctx, f, is, n->vals[i]);
    }
    if (str_eq(op, "=") || str_eq(op, "in")) return any;
    /* != and NOT IN never match an empty field (Jira semantics) */
    if (field_empty(ctx, f, is) && strcasecmp(f, "labels") != 0) return false;
    return !any;
}

bool jql_match(twin_ctx *ctx, const jql *q, const json_value *issue)
{
    return !q->root || eval(ctx, q->root, issue);
}

static int cmp_field(const json_value *x, const json_value *y, const char *f)
{
    if (!strcasecmp(f, "priority")) return jira_priority_rank(json_get_str(x, "priority")) - jira_priority_rank(json_get_str(y, "priority"));
    if (!strcasecmp(f, "created") || !strcasecmp(f, "updated") || !strcasecmp(f, "duedate") || !strcasecmp(f, "summary") ||
        !strcasecmp(f, "status") || !strcasecmp(f, "assignee") || !strcasecmp(f, "issuetype") || !strcasecmp(f, "resolved")) {
        const char *k = !strcasecmp(f, "resolved") ? "resolutiondate" : f;
        const char *a = json_get_str(x, k), *b = json_get_str(y, k);
        if (!a || !b) return a ? -1 : b ? 1 : 0;
        int c = strcmp(a, b);
        if (c) return c;
    }
    /* key / id / rank and tie-breaks: creation order */
    long long a = atoll(json_get_str(x, "id")), b = atoll(json_get_str(y, "id"));
    return a < b ? -1 : a > b;
}

/* qsort_r comparator; q is the query whose ORDER BY applies. */
static int cmp_issues(const void *pa, const void *pb, void *q_arg)
{
    const json_value *x = *(json_value *const *)pa, *y = *(json_value *const *)pb;
    const jql *q = q_arg;
    if (!q->n_sort) return -cmp_field(x, y, "created");
    for (size_t i = 0; i < q->n_sort; i++) {
        const sortkey *sk = &q->sort[i];
        int c = sk->prop_key ? cmp_property(x, y, sk->prop_key, sk->prop_path) : cmp_field(x, y, sk->field);
        if (c) return q->sort[i].desc ? -c : c;
    }
    int c = cmp_field(x, y, "key");
    return q->sort[q->n_sort - 1].desc ? -c : c;
}

/* The project clause ("project = X", "project IN (X, Y)") that every match
 * must satisfy, found through the query's top-level ANDs; NULL when none. */
static const node *project_restriction(const node *n)
{
    if (!n) return NULL;
    if (n->k == N_AND) {
        const node *l = project_restriction(n->l);
        return l ? l : project_restriction(n->r);
    }
    if (n->k != N_CLAUSE || strcasecmp(n->field, "project") != 0) return NULL;
    if (!str_eq(n->op, "=") && !str_eq(n->op, "in")) return NULL;
    for (size_t i = 0; i < n->n_vals; i++)
        if (n->vals[i][0] == '\x01') return NULL;   /* EMPTY and functions */
    return n;
}

/* The issues a query can match: those of the projects its project clause
 * names (through the store's project index), else every issue.  Callers
 * still evaluate the whole query on each. */
static twin_list candidates(twin_ctx *ctx, const jql *q)
{
    const node *pr = project_restriction(q->root);
    if (!pr) return jira_list(ctx, "issues", NULL, NULL);
    twin_list projects = jira_list(ctx, "projects", NULL, NULL), out = {0};
    size_t cap = 0;
    for (size_t p = 0; p < projects.n; p++) {
        const json_value *pj = projects.items[p];
        bool named = false;
        /* the same test value_matches applies: key or name (any case), or id */
        for (size_t i = 0; i < pr->n_vals && !named; i++)
            named = ci_eq(json_get_str(pj, "key"), pr->vals[i]) || str_eq(json_get_str(pj, "id"), pr->vals[i]) ||
                    ci_eq(json_get_str(pj, "name"), pr->vals[i]);
        if (!named) continue;
        twin_list l = jira_list(ctx, "issues", "project", json_get_str(pj, "id"));
        if (out.n + l.n > cap) {
            cap = 2 * (out.n + l.n) + 8;
            json_value **grown = arena_alloc(ctx->a, cap * sizeof *grown);
            if (out.n) memcpy(grown, out.items, out.n * sizeof *grown);
            out.items = grown;
        }
        if (l.n) memcpy(out.items + out.n, l.items, l.n * sizeof *l.items);
        out.n += l.n;
    }
    return out;
}

static json_value **matching(twin_ctx *ctx, const jql *q, size_t *n)
{
    twin_list l = candidates(ctx, q);
    json_value **out = arena_alloc(ctx->a, (l.n + 1) * sizeof *out);
    size_t k = 0;
    for (size_t i = 0; i < l.n; i++)
        if (jql_match(ctx, q, l.items[i])) out[k++] = l.items[i];
    *n = k;
    return out;
}

json_value **jql_run(twin_ctx *ctx, const jql *q, size_t *n)
{
    json_value **out = matching(ctx, q, n);
    qsort_r(out, *n, sizeof *out, cmp_issues, (void *)q);
    return out;
}

size_t jql_count(twin_ctx *ctx, const jql *q)
{
    size_t n;
    matching(ctx, q, &n);
    return n;
}

/* ---- handlers ---- */

/* body array, repeated query key or comma-separated string -> "a,b" */
static const char *list_arg(twin_ctx *ctx, const char *name)
{
    json_value *v = json_get(ctx->body, name);
    if (!v) return jira_query_list(ctx, name);
    if (v->type == JSON_STRING) return v->str;
    if (v->type != JSON_ARRAY) return NULL;
    char *s = arena_strdup(ctx->a, "");
    json_foreach(x, v) if (json_str(x)) s = arena_printf(ctx->a, "%s%s%s", s, *s ? "," : "", x->str);
    return s;
}

static jql *parse_or_reply(twin_ctx *ctx, const char *text)
{
    const char *err;
    jql *q = jql_parse(ctx, text, &err);
    if (!q) {
        json_value *b = json_object(ctx->a), *m = json_array(ctx->a);
        json_push(m, json_string(ctx->a, err));
        json_set(ctx->a, b, "errorMessages", m);
        json_set(ctx->a, b, "warningMessages", json_array(ctx->a));
        json_set(ctx->a, b, "errors", json_object(ctx->a));
        twin_reply_json(ctx, 400, b);
    }
    return q;
}

void jira_reply_issue_page(twin_ctx *ctx, json_value **items, size_t n, int64_t start, int64_t max,
                           const char *fields, const char *expand)
{
    arena *a = ctx->a;
    json_value *issues = json_array(a);
    const char *props = list_arg(ctx, "properties");
    for (int64_t i = start; i < (int64_t)n && i < start + max; i++)
        json_push(issues, jira_issue_render(ctx, items[i], fields, expand, props));
    json_value *o = json_object(a);
    json_set_str(a, o, "expand", "schema,names");
    json_set_int(a, o, "startAt", start);
    json_set_int(a, o, "maxResults", max);
    json_set_int(a, o, "total", (int64_t)n);
    json_set(a, o, "issues", issues);
    jira_hoist_field_meta(ctx, o, issues);
    twin_reply_json(ctx, 200, o);
}

static void search_classic(twin_ctx *ctx)
{
    jql *q = parse_or_reply(ctx, jira_str_arg(ctx, "jql"));
    if (!q) return;
    int64_t start = jira_int_arg(ctx, "startAt", 0), max = jira_int_arg(ctx, "maxResults", 50);
    if (start < 0) start = 0;
    if (max < 0 || max > 100) max = max < 0 ? 50 : 100;
    size_t n;
    json_value **all = jql_run(ctx, q, &n);
    const char *fields = list_arg(ctx, "fields");
    jira_reply_issue_page(ctx, all, n, start, max, fields ? fields : "*navigable", list_arg(ctx, "expand"));
}

void jira_search_get(twin_ctx *ctx) { search_classic(ctx); }
void jira_search_post(twin_ctx *ctx) { search_classic(ctx); }

static bool unbounded(const jql *q)
{
    return !q->root;
}

void jira_search_jql(twin_ctx *ctx)
{
    arena *a = ctx->a;
    jql *q = parse_or_reply(ctx, jira_str_arg(ctx, "jql"));
    if (!q) return;
    if (unbounded(q)) {
        jira_errors(ctx, 400, "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.");
        return;
    }
    int64_t max = jira_int_arg(ctx, "maxResults", 50), start = 0;
    if (max <= 0) max = 50;
    if (max > 5000) max = 5000;
    const char *token = jira_str_arg(ctx, "nextPageToken");
    if (token && *token) {
        char *end;
        if (!str_starts_with(token, "Cp") || (start = strtoll(token + 2, &end, 36), *end) || start < 0) {
            jira_errors(ctx, 400, "The provided next page token is invalid or expired.");
            return;
        }
    }
    size_t n;
    json_value **all = jql_run(ctx, q, &n);
    const char *fields = list_arg(ctx, "fields"), *expand = list_arg(ctx, "expand"), *props = list_arg(ctx, "properties");
    json_value *issues = json_array(a);
    for (int64_t i = start; i < (int64_t)n && i < start + max; i++) {
        if ((fields && *fields) || expand || props) json_push(issues, jira_issue_render(ctx, all[i], fields ? fields : "id", expand, props));
        else {
            json_value *o = json_object(a);
            json_set_str(a, o, "id", json_get_str(all[i], "id"));
            json_push(issues, o);
        }
    }
    json_value *o = json_object(a);
    json_set(a, o, "issues", issues);
    bool last = start + max >= (int64_t)n;
    if (!last) {
        char nb[32], *p = nb + sizeof nb - 1;
        unsigned long long v = (unsigned long long)(start + max);
        *p = '\0';
        do { *--p = "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36]; v /= 36; } while (v);
        json_set_str(a, o, "nextPageToken", arena_printf(a, "Cp%s", p));
    }
    json_set_bool(a, o, "isLast", last);
    jira_hoist_field_meta(ctx, o, issues);
    twin_reply_json(ctx, 200, o);
}

void jira_search_count(twin_ctx *ctx)
{
    jql *q = parse_or_reply(ctx, jira_str_arg(ctx, "jql"));
    if (!q) return;
    if (unbounded(q)) {
        jira_errors(ctx, 400, "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.");
        return;
    }
    json_value *o = json_object(ctx->a);
    json_set_int(ctx->a, o, "count", (int64_t)jql_count(ctx, q));
    twin_reply_json(ctx, 200, o);
}
