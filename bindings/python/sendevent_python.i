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
 * se_batch_cancel) and surfaces as KeyboardInterrupt at once (sigint.i).
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

#include "json.h"    /* libcore's JSON writer */
#include "scan.h"    /* libcore's word-at-a-time scan */
#include "logging.h" /* the log threshold a binding's logger sets */
#include "summary.h" /* the failure summary and option numbers, as every face writes them */
#include "util.h"    /* Retry-After, parsed as the engine parses it */
#include "sendevent/sendevent.h"

/* sendevent._make_error(status: int, message: str, response) -> Exception,
 * installed by the package at import (sei_py_set_error_factory). */
static PyObject *sei_py_error_factory = NULL;

static PyObject *sei_py_text(const char *s, size_t n) {
    if (!s)
        Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)n, "replace");
}

/* Raises the package's exception for `status`; takes ownership of `resp`. */
static void sei_py_raise(se_status status, const char *message, se_response *resp);

#define SEI_BIND_RAISE(status, message, response) sei_py_raise((status), (message), (response))
#define SEI_BIND_VOID() (resultobj = SWIG_Py_Void())
#define SEI_BIND_OUT_OWNED(ptr, descriptor)                                                          \
    (resultobj = SWIG_Python_AppendOutput(resultobj,                                                \
                                          SWIG_NewPointerObj((ptr), (descriptor), SWIG_POINTER_OWN)))
/* Responses are handed out as bare SWIG objects, without a proxy-class instance: the package
 * wraps each in its own Response, and a bare object is cheaper to make and to pass back. */
#define SEI_BIND_OUT_RESPONSE(response)                                                              \
    (resultobj = SWIG_Python_AppendOutput(                                                          \
         resultobj, SWIG_NewPointerObj((response), SWIGTYPE_p_se_response,                          \
                                       SWIG_POINTER_OWN | SWIG_POINTER_NOSHADOW)))
#define SEI_BIND_OUT_STRING(str, len)                                                                \
    (resultobj = SWIG_Python_AppendOutput(resultobj, sei_py_text((str), (len))))
#define SEI_BIND_OUT_BYTES(str, len)                                                                 \
    (resultobj = SWIG_Python_AppendOutput(                                                          \
         resultobj, PyBytes_FromStringAndSize((str) ? (str) : "", (Py_ssize_t)(len))))

/* The JSON text of a request given as str or bytes, borrowed from `obj` (the caller keeps it
 * alive). A str's UTF-8 form is cached by CPython, so nothing is copied. NULL with a Python
 * error set when obj is neither or the text holds a NUL (C would stop there). One function for
 * the request_json typemap and sei_py_batch_add_all, so both accept and reject the same bodies. */
static const char *sei_py_request_text(PyObject *obj) {
    const char *s;
    Py_ssize_t len = 0;
    if (PyUnicode_Check(obj)) {
        s = PyUnicode_AsUTF8AndSize(obj, &len);
        if (!s) { /* a lone surrogate has no UTF-8 form */
            PyErr_Clear();
            sei_py_raise(SE_E_INVALID, "request: not valid Unicode (a lone surrogate)", NULL);
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
        sei_py_raise(SE_E_INVALID, msg, NULL); /* C would see the text cut there */
        return NULL;
    }
    return s;
}

/* The UTF-8 text of a str argument that names something (operation, provider, option key or
 * value), borrowed from obj; NULL with the error set. A NUL would cut the name in C, a lone
 * surrogate has no UTF-8 form: both raise ValidationError naming the argument, never truncate.
 * None gives NULL with no error when none_ok (an option value: its default). */
static const char *sei_py_name_arg(PyObject *obj, const char *what, int none_ok) {
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
        sei_py_raise(SE_E_INVALID, msg, NULL);
        return NULL;
    }
    if (strlen(s) != (size_t)len) {
        snprintf(msg, sizeof msg, "%s: contains a NUL character (byte %zu)", what, strlen(s));
        sei_py_raise(SE_E_INVALID, msg, NULL);
        return NULL;
    }
    return s;
}
%}

/* Requests arrive as str (or bytes) of JSON: sei_py_request_text above. */
%typemap(in) const char *request_json {
    $1 = (char *)sei_py_request_text($input);
    if (!$1)
        SWIG_fail;
}

