#!/usr/bin/python3
"""Face-identity benchmark by group of people: Georgia Tech (50 people, groups a visual
estimate, groups.json) and Yale (15 people), every photo in which the app's YuNet finds a face,
aligned and embedded as the app does (models/face_embedder.pt by default).

  /usr/bin/python3 models/identity/benchmark.py                 # tables on the terminal
  /usr/bin/python3 models/identity/benchmark.py --json out.json --simulate 20

Prints, per group (same-group pairs; "all" = every Georgia Tech pair, across groups too):
  1. ROC AUC, the mean same-person and different-person distances, and FAR / FRR at the
     app's start distance (0.42) and its largest join distance (0.55);
  2. the distance each group needs for 1 % and 0.1 % FAR, and the FRR every group would have
     at it (the threshold one group needs against another);
  3. FAR / FRR of the app's decision (decision.py = people.cpp) for a pair (a, b): a is a
     person the run knows from that one photo, b a new face, and the run also knows a cohort
     of other people (all their photos, up to 12): "none" (the run's first two people),
     "5 random" others of the whole set, "same group" (every other person of a's group: a
     run of look-alikes) and "all" others;
  4. with --simulate N: N simulated runs per group in which every person of the group comes
     three times (a different photo each time, two at once 30 % of the time) and the gallery
     grows as the app's does: IDs per person and the share of appearances given an ID owned
     by their person.
Descriptors are cached in models/runs/identity/ (git-ignored biometric data; delete to redo).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from identity import decision, faces as facesets  # noqa: E402

GROUPS = ["white", "east_asian", "south_asian", "middle_eastern_mediterranean_latin", "black"]
SHORT = {"white": "white", "east_asian": "E Asian", "south_asian": "S Asian",
         "middle_eastern_mediterranean_latin": "ME/Med/Lat", "black": "Black", "all": "GT all", "yale": "Yale"}


def auc(gen, imp) -> float:
    allv = np.concatenate([gen, imp])
    ranks = np.empty(len(allv))
    order = np.argsort(allv, kind="mergesort")
    ranks[order] = np.arange(1, len(allv) + 1)
    # ties: average ranks
    vals = allv[order]
    i = 0
    while i < len(vals):
        j = i
        while j + 1 < len(vals) and vals[j + 1] == vals[i]:
            j += 1
        if j > i:
            ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float(1 - (ranks[:len(gen)].sum() - len(gen) * (len(gen) + 1) / 2) / (len(gen) * len(imp)))


class Data:
    def __init__(self, faces, desc):
        g = facesets.groups()["georgia_tech"]
        self.faces = faces
        self.desc = desc
        self.person = np.array([f["person"] for f in faces])
        self.group = np.array([g[f["person"].split(":")[1]] if f["dataset"] == "gt" else "yale" for f in faces])
        sq = (desc ** 2).sum(1)  # |a - b|^2 = |a|^2 + |b|^2 - 2 a.b: no N x N x D array for 1024-d descriptors
        self.dist = np.sqrt(np.maximum(sq[:, None] + sq[None, :] - 2 * desc @ desc.T, 0))
        np.fill_diagonal(self.dist, 0.0)
        self.people = sorted(set(self.person))
        self.pindex = {p: i for i, p in enumerate(self.people)}
        self.pof = np.array([self.pindex[p] for p in self.person])
        self.pgroup = {p: self.group[self.person == p][0] for p in self.people}
        # face x person: distance to that person's exemplars (their first MAX_EXEMPLARS photos)
        self.pm = np.full((len(faces), len(self.people)), np.inf)
        for j, p in enumerate(self.people):
            ex = np.where(self.person == p)[0][:decision.MAX_EXEMPLARS]
            self.pm[:, j] = self.dist[:, ex].min(1)
        self.pp = np.array([[self.pm[np.where(self.person == p)[0][:decision.MAX_EXEMPLARS], q].min()
                             for q in range(len(self.people))] for p in self.people])
        np.fill_diagonal(self.pp, np.inf)

    def pairs(self, subset):
        idx = np.where(subset)[0]
        a, b = np.triu_indices(len(idx), 1)
        a, b = idx[a], idx[b]
        return a, b, self.dist[a, b], self.person[a] == self.person[b]


def verification(data: Data, start: float, max_join: float):
    rows = {}
    sets = {g: (data.group == g) for g in GROUPS + ["yale"]}
    sets["all"] = data.group != "yale"
    for name, subset in sets.items():
        a, b, d, same = data.pairs(subset)
        gen, imp = d[same], d[~same]
        r = {"people": int(len(set(data.person[subset]))), "faces": int(subset.sum()),
             "genuine_pairs": int(len(gen)), "impostor_pairs": int(len(imp)),
             "genuine_mean": float(gen.mean()) if len(gen) else None,
             "impostor_mean": float(imp.mean()) if len(imp) else None,
             "auc": auc(gen, imp) if len(gen) and len(imp) else None}
        for label, t in (("start", start), ("max", max_join)):
            r[f"far_{label}"] = float((imp < t).mean()) if len(imp) else None
            r[f"frr_{label}"] = float((gen >= t).mean()) if len(gen) else None
        for far in (0.01, 0.001):
            r[f"t_far_{far}"] = float(np.quantile(imp, far)) if len(imp) >= 1 / far else None
        rows[name] = r
    # the FRR each group has at the threshold another group needs
    cross = {}
    for need in GROUPS[:4] + ["yale", "all"]:
        t = rows[need]["t_far_0.01"]
        if t is None:
            continue
        cross[need] = {}
        for g in GROUPS + ["yale", "all"]:
            _, _, d, same = data.pairs(sets[g])
            cross[need][g] = {"frr": float((d[same] >= t).mean()), "far": float((d[~same] < t).mean()) if (~same).any() else None}
    # pairs across two groups (people of different groups are rarely confused)
    between = {}
    for i, g in enumerate(GROUPS[:4]):
        for h in GROUPS[i + 1:4]:
            m = np.where(data.group == g)[0], np.where(data.group == h)[0]
            d = data.dist[np.ix_(*m)].ravel()
            between[f"{g}|{h}"] = {"impostor_mean": float(d.mean()), "far_start": float((d < start).mean()),
                                   "far_max": float((d < max_join).mean())}
    return rows, cross, between


def decided(data: Data, subset, cohort: str, start: float, max_join: float, rng):
    """FAR / FRR of the app's decision on the pairs of `subset` with the given cohort."""
    a_idx, b_idx, d, same = data.pairs(subset)
    n_people = len(data.people)
    accept = np.zeros(len(d), bool)
    for i in range(len(d)):
        a, b = a_idx[i], b_idx[i]
        pa, pb = data.pof[a], data.pof[b]
        if cohort == "none":
            q = np.array([], int)
        elif cohort == "all":
            q = np.setdiff1d(np.where(np.isin(np.arange(n_people), np.unique(data.pof[subset])))[0], [pa, pb])
        elif cohort == "same group":
            g = data.pgroup[data.people[pa]]
            q = np.array([j for j in range(n_people) if data.pgroup[data.people[j]] == g and j not in (pa, pb)], int)
        else:  # "5 random"
            pool = np.setdiff1d(np.unique(data.pof[subset]), [pa, pb])
            q = rng.choice(pool, size=min(5, len(pool)), replace=False)
        crowd = data.pm[a, q].min() if len(q) else np.inf        # the one-photo person's nearest other
        runner_up = data.pm[b, q].min() if len(q) else np.inf    # the new face's nearest other person
        nearest = [crowd]
        if len(q):
            sub = data.pp[np.ix_(q, q)]
            nearest += list(np.minimum(sub.min(1), data.pm[a, q]))
        join = decision.join_distance(nearest, start, max_join)
        accept[i] = decision.accepts(d[i], runner_up, crowd, join)
    return {"far": float(accept[~same].mean()) if (~same).any() else None,
            "frr": float((~accept[same]).mean()) if same.any() else None,
            "impostor_pairs": int((~same).sum()), "genuine_pairs": int(same.sum())}


