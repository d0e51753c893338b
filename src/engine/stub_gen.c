/* Schema -> sample JSON, deterministic in the seed.
 *
 * Size is bounded two ways: optional properties stop below OPTIONAL_DEPTH or
 * once NODE_BUDGET values were written (then only required ones), and
 * nothing recurses below HARD_DEPTH (self-referencing required properties
 * end there in their smallest valid form). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/stub_internal.h"
#include "util/util.h"

#define OPTIONAL_DEPTH 6
#define HARD_DEPTH 16
#define NODE_BUDGET 300
#define PATTERN_MAX 128

/* Seconds: generated timestamps fall in 2024-01-01 .. 2026-01-01. */
#define TIME_ORIGIN 1704067200LL
#define TIME_SPAN (2 * 365 * 86400LL)

typedef struct gen {
    jw w;
    uint64_t rng;
    int budget;
    const stub_gen_opts *o;
    const char *top_key;        /* the top-level property being written, for "owner.login" echo */
} gen;

static void gen_value(gen *g, const stub_schema *s, int depth, const char *key);
static const stub_schema *concrete(const stub_schema *s);

static uint64_t next(gen *g) { return splitmix64(&g->rng); }

static const char BASE62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static void random_chars(gen *g, char *out, size_t n, const char *alphabet)
{
    size_t k = strlen(alphabet);
    for (size_t i = 0; i < n; i++) out[i] = alphabet[next(g) % k];
    out[n] = '\0';
}

/* ---- echo of path parameters ---- */

static const char *echo_for(const gen *g, int depth, const char *key)
{
    for (size_t i = 0; key && i < g->o->n_echo; i++) {
        const char *k = g->o->echo[i].key;
        if (depth == 1 && strcmp(k, key) == 0) return g->o->echo[i].value;
        if (depth == 2 && g->top_key) {
            size_t n = strlen(g->top_key);
            if (strncmp(k, g->top_key, n) == 0 && k[n] == '.' && strcmp(k + n + 1, key) == 0)
                return g->o->echo[i].value;
        }
    }
    return NULL;
}

static bool all_digits(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return false;
    return true;
}

/* ---- checking a value against a simple pattern ---- */

/* A backtracking matcher for a regex subset: literals, . \d \w \s and
 * their negations, classes with ranges and negation, ? * + {n} {n,} {n,m},
 * ^ and $, and top-level alternation (pattern_matches).  Groups and
 * anything else: -1 (unknown), which the echo treats as "does not fit". */
typedef struct re_tok {
    bool set[256];
    int lo, hi;                 /* hi < 0: unbounded */
} re_tok;

#define RE_MAX_TOKS 48

static void re_add_escape(re_tok *t, char c)
{
    bool neg = c == 'D' || c == 'W' || c == 'S';
    char lc = neg ? (char)(c + 32) : c;
    bool any = lc == 'd' || lc == 'w' || lc == 's';
    if (!any) {
        t->set[(unsigned char)c] = true;
        return;
    }
    for (int ch = 1; ch < 256; ch++) {
        bool in = lc == 'd' ? (ch >= '0' && ch <= '9')
                  : lc == 's' ? (ch == ' ' || (ch >= '\t' && ch <= '\r'))
                              : ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_');
        if (in != neg) t->set[ch] = true;
    }
}

