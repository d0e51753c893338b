/* Unit tests for src/engine/cursor.c: epoch-tied cursors in their decimal,
 * tagged and JSON-stamp forms, the forms clients held before, and what is
 * refused as malformed. */
#include "testutil.h"

#include "engine/cursor.h"
#include "util/base64.h"

static const twin_cursor_form decimal_form = {.stride = 1000000000000LL, .span = 9000};
static const twin_cursor_form tagged_form = {.prefix = "C", .head = "o:", .tail = ":twins"};
static const twin_cursor_form bare_form = {.prefix = "", .head = "bxm:", .tail = ""};

static int setup(void **state)
{
    *state = arena_new(0);
    return 0;
}

static int teardown(void **state)
{
    arena_free(*state);
    return 0;
}

static twin_cursor_state read_at(arena *a, const twin_cursor_form *f, int64_t epoch, const char *text, int64_t *pos)
{
    *pos = -1;
    return cursor_read(a, f, epoch, text, pos);
}

static void decimal_epoch_zero_is_the_plain_position(void **state)
{
    arena *a = *state;
    int64_t pos;
    assert_string_equal(cursor_write(a, &decimal_form, 0, 42), "42");
    assert_int_equal(read_at(a, &decimal_form, 0, "42", &pos), TWIN_CURSOR_CURRENT);
    assert_int_equal(pos, 42);
    assert_int_equal(read_at(a, &decimal_form, 0, "0", &pos), TWIN_CURSOR_CURRENT);
    assert_int_equal(pos, 0);
}

static void decimal_later_epochs_round_trip_and_go_stale(void **state)
{
    arena *a = *state;
    int64_t pos;
    const char *t = cursor_write(a, &decimal_form, 3, 7);
    assert_string_equal(t, "3000000000007");
    assert_int_equal(cursor_number(&decimal_form, 3, 7), 3000000000007LL);
    assert_int_equal(read_at(a, &decimal_form, 3, t, &pos), TWIN_CURSOR_CURRENT);
    assert_int_equal(pos, 7);
    assert_int_equal(read_at(a, &decimal_form, 4, t, &pos), TWIN_CURSOR_STALE);
    assert_int_equal(pos, -1);
    assert_int_equal(read_at(a, &decimal_form, 3, "7", &pos), TWIN_CURSOR_STALE);
    assert_int_equal(read_at(a, &decimal_form, 0, t, &pos), TWIN_CURSOR_STALE);
    /* epochs wrap at span: epoch span+3 writes what epoch 3 did */
    assert_string_equal(cursor_write(a, &decimal_form, 9003, 7), t);
    assert_int_equal(read_at(a, &decimal_form, 9003, t, &pos), TWIN_CURSOR_CURRENT);
}

