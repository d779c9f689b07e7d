"""Review workflow: CODEOWNERS from the data, and what a pull request changes on the public site."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, TOWN_YML, Town, disclosure_md, notice_md, org_yml
from sitetown import EPOCH

from generator.sitebuild import HAN

sys.path.insert(0, str(REPO / "tools"))
from audit import CHROMIUM


def _git(root: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env).stdout


@pytest.fixture
def repo(town: Town) -> Town:
    """A town repository with one commit: an organization with a published disclosure and notice."""
    town.add_org("a-cun")
    town.write("organizations/a-cun/disclosures/2026-11-02-dangfei.md", disclosure_md("党费").replace("title: 党费", "title: 第三季度党费"))
    town.write("organizations/a-cun/disclosures/2026-11-03-neibu.md", disclosure_md("党内通报", extra="audience: 党内\n"))
    _git(town.root, "init", "-q", "-b", "main")
    _git(town.root, "add", "-A")
    _git(town.root, "commit", "-q", "-m", "first")
    return town


def test_diff_reports_an_added_notice_and_photo(repo: Town, cli_run) -> None:
    repo.write(
        "organizations/a-cun/notices/2026-11-24-fazhan.md",
        notice_md("2026-11-24", "2026-11-30").replace("title: 公示", "title: 发展党员公示"),
    )
    result = cli_run("diff", "main", "--root", str(repo.root), "--today", "2026-11-26")
    assert result.code == 0, result.out
    assert "新开始的公示（1）：\n  - a-cun：公示“发展党员公示”（2026-11-24）" in result.out
    assert "结论：可以合并。" in result.out


def test_diff_does_not_call_a_notice_that_starts_later_opened(repo: Town, cli_run) -> None:
    repo.write(
        "organizations/a-cun/notices/2026-11-30-fazhan.md",
        notice_md("2026-11-30", "2026-12-04").replace("title: 公示", "title: 发展党员公示"),
    )
    result = cli_run("diff", "main", "--root", str(repo.root), "--today", "2026-11-26")
    assert result.code == 0, result.out
    assert "新开始的公示" not in result.out and "新增公开内容（1）：\n  - a-cun：公示“发展党员公示”（2026-11-30）" in result.out
    payload = json.loads(cli_run("diff", "main", "--root", str(repo.root), "--today", "2026-11-26", "--format", "json").out)
    assert payload["opened_notices"] == [] and payload["added"][0]["id"] == "2026-11-30-fazhan"


def test_diff_refuses_a_silently_deleted_disclosure(repo: Town, cli_run) -> None:
    (repo.root / "organizations/a-cun/disclosures/2026-11-02-dangfei.md").unlink()
    (repo.root / "organizations/a-cun/disclosures/2026-11-03-neibu.md").unlink()  # 党内: never public, no error
    result = cli_run("diff", "main", "--root", str(repo.root), "--today", "2026-11-26", "--format", "markdown")
    assert result.code == 1
    rule = "diff-item-removed"
    assert f"[{rule}] 已发布的党务公开事项“第三季度党费”被删除" in result.out
    assert "withdrawn:" in result.out and "neibu" not in result.out


def test_withdrawing_instead_of_deleting_passes(repo: Town, cli_run) -> None:
    path = repo.root / "organizations/a-cun/disclosures/2026-11-02-dangfei.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("category: 党费\n", "category: 党费\nwithdrawn: {date: 2026-11-20, reason: 金额有误}\n"),
        encoding="utf-8",
    )
    result = cli_run("diff", "main", "--root", str(repo.root), "--today", "2026-11-26", "--format", "json")
    payload = json.loads(result.out)
    assert result.code == 0 and payload["withdrawn"][0]["id"] == "2026-11-02-dangfei" and payload["errors"] == []


def test_removed_organization_needs_a_rename(repo: Town, cli_run) -> None:
    repo.add_org("b-cun")
    _git(repo.root, "add", "-A")
    _git(repo.root, "commit", "-q", "-m", "b")
    subprocess.run(["mv", str(repo.root / "organizations/b-cun"), str(repo.root / "organizations/b-cun-new")], check=True)
    result = cli_run("diff", "main", "--root", str(repo.root), "--today", "2026-11-26")
    assert result.code == 1 and "[diff-page-removed]" in result.out
    repo.write("content/_town/renames.yml", "schema: 1\nrenames:\n  - {from: b-cun, to: b-cun-new, date: 2026-11-26}\n")
    result = cli_run("diff", "main", "--root", str(repo.root), "--today", "2026-11-26", "--author", "town-office")  # renames: the office's
    assert result.code == 0 and "新增页面" in result.out and "删除页面" in result.out
    assert "新增公开内容" not in result.out  # the items moved with their organization
    assert "diff-page-removed" not in result.out and "diff-item-removed" not in result.out


def test_invalid_working_tree_fails_the_diff(repo: Town, cli_run) -> None:
    repo.write("organizations/a-cun/org.yml", org_yml().replace("sector: 村", "sector: 农村"))
    result = cli_run("diff", "main", "--root", str(repo.root), "--today", "2026-11-26")
    assert result.code == 1 and "[schema-enum]" in result.out


def test_unknown_revision(repo: Town, cli_run) -> None:
    result = cli_run("diff", "no-such-branch", "--root", str(repo.root))
    assert result.code == 1 and "找不到版本 no-such-branch" in result.err


# ------------------------------------------------------------------ field by field


BRAND = "brand:\n  name: 样板品牌\n  slogan: 旧口号\n  model: 美丽和谐型\n  batch: 二期\n  photos:\n    - {file: photos/b.jpg, alt: 品牌照片, consent: true}\n"


def _jpeg(colour: str) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def full_repo(town: Town) -> Town:
    """One commit: an organization with a brand and its photo, a published disclosure, a 党内
    item, a withdrawn item (its tombstone is public) and an open notice."""
    town.add_org("a-cun", brand=BRAND)
    town.write("organizations/a-cun/photos/b.jpg", _jpeg("red"))
    town.write("organizations/a-cun/disclosures/2026-11-02-dangfei.md", disclosure_md("党费").replace("title: 党费", "title: 第三季度党费"))
    town.write(
        "organizations/a-cun/disclosures/2026-11-03-neibu.md",
        disclosure_md("党内通报", extra="audience: 党内\n", body="涉及张三的情况。\n"),
    )
    town.write(
        "organizations/a-cun/disclosures/2026-11-04-cuowu.md",
        disclosure_md("党费", extra="withdrawn: {date: 2026-11-20, reason: 金额有误}\n").replace("title: 党费", "title: 发错的通知"),
    )
    town.write(
        "organizations/a-cun/notices/2026-11-24-fazhan.md",
        notice_md("2026-11-24", "2026-11-30").replace("title: 公示", "title: 发展党员公示"),
    )
    _git(town.root, "init", "-q", "-b", "main")
    _git(town.root, "add", "-A")
    _git(town.root, "commit", "-q", "-m", "first")
    return town


def _edit(town: Town, rel: str, old: str, new: str) -> None:
    path = town.root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _diff(town: Town, cli_run, fmt: str = "text"):
    return cli_run("diff", "main", "--root", str(town.root), "--today", "2026-11-26", "--format", fmt)


ORG = "organizations/a-cun/org.yml"


def test_diff_shows_a_changed_phone_and_secretary(full_repo: Town, cli_run) -> None:
    _edit(full_repo, ORG, "phone: 0519-88001234", "phone: 0519-88009999")
    _edit(full_repo, ORG, "name: 王某某", "name: 李某某")
    text = _diff(full_repo, cli_run)
    assert text.code == 0, text.out
    assert text.out == (
        "组织信息的修改（1）：\n"
        "  - a-cun：样板村党委\n"
        "      书记姓名：王某某 → 李某某\n"
        "      办公电话：0519-88001234 → 0519-88009999\n"
        "改动的文件里的警告（不影响合并，建议改正）（1）：\n"
        "- organizations/a-cun/org.yml:23:3: 警告 [compliance-brand-incomplete] 品牌档案还不完整（发现：缺 品牌理念、主要做法、工作成效） "
        "修改：在 brand: 下补上 idea、practices、results 和 photos\n"
        "\n"
        "结论：可以合并。自动检查会通过。（改动的文件里有 1 个警告，建议改正，不影响合并）\n"
    )
    markdown = _diff(full_repo, cli_run, "markdown").out
    assert (
        "**组织信息的修改（1）**\n\n- a-cun：样板村党委\n  - 书记姓名：王某某 → 李某某\n  - 办公电话：0519-88001234 → 0519-88009999\n"
        in markdown
    )
    assert "这次改动不影响公开网站" not in markdown


def test_diff_shows_a_changed_slogan(full_repo: Town, cli_run) -> None:
    _edit(full_repo, ORG, "slogan: 旧口号", "slogan: 新口号")
    assert "党建品牌的修改（1）：\n  - a-cun：品牌“样板品牌”\n      品牌口号：旧口号 → 新口号\n" in _diff(full_repo, cli_run).out
    assert (
        "**党建品牌的修改（1）**\n\n- a-cun：品牌“样板品牌”\n  - 品牌口号：旧口号 → 新口号\n" in _diff(full_repo, cli_run, "markdown").out
    )


def test_diff_shows_photo_bytes_replaced_under_the_same_name(full_repo: Town, cli_run) -> None:
    from generator.images import PhotoSet, Rendition, cache_key

    before = cache_key(full_repo.root / "organizations/a-cun/photos/b.jpg")
    full_repo.write("organizations/a-cun/photos/b.jpg", _jpeg("blue"))
    after = cache_key(full_repo.root / "organizations/a-cun/photos/b.jpg")
    text = _diff(full_repo, cli_run)
    assert "更换的照片（1）：\n  - a-cun/photos/b.jpg（照片内容已更换，文件名没变）\n" in text.out
    assert "这次改动不影响公开网站" not in text.out
    rendition = Rendition(64, 48, "jpg", Path("x"))
    old, new = (PhotoSet(key, Path("b.jpg"), "a-cun", "b", "", "", "").dest(rendition) for key in (before, after))
    assert old != new and old.startswith("photos/a-cun/b-")  # the file names the site publishes
    markdown = _diff(full_repo, cli_run, "markdown").out
    assert f"- a-cun/photos/b.jpg（照片内容已更换，文件名没变） [更换前]({old}) [更换后]({new})\n" in markdown
    payload = json.loads(_diff(full_repo, cli_run, "json").out)
    assert payload["photos_replaced"] == [{"photo": "a-cun/photos/b.jpg", "before": old, "after": new}]


def test_diff_shows_a_notice_period_moved(full_repo: Town, cli_run) -> None:
    full_repo.write(
        "organizations/a-cun/notices/2026-11-24-fazhan.md",
        notice_md("2026-11-24", "2026-12-02").replace("title: 公示", "title: 发展党员公示"),
    )
    expected = "  - a-cun：公示“发展党员公示”（2026-11-24）\n      公示期：2026-11-24 至 2026-11-30 → 2026-11-24 至 2026-12-02\n"
    text = _diff(full_repo, cli_run)
    assert "修改的公开内容（1）：\n" + expected in text.out and text.code == 0  # an open notice extended
    markdown = _diff(full_repo, cli_run, "markdown").out
    assert "- a-cun：公示“发展党员公示”（2026-11-24）\n  - 公示期：2026-11-24 至 2026-11-30 → 2026-11-24 至 2026-12-02\n" in markdown


NOTICE = "organizations/a-cun/notices/2026-11-24-fazhan.md"  # open on 2026-11-26: 11-24 to 11-30


def _with_notices(town: Town) -> Town:
    """full_repo plus a notice that has ended and one that has not started (on 2026-11-26)."""
    town.write(
        "organizations/a-cun/notices/2026-11-02-youxiu.md",
        notice_md("2026-11-02", "2026-11-06").replace("title: 公示", "title: 优秀党员公示"),
    )
    town.write(
        "organizations/a-cun/notices/2026-11-30-pingyi.md", notice_md("2026-11-30", "2026-12-07").replace("title: 公示", "title: 评议公示")
    )
    _git(town.root, "add", "-A")
    _git(town.root, "commit", "-q", "-m", "notices")
    return town


PERIOD = "diff-notice-period"


def _period_errors(out: str) -> list[str]:
    return [line for line in out.splitlines() if f"[{PERIOD}]" in line]


@pytest.mark.parametrize(
    ("rel", "old", "new", "at", "says"),
    [
        # a closed notice moved into 2027 (its file name now contradicts it too: notice-file-date)
        ("2026-11-02-youxiu.md", "start: 2026-11-02\nend: 2026-11-06", "start: 2027-11-02\nend: 2027-11-08", "5:8", "已于 2026-11-06 结束"),
        # a closed notice's end changed after it ended
        ("2026-11-02-youxiu.md", "end: 2026-11-06", "end: 2026-11-09", "6:6", "已于 2026-11-06 结束"),
        # an open notice moved into the future
        ("2026-11-24-fazhan.md", "start: 2026-11-24\nend: 2026-11-30", "start: 2026-11-30\nend: 2026-12-07", "5:8", "推迟到以后"),
        # an open notice shortened: it cuts the time left to object
        ("2026-11-24-fazhan.md", "end: 2026-11-30", "end: 2026-11-27", "6:6", "提前到 2026-11-27"),
        # an upcoming notice said to have started before today
        ("2026-11-30-pingyi.md", "start: 2026-11-30", "start: 2026-11-20", "5:8", "改到今天以前"),
    ],
)
def test_diff_refuses_rewriting_a_notice_period_readers_have_seen(full_repo: Town, cli_run, rel, old, new, at, says) -> None:
    town = _with_notices(full_repo)
    _edit(town, f"organizations/a-cun/notices/{rel}", old, new)
    text = _diff(town, cli_run)
    assert text.code == 1
    [line] = _period_errors(text.out)
    assert line.startswith(f"organizations/a-cun/notices/{rel}:{at}: 错误 [diff-notice-period]") and says in line
    assert "withdrawn: {date: 2026-11-26, reason: 更正原因}" in line and "另发一条更正后的公示" in line
    markdown = _diff(town, cli_run, "markdown").out
    assert f"- `organizations/a-cun/notices/{rel}:{at}` [diff-notice-period]" in markdown


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        ("2026-11-24-fazhan.md", "end: 2026-11-30", "end: 2026-12-04"),  # an open notice extended: more time to object
        ("2026-11-30-pingyi.md", "end: 2026-12-07", "end: 2026-12-11"),  # an upcoming notice's end, either way
        ("2026-11-30-pingyi.md", "end: 2026-12-07", "end: 2026-12-04"),
    ],
)
def test_diff_lets_a_notice_run_longer_and_an_upcoming_one_change(full_repo: Town, cli_run, rel, old, new) -> None:
    town = _with_notices(full_repo)
    _edit(town, f"organizations/a-cun/notices/{rel}", old, new)
    text = _diff(town, cli_run)
    assert text.code == 0, text.out
    assert "修改的公开内容（1）：" in text.out and "公示期：" in text.out and _period_errors(text.out) == []


def test_withdrawing_a_notice_instead_of_moving_it_passes(full_repo: Town, cli_run) -> None:
    town = _with_notices(full_repo)
    _edit(town, NOTICE, "end: 2026-11-30\n", "end: 2026-11-30\nwithdrawn: {date: 2026-11-26, reason: 公示期有误，另行公示}\n")
    town.write("organizations/a-cun/notices/2026-11-27-fazhan-gengzheng.md", notice_md("2026-11-27", "2026-12-03"))
    text = _diff(town, cli_run)
    assert text.code == 0, text.out
    assert "撤回：（空） → 2026-11-26：公示期有误，另行公示" in text.out


def test_diff_shows_a_body_edit_as_a_short_text_diff(full_repo: Town, cli_run) -> None:
    rel = "organizations/a-cun/disclosures/2026-11-02-dangfei.md"
    _edit(full_repo, rel, "正文内容。\n", "正文内容有改动。\n第二段。\n")
    text = _diff(full_repo, cli_run).out
    assert (
        "  - a-cun：公开事项“第三季度党费”（2026-11-02）\n      正文有修改：\n        删去：正文内容。\n        加上：正文内容有改动。\n        加上：第二段。\n"
        in text
    )


def test_diff_shows_a_withdrawal_and_redaction(full_repo: Town, cli_run) -> None:
    rel = "organizations/a-cun/disclosures/2026-11-02-dangfei.md"
    _edit(full_repo, rel, "category: 党费\n", "category: 党费\nwithdrawn: {date: 2026-11-25, reason: 金额有误}\n")
    assert (
        "撤回的公开内容（1）：\n  - a-cun：公开事项“第三季度党费”（2026-11-02）\n      撤回：（空） → 2026-11-25：金额有误\n"
        in _diff(full_repo, cli_run).out
    )
    _edit(full_repo, rel, "category: 党费\n", "category: 党费\nredact: true\n")
    _edit(full_repo, rel, "正文内容。", "身份证号误发的正文。")
    text = _diff(full_repo, cli_run).out
    assert (
        "撤回的公开内容（1）：\n  - a-cun：公开事项（2026-11-02）\n"
        "      删除内容：（空） → redact: true，内容从网站上删除，只保留“已撤回：金额有误（2026-11-25）”\n"
    ) in text
    assert "身份证号" not in text and "第三季度党费" not in text  # nothing of a redacted item is repeated
    for fmt in ("markdown", "json"):
        out = _diff(full_repo, cli_run, fmt).out
        assert "金额有误" in out and "身份证号" not in out and "第三季度党费" not in out


def test_diff_refuses_a_redaction_without_a_reason_and_never_repeats_the_content(full_repo: Town, cli_run) -> None:
    rel = "organizations/a-cun/disclosures/2026-11-02-dangfei.md"
    _edit(full_repo, rel, "category: 党费\n", "category: 党费\nredact: true\n")
    _edit(full_repo, rel, "正文内容。", "身份证号误发的正文。")
    text = _diff(full_repo, cli_run)
    assert text.code == 1
    assert f"{rel}:5:9: 错误 [item-redact-reason]" in text.out
    assert "删除内容：（空） → redact: true，内容从网站上删除，只保留“已撤回：没有写撤回原因”" in text.out
    for fmt in ("text", "markdown", "json"):
        out = _diff(full_repo, cli_run, fmt).out
        assert "身份证号" not in out and "第三季度党费" not in out


def test_editing_a_redacted_items_removed_text_is_no_change_and_repeats_nothing(full_repo: Town, cli_run) -> None:
    rel = "organizations/a-cun/disclosures/2026-11-02-dangfei.md"
    _edit(full_repo, rel, "category: 党费\n", "category: 党费\nwithdrawn: {date: 2026-11-25, reason: 误发了个人信息}\nredact: true\n")
    _git(full_repo.root, "commit", "-q", "-am", "redact")
    _edit(full_repo, rel, "title: 第三季度党费", "title: 张三身份证号")
    _edit(full_repo, rel, "正文内容。", "身份证号误发的正文。")
    for fmt in ("text", "markdown", "json"):
        out = _diff(full_repo, cli_run, fmt).out
        assert "身份证号" not in out and "张三" not in out and "第三季度党费" not in out
    assert "这次改动不影响公开网站。" in _diff(full_repo, cli_run).out


def test_diff_refuses_deleting_a_tombstone(full_repo: Town, cli_run) -> None:
    (full_repo.root / "organizations/a-cun/disclosures/2026-11-04-cuowu.md").unlink()
    text = _diff(full_repo, cli_run)
    assert text.code == 1
    line = (
        "organizations/a-cun/disclosures/2026-11-04-cuowu.md:1:1: 错误 [diff-item-removed] "
        "已发布的党务公开事项“发错的通知”（已撤回，撤回记录仍在网站上）被删除（发现：2026-11-04-cuowu） "
        "修改：不要删除文件：恢复它。已撤回的事项在网站上保留“已撤回”记录，文件要一直留着"
    )
    assert line in text.out.splitlines()
    markdown = _diff(full_repo, cli_run, "markdown").out
    assert (
        "- `organizations/a-cun/disclosures/2026-11-04-cuowu.md:1:1` [diff-item-removed] 已发布的党务公开事项“发错的通知”（已撤回"
        in markdown
    )


def test_diff_refuses_making_a_published_item_internal(full_repo: Town, cli_run) -> None:
    rel = "organizations/a-cun/disclosures/2026-11-02-dangfei.md"
    _edit(full_repo, rel, "category: 党费\n", "category: 党费\naudience: 党内\n")
    text = _diff(full_repo, cli_run)
    assert text.code == 1 and "[diff-item-removed] 已发布的党务公开事项“第三季度党费”被改为党内事项" in text.out


def test_diff_reports_internal_items_apart_without_their_body(full_repo: Town, cli_run) -> None:
    rel = "organizations/a-cun/disclosures/2026-11-03-neibu.md"
    _edit(full_repo, rel, "涉及张三的情况。", "涉及李四的情况。")
    full_repo.write(
        "organizations/a-cun/disclosures/2026-11-05-kunnan.md", disclosure_md("党内通报", extra="audience: 党内\n", body="困难党员王五。\n")
    )
    text = _diff(full_repo, cli_run)
    assert text.code == 0
    assert text.out == (
        "这次改动不影响公开网站。\n"
        "党内事项（不公开，不上网站；审核人同样负责）（2）：\n"
        "  - 修改：a-cun：事项“党内通报”（2026-11-03）\n"
        "      正文有修改（党内事项，不显示内容）\n"
        "  - 新增：a-cun：事项“党内通报”（2026-11-05）\n"
        "结论：可以合并。自动检查会通过。\n"
    )
    for fmt in ("markdown", "json"):
        out = _diff(full_repo, cli_run, fmt).out
        assert "张三" not in out and "李四" not in out and "王五" not in out
    markdown = _diff(full_repo, cli_run, "markdown").out
    assert (
        "### 党内事项（不公开，不上网站；审核人同样负责）（2）\n\n- 修改：a-cun：事项“党内通报”（2026-11-03）\n  - 正文有修改（党内事项，不显示内容）\n"
        in markdown
    )


def test_diff_announces_a_future_item(full_repo: Town, cli_run) -> None:
    full_repo.write(
        "organizations/a-cun/disclosures/2026-12-01-nianzhong.md", disclosure_md("党费").replace("title: 党费", "title: 年终总结")
    )
    text = _diff(full_repo, cli_run)
    assert text.code == 0
    assert "定时发布的公开内容（1）：\n  - a-cun：公开事项“年终总结”将于 2026-12-01 发布\n" in text.out
    assert "**定时发布的公开内容（1）**\n\n- a-cun：公开事项“年终总结”将于 2026-12-01 发布\n" in _diff(full_repo, cli_run, "markdown").out


def test_codeowners_for_the_demo_town_is_current(cli_run) -> None:
    result = cli_run("codeowners", "--root", str(REPO), "--check")
    assert result.code == 0, result.err


@pytest.mark.parametrize("flavour", ["github", "gitlab", "gitee"])
def test_codeowners_check_catches_a_stale_file(repo: Town, cli_run, flavour: str) -> None:
    assert cli_run("codeowners", "--root", str(repo.root), "--format", flavour).code == 0
    target = repo.root / {"github": ".github", "gitlab": ".gitlab", "gitee": ".gitee"}[flavour] / "CODEOWNERS"
    text = target.read_text(encoding="utf-8")
    assert "/organizations/a-cun/ @clerk @town-office" in text
    assert ("[各党组织]" in text) == (flavour == "gitlab")
    repo.write("organizations/a-cun/org.yml", org_yml().replace("maintainers: [clerk]", "maintainers: [clerk, new-clerk]"))
    result = cli_run("codeowners", "--root", str(repo.root), "--format", flavour, "--check")
    assert result.code == 1 and "不是最新的" in result.err


GITHUB = REPO / "content/guide/ci/github-actions.yml"
CONDITION = re.compile(r"\s*([\w.-]+)\s*(==|!=)\s*'([^']*)'\s*")
VENV_LINE = re.compile(r'python -m venv "?([^"\s]+)"?')
PIP_LINE = re.compile(r'"?([^"\s]+)/bin/pip"? install .* (\S+)$')
SITE_PACKAGES = f"lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages"
DEPENDENCIES = next(p for p in sys.path if p.endswith("site-packages") and Path(p, "yaml").is_dir())
CODE = ("generator", "pyproject.toml", "constraints.txt")  # what the checker's install needs from a checkout


@dataclass
class StepRun:
    name: str
    code: int
    out: str
    err: str
    decides: bool  # not continue-on-error: its failure fails the job


@dataclass
class WorkflowRun:
    steps: list[StepRun]
    artifacts: Path
    workspace: Path

    @property
    def passed(self) -> bool:
        return all(s.code == 0 for s in self.steps if s.decides)

    def step(self, name: str) -> StepRun:
        return next(s for s in self.steps if s.name == name)


def _holds(condition: str, value) -> bool:
    """A job's or step's `if:`: comparisons joined by `||` (all the shipped file uses)."""
    for part in condition.split("||"):
        match = CONDITION.fullmatch(part)
        assert match, f"the local runner does not know this condition: {condition}"
        if (value(match.group(1)) == match.group(3)) == (match.group(2) == "=="):
            return True
    return False


def _checkout(root: Path, dest: Path, ref: str) -> None:
    """actions/checkout into a path of the workspace: a clone of the repository (every branch, as
    with fetch-depth: 0) at `ref`, without the credentials (persist-credentials: false)."""
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(root), str(dest)], check=True, capture_output=True)
    _git(dest, "fetch", "-q", "origin", ref)
    _git(dest, "checkout", "-q", "FETCH_HEAD")


def _installs(script: str) -> str:
    """The checker's install as a runner would do it, offline: `python -m venv DIR` makes a real
    virtual environment (the test's dependencies visible to it, not its party365), and
    `DIR/bin/pip install ... PACKAGE` installs the package from the PACKAGE folder, nothing else."""
    py = sys.executable

    def venv(m: re.Match[str]) -> str:
        target = m.group(1)
        return f'"{py}" -m venv --without-pip "{target}" && echo "{DEPENDENCIES}" > "{target}/{SITE_PACKAGES}/_dependencies.pth"'

    def pip(m: re.Match[str]) -> str:
        target, package = m.group(1), m.group(2)
        script = "from generator.cli import run\\nrun()"
        return (
            f'{{ test -f "{package}/pyproject.toml" || exit 1; }} && (cd "{package}" && pwd) > "{target}/{SITE_PACKAGES}/_package.pth" && '
            f'printf "#!{target}/bin/python\\n{script}\\n" > "{target}/bin/party365" && chmod +x "{target}/bin/party365"'
        )

    lines = []
    for line in script.split("\n"):
        if "/bin/pip" in line:
            assert PIP_LINE.search(line), f"the local runner does not know this install: {line}"
            line = PIP_LINE.sub(pip, line)
        elif "python -m venv" in line:
            line = VENV_LINE.sub(venv, line)
        elif "pip install" in line or "gh pr comment" in line or "gh api" in line:
            continue  # the test environment has party365 installed; the comment and the commit status need GitHub
        lines.append(line)
    return "\n".join(lines)


def run_github_workflow(root: Path, event: str = "pull_request", *, deciding_only: bool = False, author: str = "clerk") -> WorkflowRun:
    """The shipped GitHub workflow's jobs for `event`, run locally as a runner would: the jobs' and
    steps' `if:` conditions, `${{ }}` expressions, `env:`, `working-directory:`, step outputs,
    continue-on-error, checkouts into a path (a clone at the ref), the checker's virtual
    environment and install (offline), and artifact uploads. Left out, needing GitHub itself:
    setup-python, installing the pull request's own code with pip (the test environment's
    party365 is that code) and the comment's `gh` call. A checkout without a path is `root` itself.
    `root` is the repository with `main` and the pull request's branch checked out. `deciding_only` leaves out the steps that cannot fail the run
    (continue-on-error: the preview build, its screenshots, the comment)."""
    import yaml

    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    outputs: dict[str, dict[str, str]] = {}
    temp = Path(tempfile.mkdtemp(prefix="runner-temp-"))
    workspace = root.parent / f"{root.name}-workspace" if event == "pull_request_target" else root
    shutil.rmtree(workspace / "_artifacts", ignore_errors=True)
    if workspace != root:
        shutil.rmtree(workspace, ignore_errors=True)
        workspace.mkdir()
    artifacts = workspace / "_artifacts"
    head = _git(root, "rev-parse", "HEAD").strip()
    context = {
        "github.event.pull_request.head.sha": head,
        "github.event_name": event,
        "github.base_ref": "main",
        "github.event.pull_request.number": "7",
        "github.event.pull_request.user.login": author,
        "github.repository": "town/data",
        "github.token": "",
    }

    def value(name: str) -> str:
        if name.startswith("steps."):
            _, sid, _, key = name.split(".")
            return outputs.get(sid, {}).get(key, "")
        return context[name]

    def expand(text: str) -> str:
        return re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", lambda m: value(m.group(1)), text)

    steps = []
    for job in workflow["jobs"].values():
        if not _holds(job["if"], value):
            continue
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "SOURCE_DATE_EPOCH": EPOCH,
            "RUNNER_TEMP": str(temp),
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_STEP_SUMMARY": str(temp / "summary.md"),
            **{k: expand(str(v)) for k, v in job.get("env", {}).items()},
        }
        for step in job["steps"]:
            if "if" in step and not _holds(step["if"], value):
                continue
            uses = step.get("uses", "")
            if uses.startswith("actions/upload-artifact"):
                name = expand(step["with"]["name"])
                source = workspace / step["with"]["path"]
                if source.exists():
                    shutil.copytree(source, artifacts / name)
                outputs[step.get("id", "")] = {"artifact-url": f"https://github.example/artifacts/{name}"}
                continue
            if uses.startswith("actions/checkout") and "path" in step.get("with", {}):
                options = step["with"]
                assert options.get("persist-credentials") is False, "a checkout in the deciding job keeps no token"
                ref = expand(options.get("ref", f"refs/heads/{context['github.base_ref']}"))
                _checkout(root, workspace / options["path"], ref)
                continue
            if uses or (deciding_only and step.get("continue-on-error", False)):
                continue  # a checkout of `root` itself, setup-python
            with tempfile.NamedTemporaryFile("r", suffix=".out", delete=False) as handle:
                output_file = Path(handle.name)
            step_env = {**env, **{k: expand(str(v)) for k, v in step.get("env", {}).items()}, "GITHUB_OUTPUT": str(output_file)}
            proc = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", _installs(expand(step["run"]))],
                cwd=workspace / step.get("working-directory", "."), env=step_env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            outputs[step.get("id", "")] = dict(line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line)
            output_file.unlink()
            steps.append(StepRun(step["name"], proc.returncode, proc.stdout, proc.stderr, not step.get("continue-on-error", False)))
    shutil.rmtree(temp, ignore_errors=True)
    return WorkflowRun(steps, artifacts, workspace)


def run_pull_request(root: Path, *, deciding_only: bool = False, author: str = "clerk") -> WorkflowRun:
    """A pull request on GitHub starts both events: the verdict (pull_request_target, the main
    branch's workflow and checker) and the preview (pull_request, the pull request's code)."""
    verdict = run_github_workflow(root, "pull_request_target", deciding_only=deciding_only, author=author)
    preview = run_github_workflow(root, "pull_request", deciding_only=deciding_only, author=author)
    return WorkflowRun(verdict.steps + preview.steps, preview.artifacts, verdict.workspace)


def _site_repo(town: Town) -> Town:
    """The site town as a pull request sees it: `main` (also as origin/main) and a branch `pr`."""
    from sitetown import make_site_town

    make_site_town(town)
    (town.root / "tools").symlink_to(REPO / "tools")
    for part in CODE:  # the town's repository holds the checker's code too, as a real one does
        if (REPO / part).is_dir():
            shutil.copytree(REPO / part, town.root / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / part, town.root / part)
    town.write(".gitignore", "/site/\n/preview/\n/_artifacts/\n/party365-diff.*\n/tools\n__pycache__/\n/.cache/\n")
    town.write("content/_town/town.yml", TOWN_YML + "quotas: {batch1: 33, batch2: 1, demo_sites: 3}\n")
    assert subprocess.run([sys.executable, "-m", "generator", "codeowners", "--root", str(town.root)], capture_output=True).returncode == 0
    _git(town.root, "init", "-q", "-b", "main")
    _git(town.root, "add", "-A")
    _git(town.root, "commit", "-q", "-m", "base")
    _git(town.root, "update-ref", "refs/remotes/origin/main", "main")
    _git(town.root, "checkout", "-q", "-b", "pr")
    return town


def _commit(town: Town) -> None:
    _git(town.root, "add", "-A")
    _git(town.root, "commit", "-q", "--allow-empty", "-m", "pr")


def test_shipped_github_workflow_run_locally_on_a_pull_request(town: Town) -> None:
    repo = _site_repo(town)
    # A clerk edits one organization: a new notice, and a misspelled key.
    repo.write(
        "organizations/hongda-jixie/notices/2026-11-24-fazhan.md",
        notice_md("2026-11-24", "2026-11-30").replace("title: 公示", "title: 发展对象公示"),
    )
    org = repo.root / "organizations/hongda-jixie/org.yml"
    good = org.read_text(encoding="utf-8")
    org.write_text(good.replace("kind: 党委", "kidn: 党委"), encoding="utf-8")
    _commit(repo)
    run = run_pull_request(repo.root)
    assert not run.passed
    check = run.step("检查这次改动")
    assert "::error file=organizations/hongda-jixie/org.yml,line=5,col=1,title=schema-unknown-key::" in check.out
    assert "organizations/hongda-jixie/org.yml:5:1: 错误 [schema-unknown-key]" in check.out
    assert run.step("结论").code == 1 and re.match(r"结论：有 \d+ 个错误，需要修改后才能合并。自动检查不会通过。", run.step("结论").out)
    preview = run.step("生成预览网站")
    assert preview.code == 1 and not preview.decides
    deciding = [
        s.name for s in run.steps if s.decides
    ]  # the verdict job's, then the preview job's (which branch protection does not require)
    assert deciding == ["安装主分支上的检查程序", "检查这次改动", "结论", "安装 party365", "预览的下载链接"]
    assert [s.code for s in run.steps if s.decides and s.name != "结论" and s.name != "检查这次改动"] == [0, 0, 0]
    assert preview.out.rstrip().split("\n")[-1].startswith("结果：预览网站没有生成")  # Chinese is the last word
    # The clerk fixes the key: the job passes, the comment says what the public gains and links the preview.
    org.write_text(good, encoding="utf-8")
    _commit(repo)
    run = run_pull_request(repo.root)
    assert run.passed and [s.code for s in run.steps if s.decides] == [0, 0, 0, 0, 0], [(s.name, s.out, s.err) for s in run.steps]
    summary = (run.workspace / "party365-diff.md").read_text(encoding="utf-8")
    assert "**新开始的公示（1）**" in summary and "hongda-jixie：公示“发展对象公示”" in summary and "结论：可以合并。" in summary
    assert "预览网站和改动页面的手机截图：见这个合并请求的“预览网站”检查" in summary
    assert run.step("结论").out == "结论：可以合并。自动检查会通过。\n"
    build = run.step("生成预览网站")
    assert build.code == 0 and build.out.rstrip().split("\n")[-1].startswith("结果：预览网站已生成到")
    assert not [line for line in build.out.splitlines() if line and not HAN.search(line)], build.out  # every line Chinese
    artifact = run.artifacts / "preview-pr-7"
    assert (artifact / "site/dangwu/hongda-jixie/index.html").is_file()
    pages = json.loads((repo.root / "party365-diff.json").read_text(encoding="utf-8"))["pages"]
    assert "dangwu/hongda-jixie/" in pages and "gongshi/" in pages
    shots = run.step("改动页面的手机截图")
    if not Path(CHROMIUM).is_file():
        assert "没有找到 Chromium 浏览器：跳过截图" in shots.out
        pytest.skip("没有安装 Chromium：截图部分跳过（Debian/Ubuntu：sudo apt-get install chromium fonts-noto-cjk）")
    assert shots.code == 0, shots.err
    png = artifact / "screenshots/dangwu-hongda-jixie.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    with Image.open(png) as image:
        assert image.size[0] == 390
    assert "dangwu/hongda-jixie/" in (artifact / "screenshots/index.md").read_text(encoding="utf-8")


def test_shipped_github_workflow_on_main_checks_everything_and_builds(town: Town) -> None:
    repo = _site_repo(town)
    _git(repo.root, "checkout", "-q", "main")
    run = run_github_workflow(repo.root, event="push")
    assert [s.name for s in run.steps] == ["安装 party365", "检查全部资料", "生成网站"] and run.passed, [
        (s.name, s.out, s.err) for s in run.steps
    ]
    assert (run.artifacts / "site/index.html").is_file()
    assert run.step("生成网站").out.rstrip().split("\n")[-1].startswith("结果：网站已生成到")


def _pr_clean(t: Town) -> None:
    t.write("organizations/hongda-jixie/disclosures/2026-11-25-huodong.md", disclosure_md("三会一课"))


def _pr_warning_in_touched_file(t: Town) -> None:
    org = t.root / "organizations/taoyuan-cun/org.yml"
    org.write_text(org.read_text(encoding="utf-8").replace("area: 150", "area: 100"), encoding="utf-8")


def _pr_town_level_warning(t: Town) -> None:
    """A 二期 brand over the town's quota (1 of 1 at the base): brand-quota on town.yml, which the clerk did not touch."""
    from sitetown import BRAND
    from tools_photo import jpeg

    t.add_org(
        "zhen-jiguan", "机关事业单位", brand=BRAND.format(name="机关先锋", model="服务效能型", batch="二期", level="镇级", partners="")
    )
    t.write("organizations/zhen-jiguan/photos/a.jpg", jpeg())