static int re_compile(const char *p, re_tok *toks, bool *anchor_start, bool *anchor_end)
{
    int n = 0;
    *anchor_start = *p == '^';
    if (*anchor_start) p++;
    *anchor_end = false;
    while (*p) {
        if (p[0] == '$' && p[1] == '\0') {
            *anchor_end = true;
            break;
        }
        if (n == RE_MAX_TOKS || strchr("()|^$", *p)) return -1;
        re_tok *t = &toks[n++];
        memset(t, 0, sizeof *t);
        if (*p == '[') {
            p++;
            bool neg = *p == '^';
            if (neg) p++;
            bool tmp[256] = {0};
            int members = 0;
            while (*p && (*p != ']' || members == 0)) {
                re_tok one = {0};
                if (p[0] == '\\' && p[1]) {
                    re_add_escape(&one, p[1]);
                    p += 2;
                } else if (p[1] == '-' && p[2] && p[2] != ']') {
                    for (int c = (unsigned char)p[0]; c <= (unsigned char)p[2]; c++) one.set[c] = true;
                    p += 3;
                } else {
                    one.set[(unsigned char)*p++] = true;
                }
                for (int c = 0; c < 256; c++) tmp[c] = tmp[c] || one.set[c];
                members++;
            }
            if (*p != ']') return -1;
            p++;
            for (int c = 1; c < 256; c++) t->set[c] = tmp[c] != neg;
        } else if (*p == '\\' && p[1]) {
            re_add_escape(t, p[1]);
            p += 2;
        } else if (*p == '.') {
            for (int c = 1; c < 256; c++) t->set[c] = c != '\n';
            p++;
        } else if (strchr("*+?{", *p)) {
            return -1;
        } else {
            t->set[(unsigned char)*p++] = true;
        }
        t->lo = t->hi = 1;
        if (*p == '?') t->lo = 0, p++;
        else if (*p == '*') t->lo = 0, t->hi = -1, p++;
        else if (*p == '+') t->hi = -1, p++;
        else if (*p == '{') {
            int a = 0, b = 0, used = 0;
            if (sscanf(p, "{%d,%d}%n", &a, &b, &used) == 2 && used) t->lo = a, t->hi = b;
            else if (sscanf(p, "{%d,}%n", &a, &used) == 1 && used) t->lo = a, t->hi = -1;
            else if (sscanf(p, "{%d}%n", &a, &used) == 1 && used) t->lo = t->hi = a;
            else return -1;
            p += used;
        }
        if (*p == '?' || *p == '+') return -1;          /* lazy / possessive */
    }
    return n;
}

static bool re_match_here(const re_tok *t, int n, const char *s, bool anchor_end)
{
    if (n == 0) return !anchor_end || *s == '\0';
    int k = 0;
    while (s[k] && (t->hi < 0 || k < t->hi) && t->set[(unsigned char)s[k]]) k++;
    for (; k >= t->lo; k--)
        if (re_match_here(t + 1, n - 1, s + k, anchor_end)) return true;
    return false;
}

static int alternative_matches(const char *pattern, const char *value)
{
    re_tok toks[RE_MAX_TOKS];
    bool start, end;
    int n = re_compile(pattern, toks, &start, &end);
    if (n < 0) return -1;
    for (const char *s = value;; s++) {
        if (re_match_here(toks, n, s, end)) return 1;
        if (start || !*s) return 0;
    }
}

/* 1 match, 0 no match, -1 the pattern is beyond the subset.  Top-level
 * alternatives ("^[UW][A-Z0-9]{8,}$|^$") are tried in turn. */
static int pattern_matches(const char *pattern, const char *value)
{
    char alt[256];
    int result = 0;
    const char *p = pattern;
    while (true) {
        const char *e = p;
        while (*e && *e != '|') {
            if (*e == '\\' && e[1]) e++;
            else if (*e == '[')
                while (e[1] && e[1] != ']') e += (e[1] == '\\' && e[2]) ? 2 : 1;
            e++;
        }
        if ((size_t)(e - p) >= sizeof alt) return -1;
        memcpy(alt, p, (size_t)(e - p));
        alt[e - p] = '\0';
        int r = alternative_matches(alt, value);
        if (r == 1) return 1;
        if (r < 0) result = -1;
        if (!*e) return result;
        p = e + 1;
    }
}

static bool enum_has(const json_value *e, const char *value)
{
    json_foreach(x, e) {
        if (x->type == JSON_STRING && !strcmp(x->str, value)) return true;
        if (x->type == JSON_NUMBER && x->str && !strcmp(x->str, value)) return true;
    }
    return false;
}