def simulate(data: Data, members, runs: int, calibrated: float, max_join: float):
    ipp, correct = [], []
    for seed in range(runs):
        rng = np.random.default_rng(seed)
        photos = {p: list(rng.permutation(np.where(data.person == p)[0])) for p in members}
        seq = [p for p in members for _ in range(3)]
        rng.shuffle(seq)
        events, i = [], 0
        while i < len(seq):
            if i + 1 < len(seq) and seq[i] != seq[i + 1] and rng.random() < 0.3:
                events.append([seq[i], seq[i + 1]])
                i += 2
            else:
                events.append([seq[i]])
                i += 1
        used = Counter()
        gallery = decision.People(calibrated, max_join)
        rows = []
        for ev in events:
            on_screen = []
            for p in ev:
                f = photos[p][used[p] % len(photos[p])]
                used[p] += 1
                x = data.desc[f]
                pid = gallery.identify(x, on_screen)
                if gallery.distance(pid, x) <= gallery.join_distance():
                    gallery.add_exemplar(pid, x)
                on_screen.append(pid)
                rows.append((p, pid))
        owners = defaultdict(Counter)
        for p, pid in rows:
            owners[pid][p] += 1
        owner = {pid: c.most_common(1)[0][0] for pid, c in owners.items()}
        ids = defaultdict(set)
        for p, pid in rows:
            ids[p].add(pid)
        ipp.append(np.mean([len(v) for v in ids.values()]))
        correct.append(np.mean([owner[pid] == p for p, pid in rows]))
    return {"runs": runs, "ids_per_person": float(np.mean(ipp)), "ids_per_person_worst": float(np.max(ipp)),
            "correct": float(np.mean(correct)), "correct_worst": float(np.min(correct))}


