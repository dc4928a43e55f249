/* engine_support.h - what the two engine test programs (test_engine.c,
 * test_engine_faults.c) share: the emulator each of them starts, and clients
 * and requests for it. Included by those two files only. */
#ifndef SE_TEST_ENGINE_SUPPORT_H
#define SE_TEST_ENGINE_SUPPORT_H

#include <stdio.h>

#include "emu.h"
#include "sendevent/sendevent.h"

static emu E;

/* A Sinch client with OAuth against emulator e. */
static inline se_client *sinch_client(const emu *e) {
    se_client *c = NULL;
    se_client_new(&c, "sinch");
    se_client_set(c, "base_url", e->url);
    char auth_url[300];
    snprintf(auth_url, sizeof auth_url, "%s/oauth2/token", e->url);
    se_client_set(c, "auth_url", auth_url);
    se_client_set(c, "project_id", "p1");
    se_client_set(c, "key_id", EMU_SINCH_KEY_ID);
    se_client_set(c, "key_secret", EMU_SINCH_KEY_SECRET);
    return c;
}

static inline se_client *connect_client(void) {
    se_client *c = NULL;
    se_client_new(&c, "connect");
    se_client_set(c, "base_url", E.url);
    return c;
}

static inline void connect_event(char *out, size_t cap, const char *token) {
    snprintf(out, cap,
             "{\"ConnectionToken\":\"" EMU_CONNECT_TOKEN "\",\"ContentType\":"
             "\"application/vnd.amazonaws.connect.event.typing\",\"ClientToken\":\"%s\"}",
             token);
}

#endif
