"""A new client's time zone, from what a contact list says about where they are: the phone and the address.

The phone is read by ``phonenumbers``: a number with its country code
(``+1 206 …``), or a national one (``(206) 555-0100``) read in the address's
country, else in the workspace's (a number without a country code is dialled
at home). A valid number gives the zones of its area
(``time_zones_for_number``: +1 206 is America/Los_Angeles, +852 is
Asia/Hong_Kong); a number that is only possible gives its country's.

The address gives a country (its name in any of the languages phonenumbers
knows, 'Schweiz', 'Россия', 'United States', or 'USA', 'UK'; 'Georgia' is
taken for the US state), a US state or a
Canadian province ('WA 98101', 'Ontario'), and, in a country or state with
several zones, a city from a short table of cities whose zone is not in doubt.

Zones that keep the same clock over the coming year (Europe/London and
Europe/Jersey, the many zones of Argentina) count as one. When the address and
the phone leave exactly one such clock, that is the zone; when they leave
several, or say nothing, there is no zone, and ``why`` says so: the workspace's
zone is never assumed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Iterable, Sequence

from rippledoc.book.names import name_key


@dataclass(frozen=True, slots=True)
class Guess:
    zone: str  # "" when it cannot be told
    why: str  # for the import's summary: where the zone comes from, or why there is none


@dataclass(frozen=True, slots=True)
class _Clue:
    zones: tuple[str, ...]  # in order of preference
    what: str  # 'the phone +1 206 555 0100', 'the address (Texas: Austin)'


# ------------------------------------------------------------------ tzdata's tables

def _tab(name: str) -> str:
    import importlib.resources
    from zoneinfo import TZPATH
    try:
        return (importlib.resources.files("tzdata") / "zoneinfo" / name).read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        pass
    for folder in TZPATH:
        try:
            with open(f"{folder}/{name}", encoding="utf-8") as f:
                return f.read()
        except OSError:
            continue
    return ""


@lru_cache(maxsize=1)
def country_zones() -> dict[str, tuple[str, ...]]:
    """ISO country code -> its zones, the most used first (tzdata's zone.tab)."""
    out: dict[str, list[str]] = {}
    for line in _tab("zone.tab").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) >= 3:
            out.setdefault(parts[0], []).append(parts[2])
    return {k: tuple(v) for k, v in out.items()}


def zone_country(zone: str) -> str:
    """The country a zone lies in ('' when it is none or several): Europe/Berlin -> DE."""
    found = [c for c, zones in country_zones().items() if zone in zones]
    return found[0] if len(found) == 1 else ""


_ALIASES = {
    "US": ("usa", "u s a", "us", "u s", "united states of america", "america"),
    "GB": ("uk", "u k", "great britain", "britain", "england", "scotland", "wales", "northern ireland"),
    "AE": ("uae",), "KR": ("south korea", "korea"), "RU": ("russian federation",), "CZ": ("czech republic",),
    "NL": ("holland",), "HK": ("hong kong sar",), "CN": ("prc",), "VN": ("viet nam",),
}


@lru_cache(maxsize=1)
def _country_table() -> dict[str, tuple[str, ...]]:
    """ISO code -> its names, the English one first (``defaults/countries.tsv``: phonenumbers' names of
    countries in many languages, kept as a small table so that an import does not load 100 MB to read them)."""
    from rippledoc.book.loader import defaults_dir
    out: dict[str, tuple[str, ...]] = {}
    try:
        text = (defaults_dir() / "countries.tsv").read_text("utf-8")
    except OSError:
        text = ""
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, *names = line.split("\t")
            out[code] = tuple(names)
    return out


