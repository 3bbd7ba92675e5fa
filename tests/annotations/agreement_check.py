"""Agreement figures computed the slow, obvious way, to check the fast ones against."""

from __future__ import annotations

import krippendorff
import numpy as np

from annotations import agreement
from annotations.models import Tag


def brute_force_figures(*, passages, coders, theme) -> dict:
    """Per-character and per-passage codes built one character at a time, and the
    `krippendorff` package's alpha on them: what the API must agree with."""
    texts = [passage.text for passage in passages]
    characters = np.zeros((len(coders), sum(map(len, texts))), dtype=bool)
    by_passage = np.zeros((len(coders), len(passages)), dtype=bool)
    offset = 0
    for index, passage in enumerate(passages):
        for row, coder in enumerate(coders):
            for tag in Tag.objects.filter(passage=passage, user=coder, theme=theme):
                start = tag.start or 0
                end = len(passage.text) if tag.end is None else tag.end
                for position in range(start, end):
                    characters[row, offset + position] = True
                by_passage[row, index] = True
        offset += len(passage.text)

    def alpha(marked):
        if marked.all() or not marked.any():
            return None
        return round(float(krippendorff.alpha(reliability_data=marked.astype(int),
                                              level_of_measurement="nominal")), 3)

    return {
        "passages": {"alpha": alpha(by_passage),
                     "percent": agreement.percent_agreement(
                         agreement.unit_counts(marked=by_passage))},
        "characters": {"alpha": alpha(characters),
                       "percent": agreement.percent_agreement(
                           agreement.unit_counts(marked=characters))},
        "units": {"passages": len(passages), "characters": characters.shape[1]},
    }
