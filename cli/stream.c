/*
 * stream.c - --batch sending, streamed.
 *
 * One se_batch is started; a poll loop watches the input, the batch's fd and the signal
 * self-pipe. A line is handed to the batch when fewer than --concurrency requests are in the
 * engine (where --rate, the client's max_rate, spaces them); until then it waits in a ring of
 * `window` slots, which also holds the results that wait for an earlier line (input order).
 * Reading stops while the ring is full: memory is bounded by the ring and one read buffer.
 * Each result is formatted whole; the results known in one turn of the loop are written
 * together before it waits again, whole results in writes of at most PIPE_BUF bytes (one
 * result alone when it is longer), so no line is ever torn, a pipe takes each write at once,
 * and a busy batch makes one write(2) for several results rather than one each.
 *
 * The first SIGINT or SIGTERM stops reading: lines read but not handed to the batch get a
 * cancelled result ("sent": "no"), se_batch_stop ends those the engine has not started
 * (waiting for the rate or a retry: "sent": "no" or what their earlier attempts say), and
 * the requests in flight have --grace seconds to finish before se_batch_cancel ends them
 * ("sent": "maybe" or "no"). A second signal cancels at once (signals.c).
 */
#define _POSIX_C_SOURCE 200809L
#include "stream.h"
#include "dynbuf.h" /* libcore's growable buffer */
#include "lines.h"
#include "options.h"
#include "output.h"
#include "report.h"
#include "signals.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct slot {
    char *line; /* the request, until handed to the batch */
    long lineno;
    bool nul;      /* the line holds a NUL byte: answered invalid, never sent */
    uint64_t hash; /* --journal: the line's hash (journal.c) */
    char *out;     /* its formatted result, waiting for earlier ones (input order) */
    size_t out_len;
    bool done;
};

struct stream {
    struct cli *cli;
    se_client *client;
    se_batch *b;
    struct journal *j; /* --journal, or NULL */
    struct line_reader in;
    struct slot *ring;
    size_t window;
    size_t n_read, n_added, n_written; /* the ring holds [n_written, n_read) */
    size_t in_engine;                  /* added, response not taken yet */
    struct tally t;
    sei_dynbuf pending; /* whole results to write before the loop waits (at most PIPE_BUF) */
    bool progress, want_input, closed, stopped, cancelled, fatal;
    double grace_end, last_draw;
};

/* Writes text whole (the rest follows at once if the pipe takes less). */
static void write_all(struct stream *s, const char *text, size_t len) {
    output_lock();
    progress_clear();
    while (len && !s->fatal) {
        ssize_t n = write(STDOUT_FILENO, text, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            s->fatal = true; /* stdout is gone: stop, as an interruption would */
            break;
        }
        text += n;
        len -= (size_t)n;
    }
    output_unlock();
}

/* Writes the results gathered so far: one write(2). */
static void flush_out(struct stream *s) {
    if (s->pending.len)
        write_all(s, s->pending.data, s->pending.len);
    sei_dynbuf_reset(&s->pending);
}

/* One whole result, gathered with others up to PIPE_BUF bytes. */
static void write_out(struct stream *s, const char *text, size_t len) {
    if (s->pending.len + len > PIPE_BUF)
        flush_out(s);
    if (len > PIPE_BUF || sei_dynbuf_add(&s->pending, text, len) != SE_OK) {
        sei_dynbuf_reset(&s->pending); /* a failed buffer is usable again */
        write_all(s, text, len);
    }
}

/* Writes the results that are next in input order (unordered: they were written already). */
static void flush_ready(struct stream *s) {
    while (s->n_written < s->n_read) {
        struct slot *sl = &s->ring[s->n_written % s->window];
        if (!sl->done)
            break;
        if (sl->out)
            write_out(s, sl->out, sl->out_len);
        free(sl->out);
        memset(sl, 0, sizeof *sl);
        s->n_written++;
    }
}

static void complete(struct stream *s, size_t index, const se_response *r, se_status st,
                     const char *fallback) {
    struct slot *sl = &s->ring[index % s->window];
    free(sl->line);
    sl->line = NULL;
    tally_add(&s->t, r, st);
    if (s->j)
        journal_record(s->j, sl->lineno, sl->hash, r, st);
    size_t len = 0;
    char *text = format_result(s->cli, r, st, (long)index, sl->lineno, fallback, &len);
    if (!text) {
        static const char nomem[] = "{\"status\":\"nomem\",\"message\":\"out of memory\"}\n";
        text = strdup(nomem); /* may fail too: the line is then lost, not torn */
        len = text ? strlen(text) : 0;
    }
    if (s->cli->unordered) {
        write_out(s, text, len);
        free(text);
    } else {
        sl->out = text;
        sl->out_len = len;
    }
    sl->done = true;
    flush_ready(s);
}

