/* options.h - client options from the environment, --config and --set (options.c). */
#ifndef SENDEVENT_CLI_OPTIONS_H
#define SENDEVENT_CLI_OPTIONS_H

#include <sendevent/sendevent.h>
#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

/* Applies, in increasing precedence: the environment, the --config file, the --set flags.
 * On failure prints "sendevent: ..." (naming the key and its source, never a value) and
 * returns false. */
bool apply_options(struct cli *cli, se_client *client);
/* For Connect: returns a malloc'd copy of request_json with ConnectionToken/ParticipantToken
 * added from the connection_token/participant_token options when the request lacks them, or
 * NULL when nothing needs adding (use the original). */
char *add_connect_tokens(const struct cli *cli, const char *operation, const char *request_json);

#endif
