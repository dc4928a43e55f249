/*
 * curl_lazy.c - the libcurl functions libcore calls, loading libcurl on first
 * use instead of at import.
 *
 * Linking libcurl into the Python extension made `import sendevent` load it
 * and its ~30 dependencies (TLS, HTTP/2, IDN, LDAP, Kerberos...): about 20 ms,
 * paid by every program that imports the package, sending or not. Here each
 * function dlopen()s libcurl.so.4 once (pthread_once) and forwards the call;
 * variadic setopt/getinfo arguments are forwarded by type, as curl itself
 * reads them (option number ranges). libcore is unchanged: these definitions
 * stand in for the library's at link time. Only setup.py compiles this file.
 */
#define CURL_DISABLE_TYPECHECK /* we define curl_easy_setopt & co. ourselves */
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>

#define CURL_FUNCTIONS(X)                                                                          \
    X(CURLcode, global_init, (long))                                                               \
    X(CURL *, easy_init, (void))                                                                   \
    X(CURLcode, easy_setopt, (CURL *, CURLoption, ...))                                            \
    X(CURLcode, easy_perform, (CURL *))                                                            \
    X(void, easy_cleanup, (CURL *))                                                                \
    X(CURLcode, easy_getinfo, (CURL *, CURLINFO, ...))                                             \
    X(void, easy_reset, (CURL *))                                                                  \
    X(const char *, easy_strerror, (CURLcode))                                                     \
    X(CURLSH *, share_init, (void))                                                                \
    X(CURLSHcode, share_setopt, (CURLSH *, CURLSHoption, ...))                                     \
    X(CURLSHcode, share_cleanup, (CURLSH *))                                                       \
    X(CURLM *, multi_init, (void))                                                                 \
    X(CURLMcode, multi_setopt, (CURLM *, CURLMoption, ...))                                        \
    X(CURLMcode, multi_add_handle, (CURLM *, CURL *))                                              \
    X(CURLMcode, multi_remove_handle, (CURLM *, CURL *))                                           \
    X(CURLMcode, multi_perform, (CURLM *, int *))                                                  \
    X(CURLMsg *, multi_info_read, (CURLM *, int *))                                                \
    X(CURLMcode, multi_poll, (CURLM *, struct curl_waitfd *, unsigned int, int, int *))            \
    X(CURLMcode, multi_cleanup, (CURLM *))                                                         \
    X(CURLU *, url, (void))                                                                        \
    X(CURLUcode, url_set, (CURLU *, CURLUPart, const char *, unsigned int))                        \
    X(void, url_cleanup, (CURLU *))

#define DECLARE(ret, name, args) static ret(*real_##name) args;
CURL_FUNCTIONS(DECLARE)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded; /* every function was found */

static void load(void) {
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return;
    int ok = 1;
#define RESOLVE(ret, name, args) ok &= (*(void **)&real_##name = dlsym(lib, "curl_" #name)) != NULL;
    CURL_FUNCTIONS(RESOLVE)
    loaded = ok;
}

static int ready(void) {
    pthread_once(&once, load);
    return loaded;
}

/* libcore always calls curl_global_init first (se_global_init, under
 * pthread_once): if libcurl cannot be loaded it fails there, and no other
 * function is reached. The others still check, at the cost of one load. */
CURLcode curl_global_init(long flags) {
    return ready() ? real_global_init(flags) : CURLE_FAILED_INIT;
}

CURL *curl_easy_init(void) {
    return ready() ? real_easy_init() : NULL;
}

CURLcode curl_easy_setopt(CURL *h, CURLoption option, ...) {
    if (!ready())
        return CURLE_FAILED_INIT;
    va_list ap;
    va_start(ap, option);
    CURLcode rc;
    if (option < CURLOPTTYPE_OBJECTPOINT)
        rc = real_easy_setopt(h, option, va_arg(ap, long));
    else if (option < CURLOPTTYPE_FUNCTIONPOINT)
        rc = real_easy_setopt(h, option, va_arg(ap, void *));
    else if (option < CURLOPTTYPE_OFF_T)
        rc = real_easy_setopt(h, option, va_arg(ap, void (*)(void)));
    else if (option < CURLOPTTYPE_BLOB)
        rc = real_easy_setopt(h, option, va_arg(ap, curl_off_t));
    else
        rc = real_easy_setopt(h, option, va_arg(ap, void *));
    va_end(ap);
    return rc;
}

