/* Notion twin: ids, times, rich text, list pagination and storage helpers. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twins/notion/notion.h"
#include "util/util.h"

char *nt_uuid(twin_ctx *ctx)
{
    char u[37];
    uuid_derived(u, ctx->twin, "uuid", "id", twin_counter(ctx, "uuid"));
    return arena_strdup(ctx->a, u);
}

char *nt_norm_id(arena *a, const char *raw)
{
    if (!raw) return NULL;
    char h[33];
    size_t n = 0;
    for (const char *p = raw; *p; p++) {
        if (*p == '-') continue;
        if (!isxdigit((unsigned char)*p) || n >= 32) return NULL;
        h[n++] = (char)tolower((unsigned char)*p);
    }
    if (n != 32) return NULL;
    h[32] = '\0';
    return arena_printf(a, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

const char *nt_param_id(twin_ctx *ctx, const char *param, const char *label)
{
    const char *raw = twin_param(ctx, param);
    char *id = nt_norm_id(ctx->a, raw);
    if (!id)
        nt_invalid(ctx, arena_printf(ctx->a, "path failed validation: path.%s should be a valid uuid, instead was `\"%s\"`.",
                                     label, raw ? raw : ""));
    return id;
}

const char *nt_body_id(twin_ctx *ctx, const char *raw, const char *path)
{
    char *id = nt_norm_id(ctx->a, raw);
    if (!id)
        nt_invalid(ctx, arena_printf(ctx->a, "body failed validation: %s should be a valid uuid, instead was `\"%s\"`.", path,
                                     raw ? raw : ""));
    return id;
}

const char *nt_now_iso(twin_ctx *ctx)
{
    char out[40];
    format_iso8601(twin_now(ctx) * 1000, true, out, sizeof out);
    return arena_strdup(ctx->a, out);
}

json_value *nt_partial_user(twin_ctx *ctx, const char *id)
{
    json_value *u = json_object(ctx->a);
    json_set_str(ctx->a, u, "object", "user");
    json_set_str(ctx->a, u, "id", id);
    return u;
}

const char *nt_bot_id(twin_ctx *ctx)
{
    json_value *m = twin_doc_get(ctx, "meta", "workspace");
    const char *id = json_get_str(m, "bot_id");
    return id ? id : "00000000-0000-4000-8000-000000000000";
}

void nt_ensure_workspace(twin_ctx *ctx)
{
    if (twin_doc_get(ctx, "meta", "workspace")) return;
    arena *a = ctx->a;
    bool has_person = false;
    twin_list l = {0};
    store_list_opts o = {0};
    if (twin_doc_list(ctx, "users", &o, &l) == 0)
        for (size_t i = 0; i < l.n; i++) has_person |= str_eq(json_get_str(l.items[i], "type"), "person");
    if (!has_person) nt_user_create(ctx, "Workspace Owner", "owner@example.com", false);
    const char *bot_name = json_get_str(ctx->config, "bot_name");
    json_value *bot = nt_user_create(ctx, bot_name ? bot_name : "Twins Integration", NULL, true);
    json_value *m = json_object(a);
    json_set_str(a, m, "bot_id", json_get_str(bot, "id"));
    twin_doc_put(ctx, "meta", "workspace", m, NULL, 0);
}

void nt_stamp(twin_ctx *ctx, json_value *obj, bool created)
{
    arena *a = ctx->a;
    const char *now = nt_now_iso(ctx), *bot = nt_bot_id(ctx);
    if (created) {
        json_set_str(a, obj, "created_time", now);
        json_set(a, obj, "created_by", nt_partial_user(ctx, bot));
    }
    json_set_str(a, obj, "last_edited_time", now);
    json_set(a, obj, "last_edited_by", nt_partial_user(ctx, bot));
    json_set_int(a, obj, "_edit", twin_counter(ctx, "edit"));
}

static json_value *annotations(arena *a)
{
    json_value *an = json_object(a);
    static const char *const flags[] = {"bold", "italic", "strikethrough", "underline", "code", NULL};
    for (size_t i = 0; flags[i]; i++) json_set_bool(a, an, flags[i], false);
    json_set_str(a, an, "color", "default");
    return an;
}

static json_value *text_item(arena *a, const char *content, const char *link)
{
    json_value *it = json_object(a), *t = json_object(a);
    json_set_str(a, it, "type", "text");
    json_set_str(a, t, "content", content);
    if (link) {
        json_value *l = json_object(a);
        json_set_str(a, l, "url", link);
        json_set(a, t, "link", l);
    } else {
        json_set_null(a, t, "link");
    }
    json_set(a, it, "text", t);
    json_set(a, it, "annotations", annotations(a));
    json_set_str(a, it, "plain_text", content);
    json_set_str(a, it, "href", link);
    return it;
}

json_value *nt_text(arena *a, const char *content)
{
    json_value *arr = json_array(a);
    if (content && *content) json_push(arr, text_item(a, content, NULL));
    return arr;
}

size_t nt_text_length(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if ((*p & 0xC0) == 0x80) continue;      /* continuation byte */
        n += (*p >= 0xF0) ? 2 : 1;              /* 4-byte sequences are surrogate pairs */
    }
    return n;
}

