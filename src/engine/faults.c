#include "engine/faults.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

typedef struct fault {
    struct fault *next;
    char id[16];
    char *method;           /* NULL = any */
    char *path_glob;
    uint64_t latency_ms;
    int status;
    char *error_code;
    char *message;
    int64_t retry_after;
    int64_t remaining;      /* -1 = unlimited */
    double probability;     /* 1.0 = always */
    uint64_t seed, rng;
    uint64_t hits;
} fault;

struct fault_list {
    fault *head;
    int next_id;
};

fault_list *faults_new(void)
{
    fault_list *f = calloc(1, sizeof *f);
    if (!f) abort();
    return f;
}

static void fault_free(fault *x)
{
    free(x->method);
    free(x->path_glob);
    free(x->error_code);
    free(x->message);
    free(x);
}

void faults_clear(fault_list *f)
{
    for (fault *x = f->head, *next; x; x = next) {
        next = x->next;
        fault_free(x);
    }
    f->head = NULL;
}

void faults_free(fault_list *f)
{
    if (!f) return;
    faults_clear(f);
    free(f);
}

bool faults_empty(const fault_list *f)
{
    return !f || !f->head;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* "POST /v1/charges/x" -> method POST plus the glob; a bare "/v1/x" matches any method. */
static void split_route(const char *route, char **method, char **glob)
{
    const char *space = strchr(route, ' ');
    if (space && route[0] != '/') {
        *method = strndup(route, (size_t)(space - route));
        while (*space == ' ') space++;
        *glob = strdup(space);
    } else {
        *method = NULL;
        *glob = strdup(route);
    }
}

static bool read_int(const json_value *spec, const char *key, int64_t lo, int64_t hi, int64_t *out,
                     const char **error)
{
    json_value *v = json_get(spec, key);
    if (!v || v->type == JSON_NULL) return true;
    if (!json_int64(v, out) || *out < lo || *out > hi) {
        *error = key;
        return false;
    }
    return true;
}

const char *faults_add(fault_list *f, const json_value *spec, const char **error)
{
    if (!spec || spec->type != JSON_OBJECT) {
        *error = "fault must be a JSON object";
        return NULL;
    }
    const char *route = json_get_str(spec, "route");
    if (!route) route = json_get_str(spec, "path");
    if (!route) route = "*";
    int64_t latency = 0, status = 0, count = -1, seed = 0, retry_after = 0;
    const char *bad = NULL;
    if (!read_int(spec, "latency_ms", 0, 120000, &latency, &bad) ||
        !read_int(spec, "status", 0, 599, &status, &bad) || !read_int(spec, "count", 1, 1000000000, &count, &bad) ||
        !read_int(spec, "seed", INT64_MIN, INT64_MAX, &seed, &bad) ||
        !read_int(spec, "retry_after", 0, 86400, &retry_after, &bad)) {
        *error = bad;
        return NULL;
    }
    double probability = 1.0;
    json_value *p = json_get(spec, "probability");
    if (p && p->type != JSON_NULL && (!json_double(p, &probability) || probability < 0 || probability > 1)) {
        *error = "probability must be a number from 0 to 1";
        return NULL;
    }
    if (status && status < 400) {
        *error = "status must be an error status (400-599)";
        return NULL;
    }
    if (!status && !latency) {
        *error = "a fault needs a status, latency_ms, or both";
        return NULL;
    }
    fault *x = calloc(1, sizeof *x);
    if (!x) abort();
    split_route(route, &x->method, &x->path_glob);
    x->latency_ms = (uint64_t)latency;
    x->status = (int)status;
    x->error_code = dup_or_null(json_get_str(spec, "error_code"));
    if (!x->error_code) x->error_code = dup_or_null(json_get_str(spec, "error"));
    x->message = dup_or_null(json_get_str(spec, "message"));
    x->retry_after = retry_after;
    x->remaining = count;
    x->probability = probability;
    x->seed = x->rng = (uint64_t)seed;
    snprintf(x->id, sizeof x->id, "flt_%d", ++f->next_id);
    fault **tail = &f->head;
    while (*tail) tail = &(*tail)->next;
    *tail = x;
    return x->id;
}

bool faults_remove(fault_list *f, const char *id)
{
    for (fault **pp = &f->head; *pp; pp = &(*pp)->next) {
        if (strcmp((*pp)->id, id) == 0) {
            fault *x = *pp;
            *pp = x->next;
            fault_free(x);
            return true;
        }
    }
    return false;
}

void faults_write(const fault_list *f, jw *w)
{
    jw_object_begin(w);
    jw_key(w, "faults");
    jw_array_begin(w);
    for (const fault *x = f->head; x; x = x->next) {
        jw_object_begin(w);
        jw_kv_string(w, "id", x->id);
        jw_key(w, "route");
        if (x->method) {
            char route[512];
            snprintf(route, sizeof route, "%s %s", x->method, x->path_glob);
            jw_string(w, route);
        } else {
            jw_string(w, x->path_glob);
        }
        jw_kv_int(w, "latency_ms", (int64_t)x->latency_ms);
        if (x->status) jw_kv_int(w, "status", x->status); else jw_kv_null(w, "status");
        jw_kv_string(w, "error_code", x->error_code);
        jw_kv_string(w, "message", x->message);
        if (x->remaining >= 0) jw_kv_int(w, "remaining", x->remaining); else jw_kv_null(w, "remaining");
        jw_key(w, "probability");
        jw_double(w, x->probability);
        jw_kv_int(w, "seed", (int64_t)x->seed);
        jw_kv_int(w, "hits", (int64_t)x->hits);
        jw_object_end(w);
    }
    jw_array_end(w);
    jw_object_end(w);
}

/* The pattern may be written as the client sends the path or decoded, the
 * way the router matches it ("/users/@me" also catches "/users/%40me"). */
static bool fault_matches(const fault *x, const char *method, const char *path, const char *decoded_path)
{
    if (x->method && strcasecmp(x->method, method) != 0 && strcmp(x->method, "*") != 0) return false;
    return glob_match(x->path_glob, path) || (decoded_path && glob_match(x->path_glob, decoded_path));
}

/* Draws from the fault's own generator so the sequence depends only on its seed. */
static bool fault_fires(fault *x)
{
    if (x->probability >= 1.0) return true;
    double draw = (double)(splitmix64(&x->rng) >> 11) / (double)(1ull << 53);
    return draw < x->probability;
}

fault_hit faults_check(fault_list *f, const char *method, const char *path, const char *decoded_path)
{
    fault_hit hit = {0};
    if (!f) return hit;
    for (fault **pp = &f->head; *pp;) {
        fault *x = *pp;
        if (!fault_matches(x, method, path, decoded_path) || !fault_fires(x)) {
            pp = &x->next;
            continue;
        }
        x->hits++;
        hit.matched = true;
        hit.latency_ms += x->latency_ms;
        if (x->status && !hit.status) {
            hit.status = x->status;
            snprintf(hit.error_code, sizeof hit.error_code, "%s", x->error_code ? x->error_code : "");
            snprintf(hit.message, sizeof hit.message, "%s", x->message ? x->message : "");
            hit.retry_after = x->retry_after;
        }
        if (x->remaining > 0 && --x->remaining == 0) {
            *pp = x->next;
            fault_free(x);
            continue;
        }
        pp = &x->next;
    }
    return hit;
}
