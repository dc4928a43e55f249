"""One Python client path of the benchmark, measured in this process.

    python driver.py PATH PROVIDER BASE_URL N [WARMUP [CA_FILE]]

PATH is one of
    http_client  baseline: http.client.HTTPConnection (keep-alive) + json
    requests     baseline: requests.Session().post (keep-alive)
    boto3        baseline: boto3 connectparticipant send_event (Connect only)
    se_seq       ours: sendevent.Client(...).send_event(...), sequentially
    se_many      ours: sendevent.Client(...).send_many("send_event", [...], concurrency=64)
    aiohttp      baseline: aiohttp.ClientSession().post, 64 in flight on one asyncio loop
    httpx_async  baseline: httpx.AsyncClient().post, 64 in flight on one asyncio loop
    as_seq       ours: await sendevent.AsyncClient(...).send_event(...), sequentially
    as_many      ours: await sendevent.AsyncClient(...).send_many("send_event", [...], 64)
    as_iter      ours: async for ... in sendevent.AsyncClient(...).send_iter(..., 64)

The asyncio paths run on one event loop (asyncio's default), made once; the 64-in-flight
baselines keep 64 tasks posting over a pool of at most 64 keep-alive connections.

Every path does the same work per event as the C programs (bench/c/common.h): the provider's
JSON body (Connect: with a fresh UUID v4 ClientToken, which boto3 and libsendevent add
themselves), the same headers including auth, the status checked, the JSON answer parsed and the
id (and accepted time where given) read. WARMUP events are sent first and not measured
(se_many: as a call of its own). Over https (BASE_URL https://...), every path verifies the
server's certificate against CA_FILE (the benchmark's throw-away CA; "-" or absent: the
system's): http.client and requests through an ssl context / verify=, boto3 with verify=,
sendevent with its ca_file option. Prints one JSON line like the C programs:
    {"n":..,"ok":..,"wall_s":..,"user_s":..,"sys_s":..,"maxrss_kb":..,"minflt":..,"nvcsw":..}
or {"skipped": "<reason>"} (exit 3) when the path's package cannot be imported.
Exit 0 only when every event succeeded.
"""

import json
import os
import resource
import sys
import time
import uuid

# The bench credentials: the same as bench/c/common.h.
SINCH_PROJECT = "bench-project"
SINCH_TOKEN = "bench-access-token-0123456789abcdef"
ZAPI_INSTANCE = "3C5A0B1D2E3F4A5B6C7D8E9F0A1B2C3D"
ZAPI_TOKEN = "F0E1D2C3B4A5968778695A4B3C2D1E0F"
ZAPI_CLIENT_TOKEN = "Fa1b2c3d4e5f60718293a4b5c6d7e8f9S"
CONNECT_TOKEN = "QVFJREFIaGJlbmNoLWNvbm5lY3Rpb24tdG9rZW4tMDEyMzQ1Njc4OWFiY2RlZg"
TYPING = "application/vnd.amazonaws.connect.event.typing"

# path on the server, headers, id field, accepted-time field (None: the provider gives none)
ROUTES = {
    "sinch": ("/v1/projects/%s/events:send" % SINCH_PROJECT,
              {"Authorization": "Bearer " + SINCH_TOKEN, "Content-Type": "application/json",
               "Accept": "application/json"},
              "event_id", "accepted_time"),
    "zapi": ("/instances/%s/token/%s/send-event" % (ZAPI_INSTANCE, ZAPI_TOKEN),
             {"Content-Type": "application/json", "Client-Token": ZAPI_CLIENT_TOKEN},
             "messageId", None),
    "connect": ("/participant/event",
                {"X-Amz-Bearer": CONNECT_TOKEN, "Content-Type": "application/json"},
                "Id", "AbsoluteTime"),
}


def wire_body(provider):
    """The JSON object a hand-written client sends (what goes on the wire)."""
    if provider == "sinch":
        return {"app_id": "01HBENCHAPP0000000000000000",
                "recipient": {"contact_id": "01HBENCHCONTACT00000000000"},
                "event": {"composing_event": {}}}
    if provider == "zapi":
        return {"phone": "120363019502650977-group",
                "event": {"name": "Standup", "dateTime": "2024-04-29T09:30:53.309Z"}}
    return {"ContentType": TYPING, "ClientToken": str(uuid.uuid4())}


