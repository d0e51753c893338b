/* Jira twin: dynamic webhooks (/rest/api/3/webhook) and signed deliveries
 * of jira:issue_* and comment_* events, filtered by each webhook's JQL. */
#include <stdlib.h>
#include <string.h>

#include "engine/webhooks.h"
#include "twins/jira/jira.h"
#include "util/util.h"

static const char *const valid_events[] = {
    "jira:issue_created", "jira:issue_updated", "jira:issue_deleted", "comment_created", "comment_updated",
    "comment_deleted", "issue_property_set", "issue_property_deleted", NULL};

static int64_t expiry_ms(twin_ctx *ctx)
{
    return (twin_now(ctx) + 30LL * 86400) * 1000;
}

void jira_webhook_register(twin_ctx *ctx)
{
    arena *a = ctx->a;
    const char *url = json_get_str(ctx->body, "url");
    json_value *hooks = json_get(ctx->body, "webhooks");
    if (!url || !*url) {
        jira_field_error(ctx, 400, "url", "The webhook url must be provided.");
        return;
    }
    if (!hooks || hooks->type != JSON_ARRAY || !hooks->len) {
        jira_field_error(ctx, 400, "webhooks", "At least one webhook must be provided.");
        return;
    }
    json_value *results = json_array(a);
    json_foreach(h, hooks) {
        json_value *r = json_object(a), *errs = json_array(a);
        json_value *events = json_get(h, "events");
        if (!events || events->type != JSON_ARRAY || !events->len) json_push(errs, json_string(a, "Events must not be empty."));
        json_foreach(e, events) {
            bool ok = false;
            for (size_t i = 0; valid_events[i]; i++)
                if (str_eq(json_str(e), valid_events[i])) ok = true;
            if (!ok) json_push(errs, json_string(a, arena_printf(a, "Invalid event: %s", json_str(e) ? e->str : "")));
        }
        const char *jql_text = json_get_str(h, "jqlFilter");
        if (jql_text && *jql_text) {
            const char *err;
            if (!jql_parse(ctx, jql_text, &err)) json_push(errs, json_string(a, arena_printf(a, "Invalid JQL: %s", err)));
        }
        if (errs->len) {
            json_set(a, r, "errors", errs);
        } else {
            int64_t n = twin_counter(ctx, "webhook");
            const char *id = jira_id_str(ctx, n);
            json_value *w = json_object(a);
            json_set_str(a, w, "id", id);
            json_set_str(a, w, "url", url);
            json_set(a, w, "events", json_clone(a, events));
            json_set_str(a, w, "jqlFilter", jql_text ? jql_text : "");
            if (json_get(h, "fieldIdsFilter")) json_set(a, w, "fieldIdsFilter", json_clone(a, json_get(h, "fieldIdsFilter")));
            const char *secret = json_get_str(ctx->body, "secret");
            if (secret) json_set_str(a, w, "secret", secret);
            json_set_int(a, w, "expirationDate", expiry_ms(ctx));
            twin_doc_put(ctx, "webhooks", id, w, NULL, 0);
            json_set_int(a, r, "createdWebhookId", n);
        }
        json_push(results, r);
    }
    json_value *o = json_object(a);
    json_set(a, o, "webhookRegistrationResult", results);
    twin_reply_json(ctx, 200, o);
}

void jira_webhook_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *arr = json_array(a);
    twin_list l = jira_list(ctx, "webhooks", NULL, NULL);
    for (size_t i = 0; i < l.n; i++) {
        json_value *w = l.items[i], *o = json_object(a);
        json_set(a, o, "id", json_number_text(a, json_get_str(w, "id")));
        json_set_str(a, o, "jqlFilter", json_get_str(w, "jqlFilter"));
        if (json_get(w, "fieldIdsFilter")) json_set(a, o, "fieldIdsFilter", json_clone(a, json_get(w, "fieldIdsFilter")));
        json_set(a, o, "events", json_clone(a, json_get(w, "events")));
        json_set(a, o, "expirationDate", json_clone(a, json_get(w, "expirationDate")));
        json_set_str(a, o, "url", json_get_str(w, "url"));
        json_push(arr, o);
    }
    twin_reply_json(ctx, 200, jira_page(ctx, arr, 100, "values", true));
}

void jira_webhook_delete(twin_ctx *ctx)
{
    json_value *ids = json_get(ctx->body, "webhookIds");
    if (!ids || ids->type != JSON_ARRAY || !ids->len) {
        jira_field_error(ctx, 400, "webhookIds", "webhookIds must not be empty.");
        return;
    }
    json_foreach(x, ids) if (x->str) twin_doc_delete(ctx, "webhooks", x->str);
    twin_reply_text(ctx, 202, NULL, "", 0);
}

