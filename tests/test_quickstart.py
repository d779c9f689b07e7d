"""The README's first command, as a reader runs it: `./dev site` builds the demo site."""

from __future__ import annotations

import os
import subprocess

from conftest import REPO


def test_dev_site_builds_the_demo() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    proc = subprocess.run(["bash", str(REPO / "dev"), "site"], cwd=REPO, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "网站已生成到 site/ 目录" in proc.stderr
    assert "示例数据：按 2026-11-26 生成" in proc.stderr  # the demo's town.yml pins the date, and says so
    assert proc.stdout.rstrip().split("\n")[-1].startswith("结果：网站已生成到")  # party365 build: Chinese to the last line
    assert "0 个错误" in proc.stdout
    home = (REPO / "site/index.html").read_text(encoding="utf-8")
    assert "春江镇" in home and (REPO / "site/dangwu/taoyuan-cun/index.html").is_file()


def test_dev_without_a_command_explains_itself() -> None:
    proc = subprocess.run(["bash", str(REPO / "dev")], cwd=REPO, capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "用法：./dev site" in proc.stderr


def test_dev_setup_puts_party365_on_path(tmp_path) -> None:
    """The guide's one-time local setup: afterwards `party365` runs from any folder."""
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "PATH": f"{home}/.local/bin:/usr/bin:/bin"}
    proc = subprocess.run(["bash", str(REPO / "dev"), "setup"], cwd=REPO, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "现在可以在任何文件夹运行 party365 validate 了" in proc.stderr
    run = subprocess.run(["party365", "validate", str(REPO / "organizations")], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0 and "0 个错误" in run.stdout, run.stderr
    env["PATH"] = "/usr/bin:/bin"
    proc = subprocess.run(["bash", str(REPO / "dev"), "setup"], cwd=REPO, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert "还差一步" in proc.stderr and ".local/bin" in proc.stderr
