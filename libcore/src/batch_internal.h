/*
 * batch_internal.h - what batch.c offers beyond the public batch calls, for
 * the bindings (the Python extension links libcore statically) and the tests.
 * Not part of the ABI: nothing here is exported from the shared library.
 */
#ifndef SEI_BATCH_INTERNAL_H
#define SEI_BATCH_INTERNAL_H

#include <stddef.h>

#include "sendevent/sendevent.h"

/* Cancels request `index` of a batch (its index from se_batch_add order, as
 * se_batch_next reports it), from any thread but not from a signal handler:
 * not started yet, it ends SE_E_CANCELLED with sent "no"; in flight, its
 * transfer is aborted and it ends SE_E_CANCELLED (sent "maybe" once written);
 * waiting for a retry or credentials, it ends cancelled with what it had;
 * already complete, nothing changes. The other requests of the batch go on.
 * Takes effect at the run's next turn (a running batch is woken); on a batch
 * not yet run, when it runs. SE_OK, SE_E_MISUSE (NULL batch, index never
 * added, a batch started in another process), SE_E_NOMEM. */
se_status sei_batch_cancel_item(se_batch *batch, size_t index);

#endif
