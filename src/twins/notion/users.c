/* Notion twin: users (people and the integration's bot user).  What a
 * caller sees depends on the user-information capability level: with
 * email, without email (person objects lose person.email). */
#include <string.h>

#include "twins/notion/notion.h"
#include "util/util.h"

json_value *nt_user_create(twin_ctx *ctx, const char *name, const char *email, bool bot)
{
    arena *a = ctx->a;
    json_value *u = json_object(a);
    json_set_str(a, u, "id", nt_uuid(ctx));
    json_set_str(a, u, "name", name);
    json_set_str(a, u, "email", email);
    json_set_str(a, u, "type", bot ? "bot" : "person");
    json_set_null(a, u, "avatar_url");
    nt_save(ctx, "users", u, NULL, NULL);
    return u;
}

json_value *nt_user_json(twin_ctx *ctx, const json_value *u)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    json_set_str(a, o, "object", "user");
    json_set_str(a, o, "id", json_get_str(u, "id"));
    json_set_str(a, o, "name", json_get_str(u, "name"));
    json_set(a, o, "avatar_url", json_clone(a, json_get(u, "avatar_url")));
    const char *type = json_get_str(u, "type");
    json_set_str(a, o, "type", type);
    if (str_eq(type, "bot")) {
        json_value *bot = json_object(a), *owner = json_object(a), *limits = json_object(a);
        json_set_str(a, owner, "type", "workspace");
        json_set_bool(a, owner, "workspace", true);
        json_set(a, bot, "owner", owner);
        const char *ws = json_get_str(ctx->config, "workspace_name");
        json_set_str(a, bot, "workspace_name", ws ? ws : "Twins Workspace");
        json_set_int(a, limits, "max_file_upload_size_in_bytes", nt_plan_limit(ctx));
        json_set(a, bot, "workspace_limits", limits);
        json_set(a, o, "bot", bot);
    } else {
        json_value *p = json_object(a);
        const char *email = json_get_str(u, "email");
        if (nt_user_level(ctx) >= 2 && email) json_set_str(a, p, "email", email);
        json_set(a, o, "person", p);
    }
    return o;
}

void nt_users_list(twin_ctx *ctx)
{
    twin_list l = {0};
    store_list_opts o = {0};
    twin_doc_list(ctx, "users", &o, &l);
    json_value *items = json_array(ctx->a);
    for (size_t i = 0; i < l.n; i++) json_push(items, nt_user_json(ctx, l.items[i]));
    nt_send_list(ctx, items, "user");
}

void nt_users_me(twin_ctx *ctx)
{
    json_value *u = twin_doc_get(ctx, "users", nt_bot_id(ctx));
    if (!u) return nt_error(ctx, 500, "internal_server_error", "The bot user is missing.");
    twin_reply_json(ctx, 200, nt_user_json(ctx, u));
}

void nt_users_get(twin_ctx *ctx)
{
    const char *id = nt_param_id(ctx, "id", "user_id");
    if (!id) return;
    json_value *u = twin_doc_get(ctx, "users", id);
    if (!u) return nt_not_found(ctx, "user", id);
    twin_reply_json(ctx, 200, nt_user_json(ctx, u));
}
