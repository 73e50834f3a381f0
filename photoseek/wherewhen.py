"""Where and when in a search's words: place names, years, months and seasons, understood in
English, Italian, Spanish, French and German, and taken out of the words searched by meaning.

The same rules run in the gallery (site/core.js, understand); tests/wherewhen_cases.json holds
the cases both must answer alike. A query is read word by word (words as typed, between
spaces):

- a place: the longest run of words that is the name of a town, region or country the library
  knows, case and accents ignored ("zurich" is Zürich, "sao paulo" São Paulo);
- a year, 1826 to 2200;
- a month by its name (or its English abbreviation: "jul", "sept"; not "mar", the sea in
  Italian and Spanish), and a season (as in the
  northern hemisphere: winter is December to February, and "winter 2019" runs from December
  2019 to February 2020).

A year with months or seasons means those months of that year; months alone, those months of
any year; several years, the span from the first to the last. A word after "-" (taken away)
and words inside quotes are never read as a place or a date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from photoseek.textmatch import fold

YEARS = (1826, 2200)
MONTH_NAMES = {
    1: "january jan gennaio enero janvier januar",
    2: "february feb febbraio febrero fevrier februar",
    3: "march marzo mars marz",
    4: "april apr aprile abril avril",
    5: "may maggio mayo mai",
    6: "june jun giugno junio juin juni",
    7: "july jul luglio julio juillet juli",
    8: "august aug agosto aout",
    9: "september sep sept settembre septiembre setiembre septembre",
    10: "october oct ottobre octubre octobre oktober",
    11: "november nov novembre noviembre",
    12: "december dec dicembre diciembre decembre dezember",
}
SEASON_NAMES = {
    "spring": "spring primavera printemps fruhling fruhjahr",
    "summer": "summer estate verano ete sommer",
    "autumn": "autumn fall autunno otono automne herbst",
    "winter": "winter inverno invierno hiver",
}
SEASON_MONTHS = {
    "spring": (3, 4, 5),
    "summer": (6, 7, 8),
    "autumn": (9, 10, 11),
    "winter": (12, 1, 2),
}
# The search page's month field: a month, or a season's months.
MONTH_CHOICES = [(str(month), calendar.month_name[month]) for month in range(1, 13)]
SEASON_CHOICES = [
    (season.capitalize(), ",".join(map(str, sorted(months))))
    for season, months in SEASON_MONTHS.items()
]
MONTHS = {word: month for month, names in MONTH_NAMES.items() for word in names.split()}
SEASONS = {word: season for season, names in SEASON_NAMES.items() for word in names.split()}
# The longest place name read, in words ("Santa Cruz de Tenerife").
LONGEST_PLACE = 5


@dataclass
class Understood:
    """What a query's words say of where and when.

    `places`: the place names found (as the library spells them); `start` and `end`: the
    inclusive days of the period ("2019-01-01"), or None; `months`: the months of the year
    allowed (empty: any); `words`: what is left to search for, as typed; `said`: how it was
    understood, in words; `place_words` and `date_words`: the positions of the words read as
    places and as dates, among the query's words.
    """

    places: list[str] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    months: list[int] = field(default_factory=list)
    words: str = ""
    said: list[str] = field(default_factory=list)
    place_words: list[int] = field(default_factory=list)
    date_words: list[int] = field(default_factory=list)

    @property
    def narrows(self) -> bool:
        """Whether any place or date was understood."""
        return bool(self.places or self.start or self.months)


def _month_span(months: list[int]) -> str:
    names = [calendar.month_name[m] for m in months]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _period(
    years: list[int], months: list[int], season: str | None
) -> tuple[str | None, str | None, list[int], str]:
    """The days, the months and the words a period's parts make."""
    months = sorted(set(months))
    if months:
        season = None  # Months named outright say more than a season.
    elif season:
        months = sorted(SEASON_MONTHS[season])
    if not years:
        if not months:
            return None, None, [], ""
        return None, None, months, "in " + (season or _month_span(months))
    first, last = min(years), max(years)
    label = str(first) if first == last else f"{first} to {last}"
    if not months:
        return f"{first}-01-01", f"{last}-12-31", [], label
    if season == "winter":
        # Winter 2019 is December 2019 to February 2020.
        end = last + 1
        return (
            f"{first}-12-01",
            f"{end}-02-{calendar.monthrange(end, 2)[1]:02d}",
            months,
            f"winter {label}",
        )
    low, high = min(months), max(months)
    end_day = calendar.monthrange(last, high)[1]
    words = f"{season} {label}" if season else f"{_month_span(months)} {label}"
    return f"{first}-{low:02d}-01", f"{last}-{high:02d}-{end_day:02d}", months, words


def understand(query: str, place_names: list[str]) -> Understood:
    """Read the places and dates in `query`, given the place names the library knows."""
    known: dict[str, str] = {}
    for name in place_names:
        known.setdefault(fold(name), name)
    tokens = query.split()
    folded = [fold(token) for token in tokens]
    # Words taken away ("-beach") and quoted phrases are searched as written.
    plain = []
    quoted = False
    for token in tokens:
        opens = token.startswith(('"', "\u201c"))
        plain.append(not quoted and not opens and not token.startswith(("-", "\u2212")))
        if opens and not (len(token) > 1 and token.endswith(('"', "\u201d"))):
            quoted = True
        elif quoted and token.endswith(('"', "\u201d")):
            quoted = False
    found = Understood()
    years: list[int] = []
    months: list[int] = []
    season = None
    used: set[int] = set()
    at = 0
    while at < len(tokens):
        if not plain[at] or not folded[at]:
            at += 1
            continue
        size = min(LONGEST_PLACE, len(tokens) - at)
        while size > 0:
            span = range(at, at + size)
            name = " ".join(folded[i] for i in span)
            if all(plain[i] for i in span) and name in known:
                if known[name] not in found.places:
                    found.places.append(known[name])
                found.place_words.extend(span)
                used.update(span)
                break
            size -= 1
        if size:
            at += size
            continue
        word = folded[at]
        if re.fullmatch(r"\d{4}", word) and YEARS[0] <= int(word) <= YEARS[1]:
            years.append(int(word))
        elif word in MONTHS:
            months.append(MONTHS[word])
        elif word in SEASONS and season is None:
            season = SEASONS[word]
        else:
            at += 1
            continue
        found.date_words.append(at)
        used.add(at)
        at += 1
    found.start, found.end, found.months, period = _period(years, months, season)
    if found.places:
        found.said.append("in " + " or ".join(found.places))
    if period:
        found.said.append(period)
    found.words = " ".join(t for i, t in enumerate(tokens) if i not in used)
    return found
