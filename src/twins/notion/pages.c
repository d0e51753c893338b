/* Notion twin: pages and blocks. */
#include <stdio.h>
#include <string.h>

#include "twins/notion/notion.h"
#include "util/util.h"

static const char *parent_key(const json_value *parent)
{
    const char *t = json_get_str(parent, "type");
    if (str_eq(t, "workspace")) return "workspace";
    return json_get_str(parent, t);
}

static json_value *render_parent(twin_ctx *ctx, const json_value *p)
{
    arena *a = ctx->a;
    if (str_eq(json_get_str(p, "type"), "data_source_id") && !nt_new_api(ctx)) {
        json_value *o = json_object(a);
        json_set_str(a, o, "type", "database_id");
        json_set_str(a, o, "database_id", json_get_str(p, "database_id"));
        return o;
    }
    return json_clone(a, p);
}

json_value *nt_page_get(twin_ctx *ctx, const char *id)
{
    json_value *p = id ? twin_doc_get(ctx, "pages", id) : NULL;
    if (!json_truthy(json_get(p, "_shared"))) return NULL;
    return p;
}

/* A row of a data source whose database (or the data source itself) is in
 * the trash is in the trash with it: Notion archives a database together
 * with its descendants and restores them with it. */
static bool container_trashed(twin_ctx *ctx, const json_value *parent)
{
    if (!str_eq(json_get_str(parent, "type"), "data_source_id")) return false;
    json_value *ds = twin_doc_get(ctx, "data_sources", json_get_str(parent, "data_source_id"));
    json_value *db = twin_doc_get(ctx, "databases", json_get_str(parent, "database_id"));
    return json_truthy(json_get(ds, "in_trash")) || json_truthy(json_get(db, "in_trash"));
}

bool nt_page_trashed(twin_ctx *ctx, const json_value *page)
{
    return json_truthy(json_get(page, "in_trash")) || container_trashed(ctx, json_get(page, "_parent"));
}

const char *nt_page_title(twin_ctx *ctx, const json_value *page)
{
    json_foreach(v, json_get(page, "properties")) if (str_eq(json_get_str(v, "type"), "title"))
        return nt_plain(ctx->a, json_get(v, "title"));
    return "";
}

static void set_trash(arena *a, json_value *o, bool trash)
{
    json_set_bool(a, o, "archived", trash);
    json_set_bool(a, o, "in_trash", trash);
}

static void archived_error(twin_ctx *ctx)
{
    nt_invalid(ctx, "Can't edit block that is archived. You must unarchive the block before editing.");
}

/* Writes a stored block back under its parent's index. */
static void put_block(twin_ctx *ctx, const json_value *b)
{
    const json_value *p = json_get(b, "parent");
    nt_save(ctx, "blocks", b, "parent", json_get_str(p, json_get_str(p, "type")));
}

/* Stamps a stored block and writes it back. */
static void save_block(twin_ctx *ctx, json_value *b)
{
    nt_stamp(ctx, b, false);
    put_block(ctx, b);
}

json_value *nt_page_json(twin_ctx *ctx, const json_value *page)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    const char *id = json_get_str(page, "id");
    json_set_str(a, o, "object", "page");
    json_set_str(a, o, "id", id);
    static const char *const copy[] = {"created_time", "last_edited_time", "created_by", "last_edited_by", "cover",
                                       "icon", NULL};
    for (size_t i = 0; copy[i]; i++) json_set(a, o, copy[i], json_clone(a, json_get(page, copy[i])));
    json_set(a, o, "parent", render_parent(ctx, json_get(page, "_parent")));
    set_trash(a, o, nt_page_trashed(ctx, page));
    json_set_bool(a, o, "is_locked", json_truthy(json_get(page, "is_locked")));
    json_set(a, o, "properties", json_clone(a, json_get(page, "properties")));
    json_set_str(a, o, "url", nt_url(ctx, nt_page_title(ctx, page), id));
    json_set_null(a, o, "public_url");
    return o;
}

static void save_page(twin_ctx *ctx, const json_value *page)
{
    nt_save(ctx, "pages", page, "parent", parent_key(json_get(page, "_parent")));
}

