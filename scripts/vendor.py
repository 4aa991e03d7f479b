"""Copy the front-end files installed by npm into Zhengwu's static folder (no build chain, no CDN)."""

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
DEST = ROOT / "src" / "zhengwu" / "static" / "vendor"

FILES = {
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
    "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
    "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
    "bootstrap-icons/font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
    "bootstrap-icons/font/fonts": "bootstrap-icons/fonts",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
}


def main() -> None:
    for src, dst in FILES.items():
        source, target = NODE / src, DEST / dst
        if not source.exists():
            raise SystemExit(f"missing {source}: run `npm ci` first")
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)
    print(f"front-end files copied to {DEST.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
