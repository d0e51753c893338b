/* Google Drive twin: shared drives (drives.*) and what the files of a shared
 * drive need: membership roles, visibility behind supportsAllDrives, the
 * capabilities a role grants.
 *
 * State:
 *   drives       driveId -> drive record (Drive field names; hidden, restrictions, ...)
 *   permissions  "<driveId>:<permissionId>" -> a member (index file=driveId),
 *                the same collection file permissions use, so
 *                permissions.* on the drive id manage the membership
 *   meta         "drive-request:<requestId>" -> {driveId}: drives.create's idempotency
 * A shared drive's root folder has the drive's id; it is not a stored file
 * but drawn from the drive record (gd_drive_root). */
#include <string.h>

#include "twins/google_drive/drive.h"
#include "util/util.h"

#define DRIVE_DEFAULT "kind,id,name"

static const struct theme {
    const char *id, *color, *image;
} themes[] = {
    {"abacus", "#2c5aa0", "https://ssl.gstatic.com/team_drive_themes/abacus_background.jpg"},
    {"bok_choy", "#4f9a3f", "https://ssl.gstatic.com/team_drive_themes/bok_choy_background.jpg"},
    {"citrus", "#e8a33d", "https://ssl.gstatic.com/team_drive_themes/citrus_background.jpg"},
};
#define N_THEMES (sizeof themes / sizeof themes[0])

json_value *gd_drive_themes(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *arr = json_array(a);
    for (size_t i = 0; i < N_THEMES; i++) {
        json_value *t = json_object(a);
        json_set_str(a, t, "id", themes[i].id);
        json_set_str(a, t, "backgroundImageLink", themes[i].image);
        json_set_str(a, t, "colorRgb", themes[i].color);
        json_push(arr, t);
    }
    return arr;
}

static const struct theme *find_theme(const char *id)
{
    for (size_t i = 0; i < N_THEMES; i++)
        if (str_eq(themes[i].id, id)) return &themes[i];
    return NULL;
}

/* ---- membership ---- */

/* A drive as a request that holds drives (gd_hold_drives) has read it. */
struct gd_drive_seen {
    const char *id;
    json_value *drive;          /* NULL: no such drive */
    const char *role;           /* NULL: the caller is not a member */
    twin_list members;          /* the member permissions */
    bool drive_read, role_read, members_read;
    gd_drive_seen *next;
};

void gd_hold_drives(twin_ctx *ctx)
{
    gd_principal *p = ctx->principal;
    if (p) p->hold_drives = true;
}

/* What the request has seen of drive id; NULL when it does not hold drives.
 * A request meets few drives: a list does. */
static gd_drive_seen *seen(twin_ctx *ctx, const char *id)
{
    gd_principal *p = ctx->principal;
    if (!p || !p->hold_drives) return NULL;
    for (gd_drive_seen *s = p->drives_seen; s; s = s->next)
        if (str_eq(s->id, id)) return s;
    gd_drive_seen *s = arena_zalloc(ctx->a, sizeof *s);
    s->id = arena_strdup(ctx->a, id);
    s->next = p->drives_seen;
    p->drives_seen = s;
    return s;
}

json_value *gd_drive_get(twin_ctx *ctx, const char *id)
{
    if (!id || !*id) return NULL;
    gd_drive_seen *s = seen(ctx, id);
    if (!s) return twin_doc_get(ctx, "drives", id);
    if (!s->drive_read) {
        s->drive = twin_doc_get(ctx, "drives", id);
        s->drive_read = true;
    }
    return s->drive;
}

static const char *read_role(twin_ctx *ctx, const char *drive_id)
{
    const char *key = arena_printf(ctx->a, "%s:%s", drive_id, gd_permission_id(ctx, gd_user_email(ctx)));
    json_value *p = twin_doc_get(ctx, "permissions", key);
    if (p) return json_get_str(p, "role");
    /* a domain administrator manages any drive of the domain, member or not */
    return gd_bool_query(ctx, "useDomainAdminAccess", false) && gd_drive_get(ctx, drive_id) ? "organizer" : NULL;
}

const char *gd_drive_role(twin_ctx *ctx, const char *drive_id)
{
    if (!drive_id) return NULL;
    gd_drive_seen *s = seen(ctx, drive_id);
    if (!s) return read_role(ctx, drive_id);
    if (!s->role_read) {
        s->role = read_role(ctx, drive_id);
        s->role_read = true;
    }
    return s->role;
}

