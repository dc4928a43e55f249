/*
 * main.c - `sendevent PROVIDER OPERATION [REQUEST]`: arguments, help and the single-request
 * modes (send, --validate, --dry-run). See sendevent(1) and docs/cli.md.
 */
#define _POSIX_C_SOURCE 200809L
#include "batch.h"
#include "cli.h"
#include "options.h"
#include "output.h"
#include "providers.h"
#include "webhook.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- what the help lists: the library's listing, plus the command's own options ---------- */

/* options of the command itself, added to requests rather than set on the client (options.c) */
struct cli_option {
    const char *provider, *key, *help;
};
static const struct cli_option cli_options[] = {
    {"connect", "connection_token", "ConnectionToken for requests that give none (sendevent only)"},
    {"connect", "participant_token", "ParticipantToken for create_connection (sendevent only)"},
    {NULL, NULL, NULL}};

/* "  key   [ENV]   help (default D) [secret]" */
static void print_option(const se_option_info *o, const char *env) {
    printf("  %-20s ", o->key);
    if (env)
        printf("%-36s ", env);
    if (o->alias_of)
        printf("alias of %s\n", o->alias_of);
    else
        printf("%s%s%s%s%s\n", o->help, o->def ? " (default " : "", o->def ? o->def : "",
               o->def ? ")" : "", o->secret ? " [secret]" : "");
}

