/* JSON Schema (OpenAPI 3.0/3.1, Swagger 2.0, Google discovery dialects) ->
 * stub_schema, compiled once per description at start-up. */
#include <string.h>

#include "engine/stub_internal.h"

static stub_schema *new_schema(stub_spec *s)
{
    stub_schema *n = arena_zalloc(s->a, sizeof *n);
    n->min_length = n->max_length = n->min_items = n->max_items = -1;
    return n;
}

/* "#/components/schemas/x" (JSON pointer into the document) or, in Google
 * discovery documents, a bare schema name. */
const json_value *stub_resolve_ref(const stub_spec *s, const char *ref)
{
    if (ref[0] != '#') return json_get(json_get(s->doc, "schemas"), ref);
    const json_value *node = s->doc;
    const char *p = ref + 1;
    char seg[256];
    while (node && *p == '/') {
        p++;
        size_t n = 0;
        for (; *p && *p != '/' && n + 1 < sizeof seg; p++) {
            if (p[0] == '~' && (p[1] == '0' || p[1] == '1')) {
                seg[n++] = p[1] == '1' ? '/' : '~';
                p++;
            } else {
                seg[n++] = *p;
            }
        }
        seg[n] = '\0';
        node = json_get(node, seg);
    }
    return node;
}

static stub_schema_type type_from_name(const char *t)
{
    static const struct { const char *name; stub_schema_type type; } names[] = {
        {"object", SCH_OBJECT}, {"array", SCH_ARRAY}, {"string", SCH_STRING}, {"integer", SCH_INTEGER},
        {"number", SCH_NUMBER}, {"boolean", SCH_BOOLEAN}, {"null", SCH_NULL},
    };
    for (size_t i = 0; t && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].name, t) == 0) return names[i].type;
    return SCH_ANY;
}

/* "type": "x" or, in OpenAPI 3.1, "type": ["x", "null"]. */
static void read_type(stub_schema *n, const json_value *v)
{
    const json_value *t = json_get(v, "type");
    if (t && t->type == JSON_STRING) {
        n->type = type_from_name(t->str);
        return;
    }
    json_foreach(member, t) {
        stub_schema_type ty = type_from_name(json_str(member));
        if (ty == SCH_NULL) n->nullable = true;
        else if (n->type == SCH_ANY) n->type = ty;
    }
    if (n->type == SCH_ANY && n->nullable) n->type = SCH_NULL;
}

static void read_limits(stub_schema *n, const json_value *v)
{
    n->has_min = json_double(json_get(v, "minimum"), &n->minimum);
    n->has_max = json_double(json_get(v, "maximum"), &n->maximum);
    json_int64(json_get(v, "minLength"), &n->min_length);
    json_int64(json_get(v, "maxLength"), &n->max_length);
    json_int64(json_get(v, "minItems"), &n->min_items);
    json_int64(json_get(v, "maxItems"), &n->max_items);
}

static bool name_in(const json_value *names, const char *name)
{
    json_foreach(x, names) if (x->type == JSON_STRING && strcmp(x->str, name) == 0) return true;
    return false;
}

static void read_properties(stub_spec *s, stub_schema *n, const json_value *v)
{
    const json_value *props = json_get(v, "properties");
    const json_value *required = json_get(v, "required");
    if (props && props->type != JSON_OBJECT) props = NULL;
    size_t cap = (props ? props->len : 0) + (required && required->type == JSON_ARRAY ? required->len : 0);
    if (!cap) return;
    n->props = arena_zalloc(s->a, cap * sizeof *n->props);
    json_foreach(p, props) {
        n->props[n->n_props++] = (stub_prop){
            .name = p->key,
            .schema = stub_schema_compile(s, p),
            /* discovery marks required on the property itself */
            .required = name_in(required, p->key) || json_truthy(json_get(p, "required")),
        };
    }
    /* Required names without a property ("required": ["tags"] next to a
     * "tag" property in GitHub's package metadata, or an allOf part that only
     * lists names): present with any value unless another part defines them. */
    json_foreach(r, required) {
        if (r->type != JSON_STRING || json_get(props, r->str)) continue;
        bool dup = false;
        for (size_t i = 0; i < n->n_props; i++) dup = dup || !strcmp(n->props[i].name, r->str);
        if (dup) continue;
        stub_schema *any = new_schema(s);
        any->compiled = true;
        n->props[n->n_props++] = (stub_prop){.name = r->str, .schema = any, .required = true, .placeholder = true};
    }
    if (!n->n_props) n->props = NULL;
}

/* allOf: the parts' properties and constraints folded into one node.  A part
 * still being compiled (a cycle back to an ancestor) contributes nothing. */
