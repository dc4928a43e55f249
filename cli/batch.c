/*
 * batch.c - `--batch FILE|-`: one JSON request per line, one result per line on stdout in
 * input order.
 *
 * se_batch_run() blocks until its whole batch is done, so the requests go out in chunks of
 * consecutive lines, one se_batch per chunk, on a worker thread. After each chunk the worker
 * prints that chunk's results (so memory stays bounded and results stream in order). When
 * standard error is a terminal, the main thread redraws a progress line (done/total, rate,
 * failures, ETA) five times a second and prints a summary at the end. Blank lines are skipped;
 * "index" counts requests, "line" is the input line number.
 */
#define _POSIX_C_SOURCE 200809L
#include "batch.h"
#include "cli.h"
#include "options.h"
#include "output.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct run {
    struct cli *cli;
    se_client *client;
    char **lines; /* pointers into text */
    long *lineno;
    size_t n, chunk;
    double t0;
    /* written by the worker under the output lock */
    size_t done, failed, invalid;
    bool progress, fatal;
    /* worker -> main: finished */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool finished;
};

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fmt_seconds(char *out, size_t n, double s) {
    if (s < 60)
        snprintf(out, n, "%.1fs", s);
    else if (s < 3600)
        snprintf(out, n, "%dm%02ds", (int)(s / 60), (int)s % 60);
    else
        snprintf(out, n, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
}

/* Output lock held. */
static void draw_progress(struct run *r) {
    double elapsed = now() - r->t0;
    double rate = elapsed > 0 ? (double)r->done / elapsed : 0;
    char eta[32] = "?", line[200];
    if (r->done == r->n)
        snprintf(eta, sizeof eta, "0s");
    else if (rate > 0)
        fmt_seconds(eta, sizeof eta, (double)(r->n - r->done) / rate);
    snprintf(line, sizeof line, "sendevent: %zu/%zu (%d%%)  %.0f/s  %zu failed  ETA %s", r->done,
             r->n, r->n ? (int)(100 * r->done / r->n) : 100, rate, r->failed + r->invalid, eta);
    progress_set_line(line);
}

static void *worker(void *arg) {
    struct run *r = arg;
    for (size_t start = 0; start < r->n && !r->fatal; start += r->chunk) {
        size_t end = start + r->chunk < r->n ? start + r->chunk : r->n;
        se_batch *b = NULL;
        if (se_batch_new(&b, r->client) != SE_OK) {
            r->fatal = true;
            break;
        }
        for (size_t i = start; i < end && !r->fatal; i++) {
            char *with = add_connect_tokens(r->cli, r->cli->operation, r->lines[i]);
            se_status st = se_batch_add(b, r->cli->operation, with ? with : r->lines[i]);
            free(with);
            if (st != SE_OK && st != SE_E_INVALID)
                r->fatal = true; /* out of memory: nothing was added */
        }
        se_status st = r->fatal ? SE_E_NOMEM : se_batch_run(b, r->cli->concurrency);
        if (st == SE_E_MISUSE)
            r->fatal = true;
        output_lock();
        progress_clear();
        for (size_t i = start; i < end && !r->fatal; i++) {
            const se_response *resp = se_batch_response(b, i - start);
            se_status s = resp ? se_response_status(resp) : SE_E_NOMEM;
            print_result(r->cli, resp, s, (long)i, r->lineno[i],
                         resp ? NULL : "out of memory (not sent)");
            r->done++;
            if (s == SE_E_INVALID)
                r->invalid++;
            else if (s != SE_OK)
                r->failed++;
        }
        fflush(stdout);
        if (r->progress)
            draw_progress(r);
        output_unlock();
        se_batch_free(b);
    }
    pthread_mutex_lock(&r->mu);
    r->finished = true;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* Splits text into non-blank lines (in place). */
static bool split_lines(struct run *r, char *text) {
    size_t cap = 64;
    r->lines = malloc(cap * sizeof *r->lines);
    r->lineno = malloc(cap * sizeof *r->lineno);
    long no = 0;
    for (char *p = text, *next; p && *p; p = next) {
        next = strchr(p, '\n');
        if (next)
            *next++ = '\0';
        no++;
        size_t len = strlen(p);
        if (len && p[len - 1] == '\r')
            p[--len] = '\0';
        if (strspn(p, " \t") == len)
            continue;
        if (r->n == cap) {
            cap *= 2;
            char **l = realloc(r->lines, cap * sizeof *l);
            if (l)
                r->lines = l;
            long *n = realloc(r->lineno, cap * sizeof *n);
            if (n)
                r->lineno = n;
            if (!l || !n)
                return false;
        }
        if (!r->lines || !r->lineno)
            return false;
        r->lines[r->n] = p;
        r->lineno[r->n++] = no;
    }
    return r->lines && r->lineno;
}

/* --validate / --dry-run over every line: no network, no progress. */
static int check_lines(struct run *r) {
    size_t bad = 0;
    for (size_t i = 0; i < r->n; i++) {
        char *with = add_connect_tokens(r->cli, r->cli->operation, r->lines[i]);
        const char *json = with ? with : r->lines[i];
        char *http = NULL;
        se_status st = r->cli->dry_run ? se_prepare(r->client, r->cli->operation, json, &http)
                                       : se_validate(r->client, r->cli->operation, json);
        if (st == SE_OK && http)
            print_prepared(r->cli, http, (long)i, r->lineno[i]);
        else
            print_validation(r->cli, st, se_client_errmsg(r->client), (long)i, r->lineno[i]);
        bad += st != SE_OK;
        se_free(http);
        free(with);
    }
    return bad ? EXIT_USAGE : EXIT_SENT;
}

/* Sends every line, on a worker thread while this one draws the progress line (when there is
 * one), and ends the progress line with a summary. */
static void send_lines(struct run *r) {
    r->progress = !r->cli->no_progress && isatty(STDERR_FILENO);
    /* small chunks keep a terminal's progress line moving; large ones lose less to the wait for
     * each chunk's slowest request */
    size_t c = (size_t)r->cli->concurrency;
    r->chunk = r->progress ? (c * 4 < 32 ? 32 : c * 4) : (c * 64 < 1024 ? 1024 : c * 64);
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    r->t0 = now();
    pthread_t tid;
    if (!r->progress || pthread_create(&tid, NULL, worker, r) != 0) {
        if (r->progress) {
            output_lock();
            draw_progress(r);
            output_unlock();
        }
        worker(r);
    } else {
        pthread_mutex_lock(&r->mu);
        while (!r->finished) {
            output_lock();
            draw_progress(r);
            output_unlock();
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += 200 * 1000000L;
            if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&r->cv, &r->mu, &until);
        }
        pthread_mutex_unlock(&r->mu);
        pthread_join(tid, NULL);
    }
    double elapsed = now() - r->t0;
    if (r->progress) {
        output_lock();
        draw_progress(r);
        progress_keep();
        fprintf(stderr,
                "sendevent: %zu requests in %.2f s (%.0f/s): %zu sent, %zu failed, %zu invalid\n",
                r->n, elapsed, elapsed > 0 ? (double)r->done / elapsed : 0.0,
                r->done - r->failed - r->invalid, r->failed, r->invalid);
        output_unlock();
    }
}

int run_batch(struct cli *cli, se_client *client) {
    size_t len;
    char *text = read_file(cli->batch, &len);
    if (!text)
        return EXIT_USAGE;
    struct run r = {.cli = cli, .client = client};
    int rc;
    if (strlen(text) != len) {
        errorf("%s: contains a NUL byte; --batch wants one JSON request per line",
               strcmp(cli->batch, "-") == 0 ? "standard input" : cli->batch);
        rc = EXIT_USAGE;
        goto out;
    }
    if (!split_lines(&r, text)) {
        errorf("out of memory");
        rc = EXIT_FAILED;
        goto out;
    }
    if (cli->validate || cli->dry_run) {
        rc = check_lines(&r);
        goto out;
    }

    send_lines(&r);
    pthread_cond_destroy(&r.cv);
    pthread_mutex_destroy(&r.mu);
    if (r.fatal) {
        errorf("out of memory: stopped after %zu of %zu requests", r.done, r.n);
        rc = EXIT_FAILED;
    } else if (r.n && r.invalid == r.n) {
        rc = EXIT_USAGE; /* every line was invalid: nothing was sent */
    } else {
        rc = r.failed || r.invalid ? EXIT_FAILED : EXIT_SENT;
    }
out:
    free(r.lines);
    free(r.lineno);
    free(text);
    return rc;
}
