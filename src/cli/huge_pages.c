/* serve's heap on transparent huge pages, without asking the user to set
 * an environment variable.
 *
 * Every create grows the store, and on the virtual machines twins runs on
 * each fresh 4 KiB page of heap costs a fault that a profile of Stripe
 * creates put at ~10 % of the server's time (the first write into malloc's
 * new top chunk).  glibc backs its heap with transparent huge pages when the
 * tunable glibc.malloc.hugetlb=1 is set, and reads tunables only when a
 * process starts; so serve starts itself again, once, with it set.  Measured
 * with bench/stripe/run.sh: see README (Performance). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <valgrind/valgrind.h>

#include "cli/cli.h"

#define TUNABLE "glibc.malloc.hugetlb"

/* "madvise" or "always" lets a process ask; "never" (or no THP) does not. */
static bool kernel_offers_huge_pages(void)
{
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (!f) return false;
    char mode[128] = "";
    bool ok = fgets(mode, sizeof mode, f) && !strstr(mode, "[never]");
    fclose(f);
    return ok;
}

static bool sanitized_build(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return true;   /* ASan's allocator replaces glibc's: the tunable is moot */
#else
    return false;
#endif
}

static bool wanted(void)
{
    const char *opt = getenv("TWINS_HUGE_PAGES");
    if (opt && strcmp(opt, "0") == 0) return false;
    const char *tunables = getenv("GLIBC_TUNABLES");
    /* Already set (by us, once, or by the user either way): never loop. */
    if (tunables && strstr(tunables, TUNABLE)) return false;
    /* Under valgrind the new image would run outside it. */
    return !sanitized_build() && !RUNNING_ON_VALGRIND && kernel_offers_huge_pages();
}

void serve_prefer_huge_pages(char **argv)
{
    if (!wanted()) return;
    const char *old = getenv("GLIBC_TUNABLES");
    char value[1024];
    int n = old && *old ? snprintf(value, sizeof value, "%s:" TUNABLE "=1", old)
                        : snprintf(value, sizeof value, TUNABLE "=1");
    if (n < 0 || (size_t)n >= sizeof value || setenv("GLIBC_TUNABLES", value, 1) != 0) return;
    /* By its real path, not /proc/self/exe: ps and top name a process
     * after the file it was started from. */
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len > 0) {
        self[len] = '\0';
        execv(self, argv);
    }
    /* Still here: run as we are, without the tunable in our children either. */
    if (old) setenv("GLIBC_TUNABLES", old, 1);
    else unsetenv("GLIBC_TUNABLES");
}
