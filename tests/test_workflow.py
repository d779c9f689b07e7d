"""Review workflow: CODEOWNERS from the data, and what a pull request changes on the public site."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, Town, disclosure_md, notice_md, org_yml


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
        "结论：可以合并。\n"
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
    assert "修改的公开内容（1）：\n" + expected in _diff(full_repo, cli_run).out
    markdown = _diff(full_repo, cli_run, "markdown").out
    assert "- a-cun：公示“发展党员公示”（2026-11-24）\n  - 公示期：2026-11-24 至 2026-11-30 → 2026-11-24 至 2026-12-02\n" in markdown


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
    assert "撤回的公开内容（1）：\n  - a-cun：公开事项（2026-11-02）\n      删除内容：（空） → redact: true，只保留“已撤回”记录\n" in text
    assert "身份证号" not in text and "第三季度党费" not in text  # nothing of a redacted item is repeated


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
        "结论：可以合并。\n"
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


def _steps(workflow: dict) -> list[str]:
    """The shell commands of the shipped GitHub workflow, as a runner would execute them."""
    return [step["run"] for step in workflow["jobs"]["check"]["steps"] if "run" in step and "pip install" not in step["run"]]


def test_shipped_github_workflow_run_locally_on_a_pull_request(town: Town) -> None:
    import os
    import sys

    import yaml
    from sitetown import EPOCH, make_site_town

    make_site_town(town)
    xinhe = town.root / "organizations/xinhe-shequ/org.yml"
    xinhe.write_text(xinhe.read_text(encoding="utf-8").replace("partners: [taoyuan-cun]", "partners: []"), encoding="utf-8")  # strict-clean
    assert subprocess.run([sys.executable, "-m", "generator", "codeowners", "--root", str(town.root)], capture_output=True).returncode == 0
    _git(town.root, "init", "-q", "-b", "main")
    _git(town.root, "add", "-A")
    _git(town.root, "commit", "-q", "-m", "base")
    workflow = yaml.safe_load((REPO / "content/guide/ci/github-actions.yml").read_text(encoding="utf-8"))
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "SOURCE_DATE_EPOCH": EPOCH,
        "NO_MKDOCS_2_WARNING": "1",
    }

    def run_pr() -> list[subprocess.CompletedProcess[str]]:
        results = []
        for command in _steps(workflow):
            command = command.replace('"origin/${{ github.base_ref }}"', "main")
            command = command.split("\n")[0].replace(" || status=$?", "")  # the comment itself needs GitHub
            results.append(subprocess.run(["bash", "-c", command], cwd=town.root, env=env, capture_output=True, text=True))
        return results

    # A clerk edits one organization: a new notice, and a misspelled key.
    town.write(
        "organizations/hongda-jixie/notices/2026-11-24-fazhan.md",
        notice_md("2026-11-24", "2026-11-30").replace("title: 公示", "title: 发展对象公示"),
    )
    org = town.root / "organizations/hongda-jixie/org.yml"
    good = org.read_text(encoding="utf-8")
    org.write_text(good.replace("kind: 党委", "kidn: 党委"), encoding="utf-8")
    validate_step, owners_step, diff_step, build_step = run_pr()
    assert validate_step.returncode == 1
    assert "::error file=organizations/hongda-jixie/org.yml,line=5,col=1,title=schema-unknown-key::" in validate_step.stdout
    assert build_step.returncode == 1 and "原有网站目录未改动" in build_step.stderr
    # The clerk fixes the key: every step passes, and the summary says what the public gains.
    org.write_text(good, encoding="utf-8")
    validate_step, owners_step, diff_step, build_step = run_pr()
    assert [s.returncode for s in (validate_step, owners_step, diff_step, build_step)] == [0, 0, 0, 0], build_step.stderr
    summary = (town.root / "party365-diff.md").read_text(encoding="utf-8")
    assert "**新开始的公示（1）**" in summary and "hongda-jixie：公示“发展对象公示”" in summary and "结论：可以合并。" in summary


def test_shipped_gitlab_ci_and_pre_commit_hook_call_party365() -> None:
    import yaml

    gitlab = yaml.safe_load((REPO / "content/guide/ci/gitlab-ci.yml").read_text(encoding="utf-8"))
    scripts = "\n".join(line for job in gitlab.values() if isinstance(job, dict) and "script" in job for line in job["script"])
    assert "party365 validate organizations" in scripts and "party365 diff" in scripts and "mkdocs build --strict" in scripts
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["entry"] == "party365 validate" and hook["pass_filenames"] is False
