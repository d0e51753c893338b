/* GitHub twin: git data — commits, refs, branches and the contents API.
 * A commit stores the whole file map of its tree (path -> content), which
 * keeps reads trivial; shas are real git blob shas for files and SHA-1
 * digests of the commit's parts for trees and commits. */
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twins/github/github.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/util.h"

static const char *hex_sha1(arena *a, const void *data, size_t len)
{
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1(data, len, md);
    char *out = arena_alloc(a, 41);
    hex_encode(md, SHA_DIGEST_LENGTH, out);
    return out;
}

static const char *blob_sha(arena *a, const char *content, size_t len)
{
    char head[32];
    int hn = snprintf(head, sizeof head, "blob %zu", len) + 1;   /* includes the NUL */
    char *b = arena_alloc(a, (size_t)hn + len + 1);
    memcpy(b, head, (size_t)hn);
    memcpy(b + hn, content, len);
    return hex_sha1(a, b, (size_t)hn + len);
}

/* The contents API sends base64 MIME-style: lines of 60 characters, each
 * ending in a newline. */
static const char *b64_wrapped(arena *a, const char *s, size_t n)
{
    const char *raw = base64_encode(a, s, n);
    size_t len = strlen(raw);
    buf b = BUF_INIT;
    for (size_t i = 0; i < len; i += 60) {
        buf_append(&b, raw + i, len - i < 60 ? len - i : 60);
        buf_putc(&b, '\n');
    }
    char *out = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return out;
}

/* ---- refs and commits ---- */

static const char *ref_key(twin_ctx *ctx, const char *repo_key, const char *ref)
{
    return arena_printf(ctx->a, "%s:%s", repo_key, ref);
}

const char *gh_ref_sha(twin_ctx *ctx, const char *repo_key, const char *ref)
{
    json_value *r = twin_doc_get(ctx, "refs", ref_key(ctx, repo_key, ref));
    return r ? json_get_str(r, "sha") : NULL;
}

void gh_ref_set(twin_ctx *ctx, const char *repo_key, const char *ref, const char *sha)
{
    json_value *r = json_object(ctx->a);
    json_set_str(ctx->a, r, "ref", ref);
    json_set_str(ctx->a, r, "sha", sha);
    gh_save(ctx, "refs", ref_key(ctx, repo_key, ref), r, repo_key);
}

json_value *gh_commit_get(twin_ctx *ctx, const char *repo_key, const char *sha)
{
    if (!sha) return NULL;
    return twin_doc_get(ctx, "commits", arena_printf(ctx->a, "%s@%s", repo_key, sha));
}

const char *gh_resolve(twin_ctx *ctx, const char *repo_key, const char *ref)
{
    if (!ref || !*ref) return NULL;
    const char *sha;
    if (str_starts_with(ref, "refs/")) return gh_ref_sha(ctx, repo_key, ref);
    if ((sha = gh_ref_sha(ctx, repo_key, arena_printf(ctx->a, "refs/heads/%s", ref)))) return sha;
    if ((sha = gh_ref_sha(ctx, repo_key, arena_printf(ctx->a, "refs/tags/%s", ref)))) return sha;
    if (strlen(ref) == 40 && gh_commit_get(ctx, repo_key, ref)) return ref;
    /* abbreviated shas */
    if (strlen(ref) >= 7) {
        twin_list l = gh_list_repo(ctx, "commits", repo_key);
        for (size_t i = 0; i < l.n; i++)
            if (str_starts_with(json_get_str(l.items[i], "sha"), ref)) return json_get_str(l.items[i], "sha");
    }
    return NULL;
}

