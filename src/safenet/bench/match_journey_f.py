"""Corpus F: the 경부고속도로 corridor and the port of 부산, written blind to the decision chain.

Written for issue 17 without reading the decision chain, its docs or the other
generators' bodies, and run once as written. Every choice below and where it comes
from (public facts; "assumption" where none was at hand):

World
  - One weekday (Thursday 2026-10-15, KST) on the 경부고속도로 from 구서IC (부산, km 0)
    to 양재IC (서울, km 410; the road is 416 km, 한국도로공사) and the streets of
    부산's port districts. 22 gantry sites at interchanges and junctions 10-30 km
    apart, a camera per carriageway (44 cameras); coordinates are the interchanges'
    approximate positions from public maps, rounded to 0.005 degrees, km marks rounded.
  - Port cameras: real sites of 전국CCTV표준데이터 (행정안전부, 공공데이터포털), the
    2024 부산 file under ``data_dir`` (cctv/busan_2024_cctv_standard.csv): purpose
    교통단속 or 다목적 in 중구, 동구, 남구, 서구, 영도구, 사하구, 강서구 (북항, 감천항,
    신항), 80 sites drawn with the seed.
  - Traffic by hour: passenger cars peak 07-09 and 17-19, freight is flatter and runs
    through the night (shape of 한국도로공사 hourly counts; the numbers are mine).
  - Speeds: cars 88-118 km/h (limit 100-110), buses 95-105, large trucks 80-90
    (speed limiters at 90 km/h for trucks over 3.5 t, 자동차 및 자동차부품의 성능과
    기준에 관한 규칙);
    congestion at the 서울 end (신갈-양재) 07-10 and 17-21, at 대전 17-19 and at the
    부산 end 07-09 and 18-19, down to 15-70 % of free speed; long trips stop at a
    휴게소 (15-45 min) four times in ten. Port streets 20-45 km/h, slower 08-18.
  - One frame per pass above 60 km/h (gantry readers fire once per vehicle), two or
    three frames a second or so apart in queues. Long gaps (10-30 km, 6-20 min at
    speed) so two reads of one car close together are rare.
  - Dawn fog 04:00-08:30 at the inland valley sites 왜관 (낙동강), 김천, 추풍령, 영동
    (한국도로공사's fog-prone sections lie there); the 옥천 site sits at the 당재/증약
    tunnels (tunnel light: sodium-yellow cast, flicker); the 서울TG toll plaza cameras
    read the rear plate (assumption), so a tractor's trailer is what they see.
Vehicles and plates (the grammar of :mod:`safenet.plates`)
  - Private cars with 2- and 3-digit classes (3 digits since 2019), rentals 하/허/호,
    taxis, buses and freight on yellow commercial plates with a region
    (바/사/아/자; 사업용 plates keep the region name), 택배 trucks (배), tractors and
    tow trucks (special class 98/99), trailers with their own special plates
    (assumption: they carry 98/99 commercial plates), 외교/영사 plates (부산 has
    consulates), a few construction machines (0NN) inside the port. Electric cars
    (blue plates since 2017) are a share of cars and taxis with slightly noisier reads
    (assumption: the blue plate under IR). The grammar has no motorcycle or 임시 plates;
    motorcycles may not use expressways (도로교통법 제63조) and no port camera here reads them.
  - Half of the regional plates come from the port's regions (부산 50 %, 경남 25 % …),
    the rest from the corridor's; port freight that leaves the port takes the
    expressway north from 구서 (신갈, the way to the 의왕 inland container depot, is one
    of the busiest ends). Shares of kinds, regions and colours are mine,
    after 국토교통부 registration counts (cars about 80 %, freight about 14 %) and
    makers' colour reports (white, grey, black and silver are most cars).
Hotlist and neighbours
  - 1,000 entries drawn from a wanted mix (cars and rentals most, then trucks and
    tractors), colour known 80 %, type 85 %, make 60 %; 4 % of wanted cars no longer
    have their registered colour (wrapped or repainted; assumption). At 1M reads about
    35 % of entries drive that day.
  - Neighbours are real cars one step from an entry: fleet-mates with the next serials
    (companies register trucks in runs) that drive in convoy with the wanted truck or
    on the same route, region siblings (경남/경북 …), the other commercial syllable,
    private plates one character off and a moved serial digit, a consulate's next
    plate; any background plate that lands one step from an entry is a neighbour too.
OCR noise (mine)
  - Read quality from light (dusk, night under IR), fog, tunnel, speed blur, the
    camera, the plate (dirty truck plates, blue plates) and a per-pass draw; each
    character is misread with a probability that grows as quality falls, along my own
    table of shape confusions (digits; Hangul by mirrored vowel ㅏ/ㅓ, ㅗ/ㅜ and by
    initial ㅂ/ㅁ, ㅅ/ㅈ, ㅇ/ㅎ; region siblings), the region is dropped from yellow
    plates, an edge character is lost at speed, a bolt reads as an extra 1, and a few
    reads are of a sign. 4 % of cars (8 % of freight vehicles) have a bent or smeared
    character misread the same way at most cameras.
  - Two vendors: the gantry readers send up to three alternatives, English words and
    honest confidences; the city cameras send Korean words, confidences squeezed high,
    and most send no alternatives (a quarter send no colour or type at all).
  - Colour noise: white/silver/grey/black/navy/blue drift into each other, more at night
    (IR sees grey levels) and in fog, tunnel light turns pale cars yellow or beige;
    types: car/SUV, van/SUV, truck/bus, pickup/truck, "특수" for tow trucks (a word
    the vocabulary does not know), and "unknown" words.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

from safenet.bench.match_journey import JourneyCorpus, Role, Vehicle, split_reads
from safenet.bench.match_journey_f_ocr import (
    PRIVATE,
    REGION_SIBLINGS,
    Car,
    Pass,
    Reader,
    misread,
    table,
    weights,
)
from safenet.config import DEFAULT_DATA_DIR
from safenet.matching import HotlistEntry, Read
from safenet.plates import PlateError, parse
from safenet.tracking import GeoPoint

DAY_START = datetime(2026, 10, 15, tzinfo=timezone(timedelta(hours=9))).timestamp()
FULL_READS = 1_000_000
BUSAN_FILE = "cctv/busan_2024_cctv_standard.csv"
PORT_DISTRICTS = ("중구", "동구", "남구", "서구", "영도구", "사하구", "강서구")
PORT_SITES = 80
DRIVING_SHARE = 0.35  # of entries, at FULL_READS
GURO = (35.247, 129.091)  # 구서IC, where port traffic meets the expressway

# name, km from 구서, lat, lon, weight as a trip end (0: not an exit), tags
SITES: tuple[tuple[str, int, float, float, float, str], ...] = (
    ("구서", 0, 35.245, 129.090, 8, ""),
    ("양산", 13, 35.335, 129.040, 4, ""),
    ("통도사", 30, 35.485, 129.060, 2, ""),
    ("서울산", 40, 35.565, 129.140, 3, ""),
    ("활천", 62, 35.760, 129.215, 2, ""),
    ("건천", 80, 35.840, 129.080, 1.5, ""),
    ("영천", 98, 35.955, 128.930, 2, ""),
    ("동대구", 124, 35.905, 128.660, 6, ""),
    ("왜관", 150, 35.995, 128.410, 2, "fog"),
    ("구미", 165, 36.120, 128.360, 4, ""),
    ("김천", 195, 36.135, 128.100, 2, "fog"),
    ("추풍령", 213, 36.215, 127.995, 1, "fog"),
    ("영동", 237, 36.170, 127.780, 1.5, "fog"),
    ("옥천", 258, 36.300, 127.580, 1.5, "tunnel"),
    ("대전", 275, 36.370, 127.440, 6, ""),
    ("청주", 300, 36.595, 127.410, 4, ""),
    ("천안", 330, 36.820, 127.150, 5, ""),
    ("안성", 355, 37.000, 127.190, 3, ""),
    ("오산", 370, 37.160, 127.100, 3, ""),
    ("신갈", 384, 37.280, 127.100, 7, ""),
    ("서울TG", 394, 37.390, 127.095, 0, "rear"),
    ("양재", 410, 37.470, 127.040, 8, ""),
)


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.split()]


HOURS = {  # departures by hour 0..23
    "car": _floats("1 .6 .4 .3 .4 1 2.5 4.5 5 4 3.8 3.8 3.6 3.6 3.8 4.2 4.8 5.2 4.6 3.4 2.6 "
                   "2.2 1.8 1.3"),
    "freight": _floats("2.2 2 1.8 1.8 2 2.6 3.2 3.8 4 4 3.8 3.6 3.4 3.6 3.8 3.8 3.6 3.4 3 "
                       "2.8 2.8 2.6 2.4 2.3"),
}  # fmt: skip
# kind: weight on the corridor, in the port, among wanted entries
KINDS = {k: (float(c), float(p), float(w)) for k, c, p, w in (row.split() for row in (
    "car 55 33 55", "rental 5 3 12", "taxi 1 8 3", "cargo 16 22 10", "ptruck 8 8 7",
    "tractor 5 15 6", "tow 1 2 1", "delivery 2 2 2", "bus 3 2 .5", "van 2 1 3",
    "diplomat .05 .15 .2", "machine 0 .5 0"))}  # fmt: skip
FREIGHT = frozenset({"cargo", "ptruck", "tractor", "tow", "delivery", "trailer", "machine"})
CORRIDOR_REGIONS = weights(
    "부산 20 경남 15 경기 20 서울 10 대구 8 경북 8 충북 6 충남 5 울산 4 대전 4"
)
PORT_REGIONS = weights("부산 50 경남 25 울산 8 경북 5 대구 4 경기 4 전남 2 충남 1 전북 1")
COLOURS = {  # kind group -> colour code weights
    "car": weights("white 34 grey 18 black 17 silver 12 blue 5 navy 3 red 3 beige 3 brown 2 "
                    "green 1.5 yellow .7 orange .5 purple .3"),
    "truck": weights("white 40 blue 25 silver 8 grey 6 red 6 green 4 yellow 4 black 3 "
                      "orange 2 navy 2"),
    "taxi": weights("white 55 silver 25 grey 8 orange 7 black 5"),
    "tow": weights("yellow 35 white 30 red 15 orange 10 black 10"),
    "bus": weights("white 30 blue 20 green 15 red 10 yellow 10 silver 10 orange 5"),
}  # fmt: skip
BODY = {"car": weights("car 55 suv 37 van 6 pickup 2"), "taxi": weights("car 1"),
        "rental": weights("car 60 suv 30 van 10"), "van": weights("van 1"),
        "bus": weights("bus 1"), "diplomat": weights("car 60 suv 40")}  # fmt: skip
CAR_MAKES = weights("hyundai 42 kia 30 genesis 7 kgm 4 renault 3 chevrolet 3 bmw 4 "
                     "mercedes 4 audi 1 volvo 1 tesla 1")  # fmt: skip
TRUCK_MAKES = weights("hyundai 45 kia 20 타타대우 10 volvo 8 스카니아 6 만트럭 5 mercedes 6")
COLOUR_KO = table("white=흰색 silver=은색 grey=회색 black=검정 navy=남색 blue=파랑 "
                  "red=빨강 brown=갈색 beige=베이지 yellow=노랑 green=초록 orange=주황 "
                  "purple=보라")  # fmt: skip
BODY_KO = table("car=승용 suv=SUV van=승합 pickup=픽업 truck=화물 bus=버스")
MAKE_KO = table("hyundai=현대 kia=기아 genesis=제네시스 kgm=쌍용 renault=르노 chevrolet=쉐보레 "
               "bmw=BMW mercedes=벤츠 audi=아우디 volvo=볼보 tesla=테슬라")  # fmt: skip


# class ranges (safenet.plates.classes): 2 digits low-high, 3 digits low-high
CLASSES = {"car": (10, 69, 100, 699), "rental": (10, 69, 100, 699), "van": (70, 79, 700, 799),
           "ptruck": (80, 97, 800, 979), "taxi": (10, 39, 0, 0), "cargo": (80, 97, 0, 0),
           "bus": (70, 79, 0, 0), "delivery": (80, 89, 0, 0), "tractor": (98, 99, 0, 0),
           "tow": (98, 99, 0, 0), "trailer": (98, 99, 0, 0)}  # fmt: skip


def _pick(rng: random.Random, table: Sequence[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in table], [w for _, w in table])[0]


def _serial(rng: random.Random) -> str:
    return f"{rng.randint(1000, 9999)}" if rng.random() < 0.95 else f"{rng.randint(100, 999):04d}"


def _plate_tokens(rng: random.Random, kind: str, port: bool) -> list[str]:
    """A plate of one kind, as tokens (the region is one token)."""
    region = _pick(rng, PORT_REGIONS if port else CORRIDOR_REGIONS)
    if kind in ("car", "rental", "van", "ptruck"):
        low, high, low3, high3 = CLASSES[kind]
        cls = str(rng.randint(low3, high3)) if rng.random() < 0.45 else f"{rng.randint(low, high)}"
        usage = rng.choice("하허호" if kind == "rental" else PRIVATE)
        return [*cls, usage, *_serial(rng)]
    if kind == "machine":
        return [*f"0{rng.randint(1, 27):02d}", rng.choice(PRIVATE), *_serial(rng)]
    if kind == "diplomat":
        return [
            rng.choice(("외교", "외교", "영사")),
            *f"{rng.randint(100, 999)}{rng.randint(1, 999):03d}",
        ]
    low, high = CLASSES[kind][:2]
    usage = "배" if kind == "delivery" else rng.choice("바사아자")
    return [region, *str(rng.randint(low, high)), usage, *_serial(rng)]


def _looks(rng: random.Random, kind: str) -> tuple[str, str, str]:
    group = {"taxi": "taxi", "tow": "tow", "bus": "bus"}.get(kind)
    group = group or ("truck" if kind in FREIGHT else "car")
    colour = _pick(rng, COLOURS[group])
    body = (
        _pick(rng, BODY[kind])
        if kind in BODY
        else {"tractor": "tractor", "tow": "tow"}.get(kind, "truck")
    )
    make = _pick(rng, TRUCK_MAKES if kind in FREIGHT else CAR_MAKES)
    return colour, body, make


def _new_car(rng: random.Random, kind: str, tokens: list[str]) -> Car:
    colour, body, make = _looks(rng, kind)
    dirty = 0.35 if kind in FREIGHT else 0.08
    dirt = rng.uniform(0.3, 0.8) if rng.random() < dirty else rng.uniform(0.0, 0.15)
    habit = None
    if rng.random() < (0.08 if kind in FREIGHT else 0.04):
        pos = rng.randrange(len(tokens))
        wrong = misread(rng, tokens[pos])
        habit = (pos, wrong) if wrong != tokens[pos] else None
    return Car(tokens, kind, colour, body, make, dirt, habit)


def _light(ts: float, tags: str, rng: random.Random) -> float:
    hour = ((ts - DAY_START) / 3600.0) % 24
    q = 1.0 if 7 <= hour < 18 else 0.92 if (6 <= hour < 7 or 18 <= hour < 19.5) else 0.9
    if "fog" in tags and 4 <= hour < 8.5:
        q *= 1.0 - rng.uniform(0.15, 0.55) * math.sin(math.pi * (hour - 4) / 4.5)
    if "tunnel" in tags:
        q *= rng.uniform(0.72, 0.9)
    return q


def _congestion(km: int, ts: float, rng: random.Random) -> float:
    hour = ((ts - DAY_START) / 3600.0) % 24
    if km >= 370 and (7 <= hour < 10 or 17 <= hour < 21):
        return rng.uniform(0.15, 0.4)
    if 275 <= km <= 300 and 17 <= hour < 19:
        return rng.uniform(0.4, 0.7)
    if km <= 13 and (7 <= hour < 9 or 18 <= hour < 19):
        return rng.uniform(0.25, 0.45)
    return rng.uniform(0.92, 1.05)


def _free_speed(rng: random.Random, kind: str) -> float:
    if kind in ("tractor", "cargo", "trailer", "machine"):
        return rng.uniform(80, 90)
    if kind == "bus":
        return rng.uniform(95, 105)
    return rng.uniform(88, 118)


def _corridor(
    rng: random.Random, kind: str, ts: float, *, start: int | None = None, end: int | None = None
) -> tuple[list[Pass], float]:
    """A trip along the expressway between two interchanges: its passes and when it ends."""
    ends = [i for i, s in enumerate(SITES) if s[4] > 0]
    weights = [SITES[i][4] for i in ends]
    a, b = start, end
    while a is None or b is None or a == b:
        a = start if start is not None else rng.choices(ends, weights)[0]
        b = end if end is not None else rng.choices(ends, weights)[0]
    step = 1 if b > a else -1
    speed = _free_speed(rng, kind)
    passes: list[Pass] = []
    rest_at = -1  # a 휴게소 stop on long trips, before the gantry at this index
    if abs(SITES[b][1] - SITES[a][1]) > 150 and rng.random() < 0.4:
        rest_at = rng.randrange(min(a, b) + 1, max(a, b) + 1)
    for i in range(a, b + step, step):
        _, km, _, _, _, tags = SITES[i]
        if i != a:
            gap = abs(km - SITES[i - step][1])
            ts += gap / max(12.0, speed * rng.uniform(0.93, 1.07) * _congestion(km, ts, rng)) * 3600
            if i == rest_at:
                ts += rng.uniform(900, 2700)
        if i in (a, b) and rng.random() < 0.4:
            continue  # joined or left the mainline on the far side of the gantry
        kmh = speed * _congestion(km, ts, rng)
        camera = f"EX-{km:03d}-{'N' if step > 0 else 'S'}"
        light = _light(ts, tags, rng)
        passes.append(Pass(camera, ts, kmh, light, "tunnel" in tags, "rear" in tags, False))
    return passes, ts


class _Port:
    """The port district cameras and walks between them."""

    def __init__(self, sites: list[tuple[str, float, float]]) -> None:
        self.sites = sites
        self.near: list[list[int]] = []
        for _, la, lo in sites:
            order = sorted(range(len(sites)), key=lambda j: _km(la, lo, sites[j][1], sites[j][2]))
            self.near.append(order[1:7])
        self.exit = min(range(len(sites)), key=lambda j: _km(*GURO, sites[j][1], sites[j][2]))

    def walk(
        self,
        rng: random.Random,
        ts: float,
        hops: int,
        *,
        outward: bool = False,
        inward: bool = False,
    ) -> list[Pass]:
        """A drive past ``hops`` cameras; ``outward`` heads for the expressway, ``inward`` comes
        from it."""
        here = self.exit if inward else rng.randrange(len(self.sites))
        seen = {here}
        passes: list[Pass] = []
        for _ in range(hops):
            cid, la, lo = self.sites[here]
            hour = ((ts - DAY_START) / 3600.0) % 24
            kmh = rng.uniform(20, 45) * (0.55 if 8 <= hour < 18 else 1.0)
            light = _light(ts, "", rng) * rng.uniform(0.85, 1.0)
            passes.append(Pass(cid, ts, kmh, light, False, False, True))
            options = [j for j in self.near[here] if j not in seen] or self.near[here]
            if outward:
                options.sort(key=lambda j: _km(*GURO, self.sites[j][1], self.sites[j][2]))
                options = options[:3]
            nxt = rng.choice(options)
            km = _km(la, lo, self.sites[nxt][1], self.sites[nxt][2])
            ts += km * 1.35 / kmh * 3600 + rng.uniform(5, 120)
            seen.add(nxt)
            here = nxt
        return passes


def _km(la1: float, lo1: float, la2: float, lo2: float) -> float:
    dy = (la2 - la1) * 111.2
    dx = (lo2 - lo1) * 111.2 * math.cos(math.radians((la1 + la2) / 2))
    return math.hypot(dx, dy)


def _port_sites(data_dir: Path | None, rng: random.Random) -> list[tuple[str, float, float]]:
    path = (data_dir or DEFAULT_DATA_DIR) / BUSAN_FILE
    if not path.exists():
        raise ValueError(f"data_dir: corpus F needs the 부산 CCTV file {path} (not found)")
    seen: set[tuple[float, float]] = set()
    rows: list[tuple[str, float, float]] = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            district = row["관리기관명"].split()[-1].removesuffix("청")
            if district not in PORT_DISTRICTS or row["설치목적구분"] not in ("교통단속", "다목적"):
                continue
            try:
                lat, lon = float(row["WGS84위도"]), float(row["WGS84경도"])
            except ValueError:
                continue
            key = (round(lat, 3), round(lon, 3))
            if not (34.9 < lat < 35.4 and 128.7 < lon < 129.3) or key in seen:
                continue
            seen.add(key)
            rows.append((f"BS-{row['번호']}", lat, lon))
    return rng.sample(rows, min(PORT_SITES, len(rows)))


MODES = {
    "tractor": (0.2, 0.45, 0.35),
    "cargo": (0.45, 0.3, 0.25),
    "taxi": (0.1, 0.9, 0.0),
    "machine": (0.0, 1.0, 0.0),
    "diplomat": (0.5, 0.4, 0.1),
}  # corridor, port, both


def _trip(rng: random.Random, kind: str, port: _Port) -> list[Pass]:
    """A day's driving for one vehicle: along the corridor, in the port, or both."""
    hours = HOURS["freight" if kind in FREIGHT else "car"]
    ts = DAY_START + (rng.choices(range(24), hours)[0] + rng.random()) * 3600
    mode = rng.choices(("corridor", "port", "both"), MODES.get(kind, (0.7, 0.22, 0.08)))[0]
    if mode == "corridor":
        return _corridor(rng, kind, ts)[0]
    if mode == "port":
        passes: list[Pass] = []
        shifts = rng.randint(1, 4) if kind in ("tractor", "cargo", "taxi") else 1
        for _ in range(shifts):
            passes += port.walk(rng, ts, rng.randint(3, 8))
            ts = passes[-1].ts + rng.uniform(1800, 3 * 3600)
        return passes
    if rng.random() < 0.5:  # out of the port and up the expressway
        first = port.walk(rng, ts, rng.randint(2, 4), outward=True)
        return first + _corridor(rng, kind, first[-1].ts + rng.uniform(600, 1500), start=0)[0]
    south, ts = _corridor(rng, kind, ts, end=0)
    return south + port.walk(rng, ts + rng.uniform(600, 1500), rng.randint(2, 4), inward=True)


