/* GitHub twin: releases and release assets.
 *
 * Collections (each document also carries its "repo" key, so an id found in
 * another repository's URL answers 404 as on GitHub):
 *   releases         id -> {id,tag_name,target_commitish,name,body,draft,prerelease,author,...}
 *   release_assets   id -> {id,release_id,name,label,content_type,size,digest,download_count,...}
 *   release_bytes    asset id -> {data: base64}   (kept apart so listings stay light)
 *   release_latest   repo key -> {id}             (the release marked latest, make_latest)
 * Uploads arrive on the twin's own origin (the upload_url it hands out, or
 * Octokit's uploadReleaseAsset given a per-call baseUrl).  Binary downloads
 * redirect, like GitHub's, to a signed storage URL the twin serves itself. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "twins/github/github.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/util.h"

#define RELEASES "releases"
#define ASSETS "release_assets"
#define BYTES "release_bytes"
#define LATEST "release_latest"

static const char *id_text(const json_value *doc)
{
    const json_value *id = json_get(doc, "id");
    return id ? id->str : "";
}

/* A document of collection by id, only when it belongs to repo. */
static json_value *doc_in_repo(twin_ctx *ctx, const char *collection, const json_value *repo, const char *id)
{
    json_value *d = id && *id ? twin_doc_get(ctx, collection, id) : NULL;
    return d && str_eq(json_get_str(d, "repo"), gh_repo_key(ctx, repo)) ? d : NULL;
}

/* ---- rendering ---- */

static json_value *asset_json(twin_ctx *ctx, const json_value *repo, const json_value *as)
{
    arena *a = ctx->a;
    json_value *rel = twin_doc_get(ctx, RELEASES, json_get_str(as, "release_id"));
    const char *name = json_get_str(as, "name");
    json_value *o = json_object(a);
    json_set_str(a, o, "url", arena_printf(a, "%s/releases/assets/%s", gh_repo_url(ctx, repo), id_text(as)));
    const char *tag = json_get_str(rel, "tag_name") ? json_get_str(rel, "tag_name") : "";
    json_set_str(a, o, "browser_download_url",
                 arena_printf(a, "%s/releases/download/%s/%s", gh_repo_html(ctx, repo),
                              http_percent_encode(a, tag, strlen(tag)), http_percent_encode(a, name, strlen(name))));
    json_set(a, o, "id", json_clone(a, json_get(as, "id")));
    json_set_str(a, o, "node_id", json_get_str(as, "node_id"));
    json_set_str(a, o, "name", name);
    json_set(a, o, "label", json_clone(a, json_get(as, "label")));
    json_set_str(a, o, "state", json_get_str(as, "state"));
    json_set_str(a, o, "content_type", json_get_str(as, "content_type"));
    json_set(a, o, "size", json_clone(a, json_get(as, "size")));
    json_set_str(a, o, "digest", json_get_str(as, "digest"));
    json_set(a, o, "download_count", json_clone(a, json_get(as, "download_count")));
    json_set_str(a, o, "created_at", json_get_str(as, "created_at"));
    json_set_str(a, o, "updated_at", json_get_str(as, "updated_at"));
    json_set(a, o, "uploader", gh_user_json(ctx, json_get_str(as, "uploader")));
    return o;
}

static twin_list assets_of(twin_ctx *ctx, const json_value *repo, const json_value *rel)
{
    return gh_list_repo_where(ctx, ASSETS, gh_repo_key(ctx, repo), "release_id", json_string(ctx->a, id_text(rel)));
}

