/*
 * bindings/python/sendevent_python.i - the Python extension module
 * sendevent._swig (its C half compiled as sendevent._sendevent with libcore's
 * sources by setup.py). The Pythonic API is python/sendevent/__init__.py; this module is
 * its low-level half: the C calls, one owned object per C handle, and a
 * failing status raised as the exception the package's factory builds.
 *
 * Threads: built with `swig -threads`; the GIL is released only around the
 * calls that can block (network, connection shutdown). The cheap accessors
 * keep it, which is faster than dropping and retaking it for each field.
 *
 * Ctrl-C: send() and batch_run_take() (the package's send and send_many) are
 * written here rather than generated, so that a SIGINT arriving while the main
 * thread waits in C, GIL released, cancels the call (se_client_cancel /
 * se_batch_cancel) and surfaces as KeyboardInterrupt at once ("Ctrl-C" below).
 */
%module(package = "sendevent",
        docstring = "Low-level SWIG wrapper of libsendevent; use the sendevent package instead.") _swig

%feature("autodoc", "0");

/* GIL: held by default, released around every call that can block. */
%nothread;
%thread se_send;
%thread se_send_within;
%thread se_batch_run;
%thread se_client_free;
%thread se_batch_free;
%thread se_client::~se_client;
%thread se_batch::~se_batch;

%{
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

#include "scan.h"    /* libcore's word-at-a-time scan */
#include "summary.h" /* the failure summary and option numbers, as every face writes them */
#include "sendevent/sendevent.h"

/* sendevent._make_error(status: int, message: str, response) -> Exception,
 * installed by the package at import (se_py_set_error_factory). */
static PyObject *se_py_error_factory = NULL;

static PyObject *se_py_text(const char *s, size_t n) {
    if (!s)
        Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)n, "replace");
}

/* Raises the package's exception for `status`; takes ownership of `resp`. */
static void se_py_raise(se_status status, const char *message, se_response *resp);

#define SE_BIND_RAISE(status, message, response) se_py_raise((status), (message), (response))
#define SE_BIND_VOID() (resultobj = SWIG_Py_Void())
#define SE_BIND_OUT_OWNED(ptr, descriptor)                                                          \
    (resultobj = SWIG_Python_AppendOutput(resultobj,                                                \
                                          SWIG_NewPointerObj((ptr), (descriptor), SWIG_POINTER_OWN)))
/* Responses are handed out as bare SWIG objects, without a proxy-class instance: the package
 * wraps each in its own Response, and a bare object is cheaper to make and to pass back. */
#define SE_BIND_OUT_RESPONSE(response)                                                              \
    (resultobj = SWIG_Python_AppendOutput(                                                          \
         resultobj, SWIG_NewPointerObj((response), SWIGTYPE_p_se_response,                          \
                                       SWIG_POINTER_OWN | SWIG_POINTER_NOSHADOW)))
#define SE_BIND_OUT_STRING(str, len)                                                                \
    (resultobj = SWIG_Python_AppendOutput(resultobj, se_py_text((str), (len))))
#define SE_BIND_OUT_BYTES(str, len)                                                                 \
    (resultobj = SWIG_Python_AppendOutput(                                                          \
         resultobj, PyBytes_FromStringAndSize((str) ? (str) : "", (Py_ssize_t)(len))))

/* The JSON text of a request given as str or bytes, borrowed from `obj` (the caller keeps it
 * alive). A str's UTF-8 form is cached by CPython, so nothing is copied. NULL with a Python
 * error set when obj is neither or the text holds a NUL (C would stop there). One function for
 * the request_json typemap and se_py_batch_add_all, so both accept and reject the same bodies. */
static const char *se_py_request_text(PyObject *obj) {
    const char *s;
    Py_ssize_t len = 0;
    if (PyUnicode_Check(obj)) {
        s = PyUnicode_AsUTF8AndSize(obj, &len);
        if (!s) { /* a lone surrogate has no UTF-8 form */
            PyErr_Clear();
            se_py_raise(SE_E_INVALID, "request: not valid Unicode (a lone surrogate)", NULL);
            return NULL;
        }
    } else if (PyBytes_Check(obj)) {
        char *p = NULL;
        if (PyBytes_AsStringAndSize(obj, &p, &len) < 0)
            return NULL;
        s = p;
    } else {
        PyErr_Format(PyExc_TypeError, "request JSON must be str or bytes, not %.100s",
                     Py_TYPE(obj)->tp_name);
        return NULL;
    }
    if (strlen(s) != (size_t)len) {
        char msg[128];
        snprintf(msg, sizeof msg, "request: request JSON contains a NUL character (byte %zu)",
                 strlen(s));
        se_py_raise(SE_E_INVALID, msg, NULL); /* C would see the text cut there */
        return NULL;
    }
    return s;
}

