/* twins: digital-twin server and its command-line client. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        cli_usage();
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("twins %s\n", TWINS_VERSION);
        return 0;
    }
    if (strcmp(cmd, "serve") == 0) return cli_serve(argc - 1, argv + 1);
    if (strcmp(cmd, "up") == 0) return cli_up(argc - 1, argv + 1);
    if (strcmp(cmd, "runs") == 0) return cli_runs(argc - 1, argv + 1);
    if (strcmp(cmd, "catalog") == 0) return cli_catalog(argc - 1, argv + 1);
    if (strcmp(cmd, "scenarios") == 0) return cli_scenarios(argc - 1, argv + 1);
    fprintf(stderr, "twins: unknown command '%s' (try 'twins --help')\n", cmd);
    return 2;
}
