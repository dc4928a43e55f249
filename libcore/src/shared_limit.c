/* shared_limit.c - max_rate drawn from a budget in Redis (shared_limit.h). */
#include "shared_limit.h"

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* A cell rate algorithm on the Redis server's clock (microseconds), so that
 * the clocks of the machines sharing the budget do not matter. ARGV: the
 * interval, the burst tolerance and the slack a late request keeps (as in
 * limiter.c). Returns 0 (counted) or the microseconds to wait. */
static const char script[] =
    "local t = redis.call('TIME')\n"
    "local now = tonumber(t[1]) * 1000000 + tonumber(t[2])\n"
    "local interval, tolerance, slack = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])\n"
    "local tat = tonumber(redis.call('GET', KEYS[1]) or '0')\n"
    "if tat < now - slack then tat = now end\n"
    "local wait = tat - tolerance - now\n"
    "if wait > 0 then return math.floor(wait) + 1 end\n"
    "local next = tat + interval\n"
    "redis.call('SET', KEYS[1], string.format('%d', next), 'PX',\n"
    "           math.floor(math.max(next - now, 0) / 1000) + 1000)\n"
    "return 0\n";

#define TIMEOUT_US 250000 /* to connect, and for each answer */
#define RETRY_AFTER 1.0   /* seconds an unreachable Redis is not tried again */

typedef struct redis_url {
    char host[256];
    char password[256];
    char user[128];
    int port, db;
} redis_url;

/* redis://[[user]:password@]host[:port][/db]; false with the rule in msg. */
static bool parse_url(const char *v, redis_url *u, char *msg, size_t cap) {
    memset(u, 0, sizeof *u);
    u->port = 6379;
    if (strncasecmp(v, "redis://", 8) != 0) {
        snprintf(msg, cap, "rate_limit_url: must start with redis://");
        return false;
    }
    const char *p = v + 8, *at = strrchr(p, '@');
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        size_t ulen = colon ? (size_t)(colon - p) : 0, plen = colon ? (size_t)(at - colon - 1) : 0;
        if (!colon || ulen >= sizeof u->user || plen >= sizeof u->password || plen == 0) {
            snprintf(msg, cap, "rate_limit_url: credentials must be [user]:password@");
            return false;
        }
        memcpy(u->user, p, ulen);
        memcpy(u->password, colon + 1, plen);
        p = at + 1;
    }
    size_t hlen = strcspn(p, ":/");
    if (hlen == 0 || hlen >= sizeof u->host) {
        snprintf(msg, cap, "rate_limit_url: must name a host (redis://host:port/db)");
        return false;
    }
    memcpy(u->host, p, hlen);
    p += hlen;
    char *end;
    if (*p == ':') {
        long port = strtol(p + 1, &end, 10);
        if (end == p + 1 || port < 1 || port > 65535 || (*end && *end != '/')) {
            snprintf(msg, cap, "rate_limit_url: the port must be a number in 1..65535");
            return false;
        }
        u->port = (int)port;
        p = end;
    }
    if (*p == '/' && p[1]) {
        long db = strtol(p + 1, &end, 10);
        if (end == p + 1 || *end || db < 0 || db > 100000) {
            snprintf(msg, cap, "rate_limit_url: the database must be a number (redis://host/0)");
            return false;
        }
        u->db = (int)db;
    } else if (*p && strcmp(p, "/") != 0) {
        snprintf(msg, cap, "rate_limit_url: unexpected text after the host");
        return false;
    }
    return true;
}

se_status sei_redis_url_check(const char *value, char *msg, size_t cap) {
    redis_url u;
    return parse_url(value, &u, msg, cap) ? SE_OK : SE_E_INVALID;
}

void sei_shared_limit_init(sei_shared_limit *s) {
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
}

void sei_shared_limit_close(sei_shared_limit *s) {
    if (s->redis)
        redisFree(s->redis);
    s->redis = NULL;
    pthread_mutex_destroy(&s->lock);
}

/* One command; the reply (free with freeReplyObject), or NULL with why in err. */
static redisReply *command(redisContext *r, int argc, const char **argv, char *err, size_t cap) {
    redisReply *reply = redisCommandArgv(r, argc, argv, NULL);
    if (!reply)
        snprintf(err, cap, "%s", r->errstr[0] ? r->errstr : "no answer");
    else if (reply->type == REDIS_REPLY_ERROR) {
        snprintf(err, cap, "%.200s", reply->str);
        freeReplyObject(reply);
        reply = NULL;
    }
    return reply;
}