json_value *gh_commit_create(twin_ctx *ctx, const char *repo_key, const char *parent, const char *parent2,
                             const json_value *changes, const char *message, const char *author_login)
{
    arena *a = ctx->a;
    json_value *prev = gh_commit_get(ctx, repo_key, parent);
    json_value *files = prev ? json_clone(a, json_get(prev, "files")) : json_object(a);
    json_foreach(ch, changes) {
        if (ch->type == JSON_NULL) json_remove(files, ch->key);
        else json_set(a, files, ch->key, json_clone(a, ch));
    }
    buf tree = {0};
    json_foreach(f, files) buf_printf(&tree, "%s %s\n", f->key, blob_sha(a, f->str, f->len));
    const char *tree_sha = hex_sha1(a, tree.data ? tree.data : "", tree.len);
    buf_free(&tree);
    int64_t n = twin_counter(ctx, "commit");
    const char *text = arena_printf(a, "tree %s\nparent %s %s\nn %lld\n\n%s", tree_sha, parent ? parent : "",
                                    parent2 ? parent2 : "", (long long)n, message ? message : "");
    json_value *c = json_object(a);
    json_set_str(a, c, "sha", hex_sha1(a, text, strlen(text)));
    json_set_str(a, c, "message", message ? message : "");
    json_value *parents = json_array(a);
    if (parent) json_push(parents, json_string(a, parent));
    if (parent2) json_push(parents, json_string(a, parent2));
    json_set(a, c, "parents", parents);
    json_set_str(a, c, "tree", tree_sha);
    json_set(a, c, "files", files);
    json_set(a, c, "changed", json_clone(a, changes));
    json_set_str(a, c, "author", author_login ? author_login : "octocat");
    json_set_str(a, c, "date", gh_now_iso(ctx));
    gh_save(ctx, "commits", arena_printf(a, "%s@%s", repo_key, json_get_str(c, "sha")), c, repo_key);
    return c;
}

static json_value *person(twin_ctx *ctx, const char *login, const char *date)
{
    json_value *acc = gh_account_get(ctx, login);
    json_value *p = json_object(ctx->a);
    const char *name = json_get_str(acc, "name"), *email = json_get_str(acc, "email");
    json_set_str(ctx->a, p, "name", name ? name : login);
    json_set_str(ctx->a, p, "email", email ? email : arena_printf(ctx->a, "%s@users.noreply.github.com", login));
    json_set_str(ctx->a, p, "date", date);
    return p;
}

static json_value *verification(arena *a)
{
    json_value *v = json_object(a);
    json_set_bool(a, v, "verified", false);
    json_set_str(a, v, "reason", "unsigned");
    json_set_null(a, v, "signature");
    json_set_null(a, v, "payload");
    json_set_null(a, v, "verified_at");
    return v;
}

static json_value *parents_json(twin_ctx *ctx, const json_value *repo, const json_value *commit)
{
    json_value *ps = json_array(ctx->a);
    json_foreach(p, json_get(commit, "parents")) {
        json_value *o = json_object(ctx->a);
        json_set_str(ctx->a, o, "sha", p->str);
        json_set_str(ctx->a, o, "url", arena_printf(ctx->a, "%s/commits/%s", gh_repo_url(ctx, repo), p->str));
        json_set_str(ctx->a, o, "html_url", arena_printf(ctx->a, "%s/commit/%s", gh_repo_html(ctx, repo), p->str));
        json_push(ps, o);
    }
    return ps;
}

/* The git commit object (git/commits, contents answers). */
static json_value *git_commit_json(twin_ctx *ctx, const json_value *repo, const json_value *c)
{
    arena *a = ctx->a;
    const char *sha = json_get_str(c, "sha"), *date = json_get_str(c, "date"), *login = json_get_str(c, "author");
    json_value *o = json_object(a);
    json_set_str(a, o, "sha", sha);
    json_set_str(a, o, "node_id", arena_printf(a, "C_kw%.16s", sha));
    json_set_str(a, o, "url", arena_printf(a, "%s/git/commits/%s", gh_repo_url(ctx, repo), sha));
    json_set_str(a, o, "html_url", arena_printf(a, "%s/commit/%s", gh_repo_html(ctx, repo), sha));
    json_set(a, o, "author", person(ctx, login, date));
    json_set(a, o, "committer", person(ctx, login, date));
    json_set_str(a, o, "message", json_get_str(c, "message"));
    json_value *tree = json_object(a);
    json_set_str(a, tree, "sha", json_get_str(c, "tree"));
    json_set_str(a, tree, "url", arena_printf(a, "%s/git/trees/%s", gh_repo_url(ctx, repo), json_get_str(c, "tree")));
    json_set(a, o, "tree", tree);
    json_set(a, o, "parents", parents_json(ctx, repo, c));
    json_set(a, o, "verification", verification(a));
    return o;
}

