/* util/pretouch: the helper thread reads every page the heap grows by and
 * changes nothing the program wrote there. */
#include "testutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "util/pretouch.h"

enum { BLOCKS = 96, BLOCK = 64 << 10 };

static void wait_touched(size_t want)
{
    for (int i = 0; i < 400 && pretouch_touched() < want; i++) nanosleep(&(struct timespec){0, 5000000}, NULL);
}

static void test_touches_what_the_heap_grows_by(void **state)
{
    (void)state;
    pretouch_start((size_t)1 << 20);
    uintptr_t before = (uintptr_t)sbrk(0);
    unsigned char *blocks[BLOCKS];
    for (int i = 0; i < BLOCKS; i++) {
        blocks[i] = malloc(BLOCK);
        assert_non_null(blocks[i]);
        for (size_t j = 0; j < BLOCK; j++) blocks[i][j] = (unsigned char)(i + j);
        pretouch_poke();
    }
    uintptr_t grown = (uintptr_t)sbrk(0) - before;
    if (grown) {
        /* glibc's heap: the pages up to its end, less the partial first page */
        wait_touched(grown - 4096);
        assert_true(pretouch_touched() + 4096 >= grown);
    } else {
        /* a sanitizer's allocator maps its own memory: nothing to touch */
        assert_int_equal(pretouch_touched(), 0);
    }
    for (int i = 0; i < BLOCKS; i++) {
        for (size_t j = 0; j < BLOCK; j++) assert_int_equal(blocks[i][j], (unsigned char)(i + j));
        free(blocks[i]);
    }
    /* trimming is off: the heap end never moves down under the thread */
    assert_true((uintptr_t)sbrk(0) - before == grown);
    pretouch_stop();
    pretouch_poke();   /* stopped: a no-op */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_touches_what_the_heap_grows_by),
    };
    return cmocka_run_group_tests_name("util/pretouch", tests, NULL, NULL);
}
