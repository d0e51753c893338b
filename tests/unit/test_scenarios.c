/* Unit tests for scenarios: the seed-schema validator, the builtin schemas,
 * seed_config validation against the catalog, and the preset data (every
 * preset validates; the e-commerce preset agrees with itself). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "control/presets.h"
#include "control/scenarios.h"
#include "engine/seed_schema.h"
#include "engine/twin.h"

static json_value *parse(arena *a, const char *text)
{
    json_value *v = json_parse(a, text, strlen(text), NULL);
    assert_non_null(v);
    return v;
}

/* Validates doc against schema; returns NULL when valid, else the detail. */
static const char *check(arena *a, const char *schema, const char *doc)
{
    const char *detail = NULL;
    bool ok = seed_schema_validate_text(schema, parse(a, doc), "seed_config.t", a, &detail);
    if (ok) return NULL;
    assert_non_null(detail);
    return detail;
}

/* ---- validator ---- */

static void test_type_error_path(void **state)
{
    (void)state;
    arena *a = arena_new(0);
    const char *d = NULL;
    json_value *seed = parse(a, "{\"customers\": [{\"email\": \"a@x.io\"}, {\"email\": \"b@x.io\"}, {\"email\": 7}]}");
    assert_false(seed_schema_validate_text(seed_schema_stripe, seed, "seed_config.stripe", a, &d));
    assert_string_equal(d, "seed_config.stripe.customers[2].email: expected string");
    arena_free(a);
}

static void test_types(void **state)
{
    (void)state;
    arena *a = arena_new(0);
    const char *s = "{\"type\": \"object\", \"properties\": {"
                    "\"i\": {\"type\": \"integer\"}, \"n\": {\"type\": \"number\"}, \"b\": {\"type\": \"boolean\"},"
                    "\"z\": {\"type\": \"null\"}, \"a\": {\"type\": \"array\"}, \"o\": {\"type\": \"object\"}}}";
    assert_null(check(a, s, "{\"i\": 3, \"n\": 2.5, \"b\": false, \"z\": null, \"a\": [], \"o\": {}}"));
    assert_null(check(a, s, "{\"i\": 1.0}"));          /* JSON Schema: 1.0 is an integer */
    assert_null(check(a, s, "{\"i\": 1e3}"));
    assert_string_equal(check(a, s, "{\"i\": 1.5}"), "seed_config.t.i: expected integer");
    assert_string_equal(check(a, s, "{\"n\": \"2\"}"), "seed_config.t.n: expected number");
    assert_string_equal(check(a, s, "{\"b\": 0}"), "seed_config.t.b: expected boolean");
    assert_string_equal(check(a, s, "{\"z\": 0}"), "seed_config.t.z: expected null");
    assert_string_equal(check(a, s, "{\"a\": {}}"), "seed_config.t.a: expected array");
    assert_string_equal(check(a, s, "{\"o\": []}"), "seed_config.t.o: expected object");
    assert_string_equal(check(a, s, "[]"), "seed_config.t: expected object");
    arena_free(a);
}

static void test_type_union(void **state)
{
    (void)state;
    arena *a = arena_new(0);
    /* Slack messages: {"text", "user"} or a bare string; object keywords skip strings. */
    const char *s = "{\"type\": \"array\", \"items\": {\"type\": [\"object\", \"string\"], \"required\": [\"text\"],"
                    "\"properties\": {\"text\": {\"type\": \"string\"}}}}";
    assert_null(check(a, s, "[\"hi\", {\"text\": \"there\", \"user\": \"u\"}]"));
    assert_string_equal(check(a, s, "[\"hi\", 3]"), "seed_config.t[1]: expected object or string");
    assert_string_equal(check(a, s, "[{\"user\": \"u\"}]"), "seed_config.t[0].text: is required");
    const char *three = "{\"type\": [\"string\", \"integer\", \"null\"]}";
    assert_string_equal(check(a, three, "true"), "seed_config.t: expected string, integer or null");
    arena_free(a);
}

static void test_required_and_additional(void **state)
{
    (void)state;
    arena *a = arena_new(0);
    const char *s = "{\"type\": \"object\", \"required\": [\"name\"], \"additionalProperties\": false,"
                    "\"properties\": {\"name\": {\"type\": \"string\"}, \"tags\": {\"type\": \"array\"}}}";
    assert_null(check(a, s, "{\"name\": \"x\"}"));
    assert_string_equal(check(a, s, "{\"tags\": []}"), "seed_config.t.name: is required");
    assert_string_equal(check(a, s, "{\"name\": \"x\", \"nmae\": 1}"), "seed_config.t.nmae: unknown field");
    /* additionalProperties as a schema checks every extra member. */
    const char *map = "{\"type\": \"object\", \"additionalProperties\": {\"type\": \"string\"}}";
    assert_null(check(a, map, "{\"a\": \"1\", \"b\": \"2\"}"));
    assert_string_equal(check(a, map, "{\"a\": \"1\", \"b\": 2}"), "seed_config.t.b: expected string");
    arena_free(a);
}