static bool format_fits(const char *f, const char *value)
{
    if (!f) return true;
    if (!strcmp(f, "uuid")) return uuid_valid(value);
    if (!strcmp(f, "date-time")) return parse_iso8601_ms(value) > 0 && strchr(value, 'T');
    if (!strcmp(f, "date")) return strlen(value) == 10 && value[4] == '-' && value[7] == '-';
    if (!strcmp(f, "email")) return strchr(value, '@') != NULL;
    if (!strcmp(f, "uri") || !strcmp(f, "url")) return strstr(value, "://") != NULL;
    if (!strcmp(f, "int64") || !strcmp(f, "uint64") || !strcmp(f, "int32") || !strcmp(f, "uint32") ||
        !strcmp(f, "snowflake"))
        return all_digits(value) && strlen(value) < 20;
    return true;                                /* formats nobody checks strictly */
}

bool stub_value_fits(const stub_schema *s, const char *value)
{
    s = concrete(s);
    if (!s || !value) return false;
    if (s->enum_values && !enum_has(s->enum_values, value)) return false;
    switch (s->type) {
    case SCH_ANY: return s->n_props == 0 && !s->additional;
    case SCH_INTEGER:
    case SCH_NUMBER: {
        if (!all_digits(value) || strlen(value) >= 19) return false;
        double d = strtod(value, NULL);
        return (!s->has_min || d >= s->minimum) && (!s->has_max || d <= s->maximum);
    }
    case SCH_STRING: {
        size_t len = strlen(value);
        if (s->min_length >= 0 && len < (size_t)s->min_length) return false;
        if (s->max_length >= 0 && len > (size_t)s->max_length) return false;
        if (!format_fits(s->format, value)) return false;
        return !s->pattern || pattern_matches(s->pattern, value) == 1;
    }
    default: return false;
    }
}

/* Writes the echoed value when it is a valid instance of the schema; false
 * otherwise (the caller generates instead). */
static bool write_echo(gen *g, const stub_schema *s, const char *value)
{
    if (!stub_value_fits(s, value)) return false;
    s = concrete(s);
    if (s->type == SCH_INTEGER || s->type == SCH_NUMBER) jw_raw(&g->w, value, strlen(value));
    else jw_string(&g->w, value);
    return true;
}

/* ---- strings ---- */

/* Generates from simple regular expressions: literals, escapes (\d \w \.),
 * classes with ranges and the quantifiers ? * + {n} {n,} {n,m}.  Groups and
 * alternation are beyond it: false, and the caller falls back. */
static bool class_chars(const char **pp, char *set, size_t *n)
{
    const char *p = *pp;
    if (*p == '^') return false;
    while (*p && *p != ']') {
        if (p[0] == '\\' && p[1]) {
            const char *add = p[1] == 'd' ? "0123456789" : p[1] == 'w' ? "abcdefghijklmnopqrstuvwxyz0123456789" : NULL;
            if (add) {
                for (; *add && *n < 128; add++) set[(*n)++] = *add;
            } else if (*n < 128) {
                set[(*n)++] = p[1];
            }
            p += 2;
        } else if (p[1] == '-' && p[2] && p[2] != ']') {
            for (int c = (unsigned char)p[0]; c <= (unsigned char)p[2] && *n < 128; c++) set[(*n)++] = (char)c;
            p += 3;
        } else {
            if (*n < 128) set[(*n)++] = *p;
            p++;
        }
    }
    if (*p != ']' || *n == 0) return false;
    *pp = p + 1;
    return true;
}

static void quantifier(const char **pp, int *lo, int *hi)
{
    const char *p = *pp;
    *lo = *hi = 1;
    if (*p == '?') *lo = 0, p++;
    else if (*p == '*') *lo = 0, *hi = 3, p++;
    else if (*p == '+') *hi = 3, p++;
    else if (*p == '{') {
        int a = 0, b = -1, used = 0;
        if (sscanf(p, "{%d,%d}%n", &a, &b, &used) == 2 && used) *lo = a, *hi = b;
        else if (sscanf(p, "{%d,}%n", &a, &used) == 1 && used) *lo = *hi = a;
        else if (sscanf(p, "{%d}%n", &a, &used) == 1 && used) *lo = *hi = a;
        if (used) p += used;
    }
    *pp = p;
}

