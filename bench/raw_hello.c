/* Baseline: the least libuv + llhttp needed to answer the same 300 bytes.
 * Usage: raw_hello PORT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <llhttp.h>
#include <uv.h>

typedef struct { uv_tcp_t tcp; llhttp_t parser; } conn;

static char response[512];
static size_t response_len;
static char read_buf[65536];

static void on_written(uv_write_t *w, int status) { free(w); }

static int on_message_complete(llhttp_t *p)
{
    uv_write_t *w = malloc(sizeof *w);
    uv_buf_t b = uv_buf_init(response, (unsigned)response_len);
    uv_write(w, (uv_stream_t *)p->data, &b, 1, on_written);
    return 0;
}

static llhttp_settings_t settings = {.on_message_complete = on_message_complete};

static void on_alloc(uv_handle_t *h, size_t n, uv_buf_t *b) { *b = uv_buf_init(read_buf, sizeof read_buf); }
static void on_closed(uv_handle_t *h) { free(h); }

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    conn *c = (conn *)s;
    if (n < 0 || (n > 0 && llhttp_execute(&c->parser, b->base, (size_t)n) != HPE_OK))
        uv_close((uv_handle_t *)s, on_closed);
}

static void on_connection(uv_stream_t *server, int status)
{
    conn *c = malloc(sizeof *c);
    uv_tcp_init(server->loop, &c->tcp);
    llhttp_init(&c->parser, HTTP_REQUEST, &settings);
    c->parser.data = c;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) == 0) uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
    else uv_close((uv_handle_t *)&c->tcp, on_closed);
}

int main(int argc, char **argv)
{
    char body[301];
    memset(body, 'x', 300);
    memcpy(body, "{\"data\":\"", 9);
    memcpy(body + 298, "\"}", 2);
    body[300] = 0;
    response_len = (size_t)snprintf(response, sizeof response,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 300\r\n"
        "Connection: keep-alive\r\n\r\n%s", body);
    uv_tcp_t server;
    struct sockaddr_in addr;
    uv_ip4_addr("127.0.0.1", argc > 1 ? atoi(argv[1]) : 8081, &addr);
    uv_tcp_init(uv_default_loop(), &server);
    uv_tcp_bind(&server, (struct sockaddr *)&addr, 0);
    if (uv_listen((uv_stream_t *)&server, 511, on_connection) != 0) return 1;
    return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