static void test_enum(void **state)
{
    (void)state;
    arena *a = arena_new(0);
    const char *s = "{\"enum\": [\"open\", \"closed\", 3]}";
    assert_null(check(a, s, "\"open\""));
    assert_null(check(a, s, "3"));
    assert_string_equal(check(a, s, "\"merged\""), "seed_config.t: must be one of \"open\", \"closed\", 3");
    arena_free(a);
}

static void test_lengths_and_bounds(void **state)
{
    (void)state;
    arena *a = arena_new(0);
    const char *str = "{\"type\": \"string\", \"minLength\": 2, \"maxLength\": 3}";
    assert_null(check(a, str, "\"ab\""));
    assert_null(check(a, str, "\"日本語\""));          /* three code points, nine bytes */
    assert_string_equal(check(a, str, "\"a\""), "seed_config.t: must be at least 2 characters long");
    assert_string_equal(check(a, str, "\"abcd\""), "seed_config.t: must be at most 3 characters long");
    const char *num = "{\"type\": \"integer\", \"minimum\": 0, \"maximum\": 3}";
    assert_null(check(a, num, "0"));
    assert_null(check(a, num, "3"));
    assert_string_equal(check(a, num, "-1"), "seed_config.t: must be >= 0");
    assert_string_equal(check(a, num, "4"), "seed_config.t: must be <= 3");
    const char *arr = "{\"type\": \"array\", \"minItems\": 1, \"maxItems\": 2}";
    assert_string_equal(check(a, arr, "[]"), "seed_config.t: must have at least 1 items");
    assert_string_equal(check(a, arr, "[1, 2, 3]"), "seed_config.t: must have at most 2 items");
    arena_free(a);
}

static void test_nested_paths(void **state)
{
    (void)state;
    arena *a = arena_new(0);
    const char *d = NULL;
    json_value *seed = parse(a, "{\"repos\": [{\"owner\": \"o\", \"name\": \"r\","
                                "\"prs\": [{\"title\": \"t\", \"head\": \"h\", \"state\": \"merged\"}]}]}");
    assert_false(seed_schema_validate_text(seed_schema_github, seed, "seed_config.github", a, &d));
    assert_string_equal(d, "seed_config.github.repos[0].prs[0].state: must be one of \"open\", \"closed\"");
    seed = parse(a, "{\"channels\": [{\"name\": \"general\", \"messages\": [\"hi\", {\"text\": 5}]}]}");
    assert_false(seed_schema_validate_text(seed_schema_slack, seed, "seed_config.slack", a, &d));
    assert_string_equal(d, "seed_config.slack.channels[0].messages[1].text: expected string");
    seed = parse(a, "{\"customer\": []}");
    assert_false(seed_schema_validate_text(seed_schema_stripe, seed, "seed_config.stripe", a, &d));
    assert_string_equal(d, "seed_config.stripe.customer: unknown field");
    arena_free(a);
}

static void test_schema_text_edges(void **state)
{
    (void)state;
    arena *a = arena_new(0);
    const char *d = NULL;
    assert_true(seed_schema_validate_text(NULL, parse(a, "{\"anything\": [1]}"), "seed_config.box", a, &d));
    assert_false(seed_schema_validate_text(NULL, parse(a, "[1]"), "seed_config.box", a, &d));
    assert_string_equal(d, "seed_config.box: expected object");
    assert_false(seed_schema_validate_text("{not json", parse(a, "{}"), "seed_config.x", a, &d));
    assert_non_null(strstr(d, "seed_config.x: the twin's seed schema is not valid JSON"));
    /* An empty schema and unknown keywords accept anything. */
    assert_null(check(a, "{}", "[1, \"x\", null]"));
    assert_null(check(a, "{\"description\": \"d\", \"pattern\": \"^x$\"}", "\"y\""));
    arena_free(a);
}

static void test_builtin_schemas(void **state)
{
    (void)state;
    arena *a = arena_new(0);
    const char *named[] = {"slack", "github", "jira", "discord", "google_calendar", "google_drive", "notion", "stripe"};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        const char *text = seed_schema_for(named[i]);
        assert_non_null(text);
        json_value *schema = parse(a, text);
        assert_string_equal(json_get_str(schema, "type"), "object");
        assert_non_null(twin_find(named[i]));
    }
    assert_null(seed_schema_for("box"));
    assert_null(seed_schema_for("nope"));
    assert_null(seed_schema_for(NULL));
    arena_free(a);
}