/* The end of the group opened at p ('('), or NULL. */
static const char *group_end(const char *p, const char *end)
{
    int depth = 0;
    for (; p < end; p++) {
        if (*p == '\\' && p + 1 < end) p++;
        else if (*p == '[') {
            while (p < end && *p != ']') p += (*p == '\\' && p + 1 < end) ? 2 : 1;
        } else if (*p == '(') depth++;
        else if (*p == ')' && --depth == 0) return p;
    }
    return NULL;
}

/* The first '|' of [p, end) outside groups and classes, else end. */
static const char *first_alternative_end(const char *p, const char *end)
{
    for (; p < end; p++) {
        if (*p == '\\' && p + 1 < end) p++;
        else if (*p == '[') {
            while (p < end && *p != ']') p += (*p == '\\' && p + 1 < end) ? 2 : 1;
        } else if (*p == '(') {
            const char *close = group_end(p, end);
            if (!close) return end;
            p = close;
        } else if (*p == '|') return p;
    }
    return end;
}

/* Generates a match of [p, end): alternation takes its first alternative,
 * groups ("(...)", "(?:...)") repeat per their quantifier. */
static bool gen_pattern(gen *g, const char *p, const char *end, char *out, size_t *len, int nesting)
{
    if (nesting > 8) return false;
    end = first_alternative_end(p, end);
    while (p < end) {
        char set[128];
        size_t n = 0;
        int lo, hi;
        if (*p == '^' || (*p == '$' && p + 1 == end)) {
            p++;
            continue;
        }
        if (*p == '(') {
            const char *close = group_end(p, end);
            const char *inner = p + 1;
            if (!close) return false;
            if (inner[0] == '?' && inner[1] == ':') inner += 2;
            else if (inner[0] == '?') return false;          /* lookaround, named groups */
            p = close + 1;
            quantifier(&p, &lo, &hi);
            int count = lo + (hi > lo ? (int)(next(g) % (uint64_t)(hi - lo + 1)) : 0);
            for (int i = 0; i < count; i++)
                if (!gen_pattern(g, inner, close, out, len, nesting + 1)) return false;
            continue;
        }
        if (strchr(")|", *p)) return false;
        if (*p == '[') {
            p++;
            if (!class_chars(&p, set, &n)) return false;
        } else if (*p == '\\' && p[1]) {
            const char *cls = p[1] == 'd' ? "0123456789" : p[1] == 'w' ? "abcdefghijklmnopqrstuvwxyz" : NULL;
            if (cls) n = strlen(strcpy(set, cls));
            else set[n++] = p[1];
            p += 2;
        } else {
            set[n++] = *p == '.' ? 'x' : *p;
            p++;
        }
        quantifier(&p, &lo, &hi);
        int count = lo + (hi > lo ? (int)(next(g) % (uint64_t)(hi - lo + 1)) : 0);
        for (int i = 0; i < count; i++) {
            if (*len >= PATTERN_MAX) return false;
            out[(*len)++] = set[next(g) % n];
        }
    }
    return true;
}

static bool from_pattern(gen *g, const char *pattern, char *out)
{
    size_t len = 0;
    bool ok = gen_pattern(g, pattern, pattern + strlen(pattern), out, &len, 0);
    out[len] = '\0';
    return ok;
}

static void iso_time(gen *g, char *out, size_t n)
{
    int64_t secs = TIME_ORIGIN + (int64_t)(next(g) % (uint64_t)TIME_SPAN);
    format_iso8601(secs * 1000, false, out, n);
}

static void uuid_from_seed(gen *g, char out[37])
{
    uint64_t hi = next(g), lo = next(g);
    snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(hi >> 32), (unsigned)(hi >> 16) & 0xffff,
             (unsigned)hi & 0xfff, (unsigned)(0x8000 | (lo >> 48 & 0x3fff)),
             (unsigned long long)(lo & 0xffffffffffffULL));
}

static bool has_word(const char *key, const char *word) { return key && strstr(key, word) != NULL; }