def _pr_error(t: Town) -> None:
    org = t.root / "organizations/hongda-jixie/org.yml"
    org.write_text(org.read_text(encoding="utf-8").replace("sector: 企业", "sector: 工厂"), encoding="utf-8")


def _pr_new_org(t: Town) -> None:
    t.add_org("xin-cun")


def _pr_new_org_with_codeowners(t: Town) -> None:
    t.add_org("xin-cun")
    subprocess.run([sys.executable, "-m", "generator", "codeowners", "--root", str(t.root)], check=True, capture_output=True)


def _pr_deletion(t: Town) -> None:
    (t.root / "organizations/hongda-jixie/notices/2026-11-20-youxiu.md").unlink()


def _pr_withdrawal(t: Town) -> None:
    path = t.root / "organizations/hongda-jixie/notices/2026-11-20-youxiu.md"
    text = path.read_text(encoding="utf-8").replace(
        "kind: 推荐优秀党员\n", "kind: 推荐优秀党员\nwithdrawn: {date: 2026-11-25, reason: 名单有误}\n"
    )
    path.write_text(text, encoding="utf-8")


def _pr_internal_only(t: Town) -> None:
    t.write("organizations/hongda-jixie/disclosures/2026-11-25-neibu.md", disclosure_md("三会一课", extra="audience: 党内\n"))