static void env_name(char *out, size_t n, const char *provider, const char *key) {
    snprintf(out, n, "SENDEVENT_%s_%s", provider, key);
    for (char *c = out; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
}

static const char usage_line[] =
    "usage: sendevent PROVIDER OPERATION [REQUEST] [--set key=value]... [--config FILE]\n"
    "                 [--deadline SECONDS] [--dry-run | --validate] [--output json|text]\n"
    "                 [--verbose]\n"
    "       sendevent PROVIDER OPERATION --batch FILE|- [--concurrency N] [--no-progress]\n"
    "                 [--unordered] [--grace SECONDS] [--rate N]\n"
    "                 [--journal FILE [--resend-maybe]] ...\n"
    "       sendevent webhook verify|parse ...   (sendevent webhook --help)\n"
    "       sendevent [PROVIDER] --help | --version\n";

static void print_help(void) {
    printf("%s", usage_line);
    printf("\nSend an event or message through the Sinch Conversation API, Z-API (WhatsApp) or\n"
           "the Amazon Connect Participant Service with libsendevent %s.\n",
           se_version());
    printf("\nProviders and operations:\n");
    for (const se_provider_info *p = se_provider_next(NULL); p; p = se_provider_next(p)) {
        printf("  %-8s", p->name);
        for (const se_operation_info *o = se_operation_next(p->name, NULL); o;
             o = se_operation_next(p->name, o))
            printf(" %s", o->name);
        printf("   (%s)\n", p->title);
    }
    printf(
        "\nREQUEST is the provider's own JSON body: inline JSON, @FILE, or - for standard input.\n"
        "\nOptions:\n"
        "  --set KEY=VALUE     client option (repeatable); KEY= resets it to its default\n"
        "  --config FILE       options from a file: KEY=VALUE per line, # comments,\n"
        "                      PROVIDER.KEY=VALUE applies to that provider only\n"
        "  --dry-run           print the HTTP request that would be sent (secrets redacted);\n"
        "                      send nothing\n"
        "  --validate          validate the request only; send nothing\n"
        "  --batch FILE|-      one JSON request per line; one result per line, in input order\n"
        "  --concurrency N     requests in flight for --batch, 1..1024 (default 16)\n"
        "  --no-progress       no progress line for --batch, even on a terminal\n"
        "  --unordered         --batch results as soon as known (each with its line), not in\n"
        "                      input order\n"
        "  --grace SECONDS     after SIGINT/SIGTERM, time requests in flight have to finish\n"
        "                      before they are cancelled (default 5; a second SIGINT: at once)\n"
        "  --rate N            at most N requests per second, evenly spaced, slowing down on\n"
        "                      429 answers; the same as --set max_rate=N\n"
        "  --burst N           with --rate: N requests may leave at once after a quiet time\n"
        "                      (default 1); the same as --set max_burst=N\n"
        "  --rate-limit-url URL  redis://host:port/db: --rate is a budget shared in Redis by\n"
        "                      every client naming the same --rate-limit-key (any process or\n"
        "                      machine); the local limit applies while Redis is unreachable\n"
        "  --rate-limit-key KEY  the shared budget's name (e.g. the Sinch project)\n"
        "  --journal FILE      record each --batch line in FILE as it is sent and its result as\n"
        "                      it is known; run the same command again to resume: accepted\n"
        "                      lines are skipped, failed ones sent again, maybe sent ones (in\n"
        "                      flight when killed) listed (Connect lines get a ClientToken\n"
        "                      from the journal, and in-flight ones are sent again)\n"
        "  --resend-maybe      with --journal: also send again lines that were maybe sent\n"
        "  --deadline SECONDS  time a send may take over all its attempts (each line's, in a\n"
        "                      --batch); the same as --set deadline=SECONDS\n"
        "  --output json|text  result format (default: text on a terminal, json otherwise)\n"
        "  -v, --verbose       log each HTTP attempt and retry on standard error\n"
        "  -h, --help          this help; `sendevent PROVIDER --help` for a provider's options\n"
        "  -V, --version       print the version\n"
        "\nOptions common to every provider (--set, --config, environment):\n");
    for (const se_option_info *o = se_option_next(NULL, NULL); o; o = se_option_next(NULL, o))
        print_option(o, NULL);
    printf("\nEnvironment: SENDEVENT_<PROVIDER>_<OPTION>, e.g. SENDEVENT_SINCH_KEY_SECRET,\n"
           "SENDEVENT_ZAPI_TOKEN, SENDEVENT_CONNECT_REGION (and AWS_REGION, else\n"
           "AWS_DEFAULT_REGION, for Connect).\n"
           "Precedence: --set over --config over the environment.\n"
           "\nExit status: 0 sent (or valid), 1 a send failed, 2 usage or validation error\n"
           "(nothing sent).\n"
           "\nExample (against a local sendevent-emulator started with its defaults; PORT is\n"
           "the port of the URL it prints):\n"
           "  sendevent %s\n"
           "\nSee sendevent(1) for the result fields.\n",
           emulator_example("zapi"));
}

static void print_provider_options(const se_provider_info *p, bool own) {
    char env[96];
    for (const se_option_info *o = se_option_next(p->name, NULL); o;
         o = se_option_next(p->name, o)) {
        if (own != (o->provider != NULL || o->alias_of != NULL))
            continue;
        env_name(env, sizeof env, p->name, o->key);
        print_option(o, env);
    }
    for (const struct cli_option *o = cli_options; own && o->key; o++) {
        if (strcmp(o->provider, p->name) != 0)
            continue;
        env_name(env, sizeof env, p->name, o->key);
        printf("  %-20s %-36s %s [secret]\n", o->key, env, o->help);
    }
}

static void print_provider_help(const se_provider_info *p) {
    printf("usage: sendevent %s OPERATION [REQUEST] [options]\n\n%s\n\nOperations:\n", p->name,
           p->title);
    for (const se_operation_info *o = se_operation_next(p->name, NULL); o;
         o = se_operation_next(p->name, o))
        printf("  %-18s %s - %s\n", o->name, o->route, o->help);
    printf("\nExamples:\n");
    for (const se_operation_info *o = se_operation_next(p->name, NULL); o;
         o = se_operation_next(p->name, o))
        printf("  sendevent %s %s '%s'\n", p->name, o->name, o->example);
    const char *emu = emulator_example(p->name);
    if (emu)
        printf("\nAgainst a local sendevent-emulator started with its defaults (PORT: its port):\n"
               "  sendevent %s\n",
               emu);
    printf("\nOptions (--set KEY=VALUE, --config FILE, or the environment variable):\n");
    print_provider_options(p, true);
    print_provider_options(p, false);
    if (strcmp(p->name, "connect") == 0)
        printf("  (region also from AWS_REGION, else AWS_DEFAULT_REGION; SENDEVENT_CONNECT_REGION\n"
               "  overrides both)\n");
    printf("\nSecret values are never printed. See `sendevent --help` for the flags.\n");
}

/* ---- arguments ------------------------------------------------------------------------------ */

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "sendevent: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%sTry 'sendevent --help'.\n", usage_line);
    return EXIT_USAGE;
}

