/*
 * fork.h - what a client does in a child process (fork.c): it abandons,
 * never cleans up, what its parent's sends own, and rebuilds lazily.
 */
#ifndef SEI_FORK_H
#define SEI_FORK_H

#include <stdatomic.h>

#include "sendevent/client.h"

/* Bumped in every child process after fork() (pthread_atfork, se_global_init). */
extern atomic_uint sei_fork_gen;
/* In a child process, makes the client drop what the parent's sends own
 * (connections, multi handles, TLS sessions, locks, a token fetch in flight)
 * without cleaning it up, so that everything is rebuilt lazily. Cheap when
 * nothing forked. */
void sei_client_after_fork(se_client *c);
/* The child's half of pthread_atfork: locks of this module are made anew. */
void sei_fork_child_reset(void);

#endif
