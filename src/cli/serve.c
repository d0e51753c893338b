/* `twins serve`: the server process. */
#include <arpa/inet.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "cli/cli.h"
#include "control/control.h"
#include "control/scenarios.h"
#include "engine/dispatch.h"
#include "engine/stub.h"
#include "engine/webhooks.h"
#include "runs/runs.h"
#include "util/util.h"

#define MAX_API_KEYS 32

typedef struct serve_opts {
    const char *bind;
    int port;
    const char *data_dir;
    const char *store_kind;     /* "memory", "sqlite", "postgres"; NULL: memory, sqlite with a data dir */
    const char *store_url;      /* PostgreSQL conninfo/URI: a store shared by a fleet */
    const char *node_id;        /* this server's name among those sharing store_url */
    int port_lo, port_hi;
    const char *public_domain;
    const char *public_scheme;
    const char *advertise_host;
    const char *spec_dir;
    const char *port_file;
    const char *api_keys[MAX_API_KEYS + 1];
    size_t n_keys;
    size_t max_body;
    bool quiet;
} serve_opts;

static struct {
    uv_loop_t *loop;
    http_server *srv;
    store *st;
    uv_signal_t sigterm, sigint;
    uv_timer_t log_flush;
    bool access_log;
    bool stopping;
} S;

static void serve_usage(void)
{
    puts("usage: twins serve [options]\n"
         "  --bind ADDR          address to listen on (default 127.0.0.1)\n"
         "  --port N             control-plane port (default 8400; 0 picks a free one)\n"
         "  --port-range LO-HI   ports for twin base URLs (default 41000-49999)\n"
         "  --data-dir DIR       keep state in DIR/twins.db (SQLite; default: in memory)\n"
         "  --store KIND         memory (default without --data-dir; or TWINS_STORE) or sqlite\n"
         "  --store-url URL      keep state in PostgreSQL (postgres://user@host/db or a\n"
         "                       libpq conninfo; also TWINS_STORE_URL), shared by a fleet\n"
         "  --node-id NAME       this server's name in a shared store (also TWINS_NODE_ID;\n"
         "                       default HOST:PORT): a restart restores its own runs\n"
         "  --public-domain D    also route <run>--<twin>.D on the main port\n"
         "  --public-scheme S    scheme of host-name URLs (default https)\n"
         "  --advertise-host H   host name put in URLs (default: the bind address)\n"
         "  --spec-dir DIR       compiled API descriptions (default: specs/compiled of\n"
         "                       the source tree the binary was built in)\n"
         "  --api-key KEY        accept KEY (repeatable; also TWINS_API_KEYS=k1,k2)\n"
         "  --max-body BYTES     request body limit (default 64 MiB)\n"
         "  --port-file F        write the bound control-plane port to F\n"
         "  --quiet              no access log");
}

static bool is_loopback(const char *addr)
{
    struct in_addr a4;
    if (strcmp(addr, "localhost") == 0 || strcmp(addr, "::1") == 0) return true;
    return inet_pton(AF_INET, addr, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

static void add_env_keys(serve_opts *o)
{
    const char *env = getenv("TWINS_API_KEYS");
    if (!env) return;
    char *copy = strdup(env), *save = NULL;
    for (char *k = strtok_r(copy, ", ", &save); k && o->n_keys < MAX_API_KEYS; k = strtok_r(NULL, ", ", &save))
        o->api_keys[o->n_keys++] = strdup(k);
    free(copy);
}

/* A PostgreSQL store (--store-url or TWINS_STORE_URL) is shared by the
 * servers of a fleet; each names itself (--node-id or TWINS_NODE_ID, else
 * see default_node_id) so a restart restores the runs it provisioned and no
 * others. */
static bool add_store_url(serve_opts *o)
{
    const char *env = getenv("TWINS_STORE_URL");
    if (!o->store_url && env && *env) o->store_url = env;
    if (!o->store_url) return true;
    if (o->data_dir) {
        fprintf(stderr, "twins: --data-dir and --store-url are exclusive: pick one store\n");
        return false;
    }
    env = getenv("TWINS_NODE_ID");
    if (!o->node_id && env && *env) o->node_id = env;
    return true;
}

/* "host:port" of the control plane: unique among servers on one machine
 * (two servers taking each other's runs would be worse than none), and
 * stable across restarts on a fixed --port.  With --port 0, give --node-id
 * to keep runs across restarts. */
static const char *default_node_id(int bound_port)
{
    static char id[300];
    char host[256];
    if (gethostname(host, sizeof host) != 0) snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = '\0';
    snprintf(id, sizeof id, "%s:%d", host, bound_port);
    return id;
}

/* The compiled descriptions live in the source tree beside the build
 * folder (build/twins -> specs/compiled), so the server finds them from any
 * working directory; ./specs/compiled is the fallback. */
static const char *default_spec_dir(void)
{
    static char dir[PATH_MAX + 32];   /* room for the suffixes below */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) *slash = '\0';
        struct stat st;
        snprintf(dir, sizeof dir, "%s/../specs/compiled", exe);
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) return dir;
        snprintf(dir, sizeof dir, "%s/../../specs/compiled", exe);
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) return dir;
    }
    return "specs/compiled";
}

