"""The photos the office made public on a published issue, as the public gets them.

A photo is served only when its issue is on the public pages (`public_issues()`) and the office
approved it; anything else is the same 404. The stored file is never changed (what was sent is
kept, and staff download it whole); the public copy is the picture decoded and written again
by Pillow with only its EXIF block carried over, less the GPS data: no location, no XMP, no text
chunks, no embedded thumbnail leave the office. A JPEG keeps its quality settings. A file
Pillow cannot read is not served.
"""
import io
from pathlib import Path

from PIL import ExifTags, Image, UnidentifiedImageError
from sqlalchemy import select
from sqlmodel import Session

from models import Attachment, Issue
from service.core.errors import NotFound
from service.core.issue_codes import canonical
from service.disclosure.public import public_issues
from service.intake.photos import APPROVED


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

def without_gps(data: bytes) -> bytes:
    """A JPEG or PNG picture written again with its EXIF data less the GPS block (orientation,
    camera and date kept), and nothing else from the original's metadata. Raises NotFound when
    the file is no picture Pillow can read."""
    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture.load()
            exif = picture.getexif()
            exif.pop(ExifTags.IFD.GPSInfo, None)
            out = io.BytesIO()
            if picture.format == "JPEG":
                picture.save(out, "JPEG", quality="keep", subsampling="keep", exif=exif.tobytes())
            else:
                picture.save(out, "PNG", exif=exif.tobytes())
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise NotFound("没有这张照片", code="photo_not_found") from None
    return out.getvalue()
