/* Command-line client subcommands (they talk to a running server). */
#ifndef TWINS_CLI_H
#define TWINS_CLI_H

#define TWINS_VERSION "0.1.0"
#define TWINS_DEFAULT_PORT 8400

int cli_up(int argc, char **argv);
int cli_runs(int argc, char **argv);
int cli_catalog(int argc, char **argv);
int cli_scenarios(int argc, char **argv);
int cli_serve(int argc, char **argv);
/* Re-executes the process once with glibc's heap on transparent huge pages
 * (huge_pages.c says why); returns when that is not wanted or not possible.
 * argv is main's, whole. */
void serve_prefer_huge_pages(char **argv);
void cli_usage(void);

#endif
