/* Client subcommands: up, runs, catalog.  They talk to a running server
 * (TWINS_URL or --server, default http://127.0.0.1:8400) with libcurl. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "http/http.h"
#include "json/json.h"
#include "util/util.h"

typedef struct client {
    char server[512];
    const char *api_key;
    bool json;
    arena *a;
} client;

typedef struct response {
    long status;
    buf body;
} response;

void cli_usage(void)
{
    puts("twins — self-hosted digital twins of SaaS APIs\n\n"
         "usage: twins <command> [options]\n\n"
         "  serve                      run the server (twins serve --help)\n"
         "  up TWIN... [--ttl M] [--scenario ID] [--env-file F]\n"
         "                             provision a run and print its .env block\n"
         "                             (starts a local server when none answers)\n"
         "  runs list|get|extend|lock|teardown|reset|env [RUN] [--ttl M]\n"
         "  scenarios list|get|create|update|delete|export\n"
         "                             manage scenarios (twins scenarios --help)\n"
         "  catalog [--coverage]       list the twins\n"
         "  version\n\n"
         "client options: --server URL (or TWINS_URL), --api-key KEY (or TWINS_API_KEY), --json");
}

static size_t collect(char *p, size_t size, size_t n, void *userdata)
{
    buf_append(userdata, p, size * n);
    return size * n;
}

static bool http_call(client *c, const char *method, const char *path, const char *body, response *out)
{
    CURL *h = curl_easy_init();
    if (!h) return false;
    char url[1024];
    snprintf(url, sizeof url, "%s%s", c->server, path);
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (c->api_key) {
        char auth[600];
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->api_key);
        headers = curl_slist_append(headers, auth);
    }
    out->body = (buf)BUF_INIT;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &out->body);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    if (body) curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    CURLcode rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    return rc == CURLE_OK;
}

/* Calls the server; prints the error and returns NULL on failure. */
static json_value *call_json(client *c, const char *method, const char *path, const char *body)
{
    response r;
    if (!http_call(c, method, path, body, &r)) {
        fprintf(stderr, "twins: no server answers at %s (start one with 'twins serve')\n", c->server);
        buf_free(&r.body);
        return NULL;
    }
    json_value *v = json_parse(c->a, buf_cstr(&r.body), r.body.len, NULL);
    if (r.status >= 400) {
        const char *detail = json_get_str(v, "detail");
        fprintf(stderr, "twins: %ld %s\n", r.status, detail ? detail : buf_cstr(&r.body));
        v = NULL;
    }
    buf_free(&r.body);
    return v;
}

static void print_json(const json_value *v)
{
    buf b = BUF_INIT;
    json_write_pretty(&b, v, 2);
    puts(buf_cstr(&b));
    buf_free(&b);
}

static void write_env_block(FILE *f, const json_value *status)
{
    fprintf(f, "# twins run %s (expires %s)\n", json_get_str(status, "run_id"), json_get_str(status, "expires_at"));
    json_foreach(twin, json_get(status, "twins")) {
        fprintf(f, "# %s: base %s\n", twin->key, json_get_str(twin, "base_url"));
        json_foreach(var, json_get(twin, "env_vars")) fprintf(f, "%s=%s\n", var->key, var->str ? var->str : "");
    }
}

static void print_run_human(const json_value *s)
{
    printf("run %s  %s  expires %s%s\n", json_get_str(s, "run_id"), json_get_str(s, "status"),
           json_get_str(s, "expires_at"), json_truthy(json_get(s, "locked")) ? "  locked" : "");
    json_foreach(twin, json_get(s, "twins"))
        printf("  %-16s %s\n  %-16s admin %s\n", twin->key, json_get_str(twin, "base_url"), "",
               json_get_str(twin, "admin_url"));
}

/* ---- option parsing shared by client commands ---- */

typedef struct client_opts {
    int ttl;
    const char *scenario;
    const char *env_file;
    bool coverage;
    const char *file;       /* scenarios create/update */
    const char *twin;       /* scenarios list filters */
    const char *tag;
    bool presets;
} client_opts;

