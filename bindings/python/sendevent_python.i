/*
 * bindings/python/sendevent_python.i - the Python extension module
 * sendevent._swig (compiled as sendevent.__swig with libcore's sources by
 * setup.py). The Pythonic API is python/sendevent/__init__.py; this module is
 * its low-level half: the C calls, one owned object per C handle, and a
 * failing status raised as the exception the package's factory builds.
 *
 * Threads: built with `swig -threads`; the GIL is released only around the
 * calls that can block (network, connection shutdown). The cheap accessors
 * keep it, which is faster than dropping and retaking it for each field.
 */
%module(package = "sendevent",
        docstring = "Low-level SWIG wrapper of libsendevent; use the sendevent package instead.") _swig

%feature("autodoc", "0");

/* GIL: held by default, released around every call that can block. */
%nothread;
%thread se_send;
%thread se_batch_run;
%thread se_client_free;
%thread se_batch_free;
%thread se_client::~se_client;
%thread se_batch::~se_batch;

%{
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
#define SE_BIND_OUT_RESPONSE(response) SE_BIND_OUT_OWNED((response), SWIGTYPE_p_se_response)
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
        if (!s)
            return NULL;
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
        PyErr_SetString(PyExc_ValueError, "request JSON contains a NUL character");
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

%include "../sendevent.i"

%{
/* A new object owning `resp`: the object se_send / se_batch_take return. On NULL (out of memory;
 * a Python error is set) resp is no longer the caller's and must not be freed: if SWIG made its
 * owning object but not the proxy instance, that object's destructor has freed resp already; only
 * if it could not make even that is resp lost, and a leak there beats a double free. (Making
 * the object unowned and marking it owned afterwards is no way out: SWIG 4.1 owned objects hold
 * a reference to the module capsule, taken only at creation and dropped at destruction.) */
static PyObject *se_py_response_object(se_response *resp) {
    return SWIG_NewPointerObj(resp, SWIGTYPE_p_se_response, SWIG_POINTER_OWN);
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

/* send_many (python/sendevent/__init__.py) adds and takes a whole list in one call each instead
 * of one SWIG call per request: that saves the argument parsing and the result wrapping of
 * 2 x N wrapper calls. Public C API only. Both keep the GIL (%nothread above): they do not
 * block; se_batch_run, which does, releases it. */
%rename(batch_add_all) se_py_batch_add_all;
%rename(batch_take_all) se_py_batch_take_all;
%inline %{
/* se_batch_add(batch, operation, body) for each body of the list `bodies` (str or bytes of
 * JSON), in order, with the rules of the se_batch_add wrapper: an invalid request is added (its
 * response says why; it is never sent); NOMEM / MISUSE, or a body that is not str/bytes or holds
 * a NUL, raise at that item, the items before it staying added (the caller frees the batch). */
static PyObject *se_py_batch_add_all(se_batch *batch, const char *operation, PyObject *bodies) {
    Py_ssize_t i;
    if (!PyList_Check(bodies)) {
        PyErr_Format(PyExc_TypeError, "bodies must be a list, not %.100s",
                     Py_TYPE(bodies)->tp_name);
        return NULL;
    }
    /* borrowed items: nothing in the loop runs Python code that could change the list */
    for (i = 0; i < PyList_GET_SIZE(bodies); i++) {
        const char *json = se_py_request_text(PyList_GET_ITEM(bodies, i));
        se_status st;
        if (!json)
            return NULL;
        st = se_batch_add(batch, operation, json);
        if (st != SE_OK && st != SE_E_INVALID) {
            se_py_raise(st, se_last_error(), NULL);
            return NULL;
        }
    }
    Py_RETURN_NONE;
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
