/* test_shared_limit.c - rate_limit_url: clients that share nothing but a Redis
 * key share one max_rate budget; with Redis unreachable the local limit
 * applies (never unlimited, never blocked), and comes back to the shared one;
 * the option rules. Redis (Debian's redis-server) is started here on a free
 * loopback port and stopped by pid; without it the test skips. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "emu.h"
#include "sendevent/sendevent.h"

static emu E;
static pid_t redis_pid;
static int redis_port;

static int free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    bind(fd, (struct sockaddr *)&a, sizeof a);
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    return ntohs(a.sin_port);
}

static bool redis_ping(int port) {
    struct timeval tv = {0, 200000};
    redisContext *r = redisConnectWithTimeout("127.0.0.1", port, tv);
    bool ok = false;
    if (r && !r->err) {
        redisReply *reply = redisCommand(r, "PING");
        ok = reply && reply->type == REDIS_REPLY_STATUS;
        freeReplyObject(reply);
    }
    redisFree(r);
    return ok;
}

/* Starts redis-server on redis_port (a free one the first time). */
static bool redis_start(void) {
    if (!redis_port)
        redis_port = free_port();
    char port[16];
    snprintf(port, sizeof port, "%d", redis_port);
    redis_pid = fork();
    if (redis_pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        execlp("redis-server", "redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--loglevel", "warning", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100; i++) {
        if (redis_ping(redis_port))
            return true;
        emu_sleep(0.05);
    }
    return false;
}

static void redis_stop(void) {
    if (redis_pid > 0) {
        kill(redis_pid, SIGTERM);
        waitpid(redis_pid, NULL, 0);
    }
    redis_pid = 0;
}

static se_client *shared_client(const char *key, const char *rate, int port) {
    se_client *c = emu_zapi_client(&E);
    char url[64];
    snprintf(url, sizeof url, "redis://127.0.0.1:%d/0", port);
    CHECK_INT(se_client_set(c, "rate_limit_url", url), SE_OK);
    CHECK_INT(se_client_set(c, "rate_limit_key", key), SE_OK);
    CHECK_INT(se_client_set(c, "max_rate", rate), SE_OK);
    return c;
}

/* Seconds two clients take to send n each at once. */
static double two_clients(se_client *a, se_client *b, int n) {
    emu_sender s[2] = {{a, n, 0}, {b, n, 0}};
    pthread_t t[2];
    double t0 = emu_now();
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, emu_sender_run, &s[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    CHECK_INT(s[0].ok + s[1].ok, 2 * n);
    return emu_now() - t0;
}

static void test_clients_share_the_budget(void) {
    emu_reset(&E);
    se_client *a = shared_client("budget-1", "40", redis_port);
    se_client *b = shared_client("budget-1", "40", redis_port);
    double took = two_clients(a, b, 10);
    CHECK(took >= 19 / 40.0 * 0.95); /* 40/s for both together, not each */
    CHECK_INT(emu_count_op(&E, "send_event", false), 20);
    /* another key is another budget: its own 40/s */
    se_client *other = shared_client("budget-2", "40", redis_port);
    took = two_clients(a, other, 10);
    CHECK(took < 19 / 40.0 * 0.95);
    se_client_free(a);
    se_client_free(b);
    se_client_free(other);
}

static int warnings;
static void count_warning(int level, const char *message, void *userdata) {
    (void)userdata;
    if (level == 2 && strstr(message, "rate_limit_url: Redis cannot be reached"))
        warnings++;
}

static void test_unreachable_falls_back_to_the_local_limit(void) {
    emu_reset(&E);
    int closed = free_port(); /* nothing listens there */
    se_client *a = shared_client("budget-3", "1000", closed);
    se_client_set(a, "rate_limit_fallback", "20");
    se_client_set_logger(a, count_warning, NULL);
    warnings = 0;
    emu_sender s = {a, 11, 0};
    double t0 = emu_now();
    emu_sender_run(&s);
    double took = emu_now() - t0;
    CHECK_INT(s.ok, 11);             /* never blocked */
    CHECK(took >= 10 / 20.0 * 0.95); /* never unlimited: the fallback's 20/s */
    CHECK(took < 5);
    CHECK_INT(warnings, 1); /* logged once per outage */
    se_client_free(a);
}

static void test_redis_back_after_an_outage(void) {
    emu_reset(&E);
    se_client *a = shared_client("budget-4", "50", redis_port);
    se_client *b = shared_client("budget-4", "50", redis_port);
    redis_stop(); /* down: each client on its own 50/s */
    double took = two_clients(a, b, 6);
    CHECK(took < 11 / 50.0 * 0.95);
    CHECK(redis_start()); /* on the same port, its scripts forgotten */
    emu_sleep(1.1);       /* an unreachable Redis is tried again after a second */
    took = two_clients(a, b, 10);
    CHECK(took >= 19 / 50.0 * 0.95);
    se_client_free(a);
    se_client_free(b);
}

static void test_option_rules(void) {
    se_client *c = emu_zapi_client(&E);
    CHECK_INT(se_client_set(c, "rate_limit_url", "http://127.0.0.1:6379"), SE_E_INVALID);
    CHECK(strstr(se_client_errmsg(c), "rate_limit_url: must start with redis://"));
    CHECK_INT(se_client_set(c, "rate_limit_url", "redis://h:99999"), SE_E_INVALID);
    CHECK(strstr(se_client_errmsg(c), "port"));
    CHECK_INT(se_client_set(c, "rate_limit_url", "redis://:s3cret@127.0.0.1:1/2"), SE_OK);
    const char *shown = se_client_get(c, "rate_limit_url");
    CHECK(shown && !strstr(shown, "s3cret")); /* it may hold a password */
    const char *req = "{\"phone\":\"120363019502650977-group\",\"event\":{\"name\":\"x\","
                      "\"dateTime\":\"2024-04-29T09:30:53.309Z\"}}";
    se_response *r = NULL;
    CHECK_INT(se_send(c, "send_event", req, &r), SE_E_INVALID);
    CHECK(strstr(se_client_errmsg(c), "rate_limit_key: required with rate_limit_url"));
    se_response_free(r);
    se_client_set(c, "rate_limit_key", "k");
    CHECK_INT(se_send(c, "send_event", req, &r), SE_E_INVALID);
    CHECK(strstr(se_client_errmsg(c), "max_rate: required with rate_limit_url"));
    se_response_free(r);
    CHECK_INT(emu_count(&E, true), 0);
    se_client_free(c);
}

int main(void) {
    if (!emu_start(&E, NULL))
        return EMU_SKIP;
    if (!redis_start()) {
        fprintf(stderr, "shared_limit: redis-server not available, skipped\n");
        redis_stop();
        emu_stop(&E);
        return EMU_SKIP;
    }
    test_option_rules();
    test_clients_share_the_budget();
    test_unreachable_falls_back_to_the_local_limit();
    test_redis_back_after_an_outage();
    redis_stop();
    emu_stop(&E);
    return se_test_summary("shared_limit");
}
