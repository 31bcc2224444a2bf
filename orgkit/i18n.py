"""Every text a reader sees, by key, in English and Chinese: one gettext catalogue per language.

The catalogues are ``orgkit/locale/<language>/LC_MESSAGES/orgkit.po``. Each ``msgid`` is a stable key
(``finding.silo``, ``heading.spans``); its ``msgstr`` is the text, with ``{named}`` placeholders filled
by :func:`t` and :func:`tn`. An entry whose text depends on a count has plural forms (``msgid_plural``;
English has two, Chinese one). The ``.po`` files are the only source: they are parsed with Babel the
first time a language is used (once per process) and compiled in memory, so there is no build step and
no ``.mo`` file to keep in step.

A key the catalogue lacks is a bug, never shown to a reader as the key itself: :func:`t` raises
:class:`~orgkit.errors.MissingTextError`. ``tests/test_i18n.py`` checks that both catalogues have the
same keys with the same placeholders, that every key is used and every key used exists.
"""

from __future__ import annotations

import functools
import gettext
import io
import numbers
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from orgkit.errors import ConfigError, MissingTextError
from orgkit.formatting import number, true_minus

__all__ = [
    "is_plural",
    "LANGUAGES",
    "DOMAIN",
    "t",
    "tn",
    "has",
    "keys",
    "placeholders",
    "format_list",
    "format_date",
    "join_sentences",
    "catalogue",
    "catalogue_path",
]

#: The languages of the report, the first the default.
LANGUAGES: tuple[str, ...] = ("en", "zh")
#: The gettext domain: the catalogues are ``locale/<language>/LC_MESSAGES/<DOMAIN>.po``.
DOMAIN = "orgkit"
#: How two sentences follow each other: a space in English, nothing after a Chinese full stop.
_SENTENCE_SEPARATOR = {"en": " ", "zh": ""}


def _check(language: str) -> str:
    if language not in LANGUAGES:
        raise ConfigError(f"language must be one of {list(LANGUAGES)}. Got {language!r} instead.")
    return language


def catalogue_path(language: str) -> Any:
    """The ``.po`` file of ``language`` (a :class:`importlib.resources.abc.Traversable`)."""
    return resources.files("orgkit") / "locale" / _check(language) / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def catalogue(language: str) -> Any:
    """The parsed catalogue of ``language`` (a :class:`babel.messages.catalog.Catalog`), read once.

    Raises
    ------
    ConfigError
        For a language orgkit has no catalogue for.
    """
    from babel.messages.pofile import read_po

    with catalogue_path(language).open("rb") as fh:
        return read_po(fh, locale=language, domain=DOMAIN, abort_invalid=True)


@dataclass(frozen=True)
class _Compiled:
    translations: gettext.GNUTranslations
    singular: frozenset[str]
    plural: frozenset[str]


@functools.cache
def _compiled(language: str) -> _Compiled:
    from babel.messages.mofile import write_mo

    cat = catalogue(language)
    singular, plural = set(), set()
    for message in cat:
        if not message.id or message.fuzzy:
            continue
        if message.pluralizable:
            if all(message.string):
                plural.add(message.id[0])
        elif message.string:
            singular.add(message.id)
    buf = io.BytesIO()
    write_mo(buf, cat)
    buf.seek(0)
    return _Compiled(gettext.GNUTranslations(buf), frozenset(singular), frozenset(plural))