/* The child_page block a page leaves in its parent page. */
static void sync_child_block(twin_ctx *ctx, const json_value *page)
{
    arena *a = ctx->a;
    const json_value *parent = json_get(page, "_parent");
    if (!str_eq(json_get_str(parent, "type"), "page_id")) return;
    const char *id = json_get_str(page, "id");
    json_value *b = twin_doc_get(ctx, "blocks", id);
    if (!b) {
        b = json_object(a);
        json_set_str(a, b, "object", "block");
        json_set_str(a, b, "id", id);
        json_set(a, b, "parent", json_clone(a, parent));
        json_set_str(a, b, "created_time", json_get_str(page, "created_time"));
        json_set(a, b, "created_by", json_clone(a, json_get(page, "created_by")));
        json_set_bool(a, b, "has_children", false);
        json_set_str(a, b, "type", "child_page");
        json_set_str(a, b, "_page", json_get_str(parent, "page_id"));
    }
    json_set_str(a, b, "last_edited_time", json_get_str(page, "last_edited_time"));
    json_set(a, b, "last_edited_by", json_clone(a, json_get(page, "last_edited_by")));
    bool trash = json_truthy(json_get(page, "in_trash"));
    set_trash(a, b, trash);
    json_value *cp = json_object(a);
    json_set_str(a, cp, "title", nt_page_title(ctx, page));
    json_set(a, b, "child_page", cp);
    json_set_int(a, b, "_edit", twin_counter(ctx, "edit"));
    nt_save(ctx, "blocks", b, "parent", json_get_str(parent, "page_id"));
}

json_value *nt_page_insert(twin_ctx *ctx, const json_value *parent, json_value *values, const json_value *icon,
                           const json_value *cover, bool shared)
{
    arena *a = ctx->a;
    json_value *p = json_object(a);
    json_set_str(a, p, "object", "page");
    json_set_str(a, p, "id", nt_uuid(ctx));
    nt_stamp(ctx, p, true);
    json_set(a, p, "cover", cover ? json_clone(a, cover) : json_null(a));
    json_set(a, p, "icon", icon ? json_clone(a, icon) : json_null(a));
    json_set(a, p, "_parent", json_clone(a, parent));
    json_set_bool(a, p, "in_trash", false);
    json_set_bool(a, p, "is_locked", false);
    json_set(a, p, "properties", values);
    json_set_bool(a, p, "_shared", shared);
    save_page(ctx, p);
    sync_child_block(ctx, p);
    return p;
}

/* A page (non-database) accepts only its title property. */
static json_value *title_values(twin_ctx *ctx, const json_value *in, const char **err)
{
    arena *a = ctx->a;
    json_value *out = json_object(a);
    json_value *rich = json_array(a);
    json_foreach(m, in) {
        json_value *t = json_get(m, "title");
        if (!(str_eq(m->key, "title") || str_eq(m->key, "Name") || t)) {
            *err = arena_printf(a, "%s is not a property that exists.", m->key);
            return NULL;
        }
        if (m->type == JSON_ARRAY) t = m;
        rich = nt_rich_text(ctx, t, arena_printf(a, "body.properties.%s.title", m->key), err);
        if (!rich) return NULL;
    }
    json_value *v = json_object(a);
    json_set_str(a, v, "id", "title");
    json_set_str(a, v, "type", "title");
    json_set(a, v, "title", rich);
    json_set(a, out, "title", v);
    return out;
}

static bool icon_ok(twin_ctx *ctx, const json_value *icon, const char *field)
{
    if (!icon || json_is_null(icon)) return true;
    const char *t = json_get_str(icon, "type");
    if (icon->type == JSON_OBJECT && (json_get(icon, "emoji") || json_get(icon, "external") || json_get(icon, "file_upload") ||
                                      json_get(icon, "custom_emoji") || json_get(icon, "file")) &&
        (!t || json_get(icon, t)))
        return true;
    nt_invalid(ctx, arena_printf(ctx->a, "body failed validation: body.%s should be an object with emoji, external or file_upload.",
                                 field));
    return false;
}

