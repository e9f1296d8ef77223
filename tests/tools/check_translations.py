#!/usr/bin/env python3
"""Checks that a translation file lists exactly the strings the sources mark for
translation: runs lupdate on the sources into a scratch .ts and compares the
(context, source) pairs with the committed one. Exit 1 with the differences."""
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path


def messages(ts: Path) -> set:
    root = ET.parse(ts).getroot()
    return {(ctx.findtext("name"), msg.findtext("source"))
            for ctx in root.iter("context") for msg in ctx.iter("message")
            if (msg.find("translation") is None or msg.find("translation").get("type") not in ("obsolete", "vanished"))}


def main(lupdate: str, committed: str, *sources: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "fresh.ts"
        subprocess.run([lupdate, *sources, "-ts", str(fresh), "-source-language", "en", "-locations", "none",
                        "-no-obsolete", "-silent"], check=True)
        want, have = messages(fresh), messages(Path(committed))
    missing, stale = sorted(want - have), sorted(have - want)
    for ctx, text in missing:
        print(f"not in {committed}: {ctx}: {text!r}")
    for ctx, text in stale:
        print(f"no longer in the sources: {ctx}: {text!r}")
    print(f"{len(want)} strings in the sources, {len(have)} in {committed}")
    if missing or stale:
        print("run: cmake --build build/release --target update_translations")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