/* Picks the backend: PostgreSQL with a store URL, SQLite with a data
 * directory, else --store or TWINS_STORE (memory by default). */
static bool choose_store(serve_opts *o)
{
    if (!add_store_url(o)) return false;
    if (o->store_url) {
        if (o->store_kind && strcmp(o->store_kind, "postgres") != 0) {
            fprintf(stderr, "twins: --store-url keeps state in PostgreSQL; drop --store %s\n", o->store_kind);
            return false;
        }
        o->store_kind = "postgres";
        return true;
    }
    /* TWINS_STORE picks the backend of a server without a data directory
     * (the test suites run once per backend with it). */
    const char *env_store = getenv("TWINS_STORE");
    if (!o->store_kind && !o->data_dir && env_store && *env_store) o->store_kind = env_store;
    if (!o->store_kind) o->store_kind = o->data_dir ? "sqlite" : "memory";
    if (strcmp(o->store_kind, "memory") != 0 && strcmp(o->store_kind, "sqlite") != 0) {
        fprintf(stderr, "twins: --store wants memory or sqlite (PostgreSQL: --store-url)\n");
        return false;
    }
    if (o->data_dir && strcmp(o->store_kind, "memory") == 0) {
        fprintf(stderr, "twins: --data-dir keeps state on disk; it needs --store sqlite\n");
        return false;
    }
    return true;
}

static bool parse_serve_opts(int argc, char **argv, serve_opts *o)
{
    *o = (serve_opts){.bind = "127.0.0.1", .port = TWINS_DEFAULT_PORT, .port_lo = 41000, .port_hi = 49999,
                      .public_scheme = "https", .spec_dir = default_spec_dir(), .max_body = 64u << 20};
    static const struct option longopts[] = {
        {"bind", 1, 0, 'b'}, {"port", 1, 0, 'p'}, {"data-dir", 1, 0, 'd'}, {"store", 1, 0, 'B'}, {"port-range", 1, 0, 'r'},
        {"public-domain", 1, 0, 'D'}, {"public-scheme", 1, 0, 'S'}, {"advertise-host", 1, 0, 'A'},
        {"spec-dir", 1, 0, 's'}, {"api-key", 1, 0, 'k'}, {"max-body", 1, 0, 'm'}, {"port-file", 1, 0, 'f'},
        {"store-url", 1, 0, 'u'}, {"node-id", 1, 0, 'n'},
        {"quiet", 0, 0, 'q'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'b': o->bind = optarg; break;
        case 'p': o->port = atoi(optarg); break;
        case 'd': o->data_dir = optarg; break;
        case 'B': o->store_kind = optarg; break;
        case 'r':
            if (sscanf(optarg, "%d-%d", &o->port_lo, &o->port_hi) != 2 || o->port_lo < 1 || o->port_hi > 65535 ||
                o->port_lo > o->port_hi) {
                fprintf(stderr, "twins: --port-range wants LO-HI, e.g. 41000-49999\n");
                return false;
            }
            break;
        case 'D': o->public_domain = optarg; break;
        case 'S': o->public_scheme = optarg; break;
        case 'A': o->advertise_host = optarg; break;
        case 's': o->spec_dir = optarg; break;
        case 'k': if (o->n_keys < MAX_API_KEYS) o->api_keys[o->n_keys++] = optarg; break;
        case 'm': o->max_body = strtoull(optarg, NULL, 10); break;
        case 'f': o->port_file = optarg; break;
        case 'u': o->store_url = optarg; break;
        case 'n': o->node_id = optarg; break;
        case 'q': o->quiet = true; break;
        case 'h': serve_usage(); exit(0);
        default: serve_usage(); return false;
        }
    }
    add_env_keys(o);
    if (!choose_store(o)) return false;
    if (!o->advertise_host) o->advertise_host = strcmp(o->bind, "0.0.0.0") == 0 ? "127.0.0.1" : o->bind;
    return true;
}

static void on_response(const http_request *req, uint64_t us, void *data)
{
    dispatch_on_response(req, us);
    if (!S.access_log) return;
    const twin_ctx *ctx = req->user;
    printf("%s %s %s %s %d %lluus\n", ctx ? ctx->run_id : "-", ctx ? ctx->twin : "control", req->method, req->target,
           req->status, (unsigned long long)us);
}

