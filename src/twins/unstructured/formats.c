/* Unstructured twin: partitioning the text-like formats (plain text,
 * Markdown, HTML, CSV/TSV, and JSON in the elements format). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "twins/unstructured/unstructured.h"
#include "util/util.h"

const char *us_partition_text(twin_ctx *ctx, const us_opts *o, const char *text, size_t len, json_value *out)
{
    us_elems e;
    us_elems_init(&e, ctx, o, out, o->starting_page_number);
    us_elems_paragraphs(&e, text, len);
    return NULL;
}

/* ---- tables ---- */

static void html_escape(buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '<': buf_append(b, "&lt;", 4); break;
        case '>': buf_append(b, "&gt;", 4); break;
        case '&': buf_append(b, "&amp;", 5); break;
        default: buf_append(b, s + i, 1);
        }
    }
}

/* A Table element from rows of cells: text is the cells joined by spaces,
 * metadata.text_as_html the table. */
static void add_table(us_elems *e, json_value *rows)
{
    arena *a = e->ctx->a;
    buf text = BUF_INIT, html = BUF_INIT;
    buf_append(&html, "<table>", 7);
    json_foreach(row, rows) {
        buf_append(&html, "<tr>", 4);
        json_foreach(cell, row) {
            buf_append(&html, "<td>", 4);
            html_escape(&html, cell->str, cell->len);
            buf_append(&html, "</td>", 5);
            if (cell->len) {
                if (text.len) buf_append(&text, " ", 1);
                buf_append(&text, cell->str, cell->len);
            }
        }
        buf_append(&html, "</tr>", 5);
    }
    buf_append(&html, "</table>", 8);
    json_value *el = us_elem_add(e, "Table", buf_cstr(&text));
    json_set_str(a, json_get(el, "metadata"), "text_as_html", buf_cstr(&html));
    buf_free(&text);
    buf_free(&html);
}

/* RFC 4180 fields (quotes, doubled quotes, separators and newlines inside quotes). */
const char *us_partition_csv(twin_ctx *ctx, const us_opts *o, const char *text, size_t len, char sep, json_value *out)
{
    arena *a = ctx->a;
    json_value *rows = json_array(a), *row = json_array(a);
    buf cell = BUF_INIT;
    bool quoted = false, row_has = false;
    for (size_t i = 0; i <= len; i++) {
        char c = i < len ? text[i] : '\n';
        if (quoted) {
            if (c == '"' && i + 1 < len && text[i + 1] == '"') buf_append(&cell, "\"", 1), i++;
            else if (c == '"') quoted = false;
            else buf_append(&cell, &c, 1);
            continue;
        }
        if (c == '"') { quoted = true; row_has = true; continue; }
        if (c == sep) { json_push(row, json_string(a, buf_cstr(&cell))); cell.len = 0; row_has = true; continue; }
        if (c == '\r') continue;
        if (c == '\n') {
            if (row_has || cell.len) {
                json_push(row, json_string(a, buf_cstr(&cell)));
                json_push(rows, row);
                row = json_array(a);
            }
            cell.len = 0;
            row_has = false;
            continue;
        }
        buf_append(&cell, &c, 1);
    }
    buf_free(&cell);
    us_elems e;
    us_elems_init(&e, ctx, o, out, o->starting_page_number);
    if (rows->len) add_table(&e, rows);
    return NULL;
}

/* ---- Markdown ---- */

static json_value *pipe_cells(arena *a, const char *line)
{
    json_value *cells = json_array(a);
    const char *s = line;
    if (*s == '|') s++;
    while (*s) {
        const char *bar = strchr(s, '|');
        size_t n = bar ? (size_t)(bar - s) : strlen(s);
        while (n && isspace((unsigned char)*s)) s++, n--;
        size_t m = n;
        while (m && isspace((unsigned char)s[m - 1])) m--;
        if (bar || m) json_push(cells, json_stringn(a, s, m));
        if (!bar) break;
        s = bar + 1;
        if (!*s) break;
    }
    return cells;
}

static bool separator_row(const char *line)
{
    bool dash = false;
    for (const char *p = line; *p; p++) {
        if (*p == '-') dash = true;
        else if (*p != '|' && *p != ':' && *p != ' ') return false;
    }
    return dash;
}

