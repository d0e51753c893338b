/* RFC 8259 parser into the arena DOM.
 *
 * The parser is iterative: open containers live on an explicit stack, so a
 * caller-chosen depth limit cannot overflow the C stack.  Strings are found
 * with a table-driven scan and copied with memcpy when they hold neither
 * escapes nor non-ASCII bytes (the common case); only the rest go through the
 * validating decoder. */
#include "json/json.h"

#include <stdio.h>
#include <string.h>

#include "util/util.h"

typedef struct parser {
    arena *a;
    const unsigned char *begin, *p, *end;
    json_error *err;
    json_value *root;
    json_value **stack;         /* open containers, innermost last */
    int depth, max_depth, stack_cap;
    const char *key;            /* member name waiting for its value */
    uint32_t key_len;
} parser;

enum step { STEP_VALUE, STEP_DONE, STEP_ERROR };

/* Bytes that end the fast string scan: the quote, the backslash, control
 * characters (an error) and non-ASCII bytes (need UTF-8 validation).  The
 * unsigned subtraction folds the two range checks into one compare. */
static inline bool is_string_special(unsigned char c)
{
    return (unsigned char)(c - 0x20) >= 0x60 || c == '"' || c == '\\';
}

static void describe_position(const parser *ps, size_t offset, json_error *err)
{
    int line = 1, column = 1;
    for (size_t i = 0; i < offset; i++) {
        if (ps->begin[i] == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
    }
    err->offset = offset;
    err->line = line;
    err->column = column;
}

static enum step fail_at(parser *ps, const unsigned char *where, const char *message)
{
    if (ps->err) {
        describe_position(ps, (size_t)(where - ps->begin), ps->err);
        snprintf(ps->err->message, sizeof ps->err->message, "%s", message);
    }
    return STEP_ERROR;
}

static enum step fail_unexpected(parser *ps, const unsigned char *where)
{
    char message[40];
    if (where >= ps->end)
        return fail_at(ps, where, "unexpected end of input");
    if (*where >= 0x20 && *where < 0x7f)
        snprintf(message, sizeof message, "unexpected character '%c'", *where);
    else
        snprintf(message, sizeof message, "unexpected byte 0x%02x", *where);
    return fail_at(ps, where, message);
}

static void skip_whitespace(parser *ps)
{
    const unsigned char *p = ps->p, *end = ps->end;
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    ps->p = p;
}

/* ---- strings ---- */

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Reads the four hex digits of a \u escape at s; -1 if malformed. */
static long read_hex4(const unsigned char *s, const unsigned char *end)
{
    if (end - s < 4) return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hex_value(s[i]);
        if (h < 0) return -1;
        v = v << 4 | h;
    }
    return v;
}

static size_t encode_utf8(unsigned long cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decodes a \u escape (and its low half when it is a high surrogate) at s,
 * which points just past the 'u'.  Returns the bytes consumed or 0. */
static size_t decode_unicode_escape(const unsigned char *s, const unsigned char *end,
                                    char *out, size_t *out_len)
{
    long cp = read_hex4(s, end);
    if (cp < 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) return 0;
    if (cp < 0xD800 || cp > 0xDBFF) {
        *out_len = encode_utf8((unsigned long)cp, out);
        return 4;
    }
    if (end - s < 10 || s[4] != '\\' || s[5] != 'u') return 0;
    long low = read_hex4(s + 6, end);
    if (low < 0xDC00 || low > 0xDFFF) return 0;
    unsigned long combined = 0x10000 + ((unsigned long)(cp - 0xD800) << 10) + (unsigned long)(low - 0xDC00);
    *out_len = encode_utf8(combined, out);
    return 10;
}

static char simple_escape(unsigned char c)
{
    switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '/': return '/';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return 0;
    }
}

/* Decodes the string body [s, end) into out, validating escapes and UTF-8.
 * Returns false after reporting the first problem. */
static bool decode_string(parser *ps, const unsigned char *s, const unsigned char *end,
                          char *out, uint32_t *len_out)
{
    size_t n = 0;
    while (s < end) {
        unsigned char c = *s;
        if (c == '\\') {
            char simple = simple_escape(s[1]);
            if (simple) {
                out[n++] = simple;
                s += 2;
                continue;
            }
            size_t produced = 0, used = s[1] == 'u' ? decode_unicode_escape(s + 2, end, out + n, &produced) : 0;
            if (!used) {
                fail_at(ps, s, s[1] == 'u' ? "invalid \\u escape or lone surrogate" : "invalid escape");
                return false;
            }
            n += produced;
            s += 2 + used;
        } else if (c < 0x80) {
            out[n++] = (char)c;
            s++;
        } else {
            int seq = utf8_sequence_length(s, end);
            if (!seq) {
                fail_at(ps, s, "invalid UTF-8");
                return false;
            }
            memcpy(out + n, s, (size_t)seq);
            n += (size_t)seq;
            s += seq;
        }
    }
    out[n] = '\0';
    *len_out = (uint32_t)n;
    return true;
}

