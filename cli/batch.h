/* batch.h - --batch (batch.c). */
#ifndef SENDEVENT_CLI_BATCH_H
#define SENDEVENT_CLI_BATCH_H

#include <sendevent/sendevent.h>
#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

int run_batch(struct cli *cli, se_client *client);

#endif
