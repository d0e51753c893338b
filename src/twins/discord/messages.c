/* Discord twin: messages (JSON or multipart with attachments), reactions
 * and threads. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"
#include "twins/discord/discord.h"
#include "util/util.h"

#define MAX_CONTENT 2000
#define TWO_WEEKS_MS (14LL * 24 * 3600 * 1000)
#define HAS_THREAD 32

static json_value *channel_param(twin_ctx *ctx)
{
    const char *id = dc_param_sf(ctx, "channel_id");
    return id ? dc_channel_load(ctx, id) : NULL;
}

static json_value *message_in(twin_ctx *ctx, const json_value *channel, const char *param)
{
    const char *id = dc_param_sf(ctx, param);
    if (!id) return NULL;
    json_value *m = twin_doc_get(ctx, "messages", id);
    if (!m || !str_eq(json_get_str(m, "channel_id"), json_get_str(channel, "id"))) {
        dc_error(ctx, 404, DC_UNKNOWN_MESSAGE, "Unknown Message");
        return NULL;
    }
    return m;
}

static void save_message(twin_ctx *ctx, const json_value *m)
{
    dc_save(ctx, "messages", json_get_str(m, "id"), m, "channel", json_get_str(m, "channel_id"), NULL, NULL);
}

static void save_channel(twin_ctx *ctx, const json_value *c)
{
    dc_save(ctx, "channels", json_get_str(c, "id"), c, "guild", json_get_str(c, "guild_id"), "parent",
            dc_is_thread(c) ? json_get_str(c, "parent_id") : NULL);
}

/* ---- rendering ---- */

static json_value *reactions_render(twin_ctx *ctx, const json_value *list)
{
    arena *a = ctx->a;
    json_value *out = json_array(a);
    const char *bot = dc_bot_id(ctx);
    json_foreach(r, list) {
        json_value *users = json_get(r, "users");
        if (!users || !users->len) continue;
        json_value *o = json_object(a), *e = json_object(a), *cd = json_object(a);
        json_set(a, e, "id", json_clone(a, json_get(r, "id")));
        json_set_str(a, e, "name", json_get_str(r, "name"));
        if (json_truthy(json_get(r, "animated"))) json_set_bool(a, e, "animated", true);
        json_set(a, o, "emoji", e);
        json_set_int(a, o, "count", users->len);
        json_set_int(a, cd, "burst", 0);
        json_set_int(a, cd, "normal", users->len);
        json_set(a, o, "count_details", cd);
        json_set(a, o, "burst_colors", json_array(a));
        json_set_bool(a, o, "me_burst", false);
        bool me = false;
        json_foreach(u, users) me |= str_eq(json_str(u), bot);
        json_set_bool(a, o, "me", me);
        json_push(out, o);
    }
    return out;
}

json_value *dc_message_render(twin_ctx *ctx, const json_value *m)
{
    arena *a = ctx->a;
    json_value *o = dc_public(a, m);
    json_value *reactions = reactions_render(ctx, json_get(m, "_reactions"));
    if (reactions->len) json_set(a, o, "reactions", reactions);
    const char *thread = json_get_str(m, "_thread");
    json_value *t = thread ? dc_thread_settle(ctx, twin_doc_get(ctx, "channels", thread)) : NULL;
    if (t) json_set(a, o, "thread", dc_channel_render(ctx, t));
    const char *ref = json_get_str(json_get(m, "message_reference"), "message_id");
    if (ref && json_get(m, "type") && str_eq(json_get(m, "type")->str, "19")) {
        json_value *rm = twin_doc_get(ctx, "messages", ref);
        json_set(a, o, "referenced_message", rm ? dc_public(a, rm) : json_null(a));
    }
    return o;
}

/* ---- mentions: <@id>, <@!id>, <@&role>, @everyone ---- */

static void scan_mentions(twin_ctx *ctx, const char *content, json_value *m)
{
    arena *a = ctx->a;
    json_value *users = json_array(a), *roles = json_array(a);
    for (const char *p = content ? strstr(content, "<@") : NULL; p; p = strstr(p + 2, "<@")) {
        const char *q = p + 2;
        bool role = *q == '&';
        if (*q == '!' || *q == '&') q++;
        const char *end = strchr(q, '>');
        if (!end || end == q || end - q > 20) continue;
        char *id = arena_strndup(a, q, (size_t)(end - q));
        if (!dc_sf(id)) continue;
        if (role) {
            if (twin_doc_get(ctx, "roles", id)) json_push(roles, json_string(a, id));
        } else {
            json_value *u = dc_user_find(ctx, id);
            if (u) json_push(users, u);
        }
    }
    json_set(a, m, "mentions", users);
    json_set(a, m, "mention_roles", roles);
    json_set_bool(a, m, "mention_everyone", content && (strstr(content, "@everyone") || strstr(content, "@here")));
}

/* ---- the request payload: JSON, or multipart with payload_json / fields and files ---- */

typedef struct payload {
    json_value *body;
    multipart_part **files;
    size_t n_files;
    int64_t total;
} payload;

static bool is_file_part(const multipart_part *p)
{
    return p->filename || str_starts_with(p->name, "files[") || str_eq(p->name, "file") ||
           str_starts_with(p->name, "file");
}

/* Answers and returns false on a malformed body. */
static bool read_payload(twin_ctx *ctx, payload *out)
{
    arena *a = ctx->a;
    memset(out, 0, sizeof *out);
    out->body = ctx->body;
    const char *ct = ctx->req ? http_header_get(ctx->req, "Content-Type") : NULL;
    if (!ct || !str_starts_with(ct, "multipart/")) return true;
    multipart_part *parts = NULL;
    size_t n = 0;
    if (!multipart_parse(a, ct, ctx->req->body, ctx->req->body_len, &parts, &n)) {
        dc_error(ctx, 400, 50109, "The request body contains invalid JSON.");
        return false;
    }
    out->files = arena_alloc(a, (n ? n : 1) * sizeof *out->files);
    json_value *fields = json_object(a);
    for (size_t i = 0; i < n; i++) {
        multipart_part *p = &parts[i];
        if (str_eq(p->name, "payload_json")) {
            json_value *v = json_parse(a, p->data, p->len, NULL);
            if (!v || v->type != JSON_OBJECT) {
                dc_error(ctx, 400, 50109, "The request body contains invalid JSON.");
                return false;
            }
            out->body = v;
            continue;
        }
        if (is_file_part(p)) {
            out->files[out->n_files++] = p;
            out->total += (int64_t)p->len;
            continue;
        }
        json_set(a, fields, p->name, json_stringn(a, p->data, p->len));
    }
    if (out->body == ctx->body) out->body = fields;
    return true;
}

