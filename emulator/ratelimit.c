/* ratelimit.c - the providers' rate limits (ratelimit.h).
 *
 * Each budget is a GCRA bucket: one timestamp (the theoretical arrival time, TAT) in monotonic
 * nanoseconds. A request at `now` conforms when TAT - now <= (burst - 1) * T, T = 1/rate; it
 * then moves TAT to max(TAT, now) + T. So `burst` requests pass at once after a quiet time,
 * and after that one every T: at most burst + rate * t requests in any t seconds. A request
 * over the budget does not draw from it.
 *
 * Each limit has its own lock, held for a lookup and a few arithmetic operations; a limit that
 * is off (rate 0) is seen with one atomic load and takes no lock. Sinch projects are kept in a
 * hash table of at most cfg.sinch_max_projects entries; when it is full, the project used
 * least recently is forgotten (a forgotten project starts again with a full budget). */
#include "ratelimit.h"

#include "emulator.h"
#include "util.h"
#include "watch.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS 1000000000LL

struct bucket {
    int64_t tat; /* monotonic ns; 0 = full */
    uint64_t allowed, throttled;
};

/* A Sinch project's bucket: in a hash chain and in the list from newest to oldest use. */
struct project {
    struct project *hnext, *newer, *older;
    uint32_t hash;
    struct bucket b;
    char id[];
};

enum limit_id { LIM_SINCH, LIM_TOKEN, LIM_CONNECT, LIM_COUNT };

static const char *const LIMIT_NAMES[LIM_COUNT] = {"sinch", "sinch_token", "connect"};

/* The Connect operations with a budget each (the Participant Service's APIs). */
static const enum operation CONNECT_OPS[] = {OP_SEND_EVENT, OP_SEND_MESSAGE, OP_CREATE_CONNECTION,
                                             OP_DISCONNECT};
#define N_CONNECT_OPS (sizeof CONNECT_OPS / sizeof CONNECT_OPS[0])

struct limit {
    pthread_mutex_t mu;
    atomic_uint rate; /* requests per second, 0 = off; written under mu, read without it too */
    unsigned burst;   /* as set: 0 = a tenth of the rate, at least 1 */
    uint64_t allowed, throttled; /* every budget of the limit, forgotten projects included */
};

static struct limit limits[LIM_COUNT] = {
    {.mu = PTHREAD_MUTEX_INITIALIZER},
    {.mu = PTHREAD_MUTEX_INITIALIZER},
    {.mu = PTHREAD_MUTEX_INITIALIZER},
};
static struct bucket token_bucket;                   /* under limits[LIM_TOKEN].mu */
static struct bucket connect_buckets[N_CONNECT_OPS]; /* under limits[LIM_CONNECT].mu */

static struct {                /* under limits[LIM_SINCH].mu */
    struct project **slots;    /* hash chains */
    size_t nslots, count, cap; /* nslots: a power of two */
    struct project *newest, *oldest;
} projects;

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

static unsigned burst_of(unsigned rate, unsigned burst) {
    if (burst)
        return burst;
    return rate / 10 ? rate / 10 : 1;
}

/* Takes one request from b at now; false when it is over the budget. */
static bool gcra(struct bucket *b, int64_t now, unsigned rate, unsigned burst) {
    int64_t t = (NS + rate - 1) / rate; /* rounded up: never more than rate per second */
    int64_t tat = b->tat > now ? b->tat : now;
    if (tat - now > (int64_t)(burst - 1) * t) {
        b->throttled++;
        return false;
    }
    b->tat = tat + t;
    b->allowed++;
    return true;
}

/* ------------------------------------------------------------------ Sinch projects */

