"""Letters as PDF, read back with real parsers: pdfplumber for text and positions,
pypdf (strict) for the structure of the merged batch."""

import io
import re

import pdfplumber
import pypdf
import pytest

from app.delivery.pdf import (
    INCH,
    PageSize,
    PdfConcatenator,
    address_box,
    batch_pdf,
    letter_pdf,
    page_count,
    window_on_page,
    window_reach,
)

EN = {
    "sender_block": "Jane Doe\n1 Main Street\nOttawa ON  K2P 1A1\njane@example.org",
    "sender_city": "Ottawa",
    "date": "November 29, 2026",
    "recipient_block": (
        "The Honourable Jane Smith, P.C., M.P.\nMinister of Housing\nHouse of Commons\n"
        "Ottawa ON  K1A 0A6"
    ),
    "subject": "Affordable housing",
    "salutation": "Dear Minister,",
    "intro": "I am writing as a constituent in Ottawa Centre.",
    "concern": "Rents have risen by 30% in three years — my neighbour had to move.",
    "ask": "Please support Bill C-123.",
    "reply_request": "I would be grateful for a reply telling me what you will do.",
    "closing": "Sincerely,",
    "signature": "Jane Doe",
    "signature_place": "Ottawa, Ontario",
    "language": "en",
}
FR = {
    "sender_block": (
        "Amélie Côté-Lévesque\n1234, rue Saint-Éloi, app. 5\nTrois-Rivières QC  G9A 5H7\n"
        "amelie.cote@example.org\n819-555-0199"
    ),
    "sender_city": "Trois-Rivières",
    "date": "1er décembre 2026",
    "recipient_block": (
        "L\u2019honorable François-Philippe Champagne, c.p., député\nMinistre des Finances\n"
        "Chambre des communes\nOttawa ON  K1A 0A6"
    ),
    "subject": "Le logement abordable — maintenant",
    "salutation": "Monsieur le Ministre,",
    "constituency": "J'habite votre circonscription, Saint-Maurice—Champlain.",
    "intro": "Je vous écris à titre d\u2019électrice de Trois-Rivières — et de locataire.",
    "concern": "Les loyers ont augmenté de 30 % en trois ans.\n\nÇa suffit : agissez.",
    "ask": "Je vous demande d\u2019appuyer le projet de loi C-123.",
    "closing": (
        "Veuillez agréer, Monsieur le Ministre, l\u2019expression de mes sentiments distingués."
    ),
    "signature": "Amélie Côté-Lévesque",
    "signature_place": "Trois-Rivières (Québec)",
    "language": "fr",
}
LONG = EN | {"concern": "\n\n".join(["Rents keep rising in every part of the city. " * 12] * 9)}
HOSTILE = '#read("/etc/passwd") $x$ *bold* #include "x" \\ ] [ _u_ `raw` <lbl> @ref // c'


