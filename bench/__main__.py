"""`python -m bench` (`make bench`): every measure, one line each, then what else each
measure found out.

    NAME: ratio=R ours=X/s ceiling=Y/s
"""

from collections.abc import Callable

from bench import import_recipients
from bench.harness import Measure

MEASURES: list[Callable[[], Measure]] = [
    import_recipients.sqlite,
    import_recipients.postgresql,
]


def main() -> None:
    results = []
    for run in MEASURES:
        result = run()
        print(result.line(), flush=True)
        results.append(result)
    for result in results:
        for line in result.info:
            print(line)


if __name__ == "__main__":
    main()
