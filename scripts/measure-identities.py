#!/usr/bin/env python3
"""Measures persistent person identities (person_id) on generated come-and-go clips.

Makes the clips of scripts/make-identity-clips.py (in a temporary folder, or in
--clips DIR, reusing the ones already there), runs
`emoscope-cli analyze CLIP --csv ... --summary ...` on each (any arguments this
script does not know are passed on to analyze), matches the CSV's face rows to
the truth and prints, per clip and over all clips, for person_id and, for
comparison, face_id (tracks):

  ids/person  mean (max) number of distinct IDs a true person got (goal 1.0; floor 1.2)
  correct     share of matched rows whose ID is owned by their own person (floor 0.98)
  shared      IDs whose rows belong to two or more true people

With gt_known among the clips, it also measures known people: enrols gt_known's 8
people (one photo each, never in the clip) with `emoscope-cli people add` into a
gallery in the folder, analyses gt_known again with --people-gallery and prints
the share of the enrolled people's rows named right and named wrong (another's
name; floor 0), and the share of the strangers' rows given a name (floor 0).

Usage: /usr/bin/python3 scripts/measure-identities.py [--cli build/release/app/emoscope-cli]
       [--clips DIR] [--keep] [--only return,swap] [--shared DIR] [--json] [analyze options...]
Exit status 0 when every clip was analysed (whatever the scores), 1 otherwise.
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import identity_metrics as im  # noqa: E402


def load_generator():
    spec = importlib.util.spec_from_file_location("make_identity_clips", HERE / "make-identity-clips.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def analyze(cli, video, out_csv, out_json, extra):
    for old in (out_csv, out_json):  # a run that fails must not leave an earlier run's outputs to be read
        Path(old).unlink(missing_ok=True)
    cmd = [cli, "analyze", str(video), "--csv", str(out_csv), "--summary", str(out_json), "--force", *extra]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode not in (0, 3):    # 3: the input ended early; what was decoded is still written
        raise RuntimeError("%s exited %d: %s" % (" ".join(cmd), r.returncode, r.stderr.strip()[-400:]))


def measure_known(cli, gen, work, shared, extra):
    """Known people on gt_known: identity_metrics.known_people() of a run with a gallery of its 8 people."""
    gallery = work / "gt_known.people.json"
    if gallery.exists():
        gallery.unlink()
    enrol = gen.gt_enrolment(shared)
    # The gallery is made with the embedder the runs use (a gallery works only with its own).
    embedder = [a for i, a in enumerate(extra) if a.startswith("--embedder") or (i and extra[i - 1] == "--embedder")]
    for person, (name, photo) in sorted(enrol.items()):
        r = subprocess.run([cli, "people", "--gallery", str(gallery), *embedder, "add", name, str(photo)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("people add %s %s exited %d: %s" % (name, photo, r.returncode, r.stderr.strip()[-400:]))
    analyze(cli, work / "gt_known.mp4", work / "gt_known.known.csv", work / "gt_known.known.json",
            [*extra, "--people-gallery", str(gallery)])
    return im.known_people(work / "gt_known.known.csv", work / "gt_known.truth.csv",
                           {p: name for p, (name, _) in enrol.items()})


def known_line(k):
    def pct(v):
        return "  n/a" if v is None else "%6.2f%%" % (100 * v)
    return ("known people (gt_known, %d enrolled, %d rows): named right %s, named wrong %s (%d rows), unnamed %s; "
            "strangers (%d, %d rows) given a name %s (%d rows)  (floors: right >= 95%%, wrong 0, strangers 0)"
            % (k["people"], k["rows"], pct(k["named_right"]), pct(k["named_wrong"]), k["wrong_rows"], pct(k["unnamed"]),
               k["strangers"], k["stranger_rows"], pct(k["strangers_named"]), k["stranger_named_rows"]))


def fmt(m):
    if m is None:
        return "%-30s" % "(no column)"
    return "%5.2f (%d) %7.2f%% %5d %6d" % (m["ids_per_person"] or 0, m["ids_per_person_max"] or 0,
                                          100 * (m["rows_correct"] or 0), len(m["shared_ids"]), m["ids"])


def table(results, overall):
    head = "%-13s %6s %6s %5s %6s | %-30s | %-30s" % ("clip", "rows", "match", "unm", "people",
                                                     "person_id: ids/pers corr  shrd  ids",
                                                     "face_id: ids/pers corr  shrd  ids")
    lines = [head, "-" * len(head)]
    for name, r in list(results.items()) + [("overall", overall)]:
        m = r["person_id"] or r["face_id"]
        people = m["people"] if m else 0
        lines.append("%-13s %6d %6d %5d %6d | %-30s | %-30s" % (name, r["face_rows"], r["matched"], r["unmatched"],
                                                               people, fmt(r["person_id"]), fmt(r["face_id"])))
    return "\n".join(lines)


def public(r):
    return {k: v for k, v in r.items() if not k.startswith("_")}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 epilog="Other arguments are passed on to emoscope-cli analyze.")
    ap.add_argument("--cli", default=os.environ.get("EMOSCOPE_CLI", str(REPO / "build/release/app/emoscope-cli")))
    ap.add_argument("--clips", help="folder for the clips and outputs (kept); default: a temporary folder")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder and say where it is")
    ap.add_argument("--shared", help="shared data folder (default: $EMOSCOPE_SHARED_DIR, else ../shared)")
    ap.add_argument("--only", help="comma-separated clip names")
    ap.add_argument("--no-hamilton", action="store_true",
                    help="leave out the hamilton clip (labelled by hand in identity_metrics.py)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    args, extra = ap.parse_known_args()
    if extra[:1] == ["--"]:
        extra = extra[1:]
    if not Path(args.cli).exists():
        sys.exit("emoscope-cli not found at %s (--cli)" % args.cli)

    gen = load_generator()
    names = args.only.split(",") if args.only else gen.CLIP_NAMES
    if args.clips:
        work = Path(args.clips)
    else:
        work = Path(tempfile.mkdtemp(prefix="emoscope-identities-"))
    failed = False
    try:
        missing = [n for n in names if not ((work / (n + ".mp4")).exists() and (work / (n + ".truth.csv")).exists())]
        if missing:
            gen.make_clips(work, args.shared, missing)
        results = {}
        for n in names:
            try:
                analyze(args.cli, work / (n + ".mp4"), work / (n + ".csv"), work / (n + ".json"), extra)
            except RuntimeError as e:
                print("measure-identities: %s" % e, file=sys.stderr)
                failed = True
                continue
            results[n] = im.evaluate(work / (n + ".csv"), work / (n + ".truth.csv"))
        if not args.no_hamilton:
            video = Path(args.shared or os.environ.get("EMOSCOPE_SHARED_DIR") or REPO.parent / "shared") / im.HAMILTON_VIDEO
            if video.exists():
                try:
                    analyze(args.cli, video, work / "hamilton.csv", work / "hamilton.json", extra)
                    results["hamilton"] = im.evaluate_labelled(work / "hamilton.csv", im.hamilton_person)
                except RuntimeError as e:
                    print("measure-identities: %s" % e, file=sys.stderr)
                    failed = True
        known = None
        if "gt_known" in names and "gt_known" in results:
            try:
                known = measure_known(args.cli, gen, work, args.shared, extra)
            except RuntimeError as e:
                print("measure-identities: %s" % e, file=sys.stderr)
                failed = True
        overall = im.pooled(results) if results else None
        if args.json:
            print(json.dumps({"clips": {n: public(r) for n, r in results.items()}, "overall": overall,
                              "known_people": known, "analyze_args": extra, "folder": str(work)}, indent=1))
        elif results:
            print(table(results, overall))
            problems = sorted({p for r in results.values() for p in r["header_problems"]})
            if problems:
                print("CSV header: " + "; ".join(problems))
            for n, r in results.items():
                for key in ("person_id", "face_id"):
                    if r[key] and r[key]["shared_ids"]:
                        print("%s: shared %s: %s" % (n, key, json.dumps(r[key]["shared_ids"])))
            print("(floors: person_id ids/person <= 1.2 on the Yale clips, <= 1.3 on gt_*; correct >= 98%; goal 1.0)")
            if known:
                print(known_line(known))
    finally:
        if args.clips or args.keep:
            print("clips and outputs in %s" % work, file=sys.stderr)
        else:
            for p in sorted(work.iterdir()):
                p.unlink()
            work.rmdir()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
