/* test_curl_missing.c - libcore linked to the lazy libcurl stubs built to load
 * a library that does not exist (SEI_CURL_SONAME, top-level CMakeLists.txt):
 * creating a client fails with SE_E_NETWORK and a message that says libcurl
 * could not be loaded and names the file, not "global initialisation failed". */
#include <stdio.h>
#include <string.h>

#include "sendevent/sendevent.h"

static int failures;

static void expect(int ok, const char *what, const char *msg) {
    if (!ok) {
        fprintf(stderr, "FAIL: %s (message: \"%s\")\n", what, msg);
        failures++;
    }
}

int main(void) {
    for (int round = 0; round < 2; round++) { /* the second call sees the same failure */
        se_client *c = (se_client *)&failures;
        se_status st = se_client_new(&c, "zapi");
        const char *msg = se_client_errmsg(NULL);
        expect(st == SE_E_NETWORK, "se_client_new returns SE_E_NETWORK", msg);
        expect(c == NULL, "no client is made", msg);
        expect(strstr(msg, "libcurl could not be loaded") != NULL, "says libcurl was not loaded",
               msg);
        expect(strstr(msg, SEI_CURL_SONAME) != NULL, "names the library file", msg);
        expect(strstr(msg, "initialisation") == NULL, "not the global-init text", msg);
    }
    if (!failures)
        printf("ok: %s\n", se_client_errmsg(NULL));
    return failures ? 1 : 0;
}