/* organizer > fileOrganizer > writer > commenter > reader; NULL (no role) ranks 0. */
int gd_role_rank(const char *role)
{
    static const char *const order[] = {"reader", "commenter", "writer", "fileOrganizer", "organizer", NULL};
    if (str_eq(role, "owner")) return 5;
    for (int i = 0; order[i]; i++)
        if (str_eq(order[i], role)) return i + 1;
    return 0;
}

bool gd_require_drive_rank(twin_ctx *ctx, const char *drive_id, int min_rank)
{
    if (!drive_id || gd_role_rank(gd_drive_role(ctx, drive_id)) >= min_rank) return true;
    gd_insufficient_permissions(ctx);
    return false;
}

bool gd_drive_visible(twin_ctx *ctx, const json_value *f)
{
    const char *drive_id = json_get_str(f, "driveId");
    if (!drive_id) return true;
    if (!gd_bool_query(ctx, "supportsAllDrives", false) && !gd_bool_query(ctx, "supportsTeamDrives", false)) return false;
    return gd_drive_role(ctx, drive_id) != NULL;
}

json_value *gd_drive_root(twin_ctx *ctx, const json_value *d)
{
    arena *a = ctx->a;
    json_value *f = json_object(a);
    json_set_str(a, f, "id", json_get_str(d, "id"));
    json_set_str(a, f, "name", json_get_str(d, "name"));
    json_set_str(a, f, "mimeType", GD_FOLDER);
    json_set_str(a, f, "driveId", json_get_str(d, "id"));
    json_set(a, f, "parents", json_array(a));
    json_set_str(a, f, "createdTime", json_get_str(d, "createdTime"));
    json_set_str(a, f, "modifiedTime", json_get_str(d, "createdTime"));
    json_set_bool(a, f, "trashed", false);
    json_set_bool(a, f, "starred", false);
    json_set_int(a, f, "version", 1);
    json_set_str(a, f, "_space", "drive");
    json_set_bool(a, f, "_root", true);
    return f;
}

bool gd_drive_blocks_copy(twin_ctx *ctx, const json_value *f)
{
    const char *drive_id = json_get_str(f, "driveId");
    if (!drive_id) return false;
    json_value *d = gd_drive_get(ctx, drive_id);
    return json_truthy(json_get(json_get(d, "restrictions"), "copyRequiresWriterPermission")) &&
           gd_role_rank(gd_drive_role(ctx, drive_id)) < 3;
}

/* What a member of the given role may do with an item of a shared drive. */
json_value *gd_drive_file_capabilities(twin_ctx *ctx, const json_value *f, const char *role)
{
    arena *a = ctx->a;
    int r = gd_role_rank(role);
    bool folder = str_eq(json_get_str(f, "mimeType"), GD_FOLDER), trashed = json_truthy(json_get(f, "trashed"));
    bool root = json_truthy(json_get(f, "_root"));
    bool organizer = r >= 5, file_org = r >= 4, writer = r >= 3, commenter = r >= 2;
    bool copy_ok = !gd_drive_blocks_copy(ctx, f);
    json_value *c = json_object(a);
#define CAP(n, v) json_set_bool(a, c, n, v)
    CAP("canAcceptOwnership", false);
    CAP("canAddChildren", folder && writer && !trashed);
    CAP("canAddMyDriveParent", false);
    CAP("canChangeCopyRequiresWriterPermission", writer && !root);
    CAP("canChangeViewersCanCopyContent", writer && !root);
    CAP("canComment", commenter);
    CAP("canCopy", !folder && copy_ok);
    CAP("canDelete", file_org && !root);
    CAP("canDeleteChildren", folder && file_org);
    CAP("canDownload", copy_ok);
    CAP("canEdit", writer && !trashed);
    CAP("canListChildren", folder);
    CAP("canModifyContent", writer && !trashed && !folder);
    CAP("canModifyLabels", writer);
    CAP("canMoveChildrenWithinDrive", folder && file_org);
    CAP("canMoveItemOutOfDrive", organizer && !root);
    CAP("canMoveItemWithinDrive", file_org && !root);
    CAP("canReadDrive", true);
    CAP("canReadLabels", true);
    CAP("canReadRevisions", !folder);
    CAP("canRemoveChildren", folder && writer);
    CAP("canRename", writer && !trashed && !root);
    CAP("canShare", writer);
    CAP("canTrash", file_org && !root);
    CAP("canTrashChildren", folder && file_org);
    CAP("canUntrash", file_org && !root);
#undef CAP
    return c;
}

