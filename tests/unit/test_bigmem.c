/* util/bigmem: big blocks on huge-page-aligned mappings, small ones on malloc,
 * contents kept across every kind of resize. */
#include "testutil.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "util/bigmem.h"

static const size_t MIB = (size_t)1 << 20;

static bool huge_aligned(const void *p)
{
    return ((uintptr_t)p & (BIG_MIN_BYTES - 1)) == 0;
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(i * 31u + seed);
}

/* The first n bytes are still what fill(seed) wrote. */
static void assert_filled(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(i * 31u + seed)) fail_msg("byte %zu of %zu changed", i, n);
}

static void assert_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i += 4093) assert_int_equal(p[i], 0);
    assert_int_equal(p[n - 1], 0);
}

static void test_alloc_is_zeroed_and_big_is_aligned(void **state)
{
    (void)state;
    unsigned char *small = big_alloc(1000);
    assert_zero(small, 1000);
    big_free(small, 1000);

    size_t n = BIG_MIN_BYTES + 12345; /* not a whole number of huge pages */
    unsigned char *big = big_alloc(n);
    assert_true(huge_aligned(big));
    assert_zero(big, n);
    fill(big, n, 1);
    assert_filled(big, n, 1);
    big_free(big, n);
    big_free(NULL, n);
}

/* A vector doubling from small to many megabytes, as the store's do. */
static void test_growth_keeps_contents(void **state)
{
    (void)state;
    size_t n = 64;
    unsigned char *p = big_realloc(NULL, 0, n);
    fill(p, n, 7);
    while (n < 16 * MIB) {
        size_t bigger = n * 2;
        p = big_realloc(p, n, bigger);
        assert_filled(p, n, 7);
        if (bigger >= BIG_MIN_BYTES) assert_true(huge_aligned(p));
        fill(p, bigger, 7);
        n = bigger;
    }
    big_free(p, n);
}

/* With the addresses after it taken, a big block must move, and still start
 * on a huge-page boundary. */
static void test_growth_that_must_move(void **state)
{
    (void)state;
    size_t n = 2 * BIG_MIN_BYTES;
    unsigned char *p = big_alloc(n);
    fill(p, n, 3);
    void *blocker = mmap(p + n, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    assert_true(blocker == (void *)(p + n));
    unsigned char *q = big_realloc(p, n, 3 * n);
    assert_true(q != p);
    assert_true(huge_aligned(q));
    assert_filled(q, n, 3);
    q[3 * n - 1] = 1; /* the new part is mapped */
    munmap(blocker, 4096);
    big_free(q, 3 * n);
}

static void test_shrinking(void **state)
{
    (void)state;
    size_t n = 6 * MIB;
    unsigned char *p = big_alloc(n);
    fill(p, n, 5);
    p = big_realloc(p, n, 3 * MIB); /* still big: trimmed in place */
    assert_filled(p, 3 * MIB, 5);
    p = big_realloc(p, 3 * MIB, 100000); /* small again: back on malloc */
    assert_filled(p, 100000, 5);
    p = big_realloc(p, 100000, 50000);
    assert_filled(p, 50000, 5);
    big_free(p, 50000);
}

/* Faulting in ahead changes nothing in the contents, on either kind of block
 * (malloc's memory takes the page-by-page path). */
static void test_populate_keeps_contents(void **state)
{
    (void)state;
    size_t n = 2 * BIG_MIN_BYTES;
    unsigned char *big = big_alloc(n);
    fill(big, 4096, 9);
    big_populate(big, BIG_MIN_BYTES);
    big_populate(big + BIG_MIN_BYTES, BIG_MIN_BYTES);
    assert_filled(big, 4096, 9);
    assert_zero(big + 4096, n - 4096);
    big_free(big, n);

    unsigned char *small = big_alloc(10000);
    fill(small, 10000, 4);
    big_populate(small, 10000);
    assert_filled(small, 10000, 4);
    big_free(small, 10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_is_zeroed_and_big_is_aligned),
        cmocka_unit_test(test_growth_keeps_contents),
        cmocka_unit_test(test_growth_that_must_move),
        cmocka_unit_test(test_shrinking),
        cmocka_unit_test(test_populate_keeps_contents),
    };
    return cmocka_run_group_tests_name("util/bigmem", tests, NULL, NULL);
}
