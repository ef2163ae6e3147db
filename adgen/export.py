"""Export adgen's gradients to JAX and PyTorch: the generated numpy sweeps, wrapped as
a ``jax.custom_vjp`` function or a ``torch.autograd.Function``.

    import adgen.export
    f_jax = adgen.export.jax(f)        # jax.jit, jax.grad, jax.vjp, jax.vmap work on it
    f_torch = adgen.export.torch(f)    # loss.backward(), torch.autograd.gradcheck work on it

Both run the code ``adgen.source(f, wrt)`` shows (its ``forward_f`` and
``backward_f``) on numpy views of the arguments; neither library is imported
until an export is made, so ``import adgen`` needs neither.

What is supported (the same for both):

- float32 and float64 arguments (JAX: float64 with ``jax_enable_x64``), scalars
  and arrays, any number of parameters, positional or by keyword; integer and
  bool arrays (and Python numbers) as data that gets no gradient.  Anything
  else (lists, strings, complex or float16 arrays) is refused with a TypeError
  naming the parameter.
- One output, a scalar or an array (the backward sweep takes its adjoint).
- ``wrt``: an int, a name or a sequence of them, as in ``adgen.grad``.  With
  ``wrt=None`` adgen differentiates what the caller differentiates: the inputs
  JAX perturbs, the tensors that require grad.  With ``wrt`` given, asking for
  the gradient of another parameter is an error (the alternative, a silent zero,
  would be a wrong number).
- A model adgen refuses raises its located ``AdgenError`` when the export is made.
- The code is compiled once per function object and set of differentiated
  parameters: after editing the model, reload it and export again.
- First derivatives only: JAX cannot differentiate a ``pure_callback``, and the
  torch backward is ``once_differentiable`` (a second backward raises).

What it costs.  JAX: under ``jax.jit`` the arguments are tracers, so the numpy
code runs through ``jax.pure_callback``, which needs the output's shape and
dtype before any value exists: adgen runs the forward sweep once on arrays of
ones of the traced shapes and dtypes (ones, not zeros: log and division stay
finite), cached per signature.  Residuals must be
JAX values, and a tape's shape may depend on the values (a loop's stacks), so
the residuals are the inputs, and the backward callback runs the forward sweep
again before the backward sweep: a gradient costs two forward sweeps and one
backward sweep, plus a copy of the arguments into and the results out of each
callback.  PyTorch: one forward sweep and one backward sweep; the tape's arrays
are shared with tensors (``torch.from_numpy``, no copy) and saved with
``ctx.save_for_backward``, so an in-place change to an input or the output
before ``backward()`` raises torch's usual error instead of bending the
gradient.  Both run on the CPU: tensors on another device are copied to the CPU
and their results copied back.
"""

from __future__ import annotations

import functools
import inspect
import linecache
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .api import source
from .api.cache import source_text
from .api.reading import live_inputs, with_live_inputs
from .runtime import numpy_floats

Wrt = int | str | Sequence[int | str]

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
# per function object (a notebook's redefinition is a new one), per parameters:
# adgen.source reads and compiles the model anew on each call, far too slow per step
_SWEEPS: weakref.WeakKeyDictionary[Callable, dict] = weakref.WeakKeyDictionary()


# --- shared by both exports -------------------------------------------------------


def _sweeps(f: Callable, names: tuple[str, ...] | None) -> tuple[Callable, Callable]:
    """``forward_f`` and ``backward_f`` of the code adgen writes for ``f`` with respect
    to ``names`` (``None``: adgen's default), compiled on first use."""
    compiled = _SWEEPS.setdefault(f, {})
    if names not in compiled:
        text = source(f, wrt=names)
        along = ", ".join(names) if names else "its default parameters"
        filename = f"<adgen export of {f.__name__} along {along}>"
        linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
        namespace: dict[str, Any] = {}
        exec(compile(text, filename, "exec"), namespace)
        # module variables computed when the file runs: passed live, by keyword
        namespace = with_live_inputs(f, namespace, live_inputs(f, *source_text(f)))
        compiled[names] = (
            namespace[f"forward_{f.__name__}"],
            namespace[f"backward_{f.__name__}"],
        )
    return compiled[names]


