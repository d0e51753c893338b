/* Stub engine internals: the compiled schema form the generator walks, the
 * loaded description, and the generator's entry point.
 *
 * Descriptions are compiled once at start-up into `stub_schema` nodes: $refs
 * become shared pointers (cycles stay cycles, never expanded), allOf is
 * merged, type arrays / nullable / oneOf / anyOf are normalised, so a request
 * only walks small precomputed structs. */
#ifndef TWINS_STUB_INTERNAL_H
#define TWINS_STUB_INTERNAL_H

#include "engine/stub.h"
#include "util/map.h"

typedef enum {
    SCH_ANY,
    SCH_OBJECT,
    SCH_ARRAY,
    SCH_STRING,
    SCH_INTEGER,
    SCH_NUMBER,
    SCH_BOOLEAN,
    SCH_NULL,
} stub_schema_type;

/* Service conventions the generator applies beyond the schema itself. */
typedef enum {
    STUB_FLAVOR_GENERIC,
    STUB_FLAVOR_STRIPE,         /* id prefixes from the object's "object" value */
    STUB_FLAVOR_SLACK,          /* "ok": true on every answer */
    STUB_FLAVOR_GITHUB,         /* {owner}/{repo} echo into owner.login, name, full_name */
} stub_flavor;

typedef struct stub_schema stub_schema;

typedef struct stub_prop {
    const char *name;
    stub_schema *schema;
    bool required;
    bool placeholder;           /* named by "required" only, no schema of its own (yet) */
} stub_prop;

struct stub_schema {
    stub_schema_type type;
    bool nullable;
    bool compiled;              /* false while a $ref target is being built (cycle guard) */
    const char *format;         /* NULL when absent */
    const char *pattern;        /* simple regexes are generated from, see stub_gen.c */
    const json_value *example;  /* example, else default, else const: emitted as is */
    const json_value *enum_values; /* JSON array, NULL when absent */
    bool has_min, has_max;
    double minimum, maximum;
    int64_t min_length, max_length;   /* -1 when absent */
    int64_t min_items, max_items;     /* -1 when absent */
    stub_prop *props;
    size_t n_props;
    stub_schema *items;         /* SCH_ARRAY */
    stub_schema **tuple;        /* draft-4 tuple "items": [a, b]: one item per schema, in order */
    size_t n_tuple;
    bool unique_items;          /* uniqueItems: the generated items are distinct */
    bool implicit_array;        /* no "type": an array only because it has "items" */
    stub_schema *additional;    /* map values when the object has no fixed properties */
    stub_schema **branches;     /* oneOf/anyOf alternatives; the generator picks the first */
    size_t n_branches;
    const char *id_prefix;      /* Stripe: "cus_" for an object whose "object" is "customer" */
};

/* What stub_op.schema points to: everything a request needs, precomputed. */
typedef struct stub_op_info {
    const stub_schema *schema;  /* NULL when the success answer has no body */
    stub_flavor flavor;
    const char *warning;        /* the _twin_warning text for this operation */
    const char *id_param;       /* the {param} naming this resource, echoed as "id"; NULL (stub_id_param) */
} stub_op_info;

struct stub_spec {
    char *name;
    arena *a;                   /* the parsed document and every compiled node */
    json_value *doc;
    stub_flavor flavor;
    stub_op *ops;
    size_t n_ops;
    map refs;                   /* "$ref" text -> stub_schema*, shared by all uses */
};

/* Loads one compiled description.  mount is prepended to every template
 * unless the description's own base path already starts with it.  Returns
 * NULL and sets *err (malloc'd) on failure. */
stub_spec *stub_spec_load(const char *path, const char *name, const char *mount, char **err);
void stub_spec_free(stub_spec *s);

/* The node a "$ref" names: a JSON pointer ("#/components/schemas/x") or, in
 * Google discovery documents, a bare schema name.  NULL when absent. */
const json_value *stub_resolve_ref(const stub_spec *s, const char *ref);

/* The path parameter that is the resource's own id, echoed into its "id":
 * among the parameters ending the template ("/webhooks/{webhook_id}/{webhook_token}"),
 * the last one named like an id ("id", "*_id", "*Id"), else the one naming the
 * noun before it ("/v1/customers/{customer}", "/v1/payment_intents/{intent}").
 * Never a "*token".  NULL when the template does not end in its resource
 * ("/v1/customers/{customer}/discount").  Allocated in a. */
const char *stub_id_param(arena *a, const char *tmpl);

/* Compiles the JSON schema node v of spec s (NULL gives SCH_ANY). */
stub_schema *stub_schema_compile(stub_spec *s, const json_value *v);

/* One path parameter value to echo into the body.  key is a property name
 * at the top level ("id", "channel_id") or one level down ("owner.login"). */
typedef struct stub_echo {
    const char *key;
    const char *value;
} stub_echo;

#define STUB_MAX_ECHO 24

typedef struct stub_gen_opts {
    uint64_t seed;
    stub_flavor flavor;
    const char *warning;        /* _twin_warning text */
    const stub_echo *echo;
    size_t n_echo;
    bool bare_arrays;           /* non-object answers unwrapped and unmarked */
} stub_gen_opts;

/* True when value (a path parameter's text) is a valid instance of s: type,
 * enum, length, format and pattern are checked; a pattern too complex to
 * check counts as not satisfied.  The echo writes a parameter into a
 * property only when this holds. */
bool stub_value_fits(const stub_schema *s, const char *value);

/* Writes the marked stub body for schema into out: an object gets
 * _twin_stub/_twin_warning first; anything else is wrapped in
 * {"_twin_stub","_twin_warning","data"}, or written as is with bare_arrays. */
void stub_generate(const stub_schema *schema, const stub_gen_opts *o, buf *out);

/* Drops every cached body (they point at operations of loaded specs). */
void stub_cache_clear(void);

/* 64-bit FNV-1a over several strings (NUL-separated so "ab","c" != "a","bc"). */
uint64_t stub_hash(const char *const *parts, size_t n);

#endif
