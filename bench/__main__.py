"""``python -m bench``: run every benchmark module's ``main()``, in name order."""

import importlib
import pkgutil

import bench


def main() -> None:
    for module in sorted(pkgutil.iter_modules(bench.__path__), key=lambda module: module.name):
        if module.name.startswith("_"):
            continue
        print(f"== bench.{module.name}")
        importlib.import_module(f"bench.{module.name}").main()


if __name__ == "__main__":
    main()
