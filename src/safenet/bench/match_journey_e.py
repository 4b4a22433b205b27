"""Generator E: one Monday at Daejeon's real enforcement-camera sites, written blind.

Written for issue 17 ("the figures must hold on corpora you did not make") by
someone who had not read the decision chain (``safenet.matching.decision``),
its documentation or the other generators' bodies: only the corpus interface
(:mod:`safenet.bench.match_journey`), the plate grammar (:mod:`safenet.plates`)
and the description vocabulary (:mod:`safenet.vehicles.vocabulary`, plus the
vendor word lists so that the camera words map). **Run as written**: the
generator was fixed and committed before its figures were first seen, and not
changed after.

The world, and the public facts it rests on:

- **Sites**: the rows of 전국CCTV표준데이터 for 대전 (``cctv/daejeon_2026_cctv_standard.csv``
  in the data directory, 행정안전부 via 공공데이터포털) whose purpose (설치목적구분) is
  traffic enforcement (교통단속) or vehicle crime prevention (차량방범), with
  valid WGS84 coordinates inside Daejeon (the placeholder 36.1/127.1 rows are
  dropped). Rows sharing a point are one site; a site with two rows or more has
  two cameras (one per direction), a site with one row one camera.
- **Roads**: no road network of Daejeon is available, so each site is linked to
  its four nearest sites (both ways); a link's road length is the straight
  distance times 1.3 (a usual urban detour factor). Trips are walks that avoid
  turning back and prefer going straight on.
- **Time**: Monday 2026-11-16 in KST; sunrise about 07:12 and sunset about
  17:23 in Daejeon in mid-November, so dark before 07:00 and after 17:40. Trip
  starts follow a weekday hourly volume (night trough at 03-04 h, peaks at 08 h
  and 18 h); speeds follow congestion (about 22 km/h at the peaks, 48 km/h at
  night) times a per-driver factor. Two rain spells of 1-3 h at random hours.
- **Vehicles**: background plates in the MOLIT grammar with the shares of a
  Korean city (new 3-digit private plates, older 2-digit ones, rentals 하/허/호,
  delivery 배, 대전 commercial taxis/buses/trucks 바/사/아/자, old regional plates,
  a few 세종/충남 commercial plates, memorable serials such as 7777 or 1004).
  Body type follows the class number (passenger 100-699 car or SUV, 700-799 van
  or bus, 800-979 truck or pickup); colours follow a white/grey/black/silver
  heavy mix. Wanted cars (45 % of the entries) drive 2-4 trips, background cars
  1-3, look-alike neighbours 2-5 (commuters: a morning trip and the same road
  back in the evening).
- **Look-alike neighbours**: 7 % of the entries get one on purpose (a family or
  fleet car with the next serial, a plate one OCR confusion away such as 3/8,
  the sibling syllable 바/사 or 가/거, two serial digits swapped, the 2-digit vs
  3-digit class of the same digits) and memorable-serial entries get one more
  often; about half of the neighbours share the entry's colour and body (same
  model bought twice). Background plates that fall one character from an entry
  by chance are neighbours too.
- **Labels**: a vehicle whose plate is an entry's plate is WANTED; one whose
  plate is one character (substitution, insertion, deletion or adjacent swap)
  from an entry's plate is NEIGHBOUR of the first such entry (the interface
  holds one entry per vehicle); every other vehicle is BACKGROUND.
- **OCR** (my own model): per-character error rates per camera, times night
  (x2.5), rain (x1.8), low sun glare on east/west-facing cameras (x3), a worn or
  dirty plate (x3, per vehicle) and a per-pass difficulty (log-normal). An error
  is mostly a shape confusion -- digits 0/8/6/9, 3/8, 1/7, 5/6, 2/7, 4/1;
  syllables whose vowel stroke flips (ㅏ/ㅓ, ㅗ/ㅜ, ㅓ/ㅗ, ㅏ/ㅐ) or whose initial
  consonant blurs (ㅁ/ㅇ, ㅅ/ㅈ, ㅇ/ㅎ, ㄴ/ㄷ, ㄷ/ㄹ, ㅂ/ㅁ), kept inside the
  issued syllables (OCR engines for Korean plates only output those, so 가's
  look-alike 기 comes out as 거); region names 대전/대구, 충남/충북 -- else a
  dropped character, a doubled character or two swapped. Each vehicle has a
  habitual misread (a worn character read the same wrong way); a second frame of
  the same pass repeats the first frame's error most of the time. Regions (small
  top-line text) are lost more often at night; night, rain and glare cut the
  first or last characters off (partial reads).
- **Cameras**: the camera vendor follows the district office that owns the site
  (중구: Korean words, alternatives, honest confidence; 유성구: English words,
  honest; 동구: low confidence; 대덕구: overconfident, no alternatives, no body
  type), and one camera in ten is individually off (over- or underconfident).
  Colour at night shifts (white to silver/grey, black to navy, red to brown,
  yellow to beige or orange under sodium light) and is often unknown; body
  types car/SUV and van/bus/truck/pickup get confused.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from safenet.bench.match_journey import JourneyCorpus, Role, Vehicle, split_reads
from safenet.bench.match_journey_e_ocr import (
    DAY_CLOSE,
    DAY_START,
    Camera,
    Car,
    Weather,
    confuse,
    pick,
    read_pass,
)
from safenet.matching import HotlistEntry, Read
from safenet.plates import check
from safenet.plates.alphabet import PRIVATE_SYLLABLES
from safenet.tracking import GeoPoint

CCTV_FILE = Path("cctv") / "daejeon_2026_cctv_standard.csv"
PURPOSES = ("교통단속", "차량방범")
BBOX = (36.18, 36.50, 127.25, 127.56)  # lat min, lat max, lon min, lon max (Daejeon)
DETOUR = 1.3
NEAREST = 4

# Weekday trip starts per hour (relative), 0 h .. 23 h.
HOURLY = (1.0, 0.6, 0.4, 0.3, 0.4, 1.0, 2.5, 5.0, 7.0, 5.5, 4.5, 4.5,
          4.8, 4.8, 4.7, 5.0, 5.5, 6.5, 7.0, 5.5, 4.0, 3.2, 2.5, 1.6)  # fmt: skip
# Mean speed km/h per hour (congestion).
SPEED = (48, 48, 48, 48, 46, 40, 32, 24, 22, 27, 32, 32,
         30, 31, 31, 29, 26, 23, 22, 27, 33, 38, 42, 46)  # fmt: skip

WANTED_SHARE = 0.45
NEIGHBOUR_SHARE = 0.07
MEMORABLE = ("7777", "1004", "1111", "2222", "8282", "1234", "5555", "8888", "0001", "1000")

COLOURS = {"white": 32, "grey": 18, "black": 17, "silver": 10, "navy": 5, "blue": 4,
           "red": 4, "beige": 3, "brown": 3, "green": 2, "yellow": 1, "orange": 0.5,
           "purple": 0.5}  # fmt: skip
TRUCK_COLOURS = {"white": 55, "blue": 25, "silver": 8, "grey": 7, "black": 3, "yellow": 2}


# --- the city -----------------------------------------------------------------


def load_sites(data_dir: Path) -> list[tuple[float, float, str, int]]:
    """(lat, lon, district office, rows) of each enforcement site, in file order."""
    path = data_dir / CCTV_FILE
    if not path.is_file():
        raise FileNotFoundError(f"data_dir: generator E needs {path} (see shared/data/README.md)")
    sites: dict[tuple[float, float], list[str]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row.get("설치목적구분") not in PURPOSES:
                continue
            try:
                lat, lon = float(row["WGS84위도"]), float(row["WGS84경도"])
            except (TypeError, ValueError):
                continue
            if not (BBOX[0] <= lat <= BBOX[1] and BBOX[2] <= lon <= BBOX[3]):
                continue
            sites.setdefault((lat, lon), []).append(row.get("관리기관명") or "")
    return [(lat, lon, offices[0], len(offices)) for (lat, lon), offices in sites.items()]


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dlat = math.radians(b[0] - a[0])
    dlon = math.radians(b[1] - a[1]) * math.cos(math.radians((a[0] + b[0]) / 2))
    return 6371.0 * math.hypot(dlat, dlon)


def _vendor(office: str) -> str:
    for name, vendor in (("중구", "ko"), ("유성구", "en"), ("동구", "low"), ("대덕구", "over")):
        if name in office:
            return vendor
    return "en"


@dataclass
class City:
    points: list[tuple[float, float]]
    links: list[list[tuple[int, float]]]  # per site: (site, road km)
    cameras_at: list[list[Camera]]
    cameras: dict[str, GeoPoint]


def build_city(rng: random.Random, data_dir: Path) -> City:
    sites = load_sites(data_dir)
    points = [(lat, lon) for lat, lon, _, _ in sites]
    links: list[set[int]] = [set() for _ in points]
    for i, p in enumerate(points):
        near = sorted(range(len(points)), key=lambda j: _km(p, points[j]))[1 : NEAREST + 1]
        for j in near:
            links[i].add(j)
            links[j].add(i)
    cameras_at: list[list[Camera]] = []
    cameras: dict[str, GeoPoint] = {}
    for i, (lat, lon, office, rows) in enumerate(sites):
        here = []
        for side in "ab"[: 2 if rows >= 2 else 1]:
            off = rng.random() < 0.1
            bias = rng.choice((0.12, -0.2)) if off else rng.gauss(0.0, 0.03)
            cam = Camera(
                id=f"dj{i:03d}{side}",
                site=i,
                vendor=_vendor(office),
                base=rng.uniform(0.003, 0.012),
                conf_bias=bias,
                glare=rng.random() < 0.25,
            )
            here.append(cam)
            cameras[cam.id] = GeoPoint(lat=lat, lon=lon)
        cameras_at.append(here)
    road = [
        sorted((j, _km(points[i], points[j]) * DETOUR) for j in links[i])
        for i in range(len(points))
    ]
    return City(points, road, cameras_at, cameras)


# --- plates -------------------------------------------------------------------


def _serial(rng: random.Random, memorable: float = 0.02) -> str:
    if rng.random() < memorable:
        return rng.choice(MEMORABLE)
    if rng.random() < 0.05:
        return f"{rng.randint(100, 999):04d}"
    return str(rng.randint(1000, 9999))


def random_plate(rng: random.Random, memorable: float = 0.02) -> str:
    """A plate a Daejeon street could carry (valid in the grammar)."""
    r = rng.random()
    s = _serial(rng, memorable)
    if r < 0.48:
        return f"{rng.randint(100, 699)}{rng.choice(PRIVATE_SYLLABLES)}{s}"
    if r < 0.70:
        return f"{rng.randint(10, 69):02d}{rng.choice(PRIVATE_SYLLABLES)}{s}"
    if r < 0.76:
        return f"{rng.randint(100, 699)}{rng.choice('하허호')}{s}"
    if r < 0.78:
        return f"{rng.randint(80, 97)}배{s}"
    if r < 0.83:
        return f"대전{rng.randint(30, 39)}{rng.choice('바사아자')}{s}"  # taxis
    if r < 0.85:
        return f"대전{rng.randint(70, 79)}{rng.choice('바자')}{s}"  # buses
    if r < 0.88:
        return f"대전{rng.randint(80, 97)}{rng.choice('바사아자')}{s}"  # trucks
    if r < 0.90:
        return f"{rng.choice(('세종', '충남'))}{rng.randint(30, 97)}{rng.choice('바사아자')}{s}"
    if r < 0.92:
        return f"대전{rng.randint(10, 69)}{rng.choice(PRIVATE_SYLLABLES)}{s}"  # old regional
    if r < 0.96:
        return f"{rng.randint(800, 979)}{rng.choice(PRIVATE_SYLLABLES)}{s}"
    return f"{rng.randint(700, 799)}{rng.choice(PRIVATE_SYLLABLES)}{s}"


def describe_plate(rng: random.Random, plate: str) -> tuple[str, str]:
    """A colour and body type that fit the plate's class number."""
    parsed = check(plate).plate
    assert parsed is not None
    cls = int(parsed.class_number)
    width = len(parsed.class_number)
    kind = "car"
    if width == 3:
        kind = "car" if cls < 700 else "van" if cls < 800 else "truck"
    elif parsed.region and width == 2 and 30 <= cls <= 39:
        kind = "taxi"
    else:
        kind = "car" if cls < 70 else "van" if cls < 80 else "truck"
    if kind == "taxi":
        return rng.choice(("white", "silver", "orange", "grey")), "car"
    if kind == "truck":
        return pick(rng, TRUCK_COLOURS), "pickup" if rng.random() < 0.15 else "truck"
    if kind == "van":
        bus = rng.random() < (0.6 if parsed.region else 0.1)
        return pick(rng, COLOURS), "bus" if bus else "van"
    return pick(rng, COLOURS), "suv" if rng.random() < 0.42 else "car"


