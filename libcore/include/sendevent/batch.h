/*
 * sendevent/batch.h - many sends at once over one connection pool.
 *
 * Each request keeps its own response; one failure never stops the others;
 * results are indexed in the order requests were added. A batch belongs to
 * one thread at a time; many batches may run on one client concurrently.
 */
#ifndef SENDEVENT_BATCH_H
#define SENDEVENT_BATCH_H

#include "client.h"
#include "common.h"
#include "response.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A list of requests for one client. Opaque. */
typedef struct se_batch se_batch;

/**
 * Creates an empty batch sending through `client`. The client must outlive
 * the batch. On success release *out with se_batch_free().
 * Returns SE_OK, SE_E_NOMEM, SE_E_MISUSE.
 */
SE_API se_status se_batch_new(se_batch **out, se_client *client);

/** Frees a batch and every response it still owns. NULL is a no-op. */
SE_API void se_batch_free(se_batch *batch);

/**
 * Appends one request (copied). It is validated now: a request that fails
 * validation still takes its place, its response carries SE_E_INVALID and it
 * is never sent. Returns SE_OK, SE_E_INVALID (the item was added and will not
 * be sent; message via se_client_errmsg()), SE_E_NOMEM (nothing added),
 * SE_E_MISUSE (batch already run, or NULL arguments).
 */
SE_API se_status se_batch_add(se_batch *batch, const char *operation, const char *request_json);

/** Number of requests added. */
SE_API size_t se_batch_size(const se_batch *batch);

/**
 * Sends every valid request with at most `max_in_flight` (1..1024) at once,
 * retrying each as se_send() would, and waits for all of them. A batch runs
 * once. The client keeps the connections a run opened (up to max_in_flight)
 * for its next batches; attempts are logged as se_send() logs them.
 * Returns SE_OK when every request succeeded, otherwise the status of
 * the first failed request in input order (inspect each response); or
 * SE_E_MISUSE (bad arguments, ran already), SE_E_NOMEM.
 */
SE_API se_status se_batch_run(se_batch *batch, int max_in_flight);

/** Number of requests whose response is not SE_OK (after a run). */
SE_API size_t se_batch_failed(const se_batch *batch);

/**
 * Response of request `index` after se_batch_run() (invalid requests have
 * theirs from se_batch_add() on). NULL when index is out of range, the
 * request has not run, or it was taken.
 * Ownership: owned by the batch until se_batch_free() or se_batch_take().
 */
SE_API const se_response *se_batch_response(const se_batch *batch, size_t index);

/**
 * Moves response `index` out of the batch: *out then belongs to the caller
 * (se_response_free()). Returns SE_OK, or SE_E_MISUSE when there is no
 * response at that index (*out NULL).
 */
SE_API se_status se_batch_take(se_batch *batch, size_t index, se_response **out);

#ifdef __cplusplus
}
#endif
#endif
