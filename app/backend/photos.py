"""Champion photos: only PNG, JPEG and WebP, re-encoded without metadata and scaled down."""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 800
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Pillow format name -> MIME type of what we store
ALLOWED_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
# Refuse images whose pixel count alone would exhaust memory while decoding.
MAX_PIXELS = 40_000_000


class PhotoError(ValueError):
    """The upload is not a usable photo; `reason` says why (too_large, not_an_image)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Photo:
    data: bytes
    mimetype: str


def process_photo(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> Photo:
    """Decode, check and re-encode an uploaded photo.

    Re-encoding drops EXIF (location, camera), ICC and text chunks and anything a
    crafted file may carry besides the pixels.
    """
    if len(data) > max_bytes:
        raise PhotoError("too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ALLOWED_FORMATS:
                raise PhotoError("not_an_image")
            if image.width * image.height > MAX_PIXELS:
                raise PhotoError("too_large")
            image.load()
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoError("not_an_image") from exc

    fmt = image.format
    # Apply the camera's rotation before the EXIF that holds it is dropped.
    image = ImageOps.exif_transpose(image)
    if fmt == "JPEG":
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    image.thumbnail((MAX_SIDE, MAX_SIDE))

    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "PNG":
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, "WEBP", quality=85)
    return Photo(data=out.getvalue(), mimetype=ALLOWED_FORMATS[fmt])
