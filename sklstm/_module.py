"""The torch networks: one recurrent one-step model, and an ensemble of them.

Nothing here knows about scikit-learn: inputs are scaled float tensors,
outputs are in the same units.
"""

import torch
from torch import nn

_CELLS = {"lstm": nn.LSTM, "gru": nn.GRU}
# Gate blocks per recurrent layer: each has input, hidden and two bias weights.
_GATES = {"lstm": 4, "gru": 3}

# The smallest per-window scale, relative to the window's magnitude: keeps a
# flat window (a constant stretch of the series) from dividing by zero. The
# same share as the per-row scaling of sklstm._scaling.RowMinMax.
_MIN_RELATIVE_SCALE = 1e-3
# The smallest per-window scale in the network's units, where values are of
# order one: a window flat to float32 precision is not divided by nothing.
_MIN_SCALE = 1e-6


def window_scale(x: torch.Tensor) -> torch.Tensor:
    """Half the range of each window ``(batch, window)``: ``(batch, 1)``.

    Dividing by it maps each window onto a span of 2, as a MinMax scaling to
    (-1, 1) of that window alone would. A flat window falls back to a small
    share of its magnitude, and never below ``_MIN_SCALE`` of the network's
    units (values there are of order one: the scaler brings them there).
    """
    half_range = (x.amax(dim=1, keepdim=True) - x.amin(dim=1, keepdim=True)) / 2
    floor = _MIN_RELATIVE_SCALE * x.abs().amax(dim=1, keepdim=True)
    return torch.maximum(torch.maximum(half_range, floor), torch.full_like(floor, _MIN_SCALE))