def _neighbours(rng: random.Random, car: Car) -> list[tuple[list[str], bool]]:
    """Plates of real cars one step from an entry's plate (with: is it a fleet-mate)."""
    t, kind = car.tokens, car.kind
    out: list[tuple[list[str], bool]] = []
    serial = "".join(t[-4:])
    if (
        kind in ("cargo", "tractor", "tow", "delivery", "bus", "taxi", "rental")
        and rng.random() < 0.55
    ):
        for d in rng.sample((-3, -2, -1, 1, 2, 3), rng.randint(1, 4)):
            out.append(([*t[:-4], *f"{(int(serial) + d) % 10000:04d}"], True))
    if t[0] in REGION_SIBLINGS and rng.random() < 0.08:
        out.append(([REGION_SIBLINGS[t[0]], *t[1:]], False))
    usage = len(t) - 5
    if t[usage] in "바사아자" and rng.random() < 0.12:
        out.append(
            ([*t[:usage], rng.choice("바사아자".replace(t[usage], "")), *t[usage + 1 :]], False)
        )
    if kind in ("car", "rental", "van", "ptruck") and rng.random() < 0.3:
        i = rng.randrange(len(t))
        other = list(t)
        other[i] = rng.choice("0123456789") if t[i].isdigit() else rng.choice(PRIVATE)
        out.append((other, False))
    if rng.random() < 0.04 and t[-2] != t[-1]:
        out.append(([*t[:-2], t[-1], t[-2]], False))  # one serial digit moved
    if kind == "diplomat" and rng.random() < 0.3:
        out.append(([t[0], *f"{(int(''.join(t[1:])) + 1) % 1000000:06d}"], True))
    return out


