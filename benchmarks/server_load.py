"""First the corpus: importing ARTICLES articles, the list's filter and a phrase count from
the text index, on a server (when the script starts its own) and on a file. Then a lab under
load: CODERS coder processes, each doing ACTIONS coding actions at once against one project,
first on a PostgreSQL server (each coder its own role, under row-level security), then the
same actions on one local SQLite file (the baseline, measured in the same run). Prints the
latency of one action (p50, p95, p99, max), the throughput, and whether any action was
lost: after the run every span each coder kept is read back.

    python benchmarks/server_load.py [--coders 10] [--actions 1000] [--articles 5000] [--quick]

The server is started from the pgserver wheel, or ANNOTATOR_BENCH_POSTGRESQL names a
database (empty) on an existing one, as a role that may create roles.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.domain.assignment import Plan  # noqa: E402
from annotator.domain.model import NewDocument, Status  # noqa: E402
from annotator.services import actions  # noqa: E402
from annotator.storage import Project  # noqa: E402
from annotator.storage.postgres import server  # noqa: E402
from annotator.storage.sqlite.database import now  # noqa: E402

DOCUMENTS = 200
TEXT = ("Vladimir Putin told the Kremlin press pool that NATO must stop. Jens Stoltenberg "
        "replied in Brussels that the alliance would not be moved by threats. ") * 4


def as_user(url: str, user: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}"))


def coder_run(location: str, coder: str, documents: list[int], n: int, seed: int,
              password: str | None, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """One coder: n actions, each timed; reports its latencies and the spans it kept."""
    if password:
        os.environ["PGPASSWORD"] = password  # as libpq finds it: never in the location
    rng = random.Random(seed)
    latencies: list[float] = []
    kept: set[str] = set()
    with Project.open(location) as project:
        began = time.perf_counter()
        for i in range(n):
            doc = rng.choice(documents)
            roll = rng.random()
            start = time.perf_counter()
            if roll < 0.6 or not kept:  # add a span
                at = rng.randrange(0, len(TEXT) - 20)
                kept.add(project.add_span(doc, coder, "speaker", at, at + 12).id)
            elif roll < 0.8:  # change a span's memo
                project.update_span(rng.choice(sorted(kept)), memo=f"note {i}")
            elif roll < 0.9:  # a document variable
                project.set_variable(doc, coder, "tone", rng.choice(["negative", "neutral"]))
            elif roll < 0.95:  # a status
                project.set_status(doc, coder, rng.choice([Status.IN_PROGRESS, Status.DONE]))
            else:  # delete a span
                victim = rng.choice(sorted(kept))
                project.delete_span(victim)
                kept.discard(victim)
            latencies.append(time.perf_counter() - start)
        busy = time.perf_counter() - began
    queue.put((coder, latencies, sorted(kept), busy))


def run(location: str, coders: list[str], plan: dict[str, list[int]], n: int,
        coder_location, passwords: dict[str, str | None]) -> dict[str, object]:  # type: ignore[no-untyped-def]
    context = multiprocessing.get_context("spawn")  # fresh processes: no shared connection
    queue = context.Queue()
    workers = [context.Process(target=coder_run, args=(coder_location(c), c, plan[c], n,
                                                       k, passwords.get(c), queue))
               for k, c in enumerate(coders)]
    for w in workers:
        w.start()
    results = [queue.get(timeout=1800) for _ in workers]
    for w in workers:
        w.join()
    wall = max(busy for *_, busy in results)  # the slowest coder's loop, without start-up
    latencies = sorted(x for _, lat, _, _ in results for x in lat)
    with Project.open(location, read_only=True) as project:
        stored = {s.id for s in project.iter_spans(coders=coders)}
    kept = {i for _, _, ids, _ in results for i in ids}
    return {"latencies": latencies, "wall": wall, "lost": len(kept - stored),
            "extra": len(stored - kept), "actions": len(latencies)}


def pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def report(name: str, result: dict[str, object]) -> None:
    lat = result["latencies"]
    assert isinstance(lat, list)
    print(f"{name:<28} p50 {pct(lat, 0.50):6.2f} ms   p95 {pct(lat, 0.95):6.2f} ms   "
          f"p99 {pct(lat, 0.99):6.2f} ms   max {max(lat) * 1000:7.1f} ms   "
          f"mean {statistics.fmean(lat) * 1000:6.2f} ms   "
          f"{result['actions'] / result['wall']:7.0f} actions/s   "  # type: ignore[operator]
          f"lost {result['lost']}   unexpected {result['extra']}")


def setup(location: str, coders: list[str]
          ) -> tuple[dict[str, list[int]], dict[str, str | None]]:
    with actions.new_project(location) as project:
        project.import_documents([NewDocument(text=f"Article {i}. {TEXT}", title=f"A{i}")
                                  for i in range(DOCUMENTS)])
        ids = project.all_document_ids()
        plan = {c: [d for j, d in enumerate(ids) if j % len(coders) in (k, (k + 1) %
                                                                     len(coders))]
                for k, c in enumerate(coders)}
        project.set_assignments(Plan(order=plan, reliability=set()))
        passwords: dict[str, str | None] = {}
        if project.on_server:
            server.init(project.db)  # type: ignore[arg-type]
            for c in coders:
                passwords[c] = server.add_coder(project.db, c,  # type: ignore[arg-type]
                                                created_at=now()).password
    return plan, passwords


def corpus_figures(location: str, articles: int) -> str:
    """Import, filter and phrase count on an empty project at ``location``."""
    from annotator.domain.corpus_query import parse

    docs = [NewDocument(text=f"Article {i}. {TEXT * 8}", title=f"T{i}", outlet="Tass")
            for i in range(articles)]
    with actions.new_project(location) as project:
        start = time.perf_counter()
        project.import_documents(docs)
        imported = time.perf_counter() - start
        start = time.perf_counter()
        found = project.document_ids(search="Stolt")
        filtered = time.perf_counter() - start
        start = time.perf_counter()
        counted = project.count_matching(parse('"Jens Stoltenberg"'))
        phrase = time.perf_counter() - start
    return (f"import {articles:,} articles {imported:6.2f} s   filter 'Stolt' "
            f"{filtered * 1000:5.0f} ms ({len(found):,})   phrase count {phrase * 1000:4.0f} ms "
            f"({counted:,})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--coders", type=int, default=10)
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--quick", action="store_true", help="3 coders x 50 actions")
    args = parser.parse_args()
    n_coders, n = (3, 50) if args.quick else (args.coders, args.actions)
    articles = 200 if args.quick else args.articles
    folder = Path(tempfile.mkdtemp())
    tag = os.urandom(3).hex()
    coders = [f"load_{tag}_{k}" for k in range(n_coders)]
    given = os.environ.get("ANNOTATOR_BENCH_POSTGRESQL")
    handle = None
    if given:
        url = given
    else:
        import pgserver

        handle = pgserver.get_server(folder / "pg", cleanup_mode="delete")
        import psycopg

        with psycopg.connect(handle.get_uri(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE load_{tag}")
            conn.execute(f"CREATE DATABASE corpus_{tag}")
        url = handle.get_uri(f"load_{tag}")
        print(f"{'PostgreSQL':<28} " + corpus_figures(handle.get_uri(f"corpus_{tag}"),
                                                      articles))
        print(f"{'SQLite, one local file':<28} " + corpus_figures(
            str(folder / "corpus.annotator"), articles))
    print(f"{n_coders} coders x {n} actions each, at once (60 % add a span, 20 % change a "
          f"memo, 10 % a variable, 5 % a status, 5 % delete a span)")
    plan, passwords = setup(url, coders)
    on_server = run(url, coders, plan, n, lambda c: as_user(url, c), passwords)
    local = folder / "load.annotator"
    setup(str(local), coders)
    on_file = run(str(local), coders, plan, n, lambda c: str(local), {})
    report("PostgreSQL (roles + RLS)", on_server)
    report("SQLite, one local file", on_file)
    ratio = pct(on_server["latencies"], 0.5) / pct(on_file["latencies"], 0.5)  # type: ignore[arg-type]
    print(f"server p50 / file p50 ratio: {ratio:.2f}")
    if handle is not None:
        handle.cleanup()
    if on_server["lost"] or on_file["lost"] or on_server["extra"] or on_file["extra"]:
        sys.exit("actions were lost")


if __name__ == "__main__":
    main()
