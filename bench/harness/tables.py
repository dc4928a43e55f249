"""The printed tables: each scheme's table per provider with its ratios, the cold batches, the
import time and the targets."""

from harness.paths import COLD_PROVIDERS, PATH_INFO, PATHS, PROVIDERS, SCHEME_TITLES, in_run, key_of


def fmt(v, digits=None):
    if v is None:
        return "-"
    if digits is not None:
        return "%.*f" % (digits, v)
    if abs(v) >= 1000:
        return "{:,.0f}".format(v)
    if abs(v) >= 100:
        return "%.0f" % v
    if abs(v) >= 10:
        return "%.1f" % v
    return "%.2f" % v


def table(rows, header):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    lines = ["| " + " | ".join(str(h).ljust(w) for h, w in zip(header, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(c).ljust(w) if i == 0 or i == 1 else str(c).rjust(w)
                                       for i, (c, w) in enumerate(zip(r, widths))) + " |")
    return "\n".join(lines)


def xfmt(v):
    """A ratio as the tables show it."""
    return fmt(v, 2) + "x" if v else "-"


def provider_table(doc, scheme, p):
    """One scheme's table for one provider: every path but the cold ones, and its notes."""
    results, rs = doc["paths"], doc["ratios"][scheme][p]
    rows, notes = [], []
    for name, _, _, _, _, mode, label in PATHS:
        if mode == "cold" or not in_run(doc["mode"], scheme, name, p):
            continue
        rec, rt = results.get(key_of(scheme, name, p), {}), rs[name]
        if rec.get("status") != "ok":
            notes.append("%s: %s: %s" % (name, rec.get("status", "not run"),
                                         rec.get("reason", "")))
            rows.append([name, label, rec.get("status", "-"), "", "", "", "", "", "", ""])
            continue
        m = rec["median"]
        rows.append([
            name, label, fmt(m["cpu_us_per_event"]), fmt(m["wall_us_per_event"]),
            fmt(m["events_per_s"]), fmt(m["maxrss_kb"] / 1024, 1),
            fmt(rec.get("instructions_per_event")), xfmt(rt["cpu_vs_bare_loop"]),
            xfmt(rt["instructions_vs_bare_loop"]), xfmt(rt["events_per_s_vs_bare_multi"])])
    out = ["#### %s (send_event)\n" % p,
           table(rows, ["path", "what", "CPU us/event", "wall us/event", "events/s",
                        "peak RSS MiB", "instr/event", "CPU vs bare loop",
                        "instr vs bare loop", "events/s vs bare multi"])]
    if notes:
        out.append("\n".join("  " + n for n in notes))
    if rs["cli_batch"].get("events_per_s_vs_se_batch"):
        out.append("sendevent --batch events/s relative to se_batch's: %s." % xfmt(
            rs["cli_batch"]["events_per_s_vs_se_batch"]))
    b = rs["baseline_cpu_vs_py_send"]
    if any(b.values()):
        out.append("CPU per event of the Python baselines relative to the Python API's: %s." % (
            ", ".join("%s %sx" % (k, fmt(v, 1)) for k, v in b.items() if v)))
    a = rs.get("async_vs_clients", {})
    if any(a.values()):
        out.append("AsyncClient events/s relative to the asyncio HTTP clients': %s." % (
            ", ".join("%s %s" % (k, xfmt(v)) for k, v in a.items() if v)))
    if rs.get("async_send_cpu_vs_py_send"):
        out.append("CPU per event of sequential await send_event relative to send_event's: %s."
                   % xfmt(rs["async_send_cpu_vs_py_send"]))
    if any(rs.get("cpu_vs_http", {}).values()):
        out.append("CPU per event over %s relative to the same path over plain http: %s." % (
            scheme, ", ".join("%s %s" % (k, xfmt(v)) for k, v in rs["cpu_vs_http"].items()
                              if v)))
    return "\n".join(out) + "\n"


def cold_table(doc, scheme, p):
    """The cold batches of one scheme: events/s and CPU per event, connections, sessions."""
    results, rs = doc["paths"], doc["cold_ratios"][scheme][p]
    rows = []
    for name, _, _, _, _, mode, label in PATHS:
        if mode != "cold":
            continue
        rec, rt = results.get(key_of(scheme, name, p), {}), rs[name]
        if rec.get("status") != "ok":
            rows.append([name, label, "%s: %s" % (rec.get("status", "not run"),
                                                  rec.get("reason", ""))] + [""] * 7)
            continue
        m = rec["median"]
        rows.append([
            name, label, fmt(m["cpu_us_per_event"]), fmt(m["wall_us_per_event"]),
            fmt(m["events_per_s"]), "%d / %d" % (m["resumed_sessions"], m["new_connections"])
            if scheme == "https" else "- / %d" % m["new_connections"],
            xfmt(rt["cpu_vs_bare"]), xfmt(rt["events_per_s_vs_bare"]), xfmt(rt["cpu_vs_fresh"]),
            xfmt(rt["cpu_vs_warm"])])
    cfg = doc["config"]
    batches, warm = cfg["cold_batches"]
    return "\n".join([
        "#### cold batches, %s (send_event): %d batch%s of %d events (+ %d of warm-up), each "
        "on %d new connections\n" % (p, batches, "es" if batches > 1 else "", cfg["cold_batch"],
                                      warm, min(cfg["in_flight"], cfg["cold_batch"])),
        table(rows, ["path", "what", "CPU us/event", "wall us/event", "events/s",
                     "resumed / new connections", "CPU vs bare", "events/s vs bare",
                     "CPU vs fresh", "CPU vs warm batch"])]) + "\n"


def report(doc):
    out = []
    for scheme in doc["config"]["schemes"]:
        out.append("### %s\n" % SCHEME_TITLES[scheme])
        out.extend(provider_table(doc, scheme, p) for p in PROVIDERS
                   if any(in_run(doc["mode"], scheme, name, p) for name in PATH_INFO))
        out.extend(cold_table(doc, scheme, p) for p in COLD_PROVIDERS)
    imp = doc["import"]
    if imp.get("status") == "ok":
        m = imp["median_ms"]
        out.append("### import sendevent\n\n/usr/bin/python3 -c pass: %.1f ms; -c 'import sendevent':"
                   " %.1f ms; difference %.1f ms (venv interpreter: %.1f ms vs %.1f ms, %.1f ms;"
                   " import + first Client(): %.1f ms over bare); medians of %d runs each.\n"
                   "Largest self times in the import (-X importtime): %s\n" % (
                       m["bare"], m["import"], imp["delta_ms"], m["venv_bare"],
                       m["venv_import"], imp["venv_delta_ms"], imp["import_and_client_delta_ms"],
                       imp["reps"], ", ".join("%s %.1f ms" % (t["module"], t["self_us"] / 1000)
                                              for t in imp["importtime_top_self_us"][:6])))
    else:
        out.append("### import sendevent\n\nskipped: %s\n" % imp.get("reason"))
    rows = []
    for t in doc["targets"]:
        val = "-" if t["value"] is None else (fmt(t["value"], 2) + " " + t["unit"])
        state = "not measured" if t["met"] is None else "met" if t["met"] else "NOT MET"
        rows.append([t["target"], t["scheme"], t["provider"], val,
                     "%s %s %s" % (t["op"], t["limit"], t["unit"]), state, t["detail"]])
    out.append("### targets\n")
    out.append(table(rows, ["target", "scheme", "provider", "value", "target", "result",
                            "measured"]))
    return "\n".join(out)