json_value *gh_commit_json(twin_ctx *ctx, const json_value *repo, const json_value *c)
{
    arena *a = ctx->a;
    const char *sha = json_get_str(c, "sha"), *login = json_get_str(c, "author");
    json_value *o = json_object(a);
    json_set_str(a, o, "url", arena_printf(a, "%s/commits/%s", gh_repo_url(ctx, repo), sha));
    json_set_str(a, o, "sha", sha);
    json_set_str(a, o, "node_id", arena_printf(a, "C_kw%.16s", sha));
    json_set_str(a, o, "html_url", arena_printf(a, "%s/commit/%s", gh_repo_html(ctx, repo), sha));
    json_set_str(a, o, "comments_url", arena_printf(a, "%s/commits/%s/comments", gh_repo_url(ctx, repo), sha));
    json_value *inner = git_commit_json(ctx, repo, c);
    json_remove(inner, "sha");
    json_remove(inner, "node_id");
    json_remove(inner, "html_url");
    json_remove(inner, "parents");
    json_set_int(a, inner, "comment_count", 0);
    json_set(a, o, "commit", inner);
    json_set(a, o, "author", gh_user_json(ctx, login));
    json_set(a, o, "committer", gh_user_json(ctx, login));
    json_set(a, o, "parents", parents_json(ctx, repo, c));
    return o;
}

/* ---- push events ---- */

void gh_emit_push(twin_ctx *ctx, const json_value *repo, const char *ref, const char *before, const char *after)
{
    if (ctx->seeding) return;
    arena *a = ctx->a;
    const char *zero = "0000000000000000000000000000000000000000";
    const char *key = gh_repo_key(ctx, repo);
    json_value *p = json_object(a);
    json_set_str(a, p, "ref", ref);
    json_set_str(a, p, "before", before ? before : zero);
    json_set_str(a, p, "after", after ? after : zero);
    json_set_bool(a, p, "created", before == NULL);
    json_set_bool(a, p, "deleted", after == NULL);
    json_set_bool(a, p, "forced", false);
    json_set_null(a, p, "base_ref");
    json_set_str(a, p, "compare", arena_printf(a, "%s/compare/%.12s...%.12s", gh_repo_html(ctx, repo),
                                               before ? before : zero, after ? after : zero));
    json_value *commits = json_array(a);
    json_value *head = json_null(a);
    json_value *c = gh_commit_get(ctx, key, after);
    if (c && !str_eq(before, after)) {
        json_value *o = json_object(a);
        const char *sha = json_get_str(c, "sha");
        json_set_str(a, o, "id", sha);
        json_set_str(a, o, "tree_id", json_get_str(c, "tree"));
        json_set_bool(a, o, "distinct", true);
        json_set_str(a, o, "message", json_get_str(c, "message"));
        json_set_str(a, o, "timestamp", json_get_str(c, "date"));
        json_set_str(a, o, "url", arena_printf(a, "%s/commit/%s", gh_repo_html(ctx, repo), sha));
        json_value *au = person(ctx, json_get_str(c, "author"), NULL);
        json_remove(au, "date");
        json_set_str(a, au, "username", json_get_str(c, "author"));
        json_set(a, o, "author", au);
        json_set(a, o, "committer", json_clone(a, au));
        json_value *added = json_array(a), *removed = json_array(a), *modified = json_array(a);
        json_value *parent = gh_commit_get(ctx, key, json_str(json_at(json_get(c, "parents"), 0)));
        json_foreach(ch, json_get(c, "changed")) {
            bool existed = parent && json_get(json_get(parent, "files"), ch->key);
            json_push(ch->type == JSON_NULL ? removed : existed ? modified : added, json_string(a, ch->key));
        }
        json_set(a, o, "added", added);
        json_set(a, o, "removed", removed);
        json_set(a, o, "modified", modified);
        json_push(commits, o);
        head = json_clone(a, o);
    }
    json_set(a, p, "commits", commits);
    json_set(a, p, "head_commit", head);
    json_value *pusher = json_object(a);
    json_set_str(a, pusher, "name", gh_viewer(ctx) ? gh_viewer(ctx) : "octocat");
    json_set_str(a, pusher, "email", arena_printf(a, "%s@users.noreply.github.com", gh_viewer(ctx) ? gh_viewer(ctx) : "octocat"));
    json_set(a, p, "pusher", pusher);
    gh_emit(ctx, repo, "push", p);
}

