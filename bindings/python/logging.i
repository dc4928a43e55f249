/*
 * bindings/python/logging.i - part of sendevent_python.i (%included there): what Python shares
 * with the other faces, written once in libcore/src/summary.c (the failure summary behind
 * str(Error), option numbers), and the C logger forwarded to logging.getLogger("sendevent").
 */

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
        sei_py_raise(SE_E_MISUSE, "install_logger: client is NULL", NULL);
        return NULL;
    }
    sei_client_set_log_threshold(client, &sei_py_log_min); /* off: not even formatted */
    Py_RETURN_NONE;
}
%}