/* Matches "--name" or "--name=value". Sets *value for the second form. */
static bool flag_is(const char *arg, const char *name, const char **value) {
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return false;
    if (arg[n] == '\0') {
        *value = NULL;
        return true;
    }
    if (arg[n] == '=') {
        *value = arg + n + 1;
        return true;
    }
    return false;
}

/* --grace SECONDS (0..3600): -1 when taken. */
static int grace_flag(struct cli *cli, const char *v) {
    char *end;
    double d = strtod(v, &end);
    if (!*v || *end || !(d >= 0 && d <= 3600))
        return usage_error("--grace wants seconds in 0..3600, got '%s'", v);
    cli->grace = d;
    return -1;
}

/* --rate N: max_rate, which se_client_set checks; 0 would mean no limit, not a rate. */
static int rate_flag(struct cli *cli, const char *v) {
    char *end;
    double d = strtod(v, &end);
    if (!*v || *end || !(d > 0))
        return usage_error("--rate wants requests per second above 0, got '%s'", v);
    cli->rate = v;
    return -1;
}

/* A flag that takes a value (--set, --config, ...): -1 when taken, else the exit status. */
static int valued_flag(struct cli *cli, const char *name, const char *v) {
    if (strcmp(name, "--set") == 0) {
        const char *eq = strchr(v, '=');
        if (!eq || eq == v)
            return usage_error("%s", "--set wants KEY=VALUE (the value is not shown)");
        char *key = strndup(v, (size_t)(eq - v));
        if (!key)
            return EXIT_FAILED;
        cli->sets[cli->n_sets].key = key;
        cli->sets[cli->n_sets++].value = eq + 1;
    } else if (strcmp(name, "--config") == 0) {
        cli->config_file = v;
    } else if (strcmp(name, "--deadline") == 0) {
        cli->deadline = v; /* checked by se_client_set, like the option */
    } else if (strcmp(name, "--batch") == 0) {
        cli->batch = v;
    } else if (strcmp(name, "--journal") == 0) {
        cli->journal = v;
    } else if (strcmp(name, "--concurrency") == 0) {
        char *end;
        long n = strtol(v, &end, 10);
        if (!*v || *end || n < 1 || n > 1024)
            return usage_error("--concurrency wants an integer in 1..1024, got '%s'", v);
        cli->concurrency = (int)n;
    } else if (strcmp(name, "--grace") == 0) {
        return grace_flag(cli, v);
    } else if (strcmp(name, "--rate") == 0) {
        return rate_flag(cli, v);
    } else if (strcmp(name, "--burst") == 0) {
        cli->burst = v; /* checked by se_client_set, like the option */
    } else if (strcmp(name, "--rate-limit-url") == 0) {
        cli->rate_limit_url = v;
    } else if (strcmp(name, "--rate-limit-key") == 0) {
        cli->rate_limit_key = v;
    } else if (strcmp(v, "json") == 0) {
        cli->output = OUTPUT_JSON;
    } else if (strcmp(v, "text") == 0) {
        cli->output = OUTPUT_TEXT;
    } else {
        return usage_error("--output wants json or text, got '%s'", v);
    }
    return -1;
}

