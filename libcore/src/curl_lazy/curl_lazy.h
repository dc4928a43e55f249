/* curl_lazy.h - libcurl loaded on first use instead of linked (SE_LAZY_CURL).
 *
 * Linking libcurl makes every program that loads libcore load libcurl and its
 * ~30 dependencies (TLS, HTTP/2, IDN, LDAP, Kerberos...) at start, sending or
 * not: for the Python package that was most of `import sendevent`. With
 * SE_LAZY_CURL the library is built as usual and linked to stubs instead,
 * generated from the curl_* functions it calls (cmake/curl_stubs.cmake): each
 * loads libcurl once (loader.c) and forwards the call. libcore's own sources do
 * not change; the shared library and the command line tool link libcurl. */
#ifndef SEI_CURL_LAZY_H
#define SEI_CURL_LAZY_H

/* Why libcurl could not be loaded ("libcurl could not be loaded: libcurl.so.4:
 * cannot open shared object file..."), static text; NULL when it was loaded or
 * nothing tried yet. Weak: the symbol is absent (NULL) when libcurl is linked,
 * so `if (sei_curl_load_error && ...)` is how the core asks. */
__attribute__((weak, visibility("hidden"))) const char *sei_curl_load_error(void);

/* Loads libcurl once (thread-safe); nonzero when every function was found. */
__attribute__((visibility("hidden"))) int sei_curl_ready(void);

/* Generated: fills the stubs' function pointers from the loaded library;
 * NULL, or the name of the first function it lacks. */
__attribute__((visibility("hidden"))) const char *sei_curl_resolve(void *lib);

/* Forwarding the one variadic argument of the setopt/getinfo families with
 * the type libcurl reads it as: setopt by the option number's range ... */
#define SEI_CURL_VA_OPTION(fn, h, option, ap)                                                      \
    ((option) < CURLOPTTYPE_OBJECTPOINT     ? fn(h, option, va_arg(ap, long))                      \
     : (option) < CURLOPTTYPE_FUNCTIONPOINT ? fn(h, option, va_arg(ap, void *))                    \
     : (option) < CURLOPTTYPE_OFF_T         ? fn(h, option, va_arg(ap, void (*)(void)))            \
     : (option) < CURLOPTTYPE_BLOB          ? fn(h, option, va_arg(ap, curl_off_t))                \
                                            : fn(h, option, va_arg(ap, void *)))

/* ... getinfo always a pointer ... */
#define SEI_CURL_VA_POINTER(fn, h, info, ap) fn(h, info, va_arg(ap, void *))

/* ... and the share options one by one (curl_lock_data is an enum: an int). */
#define SEI_CURL_VA_SHARE(fn, h, option, ap)                                                       \
    ((option) == CURLSHOPT_SHARE || (option) == CURLSHOPT_UNSHARE ? fn(h, option, va_arg(ap, int)) \
     : (option) == CURLSHOPT_LOCKFUNC || (option) == CURLSHOPT_UNLOCKFUNC                          \
         ? fn(h, option, va_arg(ap, void (*)(void)))                                               \
         : fn(h, option, va_arg(ap, void *)))

#endif
