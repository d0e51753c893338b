/* Notion twin: catalog declaration and route table.  Each route names the
 * integration capability it needs (checked in auth.c): read_content,
 * update_content, insert_content, or user_info (one of the three
 * user-information levels).  Path templates match the stub engine's. */
#include "engine/env.h"
#include "engine/seed_schema.h"
#include "engine/twin.h"
#include "twins/notion/notion.h"

static const char *const hosts[] = {"api.notion.com", "notion.so", "www.notion.so", NULL};

static void env_vars(const twin_env *e, arena *a, json_value *out)
{
    env_set_url(e, a, out, "NOTION_API_URL", "");
    env_set(a, out, "NOTION_TOKEN", env_token(e, a, "notion", "ntn_", 46));
}

static const twin_route routes[] = {
    {"GET", "/v1/users", nt_users_list, "user_info"},
    {"GET", "/v1/users/me", nt_users_me, "user_info"},
    {"GET", "/v1/users/{id}", nt_users_get, "user_info"},
    {"POST", "/v1/pages", nt_pages_create, "insert_content"},
    {"GET", "/v1/pages/{id}", nt_pages_get, "read_content"},
    {"PATCH", "/v1/pages/{id}", nt_pages_update, "update_content"},
    {"GET", "/v1/pages/{page_id}/properties/{property_id}", nt_page_property, "read_content"},
    {"GET", "/v1/blocks/{id}", nt_blocks_get, "read_content"},
    {"PATCH", "/v1/blocks/{id}", nt_blocks_update, "update_content"},
    {"DELETE", "/v1/blocks/{id}", nt_blocks_delete, "update_content"},
    {"GET", "/v1/blocks/{id}/children", nt_blocks_children, "read_content"},
    {"PATCH", "/v1/blocks/{id}/children", nt_blocks_append, "insert_content"},
    {"POST", "/v1/databases", nt_databases_create, "insert_content"},
    {"GET", "/v1/databases/{id}", nt_databases_get, "read_content"},
    {"PATCH", "/v1/databases/{id}", nt_databases_update, "update_content"},
    {"POST", "/v1/databases/{id}/query", nt_databases_query, "read_content"},
    {"POST", "/v1/data_sources", nt_ds_create, "insert_content"},
    {"GET", "/v1/data_sources/{id}", nt_ds_get, "read_content"},
    {"PATCH", "/v1/data_sources/{id}", nt_ds_update, "update_content"},
    {"POST", "/v1/data_sources/{id}/query", nt_ds_query, "read_content"},
    {"POST", "/v1/search", nt_search, "read_content"},
    {"POST", "/v1/file_uploads", nt_files_create, "insert_content"},
    {"GET", "/v1/file_uploads", nt_files_list, "read_content"},
    {"GET", "/v1/file_uploads/{id}", nt_files_get, "read_content"},
    {"POST", "/v1/file_uploads/{id}/send", nt_files_send, "insert_content"},
    {"POST", "/v1/file_uploads/{id}/complete", nt_files_complete, "insert_content"},
};

static const twin_route admin_routes[] = {
    {"GET", "/workspace-plan", nt_admin_plan, NULL},
    {"POST", "/workspace-plan", nt_admin_plan, NULL},
};

const twin_def twin_notion = {
    .name = "notion",
    .label = "Notion",
    .frontend = true,
    .show_in_ui = true,
    .hosts = hosts,
    .env_vars = env_vars,
    .default_config = "{}",
    .seed_schema = seed_schema_notion,
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .admin_routes = admin_routes,
    .n_admin_routes = sizeof admin_routes / sizeof admin_routes[0],
    .spec_name = "notion",
    .authenticate = nt_authenticate,
    .send_error = nt_send_error,
    .seed = nt_seed,
};
