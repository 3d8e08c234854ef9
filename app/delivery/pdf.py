"""Letters as PDF for the post: one letter, or a print batch merged into one PDF.

Engine: the `typst` wheel (its compiler is inside; pip alone installs it) with the
template `letter.typ` beside this file, using only fonts embedded in typst (Libertinus
Serif), so a fresh machine needs nothing else. Letter text goes in as DATA only: a JSON
array in `sys.inputs`, decoded by the template and shown as text. It is never spliced
into typst markup, which could `#read` or `#include` files: `#read("/etc/passwd")`,
`$x$` or `*bold*` in a letter print as typed (tests/delivery/test_pdf.py checks it). The compiler's
root is this folder, so even the template can read nothing else.

Layout: page 1 is laid out for a #10 window envelope (numbers and the reasoning in
`window_on_page` and `address_box`), on US Letter or A4. A longer letter flows onto more
pages, numbered "- 2 -" at the foot; the window placement concerns page 1 only.

Measured on the 2-core development machine (typst 0.15.2 wheel, typst 0.15.1 inside;
10,000 distinct letters, about half of them French; the machine was shared, so CPU rates
are given beside wall-clock ones):

- `letter_pdf`, one letter a document: about 300-330 letters/s (every PDF embeds its own
  font subsets, about 17 kB a letter).
- `batch_pdf`: about 750-1,000 letters/s, 10,000 letters in 12-13 s, pages streamed out
  as each chunk is compiled. Peak RSS of the whole process for 10,000 letters: 190 MB
  with chunk=200, 114 MB with chunk=100, 99 MB with chunk=50 (and no slower).
  (typst memoises: compiling the same 200 letters twice runs at 8,700/s, which is likely
  where a figure of 3,300/s for "200 letters" comes from; distinct letters cost ~1 ms.)

Merge, chosen by measurement: the same 50 chunk PDFs of 200 letters (10,000 pages,
14 MB) merged into one file, time and peak RSS of the process:

- pypdf `PdfWriter.append` then `write`: 4.3 s, 201 MB, growing with the batch (the
  writer holds every object until it writes);
- pikepdf (qpdf), chunk PDFs in a temporary folder, `pages.extend` then `save`: 4.1 s,
  149 MB, growing too (qpdf reads stream data lazily but holds every object);
- `PdfConcatenator` below: 0.5 s, 33 MB (the interpreter and typst alone are 26 MB).

Both libraries would add a third to the batch's time (the benchmark wants a batch at
0.8 of the engine's own rate or better) and hold the whole batch. typst writes plain
PDFs (a classic cross-reference table, no object streams, one flat page list), so the
concatenator copies each chunk's objects straight to `out`, renumbered, keeping only one
offset per object and the list of pages, then writes one page tree and the table at the
end. It takes typst's output only and refuses, with ValueError, anything else (object
streams, nested page trees, inherited page attributes, incremental updates); references
are rewritten outside strings and names only, and stream data is copied untouched.

Memory: typst caches layout process-wide and keeps what the last 10 compilations used
(typst-py calls `comemo::evict(10)` after each); with distinct letters that is ten chunks
of dead cache, 0.8 GB at chunk=200. `_evict_cache` ages it out after each chunk.
"""

import json
import os
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice, pairwise
from pathlib import Path
from typing import BinaryIO, Literal

import typst

PageSize = Literal["a4", "letter"]

TEMPLATE = Path(__file__).with_name("letter.typ")

INCH = 72.0  # PDF points
MM = INCH / 25.4

# --- #10 window envelope (Canada/US standard), in inches ------------------------------
# A #10 envelope is 9.5 x 4.125 in; its standard window is 4.5 x 1.125 in, 7/8 in from the
# left edge and 1/2 in from the bottom (the window most Canadian and US suppliers stock
# for #10 envelopes, and the one Lob and PostGrid lay out for). Canada Post reads the
# address through it: nothing but the address may show there.
ENVELOPE_WIDTH = 9.5
ENVELOPE_HEIGHT = 4.125
WINDOW_LEFT = 0.875  # from the envelope's left edge
WINDOW_BOTTOM = 0.5  # from the envelope's bottom edge
WINDOW_WIDTH = 4.5
WINDOW_HEIGHT = 1.125
SHEET_SHIFT = 6 / 25.4  # the folded sheet moves up to 6 mm from centred, any way
ADDRESS_INSET = 0.125  # kept clear inside the window at its left and right
# Points kept clear above and below: typst measures lines from the font's ascender to its
# descender; a PDF reader's glyph boxes (the font's bounding box) reach about 0.25 em
# further down at 10 pt.
ADDRESS_INSET_VERTICAL = 3.0
BODY_GAP = 6.0  # points between where the window can reach and the letter's first line

