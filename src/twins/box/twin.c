/* Box twin: catalog declaration and route table.
 *
 * The SDK sends API calls to <base>/2.0/..., uploads to <base>/api/2.0/...
 * (its uploadUrl is base + "/api"), token requests to <base>/oauth2/token
 * and the authorize page to <base>/api/oauth2/authorize; each upload route is
 * also served under /2.0 for clients that post uploads to the API host.
 * Routes marked "public" take no bearer token: OAuth endpoints authenticate
 * the client themselves, and download URLs carry their own signature like
 * Box's dl.boxcloud.com links. */
#include "engine/env.h"
#include "engine/twin.h"
#include "twins/box/box.h"

static const char *const hosts[] = {"api.box.com", "upload.box.com", "app.box.com", "account.box.com",
                                    "dl.boxcloud.com", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "BOX_API_URL", "");
    env_set_url(e, a, out, "BOX_UPLOAD_URL", "/api");
    env_set_url(e, a, out, "BOX_OAUTH2_URL", "/api/oauth2");
    env_set(a, out, "BOX_DEVELOPER_TOKEN", env_config_str(e, "developer_token", env_token(e, a, "box", "", 32)));
    env_set(a, out, "BOX_CLIENT_ID", env_config_str(e, "client_id", env_token(e, a, "box-client-id", "", 32)));
    env_set(a, out, "BOX_CLIENT_SECRET",
            env_config_str(e, "client_secret", env_token(e, a, "box-client-secret", "", 32)));
    env_set(a, out, "BOX_ENTERPRISE_ID", env_config_str(e, "enterprise_id", "1000001"));
    env_set(a, out, "BOX_WEBHOOK_PRIMARY_KEY",
            env_config_str(e, "webhook_primary_key", env_token(e, a, "box-webhook-primary", "", 32)));
    env_set(a, out, "BOX_WEBHOOK_SECONDARY_KEY",
            env_config_str(e, "webhook_secondary_key", env_token(e, a, "box-webhook-secondary", "", 32)));
}

#define UPLOAD_ROUTES(prefix) \
    {"POST", prefix "/2.0/files/content", bx_files_upload, NULL}, \
    {"POST", prefix "/2.0/files/{file_id}/content", bx_files_version_upload, NULL}