/* A value for a format (or a telling property name); false when neither helps. */
static bool formatted_string(gen *g, const stub_schema *s, const char *key, char *out, size_t n)
{
    const char *f = s->format ? s->format : "";
    char token[16];
    random_chars(g, token, 8, "abcdefghijklmnopqrstuvwxyz0123456789");
    if (s->pattern && !*f && from_pattern(g, s->pattern, out)) return true;
    if (!strcmp(f, "date-time")) iso_time(g, out, n);
    else if (!strcmp(f, "date")) iso_time(g, out, n), out[10] = '\0';
    else if (!strcmp(f, "time")) snprintf(out, n, "%02u:%02u:00", (unsigned)(next(g) % 24), (unsigned)(next(g) % 60));
    else if (!strcmp(f, "uuid")) uuid_from_seed(g, out);
    else if (!strcmp(f, "email") || (!*f && has_word(key, "email"))) snprintf(out, n, "user.%s@example.com", token);
    else if (strstr(f, "uri") || strstr(f, "url") || (!*f && (str_ends_with(key ? key : "", "url") || str_ends_with(key ? key : "", "_uri"))))
        snprintf(out, n, "https://example.com/%s", token);
    else if (!strcmp(f, "int64") || !strcmp(f, "uint64") || !strcmp(f, "int32") || !strcmp(f, "snowflake"))
        snprintf(out, n, "%llu", (unsigned long long)(100000000000000000ULL + next(g) % 900000000000000000ULL));
    else if (!strcmp(f, "byte")) snprintf(out, n, "dHdpbnMgc3R1Yg==");
    else if (!strcmp(f, "ipv4")) snprintf(out, n, "192.0.2.%u", (unsigned)(1 + next(g) % 254));
    else if (!strcmp(f, "ipv6")) snprintf(out, n, "2001:db8::%x", (unsigned)(1 + next(g) % 0xfffe));
    else if (!strcmp(f, "hostname")) snprintf(out, n, "%s.example.com", token);
    else if (s->pattern && from_pattern(g, s->pattern, out)) return true;
    else return false;
    return true;
}

static void gen_string(gen *g, const stub_schema *s, const char *key)
{
    static const char *const WORDS[] = {"alpha", "bravo", "delta", "echo", "lima", "nova", "orbit", "sierra"};
    char out[PATTERN_MAX + 64];
    if (!formatted_string(g, s, key, out, sizeof out)) {
        char token[8];
        random_chars(g, token, 6, "abcdefghijklmnopqrstuvwxyz0123456789");
        snprintf(out, sizeof out, "%s_%s", WORDS[next(g) % 8], token);
        size_t len = strlen(out);
        while (s->min_length > 0 && len < (size_t)s->min_length && len + 1 < sizeof out) out[len++] = 'x';
        out[len] = '\0';
        if (s->max_length >= 0 && len > (size_t)s->max_length) out[s->max_length] = '\0';
    }
    jw_string(&g->w, out);
}

/* ---- numbers ---- */

static int64_t int_in_range(gen *g, const stub_schema *s)
{
    int64_t lo = s->has_min ? (int64_t)s->minimum : 0;
    int64_t hi = s->has_max ? (int64_t)s->maximum : lo + 1000;
    if (lo < 0 && hi > 0) lo = 0;                 /* prefer natural values in wide ranges */
    if (hi < lo) hi = lo;
    if (hi - lo > 100000) hi = lo + 100000;
    return lo + (int64_t)(next(g) % (uint64_t)(hi - lo + 1));
}

static void gen_integer(gen *g, const stub_schema *s)
{
    if (s->format && !strcmp(s->format, "unix-time")) jw_int(&g->w, TIME_ORIGIN + (int64_t)(next(g) % TIME_SPAN));
    else jw_int(&g->w, int_in_range(g, s));
}

/* Whole numbers: they satisfy "number" and the integer-ish formats
 * (int53, int64) descriptions often put on it. */
static void gen_number(gen *g, const stub_schema *s) { jw_int(&g->w, int_in_range(g, s)); }

/* ---- containers ---- */

static void write_prefixed_id(gen *g, const char *prefix)
{
    char id[64], token[15];
    random_chars(g, token, 14, BASE62);
    snprintf(id, sizeof id, "%s%s", prefix, token);
    jw_string(&g->w, id);
}

