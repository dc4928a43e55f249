/*
 * sendevent/batch.h - many sends at once over one connection pool.
 *
 * Each request keeps its own response; one failure never stops the others;
 * results are indexed in the order requests were added. A batch belongs to
 * one thread at a time (but se_batch_cancel() may come from any thread or a
 * signal handler, and a started batch takes se_batch_add() and
 * se_batch_next() from any thread); many batches may run on one client
 * concurrently.
 *
 * Three ways to run one: se_batch_run() sends everything added so far and
 * returns when all is done; se_batch_start() runs it on a thread of its own,
 * takes more requests while it runs, and hands out each response as soon as
 * it is known (se_batch_fd(), se_batch_next()); se_batch_attach() does the
 * same without a thread, driven by an event loop (se_batch_step()).
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

/**
 * se_batch_add() with a deadline for this request: `deadline` seconds from
 * the moment it is added, over all its attempts (0 or less: the client's
 * `deadline` option).
 */
SE_API se_status se_batch_add_within(se_batch *batch, const char *operation,
                                     const char *request_json, double deadline);

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

/**
 * Cancels the batch: requests not yet started end with SE_E_CANCELLED and
 * se_response_sent() SE_SENT_NO, requests in flight are aborted (SE_E_CANCELLED,
 * SE_SENT_MAYBE), finished results are kept; the run then ends. A batch
 * cancelled before it runs cancels every request when it runs.
 * Async-signal-safe: callable from a signal handler and from any thread while
 * the batch exists. Returns SE_OK, or SE_E_MISUSE for NULL.
 */
SE_API se_status se_batch_cancel(se_batch *batch);

/**
 * Stops the batch gracefully: no request starts from now on. Requests not
 * yet started (waiting for their turn, for max_rate, for credentials, or for
 * a retry) end with SE_E_CANCELLED and nothing more sent; those in flight
 * finish as they would have, and requests added later end cancelled. The run
 * ends when those in flight are done; se_batch_cancel() ends them at once
 * (after a grace period, say). Async-signal-safe, any thread, like
 * se_batch_cancel(). Returns SE_OK, or SE_E_MISUSE for NULL.
 */
SE_API se_status se_batch_stop(se_batch *batch);

/**
 * Starts sending on a thread of the batch's own, with at most
 * `max_in_flight` (1..1024) requests at once. Requests added before and
 * after (se_batch_add() from any thread) are sent as they come; each
 * response is handed out by se_batch_next() as soon as it is known, in
 * completion order. se_batch_close() says no more will come; the run ends
 * when everything added has completed (or on se_batch_cancel()).
 * A batch runs once: not with se_batch_run().
 * Returns SE_OK, SE_E_MISUSE (ran already, bad max_in_flight), SE_E_NOMEM.
 */
SE_API se_status se_batch_start(se_batch *batch, int max_in_flight);

/**
 * A file descriptor that is readable whenever se_batch_next() has a response
 * to hand out, or the started run has ended with nothing left to take. Poll
 * it for reading (select, poll, epoll, an event loop); never read, write or
 * close it. -1 before se_batch_start(). Owned by the batch.
 * For a batch attached with se_batch_attach(): the descriptor to watch
 * before calling se_batch_step() (readable when a transfer or a wake has
 * work for the step; it stays quiet once the run is over).
 */
SE_API int se_batch_fd(const se_batch *batch);

/**
 * Takes the next completed response of a started batch, waiting up to
 * `wait_seconds` for one (0: do not wait; < 0: wait until one comes or the
 * run ends). On SE_OK, *out is the response (the caller's: se_response_free())
 * and *index the position of its request in the order of se_batch_add(); or
 * *out is NULL when none came in time (then se_batch_pending() says whether
 * more will come). An attached batch never waits here: its responses are
 * queued by se_batch_step(). Returns SE_OK, or SE_E_MISUSE (not started,
 * NULL arguments).
 */
SE_API se_status se_batch_next(se_batch *batch, double wait_seconds, size_t *index,
                               se_response **out);

/**
 * Number of requests added to a started batch whose response has not been
 * taken by se_batch_next() yet. 0 after se_batch_close() means the run is over.
 */
SE_API size_t se_batch_pending(const se_batch *batch);

/**
 * No more requests will be added to a started batch (se_batch_add() then
 * returns SE_E_MISUSE): its run ends once everything added has completed.
 * Returns SE_OK, or SE_E_MISUSE when the batch was not started.
 */
SE_API se_status se_batch_close(se_batch *batch);

/**
 * Starts a batch that the caller drives from its event loop, instead of a
 * thread of the batch's own (se_batch_start()): nothing is sent until
 * se_batch_step() is called, and every step does what is ready without
 * blocking. The loop watches se_batch_fd() for reading and calls
 * se_batch_step() once after attaching, whenever the descriptor is readable,
 * when the `next_timeout` the last step gave has passed, and after adding
 * requests from the attaching thread; each completion is then handed out by
 * se_batch_next() in completion order. Requests added before and after, the
 * bound of `max_in_flight` (1..1024), retries, deadlines, credentials,
 * max_rate, cancellation, se_batch_stop(), se_batch_close() and
 * se_batch_pending() work as for se_batch_start().
 * Threads: se_batch_step() is called by one thread at a time (the loop's);
 * se_batch_add(), se_batch_cancel(), se_batch_stop() and se_batch_close() may
 * come from any thread and make the descriptor readable, except an add from
 * the thread that attached the batch, which does not (that thread steps after
 * adding: no system call per request). se_batch_free() comes from the thread
 * that steps: it cancels what is left and ends the run at once. In a process
 * forked from the one that attached it the batch is not usable
 * (SE_E_MISUSE) and se_batch_free() leaves it alone.
 * A batch runs once: not with se_batch_run() or se_batch_start().
 * Returns SE_OK, SE_E_MISUSE (ran already, bad max_in_flight), SE_E_NOMEM
 * (no memory, epoll instance or eventfd).
 */
SE_API se_status se_batch_attach(se_batch *batch, int max_in_flight);

/**
 * One step of an attached batch (se_batch_attach()): takes the requests
 * added and the cancels asked for, starts what may start, lets the
 * transfers whose sockets are ready proceed and queues what completed for
 * se_batch_next(). Never blocks. *next_timeout (when not NULL) gets the
 * seconds after which the step must be called again even if se_batch_fd()
 * stays quiet (a retry or max_rate due, curl's timeouts; 0: at once, the
 * step left work for the next one), or -1 when only the descriptor can
 * bring work. Once the run is over (closed and everything completed, or
 * cancelled) a step does nothing and gives -1, and se_batch_pending() counts
 * the responses left to take.
 * Returns SE_OK; SE_E_NOMEM when the run had to stop (what was not done
 * ends SE_E_NOMEM); SE_E_MISUSE (not an attached batch, or attached in
 * another process).
 */
SE_API se_status se_batch_step(se_batch *batch, double *next_timeout);

#ifdef __cplusplus
}
#endif
#endif
