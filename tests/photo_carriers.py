"""Photos that carry private text in every metadata carrier a photo can have, one carrier each.

Each carrier holds `secret(carrier)`: a GPS-like text and an ID-card-like number, unique per carrier,
so a leak names the carrier it came through.
"""

from __future__ import annotations

import io
import itertools
import struct
import zlib

from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

ID_NUMBER = "320411199001011237"


def secret(carrier: str) -> str:
    return f"SECRET-GPS-31.7-{carrier}-{ID_NUMBER}"


def leaks(data: bytes) -> list[str]:
    """The secrets found in `data`: as written, and inside any zlib stream a chunk may hold."""
    found = []
    for needle in (b"SECRET-GPS", ID_NUMBER.encode(), ID_NUMBER.encode("utf-16-be"), b"SECRET-GPS".decode().encode("utf-16-be")):
        if needle in data:
            found.append(needle.decode(errors="replace"))
    return found


_TONES = itertools.count()


def _picture(size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A picture different from every other one made here (a PDF shares identical images)."""
    image = Image.new("RGB", size, (40, 120, (7 * next(_TONES)) % 256))
    image.paste((250, 200, 0), (0, 0, size[0] // 4, size[1]))
    return image


def _xmp(carrier: str) -> bytes:
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="31,46.27N" exif:UserComment="{secret(carrier)}"/>'
        "</rdf:RDF></x:xmpmeta>"
    ).encode()


def _exif(carrier: str) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x010E] = secret(carrier + "-description")  # ImageDescription
    exif[0x013B] = secret(carrier + "-artist")  # Artist
    exif[0x8825] = {1: "N", 2: (31.0, 46.0, 16.32), 3: "E", 4: (119.0, 57.0, 48.24), 18: secret(carrier + "-gps")}  # GPSMapDatum
    exif[0x8769] = {0x927C: secret(carrier + "-makernote").encode(), 0x9286: b"ASCII\x00\x00\x00" + secret(carrier + "-user").encode()}
    return exif


def _icc(carrier: str) -> bytes:
    """A valid sRGB profile with the secret appended (and the header's size updated)."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes() + secret(carrier).encode()
    return struct.pack(">I", len(profile)) + profile[4:]


def _jpeg(image: Image.Image | None = None, **params: object) -> bytes:
    buffer = io.BytesIO()
    (image or _picture()).save(buffer, "JPEG", quality=90, **params)
    return buffer.getvalue()


def _app13(carrier: str) -> bytes:
    """A JPEG with an APP13 Photoshop segment holding IPTC (2:120 caption, 2:080 by-line)."""
    text = secret(carrier).encode()
    iptc = b"\x1c\x02\x78" + struct.pack(">H", len(text)) + text + b"\x1c\x02\x50" + struct.pack(">H", len(text)) + text
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iptc)) + iptc + (b"\x00" if len(iptc) % 2 else b"")
    payload = b"Photoshop 3.0\x00" + resource
    segment = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    data = _jpeg()
    return data[:2] + segment + data[2:]


def _png(info: PngInfo | None = None, **params: object) -> bytes:
    buffer = io.BytesIO()
    _picture().save(buffer, "PNG", pnginfo=info, **params)
    return buffer.getvalue()


def _png_text(kind: str) -> bytes:
    info = PngInfo()
    if kind == "tEXt":
        info.add_text("Comment", secret("png-tEXt"))
        info.add_text("comment", secret("png-tEXt-lower"))
    elif kind == "zTXt":
        info.add_text("Description", secret("png-zTXt"), zip=True)
    elif kind == "iTXt":
        info.add_itxt("Title", secret("png-iTXt"), lang="zh", tkey="标题")
    elif kind == "xmp":
        info.add_itxt("XML:com.adobe.xmp", _xmp("png-xmp").decode())
    return _png(info)


def _gif() -> bytes:
    buffer = io.BytesIO()
    _picture().convert("P").save(buffer, "GIF", comment=secret("gif-comment").encode())
    return buffer.getvalue()


def _webp(**params: object) -> bytes:
    buffer = io.BytesIO()
    _picture().save(buffer, "WEBP", quality=90, **params)
    return buffer.getvalue()


def _tiff() -> bytes:
    buffer = io.BytesIO()
    _picture().save(buffer, "TIFF", tiffinfo={270: secret("tiff-description"), 315: secret("tiff-artist")})
    return buffer.getvalue()


def carriers() -> dict[str, bytes]:
    """File name -> photo bytes; each file carries the secret in one kind of metadata."""
    return {
        "jpeg-exif-gps-makernote.jpg": _jpeg(exif=_exif("jpeg-exif")),
        "jpeg-xmp.jpg": _jpeg(xmp=_xmp("jpeg-xmp")),
        "jpeg-icc.jpg": _jpeg(icc_profile=_icc("jpeg-icc")),
        "jpeg-com.jpg": _jpeg(comment=secret("jpeg-com")),
        "jpeg-app13-iptc.jpg": _app13("jpeg-iptc"),
        "png-text.png": _png_text("tEXt"),
        "png-ztxt.png": _png_text("zTXt"),
        "png-itxt.png": _png_text("iTXt"),
        "png-xmp.png": _png_text("xmp"),
        "png-exif.png": _png(exif=_exif("png-exif")),
        "png-icc.png": _png(icc_profile=_icc("png-icc")),
        "gif-comment.gif": _gif(),
        "webp-exif.webp": _webp(exif=_exif("webp-exif")),
        "webp-xmp.webp": _webp(xmp=_xmp("webp-xmp")),
        "webp-icc.webp": _webp(icc_profile=_icc("webp-icc")),
        "tiff-tags.tiff": _tiff(),
    }


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, at = [], 8
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        chunks.append((kind, data[at + 8 : at + 8 + length]))
        at += 12 + length
    return chunks


def carried(data: bytes) -> bool:
    """Whether `data` carries the secret, as written or in a compressed PNG chunk (zTXt, iCCP)."""
    if leaks(data):
        return True
    if data.startswith(b"\x89PNG"):
        for kind, body in _png_chunks(data):
            if kind in (b"zTXt", b"iCCP") and leaks(zlib.decompress(body[body.index(b"\x00") + 2 :])):
                return True
    return False