/* Names are whole or refused: sei_py_name_arg above. */
%typemap(in) const char *operation {
    $1 = (char *)sei_py_name_arg($input, "operation", 0);
    if (!$1)
        SWIG_fail;
}
%typemap(in) const char *provider {
    $1 = (char *)sei_py_name_arg($input, "provider", 0);
    if (!$1)
        SWIG_fail;
}
%typemap(in) const char *key {
    $1 = (char *)sei_py_name_arg($input, "option name", 0);
    if (!$1)
        SWIG_fail;
}
%typemap(in) const char *value {
    /* only se_client_set has a `value`: its key (arg2, converted first) names it */
    $1 = (char *)sei_py_name_arg($input, arg2 ? arg2 : "value", 1);
    if (!$1 && PyErr_Occurred())
        SWIG_fail;
}

/* A callback body: bytes-like (bytes, bytearray, memoryview) or str (its UTF-8). */
%typemap(in) (const char *body, size_t body_len) (Py_buffer view, int got_view = 0) {
    if (PyUnicode_Check($input)) {
        Py_ssize_t n = 0;
        $1 = (char *)PyUnicode_AsUTF8AndSize($input, &n);
        if (!$1)
            SWIG_fail;
        $2 = (size_t)n;
    } else {
        if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) < 0)
            SWIG_fail;
        got_view = 1;
        $1 = (char *)view.buf;
        $2 = (size_t)view.len;
    }
}
%typemap(freearg) (const char *body, size_t body_len) {
    if (got_view$argnum)
        PyBuffer_Release(&view$argnum);
}

%include "../sendevent.i"

%{
/* A new object owning `resp`: the bare SWIG object se_send / se_batch_take return. On NULL
 * (out of memory; a Python error is set) resp is lost: a leak there beats a double free. (Making
 * the object unowned and marking it owned afterwards is no way out: SWIG 4.1 owned objects hold
 * a reference to the module capsule, taken only at creation and dropped at destruction.) */
static PyObject *sei_py_response_object(se_response *resp) {
    return SWIG_NewPointerObj(resp, SWIGTYPE_p_se_response, SWIG_POINTER_OWN | SWIG_POINTER_NOSHADOW);
}

static void sei_py_raise(se_status status, const char *message, se_response *resp) {
    PyObject *text, *py_resp, *exc;
    if (!message)
        message = se_strerror(status);
    if (!sei_py_error_factory) {
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
        py_resp = sei_py_response_object(resp); /* resp is not ours after a failure */
        if (!py_resp) {
            Py_DECREF(text);
            return;
        }
    } else {
        Py_INCREF(Py_None);
        py_resp = Py_None;
    }
    exc = PyObject_CallFunction(sei_py_error_factory, "iOO", (int)status, text, py_resp);
    Py_DECREF(text);
    Py_DECREF(py_resp);
    if (!exc)
        return; /* the factory raised; keep its error */
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc); /* does not steal exc */
    Py_DECREF(exc);
}
%}

%rename(set_error_factory) sei_py_set_error_factory;
%inline %{
/* Installs the callable that builds exceptions: factory(status, message, response). */
static PyObject *sei_py_set_error_factory(PyObject *factory) {
    if (factory != Py_None && !PyCallable_Check(factory)) {
        PyErr_SetString(PyExc_TypeError, "factory must be callable or None");
        return NULL;
    }
    Py_XDECREF(sei_py_error_factory);
    sei_py_error_factory = NULL;
    if (factory != Py_None) {
        Py_INCREF(factory);
        sei_py_error_factory = factory;
    }
    Py_RETURN_NONE;
}
%}

/* the texts every face shares (the failure summary, option numbers) and the C logger */
%include "logging.i"

