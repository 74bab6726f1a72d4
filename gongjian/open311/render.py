"""GeoReport v2's two formats, from one description of the answer.

An answer is a root element holding either one record (``service_definition``, ``discovery``) or
a list of records (``<services><service>…``, ``<service_requests><request>…``, ``<errors><error>…``).
A record is an ordered list of (name, value) pairs; a value is text, a number, a boolean, None,
a datetime, or :class:`Many` (a nested list such as ``attributes`` or ``formats``).

XML follows the specification's examples (``<?xml version="1.0" encoding="utf-8"?>``, no
namespace, empty elements for missing values, ``true``/``false``); JSON is the Spark-convention
mapping the specification gives: a list answer is a JSON array even for one record, a record is an
object, a nested list is an array named after the wrapping element, a missing value is null.
"""

import datetime
import decimal
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

XML = "xml"
JSON = "json"
FORMATS = (XML, JSON)
CONTENT_TYPES = {XML: "text/xml; charset=utf-8", JSON: "application/json; charset=utf-8"}

Record = Sequence[tuple[str, Any]]
# Characters XML 1.0 cannot carry at all (control characters, lone surrogates, U+FFFE/U+FFFF):
# dropped from the XML answer so that it always parses; JSON escapes them and keeps them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Many:
    """A nested list: ``<tag><item>…</item>…</tag>`` in XML, ``"tag": […]`` in JSON."""

    item: str
    values: Sequence[Any]  # records or plain values


def w3c(value: datetime.datetime | None) -> str | None:
    """A W3C datetime with its zone (``2023-05-12T09:30:00+08:00``), in the site's time zone."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return w3c(value)
    return NOT_XML.sub("", str(value))


def _json_value(value: Any) -> Any:
    if isinstance(value, Many):
        return [_json_value(v) for v in value.values]
    if isinstance(value, list | tuple):  # a record
        return {k: _json_value(v) for k, v in value}
    if isinstance(value, datetime.datetime):
        return w3c(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def _fill(parent: ET.Element, record: Record) -> None:
    for name, value in record:
        child = ET.SubElement(parent, name)
        if isinstance(value, Many):
            for item in value.values:
                sub = ET.SubElement(child, value.item)
                if isinstance(item, list | tuple):
                    _fill(sub, item)
                else:
                    sub.text = _text(item)
        else:
            child.text = _text(value)


def xml_document(root: ET.Element) -> bytes:
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode").encode()


def render_list(fmt: str, root: str, item: str, records: Sequence[Record], *, status: int = 200) -> HttpResponse:
    """A list answer (``<root><item>…</item></root>`` or a JSON array)."""
    if fmt == JSON:
        body = json.dumps([_json_value(list(r)) for r in records], ensure_ascii=False).encode()
    else:
        element = ET.Element(root)
        for record in records:
            _fill(ET.SubElement(element, item), record)
        body = xml_document(element)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def render_one(fmt: str, root: str, record: Record, *, status: int = 200) -> HttpResponse:
    """A one-record answer (``<root>…</root>`` or a JSON object)."""
    if fmt == JSON:
        body = json.dumps(_json_value(list(record)), ensure_ascii=False).encode()
    else:
        element = ET.Element(root)
        _fill(element, record)
        body = xml_document(element)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def render_errors(fmt: str, status: int, errors: Sequence[tuple[int, str]]) -> HttpResponse:
    """The specification's error answer: ``<errors><error><code>…</code><description>…``."""
    records = [[("code", code), ("description", description)] for code, description in errors]
    return render_list(fmt, "errors", "error", records, status=status)