/* The UTF-8 text of a str argument that names something (operation, provider, option key or
 * value), borrowed from obj; NULL with the error set. A NUL would cut the name in C, a lone
 * surrogate has no UTF-8 form: both raise ValidationError naming the argument, never truncate.
 * None gives NULL with no error when none_ok (an option value: its default). */
static const char *se_py_name_arg(PyObject *obj, const char *what, int none_ok) {
    Py_ssize_t len = 0;
    const char *s;
    char msg[160];
    if (obj == Py_None && none_ok)
        return NULL;
    if (!PyUnicode_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be str, not %.100s", what, Py_TYPE(obj)->tp_name);
        return NULL;
    }
    s = PyUnicode_AsUTF8AndSize(obj, &len);
    if (!s) {
        PyErr_Clear();
        snprintf(msg, sizeof msg, "%s: not valid Unicode (a lone surrogate)", what);
        se_py_raise(SE_E_INVALID, msg, NULL);
        return NULL;
    }
    if (strlen(s) != (size_t)len) {
        snprintf(msg, sizeof msg, "%s: contains a NUL character (byte %zu)", what, strlen(s));
        se_py_raise(SE_E_INVALID, msg, NULL);
        return NULL;
    }
    return s;
}
%}

/* Requests arrive as str (or bytes) of JSON: se_py_request_text above. */
%typemap(in) const char *request_json {
    $1 = (char *)se_py_request_text($input);
    if (!$1)
        SWIG_fail;
}

/* Names are whole or refused: se_py_name_arg above. */
%typemap(in) const char *operation {
    $1 = (char *)se_py_name_arg($input, "operation", 0);
    if (!$1)
        SWIG_fail;
}
%typemap(in) const char *provider {
    $1 = (char *)se_py_name_arg($input, "provider", 0);
    if (!$1)
        SWIG_fail;
}
%typemap(in) const char *key {
    $1 = (char *)se_py_name_arg($input, "option name", 0);
    if (!$1)
        SWIG_fail;
}
%typemap(in) const char *value {
    /* only se_client_set has a `value`: its key (arg2, converted first) names it */
    $1 = (char *)se_py_name_arg($input, arg2 ? arg2 : "value", 1);
    if (!$1 && PyErr_Occurred())
        SWIG_fail;
}

%include "../sendevent.i"

%{
/* A new object owning `resp`: the bare SWIG object se_send / se_batch_take return. On NULL
 * (out of memory; a Python error is set) resp is lost: a leak there beats a double free. (Making
 * the object unowned and marking it owned afterwards is no way out: SWIG 4.1 owned objects hold
 * a reference to the module capsule, taken only at creation and dropped at destruction.) */
static PyObject *se_py_response_object(se_response *resp) {
    return SWIG_NewPointerObj(resp, SWIGTYPE_p_se_response, SWIG_POINTER_OWN | SWIG_POINTER_NOSHADOW);
}

static void se_py_raise(se_status status, const char *message, se_response *resp) {
    PyObject *text, *py_resp, *exc;
    if (!message)
        message = se_strerror(status);
    if (!se_py_error_factory) {
        /* message may point into resp (the se_response **out typemap): format, then free */
        PyErr_Format(PyExc_RuntimeError, "sendevent: %s: %s", se_status_name(status), message);
        se_response_free(resp);
        return;
    }
    text = PyUnicode_DecodeUTF8(message, (Py_ssize_t)strlen(message), "replace");
    if (!text) {
        se_response_free(resp);
        return;
    }
    if (resp) {
        py_resp = se_py_response_object(resp); /* resp is not ours after a failure */
        if (!py_resp) {
            Py_DECREF(text);
            return;
        }
    } else {
        Py_INCREF(Py_None);
        py_resp = Py_None;
    }
    exc = PyObject_CallFunction(se_py_error_factory, "iOO", (int)status, text, py_resp);
    Py_DECREF(text);
    Py_DECREF(py_resp);
    if (!exc)
        return; /* the factory raised; keep its error */
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc); /* does not steal exc */
    Py_DECREF(exc);
}
%}