def _wrt_names(f: Callable, wrt: Wrt | None) -> tuple[str, ...] | None:
    """The parameter names ``wrt`` picks, checked by compiling ``f`` now (a model adgen
    refuses raises its located error here, not inside a traced computation)."""
    source(f, wrt=wrt)  # raises BadWrt for a parameter f does not have
    if wrt is None:
        return None
    params = list(inspect.signature(f).parameters)
    items = [wrt] if isinstance(wrt, (int, str)) else list(wrt)
    return tuple(params[i] if isinstance(i, int) else i for i in items)


def _differentiated(
    f: Callable, wrt: tuple[str, ...] | None, asked: Sequence[str], how: str
) -> tuple[str, ...]:
    """The parameters to differentiate: those the caller asks for (``asked``), which
    must lie within ``wrt`` where the export was given one."""
    if wrt is not None:
        extra = [name for name in asked if name not in wrt]
        if extra:
            raise ValueError(
                f"{', '.join(extra)} {how}, but this export of `{f.__name__}` "
                f"differentiates only {', '.join(wrt)}: add {', '.join(extra)} to wrt, "
                "or pass it as a constant"
            )
    params = list(inspect.signature(f).parameters)
    return tuple(name for name in params if name in asked)


def _bound(f: Callable, args: tuple, kwargs: dict) -> tuple[list[str], tuple]:
    """Parameter names and argument values in ``f``'s order, defaults filled in."""
    try:
        bound = inspect.signature(f).bind(*args, **kwargs)
    except TypeError as error:
        raise TypeError(f"{f.__name__}(): {error}") from None
    bound.apply_defaults()
    return list(bound.arguments), tuple(bound.arguments.values())


def _refuse(f: Callable, name: str, value: Any, accepted: str) -> None:
    raise TypeError(
        f"`{f.__name__}`: parameter `{name}` is {_describe(value)}; "
        f"an export of adgen takes {accepted}"
    )


def _describe(value: Any) -> str:
    dtype = getattr(value, "dtype", None)
    kind = type(value).__name__
    return f"a {kind} of dtype {dtype}" if dtype is not None else f"a {kind}"


def _check_dtype(f: Callable, name: str, value: Any, dtype: np.dtype) -> None:
    if dtype.kind in "biu" or dtype in _FLOATS:
        return
    _refuse(f, name, value, "float32 or float64 (or integer data)")


def _one_output(f: Callable, out: Any) -> np.ndarray:
    if isinstance(out, (tuple, list, dict)):
        raise TypeError(
            f"`{f.__name__}` returned a {type(out).__name__}; an export of adgen "
            "supports one output, a scalar or an array"
        )
    return np.asarray(out)


# --- JAX --------------------------------------------------------------------------


