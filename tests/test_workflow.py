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
    result = cli_run("diff", "main", "--root", str(repo.root), "--today", "2026-11-26")
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
        "党内事项（不公开，不上网站；审核人同样负责）（2）：\n"
        "  - 修改：a-cun：事项“党内通报”（2026-11-03）\n"
        "      正文有修改（党内事项，不显示内容）\n"
        "  - 新增：a-cun：事项“党内通报”（2026-11-05）\n"
        "这次改动不影响公开网站。\n"
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

    @property
    def passed(self) -> bool:
        return all(s.code == 0 for s in self.steps if s.decides)

    def step(self, name: str) -> StepRun:
        return next(s for s in self.steps if s.name == name)


def run_github_workflow(root: Path, event: str = "pull_request", *, deciding_only: bool = False) -> WorkflowRun:
    """The shipped GitHub workflow's steps, run locally as a runner would on `event`: the `if:`
    conditions, `${{ }}` expressions, step outputs, continue-on-error and artifact uploads.
    Only what needs GitHub itself is left out: checkout, setup-python, pip, the comment's `gh` call.
    `deciding_only` also leaves out the steps that cannot fail the run (continue-on-error: the
    preview build, its screenshots, the comment): for tests about the verdict alone."""
    import yaml

    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    outputs: dict[str, dict[str, str]] = {}
    artifacts = root / "_artifacts"
    shutil.rmtree(artifacts, ignore_errors=True)
    context = {"github.event_name": event, "github.base_ref": "main", "github.event.pull_request.number": "7", "github.token": ""}

    def value(name: str) -> str:
        if name.startswith("steps."):
            _, sid, _, key = name.split(".")
            return outputs.get(sid, {}).get(key, "")
        return context[name]

    def expand(text: str) -> str:
        return re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", lambda m: value(m.group(1)), text)

    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "SOURCE_DATE_EPOCH": EPOCH,
        **workflow["jobs"]["check"].get("env", {}),
    }
    steps = []
    for step in workflow["jobs"]["check"]["steps"]:
        if "if" in step:
            match = CONDITION.fullmatch(step["if"])
            assert match, f"the local runner does not know this condition: {step['if']}"
            if (value(match.group(1)) == match.group(3)) != (match.group(2) == "=="):
                continue
        uses = step.get("uses", "")
        if uses.startswith("actions/upload-artifact"):
            name = expand(step["with"]["name"])
            source = root / step["with"]["path"]
            if source.exists():
                shutil.copytree(source, artifacts / name)
            outputs[step.get("id", "")] = {"artifact-url": f"https://github.example/artifacts/{name}"}
            continue
        if uses or step["name"] == "安装 party365" or (deciding_only and step.get("continue-on-error", False)):
            continue  # checkout, setup-python, installing party365: done by the test environment
        lines = [line for line in step["run"].split("\n") if "pip install" not in line and "gh pr comment" not in line]
        with tempfile.NamedTemporaryFile("r", suffix=".out", delete=False) as handle:
            output_file = Path(handle.name)
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", expand("\n".join(lines))],
            cwd=root, env={**env, "GITHUB_OUTPUT": str(output_file)}, capture_output=True, text=True, check=False,
        )  # fmt: skip
        outputs[step.get("id", "")] = dict(line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line)
        output_file.unlink()
        steps.append(StepRun(step["name"], proc.returncode, proc.stdout, proc.stderr, not step.get("continue-on-error", False)))
    return WorkflowRun(steps, artifacts)


def _site_repo(town: Town) -> Town:
    """The site town as a pull request sees it: `main` (also as origin/main) and a branch `pr`."""
    from sitetown import make_site_town

    make_site_town(town)
    (town.root / "tools").symlink_to(REPO / "tools")
    town.write(".gitignore", "site/\npreview/\n_artifacts/\nparty365-diff.*\ntools\n")
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
    run = run_github_workflow(repo.root)
    assert not run.passed
    check = run.step("检查这次改动")
    assert "::error file=organizations/hongda-jixie/org.yml,line=5,col=1,title=schema-unknown-key::" in check.out
    assert "organizations/hongda-jixie/org.yml:5:1: 错误 [schema-unknown-key]" in check.out
    assert run.step("结论").code == 1 and re.match(r"结论：有 \d+ 个错误，需要修改后才能合并。自动检查不会通过。", run.step("结论").out)
    preview = run.step("生成预览网站")
    assert preview.code == 1 and not preview.decides
    assert [s.name for s in run.steps if s.decides] == ["检查这次改动", "结论"]  # nothing else can fail a pull request
    assert preview.out.rstrip().split("\n")[-1].startswith("结果：预览网站没有生成")  # Chinese is the last word
    # The clerk fixes the key: the job passes, the comment says what the public gains and links the preview.
    org.write_text(good, encoding="utf-8")
    _commit(repo)
    run = run_github_workflow(repo.root)
    assert run.passed and [s.code for s in run.steps if s.decides] == [0, 0], [(s.name, s.out, s.err) for s in run.steps]
    summary = (repo.root / "party365-diff.md").read_text(encoding="utf-8")
    assert "**新开始的公示（1）**" in summary and "hongda-jixie：公示“发展对象公示”" in summary and "结论：可以合并。" in summary
    assert "预览（网站和改动页面的手机截图" in summary and "https://github.example/artifacts/preview-pr-7" in summary
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
    assert [s.name for s in run.steps] == ["检查全部资料", "生成网站"] and run.passed, [(s.name, s.out, s.err) for s in run.steps]
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


PULL_REQUESTS = {
    "clean": (_pr_clean, True, ""),
    "warning-only": (_pr_warning_in_touched_file, True, "改动的文件里有 1 个警告"),
    "town-level-warning": (_pr_town_level_warning, True, "这次改动新增 1 条镇级提醒，交镇党委处理"),
    "error": (_pr_error, False, "[schema-enum]"),
    "new-org": (_pr_new_org, False, "[codeowners-stale]"),
    "new-org-with-codeowners": (_pr_new_org_with_codeowners, True, ""),
    "deletion": (_pr_deletion, False, "[diff-item-removed]"),
    "withdrawal": (_pr_withdrawal, True, "撤回的公开内容"),
    "internal-only": (_pr_internal_only, True, ""),
    "photo": (_pr_photo, True, ""),
    "future-dated": (_pr_future_dated, True, "将于 2026-12-01 发布"),
    "error-caused-elsewhere": (_pr_error_caused_elsewhere, False, "organizations/taoyuan-cun/org.yml"),
}


@pytest.mark.parametrize("name", PULL_REQUESTS)
def test_the_diff_verdict_is_the_ci_outcome(town: Town, cli_run, name: str) -> None:
    change, passes, shown = PULL_REQUESTS[name]
    repo = _site_repo(town)
    change(repo)
    _commit(repo)
    run = run_github_workflow(repo.root, deciding_only=True)  # the preview's steps are run by the tests above and below
    local = cli_run("diff", "main", "--root", str(repo.root))  # what the clerk sees before pushing
    payload = json.loads((repo.root / "party365-diff.json").read_text(encoding="utf-8"))
    assert run.passed is passes is payload["verdict"]["passed"] is (local.code == 0), [(s.name, s.out, s.err) for s in run.steps]
    conclusion = "结论：可以合并。" if passes else "结论：有"
    assert local.out.split("\n")[-2].startswith(conclusion) and run.step("结论").out.startswith(conclusion)
    assert shown in local.out
    assert [s.name for s in run.steps] == ["检查这次改动", "结论"]


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
    run = run_github_workflow(repo.root)
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
