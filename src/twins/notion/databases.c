/* Notion twin: databases, data sources (schemas), page property values,
 * queries with filters and sorts, and search. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "twins/notion/notion.h"
#include "util/map.h"
#include "util/util.h"

static const char *const prop_types[] = {
    "title", "rich_text", "number", "select", "multi_select", "status", "checkbox", "date", "url", "email",
    "phone_number", "people", "files", "relation", "created_time", "created_by", "last_edited_time",
    "last_edited_by", "formula", "rollup", "unique_id", "button", "verification", "place", NULL};

static bool known_type(const char *t)
{
    for (size_t i = 0; prop_types[i]; i++)
        if (str_eq(prop_types[i], t)) return true;
    return false;
}

json_value *nt_ds_find(twin_ctx *ctx, const char *id)
{
    json_value *d = id ? twin_doc_get(ctx, "data_sources", id) : NULL;
    return d && json_truthy(json_get(d, "_shared")) ? d : NULL;
}

json_value *nt_db_find(twin_ctx *ctx, const char *id)
{
    json_value *d = id ? twin_doc_get(ctx, "databases", id) : NULL;
    return d && json_truthy(json_get(d, "_shared")) ? d : NULL;
}

void nt_ds_save(twin_ctx *ctx, const json_value *ds)
{
    nt_save(ctx, "data_sources", ds, "database", json_get_str(ds, "database_id"));
}

static void db_save(twin_ctx *ctx, const json_value *db)
{
    const json_value *p = json_get(db, "_parent");
    const char *t = json_get_str(p, "type");
    nt_save(ctx, "databases", db, "parent", str_eq(t, "workspace") ? "workspace" : json_get_str(p, t));
}

/* ---- schemas ---- */

static json_value *find_prop(const json_value *schema, const char *key)
{
    json_foreach(p, schema) if (str_eq(p->key, key)) return p;
    json_foreach(p, schema) if (str_eq(json_get_str(p, "id"), key)) return p;
    return NULL;
}

static json_value *new_option(twin_ctx *ctx, const char *owner, const char *name, const char *color)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    char tok[12];
    derive_token(tok, 8, ctx->twin, owner, name, 1);
    json_set_str(a, o, "id", tok);
    json_set_str(a, o, "name", name);
    json_set_str(a, o, "color", color ? color : "default");
    json_set_null(a, o, "description");
    return o;
}

json_value *nt_schema_build(twin_ctx *ctx, const char *owner, const json_value *in, json_value *into, const char **err)
{
    arena *a = ctx->a;
    json_value *schema = into ? json_clone(a, into) : json_object(a);
    if (in && in->type != JSON_OBJECT) {
        *err = "body failed validation: body.properties should be an object.";
        return NULL;
    }
    json_foreach(m, in) {
        json_value *old = find_prop(schema, m->key);
        if (json_is_null(m)) {
            if (!old) {
                *err = arena_printf(a, "%s is not a property that exists.", m->key);
                return NULL;
            }
            if (str_eq(json_get_str(old, "type"), "title")) {
                *err = "Cannot delete the title property.";
                return NULL;
            }
            json_remove(schema, old->key);
            continue;
        }
        if (m->type != JSON_OBJECT) {
            *err = arena_printf(a, "body failed validation: body.properties.%s should be an object.", m->key);
            return NULL;
        }
        const char *type = json_get_str(m, "type");
        if (!type) json_foreach(x, m) if (known_type(x->key)) type = x->key;
        const char *name = json_get_str(m, "name");
        if (!type && old) {
            if (name) {   /* rename */
                json_value *c = json_clone(a, old);
                json_set_str(a, c, "name", name);
                json_remove(schema, old->key);
                json_set(a, schema, name, c);
            }
            continue;
        }
        if (!type || !known_type(type)) {
            *err = arena_printf(a, "body failed validation: body.properties.%s should define a supported property type.", m->key);
            return NULL;
        }
        if (!name) name = old ? json_get_str(old, "name") : m->key;
        json_value *p = json_object(a);
        const char *pid = old ? json_get_str(old, "id") : str_eq(type, "title") ? "title" : nt_prop_id(ctx, owner, m->key);
        json_set_str(a, p, "id", pid);
        json_set_str(a, p, "name", name);
        json_set_str(a, p, "type", type);
        json_value *cfg = json_get(m, type);
        json_value *c = cfg && cfg->type == JSON_OBJECT ? json_clone(a, cfg) : json_object(a);
        if (str_eq(type, "select") || str_eq(type, "multi_select") || str_eq(type, "status")) {
            json_value *opts = json_array(a);
            json_foreach(o, json_get(cfg, "options")) {
                const char *on = json_get_str(o, "name");
                if (on) json_push(opts, new_option(ctx, owner, on, json_get_str(o, "color")));
            }
            json_set(a, c, "options", opts);
        }
        if (str_eq(type, "number") && !json_get(c, "format")) json_set_str(a, c, "format", "number");
        json_set(a, p, type, c);
        if (old) json_remove(schema, old->key);
        json_set(a, schema, name, p);
    }
    int titles = 0;
    json_foreach(p, schema) titles += str_eq(json_get_str(p, "type"), "title");
    if (titles != 1) {
        *err = titles ? "A data source can have only one title property." : "Title property is required.";
        return NULL;
    }
    return schema;
}

/* ---- property values ---- */

static json_value *empty_value(arena *a, const char *type)
{
    if (str_eq(type, "title") || str_eq(type, "rich_text") || str_eq(type, "multi_select") || str_eq(type, "people") ||
        str_eq(type, "files") || str_eq(type, "relation"))
        return json_array(a);
    if (str_eq(type, "checkbox")) return json_bool(a, false);
    return json_null(a);
}