def squash(text: str) -> str:
    """Whitespace as one space (the PDF's text has no fixed spacing; NBSP included)."""
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def page_texts(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [squash(page.extract_text()) for page in document.pages]


def line_boxes(pdf: bytes, lines: list[str]) -> list[dict[str, float]]:
    """Where each of `lines` is printed on page 1 (pdfplumber: points from the top-left)."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        found = []
        for line in lines:
            matches = page.search(r"\s+".join(re.escape(word) for word in line.split()))
            assert matches, f"{line!r} not found on page 1"
            found.append(matches[0])
        return found


def assert_in_window(found: list[dict[str, float]], page_size: PageSize) -> None:
    """Every glyph box (the font's bounding box) inside what the window shows wherever
    the sheet lies: 4 pt to spare across (the address box is the window less 9 pt), none
    needed up and down (the box is the window less 3 pt)."""
    window = window_on_page(page_size)
    for line in found:
        assert window.left + 4 <= line["x0"] < line["x1"] <= window.right - 4, line
        assert window.top <= line["top"] < line["bottom"] <= window.bottom, line


@pytest.mark.parametrize("parts", [EN, FR], ids=["en", "fr"])
def test_every_part_is_printed_with_accents_intact(parts: dict[str, str]) -> None:
    pdf = letter_pdf(parts)
    text = " ".join(page_texts(pdf))
    for key, value in parts.items():
        if key in ("language", "sender_city"):
            continue
        for line in value.splitlines():
            assert squash(line) in text, (key, line)
    if parts["language"] == "fr":
        assert "Trois-Rivières, le 1er décembre 2026" in text
        assert "Objet : Le logement abordable — maintenant" in text
        assert "Côté-Lévesque" in text and "Ça suffit" in text and "d\u2019appuyer" in text
    else:
        assert "Re: Affordable housing" in text


def test_a_normal_letter_is_one_page_and_a_long_one_flows_onto_two() -> None:
    normal, long = letter_pdf(EN), letter_pdf(LONG)
    assert page_count(normal) == 1 == len(pypdf.PdfReader(io.BytesIO(normal)).pages)
    assert page_count(long) == 2 == len(pypdf.PdfReader(io.BytesIO(long)).pages)
    first, second = page_texts(long)
    assert "Jane Smith" in first and "Rents keep rising" in first
    assert second.startswith("Jane Doe to The Honourable Jane Smith, P.C., M.P. — page 2 of 2")
    assert second.endswith("Sincerely, Jane Doe Ottawa, Ontario")


@pytest.mark.parametrize(
    ("page_size", "width", "height"), [("letter", 612, 792), ("a4", 595.28, 841.89)]
)
def test_page_sizes(page_size: PageSize, width: float, height: float) -> None:
    for pdf in (letter_pdf(EN, page_size=page_size), letter_pdf(LONG, page_size=page_size)):
        for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
            box = page.mediabox
            assert (float(box.left), float(box.bottom)) == (0, 0)
            assert float(box.width) == pytest.approx(width, abs=0.01)
            assert float(box.height) == pytest.approx(height, abs=0.01)


def test_the_window_constants() -> None:
    """#10 envelope (9.5 x 4.125 in), window 4.5 x 1.125 in, 7/8 in from the left and
    1/2 in from the bottom; the sheet folded in three, anywhere across the envelope and
    within 6 mm of centred up and down."""
    shift = 6 / 25.4 * INCH
    letter, reach = window_on_page("letter"), window_reach("letter")
    centred = (4.125 * INCH - 264) / 2  # the folded Letter sheet's bottom, centred
    assert (letter.left, letter.top, letter.right, letter.bottom) == pytest.approx(
        (0.875 * INCH, 264 - 1.625 * INCH + centred + shift, 4.375 * INCH,
         264 - 0.5 * INCH + centred - shift)
    )  # fmt: skip
    assert (letter.top, letter.bottom) == pytest.approx((180.5, 227.5), abs=0.01)
    assert (reach.top, reach.bottom) == pytest.approx((146.5, 261.5), abs=0.01)
    a4 = window_on_page("a4")
    assert (a4.left, a4.top, a4.bottom) == pytest.approx((63, 188.82, 235.81), abs=0.01)
    assert a4.right == pytest.approx(63 + 324 - (9.5 * INCH - 595.28), abs=0.01)
    for page_size in ("letter", "a4"):
        box, window = address_box(page_size), window_on_page(page_size)
        assert window.left + 9 == box.left == 72  # 1 in from the sheet's left edge
        assert (box.top, box.right, box.bottom) == pytest.approx(
            (window.top + 3, window.right - 9, window.bottom - 3)
        )


@pytest.mark.parametrize("page_size", ["letter", "a4"])
@pytest.mark.parametrize("parts", [EN, FR], ids=["en", "fr"])
def test_the_recipient_block_lies_in_the_window(page_size: PageSize, parts: dict[str, str]) -> None:
    pdf = letter_pdf(parts, page_size=page_size)
    box, window = address_box(page_size), window_on_page(page_size)
    recipient = line_boxes(pdf, parts["recipient_block"].splitlines())
    assert_in_window(recipient, page_size)
    assert recipient[0]["x0"] == pytest.approx(box.left, abs=0.5)
    assert recipient[0]["top"] == pytest.approx(box.top, abs=2)
    # Nothing else shows through the window: the sender block and date sit above where it
    # can reach, the letter below.
    reach = window_reach(page_size)
    above = line_boxes(pdf, [*parts["sender_block"].splitlines(), parts["date"]])
    assert all(found["bottom"] < reach.top for found in above)
    assert all(found["x0"] > window.right for found in above)  # top right
    below = line_boxes(pdf, [parts["salutation"]])
    assert below[0]["top"] > reach.bottom


LONG_BLOCK = (
    "The Right Honourable Firstname Lastname-Doubled, P.C., M.P.\n"
    "Minister of Intergovernmental Affairs, Infrastructure and Communities\n"
    "House of Commons\nRoom 123, West Block\nWellington Street\nOttawa ON  K1A 0A6"
)


def test_a_long_recipient_block_shrinks_then_loses_its_role_to_stay_in_the_window() -> None:
    four = "\n".join(LONG_BLOCK.splitlines()[:3] + LONG_BLOCK.splitlines()[-1:])
    pdf = letter_pdf(EN | {"recipient_block": four})
    assert_in_window(line_boxes(pdf, four.splitlines()), "letter")  # shrunk, wrapped
    pdf = letter_pdf(EN | {"recipient_block": LONG_BLOCK})
    kept = [line for number, line in enumerate(LONG_BLOCK.splitlines()) if number != 1]
    assert_in_window(line_boxes(pdf, kept), "letter")
    assert "Intergovernmental" not in page_texts(pdf)[0]


def test_supporter_text_with_typst_markup_prints_literally() -> None:
    hostile = EN | {
        "intro": HOSTILE,
        "concern": '#include "/etc/passwd"\n#let x = 1 #x',
        "subject": "*Re* $x^2$ ]",
        "signature": "Eve \\ ]",
        "recipient_block": '#read("/etc/hostname")\nOttawa ON  K1A 0A6',
    }
    text = " ".join(page_texts(letter_pdf(hostile)))
    assert squash(HOSTILE) in text
    assert '#include "/etc/passwd" #let x = 1 #x' in text
    assert "Re: *Re* $x^2$ ]" in text
    assert "Eve \\ ]" in text
    assert '#read("/etc/hostname")' in text
    assert "root:" not in text


def test_a_batch_has_every_letter_on_its_own_pages() -> None:
    letters = [
        EN | {"sender_block": f"Person {i}\n1 Main Street", "signature": f"Person {i}"}
        for i in range(5)
    ]
    letters[2] = LONG | {"sender_block": "Person 2\n1 Main Street", "signature": "Person 2"}
    letters.append(FR)
    out = io.BytesIO()
    counts: list[int] = []
    pages = batch_pdf(letters, out, chunk=2, page_counts=counts)
    assert pages == 7
    assert counts == [1, 1, 2, 1, 1, 1]
    pdf = out.getvalue()
    assert page_count(pdf) == 7
    assert len(pypdf.PdfReader(io.BytesIO(pdf), strict=True).pages) == 7
    texts = page_texts(pdf)
    for page, name in enumerate(["Person 0", "Person 1", "Person 2"]):
        assert texts[page].startswith(name)
    assert "Rents keep rising" in texts[3]
    assert texts[3].startswith("Person 2 to The Honourable Jane Smith, P.C., M.P. — page 2 of 2")
    assert texts[3].endswith("Person 2 Ottawa, Ontario")
    assert texts[4].startswith("Person 3") and texts[5].startswith("Person 4")
    assert texts[6].startswith("Amélie Côté-Lévesque")
    assert "Objet : Le logement abordable — maintenant" in texts[6]


def test_a_batch_on_a4_streams_to_an_unseekable_file() -> None:
    class Pipe:
        def __init__(self) -> None:
            self.chunks: list[bytes] = []

        def write(self, data: bytes) -> int:
            self.chunks.append(data)
            return len(data)

        def flush(self) -> None:
            pass

    pipe = Pipe()
    assert batch_pdf(iter([EN, FR, EN]), pipe, page_size="a4", chunk=2) == 3  # type: ignore[arg-type]
    reader = pypdf.PdfReader(io.BytesIO(b"".join(pipe.chunks)), strict=True)
    assert [float(page.mediabox.height) for page in reader.pages] == pytest.approx([841.89] * 3)


def test_an_empty_batch_is_a_valid_pdf_of_no_pages() -> None:
    out = io.BytesIO()
    assert batch_pdf([], out) == 0
    assert page_count(out.getvalue()) == 0
    assert len(pypdf.PdfReader(io.BytesIO(out.getvalue()), strict=True).pages) == 0


CONTENT = b"BT /F1 12 Tf 10 10 Td (x 1 0 R) Tj ET 4 0 R"


def _handmade_pdf(page_extra: bytes = b"", tree_extra: bytes = b"") -> bytes:
    """A one-page PDF with a classic cross-reference table, objects 1-4."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Count 1/Kids[3 0 R]" + tree_extra + b">>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 4 0 R" + page_extra + b">>",
        b"<</Length %d>>\nstream\n%s\nendstream" % (len(CONTENT), CONTENT),
    ]
    data = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(data)
    data += b"xref\n0 5\n0000000000 65535 f\r\n"
    data += b"".join(b"%010d 00000 n\r\n" % offset for offset in offsets)
    return data + b"trailer\n<</Size 5/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % xref


def test_the_concatenator_renumbers_references_but_not_strings_names_or_streams() -> None:
    extra = b"/Note(see 3 0 R \\) (nested 4 0 R))/N4#200 4 0 R/Hex<3420302052>"
    out = io.BytesIO()
    writer = PdfConcatenator(out)
    assert writer.append(_handmade_pdf(extra)) == 1
    assert writer.append(_handmade_pdf(extra)) == 1
    assert writer.close() == 2
    merged = out.getvalue()
    # Pages are 3 and 5, contents 4 and 6; the second copy's references moved by two.
    assert b"/Note(see 3 0 R \\) (nested 4 0 R))/N4#200 6 0 R/Hex<3420302052>" in merged
    assert b"/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 6 0 R" in merged
    assert merged.count(CONTENT + b"\nendstream") == 2  # stream data untouched
    reader = pypdf.PdfReader(io.BytesIO(merged), strict=True)
    assert [page.get_contents().get_data() for page in reader.pages] == [CONTENT] * 2  # type: ignore[union-attr]
    assert page_count(merged) == 2


def test_the_concatenator_refuses_what_it_does_not_understand() -> None:
    writer = PdfConcatenator(io.BytesIO())
    with pytest.raises(ValueError, match="not a PDF"):
        writer.append(b"hello")
    streamed_xref = _handmade_pdf().replace(b"xref\n0 5", b"9 0 obj\n")
    with pytest.raises(ValueError, match="cross-reference stream"):
        writer.append(streamed_xref)
    with pytest.raises(ValueError, match="inherited"):
        writer.append(_handmade_pdf(tree_extra=b"/MediaBox[0 0 9 9]"))


# --- The envelope, the signature, the pages after the first --------------------------

# A #10 envelope, 9.5 x 4.125 in; its window 4.5 x 1.125 in, 7/8 in from the left edge
# and 1/2 in from the bottom (the common Canadian and US standard window; Canada Post,
# "Addressing guidelines", and ANSI/ASC X9 window envelope sizes). Computed here from
# these figures alone, not from pdf.py, so the test checks the layout against the paper.
ENVELOPE = (9.5 * INCH, 4.125 * INCH)
WINDOW = {"left": 0.875 * INCH, "bottom": 0.5 * INCH, "width": 4.5 * INCH, "height": 1.125 * INCH}
SHIFT = 6 * INCH / 25.4  # 6 mm in points (17.0 pt)
PAGE = {"letter": (612.0, 792.0), "a4": (595.28, 841.89)}


def window_seen(page_size: PageSize, dx: float, dy: float) -> tuple[float, float, float, float]:
    """Where the window falls on page 1 when the folded sheet (its top third facing the
    window, upright) lies centred in the envelope, moved dx to the right and dy up."""
    width, height = PAGE[page_size]
    third = height / 3
    sheet_left = (ENVELOPE[0] - width) / 2 + dx
    sheet_bottom = (ENVELOPE[1] - third) / 2 + dy  # the first fold, above the envelope's
    left = WINDOW["left"] - sheet_left
    right = left + WINDOW["width"]
    bottom = third - (WINDOW["bottom"] - sheet_bottom)  # from the page's top
    top = bottom - WINDOW["height"]
    return left, top, right, bottom


def inside(word: dict[str, float], box: dict[str, float]) -> bool:
    return (
        box["x0"] - 0.5 <= word["x0"] and word["x1"] <= box["x1"] + 0.5
        and box["top"] - 0.5 <= word["top"] and word["bottom"] <= box["bottom"] + 0.5
    )  # fmt: skip


SHIFTS = [(dx * SHIFT, dy * SHIFT) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]


@pytest.mark.parametrize("page_size", ["letter", "a4"])
@pytest.mark.parametrize("parts", [EN, FR], ids=["en", "fr"])
def test_the_address_stays_in_the_window_when_the_sheet_moves_6_mm(
    page_size: PageSize, parts: dict[str, str]
) -> None:
    pdf = letter_pdf(parts, page_size=page_size)
    address = line_boxes(pdf, parts["recipient_block"].splitlines())
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        words = document.pages[0].extract_words()
    others = [word for word in words if not any(inside(word, line) for line in address)]
    assert len(others) > 40  # the sender block, the date and the letter
    for dx, dy in SHIFTS:
        left, top, right, bottom = window_seen(page_size, dx, dy)
        for word in address:
            assert left <= word["x0"] and word["x1"] <= right, (dx, dy, word)
            assert top <= word["top"] and word["bottom"] <= bottom, (dx, dy, word)
        # Nothing else shows through the window, wherever the sheet lies.
        for word in others:
            outside = (
                word["x1"] <= left or word["x0"] >= right
                or word["bottom"] <= top or word["top"] >= bottom
            )  # fmt: skip
            assert outside, (dx, dy, word["text"])


def test_a_long_address_stays_in_the_window_when_the_sheet_moves() -> None:
    pdf = letter_pdf(EN | {"recipient_block": LONG_BLOCK})
    block = "\n".join(line for n, line in enumerate(LONG_BLOCK.splitlines()) if n != 1)
    for dx, dy in SHIFTS:
        left, top, right, bottom = window_seen("letter", dx, dy)
        for word in line_boxes(pdf, block.splitlines()):
            assert left <= word["x0"] and word["x1"] <= right
            assert top <= word["top"] and word["bottom"] <= bottom


@pytest.mark.parametrize("parts", [EN, FR, LONG], ids=["en", "fr", "long"])
def test_there_is_room_to_sign_above_the_typed_name(parts: dict[str, str]) -> None:
    pdf = letter_pdf(parts)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[-1]
        closing = page.search(re.escape(parts["closing"].split()[-1]))[-1]
        name = page.search(re.escape(parts["signature"]))[-1]
    assert name["top"] - closing["bottom"] >= 0.5 * INCH  # half an inch to sign in


def test_pages_after_the_first_name_sender_recipient_and_page_of_pages() -> None:
    three = LONG | {"concern": LONG["concern"] + "\n\n" + LONG["concern"]}
    texts = page_texts(letter_pdf(three))
    assert len(texts) == 3
    assert "page 1 of" not in texts[0]
    for number in (2, 3):
        assert texts[number - 1].startswith(
            f"Jane Doe to The Honourable Jane Smith, P.C., M.P. — page {number} of 3"
        )
    french = FR | {"concern": "\n\n".join(["Les loyers augmentent partout. " * 12] * 9)}
    second = page_texts(letter_pdf(french))[1]
    assert second.startswith(
        "Amélie Côté-Lévesque à L\u2019honorable François-Philippe Champagne, c.p., député "
        "— page 2 de 2"
    )


def test_a_duplex_batch_gives_each_letter_an_even_number_of_pages() -> None:
    letters = [EN, LONG | {"concern": LONG["concern"] * 2}, FR, LONG]
    counts: list[int] = []
    out = io.BytesIO()
    pages = batch_pdf(letters, out, chunk=3, page_counts=counts, duplex=True)
    texts = page_texts(out.getvalue())
    assert counts == [2, 4, 2, 2] and pages == len(texts) == 10
    assert texts[1] == "" and texts[0].startswith("Jane Doe")  # the back of a one-page letter
    assert texts[2].startswith("Jane Doe") and "page 3 of 3" in texts[4]
    assert texts[5] == ""
    assert texts[6].startswith("Amélie") and texts[7] == ""
    assert "page 2 of 2" in texts[9]
