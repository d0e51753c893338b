/* Dropbox twin: paths, entries, revisions, content hashes and the change
 * journal that list_folder cursors read. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "twins/dropbox/dropbox.h"
#include "util/base64.h"
#include "util/util.h"

#define HASH_BLOCK (4 * 1024 * 1024)

static const char read_pattern[] = "(/(.|[\\r\\n])*|id:.*)|(rev:[0-9a-f]{9,})|(ns:[0-9]+(/(.|[\\r\\n])*)?)";
static const char write_pattern[] = "(/(.|[\\r\\n])*)|(ns:[0-9]+(/(.|[\\r\\n])*)?)|(id:.*)";
static const char root_pattern[] = "(/(.|[\\r\\n])*)?|id:.*|(ns:[0-9]+(/(.|[\\r\\n])*)?)";

/* Dropbox's content hash: SHA-256 of each 4 MiB block, then SHA-256 of the
 * concatenated block digests, in hex.  An empty file hashes no blocks. */
void dbx_content_hash(const char *data, size_t len, char out[65])
{
    EVP_MD_CTX *outer = EVP_MD_CTX_new();
    EVP_DigestInit_ex(outer, EVP_sha256(), NULL);
    for (size_t off = 0; off < len; off += HASH_BLOCK) {
        size_t n = len - off < HASH_BLOCK ? len - off : HASH_BLOCK;
        unsigned char block[32];
        unsigned int bl = 0;
        EVP_Digest(data + off, n, block, &bl, EVP_sha256(), NULL);
        EVP_DigestUpdate(outer, block, bl);
    }
    unsigned char md[32];
    unsigned int ml = 0;
    EVP_DigestFinal_ex(outer, md, &ml);
    EVP_MD_CTX_free(outer);
    for (unsigned int i = 0; i < ml; i++) snprintf(out + 2 * i, 3, "%02x", md[i]);
    out[64] = '\0';
}

const char *dbx_now(twin_ctx *ctx)
{
    char out[40];
    format_iso8601(twin_now(ctx) * 1000, false, out, sizeof out);
    return arena_strdup(ctx->a, out);
}

dbx_path_kind dbx_norm_path(arena *a, const char *in, const char **display, const char **lower)
{
    if (!in || !*in) {
        *display = *lower = "";
        return DBX_PATH_ROOT;
    }
    size_t n = strlen(in);
    if (in[0] != '/' || (n > 1 && in[n - 1] == '/') || n == 1) {
        if (str_eq(in, "/")) {
            *display = *lower = "";
            return DBX_PATH_ROOT;
        }
        return DBX_PATH_MALFORMED;
    }
    /* Components must be non-empty and not "." or "..". */
    for (const char *p = in; *p;) {
        const char *q = strchr(p + 1, '/');
        size_t clen = q ? (size_t)(q - p - 1) : strlen(p + 1);
        if (clen == 0 || (clen == 1 && p[1] == '.') || (clen == 2 && p[1] == '.' && p[2] == '.')) return DBX_PATH_MALFORMED;
        if (!q) break;
        p = q;
    }
    *display = arena_strdup(a, in);
    *lower = str_to_lower(arena_strdup(a, in));
    return DBX_PATH_OK;
}

static bool matches_read_pattern(const char *v, bool allow_rev)
{
    if (v[0] == '/' || str_starts_with(v, "id:")) return true;
    if (str_starts_with(v, "ns:")) {
        const char *p = v + 3;
        if (!isdigit((unsigned char)*p)) return false;
        while (isdigit((unsigned char)*p)) p++;
        return *p == '\0' || *p == '/';
    }
    if (allow_rev && str_starts_with(v, "rev:")) {
        size_t n = 0;
        for (const char *p = v + 4; *p; p++, n++)
            if (!isxdigit((unsigned char)*p) || isupper((unsigned char)*p)) return false;
        return n >= 9;
    }
    return false;
}

