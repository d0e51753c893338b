/* Jira twin: answers, errors, ids, ADF, storage and pagination helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twins/jira/jira.h"
#include "util/buf.h"
#include "util/util.h"

void jira_errors(twin_ctx *ctx, int status, const char *message)
{
    arena *a = ctx->a;
    json_value *b = json_object(a), *m = json_array(a);
    if (message) json_push(m, json_string(a, message));
    json_set(a, b, "errorMessages", m);
    json_set(a, b, "errors", json_object(a));
    twin_reply_json(ctx, status, b);
}

void jira_field_error(twin_ctx *ctx, int status, const char *field, const char *message)
{
    arena *a = ctx->a;
    json_value *b = json_object(a), *e = json_object(a);
    json_set(a, b, "errorMessages", json_array(a));
    json_set_str(a, e, field, message);
    json_set(a, b, "errors", e);
    twin_reply_json(ctx, status, b);
}

void jira_issue_404(twin_ctx *ctx)
{
    jira_errors(ctx, 404, "Issue does not exist or you do not have permission to see it.");
}

const char *jira_base(twin_ctx *ctx)
{
    return ctx->inst && ctx->inst->base_url ? ctx->inst->base_url : "https://your-domain.atlassian.net";
}

const char *jira_iso(twin_ctx *ctx, int64_t t)
{
    char out[40];
    format_iso8601(t * 1000, true, out, sizeof out);
    /* 2024-01-01T00:00:00.000Z -> 2024-01-01T00:00:00.000+0000 */
    size_t n = strlen(out);
    if (n && out[n - 1] == 'Z') out[n - 1] = '\0';
    return arena_printf(ctx->a, "%s+0000", out);
}

const char *jira_now(twin_ctx *ctx)
{
    return jira_iso(ctx, twin_now(ctx));
}

int64_t jira_next_id(twin_ctx *ctx, const char *kind)
{
    return 9999 + twin_counter(ctx, arena_printf(ctx->a, "id:%s", kind));
}

const char *jira_id_str(twin_ctx *ctx, int64_t id)
{
    return arena_printf(ctx->a, "%lld", (long long)id);
}

const char *jira_str_arg(twin_ctx *ctx, const char *name)
{
    json_value *v = twin_input(ctx, name);
    if (!v) return NULL;
    if (v->type == JSON_STRING || v->type == JSON_NUMBER) return v->str;
    return NULL;
}

const char *jira_query_list(twin_ctx *ctx, const char *name)
{
    const char **values;
    if (!http_query_all(ctx->req, name, &values)) return NULL;
    char *joined = arena_strdup(ctx->a, values[0]);
    for (const char **v = values + 1; *v; v++) joined = arena_printf(ctx->a, "%s,%s", joined, *v);
    return joined;
}

int64_t jira_int_arg(twin_ctx *ctx, const char *name, int64_t dflt)
{
    const char *v = jira_str_arg(ctx, name);
    if (!v || !*v) return dflt;
    char *end;
    long long n = strtoll(v, &end, 10);
    return *end ? dflt : (int64_t)n;
}

json_value *jira_adf(twin_ctx *ctx, const json_value *v)
{
    arena *a = ctx->a;
    if (!v || v->type == JSON_NULL) return NULL;
    if (v->type == JSON_OBJECT) return json_clone(a, v);
    if (v->type != JSON_STRING) return NULL;
    json_value *doc = json_object(a), *content = json_array(a);
    json_set_str(a, doc, "type", "doc");
    json_set_int(a, doc, "version", 1);
    if (v->len) {
        json_value *p = json_object(a), *pc = json_array(a), *t = json_object(a);
        json_set_str(a, p, "type", "paragraph");
        json_set_str(a, t, "type", "text");
        json_set_str(a, t, "text", v->str);
        json_push(pc, t);
        json_set(a, p, "content", pc);
        json_push(content, p);
    }
    json_set(a, doc, "content", content);
    return doc;
}

static void adf_walk(buf *b, const json_value *n)
{
    if (!n) return;
    const char *t = json_get_str(n, "text");
    if (t) buf_printf(b, "%s", t);
    json_foreach(c, json_get(n, "content")) {
        adf_walk(b, c);
        const char *ty = json_get_str(c, "type");
        if (str_eq(ty, "paragraph") || str_eq(ty, "heading")) buf_printf(b, "\n");
    }
}

