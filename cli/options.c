/*
 * options.c - client options from three sources, applied in increasing precedence:
 *   1. the environment: SENDEVENT_<PROVIDER>_<OPTION> (and AWS_REGION for Connect, below
 *      SENDEVENT_CONNECT_REGION)
 *   2. the --config file: KEY=VALUE per line, # comments, PROVIDER.KEY=VALUE for one provider
 *   3. --set KEY=VALUE flags, in command-line order
 * Every key goes to se_client_set(), which rejects unknown keys and bad values with a message
 * naming the key; we add where it came from. Values are never printed (they may be secrets).
 *
 * Connect's only credential travels in the request (ConnectionToken / ParticipantToken). So
 * that it too can come from the environment or a file instead of the command line, the CLI
 * knows two Connect options of its own, connection_token and participant_token, and adds the
 * token to requests that lack it.
 */
#define _POSIX_C_SOURCE 200809L
#include "options.h"
#include "cli.h"
#include "output.h"
#include "providers.h"

#include "json.h" /* libcore's JSON writer (CMake's sendevent_json) */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

extern char **environ;

static bool set_cli_token(struct cli *cli, const char *key, const char *value) {
    char **slot = NULL;
    if (strcmp(cli->provider, "connect") != 0)
        return false;
    if (strcmp(key, "connection_token") == 0)
        slot = &cli->connection_token;
    else if (strcmp(key, "participant_token") == 0)
        slot = &cli->participant_token;
    if (!slot)
        return false;
    free(*slot);
    *slot = value ? strdup(value) : NULL;
    return true;
}

/* One option from `source` ("--set", "environment variable X", "FILE:LINE"). NULL resets. */
static bool set_option(struct cli *cli, se_client *client, const char *key, const char *value,
                       const char *source) {
    if (set_cli_token(cli, key, value))
        return true;
    if (se_client_set(client, key, value) == SE_OK)
        return true;
    errorf("%s: %s", source, se_client_errmsg(client));
    return false;
}