/* ---- branches ---- */

static json_value *branch_short(twin_ctx *ctx, const json_value *repo, const char *name, const char *sha)
{
    arena *a = ctx->a;
    json_value *b = json_object(a), *c = json_object(a);
    json_set_str(a, b, "name", name);
    json_set_str(a, c, "sha", sha);
    json_set_str(a, c, "url", arena_printf(a, "%s/commits/%s", gh_repo_url(ctx, repo), sha));
    json_set(a, b, "commit", c);
    json_value *prot = json_get(json_get(repo, "protected_branches"), name);
    json_set_bool(a, b, "protected", json_truthy(prot));
    return b;
}

void gh_list_branches(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    twin_list l = gh_list_repo(ctx, "refs", gh_repo_key(ctx, repo));
    json_value *out = json_array(ctx->a);
    const char *pf = json_get_str(ctx->query, "protected");
    for (size_t i = 0; i < l.n; i++) {
        const char *ref = json_get_str(l.items[i], "ref");
        if (!str_starts_with(ref, "refs/heads/")) continue;
        json_value *b = branch_short(ctx, repo, ref + 11, json_get_str(l.items[i], "sha"));
        if (pf && json_truthy(json_get(b, "protected")) != str_eq(pf, "true")) continue;
        json_push(out, b);
    }
    gh_send_page(ctx, out);
}

void gh_get_branch(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    arena *a = ctx->a;
    const char *name = twin_param(ctx, "branch"), *key = gh_repo_key(ctx, repo);
    const char *sha = gh_ref_sha(ctx, key, arena_printf(a, "refs/heads/%s", name));
    if (!sha) return gh_message(ctx, 404, "Branch not found");
    json_value *b = branch_short(ctx, repo, name, sha);
    json_set(a, b, "commit", gh_commit_json(ctx, repo, gh_commit_get(ctx, key, sha)));
    json_value *links = json_object(a);
    json_set_str(a, links, "html", arena_printf(a, "%s/tree/%s", gh_repo_html(ctx, repo), name));
    json_set_str(a, links, "self", arena_printf(a, "%s/branches/%s", gh_repo_url(ctx, repo), name));
    json_set(a, b, "_links", links);
    json_value *prot = json_object(a), *rsc = json_object(a);
    bool on = json_truthy(json_get(b, "protected"));
    json_set_bool(a, prot, "enabled", on);
    json_set_str(a, rsc, "enforcement_level", on ? "non_admins" : "off");
    json_set(a, rsc, "contexts", json_array(a));
    json_set(a, rsc, "checks", json_array(a));
    json_set(a, prot, "required_status_checks", rsc);
    json_set(a, b, "protection", prot);
    json_set_str(a, b, "protection_url", arena_printf(a, "%s/branches/%s/protection", gh_repo_url(ctx, repo), name));
    gh_reply(ctx, 200, b);
}

/* ---- commits ---- */

void gh_list_commits(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    const char *key = gh_repo_key(ctx, repo), *ref = json_get_str(ctx->query, "sha");
    const char *path = json_get_str(ctx->query, "path");
    const char *sha = gh_resolve(ctx, key, ref && *ref ? ref : json_get_str(repo, "default_branch"));
    if (!sha) {
        if (!ref && twin_doc_count(ctx, "refs", "repo", key) <= 0) return gh_message(ctx, 409, "Git Repository is empty.");
        return gh_message(ctx, 404, "Not Found");
    }
    json_value *out = json_array(ctx->a);
    /* Newest first along every parent (breadth-first by date is enough for the twin). */
    const char **queue = arena_alloc(ctx->a, 4096 * sizeof *queue);
    size_t qh = 0, qt = 0;
    queue[qt++] = sha;
    json_value *seen = json_object(ctx->a);
    while (qh < qt && out->len < 2000) {
        const char *s = queue[qh++];
        if (json_get(seen, s)) continue;
        json_set_bool(ctx->a, seen, s, true);
        json_value *c = gh_commit_get(ctx, key, s);
        if (!c) continue;
        if (!path || json_get(json_get(c, "changed"), path)) json_push(out, gh_commit_json(ctx, repo, c));
        json_foreach(p, json_get(c, "parents")) if (qt < 4096) queue[qt++] = p->str;
    }
    gh_send_page(ctx, out);
}