static json_value *option_for(twin_ctx *ctx, json_value *prop, const json_value *in, bool create, const char *path,
                              const char **err)
{
    arena *a = ctx->a;
    const char *type = json_get_str(prop, "type");
    json_value *cfg = json_get(prop, type);
    json_value *opts = json_get(cfg, "options");
    if (!opts) {
        opts = json_array(a);
        json_set(a, cfg, "options", opts);
    }
    const char *name = json_get_str(in, "name"), *id = json_get_str(in, "id");
    if (in && in->type == JSON_STRING) name = in->str;
    json_foreach(o, opts) if ((name && str_eq(json_get_str(o, "name"), name)) || (id && str_eq(json_get_str(o, "id"), id)))
        return json_clone(a, o);
    if (!name || !create) {
        *err = name ? arena_printf(a, "Invalid status option. Status option \"%s\" does not exist for %s.", name, path)
                    : arena_printf(a, "body failed validation: %s should be an object with name or id.", path);
        if (id && !name) *err = arena_printf(a, "Select option id %s does not exist for %s.", id, path);
        return NULL;
    }
    if (strchr(name, ',')) {
        *err = arena_printf(a, "Select option names cannot contain commas (%s).", path);
        return NULL;
    }
    json_value *o = new_option(ctx, json_get_str(prop, "id"), name, json_get_str(in, "color"));
    json_push(opts, o);
    return json_clone(a, o);
}

/* One property value: v is the API input ({"number": 3} or the bare payload). */
static json_value *value_of(twin_ctx *ctx, json_value *prop, const json_value *v, const char *path, const char **err)
{
    arena *a = ctx->a;
    const char *type = json_get_str(prop, "type");
    const json_value *x = v && v->type == JSON_OBJECT && json_get(v, type) ? json_get(v, type) : v;
    if (v && v->type == JSON_OBJECT && !json_get(v, type)) {
        const char *given = json_get_str(v, "type");
        json_foreach(m, v) if (!given && known_type(m->key)) given = m->key;
        if (given && !str_eq(given, type)) {
            *err = arena_printf(a, "%s is expected to be %s.", path + strlen("body.properties."), type);
            return NULL;
        }
    }
    const char *sx = x ? json_to_string(a, x, NULL) : "undefined";
    if (str_eq(type, "title") || str_eq(type, "rich_text")) {
        if (x && x->type == JSON_STRING) return nt_text(a, x->str);
        return nt_rich_text(ctx, x, arena_printf(a, "%s.%s", path, type), err);
    }
    if (x && json_is_null(x)) {
        if (str_eq(type, "checkbox")) {
            *err = arena_printf(a, "body failed validation: %s.checkbox should be a boolean, instead was `null`.", path);
            return NULL;
        }
        return empty_value(a, type);
    }
    if (str_eq(type, "number")) {
        if (!x || x->type != JSON_NUMBER) {
            *err = arena_printf(a, "body failed validation: %s.number should be a number or `null`, instead was `%s`.", path, sx);
            return NULL;
        }
        return json_clone(a, x);
    }
    if (str_eq(type, "checkbox")) {
        if (!json_is_bool(x)) {
            *err = arena_printf(a, "body failed validation: %s.checkbox should be a boolean, instead was `%s`.", path, sx);
            return NULL;
        }
        return json_clone(a, x);
    }
    if (str_eq(type, "select") || str_eq(type, "status")) {
        if (!x || (x->type != JSON_OBJECT && x->type != JSON_STRING)) {
            *err = arena_printf(a, "body failed validation: %s.%s should be an object or `null`, instead was `%s`.", path, type, sx);
            return NULL;
        }
        return option_for(ctx, prop, x, str_eq(type, "select"), path, err);
    }
    /* Notion's request limits on list-valued properties */
    bool listy = str_eq(type, "multi_select") || str_eq(type, "people") || str_eq(type, "relation");
    if (listy && x && x->type == JSON_ARRAY && x->len > 100) {
        *err = arena_printf(a, "body failed validation: %s.%s.length should be ≤ `100`, instead was `%u`.", path, type, x->len);
        return NULL;
    }
    if (str_eq(type, "multi_select")) {
        if (!x || x->type != JSON_ARRAY) {
            *err = arena_printf(a, "body failed validation: %s.multi_select should be an array, instead was `%s`.", path, sx);
            return NULL;
        }
        json_value *out = json_array(a);
        json_foreach(o, x) {
            json_value *opt = option_for(ctx, prop, o, true, path, err);
            if (!opt) return NULL;
            json_push(out, opt);
        }
        return out;
    }
    if (str_eq(type, "date")) {
        const char *start = x && x->type == JSON_STRING ? x->str : json_get_str(x, "start");
        int64_t ms = start ? parse_iso8601_ms(strlen(start) == 10 ? arena_printf(a, "%sT00:00:00Z", start) : start) : -1;
        if (ms < 0) {
            *err = arena_printf(a, "body failed validation: %s.date.start should be a valid ISO 8601 date string, instead was `%s`.",
                                path, start ? start : sx);
            return NULL;
        }
        json_value *d = json_object(a);
        json_set_str(a, d, "start", start);
        json_value *end = x->type == JSON_OBJECT ? json_get(x, "end") : NULL;
        json_set(a, d, "end", end ? json_clone(a, end) : json_null(a));
        json_value *tz = x->type == JSON_OBJECT ? json_get(x, "time_zone") : NULL;
        json_set(a, d, "time_zone", tz ? json_clone(a, tz) : json_null(a));
        return d;
    }
    if (str_eq(type, "url") || str_eq(type, "email") || str_eq(type, "phone_number")) {
        if (!x || x->type != JSON_STRING) {
            *err = arena_printf(a, "body failed validation: %s.%s should be a string or `null`, instead was `%s`.", path, type, sx);
            return NULL;
        }
        size_t max = str_eq(type, "url") ? 2000 : 200, n = nt_text_length(x->str);
        if (n > max) {
            *err = arena_printf(a, "body failed validation: %s.%s.length should be ≤ `%zu`, instead was `%zu`.", path, type, max, n);
            return NULL;
        }
        if (str_eq(type, "email") && *x->str && !strchr(x->str, '@')) {
            *err = arena_printf(a, "body failed validation: %s.email should be a valid email, instead was `%s`.", path, sx);
            return NULL;
        }
        return json_clone(a, x);
    }
    if (str_eq(type, "created_time") || str_eq(type, "last_edited_time") || str_eq(type, "created_by") ||
        str_eq(type, "last_edited_by") || str_eq(type, "formula") || str_eq(type, "rollup") || str_eq(type, "unique_id")) {
        *err = arena_printf(a, "%s is a read-only property and cannot be set.", path + strlen("body.properties."));
        return NULL;
    }
    return x ? json_clone(a, x) : empty_value(a, type);
}

