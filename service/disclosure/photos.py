"""The photos the office made public on a published issue, as the public gets them.

A photo is served only when its issue is on the public pages (`public_issues()`) and the office
approved it; anything else is the same 404. The stored file is never changed (what was sent is
kept); the public copy has the EXIF GPS block blanked, and an XMP packet that mentions GPS
dropped, so a phone's location never leaves the office. Everything else in the file stays.
Pillow is not among our requirements, so this reads the JPEG segments and PNG chunks itself
(their layout is fixed by the JPEG/Exif and PNG specifications); a block it cannot read is
dropped whole rather than served.
"""
import struct
import zlib
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from models import Attachment, Issue
from service.core.errors import NotFound
from service.core.issue_codes import canonical
from service.disclosure.public import public_issues
from service.intake.photos import APPROVED

GPS_TAG = 0x8825
# bytes per value of each TIFF field type (1 BYTE … 12 DOUBLE)
TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}
EXIF_HEADER = b"Exif\x00\x00"
XMP_HEADERS = (b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _approved(session: Session, code: str):
    shown = public_issues().with_only_columns(Issue.id).where(Issue.code == (canonical(code) or "")).scalar_subquery()
    return select(Attachment).where(Attachment.issue_id == shown, Attachment.public_status == APPROVED)


def public_photos(session: Session, code: str) -> list[dict]:
    """The approved photos of the published issue `code`: ids only, never the uploaded name."""
    rows = session.execute(_approved(session, code).order_by(Attachment.id)).scalars()
    return [{"id": a.id, "content_type": a.content_type} for a in rows]


def open_public_photo(session: Session, code: str, photo_id: int, storage_dir: str | Path) -> tuple[str, bytes]:
    """(content type, the photo without its GPS data) of an approved photo of a published issue."""
    attachment = session.execute(_approved(session, code).where(Attachment.id == photo_id)).scalars().first()
    path = Path(storage_dir) / attachment.stored_name if attachment else None
    if attachment is None or not path.is_file():
        raise NotFound("没有这张照片", code="photo_not_found")
    return attachment.content_type, without_gps(path.read_bytes())


# --- the location out of the file ------------------------------------------------------------------

def _blank_gps(tiff: bytearray) -> bool:
    """Zero the GPS IFD of an Exif TIFF block in place (its entries and the values they point
    to) and leave the IFD empty. False when the block cannot be read."""
    order = {b"II": "<", b"MM": ">"}.get(bytes(tiff[:2]))
    if order is None or len(tiff) < 8:
        return False

    def u16(at: int) -> int:
        return struct.unpack_from(order + "H", tiff, at)[0]

    def u32(at: int) -> int:
        return struct.unpack_from(order + "I", tiff, at)[0]

    try:
        ifd = u32(4)
        gps = next((u32(ifd + 2 + 12 * i + 8) for i in range(u16(ifd)) if u16(ifd + 2 + 12 * i) == GPS_TAG), None)
        if gps is None:
            return True
        count = u16(gps)
        if gps + 2 + 12 * count > len(tiff):
            return False
        for i in range(count):
            entry = gps + 2 + 12 * i
            size = TYPE_SIZES.get(u16(entry + 2), 1) * u32(entry + 4)
            if size > 4:
                start = u32(entry + 8)
                if start + size > len(tiff):
                    return False
                tiff[start:start + size] = bytes(size)
        tiff[gps:gps + 2 + 12 * count] = bytes(2 + 12 * count)
    except struct.error:
        return False
    return True


def _jpeg(data: bytes) -> bytes:
    out, at = [data[:2]], 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xDA or 0xD0 <= marker <= 0xD9 or marker == 0x01:   # the image data: nothing more to read
            break
        end = at + 2 + struct.unpack_from(">H", data, at + 2)[0]
        segment, body = data[at:end], data[at + 4:end]
        if marker == 0xE1 and body.startswith(EXIF_HEADER):
            tiff = bytearray(body[len(EXIF_HEADER):])
            segment = segment[:4] + EXIF_HEADER + bytes(tiff) if _blank_gps(tiff) else b""
        elif marker == 0xE1 and body.startswith(XMP_HEADERS) and b"GPS" in body:
            segment = b""
        out.append(segment)
        at = end
    out.append(data[at:])
    return b"".join(out)


def _png(data: bytes) -> bytes:
    out, at = [PNG_SIGNATURE], len(PNG_SIGNATURE)
    while at + 12 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, at)
        end = at + 12 + length
        body = data[at + 8:at + 8 + length]
        chunk = data[at:end]
        if kind == b"eXIf":
            tiff = bytearray(body)
            chunk = (data[at:at + 8] + bytes(tiff) + struct.pack(">I", zlib.crc32(kind + bytes(tiff)))
                     if _blank_gps(tiff) else b"")
        elif kind in (b"iTXt", b"zTXt") and body.startswith(b"XML:com.adobe.xmp\x00"):
            # XMP: dropped when it names GPS, or when compressed (it cannot be read here)
            compressed = kind == b"zTXt" or body[len(b"XML:com.adobe.xmp\x00"):][:1] == b"\x01"
            chunk = b"" if compressed or b"GPS" in body else chunk
        out.append(chunk)
        at = end
        if kind == b"IEND":
            break
    return b"".join(out)


def without_gps(data: bytes) -> bytes:
    """A JPEG or PNG file with its EXIF GPS values zeroed; the rest as it was."""
    if data.startswith(b"\xff\xd8"):
        return _jpeg(data)
    if data.startswith(PNG_SIGNATURE):
        return _png(data)
    return data
