/* Schema -> sample JSON, deterministic in the seed.
 *
 * Size is bounded two ways: optional properties stop below OPTIONAL_DEPTH or
 * once NODE_BUDGET values were written (then only required ones), and
 * nothing recurses below HARD_DEPTH (self-referencing required properties
 * end there in their smallest valid form). */
#include <stdio.h>
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

/* Writes the echoed value when the schema can hold it; false otherwise. */
static bool write_echo(gen *g, const stub_schema *s, const char *value)
{
    if (s->type == SCH_STRING || s->type == SCH_ANY) {
        jw_string(&g->w, value);
        return true;
    }
    if ((s->type == SCH_INTEGER || s->type == SCH_NUMBER) && all_digits(value) && strlen(value) < 19) {
        jw_raw(&g->w, value, strlen(value));
        return true;
    }
    return false;
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

static bool from_pattern(gen *g, const char *pattern, char *out)
{
    size_t len = 0;
    const char *p = pattern;
    if (*p == '^') p++;
    while (*p && !(p[0] == '$' && p[1] == '\0')) {
        char set[128];
        size_t n = 0;
        if (strchr("()|", *p)) return false;
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
        int lo, hi;
        quantifier(&p, &lo, &hi);
        int count = lo + (hi > lo ? (int)(next(g) % (uint64_t)(hi - lo + 1)) : 0);
        for (int i = 0; i < count; i++) {
            if (len >= PATTERN_MAX) return false;
            out[len++] = set[next(g) % n];
        }
    }
    out[len] = '\0';
    return true;
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

static void gen_array(gen *g, const stub_schema *s, int depth)
{
    int64_t n = depth < OPTIONAL_DEPTH && g->budget > 0 ? 1 + (int64_t)(next(g) % 3) : 0;
    if (s->min_items > n) n = s->min_items;
    if (s->max_items >= 0 && n > s->max_items) n = s->max_items;
    if (n > 3 && s->min_items <= 3) n = 3;
    /* items from an enum or a fixed example would repeat (uniqueItems) */
    const stub_schema *item = concrete(s->items);
    if (item && (item->enum_values || item->example) && n > 1 && s->min_items <= 1) n = 1;
    jw_array_begin(&g->w);
    for (int64_t i = 0; i < n; i++) gen_value(g, s->items, depth + 1, NULL);
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

/* oneOf/anyOf without a type of their own: the first alternative stands in. */
static const stub_schema *concrete(const stub_schema *s)
{
    for (int hops = 0; s && s->type == SCH_ANY && s->n_branches && !s->n_props && hops < 8; hops++)
        s = s->branches[0];
    return s;
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
    if (s->example) return jw_value(&g->w, s->example);
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
