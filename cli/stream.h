/* stream.h - --batch sending: one started se_batch fed as lines arrive (stream.c). */
#ifndef SENDEVENT_CLI_STREAM_H
#define SENDEVENT_CLI_STREAM_H

#include <sendevent/sendevent.h>

#include "cli.h"
#include "journal.h"

/* Sends every request read from `fd` and writes each result; returns the exit status. With a
 * journal `j`: records each result there and skips what it says was sent. */
int stream_send(struct cli *cli, se_client *client, int fd, struct journal *j);

#endif
