/* Outbound webhook deliveries: libcurl's multi interface on the server loop.
 *
 * Integration: curl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION,
 * one uv_poll_t per socket) and when it next needs a timeout call
 * (CURLMOPT_TIMERFUNCTION, one uv_timer_t); we hand readiness and timeouts
 * back with curl_multi_socket_action.  Nothing here blocks the loop.
 *
 * A delivery is a store document (collection "_deliveries") plus, while
 * attempts are still due, a heap job holding copies of everything the
 * attempt needs: the request that queued it is long gone by then.  Waiting
 * jobs share one retry timer armed for the earliest due job, so freeing a job
 * never waits for a handle to close.
 *
 * The document is the source of truth for whether the delivery still
 * matters: before each attempt and before recording one, the job checks the
 * document still exists.  A torn-down (or reset) run deletes it, and the job
 * then stops quietly instead of writing the document back to life.
 *
 * Everything runs on the loop thread, so there are no locks. */
#include "engine/webhooks.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/util.h"

#define DELIVERIES "_deliveries"
#define DEFAULT_USER_AGENT "twins-webhooks/0.1"
#define ATTEMPT_TIMEOUT_MS 10000L
#define CONNECT_TIMEOUT_MS 5000L
#define DEFAULT_BASE_MS 1000         /* the policy's base a schedule is written for */
#define BACKOFF_MAX_DOUBLINGS 6      /* delays stop growing at 64 x base */
#define ID_RANDOM_CHARS 24
#define ANSWER_KEPT_MAX 16384        /* of an answer checked for expected text */

typedef struct wh_job wh_job;
struct wh_job {
    wh_job *prev, *next;
    store *st;
    char *run, *twin, *id;
    char *url, *secret, *user_agent;
    char *payload;
    size_t len;
    char **extra;               /* "Name: value" lines */
    size_t n_extra;
    char *expect;               /* text the answer must contain, or NULL */
    buf answer;                 /* the answer's first bytes, kept when expect is set */
    char *retry_num_header, *retry_reason_header;
    char *no_retry_header;
    bool told_no_retry;         /* the last answer carried no_retry_header: 1 */
    long timeout_ms;
    uint64_t *retry_delays;     /* the delivery's own schedule, or NULL */
    size_t n_retry_delays;
    int prior_attempts;         /* attempts of the delivery before this job's */
    const char *last_failure;   /* why the last attempt failed (a static string) */
    webhook_sign_fn sign;
    int attempts_left;          /* attempts this job may still start */
    int attempts_made;          /* by this job: the backoff exponent */
    bool in_flight;
    uint64_t due;               /* uv_now() at which the next attempt starts */
    CURL *easy;
    struct curl_slist *headers;
    int64_t started_ms;         /* wall clock, for the log */
    uint64_t started_ns;        /* monotonic, for the duration */
    char errbuf[CURL_ERROR_SIZE];
};

/* One watched socket. */
typedef struct wh_sock wh_sock;
struct wh_sock {
    uv_poll_t poll;
    curl_socket_t fd;
    wh_sock *prev, *next;
};

static struct {
    bool up;
    uv_loop_t *loop;
    CURLM *multi;
    uv_timer_t curl_timer;      /* curl's own timeout */
    uv_timer_t retry_timer;     /* earliest waiting job */
    wh_job *jobs;
    size_t n_jobs;
    wh_sock *socks;
    uint64_t base_ms;
    int max_attempts;
} G = {.base_ms = DEFAULT_BASE_MS, .max_attempts = 5};

/* ---- small helpers ---- */

static char *xstrdup(const char *s)
{
    if (!s) return NULL;
    char *p = strdup(s);
    if (!p) abort();
    return p;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p) abort();
    return p;
}

static store_key deliveries_key(const char *run, const char *twin)
{
    return (store_key){.run = run, .twin = twin, .collection = DELIVERIES};
}

static void iso_ms(int64_t ms, char out[32])
{
    format_iso8601(ms, true, out, 32);
}

/* The n-th retry (n >= 1) waits base * 2^(n-1), capped. */
static uint64_t backoff_ms(uint64_t base, int n)
{
    int shift = n - 1;
    if (shift < 0) shift = 0;
    if (shift > BACKOFF_MAX_DOUBLINGS) shift = BACKOFF_MAX_DOUBLINGS;
    return base << shift;
}

