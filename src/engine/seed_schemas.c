/* Builtin seed schemas: the seed shapes of contract §2.3, per twin.
 *
 * Written as JSON through the preprocessor's # operator (J below), which
 * turns the tokens into a string literal and escapes the quotes for us, so
 * the schemas read as plain JSON.  (# does not macro-expand its operand, so
 * true/false stay JSON words even with <stdbool.h> around.)
 *
 * Policy: the top level of each twin's seed is closed (additionalProperties
 * false), so a typo like "customer" for "customers" is a 400 naming the
 * field; the items inside are open, because real resources carry many more
 * optional fields (metadata, phone, ...) than the shapes list, and twin
 * authors read extra fields they support.  Known fields are type-checked. */
#include <string.h>

#include "engine/seed_schema.h"

#define J(...) #__VA_ARGS__

const char seed_schema_slack[] = J({
    "type": "object",
    "additionalProperties": false,
    "properties": {
        "users": {"type": "array", "items": {
            "type": "object", "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 80},
                "real_name": {"type": "string"},
                "email": {"type": "string"},
                "title": {"type": "string"},
                "tz": {"type": "string"},
                "is_admin": {"type": "boolean"},
                "is_bot": {"type": "boolean"}}}},
        "channels": {"type": "array", "items": {
            "type": "object", "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 80},
                "topic": {"type": "string"},
                "purpose": {"type": "string"},
                "is_private": {"type": "boolean"},
                "members": {"type": "array", "items": {"type": "string"}},
                "messages": {"type": "array", "items": {
                    "type": ["object", "string"], "required": ["text"],
                    "properties": {
                        "text": {"type": "string"},
                        "user": {"type": "string"},
                        "thread_of": {"type": "integer", "minimum": 0}}}}}}},
        "oauth_bot_scopes": {"type": "array", "items": {"type": "string"}},
        "oauth_user_scopes": {"type": "array", "items": {"type": "string"}},
        "tokens": {"type": "array", "items": {
            "type": "object", "required": ["token"],
            "properties": {
                "token": {"type": "string", "minLength": 1},
                "user_id": {"type": "string"},
                "scopes": {"type": "array", "items": {"type": "string"}},
                "is_bot": {"type": "boolean"}}}},
        "tier": {"enum": ["free", "pro", "business_plus", "enterprise", "paid"]},
        "file_uploads_enabled": {"type": "boolean"},
        "max_storage_bytes": {"type": "integer", "minimum": 0},
        "storage_used_bytes": {"type": "integer", "minimum": 0}}
});