static uint32_t fnv1a(const char *s) {
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void lru_unlink(struct project *p) {
    if (p->newer)
        p->newer->older = p->older;
    else
        projects.newest = p->older;
    if (p->older)
        p->older->newer = p->newer;
    else
        projects.oldest = p->newer;
}

static void lru_push(struct project *p) {
    p->newer = NULL;
    p->older = projects.newest;
    if (projects.newest)
        projects.newest->newer = p;
    projects.newest = p;
    if (!projects.oldest)
        projects.oldest = p;
}

static void forget_oldest(void) {
    struct project *p = projects.oldest;
    lru_unlink(p);
    struct project **pp = &projects.slots[p->hash & (projects.nslots - 1)];
    while (*pp != p)
        pp = &(*pp)->hnext;
    *pp = p->hnext;
    projects.count--;
    free(p);
}

/* The project's bucket, made (and the least recently used one forgotten) when needed. */
static struct bucket *project_bucket(const char *id) {
    uint32_t h = fnv1a(id);
    struct project **slot = &projects.slots[h & (projects.nslots - 1)];
    for (struct project *p = *slot; p; p = p->hnext)
        if (p->hash == h && strcmp(p->id, id) == 0) {
            if (projects.newest != p) {
                lru_unlink(p);
                lru_push(p);
            }
            return &p->b;
        }
    if (projects.count == projects.cap)
        forget_oldest(); /* never the chain's head we hold: slot is re-read below */
    size_t n = strlen(id);
    struct project *p = xmalloc(sizeof *p + n + 1);
    memset(p, 0, sizeof *p);
    memcpy(p->id, id, n + 1);
    p->hash = h;
    slot = &projects.slots[h & (projects.nslots - 1)];
    p->hnext = *slot;
    *slot = p;
    lru_push(p);
    projects.count++;
    return &p->b;
}

static void projects_clear(void) {
    while (projects.oldest)
        forget_oldest();
}

/* ------------------------------------------------------------------ the check */

static enum limit_id limit_for(enum provider p, enum operation op, size_t *connect_index) {
    if (p == PROV_SINCH)
        return op == OP_OAUTH_TOKEN ? LIM_TOKEN : LIM_SINCH;
    if (p == PROV_CONNECT)
        for (size_t i = 0; i < N_CONNECT_OPS; i++)
            if (CONNECT_OPS[i] == op) {
                *connect_index = i;
                return LIM_CONNECT;
            }
    return LIM_COUNT;
}

static void throttled_answer(enum limit_id id, unsigned rate, error_fn err, struct reply *rp) {
    char msg[160];
    switch (id) {
    case LIM_SINCH:
        snprintf(msg, sizeof msg, "Too many requests: the project's limit is %u per second", rate);
        break;
    case LIM_TOKEN:
        snprintf(msg, sizeof msg, "too many token requests: at most %u per second", rate);
        break;
    default:
        snprintf(msg, sizeof msg, "Rate exceeded"); /* what AWS says with ThrottlingException */
    }
    err(rp, 429, msg); /* no Retry-After: neither provider documents one */
}

bool ratelimit_throttle(enum provider p, enum operation op, const char *project, error_fn err,
                        struct reply *rp, double *at) {
    size_t ci = 0;
    enum limit_id id = limit_for(p, op, &ci);
    if (id == LIM_COUNT)
        return false;
    struct limit *l = &limits[id];
    if (atomic_load_explicit(&l->rate, memory_order_relaxed) == 0)
        return false;
    pthread_mutex_lock(&l->mu);
    unsigned rate = atomic_load_explicit(&l->rate, memory_order_relaxed);
    bool ok = true;
    if (rate) {
        int64_t now = now_ns();
        struct bucket *b = id == LIM_SINCH   ? project_bucket(project)
                           : id == LIM_TOKEN ? &token_bucket
                                             : &connect_buckets[ci];
        ok = gcra(b, now, rate, burst_of(rate, l->burst));
        if (ok)
            l->allowed++;
        else
            l->throttled++;
        *at = (double)(now / NS) + (double)(now % NS) / 1e9;
    }
    pthread_mutex_unlock(&l->mu);
    if (!ok)
        throttled_answer(id, rate, err, rp);
    return !ok;
}

/* ------------------------------------------------------------------ settings */

/* Under l->mu: new settings, every budget of the limit full again (counters kept). */
static void limit_set_locked(enum limit_id id, unsigned rate, unsigned burst) {
    struct limit *l = &limits[id];
    atomic_store_explicit(&l->rate, rate, memory_order_relaxed);
    l->burst = burst;
    if (id == LIM_SINCH) {
        for (struct project *p = projects.newest; p; p = p->older)
            p->b.tat = 0;
    } else if (id == LIM_TOKEN) {
        token_bucket.tat = 0;
    } else {
        for (size_t i = 0; i < N_CONNECT_OPS; i++)
            connect_buckets[i].tat = 0;
    }
}

static void flag_values(enum limit_id id, unsigned *rate, unsigned *burst) {
    unsigned r[LIM_COUNT] = {cfg.sinch_rate, cfg.sinch_token_rate, cfg.connect_rate};
    unsigned b[LIM_COUNT] = {cfg.sinch_burst, cfg.sinch_token_burst, cfg.connect_burst};
    *rate = r[id];
    *burst = b[id];
}

void ratelimit_init(void) {
    projects.cap = cfg.sinch_max_projects ? cfg.sinch_max_projects : 1;
    projects.nslots = 16;
    while (projects.nslots < projects.cap)
        projects.nslots *= 2;
    projects.slots = calloc(projects.nslots, sizeof *projects.slots);
    if (!projects.slots)
        abort();
    for (int id = 0; id < LIM_COUNT; id++) {
        unsigned rate, burst;
        flag_values((enum limit_id)id, &rate, &burst);
        pthread_mutex_lock(&limits[id].mu);
        limit_set_locked((enum limit_id)id, rate, burst);
        pthread_mutex_unlock(&limits[id].mu);
    }
}

void ratelimit_reset(void) {
    for (int id = 0; id < LIM_COUNT; id++) {
        struct limit *l = &limits[id];
        unsigned rate, burst;
        flag_values((enum limit_id)id, &rate, &burst);
        pthread_mutex_lock(&l->mu);
        if (id == LIM_SINCH)
            projects_clear();
        else if (id == LIM_TOKEN)
            memset(&token_bucket, 0, sizeof token_bucket);
        else
            memset(connect_buckets, 0, sizeof connect_buckets);
        l->allowed = l->throttled = 0;
        limit_set_locked((enum limit_id)id, rate, burst);
        pthread_mutex_unlock(&l->mu);
    }
}

void ratelimit_free(void) {
    pthread_mutex_lock(&limits[LIM_SINCH].mu);
    projects_clear();
    free(projects.slots);
    projects.slots = NULL;
    pthread_mutex_unlock(&limits[LIM_SINCH].mu);
}

/* ------------------------------------------------------------------ control API */

static cJSON *counters_json(const struct bucket *b) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "allowed", (double)b->allowed);
    cJSON_AddNumberToObject(o, "throttled", (double)b->throttled);
    return o;
}