/* Parses the string whose opening quote is at ps->p.  Allocates `header`
 * bytes followed by the decoded text, so a value node and its text share one
 * allocation; returns the allocation (text at +header) or NULL. */
static char *parse_string(parser *ps, size_t header, uint32_t *len_out)
{
    const unsigned char *body = ps->p + 1, *q = body, *end = ps->end;
    bool plain = true;
    for (;;) {
        while (q < end && !is_string_special(*q)) q++;
        if (q >= end) {
            fail_at(ps, ps->p, "unterminated string");
            return NULL;
        }
        if (*q == '"') break;
        if (*q < 0x20) {
            fail_at(ps, q, "control character in string");
            return NULL;
        }
        plain = false;
        if (*q != '\\') {
            q++;   /* non-ASCII: validated by the decoder */
            continue;
        }
        if (end - q < 2) {
            fail_at(ps, ps->p, "unterminated string");
            return NULL;
        }
        q += 2;   /* an escaped quote must not end the scan */
    }
    size_t raw_len = (size_t)(q - body);
    char *mem = arena_alloc(ps->a, header + raw_len + 1);
    char *text = mem + header;
    if (plain) {
        memcpy(text, body, raw_len);
        text[raw_len] = '\0';
        *len_out = (uint32_t)raw_len;
    } else if (!decode_string(ps, body, q, text, len_out)) {
        return NULL;
    }
    ps->p = q + 1;
    return mem;
}

/* ---- scalars ---- */

static json_value *init_node(json_value *v, json_type type, const char *str, uint32_t len)
{
    v->type = type;
    v->len = len;
    v->str = str;
    v->first = v->last = v->next = NULL;
    v->key = NULL;
    v->key_len = 0;
    return v;
}

static json_value *parse_string_value(parser *ps)
{
    uint32_t len;
    char *mem = parse_string(ps, sizeof(json_value), &len);
    if (!mem) return NULL;
    json_value *v = (json_value *)(void *)mem;
    return init_node(v, JSON_STRING, mem + sizeof(json_value), len);
}

static const unsigned char *skip_digits(const unsigned char *p, const unsigned char *end)
{
    while (p < end && *p >= '0' && *p <= '9') p++;
    return p;
}

static bool is_digit_at(const unsigned char *p, const unsigned char *end)
{
    return p < end && *p >= '0' && *p <= '9';
}

/* Validates the number grammar and keeps the source text verbatim. */
static json_value *parse_number(parser *ps)
{
    const unsigned char *start = ps->p, *p = start, *end = ps->end;
    if (*p == '-') p++;
    if (!is_digit_at(p, end)) {
        fail_at(ps, p, "invalid number: expected a digit");
        return NULL;
    }
    if (*p == '0') {
        p++;
        if (is_digit_at(p, end)) {
            fail_at(ps, p, "invalid number: leading zero");
            return NULL;
        }
    } else {
        p = skip_digits(p, end);
    }
    if (p < end && *p == '.') {
        p++;
        if (!is_digit_at(p, end)) {
            fail_at(ps, p, "invalid number: expected a digit after '.'");
            return NULL;
        }
        p = skip_digits(p, end);
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (!is_digit_at(p, end)) {
            fail_at(ps, p, "invalid number: expected a digit in the exponent");
            return NULL;
        }
        p = skip_digits(p, end);
    }
    size_t n = (size_t)(p - start);
    char *mem = arena_alloc(ps->a, sizeof(json_value) + n + 1);
    char *text = mem + sizeof(json_value);
    memcpy(text, start, n);
    text[n] = '\0';
    ps->p = p;
    return init_node((json_value *)(void *)mem, JSON_NUMBER, text, (uint32_t)n);
}

static json_value *parse_literal(parser *ps, const char *word, size_t n, json_type type)
{
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) {
        fail_at(ps, ps->p, "invalid literal");
        return NULL;
    }
    ps->p += n;
    return init_node(arena_alloc(ps->a, sizeof(json_value)), type, NULL, 0);
}

/* ---- structure ---- */

/* Links a finished or freshly opened node into the innermost container. */
static void link_node(parser *ps, json_value *v)
{
    if (ps->depth == 0) {
        ps->root = v;
        return;
    }
    json_value *parent = ps->stack[ps->depth - 1];
    if (parent->type == JSON_OBJECT) {
        v->key = ps->key;
        v->key_len = ps->key_len;
    }
    if (parent->last)
        parent->last->next = v;
    else
        parent->first = v;
    parent->last = v;
    parent->len++;
}