bool dbx_check_path_arg(twin_ctx *ctx, const char *field, const char *value, bool allow_root, bool allow_rev)
{
    if (!*value && allow_root) return true;
    if (!*value) {
        dbx_bad_request(ctx, arena_printf(ctx->a, "request body: %s: The root folder is unsupported.", field));
        return false;
    }
    /* "/" matches the pattern, but the root is spelled "" in API v2. */
    if (str_eq(value, "/")) {
        dbx_bad_request(ctx, arena_printf(ctx->a, "request body: %s: Specify the root folder as an empty string rather "
                                                  "than as \"/\".", field));
        return false;
    }
    if (matches_read_pattern(value, allow_rev)) return true;
    const char *pattern = allow_rev ? read_pattern : allow_root ? root_pattern : write_pattern;
    dbx_bad_request(ctx, arena_printf(ctx->a, "request body: %s: '%s' did not match pattern '%s'", field, value, pattern));
    return false;
}

static json_value *lookup_one(twin_ctx *ctx, const char *collection, const char *index, const char *value)
{
    store_key k = {.run = ctx->run_id, .twin = ctx->twin, .collection = collection};
    const char **ids = NULL;
    size_t n = 0;
    if (store_lookup(ctx->store, ctx->a, &k, index, value, &ids, &n, 1) != 0 || n == 0) return NULL;
    return twin_doc_get(ctx, collection, ids[0]);
}

json_value *dbx_entry_by_path(twin_ctx *ctx, const char *lower)
{
    if (!lower || !*lower) return NULL;
    return lookup_one(ctx, "entries", "path", lower);
}

json_value *dbx_entry_by_id(twin_ctx *ctx, const char *id)
{
    return twin_doc_get(ctx, "entries", id);
}

/* "ns:<digits>/rest" addresses the user's root namespace: same as "/rest". */
static const char *strip_namespace(const char *arg)
{
    if (!str_starts_with(arg, "ns:")) return arg;
    const char *p = arg + 3;
    while (isdigit((unsigned char)*p)) p++;
    return p;
}

/* Splits "id:abc/rest" into the entry and the lower-cased path it names. */
static const char *id_path(twin_ctx *ctx, const char *arg, const char **display, const char **reason)
{
    const char *slash = strchr(arg, '/');
    const char *id = slash ? arena_strndup(ctx->a, arg, (size_t)(slash - arg)) : arg;
    json_value *e = dbx_entry_by_id(ctx, id);
    if (!e) {
        *reason = "not_found";
        return NULL;
    }
    if (!slash) {
        *display = json_get_str(e, "path_display");
        return json_get_str(e, "path_lower");
    }
    const char *d, *l;
    if (dbx_norm_path(ctx->a, slash, &d, &l) != DBX_PATH_OK) {
        *reason = "malformed_path";
        return NULL;
    }
    *display = arena_printf(ctx->a, "%s%s", json_get_str(e, "path_display"), d);
    return arena_printf(ctx->a, "%s%s", json_get_str(e, "path_lower"), l);
}

json_value *dbx_resolve(twin_ctx *ctx, const char *arg, const char **reason)
{
    const char *display, *lower;
    *reason = "not_found";
    if (str_starts_with(arg, "id:")) {
        lower = id_path(ctx, arg, &display, reason);
        return lower ? dbx_entry_by_path(ctx, lower) : NULL;
    }
    dbx_path_kind k = dbx_norm_path(ctx->a, strip_namespace(arg), &display, &lower);
    if (k == DBX_PATH_MALFORMED) {
        *reason = "malformed_path";
        return NULL;
    }
    return k == DBX_PATH_OK ? dbx_entry_by_path(ctx, lower) : NULL;
}

const char *dbx_write_target(twin_ctx *ctx, const char *arg, const char **display, const char **reason)
{
    const char *lower;
    *reason = "malformed_path";
    if (str_starts_with(arg, "id:")) return id_path(ctx, arg, display, reason);
    if (dbx_norm_path(ctx->a, strip_namespace(arg), display, &lower) != DBX_PATH_OK) return NULL;
    return lower;
}

const char *dbx_parent_of(arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path) return "";
    return arena_strndup(a, path, (size_t)(slash - path));
}

