/* Google Drive twin: seeding from seed_config.google_drive: folders (with
 * files and shared_with), loose files, shared drives (members, files and
 * nested folders, hidden, restrictions), storage_quota_bytes.  Ids come from
 * the run's counters and the clock is the seeding origin, so two runs of a
 * scenario hold identical state. */
#include <string.h>

#include "twins/google_drive/drive.h"
#include "util/util.h"

static json_value *seed_file(twin_ctx *ctx, const json_value *in, const char *parent)
{
    arena *a = ctx->a;
    json_value *meta = json_object(a);
    json_set_str(a, meta, "name", json_get_str(in, "name"));
    const char *mt = json_get_str(in, "mime_type");
    if (!mt) mt = json_get_str(in, "mimeType");
    if (mt) json_set_str(a, meta, "mimeType", mt);
    if (json_get_str(in, "description")) json_set_str(a, meta, "description", json_get_str(in, "description"));
    if (parent) {
        json_value *ps = json_array(a);
        json_push(ps, json_string(a, parent));
        json_set(a, meta, "parents", ps);
    }
    const char *content = json_get_str(in, "content");
    return gd_file_create(ctx, meta, content ? content : "", content ? strlen(content) : 0, true,
                          mt ? mt : "text/plain", json_get_str(in, "owner"));
}

static void share(twin_ctx *ctx, const json_value *f, const char *email, const char *role)
{
    arena *a = ctx->a;
    const char *fid = json_get_str(f, "id");
    const char *pid = gd_permission_id(ctx, email);
    const char *key = arena_printf(a, "%s:%s", fid, pid);
    if (twin_doc_get(ctx, "permissions", key)) return;
    json_value *p = json_object(a);
    json_set_str(a, p, "kind", "drive#permission");
    json_set_str(a, p, "id", pid);
    json_set_str(a, p, "type", "user");
    json_set_str(a, p, "emailAddress", email);
    json_set_str(a, p, "role", role);
    json_set_str(a, p, "displayName", json_get_str(gd_user(ctx, email), "displayName"));
    json_set_bool(a, p, "deleted", false);
    json_set_bool(a, p, "pendingOwner", false);
    store_index idx = {"file", fid};
    twin_doc_put(ctx, "permissions", key, p, &idx, 1);
}

typedef struct seed_counts {
    int64_t drives, folders, files, perms, bytes;
} seed_counts;

/* A shared drive's items: entries with `files` (or the folder type) are
 * folders holding those; the rest are files with content. */
static void seed_drive_items(twin_ctx *ctx, const json_value *items, const char *parent, seed_counts *n, int depth)
{
    arena *a = ctx->a;
    json_foreach(it, items) {
        const char *mt = json_get_str(it, "mime_type");
        if (!json_get(it, "files") && !str_eq(mt, GD_FOLDER)) {
            json_value *f = seed_file(ctx, it, parent);
            n->files++;
            n->bytes += gd_int(json_get(f, "_size"), 0);
            continue;
        }
        json_value *m = json_object(a), *ps = json_array(a);
        json_set_str(a, m, "name", json_get_str(it, "name"));
        json_set_str(a, m, "mimeType", GD_FOLDER);
        json_push(ps, json_string(a, parent));
        json_set(a, m, "parents", ps);
        json_value *folder = gd_file_create(ctx, m, NULL, 0, false, NULL, NULL);
        n->folders++;
        if (depth < 32) seed_drive_items(ctx, json_get(it, "files"), json_get_str(folder, "id"), n, depth + 1);
    }
}

int gd_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error)
{
    arena *a = ctx->a;
    int64_t folders = 0, files = 0, perms = 0, bytes = 0;
    json_value *meta = json_object(a);
    json_value *q = json_get(seed, "storage_quota_bytes");
    if (q) json_set(a, meta, "storage_quota_bytes", json_clone(a, q));
    twin_doc_put(ctx, "meta", "seed", meta, NULL, 0);
    json_foreach(fo, json_get(seed, "folders")) {
        json_value *m = json_object(a);
        json_set_str(a, m, "name", json_get_str(fo, "name"));
        json_set_str(a, m, "mimeType", GD_FOLDER);
        json_value *folder = gd_file_create(ctx, m, NULL, 0, false, NULL, NULL);
        folders++;
        const char *fid = json_get_str(folder, "id");
        json_foreach(s, json_get(fo, "shared_with")) if (json_str(s)) share(ctx, folder, s->str, "writer"), perms++;
        json_foreach(fi, json_get(fo, "files")) {
            json_value *f = seed_file(ctx, fi, fid);
            files++;
            bytes += gd_int(json_get(f, "_size"), 0);
            const char *owner = json_get_str(fi, "owner");
            /* the seeded user can reach files others own in a folder shared with them */
            if (owner && !str_eq(owner, gd_user_email(ctx))) share(ctx, f, gd_user_email(ctx), "writer"), perms++;
            json_foreach(s, json_get(fo, "shared_with"))
                if (json_str(s) && !str_eq(s->str, owner)) share(ctx, f, s->str, "writer"), perms++;
        }
    }
    json_foreach(fi, json_get(seed, "files")) {
        json_value *f = seed_file(ctx, fi, NULL);
        files++;
        bytes += gd_int(json_get(f, "_size"), 0);
    }
    seed_counts dn = {0};
    json_foreach(dr, json_get(seed, "drives")) {
        json_value *d = gd_drive_seed(ctx, dr, &dn.perms);
        dn.drives++;
        seed_drive_items(ctx, json_get(dr, "files"), json_get_str(d, "id"), &dn, 0);
    }
    folders += dn.folders, files += dn.files, perms += dn.perms, bytes += dn.bytes;
    int64_t limit = gd_quota_limit(ctx);
    if (limit >= 0 && bytes > limit) {
        *error = arena_printf(a, "google_drive: seeded files (%lld bytes) exceed the storage quota (%lld bytes)",
                              (long long)bytes, (long long)limit);
        return -1;
    }
    json_set_int(a, result, "drives", dn.drives);
    json_set_int(a, result, "folders", folders);
    json_set_int(a, result, "files", files);
    json_set_int(a, result, "permissions", perms);
    json_set_int(a, result, "bytes", bytes);
    return 0;
}
