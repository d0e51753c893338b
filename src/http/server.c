/* Listeners and connections: libuv I/O around the request parser.
 *
 * A connection runs one request at a time.  While a request is in flight
 * (handler running, answering later, or its response being written) newly
 * read bytes are only appended to `pending`; they are parsed once the
 * response has been written.  Reading itself keeps going (no syscalls per
 * request) until `pending` or the write queue grows too large. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http/conn_internal.h"

#define READ_BUF_BYTES (64u << 10)
#define PENDING_LIMIT (1u << 20)
#define WRITE_QUEUE_LIMIT (1u << 20)
#define LISTEN_BACKLOG 511

typedef enum { PHASE_NONE, PHASE_HEAD, PHASE_BODY, PHASE_IDLE } timer_phase;

struct http_server {
    uv_loop_t *loop;
    http_server_config cfg;
    http_log_fn log_fn;
    void *log_data;
    http_listener *listeners;
    http_conn *conns;
    size_t n_conns;
    bool shutting_down;
    void (*done)(void *);
    void *done_data;
    time_t date_second;
    char date[32];
    char read_buf[READ_BUF_BYTES];  /* one loop thread: a read is parsed before the next alloc */
};

struct http_listener {
    uv_tcp_t tcp;
    http_server *server;
    http_handler handler;
    void *data;
    int port;
    bool closed;            /* http_listener_close() was called */
    bool handle_closed;     /* libuv is done with the handle */
    size_t n_conns;         /* connections still pointing here */
    http_listener *prev, *next;
};

struct http_conn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    http_server *server;
    http_listener *listener;
    http_conn *prev, *next;
    req_parser parser;
    buf pending;            /* read but not parsed yet (pipelined requests) */
    buf out;                /* response head, or a whole error response */
    uv_write_t write_req;
    char remote_addr[64];
    timer_phase phase;
    uint64_t deadline;      /* uv_now() ms at which the current phase times out */
    int open_handles;
    unsigned long served;
    bool in_flight;         /* the current request belongs to the handler or the writer */
    bool reading;
    bool eof;               /* the peer will send nothing more */
    bool failed;            /* a protocol error answer is on its way; then close */
    bool closing;
    bool close_after_write;
    int write_status;       /* of a response finished without a write callback */
};

/* ---- lists ---- */

#define LIST_LINK(head, item)                  \
    do {                                       \
        (item)->prev = NULL;                   \
        (item)->next = (head);                 \
        if (head) (head)->prev = (item);       \
        (head) = (item);                       \
    } while (0)

#define LIST_UNLINK(head, item)                             \
    do {                                                    \
        if ((item)->prev) (item)->prev->next = (item)->next; \
        else (head) = (item)->next;                         \
        if ((item)->next) (item)->next->prev = (item)->prev; \
    } while (0)

static void server_maybe_done(http_server *s)
{
    if (!s->shutting_down || !s->done || s->listeners || s->conns) return;
    void (*done)(void *) = s->done;
    s->done = NULL;
    done(s->done_data);
}

/* ---- server ---- */

http_server *http_server_new(uv_loop_t *loop, const http_server_config *cfg)
{
    http_server *s = calloc(1, sizeof *s);
    if (!s) abort();
    s->loop = loop;
    if (cfg) s->cfg = *cfg;
    http_config_defaults(&s->cfg);
    return s;
}

void http_server_on_response(http_server *s, http_log_fn fn, void *data)
{
    s->log_fn = fn;
    s->log_data = data;
}

size_t http_server_connection_count(const http_server *s)
{
    return s->n_conns;
}

void http_server_free(http_server *s)
{
    free(s);
}

/* ---- connection teardown ---- */

static void listener_release(http_listener *l)
{
    if (!l->handle_closed || l->n_conns) return;
    http_server *s = l->server;
    LIST_UNLINK(s->listeners, l);
    free(l);
    server_maybe_done(s);
}

static void on_conn_handle_closed(uv_handle_t *h)
{
    http_conn *c = h->data;
    if (--c->open_handles) return;
    http_server *s = c->server;
    LIST_UNLINK(s->conns, c);
    s->n_conns--;
    c->listener->n_conns--;
    http_listener *l = c->listener;
    http_parser_destroy(&c->parser);
    buf_free(&c->pending);
    buf_free(&c->out);
    free(c);
    listener_release(l);
    server_maybe_done(s);
}