const char seed_schema_github[] = J({
    "type": "object",
    "additionalProperties": false,
    "properties": {
        "users": {"type": "array", "items": {
            "type": "object", "required": ["login"],
            "properties": {
                "login": {"type": "string", "minLength": 1, "maxLength": 39},
                "name": {"type": "string"},
                "email": {"type": "string"},
                "site_admin": {"type": "boolean"},
                "token": {"type": "string", "minLength": 1}}}},
        "orgs": {"type": "array", "items": {
            "type": "object", "required": ["login"],
            "properties": {
                "login": {"type": "string", "minLength": 1, "maxLength": 39},
                "name": {"type": "string"},
                "members": {"type": "array", "items": {"type": "string"}},
                "owners": {"type": "array", "items": {"type": "string"}},
                "default_repository_permission": {"enum": ["read", "write", "admin", "none"]},
                "teams": {"type": "array", "items": {
                    "type": "object", "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "minLength": 1},
                        "description": {"type": "string"},
                        "privacy": {"enum": ["closed", "secret"]},
                        "permission": {"enum": ["pull", "push"]},
                        "parent": {"type": "string", "minLength": 1},
                        "members": {"type": "array", "items": {"type": "string"}},
                        "maintainers": {"type": "array", "items": {"type": "string"}},
                        "repos": {"type": "array", "items": {"type": "object", "required": ["name"],
                            "properties": {
                                "name": {"type": "string", "minLength": 1},
                                "permission": {"enum": ["pull", "triage", "push", "maintain", "admin"]}}}}}}}}}},
        "repos": {"type": "array", "items": {
            "type": "object", "required": ["owner", "name"],
            "properties": {
                "owner": {"type": "string", "minLength": 1},
                "name": {"type": "string", "minLength": 1, "maxLength": 100},
                "description": {"type": "string"},
                "private": {"type": "boolean"},
                "default_branch": {"type": "string", "minLength": 1},
                "collaborators": {"type": "array", "items": {"type": "object",
                    "required": ["login"],
                    "properties": {
                        "login": {"type": "string", "minLength": 1},
                        "permission": {"enum": ["pull", "triage", "push", "maintain", "admin"]}}}},
                "invitations": {"type": "array", "items": {"type": "object",
                    "required": ["login"],
                    "properties": {
                        "login": {"type": "string", "minLength": 1},
                        "permission": {"enum": ["pull", "triage", "push", "maintain", "admin"]},
                        "created_at": {"type": "string", "minLength": 1}}}},
                "branches": {"type": "array", "items": {"type": "object", "required": ["name"],
                    "properties": {"name": {"type": "string"}, "protected": {"type": "boolean"}}}},
                "files": {"type": "array", "items": {"type": "object", "required": ["path"],
                    "properties": {"path": {"type": "string", "minLength": 1}, "content": {"type": "string"}}}},
                "issues": {"type": "array", "items": {"type": "object", "required": ["title"],
                    "properties": {
                        "title": {"type": "string", "minLength": 1},
                        "body": {"type": "string"},
                        "state": {"enum": ["open", "closed"]},
                        "labels": {"type": "array", "items": {"type": "string"}},
                        "user": {"type": "string"}}}},
                "prs": {"type": "array", "items": {"type": "object", "required": ["title", "head"],
                    "properties": {
                        "title": {"type": "string", "minLength": 1},
                        "body": {"type": "string"},
                        "head": {"type": "string", "minLength": 1},
                        "base": {"type": "string", "minLength": 1},
                        "state": {"enum": ["open", "closed"]},
                        "merged": {"type": "boolean"},
                        "user": {"type": "string"},
                        "files": {"type": "array", "items": {"type": "object", "required": ["path"],
                            "properties": {"path": {"type": "string", "minLength": 1},
                                           "content": {"type": "string"}}}}}}}}}},
        "app": {"type": "object", "properties": {
            "name": {"type": "string"},
            "permissions": {"type": "object"},
            "installations": {"type": "array", "items": {"type": "object"}}}},
        "token_scopes": {"type": "array", "items": {"type": "string"}}}
});

const char seed_schema_jira[] = J({
    "type": "object",
    "additionalProperties": false,
    "properties": {
        "users": {"type": "array", "items": {"type": "object", "required": ["display_name"],
            "properties": {"display_name": {"type": "string"}, "email": {"type": "string"}}}},
        "projects": {"type": "array", "items": {
            "type": "object", "required": ["key", "name"],
            "properties": {
                "key": {"type": "string", "minLength": 1, "maxLength": 10},
                "name": {"type": "string", "minLength": 1},
                "description": {"type": "string"},
                "issues": {"type": "array", "items": {
                    "type": "object", "required": ["summary"],
                    "properties": {
                        "summary": {"type": "string", "minLength": 1, "maxLength": 255},
                        "description": {"type": "string"},
                        "issuetype": {"type": "string"},
                        "priority": {"type": "string"},
                        "status": {"type": "string"},
                        "assignee": {"type": "string"},
                        "labels": {"type": "array", "items": {"type": "string"}},
                        "comments": {"type": "array", "items": {
                            "type": ["object", "string"], "required": ["body"],
                            "properties": {"body": {"type": "string"}, "author": {"type": "string"}}}}}}}}}}}
});

const char seed_schema_discord[] = J({
    "type": "object",
    "additionalProperties": false,
    "properties": {
        "guilds": {"type": "array", "items": {
            "type": "object", "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 2, "maxLength": 100},
                "premium_tier": {"type": "integer", "minimum": 0, "maximum": 3},
                "roles": {"type": "array", "items": {"type": "object", "required": ["name"],
                    "properties": {"name": {"type": "string"}, "permissions": {"type": "string"}}}},
                "members": {"type": "array", "items": {"type": "object", "required": ["username"],
                    "properties": {"username": {"type": "string"},
                                   "roles": {"type": "array", "items": {"type": "string"}},
                                   "communication_disabled_until": {"type": ["string", "null"]}}}},
                "owner": {"type": "string", "minLength": 1},
                "bot_roles": {"type": "array", "items": {"type": "string"}},
                "channels": {"type": "array", "items": {
                    "type": "object", "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "minLength": 1, "maxLength": 100},
                        "type": {"enum": ["text", "voice", "announcement", "forum"]},
                        "topic": {"type": "string"},
                        "rate_limit_per_user": {"type": "integer", "minimum": 0, "maximum": 21600},
                        "permission_overwrites": {"type": "array", "items": {"type": "object",
                            "properties": {"role": {"type": "string"}, "member": {"type": "string"},
                                           "allow": {"type": "string"},
                                           "deny": {"type": "string"}}}},
                        "messages": {"type": "array", "items": {
                            "type": ["object", "string"], "required": ["content"],
                            "properties": {
                                "content": {"type": "string", "maxLength": 2000},
                                "author": {"type": "string"}}}}}}}}}},
        "bot": {"type": "object", "properties": {"username": {"type": "string"},
                                                  "permissions": {"type": "string"},
                                                  "communication_disabled_until": {"type": ["string", "null"]}}}}
});

