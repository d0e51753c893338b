/* Answers shared by the control plane and the admin endpoints. */
#ifndef TWINS_ANSWER_H
#define TWINS_ANSWER_H

#include "http/http.h"

/* Sends body (taken over; *body is left empty) with status and content type. */
void answer_buf(http_request *req, int status, const char *content_type, buf *body);
/* {"detail": "..."}: the error shape of the control plane and admin URLs. */
void answer_detail(http_request *req, int status, const char *detail);

#endif
