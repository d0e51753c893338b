/* Cursors tied to the twin's epoch (twin_epoch).
 *
 * A twin hands out positions in its state: an event seq, a change number, an
 * offset into a list.  Such a number means something only in the history it
 * was read from; once the state starts over (reset, admin reset, config
 * replace, reseed advance the epoch) the same number names another event or
 * another page.  So every cursor carries the epoch it was issued in, and
 * reading one tells the handler which of three cases it holds: a cursor of
 * this epoch, one of ours from an epoch that is over (each service has its
 * own answer for it), or text that is no cursor of this form at all.
 *
 * The forms below are the ones clients already hold: a cursor written in
 * epoch 0 is byte for byte what the twins wrote before cursors carried an
 * epoch, so tokens stored during a run stay readable. */
#ifndef TWINS_ENGINE_CURSOR_H
#define TWINS_ENGINE_CURSOR_H

#include <stdint.h>

#include "json/json.h"
#include "util/arena.h"

typedef struct twin_ctx twin_ctx;

typedef enum twin_cursor_state {
    TWIN_CURSOR_CURRENT,        /* issued in this epoch: the position is good */
    TWIN_CURSOR_STALE,          /* one of ours, from an epoch that is over */
    TWIN_CURSOR_MALFORMED,      /* not a cursor of this form */
} twin_cursor_state;

/* How a cursor is written.
 * - Decimal (stride > 0): the digits of epoch % span * stride + position,
 *   position in [0, stride).  Epoch 0 writes the plain position, which is why
 *   numbers clients compare or store (Box stream positions, Drive change
 *   tokens) stay numbers.  Only plain digits read back.
 * - Tagged (stride == 0): prefix + base64url(head + "<position>" + tail)
 *   in epoch 0, prefix + base64url(head + "<position>:<epoch>" + tail)
 *   after (Google's "C" + "o:5:twins", Box's "bxm:5").  The tail must not
 *   start with ':' and a digit. */
typedef struct twin_cursor_form {
    int64_t stride;             /* decimal: positions per epoch (a power of ten reads best) */
    int64_t span;               /* decimal: epochs told apart (keep span * stride in range) */
    const char *prefix;         /* tagged: text before the base64 ("" for none) */
    const char *head;           /* tagged: encoded text before the position */
    const char *tail;           /* tagged: encoded text after it ("" for none) */
} twin_cursor_form;

/* The cursor for position in epoch (position >= 0; below stride when decimal). */
const char *cursor_write(arena *a, const twin_cursor_form *f, int64_t epoch, int64_t position);
/* The number a decimal cursor spells (for answers that carry it as a JSON number). */
int64_t cursor_number(const twin_cursor_form *f, int64_t epoch, int64_t position);
/* Reads text against epoch; *position is set only for CURRENT. */
twin_cursor_state cursor_read(arena *a, const twin_cursor_form *f, int64_t epoch, const char *text,
                              int64_t *position);

/* The same in the twin's current epoch. */
const char *twin_cursor_write(twin_ctx *ctx, const twin_cursor_form *f, int64_t position);
int64_t twin_cursor_number(const twin_ctx *ctx, const twin_cursor_form *f, int64_t position);
twin_cursor_state twin_cursor_read(twin_ctx *ctx, const twin_cursor_form *f, const char *text, int64_t *position);

/* Cursors that are a JSON state the twin encodes itself (Dropbox's) carry
 * the epoch as member "e", left out in epoch 0. */
void cursor_stamp(arena *a, json_value *state, int64_t epoch);
twin_cursor_state cursor_stamp_read(const json_value *state, int64_t epoch);
void twin_cursor_stamp(twin_ctx *ctx, json_value *state);
twin_cursor_state twin_cursor_stamp_read(const twin_ctx *ctx, const json_value *state);

#endif