static cJSON *limit_json(enum limit_id id) {
    struct limit *l = &limits[id];
    cJSON *o = cJSON_CreateObject();
    pthread_mutex_lock(&l->mu);
    unsigned rate = atomic_load_explicit(&l->rate, memory_order_relaxed);
    cJSON_AddNumberToObject(o, "rate", rate);
    cJSON_AddNumberToObject(o, "burst", burst_of(rate, l->burst));
    cJSON_AddBoolToObject(o, "burst_auto", l->burst == 0);
    cJSON_AddNumberToObject(o, "allowed", (double)l->allowed);
    cJSON_AddNumberToObject(o, "throttled", (double)l->throttled);
    if (id == LIM_SINCH) {
        cJSON_AddNumberToObject(o, "max_projects", (double)projects.cap);
        cJSON *ps = cJSON_AddObjectToObject(o, "projects");
        for (struct project *p = projects.oldest; p; p = p->newer) {
            char *key = utf8_sanitize(p->id, strlen(p->id));
            cJSON_AddItemToObject(ps, key, counters_json(&p->b));
            free(key);
        }
    } else if (id == LIM_CONNECT) {
        cJSON *ops = cJSON_AddObjectToObject(o, "operations");
        for (size_t i = 0; i < N_CONNECT_OPS; i++)
            cJSON_AddItemToObject(ops, operation_name(CONNECT_OPS[i]),
                                  counters_json(&connect_buckets[i]));
    }
    pthread_mutex_unlock(&l->mu);
    return o;
}