static const char *guess_type(const char *name)
{
    static const struct { const char *ext, *type; } types[] = {
        {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".gif", "image/gif"},
        {".webp", "image/webp"}, {".txt", "text/plain; charset=utf-8"}, {".json", "application/json"},
        {".pdf", "application/pdf"}, {".mp4", "video/mp4"}, {".mp3", "audio/mpeg"}, {".zip", "application/zip"},
        {".csv", "text/csv; charset=utf-8"}, {".md", "text/markdown; charset=utf-8"}};
    const char *dot = name ? strrchr(name, '.') : NULL;
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (str_case_eq(dot, types[i].ext)) return types[i].type;
    return "application/octet-stream";
}

/* The attachments[] entry of the payload that describes upload n ({id: n}). */
static const json_value *attachment_meta(const json_value *body, size_t n)
{
    json_foreach(x, json_get(body, "attachments")) {
        int64_t id;
        json_value *v = json_get(x, "id");
        if ((json_int64(v, &id) || (json_str(v) && (id = strtoll(json_str(v), NULL, 10), true))) && id == (int64_t)n)
            return x;
    }
    return NULL;
}

static json_value *attachments_from(twin_ctx *ctx, const payload *p, const char *channel_id)
{
    arena *a = ctx->a;
    json_value *out = json_array(a);
    for (size_t i = 0; i < p->n_files; i++) {
        const multipart_part *f = p->files[i];
        const json_value *meta = attachment_meta(p->body, i);
        const char *name = json_get_str(meta, "filename");
        if (!name) name = f->filename && *f->filename ? f->filename : "unknown";
        const char *id = dc_snowflake(ctx);
        json_value *at = json_object(a);
        json_set_str(a, at, "id", id);
        json_set_str(a, at, "filename", name);
        const char *desc = json_get_str(meta, "description");
        if (desc) json_set_str(a, at, "description", desc);
        json_set_int(a, at, "size", (int64_t)f->len);
        json_set_str(a, at, "url", arena_printf(a, "https://cdn.discordapp.com/attachments/%s/%s/%s", channel_id, id, name));
        json_set_str(a, at, "proxy_url",
                     arena_printf(a, "https://media.discordapp.net/attachments/%s/%s/%s", channel_id, id, name));
        const char *ct = f->content_type && *f->content_type && !str_eq(f->content_type, "application/octet-stream")
                             ? f->content_type
                             : guess_type(name);
        json_set_str(a, at, "content_type", ct);
        json_push(out, at);
    }
    return out;
}

static bool has_items(const json_value *body, const char *key)
{
    json_value *v = json_get(body, key);
    return v && v->type == JSON_ARRAY && v->len > 0;
}

/* content, embeds and the upload limit; answers and returns false on bad input. */
static bool check_payload(twin_ctx *ctx, const payload *p, const json_value *guild, bool creating)
{
    json_value *content = json_get(p->body, "content");
    if (content && !json_is_null(content)) {
        if (content->type != JSON_STRING) {
            dc_form_error(ctx, "content", "BASE_TYPE_STRING", "Must be a string.");
            return false;
        }
        size_t n = 0;
        for (const unsigned char *s = (const unsigned char *)content->str; *s; s++) n += (*s & 0xC0) != 0x80;
        if (n > MAX_CONTENT) {
            dc_form_error(ctx, "content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.");
            return false;
        }
    }
    json_value *embeds = json_get(p->body, "embeds");
    if (embeds && !json_is_null(embeds) && (embeds->type != JSON_ARRAY || embeds->len > 10)) {
        dc_form_error(ctx, "embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.");
        return false;
    }
    if (p->total > dc_max_upload(ctx, guild)) {
        dc_error(ctx, 413, DC_TOO_LARGE, "Request entity too large");
        return false;
    }
    bool has_content = json_str(content) && *json_str(content);
    if (creating && !has_content && !has_items(p->body, "embeds") && !p->n_files && !has_items(p->body, "sticker_ids") &&
        !has_items(p->body, "components") && !json_get(p->body, "poll")) {
        dc_error(ctx, 400, DC_EMPTY_MESSAGE, "Cannot send an empty message");
        return false;
    }
    return true;
}

static json_value *embeds_from(arena *a, const json_value *in)
{
    json_value *out = json_array(a);
    json_foreach(e, in) {
        if (e->type != JSON_OBJECT) continue;
        json_value *c = json_clone(a, e);
        if (!json_get(c, "type")) json_set_str(a, c, "type", "rich");
        json_set_int(a, c, "content_scan_version", 0);
        json_push(out, c);
    }
    return out;
}

static json_value *author_of(twin_ctx *ctx, const json_value *webhook, const json_value *body)
{
    if (!webhook) return dc_user_find(ctx, dc_bot_id(ctx));
    arena *a = ctx->a;
    json_value *u = json_object(a);
    const char *name = json_get_str(body, "username");
    json_set_str(a, u, "id", json_get_str(webhook, "id"));
    json_set_str(a, u, "username", name && *name ? name : json_get_str(webhook, "name"));
    json_set_null(a, u, "avatar");
    json_set_str(a, u, "discriminator", "0000");
    json_set_int(a, u, "public_flags", 0);
    json_set_int(a, u, "flags", 0);
    json_set_bool(a, u, "bot", true);
    json_set_null(a, u, "global_name");
    json_set_null(a, u, "primary_guild");
    return u;
}