static json_value *commit_with_files(twin_ctx *ctx, const json_value *repo, const json_value *c)
{
    arena *a = ctx->a;
    const char *key = gh_repo_key(ctx, repo);
    json_value *o = gh_commit_json(ctx, repo, c);
    json_value *parent = gh_commit_get(ctx, key, json_str(json_at(json_get(c, "parents"), 0)));
    json_value *files = json_array(a);
    int64_t adds = 0, dels = 0;
    json_foreach(ch, json_get(c, "changed")) {
        json_value *f = json_object(a);
        bool existed = parent && json_get(json_get(parent, "files"), ch->key);
        const char *status = ch->type == JSON_NULL ? "removed" : existed ? "modified" : "added";
        int64_t lines = 1;
        if (ch->type == JSON_STRING)
            for (uint32_t i = 0; i < ch->len; i++) lines += ch->str[i] == '\n';
        json_set_str(a, f, "sha", ch->type == JSON_STRING ? blob_sha(a, ch->str, ch->len) : NULL);
        json_set_str(a, f, "filename", ch->key);
        json_set_str(a, f, "status", status);
        json_set_int(a, f, "additions", ch->type == JSON_NULL ? 0 : lines);
        json_set_int(a, f, "deletions", ch->type == JSON_NULL ? 1 : existed ? 1 : 0);
        json_set_int(a, f, "changes", ch->type == JSON_NULL ? 1 : lines + (existed ? 1 : 0));
        adds += ch->type == JSON_NULL ? 0 : lines;
        dels += ch->type == JSON_NULL || existed ? 1 : 0;
        json_set_str(a, f, "blob_url", arena_printf(a, "%s/blob/%s/%s", gh_repo_html(ctx, repo), json_get_str(c, "sha"), ch->key));
        json_set_str(a, f, "raw_url", arena_printf(a, "%s/raw/%s/%s", gh_repo_html(ctx, repo), json_get_str(c, "sha"), ch->key));
        json_set_str(a, f, "contents_url", arena_printf(a, "%s/contents/%s?ref=%s", gh_repo_url(ctx, repo), ch->key, json_get_str(c, "sha")));
        json_push(files, f);
    }
    json_value *stats = json_object(a);
    json_set_int(a, stats, "total", adds + dels);
    json_set_int(a, stats, "additions", adds);
    json_set_int(a, stats, "deletions", dels);
    json_set(a, o, "stats", stats);
    json_set(a, o, "files", files);
    return o;
}

void gh_get_commit(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    const char *key = gh_repo_key(ctx, repo);
    const char *sha = gh_resolve(ctx, key, twin_param(ctx, "ref"));
    json_value *c = gh_commit_get(ctx, key, sha);
    if (!c) return gh_message(ctx, 422, arena_printf(ctx->a, "No commit found for SHA: %s", twin_param(ctx, "ref")));
    gh_reply(ctx, 200, commit_with_files(ctx, repo, c));
}

void gh_get_git_commit(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    json_value *c = gh_commit_get(ctx, gh_repo_key(ctx, repo), twin_param(ctx, "commit_sha"));
    if (!c) return gh_not_found(ctx);
    gh_reply(ctx, 200, git_commit_json(ctx, repo, c));
}

/* ---- git refs ---- */

static json_value *ref_json(twin_ctx *ctx, const json_value *repo, const char *ref, const char *sha)
{
    arena *a = ctx->a;
    json_value *o = json_object(a), *obj = json_object(a);
    json_set_str(a, o, "ref", ref);
    json_set_str(a, o, "node_id", arena_printf(a, "REF_kw%.16s", hex_sha1(a, ref, strlen(ref))));
    json_set_str(a, o, "url", arena_printf(a, "%s/git/%s", gh_repo_url(ctx, repo), ref));
    json_set_str(a, obj, "type", "commit");
    json_set_str(a, obj, "sha", sha);
    json_set_str(a, obj, "url", arena_printf(a, "%s/git/commits/%s", gh_repo_url(ctx, repo), sha));
    json_set(a, o, "object", obj);
    return o;
}