/* "sinch, zapi or connect": the providers the library lists. */
static const char *provider_names(char *out, size_t cap) {
    out[0] = '\0';
    for (const se_provider_info *p = se_provider_next(NULL); p; p = se_provider_next(p)) {
        const se_provider_info *next = se_provider_next(p);
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s%s", n ? (next ? ", " : " or ") : "", p->name);
    }
    return out;
}

/* After the flags: help, version, and the positional arguments checked. -1 when the command
 * is to run, else the exit status. */
static int finish_args(struct cli *cli, const char **positional, int n_pos, bool help,
                       bool version) {
    char names[128];
    if (version) {
        printf("sendevent %s (libsendevent %s)\n", SE_VERSION, se_version());
        return EXIT_SENT;
    }
    const se_provider_info *p = n_pos ? find_provider(positional[0]) : NULL;
    if (n_pos && !p)
        return usage_error("unknown provider '%s' (%s)", positional[0],
                           provider_names(names, sizeof names));
    if (help) {
        if (p)
            print_provider_help(p);
        else
            print_help();
        return EXIT_SENT;
    }
    if (n_pos == 0)
        return usage_error("%s", "missing PROVIDER and OPERATION");
    if (n_pos == 1)
        return usage_error("missing OPERATION; `sendevent %s --help` lists them", p->name);
    cli->provider = positional[0];
    cli->operation = positional[1];
    cli->request_arg = n_pos == 3 ? positional[2] : NULL;
    if (cli->journal && (!cli->batch || cli->dry_run || cli->validate))
        return usage_error("%s", "--journal is for sending a --batch");
    if (cli->resend_maybe && !cli->journal)
        return usage_error("%s", "--resend-maybe goes with --journal");
    if (cli->batch && cli->request_arg)
        return usage_error("%s", "give REQUEST or --batch, not both");
    if (!cli->batch && !cli->request_arg)
        return usage_error("missing REQUEST (inline JSON, @FILE or -); `sendevent %s --help` "
                           "shows examples",
                           p->name);
    const char *input = cli->batch ? cli->batch : cli->request_arg;
    if (cli->config_file && strcmp(cli->config_file, "-") == 0 && strcmp(input, "-") == 0)
        return usage_error("%s", "standard input can hold the options or the requests, not both");
    if (cli->output == OUTPUT_AUTO)
        cli->output = isatty(STDOUT_FILENO) ? OUTPUT_TEXT : OUTPUT_JSON;
    return -1;
}

/* Returns -1 when parsed, else the exit status (help, version and usage errors). */
static int parse_args(struct cli *cli, int argc, char **argv) {
    bool help = false, version = false, options_done = false;
    const char *positional[3];
    int n_pos = 0;
    cli->sets = calloc((size_t)argc, sizeof *cli->sets);
    if (!cli->sets)
        return EXIT_FAILED;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        if (options_done || a[0] != '-' || strcmp(a, "-") == 0) {
            if (n_pos == 3)
                return usage_error("%s",
                                   "too many arguments: PROVIDER OPERATION [REQUEST], then flags "
                                   "(a --set KEY=VALUE missing its --set?)");
            positional[n_pos++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            options_done = true;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            help = true;
        } else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
            version = true;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            cli->verbose = true;
        } else if (strcmp(a, "--dry-run") == 0) {
            cli->dry_run = true;
        } else if (strcmp(a, "--validate") == 0) {
            cli->validate = true;
        } else if (strcmp(a, "--no-progress") == 0) {
            cli->no_progress = true;
        } else if (strcmp(a, "--unordered") == 0) {
            cli->unordered = true;
        } else if (strcmp(a, "--resend-maybe") == 0) {
            cli->resend_maybe = true;
        } else if (flag_is(a, "--set", &v) || flag_is(a, "--config", &v) ||
                   flag_is(a, "--batch", &v) || flag_is(a, "--concurrency", &v) ||
                   flag_is(a, "--output", &v) || flag_is(a, "--deadline", &v) ||
                   flag_is(a, "--grace", &v) || flag_is(a, "--rate", &v) ||
                   flag_is(a, "--burst", &v) || flag_is(a, "--journal", &v) ||
                   flag_is(a, "--rate-limit-url", &v) || flag_is(a, "--rate-limit-key", &v)) {
            char name[24];
            snprintf(name, sizeof name, "%.*s", (int)strcspn(a, "="), a);
            if (!v && i + 1 == argc)
                return usage_error("%s needs a value", name);
            int rc = valued_flag(cli, name, v ? v : argv[++i]);
            if (rc >= 0)
                return rc;
        } else {
            return usage_error("unknown option '%.*s'", (int)strcspn(a, "="), a);
        }
    }
    return finish_args(cli, positional, n_pos, help, version);
}