/* Bumps the channel's last_message_id (and a thread's counters). */
static void channel_touch(twin_ctx *ctx, json_value *channel, const char *message_id)
{
    arena *a = ctx->a;
    /* Listing pages through the store in insertion order, which is snowflake
     * order unless a message gets a lower id than an earlier one (a wall clock
     * that went back, or seeding after live traffic): such a channel is then
     * listed by loading and sorting it. */
    const char *prev = json_get_str(channel, "last_message_id");
    if (prev && dc_sf(message_id) <= dc_sf(prev)) json_set_bool(a, channel, "_unordered", true);
    json_set_str(a, channel, "last_message_id", message_id);
    if (dc_is_thread(channel)) {
        int64_t n = 0;
        /* message_count leaves out a forum post's starter message (its id is the thread's). */
        json_int64(json_get(channel, "message_count"), &n);
        if (!str_eq(message_id, json_get_str(channel, "id"))) json_set_int(a, channel, "message_count", n + 1);
        json_int64(json_get(channel, "total_message_sent"), &n);
        json_set_int(a, channel, "total_message_sent", n + 1);
    }
    save_channel(ctx, channel);
}

static bool reference_ok(twin_ctx *ctx, const json_value *channel, const json_value *ref, json_value *m)
{
    const char *mid = json_get_str(ref, "message_id");
    if (!mid) return true;
    json_value *target = twin_doc_get(ctx, "messages", mid);
    if (!target || !str_eq(json_get_str(target, "channel_id"), json_get_str(channel, "id"))) {
        if (json_get(ref, "fail_if_not_exists") && !json_truthy(json_get(ref, "fail_if_not_exists"))) return true;
        dc_form_error(ctx, "message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message");
        return false;
    }
    arena *a = ctx->a;
    json_value *r = json_object(a);
    json_set_int(a, r, "type", 0);
    json_set_str(a, r, "channel_id", json_get_str(channel, "id"));
    json_set_str(a, r, "message_id", mid);
    if (json_get_str(channel, "guild_id")) json_set_str(a, r, "guild_id", json_get_str(channel, "guild_id"));
    json_set(a, m, "message_reference", r);
    json_set_int(a, m, "type", 19);
    return true;
}

static bool has_body_beyond_embeds(const payload *p)
{
    const char *content = json_get_str(p->body, "content");
    return (content && *content) || p->n_files || has_items(p->body, "sticker_ids") ||
           has_items(p->body, "components") || json_get(p->body, "poll");
}

/* What the bot may put in a message: uploads need ATTACH_FILES (403 / 50013
 * without); embeds need EMBED_LINKS, and without it Discord drops them
 * silently, unless they were the whole message (then 50013 as well). */
static bool may_attach_and_embed(twin_ctx *ctx, const json_value *channel, payload *p, bool creating)
{
    if (p->n_files && !dc_channel_has_any(ctx, channel, DC_ATTACH_FILES)) {
        dc_missing_permissions(ctx);
        return false;
    }
    if (!has_items(p->body, "embeds") || dc_channel_has_any(ctx, channel, DC_EMBED_LINKS)) return true;
    if (creating && !has_body_beyond_embeds(p)) {
        dc_missing_permissions(ctx);
        return false;
    }
    json_remove(p->body, "embeds");
    return true;
}

json_value *dc_message_post(twin_ctx *ctx, json_value *channel, const json_value *webhook)
{
    arena *a = ctx->a;
    payload p;
    if (!read_payload(ctx, &p)) return NULL;
    if (!webhook && !may_attach_and_embed(ctx, channel, &p, true)) return NULL;
    json_value *guild = twin_doc_get(ctx, "guilds", json_get_str(channel, "guild_id"));
    if (!check_payload(ctx, &p, guild, true)) return NULL;
    const char *cid = json_get_str(channel, "id");
    /* A forum post's starter message takes the id of its thread. */
    const char *id = json_get_str(channel, "_starter_id");
    if (id) json_remove(channel, "_starter_id");
    else id = dc_snowflake(ctx);
    const char *content = json_get_str(p.body, "content");
    json_value *m = json_object(a);
    json_set_int(a, m, "type", 0);
    json_set_str(a, m, "content", content ? content : "");
    scan_mentions(ctx, content, m);
    json_set(a, m, "attachments", attachments_from(ctx, &p, cid));
    json_set(a, m, "embeds", embeds_from(a, json_get(p.body, "embeds")));
    json_set_str(a, m, "timestamp", dc_iso(ctx, dc_sf_ms(id)));
    json_set_null(a, m, "edited_timestamp");
    int64_t flags = 0;
    json_int64(json_get(p.body, "flags"), &flags);
    json_set_int(a, m, "flags", flags & (4 | 4096));    /* SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS */
    json_value *comps = json_get(p.body, "components");
    json_set(a, m, "components", comps && comps->type == JSON_ARRAY ? json_clone(a, comps) : json_array(a));
    json_set_str(a, m, "id", id);
    json_set_str(a, m, "channel_id", cid);
    json_set(a, m, "author", author_of(ctx, webhook, p.body));
    json_set_bool(a, m, "pinned", false);
    json_set_bool(a, m, "tts", json_truthy(json_get(p.body, "tts")) || str_eq(json_get_str(p.body, "tts"), "true"));
    json_value *nonce = json_get(p.body, "nonce");
    if (nonce && (nonce->type == JSON_STRING || nonce->type == JSON_NUMBER)) json_set(a, m, "nonce", json_clone(a, nonce));
    if (webhook) {
        json_set_str(a, m, "webhook_id", json_get_str(webhook, "id"));
    }
    json_value *ref = json_get(p.body, "message_reference");
    if (ref && ref->type == JSON_OBJECT && !reference_ok(ctx, channel, ref, m)) return NULL;
    if (dc_is_thread(channel)) {
        int64_t n = 0;
        json_int64(json_get(channel, "total_message_sent"), &n);
        json_set_int(a, m, "position", n);
    }
    json_set(a, m, "_reactions", json_array(a));
    save_message(ctx, m);
    channel_touch(ctx, channel, id);
    json_value *out = dc_message_render(ctx, m);
    json_value *ev = json_clone(a, out);
    if (json_get_str(channel, "guild_id")) json_set_str(a, ev, "guild_id", json_get_str(channel, "guild_id"));
    dc_event(ctx, "MESSAGE_CREATE", ev);
    return out;
}

