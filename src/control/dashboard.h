/* The run dashboard page (dashboard_url): what a person sees of a run. */
#ifndef TWINS_DASHBOARD_H
#define TWINS_DASHBOARD_H

#include "http/http.h"

/* rest is "<run_id>/dashboard". */
void dashboard_page(http_request *req, const char *rest);

#endif