/* NULL when s fits in max characters, else the validation message. */
static const char *too_long(arena *a, const char *path, const char *s, size_t max)
{
    size_t n = nt_text_length(s);
    if (n <= max) return NULL;
    return arena_printf(a, "body failed validation: %s.length should be ≤ `%zu`, instead was `%zu`.", path, max, n);
}

json_value *nt_rich_text(twin_ctx *ctx, const json_value *in, const char *path, const char **err)
{
    arena *a = ctx->a;
    if (!in || in->type != JSON_ARRAY) {
        *err = arena_printf(a, "body failed validation: %s should be an array, instead was `%s`.", path,
                            in ? json_to_string(a, in, NULL) : "undefined");
        return NULL;
    }
    if (in->len > 100) {
        *err = arena_printf(a, "body failed validation: %s.length should be ≤ `100`, instead was `%u`.", path, in->len);
        return NULL;
    }
    json_value *out = json_array(a);
    size_t i = 0;
    json_foreach(x, in) {
        const char *ip = arena_printf(a, "%s[%zu]", path, i++);
        if (x->type != JSON_OBJECT) {
            *err = arena_printf(a, "body failed validation: %s should be an object.", ip);
            return NULL;
        }
        const char *type = json_get_str(x, "type");
        json_value *item;
        if (!type || str_eq(type, "text")) {
            json_value *t = json_get(x, "text");
            const char *content = json_get_str(t, "content");
            if (!content) {
                *err = arena_printf(a, "body failed validation: %s.text.content should be defined, instead was `undefined`.", ip);
                return NULL;
            }
            const char *link = json_get_str(json_get(t, "link"), "url");
            if ((*err = too_long(a, arena_printf(a, "%s.text.content", ip), content, 2000)) ||
                (*err = too_long(a, arena_printf(a, "%s.text.link.url", ip), link, 2000)))
                return NULL;
            item = text_item(a, content, link);
        } else if (str_eq(type, "equation") || str_eq(type, "mention")) {
            item = json_clone(a, x);
            const char *pt = str_eq(type, "equation") ? json_get_str(json_get(x, "equation"), "expression") : NULL;
            if ((*err = too_long(a, arena_printf(a, "%s.equation.expression", ip), pt, 1000))) return NULL;
            if (!json_get(item, "annotations")) json_set(a, item, "annotations", annotations(a));
            json_set_str(a, item, "plain_text", pt ? pt : json_get_str(x, "plain_text") ? json_get_str(x, "plain_text") : "");
            if (!json_get(item, "href")) json_set_null(a, item, "href");
        } else {
            *err = arena_printf(a, "body failed validation: %s.type should be `\"text\"`, `\"mention\"` or `\"equation\"`, "
                                "instead was `\"%s\"`.", ip, type);
            return NULL;
        }
        json_value *an = json_get(x, "annotations");
        if (an && an->type == JSON_OBJECT) {
            json_value *base = json_get(item, "annotations");
            json_foreach(m, an) if (json_is_bool(m) || m->type == JSON_STRING) json_set(a, base, m->key, json_clone(a, m));
        }
        json_push(out, item);
    }
    return out;
}

