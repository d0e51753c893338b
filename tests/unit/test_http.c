/* HTTP layer: request assembly over llhttp (driven without sockets), the
 * request/response helpers, and a real server on 127.0.0.1 exercised with
 * raw bytes from blocking client sockets while its loop runs on a thread. */
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "http/conn_internal.h"
#include "http/http.h"

/* ---- request assembly ---- */

static http_server_config small_limits(void)
{
    http_server_config cfg = {.max_body_bytes = 1024, .max_header_bytes = 2048};
    http_config_defaults(&cfg);
    return cfg;
}

static http_feed_result feed_str(req_parser *p, const char *s, size_t *used)
{
    return http_parser_feed(p, s, strlen(s), used);
}

static void parses_fields(void **state)
{
    http_server_config cfg = small_limits();
    req_parser p;
    http_parser_init(&p, &cfg);
    const char *raw = "POST /v1/x?y=1&z=a%20b HTTP/1.1\r\nHost: h\r\nX-Pad:   spaced value \t\r\n"
                      "X-Empty:\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc";
    size_t used;
    assert_int_equal(feed_str(&p, raw, &used), HTTP_FEED_REQUEST);
    assert_int_equal(used, strlen(raw));
    http_request *r = &p.req;
    assert_string_equal(r->method, "POST");
    assert_string_equal(r->target, "/v1/x?y=1&z=a%20b");
    assert_string_equal(r->path, "/v1/x");
    assert_string_equal(r->query, "y=1&z=a%20b");
    assert_int_equal(r->n_headers, 5);
    assert_string_equal(http_header_get(r, "x-pad"), "spaced value");
    assert_string_equal(http_header_get(r, "X-EMPTY"), "");
    assert_null(http_header_get(r, "missing"));
    assert_int_equal(r->body_len, 3);
    assert_string_equal(r->body, "abc");
    assert_true(p.keep_alive);
    assert_false(p.want_continue);     /* the body already arrived */
    assert_string_equal(http_query_get(r, "z"), "a b");
    assert_null(http_query_get(r, "q"));
    http_parser_next(&p);
    assert_int_equal(feed_str(&p, "GET / HTTP/1.0\r\n\r\n", &used), HTTP_FEED_REQUEST);
    assert_string_equal(p.req.query, "");
    assert_int_equal(p.req.body_len, 0);
    assert_false(p.keep_alive);
    http_parser_destroy(&p);
}

static void header_names_compare_without_case(void **state)
{
    assert_true(http_name_eq("Content-Type", "content-type"));
    assert_true(http_name_eq("ETAG", "ETag"));
    assert_true(http_name_eq("", ""));
    assert_false(http_name_eq("Content-Type", "Content-Typf"));
    assert_false(http_name_eq("Date", "Dates"));
    assert_false(http_name_eq("X", ""));
    /* '@' and '`' differ only in the bit that is case for letters */
    assert_false(http_name_eq("@a", "`a"));
    assert_false(http_name_eq("1", "\x11"));
}

static void byte_at_a_time_and_pipelining(void **state)
{
    http_server_config cfg = small_limits();
    req_parser p;
    http_parser_init(&p, &cfg);
    const char *raw = "PUT /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "5\r\nhello\r\n1\r\n!\r\n0\r\n\r\nGET /b HTTP/1.1\r\n\r\n";
    size_t len = strlen(raw), off = 0, used;
    http_feed_result r = HTTP_FEED_MORE;
    while (r == HTTP_FEED_MORE) {
        r = http_parser_feed(&p, raw + off, 1, &used);
        off += used;
    }
    assert_int_equal(r, HTTP_FEED_REQUEST);
    assert_string_equal(p.req.body, "hello!");
    assert_string_equal(p.req.method, "PUT");
    http_parser_next(&p);
    assert_int_equal(http_parser_feed(&p, raw + off, len - off, &used), HTTP_FEED_REQUEST);
    assert_string_equal(p.req.path, "/b");
    assert_int_equal(off + used, len);
    http_parser_destroy(&p);
}

static void pipelined_requests_wait(void **state)
{
    http_server_config cfg = small_limits();
    req_parser p;
    http_parser_init(&p, &cfg);
    const char *raw = "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n";
    size_t used;
    assert_int_equal(feed_str(&p, raw, &used), HTTP_FEED_REQUEST);
    assert_int_equal(used, strlen(raw) / 2);
    assert_string_equal(p.req.path, "/1");
    http_parser_next(&p);
    assert_int_equal(feed_str(&p, raw + used, &used), HTTP_FEED_REQUEST);
    assert_string_equal(p.req.path, "/2");
    http_parser_destroy(&p);
}