static void merge_into(stub_spec *s, stub_schema *n, const stub_schema *part)
{
    if (!part->compiled) return;
    if (n->type == SCH_ANY) n->type = part->type;
    n->nullable = n->nullable || part->nullable;
    if (!n->format) n->format = part->format;
    if (!n->pattern) n->pattern = part->pattern;
    if (!n->example) n->example = part->example;
    if (!n->enum_values) n->enum_values = part->enum_values;
    if (!n->items) n->items = part->items;
    if (!n->n_tuple) {
        n->tuple = part->tuple;
        n->n_tuple = part->n_tuple;
    }
    n->unique_items = n->unique_items || part->unique_items;
    if (n->min_items < 0) n->min_items = part->min_items;
    if (n->max_items < 0) n->max_items = part->max_items;
    if (!n->additional) n->additional = part->additional;
    if (!n->id_prefix) n->id_prefix = part->id_prefix;
    if (!n->n_branches) {
        n->branches = part->branches;
        n->n_branches = part->n_branches;
    }
    if (!part->n_props) return;
    stub_prop *merged = arena_alloc(s->a, (n->n_props + part->n_props) * sizeof *merged);
    if (n->n_props) memcpy(merged, n->props, n->n_props * sizeof *merged);
    size_t count = n->n_props;
    for (size_t i = 0; i < part->n_props; i++) {
        const stub_prop *pp = &part->props[i];
        stub_prop *have = NULL;
        for (size_t k = 0; k < count; k++)
            if (!strcmp(merged[k].name, pp->name)) have = &merged[k];
        if (!have) {
            merged[count++] = *pp;
            continue;
        }
        bool required = have->required || pp->required;
        if (have->placeholder && !pp->placeholder) *have = *pp;
        have->required = required;
    }
    n->props = merged;
    n->n_props = count;
}

static void read_all_of(stub_spec *s, stub_schema *n, const json_value *v)
{
    json_foreach(part, json_get(v, "allOf")) merge_into(s, n, stub_schema_compile(s, part));
}

/* Whether a value generated from a can never satisfy b: another type, or
 * an object missing a property b requires.  Integers are numbers, and a
 * schema of no type takes anything. */
static bool branch_excludes(const stub_schema *a, const stub_schema *b)
{
    if (b->type == SCH_ANY) return false;
    if (a->type != b->type) return !(a->type == SCH_INTEGER && b->type == SCH_NUMBER);
    if (a->type != SCH_OBJECT) return false;
    for (size_t j = 0; j < b->n_props; j++) {
        if (!b->props[j].required) continue;
        bool present = false;
        for (size_t i = 0; i < a->n_props && !present; i++) present = strcmp(a->props[i].name, b->props[j].name) == 0;
        if (!present) return true;
    }
    return false;
}

/* The generator answers with the first alternative; for a oneOf that value
 * must match no other.  Moves the first alternative that rules out all the
 * others to the front (GitHub's event payloads list create-event, whose
 * answer also passes for delete-event, ahead of the catch-all
 * public-event).  Alternatives still being compiled (a $ref cycle) are left
 * where they are. */
static void put_exclusive_branch_first(stub_schema *n)
{
    for (size_t i = 0; i < n->n_branches; i++) {
        bool exclusive = n->branches[i]->compiled;
        for (size_t j = 0; j < n->n_branches && exclusive; j++)
            exclusive = j == i || (n->branches[j]->compiled && branch_excludes(n->branches[i], n->branches[j]));
        if (!exclusive) continue;
        stub_schema *pick = n->branches[i];
        memmove(n->branches + 1, n->branches, i * sizeof *n->branches);
        n->branches[0] = pick;
        return;
    }
}

/* oneOf/anyOf alternatives; a {"type": "null"} alternative is nullable. */
static void read_branches(stub_spec *s, stub_schema *n, const json_value *v)
{
    const json_value *lists[] = {json_get(v, "oneOf"), json_get(v, "anyOf")};
    size_t total = 0;
    for (size_t i = 0; i < 2; i++) total += lists[i] && lists[i]->type == JSON_ARRAY ? lists[i]->len : 0;
    if (!total) return;
    n->branches = arena_alloc(s->a, total * sizeof *n->branches);
    for (size_t i = 0; i < 2; i++) {
        json_foreach(b, lists[i]) {
            stub_schema *c = stub_schema_compile(s, b);
            if (c->type == SCH_NULL && c->compiled) n->nullable = true;
            else n->branches[n->n_branches++] = c;
        }
    }
    if (n->n_branches > 1) put_exclusive_branch_first(n);
}

/* Stripe ids carry a prefix naming the resource; the resource is the single
 * value of the object's "object" enum. */