/* ---- slowmode ---- */

/* Discord exempts bots from slowmode (rate_limit_per_user).  Config
 * bot_slowmode: true holds the bot to it like a member without
 * BYPASS_SLOWMODE (ADMINISTRATOR and the owner have it), so that a client's
 * handling of 20016 can be tested; *secs is the channel's interval. */
static bool slowmode_applies(twin_ctx *ctx, const json_value *channel, int64_t *secs)
{
    if (!json_truthy(json_get(ctx->config, "bot_slowmode"))) return false;
    if (!json_int64(json_get(channel, "rate_limit_per_user"), secs) || *secs <= 0) return false;
    return !dc_channel_has_any(ctx, channel, DC_BYPASS_SLOWMODE);
}

/* Answers Discord's 429 / 20016 while the bot's last action in channel
 * (the time kept in the channel's member stamp: "_bot_sent_ms" for
 * messages, "_bot_thread_ms" for thread creation, which Discord counts
 * separately) is less than the channel's current interval old; otherwise
 * notes now there, which the caller saves with the channel, so a refused
 * action counts nothing. */
bool dc_slowmode_ok(twin_ctx *ctx, json_value *channel, const char *stamp)
{
    int64_t secs, last = 0, now = twin_now_ms(ctx);
    json_int64(json_get(channel, stamp), &last);
    if (slowmode_applies(ctx, channel, &secs) && last + secs * 1000 > now) {
        dc_rate_limited(ctx, (double)(last + secs * 1000 - now) / 1000.0, false, DC_SLOWMODE,
                        "This action cannot be performed due to slowmode rate limit.");
        return false;
    }
    json_set_int(ctx->a, channel, stamp, now);
    return true;
}

void dc_message_create(twin_ctx *ctx)
{
    json_value *c = channel_param(ctx);
    if (!c || !dc_require_send(ctx, c)) return;
    int64_t type = 0;
    json_int64(json_get(c, "type"), &type);
    if (type == 2 || type == 4 || type == 13 || type == 15)
        return dc_error(ctx, 400, 50008, "Cannot send messages in a non-text channel");
    int opened = dc_is_thread(c) ? dc_thread_open_for_send(ctx, c, false) : 0;
    if (opened < 0 || !dc_slowmode_ok(ctx, c, "_bot_sent_ms")) return;
    json_value *out = dc_message_post(ctx, c, NULL);
    if (!out) return;
    if (dc_is_thread(c)) dc_thread_after_send(ctx, c, opened > 0, true);
    twin_reply_json(ctx, 200, out);
}

void dc_message_get(twin_ctx *ctx)
{
    json_value *c = channel_param(ctx);
    if (c && !dc_require_channel(ctx, c, DC_READ_MESSAGE_HISTORY)) return;
    json_value *m = c ? message_in(ctx, c, "message_id") : NULL;
    if (m) twin_reply_json(ctx, 200, dc_message_render(ctx, m));
}

static int cmp_id_desc(const void *x, const void *y)
{
    uint64_t a = dc_sf(json_get_str(*(json_value *const *)x, "id"));
    uint64_t b = dc_sf(json_get_str(*(json_value *const *)y, "id"));
    return a > b ? -1 : a < b;
}

/* Which anchor a listing uses; snowflake 0 is a valid anchor ("from the
 * very start"), so whether one was given is kept apart from its value. */
typedef enum { ANCHOR_NONE, ANCHOR_AROUND, ANCHOR_BEFORE, ANCHOR_AFTER } anchor_kind;

typedef struct list_args {
    size_t limit;
    anchor_kind kind;
    uint64_t anchor;
} list_args;

/* The slow way, for a channel whose insertion order is not snowflake order:
 * load the whole channel and sort it. */
static json_value *list_sorted(twin_ctx *ctx, const char *cid, const list_args *q)
{
    twin_list l = dc_list(ctx, "messages", "channel", cid);
    qsort(l.items, l.n, sizeof *l.items, cmp_id_desc);     /* newest first */
    size_t from = 0, to = l.n, limit = q->limit;            /* slice [from, to) of the newest-first list */
    if (q->kind == ANCHOR_AROUND) {
        size_t k = 0;
        while (k < l.n && dc_sf(json_get_str(l.items[k], "id")) > q->anchor) k++;  /* first at or below around */
        size_t newer = limit / 2;
        from = k > newer ? k - newer : 0;
        to = from + limit < l.n ? from + limit : l.n;
    } else if (q->kind == ANCHOR_BEFORE) {
        while (from < l.n && dc_sf(json_get_str(l.items[from], "id")) >= q->anchor) from++;
        to = from + limit < l.n ? from + limit : l.n;
    } else if (q->kind == ANCHOR_AFTER) {
        /* the limit messages right after the anchor, still newest first */
        while (to > 0 && dc_sf(json_get_str(l.items[to - 1], "id")) <= q->anchor) to--;
        from = to > limit ? to - limit : 0;
    } else {
        to = limit < l.n ? limit : l.n;
    }
    json_value *out = json_array(ctx->a);
    for (size_t i = from; i < to; i++) json_push(out, dc_message_render(ctx, l.items[i]));
    return out;
}

#define SEEK_CHUNK 100

typedef struct msg_run {
    json_value **v;
    size_t n;
} msg_run;

/* The anchor as a message of this channel, or NULL (any snowflake may be an
 * anchor: a deleted message's, or one made up from a time). */
static json_value *anchor_message(twin_ctx *ctx, const char *cid, uint64_t anchor)
{
    if (!anchor) return NULL;      /* 0, or no anchor: never a message */
    json_value *m = twin_doc_get(ctx, "messages", arena_printf(ctx->a, "%" PRIu64, anchor));
    return m && str_eq(json_get_str(m, "channel_id"), cid) ? m : NULL;
}