static int feed_error(const char *raw)
{
    http_server_config cfg = small_limits();
    req_parser p;
    size_t used;
    http_parser_init(&p, &cfg);
    http_feed_result r = feed_str(&p, raw, &used);
    int status = r == HTTP_FEED_ERROR ? p.error_status : 0;
    http_parser_destroy(&p);
    return status;
}

static void framing_errors(void **state)
{
    assert_int_equal(feed_error("GARBAGE\r\n\r\n"), 400);
    assert_int_equal(feed_error("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"), 400);
    assert_int_equal(feed_error("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "0\r\n\r\n"), 400);
    assert_int_equal(feed_error("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, identity\r\n\r\n"), 400);
    assert_int_equal(feed_error("GET / HTTP/1.1\r\nBad Header: x\r\n\r\n"), 400);
    assert_int_equal(feed_error("POST / HTTP/1.1\r\nTransfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\n"
                                "0\r\n\r\n"), 400);
    assert_int_equal(feed_error("GET / HTTP/1.1\r\nA: x\nB: y\r\n\r\n"), 400);
    assert_int_equal(feed_error("POST / HTTP/1.1\r\nContent-Length: 2000\r\n\r\n"), 413);
    assert_int_equal(feed_error("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "800\r\n"), 0);
    char big[4096];
    snprintf(big, sizeof big, "GET / HTTP/1.1\r\nX-Big: %03000d\r\n\r\n", 0);
    assert_int_equal(feed_error(big), 431);
}

static void chunked_over_limit(void **state)
{
    http_server_config cfg = small_limits();
    req_parser p;
    size_t used;
    http_parser_init(&p, &cfg);
    assert_int_equal(feed_str(&p, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", &used),
                     HTTP_FEED_MORE);
    char chunk[700];
    memset(chunk, 'x', sizeof chunk);
    const char *size_line = "2bc\r\n";
    assert_int_equal(feed_str(&p, size_line, &used), HTTP_FEED_MORE);
    assert_int_equal(http_parser_feed(&p, chunk, sizeof chunk, &used), HTTP_FEED_MORE);
    assert_int_equal(feed_str(&p, "\r\n2bc\r\n", &used), HTTP_FEED_MORE);
    assert_int_equal(http_parser_feed(&p, chunk, sizeof chunk, &used), HTTP_FEED_ERROR);
    assert_int_equal(p.error_status, 413);
    http_parser_destroy(&p);
}

static void expect_continue_flag(void **state)
{
    http_server_config cfg = small_limits();
    req_parser p;
    size_t used;
    http_parser_init(&p, &cfg);
    assert_int_equal(feed_str(&p, "POST / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\n", &used),
                     HTTP_FEED_MORE);
    assert_true(p.want_continue);
    assert_true(p.head_complete);
    http_parser_destroy(&p);
}

/* Trailer fields of a chunked body are not request headers. */
static void trailers_stay_out_of_headers(void **state)
{
    http_server_config cfg = small_limits();
    req_parser p;
    size_t used;
    http_parser_init(&p, &cfg);
    const char *raw = "POST /t HTTP/1.1\r\nTransfer-Encoding: chunked\r\nX-Head: 1\r\n\r\n"
                      "2\r\nhi\r\n0\r\nAuthorization: Bearer stolen\r\nX-Head: 2\r\n\r\n";
    assert_int_equal(feed_str(&p, raw, &used), HTTP_FEED_REQUEST);
    assert_int_equal(used, strlen(raw));
    assert_string_equal(p.req.body, "hi");
    assert_null(http_header_get(&p.req, "Authorization"));
    assert_string_equal(http_header_get(&p.req, "X-Head"), "1");
    assert_int_equal(p.req.n_headers, 2);
    http_parser_destroy(&p);
}

/* A head announcing a large body reserves a bounded buffer, not the whole
 * announced length: a client that never sends the body costs little. */
static void announced_length_reserves_little(void **state)
{
    http_server_config cfg = {.max_body_bytes = 64u << 20};
    http_config_defaults(&cfg);
    req_parser p;
    size_t used;
    http_parser_init(&p, &cfg);
    assert_int_equal(feed_str(&p, "PUT /u HTTP/1.1\r\nContent-Length: 60000000\r\n\r\nabc", &used), HTTP_FEED_MORE);
    assert_true(p.body.cap <= (2u << 20));
    assert_int_equal(p.body.len, 3);
    http_parser_destroy(&p);
}

/* ---- helpers ---- */

static void request_helpers(void **state)
{
    http_server_config cfg = small_limits();
    req_parser p;
    size_t used;
    http_parser_init(&p, &cfg);
    const char *raw = "GET /x?a=1&b=x+y&a=2&c&enc%20key=v%26 HTTP/1.1\r\n"
                      "Cookie: sid=abc; theme=\"dark\"\r\nCookie: other=1\r\n"
                      "Content-Type: Application/JSON ; charset=utf-8\r\n\r\n";
    assert_int_equal(feed_str(&p, raw, &used), HTTP_FEED_REQUEST);
    http_request *r = &p.req;
    assert_string_equal(http_query_get(r, "a"), "1");
    assert_string_equal(http_query_get(r, "b"), "x y");
    assert_string_equal(http_query_get(r, "c"), "");
    assert_string_equal(http_query_get(r, "enc key"), "v&");
    assert_string_equal(http_cookie_get(r, "sid"), "abc");
    assert_string_equal(http_cookie_get(r, "theme"), "dark");
    assert_string_equal(http_cookie_get(r, "other"), "1");
    assert_null(http_cookie_get(r, "si"));
    assert_string_equal(http_content_type(r), "application/json");
    http_add_header(r, "X-A", "1");
    http_add_header(r, "x-a", "2");
    http_add_header(r, "X-Split", "a\r\nInjected: yes");
    http_set_header(r, "X-A", "3");
    assert_int_equal(r->n_resp_headers, 2);
    assert_string_equal(r->resp_headers[0].value, "a  Injected: yes");
    assert_string_equal(r->resp_headers[1].value, "3");
    http_set_status(r, 201);
    assert_int_equal(r->status, 201);
    http_parser_next(&p);
    assert_int_equal(p.req.status, 200);
    assert_int_equal(p.req.n_resp_headers, 0);
    assert_int_equal(feed_str(&p, "GET / HTTP/1.1\r\n\r\n", &used), HTTP_FEED_REQUEST);
    assert_string_equal(http_content_type(&p.req), "");
    http_parser_destroy(&p);
    assert_string_equal(http_status_text(404), "Not Found");
    assert_string_equal(http_status_text(431), "Request Header Fields Too Large");
    assert_string_equal(http_status_text(799), "Unknown");
}

/* ---- live server ---- */

typedef enum { CMD_NONE, CMD_CLOSE_SECOND, CMD_SHUTDOWN } command;

static uv_loop_t loop;
static uv_async_t wake;
static http_server *server;
static http_listener *second;
static int port, second_port;
static pthread_t loop_thread;
static sem_t command_done;
static _Atomic command pending_command;
static atomic_int responses_logged;
static int listener_tag;

static void on_logged(const http_request *req, uint64_t duration_us, void *data)
{
    atomic_fetch_add(&responses_logged, 1);
}

static void echo(http_request *req)
{
    char *text = arena_printf(req->arena, "%s %s %.*s", req->method, req->path, (int)req->body_len, req->body);
    http_send_body(req, 200, "text/plain", text, strlen(text));
}

/* Larger than any socket buffer: the first write can only be partial. */
#define BIG_BODY_BYTES (8u << 20)

static char big_byte(size_t i)
{
    return (char)('a' + i % 23);
}

static void send_big(http_request *req)
{
    char *body = arena_alloc(req->arena, BIG_BODY_BYTES);
    for (size_t i = 0; i < BIG_BODY_BYTES; i++) body[i] = big_byte(i);
    http_send_body(req, 200, "text/plain", body, BIG_BODY_BYTES);
}

static void on_async_timer(uv_timer_t *t)
{
    http_request *req = t->data;
    http_send_body(req, 200, "text/plain", "async", 5);
    uv_close((uv_handle_t *)t, (uv_close_cb)free);
}

static void handler(http_request *req)
{
    if (strcmp(req->path, "/async") == 0) {
        uv_timer_t *t = malloc(sizeof *t);
        uv_timer_init(&loop, t);
        t->data = req;
        uv_timer_start(t, on_async_timer, 100, 0);
    } else if (strcmp(req->path, "/fields") == 0) {
        char *text = arena_printf(req->arena, "%s|%d|%d|%s", req->remote_addr, req->local_port,
                                  req->listener_data == &listener_tag, req->query);
        http_send_body(req, 200, NULL, text, strlen(text));
    } else if (strcmp(req->path, "/big") == 0) {
        send_big(req);
    } else if (strcmp(req->path, "/not-modified") == 0) {
        http_add_header(req, "ETag", "\"v1\"");
        http_send_body(req, 304, "text/plain", "never sent", 10);
    } else if (strcmp(req->path, "/empty") == 0) {
        http_set_status(req, 204);
        http_send(req);
    } else {
        echo(req);
    }
}

static void on_shutdown_done(void *data)
{
    uv_close((uv_handle_t *)&wake, NULL);
}

static void on_wake(uv_async_t *a)
{
    command c = atomic_exchange(&pending_command, CMD_NONE);
    if (c == CMD_CLOSE_SECOND) http_listener_close(second);
    if (c == CMD_SHUTDOWN) http_server_shutdown(server, on_shutdown_done, NULL);
    sem_post(&command_done);
}

static void run_command(command c)
{
    atomic_store(&pending_command, c);
    uv_async_send(&wake);
    sem_wait(&command_done);
}

static void *loop_main(void *arg)
{
    uv_run(&loop, UV_RUN_DEFAULT);
    return NULL;
}

static int server_setup(void **state)
{
    http_server_config cfg = {.max_body_bytes = 1024, .max_header_bytes = 2048, .header_timeout_ms = 300};
    const char *err = NULL;
    uv_loop_init(&loop);
    sem_init(&command_done, 0, 0);
    server = http_server_new(&loop, &cfg);
    http_server_on_response(server, on_logged, NULL);
    if (!http_listen(server, "127.0.0.1", 0, handler, &listener_tag, &port, &err)) return -1;
    second = http_listen(server, "127.0.0.1", 0, handler, NULL, &second_port, &err);
    if (!second) return -1;
    uv_async_init(&loop, &wake, on_wake);
    return pthread_create(&loop_thread, NULL, loop_main, NULL);
}

static int server_teardown(void **state)
{
    run_command(CMD_SHUTDOWN);
    pthread_join(loop_thread, NULL);
    int rc = uv_loop_close(&loop);
    http_server_free(server);
    sem_destroy(&command_done);
    return rc;
}

typedef struct client {
    int fd;
    char data[65536];
    size_t len;
} client;

static int connect_to(int to_port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)to_port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {.tv_sec = 3};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static client *client_open(int to_port)
{
    client *c = calloc(1, sizeof *c);
    c->fd = connect_to(to_port);
    assert_true(c->fd >= 0);
    return c;
}

static void client_close(client *c)
{
    close(c->fd);
    free(c);
}

static void send_str(client *c, const char *s)
{
    assert_int_equal(send(c->fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

static bool fill(client *c)
{
    ssize_t n = recv(c->fd, c->data + c->len, sizeof c->data - c->len - 1, 0);
    if (n <= 0) return false;
    c->len += (size_t)n;
    c->data[c->len] = '\0';
    return true;
}

static size_t content_length_of(const char *head)
{
    const char *cl = strcasestr(head, "\r\nContent-Length:");
    return cl ? strtoul(cl + 17, NULL, 10) : 0;
}

/* One response (head and body) into out; HEAD answers pass with_body false. */
static void read_response(client *c, char *out, size_t out_size, bool with_body)
{
    char *end;
    while (!(end = strstr(c->data, "\r\n\r\n"))) assert_true(fill(c));
    size_t head_len = (size_t)(end + 4 - c->data);
    c->data[head_len - 1] = '\0';
    size_t body_len = with_body ? content_length_of(c->data) : 0;
    c->data[head_len - 1] = '\n';
    while (c->len < head_len + body_len) assert_true(fill(c));
    size_t total = head_len + body_len;
    assert_true(total < out_size);
    memcpy(out, c->data, total);
    out[total] = '\0';
    memmove(c->data, c->data + total, c->len - total + 1);
    c->len -= total;
}

static bool closed_by_server(client *c)
{
    char tmp[256];
    ssize_t n;
    while ((n = recv(c->fd, tmp, sizeof tmp, 0)) > 0) {}
    return n == 0 || (n < 0 && errno == ECONNRESET);
}

static const char *body_of(const char *response)
{
    return strstr(response, "\r\n\r\n") + 4;
}

static void keep_alive_two_requests(void **state)
{
    client *c = client_open(port);
    char resp[4096];
    int logged = atomic_load(&responses_logged);
    send_str(c, "GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
    read_response(c, resp, sizeof resp, true);
    assert_non_null(strstr(resp, "HTTP/1.1 200 OK\r\n"));
    assert_non_null(strstr(resp, "Connection: keep-alive\r\n"));
    assert_non_null(strstr(resp, "Content-Type: text/plain\r\n"));
    assert_non_null(strstr(resp, "\r\nDate: "));
    assert_string_equal(body_of(resp), "GET /one ");
    send_str(c, "POST /two HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody");
    read_response(c, resp, sizeof resp, true);
    assert_string_equal(body_of(resp), "POST /two body");
    /* the log runs once the write completed, which may trail the client's read */
    for (int i = 0; i < 100 && atomic_load(&responses_logged) < logged + 2; i++) usleep(10 * 1000);
    assert_int_equal(atomic_load(&responses_logged), logged + 2);
    client_close(c);
}

static void request_fields_live(void **state)
{
    client *c = client_open(port);
    char resp[4096], want[128];
    send_str(c, "GET /fields?q=1 HTTP/1.1\r\n\r\n");
    read_response(c, resp, sizeof resp, true);
    snprintf(want, sizeof want, "127.0.0.1|%d|1|q=1", port);
    assert_string_equal(body_of(resp), want);
    assert_non_null(strstr(resp, "Content-Type: application/json\r\n"));
    send_str(c, "GET /empty HTTP/1.1\r\n\r\n");
    read_response(c, resp, sizeof resp, true);
    assert_non_null(strstr(resp, "HTTP/1.1 204 No Content\r\n"));
    assert_null(strstr(resp, "Content-Length"));
    client_close(c);
}

/* A 304 has no body, and a Content-Length on it would claim the length of
 * the 200 it replaces: none is sent, and the connection stays in step. */
static void not_modified_live(void **state)
{
    client *c = client_open(port);
    char resp[4096];
    send_str(c, "GET /not-modified HTTP/1.1\r\n\r\nGET /next HTTP/1.1\r\n\r\n");
    read_response(c, resp, sizeof resp, false);
    assert_non_null(strstr(resp, "HTTP/1.1 304 Not Modified\r\n"));
    assert_non_null(strstr(resp, "ETag: \"v1\"\r\n"));
    assert_null(strstr(resp, "Content-Length"));
    assert_string_equal(body_of(resp), "");
    read_response(c, resp, sizeof resp, true);
    assert_string_equal(body_of(resp), "GET /next ");
    client_close(c);
}

static void pipelined_in_order(void **state)
{
    client *c = client_open(port);
    char resp[4096];
    send_str(c, "GET /async HTTP/1.1\r\n\r\nGET /second HTTP/1.1\r\n\r\nGET /third HTTP/1.1\r\n\r\n");
    read_response(c, resp, sizeof resp, true);
    assert_string_equal(body_of(resp), "async");
    read_response(c, resp, sizeof resp, true);
    assert_string_equal(body_of(resp), "GET /second ");
    read_response(c, resp, sizeof resp, true);
    assert_string_equal(body_of(resp), "GET /third ");
    client_close(c);
}

static void chunked_body_live(void **state)
{
    client *c = client_open(port);
    char resp[4096];
    send_str(c, "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    send_str(c, "6\r\n world\r\n0\r\n\r\n");
    read_response(c, resp, sizeof resp, true);
    assert_string_equal(body_of(resp), "POST /c hello world");
    client_close(c);
}

static void expect_error(const char *raw, const char *status_line, const char *body)
{
    client *c = client_open(port);
    char resp[4096];
    send_str(c, raw);
    read_response(c, resp, sizeof resp, true);
    assert_non_null(strstr(resp, status_line));
    assert_non_null(strstr(resp, "Connection: close\r\n"));
    if (body) assert_string_equal(body_of(resp), body);
    assert_true(closed_by_server(c));
    client_close(c);
}

static void error_answers(void **state)
{
    expect_error("POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n", "HTTP/1.1 413 Payload Too Large\r\n",
                 "{\"error\":\"payload too large\"}");
    expect_error("NOT HTTP AT ALL\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n", NULL);
    expect_error("POST / HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                 "HTTP/1.1 400 ", NULL);
    expect_error("POST / HTTP/1.1\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde", "HTTP/1.1 400 ", NULL);
    char big[4096];
    snprintf(big, sizeof big, "GET / HTTP/1.1\r\nX-Big: %03000d\r\n\r\n", 0);
    expect_error(big, "HTTP/1.1 431 ", NULL);
}

static void header_timeout_closes(void **state)
{
    client *c = client_open(port);
    send_str(c, "GET /slow HTTP/1.1\r\nX-A: 1\r\n");
    usleep(100 * 1000);
    send_str(c, "X-B: 2\r\n");     /* trickling does not extend the deadline */
    assert_true(closed_by_server(c));
    client_close(c);
}

static void head_method(void **state)
{
    client *c = client_open(port);
    char resp[4096];
    send_str(c, "HEAD /h HTTP/1.1\r\n\r\nGET /after HTTP/1.1\r\n\r\n");
    read_response(c, resp, sizeof resp, false);
    assert_non_null(strstr(resp, "Content-Length: 8\r\n"));
    assert_string_equal(body_of(resp), "");
    read_response(c, resp, sizeof resp, true);
    assert_string_equal(body_of(resp), "GET /after ");
    client_close(c);
}

static void expect_continue_live(void **state)
{
    client *c = client_open(port);
    char resp[4096];
    send_str(c, "PUT /up HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
    read_response(c, resp, sizeof resp, false);
    assert_string_equal(resp, "HTTP/1.1 100 Continue\r\n\r\n");
    send_str(c, "abc");
    read_response(c, resp, sizeof resp, true);
    assert_string_equal(body_of(resp), "PUT /up abc");
    /* A second interim answer on the same connection. */
    send_str(c, "PUT /again HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
    read_response(c, resp, sizeof resp, false);
    assert_string_equal(resp, "HTTP/1.1 100 Continue\r\n\r\n");
    send_str(c, "xy");
    read_response(c, resp, sizeof resp, true);
    assert_string_equal(body_of(resp), "PUT /again xy");
    client_close(c);
}

static void http10(void **state)
{
    client *c = client_open(port);
    char resp[4096];
    send_str(c, "GET /k HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    read_response(c, resp, sizeof resp, true);
    assert_non_null(strstr(resp, "Connection: keep-alive\r\n"));
    send_str(c, "GET /k HTTP/1.0\r\n\r\n");
    read_response(c, resp, sizeof resp, true);
    assert_non_null(strstr(resp, "Connection: close\r\n"));
    assert_true(closed_by_server(c));
    client_close(c);
    c = client_open(port);
    send_str(c, "GET /k HTTP/1.1\r\nConnection: close\r\n\r\n");
    read_response(c, resp, sizeof resp, true);
    assert_non_null(strstr(resp, "Connection: close\r\n"));
    assert_true(closed_by_server(c));
    client_close(c);
}

/* The socket takes only part of the answer at once; the rest must follow,
 * in order, and the connection must serve the next request afterwards. */
static void partial_write_completes(void **state)
{
    client *c = client_open(port);
    char resp[4096];
    send_str(c, "GET /big HTTP/1.1\r\n\r\n");
    usleep(50 * 1000);  /* let the server fill the socket buffers first */
    char *end;
    while (!(end = strstr(c->data, "\r\n\r\n"))) assert_true(fill(c));
    size_t head_len = (size_t)(end + 4 - c->data);
    c->data[head_len - 1] = '\0';
    assert_int_equal(content_length_of(c->data), BIG_BODY_BYTES);
    size_t seen = 0;
    size_t have = c->len - head_len;
    const char *p = c->data + head_len;
    for (;;) {
        for (size_t i = 0; i < have && seen < BIG_BODY_BYTES; i++, seen++) assert_int_equal(p[i], big_byte(seen));
        if (seen == BIG_BODY_BYTES) break;
        c->len = 0;
        assert_true(fill(c));
        p = c->data;
        have = c->len;
    }
    c->len = 0;
    c->data[0] = '\0';
    send_str(c, "GET /after HTTP/1.1\r\n\r\n");
    read_response(c, resp, sizeof resp, true);
    assert_string_equal(body_of(resp), "GET /after ");
    client_close(c);
}

static void listener_close(void **state)
{
    client *busy = client_open(second_port);
    client *idle = client_open(second_port);
    char resp[4096];
    send_str(idle, "GET /warm HTTP/1.1\r\n\r\n");
    read_response(idle, resp, sizeof resp, true);
    send_str(busy, "GET /async HTTP/1.1\r\n\r\n");
    usleep(30 * 1000);  /* let the request reach the handler */
    run_command(CMD_CLOSE_SECOND);
    assert_true(closed_by_server(idle));
    read_response(busy, resp, sizeof resp, true);
    assert_string_equal(body_of(resp), "async");
    assert_non_null(strstr(resp, "Connection: close\r\n"));
    assert_true(closed_by_server(busy));
    assert_int_equal(connect_to(second_port), -1);
    client_close(busy);
    client_close(idle);
    /* the other listener is unaffected */
    client *c = client_open(port);
    send_str(c, "GET /still HTTP/1.1\r\n\r\n");
    read_response(c, resp, sizeof resp, true);
    assert_string_equal(body_of(resp), "GET /still ");
    client_close(c);
}

/* ---- repeated query parameters ---- */

/* A bare request carrying only a query string and an arena, which is all the
 * query helpers read. */
static http_request query_request(arena *a, const char *query)
{
    http_request r = {.arena = a, .query = query};
    return r;
}

static void query_all_repeats_in_order(void **state)
{
    arena *a = arena_new(0);
    http_request r = query_request(a, "a=1&b=x&a=2&a=three+3&c=0&a=%E2%9C%93");
    const char **v;
    assert_int_equal(http_query_all(&r, "a", &v), 4);
    assert_string_equal(v[0], "1");
    assert_string_equal(v[1], "2");
    assert_string_equal(v[2], "three 3");
    assert_string_equal(v[3], "\xE2\x9C\x93");
    assert_null(v[4]);
    assert_int_equal(http_query_all(&r, "b", NULL), 1);
    /* http_query_get keeps answering the first value */
    assert_string_equal(http_query_get(&r, "a"), "1");
    arena_free(a);
}

static void query_all_absent_and_empty(void **state)
{
    arena *a = arena_new(0);
    http_request r = query_request(a, "a=&a&a=x&&=orphan&b");
    const char **v;
    assert_int_equal(http_query_all(&r, "a", &v), 3);
    assert_string_equal(v[0], "");
    assert_string_equal(v[1], "");     /* bare key */
    assert_string_equal(v[2], "x");
    assert_int_equal(http_query_all(&r, "", &v), 1);     /* "=orphan" has an empty key */
    assert_string_equal(v[0], "orphan");
    assert_int_equal(http_query_all(&r, "missing", &v), 0);
    assert_non_null(v);
    assert_null(v[0]);
    r.query = NULL;
    assert_int_equal(http_query_all(&r, "a", &v), 0);
    assert_null(v[0]);
    r.query = "";
    assert_int_equal(http_query_all(&r, "a", NULL), 0);
    arena_free(a);
}

static void query_all_decodes_keys_and_values(void **state)
{
    arena *a = arena_new(0);
    /* encoded keys match their decoded name; "a[]" stays its own key, as
     * Stripe-style clients use it, and never matches plain "a" */
    http_request r = query_request(a, "my%20key=1&my+key=2&a%5B%5D=x&a[]=y&a=z&k=%26%3D%2B");
    const char **v;
    assert_int_equal(http_query_all(&r, "my key", &v), 2);
    assert_string_equal(v[1], "2");
    assert_int_equal(http_query_all(&r, "a[]", &v), 2);
    assert_string_equal(v[0], "x");
    assert_string_equal(v[1], "y");
    assert_int_equal(http_query_all(&r, "a", &v), 1);
    assert_string_equal(v[0], "z");
    assert_int_equal(http_query_all(&r, "k", &v), 1);
    assert_string_equal(v[0], "&=+");
    arena_free(a);
}

/* "%00" is data: the span getter keeps every byte after it; the C-string
 * getters hand the value back as sent rather than cut short. */
static void query_nul_values(void **state)
{
    arena *a = arena_new(0);
    http_request r = query_request(a, "id=abc%00xyz&id=plain&q=a+b%00&e=&n=%00&k%00=v&ok=a%20b");
    byte_span v;
    assert_true(http_query_span(&r, "id", &v));
    assert_int_equal(v.n, 7);
    assert_memory_equal(v.p, "abc\0xyz", 8);      /* NUL-terminated too */
    assert_string_equal(http_query_get(&r, "id"), "abc%00xyz");
    assert_true(http_query_span(&r, "q", &v));
    assert_int_equal(v.n, 4);
    assert_memory_equal(v.p, "a b\0", 4);
    assert_string_equal(http_query_get(&r, "q"), "a+b%00");
    assert_true(http_query_span(&r, "n", &v));
    assert_int_equal(v.n, 1);
    assert_string_equal(http_query_get(&r, "n"), "%00");
    assert_true(http_query_span(&r, "e", &v));
    assert_int_equal(v.n, 0);
    assert_true(http_query_span(&r, "ok", &v));
    assert_int_equal(v.n, 3);
    assert_string_equal((const char *)v.p, "a b");
    /* a key with a NUL is its own key: it never answers for "k" */
    assert_null(http_query_get(&r, "k"));
    assert_false(http_query_span(&r, "missing", &v));
    const char **all;
    assert_int_equal(http_query_all(&r, "id", &all), 2);
    assert_string_equal(all[0], "abc%00xyz");
    assert_string_equal(all[1], "plain");
    arena_free(a);
}

static void query_all_keeps_malformed_escapes(void **state)
{
    arena *a = arena_new(0);
    http_request r = query_request(a, "e=%&e=%4&e=%zz1&e=100%25&e=%41%&e=a=b=c");
    const char **v;
    assert_int_equal(http_query_all(&r, "e", &v), 6);
    assert_string_equal(v[0], "%");
    assert_string_equal(v[1], "%4");
    assert_string_equal(v[2], "%zz1");
    assert_string_equal(v[3], "100%");
    assert_string_equal(v[4], "A%");
    assert_string_equal(v[5], "a=b=c");     /* only the first '=' splits */
    arena_free(a);
}

static void query_all_many_repeats(void **state)
{
    arena *a = arena_new(0);
    buf q = {0};
    for (int i = 0; i < 500; i++) buf_printf(&q, "%sid=%d&other=%d", i ? "&" : "", i, i);
    http_request r = query_request(a, q.data);
    const char **v;
    assert_int_equal(http_query_all(&r, "id", &v), 500);
    char want[16];
    for (int i = 0; i < 500; i++) {
        snprintf(want, sizeof want, "%d", i);
        assert_string_equal(v[i], want);
    }
    assert_null(v[500]);
    buf_free(&q);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest offline[] = {
        cmocka_unit_test(parses_fields), cmocka_unit_test(header_names_compare_without_case),         cmocka_unit_test(byte_at_a_time_and_pipelining),
        cmocka_unit_test(pipelined_requests_wait), cmocka_unit_test(framing_errors),
        cmocka_unit_test(chunked_over_limit),    cmocka_unit_test(expect_continue_flag),
        cmocka_unit_test(trailers_stay_out_of_headers), cmocka_unit_test(announced_length_reserves_little),
        cmocka_unit_test(request_helpers),       cmocka_unit_test(query_all_repeats_in_order),
        cmocka_unit_test(query_all_absent_and_empty), cmocka_unit_test(query_all_decodes_keys_and_values),
        cmocka_unit_test(query_all_keeps_malformed_escapes), cmocka_unit_test(query_all_many_repeats),
        cmocka_unit_test(query_nul_values),
    };
    const struct CMUnitTest live[] = {
        cmocka_unit_test(keep_alive_two_requests), cmocka_unit_test(request_fields_live),
        cmocka_unit_test(not_modified_live),
        cmocka_unit_test(pipelined_in_order),      cmocka_unit_test(chunked_body_live),
        cmocka_unit_test(error_answers),           cmocka_unit_test(header_timeout_closes),
        cmocka_unit_test(head_method),             cmocka_unit_test(expect_continue_live),
        cmocka_unit_test(http10),                  cmocka_unit_test(partial_write_completes),
        cmocka_unit_test(listener_close),
    };
    int failed = cmocka_run_group_tests_name("http offline", offline, NULL, NULL);
    return failed + cmocka_run_group_tests_name("http live", live, server_setup, server_teardown);
}