const char *nt_plain(arena *a, const json_value *rich)
{
    buf b = {0};
    json_foreach(x, rich) {
        const char *p = json_get_str(x, "plain_text");
        if (p) buf_append(&b, p, strlen(p));
    }
    char *s = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

bool nt_page_args(twin_ctx *ctx, int64_t *size, const char **cursor, bool in_body)
{
    const json_value *src = in_body ? ctx->body : ctx->query;
    const char *where = in_body ? "body" : "query";
    *size = 100;
    *cursor = NULL;
    json_value *ps = json_get(src, "page_size");
    if (ps && !json_is_null(ps)) {
        int64_t n = 0;
        bool ok = ps->type == JSON_NUMBER ? json_int64(ps, &n) : false;
        if (ps->type == JSON_STRING) {
            char *end;
            n = strtoll(ps->str, &end, 10);
            ok = *ps->str && !*end;
        }
        if (!ok) {
            nt_invalid(ctx, arena_printf(ctx->a, "%s failed validation: %s.page_size should be a number, instead was `%s`.",
                                         where, where, json_to_string(ctx->a, ps, NULL)));
            return false;
        }
        if (n < 1 || n > 100) {
            nt_invalid(ctx, arena_printf(ctx->a, "%s failed validation: %s.page_size should be %s, instead was `%lld`.",
                                         where, where, n < 1 ? "≥ `1`" : "≤ `100`", (long long)n));
            return false;
        }
        *size = n;
    }
    json_value *c = json_get(src, "start_cursor");
    if (c && !json_is_null(c)) {
        if (c->type != JSON_STRING) {
            nt_invalid(ctx, arena_printf(ctx->a, "%s failed validation: %s.start_cursor should be a string.", where, where));
            return false;
        }
        if (*c->str) *cursor = c->str;
    }
    return true;
}

json_value *nt_slice(twin_ctx *ctx, json_value *items, int64_t size, const char *cursor, const char *want,
                     const char **next)
{
    arena *a = ctx->a;
    size_t start = 0, i = 0;
    if (cursor) {
        bool found = false;
        json_foreach(x, items) {
            if (want && str_eq(json_get_str(x, "id"), want)) {
                start = i;
                found = true;
                break;
            }
            i++;
        }
        if (!found) {
            nt_invalid(ctx, arena_printf(a, "start_cursor provided is invalid: %s", cursor));
            return NULL;
        }
    }
    json_value *results = json_array(a);
    *next = NULL;
    i = 0;
    for (json_value *x = items->first, *nx; x; x = nx, i++) {
        nx = x->next;
        if (i < start) continue;
        if (i >= start + (size_t)size) {
            *next = json_get_str(x, "id");
            break;
        }
        x->next = NULL;
        x->key = NULL;
        json_push(results, x);
    }
    return results;
}

void nt_send_docs(twin_ctx *ctx, json_value *items, const char *type, nt_render render, void *data)
{
    int64_t size;
    const char *cursor, *next;
    bool in_body = !str_eq(ctx->req->method, "GET");
    if (!nt_page_args(ctx, &size, &cursor, in_body)) return;
    arena *a = ctx->a;
    json_value *results = nt_slice(ctx, items, size, cursor, cursor ? nt_norm_id(a, cursor) : NULL, &next);
    if (!results) return;
    if (render) {
        json_value *page = results;
        results = json_array(a);
        json_foreach(x, page) json_push(results, render(ctx, x, data));
    }
    json_value *o = json_object(a);
    json_set_str(a, o, "object", "list");
    json_set(a, o, "results", results);
    json_set_str(a, o, "next_cursor", next);
    json_set_bool(a, o, "has_more", next != NULL);
    json_set_str(a, o, "type", type);
    json_set(a, o, type, json_object(a));
    char rid[37];
    uuid_v4(rid);
    json_set_str(a, o, "request_id", rid);
    twin_reply_json(ctx, 200, o);
}

void nt_send_list(twin_ctx *ctx, json_value *items, const char *type)
{
    nt_send_docs(ctx, items, type, NULL, NULL);
}

json_value *nt_public(arena *a, const json_value *doc)
{
    json_value *o = json_object(a);
    json_foreach(m, doc) if (m->key[0] != '_') json_set(a, o, m->key, json_clone(a, m));
    return o;
}

const char *nt_url(twin_ctx *ctx, const char *title, const char *id)
{
    arena *a = ctx->a;
    buf b = {0};
    buf_printf(&b, "https://www.notion.so/");
    bool dash = false;
    for (const unsigned char *p = (const unsigned char *)(title ? title : ""); *p; p++) {
        if (isalnum(*p)) {
            buf_printf(&b, "%c", *p);
            dash = true;
        } else if (dash) {
            buf_printf(&b, "-");
            dash = false;
        }
    }
    if (b.len > 22 && b.data[b.len - 1] != '-') buf_printf(&b, "-");
    for (const char *p = id; *p; p++)
        if (*p != '-') buf_printf(&b, "%c", *p);
    char *s = arena_strndup(a, b.data, b.len);
    buf_free(&b);
    (void)ctx;
    return s;
}

void nt_save(twin_ctx *ctx, const char *collection, const json_value *doc, const char *index_name,
             const char *index_value)
{
    store_index idx = {index_name, index_value};
    twin_doc_put(ctx, collection, json_get_str(doc, "id"), doc, index_name ? &idx : NULL, index_name ? 1 : 0);
}

const char *nt_prop_id(twin_ctx *ctx, const char *owner, const char *name)
{
    char tok[8];
    derive_token(tok, 4, ctx->twin, owner, name, 0);
    return arena_strdup(ctx->a, tok);
}
