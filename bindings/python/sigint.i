/*
 * bindings/python/sigint.i - part of sendevent_python.i (%included there, after the shared
 * interface and the batch helpers it uses): Ctrl-C on the main thread cancels the blocking
 * calls, send() and batch_run_take(), written here rather than generated.
 */

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
 * every SEI_PY_SIG_RECHECK seconds. Until then a Ctrl-C is Python's alone: the call is not
 * cancelled, the KeyboardInterrupt comes when it returns (as without this module). */
#define SEI_PY_SIG_RECHECK 0.25
static _Atomic(se_client *) sei_py_sig_client;
static _Atomic(se_batch *) sei_py_sig_batch;
static atomic_int sei_py_sig_fired;  /* our handler ran during this call */
static atomic_int sei_py_sig_active; /* handlers in the cancelling part now (any thread) */
static struct sigaction sei_py_sig_python; /* Python's C-level action, which ours calls */
/* main thread only (the GIL is held there): */
static int sei_py_sig_installed;   /* ours is believed to be in place */
static int sei_py_sig_dirty;       /* the Python-level handler was seen changing: check again */
static double sei_py_sig_checked;  /* when sigaction was last asked */
static unsigned long sei_py_main_ident;
static PyObject *sei_py_getsignal, *sei_py_default_int_handler, *sei_py_sigint_number;

static void sei_py_on_sigint(int sig, siginfo_t *info, void *ctx) {
    atomic_fetch_add(&sei_py_sig_active, 1);
    se_batch *b = atomic_load(&sei_py_sig_batch);
    se_client *c = atomic_load(&sei_py_sig_client);
    if (b || c) {
        atomic_store(&sei_py_sig_fired, 1);
        if (b)
            se_batch_cancel(b);
        else
            se_client_cancel(c);
    }
    atomic_fetch_sub(&sei_py_sig_active, 1);
    if (sei_py_sig_python.sa_flags & SA_SIGINFO)
        sei_py_sig_python.sa_sigaction(sig, info, ctx);
    else if (sei_py_sig_python.sa_handler != SIG_DFL && sei_py_sig_python.sa_handler != SIG_IGN)
        sei_py_sig_python.sa_handler(sig);
}

static int sei_py_sig_is_ours(const struct sigaction *sa) {
    return (sa->sa_flags & SA_SIGINFO) && sa->sa_sigaction == sei_py_on_sigint;
}

static double sei_py_sig_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts); /* the vDSO's: no system call */
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Main thread, GIL held: makes sure ours is in front of Python's handler. 0 when it cannot
 * be (a C-level handler that is neither: not ours to chain from). */
static int sei_py_sig_ensure(void) {
    struct sigaction cur, sa;
    if (sigaction(SIGINT, NULL, &cur) != 0)
        return 0;
    if (sei_py_sig_is_ours(&cur))
        return 1;
    if (!(cur.sa_flags & SA_SIGINFO) && (cur.sa_handler == SIG_DFL || cur.sa_handler == SIG_IGN))
        return 0; /* not Python's handler after all */
    if (sei_py_sig_installed &&
        ((cur.sa_flags & SA_SIGINFO) != (sei_py_sig_python.sa_flags & SA_SIGINFO) ||
         cur.sa_handler != sei_py_sig_python.sa_handler))
        return 0; /* neither ours nor the Python handler we saw before */
    sei_py_sig_python = cur; /* written before ours can run */
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = sei_py_on_sigint;
    sa.sa_flags = (cur.sa_flags & ~(SA_RESETHAND | SA_NODEFER)) | SA_SIGINFO;
    sa.sa_mask = cur.sa_mask;
    if (sigaction(SIGINT, &sa, NULL) != 0)
        return 0;
    sei_py_sig_installed = 1;
    return 1;
}

/* GIL held. Registers a call on `c` (or on batch `b`) for our handler when it applies;
 * returns whether it did. */
static int sei_py_sigint_enter(se_client *c, se_batch *b) {
    PyObject *h;
    int is_default;
    double now;
    if (!sei_py_getsignal || PyThread_get_thread_ident() != sei_py_main_ident)
        return 0;
    h = PyObject_CallOneArg(sei_py_getsignal, sei_py_sigint_number);
    if (!h) {
        PyErr_Clear();
        return 0;
    }
    is_default = h == sei_py_default_int_handler;
    Py_DECREF(h);
    if (!is_default) {
        sei_py_sig_dirty = 1; /* whoever set it may have put Python's C handler back */
        return 0;
    }
    now = sei_py_sig_now();
    if (!sei_py_sig_installed || sei_py_sig_dirty || now - sei_py_sig_checked > SEI_PY_SIG_RECHECK) {
        sei_py_sig_checked = now;
        sei_py_sig_dirty = 0;
        if (!sei_py_sig_ensure())
            return 0;
    }
    atomic_store(&sei_py_sig_fired, 0);
    atomic_store(&sei_py_sig_client, c);
    atomic_store(&sei_py_sig_batch, b);
    return 1;
}