/* skip: a property already written by the caller (Slack's "ok"), or NULL. */
static void gen_properties(gen *g, const stub_schema *s, int depth, const char *skip)
{
    bool with_optional = depth < OPTIONAL_DEPTH && g->budget > 0;
    for (size_t i = 0; i < s->n_props; i++) {
        const stub_prop *p = &s->props[i];
        if ((!p->required && !with_optional) || (skip && !strcmp(p->name, skip))) continue;
        int child = depth + 1;
        if (child == 1) g->top_key = p->name;
        jw_key(&g->w, p->name);
        const char *echo = echo_for(g, child, p->name);
        if (echo && write_echo(g, p->schema, echo)) continue;
        if (s->id_prefix && !strcmp(p->name, "id") && p->schema->type == SCH_STRING) {
            write_prefixed_id(g, s->id_prefix);
            continue;
        }
        gen_value(g, p->schema, child, p->name);
    }
    if (!s->n_props && s->additional && depth < HARD_DEPTH - 1) {
        char key[16];
        random_chars(g, key, 6, "abcdefghijklmnopqrstuvwxyz");
        jw_key(&g->w, key);
        gen_value(g, s->additional, depth + 1, key);
    }
}

/* One item of a uniqueItems array, distinct from the items already written
 * (prev: their JSON texts, NUL-separated).  Enum items take the enum's
 * values in turn; otherwise an item that repeats is drawn again (the rng
 * has moved on), and a string that still repeats gets "-<index>" appended.
 * False when no distinct item was found: the array ends there. */
static bool gen_distinct_item(gen *g, const stub_schema *s, int depth, int64_t index, buf *prev)
{
    const stub_schema *item = concrete(s->items);
    buf one = BUF_INIT;
    bool ok = false;
    for (int attempt = 0; attempt < 6 && !ok; attempt++) {
        buf_reset(&one);
        jw saved = g->w;
        jw_init(&g->w, &one);
        if (item && item->enum_values && !item->example)
            jw_value(&g->w, json_at(item->enum_values, (size_t)((uint64_t)(index + attempt) % item->enum_values->len)));
        else
            gen_value(g, s->items, depth + 1, NULL);
        g->w = saved;
        if (attempt >= 2 && one.len > 2 && buf_cstr(&one)[0] == '"' && item && !item->enum_values &&
            !item->format && !item->pattern) {
            /* "alpha_x1" -> "alpha_x1-2": still a string of the same kind */
            char suffix[24];
            snprintf(suffix, sizeof suffix, "-%lld\"", (long long)index);
            one.len--;                                  /* drop the closing quote */
            buf_puts(&one, suffix);
        }
        ok = true;
        for (size_t off = 0; off < prev->len && ok; off += strlen(buf_cstr(prev) + off) + 1)
            if (!strcmp(buf_cstr(prev) + off, buf_cstr(&one))) ok = false;
    }
    if (ok) {
        jw_raw(&g->w, buf_cstr(&one), one.len);
        buf_append(prev, buf_cstr(&one), one.len + 1);  /* with its NUL */
    }
    buf_free(&one);
    return ok;
}

static void gen_array(gen *g, const stub_schema *s, int depth)
{
    jw_array_begin(&g->w);
    if (s->n_tuple) {
        /* tuple: one item per schema, in order (never past maxItems) */
        size_t n = s->n_tuple;
        if (s->max_items >= 0 && (int64_t)n > s->max_items) n = (size_t)s->max_items;
        for (size_t i = 0; i < n; i++) gen_value(g, s->tuple[i], depth + 1, NULL);
        jw_array_end(&g->w);
        return;
    }
    int64_t n = depth < OPTIONAL_DEPTH && g->budget > 0 ? 1 + (int64_t)(next(g) % 3) : 0;
    if (s->min_items > n) n = s->min_items;
    if (n > 3 && s->min_items <= 3) n = 3;
    const stub_schema *item = concrete(s->items);
    if (s->unique_items) {
        /* an enum offers only so many distinct values, a fixed example one */
        if (item && item->enum_values && !item->example && n > (int64_t)item->enum_values->len)
            n = (int64_t)item->enum_values->len;
        if (item && item->example && item->example->type != JSON_STRING && n > 1) n = 1;
    } else if (item && (item->enum_values || item->example) && n > 1 && s->min_items <= 1) {
        n = 1;      /* items from an enum or a fixed example would repeat */
    }
    if (s->max_items >= 0 && n > s->max_items) n = s->max_items;
    if (s->unique_items) {
        buf prev = BUF_INIT;
        for (int64_t i = 0; i < n; i++)
            if (!gen_distinct_item(g, s, depth, i, &prev)) break;
        buf_free(&prev);
    } else {
        for (int64_t i = 0; i < n; i++) gen_value(g, s->items, depth + 1, NULL);
    }
    jw_array_end(&g->w);
}

