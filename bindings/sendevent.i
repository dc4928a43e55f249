/*
 * bindings/sendevent.i - the SWIG interface shared by every language binding.
 *
 * No %module here: each language file (python/sendevent_python.i,
 * lua/sendevent_lua.i) names its module, defines the hooks below and then
 * %includes this file. Validation and HTTP stay in C; the wrappers only
 * convert arguments, hand out owned objects and turn a failing se_status
 * into the language's error.
 *
 * Hooks (C macros the language file defines in a %{ %} block; they expand
 * inside the generated wrapper functions, after the C call returned):
 *
 *   SEI_BIND_RAISE(status, message, response)
 *       Sets the language's error for a failing `status`. `message` is the
 *       detail text (never a secret); `response` is an se_response * or NULL,
 *       and its ownership passes to the hook. The typemap jumps to SWIG_fail
 *       afterwards.
 *   SEI_BIND_VOID()
 *       Result of a call that returns nothing but its status.
 *   SEI_BIND_OUT_OWNED(ptr, descriptor)
 *       Appends a new object that owns `ptr` (freed by its destructor).
 *   SEI_BIND_OUT_RESPONSE(response)
 *       Appends a response; ownership passes to the hook.
 *   SEI_BIND_OUT_STRING(str, len)
 *       Appends a copy of a text of `len` bytes (str may be NULL: nil/None).
 *   SEI_BIND_OUT_BYTES(str, len)
 *       Appends a copy of `len` raw bytes (a response body; may hold NULs).
 *
 * Ownership summary:
 *   se_client, se_batch, se_response are opaque objects with no constructor
 *   (%nodefaultctor); the languages get them only from the se_*_new / take /
 *   send calls, as owned objects whose destructor calls se_*_free. Calling
 *   se_*_free explicitly disowns the object (%delobject), so the destructor
 *   does not free it twice. Strings returned by accessors are copied at once;
 *   char ** outputs are copied and then released with se_free().
 *   se_batch_response (a pointer owned by the batch) is not wrapped: use
 *   se_batch_take, which moves the response out.
 */

%{
#include "sendevent/sendevent.h"
%}

/* ---- opaque handles: no constructor, destructor calls se_*_free --------- */

%nodefaultctor se_client;
%nodefaultctor se_batch;
%nodefaultctor se_response;
%nodefaultctor se_request;
%nodefaultctor se_webhook;
%nodefaultctor se_callback;

typedef struct se_client {} se_client;
typedef struct se_batch {} se_batch;
typedef struct se_response {} se_response;
typedef struct se_webhook {} se_webhook;
typedef struct se_callback {} se_callback;

%extend se_client {
    ~se_client() { se_client_free($self); }
}
%extend se_batch {
    ~se_batch() { se_batch_free($self); }
}
%extend se_response {
    ~se_response() { se_response_free($self); }
}
%extend se_webhook {
    ~se_webhook() { se_webhook_free($self); }
}
%extend se_callback {
    ~se_callback() { se_callback_free($self); }
}

%delobject se_client_free;
%delobject se_batch_free;
%delobject se_response_free;
%delobject se_webhook_free;
%delobject se_callback_free;

/* ---- not wrapped ---------------------------------------------------------- */

/* a raw function pointer across languages: each binding logs its own way */
%ignore se_client_set_logger;
%ignore se_log_fn;
/* a pointer owned by the batch: se_batch_take hands out owned responses */
%ignore se_batch_response;
/* dotted-path field lookup: the bindings parse the whole body instead */
%ignore se_response_get;
/* the C-only JSON builder: dicts and tables play its role */
%ignore se_request_new;
%ignore se_request_free;
%ignore se_request_set_string;
%ignore se_request_set_int;
%ignore se_request_set_number;
%ignore se_request_set_bool;
%ignore se_request_set_json;
%ignore se_request_remove;
%ignore se_request_json;
/* process-wide init happens inside se_client_new */
%ignore se_global_init;
/* streaming batches (se_batch_start ... se_batch_close): for event loops; no binding drives
 * them yet (asyncio and the command's streaming are later issues) */
%ignore se_batch_start;
%ignore se_batch_fd;
%ignore se_batch_next;
%ignore se_batch_pending;
%ignore se_batch_close;
%ignore se_batch_attach;
%ignore se_batch_step;
/* a raw function pointer and arrays of strings: each language file wraps verification in one
 * call of its own (webhook_verify), its nonce hook calling back into the language */
%ignore se_webhook_verify;
%ignore se_webhook_set_nonce_hook;
%ignore se_nonce_fn;

/* ---- se_status: a failure raises ------------------------------------------ */

%typemap(out) se_status {
    if ($1 != SE_OK) {
        SEI_BIND_RAISE($1, se_last_error(), NULL);
        SWIG_fail;
    }
    SEI_BIND_VOID();
}

/* se_response_status reports a status; it does not fail */
%apply int { se_status se_response_status };
/* se_response_sent: a delivery state (se_sent_name gives its word) */
%apply int { se_sent se_response_sent };

/* se_batch_add: an invalid item is added (its response says why); only
 * NOMEM / MISUSE are errors of the call itself. */