/* The wait before the n-th retry (n >= 1): the job's schedule, scaled like
 * the policy scales the backoff, or the backoff. */
static uint64_t retry_delay_ms(const wh_job *j, int n)
{
    if (!j->n_retry_delays) return backoff_ms(G.base_ms, n);
    size_t i = n < 1 ? 0 : (size_t)(n - 1);
    if (i >= j->n_retry_delays) i = j->n_retry_delays - 1;
    return j->retry_delays[i] * G.base_ms / DEFAULT_BASE_MS;
}

/* ---- jobs ---- */

typedef struct job_spec {
    store *st;
    const char *run, *twin, *id, *url, *secret, *user_agent;
    const char *payload;
    size_t len;
    const char *const *extra;   /* NULL-terminated or NULL */
    const char *expect;
    const char *retry_num_header, *retry_reason_header, *no_retry_header;
    long timeout_ms;
    const uint64_t *retry_delays;
    size_t n_retry_delays;
    int prior_attempts;
    const char *last_failure;
    webhook_sign_fn sign;
    int attempts;
} job_spec;

static wh_job *job_new(const job_spec *s)
{
    wh_job *j = xcalloc(1, sizeof *j);
    j->st = s->st;
    j->run = xstrdup(s->run);
    j->twin = xstrdup(s->twin);
    j->id = xstrdup(s->id);
    j->url = xstrdup(s->url);
    j->secret = xstrdup(s->secret ? s->secret : "");
    j->user_agent = xstrdup(s->user_agent ? s->user_agent : DEFAULT_USER_AGENT);
    /* +1 keeps an empty payload a valid pointer for CURLOPT_POSTFIELDS. */
    j->payload = malloc(s->len + 1);
    if (!j->payload) abort();
    if (s->len) memcpy(j->payload, s->payload, s->len);
    j->payload[s->len] = '\0';
    j->len = s->len;
    for (const char *const *h = s->extra; h && *h; h++) j->n_extra++;
    if (j->n_extra) {
        j->extra = xcalloc(j->n_extra, sizeof *j->extra);
        for (size_t i = 0; i < j->n_extra; i++) j->extra[i] = xstrdup(s->extra[i]);
    }
    j->expect = xstrdup(s->expect);
    j->retry_num_header = xstrdup(s->retry_num_header);
    j->retry_reason_header = xstrdup(s->retry_reason_header);
    j->no_retry_header = xstrdup(s->no_retry_header);
    j->timeout_ms = s->timeout_ms > 0 ? s->timeout_ms : ATTEMPT_TIMEOUT_MS;
    if (s->retry_delays && s->n_retry_delays) {
        j->retry_delays = xcalloc(s->n_retry_delays, sizeof *j->retry_delays);
        memcpy(j->retry_delays, s->retry_delays, s->n_retry_delays * sizeof *j->retry_delays);
        j->n_retry_delays = s->n_retry_delays;
    }
    j->prior_attempts = s->prior_attempts;
    j->last_failure = s->last_failure;
    j->sign = s->sign;
    j->attempts_left = s->attempts;
    j->next = G.jobs;
    if (G.jobs) G.jobs->prev = j;
    G.jobs = j;
    G.n_jobs++;
    return j;
}

/* Drops the request of an attempt (if any) without recording anything. */
static void job_release_request(wh_job *j)
{
    if (j->easy) {
        if (j->in_flight && G.multi) curl_multi_remove_handle(G.multi, j->easy);
        curl_easy_cleanup(j->easy);
        j->easy = NULL;
    }
    curl_slist_free_all(j->headers);
    j->headers = NULL;
    j->in_flight = false;
    buf_free(&j->answer);
}

static void job_free(wh_job *j)
{
    job_release_request(j);
    if (j->prev) j->prev->next = j->next;
    else G.jobs = j->next;
    if (j->next) j->next->prev = j->prev;
    G.n_jobs--;
    for (size_t i = 0; i < j->n_extra; i++) free(j->extra[i]);
    free(j->extra);
    free(j->run);
    free(j->twin);
    free(j->id);
    free(j->url);
    free(j->secret);
    free(j->user_agent);
    free(j->expect);
    free(j->retry_num_header);
    free(j->retry_reason_header);
    free(j->no_retry_header);
    free(j->retry_delays);
    free(j->payload);
    free(j);
}

