"""lib/route_words.js in Node: the escape route's words, the numbers as the server writes
them, and the stored text when a reply carries no codes (an older service or heads-up).

No browser: the module is imported with a stand-in ``document`` just big enough for
lib/dom.js, and its output compared with safenet.tracking.wording.
"""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest

from safenet.tracking.wording import distance_text, duration_text
from tests.web.catalogue import LIB

_RUN = r"""
globalThis.localStorage = { getItem: () => null, setItem: () => {} };
globalThis.Node = class Node {
  constructor(tag) { this.tag = tag; this.dataset = {}; this.children = []; }
  append(...c) { this.children.push(...c); }
  setAttribute() {}
  addEventListener() {}
};
const node = (tag) => new Node(tag);
globalThis.document = { documentElement: {}, querySelectorAll: () => [], createElement: node,
  createTextNode: (text) => text };
const lib = process.argv[1];
const words = await import(`${lib}/route_words.js`);
const i18n = await import(`${lib}/i18n.js`);
const plain = (nodes) => nodes
  .map((n) => (typeof n === 'string' ? n : `<${n.dataset.value}:${n.children.join('')}>`)).join('');
const cases = JSON.parse(process.argv[2]);
const out = {};
for (const language of ['ko', 'en']) {
  i18n.setLang(language);
  out[language] = {
    distances: cases.distances.map(words.distanceText),
    durations: cases.durations.map(words.durationText),
    reasons: cases.reasons.map((r) => plain(words.reasonNodes(r))),
    notices: cases.notices.map((r) => plain(words.noticeNodes(r))),
  };
}
process.stdout.write(JSON.stringify(out));
"""

DISTANCES = [0, 12.4, 12.5, 13.5, 999.4, 999.6, 1234, 1250, 1350, 18_750]
DURATIONS = [0, 4.3, 9.0, 45, 118.5, 119.5, 200, 3599.6, 3900, 7322]
WHERE = {"code": "where", "params": {"distance_m": 1234, "bearing_deg": 92.0}}
REASONS: list[dict[str, Any]] = [
    {
        "reason": "EN",
        "reason_ko": "KO",
        "reason_words": [
            WHERE,
            {
                "code": "arrival_road",
                "params": {"arrival_s": 119, "soonest_s": 79.3, "latest_s": 238},
            },
            {"code": "ahead", "params": {}},
            {"code": "after_camera", "params": {"camera_id": "GN-12"}},
            {"code": "transitions", "params": {"count": 1}},
        ],
    },
    {"reason": "EN", "reason_ko": "KO"},  # an older reply: no codes
    {"reason": "EN", "reason_ko": "KO", "reason_words": [WHERE, {"code": "later_code"}]},
    {"reason": "EN", "reason_ko": "KO", "reason_words": [{"code": "arrival_road", "params": {}}]},
]
NOTICES: list[dict[str, Any]] = [
    {
        "notice": "EN",
        "notice_ko": "KO",
        "notice_word": {"code": "no_roads", "params": {"speed_kmh": 40.0}},
    },
    {
        "notice": "EN",
        "notice_ko": "KO",
        "notice_word": {"code": "synthetic_roads", "params": {"speed_kmh": 40, "name": "stand-in"}},
    },
    {
        "notice": "EN",
        "notice_ko": "KO",
        "notice_word": {"code": "off_road", "params": {"speed_kmh": 40, "snap_m": 150}},
    },
    {"notice": "EN", "notice_ko": "KO"},
]


@pytest.fixture(scope="module")
def worded() -> dict[str, Any]:
    cases = {"distances": DISTANCES, "durations": DURATIONS, "reasons": REASONS, "notices": NOTICES}
    done = subprocess.run(
        ["node", "--input-type=module", "-e", _RUN, str(LIB), json.dumps(cases)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "NODE_NO_WARNINGS": "1"},
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("language", ["ko", "en"])
def test_numbers_read_as_the_server_writes_them(worded: dict[str, Any], language: str) -> None:
    assert worded[language]["distances"] == [distance_text(m) for m in DISTANCES]
    assert worded[language]["durations"] == [duration_text(s, language) for s in DURATIONS]


def test_reasons_in_korean_and_english(worded: dict[str, Any]) -> None:
    ko, en = worded["ko"]["reasons"], worded["en"]["reasons"]
    assert ko[0] == (
        "동쪽 1.2 km; 도로로 약 1분 59초 (발견 후 1분 19초–3분 58초); 진행 방향 앞쪽; "
        "가는 길에 <camera:GN-12> 카메라를 먼저 지남; 이 카메라 다음으로 1대가 지남"
    )
    assert en[0] == (
        "1.2 km to the E; about 1 min 59 s by road (1 min 19 s – 3 min 58 s after the hit); "
        "ahead; after camera <camera:GN-12> on the way; one vehicle went from this camera here next"
    )
    # No codes, a code this console does not know, a parameter missing: the stored text.
    assert ko[1:] == ["KO", "KO", "KO"]
    assert en[1:] == ["EN", "EN", "EN"]


def test_notices_in_korean_and_english(worded: dict[str, Any]) -> None:
    assert worded["ko"]["notices"] == [
        "도로 자료 없음: 시속 40 km 가정, 직선 거리 기준",
        "실제 도로 자료 아님 (<roads:stand-in>): 시속 40 km 가정, 직선 거리 기준",
        "카메라가 도로에서 150 m 이상 떨어져 있음: 시속 40 km 가정, 직선 거리 기준",
        "KO",
    ]
    assert worded["en"]["notices"] == [
        "no road data here: straight-line reach at an assumed 40 km/h",
        "<roads:stand-in> is not road data: straight-line reach at an assumed 40 km/h",
        "the camera is more than 150 m from every road: straight-line reach at an assumed 40 km/h",
        "EN",
    ]