/* ---- seed_config against the catalog ---- */

static void test_validate_seed_config(void **state)
{
    (void)state;
    arena *a = arena_new(0);
    const char *d = NULL;
    assert_true(scenarios_validate_seed(NULL, a, &d));
    assert_true(scenarios_validate_seed(parse(a, "{}"), a, &d));
    /* a twin without a seed schema takes any object; box has one and names the stray field */
    for (size_t i = 0; i < twin_count(); i++) {
        const twin_def *t = twin_at(i);
        if (t->seed_schema || seed_schema_for(t->name)) continue;
        const char *text = arena_printf(a, "{\"%s\": {\"whatever\": 1}}", t->name);
        assert_true(scenarios_validate_seed(parse(a, text), a, &d));
        break;
    }
    assert_false(scenarios_validate_seed(parse(a, "{\"box\": {\"whatever\": 1}}"), a, &d));
    assert_non_null(strstr(d, "whatever"));
    assert_false(scenarios_validate_seed(parse(a, "[]"), a, &d));
    assert_string_equal(d, "seed_config: expected object");
    assert_false(scenarios_validate_seed(parse(a, "{\"stripe\": {}, \"strpe\": {}, \"slak\": {}}"), a, &d));
    assert_true(strncmp(d, "seed_config has unknown twins: strpe, slak (known twins: stripe,", 64) == 0);
    assert_false(scenarios_validate_seed(parse(a, "{\"stripe\": []}"), a, &d));
    assert_string_equal(d, "seed_config.stripe: expected object");
    assert_false(scenarios_validate_seed(parse(a, "{\"stripe\": {\"products\": [{\"name\": \"p\","
                                                  "\"prices\": [{\"currency\": \"usd\", \"unit_amount\": -1}]}]}}"),
                                         a, &d));
    assert_string_equal(d, "seed_config.stripe.products[0].prices[0].unit_amount: must be >= 0");
    arena_free(a);
}

/* ---- presets ---- */

static void test_presets_complete_and_valid(void **state)
{
    (void)state;
    static const char *const themes[] = {
        "preset-ecommerce-checkout", "preset-saas-billing", "preset-cicd-pipeline", "preset-customer-support",
        "preset-document-collaboration", "preset-payment-fraud", "preset-access-control",
        "preset-high-volume-messaging", "preset-i18n-unicode", "preset-calendar-conflicts"};
    assert_int_equal(presets_count(), sizeof themes / sizeof themes[0]);
    arena *a = arena_new(0);
    for (size_t i = 0; i < presets_count(); i++) {
        json_value *p = preset_at(i, a);
        assert_non_null(p);
        assert_string_equal(json_get_str(p, "id"), themes[i]);
        assert_true(json_truthy(json_get(p, "is_preset")));
        assert_non_null(json_get_str(p, "name"));
        assert_non_null(json_get_str(p, "description"));
        assert_non_null(json_get_str(p, "prompt"));
        assert_non_null(json_get_str(p, "created_at"));
        assert_true(json_get(p, "tags")->len > 0);
        json_value *twins = json_get(p, "twins"), *seed = json_get(p, "seed_config");
        assert_true(twins->len >= 2);
        /* Data for every twin it names, and for no other. */
        json_foreach(t, twins) {
            assert_non_null(twin_find(t->str));
            if (!json_get(seed, t->str)) fail_msg("%s has no seed data for %s", themes[i], t->str);
        }
        assert_int_equal(seed->len, twins->len);
        const char *d = NULL;
        if (!scenarios_validate_seed(seed, a, &d)) fail_msg("%s: %s", themes[i], d);
        assert_non_null(preset_find(themes[i], a));
    }
    assert_null(preset_at(presets_count(), a));
    assert_null(preset_find("preset-nope", a));
    assert_null(preset_find("ecommerce-checkout", a));
    arena_free(a);
}

static void test_contract_twins(void **state)
{
    (void)state;
    /* The twin sets contract §2.3 names for each theme. */
    static const struct { const char *id, *twins; } want[] = {
        {"preset-ecommerce-checkout", "stripe slack"},
        {"preset-saas-billing", "stripe slack notion"},
        {"preset-cicd-pipeline", "github slack discord"},
        {"preset-customer-support", "slack stripe notion"},
        {"preset-document-collaboration", "google_drive slack notion"},
        {"preset-payment-fraud", "stripe slack"},
        {"preset-access-control", "github slack notion"},
        {"preset-high-volume-messaging", "slack discord"},
        {"preset-i18n-unicode", "slack stripe notion"},
        {"preset-calendar-conflicts", "google_calendar slack"},
    };
    arena *a = arena_new(0);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        json_value *p = preset_find(want[i].id, a);
        assert_non_null(p);
        buf b = BUF_INIT;
        json_foreach(t, json_get(p, "twins")) {
            if (b.len) buf_putc(&b, ' ');
            buf_puts(&b, t->str);
        }
        assert_string_equal(buf_cstr(&b), want[i].twins);
        buf_free(&b);
    }
    arena_free(a);
}

