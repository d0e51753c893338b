/* Slack twin: search.messages over the messages the caller can see.
 *
 * The query is Slack's search syntax, in the parts apps and agents use:
 * words and "quoted phrases" (all must appear, case-insensitively), -word
 * to exclude, in:#channel / in:<#C123> / in:C123, from:@name / from:<@U123>
 * / from:me, before: / after: / on:YYYY-MM-DD (UTC days; before and after
 * exclude the day), has:link, has:reaction, has:pin, is:thread.  Results are
 * paged with count / page; sort is score (matching terms) or timestamp. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "twins/slack/slack.h"
#include "util/util.h"

#define DAY_S 86400

typedef struct search_query {
    json_value *words, *excluded;   /* lower-case strings */
    const char *channel, *user;     /* ids, NULL when unrestricted */
    int64_t after_s, before_s;      /* ts window, seconds: [after_s, before_s) */
    bool has_link, has_reaction, has_pin, in_thread;
    bool impossible;                /* names a channel or user that does not exist */
} search_query;

/* "2024-03-01" -> unix seconds of that UTC midnight; -1 if malformed. */
static int64_t day_start(const char *s)
{
    struct tm tm = {0};
    const char *end = strptime(s, "%Y-%m-%d", &tm);
    return end && !*end ? (int64_t)timegm(&tm) : -1;
}

/* "<#C123|name>" / "<@U123>" -> the id inside; else s. */
static const char *unwrap(twin_ctx *ctx, const char *s, char sigil)
{
    size_t n = strlen(s);
    if (n > 3 && s[0] == '<' && s[1] == sigil && s[n - 1] == '>') {
        const char *bar = memchr(s, '|', n);
        return arena_strndup(ctx->a, s + 2, (bar ? (size_t)(bar - s) : n - 1) - 2);
    }
    return s;
}

static const char *channel_by_name(twin_ctx *ctx, const char *name)
{
    if (slack_channel_get(ctx, name)) return name;
    store_list_opts o = {.limit = 1, .index_name = "name", .index_value = name};
    twin_list l = {0};
    if (twin_doc_list(ctx, "conversations", &o, &l) == 0 && l.n) return json_get_str(l.items[0], "id");
    return NULL;
}

static void apply_modifier(twin_ctx *ctx, search_query *q, const char *key, const char *value)
{
    if (str_eq(key, "in")) {
        const char *v = unwrap(ctx, value, '#');
        if (*v == '#') v++;
        q->channel = channel_by_name(ctx, v);
        if (!q->channel) q->impossible = true;
    } else if (str_eq(key, "from")) {
        const char *v = unwrap(ctx, value, '@');
        if (*v == '@') v++;
        q->user = str_eq(v, "me") ? slack_me(ctx)->user_id : slack_user_resolve(ctx, v);
        if (!q->user) q->impossible = true;
    } else if (str_eq(key, "before") || str_eq(key, "after") || str_eq(key, "on")) {
        int64_t day = day_start(value);
        if (day < 0) return;
        if (!str_eq(key, "before") && day + (str_eq(key, "after") ? DAY_S : 0) > q->after_s)
            q->after_s = day + (str_eq(key, "after") ? DAY_S : 0);
        if (!str_eq(key, "after") && day + (str_eq(key, "on") ? DAY_S : 0) < q->before_s)
            q->before_s = day + (str_eq(key, "on") ? DAY_S : 0);
    } else if (str_eq(key, "has")) {
        if (str_eq(value, "link")) q->has_link = true;
        else if (str_eq(value, "reaction")) q->has_reaction = true;
        else if (str_eq(value, "pin")) q->has_pin = true;
    } else if (str_eq(key, "is") && str_eq(value, "thread")) {
        q->in_thread = true;
    }
}

static void parse_query(twin_ctx *ctx, const char *text, search_query *q)
{
    arena *a = ctx->a;
    *q = (search_query){.words = json_array(a), .excluded = json_array(a), .before_s = INT64_MAX / 1000000};
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p) break;
        bool negate = *p == '-' && p[1] && p[1] != ' ';
        if (negate) p++;
        const char *start = p;
        char *token;
        if (*p == '"') {   /* a phrase */
            const char *close = strchr(p + 1, '"');
            size_t len = close ? (size_t)(close - p - 1) : strlen(p + 1);
            token = arena_strndup(a, p + 1, len);
            p = close ? close + 1 : p + 1 + len;
        } else {
            while (*p && *p != ' ' && *p != '\t') p++;
            token = arena_strndup(a, start, (size_t)(p - start));
            const char *colon = strchr(token, ':');
            if (colon && colon > token && !negate && colon[1]) {
                apply_modifier(ctx, q, arena_strndup(a, token, (size_t)(colon - token)), colon + 1);
                continue;
            }
        }
        if (!*token) continue;
        json_push(negate ? q->excluded : q->words, json_string(a, str_to_lower(token)));
    }
}

