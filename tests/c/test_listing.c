/* test_listing.c - sendevent/listing.h: every provider, every operation it
 * has, the options of its clients with their kinds, defaults, ranges and
 * aliases; and that what the listing says is what a client does. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sendevent/sendevent.h"

static const char *const providers[] = {"sinch", "zapi", "connect", NULL};

/* every operation of each provider, in its order */
static const char *const operations[][6] = {
    {"send_event", "send_message", NULL},
    {"send_event", "edit_event", "respond_event", "send_message", NULL},
    {"send_event", "send_message", "create_connection", "disconnect", NULL},
};

static const char *const common_keys[] = {"base_url",
                                          "timeout",
                                          "connect_timeout",
                                          "max_attempts",
                                          "retry_server_errors",
                                          "retry_base_delay",
                                          "retry_max_delay",
                                          "ca_file",
                                          "allow_insecure_http",
                                          "max_response_bytes",
                                          "user_agent",
                                          "deadline",
                                          "connection_max_idle",
                                          "max_rate",
                                          "max_burst",
                                          "rate_limit_url",
                                          "rate_limit_key",
                                          "rate_limit_fallback",
                                          NULL};

static void test_providers(void) {
    size_t n = 0;
    for (const se_provider_info *p = se_provider_next(NULL); p; p = se_provider_next(p), n++) {
        CHECK(providers[n] != NULL);
        CHECK_STR(p->name, providers[n]);
        CHECK(p->title && p->title[0]);
    }
    CHECK_INT(n, 3);
    CHECK_STR(se_provider_next(NULL)->title, "Sinch Conversation API");
    se_provider_info fake = {"sinch", "x"};
    CHECK(se_provider_next(&fake) == NULL); /* not one of the listing's */
}

/* options a client needs to validate */
static const char *const config[][9] = {
    {"project_id", "P", "key_id", "K", "key_secret", "S", "region", "us", NULL},
    {"instance_id", "I", "token", "T", NULL},
    {"region", "us-east-1", NULL},
};

/* Every operation, with its help line and an example the provider accepts. */
static void test_operations(void) {
    for (size_t i = 0; providers[i]; i++) {
        se_client *c = NULL;
        CHECK_INT(se_client_new(&c, providers[i]), SE_OK);
        for (size_t k = 0; config[i][k]; k += 2)
            CHECK_INT(se_client_set(c, config[i][k], config[i][k + 1]), SE_OK);
        size_t n = 0;
        for (const se_operation_info *o = se_operation_next(providers[i], NULL); o;
             o = se_operation_next(providers[i], o), n++) {
            CHECK_STR(o->name, operations[i][n]);
            CHECK_STR(o->provider, providers[i]);
            CHECK(o->route && o->route[0] && o->help && o->help[0] && o->example);
            if (se_validate(c, o->name, o->example) != SE_OK)
                CHECK_STR(se_client_errmsg(c), "");
        }
        CHECK(operations[i][n] == NULL);
        se_client_free(c);
    }
    CHECK_STR(se_operation_next("sinch", NULL)->route, "events:send");
    CHECK_STR(se_operation_next("connect", se_operation_next("connect", NULL))->route,
              "participant/message");
    CHECK(se_operation_next("sms", NULL) == NULL);
    CHECK(se_operation_next(NULL, NULL) == NULL);
    /* an operation of another provider is no `prev` */
    CHECK(se_operation_next("zapi", se_operation_next("sinch", NULL)) == NULL);
}

static void check_option(const se_option_info *o, const char *kind, const char *def, int secret,
                         const char *alias_of, const char *provider) {
    CHECK(o != NULL);
    if (!o)
        return;
    CHECK_STR(o->kind, kind);
    CHECK_STR(o->def, def);
    CHECK_INT(o->secret, secret);
    CHECK_STR(o->alias_of, alias_of);
    CHECK_STR(o->provider, provider);
    CHECK(o->help && o->help[0]);
}

static void test_known_options(void) {
    check_option(se_option_find(NULL, "timeout"), "seconds", "30", 0, NULL, NULL);
    const se_option_info *o = se_option_find("zapi", "max_attempts");
    check_option(o, "integer", "3", 0, NULL, NULL);
    CHECK(o && o->has_range && o->min == 1 && o->max == 10);
    check_option(se_option_find("sinch", "retry_server_errors"), "boolean", "false", 0, NULL, NULL);
    check_option(se_option_find("sinch", "base_url"), "url", NULL, 0, NULL, NULL);
    check_option(se_option_find("sinch", "key_secret"), "secret", NULL, 1, NULL, "sinch");
    check_option(se_option_find("sinch", "project_id"), "string", NULL, 0, NULL, "sinch");
    o = se_option_find("sinch", "auth");
    check_option(o, "enum", "oauth2", 0, NULL, "sinch");
    CHECK(o && !o->has_range);
    CHECK_STR(o ? o->values : NULL, "oauth2 basic");
    check_option(se_option_find("sinch", "auth_url"), "url", "https://auth.sinch.com/oauth2/token",
                 0, NULL, "sinch");
    check_option(se_option_find("zapi", "token"), "secret", NULL, 1, NULL, "zapi");
    check_option(se_option_find("zapi", "client_token"), "secret", NULL, 1, NULL, "zapi");
    check_option(se_option_find("connect", "fips"), "boolean", "false", 0, NULL, "connect");
    check_option(se_option_find("connect", "endpoint_url"), "url", NULL, 0, "base_url", NULL);
    CHECK_HAS(se_option_find(NULL, "user_agent")->def, "sendevent/");
    CHECK(se_option_find("zapi", "region") == NULL);
    CHECK(se_option_find("sinch", "endpoint_url") == NULL);
    CHECK(se_option_find(NULL, "project_id") == NULL);
    CHECK(se_option_find("sms", "timeout") == NULL);
}

/* A client takes every listed key, shows its default, and takes no other. */
static void test_options_match_clients(void) {
    size_t n_common = 0;
    for (const se_option_info *o = se_option_next(NULL, NULL); o; o = se_option_next(NULL, o))
        CHECK_STR(o->key, common_keys[n_common++]);
    CHECK(common_keys[n_common] == NULL);
    for (size_t i = 0; providers[i]; i++) {
        se_client *c = NULL;
        CHECK_INT(se_client_new(&c, providers[i]), SE_OK);
        size_t n = 0;
        for (const se_option_info *o = se_option_next(providers[i], NULL); o;
             o = se_option_next(providers[i], o), n++) {
            if (n < n_common)
                CHECK_STR(o->key, common_keys[n]); /* the common ones first */
            CHECK(se_option_find(providers[i], o->key) == o);
            CHECK(o->provider == NULL || !strcmp(o->provider, providers[i]));
            if (!o->secret && !o->alias_of)
                CHECK_STR(se_client_get(c, o->key), o->def);
            if (o->def)
                CHECK_INT(se_client_set(c, o->key, o->def), SE_OK);
            if (o->has_range)
                CHECK(o->min <= o->max);
        }
        CHECK(n > n_common);
        CHECK_INT(se_client_set(c, "no_such_option", "1"), SE_E_INVALID);
        se_client_free(c);
    }
    se_option_info fake = {.key = "timeout"};
    CHECK(se_option_next("sinch", &fake) == NULL);
}

int main(void) {
    test_providers();
    test_operations();
    test_known_options();
    test_options_match_clients();
    return se_test_summary("listing");
}