PAGE_SIZES: dict[str, tuple[float, float]] = {
    "letter": (8.5 * INCH, 11 * INCH),  # 612 x 792 pt
    "a4": (210 * MM, 297 * MM),  # 595.28 x 841.89 pt
}


@dataclass(frozen=True)
class Box:
    """A rectangle on the page in points, measured from the page's top-left corner."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _sheet_positions(page_size: PageSize) -> tuple[tuple[float, float], tuple[float, float]]:
    """How far the folded sheet's left edge and bottom (its first fold) can be from the
    envelope's left edge and bottom, in points: across, anywhere the envelope lets it
    slide (an inch on Letter, more than 6 mm either way); up and down, 6 mm either side
    of centred (Letter leaves 11.6 mm of play, A4 5.8 mm: 6 mm covers both)."""
    width, height = PAGE_SIZES[page_size]
    slack_across = ENVELOPE_WIDTH * INCH - width
    centred = (ENVELOPE_HEIGHT * INCH - height / 3) / 2
    shift = SHEET_SHIFT * INCH
    return (0.0, slack_across), (centred - shift, centred + shift)


def _window_at(page_size: PageSize, sheet_left: float, sheet_bottom: float) -> Box:
    """Where the window falls on page 1 for one position of the folded sheet. The sheet
    is folded in three, its top third facing the envelope's front, upright: its bottom
    edge is the first fold, a third of the page down."""
    third = PAGE_SIZES[page_size][1] / 3
    left = WINDOW_LEFT * INCH - sheet_left
    bottom = third - (WINDOW_BOTTOM * INCH - sheet_bottom)
    return Box(left, bottom - WINDOW_HEIGHT * INCH, left + WINDOW_WIDTH * INCH, bottom)


def window_on_page(page_size: PageSize) -> Box:
    """What the window shows of page 1 wherever the sheet lies (`_sheet_positions`): the
    address goes there. US Letter: 0.875-4.375 in across, 2.50-3.16 in down (47 pt
    high); A4: 0.875-4.14 in across, 2.62-3.28 in down."""
    (left_min, left_max), (bottom_min, bottom_max) = _sheet_positions(page_size)
    low = _window_at(page_size, left_min, bottom_min)
    high = _window_at(page_size, left_max, bottom_max)
    return Box(low.left, high.top, high.right, low.bottom)


def window_reach(page_size: PageSize) -> Box:
    """What the window may show of page 1 as the sheet moves: nothing but the address may
    be printed there, or a sorting machine reads it as the address."""
    (left_min, left_max), (bottom_min, bottom_max) = _sheet_positions(page_size)
    low = _window_at(page_size, left_min, bottom_min)
    high = _window_at(page_size, left_max, bottom_max)
    return Box(high.left, low.top, low.right, high.bottom)


def address_box(page_size: PageSize) -> Box:
    """The recipient block's box: the window less 1/8 in at each side and 3 pt above and
    below. The template shrinks the block's text (10 pt down to 7 pt) to fit it."""
    w = window_on_page(page_size)
    inset = ADDRESS_INSET * INCH
    return Box(
        w.left + inset,
        w.top + ADDRESS_INSET_VERTICAL,
        w.right - inset,
        w.bottom - ADDRESS_INSET_VERTICAL,
    )


def layout(page_size: PageSize, title: str, duplex: bool = False) -> dict[str, float | str | bool]:
    width, height = PAGE_SIZES[page_size]
    reach = window_reach(page_size)
    address = address_box(page_size)
    return {
        "title": title,
        "page_width": width,
        "page_height": height,
        "margin_left": 1.0 * INCH,
        "margin_right": 0.9 * INCH,
        "margin_top": 0.6 * INCH,
        "margin_bottom": 0.75 * INCH,
        # sender block and date, top right, above where the window can reach
        "sender_width": 2.9 * INCH,
        "addr_left": address.left,
        "addr_top": address.top,
        "addr_width": address.width,
        "addr_height": address.height,
        # the letter's body starts below anything the window can show
        "body_top": reach.bottom + BODY_GAP,
        # room to sign by hand between the closing and the typed name
        "signature_space": 0.6 * INCH,
        "duplex": duplex,
    }


