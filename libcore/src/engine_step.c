/* engine_step.c - the engine driven step by step (se_batch_attach and
 * se_batch_step, batch_driven.c): no thread of its own; an event loop watches
 * one descriptor and calls a step that never blocks. A step runs the engine's
 * turns (engine.c), the same scheduler every other run has; only the way curl
 * is given its sockets differs: an epoll instance owned by the batch holds
 * the sockets curl asks for (CURLMOPT_SOCKETFUNCTION) and the run's waker,
 * and curl's timer (CURLMOPT_TIMERFUNCTION) is folded into the time the step
 * returns.
 *
 * The multi handle comes from the client's pool and goes back to it with its
 * connections: curl announces the removal of a socket when the last transfer
 * using it ends (libcurl 7.x does not watch idle connections), so the handle
 * is given back with no socket announced to this batch's epoll. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "engine.h"

#include "util.h"

#define SEI_STEP_EVENTS 64 /* sockets handled per epoll_wait; the rest stay readable */
#define SEI_STEP_TURNS 64  /* turns per step before it hands the loop back (timeout 0) */

/* CURLMOPT_SOCKETFUNCTION: curl says which events a socket waits for. */
static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp) {
    (void)easy;
    se_batch *b = userp;
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(b->epoll_fd, EPOLL_CTL_DEL, s, NULL); /* closed already: gone anyway */
        return 0;
    }
    struct epoll_event ev = {0};
    ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
    ev.data.fd = s;
    int op = socketp ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(b->epoll_fd, op, s, &ev) < 0) {
        op = errno == ENOENT ? EPOLL_CTL_ADD : errno == EEXIST ? EPOLL_CTL_MOD : -1;
        if (op < 0 || epoll_ctl(b->epoll_fd, op, s, &ev) < 0)
            return -1; /* curl fails the transfers of this socket */
    }
    if (!socketp)
        curl_multi_assign(b->multi, s, b); /* known to the epoll: MOD from now on */
    return 0;
}

/* CURLMOPT_TIMERFUNCTION: when curl wants to be called though no socket is
 * ready (-1: never). */
static int on_timer(CURLM *multi, long ms, void *userp) {
    (void)multi;
    se_batch *b = userp;
    b->curl_due = ms < 0 ? -1 : sei_now() + (double)ms / 1000;
    return 0;
}

void sei_engine_socket_perform(se_batch *b) {
    struct epoll_event ev[SEI_STEP_EVENTS];
    sei_waker *w = atomic_load(&b->waker);
    int n = epoll_wait(b->epoll_fd, ev, SEI_STEP_EVENTS, 0), running = 0;
    for (int k = 0; k < n; k++) {
        if (w && ev[k].data.fd == w->fd) {
            sei_waker_drain(w); /* what it was rung for is taken by this turn or the next */
            continue;
        }
        uint32_t e = ev[k].events;
        int flags = (e & EPOLLIN ? CURL_CSELECT_IN : 0) | (e & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                    (e & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
        curl_multi_socket_action(b->multi, ev[k].data.fd, flags, &running);
    }
    if (b->curl_due >= 0 && sei_now() >= b->curl_due) {
        b->curl_due = -1; /* on_timer sets the next one */
        curl_multi_socket_action(b->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
}

se_status sei_engine_drive_begin(se_batch *b) {
    curl_multi_setopt(b->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(b->multi, CURLMOPT_SOCKETDATA, b);
    curl_multi_setopt(b->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(b->multi, CURLMOPT_TIMERDATA, b);
    b->curl_due = -1;
    sei_waker *w = sei_engine_begin(b);
    struct epoll_event ev = {0};
    ev.events = EPOLLIN;
    ev.data.fd = w ? w->fd : -1;
    if (w && epoll_ctl(b->epoll_fd, EPOLL_CTL_ADD, w->fd, &ev) == 0)
        return SE_OK;
    sei_engine_end(b);
    return SE_E_NOMEM;
}

void sei_engine_drive_end(se_batch *b) {
    sei_waker *w = atomic_load(&b->waker);
    if (w) /* out of the epoll before another run takes it */
        epoll_ctl(b->epoll_fd, EPOLL_CTL_DEL, w->fd, NULL);
    sei_engine_end(b);
}

/* Seconds until the step must be called again though its descriptor stays
 * quiet: the engine's own times and curl's timer; -1 for none. */
static double step_timeout(const se_batch *b, double next_due) {
    int ms = sei_engine_wait_ms(b, next_due);
    double t = ms < 0 ? -1 : (double)ms / 1000;
    if (b->curl_due >= 0) {
        double curl = b->curl_due - sei_now();
        curl = curl > 0 ? curl : 0;
        if (t < 0 || curl < t)
            t = curl;
    }
    return t;
}

bool sei_engine_step(se_batch *b, se_status *st, double *next_timeout) {
    atomic_store(&b->sleeping, false);
    double next_due = -1;
    sei_turn turn = SEI_TURN_AGAIN;
    for (int k = 0; k < SEI_STEP_TURNS && turn == SEI_TURN_AGAIN; k++)
        turn = sei_engine_turn(b, st, &next_due);
    if (turn == SEI_TURN_END) {
        *next_timeout = -1;
        return false;
    }
    if (turn == SEI_TURN_AGAIN) { /* more to do at once: the loop's other work first */
        atomic_store(&b->sleeping, true);
        *next_timeout = 0;
    } else {
        *next_timeout = step_timeout(b, next_due);
    }
    return true;
}