def _pr_photo(t: Town) -> None:
    from tools_photo import jpeg

    t.write("organizations/taoyuan-cun/photos/a.jpg", jpeg(color=(10, 120, 30)))


def _pr_future_dated(t: Town) -> None:
    t.write("organizations/hongda-jixie/disclosures/2026-12-01-jihua.md", disclosure_md("三会一课"))


def _pr_error_caused_elsewhere(t: Town) -> None:
    (t.root / "organizations/taoyuan-cun/photos/a.jpg").unlink()  # org.yml (untouched) still names it


OFFICE = "town-office"  # the town office of the test town (conftest.TOWN_YML); "clerk" maintains every organization
PULL_REQUESTS = {
    "clean": (_pr_clean, True, "", "clerk"),
    "warning-only": (_pr_warning_in_touched_file, True, "改动的文件里有 1 个警告", "clerk"),
    "town-level-warning": (_pr_town_level_warning, True, "这次改动新增 1 条镇级提醒，交镇党委处理", OFFICE),
    "error": (_pr_error, False, "[schema-enum]", "clerk"),
    "new-org": (_pr_new_org, False, "[codeowners-stale]", OFFICE),
    "new-org-with-codeowners": (_pr_new_org_with_codeowners, True, "", OFFICE),
    "deletion": (_pr_deletion, False, "[diff-item-removed]", "clerk"),
    "withdrawal": (_pr_withdrawal, True, "撤回的公开内容", "clerk"),
    "internal-only": (_pr_internal_only, True, "", "clerk"),
    "photo": (_pr_photo, True, "", "clerk"),
    "future-dated": (_pr_future_dated, True, "将于 2026-12-01 发布", "clerk"),
    "error-caused-elsewhere": (_pr_error_caused_elsewhere, False, "organizations/taoyuan-cun/org.yml", "clerk"),
}


