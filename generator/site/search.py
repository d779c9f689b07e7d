"""The site's search: Pagefind indexes the built pages into a static bundle (`pagefind/`).

What is indexed is decided by the page templates (generator/templates/site/*.j2), not here:
- only the generated public pages carry `data-pagefind-body`; once one page has it, Pagefind
  leaves out every page without it (the guide, redirect pages, 404, anything an editor adds);
- `data-pagefind-ignore` drops what must not be a search hit (withdrawn items and notices, whose
  tombstones keep only the reason; closed notices; former years; long lists on index pages);
- `data-pagefind-weight` lifts names (organizations, brands, slogans, secretaries) above prose;
- `data-pagefind-meta` (org, section, date) and `data-pagefind-filter` (bankuai, kind) feed the
  result lines and the filters of the search dialog (generator/assets/party365.js).
Content that never reaches a page (党内 items, redacted text, the old text of withdrawn items)
cannot reach the index either: Pagefind reads only the published HTML.

Here the text is prepared (a run of Han characters becomes its overlapping pairs, `han_words`),
indexed as of no language (`LANGUAGE`: Pagefind's Chinese segmenters, in the extended binary and
in the browser, would cut the pairs into dictionary words), and the word chunks are cut again
(`CHUNK_POSITIONS`). The bundle is loaded by the reader's browser only when a search starts, and
a query fetches only the index chunks of its words.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import re
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

INDEX_DIR = "pagefind"  # the bundle's folder in the site
LANGUAGE = "unknown"  # Pagefind's name for text of no language: no segmenting, no stemming


class SearchIndexError(Exception):
    """Pagefind is missing or failed: the message is the reader-facing (Chinese) reason."""


@dataclass(frozen=True)
class IndexReport:
    pages: int
    words: int


def _executable() -> Path:
    try:
        import pagefind_bin_extended
    except ImportError as exc:
        raise SearchIndexError("未安装 Pagefind 扩展版（pagefind[extended]），无法生成站内搜索；请运行 ./dev site 重新准备环境") from exc
    try:
        return pagefind_bin_extended.get_executable()
    except FileNotFoundError as exc:
        raise SearchIndexError(f"找不到 Pagefind 程序：{exc}") from exc


# Han characters, CJK punctuation and full-width forms. A run of Han characters is indexed as its
# overlapping pairs; other CJK characters are words of their own.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_WORD = re.compile(rf"[{_HAN}]+|[{_CJK}]")
_HAN_RUN = re.compile(rf"[{_HAN}]+")
# Tags inside a line of text: a run of Han characters goes on across them (东湾村</a>党委).
_INLINE_TAG = re.compile(r"</?(a|abbr|b|cite|code|em|i|mark|q|s|small|span|strong|sub|sup|time|u)\b[^>]*>", re.IGNORECASE)
_TAG_OR_TEXT = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>|<[^>]*>)", re.DOTALL | re.IGNORECASE)
SEPARATOR = "\u200a"  # HAIR SPACE: a word boundary for Pagefind; the search dialog removes it from excerpts


def han_words(run: str) -> list[str]:
    """The words a run of Han characters is indexed as: its first character, every overlapping
    pair, its last character (东湾村 → 东 东湾 湾村 村); a single character as itself.

    Pagefind fetches one index chunk per query word, and a chunk holds every position of its
    words on every page. Indexed one by one, a common character (党, 员, 年) has positions on
    almost every page, so each character of a query cost a chunk of 80-270 KB at 3,000
    organizations. A pair is far rarer than either of its characters: a query of n characters
    asks for its n-1 pairs as a phrase (the search dialog, generator/assets/party365.js), each in
    a small chunk. The single first and last characters let a query that joins Han characters to
    digits or letters (3号, 163号) match as a phrase, and a one-character query find the run by
    Pagefind's prefix matching (党 finds 党, 党费, 党员…).
    """
    if len(run) < 2:
        return [run]
    return [run[0], *(run[i : i + 2] for i in range(len(run) - 1)), run[-1]]


def _index_text(text: str, carry: str, continues: bool) -> str:
    """One text between tags, indexed. `carry`: the Han character the text's first run goes on
    from (the previous text ended with it, an inline tag between: 东湾村</a>党委); `continues`:
    the text's last run goes on in the next text. A run cut by tags gets the same words as whole
    (the pair across the cut, 村党, goes with the later part), so a phrase matches across tags."""
    out: list[str] = []
    at = 0
    for match in _CJK_WORD.finditer(text):
        gap = text[at : match.start()]
        out.append(gap)
        before = gap[-1:] or (out[-2][-1:] if len(out) > 1 else "")
        if not before or not before.isspace():
            out.append(SEPARATOR)  # also at the text's start: Pagefind joins text across tags
        run = match.group()
        if _HAN_RUN.fullmatch(run):
            prev = carry if match.start() == 0 else ""
            full = prev + run
            words = ([] if prev else [run[0]]) + [full[k : k + 2] for k in range(len(full) - 1)]
            if len(full) > 1 and not (continues and match.end() == len(text)):
                words.append(run[-1])
            run = SEPARATOR.join(words)
        out.append(run)
        at = match.end()
        after = text[at : at + 1]
        if not after or (not after.isspace() and not _CJK_WORD.match(after)):
            out.append(SEPARATOR)
    out.append(text[at:])
    return "".join(out)


def separate_characters(page: str) -> str:
    """The page with its text as Pagefind should index it: every run of Han characters as its
    first character, its overlapping pairs and its last character (`han_words`), also where
    inline tags cut the run; other CJK characters apart; word boundaries between CJK and digits or
    Latin letters; tags, attributes, scripts and styles untouched.

    Pagefind's extended indexer would group the text into dictionary words (东湾/村) while its
    browser side splits a Chinese query into characters: the query then finds no word that starts
    with them and the page is missed. Indexed as pairs, every query of two or more characters
    matches as a phrase of its pairs, and 党费 finds 党费, not every page with 党 and 费.
    """
    parts = _TAG_OR_TEXT.split(page)
    texts = [i for i in range(0, len(parts), 2) if parts[i]]  # even parts are text between tags
    joined = [  # the text goes on in the next one: only inline tags between
        n + 1 < len(texts) and all(_INLINE_TAG.fullmatch(tag) for tag in parts[i + 1 : texts[n + 1] : 2]) for n, i in enumerate(texts)
    ]
    original = {i: parts[i] for i in texts}
    for n, i in enumerate(texts):
        text = original[i]
        following = original[texts[n + 1]] if joined[n] else ""
        previous = original[texts[n - 1]] if n and joined[n - 1] else ""
        carry = previous[-1] if previous and _HAN_RUN.match(previous[-1]) and _HAN_RUN.match(text[0]) else ""
        continues = bool(following and _HAN_RUN.match(text[-1]) and _HAN_RUN.match(following[0]))
        parts[i] = _index_text(text, carry, continues)
    return "".join(parts)


def _pages_to_index(site_dir: Path, into: Path) -> int:
    """Copy the pages that ask to be indexed (`data-pagefind-body`), their text as pairs."""
    count = 0
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir)
        if rel.parts[0] == INDEX_DIR:
            continue
        page = path.read_text(encoding="utf-8")
        if "data-pagefind-body" not in page:
            continue
        target = into / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(separate_characters(page), encoding="utf-8")
        count += 1
    return count


def index_site(site_dir: Path) -> IndexReport:
    """Index the built site in `site_dir` into `site_dir/pagefind/`. Raises SearchIndexError."""
    with tempfile.TemporaryDirectory(prefix="party365-search-") as tmp:
        if not _pages_to_index(site_dir, Path(tmp)):
            return IndexReport(0, 0)
        report = _run(Path(tmp), site_dir / INDEX_DIR)
    _canonical_meta(site_dir / INDEX_DIR)
    return report


def _run(pages: Path, output: Path) -> IndexReport:
    # The pages are indexed as of no language: for Chinese pages the extended binary would cut the
    # character pairs (see `han_words`) back into dictionary words (湾村 → 湾/村). The browser still
    # finds the index (Pagefind falls back to the language with the most pages).
    command = [str(_executable()), "--site", str(pages), "--output-path", str(output), "--exclude-selectors", ".headerlink"]
    command += ["--force-language", LANGUAGE]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"Pagefind 无法运行：{exc}") from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise SearchIndexError("Pagefind 生成搜索索引失败：" + " / ".join(detail))
    counts = [re.search(rf"Indexed (\d+) {what}", done.stdout) for what in ("page", "word")]
    indexed, words = (int(m.group(1)) if m else 0 for m in counts)
    return IndexReport(indexed, words)


# Pagefind 1.5 lists the filters in its metadata file in hash-map order, which changes from run
# to run: two builds of the same site would differ there (and in the metadata's file name). The
# list is sorted here and the file renamed after its content, so builds are byte-identical.
# Each filter has one value (`gongshi:1`): the values of a filter are listed in the same unstable
# order, inside files that cannot be renamed this way.
_MAGIC = b"pagefind_dcd"


def _cbor_decode(data: bytes, at: int = 0) -> tuple[object, int]:
    head = data[at]
    major, info = head >> 5, head & 31
    at += 1
    if info < 24:
        value = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        value = int.from_bytes(data[at : at + size], "big")
        at += size
    else:
        raise ValueError(f"unsupported CBOR item {head:#x}")
    if major == 0:
        return value, at
    if major == 1:
        return -1 - value, at
    if major in (2, 3):
        raw = data[at : at + value]
        return (raw if major == 2 else raw.decode("utf-8")), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = _cbor_decode(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"unsupported CBOR major type {major}")


def _cbor_head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if n < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, n)
    raise ValueError(n)


def _cbor_encode(value: object) -> bytes:
    head = _cbor_head

    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return head(3, len(raw)) + raw
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(_cbor_encode(v) for v in value)
    raise TypeError(type(value))


# Pagefind packs the sorted words into chunks of at least 20,000 positions, closing a chunk when it
# reaches that: a rare word just before a common one (湾村 before 湾) shares its chunk, and a query
# for it fetched 100+ KB at 3,000 organizations. The chunks are cut again here, smaller, and a word
# bigger than a chunk is alone in its own, so a query fetches about CHUNK_POSITIONS positions per
# rare word and the big chunk only for a common word.
CHUNK_POSITIONS = 12000


def _prefixes(a: str, b: str) -> tuple[str, str]:
    """The shortest bounds that still tell two neighbouring chunks apart (Pagefind's get_prefixes)."""
    common = 0
    while common < min(len(a), len(b)) and a[common] == b[common]:
        common += 1
    return a[: common + 1], b[: common + 1]


# Byte length of a CBOR integer by its first byte (unsigned 0x00-0x1b, negative 0x20-0x3b); 0: not an integer.
_INT_LENGTH = bytes([1] * 24 + [2, 3, 5, 9] + [0] * 4 + [1] * 24 + [2, 3, 5, 9] + [0] * 196)


def _count(raw: bytes, at: int, major: int) -> tuple[int, int]:
    """The count in the CBOR head at `at` (of the given major type) and where the item's content starts."""
    head = raw[at]
    if head >> 5 != major or (head & 31) > 27:
        raise SearchIndexError("Pagefind 的索引分块格式无法识别")
    info = head & 31
    if info < 24:
        return info, at + 1
    size = 1 << (info - 24)
    return int.from_bytes(raw[at + 1 : at + 1 + size], "big"), at + 1 + size


def _skip(raw: bytes, at: int, items: int) -> int:
    """Past `items` more CBOR items (an empty array, the usual case, is one byte)."""
    if items < 0:
        raise SearchIndexError("Pagefind 的索引分块格式无法识别")
    for _ in range(items):
        if raw[at] == 0x80:
            at += 1
        else:
            _, at = _cbor_decode(raw, at)
    return at


def _words_of_chunk(raw: bytes) -> list[tuple[str, int, bytes]]:
    """A chunk's words in order: the word, its size as Pagefind counts it (positions plus one a
    page) and its CBOR bytes as they are (copied into the new chunks, not encoded again). The
    positions are skipped by their heads, never decoded: a large town has millions of them."""
    if raw[len(_MAGIC)] != 0x81:  # [words]
        raise SearchIndexError("Pagefind 的索引分块格式无法识别")
    count, at = _count(raw, len(_MAGIC) + 1, 4)
    lengths = _INT_LENGTH
    words = []
    try:
        for _ in range(count):
            start = at
            fields, at = _count(raw, at, 4)  # [word, pages, …]
            length, at = _count(raw, at, 3)
            word = raw[at : at + length].decode("utf-8")
            pages, at = _count(raw, at + length, 4)
            size = 0
            for _ in range(pages):
                items, at = _count(raw, at, 4)  # [page number, positions, …]
                if not lengths[raw[at]]:
                    raise SearchIndexError("Pagefind 的索引分块格式无法识别")
                at += lengths[raw[at]]
                positions, at = _count(raw, at, 4)
                size += positions + 1
                for _ in range(positions):
                    step = lengths[raw[at]]
                    if not step:
                        raise SearchIndexError("Pagefind 的索引分块格式无法识别")
                    at += step
                at = _skip(raw, at, items - 2)
            at = _skip(raw, at, fields - 2)
            words.append((word, size, raw[start:at]))
    except (IndexError, UnicodeDecodeError) as exc:
        raise SearchIndexError("Pagefind 的索引分块格式无法识别") from exc
    if at != len(raw):
        raise SearchIndexError("Pagefind 的索引分块格式无法识别")
    return words


def _rechunk(bundle: Path, chunks: list[list[str]]) -> list[list[str]]:
    words: list[tuple[str, int, bytes]] = []
    for _, _, name in chunks:
        path = bundle / "index" / f"{name}.pf_index"
        words += _words_of_chunk(gzip.decompress(path.read_bytes()))
        path.unlink()
    groups: list[list[tuple[str, int, bytes]]] = [[]]
    size = 0
    for word in words:
        if groups[-1] and size + word[1] > CHUNK_POSITIONS:
            groups.append([])
            size = 0
        groups[-1].append(word)
        size += word[1]
    bounds = [[g[0][0], g[-1][0]] for g in groups]
    for left, right in itertools.pairwise(bounds):
        left[1], right[0] = _prefixes(left[1], right[0])
    out: list[list[str]] = []
    names: set[str] = set()
    for (first, last), group in zip(bounds, groups, strict=True):
        raw = _MAGIC + b"\x81" + _cbor_head(4, len(group)) + b"".join(w[2] for w in group)
        digest = hashlib.sha256(raw).hexdigest()
        length = 7  # as Pagefind names its chunks; the index (pf_meta) lists every name
        while digest[:length] in names:
            length += 1
        names.add(digest[:length])
        (bundle / "index" / f"{digest[:length]}.pf_index").write_bytes(
            gzip.compress(raw, compresslevel=6, mtime=0)
        )  # as Pagefind's own (flate2's default)
        out.append([first, last, digest[:length]])
    return out


def _canonical_meta(bundle: Path) -> None:
    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        old = bundle / f"pagefind.{language['hash']}.pf_meta"
        raw = gzip.decompress(old.read_bytes())
        meta, end = _cbor_decode(raw, len(_MAGIC))
        if not isinstance(meta, list) or end != len(raw):
            raise SearchIndexError("Pagefind 的索引元数据格式无法识别")
        for i, part in enumerate(meta):
            rows = isinstance(part, list) and part and all(isinstance(f, list) and all(isinstance(x, str) for x in f) for f in part)
            if rows and all(len(f) == 2 for f in part):  # the filter list: [[name, chunk hash], …]
                meta[i] = sorted(part, key=lambda f: str(f[0]))
            elif rows and all(len(f) == 3 for f in part):  # the word index chunks: [[from, to, hash], …]
                meta[i] = _rechunk(bundle, part)
        canonical = _MAGIC + _cbor_encode(meta)
        name = f"{language['hash'].split('_')[0]}_{hashlib.sha256(canonical).hexdigest()[:10]}"
        old.unlink()
        (bundle / f"pagefind.{name}.pf_meta").write_bytes(gzip.compress(canonical, mtime=0))
        language["hash"] = name
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
