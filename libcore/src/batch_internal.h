/*
 * batch_internal.h - what batch.c offers beyond the public batch calls, for
 * the bindings (the Python extension links libcore statically) and the tests.
 * Not part of the ABI: nothing here is exported from the shared library.
 */
#ifndef SEI_BATCH_INTERNAL_H
#define SEI_BATCH_INTERNAL_H

#include <stdbool.h>
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

/* For batch_driven.c: a run's slots and multi handle taken and given back
 * (sei_batch_end_run gives SE_OK or, after a run that had to stop, its
 * status with the message set; for se_batch_run the first failed request's);
 * a started or attached batch's run marked over (se_batch_next stops
 * waiting); whether a started or attached batch comes from another process. */
se_status sei_batch_begin_run(se_batch *b, int max_in_flight);
se_status sei_batch_end_run(se_batch *b, se_status st);
void sei_batch_run_over(se_batch *b, se_status st);
bool sei_batch_inherited(const se_batch *b);

#endif