@pytest.mark.parametrize("name", PULL_REQUESTS)
def test_the_diff_verdict_is_the_ci_outcome(town: Town, cli_run, name: str) -> None:
    change, passes, shown, author = PULL_REQUESTS[name]
    repo = _site_repo(town)
    change(repo)
    _commit(repo)
    run = run_github_workflow(repo.root, "pull_request_target", deciding_only=True, author=author)  # the preview: tests above and below
    local = cli_run("diff", "main", "--root", str(repo.root), "--author", author)  # what the clerk sees before pushing
    assert (run.workspace / "party365-diff.json").is_file(), [(s.name, s.out, s.err) for s in run.steps]
    payload = json.loads((run.workspace / "party365-diff.json").read_text(encoding="utf-8"))
    assert run.passed is passes is payload["verdict"]["passed"] is (local.code == 0), [(s.name, s.out, s.err) for s in run.steps]
    conclusion = "结论：可以合并。" if passes else "结论：有"
    assert local.out.split("\n")[-2].startswith(conclusion) and run.step("结论").out.startswith(conclusion)
    assert shown in local.out
    assert [s.name for s in run.steps] == ["安装主分支上的检查程序", "检查这次改动", "结论"]


def _patch_the_verdict(t: Town) -> None:
    """The pull request's own checker passes everything: `Verdict.passed` returns True."""
    path = t.root / "generator/verdict.py"
    text = path.read_text(encoding="utf-8")
    assert "        return not self.blocking\n" in text
    path.write_text(text.replace("        return not self.blocking\n", "        return True\n"), encoding="utf-8")


