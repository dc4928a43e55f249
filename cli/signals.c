/*
 * signals.c - SIGINT and SIGTERM during a streaming --batch.
 *
 * The handler only does async-signal-safe things: it records the signal, writes a byte to a
 * non-blocking self-pipe that the batch's poll loop watches, and from the second signal on
 * cancels the batch at once with se_batch_cancel (documented async-signal-safe). The loop
 * itself decides what the first signal means (stop reading, a grace period, then cancel).
 */
#define _POSIX_C_SOURCE 200809L
#include "signals.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

static se_batch *volatile caught_batch;
static volatile sig_atomic_t first_signal, n_signals;
static int pipe_fds[2] = {-1, -1};
static struct sigaction old_int, old_term;

static void on_signal(int sig) {
    int saved = errno;
    if (!first_signal)
        first_signal = sig;
    n_signals++;
    if (n_signals > 1 && caught_batch)
        se_batch_cancel(caught_batch);
    if (pipe_fds[1] >= 0) {
        char c = 1;
        ssize_t w = write(pipe_fds[1], &c, 1); /* full pipe: a byte is already waiting */
        (void)w;
    }
    errno = saved;
}

static int nonblocking(int fd) {
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

int signals_catch(se_batch *batch) {
    if (pipe(pipe_fds) != 0)
        return -1;
    for (int i = 0; i < 2; i++)
        if (nonblocking(pipe_fds[i]) != 0 || fcntl(pipe_fds[i], F_SETFD, FD_CLOEXEC) != 0)
            return -1;
    caught_batch = batch;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    if (sigaction(SIGINT, &sa, &old_int) != 0 || sigaction(SIGTERM, &sa, &old_term) != 0)
        return -1;
    return pipe_fds[0];
}

int signals_first(void) {
    return first_signal;
}

int signals_count(void) {
    char buf[64];
    while (pipe_fds[0] >= 0 && read(pipe_fds[0], buf, sizeof buf) > 0)
        ;
    return n_signals;
}

void signals_release(void) {
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    caught_batch = NULL;
    for (int i = 0; i < 2; i++) {
        if (pipe_fds[i] >= 0)
            close(pipe_fds[i]);
        pipe_fds[i] = -1;
    }
}
