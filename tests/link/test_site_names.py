"""Site display names: settings first, then the link, then the default table, then the id."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from safenet.center.settings import CenterSettings
from safenet.link.site_names import SiteName, SiteNames, default_names, english_name
from safenet.police.settings import PoliceSettings
from safenet.sim.districts import DEFAULT_DISTRICTS


def test_the_default_table_is_the_simulators_districts_in_both_languages() -> None:
    table = default_names()
    assert set(table) == {d.site for d in DEFAULT_DISTRICTS}
    assert table["gangnam"] == SiteName("gangnam", "강남구", "Gangnam-gu")
    assert table["seocho"].en == "Seocho-gu"
    assert table["eunpyeong"].ko == "은평구"


def test_english_names_come_from_the_romanised_id_and_the_kind_of_government() -> None:
    assert english_name("gangnam", "강남구") == "Gangnam-gu"
    assert english_name("yangpyeong", "양평군") == "Yangpyeong-gun"
    assert english_name("seongnam", "성남시") == "Seongnam-si"
    assert english_name("north-port", "항만") == "North-Port"


def test_settings_win_over_the_link_which_wins_over_the_table() -> None:
    names = SiteNames({"gangnam": ("강남구청", "Gangnam District Office")})
    assert names.name("gangnam") == SiteName("gangnam", "강남구청", "Gangnam District Office")
    names.hear("seocho", "서초구(시험)", "Seocho test")
    assert names.name("seocho") == SiteName("seocho", "서초구(시험)", "Seocho test")
    names.hear("eunpyeong", "", "")  # a heartbeat without names changes nothing
    assert names.name("eunpyeong") == SiteName("eunpyeong", "은평구", "Eunpyeong-gu")


def test_an_unknown_site_is_its_id_and_a_korean_only_name_serves_both_languages() -> None:
    names = SiteNames({"jungnang": ("중랑구", "")})
    assert names.name("mapo") == SiteName("mapo", "mapo", "mapo")
    # No guessed romanisation: the id need not be one.
    assert names.name("jungnang") == SiteName("jungnang", "중랑구", "중랑구")
    listed = names.listing(["jungnang", "mapo", "jungnang"])
    assert listed == [
        {"id": "jungnang", "name_ko": "중랑구", "name_en": "중랑구"},
        {"id": "mapo", "name_ko": "mapo", "name_en": "mapo"},
    ]
    assert "jungnang" in names.known()
    assert "gangnam" in names.known()


def test_bad_names_in_the_settings_are_refused_with_the_field_and_the_reason() -> None:
    with pytest.raises(ValidationError, match="display_name: 41 characters"):
        CenterSettings(site="gangnam", display_name="가" * 41)
    with pytest.raises(ValidationError, match="control character"):
        CenterSettings(site="gangnam", display_name_en="Gangnam\n-gu")
    with pytest.raises(ValidationError, match="center_names: 'police' is the police"):
        PoliceSettings(center_names={"police": {"ko": "경찰"}})
    with pytest.raises(ValidationError, match="ko"):
        PoliceSettings(center_names={"gangnam": {"en": "Gangnam-gu"}})
    settings = PoliceSettings(center_names={"gangnam": {"ko": " 강남구 ", "en": "Gangnam-gu"}})
    assert settings.center_names["gangnam"].ko == "강남구"
