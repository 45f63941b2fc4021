"""Per-draft cost of the 1.1 text readings (greeting names, company mentions, the cut-off check)
and the one-time load of the common-word list, over the corpus drafts. Prints figures; asserts
nothing. The machine is shared: run it a few times and read the medians.

    python benchmarks/text_cost.py
"""

from __future__ import annotations

import glob
import statistics
import time
from pathlib import Path

from etiquette_lint.rules import load_rules
from etiquette_lint.text import (
    _common_word_list,
    common_words,
    company_mentions,
    greeting_names,
    specific_details,
)

ph = load_rules().phrases
stock = ph["stock-words"].words
drafts = [
    Path(f).read_text(encoding="utf-8")
    for f in sorted(glob.glob(str(Path(__file__).resolve().parent.parent / "tests" / "corpus" / "drafts" / "*")))
]


def clock(fn, n=5):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


t = time.perf_counter()
_common_word_list()
common_words()
load = time.perf_counter() - t
c = common_words()
g = clock(lambda: [greeting_names(d) for d in drafts])
m = clock(lambda: [company_mentions(d, "Meridian Health Partners", ("Meridian",)) for d in drafts])
d0 = clock(lambda: [specific_details(d, stock, ["Dana Whitfield"]) for d in drafts])
d1 = clock(lambda: [specific_details(d, stock, ["Dana Whitfield"], c) for d in drafts])
n = len(drafts)
print(f"{n} drafts; common-word list load {load * 1000:.1f} ms (once per process)")
print(f"greeting names {g / n * 1e6:.0f} us/draft; company mentions (1 other company) {m / n * 1e6:.0f} us/draft")
print(f"detail words without fragment check {d0 / n * 1e6:.0f} us/draft, with {d1 / n * 1e6:.0f} us/draft")