/* Resolves body.parent into an internal parent; answers on failure. */
static json_value *resolve_parent(twin_ctx *ctx, const json_value *in, json_value **ds_out)
{
    arena *a = ctx->a;
    *ds_out = NULL;
    if (!in || in->type != JSON_OBJECT) {
        nt_invalid(ctx, "body failed validation: body.parent should be defined, instead was `undefined`.");
        return NULL;
    }
    json_value *p = json_object(a);
    const char *raw;
    if ((raw = json_get_str(in, "page_id"))) {
        const char *id = nt_body_id(ctx, raw, "body.parent.page_id");
        if (!id) return NULL;
        json_value *pg = nt_page_get(ctx, id);
        if (!pg) {
            nt_not_found(ctx, "page", raw);
            return NULL;
        }
        if (nt_page_trashed(ctx, pg)) {
            archived_error(ctx);
            return NULL;
        }
        json_set_str(a, p, "type", "page_id");
        json_set_str(a, p, "page_id", id);
        return p;
    }
    json_value *ds = NULL;
    if ((raw = json_get_str(in, "data_source_id"))) {
        const char *id = nt_body_id(ctx, raw, "body.parent.data_source_id");
        if (!id) return NULL;
        ds = nt_ds_find(ctx, id);
        if (!ds) {
            nt_not_found(ctx, "data source", raw);
            return NULL;
        }
    } else if ((raw = json_get_str(in, "database_id"))) {
        const char *id = nt_body_id(ctx, raw, "body.parent.database_id");
        if (!id) return NULL;
        json_value *db = nt_db_find(ctx, id);
        if (!db) {
            nt_not_found(ctx, "database", raw);
            return NULL;
        }
        json_value *list = json_get(db, "data_sources");
        if (!list || list->len != 1) {
            nt_invalid(ctx, "Databases with multiple data sources are not supported in this API version; use a "
                            "data_source_id parent.");
            return NULL;
        }
        ds = nt_ds_find(ctx, json_get_str(list->first, "id"));
        if (!ds) {
            nt_not_found(ctx, "database", raw);
            return NULL;
        }
    } else if (json_truthy(json_get(in, "workspace"))) {
        json_set_str(a, p, "type", "workspace");
        json_set_bool(a, p, "workspace", true);
        return p;
    } else {
        nt_invalid(ctx, "body failed validation: body.parent should be an object with page_id, database_id, "
                        "data_source_id or workspace.");
        return NULL;
    }
    json_set_str(a, p, "type", "data_source_id");
    json_set_str(a, p, "data_source_id", json_get_str(ds, "id"));
    json_set_str(a, p, "database_id", json_get_str(ds, "database_id"));
    if (container_trashed(ctx, p)) {   /* no new rows in a trashed database */
        archived_error(ctx);
        return NULL;
    }
    *ds_out = ds;
    return p;
}

void nt_pages_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *ds;
    json_value *parent = resolve_parent(ctx, json_get(ctx->body, "parent"), &ds);
    if (!parent) return;
    json_value *props = json_get(ctx->body, "properties");
    if (props && props->type != JSON_OBJECT)
        return nt_invalid(ctx, "body failed validation: body.properties should be an object.");
    json_value *icon = json_get(ctx->body, "icon"), *cover = json_get(ctx->body, "cover");
    if (!icon_ok(ctx, icon, "icon")) return;
    json_value *children = json_get(ctx->body, "children");
    if (children && children->type != JSON_ARRAY)
        return nt_invalid(ctx, "body failed validation: body.children should be an array.");
    if (children && children->len > 100)
        return nt_invalid(ctx, arena_printf(a, "body failed validation: body.children.length should be ≤ `100`, instead was `%u`.",
                                            children->len));
    const char *err = NULL;
    json_value *values = ds ? nt_values(ctx, ds, props, NULL, &err) : title_values(ctx, props, &err);
    if (!values) return nt_invalid(ctx, err);
    if (ds) nt_ds_save(ctx, ds);    /* new select options */
    json_value *page = nt_page_insert(ctx, parent, values, json_is_null(icon) ? NULL : icon,
                                      json_is_null(cover) ? NULL : cover, true);
    /* A child that fails validation fails the whole request: the error
     * answer rolls the page back with it (engine rule, twin.h). */
    if (children && children->len && !nt_append_blocks(ctx, json_get_str(page, "id"), true, children, "body.children", &err))
        return nt_invalid(ctx, err);
    twin_reply_json(ctx, 200, nt_page_json(ctx, page));
}

static json_value *page_arg(twin_ctx *ctx, const char *param)
{
    const char *id = nt_param_id(ctx, param, "page_id");
    if (!id) return NULL;
    json_value *p = nt_page_get(ctx, id);
    if (!p) nt_not_found(ctx, "page", id);
    return p;
}

void nt_pages_get(twin_ctx *ctx)
{
    json_value *p = page_arg(ctx, "id");
    if (!p) return;
    twin_reply_json(ctx, 200, nt_page_json(ctx, p));
}

static bool trash_arg(twin_ctx *ctx, bool *set, bool *value)
{
    *set = false;
    static const char *const keys[] = {"in_trash", "archived", NULL};
    for (size_t i = 0; keys[i]; i++) {
        json_value *v = json_get(ctx->body, keys[i]);
        if (!v) continue;
        if (!json_is_bool(v)) {
            nt_invalid(ctx, arena_printf(ctx->a, "body failed validation: body.%s should be a boolean, instead was `%s`.",
                                         keys[i], json_to_string(ctx->a, v, NULL)));
            return false;
        }
        *set = true;
        *value = json_truthy(v);
    }
    return true;
}

