"""The app's identity decision (core/src/people.cpp, People::identify), in Python, for the
benchmark and the simulation. Constants as multiples of the embedder's calibrated
same-person distance T (people.hpp); keep the two in step."""
from __future__ import annotations

import numpy as np

START_FACTOR = 0.955      # join distance while the run knows too few people
JOIN_FACTOR = 1.25        # the most the join distance grows to
SCALE_PEOPLE = 3
SCALE_QUANTILE = 0.10
SCALE_FACTOR = 0.9
RATIO = 0.9
CROWD_RATIO = 1.0
MAX_EXEMPLARS = 12


def quantile_low(values) -> float:
    """The kScaleQuantile element as people.cpp picks it (nth_element at round(q (n - 1)))."""
    v = np.sort(np.asarray(values, np.float64))
    return float(v[int(SCALE_QUANTILE * (len(v) - 1) + 0.5)])


def join_distance(nearest_others, start: float, max_join: float) -> float:
    finite = [v for v in nearest_others if np.isfinite(v)]
    if len(finite) < SCALE_PEOPLE:
        return start
    return float(np.clip(SCALE_FACTOR * quantile_low(finite), start, max(start, max_join)))


def accepts(d1: float, runner_up: float, crowd: float, join: float) -> bool:
    """A face at d1 from its nearest person joins it (people.hpp)."""
    return d1 < join and d1 < RATIO * runner_up and d1 < CROWD_RATIO * crowd


class People:
    """A gallery as People keeps it (clear views only; no names, merges or splits)."""

    def __init__(self, calibrated: float = 0.44, max_join: float | None = None):
        self.max_join = calibrated * JOIN_FACTOR if max_join is None else max_join
        self.start = min(self.max_join, calibrated * START_FACTOR)
        self.exemplars: dict[int, list[np.ndarray]] = {}
        self.nearest: dict[int, float] = {}
        self.next_id = 1

    def distance(self, pid: int, x: np.ndarray) -> float:
        return float(min(np.linalg.norm(e - x) for e in self.exemplars[pid]))

    def _note(self, pid: int, x: np.ndarray) -> None:
        for q in self.exemplars:
            if q == pid:
                continue
            d = self.distance(q, x)
            self.nearest[pid] = min(self.nearest[pid], d)
            self.nearest[q] = min(self.nearest[q], d)

    def join_distance(self) -> float:
        return join_distance(self.nearest.values(), self.start, self.max_join)

    def identify(self, x: np.ndarray, exclude=()) -> int:
        ds = {pid: self.distance(pid, x) for pid in self.exemplars}
        cand = [(d, pid) for pid, d in ds.items() if pid not in exclude]
        best = 0
        if cand:
            d1, pid = min(cand)
            runner_up = min([d for q, d in ds.items() if q != pid], default=np.inf)
            if accepts(d1, runner_up, self.nearest[pid], self.join_distance()):
                best = pid
        if best == 0:
            best = self.next_id
            self.next_id += 1
            self.exemplars[best] = [x]
            self.nearest[best] = np.inf
            self._note(best, x)
        return best

    def add_exemplar(self, pid: int, x: np.ndarray) -> None:
        if self.distance(pid, x) <= 0.25 * self.start:
            return
        if len(self.exemplars[pid]) < MAX_EXEMPLARS:
            self.exemplars[pid].append(x)
            self._note(pid, x)
        else:
            self.exemplars[pid][-1] = x
            self.nearest = {q: np.inf for q in self.exemplars}
            for q, es in self.exemplars.items():
                for e in es:
                    self._note(q, e)