_local = threading.local()


def _compiler() -> typst.Compiler:
    """One compiler per thread: it keeps fonts and the parsed template between runs."""
    compiler: typst.Compiler | None = getattr(_local, "compiler", None)
    if compiler is None:
        compiler = typst.Compiler(TEMPLATE, root=TEMPLATE.parent, ignore_system_fonts=True)
        _local.compiler = compiler
    return compiler


def _evict_cache() -> None:
    """Drop what typst memoised for the previous documents.

    typst caches layout results process-wide and evicts, after each compilation, what the
    last 10 compilations did not use (typst-py calls `comemo::evict(10)`). Every letter is
    different, so that cache never helps a batch, and ten chunks' worth of it is held: about
    0.7 GB at 200 letters a chunk. typst-py exposes no eviction of its own; ten compilations
    of a one-character document (0.1 ms each, served from the cache) age it out, keeping one
    chunk's worth at most.
    """
    compiler: typst.Compiler | None = getattr(_local, "tiny", None)
    if compiler is None:
        compiler = _local.tiny = typst.Compiler(ignore_system_fonts=True)
    for _ in range(10):
        compiler.compile(input=b"x", format="pdf")


def _clean(parts: dict[str, str]) -> dict[str, str]:
    """Plain strings only, with "\\n" line ends (a "\\r" would be a second line break)."""
    return {
        key: value.replace("\r\n", "\n").replace("\r", "\n")
        for key, value in parts.items()
        if isinstance(value, str)
    }


def _inputs(
    letters: list[dict[str, str]], page_size: PageSize, title: str, duplex: bool = False
) -> dict[str, str]:
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page_size must be one of {sorted(PAGE_SIZES)}, not {page_size!r}")
    return {
        "layout": json.dumps(layout(page_size, title, duplex)),
        "letters": json.dumps([_clean(parts) for parts in letters], ensure_ascii=False),
    }


def _compile(
    letters: list[dict[str, str]],
    page_size: PageSize,
    title: str,
    *,
    tags: bool,
    duplex: bool = False,
) -> bytes:
    inputs = _inputs(letters, page_size, title, duplex)
    pdf = _compiler().compile(format="pdf", sys_inputs=inputs, pdf_tags=tags)
    if not isinstance(pdf, bytes):
        raise RuntimeError("typst returned no PDF")
    return pdf


def _letter_pages(total: int, letters: int) -> list[int]:
    """Pages per letter of the document just compiled (asks typst only when some letter
    ran past one page)."""
    if total == letters:
        return [1] * letters
    starts = json.loads(_compiler().query("<letter-pages>", field="value", one=True))
    return [end - start for start, end in pairwise([*starts, total + 1])]


def _chunks(letters: Iterable[dict[str, str]], size: int) -> Iterator[list[dict[str, str]]]:
    iterator = iter(letters)
    while chunk := list(islice(iterator, size)):
        yield chunk


def letter_pdf(parts: dict[str, str], *, page_size: PageSize = "letter") -> bytes:
    """One letter as a PDF: page 1 laid out for a #10 window envelope."""
    return _compile([parts], page_size, parts.get("subject", "") or "Letter", tags=True)


def batch_pdf(
    letters: Iterable[dict[str, str]],
    out: BinaryIO,
    *,
    page_size: PageSize = "letter",
    chunk: int = 200,
    page_counts: list[int] | None = None,
    duplex: bool = False,
) -> int:
    """Writes one merged PDF of every letter (each starting on a new page) to `out`;
    returns the number of pages written.

    Letters are compiled `chunk` at a time into one typst document each, and each chunk's
    objects are streamed to `out` as soon as it is compiled (see the module's docstring):
    memory holds one chunk, whatever the number of letters. `out` needs no seek. When
    `page_counts` is given, each letter's page count is appended to it, in order (for a
    batch's manifest). With `duplex`, a letter of an odd number of pages is followed by a
    blank page, so that every letter starts on the front of a sheet printed on both sides;
    its count includes that page. If anything raises midway, `out` holds a truncated file: write to
    a temporary file and move it into place once this returns.
    """
    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page_size must be one of {sorted(PAGE_SIZES)}, not {page_size!r}")
    writer = PdfConcatenator(out)
    for letters_chunk in _chunks(letters, chunk):
        pdf = _compile(letters_chunk, page_size, "Print batch", tags=False, duplex=duplex)
        pages = writer.append(pdf)
        if page_counts is not None:
            page_counts.extend(_letter_pages(pages, len(letters_chunk)))
        del pdf
        _evict_cache()
    return writer.close()


