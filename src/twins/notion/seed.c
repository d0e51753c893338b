/* Notion twin: seeding from seed_config.notion (users, pages with text
 * content, databases with a column schema and rows).  Ids come from the
 * run's counters and the clock is the seeding origin, so two runs of one
 * scenario hold identical state. */
#include <string.h>

#include "twins/notion/notion.h"
#include "util/util.h"

static const char *page_by_title(twin_ctx *ctx, const char *title)
{
    twin_list l = {0};
    store_list_opts o = {0};
    twin_doc_list(ctx, "pages", &o, &l);
    for (size_t i = 0; i < l.n; i++)
        if (str_eq(nt_page_title(ctx, l.items[i]), title)) return json_get_str(l.items[i], "id");
    return NULL;
}

static json_value *parent_for(twin_ctx *ctx, const char *ref, const char *where, const char **error)
{
    arena *a = ctx->a;
    json_value *p = json_object(a);
    if (!ref) {
        json_set_str(a, p, "type", "workspace");
        json_set_bool(a, p, "workspace", true);
        return p;
    }
    const char *id = nt_norm_id(a, ref);
    if (!id || !twin_doc_get(ctx, "pages", id)) id = page_by_title(ctx, ref);
    if (!id) {
        *error = arena_printf(a, "%s.parent: no page titled \"%s\" was seeded before it", where, ref);
        return NULL;
    }
    json_set_str(a, p, "type", "page_id");
    json_set_str(a, p, "page_id", id);
    return p;
}

static json_value *emoji(arena *a, const char *e)
{
    if (!e) return NULL;
    json_value *o = json_object(a);
    json_set_str(a, o, "type", "emoji");
    json_set_str(a, o, "emoji", e);
    return o;
}

/* Sharing a page with an integration shares what lies below it, so an item
 * without its own flag follows its parent page (the workspace: shared). */
static bool shared_flag(twin_ctx *ctx, const json_value *in, const json_value *parent)
{
    json_value *s = json_get(in, "shared_with_integration");
    if (s) return json_truthy(s);
    const char *pid = json_get_str(parent, "page_id");
    json_value *pg = pid ? twin_doc_get(ctx, "pages", pid) : NULL;
    return !pg || json_truthy(json_get(pg, "_shared"));
}

/* One paragraph of rich text made of a line's bytes (at most 2,000 per
 * item, Notion's cap, cut on UTF-8 character boundaries). */
static json_value *paragraph(arena *a, const char *line, size_t len)
{
    json_value *b = json_object(a), *para = json_object(a), *rt = json_array(a);
    for (size_t off = 0; off < len || (len == 0 && off == 0);) {
        size_t take = len - off > 2000 ? 2000 : len - off;
        while (take && off + take < len && ((unsigned char)line[off + take] & 0xC0) == 0x80) take--;
        json_value *item = json_object(a), *text = json_object(a);
        json_set_str(a, item, "type", "text");
        json_set(a, text, "content", json_stringn(a, line + off, take));
        json_set(a, item, "text", text);
        json_push(rt, item);
        off += take;
        if (len == 0) break;
    }
    json_set(a, para, "rich_text", rt);
    json_set_str(a, b, "type", "paragraph");
    json_set(a, b, "paragraph", para);
    return b;
}

/* A page's text content, one paragraph per line, appended the way the API
 * takes blocks: at most 100 per request.  Returns the block count or -1. */
static int64_t seed_content(twin_ctx *ctx, const char *page_id, const char *content, const char *where,
                            const char **error)
{
    arena *a = ctx->a;
    int64_t n = 0;
    json_value *batch = json_array(a);
    for (const char *s = content ? content : ""; *s || batch->len;) {
        if (*s) {
            const char *nl = strchr(s, '\n');
            size_t len = nl ? (size_t)(nl - s) : strlen(s);
            json_push(batch, paragraph(a, s, len));
            s += len;
            if (*s == '\n') s++;
            if (*s && batch->len < 100) continue;
        }
        const char *err = NULL;
        if (!nt_append_blocks(ctx, page_id, true, batch, where, &err)) {
            *error = arena_printf(a, "%s.content: %s", where, err);
            return -1;
        }
        n += batch->len;
        batch = json_array(a);
    }
    return n;
}