static json_value *release_json(twin_ctx *ctx, const json_value *repo, const json_value *r)
{
    arena *a = ctx->a;
    const char *ru = gh_repo_url(ctx, repo), *tag = json_get_str(r, "tag_name");
    const char *u = arena_printf(a, "%s/releases/%s", ru, id_text(r));
    const char *etag = http_percent_encode(a, tag, strlen(tag));
    json_value *o = json_object(a);
    json_set_str(a, o, "url", u);
    json_set_str(a, o, "html_url", arena_printf(a, "%s/releases/tag/%s", gh_repo_html(ctx, repo), etag));
    json_set_str(a, o, "assets_url", arena_printf(a, "%s/assets", u));
    json_set_str(a, o, "upload_url", arena_printf(a, "%s/assets{?name,label}", u));
    json_set_str(a, o, "tarball_url", arena_printf(a, "%s/tarball/%s", ru, etag));
    json_set_str(a, o, "zipball_url", arena_printf(a, "%s/zipball/%s", ru, etag));
    json_set(a, o, "id", json_clone(a, json_get(r, "id")));
    json_set_str(a, o, "node_id", json_get_str(r, "node_id"));
    json_set_str(a, o, "tag_name", tag);
    json_set_str(a, o, "target_commitish", json_get_str(r, "target_commitish"));
    json_set(a, o, "name", json_clone(a, json_get(r, "name")));
    json_set(a, o, "body", json_clone(a, json_get(r, "body")));
    json_set_bool(a, o, "draft", json_truthy(json_get(r, "draft")));
    json_set_bool(a, o, "prerelease", json_truthy(json_get(r, "prerelease")));
    json_set_bool(a, o, "immutable", false);
    json_set_str(a, o, "created_at", json_get_str(r, "created_at"));
    json_set(a, o, "published_at", json_clone(a, json_get(r, "published_at")));
    json_set_str(a, o, "updated_at", json_get_str(r, "updated_at"));
    json_set(a, o, "author", gh_user_json(ctx, json_get_str(r, "author")));
    json_value *assets = json_array(a);
    twin_list l = assets_of(ctx, repo, r);
    for (size_t i = 0; i < l.n; i++) json_push(assets, asset_json(ctx, repo, l.items[i]));
    json_set(a, o, "assets", assets);
    return o;
}

static void emit_release(twin_ctx *ctx, const json_value *repo, const json_value *r, const char *action,
                         json_value *changes)
{
    json_value *p = json_object(ctx->a);
    json_set_str(ctx->a, p, "action", action);
    if (changes) json_set(ctx->a, p, "changes", changes);
    json_set(ctx->a, p, "release", release_json(ctx, repo, r));
    gh_emit(ctx, repo, "release", p);
}

/* The events GitHub sends when a release goes public. */
static void emit_published(twin_ctx *ctx, const json_value *repo, const json_value *r)
{
    emit_release(ctx, repo, r, "published", NULL);
    emit_release(ctx, repo, r, json_truthy(json_get(r, "prerelease")) ? "prereleased" : "released", NULL);
}

/* ---- lookups ---- */

static bool visible(twin_ctx *ctx, const json_value *repo, const json_value *r)
{
    /* Only callers with push access see drafts. */
    return !json_truthy(json_get(r, "draft")) || gh_access_level(ctx, repo, gh_viewer(ctx)) >= GH_PUSH;
}

static int cmp_newest(const void *x, const void *y)
{
    const json_value *a = *(const json_value *const *)x, *b = *(const json_value *const *)y;
    int c = strcmp(json_get_str(b, "created_at"), json_get_str(a, "created_at"));
    if (c) return c;
    int64_t ia = 0, ib = 0;
    json_int64(json_get(a, "id"), &ia);
    json_int64(json_get(b, "id"), &ib);
    return ia < ib ? 1 : ia > ib ? -1 : 0;
}

/* The repository's releases, newest first. */
static twin_list releases_newest_first(twin_ctx *ctx, const json_value *repo)
{
    twin_list l = gh_list_repo(ctx, RELEASES, gh_repo_key(ctx, repo));
    if (l.n > 1) qsort(l.items, l.n, sizeof *l.items, cmp_newest);
    return l;
}

static json_value *release_by_tag(twin_ctx *ctx, const json_value *repo, const char *tag, const json_value *except)
{
    twin_list l = gh_list_repo(ctx, RELEASES, gh_repo_key(ctx, repo));
    for (size_t i = 0; i < l.n; i++)
        if (str_eq(json_get_str(l.items[i], "tag_name"), tag) && (!except || !str_eq(id_text(l.items[i]), id_text(except))))
            return l.items[i];
    return NULL;
}

static bool can_be_latest(const json_value *r)
{
    return r && !json_truthy(json_get(r, "draft")) && !json_truthy(json_get(r, "prerelease"));
}

/* The release marked latest, else (GitHub's "legacy" rule) the newest
 * published full release. */
static json_value *latest_release(twin_ctx *ctx, const json_value *repo)
{
    json_value *mark = twin_doc_get(ctx, LATEST, gh_repo_key(ctx, repo));
    json_value *r = mark ? doc_in_repo(ctx, RELEASES, repo, json_get_str(mark, "release_id")) : NULL;
    if (can_be_latest(r)) return r;
    twin_list l = releases_newest_first(ctx, repo);
    for (size_t i = 0; i < l.n; i++)
        if (can_be_latest(l.items[i])) return l.items[i];
    return NULL;
}

