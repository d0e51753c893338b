#include "control/dashboard.h"

#include <string.h>

#include "control/control.h"
#include "engine/answer.h"
#include "engine/dispatch.h"
#include "runs/runs.h"
#include "util/util.h"

static void html_escaped(buf *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': buf_puts(out, "&lt;"); break;
        case '>': buf_puts(out, "&gt;"); break;
        case '&': buf_puts(out, "&amp;"); break;
        case '"': buf_puts(out, "&quot;"); break;
        default: buf_putc(out, *s);
        }
    }
}

static void twin_row(buf *out, const run *r, const twin_instance *ti)
{
    buf_puts(out, "<tr><td>");
    html_escaped(out, ti->def->label);
    buf_puts(out, "</td><td><a href=\"");
    html_escaped(out, ti->base_url);
    buf_puts(out, "\">");
    html_escaped(out, ti->base_url);
    buf_puts(out, "</a></td><td><a href=\"");
    html_escaped(out, ti->admin_url);
    buf_puts(out, "/admin/state?token=");
    html_escaped(out, r->proxy_token);
    buf_puts(out, "\">state</a> · <a href=\"");
    html_escaped(out, ti->admin_url);
    buf_puts(out, "/admin/requests?token=");
    html_escaped(out, r->proxy_token);
    buf_puts(out, "\">requests</a> · <a href=\"");
    html_escaped(out, ti->admin_url);
    buf_puts(out, "/admin/stub-hits?token=");
    html_escaped(out, r->proxy_token);
    buf_puts(out, "\">stub hits</a></td></tr>\n");
}

void dashboard_page(http_request *req, const char *rest)
{
    char *id = arena_strndup(req->arena, rest, strcspn(rest, "/"));
    run *r = runs_get(id);
    if (!r) {
        control_send_detail(req, 404, "run not found");
        return;
    }
    if (!secret_eq(dispatch_presented_token(req), r->proxy_token) && !control_authorized(req)) {
        control_send_detail(req, 401, "the dashboard needs the run's proxy token (?token=)");
        return;
    }
    buf out = BUF_INIT;
    buf_puts(&out, "<!doctype html><html><head><meta charset=\"utf-8\"><title>twins run ");
    html_escaped(&out, r->id);
    buf_puts(&out, "</title><style>body{font:14px system-ui;margin:2em}td,th{padding:4px 12px;text-align:left}"
                   "</style></head><body><h1>Twin run</h1><p><code>");
    html_escaped(&out, r->id);
    buf_puts(&out, "</code> — status <b>");
    html_escaped(&out, run_status_name(r->status));
    buf_puts(&out, r->locked ? "</b>, locked" : "</b>, public");
    buf_puts(&out, "</p><table><tr><th>twin</th><th>base URL</th><th>admin</th></tr>\n");
    if (!run_is_terminal(r))
        for (size_t i = 0; i < r->n_twins; i++) twin_row(&out, r, &r->twins[i]);
    buf_puts(&out, "</table></body></html>\n");
    answer_buf(req, 200, "text/html; charset=utf-8", &out);
}