void nt_pages_update(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *p = page_arg(ctx, "id");
    if (!p) return;
    bool tset, tval = false;
    if (!trash_arg(ctx, &tset, &tval)) return;
    bool trashed = json_truthy(json_get(p, "in_trash"));
    json_value *props = json_get(ctx->body, "properties");
    bool edits = props || json_get(ctx->body, "icon") || json_get(ctx->body, "cover");
    if (trashed && edits && !(tset && !tval))
        return archived_error(ctx);
    /* restoring happens on the trashed database, not on its rows */
    if (container_trashed(ctx, json_get(p, "_parent")) && (edits || tset || json_get(ctx->body, "is_locked")))
        return archived_error(ctx);
    if (props) {
        if (props->type != JSON_OBJECT) return nt_invalid(ctx, "body failed validation: body.properties should be an object.");
        const char *err = NULL;
        const json_value *parent = json_get(p, "_parent");
        json_value *ds = str_eq(json_get_str(parent, "type"), "data_source_id")
                             ? nt_ds_find(ctx, json_get_str(parent, "data_source_id")) : NULL;
        json_value *values;
        if (ds) {
            values = nt_values(ctx, ds, props, json_get(p, "properties"), &err);
            if (values) nt_ds_save(ctx, ds);
        } else {
            values = props->len ? title_values(ctx, props, &err) : json_get(p, "properties");
        }
        if (!values) return nt_invalid(ctx, err);
        json_set(a, p, "properties", json_clone(a, values));
    }
    json_value *icon = json_get(ctx->body, "icon"), *cover = json_get(ctx->body, "cover");
    if (icon) {
        if (!icon_ok(ctx, icon, "icon")) return;
        json_set(a, p, "icon", json_clone(a, icon));
    }
    if (cover) json_set(a, p, "cover", json_clone(a, cover));
    json_value *lock = json_get(ctx->body, "is_locked");
    if (json_is_bool(lock)) json_set_bool(a, p, "is_locked", json_truthy(lock));
    if (tset) json_set_bool(a, p, "in_trash", tval);
    nt_stamp(ctx, p, false);
    save_page(ctx, p);
    sync_child_block(ctx, p);
    twin_reply_json(ctx, 200, nt_page_json(ctx, p));
}

void nt_page_property(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *p = page_arg(ctx, "page_id");
    if (!p) return;
    const char *pid = twin_param(ctx, "property_id");
    json_value *val = NULL;
    json_foreach(v, json_get(p, "properties")) if (str_eq(v->key, pid) || str_eq(json_get_str(v, "id"), pid)) val = v;
    if (!val) return nt_not_found(ctx, "property", pid);
    const char *type = json_get_str(val, "type");
    json_value *data = json_get(val, type);
    bool listy = str_eq(type, "title") || str_eq(type, "rich_text") || str_eq(type, "people") || str_eq(type, "relation");
    if (!listy) {
        json_value *o = json_object(a);
        json_set_str(a, o, "object", "property_item");
        json_set_str(a, o, "id", json_get_str(val, "id"));
        json_set_str(a, o, "type", type);
        json_set(a, o, type, json_clone(a, data));
        return twin_reply_json(ctx, 200, o);
    }
    json_value *items = json_array(a);
    size_t i = 0;
    json_foreach(x, data) {
        json_value *it = json_object(a);
        json_set_str(a, it, "object", "property_item");
        /* item ids double as cursors */
        json_set_str(a, it, "id", arena_printf(a, "%s-%zu", json_get_str(val, "id"), i++));
        json_set_str(a, it, "type", type);
        json_set(a, it, type, json_clone(a, x));
        json_push(items, it);
    }
    int64_t size;
    const char *cursor;
    if (!nt_page_args(ctx, &size, &cursor, false)) return;
    const char *next;
    json_value *results = nt_slice(ctx, items, size, cursor, cursor, &next);
    if (!results) return;
    json_foreach(x, results) json_set_str(a, x, "id", json_get_str(val, "id"));
    json_value *o = json_object(a), *pi = json_object(a);
    json_set_str(a, o, "object", "list");
    json_set(a, o, "results", results);
    json_set_str(a, o, "next_cursor", next);
    json_set_bool(a, o, "has_more", next != NULL);
    json_set_str(a, o, "type", "property_item");
    json_set_str(a, pi, "id", json_get_str(val, "id"));
    json_set_null(a, pi, "next_url");
    json_set_str(a, pi, "type", type);
    json_set(a, pi, type, json_object(a));
    json_set(a, o, "property_item", pi);
    twin_reply_json(ctx, 200, o);
}

/* ---- blocks ---- */

static const char *const text_types[] = {"paragraph", "heading_1", "heading_2", "heading_3", "bulleted_list_item",
                                         "numbered_list_item", "to_do", "toggle", "quote", "callout", "code", NULL};

static bool is_text_type(const char *t)
{
    for (size_t i = 0; text_types[i]; i++)
        if (str_eq(text_types[i], t)) return true;
    return false;
}