const char seed_schema_google_calendar[] = J({
    "type": "object",
    "additionalProperties": false,
    "properties": {
        "calendars": {"type": "array", "items": {
            "type": "object", "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "description": {"type": "string"},
                "time_zone": {"type": "string"},
                "primary": {"type": "boolean"},
                "events": {"type": "array", "items": {
                    "type": "object", "required": ["summary", "start", "end"],
                    "properties": {
                        "summary": {"type": "string"},
                        "description": {"type": "string"},
                        "location": {"type": "string"},
                        "start": {"type": "string", "minLength": 10},
                        "end": {"type": "string", "minLength": 10},
                        "time_zone": {"type": "string"},
                        "status": {"enum": ["confirmed", "tentative", "cancelled"]},
                        "attendees": {"type": "array", "items": {"type": "string"}},
                        "recurrence": {"type": "array", "items": {"type": "string"}}}}}}}}}
});

const char seed_schema_google_drive[] = J({
    "type": "object",
    "additionalProperties": false,
    "properties": {
        "folders": {"type": "array", "items": {
            "type": "object", "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "shared_with": {"type": "array", "items": {"type": "string"}},
                "files": {"type": "array", "items": {
                    "type": "object", "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "minLength": 1},
                        "content": {"type": "string"},
                        "mime_type": {"type": "string"},
                        "owner": {"type": "string"}}}}}}},
        "files": {"type": "array", "items": {
            "type": "object", "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "content": {"type": "string"},
                "mime_type": {"type": "string"}}}},
        "drives": {"type": "array", "items": {
            "type": "object", "required": ["name"], "additionalProperties": false,
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "hidden": {"type": "boolean"},
                "restrictions": {"type": "object", "additionalProperties": false, "properties": {
                    "adminManagedRestrictions": {"type": "boolean"},
                    "copyRequiresWriterPermission": {"type": "boolean"},
                    "domainUsersOnly": {"type": "boolean"},
                    "driveMembersOnly": {"type": "boolean"},
                    "sharingFoldersRequiresOrganizerPermission": {"type": "boolean"}}},
                "members": {"type": "array", "items": {
                    "type": "object", "required": ["email", "role"], "additionalProperties": false,
                    "properties": {
                        "email": {"type": "string", "minLength": 3},
                        "role": {"enum": ["organizer", "fileOrganizer", "writer", "commenter", "reader"]}}}},
                "files": {"type": "array", "items": {
                    "type": "object", "required": ["name"], "additionalProperties": false,
                    "properties": {
                        "name": {"type": "string", "minLength": 1},
                        "content": {"type": "string"},
                        "mime_type": {"type": "string"},
                        "files": {"type": "array", "items": {
                            "type": "object", "required": ["name"], "additionalProperties": false,
                            "properties": {
                                "name": {"type": "string", "minLength": 1},
                                "content": {"type": "string"},
                                "mime_type": {"type": "string"},
                                "files": {"type": "array", "items": {
                                    "type": "object", "required": ["name"], "additionalProperties": false,
                                    "properties": {
                                        "name": {"type": "string", "minLength": 1},
                                        "content": {"type": "string"},
                                        "mime_type": {"type": "string"},
                                        "files": {"type": "array", "maxItems": 0}}}}}}}}}}}}},
        "storage_quota_bytes": {"type": "integer", "minimum": 0}}
});

