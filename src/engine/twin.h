/* The twin module interface.
 *
 * A twin is mostly data: a declaration (name, label, kind, the real host
 * names it stands in for, env vars, default config, seed schema) and a route
 * table (method, path template, required scope, handler).  The shared
 * machinery reads those tables: the router, auth/scope hooks, the stub engine
 * for documented routes the table lacks, the admin endpoints, the request
 * journal and fault injection.  Handlers get a twin_ctx and answer through
 * its helpers.  No twin includes another twin. */
#ifndef TWINS_TWIN_H
#define TWINS_TWIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
#include "http/router.h"
#include "json/json.h"
#include "store/store.h"

typedef struct twin_ctx twin_ctx;
typedef struct twin_def twin_def;
typedef struct twin_instance twin_instance;

typedef void (*twin_handler)(twin_ctx *ctx);

/* A service's webhook signature: returns header lines ("Stripe-Signature:
 * t=..,v1=..") for payload signed at unix time t with secret, as a
 * NULL-terminated array allocated in a.  Retries are signed afresh. */
typedef const char **(*webhook_sign_fn)(arena *a, const char *secret, const char *payload, size_t len, int64_t t);

typedef struct twin_route {
    const char *method;         /* "GET", "POST", ..., "*" */
    const char *path;           /* router template, see http/router.h */
    twin_handler handler;
    const char *scope;          /* required scope, checked by the twin's authenticate hook; NULL = none;
                                 * "public" = browser pages that take no credentials (authenticate is not called) */
} twin_route;

/* What a twin's env-var builder gets. */
typedef struct twin_env {
    const char *run_id;
    const char *base_url;       /* "http://127.0.0.1:41001" (no trailing slash) */
    const char *admin_url;      /* ".../runs/<run>/twins/<twin>" (append "/admin/...") */
    const char *proxy_token;
    const json_value *config;   /* the twin's current config */
} twin_env;

struct twin_def {
    const char *name;           /* catalog name: "stripe", "google_calendar" */
    const char *label;          /* "Stripe", "Google Calendar" */
    bool frontend;              /* kind: frontend (browsable surface) or backend */
    bool show_in_ui;
    const char *const *hosts;   /* real host names it stands in for, NULL-terminated */

    /* Adds "NAME": "value" members to out (a JSON object). */
    void (*env_vars)(const twin_env *env, arena *a, json_value *out);

    const char *default_config; /* JSON object text; "{}" when NULL */
    const char *seed_schema;    /* JSON Schema (subset) of seed_config.<twin>; NULL = accepts any object */

    const twin_route *routes;   /* stateful routes of the service API */
    size_t n_routes;
    const twin_route *admin_routes; /* twin-specific admin endpoints, paths relative to "/admin" */
    size_t n_admin_routes;

    /* Stub engine: name of the compiled API description ("stripe" loads
     * <spec-dir>/stripe.json) and the prefix its paths are mounted under
     * ("/api/v10" for Discord, "" when the description's paths are absolute). */
    const char *spec_name;
    const char *spec_mount;
    /* RPC-style APIs (Slack) answer every method on GET and POST alike,
     * whatever verb the description lists; its stubs then match any method. */
    bool stub_any_method;
    /* Array answers of stubs go out bare instead of wrapped in
     * {_twin_stub,_twin_warning,data}, for SDKs that validate list bodies
     * strictly (Unified.to's); such stubs are marked by the X-Twin-Stub
     * header and the stub-hits log only. */
    bool stub_bare_arrays;
    /* Sends a stub's generated JSON where the service carries that
     * operation's result (Dropbox's download routes: in a header, the body
     * being the file).  Returns false to let it go out as the JSON body;
     * body is the callee's to free when it returns true.  NULL = body. */
    bool (*stub_send)(twin_ctx *ctx, const char *op_path, int status, buf *body);

    /* Hooks, all optional. */
    /* Checks credentials (and route->scope when route is not NULL; route is
     * NULL for stub routes).  Returns false after answering with the
     * service's own auth error. */
    bool (*authenticate)(twin_ctx *ctx, const twin_route *route);
    /* Renders the service's own error shape.  code is a short machine code
     * ("not_found", "rate_limited", "internal_error", or one a fault gave). */
    void (*send_error)(twin_ctx *ctx, int status, const char *code, const char *message);
    /* Seeds the twin from seed_config.<twin>; adds counts to result
     * ({"customers": 3}).  Returns 0, or -1 after setting *error. */
    int (*seed)(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error);
    /* How this service signs its webhook deliveries (NULL = unsigned). */
    webhook_sign_fn webhook_sign;
    /* Creates the state every instance starts with (Slack's workspace and
     * users, Calendar's primary calendar), so request handlers need not
     * check for it on every call.  Runs whenever an instance's state starts
     * over or its config changes: at provision (inside the seed's own
     * context, ahead of def->seed, when there is a seed), after a config
     * replace or merge, after a reset, and when a run is restored from
     * --data-dir.  The context is a seeding one (fixed clock) so default
     * state is the same in every run.  Must be idempotent: the state may
     * already hold the defaults. */
    void (*on_start)(twin_ctx *ctx);
    /* Runs first for every data-plane request, whatever answers it
     * (stateful and public routes, stubs, unknown URLs, injected faults):
     * headers every answer of the service carries (Jira's X-Arequestid). */
    void (*on_request)(twin_ctx *ctx);
    /* The server is stopping (SIGTERM/SIGINT).  Runs once per twin, before the
     * HTTP server closes its listeners and waits for the requests in flight:
     * a twin that holds requests open (Dropbox's parked longpolls) answers
     * them here, or the shutdown would wait for them. */
    void (*on_stop)(void);
};