%rename(set_error_factory) se_py_set_error_factory;
%inline %{
/* Installs the callable that builds exceptions: factory(status, message, response). */
static PyObject *se_py_set_error_factory(PyObject *factory) {
    if (factory != Py_None && !PyCallable_Check(factory)) {
        PyErr_SetString(PyExc_TypeError, "factory must be callable or None");
        return NULL;
    }
    Py_XDECREF(se_py_error_factory);
    se_py_error_factory = NULL;
    if (factory != Py_None) {
        Py_INCREF(factory);
        se_py_error_factory = factory;
    }
    Py_RETURN_NONE;
}
%}

%{
/* ---- texts shared with the other faces (libcore/src/summary.h) --------------------------- */

/* The UTF-8 form of str `obj` (lone surrogates passed through, so that any str survives the
 * trip), or NULL for None or when not a str. A new bytes object in *keep. */
static const char *sei_py_utf8(PyObject *obj, PyObject **keep) {
    *keep = NULL;
    if (obj == Py_None || !PyUnicode_Check(obj))
        return NULL;
    *keep = PyUnicode_AsEncodedString(obj, "utf-8", "surrogatepass");
    if (!*keep) {
        PyErr_Clear();
        return NULL;
    }
    return PyBytes_AS_STRING(*keep);
}

/* ---- logging ------------------------------------------------------------------------------
 * Every client logs through se_client_set_logger, so Python prints the lines the command line
 * tool and Lua print, to logging.getLogger("sendevent"). The callback runs on the sending
 * thread, which has released the GIL, or on an engine thread. A level that logger does not emit
 * is dropped by the library before it is formatted (sei_client_set_log_threshold), so logging
 * that is off costs nothing; sei_py_log_refresh keeps that threshold, under the GIL, before each
 * call that can log. Until the application imports logging nothing could emit, and logging is
 * not imported for it. */
static PyObject *sei_py_logger;      /* logging.getLogger("sendevent"), once logging is loaded */
static atomic_int sei_py_log_min = 3; /* the lowest C level the logger emits; 3: none */

static void sei_py_log_refresh(void) {
    static PyObject *logging_name, *is_enabled, *debug, *info;
    int min = 3;
    if (!sei_py_logger) { /* looked up in sys.modules, never imported for this */
        if (!logging_name && !(logging_name = PyUnicode_InternFromString("logging"))) {
            PyErr_Clear();
            goto done;
        }
        PyObject *logging = PyDict_GetItemWithError(PyImport_GetModuleDict(), logging_name);
        if (!logging) {
            PyErr_Clear();
            goto done;
        }
        sei_py_logger = PyObject_CallMethod(logging, "getLogger", "s", "sendevent");
        is_enabled = PyUnicode_InternFromString("isEnabledFor");
        debug = PyLong_FromLong(10);
        info = PyLong_FromLong(20);
        if (!sei_py_logger || !is_enabled || !debug || !info) {
            PyErr_Clear();
            Py_CLEAR(sei_py_logger);
            goto done;
        }
    }
    for (int level = 0; level < 2 && min == 3; level++) {
        PyObject *yes = PyObject_CallMethodOneArg(sei_py_logger, is_enabled, level ? info : debug);
        if (!yes)
            PyErr_Clear();
        else if (PyObject_IsTrue(yes) == 1)
            min = level;
        Py_XDECREF(yes);
    }
done:
    atomic_store_explicit(&sei_py_log_min, min, memory_order_relaxed);
}

/* se_log_fn: one line to the "sendevent" logger; C levels 0, 1, 2 are DEBUG, INFO, WARNING. */
static void sei_py_log(int level, const char *message, void *userdata) {
    (void)userdata;
    if (level < atomic_load_explicit(&sei_py_log_min, memory_order_relaxed))
        return;
    PyGILState_STATE gil = PyGILState_Ensure();
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb); /* a caller's pending error is not ours to lose */
    PyObject *text = PyUnicode_DecodeUTF8(message, (Py_ssize_t)strlen(message), "replace");
    PyObject *done = text && sei_py_logger
                         ? PyObject_CallMethod(sei_py_logger, "log", "iO",
                                               level >= 2 ? 30 : level == 1 ? 20 : 10, text)
                         : NULL;
    Py_XDECREF(text);
    Py_XDECREF(done);
    PyErr_Clear();
    PyErr_Restore(type, value, tb);
    PyGILState_Release(gil);
}
%}

