"""The catalogue walk's rule for one text (tests/web/catalogue.py), without a browser."""

from __future__ import annotations

from tests.web.catalogue import Catalogue, latin_words, words


def test_the_catalogue_is_read_exactly_as_the_browser_reads_it() -> None:
    catalogue = words()
    assert catalogue["alert.ack"] == ("수신 확인", "Acknowledge")
    assert catalogue["centers.version"] == ("v{v}", "v{v}")


def test_a_text_passes_when_made_of_its_languages_catalogue_texts_and_non_letters() -> None:
    ko, en = Catalogue.of("ko"), Catalogue.of("en")
    assert ko.passes("수신 확인")
    assert ko.passes("점수 0.93 · 인식 신뢰도 0.60")
    assert ko.passes("수신 확인: 경위 정상황 · 2026-11-25 21:03:12 KST")  # {who}, {at}
    assert ko.passes("경로의 발견 지점 — 12가3456")  # a value at the end
    assert ko.passes("— · 12:03:04 (3)")
    assert not ko.passes("Acknowledge")  # the other language
    assert en.passes("Acknowledge")
    assert not ko.passes("흰색 passenger")
    assert not en.passes("is required: a full plate or a witness pattern")
    assert not ko.passes("12가3456")  # data outside a data element


def test_latin_words_in_korean_ignore_addresses_and_short_tokens() -> None:
    assert latin_words("관리자가 준 콘솔 주소(…/console/#token=…)로 여세요") == []
    assert latin_words("J/K 이동 · C 확인") == []
    assert latin_words("연결 MemoryTransport 정상") == ["MemoryTransport"]
