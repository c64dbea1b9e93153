"""Stage 1: raw bytes → :class:`SourceText` → :class:`NormalisedText` with an offset map.

Input: a file path (or bytes).  Output: the decoded raw text, which every evidence offset
points into, and a normalised text on which extraction runs.

Invariants:

* ``NormalisedText.raw_span(i, j)`` gives the exact raw span that normalised ``text[i:j]``
  came from; the raw text is never altered, so quotes taken from it are verbatim.
* Normalisation only deletes characters (pinyin annotations, damaged spans, ``\\r``, BOM,
  zero-width marks, HTML tags), maps one character to one character (width, Traditional →
  Simplified), or replaces a whole raw span by one character (an HTML entity ``&amp;`` → ``&``,
  a block tag ``<br>``/``</p>`` → a line break), whose raw width is recorded; which is what
  keeps the map exact.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import re
import unicodedata
from array import array
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from meihao_kg.errors import InputError

__all__ = [
    "NormalisedText",
    "SourceText",
    "decode_bytes",
    "find_damaged_spans",
    "normalise",
    "read_source",
    "name_key",
    "to_simplified",
]

LOG = logging.getLogger(__name__)

# A pinyin syllable with a tone mark (the scraped annotations always carry one), or a
# neutral-tone syllable from a short list; followed by an optional space before ")".
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_NEUTRAL = "de|le|me|men|ma|ne|zi|ba|zhe|guo|ge|li|shang|tou|zhi|mo|a|ya|wa|la|na"
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
ANNOTATION_RE = re.compile(
    rf"(?<=[{_HAN}])[ \t]?[(（][ \t]?"
    rf"(?:[a-zü]*[{_TONED}][a-zü{_TONED}]*|(?:{_NEUTRAL}))"
    r"[ \t]?[)）]"
)
# The same, anchored on the parenthesis so that the regex engine can skip ahead quickly;
# the Han character (and optional space) before it is checked in Python.
_ANNOTATION_FAST = re.compile(
    rf"[(（][ \t]?(?:[a-zü]*[{_TONED}][a-zü{_TONED}]*|(?:{_NEUTRAL}))[ \t]?[)）]"
)
_HAN_RE = re.compile(rf"[{_HAN}]")
# Characters removed outright: CR, BOM, zero-width marks.
_DROP_RE = re.compile("[\r\ufeff\u200b\u200c\u200d\u2060]")

# Full-width ASCII forms → ASCII; ideographic/no-break spaces → space; half-width CJK
# punctuation → full-width.  All one-to-one.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH.update({0x3000: 0x20, 0x00A0: 0x20, 0xFF61: 0x3002, 0xFF64: 0x3001, 0xFF62: 0x300C,
               0xFF63: 0x300D})
_WIDTH_TABLE = str.maketrans({chr(k): chr(v) for k, v in _WIDTH.items()})

# HTML remnants of re-posts: tags (block tags become line breaks) and character entities.
_HTML_HINT = re.compile(r"</?(?:p|br|div|span|section|strong|b|i|em|font|li|ul|ol|h[1-6]|img|a|table|tr|td)\b[^<>]*>"
                        r"|&(?:nbsp|amp|lt|gt|quot|apos|ldquo|rdquo|lsquo|rsquo|mdash|hellip|middot|#\d{2,6}|#x[0-9a-fA-F]{2,5});",
                        re.IGNORECASE)
_HTML_TAG = re.compile(r"<(?P<close>/)?(?P<name>[a-zA-Z][a-zA-Z0-9]{0,9})\b[^<>\n]{0,300}?/?>|<!--.{0,2000}?-->",
                       re.DOTALL)
_HTML_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
_BLOCK_TAGS = {"p", "br", "div", "li", "tr", "section", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table"}

_SUSPECT_RE = re.compile(r"[?\ufffd]")
_DAMAGE_STOP = set(",，。、；“”\"：:\n")
_DAMAGE_MAX = 16


@dataclass(frozen=True)
class SourceText:
    """One source file, decoded.  Offsets everywhere are code points into ``raw``."""

    doc_id: str
    raw: str
    path: str | None = None
    encoding: str = "utf-8"
    sha256: str = ""
    byte_size: int = 0


@dataclass(frozen=True)
class NormalisedText:
    """Normalised text plus, for each of its characters, the raw span it came from."""

    text: str
    starts: array[int] = field(repr=False)  # raw offset of normalised char i (each maps to one raw char)
    damaged: tuple[tuple[int, int], ...] = ()
    annotations: int = 0
    # normalised index → raw width, for characters that replace a longer raw span (entities)
    wide: dict[int, int] = field(default_factory=dict, repr=False)
    html: int = 0  # HTML tags and entities removed or replaced

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``[start, end)`` covering normalised ``text[start:end]`` (``start < end``)."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"bad span {start}-{end} for text of length {len(self.text)}")
        return self.starts[start], self.starts[end - 1] + self.wide.get(end - 1, 1)

    def overlaps_damage(self, raw_start: int, raw_end: int) -> bool:
        """True when raw ``[raw_start, raw_end)`` touches a damaged span (or its edges)."""
        if not self.damaged:
            return False
        k = bisect.bisect_right(self.damaged, (raw_end, raw_end + 1))
        # spans are sorted and disjoint: only the one starting at or before raw_end can touch
        return k > 0 and self.damaged[k - 1][1] >= raw_start


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Decode a source file's bytes; return ``(text, encoding)``.

    UTF-8 (with or without BOM) is the expected encoding.  Anything else is decoded only when
    a detector is confident it is a Chinese legacy encoding (GB18030/GBK/GB2312, Big5) or
    UTF-16 with a BOM; otherwise it is refused.

    Raises:
        InputError: empty, binary, or undecodable input; the message names ``name``.
    """
    if not data.strip():
        raise InputError(f"{name}: file is empty")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: bad UTF-16 at byte {exc.start}") from None
    if b"\x00" in data:
        raise InputError(f"{name}: binary file (NUL byte at offset {data.index(0)}), not text")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc.start
    import charset_normalizer  # deferred: only needed for non-UTF-8 input

    best = charset_normalizer.from_bytes(data).best()
    chinese = {"gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950", "cp936"}
    if best is not None and best.encoding in chinese and best.chaos < 0.2:
        encoding = "gb18030" if best.encoding in {"gbk", "gb2312", "cp936"} else best.encoding
        return data.decode(encoding), encoding
    control = sum(1 for b in data[:4096] if b < 9 or 13 < b < 32)
    if control > 8:
        raise InputError(f"{name}: binary file, not text")
    raise InputError(
        f"{name}: not valid UTF-8 (first bad byte at offset {bad}) and not recognisably "
        "GB18030/GBK or Big5",
        hint="convert it to UTF-8, e.g. iconv -f GB18030 -t UTF-8",
    )


