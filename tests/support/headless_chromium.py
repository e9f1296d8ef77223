"""Debian's chromium, headless, for the tests and the benchmark of the HTML report
(tests/cli/test_report.py, scripts/bench-report.py): load a page, give back its DOM
after its scripts ran, its console errors and, when asked, a screenshot."""
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Page:
    def __init__(self, dom, log, seconds, screenshot):
        self.dom = dom            # the DOM after the load event, as HTML
        self.log = log            # chromium's stderr (console messages with --enable-logging)
        self.seconds = seconds    # wall time of the whole chromium run (start-up included)
        self.screenshot = screenshot

    def console_errors(self):
        """Console messages at error level and uncaught exceptions ("Uncaught ...")."""
        return [line for line in self.log.splitlines()
                if "Uncaught" in line or ("CONSOLE" in line and ("ERROR" in line or ":ERROR:" in line))]


def load(chromium, html: Path, screenshot: Path = None, size=(1280, 2000), timeout=120):
    """Loads `html` (a file) in a fresh profile; scripts run, nothing is fetched from outside."""
    with tempfile.TemporaryDirectory() as profile:
        common = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-extensions", "--disable-background-networking", "--hide-scrollbars",
                  f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
                  f"--window-size={size[0]},{size[1]}"]
        env = dict(os.environ, HOME=profile)
        t0 = time.perf_counter()
        dom = subprocess.run(common + ["--dump-dom", html.resolve().as_uri()], capture_output=True, text=True,
                             timeout=timeout, env=env)
        seconds = time.perf_counter() - t0
        log = dom.stderr
        shot = None
        if screenshot is not None:
            r = subprocess.run(common + [f"--screenshot={screenshot}", html.resolve().as_uri()], capture_output=True,
                               text=True, timeout=timeout, env=env)
            log += r.stderr
            shot = screenshot
        return Page(dom.stdout, log, seconds, shot)


def print_pdf(chromium, html: Path, pdf: Path, timeout=120):
    """Prints `html` to `pdf` as a user's "Save as PDF" would (the page's print stylesheet);
    gives back the number of pages."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                        html.resolve().as_uri()], capture_output=True, text=True, timeout=timeout,
                       env=dict(os.environ, HOME=profile))
    data = pdf.read_bytes() if pdf.exists() else b""
    if not data.startswith(b"%PDF"):
        return 0
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