void jira_webhook_refresh(twin_ctx *ctx)
{
    json_value *ids = json_get(ctx->body, "webhookIds");
    int64_t exp = expiry_ms(ctx);
    json_foreach(x, ids) {
        json_value *w = x->str ? twin_doc_get(ctx, "webhooks", x->str) : NULL;
        if (!w) continue;
        json_set_int(ctx->a, w, "expirationDate", exp);
        twin_doc_put(ctx, "webhooks", x->str, w, NULL, 0);
    }
    json_value *o = json_object(ctx->a);
    json_set_int(ctx->a, o, "expirationDate", exp);
    twin_reply_json(ctx, 200, o);
}

static void deliver(twin_ctx *ctx, const char *url, const char *secret, const char *hook_id, const char *event,
                    json_value *payload)
{
    arena *a = ctx->a;
    char uuid[37];
    uuid_v4(uuid);
    size_t len = 0;
    const char *body = json_to_string(a, payload, &len);
    const char **extra = arena_zalloc(a, 3 * sizeof *extra);
    extra[0] = arena_printf(a, "X-Atlassian-Webhook-Identifier: %s", uuid);
    extra[1] = "X-Atlassian-Webhook-Flow: Primary";
    webhooks_send(ctx, &(webhook_send){.url = url,
                                       .payload = body,
                                       .len = len,
                                       .secret = secret,
                                       .event_id = arena_strdup(a, uuid),
                                       .event_type = event,
                                       .endpoint_id = hook_id,
                                       .extra_headers = extra,
                                       .user_agent = "Atlassian Webhook HTTP Client"});
}

static bool wants(twin_ctx *ctx, const json_value *w, const char *event, const json_value *issue)
{
    bool hit = false;
    json_foreach(e, json_get(w, "events")) if (str_eq(json_str(e), event)) hit = true;
    if (!hit) return false;
    const char *jt = json_get_str(w, "jqlFilter");
    if (!jt || !*jt) return true;
    const char *err;
    jql *q = jql_parse(ctx, jt, &err);
    return q && jql_match(ctx, q, issue);
}

static void emit(twin_ctx *ctx, const char *event, const json_value *issue, json_value *payload)
{
    if (ctx->seeding) return;
    arena *a = ctx->a;
    twin_list l = jira_list(ctx, "webhooks", NULL, NULL);
    const char *dflt = json_get_str(ctx->config, "webhook_url");
    json_value *matched = json_array(a);
    const json_value **targets = arena_alloc(a, (l.n + 1) * sizeof *targets);
    size_t n = 0;
    for (size_t i = 0; i < l.n; i++)
        if (wants(ctx, l.items[i], event, issue)) {
            targets[n++] = l.items[i];
            json_push(matched, json_int(a, atoll(json_get_str(l.items[i], "id"))));
        }
    if (!n && !(dflt && *dflt)) return;
    json_set(a, payload, "matchedWebhookIds", matched);
    for (size_t i = 0; i < n; i++)
        deliver(ctx, json_get_str(targets[i], "url"), json_get_str(targets[i], "secret"), json_get_str(targets[i], "id"),
                event, payload);
    if (dflt && *dflt) deliver(ctx, dflt, json_get_str(ctx->config, "webhook_secret"), "default", event, payload);
}

void jira_emit_issue(twin_ctx *ctx, const char *event, const json_value *issue, const json_value *changelog)
{
    if (ctx->seeding) return;
    arena *a = ctx->a;
    json_value *p = json_object(a);
    json_set_int(a, p, "timestamp", now_ms());
    json_set_str(a, p, "webhookEvent", event);
    json_set_str(a, p, "issue_event_type_name",
                 str_eq(event, "jira:issue_created") ? "issue_created"
                 : str_eq(event, "jira:issue_deleted") ? "issue_deleted"
                 : changelog && strstr(json_to_string(a, changelog, NULL), "\"status\"") ? "issue_generic" : "issue_updated");
    json_set(a, p, "user", jira_user_json(ctx, jira_viewer(ctx)));
    json_set(a, p, "issue", jira_issue_json(ctx, issue, NULL, NULL));
    if (changelog) json_set(a, p, "changelog", json_clone(a, changelog));
    emit(ctx, event, issue, p);
}

void jira_emit_comment(twin_ctx *ctx, const char *event, const json_value *issue, const json_value *comment)
{
    if (ctx->seeding) return;
    arena *a = ctx->a;
    json_value *p = json_object(a);
    json_set_int(a, p, "timestamp", now_ms());
    json_set_str(a, p, "webhookEvent", event);
    json_set(a, p, "comment", jira_comment_json(ctx, comment));
    json_set(a, p, "issue", jira_issue_json(ctx, issue, "summary,status,issuetype,priority,assignee,project", NULL));
    emit(ctx, event, issue, p);
}
