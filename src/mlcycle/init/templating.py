"""The Jinja environment for rendering skeletons (imported only by ``init``).

StrictUndefined: a typo in a template is an error, not an empty string.
Templates from a team's playbook directory render in a sandbox.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2 import nodes
from jinja2.bccache import Bucket
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from mlcycle.escape import markdown as md_escape
from mlcycle.init import metric_guide
from mlcycle.load.yamlio import number_like
from mlcycle.resources import data_dir

_FOLDABLE = re.compile(r"^\S+(?: \S+)*$")


# Plain words PyYAML writes unquoted and every reader reads back as the same
# string: a letter first, no character YAML gives a meaning, not a YAML 1.1
# boolean or null. Skips a full PyYAML dump per title and id (upgrade renders
# every item of a 10,000-item project).
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ()._/-]*[A-Za-z0-9)]\Z")
_RESERVED = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def yaml_str(value: object) -> str:
    """A YAML scalar that every YAML reader (1.1 or 1.2) reads back as this exact string."""
    text = str(value)
    if _PLAIN.match(text) and "  " not in text and text.lower() not in _RESERVED:
        return text
    if number_like(text):  # PyYAML (YAML 1.1) would leave 0o17 or .5e3 plain
        return json.dumps(text, ensure_ascii=False)
    dumped = yaml.safe_dump(text, allow_unicode=True, width=10**9, default_flow_style=True)
    dumped = dumped.removesuffix("\n").removesuffix("\n...")
    if "\n" in dumped:  # a string PyYAML would spread over lines: keep it on one
        return json.dumps(text, ensure_ascii=False)
    return dumped


def yaml_flow_str(value: object) -> str:
    """A YAML scalar that reads back as this exact string inside a flow sequence
    (``[a, b]``) too, where a plain ``,`` ``[`` or ``]`` would split it: a plain
    word, else double-quoted with every unprintable character as an escape that
    YAML 1.1 and 1.2 readers both know."""
    text = str(value)
    if _PLAIN.match(text) and "  " not in text and text.lower() not in _RESERVED:
        return text
    return '"' + "".join(_double_quoted(c) for c in text) + '"'


def _double_quoted(char: str) -> str:
    if char in '"\\':
        return "\\" + char
    if char.isprintable():  # not a line or paragraph separator, not a BOM
        return char
    code = ord(char)
    return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}" if code < 0x10000 \
        else f"\\U{code:08X}"
def yaml_line(value: object, column: int, prefix: str, width: int = 80) -> str:
    """``yaml_str`` when it fits between ``column`` and ``width``; else the same
    string double-quoted and continued over lines that start with ``prefix``,
    each ending in an escaped line break (which YAML joins with nothing), so
    that a long directory name keeps every line within yamllint's 80 columns."""
    text = str(value)
    simple = yaml_str(text)
    if column + len(simple) <= width:
        return simple
    units = [_DQ_ESCAPES.get(c) or (c if c.isprintable() else f"\\U{ord(c):08x}") for c in text]
    first, rest = width - column - 2, width - len(prefix) - 1  # less a quote and a backslash

    def size(row: list[str]) -> int:  # a continued row's leading space is written "\\ "
        return sum(map(len, row)) + (row[:1] == [" "])

    rows: list[list[str]] = [[]]
    for unit in units:
        row = rows[-1]
        if row and (len(rows) == 1 and sum(map(len, row)) + len(unit) > first
                    or len(rows) > 1 and size([*row, unit]) > rest):
            # Break after the row's last space when there is one: words stay whole.
            cut = max((i + 1 for i, u in enumerate(row) if u == " " and row[i + 1:]),
                      default=len(row))
            if size([*row[cut:], unit]) > rest:
                cut = len(row)
            rows[-1], row = row[:cut], row[cut:]
            rows.append(row)
        row.append(unit)
    lines = ['"' + "".join(rows[0])]
    for row in rows[1:]:
        if row[0] == " ":  # leading white space of a continued line would be dropped
            row = ["\\ ", *row[1:]]
        lines.append(prefix + "".join(row))
    lines = [line + "\\" for line in lines[:-1]] + [lines[-1] + '"']
    return "\n".join(lines)


_DQ_ESCAPES = {"\\": "\\\\", '"': '\\"'}


def github_glob(value: object) -> str:
    """A literal path inside a GitHub path filter: its special characters
    (``* ? + [ ] !``) escaped with a backslash, as GitHub's filter syntax says."""
    return re.sub(r"([*?+\[\]!])", r"\\\1", str(value))


