"""`python -m bench` (`make bench`): every measure, one line each, then what else each
measure found out.

    NAME: ratio=R ours=X/s ceiling=Y/s
"""

import sys
from collections.abc import Callable

from bench import (
    actions,
    directory_sync,
    emails,
    import_recipients,
    memory_soak,
    near_duplicates,
    printing,
)
from bench.harness import Measure

MEASURES: list[Callable[[], Measure]] = [
    import_recipients.sqlite,
    import_recipients.postgresql,
    actions.postgresql,
    actions.idempotency_postgresql,
    near_duplicates.postgresql,
    emails.postgresql,
    emails.postgresql_processes,
    emails.sqlite,
    printing.postgresql,
    directory_sync.sqlite,
    directory_sync.postgresql,
]
# Steps that answer a question rather than a ratio: lines printed after the measures.
REPORTS: list[Callable[[], list[str]]] = [memory_soak.postgresql]


def main() -> None:
    """`python -m bench [NAME ...]` runs the measures whose names start with a NAME."""
    results = []
    for run in filter(chosen, MEASURES):
        result = run()
        print(result.line(), flush=True)
        results.append(result)
    for result in results:
        for line in result.info:
            print(line)
    for report in filter(chosen, REPORTS):
        for line in report():
            print(line, flush=True)


def chosen(run: Callable[[], object]) -> bool:
    return not sys.argv[1:] or any(
        f"{run.__module__}.{run.__name__}".removeprefix("bench.").startswith(name)
        for name in sys.argv[1:]
    )


if __name__ == "__main__":
    main()
