"""JSON records of the file contract (matching-json.md) turned into ``Need`` and ``Candidate``.

Every check raises ``InputError`` naming the record and the field, so the command line can
answer bad input with one line and exit status 2. The checks are plain type tests and
``fromisoformat`` calls: 100,000 candidates must be read in a fraction of a second.
Unknown fields are ignored (the contract only ever grows by optional fields); ``null`` for an
optional field means absent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from math import isfinite
from typing import Any

from matching.errors import InputError
from matching.models import (
    CIVIC_SERVICE_CODE,
    EMPLOYER_SECTORS,
    ESTABLISHMENT_TYPES,
    FRENCH_LEVELS,
    NEED_KINDS,
    NON_PRIVATE_ONLY_KINDS,
    PUBLICS,
    Candidate,
    Need,
    Qualification,
    Slot,
)
from matching.qualifications import QualificationRules

# Commune INSEE code -> (lat, lon), or None when the code is unknown.
CommuneResolver = Callable[[str], "tuple[float, float] | None"]
NUMBER = (int, float)
QUICK_MAX_NUMBER = 1e6  # larger numbers are left to the full reader
FRENCH_LEVEL_SET = frozenset(FRENCH_LEVELS)
PUBLIC_SET = frozenset(PUBLICS)
MIN_YEAR, MAX_YEAR = 1900, 2200  # keeps date arithmetic (months, days, weeks) far from datetime's limits
QUICK_LOW, QUICK_HIGH = datetime(MIN_YEAR, 1, 1), datetime(MAX_YEAR, 1, 1)
_new_slot = Slot.__new__
_set = object.__setattr__


class RecordReader:
    """Reads need and candidate records against one qualification table and communes reference."""

    def __init__(self, rules: QualificationRules, resolve_commune: CommuneResolver | None = None) -> None:
        self._codes = rules.labels
        self._resolve = resolve_commune or default_commune_resolver()

    # -- collections ---------------------------------------------------------------------

    def needs(self, data: Any) -> list[Need]:
        return self._many(data, self.need, "needs")

    def candidates(self, data: Any) -> list[Candidate]:
        return self._many(data, self.candidate, "candidates")

    def _many(self, data: Any, read: Callable, what: str) -> list:
        if type(data) is not list:
            raise InputError(f"expected a JSON array of {what}")
        items = [read(record, index) for index, record in enumerate(data)]
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                raise InputError("duplicate id", record_id=item.id, field="id")
            seen.add(item.id)
        return items

    # -- one record ------------------------------------------------------------------------

    def need(self, record: Any, index: int | None = None) -> Need:
        record_id = _record_id(record, index)
        try:
            return self._need(record, record_id)
        except InputError as error:
            raise error.located(record_id=record_id) from None

    def candidate(self, record: Any, index: int | None = None) -> Candidate:
        record_id = _record_id(record, index)
        try:
            return self._candidate(record, record_id)
        except InputError as error:
            raise error.located(record_id=record_id) from None

    def _need(self, r: dict, record_id: str) -> Need:
        kind = _choice(r, "kind", NEED_KINDS, required=True)
        qualification = self._code(r.get("qualification"), "qualification", required=True)
        sector = _choice(r, "employer_sector", EMPLOYER_SECTORS) or "public"
        if kind in NON_PRIVATE_ONLY_KINDS and sector == "private":
            raise InputError(f"a {kind} need cannot come from a private employer", field="employer_sector")
        if (kind == "civic_service") != (qualification == CIVIC_SERVICE_CODE):
            raise InputError("qualification SC goes with kind civic_service, and only with it", field="qualification")
        lat, lon = self._place(r)
        slots = _slots(r.get("slots"), "slots", required=True)
        if not slots:
            raise InputError("a need has at least one slot", field="slots")
        positions = r.get("positions", 1)
        if positions is None:
            positions = 1
        elif type(positions) is not int or positions < 1:
            raise InputError("must be an integer >= 1", field="positions")
        weekly_hours = _number(r, "weekly_hours", low=0.0, high=168.0)
        if weekly_hours == 0:
            raise InputError("must be more than 0", field="weekly_hours")
        return Need(record_id, kind, qualification, lat, lon, slots, positions, weekly_hours,
                    _choice(r, "min_french_level", FRENCH_LEVELS), _flag(r, "requires_driving_licence", False),
                    _choice(r, "establishment_type", ESTABLISHMENT_TYPES), sector, _flag(r, "nurse_on_duty", True))

    def _candidate(self, r: dict, record_id: str) -> Candidate:
        public = r.get("public")
        if type(public) is not str or public not in PUBLICS:
            raise _bad(public, "public", "one of " + ", ".join(PUBLICS))
        birth = r.get("birth_date")
        if type(birth) is not str:
            raise _bad(birth, "birth_date", "a date YYYY-MM-DD")
        try:
            birth_date = date.fromisoformat(birth)
        except ValueError:
            raise InputError(f"not a date YYYY-MM-DD: {birth!r}", field="birth_date") from None
        lat, lon = self._place(r)
        radius = _number(r, "radius_km", low=0.0, required=True)
        text = r.get("qualification_text")
        if text is not None and type(text) is not str:
            raise _bad(text, "qualification_text", "a string")
        return Candidate(
            record_id, public, birth_date, lat, lon, radius, self._qualifications(r.get("qualifications")), text,
            _choice(r, "french_level", FRENCH_LEVELS), _flag(r, "work_authorization", True),
            _flag(r, "driving_licence", False), _flag(r, "disability", False),
            _slots(r.get("availability"), "availability", required=True), _slots(r.get("busy"), "busy"))

    # -- the fast lane -----------------------------------------------------------------------

    def candidates_where(self, data: Any, reach: Callable[[str, float, float, float], float | None],
                         admit: Callable[[dict], bool] | None = None) -> list[Candidate]:
        """Every record checked, but only those ``reach(public, lat, lon, radius_km)`` does not
        answer None for (``ranking.prefilter`` is such a function), and that ``admit(record)``
        accepts when given, are built. ``admit`` only ever sees records ``quick_check`` vouched for.

        The command line ranks 100,000 candidates this way: ``quick_check`` validates a record
        without building objects, and only the few near the need become ``Candidate``s.
        A record the quick check does not vouch for goes through the full reader, which
        either builds it or raises the precise error.
        """
        if type(data) is not list:
            raise InputError("expected a JSON array of candidates")
        quick, read = self.quick_check, self.candidate
        seen: set[str] = set()
        kept = []
        for index, record in enumerate(data):
            checked = quick(record)
            if checked is None:
                candidate = read(record, index)
                record_id = candidate.id
                near = reach(candidate.public, candidate.lat, candidate.lon, candidate.radius_km)
            else:
                candidate = None
                record_id, public, lat, lon, radius = checked
                near = reach(public, lat, lon, radius)
            if record_id in seen:
                raise InputError("duplicate id", record_id=record_id, field="id")
            seen.add(record_id)
            if near is not None and (candidate is not None or admit is None or admit(record)):
                kept.append(candidate or read(record, index))
        return kept

    def quick_check(self, r: Any) -> tuple[str, str, float, float, float] | None:
        """(id, public, lat, lon, radius_km) when the record is certainly valid, else None.

        Stricter than the full reader, never looser (a fuzz test checks it): when in doubt,
        None, and the full reader decides. Odd values (a list where a string belongs, an
        unhashable code) make these plain checks raise, which also means None.
        """
        try:
            get = r.get
            record_id, lat, lon, radius = get("id"), get("lat"), get("lon"), get("radius_km")
            if type(record_id) is not str or not record_id or get("public") not in PUBLIC_SET:
                return None
            if lat is None and lon is None:
                lat, lon = self._resolve(get("commune"))  # TypeError when unknown (None)
            elif type(lat) not in NUMBER or type(lon) not in NUMBER or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                return None
            if type(radius) not in NUMBER or not 0 <= radius <= QUICK_MAX_NUMBER:
                return None
            date.fromisoformat(get("birth_date"))
            authorized, licence, disability = get("work_authorization"), get("driving_licence"), get("disability")
            if not ((authorized is None or authorized is True or authorized is False)
                    and (licence is None or licence is True or licence is False)
                    and (disability is None or disability is True or disability is False)):
                return None
            text, level = get("qualification_text"), get("french_level")
            if not ((text is None or type(text) is str) and (level is None or level in FRENCH_LEVEL_SET)):
                return None
            qualifications = get("qualifications")
            if qualifications is not None:
                codes = self._codes
                for item in qualifications:
                    years = item.get("validated_years")
                    if type(item["code"]) is not str or item["code"] not in codes \
                            or not (years is None or (type(years) is int and years >= 0)):
                        return None
                if type(qualifications) is not list:
                    return None
            parse = datetime.fromisoformat
            availability, busy = get("availability"), get("busy")
            for item in availability:
                if not QUICK_LOW <= parse(item["start"]) < parse(item["end"]) <= QUICK_HIGH:
                    return None
            if busy is not None:
                for item in busy:
                    if not QUICK_LOW <= parse(item["start"]) < parse(item["end"]) <= QUICK_HIGH:
                        return None
                if type(busy) is not list:
                    return None
            if type(availability) is not list:
                return None
        except (AttributeError, KeyError, TypeError, ValueError):
            return None
        return record_id, r["public"], lat, lon, radius

    # -- fields ----------------------------------------------------------------------------

    def _code(self, code: Any, field: str, required: bool = False) -> str | None:
        if code is None and not required:
            return None
        if type(code) is not str:
            raise _bad(code, field, "a qualification code")
        if code not in self._codes:
            raise InputError(f"unknown qualification code {code!r}", field=field)
        return code

    def _qualifications(self, value: Any) -> tuple[Qualification, ...]:
        if value is None:
            return ()
        if type(value) is not list:
            raise _bad(value, "qualifications", "an array")
        found = []
        for index, item in enumerate(value):
            field = f"qualifications[{index}]"
            if type(item) is not dict:
                raise _bad(item, field, "an object")
            code = self._code(item.get("code"), field + ".code", required=True)
            years = item.get("validated_years")
            if years is not None and (type(years) is not int or years < 0):
                raise _bad(years, field + ".validated_years", "an integer >= 0")
            found.append(Qualification(code, years))
        return tuple(found)

    def _place(self, r: dict) -> tuple[float, float]:
        """Coordinates as given, else the commune's (contract: one of commune or lat/lon)."""
        if r.get("lat") is not None or r.get("lon") is not None:
            return (_number(r, "lat", low=-90.0, high=90.0, required=True),
                    _number(r, "lon", low=-180.0, high=180.0, required=True))
        code = r.get("commune")
        if code is None:
            raise InputError("either commune or lat/lon is required", field="commune")
        if type(code) is not str:
            raise _bad(code, "commune", "an INSEE code string")
        point = self._resolve(code)
        if point is None:
            raise InputError(f"unknown commune code {code!r}", field="commune")
        return point