def page_count(pdf: bytes) -> int:
    """Pages in a PDF written by this module (typst's or the concatenator's output)."""
    return len(_Chunk(pdf).pages)


# --- Streaming concatenation ----------------------------------------------------------

_WS = b" \t\r\n\f\x00"
# One token the renumbering must see: a name (skipped whole, so digits in it are never a
# reference), an indirect reference, a hex string, the start of a literal string (skipped
# by hand: parentheses nest), or the `stream` keyword (the raw data after it is copied).
_TOKEN = re.compile(
    rb"(?P<name>/[^\s/\[\]()<>{}%]*)"
    rb"|(?<![\d.+-])(?P<ref>(?P<num>\d+)\s+(?P<gen>\d+)\s+R)(?![^\s/\[\]()<>{}%])"
    rb"|(?P<hex><[0-9A-Fa-f\s]*>)"
    rb"|(?P<lit>\()"
    rb"|(?P<stream>(?<![^\s>])stream(?:\r\n|\n))"
)
_PLAIN = bytes(c for c in range(256) if c not in b"/>]")  # a number, ref or keyword
_OBJ_HEADER = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b")
_REF = re.compile(rb"(\d+)\s+(\d+)\s+R")
_XREF_SECTION = re.compile(rb"\s*(\d+)\s+(\d+)[ \t]*\r?\n")


def _skip_literal(data: bytes, pos: int) -> int:
    """`pos` is just past a literal string's "("; returns the index just past its ")"."""
    depth = 1
    end = len(data)
    while pos < end:
        c = data[pos]
        if c == 0x5C:  # backslash: the next byte is escaped
            pos += 2
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
    raise ValueError("unterminated string in PDF")


def _entry(data: bytes, key: bytes) -> bytes | None:
    """The raw value of `key` in a flat dictionary (enough for the few keys read here)."""
    pos = 0
    while m := _TOKEN.search(data, pos):
        pos = m.end()
        if m.lastgroup == "lit":
            pos = _skip_literal(data, pos)
        elif m.lastgroup == "name" and m.group() == key:
            rest = data[pos:].lstrip(_WS)
            if rest.startswith(b"["):
                return rest[: rest.index(b"]") + 1]
            if rest.startswith(b"/"):
                value = _TOKEN.match(rest)
                return value.group() if value else None
            return rest[: len(rest) - len(rest.lstrip(_PLAIN))].strip()
        elif m.lastgroup == "stream":
            break
    return None


def _ref(data: bytes, key: bytes) -> tuple[int, int] | None:
    value = _entry(data, key)
    m = _REF.fullmatch(value) if value else None
    return (int(m[1]), int(m[2])) if m else None


@dataclass
class _Chunk:
    """A PDF as typst writes it: classic cross-reference table, no object streams,
    one flat page tree. Anything else is refused, not guessed at."""

    data: bytes
    spans: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    root: tuple[int, int] = (0, 0)
    pages_root: tuple[int, int] = (0, 0)
    info: tuple[int, int] | None = None
    pages: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        data = self.data
        tail = data[-1024:]
        m = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", tail)
        if not m:
            raise ValueError("not a PDF: no startxref")
        xref = int(m[1])
        if not data.startswith(b"xref", xref):
            raise ValueError("unsupported PDF: cross-reference stream")
        offsets: dict[tuple[int, int], int] = {}
        pos = xref + 4
        while True:
            head = _XREF_SECTION.match(data, pos)
            if not head:
                break
            first, count = int(head[1]), int(head[2])
            pos = head.end()
            for i in range(count):
                entry = data[pos : pos + 20]
                pos += 20
                if entry[17:18] == b"n":
                    offsets[(first + i, int(entry[11:16]))] = int(entry[:10])
        trailer_at = data.find(b"trailer", pos)
        if trailer_at < 0 or re.search(rb"/Prev\b", data[trailer_at:]):
            raise ValueError("unsupported PDF: no trailer, or incremental updates")
        trailer = data[trailer_at + 7 : data.find(b"startxref", trailer_at)]
        ends = dict(pairwise([*sorted(offsets.values()), xref]))
        self.spans = {key: (start, ends[start]) for key, start in offsets.items()}

        root = _ref(trailer, b"/Root")
        if root is None:
            raise ValueError("unsupported PDF: no /Root")
        self.root = root
        self.info = _ref(trailer, b"/Info")
        pages_root = _ref(self.body(root), b"/Pages")
        if pages_root is None:
            raise ValueError("unsupported PDF: no /Pages")
        self.pages_root = pages_root
        tree = self.body(pages_root)
        for inherited in (b"/Resources", b"/MediaBox", b"/CropBox", b"/Rotate"):
            if _entry(tree, inherited) is not None:
                raise ValueError("unsupported PDF: inherited page attributes")
        kids = _entry(tree, b"/Kids") or b"[]"
        self.pages = [(int(n), int(g)) for n, g in _REF.findall(kids)]
        for page in self.pages:
            if _entry(self.body(page), b"/Type") != b"/Page":
                raise ValueError("unsupported PDF: nested page tree")

    def body(self, key: tuple[int, int]) -> bytes:
        start, end = self.spans[key]
        return self.data[start:end]


