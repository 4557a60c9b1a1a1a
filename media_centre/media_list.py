"""Importing journalists into the media list from a CSV file: every row checked first, then all
saved or none; a journalist whose email address is known already is updated, not duplicated."""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext

from core.languages import CODES, SUFFIXES

from .models import Basis, Journalist, Topic

COLUMNS = ("name", "outlet", "email", "languages", "topics", "basis")
MAX_BYTES = 2 * 2**20  # a media list of tens of thousands of rows
MAX_ROWS = 20_000
SEPARATORS = re.compile(r"[;,|\s]+")


@dataclass
class Imported:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)  # "Row 3: …", nothing saved when any


def _rows(data: bytes) -> list[dict[str, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            gettext("The file is not text in UTF-8: save it from the spreadsheet as “CSV UTF-8”.")
        ) from None
    if "\x00" in text:
        raise ValidationError(gettext("The file is not a CSV file."))
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [name.strip().lower() for name in (reader.fieldnames or [])]
        missing = [column for column in COLUMNS if column not in header]
        if missing:
            raise ValidationError(
                gettext("The first row must name the columns %(columns)s; missing: %(missing)s.")
                % {"columns": ", ".join(COLUMNS), "missing": ", ".join(missing)}
            )
        reader.fieldnames = header
        rows = []
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise ValidationError(
                    gettext("The file has more than %(rows)s rows: import it in parts.")
                    % {"rows": MAX_ROWS}
                )
            rows.append({k: (v or "").strip() for k, v in row.items() if isinstance(k, str)})
        return rows
    except csv.Error as error:
        raise ValidationError(
            gettext("The file could not be read as CSV: %(error)s") % {"error": error}
        ) from None


def _topics() -> dict[str, Topic]:
    """Topics by web address and by name in each language, in lower case."""
    found = {}
    for topic in Topic.objects.all():
        names = [getattr(topic, f"name_{suffix}", "") or "" for suffix in SUFFIXES]
        for value in (topic.slug, *names):
            if value:
                found[value.lower()] = topic
    return found


def _check(number: int, row: dict, topics: dict, seen: set) -> tuple[dict, list[str]]:
    problems = []
    name, outlet, email = row["name"], row["outlet"], row["email"].lower()
    if not name:
        problems.append(gettext("the name is empty"))
    if len(name) > 200 or len(outlet) > 200:
        problems.append(gettext("the name or outlet is longer than 200 characters"))
    try:
        validate_email(email)
    except ValidationError:
        problems.append(gettext("“%(email)s” is not an email address") % {"email": email[:80]})
    if email in seen:
        problems.append(gettext("the address %(email)s is in the file twice") % {"email": email})
    seen.add(email)
    languages = [code.lower() for code in SEPARATORS.split(row["languages"]) if code]
    unknown = [code for code in languages if code not in CODES]
    if not languages or unknown:
        problems.append(
            gettext("languages must be among %(codes)s, the main one first")
            % {"codes": ", ".join(CODES)}
        )
    wanted = [t.strip() for t in row["topics"].split(";") if t.strip()]
    missing = [t for t in wanted if t.lower() not in topics]
    if missing:
        problems.append(
            gettext("no topic is called %(topics)s") % {"topics": ", ".join(missing)[:200]}
        )
    basis = row["basis"].lower()
    if basis not in Basis.values:
        problems.append(
            gettext("the basis must be one of %(bases)s") % {"bases": ", ".join(Basis.values)}
        )
    values = {
        "name": name,
        "outlet": outlet,
        "email": email,
        "language": languages[0] if languages and not unknown else "en",
        "other_languages": list(dict.fromkeys(languages[1:])),
        "basis": basis,
        "topics": [topics[t.lower()] for t in wanted if t.lower() in topics],
    }
    messages = [
        gettext("Row %(row)s: %(problem)s.") % {"row": number, "problem": problem}
        for problem in problems
    ]
    return values, messages


def import_journalists(data: bytes) -> Imported:
    """Check every row of `data`; save them all if none has a problem."""
    result = Imported()
    if len(data) > MAX_BYTES:
        result.errors.append(
            gettext("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // 2**20}
        )
        return result
    try:
        rows = _rows(data)
    except ValidationError as error:
        result.errors.extend(error.messages)
        return result
    if not rows:
        result.errors.append(gettext("The file has no rows below its column names."))
        return result
    topics = _topics()
    seen: set[str] = set()
    checked = []
    for number, row in enumerate(rows, start=2):  # the spreadsheet's row numbers
        values, problems = _check(number, row, topics, seen)
        result.errors.extend(problems)
        checked.append(values)
    if result.errors:
        return result
    with transaction.atomic():
        emails = [values["email"] for values in checked]
        known = {}
        for start in range(0, len(emails), 500):
            for journalist in Journalist.objects.filter(email__in=emails[start : start + 500]):
                known[journalist.email] = journalist
        for values in checked:
            topic_list = values.pop("topics")
            journalist = known.get(values["email"])
            if journalist is None:
                journalist = Journalist.objects.create(**values)
                result.created += 1
            else:
                for key, value in values.items():
                    setattr(journalist, key, value)
                journalist.save()
                result.updated += 1
            journalist.topics.set(topic_list)
    return result