static int parse_client(int argc, char **argv, client *c, client_opts *o)
{
    const char *env_url = getenv("TWINS_URL");
    snprintf(c->server, sizeof c->server, "%s", env_url ? env_url : "http://127.0.0.1:8400");
    c->api_key = getenv("TWINS_API_KEY");
    static const struct option longopts[] = {{"server", 1, 0, 's'}, {"api-key", 1, 0, 'k'}, {"json", 0, 0, 'j'},
                                             {"ttl", 1, 0, 't'},    {"scenario", 1, 0, 'c'}, {"env-file", 1, 0, 'e'},
                                             {"coverage", 0, 0, 'v'}, {"file", 1, 0, 'f'},
                                             {"twin", 1, 0, 'w'},   {"tag", 1, 0, 'g'},      {"presets", 0, 0, 'p'},
                                             {"help", 0, 0, 'h'},   {0, 0, 0, 0}};
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case 's': snprintf(c->server, sizeof c->server, "%s", optarg); break;
        case 'k': c->api_key = optarg; break;
        case 'j': c->json = true; break;
        case 't': o->ttl = atoi(optarg); break;
        case 'c': o->scenario = optarg; break;
        case 'e': o->env_file = optarg; break;
        case 'v': o->coverage = true; break;
        case 'f': o->file = optarg; break;
        case 'w': o->twin = optarg; break;
        case 'g': o->tag = optarg; break;
        case 'p': o->presets = true; break;
        case 'h': cli_usage(); exit(0);
        default: return -1;
        }
    }
    size_t n = strlen(c->server);
    if (n && c->server[n - 1] == '/') c->server[n - 1] = '\0';
    return optind;
}

/* ---- twins up ---- */

static bool server_answers(client *c)
{
    response r;
    bool ok = http_call(c, "GET", "/health", NULL, &r) && r.status == 200;
    buf_free(&r.body);
    return ok;
}

/* Starts `twins serve` in the background, detached, logging to a file. */
static bool start_local_server(client *c)
{
    int port = TWINS_DEFAULT_PORT;
    const char *colon = strrchr(c->server, ':');
    if (colon) port = atoi(colon + 1);
    char log_path[256];
    snprintf(log_path, sizeof log_path, "%s/twins-server-%d.log", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", port);
    pid_t pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
        setsid();
        int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        char port_s[16];
        snprintf(port_s, sizeof port_s, "%d", port);
        execl("/proc/self/exe", "twins", "serve", "--port", port_s, (char *)NULL);
        _exit(127);
    }
    fprintf(stderr, "twins: started a local server on port %d (pid %d, log %s)\n", port, (int)pid, log_path);
    for (int i = 0; i < 100; i++) {
        if (server_answers(c)) return true;
        struct timespec ts = {0, 50 * 1000000};
        nanosleep(&ts, NULL);
    }
    return false;
}

int cli_up(int argc, char **argv)
{
    client c = {.a = arena_new(0)};
    client_opts o = {.ttl = 60};
    int first = parse_client(argc, argv, &c, &o);
    if (first < 0 || first >= argc) {
        fprintf(stderr, "usage: twins up TWIN... [--ttl M] [--scenario ID] [--env-file F]\n");
        return 2;
    }
    if (!server_answers(&c) && !start_local_server(&c)) {
        fprintf(stderr, "twins: could not reach or start a server at %s\n", c.server);
        return 1;
    }
    buf body = BUF_INIT;
    jw w;
    jw_init(&w, &body);
    jw_object_begin(&w);
    jw_key(&w, "twins");
    jw_array_begin(&w);
    for (int i = first; i < argc; i++) jw_string(&w, argv[i]);
    jw_array_end(&w);
    jw_kv_int(&w, "ttl_minutes", o.ttl);
    if (o.scenario) jw_kv_string(&w, "scenario_id", o.scenario);
    jw_object_end(&w);
    json_value *status = call_json(&c, "POST", "/twin-runs", buf_cstr(&body));
    buf_free(&body);
    int rc = status ? 0 : 1;
    if (status && c.json) {
        print_json(status);
    } else if (status && o.env_file) {
        FILE *f = fopen(o.env_file, "w");
        if (!f) {
            fprintf(stderr, "twins: cannot write %s: %s\n", o.env_file, strerror(errno));
            rc = 1;
        } else {
            write_env_block(f, status);
            fclose(f);
            fprintf(stderr, "twins: run %s ready; env written to %s\n", json_get_str(status, "run_id"), o.env_file);
        }
    } else if (status) {
        write_env_block(stdout, status);
    }
    arena_free(c.a);
    return rc;
}

/* ---- twins runs ---- */