def f_corpus(entries: int, reads: int, seed: int, data_dir: Path | None = None) -> JourneyCorpus:
    """Corpus F: about ``reads`` reads of the 경부 corridor and 부산 port, ``entries`` entries."""
    rng = random.Random(seed)
    port = _Port(_port_sites(data_dir, rng))
    cameras: dict[str, GeoPoint] = {}
    for _, km, lat, lon, _, _ in SITES:
        cameras[f"EX-{km:03d}-N"] = GeoPoint(lat, lon)
        cameras[f"EX-{km:03d}-S"] = GeoPoint(lat - 0.0003, lon + 0.0003)
    for cid, lat, lon in port.sites:
        cameras[cid] = GeoPoint(lat, lon)
    reader = Reader(rng, list(cameras), [cid for cid, _, _ in port.sites])
    used: set[str] = set()

    def plate(kind: str, in_port: bool) -> list[str]:
        while True:
            tokens = _plate_tokens(rng, kind, in_port)
            text = "".join(tokens)
            if text not in used:
                parse(text)  # every generated plate follows the grammar
                used.add(text)
                return tokens

    listed: list[HotlistEntry] = []
    entry_cars: list[Car] = []
    wanted_kinds = [k for k in KINDS if KINDS[k][2] > 0]
    for n in range(entries):
        kind = rng.choices(wanted_kinds, [KINDS[k][2] for k in wanted_kinds])[0]
        car = _new_car(rng, kind, plate(kind, kind in ("tractor", "cargo", "taxi")))
        car.ev = kind in ("car", "rental", "taxi") and rng.random() < (
            0.15 if kind == "taxi" else 0.04
        )
        entry_cars.append(car)
        body = {"tractor": "truck", "tow": "truck"}.get(car.body, car.body)
        listed.append(HotlistEntry(
            id=f"F{n:04d}", plate="".join(car.tokens), priority=rng.randint(0, 2),
            colour=COLOUR_KO[car.colour] if rng.random() < 0.8 else None,
            vehicle_type=BODY_KO[body] if rng.random() < 0.85 else None,
            make=MAKE_KO.get(car.make, car.make) if rng.random() < 0.6 else None,
        ))  # fmt: skip
    how = (
        "경부고속도로 구서-양재 (22 gantry sites 10-30 km apart, one frame per pass, dawn fog, "
        "a tunnel, a rear-reading toll plaza) and 80 real 부산 port-district CCTV sites; "
        "commercial trucks, tractors with trailers, taxis, rentals, 외교 plates; fleet-mate "
        "and one-character neighbours; my own OCR, colour and type noise, two vendors"
    )
    corpus = JourneyCorpus("F", how, listed, cameras, [])
    scale = min(1.0, reads / FULL_READS)
    cars: list[Car] = []

    def emit(v: int, passes: list[Pass]) -> None:
        for p in passes:
            trailer = cars[v].trailer
            who = trailer if p.rear and trailer is not None else v  # the rear plate: the trailer's
            for ts, text, conf, alts, colour, body in reader.frames(cars[who], p):
                corpus.reads.append(Read(
                    id=f"f{len(corpus.reads)}", camera_id=p.camera, ts=ts, plate=text,
                    confidence=conf, alternatives=alts, vehicle_colour=colour, vehicle_type=body,
                ))  # fmt: skip
                corpus.vehicle_of.append(who)

    def add(car: Car, role: Role, entry_id: str | None) -> int:
        text = "".join(car.tokens)
        if role is Role.BACKGROUND:
            near = sorted(corpus.near_entries(text))
            if near:  # a plate one step from an entry by chance: a neighbour too
                role, entry_id = Role.NEIGHBOUR, near[0]
        corpus.vehicles.append(Vehicle(text, role, entry_id))
        cars.append(car)
        if car.kind == "tractor" and rng.random() < 0.8:
            trailer = _new_car(rng, "trailer", plate("trailer", True))
            car.trailer = add(trailer, Role.BACKGROUND, None)
        return len(cars) - 1

    first_trip: dict[int, list[Pass]] = {}
    count = max(min(entries, 3), round(entries * DRIVING_SHARE * scale))
    for n in sorted(rng.sample(range(entries), count)):
        car = entry_cars[n]
        if rng.random() < 0.04:
            car.colour = rng.choice([c for c in COLOUR_KO if c != car.colour])  # wrapped
        v = add(car, Role.WANTED, listed[n].id)
        first_trip[n] = _trip(rng, car.kind, port)
        emit(v, first_trip[n])
    for n, car in enumerate(entry_cars):
        for tokens, fleet in _neighbours(rng, car):
            text = "".join(tokens)
            if (
                rng.random() >= scale
                or text in used
                or listed[n].id not in corpus.near_entries(text)
            ):
                continue
            try:
                parse(text)
            except PlateError:
                continue
            used.add(text)
            mate = _new_car(rng, car.kind, tokens)
            v = add(mate, Role.NEIGHBOUR, listed[n].id)
            if fleet and n in first_trip and rng.random() < 0.5:  # in convoy with the wanted car
                dt = rng.uniform(60, 2400) * rng.choice((-1, 1))
                emit(v, [Pass(p.camera, p.ts + dt + rng.uniform(-30, 30), p.kmh, p.light, p.tunnel,
                               p.rear, p.city) for p in first_trip[n]])  # fmt: skip
            else:
                emit(v, _trip(rng, car.kind, port))
    kinds = list(KINDS)
    mix = [0.62 * KINDS[k][0] + 0.38 * KINDS[k][1] for k in kinds]
    while len(corpus.reads) < reads:
        kind = rng.choices(kinds, mix)[0]
        car = _new_car(rng, kind, plate(kind, rng.random() < 0.5))
        car.ev = kind in ("car", "rental", "taxi") and rng.random() < (
            0.15 if kind == "taxi" else 0.03
        )
        emit(add(car, Role.BACKGROUND, None), _trip(rng, kind, port))
    corpus.sort()
    wanted = sum(corpus.vehicles[v].role is Role.WANTED for v in corpus.vehicle_of)
    neighbours = sum(corpus.vehicles[v].role is Role.NEIGHBOUR for v in corpus.vehicle_of)
    corpus.how = f"{how}; {split_reads(len(corpus.reads), wanted, neighbours)}"
    return corpus