static void mark_latest(twin_ctx *ctx, const json_value *repo, const json_value *r)
{
    const char *key = gh_repo_key(ctx, repo);
    if (!r) {
        twin_doc_delete(ctx, LATEST, key);
        return;
    }
    json_value *m = json_object(ctx->a);
    json_set_str(ctx->a, m, "release_id", id_text(r));
    gh_save(ctx, LATEST, key, m, key);
}

static json_value *load_release(twin_ctx *ctx, const json_value *repo)
{
    json_value *r = doc_in_repo(ctx, RELEASES, repo, twin_param(ctx, "release_id"));
    if (!r || !visible(ctx, repo, r)) {
        gh_not_found(ctx);
        return NULL;
    }
    return r;
}

static json_value *load_asset(twin_ctx *ctx, const json_value *repo)
{
    json_value *as = doc_in_repo(ctx, ASSETS, repo, twin_param(ctx, "asset_id"));
    json_value *rel = as ? twin_doc_get(ctx, RELEASES, json_get_str(as, "release_id")) : NULL;
    if (!rel || !visible(ctx, repo, rel)) {
        gh_not_found(ctx);
        return NULL;
    }
    return as;
}

/* ---- release notes ---- */

/* The published release a new one for tag follows: the newest other one. */
static json_value *previous_release(twin_ctx *ctx, const json_value *repo, const char *tag)
{
    twin_list l = releases_newest_first(ctx, repo);
    for (size_t i = 0; i < l.n; i++)
        if (!json_truthy(json_get(l.items[i], "draft")) && !str_eq(json_get_str(l.items[i], "tag_name"), tag))
            return l.items[i];
    return NULL;
}

/* GitHub's generated notes, reduced to what the twin knows: the pull requests
 * merged since the previous release, then the full-changelog link. */
static const char *generate_notes(twin_ctx *ctx, const json_value *repo, const char *tag, const char *prev_tag)
{
    arena *a = ctx->a;
    const char *key = gh_repo_key(ctx, repo), *html = gh_repo_html(ctx, repo);
    json_value *prev = prev_tag && *prev_tag ? release_by_tag(ctx, repo, prev_tag, NULL) : previous_release(ctx, repo, tag);
    if (prev) prev_tag = json_get_str(prev, "tag_name");
    const char *since = prev ? json_get_str(prev, "created_at") : NULL;
    buf b = BUF_INIT;
    twin_list l = gh_list_repo(ctx, "pulls", key);
    bool any = false;
    for (size_t i = 0; i < l.n; i++) {
        const json_value *pr = l.items[i];
        const char *merged_at = json_get_str(pr, "merged_at");
        if (!json_truthy(json_get(pr, "merged")) || !merged_at || (since && strcmp(merged_at, since) < 0)) continue;
        const char *num = json_get(pr, "number")->str;
        json_value *issue = twin_doc_get(ctx, "issues", arena_printf(a, "%s#%s", key, num));
        if (!any) buf_printf(&b, "## What's Changed\n");
        any = true;
        buf_printf(&b, "* %s by @%s in %s/pull/%s\n", json_get_str(issue, "title"), json_get_str(issue, "user"), html,
                   num);
    }
    if (any) buf_printf(&b, "\n");
    if (prev_tag && *prev_tag) buf_printf(&b, "**Full Changelog**: %s/compare/%s...%s", html, prev_tag, tag);
    else buf_printf(&b, "**Full Changelog**: %s/commits/%s", html, tag);
    char *out = arena_strndup(a, b.data, b.len);
    buf_free(&b);
    return out;
}

/* ---- releases ---- */

/* Points refs/tags/<tag> at target unless the tag exists already; false
 * (after answering 422) when target names no commit. */
static bool ensure_tag(twin_ctx *ctx, const json_value *repo, const json_value *r)
{
    const char *key = gh_repo_key(ctx, repo), *tag = json_get_str(r, "tag_name");
    const char *ref = arena_printf(ctx->a, "refs/tags/%s", tag);
    if (gh_ref_sha(ctx, key, ref)) return true;
    const char *sha = gh_resolve(ctx, key, json_get_str(r, "target_commitish"));
    if (!sha) {
        gh_invalid(ctx, "Release", "target_commitish", "invalid", NULL);
        return false;
    }
    gh_ref_set(ctx, key, ref, sha);
    return true;
}

