"""The demo's start-up text: who decides where, the consoles, then what the data means.

The first lines say which center is left to a person and where its console is; the
caveats about the public data come after the URLs, one plain sentence each, saying what
they mean for the demo (not before, and not as bare figures).
"""

from __future__ import annotations

from safenet.demo.operators import OperatorMode
from safenet.demo.stack import CenterHandle, DemoStack
from safenet.demo.users import sign_in_lines
from safenet.sim.city import City, District


def _console(center: CenterHandle) -> str:
    return f"{center.url}/console/#token={center.operator_token}"


def who_decides(stack: DemoStack, mode: OperatorMode, manual: frozenset[str]) -> list[str]:
    """The opening lines: the center(s) left to a person, with the console URL."""
    mine = [c for c in stack.centers.values() if c.site in manual]
    others = [c.name for c in stack.centers.values() if c.site not in manual]
    if mode is OperatorMode.SIMULATED or not mine:
        return [
            "simulated operators decide every candidate and evidence request at every "
            "center; nothing waits for you (--operators mixed leaves one center to you)"
        ]
    lines = []
    for c in mine:
        lines.append(
            f"{c.name} ({c.site}) is yours: its candidates and evidence requests wait for "
            f"you in its console  {_console(c)}"
        )
    if others:
        lines.append(f"simulated operators decide at {', '.join(others)}")
    return lines


def urls(stack: DemoStack, manual: frozenset[str]) -> list[str]:
    """The other consoles and the APIs, then how to sign in as each demo person."""
    lines = [
        f"police console  {stack.police_url}/console/#token={stack.dispatcher_token}",
        f"police API      {stack.police_url}/docs",
    ]
    for c in stack.centers.values():
        if c.site not in manual:
            lines.append(f"{c.name} console  {_console(c)}")
    lines.append("center APIs     " + "  ".join(f"{c.url}/docs" for c in stack.centers.values()))
    return [*lines, *sign_in_lines(stack.users)]


def _names(districts: list[District]) -> str:
    return ", ".join(d.name for d in districts)


def caveats(city: City) -> list[str]:
    """What the public data means for the demo, one short plain sentence each."""
    if city.synthetic:
        return [
            "There is no data folder, so the whole city is generated: no camera or road "
            "here is real, and the demo shows only how the parts work together."
        ]
    lines = [f"{notice[:1].upper()}{notice[1:]}." for notice in city.notices]
    districts = list(city.districts.values())
    real_sites = [d for d in districts if not d.synthetic_sites]
    if real_sites:
        files = sorted({d.camera_source.split(":", 1)[0] for d in real_sites})
        lines.append(
            "The camera sites are real places from 행정안전부's 전국CCTV표준데이터 "
            f"(공공데이터포털: {', '.join(files)}); every car, plate and read on them is "
            "simulated, so no real vehicle appears in the demo."
        )
    made_up = [d for d in districts if d.synthetic_sites]
    if made_up:
        lines.append(
            f"No CCTV file lists {_names(made_up)}, so "
            f"{'its' if len(made_up) == 1 else 'their'} camera sites are generated and are "
            "not real cameras."
        )
    by_network: dict[int, list[District]] = {}
    for d in districts:
        if not d.network.synthetic:
            by_network.setdefault(id(d.network), []).append(d)
    for group in by_network.values():
        net = group[0].network
        source = net.source.name if net.source else net.name
        if (net.licence or "unstated").startswith("unstated"):
            lines.append(
                f"The roads of {_names(group)} ({source}) come without a stated licence or "
                "origin; the demo only routes its simulated cars on them, so check their "
                "terms before using them for anything else."
            )
        else:
            lines.append(f"The roads of {_names(group)} are {source} (licence: {net.licence}).")
    synthetic = [d for d in districts if d.network.synthetic]
    if synthetic:
        lines.append(
            f"Where real road data is missing ({_names(synthetic)}), routes run on a "
            "generated graph of straight lines between camera sites, so travel times and "
            "directions there are rough."
        )
    radius = city.settings.coverage_radius_m
    for d in districts:
        if d.network.synthetic or d.coverage >= 0.995:
            continue
        lines.append(
            f"{'Only ' if d.coverage < 0.5 else ''}{d.coverage:.1%} of {d.name}'s "
            f"{d.sites:,} camera sites lie within "
            f"{radius:.0f} m of the roads in this data, so only those can read plates; the "
            f"demo reads at {len(d.cameras)} of them."
        )
    return lines
