/* Dropbox twin: seeding from seed_config.dropbox — the account, its tier,
 * a starter folder tree (folders with files and sub-folders, or files by
 * path) and team members.  Ids and revs come from the run's counters and
 * the clock is the seeding origin, so two runs of one scenario hold
 * identical state. */
#include <string.h>

#include "twins/dropbox/dropbox.h"
#include "util/util.h"

const char dbx_seed_schema[] =
    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
    "\"account\":{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
    "\"name\":{\"type\":\"string\",\"minLength\":1},\"email\":{\"type\":\"string\",\"minLength\":3},"
    "\"country\":{\"type\":\"string\",\"minLength\":2,\"maxLength\":2},\"locale\":{\"type\":\"string\"}}},"
    "\"account_tier\":{\"enum\":[\"basic\",\"plus\",\"professional\",\"business\"]},"
    "\"folders\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"name\"],\"properties\":{"
    "\"name\":{\"type\":\"string\",\"minLength\":1},"
    "\"files\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"name\"],\"properties\":{"
    "\"name\":{\"type\":\"string\",\"minLength\":1},\"content\":{\"type\":\"string\"},"
    "\"client_modified\":{\"type\":\"string\"}}}},"
    "\"folders\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"name\"]}}}}},"
    "\"files\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"path\"],\"properties\":{"
    "\"path\":{\"type\":\"string\",\"minLength\":2},\"content\":{\"type\":\"string\"},"
    "\"client_modified\":{\"type\":\"string\"}}}},"
    "\"members\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"email\"],\"properties\":{"
    "\"name\":{\"type\":\"string\"},\"email\":{\"type\":\"string\",\"minLength\":3}}}}}}";

typedef struct seed_counts {
    int64_t folders, files, members;
} seed_counts;

static bool seed_file(twin_ctx *ctx, const char *path, const json_value *f, const char *where, seed_counts *n,
                      const char **error)
{
    const char *display, *lower, *kind = NULL;
    if (dbx_norm_path(ctx->a, path, &display, &lower) != DBX_PATH_OK) {
        *error = arena_printf(ctx->a, "%s: '%s' is not a valid Dropbox path", where, path);
        return false;
    }
    if (dbx_entry_by_path(ctx, lower) || !dbx_ensure_parents(ctx, display, &kind)) {
        *error = arena_printf(ctx->a, "%s: something is already at '%s'", where, path);
        return false;
    }
    const char *content = json_get_str(f, "content");
    if (!content) content = "";
    dbx_write_file(ctx, NULL, display, content, strlen(content), json_get_str(f, "client_modified"));
    n->files++;
    return true;
}

static bool seed_folder(twin_ctx *ctx, const char *parent, const json_value *f, const char *where, seed_counts *n,
                        const char **error)
{
    arena *a = ctx->a;
    const char *name = json_get_str(f, "name");
    const char *path = arena_printf(a, "%s/%s", parent, name ? name : "");
    const char *display, *lower, *kind = NULL;
    if (!name || strchr(name, '/') || dbx_norm_path(a, path, &display, &lower) != DBX_PATH_OK) {
        *error = arena_printf(a, "%s.name: must be a single path component", where);
        return false;
    }
    json_value *existing = dbx_entry_by_path(ctx, lower);
    if (existing && !str_eq(json_get_str(existing, ".tag"), "folder")) {
        *error = arena_printf(a, "%s: a file is already at '%s'", where, path);
        return false;
    }
    if (!existing) {
        dbx_ensure_parents(ctx, display, &kind);
        dbx_new_folder(ctx, display);
        n->folders++;
    }
    size_t i = 0;
    json_foreach(file, json_get(f, "files")) {
        const char *fname = json_get_str(file, "name");
        const char *w = arena_printf(a, "%s.files[%zu]", where, i++);
        if (!fname || strchr(fname, '/')) {
            *error = arena_printf(a, "%s.name: must be a single path component", w);
            return false;
        }
        if (!seed_file(ctx, arena_printf(a, "%s/%s", display, fname), file, w, n, error)) return false;
    }
    i = 0;
    json_foreach(sub, json_get(f, "folders")) {
        if (!seed_folder(ctx, display, sub, arena_printf(a, "%s.folders[%zu]", where, i++), n, error)) return false;
    }
    return true;
}

static void seed_account(twin_ctx *ctx, const json_value *acct)
{
    if (!acct) return;
    json_value *cur = dbx_account(ctx);
    json_foreach(m, acct) if (json_str(m)) json_set_str(ctx->a, cur, m->key, m->str);
    twin_doc_put(ctx, "meta", "account", cur, NULL, 0);
}

static void seed_member(twin_ctx *ctx, const json_value *m)
{
    arena *a = ctx->a;
    const char *id = twin_new_id(ctx, "dbid:", 40);
    const char *email = json_get_str(m, "email");
    const char *name = json_get_str(m, "name");
    json_value *o = json_object(a);
    json_set_str(a, o, "account_id", id);
    json_set_str(a, o, "name", name ? name : email);
    json_set_str(a, o, "email", email);
    json_set_str(a, o, "team_member_id", twin_new_id(ctx, "dbmid:", 40));
    twin_doc_put(ctx, "accounts", id, o, NULL, 0);
}

int dbx_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error)
{
    arena *a = ctx->a;
    seed_counts n = {0};
    seed_account(ctx, json_get(seed, "account"));
    dbx_account(ctx);
    const char *tier = json_get_str(seed, "account_tier");
    if (tier) {
        json_value *m = json_object(a);
        json_set_str(a, m, "account_tier", tier);
        twin_doc_put(ctx, "meta", "tier", m, NULL, 0);
    }
    size_t i = 0;
    json_foreach(f, json_get(seed, "folders")) {
        if (!seed_folder(ctx, "", f, arena_printf(a, "seed_config.dropbox.folders[%zu]", i++), &n, error)) return -1;
    }
    i = 0;
    json_foreach(f, json_get(seed, "files")) {
        const char *w = arena_printf(a, "seed_config.dropbox.files[%zu]", i++);
        if (!seed_file(ctx, json_get_str(f, "path"), f, w, &n, error)) return -1;
    }
    json_foreach(m, json_get(seed, "members")) {
        seed_member(ctx, m);
        n.members++;
    }
    json_set_int(a, result, "folders", n.folders);
    json_set_int(a, result, "files", n.files);
    json_set_int(a, result, "members", n.members);
    return 0;
}