/* How many query words the text holds, or -1 when it misses one or holds an excluded one. */
static int score(twin_ctx *ctx, const search_query *q, const char *text)
{
    const char *low = str_to_lower(arena_strdup(ctx->a, text ? text : ""));
    int hits = 0;
    json_foreach(w, q->words) {
        if (!strstr(low, w->str)) return -1;
        for (const char *at = strstr(low, w->str); at; at = strstr(at + 1, w->str)) hits++;
    }
    json_foreach(w, q->excluded) if (strstr(low, w->str)) return -1;
    return hits;
}

/* System messages (joins, topic changes, ...) are not searchable. */
static bool searchable(const json_value *m)
{
    const char *subtype = json_get_str(m, "subtype");
    return !subtype || str_eq(subtype, "thread_broadcast") || str_eq(subtype, "file_share") ||
           str_eq(subtype, "me_message") || str_eq(subtype, "bot_message");
}

static bool matches_filters(const search_query *q, const json_value *m)
{
    const char *text = json_get_str(m, "text");
    if (q->channel && !str_eq(json_get_str(m, "_ch"), q->channel)) return false;
    if (q->user && !str_eq(json_get_str(m, "user"), q->user)) return false;
    int64_t us = slack_ts_us(json_get_str(m, "ts"));
    if (us / 1000000 < q->after_s || us / 1000000 >= q->before_s) return false;
    if (q->has_link && !(text && (strstr(text, "http://") || strstr(text, "https://")))) return false;
    if (q->has_reaction && !json_get(m, "reactions")) return false;
    if (q->has_pin && !json_get(m, "pinned_to")) return false;
    if (q->in_thread && !json_get_str(m, "thread_ts")) return false;
    return true;
}

typedef struct hit {
    json_value *m, *channel;
    int score;
    int64_t us;
} hit;

typedef struct hit_order {
    bool by_time, ascending;
} hit_order;

static int compare_hits(const void *x, const void *y, void *arg)
{
    const hit *a = x, *b = y;
    const hit_order *o = arg;
    if (!o->by_time && a->score != b->score) return o->ascending ? a->score - b->score : b->score - a->score;
    int by_time = (a->us > b->us) - (a->us < b->us);
    return o->ascending ? by_time : -by_time;
}

static json_value *channel_summary(twin_ctx *ctx, const json_value *c)
{
    arena *a = ctx->a;
    json_value *o = json_object(a);
    bool im = json_truthy(json_get(c, "is_im"));
    json_set_str(a, o, "id", json_get_str(c, "id"));
    const char *const flags[] = {"is_channel", "is_group", "is_im", "is_mpim", "is_private", "is_archived"};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        json_set_bool(a, o, flags[i], json_truthy(json_get(c, flags[i])));
    json_set_bool(a, o, "is_shared", false);
    json_set_bool(a, o, "is_ext_shared", false);
    json_set_bool(a, o, "is_org_shared", false);
    const char *name = json_get_str(c, "name");
    json_set_str(a, o, "name", name ? name : im ? json_get_str(c, "user") : json_get_str(c, "id"));
    if (im) json_set_str(a, o, "user", json_get_str(c, "user"));
    return o;
}