/* Up to n messages strictly beyond anchor (unanchored: from that end) going one way: the
 * closest older ones, newest first (toward_older), or the closest newer ones,
 * oldest first.  Reads pages of the channel's index in list order, which is
 * snowflake order here; an anchor that is a message of the channel is a store
 * cursor, any other snowflake is found by walking in from the end the walk
 * starts at. */
static msg_run walk_beyond(twin_ctx *ctx, const char *cid, bool anchored, uint64_t anchor,
                           const json_value *anchor_msg, bool toward_older, size_t n)
{
    msg_run r = {arena_alloc(ctx->a, sizeof *r.v * (n + 1)), 0};
    if (anchored && anchor == 0 && toward_older) return r;     /* nothing is older than snowflake 0 */
    const char *cursor = anchor_msg ? json_get_str(anchor_msg, "id") : NULL;
    bool seeking = anchored && anchor && !cursor;
    while (r.n < n) {
        twin_list l = {0};
        store_list_opts o = {.limit = seeking ? SEEK_CHUNK : n - r.n, .newest_first = toward_older,
                             .starting_after = cursor, .index_name = "channel", .index_value = cid};
        if (twin_doc_list(ctx, "messages", &o, &l) != 0 || !l.n) break;
        for (size_t i = 0; i < l.n && r.n < n; i++) {
            uint64_t id = dc_sf(json_get_str(l.items[i], "id"));
            if (seeking && (toward_older ? id >= anchor : id <= anchor)) continue;
            seeking = false;
            r.v[r.n++] = l.items[i];
        }
        if (!l.has_more) break;
        cursor = json_get_str(l.items[l.n - 1], "id");
    }
    return r;
}

static void push_run(twin_ctx *ctx, json_value *out, const msg_run *r, bool reversed)
{
    for (size_t i = 0; i < r->n; i++) json_push(out, dc_message_render(ctx, r->v[reversed ? r->n - 1 - i : i]));
}

/* One page, newest first, read from the store a page at a time. */
static json_value *list_paged(twin_ctx *ctx, const char *cid, const list_args *q)
{
    json_value *out = json_array(ctx->a);
    const json_value *self = anchor_message(ctx, cid, q->anchor);
    if (q->kind == ANCHOR_AROUND) {
        /* up to limit/2 newer messages, the anchor itself, then older ones up to the limit */
        msg_run newer = walk_beyond(ctx, cid, true, q->anchor, self, false, q->limit / 2);
        push_run(ctx, out, &newer, true);
        size_t rest = q->limit - newer.n;
        if (self && rest) {
            json_push(out, dc_message_render(ctx, self));
            rest--;
        }
        msg_run older = walk_beyond(ctx, cid, true, q->anchor, self, true, rest);
        push_run(ctx, out, &older, false);
    } else if (q->kind == ANCHOR_BEFORE) {
        msg_run older = walk_beyond(ctx, cid, true, q->anchor, self, true, q->limit);
        push_run(ctx, out, &older, false);
    } else if (q->kind == ANCHOR_AFTER) {
        /* the limit messages right after the anchor, still newest first */
        msg_run newer = walk_beyond(ctx, cid, true, q->anchor, self, false, q->limit);
        push_run(ctx, out, &newer, true);
    } else {
        msg_run newest = walk_beyond(ctx, cid, false, 0, NULL, true, q->limit);
        push_run(ctx, out, &newest, false);
    }
    return out;
}

/* GET messages: newest first; before / after / around a snowflake (one of
 * them, in that precedence like Discord), limit 1..100 (default 50). */
void dc_messages_list(twin_ctx *ctx)
{
    json_value *c = channel_param(ctx);
    if (!c || !dc_require_channel(ctx, c, 0)) return;
    /* Without READ_MESSAGE_HISTORY Discord answers no messages, not an error. */
    if (!dc_channel_has_any(ctx, c, DC_READ_MESSAGE_HISTORY)) return twin_reply_json(ctx, 200, json_array(ctx->a));
    int64_t limit;
    if (!dc_int_arg(ctx, "limit", 50, 1, 100, &limit)) return;
    static const struct { const char *name; anchor_kind kind; } anchors[] = {
        {"around", ANCHOR_AROUND}, {"before", ANCHOR_BEFORE}, {"after", ANCHOR_AFTER}};
    list_args q = {.limit = (size_t)limit, .kind = ANCHOR_NONE};
    for (size_t i = 0; i < sizeof anchors / sizeof anchors[0]; i++) {
        const char *v = json_get_str(ctx->query, anchors[i].name);
        if (!v) continue;
        uint64_t id;
        if (!dc_sf_parse(v, &id))
            return dc_form_error(ctx, anchors[i].name, "NUMBER_TYPE_COERCE",
                                 arena_printf(ctx->a, "Value \"%s\" is not snowflake.", v));
        if (q.kind == ANCHOR_NONE) {
            q.kind = anchors[i].kind;
            q.anchor = id;
        }
    }
    const char *cid = json_get_str(c, "id");
    bool ordered = !json_truthy(json_get(c, "_unordered"));
    twin_reply_json(ctx, 200, ordered ? list_paged(ctx, cid, &q) : list_sorted(ctx, cid, &q));
}

