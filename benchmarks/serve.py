"""What `tui-nn serve` costs, and how fast it answers (issue 21).

    python benchmarks/serve.py                          # all three parts
    python benchmarks/serve.py --only viewers --viewers 30 --seconds 20
    python benchmarks/serve.py --only first,keys --tabs 5 --presses 30

Run it under the bench lock (`flock /work/brief/bench.lock python benchmarks/serve.py`); it
prints the machine's load next to its figures. Everything runs in private runtime and data
folders of its own, and every process it starts is ended.

1. first screen (goal <= 2 s): headless Chromium opens the link (a new run each time); the
   time from asking for the page to the app's first whole screen (its network panel and its
   status line) in the terminal's buffer, i.e. what the person sees.
2. keys (goal p95 <= 80 ms): in that tab, `m` switches the heatmap between |delta| and the
   activations; from the key press to the new legend in the terminal's buffer, timed inside
   the page (browser -> websocket -> server -> app -> server -> websocket -> xterm.js).
3. viewers (goals: the trainer keeps >= 80 % of its headless throughput; <= 30 KB/s a tab):
   one run trains as fast as it can with no tab open (headless), then with N tabs on it (by
   default read-only viewers, `--as run` for editing tabs), each a websocket client that
   reads everything as a browser does. Printed: the trainer's epochs/s in both, memory
   (RSS and USS) per tab's app, the CPU of the apps and of the server, bytes per tab.
The first two need Playwright and a Chromium (see tests/web/browser.py); without them those
parts say so and are skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "web"))  # the browser and serve helpers of the tests
from web_helpers import ServeCommand  # noqa: E402

GOAL_FIRST_S = 2.0
GOAL_KEY_P95_MS = 80.0
GOAL_SHARE = 0.80
GOAL_BYTES = 30_000
FIRST_SCREEN = r"Network[\s\S]*Training[\s\S]*Run/Pause"  # the panels and the key bar
READY = r"○ ready|▶ running|‖ paused"  # ... and the trainer's first snapshot
LEGEND = {"delta": r"\|δ\|", "activation": r"act(?: log)? -?\d"}


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Server(ServeCommand):
    """`tui-nn serve --port 0 ...` in a process of its own (the tests' helper)."""

    def __init__(self, args: list[str]) -> None:
        super().__init__(args, env=dict(os.environ))

    def token(self, index: int = 0) -> str:
        return self.urls[index].split("token=", 1)[1]

    @property
    def ws_base(self) -> str:
        return self.base.replace("http://", "ws://")

    def stop(self) -> None:
        self.kill()  # Ctrl-C first


def its_trainer():  # noqa: ANN201 - a rendezvous.TrainerInfo
    import tui_nn.session.protocol.rendezvous as rendezvous

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = [info for info in rendezvous.trainers() if info.group.startswith("serve@")]
        if found:
            return found[-1]
        time.sleep(0.05)
    raise RuntimeError("no trainer appeared")


def wait(condition, what: str, timeout: float = 60.0):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)
    return value


# ---- 1 and 2: in a browser -------------------------------------------------------------------

WATCH_JS = """([pattern]) => {
  const t = window.tuiTerminal, re = new RegExp(pattern);
  const text = () => { const b = t.buffer.active, rows = [];
    for (let y = 0; y < t.rows; y++) rows.push(b.getLine(y).translateToString(true));
    return rows.join("\\n"); };
  window.tuiPending = new Promise(resolve => {
    const start = performance.now();
    const d = t.onWriteParsed(() => { if (re.test(text())) { d.dispose();
      resolve(performance.now() - start); } });
    setTimeout(() => { d.dispose(); resolve(null); }, 3000);
  });
}"""


def browser_parts(args: argparse.Namespace) -> None:
    try:
        from browser import chromium_path, expose_terminal, wait_screen
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("first screen, keys: skipped (Playwright is not installed: pip install '.[browser]')")
        return
    path = chromium_path()
    if path is None:
        print("first screen, keys: skipped (no Chromium: apt-get install chromium-headless-shell)")
        return
    from browser import ARGS

    server = Server(["--dataset", "circle"])
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, headless=True, args=ARGS)
            warm = browser.new_page()  # the browser's own start-up is not the server's
            warm.goto(server.url.replace("/?", "/?new=1&", 1))
            warm.close()
            if "first" in args.only:
                first_screens(browser, server, args, expose_terminal, wait_screen)
            if "keys" in args.only:
                key_latency(browser, server, args, expose_terminal, wait_screen)
            browser.close()
    finally:
        server.stop()