/* The smallest valid value, for recursion that went too deep. */
static void gen_minimal(gen *g, const stub_schema *s)
{
    if (s->nullable || s->type == SCH_NULL) jw_null(&g->w);
    else if (s->type == SCH_ARRAY) jw_array_begin(&g->w), jw_array_end(&g->w);
    else if (s->type == SCH_STRING) jw_string(&g->w, "");
    else if (s->type == SCH_INTEGER || s->type == SCH_NUMBER) jw_int(&g->w, s->has_min ? (int64_t)s->minimum : 0);
    else if (s->type == SCH_BOOLEAN) jw_bool(&g->w, false);
    else jw_object_begin(&g->w), jw_object_end(&g->w);
}

/* What a node stands for when generating:
 *  - oneOf/anyOf without properties of their own (no type, or just "type":
 *    "object" as GitHub's repository-rule): the first alternative;
 *  - an untyped draft-4 tuple ("bot_id": {"items": [defs_bot_id, null]}):
 *    Slack writes alternatives that way, and its methods answer one of
 *    them, not an array of all: the first that is not null.  (A tuple under
 *    "type": "array" stays an array, one item per schema: gen_array.) */
/* Properties beyond names that "required" lists without a schema. */
static bool has_own_props(const stub_schema *s)
{
    for (size_t i = 0; i < s->n_props; i++)
        if (!s->props[i].placeholder) return true;
    return false;
}

static const stub_schema *concrete(const stub_schema *s)
{
    for (int hops = 0; s && hops < 8; hops++) {
        if (s->implicit_array && s->n_tuple) {
            const stub_schema *pick = s->tuple[0];
            for (size_t i = 0; i < s->n_tuple; i++)
                if (s->tuple[i] && s->tuple[i]->type != SCH_NULL) {
                    pick = s->tuple[i];
                    break;
                }
            s = pick;
        } else if ((s->type == SCH_ANY || (s->type == SCH_OBJECT && !s->additional)) && s->n_branches && !has_own_props(s)) {
            s = s->branches[0];
        } else {
            break;
        }
    }
    return s;
}

/* A schema's example (or default/const) is written as is, but descriptions'
 * examples are often not valid instances (GitHub's "\"2007-10-29T...\""
 * dates, a string example on an array); those are generated instead.
 * Patterns only reject on a definite mismatch.  Checked to a few levels. */
static bool example_fits(const stub_schema *s, const json_value *v, int depth)
{
    s = concrete(s);
    if (!s || !v || depth > 6) return true;
    if (v->type == JSON_NULL) return s->nullable || s->type == SCH_NULL || s->type == SCH_ANY;
    if (s->enum_values && (v->type == JSON_STRING || v->type == JSON_NUMBER) && !enum_has(s->enum_values, v->str))
        return false;
    switch (s->type) {
    case SCH_ANY: return true;
    case SCH_NULL: return false;
    case SCH_BOOLEAN: return v->type == JSON_TRUE || v->type == JSON_FALSE;
    case SCH_NUMBER: return v->type == JSON_NUMBER;
    case SCH_INTEGER: return v->type == JSON_NUMBER && !strpbrk(v->str, ".eE");
    case SCH_STRING:
        if (v->type != JSON_STRING) return false;
        if (s->min_length >= 0 && (int64_t)v->len < s->min_length) return false;
        if (s->max_length >= 0 && (int64_t)v->len > s->max_length) return false;
        return format_fits(s->format, v->str) && (!s->pattern || pattern_matches(s->pattern, v->str) != 0);
    case SCH_ARRAY:
        if (v->type != JSON_ARRAY) return false;
        if ((s->min_items >= 0 && (int64_t)v->len < s->min_items) || (s->max_items >= 0 && (int64_t)v->len > s->max_items))
            return false;
        json_foreach(item, v) if (s->items && !example_fits(s->items, item, depth + 1)) return false;
        return true;
    case SCH_OBJECT:
        if (v->type != JSON_OBJECT) return false;
        for (size_t i = 0; i < s->n_props; i++) {
            const json_value *m = json_get(v, s->props[i].name);
            if (!m && s->props[i].required) return false;
            if (m && !example_fits(s->props[i].schema, m, depth + 1)) return false;
        }
        return true;
    }
    return true;
}

