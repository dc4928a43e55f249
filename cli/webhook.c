/*
 * webhook.c - `sendevent webhook verify` and `sendevent webhook parse`: a callback body on
 * standard input, checked (se_webhook_verify) or read (se_callback_parse).
 *
 *   sendevent webhook verify [--provider sinch] --header 'NAME: VALUE'... [--tolerance S]
 *                            [--now UNIX_SECONDS] < body
 *       the secret from SENDEVENT_WEBHOOK_SECRET (never an argument: arguments are visible to
 *       every user of the machine); exit 0 when valid, EXIT_REFUSED with one line
 *       "sendevent: webhook refused: REASON: detail" on standard error when not
 *   sendevent webhook parse PROVIDER < body
 *       prints {"provider","kind","fields":{...},"data":{...}} on one line
 */
#define _POSIX_C_SOURCE 200809L
#include "webhook.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"

#define SECRET_ENV "SENDEVENT_WEBHOOK_SECRET"

static const char usage_text[] =
    "usage: sendevent webhook verify [--provider sinch] --header 'NAME: VALUE'...\n"
    "                                [--tolerance SECONDS] [--now UNIX_SECONDS] < BODY\n"
    "       sendevent webhook parse PROVIDER < BODY\n"
    "\n"
    "verify: checks a signed callback (Sinch): the signature over the body as read from\n"
    "standard input (byte for byte), the algorithm, the timestamp (within --tolerance of the\n"
    "clock, default 300 s) and the nonce's headers. The secret is read from the environment\n"
    "variable " SECRET_ENV ". Exit status: 0 valid, 3 refused (the reason on standard\n"
    "error: missing_header, unsupported_algorithm, bad_timestamp, bad_signature,\n"
    "stale_timestamp, future_timestamp), 2 usage.\n"
    "parse: reads a callback of sinch, zapi or connect and prints its kind, normalized fields\n"
    "(id, status, dedup_key, ...) and JSON as one JSON line.\n";

static int usage(const char *msg) {
    if (msg)
        fprintf(stderr, "sendevent webhook: %s\n", msg);
    fputs(usage_text, msg ? stderr : stdout);
    return msg ? EXIT_USAGE : EXIT_SENT;
}

/* ---- verify --------------------------------------------------------------------------------- */

struct verify_args {
    const char *provider, *tolerance, *now;
    char **names; /* split from --header NAME: VALUE */
    const char **values;
    size_t n;
};

/* "NAME: VALUE" into the arrays; false when there is no colon or no name. */
static bool add_header(struct verify_args *a, const char *h) {
    const char *colon = strchr(h, ':');
    if (!colon || colon == h)
        return false;
    char *name = strndup(h, (size_t)(colon - h));
    if (!name)
        return false;
    a->names[a->n] = name;
    a->values[a->n++] = colon + 1; /* blanks around it are the library's to skip */
    return true;
}

/* -1 when parsed, else the exit status. */
static int parse_verify_args(struct verify_args *a, int argc, char **argv) {
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help"))
            return usage(NULL);
        bool valued = !strcmp(arg, "--header") || !strcmp(arg, "-H") ||
                      !strcmp(arg, "--provider") || !strcmp(arg, "--tolerance") ||
                      !strcmp(arg, "--now");
        if (!valued) {
            fprintf(stderr, "sendevent webhook: unknown argument '%s'\n", arg);
            return usage("verify takes --provider, --header, --tolerance and --now");
        }
        if (i + 1 == argc)
            return usage("an option is missing its value");
        const char *v = argv[++i];
        if (!strcmp(arg, "--header") || !strcmp(arg, "-H")) {
            if (!add_header(a, v))
                return usage("--header wants 'NAME: VALUE'");
        } else if (!strcmp(arg, "--provider")) {
            a->provider = v;
        } else {
            *(!strcmp(arg, "--tolerance") ? &a->tolerance : &a->now) = v;
        }
    }
    return -1;
}

/* Sets the verifier's options; false (the message printed) on a bad one. */
static bool configure(se_webhook *w, const struct verify_args *a, const char *secret) {
    const char *keys[] = {"secret", "tolerance", "now"};
    const char *values[] = {secret, a->tolerance, a->now};
    for (int i = 0; i < 3; i++) {
        if (values[i] && se_webhook_set(w, keys[i], values[i]) != SE_OK) {
            fprintf(stderr, "sendevent webhook: %s\n", se_last_error());
            return false;
        }
    }
    /* one process per callback: a cache of this process's nonces would never see a replay */
    return se_webhook_set(w, "nonce_cache", "off") == SE_OK;
}

