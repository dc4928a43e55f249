/*
 * report.c - what a --batch run tells standard error: a progress line on a terminal (done/read,
 * rate, failures, ETA once the input's end is known) and a summary at the end; after an
 * interruption, always a summary saying how many requests were cancelled and how many of those
 * may have reached the provider.
 */
#define _POSIX_C_SOURCE 200809L
#include "report.h"
#include "output.h"

#include <signal.h>
#include <stdio.h>
#include <time.h>

double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void tally_add(struct tally *t, const se_response *r, se_status st) {
    t->done++;
    if (st == SE_OK)
        t->ok++;
    else if (st == SE_E_INVALID)
        t->invalid++;
    else if (st == SE_E_CANCELLED) {
        t->cancelled++;
        t->maybe += r && se_response_sent(r) == SE_SENT_MAYBE;
    } else
        t->failed++;
}

static void fmt_seconds(char *out, size_t n, double s) {
    if (s < 60)
        snprintf(out, n, "%.1fs", s);
    else if (s < 3600)
        snprintf(out, n, "%dm%02ds", (int)(s / 60), (int)s % 60);
    else
        snprintf(out, n, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
}

void report_progress(const struct tally *t) {
    double elapsed = now_seconds() - t->t0;
    double rate = elapsed > 0 ? (double)t->done / elapsed : 0;
    char eta[32] = "?", line[200];
    if (t->input_done && t->done == t->read)
        snprintf(eta, sizeof eta, "0s");
    else if (t->input_done && rate > 0)
        fmt_seconds(eta, sizeof eta, (double)(t->read - t->done) / rate);
    snprintf(line, sizeof line, "sendevent: %zu/%zu (%d%%)  %.0f/s  %zu failed  ETA %s", t->done,
             t->read, t->read ? (int)(100 * t->done / t->read) : 100, rate,
             t->failed + t->invalid + t->cancelled, eta);
    progress_set_line(line);
}

void report_summary(const struct tally *t, bool progress, int signal) {
    double elapsed = now_seconds() - t->t0;
    output_lock();
    if (progress) {
        report_progress(t);
        progress_keep();
    }
    if (progress || signal)
        fprintf(stderr,
                "sendevent: %zu requests in %.2f s (%.0f/s): %zu sent, %zu failed, %zu invalid",
                t->read, elapsed, elapsed > 0 ? (double)t->done / elapsed : 0.0, t->ok, t->failed,
                t->invalid);
    if (signal)
        fprintf(stderr,
                ", %zu cancelled (%zu not sent, %zu maybe sent)\nsendevent: interrupted by %s: "
                "input read up to line %ld; every request read has its result\n",
                t->cancelled, t->cancelled - t->maybe, t->maybe,
                signal == SIGINT ? "SIGINT" : "SIGTERM", t->last_line);
    else if (progress)
        fputc('\n', stderr);
    if (t->skipped || t->skipped_maybe)
        fprintf(stderr,
                "sendevent: journal: %zu lines accepted by an earlier run skipped, %zu maybe sent "
                "by an earlier run skipped%s\n",
                t->skipped, t->skipped_maybe,
                t->skipped_maybe ? " (--resend-maybe sends them again)" : "");
    fflush(stderr);
    output_unlock();
}