json_value *nt_block_json(twin_ctx *ctx, const json_value *b)
{
    return nt_public(ctx->a, b);
}

static json_value *block_content(twin_ctx *ctx, const char *type, const json_value *in, const json_value *old,
                                 const char *path, const char **err)
{
    arena *a = ctx->a;
    json_value *c = old ? json_clone(a, old) : json_object(a);
    json_foreach(m, in) {
        if (str_eq(m->key, "children")) continue;
        if (str_eq(m->key, "rich_text") || str_eq(m->key, "caption")) {
            json_value *r = nt_rich_text(ctx, m, arena_printf(a, "%s.%s", path, m->key), err);
            if (!r) return NULL;
            json_set(a, c, m->key, r);
        } else {
            json_set(a, c, m->key, json_clone(a, m));
        }
    }
    if (is_text_type(type)) {
        if (!json_get(c, "rich_text")) {
            *err = arena_printf(a, "body failed validation: %s.rich_text should be defined, instead was `undefined`.", path);
            return NULL;
        }
        if (!json_get(c, "color")) json_set_str(a, c, "color", "default");
    }
    if (str_eq(type, "to_do") && !json_is_bool(json_get(c, "checked"))) json_set_bool(a, c, "checked", false);
    if (str_starts_with(type, "heading_") && !json_get(c, "is_toggleable")) json_set_bool(a, c, "is_toggleable", false);
    if (str_eq(type, "code")) {
        if (!json_get(c, "language")) json_set_str(a, c, "language", "plain text");
        if (!json_get(c, "caption")) json_set(a, c, "caption", json_array(a));
    }
    if (str_eq(type, "callout") && !json_get(c, "icon")) {
        json_value *ic = json_object(a);
        json_set_str(a, ic, "type", "emoji");
        json_set_str(a, ic, "emoji", "💡");
        json_set(a, c, "icon", ic);
    }
    return c;
}

static const char *block_type_of(const json_value *in)
{
    const char *t = json_get_str(in, "type");
    if (t) return t;
    json_foreach(m, in) if (m->type == JSON_OBJECT && !str_eq(m->key, "parent")) return m->key;
    return NULL;
}

/* Notion takes up to two levels of nested children in one request, each
 * children array at most 100 blocks long. */
#define NT_MAX_CHILD_DEPTH 2
#define NT_MAX_CHILDREN 100

/* depth: how many block levels sit above the children being created. */
static json_value *append_level(twin_ctx *ctx, const char *parent_id, bool parent_is_page, const char *owner_page,
                                const json_value *children, const char *path, int depth, const char **err)
{
    arena *a = ctx->a;
    if (depth > NT_MAX_CHILD_DEPTH) {
        *err = arena_printf(a, "body failed validation: %s should be not present, instead was `%s`.", path,
                            json_to_string(a, children, NULL));
        return NULL;
    }
    if (children->len > NT_MAX_CHILDREN) {
        *err = arena_printf(a, "body failed validation: %s.length should be ≤ `%d`, instead was `%u`.", path,
                            NT_MAX_CHILDREN, children->len);
        return NULL;
    }
    json_value *created = json_array(a);
    size_t i = 0;
    json_foreach(in, children) {
        const char *bp = arena_printf(a, "%s[%zu]", path, i++);
        const char *type = in->type == JSON_OBJECT ? block_type_of(in) : NULL;
        json_value *tin = type ? json_get(in, type) : NULL;
        if (!type || !tin || tin->type != JSON_OBJECT || str_eq(type, "child_page") || str_eq(type, "child_database")) {
            *err = arena_printf(a, "body failed validation: %s should be a block object with a supported type%s%s.", bp,
                                type ? ", instead was " : "", type ? type : "");
            return NULL;
        }
        json_value *content = block_content(ctx, type, tin, NULL, arena_printf(a, "%s.%s", bp, type), err);
        if (!content) return NULL;
        json_value *b = json_object(a), *parent = json_object(a);
        json_set_str(a, b, "object", "block");
        json_set_str(a, b, "id", nt_uuid(ctx));
        json_set_str(a, parent, "type", parent_is_page ? "page_id" : "block_id");
        json_set_str(a, parent, parent_is_page ? "page_id" : "block_id", parent_id);
        json_set(a, b, "parent", parent);
        json_set_str(a, b, "_page", owner_page);   /* whose sharing decides who sees it */
        nt_stamp(ctx, b, true);
        json_value *kids = json_get(tin, "children");
        json_set_bool(a, b, "has_children", kids && kids->type == JSON_ARRAY && kids->len > 0);
        set_trash(a, b, false);
        json_set_str(a, b, "type", type);
        json_set(a, b, type, content);
        nt_save(ctx, "blocks", b, "parent", parent_id);
        if (kids && kids->type == JSON_ARRAY && kids->len) {
            if (!append_level(ctx, json_get_str(b, "id"), false, owner_page, kids,
                              arena_printf(a, "%s.%s.children", bp, type), depth + 1, err))
                return NULL;
        }
        json_push(created, nt_block_json(ctx, b));
    }
    return created;
}

