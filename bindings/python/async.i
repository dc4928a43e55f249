/*
 * bindings/python/async.i - part of sendevent_python.i (%included there, after the batch
 * helpers): the driven batch calls (se_batch_attach, se_batch_fd, se_batch_step,
 * se_batch_next, se_batch_pending, se_batch_close) for the package's AsyncClient
 * (python/sendevent/_async.py), se_batch_start for Client.send_iter, and sei_batch_cancel_item (libcore/src/batch_internal.h) to
 * cancel one request of a running batch.
 *
 * The event loop drives the batch from its own thread: it watches the batch's descriptor
 * (loop.add_reader) and calls stream_step when it is readable or the step's timeout has passed.
 * None of these calls blocks. stream_step releases the GIL around se_batch_step, where curl
 * works (the client's logger takes the GIL itself); the others keep it (%nothread in
 * sendevent_python.i). Public C API only, besides sei_batch_cancel_item.
 */

%{
/* se_batch_next without waiting, repeated: a list of (index, response object) for every
 * response ready now, in completion order (empty when none is). */
static PyObject *sei_py_stream_ready(se_batch *batch) {
    PyObject *list = PyList_New(0);
    if (!list)
        return NULL;
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
%}

%rename(stream_start) sei_py_stream_start;
%rename(stream_attach) sei_py_stream_attach;
%rename(stream_step) sei_py_stream_step;
%rename(stream_add) sei_py_stream_add;
%rename(stream_fd) sei_py_stream_fd;
%rename(stream_take) sei_py_stream_take;
%rename(stream_pending) sei_py_stream_pending;
%rename(stream_close) sei_py_stream_close;
%rename(stream_cancel) sei_py_stream_cancel;
%inline %{
/* se_batch_start(batch, max_in_flight): the batch sends on a thread of its own from now on
 * (Client.send_iter, which waits in select on its descriptor). */
static PyObject *sei_py_stream_start(se_batch *batch, int max_in_flight) {
    se_status st = se_batch_start(batch, max_in_flight);
    if (st != SE_OK) {
        sei_py_raise(st, se_last_error(), NULL);
        return NULL;
    }
    Py_RETURN_NONE;
}

/* se_batch_attach(batch, max_in_flight): the calling thread (the loop's) drives the batch from
 * now on, with stream_step. */
static PyObject *sei_py_stream_attach(se_batch *batch, int max_in_flight) {
    se_status st = se_batch_attach(batch, max_in_flight);
    if (st != SE_OK) {
        sei_py_raise(st, se_last_error(), NULL);
        return NULL;
    }
    Py_RETURN_NONE;
}

/* se_batch_add / se_batch_add_within (deadline > 0) on an attached batch: the index of the
 * request (its response comes from stream_step or stream_take with that index). An invalid
 * request is added, its response (SE_E_INVALID) queued at once. From the loop's thread the add
 * does not wake the descriptor: the caller steps afterwards. The GIL is held throughout, so no
 * other Python thread adds between the add and the size read. */
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

/* se_batch_fd: the descriptor readable when the batch has work for stream_step. */
static int sei_py_stream_fd(se_batch *batch) {
    return se_batch_fd(batch);
}

/* se_batch_next without waiting, repeated (stream_take, stream_step). */
static PyObject *sei_py_stream_take(se_batch *batch) {
    sei_py_log_refresh();
    return sei_py_stream_ready(batch);
}

/* se_batch_step with the GIL released, then stream_take: (next_timeout, [(index, response),
 * ...]); next_timeout in seconds, -1 when only the descriptor can bring work. */
static PyObject *sei_py_stream_step(se_batch *batch) {
    double timeout = -1;
    se_status st;
    sei_py_log_refresh(); /* the step logs attempts */
    Py_BEGIN_ALLOW_THREADS
    st = se_batch_step(batch, &timeout);
    Py_END_ALLOW_THREADS
    if (st != SE_OK) {
        sei_py_raise(st, se_last_error(), NULL);
        return NULL;
    }
    PyObject *list = sei_py_stream_ready(batch);
    return list ? Py_BuildValue("(dN)", timeout, list) : NULL;
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
