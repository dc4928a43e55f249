/*
 * options.h - a client's option values (options.c): defaults and release.
 * Reading a slot is inline (client_state.h); setting one is se_client_set.
 */
#ifndef SEI_OPTIONS_H
#define SEI_OPTIONS_H

#include "sendevent/client.h"

/* Applies the defaults of every slot of a new client. */
void sei_opts_init(se_client *c);
void sei_opts_free(se_client *c);

#endif