class RecurrentOneStep(nn.Module):
    """Map windows ``(batch, window)`` to the next value ``(batch,)``.

    With ``relative=True`` each window is shifted so that its last value is
    zero and the network predicts the change from that value. The output then
    follows a level the network never saw during training, which is what lets
    a model trained on scaled levels extrapolate a trend.

    With ``window_scaling=True`` each (shifted) window is also divided by its
    own half-range (:func:`window_scale`; without ``relative``, centred on its
    mid-range: the window's own MinMax to (-1, 1)) and the prediction
    multiplied back:
    the network sees every window on the same scale, whatever the magnitude
    of its series, so that series of very different sizes share one network.

    With ``linear_skip=True`` a linear map of the (shifted) window of
    ``window`` values is added to the output, as in LSTNet's autoregressive
    "highway" (Lai et al., 2018). It starts at zero and is learned with the
    recurrent core; it carries the linear part of the dynamics (trend and
    seasonal lags), which a small recurrent core learns slowly and, from a
    few hundred optimizer steps, differently for every seed.

    With ``n_covariates > 0`` the recurrent core reads, at every step of the
    window, the target and the covariates of that step; the head and the
    linear skip also read the covariates of the step being predicted (and the
    skip those of the window's last step), so that a known future value such
    as a holiday flag moves the forecast of its own step.

    With ``linear_skip="ridge"`` the linear path reads the (shifted) window
    and the covariates of every step of the window and of the predicted step,
    has an intercept, and adds its output in the units of the values, whether
    the network scales its windows or not (a covariate's effect, such as a
    holiday's, does not grow with the window's range). It starts at a ridge
    regression fitted on the training pairs before training
    (``sklstm._training.fit_linear_skips``); its window part (``skip``) is
    then trained with the recurrent core, while its covariate part
    (``known``) stays at the ridge fit: many covariate columns on a few
    hundred pairs are what a penalty chosen out of sample is for, and what
    unpenalised training would overfit. The head starts at zero, so that the
    network starts as the linear model and the recurrent core learns what it
    leaves.
    """

    def __init__(
        self,
        cell: str = "lstm",
        hidden_size: int = 64,
        num_layers: int = 1,
        dropout: float = 0.0,
        relative: bool = True,
        linear_skip: bool | str = False,
        window: int | None = None,
        n_covariates: int = 0,
        window_scaling: bool = False,
    ):
        super().__init__()
        if linear_skip and window is None:
            raise ValueError("linear_skip=True needs the window length.")
        self.ridge = linear_skip == "ridge"
        self.relative = relative
        self.window_scaling = window_scaling
        self.n_covariates = n_covariates
        # nn.LSTM only applies dropout between stacked layers (and warns with
        # one layer); the extra Dropout makes the setting act on a single layer.
        self.rnn = _CELLS[cell](
            input_size=1 + n_covariates,
            hidden_size=hidden_size,
            num_layers=num_layers,
            dropout=dropout if num_layers > 1 else 0.0,
            batch_first=True,
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size + n_covariates, 1)
        self.skip = None
        self.known = None
        if self.ridge:
            # The window's part, with the intercept, is trained from the ridge
            # fit; the covariates' part stays at it.
            self.skip = nn.Linear(window, 1)
            nn.init.zeros_(self.skip.weight)
            nn.init.zeros_(self.skip.bias)
            if n_covariates:
                self.known = nn.Linear((window + 1) * n_covariates, 1, bias=False)
                self.known.requires_grad_(False)
                nn.init.zeros_(self.known.weight)
            # The network starts as its linear path alone.
            nn.init.zeros_(self.head.weight)
            nn.init.zeros_(self.head.bias)
        elif linear_skip:
            # Zero start: the network begins as the recurrent core alone.
            self.skip = nn.Linear(skip_inputs(linear_skip, window, n_covariates), 1, bias=False)
            nn.init.zeros_(self.skip.weight)

    def scale(self, x: torch.Tensor) -> torch.Tensor:
        """The unit of each window's prediction: ``(batch, 1)`` (1 without window scaling)."""
        if self.window_scaling:
            return window_scale(x)
        return torch.ones_like(x[:, -1:])

    def base(self, x: torch.Tensor) -> torch.Tensor:
        """What each window ``(batch, window)`` is shifted by: ``(batch, 1)``."""
        if self.relative:
            return x[:, -1:]
        if self.window_scaling:
            # The window's own MinMax to (-1, 1): centred on its mid-range.
            return (x.amax(dim=1, keepdim=True) + x.amin(dim=1, keepdim=True)) / 2
        return torch.zeros_like(x[:, -1:])

    def relative_covariates(self, covariates: torch.Tensor) -> torch.Tensor:
        """The covariates the linear path and the head read.

        A relative network predicts the change from the window's last value,
        so it reads the covariates as changes from their values at that step
        too: a covariate that stays where it was adds no change. Read as
        levels, a level never seen in training (a new law in force for a
        whole window) would add the same change at every recursive step, a
        drift that grows with the horizon.
        """
        if self.ridge and self.relative:
            return covariates - covariates[:, -2:-1]
        return covariates

    def skip_input(self, shifted: torch.Tensor, covariates: torch.Tensor | None) -> torch.Tensor:
        """What the linear path reads, from the shifted window (in the values' units)."""
        if not self.n_covariates:
            return shifted
        if self.ridge:
            return torch.cat((shifted, self.relative_covariates(covariates).flatten(1)), dim=1)
        return torch.cat((shifted, covariates[:, -2], covariates[:, -1]), dim=1)

    def linear(self, shifted: torch.Tensor, covariates: torch.Tensor | None) -> torch.Tensor:
        """The output of the ridge linear path ``(batch,)``, in the values' units."""
        out = self.skip(shifted).squeeze(-1)
        if self.known is not None:
            out = out + self.known(self.relative_covariates(covariates).flatten(1)).squeeze(-1)
        return out

    def forward(self, x: torch.Tensor, covariates: torch.Tensor | None = None) -> torch.Tensor:
        """Next value after each window.

        Parameters
        ----------
        x : tensor of shape (batch, window)
            The target's recent values, oldest first.
        covariates : tensor of shape (batch, window + 1, n_covariates), optional
            The covariates of the window's steps followed by those of the
            predicted step.
        """
        unit = None
        base = self.base(x)
        shifted = x - base
        linear = None
        if self.ridge:
            linear = self.linear(shifted, covariates)
        if self.window_scaling:
            unit = window_scale(x)
            shifted = shifted / unit
        inputs = shifted.unsqueeze(-1)
        if self.n_covariates:
            inputs = torch.cat((inputs, covariates[:, :-1]), dim=-1)
        output, _ = self.rnn(inputs)
        last = self.dropout(output[:, -1])
        if self.n_covariates:
            last = torch.cat((last, self.relative_covariates(covariates)[:, -1]), dim=-1)
        step = self.head(last).squeeze(-1)
        if self.skip is not None and not self.ridge:
            step = step + self.skip(self.skip_input(shifted, covariates)).squeeze(-1)
        if unit is not None:
            step = step * unit.squeeze(-1)
        if linear is not None:
            step = step + linear
        return step + base.squeeze(-1)