static wh_job *job_find(const char *run, const char *twin, const char *id)
{
    for (wh_job *j = G.jobs; j; j = j->next)
        if (str_eq(j->run, run) && str_eq(j->twin, twin) && str_eq(j->id, id)) return j;
    return NULL;
}

/* ---- the retry timer ---- */

static void start_attempt(wh_job *j);

static void on_retry_timer(uv_timer_t *t);

/* Arms the shared retry timer for the earliest waiting job (or stops it). */
static void arm_retry_timer(void)
{
    if (!G.up) return;
    wh_job *first = NULL;
    for (wh_job *j = G.jobs; j; j = j->next)
        if (!j->in_flight && (!first || j->due < first->due)) first = j;
    if (!first) {
        uv_timer_stop(&G.retry_timer);
        return;
    }
    uint64_t now = uv_now(G.loop);
    uv_timer_start(&G.retry_timer, on_retry_timer, first->due > now ? first->due - now : 0, 0);
}

static void schedule(wh_job *j, uint64_t delay_ms)
{
    j->due = uv_now(G.loop) + delay_ms;
    arm_retry_timer();
}

static void on_retry_timer(uv_timer_t *t)
{
    uint64_t now = uv_now(G.loop);
    /* start_attempt may free the job (torn-down run), so read next first.
     * Jobs it adds are never due yet and cannot be skipped wrongly. */
    for (wh_job *j = G.jobs, *next; j; j = next) {
        next = j->next;
        if (!j->in_flight && j->due <= now) start_attempt(j);
    }
    arm_retry_timer();
}

/* ---- the delivery document ---- */

/* Appends one attempt to the stored document and sets its status.  Returns
 * false when the document is gone (run torn down or reset): nothing is
 * written then, so the run's state is not brought back. */
static bool record_attempt(wh_job *j, long status_code, const char *error, int64_t duration_ms,
                           const char *status, int64_t next_retry_ms)
{
    store_key k = deliveries_key(j->run, j->twin);
    arena *a = arena_new(0);
    size_t len = 0;
    char *text = store_get(j->st, a, &k, j->id, &len);
    json_value *doc = text ? json_parse(a, text, len, NULL) : NULL;
    if (!doc || doc->type != JSON_OBJECT) {
        arena_free(a);
        return false;
    }
    json_value *attempts = json_get(doc, "attempts");
    if (!attempts || attempts->type != JSON_ARRAY) {
        attempts = json_array(a);
        json_set(a, doc, "attempts", attempts);
    }
    char at[32];
    iso_ms(j->started_ms, at);
    json_value *e = json_object(a);
    json_set_int(a, e, "attempt", (int64_t)attempts->len + 1);
    json_set_str(a, e, "at", at);
    if (status_code > 0) json_set_int(a, e, "status_code", status_code);
    else json_set_null(a, e, "status_code");
    json_set_str(a, e, "error", error);
    json_set_int(a, e, "duration_ms", duration_ms);
    json_push(attempts, e);

    json_set_str(a, doc, "status", status);
    if (next_retry_ms > 0) {
        char next[32];
        iso_ms(next_retry_ms, next);
        json_set_str(a, doc, "next_retry_at", next);
    } else {
        json_set_null(a, doc, "next_retry_at");
    }
    size_t out_len = 0;
    char *out = json_to_string(a, doc, &out_len);
    int rc = store_put(j->st, &k, j->id, out, out_len, NULL, 0);
    arena_free(a);
    return rc == 0;
}

/* After an attempt: log it, then retry later or let the job go. */
static void finish_attempt(wh_job *j, bool ok, long status_code, const char *error)
{
    int64_t duration_ms = (int64_t)((uv_hrtime() - j->started_ns) / 1000000u);
    bool retry = !ok && j->attempts_left > 0 && !j->told_no_retry;
    uint64_t delay = retry ? retry_delay_ms(j, j->attempts_made) : 0;
    const char *status = ok ? "succeeded" : retry ? "retrying" : "failed";
    int64_t next_retry_ms = retry ? now_ms() + (int64_t)delay : 0;
    if (!record_attempt(j, status_code, error, duration_ms, status, next_retry_ms) || !retry) {
        job_free(j);
        arm_retry_timer();
        return;
    }
    schedule(j, delay);
}

/* ---- one attempt ---- */