static void refs_matching(twin_ctx *ctx, const char *prefix)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    twin_list l = gh_list_repo(ctx, "refs", gh_repo_key(ctx, repo));
    json_value *out = json_array(ctx->a);
    for (size_t i = 0; i < l.n; i++) {
        const char *ref = json_get_str(l.items[i], "ref");
        if (prefix && !str_starts_with(ref, prefix)) continue;
        json_push(out, ref_json(ctx, repo, ref, json_get_str(l.items[i], "sha")));
    }
    if (!l.n && !prefix) return gh_message(ctx, 409, "Git Repository is empty.");
    gh_send_page(ctx, out);
}

void gh_list_refs(twin_ctx *ctx)
{
    const char *ns = twin_param(ctx, "ref");
    refs_matching(ctx, ns ? arena_printf(ctx->a, "refs/%s", ns) : NULL);
}

void gh_list_matching_refs(twin_ctx *ctx)
{
    const char *ref = twin_param(ctx, "ref");
    refs_matching(ctx, arena_printf(ctx->a, "refs/%s", ref ? ref : ""));
}

void gh_get_ref(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    const char *ref = arena_printf(ctx->a, "refs/%s", twin_param(ctx, "ref"));
    const char *sha = gh_ref_sha(ctx, gh_repo_key(ctx, repo), ref);
    if (!sha) return gh_not_found(ctx);
    gh_reply(ctx, 200, ref_json(ctx, repo, ref, sha));
}

void gh_create_ref(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    const char *ref = gh_str_arg(ctx, "ref"), *sha = gh_str_arg(ctx, "sha"), *key = gh_repo_key(ctx, repo);
    if (!ref) return gh_invalid(ctx, "Reference", "ref", "missing_field", NULL);
    if (!sha) return gh_invalid(ctx, "Reference", "sha", "missing_field", NULL);
    if (!str_starts_with(ref, "refs/") || !strchr(ref + 5, '/') || str_ends_with(ref, "/"))
        return gh_message(ctx, 422, "Reference name is invalid");
    if (!gh_commit_get(ctx, key, sha)) return gh_message(ctx, 422, "Object does not exist");
    if (gh_ref_sha(ctx, key, ref)) return gh_message(ctx, 422, "Reference already exists");
    gh_ref_set(ctx, key, ref, sha);
    gh_emit_push(ctx, repo, ref, NULL, sha);
    gh_reply(ctx, 201, ref_json(ctx, repo, ref, sha));
}

static bool is_ancestor(twin_ctx *ctx, const char *key, const char *anc, const char *sha)
{
    for (int depth = 0; sha && depth < 5000; depth++) {
        if (str_eq(anc, sha)) return true;
        json_value *c = gh_commit_get(ctx, key, sha);
        if (!c) return false;
        json_value *ps = json_get(c, "parents");
        if (ps && ps->len > 1 && is_ancestor(ctx, key, anc, json_str(json_at(ps, 1)))) return true;
        sha = json_str(json_at(ps, 0));
    }
    return false;
}

void gh_update_ref(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    const char *ref = arena_printf(ctx->a, "refs/%s", twin_param(ctx, "ref")), *key = gh_repo_key(ctx, repo);
    const char *sha = gh_str_arg(ctx, "sha"), *old = gh_ref_sha(ctx, key, ref);
    if (!old) return gh_message(ctx, 422, "Reference does not exist");
    if (!sha) return gh_invalid(ctx, "Reference", "sha", "missing_field", NULL);
    if (!gh_commit_get(ctx, key, sha)) return gh_message(ctx, 422, "Object does not exist");
    if (!gh_bool_arg(ctx, "force", false) && !is_ancestor(ctx, key, old, sha))
        return gh_message(ctx, 422, "Update is not a fast forward");
    gh_ref_set(ctx, key, ref, sha);
    gh_repo_touch(ctx, repo, true);
    gh_emit_push(ctx, repo, ref, old, sha);
    gh_reply(ctx, 200, ref_json(ctx, repo, ref, sha));
}

