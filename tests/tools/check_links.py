#!/usr/bin/env python3
"""Checks the repository's Markdown: every relative link and image in README.md,
docs/**/*.md and models/**/*.md must name a file or folder that exists, and a
link with an anchor (`page.md#section`, `#section`) must name a heading of that
page, by GitHub's anchor rules. Also checks that README.md stays short and that
the command CI runs (.ci/run, when there is one) is the README's, line for line.

Usage: check_links.py ROOT [--max-readme-lines N] [--pages-only]
ROOT is the repository, or an installed documentation folder (share/doc/emoscope)
with --pages-only: then only links to pages, images and folders are checked, as
the sources they may name are not installed.
Exit 0 when all is well, 1 with one line per problem (file:line: what), 2 on a
usage error. Standard library only (run with /usr/bin/python3)."""
import argparse
import re
import sys
import unicodedata
from pathlib import Path
from urllib.parse import unquote

# Inline links and images: [text](dest "title") / ![alt](<dest>). The text may
# hold one level of nested brackets (`[see [x]](a.md)`, badges); the destination
# is either <...> or a run without spaces and with balanced parentheses.
INLINE = re.compile(
    r"(?P<image>!?)\[(?P<text>(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*)\]"
    r"\(\s*(?P<dest><[^<>\n]*>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)")