static int runs_action(client *c, const char *action, const char *id, const client_opts *o)
{
    char path[256];
    json_value *v = NULL;
    if (strcmp(action, "get") == 0 || strcmp(action, "env") == 0) {
        snprintf(path, sizeof path, "/twin-runs/%s", id);
        v = call_json(c, "GET", path, NULL);
        if (v && strcmp(action, "env") == 0 && !c->json) {
            write_env_block(stdout, v);
            return 0;
        }
        if (v && !c->json) {
            print_run_human(v);
            return 0;
        }
    } else if (strcmp(action, "extend") == 0) {
        char body[64];
        snprintf(body, sizeof body, "{\"ttl_minutes\":%d}", o->ttl);
        snprintf(path, sizeof path, "/twin-runs/%s/extend", id);
        v = call_json(c, "POST", path, body);
    } else {
        snprintf(path, sizeof path, "/twin-runs/%s/%s", id, action);
        v = call_json(c, "POST", path, "{}");
    }
    if (!v) return 1;
    if (c->json) print_json(v);
    else printf("%s: %s\n", id, json_get_str(v, "status") ? json_get_str(v, "status") : "ok");
    return 0;
}

int cli_runs(int argc, char **argv)
{
    client c = {.a = arena_new(0)};
    client_opts o = {.ttl = 60};
    int first = parse_client(argc, argv, &c, &o);
    if (first < 0 || first >= argc) {
        fprintf(stderr, "usage: twins runs list|get|extend|lock|teardown|reset|env [RUN] [--ttl M] [--json]\n");
        return 2;
    }
    const char *action = argv[first];
    int rc;
    if (strcmp(action, "list") == 0) {
        json_value *v = call_json(&c, "GET", "/twin-runs", NULL);
        rc = v ? 0 : 1;
        if (v && c.json) print_json(v);
        else json_foreach(r, v) print_run_human(r);
    } else if (first + 1 >= argc) {
        fprintf(stderr, "twins runs %s: which run? (twins runs list)\n", action);
        rc = 2;
    } else if (strstr("get env extend lock teardown reset", action)) {
        rc = runs_action(&c, action, argv[first + 1], &o);
    } else {
        fprintf(stderr, "twins runs: unknown action '%s'\n", action);
        rc = 2;
    }
    arena_free(c.a);
    return rc;
}

/* ---- twins catalog ---- */

static int print_coverage(client *c, const json_value *catalog)
{
    /* Coverage comes from a twin's admin openapi, which needs a run. */
    buf body = BUF_INIT;
    buf_puts(&body, "{\"ttl_minutes\":1,\"twins\":[");
    json_foreach(t, catalog) {
        if (t != catalog->first) buf_putc(&body, ',');
        json_write_string(&body, json_get_str(t, "name"), strlen(json_get_str(t, "name")));
    }
    buf_puts(&body, "]}");
    json_value *run = call_json(c, "POST", "/twin-runs", buf_cstr(&body));
    buf_free(&body);
    if (!run) return 1;
    const char *token = json_get_str(run, "proxy_token");
    printf("%-18s %9s %9s\n", "twin", "stateful", "stubbed");
    json_foreach(t, json_get(run, "twins")) {
        char path[512];
        snprintf(path, sizeof path, "/runs/%s/twins/%s/admin/openapi?token=%s", json_get_str(run, "run_id"), t->key,
                 token);
        json_value *cov = call_json(c, "GET", path, NULL);
        int64_t stateful = 0, stub = 0;
        json_int64(json_get(cov, "stateful"), &stateful);
        json_int64(json_get(cov, "stub"), &stub);
        printf("%-18s %9lld %9lld\n", t->key, (long long)stateful, (long long)stub);
    }
    char path[128];
    snprintf(path, sizeof path, "/twin-runs/%s/teardown", json_get_str(run, "run_id"));
    call_json(c, "POST", path, "{}");
    return 0;
}

int cli_catalog(int argc, char **argv)
{
    client c = {.a = arena_new(0)};
    client_opts o = {0};
    if (parse_client(argc, argv, &c, &o) < 0) return 2;
    json_value *v = call_json(&c, "GET", "/validate/twins", NULL);
    int rc = v ? 0 : 1;
    if (v && o.coverage) rc = print_coverage(&c, v);
    else if (v && c.json) print_json(v);
    else
        json_foreach(t, v) printf("%-18s %-18s %s\n", json_get_str(t, "name"), json_get_str(t, "label"),
                                  json_get_str(t, "kind"));
    arena_free(c.a);
    return rc;
}