const char *jira_adf_text(arena *a, const json_value *doc)
{
    if (!doc) return "";
    if (doc->type == JSON_STRING) return doc->str;
    buf b = {0};
    adf_walk(&b, doc);
    char *s = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

static void html_text(buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': buf_printf(b, "&amp;"); break;
        case '<': buf_printf(b, "&lt;"); break;
        case '>': buf_printf(b, "&gt;"); break;
        case '"': buf_printf(b, "&quot;"); break;
        case '\n': buf_printf(b, "<br/>"); break;
        default: buf_printf(b, "%c", *s);
        }
    }
}

/* The HTML tag a block node renders as, or NULL for inline content. */
static const char *adf_tag(arena *a, const json_value *n)
{
    const char *ty = json_get_str(n, "type");
    if (str_eq(ty, "paragraph")) return "p";
    if (str_eq(ty, "bulletList")) return "ul";
    if (str_eq(ty, "orderedList")) return "ol";
    if (str_eq(ty, "listItem")) return "li";
    if (str_eq(ty, "blockquote")) return "blockquote";
    if (str_eq(ty, "codeBlock")) return "pre";
    if (str_eq(ty, "heading")) {
        int64_t level = 1;
        json_int64(json_get(json_get(n, "attrs"), "level"), &level);
        return arena_printf(a, "h%d", level >= 1 && level <= 6 ? (int)level : 1);
    }
    return NULL;
}

static void adf_html_walk(arena *a, buf *b, const json_value *n)
{
    if (!n) return;
    const char *ty = json_get_str(n, "type");
    if (str_eq(ty, "hardBreak")) buf_printf(b, "<br/>");
    else if (str_eq(ty, "rule")) buf_printf(b, "<hr/>");
    const char *text = json_get_str(n, "text");
    if (text) {
        /* marks wrap the text: strong, em, code */
        const char *open = "", *close = "";
        json_foreach(m, json_get(n, "marks")) {
            const char *mt = json_get_str(m, "type");
            const char *tag = str_eq(mt, "strong") ? "b" : str_eq(mt, "em") ? "em" : str_eq(mt, "code") ? "tt" : NULL;
            if (!tag) continue;
            open = arena_printf(a, "%s<%s>", open, tag);
            close = arena_printf(a, "</%s>%s", tag, close);
        }
        buf_printf(b, "%s", open);
        html_text(b, text);
        buf_printf(b, "%s", close);
    }
    const char *tag = adf_tag(a, n);
    if (tag) buf_printf(b, "<%s>", tag);
    json_foreach(c, json_get(n, "content")) adf_html_walk(a, b, c);
    if (tag) buf_printf(b, "</%s>", tag);
}

const char *jira_adf_html(arena *a, const json_value *doc)
{
    if (!doc || doc->type == JSON_NULL) return NULL;
    buf b = {0};
    if (doc->type == JSON_STRING) {
        buf_printf(&b, "<p>");
        html_text(&b, doc->str);
        buf_printf(&b, "</p>");
    } else {
        adf_html_walk(a, &b, doc);
    }
    char *s = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return s;
}

void jira_save(twin_ctx *ctx, const char *collection, const char *id, const json_value *doc,
               const char *iname, const char *ivalue, const char *iname2, const char *ivalue2)
{
    store_index idx[2];
    size_t n = 0;
    if (iname && ivalue) idx[n++] = (store_index){iname, ivalue};
    if (iname2 && ivalue2) idx[n++] = (store_index){iname2, ivalue2};
    twin_doc_put(ctx, collection, id, doc, n ? idx : NULL, n);
}

twin_list jira_list(twin_ctx *ctx, const char *collection, const char *iname, const char *ivalue)
{
    twin_list l = {0};
    store_list_opts o = {.index_name = iname, .index_value = ivalue};
    if (twin_doc_list(ctx, collection, &o, &l) != 0) l.n = 0;
    return l;
}

json_value *jira_page(twin_ctx *ctx, json_value *items, int64_t dflt_max, const char *values_key, bool is_last_member)
{
    arena *a = ctx->a;
    int64_t start = jira_int_arg(ctx, "startAt", 0), max = jira_int_arg(ctx, "maxResults", dflt_max);
    if (start < 0) start = 0;
    if (max < 0) max = dflt_max;
    int64_t total = items->len, i = 0;
    json_value *vals = json_array(a);
    for (json_value *it = items->first, *next; it; it = next, i++) {
        next = it->next;
        if (i >= start && i < start + max) {
            it->next = NULL;
            it->key = NULL;
            json_push(vals, it);
        }
    }
    json_value *o = json_object(a);
    json_set_int(a, o, "startAt", start);
    json_set_int(a, o, "maxResults", max);
    json_set_int(a, o, "total", total);
    if (is_last_member) json_set_bool(a, o, "isLast", start + max >= total);
    json_set(a, o, values_key ? values_key : "values", vals);
    return o;
}