void dc_message_edit(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *c = channel_param(ctx);
    json_value *m = c ? message_in(ctx, c, "message_id") : NULL;
    if (!m || !dc_require_channel(ctx, c, 0)) return;
    payload p;
    if (!read_payload(ctx, &p)) return;
    bool own = str_eq(json_get_str(json_get(m, "author"), "id"), dc_bot_id(ctx));
    bool touches_content = json_get(p.body, "content") || json_get(p.body, "embeds") ||
                           json_get(p.body, "attachments") || p.n_files;
    if (!own && touches_content)
        return dc_error(ctx, 403, DC_CANNOT_EDIT_OTHERS, "Cannot edit a message authored by another user");
    if (!dc_require_own_or(ctx, c, m, DC_MANAGE_MESSAGES)) return;     /* flags of another's message */
    if (!may_attach_and_embed(ctx, c, &p, false)) return;
    json_value *guild = twin_doc_get(ctx, "guilds", json_get_str(c, "guild_id"));
    if (!check_payload(ctx, &p, guild, false)) return;
    json_value *content = json_get(p.body, "content");
    if (content) {
        const char *s = json_str(content) ? json_str(content) : "";
        json_set_str(a, m, "content", s);
        json_value *mentions = json_object(a);
        scan_mentions(ctx, s, mentions);
        json_foreach(x, mentions) json_set(a, m, x->key, json_clone(a, x));
    }
    json_value *embeds = json_get(p.body, "embeds");
    if (embeds) json_set(a, m, "embeds", embeds_from(a, embeds));
    int64_t flags;
    if (json_int64(json_get(p.body, "flags"), &flags)) json_set_int(a, m, "flags", flags & (4 | 4096 | HAS_THREAD));
    json_value *keep = json_get(p.body, "attachments");
    if (keep || p.n_files) {
        /* attachments: the existing ones to keep (by id), plus new uploads */
        json_value *kept = json_array(a);
        json_foreach(old, json_get(m, "attachments")) {
            bool stays = !keep;
            json_foreach(k, keep) stays |= str_eq(json_get_str(k, "id"), json_get_str(old, "id"));
            if (stays) json_push(kept, json_clone(a, old));
        }
        json_value *fresh = attachments_from(ctx, &p, json_get_str(c, "id"));
        json_foreach(x, fresh) json_push(kept, json_clone(a, x));
        json_set(a, m, "attachments", kept);
    }
    json_set_str(a, m, "edited_timestamp", dc_now_iso(ctx));
    save_message(ctx, m);
    json_value *out = dc_message_render(ctx, m);
    dc_event(ctx, "MESSAGE_UPDATE", out);
    twin_reply_json(ctx, 200, out);
}

static json_value *delete_event(twin_ctx *ctx, const json_value *c, const char *id)
{
    arena *a = ctx->a;
    json_value *d = json_object(a);
    json_set_str(a, d, "id", id);
    json_set_str(a, d, "channel_id", json_get_str(c, "id"));
    if (json_get_str(c, "guild_id")) json_set_str(a, d, "guild_id", json_get_str(c, "guild_id"));
    return d;
}

void dc_message_delete(twin_ctx *ctx)
{
    json_value *c = channel_param(ctx);
    json_value *m = c ? message_in(ctx, c, "message_id") : NULL;
    if (!m || !dc_require_own_or(ctx, c, m, DC_MANAGE_MESSAGES)) return;
    twin_doc_delete(ctx, "messages", json_get_str(m, "id"));
    if (dc_is_thread(c)) dc_thread_message_gone(ctx, c, json_get_str(m, "id"));
    dc_event(ctx, "MESSAGE_DELETE", delete_event(ctx, c, json_get_str(m, "id")));
    dc_no_content(ctx);
}

void dc_messages_bulk_delete(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *c = channel_param(ctx);
    if (!c || !dc_require_channel(ctx, c, DC_MANAGE_MESSAGES)) return;
    json_value *ids = json_get(ctx->body, "messages");
    if (!ids || ids->type != JSON_ARRAY)
        return dc_form_error(ctx, "messages", "BASE_TYPE_REQUIRED", "This field is required");
    if (ids->len < 2 || ids->len > 100)
        return dc_form_error(ctx, "messages", "BASE_TYPE_BAD_LENGTH", "Must be between 2 and 100 in length.");
    int64_t now = twin_now_ms(ctx);
    json_foreach(x, ids) {
        if (!dc_sf(json_str(x)))
            return dc_form_error(ctx, "messages", "NUMBER_TYPE_COERCE", "Value is not snowflake.");
        if (now - dc_sf_ms(json_str(x)) > TWO_WEEKS_MS)
            return dc_error(ctx, 400, DC_BULK_TOO_OLD, "You can only bulk delete messages that are under 14 days old.");
    }
    json_value *deleted = json_array(a);
    json_foreach(x, ids) {
        json_value *m = twin_doc_get(ctx, "messages", json_str(x));
        if (!m || !str_eq(json_get_str(m, "channel_id"), json_get_str(c, "id"))) continue;
        twin_doc_delete(ctx, "messages", json_str(x));
        json_push(deleted, json_string(a, json_str(x)));
        if (dc_is_thread(c)) dc_thread_message_gone(ctx, c, json_str(x));
    }
    json_value *ev = json_object(a);
    json_set(a, ev, "ids", deleted);
    json_set_str(a, ev, "channel_id", json_get_str(c, "id"));
    if (json_get_str(c, "guild_id")) json_set_str(a, ev, "guild_id", json_get_str(c, "guild_id"));
    dc_event(ctx, "MESSAGE_DELETE_BULK", ev);
    dc_no_content(ctx);
}

/* ---- reactions ---- */

typedef struct emoji_ref {
    const char *name;
    const char *id;     /* NULL for unicode emoji */
    bool animated;
} emoji_ref;

/* "👍", "name:id" or "a:name:id"; answers 10014 for an unknown custom emoji. */
static bool parse_emoji(twin_ctx *ctx, emoji_ref *e)
{
    const char *raw = twin_param(ctx, "emoji_name");
    memset(e, 0, sizeof *e);
    if (!raw || !*raw) {
        dc_error(ctx, 400, DC_UNKNOWN_EMOJI, "Unknown Emoji");
        return false;
    }
    const char *colon = strrchr(raw, ':');
    if (!colon) {
        e->name = raw;
        return true;
    }
    e->id = colon + 1;
    const char *start = raw;
    if (str_starts_with(raw, "a:")) {
        e->animated = true;
        start = raw + 2;
    }
    e->name = arena_strndup(ctx->a, start, (size_t)(colon - start));
    json_value *known = dc_sf(e->id) ? twin_doc_get(ctx, "emojis", e->id) : NULL;
    if (!known) {
        dc_error(ctx, 400, DC_UNKNOWN_EMOJI, "Unknown Emoji");
        return false;
    }
    e->name = json_get_str(known, "name");
    e->animated = json_truthy(json_get(known, "animated"));
    return true;
}