/* Keeps the answer's first bytes when the job checks them, drops them otherwise. */
static size_t take_answer(char *p, size_t size, size_t n, void *data)
{
    wh_job *j = data;
    size_t len = size * n;
    if (j->expect && j->answer.len < ANSWER_KEPT_MAX) {
        size_t room = ANSWER_KEPT_MAX - j->answer.len;
        buf_append(&j->answer, p, len < room ? len : room);
    }
    return len;
}

/* Watches the answer's header lines for the twin's "no retry" header. */
static size_t take_header(char *line, size_t size, size_t n, void *data)
{
    wh_job *j = data;
    size_t len = size * n, name_len = j->no_retry_header ? strlen(j->no_retry_header) : 0;
    if (!name_len || len <= name_len || line[name_len] != ':' || strncasecmp(line, j->no_retry_header, name_len) != 0)
        return len;
    const char *v = line + name_len + 1, *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t')) v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t')) end--;
    if (end - v == 1 && *v == '1') j->told_no_retry = true;
    return len;
}

static bool answer_has_expected(const wh_job *j)
{
    if (!j->expect) return true;
    return j->answer.len && memmem(j->answer.data, j->answer.len, j->expect, strlen(j->expect)) != NULL;
}

/* On a retry, the headers that say which one it is and why (when the twin
 * names them). */
static bool add_retry_headers(wh_job *j, struct curl_slist **h)
{
    int retry = j->prior_attempts + j->attempts_made - 1;
    if (retry < 1) return true;
    char line[256];
    struct curl_slist *tmp;
    if (j->retry_num_header) {
        snprintf(line, sizeof line, "%s: %d", j->retry_num_header, retry);
        if (!(tmp = curl_slist_append(*h, line))) return false;
        *h = tmp;
    }
    if (j->retry_reason_header) {
        snprintf(line, sizeof line, "%s: %s", j->retry_reason_header, j->last_failure ? j->last_failure : "unknown_error");
        if (!(tmp = curl_slist_append(*h, line))) return false;
        *h = tmp;
    }
    return true;
}

/* Content type, the twin's signature (signed now), the twin's extra lines,
 * the retry headers. */
static bool build_headers(wh_job *j)
{
    struct curl_slist *h = NULL, *tmp;
    /* "Expect:" stops curl waiting for 100-continue on larger payloads. */
    static const char *const fixed[] = {"Content-Type: application/json; charset=utf-8", "Expect:", NULL};
    for (const char *const *p = fixed; *p; p++) {
        if (!(tmp = curl_slist_append(h, *p))) goto fail;
        h = tmp;
    }
    if (j->sign) {
        arena *a = arena_new(0);
        const char **sig = j->sign(a, j->secret, j->payload, j->len, now_ms() / 1000);
        for (const char **p = sig; p && *p; p++) {
            if (!(tmp = curl_slist_append(h, *p))) {
                arena_free(a);
                goto fail;
            }
            h = tmp;
        }
        arena_free(a);  /* curl_slist_append copied the lines */
    }
    for (size_t i = 0; i < j->n_extra; i++) {
        if (!(tmp = curl_slist_append(h, j->extra[i]))) goto fail;
        h = tmp;
    }
    if (!add_retry_headers(j, &h)) goto fail;
    j->headers = h;
    return true;
fail:
    curl_slist_free_all(h);
    return false;
}

static bool setup_easy(wh_job *j)
{
    CURL *e = curl_easy_init();
    if (!e) return false;
    j->easy = e;
    j->errbuf[0] = '\0';
    bool ok = curl_easy_setopt(e, CURLOPT_URL, j->url) == CURLE_OK &&
              curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, j->payload);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)j->len);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, j->headers);
    curl_easy_setopt(e, CURLOPT_USERAGENT, j->user_agent);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, j->timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);   /* we run inside a server */
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, take_answer);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, (void *)j);
    if (j->no_retry_header) {
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, take_header);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, (void *)j);
    }
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->errbuf);
    curl_easy_setopt(e, CURLOPT_PRIVATE, (void *)j);
    return ok;
}

static void start_attempt(wh_job *j)
{
    store_key k = deliveries_key(j->run, j->twin);
    if (!store_exists(j->st, &k, j->id)) {   /* the run went away meanwhile */
        job_free(j);
        return;
    }
    j->attempts_left--;
    j->attempts_made++;
    j->told_no_retry = false;
    j->started_ms = now_ms();
    j->started_ns = uv_hrtime();
    if (!build_headers(j) || !setup_easy(j)) {
        job_release_request(j);
        finish_attempt(j, false, 0, "cannot set up the request");
        return;
    }
    if (curl_multi_add_handle(G.multi, j->easy) != CURLM_OK) {
        job_release_request(j);
        finish_attempt(j, false, 0, "cannot start the request");
        return;
    }
    j->in_flight = true;
}

