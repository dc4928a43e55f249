/* engine.h - the one driver loop every send runs on (engine.c), and the batch
 * it drives: se_send runs a batch of one on it, se_batch_run and
 * se_batch_start (batch.c) batches of many. Nothing here is part of the ABI. */
#ifndef SEI_ENGINE_H
#define SEI_ENGINE_H

#include "block.h"
#include "client_state.h"
#include "response_internal.h"
#include "send.h"
#include "transport.h"
#include "waker.h"

typedef enum {
    ITEM_PENDING, /* not started */
    ITEM_RUNNING, /* an attempt in flight in a slot */
    ITEM_WAITING, /* a retry waits until `due` */
    ITEM_TOKEN,   /* waits for credentials being fetched */
    ITEM_DONE
} sei_item_state;

/* One request. A batch may hold very many, so an item is small: its job (the
 * checked and built request with its retry state) is parked in a block from
 * se_batch_add until it completes, its attempt in a slot while in flight. */
typedef struct sei_batch_item {
    sei_job *job;
    sei_block *job_block;  /* the block holding job, or NULL: malloc'd (or borrowed) */
    se_response *response; /* when done, until taken */
    double due;            /* ITEM_WAITING: when the retry may start */
    sei_item_state state;
} sei_batch_item;

/* A transfer in flight: a run has max_in_flight of them (plus one for a
 * credential fetch). A slot keeps its easy handle, and so its connection,
 * from one request to the next, and gives it back to the client's pool when
 * the run ends. */
typedef struct sei_slot {
    sei_attempt attempt;
    CURL *easy;
    size_t item;        /* index of the item in flight */
    double started;     /* of the attempt, when the client logs */
    bool short_timeout; /* CURLOPT_TIMEOUT_MS was cut to a deadline */
} sei_slot;

/* A request of the batch to cancel (sei_batch_cancel_item): pushed by any
 * thread onto an atomic stack the run takes whole at its next turn. */
typedef struct sei_cancel_node {
    size_t index;
    struct sei_cancel_node *next;
} sei_cancel_node;

typedef struct sei_completion {
    size_t index;
    se_response *response;
} sei_completion;

struct se_batch {
    se_client *client;
    sei_batch_item *items;
    size_t n, cap, next; /* next: the first item never started */
    size_t failed, n_done, n_waiting;
    bool borrowed_jobs; /* se_send: the job is the caller's, not freed */
    bool has_deadlines;
    /* max_rate held back the last request asked for: none is asked for again
     * before rate_due */
    bool rate_held;
    double rate_due;

    /* ---- the run ---- */
    CURLM *multi;
    sei_slot *slots;
    sei_slot **free_slots; /* a stack of the slots not in use */
    int n_free, max_in_flight;
    sei_slot token_slot;        /* the credential fetch this run makes, if any */
    sei_http_request token_req; /* its request */
    bool token_in_flight;
    bool token_blocked;    /* the last send that asked for credentials has to wait */
    size_t *token_waiters; /* items in ITEM_TOKEN, in the order they asked */
    size_t n_token_waiters, cap_token_waiters;
    _Atomic(sei_waker *) waker; /* rung by se_batch_cancel, se_client_cancel, se_batch_add */
    unsigned cancel_gen;        /* the client's when the run (or se_send) began */
    bool cancel_gen_set;        /* se_send set it when it was called */
    atomic_bool cancel;         /* se_batch_cancel was called */
    atomic_bool stop;           /* se_batch_stop was called: nothing more starts */
    size_t stopped_upto;        /* the items before it have been stopped */
    bool cancelled;             /* the run has cancelled what was left */
    _Atomic(sei_cancel_node *) cancel_items; /* single requests to cancel, not yet seen */

    sei_block *block;     /* where responses of the run are cut from (block.c) */
    sei_block *job_block; /* where queued requests are parked by se_batch_add */
    /* During a run, a job block whose jobs are all done is kept for responses:
     * mapped, populated and recently used, instead of unmapped while new memory
     * is mapped for the responses. */
    sei_block *spare[8];
    int n_spare;
    bool running;
    bool ran;

    /* ---- se_batch_start: a run on a thread of its own ---- */
    bool started;
    unsigned fork_gen; /* sei_fork_gen when started: the thread lives in that process */
    pthread_t thread;
    pthread_mutex_t lock; /* what follows, shared with the run's thread */
    pthread_cond_t cond;
    int done_fd;              /* readable while completions wait or the run has ended */
    atomic_bool fd_wanted;    /* se_batch_fd was asked: done_fd is kept up to date */
    atomic_bool sleeping;     /* the run is in (or about to enter) its poll: an add rings */
    bool closed;              /* se_batch_close: no more adds */
    bool finished;            /* the run's thread is done */
    size_t n_added;           /* every se_batch_add, the index the next one gets */
    size_t n_taken;           /* handed out by se_batch_next */
    sei_batch_item *incoming; /* added while running, not yet seen by the run */
    size_t n_incoming, cap_incoming;
    sei_completion *queue; /* completions not yet taken, a ring */
    size_t q_head, q_len, q_cap;
    se_status result; /* of the run */

