"""One big print batch in a process of its own, so that its peak RSS is the batch's alone
(bench/printing.py runs it). Answers one JSON line: the RSS before the batch (imports
loaded), the peak RSS, and the seconds.

    python -m bench.print_batch_process batch DATABASE_URL ORGANISATION_ID PRINT_DIR LETTERS
    python -m bench.print_batch_process engine DIRECTORY LETTERS
"""

import json
import resource
import sys
from pathlib import Path

from app.db import make_engine, make_sessionmaker
from app.delivery.pdf import batch_pdf
from bench.harness import stopwatch
from bench.printing import (
    CHUNK,
    PAGE_SIZE,
    check_batch,
    gather_and_build,
    letter_parts,
    print_settings,
)


def peak_rss_kb() -> int:
    """This process's peak resident set so far, in kB.

    On Linux, from VmHWM in /proc/self/status: `getrusage(RUSAGE_SELF).ru_maxrss` of a
    process started by `subprocess` is never below its parent's peak at the time (the
    parent's address space, shared by vfork, counts as the child's until exec), so it
    would report bench/printing.py's own peak. Elsewhere, ru_maxrss (kB on Linux)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def batch(url: str, organisation_id: str, print_dir: str, letters: int) -> tuple[float, int]:
    engine = make_engine(url)
    try:
        settings = print_settings(url, Path(print_dir))
        with make_sessionmaker(engine)() as session:
            baseline = peak_rss_kb()
            made, seconds = gather_and_build(session, organisation_id, settings)
            check_batch(made, settings, letters)
    finally:
        engine.dispose()
    return seconds, baseline


def engine_alone(directory: str, letters: int) -> tuple[float, int]:
    """`batch_pdf` alone, the letters made one by one as it asks for them."""
    parts = (letter_parts(number, salt="b01") for number in range(letters))
    baseline = peak_rss_kb()
    with stopwatch() as watch, (Path(directory) / "batch.pdf").open("wb") as out:
        pages = batch_pdf(parts, out, page_size=PAGE_SIZE, chunk=CHUNK)
    if pages != letters:
        raise RuntimeError(f"batch_pdf wrote {pages} pages for {letters} letters")
    return watch.seconds, baseline


def main() -> None:
    mode, *args = sys.argv[1:]
    if mode == "batch":
        url, organisation_id, print_dir, letters = args
        seconds, baseline = batch(url, organisation_id, print_dir, int(letters))
    elif mode == "engine":
        directory, letters = args
        seconds, baseline = engine_alone(directory, int(letters))
    else:
        raise SystemExit(f"no mode {mode!r}: batch or engine")
    answer = {"seconds": seconds, "baseline_rss_kb": baseline, "peak_rss_kb": peak_rss_kb()}
    print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
