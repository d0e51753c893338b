/* Dropbox twin: catalog declaration and route table.  Every route names the
 * scope the official description gives it (checked in auth.c when the run's
 * config lists the token's scopes).  Content routes (upload, download,
 * upload sessions) take their arguments in Dropbox-API-Arg; the rest are
 * JSON RPC.  Routes not listed here are served by the stub engine. */
#include "engine/env.h"
#include "engine/twin.h"
#include "twins/dropbox/dropbox.h"

static const char *const hosts[] = {"api.dropboxapi.com", "content.dropboxapi.com", "notify.dropboxapi.com", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "DROPBOX_API_URL", "");
    env_set(a, out, "DROPBOX_ACCESS_TOKEN", env_token(e, a, "dropbox", "sl.", 60));
    env_set(a, out, "DROPBOX_APP_KEY", env_token(e, a, "dropbox-app-key", "", 15));
    env_set(a, out, "DROPBOX_APP_SECRET", env_config_str(e, "app_secret", env_token(e, a, "dropbox-app-secret", "", 15)));
}

#define CONTENT_WRITE "files.content.write"
#define CONTENT_READ "files.content.read"
#define METADATA_READ "files.metadata.read"

static const twin_route routes[] = {
    {"POST", "/2/files/upload", dbx_upload, CONTENT_WRITE},
    {"POST", "/2/files/download", dbx_download, CONTENT_READ},
    /* Content-download routes also answer GET (arguments in ?arg=). */
    {"GET", "/2/files/download", dbx_download, CONTENT_READ},
    {"POST", "/2/files/export", dbx_export, CONTENT_READ},
    {"GET", "/2/files/export", dbx_export, CONTENT_READ},
    {"POST", "/2/files/get_metadata", dbx_get_metadata, METADATA_READ},
    {"POST", "/2/files/create_folder_v2", dbx_create_folder_v2, CONTENT_WRITE},
    {"POST", "/2/files/create_folder", dbx_create_folder, CONTENT_WRITE},
    {"POST", "/2/files/delete_v2", dbx_delete_v2, CONTENT_WRITE},
    {"POST", "/2/files/delete", dbx_delete, CONTENT_WRITE},
    {"POST", "/2/files/copy_v2", dbx_copy_v2, CONTENT_WRITE},
    {"POST", "/2/files/move_v2", dbx_move_v2, CONTENT_WRITE},
    {"POST", "/2/files/copy_batch_v2", dbx_copy_batch_v2, CONTENT_WRITE},
    {"POST", "/2/files/copy_batch/check_v2", dbx_relocation_batch_check, CONTENT_WRITE},
    {"POST", "/2/files/move_batch_v2", dbx_move_batch_v2, CONTENT_WRITE},
    {"POST", "/2/files/move_batch/check_v2", dbx_relocation_batch_check, CONTENT_WRITE},
    {"POST", "/2/files/list_revisions", dbx_list_revisions, METADATA_READ},
    {"POST", "/2/files/restore", dbx_restore, CONTENT_WRITE},
    {"POST", "/2/files/get_temporary_link", dbx_get_temporary_link, CONTENT_READ},
    {"POST", "/2/files/list_folder", dbx_list_folder, METADATA_READ},
    {"POST", "/2/files/list_folder/continue", dbx_list_folder_continue, METADATA_READ},
    {"POST", "/2/files/list_folder/get_latest_cursor", dbx_list_folder_latest_cursor, METADATA_READ},
    /* longpoll takes no credentials (auth "noauth" in the description). */
    {"POST", "/2/files/list_folder/longpoll", dbx_list_folder_longpoll, "public"},
    {"POST", "/2/files/search_v2", dbx_search_v2, METADATA_READ},
    {"POST", "/2/files/search/continue_v2", dbx_search_continue_v2, METADATA_READ},
    {"POST", "/2/files/upload_session/start", dbx_session_start, CONTENT_WRITE},
    {"POST", "/2/files/upload_session/append_v2", dbx_session_append_v2, CONTENT_WRITE},
    {"POST", "/2/files/upload_session/append", dbx_session_append, CONTENT_WRITE},
    {"POST", "/2/files/upload_session/finish", dbx_session_finish, CONTENT_WRITE},
    {"POST", "/2/files/create_folder_batch", dbx_create_folder_batch, CONTENT_WRITE},
    {"POST", "/2/files/create_folder_batch/check", dbx_create_folder_batch_check, CONTENT_WRITE},
    {"POST", "/2/files/delete_batch", dbx_delete_batch, CONTENT_WRITE},
    {"POST", "/2/files/delete_batch/check", dbx_delete_batch_check, CONTENT_WRITE},
    {"POST", "/2/users/get_current_account", dbx_current_account, "account_info.read"},
    {"POST", "/2/users/get_account", dbx_get_account, "sharing.read"},
    {"POST", "/2/users/get_account_batch", dbx_get_account_batch, "sharing.read"},
    {"POST", "/2/users/get_space_usage", dbx_space_usage, "account_info.read"},
    {"POST", "/2/sharing/create_shared_link_with_settings", dbx_create_shared_link, "sharing.write"},
    {"POST", "/2/sharing/list_shared_links", dbx_list_shared_links, "sharing.read"},
    {"POST", "/2/sharing/revoke_shared_link", dbx_revoke_shared_link, "sharing.write"},
    {"POST", "/2/sharing/get_shared_link_metadata", dbx_get_shared_link_metadata, "sharing.read"},
    {"POST", "/2/sharing/get_shared_link_file", dbx_get_shared_link_file, "sharing.read"},
    {"GET", "/2/sharing/get_shared_link_file", dbx_get_shared_link_file, "sharing.read"},
    {"POST", "/2/sharing/share_folder", dbx_share_folder, "sharing.write"},
    {"POST", "/2/sharing/check_share_job_status", dbx_sharing_job_check, "sharing.write"},
    {"POST", "/2/sharing/get_folder_metadata", dbx_get_folder_metadata, "sharing.read"},
    {"POST", "/2/sharing/list_folders", dbx_list_shared_folders, "sharing.read"},
    {"POST", "/2/sharing/list_folders/continue", dbx_list_shared_folders_continue, "sharing.read"},
    {"POST", "/2/sharing/add_folder_member", dbx_add_folder_member, "sharing.write"},
    {"POST", "/2/sharing/list_folder_members", dbx_list_folder_members, "sharing.read"},
    {"POST", "/2/sharing/list_folder_members/continue", dbx_list_folder_members_continue, "sharing.read"},
    {"POST", "/2/sharing/remove_folder_member", dbx_remove_folder_member, "sharing.write"},
    {"POST", "/2/sharing/check_remove_member_job_status", dbx_sharing_job_check, "sharing.write"},
    {"POST", "/2/sharing/unshare_folder", dbx_unshare_folder, "sharing.write"},
    {"POST", "/2/sharing/check_job_status", dbx_sharing_job_check, "sharing.write"},
    {"POST", "/2/sharing/mount_folder", dbx_mount_folder, "sharing.write"},
    {"POST", "/2/sharing/list_mountable_folders", dbx_list_mountable_folders, "sharing.read"},
    {"POST", "/2/sharing/list_mountable_folders/continue", dbx_list_mountable_folders_continue, "sharing.read"},
    {"POST", "/2/check/user", dbx_check_user, "account_info.read"},
    {"POST", "/2/team/members/list_v2", dbx_team_members_list, "members.read"},
    {"POST", "/2/team/get_info", dbx_team_get_info, "team_info.read"},
    {"POST", "/2/auth/token/revoke", dbx_token_revoke, NULL},
    /* What get_temporary_link's links point at: the bytes, no credentials. */
    {"GET", "/__twin/temporary-link/{token}/{name}", dbx_temp_link_content, "public"},
};

static const twin_route admin_routes[] = {
    {"GET", "/account-tier", dbx_admin_tier, NULL},
    {"POST", "/account-tier", dbx_admin_tier, NULL},
};

const twin_def twin_dropbox = {
    .name = "dropbox",
    .label = "Dropbox",
    .frontend = true,
    .show_in_ui = true,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{\"account_tier\": \"basic\"}",
    .seed_schema = dbx_seed_schema,
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .admin_routes = admin_routes,
    .n_admin_routes = sizeof admin_routes / sizeof admin_routes[0],
    .spec_name = "dropbox",
    .stub_send = dbx_stub_send,
    .authenticate = dbx_authenticate,
    .send_error = dbx_send_error,
    .seed = dbx_seed,
    .webhook_sign = dbx_webhook_sign,
    /* State starting over (reset, config replace) answers held longpolls. */
    .on_start = dbx_longpoll_restart,
    /* Stopping the server answers them changes false. */
    .on_stop = dbx_longpoll_stop,
};