static bool same_emoji(const json_value *r, const emoji_ref *e)
{
    return e->id ? str_eq(json_get_str(r, "id"), e->id) : !json_get_str(r, "id") && str_eq(json_get_str(r, "name"), e->name);
}

/* Loads channel, message and emoji from the path. */
static json_value *reaction_target(twin_ctx *ctx, json_value **channel, emoji_ref *e)
{
    json_value *c = channel_param(ctx);
    json_value *m = c ? message_in(ctx, c, "message_id") : NULL;
    if (!m) return NULL;
    if (e && !parse_emoji(ctx, e)) return NULL;
    *channel = c;
    return m;
}

static json_value *reaction_event(twin_ctx *ctx, const json_value *c, const json_value *m, const emoji_ref *e,
                                  const char *user)
{
    arena *a = ctx->a;
    json_value *d = delete_event(ctx, c, json_get_str(m, "id")), *em = json_object(a);
    json_set_str(a, d, "message_id", json_get_str(m, "id"));
    json_remove(d, "id");
    if (user) json_set_str(a, d, "user_id", user);
    json_set_str(a, em, "id", e ? e->id : NULL);
    json_set_str(a, em, "name", e ? e->name : NULL);
    json_set(a, d, "emoji", em);
    return d;
}

/* Adds (add) or removes user's reaction; returns whether anything changed. */
static bool toggle_reaction(twin_ctx *ctx, json_value *m, const emoji_ref *e, const char *user, bool add)
{
    arena *a = ctx->a;
    json_value *list = json_get(m, "_reactions");
    if (!list) {
        list = json_array(a);
        json_set(a, m, "_reactions", list);
    }
    json_value *entry = NULL;
    json_foreach(r, list) if (same_emoji(r, e)) entry = r;
    if (!entry) {
        if (!add) return false;
        if (list->len >= 20) return false;
        entry = json_object(a);
        json_set_str(a, entry, "id", e->id);
        json_set_str(a, entry, "name", e->name);
        if (e->animated) json_set_bool(a, entry, "animated", true);
        json_set(a, entry, "users", json_array(a));
        json_push(list, entry);
    }
    bool had;
    json_set(a, entry, "users", dc_id_set(a, json_get(entry, "users"), user, add, &had));
    return add != had;
}

void dc_reaction_put(twin_ctx *ctx)
{
    json_value *c;
    emoji_ref e;
    json_value *m = reaction_target(ctx, &c, &e);
    if (!m) return;
    json_value *list = json_get(m, "_reactions");
    bool exists = false;
    json_foreach(r, list) exists |= same_emoji(r, &e);
    /* Joining an existing reaction needs no ADD_REACTIONS, starting one does. */
    if (!dc_require_channel(ctx, c, DC_READ_MESSAGE_HISTORY | (exists ? 0 : DC_ADD_REACTIONS))) return;
    if (!exists && list && list->len >= 20) return dc_error(ctx, 400, 30010, "Maximum number of reactions reached (20)");
    if (toggle_reaction(ctx, m, &e, dc_bot_id(ctx), true)) {
        save_message(ctx, m);
        dc_event(ctx, "MESSAGE_REACTION_ADD", reaction_event(ctx, c, m, &e, dc_bot_id(ctx)));
    }
    dc_no_content(ctx);
}

static void reaction_remove(twin_ctx *ctx, const char *user)
{
    json_value *c;
    emoji_ref e;
    json_value *m = reaction_target(ctx, &c, &e);
    if (!m || !dc_require_channel(ctx, c, user ? 0 : DC_MANAGE_MESSAGES)) return;
    if (!user) {
        user = dc_param_sf(ctx, "user_id");
        if (!user) return;
    }
    if (toggle_reaction(ctx, m, &e, user, false)) {
        save_message(ctx, m);
        dc_event(ctx, "MESSAGE_REACTION_REMOVE", reaction_event(ctx, c, m, &e, user));
    }
    dc_no_content(ctx);
}

void dc_reaction_delete_me(twin_ctx *ctx)
{
    reaction_remove(ctx, dc_bot_id(ctx));
}

void dc_reaction_delete_user(twin_ctx *ctx)
{
    reaction_remove(ctx, NULL);
}

static int cmp_str_id(const void *x, const void *y)
{
    uint64_t a = dc_sf(*(const char *const *)x), b = dc_sf(*(const char *const *)y);
    return a < b ? -1 : a > b;
}

void dc_reaction_users(twin_ctx *ctx)
{
    json_value *c;
    emoji_ref e;
    json_value *m = reaction_target(ctx, &c, &e);
    if (!m || !dc_require_channel(ctx, c, DC_READ_MESSAGE_HISTORY)) return;
    int64_t limit;
    if (!dc_int_arg(ctx, "limit", 25, 1, 100, &limit)) return;
    uint64_t after = dc_sf(json_get_str(ctx->query, "after"));
    json_value *users = NULL;
    json_foreach(r, json_get(m, "_reactions")) if (same_emoji(r, &e)) users = json_get(r, "users");
    size_t n = users ? users->len : 0, k = 0;
    const char **ids = arena_alloc(ctx->a, (n ? n : 1) * sizeof *ids);
    json_foreach(u, users) ids[k++] = json_str(u);
    qsort(ids, k, sizeof *ids, cmp_str_id);
    json_value *out = json_array(ctx->a);
    for (size_t i = 0; i < k && (int64_t)out->len < limit; i++) {
        if (dc_sf(ids[i]) <= after) continue;
        json_value *u = dc_user_find(ctx, ids[i]);
        if (u) json_push(out, u);
    }
    twin_reply_json(ctx, 200, out);
}

