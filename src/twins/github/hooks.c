/* GitHub twin: repository webhooks and signed deliveries. */
#include <string.h>

#include "engine/env.h"
#include "engine/webhooks.h"
#include "twins/github/github.h"
#include "util/util.h"

static json_value *hook_json(twin_ctx *ctx, const json_value *repo, const json_value *h)
{
    arena *a = ctx->a;
    json_value *o = json_clone(a, h);
    const char *u = arena_printf(a, "%s/hooks/%s", gh_repo_url(ctx, repo), json_get(h, "id")->str);
    json_set_str(a, o, "url", u);
    json_set_str(a, o, "test_url", arena_printf(a, "%s/test", u));
    json_set_str(a, o, "ping_url", arena_printf(a, "%s/pings", u));
    json_set_str(a, o, "deliveries_url", arena_printf(a, "%s/deliveries", u));
    json_value *cfg = json_get(o, "config");
    if (json_get_str(cfg, "secret")) json_set_str(a, cfg, "secret", "********");
    json_value *lr = json_object(a);
    json_set_null(a, lr, "code");
    json_set_str(a, lr, "status", "unused");
    json_set_null(a, lr, "message");
    json_set(a, o, "last_response", lr);
    return o;
}

static void deliver(twin_ctx *ctx, const json_value *repo, const json_value *h, const char *event, json_value *payload)
{
    arena *a = ctx->a;
    char uuid[37];
    uuid_v4(uuid);
    size_t len = 0;
    const char *body = json_to_string(a, payload, &len);
    const char **extra = arena_zalloc(a, 6 * sizeof *extra);
    extra[0] = arena_printf(a, "X-GitHub-Event: %s", event);
    extra[1] = arena_printf(a, "X-GitHub-Delivery: %s", uuid);
    extra[2] = arena_printf(a, "X-GitHub-Hook-ID: %s", json_get(h, "id")->str);
    extra[3] = "X-GitHub-Hook-Installation-Target-Type: repository";
    extra[4] = arena_printf(a, "X-GitHub-Hook-Installation-Target-ID: %s", json_get(repo, "id")->str);
    json_value *cfg = json_get(h, "config");
    webhooks_send(ctx, &(webhook_send){.url = json_get_str(cfg, "url"),
                                       .payload = body,
                                       .len = len,
                                       .secret = json_get_str(cfg, "secret"),
                                       .event_id = arena_strdup(a, uuid),
                                       .event_type = event,
                                       .endpoint_id = json_get(h, "id")->str,
                                       .extra_headers = extra,
                                       .user_agent = "GitHub-Hookshot/twins"});
}

static bool hook_wants(const json_value *h, const char *event)
{
    if (!json_truthy(json_get(h, "active"))) return false;
    json_foreach(e, json_get(h, "events")) if (str_eq(json_str(e), "*") || str_eq(json_str(e), event)) return true;
    return false;
}

void gh_emit(twin_ctx *ctx, const json_value *repo, const char *event, json_value *payload)
{
    if (ctx->seeding) return;
    twin_list l = gh_list_repo(ctx, "hooks", gh_repo_key(ctx, repo));
    const char *url = json_get_str(ctx->config, "webhook_url");
    if (!l.n && !(url && *url)) return;
    arena *a = ctx->a;
    json_value *r = gh_repo_json(ctx, repo);
    json_remove(r, "permissions");
    json_set(a, payload, "repository", r);
    json_value *acc = gh_account_get(ctx, json_get_str(repo, "owner"));
    if (acc && str_eq(json_get_str(acc, "type"), "Organization"))
        json_set(a, payload, "organization", gh_user_json(ctx, json_get_str(acc, "login")));
    json_set(a, payload, "sender", gh_user_json(ctx, gh_viewer(ctx) ? gh_viewer(ctx) : json_get_str(repo, "owner")));
    for (size_t i = 0; i < l.n; i++)
        if (hook_wants(l.items[i], event)) deliver(ctx, repo, l.items[i], event, payload);
    if (url && *url) {
        json_value *h = json_object(a), *cfg = json_object(a);
        json_set_str(a, h, "id", "0");
        json_set_str(a, cfg, "url", url);
        const char *secret = json_get_str(ctx->config, "webhook_secret");
        twin_env e = {.run_id = ctx->run_id, .config = ctx->config};
        if (!secret) secret = env_token(&e, a, "github-webhook", "", 32);
        json_set_str(a, cfg, "secret", secret);
        json_set(a, h, "config", cfg);
        json_set(a, h, "id", json_number_text(a, "0"));
        deliver(ctx, repo, h, event, payload);
    }
}

