"""The readers on feeds written as each system publishes them, quirks included (pure: no store)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from content.importers import NotAFeed, reader_for
from content.importers.datatourisme import read_datatourisme_directory
from content.importers.model import SourceObject
from content.importers.periods import Period, describe, to_opening_hours
from content.importers.prepare import Skip, prepare

FEEDS = Path(__file__).resolve().parents[2] / "data" / "importers"


def read(format_name: str, name: str) -> dict[str, SourceObject]:
    reader = reader_for(format_name)
    return {o.external_id: o for o in reader.parse((FEEDS / name).read_bytes())}


def fields(format_name: str, source: SourceObject) -> dict[str, object]:
    return prepare(source, reader_for(format_name).categories, None).fields


def skip_reason(format_name: str, source: SourceObject) -> str:
    with pytest.raises(Skip) as caught:
        prepare(source, reader_for(format_name).categories, None)
    return caught.value.reason


def test_tourinsoft_v3() -> None:
    objects = read("tourinsoft", "tourinsoft-v3.json")
    castle = objects["PCUCEN028FS000101"]
    assert castle.updated_at == "2026-01-01T00:00:00Z"  # /Date(ms+0100)/: the milliseconds are UTC
    assert castle.kinds == ["Châteaux", "Patrimoine culturel", "PCU"]
    assert [(p.url.rsplit("/", 1)[1], p.credit, p.alt) for p in castle.pictures] == [
        ("coffee.png", "© CDT 28", "Le donjon"),
        ("chelsea.png", "OT Nogent", "La cour"),
    ]
    values = fields("tourinsoft", castle)
    assert values["category"] == "castle"
    assert values["name"] == {"en": "Nogent-le-Rotrou castle", "fr": "Château de Nogent-le-Rotrou"}
    assert values["description"] == {
        "en": "Fortress of the counts of Perche.",
        "fr": "Forteresse des comtes du Perche, XIe siècle.\nMusée d'art & d'histoire.",
    }
    assert values["geometry"] == {"type": "Point", "coordinates": [0.8127, 48.3173]}
    assert values["address"] == "Rue du Château, 28400 Nogent-le-Rotrou"
    assert values["commune"] == "Nogent-le-Rotrou"
    assert values["contact"] == {
        "phone": "02 37 52 18 02",
        "email": "chateau@example.org",
        "website": "https://www.example.org/chateau",
    }
    # "Mardi soir" opens Tuesday for the afternoon slot only; "Jours fériés" adds PH.
    assert values["opening_hours"] == (
        "2026 Jan 01-2026 Jul 21 Tu 14:00-18:00; 2026 Jan 01-2026 Jul 21 We-Su 10:00-12:30,14:00-18:00;"
        " 2026 Jul 22-2026 Dec 31 We-Su,PH 10:00-12:30,14:00-18:00"
    )
    pond = fields("tourinsoft", objects["PNACEN028FS000202"])
    assert pond["geometry"] == {"type": "Point", "coordinates": [0.7021, 48.4012]}  # "48,4012"
    assert pond["opening_hours"] is None
    assert pond["description"] == {
        "fr": "Roselières, hérons & libellules.\n\nOuverture : du 01/04/2026 au 30/09/2026 samedi, dimanche"
        " 09:00-19:00 sauf jours de chasse"
    }
    assert pond["commune"] == "La Loupe"
    assert skip_reason("tourinsoft", objects["FMACEN028FS000303"]) == "unmapped category"
    assert skip_reason("tourinsoft", objects["RESCEN028FS000404"]) == "no usable coordinates"
    assert skip_reason("tourinsoft", objects["DEGCEN028FS000505"]) == "no name"
    cider = fields("tourinsoft", objects["DEGCEN028FS000606"])
    assert (cider["category"], cider["opening_hours"]) == ("farm_shop", "Sa 09:00-12:00")
    assert cider["geometry"] == {"type": "Point", "coordinates": [0.8502, 48.3311]}  # Googlemap* names


def test_tourinsoft_v2() -> None:
    objects = read("tourinsoft", "tourinsoft-v2.json")
    hotel = objects["HOTNOR061V5001AA"]
    assert hotel.updated_at == "2024-01-01T00:00:00Z"
    assert [(p.url.rsplit("/", 1)[1], p.credit, p.alt) for p in hotel.pictures] == [
        ("chelsea.png", "OT Mortagne", "Façade"),
        ("alpha.png", "OT Mortagne", "Salle"),
    ]
    assert fields("tourinsoft", hotel)["commune"] == "Mortagne-au-Perche"
    assert fields("tourinsoft", objects["PCUNOR061V5001AB"])["category"] == "manor"


def test_apidae() -> None:
    objects = read("apidae", "apidae.json")
    castle = objects["5012345"]
    assert castle.kinds == ["PATRIMOINE_CULTUREL:Château", "PATRIMOINE_CULTUREL"]
    assert castle.updated_at == "2026-02-10T09:30:00Z"
    values = fields("apidae", castle)
    assert values["category"] == "castle"
    assert values["name"] == {
        "de": "Burg Saint-Jean",
        "en": "Saint-Jean castle",
        "fr": "Château de Saint-Jean",
        "zh": "圣让城堡",
    }
    assert values["description"] == {
        "en": "A Romanesque keep.",
        "fr": "Un donjon roman au-dessus de la ville.\nVue sur le Perche.",
    }
    assert values["opening_hours"] == "Mar 01-Oct 31 We-Su 10:00-18:00"  # tousLesAns: no year
    assert values["contact"] == {
        "phone": "+33 2 37 52 18 02",
        "email": "contact@example.org",
        "website": "https://example.org/saint-jean",
    }
    assert [(p.credit, p.alt) for p in castle.pictures] == [
        ("Ville de Nogent", "Le donjon au printemps"),
        ("X", "Trop grande"),
    ]
    forest = fields("apidae", objects["5012346"])
    assert forest["category"] == "forest"
    assert forest["geometry"] == {"type": "Point", "coordinates": [0.5612, 48.3851]}  # strings
    assert forest["opening_hours"] is None  # "first Sunday of the month": the clear text is kept
    assert forest["description"] == {
        "en": "Opening: First Sunday of the month, guided tour at 2pm.",
        "fr": "Ouverture : Le premier dimanche du mois, visite guidée à 14h.",
    }
    assert skip_reason("apidae", objects["5012347"]) == "no usable coordinates"
    assert skip_reason("apidae", objects["5012348"]) == "unmapped category"
    assert skip_reason("apidae", objects["5012349"]) == "no name"
    farm = fields("apidae", objects["5012350"])
    assert (farm["opening_hours"], farm["commune"]) == (
        "Jan 01-Dec 31 Tu-Sa 09:00-12:00",
        "Saint-Cyr-la-Rosière",
    )


def test_datatourisme_flux_directory() -> None:
    read_all = list(read_datatourisme_directory(FEEDS / "datatourisme"))
    skips = [o for o in read_all if isinstance(o, Skip)]
    assert [(s.reason, s.detail) for s in skips] == [
        ("unreadable object file", "objects/2/2b/10-broken.json")
    ]
    objects = {o.external_id: o for o in read_all if isinstance(o, SourceObject)}
    museum = objects["TFOPCUCEN0280000001"]
    assert museum.kinds[:2] == ["PlaceOfInterest", "Museum"]
    assert museum.kinds[-1] == "CulturalSite"
    assert museum.updated_at == "2026-03-02T10:12:00Z"
    assert [(p.url, p.credit, p.alt) for p in museum.pictures] == [
        ("http://PICTURES/coffee.png", "Ville de Chartres", "La façade")
    ]
    values = fields("datatourisme", museum)
    assert values["category"] == "museum"
    assert values["name"] == {"en": "Chartres Fine Arts Museum", "fr": "Musée des Beaux-Arts de Chartres"}
    assert values["geometry"] == {"type": "Point", "coordinates": [1.4878, 48.4477]}
    assert values["address"] == "29 cloître Notre-Dame, 28000 Chartres"
    assert values["opening_hours"] == "2026 Jan 01-2026 Dec 31 Tu-Sa 10:00-12:30,14:00-18:00"
    assert values["contact"] == {
        "phone": "+33 2 37 90 45 80",
        "email": "musee@example.org",
        "website": "https://example.org/musee",
    }
    chapel = fields("datatourisme", objects["TFOPCUCEN0280000002"])  # no @context
    assert chapel["category"] == "church_abbey"
    assert chapel["opening_hours"] is None
    assert chapel["description"] == {
        "fr": "Petite chapelle du XIIe siècle.\n\nOuverture : du 01/06/2026 au 15/09/2026 dimanche"
        " 15:00-18:00 Sauf le jour de la fête patronale"
    }


def test_datatourisme_single_files_and_graphs() -> None:
    one = (FEEDS / "datatourisme" / "objects" / "2" / "2b" / "10-2b3c4d.json").read_bytes()
    parse = reader_for("datatourisme").parse
    assert [o.external_id for o in parse(one)] == ["TFOPCUCEN0280000002"]
    assert [o.external_id for o in parse(b'{"@graph": [' + one + b"," + one + b"]}")] == [
        "TFOPCUCEN0280000002"
    ] * 2
    with pytest.raises(NotAFeed):
        list(parse(b"[1, 2]"))


@pytest.mark.parametrize(
    ("format_name", "data"),
    [
        ("tourinsoft", b'{"odata.error": {"message": "Syndication inconnue"}}'),
        ("apidae", b'{"errorType": "ACCES_NON_AUTORISE"}'),
        ("osm", b'{"remark": "runtime error"}'),
        ("geojson", b"<html>502</html>"),
    ],
)
def test_answers_that_are_not_feeds(format_name: str, data: bytes) -> None:
    with pytest.raises(NotAFeed):
        list(reader_for(format_name).parse(data))


def test_periods_become_opening_hours_only_when_exact() -> None:
    weekdays = Period(days={0, 1, 2, 3, 4}, times=[("09:00", "12:00"), ("14:00", "17:30")])
    assert to_opening_hours([weekdays]) == "Mo-Fr 09:00-12:00,14:00-17:30"
    summer = Period(start=date(2026, 7, 1), end=date(2026, 8, 31), yearly=True, public_holidays=True)
    assert to_opening_hours([summer]) == "Jul 01-Aug 31 open"
    weekend = Period(days={5, 6}, public_holidays=True, times=[("10:00", "19:00")])
    assert to_opening_hours([weekend]) == "Sa-Su,PH 10:00-19:00"
    rainy = Period(days={5}, times=[("10:00", "12:00")], exact=False, remark="sauf s'il pleut")
    assert to_opening_hours([weekdays, rainy]) is None
    assert describe([rainy]) == "samedi 10:00-12:00 sauf s'il pleut"
    assert to_opening_hours([Period(days=set())]) is None  # no day at all
    assert to_opening_hours([Period(times=[("25:00", "26:00")])]) is None  # the parser says no
