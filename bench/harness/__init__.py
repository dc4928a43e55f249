"""The benchmark harness behind bench/run.py (make bench, make bench-smoke, make bench-soak),
one module per concern; docs/performance.md explains every figure.

    common         the bench directory, the repository root, the progress log
    paths          the client paths measured, their counts, which run for which provider/scheme
    throwaway_ca   the run's own CA and server certificate (openssl CLI)
    responder      the static nginx responder on 127.0.0.1, plain http and https
    clients        building the C programs, checking interpreters, one path's command line
    rounds         running and timing the paths in interleaved rounds, medians
    callgrind      instructions per event (valgrind --tool=callgrind, two run lengths)
    import_time    import sendevent against a bare interpreter start
    targets        ratios between paths and the targets they must meet
    tables         the printed tables
    json_doc       the JSON document: the run's configuration, the host, writing it
    soak           1,000,000 sends with RSS sampled (soak mode)
    bench_mode     the bench and smoke modes from start to exit code
"""