static void conn_close(http_conn *c)
{
    if (c->closing) return;
    c->closing = true;
    uv_close((uv_handle_t *)&c->tcp, on_conn_handle_closed);
    uv_close((uv_handle_t *)&c->timer, on_conn_handle_closed);
}

/* Busy connections finish their response first: the handler still owns it. */
static void conn_close_when_idle(http_conn *c)
{
    if (c->in_flight) c->close_after_write = true;
    else conn_close(c);
}

/* ---- timers and flow control ---- */

static uint64_t phase_timeout(const http_conn *c, timer_phase phase)
{
    const http_server_config *cfg = &c->server->cfg;
    switch (phase) {
    case PHASE_HEAD: return cfg->header_timeout_ms;
    case PHASE_BODY: return cfg->body_timeout_ms;
    case PHASE_IDLE: return cfg->idle_timeout_ms;
    case PHASE_NONE: break;
    }
    return 0;
}

static void on_timeout(uv_timer_t *t)
{
    http_conn *c = t->data;
    if (c->phase == PHASE_NONE) return;
    uint64_t now = uv_now(c->server->loop);
    if (now < c->deadline) uv_timer_start(&c->timer, on_timeout, c->deadline - now, 0);
    else conn_close(c);
}

/* Deadlines are lazy: a phase change only moves c->deadline, and the timer,
 * when it fires early, re-arms itself for the rest.  Keep-alive traffic thus
 * costs no timer-heap work per request.  The deadline restarts only on a
 * phase change: a client trickling bytes must not extend it. */
static void conn_set_phase(http_conn *c, timer_phase phase)
{
    if (c->phase == phase) return;
    c->phase = phase;
    if (phase == PHASE_NONE) return;
    uint64_t timeout = phase_timeout(c, phase);
    c->deadline = uv_now(c->server->loop) + timeout;
    if (!uv_is_active((uv_handle_t *)&c->timer) || uv_timer_get_due_in(&c->timer) > timeout)
        uv_timer_start(&c->timer, on_timeout, timeout, 0);
}

static timer_phase conn_current_phase(const http_conn *c)
{
    if (c->in_flight) return PHASE_NONE;
    if (c->parser.head_complete) return PHASE_BODY;
    if (c->parser.message_begun || c->pending.len || !c->served) return PHASE_HEAD;
    return PHASE_IDLE;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
    http_conn *c = h->data;
    b->base = c->server->read_buf;
    b->len = sizeof c->server->read_buf;
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *b);

static void conn_update_reading(http_conn *c)
{
    if (c->closing) return;
    size_t queued = uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp);
    bool want = !c->eof && !c->failed && c->pending.len < PENDING_LIMIT && queued < WRITE_QUEUE_LIMIT;
    if (want && !c->reading) {
        if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0) c->reading = true;
    } else if (!want && c->reading) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = false;
    }
}

static void conn_after_io(http_conn *c)
{
    if (c->closing) return;
    conn_update_reading(c);
    conn_set_phase(c, conn_current_phase(c));
}

/* ---- writing ---- */

static void refresh_date(http_server *s)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t now = time(NULL);
    if (now == s->date_second && s->date[0]) return;
    struct tm tm;
    gmtime_r(&now, &tm);
    /* Formatted by hand: strftime's names follow the process locale. */
    snprintf(s->date, sizeof s->date, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday],
             tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    s->date_second = now;
}

static void put_str(buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

static void put_uint(buf *b, uint64_t n)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    buf_append(b, tmp + i, sizeof tmp - i);
}

static void put_header(buf *b, const char *name, const char *value)
{
    put_str(b, name);
    buf_append(b, ": ", 2);
    put_str(b, value);
    buf_append(b, "\r\n", 2);
}

static void put_status_line(buf *b, int status)
{
    buf_append(b, "HTTP/1.1 ", 9);
    put_uint(b, (uint64_t)status);
    buf_putc(b, ' ');
    put_str(b, http_status_text(status));
    buf_append(b, "\r\n", 2);
}