static json_value *render_value(arena *a, const json_value *prop, json_value *val)
{
    json_value *o = json_object(a);
    const char *type = json_get_str(prop, "type");
    json_set_str(a, o, "id", json_get_str(prop, "id"));
    json_set_str(a, o, "type", type);
    json_set(a, o, type, val);
    return o;
}

json_value *nt_values(twin_ctx *ctx, json_value *ds, const json_value *in, json_value *into, const char **err)
{
    arena *a = ctx->a;
    json_value *schema = json_get(ds, "properties");
    json_value *out = json_object(a);
    /* every schema property, in schema order, starting from the old values */
    json_foreach(p, schema) {
        json_value *old = NULL;
        json_foreach(v, into) if (str_eq(json_get_str(v, "id"), json_get_str(p, "id"))) old = v;
        const char *type = json_get_str(p, "type");
        json_value *val = old && str_eq(json_get_str(old, "type"), type) ? json_clone(a, json_get(old, type)) : empty_value(a, type);
        json_set(a, out, p->key, render_value(a, p, val));
    }
    json_foreach(m, in) {
        json_value *p = find_prop(schema, m->key);
        if (!p) {
            *err = arena_printf(a, "%s is not a property that exists.", m->key);
            return NULL;
        }
        json_value *val = value_of(ctx, p, m, arena_printf(a, "body.properties.%s", p->key), err);
        if (!val) return NULL;
        json_set(a, out, p->key, render_value(a, p, val));
    }
    return out;
}

/* ---- objects ---- */

/* A document by id from the ones a list already loaded (loaded may be
 * NULL), else from the store. */
static json_value *doc_from(twin_ctx *ctx, const map *loaded, const char *collection, const char *id)
{
    json_value *d = loaded && id ? map_get(loaded, id) : NULL;
    return d ? d : twin_doc_get(ctx, collection, id);
}

/* dbs: databases already loaded (by id), or NULL. */
static json_value *ds_json(twin_ctx *ctx, const json_value *ds, const map *dbs)
{
    arena *a = ctx->a;
    json_value *db = doc_from(ctx, dbs, "databases", json_get_str(ds, "database_id"));
    json_value *o = json_object(a), *parent = json_object(a);
    const char *id = json_get_str(ds, "id");
    json_set_str(a, o, "object", "data_source");
    json_set_str(a, o, "id", id);
    static const char *const copy[] = {"created_time", "last_edited_time", "created_by", "last_edited_by", "title",
                                       "description", "properties", NULL};
    for (size_t i = 0; copy[i]; i++) json_set(a, o, copy[i], json_clone(a, json_get(ds, copy[i])));
    json_set_str(a, parent, "type", "database_id");
    json_set_str(a, parent, "database_id", json_get_str(ds, "database_id"));
    json_set(a, o, "parent", parent);
    json_set(a, o, "database_parent", json_clone(a, json_get(db, "_parent")));
    bool trash = json_truthy(json_get(ds, "in_trash")) || json_truthy(json_get(db, "in_trash"));
    json_set_bool(a, o, "archived", trash);
    json_set_bool(a, o, "in_trash", trash);
    json_set_bool(a, o, "is_inline", json_truthy(json_get(db, "is_inline")));
    json_set(a, o, "icon", json_clone(a, json_get(db, "icon")));
    json_set(a, o, "cover", json_clone(a, json_get(db, "cover")));
    json_set_str(a, o, "url", nt_url(ctx, nt_plain(a, json_get(ds, "title")), id));
    json_set_null(a, o, "public_url");
    return o;
}

/* dss: data sources already loaded (by id), or NULL. */
static json_value *db_json(twin_ctx *ctx, const json_value *db, const map *dss)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    const char *id = json_get_str(db, "id");
    json_set_str(a, o, "object", "database");
    json_set_str(a, o, "id", id);
    static const char *const copy[] = {"created_time", "last_edited_time", "created_by", "last_edited_by", "title",
                                       "description", "icon", "cover", NULL};
    for (size_t i = 0; copy[i]; i++) json_set(a, o, copy[i], json_clone(a, json_get(db, copy[i])));
    json_set(a, o, "parent", json_clone(a, json_get(db, "_parent")));
    bool trash = json_truthy(json_get(db, "in_trash"));
    json_set_bool(a, o, "archived", trash);
    json_set_bool(a, o, "in_trash", trash);
    json_set_bool(a, o, "is_inline", json_truthy(json_get(db, "is_inline")));
    json_set_bool(a, o, "is_locked", false);
    if (nt_new_api(ctx)) {
        json_value *list = json_array(a);
        json_foreach(d, json_get(db, "data_sources")) {
            json_value *ds = doc_from(ctx, dss, "data_sources", json_get_str(d, "id"));
            json_value *e = json_object(a);
            json_set_str(a, e, "id", json_get_str(d, "id"));
            json_set_str(a, e, "name", nt_plain(a, json_get(ds, "title")));
            json_push(list, e);
        }
        json_set(a, o, "data_sources", list);
    } else {
        json_value *first = json_get(db, "data_sources") ? json_get(db, "data_sources")->first : NULL;
        json_value *ds = first ? doc_from(ctx, dss, "data_sources", json_get_str(first, "id")) : NULL;
        json_set(a, o, "properties", ds ? json_clone(a, json_get(ds, "properties")) : json_object(a));
    }
    json_set_str(a, o, "url", nt_url(ctx, nt_plain(a, json_get(db, "title")), id));
    json_set_null(a, o, "public_url");
    return o;
}

static json_value *ds_insert(twin_ctx *ctx, const char *db_id, const json_value *title, json_value *schema, bool shared,
                             const char *id)
{
    arena *a = ctx->a;
    json_value *ds = json_object(a);
    json_set_str(a, ds, "id", id);
    json_set_str(a, ds, "database_id", db_id);
    nt_stamp(ctx, ds, true);
    json_set(a, ds, "title", json_clone(a, title));
    json_set(a, ds, "description", json_array(a));
    json_set(a, ds, "properties", schema);
    json_set_bool(a, ds, "in_trash", false);
    json_set_bool(a, ds, "_shared", shared);
    nt_ds_save(ctx, ds);
    return ds;
}