def yaml_text(value: object, indent: int, width: int = 80) -> str:
    """Long text as a folded block (``>-``) wrapped to ``width``, or a quoted
    string when folding could not give back the exact text."""
    text = str(value)
    if not _FOLDABLE.match(text) or not text.isprintable():
        return json.dumps(text, ensure_ascii=False)
    pad = " " * indent
    return ">-\n" + "\n".join(pad + line for line in _fill(text, max(20, width - indent)))


def _fill(text: str, width: int) -> list[str]:
    """``textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)``
    for a text of words between single spaces (``_FOLDABLE``), at a quarter of its
    cost (upgrade renders every description of a phase that changes): greedy,
    a word longer than the width alone on its line. tests/init/test_fast_rendering.py
    holds the two to the same lines."""
    lines = []
    line = ""
    for word in text.split(" "):
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


def yaml_num(value: float) -> str:
    """A metric threshold as a plain YAML 1.2 float: the shortest text that reads
    back as the same float (``0.8``, ``1e-05``)."""
    return repr(float(value))


def yaml_key(value: str | list[str | int] | dict[str, Any]) -> str:
    """A metric key: a JSON Pointer string, a flow list of keys and indices, or a
    flow mapping naming the project's primary metric."""
    if isinstance(value, str):
        return yaml_str(value)
    if isinstance(value, dict):
        if value["primary"] is True:
            return "{primary: true}"
        return f"{{primary: {value['primary']}, interval: {yaml_str(value['interval'])}}}"
    return "[" + ", ".join(str(v) if isinstance(v, int) else yaml_str(v) for v in value) + "]"


def yaml_key_at(value: str | list[str | int] | dict[str, Any], indent: int) -> str:
    """What follows ``key:`` at ``indent``: a pointer or list on the same line, a
    ``{primary: ...}`` key as a block mapping below it (``indent + 2`` spaces in).
    Block style keeps every value locatable without the YAML composer (the fast
    scan of load/source.py)."""
    if not isinstance(value, dict):
        return " " + yaml_key(value)
    pad = "\n" + " " * (indent + 2)
    text = pad + "primary: " + ("true" if value["primary"] is True else value["primary"])
    if value.get("interval") is not None:
        text += pad + "interval: " + yaml_str(value["interval"])
    return text


def mermaid_label(value: object) -> str:
    """Text inside a Mermaid ``id["..."]`` label: one line, Mermaid's own entity
    codes for what would end the label or read as HTML, and for ``#`` (an entity
    code's start; and no ``##[`` for a CI log to read as a command)."""
    text = " ".join(str(value).split())
    for char, entity in (("#", "#35;"), ("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"),
                         (">", "#gt;")):
        text = text.replace(char, entity)
    return text


def raci_letters(item: Mapping[str, Any], role: str) -> str:
    """The RACI letters one role has for one item (``R, A``; empty for none); for a
    team's own LIFECYCLE.md template (ours calls ``lifecycle_row``)."""
    return _raci_marks(item["raci"]).get(role, "")


def lifecycle_row(item: Mapping[str, Any], roles: Iterable[Mapping[str, Any]]) -> str:
    """One item's row of a LIFECYCLE.md table: its title (``md``; a link to its
    document when it has one), its id, G for a gate, its RACI letters under each
    role. One filter call per item: written out in the template, a row is some
    twenty pieces and a call per role, and LIFECYCLE.md is what ``upgrade``
    renders for every item of the project."""
    title = md_escape(item["title"])
    shown = f"[{title}]({item['doc']})" if item["doc"] else title
    marks = _raci_marks(item["raci"])
    cells = "".join([f" {marks.get(role['id'], '')} |" for role in roles])
    return f"| {shown} `{item['id']}` | {'G' if item['gate'] else ''} |{cells}"


def _raci_marks(raci: Mapping[str, Any]) -> dict[str, str]:
    """Role -> its ``raci_letters``, for every role the item names: one pass over
    the item's RACI instead of four membership tests for each role of the table."""
    marks: dict[str, str] = {}
    for letter, named in (("R", raci["responsible"]), ("A", (raci["accountable"],)),
                          ("C", raci["consulted"]), ("I", raci["informed"])):
        for role in named:
            had = marks.get(role)
            if had is None:
                marks[role] = letter
            elif not had.endswith(letter):  # a role listed twice is marked once
                marks[role] = f"{had}, {letter}"
    return marks


# Largest string or list a team's template may build with `*` or `**`.
MAX_PRODUCT = 1_000_000
# Per rendered file. No status file over 16 MiB can be read back (the reader's
# cap), and no document needs to be; a team's template that loops for longer
# than this is stuck, not busy.
MAX_OUTPUT_BYTES = 16 * 1024 * 1024
RENDER_SECONDS = 10.0