# 'Georgia' is a US state as often as a country: only its own name, or the phone, says the country.
_NOT_COUNTRIES = {"georgia"}


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """A country's name, transliterated and reduced (``name_key``) -> its ISO code: the English names of
    tzdata and the names phonenumbers knows, in many languages ('schweiz', 'rossiia', 'polska')."""
    out: dict[str, str] = {}
    for code, aliases in _ALIASES.items():
        for alias in aliases:
            out.setdefault(alias, code)
    for code, names in _country_table().items():
        for name in names:
            out.setdefault(name_key(name), code)
    for line in _tab("iso3166.tab").splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        code, name = line.split("\t", 1)
        out.setdefault(name_key(re.sub(r"\(.*?\)", "", name)), code)
        out.setdefault(name_key(name), code)
    return {k: v for k, v in out.items() if k and k not in _NOT_COUNTRIES and v in country_zones()}


@lru_cache(maxsize=512)
def country_label(code: str) -> str:
    """A country's English name: 'United Kingdom', 'Switzerland'."""
    names = _country_table().get(code)
    if names:
        return names[0]
    for line in _tab("iso3166.tab").splitlines():
        if line.startswith(code + "\t"):
            return line.split("\t", 1)[1]
    return code


# ------------------------------------------------------------------ US states and Canadian provinces

_E, _C, _M, _P = "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"
# (code, name, zones): a state with several zones lists them all, the most used first.
_STATES = (
    ("AL", "Alabama", (_C,)), ("AK", "Alaska", ("America/Anchorage", "America/Adak")),
    ("AZ", "Arizona", ("America/Phoenix", _M)), ("AR", "Arkansas", (_C,)), ("CA", "California", (_P,)),
    ("CO", "Colorado", (_M,)), ("CT", "Connecticut", (_E,)), ("DE", "Delaware", (_E,)),
    ("DC", "District of Columbia", (_E,)), ("FL", "Florida", (_E, _C)), ("GA", "Georgia", (_E,)),
    ("HI", "Hawaii", ("Pacific/Honolulu",)), ("ID", "Idaho", ("America/Boise", _P)), ("IL", "Illinois", (_C,)),
    ("IN", "Indiana", ("America/Indiana/Indianapolis", _C)), ("IA", "Iowa", (_C,)), ("KS", "Kansas", (_C, _M)),
    ("KY", "Kentucky", ("America/Kentucky/Louisville", _C)), ("LA", "Louisiana", (_C,)), ("ME", "Maine", (_E,)),
    ("MD", "Maryland", (_E,)), ("MA", "Massachusetts", (_E,)), ("MI", "Michigan", ("America/Detroit", "America/Menominee")),
    ("MN", "Minnesota", (_C,)), ("MS", "Mississippi", (_C,)), ("MO", "Missouri", (_C,)), ("MT", "Montana", (_M,)),
    ("NE", "Nebraska", (_C, _M)), ("NV", "Nevada", (_P,)), ("NH", "New Hampshire", (_E,)),
    ("NJ", "New Jersey", (_E,)), ("NM", "New Mexico", (_M,)), ("NY", "New York", (_E,)),
    ("NC", "North Carolina", (_E,)), ("ND", "North Dakota", (_C, _M)), ("OH", "Ohio", (_E,)),
    ("OK", "Oklahoma", (_C,)), ("OR", "Oregon", (_P, "America/Boise")), ("PA", "Pennsylvania", (_E,)),
    ("RI", "Rhode Island", (_E,)), ("SC", "South Carolina", (_E,)), ("SD", "South Dakota", (_C, _M)),
    ("TN", "Tennessee", (_C, _E)), ("TX", "Texas", (_C, _M)), ("UT", "Utah", (_M,)), ("VT", "Vermont", (_E,)),
    ("VA", "Virginia", (_E,)), ("WA", "Washington", (_P,)), ("WV", "West Virginia", (_E,)),
    ("WI", "Wisconsin", (_C,)), ("WY", "Wyoming", (_M,)), ("PR", "Puerto Rico", ("America/Puerto_Rico",)),
)
_PROVINCES = (
    ("AB", "Alberta", ("America/Edmonton",)),
    ("BC", "British Columbia", ("America/Vancouver", "America/Creston", "America/Dawson_Creek", "America/Fort_Nelson")),
    ("MB", "Manitoba", ("America/Winnipeg",)), ("NB", "New Brunswick", ("America/Moncton",)),
    ("NL", "Newfoundland and Labrador", ("America/St_Johns", "America/Goose_Bay")),
    ("NS", "Nova Scotia", ("America/Halifax",)), ("NT", "Northwest Territories", ("America/Inuvik",)),
    ("NU", "Nunavut", ("America/Iqaluit", "America/Rankin_Inlet", "America/Cambridge_Bay")),
    ("ON", "Ontario", ("America/Toronto", "America/Winnipeg", "America/Atikokan")),
    ("PE", "Prince Edward Island", ("America/Halifax",)),
    ("QC", "Quebec", ("America/Toronto", "America/Blanc-Sablon")), ("QC", "Québec", ("America/Toronto", "America/Blanc-Sablon")),
    ("SK", "Saskatchewan", ("America/Regina", "America/Edmonton")), ("YT", "Yukon", ("America/Whitehorse",)),
)
_SUBDIVISIONS = {"US": _STATES, "CA": _PROVINCES}
_US_ZIP = re.compile(r"^([A-Z]{2})\s+\d{5}(-\d{4})?$")
_CA_POST = re.compile(r"^([A-Z]{2})\s+[A-Z]\d[A-Z]\s?\d[A-Z]\d$")

