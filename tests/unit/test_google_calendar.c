/* Google Calendar twin: what its start hook does to a store written by an
 * older build.  Watch channels gained a "watch" index (what they watch), and
 * a write now reads only that index to find the channels to notify; a store
 * from before the index holds channels without it, which the start hook must
 * index again or they would never hear another change. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/twin.h"
#include "store/store.h"

typedef struct fixture {
    store *st;
    arena *a;
    http_request req;
    twin_ctx ctx;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char *err = NULL;
    f->st = store_open_memory(&err);
    assert_non_null(f->st);
    f->a = arena_new(0);
    f->req.arena = f->a;
    /* on_start runs in a seeding context (the engine's seed_start_twin). */
    f->ctx = (twin_ctx){.req = &f->req, .a = f->a, .store = f->st, .run_id = "run1", .twin = "google_calendar",
                        .seeding = true};
    f->ctx.def = twin_find("google_calendar");
    assert_non_null(f->ctx.def);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    arena_free(f->a);
    store_close(f->st);
    free(f);
    return 0;
}

/* A channel as the build before the index saved it: no index entries. */
static void put_old_channel(fixture *f, const char *id, const char *kind, const char *cal)
{
    json_value *ch = json_object(f->a);
    json_set_str(f->a, ch, "kind", "api#channel");
    json_set_str(f->a, ch, "id", id);
    json_set_str(f->a, ch, "resourceId", "r1");
    json_set_str(f->a, ch, "address", "https://example.com/hook");
    json_set_str(f->a, ch, "_kind", kind);
    if (cal) json_set_str(f->a, ch, "_cal", cal);
    json_set_int(f->a, ch, "_msg", 1);
    assert_int_equal(twin_doc_put(&f->ctx, "channels", id, ch, NULL, 0), 0);
}

static int64_t watching(fixture *f, const char *key)
{
    return twin_doc_count(&f->ctx, "channels", "watch", key);
}

static void start_indexes_channels_of_an_older_store(void **state)
{
    fixture *f = *state;
    put_old_channel(f, "ch-events", "events", "team@group.calendar.google.com");
    put_old_channel(f, "ch-events-2", "events", "team@group.calendar.google.com");
    put_old_channel(f, "ch-list", "calendarList", NULL);
    put_old_channel(f, "ch-acl", "acl", "twin.user@example.com");
    assert_int_equal(watching(f, "events/team@group.calendar.google.com"), 0);

    f->ctx.def->on_start(&f->ctx);

    assert_int_equal(watching(f, "events/team@group.calendar.google.com"), 2);
    assert_int_equal(watching(f, "calendarList"), 1);
    assert_int_equal(watching(f, "acl/twin.user@example.com"), 1);
    assert_int_equal(watching(f, "settings"), 0);
    assert_int_equal(twin_doc_count(&f->ctx, "channels", NULL, NULL), 4);
    /* The documents themselves are unchanged (message numbers included). */
    json_value *ch = twin_doc_get(&f->ctx, "channels", "ch-list");
    assert_non_null(ch);
    assert_string_equal(json_get_str(ch, "address"), "https://example.com/hook");
    int64_t msg = 0;
    assert_true(json_int64(json_get(ch, "_msg"), &msg));
    assert_int_equal(msg, 1);
    /* The start also made the primary calendar, as it always does. */
    assert_non_null(twin_doc_get(&f->ctx, "calendars", "twin.user@example.com"));
}

static void start_twice_keeps_one_index_entry_per_channel(void **state)
{
    fixture *f = *state;
    put_old_channel(f, "ch-a", "events", "x@example.com");
    f->ctx.def->on_start(&f->ctx);
    f->ctx.def->on_start(&f->ctx);
    assert_int_equal(watching(f, "events/x@example.com"), 1);
    /* A partly indexed bucket (one new channel, one old) is completed. */
    put_old_channel(f, "ch-b", "events", "x@example.com");
    assert_int_equal(watching(f, "events/x@example.com"), 1);
    f->ctx.def->on_start(&f->ctx);
    assert_int_equal(watching(f, "events/x@example.com"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(start_indexes_channels_of_an_older_store, setup, teardown),
        cmocka_unit_test_setup_teardown(start_twice_keeps_one_index_entry_per_channel, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
