/* Discord twin: the permission computation (base permissions and channel
 * overwrites in Discord's documented order). */
#include "testutil.h"

#include <string.h>

#include "twins/discord/permissions.h"

#define GUILD "100"

static json_value *parse(arena *a, const char *text)
{
    json_error err;
    json_value *v = json_parse(a, text, strlen(text), &err);
    assert_non_null(v);
    return v;
}

static void base_ors_roles_and_administrator_is_everything(void **state)
{
    uint64_t roles[] = {DC_SEND_MESSAGES, DC_KICK_MEMBERS};
    assert_true(dc_perms_base(DC_VIEW_CHANNEL, roles, 2) == (DC_VIEW_CHANNEL | DC_SEND_MESSAGES | DC_KICK_MEMBERS));
    uint64_t admin[] = {DC_ADMINISTRATOR};
    assert_true(dc_perms_base(0, admin, 1) == DC_ALL_PERMISSIONS);
    assert_true((DC_ALL_PERMISSIONS & DC_BIT(47)) == 0);
    assert_true((DC_ALL_PERMISSIONS & DC_BYPASS_SLOWMODE) != 0);
}

static void overwrites_apply_everyone_then_roles_then_member(void **state)
{
    arena *a = arena_new(0);
    json_value *roles = parse(a, "[\"201\",\"202\"]");
    uint64_t base = DC_VIEW_CHANNEL | DC_SEND_MESSAGES;
    /* @everyone denies SEND; one role allows it back; another role's deny does not win over the allow. */
    json_value *ow = parse(a, "[{\"id\":\"100\",\"type\":0,\"allow\":\"0\",\"deny\":\"2048\"},"
                              "{\"id\":\"201\",\"type\":0,\"allow\":\"2048\",\"deny\":\"0\"},"
                              "{\"id\":\"202\",\"type\":0,\"allow\":\"0\",\"deny\":\"2048\"}]");
    assert_true(dc_perms_overwrite(base, ow, GUILD, roles, "300") & DC_SEND_MESSAGES);
    /* The member's own overwrite is last and wins. */
    ow = parse(a, "[{\"id\":\"201\",\"type\":0,\"allow\":\"2048\",\"deny\":\"0\"},"
                  "{\"id\":\"300\",\"type\":1,\"allow\":\"0\",\"deny\":\"2048\"}]");
    assert_false(dc_perms_overwrite(base, ow, GUILD, roles, "300") & DC_SEND_MESSAGES);
    /* Overwrites of roles the member lacks, or of other members, change nothing. */
    ow = parse(a, "[{\"id\":\"999\",\"type\":0,\"allow\":\"0\",\"deny\":\"2048\"},"
                  "{\"id\":\"301\",\"type\":1,\"allow\":\"0\",\"deny\":\"2048\"}]");
    assert_true(dc_perms_overwrite(base, ow, GUILD, roles, "300") == base);
    /* ADMINISTRATOR skips overwrites. */
    ow = parse(a, "[{\"id\":\"300\",\"type\":1,\"allow\":\"0\",\"deny\":\"3072\"}]");
    assert_true(dc_perms_overwrite(DC_ALL_PERMISSIONS, ow, GUILD, roles, "300") == DC_ALL_PERMISSIONS);
    arena_free(a);
}

static void permission_sets_parse_from_strings(void **state)
{
    arena *a = arena_new(0);
    assert_true(dc_perm_parse(parse(a, "\"2251799813685247\"")) == 2251799813685247ULL);
    assert_true(dc_perm_parse(parse(a, "\"12x\"")) == 0);
    assert_true(dc_perm_parse(NULL) == 0);
    arena_free(a);
}

static void a_timeout_leaves_view_and_history_unless_administrator(void **state)
{
    uint64_t p = DC_VIEW_CHANNEL | DC_SEND_MESSAGES | DC_READ_MESSAGE_HISTORY | DC_ADD_REACTIONS | DC_KICK_MEMBERS;
    assert_true(dc_perms_timed_out(p) == (DC_VIEW_CHANNEL | DC_READ_MESSAGE_HISTORY));
    assert_true(dc_perms_timed_out(DC_SEND_MESSAGES) == 0);
    assert_true(dc_perms_timed_out(DC_ALL_PERMISSIONS) == DC_ALL_PERMISSIONS);
}

static void a_member_is_timed_out_only_until_the_timestamp(void **state)
{
    arena *a = arena_new(0);
    int64_t now = 1767225600000LL;     /* 2026-01-01T00:00:00Z */
    assert_true(dc_member_timed_out(parse(a, "{\"communication_disabled_until\":\"2026-01-02T00:00:00.000000+00:00\"}"), now));
    assert_false(dc_member_timed_out(parse(a, "{\"communication_disabled_until\":\"2025-12-31T23:59:59Z\"}"), now));
    assert_false(dc_member_timed_out(parse(a, "{\"communication_disabled_until\":null}"), now));
    assert_false(dc_member_timed_out(parse(a, "{}"), now));
    assert_false(dc_member_timed_out(NULL, now));
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base_ors_roles_and_administrator_is_everything),
        cmocka_unit_test(overwrites_apply_everyone_then_roles_then_member),
        cmocka_unit_test(permission_sets_parse_from_strings),
        cmocka_unit_test(a_timeout_leaves_view_and_history_unless_administrator),
        cmocka_unit_test(a_member_is_timed_out_only_until_the_timestamp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
