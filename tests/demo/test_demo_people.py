"""The demo leaves work for a person: 강남구's candidates wait in its console while the
simulated operators decide at the other centers, and every decision is counted.

One demo stack (the tests' scenario, ten times faster than the wall clock) runs for the
module; the headless run has its own. Both build the city without a data folder (generated
camera sites and roads): it builds in a fraction of the time the public data takes, and
the tests then need nothing outside the repository.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from rich.console import Console
from typer.testing import CliRunner

from safenet.cli import app
from safenet.config import load_settings
from safenet.demo.driver import ScenarioDriver
from safenet.demo.evidence import EvidencePlayers
from safenet.demo.observer import AlertObserver
from safenet.demo.operators import MANUAL_CENTER, OperatorMode, manual_sites, operator_mode
from safenet.demo.progress import CenterFigures, center_figures, decision_counts, progress_line
from safenet.demo.run import DemoOptions, run_demo
from safenet.demo.stack import DemoStack
from safenet.ports import free_port_block
from safenet.sim import Simulation
from safenet.sim.scenario import load_scenario

SCENARIO = Path(__file__).parent / "scenarios" / "people.yaml"
SITES = ("seocho", "gangnam", "eunpyeong")


def _free_block(size: int = 4) -> int:
    # Below the ephemeral range, where another xdist worker's connections take ports
    # (safenet.ports.free_port_block): 41188 was taken so once.
    return free_port_block(size)


# -- the flag --------------------------------------------------------------------------


def test_the_three_operator_modes_name_the_manual_centers() -> None:
    assert manual_sites(OperatorMode.MIXED, SITES) == {"gangnam"}
    assert manual_sites(OperatorMode.PEOPLE, SITES) == set(SITES)
    assert manual_sites(OperatorMode.SIMULATED, SITES) == set()
    assert manual_sites(OperatorMode.MIXED, SITES, "seocho") == {"seocho"}
    assert [operator_mode(v) for v in ("mixed", "People", "simulated")] == list(OperatorMode)


def test_a_bad_mode_or_manual_center_is_named() -> None:
    with pytest.raises(ValueError, match="operators: 'robots' is not one of mixed, people"):
        operator_mode("robots")
    with pytest.raises(ValueError, match="manual center: 'mapo' is not one of the demo's"):
        manual_sites(OperatorMode.MIXED, SITES, "mapo")


def test_the_cli_refuses_a_bad_mode_and_a_contradicting_alias() -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["demo", "--headless", "--operators", "robots"])
    assert bad.exit_code == 2
    assert "--operators" in bad.output
    assert "robots" in bad.output
    both = runner.invoke(
        app, ["demo", "--headless", "--manual-operators", "--operators", "simulated"]
    )
    assert both.exit_code == 2
    said = " ".join(both.output.replace("│", " ").split())  # the error box wraps lines
    assert "--manual-operators means --operators people" in said


def test_progress_line_counts_every_decision_and_names_the_waiting_center() -> None:
    figures = [
        CenterFigures("seocho", "서초구", False, 5, 0, 3, 1, 0, 0),
        CenterFigures("gangnam", "강남구", True, 4, 3, 1, 0, 1, 2),
    ]
    assert decision_counts(figures) == {"confirmed": 4, "rejected": 1, "at_consoles": 1}
    line = progress_line(10.2, 1234, 7, figures)
    assert line == (
        "progress   10 s: reads 1,234 · hits 9 · candidates waiting 3 (강남구 3) · "
        "decided 5 (1 at a console) · alerts 7 · evidence requests waiting 2"
    )


def test_the_default_scenario_gives_the_manual_center_work_in_its_first_minute() -> None:
    scenario = load_scenario()
    partial = [
        w
        for w in scenario.wanted
        if w.start.district == MANUAL_CENTER and w.registered_plate != w.plate
    ]
    assert partial, "no witness-pattern vehicle starts in the manual center"
    first = min(w.register_at for w in partial)
    assert first / scenario.speed_factor < 60  # wall seconds until its candidates can come
    assert all(w.depart_at <= w.register_at for w in partial)


# -- one running demo, 강남구 left to a person ------------------------------------------


@dataclass
class Running:
    stack: DemoStack
    driver: ScenarioDriver
    started_sim: float  # the simulated clock's reading when the feed started


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Running]:
    root = tmp_path_factory.mktemp("demo-people")
    settings = load_settings(var_dir=root / "var")
    (root / "no-data").mkdir()
    sim = Simulation.from_scenario(SCENARIO, data_dir=root / "no-data")
    manual = manual_sites(OperatorMode.MIXED, sim.city.districts)
    stack = DemoStack(
        settings, sim, root=root / "var" / "demo", port=_free_block(), sim_data_dir=None
    )
    await stack.start()
    driver = ScenarioDriver(stack, operator_delay_s=0.5, manual_sites=manual)
    observer = AlertObserver(stack.police_url, stack.dispatcher_token)
    evidence = EvidencePlayers(stack, manual_sites=manual)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(observer.run(stop))]
    try:
        await asyncio.wait_for(observer.connected.wait(), 10)
        tasks += [
            asyncio.create_task(driver.register_wanted(stop)),
            asyncio.create_task(driver.run_feed(stop)),
            asyncio.create_task(driver.operate(stop)),
            asyncio.create_task(evidence.run(stop)),
        ]
        yield Running(stack, driver, sim.clock.now().timestamp())
    finally:
        stop.set()
        for task in tasks:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, 15)
        await stack.stop()


async def _figures(run: Running) -> dict[str, CenterFigures]:
    rows = await asyncio.to_thread(center_figures, run.stack, {"gangnam"})
    return {f.site: f for f in rows}


@pytest.mark.asyncio(loop_scope="module")
async def test_the_manual_center_holds_candidates_after_the_first_minute(
    running: Running,
) -> None:
    clock = running.stack.sim.clock
    # The scenario's first minute (6 s of wall time at speed_factor 10).
    while clock.now().timestamp() - running.started_sim < 60:  # noqa: ASYNC110 (a clock)
        await asyncio.sleep(0.2)
    deadline = time.monotonic() + 12
    while True:
        figures = await _figures(running)
        gangnam, seocho = figures["gangnam"], figures["seocho"]
        if (gangnam.waiting >= 1 and seocho.decided >= 1) or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.3)
    sim_s = clock.now().timestamp() - running.started_sim
    assert gangnam.waiting >= 1, (sim_s, figures)
    assert gangnam.decided == 0, figures  # nobody decides 강남구's candidates but a person
    assert seocho.decided >= 1, (sim_s, figures)  # the simulation decides at 서초구
    assert sim_s < 180, sim_s  # well inside the scenario's first three minutes
    # The console's own list shows them (the console URL's token, as the browser sends it).
    center = running.stack.centers["gangnam"]
    async with httpx.AsyncClient() as client:
        r = await client.get(
            f"{center.url}/api/v1/candidates",
            headers={"Authorization": f"Bearer {center.operator_token}"},
        )
    r.raise_for_status()
    assert len(r.json()["candidates"]) >= 1


@pytest.mark.asyncio(loop_scope="module")
async def test_a_decision_made_at_the_console_is_counted(running: Running) -> None:
    center = running.stack.centers["gangnam"]
    headers = {"Authorization": f"Bearer {center.operator_token}"}
    async with httpx.AsyncClient() as client:
        deadline = time.monotonic() + 15
        candidates: list[dict[str, str]] = []
        while not candidates and time.monotonic() < deadline:
            r = await client.get(f"{center.url}/api/v1/candidates", headers=headers)
            r.raise_for_status()
            candidates = r.json()["candidates"]
            if not candidates:
                await asyncio.sleep(0.3)
        assert candidates, "no candidate waited at 강남구"
        before = await _figures(running)
        r = await client.post(
            f"{center.url}/api/v1/candidates/{candidates[0]['hit_id']}/reject",
            json={"reason": "시연 테스트: 스냅샷의 차량이 다름"},
            headers=headers,
        )
        assert r.status_code == 200, r.text
    after = await _figures(running)
    assert after["gangnam"].decided >= before["gangnam"].decided + 1
    assert after["gangnam"].at_console >= 1
    total = decision_counts(after.values())
    assert total["at_consoles"] >= 1
    assert total["rejected"] >= 1


# -- headless progress ------------------------------------------------------------------


@pytest.mark.asyncio(loop_scope="module")
async def test_headless_prints_progress_on_stderr_and_the_summary_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = load_settings(var_dir=tmp_path / "var")
    (tmp_path / "no-data").mkdir()
    options = DemoOptions(
        headless=True,
        duration_s=4,
        scenario=SCENARIO,
        data_dir=tmp_path / "no-data",
        port=_free_block(),
        operator_delay_s=0.5,
        progress_every_s=1,
    )
    code = await run_demo(settings, options, Console(width=120))
    out, err = capsys.readouterr()
    assert code == 0, out
    progress = [line for line in err.splitlines() if line.startswith("progress")]
    assert len(progress) >= 2, err
    assert all("candidates waiting" in line and "decided" in line for line in progress)
    assert "demo summary" in out
    assert "progress" not in out
    # The start-up text leads with the person's center and its console, caveats after.
    lines = [line.strip() for line in err.splitlines() if line.strip()]
    first = next(i for i, line in enumerate(lines) if "is yours" in line)
    assert lines[first].startswith("강남구 (gangnam) is yours")
    assert "/console/#token=" in lines[first]
    about = lines.index("about the data")
    assert first < about
    assert not any("coverage" in line for line in lines[:first])


def test_the_cli_defaults_to_mixed_with_gangnam_left_to_a_person() -> None:
    import inspect

    from safenet.commands.demo import demo
    from safenet.demo.operators import MANUAL_CENTER

    params = inspect.signature(demo).parameters
    assert params["operators"].default.default == OperatorMode.MIXED.value
    assert params["manual_center"].default.default == MANUAL_CENTER == "gangnam"
    assert DemoOptions().operators is OperatorMode.MIXED


@pytest.mark.parametrize(
    ("args", "mode"),
    [
        ([], OperatorMode.MIXED),
        (["--operators", "mixed"], OperatorMode.MIXED),
        (["--operators", "people"], OperatorMode.PEOPLE),
        (["--operators", "simulated"], OperatorMode.SIMULATED),
        (["--manual-operators"], OperatorMode.PEOPLE),  # the deprecated alias still works
        (["--manual-operators", "--operators", "people"], OperatorMode.PEOPLE),
    ],
)
def test_the_cli_hands_the_mode_to_the_demo(
    args: list[str], mode: OperatorMode, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import safenet.demo.run

    seen: list[DemoOptions] = []

    async def fake_run(settings: object, options: DemoOptions, console: object) -> int:
        seen.append(options)
        return 0

    monkeypatch.setattr(safenet.demo.run, "run_demo", fake_run)
    result = CliRunner().invoke(
        app, ["demo", "--headless", *args], env={"SAFENET_VAR_DIR": str(tmp_path / "var")}
    )
    assert result.exit_code == 0, result.output
    assert [o.operators for o in seen] == [mode]
    assert ("--manual-operators is deprecated" in result.output) == ("--manual-operators" in args)