/* Why an attempt failed, in the words Slack's retries use. */
static const char *failure_kind(CURLcode res)
{
    switch (res) {
    case CURLE_OK: return "http_error";   /* answered, but not with a 2xx (or not as expected) */
    case CURLE_OPERATION_TIMEDOUT: return "http_timeout";
    case CURLE_TOO_MANY_REDIRECTS: return "too_many_redirects";
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return "connection_failed";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE: return "ssl_error";
    default: return "unknown_error";
    }
}

/* Collects finished transfers. Called after every socket_action. */
static void check_done(void)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(G.multi, &left))) {
        if (m->msg != CURLMSG_DONE) continue;
        CURL *e = m->easy_handle;
        CURLcode res = m->data.result;   /* m dies with remove_handle */
        char *priv = NULL;
        curl_easy_getinfo(e, CURLINFO_PRIVATE, &priv);
        wh_job *j = (wh_job *)priv;
        long code = 0;
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
        char error[CURL_ERROR_SIZE + 32] = "";
        bool answered_2xx = res == CURLE_OK && code >= 200 && code < 300;
        bool ok = answered_2xx && answer_has_expected(j);
        if (res != CURLE_OK)
            snprintf(error, sizeof error, "%s", j->errbuf[0] ? j->errbuf : curl_easy_strerror(res));
        else if (answered_2xx && !ok)
            snprintf(error, sizeof error, "the answer did not contain the expected text");
        if (!ok) j->last_failure = failure_kind(res);
        job_release_request(j);
        finish_attempt(j, ok, res == CURLE_OK ? code : 0, error[0] ? error : NULL);
    }
}

/* ---- curl <-> libuv ---- */

static void on_sock_closed(uv_handle_t *h)
{
    free(h->data);
}

static void sock_close(wh_sock *s)
{
    if (s->prev) s->prev->next = s->next;
    else G.socks = s->next;
    if (s->next) s->next->prev = s->prev;
    uv_close((uv_handle_t *)&s->poll, on_sock_closed);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    wh_sock *s = h->data;
    int flags = 0;
    if (status < 0) flags |= CURL_CSELECT_ERR;
    if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
    int running = 0;
    curl_multi_socket_action(G.multi, s->fd, flags, &running);
    check_done();
}

static int on_curl_socket(CURL *e, curl_socket_t fd, int what, void *userp, void *socketp)
{
    wh_sock *s = socketp;
    if (what == CURL_POLL_REMOVE) {
        /* curl closes fd right after; stop watching it first. */
        if (s) sock_close(s);
        return 0;
    }
    if (!s) {
        s = xcalloc(1, sizeof *s);
        s->fd = fd;
        if (uv_poll_init_socket(G.loop, &s->poll, fd) != 0) {
            free(s);
            return -1;
        }
        s->poll.data = s;
        s->next = G.socks;
        if (G.socks) G.socks->prev = s;
        G.socks = s;
        curl_multi_assign(G.multi, fd, s);
    }
    int events = 0;
    if (what & CURL_POLL_IN) events |= UV_READABLE;
    if (what & CURL_POLL_OUT) events |= UV_WRITABLE;
    uv_poll_start(&s->poll, events, on_poll);
    return 0;
}