/* Connects, authenticates, selects the database and loads the script. */
static bool connect_redis(sei_shared_limit *s, const char *url, char *err, size_t cap) {
    redis_url u;
    if (!parse_url(url, &u, err, cap))
        return false;
    struct timeval tv = {0, TIMEOUT_US};
    s->redis = redisConnectWithTimeout(u.host, u.port, tv);
    if (!s->redis || s->redis->err) {
        snprintf(err, cap, "cannot connect to %.200s:%d: %.100s", u.host, u.port,
                 s->redis ? s->redis->errstr : "out of memory");
        return false;
    }
    redisSetTimeout(s->redis, tv);
    char db[16];
    snprintf(db, sizeof db, "%d", u.db);
    const char *auth[] = {"AUTH", u.user, u.password}, *auth_default[] = {"AUTH", u.password},
               *select[] = {"SELECT", db}, *load[] = {"SCRIPT", "LOAD", script};
    redisReply *reply;
    if (u.password[0]) {
        reply = u.user[0] ? command(s->redis, 3, auth, err, cap)
                          : command(s->redis, 2, auth_default, err, cap);
        if (!reply)
            return false;
        freeReplyObject(reply);
    }
    if (u.db) {
        if (!(reply = command(s->redis, 2, select, err, cap)))
            return false;
        freeReplyObject(reply);
    }
    if (!(reply = command(s->redis, 3, load, err, cap)))
        return false;
    bool ok = reply->type == REDIS_REPLY_STRING && reply->len == 40;
    if (ok)
        memcpy(s->sha, reply->str, 41);
    else
        snprintf(err, cap, "SCRIPT LOAD: unexpected answer");
    freeReplyObject(reply);
    return ok;
}

/* Asks the budget once; SEI_SHARED_UNAVAILABLE with why in err. */
static double ask(sei_shared_limit *s, const char *key, double rate, double burst, char *err,
                  size_t cap) {
    char interval[32], tolerance[32];
    double us = 1e6 / rate;
    snprintf(interval, sizeof interval, "%.0f", us > 1 ? us : 1);
    snprintf(tolerance, sizeof tolerance, "%.0f", (burst - 1) * us);
    const char *argv[] = {"EVALSHA", s->sha, "1", key, interval, tolerance, "2000"};
    redisReply *reply = command(s->redis, 7, argv, err, cap);
    if (!reply && strncmp(err, "NOSCRIPT", 8) == 0) { /* the server restarted: load it again */
        const char *load[] = {"SCRIPT", "LOAD", script};
        if ((reply = command(s->redis, 3, load, err, cap))) {
            freeReplyObject(reply);
            reply = command(s->redis, 7, argv, err, cap);
        }
    }
    if (!reply)
        return SEI_SHARED_UNAVAILABLE;
    double wait = SEI_SHARED_UNAVAILABLE;
    if (reply->type == REDIS_REPLY_INTEGER && reply->integer >= 0)
        wait = (double)reply->integer / 1e6;
    else
        snprintf(err, cap, "unexpected answer to the script");
    freeReplyObject(reply);
    return wait;
}

double sei_shared_take(sei_shared_limit *s, const char *url, const char *key, unsigned config_gen,
                       double rate, double burst, int *change, char *err, size_t cap) {
    *change = 0;
    pthread_mutex_lock(&s->lock);
    double now = sei_now(), wait = SEI_SHARED_UNAVAILABLE;
    if (s->config_gen != config_gen) { /* the options changed: connect again now */
        if (s->redis)
            redisFree(s->redis);
        s->redis = NULL;
        s->retry_at = 0;
        s->config_gen = config_gen;
    }
    if (s->redis || now >= s->retry_at) {
        if (s->redis || connect_redis(s, url, err, cap))
            wait = ask(s, key, rate, burst, err, cap);
        if (wait == SEI_SHARED_UNAVAILABLE) {
            if (s->redis)
                redisFree(s->redis);
            s->redis = NULL;
            s->retry_at = now + RETRY_AFTER;
            *change = s->down ? 0 : 1;
            s->down = true;
        } else if (s->down) {
            s->down = false;
            *change = -1;
        }
    }
    pthread_mutex_unlock(&s->lock);
    return wait;
}
