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
    assert "0 个错误" in proc.stdout
    home = (REPO / "site/index.html").read_text(encoding="utf-8")
    assert "春江镇" in home and (REPO / "site/dangwu/taoyuan-cun/index.html").is_file()


def test_dev_without_a_command_explains_itself() -> None:
    proc = subprocess.run(["bash", str(REPO / "dev")], cwd=REPO, capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "用法：./dev site" in proc.stderr