class Ensemble(nn.Module):
    """Several :class:`RecurrentOneStep` networks with their own weights.

    Trained together (each on its own batches, see ``sklstm._training``) and
    used together: :func:`predict_recursive` averages their forecasts.
    """

    def __init__(self, members):
        super().__init__()
        self.members = nn.ModuleList(members)

    def __len__(self):
        return len(self.members)

    def forward(self, x, covariates=None, members=None):
        """Each member's next value for its own windows.

        ``x`` has shape ``(n, batch, window)`` and ``covariates`` ``(n, batch,
        window + 1, n_covariates)``, where member ``members[i]`` (all members
        by default) reads ``x[i]``; the result has shape ``(n, batch)``.
        """
        members = range(len(self.members)) if members is None else members
        return torch.stack(
            [
                self.members[e](x[i], None if covariates is None else covariates[i])
                for i, e in enumerate(members)
            ]
        )

    def scale(self, x, members=None):
        """Per-window units ``(n, batch)`` of :meth:`forward`'s windows."""
        members = range(len(self.members)) if members is None else members
        return torch.stack(
            [self.members[e].scale(x[i]).squeeze(-1) for i, e in enumerate(members)]
        )


# CPU matrix kernels round a row differently depending on how many rows share
# the call (the remainder of the vectorised block). Running every batch with a
# multiple of this many rows makes each row's prediction independent of its
# batch, so ``predict`` is invariant to row order and subsets, bit for bit.
_ROW_BLOCK = 16


@torch.no_grad()
def predict_recursive(
    module: Ensemble,
    windows: torch.Tensor,
    steps: int,
    covariates: torch.Tensor | None = None,
) -> torch.Tensor:
    """Predict ``steps`` values after each window, feeding predictions back.

    At every step each member of the ensemble predicts the next value from
    the current window, the prediction is the members' mean, and that mean is
    appended to the window for the next step: the ensemble is one recursive
    model. All windows advance together, one batched forward pass per member
    and step.

    Parameters
    ----------
    module : Ensemble
    windows : tensor of shape (batch, window)
    steps : int
    covariates : tensor of shape (batch, window + steps, n_covariates), optional
        The covariates of the window's steps followed by those of the
        ``steps`` predicted steps.

    Returns
    -------
    forecasts : float64 tensor of shape (batch, steps)
    """
    n_rows, width = windows.shape
    padding = -n_rows % _ROW_BLOCK
    if padding:
        windows = torch.cat((windows, windows[-1:].expand(padding, -1)))
        if covariates is not None:
            covariates = torch.cat((covariates, covariates[-1:].expand(padding, -1, -1)))
    was_training = module.training
    module.eval()
    try:
        out = windows.new_empty((windows.shape[0], steps), dtype=torch.float64)
        current = windows
        for step in range(steps):
            known = None if covariates is None else covariates[:, step : step + width + 1]
            # The mean in float64: the same numbers whatever the batch holds.
            predictions = [member(current, known).double() for member in module.members]
            out[:, step] = torch.stack(predictions).mean(dim=0)
            current = torch.cat((current[:, 1:], out[:, step : step + 1].to(windows.dtype)), dim=1)
        return out[:n_rows]
    finally:
        module.train(was_training)


def skip_inputs(linear_skip, window, n_covariates):
    """The number of values the linear skip reads (``linear_skip`` true)."""
    if linear_skip == "ridge":
        # The window, and the covariates of its steps and of the predicted one.
        return window + (window + 1) * n_covariates
    # The window, and the covariates of its last step and of the predicted one.
    return window + 2 * n_covariates


def parameter_count(
    cell: str = "lstm",
    hidden_size: int = 64,
    num_layers: int = 1,
    linear_skip: bool | str = False,
    window: int | None = None,
    n_covariates: int = 0,
    **_,
) -> int:
    """The number of weights of ``RecurrentOneStep(**config)``, without building it."""
    gates = _GATES[cell] * hidden_size
    first = gates * (1 + n_covariates + hidden_size + 2)
    others = gates * (2 * hidden_size + 2) * (num_layers - 1)
    head = hidden_size + n_covariates + 1
    skip = 0
    if linear_skip and window is not None:
        # A ridge path has an intercept.
        skip = skip_inputs(linear_skip, window, n_covariates) + (linear_skip == "ridge")
    return first + others + head + skip


def build_module(seeds, window_scaling=False, **config) -> Ensemble:
    """An ensemble of freshly initialised networks, member ``e`` from ``seeds[e]`` only.

    ``window_scaling`` is one setting for every member, or a list with one
    per member.
    """
    if isinstance(window_scaling, bool):
        window_scaling = [window_scaling] * len(seeds)
    if len(window_scaling) != len(seeds):
        raise ValueError("window_scaling needs one setting per member.")
    members = []
    for seed, scaled in zip(seeds, window_scaling, strict=True):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            members.append(RecurrentOneStep(window_scaling=bool(scaled), **config))
    return Ensemble(members)