_PLAIN_ID = re.compile(r"[A-Za-z0-9._-]+")


def doc_id_for(path: Path) -> str:
    """The stable identifier of a source, from its file name without extension.

    A name of ASCII letters, digits, ``.``, ``_`` and ``-`` is its own id.  Any other name
    (``辽宁.txt``, ``report (2).txt``) becomes an ASCII slug (pinyin for Chinese) plus the
    first 8 hex digits of the SHA-1 of the name, so that two different names never share
    an id: ``辽宁`` → ``liao-ning-6f3ac2b1``.
    """
    stem = unicodedata.normalize("NFC", path.stem)
    if _PLAIN_ID.fullmatch(stem):
        return stem
    from meihao_kg.graph.iri import slugify

    digest = hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]
    base = slugify(stem)
    if base.startswith("h") and len(base) == 11 and not stem.isascii():
        base = "source"  # slugify's own hash fallback: nothing readable in the name
    return f"{base}-{digest}"


def display_path(path: Path) -> str:
    """``path`` relative to the working folder when it lies inside it, else absolute."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


MAX_SOURCE_BYTES = 1 << 20
"""Largest source file read by default (1 MiB, about fifty instalments; the seed is 19 KB).
Time and memory of a build grow with a file's size, so a larger file is refused unless the
limit is raised (``build --max-source-size``)."""


def read_source(path: str | Path, *, max_bytes: int = MAX_SOURCE_BYTES) -> SourceText:
    """Read and decode one source file.

    Raises:
        InputError: missing, unreadable, too large, empty, binary or undecodable file.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or folder")
    if p.is_dir():
        raise InputError(f"{p}: is a folder, not a file")
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None
    if max_bytes and size > max_bytes:
        raise InputError(
            f"{p}: {size / 1048576:.1f} MiB is larger than the {max_bytes / 1048576:g} MiB limit "
            "for one source",
            hint="split it into one file per article, or raise the limit with --max-source-size",
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None
    text, encoding = decode_bytes(data, str(p))
    return SourceText(
        doc_id=doc_id_for(p),
        raw=text,
        path=str(p),
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        byte_size=len(data),
    )


def find_damaged_spans(raw: str) -> list[tuple[int, int]]:
    """Spans of mis-decoded bytes: a ``?``/U+FFFD inside CJK text and the garbage after it.

    A run starts at ``?`` (or U+FFFD) that follows a non-ASCII character and is not followed
    by a line end or a punctuation mark (a real question mark).  It ends before the next
    comma, full stop, quote mark or line end, or right after an orphan pinyin annotation
    (``?yè)`` – a lost character whose annotation survived), whichever comes first.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    n = len(raw)
    for m in _SUSPECT_RE.finditer(raw):
        start = m.start()
        if start < pos:
            continue
        ch = raw[start]
        if ch == "?":
            if start == 0 or raw[start - 1].isascii() and raw[start - 1] not in ")]" or raw[start - 1] in "?？!！。":
                continue
            if start + 1 >= n or raw[start + 1] in _DAMAGE_STOP or raw[start + 1].isspace():
                continue
        end = start + 1
        opened = False
        i = start + 1
        while i < n and i - start <= _DAMAGE_MAX:
            c = raw[i]
            if c in _DAMAGE_STOP:
                end = i
                break
            if c in "(（":
                opened = True
            if c in ")）" and not opened:
                end = i + 1
                while end < n and raw[end].isascii() and raw[end].isalpha():
                    end += 1
                break
            i += 1
        else:
            end = i if i - start <= _DAMAGE_MAX else start + 1
        spans.append((start, end))
        pos = end
    return spans


@lru_cache(maxsize=1)
def _opencc():  # type: ignore[no-untyped-def]
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified, one character for one character.

    OpenCC's phrase tables can change the length of a string; when that happens the text
    is converted character by character so that offsets stay aligned.
    """
    converted: str = _opencc().convert(text)
    if len(converted) == len(text):
        return converted
    conv = _opencc().convert
    out = []
    for ch in text:
        c = conv(ch)
        out.append(c if len(c) == 1 else ch)
    return "".join(out)


def name_key(text: str, *, spaces: bool = True) -> str:
    """The one key names are looked up by: half-width (NFKC), Simplified, case-folded, without
    quote marks or surrounding space; inner spaces kept (``EV charging``) unless ``spaces`` is
    false.  The user's words and the graph's labels go through the same function."""
    s = unicodedata.normalize("NFKC", text).strip()
    s = re.sub(r"[\"'“”‘’「」『』]", "", s)
    if not spaces:
        s = re.sub(r"\s+", "", s)
    return to_simplified(s).casefold()


def _html_edits(raw: str) -> list[tuple[int, int, str]]:
    """HTML remnants as edits ``(start, end, replacement)``; none unless the text has HTML."""
    if not _HTML_HINT.search(raw):
        return []
    import html

    edits: list[tuple[int, int, str]] = []
    for m in _HTML_TAG.finditer(raw):
        name = (m.group("name") or "").lower()
        edits.append((m.start(), m.end(), "\n" if name in _BLOCK_TAGS else ""))
    for m in _HTML_ENTITY.finditer(raw):
        ch = html.unescape(m.group(0))
        if ch == m.group(0) or len(ch) != 1:
            continue
        edits.append((m.start(), m.end(), " " if ch == "\xa0" else ch))
    return edits


def normalise(source: SourceText) -> NormalisedText:
    """Strip annotations, HTML and damage, unify width, convert to Simplified; keep the map."""
    raw = source.raw
    damaged = find_damaged_spans(raw)
    edits: list[tuple[int, int, str]] = [(a, b, "") for a, b in damaged]
    html_edits = _html_edits(raw)
    edits += html_edits
    annotations = 0
    for m in _ANNOTATION_FAST.finditer(raw):
        start = m.start()
        if start > 1 and raw[start - 1] in " \t" and _HAN_RE.match(raw[start - 2]):
            start -= 1
        elif not (start > 0 and _HAN_RE.match(raw[start - 1])):
            continue
        edits.append((start, m.end(), ""))
        annotations += 1
    for m in _DROP_RE.finditer(raw):
        edits.append((m.start(), m.end(), ""))
    edits.sort()

    pieces: list[str] = []
    starts = array("l")
    wide: dict[int, int] = {}
    pos = 0
    for a, b, rep in edits:
        if a < pos:  # overlapping edits: deletions merge, a replacement inside one is dropped
            if not rep:
                pos = max(pos, b)
            continue
        if a > pos:
            pieces.append(raw[pos:a])
            starts.extend(range(pos, a))
        if rep:
            pieces.append(rep)
            starts.append(a)
            if b - a != 1:
                wide[len(starts) - 1] = b - a
        pos = b
    if pos < len(raw):
        pieces.append(raw[pos:])
        starts.extend(range(pos, len(raw)))
    kept = "".join(pieces).translate(_WIDTH_TABLE)
    text = to_simplified(kept)
    return NormalisedText(text=text, starts=starts, damaged=tuple(damaged), annotations=annotations,
                          wide=wide, html=len(html_edits))