/* A twin inside a run.  Owned by the runs module. */
struct twin_instance {
    const twin_def *def;
    struct run *run;
    int port;
    http_listener *listener;
    char *base_url;
    char *admin_url;
    arena *config_arena;        /* reset when the config is replaced */
    json_value *config;         /* default_config merged with PUT/PATCH */
    struct stub_hits *stub_hits;
    struct fault_list *faults;
    struct ratelimit *rate_limits; /* simulated rate-limit windows (engine/ratelimit.h); in memory,
                                    * cleared whenever the instance's state starts over */
    /* How many times the instance's state has started over (reset, config
     * replace, reseed).  Counters restart with the state, so a change token
     * or cursor that is a counter position carries the epoch too: one from
     * before the state started over is refused instead of read as a position
     * in the new history.  Kept in the run record, not the twin's state. */
    int64_t epoch;
    /* Seconds the run's clock is ahead of the host's (POST <admin>/admin/clock):
     * twin_now and twin_now_ms read it, so tests reach expiry, archiving and
     * scheduled work without waiting.  It only grows, through resets too, so
     * times a twin hands out never go back.  Kept in the run record. */
    int64_t clock_offset_s;
};

/* Request context handed to handlers. */
struct twin_ctx {
    http_request *req;
    arena *a;                   /* request arena */
    twin_instance *inst;
    const twin_def *def;
    store *store;
    const char *run_id;
    const char *twin;           /* def->name */
    route_match match;
    json_value *query;          /* form_decode_query of the query string (always an object) */
    json_value *body;           /* body_decode result (object/array; {} when empty) */
    const char *body_error;     /* set when the body could not be decoded */
    const json_value *config;
    void *principal;            /* set by the twin's authenticate hook */
    bool seeding;               /* true inside a seed call: clock is the fixed origin */
    int64_t seed_clock;         /* seconds; advances by 1 per twin_now() while seeding */
    /* The request's store transaction (see "the request's transaction" below). */
    bool tx_open;               /* between twin_tx_begin and twin_tx_end */
    bool keep_writes;           /* twin_keep_writes was called */
    bool answer_failed;         /* twin_answer_failed was called: a failure whatever its status */
    bool discard_writes;        /* twin_discard_writes was called */
    bool store_failed;          /* a store write, count or list of this request failed */
    bool store_failure_answered;/* the 500 for it is (being) sent */
    struct twin_lasting_put *lasting; /* twin_doc_put_lasting writes, applied by twin_tx_end */
};

/* ---- registry ---- */
const twin_def *twin_find(const char *name);
size_t twin_count(void);
const twin_def *twin_at(size_t i);
/* Calls every registered twin's on_stop hook (the server is stopping). */
void twin_stop_all(void);

/* ---- handler helpers ---- */
const char *twin_param(const twin_ctx *ctx, const char *name);     /* route param, decoded */
/* Body member, then query member, as a string; NULL if absent or no string.
 * A string holding NUL bytes comes back with each written "%00", never cut
 * short to another value; twin_input has the exact bytes (json_value.len). */
const char *twin_arg(const twin_ctx *ctx, const char *name);
json_value *twin_input(const twin_ctx *ctx, const char *name);     /* body member, then query member */

/* Unix seconds.  Real time, except while seeding (fixed origin so seeded
 * state is byte-identical across runs). */
int64_t twin_now(twin_ctx *ctx);     /* unix seconds on the run's clock */
int64_t twin_now_ms(twin_ctx *ctx);  /* the same in milliseconds */
int64_t twin_instance_now_ms(const twin_instance *ti);  /* the run's clock, outside a request */
/* Deterministic id: prefix + n base62 chars derived from (twin, prefix,
 * per-run counter).  Two runs doing the same calls mint the same ids. */
