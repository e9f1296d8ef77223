"""Identity metrics: how well an emoscope CSV's person_id (or face_id) follows the true people.

Shared by scripts/measure-identities.py and tests/cli/test_identities.py; the
truth files come from scripts/make-identity-clips.py.

- Matching: each face row (success = 1) goes to the true person visible in that
  frame whose pasted photo contains the row box's centre; when several do, the
  one whose face box overlaps the row box most (IoU). Rows with no such person
  are unmatched: counted, never scored.
- ids_per_person: for each true person, the number of distinct IDs among their
  matched rows (mean and max over people; 1.0 is perfect).
- rows_correct: each ID is owned by the true person with the most rows under it;
  the share of matched rows whose ID's owner is their own person (a matched row
  with no ID counts as wrong).
- shared_ids: IDs whose matched rows belong to two or more true people.
- known_people(): for a run with known people (--people-gallery), the share of an
  enrolled person's rows named right (the CSV's person column is their name), named
  wrong (another name) or unnamed, and the share of strangers' rows given any name.
"""
import csv
from collections import Counter, defaultdict


def _rect(row, prefix=""):
    return tuple(int(float(row[prefix + k])) for k in ("x", "y", "w", "h"))


def read_truth(path):
    """{frame: [(person, face_box, photo_rect), ...]} from a NAME.truth.csv."""
    truth = defaultdict(list)
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            face = _rect(r)
            photo = _rect(r, "photo_") if r.get("photo_x") not in (None, "") else face
            truth[int(r["frame"])].append((int(r["person"]), face, photo))
    return dict(truth)


def read_csv(path):
    """(header, face rows): the CSV's column names and its success = 1 rows as dicts."""
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        rows = [r for r in reader if r.get("success") == "1"]
        return list(reader.fieldnames or []), rows


def header_problems(header):
    """What is wrong with the identity columns of a CSV header (an empty list when nothing)."""
    problems = []
    if "person_id" not in header:
        problems.append("no person_id column")
    elif "face_id" in header and header.index("person_id") != header.index("face_id") + 1:
        problems.append("person_id is not right after face_id")
    if "person" not in header:
        problems.append("no person column")
    return problems


def iou(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    iw = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    ih = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = iw * ih
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


def match(box, candidates):
    """The true person for a detected box among one frame's truth entries, or None."""
    x, y, w, h = box
    cx, cy = x + w / 2.0, y + h / 2.0
    inside = [t for t in candidates
              if t[2][0] <= cx < t[2][0] + t[2][2] and t[2][1] <= cy < t[2][1] + t[2][3]]
    if not inside:
        return None
    return max(inside, key=lambda t: (iou(box, t[1]), -t[0]))[0]


def match_rows(rows, truth):
    """[(row, person or None)] for the CSV's face rows."""
    out = []
    for r in rows:
        out.append((r, match(_rect(r), truth.get(int(r["frame"]), []))))
    return out


def id_metrics(pairs):
    """Scores [(true person, ID or None), ...] (matched rows only); IDs and people are any hashables."""
    ids_of = defaultdict(set)
    under = defaultdict(Counter)
    missing = 0
    for person, ident in pairs:
        if ident is None:
            missing += 1
            ids_of[person]
            continue
        ids_of[person].add(ident)
        under[ident][person] += 1
    owner = {i: sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0])))[0][0] for i, c in under.items()}
    correct = sum(1 for person, ident in pairs if ident is not None and owner[ident] == person)
    counts = [len(s) for s in ids_of.values()]
    return {
        "rows": len(pairs),
        "rows_without_id": missing,
        "people": len(ids_of),
        "ids": len(under),
        "ids_per_person": sum(counts) / len(counts) if counts else None,
        "ids_per_person_max": max(counts) if counts else None,
        "rows_correct": correct / len(pairs) if pairs else None,
        "ids_by_person": {str(p): sorted(map(str, s)) for p, s in ids_of.items()},
        "shared_ids": {str(i): {str(p): n for p, n in c.items()} for i, c in under.items() if len(c) > 1},
    }


def _ident(row, key):
    v = (row.get(key) or "").strip()
    return int(v) if v else None


def evaluate(csv_path, truth_path):
    """Matches a CSV to its truth; returns counts and the person_id and face_id metrics.

    result["person_id"] is None when the CSV has no person_id column."""
    header, rows = read_csv(csv_path)
    matched = match_rows(rows, read_truth(truth_path))
    return _scores(header, rows, [(r, p) for r, p in matched if p is not None])


