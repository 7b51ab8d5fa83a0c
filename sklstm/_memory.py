"""The memory a network needs, estimated before it is built.

torch allocates the weights of ``nn.LSTM(hidden_size=10**6)`` when the module
is built and fails with an allocator error of 16 TB that does not name the
parameter; a size that just fits makes the machine swap. The estimate here is
arithmetic on the configuration and costs nothing.
"""

import os

import torch

from ._module import parameter_count

_FLOAT_BYTES = 4  # the network is float32
# Weights, gradients, two Adam moments and the copy of the best weights.
_TRAINING_COPIES = 5
# Where the machine's memory cannot be read: no network this large is reasonable.
_UNKNOWN_MEMORY_LIMIT = 1 << 40


def device_memory(device):
    """Total memory of ``device`` in bytes, or None where it cannot be read cheaply."""
    try:
        if torch.device(device).type == "cuda":
            return int(torch.cuda.get_device_properties(torch.device(device)).total_memory)
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, AssertionError, OSError, RuntimeError, TypeError, ValueError):
        return None


def training_bytes(config, window, batch_size, n_members=1):
    """About how many bytes training an ensemble of ``n_members`` networks of ``config`` takes."""
    hidden, layers = config["hidden_size"], config["num_layers"]
    weights = parameter_count(**config) * _FLOAT_BYTES * _TRAINING_COPIES
    # Gate activations kept for the backward pass, per batch.
    gates = 4 if config["cell"] == "lstm" else 3
    activations = batch_size * window * layers * hidden * (gates + 2) * _FLOAT_BYTES
    return (weights + activations) * n_members


def format_bytes(n):
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError  # pragma: no cover


def check_network_size(config, window, batch_size, device, n_members=1):
    """Raise a ``ValueError`` naming the parameters when the networks cannot fit."""
    needed = training_bytes(config, window, batch_size, n_members)
    available = device_memory(device)
    limit = _UNKNOWN_MEMORY_LIMIT if available is None else available
    if needed <= limit:
        return
    if available is None:
        where = "more than any machine can reasonably give"
    else:
        machine = "GPU" if torch.device(device).type == "cuda" else "machine"
        where = f"more than the {format_bytes(available)} of memory of this {machine}"
    raise ValueError(
        f"hidden_size={config['hidden_size']} with num_layers={config['num_layers']} "
        f"makes a network of {parameter_count(**config):.3g} weights; training "
        f"{'it' if n_members == 1 else f'the {n_members} of the ensemble (n_estimators)'} "
        f"needs about {format_bytes(needed)} of memory, {where}. Use a smaller "
        "hidden_size or num_layers: a few dozen to a few hundred units suit most series."
    )
