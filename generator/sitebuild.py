"""`party365 build`: `mkdocs build` as CI shows it, every line in Chinese, a Chinese last word.

MkDocs logs in English ("INFO - Cleaning site directory", "Aborted with a BuildError!"). This
runs it in a child process (the core never imports MkDocs), translates the lines it knows,
labels the others, and ends with one Chinese summary line that says what happened and what to
do. The build is not strict: data warnings go to the office (see `generator.verdict`), never
stop the site. With `--preview` (a pull request's preview) the last line also says that the
preview does not decide the merge.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TextIO

LEVELS = {"DEBUG": "调试", "INFO": "信息", "WARNING": "警告", "ERROR": "错误", "CRITICAL": "严重错误"}
LINE = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL)\s*-\s+(.*)$")
KNOWN: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Cleaning site directory$"), "清理网站目录"),
    (re.compile(r"^Building documentation to directory: (.*)$"), r"正在生成网站到 \1"),
    (re.compile(r"^Documentation built in ([\d.]+) seconds$"), r"网站生成完成，用时 \1 秒"),
    (re.compile(r"^Aborted with (\d+) warnings? in strict mode!$"), r"严格模式下有 \1 个警告，停止生成"),
    (re.compile(r"^Aborted with a BuildError!$"), "生成中止"),
    (re.compile(r"^Aborted with a configuration error!$"), "mkdocs.yml 配置有误，生成中止"),
    (re.compile(r"^Aborted with a serve error!$"), "预览服务出错，已停止"),
    (re.compile(r"^Config value '([^']*)': (.*)$"), r"mkdocs.yml 的 \1 设置有误：\2"),
    (re.compile(r"^Error reading page '([^']*)': (.*)$"), r"读取页面 \1 出错：\2"),
)
HAN = re.compile(r"[\u4e00-\u9fff]")


def translate(line: str) -> str:
    """One line of MkDocs output, in Chinese where MkDocs's own words are known."""
    text = line.rstrip()
    level = ""
    match = LINE.match(text)
    if match:
        level, text = LEVELS[match.group(1)], match.group(2).strip()
    text = re.sub(r"^(?:\[party365\]\s*|party365:\s*)", "", text)
    for pattern, chinese in KNOWN:
        if pattern.match(text):
            text = pattern.sub(chinese, text)
            break
    else:
        if text and not HAN.search(text):
            text = f"MkDocs 原文：{text}"
    return f"{level}：{text}" if level else text


def run(
    root: Path, site_dir: Path | None = None, *, preview: bool = False, out: TextIO | None = None, extra_env: dict[str, str] | None = None
) -> int:
    """Build the site of the town under `root`; stream the translated log; return the exit code."""
    out = out or sys.stdout
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml")]
    if site_dir is not None:
        command += ["-d", str(site_dir)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONIOENCODING": "utf-8", **(extra_env or {})}
    warnings = 0
    try:
        proc = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    except OSError as exc:
        out.write(f"网站没有生成：无法启动 MkDocs（{exc.strerror}）。请先运行 pip install -c constraints.txt -e . 安装。\n")
        return 1
    with proc:
        assert proc.stdout is not None
        for raw in proc.stdout:
            warnings += raw.startswith("WARNING")
            out.write(translate(raw) + "\n")
            out.flush()
        code = proc.wait()
    where = (site_dir or root / "site").as_posix()
    if code == 0:
        pages = sum(1 for _ in Path(where).rglob("index.html")) if Path(where).is_dir() else 0
        note = f"（有 {warnings} 条提醒，不影响网站）" if warnings else ""
        what = "预览网站" if preview else "网站"
        out.write(f"结果：{what}已生成到 {where}/，共 {pages} 个网页{note}。\n")
        return 0
    if preview:
        out.write(
            "结果：预览网站没有生成，原因见上面标出的文件和行。预览不决定能否合并：能否合并看“检查这次改动”一步的结论；"
            "那一步通过而这里失败，说明主分支上原有错误，由镇党委处理。\n"
        )
    else:
        out.write("结果：网站没有生成，原有网站没有改动。请按上面标出的文件和行改正，再运行 party365 validate 检查。\n")
    return 1