/* ---- twins scenarios ---- */

static char *read_file_text(const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "twins: cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    buf b = BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(&b, chunk, n);
    if (f != stdin) fclose(f);
    return buf_steal(&b, NULL);
}

/* The fields a scenario is created from, so `export` output feeds `create --file`. */
static void print_exportable(const json_value *s)
{
    static const char *const fields[] = {"name", "description", "prompt", "twins", "seed_config", "tags"};
    arena *a = arena_new(0);
    json_value *out = json_object(a);
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        json_value *v = json_get(s, fields[i]);
        if (v && v->type != JSON_NULL) json_set(a, out, fields[i], json_clone(a, v));
    }
    print_json(out);
    arena_free(a);
}

static int scenario_with_body(client *c, const char *method, const char *path, const client_opts *o)
{
    if (!o->file) {
        fprintf(stderr, "twins scenarios: --file F (JSON; - for stdin) is required\n");
        return 2;
    }
    char *body = read_file_text(o->file);
    if (!body) return 1;
    json_value *v = call_json(c, method, path, body);
    free(body);
    if (!v) return 1;
    if (c->json) print_json(v);
    else printf("%s  %s\n", json_get_str(v, "id"), json_get_str(v, "name"));
    return 0;
}

static int scenarios_list(client *c, const client_opts *o)
{
    char path[512];
    int n = snprintf(path, sizeof path, "/scenarios?include_presets=%s", o->presets ? "true" : "false");
    arena *a = c->a;
    if (o->twin) n += snprintf(path + n, sizeof path - (size_t)n, "&twin=%s", http_percent_encode(a, o->twin, strlen(o->twin)));
    if (o->tag) snprintf(path + n, sizeof path - (size_t)n, "&tag=%s", http_percent_encode(a, o->tag, strlen(o->tag)));
    json_value *v = call_json(c, "GET", path, NULL);
    if (!v) return 1;
    if (c->json) {
        print_json(v);
        return 0;
    }
    json_foreach(s, v) {
        buf twins = BUF_INIT;
        json_foreach(t, json_get(s, "twins")) {
            if (twins.len) buf_putc(&twins, ',');
            buf_puts(&twins, t->str ? t->str : "");
        }
        printf("%-38s %-36s %s%s\n", json_get_str(s, "id"), json_get_str(s, "name"), buf_cstr(&twins),
               json_truthy(json_get(s, "is_preset")) ? "  (preset)" : "");
        buf_free(&twins);
    }
    return 0;
}

int cli_scenarios(int argc, char **argv)
{
    client c = {.a = arena_new(0)};
    client_opts o = {0};
    int first = parse_client(argc, argv, &c, &o);
    const char *usage = "usage: twins scenarios list [--twin T] [--tag T] [--presets] | get ID | create --file F |\n"
                        "                       update ID --file F | delete ID | export ID   [--json]\n";
    if (first < 0 || first >= argc) {
        fputs(usage, stderr);
        arena_free(c.a);
        return 2;
    }
    const char *action = argv[first];
    const char *id = first + 1 < argc ? argv[first + 1] : NULL;
    char path[512];
    if (id) snprintf(path, sizeof path, "/scenarios/%s", http_percent_encode(c.a, id, strlen(id)));
    int rc = 2;
    if (strcmp(action, "list") == 0) {
        rc = scenarios_list(&c, &o);
    } else if (strcmp(action, "create") == 0) {
        rc = scenario_with_body(&c, "POST", "/scenarios", &o);
    } else if (!id) {
        fputs(usage, stderr);
    } else if (strcmp(action, "update") == 0) {
        rc = scenario_with_body(&c, "PUT", path, &o);
    } else if (strcmp(action, "get") == 0 || strcmp(action, "export") == 0) {
        json_value *v = call_json(&c, "GET", path, NULL);
        rc = v ? 0 : 1;
        if (v && strcmp(action, "export") == 0) print_exportable(v);
        else if (v) print_json(v);
    } else if (strcmp(action, "delete") == 0) {
        rc = call_json(&c, "DELETE", path, NULL) ? 0 : 1;
        if (!rc) printf("%s: deleted\n", id);
    } else {
        fputs(usage, stderr);
    }
    arena_free(c.a);
    return rc;
}