int nt_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error)
{
    arena *a = ctx->a;
    int64_t n_users = 0, n_pages = 0, n_dbs = 0, n_rows = 0, n_blocks = 0;
    json_foreach(u, json_get(seed, "users")) {
        nt_user_create(ctx, json_get_str(u, "name"), json_get_str(u, "email"), false);
        n_users++;
    }
    nt_ensure_workspace(ctx);
    size_t i = 0;
    json_foreach(pg, json_get(seed, "pages")) {
        const char *where = arena_printf(a, "notion.pages[%zu]", i++);
        json_value *parent = parent_for(ctx, json_get_str(pg, "parent"), where, error);
        if (!parent) return -1;
        json_value *values = json_object(a), *t = json_object(a);
        json_set_str(a, t, "id", "title");
        json_set_str(a, t, "type", "title");
        json_set(a, t, "title", nt_text(a, json_get_str(pg, "title")));
        json_set(a, values, "title", t);
        json_value *page = nt_page_insert(ctx, parent, values, emoji(a, json_get_str(pg, "icon")), NULL, shared_flag(ctx, pg, parent));
        n_pages++;
        int64_t made = seed_content(ctx, json_get_str(page, "id"), json_get_str(pg, "content"), where, error);
        if (made < 0) return -1;
        n_blocks += made;
    }
    i = 0;
    json_foreach(d, json_get(seed, "databases")) {
        const char *where = arena_printf(a, "notion.databases[%zu]", i++);
        json_value *parent = parent_for(ctx, json_get_str(d, "parent"), where, error);
        if (!parent) return -1;
        json_value *props = json_object(a);
        bool has_title = false;
        json_foreach(col, json_get(d, "schema")) {
            json_value *c = json_object(a);
            json_set(a, c, col->str, json_object(a));
            json_set(a, props, col->key, c);
            has_title |= str_eq(col->str, "title");
        }
        if (!has_title) {
            json_value *c = json_object(a);
            json_set(a, c, "title", json_object(a));
            json_set(a, props, "Name", c);
        }
        const char *err = NULL;
        json_value *schema = nt_schema_build(ctx, json_get_str(d, "name"), props, NULL, &err);
        if (!schema) {
            *error = arena_printf(a, "%s.schema: %s", where, err);
            return -1;
        }
        json_value *ds;
        bool shared = shared_flag(ctx, d, parent);
        nt_db_insert(ctx, parent, nt_text(a, json_get_str(d, "name")), schema, false, NULL, shared, &ds);
        n_dbs++;
        json_value *pparent = json_object(a);
        json_set_str(a, pparent, "type", "data_source_id");
        json_set_str(a, pparent, "data_source_id", json_get_str(ds, "id"));
        json_set_str(a, pparent, "database_id", json_get_str(ds, "database_id"));
        size_t r = 0;
        json_foreach(row, json_get(d, "rows")) {
            /* comma-separated multi-select values become lists */
            json_value *in = json_clone(a, row);
            json_foreach(m, in) {
                json_value *prop = json_get(json_get(ds, "properties"), m->key);
                if (str_eq(json_get_str(prop, "type"), "multi_select") && m->type == JSON_STRING) {
                    json_value *arr = json_array(a);
                    for (const char *s = m->str; *s;) {
                        while (*s == ' ') s++;
                        const char *c = strchr(s, ',');
                        size_t len = c ? (size_t)(c - s) : strlen(s);
                        while (len && s[len - 1] == ' ') len--;
                        if (len) json_push(arr, json_stringn(a, s, len));
                        s = c ? c + 1 : s + strlen(s);
                    }
                    json_set(a, in, m->key, arr);
                }
            }
            json_value *values = nt_values(ctx, ds, in, NULL, &err);
            if (!values) {
                *error = arena_printf(a, "%s.rows[%zu]: %s", where, r, err);
                return -1;
            }
            nt_ds_save(ctx, ds);
            nt_page_insert(ctx, pparent, values, NULL, NULL, shared);
            n_rows++;
            r++;
        }
    }
    json_set_int(a, result, "users", n_users);
    json_set_int(a, result, "pages", n_pages);
    json_set_int(a, result, "blocks", n_blocks);
    json_set_int(a, result, "databases", n_dbs);
    json_set_int(a, result, "rows", n_rows);
    return 0;
}