# Cities whose zone is not in doubt, in countries, states and provinces that have several zones.
_CITIES: dict[str, tuple[tuple[str, str], ...]] = {
    "US": tuple((c, z) for z, cs in (
        (_C, "Houston, Dallas, Austin, San Antonio, Fort Worth, Corpus Christi, Wichita, Kansas City, Topeka, Omaha, "
             "Lincoln, Fargo, Bismarck, Sioux Falls, Nashville, Memphis, Pensacola"),
        (_M, "El Paso, Rapid City"),
        (_E, "Miami, Orlando, Tampa, Jacksonville, Tallahassee, Fort Lauderdale, Knoxville, Chattanooga, Lexington"),
        ("America/Kentucky/Louisville", "Louisville"),
        ("America/Indiana/Indianapolis", "Indianapolis, Fort Wayne, Bloomington"),
        ("America/Detroit", "Detroit, Grand Rapids, Ann Arbor, Lansing"),
        (_P, "Portland, Salem, Eugene"), ("America/Boise", "Boise"),
        ("America/Phoenix", "Phoenix, Tucson, Mesa, Scottsdale, Tempe, Chandler, Flagstaff"),
        ("America/Anchorage", "Anchorage, Fairbanks, Juneau"),
    ) for c in cs.split(", ")),
    "CA": tuple((c, z) for z, cs in (
        ("America/Toronto", "Toronto, Ottawa, Mississauga, Brampton, Hamilton, London, Kitchener, Waterloo, Windsor, "
                            "Markham, Vaughan, Oakville, Burlington, Kingston, Guelph, Barrie, Oshawa, Sudbury, "
                            "Thunder Bay, Montreal, Montréal, Quebec City, Québec, Laval, Gatineau, Longueuil, "
                            "Sherbrooke, Trois-Rivières"),
        ("America/Vancouver", "Vancouver, Victoria, Surrey, Burnaby, Richmond, Kelowna, Kamloops, Nanaimo, Abbotsford"),
        ("America/St_Johns", "St. John's, St John's"), ("America/Regina", "Regina, Saskatoon"),
        ("America/Iqaluit", "Iqaluit"),
    ) for c in cs.split(", ")),
    "AU": tuple((c, z) for z, cs in (
        ("Australia/Sydney", "Sydney, Canberra, Newcastle, Wollongong"), ("Australia/Melbourne", "Melbourne, Geelong"),
        ("Australia/Brisbane", "Brisbane, Gold Coast, Cairns, Townsville"), ("Australia/Perth", "Perth"),
        ("Australia/Adelaide", "Adelaide"), ("Australia/Hobart", "Hobart"), ("Australia/Darwin", "Darwin"),
    ) for c in cs.split(", ")),
    "BR": tuple((c, z) for z, cs in (
        ("America/Sao_Paulo", "São Paulo, Rio de Janeiro, Brasília, Belo Horizonte, Curitiba, Porto Alegre, "
                              "Florianópolis, Campinas, Salvador, Recife, Fortaleza"),
        ("America/Manaus", "Manaus"),
    ) for c in cs.split(", ")),
    "MX": tuple((c, z) for z, cs in (
        ("America/Mexico_City", "Mexico City, Ciudad de México, CDMX, Guadalajara, Puebla, Querétaro, León"),
        ("America/Monterrey", "Monterrey"), ("America/Tijuana", "Tijuana, Mexicali"), ("America/Cancun", "Cancún"),
        ("America/Merida", "Mérida"),
    ) for c in cs.split(", ")),
    "RU": tuple((c, z) for z, cs in (
        ("Europe/Moscow", "Москва, Moscow, Санкт-Петербург, Saint Petersburg, St. Petersburg, Казань, Kazan, "
                          "Нижний Новгород, Nizhny Novgorod, Ростов-на-Дону, Rostov-on-Don, Краснодар, Krasnodar, "
                          "Воронеж, Voronezh"),
        ("Europe/Kaliningrad", "Калининград, Kaliningrad"), ("Europe/Samara", "Самара, Samara"),
        ("Asia/Yekaterinburg", "Екатеринбург, Yekaterinburg, Челябинск, Chelyabinsk"),
        ("Asia/Omsk", "Омск, Omsk"), ("Asia/Novosibirsk", "Новосибирск, Novosibirsk"),
        ("Asia/Krasnoyarsk", "Красноярск, Krasnoyarsk"), ("Asia/Irkutsk", "Иркутск, Irkutsk"),
        ("Asia/Vladivostok", "Владивосток, Vladivostok, Хабаровск, Khabarovsk"),
    ) for c in cs.split(", ")),
    "CN": tuple((c, "Asia/Shanghai") for c in (
        "北京, Beijing, 上海, Shanghai, 广州, Guangzhou, 深圳, Shenzhen, 杭州, Hangzhou, 成都, Chengdu, 南京, Nanjing, "
        "武汉, Wuhan, 天津, Tianjin, 重庆, Chongqing, 西安, Xi'an, 苏州, Suzhou").split(", ")),
    "ID": tuple((c, z) for z, cs in (
        ("Asia/Jakarta", "Jakarta, Surabaya, Bandung, Medan, Semarang"), ("Asia/Makassar", "Denpasar, Bali, Makassar"),
    ) for c in cs.split(", ")),
    "ES": tuple((c, z) for z, cs in (
        ("Europe/Madrid", "Madrid, Barcelona, Valencia, Sevilla, Seville, Bilbao, Málaga, Zaragoza"),
        ("Atlantic/Canary", "Las Palmas, Las Palmas de Gran Canaria, Santa Cruz de Tenerife"),
    ) for c in cs.split(", ")),
    "PT": tuple((c, z) for z, cs in (
        ("Europe/Lisbon", "Lisboa, Lisbon, Porto, Braga, Coimbra"), ("Atlantic/Madeira", "Funchal"),
        ("Atlantic/Azores", "Ponta Delgada"),
    ) for c in cs.split(", ")),
    "CL": (("Santiago", "America/Santiago"), ("Valparaíso", "America/Santiago")),
    "NZ": tuple((c, "Pacific/Auckland") for c in ("Auckland", "Wellington", "Christchurch", "Hamilton", "Dunedin")),
    "UA": tuple((c, "Europe/Kyiv") for c in ("Київ", "Kyiv", "Kiev", "Львів", "Lviv", "Одеса", "Odesa", "Харків",
                                              "Kharkiv", "Дніпро", "Dnipro")),
    "CD": (("Kinshasa", "Africa/Kinshasa"), ("Lubumbashi", "Africa/Lubumbashi")),
}


