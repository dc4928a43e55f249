/* test_validation.c - the request rules of every provider operation (validate.h).
 *
 * The cases are data shared with the Python and Lua suites: tests/data/validation.jsonl,
 * whose header describes the format. This file runs each case against the check function
 * of its operation, and keeps the two checks that data cannot express: a NULL request
 * and running out of memory. SE_VAL_LIST=1 prints the number of cases per rule,
 * SE_VAL_SHOW=1 every request with its message and warnings. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "diag.h"
#include "validate.h"

#ifndef SE_TEST_DATA_DIR /* set by tests/c/CMakeLists.txt */
#define SE_TEST_DATA_DIR "tests/data"
#endif
#define CASES_FILE "validation.jsonl"

typedef se_status (*check_fn)(cJSON *, sei_diag *);

static const struct operation {
    const char *provider, *name;
    check_fn fn;
} OPERATIONS[] = {
    {"sinch", "send_event", sei_check_sinch_send_event},
    {"sinch", "send_message", sei_check_sinch_send_message},
    {"zapi", "send_event", sei_check_zapi_send_event},
    {"zapi", "edit_event", sei_check_zapi_edit_event},
    {"zapi", "respond_event", sei_check_zapi_respond_event},
    {"zapi", "send_message", sei_check_zapi_send_message},
    {"connect", "send_event", sei_check_connect_send_event},
    {"connect", "send_message", sei_check_connect_send_message},
    {"connect", "create_connection", sei_check_connect_create_connection},
    {"connect", "disconnect", sei_check_connect_disconnect},
};
#define N_OPERATIONS (sizeof OPERATIONS / sizeof *OPERATIONS)

static check_fn find_check(const char *provider, const char *operation) {
    for (size_t i = 0; provider && operation && i < N_OPERATIONS; i++)
        if (!strcmp(OPERATIONS[i].provider, provider) && !strcmp(OPERATIONS[i].name, operation))
            return OPERATIONS[i].fn;
    return NULL;
}

/* --- cases per rule, for SE_VAL_LIST ----------------------------------------------- */

typedef struct tally {
    char *rule;
    int n;
} tally;
static tally tallies[128];

static void count(const char *rule) {
    int i = 0;
    while (tallies[i].rule && strcmp(tallies[i].rule, rule) != 0)
        i++;
    if (i < (int)(sizeof tallies / sizeof *tallies) - 1) {
        if (!tallies[i].rule)
            tallies[i].rule = strdup(rule); /* the case that names it is freed after its run */
        tallies[i].n++;
    }
}

static void list_and_free_tallies(int print) {
    int total = 0;
    for (int i = 0; tallies[i].rule; i++) {
        if (print)
            printf("%4d  %s\n", tallies[i].n, tallies[i].rule);
        total += tallies[i].n;
        free(tallies[i].rule);
    }
    if (print)
        printf("%4d  cases in all\n", total);
}

/* --- the data file ------------------------------------------------------------------ */

/* The request text with every %repeat[N x TEXT]% written out (curl's tests/data macro): the
 * length limits need values of thousands of characters, which would drown the file. */
static char *expand(const char *in) {
    size_t cap = strlen(in) + 1, len = 0;
    char *out = malloc(cap);
    while (out && *in) {
        char *x = NULL;
        const char *end = NULL;
        unsigned long n = 0;
        if (!strncmp(in, "%repeat[", 8)) {
            n = strtoul(in + 8, &x, 10);
            end = !strncmp(x, " x ", 3) ? strstr(x + 3, "]%") : NULL;
        }
        size_t unit = end ? (size_t)(end - (x + 3)) : 1, add = end ? n * unit : 1;
        if (len + add + 1 > cap) {
            cap = (len + add + 1) * 2;
            char *grown = realloc(out, cap);
            if (!grown)
                free(out);
            out = grown;
            if (!out)
                break;
        }
        if (end) {
            for (unsigned long i = 0; i < n; i++, len += unit)
                memcpy(out + len, x + 3, unit);
            in = end + 2;
        } else {
            out[len++] = *in++;
        }
    }
    if (out)
        out[len] = '\0';
    return out;
}

static const char *member(const cJSON *c, const char *name) {
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, name));
}

/* Runs one case (a parsed line of the data file; where is "file:line"): the status, the
 * message or its absence, the warnings, the request after normalization, absent secrets. */