def test_a_pull_request_that_patches_the_checker_is_judged_by_the_main_branch(town: Town) -> None:
    repo = _site_repo(town)
    _pr_deletion(repo)  # deletes a published notice: an error
    _patch_the_verdict(repo)
    _commit(repo)
    own = subprocess.run(
        [sys.executable, "-m", "generator", "diff", "main", "--author", "clerk"], cwd=repo.root, capture_output=True, text=True
    )  # the pull request's own code: `python -m` from its checkout imports its generator/
    assert own.returncode == 0 and "[diff-item-removed]" in own.stdout, own.stdout + own.stderr  # the patch works on its own code
    run = run_github_workflow(repo.root, "pull_request_target")
    assert not run.passed and run.step("结论").code == 1, [(s.name, s.out, s.err) for s in run.steps]
    check = run.step("检查这次改动").out
    assert "[diff-item-removed]" in check and "[path-not-yours]" in check and "generator/verdict.py" in check
    assert run.step("结论").out.startswith("结论：有 2 个错误，需要修改后才能合并。自动检查不会通过。")
    # The workflow the pull request carries is not the one that runs: pull_request_target takes the main branch's.
    workflow = yaml_of(GITHUB)
    assert set(workflow[True]) >= {"pull_request_target", "pull_request"}  # YAML 1.1 reads the key `on` as true
    assert workflow[True]["pull_request_target"] == {"branches": ["main"]}  # no verdict for a request into another branch
    verdict, preview = workflow["jobs"]["verdict"], workflow["jobs"]["preview"]
    assert verdict["if"] == "github.event_name == 'pull_request_target'" and preview["if"] == "github.event_name == 'pull_request'"
    assert preview["permissions"] == {"contents": "read"} and "secrets" not in GITHUB.read_text(encoding="utf-8")
    runs = "\n".join(step.get("run", "") for step in verdict["steps"])
    assert 'bin/pip" install -q -c trusted/constraints.txt ./trusted' in runs and "-e ." not in runs  # the main branch's code, a copy
    assert "--root ../pr" in runs and "${{" not in runs  # the pull request's files as data; event fields through env only
    assert verdict["permissions"] == {"contents": "read", "pull-requests": "write", "statuses": "write"}
    assert 'context="party365/结论"' in runs and "statuses/$SHA" in runs  # the verdict on the head commit branch protection reads
    assert [s["with"]["ref"] for s in verdict["steps"] if s.get("with", {}).get("path") == "pr"] == [
        "${{ github.event.pull_request.head.sha }}"
    ]