/* --journal with Connect: every line but create_connection's carries a ClientToken (its own or
 * one derived from the journal), so the provider answers a re-send with the first answer. */
static bool deduplicated(const struct stream *s) {
    return strcmp(s->cli->provider, "connect") == 0 &&
           strcmp(s->cli->operation, "create_connection") != 0;
}

/* --journal: whether an earlier run's outcome means line `lineno` is not sent again. A line in
 * flight when an earlier run died (no outcome) may have been sent: it counts as "maybe", except
 * for Connect, where the re-send is deduplicated. A line that differs from the one recorded (the
 * input changed) stops the run. */
static bool skip_line(struct stream *s, long lineno, uint64_t hash) {
    enum journal_state js = journal_lookup(s->j, lineno, hash);
    if (js == JOURNAL_SENDING && deduplicated(s))
        return false;
    bool maybe = js == JOURNAL_MAYBE || js == JOURNAL_SENDING;
    if (js == JOURNAL_ACCEPTED)
        s->t.skipped++;
    else if (maybe && !s->cli->resend_maybe)
        s->t.skipped_maybe++;
    else if (js == JOURNAL_CHANGED)
        s->fatal = true;
    else
        return false;
    if (maybe)
        errorf("line %ld: maybe sent by an earlier run (journal%s): skipped", lineno,
               js == JOURNAL_SENDING ? ": in flight when it ended" : "");
    else if (js == JOURNAL_CHANGED)
        errorf("line %ld is not the line the journal %s recorded: the input changed; stopped",
               lineno, s->cli->journal);
    return true;
}

/* Takes whole lines into the ring while there is room; want_input when it needs a read. */
static void read_lines(struct stream *s) {
    s->want_input = false;
    while (!s->stopped && s->n_read - s->n_written < s->window) {
        size_t len;
        long lineno;
        char *line = lines_next(&s->in, &len, &lineno);
        if (s->fatal)
            return;
        if (!line) {
            s->want_input = !s->in.eof;
            s->t.input_done = s->in.eof;
            return;
        }
        uint64_t hash = s->j ? journal_hash(line, len) : 0;
        if (s->j && skip_line(s, lineno, hash))
            continue;
        struct slot *sl = &s->ring[s->n_read % s->window];
        sl->lineno = lineno;
        sl->hash = hash;
        sl->nul = strlen(line) != len;
        sl->line = sl->nul ? NULL : strdup(line);
        if (!sl->nul && !sl->line) {
            s->fatal = true;
            return;
        }
        s->n_read++;
        s->t.read++;
        s->t.last_line = lineno;
    }
}

/* Hands waiting lines to the batch while fewer than --concurrency are there (--rate is the
 * client's max_rate: the engine spaces them). */
static void feed(struct stream *s) {
    while (s->n_added < s->n_read && s->in_engine < (size_t)s->cli->concurrency && !s->fatal) {
        size_t i = s->n_added;
        struct slot *sl = &s->ring[i % s->window];
        if (sl->nul) {
            s->n_added++;
            complete(s, i, NULL, SE_E_INVALID, "the line contains a NUL byte (not sent)");
            continue;
        }
        char *token =
            s->j && deduplicated(s) ? journal_client_token(s->j, sl->lineno, sl->line) : NULL;
        const char *line = token ? token : sl->line;
        char *with = add_connect_tokens(s->cli, s->cli->operation, line);
        if (s->j) /* before the library can send it: a crash from here on leaves "sending" */
            journal_record_sending(s->j, sl->lineno, sl->hash);
        se_status st = se_batch_add(s->b, s->cli->operation, with ? with : line);
        free(with);
        free(token);
        s->n_added++;
        if (st == SE_OK || st == SE_E_INVALID) {
            s->in_engine++; /* an invalid one's response comes through se_batch_next too */
            free(sl->line);
            sl->line = NULL;
        } else {
            complete(s, i, NULL, st, "out of memory (not sent)");
            s->fatal = true;
        }
    }
}

static void take_responses(struct stream *s) {
    size_t index;
    se_response *r;
    while (se_batch_next(s->b, 0, &index, &r) == SE_OK && r) {
        s->in_engine--;
        complete(s, index, r, se_response_status(r), NULL);
        se_response_free(r);
    }
}

/* After the first signal (or a fatal error): read no more, answer the lines not handed to the
 * batch as cancelled, and give the requests in flight `grace` seconds. */