%{
/* ---- requests as JSON, written in C ------------------------------------------------------
 * send_many spent more on json.dumps than on anything else of its own. This walk writes, with
 * libcore's JSON writer, the same text JSONEncoder(separators=(",", ":"), ensure_ascii=False,
 * allow_nan=False) writes, for the shapes requests have: exact dict (str keys), list, tuple,
 * str, int, float, bool, None. It declines anything else (a subclass, another key type, NaN, a
 * string that is not valid Unicode, nesting deeper than SEI_PY_JSON_DEPTH), and the caller then
 * goes through the Python encoder, which encodes it or raises the error naming the request. */
#define SEI_PY_JSON_DEPTH 64 /* deeper: the Python encoder, whose text is the same */

/* A str's UTF-8 text, or NULL (no Python error left set) for lone surrogates, which json's
 * text would not encode either. */
static const char *sei_py_json_utf8(PyObject *str, Py_ssize_t *n) {
    const char *s = PyUnicode_AsUTF8AndSize(str, n);
    if (!s)
        PyErr_Clear();
    return s;
}

/* The text Python gives a number (int.__repr__ for big ints, float.__repr__), written as is. */
static int sei_py_json_number(sei_json_writer *w, PyObject *v) {
    if (PyFloat_CheckExact(v)) {
        double d = PyFloat_AS_DOUBLE(v);
        if (!isfinite(d))
            return 0; /* allow_nan=False: the Python encoder raises */
        char *r = PyOS_double_to_string(d, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
        int ok = r && sei_json_number_text(w, r, strlen(r)) == SE_OK;
        if (!r)
            PyErr_Clear();
        PyMem_Free(r);
        return ok;
    }
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (!overflow)
        return sei_json_int(w, x) == SE_OK;
    PyObject *text = PyLong_Type.tp_repr(v); /* what json writes for a big int */
    Py_ssize_t n = 0;
    const char *s = text ? PyUnicode_AsUTF8AndSize(text, &n) : NULL;
    int ok = s && sei_json_number_text(w, s, (size_t)n) == SE_OK;
    Py_XDECREF(text);
    if (!s)
        PyErr_Clear();
    return ok;
}

/* 1 when v was written; 0 when declined (no Python error left set). */
static int sei_py_json_value(sei_json_writer *w, PyObject *v) {
    Py_ssize_t n = 0;
    const char *s;
    if (v == Py_None)
        return sei_json_null(w) == SE_OK;
    if (v == Py_True || v == Py_False)
        return sei_json_bool(w, v == Py_True) == SE_OK;
    if (PyUnicode_CheckExact(v))
        return (s = sei_py_json_utf8(v, &n)) && sei_json_string(w, s, (size_t)n) == SE_OK;
    if (PyLong_CheckExact(v) || PyFloat_CheckExact(v))
        return sei_py_json_number(w, v);
    if (PyDict_CheckExact(v)) {
        Py_ssize_t pos = 0;
        PyObject *key, *value;
        if (sei_json_begin_object(w) != SE_OK)
            return 0;
        while (PyDict_Next(v, &pos, &key, &value))
            if (!PyUnicode_CheckExact(key) || !(s = sei_py_json_utf8(key, &n)) ||
                sei_json_key(w, s, (size_t)n) != SE_OK || !sei_py_json_value(w, value))
                return 0;
        return sei_json_end_object(w) == SE_OK;
    }
    if (PyList_CheckExact(v) || PyTuple_CheckExact(v)) {
        if (sei_json_begin_array(w) != SE_OK)
            return 0;
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(v); i++)
            if (!sei_py_json_value(w, PySequence_Fast_GET_ITEM(v, i)))
                return 0;
        return sei_json_end_array(w) == SE_OK;
    }
    return 0;
}

/* The JSON text of an exact dict in `out` (emptied first); 0 when declined. A top-level
 * "Content" given as a dict or list is declined too: Connect takes it as JSON text, which the
 * Python encoder writes (python/sendevent/_encode.py). datetime, UUID and Decimal values are
 * declined as any other type is, and converted there. */
static int sei_py_json_dict(sei_dynbuf *out, PyObject *obj) {
    sei_json_writer w;
    PyObject *content;
    if (PyDict_CheckExact(obj) && (content = PyDict_GetItemString(obj, "Content")) &&
        (PyDict_Check(content) || PyList_Check(content)))
        return 0;
    sei_dynbuf_reset(out);
    sei_json_writer_init(&w, out, SEI_PY_JSON_DEPTH);
    return PyDict_CheckExact(obj) && sei_py_json_value(&w, obj);
}
%}

/* send_many (python/sendevent/__init__.py) adds and takes a whole list in one call each instead
 * of one SWIG call per request: that saves the argument parsing and the result wrapping of
 * 2 x N wrapper calls. Public C API only. Both keep the GIL (%nothread above): they do not
 * block; se_batch_run, which does, releases it. */
/* the helpers' deadline argument is optional: 0, the client's deadline option */
%typemap(default) double deadline "$1 = 0.0;";