/* Emphasis and code marks dropped, links reduced to their text. */
static char *md_inline(arena *a, const char *s)
{
    buf b = BUF_INIT;
    for (const char *p = s; *p; p++) {
        if (*p == '*' || *p == '_' || *p == '`') continue;
        if (*p == '[') {
            const char *close = strstr(p, "](");
            const char *end = close ? strchr(close, ')') : NULL;
            if (close && end) {
                buf_append(&b, p + 1, (size_t)(close - p - 1));
                p = end;
                continue;
            }
        }
        buf_append(&b, p, 1);
    }
    char *r = arena_strdup(a, buf_cstr(&b));
    buf_free(&b);
    return r;
}

const char *us_partition_markdown(twin_ctx *ctx, const us_opts *o, const char *text, size_t len, json_value *out)
{
    arena *a = ctx->a;
    us_elems e;
    us_elems_init(&e, ctx, o, out, o->starting_page_number);
    buf para = BUF_INIT, code = BUF_INIT;
    json_value *table = NULL;
    bool in_code = false;
    for (size_t i = 0; i <= len;) {
        size_t j = i;
        while (j < len && text[j] != '\n') j++;
        char *line = arena_strndup(a, text + i, j - i);
        bool last = j >= len;
        i = j + 1;
        size_t n = strlen(line);
        while (n && isspace((unsigned char)line[n - 1])) line[--n] = '\0';
        char *t = line;
        while (*t == ' ') t++;
        if (str_starts_with(t, "```")) {
            if (in_code) {
                if (code.len) us_elem_add(&e, "CodeSnippet", buf_cstr(&code));
                code.len = 0;
            } else {
                us_elems_paragraphs(&e, buf_cstr(&para), para.len);
                para.len = 0;
            }
            in_code = !in_code;
        } else if (in_code) {
            if (code.len) buf_append(&code, "\n", 1);
            buf_append(&code, line, strlen(line));
        } else if (*t == '|') {
            if (!table) {
                us_elems_paragraphs(&e, buf_cstr(&para), para.len);
                para.len = 0;
                table = json_array(a);
            }
            if (!separator_row(t)) json_push(table, pipe_cells(a, t));
        } else {
            if (table) {
                add_table(&e, table);
                table = NULL;
            }
            size_t h = 0;
            while (t[h] == '#') h++;
            if (h && h <= 6 && t[h] == ' ') {
                us_elems_paragraphs(&e, buf_cstr(&para), para.len);
                para.len = 0;
                char *title = md_inline(a, t + h + 1);
                if (*title) us_elem_add(&e, "Title", title);
            } else {
                /* keep a "* item" bullet a bullet: its star is not emphasis */
                bool star = (t[0] == '*' || t[0] == '+') && t[1] == ' ';
                char *in = md_inline(a, star ? t + 2 : line);
                if (star) buf_append(&para, "- ", 2);
                buf_append(&para, in, strlen(in));
                buf_append(&para, "\n", 1);
            }
        }
        if (last) break;
    }
    if (table) add_table(&e, table);
    if (in_code && code.len) us_elem_add(&e, "CodeSnippet", buf_cstr(&code));
    us_elems_paragraphs(&e, buf_cstr(&para), para.len);
    buf_free(&para);
    buf_free(&code);
    return NULL;
}

/* ---- HTML ---- */

static void append_entity(buf *b, const char **pp)
{
    static const struct {
        const char *name, *text;
    } ents[] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"},
                {"&apos;", "'"}, {"&nbsp;", " "}, {"&mdash;", "\xe2\x80\x94"}, {"&ndash;", "\xe2\x80\x93"}};
    for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++) {
        size_t n = strlen(ents[i].name);
        if (strncasecmp(*pp, ents[i].name, n) == 0) {
            buf_append(b, ents[i].text, strlen(ents[i].text));
            *pp += n - 1;
            return;
        }
    }
    buf_append(b, "&", 1);
}

typedef struct html_state {
    us_elems *e;
    buf text;                   /* the current block's text */
    const char *block;          /* element type of the current block, NULL = classify */
    json_value *table, *row;    /* inside <table> */
    int skip;                   /* inside <script>/<style>/<head> */
} html_state;