json_value *nt_db_insert(twin_ctx *ctx, const json_value *parent, const json_value *title, json_value *schema,
                         bool inline_db, const json_value *icon, bool shared, json_value **ds_out)
{
    arena *a = ctx->a;
    json_value *db = json_object(a);
    const char *id = nt_uuid(ctx), *ds_id = nt_uuid(ctx);
    json_set_str(a, db, "id", id);
    nt_stamp(ctx, db, true);
    json_set(a, db, "title", json_clone(a, title));
    json_set(a, db, "description", json_array(a));
    json_set(a, db, "icon", icon ? json_clone(a, icon) : json_null(a));
    json_set(a, db, "cover", json_null(a));
    json_set(a, db, "_parent", json_clone(a, parent));
    json_set_bool(a, db, "is_inline", inline_db);
    json_set_bool(a, db, "in_trash", false);
    json_value *list = json_array(a), *e = json_object(a);
    json_set_str(a, e, "id", ds_id);
    json_push(list, e);
    json_set(a, db, "data_sources", list);
    json_set_bool(a, db, "_shared", shared);
    db_save(ctx, db);
    /* schema ids were derived from a placeholder owner; fine, they only need to be stable */
    *ds_out = ds_insert(ctx, id, title, schema, shared, ds_id);
    /* the child_database block in the parent page */
    if (str_eq(json_get_str(parent, "type"), "page_id")) {
        json_value *b = json_object(a), *cd = json_object(a);
        json_set_str(a, b, "object", "block");
        json_set_str(a, b, "id", id);
        json_set(a, b, "parent", json_clone(a, parent));
        nt_stamp(ctx, b, true);
        json_set_bool(a, b, "has_children", false);
        json_set_bool(a, b, "archived", false);
        json_set_bool(a, b, "in_trash", false);
        json_set_str(a, b, "type", "child_database");
        json_set_str(a, b, "_page", json_get_str(parent, "page_id"));
        json_set_str(a, cd, "title", nt_plain(a, title));
        json_set(a, b, "child_database", cd);
        nt_save(ctx, "blocks", b, "parent", json_get_str(parent, "page_id"));
    }
    return db;
}

static json_value *db_parent_arg(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *in = json_get(ctx->body, "parent");
    if (!in || in->type != JSON_OBJECT) {
        nt_invalid(ctx, "body failed validation: body.parent should be defined, instead was `undefined`.");
        return NULL;
    }
    json_value *p = json_object(a);
    const char *raw = json_get_str(in, "page_id");
    if (raw) {
        const char *id = nt_body_id(ctx, raw, "body.parent.page_id");
        if (!id) return NULL;
        if (!nt_page_get(ctx, id)) {
            nt_not_found(ctx, "page", raw);
            return NULL;
        }
        json_set_str(a, p, "type", "page_id");
        json_set_str(a, p, "page_id", id);
        return p;
    }
    if (json_truthy(json_get(in, "workspace"))) {
        json_set_str(a, p, "type", "workspace");
        json_set_bool(a, p, "workspace", true);
        return p;
    }
    nt_invalid(ctx, "body failed validation: body.parent.page_id should be defined, instead was `undefined`.");
    return NULL;
}

static json_value *title_arg(twin_ctx *ctx, const char *field, bool *bad)
{
    json_value *t = json_get(ctx->body, field);
    *bad = false;
    if (!t) return NULL;
    const char *err = NULL;
    json_value *r = nt_rich_text(ctx, t, arena_printf(ctx->a, "body.%s", field), &err);
    if (!r) {
        nt_invalid(ctx, err);
        *bad = true;
    }
    return r;
}

void nt_databases_create(twin_ctx *ctx)
{
    json_value *parent = db_parent_arg(ctx);
    if (!parent) return;
    bool bad;
    json_value *title = title_arg(ctx, "title", &bad);
    if (bad) return;
    if (!title) title = json_array(ctx->a);
    json_value *props = json_get(json_get(ctx->body, "initial_data_source"), "properties");
    if (!props) props = json_get(ctx->body, "properties");
    if (!props) {
        props = json_object(ctx->a);
        json_value *n = json_object(ctx->a);
        json_set(ctx->a, n, "title", json_object(ctx->a));
        json_set(ctx->a, props, "Name", n);
    }
    const char *err = NULL;
    json_value *schema = nt_schema_build(ctx, "new", props, NULL, &err);
    if (!schema) return nt_invalid(ctx, err);
    json_value *ds;
    json_value *icon = json_get(ctx->body, "icon");
    json_value *db = nt_db_insert(ctx, parent, title, schema, json_truthy(json_get(ctx->body, "is_inline")),
                                  json_is_null(icon) ? NULL : icon, true, &ds);
    twin_reply_json(ctx, 200, db_json(ctx, db, NULL));
}

static json_value *db_load(twin_ctx *ctx)
{
    const char *id = nt_param_id(ctx, "id", "database_id");
    if (!id) return NULL;
    json_value *db = nt_db_find(ctx, id);
    if (!db) nt_not_found(ctx, "database", id);
    return db;
}

void nt_databases_get(twin_ctx *ctx)
{
    json_value *db = db_load(ctx);
    if (db) twin_reply_json(ctx, 200, db_json(ctx, db, NULL));
}

static json_value *first_ds(twin_ctx *ctx, const json_value *db)
{
    json_value *list = json_get(db, "data_sources");
    return list && list->first ? nt_ds_find(ctx, json_get_str(list->first, "id")) : NULL;
}

static bool apply_trash(twin_ctx *ctx, json_value *obj)
{
    static const char *const keys[] = {"in_trash", "archived", NULL};
    for (size_t i = 0; keys[i]; i++) {
        json_value *v = json_get(ctx->body, keys[i]);
        if (!v) continue;
        if (!json_is_bool(v)) {
            nt_invalid(ctx, arena_printf(ctx->a, "body failed validation: body.%s should be a boolean.", keys[i]));
            return false;
        }
        json_set_bool(ctx->a, obj, "in_trash", json_truthy(v));
    }
    return true;
}