const char *dbx_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bool dbx_path_within(const char *path, const char *root)
{
    if (!*root) return true;
    size_t n = strlen(root);
    return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

json_value *dbx_public_in(twin_ctx *ctx, dbx_sharing *sharing, const json_value *entry)
{
    json_value *o = json_object(ctx->a);
    json_foreach(m, entry) if (m->key[0] != '_') json_set(ctx->a, o, m->key, json_clone(ctx->a, m));
    dbx_render_sharing(ctx, sharing ? sharing : dbx_sharing_new(ctx), entry, o);
    return o;
}

json_value *dbx_public(twin_ctx *ctx, const json_value *entry)
{
    return dbx_public_in(ctx, NULL, entry);
}

static int64_t file_size(const json_value *entry)
{
    int64_t n;
    return entry && json_int64(json_get(entry, "size"), &n) ? n : 0;
}

void dbx_save_entry(twin_ctx *ctx, const json_value *entry)
{
    if (json_get(entry, "size")) {     /* a file: its new size replaces the stored one in the usage count */
        int64_t delta = file_size(entry) - file_size(twin_doc_get(ctx, "entries", json_get_str(entry, "id")));
        if (delta) dbx_usage_add(ctx, delta);
    }
    const char *lower = json_get_str(entry, "path_lower");
    store_index idx[] = {{"path", lower}, {"parent", dbx_parent_of(ctx->a, lower)}};
    twin_doc_put(ctx, "entries", json_get_str(entry, "id"), entry, idx, 2);
}

static bool is_folder_entry(const json_value *e)
{
    return str_eq(json_get_str(e, ".tag"), "folder");
}

static int by_path_lower(const void *x, const void *y)
{
    const json_value *a = *(json_value *const *)x, *b = *(json_value *const *)y;
    return strcmp(json_get_str(a, "path_lower"), json_get_str(b, "path_lower"));
}

typedef struct entry_vec {
    json_value **v;
    size_t n, cap;
} entry_vec;

static void vec_push(arena *a, entry_vec *ev, json_value *e)
{
    if (ev->n == ev->cap) {
        size_t cap = ev->cap ? ev->cap * 2 : 16;
        json_value **v = arena_alloc(a, sizeof *v * cap);
        if (ev->n) memcpy(v, ev->v, sizeof *v * ev->n);
        ev->v = v;
        ev->cap = cap;
    }
    ev->v[ev->n++] = e;
}

/* The entries directly in folder, through the parent index. */
static void add_children(twin_ctx *ctx, const char *folder, entry_vec *out)
{
    twin_list l = {0};
    store_list_opts o = {.index_name = "parent", .index_value = folder};
    if (twin_doc_list(ctx, "entries", &o, &l) != 0) return;
    for (size_t i = 0; i < l.n; i++) vec_push(ctx->a, out, l.items[i]);
}

static json_value *sorted_array(twin_ctx *ctx, entry_vec *ev)
{
    if (ev->n) qsort(ev->v, ev->n, sizeof *ev->v, by_path_lower);
    json_value *out = json_array(ctx->a);
    for (size_t i = 0; i < ev->n; i++) {
        ev->v[i]->next = NULL;
        ev->v[i]->key = NULL;
        json_push(out, ev->v[i]);
    }
    return out;
}

json_value *dbx_children(twin_ctx *ctx, const char *folder)
{
    entry_vec ev = {0};
    add_children(ctx, folder, &ev);
    return sorted_array(ctx, &ev);
}

/* Reads only the subtree: the top entry, then folder by folder down the
 * parent index (every entry of the account is never loaded). */
json_value *dbx_subtree(twin_ctx *ctx, const char *lower, bool include_self)
{
    entry_vec ev = {0};
    json_value *self = *lower ? dbx_entry_by_path(ctx, lower) : NULL;
    if (*lower && !self) return json_array(ctx->a);
    if (self && include_self) vec_push(ctx->a, &ev, self);
    if (self && !is_folder_entry(self)) return sorted_array(ctx, &ev);
    size_t first = ev.n;
    add_children(ctx, lower, &ev);
    for (size_t i = first; i < ev.n; i++)
        if (is_folder_entry(ev.v[i])) add_children(ctx, json_get_str(ev.v[i], "path_lower"), &ev);
    return sorted_array(ctx, &ev);
}

json_value *dbx_new_folder(twin_ctx *ctx, const char *display)
{
    arena *a = ctx->a;
    json_value *f = json_object(a);
    json_set_str(a, f, ".tag", "folder");
    json_set_str(a, f, "name", dbx_base_name(display));
    json_set_str(a, f, "path_lower", str_to_lower(arena_strdup(a, display)));
    json_set_str(a, f, "path_display", display);
    json_set_str(a, f, "id", twin_new_id(ctx, "id:", 22));
    dbx_save_entry(ctx, f);
    dbx_record_change(ctx, f, false);
    return f;
}

const char *dbx_cased(twin_ctx *ctx, const char *display)
{
    const char *parent = dbx_parent_of(ctx->a, display);
    if (!*parent) return display;
    json_value *p = dbx_entry_by_path(ctx, str_to_lower(arena_strdup(ctx->a, parent)));
    return p ? arena_printf(ctx->a, "%s/%s", json_get_str(p, "path_display"), dbx_base_name(display)) : display;
}

bool dbx_ensure_parents(twin_ctx *ctx, const char *display, const char **kind)
{
    arena *a = ctx->a;
    const char *parent = dbx_parent_of(a, display);
    if (!*parent) return true;
    json_value *p = dbx_entry_by_path(ctx, str_to_lower(arena_strdup(a, parent)));
    if (p) {
        if (str_eq(json_get_str(p, ".tag"), "folder")) return true;
        *kind = "file_ancestor";
        return false;
    }
    if (!dbx_ensure_parents(ctx, parent, kind)) return false;
    dbx_new_folder(ctx, dbx_cased(ctx, parent));
    return true;
}

static const char *new_rev(twin_ctx *ctx)
{
    int64_t c = twin_counter(ctx, "rev");
    /* Revs are hex (at least 9 digits); the counter keeps them ordered. */
    return arena_printf(ctx->a, "%010llx%06x", (long long)(0x5f0000000LL + c),
                        (unsigned)((uint64_t)c * 2654435761u) & 0xffffffu);
}

json_value *dbx_write_file(twin_ctx *ctx, json_value *existing, const char *display, const char *data, size_t len,
                           const char *client_modified)
{
    arena *a = ctx->a;
    json_value *f = existing ? existing : json_object(a);
    const char *now = dbx_now(ctx);
    char hash[65];
    dbx_content_hash(data, len, hash);
    if (!existing) {
        json_set_str(a, f, ".tag", "file");
        json_set_str(a, f, "name", dbx_base_name(display));
        json_set_str(a, f, "path_lower", str_to_lower(arena_strdup(a, display)));
        json_set_str(a, f, "path_display", display);
        json_set_str(a, f, "id", twin_new_id(ctx, "id:", 22));
    }
    json_set_str(a, f, "client_modified", client_modified ? client_modified : now);
    json_set_str(a, f, "server_modified", now);
    json_set_str(a, f, "rev", new_rev(ctx));
    json_set_int(a, f, "size", (int64_t)len);
    json_set_bool(a, f, "is_downloadable", true);
    json_set_str(a, f, "content_hash", hash);
    json_set_str(a, f, "_data", base64_encode(a, data, len));
    dbx_save_entry(ctx, f);
    json_value *r = json_object(a);
    json_set(a, r, "meta", dbx_public(ctx, f));
    json_set_str(a, r, "_data", json_get_str(f, "_data"));
    json_set_str(a, r, "file_id", json_get_str(f, "id"));
    store_index idx[] = {{"path", json_get_str(f, "path_lower")}, {"file", json_get_str(f, "id")}};
    twin_doc_put(ctx, "revisions", json_get_str(f, "rev"), r, idx, 2);
    dbx_record_change(ctx, f, false);
    return f;
}

char *dbx_entry_data(twin_ctx *ctx, const json_value *entry, size_t *len)
{
    const char *b64 = json_get_str(entry, "_data");
    char *d = b64 ? base64_decode(ctx->a, b64, len) : NULL;
    if (!d) {
        *len = 0;
        return arena_strdup(ctx->a, "");
    }
    return d;
}

/* "report.pdf" + " (1)" -> "report (1).pdf"; dot-files and folders keep the suffix at the end. */
static const char *with_suffix(arena *a, const char *display, const char *suffix, bool is_file)
{
    const char *name = dbx_base_name(display);
    const char *dot = is_file ? strrchr(name, '.') : NULL;
    if (dot == name) dot = NULL;
    size_t stem = dot ? (size_t)(dot - display) : strlen(display);
    return arena_printf(a, "%.*s%s%s", (int)stem, display, suffix, dot ? dot : "");
}

const char *dbx_autorename(twin_ctx *ctx, const char *display, bool conflicted_copy)
{
    arena *a = ctx->a;
    json_value *cur = dbx_entry_by_path(ctx, str_to_lower(arena_strdup(a, display)));
    bool is_file = !cur || str_eq(json_get_str(cur, ".tag"), "file");
    for (int n = 1; n < 10000; n++) {
        const char *suffix = conflicted_copy ? (n == 1 ? " (conflicted copy)" : arena_printf(a, " (conflicted copy %d)", n))
                                             : arena_printf(a, " (%d)", n);
        const char *cand = with_suffix(a, display, suffix, is_file);
        if (!dbx_entry_by_path(ctx, str_to_lower(arena_strdup(a, cand)))) return cand;
    }
    return NULL;
}

bool dbx_valid_timestamp(const char *s)
{
    int y, mo, d, h, mi, se;
    char z;
    return strlen(s) == 20 && sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &z) == 7 && z == 'Z' &&
           parse_iso8601_ms(s) >= 0;
}

