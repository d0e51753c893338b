/* Dropbox twin: list_folder with cursors (pages of a listing, then the
 * changes journal), get_latest_cursor, and search_v2 by name and
 * text content.  Cursors are opaque to clients: base64url of a small JSON
 * state that names the run, so a cursor from elsewhere is refused. */
#include <ctype.h>
#include <string.h>

#include "twins/dropbox/dropbox.h"
#include "util/base64.h"
#include "util/util.h"

#define MAX_PAGE 2000

const char *dbx_encode_cursor(twin_ctx *ctx, const json_value *state)
{
    json_value *s = json_clone(ctx->a, state);
    json_set_str(ctx->a, s, "run", ctx->run_id);
    twin_cursor_stamp(ctx, s);
    size_t len;
    const char *text = json_to_string(ctx->a, s, &len);
    return arena_printf(ctx->a, "AA%s", base64url_encode(ctx->a, text, len));
}

json_value *dbx_decode_cursor(twin_ctx *ctx, const char *cursor)
{
    if (!cursor || !str_starts_with(cursor, "AA")) return NULL;
    size_t len;
    char *text = base64_decode(ctx->a, cursor + 2, &len);
    json_value *s = text ? json_parse(ctx->a, text, len, NULL) : NULL;
    if (!s || s->type != JSON_OBJECT || !str_eq(json_get_str(s, "run"), ctx->run_id)) return NULL;
    return s;
}

static void malformed_cursor(twin_ctx *ctx)
{
    dbx_bad_request(ctx, "request body: cursor: Invalid \"cursor\" parameter: the cursor is malformed.");
}

static int64_t get_int(const json_value *o, const char *k, int64_t fallback)
{
    int64_t v;
    return json_int64(json_get(o, k), &v) ? v : fallback;
}

json_value *dbx_page(arena *a, json_value *items, int64_t offset, int64_t limit, bool *more)
{
    json_value *page = json_array(a);
    int64_t i = 0;
    *more = false;
    for (json_value *x = items ? items->first : NULL, *nx; x; x = nx, i++) {
        nx = x->next;
        if (i < offset) continue;
        if (i >= offset + limit) {
            *more = true;
            break;
        }
        x->next = NULL;
        json_push(page, x);
    }
    return page;
}

bool dbx_page_limit(twin_ctx *ctx, const json_value *args, int64_t max, int64_t *limit)
{
    *limit = max;
    json_value *lv = json_get(args, "limit");
    if (!lv) return true;
    if (!json_int64(lv, limit) || *limit < 1 || *limit > max) {
        dbx_bad_request(ctx, arena_printf(ctx->a, "request body: limit: value must be between 1 and %lld", (long long)max));
        return false;
    }
    return true;
}

/* The entries a listing shows, parents first. */
static json_value *listing_items(twin_ctx *ctx, const char *root, bool recursive)
{
    return recursive ? dbx_subtree(ctx, root, *root != '\0') : dbx_children(ctx, root);
}

static json_value *cursor_state(twin_ctx *ctx, const char *root, bool recursive, int64_t seq, int64_t offset,
                                int64_t limit)
{
    arena *a = ctx->a;
    json_value *s = json_object(a);
    json_set_str(a, s, "k", "list");
    json_set_str(a, s, "p", root);
    json_set_bool(a, s, "r", recursive);
    json_set_int(a, s, "s", seq);
    json_set_int(a, s, "o", offset);
    json_set_int(a, s, "l", limit);
    return s;
}

static void reply_listing(twin_ctx *ctx, json_value *entries, json_value *state, bool has_more)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set(a, o, "entries", entries);
    json_set_str(a, o, "cursor", dbx_encode_cursor(ctx, state));
    json_set_bool(a, o, "has_more", has_more);
    dbx_reply(ctx, o);
}

/* One page of the listing from offset; the cursor moves on to the journal once the listing is done. */
static void listing_page(twin_ctx *ctx, const char *root, bool recursive, int64_t seq, int64_t offset, int64_t limit)
{
    bool more;
    json_value *page = dbx_page(ctx->a, listing_items(ctx, root, recursive), offset, limit, &more);
    json_value *entries = json_array(ctx->a);
    dbx_sharing *sharing = dbx_sharing_new(ctx);
    json_foreach(e, page) json_push(entries, dbx_public_in(ctx, sharing, e));
    int64_t next = more ? offset + limit : -1;
    reply_listing(ctx, entries, cursor_state(ctx, root, recursive, seq, next, limit), more);
}