/* ---- single request ------------------------------------------------------------------------- */

static int run_single(struct cli *cli, se_client *client) {
    char *request = read_request(cli->request_arg);
    if (!request)
        return EXIT_USAGE;
    char *with_tokens = add_connect_tokens(cli, cli->operation, request);
    const char *json = with_tokens ? with_tokens : request;
    int rc;
    if (cli->dry_run) {
        char *http = NULL;
        se_status st = se_prepare(client, cli->operation, json, &http);
        if (st == SE_OK) {
            print_prepared(cli, http, -1, -1);
            rc = EXIT_SENT;
        } else {
            print_validation(cli, st, se_client_errmsg(client), -1, -1);
            rc = st == SE_E_INVALID ? EXIT_USAGE : EXIT_FAILED;
        }
        se_free(http);
    } else if (cli->validate) {
        se_status st = se_validate(client, cli->operation, json);
        print_validation(cli, st, se_client_errmsg(client), -1, -1);
        rc = st == SE_OK ? EXIT_SENT : st == SE_E_INVALID ? EXIT_USAGE : EXIT_FAILED;
    } else {
        se_response *r = NULL;
        se_status st = se_send(client, cli->operation, json, &r);
        const char *msg = se_client_errmsg(client);
        print_result(cli, r, st, -1, -1, msg);
        if (st != SE_OK)
            print_failure(cli, r, st, msg);
        se_response_free(r);
        rc = st == SE_OK ? EXIT_SENT : st == SE_E_INVALID ? EXIT_USAGE : EXIT_FAILED;
    }
    free(with_tokens);
    free(request);
    return rc;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "webhook") == 0) /* the receive side: webhook.c */
        return webhook_main(argc - 1, argv + 1);
    struct cli cli = {.concurrency = 16, .grace = 5};
    int rc = parse_args(&cli, argc, argv);
    if (rc >= 0)
        goto out;
    if (cli.dry_run && cli.validate)
        cli.validate = false; /* a dry run validates too */

    se_client *client = NULL;
    if (se_client_new(&client, cli.provider) != SE_OK) {
        errorf("%s", se_last_error());
        rc = EXIT_USAGE;
        goto out;
    }
    if (!apply_options(&cli, client)) {
        rc = EXIT_USAGE;
    } else {
        if (cli.verbose)
            se_client_set_logger(client, log_to_stderr, NULL);
        if (!provider_has_op(find_provider(cli.provider), cli.operation)) {
            const se_provider_info *p = find_provider(cli.provider);
            char list[200] = "";
            for (const se_operation_info *o = se_operation_next(p->name, NULL); o;
                 o = se_operation_next(p->name, o))
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                         list[0] ? ", " : "", o->name);
            errorf("unknown operation '%s' for %s (%s)", cli.operation, cli.provider, list);
            rc = EXIT_USAGE;
        } else {
            rc = cli.batch ? run_batch(&cli, client) : run_single(&cli, client);
        }
    }
    se_client_free(client);
out:
    for (int i = 0; i < cli.n_sets; i++)
        free((char *)cli.sets[i].key);
    free(cli.sets);
    free(cli.connection_token);
    free(cli.participant_token);
    if (fflush(stdout) != 0 && rc == EXIT_SENT)
        rc = EXIT_FAILED;
    return rc;
}