void nt_databases_update(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *db = db_load(ctx);
    if (!db) return;
    bool bad;
    json_value *title = title_arg(ctx, "title", &bad);
    if (bad) return;
    json_value *desc = title_arg(ctx, "description", &bad);
    if (bad) return;
    if (!apply_trash(ctx, db)) return;
    json_value *props = json_get(ctx->body, "properties");
    if (props) {
        json_value *ds = first_ds(ctx, db);
        const char *err = NULL;
        json_value *schema = ds ? nt_schema_build(ctx, json_get_str(ds, "id"), props, json_get(ds, "properties"), &err) : NULL;
        if (!schema) return nt_invalid(ctx, err ? err : "The database has no data source.");
        json_set(a, ds, "properties", schema);
        nt_stamp(ctx, ds, false);
        nt_ds_save(ctx, ds);
    }
    if (title) json_set(a, db, "title", title);
    if (desc) json_set(a, db, "description", desc);
    json_value *icon = json_get(ctx->body, "icon"), *cover = json_get(ctx->body, "cover");
    if (icon) json_set(a, db, "icon", json_clone(a, icon));
    if (cover) json_set(a, db, "cover", json_clone(a, cover));
    json_value *inl = json_get(ctx->body, "is_inline");
    if (json_is_bool(inl)) json_set_bool(a, db, "is_inline", json_truthy(inl));
    nt_stamp(ctx, db, false);
    db_save(ctx, db);
    twin_reply_json(ctx, 200, db_json(ctx, db, NULL));
}

void nt_ds_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *in = json_get(ctx->body, "parent");
    const char *raw = json_get_str(in, "database_id");
    if (!raw) return nt_invalid(ctx, "body failed validation: body.parent.database_id should be defined, instead was `undefined`.");
    const char *db_id = nt_body_id(ctx, raw, "body.parent.database_id");
    if (!db_id) return;
    json_value *db = nt_db_find(ctx, db_id);
    if (!db) return nt_not_found(ctx, "database", raw);
    bool bad;
    json_value *title = title_arg(ctx, "title", &bad);
    if (bad) return;
    const char *err = NULL;
    const char *id = nt_uuid(ctx);
    json_value *schema = nt_schema_build(ctx, id, json_get(ctx->body, "properties"), NULL, &err);
    if (!schema) return nt_invalid(ctx, err);
    json_value *ds = ds_insert(ctx, json_get_str(db, "id"), title ? title : json_array(a), schema, true, id);
    json_value *e = json_object(a);
    json_set_str(a, e, "id", id);
    json_push(json_get(db, "data_sources"), e);
    nt_stamp(ctx, db, false);
    db_save(ctx, db);
    twin_reply_json(ctx, 200, ds_json(ctx, ds, NULL));
}

static json_value *ds_load(twin_ctx *ctx)
{
    const char *id = nt_param_id(ctx, "id", "data_source_id");
    if (!id) return NULL;
    json_value *ds = nt_ds_find(ctx, id);
    if (!ds) nt_not_found(ctx, "data source", id);
    return ds;
}

void nt_ds_get(twin_ctx *ctx)
{
    json_value *ds = ds_load(ctx);
    if (ds) twin_reply_json(ctx, 200, ds_json(ctx, ds, NULL));
}

void nt_ds_update(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *ds = ds_load(ctx);
    if (!ds) return;
    bool bad;
    json_value *title = title_arg(ctx, "title", &bad);
    if (bad) return;
    if (!apply_trash(ctx, ds)) return;
    json_value *props = json_get(ctx->body, "properties");
    if (props) {
        const char *err = NULL;
        json_value *schema = nt_schema_build(ctx, json_get_str(ds, "id"), props, json_get(ds, "properties"), &err);
        if (!schema) return nt_invalid(ctx, err);
        json_set(a, ds, "properties", schema);
    }
    if (title) json_set(a, ds, "title", title);
    nt_stamp(ctx, ds, false);
    nt_ds_save(ctx, ds);
    twin_reply_json(ctx, 200, ds_json(ctx, ds, NULL));
}

/* ---- filters and sorts ---- */

typedef struct qctx {
    twin_ctx *ctx;
    const json_value *schema;
    const json_value *sorts;
    const char *err;
    bool validating;            /* visit every branch: no short-circuit */
} qctx;

/* Notion nests compound filters (and/or) at most two levels deep. */
#define NT_MAX_FILTER_DEPTH 2

static const char *prop_text(arena *a, const json_value *val)
{
    const char *type = json_get_str(val, "type");
    json_value *x = json_get(val, type);
    if (str_eq(type, "title") || str_eq(type, "rich_text")) return nt_plain(a, x);
    if (str_eq(type, "select") || str_eq(type, "status")) return json_get_str(x, "name") ? json_get_str(x, "name") : "";
    if (str_eq(type, "date")) return json_get_str(x, "start") ? json_get_str(x, "start") : "";
    return json_str(x) ? json_str(x) : "";
}

static int64_t date_ms(arena *a, const char *s)
{
    if (!s || !*s) return -1;
    return parse_iso8601_ms(strlen(s) == 10 ? arena_printf(a, "%sT00:00:00Z", s) : s);
}

static bool ci_contains(const char *hay, const char *needle)
{
    return strcasestr(hay, needle) != NULL;
}

static int eval_filter(qctx *q, const json_value *page, const json_value *f, const char *path, int depth);

/* depth: how many compound filters enclose this list's items. */
static int eval_list(qctx *q, const json_value *page, const json_value *list, bool all, const char *path, int depth)
{
    if (!list || list->type != JSON_ARRAY) {
        q->err = arena_printf(q->ctx->a, "body failed validation: %s should be an array.", path);
        return -1;
    }
    size_t i = 0;
    int result = all ? 1 : 0;
    json_foreach(f, list) {
        int r = eval_filter(q, page, f, arena_printf(q->ctx->a, "%s[%zu]", path, i++), depth);
        if (r < 0) return -1;
        if (all ? !r : r) {
            result = r;
            if (!q->validating) break;
        }
    }
    return result;
}

