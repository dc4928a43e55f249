/* post.h - a minimal HTTP/1.1 POST client for loopback callback URLs (post.c). */
#ifndef SE_EMULATOR_POST_H
#define SE_EMULATOR_POST_H

#include <stdbool.h>
#include <stddef.h>

struct post_url {
    char host[64]; /* 127.0.0.1, ::1 (without brackets) or localhost */
    char port[8];
    char path[1024]; /* with the query; "/" when absent */
};

/* Parses http://host[:port][/path]; only loopback hosts (127.0.0.0/8, ::1, localhost). Returns
 * false with a message naming the rule in err. */
bool post_url_parse(const char *url, struct post_url *out, char *err, size_t errlen);

/* POSTs body with the given extra header lines ("Name: value", NULL-terminated list) and
 * Content-Type: application/json. Returns the answer's HTTP status, or 0 with err set
 * ("timeout", "connection refused", "cancelled", ...). The whole exchange is bounded by
 * timeout_ms, and abandoned as soon as cancel (a pipe, or -1) becomes readable. */
int post_json(const struct post_url *u, const char *const *headers, const char *body,
              size_t body_len, int timeout_ms, int cancel, char *err, size_t errlen);

#endif