%rename(error_summary) sei_py_error_summary;
%rename(number_text) sei_py_number_text;
%rename(install_logger) sei_py_install_logger;
%inline %{
/* sei_error_summary for str(Error): status and message are str; provider_code and request_id
 * str or None. */
static PyObject *sei_py_error_summary(PyObject *status, PyObject *message, long http_status,
                                      PyObject *provider_code, PyObject *request_id) {
    PyObject *keep[4], *result = NULL;
    const char *st = sei_py_utf8(status, &keep[0]), *msg = sei_py_utf8(message, &keep[1]);
    const char *code = sei_py_utf8(provider_code, &keep[2]);
    const char *rid = sei_py_utf8(request_id, &keep[3]);
    char *text = sei_error_summary(st, msg, http_status, code, rid);
    if (text)
        result = PyUnicode_DecodeUTF8(text, (Py_ssize_t)strlen(text), "surrogatepass");
    else
        PyErr_NoMemory();
    free(text);
    for (int i = 0; i < 4; i++)
        Py_XDECREF(keep[i]);
    return result;
}

/* sei_number_text: a float option's text. */
static PyObject *sei_py_number_text(double value) {
    char text[SEI_NUMBER_TEXT_MAX];
    return PyUnicode_FromString(sei_number_text(value, text));
}

/* Makes the client log through sei_py_log (once, as it is made: before it is shared). */
static PyObject *sei_py_install_logger(se_client *client) {
    if (se_client_set_logger(client, sei_py_log, NULL) != SE_OK) {
        se_py_raise(SE_E_MISUSE, "install_logger: client is NULL", NULL);
        return NULL;
    }
    sei_client_set_log_threshold(client, &sei_py_log_min); /* off: not even formatted */
    Py_RETURN_NONE;
}
%}

%{
/* ---- requests as JSON, written in C ------------------------------------------------------
 * send_many spent more on json.dumps than on anything else of its own. This writes the same
 * text JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False) writes, for the
 * shapes requests have: exact dict (str keys), list, tuple, str, int, float, bool, None. It
 * declines anything else (a subclass, another key type, NaN, a string that is not valid
 * Unicode, nesting deeper than 64), and the caller then goes through the Python encoder, which
 * encodes it or raises the error naming the request. */
typedef struct se_py_json {
    char *data;
    size_t len, cap;
} se_py_json;

/* Room for n more bytes and the final NUL. */
static int se_py_json_reserve(se_py_json *b, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 512;
        char *p;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (!(p = realloc(b->data, cap)))
            return 0;
        b->data = p;
        b->cap = cap;
    }
    return 1;
}

static int se_py_json_put(se_py_json *b, const char *s, size_t n) {
    if (!se_py_json_reserve(b, n))
        return 0;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 1;
}

/* One character of JSON punctuation. */
static int se_py_json_char(se_py_json *b, char c) {
    if (!se_py_json_reserve(b, 1))
        return 0;
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
    return 1;
}

/* A str as a JSON string: the escapes json writes with ensure_ascii=False. */
static int se_py_json_string(se_py_json *b, PyObject *str) {
    static const char hex[] = "0123456789abcdef";
    Py_ssize_t n = 0;
    const unsigned char *s = (const unsigned char *)PyUnicode_AsUTF8AndSize(str, &n);
    if (!s) { /* lone surrogates: json's text would not encode either */
        PyErr_Clear();
        return 0;
    }
    if (!se_py_json_reserve(b, (size_t)n * 6 + 2)) /* every byte escaped, at worst */
        return 0;
    char *w = b->data + b->len;
    *w++ = '"';
    for (const unsigned char *p = s, *end = s + n; p < end;) {
        size_t run = se_scan_plain(p, (size_t)(end - p), '"', '\\'); /* copied as it is */
        memcpy(w, p, run);
        w += run;
        p += run;
        if (p == end)
            break;
        unsigned char c = *p++;
        *w++ = '\\';
        switch (c) {
        case '"': *w++ = '"'; break;
        case '\\': *w++ = '\\'; break;
        case '\n': *w++ = 'n'; break;
        case '\r': *w++ = 'r'; break;
        case '\t': *w++ = 't'; break;
        case '\b': *w++ = 'b'; break;
        case '\f': *w++ = 'f'; break;
        default:
            memcpy(w, "u00", 3);
            w[3] = hex[c >> 4];
            w[4] = hex[c & 15];
            w += 5;
        }
    }
    *w++ = '"';
    *w = '\0';
    b->len = (size_t)(w - b->data);
    return 1;
}