static bool push_container(parser *ps, json_value *container)
{
    if (ps->depth >= ps->max_depth) {
        fail_at(ps, ps->p, "maximum nesting depth exceeded");
        return false;
    }
    if (ps->depth == ps->stack_cap) {
        /* Grown in the arena: the old copy is wasted, but doubling bounds
         * that waste by the final size. */
        int cap = ps->stack_cap * 2;
        json_value **grown = arena_alloc(ps->a, (size_t)cap * sizeof *grown);
        memcpy(grown, ps->stack, (size_t)ps->depth * sizeof *grown);
        ps->stack = grown;
        ps->stack_cap = cap;
    }
    ps->stack[ps->depth++] = container;
    return true;
}

static enum step parse_member_key(parser *ps)
{
    skip_whitespace(ps);
    /* Only reached after ',' with a '}' here: a trailing comma. */
    if (ps->p < ps->end && *ps->p == '}') return fail_at(ps, ps->p, "expected a member name after ','");
    if (ps->p >= ps->end || *ps->p != '"') return fail_unexpected(ps, ps->p);
    char *key = parse_string(ps, 0, &ps->key_len);
    if (!key) return STEP_ERROR;
    ps->key = key;
    skip_whitespace(ps);
    if (ps->p >= ps->end || *ps->p != ':')
        return fail_at(ps, ps->p, ps->p < ps->end ? "expected ':'" : "unexpected end of input");
    ps->p++;
    return STEP_VALUE;
}

/* After a complete value: consumes ',' or closing brackets until another
 * value is expected or the outermost value is complete. */
static enum step after_value(parser *ps)
{
    while (ps->depth > 0) {
        skip_whitespace(ps);
        bool in_object = ps->stack[ps->depth - 1]->type == JSON_OBJECT;
        if (ps->p >= ps->end) return fail_at(ps, ps->p, "unexpected end of input");
        unsigned char c = *ps->p;
        if (c == ',') {
            ps->p++;
            return in_object ? parse_member_key(ps) : STEP_VALUE;
        }
        if (c != (in_object ? '}' : ']'))
            return fail_at(ps, ps->p, in_object ? "expected ',' or '}'" : "expected ',' or ']'");
        ps->p++;
        ps->depth--;
    }
    return STEP_DONE;
}

static enum step open_container(parser *ps, json_type type)
{
    json_value *v = init_node(arena_alloc(ps->a, sizeof(json_value)), type, NULL, 0);
    link_node(ps, v);
    if (!push_container(ps, v)) return STEP_ERROR;
    ps->p++;
    skip_whitespace(ps);
    char close = type == JSON_OBJECT ? '}' : ']';
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        ps->depth--;
        return after_value(ps);
    }
    return type == JSON_OBJECT ? parse_member_key(ps) : STEP_VALUE;
}

static json_value *parse_scalar(parser *ps)
{
    switch (*ps->p) {
    case '"': return parse_string_value(ps);
    case 't': return parse_literal(ps, "true", 4, JSON_TRUE);
    case 'f': return parse_literal(ps, "false", 5, JSON_FALSE);
    case 'n': return parse_literal(ps, "null", 4, JSON_NULL);
    default: break;
    }
    if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) return parse_number(ps);
    fail_unexpected(ps, ps->p);
    return NULL;
}

/* Parses one value (or opens a container) at the current position. */
static enum step parse_value(parser *ps)
{
    skip_whitespace(ps);
    if (ps->p >= ps->end) return fail_at(ps, ps->p, "unexpected end of input");
    if (*ps->p == '{') return open_container(ps, JSON_OBJECT);
    if (*ps->p == '[') return open_container(ps, JSON_ARRAY);
    json_value *v = parse_scalar(ps);
    if (!v) return STEP_ERROR;
    link_node(ps, v);
    return after_value(ps);
}

json_value *json_parse_depth(arena *a, const char *text, size_t len, int max_depth, json_error *err)
{
    json_value *inline_stack[64];
    if (!text) text = "";   /* an empty buf has no data yet; it is an empty document */
    parser ps = {
        .a = a,
        .begin = (const unsigned char *)text,
        .p = (const unsigned char *)text,
        .end = (const unsigned char *)text + len,
        .err = err,
        .stack = inline_stack,
        .max_depth = max_depth,
        .stack_cap = (int)(sizeof inline_stack / sizeof inline_stack[0]),
    };
    /* Lengths and child counts are 32-bit in the DOM. */
    if (len > UINT32_MAX) {
        fail_at(&ps, ps.begin, "document too large");
        return NULL;
    }
    enum step step;
    do step = parse_value(&ps);
    while (step == STEP_VALUE);
    if (step == STEP_ERROR) return NULL;
    skip_whitespace(&ps);
    if (ps.p != ps.end) {
        fail_at(&ps, ps.p, "unexpected data after the JSON value");
        return NULL;
    }
    return ps.root;
}

json_value *json_parse(arena *a, const char *text, size_t len, json_error *err)
{
    return json_parse_depth(a, text, len, JSON_DEFAULT_MAX_DEPTH, err);
}
