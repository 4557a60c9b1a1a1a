"""Small, real PDFs for the demo archive's documents: text on A4 pages that pypdf can read."""

import random

from .phrases import DEMO_NOTE, SENTENCES

LINES_PER_PAGE = 30
LINE_CHARS = 80


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _wrap(text: str) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > LINE_CHARS:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def make_pdf(title: str, pages: list[list[str]]) -> bytes:
    """A PDF 1.4 file with one Helvetica text page per item of `pages` (ASCII lines)."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages' object numbers are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Title ({_escape(title)}) /Producer (Newsroom generate_demo) >>".encode(),
    ]
    kids = []
    for lines in pages:
        text = " ".join(f"({_escape(line)}) '" for line in lines)
        stream = f"BT /F1 11 Tf 14 TL 56 800 Td {text} ET".encode("latin-1")
        page_number, content_number = len(objects) + 1, len(objects) + 2
        kids.append(f"{page_number} 0 R")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content_number} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def demo_pdfs(rng: random.Random, count: int) -> list[tuple[bytes, int]]:
    """`count` different PDFs of one to four short pages of English text, with page counts."""
    slots = {"org": "Demo Harbourside Finance Council", "org2": "Demo Jade River Markets Office"}
    files = []
    for k in range(count):
        page_count = 1 + k % 4
        pages = []
        for page in range(page_count):
            text = " ".join(
                sentence.format(
                    topic="market development", city="Hong Kong", year=2020 + k, **slots
                )
                for sentence, _zh in rng.sample(SENTENCES, 4)
            )
            heading = f"Newsroom demonstration document {k + 1}, page {page + 1} of {page_count}"
            lines = [heading, "", *_wrap(text), "", DEMO_NOTE[0]]
            pages.append(lines[:LINES_PER_PAGE])
        files.append((make_pdf(f"Newsroom demonstration document {k + 1}", pages), page_count))
    return files