/* 1 when v was written; 0 when declined (no Python error left set). */
static int se_py_json_value(se_py_json *b, PyObject *v, int depth) {
    if (v == Py_None)
        return se_py_json_put(b, "null", 4);
    if (v == Py_True)
        return se_py_json_put(b, "true", 4);
    if (v == Py_False)
        return se_py_json_put(b, "false", 5);
    if (PyUnicode_CheckExact(v))
        return se_py_json_string(b, v);
    if (PyLong_CheckExact(v)) {
        int overflow = 0;
        long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
        if (!overflow) {
            char digits[24], *d = digits + sizeof digits;
            unsigned long long u = x < 0 ? 0ULL - (unsigned long long)x : (unsigned long long)x;
            do
                *--d = (char)('0' + u % 10);
            while (u /= 10);
            if (x < 0)
                *--d = '-';
            return se_py_json_put(b, d, (size_t)(digits + sizeof digits - d));
        }
        PyObject *text = PyLong_Type.tp_repr(v); /* what json writes for a big int */
        Py_ssize_t n = 0;
        const char *s = text ? PyUnicode_AsUTF8AndSize(text, &n) : NULL;
        int ok = s && se_py_json_put(b, s, (size_t)n);
        Py_XDECREF(text);
        if (!ok)
            PyErr_Clear();
        return ok;
    }
    if (PyFloat_CheckExact(v)) {
        double d = PyFloat_AS_DOUBLE(v);
        if (!isfinite(d))
            return 0; /* allow_nan=False: the Python encoder raises */
        char *r = PyOS_double_to_string(d, 'r', 0, Py_DTSF_ADD_DOT_0, NULL); /* float.__repr__ */
        int ok = r && se_py_json_put(b, r, strlen(r));
        PyMem_Free(r);
        if (!r)
            PyErr_Clear();
        return ok;
    }
    if (depth >= 64)
        return 0;
    if (PyDict_CheckExact(v)) {
        Py_ssize_t pos = 0;
        PyObject *key, *value;
        int first = 1;
        if (!se_py_json_char(b, '{'))
            return 0;
        while (PyDict_Next(v, &pos, &key, &value)) {
            if (!PyUnicode_CheckExact(key) || (!first && !se_py_json_char(b, ',')) ||
                !se_py_json_string(b, key) || !se_py_json_char(b, ':') ||
                !se_py_json_value(b, value, depth + 1))
                return 0;
            first = 0;
        }
        return se_py_json_char(b, '}');
    }
    if (PyList_CheckExact(v) || PyTuple_CheckExact(v)) {
        Py_ssize_t n = PySequence_Fast_GET_SIZE(v);
        if (!se_py_json_char(b, '['))
            return 0;
        for (Py_ssize_t i = 0; i < n; i++)
            if ((i && !se_py_json_char(b, ',')) ||
                !se_py_json_value(b, PySequence_Fast_GET_ITEM(v, i), depth + 1))
                return 0;
        return se_py_json_char(b, ']');
    }
    return 0;
}
%}

/* send_many (python/sendevent/__init__.py) adds and takes a whole list in one call each instead
 * of one SWIG call per request: that saves the argument parsing and the result wrapping of
 * 2 x N wrapper calls. Public C API only. Both keep the GIL (%nothread above): they do not
 * block; se_batch_run, which does, releases it. */
/* the helpers' deadline argument is optional: 0, the client's deadline option */
%typemap(default) double deadline "$1 = 0.0;";

