"""The client paths measured (PATHS, PATH_INFO), the providers and schemes they run over, the
events each run sends, and which paths a run of each mode runs for which provider and scheme."""

PROVIDERS = ("sinch", "zapi", "connect")
IN_FLIGHT = 64
# Every path runs over both: plain http, and https to the same nginx with a certificate from
# the run's own CA, which every client is told to trust.
SCHEMES = ("http", "https")
SCHEME_TITLES = {"http": "plain http, keep-alive",
                 "https": "https (TLS), keep-alive, trusting the run's CA"}

# The paths. kind: c (a program of bench/c), py (bench/py/driver.py) or cli (the sendevent
# command, run and measured by bench/py/cli_batch.py); args: the program's
# leading arguments; mode: seq, multi, or cold (batches of --cold-batch events, each on new
# connections: bench/c/common.h, bench_multi_main).
#   name             kind  program/driver  args                  group       mode     label
PATHS = [
    ("bare_loop",       "c",  "bare_loop",   (),                   "baseline", "seq",
     "bare C: libcurl easy + cJSON"),
    ("bare_multi",      "c",  "bare_multi",  (),                   "baseline", "multi",
     "bare C: curl multi, 64 in flight"),
    ("http_client",     "py", "http_client", (),                   "baseline", "seq",
     "Python http.client + json"),
    ("requests",        "py", "requests",    (),                   "baseline", "seq",
     "Python requests Session.post"),
    ("boto3",           "py", "boto3",       (),                   "baseline", "seq",
     "Python boto3 send_event"),
    ("se_send",         "c",  "se_loop",     (),                   "ours",     "seq",
     "C API se_send, sequential"),
    ("se_batch",        "c",  "se_batch",    (),                   "ours",     "multi",
     "C API se_batch, 64 in flight"),
    ("py_send",         "py", "se_seq",      (),                   "ours",     "seq",
     "Python API send_event, sequential"),
    ("send_many",       "py", "se_many",     (),                   "ours",     "multi",
     "Python API send_many, 64 in flight"),
    ("aiohttp",         "py", "aiohttp",     (),                   "baseline", "multi",
     "Python aiohttp, 64 in flight, one loop"),
    ("httpx_async",     "py", "httpx_async", (),                   "baseline", "multi",
     "Python httpx.AsyncClient, 64 in flight, one loop"),
    ("async_send",      "py", "as_seq",      (),                   "ours",     "seq",
     "Python AsyncClient await send_event, sequential"),
    ("async_many",      "py", "as_many",     (),                   "ours",     "multi",
     "Python AsyncClient send_many, 64 in flight"),
    ("async_iter",      "py", "as_iter",     (),                   "ours",     "multi",
     "Python AsyncClient send_iter, 64 in flight"),
    ("cli_batch",       "cli", "cli_batch",  (),                   "ours",     "multi",
     "sendevent --batch FILE --concurrency 64"),
    ("bare_cold_fresh", "c",  "bare_multi",  ("--cold", "fresh"),  "baseline", "cold",
     "bare C: new multi + 64 easy handles per batch"),
    ("se_cold_fresh",   "c",  "se_batch",    ("--cold", "fresh"),  "ours",     "cold",
     "C API: new client per batch"),
    ("bare_cold_reuse", "c",  "bare_multi",  ("--cold", "reuse"),  "baseline", "cold",
     "bare C: one multi, connections shut between batches"),
    ("se_cold_reuse",   "c",  "se_batch",    ("--cold", "reuse"),  "ours",     "cold",
     "C API: one client, connections shut between batches"),
]
PATH_INFO = {p[0]: p for p in PATHS}
# Cold batches: events per batch (default; --cold-batch), and the provider they run for (the
# cost is the connections', which is the same for every provider).
COLD_BATCH = 64
COLD_PROVIDERS = ("zapi",)
# Over https, callgrind counts only these (what the instructions target needs): a TLS run
# under valgrind takes about twice as long as a plain one.
CALLGRIND_TLS_PATHS = ("bare_loop", "se_send")

# events per measured run (and warm-up) for each path, full bench and smoke
COUNTS = {
    "bench": {"bare_loop": (20000, 500), "se_send": (20000, 500),
              "bare_multi": (10000, 1000), "se_batch": (10000, 1000),
              "http_client": (5000, 200), "requests": (1500, 100), "boto3": (1500, 100),
              "py_send": (10000, 500), "send_many": (10000, 1000),
              "aiohttp": (3000, 200), "httpx_async": (1500, 100), "async_send": (10000, 500),
              "async_many": (10000, 1000), "async_iter": (10000, 1000),
              "cli_batch": (20000, 1000)},
    "smoke": {"bare_loop": (300, 20), "se_send": (300, 20),
              "bare_multi": (300, 64), "se_batch": (300, 64),
              "http_client": (200, 10), "requests": (100, 10), "boto3": (100, 10),
              "py_send": (300, 20), "send_many": (300, 64),
              "aiohttp": (200, 64), "httpx_async": (100, 64), "async_send": (300, 20),
              "async_many": (300, 64), "async_iter": (300, 64),
              # the command is timed as the difference of two runs: it needs more than start-up
              "cli_batch": (3000, 300)},
}
# cold paths: batches measured and batches of warm-up (one: for "reuse" it leaves the client
# holding TLS sessions, as a client that sent before holds them)
COLD_BATCHES = {"bench": (16, 1), "smoke": (1, 1)}
# callgrind: the two run lengths whose difference gives instructions per event
CALLGRIND_N = {"bench": (500, 1500), "smoke": (20, 60)}
CALLGRIND_PY_N = {"bench": (100, 300), "smoke": (10, 30)}


def applicable(name, provider):
    if PATH_INFO[name][5] == "cold":
        return provider in COLD_PROVIDERS
    return name != "boto3" or provider == "connect"


def in_run(mode, scheme, name, provider):
    """Whether a run of this mode runs the path for the provider over the scheme. The smoke run
    proves the https harness with one provider per path (Z-API; boto3: Connect), which keeps it
    short: what differs between providers is the same over both schemes."""
    if not applicable(name, provider):
        return False
    return mode != "smoke" or scheme == "http" or provider == (
        "connect" if name == "boto3" else "zapi")


def key_of(scheme, name, provider):
    return "%s/%s/%s" % (scheme, name, provider)
