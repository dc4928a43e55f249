/* http_wait.h - connections suspended while they wait (http_wait.c): a delayed answer (latency
 * fault), a hang, or the inbox page's long poll. None of them holds a worker thread. */
#ifndef SE_EMULATOR_HTTP_WAIT_H
#define SE_EMULATOR_HTTP_WAIT_H

#include <stdbool.h>
#include <stdint.h>

struct MHD_Connection;

/* Embedded in http.c's request state. Once parked, the fields belong to this module until the
 * connection is resumed (MHD then calls the request handler again). */
struct waiter {
    struct MHD_Connection *conn;
    bool hang;     /* waits until released */
    bool released; /* resumed by a reset (hangs) or at shutdown: close without an answer */
    bool watch;    /* a long poll: resumed early when the version moves */
    int64_t due;   /* mono_ms */
    struct waiter *next;
};

bool wait_start(void); /* the timer thread; false when it cannot start */
void wait_stop(void);  /* releases every waiter and joins the timer thread */
/* Suspends w->conn for delay_ms (or until released, for a hang); false at shutdown. */
bool wait_park(struct waiter *w, long delay_ms);
/* A long poll: 1 parked for up to wait_ms, 0 when the version has already moved from since
 * (answer at once), -1 at shutdown. */
int wait_park_watch(struct waiter *w, long wait_ms, uint64_t since);
void wait_release_hung(void); /* resumes every hang, released */

#endif