static void put_common_tail(buf *b, http_server *s, bool send_length, size_t len, bool date, bool keep_alive)
{
    if (send_length) {
        buf_append(b, "Content-Length: ", 16);
        put_uint(b, len);
        buf_append(b, "\r\n", 2);
    }
    if (date) {
        refresh_date(s);
        put_header(b, "Date", s->date);
    }
    put_str(b, keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n");
}

static bool status_has_body(int status)
{
    return status >= 200 && status != 204 && status != 304;
}

/* Framing headers are ours; a handler's Connection: close is honoured. */
static bool is_framing_header(const char *name)
{
    return http_name_eq(name, "Content-Length") || http_name_eq(name, "Transfer-Encoding") ||
           http_name_eq(name, "Connection");
}

static bool handler_asked_close(const http_request *req)
{
    for (size_t i = 0; i < req->n_resp_headers; i++)
        if (http_name_eq(req->resp_headers[i].name, "Connection") &&
            strcasecmp(req->resp_headers[i].value, "close") == 0)
            return true;
    return false;
}

static bool conn_keeps_alive(const http_conn *c, const http_request *req)
{
    if (!c->parser.keep_alive || c->parser.upgrade || c->close_after_write) return false;
    if (c->listener->closed || c->server->shutting_down) return false;
    if (c->eof && c->pending.len == 0) return false;
    return !handler_asked_close(req);
}

static void build_response_head(http_conn *c, http_request *req, bool keep_alive, bool with_body)
{
    buf *b = &c->out;
    bool has_type = false, has_date = false;
    buf_reset(b);
    put_status_line(b, req->status);
    for (size_t i = 0; i < req->n_resp_headers; i++) {
        const http_header *h = &req->resp_headers[i];
        if (is_framing_header(h->name)) continue;
        has_type |= http_name_eq(h->name, "Content-Type");
        has_date |= http_name_eq(h->name, "Date");
        put_header(b, h->name, h->value);
    }
    if (!has_type && with_body && req->resp_body.len) put_header(b, "Content-Type", "application/json");
    /* No Content-Length on 1xx, 204 and 304: a 304's would have to be the
     * length of the 200 it stands for (RFC 9110 section 8.6), not 0. */
    bool send_length = status_has_body(req->status);
    put_common_tail(b, c->server, send_length, with_body ? req->resp_body.len : 0, !has_date, keep_alive);
}

static void conn_resume(http_conn *c);

static void conn_finish_response(http_conn *c, int write_status)
{
    http_server *s = c->server;
    http_request *req = &c->parser.req;
    if (write_status < 0) c->close_after_write = true;
    if (s->log_fn) s->log_fn(req, (uv_hrtime() - req->start_ns) / 1000, s->log_data);
    http_parser_next(&c->parser);
    c->in_flight = false;
    c->served++;
    if (c->close_after_write || c->listener->closed || s->shutting_down) {
        conn_close(c);
        return;
    }
    conn_resume(c);
}

static void on_response_written(uv_write_t *w, int status)
{
    conn_finish_response(w->data, status);
}

/* The response left without uv_write (or uv_write refused it): finish on the
 * next loop turn, as a queued write would, so the handler can still touch req
 * after http_send. */
static void on_response_done_now(uv_timer_t *t)
{
    http_conn *c = t->data;
    conn_finish_response(c, c->write_status);
}

static void finish_on_next_turn(http_conn *c, int write_status)
{
    c->write_status = write_status;
    uv_timer_start(&c->timer, on_response_done_now, 0, 0);
}

/* Drops the first n bytes of bufs; returns how many buffers still hold data. */
static unsigned consume_bufs(uv_buf_t *bufs, unsigned nbufs, size_t n)
{
    while (nbufs && n >= bufs[0].len) {
        n -= bufs[0].len;
        bufs[0] = bufs[1];
        nbufs--;
    }
    if (nbufs) {
        bufs[0].base += n;
        bufs[0].len -= n;
    }
    return nbufs;
}

/* Writes what the socket takes right away.  uv_write alone would re-arm the
 * socket in epoll after every completed write: one epoll_ctl per response, a
 * quarter of the syscalls under keep-alive load.  Returns the buffers left. */
static unsigned write_now(http_conn *c, uv_buf_t *bufs, unsigned nbufs)
{
    int n = uv_try_write((uv_stream_t *)&c->tcp, bufs, nbufs);
    if (n <= 0) return nbufs;  /* EAGAIN, or an error uv_write will report */
    return consume_bufs(bufs, nbufs, (size_t)n);
}

void http_send(http_request *req)
{
    http_conn *c = req->conn;
    if (req->sent || !c) return;
    req->sent = true;
    if (req->status < 100 || req->status > 999) req->status = 500;
    bool with_body = status_has_body(req->status) && strcmp(req->method, "HEAD") != 0;
    bool keep_alive = conn_keeps_alive(c, req);
    if (!keep_alive) c->close_after_write = true;
    /* HEAD still announces the length the body would have had. */
    bool head_len = strcmp(req->method, "HEAD") == 0 && status_has_body(req->status);
    build_response_head(c, req, keep_alive, with_body || head_len);
    uv_buf_t bufs[2] = {uv_buf_init(c->out.data, (unsigned)c->out.len),
                        uv_buf_init(req->resp_body.data, (unsigned)req->resp_body.len)};
    unsigned nbufs = write_now(c, bufs, with_body && req->resp_body.len ? 2 : 1);
    if (nbufs == 0) {
        finish_on_next_turn(c, 0);
        return;
    }
    c->write_req.data = c;
    if (uv_write(&c->write_req, (uv_stream_t *)&c->tcp, bufs, nbufs, on_response_written) != 0) {
        finish_on_next_turn(c, UV_EPIPE);
        return;
    }
    conn_update_reading(c);
}

static const char *error_body(int status)
{
    switch (status) {
    case 413: return "{\"error\":\"payload too large\"}";
    case 431: return "{\"error\":\"request header fields too large\"}";
    default: return "{\"error\":\"bad request\"}";
    }
}

static void on_error_written(uv_write_t *w, int status)
{
    conn_close(w->data);
}

/* Protocol errors end the connection: the byte stream can't be trusted. */
static void conn_send_error(http_conn *c, int status)
{
    const char *body = error_body(status);
    size_t len = strlen(body);
    c->failed = true;
    c->in_flight = true;
    buf_reset(&c->out);
    put_status_line(&c->out, status);
    put_header(&c->out, "Content-Type", "application/json");
    put_common_tail(&c->out, c->server, true, len, true, false);
    buf_append(&c->out, body, len);
    uv_buf_t b = uv_buf_init(c->out.data, (unsigned)c->out.len);
    c->write_req.data = c;
    if (uv_write(&c->write_req, (uv_stream_t *)&c->tcp, &b, 1, on_error_written) != 0) conn_close(c);
}

static void on_continue_written(uv_write_t *w, int status)
{
    (void)status;
    free(w);
}

/* Each interim answer gets its own write request: a pipelining client can
 * have a second request reach Expect before the first 100 has gone out,
 * and libuv forbids reusing a request that is still queued. */
static void conn_send_continue(http_conn *c)
{
    static char line[] = "HTTP/1.1 100 Continue\r\n\r\n";
    c->parser.want_continue = false;
    uv_write_t *w = malloc(sizeof *w);
    if (!w) {
        conn_close(c);
        return;
    }
    uv_buf_t b = uv_buf_init(line, sizeof line - 1);
    if (uv_write(w, (uv_stream_t *)&c->tcp, &b, 1, on_continue_written) != 0) {
        free(w);
        conn_close(c);
    }
}

/* ---- reading ---- */

static void conn_dispatch(http_conn *c)
{
    http_listener *l = c->listener;
    if (l->closed || c->server->shutting_down) {
        conn_close(c);
        return;
    }
    http_request *req = &c->parser.req;
    req->conn = c;
    req->remote_addr = c->remote_addr;
    req->local_port = l->port;
    req->listener = l;
    req->listener_data = l->data;
    c->in_flight = true;
    conn_set_phase(c, PHASE_NONE);
    l->handler(req);
}

/* Parses requests out of data until one is in flight; returns bytes used. */
static size_t conn_parse(http_conn *c, const char *data, size_t len)
{
    size_t off = 0;
    while (off < len && !c->in_flight && !c->closing) {
        size_t used;
        http_feed_result r = http_parser_feed(&c->parser, data + off, len - off, &used);
        off += used;
        if (r == HTTP_FEED_ERROR) {
            conn_send_error(c, c->parser.error_status);
            return len;
        }
        if (r == HTTP_FEED_REQUEST) conn_dispatch(c);
        else if (c->parser.want_continue) conn_send_continue(c);
    }
    return off;
}

static void conn_parse_pending(http_conn *c)
{
    size_t used = conn_parse(c, c->pending.data, c->pending.len);
    if (c->closing || c->failed) return;
    memmove(c->pending.data, c->pending.data + used, c->pending.len - used);
    c->pending.len -= used;
}

static void conn_resume(http_conn *c)
{
    if (c->pending.len) conn_parse_pending(c);
    if (c->closing) return;
    if (c->eof && !c->in_flight) {
        conn_close(c);
        return;
    }
    conn_after_io(c);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *b)
{
    http_conn *c = stream->data;
    if (nread < 0) {
        c->eof = true;
        if (c->in_flight) conn_update_reading(c);
        else conn_close(c);
        return;
    }
    if (nread == 0 || c->failed) return;
    if (c->pending.len == 0 && !c->in_flight) {
        size_t used = conn_parse(c, b->base, (size_t)nread);
        if (used < (size_t)nread && !c->closing && !c->failed)
            buf_append(&c->pending, b->base + used, (size_t)nread - used);
    } else {
        buf_append(&c->pending, b->base, (size_t)nread);
        if (!c->in_flight) conn_parse_pending(c);
    }
    conn_after_io(c);
}

/* ---- listeners ---- */

static void remember_peer(http_conn *c)
{
    struct sockaddr_storage ss;
    int len = sizeof ss;
    c->remote_addr[0] = '\0';
    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) != 0) return;
    if (ss.ss_family == AF_INET6)
        uv_ip6_name((struct sockaddr_in6 *)&ss, c->remote_addr, sizeof c->remote_addr);
    else
        uv_ip4_name((struct sockaddr_in *)&ss, c->remote_addr, sizeof c->remote_addr);
}