static int eval_filter(qctx *q, const json_value *page, const json_value *f, const char *path, int depth)
{
    arena *a = q->ctx->a;
    if (!f || f->type != JSON_OBJECT) {
        q->err = arena_printf(a, "body failed validation: %s should be an object.", path);
        return -1;
    }
    static const char *const compounds[] = {"and", "or", NULL};
    for (size_t i = 0; compounds[i]; i++) {
        json_value *list = json_get(f, compounds[i]);
        if (!list) continue;
        const char *lpath = arena_printf(a, "%s.%s", path, compounds[i]);
        if (depth >= NT_MAX_FILTER_DEPTH) {
            q->err = arena_printf(a, "body failed validation: %s should be not present, instead was `%s`.", lpath,
                                  json_to_string(a, list, NULL));
            return -1;
        }
        return eval_list(q, page, list, i == 0, lpath, depth + 1);
    }
    const char *ts = json_get_str(f, "timestamp");
    const char *key = NULL, *text = NULL, *ptype = NULL;
    json_value *val = NULL;
    if (ts) {
        if (!str_eq(ts, "created_time") && !str_eq(ts, "last_edited_time")) {
            q->err = arena_printf(a, "body failed validation: %s.timestamp should be `\"created_time\"` or `\"last_edited_time\"`.", path);
            return -1;
        }
        key = ts;
        ptype = "date";
        text = json_get_str(page, ts);
    } else {
        const char *pname = json_get_str(f, "property");
        if (!pname) {
            q->err = arena_printf(a, "body failed validation: %s.property should be defined, instead was `undefined`.", path);
            return -1;
        }
        json_value *prop = find_prop(q->schema, pname);
        if (!prop) {
            q->err = arena_printf(a, "Could not find property with name or id: %s", pname);
            return -1;
        }
        ptype = json_get_str(prop, "type");
        json_foreach(v, json_get(page, "properties")) if (str_eq(json_get_str(v, "id"), json_get_str(prop, "id"))) val = v;
        json_foreach(m, f) if (!str_eq(m->key, "property") && !str_eq(m->key, "type")) key = m->key;
        text = val ? prop_text(a, val) : "";
    }
    json_value *cond = key ? json_get(f, key) : NULL;
    if (!cond || cond->type != JSON_OBJECT || !cond->first) {
        q->err = arena_printf(a, "body failed validation: %s should define a filter condition.", path);
        return -1;
    }
    bool texty = str_eq(ptype, "title") || str_eq(ptype, "rich_text") || str_eq(ptype, "url") || str_eq(ptype, "email") ||
                 str_eq(ptype, "phone_number");
    bool key_text = str_eq(key, "title") || str_eq(key, "rich_text") || str_eq(key, "url") || str_eq(key, "email") ||
                    str_eq(key, "phone_number");
    if (!ts && !(texty ? key_text : str_eq(key, ptype))) {
        q->err = arena_printf(a, "body failed validation: %s.%s does not match the type of property \"%s\" (%s).", path,
                              key, json_get_str(f, "property"), ptype);
        return -1;
    }
    json_value *c = cond->first;
    const char *op = c->key;
    json_value *x = val ? json_get(val, ptype) : NULL;
    if (str_eq(op, "is_empty") || str_eq(op, "is_not_empty")) {
        bool empty;
        if (ts) empty = !text;
        else if (str_eq(ptype, "number") || str_eq(ptype, "date") || str_eq(ptype, "select") || str_eq(ptype, "status"))
            empty = !x || json_is_null(x);
        else if (str_eq(ptype, "multi_select") || str_eq(ptype, "people") || str_eq(ptype, "relation") || str_eq(ptype, "files"))
            empty = !x || !x->len;
        else if (str_eq(ptype, "checkbox")) empty = false;
        else empty = !text || !*text;
        return str_eq(op, "is_empty") ? empty : !empty;
    }
    const char *bad = NULL;
    if (texty) {
        const char *s = json_str(c);
        if (!s) bad = "a string";
        else if (str_eq(op, "equals")) return str_eq(text, s);
        else if (str_eq(op, "does_not_equal")) return !str_eq(text, s);
        else if (str_eq(op, "contains")) return ci_contains(text, s);
        else if (str_eq(op, "does_not_contain")) return !ci_contains(text, s);
        else if (str_eq(op, "starts_with")) return strncasecmp(text, s, strlen(s)) == 0;
        else if (str_eq(op, "ends_with")) {
            size_t lt = strlen(text), ls = strlen(s);
            return lt >= ls && strcasecmp(text + lt - ls, s) == 0;
        }
    } else if (str_eq(ptype, "number")) {
        double want, have;
        if (!json_double(c, &want)) bad = "a number";
        else if (!x || !json_double(x, &have)) return str_eq(op, "does_not_equal");
        else if (str_eq(op, "equals")) return have == want;
        else if (str_eq(op, "does_not_equal")) return have != want;
        else if (str_eq(op, "greater_than")) return have > want;
        else if (str_eq(op, "less_than")) return have < want;
        else if (str_eq(op, "greater_than_or_equal_to")) return have >= want;
        else if (str_eq(op, "less_than_or_equal_to")) return have <= want;
    } else if (str_eq(ptype, "checkbox")) {
        if (!json_is_bool(c)) bad = "a boolean";
        else if (str_eq(op, "equals")) return json_truthy(x) == json_truthy(c);
        else if (str_eq(op, "does_not_equal")) return json_truthy(x) != json_truthy(c);
    } else if (str_eq(ptype, "select") || str_eq(ptype, "status")) {
        const char *s = json_str(c);
        if (!s) bad = "a string";
        else if (str_eq(op, "equals")) return str_eq(text, s);
        else if (str_eq(op, "does_not_equal")) return !str_eq(text, s);
    } else if (str_eq(ptype, "multi_select")) {
        const char *s = json_str(c);
        bool has = false;
        json_foreach(o, x) has |= str_eq(json_get_str(o, "name"), s);
        if (!s) bad = "a string";
        else if (str_eq(op, "contains")) return has;
        else if (str_eq(op, "does_not_contain")) return !has;
    } else if (str_eq(ptype, "date")) {
        int64_t have = date_ms(a, text), want = date_ms(a, json_str(c));
        if (want < 0 && !str_eq(op, "past_week") && !str_eq(op, "next_week")) bad = "a valid ISO 8601 date string";
        else if (have < 0) return 0;
        else if (str_eq(op, "equals")) return have == want || (json_str(c) && strlen(json_str(c)) == 10 && have >= want && have < want + 86400000);
        else if (str_eq(op, "before")) return have < want;
        else if (str_eq(op, "after")) return have > want;
        else if (str_eq(op, "on_or_before")) return have <= want;
        else if (str_eq(op, "on_or_after")) return have >= want;
    } else {
        q->err = arena_printf(a, "Filtering on %s properties is not supported by this twin.", ptype);
        return -1;
    }
    q->err = bad ? arena_printf(a, "body failed validation: %s.%s.%s should be %s, instead was `%s`.", path, key, op, bad,
                                json_to_string(a, c, NULL))
                 : arena_printf(a, "body failed validation: %s.%s.%s is not a supported condition for %s properties.", path,
                                key, op, ptype);
    return -1;
}