static bool make_latest_arg(twin_ctx *ctx, const char **out)
{
    json_value *v = twin_input(ctx, "make_latest");
    *out = NULL;
    if (!v || v->type == JSON_NULL) return true;
    const char *s = json_is_bool(v) ? (json_truthy(v) ? "true" : "false") : json_str(v);
    if (!s || !(str_eq(s, "true") || str_eq(s, "false") || str_eq(s, "legacy"))) {
        gh_invalid(ctx, "Release", "make_latest", "invalid", NULL);
        return false;
    }
    *out = s;
    return true;
}

/* Applies make_latest after r was saved; newly_published says the default ("true") applies. */
static void apply_make_latest(twin_ctx *ctx, const json_value *repo, const json_value *r, const char *make_latest,
                              bool newly_published)
{
    if (!make_latest) make_latest = newly_published ? "true" : NULL;
    if (!make_latest || str_eq(make_latest, "false")) return;
    if (str_eq(make_latest, "legacy")) mark_latest(ctx, repo, NULL);
    else if (can_be_latest(r)) mark_latest(ctx, repo, r);
}

static void save_release(twin_ctx *ctx, const json_value *repo, const json_value *r)
{
    const char *key = gh_repo_key(ctx, repo);
    gh_save(ctx, RELEASES, id_text(r), r, key);
}

void gh_list_releases(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    twin_list l = releases_newest_first(ctx, repo);
    json_value *out = json_array(ctx->a);
    for (size_t i = 0; i < l.n; i++)
        if (visible(ctx, repo, l.items[i])) json_push(out, release_json(ctx, repo, l.items[i]));
    gh_send_page(ctx, out);
}

void gh_create_release(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    arena *a = ctx->a;
    const char *tag = gh_str_arg(ctx, "tag_name"), *make_latest;
    if (!tag || !*tag) return gh_invalid(ctx, "Release", "tag_name", "missing_field", NULL);
    if (release_by_tag(ctx, repo, tag, NULL)) return gh_invalid(ctx, "Release", "tag_name", "already_exists", NULL);
    if (!make_latest_arg(ctx, &make_latest)) return;
    const char *target = gh_str_arg(ctx, "target_commitish");
    bool draft = gh_bool_arg(ctx, "draft", false);
    json_value *r = json_object(a);
    int64_t id = gh_next_id(ctx);
    json_set_int(a, r, "id", id);
    json_set_str(a, r, "node_id", gh_node_id(ctx, "RE", id));
    json_set_str(a, r, "repo", gh_repo_key(ctx, repo));
    json_set_str(a, r, "tag_name", tag);
    json_set_str(a, r, "target_commitish", target && *target ? target : json_get_str(repo, "default_branch"));
    const char *name = gh_str_arg(ctx, "name"), *body = gh_str_arg(ctx, "body");
    if (gh_bool_arg(ctx, "generate_release_notes", false)) {
        const char *notes = generate_notes(ctx, repo, tag, NULL);
        body = body && *body ? arena_printf(a, "%s\n\n%s", body, notes) : notes;
        if (!name || !*name) name = tag;
    }
    json_set_str(a, r, "name", name);
    json_set_str(a, r, "body", body);
    json_set_bool(a, r, "draft", draft);
    json_set_bool(a, r, "prerelease", gh_bool_arg(ctx, "prerelease", false));
    json_set_str(a, r, "author", gh_viewer(ctx));
    const char *now = gh_now_iso(ctx);
    json_set_str(a, r, "created_at", now);
    json_set_str(a, r, "updated_at", now);
    if (draft) json_set_null(a, r, "published_at");
    else json_set_str(a, r, "published_at", now);
    if (!draft && !ensure_tag(ctx, repo, r)) return;
    save_release(ctx, repo, r);
    apply_make_latest(ctx, repo, r, make_latest, !draft);
    emit_release(ctx, repo, r, "created", NULL);
    if (!draft) emit_published(ctx, repo, r);
    gh_reply(ctx, 201, release_json(ctx, repo, r));
}

void gh_get_release(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *r = repo ? load_release(ctx, repo) : NULL;
    if (r) gh_reply(ctx, 200, release_json(ctx, repo, r));
}

