/* Dropbox twin: files/list_folder/longpoll.  Like the real endpoint it holds
 * the request until something changes in the cursor's scope or `timeout`
 * seconds (30..480) pass, then answers {"changes": true|false}.
 *
 * A held ("parked") request keeps its twin_ctx: the context lives in the
 * request arena, which the HTTP layer keeps until the answer is written, and
 * the run stays allocated while a request of it is in flight.  Writes wake
 * the parked polls of their instance whose scope they touch; a woken poll
 * reads the journal again on the next loop turn (after the writer's
 * transaction is over) and answers only when its cursor really has news.
 *
 * Parked polls are answered early in three cases, so nothing waits on them:
 * the twin's state starts over (reset, config replace: changes true), the
 * run ends (teardown, expiry: the engine's "run has ended" answer), and the
 * process is asked to stop (SIGTERM/SIGINT: changes false; the HTTP server
 * only finishes shutting down once every in-flight request is answered). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "runs/runs.h"
#include "twins/dropbox/dropbox.h"
#include "util/util.h"

#define MIN_TIMEOUT_S 30
#define MAX_TIMEOUT_S 480
#define SWEEP_MS 200            /* how soon a torn-down run's polls are answered */

typedef struct parked_poll {
    struct parked_poll *next;
    uv_timer_t timer;           /* the deadline, or 0 ms after a wake */
    twin_ctx *ctx;              /* the request's own context */
    char *root;                 /* the cursor's folder, lower-cased ("" = everything); malloc'd */
    bool recursive;
    int64_t seq;                /* the cursor's journal position */
    uint64_t deadline_ms;       /* in uv_now() time */
    bool state_reset;           /* the twin's state started over since parking */
} parked_poll;

static struct {
    parked_poll *list;
    bool ready;
    uv_timer_t sweep;
} P;

static void poll_closed(uv_handle_t *h)
{
    parked_poll *p = h->data;
    free(p->root);
    free(p);
}

/* Takes p off the list; its memory goes once the timer handle is closed. */
static twin_ctx *unpark(parked_poll *p)
{
    for (parked_poll **pp = &P.list; *pp; pp = &(*pp)->next) {
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    }
    if (!P.list) uv_timer_stop(&P.sweep);
    twin_ctx *ctx = p->ctx;
    uv_timer_stop(&p->timer);
    uv_close((uv_handle_t *)&p->timer, poll_closed);
    return ctx;
}

static void reply_changes(twin_ctx *ctx, bool changes)
{
    json_value *o = json_object(ctx->a);
    json_set_bool(ctx->a, o, "changes", changes);
    dbx_reply(ctx, o);
}

static void answer(parked_poll *p, bool changes)
{
    reply_changes(unpark(p), changes);
}

static bool run_ended(const parked_poll *p)
{
    return run_is_terminal(p->ctx->inst->run);
}

static void answer_run_ended(parked_poll *p)
{
    twin_error(unpark(p), 404, "not_found", "This twin run has ended.");
}

static void on_poll_timer(uv_timer_t *t)
{
    parked_poll *p = t->data;
    if (run_ended(p)) return answer_run_ended(p);
    if (p->state_reset) return answer(p, true);
    twin_ctx *ctx = p->ctx;
    ctx->config = ctx->inst->config;    /* a config change since parking replaced it */
    if (dbx_changes_since(ctx, p->root, p->recursive, p->seq)) return answer(p, true);
    uint64_t now = uv_now(runs_loop());
    if (now >= p->deadline_ms) return answer(p, false);
    uv_timer_start(&p->timer, on_poll_timer, p->deadline_ms - now, 0);
}

static void on_sweep(uv_timer_t *t)
{
    (void)t;
    for (parked_poll *p = P.list, *next; p; p = next) {
        next = p->next;
        if (run_ended(p)) answer_run_ended(p);
    }
}

void dbx_longpoll_stop(void)
{
    while (P.list) answer(P.list, false);
}

/* The sweep timer is made on first use and never keeps the loop alive. */
static void ensure_ready(void)
{
    if (P.ready) return;
    P.ready = true;
    uv_loop_t *loop = runs_loop();
    uv_timer_init(loop, &P.sweep);
    uv_unref((uv_handle_t *)&P.sweep);
}

static void park(twin_ctx *ctx, const char *root, bool recursive, int64_t seq, int64_t timeout_s)
{
    ensure_ready();
    parked_poll *p = calloc(1, sizeof *p);
    if (!p) abort();
    p->ctx = ctx;
    p->root = strdup(root);
    if (!p->root) abort();
    p->recursive = recursive;
    p->seq = seq;
    uv_loop_t *loop = runs_loop();
    uv_update_time(loop);
    p->deadline_ms = uv_now(loop) + (uint64_t)timeout_s * 1000;
    uv_timer_init(loop, &p->timer);
    p->timer.data = p;
    uv_timer_start(&p->timer, on_poll_timer, (uint64_t)timeout_s * 1000, 0);
    if (!P.list) uv_timer_start(&P.sweep, on_sweep, SWEEP_MS, SWEEP_MS);
    p->next = P.list;
    P.list = p;
}

/* A change at path can concern a poll whose folder holds it, or whose
 * folder is under it (the folder itself moved or went away). */
static bool touches(const parked_poll *p, const char *path)
{
    return dbx_path_within(path, p->root) || dbx_path_within(p->root, path);
}

void dbx_longpoll_wake(twin_ctx *ctx, const char *path)
{
    for (parked_poll *p = P.list; p; p = p->next)
        if (p->ctx->inst == ctx->inst && touches(p, path)) uv_timer_start(&p->timer, on_poll_timer, 0, 0);
}

void dbx_longpoll_restart(twin_ctx *ctx)
{
    for (parked_poll *p = P.list; p; p = p->next) {
        if (p->ctx->inst != ctx->inst) continue;
        p->state_reset = true;
        uv_timer_start(&p->timer, on_poll_timer, 0, 0);
    }
}

void dbx_list_folder_longpoll(twin_ctx *ctx)
{
    json_value *args = dbx_args(ctx);
    if (!args) return;
    const char *cursor = dbx_req_str(ctx, args, "cursor");
    if (!cursor) return;
    int64_t timeout = MIN_TIMEOUT_S;
    json_value *tv = json_get(args, "timeout");
    if (tv && (!json_int64(tv, &timeout) || timeout < MIN_TIMEOUT_S || timeout > MAX_TIMEOUT_S))
        return dbx_bad_request(ctx, "request body: timeout: value must be between 30 and 480");
    json_value *s = dbx_decode_cursor(ctx, cursor);
    if (!s || !str_eq(json_get_str(s, "k"), "list") || twin_cursor_stamp_read(ctx, s) != TWIN_CURSOR_CURRENT)
        return dbx_route_error(ctx, "reset", dbx_tag(ctx->a, "reset"));
    const char *root = json_get_str(s, "p");
    bool recursive = json_truthy(json_get(s, "r"));
    int64_t seq = 0;
    json_int64(json_get(s, "s"), &seq);
    if (!root) root = "";
    if (dbx_changes_since(ctx, root, recursive, seq)) return reply_changes(ctx, true);
    park(ctx, root, recursive, seq, timeout);
}