def edits(plate: str) -> tuple[list[str], list[str], list[str]]:
    """Keys one edit away: (substitution wildcards, deletions, adjacent swaps)."""
    subs = [plate[:i] + "\0" + plate[i + 1 :] for i in range(len(plate))]
    dels = [plate[:i] + plate[i + 1 :] for i in range(len(plate))]
    swaps = [
        plate[:i] + plate[i + 1] + plate[i] + plate[i + 2 :]
        for i in range(len(plate) - 1)
        if plate[i] != plate[i + 1]
    ]
    return subs, dels, swaps


class EntryIndex:
    """Which entries a plate is exactly, or one character from (sub, ins, del, swap)."""

    def __init__(self, entries: Sequence[HotlistEntry]) -> None:
        self.exact: dict[str, int] = {}
        self.subs: dict[str, list[int]] = {}
        self.dels: dict[str, list[int]] = {}
        for n, e in enumerate(entries):
            self.exact.setdefault(e.plate, n)
            subs, dels, _ = edits(e.plate)
            for k in subs:
                self.subs.setdefault(k, []).append(n)
            for k in dels:
                self.dels.setdefault(k, []).append(n)

    def near(self, plate: str) -> list[int]:
        """Entries (by position) one edit from ``plate``, excluding an exact match."""
        found: set[int] = set()
        subs, dels, swaps = edits(plate)
        for k in subs:
            found.update(self.subs.get(k, ()))
        found.update(self.dels.get(plate, ()))  # plate = entry minus one char
        for k in dels + swaps:  # plate = entry plus one char, or swapped
            if k in self.exact:
                found.add(self.exact[k])
        found.discard(self.exact.get(plate, -1))
        return sorted(found)


