"""Where the answer request's time goes, in process (no sockets, no HTTP parsing): the app is
called directly through ASGI by 64 concurrent callers, as wrk's 64 clients would.

It prints microseconds per call for the trivial endpoint and for the answer request, and for
the answer request with parts taken away: the write replaced by an already-resolved future
(the cost of waiting for the group commit, without the commit), the write replaced by nothing,
and the whole handler replaced by a constant response (what a PUT with a body costs on that
route before any of the answer's own work). The differences say what each part costs.

Run: .venv/bin/python benchmarks/answer_cost.py [--calls 8000] [--rounds 5]
Each figure is the best of ``--rounds`` (the VM's speed drifts).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from _common import write
from certprep.runtime import Runtime
from certprep.services.step_writer import StepWriter
from certprep.web import exam_api
from certprep.web.app import create_app
from certprep.web.settings import WebSettings

TOKEN = "t" * 43
CALLERS = 64
HOST = [(b"host", b"127.0.0.1:8000")]
ANSWER_HEADERS = [
    *HOST,
    (b"content-type", b"application/json"),
    (b"x-csrf-token", TOKEN.encode()),
    (b"cookie", b"certprep_csrf=" + TOKEN.encode()),
    (b"content-length", b"16"),
]


def scope(method: str, path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


class Bench:
    def __init__(self, attempts: int) -> None:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='certprep-bench-')}/certprep.db"
        runtime = Runtime(database_url=url)
        self.app = create_app(runtime, WebSettings())
        self.ids = [runtime.exams.start_exam(seed=n).attempt.id for n in range(attempts)]
        self.rng = random.Random(1)

    async def call(self, method: str, path: str, headers: Any, body: bytes = b"") -> None:
        status = 0

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await self.app(scope(method, path, headers), receive, send)
        if status != 200:
            raise SystemExit(f"{method} {path} answered {status}")

    async def trivial(self, n: int) -> None:
        await self.call("GET", "/healthz", HOST)

    async def answer(self, n: int) -> None:
        attempt = self.ids[n % len(self.ids)]
        path = f"/api/attempts/{attempt}/questions/{self.rng.randint(1, 75)}/answer"
        body = f'{{"choice":["{self.rng.choice("ABCD")}"]}}'.encode()
        await self.call("PUT", path, ANSWER_HEADERS, body)

    async def per_call_us(
        self, fn: Callable[[int], Awaitable[None]], calls: int, rounds: int
    ) -> float:
        best = float("inf")
        for _ in range(rounds):

            async def caller(k: int) -> None:
                for j in range(calls // CALLERS):
                    await fn(k * 100_003 + j)

            start = time.perf_counter()
            await asyncio.gather(*(caller(k) for k in range(CALLERS)))
            best = min(best, time.perf_counter() - start)
        return round(best / (calls // CALLERS * CALLERS) * 1e6, 1)


async def measure(calls: int, rounds: int) -> dict[str, float]:
    bench = Bench(attempts=500)
    results = {"trivial endpoint": await bench.per_call_us(bench.trivial, calls, rounds)}
    results["answer"] = await bench.per_call_us(bench.answer, calls, rounds)

    real_write = StepWriter.write

    async def resolved_future(self: StepWriter, *args: Any, **kwargs: Any) -> None:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        loop.call_soon(future.set_result, None)
        await future

    async def no_write(self: StepWriter, *args: Any, **kwargs: Any) -> None:
        return None

    try:
        StepWriter.write = resolved_future  # type: ignore[method-assign]
        results[
            "answer, waiting on a resolved future instead of the commit"
        ] = await bench.per_call_us(bench.answer, calls, rounds)
        StepWriter.write = no_write  # type: ignore[method-assign]
        results["answer, no write at all"] = await bench.per_call_us(bench.answer, calls, rounds)
    finally:
        StepWriter.write = real_write  # type: ignore[method-assign]

    route = next(
        r for r in bench.app.router.routes if getattr(r, "endpoint", None) is exam_api.put_answer
    )
    real_app = route.app  # type: ignore[attr-defined]

    async def constant(scope: Any, receive: Any, send: Any) -> None:
        await exam_api.json_response({})(scope, receive, send)

    route.app = constant  # type: ignore[attr-defined]
    try:
        results["the answer route answering a constant"] = await bench.per_call_us(
            bench.answer, calls, rounds
        )
    finally:
        route.app = real_app  # type: ignore[attr-defined]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=8000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    import uvloop

    results = uvloop.run(measure(args.calls, args.rounds))
    trivial = results["trivial endpoint"]
    for name, us in results.items():
        print(f"{us:8.1f} µs per call  {us / trivial:5.1f}x trivial  {name}")
    write("answer_cost", {"us_per_call": results, "callers": CALLERS})


if __name__ == "__main__":
    main()