class _NumberFormatter(string.Formatter):
    """Fills placeholders; a number without a format spec is written by :func:`orgkit.formatting.number`
    (thousands separators, a true minus sign), one with a spec (``{n:,}``) by the spec, minus made true."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, numbers.Number) and not isinstance(value, bool):
            if not format_spec:
                return number(value, None)
            return true_minus(format(value, format_spec))
        return super().format_field(value, format_spec)


_FORMATTER = _NumberFormatter()

_CJK = re.compile("[\u3400-\u9fff]")
#: Where a filled-in value meets Chinese text: a value that starts with a Latin letter, a digit or a sign, or
#: ends with one (or with ``%`` or an ASCII bracket), is set off from the Chinese by a space.
_LATIN_START = re.compile(r"[A-Za-z0-9+\-−]")
_LATIN_END = re.compile(r"[A-Za-z0-9%)\]]")
#: A number right before these characters is part of a date (``2027年6月``) and keeps no space.
_DATE_UNITS = "年月日"
_DATE = re.compile(r"\d+[年月日]")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _spaced(text: str, values: dict[str, Any]) -> str:
    """Fill ``text`` (a Chinese entry) with a space between Chinese characters and a filled-in value that
    begins or ends in Latin letters or digits: ``{department}的`` with ``R&D`` reads ``R&D 的``, ``集中于{person}``
    with ``130`` reads ``集中于 130``. Spaces written in the entry are kept; nothing inside a value changes,
    except that an ISO date (``2025-09-03``) is written as a Chinese date (``2025年9月3日``).

    Examples
    --------
    >>> _spaced("{department}自成信息孤岛，{share}的员工", {"department": "R&D", "share": "11%"})
    'R&D 自成信息孤岛，11% 的员工'
    >>> _spaced("{department}自成信息孤岛", {"department": "研发中心"})
    '研发中心自成信息孤岛'
    >>> _spaced("请于 {year}年{month}前", {"year": "2027", "month": "6月"})
    '请于 2027年6月前'
    >>> _spaced("截至{date}（最新日期）", {"date": "2025-09-03"})
    '截至 2025年9月3日（最新日期）'
    """
    out: list[str] = []
    last = ""  # the last character of the value just filled in ("" after literal text)
    for literal, field, spec, conversion in _FORMATTER.parse(text):
        if literal:
            if last and _LATIN_END.match(last) and _CJK.match(literal[0]) and not (
                    last.isdigit() and literal[0] in _DATE_UNITS):
                out.append(" ")
            out.append(literal)
            last = ""
        if field is None:
            continue
        obj, _ = _FORMATTER.get_field(field, (), values)
        value = _FORMATTER.format_field(_FORMATTER.convert_field(obj, conversion), spec or "")
        value = format_date(value, "zh")  # a date inside a Chinese sentence reads 2025年9月23日
        before = out[-1][-1:] if out else ""
        if value and _LATIN_START.match(value[0]) and _CJK.match(before or " ") and not (
                before in _DATE_UNITS and _DATE.match(value)):  # 2027年 + 6月
            out.append(" ")
        out.append(value)
        last = value[-1:] if value else last
    return "".join(out)


def _format(key: str, text: str, language: str, values: dict[str, Any]) -> str:
    try:
        if language == "zh":
            return _spaced(text, values)
        return _FORMATTER.vformat(text, (), values)
    except KeyError as err:
        raise MissingTextError(f"the text {key!r} ({language}) needs a value for {err.args[0]!r}; "
                               f"it was given {sorted(values)}.") from None


def t(key: str, language: str = "en", /, **values: Any) -> str:
    """The text ``key`` in ``language``, its ``{placeholders}`` filled from ``values``.

    Parameters
    ----------
    key : str
        A catalogue key such as ``"heading.spans"``.
    language : {"en", "zh"}
    **values
        The placeholders' values (values the text does not use are ignored).

    Raises
    ------
    MissingTextError
        When the catalogue has no such text (or it has plural forms: use :func:`tn`), or a
        placeholder has no value.

    Examples
    --------
    >>> t("heading.spans"), t("heading.spans", "zh")
    ('Spans of control', '管理幅度')
    """
    c = _compiled(_check(language))
    if key not in c.singular:
        hint = "; it has plural forms, use tn()" if key in c.plural else ""
        raise MissingTextError(f"no text {key!r} in the {language} catalogue {catalogue_path(language)}{hint}.")
    return _format(key, c.translations.gettext(key), language, values)


def tn(key: str, n: int, language: str = "en", /, **values: Any) -> str:
    """The text ``key`` in the plural form for the count ``n``, formatted (``{n}`` is ``n`` unless given).

    Examples
    --------
    >>> tn("group.small_groups", 1), tn("group.small_groups", 3)
    ('1 small group', '3 small groups')
    >>> tn("group.small_groups", 3, "zh")
    '3 个小群体'
    """
    c = _compiled(_check(language))
    if key not in c.plural:
        hint = "; it has no plural forms, use t()" if key in c.singular else ""
        raise MissingTextError(f"no plural text {key!r} in the {language} catalogue "
                               f"{catalogue_path(language)}{hint}.")
    values.setdefault("n", n)
    return _format(key, c.translations.ngettext(key, key, int(n)), language, values)


def is_plural(key: str, language: str = "en") -> bool:
    """Whether ``key`` has plural forms in ``language``'s catalogue (render it with :func:`tn`).

    Examples
    --------
    >>> is_plural("warning.self_manager", "en"), is_plural("status.red", "en")
    (True, False)
    """
    return key in _compiled(_check(language)).plural


def has(key: str, language: str = "en") -> bool:
    """Whether the catalogue of ``language`` has the text ``key`` (singular or plural)."""
    c = _compiled(_check(language))
    return key in c.singular or key in c.plural


def keys(language: str = "en") -> frozenset[str]:
    """Every key of the catalogue of ``language``."""
    c = _compiled(_check(language))
    return c.singular | c.plural


def placeholders(text: str) -> frozenset[str]:
    """The names of the ``{placeholders}`` in ``text``.

    Examples
    --------
    >>> sorted(placeholders("{n} of {total} ({share})"))
    ['n', 'share', 'total']
    """
    return frozenset(name.split(".")[0].split("[")[0]
                     for _, name, _, _ in string.Formatter().parse(text) if name)


def format_list(items: Iterable[Any], language: str = "en", limit: int | None = None) -> str:
    """Items as a phrase: ``A, B and C`` / ``A、B、C``; beyond ``limit``: ``A, B and 3 more``.

    Examples
    --------
    >>> format_list(["Sales", "HR", "IT"])
    'Sales, HR and IT'
    >>> format_list(["Sales", "HR", "IT", "R&D"], limit=2)
    'Sales, HR and 2 more'
    >>> format_list(["销售部", "人事部", "财务部"], "zh", limit=2)
    '销售部、人事部以及其他 1 个'
    """
    names = [str(i) for i in items]
    sep = t("list.separator", language)
    if limit is not None and len(names) > limit:
        return tn("list.more", len(names) - limit, language, shown=sep.join(names[:limit]))
    if len(names) <= 1:
        return "".join(names)
    return t("list.last", language, first=sep.join(names[:-1]), last=names[-1])


def format_date(value: Any, language: str = "en") -> str:
    """A date as a reader of ``language`` writes it: ISO ``2025-09-23`` in English, ``2025年9月23日`` in
    Chinese; anything that is not an ISO date is returned as it is.

    Examples
    --------
    >>> format_date("2025-09-03"), format_date("2025-09-03", "zh"), format_date("soon", "zh")
    ('2025-09-03', '2025年9月3日', 'soon')
    """
    text = str(value)
    iso = _ISO_DATE.fullmatch(text)
    if _check(language) != "zh" or not iso:
        return text
    return f"{iso.group(1)}年{int(iso.group(2))}月{int(iso.group(3))}日"


def join_sentences(sentences: Sequence[str], language: str = "en") -> str:
    """Whole sentences one after the other (a space between them in English, none in Chinese)."""
    return _SENTENCE_SEPARATOR[_check(language)].join(sentences)
