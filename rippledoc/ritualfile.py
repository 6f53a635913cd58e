"""Ritual definitions (``rituals/NAME.md``) and their records (``rituals/NAME/PERIOD.md``)."""
from __future__ import annotations

import re
from datetime import date

from . import yamltree
from .diagnostics import Diagnostic, error
from .fields import Fields
from .model import Metric, Ritual, RitualEntry, RitualRecord, Source
from .source import Text, split_front_matter

CADENCES = ("daily", "weekly", "monthly", "quarterly", "yearly")
DEF_KEYS = ("name", "cadence", "covers", "prompts", "metrics", "enabled")
_SCALE = re.compile(r"^(\d+)\s*-\s*(\d+)$")


def ritual_key(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".md")


def _front(src: Text) -> tuple[yamltree.Mapping | None, str, list[Diagnostic]]:
    fm, diags = split_front_matter(src)
    if fm is None:
        return None, "", diags
    node, diags = yamltree.parse(fm.yaml_text, src.path, fm.yaml_line)
    if node is None:
        return None, fm.body, diags or [error(src.path, 1, 1, "E400", "the front matter is empty")]
    if not isinstance(node, yamltree.Mapping):
        return None, fm.body, diags + [error(src.path, node.line, node.col, "E013",
                                             "front matter must be a mapping of 'key: value' lines")]
    return node, fm.body, diags


def parse_ritual(src: Text) -> tuple[Ritual | None, list[Diagnostic]]:
    node, body, diags = _front(src)
    if node is None:
        return None, diags
    f = Fields(node, src.path, diags)
    name = f.text("name", required=True)
    cadence = f.text("cadence") or "weekly"
    if cadence not in CADENCES and not re.match(r"^\d+d$", cadence):
        at = node.get("cadence")
        diags.append(error(src.path, at.line, at.col, "E400",  # type: ignore[union-attr]
                           f"ritual cadence '{cadence}' is not one of {', '.join(CADENCES)} or Nd"))
    covers: dict[str, tuple[str, ...]] = {}
    cov = f.mapping("covers")
    for key, _ in cov.items if cov else ():
        covers[key.text] = Fields(cov, src.path, diags).text_list(key.text)  # type: ignore[arg-type]
    metrics = []
    for item in f.mapping_list("metrics"):
        g = Fields(item, src.path, diags)
        key = g.text("key", required=True)
        scale = g.text("scale") or "1-5"
        m = _SCALE.match(scale)
        if not m or int(m[1]) >= int(m[2]):
            diags.append(error(src.path, item.line, item.col, "E400", f"metric scale '{scale}' is not LOW-HIGH",
                               "write it as scale: 1-5"))
            m = None
        if key:
            metrics.append(Metric(key, g.text("label") or key, int(m[1]) if m else 1, int(m[2]) if m else 5))
    enabled = (f.text("enabled") or "true").lower() not in ("false", "no", "off")
    settings = {k.text: yamltree.to_python(v) for k, v in node.items if k.text not in DEF_KEYS}
    if name is None:
        return None, diags
    return Ritual(ritual_key(src.path), name, cadence, covers, f.text_list("prompts"), tuple(metrics), body,
                  Source(src.path, 1), enabled, settings), diags


def parse_record(src: Text, ritual: Ritual | None) -> tuple[RitualRecord | None, list[Diagnostic]]:
    """A record's front matter: ``date`` and ``clients: {slug: {metric: score, …, note: text}}``."""
    node, body, diags = _front(src)
    if node is None:
        return None, diags
    f = Fields(node, src.path, diags)
    period = src.path.rsplit("/", 1)[-1].removesuffix(".md")
    when = f.date("date")
    entries = []
    clients = f.mapping("clients")
    for key, value in clients.items if clients else ():
        if not isinstance(value, yamltree.Mapping):
            if isinstance(value, yamltree.Scalar) and value.plain and value.text == "":
                entries.append(RitualEntry(key.text, {}, {}, Source(src.path, key.line)))
                continue
            diags.append(error(src.path, value.line, value.col, "E101",
                               f"'{key.text}' must be a mapping of scores and answers"))
            continue
        scores: dict[str, int] = {}
        answers: dict[str, str] = {}
        metric_keys = {m.key: m for m in ritual.metrics} if ritual else {}
        for k, v in value.items:
            if not isinstance(v, yamltree.Scalar):
                answers[k.text] = str(yamltree.to_python(v))
                continue
            if k.text in metric_keys:
                m = metric_keys[k.text]
                if v.plain and v.text == "":
                    continue
                if not v.text.strip().isdigit() or not m.low <= int(v.text) <= m.high:
                    diags.append(error(src.path, v.line, v.col, "E402",
                                       f"score {k.text}: '{v.text}' is not a whole number from {m.low} to {m.high}"))
                    continue
                scores[k.text] = int(v.text)
            else:
                answers[k.text] = v.text
        entries.append(RitualEntry(key.text, scores, answers, Source(src.path, key.line)))
    fields = {k.text: yamltree.to_python(v) for k, v in node.items if k.text not in ("date", "clients")}
    return RitualRecord(ritual.key if ritual else src.path.split("/")[-2], period, when or date.min, tuple(entries),
                        body, Source(src.path, 1), fields), diags
