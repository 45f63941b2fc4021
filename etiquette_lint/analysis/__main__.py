"""`python -m etiquette_lint.analysis`: regenerate the tables derived from the built-in phrase lists."""

from __future__ import annotations

from .dispatch import GENERATED, generate


def main() -> None:
    source = generate()
    if GENERATED.exists() and GENERATED.read_text(encoding="utf-8") == source:
        print(f"{GENERATED.name}: up to date")
        return
    GENERATED.write_text(source, encoding="utf-8")
    print(f"{GENERATED.name}: written")


if __name__ == "__main__":
    main()
