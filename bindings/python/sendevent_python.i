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
%}

/* Requests arrive as str (or bytes) of JSON. A str's UTF-8 form is cached by
 * CPython, so nothing is copied; the argument tuple keeps it alive while the
 * GIL is released. */
%typemap(in) const char *request_json (Py_ssize_t len = 0) {
    if (PyUnicode_Check($input)) {
        $1 = (char *)PyUnicode_AsUTF8AndSize($input, &len);
        if (!$1)
            SWIG_fail;
    } else if (PyBytes_Check($input)) {
        char *p = NULL;
        if (PyBytes_AsStringAndSize($input, &p, &len) < 0)
            SWIG_fail;
        $1 = p;
    } else {
        PyErr_Format(PyExc_TypeError, "request JSON must be str or bytes, not %.100s",
                     Py_TYPE($input)->tp_name);
        SWIG_fail;
    }
    if (strlen($1) != (size_t)len) {
        PyErr_SetString(PyExc_ValueError, "request JSON contains a NUL character");
        SWIG_fail;
    }
}

%include "../sendevent.i"

%{
static void se_py_raise(se_status status, const char *message, se_response *resp) {
    PyObject *text, *py_resp, *exc;
    if (!message)
        message = se_strerror(status);
    if (!se_py_error_factory) {
        se_response_free(resp);
        PyErr_Format(PyExc_RuntimeError, "sendevent: %s: %s", se_status_name(status), message);
        return;
    }
    text = PyUnicode_DecodeUTF8(message, (Py_ssize_t)strlen(message), "replace");
    if (!text) {
        se_response_free(resp);
        return;
    }
    if (resp) {
        py_resp = SWIG_NewPointerObj(resp, SWIGTYPE_p_se_response, SWIG_POINTER_OWN);
        if (!py_resp) {
            se_response_free(resp);
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