static void on_connection(uv_stream_t *server_stream, int status)
{
    http_listener *l = server_stream->data;
    http_server *s = l->server;
    if (status < 0 || l->closed) return;
    http_conn *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->server = s;
    c->listener = l;
    uv_tcp_init(s->loop, &c->tcp);
    uv_timer_init(s->loop, &c->timer);
    c->tcp.data = c->timer.data = c;
    c->open_handles = 2;
    http_parser_init(&c->parser, &s->cfg);
    LIST_LINK(s->conns, c);
    s->n_conns++;
    l->n_conns++;
    if (uv_accept(server_stream, (uv_stream_t *)&c->tcp) != 0) {
        conn_close(c);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    remember_peer(c);
    conn_after_io(c);
}

static int bind_address(const char *host, int port, struct sockaddr_storage *ss)
{
    if (!host || !*host) host = "0.0.0.0";
    if (strchr(host, ':')) return uv_ip6_addr(host, port, (struct sockaddr_in6 *)ss);
    return uv_ip4_addr(host, port, (struct sockaddr_in *)ss);
}

static int bound_port_of(uv_tcp_t *tcp)
{
    struct sockaddr_storage ss;
    int len = sizeof ss;
    if (uv_tcp_getsockname(tcp, (struct sockaddr *)&ss, &len) != 0) return 0;
    if (ss.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void on_listener_closed(uv_handle_t *h)
{
    http_listener *l = h->data;
    l->handle_closed = true;
    listener_release(l);
}

http_listener *http_listen(http_server *s, const char *host, int port, http_handler handler,
                           void *data, int *bound_port, const char **err)
{
    struct sockaddr_storage ss;
    int rc = bind_address(host, port, &ss);
    if (rc != 0) {
        if (err) *err = "invalid listen address";
        return NULL;
    }
    http_listener *l = calloc(1, sizeof *l);
    if (!l) abort();
    l->server = s;
    l->handler = handler;
    l->data = data;
    uv_tcp_init(s->loop, &l->tcp);
    l->tcp.data = l;
    LIST_LINK(s->listeners, l);
    rc = uv_tcp_bind(&l->tcp, (struct sockaddr *)&ss, 0);
    if (rc == 0) rc = uv_listen((uv_stream_t *)&l->tcp, LISTEN_BACKLOG, on_connection);
    if (rc != 0) {
        if (err) *err = uv_strerror(rc);
        l->closed = true;
        uv_close((uv_handle_t *)&l->tcp, on_listener_closed);
        return NULL;
    }
    l->port = bound_port_of(&l->tcp);
    if (bound_port) *bound_port = l->port;
    return l;
}

void http_listener_close(http_listener *l)
{
    if (l->closed) return;
    l->closed = true;
    uv_close((uv_handle_t *)&l->tcp, on_listener_closed);
    for (http_conn *c = l->server->conns; c; c = c->next)
        if (c->listener == l) conn_close_when_idle(c);
}

void http_server_shutdown(http_server *s, void (*done)(void *), void *data)
{
    s->shutting_down = true;
    s->done = done;
    s->done_data = data;
    for (http_listener *l = s->listeners; l; l = l->next) http_listener_close(l);
    for (http_conn *c = s->conns; c; c = c->next) conn_close_when_idle(c);
    server_maybe_done(s);
}
