#include "emu.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sendevent/sendevent.h"

bool emu_start(emu *e, const char *const *extra_args) {
    const char *bin = getenv("SE_EMULATOR");
    memset(e, 0, sizeof *e);
    if (!bin || access(bin, X_OK) != 0) {
        fprintf(stderr, "SE_EMULATOR is not set to an executable emulator: skipping\n");
        return false;
    }
    int fds[2];
    if (pipe(fds) != 0)
        return false;
    const char *argv[32] = {bin, "--host", "127.0.0.1", "--port", "0"};
    int n = 5;
    for (int i = 0; extra_args && extra_args[i] && n < 31; i++)
        argv[n++] = extra_args[i];
    pid_t pid = fork();
    if (pid == 0) {
        /* a test that aborts (a sanitizer, a crash) must not leave its emulator running */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    if (pid < 0 || !f || !fgets(e->url, sizeof e->url, f)) {
        if (pid > 0)
            kill(pid, SIGTERM), waitpid(pid, NULL, 0);
        if (f)
            fclose(f);
        return false;
    }
    fclose(f); /* the emulator printed its URL; nothing else is read */
    e->url[strcspn(e->url, "\r\n")] = '\0';
    e->pid = pid;
    return true;
}

void emu_stop(emu *e) {
    if (e->pid > 0) {
        kill(e->pid, SIGTERM);
        waitpid(e->pid, NULL, 0);
        e->pid = 0;
    }
}

static size_t collect(char *data, size_t size, size_t nmemb, void *userdata) {
    char **buf = userdata;
    size_t old = *buf ? strlen(*buf) : 0, n = size * nmemb;
    char *p = realloc(*buf, old + n + 1);
    if (!p)
        return 0;
    memcpy(p + old, data, n);
    p[old + n] = '\0';
    *buf = p;
    return n;
}

static char *call(const emu *e, const char *method, const char *path, const char *body) {
    char url[512];
    snprintf(url, sizeof url, "%s%s", e->url, path);
    CURL *h = curl_easy_init();
    char *out = NULL;
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    if (body)
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    else if (!strcmp(method, "POST"))
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_PROXY, ""); /* straight to the emulator, whatever the environment */
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK)
        fprintf(stderr, "emulator control call %s %s failed: %s\n", method, path,
                curl_easy_strerror(rc));
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return out;
}

cJSON *emu_get(const emu *e, const char *path) {
    char *text = call(e, "GET", path, NULL);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    free(text);
    return root;
}

cJSON *emu_requests(const emu *e, bool all) {
    char *text = call(e, "GET", all ? "/_emulator/requests?all=1" : "/_emulator/requests", NULL);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    free(text);
    cJSON *list = cJSON_DetachItemFromObjectCaseSensitive(root, "requests");
    cJSON_Delete(root);
    return list ? list : cJSON_CreateArray();
}

int emu_count(const emu *e, bool all) {
    cJSON *list = emu_requests(e, all);
    int n = cJSON_GetArraySize(list);
    cJSON_Delete(list);
    return n;
}

int emu_count_op(const emu *e, const char *operation, bool all) {
    cJSON *list = emu_requests(e, all);
    int n = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, list) {
        const char *op = cJSON_GetStringValue(cJSON_GetObjectItem(it, "operation"));
        n += op && !strcmp(op, operation);
    }
    cJSON_Delete(list);
    return n;
}

void emu_reset(const emu *e) {
    free(call(e, "POST", "/_emulator/reset", NULL));
}

void emu_fault(const emu *e, const char *spec_json) {
    free(call(e, "POST", "/_emulator/faults", spec_json));
}

const char *emu_req_header(const cJSON *req, const char *name) {
    const cJSON *h =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(req, "headers"), name);
    return cJSON_IsString(h) ? h->valuestring : NULL;
}

double emu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void emu_sleep(double s) {
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

void emu_zapi_event(char *out, size_t cap, const char *tag, int i) {
    snprintf(out, cap,
             "{\"phone\":\"120363019502650977-group\",\"event\":{\"name\":\"%s-%d\","
             "\"dateTime\":\"2024-04-29T09:30:53.309Z\"}}",
             tag, i);
}

void *emu_sender_run(void *arg) {
    emu_sender *s = arg;
    char req[200];
    for (int i = 0; i < s->n; i++) {
        emu_zapi_event(req, sizeof req, "sender", i);
        se_response *r = NULL;
        se_send(s->c, "send_event", req, &r);
        s->ok += se_response_status(r) == SE_OK;
        se_response_free(r);
    }
    return NULL;
}

struct se_client *emu_zapi_client(const emu *e) {
    se_client *c = NULL;
    se_client_new(&c, "zapi");
    se_client_set(c, "base_url", e->url);
    se_client_set(c, "instance_id", EMU_ZAPI_INSTANCE);
    se_client_set(c, "token", EMU_ZAPI_TOKEN);
    se_client_set(c, "client_token", EMU_ZAPI_CLIENT_TOKEN);
    return c;
}