def neighbour_of(rng: random.Random, plate: str) -> str | None:
    """A real plate one character from ``plate``, of a kind that occurs, or None."""
    parsed = check(plate).plate
    assert parsed is not None
    head = plate[:-4]
    serial = parsed.serial
    kind = rng.random()
    if kind < 0.3:  # the next registration: family or fleet car
        step = rng.choice((1, -1))
        candidate = head + serial[:3] + str((int(serial[3]) + step) % 10)
    elif kind < 0.55:  # one OCR confusion away in the serial
        i = rng.randrange(4)
        wrong = confuse(rng, serial[i])
        candidate = head + serial[:i] + (wrong or serial[i]) + serial[i + 1 :]
    elif kind < 0.75:  # the sibling syllable
        wrong = confuse(rng, parsed.usage)
        at = len(parsed.region or "") + len(parsed.class_number)
        candidate = plate[:at] + wrong + plate[at + 1 :] if wrong else plate
    elif kind < 0.85:  # two serial digits swapped
        i = rng.randrange(3)
        candidate = head + serial[:i] + serial[i + 1] + serial[i] + serial[i + 2 :]
    elif parsed.region is None and len(parsed.class_number) == 2:  # 12가 -> 112가
        candidate = rng.choice("123456") + plate
    elif parsed.region is None and len(parsed.class_number) == 3:
        candidate = plate[1:]
    else:
        candidate = head + serial[:3] + str((int(serial[3]) + 1) % 10)
    if candidate == plate or not check(candidate).valid:
        return None
    return candidate


