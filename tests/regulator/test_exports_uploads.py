"""Issue 9 points 5 and 6: CSV cells a spreadsheet would execute are escaped; uploads are
judged by their bytes (a polyglot or a renamed program is refused)."""

import csv
import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.api import ApplicationError
from regulator import csvsafe, uploads
from tests.credit.conftest import propose, published  # noqa: F401 (fixtures)
from tests.factories import EnterpriseFactory

# --- point 5 ----------------------------------------------------------------------------------


@given(st.lists(st.one_of(st.text(), st.integers(), st.none()), max_size=6))
def test_no_written_text_cell_starts_a_formula(row):
    buf = io.StringIO()
    csvsafe.writer(buf).writerow(row)
    (read,) = list(csv.reader(io.StringIO(buf.getvalue())))
    for original, cell in zip(row, read, strict=False):
        if isinstance(original, str):
            assert not cell.startswith(csvsafe.DANGEROUS)
            assert cell in (original, "'" + original)
        elif isinstance(original, int):
            assert cell == str(original)  # numbers stay numbers, -3 included


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x","y")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx"]
)
def test_public_list_csv_escapes_a_formula_name(db, client, published, name):  # noqa: F811
    ent = EnterpriseFactory(name=name)
    published(ent)
    response = client.get("/api/v1/public/lists/", {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + name in cells
    assert not any(cell.startswith(csvsafe.DANGEROUS) for cell in cells)


# --- point 6 ----------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:  # fixed date: the same bytes (test ids) in every process
        z.writestr(zipfile.ZipInfo("payload.js", date_time=(2020, 1, 1, 0, 0, 0)), "alert(1)")
    return buf.getvalue()


@pytest.mark.parametrize(
    "data,declared,needle",
    [
        (PDF + _zip(), "application/pdf", "ZIP archive"),
        (PNG + _zip(), "image/png", "ZIP archive"),
        (b"MZ\x90\x00" + b"\x00" * 60, "application/pdf", "program"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 9, "image/png", "program"),
        (_zip(), "application/pdf", "first bytes"),
        (PDF, "image/png", "first bytes"),
        (b"%PDF-1.4\n<html><script>alert(1)</script>", "application/pdf", "active web content"),
        (PDF, "application/x-msdownload", "not accepted"),
    ],
    ids=["pdf-zip", "png-zip", "exe-as-pdf", "elf-as-png", "zip-as-pdf", "pdf-as-png", "html-in-pdf", "exe-type"],
)
def test_content_checks_refuse(data, declared, needle):
    with pytest.raises(ApplicationError) as exc:
        uploads.check_content(
            data, declared, {"application/pdf", "image/png", "image/jpeg", "application/x-msdownload"}
        )
    assert needle in exc.value.errors["file"][0]


@pytest.mark.parametrize(
    "data,declared",
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"0" * 40 + b"\xff\xd9", "image/jpeg"),
    ],
)
def test_content_checks_accept_plain_files(data, declared):
    uploads.check_content(data, declared, {"application/pdf", "image/png", "image/jpeg"})


def test_declared_type_outside_the_allowed_list_is_refused():
    with pytest.raises(ApplicationError) as exc:
        uploads.check_content(PDF, "application/pdf", {"image/png"})
    assert "Accepted: image/png" in exc.value.errors["file"][0]


def test_material_upload_refuses_a_polyglot(db, api, enterprise_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.licensing.conftest import new_app

    app = new_app(enterprise_a)
    upload = SimpleUploadedFile("licence.pdf", PDF + _zip(), content_type="application/pdf")
    response = api(enterprise_a).post(
        f"/api/v1/applications/{app.pk}/materials/",
        {"kind": "other", "file": upload},
        format="multipart",
    )
    assert response.status_code == 400, response.content
    assert "ZIP archive" in response.json()["errors"]["file"][0]
    assert app.materials.count() == 0


def test_every_csv_export_goes_through_csvsafe():
    """A guard that stays: a new export written with the plain csv module fails here."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for app in ("regulator", "credit", "licensing", "enforcement", "inspections", "complaints")
        for path in (root / app).rglob("*.py")
        if path.name != "csvsafe.py" and ("csv.writer(" in path.read_text() or "csv.DictWriter(" in path.read_text())
    ]
    assert offenders == []