def _record_id(record: Any, index: int | None) -> str:
    where = f"#{index}" if index is not None else None
    if type(record) is not dict:
        raise InputError("a record must be a JSON object", record_id=where)
    record_id = record.get("id")
    if type(record_id) is not str or not record_id:
        raise InputError("required, a non-empty string", record_id=where, field="id")
    return record_id


def _bad(value: Any, field: str, expected: str) -> InputError:
    if value is None:
        return InputError(f"required, {expected}", field=field)
    shown = repr(value)
    return InputError(f"expected {expected}, got {shown[:40]}{'…' if len(shown) > 40 else ''}", field=field)


def _number(r: dict, field: str, *, low: float | None = None, high: float | None = None,
            required: bool = False) -> float | None:
    value = r.get(field)
    if value is None:
        if required:
            raise _bad(None, field, "a number")
        return None
    if type(value) not in NUMBER:
        raise _bad(value, field, "a number")
    try:
        value = float(value)
    except OverflowError:
        value = float("inf")
    if not isfinite(value):
        raise _bad(value, field, "a finite number")
    if (low is not None and value < low) or (high is not None and value > high):
        raise InputError(f"out of range [{low}, {high}]: {value!r}", field=field)
    return value


def _flag(r: dict, field: str, default: bool) -> bool:
    value = r.get(field)
    if value is None:
        return default
    if type(value) is not bool:
        raise _bad(value, field, "true or false")
    return value