static bool apply_hook(twin_ctx *ctx, json_value *h, bool create)
{
    arena *a = ctx->a;
    json_value *cfg_in = twin_input(ctx, "config"), *cfg = json_get(h, "config");
    if (cfg_in && cfg_in->type == JSON_OBJECT) {
        json_foreach(m, cfg_in) json_set(a, cfg, m->key, json_clone(a, m));
    }
    const char *url = json_get_str(cfg, "url");
    if (create && (!url || !*url)) {
        gh_invalid(ctx, "Hook", "url", "custom", "url cannot be blank");
        return false;
    }
    if (!json_get(cfg, "content_type")) json_set_str(a, cfg, "content_type", "form");
    if (!json_get(cfg, "insecure_ssl")) json_set_str(a, cfg, "insecure_ssl", "0");
    json_value *ev = twin_input(ctx, "events");
    if (ev && ev->type == JSON_ARRAY) json_set(a, h, "events", json_clone(a, ev));
    json_value *add = twin_input(ctx, "add_events"), *events = json_get(h, "events");
    json_foreach(x, add) if (json_str(x)) json_push(events, json_string(a, x->str));
    json_value *rm = twin_input(ctx, "remove_events");
    if (rm) {
        json_value *keep = json_array(a);
        json_foreach(x, events) {
            bool drop = false;
            json_foreach(r, rm) if (str_eq(json_str(r), x->str)) drop = true;
            if (!drop) json_push(keep, json_string(a, x->str));
        }
        json_set(a, h, "events", keep);
    }
    if (twin_input(ctx, "active")) json_set_bool(a, h, "active", gh_bool_arg(ctx, "active", true));
    json_set_str(a, h, "updated_at", gh_now_iso(ctx));
    return true;
}

static void ping(twin_ctx *ctx, const json_value *repo, const json_value *h)
{
    arena *a = ctx->a;
    json_value *p = json_object(a);
    json_set_str(a, p, "zen", "Keep it logically awesome.");
    json_set(a, p, "hook_id", json_clone(a, json_get(h, "id")));
    json_set(a, p, "hook", hook_json(ctx, repo, h));
    json_value *r = gh_repo_json(ctx, repo);
    json_remove(r, "permissions");
    json_set(a, p, "repository", r);
    json_set(a, p, "sender", gh_user_json(ctx, gh_viewer(ctx)));
    deliver(ctx, repo, h, "ping", p);
}

void gh_create_hook(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    arena *a = ctx->a;
    json_value *h = json_object(a);
    int64_t id = gh_next_id(ctx);
    json_set_str(a, h, "type", "Repository");
    json_set_int(a, h, "id", id);
    json_set_str(a, h, "name", "web");
    json_set_bool(a, h, "active", true);
    json_value *ev = json_array(a);
    json_push(ev, json_string(a, "push"));
    json_set(a, h, "events", ev);
    json_set(a, h, "config", json_object(a));
    json_set_str(a, h, "created_at", gh_now_iso(ctx));
    if (!apply_hook(ctx, h, true)) return;
    gh_save(ctx, "hooks", arena_printf(a, "%lld", (long long)id), h, gh_repo_key(ctx, repo));
    if (json_truthy(json_get(h, "active"))) ping(ctx, repo, h);
    gh_reply(ctx, 201, hook_json(ctx, repo, h));
}

/* Hook ids are unique in the run, so the id alone finds a hook; it must also
 * belong to the repository in the URL, as on GitHub (another repo's → 404). */
static bool hook_in_repo(twin_ctx *ctx, const json_value *repo, const char *hook_id)
{
    store_key k = {ctx->run_id, ctx->twin, "hooks"};
    const char **ids = NULL;
    size_t n = 0;
    if (store_lookup(ctx->store, ctx->a, &k, "repo", gh_repo_key(ctx, repo), &ids, &n, 0) != 0) return false;
    for (size_t i = 0; i < n; i++)
        if (str_eq(ids[i], hook_id)) return true;
    return false;
}

static json_value *load_hook(twin_ctx *ctx, const json_value *repo)
{
    const char *id = twin_param(ctx, "hook_id");
    json_value *h = hook_in_repo(ctx, repo, id) ? twin_doc_get(ctx, "hooks", id) : NULL;
    if (!h) gh_not_found(ctx);
    return h;
}

void gh_list_hooks(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    gh_send_list(ctx, repo, gh_list_repo(ctx, "hooks", gh_repo_key(ctx, repo)), hook_json);
}

void gh_get_hook(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *h = repo ? load_hook(ctx, repo) : NULL;
    if (h) gh_reply(ctx, 200, hook_json(ctx, repo, h));
}

void gh_update_hook(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *h = repo ? load_hook(ctx, repo) : NULL;
    if (!h || !apply_hook(ctx, h, false)) return;
    gh_save(ctx, "hooks", twin_param(ctx, "hook_id"), h, gh_repo_key(ctx, repo));
    gh_reply(ctx, 200, hook_json(ctx, repo, h));
}

void gh_delete_hook(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *h = repo ? load_hook(ctx, repo) : NULL;
    if (!h) return;
    twin_doc_delete(ctx, "hooks", twin_param(ctx, "hook_id"));
    twin_reply_text(ctx, 204, "application/json", "", 0);
}

void gh_ping_hook(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *h = repo ? load_hook(ctx, repo) : NULL;
    if (!h) return;
    ping(ctx, repo, h);
    twin_reply_text(ctx, 204, "application/json", "", 0);
}
