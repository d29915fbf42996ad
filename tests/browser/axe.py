"""The accessibility check of the browser journeys: axe-core (from the npm registry, installed outside the
repository: `.ci/run` does it) run inside Chromium on a page, WCAG 2.1 A and AA rules.

The script is found at $AXE_CORE_JS, else at ~/.cache/hunan-benchmark/node_modules/axe-core/axe.min.js
(`npm install --prefix ~/.cache/hunan-benchmark axe-core@4.14.1`). It is evaluated in the page by Playwright (not
through a <script> element, so the page's Content-Security-Policy stays as it is)."""
import os
from functools import cache
from pathlib import Path

AXE_VERSION = "4.14.1"
DEFAULT = Path.home() / ".cache" / "hunan-benchmark" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_path() -> Path | None:
    path = Path(os.environ.get("AXE_CORE_JS") or DEFAULT)
    return path if path.is_file() else None


@cache
def _source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def violations(page) -> list[dict]:
    """axe's violations on the page as it is now: [{id, impact, help, nodes: [target…]}]."""
    page.evaluate(_source(axe_path()))
    result = page.evaluate("""async (tags) => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                        nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || ''))}));
    }""", TAGS)
    return result


def describe(found: list[dict]) -> str:
    return "\n".join(f"  {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"][:5]) for v in found)
