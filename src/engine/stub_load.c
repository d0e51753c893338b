/* Loading API descriptions: OpenAPI 3.0/3.1, Swagger 2.0 and Google
 * discovery documents -> stub_ops whose templates are the paths the
 * services' SDKs call (server base path and twin mount applied). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/stub_internal.h"
#include "util/util.h"

#define SPEC_ARENA_BLOCK (1u << 20)

static const char *const HTTP_METHODS[] = {"get", "put", "post", "delete", "patch", "head", "options"};

static stub_flavor flavor_for(const char *name)
{
    if (strcmp(name, "stripe") == 0) return STUB_FLAVOR_STRIPE;
    if (strcmp(name, "slack") == 0) return STUB_FLAVOR_SLACK;
    if (strcmp(name, "github") == 0) return STUB_FLAVOR_GITHUB;
    return STUB_FLAVOR_GENERIC;
}

static char *read_file(const char *path, size_t *len, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (asprintf(err, "%s: %s", path, strerror(errno)) < 0) *err = NULL;
        return NULL;
    }
    buf b = BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(&b, chunk, n);
    fclose(f);
    return buf_steal(&b, len);
}

/* "https://slack.com/api/" -> "/api"; "https://api.stripe.com/" -> "". */
static const char *url_path(arena *a, const char *url)
{
    if (!url) return "";
    const char *scheme = strstr(url, "://");
    const char *p = scheme ? strchr(scheme + 3, '/') : url;
    if (!p || *p != '/') return "";
    size_t n = strlen(p);
    while (n > 0 && p[n - 1] == '/') n--;
    return arena_strndup(a, p, n);
}

static const char *base_path_of(const stub_spec *s)
{
    if (json_get(s->doc, "swagger")) return url_path(s->a, json_get_str(s->doc, "basePath"));
    if (json_get(s->doc, "openapi"))
        return url_path(s->a, json_get_str(json_at(json_get(s->doc, "servers"), 0), "url"));
    const char *service = json_get_str(s->doc, "servicePath");   /* discovery: "drive/v3/" */
    return service ? url_path(s->a, arena_printf(s->a, "/%s", service)) : "";
}