def _choice(r: dict, field: str, allowed: tuple[str, ...], required: bool = False) -> str | None:
    value = r.get(field)
    if value is None and not required:
        return None
    if type(value) is not str or value not in allowed:
        raise _bad(value, field, "one of " + ", ".join(allowed))
    return value


def _slots(value: Any, field: str, required: bool = False) -> tuple[Slot, ...]:
    """Slots as given; validated here once, so ``Slot``'s own checks are skipped on this hot path."""
    if value is None:
        if required:
            raise _bad(None, field, "an array of slots")
        return ()
    if type(value) is not list:
        raise _bad(value, field, "an array of slots")
    slots = []
    for index, item in enumerate(value):
        if type(item) is not dict:
            raise _bad(item, f"{field}[{index}]", "an object with start and end")
        start = _moment(item.get("start"), field, index, "start")
        end = _moment(item.get("end"), field, index, "end")
        if end <= start:
            raise InputError("slot ends before it starts (or when it starts)", field=f"{field}[{index}].end")
        slot = _new_slot(Slot)
        _set(slot, "start", start)
        _set(slot, "end", end)
        slots.append(slot)
    return tuple(slots)


def _moment(value: Any, field: str, index: int, key: str) -> datetime:
    if type(value) is str:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is None and MIN_YEAR <= moment.year <= MAX_YEAR:
            return moment
    where = f"{field}[{index}].{key}"  # built only for the error message
    if type(value) is not str:
        raise _bad(value, where, "a local date-time YYYY-MM-DDTHH:MM")
    if moment is None:
        raise InputError(f"not a date-time YYYY-MM-DDTHH:MM: {value[:40]!r}", field=where)
    if moment.tzinfo is not None:
        raise InputError("local time (Europe/Paris) without offset expected", field=where)
    raise InputError(f"year out of range {MIN_YEAR}-{MAX_YEAR}", field=where)


def default_commune_resolver() -> CommuneResolver:
    """Resolve through ``refdata.communes`` (imported and loaded only when a record needs it)."""
    table: dict[str, Any] | None = None

    def resolve(code: str) -> tuple[float, float] | None:
        nonlocal table
        if table is None:
            try:
                from refdata.communes import load_communes

                table = load_communes()
            except Exception as exc:  # noqa: BLE001 - any failure here is a setup problem, said in one line
                raise InputError(f"communes reference unavailable ({type(exc).__name__}: {exc})",
                                 field="commune") from None
        commune = table.get(code)
        return None if commune is None else (commune.lat, commune.lon)

    return resolve