/* The drive's own capabilities for the caller's role. */
static json_value *drive_capabilities(twin_ctx *ctx, const char *role)
{
    arena *a = ctx->a;
    int r = gd_role_rank(role);
    bool organizer = r >= 5, file_org = r >= 4, writer = r >= 3, commenter = r >= 2;
    json_value *c = json_object(a);
#define CAP(n, v) json_set_bool(a, c, n, v)
    CAP("canAddChildren", writer);
    CAP("canChangeCopyRequiresWriterPermissionRestriction", organizer);
    CAP("canChangeDomainUsersOnlyRestriction", organizer);
    CAP("canChangeDownloadRestriction", organizer);
    CAP("canChangeDriveBackground", organizer);
    CAP("canChangeDriveMembersOnlyRestriction", organizer);
    CAP("canChangeSharingFoldersRequiresOrganizerPermissionRestriction", organizer);
    CAP("canComment", commenter);
    CAP("canCopy", true);
    CAP("canDeleteChildren", file_org);
    CAP("canDeleteDrive", organizer);
    CAP("canDownload", true);
    CAP("canEdit", writer);
    CAP("canListChildren", true);
    CAP("canManageMembers", organizer);
    CAP("canReadRevisions", true);
    CAP("canRename", file_org);
    CAP("canRenameDrive", organizer);
    CAP("canResetDriveRestrictions", organizer);
    CAP("canShare", writer);
    CAP("canTrashChildren", file_org);
#undef CAP
    return c;
}

json_value *gd_drive_json(twin_ctx *ctx, const json_value *d)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_str(a, o, "kind", "drive#drive");
    json_foreach(x, d) if (x->key[0] != '_') json_set(a, o, x->key, json_clone(a, x));
    json_set(a, o, "capabilities", drive_capabilities(ctx, gd_drive_role(ctx, json_get_str(d, "id"))));
    return o;
}

/* The deprecated teamdrives.* methods serve the same drives in the older
 * TeamDrive shape: kind drive#teamDrive, "TeamDrive" in capability names,
 * teamMembersOnly for driveMembersOnly, no hidden. */
static bool is_team(twin_ctx *ctx)
{
    return twin_param(ctx, "teamDriveId") || strstr(ctx->req->path, "/teamdrives");
}

static void rename_key(twin_ctx *ctx, json_value *o, const char *from, const char *to)
{
    json_value *v = json_get(o, from);
    if (!v) return;
    json_set(ctx->a, o, to, json_clone(ctx->a, v));
    json_remove(o, from);
}

static json_value *team_drive_json(twin_ctx *ctx, json_value *o)
{
    static const char *const caps[][2] = {
        {"canChangeDriveBackground", "canChangeTeamDriveBackground"},
        {"canChangeDriveMembersOnlyRestriction", "canChangeTeamMembersOnlyRestriction"},
        {"canDeleteDrive", "canDeleteTeamDrive"},
        {"canRenameDrive", "canRenameTeamDrive"},
        {"canResetDriveRestrictions", "canResetTeamDriveRestrictions"},
    };
    json_set_str(ctx->a, o, "kind", "drive#teamDrive");
    json_remove(o, "hidden");
    json_value *c = json_get(o, "capabilities");
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) rename_key(ctx, c, caps[i][0], caps[i][1]);
    if (c) json_set_bool(ctx->a, c, "canRemoveChildren", json_truthy(json_get(c, "canDeleteChildren")));
    rename_key(ctx, json_get(o, "restrictions"), "driveMembersOnly", "teamMembersOnly");
    return o;
}

static json_value *shown(twin_ctx *ctx, const json_value *d)
{
    json_value *o = gd_drive_json(ctx, d);
    return is_team(ctx) ? team_drive_json(ctx, o) : o;
}

/* ---- loading with access checks ---- */

static void drive_not_found(twin_ctx *ctx, const char *id)
{
    gd_error(ctx, 404, "notFound", arena_printf(ctx->a, "Shared drive not found: %s", id ? id : ""), "driveId",
             "parameter");
}

/* The route's drive when the caller may see it (a member, or an
 * administrator with useDomainAdminAccess); 404 otherwise.  min_rank
 * above the caller's role answers 403. */