static int cmp_pages(qctx *q, const json_value *x, const json_value *y)
{
    arena *a = q->ctx->a;
    json_foreach(s, q->sorts) {
        const char *ts = json_get_str(s, "timestamp"), *pname = json_get_str(s, "property");
        bool desc = str_eq(json_get_str(s, "direction"), "descending");
        int r = 0;
        if (ts) {
            r = strcmp(json_get_str(x, ts) ? json_get_str(x, ts) : "", json_get_str(y, ts) ? json_get_str(y, ts) : "");
            if (!r) {
                int64_t ex = 0, ey = 0;
                json_int64(json_get(x, "_edit"), &ex);
                json_int64(json_get(y, "_edit"), &ey);
                if (str_eq(ts, "last_edited_time")) r = ex < ey ? -1 : ex > ey;
            }
        } else {
            json_value *prop = find_prop(q->schema, pname);
            const char *pid = json_get_str(prop, "id"), *type = json_get_str(prop, "type");
            json_value *vx = NULL, *vy = NULL;
            json_foreach(v, json_get(x, "properties")) if (str_eq(json_get_str(v, "id"), pid)) vx = v;
            json_foreach(v, json_get(y, "properties")) if (str_eq(json_get_str(v, "id"), pid)) vy = v;
            double dx, dy;
            bool hx, hy;
            if (str_eq(type, "number")) {
                hx = json_double(json_get(vx, type), &dx);
                hy = json_double(json_get(vy, type), &dy);
                if (hx != hy) return hx ? -1 : 1;   /* empty values last */
                r = hx ? (dx < dy ? -1 : dx > dy) : 0;
            } else if (str_eq(type, "checkbox")) {
                r = (int)json_truthy(json_get(vx, type)) - (int)json_truthy(json_get(vy, type));
            } else {
                const char *sx = vx ? prop_text(a, vx) : "", *sy = vy ? prop_text(a, vy) : "";
                if (!*sx != !*sy) return *sx ? -1 : 1;
                r = strcmp(sx, sy);
            }
        }
        if (r) return desc ? -r : r;
    }
    return 0;
}

static bool sorts_ok(qctx *q, const json_value *sorts)
{
    arena *a = q->ctx->a;
    if (!sorts) return true;
    if (sorts->type != JSON_ARRAY) {
        q->err = "body failed validation: body.sorts should be an array.";
        return false;
    }
    size_t i = 0;
    json_foreach(s, sorts) {
        const char *dir = json_get_str(s, "direction"), *ts = json_get_str(s, "timestamp"), *p = json_get_str(s, "property");
        if (!str_eq(dir, "ascending") && !str_eq(dir, "descending")) {
            q->err = arena_printf(a, "body failed validation: body.sorts[%zu].direction should be `\"ascending\"` or "
                                     "`\"descending\"`, instead was `%s`.", i, dir ? dir : "undefined");
            return false;
        }
        if (ts && !str_eq(ts, "created_time") && !str_eq(ts, "last_edited_time")) {
            q->err = arena_printf(a, "body failed validation: body.sorts[%zu].timestamp should be `\"created_time\"` or "
                                     "`\"last_edited_time\"`.", i);
            return false;
        }
        if (!ts && !p) {
            q->err = arena_printf(a, "body failed validation: body.sorts[%zu].property should be defined.", i);
            return false;
        }
        if (!ts && !find_prop(q->schema, p)) {
            q->err = arena_printf(a, "Could not find sort property with name or id: %s", p);
            return false;
        }
        i++;
    }
    return true;
}