void gh_get_release_by_tag(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    /* Only published releases are found by their tag. */
    json_value *r = release_by_tag(ctx, repo, twin_param(ctx, "tag"), NULL);
    if (!r || json_truthy(json_get(r, "draft"))) return gh_not_found(ctx);
    gh_reply(ctx, 200, release_json(ctx, repo, r));
}

void gh_get_latest_release(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    json_value *r = latest_release(ctx, repo);
    if (!r) return gh_not_found(ctx);
    gh_reply(ctx, 200, release_json(ctx, repo, r));
}

/* Copies a string member given in the request into r, noting its old value in changes. */
static void update_text(twin_ctx *ctx, json_value *r, const char *field, json_value *changes)
{
    json_value *v = twin_input(ctx, field);
    if (!v || (v->type != JSON_STRING && v->type != JSON_NULL)) return;
    const char *old = json_get_str(r, field), *now = json_str(v);
    if (str_eq(old ? old : "", now ? now : "")) return;
    json_value *from = json_object(ctx->a);
    json_set_str(ctx->a, from, "from", old ? old : "");
    json_set(ctx->a, changes, field, from);
    json_set_str(ctx->a, r, field, now);
}

void gh_update_release(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *r = repo ? load_release(ctx, repo) : NULL;
    if (!r) return;
    arena *a = ctx->a;
    const char *tag = gh_str_arg(ctx, "tag_name"), *make_latest;
    if (tag && !*tag) return gh_invalid(ctx, "Release", "tag_name", "missing_field", NULL);
    if (tag && release_by_tag(ctx, repo, tag, r)) return gh_invalid(ctx, "Release", "tag_name", "already_exists", NULL);
    if (!make_latest_arg(ctx, &make_latest)) return;
    bool was_draft = json_truthy(json_get(r, "draft")), was_pre = json_truthy(json_get(r, "prerelease"));
    json_value *changes = json_object(a);
    update_text(ctx, r, "tag_name", changes);
    update_text(ctx, r, "name", changes);
    update_text(ctx, r, "body", changes);
    const char *target = gh_str_arg(ctx, "target_commitish");
    if (target && *target) json_set_str(a, r, "target_commitish", target);
    bool draft = gh_bool_arg(ctx, "draft", was_draft), pre = gh_bool_arg(ctx, "prerelease", was_pre);
    json_set_bool(a, r, "draft", draft);
    json_set_bool(a, r, "prerelease", pre);
    bool publishing = was_draft && !draft;
    if (publishing) json_set_str(a, r, "published_at", gh_now_iso(ctx));
    if (!was_draft && draft) json_set_null(a, r, "published_at");
    if (!draft && !ensure_tag(ctx, repo, r)) return;
    json_set_str(a, r, "updated_at", gh_now_iso(ctx));
    save_release(ctx, repo, r);
    apply_make_latest(ctx, repo, r, make_latest, publishing);
    if (make_latest && !str_eq(make_latest, "legacy")) {
        json_value *to = json_object(a);
        json_set_bool(a, to, "to", str_eq(make_latest, "true"));
        json_set(a, changes, "make_latest", to);
    }
    if (changes->len) emit_release(ctx, repo, r, "edited", changes);
    if (publishing) emit_published(ctx, repo, r);
    else if (!was_draft && draft) emit_release(ctx, repo, r, "unpublished", NULL);
    else if (!draft && was_pre && !pre) emit_release(ctx, repo, r, "released", NULL);
    else if (!draft && !was_pre && pre) emit_release(ctx, repo, r, "prereleased", NULL);
    gh_reply(ctx, 200, release_json(ctx, repo, r));
}

static void delete_asset(twin_ctx *ctx, const json_value *as)
{
    twin_doc_delete(ctx, BYTES, id_text(as));
    twin_doc_delete(ctx, ASSETS, id_text(as));
}

void gh_delete_release(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *r = repo ? load_release(ctx, repo) : NULL;
    if (!r) return;
    /* Rendered before the assets go, so the event shows what was deleted. */
    json_value *gone = json_object(ctx->a);
    json_set_str(ctx->a, gone, "action", "deleted");
    json_set(ctx->a, gone, "release", release_json(ctx, repo, r));
    twin_list l = assets_of(ctx, repo, r);
    for (size_t i = 0; i < l.n; i++) delete_asset(ctx, l.items[i]);
    twin_doc_delete(ctx, RELEASES, id_text(r));
    /* The tag stays, as on GitHub. */
    gh_emit(ctx, repo, "release", gone);
    twin_reply_text(ctx, 204, "application/json", "", 0);
}