static void decimal_refuses_anything_but_plain_digits(void **state)
{
    arena *a = *state;
    int64_t pos;
    const char *bad[] = {"", " 5", "+5", "-5", "5x", "5 ", "0x10", "1e3", "99999999999999999999", "9000000000000000"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(read_at(a, &decimal_form, 0, bad[i], &pos), TWIN_CURSOR_MALFORMED);
    assert_int_equal(read_at(a, &decimal_form, 0, NULL, &pos), TWIN_CURSOR_MALFORMED);
    assert_int_equal(pos, -1);
}

/* The epoch-0 text is what google_token wrote before: "C" + base64url("o:5:twins"). */
static void tagged_epoch_zero_keeps_the_old_token(void **state)
{
    arena *a = *state;
    int64_t pos;
    const char *old = "C" "bzo1OnR3aW5z";
    assert_string_equal(cursor_write(a, &tagged_form, 0, 5), old);
    assert_int_equal(read_at(a, &tagged_form, 0, old, &pos), TWIN_CURSOR_CURRENT);
    assert_int_equal(pos, 5);
    assert_int_equal(read_at(a, &tagged_form, 2, old, &pos), TWIN_CURSOR_STALE);
}

static void tagged_later_epochs_round_trip_and_go_stale(void **state)
{
    arena *a = *state;
    int64_t pos;
    const char *t = cursor_write(a, &tagged_form, 12, 300);
    const char *raw = base64_decode(a, t + 1, NULL);
    assert_string_equal(raw, "o:300:12:twins");
    assert_int_equal(read_at(a, &tagged_form, 12, t, &pos), TWIN_CURSOR_CURRENT);
    assert_int_equal(pos, 300);
    assert_int_equal(read_at(a, &tagged_form, 13, t, &pos), TWIN_CURSOR_STALE);
    assert_int_equal(read_at(a, &tagged_form, 0, t, &pos), TWIN_CURSOR_STALE);
}

/* No prefix, no tail: Box's markers were base64url("bxm:<offset>"). */
static void tagged_without_prefix_or_tail(void **state)
{
    arena *a = *state;
    int64_t pos;
    const char *old = base64url_encode(a, "bxm:20", 6);
    assert_string_equal(cursor_write(a, &bare_form, 0, 20), old);
    assert_int_equal(read_at(a, &bare_form, 0, old, &pos), TWIN_CURSOR_CURRENT);
    assert_int_equal(pos, 20);
    const char *later = cursor_write(a, &bare_form, 7, 20);
    assert_string_equal(base64_decode(a, later, NULL), "bxm:20:7");
    assert_int_equal(read_at(a, &bare_form, 7, later, &pos), TWIN_CURSOR_CURRENT);
    assert_int_equal(read_at(a, &bare_form, 0, later, &pos), TWIN_CURSOR_STALE);
    assert_int_equal(read_at(a, &bare_form, 7, old, &pos), TWIN_CURSOR_STALE);
    const char *bad[] = {"", base64url_encode(a, "bxm:", 4), base64url_encode(a, "bxm:5:", 6),
                         base64url_encode(a, "bxm:5:x", 7), base64url_encode(a, "bxm:-5", 6)};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(read_at(a, &bare_form, 0, bad[i], &pos), TWIN_CURSOR_MALFORMED);
}

static const char *wrap(arena *a, const char *prefix, const char *raw, size_t len)
{
    return arena_printf(a, "%s%s", prefix, base64url_encode(a, raw, len));
}

static void tagged_refuses_other_kinds_prefixes_and_junk(void **state)
{
    arena *a = *state;
    int64_t pos;
    const char *bad[] = {
        "", "C", "X" "bzo1OnR3aW5z", "C!!!", "bzo1OnR3aW5z",
        wrap(a, "C", "p:5:twins", 9),           /* another kind */
        wrap(a, "C", "o:5:twinsx", 10),         /* trailing junk */
        wrap(a, "C", "o:-5:twins", 10),         /* negative */
        wrap(a, "C", "o:+5:twins", 10),
        wrap(a, "C", "o:5:2:3:twins", 13),
        wrap(a, "C", "o::twins", 8),
        wrap(a, "C", "o:5:tw\0ins", 10),        /* a NUL inside */
        wrap(a, "C", "o:99999999999999999999:twins", 29),
        arena_printf(a, "C%0120d", 0),          /* too long */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(read_at(a, &tagged_form, 0, bad[i], &pos), TWIN_CURSOR_MALFORMED);
    assert_int_equal(pos, -1);
}

static json_value *object(arena *a, const char *text)
{
    return json_parse(a, text, strlen(text), NULL);
}

static void stamps_carry_the_epoch_in_e(void **state)
{
    arena *a = *state;
    json_value *s = object(a, "{\"k\":\"list\"}");
    cursor_stamp(a, s, 0);
    assert_null(json_get(s, "e"));   /* epoch 0 leaves the state as it was */
    assert_int_equal(cursor_stamp_read(s, 0), TWIN_CURSOR_CURRENT);
    assert_int_equal(cursor_stamp_read(s, 1), TWIN_CURSOR_STALE);
    cursor_stamp(a, s, 4);
    assert_int_equal(cursor_stamp_read(s, 4), TWIN_CURSOR_CURRENT);
    assert_int_equal(cursor_stamp_read(s, 0), TWIN_CURSOR_STALE);
    assert_int_equal(cursor_stamp_read(object(a, "{\"e\":\"4\"}"), 4), TWIN_CURSOR_MALFORMED);
    assert_int_equal(cursor_stamp_read(object(a, "{\"e\":-1}"), 0), TWIN_CURSOR_MALFORMED);
    assert_int_equal(cursor_stamp_read(object(a, "{\"e\":1.5}"), 0), TWIN_CURSOR_MALFORMED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(decimal_epoch_zero_is_the_plain_position, setup, teardown),
        cmocka_unit_test_setup_teardown(decimal_later_epochs_round_trip_and_go_stale, setup, teardown),
        cmocka_unit_test_setup_teardown(decimal_refuses_anything_but_plain_digits, setup, teardown),
        cmocka_unit_test_setup_teardown(tagged_epoch_zero_keeps_the_old_token, setup, teardown),
        cmocka_unit_test_setup_teardown(tagged_later_epochs_round_trip_and_go_stale, setup, teardown),
        cmocka_unit_test_setup_teardown(tagged_refuses_other_kinds_prefixes_and_junk, setup, teardown),
        cmocka_unit_test_setup_teardown(tagged_without_prefix_or_tail, setup, teardown),
        cmocka_unit_test_setup_teardown(stamps_carry_the_epoch_in_e, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
