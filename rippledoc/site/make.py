"""Make pages: each page's context rendered with its template (Jinja2, sandboxed: site/render.py), a failure
named by template file and line; and the gathering of contexts, where a view that raises fails the build.

Jinja2 is imported when the first page is made: a build that finds the site up to date (site/cache.py)
never loads it, nor the views.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable

from typing import TYPE_CHECKING

from rippledoc.book.templates import template_dirs

if TYPE_CHECKING:
    import jinja2

Progress = Callable[[int, int], None]


class BuildError(Exception):
    """The site could not be built; the message says why and where. Nothing was written."""


def render(env: jinja2.Environment, pages: Iterable[Any], progress: Progress | None = None,
           total: int = 0) -> dict[str, bytes]:
    import jinja2
    from jinja2.exceptions import SecurityError
    out: dict[str, bytes] = {}
    for i, page in enumerate(pages, 1):
        try:
            html = env.get_template(page.template).render(**page.context)
        except jinja2.TemplateSyntaxError as exc:
            where = _shorter(exc.filename or exc.name or "?", Path(page.workspace))
            raise BuildError(f"{where}:{exc.lineno}: template syntax error: {exc.message}") from None
        except jinja2.TemplateNotFound as exc:
            raise BuildError(f"template '{exc.name}' not found in {', '.join(map(str, template_dirs(Path(page.workspace))))}") from None
        except SecurityError as exc:  # the sandbox refused: name the template file and line that tried
            where = _template_position(exc, Path(page.workspace)) or page.template
            raise BuildError(f"{where}: unsafe template code refused ({str(exc).rstrip('.')}); a template may use the data it is "
                             "given and the site's helpers, nothing else (see docs/site.md)") from None
        except Exception as exc:  # a template's runtime error: say which page and template, never a traceback
            raise BuildError(f"rendering {page.path} with template {page.template}: {type(exc).__name__}: {exc}") from None
        out[page.path] = html.encode("utf-8")
        if progress:
            progress(i, total)
    return out


def gather(make: Callable[..., list[Any]], *args: object) -> list[Any]:
    """The pages' contexts, every view computed; a view that raises is a bug, reported as a failed build."""
    try:
        return make(*args)
    except Exception as exc:  # a view's bug: one line, exit 1, nothing written
        raise BuildError(f"computing the pages failed: {type(exc).__name__}: {exc} "
                         "(a bug in rippledoc; the site was not built)") from exc


def _template_position(exc: BaseException, root: Path) -> str | None:
    """``site_templates/index.html:3``: the innermost template line in the traceback Jinja2 rewrote."""
    where = None
    tb = exc.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:  # a frame Jinja2 made to stand for a template line
            where = f"{_shorter(tb.tb_frame.f_code.co_filename, root)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def _shorter(filename: str, root: Path) -> str:
    """A template's path as a person knows it: relative to the workspace when it is one of theirs."""
    try:
        return Path(filename).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return filename


