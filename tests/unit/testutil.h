/* Shared includes for cmocka unit tests. */
#ifndef TWINS_TESTUTIL_H
#define TWINS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#endif
