/*
 * bindings/python/async.i - part of sendevent_python.i (%included there, after the batch
 * helpers): the streaming batch calls (se_batch_start, se_batch_fd, se_batch_next,
 * se_batch_pending, se_batch_close) for the package's AsyncClient (python/sendevent/_async.py),
 * and sei_batch_cancel_item (libcore/src/face.h) to cancel one request of a started batch.
 *
 * None of them blocks: the batch's own thread sends, and the event loop waits on the batch's
 * descriptor (loop.add_reader), so they keep the GIL (%nothread in sendevent_python.i). Public
 * C API only, besides sei_batch_cancel_item.
 */

%rename(stream_start) sei_py_stream_start;
%rename(stream_add) sei_py_stream_add;
%rename(stream_fd) sei_py_stream_fd;
%rename(stream_take) sei_py_stream_take;
%rename(stream_pending) sei_py_stream_pending;
%rename(stream_close) sei_py_stream_close;
%rename(stream_cancel) sei_py_stream_cancel;
%inline %{
/* se_batch_start(batch, max_in_flight): the batch sends on a thread of its own from now on. */
static PyObject *sei_py_stream_start(se_batch *batch, int max_in_flight) {
    se_status st = se_batch_start(batch, max_in_flight);
    if (st != SE_OK) {
        sei_py_raise(st, se_last_error(), NULL);
        return NULL;
    }
    Py_RETURN_NONE;
}

/* se_batch_add / se_batch_add_within (deadline > 0) on a started batch: the index of the request
 * (its response comes from stream_take with that index). An invalid request is added, its
 * response (SE_E_INVALID) queued at once. The GIL is held throughout, so no other Python thread
 * adds between the add and the size read. */
static PyObject *sei_py_stream_add(se_batch *batch, const char *operation, PyObject *request,
                                   double deadline) {
    const char *json = sei_py_request_text(request);
    se_status st;
    if (!json)
        return NULL;
    sei_py_log_refresh(); /* an invalid request logs as it is added */
    st = deadline > 0 ? se_batch_add_within(batch, operation, json, deadline)
                      : se_batch_add(batch, operation, json);
    if (st != SE_OK && st != SE_E_INVALID) {
        sei_py_raise(st, se_last_error(), NULL);
        return NULL;
    }
    return PyLong_FromSize_t(se_batch_size(batch) - 1);
}

/* se_batch_fd: the descriptor readable when a response is ready (or the run is over). */
static int sei_py_stream_fd(se_batch *batch) {
    return se_batch_fd(batch);
}

/* se_batch_next without waiting, repeated: a list of (index, response object) for every
 * response ready now, in completion order (empty when none is). */
static PyObject *sei_py_stream_take(se_batch *batch) {
    PyObject *list = PyList_New(0);
    if (!list)
        return NULL;
    sei_py_log_refresh();
    for (;;) {
        size_t index = 0;
        se_response *resp = NULL;
        se_status st = se_batch_next(batch, 0, &index, &resp);
        if (st != SE_OK) {
            Py_DECREF(list);
            sei_py_raise(st, se_last_error(), NULL);
            return NULL;
        }
        if (!resp)
            return list;
        PyObject *obj = sei_py_response_object(resp);
        PyObject *pair = obj ? Py_BuildValue("(nN)", (Py_ssize_t)index, obj) : NULL;
        if (!pair || PyList_Append(list, pair) < 0) {
            Py_XDECREF(pair);
            Py_DECREF(list);
            return NULL;
        }
        Py_DECREF(pair);
    }
}

/* se_batch_pending: requests added whose response has not been taken yet. */
static size_t sei_py_stream_pending(se_batch *batch) {
    return se_batch_pending(batch);
}

/* se_batch_close: no more adds; the run ends when everything added is done. */
static PyObject *sei_py_stream_close(se_batch *batch) {
    se_status st = se_batch_close(batch);
    if (st != SE_OK) {
        sei_py_raise(st, se_last_error(), NULL);
        return NULL;
    }
    Py_RETURN_NONE;
}

/* sei_batch_cancel_item: request `index` ends cancelled (its response still comes through
 * stream_take); the others go on. */
static PyObject *sei_py_stream_cancel(se_batch *batch, size_t index) {
    se_status st = sei_batch_cancel_item(batch, index);
    if (st != SE_OK) {
        sei_py_raise(st, se_last_error(), NULL);
        return NULL;
    }
    Py_RETURN_NONE;
}
%}