static void stop(struct stream *s, double grace) {
    if (s->stopped)
        return;
    s->stopped = true;
    s->want_input = false;
    while (s->n_added < s->n_read) {
        size_t i = s->n_added++;
        complete(s, i, NULL, SE_E_CANCELLED, "interrupted before it was sent (not sent)");
    }
    se_batch_stop(s->b);
    s->grace_end = now_seconds() + (grace > 0 ? grace : 0);
}

static int poll_timeout(const struct stream *s) {
    double t = -1;
    if (s->progress)
        t = 0.2;
    if (s->stopped && !s->cancelled) {
        double g = s->grace_end - now_seconds();
        if (t < 0 || g < t)
            t = g > 0 ? g : 0;
    }
    return t < 0 ? -1 : (int)(t * 1000) + 1;
}

/* Waits for input, a response, a signal or a timer, and deals with what came. */
static void wait_and_handle(struct stream *s, int sig_fd) {
    struct pollfd fds[3] = {{.fd = sig_fd, .events = POLLIN},
                            {.fd = se_batch_fd(s->b), .events = POLLIN},
                            {.fd = s->in.fd, .events = POLLIN}};
    int n = poll(fds, s->want_input ? 3 : 2, poll_timeout(s));
    int caught = signals_count();
    if (caught)
        stop(s, s->cli->grace);
    if ((caught > 1 || s->fatal) && !s->cancelled) {
        stop(s, 0);
        s->grace_end = 0;
    }
    if (n > 0 && s->want_input && !s->stopped && fds[2].revents && !lines_fill(&s->in)) {
        errorf("cannot read %s: %s",
               strcmp(s->cli->batch, "-") == 0 ? "standard input" : s->cli->batch,
               strerror(s->in.error));
        s->fatal = true;
        stop(s, s->cli->grace);
    }
    take_responses(s);
    if (s->stopped && !s->cancelled && now_seconds() >= s->grace_end) {
        se_batch_cancel(s->b);
        s->cancelled = true;
    }
    if (s->progress && now_seconds() - s->last_draw >= 0.2) {
        output_lock();
        report_progress(&s->t);
        output_unlock();
        s->last_draw = now_seconds();
    }
}

static void run_loop(struct stream *s, int sig_fd) {
    for (;;) {
        read_lines(s);
        if (!s->stopped)
            feed(s);
        if (s->fatal)
            stop(s, 0);
        bool input_over = s->stopped || (s->t.input_done && s->n_added == s->n_read);
        if (input_over && !s->closed) {
            se_batch_close(s->b);
            s->closed = true;
        }
        if (s->closed && s->in_engine == 0 && s->n_written == s->n_read) {
            flush_out(s);
            return;
        }
        flush_out(s); /* what is known is written before waiting */
        wait_and_handle(s, sig_fd);
    }
}

static int exit_status(const struct stream *s, int sig) {
    if (sig)
        return 128 + sig;
    if (s->fatal)
        return EXIT_FAILED;
    if (s->t.skipped_maybe)
        return EXIT_FAILED; /* not known to be sent */
    if (s->t.read && s->t.invalid == s->t.read)
        return EXIT_USAGE; /* every line was invalid: nothing was sent */
    return s->t.ok == s->t.read ? EXIT_SENT : EXIT_FAILED;
}

int stream_send(struct cli *cli, se_client *client, int fd, struct journal *j) {
    size_t c = (size_t)cli->concurrency;
    struct stream s = {.cli = cli, .client = client, .j = j, .window = c * 8 < 256 ? 256 : c * 8};
    s.progress = !cli->no_progress && isatty(STDERR_FILENO);
    s.ring = calloc(s.window, sizeof *s.ring);
    if (!s.ring || se_batch_new(&s.b, client) != SE_OK ||
        se_batch_start(s.b, cli->concurrency) != SE_OK) {
        errorf("cannot start the batch: %s", se_client_errmsg(client));
        free(s.ring);
        se_batch_free(s.b);
        return EXIT_FAILED;
    }
    lines_init(&s.in, fd);
    sei_dynbuf_init(&s.pending, 0);
    s.t.t0 = s.last_draw = now_seconds();
    int sig_fd = signals_catch(s.b);
    if (sig_fd < 0) {
        errorf("cannot catch signals: %s", strerror(errno));
        s.fatal = true;
    }
    if (s.progress) {
        output_lock();
        report_progress(&s.t);
        output_unlock();
    }
    run_loop(&s, sig_fd);
    int sig = signals_first();
    signals_release();
    report_summary(&s.t, s.progress, sig);
    int rc = exit_status(&s, sig);
    for (size_t i = 0; i < s.window; i++) {
        free(s.ring[i].line);
        free(s.ring[i].out);
    }
    free(s.ring);
    lines_free(&s.in);
    sei_dynbuf_free(&s.pending);
    se_batch_free(s.b);
    return rc;
}
