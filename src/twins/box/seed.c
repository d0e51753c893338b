/* Box twin: seeding from seed_config.box.
 *
 *   users    [{name, login, role, job_title}]
 *   folders  [{name, description, owner, collaborators [{login, role, status}],
 *              files [{name, content, description}], folders [...same, nested]}]
 *   files    [{name, content, description}]          (in the admin's root folder)
 *
 * Content belongs to the enterprise admin unless a top-level folder names
 * another owner (a login); collaborators share a folder with users (by
 * login; a login no user has becomes a pending invitation).
 *
 * Ids come from the run's counters and the clock is the seeding origin, so
 * two runs of one scenario hold identical state. */
#include <string.h>

#include "engine/seed_schema.h"
#include "twins/box/box.h"
#include "util/util.h"

/* JX expands the macros in its argument before turning it into a string
 * (# alone would not); the top level is spelled out by hand because
 * <stdbool.h> would turn a bare false into 0. */
#define J(...) #__VA_ARGS__
#define JX(...) J(__VA_ARGS__)

/* Folders nest; the schema spells out four levels and leaves deeper ones open. */
#define BX_FILE_SCHEMA                                                                         \
    {"type": "object", "required": ["name"], "properties": {                                  \
        "name": {"type": "string", "minLength": 1, "maxLength": 255},                          \
        "content": {"type": "string"},                                                         \
        "description": {"type": "string", "maxLength": 255}}}
#define BX_COLLAB_SCHEMA                                                                       \
    {"type": "object", "required": ["login", "role"], "additionalProperties": false, "properties": { \
        "login": {"type": "string", "minLength": 3},                                           \
        "role": {"enum": ["editor", "viewer", "previewer", "uploader", "previewer uploader",   \
                          "viewer uploader", "co-owner"]},                                      \
        "status": {"enum": ["accepted", "pending"]}}}
#define BX_FOLDER_SCHEMA(NESTED)                                                               \
    {"type": "object", "required": ["name"], "properties": {                                  \
        "name": {"type": "string", "minLength": 1, "maxLength": 255},                          \
        "description": {"type": "string", "maxLength": 256},                                   \
        "owner": {"type": "string", "minLength": 3},                                           \
        "collaborators": {"type": "array", "items": BX_COLLAB_SCHEMA},                         \
        "files": {"type": "array", "items": BX_FILE_SCHEMA},                                   \
        "folders": {"type": "array", "items": NESTED}}}

const char bx_seed_schema[] = "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": " JX({
        "users": {"type": "array", "items": {
            "type": "object", "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "login": {"type": "string", "minLength": 3},
                "role": {"enum": ["user", "coadmin", "admin"]},
                "job_title": {"type": "string"}}}},
        "folders": {"type": "array", "items":
            BX_FOLDER_SCHEMA(BX_FOLDER_SCHEMA(BX_FOLDER_SCHEMA(BX_FOLDER_SCHEMA({"type": "object"}))))},
        "files": {"type": "array", "items": BX_FILE_SCHEMA}}) "}";

typedef struct seed_counts {
    int64_t folders, files, collaborations;
} seed_counts;

static int seed_collaborators(twin_ctx *ctx, const json_value *folder, const json_value *list, const char *where,
                              seed_counts *n, const char **error)
{
    size_t i = 0;
    json_foreach(c, list) {
        const char *login = json_get_str(c, "login"), *status = json_get_str(c, "status");
        json_value *user = bx_user_by_login(ctx, login);
        const char *uid = user ? json_get_str(user, "id") : NULL;
        if (uid && str_eq(uid, json_get_str(folder, "owned_by"))) {
            *error = arena_printf(ctx->a, "%s.collaborators[%zu].login: \"%s\" owns the folder", where, i, login);
            return -1;
        }
        bx_collab_create(ctx, folder, uid, uid ? NULL : login, json_get_str(c, "role"),
                         !uid || str_eq(status, "pending") ? "pending" : "accepted");
        n->collaborations++;
        i++;
    }
    return 0;
}

