"""Every diagnostic adgen can give, one class each.

An error is data: what went wrong, where (file, line, column and the source
line), and what to do instead.  ``str(error)`` renders the one message the CLI
prints::

    model.py:4:11: error: `np.fft.fft` has no derivative rule
        y = np.fft.fft(x)
            ^
    hint: rewrite it with supported numpy functions, or give it a custom rule
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Location:
    """A point in a source file; ``line`` is 1-based, ``col`` 0-based like ``ast``."""

    path: str
    line: int = 0
    col: int = 0
    text: str = ""  # the source line itself, for the caret display

    @classmethod
    def of(cls, node: ast.AST | None, source: SourceFile) -> Location:
        if node is None or not hasattr(node, "lineno"):
            return cls(source.path)
        text = source.line(node.lineno)
        return cls(source.path, node.lineno, _characters(text, node.col_offset), text)


def _characters(line: str, byte_offset: int) -> int:
    """``ast`` counts columns in UTF-8 bytes; people count characters."""
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


@dataclass(frozen=True)
class SourceFile:
    """The text of a model file and the name it is reported under."""

    path: str
    text: str

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""

    def segment(self, node: ast.AST) -> str:
        """The source text of ``node``, its lines joined by single spaces."""
        first, last = node.lineno, node.end_lineno or node.lineno
        rows = [self.line(n).encode("utf-8") for n in range(first, last + 1)]
        rows[-1] = rows[-1][: node.end_col_offset]
        rows[0] = rows[0][node.col_offset :]
        return " ".join(r.decode("utf-8", errors="replace").strip() for r in rows)


class AdgenError(Exception):
    """Base class: a mistake in the user's model or command, never a bug in adgen."""

    hint = ""  # default advice; instances may override

    def __init__(self, message: str, location: Location | None = None, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.location = location
        if hint:
            self.hint = hint

    def __str__(self) -> str:
        loc = self.location
        if loc is None:
            head = f"error: {self.message}"
        elif loc.line == 0:
            head = f"{loc.path}: error: {self.message}"
        else:
            head = f"{loc.path}:{loc.line}:{loc.col + 1}: error: {self.message}"
        parts = [head]
        if loc is not None and loc.text:
            shown = loc.text.expandtabs(4)
            indent = len(loc.text[: loc.col].expandtabs(4))
            parts += [f"    {shown.rstrip()}", "    " + " " * indent + "^"]
        if self.hint:
            parts.append(f"hint: {self.hint}")
        return "\n".join(parts)


class InputFileError(AdgenError):
    """The path cannot be read as a Python source file."""

    hint = "pass the path of a UTF-8 encoded .py file"


class SourceSyntaxError(AdgenError):
    """Python itself cannot parse the file."""

    hint = "fix the syntax error; `python -m py_compile FILE` shows the same problem"


class UnsupportedSyntax(AdgenError):
    """A construct adgen does not differentiate, and will not soon."""


class UndeclaredStructure(UnsupportedSyntax):
    """What the arguments would tell and nothing declares: the keys of a dict
    parameter (``params["W"]``), the length of a parameter a comprehension goes
    over.  The runtime API reads it from the arguments; ``adgen compile`` needs
    it declared (``@adgen.shapes``, ``--like``)."""


class NotSupportedYet(UnsupportedSyntax):
    """Control flow: planned, not yet implemented."""

    hint = (
        "control flow is not supported yet; write the function as straight-line "
        "code, e.g. np.where(c, a, b) for a branch, np.maximum(x, 0) for relu"
    )


class UnknownFunction(AdgenError):
    """A call to a function that has no derivative rule."""

    hint = (
        "use one of the supported numpy/math functions (see README, "
        "'Supported language'), define the computation in this file, "
        "or give the function a rule with @adgen.defvjp"
    )


class UnresolvedName(AdgenError):
    """A name that cannot be bound statically to a parameter, local or import."""

    hint = "pass the value as a parameter, or import it (e.g. `import numpy as np`)"


class RecursionNotSupported(AdgenError):
    """A helper calls itself, directly or through others."""

    hint = "write the recursion as straight-line code"


class MutationNotSupported(UnsupportedSyntax):
    """Writing into an array or attribute in place."""

    hint = (
        "build a new value instead of writing in place, e.g. "
        "np.where(mask, new, x) or np.concatenate([...])"
    )


class SizeLimit(AdgenError):
    """A model deeper or larger than adgen compiles (the limits in ``limits.py``)."""


class BadWrt(AdgenError):
    """``wrt`` names a parameter the function does not have."""


class NonScalarOutput(AdgenError):
    """A gradient was asked of a function whose output is not a scalar."""

    hint = "reduce the output to a scalar (e.g. np.sum), or use backward_*/adgen.vjp with a seed of the output's shape"


class SourceUnavailable(AdgenError):
    """The runtime API was given a function whose source text Python did not keep."""

    hint = (
        "adgen compiles a function from its source text: define it in a .py file "
        "(and import or run that file), or in a Jupyter/IPython cell"
    )


class NoFunction(AdgenError):
    """The file (or the `file:name` selector) names no function to compile."""

    hint = "define a top-level `def` in the file, or check the name after `:`"


class UsageError(AdgenError):
    """The command line asks for something that cannot be done as asked."""


# --- custom derivative rules (adgen/custom.py) ------------------------------------


class UnknownRuleTarget(AdgenError):
    """``@adgen.defvjp(f)`` names something that is not a function adgen can find."""

    hint = (
        "name a function defined in this file or in a module next to it, or an "
        "imported library function: @adgen.defvjp(softplus)"
    )


class RuleArityMismatch(AdgenError):
    """A rule's parameters (or its returned tuple) do not match the function's operands."""

    hint = "a VJP rule takes g, ans, then one parameter per operand, and returns one contribution per operand"


class UnreadableRule(AdgenError):
    """A rule (or its decorator) is not in the form adgen reads statically."""

    hint = (
        "write the rule as assignments to names and one `return <expression>`, "
        "e.g. `return g * scipy.special.expit(x)`"
    )


class UnresolvedRuleName(AdgenError):
    """A rule or custom function uses a name the generated module could not see."""

    hint = (
        "use the rule's parameters, literal module constants, imported functions "
        "(numpy, math, scipy ...) or functions defined in the same file"
    )


class DuplicateRule(AdgenError):
    """Two rules of the same kind for one function."""

    hint = "keep one rule per function (delete or rename the other)"