static int run_verify(const struct verify_args *a) {
    const char *secret = getenv(SECRET_ENV);
    if (!secret || !*secret)
        return usage(SECRET_ENV " is not set: the secret is read from the environment only");
    se_webhook *w = NULL;
    if (se_webhook_new(&w, a->provider) != SE_OK) {
        fprintf(stderr, "sendevent webhook: %s\n", se_last_error());
        return EXIT_USAGE;
    }
    int rc = EXIT_USAGE;
    size_t len = 0;
    char *body = configure(w, a, secret) ? read_file("-", &len) : NULL;
    if (body) {
        se_status st =
            se_webhook_verify(w, body, len, (const char *const *)a->names, a->values, a->n);
        if (st == SE_E_SIGNATURE)
            fprintf(stderr, "sendevent: webhook refused: %s\n", se_last_error());
        else if (st != SE_OK)
            fprintf(stderr, "sendevent webhook: %s\n", se_last_error());
        rc = st == SE_OK ? EXIT_SENT : st == SE_E_SIGNATURE ? EXIT_REFUSED : EXIT_FAILED;
    }
    free(body);
    se_webhook_free(w);
    return rc;
}

static int verify(int argc, char **argv) {
    struct verify_args a = {.provider = "sinch"};
    a.names = calloc((size_t)argc, sizeof *a.names);
    a.values = calloc((size_t)argc, sizeof *a.values);
    int rc = a.names && a.values ? parse_verify_args(&a, argc, argv) : EXIT_FAILED;
    if (rc < 0)
        rc = run_verify(&a);
    for (size_t i = 0; i < a.n; i++)
        free(a.names[i]);
    free(a.names);
    free(a.values);
    return rc;
}

/* ---- parse ---------------------------------------------------------------------------------- */

/* {"provider","kind","fields":{...},"data":...} for one callback. */
static cJSON *describe(const se_callback *cb) {
    cJSON *o = cJSON_CreateObject(), *fields = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "provider", se_callback_provider(cb));
    cJSON_AddStringToObject(o, "kind", se_callback_kind(cb));
    for (size_t i = 0; i < se_callback_field_count(cb); i++) {
        const char *name, *value;
        if (se_callback_field_at(cb, i, &name, &value) == SE_OK)
            cJSON_AddStringToObject(fields, name, value);
    }
    cJSON_AddItemToObject(o, "fields", fields);
    char *data = NULL;
    if (se_callback_json(cb, NULL, &data) == SE_OK && data)
        cJSON_AddItemToObject(o, "data", cJSON_Parse(data));
    se_free(data);
    return o;
}

static int parse(int argc, char **argv) {
    if (argc == 3 && (!strcmp(argv[2], "-h") || !strcmp(argv[2], "--help")))
        return usage(NULL);
    if (argc != 3)
        return usage("parse takes one argument: the provider (sinch, zapi or connect)");
    size_t len = 0;
    char *body = read_file("-", &len);
    if (!body)
        return EXIT_FAILED;
    se_callback *cb = NULL;
    se_status st = se_callback_parse(&cb, argv[2], body, len);
    int rc = EXIT_SENT;
    if (st != SE_OK) {
        fprintf(stderr, "sendevent webhook: %s\n", se_last_error());
        rc = st == SE_E_INVALID ? EXIT_USAGE : EXIT_FAILED;
    } else {
        cJSON *o = describe(cb);
        char *text = o ? cJSON_PrintUnformatted(o) : NULL;
        if (text)
            printf("%s\n", text);
        else
            rc = EXIT_FAILED;
        cJSON_free(text);
        cJSON_Delete(o);
    }
    se_callback_free(cb);
    free(body);
    return rc;
}

int webhook_main(int argc, char **argv) {
    if (argc < 2)
        return usage("verify or parse?");
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
        return usage(NULL);
    if (!strcmp(argv[1], "verify"))
        return verify(argc, argv);
    if (!strcmp(argv[1], "parse"))
        return parse(argc, argv);
    return usage("verify or parse?");
}
