"""The build remembers what it published: data/manifest.json, and no build drops a record of the
deployed manifest without a withdrawal or a registered rename (local file and http URL)."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TODAY, TOWN_YML, Town, disclosure_md
from sitetown import HARDSHIP_TITLE, INTERNAL_TITLE, REDACTED_TEXT, make_site_town, mkdocs_build, tree_digest

from generator.diagnostics import DataError
from generator.manifest import MANIFEST_PATH
from generator.site import generate

ITEM = "organizations/a-cun/disclosures/2026-11-02-dangfei.md"


def _manifest(town: Town, tmp_path: Path) -> dict:
    generated = generate(town.root, TODAY, cache_dir=tmp_path / "cache")
    text = generated.files[MANIFEST_PATH]
    assert isinstance(text, str)
    return json.loads(text)


@pytest.fixture
def deployed(town: Town, tmp_path: Path) -> Town:
    """A town whose site was built and deployed: its manifest saved at deployed/manifest.json,
    and town.yml pointing at it."""
    town.add_org("a-cun")
    town.write(ITEM, disclosure_md("党费").replace("title: 党费", "title: 第三季度党费"))
    town.write("deployed/manifest.json", json.dumps(_manifest(town, tmp_path), ensure_ascii=False))
    town.write("content/_town/town.yml", TOWN_YML + "published_manifest: deployed/manifest.json\n")
    return town


def _refused(town: Town, tmp_path: Path) -> list:
    with pytest.raises(DataError) as caught:
        generate(town.root, TODAY, cache_dir=tmp_path / "cache")
    return [d for d in caught.value.diagnostics if d.rule == "manifest-record-dropped"]


def test_the_site_carries_a_manifest_of_its_public_records_only(town: Town, tmp_path: Path) -> None:
    make_site_town(town)
    generated = generate(town.root, TODAY, cache_dir=tmp_path / "cache")
    text = generated.files[MANIFEST_PATH]
    assert isinstance(text, str)
    for secret in (INTERNAL_TITLE, HARDSHIP_TITLE, REDACTED_TEXT, "dangnei", "kunnan"):
        assert secret not in text  # 党内 items and a redacted item's content never reach the public manifest
    records = json.loads(text)["records"]
    assert records["taoyuan-cun/disclosure/2026-11-04-chehui"]["state"] == "withdrawn"
    redacted = records["taoyuan-cun/disclosure/2026-11-06-redact"]
    assert redacted["state"] == "redacted" and redacted["title"] == ""
    assert records["taoyuan-cun/org"]["url"] == "dangwu/taoyuan-cun/"
    assert records["taoyuan-cun/notice/2026-11-23-fazhan"]["url"] == "dangwu/taoyuan-cun/#2026-11-23-fazhan"
    assert records["taoyuan-cun/brand"]["kind"] == "brand"
    payload = json.loads(text)
    assert "dangwu/taoyuan-cun/" in payload["pages"] and "" in payload["pages"]
    assert payload["photos"] and all(p.startswith("photos/") and p in generated.files for p in payload["photos"])
    again = generate(town.root, TODAY, cache_dir=tmp_path / "cache").files[MANIFEST_PATH]
    assert again == text  # deterministic


def test_a_redacted_items_hash_does_not_depend_on_the_removed_text(town: Town, tmp_path: Path) -> None:
    town.add_org("a-cun")
    town.write(
        ITEM, disclosure_md("党费", extra="withdrawn: {date: 2026-11-20, reason: 误发了个人信息}\nredact: true\n", body="身份证号 甲\n")
    )
    first = _manifest(town, tmp_path)["records"]["a-cun/disclosure/2026-11-02-dangfei"]["hash"]
    town.write(
        ITEM, disclosure_md("党费", extra="withdrawn: {date: 2026-11-20, reason: 误发了个人信息}\nredact: true\n", body="身份证号 乙\n")
    )
    assert _manifest(town, tmp_path)["records"]["a-cun/disclosure/2026-11-02-dangfei"]["hash"] == first


def test_deleting_a_deployed_item_is_refused(deployed: Town, tmp_path: Path) -> None:
    (deployed.root / ITEM).unlink()
    [d] = _refused(deployed, tmp_path)
    assert (d.path, d.line, d.col, d.found) == (ITEM, 1, 1, "a-cun/disclosure/2026-11-02-dangfei")
    assert d.message == (
        "网站上已发布的党务公开事项“第三季度党费”（https://example.org/dangwu/a-cun/#2026-11-02-dangfei）在这次构建中消失了，已发布的内容不能无故删除"
    )
    assert "withdrawn:" in d.fix and "renames.yml" in d.fix


def test_deleting_a_deployed_tombstone_is_refused(deployed: Town, tmp_path: Path) -> None:
    deployed.write(ITEM, disclosure_md("党费", extra="withdrawn: {date: 2026-11-20, reason: 金额有误}\n"))
    generate(deployed.root, TODAY, cache_dir=tmp_path / "cache")  # withdrawing is fine
    deployed.write("deployed/manifest.json", json.dumps(_manifest(deployed, tmp_path), ensure_ascii=False))  # the tombstone is deployed
    (deployed.root / ITEM).unlink()
    assert [d.found for d in _refused(deployed, tmp_path)] == ["a-cun/disclosure/2026-11-02-dangfei"]


def test_making_a_deployed_item_internal_is_refused(deployed: Town, tmp_path: Path) -> None:
    deployed.write(ITEM, disclosure_md("党费", extra="audience: 党内\n"))
    assert [d.found for d in _refused(deployed, tmp_path)] == ["a-cun/disclosure/2026-11-02-dangfei"]


def test_withdrawing_a_deployed_item_is_accepted(deployed: Town, tmp_path: Path) -> None:
    deployed.write(ITEM, disclosure_md("党费", extra="withdrawn: {date: 2026-11-20, reason: 金额有误}\n"))
    generated = generate(deployed.root, TODAY, cache_dir=tmp_path / "cache")
    assert [d for d in generated.warnings if d.rule.startswith("manifest-")] == []


def test_renaming_an_organization_needs_its_registration(deployed: Town, tmp_path: Path) -> None:
    shutil.move(deployed.root / "organizations/a-cun", deployed.root / "organizations/a-cun-new")
    dropped = sorted(d.found for d in _refused(deployed, tmp_path))
    assert "a-cun/org" in dropped and "a-cun/disclosure/2026-11-02-dangfei" in dropped
    [org] = [d for d in _refused(deployed, tmp_path) if d.found == "a-cun/org"]
    assert org.path == "organizations/a-cun/org.yml" and "from: a-cun" in org.fix
    deployed.write("content/_town/renames.yml", "schema: 1\nrenames:\n  - {from: a-cun, to: a-cun-new, date: 2026-11-26}\n")
    generate(deployed.root, TODAY, cache_dir=tmp_path / "cache")  # the rename explains it


def test_a_missing_local_manifest_is_a_warning(deployed: Town, tmp_path: Path) -> None:
    (deployed.root / "deployed/manifest.json").unlink()
    generated = generate(deployed.root, TODAY, cache_dir=tmp_path / "cache")
    [d] = [d for d in generated.warnings if d.rule == "manifest-unavailable"]
    assert (d.path, d.line, d.col) == ("content/_town/town.yml", 11, 21)
    assert "文件 deployed/manifest.json 不存在" in d.message and not d.is_error


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A loopback HTTP server over a folder: (base URL, folder)."""
    folder = tmp_path / "www"
    folder.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", folder
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_deployed_manifest_over_http(deployed: Town, tmp_path: Path, server: tuple[str, Path]) -> None:
    base, folder = server
    shutil.copy(deployed.root / "deployed/manifest.json", folder / "manifest.json")
    deployed.write("content/_town/town.yml", TOWN_YML + f"published_manifest: {base}manifest.json\n")
    generate(deployed.root, TODAY, cache_dir=tmp_path / "cache")
    (deployed.root / ITEM).unlink()
    [d] = _refused(deployed, tmp_path)
    assert "“第三季度党费”（https://example.org/dangwu/a-cun/#2026-11-02-dangfei）" in d.message
    deployed.write("content/_town/town.yml", TOWN_YML + f"published_manifest: {base}missing.json\n")
    generated = generate(deployed.root, TODAY, cache_dir=tmp_path / "cache")
    [warning] = [d for d in generated.warnings if d.rule == "manifest-unavailable"]
    assert "网站回答 HTTP 404" in warning.message