static void gen_value(gen *g, const stub_schema *s, int depth, const char *key)
{
    s = concrete(s);
    g->budget--;
    if (!s || depth >= HARD_DEPTH) {
        if (s) gen_minimal(g, s);
        else jw_null(&g->w);
        return;
    }
    if (s->example && example_fits(s, s->example, 0)) return jw_value(&g->w, s->example);
    if (s->enum_values) return jw_value(&g->w, json_at(s->enum_values, next(g) % s->enum_values->len));
    switch (s->type) {
    case SCH_OBJECT:
    case SCH_ANY:
        jw_object_begin(&g->w);
        gen_properties(g, s, depth, NULL);
        jw_object_end(&g->w);
        break;
    case SCH_ARRAY: gen_array(g, s, depth); break;
    case SCH_STRING: gen_string(g, s, key); break;
    case SCH_INTEGER: gen_integer(g, s); break;
    case SCH_NUMBER: gen_number(g, s); break;
    case SCH_BOOLEAN: jw_bool(&g->w, next(g) & 1); break;
    case SCH_NULL: jw_null(&g->w); break;
    }
}

static void write_markers(gen *g)
{
    jw_kv_bool(&g->w, "_twin_stub", true);
    jw_kv_string(&g->w, "_twin_warning", g->o->warning);
    if (g->o->flavor == STUB_FLAVOR_SLACK) jw_kv_bool(&g->w, "ok", true);
}

static void gen_top_object(gen *g, const stub_schema *s)
{
    jw_object_begin(&g->w);
    write_markers(g);
    /* Slack's "ok" was written with the markers; the schema's own is skipped. */
    const char *skip = g->o->flavor == STUB_FLAVOR_SLACK ? "ok" : NULL;
    if (!s->n_props && s->example && s->example->type == JSON_OBJECT) {
        json_foreach(m, s->example) {
            if (skip && !strcmp(m->key, skip)) continue;
            jw_keyn(&g->w, m->key, m->key_len);
            jw_value(&g->w, m);
        }
    } else {
        gen_properties(g, s, 0, skip);
    }
    jw_object_end(&g->w);
}

void stub_generate(const stub_schema *schema, const stub_gen_opts *o, buf *out)
{
    gen g = {.rng = o->seed, .budget = NODE_BUDGET, .o = o};
    jw_init(&g.w, out);
    const stub_schema *s = concrete(schema);
    if (!s || s->type == SCH_OBJECT || (s->type == SCH_ANY && !s->example)) {
        static const stub_schema empty = {.type = SCH_OBJECT};
        gen_top_object(&g, s ? s : &empty);
        return;
    }
    if (o->bare_arrays) {
        gen_value(&g, s, 1, NULL);
        return;
    }
    jw_object_begin(&g.w);
    write_markers(&g);
    jw_key(&g.w, "data");
    gen_value(&g, s, 1, NULL);
    jw_object_end(&g.w);
}

uint64_t stub_hash(const char *const *parts, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        for (const unsigned char *p = (const unsigned char *)(parts[i] ? parts[i] : ""); *p; p++)
            h = (h ^ *p) * 0x100000001b3ULL;
        h = (h ^ 0) * 0x100000001b3ULL;
    }
    return h;
}