%rename(batch_add_all) sei_py_batch_add_all;
%rename(json_text) sei_py_json_text;
%rename(batch_take_all) sei_py_batch_take_all;
%inline %{
/* se_batch_add(batch, operation, request) for each item of the list `requests`, in order (with
 * a deadline > 0: se_batch_add_within, each request's own, from the moment it is added): str
 * and bytes are JSON text, exact dicts are written by sei_py_json_value, and anything else (or a
 * dict it declines) is `encode(index, item)`, which returns the text or raises naming the item.
 * An invalid request is added (its response says why; it is never sent); an encoding error,
 * NOMEM or MISUSE raise at that item, the items before it staying added (the caller frees the
 * batch, unrun). */
static PyObject *sei_py_batch_add_all(se_batch *batch, const char *operation, PyObject *requests,
                                     PyObject *encode, double deadline) {
    sei_dynbuf json;
    PyObject *result = NULL;
    sei_dynbuf_init(&json, 0);
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
            text = sei_py_request_text(item);
        } else {
            if (sei_py_json_dict(&json, item))
                text = sei_dynbuf_ptr(&json);
            else if ((encoded = PyObject_CallFunction(encode, "nO", i, item)))
                text = sei_py_request_text(encoded);
        }
        st = !text ? SE_OK
             : deadline > 0 ? se_batch_add_within(batch, operation, text, deadline)
                            : se_batch_add(batch, operation, text);
        Py_XDECREF(encoded);
        Py_DECREF(item);
        if (!text)
            goto done;
        if (st != SE_OK && st != SE_E_INVALID) {
            sei_py_raise(st, se_last_error(), NULL);
            goto done;
        }
    }
    Py_INCREF(Py_None);
    result = Py_None;
done:
    sei_dynbuf_free(&json);
    return result;
}

/* The JSON text of a request dict written by sei_py_json_value, or None when it declines (the
 * caller then uses the Python encoder). */
static PyObject *sei_py_json_text(PyObject *obj) {
    sei_dynbuf json;
    PyObject *text;
    sei_dynbuf_init(&json, 0);
    if (!sei_py_json_dict(&json, obj)) {
        sei_dynbuf_free(&json);
        Py_RETURN_NONE;
    }
    text = PyUnicode_DecodeUTF8(sei_dynbuf_ptr(&json), (Py_ssize_t)sei_dynbuf_len(&json),
                                "strict");
    sei_dynbuf_free(&json);
    return text;
}

/* se_batch_take for every request of a batch that has run: a list, in input order, of owned
 * response objects (the objects se_batch_take returns). A missing response (the batch has not
 * run, or one was taken already) raises SE_E_MISUSE; the responses taken until then are freed
 * with the list, the others with the batch. */
static PyObject *sei_py_batch_take_all(se_batch *batch) {
    size_t i, n = se_batch_size(batch);
    PyObject *list;
    if (!batch) { /* se_batch_size(NULL) is 0: not an empty result */
        sei_py_raise(SE_E_MISUSE, "batch_take_all: batch is NULL", NULL);
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
            sei_py_raise(SE_E_MISUSE, "batch_take_all: a response is missing (not run, or taken)",
                        NULL);
            return NULL;
        }
        obj = sei_py_response_object(resp); /* resp is not ours after a failure */
        if (!obj) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, obj); /* steals obj */
    }
    return list;
}
%}

%rename(retry_after_seconds) sei_py_retry_after_seconds;
%inline %{
/* A Retry-After header's value (delay seconds or an HTTP-date) as seconds from now, parsed as
 * the engine parses it for its retries; None when it is not one. */
static PyObject *sei_py_retry_after_seconds(const char *text) {
    double seconds = text ? sei_parse_retry_after(text) : -1;
    if (seconds < 0)
        Py_RETURN_NONE;
    return PyFloat_FromDouble(seconds);
}
%}

%rename(client_check) sei_py_client_check;
%{
#include "batch_internal.h" /* sei_batch_cancel_item */
#include "send.h"           /* sei_client_check */
%}
%inline %{
/* sei_client_check: the client's options as a send checks them, now; raises (ValidationError
 * naming the option) when a send would be refused for them. */
static PyObject *sei_py_client_check(se_client *client) {
    se_status st = sei_client_check(client);
    if (st != SE_OK) {
        sei_py_raise(st, se_last_error(), NULL);
        return NULL;
    }
    Py_RETURN_NONE;
}
%}

/* Ctrl-C, and the blocking calls it cancels: send and batch_run_take */
%include "sigint.i"

/* the streaming batch calls, for asyncio */
%include "async.i"

/* the receive side: verifying and reading callbacks */
%include "webhook.i"