static const char *stripe_id_prefix(stub_spec *s, const stub_schema *n)
{
    static const struct { const char *object, *prefix; } prefixes[] = {
        {"account", "acct_"}, {"balance_transaction", "txn_"}, {"bank_account", "ba_"}, {"card", "card_"},
        {"charge", "ch_"}, {"checkout.session", "cs_test_"}, {"coupon", "co_"}, {"credit_note", "cn_"},
        {"customer", "cus_"}, {"dispute", "dp_"}, {"event", "evt_"}, {"file", "file_"}, {"invoice", "in_"},
        {"invoiceitem", "ii_"}, {"payment_intent", "pi_"}, {"payment_link", "plink_"},
        {"payment_method", "pm_"}, {"payout", "po_"}, {"plan", "plan_"}, {"price", "price_"},
        {"product", "prod_"}, {"promotion_code", "promo_"}, {"refund", "re_"}, {"setup_intent", "seti_"},
        {"source", "src_"}, {"subscription", "sub_"}, {"subscription_item", "si_"},
        {"subscription_schedule", "sub_sched_"}, {"tax_rate", "txr_"}, {"token", "tok_"},
        {"transfer", "tr_"}, {"webhook_endpoint", "we_"},
    };
    const stub_schema *object = NULL;
    for (size_t i = 0; i < n->n_props; i++)
        if (strcmp(n->props[i].name, "object") == 0) object = n->props[i].schema;
    if (!object || !object->enum_values || object->enum_values->len != 1) return NULL;
    const char *name = json_str(object->enum_values->first);
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strcmp(prefixes[i].object, name) == 0) return prefixes[i].prefix;
    /* Unlisted resources: "issuing.card" -> "issuing_card_". */
    char *p = arena_printf(s->a, "%s_", name);
    for (char *c = p; *c; c++)
        if (*c == '.') *c = '_';
    return p;
}

static void read_value_hints(stub_schema *n, const json_value *v)
{
    n->format = json_get_str(v, "format");
    n->pattern = json_get_str(v, "pattern");
    const char *hint_keys[] = {"example", "default", "const"};
    for (size_t i = 0; i < 3 && !n->example; i++) n->example = json_get(v, hint_keys[i]);
    const json_value *e = json_get(v, "enum");
    if (e && e->type == JSON_ARRAY && e->len) n->enum_values = e;
    if (json_truthy(json_get(v, "nullable")) || json_truthy(json_get(v, "x-nullable"))) n->nullable = true;
}

static void fill_schema(stub_spec *s, stub_schema *n, const json_value *v)
{
    read_type(n, v);
    read_value_hints(n, v);
    read_limits(n, v);
    read_properties(s, n, v);
    const json_value *items = json_get(v, "items");
    if (items && items->type == JSON_ARRAY) {           /* draft-4 tuple (Slack) */
        n->tuple = arena_alloc(s->a, (items->len ? items->len : 1) * sizeof *n->tuple);
        json_foreach(it, items) n->tuple[n->n_tuple++] = stub_schema_compile(s, it);
    } else if (items) {
        n->items = stub_schema_compile(s, items);
    }
    n->unique_items = json_truthy(json_get(v, "uniqueItems"));
    const json_value *extra = json_get(v, "additionalProperties");
    if (extra && extra->type == JSON_OBJECT) n->additional = stub_schema_compile(s, extra);
    read_branches(s, n, v);
    read_all_of(s, n, v);
    /* {"nullable": true} and nothing else: APIs-guru's conversion of a
     * Swagger {"type": "null"} (Slack's files.info content_html) */
    if (n->type == SCH_ANY && n->nullable && !n->n_props && !n->additional && !n->items && !n->n_tuple &&
        !n->n_branches && !n->enum_values && !n->example)
        n->type = SCH_NULL;
    if (n->type == SCH_ANY && (n->n_props || n->additional)) n->type = SCH_OBJECT;
    if (n->type == SCH_ANY && (n->items || n->n_tuple)) n->type = SCH_ARRAY, n->implicit_array = true;
    if (s->flavor == STUB_FLAVOR_STRIPE && n->type == SCH_OBJECT && !n->id_prefix)
        n->id_prefix = stripe_id_prefix(s, n);
    n->compiled = true;
}

/* A $ref compiles once and is shared by every use; the node is registered
 * before its target is read so a cycle finds it instead of recursing. */
static stub_schema *compile_ref(stub_spec *s, const char *ref)
{
    stub_schema *n = map_get(&s->refs, ref);
    if (n) return n;
    n = new_schema(s);
    map_put(&s->refs, ref, n);
    const json_value *target = stub_resolve_ref(s, ref);
    if (target && target->type == JSON_OBJECT) {
        const char *inner = json_get_str(target, "$ref");
        if (inner) {
            const stub_schema *alias = compile_ref(s, inner);
            if (alias->compiled) *n = *alias;
        } else {
            fill_schema(s, n, target);
        }
    }
    n->compiled = true;
    return n;
}

stub_schema *stub_schema_compile(stub_spec *s, const json_value *v)
{
    if (!v || v->type != JSON_OBJECT) {
        stub_schema *any = new_schema(s);
        any->compiled = true;
        return any;
    }
    const char *ref = json_get_str(v, "$ref");
    if (ref) return compile_ref(s, ref);
    stub_schema *n = new_schema(s);
    fill_schema(s, n, v);
    return n;
}