static const twin_route routes[] = {
    {"POST", "/oauth2/token", bx_oauth_token, "public"},
    {"POST", "/api/oauth2/token", bx_oauth_token, "public"},
    {"POST", "/oauth2/revoke", bx_oauth_revoke, "public"},
    {"POST", "/api/oauth2/revoke", bx_oauth_revoke, "public"},
    {"GET", "/api/oauth2/authorize", bx_oauth_authorize, "public"},
    {"GET", "/oauth2/authorize", bx_oauth_authorize, "public"},
    {"GET", "/d/1/{token}/download", bx_download, "public"},

    {"GET", "/2.0/users/me", bx_users_me, NULL},
    {"GET", "/2.0/users", bx_users_list, NULL},
    {"POST", "/2.0/users", bx_users_create, NULL},
    {"GET", "/2.0/users/{user_id}", bx_users_get, NULL},
    {"PUT", "/2.0/users/{user_id}", bx_users_update, NULL},
    {"DELETE", "/2.0/users/{user_id}", bx_users_delete, NULL},

    {"POST", "/2.0/folders", bx_folders_create, NULL},
    {"GET", "/2.0/folders/trash/items", bx_trash_items, NULL},
    {"GET", "/2.0/folders/{folder_id}", bx_folders_get, NULL},
    {"PUT", "/2.0/folders/{folder_id}", bx_folders_update, NULL},
    {"POST", "/2.0/folders/{folder_id}", bx_folders_restore, NULL},
    {"DELETE", "/2.0/folders/{folder_id}", bx_folders_delete, NULL},
    {"GET", "/2.0/folders/{folder_id}/items", bx_folders_items, NULL},
    {"POST", "/2.0/folders/{folder_id}/copy", bx_folders_copy, NULL},
    {"GET", "/2.0/folders/{folder_id}/trash", bx_folders_trash_get, NULL},
    {"DELETE", "/2.0/folders/{folder_id}/trash", bx_folders_trash_delete, NULL},

    UPLOAD_ROUTES("/api"),
    UPLOAD_ROUTES(""),
    {"OPTIONS", "/2.0/files/content", bx_files_preflight, NULL},
    {"GET", "/2.0/files/{file_id}", bx_files_get, NULL},
    {"PUT", "/2.0/files/{file_id}", bx_files_update, NULL},
    {"POST", "/2.0/files/{file_id}", bx_files_restore, NULL},
    {"DELETE", "/2.0/files/{file_id}", bx_files_delete, NULL},
    {"GET", "/2.0/files/{file_id}/content", bx_files_content, NULL},
    {"POST", "/2.0/files/{file_id}/copy", bx_files_copy, NULL},
    {"GET", "/2.0/files/{file_id}/trash", bx_files_trash_get, NULL},
    {"DELETE", "/2.0/files/{file_id}/trash", bx_files_trash_delete, NULL},
    {"GET", "/2.0/files/{file_id}/versions", bx_versions_list, NULL},
    {"POST", "/2.0/files/{file_id}/versions/current", bx_versions_promote, NULL},
    {"GET", "/2.0/files/{file_id}/versions/{file_version_id}", bx_versions_get, NULL},

    {"GET", "/2.0/folders/{folder_id}/collaborations", bx_folders_collabs, NULL},
    {"GET", "/2.0/files/{file_id}/collaborations", bx_files_collabs, NULL},
    {"GET", "/2.0/collaborations", bx_collabs_pending, NULL},
    {"POST", "/2.0/collaborations", bx_collabs_create, NULL},
    {"GET", "/2.0/collaborations/{collaboration_id}", bx_collabs_get, NULL},
    {"PUT", "/2.0/collaborations/{collaboration_id}", bx_collabs_update, NULL},
    {"DELETE", "/2.0/collaborations/{collaboration_id}", bx_collabs_delete, NULL},

    {"POST", "/2.0/comments", bx_comments_create, NULL},
    {"GET", "/2.0/comments/{comment_id}", bx_comments_get, NULL},
    {"PUT", "/2.0/comments/{comment_id}", bx_comments_update, NULL},
    {"DELETE", "/2.0/comments/{comment_id}", bx_comments_delete, NULL},
    {"GET", "/2.0/files/{file_id}/comments", bx_files_comments, NULL},

    {"POST", "/2.0/tasks", bx_tasks_create, NULL},
    {"GET", "/2.0/tasks/{task_id}", bx_tasks_get, NULL},
    {"PUT", "/2.0/tasks/{task_id}", bx_tasks_update, NULL},
    {"DELETE", "/2.0/tasks/{task_id}", bx_tasks_delete, NULL},
    {"GET", "/2.0/tasks/{task_id}/assignments", bx_tasks_assignments, NULL},
    {"GET", "/2.0/files/{file_id}/tasks", bx_files_tasks, NULL},
    {"POST", "/2.0/task_assignments", bx_assignments_create, NULL},
    {"GET", "/2.0/task_assignments/{task_assignment_id}", bx_assignments_get, NULL},
    {"PUT", "/2.0/task_assignments/{task_assignment_id}", bx_assignments_update, NULL},
    {"DELETE", "/2.0/task_assignments/{task_assignment_id}", bx_assignments_delete, NULL},

    {"GET", "/2.0/search", bx_search, NULL},
    {"GET", "/2.0/events", bx_events, NULL},

    {"GET", "/2.0/webhooks", bx_webhooks_list, NULL},
    {"POST", "/2.0/webhooks", bx_webhooks_create, NULL},
    {"GET", "/2.0/webhooks/{webhook_id}", bx_webhooks_get, NULL},
    {"PUT", "/2.0/webhooks/{webhook_id}", bx_webhooks_update, NULL},
    {"DELETE", "/2.0/webhooks/{webhook_id}", bx_webhooks_delete, NULL},
};

const twin_def twin_box = {
    .name = "box",
    .label = "Box",
    .frontend = false,
    .show_in_ui = false,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .seed_schema = bx_seed_schema,
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .spec_name = "box",
    .authenticate = bx_authenticate,
    .send_error = bx_send_error,
    .seed = bx_seed,
    .webhook_sign = bx_webhook_sign,
};