def _scores(header, rows, scored):
    """The result of evaluate() for face rows `scored` as [(row, true person)]."""
    result = {"face_rows": len(rows), "matched": len(scored), "unmatched": len(rows) - len(scored),
              "header_problems": header_problems(header)}
    for key in ("person_id", "face_id"):
        result[key] = id_metrics([(p, _ident(r, key)) for r, p in scored]) if key in header else None
    result["_pairs"] = {key: [(p, _ident(r, key)) for r, p in scored] for key in ("person_id", "face_id")
                        if key in header}
    return result


def known_people(csv_path, truth_path, names):
    """Naming by known people: names = {true person: enrolled name}; every other true person is a stranger.

    Returns rows (matched, enrolled people's), named_right / named_wrong / unnamed (shares of those rows),
    stranger_rows and strangers_named (share of strangers' rows with any name), and per person
    {person: {"rows", "right", "wrong", "names": {name: rows}}}."""
    _, rows = read_csv(csv_path)
    per = defaultdict(lambda: {"rows": 0, "right": 0, "wrong": 0, "names": Counter()})
    for r, p in match_rows(rows, read_truth(truth_path)):
        if p is None:
            continue
        name = (r.get("person") or "").strip()
        d = per[p]
        d["rows"] += 1
        if name:
            d["names"][name] += 1
            if p in names:
                d["right" if name == names[p] else "wrong"] += 1
            else:
                d["wrong"] += 1
    known = [d for p, d in per.items() if p in names]
    strange = [d for p, d in per.items() if p not in names]
    n_known = sum(d["rows"] for d in known)
    n_strange = sum(d["rows"] for d in strange)

    def share(num, den):
        return num / den if den else None

    return {
        "rows": n_known,
        "people": len(known),
        "named_right": share(sum(d["right"] for d in known), n_known),
        "named_wrong": share(sum(d["wrong"] for d in known), n_known),
        "unnamed": share(sum(d["rows"] - d["right"] - d["wrong"] for d in known), n_known),
        "wrong_rows": sum(d["wrong"] for d in known),
        "stranger_rows": n_strange,
        "strangers": len(strange),
        "strangers_named": share(sum(d["wrong"] for d in strange), n_strange),
        "stranger_named_rows": sum(d["wrong"] for d in strange),
        "by_person": {str(p): {"rows": d["rows"], "right": d["right"], "wrong": d["wrong"],
                               "names": dict(d["names"])} for p, d in sorted(per.items())},
    }


# The hamilton clip (../shared/videos/ageitgey_face_recognition_short_hamilton_clip.mp4),
# labelled by hand from its frames: 4 shots, 12 people. Each rule takes a face box's
# frame, centre and width (640x360 frame pixels). The performer is the same man in shots
# 1 and 3. Shot 2 pans over a blurred audience behind a man in profile in the foreground.
HAMILTON_VIDEO = "videos/ageitgey_face_recognition_short_hamilton_clip.mp4"


def hamilton_person(frame, cx, cy, w):
    if frame <= 19:                       # shot 1: the stage
        return "pianist" if cx < 300 else "performer"
    if frame <= 81:                       # shot 2: the audience, a man in profile in front
        if w >= 100:
            return "profile man"
        if cy > 240 and cx < 260:
            return "audience 2"
        if cx < 260:
            return "audience 1"
        if cx < 330:
            return "audience 3"
        if cx < 420:
            return "audience 4"
        return "audience 5"
    if frame <= 210:                      # shot 3: the performer, close
        return "performer"
    if cx < 120:                          # shot 4: four people in the front row
        return "front row 1"
    if cx < 260:
        return "front row 2"
    if cx < 370:
        return "front row 3"
    return "front row 4"


def evaluate_labelled(csv_path, person_of):
    """evaluate() for a clip labelled by a rule, person_of(frame, cx, cy, w) -> person."""
    header, rows = read_csv(csv_path)
    scored = []
    for r in rows:
        x, y, w, h = (float(r[k]) for k in ("x", "y", "w", "h"))
        scored.append((r, person_of(int(r["frame"]), x + w / 2, y + h / 2, w)))
    return _scores(header, rows, scored)


def pooled(results):
    """Overall metrics over several clips' evaluate() results ({clip: result}): people and IDs are per clip."""
    out = {"face_rows": sum(r["face_rows"] for r in results.values()),
           "matched": sum(r["matched"] for r in results.values()),
           "unmatched": sum(r["unmatched"] for r in results.values())}
    for key in ("person_id", "face_id"):
        if any(r[key] is None for r in results.values()):
            out[key] = None
            continue
        pairs = [((clip, p), None if i is None else (clip, i))
                 for clip, r in results.items() for p, i in r["_pairs"][key]]
        out[key] = id_metrics(pairs)
    return out