static const json_value *customer_in(const json_value *customers, const char *text)
{
    json_foreach(c, customers)
        if (strstr(text, json_get_str(c, "email"))) return c;
    return NULL;
}

/* The longest product name in the text, so "Pro" never shadows "Burr Grinder Pro". */
static const json_value *product_in(const json_value *products, const char *text)
{
    const json_value *best = NULL;
    json_foreach(p, products) {
        const char *name = json_get_str(p, "name");
        if (strstr(text, name) && (!best || strlen(name) > strlen(json_get_str(best, "name")))) best = p;
    }
    return best;
}

static void test_ecommerce_consistency(void **state)
{
    (void)state;
    arena *a = arena_new(0);
    json_value *p = preset_find("preset-ecommerce-checkout", a);
    json_value *customers = json_path(p, "seed_config.stripe.customers");
    json_value *products = json_path(p, "seed_config.stripe.products");
    json_value *orders = NULL;
    json_foreach(ch, json_path(p, "seed_config.slack.channels"))
        if (strcmp(json_get_str(ch, "name"), "orders") == 0) orders = json_get(ch, "messages");
    assert_non_null(orders);
    assert_true(orders->len >= 4);
    json_foreach(m, orders) {
        const char *text = json_get_str(m, "text");
        const json_value *c = customer_in(customers, text), *prod = product_in(products, text);
        if (!c || !prod) fail_msg("order message names no seeded customer/product: %s", text);
        /* The customer's name is the one Stripe has for that email. */
        char who[200];
        snprintf(who, sizeof who, "%s (%s)", json_get_str(c, "email"), json_get_str(c, "name"));
        if (!strstr(text, who)) fail_msg("name does not match the email in: %s", text);
        /* The amount is quantity x the product's USD price. */
        const char *times = strstr(text, "× ");
        assert_non_null(times);
        int qty = atoi(times + strlen("× "));
        assert_true(qty >= 1);
        const json_value *price = json_at(json_get(prod, "prices"), 0);
        assert_string_equal(json_get_str(price, "currency"), "usd");
        int64_t unit = 0;
        assert_true(json_int64(json_get(price, "unit_amount"), &unit));
        char amount[64];
        snprintf(amount, sizeof amount, "— $%lld.%02lld", (long long)(unit * qty / 100), (long long)(unit * qty % 100));
        if (!strstr(text, amount)) fail_msg("expected %s in: %s", amount, text);
        /* Messages come from a seeded Slack user. */
        int found = 0;
        json_foreach(u, json_path(p, "seed_config.slack.users"))
            if (strcmp(json_get_str(u, "name"), json_get_str(m, "user")) == 0) found = 1;
        assert_true(found);
    }
    arena_free(a);
}

static void test_high_volume_generated(void **state)
{
    (void)state;
    arena *a = arena_new(0);
    json_value *p = preset_find("preset-high-volume-messaging", a);
    json_value *firehose = json_at(json_path(p, "seed_config.slack.channels"), 0);
    assert_string_equal(json_get_str(firehose, "name"), "firehose");
    json_value *msgs = json_get(firehose, "messages");
    assert_int_equal(msgs->len, 250);
    assert_string_equal(json_get_str(json_at(msgs, 0), "text"), "Event 001 of 250: order pipeline heartbeat");
    json_value *d = json_path(p, "seed_config.discord.guilds.0.channels.0.messages");
    assert_int_equal(d->len, 250);
    /* Deterministic: a second build is identical. */
    assert_true(json_equal(p, preset_find("preset-high-volume-messaging", a)));
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_error_path),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_type_union),
        cmocka_unit_test(test_required_and_additional),
        cmocka_unit_test(test_enum),
        cmocka_unit_test(test_lengths_and_bounds),
        cmocka_unit_test(test_nested_paths),
        cmocka_unit_test(test_schema_text_edges),
        cmocka_unit_test(test_builtin_schemas),
        cmocka_unit_test(test_validate_seed_config),
        cmocka_unit_test(test_presets_complete_and_valid),
        cmocka_unit_test(test_contract_twins),
        cmocka_unit_test(test_ecommerce_consistency),
        cmocka_unit_test(test_high_volume_generated),
    };
    return cmocka_run_group_tests_name("scenarios", tests, NULL, NULL);
}