static void on_curl_timeout(uv_timer_t *t)
{
    int running = 0;
    curl_multi_socket_action(G.multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done();
}

/* curl must not be re-entered from here, so even a 0 timeout goes through
 * the loop. */
static int on_curl_timer(CURLM *m, long timeout_ms, void *userp)
{
    if (uv_is_closing((uv_handle_t *)&G.curl_timer)) return 0;
    if (timeout_ms < 0) uv_timer_stop(&G.curl_timer);
    else uv_timer_start(&G.curl_timer, on_curl_timeout, (uint64_t)timeout_ms, 0);
    return 0;
}

/* ---- public ---- */

void webhooks_init(uv_loop_t *loop)
{
    if (G.up) return;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    G.loop = loop;
    G.multi = curl_multi_init();
    if (!G.multi) abort();
    curl_multi_setopt(G.multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
    curl_multi_setopt(G.multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    uv_timer_init(loop, &G.curl_timer);
    uv_timer_init(loop, &G.retry_timer);
    G.up = true;
}

static void close_if_open(uv_handle_t *h)
{
    if (!uv_is_closing(h)) uv_close(h, NULL);
}

void webhooks_shutdown(void)
{
    if (!G.up) return;
    G.up = false;   /* job_free and timers must not re-arm from here on */
    while (G.jobs) job_free(G.jobs);
    curl_multi_cleanup(G.multi);   /* may still report sockets removed */
    G.multi = NULL;
    while (G.socks) sock_close(G.socks);
    close_if_open((uv_handle_t *)&G.curl_timer);
    close_if_open((uv_handle_t *)&G.retry_timer);
    curl_global_cleanup();
    G.loop = NULL;
}

void webhooks_set_policy(uint64_t base_ms, int max_attempts)
{
    G.base_ms = base_ms ? base_ms : 1;
    G.max_attempts = max_attempts > 0 ? max_attempts : 1;
}

size_t webhooks_pending(void)
{
    return G.n_jobs;
}

/* "_request" keeps what a manual retry needs; the admin log hides it. */
static json_value *request_member(arena *a, const webhook_send *s)
{
    json_value *r = json_object(a);
    json_set_str(a, r, "secret", s->secret);
    json_set_str(a, r, "user_agent", s->user_agent);
    json_set_str(a, r, "expect_in_body", s->expect_in_body);
    json_set_str(a, r, "retry_num_header", s->retry_num_header);
    json_set_str(a, r, "retry_reason_header", s->retry_reason_header);
    json_set_str(a, r, "no_retry_header", s->no_retry_header);
    if (s->timeout_ms > 0) json_set_int(a, r, "timeout_ms", s->timeout_ms);
    json_value *h = json_array(a);
    for (const char *const *p = s->extra_headers; p && *p; p++) json_push(h, json_string(a, *p));
    json_set(a, r, "headers", h);
    return r;
}

const char *webhooks_send(twin_ctx *ctx, const webhook_send *s)
{
    arena *a = ctx->a;
    char token[ID_RANDOM_CHARS + 1];
    random_token(token, ID_RANDOM_CHARS);
    const char *id = arena_printf(a, "whd_%s", token);
    char created[32];
    iso_ms(now_ms(), created);
    const char *payload = s->payload ? s->payload : "";
    size_t len = s->payload ? s->len : 0;

    json_value *doc = json_object(a);
    json_set_str(a, doc, "id", id);
    json_set_str(a, doc, "endpoint_id", s->endpoint_id);
    json_set_str(a, doc, "url", s->url);
    json_set_str(a, doc, "event_id", s->event_id);
    json_set_str(a, doc, "event_type", s->event_type);
    json_set_str(a, doc, "status", "pending");
    json_set(a, doc, "attempts", json_array(a));
    json_set_null(a, doc, "next_retry_at");
    json_set_str(a, doc, "created", created);
    json_set(a, doc, "payload", json_stringn(a, payload, len));
    json_set(a, doc, "_request", request_member(a, s));

    size_t doc_len = 0;
    char *text = json_to_string(a, doc, &doc_len);
    store_key k = deliveries_key(ctx->run_id, ctx->twin);
    if (store_put(ctx->store, &k, id, text, doc_len, NULL, 0) != 0) return NULL;
    if (!G.up || !s->url) return id;   /* no loop (offline tools): logged only */
    /* The first attempt runs from the loop, after the request's transaction
     * ended: if the handler's error answer rolled the document back, the
     * attempt finds it gone and the job is dropped undelivered. */

    job_spec js = {.st = ctx->store, .run = ctx->run_id, .twin = ctx->twin, .id = id, .url = s->url,
                   .secret = s->secret, .user_agent = s->user_agent, .payload = payload, .len = len,
                   .extra = s->extra_headers, .expect = s->expect_in_body,
                   .retry_num_header = s->retry_num_header, .retry_reason_header = s->retry_reason_header,
                   .no_retry_header = s->no_retry_header, .timeout_ms = s->timeout_ms,
                   .retry_delays = s->retry_delays_ms, .n_retry_delays = s->n_retry_delays,
                   .sign = ctx->def ? ctx->def->webhook_sign : NULL,
                   .attempts = s->max_attempts > 0 ? s->max_attempts : G.max_attempts};
    schedule(job_new(&js), 0);
    return id;
}

/* What the last recorded attempt of a stored delivery tells of its failure. */
static const char *stored_failure(const json_value *attempts)
{
    const json_value *last = attempts && attempts->type == JSON_ARRAY ? attempts->last : NULL;
    if (!last) return NULL;
    const json_value *code = json_get(last, "status_code");
    return code && code->type == JSON_NUMBER ? "http_error" : "unknown_error";
}

/* Extra header lines of a stored delivery, NULL-terminated in a. */
static const char **stored_headers(arena *a, const json_value *req)
{
    const json_value *h = json_get(req, "headers");
    size_t n = h && h->type == JSON_ARRAY ? h->len : 0;
    const char **out = arena_zalloc(a, (n + 1) * sizeof *out);
    size_t i = 0;
    json_foreach(line, h) if (json_str(line)) out[i++] = json_str(line);
    return out;
}

static long stored_timeout(const json_value *req)
{
    int64_t ms = 0;
    return json_int64(json_get(req, "timeout_ms"), &ms) && ms > 0 ? (long)ms : 0;
}

static int attempts_recorded(const json_value *doc)
{
    const json_value *attempts = json_get(doc, "attempts");
    return attempts && attempts->type == JSON_ARRAY ? (int)attempts->len : 0;
}

bool webhooks_retry(twin_ctx *ctx, const char *delivery_id)
{
    /* twin_doc_get tells a store failure (ctx->store_failed) from absence. */
    json_value *doc = twin_doc_get(ctx, DELIVERIES, delivery_id);
    if (!doc || doc->type != JSON_OBJECT) return false;
    if (!G.up) return true;

    /* Already queued: bring its next attempt forward instead of doubling up. */
    wh_job *j = job_find(ctx->run_id, ctx->twin, delivery_id);
    if (j) {
        if (!j->in_flight) schedule(j, 0);
        return true;
    }
    const json_value *req = json_get(doc, "_request");
    const json_value *payload = json_get(doc, "payload");
    job_spec js = {.st = ctx->store, .run = ctx->run_id, .twin = ctx->twin, .id = delivery_id,
                   .url = json_get_str(doc, "url"), .secret = json_get_str(req, "secret"),
                   .user_agent = json_get_str(req, "user_agent"),
                   .payload = json_str(payload) ? payload->str : "", .len = json_str(payload) ? payload->len : 0,
                   .extra = stored_headers(ctx->a, req), .expect = json_get_str(req, "expect_in_body"),
                   .retry_num_header = json_get_str(req, "retry_num_header"),
                   .retry_reason_header = json_get_str(req, "retry_reason_header"),
                   .no_retry_header = json_get_str(req, "no_retry_header"), .timeout_ms = stored_timeout(req),
                   .prior_attempts = attempts_recorded(doc), .last_failure = stored_failure(json_get(doc, "attempts")),
                   .sign = ctx->def ? ctx->def->webhook_sign : NULL, .attempts = 1};
    if (!js.url) return false;

    json_set_str(ctx->a, doc, "status", "pending");
    json_set_null(ctx->a, doc, "next_retry_at");
    if (twin_doc_put(ctx, DELIVERIES, delivery_id, doc, NULL, 0) != 0) return false;
    schedule(job_new(&js), 0);
    return true;
}

void webhooks_write_deliveries(store *st, const char *run, const char *twin, jw *w)
{
    arena *a = arena_new(0);
    store_key k = deliveries_key(run, twin);
    store_list_opts o = {.newest_first = true};
    store_list_result res = {0};
    jw_object_begin(w);
    jw_key(w, "deliveries");
    jw_array_begin(w);
    if (store_list(st, a, &k, &o, &res) == 0) {
        for (size_t i = 0; i < res.n; i++) {
            json_value *doc = json_parse(a, res.docs[i].json, res.docs[i].len, NULL);
            if (!doc || doc->type != JSON_OBJECT) continue;
            jw_object_begin(w);
            json_foreach(m, doc) {
                if (m->key_len && m->key[0] == '_') continue;   /* private: secret, headers */
                jw_keyn(w, m->key, m->key_len);
                jw_value(w, m);
            }
            jw_object_end(w);
        }
    }
    jw_array_end(w);
    jw_object_end(w);
    arena_free(a);
}