def first_screens(browser, server, args, expose_terminal, wait_screen) -> None:  # noqa: ANN001
    times, ready = [], []
    for _ in range(args.tabs):
        page = browser.new_page(viewport={"width": 1400, "height": 800})
        page.route("**/js/textual.js", expose_terminal)
        start = time.perf_counter()
        page.goto(server.url.replace("/?", "/?new=1&", 1))
        wait_screen(page, FIRST_SCREEN, timeout=30)
        times.append(time.perf_counter() - start)
        wait_screen(page, READY, timeout=30)
        ready.append(time.perf_counter() - start)
        page.close()
        time.sleep(0.5)
    worst = max(times)
    ok = "ok" if worst <= GOAL_FIRST_S else "OVER"
    print(
        f"first screen   median {statistics.median(times):.2f} s, max {worst:.2f} s "
        f"(n={len(times)})   goal <= {GOAL_FIRST_S:.0f} s  {ok}   [{load()}]"
    )
    print(
        f"               the trainer's first numbers (status 'ready'): median "
        f"{statistics.median(ready):.2f} s, max {max(ready):.2f} s"
    )


def key_latency(browser, server, args, expose_terminal, wait_screen) -> None:  # noqa: ANN001
    page = browser.new_page(viewport={"width": 1400, "height": 800})
    page.route("**/js/textual.js", expose_terminal)
    page.goto(server.url.replace("/?", "/?new=1&", 1))
    wait_screen(page, FIRST_SCREEN, timeout=30)
    page.focus(".xterm-helper-textarea")
    page.keyboard.press(" ")  # train meanwhile, as in class
    wait_screen(page, "▶ running", timeout=30)
    time.sleep(1.0)
    mode, latencies, missed = "delta", [], 0
    wait_screen(page, LEGEND[mode], timeout=10)
    for _ in range(args.presses):
        mode = "activation" if mode == "delta" else "delta"
        page.evaluate(WATCH_JS, [LEGEND[mode]])
        page.keyboard.press("m")
        took = page.evaluate("window.tuiPending")
        if took is None:
            missed += 1
        else:
            latencies.append(took)
        time.sleep(0.25)
    page.close()
    if not latencies:
        print(f"keys           no answer to any of {missed} presses")
        return
    p95 = percentile(latencies, 0.95)
    ok = "ok" if p95 <= GOAL_KEY_P95_MS else "OVER"
    print(
        f"keys           median {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms "
        f"(n={len(latencies)}, missed {missed})   goal p95 <= {GOAL_KEY_P95_MS:.0f} ms  {ok}"
        f"   [{load()}]"
    )


# ---- 3: many viewers of one run --------------------------------------------------------------


def epochs_per_second(trainer_id: str, seconds: float) -> float:
    from tui_nn.session.client.proxy import ask

    first, t0 = ask(trainer_id).epoch, time.monotonic()
    time.sleep(seconds)
    last, t1 = ask(trainer_id).epoch, time.monotonic()
    return (last - first) / (t1 - t0)


def cpu_of(processes: list[psutil.Process]) -> float:
    total = 0.0
    for proc in processes:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


