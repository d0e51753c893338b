#include "engine/scopes.h"

#include <string.h>

#include "util/buf.h"

scope_set *scopes_parse(arena *a, const char *list)
{
    scope_set *s = arena_zalloc(a, sizeof *s);
    if (!list) return s;
    const char *p = list;
    while (*p) {
        p += strspn(p, ", \t");
        size_t n = strcspn(p, ", \t");
        if (n) scopes_add(a, s, arena_strndup(a, p, n));
        p += n;
    }
    return s;
}

scope_set *scopes_from_json(arena *a, const json_value *v)
{
    if (v && v->type == JSON_STRING) return scopes_parse(a, v->str);
    scope_set *s = arena_zalloc(a, sizeof *s);
    if (v && v->type == JSON_ARRAY)
        json_foreach(item, v) if (item->type == JSON_STRING) scopes_add(a, s, item->str);
    return s;
}

bool scopes_has(const scope_set *s, const char *scope)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->items[i], "*") == 0 || strcmp(s->items[i], scope) == 0) return true;
    return false;
}

static bool holds_exactly(const scope_set *s, const char *scope)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->items[i], scope) == 0) return true;
    return false;
}

void scopes_add(arena *a, scope_set *s, const char *scope)
{
    if (holds_exactly(s, scope)) return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        const char **items = arena_alloc(a, cap * sizeof *items);
        if (s->n) memcpy(items, s->items, s->n * sizeof *items);
        s->items = items;
        s->cap = cap;
    }
    s->items[s->n++] = scope;
}

void scopes_expand(arena *a, scope_set *s, const scope_rule *rules, size_t n_rules)
{
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t r = 0; r < n_rules; r++) {
            if (!holds_exactly(s, rules[r].parent)) continue;
            for (const char *const *c = rules[r].children; *c; c++) {
                if (holds_exactly(s, *c)) continue;
                scopes_add(a, s, *c);
                grew = true;
            }
        }
    }
}

void scopes_disable(scope_set *s, const json_value *disabled)
{
    if (!disabled || disabled->type != JSON_ARRAY) return;
    size_t kept = 0;
    for (size_t i = 0; i < s->n; i++) {
        bool drop = false;
        json_foreach(d, disabled) if (d->type == JSON_STRING && strcmp(d->str, s->items[i]) == 0) drop = true;
        if (!drop) s->items[kept++] = s->items[i];
    }
    s->n = kept;
}

void scopes_effective(arena *a, scope_set *s, const scope_rule *rules, size_t n_rules, const json_value *disabled)
{
    scopes_disable(s, disabled);
    scopes_expand(a, s, rules, n_rules);
    scopes_disable(s, disabled);
}

bool scopes_has_any(const scope_set *s, const char *const *accepted)
{
    for (const char *const *x = accepted; *x; x++)
        if (scopes_has(s, *x)) return true;
    return false;
}

char *scopes_join(arena *a, const scope_set *s, const char *sep)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < s->n; i++) {
        if (i) buf_puts(&b, sep);
        buf_puts(&b, s->items[i]);
    }
    char *out = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return out;
}

json_value *scopes_to_json(arena *a, const scope_set *s)
{
    json_value *arr = json_array(a);
    for (size_t i = 0; i < s->n; i++) json_push(arr, json_string(a, s->items[i]));
    return arr;
}

scope_set *scopes_ancestors(arena *a, const char *scope, const scope_rule *rules, size_t n_rules)
{
    scope_set *acc = scopes_parse(a, "");
    scopes_add(a, acc, scope);
    /* Until nothing changes: a parent's parent grants the scope too. */
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t i = 0; i < n_rules; i++) {
            if (holds_exactly(acc, rules[i].parent)) continue;
            for (const char *const *c = rules[i].children; *c; c++) {
                if (!holds_exactly(acc, *c)) continue;
                scopes_add(a, acc, rules[i].parent);
                grew = true;
                break;
            }
        }
    }
    return acc;
}
