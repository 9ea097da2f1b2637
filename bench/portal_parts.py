"""Where the citizen portal's POST spends its time: the same app served with parts of the
request taken out, each next to bare Flask on the same gunicorn configuration as
bench/load.py, in interleaved rounds (medians).

Variants (each a copy of the app with a stub; measurement only, never served):

- full: the portal as it runs;
- no render: the lookup runs, the page is not rendered (the view answers "ok");
- no lookup: the page is rendered with no results, the SELECT never runs;
- neither: CSRF check, session, form, rate limit and plumbing only;
- neither, no CSRF: the same with Flask-WTF's CSRF switched off.

Each part's cost is printed as machine time per request (both cores): 2 / req/s of the
variant with the part minus that of the variant without it. The database at
BENCH_DATABASE_URL (default .../bench_parts) is dropped and recreated.

Five rounds by default: wrk's 32 keep-alive connections split between the two workers as
their accepts happen to race, and a run where one worker holds most of them leaves the other
idle (gunicorn near 115 % CPU instead of 170 %) at about half the throughput.

    .venv/bin/python bench/portal_parts.py [--people 500] [--seconds 5] [--rounds 5]
"""

import argparse
import os
import signal
import statistics
import sys
import tempfile
from pathlib import Path

import redis
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import load_tools as tools  # noqa: E402
from load import GUNICORN, REDIS_URL  # noqa: E402

PG_URL = os.environ.get("BENCH_DATABASE_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/bench_parts")
#: name -> (port, stub code run after the app is built).
VARIANTS = {
    "full": (8491, ""),
    "no render": (8492, "pv.render_template = lambda *a, **k: 'ok' if request.method == "
                        "'POST' else render(*a, **k)"),
    "no lookup": (8493, "pv.public.portal_lookup = lambda *a: []"),
    "neither": (8494, "pv.render_template = lambda *a, **k: 'ok' if request.method == "
                      "'POST' else render(*a, **k)\npv.public.portal_lookup = lambda *a: []"),
    "neither, no CSRF": (8495, "pv.render_template = lambda *a, **k: 'ok' if request.method "
                               "== 'POST' else render(*a, **k)\n"
                               "pv.public.portal_lookup = lambda *a: []\n"
                               "app.config['WTF_CSRF_ENABLED'] = False"),
}
#: (part, variant with it, variant without it).
PARTS = (("SELECT", "no render", "neither"), ("page, no rows", "no lookup", "neither"),
         ("page, one row", "full", "no render"), ("CSRF", "neither", "neither, no CSRF"))


def _write_variants(tmp: str) -> None:
    for name, (port, stub) in VARIANTS.items():
        Path(tmp, f"parts_{port}.py").write_text(
            f"# {name}\nfrom flask import request\nfrom wsgi import app\n"
            "import lms.certificates.public_views as pv\nrender = pv.render_template\n"
            f"{stub}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    tools.recreate_database(PG_URL)
    with tempfile.TemporaryDirectory() as tmp:
        env = tools.app_env(tmp, PG_URL, REDIS_URL, str(ROOT))
        built = tools.build(env, args.people, tmp)
        tools.write_apps(tmp, make_url(PG_URL).set(drivername="postgresql"))
        _write_variants(tmp)
        servers = [tools.serve("bare_app", 8490, tmp, env, GUNICORN)]
        servers += [tools.serve(f"parts_{port}", port, tmp, env, GUNICORN)
                    for port, _stub in VARIANTS.values()]
        runs: dict[str, list[float]] = {"bare": [], **{name: [] for name in VARIANTS}}
        try:
            requests = {name: tools.portal_requests(port, built["people"])
                        for name, (port, _stub) in VARIANTS.items()}
            for _ in range(args.rounds):
                redis.Redis.from_url(REDIS_URL).flushdb()  # the portal's 10/minute per client
                runs["bare"].append(tools.load(8490, [("GET", "/bare.json", None)],
                                               args.seconds, tmp)[0])
                for name, (port, _stub) in VARIANTS.items():
                    tools.load(port, requests[name], 1, tmp)
                    runs[name].append(tools.load(port, requests[name], args.seconds, tmp)[0])
        finally:
            for proc in servers:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
    medians = {name: statistics.median(values) for name, values in runs.items()}
    print(f"\ngunicorn {' '.join(GUNICORN[:6])}; {tools.CONNECTIONS} conexiones; "
          f"medianas de {args.rounds} rondas")
    print(f"{'variante':20s} {'req/s':>8s} {'% Flask':>8s}   rondas")
    for name, rps in medians.items():
        rounds = "  ".join(f"{r:6.0f}" for r in runs[name])
        print(f"{name:20s} {rps:8.0f} {rps / medians['bare']:8.0%}   {rounds}")
    print("\nTiempo de máquina por solicitud (2 núcleos / req/s):")
    for part, with_it, without in PARTS:
        cost = 2e6 / medians[with_it] - 2e6 / medians[without]
        print(f"  {part:20s} {cost:7.0f} µs")
    print(f"  {'resto (neither)':20s} {2e6 / medians['neither']:7.0f} µs")
    budget = 2e6 / (0.25 * medians["bare"])
    print(f"  {'meta 25 %':20s} {budget:7.0f} µs por solicitud en total")


if __name__ == "__main__":
    main()
