"""The soak: COUNT sends through the Python API, RSS sampled, growth reported.

    python soak.py BASE_URL COUNT SAMPLE_EVERY TIMEOUT_S

Sends go round-robin to the three providers' clients with send_event (reading id, accepted time
and status of each response; every 100th also its parsed body, a header and its repr); every
6,400th send is instead a send_many of 64 requests; every 1,000th send is followed by an invalid
request (ValidationError caught, nothing sent, not counted) so the error path soaks too.
RSS (/proc/self/statm) is sampled every SAMPLE_EVERY sends. The baseline is the first sample
at or after 5% of the sends (allocator arenas and caches warmed up); growth is the largest
sample after it minus it. Prints one JSON line; exits 1 when a send failed or TIMEOUT_S passed.
"""

import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import driver  # noqa: E402  (the bench requests and clients)
import sendevent  # noqa: E402

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
PROVIDERS = ("sinch", "zapi", "connect")


def rss_kb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE_KB


def main(argv):
    base_url, count, sample_every, timeout = argv[1], int(argv[2]), int(argv[3]), float(argv[4])
    clients = {p: driver.se_client(p, base_url, None) for p in PROVIDERS}
    requests = {p: driver.se_request(p) for p in PROVIDERS}
    need_time = {p: driver.ROUTES[p][3] is not None for p in PROVIDERS}
    invalid = {"sinch": {"app_id": "A", "recipient": {}, "event": {"composing_event": {}}},
               "zapi": {"phone": "no/slash", "event": {"name": "x", "dateTime": "x"}},
               "connect": {"ContentType": "", "ConnectionToken": driver.CONNECT_TOKEN}}
    warmup = max(count // 20, sample_every)
    samples = []
    failures = 0
    first_failure = None
    sent = 0
    next_sample = 0
    t0 = time.monotonic()
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    i = 0
    while sent < count:
        p = PROVIDERS[i % 3]
        i += 1
        c = clients[p]
        try:
            if sent and sent % 6400 == 0 and count - sent >= 64:
                for r in c.send_many("send_event", [requests[p]] * 64, concurrency=64):
                    if isinstance(r, Exception) or r.id is None:
                        failures += 1
                        first_failure = first_failure or repr(r)
                sent += 64
            else:
                r = c.send_event(requests[p])
                if r.id is None or (need_time[p] and r.accepted_time is None) or r.status != "ok":
                    failures += 1
                    first_failure = first_failure or repr(r)
                if sent % 100 == 0:
                    _ = r.body, r.header("Content-Type"), repr(r), r.attempts, r.elapsed
                sent += 1
                if sent % 1000 == 0:
                    try:
                        c.send_event(invalid[p])
                        failures += 1
                        first_failure = first_failure or "an invalid request was accepted"
                    except sendevent.ValidationError:
                        pass
        except sendevent.Error as exc:
            failures += 1
            first_failure = first_failure or repr(exc)
            sent += 1
        if sent >= next_sample:
            samples.append([sent, rss_kb(), round(time.monotonic() - t0, 2)])
            next_sample += sample_every
            if time.monotonic() - t0 > timeout:
                break
    wall = time.monotonic() - t0
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    samples.append([sent, rss_kb(), round(wall, 2)])
    base = next(s for s in samples if s[0] >= warmup) if sent >= warmup else samples[-1]
    after = [s[1] for s in samples if s[0] >= base[0]]
    result = {
        "count": count, "sent": sent, "failures": failures, "first_failure": first_failure,
        "wall_s": wall, "cpu_s": (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime),
        "warmup_sends": base[0], "first_rss_kb": samples[0][1], "baseline_rss_kb": base[1],
        "max_rss_after_warmup_kb": max(after), "final_rss_kb": samples[-1][1],
        "growth_mib": (max(after) - base[1]) / 1024,
        "final_growth_mib": (samples[-1][1] - base[1]) / 1024,
        "growth_from_first_sample_mib": (samples[-1][1] - samples[0][1]) / 1024,
        "maxrss_kb": ru1.ru_maxrss, "samples": samples,
    }
    print(json.dumps(result), flush=True)
    if sent < count:
        print("soak: timed out after %.0f s with %d of %d sends" % (wall, sent, count),
              file=sys.stderr)
        return 1
    if failures:
        print("soak: %d sends failed; first: %s" % (failures, first_failure), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
