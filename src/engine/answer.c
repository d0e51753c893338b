#include "engine/answer.h"

#include "json/json.h"

void answer_buf(http_request *req, int status, const char *content_type, buf *body)
{
    buf_free(&req->resp_body);
    req->resp_body = *body;
    *body = (buf)BUF_INIT;
    http_set_status(req, status);
    if (content_type) http_set_header(req, "Content-Type", content_type);
    http_send(req);
}

void answer_detail(http_request *req, int status, const char *detail)
{
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    jw_object_begin(&w);
    jw_kv_string(&w, "detail", detail);
    jw_object_end(&w);
    answer_buf(req, status, "application/json", &out);
}