%rename(batch_add_all) se_py_batch_add_all;
%rename(json_text) se_py_json_text;
%rename(batch_take_all) se_py_batch_take_all;
%inline %{
/* se_batch_add(batch, operation, request) for each item of the list `requests`, in order (with
 * a deadline > 0: se_batch_add_within, each request's own, from the moment it is added): str
 * and bytes are JSON text, exact dicts are written by se_py_json_value, and anything else (or a
 * dict it declines) is `encode(index, item)`, which returns the text or raises naming the item.
 * An invalid request is added (its response says why; it is never sent); an encoding error,
 * NOMEM or MISUSE raise at that item, the items before it staying added (the caller frees the
 * batch, unrun). */
static PyObject *se_py_batch_add_all(se_batch *batch, const char *operation, PyObject *requests,
                                     PyObject *encode, double deadline) {
    se_py_json json = {NULL, 0, 0};
    PyObject *result = NULL;
    sei_py_log_refresh(); /* an invalid request logs as it is added */
    if (!PyList_Check(requests)) {
        PyErr_Format(PyExc_TypeError, "requests must be a list, not %.100s",
                     Py_TYPE(requests)->tp_name);
        return NULL;
    }
    /* the size is read again each turn: encode() runs Python code, which could change the list */
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(requests); i++) {
        PyObject *item = PyList_GET_ITEM(requests, i), *encoded = NULL;
        const char *text = NULL;
        se_status st;
        Py_INCREF(item);
        if (PyUnicode_Check(item) || PyBytes_Check(item)) {
            text = se_py_request_text(item);
        } else {
            json.len = 0;
            if (PyDict_CheckExact(item) && se_py_json_value(&json, item, 0))
                text = json.data;
            else if ((encoded = PyObject_CallFunction(encode, "nO", i, item)))
                text = se_py_request_text(encoded);
        }
        st = !text ? SE_OK
             : deadline > 0 ? se_batch_add_within(batch, operation, text, deadline)
                            : se_batch_add(batch, operation, text);
        Py_XDECREF(encoded);
        Py_DECREF(item);
        if (!text)
            goto done;
        if (st != SE_OK && st != SE_E_INVALID) {
            se_py_raise(st, se_last_error(), NULL);
            goto done;
        }
    }
    Py_INCREF(Py_None);
    result = Py_None;
done:
    free(json.data);
    return result;
}

/* The JSON text of a request dict written by se_py_json_value, or None when it declines (the
 * caller then uses the Python encoder). */
static PyObject *se_py_json_text(PyObject *obj) {
    se_py_json json = {NULL, 0, 0};
    PyObject *text;
    if (!PyDict_CheckExact(obj) || !se_py_json_value(&json, obj, 0)) {
        free(json.data);
        Py_RETURN_NONE;
    }
    text = PyUnicode_DecodeUTF8(json.data, (Py_ssize_t)json.len, "strict");
    free(json.data);
    return text;
}

/* se_batch_take for every request of a batch that has run: a list, in input order, of owned
 * response objects (the objects se_batch_take returns). A missing response (the batch has not
 * run, or one was taken already) raises SE_E_MISUSE; the responses taken until then are freed
 * with the list, the others with the batch. */
static PyObject *se_py_batch_take_all(se_batch *batch) {
    size_t i, n = se_batch_size(batch);
    PyObject *list;
    if (!batch) { /* se_batch_size(NULL) is 0: not an empty result */
        se_py_raise(SE_E_MISUSE, "batch_take_all: batch is NULL", NULL);
        return NULL;
    }
    list = PyList_New((Py_ssize_t)n);
    if (!list)
        return NULL;
    for (i = 0; i < n; i++) {
        se_response *resp = NULL;
        PyObject *obj;
        if (se_batch_take(batch, i, &resp) != SE_OK) { /* resp stays NULL */
            Py_DECREF(list); /* frees the responses in it; the empty slots are NULL */
            se_py_raise(SE_E_MISUSE, "batch_take_all: a response is missing (not run, or taken)",
                        NULL);
            return NULL;
        }
        obj = se_py_response_object(resp); /* resp is not ours after a failure */
        if (!obj) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, obj); /* steals obj */
    }
    return list;
}
%}