void gh_generate_release_notes(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    const char *tag = gh_str_arg(ctx, "tag_name");
    if (!tag || !*tag) return gh_invalid(ctx, "Release", "tag_name", "missing_field", NULL);
    json_value *o = json_object(ctx->a);
    json_set_str(ctx->a, o, "name", tag);
    json_set_str(ctx->a, o, "body", generate_notes(ctx, repo, tag, gh_str_arg(ctx, "previous_tag_name")));
    gh_reply(ctx, 200, o);
}

/* ---- assets ---- */

/* GitHub renames special characters and drops leading and trailing periods:
 * here each run of special characters and periods becomes one '.'. */
static char *asset_file_name(arena *a, const char *raw)
{
    size_t n = strlen(raw), o = 0;
    char *out = arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)raw[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                  c == '_' || c == '+';
        if (ok) out[o++] = (char)c;
        else if (o && out[o - 1] != '.') out[o++] = '.';
    }
    if (o && out[o - 1] == '.') o--;
    out[o] = '\0';
    return out;
}

static json_value *asset_named(twin_ctx *ctx, const json_value *repo, const json_value *rel, const char *name,
                               const json_value *except)
{
    twin_list l = assets_of(ctx, repo, rel);
    for (size_t i = 0; i < l.n; i++)
        if (str_eq(json_get_str(l.items[i], "name"), name) && (!except || !str_eq(id_text(l.items[i]), id_text(except))))
            return l.items[i];
    return NULL;
}

static const char *sha256_digest(arena *a, const void *data, size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (!EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL)) md_len = 0;
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    hex_encode(md, md_len, hex);
    return arena_printf(a, "sha256:%s", hex);
}

static void save_asset(twin_ctx *ctx, const json_value *repo, const json_value *as)
{
    gh_save(ctx, ASSETS, id_text(as), as, gh_repo_key(ctx, repo));
}

void gh_list_release_assets(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *r = repo ? load_release(ctx, repo) : NULL;
    if (r) gh_send_list(ctx, repo, assets_of(ctx, repo, r), asset_json);
}

void gh_upload_release_asset(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *rel = repo ? load_release(ctx, repo) : NULL;
    if (!rel) return;
    arena *a = ctx->a;
    /* The body is the file itself, so name and label come from the query only. */
    const char *raw_name = json_get_str(ctx->query, "name"), *label = json_get_str(ctx->query, "label");
    const char *name = raw_name ? asset_file_name(a, raw_name) : NULL;
    if (!name || !*name) return gh_invalid(ctx, "ReleaseAsset", "name", "missing_field", NULL);
    if (asset_named(ctx, repo, rel, name, NULL)) return gh_invalid(ctx, "ReleaseAsset", "name", "already_exists", NULL);
    const char *ct = http_header_get(ctx->req, "Content-Type");
    json_value *as = json_object(a);
    int64_t id = gh_next_id(ctx);
    json_set_int(a, as, "id", id);
    json_set_str(a, as, "node_id", gh_node_id(ctx, "RA", id));
    json_set_str(a, as, "repo", gh_repo_key(ctx, repo));
    json_set_str(a, as, "release_id", id_text(rel));
    json_set_str(a, as, "name", name);
    json_set_str(a, as, "label", label);
    json_set_str(a, as, "state", "uploaded");
    json_set_str(a, as, "content_type", ct && *ct ? ct : "application/octet-stream");
    json_set_int(a, as, "size", (int64_t)ctx->req->body_len);
    json_set_str(a, as, "digest", sha256_digest(a, ctx->req->body, ctx->req->body_len));
    json_set_int(a, as, "download_count", 0);
    json_set_str(a, as, "uploader", gh_viewer(ctx));
    const char *now = gh_now_iso(ctx);
    json_set_str(a, as, "created_at", now);
    json_set_str(a, as, "updated_at", now);
    json_value *bytes = json_object(a);
    json_set_str(a, bytes, "data", base64_encode(a, ctx->req->body, ctx->req->body_len));
    twin_doc_put(ctx, BYTES, id_text(as), bytes, NULL, 0);
    save_asset(ctx, repo, as);
    gh_reply(ctx, 201, asset_json(ctx, repo, as));
}

static const char *storage_sig(twin_ctx *ctx, const char *asset_id)
{
    char sig[33];
    derive_token(sig, 32, ctx->run_id, "github-release-asset", asset_id, 0);
    return arena_strdup(ctx->a, sig);
}

