"""Serving multilingual fields in one language (with fallback) or all of them (``lang=*``).

A :class:`Localizer` is made once per response. Each feature asks it for a :class:`FeatureLanguage`,
which resolves that feature's fields and remembers whether any fell back to a language the client
did not ask for; the localizer gathers the languages actually served for ``Content-Language``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

__all__ = ["FeatureLanguage", "LanguageChoice", "Localizer"]

T = TypeVar("T")


@dataclass(frozen=True)
class LanguageChoice:
    """What the client asked for: preferred tags best first (may be empty), or every language."""

    preferred: tuple[str, ...] = ()
    every: bool = False

    @classmethod
    def all_languages(cls) -> LanguageChoice:
        return cls(every=True)


@dataclass
class Localizer:
    """Resolves fields for one response; ``served`` collects the languages actually returned."""

    choice: LanguageChoice
    default: str
    served: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        wanted = self.choice.preferred or (self.default,)
        # A field in "en-GB" satisfies a request for "en" and the other way round.
        self._wanted = frozenset(tag.split("-")[0] for tag in wanted)
        # The fallback chain of content.i18n.pick, computed once per response rather than per field.
        chain: list[str] = []
        for tag in [*self.choice.preferred, self.default]:
            for candidate in (tag, tag.split("-")[0]):
                if candidate not in chain:
                    chain.append(candidate)
        self._chain = tuple(chain)
        self._chain_primaries = frozenset(tag.split("-")[0] for tag in chain)
        self._accepted: dict[str, bool] = {}

    def resolve(self, values: Mapping[str, T]) -> tuple[str, T] | None:
        """Same choice as ``content.text.i18n.pick(values, preferred, default)``, without rebuilding
        the chain."""
        if not values:
            return None
        for tag in self._chain:
            if tag in values:
                return tag, values[tag]
        for tag, value in values.items():
            if tag.split("-")[0] in self._chain_primaries:
                return tag, value
        first = min(values)
        return first, values[first]

    @property
    def every(self) -> bool:
        return self.choice.every

    def feature(self) -> FeatureLanguage:
        return FeatureLanguage(self)

    def accepts(self, tag: str) -> bool:
        """Whether serving ``tag`` is what the client asked for (not a fallback); memoised per response."""
        accepted = self._accepted.get(tag)
        if accepted is None:
            accepted = self._accepted[tag] = tag.split("-")[0] in self._wanted
        return accepted

    def content_language(self) -> str:
        """The ``Content-Language`` value: served languages, the client's preferences first."""
        order = [*self.choice.preferred, self.default]
        if not self.served:
            return order[0]

        def rank(tag: str) -> tuple[int, str]:
            primary = tag.split("-")[0]
            for index, wanted in enumerate(order):
                if tag == wanted or primary == wanted.split("-")[0]:
                    return index, tag
            return len(order), tag

        return ", ".join(sorted(self.served, key=rank))


class FeatureLanguage:
    """Resolves the multilingual fields of one feature and tracks the first fallback language."""

    __slots__ = ("_localizer", "fallback")

    def __init__(self, localizer: Localizer) -> None:
        self._localizer = localizer
        self.fallback: str | None = None

    @property
    def every(self) -> bool:
        return self._localizer.every

    def one(self, values: Mapping[str, T]) -> T | None:
        """The value in the best available language (``None`` for an empty map)."""
        loc = self._localizer
        picked = loc.resolve(values)
        if picked is None:
            return None
        tag, value = picked
        loc.served.add(tag)
        if self.fallback is None and not loc.accepts(tag):
            self.fallback = tag
        return value

    def text(self, values: Mapping[str, str]) -> str | dict[str, str] | None:
        """One translation, or the whole map when every language was asked for."""
        if self._localizer.every:
            self._localizer.served.update(values)
            return dict(values)
        return self.one(values)
