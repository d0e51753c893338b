#include "engine/seed_schema.h"

#include <math.h>
#include <string.h>

/* ---- type checks ---- */

/* JSON Schema counts 1.0 as an integer; exponents like 1e3 too. */
static bool is_integer(const json_value *v)
{
    int64_t n;
    if (json_int64(v, &n)) return true;
    double d;
    return json_double(v, &d) && isfinite(d) && floor(d) == d;
}

static bool type_matches(const json_value *v, const char *type)
{
    switch (v->type) {
    case JSON_NULL: return strcmp(type, "null") == 0;
    case JSON_TRUE:
    case JSON_FALSE: return strcmp(type, "boolean") == 0;
    case JSON_STRING: return strcmp(type, "string") == 0;
    case JSON_ARRAY: return strcmp(type, "array") == 0;
    case JSON_OBJECT: return strcmp(type, "object") == 0;
    case JSON_NUMBER: return strcmp(type, "number") == 0 || (strcmp(type, "integer") == 0 && is_integer(v));
    }
    return false;
}

/* ---- failure messages ---- */

typedef struct vctx {
    arena *a;
    const char **detail;
} vctx;

static bool fail(vctx *c, const char *path, const char *what)
{
    *c->detail = arena_printf(c->a, "%s: %s", path, what);
    return false;
}

static const char *child_path(vctx *c, const char *path, const char *key)
{
    return arena_printf(c->a, "%s.%s", path, key);
}

static const char *index_path(vctx *c, const char *path, size_t i)
{
    return arena_printf(c->a, "%s[%zu]", path, i);
}

/* "expected string" / "expected object or string". */
static bool check_type(vctx *c, const json_value *schema, const json_value *v, const char *path)
{
    const json_value *t = json_get(schema, "type");
    if (!t) return true;
    if (t->type == JSON_STRING) return type_matches(v, t->str) ? true : fail(c, path, arena_printf(c->a, "expected %s", t->str));
    if (t->type != JSON_ARRAY) return true;
    buf names = BUF_INIT;
    bool ok = false;
    json_foreach(name, t) {
        if (name->type != JSON_STRING) continue;
        if (type_matches(v, name->str)) ok = true;
        if (names.len) buf_puts(&names, name->next ? ", " : " or ");
        buf_puts(&names, name->str);
    }
    if (!ok) fail(c, path, arena_printf(c->a, "expected %s", buf_cstr(&names)));
    buf_free(&names);
    return ok;
}

static bool check_enum(vctx *c, const json_value *schema, const json_value *v, const char *path)
{
    const json_value *e = json_get(schema, "enum");
    if (!e || e->type != JSON_ARRAY) return true;
    json_foreach(choice, e)
        if (json_equal(choice, v)) return true;
    buf list = BUF_INIT;
    json_foreach(choice, e) {
        if (list.len) buf_puts(&list, ", ");
        json_write(&list, choice);
    }
    fail(c, path, arena_printf(c->a, "must be one of %s", buf_cstr(&list)));
    buf_free(&list);
    return false;
}

/* ---- per-type keywords ---- */

static size_t utf8_code_points(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) count++;
    return count;
}

static bool limit(const json_value *schema, const char *key, double *out)
{
    return json_double(json_get(schema, key), out);
}

static bool check_string(vctx *c, const json_value *schema, const json_value *v, const char *path)
{
    double lim;
    size_t n = utf8_code_points(v->str, v->len);
    if (limit(schema, "minLength", &lim) && (double)n < lim)
        return fail(c, path, arena_printf(c->a, "must be at least %.0f characters long", lim));
    if (limit(schema, "maxLength", &lim) && (double)n > lim)
        return fail(c, path, arena_printf(c->a, "must be at most %.0f characters long", lim));
    return true;
}

static bool check_number(vctx *c, const json_value *schema, const json_value *v, const char *path)
{
    double d, lim;
    if (!json_double(v, &d)) return fail(c, path, "expected a finite number");
    if (limit(schema, "minimum", &lim) && d < lim) return fail(c, path, arena_printf(c->a, "must be >= %g", lim));
    if (limit(schema, "maximum", &lim) && d > lim) return fail(c, path, arena_printf(c->a, "must be <= %g", lim));
    return true;
}

static bool validate(vctx *c, const json_value *schema, const json_value *v, const char *path);

static bool check_array(vctx *c, const json_value *schema, const json_value *v, const char *path)
{
    double lim;
    if (limit(schema, "minItems", &lim) && (double)v->len < lim)
        return fail(c, path, arena_printf(c->a, "must have at least %.0f items", lim));
    if (limit(schema, "maxItems", &lim) && (double)v->len > lim)
        return fail(c, path, arena_printf(c->a, "must have at most %.0f items", lim));
    const json_value *items = json_get(schema, "items");
    if (!items || items->type != JSON_OBJECT) return true;
    size_t i = 0;
    json_foreach(item, v) {
        if (!validate(c, items, item, index_path(c, path, i))) return false;
        i++;
    }
    return true;
}

static bool check_object(vctx *c, const json_value *schema, const json_value *v, const char *path)
{
    const json_value *props = json_get(schema, "properties");
    json_foreach(req, json_get(schema, "required"))
        if (req->type == JSON_STRING && !json_get(v, req->str))
            return fail(c, child_path(c, path, req->str), "is required");
    const json_value *extra = json_get(schema, "additionalProperties");
    json_foreach(member, v) {
        const char *p = child_path(c, path, member->key);
        const json_value *sub = json_get(props, member->key);
        if (sub) {
            if (!validate(c, sub, member, p)) return false;
        } else if (extra && extra->type == JSON_FALSE) {
            return fail(c, p, "unknown field");
        } else if (extra && extra->type == JSON_OBJECT) {
            if (!validate(c, extra, member, p)) return false;
        }
    }
    return true;
}

static bool validate(vctx *c, const json_value *schema, const json_value *v, const char *path)
{
    if (!schema || schema->type != JSON_OBJECT) return true;   /* true / {} accept anything */
    if (!check_type(c, schema, v, path) || !check_enum(c, schema, v, path)) return false;
    switch (v->type) {
    case JSON_STRING: return check_string(c, schema, v, path);
    case JSON_NUMBER: return check_number(c, schema, v, path);
    case JSON_ARRAY: return check_array(c, schema, v, path);
    case JSON_OBJECT: return check_object(c, schema, v, path);
    default: return true;
    }
}

bool seed_schema_validate(const json_value *schema, const json_value *v, const char *path, arena *a,
                          const char **detail)
{
    vctx c = {.a = a, .detail = detail};
    return validate(&c, schema, v, path);
}

bool seed_schema_validate_text(const char *schema_text, const json_value *v, const char *path, arena *a,
                               const char **detail)
{
    if (!schema_text) {
        if (v->type == JSON_OBJECT) return true;
        *detail = arena_printf(a, "%s: expected object", path);
        return false;
    }
    json_error err;
    json_value *schema = json_parse(a, schema_text, strlen(schema_text), &err);
    if (!schema) {
        *detail = arena_printf(a, "%s: the twin's seed schema is not valid JSON (%s)", path, err.message);
        return false;
    }
    return seed_schema_validate(schema, v, path, a, detail);
}