    /* ---- se_batch_attach: a run the caller drives, step by step (engine_step.c) ---- */
    bool driven;
    bool run_closed;    /* the run has seen the batch closed (kept from turn to turn) */
    int epoll_fd;       /* curl's sockets and the run's waker: se_batch_fd of a driven batch */
    double curl_due;    /* when curl's timer expires (sei_now seconds); < 0: none */
    pthread_t attacher; /* the thread that attached it: its adds do not ring the waker */
};

/* What a turn of the engine leaves to its driver. */
typedef enum {
    SEI_TURN_AGAIN, /* turn again now: requests may start, or came meanwhile */
    SEI_TURN_SLEEP, /* wait for a transfer, the waker or sei_engine_wait_ms */
    SEI_TURN_END    /* the run is over (*st says whether it had to stop) */
} sei_turn;

/* Runs the batch's items until every one is done (and, for a started batch,
 * until it is closed): b->multi, the slots and max_in_flight are set up by the
 * caller. SE_OK, or SE_E_NOMEM when the run had to stop. It is begin, turns
 * (polling the multi and the waker between them), end. */
se_status sei_engine_run(se_batch *b);

/* A run begins: the waker it is woken by (NULL when no eventfd can be had),
 * the client's cancel generation noted. */
sei_waker *sei_engine_begin(se_batch *b);
/* One turn of the one scheduler: take added requests and single cancels,
 * cancel or stop, start what is due, let curl work (curl_multi_perform, or
 * for a driven batch the ready sockets and curl's timer), complete what
 * finished. *st: SE_OK, or why the run had to stop; *next_due: the first
 * retry still waiting (for sei_engine_wait_ms). */
sei_turn sei_engine_turn(se_batch *b, se_status *st, double *next_due);
/* Milliseconds until the engine must turn again even if nothing wakes it
 * (retries, max_rate, credentials), -1 for none; curl's timer aside. */
int sei_engine_wait_ms(const se_batch *b, double next_due);
/* The run ends: a credential fetch in flight abandoned, the waker given back. */
void sei_engine_end(se_batch *b);

/* ---- a driven batch (engine_step.c) ---- */

/* A driven batch's share of a turn: the sockets epoll found ready and curl's
 * expired timer handed to curl_multi_socket_action, the waker drained. */
void sei_engine_socket_perform(se_batch *b);
/* The driven run begins on the multi it took: curl's sockets and timer go to
 * this batch (its epoll_fd, made by the caller), the run's waker into the
 * epoll. SE_E_NOMEM when no waker can be had. */
se_status sei_engine_drive_begin(se_batch *b);
/* One step: turns until the engine would sleep (at most a bounded number);
 * *next_timeout as se_batch_step gives it. false when the run is over: the
 * caller then ends it (sei_engine_drive_end, then the run's slots). */
bool sei_engine_step(se_batch *b, se_status *st, double *next_timeout);
/* The driven run ends: its waker leaves the epoll, then sei_engine_end. */
void sei_engine_drive_end(se_batch *b);

/* Ends item i with st and the response built from attempt a (NULL when no
 * answer is to be used); for a started batch the response is queued. */
se_status sei_engine_finish(se_batch *b, size_t i, se_status st, sei_attempt *a);

/* Queues a completion of a started batch for se_batch_next (the queue owns r
 * until it is taken). */
se_status sei_engine_queue(se_batch *b, size_t index, se_response *r);

/* se_send's run: one job (borrowed) on the engine, in the calling thread;
 * cancel_gen is the client's as se_send was called (se_client_cancel). */
se_response *sei_engine_send(se_client *c, sei_job *job, unsigned cancel_gen);

/* A slot's easy handle goes back to the client (its header list with its job). */
void sei_engine_slot_release(se_client *c, sei_slot *s);

/* What the finished transfer tells about its attempt (engine.c). */
void sei_engine_collect(se_client *c, sei_attempt *a, CURL *easy, CURLcode result);
/* Ends the run's credential fetch in flight without an answer (engine.c). */
void sei_engine_abandon_token_fetch(se_batch *b);
/* Everything not done ends as cancelled; in flight it may have been delivered
 * (engine_cancel.c). */
void sei_engine_cancel_all(se_batch *b);
/* se_batch_stop: every item not in flight (from stopped_upto on, and the
 * retries waiting anywhere) ends as cancelled; nothing more starts. */
se_status sei_engine_stop_waiting(se_batch *b);
/* The single cancels taken from the batch's stack, each ending its request as
 * cancelled; the nodes are freed; indices this run has not seen are ignored. */
se_status sei_engine_cancel_listed(se_batch *b, sei_cancel_node *list);

#endif
