/* Random request targets against a few hundred templates.  A match must
 * re-match the same template when its parameters are substituted back (every
 * byte percent-encoded, '/' kept inside catch-alls so the shape is
 * unchanged); a path holding "%00" matches nothing.  The query (after '?')
 * goes through the query getters, which must agree with each other: the
 * span has the decoded bytes, the C-string forms are never cut short. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"
#include "http/http.h"
#include "http/router.h"
#include "util/buf.h"

static router *table;

static void build_table(void)
{
    static const char *heads[] = {"repos", "users", "orgs", "v1", "api", "files"};
    static const char *tails[] = {"", "/{id}", "/{id}/items", "/{id}/items/{item}", "/search",
                                  "/{name}.json", "/{fileId}:copy", "/v{version}/x", "/raw/{path+}",
                                  "/{a}/{b}/{c}", "/me/settings", "/{id}/{+rest}", "/x/"};
    char t[256];
    table = router_new();
    for (size_t h = 0; h < sizeof heads / sizeof *heads; h++)
        for (int k = 0; k < 4; k++)
            for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
                snprintf(t, sizeof t, "/%s%s%s%s", heads[h], k ? "/k" : "", k > 1 ? "/{q}" : "", tails[i]);
                router_add(table, k == 3 ? "*" : "GET", t, NULL);
                router_add(table, "POST", t, NULL);
            }
}

static void encode_all(buf *out, const char *v, bool keep_slash)
{
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (keep_slash && *p == '/') buf_putc(out, '/');
        else buf_printf(out, "%%%02X", *p);
    }
}

/* Rebuilds a path from the template, substituting the params in order. */
static void substitute(buf *out, const route_match *m)
{
    size_t k = 0;
    for (const char *t = m->template_path; *t; t++) {
        if (*t != '{') {
            buf_putc(out, *t);
            continue;
        }
        const char *close = strchr(t, '}');
        bool catch_all = close[-1] == '+' || t[1] == '+';
        encode_all(out, m->params[k++].value, catch_all);
        t = close;
    }
}

/* The three getters must tell the same story about one name. */
static void check_query_name(http_request *req, const json_value *decoded, const char *name)
{
    byte_span v;
    bool found = http_query_span(req, name, &v);
    const char *c = http_query_get(req, name);
    if (found != (c != NULL)) abort();
    const char **all;
    size_t n = http_query_all(req, name, &all);
    if ((n > 0) != found || (found && strcmp(all[0], c) != 0)) abort();
    const json_value *j = json_get(decoded, name);
    if (j && j->type == JSON_STRING && strlen(j->str) != j->len) abort();   /* never cut short */
    if (!found) return;
    if (((const char *)v.p)[v.n] != '\0') abort();
    if (!memchr(v.p, '\0', v.n)) {
        if (strlen(c) != v.n || memcmp(c, v.p, v.n) != 0) abort();
    } else if (!strstr(c, "%00")) {
        abort();    /* a NUL-bearing value comes back as sent */
    }
}

static void check_query(arena *a, const char *query)
{
    http_request req = {.arena = a, .query = query};
    const json_value *decoded = form_decode_query(a, query, strlen(query));
    static const char *const names[] = {"a", "id", "q", "", "a[]"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) check_query_name(&req, decoded, names[i]);
    /* and the first key as the query spells it, decoded */
    size_t key_len = strcspn(query, "=&");
    size_t dec_len;
    const char *key = http_percent_decode(a, query, key_len, true, &dec_len);
    if (strlen(key) == dec_len) check_query_name(&req, decoded, key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!table) build_table();
    if (size < 1) return 0;
    const char *method = data[0] & 1 ? "POST" : (data[0] & 2 ? "PUT" : "GET");
    arena *a = arena_new(0);
    char *path = arena_strndup(a, (const char *)data + 1, size - 1);
    char *q = strchr(path, '?');
    if (q) {
        *q++ = '\0';
        check_query(a, q);
    }
    route_match m, again;
    route_result rr = router_match(table, a, method, path, &m);
    if (rr == ROUTE_FOUND && strstr(path, "%00")) abort();
    /* An encoded '/' inside a catch-all decodes to a real one, so putting it
     * back adds a segment and a more specific template may then rightly win:
     * such paths are still matched (for crashes) but not round-tripped. */
    bool round_trip = !strcasestr(path, "%2f");
    if (rr == ROUTE_FOUND && round_trip) {
        buf re = BUF_INIT;
        substitute(&re, &m);
        if (router_match(table, a, method, buf_cstr(&re), &again) != ROUTE_FOUND ||
            strcmp(again.template_path, m.template_path) != 0) {
            fprintf(stderr, "%s matched %s; %s matched %s\n", path, m.template_path, buf_cstr(&re),
                    router_match(table, a, method, buf_cstr(&re), &again) == ROUTE_FOUND ? again.template_path : "-");
            abort();
        }
        for (size_t i = 0; i < m.n_params; i++)
            if (strcmp(m.params[i].value, again.params[i].value) != 0) abort();
        buf_free(&re);
    }
    arena_free(a);
    return 0;
}
