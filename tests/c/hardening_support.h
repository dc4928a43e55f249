/* hardening_support.h - what the two hardening test programs (test_hardening.c,
 * test_hardening_servers.c) share: a small server on loopback (a thread of the
 * test) that plays the provider and counts what reached it, so that "nothing
 * was sent" is checked, not assumed; clients of it and valid requests. */
#ifndef SE_TEST_HARDENING_SUPPORT_H
#define SE_TEST_HARDENING_SUPPORT_H

#include <pthread.h>
#include <stdatomic.h>

#include "sendevent/sendevent.h"

typedef enum {
    ANSWER_RAW,       /* api_answer as written ("%PATH%" replaced by the request path) */
    ANSWER_BIGLINE,   /* a 1 MiB header line */
    ANSWER_BIGSTATUS, /* a 1 MiB status line */
    ANSWER_MANY,      /* 100,000 header lines */
    ANSWER_CONTINUE,  /* 100 Continue, endlessly */
    ANSWER_DEEP,      /* a 200 whose body nests 100,000 deep */
} answer_mode;

struct server {
    int fd, port;
    pthread_t thread;
    atomic_bool stop;
    atomic_int api_requests, token_requests;
    answer_mode mode;
    char api_answer[4096];
    int token_status;
    char token_body[8192]; /* "%AUTH%" is replaced by the Authorization received */
    char last_auth[1024], last_path[1024];
    pthread_mutex_t lock;
};

/* The capture server's state (the tests read its counters and what it received). */
extern struct server S;
/* Its base URL, "http://127.0.0.1:<port>", once started. */
extern char URL[64];

/* Starts the server's thread on a free loopback port (exits the test when it cannot). */
void server_start(void);
void server_stop(void);
/* Forgets the counts; the API answers by `mode`, the token endpoint with a good token. */
void server_reset(answer_mode mode, const char *api_answer);

#define OK_ZAPI                                                                                    \
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 18\r\nConnection: "      \
    "close\r\n\r\n{\"messageId\":\"M1\"}"
#define OK_SINCH                                                                                   \
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\nConnection: "      \
    "close\r\n\r\n{\"event_id\":\"E1\"}"

/* Clients of the capture server (max_attempts 1); a NULL token: the default one. */
se_client *zapi_client(const char *base_url, const char *token);
se_client *sinch_client(void);

extern const char *GROUP;
extern const char *SINCH_EVENT;
/* A Z-API send_event whose event name is `name` (JSON string contents). */
char *zapi_event(const char *name);

/* Unsets every proxy variable curl reads. */
void clear_proxies(void);

#endif