class RenderLimit(SecurityError):
    """A team's template ran past the time or output-size limit."""


class _Buffer(list[str]):
    """What a macro, ``{% set %}`` block or ``caller()`` collects its output in:
    counted as it grows, so output built in memory is bounded before it is
    returned, not after."""

    def __init__(self, env: _BoundedSandbox) -> None:
        super().__init__()
        self._env = env

    def append(self, piece: str) -> None:
        self._env.buffered(len(piece))
        super().append(piece)

    def extend(self, pieces: Iterable[str]) -> None:
        pieces = tuple(pieces)
        self._env.buffered(sum(len(p) for p in pieces))
        super().extend(pieces)


class _BoundedCodeGenerator(CodeGenerator):
    def buffer(self, frame: Frame) -> None:
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.output_buffer()")


class _BoundedSandbox(SandboxedEnvironment):
    """Jinja's sandbox (no access to Python internals, ranges capped) that also
    refuses `"x" * 10**9` and `10 ** 10**9`, which would exhaust memory or time,
    and stops at a deadline: every call and every step of every `for` loop looks
    at the clock (loops of loops need no call, so the loop itself is watched)."""

    intercepted_binops = frozenset({"*", "**", "%"})
    code_generator_class = _BoundedCodeGenerator
    deadline = float("inf")  # set for each file by `render`
    in_buffers = 0  # characters collected in output buffers while rendering this file

    def output_buffer(self) -> _Buffer:
        return _Buffer(self)

    def buffered(self, size: int) -> None:
        self.in_buffers += size
        if self.in_buffers > MAX_OUTPUT_BYTES:
            raise _too_large()

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Call(nodes.EnvironmentAttribute("watched"), [loop.iter], [],
                                   None, None, lineno=loop.lineno)
        return tree

    def watched(self, iterable: Any) -> Iterator[Any]:
        for value in iterable:
            self._tick()
            yield value

    def _tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise RenderLimit(f"rendering took longer than {RENDER_SECONDS:g} seconds (a loop "
                              "that does not end?); mlcycle stopped it")

    def call(__self, __context: Any, __obj: Any, *args: Any,  # noqa: N805 - Jinja's names
             **kwargs: Any) -> Any:
        __self._tick()
        _bounded_arguments(args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(result, str) and len(result) > MAX_OUTPUT_BYTES:  # a macro's output
            raise _too_large()
        return result

    # `str.format` / `format_map` are reached through an attribute (`'{:9}'.format`
    # or `'{:9}'['format']`): the format string is judged when it is looked up.
    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, str) and attribute in ("format", "format_map"):
            _bounded_format(obj)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, str) and argument in ("format", "format_map"):
            _bounded_format(obj)
        return super().getitem(obj, argument)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 1000:
            raise SecurityError(f"exponent {right} is too large for a template")
        if operator == "%" and isinstance(left, str):
            _bounded_format(left)
            _bounded_arguments(right if isinstance(right, tuple) else (right,), {})
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int) \
                        and len(seq) * count > MAX_PRODUCT:
                    raise SecurityError("a template may not build a sequence over "
                                        f"{MAX_PRODUCT} items with '*'")
        return super().call_binop(context, operator, left, right)


class _Precompiled(jinja2.BytecodeCache):
    """Hands Jinja the code of mlcycle's own templates generated ahead of time
    (``mlcycle.init.precompile``), so that it neither parses them nor generates
    code again. Only for the file Jinja generated it from (same name, same
    text's checksum), by the same Jinja release; else Jinja compiles as usual."""

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> Bucket:
        from mlcycle.init import _compiled

        bucket = Bucket(environment, name, self.get_source_checksum(source))
        stored = _compiled.SOURCES.get(name)
        if stored is not None and stored[0] == bucket.checksum \
                and _compiled.JINJA == jinja2.__version__:
            # What Environment.compile does with the source it generated.
            bucket.code = compile(stored[1], filename or "<template>", "exec")
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        pass  # get_bucket did it

    def dump_bytecode(self, bucket: Bucket) -> None:
        pass  # nothing is written anywhere