static json_value *match_of(twin_ctx *ctx, const hit *h)
{
    arena *a = ctx->a;
    const char *chan = json_get_str(h->channel, "id"), *user = json_get_str(h->m, "user");
    json_value *o = json_object(a);
    json_set_str(a, o, "iid", slack_message_id(ctx, chan, json_get_str(h->m, "ts")));
    json_set_str(a, o, "team", SLACK_TEAM_ID);
    json_set(a, o, "channel", channel_summary(ctx, h->channel));
    json_set_str(a, o, "type", "message");
    if (user) json_set_str(a, o, "user", user);
    json_value *u = slack_user_get(ctx, user);
    json_set_str(a, o, "username", u ? json_get_str(u, "name") : "");
    json_set_str(a, o, "ts", json_get_str(h->m, "ts"));
    json_set_str(a, o, "text", json_get_str(h->m, "text"));
    const char *const extra[] = {"blocks", "attachments", "files"};
    for (size_t i = 0; i < 3; i++)
        if (json_get(h->m, extra[i])) json_set(a, o, extra[i], json_clone(a, json_get(h->m, extra[i])));
    json_set_str(a, o, "permalink", slack_permalink(ctx, chan, h->m));
    json_set_bool(a, o, "no_reactions", !json_get(h->m, "reactions"));
    json_set_int(a, o, "score", h->score);
    return o;
}

static json_value *paging(twin_ctx *ctx, size_t total, int64_t page, int64_t per_page)
{
    arena *a = ctx->a;
    int64_t pages = total ? ((int64_t)total + per_page - 1) / per_page : 0;
    json_value *p = json_object(a);
    json_set_int(a, p, "count", per_page);
    json_set_int(a, p, "total", (int64_t)total);
    json_set_int(a, p, "page", page);
    json_set_int(a, p, "pages", pages);
    return p;
}

static json_value *pagination(twin_ctx *ctx, size_t total, int64_t page, int64_t per_page, size_t shown)
{
    arena *a = ctx->a;
    int64_t first = (page - 1) * per_page + 1;
    json_value *p = json_object(a);
    json_set_int(a, p, "total_count", (int64_t)total);
    json_set_int(a, p, "page", page);
    json_set_int(a, p, "per_page", per_page);
    json_set_int(a, p, "page_count", total ? ((int64_t)total + per_page - 1) / per_page : 0);
    json_set_int(a, p, "first", shown ? first : 0);
    json_set_int(a, p, "last", shown ? first + (int64_t)shown - 1 : 0);
    return p;
}

void slack_search_messages(twin_ctx *ctx)
{
    arena *a = ctx->a;
    if (slack_me(ctx)->is_bot) return slack_fail(ctx, "not_allowed_token_type");
    const char *text = slack_need(ctx, "query", "no_query");
    if (!text) return;
    int64_t per_page = slack_int_arg(ctx, "count", 20), page = slack_int_arg(ctx, "page", 1);
    if (per_page < 1) per_page = 20;
    if (per_page > 100) per_page = 100;
    if (page < 1) page = 1;
    search_query q;
    parse_query(ctx, text, &q);
    hit_order order = {.by_time = str_eq(twin_arg(ctx, "sort"), "timestamp"),
                       .ascending = str_eq(twin_arg(ctx, "sort_dir"), "asc")};

    json_value **all;
    /* in:#channel reads that channel's messages only (the "channel" index). */
    size_t n = q.impossible ? 0 : slack_all(ctx, "messages", q.channel ? "channel" : NULL, q.channel, &all), k = 0;
    hit *hits = arena_alloc(a, (n + 1) * sizeof *hits);
    map channels;
    map_init(&channels);
    for (size_t i = 0; i < n; i++) {
        json_value *m = all[i];
        if (!searchable(m) || !matches_filters(&q, m)) continue;
        json_value *c = slack_channel_cached(ctx, &channels, json_get_str(m, "_ch"));
        if (!c || !slack_channel_visible(ctx, c)) continue;
        int s = score(ctx, &q, json_get_str(m, "text"));
        if (s < 0) continue;
        hits[k++] = (hit){.m = m, .channel = c, .score = s, .us = slack_ts_us(json_get_str(m, "ts"))};
    }
    map_free(&channels);
    qsort_r(hits, k, sizeof *hits, compare_hits, &order);

    size_t start = (size_t)((page - 1) * per_page), shown = 0;
    json_value *matches = json_array(a);
    for (size_t i = start; i < k && shown < (size_t)per_page; i++, shown++) json_push(matches, match_of(ctx, &hits[i]));
    json_value *messages = json_object(a);
    json_set_int(a, messages, "total", (int64_t)k);
    json_set(a, messages, "pagination", pagination(ctx, k, page, per_page, shown));
    json_set(a, messages, "paging", paging(ctx, k, page, per_page));
    json_set(a, messages, "matches", matches);
    json_value *o = slack_ok(ctx);
    json_set_str(a, o, "query", text);
    json_set(a, o, "messages", messages);
    slack_reply(ctx, o);
}
