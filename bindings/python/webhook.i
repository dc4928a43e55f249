/*
 * bindings/python/webhook.i - the receive side's Python half (the body typemap of se_callback_parse
 * is in sendevent_python.i, before the shared interface):
 * webhook_verify, one call around se_webhook_verify whose nonce hook calls a Python callable
 * (python/sendevent/webhooks.py). Everything keeps the GIL (%nothread): verifying never blocks,
 * and the hook runs Python code.
 */

%{
/* The Python callable behind the nonce hook, and whether it raised. */
typedef struct sei_py_nonce_hook {
    PyObject *seen;
    int raised;
} sei_py_nonce_hook;

/* se_nonce_fn: seen(nonce, timestamp) -> truthy when seen before. An exception makes the
 * verification fail closed (-1) and is raised by webhook_verify. */
static int sei_py_nonce_seen(const char *nonce, int64_t timestamp, void *userdata) {
    sei_py_nonce_hook *hook = userdata;
    PyObject *r = PyObject_CallFunction(hook->seen, "sL", nonce, (long long)timestamp);
    int truth = r ? PyObject_IsTrue(r) : -1;
    Py_XDECREF(r);
    if (truth < 0)
        hook->raised = 1;
    return truth;
}

/* The UTF-8 text of a header's name or value (a str), borrowed; NULL with an error set. */
static const char *sei_py_header_text(PyObject *obj, const char *what) {
    Py_ssize_t n = 0;
    const char *s;
    if (!PyUnicode_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "header %s must be str, not %.100s", what,
                     Py_TYPE(obj)->tp_name);
        return NULL;
    }
    s = PyUnicode_AsUTF8AndSize(obj, &n);
    if (s && strlen(s) != (size_t)n) {
        PyErr_Format(PyExc_ValueError, "header %s contains a NUL character", what);
        return NULL;
    }
    return s;
}

/* Fills names/values from a sequence of (name, value) pairs (borrowed from `pairs`, which the
 * caller keeps alive). 0 with an error set when an item is not a pair of str. */
static int sei_py_header_arrays(PyObject *pairs, const char **names, const char **values) {
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(pairs); i++) {
        PyObject *pair = PySequence_Fast_GET_ITEM(pairs, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            PyErr_SetString(PyExc_TypeError, "headers must be (name, value) pairs of str");
            return 0;
        }
        if (!(names[i] = sei_py_header_text(PyTuple_GET_ITEM(pair, 0), "name")) ||
            !(values[i] = sei_py_header_text(PyTuple_GET_ITEM(pair, 1), "value")))
            return 0;
    }
    return 1;
}
%}

%rename(webhook_verify) sei_py_webhook_verify;
%inline %{
/* se_webhook_verify(w, body, headers) with `nonce_seen` (a callable, or None for the verifier's
 * own replay check) as its nonce hook. None when the callback is authentic, fresh and not a
 * replay; (reason, message) when it is refused (SE_E_SIGNATURE); other failures raise. */
static PyObject *sei_py_webhook_verify(se_webhook *w, PyObject *body, PyObject *headers,
                                       PyObject *nonce_seen) {
    sei_py_nonce_hook hook = {nonce_seen, 0};
    Py_buffer view;
    PyObject *pairs = NULL, *result = NULL;
    const char **names = NULL, **values = NULL;
    Py_ssize_t n;
    se_status st;
    if (!w || (nonce_seen != Py_None && !PyCallable_Check(nonce_seen))) {
        PyErr_SetString(PyExc_TypeError, w ? "nonce_seen must be callable or None"
                                           : "webhook_verify: no verifier");
        return NULL;
    }
    if (PyUnicode_Check(body)) {
        PyErr_SetString(PyExc_TypeError, "body must be the raw bytes as received, not str");
        return NULL;
    }
    if (PyObject_GetBuffer(body, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    if (!(pairs = PySequence_Fast(headers, "headers must be a sequence of (name, value) pairs")))
        goto done;
    n = PySequence_Fast_GET_SIZE(pairs);
    names = PyMem_Calloc((size_t)n + 1, sizeof *names);
    values = PyMem_Calloc((size_t)n + 1, sizeof *values);
    if (!names || !values) {
        PyErr_NoMemory();
        goto done;
    }
    if (!sei_py_header_arrays(pairs, names, values))
        goto done;
    se_webhook_set_nonce_hook(w, nonce_seen != Py_None ? sei_py_nonce_seen : NULL, &hook);
    st = se_webhook_verify(w, view.buf, (size_t)view.len, names, values, (size_t)n);
    se_webhook_set_nonce_hook(w, NULL, NULL);
    if (hook.raised)
        goto done; /* the callable's exception */
    if (st == SE_OK) {
        Py_INCREF(Py_None);
        result = Py_None;
    } else if (st == SE_E_SIGNATURE) {
        result = Py_BuildValue("(ss)", se_webhook_reason(w), se_last_error());
    } else {
        sei_py_raise(st, se_last_error(), NULL);
    }
done:
    PyMem_Free(names);
    PyMem_Free(values);
    Py_XDECREF(pairs);
    PyBuffer_Release(&view);
    return result;
}
%}