def test_an_unreachable_manifest_url_is_a_warning_not_a_pass(deployed: Town, tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    deployed.write("content/_town/town.yml", TOWN_YML + f"published_manifest: http://127.0.0.1:{port}/data/manifest.json\n")
    (deployed.root / ITEM).unlink()
    generated = generate(deployed.root, TODAY, cache_dir=tmp_path / "cache")
    [d] = [d for d in generated.warnings if d.rule == "manifest-unavailable"]
    assert d.message.startswith("读不到已发布网站的清单（连不上") and "没能核对" in d.message


def test_mkdocs_build_refuses_a_deletion_on_a_direct_push(town: Town, tmp_path: Path) -> None:
    """No pull request, no diff: the build itself refuses, and the deployed site stays as it was."""
    make_site_town(town)
    xinhe = town.root / "organizations/xinhe-shequ/org.yml"
    xinhe.write_text(xinhe.read_text(encoding="utf-8").replace("partners: [taoyuan-cun]", "partners: []"), encoding="utf-8")  # strict-clean
    site = tmp_path / "site"
    first = mkdocs_build(town.root, site)
    assert first.returncode == 0, first.stderr
    town.write("content/_town/town.yml", TOWN_YML + f"published_manifest: {site / 'data/manifest.json'}\n")
    before = tree_digest(site)
    (town.root / "organizations/taoyuan-cun/notices/2026-11-23-fazhan.md").unlink()
    result = mkdocs_build(town.root, site)
    assert result.returncode == 1
    assert (
        "[manifest-record-dropped] 网站上已发布的公示“发展党员公示甲”（https://example.org/dangwu/taoyuan-cun/#2026-11-23-fazhan）"
        in result.stderr
    )
    assert tree_digest(site) == before