def jax(f: Callable, wrt: Wrt | None = None) -> Callable[..., Any]:
    """``f`` as a JAX function: a ``jax.custom_vjp`` whose forward and backward are
    adgen's generated sweeps, run by ``jax.pure_callback`` (so ``jax.jit``,
    ``jax.grad``, ``jax.value_and_grad``, ``jax.vjp`` and ``jax.vmap`` work on it).

    ``wrt=None`` differentiates what JAX perturbs; with ``wrt`` given, a gradient
    with respect to another parameter raises.  See the module docstring for costs.
    """
    import jax as jx

    names = _wrt_names(f, wrt)
    probe = functools.lru_cache(maxsize=64)(
        lambda signature: _probe_output(f, names, signature)
    )

    def run_forward(*values: Any) -> Any:
        out_type = probe(_signature(values))
        return jx.pure_callback(
            functools.partial(_jax_forward_callback, f, names, out_type),
            out_type,
            *values,
            vmap_method="sequential",
        )

    @jx.custom_vjp
    def call(*values: Any) -> Any:
        return run_forward(*values)

    def forward(*primals: Any) -> tuple[Any, tuple[dict, dict]]:
        params = list(inspect.signature(f).parameters)
        asked = [n for n, p in zip(params, primals, strict=True) if p.perturbed]
        chosen = _differentiated(f, names, asked, "is differentiated by JAX")
        values = [p.value for p in primals]
        residuals = (
            {n: v for n, v in zip(params, values, strict=True) if n in chosen},
            {n: v for n, v in zip(params, values, strict=True) if n not in chosen},
        )
        return run_forward(*values), residuals

    def backward(residuals: tuple[dict, dict], out_bar: Any) -> tuple:
        chosen_values, other_values = residuals
        params = list(inspect.signature(f).parameters)
        if isinstance(out_bar, jx.custom_derivatives.SymbolicZero):
            return tuple(None for _ in params)
        values = [
            chosen_values[n] if n in chosen_values else other_values[n] for n in params
        ]
        chosen = tuple(chosen_values)
        if not chosen:
            return tuple(None for _ in params)
        _sweeps(f, chosen)  # compile now, on the Python side: errors stay located
        grad_types = tuple(
            jx.ShapeDtypeStruct(np.shape(v), v.dtype) for v in chosen_values.values()
        )
        grads = jx.pure_callback(
            functools.partial(_jax_backward_callback, f, chosen, grad_types),
            grad_types,
            *values,
            out_bar,
            vmap_method="sequential",
        )
        by_name = dict(zip(chosen, grads, strict=True))
        return tuple(by_name.get(n) for n in params)

    call.defvjp(forward, backward, symbolic_zeros=True)

    @functools.wraps(f)
    def exported(*args: Any, **kwargs: Any) -> Any:
        params, values = _bound(f, args, kwargs)
        return call(*(_jax_value(f, n, v) for n, v in zip(params, values, strict=True)))

    return exported


def _jax_value(f: Callable, name: str, value: Any) -> Any:
    """``value`` as a JAX array, if it is one adgen's sweeps can take."""
    import jax as jx
    import jax.numpy as jnp

    if isinstance(value, (bool, int, float)):
        return jnp.asarray(value)
    if not isinstance(value, (jx.Array, np.ndarray, np.generic)):
        _refuse(f, name, value, "JAX or numpy arrays and Python numbers")
    _check_dtype(f, name, value, np.dtype(value.dtype))
    return jnp.asarray(value)


def _signature(values: Sequence[Any]) -> tuple[tuple[tuple[int, ...], str], ...]:
    return tuple((tuple(np.shape(v)), str(v.dtype)) for v in values)


def _probe_output(f: Callable, names: tuple[str, ...] | None, signature: tuple) -> Any:
    """The output's shape and dtype, from the forward sweep run on ones."""
    import jax as jx

    forward, _ = _sweeps(f, names)
    ones = [np.ones(shape, dtype) for shape, dtype in signature]
    with np.errstate(all="ignore"):
        out = _one_output(f, forward(*_numpy_args(ones))[0])
    return jx.ShapeDtypeStruct(out.shape, jx.dtypes.canonicalize_dtype(out.dtype))


def _jax_forward_callback(
    f: Callable, names: tuple[str, ...] | None, out_type: Any, *values: Any
) -> np.ndarray:
    forward, _ = _sweeps(f, names)
    out = _one_output(f, forward(*_numpy_args(values))[0])
    return _as_declared(f, out, out_type, "output")


def _jax_backward_callback(
    f: Callable, names: tuple[str, ...], grad_types: tuple, *values: Any
) -> tuple[np.ndarray, ...]:
    *args, out_bar = values
    forward, backward = _sweeps(f, names)
    tape = forward(*_numpy_args(args))[1]
    grads = backward(tape, np.asarray(out_bar))
    return tuple(
        _as_declared(f, g, t, f"gradient of {n}")
        for n, g, t in zip(names, grads, grad_types, strict=True)
    )


def _numpy_args(values: Sequence[Any]) -> tuple:
    """Callback arguments as numpy arrays; a 0-d array as a numpy scalar, as
    adgen's sweeps see a Python float the caller passed."""
    return tuple(
        np.asarray(v)[()] if np.ndim(v) == 0 else np.asarray(v) for v in values
    )