void gh_delete_ref(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    const char *ref = arena_printf(ctx->a, "refs/%s", twin_param(ctx, "ref")), *key = gh_repo_key(ctx, repo);
    const char *old = gh_ref_sha(ctx, key, ref);
    if (!old) return gh_message(ctx, 422, "Reference does not exist");
    twin_doc_delete(ctx, "refs", ref_key(ctx, key, ref));
    gh_emit_push(ctx, repo, ref, old, NULL);
    twin_reply_text(ctx, 204, "application/json", "", 0);
}

/* ---- contents ---- */

static const char *content_path(twin_ctx *ctx)
{
    const char *p = twin_param(ctx, "path");
    if (!p) return "";
    while (*p == '/') p++;
    size_t n = strlen(p);
    while (n && p[n - 1] == '/') n--;
    return arena_strndup(ctx->a, p, n);
}

static json_value *links(twin_ctx *ctx, const char *self, const char *git, const char *html)
{
    json_value *l = json_object(ctx->a);
    json_set_str(ctx->a, l, "self", self);
    json_set_str(ctx->a, l, "git", git);
    json_set_str(ctx->a, l, "html", html);
    return l;
}

static json_value *entry_json(twin_ctx *ctx, const json_value *repo, const char *ref, const char *path,
                              const json_value *content, bool with_content)
{
    arena *a = ctx->a;
    bool dir = content == NULL;
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    const char *sha = dir ? hex_sha1(a, path, strlen(path)) : blob_sha(a, content->str, content->len);
    json_value *o = json_object(a);
    json_set_str(a, o, "type", dir ? "dir" : "file");
    if (with_content) json_set_str(a, o, "encoding", "base64");
    json_set_int(a, o, "size", dir ? 0 : content->len);
    json_set_str(a, o, "name", name);
    json_set_str(a, o, "path", path);
    if (with_content) json_set_str(a, o, "content", b64_wrapped(a, content->str, content->len));
    json_set_str(a, o, "sha", sha);
    const char *self = arena_printf(a, "%s/contents/%s?ref=%s", gh_repo_url(ctx, repo), path, ref);
    const char *git = arena_printf(a, "%s/git/%s/%s", gh_repo_url(ctx, repo), dir ? "trees" : "blobs", sha);
    const char *html = arena_printf(a, "%s/%s/%s/%s", gh_repo_html(ctx, repo), dir ? "tree" : "blob", ref, path);
    json_set_str(a, o, "url", self);
    json_set_str(a, o, "git_url", git);
    json_set_str(a, o, "html_url", html);
    if (dir) json_set_null(a, o, "download_url");
    else json_set_str(a, o, "download_url", arena_printf(a, "%s/%s/raw/%s/%s", gh_base(ctx), gh_repo_key(ctx, repo), ref, path));
    json_set(a, o, "_links", links(ctx, self, git, html));
    return o;
}

void gh_get_contents(twin_ctx *ctx)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    arena *a = ctx->a;
    const char *key = gh_repo_key(ctx, repo), *ref = json_get_str(ctx->query, "ref");
    if (!ref || !*ref) ref = json_get_str(repo, "default_branch");
    const char *sha = gh_resolve(ctx, key, ref);
    json_value *c = gh_commit_get(ctx, key, sha);
    if (!c) {
        if (twin_doc_count(ctx, "refs", "repo", key) <= 0) return gh_message(ctx, 404, "This repository is empty.");
        return gh_message(ctx, 404, arena_printf(a, "No commit found for the ref %s", ref));
    }
    const char *path = content_path(ctx);
    json_value *files = json_get(c, "files");
    json_value *file = *path ? json_get(files, path) : NULL;
    if (file) {
        const char *accept = http_header_get(ctx->req, "Accept");
        if (accept && strstr(accept, "raw")) {
            twin_reply_text(ctx, 200, "application/vnd.github.raw", file->str, file->len);
            return;
        }
        gh_reply(ctx, 200, entry_json(ctx, repo, ref, path, file, true));
        return;
    }
    /* A directory: its direct children (files and sub-directories). */
    json_value *out = json_array(a), *seen_dirs = json_object(a);
    size_t plen = strlen(path);
    json_foreach(f, files) {
        const char *rest;
        if (plen) {
            if (strncmp(f->key, path, plen) != 0 || f->key[plen] != '/') continue;
            rest = f->key + plen + 1;
        } else {
            rest = f->key;
        }
        const char *slash = strchr(rest, '/');
        if (slash) {
            const char *child = arena_strndup(a, f->key, (size_t)(slash - f->key));
            if (json_get(seen_dirs, child)) continue;
            json_set_bool(a, seen_dirs, child, true);
            json_push(out, entry_json(ctx, repo, ref, child, NULL, false));
        } else {
            json_push(out, entry_json(ctx, repo, ref, f->key, f, false));
        }
    }
    if (!out->len) return gh_not_found(ctx);
    gh_reply(ctx, 200, out);
}