cJSON *ratelimit_json(void) {
    cJSON *doc = cJSON_CreateObject();
    for (int id = 0; id < LIM_COUNT; id++)
        cJSON_AddItemToObject(doc, LIMIT_NAMES[id], limit_json((enum limit_id)id));
    return doc;
}

static bool setting_int(const cJSON *o, const char *section, const char *key, unsigned *out,
                        char *err, size_t errlen) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        return true;
    double d = v->valuedouble;
    if (!cJSON_IsNumber(v) || d < 0 || d > RATELIMIT_MAX || d != (double)(unsigned)d) {
        snprintf(err, errlen, "%s.%s: must be an integer in 0..%u", section, key, RATELIMIT_MAX);
        return false;
    }
    *out = (unsigned)d;
    return true;
}

/* One section of the spec, checked; *given says whether it is there. */
static bool section_check(const cJSON *spec, enum limit_id id, bool *given, unsigned *rate,
                          unsigned *burst, char *err, size_t errlen) {
    const char *name = LIMIT_NAMES[id];
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(spec, name);
    *given = o != NULL;
    if (!o)
        return true;
    if (!cJSON_IsObject(o)) {
        snprintf(err, errlen, "%s: must be an object with rate and/or burst", name);
        return false;
    }
    for (const cJSON *it = o->child; it; it = it->next)
        if (strcmp(it->string, "rate") != 0 && strcmp(it->string, "burst") != 0) {
            snprintf(err, errlen, "%s.%s: unknown field (rate, burst)", name, it->string);
            return false;
        }
    pthread_mutex_lock(&limits[id].mu); /* unset values stay as they are */
    *rate = atomic_load_explicit(&limits[id].rate, memory_order_relaxed);
    *burst = limits[id].burst;
    pthread_mutex_unlock(&limits[id].mu);
    return setting_int(o, name, "rate", rate, err, errlen) &&
           setting_int(o, name, "burst", burst, err, errlen);
}

bool ratelimit_update(const cJSON *spec, char *err, size_t errlen) {
    if (!cJSON_IsObject(spec)) {
        snprintf(err, errlen,
                 "body must be a JSON object: {\"sinch\"|\"sinch_token\"|"
                 "\"connect\": {\"rate\", \"burst\"}}");
        return false;
    }
    for (const cJSON *it = spec->child; it; it = it->next) {
        bool known = false;
        for (int id = 0; id < LIM_COUNT; id++)
            known |= strcmp(it->string, LIMIT_NAMES[id]) == 0;
        if (!known) {
            snprintf(err, errlen, "%s: unknown field (sinch, sinch_token, connect)", it->string);
            return false;
        }
    }
    bool given[LIM_COUNT];
    unsigned rate[LIM_COUNT], burst[LIM_COUNT];
    for (int id = 0; id < LIM_COUNT; id++)
        if (!section_check(spec, (enum limit_id)id, &given[id], &rate[id], &burst[id], err, errlen))
            return false;
    for (int id = 0; id < LIM_COUNT; id++) {
        if (!given[id])
            continue;
        pthread_mutex_lock(&limits[id].mu);
        limit_set_locked((enum limit_id)id, rate[id], burst[id]);
        pthread_mutex_unlock(&limits[id].mu);
    }
    watch_bump();
    return true;
}