CURLcode curl_easy_perform(CURL *h) {
    return ready() ? real_easy_perform(h) : CURLE_FAILED_INIT;
}

void curl_easy_cleanup(CURL *h) {
    if (ready())
        real_easy_cleanup(h);
}

CURLcode curl_easy_getinfo(CURL *h, CURLINFO info, ...) {
    if (!ready())
        return CURLE_FAILED_INIT;
    va_list ap;
    va_start(ap, info);
    CURLcode rc = real_easy_getinfo(h, info, va_arg(ap, void *)); /* always a pointer */
    va_end(ap);
    return rc;
}

void curl_easy_reset(CURL *h) {
    if (ready())
        real_easy_reset(h);
}

const char *curl_easy_strerror(CURLcode code) {
    return ready() ? real_easy_strerror(code) : "libcurl.so.4 could not be loaded";
}

CURLSH *curl_share_init(void) {
    return ready() ? real_share_init() : NULL;
}

CURLSHcode curl_share_setopt(CURLSH *share, CURLSHoption option, ...) {
    if (!ready())
        return CURLSHE_NOT_BUILT_IN;
    va_list ap;
    va_start(ap, option);
    CURLSHcode rc;
    switch (option) {
    case CURLSHOPT_SHARE:
    case CURLSHOPT_UNSHARE:
        rc = real_share_setopt(share, option, va_arg(ap, int)); /* curl_lock_data, an enum */
        break;
    case CURLSHOPT_LOCKFUNC:
    case CURLSHOPT_UNLOCKFUNC:
        rc = real_share_setopt(share, option, va_arg(ap, void (*)(void)));
        break;
    default:
        rc = real_share_setopt(share, option, va_arg(ap, void *));
        break;
    }
    va_end(ap);
    return rc;
}

CURLSHcode curl_share_cleanup(CURLSH *share) {
    return ready() ? real_share_cleanup(share) : CURLSHE_NOT_BUILT_IN;
}

CURLM *curl_multi_init(void) {
    return ready() ? real_multi_init() : NULL;
}

CURLMcode curl_multi_setopt(CURLM *m, CURLMoption option, ...) {
    if (!ready())
        return CURLM_INTERNAL_ERROR;
    va_list ap;
    va_start(ap, option);
    CURLMcode rc;
    if (option < CURLOPTTYPE_OBJECTPOINT)
        rc = real_multi_setopt(m, option, va_arg(ap, long));
    else if (option < CURLOPTTYPE_FUNCTIONPOINT)
        rc = real_multi_setopt(m, option, va_arg(ap, void *));
    else if (option < CURLOPTTYPE_OFF_T)
        rc = real_multi_setopt(m, option, va_arg(ap, void (*)(void)));
    else
        rc = real_multi_setopt(m, option, va_arg(ap, curl_off_t));
    va_end(ap);
    return rc;
}

CURLMcode curl_multi_add_handle(CURLM *m, CURL *h) {
    return ready() ? real_multi_add_handle(m, h) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_remove_handle(CURLM *m, CURL *h) {
    return ready() ? real_multi_remove_handle(m, h) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_perform(CURLM *m, int *running) {
    return ready() ? real_multi_perform(m, running) : CURLM_INTERNAL_ERROR;
}

CURLMsg *curl_multi_info_read(CURLM *m, int *left) {
    return ready() ? real_multi_info_read(m, left) : NULL;
}

CURLMcode curl_multi_poll(CURLM *m, struct curl_waitfd *fds, unsigned int nfds, int timeout_ms,
                          int *ret) {
    return ready() ? real_multi_poll(m, fds, nfds, timeout_ms, ret) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_cleanup(CURLM *m) {
    return ready() ? real_multi_cleanup(m) : CURLM_INTERNAL_ERROR;
}

CURLU *curl_url(void) {
    return ready() ? real_url() : NULL;
}

CURLUcode curl_url_set(CURLU *u, CURLUPart what, const char *part, unsigned int flags) {
    return ready() ? real_url_set(u, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

void curl_url_cleanup(CURLU *u) {
    if (ready())
        real_url_cleanup(u);
}