# ------------------------------------------------------------------ clocks

@lru_cache(maxsize=4096)
def _clock(zone: str, today: date) -> tuple[int, ...]:
    """The zone's UTC offset (minutes) at noon UTC on each day of the coming year: what its clock does."""
    from zoneinfo import ZoneInfo
    tz = ZoneInfo(zone)
    start = datetime(today.year, today.month, today.day, 12, tzinfo=timezone.utc)
    return tuple(int((start + timedelta(days=d)).astimezone(tz).utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
                 for d in range(366))


def same_clock(a: str, b: str, today: date) -> bool:
    """Whether two zones keep the same clock over the coming year (Europe/London and Europe/Jersey)."""
    from rippledoc.parse.fields import valid_zone
    return a == b or (valid_zone(a) and valid_zone(b) and _clock(a, today) == _clock(b, today))


def _clocks(zones: Iterable[str], today: date) -> dict[tuple[int, ...], list[str]]:
    out: dict[tuple[int, ...], list[str]] = {}
    for z in zones:
        out.setdefault(_clock(z, today), []).append(z)
    return out


# ------------------------------------------------------------------ reading an address and a phone

@dataclass(frozen=True, slots=True)
class Place:
    country: str = ""  # ISO code
    subdivision: str = ""  # a US state or Canadian province code
    clue: _Clue | None = None


def _parts(address: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,;\n\u060c\uff0c\u3001]", address) if p.strip()]


def _country_of(parts: list[str]) -> tuple[str, int]:
    """``(ISO code, index of the part)`` of the country named by a part, looking from the end."""
    names = country_names()
    for i in range(len(parts) - 1, -1, -1):
        key = name_key(re.sub(r"\d", " ", parts[i]))
        if key in names:
            return names[key], i
    return "", -1


def _subdivision_of(parts: list[str], country: str) -> tuple[str, str, tuple[str, ...]]:
    """``(country, code, zones)`` of a US state or Canadian province in the address."""
    for i in range(len(parts) - 1, -1, -1):
        part = parts[i]
        for pattern, where in ((_US_ZIP, "US"), (_CA_POST, "CA")):
            m = pattern.match(part.upper())
            if m and (not country or country == where):
                for code, _, zones in _SUBDIVISIONS[where]:
                    if code == m[1]:
                        return where, code, zones
        if country in _SUBDIVISIONS:
            key = name_key(re.sub(r"\d", " ", part))
            for code, name, zones in _SUBDIVISIONS[country]:
                if key in (code.lower(), name_key(name)):
                    return country, code, zones
    return country, "", ()


def _city_of(parts: list[str], country: str) -> tuple[str, str]:
    """``(city, zone)`` when the address names a city of the table; '' when none, or cities that disagree."""
    table = {name_key(c): (c, z) for c, z in _CITIES.get(country, ())}
    found: dict[str, str] = {}
    for part in parts:
        words = name_key(re.sub(r"\d", " ", part)).split()
        for n in range(min(4, len(words)), 0, -1):
            for i in range(len(words) - n + 1):
                hit = table.get(" ".join(words[i:i + n]))
                if hit:
                    found[hit[1]] = hit[0]
    return next(iter(found.items()))[::-1] if len(found) == 1 else ("", "")


def read_address(address: str) -> Place:
    """What an address says about where the client is."""
    parts = _parts(address)
    if not parts:
        return Place()
    country, _ = _country_of(parts)
    country, code, zones = _subdivision_of(parts, country)
    if not country:
        return Place()
    label = country_label(country)
    if code:
        name = next(n for c, n, _ in _SUBDIVISIONS[country] if c == code)
        clue = _Clue(zones, f"the address ({name})")
    else:
        clue = _Clue(country_zones().get(country, ()), f"the address ({label})")
    if len(set(clue.zones)) > 1:  # a US or Canadian city only within its state or province: Portland, Maine
        city, zone = _city_of(parts, country)
        if city and (zone in clue.zones if country in _SUBDIVISIONS else True) and (code or country not in _SUBDIVISIONS):
            where = next((n for c, n, _ in _SUBDIVISIONS.get(country, ()) if c == code), label)
            clue = _Clue((zone,), f"the address ({city}, {where})")
    return Place(country, code, clue)


def read_phone(text: str, region: str) -> tuple[str, _Clue | None]:
    """``(country, clue)`` of a phone number; a number without a country code is read in ``region``."""
    import phonenumbers
    from phonenumbers import timezone as pn_zones
    raw = text.strip()
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if not raw.startswith("+") and not region:
        return "", None
    try:
        number = phonenumbers.parse(raw, None if raw.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return "", None
    if not phonenumbers.is_possible_number(number):
        return "", None
    shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    how = "" if raw.startswith("+") else f" (no country code: taken as a number in {country_label(region)})"
    if not raw.startswith("+") and not phonenumbers.is_valid_number(number):
        return "", None  # a national number that is not one of that country says nothing
    if phonenumbers.is_valid_number(number):
        country = phonenumbers.region_code_for_number(number) or ""
        zones = tuple(z for z in pn_zones.time_zones_for_number(number) if z in _known_zones())
        if zones:
            return country, _Clue(zones, f"the phone {shown}{how}")
    code = number.country_code  # set by every parse that succeeds
    regions = [r for r in phonenumbers.region_codes_for_country_code(code) if r in country_zones()] if code else []
    zones = tuple(z for r in regions for z in country_zones()[r])
    if not zones:
        return "", None
    return (regions[0] if len(regions) == 1 else ""), _Clue(zones, f"the phone {shown}{how} (its country code)")


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    from zoneinfo import available_timezones
    return frozenset(available_timezones())


# ------------------------------------------------------------------ the guess

def _one_clock(clue: _Clue, today: date) -> str:
    """The clue's zone when all its zones keep one clock, else ''."""
    groups = _clocks(clue.zones, today)
    return clue.zones[0] if len(groups) == 1 else ""


def _several(clue: _Clue, today: date) -> str:
    n = len(_clocks(clue.zones, today))
    return f"{clue.what} allows {n} time zones"


def guess_zone(phones: Sequence[str], address: str, home_region: str, today: date) -> Guess:
    """The zone a new client is in, from its phones (main first) and address; ``home_region``: the workspace's
    country, for numbers written without a country code."""
    place = read_address(address)
    phone_clue: _Clue | None = None
    for text in phones:
        _, phone_clue = read_phone(text, place.country or home_region)
        if phone_clue is not None:
            break
    a, p = place.clue, phone_clue
    if a is None and p is None:
        said = "the phone number does not say where it is" if phones else "there is no phone number"
        return Guess("", f"no time zone: {said}, and {'the address names no country' if address else 'there is no address'}")
    if a is None or p is None:
        clue = a or p
        zone = _one_clock(clue, today)  # type: ignore[arg-type]
        if zone:
            return Guess(zone, f"from {clue.what}")  # type: ignore[union-attr]
        return Guess("", f"no time zone: {_several(clue, today)} and nothing narrows it down")  # type: ignore[arg-type]
    a_groups, p_groups = _clocks(a.zones, today), _clocks(p.zones, today)
    common = [k for k in a_groups if k in p_groups]
    if len(common) == 1:
        zone = a_groups[common[0]][0]
        source = (f"{a.what} and {p.what}" if len(a_groups) == len(p_groups) == 1 else a.what if len(a_groups) == 1
                  else p.what if len(p_groups) == 1 else f"{a.what} and {p.what}")
        return Guess(zone, f"from {source}")
    if not common and len(a_groups) == 1:
        elsewhere = f"is in {p.zones[0]}" if len(p_groups) == 1 else "points elsewhere"
        return Guess(a.zones[0], f"from {a.what} ({p.what} {elsewhere})")
    if not common:
        return Guess("", f"no time zone: {a.what} and {p.what} disagree")
    return Guess("", f"no time zone: {_several(a, today)}, and {p.what} does not narrow it down")
