/* loader.c - loads libcurl on first use for the generated stubs (curl_lazy.h). */
#include "curl_lazy/curl_lazy.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

/* The file name libcore was built against; tests point it at a missing one. */
#ifndef SEI_CURL_SONAME
#define SEI_CURL_SONAME "libcurl.so.4"
#endif

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;
static char failure[512];

static void load(void) {
    void *lib = dlopen(SEI_CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror(); /* names the file: "libcurl.so.4: cannot open ..." */
        snprintf(failure, sizeof failure, "libcurl could not be loaded: %s",
                 why ? why : SEI_CURL_SONAME);
        return;
    }
    const char *missing = sei_curl_resolve(lib);
    if (missing) {
        snprintf(failure, sizeof failure,
                 "libcurl could not be loaded: %s has no %s (libcurl too old?)", SEI_CURL_SONAME,
                 missing);
        dlclose(lib);
        return;
    }
    loaded = 1;
}

int sei_curl_ready(void) {
    pthread_once(&once, load);
    return loaded;
}

const char *sei_curl_load_error(void) {
    return failure[0] ? failure : NULL;
}