# --- trips --------------------------------------------------------------------


def _straightest(city: City, prev: int, here: int, options: list[int]) -> int:
    """The option that turns least from the way the car came."""
    p0, p1 = city.points[prev], city.points[here]
    heading = math.atan2(p1[0] - p0[0], p1[1] - p0[1])

    def turn(j: int) -> float:
        p2 = city.points[j]
        a = math.atan2(p2[0] - p1[0], p2[1] - p1[1]) - heading
        return abs(math.atan2(math.sin(a), math.cos(a)))

    return min(options, key=turn)


def _walk(rng: random.Random, city: City, start: int, hops: int) -> list[int]:
    path = [start]
    prev = -1
    for _ in range(hops):
        here = path[-1]
        options = [j for j, _ in city.links[here] if j != prev] or [j for j, _ in city.links[here]]
        if prev >= 0 and rng.random() < 0.5:
            nxt = _straightest(city, prev, here, options)
        else:
            nxt = rng.choice(options)
        prev = here
        path.append(nxt)
    return path


def _distance(city: City, a: int, b: int) -> float:
    for j, km in city.links[a]:
        if j == b:
            return km
    return _km(city.points[a], city.points[b]) * DETOUR


def drive(
    rng: random.Random, city: City, path: list[int], start: float, pace: float
) -> Iterator[tuple[int, Camera, float]]:
    """(site, camera, ts) for each camera that reads the car along ``path``."""
    t = start
    for n, site in enumerate(path):
        if n:
            hour = int(((t - DAY_START) / 3600.0) % 24)
            kmh = SPEED[hour] * pace * rng.uniform(0.75, 1.25)
            t += _distance(city, path[n - 1], site) / kmh * 3600.0 + rng.uniform(5, 60)
        cams = city.cameras_at[site]
        if rng.random() > 0.92:
            continue  # occluded, or the camera missed it
        if len(cams) == 1:
            cam = cams[0]
        else:
            ahead = path[n + 1] if n + 1 < len(path) else path[n - 1] if n else site
            cam = cams[0] if city.points[ahead] >= city.points[site] else cams[1]
        yield site, cam, t