def pct(v, digits=2):
    return "-" if v is None else f"{100 * v:.{digits}f}%"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None, help="face-embedder file (default: models/face_embedder.pt)")
    ap.add_argument("--calibrated", type=float, default=None,
                    help="the embedder's same_person_distance (default: from the model's metadata)")
    ap.add_argument("--max-join", type=float, default=None,
                    help="the embedder's largest join distance (default: its max_join_distance, else 1.25 x calibrated)")
    ap.add_argument("--simulate", type=int, default=0, metavar="N", help="N simulated runs per group")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", help="write every figure here")
    args = ap.parse_args(argv)
    t0 = time.time()
    faces, photos = facesets.detect_faces()
    desc = facesets.embed_model(faces, args.model, args.threads)
    data = Data(faces, desc)
    emb = facesets.embedder_meta(args.model)["embedding"]
    args.calibrated = args.calibrated or emb["same_person_distance"]
    max_join = args.max_join or emb.get("max_join_distance") or args.calibrated * decision.JOIN_FACTOR
    start = min(max_join, args.calibrated * decision.START_FACTOR)
    print(f"{len(faces)} faces with a YuNet face of {photos} photos; {len(data.people)} people; "
          f"start distance {start:.3f}, largest join distance {max_join:.3f}")
    rows, cross, between = verification(data, start, max_join)
    order = GROUPS + ["all", "yale"]
    print(f"\n1. Pairs by group\n{'group':11} {'people':>6} {'faces':>5} {'AUC':>7} {'same':>6} {'diff':>6} | "
          f"{'FAR@start':>9} {'FRR@start':>9} | {'FAR@max':>8} {'FRR@max':>8}")
    for g in order:
        r = rows[g]
        print(f"{SHORT[g]:11} {r['people']:6d} {r['faces']:5d} "
              f"{'-' if r['auc'] is None else format(r['auc'], '.4f'):>7} "
              f"{'-' if r['genuine_mean'] is None else format(r['genuine_mean'], '.3f'):>6} "
              f"{'-' if r['impostor_mean'] is None else format(r['impostor_mean'], '.3f'):>6} | "
              f"{pct(r['far_start']):>9} {pct(r['frr_start'], 1):>9} | {pct(r['far_max']):>8} {pct(r['frr_max'], 1):>8}")
    print("\n2. The distance each group needs for 1 % FAR (0.1 % in brackets), and the FRR of every group there")
    print(f"{'needs':11} {'T(1%)':>6} {'T(0.1%)':>7} | " + " ".join(f"{SHORT[g]:>10}" for g in order))
    for need, frrs in cross.items():
        t1, t01 = rows[need]["t_far_0.01"], rows[need]["t_far_0.001"]
        print(f"{SHORT[need]:11} {t1:6.3f} {'-' if t01 is None else format(t01, '.3f'):>7} | " +
              " ".join(f"{pct(frrs[g]['frr'], 1):>10}" for g in order))
    print("   different people of two groups: " + "; ".join(
        f"{SHORT[k.split('|')[0]]}-{SHORT[k.split('|')[1]]} mean {v['impostor_mean']:.3f}, FAR@max {pct(v['far_max'])}"
        for k, v in between.items()))
    print("\n3. The app's decision on pairs (one photo known; cohort = other people the run knows)")
    cohorts = ["none", "5 random", "same group", "all"]
    print(f"{'group':11} | " + " | ".join(f"{c:^19}" for c in cohorts))
    print(f"{'':11} | " + " | ".join(f"{'FAR':>9} {'FRR':>9}" for _ in cohorts))
    rng = np.random.default_rng(7)
    dec = {}
    subsets = {g: data.group == g for g in GROUPS[:4] + ["yale"]}
    subsets["all"] = data.group != "yale"
    for g in GROUPS[:4] + ["all", "yale"]:
        dec[g] = {}
        for c in cohorts:
            if c == "same group" and g == "all":
                dec[g][c] = None
                continue
            dec[g][c] = decided(data, subsets[g], c, start, max_join, rng)
        print(f"{SHORT[g]:11} | " + " | ".join(
            "-".center(19) if dec[g][c] is None else f"{pct(dec[g][c]['far']):>9} {pct(dec[g][c]['frr'], 1):>9}"
            for c in cohorts), flush=True)
    sim = {}
    if args.simulate:
        print(f"\n4. Simulated runs ({args.simulate} per group): every person 3 times, a different photo each time")
        print(f"{'group':11} {'people':>6} | {'IDs/person':>10} {'worst':>6} | {'correct':>8} {'worst':>7}")
        for g in GROUPS[:4] + ["all", "yale"]:
            members = sorted(set(data.person[subsets[g]]))
            s = simulate(data, members, args.simulate, args.calibrated, max_join)
            sim[g] = s
            print(f"{SHORT[g]:11} {len(members):6d} | {s['ids_per_person']:10.2f} {s['ids_per_person_worst']:6.2f} | "
                  f"{pct(s['correct'], 1):>8} {pct(s['correct_worst'], 1):>7}", flush=True)
    print(f"({time.time() - t0:.0f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps({"faces": len(faces), "photos": photos, "start": start,
                                               "max_join": max_join, "pairs": rows, "needs": cross,
                                               "between": between, "decision": dec, "simulation": sim}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
