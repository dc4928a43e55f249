/* http_wait.c - suspended connections (http_wait.h).
 *
 * A waiting connection is suspended in MHD and kept in one of two lists: timers (sorted by due
 * time; a timer thread resumes each when due) or hung (resumed only by a reset or shutdown).
 * Suspension and list insertion happen under one lock, so shutdown sees every suspended
 * connection. A long poll is a timer that a version bump (watch.c) makes due at once. */
#include "http_wait.h"

#include "util.h"
#include "watch.h"

#include <microhttpd.h>
#include <pthread.h>
#include <time.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv;
static struct waiter *timers; /* sorted by due */
static struct waiter *hung;
static bool stopping;
static pthread_t timer_thread;

/* w leaves the lists: from here it belongs to MHD again (after the resume). */
static void resume(struct waiter *w) {
    if (w->watch)
        watch_waiters_add(-1);
    MHD_resume_connection(w->conn);
}

static void *timer_main(void *arg) {
    (void)arg;
    pthread_mutex_lock(&mu);
    while (!stopping) {
        int64_t now = mono_ms();
        if (!timers) {
            pthread_cond_wait(&cv, &mu);
        } else if (timers->due > now) {
            cond_wait_ms(&cv, &mu, timers->due - now);
        } else {
            struct waiter *w = timers;
            timers = w->next;
            pthread_mutex_unlock(&mu);
            resume(w);
            pthread_mutex_lock(&mu);
        }
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

static void insert_timer_locked(struct waiter *w) {
    struct waiter **pp = &timers;
    while (*pp && (*pp)->due <= w->due)
        pp = &(*pp)->next;
    w->next = *pp;
    *pp = w;
    pthread_cond_signal(&cv);
}

bool wait_park(struct waiter *w, long delay_ms) {
    pthread_mutex_lock(&mu);
    bool ok = !stopping;
    if (ok) {
        MHD_suspend_connection(w->conn);
        if (w->hang) {
            w->next = hung;
            hung = w;
        } else {
            w->due = mono_ms() + delay_ms;
            insert_timer_locked(w);
        }
    }
    pthread_mutex_unlock(&mu);
    return ok;
}

/* The waiter is counted before the version is read, and parked under the lock wake_watchers
 * takes: a bump is either seen here or finds the waiter parked. */
int wait_park_watch(struct waiter *w, long wait_ms, uint64_t since) {
    watch_waiters_add(1);
    pthread_mutex_lock(&mu);
    int out = stopping ? -1 : watch_version() != since ? 0 : 1;
    if (out == 1) {
        w->watch = true;
        MHD_suspend_connection(w->conn);
        w->due = mono_ms() + wait_ms;
        insert_timer_locked(w);
    }
    pthread_mutex_unlock(&mu);
    if (out != 1)
        watch_waiters_add(-1);
    return out;
}

/* watch_on_change: every long poll becomes due now. A bump may come from under another
 * module's lock, so this only moves list entries; the timer thread does the resuming. */
static void wake_watchers(void) {
    pthread_mutex_lock(&mu);
    struct waiter *woken = NULL;
    for (struct waiter **pp = &timers; *pp;) {
        struct waiter *w = *pp;
        if (!w->watch) {
            pp = &w->next;
            continue;
        }
        *pp = w->next;
        w->next = woken;
        woken = w;
    }
    while (woken) { /* due 0 sorts first */
        struct waiter *w = woken;
        woken = w->next;
        w->due = 0;
        w->next = timers;
        timers = w;
    }
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
}

static void release_all(struct waiter *list) {
    while (list) {
        struct waiter *next = list->next;
        list->released = true;
        resume(list);
        list = next;
    }
}

void wait_release_hung(void) {
    pthread_mutex_lock(&mu);
    struct waiter *list = hung;
    hung = NULL;
    pthread_mutex_unlock(&mu);
    release_all(list); /* each resumes and is closed without an answer */
}

bool wait_start(void) {
    cond_init_monotonic(&cv);
    watch_on_change = wake_watchers;
    if (pthread_create(&timer_thread, NULL, timer_main, NULL) != 0) {
        pthread_cond_destroy(&cv);
        return false;
    }
    return true;
}

void wait_stop(void) {
    pthread_mutex_lock(&mu);
    stopping = true;
    struct waiter *t = timers, *h = hung;
    timers = hung = NULL;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    release_all(t);
    release_all(h);
    pthread_join(timer_thread, NULL);
    pthread_cond_destroy(&cv);
}