/* Stable insertion sort of an array's children. */
static void sort_items(json_value *arr, int (*cmp)(void *, const json_value *, const json_value *), void *data)
{
    size_t n = arr->len, i = 0;
    if (n < 2) return;
    json_value **v = malloc(n * sizeof *v);
    if (!v) return;
    json_foreach(x, arr) v[i++] = x;
    for (i = 1; i < n; i++) {
        json_value *k = v[i];
        size_t j = i;
        while (j > 0 && cmp(data, v[j - 1], k) > 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = k;
    }
    arr->first = v[0];
    for (i = 0; i + 1 < n; i++) v[i]->next = v[i + 1];
    v[n - 1]->next = NULL;
    arr->last = v[n - 1];
    free(v);
}

static int cmp_query(void *data, const json_value *x, const json_value *y)
{
    return cmp_pages(data, x, y);
}

static json_value *render_row(twin_ctx *ctx, const json_value *page, void *data)
{
    (void)data;
    return nt_page_json(ctx, page);
}

static void run_query(twin_ctx *ctx, json_value *ds, const char *list_type)
{
    arena *a = ctx->a;
    qctx q = {.ctx = ctx, .schema = json_get(ds, "properties"), .sorts = json_get(ctx->body, "sorts")};
    json_value *filter = json_get(ctx->body, "filter");
    if (!sorts_ok(&q, q.sorts)) return nt_invalid(ctx, q.err);
    bool filtering = filter && !json_is_null(filter);
    if (filtering) {
        /* the filter's shape is checked once against the schema, so a bad
         * filter fails even when no row would reach it */
        q.validating = true;
        if (eval_filter(&q, json_object(a), filter, "body.filter", 0) < 0) return nt_invalid(ctx, q.err);
        q.validating = false;
    }
    /* the rows of a trashed database are in the trash with it: none to list */
    json_value *db = twin_doc_get(ctx, "databases", json_get_str(ds, "database_id"));
    bool trashed = json_truthy(json_get(ds, "in_trash")) || json_truthy(json_get(db, "in_trash"));
    store_list_opts o = {.index_name = "parent", .index_value = json_get_str(ds, "id")};
    twin_list l = {0};
    if (!trashed && twin_doc_list(ctx, "pages", &o, &l) != 0)
        return nt_error(ctx, 500, "internal_server_error", "The rows could not be read.");
    json_value *rows = json_array(a);
    for (size_t i = 0; i < l.n; i++) {
        json_value *p = l.items[i];
        if (json_truthy(json_get(p, "in_trash")) || !json_truthy(json_get(p, "_shared"))) continue;
        if (filtering) {
            int r = eval_filter(&q, p, filter, "body.filter", 0);
            if (r < 0) return nt_invalid(ctx, q.err);
            if (!r) continue;
        }
        json_push(rows, p);
    }
    if (q.sorts) sort_items(rows, cmp_query, &q);
    nt_send_docs(ctx, rows, list_type, render_row, NULL);
}

void nt_ds_query(twin_ctx *ctx)
{
    json_value *ds = ds_load(ctx);
    if (ds) run_query(ctx, ds, "page_or_data_source");
}

void nt_databases_query(twin_ctx *ctx)
{
    json_value *db = db_load(ctx);
    if (!db) return;
    json_value *ds = first_ds(ctx, db);
    if (!ds) return nt_not_found(ctx, "database", json_get_str(db, "id"));
    run_query(ctx, ds, "page_or_database");
}

/* ---- search ---- */

static int cmp_edit(void *data, const json_value *x, const json_value *y)
{
    bool asc = *(bool *)data;
    int r = strcmp(json_get_str(x, "last_edited_time"), json_get_str(y, "last_edited_time"));
    if (!r) {
        int64_t ex = 0, ey = 0;
        json_int64(json_get(x, "_edit"), &ex);
        json_int64(json_get(y, "_edit"), &ey);
        r = ex < ey ? -1 : ex > ey;
    }
    return asc ? r : -r;
}

/* data: the map of databases (for data-source hits) or data sources (for
 * database hits) that search loaded in one read. */
static json_value *render_hit(twin_ctx *ctx, const json_value *h, void *data)
{
    const char *k = json_get_str(h, "_kind");
    return str_eq(k, "page") ? nt_page_json(ctx, h)
           : str_eq(k, "data_source") ? ds_json(ctx, h, data) : db_json(ctx, h, data);
}

/* Every document of a collection by id: one store read instead of one per
 * rendered search hit. */
static void load_all(twin_ctx *ctx, const char *collection, map *out)
{
    store_list_opts o = {0};
    twin_list l = {0};
    twin_doc_list(ctx, collection, &o, &l);
    for (size_t i = 0; i < l.n; i++) {
        const char *id = json_get_str(l.items[i], "id");
        if (id) map_put(out, id, l.items[i]);
    }
}

void nt_search(twin_ctx *ctx)
{
    arena *a = ctx->a;
    bool newer = nt_new_api(ctx);
    json_value *qv = json_get(ctx->body, "query");
    if (qv && !json_is_null(qv) && qv->type != JSON_STRING)
        return nt_invalid(ctx, "body failed validation: body.query should be a string.");
    const char *query = json_str(qv) ? qv->str : "";
    const char *want = NULL;
    json_value *f = json_get(ctx->body, "filter");
    if (f && !json_is_null(f)) {
        const char *v = json_get_str(f, "value");
        const char *coll = newer ? "data_source" : "database";
        if (!str_eq(json_get_str(f, "property"), "object"))
            return nt_invalid(ctx, "body failed validation: body.filter.property should be `\"object\"`.");
        if (!str_eq(v, "page") && !str_eq(v, coll))
            return nt_invalid(ctx, arena_printf(a, "body failed validation: body.filter.value should be `\"page\"` or `\"%s\"`, "
                                                   "instead was `\"%s\"`.", coll, v ? v : "undefined"));
        want = v;
    }
    bool asc = false;
    json_value *s = json_get(ctx->body, "sort");
    if (s && !json_is_null(s)) {
        const char *dir = json_get_str(s, "direction"), *ts = json_get_str(s, "timestamp");
        if (!str_eq(ts, "last_edited_time"))
            return nt_invalid(ctx, "body failed validation: body.sort.timestamp should be `\"last_edited_time\"`.");
        if (!str_eq(dir, "ascending") && !str_eq(dir, "descending"))
            return nt_invalid(ctx, "body failed validation: body.sort.direction should be `\"ascending\"` or `\"descending\"`.");
        asc = str_eq(dir, "ascending");
    }
    json_value *hits = json_array(a);
    store_list_opts o = {0};
    map related;
    map_init(&related);
    bool related_loaded = false;
    if (!want || str_eq(want, "page")) {
        twin_list l = {0};
        twin_doc_list(ctx, "pages", &o, &l);
        for (size_t i = 0; i < l.n; i++) {
            json_value *p = l.items[i];
            if (!json_truthy(json_get(p, "_shared")) || nt_page_trashed(ctx, p)) continue;
            if (*query && !ci_contains(nt_page_title(ctx, p), query)) continue;
            json_set_str(a, p, "_kind", "page");
            json_push(hits, p);
        }
    }
    if (!want || !str_eq(want, "page")) {
        twin_list l = {0};
        twin_doc_list(ctx, newer ? "data_sources" : "databases", &o, &l);
        for (size_t i = 0; i < l.n; i++) {
            json_value *d = l.items[i];
            if (json_truthy(json_get(d, "in_trash")) || !json_truthy(json_get(d, "_shared"))) continue;
            /* a data source goes to the trash with its database */
            if (newer && json_truthy(json_get(twin_doc_get(ctx, "databases", json_get_str(d, "database_id")), "in_trash")))
                continue;
            if (*query && !ci_contains(nt_plain(a, json_get(d, "title")), query)) continue;
            json_set_str(a, d, "_kind", newer ? "data_source" : "database");
            json_push(hits, d);
            if (!related_loaded) load_all(ctx, newer ? "databases" : "data_sources", &related);
            related_loaded = true;
        }
    }
    sort_items(hits, cmp_edit, &asc);
    nt_send_docs(ctx, hits, newer ? "page_or_data_source" : "page_or_database", render_hit, &related);
    map_free(&related);
}