static json_value *drive_load(twin_ctx *ctx, int min_rank)
{
    const char *id = twin_param(ctx, "driveId");
    if (!id) id = twin_param(ctx, "teamDriveId");
    json_value *d = gd_drive_get(ctx, id);
    bool admin = gd_bool_query(ctx, "useDomainAdminAccess", false);
    const char *role = d ? gd_drive_role(ctx, id) : NULL;
    if (!d || (!role && !admin)) {
        drive_not_found(ctx, id);
        return NULL;
    }
    if (!admin && gd_role_rank(role) < min_rank) {
        gd_insufficient_permissions(ctx);
        return NULL;
    }
    return d;
}

bool gd_drive_param(twin_ctx *ctx, const char *drive_id)
{
    if (gd_drive_get(ctx, drive_id) && gd_drive_role(ctx, drive_id)) return true;
    drive_not_found(ctx, drive_id);
    return false;
}

twin_list gd_drive_members(twin_ctx *ctx, const char *drive_id)
{
    gd_drive_seen *s = drive_id ? seen(ctx, drive_id) : NULL;
    if (!s) return gd_list_by_file(ctx, "permissions", drive_id);
    if (!s->members_read) {
        s->members = gd_list_by_file(ctx, "permissions", drive_id);
        s->members_read = true;
    }
    return s->members;
}

int64_t gd_drive_member_count(twin_ctx *ctx, const char *drive_id, bool organizers_only)
{
    twin_list l = gd_drive_members(ctx, drive_id);
    int64_t n = 0;
    for (size_t i = 0; i < l.n; i++)
        if (!organizers_only || str_eq(json_get_str(l.items[i], "role"), "organizer")) n++;
    return n;
}

static void save_member(twin_ctx *ctx, const char *drive_id, const char *email, const char *role)
{
    arena *a = ctx->a;
    json_value *p = json_object(a);
    const char *pid = gd_permission_id(ctx, email);
    json_set_str(a, p, "kind", "drive#permission");
    json_set_str(a, p, "id", pid);
    json_set_str(a, p, "type", "user");
    json_set_str(a, p, "role", role);
    json_set_str(a, p, "emailAddress", email);
    json_set_str(a, p, "displayName", json_get_str(gd_user(ctx, email), "displayName"));
    json_set_bool(a, p, "deleted", false);
    json_set_bool(a, p, "pendingOwner", false);
    store_index idx = {"file", drive_id};
    twin_doc_put(ctx, "permissions", arena_printf(a, "%s:%s", drive_id, pid), p, &idx, 1);
}

/* ---- writable fields ---- */

static bool apply_restrictions(twin_ctx *ctx, json_value *d, const json_value *in)
{
    static const char *const names[] = {"adminManagedRestrictions", "copyRequiresWriterPermission", "domainUsersOnly",
                                        "driveMembersOnly", "sharingFoldersRequiresOrganizerPermission", NULL};
    if (!in) return true;
    if (in->type != JSON_OBJECT) {
        gd_error(ctx, 400, "invalid", "Invalid value for: restrictions", "restrictions", "other");
        return false;
    }
    json_value *r = json_get(d, "restrictions");
    for (size_t i = 0; names[i]; i++) {
        json_value *v = json_get(in, names[i]);
        if (json_is_bool(v)) json_set_bool(ctx->a, r, names[i], json_truthy(v));
    }
    json_value *team = json_get(in, "teamMembersOnly");   /* teamdrives.update's name for it */
    if (json_is_bool(team)) json_set_bool(ctx->a, r, "driveMembersOnly", json_truthy(team));
    return true;
}

/* name, colorRgb, themeId and restrictions from a create or update body. */
static bool apply_drive_fields(twin_ctx *ctx, json_value *d, const json_value *b)
{
    arena *a = ctx->a;
    const char *theme_id = json_get_str(b, "themeId");
    if (theme_id) {
        const struct theme *t = find_theme(theme_id);
        if (!t) {
            gd_error(ctx, 400, "invalid", arena_printf(a, "Invalid value for: themeId: %s", theme_id), "themeId", "other");
            return false;
        }
        json_set_str(a, d, "themeId", t->id);
        json_set_str(a, d, "colorRgb", t->color);
        json_set_str(a, d, "backgroundImageLink", t->image);
    }
    const char *color = json_get_str(b, "colorRgb");
    if (color) {
        if (strlen(color) != 7 || color[0] != '#') {
            gd_error(ctx, 400, "invalid", arena_printf(a, "Invalid value for: colorRgb: %s", color), "colorRgb", "other");
            return false;
        }
        json_set_str(a, d, "colorRgb", color);
    }
    json_value *name = json_get(b, "name");
    if (name && (!json_str(name) || !*name->str)) {
        gd_error(ctx, 400, "invalid", "Invalid value for: name", "name", "other");
        return false;
    }
    if (name) json_set_str(a, d, "name", name->str);
    if (json_get(b, "hidden")) {
        gd_error(ctx, 403, "fieldNotWritable", "The resource body includes fields which are not directly writable.",
                 NULL, NULL);
        return false;
    }
    return apply_restrictions(ctx, d, json_get(b, "restrictions"));
}