static void change_file(twin_ctx *ctx, bool remove)
{
    json_value *repo = gh_repo_load(ctx);
    if (!repo) return;
    arena *a = ctx->a;
    const char *key = gh_repo_key(ctx, repo), *path = content_path(ctx);
    const char *message = gh_str_arg(ctx, "message"), *content64 = gh_str_arg(ctx, "content");
    const char *sha = gh_str_arg(ctx, "sha"), *branch = gh_str_arg(ctx, "branch");
    if (!message) return gh_invalid(ctx, "Commit", "message", "missing_field", NULL);
    if (!remove && !content64) return gh_invalid(ctx, "Content", "content", "missing_field", NULL);
    if (!*path) return gh_message(ctx, 422, "Invalid request.\n\nFor 'properties/path', \"\" is not a valid path.");
    if (!branch || !*branch) branch = json_get_str(repo, "default_branch");
    const char *ref = arena_printf(a, "refs/heads/%s", branch), *head = gh_ref_sha(ctx, key, ref);
    bool empty = twin_doc_count(ctx, "refs", "repo", key) <= 0;
    if (!head && !empty) return gh_message(ctx, 404, arena_printf(a, "Branch %s not found", branch));
    json_value *hc = gh_commit_get(ctx, key, head);
    json_value *existing = hc ? json_get(json_get(hc, "files"), path) : NULL;
    const char *cur = existing ? blob_sha(a, existing->str, existing->len) : NULL;
    if (remove) {
        if (!existing) return gh_not_found(ctx);
        if (!sha) return gh_message(ctx, 422, "Invalid request.\n\n\"sha\" wasn't supplied.");
        if (!str_eq(sha, cur)) return gh_message(ctx, 409, arena_printf(a, "%s does not match %s", path, sha));
    } else if (existing) {
        if (!sha) return gh_message(ctx, 422, "Invalid request.\n\n\"sha\" wasn't supplied.");
        if (!str_eq(sha, cur)) return gh_message(ctx, 409, arena_printf(a, "%s does not match %s", path, sha));
    } else if (sha && !empty) {
        /* a sha for a file that does not exist on the branch */
        return gh_message(ctx, 409, arena_printf(a, "%s does not match %s", path, sha));
    }
    json_value *changes = json_object(a);
    if (remove) {
        json_set_null(a, changes, path);
    } else {
        size_t n = 0;
        char *raw = base64_decode(a, content64, &n);
        if (!raw) return gh_message(ctx, 422, "content is not valid Base64");
        json_set(a, changes, path, json_stringn(a, raw, n));
    }
    json_value *c = gh_commit_create(ctx, key, head, NULL, changes, message, gh_viewer(ctx));
    const char *new_sha = json_get_str(c, "sha");
    gh_ref_set(ctx, key, ref, new_sha);
    gh_repo_touch(ctx, repo, true);
    gh_emit_push(ctx, repo, ref, head, new_sha);
    json_value *out = json_object(a);
    if (remove) json_set_null(a, out, "content");
    else json_set(a, out, "content", entry_json(ctx, repo, branch, path, json_get(changes, path), false));
    json_set(a, out, "commit", git_commit_json(ctx, repo, c));
    gh_reply(ctx, !remove && !existing ? 201 : 200, out);
}

void gh_put_contents(twin_ctx *ctx)
{
    change_file(ctx, false);
}

void gh_delete_contents(twin_ctx *ctx)
{
    change_file(ctx, true);
}