%typemap(out) se_status se_batch_add, se_status se_batch_add_within {
    if ($1 != SE_OK && $1 != SE_E_INVALID) {
        SEI_BIND_RAISE($1, se_last_error(), NULL);
        SWIG_fail;
    }
    SEI_BIND_VOID();
}

/* se_batch_run: per-request failures live in each response. */
%typemap(out) se_status se_batch_run {
    if ($1 == SE_E_MISUSE || $1 == SE_E_NOMEM) {
        SEI_BIND_RAISE($1, se_last_error(), NULL);
        SWIG_fail;
    }
    SEI_BIND_VOID();
}

/* se_send / se_batch_take: the status is checked together with the response
 * output (argout below), so that a failure carries its response. */
%typemap(out) se_status se_send, se_status se_send_within, se_status se_batch_take "";

/* ---- outputs ---------------------------------------------------------------- */

%typemap(in, numinputs = 0) se_client **out (se_client *tmp = NULL) "$1 = &tmp;";
%typemap(argout) se_client **out {
    SEI_BIND_OUT_OWNED(*$1, $*1_descriptor);
    *$1 = NULL;
}
%typemap(freearg) se_client **out "se_client_free(*$1);";

%typemap(in, numinputs = 0) se_batch **out (se_batch *tmp = NULL) "$1 = &tmp;";
%typemap(argout) se_batch **out {
    SEI_BIND_OUT_OWNED(*$1, $*1_descriptor);
    *$1 = NULL;
}
%typemap(freearg) se_batch **out "se_batch_free(*$1);";

%typemap(in, numinputs = 0) se_webhook **out (se_webhook *tmp = NULL) "$1 = &tmp;";
%typemap(argout) se_webhook **out {
    SEI_BIND_OUT_OWNED(*$1, $*1_descriptor);
    *$1 = NULL;
}
%typemap(freearg) se_webhook **out "se_webhook_free(*$1);";

%typemap(in, numinputs = 0) se_callback **out (se_callback *tmp = NULL) "$1 = &tmp;";
%typemap(argout) se_callback **out {
    SEI_BIND_OUT_OWNED(*$1, $*1_descriptor);
    *$1 = NULL;
}
%typemap(freearg) se_callback **out "se_callback_free(*$1);";

/* se_callback_json's text: copied (nil/None when there is no such field), then se_free'd */
%typemap(in, numinputs = 0) char **json_out (char *tmp = NULL) "$1 = &tmp;";
%typemap(argout) char **json_out {
    SEI_BIND_OUT_STRING(*$1, *$1 ? strlen(*$1) : 0);
}
%typemap(freearg) char **json_out "se_free(*$1);";
%apply char **json_out { char **out };

/* A response for every outcome: on success it is the result, on failure the
 * hook gets it with the error. `result` is the wrapper's status variable. */
%typemap(in, numinputs = 0) se_response **out (se_response *tmp = NULL) "$1 = &tmp;";
%typemap(argout) se_response **out {
    if (result != SE_OK) {
        se_response *failed = *$1;
        *$1 = NULL;
        SEI_BIND_RAISE(result, failed && se_response_error_message(failed)
                                  ? se_response_error_message(failed) : se_last_error(),
                      failed);
        SWIG_fail;
    }
    SEI_BIND_OUT_RESPONSE(*$1);
    *$1 = NULL;
}
%typemap(freearg) se_response **out "se_response_free(*$1);";

/* se_prepare's text: copied, then released with se_free */
%typemap(in, numinputs = 0) char **http_out (char *tmp = NULL) "$1 = &tmp;";
%typemap(argout) char **http_out {
    SEI_BIND_OUT_STRING(*$1, *$1 ? strlen(*$1) : 0);
}
%typemap(freearg) char **http_out "se_free(*$1);";

/* se_response_header_at, se_callback_field_at: name and value are borrowed from the response
 * or callback, copied */
%typemap(in, numinputs = 0) const char **name (const char *tmp = NULL), const char **value (const char *tmp = NULL) "$1 = ($1_ltype)&tmp;";
%typemap(argout) const char **name, const char **value {
    SEI_BIND_OUT_STRING(*$1, *$1 ? strlen(*$1) : 0);
}

/* the body may hold NUL bytes: use its length */
%typemap(out) const char *se_response_body {
    SEI_BIND_OUT_BYTES($1, se_response_body_len(arg1));
}

/* ---- the API ------------------------------------------------------------------ */

%include "sendevent/common.h"
%include "sendevent/version.h"
%include "sendevent/response.h"
%include "sendevent/client.h"
%include "sendevent/batch.h"
%include "sendevent/webhook.h"

/* ---- the listing: static, read-only descriptions (never owned, never freed) -- */

%nodefaultctor se_provider_info;
%nodefaultdtor se_provider_info;
%nodefaultctor se_operation_info;
%nodefaultdtor se_operation_info;
%nodefaultctor se_option_info;
%nodefaultdtor se_option_info;
%nodefaultctor se_field_info;
%nodefaultdtor se_field_info;
%immutable;
%include "sendevent/listing.h"
%mutable;
