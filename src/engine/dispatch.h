/* Request dispatch for twins: the data plane (a twin's base URL) and the
 * admin endpoints every twin has (its admin URL). */
#ifndef TWINS_DISPATCH_H
#define TWINS_DISPATCH_H

#include "engine/twin.h"
#include "runs/runs.h"

/* Builds one router per twin: stateful routes first, then the stub routes of
 * its API description (a stateful route wins over a stub on the same
 * template).  Call after stub_load_all(). */
void dispatch_init(void);
void dispatch_free(void);

/* Handler for per-twin listeners (listener_data is the twin_instance). */
void dispatch_dataplane(http_request *req);
/* Data-plane request that arrived on the main port by host name. */
void dispatch_instance(http_request *req, twin_instance *ti);
/* Admin request for one twin; sub is the path after ".../admin" ("/state"). Auth already checked. */
void dispatch_admin(http_request *req, run *r, twin_instance *ti, const char *sub);
/* Journal and metrics bookkeeping after any response. */
void dispatch_on_response(const http_request *req, uint64_t duration_us);

size_t dispatch_stateful_count(const twin_def *def);
size_t dispatch_stub_count(const twin_def *def);
/* {"twin","operations":[{method,path,implementation:"stateful"|"stub"}],"stateful","stub"} */
void dispatch_write_coverage(const twin_def *def, jw *w);

/* The proxy token a request presents (?token=, X-Twins-Token, Authorization
 * "Bearer <token>" is NOT used here since apps send service credentials
 * there; cookie twins_token), or NULL. */
const char *dispatch_presented_token(const http_request *req);

#endif