def se_request(provider):
    """The request as a sendevent user writes it (Connect: the token in the object, the
    library adds the ClientToken)."""
    if provider == "connect":
        return {"ContentType": TYPING, "ConnectionToken": CONNECT_TOKEN}
    return wire_body(provider)


def se_client(provider, base_url, ca_file, cls_name="Client"):
    import sendevent
    cls = getattr(sendevent, cls_name)
    # ca_file=None leaves the option at its default (the system's CAs)
    if provider == "sinch":
        return cls("sinch", project_id=SINCH_PROJECT, access_token=SINCH_TOKEN,
                   base_url=base_url, ca_file=ca_file)
    if provider == "zapi":
        return cls("zapi", instance_id=ZAPI_INSTANCE, token=ZAPI_TOKEN,
                   client_token=ZAPI_CLIENT_TOKEN, base_url=base_url, ca_file=ca_file)
    return cls("connect", base_url=base_url, ca_file=ca_file)


def answered(answer, id_key, time_key):
    """1 when a parsed answer has the id (and the accepted time where the provider gives it)."""
    return int(answer.get(id_key) is not None and (
        time_key is None or answer.get(time_key) is not None))


def in_flight(loop, post, n):
    """Runs n posts (post() -> 1 or 0, a coroutine) on the loop with 64 in flight."""
    import asyncio

    async def worker(count):
        ok = 0
        for _ in range(count):
            ok += await post()
        return ok

    async def all_of():
        share, extra = divmod(n, 64)
        counts = [share + (i < extra) for i in range(64)]
        return sum(await asyncio.gather(*(worker(c) for c in counts if c)))
    return loop.run_until_complete(all_of())


def async_path(path, provider, base_url, ca_file):
    """The asyncio paths: run(n) on one loop, made here."""
    import asyncio
    import ssl
    route, headers, id_key, time_key = ROUTES[provider]
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    url = base_url + route
    context = ssl.create_default_context(cafile=ca_file) if base_url.startswith("https") else None

    if path == "aiohttp":
        import aiohttp

        async def make():
            return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64, ssl=context))
        session = loop.run_until_complete(make())

        async def post_aiohttp():
            async with session.post(url, data=json.dumps(wire_body(provider)),
                                    headers=headers) as r:
                if r.status != 200:
                    return 0
                return answered(json.loads(await r.read()), id_key, time_key)
        return lambda n: in_flight(loop, post_aiohttp, n)

    if path == "httpx_async":
        import httpx
        client = httpx.AsyncClient(verify=context if context else True,
                                   limits=httpx.Limits(max_connections=64,
                                                       max_keepalive_connections=64))

        async def post_httpx():
            r = await client.post(url, content=json.dumps(wire_body(provider)).encode(),
                                  headers=headers)
            return answered(r.json(), id_key, time_key) if r.status_code == 200 else 0
        return lambda n: in_flight(loop, post_httpx, n)

    client = se_client(provider, base_url, ca_file, "AsyncClient")
    need_time = time_key is not None

    def good(r):
        return int(not isinstance(r, Exception) and r.id is not None
                   and (not need_time or r.accepted_time is not None))

    if path == "as_seq":
        request = se_request(provider)

        async def seq(n):
            ok = 0
            send = client.send_event
            for _ in range(n):
                r = await send(request)
                ok += r.id is not None and (not need_time or r.accepted_time is not None)
            return ok
        return lambda n: loop.run_until_complete(seq(n))

    if path == "as_many":
        async def many(n):
            requests_ = [se_request(provider) for _ in range(n)]
            return sum(map(good, await client.send_many("send_event", requests_, 64)))
        return lambda n: loop.run_until_complete(many(n))

    if path == "as_iter":
        async def stream(n):
            requests_ = [se_request(provider) for _ in range(n)]
            ok = 0
            async for _, r in client.send_iter("send_event", requests_, 64):
                ok += good(r)
            return ok
        return lambda n: loop.run_until_complete(stream(n))
    raise SystemExit("unknown path %r" % path)


