/* webhook.h - `sendevent webhook verify|parse` (webhook.c): the receive side from the command
 * line. */
#ifndef SENDEVENT_CLI_WEBHOOK_H
#define SENDEVENT_CLI_WEBHOOK_H

/* Runs `sendevent webhook ...` (argv[0] is "webhook"); returns the exit status. */
int webhook_main(int argc, char **argv);

#endif