# Reference definitions: [label]: dest "title"
DEFINITION = re.compile(r"^ {0,3}\[(?P<label>[^\]]+)\]:\s*(?P<dest><[^<>\n]*>|\S+)")
# HTML links and images written inline: <img src="..."> / <a href="...">
HTML_ATTR = re.compile(r"<(?:img|a|source)\b[^>]*?\b(?:src|href)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.I)
HTML_ID = re.compile(r"<[a-z][^>]*?\b(?:id|name)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.I)
ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")


def strip_code_spans(line: str) -> str:
    """Blanks out `code spans` (links inside them are not links)."""
    out, i = [], 0
    while i < len(line):
        if line[i] == "`":
            run = len(line[i:]) - len(line[i:].lstrip("`"))
            ticks = line[i:i + run]
            end = line.find(ticks, i + run)
            while end != -1 and end + run < len(line) and line[end + run] == "`":
                end = line.find(ticks, end + run + 1)
            if end == -1:
                out.append(ticks)
                i += run
                continue
            out.append(" " * (end + run - i))
            i = end + run
        else:
            out.append(line[i])
            i += 1
    return "".join(out)


def prose_lines(text: str):
    """(line number, line) of every line outside fenced code blocks."""
    fence = None
    for number, line in enumerate(text.splitlines(), 1):
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            continue
        if fence is not None:
            if line.strip().startswith(fence[0] * len(fence)) and set(line.strip()) == {fence[0]}:
                fence = None
            continue
        yield number, line


def heading_text(raw: str) -> str:
    """A heading's text as GitHub renders it: code spans keep their content as
    written; outside them links keep their text, and images, HTML tags and
    emphasis markers go."""
    parts = re.split(r"(`+)(.*?[^`])\1(?!`)", raw)
    out = []
    for i in range(0, len(parts), 3):
        text = parts[i]
        text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", "", text)
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
        text = re.sub(r"<[^>]+>", "", text)
        text = re.sub(r"(\*+)(\S(?:.*?\S)?)\1", r"\2", text)
        text = re.sub(r"(?<!\w)(_+)(\S(?:.*?\S)?)\1(?!\w)", r"\2", text)
        out.append(text)
        if i + 2 < len(parts):
            out.append(parts[i + 2])
    return "".join(out).strip()


def slug(text: str) -> str:
    """GitHub's anchor for a heading (github-slugger): lower case; letters,
    digits, marks, '_' , '-' and spaces kept, every other character dropped;
    each space becomes '-'."""
    kept = []
    for ch in text.lower():
        category = unicodedata.category(ch)
        if ch in " -" or category[0] in "LMN" or category == "Pc":
            kept.append(ch)
    return "".join(kept).replace(" ", "-")


def anchors(path: Path) -> set:
    """Every anchor a Markdown page has: its headings' slugs (repeats get -1,
    -2, ...) and explicit id/name attributes of HTML elements."""
    found, seen = set(), {}
    previous = ""
    for _, line in prose_lines(path.read_text(encoding="utf-8")):
        title = None
        atx = ATX.match(line)
        if atx:
            title = atx.group(2) or ""
        elif SETEXT.match(line) and previous.strip() and not re.match(r"^ {0,3}([-*+|>#]|\d+[.)])", previous):
            title = previous.strip()
        if title is not None:
            base = slug(heading_text(title))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
        for match in HTML_ID.finditer(line):
            found.add(match.group(1) if match.group(1) is not None else match.group(2))
        previous = line
    return found


def links(path: Path):
    """(line number, destination) of every link and image in a Markdown page."""
    for number, line in prose_lines(path.read_text(encoding="utf-8")):
        plain = strip_code_spans(line)
        for match in INLINE.finditer(plain):
            yield number, match.group("dest")
        definition = DEFINITION.match(plain)
        if definition:
            yield number, definition.group("dest")
        for match in HTML_ATTR.finditer(plain):
            yield number, match.group(1) if match.group(1) is not None else match.group(2)


PAGE_SUFFIXES = {".md", ".png", ".jpg", ".jpeg", ".svg", ".gif"}


def check_page(page: Path, root: Path, cache: dict, pages_only: bool = False) -> list:
    problems = []
    where = page.relative_to(root)
    for number, dest in links(page):
        dest = dest.strip()
        if dest.startswith("<") and dest.endswith(">"):
            dest = dest[1:-1]
        if not dest:
            problems.append(f"{where}:{number}: empty link")
            continue
        if SCHEME.match(dest):
            continue  # a web address or mailto: not checked offline
        target_text, _, anchor = dest.partition("#")
        target_text = unquote(target_text.split("?", 1)[0])
        target = page if not target_text else (page.parent / target_text)
        if pages_only and target_text and not target_text.endswith("/") and target.suffix.lower() not in PAGE_SUFFIXES:
            continue
        if not target.exists():
            problems.append(f"{where}:{number}: {dest}: no such file {target_text}")
            continue
        resolved = target.resolve()
        if root.resolve() not in resolved.parents and resolved != root.resolve():
            problems.append(f"{where}:{number}: {dest}: points outside the repository")
            continue
        if anchor and target.is_file() and target.suffix.lower() == ".md":
            if target not in cache:
                cache[target] = anchors(target)
            if unquote(anchor) not in cache[target]:
                problems.append(f"{where}:{number}: {dest}: no heading #{anchor} in {resolved.relative_to(root.resolve())}")
    return problems


def check_ci_command(root: Path, readme_text: str) -> list:
    """CI runs the README's test command: each command line of .ci/run that starts
    with ./scripts/ and holds ctest must be a line of the README, byte for byte."""
    ci = root / ".ci" / "run"
    if not ci.is_file():
        return []
    readme_lines = set(readme_text.splitlines())
    commands = [line for line in ci.read_text(encoding="utf-8").splitlines()
                if line.startswith("./scripts/") and "ctest" in line]
    if not commands:
        return [".ci/run: no test command (a line starting ./scripts/ that runs ctest) found"]
    return [f"README.md: lacks .ci/run's test command, byte for byte: {line}"
            for line in commands if line not in readme_lines]


def pages(root: Path) -> list:
    found = sorted(p for p in root.glob("*.md"))
    for folder in ("docs", "models"):
        found += sorted(p for p in (root / folder).rglob("*.md") if "node_modules" not in p.parts)
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="the repository root")
    parser.add_argument("--max-readme-lines", type=int, default=220)
    parser.add_argument("--pages-only", action="store_true",
                        help="check only links to pages, images and folders (an installed copy)")
    args = parser.parse_args(argv)
    root = args.root
    readme = root / "README.md"
    if not readme.is_file():
        print(f"{readme}: not found", file=sys.stderr)
        return 2
    problems, cache, checked = [], {}, 0
    for page in pages(root):
        problems += check_page(page, root, cache, args.pages_only)
        checked += 1
    readme_text = readme.read_text(encoding="utf-8")
    problems += check_ci_command(root, readme_text)
    lines = len(readme_text.splitlines())
    if lines > args.max_readme_lines:
        problems.append(f"README.md: {lines} lines, more than {args.max_readme_lines}: move detail into docs/")
    for problem in problems:
        print(problem)
    print(f"{checked} pages checked, README.md {lines} lines, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