static void html_flush(html_state *s)
{
    arena *a = s->e->ctx->a;
    /* collapse whitespace */
    buf out = BUF_INIT;
    bool space = false;
    for (size_t i = 0; i < s->text.len; i++) {
        char c = s->text.data[i];
        if (isspace((unsigned char)c)) { space = out.len > 0; continue; }
        if (space) buf_append(&out, " ", 1);
        space = false;
        buf_append(&out, &c, 1);
    }
    s->text.len = 0;
    if (s->table && s->row) {
        json_push(s->row, json_string(a, buf_cstr(&out)));
    } else if (out.len) {
        us_elem_add(s->e, s->block, buf_cstr(&out));
    }
    buf_free(&out);
    s->block = NULL;
}

static bool tag_is(const char *tag, size_t n, const char *name)
{
    return strlen(name) == n && strncasecmp(tag, name, n) == 0;
}

static void html_tag(html_state *s, const char *tag, size_t n, bool closing)
{
    static const char *const skipped[] = {"script", "style", "head", "title", NULL};
    for (size_t i = 0; skipped[i]; i++)
        if (tag_is(tag, n, skipped[i])) {
            s->skip += closing ? -1 : 1;
            if (s->skip < 0) s->skip = 0;
            return;
        }
    arena *a = s->e->ctx->a;
    if (tag_is(tag, n, "table")) {
        html_flush(s);
        if (closing && s->table) {
            add_table(s->e, s->table);
            s->table = NULL;
        } else if (!closing) {
            s->table = json_array(a);
        }
        return;
    }
    if (s->table) {
        if (tag_is(tag, n, "tr")) {
            if (!closing) s->row = json_array(a);
            else if (s->row) {
                json_push(s->table, s->row);
                s->row = NULL;
            }
        } else if (tag_is(tag, n, "td") || tag_is(tag, n, "th")) {
            if (closing) html_flush(s);
            else s->text.len = 0;
        }
        return;
    }
    static const char *const blocks[] = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "section",
                                         "article", "header", "footer", "ul", "ol", "blockquote", "pre", "body", NULL};
    for (size_t i = 0; blocks[i]; i++) {
        if (!tag_is(tag, n, blocks[i])) continue;
        html_flush(s);
        if (!closing && n == 2 && tolower((unsigned char)tag[0]) == 'h' && isdigit((unsigned char)tag[1])) s->block = "Title";
        else if (!closing && tag_is(tag, n, "li")) s->block = "ListItem";
        else if (!closing && tag_is(tag, n, "p")) s->block = NULL;
        return;
    }
}

const char *us_partition_html(twin_ctx *ctx, const us_opts *o, const char *text, size_t len, json_value *out)
{
    us_elems e;
    us_elems_init(&e, ctx, o, out, o->starting_page_number);
    html_state s = {.e = &e};
    const char *end = text + len;
    for (const char *p = text; p < end; p++) {
        if (*p == '<') {
            if (end - p >= 4 && strncmp(p, "<!--", 4) == 0) {
                const char *c = strstr(p, "-->");
                p = c ? c + 2 : end - 1;
                continue;
            }
            const char *gt = memchr(p, '>', (size_t)(end - p));
            if (!gt) break;
            const char *t = p + 1;
            bool closing = *t == '/';
            if (closing) t++;
            size_t n = 0;
            while (t + n < gt && (isalnum((unsigned char)t[n]))) n++;
            if (n) html_tag(&s, t, n, closing);
            p = gt;
            continue;
        }
        if (s.skip) continue;
        if (*p == '&') append_entity(&s.text, &p);
        else buf_append(&s.text, p, 1);
    }
    s.row = NULL;
    html_flush(&s);
    if (s.table) add_table(&e, s.table);
    buf_free(&s.text);
    return NULL;
}

/* ---- JSON: the library's own elements format (a round trip) ---- */

const char *us_partition_json(twin_ctx *ctx, const us_opts *o, const char *text, size_t len, json_value *out)
{
    json_value *doc = json_parse(ctx->a, text, len, NULL);
    bool ok = doc && doc->type == JSON_ARRAY;
    json_foreach(x, doc) ok = ok && x->type == JSON_OBJECT && json_get_str(x, "type") && json_get_str(x, "text");
    if (!ok) return "JSON cannot be partitioned. Schema does not match the Unstructured schema.";
    us_elems e;
    us_elems_init(&e, ctx, o, out, o->starting_page_number);
    json_foreach(x, doc) {
        int64_t page = o->starting_page_number;
        json_int64(json_get(json_get(x, "metadata"), "page_number"), &page);
        if (page != e.page) us_elems_page(&e, page);
        us_elem_add(&e, json_get_str(x, "type"), json_get_str(x, "text"));
    }
    return NULL;
}