class Tabs:
    """N websocket clients on a background event loop, each reading all it gets."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.received: list[int] = []
        self.sockets: list = []
        self.http: aiohttp.ClientSession | None = None

    def run(self, coro):  # noqa: ANN001, ANN201
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(120)

    async def _open(self, url: str, n: int) -> None:
        if self.http is None:
            self.http = aiohttp.ClientSession()
        for _ in range(n):
            ws = await self.http.ws_connect(url, max_msg_size=0)
            index = len(self.received)
            self.received.append(0)
            self.sockets.append(ws)
            self.loop.create_task(self._read(ws, index))

    async def _read(self, ws, index: int) -> None:  # noqa: ANN001
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.BINARY:
                self.received[index] += len(msg.data)

    def open(self, url: str, n: int) -> None:
        self.run(self._open(url, n))

    def send_key(self, index: int, key: str) -> None:
        self.run(self.sockets[index].send_json(["stdin", key]))

    async def _close(self) -> None:
        for ws in self.sockets:
            await ws.close()
        self.sockets.clear()
        self.received.clear()

    def close(self) -> None:
        self.run(self._close())

    def end(self) -> None:
        if self.http is not None:
            self.run(self.http.close())
        self.loop.call_soon_threadsafe(self.loop.stop)


def viewers(args: argparse.Namespace) -> None:
    from tui_nn.session.client.proxy import ask

    extra = ["--watch"] if args.kind == "watch" else []
    server = Server(["--dataset", args.dataset, "--speed", "max", *extra])
    tabs = Tabs()
    try:
        base = server.ws_base
        size = "?width=140&height=40"
        tabs.open(f"{base}/ws/{server.token()}/new{size}", 1)  # the teacher's run
        info = its_trainer()
        wait(lambda: (s := ask(info.id)) and s.clients == 1, "the first tab attached")
        tabs.send_key(0, " ")
        wait(lambda: ask(info.id).state == "running", "training")
        tabs.close()
        wait(lambda: ask(info.id).clients == 0, "the first tab gone")
        time.sleep(args.warmup)
        trainer_cpu = cpu_of([psutil.Process(info.pid)])
        headless = epochs_per_second(info.id, args.seconds)
        trainer_cpu = cpu_of([psutil.Process(info.pid)]) - trainer_cpu
        print(
            f"viewers        headless: {headless:.0f} epochs/s, the trainer "
            f"{100 * trainer_cpu / args.seconds:.0f} % of a core   [{load()}]"
        )

        token = server.token(1 if args.kind == "watch" else 0)
        tabs.open(f"{base}/ws/{token}/{args.kind}/{info.id}{size}", args.viewers)
        wait(lambda: ask(info.id).clients == args.viewers, "every tab attached", 300)
        time.sleep(args.warmup)
        server_proc = psutil.Process(server.proc.pid)
        apps = server_proc.children()
        trainer = [psutil.Process(info.pid)]
        before = (cpu_of(apps), cpu_of([server_proc]), list(tabs.received), time.monotonic())
        trainer_cpu = cpu_of(trainer)
        watched = epochs_per_second(info.id, args.seconds)
        after = (cpu_of(apps), cpu_of([server_proc]), list(tabs.received), time.monotonic())
        trainer_cpu = cpu_of(trainer) - trainer_cpu
        wall = after[3] - before[3]
        rates = [(b - a) / wall for a, b in zip(before[2], after[2])]
        memory = []
        for proc in apps:
            try:
                full = proc.memory_full_info()
                memory.append((full.rss, full.uss))
            except psutil.NoSuchProcess:
                pass
        share = watched / headless if headless else 0.0
        ok = "ok" if share >= GOAL_SHARE else "UNDER"
        print(
            f"viewers        {args.viewers} {args.kind} tabs: {watched:.0f} epochs/s = "
            f"{100 * share:.0f} % of headless   goal >= {100 * GOAL_SHARE:.0f} %  {ok}"
            f"   [{load()}]"
        )
        worst = max(rates)
        ok = "ok" if worst <= GOAL_BYTES else "OVER"
        print(
            f"               bytes a tab: median {statistics.median(rates) / 1000:.1f} KB/s, "
            f"max {worst / 1000:.1f} KB/s   goal <= {GOAL_BYTES / 1000:.0f} KB/s  {ok}"
        )
        if memory:
            rss = statistics.median(m[0] for m in memory) / 2**20
            uss = statistics.median(m[1] for m in memory) / 2**20
            print(f"               memory a tab's app: RSS {rss:.0f} MB, USS {uss:.0f} MB (median)")
        print(
            f"               CPU: the {len(apps)} apps {100 * (after[0] - before[0]) / wall:.0f} %"
            f" of a core in all, the server {100 * (after[1] - before[1]) / wall:.0f} %, "
            f"the trainer {100 * trainer_cpu / wall:.0f} %"
        )
        tabs.close()
        wait(lambda: ask(info.id).clients == 0, "the tabs gone", 120)
        time.sleep(args.warmup)
        again = epochs_per_second(info.id, args.seconds)
        print(f"               headless again after: {again:.0f} epochs/s")
    finally:
        tabs.end()
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="first,keys,viewers")
    parser.add_argument("--tabs", type=int, default=5, help="first screens to time")
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--viewers", type=int, default=30)
    parser.add_argument("--as", dest="kind", choices=("watch", "run"), default="watch")
    parser.add_argument("--dataset", default="circle")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    args = parser.parse_args()
    args.only = set(args.only.split(","))
    private = tempfile.mkdtemp(prefix="tnb", dir="/tmp")
    os.environ["XDG_RUNTIME_DIR"] = os.path.join(private, "run")
    os.environ["XDG_DATA_HOME"] = os.path.join(private, "data")
    os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700)
    print(f"tui-nn serve benchmark ({os.cpu_count()} cores; {load()})")
    try:
        if args.only & {"first", "keys"}:
            browser_parts(args)
        if "viewers" in args.only:
            viewers(args)
    finally:
        import tui_nn.session.protocol.rendezvous as rendezvous

        for info in rendezvous.trainers():
            try:
                os.kill(info.pid, 9)
            except OSError:
                pass


if __name__ == "__main__":
    main()
