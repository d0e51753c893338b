/* Notion twin: shared declarations.
 *
 * State lives in the store, one collection per resource (documents hold the
 * objects close to how the API renders them; version-dependent parts are
 * rendered on the way out):
 *   users         uuid -> {id,name,email,type:"person"|"bot",avatar_url}
 *   pages         uuid -> page (parent kept in the data-source model)   index parent
 *   blocks        uuid -> block                                           index parent
 *   databases     uuid -> database container {title, data_sources[], ...}
 *   data_sources  uuid -> {database_id, title, properties (the schema)}   index database
 *   file_uploads  uuid -> file upload object
 *   _settings     "workspace" -> {workspace_plan}
 *   meta          "workspace" -> {bot_id, owner_id}
 * Every object carries "_edit" (a per-run edit sequence) so that ordering by
 * last_edited_time is total inside one second.
 *
 * Notion-Version: 2025-09-03 and later use the data-source model; older
 * versions (2022-06-28) see databases with properties and database_id
 * parents. */
#ifndef TWINS_NOTION_H
#define TWINS_NOTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/twin.h"

typedef struct nt_req {
    const char *version;
    bool new_api;               /* data-source model */
    int user_level;             /* 0 none, 1 without email, 2 with email */
} nt_req;

/* ---- auth and errors (auth.c) ---- */
bool nt_authenticate(twin_ctx *ctx, const twin_route *route);
void nt_send_error(twin_ctx *ctx, int status, const char *code, const char *message);
void nt_error(twin_ctx *ctx, int status, const char *code, const char *message);
void nt_invalid(twin_ctx *ctx, const char *message);            /* 400 validation_error */
void nt_not_found(twin_ctx *ctx, const char *kind, const char *id);
bool nt_new_api(twin_ctx *ctx);
int nt_user_level(twin_ctx *ctx);

/* ---- helpers (common.c) ---- */
char *nt_uuid(twin_ctx *ctx);
/* Accepts dashed or undashed UUIDs; returns the dashed lower-case form or NULL. */
char *nt_norm_id(arena *a, const char *raw);
/* Route parameter as a UUID; answers validation_error and returns NULL otherwise. */
const char *nt_param_id(twin_ctx *ctx, const char *param, const char *label);
/* A body member (path names it) as a UUID; answers validation_error and returns NULL otherwise. */
const char *nt_body_id(twin_ctx *ctx, const char *raw, const char *path);
const char *nt_now_iso(twin_ctx *ctx);
void nt_stamp(twin_ctx *ctx, json_value *obj, bool created);  /* times, editors, _edit */
json_value *nt_partial_user(twin_ctx *ctx, const char *id);
const char *nt_bot_id(twin_ctx *ctx);
void nt_ensure_workspace(twin_ctx *ctx);
/* Length as Notion counts it (UTF-16 code units, like a JavaScript string). */
size_t nt_text_length(const char *s);
json_value *nt_text(arena *a, const char *content);              /* [rich text item] */
/* Normalises input rich text (adds plain_text, annotations, href); NULL + *err on bad input. */
json_value *nt_rich_text(twin_ctx *ctx, const json_value *in, const char *path, const char **err);
const char *nt_plain(arena *a, const json_value *rich);
/* Answers {"object":"list",results,next_cursor,has_more,type,<type>:{}} paging items (an array). */
void nt_send_list(twin_ctx *ctx, json_value *items, const char *type);
/* Like nt_send_list over stored documents: pages by their ids, then renders
 * only the page's documents (render gets data, e.g. documents the caller
 * already loaded that the rendering would otherwise read one by one). */
typedef json_value *(*nt_render)(twin_ctx *ctx, const json_value *doc, void *data);
void nt_send_docs(twin_ctx *ctx, json_value *items, const char *type, nt_render render, void *data);
bool nt_page_args(twin_ctx *ctx, int64_t *size, const char **cursor, bool in_body);
/* One page of items (ids double as cursors): from the item whose id is want,
 * size of them; *next is the id after the page.  Answers 400 and returns NULL
 * when cursor names no item. */
json_value *nt_slice(twin_ctx *ctx, json_value *items, int64_t size, const char *cursor, const char *want,
                     const char **next);
/* Copy of a stored object without the internal "_..." members. */
json_value *nt_public(arena *a, const json_value *doc);
const char *nt_url(twin_ctx *ctx, const char *title, const char *id);
void nt_save(twin_ctx *ctx, const char *collection, const json_value *doc, const char *index_name,
             const char *index_value);
const char *nt_prop_id(twin_ctx *ctx, const char *owner, const char *name);

/* ---- users (users.c) ---- */
json_value *nt_user_json(twin_ctx *ctx, const json_value *u);
json_value *nt_user_create(twin_ctx *ctx, const char *name, const char *email, bool bot);

/* ---- pages and blocks (pages.c, blocks.c) ---- */
json_value *nt_page_get(twin_ctx *ctx, const char *id);         /* visible pages only */
json_value *nt_page_json(twin_ctx *ctx, const json_value *page);
const char *nt_page_title(twin_ctx *ctx, const json_value *page);
/* In the trash itself or inside a trashed database. */
bool nt_page_trashed(twin_ctx *ctx, const json_value *page);
/* Creates a page; parent is the internal parent object.  values are rendered property values. */
json_value *nt_page_insert(twin_ctx *ctx, const json_value *parent, json_value *values, const json_value *icon,
                           const json_value *cover, bool shared);
/* Appends blocks (API input shapes) under parent; returns the created blocks or NULL + *err. */
json_value *nt_append_blocks(twin_ctx *ctx, const char *parent_id, bool parent_is_page, const json_value *children,
                             const char *path, const char **err);
json_value *nt_block_json(twin_ctx *ctx, const json_value *b);

/* ---- databases and data sources (databases.c) ---- */
json_value *nt_ds_find(twin_ctx *ctx, const char *id);
json_value *nt_db_find(twin_ctx *ctx, const char *id);
/* Builds a schema from API property configurations; NULL + *err on bad input. */
json_value *nt_schema_build(twin_ctx *ctx, const char *owner, const json_value *in, json_value *into, const char **err);
/* Validates and renders property values against a data source schema (the
 * schema gains new select options, saved by the caller).  NULL + *err. */
json_value *nt_values(twin_ctx *ctx, json_value *ds, const json_value *in, json_value *into, const char **err);
json_value *nt_db_insert(twin_ctx *ctx, const json_value *parent, const json_value *title, json_value *schema,
                         bool inline_db, const json_value *icon, bool shared, json_value **ds_out);
void nt_ds_save(twin_ctx *ctx, const json_value *ds);

/* ---- files (files.c) ---- */
int64_t nt_plan_limit(twin_ctx *ctx);
const char *nt_plan(twin_ctx *ctx);

/* ---- seeding (seed.c) ---- */
int nt_seed(twin_ctx *ctx, const json_value *seed, json_value *result, const char **error);

#define NT_HANDLERS(X) \
    X(users_list) X(users_me) X(users_get) \
    X(pages_create) X(pages_get) X(pages_update) X(page_property) \
    X(blocks_get) X(blocks_update) X(blocks_delete) X(blocks_children) X(blocks_append) \
    X(databases_create) X(databases_get) X(databases_update) X(databases_query) \
    X(ds_create) X(ds_get) X(ds_update) X(ds_query) \
    X(search) \
    X(files_create) X(files_send) X(files_get) X(files_list) X(files_complete) \
    X(admin_plan)
#define NT_DECLARE(n) void nt_##n(twin_ctx *ctx);
NT_HANDLERS(NT_DECLARE)
#undef NT_DECLARE

#endif
