"""``python -m bench.generate KIND N [--seed S]``: load N rows of one kind of data into
DATABASE_URL (already migrated). Kinds come from each generator module's ``CLI`` dict."""

import argparse
import importlib
import os
import sys
import time
from importlib.util import find_spec

# Generator modules besides the package itself; one per kind of data.
MODULES = ["bench.generate", "bench.generate.lists", "bench.generate.complaints", "bench.generate.frames"]


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    loaders = {}
    for name in MODULES:
        if find_spec(name) is not None:
            loaders.update(importlib.import_module(name).CLI)
    parser = argparse.ArgumentParser(prog="python -m bench.generate")
    parser.add_argument("what", choices=sorted(loaders))
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    got = loaders[args.what](args.n, args.seed)
    print(f"{args.what}: {got:,} rows in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