def _as_declared(f: Callable, value: Any, declared: Any, what: str) -> np.ndarray:
    array = np.asarray(value, dtype=declared.dtype)
    if array.shape != tuple(declared.shape):
        if array.ndim == 0:  # a constant adjoint, as a scalar
            return np.full(declared.shape, array, dtype=declared.dtype)
        raise ValueError(
            f"`{f.__name__}`: the {what} has shape {array.shape}, not "
            f"{tuple(declared.shape)} (the shape the forward sweep gave on ones)"
        )
    return array


# --- PyTorch ----------------------------------------------------------------------


def torch(f: Callable, wrt: Wrt | None = None) -> Callable[..., Any]:
    """``f`` as a PyTorch function: a ``torch.autograd.Function`` whose forward is
    adgen's forward sweep (its tape saved with ``ctx.save_for_backward``) and whose
    backward is adgen's backward sweep.

    ``wrt=None`` differentiates the tensors that require grad; with ``wrt`` given,
    another parameter that requires grad raises.  Parameters not differentiated
    get ``None`` gradients.  Results have the inputs' dtype and device.
    """
    function = _torch_function()
    names = _wrt_names(f, wrt)

    @functools.wraps(f)
    def exported(*args: Any, **kwargs: Any) -> Any:
        params, values = _bound(f, args, kwargs)
        for name, value in zip(params, values, strict=True):
            _check_torch_value(f, name, value)
        return function.apply(_TorchExport(f, names, params), *values)

    return exported


class _TorchExport:
    """What the autograd Function needs besides the arguments: the model, the
    export's ``wrt``, the parameter names."""

    def __init__(self, f: Callable, wrt: tuple[str, ...] | None, params: list[str]):
        self.f, self.wrt, self.params = f, wrt, params


def _check_torch_value(f: Callable, name: str, value: Any) -> None:
    import torch as th

    if isinstance(value, th.Tensor):
        if value.dtype.is_floating_point and value.dtype not in (
            th.float32,
            th.float64,
        ):
            _refuse(f, name, value, "float32 or float64 tensors (or integer data)")
        if value.dtype.is_complex:
            _refuse(f, name, value, "float32 or float64 tensors (or integer data)")
    elif not isinstance(value, (bool, int, float)):
        _refuse(f, name, value, "tensors and Python numbers")


@functools.cache
def _torch_function() -> type:
    """The ``torch.autograd.Function`` class, made on first use (torch is imported then)."""
    import torch as th
    from torch.autograd.function import once_differentiable

    class AdgenFunction(th.autograd.Function):
        @staticmethod
        def forward(ctx: Any, export: _TorchExport, *values: Any) -> Any:
            asked = [
                n
                for n, need in zip(export.params, ctx.needs_input_grad[1:], strict=True)
                if need
            ]
            chosen = _differentiated(export.f, export.wrt, asked, "requires grad")
            forward_sweep, _ = _sweeps(export.f, chosen or export.wrt)
            arrays = [_numpy_view(v) for v in values]
            out, tape = forward_sweep(*numpy_floats(*arrays))
            out = _one_output(export.f, out)
            tensors = [v for v in values if isinstance(v, th.Tensor)]
            result = _torch_output(out, arrays, tensors)
            ctx.export, ctx.chosen, ctx.out_dtype = export, chosen, out.dtype
            # not the inputs themselves: a tensor kept on ctx is a reference cycle
            ctx.input_types = [
                (
                    (v.dtype, v.device, tuple(v.shape))
                    if isinstance(v, th.Tensor)
                    else None
                )
                for v in values
            ]
            _save_tape(ctx, tape, arrays, values, out, result)
            return result

        @staticmethod
        @once_differentiable
        def backward(ctx: Any, out_bar: Any) -> tuple:
            export, chosen = ctx.export, ctx.chosen
            if not chosen:
                return (None,) * (1 + len(export.params))
            tape = _load_tape(ctx)
            _, backward_sweep = _sweeps(export.f, chosen)
            seed = out_bar.detach().cpu().numpy().astype(ctx.out_dtype, copy=False)
            grads = dict(zip(chosen, backward_sweep(tape, seed), strict=True))
            gradients = [
                _torch_gradient(grads[n], t) if n in grads else None
                for n, t in zip(export.params, ctx.input_types, strict=True)
            ]
            return (None, *gradients)  # None: the export itself

    return AdgenFunction


