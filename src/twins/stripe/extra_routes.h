/* Stripe disputes, files, file links and the PaymentIntent 3-D Secure page:
 * handlers and route table entries, expanded into twin.c's table.
 *
 * Disputes live in "disputes" (opened by the createDispute test card, see
 * stripe_dispute_open), files in "files" with their bytes apart in
 * "file_contents" (base64), file links in "file_links" (indexed by file).
 * The 3-D Secure page (/3ds/authenticate/{pi}) and file links' public URLs
 * (/links/{id}) carry the scope "public": they take no API key. */
#ifndef TWINS_STRIPE_EXTRA_ROUTES_H
#define TWINS_STRIPE_EXTRA_ROUTES_H

#include "twins/stripe/stripe.h"

/* disputes.c */
void stripe_list_disputes(twin_ctx *ctx);
void stripe_retrieve_dispute(twin_ctx *ctx);
void stripe_update_dispute(twin_ctx *ctx);
void stripe_close_dispute(twin_ctx *ctx);
/* files.c */
void stripe_create_file(twin_ctx *ctx);
void stripe_list_files(twin_ctx *ctx);
void stripe_retrieve_file(twin_ctx *ctx);
void stripe_file_contents(twin_ctx *ctx);
/* file_links.c */
void stripe_create_file_link(twin_ctx *ctx);
void stripe_list_file_links(twin_ctx *ctx);
void stripe_retrieve_file_link(twin_ctx *ctx);
void stripe_update_file_link(twin_ctx *ctx);
void stripe_page_file_link(twin_ctx *ctx);
/* page_authenticate.c */
void stripe_page_authenticate(twin_ctx *ctx);
void stripe_page_authenticate_answer(twin_ctx *ctx);

/* Shared between files.c and file_links.c. */
#define STRIPE_FILES "files"
#define STRIPE_FILE_CONTENTS "file_contents"
#define STRIPE_FILE_LINKS "file_links"
/* A stored file with its links list filled in; NULL when absent. */
json_value *stripe_file_render(twin_ctx *ctx, json_value *file);
/* A file link (not yet stored) for file_id; NULL after answering an error.
 * in: the parameter object (request body or file_link_data). */
json_value *stripe_file_link_build(twin_ctx *ctx, const json_value *file, const json_value *in, const char *param_prefix);
void stripe_file_link_save(twin_ctx *ctx, const json_value *link);
/* Answers a stored file's bytes with its content type. */
void stripe_file_send_bytes(twin_ctx *ctx, const json_value *file);

#define STRIPE_EXTRA_ROUTES                                                                          \
    /* page_authenticate.c */                                                                        \
    {"GET", "/3ds/authenticate/{id}", stripe_page_authenticate, "public"},                           \
    {"POST", "/3ds/authenticate/{id}", stripe_page_authenticate_answer, "public"},                   \
    /* disputes.c */                                                                                 \
    {"GET", "/v1/disputes", stripe_list_disputes, NULL},                                             \
    {"GET", "/v1/disputes/{id}", stripe_retrieve_dispute, NULL},                                     \
    {"POST", "/v1/disputes/{id}", stripe_update_dispute, NULL},                                      \
    {"POST", "/v1/disputes/{id}/close", stripe_close_dispute, NULL},                                 \
    /* files.c */                                                                                    \
    {"POST", "/v1/files", stripe_create_file, NULL},                                                 \
    {"GET", "/v1/files", stripe_list_files, NULL},                                                   \
    {"GET", "/v1/files/{id}", stripe_retrieve_file, NULL},                                           \
    {"GET", "/v1/files/{id}/contents", stripe_file_contents, NULL},                                  \
    /* file_links.c */                                                                               \
    {"POST", "/v1/file_links", stripe_create_file_link, NULL},                                       \
    {"GET", "/v1/file_links", stripe_list_file_links, NULL},                                         \
    {"GET", "/v1/file_links/{id}", stripe_retrieve_file_link, NULL},                                 \
    {"POST", "/v1/file_links/{id}", stripe_update_file_link, NULL},                                  \
    {"GET", "/links/{id}", stripe_page_file_link, "public"},

#endif