/* Blocks nest below blocks; the page at the top of the chain owns them all
 * (its sharing decides whether the integration sees them).  Blocks record
 * it when created; the walk up the parents is for blocks that do not. */
#define NT_MAX_BLOCK_DEPTH 64

static const char *owner_page_of(twin_ctx *ctx, const json_value *b)
{
    for (int depth = 0; b && depth < NT_MAX_BLOCK_DEPTH; depth++) {
        const char *owner = json_get_str(b, "_page");
        if (owner) return owner;
        const json_value *p = json_get(b, "parent");
        const char *pid = json_get_str(p, "page_id");
        if (pid) return pid;
        const char *bid = json_get_str(p, "block_id");
        b = bid ? twin_doc_get(ctx, "blocks", bid) : NULL;
    }
    return NULL;
}

json_value *nt_append_blocks(twin_ctx *ctx, const char *parent_id, bool parent_is_page, const json_value *children,
                             const char *path, const char **err)
{
    const char *owner = parent_id;
    if (!parent_is_page) owner = owner_page_of(ctx, twin_doc_get(ctx, "blocks", parent_id));
    return append_level(ctx, parent_id, parent_is_page, owner, children, path, 0, err);
}

/* Whether any child block of id is out of the trash (trashed children do
 * not count for has_children). */
static bool has_live_children(twin_ctx *ctx, const char *id)
{
    store_list_opts o = {.index_name = "parent", .index_value = id};
    twin_list l = {0};
    twin_doc_list(ctx, "blocks", &o, &l);
    for (size_t i = 0; i < l.n; i++)
        if (!json_truthy(json_get(l.items[i], "in_trash"))) return true;
    return false;
}

/* A child went to or came back from the trash: a parent block's stored
 * has_children follows (pages compute theirs when read). */
static void refresh_parent_children(twin_ctx *ctx, const json_value *child)
{
    const char *pid = json_get_str(json_get(child, "parent"), "block_id");
    json_value *parent = pid ? twin_doc_get(ctx, "blocks", pid) : NULL;
    if (!parent) return;
    bool live = has_live_children(ctx, pid);
    if (live == json_truthy(json_get(parent, "has_children"))) return;
    json_set_bool(ctx->a, parent, "has_children", live);
    put_block(ctx, parent);
}

/* The block for an id: a stored block, or the child_page view of a page. */
static json_value *block_load(twin_ctx *ctx, const char *id)
{
    json_value *b = twin_doc_get(ctx, "blocks", id);
    if (b) {
        /* a child page is seen when it is shared itself; other blocks when
         * the page they belong to is, however deep they nest */
        if (str_eq(json_get_str(b, "type"), "child_page")) {
            if (!nt_page_get(ctx, id)) return NULL;
            json_set_bool(ctx->a, b, "has_children", has_live_children(ctx, id));
            return b;
        }
        const char *pid = owner_page_of(ctx, b);
        json_value *owner = pid ? twin_doc_get(ctx, "pages", pid) : NULL;
        if (owner && !json_truthy(json_get(owner, "_shared"))) return NULL;
        return b;
    }
    json_value *pg = nt_page_get(ctx, id);
    if (!pg) return NULL;
    arena *a = ctx->a;
    b = json_object(a);
    json_set_str(a, b, "object", "block");
    json_set_str(a, b, "id", id);
    json_set(a, b, "parent", render_parent(ctx, json_get(pg, "_parent")));
    static const char *const copy[] = {"created_time", "last_edited_time", "created_by", "last_edited_by", NULL};
    for (size_t i = 0; copy[i]; i++) json_set(a, b, copy[i], json_clone(a, json_get(pg, copy[i])));
    json_set_bool(a, b, "has_children", has_live_children(ctx, id));
    set_trash(a, b, nt_page_trashed(ctx, pg));
    json_set_str(a, b, "type", "child_page");
    json_value *cp = json_object(a);
    json_set_str(a, cp, "title", nt_page_title(ctx, pg));
    json_set(a, b, "child_page", cp);
    json_set_bool(a, b, "_virtual", true);
    return b;
}

/* the block named by the path, or NULL once the error is answered */
static json_value *block_arg(twin_ctx *ctx, const char **id)
{
    *id = nt_param_id(ctx, "id", "block_id");
    if (!*id) return NULL;
    json_value *b = block_load(ctx, *id);
    if (!b) nt_not_found(ctx, "block", *id);
    return b;
}

