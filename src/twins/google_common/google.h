/* What Google's REST APIs share, for the Google twins (Drive, Calendar).
 *
 * Not a twin (no twin_def, no line in twins.def): a small library the Google
 * twins link against, so the conventions every googleapis.com service
 * follows are written once.  It lives beside the twins rather than in the
 * engine because these shapes are Google's, not the engine's:
 *   - the error envelope {"error":{"code","message","errors":[...],"status"}}
 *     and the auth answers built on it (401 required / authError, 403
 *     insufficientPermissions with its ErrorInfo detail);
 *   - OAuth bearer tokens (Authorization: Bearer|OAuth, or ?access_token=);
 *   - page sizes (strict int32 digits in the method's range) and opaque
 *     page tokens;
 *   - the `fields` partial-response mask ("kind,items(id,summary)",
 *     "a/b", "*"). */
#ifndef TWINS_GOOGLE_COMMON_H
#define TWINS_GOOGLE_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/twin.h"

#define GOOGLE_SCOPE_PREFIX "https://www.googleapis.com/auth/"

/* How one Google API renders what this library answers for it. */
typedef struct google_api {
    const char *service;        /* "drive.googleapis.com": the ErrorInfo metadata */
    const char *scope;          /* full scope named in a 403's WWW-Authenticate */
    bool status_names;          /* every error carries "status" ("NOT_FOUND"), not only auth ones */
    bool page_size_clamps;      /* page sizes above the ceiling are clamped, not refused (google_page_size) */
} google_api;

typedef struct google_error {
    int code;                   /* HTTP status */
    const char *domain;         /* NULL = "global" */
    const char *reason;         /* "notFound", "invalid", ... */
    const char *message;
    const char *item_message;   /* errors[0].message; NULL = message */
    const char *location;       /* "pageToken" (optional) */
    const char *location_type;  /* "parameter", "header" (optional) */
    const char *status;         /* "NOT_FOUND"; NULL = google_status_name(code) when api->status_names */
} google_error;

/* The canonical gRPC status name of an HTTP status; NULL when Google sends none. */
const char *google_status_name(int code);
json_value *google_error_body(arena *a, const google_api *api, const google_error *e);
void google_reply_error(twin_ctx *ctx, const google_api *api, const google_error *e);

/* ---- OAuth bearer tokens ---- */
/* The request's OAuth token (Authorization: Bearer|OAuth, ?access_token=);
 * NULL after a 401 "required" when there is none, including an
 * Authorization header of another scheme or an empty token. */
const char *google_bearer_token(twin_ctx *ctx, const google_api *api);
/* Printable ASCII without spaces, as every Google access token is. */
bool google_token_well_formed(const char *token);
/* 401 "required" (no credentials) and 401 "authError" (unusable ones). */
void google_reply_login_required(twin_ctx *ctx, const google_api *api);
void google_reply_invalid_credentials(twin_ctx *ctx, const google_api *api);
/* 403 insufficientPermissions with the ACCESS_TOKEN_SCOPE_INSUFFICIENT detail. */
void google_reply_insufficient_scopes(twin_ctx *ctx, const google_api *api);

/* ---- paging ---- */
/* Query `param` (pageSize, maxResults): absent -> dflt.  Anything but
 * plain digits in [1, max] (in [1, INT32_MAX] when api->page_size_clamps,
 * then clamped to max) -> false after a 400 invalid naming the range. */
bool google_page_size(twin_ctx *ctx, const google_api *api, const char *param, int64_t dflt, int64_t max,
                      int64_t *out);
/* Opaque tokens carrying a kind letter and a number (an offset, a change
 * sequence): "C" + base64url("<kind>:<n>:twins"). */
const char *google_token(arena *a, char kind, int64_t n);
/* False when tok is not a token of that kind (the caller answers 400). */
bool google_token_parse(arena *a, const char *tok, char kind, int64_t *out);
/* The query's `pageToken` as an offset: 0 when absent; false after a 400
 * invalid pageToken when it is not one of ours. */
bool google_page_offset(twin_ctx *ctx, const google_api *api, int64_t *out);
/* The items [start, end) of a list of n that the page at offset (of size
 * items) shows; `more` when items follow it (the next page starts at end).
 * Exact for any offset a hand-made token may carry: nothing overflows. */
typedef struct google_page {
    size_t start, end;
    bool more;
} google_page;
google_page google_page_window(int64_t offset, int64_t size, size_t n);

/* ---- partial responses ---- */
/* v cut down to a `fields` mask (NULL or "" = v itself). */
json_value *google_apply_fields(arena *a, const json_value *v, const char *mask);
/* Whether the mask that google_reply_fields will apply (the request's
 * `fields`, else dflt) may keep a member called name.  Conservative (a
 * plain text search): true means "maybe", false means "surely cut", so a
 * renderer can skip lookups for members nobody will read. */
bool google_fields_may_keep(twin_ctx *ctx, const char *dflt, const char *name);
/* Answers 200 with body cut down to the request's `fields` (or dflt when
 * the request names none; NULL dflt = the whole body). */
void google_reply_fields(twin_ctx *ctx, const json_value *body, const char *dflt);

#endif