static bool apply_environment(struct cli *cli, se_client *client) {
    char prefix[32], source[160], key[128];
    const char *aws = getenv("AWS_REGION"), *aws_name = "environment variable AWS_REGION";
    if (!aws || !*aws) { /* boto3's other name, read after AWS_REGION */
        aws = getenv("AWS_DEFAULT_REGION");
        aws_name = "environment variable AWS_DEFAULT_REGION";
    }
    if (strcmp(cli->provider, "connect") == 0 && aws && *aws &&
        !set_option(cli, client, "region", aws, aws_name))
        return false;
    snprintf(prefix, sizeof prefix, "SENDEVENT_%s_", cli->provider);
    for (char *c = prefix; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    size_t plen = strlen(prefix);
    for (char **e = environ; e && *e; e++) {
        if (strncmp(*e, prefix, plen) != 0)
            continue;
        const char *name = *e + plen, *eq = strchr(name, '=');
        size_t n = eq ? (size_t)(eq - name) : 0;
        if (!eq || !eq[1] || n == 0 || n >= sizeof key) /* empty means unset */
            continue;
        for (size_t i = 0; i < n; i++)
            key[i] = (char)tolower((unsigned char)name[i]);
        key[n] = '\0';
        snprintf(source, sizeof source, "environment variable %.*s", (int)(plen + n), *e);
        if (!set_option(cli, client, key, eq + 1, source))
            return false;
    }
    return true;
}

static char *trim(char *s) {
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Whether `provider` takes the option `key`: the library's listing, or one of the command's own
 * (connection_token, participant_token for Connect). */
static bool known_key(const char *provider, const char *key) {
    if (se_option_find(provider, key))
        return true;
    return strcmp(provider, "connect") == 0 &&
           (strcmp(key, "connection_token") == 0 || strcmp(key, "participant_token") == 0);
}

/* A config file may hold secrets: warn (naming the file, never its content) when group or others
 * may read it. */
static void warn_if_readable(const char *path) {
    struct stat st;
    if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return;
    if (st.st_mode & (S_IRGRP | S_IROTH))
        fprintf(stderr,
                "sendevent: warning: %s is readable by %s; it may hold secrets (chmod 600 %s)\n",
                path, st.st_mode & S_IROTH ? "others" : "its group", path);
}

static bool apply_config_file(struct cli *cli, se_client *client) {
    warn_if_readable(cli->config_file);
    size_t len;
    char *text = read_file(cli->config_file, &len);
    if (!text)
        return false;
    if (strlen(text) != len) {
        errorf("%s: not a text file", cli->config_file);
        free(text);
        return false;
    }
    bool ok = true;
    char source[600];
    long lineno = 0;
    for (char *line = text, *next; ok && line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        snprintf(source, sizeof source, "%s:%ld", cli->config_file, lineno);
        char *s = trim(line);
        if (!*s || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            errorf("%s: expected KEY=VALUE", source);
            ok = false;
            break;
        }
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        size_t vn = strlen(value);
        if (vn >= 2 && (value[0] == '"' || value[0] == '\'') && value[vn - 1] == value[0]) {
            value[vn - 1] = '\0'; /* one pair of matching quotes is removed */
            value++;
        }
        char *dot = strchr(key, '.');
        if (dot) { /* PROVIDER.KEY: only for that provider */
            *dot = '\0';
            if (!find_provider(key)) {
                errorf("%s: unknown provider '%s' in '%s.%s' (sinch, zapi or connect)", source, key,
                       key, dot + 1);
                ok = false;
                break;
            }
            if (strcmp(key, cli->provider) != 0 && !known_key(key, dot + 1)) {
                errorf("%s: unknown option '%s.%s' (`sendevent %s --help` lists them)", source, key,
                       dot + 1, key);
                ok = false;
                break;
            }
            if (strcmp(key, cli->provider) != 0)
                continue;
            key = dot + 1;
        }
        if (!*key) {
            errorf("%s: empty key", source);
            ok = false;
            break;
        }
        ok = set_option(cli, client, key, *value ? value : NULL, source);
    }
    free(text);
    return ok;
}

bool apply_options(struct cli *cli, se_client *client) {
    if (!apply_environment(cli, client))
        return false;
    if (cli->config_file && !apply_config_file(cli, client))
        return false;
    for (int i = 0; i < cli->n_sets; i++) {
        const char *v = cli->sets[i].value;
        if (!set_option(cli, client, cli->sets[i].key, *v ? v : NULL, "--set"))
            return false;
    }
    /* the flags that are options under another name, over every other source */
    const struct kv flags[] = {{"deadline", cli->deadline},
                               {"max_rate", cli->rate},
                               {"max_burst", cli->burst},
                               {"rate_limit_url", cli->rate_limit_url},
                               {"rate_limit_key", cli->rate_limit_key}};
    static const char *const names[] = {"--deadline", "--rate", "--burst", "--rate-limit-url",
                                        "--rate-limit-key"};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (flags[i].value && se_client_set(client, flags[i].key, flags[i].value) != SE_OK) {
            errorf("%s: %s", names[i], se_client_errmsg(client));
            return false;
        }
    return true;
}

/* The token as a JSON string. One that needs no escape goes in as written, even when it is
 * not UTF-8 (which the writer refuses): the library then refuses the request naming the
 * field, as it does for any request. */
static se_status token_value(sei_json_writer *w, const char *token) {
    size_t n = strlen(token);
    for (const unsigned char *p = (const unsigned char *)token; *p; p++)
        if (*p < 0x20 || *p == '"' || *p == '\\')
            return sei_json_string(w, token, n);
    sei_dynbuf quoted;
    sei_dynbuf_init(&quoted, 0);
    sei_dynbuf_addc(&quoted, '"');
    sei_dynbuf_add(&quoted, token, n);
    sei_dynbuf_addc(&quoted, '"');
    se_status st =
        quoted.error != SE_OK ? quoted.error : sei_json_raw(w, sei_dynbuf_ptr(&quoted), quoted.len);
    sei_dynbuf_free(&quoted);
    return st;
}

char *add_connect_tokens(const struct cli *cli, const char *operation, const char *request_json) {
    if (strcmp(cli->provider, "connect") != 0)
        return NULL;
    bool participant = strcmp(operation, "create_connection") == 0;
    const char *field = participant ? "ParticipantToken" : "ConnectionToken";
    const char *token = participant ? cli->participant_token : cli->connection_token;
    if (!token)
        return NULL;
    cJSON *doc = cJSON_Parse(request_json);
    bool wanted = cJSON_IsObject(doc) && !cJSON_GetObjectItemCaseSensitive(doc, field);
    bool empty = doc && !doc->child;
    cJSON_Delete(doc);
    if (!wanted)
        return NULL; /* present, or not an object: the library judges the request as given */
    /* insert textually after the opening brace, so the rest stays byte for byte */
    sei_dynbuf member;
    sei_json_writer w;
    sei_dynbuf_init(&member, 0);
    sei_json_writer_init(&w, &member, 0);
    sei_json_key(&w, field, strlen(field));
    if (token_value(&w, token) != SE_OK || w.error != SE_OK) {
        sei_dynbuf_free(&member); /* out of memory, or a token the writer cannot write */
        return NULL;
    }
    const char *brace = strchr(request_json, '{');
    size_t head = (size_t)(brace - request_json) + 1;
    size_t n = strlen(request_json) + sei_dynbuf_len(&member) + 2;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%.*s%s%s%s", (int)head, request_json, sei_dynbuf_ptr(&member),
                 empty ? "" : ",", brace + 1);
    sei_dynbuf_free(&member);
    return out;
}