void nt_blocks_get(twin_ctx *ctx)
{
    const char *id;
    json_value *b = block_arg(ctx, &id);
    if (!b) return;
    twin_reply_json(ctx, 200, nt_block_json(ctx, b));
}

static void set_page_trash(twin_ctx *ctx, const char *id, bool trash)
{
    json_value *pg = nt_page_get(ctx, id);
    if (!pg) return;
    json_set_bool(ctx->a, pg, "in_trash", trash);
    nt_stamp(ctx, pg, false);
    save_page(ctx, pg);
    sync_child_block(ctx, pg);
}

void nt_blocks_update(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *id;
    json_value *b = block_arg(ctx, &id);
    if (!b) return;
    bool tset, tval = false;
    if (!trash_arg(ctx, &tset, &tval)) return;
    const char *type = json_get_str(b, "type");
    bool trashed = json_truthy(json_get(b, "in_trash"));
    json_value *tin = NULL;
    json_foreach(m, ctx->body) {
        if (str_eq(m->key, "archived") || str_eq(m->key, "in_trash") || str_eq(m->key, "type")) continue;
        if (!str_eq(m->key, type))
            return nt_invalid(ctx, arena_printf(a, "body failed validation: body.%s should be not present, the block is "
                                                "of type `%s`.", m->key, type));
        tin = m;
    }
    if (trashed && tin && !(tset && !tval))
        return archived_error(ctx);
    if (str_eq(type, "child_page")) {
        json_value *pg = nt_page_get(ctx, id);
        if (pg && container_trashed(ctx, json_get(pg, "_parent")) && (tin || tset))
            return archived_error(ctx);
        if (tset) set_page_trash(ctx, id, tval);
        if (tin && json_get(tin, "title")) {
            pg = nt_page_get(ctx, id);   /* as the trash change left it */
            json_foreach(v, json_get(pg, "properties")) if (str_eq(json_get_str(v, "type"), "title"))
                json_set(a, v, "title", nt_text(a, json_get_str(tin, "title")));
            nt_stamp(ctx, pg, false);
            save_page(ctx, pg);
            sync_child_block(ctx, pg);
        }
        return twin_reply_json(ctx, 200, nt_block_json(ctx, block_load(ctx, id)));
    }
    if (tin) {
        if (tin->type != JSON_OBJECT)
            return nt_invalid(ctx, arena_printf(a, "body failed validation: body.%s should be an object.", type));
        const char *err = NULL;
        json_value *c = block_content(ctx, type, tin, json_get(b, type), arena_printf(a, "body.%s", type), &err);
        if (!c) return nt_invalid(ctx, err);
        json_set(a, b, type, c);
    }
    if (tset) set_trash(a, b, tval);
    save_block(ctx, b);
    if (tset) refresh_parent_children(ctx, b);
    twin_reply_json(ctx, 200, nt_block_json(ctx, b));
}

void nt_blocks_delete(twin_ctx *ctx)
{
    const char *id;
    json_value *b = block_arg(ctx, &id);
    if (!b) return;
    if (json_truthy(json_get(b, "in_trash")))
        return archived_error(ctx);
    if (str_eq(json_get_str(b, "type"), "child_page")) {
        set_page_trash(ctx, id, true);
        return twin_reply_json(ctx, 200, nt_block_json(ctx, block_load(ctx, id)));
    }
    set_trash(ctx->a, b, true);
    save_block(ctx, b);
    refresh_parent_children(ctx, b);
    twin_reply_json(ctx, 200, nt_block_json(ctx, b));
}

void nt_blocks_children(twin_ctx *ctx)
{
    const char *id;
    if (!block_arg(ctx, &id)) return;
    store_list_opts o = {.index_name = "parent", .index_value = id};
    twin_list l = {0};
    twin_doc_list(ctx, "blocks", &o, &l);
    json_value *items = json_array(ctx->a);
    for (size_t i = 0; i < l.n; i++)
        if (!json_truthy(json_get(l.items[i], "in_trash"))) json_push(items, nt_block_json(ctx, l.items[i]));
    nt_send_list(ctx, items, "block");
}

/* The anchor named by body.position ({"type":"start"|"end"|"after_block"})
 * or the older body.after: *start for the start, *anchor for after a block,
 * neither for the end.  Answers validation_error and returns false. */