/* Validates the ListFolderArg path; *root gets the folder's path_lower ("" = root). */
static bool listing_root(twin_ctx *ctx, const json_value *args, const char **root)
{
    json_value *pv = json_get(args, "path");
    if (!pv || pv->type != JSON_STRING) {
        dbx_req_str(ctx, args, "path");
        return false;
    }
    if (!dbx_check_path_arg(ctx, "path", pv->str, true, false)) return false;
    const char *display, *lower, *p = pv->str;
    if (str_starts_with(p, "ns:")) {   /* "ns:<root namespace>" alone is the root */
        p += 3;
        while (isdigit((unsigned char)*p)) p++;
    }
    if (!str_starts_with(p, "id:") && dbx_norm_path(ctx->a, p, &display, &lower) == DBX_PATH_ROOT) {
        *root = "";
        return true;
    }
    const char *reason;
    json_value *e = dbx_resolve(ctx, pv->str, &reason);
    if (!e) {
        dbx_lookup_error(ctx, "path", reason);
        return false;
    }
    if (!str_eq(json_get_str(e, ".tag"), "folder")) {
        dbx_lookup_error(ctx, "path", "not_folder");
        return false;
    }
    *root = json_get_str(e, "path_lower");
    return true;
}

void dbx_list_folder(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    const char *root;
    int64_t limit;
    if (!args || !listing_root(ctx, args, &root) || !dbx_page_limit(ctx, args, MAX_PAGE, &limit)) return;
    listing_page(ctx, root, dbx_opt_bool(args, "recursive", false), dbx_latest_seq(ctx), 0, limit);
}

void dbx_list_folder_latest_cursor(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    const char *root;
    int64_t limit;
    if (!args || !listing_root(ctx, args, &root) || !dbx_page_limit(ctx, args, MAX_PAGE, &limit)) return;
    json_value *s = cursor_state(ctx, root, dbx_opt_bool(args, "recursive", false), dbx_latest_seq(ctx), -1, limit);
    json_value *o = json_object(ctx->a);
    json_set_str(ctx->a, o, "cursor", dbx_encode_cursor(ctx, s));
    dbx_reply(ctx, o);
}

static bool in_scope(twin_ctx *ctx, const char *path, const char *root, bool recursive)
{
    if (str_eq(path, root)) return false;
    return recursive ? dbx_path_within(path, root) : str_eq(dbx_parent_of(ctx->a, path), root);
}

#define JOURNAL_CHUNK 256

/* Reads the journal after a cursor's seq, a chunk at a time in seq order
 * (journal ids are zero-padded seqs, written in order), and yields the
 * changes in the cursor's scope that are their path's newest: a
 * list_folder/continue reports each path once, at its last change. */
typedef struct journal_walk {
    twin_ctx *ctx;
    const char *root;
    bool recursive;
    int64_t seq;
    const char *after;          /* store cursor: the id of the last change read */
    twin_list chunk;
    size_t next;
    bool done;
    json_value *newest;         /* path -> its newest seq, as looked up */
} journal_walk;

static void journal_open(journal_walk *w, twin_ctx *ctx, const char *root, bool recursive, int64_t seq)
{
    *w = (journal_walk){.ctx = ctx, .root = root, .recursive = recursive, .seq = seq, .newest = json_object(ctx->a)};
    /* The cursor's own change is where reading starts; a seq without one (0,
     * or a journal reset since) reads from the start, skipping seq <= cursor. */
    const char *id = dbx_change_id(ctx->a, seq);
    if (seq > 0 && twin_doc_get(ctx, "changes", id)) w->after = id;
}

static bool newest_for_path(journal_walk *w, const json_value *c)
{
    const char *path = json_get_str(c, "path");
    int64_t newest = get_int(w->newest, path, -1);
    if (newest < 0) {
        twin_list l = {0};
        store_list_opts o = {.limit = 1, .newest_first = true, .index_name = "path", .index_value = path};
        if (twin_doc_list(w->ctx, "changes", &o, &l) != 0 || !l.n) return true;
        newest = get_int(l.items[0], "seq", 0);
        json_set_int(w->ctx->a, w->newest, path, newest);
    }
    return get_int(c, "seq", 0) == newest;
}