%{
/* ---- Ctrl-C ------------------------------------------------------------------------------
 * Python's own SIGINT handler only trips a flag that the main thread reads between bytecodes;
 * a main thread waiting in C (GIL released) on a hung server would not see it until the send
 * ended. So a blocking call made on the main thread while the Python-level SIGINT handler is
 * signal.default_int_handler (the one that raises KeyboardInterrupt) registers what it runs in
 * the atomics below, and a small C handler of ours, installed with sigaction in front of
 * Python's C-level handler, cancels it -- se_batch_cancel for send_many's batch,
 * se_client_cancel for send (both async-signal-safe) -- and then calls Python's handler, which
 * trips the flag; after the call PyErr_CheckSignals() raises the KeyboardInterrupt. Calls on
 * other threads, or with another Python-level handler (SIG_IGN, SIG_DFL, the application's
 * own), are left alone.
 *
 * Our handler stays installed between calls: with nothing registered it only calls Python's,
 * so nobody can tell the difference, and a call costs no system call (two sigaction calls per
 * send cost 10% of a sequential send here). What may replace it is the main thread's Python
 * code between calls (signal.signal: Python's handler comes back): seen at once when the
 * Python-level handler changes under our eyes, and otherwise checked with sigaction at most
 * every SE_PY_SIG_RECHECK seconds. Until then a Ctrl-C is Python's alone: the call is not
 * cancelled, the KeyboardInterrupt comes when it returns (as without this module). */
#define SE_PY_SIG_RECHECK 0.25
static _Atomic(se_client *) se_py_sig_client;
static _Atomic(se_batch *) se_py_sig_batch;
static atomic_int se_py_sig_fired;  /* our handler ran during this call */
static atomic_int se_py_sig_active; /* handlers in the cancelling part now (any thread) */
static struct sigaction se_py_sig_python; /* Python's C-level action, which ours calls */
/* main thread only (the GIL is held there): */
static int se_py_sig_installed;   /* ours is believed to be in place */
static int se_py_sig_dirty;       /* the Python-level handler was seen changing: check again */
static double se_py_sig_checked;  /* when sigaction was last asked */
static unsigned long se_py_main_ident;
static PyObject *se_py_getsignal, *se_py_default_int_handler, *se_py_sigint_number;

static void se_py_on_sigint(int sig, siginfo_t *info, void *ctx) {
    atomic_fetch_add(&se_py_sig_active, 1);
    se_batch *b = atomic_load(&se_py_sig_batch);
    se_client *c = atomic_load(&se_py_sig_client);
    if (b || c) {
        atomic_store(&se_py_sig_fired, 1);
        if (b)
            se_batch_cancel(b);
        else
            se_client_cancel(c);
    }
    atomic_fetch_sub(&se_py_sig_active, 1);
    if (se_py_sig_python.sa_flags & SA_SIGINFO)
        se_py_sig_python.sa_sigaction(sig, info, ctx);
    else if (se_py_sig_python.sa_handler != SIG_DFL && se_py_sig_python.sa_handler != SIG_IGN)
        se_py_sig_python.sa_handler(sig);
}

static int se_py_sig_is_ours(const struct sigaction *sa) {
    return (sa->sa_flags & SA_SIGINFO) && sa->sa_sigaction == se_py_on_sigint;
}

static double se_py_sig_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts); /* the vDSO's: no system call */
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Main thread, GIL held: makes sure ours is in front of Python's handler. 0 when it cannot
 * be (a C-level handler that is neither: not ours to chain from). */
static int se_py_sig_ensure(void) {
    struct sigaction cur, sa;
    if (sigaction(SIGINT, NULL, &cur) != 0)
        return 0;
    if (se_py_sig_is_ours(&cur))
        return 1;
    if (!(cur.sa_flags & SA_SIGINFO) && (cur.sa_handler == SIG_DFL || cur.sa_handler == SIG_IGN))
        return 0; /* not Python's handler after all */
    if (se_py_sig_installed &&
        ((cur.sa_flags & SA_SIGINFO) != (se_py_sig_python.sa_flags & SA_SIGINFO) ||
         cur.sa_handler != se_py_sig_python.sa_handler))
        return 0; /* neither ours nor the Python handler we saw before */
    se_py_sig_python = cur; /* written before ours can run */
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = se_py_on_sigint;
    sa.sa_flags = (cur.sa_flags & ~(SA_RESETHAND | SA_NODEFER)) | SA_SIGINFO;
    sa.sa_mask = cur.sa_mask;
    if (sigaction(SIGINT, &sa, NULL) != 0)
        return 0;
    se_py_sig_installed = 1;
    return 1;
}

/* GIL held. Registers a call on `c` (or on batch `b`) for our handler when it applies;
 * returns whether it did. */
static int se_py_sigint_enter(se_client *c, se_batch *b) {
    PyObject *h;
    int is_default;
    double now;
    if (!se_py_getsignal || PyThread_get_thread_ident() != se_py_main_ident)
        return 0;
    h = PyObject_CallOneArg(se_py_getsignal, se_py_sigint_number);
    if (!h) {
        PyErr_Clear();
        return 0;
    }
    is_default = h == se_py_default_int_handler;
    Py_DECREF(h);
    if (!is_default) {
        se_py_sig_dirty = 1; /* whoever set it may have put Python's C handler back */
        return 0;
    }
    now = se_py_sig_now();
    if (!se_py_sig_installed || se_py_sig_dirty || now - se_py_sig_checked > SE_PY_SIG_RECHECK) {
        se_py_sig_checked = now;
        se_py_sig_dirty = 0;
        if (!se_py_sig_ensure())
            return 0;
    }
    atomic_store(&se_py_sig_fired, 0);
    atomic_store(&se_py_sig_client, c);
    atomic_store(&se_py_sig_batch, b);
    return 1;
}

/* GIL held, after the call. Once it returns no handler of ours touches the client or batch any
 * more (it may then be freed). Returns whether our handler ran meanwhile. */
