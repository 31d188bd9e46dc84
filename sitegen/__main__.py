"""python -m sitegen [docs_dir]  — generate pages without running mkdocs."""
import pathlib
import sys

from . import generate

if __name__ == "__main__":
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    files = generate(out)
    print(f"sitegen: wrote {len(files)} files into {out}")