static json_value *journal_next(journal_walk *w)
{
    for (;;) {
        if (w->next == w->chunk.n) {
            if (w->done) return NULL;
            store_list_opts o = {.limit = JOURNAL_CHUNK, .starting_after = w->after};
            w->chunk = (twin_list){0};
            w->next = 0;
            if (twin_doc_list(w->ctx, "changes", &o, &w->chunk) != 0 || !w->chunk.n) {
                w->done = true;
                return NULL;
            }
            w->done = !w->chunk.has_more;
            w->after = dbx_change_id(w->ctx->a, get_int(w->chunk.items[w->chunk.n - 1], "seq", 0));
        }
        json_value *c = w->chunk.items[w->next++];
        if (get_int(c, "seq", 0) > w->seq && in_scope(w->ctx, json_get_str(c, "path"), w->root, w->recursive) &&
            newest_for_path(w, c))
            return c;
    }
}

static json_value *change_entry(twin_ctx *ctx, dbx_sharing *sharing, const json_value *c)
{
    json_value *e = dbx_entry_by_path(ctx, json_get_str(c, "path"));
    if (e) return dbx_public_in(ctx, sharing, e);
    arena *a = ctx->a;
    json_value *d = dbx_tag(a, "deleted");
    const char *display = json_get_str(c, "path_display");
    const char *lower = json_get_str(c, "path");
    json_set_str(a, d, "name", json_get_str(c, "name") ? json_get_str(c, "name") : dbx_base_name(lower));
    json_set_str(a, d, "path_lower", lower);
    json_set_str(a, d, "path_display", display ? display : lower);
    return d;
}

void dbx_list_folder_continue(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *cursor = dbx_req_str(ctx, args, "cursor");
    if (!cursor) return;
    json_value *s = dbx_decode_cursor(ctx, cursor);
    twin_cursor_state st = s ? twin_cursor_stamp_read(ctx, s) : TWIN_CURSOR_MALFORMED;
    if (st == TWIN_CURSOR_MALFORMED || !str_eq(json_get_str(s, "k"), "list")) return malformed_cursor(ctx);
    /* The journal it points into started over with the state. */
    if (st == TWIN_CURSOR_STALE) return dbx_route_error(ctx, "reset", dbx_tag(ctx->a, "reset"));
    const char *root = json_get_str(s, "p");
    bool recursive = json_truthy(json_get(s, "r"));
    int64_t seq = get_int(s, "s", 0), offset = get_int(s, "o", -1), limit = get_int(s, "l", MAX_PAGE);
    if (*root && !dbx_entry_by_path(ctx, root)) return dbx_lookup_error(ctx, "path", "not_found");
    if (offset >= 0) return listing_page(ctx, root, recursive, seq, offset, limit);
    journal_walk w;
    journal_open(&w, ctx, root, recursive, seq);
    json_value *entries = json_array(ctx->a);
    dbx_sharing *sharing = dbx_sharing_new(ctx);
    int64_t last = seq, n = 0;
    bool more = false;
    for (json_value *c; (c = journal_next(&w));) {
        if (n++ >= limit) {
            more = true;
            break;
        }
        json_push(entries, change_entry(ctx, sharing, c));
        last = get_int(c, "seq", last);
    }
    if (!more) last = dbx_latest_seq(ctx) > last ? dbx_latest_seq(ctx) : last;
    reply_listing(ctx, entries, cursor_state(ctx, root, recursive, last, -1, limit), more);
}

bool dbx_changes_since(twin_ctx *ctx, const char *root, bool recursive, int64_t seq)
{
    journal_walk w;
    journal_open(&w, ctx, root, recursive, seq);
    return journal_next(&w) != NULL;
}

/* ---- search ---- */

static bool contains_ci(const char *hay, size_t hay_len, const char *needle)
{
    size_t n = strlen(needle);
    if (!n) return true;
    for (size_t i = 0; i + n <= hay_len; i++) {
        size_t k = 0;
        while (k < n && tolower((unsigned char)hay[i + k]) == tolower((unsigned char)needle[k])) k++;
        if (k == n) return true;
    }
    return false;
}