static bool position_arg(twin_ctx *ctx, bool *start, const char **anchor)
{
    arena *a = ctx->a;
    *start = false;
    *anchor = NULL;
    json_value *pos = json_get(ctx->body, "position"), *after = json_get(ctx->body, "after");
    const char *raw = NULL, *path = "body.after";
    if (pos && !json_is_null(pos)) {
        const char *type = json_get_str(pos, "type");
        if (str_eq(type, "start")) {
            *start = true;
        } else if (str_eq(type, "after_block")) {
            raw = json_get_str(json_get(pos, "after_block"), "id");
            path = "body.position.after_block.id";
        } else if (!str_eq(type, "end")) {
            nt_invalid(ctx, arena_printf(a, "body failed validation: body.position.type should be `\"after_block\"`, `\"start\"` "
                                            "or `\"end\"`, instead was `%s`.", type ? arena_printf(a, "\"%s\"", type) : "undefined"));
            return false;
        }
        if (str_eq(type, "after_block") && !raw) {
            nt_invalid(ctx, "body failed validation: body.position.after_block.id should be defined, instead was `undefined`.");
            return false;
        }
    } else if (after && !json_is_null(after)) {
        raw = json_str(after);
        if (!raw) {
            nt_invalid(ctx, arena_printf(a, "body failed validation: body.after should be a string, instead was `%s`.",
                                         json_to_string(a, after, NULL)));
            return false;
        }
    }
    if (raw && !(*anchor = nt_norm_id(a, raw))) {
        nt_invalid(ctx, arena_printf(a, "body failed validation: %s should be a valid uuid, instead was `\"%s\"`.", path, raw));
        return false;
    }
    return true;
}

/* The parent's children that must follow the appended blocks (all of them
 * for the start, those after the anchor), or NULL after answering that the
 * anchor is not one of the parent's live children. */
static json_value *following_siblings(twin_ctx *ctx, const char *parent_id, bool start, const char *anchor)
{
    arena *a = ctx->a;
    json_value *out = json_array(a);
    if (!start && !anchor) return out;
    store_list_opts o = {.index_name = "parent", .index_value = parent_id};
    twin_list l = {0};
    if (twin_doc_list(ctx, "blocks", &o, &l) != 0) {
        nt_error(ctx, 500, "internal_server_error", "The block's children could not be read.");
        return NULL;
    }
    bool found = start;
    for (size_t i = 0; i < l.n; i++) {
        if (found) json_push(out, l.items[i]);
        else if (str_eq(json_get_str(l.items[i], "id"), anchor) && !json_truthy(json_get(l.items[i], "in_trash"))) found = true;
    }
    if (!found) {
        nt_invalid(ctx, arena_printf(a, "Block %s is not a child of block %s, so blocks cannot be appended after it.", anchor,
                                     parent_id));
        return NULL;
    }
    return out;
}

/* Moves documents to the end of the store's insertion order (the order
 * children are listed in): a removed and re-stored document is a new one. */
static void move_to_end(twin_ctx *ctx, const char *parent_id, const json_value *docs)
{
    json_foreach(d, docs) {
        twin_doc_delete(ctx, "blocks", json_get_str(d, "id"));
        nt_save(ctx, "blocks", d, "parent", parent_id);
    }
}

void nt_blocks_append(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *id;
    json_value *b = block_arg(ctx, &id);
    if (!b) return;
    if (json_truthy(json_get(b, "in_trash")))
        return archived_error(ctx);
    json_value *children = json_get(ctx->body, "children");
    if (!children || children->type != JSON_ARRAY)
        return nt_invalid(ctx, "body failed validation: body.children should be defined, instead was `undefined`.");
    if (children->len > 100)
        return nt_invalid(ctx, arena_printf(a, "body failed validation: body.children.length should be ≤ `100`, instead was `%u`.",
                                            children->len));
    bool start;
    const char *anchor;
    if (!position_arg(ctx, &start, &anchor)) return;
    json_value *following = following_siblings(ctx, id, start, anchor);
    if (!following) return;
    bool is_page = str_eq(json_get_str(b, "type"), "child_page");
    const char *err = NULL;
    json_value *created = nt_append_blocks(ctx, id, is_page, children, "body.children", &err);
    if (!created) return nt_invalid(ctx, err);   /* rolls back the children appended so far */
    move_to_end(ctx, id, following);
    if (!is_page && !json_truthy(json_get(b, "has_children")) && created->len) {
        json_set_bool(a, b, "has_children", true);
        save_block(ctx, b);
    } else if (is_page) {
        set_page_trash(ctx, id, false);   /* touches last_edited_time */
    }
    json_value *o = json_object(a);
    json_set_str(a, o, "object", "list");
    json_set(a, o, "results", created);
    json_set_null(a, o, "next_cursor");
    json_set_bool(a, o, "has_more", false);
    json_set_str(a, o, "type", "block");
    json_set(a, o, "block", json_object(a));
    twin_reply_json(ctx, 200, o);
}
