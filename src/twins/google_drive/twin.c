/* Google Drive twin: catalog declaration and route table.  Each route's
 * scope is the space-separated list of OAuth scopes (short names, without
 * https://www.googleapis.com/auth/) of which the token needs one, as the
 * Drive v3 discovery document lists them per method. */
#include "engine/env.h"
#include "engine/seed_schema.h"
#include "engine/twin.h"
#include "twins/google_drive/drive.h"

static const char *const hosts[] = {"www.googleapis.com", "content.googleapis.com", "drive.googleapis.com", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "GOOGLE_DRIVE_API_URL", "");
    env_set(a, out, "GOOGLE_ACCESS_TOKEN", env_token(e, a, "google", "ya29.", 40));
}

#define S_READ_META "drive drive.appdata drive.file drive.meet.readonly drive.metadata drive.metadata.readonly drive.photos.readonly drive.readonly"
#define S_WRITE "drive drive.appdata drive.file"
#define S_CREAD "drive drive.file drive.meet.readonly drive.readonly"
#define S_CWRITE "drive drive.file"
#define S_PREAD "drive drive.file drive.meet.readonly drive.metadata drive.metadata.readonly drive.photos.readonly drive.readonly"
#define S_RREAD S_READ_META
#define F "/drive/v3/files/{fileId}"
#define D "/drive/v3/drives/{driveId}"
#define T "/drive/v3/teamdrives/{teamDriveId}"

static const twin_route routes[] = {
    {"GET", "/drive/v3/about", gd_about_get,
     "drive drive.appdata drive.file drive.metadata drive.metadata.readonly drive.photos.readonly drive.readonly"},
    {"GET", "/drive/v3/files", gd_files_list, S_READ_META},
    {"POST", "/drive/v3/files", gd_files_create, S_WRITE},
    {"POST", "/upload/drive/v3/files", gd_files_upload, S_WRITE},
    {"PUT", "/upload/drive/v3/files", gd_files_upload_put, S_WRITE " drive.metadata drive.scripts"},
    {"PATCH", "/upload/drive/v3/files/{fileId}", gd_files_upload_update, S_WRITE " drive.metadata drive.scripts"},
    {"PUT", "/upload/drive/v3/files/{fileId}", gd_files_upload_put, S_WRITE " drive.metadata drive.scripts"},
    {"GET", "/drive/v3/files/generateIds", gd_files_generate_ids, S_WRITE},
    {"DELETE", "/drive/v3/files/trash", gd_files_empty_trash, "drive"},
    {"GET", F, gd_files_get, S_READ_META},
    {"PATCH", F, gd_files_update, S_WRITE " drive.metadata drive.scripts"},
    {"DELETE", F, gd_files_delete, S_WRITE},
    {"POST", F "/copy", gd_files_copy, S_WRITE " drive.photos.readonly"},
    {"GET", F "/export", gd_files_export, S_CREAD},
    {"POST", F "/download", gd_files_download, "drive drive.file drive.readonly"},
    {"GET", "/drive/v3/operations/{name}", gd_operations_get, "drive drive.file drive.meet.readonly drive.readonly"},
    {"GET", F "/listLabels", gd_files_list_labels,
     "drive drive.file drive.meet.readonly drive.metadata drive.metadata.readonly drive.readonly"},
    {"POST", F "/modifyLabels", gd_files_modify_labels, "drive drive.file drive.metadata"},
    {"GET", "/drive/v3/changes/startPageToken", gd_changes_start, S_READ_META},
    {"GET", "/drive/v3/changes", gd_changes_list, S_READ_META},
    {"GET", F "/permissions", gd_perm_list, S_PREAD},
    {"POST", F "/permissions", gd_perm_create, S_CWRITE},
    {"GET", F "/permissions/{permissionId}", gd_perm_get, S_PREAD},
    {"PATCH", F "/permissions/{permissionId}", gd_perm_update, S_CWRITE},
    {"DELETE", F "/permissions/{permissionId}", gd_perm_delete, S_CWRITE},
    {"GET", F "/revisions", gd_rev_list, S_RREAD},
    {"GET", F "/revisions/{revisionId}", gd_rev_get, S_RREAD},
    {"PATCH", F "/revisions/{revisionId}", gd_rev_update, S_WRITE},
    {"DELETE", F "/revisions/{revisionId}", gd_rev_delete, S_WRITE},
    {"GET", F "/comments", gd_comment_list, S_CREAD},
    {"POST", F "/comments", gd_comment_create, S_CWRITE},
    {"GET", F "/comments/{commentId}", gd_comment_get, S_CREAD},
    {"PATCH", F "/comments/{commentId}", gd_comment_update, S_CWRITE},
    {"DELETE", F "/comments/{commentId}", gd_comment_delete, S_CWRITE},
    {"GET", F "/comments/{commentId}/replies", gd_reply_list, S_CREAD},
    {"POST", F "/comments/{commentId}/replies", gd_reply_create, S_CWRITE},
    {"GET", F "/comments/{commentId}/replies/{replyId}", gd_reply_get, S_CREAD},
    {"PATCH", F "/comments/{commentId}/replies/{replyId}", gd_reply_update, S_CWRITE},
    {"DELETE", F "/comments/{commentId}/replies/{replyId}", gd_reply_delete, S_CWRITE},
    {"POST", "/drive/v3/drives", gd_drives_create, "drive"},
    {"GET", "/drive/v3/drives", gd_drives_list, "drive drive.readonly"},
    {"GET", D, gd_drives_get, "drive drive.readonly"},
    {"PATCH", D, gd_drives_update, "drive"},
    {"DELETE", D, gd_drives_delete, "drive"},
    {"POST", D "/hide", gd_drives_hide, "drive"},
    {"POST", D "/unhide", gd_drives_unhide, "drive"},
    /* the deprecated teamdrives.* methods: the same drives in the TeamDrive shape */
    {"POST", "/drive/v3/teamdrives", gd_drives_create, "drive"},
    {"GET", "/drive/v3/teamdrives", gd_drives_list, "drive drive.readonly"},
    {"GET", T, gd_drives_get, "drive drive.readonly"},
    {"PATCH", T, gd_drives_update, "drive"},
    {"DELETE", T, gd_drives_delete, "drive"},
};
#undef F
#undef D
#undef T

static const twin_route admin_routes[] = {
    {"GET", "/storage-tier", gd_admin_storage_tier, NULL},
    {"POST", "/storage-tier", gd_admin_storage_tier, NULL},
};

const twin_def twin_google_drive = {
    .name = "google_drive",
    .label = "Google Drive",
    .frontend = true,
    .show_in_ui = true,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .seed_schema = seed_schema_google_drive,
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .admin_routes = admin_routes,
    .n_admin_routes = sizeof admin_routes / sizeof admin_routes[0],
    .spec_name = "google_drive",
    .authenticate = gd_authenticate,
    .send_error = gd_send_error,
    .seed = gd_seed,
};
