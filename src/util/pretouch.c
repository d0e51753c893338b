/* Heap pre-touching; see pretouch.h for why. */
#include "util/pretouch.h"

#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

static struct {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    uintptr_t target;       /* heap end handed over; under mu */
    uintptr_t seen;         /* heap end the loop thread last handed over */
    uintptr_t page;
    size_t touched;         /* under mu */
    bool running, stopping; /* stopping under mu */
} P = {.mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static uintptr_t heap_end(void)
{
    return (uintptr_t)sbrk(0);
}

/* One read per page from user space.  The range lies below the heap end,
 * which never moves down once trimming is off, so every page is mapped. */
static void touch_range(uintptr_t from, uintptr_t to)
{
    for (uintptr_t a = from; a < to; a += P.page) (void)__atomic_load_n((const char *)a, __ATOMIC_RELAXED);
}

static void *touch_loop(void *arg)
{
    uintptr_t done = (uintptr_t)arg;
    pthread_mutex_lock(&P.mu);
    for (;;) {
        while (!P.stopping && P.target <= done) pthread_cond_wait(&P.wake, &P.mu);
        if (P.stopping) break;
        uintptr_t to = P.target;
        pthread_mutex_unlock(&P.mu);
        touch_range(done, to);
        pthread_mutex_lock(&P.mu);
        P.touched += to - done;
        done = to;
    }
    pthread_mutex_unlock(&P.mu);
    return NULL;
}

void pretouch_start(size_t ahead)
{
    if (P.running || ahead == 0) return;
    /* Trimming off first: from here on the heap end only grows. */
    if (!mallopt(M_TRIM_THRESHOLD, -1) || !mallopt(M_TOP_PAD, (int)ahead)) return;
    /* Setting the two above freezes glibc's mmap threshold at 128 KiB; keep
     * mid-sized buffers (big answers) on the touched heap instead. */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    P.page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = heap_end() & ~(P.page - 1);
    P.seen = P.target = start;
    P.stopping = false;
    if (pthread_create(&P.thread, NULL, touch_loop, (void *)start) != 0) return;
    P.running = true;
}

void pretouch_poke(void)
{
    if (!P.running) return;
    uintptr_t end = heap_end();
    if (end <= P.seen) return;
    P.seen = end;
    pthread_mutex_lock(&P.mu);
    P.target = end;
    pthread_cond_signal(&P.wake);
    pthread_mutex_unlock(&P.mu);
}

void pretouch_stop(void)
{
    if (!P.running) return;
    pthread_mutex_lock(&P.mu);
    P.stopping = true;
    pthread_cond_signal(&P.wake);
    pthread_mutex_unlock(&P.mu);
    pthread_join(P.thread, NULL);
    P.running = false;
}

size_t pretouch_touched(void)
{
    pthread_mutex_lock(&P.mu);
    size_t n = P.touched;
    pthread_mutex_unlock(&P.mu);
    return n;
}