static void run_case(const char *where, const cJSON *c) {
    const char *rule = member(c, "rule"), *text = member(c, "request");
    const char *status = member(c, "status"), *message = member(c, "message");
    const char *warning = member(c, "warning"), *after = member(c, "after");
    const char *absent = member(c, "absent");
    check_fn fn = find_check(member(c, "provider"), member(c, "operation"));
    int failures = se_test_failures;
    CHECK(rule && text && status && fn);
    char *request = text ? expand(text) : NULL;
    cJSON *req = request ? cJSON_Parse(request) : NULL;
    CHECK(req != NULL); /* the C check functions take parsed JSON */
    if (se_test_failures != failures || !req) {
        fprintf(stderr, "  %s: test bug: incomplete case or unparseable request\n", where);
        cJSON_Delete(req);
        free(request);
        return;
    }
    sei_diag d;
    sei_diag_init(&d);
    count(rule);
    CHECK_STR(se_status_name(fn(req, &d)), status);
    if (message)
        CHECK_HAS(sei_diag_msg(&d), message);
    if (!strcmp(status, "ok")) {
        CHECK_STR(sei_diag_msg(&d), "");
        if (warning)
            CHECK_HAS(sei_diag_warnings(&d), warning);
        else
            CHECK_STR(sei_diag_warnings(&d), "");
    }
    if (after) {
        char *printed = cJSON_PrintUnformatted(req);
        CHECK_STR(printed, after);
        cJSON_free(printed);
    }
    if (absent) {
        CHECK_LACKS(sei_diag_msg(&d), absent);
        CHECK_LACKS(sei_diag_warnings(&d), absent);
    }
    if (se_test_failures != failures || getenv("SE_VAL_SHOW"))
        fprintf(stderr, "  %s [%s] %.300s\n  -> %s%s%s\n", where, rule, request, sei_diag_msg(&d),
                *sei_diag_warnings(&d) ? " | warn: " : "", sei_diag_warnings(&d));
    sei_diag_free(&d);
    cJSON_Delete(req);
    free(request);
}

/* One JSON object a line; empty lines and lines starting with '#' are comments. */
static void test_data_file(void) {
    const char *path = SE_TEST_DATA_DIR "/" CASES_FILE;
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f) {
        perror(path);
        return;
    }
    char *line = NULL, where[512];
    size_t size = 0;
    int lineno = 0, cases = 0;
    while (getline(&line, &size, f) >= 0) {
        lineno++;
        if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
            continue;
        snprintf(where, sizeof where, "%s:%d", path, lineno);
        cJSON *c = cJSON_Parse(line);
        CHECK(cJSON_IsObject(c));
        if (cJSON_IsObject(c))
            run_case(where, c);
        else
            fprintf(stderr, "  %s: not a JSON object\n", where);
        cJSON_Delete(c);
        cases++;
    }
    free(line);
    fclose(f);
    CHECK(cases > 0);
}

/* --- what data cannot say ----------------------------------------------------------- */

/* A request that is not even a cJSON tree (a NULL pointer) is refused by every operation. */
static void test_null_request(void) {
    for (size_t i = 0; i < N_OPERATIONS; i++) {
        sei_diag d;
        sei_diag_init(&d);
        CHECK_INT(OPERATIONS[i].fn(NULL, &d), SE_E_INVALID);
        sei_diag_free(&d);
    }
}

/* Out of memory while normalizing or measuring: needs cJSON's allocator to fail. */
static void *no_malloc(size_t n) {
    (void)n;
    return NULL;
}

static void test_nomem(void) {
    static const char *const JSON[] = {
        "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C1\"},"
        "\"message\":{\"text_message\":{\"text\":\"hi\"}},\"ttl\":10}",
        "{\"app_id\":\"A\",\"recipient\":{\"contact_id\":\"C1\"},"
        "\"message\":{\"text_message\":{\"text\":\"hi\"}},\"conversation_metadata\":{\"k\":1}}",
    };
    cJSON_Hooks failing = {no_malloc, free};
    for (size_t i = 0; i < sizeof JSON / sizeof *JSON; i++) {
        sei_diag d;
        cJSON *req = cJSON_Parse(JSON[i]);
        sei_diag_init(&d);
        count("out of memory");
        cJSON_InitHooks(&failing);
        se_status rc = sei_check_sinch_send_message(req, &d);
        cJSON_InitHooks(NULL);
        CHECK_INT(rc, SE_E_NOMEM);
        CHECK_HAS(sei_diag_msg(&d), "out of memory");
        sei_diag_free(&d);
        cJSON_Delete(req);
    }
}

int main(void) {
    test_data_file();
    test_null_request();
    test_nomem();
    list_and_free_tallies(getenv("SE_VAL_LIST") != NULL);
    return se_test_summary("validation");
}
