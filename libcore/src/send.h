/*
 * send.h - the pipeline shared by se_send and se_batch (send.c): prepare
 * (parse, check, URL, build), authorize, log, count delivery, decide retries.
 */
#ifndef SEI_SEND_H
#define SEI_SEND_H

#include <stdbool.h>

#include "diag.h"
#include "http_request.h"
#include "provider.h"

typedef struct sei_job {
    se_client *client;
    const sei_operation *op;
    sei_http_request http;
    sei_diag diag;
    int attempts;          /* writes to a connection (se_response_attempts) */
    int tries;             /* attempts started, for max_attempts */
    se_sent sent;          /* the most any attempt reached */
    double deadline;       /* sei_now() seconds; 0 = none */
    unsigned token_gen;    /* the credential fetch it waits on (SEI_PENDING) */
    bool refreshed_token;  /* a refused OAuth token is fetched again once */
    bool force_refresh;    /* the next authorize must replace auth_token_used */
    char *auth_token_used; /* Authorization value of the current attempt (fetched credentials) */
    double started;
} sei_job;

const sei_operation *sei_find_operation(const sei_provider *p, const char *name);
/* Parse, check and build: SE_OK or SE_E_INVALID with job->diag filled. Without
 * with_url, the URL is only checked: sei_job_url sets it before sending. */
se_status sei_job_prepare(sei_job *job, se_client *c, const char *operation, const char *json,
                          bool with_url);
/* Sets the job's URL and request line (checked against the client's options). */
se_status sei_job_url(sei_job *job);
void sei_job_clear(sei_job *job);
/* Before each attempt: credentials that need the network. */
se_status sei_job_authorize(sei_job *job);
/* Logs an attempt that started at t0 (sei_now()) and ended with `a` (debug on
 * success, info otherwise), when the client has a logger. */
void sei_job_log_attempt(se_client *c, const sei_job *job, se_status st, const sei_attempt *a,
                         double t0);
/* Logs that the job is retried after `delay` seconds, having failed with st. */
void sei_job_log_retry(se_client *c, const sei_job *job, double delay, se_status st);
/* Logs how a job ended with r unless an attempt line told (`told`: it was refused before
 * sending, cancelled or out of time before it started, or a body turned the answer into a
 * failure), then r's warnings, when the client has a logger. */
void sei_job_log_end(se_client *c, const sei_job *job, se_status st, const se_response *r,
                     bool told);
/* Whether sending the job again cannot deliver it twice (an idempotency key). */
bool sei_job_idempotent(const sei_job *job);
/* After an attempt: the delay before retrying (>= 0), or -1 for no retry. */
double sei_job_retry_delay(sei_job *job, se_status st, const sei_attempt *a);
/* Adds what attempt `a` tells about delivery to job->sent and job->attempts. */
void sei_job_count(sei_job *job, const sei_attempt *a);

/* The provider's check of the client's options a send makes (required
 * options missing, contradictory ones), made now, without a request (the URL
 * rules, which depend on the proxies in the environment, stay at the send): SE_OK, or SE_E_INVALID
 * with se_last_error() naming the first option at fault (as the first send would fail). */
se_status sei_client_check(se_client *client);

#endif