static int se_py_sigint_leave(void) {
    atomic_store(&se_py_sig_client, NULL);
    atomic_store(&se_py_sig_batch, NULL);
    while (atomic_load(&se_py_sig_active) > 0) /* a handler on another thread, finishing */
        ;
    return atomic_load(&se_py_sig_fired);
}
%}

%rename(set_sigint_hooks) se_py_set_sigint_hooks;
%rename(after_fork_child) se_py_after_fork_child;
%rename(send) se_py_send;
%rename(batch_run_take) se_py_batch_run_take;
%inline %{
/* Installed by the package at import: _signal.getsignal, _signal.default_int_handler,
 * _signal.SIGINT and the main thread's ident. */
static PyObject *se_py_set_sigint_hooks(PyObject *getsignal, PyObject *default_handler,
                                        PyObject *sigint, unsigned long main_ident) {
    if (!PyCallable_Check(getsignal)) {
        PyErr_SetString(PyExc_TypeError, "getsignal must be callable");
        return NULL;
    }
    Py_INCREF(getsignal);
    Py_INCREF(default_handler);
    Py_INCREF(sigint);
    Py_XSETREF(se_py_getsignal, getsignal);
    Py_XSETREF(se_py_default_int_handler, default_handler);
    Py_XSETREF(se_py_sigint_number, sigint);
    se_py_main_ident = main_ident;
    Py_RETURN_NONE;
}

/* os.register_at_fork(after_in_child=...): a fork made by another thread while the main thread
 * waited in a call leaves that call registered in the child, where it does not run; and the
 * forking thread is the child's main thread. */
static PyObject *se_py_after_fork_child(void) {
    atomic_store(&se_py_sig_client, NULL);
    atomic_store(&se_py_sig_batch, NULL);
    atomic_store(&se_py_sig_active, 0);
    se_py_main_ident = PyThread_get_thread_ident();
    Py_RETURN_NONE;
}

/* se_send (deadline <= 0) or se_send_within (deadline > 0), the GIL released, Ctrl-C cancelling
 * it: the response object, or the package's exception (KeyboardInterrupt after a Ctrl-C). */
static PyObject *se_py_send(se_client *client, const char *operation, PyObject *request,
                            double deadline) {
    const char *json = se_py_request_text(request);
    se_response *resp = NULL;
    se_status st;
    int guarded;
    if (!json)
        return NULL;
    sei_py_log_refresh();
    guarded = se_py_sigint_enter(client, NULL);
    Py_BEGIN_ALLOW_THREADS
    st = deadline > 0 ? se_send_within(client, operation, json, deadline, &resp)
                      : se_send(client, operation, json, &resp);
    Py_END_ALLOW_THREADS
    if (guarded) {
        se_py_sigint_leave();
        if (PyErr_CheckSignals() < 0) { /* KeyboardInterrupt (or what a handler raised) */
            se_response_free(resp);
            return NULL;
        }
    }
    if (st != SE_OK) {
        const char *msg = resp ? se_response_error_message(resp) : NULL;
        se_py_raise(st, msg ? msg : se_last_error(), resp);
        return NULL;
    }
    return se_py_response_object(resp);
}

/* se_batch_run (GIL released, Ctrl-C cancelling the batch), then se_py_batch_take_all. When a
 * signal handler raises afterwards (KeyboardInterrupt), the list of responses is attached to
 * the exception as `_sendevent_takes`, so the finished results are not lost. */
static PyObject *se_py_batch_run_take(se_batch *batch, int max_in_flight) {
    se_status st;
    PyObject *list;
    int guarded;
    sei_py_log_refresh();
    guarded = se_py_sigint_enter(NULL, batch);
    Py_BEGIN_ALLOW_THREADS
    st = se_batch_run(batch, max_in_flight);
    Py_END_ALLOW_THREADS
    if (guarded)
        se_py_sigint_leave();
    if (st == SE_E_MISUSE || st == SE_E_NOMEM) {
        se_py_raise(st, se_last_error(), NULL);
        return NULL;
    }
    list = se_py_batch_take_all(batch);
    if (list && guarded && PyErr_CheckSignals() < 0) {
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        PyErr_NormalizeException(&type, &value, &tb);
        if (value && PyObject_SetAttrString(value, "_sendevent_takes", list) < 0)
            PyErr_Clear();
        Py_DECREF(list);
        PyErr_Restore(type, value, tb);
        return NULL;
    }
    return list;
}
%}