def yaml_of(path: Path):
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _office_on_main(repo: Town, extra: str = "") -> None:
    """Another organization with its own maintainer, on main (and origin/main); then the branch `pr2`."""
    _git(repo.root, "checkout", "-q", "main")
    org = repo.root / "organizations/taoyuan-cun/org.yml"
    org.write_text(org.read_text(encoding="utf-8").replace("maintainers: [clerk]", "maintainers: [taoyuan]"), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "generator", "codeowners", "--root", str(repo.root)], check=True, capture_output=True)
    _commit(repo)
    _git(repo.root, "update-ref", "refs/remotes/origin/main", "main")
    _git(repo.root, "checkout", "-q", "-b", "pr2")


def _template_script(t: Town) -> None:
    t.write("overrides/main.html", "{% extends 'base.html' %}<script>alert(1)</script>\n")


def _config_script(t: Town) -> None:
    t.write("mkdocs.yml", "site_name: x\nextra_javascript: [evil.js]\n")


def _new_workflow(t: Town) -> None:
    t.write(".github/workflows/evil.yml", "on: push\njobs: {}\n")


def _guide_page(t: Town) -> None:
    t.write("content/guide/extra.md", "# 新页面\n")


def _checker_code(t: Town) -> None:
    _patch_the_verdict(t)


def _town_data(t: Town) -> None:
    path = t.root / "content/_town/town.yml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")


def _other_org(t: Town) -> None:
    t.write("organizations/taoyuan-cun/disclosures/2026-11-25-huodong.md", disclosure_md("三会一课"))


def _other_org_claimed(t: Town) -> None:
    """The pull request adds its author to the other organization's maintainers: the base decides."""
    org = t.root / "organizations/taoyuan-cun/org.yml"
    org.write_text(org.read_text(encoding="utf-8").replace("maintainers: [taoyuan]", "maintainers: [taoyuan, clerk]"), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "generator", "codeowners", "--root", str(t.root)], check=True, capture_output=True)
    _other_org(t)


