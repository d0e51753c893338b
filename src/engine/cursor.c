/* Cursors tied to the twin's epoch: see cursor.h. */
#include "engine/cursor.h"

#include <string.h>

#include "engine/twin.h"
#include "util/base64.h"
#include "util/util.h"

/* Longer tagged text is no cursor of ours (it also bounds the decode). */
#define TAGGED_MAX 100

/* One or more plain digits into *out, refusing what exceeds int64. */
static bool read_digits(const char **p, int64_t *out)
{
    const char *s = *p;
    int64_t n = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (n > (INT64_MAX - (*s - '0')) / 10) return false;
        n = n * 10 + (*s - '0');
    }
    if (s == *p) return false;
    *p = s;
    *out = n;
    return true;
}

static bool decimal(const twin_cursor_form *f)
{
    return f->stride > 0;
}

int64_t cursor_number(const twin_cursor_form *f, int64_t epoch, int64_t position)
{
    return epoch % f->span * f->stride + position;
}

const char *cursor_write(arena *a, const twin_cursor_form *f, int64_t epoch, int64_t position)
{
    if (decimal(f)) return arena_printf(a, "%lld", (long long)cursor_number(f, epoch, position));
    const char *raw = epoch ? arena_printf(a, "%s%lld:%lld%s", f->head, (long long)position, (long long)epoch, f->tail)
                            : arena_printf(a, "%s%lld%s", f->head, (long long)position, f->tail);
    return arena_printf(a, "%s%s", f->prefix, base64url_encode(a, raw, strlen(raw)));
}

static twin_cursor_state read_decimal(const twin_cursor_form *f, int64_t epoch, const char *text, int64_t *position)
{
    const char *p = text;
    int64_t n = 0;
    if (!read_digits(&p, &n) || *p) return TWIN_CURSOR_MALFORMED;
    int64_t issued = n / f->stride;
    if (issued >= f->span) return TWIN_CURSOR_MALFORMED;   /* no epoch writes that */
    if (issued != epoch % f->span) return TWIN_CURSOR_STALE;
    *position = n % f->stride;
    return TWIN_CURSOR_CURRENT;
}

/* head + "<position>[:<epoch>]" + tail */
static bool parse_tagged(const twin_cursor_form *f, const char *raw, int64_t *position, int64_t *issued)
{
    if (!str_starts_with(raw, f->head)) return false;
    const char *p = raw + strlen(f->head);
    if (!read_digits(&p, position)) return false;
    *issued = 0;
    if (p[0] == ':' && p[1] >= '0' && p[1] <= '9') {
        p++;
        if (!read_digits(&p, issued)) return false;
    }
    return str_eq(p, f->tail);
}

static twin_cursor_state read_tagged(arena *a, const twin_cursor_form *f, int64_t epoch, const char *text,
                                     int64_t *position)
{
    size_t plen = strlen(f->prefix);
    if (strncmp(text, f->prefix, plen) != 0 || !text[plen] || strlen(text) > TAGGED_MAX) return TWIN_CURSOR_MALFORMED;
    size_t len = 0;
    const char *raw = base64_decode(a, text + plen, &len);
    int64_t pos = 0, issued = 0;
    if (!raw || strlen(raw) != len || !parse_tagged(f, raw, &pos, &issued)) return TWIN_CURSOR_MALFORMED;
    if (issued != epoch) return TWIN_CURSOR_STALE;
    *position = pos;
    return TWIN_CURSOR_CURRENT;
}

twin_cursor_state cursor_read(arena *a, const twin_cursor_form *f, int64_t epoch, const char *text,
                              int64_t *position)
{
    if (!text) return TWIN_CURSOR_MALFORMED;
    return decimal(f) ? read_decimal(f, epoch, text, position) : read_tagged(a, f, epoch, text, position);
}

const char *twin_cursor_write(twin_ctx *ctx, const twin_cursor_form *f, int64_t position)
{
    return cursor_write(ctx->a, f, twin_epoch(ctx), position);
}

int64_t twin_cursor_number(const twin_ctx *ctx, const twin_cursor_form *f, int64_t position)
{
    return cursor_number(f, twin_epoch(ctx), position);
}

twin_cursor_state twin_cursor_read(twin_ctx *ctx, const twin_cursor_form *f, const char *text, int64_t *position)
{
    return cursor_read(ctx->a, f, twin_epoch(ctx), text, position);
}

void cursor_stamp(arena *a, json_value *state, int64_t epoch)
{
    if (epoch) json_set_int(a, state, "e", epoch);
}

twin_cursor_state cursor_stamp_read(const json_value *state, int64_t epoch)
{
    const json_value *e = json_get(state, "e");
    int64_t issued = 0;
    if (e && (!json_int64(e, &issued) || issued < 0)) return TWIN_CURSOR_MALFORMED;
    return issued == epoch ? TWIN_CURSOR_CURRENT : TWIN_CURSOR_STALE;
}

void twin_cursor_stamp(twin_ctx *ctx, json_value *state)
{
    cursor_stamp(ctx->a, state, twin_epoch(ctx));
}

twin_cursor_state twin_cursor_stamp_read(const twin_ctx *ctx, const json_value *state)
{
    return cursor_stamp_read(state, twin_epoch(ctx));
}