const char seed_schema_notion[] = J({
    "type": "object",
    "additionalProperties": false,
    "properties": {
        "users": {"type": "array", "items": {"type": "object", "required": ["name"],
            "properties": {"name": {"type": "string"}, "email": {"type": "string"}}}},
        "pages": {"type": "array", "items": {
            "type": "object", "required": ["title"],
            "properties": {
                "title": {"type": "string"},
                "content": {"type": "string"},
                "parent": {"type": "string"},
                "icon": {"type": "string"},
                "shared_with_integration": {"type": "boolean"}}}},
        "databases": {"type": "array", "items": {
            "type": "object", "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "parent": {"type": "string"},
                "schema": {"type": "object", "additionalProperties": {"type": "string"}},
                "rows": {"type": "array", "items": {"type": "object"}},
                "shared_with_integration": {"type": "boolean"}}}}}
});

const char seed_schema_stripe[] = J({
    "type": "object",
    "additionalProperties": false,
    "properties": {
        "customers": {"type": "array", "items": {
            "type": "object", "required": ["email"],
            "properties": {
                "email": {"type": "string", "minLength": 3},
                "name": {"type": "string"},
                "description": {"type": "string"},
                "phone": {"type": "string"},
                "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
                "payment_method": {"type": "string"}}}},
        "products": {"type": "array", "items": {
            "type": "object", "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "description": {"type": "string"},
                "active": {"type": "boolean"},
                "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
                "prices": {"type": "array", "items": {
                    "type": "object", "required": ["currency", "unit_amount"],
                    "properties": {
                        "currency": {"type": "string", "minLength": 3, "maxLength": 3},
                        "unit_amount": {"type": "integer", "minimum": 0},
                        "nickname": {"type": "string"},
                        "lookup_key": {"type": "string"},
                        "recurring": {"type": "object", "required": ["interval"],
                            "properties": {"interval": {"enum": ["day", "week", "month", "year"]},
                                           "interval_count": {"type": "integer", "minimum": 1}}}}}}}}},
        "subscriptions": {"type": "array", "items": {
            "type": "object", "required": ["customer", "price"],
            "properties": {
                "customer": {"type": "string", "description": "a seeded customer's email (or id)"},
                "price": {"type": "string", "description": "a seeded price's lookup_key (or id)"},
                "quantity": {"type": "integer", "minimum": 1},
                "trial_period_days": {"type": "integer", "minimum": 1, "maximum": 730},
                "coupon": {"type": "string", "description": "a seeded coupon's id"},
                "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
                "status": {"enum": ["active", "trialing", "past_due", "canceled", "incomplete"]}}}},
        "coupons": {"type": "array", "items": {
            "type": "object",
            "properties": {
                "id": {"type": "string", "minLength": 1},
                "percent_off": {"type": "number", "minimum": 0, "maximum": 100},
                "amount_off": {"type": "integer", "minimum": 1},
                "currency": {"type": "string", "minLength": 3, "maxLength": 3},
                "duration": {"enum": ["once", "repeating", "forever"]},
                "duration_in_months": {"type": "integer", "minimum": 1},
                "name": {"type": "string"},
                "metadata": {"type": "object", "additionalProperties": {"type": "string"}}}}},
        "tax_rates": {"type": "array", "items": {
            "type": "object", "required": ["display_name", "percentage"],
            "properties": {
                "display_name": {"type": "string", "minLength": 1},
                "percentage": {"type": "number", "minimum": 0, "maximum": 100},
                "inclusive": {"type": "boolean"},
                "active": {"type": "boolean"},
                "country": {"type": "string"},
                "state": {"type": "string"},
                "jurisdiction": {"type": "string"},
                "description": {"type": "string"},
                "tax_type": {"type": "string"},
                "metadata": {"type": "object", "additionalProperties": {"type": "string"}}}}}}
});

const char *seed_schema_for(const char *twin)
{
    static const struct {
        const char *twin;
        const char *schema;
    } builtin[] = {
        {"slack", seed_schema_slack},
        {"github", seed_schema_github},
        {"jira", seed_schema_jira},
        {"discord", seed_schema_discord},
        {"google_calendar", seed_schema_google_calendar},
        {"google_drive", seed_schema_google_drive},
        {"notion", seed_schema_notion},
        {"stripe", seed_schema_stripe},
    };
    for (size_t i = 0; twin && i < sizeof builtin / sizeof builtin[0]; i++)
        if (strcmp(builtin[i].twin, twin) == 0) return builtin[i].schema;
    return NULL;
}