/* Counts the download and answers 302 to the asset's signed storage URL. */
static void redirect_to_storage(twin_ctx *ctx, const json_value *repo, json_value *as)
{
    int64_t n = 0;
    json_int64(json_get(as, "download_count"), &n);
    json_set_int(ctx->a, as, "download_count", n + 1);
    save_asset(ctx, repo, as);
    const char *id = id_text(as);
    http_set_header(ctx->req, "Location", arena_printf(ctx->a, "%s/github-production-release-asset/%s/%s",
                                                       gh_base(ctx), id, storage_sig(ctx, id)));
    twin_reply_text(ctx, 302, NULL, "", 0);
}

static bool wants_bytes(twin_ctx *ctx)
{
    const char *accept = http_header_get(ctx->req, "Accept");
    return accept && strcasestr(accept, "application/octet-stream");
}

void gh_get_release_asset(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *as = repo ? load_asset(ctx, repo) : NULL;
    if (!as) return;
    if (wants_bytes(ctx)) return redirect_to_storage(ctx, repo, as);
    gh_reply(ctx, 200, asset_json(ctx, repo, as));
}

void gh_update_release_asset(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *as = repo ? load_asset(ctx, repo) : NULL;
    if (!as) return;
    arena *a = ctx->a;
    const char *raw_name = gh_str_arg(ctx, "name"), *state = gh_str_arg(ctx, "state");
    if (raw_name) {
        const char *name = asset_file_name(a, raw_name);
        if (!*name) return gh_invalid(ctx, "ReleaseAsset", "name", "missing_field", NULL);
        json_value *rel = twin_doc_get(ctx, RELEASES, json_get_str(as, "release_id"));
        if (asset_named(ctx, repo, rel, name, as)) return gh_invalid(ctx, "ReleaseAsset", "name", "already_exists", NULL);
        json_set_str(a, as, "name", name);
    }
    if (twin_input(ctx, "label")) json_set_str(a, as, "label", gh_str_arg(ctx, "label"));
    if (state) {
        if (!str_eq(state, "uploaded") && !str_eq(state, "open"))
            return gh_invalid(ctx, "ReleaseAsset", "state", "invalid", NULL);
        json_set_str(a, as, "state", state);
    }
    json_set_str(a, as, "updated_at", gh_now_iso(ctx));
    save_asset(ctx, repo, as);
    gh_reply(ctx, 200, asset_json(ctx, repo, as));
}

void gh_delete_release_asset(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx), *as = repo ? load_asset(ctx, repo) : NULL;
    if (!as) return;
    delete_asset(ctx, as);
    twin_reply_text(ctx, 204, "application/json", "", 0);
}

/* github.com/<owner>/<repo>/releases/download/<tag>/<name>: published
 * releases only, redirected to storage like the API download. */
void gh_browser_download_asset(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    json_value *rel = release_by_tag(ctx, repo, twin_param(ctx, "tag"), NULL);
    json_value *as = rel && !json_truthy(json_get(rel, "draft")) ? asset_named(ctx, repo, rel, twin_param(ctx, "name"), NULL)
                                                                 : NULL;
    if (!as) return gh_not_found(ctx);
    redirect_to_storage(ctx, repo, as);
}

/* The signed storage URL (objects.githubusercontent.com on GitHub): the
 * signature is the credential, so no token is needed. */
void gh_asset_storage(twin_ctx *ctx)
{
    const char *id = twin_param(ctx, "asset_id"), *sig = twin_param(ctx, "sig");
    json_value *as = id ? twin_doc_get(ctx, ASSETS, id) : NULL;
    json_value *bytes = as ? twin_doc_get(ctx, BYTES, id) : NULL;
    if (!bytes || !sig || !secret_eq(sig, storage_sig(ctx, id)))
        return twin_reply_text(ctx, 404, "text/plain", "Not Found", 9);
    size_t len = 0;
    const char *data = base64_decode(ctx->a, json_get_str(bytes, "data") ? json_get_str(bytes, "data") : "", &len);
    const char *name = json_get_str(as, "name");
    http_set_header(ctx->req, "Content-Disposition", arena_printf(ctx->a, "attachment; filename=%s", name));
    twin_reply_text(ctx, 200, json_get_str(as, "content_type"), data ? data : "", data ? len : 0);
}