BEYOND_DATA = {
    "template": (_template_script, "网站的页面、模板和配置", "overrides/main.html"),
    "config": (_config_script, "网站的页面、模板和配置", "mkdocs.yml"),
    "workflow": (_new_workflow, "自动检查和发布流程（CI）", ".github/workflows/evil.yml"),
    "guide": (_guide_page, "网站的页面、模板和配置", "content/guide/extra.md"),
    "code": (_checker_code, "网站程序", "generator/verdict.py"),
    "town-data": (_town_data, "镇级数据", "content/_town/town.yml"),
}


@pytest.mark.parametrize("name", BEYOND_DATA)
def test_a_clerk_cannot_change_what_is_not_an_organizations_data(town: Town, cli_run, name: str) -> None:
    change, label, path = BEYOND_DATA[name]
    repo = _site_repo(town)
    _office_on_main(repo)
    change(repo)
    _commit(repo)
    for author in ("clerk", None):  # in CI (the forge names the author) and on the clerk's machine
        args = ["diff", "origin/main", "--root", str(repo.root), *(["--author", author] if author else [])]
        result = cli_run(*args)
        assert result.code == 1, result.out
        assert f"[path-not-yours] 这次改动修改了{label}（{path}）" in result.out and "@town-office" in result.out
        assert "不影响公开网站" not in result.out
        assert result.out.split("\n")[-2].startswith("结论：有 1 个错误")
    # The town office may: the change passes, said for what it is, with who reviews it.
    office = cli_run("diff", "origin/main", "--root", str(repo.root), "--author", OFFICE)
    assert office.code == 0, office.out
    assert office.out.split("\n")[1] == "这次改动不只是组织的资料："  # under the demo's date line, first
    assert f"- {label}的改动（{path}）：" in office.out and "由 @town-office 审核" in office.out
    assert "不影响公开网站" not in office.out
    assert f"改动了{label}，不只是组织的资料：合并前由镇党委审核" in office.out.split("\n")[-2]


@pytest.mark.parametrize("change", [_other_org, _other_org_claimed])
def test_a_clerk_cannot_change_another_organizations_folder(town: Town, cli_run, change) -> None:
    repo = _site_repo(town)
    _office_on_main(repo)
    change(repo)
    _commit(repo)
    result = cli_run("diff", "origin/main", "--root", str(repo.root), "--author", "clerk", "--format", "json")
    payload = json.loads(result.out)
    assert result.code == 1 and not payload["verdict"]["passed"]
    [blocking] = [d for d in payload["verdict"]["blocking"] if d["rule"] == "path-not-yours"]
    assert blocking["message"].startswith("@clerk 不是组织 taoyuan-cun 的文件夹的维护人，却改动了它（organizations/taoyuan-cun/")
    assert "@taoyuan、@town-office" in blocking["fix"]
    [area] = [a for a in payload["verdict"]["areas"] if a["org"] == "taoyuan-cun"]
    assert area["approvers"] == ["taoyuan", "town-office"]
    # Its own maintainer may.
    assert cli_run("diff", "origin/main", "--root", str(repo.root), "--author", "taoyuan").code == 0


def test_a_new_organization_is_the_town_offices(town: Town, cli_run) -> None:
    repo = _site_repo(town)
    _pr_new_org_with_codeowners(repo)
    _commit(repo)
    clerk = cli_run("diff", "main", "--root", str(repo.root), "--author", "clerk")
    assert clerk.code == 1 and "[path-not-yours] 这次改动新建了组织 xin-cun 的文件夹" in clerk.out
    assert cli_run("diff", "main", "--root", str(repo.root), "--author", OFFICE).code == 0


def test_a_chinese_photo_name_is_in_the_clerks_folder(repo: Town, cli_run) -> None:
    """git quotes non-ASCII names ("organizations/a-cun/photos/\\344..."): read as written, they stay the clerk's."""
    from tools_photo import jpeg

    repo.write("organizations/a-cun/photos/会议 照片.jpg", jpeg())
    _git(repo.root, "add", "-A")
    _git(repo.root, "commit", "-q", "-m", "photo")
    _git(repo.root, "branch", "-f", "base", "HEAD~1")
    result = cli_run("diff", "base", "--root", str(repo.root), "--today", "2026-11-26", "--author", "clerk", "--format", "json")
    payload = json.loads(result.out)
    assert [a["paths"] for a in payload["verdict"]["areas"]] == [["organizations/a-cun/photos/会议 照片.jpg"]]
    assert "path-not-yours" not in result.out


def test_a_git_failure_fails_the_verdict_instead_of_judging_no_files(repo: Town) -> None:
    from generator.changes import RevisionError
    from generator.verdict import changed_files

    with pytest.raises(RevisionError, match="无法列出这次改动的文件"):
        changed_files(repo.root, "no-such-branch")


@pytest.mark.parametrize("author", ["renovate[bot]", "a" * 41, "clerk@evil", ""])
def test_an_author_the_owners_cannot_name_owns_nothing(repo: Town, cli_run, author: str) -> None:
    """A login that cannot be a maintainer (a bot, a name longer than GitHub allows) is never
    judged as a local run, which would take every organization's folder as the author's."""
    repo.write("organizations/a-cun/disclosures/2026-11-25-huodong.md", disclosure_md("三会一课"))
    result = cli_run("diff", "main", "--root", str(repo.root), "--today", "2026-11-26", "--author", author)
    assert result.code == 1 and "[path-not-yours]" in result.out, result.out


def test_a_committed_export_ignore_cannot_hide_a_published_item(repo: Town, cli_run) -> None:
    """The base is read from git's objects, not through `git archive` (which obeys the revision's
    own .gitattributes): an item marked export-ignore at the base is still there to be deleted."""
    repo.write("organizations/a-cun/disclosures/.gitattributes", "2026-11-02-dangfei.md export-ignore\n")
    _git(repo.root, "add", "-A")
    _git(repo.root, "commit", "-q", "-m", "attributes")
    (repo.root / "organizations/a-cun/disclosures/2026-11-02-dangfei.md").unlink()
    result = cli_run("diff", "main", "--root", str(repo.root), "--today", "2026-11-26", "--author", "clerk")
    assert result.code == 1 and "[diff-item-removed]" in result.out, result.out


def test_git_configuration_in_a_folder_is_not_the_organizations(repo: Town, cli_run) -> None:
    repo.write("organizations/a-cun/.gitattributes", "*.md merge=union\n")
    result = cli_run("diff", "main", "--root", str(repo.root), "--today", "2026-11-26", "--author", "clerk", "--format", "json")
    payload = json.loads(result.out)
    assert result.code == 1 and [a["area"] for a in payload["verdict"]["areas"]] == ["ci"]
    assert "自动检查和发布流程（CI）" in payload["verdict"]["blocking"][0]["message"]


def test_a_criss_cross_history_is_refused_not_judged_on_the_wrong_files(repo: Town, cli_run) -> None:
    """Two merge bases: the real merge would use a base of its own, so the files judged against
    one of them are not what the merge changes."""
    _git(repo.root, "checkout", "-q", "-b", "side")
    repo.write("organizations/a-cun/disclosures/2026-11-20-side.md", disclosure_md("三会一课"))
    _commit(repo)
    _git(repo.root, "checkout", "-q", "main")
    repo.write("organizations/a-cun/disclosures/2026-11-21-main.md", disclosure_md("三会一课"))
    _commit(repo)
    _git(repo.root, "checkout", "-q", "-b", "pr")
    _git(repo.root, "merge", "-q", "--no-ff", "-m", "pr", "side")
    _git(repo.root, "checkout", "-q", "main")
    _git(repo.root, "merge", "-q", "--no-ff", "-m", "main", "side")
    _git(repo.root, "checkout", "-q", "pr")
    result = cli_run("diff", "main", "--root", str(repo.root), "--today", "2026-11-26", "--author", "clerk")
    assert result.code == 1 and "交叉合并" in result.err, result.out + result.err