/* ---- drives.create ---- */

/* A drive record with the first theme and no restrictions set. */
static json_value *new_drive(twin_ctx *ctx, const char *name)
{
    arena *a = ctx->a;
    json_value *d = json_object(a), *r = json_object(a);
    json_set_str(a, d, "id", arena_printf(a, "%sUk9PVA", twin_new_id(ctx, "0A", 13)));
    json_set_str(a, d, "name", name);
    json_set_str(a, d, "colorRgb", themes[0].color);
    json_set_str(a, d, "backgroundImageLink", themes[0].image);
    json_set_str(a, d, "themeId", themes[0].id);
    json_set_str(a, d, "createdTime", gd_now(ctx));
    json_set_bool(a, d, "hidden", false);
    json_set_bool(a, r, "adminManagedRestrictions", false);
    json_set_bool(a, r, "copyRequiresWriterPermission", false);
    json_set_bool(a, r, "domainUsersOnly", false);
    json_set_bool(a, r, "driveMembersOnly", false);
    json_set_bool(a, r, "sharingFoldersRequiresOrganizerPermission", false);
    json_set(a, d, "restrictions", r);
    return d;
}

void gd_drives_create(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *rid = gd_query(ctx, "requestId");
    if (!rid || !*rid) return gd_error(ctx, 400, "required", "Required parameter: requestId", "requestId", "parameter");
    if (!gd_require_body(ctx)) return;
    const char *req_key = arena_printf(a, "drive-request:%s", rid);
    if (twin_doc_get(ctx, "meta", req_key))
        return gd_error(ctx, 409, "duplicate", "A shared drive with this requestId already exists.", NULL, NULL);
    const char *name = json_get_str(ctx->body, "name");
    if (!name || !*name) return gd_error(ctx, 400, "required", "Required: name", "name", "other");
    json_value *d = new_drive(ctx, name);
    if (!apply_drive_fields(ctx, d, ctx->body)) return;
    const char *id = json_get_str(d, "id");
    twin_doc_put(ctx, "drives", id, d, NULL, 0);
    json_value *m = json_object(a);
    json_set_str(a, m, "driveId", id);
    twin_doc_put(ctx, "meta", req_key, m, NULL, 0);
    save_member(ctx, id, gd_user_email(ctx), "organizer");
    gd_record_drive_change(ctx, id, false);
    google_reply_fields(ctx, shown(ctx, d), DRIVE_DEFAULT);
}

/* ---- seeding (seed_config.google_drive.drives[]) ---- */

json_value *gd_drive_seed(twin_ctx *ctx, const json_value *in, int64_t *members)
{
    arena *a = ctx->a;
    json_value *d = new_drive(ctx, json_get_str(in, "name"));
    const char *id = json_get_str(d, "id");
    json_set_bool(a, d, "hidden", json_truthy(json_get(in, "hidden")));
    apply_restrictions(ctx, d, json_get(in, "restrictions"));
    twin_doc_put(ctx, "drives", id, d, NULL, 0);
    /* the seeded user organizes the drive unless the seed gives them another role */
    bool user_listed = false;
    json_foreach(m, json_get(in, "members")) {
        const char *email = json_get_str(m, "email");
        save_member(ctx, id, email, json_get_str(m, "role"));
        user_listed |= str_eq(email, gd_user_email(ctx));
        (*members)++;
    }
    if (!user_listed) save_member(ctx, id, gd_user_email(ctx), "organizer"), (*members)++;
    return d;
}

/* ---- drives.get / list ---- */

void gd_drives_get(twin_ctx *ctx)
{
    json_value *d = drive_load(ctx, 0);
    if (d) google_reply_fields(ctx, shown(ctx, d), DRIVE_DEFAULT);
}

