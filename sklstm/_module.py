"""The torch network: a recurrent core and a linear head, one step ahead."""

import torch
from torch import nn

_CELLS = {"lstm": nn.LSTM, "gru": nn.GRU}
# Gate blocks per recurrent layer: each has input, hidden and two bias weights.
_GATES = {"lstm": 4, "gru": 3}


class RecurrentOneStep(nn.Module):
    """Map a batch of windows ``(batch, window)`` to the next value ``(batch,)``.

    With ``relative=True`` each window is shifted so that its last value is
    zero and the network predicts the change from that value. The output then
    follows a level the network never saw during training, which is what lets
    a model trained on scaled levels extrapolate a trend.

    With ``linear_skip=True`` a linear map of the (shifted) window of
    ``window`` values is added to the output, as in LSTNet's autoregressive
    "highway" (Lai et al., 2018). It starts at zero and is learned with the
    recurrent core; it carries the linear part of the dynamics (trend and
    seasonal lags), which a small recurrent core learns slowly and, from a
    few hundred optimizer steps, differently for every seed.
    """

    def __init__(
        self,
        cell: str = "lstm",
        hidden_size: int = 64,
        num_layers: int = 1,
        dropout: float = 0.0,
        relative: bool = True,
        linear_skip: bool = False,
        window: int | None = None,
    ):
        super().__init__()
        if linear_skip and window is None:
            raise ValueError("linear_skip=True needs the window length.")
        self.relative = relative
        # nn.LSTM only applies dropout between stacked layers (and warns with
        # one layer); the extra Dropout makes the setting act on a single layer.
        self.rnn = _CELLS[cell](
            input_size=1,
            hidden_size=hidden_size,
            num_layers=num_layers,
            dropout=dropout if num_layers > 1 else 0.0,
            batch_first=True,
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, 1)
        self.skip = None
        if linear_skip:
            # Zero start: the network begins as the recurrent core alone.
            self.skip = nn.Linear(window, 1, bias=False)
            nn.init.zeros_(self.skip.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        base = x[:, -1:] if self.relative else torch.zeros_like(x[:, -1:])
        shifted = x - base
        output, _ = self.rnn(shifted.unsqueeze(-1))
        step = self.head(self.dropout(output[:, -1])).squeeze(-1)
        if self.skip is not None:
            step = step + self.skip(shifted).squeeze(-1)
        return step + base.squeeze(-1)


# CPU matrix kernels round a row differently depending on how many rows share
# the call (the remainder of the vectorised block). Running every batch with a
# multiple of this many rows makes each row's prediction independent of its
# batch, so ``predict`` is invariant to row order and subsets, bit for bit.
_ROW_BLOCK = 16


@torch.no_grad()
def predict_recursive(module: nn.Module, windows: torch.Tensor, steps: int) -> torch.Tensor:
    """Predict ``steps`` values after each window, feeding predictions back.

    All windows advance together: one batched forward pass per step.
    """
    n_rows = windows.shape[0]
    padding = -n_rows % _ROW_BLOCK
    if padding:
        windows = torch.cat((windows, windows[-1:].expand(padding, -1)))
    was_training = module.training
    module.eval()
    try:
        out = torch.empty((windows.shape[0], steps), dtype=windows.dtype, device=windows.device)
        for step in range(steps):
            out[:, step] = module(windows)
            windows = torch.cat((windows[:, 1:], out[:, step : step + 1]), dim=1)
        return out[:n_rows]
    finally:
        module.train(was_training)


def parameter_count(
    cell: str = "lstm",
    hidden_size: int = 64,
    num_layers: int = 1,
    linear_skip: bool = False,
    window: int | None = None,
    **_,
) -> int:
    """The number of weights of ``RecurrentOneStep(**config)``, without building it."""
    gates = _GATES[cell] * hidden_size
    first = gates * (1 + hidden_size + 2)
    others = gates * (2 * hidden_size + 2) * (num_layers - 1)
    head = hidden_size + 1
    skip = window if linear_skip and window is not None else 0
    return first + others + head + skip


def build_module(seed: int, **config) -> RecurrentOneStep:
    """A freshly initialised network whose weights depend on ``seed`` only."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return RecurrentOneStep(**config)