void dc_reactions_clear_emoji(twin_ctx *ctx)
{
    json_value *c;
    emoji_ref e;
    json_value *m = reaction_target(ctx, &c, &e);
    if (!m || !dc_require_channel(ctx, c, DC_MANAGE_MESSAGES)) return;
    json_value *next = json_array(ctx->a);
    json_foreach(r, json_get(m, "_reactions")) if (!same_emoji(r, &e)) json_push(next, json_clone(ctx->a, r));
    json_set(ctx->a, m, "_reactions", next);
    save_message(ctx, m);
    dc_event(ctx, "MESSAGE_REACTION_REMOVE_EMOJI", reaction_event(ctx, c, m, &e, NULL));
    dc_no_content(ctx);
}

void dc_reactions_clear(twin_ctx *ctx)
{
    json_value *c;
    json_value *m = reaction_target(ctx, &c, NULL);
    if (!m || !dc_require_channel(ctx, c, DC_MANAGE_MESSAGES)) return;
    json_set(ctx->a, m, "_reactions", json_array(ctx->a));
    save_message(ctx, m);
    dc_event(ctx, "MESSAGE_REACTION_REMOVE_ALL", reaction_event(ctx, c, m, NULL, NULL));
    dc_no_content(ctx);
}

/* ---- pins and typing ---- */

static void pin(twin_ctx *ctx, bool on)
{
    arena *a = ctx->a;
    json_value *c = channel_param(ctx);
    json_value *m = c ? message_in(ctx, c, "message_id") : NULL;
    if (!m) return;
    /* PIN_MESSAGES, or MANAGE_MESSAGES which carried pinning before it. */
    if (!dc_channel_has_any(ctx, c, DC_PIN_MESSAGES | DC_MANAGE_MESSAGES) && !dc_require_channel(ctx, c, DC_PIN_MESSAGES))
        return;
    if (on && !json_truthy(json_get(m, "pinned"))) {
        int64_t pinned = 0;
        twin_list l = dc_list(ctx, "messages", "channel", json_get_str(c, "id"));
        for (size_t i = 0; i < l.n; i++) pinned += json_truthy(json_get(l.items[i], "pinned"));
        if (pinned >= 50) return dc_error(ctx, 400, 30003, "Maximum number of pins reached (50)");
    }
    if (json_truthy(json_get(m, "pinned")) != on) {
        json_set_bool(a, m, "pinned", on);
        if (on) json_set_str(a, m, "_pinned_at", dc_now_iso(ctx));
        else json_remove(m, "_pinned_at");
        save_message(ctx, m);
        json_value *ev = delete_event(ctx, c, NULL);
        json_remove(ev, "id");
        json_set_str(a, ev, "last_pin_timestamp", on ? json_get_str(m, "_pinned_at") : NULL);
        dc_event(ctx, "CHANNEL_PINS_UPDATE", ev);
    }
    dc_no_content(ctx);
}

void dc_pin_put(twin_ctx *ctx)
{
    pin(ctx, true);
}

void dc_pin_delete(twin_ctx *ctx)
{
    pin(ctx, false);
}

static int cmp_pinned_desc(const void *x, const void *y)
{
    const char *a = json_get_str(*(json_value *const *)x, "_pinned_at");
    const char *b = json_get_str(*(json_value *const *)y, "_pinned_at");
    int c = strcmp(b ? b : "", a ? a : "");
    return c ? c : cmp_id_desc(x, y);
}

/* Pinned messages, most recently pinned first. */
static twin_list pinned_of(twin_ctx *ctx, const json_value *c)
{
    twin_list l = dc_list(ctx, "messages", "channel", json_get_str(c, "id")), out = l;
    out.n = 0;
    for (size_t i = 0; i < l.n; i++)
        if (json_truthy(json_get(l.items[i], "pinned"))) out.items[out.n++] = l.items[i];
    qsort(out.items, out.n, sizeof *out.items, cmp_pinned_desc);
    return out;
}

/* GET /channels/{id}/pins (the older route): an array of messages. */
void dc_pins_list_old(twin_ctx *ctx)
{
    json_value *c = channel_param(ctx);
    if (!c || !dc_require_channel(ctx, c, DC_READ_MESSAGE_HISTORY)) return;
    twin_list l = pinned_of(ctx, c);
    json_value *out = json_array(ctx->a);
    for (size_t i = 0; i < l.n; i++) json_push(out, dc_message_render(ctx, l.items[i]));
    twin_reply_json(ctx, 200, out);
}

/* GET /channels/{id}/messages/pins: {items: [{pinned_at, message}], has_more}
 * with before (an ISO time) and limit 1..50. */
void dc_pins_list(twin_ctx *ctx)
{
    arena *a = ctx->a;
    json_value *c = channel_param(ctx);
    if (!c || !dc_require_channel(ctx, c, DC_READ_MESSAGE_HISTORY)) return;
    int64_t limit;
    if (!dc_int_arg(ctx, "limit", 50, 1, 50, &limit)) return;
    const char *before = json_get_str(ctx->query, "before");
    int64_t before_ms = before ? parse_iso8601_ms(before) : -1;
    if (before && before_ms < 0)
        return dc_form_error(ctx, "before", "DATE_TYPE_PARSE", "Could not parse timestamp. Should be ISO8601.");
    twin_list l = pinned_of(ctx, c);
    json_value *items = json_array(a);
    bool more = false;
    for (size_t i = 0; i < l.n; i++) {
        const char *at = json_get_str(l.items[i], "_pinned_at");
        if (before && parse_iso8601_ms(at) >= before_ms) continue;
        if ((int64_t)items->len == limit) {
            more = true;
            break;
        }
        json_value *it = json_object(a);
        json_set_str(a, it, "pinned_at", at);
        json_set(a, it, "message", dc_message_render(ctx, l.items[i]));
        json_push(items, it);
    }
    json_value *o = json_object(a);
    json_set(a, o, "items", items);
    json_set_bool(a, o, "has_more", more);
    twin_reply_json(ctx, 200, o);
}

void dc_typing(twin_ctx *ctx)
{
    json_value *c = channel_param(ctx);
    if (c && dc_require_send(ctx, c)) dc_no_content(ctx);
}
