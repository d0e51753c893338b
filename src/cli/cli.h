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
void cli_usage(void);

#endif