/* Every whitespace-separated term of the query occurs in text. */
static bool all_terms(arena *a, const char *text, size_t len, const char *query)
{
    char *q = arena_strdup(a, query);
    bool any = false;
    for (char *save = NULL, *t = strtok_r(q, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
        any = true;
        if (!contains_ci(text, len, t)) return false;
    }
    return any;
}

static bool extension_allowed(const json_value *exts, const char *name)
{
    if (!exts || !exts->len) return true;
    const char *dot = strrchr(name, '.');
    json_foreach(x, exts) {
        const char *want = json_str(x);
        if (want && *want == '.') want++;
        if (dot && want && str_case_eq(dot + 1, want)) return true;
    }
    return false;
}

static json_value *search_matches(twin_ctx *ctx, const json_value *args, const char *root)
{
    arena *a = ctx->a;
    const char *query = json_get_str(args, "query");
    json_value *opts = json_get(args, "options");
    bool filename_only = dbx_opt_bool(opts, "filename_only", false);
    json_value *status = json_get(opts, "file_status");
    const char *st = status && status->type == JSON_STRING ? status->str : json_get_str(status, ".tag");
    json_value *out = json_array(a);
    if (str_eq(st, "deleted")) return out;
    json_value *tree = dbx_subtree(ctx, root, false);
    dbx_sharing *sharing = dbx_sharing_new(ctx);
    json_foreach(e, tree) {
        const char *name = json_get_str(e, "name");
        bool file = str_eq(json_get_str(e, ".tag"), "file");
        if (!extension_allowed(json_get(opts, "file_extensions"), name) && (file || json_get(opts, "file_extensions")))
            continue;
        bool by_name = all_terms(a, name, strlen(name), query);
        bool by_content = false;
        if (file && !filename_only) {
            size_t len;
            char *data = dbx_entry_data(ctx, e, &len);
            by_content = all_terms(a, data, len, query);
        }
        if (!by_name && !by_content) continue;
        json_value *m = json_object(a);
        json_set(a, m, "match_type", dbx_tag(a, by_name && by_content ? "filename_and_content" : by_name ? "filename" : "content"));
        json_set(a, m, "metadata", dbx_tag_with(a, "metadata", dbx_public_in(ctx, sharing, e)));
        json_push(out, m);
    }
    return out;
}

static void search_page(twin_ctx *ctx, json_value *args, int64_t offset)
{
    arena *a = ctx->a;
    json_value *opts = json_get(args, "options");
    const char *root = "";
    const char *path = json_get_str(opts, "path");
    if (path && *path) {
        if (!dbx_check_path_arg(ctx, "options.path", path, true, false)) return;
        const char *reason;
        json_value *e = dbx_resolve(ctx, path, &reason);
        if (!e) return dbx_lookup_error(ctx, "path", reason);
        root = json_get_str(e, "path_lower");
    }
    int64_t max = get_int(opts, "max_results", 100);
    if (max < 1 || max > 1000) return dbx_bad_request(ctx, "request body: options.max_results: value must be between 1 and 1000");
    bool more;
    json_value *page = dbx_page(a, search_matches(ctx, args, root), offset, max, &more);
    json_value *o = json_object(a);
    json_set(a, o, "matches", page);
    json_set_bool(a, o, "has_more", more);
    if (more) {
        json_value *s = json_object(a);
        json_set_str(a, s, "k", "search");
        json_set(a, s, "a", json_clone(a, args));
        json_set_int(a, s, "o", offset + max);
        json_set_str(a, o, "cursor", dbx_encode_cursor(ctx, s));
    }
    dbx_reply(ctx, o);
}

void dbx_search_v2(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *query = dbx_req_str(ctx, args, "query");
    if (!query) return;
    if (strlen(query) > 1000) return dbx_bad_request(ctx, "request body: query: string longer than 1000");
    if (!*query) {
        json_value *err = dbx_tag(ctx->a, "invalid_argument");
        json_set_str(ctx->a, err, "invalid_argument", "Search query cannot be empty.");
        return dbx_route_error(ctx, "invalid_argument", err);
    }
    search_page(ctx, args, 0);
}

void dbx_search_continue_v2(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *cursor = dbx_req_str(ctx, args, "cursor");
    if (!cursor) return;
    json_value *s = dbx_decode_cursor(ctx, cursor);
    twin_cursor_state st = s ? twin_cursor_stamp_read(ctx, s) : TWIN_CURSOR_MALFORMED;
    if (st == TWIN_CURSOR_MALFORMED || !str_eq(json_get_str(s, "k"), "search")) return malformed_cursor(ctx);
    /* Its offset counts matches of a tree that is gone: SearchError has no
     * cursor tag, so the expired cursor is an invalid argument. */
    if (st == TWIN_CURSOR_STALE) {
        json_value *err = dbx_tag(ctx->a, "invalid_argument");
        json_set_str(ctx->a, err, "invalid_argument", "Cursor is no longer valid; start a new search.");
        return dbx_route_error(ctx, "invalid_argument", err);
    }
    search_page(ctx, json_get(s, "a"), get_int(s, "o", 0));
}