class PdfConcatenator:
    """Writes PDFs one after another into one PDF, streaming: each appended document's
    objects are renumbered and written out at once; only their offsets and the page list
    stay in memory (a few bytes an object) until `close` writes the page tree and the
    cross-reference table."""

    CATALOG = 1
    PAGES = 2

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.written = 0
        self.offsets: list[int] = [0, 0, 0]  # by object number; 1 and 2 come at the end
        self.kids: list[int] = []
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.written += len(data)

    def append(self, pdf: bytes) -> int:
        """Appends every page of `pdf`; returns how many."""
        doc = _Chunk(pdf)
        skip = {doc.root, doc.pages_root, doc.info}
        numbers: dict[tuple[int, int], int] = {doc.pages_root: self.PAGES}
        for key in sorted(doc.spans):
            if key not in skip:
                numbers[key] = len(self.offsets) + len(numbers) - 1
        for key, number in numbers.items():
            if number == self.PAGES:
                continue
            start, end = doc.spans[key]
            self.offsets.append(self.written)
            assert len(self.offsets) - 1 == number
            self._write(self._renumbered(pdf, start, end, number, numbers))
        self.kids.extend(numbers[page] for page in doc.pages)
        return len(doc.pages)

    def _renumbered(
        self, data: bytes, start: int, end: int, number: int, numbers: dict[tuple[int, int], int]
    ) -> bytes:
        header = _OBJ_HEADER.match(data, start)
        if not header:
            raise ValueError("malformed PDF object")
        parts = [b"%d 0 obj" % number]
        pos = header.end()
        while m := _TOKEN.search(data, pos, end):
            if m.lastgroup == "ref":
                parts.append(data[pos : m.start()])
                target = numbers.get((int(m["num"]), int(m["gen"])))
                # A reference to an object left out (the catalog, the info) becomes null.
                parts.append(b"%d 0 R" % target if target else b"null")
                pos = m.end()
            elif m.lastgroup == "lit":
                parts.append(data[pos : m.end()])
                pos = _skip_literal(data, m.end())
                parts.append(data[m.end() : pos])
            elif m.lastgroup == "stream":
                break
            else:
                parts.append(data[pos : m.end()])
                pos = m.end()
        parts.append(data[pos:end])
        body = b"".join(parts)
        return body if body.endswith(b"\n") else body + b"\n"

    def close(self) -> int:
        """Writes the page tree, catalog and cross-reference table; returns the pages."""
        self.offsets[self.PAGES] = self.written
        kids = b" ".join(b"%d 0 R" % kid for kid in self.kids)
        self._write(
            b"%d 0 obj\n<</Type/Pages/Count %d/Kids[%s]>>\nendobj\n"
            % (self.PAGES, len(self.kids), kids)
        )
        self.offsets[self.CATALOG] = self.written
        self._write(b"%d 0 obj\n<</Type/Catalog/Pages %d 0 R>>\nendobj\n" % (1, self.PAGES))
        xref = self.written
        size = len(self.offsets)
        table = [b"xref\n0 %d\n0000000000 65535 f\r\n" % size]
        table += [b"%010d 00000 n\r\n" % offset for offset in self.offsets[1:]]
        self._write(b"".join(table))
        ident = os.urandom(16).hex().encode()
        self._write(
            b"trailer\n<</Size %d/Root %d 0 R/ID[<%s><%s>]>>\nstartxref\n%d\n%%%%EOF\n"
            % (size, self.CATALOG, ident, ident, xref)
        )
        self.out.flush()
        return len(self.kids)