char *twin_new_id(twin_ctx *ctx, const char *prefix, size_t n_random);
/* Next value of a named per-run counter (1, 2, ...). */
int64_t twin_counter(twin_ctx *ctx, const char *name);
/* The instance's epoch (twin_instance.epoch); 0 without an instance.
 * Cursors that must not outlive it: engine/cursor.h. */
int64_t twin_epoch(const twin_ctx *ctx);

/* Store access scoped to (run, twin). Documents are parsed into ctx->a.
 * A failed get, put, delete, list, count or counter marks the request failed
 * (ctx->store_failed): its transaction rolls back and, if it has not answered
 * yet, its answer becomes a 500 in the twin's error shape (twin_reply_*).
 * Callers may still look at the return values; they need not. */
/* NULL when absent (or id is NULL); NULL too when the store fails or holds
 * a document that is not JSON, and then the request is marked failed as
 * above, so a handler that answers "not found" sends the 500 instead. */
json_value *twin_doc_get(twin_ctx *ctx, const char *collection, const char *id);
int twin_doc_put(twin_ctx *ctx, const char *collection, const char *id, const json_value *doc,
                 const store_index *idx, size_t n_idx);
/* The same two as JSON text, for answers that are a stored document as is:
 * no parse, no second serialisation.  The text put must be compact JSON as
 * json_write makes it (what twin_doc_put stores); get_text's copy is in ctx->a. */
int twin_doc_put_text(twin_ctx *ctx, const char *collection, const char *id, const char *text, size_t len,
                      const store_index *idx, size_t n_idx);
const char *twin_doc_get_text(twin_ctx *ctx, const char *collection, const char *id, size_t *len);
int twin_doc_delete(twin_ctx *ctx, const char *collection, const char *id);  /* 0 deleted, 1 absent */
typedef struct twin_list {
    json_value **items;
    size_t n;
    bool has_more;
} twin_list;
int twin_doc_list(twin_ctx *ctx, const char *collection, const store_list_opts *o, twin_list *out);
/* Every document of a collection as one JSON array (empty when the store fails). */
json_value *twin_doc_all(twin_ctx *ctx, const char *collection);
int64_t twin_doc_count(twin_ctx *ctx, const char *collection, const char *index_name, const char *index_value);

/* ---- the request's transaction ----
 * The engine runs each stateful handler in one store transaction and ends it
 * by the answer: a success (< 400) commits; an error answer (>= 400) rolls
 * every write of the handler back, as a real service that rejects a request
 * changes nothing (items stored before a later parameter failed vanish, as do
 * events and webhook deliveries queued meanwhile: a delivery whose document
 * is gone is dropped before its first attempt).  A failed store write rolls
 * back too.  A handler that returns without answering (none does today: no
 * stateful route answers from a timer or a callback) keeps the old rule and
 * commits, since its answer is not known yet. */
void twin_tx_begin(twin_ctx *ctx);
/* Commits or rolls back as described; then applies the lasting writes.
 * Returns true when the handler's writes were committed. */
bool twin_tx_end(twin_ctx *ctx);
/* The error answer this handler sends still carries state changes, as the
 * real service's does (Stripe's card declines leave a failed charge, the
 * intent's last_payment_error and *.payment_failed events): commit them. */
void twin_keep_writes(twin_ctx *ctx);
/* The answer is a failure although its HTTP status says success (Slack
 * reports errors as 200 {"ok": false}): roll the handler's writes back as
 * for an error status.  Call it before or after answering, before the
 * handler returns; twin_keep_writes still wins. */
void twin_answer_failed(twin_ctx *ctx);
/* The success this handler sends describes what *would* happen (Stripe's
 * invoice previews): roll its writes back all the same, ids and events
 * included, so the service state is as if it was never asked. */
void twin_discard_writes(twin_ctx *ctx);
/* A write about the answer itself that must survive the rollback of an error
 * answer (Stripe's saved idempotent result of a 404 or a decline).  Applied
 * when the transaction ends, unless a store failure spoiled the request;
 * written at once outside a request transaction. */
int twin_doc_put_lasting(twin_ctx *ctx, const char *collection, const char *id, const json_value *doc);
/* Reply helpers call this first: when a store operation of this request
 * failed, it answers a 500 in the twin's error shape instead and returns
 * true (the caller then sends nothing). */
bool twin_answer_store_failure(twin_ctx *ctx);

/* Answers. */
void twin_reply_json(twin_ctx *ctx, int status, const json_value *body);
void twin_reply_text(twin_ctx *ctx, int status, const char *content_type, const char *body, size_t len);
void twin_reply_buf(twin_ctx *ctx, int status, const char *content_type, buf *body);  /* takes the buffer */
/* Uses def->send_error, or a neutral {"error": {"code","message"}} shape. */
void twin_error(twin_ctx *ctx, int status, const char *code, const char *message);

#endif