/* True when path is mount or lies below it ("/api/v10/x" under "/api/v10"). */
static bool str_prefix_path(const char *path, const char *mount)
{
    size_t n = strlen(mount);
    return strncmp(path, mount, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* Discovery's RFC 6570 "{+name}" is the router's catch-all "{name+}". */
static char *router_template(arena *a, const char *mount, const char *base, const char *path)
{
    bool mounted = mount[0] && str_prefix_path(base, mount);
    buf b = BUF_INIT;
    if (!mounted) buf_puts(&b, mount);
    buf_puts(&b, base);
    if (path[0] != '/') buf_putc(&b, '/');
    for (const char *p = path; *p; p++) {
        if (p[0] == '{' && p[1] == '+') {
            const char *close = strchr(p, '}');
            if (close) {
                buf_printf(&b, "{%.*s+}", (int)(close - p - 2), p + 2);
                p = close;
                continue;
            }
        }
        buf_putc(&b, *p);
    }
    char *out = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return out;
}

static bool ends_with_ci(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

/* "id", "webhook_id", "fileId", "sbom_uuid"; never "*token". */
static bool id_like(const char *name, size_t n) { return ends_with_ci(name, n, "id") && !ends_with_ci(name, n, "token"); }

/* name is the noun seg names: "customers" -> customer, "policies" -> policy,
 * "payment_intents" -> intent (the last word of a compound noun). */
static bool names_noun(const char *name, size_t n, const char *seg, size_t seg_len)
{
    char forms[4][128];
    size_t k = 0;
    if (!n || seg_len == 0 || seg_len >= sizeof forms[0] - 2) return false;
    snprintf(forms[k++], sizeof forms[0], "%.*s", (int)seg_len, seg);
    if (seg[seg_len - 1] == 's') snprintf(forms[k++], sizeof forms[0], "%.*s", (int)seg_len - 1, seg);
    if (seg_len > 2 && !strncmp(seg + seg_len - 2, "es", 2)) snprintf(forms[k++], sizeof forms[0], "%.*s", (int)seg_len - 2, seg);
    if (seg_len > 3 && !strncmp(seg + seg_len - 3, "ies", 3)) snprintf(forms[k++], sizeof forms[0], "%.*sy", (int)seg_len - 3, seg);
    for (size_t i = 0; i < k; i++) {
        size_t len = strlen(forms[i]);
        if (len == n && !strncmp(forms[i], name, n)) return true;
        if (len > n && forms[i][len - n - 1] == '_' && !strncmp(forms[i] + len - n, name, n)) return true;
    }
    return false;
}

const char *stub_id_param(arena *a, const char *tmpl)
{
    /* segments ending the template that are all "{param}" */
    const char *segs[32];
    size_t lens[32], n = 0;
    for (const char *p = tmpl; *p && n < 32;) {
        if (*p == '/') { p++; continue; }
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        segs[n] = p, lens[n++] = len;
        p += len;
    }
    size_t first = n;
    while (first > 0 && lens[first - 1] > 2 && segs[first - 1][0] == '{' && segs[first - 1][lens[first - 1] - 1] == '}')
        first--;
    if (first == n) return NULL;
    const char *pick = NULL;
    size_t pick_len = 0;
    for (size_t i = n; i-- > first && !pick;) {
        const char *name = segs[i] + 1;
        size_t len = lens[i] - 2;
        if (len && name[len - 1] == '+') len--;        /* "{path+}" */
        if (id_like(name, len)) pick = name, pick_len = len;
    }
    if (!pick && first > 0) {
        const char *name = segs[first] + 1;
        size_t len = lens[first] - 2;
        if (len && name[len - 1] == '+') len--;
        if (!ends_with_ci(name, len, "token") && names_noun(name, len, segs[first - 1], lens[first - 1]))
            pick = name, pick_len = len;
    }
    return pick ? arena_strndup(a, pick, pick_len) : NULL;
}

static char *upper(arena *a, const char *s)
{
    char *u = arena_strdup(a, s);
    for (char *c = u; *c; c++) *c = (char)toupper((unsigned char)*c);
    return u;
}

typedef struct op_list {
    stub_op *items;
    size_t n, cap;
} op_list;

static void add_op(stub_spec *s, op_list *l, const char *method, const char *tmpl, const char *op_id,
                   int status, const stub_schema *schema)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        stub_op *grown = arena_alloc(s->a, l->cap * sizeof *grown);
        if (l->n) memcpy(grown, l->items, l->n * sizeof *grown);
        l->items = grown;
    }
    stub_op_info *info = arena_zalloc(s->a, sizeof *info);
    const char *m = upper(s->a, method);
    *info = (stub_op_info){
        .schema = status == 204 ? NULL : schema,
        .flavor = s->flavor,
        .warning = arena_printf(s->a,
                                "This endpoint (%s %s) is stubbed and returns mock data. Do not rely on "
                                "this response in production tests.",
                                m, tmpl),
        .id_param = stub_id_param(s->a, tmpl),
    };
    l->items[l->n++] = (stub_op){
        .method = m,
        .path = tmpl,
        .operation_id = op_id ? arena_strdup(s->a, op_id) : NULL,
        .status = status,
        .schema = info,
    };
}

/* ---- OpenAPI / Swagger ---- */

static const json_value *deref(const stub_spec *s, const json_value *v)
{
    for (int hops = 0; hops < 8 && v && json_get_str(v, "$ref"); hops++) v = stub_resolve_ref(s, json_get_str(v, "$ref"));
    return v;
}

/* The lowest 2xx status, or 0 when the operation documents none. */
static int success_status(const json_value *responses, const json_value **resp)
{
    int best = 0;
    json_foreach(r, responses) {
        int code = atoi(r->key);
        if (code >= 200 && code < 300 && (!best || code < best)) {
            best = code;
            *resp = r;
        }
    }
    return best;
}

static const json_value *response_schema(const stub_spec *s, const json_value *resp)
{
    resp = deref(s, resp);
    if (!resp) return NULL;
    const json_value *schema = json_get(resp, "schema");               /* Swagger 2.0 */
    if (schema) return schema;
    const json_value *content = json_get(resp, "content");
    json_foreach(media, content) if (strstr(media->key, "json")) return json_get(media, "schema");
    return content && content->first ? json_get(content->first, "schema") : NULL;
}

static void load_openapi_ops(stub_spec *s, const char *mount, op_list *l)
{
    const char *base = base_path_of(s);
    json_foreach(item, json_get(s->doc, "paths")) {
        const char *tmpl = router_template(s->a, mount, base, item->key);
        json_foreach(op, item) {
            bool is_method = false;
            for (size_t i = 0; i < sizeof HTTP_METHODS / sizeof HTTP_METHODS[0]; i++)
                is_method = is_method || strcmp(op->key, HTTP_METHODS[i]) == 0;
            if (!is_method) continue;
            const json_value *resp = NULL;
            int status = success_status(json_get(op, "responses"), &resp);
            const json_value *schema = resp ? response_schema(s, resp) : NULL;
            /* A 200 documenting no body (APIs-guru's conversions of Google's
             * bodiless methods, Jira's deletes): the service answers 204, as
             * the discovery path below does.  No 2xx at all stays 200. */
            if (status == 200 && !schema) status = 204;
            add_op(s, l, op->key, tmpl, json_get_str(op, "operationId"), status ? status : 200,
                   schema ? stub_schema_compile(s, schema) : stub_schema_compile(s, NULL));
        }
    }
}

/* ---- Google discovery ---- */

static void load_discovery_method(stub_spec *s, const char *mount, const char *base, const json_value *m,
                                  op_list *l)
{
    const char *method = json_get_str(m, "httpMethod");
    const char *path = json_get_str(m, "path");
    if (!method || !path) return;
    const json_value *response = json_get(m, "response");
    const stub_schema *schema = stub_schema_compile(s, response);
    int status = response ? 200 : 204;
    const char *id = json_get_str(m, "id");
    add_op(s, l, method, router_template(s->a, mount, base, path), id, status, schema);
    /* Media uploads go to "/upload/drive/v3/files": an absolute path. */
    const char *upload = json_get_str(json_path(m, "mediaUpload.protocols.simple"), "path");
    if (upload) add_op(s, l, method, router_template(s->a, mount, "", upload), id, status, schema);
}

static void load_discovery_resources(stub_spec *s, const char *mount, const char *base,
                                     const json_value *resources, op_list *l)
{
    json_foreach(r, resources) {
        json_foreach(m, json_get(r, "methods")) load_discovery_method(s, mount, base, m, l);
        load_discovery_resources(s, mount, base, json_get(r, "resources"), l);
    }
}

/* ---- the spec ---- */

static bool load_ops(stub_spec *s, const char *mount, char **err)
{
    op_list l = {0};
    if (json_get(s->doc, "paths")) {
        load_openapi_ops(s, mount, &l);
    } else if (json_get(s->doc, "resources")) {
        const char *base = base_path_of(s);
        json_foreach(m, json_get(s->doc, "methods")) load_discovery_method(s, mount, base, m, &l);
        load_discovery_resources(s, mount, base, json_get(s->doc, "resources"), &l);
    } else {
        if (asprintf(err, "%s: neither OpenAPI/Swagger paths nor discovery resources", s->name) < 0) *err = NULL;
        return false;
    }
    s->ops = l.items;
    s->n_ops = l.n;
    return true;
}

stub_spec *stub_spec_load(const char *path, const char *name, const char *mount, char **err)
{
    size_t len = 0;
    char *text = read_file(path, &len, err);
    if (!text) return NULL;
    stub_spec *s = calloc(1, sizeof *s);
    if (!s) abort();
    s->name = strdup(name);
    s->a = arena_new(SPEC_ARENA_BLOCK);
    s->flavor = flavor_for(name);
    map_init(&s->refs);
    json_error jerr;
    s->doc = json_parse(s->a, text, len, &jerr);
    free(text);
    if (!s->doc) {
        if (asprintf(err, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.message) < 0) *err = NULL;
        stub_spec_free(s);
        return NULL;
    }
    if (!load_ops(s, mount ? mount : "", err)) {
        stub_spec_free(s);
        return NULL;
    }
    return s;
}

void stub_spec_free(stub_spec *s)
{
    if (!s) return;
    map_free(&s->refs);
    arena_free(s->a);
    free(s->name);
    free(s);
}

size_t stub_op_count(const stub_spec *s) { return s ? s->n_ops : 0; }

const stub_op *stub_op_at(const stub_spec *s, size_t i) { return s && i < s->n_ops ? &s->ops[i] : NULL; }

/* ---- the registry of loaded descriptions, shared by every run ---- */

static stub_spec **loaded;
static size_t n_loaded;

const stub_spec *stub_spec_for(const twin_def *def)
{
    for (size_t i = 0; def && def->spec_name && i < n_loaded; i++)
        if (strcmp(loaded[i]->name, def->spec_name) == 0) return loaded[i];
    return NULL;
}

int stub_load_all(const char *spec_dir)
{
    loaded = calloc(twin_count() + 1, sizeof *loaded);
    if (!loaded) abort();
    for (size_t i = 0; i < twin_count(); i++) {
        const twin_def *def = twin_at(i);
        if (!def->spec_name || stub_spec_for(def)) continue;
        char *path = NULL, *err = NULL;
        if (asprintf(&path, "%s/%s.json", spec_dir, def->spec_name) < 0) abort();
        stub_spec *s = stub_spec_load(path, def->spec_name, def->spec_mount, &err);
        if (s) loaded[n_loaded++] = s;
        else fprintf(stderr, "twins: no stubs for %s: %s\n", def->name, err ? err : "out of memory");
        free(err);
        free(path);
    }
    return (int)n_loaded;
}

void stub_free_all(void)
{
    stub_cache_clear();
    for (size_t i = 0; i < n_loaded; i++) stub_spec_free(loaded[i]);
    free(loaded);
    loaded = NULL;
    n_loaded = 0;
}