static void flush_log(uv_timer_t *t)
{
    fflush(stdout);
}

static void shutdown_done(void *data)
{
    uv_stop(S.loop);
}

static void on_signal(uv_signal_t *h, int signum)
{
    if (S.stopping) return;
    S.stopping = true;
    fprintf(stderr, "twins: shutting down (signal %d)\n", signum);
    /* Twins answer the requests they hold first: the shutdown below waits
     * for every request in flight. */
    twin_stop_all();
    http_server_shutdown(S.srv, shutdown_done, NULL);
}

static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static store *open_store(const char *kind, const char *data_dir, const char *store_url)
{
    char *err = NULL;
    char path[4096];
    if (data_dir) {
        mkdir(data_dir, 0755);
        snprintf(path, sizeof path, "%s/twins.db", data_dir);
    }
    store *st = store_url                     ? store_open_postgres(store_url, &err)
                : strcmp(kind, "memory") == 0 ? store_open_memory(&err)
                                              : store_open_sqlite(data_dir ? path : NULL, &err);
    if (!st) {
        fprintf(stderr, "twins: cannot open the store: %s\n", err ? err : "unknown error");
        free(err);
    }
    return st;
}

static void write_port_file(const char *path, int port)
{
    FILE *f = fopen(path, "w");
    if (!f) return;
    fprintf(f, "%d\n", port);
    fclose(f);
}

static void close_walk(uv_handle_t *h, void *arg)
{
    if (!uv_is_closing(h)) uv_close(h, NULL);
}

int cli_serve(int argc, char **argv)
{
    serve_opts o;
    if (!parse_serve_opts(argc, argv, &o)) return 2;
    if (!is_loopback(o.bind) && o.n_keys == 0) {
        fprintf(stderr, "twins: refusing to listen on %s without an API key; pass --api-key KEY or set "
                        "TWINS_API_KEYS (a server bound only to loopback may run without keys)\n", o.bind);
        return 2;
    }
    raise_fd_limit();
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    S.loop = uv_default_loop();
    S.access_log = !o.quiet;
    S.st = open_store(o.store_kind, o.data_dir, o.store_url);
    if (!S.st) return 1;
    stub_load_all(o.spec_dir);
    dispatch_init();
    http_server_config hc = {.max_body_bytes = o.max_body};
    S.srv = http_server_new(S.loop, &hc);
    http_server_on_response(S.srv, on_response, NULL);
    const char *err = NULL;
    int bound = 0;
    if (!http_listen(S.srv, o.bind, o.port, control_handle, NULL, &bound, &err)) {
        fprintf(stderr, "twins: cannot listen on %s:%d: %s\n", o.bind, o.port, err);
        return 1;
    }
    runs_config rc = {.bind_host = o.bind, .advertise_host = o.advertise_host, .main_port = bound,
                      .port_lo = o.port_lo, .port_hi = o.port_hi, .public_domain = o.public_domain,
                      .public_scheme = o.public_scheme, .node_id = !o.store_url ? NULL : o.node_id ? o.node_id : default_node_id(bound)};
    runs_init(S.loop, S.st, S.srv, &rc, dispatch_dataplane);
    webhooks_init(S.loop);
    scenarios_init(S.st);
    control_config cc = {.api_keys = o.api_keys, .public_domain = o.public_domain, .version = TWINS_VERSION,
                         .server = S.srv};
    control_init(&cc);
    runs_restore();
    if (o.port_file) write_port_file(o.port_file, bound);
    printf("twins %s listening on http://%s:%d (twin ports %d-%d, store %s%s%s)\n", TWINS_VERSION,
           o.advertise_host, bound, o.port_lo, o.port_hi, o.store_url ? "PostgreSQL" : o.store_kind,
           o.data_dir ? " in " : "", o.data_dir ? o.data_dir : "");
    fflush(stdout);

    uv_signal_init(S.loop, &S.sigterm);
    uv_signal_start(&S.sigterm, on_signal, SIGTERM);
    uv_signal_init(S.loop, &S.sigint);
    uv_signal_start(&S.sigint, on_signal, SIGINT);
    uv_timer_init(S.loop, &S.log_flush);
    uv_timer_start(&S.log_flush, flush_log, 1000, 1000);
    signal(SIGPIPE, SIG_IGN);

    uv_run(S.loop, UV_RUN_DEFAULT);

    runs_shutdown();
    webhooks_shutdown();
    uv_walk(S.loop, close_walk, NULL);
    uv_run(S.loop, UV_RUN_DEFAULT);
    http_server_free(S.srv);
    dispatch_free();
    stub_free_all();
    store_close(S.st);
    uv_loop_close(S.loop);
    fflush(stdout);
    return 0;
}