def test_codeowners_cannot_hand_an_invalid_organizations_folder_to_someone_else(repo: Town, cli_run) -> None:
    repo.add_org("b-cun")
    org = repo.root / "organizations/b-cun/org.yml"
    org.write_text(org.read_text(encoding="utf-8").replace("schema: 1", "schema: 99"), encoding="utf-8")  # invalid at the base
    assert cli_run("codeowners", "--root", str(repo.root)).code == 0
    _git(repo.root, "add", "-A")
    _git(repo.root, "commit", "-q", "-m", "b")
    _git(repo.root, "branch", "-f", "base", "HEAD")
    owners = repo.root / ".github/CODEOWNERS"
    text = owners.read_text(encoding="utf-8")
    assert "/organizations/b-cun/ @town-office\n" in text
    owners.write_text(text.replace("/organizations/b-cun/ @town-office\n", "/organizations/b-cun/ @clerk\n"), encoding="utf-8")
    result = cli_run("diff", "base", "--root", str(repo.root), "--today", "2026-11-26", "--author", "clerk")
    assert result.code == 1 and "[codeowners-stale]" in result.out, result.out


def test_the_summary_never_contradicts_the_errors(repo: Town, cli_run) -> None:
    """A deleted tombstone changes nothing visible in the snapshot, and is an error: no "不影响公开网站" above it."""
    path = repo.root / "organizations/a-cun/disclosures/2026-11-02-dangfei.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("category: 党费\n", "category: 党费\nwithdrawn: {date: 2026-11-20, reason: 金额有误}\n"),
        encoding="utf-8",
    )
    _git(repo.root, "add", "-A")
    _git(repo.root, "commit", "-q", "-m", "withdrawn")
    path.unlink()
    for fmt in ("text", "markdown"):
        result = cli_run("diff", "main", "--root", str(repo.root), "--today", "2026-11-26", "--format", fmt)
        assert result.code == 1 and "[diff-item-removed]" in result.out
        assert "不影响公开网站" not in result.out


def test_an_error_already_on_main_outside_the_change_does_not_fail_the_clerk(town: Town, cli_run) -> None:
    repo = _site_repo(town)
    _git(repo.root, "checkout", "-q", "main")
    org = repo.root / "organizations/zhen-jiguan/org.yml"
    org.write_text(org.read_text(encoding="utf-8").replace("kind: 党委", "kidn: 党委"), encoding="utf-8")
    _commit(repo)
    _git(repo.root, "update-ref", "refs/remotes/origin/main", "main")
    _git(repo.root, "checkout", "-q", "-b", "pr2")
    _pr_clean(repo)
    _commit(repo)
    run = run_pull_request(repo.root)
    assert run.passed
    assert re.search(r"主分支上原有 \d+ 个错误不在这次改动的文件里，由镇党委处理", run.step("结论").out)
    assert run.step("生成预览网站").code == 1 and "主分支上原有错误，由镇党委处理" in run.step("生成预览网站").out


def test_codeowners_stale_names_the_command_and_the_lines(repo: Town, cli_run) -> None:
    assert cli_run("codeowners", "--root", str(repo.root), "--format", "gitlab").code == 0
    _git(repo.root, "add", "-A")
    _git(repo.root, "commit", "-q", "-m", "owners")
    repo.add_org("b-cun")
    result = cli_run("diff", "main", "--root", str(repo.root), "--today", "2026-11-26")
    assert result.code == 1
    rule = "codeowners-stale"
    assert f".gitlab/CODEOWNERS:1:1: 错误 [{rule}] .gitlab/CODEOWNERS 不是最新的" in result.out
    assert "在仓库根目录运行 party365 codeowners --format gitlab" in result.out
    assert "/organizations/b-cun/ @clerk @town-office" in result.out
    check = cli_run("codeowners", "--root", str(repo.root), "--format", "gitlab", "--check")
    assert check.code == 1
    assert "运行 party365 codeowners --format gitlab，再把 .gitlab/CODEOWNERS 和其他改动一起提交" in check.err
    assert "  /organizations/b-cun/ @clerk @town-office" in check.err


def test_shipped_gitlab_verdict_job_runs_the_target_branchs_checker(town: Town, tmp_path_factory) -> None:
    """The GitLab job's script, run as a runner would in a clone of the merge request's branch: the
    checker installed from the target branch judges; the merge request's patched checker is never run."""
    gitlab = yaml_of(REPO / "content/guide/ci/gitlab-ci.yml")
    job = gitlab["检查这次改动"]
    assert job["before_script"] == [] and "pip install -q -c constraints.txt -e ." in gitlab["default"]["before_script"]
    repo = _site_repo(town)
    _pr_deletion(repo)
    _patch_the_verdict(repo)
    _commit(repo)
    project = tmp_path_factory.mktemp("gitlab") / "project"
    scratch = tmp_path_factory.mktemp("gitlab-tmp")
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", "-b", "pr", str(repo.root), str(project)], check=True, capture_output=True)
    script = "\n".join(job["script"]).replace("/tmp/", f"{scratch}/")
    env = {
        **os.environ,
        **{k: str(v) for k, v in {**gitlab["variables"], **job.get("variables", {})}.items()},
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "SOURCE_DATE_EPOCH": EPOCH,
        "CI_PROJECT_DIR": str(project),
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "GITLAB_USER_LOGIN": "clerk",
    }
    proc = subprocess.run(["bash", "-eo", "pipefail", "-c", _installs(script)], cwd=project, env=env, capture_output=True, text=True)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    report = (project / "party365-diff.md").read_text(encoding="utf-8")
    assert "[diff-item-removed]" in report and "[path-not-yours]" in report
    assert report.rstrip().split("\n")[-1].startswith("结论：有 2 个错误")


def test_shipped_gitlab_ci_and_pre_commit_hook_call_party365() -> None:
    import yaml

    gitlab = yaml.safe_load((REPO / "content/guide/ci/gitlab-ci.yml").read_text(encoding="utf-8"))
    scripts = "\n".join(line for job in gitlab.values() if isinstance(job, dict) and "script" in job for line in job["script"])
    assert "party365 validate organizations" in scripts and "party365 diff" in scripts and "party365 build" in scripts
    assert "mkdocs build" not in scripts  # party365 build: Chinese to the last line, warnings never stop it
    assert gitlab["检查这次改动"]["artifacts"]["expose_as"] and gitlab["预览网站"]["artifacts"]["expose_as"]
    assert gitlab["预览网站"]["allow_failure"] is True and "allow_failure" not in gitlab["检查这次改动"]
    assert all(
        p.endswith("/") or "." in p for job in gitlab.values() if isinstance(job, dict) for p in job.get("artifacts", {}).get("paths", [])
    )
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["entry"] == "party365 validate" and hook["pass_filenames"] is False


def test_a_link_committed_at_the_base_is_refused_on_both_sides(repo: Town, cli_run) -> None:
    """The base is read from `git archive`; tarfile's "data" filter raised on a committed link to
    /etc/passwd (a traceback). It is kept as a link, never followed: the same finding both sides."""
    os.symlink("/etc/passwd", repo.root / "organizations/a-cun/disclosures/2026-11-05-link.md")
    _git(repo.root, "add", "-A")
    _git(repo.root, "commit", "-q", "-m", "a link")
    result = cli_run("diff", "main", "--root", str(repo.root), "--today", "2026-11-26")
    assert result.code == 0, result.out  # already at the base, not touched: the office's to fix
    assert "organizations/a-cun/disclosures/2026-11-05-link.md:1:1: 错误 [file-outside]" in result.out


def test_the_pull_requests_comment_shows_data_literally(repo: Town, cli_run) -> None:
    """A title written as Markdown is shown as written in the reviewer's comment, not as a link or image."""
    title = "[点此核对名单](https://evil.example/x) ![图](https://evil.example/y.png)"
    repo.write(
        "organizations/a-cun/disclosures/2026-11-25-huodong.md", disclosure_md("三会一课").replace("title: 三会一课", f"title: '{title}'")
    )
    result = cli_run("diff", "main", "--root", str(repo.root), "--today", "2026-11-26", "--author", "clerk", "--format", "markdown")
    assert "\\[点此核对名单\\]\\(https://evil.example/x\\) \\!\\[图\\]" in result.out, result.out
    assert "](https://evil.example" not in result.out