/* Seeds a top-level folder's tree as its owner (NULL: the admin). */
static bool act_as_owner(twin_ctx *ctx, const json_value *folder, const char *parent_id, const char *where,
                         const char **error)
{
    const char *owner = json_get_str(folder, "owner");
    if (!owner) return true;
    json_value *user = bx_user_by_login(ctx, owner);
    if (!str_eq(parent_id, "0")) *error = arena_printf(ctx->a, "%s.owner: only top-level folders take an owner", where);
    else if (!user) *error = arena_printf(ctx->a, "%s.owner: no user has the login \"%s\"", where, owner);
    if (!str_eq(parent_id, "0") || !user) return false;
    bx_req *as = arena_zalloc(ctx->a, sizeof *as);
    as->user_id = json_get_str(user, "id");
    ctx->principal = as;
    return true;
}

static int seed_files(twin_ctx *ctx, const json_value *files, const char *parent_id, const char *where,
                      seed_counts *n, const char **error)
{
    size_t i = 0;
    json_foreach(f, files) {
        const char *name = json_get_str(f, "name");
        const json_value *content = json_get(f, "content");
        bool text = content && content->type == JSON_STRING;
        if (bx_name_conflict(ctx, parent_id, name, NULL)) {
            *error = arena_printf(ctx->a, "%s.files[%zu].name: \"%s\" is used twice in one folder", where, i, name);
            return -1;
        }
        bx_file_create(ctx, parent_id, name, text ? content->str : "", text ? content->len : 0,
                       json_get_str(f, "description"));
        n->files++;
        i++;
    }
    return 0;
}

static int seed_folders(twin_ctx *ctx, const json_value *folders, const char *parent_id, const char *where,
                        seed_counts *n, const char **error)
{
    size_t i = 0;
    json_foreach(fo, folders) {
        const char *path = arena_printf(ctx->a, "%s.folders[%zu]", where, i++);
        const char *name = json_get_str(fo, "name");
        void *before = ctx->principal;
        if (!act_as_owner(ctx, fo, parent_id, path, error)) return -1;
        if (bx_name_conflict(ctx, parent_id, name, NULL)) {
            *error = arena_printf(ctx->a, "%s.name: \"%s\" is used twice in one folder", path, name);
            ctx->principal = before;
            return -1;
        }
        json_value *f = bx_folder_create(ctx, parent_id, name, json_get_str(fo, "description"));
        n->folders++;
        const char *id = json_get_str(f, "id");
        int rc = seed_collaborators(ctx, f, json_get(fo, "collaborators"), path, n, error) ||
                 seed_files(ctx, json_get(fo, "files"), id, path, n, error) ||
                 seed_folders(ctx, json_get(fo, "folders"), id, path, n, error);
        ctx->principal = before;
        if (rc) return -1;
    }
    return 0;
}

int bx_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error)
{
    arena *a = ctx->a;
    bx_ensure(ctx);
    int64_t users = 0;
    json_foreach(u, json_get(seed, "users")) {
        const char *name = json_get_str(u, "name"), *login = json_get_str(u, "login");
        json_value *rec = bx_user_create(ctx, name, login ? login : arena_printf(a, "user%lld@twins.example", (long long)users + 1),
                                         json_get_str(u, "role"), false);
        const char *job = json_get_str(u, "job_title");
        if (job) {
            json_set_str(a, rec, "job_title", job);
            twin_doc_put(ctx, "users", json_get_str(rec, "id"), rec, NULL, 0);
        }
        users++;
    }
    seed_counts n = {0};
    if (seed_folders(ctx, json_get(seed, "folders"), "0", "box", &n, error) ||
        seed_files(ctx, json_get(seed, "files"), "0", "box", &n, error))
        return -1;
    json_set_int(a, result, "users", users);
    json_set_int(a, result, "folders", n.folders);
    json_set_int(a, result, "files", n.files);
    if (n.collaborations) json_set_int(a, result, "collaborations", n.collaborations);
    return 0;
}