void gd_drives_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const void *q = NULL;
    const char *qs = gd_query(ctx, "q");
    if (qs && *qs && !(q = gd_q_compile(ctx, qs, true))) return;
    int64_t size, off;
    if (!google_page_size(ctx, &gd_api, "pageSize", 10, 100, &size) || !google_page_offset(ctx, &gd_api, &off)) return;
    bool admin = gd_bool_query(ctx, "useDomainAdminAccess", false);
    gd_hold_drives(ctx);
    twin_list l = {0};
    store_list_opts o = {0};
    if (twin_doc_list(ctx, "drives", &o, &l) != 0) l.n = 0;
    size_t n = 0;
    for (size_t i = 0; i < l.n; i++) {
        json_value *d = l.items[i];
        if (!admin && !gd_drive_role(ctx, json_get_str(d, "id"))) continue;
        if (q && !gd_q_match(ctx, q, d)) continue;
        l.items[n++] = d;
    }
    json_value *out = json_object(a), *arr = json_array(a);
    bool team = is_team(ctx);
    json_set_str(a, out, "kind", team ? "drive#teamDriveList" : "drive#driveList");
    google_page page = google_page_window(off, size, n);
    for (size_t i = page.start; i < page.end; i++) json_push(arr, shown(ctx, l.items[i]));
    if (page.more) json_set_str(a, out, "nextPageToken", google_cursor(ctx, 'o', (int64_t)page.end));
    json_set(a, out, team ? "teamDrives" : "drives", arr);
    google_reply_fields(ctx, out, team ? "kind,nextPageToken,teamDrives(" DRIVE_DEFAULT ")"
                                       : "kind,nextPageToken,drives(" DRIVE_DEFAULT ")");
}

/* ---- drives.update / hide / unhide ---- */

void gd_drives_update(twin_ctx *ctx)
{
    json_value *d = drive_load(ctx, 5);
    if (!d || !gd_require_body(ctx)) return;
    if (!apply_drive_fields(ctx, d, ctx->body)) return;
    twin_doc_put(ctx, "drives", json_get_str(d, "id"), d, NULL, 0);
    gd_record_drive_change(ctx, json_get_str(d, "id"), false);
    google_reply_fields(ctx, shown(ctx, d), DRIVE_DEFAULT);
}

static void set_hidden(twin_ctx *ctx, bool hidden)
{
    json_value *d = drive_load(ctx, 0);
    if (!d) return;
    json_set_bool(ctx->a, d, "hidden", hidden);
    twin_doc_put(ctx, "drives", json_get_str(d, "id"), d, NULL, 0);
    gd_record_drive_change(ctx, json_get_str(d, "id"), false);
    google_reply_fields(ctx, shown(ctx, d), DRIVE_DEFAULT);
}

void gd_drives_hide(twin_ctx *ctx)
{
    set_hidden(ctx, true);
}

void gd_drives_unhide(twin_ctx *ctx)
{
    set_hidden(ctx, false);
}

/* ---- drives.delete ---- */

void gd_drives_delete(twin_ctx *ctx)
{
    json_value *d = drive_load(ctx, 5);
    if (!d) return;
    const char *id = json_get_str(d, "id");
    bool purge = gd_bool_query(ctx, "allowItemDeletion", false);
    if (purge && !gd_bool_query(ctx, "useDomainAdminAccess", false))
        return gd_error(ctx, 400, "badRequest",
                        "allowItemDeletion is only supported when useDomainAdminAccess is also set to true.",
                        "allowItemDeletion", "parameter");
    twin_list items = {0};
    store_list_opts o = {.index_name = "drive", .index_value = id};
    if (twin_doc_list(ctx, "files", &o, &items) != 0) items.n = 0;
    if (items.n && !purge)
        return gd_error(ctx, 403, "cannotDeleteResourceWithChildren",
                        "This resource cannot be deleted because it has children.", NULL, NULL);
    for (size_t i = 0; i < items.n; i++) gd_file_purge(ctx, json_get_str(items.items[i], "id"));
    twin_list members = gd_list_by_file(ctx, "permissions", id);
    for (size_t i = 0; i < members.n; i++)
        twin_doc_delete(ctx, "permissions", arena_printf(ctx->a, "%s:%s", id, json_get_str(members.items[i], "id")));
    twin_doc_delete(ctx, "drives", id);
    gd_record_drive_change(ctx, id, true);
    twin_reply_text(ctx, 204, NULL, "", 0);
}
