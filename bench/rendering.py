"""Benchmark: rendering a release (issue "Render releases as web page, MJML email and text").

Measured on one representative release (about 600 words, links, a list, quotes,
notes, contacts, a photo, a PDF and two translations):

- full renders per second, uncached: Markdown, nh3 sanitising, Jinja (with the
  inline-style passes), MJML (mjml-python), the text part, and one
  personalisation, i.e. the finished HTML and text of one email;
- the same broken into stages, and the public page's article ("html" format);
- MJML and CSS inlining in this process and, as rendering does it, in a child
  process of comms.rendering.worker (docs/design/security.md item 31): the difference is the cost
  of the isolation;
- personalise(): the per-recipient cost once the email is compiled (cached);
- when `node` is on the PATH: the same MJML compiled by the official `mjml` npm
  package in ONE long-running node process (`mjml()` in a loop), installed by
  this script with `npm install mjml` into a folder outside the repository
  (~/.cache/pressroom-bench/node by default) when `npm` exists; printed as a
  ratio. Without node or npm the node column is skipped and the reason printed.

Goal: our whole render at least 10x faster than node's MJML step alone.
Every iteration of the full render runs the whole pipeline uncached (the
compiled-email cache is bypassed); the cache hit is printed on its own line.

    python bench/rendering.py [--seconds 3] [--node-dir ~/.cache/pressroom-bench/node] [--no-node]

Prints a table, then one JSON object with the figures as its last line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from comms.rendering import formats as rendering  # noqa: E402
from comms.releases.service import Release, ReleaseRevision  # noqa: E402

BASE = "https://press.example"
PARAGRAPH = ("Delegations reviewed progress in [mine clearance]({base}/news/clearance?lang=en), stockpile "
             "destruction and **victim assistance**, and heard from survivors and operators working in the field. "
             "The President recalled that every State Party has committed to clear all mined areas under its "
             "jurisdiction or control as soon as possible, and to report on its progress each year. ")
BODY = "\n\n".join([PARAGRAPH.format(base=BASE) * 2] * 4 + [
    "Key outcomes of the meeting:\n\n- three States declared completion of their clearance obligations;\n"
    "- two States destroyed their last stockpiled mines;\n- a new partnership on victim assistance was launched.",
    "Read the [final report](https://example.org/reports/22msp.pdf) and the "
    "[President's statement]({base}/news/statement?lang=en).".format(base=BASE),
    PARAGRAPH.format(base=BASE) * 3])
CONTENT = {
    "headline": "States Parties to the Mine Ban Convention close their Twenty-Second Meeting in Geneva",
    "subheadline": "Three more States declare completion of mine clearance",
    "dateline": "GENEVA, 18 December 2026", "body_markdown": BODY,
    "quotes": [{"text": "Every mine cleared is a field returned to a family and a road made safe for children.",
                "speaker": "Ambassador Jane Doe, President of the Twenty-Second Meeting"},
               {"text": "Survivors must be at the centre of everything we do.", "speaker": "A survivor advocate"}],
    "notes_to_editors": "The Convention was adopted in 1997. See the [list of States Parties]"
                        "(https://example.org/states) and [photos](https://example.org/photos).",
    "media_contacts": "ISU press office\npress@apminebanconvention.example · +41 22 000 00 00",
    "topics": ["meetings"]}


def make_release() -> tuple[Release, rendering.RenderContext]:
    release = Release(id=1, slug="meeting-closes", language="en", revision=1, correction_note="",
                      first_published_at=dt.datetime(2026, 12, 18, 17, 0, tzinfo=dt.timezone.utc))
    release.revisions = [ReleaseRevision(number=1, content=CONTENT)]
    page = f"{BASE}/news/meeting-closes?lang=en"
    context = rendering.RenderContext(
        base_url=BASE, office="Anti-Personnel Mine Ban Convention press office", page_url=page,
        boilerplate="The Convention on the Prohibition of the Use, Stockpiling, Production and Transfer of "
                    "Anti-Personnel Mines and on their Destruction was adopted in 1997.",
        files={"photo": rendering.FileLink(f"{BASE}/news/meeting-closes/files/photo/plenary.jpg?lang=en",
                                           "Delegates in the plenary", 240_000),
               "pdf": rendering.FileLink(f"{BASE}/news/meeting-closes/files/pdf/release.pdf?lang=en", "", 180_000)},
        translations=(("fr", f"{BASE}/news/meeting-closes?lang=fr"), ("es", f"{BASE}/news/meeting-closes?lang=es")),
        timezone="Europe/Zurich")
    return release, context


def rate(fn, seconds: float) -> float:
    """Calls per second of ``fn`` over about ``seconds`` (after a warm-up)."""
    for _ in range(3):
        fn()
    count, start = 0, time.perf_counter()
    while True:
        fn()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return count / elapsed


def median_us(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        fn()
        times.append((time.perf_counter_ns() - start) / 1000)
    return statistics.median(times)


NODE_SCRIPT = r"""
const fs = require("fs");
const mjml = require("mjml");
const source = fs.readFileSync(process.argv[2], "utf8");
const seconds = Number(process.argv[3]);
const options = { validationLevel: "soft", fonts: {} };
(async () => {
  for (let i = 0; i < 5; i++) await mjml(source, options);       // warm-up (JIT)
  let count = 0, errors = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < seconds) {
    const result = await mjml(source, options);                  // sync in mjml 4, a promise in mjml 5
    errors += (result.errors || []).length;
    count++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  const version = require("mjml/package.json").version;
  console.log(JSON.stringify({ per_s: count / elapsed, count, version, errors: errors / count }));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def node_mjml(source: str, node_dir: Path, seconds: float) -> tuple[dict | None, str]:
    """The official MJML's compiles per second in one node process, or (None, why it was skipped)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node:
        return None, "skipped: no `node` on the PATH"
    if not (node_dir / "node_modules" / "mjml").exists():
        if not npm:
            return None, f"skipped: no `npm` on the PATH to install mjml into {node_dir}"
        node_dir.mkdir(parents=True, exist_ok=True)
        print(f"installing mjml (npm) into {node_dir} ...", file=sys.stderr)
        installed = subprocess.run([npm, "install", "mjml", "--no-audit", "--no-fund", "--silent"], cwd=node_dir,
                                   timeout=600, stdout=subprocess.DEVNULL)
        if installed.returncode != 0:
            return None, f"skipped: `npm install mjml` failed in {node_dir}"
    with tempfile.TemporaryDirectory() as folder:
        script, template = Path(folder) / "bench.js", Path(folder) / "release.mjml"
        script.write_text(NODE_SCRIPT)
        template.write_text(source)
        result = subprocess.run([node, str(script), str(template), str(seconds)], cwd=node_dir, capture_output=True,
                                text=True, timeout=600, env={"NODE_PATH": str(node_dir / "node_modules"),
                                                             "PATH": "/usr/bin:/bin"})
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        return None, "skipped: the node benchmark failed (see above)"
    return json.loads(result.stdout.strip().splitlines()[-1]), ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    parser.add_argument("--node-dir", type=Path, default=Path.home() / ".cache" / "pressroom-bench" / "node")
    parser.add_argument("--no-node", action="store_true")
    args = parser.parse_args()
    release, context = make_release()
    recipient = {"name": "Émilie Durand", "unsubscribe_url": f"{BASE}/unsubscribe/0123456789abcdef",
                 "preferences_url": f"{BASE}/preferences/0123456789abcdef"}

    def full_render():
        compiled = rendering.compile_email(release, context=context, cache=False)
        return rendering.personalise(compiled, **recipient)

    # The MJML source and the compiled HTML, for the per-stage figures and for node.
    doc = rendering._document(release, context, absolute=True)
    slots = {"recipient": "%%R%%", "unsubscribe_url": f"{BASE}/u", "preferences_url": f"{BASE}/p"}
    render_mjml = lambda: rendering._render_template(  # noqa: E731
        rendering.markup_environment(), "release.mjml", doc=doc, slots=slots, office=doc["office"],
        home_url=doc["home_url"], lang="en", dir="ltr", title=doc["headline"], preview=doc["preheader"])
    source = render_mjml()
    from mjml import mjml2html

    from comms.rendering.document import compile_mjml_here

    html, text = full_render()
    compiled = rendering.compile_email(release, context=context)
    figures = {
        "render_per_s": rate(full_render, args.seconds),
        "web_html_per_s": rate(lambda: rendering.render_release(release, "html", context=context), args.seconds),
        "stage_document_us_median": median_us(lambda: rendering._document(release, context, absolute=True), 300),
        "stage_jinja_mjml_us_median": median_us(render_mjml, 300),
        "stage_mjml_us_median": median_us(lambda: mjml2html(source, fonts={}, disable_comments=True), 300),
        "stage_compile_in_process_us_median": median_us(lambda: compile_mjml_here(source), 300),
        "stage_compile_isolated_us_median": median_us(lambda: rendering.compile_mjml(source), 300),
        "stage_body_styles_us_median": median_us(lambda: rendering.style_html(str(doc["body_html"]), "body"), 300),
        "stage_text_us_median": median_us(lambda: rendering._render_template(
            rendering.text_environment(), "release.txt", doc=doc, slots=slots, links=rendering.Footnotes()), 300),
        "personalise_us_median": median_us(lambda: rendering.personalise(compiled, **recipient), 5000),
        "cached_compile_us_median": median_us(lambda: rendering.compile_email(release, context=context), 2000),
        "email_html_bytes": len(html.encode()), "text_bytes": len(text.encode()), "mjml_source_bytes": len(source),
    }
    figures["python_mjml_per_s"] = 1e6 / figures["stage_mjml_us_median"]
    figures["isolation_overhead_us_median"] = (figures["stage_compile_isolated_us_median"]
                                               - figures["stage_compile_in_process_us_median"])
    node, skipped = (None, "skipped (--no-node)") if args.no_node else node_mjml(source, args.node_dir, args.seconds)
    if node:
        figures.update(node_mjml_per_s=node["per_s"], node_mjml_version=node["version"],
                       ratio_vs_node=figures["render_per_s"] / node["per_s"],
                       ratio_mjml_step_vs_node=figures["python_mjml_per_s"] / node["per_s"], goal_ratio=10.0,
                       goal_met=figures["render_per_s"] / node["per_s"] >= 10.0)

    rows = [
        ("full email render, uncached (HTML + text)", f"{figures['render_per_s']:,.0f} /s"),
        ("  document (Markdown, sanitise, labels)", f"{figures['stage_document_us_median']:,.0f} µs"),
        ("  Jinja -> MJML source (inline styles included)", f"{figures['stage_jinja_mjml_us_median']:,.0f} µs"),
        ("    of which: inline styles of the body", f"{figures['stage_body_styles_us_median']:,.0f} µs"),
        ("  MJML -> HTML (mjml-python)", f"{figures['stage_mjml_us_median']:,.0f} µs"),
        ("  MJML + CSS inlining, in this process", f"{figures['stage_compile_in_process_us_median']:,.0f} µs"),
        ("  MJML + CSS inlining, in a child (as used)", f"{figures['stage_compile_isolated_us_median']:,.0f} µs"),
        ("    of which: the child's pipe round trip", f"{figures['isolation_overhead_us_median']:,.0f} µs"),
        ("  text part (Jinja, wrap, footnotes)", f"{figures['stage_text_us_median']:,.0f} µs"),
        ("public article (format html)", f"{figures['web_html_per_s']:,.0f} /s"),
        ("compile_email, cache hit", f"{figures['cached_compile_us_median']:,.1f} µs"),
        ("personalise() per recipient", f"{figures['personalise_us_median']:,.1f} µs"),
        ("email HTML / text size", f"{figures['email_html_bytes']:,} / {figures['text_bytes']:,} bytes"),
    ]
    if node:
        rows += [(f"node mjml {node['version']} (one process, loop)", f"{node['per_s']:,.0f} /s"),
                 ("ratio: our whole render / node's MJML step", f"{figures['ratio_vs_node']:,.1f}x (goal >= 10x)"),
                 ("ratio: MJML step alone, MRML / node", f"{figures['ratio_mjml_step_vs_node']:,.1f}x")]
    else:
        rows.append(("node mjml", skipped))
        figures["node_skipped"] = skipped
    width = max(len(label) for label, _ in rows)
    print(f"{'what':<{width}}  figure")
    print("-" * (width + 20))
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}))


if __name__ == "__main__":
    main()