def _numpy_view(value: Any) -> Any:
    import torch as th

    if isinstance(value, th.Tensor):
        return value.detach().cpu().numpy()
    return value


def _torch_output(out: np.ndarray, arrays: list, tensors: list) -> Any:
    """The output as a tensor in the inputs' (promoted) float dtype, on their device;
    a copy where it shares memory with an input."""
    import torch as th

    if any(isinstance(a, np.ndarray) and np.may_share_memory(out, a) for a in arrays):
        out = out.copy()
    result = th.from_numpy(out if out.flags.writeable else out.copy())
    floats = [t.dtype for t in tensors if t.dtype.is_floating_point]
    if floats:
        result = result.to(dtype=functools.reduce(th.promote_types, floats))
    return result.to(tensors[0].device) if tensors else result


def _save_tape(
    ctx: Any, tape: Any, arrays: list, values: tuple, out: np.ndarray, result: Any
) -> None:
    """Save the tape: its arrays as tensors through ``ctx.save_for_backward`` (an
    input's view as that input, the output as the output tensor, so torch notices
    an in-place change to either), the rest of it on ``ctx``."""
    import torch as th

    known = {
        id(a): v
        for a, v in zip(arrays, values, strict=True)
        if isinstance(a, np.ndarray) and isinstance(v, th.Tensor)
    }
    if result.device.type == "cpu" and np.may_share_memory(result.numpy(), out):
        known[id(out)] = result
    # every input tensor, so that torch checks each one for in-place changes
    tensors: list[Any] = [v for v in values if isinstance(v, th.Tensor)]

    def slot(leaf: Any) -> Any:
        if isinstance(leaf, (tuple, list)):
            return type(leaf)(slot(x) for x in leaf)
        if not isinstance(leaf, np.ndarray):
            return _Kept(leaf)
        tensor = known.get(id(leaf))
        if tensor is None:
            tensor = _shared_tensor(leaf)
            if tensor is None:
                return _Kept(leaf)
        tensors.append(tensor)
        return _Saved(len(tensors) - 1, leaf.dtype)

    ctx.tape_layout = slot(tape)
    ctx.save_for_backward(*tensors)


def _shared_tensor(array: np.ndarray) -> Any:
    """A tensor on ``array``'s memory, or None where torch cannot share it (negative
    strides, read-only memory, a dtype torch lacks)."""
    import torch as th

    if not array.flags.writeable:
        return None
    try:
        return th.from_numpy(array)
    except (TypeError, ValueError):
        return None


class _Kept:
    """A tape entry that is no array (a number, None): kept on ctx as it is."""

    def __init__(self, value: Any):
        self.value = value


class _Saved:
    """A tape entry saved as a tensor: its index among the saved tensors, its dtype."""

    def __init__(self, index: int, dtype: np.dtype):
        self.index, self.dtype = index, dtype


def _load_tape(ctx: Any) -> Any:
    saved = ctx.saved_tensors

    def value(slot: Any) -> Any:
        if isinstance(slot, (tuple, list)):
            return type(slot)(value(x) for x in slot)
        if isinstance(slot, _Kept):
            return slot.value
        array = saved[slot.index].detach().cpu().numpy()
        return array.astype(slot.dtype, copy=False)

    return value(ctx.tape_layout)


def _torch_gradient(gradient: Any, like: tuple | None) -> Any:
    """A gradient as a tensor of the input's dtype, device and shape (``like``), on
    memory of its own: torch may add into a gradient in place, and a gradient the
    sweep returned as it was (the seed, a tape entry) shares memory."""
    import torch as th

    if like is None:  # a Python number: no gradient
        return None
    dtype, device, shape = like
    array = np.asarray(gradient)
    if array.shape != shape:
        array = np.broadcast_to(array, shape)  # a constant adjoint, as a scalar
    own = array.flags.owndata and array.flags.writeable
    tensor = th.from_numpy(array) if own else th.tensor(array)
    return tensor.to(dtype=dtype, device=device)