def baseline_path(path, provider, base_url, ca_file):
    """run(n) of a sequential Python baseline: http.client, requests or boto3."""
    route, headers, id_key, time_key = ROUTES[provider]

    if path == "http_client":
        import http.client
        import ssl
        import urllib.parse
        u = urllib.parse.urlsplit(base_url)
        if u.scheme == "https":
            # verifies the chain and that the certificate is for 127.0.0.1, as curl does
            context = ssl.create_default_context(cafile=ca_file)
            conn = http.client.HTTPSConnection(u.hostname, u.port, context=context)
        else:
            conn = http.client.HTTPConnection(u.hostname, u.port)

        def run(n):
            ok = 0
            for _ in range(n):
                conn.request("POST", route, json.dumps(wire_body(provider)).encode(), headers)
                r = conn.getresponse()
                data = r.read()
                if r.status == 200:
                    answer = json.loads(data)
                    ok += answer.get(id_key) is not None and (
                        time_key is None or answer.get(time_key) is not None)
            return ok
        return run

    if path == "requests":
        import requests
        session = requests.Session()
        # per request: REQUESTS_CA_BUNDLE in the environment would override session.verify
        verify = ca_file or True
        url = base_url + route

        def run(n):
            ok = 0
            for _ in range(n):
                r = session.post(url, data=json.dumps(wire_body(provider)), headers=headers,
                                 verify=verify)
                if r.status_code == 200:
                    answer = r.json()
                    ok += answer.get(id_key) is not None and (
                        time_key is None or answer.get(time_key) is not None)
            return ok
        return run

    if path == "boto3":
        if provider != "connect":
            raise SystemExit("boto3 is a Connect baseline only")
        os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
        import boto3
        import botocore.config
        # SendEvent is unsigned (X-Amz-Bearer only); boto3 still wants a region.
        client = boto3.client("connectparticipant", region_name="us-east-1", endpoint_url=base_url,
                              aws_access_key_id="unused", aws_secret_access_key="unused",
                              verify=ca_file,  # None: botocore's default bundle
                              config=botocore.config.Config(retries={"mode": "standard"}))

        def run(n):
            ok = 0
            for _ in range(n):
                r = client.send_event(ContentType=TYPING, ConnectionToken=CONNECT_TOKEN)
                ok += r.get("Id") is not None and r.get("AbsoluteTime") is not None
            return ok
        return run
    raise SystemExit("unknown path %r" % path)


def make_path(path, provider, base_url, ca_file):
    """Returns run(n) -> number of events that succeeded."""
    _, _, _, time_key = ROUTES[provider]

    if path in ("http_client", "requests", "boto3"):
        return baseline_path(path, provider, base_url, ca_file)

    if path == "se_seq":
        client = se_client(provider, base_url, ca_file)
        request = se_request(provider)
        need_time = time_key is not None

        def run(n):
            ok = 0
            send = client.send_event
            for _ in range(n):
                r = send(request)
                ok += r.id is not None and (not need_time or r.accepted_time is not None)
            return ok
        return run

    if path == "se_many":
        client = se_client(provider, base_url, ca_file)
        need_time = time_key is not None

        def run(n):
            requests_ = [se_request(provider) for _ in range(n)]
            ok = 0
            for r in client.send_many("send_event", requests_, concurrency=64):
                if isinstance(r, Exception):
                    continue
                ok += r.id is not None and (not need_time or r.accepted_time is not None)
            return ok
        return run

    if path in ("aiohttp", "httpx_async", "as_seq", "as_many", "as_iter"):
        return async_path(path, provider, base_url, ca_file)
    raise SystemExit("unknown path %r" % path)


def main(argv):
    if len(argv) not in (5, 6, 7):
        raise SystemExit(__doc__)
    path, provider, base_url, n = argv[1], argv[2], argv[3], int(argv[4])
    warmup = int(argv[5]) if len(argv) >= 6 else 0
    ca_file = argv[6] if len(argv) == 7 and argv[6] != "-" else None
    try:
        run = make_path(path, provider, base_url, ca_file)
    except ImportError as exc:
        print(json.dumps({"skipped": "%s not importable: %s" % (path, exc)}))
        return 3
    ok_warm = run(warmup) if warmup else 0
    ru0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    ok = run(n)
    t1, ru1 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"n": n, "ok": ok, "wall_s": t1 - t0,
                      "user_s": ru1.ru_utime - ru0.ru_utime, "sys_s": ru1.ru_stime - ru0.ru_stime,
                      "maxrss_kb": ru1.ru_maxrss, "minflt": ru1.ru_minflt - ru0.ru_minflt,
                      "nvcsw": ru1.ru_nvcsw - ru0.ru_nvcsw}), flush=True)
    return 0 if ok == n and ok_warm == warmup else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
