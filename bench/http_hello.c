/* Benchmark server: http.h answering a fixed 300-byte JSON body.
 * Usage: http_hello PORT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

static char body[301];

static void hello(http_request *req)
{
    http_send_json(req, 200, body, 300);
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 8080;
    memset(body, 'x', 300);
    memcpy(body, "{\"data\":\"", 9);
    memcpy(body + 298, "\"}", 2);
    uv_loop_t *loop = uv_default_loop();
    http_server *s = http_server_new(loop, NULL);
    const char *err = NULL;
    if (!http_listen(s, "127.0.0.1", port, hello, NULL, NULL, &err)) {
        fprintf(stderr, "listen: %s\n", err);
        return 1;
    }
    return uv_run(loop, UV_RUN_DEFAULT);
}
