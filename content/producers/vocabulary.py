"""Closed lists of the "Goûter le Perche" producer network: labels, offer categories, units, availability.

Each list is a ``Literal`` (so msgspec rejects other values and OpenAPI shows the enum) and a tuple of the
same values for code that iterates. A new value needs a code change, on purpose: the apps translate
every one of them.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "AVAILABILITIES",
    "CURRENCIES",
    "LABELS",
    "OFFER_CATEGORIES",
    "PRICE_UNITS",
    "Availability",
    "Currency",
    "Label",
    "OfferCategory",
    "PriceUnit",
]

Label = Literal[
    "organic",  # Agriculture biologique (AB / Eurofeuille)
    "nature_et_progres",
    "demeter",  # biodynamic
    "hve",  # Haute Valeur Environnementale
    "label_rouge",
    "aop",  # Appellation d'origine protégée
    "aoc",  # Appellation d'origine contrôlée
    "igp",  # Indication géographique protégée
    "bienvenue_a_la_ferme",  # Chambres d'agriculture network
    "accueil_paysan",
    "marque_parc",  # Marque Valeurs Parc naturel régional (PNR du Perche)
]
LABELS: tuple[str, ...] = get_args(Label)

OfferCategory = Literal[
    "vegetables",
    "fruit",
    "dairy",
    "cheese",
    "meat",
    "poultry",
    "eggs",
    "cider_perry",
    "honey",
    "bakery",
    "beverages",
    "preserves",
    "flowers",
    "other",
]
OFFER_CATEGORIES: tuple[str, ...] = get_args(OfferCategory)

PriceUnit = Literal["kg", "g", "piece", "litre", "bottle", "dozen", "bunch", "jar", "box"]
PRICE_UNITS: tuple[str, ...] = get_args(PriceUnit)

Availability = Literal["available", "limited", "sold_out", "on_request"]
AVAILABILITIES: tuple[str, ...] = get_args(Availability)

# Amounts are integer cents, so only currencies with two minor units fit; the territory trades in euros.
Currency = Literal["EUR"]
CURRENCIES: tuple[str, ...] = get_args(Currency)