def environment(template_dirs: list[Path], sandboxed: bool,
                precompiled: bool = True) -> jinja2.Environment:
    """The Jinja environment for these folders. Unsandboxed, on mlcycle's own
    templates only, it takes their precompiled code (``precompiled=False``: not)."""
    cls = _BoundedSandbox if sandboxed else jinja2.Environment
    ours = [data_dir("templates").resolve()]
    fast = precompiled and not sandboxed and [Path(d).resolve() for d in template_dirs] == ours
    env = cls(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown and YAML, not HTML
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        bytecode_cache=_Precompiled() if fast else None,
    )
    env.filters.update(yaml_str=yaml_str, yaml_text=yaml_text, md=md_escape,
                       yaml_flow_str=yaml_flow_str, mermaid=mermaid_label, yaml_num=yaml_num,
                       yaml_key=yaml_key, yaml_key_at=yaml_key_at, yaml_line=yaml_line,
                       github_glob=github_glob, lifecycle_row=lifecycle_row)
    env.globals["metric_guide"] = metric_guide.guide
    if sandboxed:
        # Jinja calls filters directly, not through the sandbox's `call`.
        env.filters = {name: _guarded(f) for name, f in env.filters.items()}
    return env


def _bounded_arguments(args: Iterable[Any], kwargs: dict[str, Any]) -> None:
    """No number a template passes may ask for more output than a file may
    hold: `'x'|center(10**9)` or `indent(10**9)` would allocate gigabytes in one
    call, before any output limit could look."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) \
                and abs(value) > MAX_OUTPUT_BYTES:
            raise SecurityError(f"{value} is too large an argument for a template (at most "
                                f"{MAX_OUTPUT_BYTES})")


# A width or precision of 8 digits or more (over 16 MiB) in a format string.
_HUGE_WIDTH = re.compile(r"[%:.]\D{0,8}?\d{8,}")


def _bounded_format(spec: str) -> None:
    if _HUGE_WIDTH.search(spec):
        raise SecurityError("a format width over 16 MiB is too large for a template")


def _guarded(function: Any) -> Any:
    @functools.wraps(function)  # keeps Jinja's pass_context / pass_environment marks
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _bounded_arguments(args, kwargs)
        if function is jinja2.filters.do_format and args and isinstance(args[0], str):
            _bounded_format(args[0])
        return function(*args, **kwargs)
    return guarded


def _too_large() -> RenderLimit:
    return RenderLimit(f"renders more than {MAX_OUTPUT_BYTES // (1024 * 1024)} MiB; mlcycle "
                       "stopped it")


def render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render one template piece by piece, within the output-size limit and (in the
    sandbox) the time limit, so that a team's template can neither hang ``init``
    nor fill the disk."""
    template = env.get_template(name)
    bounded = env if isinstance(env, _BoundedSandbox) else None
    if bounded is not None:
        bounded.deadline = time.monotonic() + RENDER_SECONDS
        bounded.in_buffers = 0
    try:
        with _memory_cap() if bounded is not None else contextlib.nullcontext():
            pieces = []
            size = 0
            for piece in template.generate(**context):
                size += len(piece.encode("utf-8", "surrogatepass"))
                if size > MAX_OUTPUT_BYTES:
                    raise _too_large()
                pieces.append(piece)
            return "".join(pieces)
    except MemoryError:
        raise RenderLimit(f"needs more than {RENDER_MEMORY // 2**20} MiB of memory; mlcycle "
                          "stopped it") from None
    finally:
        if bounded is not None:
            bounded.deadline = float("inf")


# What a team's template may allocate beyond what mlcycle already holds: far
# more than any document needs, far less than a build machine has.
RENDER_MEMORY = 1024 * 2**20


@contextlib.contextmanager
def _memory_cap() -> Iterator[None]:
    """A backstop for what no argument check sees (`s|replace('x', s)` on a
    long `s` asks for its square in one call): while a team's template renders,
    the address space may grow by RENDER_MEMORY at most, so such a call fails
    at once with MemoryError instead of swapping the machine. Where the OS
    has no such limit (Windows; macOS does not enforce it) it does nothing."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm", encoding="ascii") as statm:
            in_use = int(statm.read().split()[0]) * resource.getpagesize()
    except (ImportError, OSError, ValueError, AttributeError):
        yield
        return
    cap = in_use + RENDER_MEMORY
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield  # already tighter than ours
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def template_source(env: jinja2.Environment, name: str) -> Path | None:
    """The file template ``name`` is loaded from (a team's or ours), if any."""
    try:
        assert env.loader is not None
        filename = env.loader.get_source(env, name)[1]
    except (jinja2.TemplateNotFound, OSError, UnicodeDecodeError):
        return None
    return Path(filename) if filename else None


def template_file(env: jinja2.Environment, name: str) -> str:
    """Where template ``name`` lives, as users see it (``name`` when not found)."""
    source = template_source(env, name)
    return name if source is None else shown_path(source)


def shown_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()
