/* Heap pre-touching: the first access to a fresh page of memory is the
 * dearest thing a write request does in a VM.  On the Firecracker/PVM hosts
 * we measure on it costs 10-40 us per 4 KiB page (host fault plus shadow
 * page-table fill), against ~50 ns for a page already touched, and a Stripe
 * create stores ~1.8 KiB, so the server's single event-loop thread spent a
 * quarter of each create waiting on page faults.
 *
 * pretouch_start makes glibc grow its main heap ahead of need (M_TOP_PAD)
 * and never shrink it (M_TRIM_THRESHOLD -1, so a touched range stays
 * mapped), and starts one thread that reads a byte of each page between the
 * last touched address and the heap's end.  A read from user space fills
 * the page tables the way the later write would; the loop thread then finds
 * the page ready.  The value read is thrown away: whatever malloc or the
 * loop thread stores there meanwhile is neither changed nor looked at.
 *
 * pretouch_poke, from the loop thread, hands the thread the heap's new end
 * when it has moved (one sbrk(0) call otherwise).  Allocators that do not
 * use the brk heap (ASan's, valgrind's) leave the thread idle. */
#ifndef TWINS_PRETOUCH_H
#define TWINS_PRETOUCH_H

#include <stddef.h>

/* ahead: bytes the heap grows beyond need; 0 leaves malloc alone. */
void pretouch_start(size_t ahead);
void pretouch_poke(void);
void pretouch_stop(void);
/* Bytes the thread has touched so far (tests, diagnostics). */
size_t pretouch_touched(void);

#endif
