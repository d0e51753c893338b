/* OAuth scope sets, shared by the twins that enforce scopes (Slack, GitHub,
 * Google Drive, Jira, Notion capabilities).
 *
 * A set is parsed from a token's grant, expanded through the service's
 * parent -> children rules (GitHub's `repo` grants `repo:status`, ...;
 * applied until nothing changes, so grandchildren follow), then has the
 * run's `disabled_scopes` removed (scopes_effective): a disabled scope is
 * neither held nor grants anything, so disabling a parent also takes away
 * what it alone grants, and disabling a child removes it even when its
 * parent is granted.  The scope "*" grants everything (Slack's wildcard
 * tokens). */
#ifndef TWINS_SCOPES_H
#define TWINS_SCOPES_H

#include <stdbool.h>
#include <stddef.h>

#include "json/json.h"
#include "util/arena.h"

typedef struct scope_rule {
    const char *parent;
    const char *const *children;    /* NULL-terminated */
} scope_rule;

typedef struct scope_set {
    const char **items;
    size_t n, cap;
} scope_set;

/* Splits on commas and/or spaces ("repo, read:user" or "chat:write channels:read"). */
scope_set *scopes_parse(arena *a, const char *list);
/* From a JSON array of strings, or a string list; NULL/other -> empty set. */
scope_set *scopes_from_json(arena *a, const json_value *v);
void scopes_add(arena *a, scope_set *s, const char *scope);   /* no duplicates */
void scopes_expand(arena *a, scope_set *s, const scope_rule *rules, size_t n_rules);
/* Removes every scope named in `disabled` (JSON array of strings). */
void scopes_disable(scope_set *s, const json_value *disabled);
/* The effective set of a grant: disabled scopes removed before expansion
 * (they grant nothing) and after (nothing grants them).  Edits s in place. */
void scopes_effective(arena *a, scope_set *s, const scope_rule *rules, size_t n_rules, const json_value *disabled);
bool scopes_has(const scope_set *s, const char *scope);
/* True when s holds any of the NULL-terminated accepted scopes. */
bool scopes_has_any(const scope_set *s, const char *const *accepted);
/* "a,b,c" (or with another separator), in insertion order. */
char *scopes_join(arena *a, const scope_set *s, const char *sep);
/* ["a","b","c"]: a grant as stored in token records and config. */
json_value *scopes_to_json(arena *a, const scope_set *s);
/* scope and every scope that grants it through the rules, transitively (the
 * set GitHub names in X-Accepted-OAuth-Scopes): scope first, then parents
 * in the order the rules reach them. */
scope_set *scopes_ancestors(arena *a, const char *scope, const scope_rule *rules, size_t n_rules);

#endif