/* GIL held, after the call. Once it returns no handler of ours touches the client or batch any
 * more (it may then be freed). Returns whether our handler ran meanwhile. */
static int sei_py_sigint_leave(void) {
    atomic_store(&sei_py_sig_client, NULL);
    atomic_store(&sei_py_sig_batch, NULL);
    while (atomic_load(&sei_py_sig_active) > 0) /* a handler on another thread, finishing */
        ;
    return atomic_load(&sei_py_sig_fired);
}
%}

%rename(set_sigint_hooks) sei_py_set_sigint_hooks;
%rename(after_fork_child) sei_py_after_fork_child;
%rename(send) sei_py_send;
%rename(batch_run_take) sei_py_batch_run_take;
%inline %{
/* Installed by the package at import: _signal.getsignal, _signal.default_int_handler,
 * _signal.SIGINT and the main thread's ident. */
static PyObject *sei_py_set_sigint_hooks(PyObject *getsignal, PyObject *default_handler,
                                        PyObject *sigint, unsigned long main_ident) {
    if (!PyCallable_Check(getsignal)) {
        PyErr_SetString(PyExc_TypeError, "getsignal must be callable");
        return NULL;
    }
    Py_INCREF(getsignal);
    Py_INCREF(default_handler);
    Py_INCREF(sigint);
    Py_XSETREF(sei_py_getsignal, getsignal);
    Py_XSETREF(sei_py_default_int_handler, default_handler);
    Py_XSETREF(sei_py_sigint_number, sigint);
    sei_py_main_ident = main_ident;
    Py_RETURN_NONE;
}

/* os.register_at_fork(after_in_child=...): a fork made by another thread while the main thread
 * waited in a call leaves that call registered in the child, where it does not run; and the
 * forking thread is the child's main thread. */
static PyObject *sei_py_after_fork_child(void) {
    atomic_store(&sei_py_sig_client, NULL);
    atomic_store(&sei_py_sig_batch, NULL);
    atomic_store(&sei_py_sig_active, 0);
    sei_py_main_ident = PyThread_get_thread_ident();
    Py_RETURN_NONE;
}

/* se_send (deadline <= 0) or se_send_within (deadline > 0), the GIL released, Ctrl-C cancelling
 * it: the response object, or the package's exception (KeyboardInterrupt after a Ctrl-C). */
static PyObject *sei_py_send(se_client *client, const char *operation, PyObject *request,
                            double deadline) {
    const char *json = sei_py_request_text(request);
    se_response *resp = NULL;
    se_status st;
    int guarded;
    if (!json)
        return NULL;
    sei_py_log_refresh();
    guarded = sei_py_sigint_enter(client, NULL);
    Py_BEGIN_ALLOW_THREADS
    st = deadline > 0 ? se_send_within(client, operation, json, deadline, &resp)
                      : se_send(client, operation, json, &resp);
    Py_END_ALLOW_THREADS
    if (guarded) {
        sei_py_sigint_leave();
        if (PyErr_CheckSignals() < 0) { /* KeyboardInterrupt (or what a handler raised) */
            se_response_free(resp);
            return NULL;
        }
    }
    if (st != SE_OK) {
        const char *msg = resp ? se_response_error_message(resp) : NULL;
        sei_py_raise(st, msg ? msg : se_last_error(), resp);
        return NULL;
    }
    return sei_py_response_object(resp);
}

/* se_batch_run (GIL released, Ctrl-C cancelling the batch), then sei_py_batch_take_all. When a
 * signal handler raises afterwards (KeyboardInterrupt), the list of responses is attached to
 * the exception as `_sendevent_takes`, so the finished results are not lost. */
static PyObject *sei_py_batch_run_take(se_batch *batch, int max_in_flight) {
    se_status st;
    PyObject *list;
    int guarded;
    sei_py_log_refresh();
    guarded = sei_py_sigint_enter(NULL, batch);
    Py_BEGIN_ALLOW_THREADS
    st = se_batch_run(batch, max_in_flight);
    Py_END_ALLOW_THREADS
    if (guarded)
        sei_py_sigint_leave();
    if (st == SE_E_MISUSE || st == SE_E_NOMEM) {
        sei_py_raise(st, se_last_error(), NULL);
        return NULL;
    }
    list = sei_py_batch_take_all(batch);
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