def _start_time(rng: random.Random, hour: float | None = None) -> float:
    if hour is None:
        hour = rng.choices(range(24), weights=HOURLY)[0] + rng.random()
    return DAY_START + hour * 3600.0


# --- the corpus ---------------------------------------------------------------


def _make_car(rng: random.Random, plate: str, role: Role, entry_id: str | None, trips: int,
              colour: str | None = None, body: str | None = None) -> Car:  # fmt: skip
    c, b = describe_plate(rng, plate)
    wear = 3.0 if rng.random() < 0.08 else 1.0
    habit = None
    if rng.random() < 0.3:
        i = rng.randrange(len(plate))
        wrong = confuse(rng, plate[i])
        if wrong:
            habit = (i, wrong)
    return Car(plate, role, entry_id, colour or c, body or b, wear, habit, trips)


def _entry_look(rng: random.Random, car: Car) -> tuple[str | None, str | None]:
    r = rng.random()
    if r < 0.15:
        return None, None
    colour = car.colour
    if rng.random() < 0.08:  # what a witness said, or an old registration
        colour = rng.choice(DAY_CLOSE[colour])
    return colour, (None if r < 0.3 else car.body)


def e_corpus(
    entries: int, reads: int, seed: int = 31, data_dir: Path | None = None
) -> JourneyCorpus:
    """Generator E (seed 31 in the benchmark): Daejeon enforcement sites, one Monday."""
    if entries < 1:
        raise ValueError("entries: must be at least 1")
    if reads < 1:
        raise ValueError("reads: must be at least 1")
    if data_dir is None:
        from safenet.config import DEFAULT_DATA_DIR

        data_dir = DEFAULT_DATA_DIR
    rng = random.Random(seed)
    city = build_city(rng, data_dir)
    weather = Weather(
        rain=[(s, s + rng.uniform(1, 3)) for s in (rng.uniform(0, 21) for _ in range(2))]
    )
    used: set[str] = set()

    def fresh(memorable: float = 0.02) -> str:
        while True:
            plate = random_plate(rng, memorable)
            if plate not in used:
                used.add(plate)
                return plate

    hotlist: list[HotlistEntry] = []
    cars: list[Car] = []
    for n in range(entries):
        entry_id = f"E{n:05d}"
        plate = fresh(memorable=0.05)
        car = _make_car(rng, plate, Role.WANTED, entry_id, rng.randint(2, 4))
        colour, body = _entry_look(rng, car)
        hotlist.append(HotlistEntry(id=entry_id, plate=plate, priority=rng.randint(0, 2),
                                    colour=colour, vehicle_type=body))  # fmt: skip
        if rng.random() < WANTED_SHARE:
            cars.append(car)
        memorable = plate[-4:] in MEMORABLE
        if rng.random() < (0.6 if memorable else NEIGHBOUR_SHARE):
            other = neighbour_of(rng, plate)
            if other is not None and other not in used:
                used.add(other)
                same = rng.random() < 0.45
                cars.append(_make_car(rng, other, Role.NEIGHBOUR, entry_id, rng.randint(2, 5),
                                      car.colour if same else None,
                                      car.body if same else None))  # fmt: skip
                cars[-1].commuter = rng.random() < 0.7
    index = EntryIndex(hotlist)
    corpus = JourneyCorpus(name="E", how="", entries=hotlist, cameras=city.cameras, vehicles=[])
    wanted_reads = neighbour_reads = 0
    read_no = 0

    def emit(car: Car) -> int:
        nonlocal read_no
        vehicle = len(corpus.vehicles)
        role, entry_id = car.role, car.entry_id
        if role is not Role.WANTED:
            near = index.near(car.plate)
            role = Role.NEIGHBOUR if near else Role.BACKGROUND
            entry_id = hotlist[near[0]].id if near else None
        corpus.vehicles.append(Vehicle(plate=car.plate, role=role, entry_id=entry_id))
        home = rng.randrange(len(city.points))
        count = 0
        commute: list[int] | None = None
        for trip in range(car.trips):
            if car.commuter and trip < 2:
                if commute is None:
                    commute = _walk(rng, city, home, rng.randint(4, 14))
                    path, start = commute, _start_time(rng, rng.uniform(7.0, 9.0))
                else:
                    path, start = commute[::-1], _start_time(rng, rng.uniform(17.5, 19.5))
            else:
                start_site = home if rng.random() < 0.5 else rng.randrange(len(city.points))
                path = _walk(rng, city, start_site, min(int(rng.expovariate(1 / 7)) + 2, 30))
                start = _start_time(rng)
            pace = rng.uniform(0.8, 1.25)
            for _, cam, ts in drive(rng, city, path, start, pace):
                for text, conf, alts, colour, body in read_pass(rng, cam, car, ts, weather):
                    corpus.reads.append(Read(id=f"e{read_no:08d}", camera_id=cam.id,
                                             ts=round(ts + rng.uniform(0, 0.4), 3), plate=text,
                                             confidence=conf, alternatives=alts,
                                             vehicle_colour=colour, vehicle_type=body))  # fmt: skip
                    corpus.vehicle_of.append(vehicle)
                    read_no += 1
                    count += 1
        return count

    for car in cars:
        got = emit(car)
        if car.role is Role.WANTED:
            wanted_reads += got
        else:
            neighbour_reads += got
    while len(corpus.reads) < reads:
        car = _make_car(rng, fresh(), Role.BACKGROUND, None, rng.randint(1, 3))
        car.commuter = rng.random() < 0.3
        got = emit(car)
        if corpus.vehicles[-1].role is Role.NEIGHBOUR:
            neighbour_reads += got
    corpus.sort()
    wanted_cars = sum(v.role is Role.WANTED for v in corpus.vehicles)
    neighbours = sum(v.role is Role.NEIGHBOUR for v in corpus.vehicles)
    corpus.how = (
        f"Daejeon's {len(city.points)} real enforcement sites "
        "(전국CCTV표준데이터, 교통단속/차량방범), "
        f"{len(city.cameras)} cameras on a nearest-site road graph, one Monday with rain spells, "
        f"night and glare; {wanted_cars} wanted cars, {neighbours} look-alike neighbours; "
        f"own OCR model (shape confusions, habits, drops, partial reads), four camera vendors "
        f"(one overconfident without alternatives); "
        + split_reads(len(corpus.reads), wanted_reads, neighbour_reads)
        + "; written blind to the decision chain and run as written"
    )
    return corpus