const char *dbx_change_id(arena *a, int64_t seq)
{
    return arena_printf(a, "%012lld", (long long)seq);
}

void dbx_record_delete(twin_ctx *ctx, const char *lower, const char *display, const char *name)
{
    arena *a = ctx->a;
    int64_t seq = twin_counter(ctx, "change");
    json_value *c = json_object(a);
    json_set_int(a, c, "seq", seq);
    json_set_str(a, c, "path", lower);
    json_set_str(a, c, "path_display", display);
    json_set_str(a, c, "name", name);
    json_set_bool(a, c, "deleted", true);
    json_set_str(a, c, "time", dbx_now(ctx));
    store_index idx = {"path", lower};
    twin_doc_put(ctx, "changes", dbx_change_id(a, seq), c, &idx, 1);
    dbx_longpoll_wake(ctx, lower);
    dbx_notify(ctx);
}

void dbx_record_change(twin_ctx *ctx, const json_value *entry, bool deleted)
{
    dbx_notify(ctx);
    if (deleted) {
        dbx_record_delete(ctx, json_get_str(entry, "path_lower"), json_get_str(entry, "path_display"),
                          json_get_str(entry, "name"));
        return;
    }
    arena *a = ctx->a;
    int64_t seq = twin_counter(ctx, "change");
    json_value *c = json_object(a);
    json_set_int(a, c, "seq", seq);
    json_set_str(a, c, "path", json_get_str(entry, "path_lower"));
    json_set_bool(a, c, "deleted", false);
    store_index idx = {"path", json_get_str(entry, "path_lower")};
    twin_doc_put(ctx, "changes", dbx_change_id(a, seq), c, &idx, 1);
    dbx_longpoll_wake(ctx, json_get_str(entry, "path_lower"));
}

int64_t dbx_latest_seq(twin_ctx *ctx)
{
    twin_list l = {0};
    store_list_opts o = {.limit = 1, .newest_first = true};
    if (twin_doc_list(ctx, "changes", &o, &l) != 0 || l.n == 0) return 0;
    int64_t seq = 0;
    json_int64(json_get(l.items[0], "seq"), &seq);
    return seq;
}

void dbx_delete_tree(twin_ctx *ctx, const json_value *entry)
{
    json_value *tree = dbx_subtree(ctx, json_get_str(entry, "path_lower"), true);
    int64_t freed = 0;
    json_foreach(e, tree) freed += file_size(e);
    if (freed) dbx_usage_add(ctx, -freed);
    json_foreach(e, tree) twin_doc_delete(ctx, "entries", json_get_str(e, "id"));
    /* One journal entry for the top: clients drop what was under a deleted folder. */
    dbx_record_change(ctx, entry, true);
}
