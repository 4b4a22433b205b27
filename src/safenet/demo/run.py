"""``safenet demo`` end to end: build the city, start the stack, play, watch, reckon."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console, Group
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from safenet.config import Settings
from safenet.demo import banner
from safenet.demo.accounting import alerts_caught_up, drain, summarize
from safenet.demo.driver import ScenarioDriver
from safenet.demo.evidence import EvidencePlayers
from safenet.demo.observer import AlertObserver
from safenet.demo.operators import MANUAL_CENTER, OperatorMode, manual_sites
from safenet.demo.progress import CenterFigures, center_figures, decision_counts, progress_line
from safenet.demo.stack import DemoError, DemoStack
from safenet.sim import Simulation

log = logging.getLogger(__name__)

SEOUL = ZoneInfo("Asia/Seoul")


def _kst(value: Any) -> str:
    """An ISO time from the police as the dispatchers read it (Asia/Seoul)."""
    try:
        return datetime.fromisoformat(str(value)).astimezone(SEOUL).strftime("%H:%M:%S")
    except ValueError:
        return ""


@dataclass
class DemoOptions:
    """What the ``safenet demo`` command was asked to do."""

    headless: bool = False
    duration_s: float | None = None
    json_summary: bool = False
    scenario: Path | None = None
    data_dir: Path | None = None
    port: int = 8100
    operator_delay_s: float = 5.0
    operators: OperatorMode = OperatorMode.MIXED
    manual_center: str = MANUAL_CENTER
    progress_every_s: float = 10.0  # headless: a progress line on stderr this often


def _view(
    stack: DemoStack,
    driver: ScenarioDriver,
    observer: AlertObserver,
    started: float,
    figures: list[CenterFigures],
    rate: float,
) -> Group:
    sim = stack.sim
    decided = decision_counts(figures)
    waiting = ", ".join(f"{f.name} {f.waiting}" for f in figures if f.waiting and f.manual)
    head = Table.grid(padding=(0, 2))
    head.add_row(
        f"[b]elapsed[/] {time.monotonic() - started:5.0f} s",
        f"[b]sim time[/] {sim.clock.now().astimezone(SEOUL).strftime('%H:%M:%S KST')}",
        f"[b]reads[/] {len(driver.sent_at):,} ({rate:,.0f}/s)",
        f"[b]hits[/] {sum(f.hits for f in figures):,}",
        f"[b]alerts[/] {observer.kinds.get('hit', 0):,}",
        f"[b]outbox[/] {sum(c.service.relay.depth for c in stack.centers.values())}",
        f"[b]waiting[/] {sum(f.waiting for f in figures)}" + (f" ({waiting})" if waiting else ""),
        f"[b]decided[/] {decided['confirmed']}✓ {decided['rejected']}✗ "
        f"({decided['at_consoles']} at a console)",
    )
    wanted = Table(title="wanted vehicles — latest sighting", title_justify="left", expand=True)
    for col in ("scenario", "plate", "category", "latest sighting", "level", "read at"):
        wanted.add_column(col)
    for spec in sim.wanted:
        reg = driver.registrations.get(spec.id)
        if reg is None:
            wanted.add_row(
                spec.id,
                spec.registered_plate,
                spec.category,
                f"[dim]registration at sim +{spec.register_at:.0f} s[/]",
                "",
                "",
            )
            continue
        hit = observer.latest.get(reg.entry_id)
        if hit is None:
            wanted.add_row(
                spec.id, reg.registered_plate, reg.category, "[dim]not seen yet[/]", "", ""
            )
        else:
            style = "red" if hit.get("decision") == "alert" else "yellow"
            wanted.add_row(
                spec.id,
                reg.registered_plate,
                reg.category,
                f"{hit.get('site')} · {hit.get('address') or hit.get('camera_id')}",
                f"[{style}]{hit.get('level')}[/]",
                _kst(hit.get("read_at")),
            )
    people = Table(title="demo people — authenticator code now", title_justify="left", expand=True)
    for col in ("site", "user id", "name", "role", "code"):
        people.add_column(col)
    for user in stack.users:
        people.add_row(user.site, user.user_id, user.display_name, user.role.value, user.code())
    return Group(head, wanted, people)


async def run_demo(settings: Settings, options: DemoOptions, console: Console) -> int:
    """Run the demo; the exit status is 0 when nothing was lost or doubled."""

    # Headless, stdout is kept for the final summary: start-up text and progress go to
    # stderr. With --json the start-up text is left out (progress lines still come).
    notes = Console(stderr=True, soft_wrap=True) if options.headless else console

    def say(text: str) -> None:
        if not options.json_summary:
            notes.print(text, soft_wrap=True)

    sim = Simulation.from_scenario(options.scenario, data_dir=options.data_dir or settings.data_dir)
    try:
        manual = manual_sites(options.operators, sim.city.districts, options.manual_center)
    except ValueError as exc:
        raise DemoError(str(exc), option="--manual-center") from exc
    say(f"[b]scenario[/] {escape(sim.scenario.name)}: {escape(sim.scenario.description)}")
    log.info("demo city:\n%s", sim.city.summary())

    stack = DemoStack(
        settings,
        sim,
        root=settings.var_dir / "demo",
        port=options.port,
        sim_data_dir=options.data_dir or settings.data_dir,
    )
    try:
        await stack.start()
        return await _play(stack, sim, options, manual, console, say)
    finally:
        await stack.stop()


async def _play(
    stack: DemoStack,
    sim: Simulation,
    options: DemoOptions,
    manual: frozenset[str],
    console: Console,
    say: Callable[[str], None],
) -> int:
    """Everything after the services are up: play, watch, reckon, print."""
    settings = stack.settings
    for line in banner.who_decides(stack, options.operators, manual):
        say(f"[b]{escape(line)}[/]")
    say(
        f"[b]running[/] (SQLite files and the link journal under {escape(str(stack.root))}, "
        f"logs in {escape(str(settings.var_dir / 'demo.log'))}):"
    )
    for line in banner.urls(stack, manual):
        say(f"  {escape(line)}")
    say("[b]about the data[/]")
    for line in banner.caveats(sim.city):
        say(f"  {escape(line)}")

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)

    driver = ScenarioDriver(stack, operator_delay_s=options.operator_delay_s, manual_sites=manual)
    observer = AlertObserver(stack.police_url, stack.dispatcher_token)
    watch_stop, ops_stop = asyncio.Event(), asyncio.Event()
    watching = asyncio.create_task(observer.run(watch_stop))
    operating = asyncio.create_task(driver.operate(ops_stop))
    evidence = EvidencePlayers(stack, manual_sites=manual)
    asking = asyncio.create_task(evidence.run(ops_stop))
    registering: asyncio.Task[None] | None = None
    scenario_wall = sim.scenario.duration_s / sim.scenario.speed_factor
    duration = options.duration_s or (scenario_wall if options.headless else None)
    drained = False
    try:
        await asyncio.wait_for(observer.connected.wait(), 10)
        registering = asyncio.create_task(driver.register_wanted(stop))
        feeding = asyncio.create_task(driver.run_feed(stop))
        started = time.monotonic()
        if options.headless:
            assert duration is not None
            await _headless(stack, driver, observer, manual, started, stop, duration, options)
        else:
            await _live(stack, driver, observer, manual, started, stop, feeding, duration, console)
        await feeding
        await registering
        # Give pending candidates their operator's pause, then let the link settle.
        if len(manual) < len(stack.centers):
            await asyncio.sleep(options.operator_delay_s + 1.5)
        drained = await drain(stack) and await alerts_caught_up(stack, observer)
    finally:
        stop.set()
        if registering is not None:
            await registering
        ops_stop.set()
        await operating
        await asking
        watch_stop.set()
        await watching
    summary = summarize(stack, driver, observer, drained=drained, manual_sites=manual)
    summary["evidence"] = await asyncio.to_thread(evidence.summary)

    ok = summary["lost"] == 0 and summary["duplicates"] == 0
    if options.json_summary:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        _print_summary(summary, console)
    return 0 if ok else 1


async def _headless(
    stack: DemoStack,
    driver: ScenarioDriver,
    observer: AlertObserver,
    manual: frozenset[str],
    started: float,
    stop: asyncio.Event,
    duration: float,
    options: DemoOptions,
) -> None:
    """Run for ``duration`` seconds, with a progress line on stderr every so often."""
    every = max(options.progress_every_s, 0.1)
    end = started + duration
    while not stop.is_set():
        now = time.monotonic()
        if now >= end:
            break
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), min(every, end - now))
        if stop.is_set():
            break
        figures = await asyncio.to_thread(center_figures, stack, manual)
        line = progress_line(
            time.monotonic() - started, len(driver.sent_at), observer.kinds.get("hit", 0), figures
        )
        print(line, file=sys.stderr, flush=True)
    stop.set()


async def _live(
    stack: DemoStack,
    driver: ScenarioDriver,
    observer: AlertObserver,
    manual: frozenset[str],
    started: float,
    stop: asyncio.Event,
    feeding: asyncio.Task[Any],
    duration: float | None,
    console: Console,
) -> None:
    last_reads, last_t = 0, time.monotonic()
    rate = 0.0
    announced = False
    with Live(console=console, refresh_per_second=2, transient=False) as live:
        while not stop.is_set():
            now = time.monotonic()
            reads = len(driver.sent_at)
            if now - last_t >= 1.0:
                rate, last_reads, last_t = (reads - last_reads) / (now - last_t), reads, now
            figures = await asyncio.to_thread(center_figures, stack, manual)
            live.update(_view(stack, driver, observer, started, figures, rate))
            if feeding.done() and not announced:
                announced = True
                console.print("scenario finished; the consoles stay up until Ctrl-C")
            if duration is not None and now - started >= duration:
                stop.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.5)


def _print_summary(summary: dict[str, Any], console: Console) -> None:
    table = Table(title="demo summary", title_justify="left")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key in (
        "reads",
        "hits",
        "reported",
        "awaiting_confirmation",
        "police_hits",
        "alerts_delivered",
        "lost",
        "duplicates",
    ):
        table.add_row(key, f"{summary[key]:,}")
    decided = summary["operator_decisions"]
    table.add_row(
        "decided (confirmed / rejected / at a console)",
        f"{decided['confirmed']} / {decided['rejected']} / {decided['at_consoles']}",
    )
    lat = summary["alert_latency_ms"]
    table.add_row("alert latency p50 / p99 (ms)", f"{lat['p50']} / {lat['p99']} (n={lat['n']})")
    console.print(table)
    for w in summary["wanted_tracked"]:
        console.print(
            f"  {w['scenario_id']}: {w['hits']} hits at {w['cameras']} cameras, "
            f"centers {', '.join(w['centers']) or '-'}"
        )
    ev = summary.get("evidence")
    if ev:
        console.print(
            f"  evidence: {ev['requests']} requests, {ev['received']} verified packages "
            f"({ev['files']} files), {ev['denied']} denied, {ev['refused']} refused; "
            f"register {ev['register_rows']} rows, {ev['register_problems']} reconciliation "
            "problems"
        )
    for problem in summary["problems"]:
        console.print(f"[red]problem:[/] {problem}")
