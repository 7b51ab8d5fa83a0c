"""Training on skorch: an ensemble in one pass, windows gathered per batch.

Nothing here knows about scikit-learn estimators: :func:`train` takes a torch
ensemble and scaled sequences and returns what the estimator stores.

The members of an ensemble are trained together, in one loop over batches
with one optimizer, but each as if alone: each draws its batches from its
own random generator, its loss is a separate term whose gradient reaches only
its own weights, the optimizer's update is per parameter, and each stops on
its own loss. A member therefore ends with the weights that training it alone
with its seed would give (without dropout, whose masks all members draw from
one stream).
"""

import math
import warnings
from dataclasses import dataclass

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import Callback
from skorch.helper import predefined_split
from torch.utils.data import Dataset

# The learning rate decays to this share of ``learning_rate`` over the planned steps.
_FINAL_LR_SHARE = 0.1

_OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "rmsprop": torch.optim.RMSprop,
    "sgd": torch.optim.SGD,
}


class WindowPairs(Dataset):
    """Every ``(window -> next value)`` pair inside each row of ``sequences``.

    ``sequences`` has shape ``(n_rows, length)``: each row's history followed
    by its targets. ``covariates``, when given, has shape ``(n_rows, length,
    n_covariates)``: the covariates at the time of each of those values.
    Pairs are never materialised: a batch of pair indices is turned into
    ``(batch, window)`` inputs, ``(batch,)`` targets and ``(batch, window + 1,
    n_covariates)`` covariates by one gather each, so the memory cost is the
    sequences themselves.
    """

    def __init__(self, sequences, window, covariates=None):
        self.sequences = sequences
        self.covariates = covariates
        self.window = window
        self.pairs_per_row = sequences.shape[1] - window
        self._offsets = torch.arange(window + 1, device=sequences.device)

    def __len__(self) -> int:
        return self.sequences.shape[0] * self.pairs_per_row

    def __getitem__(self, i):
        return self.gather(torch.as_tensor([i]))

    def gather(self, index: torch.Tensor):
        """``(x, y, covariates)`` of the pairs ``index`` (covariates ``None`` without)."""
        index = index.to(self.sequences.device)
        rows = torch.div(index, self.pairs_per_row, rounding_mode="floor")
        starts = index - rows * self.pairs_per_row
        positions = starts.unsqueeze(1) + self._offsets
        values = self.sequences[rows.unsqueeze(1), positions]
        known = None
        if self.covariates is not None:
            known = self.covariates[rows.unsqueeze(1), positions]
        return values[:, :-1], values[:, -1], known

    def targets_variance(self) -> float:
        """Variance of all targets, the denominator of a validation R²."""
        return float(self.sequences[:, self.window :].double().var(unbiased=False))


class MemberBatches:
    """Batches for every member at once: ``(x, y, covariates)`` with a leading member axis.

    With ``generators`` (one ``torch.Generator`` per member) each member
    visits the pairs in its own random order; without, every member reads
    the same pairs in order (validation). skorch passes ``batch_size`` and
    the generators through ``iterator_train__*``.
    """

    def __init__(self, dataset: WindowPairs, batch_size: int, generators=None, n_members=1):
        self.dataset = dataset
        self.batch_size = batch_size
        self.generators = generators
        self.n_members = len(generators) if generators else n_members

    def __len__(self) -> int:
        return math.ceil(len(self.dataset) / self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        size = self.batch_size
        if self.generators is None:
            for start in range(0, n, size):
                x, y, known = self.dataset.gather(torch.arange(start, min(start + size, n)))
                yield _expand(x, y, known, self.n_members)
            return
        # One order per member, stacked batch by batch: a stack of whole
        # orders would copy them all. int32 where it holds every index (the
        # same permutation as int64): half the memory on long series.
        dtype = torch.int32 if n < 2**31 else torch.int64
        orders = [torch.randperm(n, generator=g, dtype=dtype) for g in self.generators]
        for start in range(0, n, size):
            index = torch.stack([order[start : start + size] for order in orders])
            x, y, known = self.dataset.gather(index.reshape(-1))
            shape = index.shape
            yield (
                x.reshape(*shape, -1),
                y.reshape(shape),
                None if known is None else known.reshape(*shape, *known.shape[1:]),
            )


def _expand(x, y, known, n_members):
    return (
        x.expand(n_members, *x.shape),
        y.expand(n_members, *y.shape),
        None if known is None else known.expand(n_members, *known.shape),
    )


class _LeanNet(NeuralNet):
    """A NeuralNet that trains the members of an ensemble, with lean epochs.

    Per batch, skorch records two history entries, notifies three callbacks,
    switches every module to train or eval mode, converts the batch and the
    target with ``to_tensor`` and dispatches through ``infer`` and
    ``get_loss``. For the small recurrent models used here that bookkeeping
    costs as much as the forward pass. The batches already are tensors on the
    right device, so a step here is the plain forward, loss, backward and
    optimizer step of the members still training (``active_``); the mode is
    set once per epoch and losses are recorded once per epoch, per member.
    """

    def __init__(self, *args, max_steps=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_steps = max_steps

    @property
    def _default_callbacks(self):
        return []

    def initialize(self):
        super().initialize()
        self.active_ = list(range(len(self.module_)))
        self.steps_done_ = 0
        self.steps_total_ = None
        self.budget_spent_ = False
        return self

    def _anneal(self):
        """Cosine decay of the learning rate, from ``lr`` to a tenth of it at the last step.

        With a constant rate, Adam's last steps keep jittering the weights by
        about the rate; decaying it lets them settle, so the weights at the end
        are as good as the best ones seen and no epoch's weights need keeping.
        """
        progress = min(self.steps_done_ / self.steps_total_, 1.0)
        factor = _FINAL_LR_SHARE + (1 - _FINAL_LR_SHARE) * 0.5 * (1 + math.cos(math.pi * progress))
        for group in self.optimizer_.param_groups:
            group["lr"] = self.lr * factor

    def _member_errors(self, batch):
        """Each active member's errors ``(n_active, batch)``, and their units."""
        x, y, known = batch
        active = self.active_
        if len(active) < x.shape[0]:
            x, y = x[active], y[active]
            known = None if known is None else known[active]
        pred = self.module_(x, known, members=active)
        return pred - y, self.module_.scale(x, members=active)

    def train_step(self, batch, **fit_params):
        self.optimizer_.zero_grad(set_to_none=True)
        error, unit = self._member_errors(batch)
        # Errors in each window's own unit (1 unless the network scales
        # windows): every window weighs the same, whatever its magnitude.
        losses = (error / unit).square().mean(dim=1)
        losses.sum().backward()
        self._anneal()
        self.optimizer_.step()
        self.steps_done_ += 1
        return losses.detach()

    def validation_step(self, batch, **fit_params):
        # The loss in each member's unit, and the plain mean squared error in
        # the scaler's units that members stop on and the R² is read from.
        error, unit = self._member_errors(batch)
        return torch.stack(((error / unit).square().mean(dim=1), error.square().mean(dim=1)))

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        if iterator is None:
            return
        # Module.train walks every submodule: only switch when the mode changes.
        if self.module_.training != training:
            self._set_training(training)
        active = list(self.active_)
        if training and self.steps_total_ is None:
            planned = self.max_epochs * len(iterator)
            self.steps_total_ = max(
                1, planned if self.max_steps is None else min(planned, self.max_steps)
            )
        # Batch losses stay on the device, in a buffer allocated once, and are
        # reduced once per epoch: no host sync per batch.
        kinds = 1 if training else 2
        losses = torch.empty(
            (len(iterator), kinds, len(active)), dtype=torch.float64, device=self.device
        )
        sizes = []
        with torch.set_grad_enabled(training):
            for i, batch in enumerate(iterator):
                losses[i] = step_fn(batch).reshape(kinds, -1)
                sizes.append(batch[1].shape[1])
                if training and self.steps_done_ >= self.steps_total_:
                    # The step budget ends training, possibly mid-epoch.
                    self.budget_spent_ = True
                    break
        weights = torch.tensor(sizes, dtype=torch.float64, device=self.device)
        per_member = torch.einsum("b,bka->ka", weights, losses[: len(sizes)])
        per_member = (per_member / max(sum(sizes), 1)).tolist()
        row = _last_row(self.history)
        row[prefix + "_loss"] = float(np.mean(per_member[0]))
        # What each member stops on: its training loss, or its validation MSE.
        monitored = per_member[0] if training else per_member[1]
        member_losses = [math.nan] * len(self.module_)
        for e, value in zip(active, monitored, strict=True):
            member_losses[e] = value
        row[prefix + "_member_losses"] = member_losses

    def on_epoch_begin(self, net, **kwargs):
        # NeuralNet.on_epoch_begin, without History.record's copy of the history.
        self.history.new_epoch()
        _last_row(self.history)["epoch"] = len(self.history)


def _last_row(history):
    """The current epoch's row of a skorch ``History``.

    ``history[-1]`` copies the whole history (``History.to_list``) on every
    lookup, which makes a lookup per epoch quadratic in the number of epochs.
    """
    return list.__getitem__(history, -1)


class _StopWhenStalled(Callback):
    """Stop each member whose ``monitor`` loss stalls for ``patience`` epochs.

    A member's epoch is a miss unless it improves the loss by ``tol``. Each
    member keeps the weights of its best epoch, restored at the end, also
    after an interrupt; training ends when every member has stopped. Per
    member this is skorch's ``EarlyStopping(threshold_mode="abs",
    load_best=True)`` without its per-epoch costs: it looks the loss up through
    ``History.__getitem__`` (a copy of the whole history) and deep-copies the
    state dict at every improving epoch, where copying into tensors allocated
    once does the same.
    """

    def __init__(self, monitor, patience, tol):
        self.monitor = monitor
        self.patience = patience
        self.tol = tol

    def on_train_begin(self, net, **kwargs):
        n = len(net.module_.members)
        self.misses_ = [0] * n
        self.best_loss_ = [math.inf] * n
        self.best_epoch_ = [0] * n
        self.last_epoch_ = [0] * n
        self.best_weights_ = [None] * n

    def on_epoch_end(self, net, **kwargs):
        # As MLPRegressor: an epoch is a miss unless it beats the best loss by
        # ``tol``, but the weights kept are those of the lowest loss. (Keeping
        # only threshold-beating epochs, as skorch does, restores weights from
        # many epochs back once the loss falls slower than ``tol`` per epoch.)
        row = _last_row(net.history)
        losses = row[f"{self.monitor}_member_losses"]
        for e in list(net.active_):
            loss = losses[e]
            self.last_epoch_[e] = row["epoch"]
            self.misses_[e] = self.misses_[e] + 1 if loss > self.best_loss_[e] - self.tol else 0
            if loss < self.best_loss_[e]:
                self.best_loss_[e] = loss
                self.best_epoch_[e] = row["epoch"]
                state = net.module_.members[e].state_dict()
                if self.best_weights_[e] is None:
                    self.best_weights_[e] = {k: v.detach().clone() for k, v in state.items()}
                else:
                    for name, value in state.items():
                        self.best_weights_[e][name].copy_(value)
            if self.misses_[e] >= self.patience:
                net.active_.remove(e)
        if not net.active_ or net.budget_spent_:
            # skorch's fit loop ends training quietly on KeyboardInterrupt.
            raise KeyboardInterrupt

    def on_train_end(self, net, **kwargs):
        for e, weights in enumerate(self.best_weights_):
            if weights is not None and self.best_epoch_[e] != self.last_epoch_[e]:
                net.module_.members[e].load_state_dict(weights)

    @property
    def stopped(self):
        return all(m >= self.patience for m in self.misses_)


class _FiniteLoss(Callback):
    """Stop with a clear error as soon as a member's loss is not finite."""

    def __init__(self, learning_rate):
        self.learning_rate = learning_rate

    def on_train_begin(self, net, **kwargs):
        self.last_finite_ = None

    def on_epoch_end(self, net, **kwargs):
        row = _last_row(net.history)
        for key in ("train", "valid"):
            losses = row.get(f"{key}_member_losses")
            if losses is None:
                continue
            bad = [losses[e] for e in net.active_ if not math.isfinite(losses[e])]
            if bad:
                if self.last_finite_ is None:
                    before = "no earlier epoch of this fit had a finite loss"
                else:
                    before = "last finite training loss: {:.6g} at epoch {}".format(
                        *self.last_finite_
                    )
                raise ValueError(
                    f"The {key} loss became {bad[0]} at epoch {row['epoch']} ({before}). "
                    "Training diverged: use a smaller learning_rate (currently "
                    f"{self.learning_rate}), a scaler such as 'minmax', or check "
                    "the data for extreme values."
                )
        self.last_finite_ = (row["train_loss"], row["epoch"])


class _StopOnEvent(Callback):
    """Interrupt training at the end of an epoch once ``event`` is set."""

    def __init__(self, event):
        self.event = event

    def on_epoch_end(self, net, **kwargs):
        if self.event.is_set():
            raise KeyboardInterrupt


class _EpochProgress(Callback):
    """One tqdm bar over epochs, showing the latest losses."""

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        from tqdm.auto import tqdm

        self.bar_ = tqdm(total=net.max_epochs, unit="epoch", leave=True)

    def on_epoch_end(self, net, **kwargs):
        row = _last_row(net.history)
        self.bar_.set_postfix(
            {k: f"{row[k]:.4g}" for k in ("train_loss", "valid_loss") if k in row},
            refresh=False,
        )
        self.bar_.update(1)

    def on_train_end(self, net, **kwargs):
        self.bar_.close()


# Ridge penalty of the least-squares start of a trained linear skip, per training pair.
_RIDGE = 1e-3
# Pairs gathered at a time while accumulating the least-squares system.
_LSQ_CHUNK = 1 << 10
# Penalties a fixed linear skip chooses from, per training pair, on
# standardised inputs: from next to least squares to next to the mean alone.
_RIDGE_GRID = torch.logspace(-6, 3, 37, dtype=torch.float64)


@torch.no_grad()
def _moments(member, pairs: WindowPairs):
    """Sums over the pairs of the skip's inputs ``z`` and targets ``t`` (float64).

    Returns ``n``, ``sum z``, ``sum t``, ``sum z z^T``, ``sum z t`` and ``sum t^2``,
    where ``z`` is what ``member``'s skip reads and ``t`` the change of the
    target from the member's base: one pass, memory independent of ``n``.
    """
    device = pairs.sequences.device
    size = member.skip.in_features
    if member.known is not None:
        size += member.known.in_features
    sums = {
        "z": torch.zeros(size, dtype=torch.float64, device=device),
        "t": torch.zeros((), dtype=torch.float64, device=device),
        "zz": torch.zeros((size, size), dtype=torch.float64, device=device),
        "zt": torch.zeros(size, dtype=torch.float64, device=device),
        "tt": torch.zeros((), dtype=torch.float64, device=device),
    }
    n = len(pairs)
    for start in range(0, n, _LSQ_CHUNK):
        x, y, known = pairs.gather(torch.arange(start, min(start + _LSQ_CHUNK, n)))
        base = member.base(x)
        z = member.skip_input(x - base, known).double()
        t = (y - base[:, 0]).double()
        sums["z"] += z.sum(dim=0)
        sums["t"] += t.sum()
        sums["zz"] += z.T @ z
        sums["zt"] += z.T @ t
        sums["tt"] += t @ t
    return n, sums


def ridge_gcv(n, sums):
    """Ridge regression with an intercept, its penalty chosen by generalised cross-validation.

    The inputs are centred and standardised, and the penalty is the one of
    ``_RIDGE_GRID`` (times ``n``) with the smallest GCV criterion
    ``n RSS / (n - df)^2`` (Golub, Heath and Wahba, 1979), the rotation-invariant
    form of the leave-one-out error that ``RidgeCV`` minimises. Everything
    comes from the sums of :func:`_moments`, so the cost does not grow with
    the number of pairs. Returns ``(weights, intercept, penalty)`` on the
    original inputs.
    """
    if not all(bool(torch.isfinite(v).all()) for v in sums.values()):
        # Values far from order one (scaler=None) overflow the sums: no
        # linear start; the network starts as the recurrent core alone.
        zero = torch.zeros_like(sums["z"])
        return zero, zero.new_zeros(()), math.inf
    mean_z, mean_t = sums["z"] / n, sums["t"] / n
    gram = sums["zz"] - n * torch.outer(mean_z, mean_z)
    cross = sums["zt"] - n * mean_z * mean_t
    total = max(float(sums["tt"] - n * mean_t**2), 0.0)
    std = gram.diagonal().clamp(min=0).div(n).sqrt()
    # A constant input (a covariate that never changes in training) carries
    # nothing: it gets a zero weight.
    used = std > 1e-12 * max(float(std.max()), 1e-300)
    std = torch.where(used, std, torch.ones_like(std))
    gram = gram / torch.outer(std, std)
    cross = cross / std
    gram = torch.where(used[:, None] & used[None, :], gram, torch.zeros_like(gram))
    cross = torch.where(used, cross, torch.zeros_like(cross))
    eigenvalues, vectors = torch.linalg.eigh(gram)
    eigenvalues = eigenvalues.clamp(min=0)
    projected = vectors.T @ cross
    penalties = n * _RIDGE_GRID.to(gram.device)
    shrink = eigenvalues[None, :] + penalties[:, None]
    # Residual sum of squares and effective degrees of freedom (with the intercept).
    rss = total - (
        projected.square()[None, :] * (eigenvalues + 2 * penalties[:, None]) / shrink.square()
    ).sum(dim=1)
    rss = rss.clamp(min=0)
    df = 1 + (eigenvalues[None, :] / shrink).sum(dim=1)
    room = n - df
    gcv = torch.where(room > 0.5, n * rss / room.clamp(min=0.5).square(), torch.inf)
    best = int(torch.argmin(gcv))
    if not torch.isfinite(gcv[best]):
        best = len(penalties) - 1
    coefficients = vectors @ (projected / shrink[best])
    weights = torch.where(used, coefficients / std, torch.zeros_like(coefficients))
    intercept = mean_t - weights @ mean_z
    return weights, intercept, float(penalties[best] / n)


@torch.no_grad()
def fit_linear_skips(module, pairs: WindowPairs):
    """Fit the linear skip of each member on the training pairs before training.

    A fixed skip (``linear_skip="ridge"``) becomes a ridge regression of the
    change from each window's base on the window and the covariates, with
    its penalty chosen by generalised cross-validation on the pairs
    (:func:`ridge_gcv`), so that the network starts from the linear model
    that does best out of sample on these pairs, however few they are and
    however many covariate columns they carry, and the recurrent core only
    learns what it leaves. A trained skip of a member that reads unscaled
    windows starts at its (lightly ridge-regularised) least-squares fit;
    members that scale their windows keep a zero start there: their windows
    are normalised one by one, which the network itself learns to use.
    """
    fitted = {}
    for member in module.members:
        if member.skip is None:
            continue
        if member.ridge:
            # Members whose windows share a base share the fit.
            key = (member.relative, member.window_scaling and not member.relative)
            if key not in fitted:
                fitted[key] = ridge_gcv(*_moments(member, pairs))
            weights, intercept, _ = fitted[key]
            weights = weights.to(member.skip.weight.dtype)
            window = member.skip.in_features
            member.skip.weight.copy_(weights[None, :window])
            member.skip.bias.fill_(float(intercept))
            if member.known is not None:
                member.known.weight.copy_(weights[None, window:])
        elif not member.window_scaling:
            if "lsq" not in fitted:
                n, sums = _moments(member, pairs)
                size = member.skip.in_features
                gram = sums["zz"] + _RIDGE * n * torch.eye(
                    size, dtype=torch.float64, device=sums["zz"].device
                )
                try:
                    fitted["lsq"] = torch.linalg.solve(gram, sums["zt"])
                except torch.linalg.LinAlgError:
                    # Beside values far from order one (scaler=None) the ridge
                    # rounds away and constant windows leave the system
                    # singular: take the minimum-norm least-squares fit.
                    fitted["lsq"] = torch.linalg.pinv(gram, hermitian=True) @ sums["zt"]
            member.skip.weight.copy_(fitted["lsq"][None].to(member.skip.weight.dtype))


@dataclass
class TrainResult:
    loss_curve: list
    validation_scores: list | None
    best_validation_score: float | None
    n_iter: int
    optimizer_state: dict
    interrupted: bool


def _to_cpu(obj):
    if isinstance(obj, torch.Tensor):
        return obj.detach().cpu()
    if isinstance(obj, dict):
        return {k: _to_cpu(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_to_cpu(v) for v in obj]
    return obj


def train(
    module,
    train_pairs: WindowPairs,
    valid_pairs: WindowPairs | None,
    *,
    seeds,
    max_epochs: int,
    max_steps: int | None,
    batch_size: int,
    learning_rate: float,
    optimizer: str,
    weight_decay: float,
    n_iter_no_change: int,
    tol: float,
    device: str,
    verbose: int,
    optimizer_state: dict | None = None,
    linear_start: bool = False,
    stop=None,
) -> TrainResult:
    """Train the ensemble ``module`` in place (on ``device``); return the training record.

    Member ``e`` draws its batches from a generator seeded with ``seeds[e]``.
    With ``valid_pairs``, each member stops when its validation loss has not
    improved by more than ``tol`` for ``n_iter_no_change`` epochs; without,
    training runs for ``max_epochs`` (or ``max_steps``). Each member gets the
    weights of its best epoch (by that loss, else by its training loss)
    back, also after a ``KeyboardInterrupt``. The global torch RNG state is
    left as it was: all randomness is drawn from ``seeds``. With
    ``linear_start``, linear skips start at their least-squares fit
    (:func:`fit_linear_skips`). ``stop``, a ``threading.Event``, interrupts
    training at the end of the epoch during which it is set.
    """
    if linear_start:
        fit_linear_skips(module, train_pairs)
    monitor = "valid" if valid_pairs is not None else "train"
    # Without validation rows, training runs its whole budget: the learning
    # rate decays to the end of it, and stopping on the (noisy) training loss
    # before that ends a network's training while its steps are still large.
    patience = n_iter_no_change if valid_pairs is not None else math.inf
    stopper = _StopWhenStalled(monitor, patience=patience, tol=tol)
    # The progress bar first: it shows the epoch that ends training too.
    callbacks = [("progress", _EpochProgress())] if verbose else []
    callbacks += [
        ("finite_loss", _FiniteLoss(learning_rate)),
        ("stopper", stopper),
    ]
    if stop is not None:
        callbacks.append(("stop", _StopOnEvent(stop)))
    generators = []
    for seed in seeds:
        generator = torch.Generator()
        generator.manual_seed(int(seed))
        generators.append(generator)
    net = _LeanNet(
        module,
        criterion=torch.nn.MSELoss,
        optimizer=_OPTIMIZERS[optimizer],
        optimizer__weight_decay=weight_decay,
        lr=learning_rate,
        max_epochs=max_epochs,
        max_steps=max_steps,
        batch_size=batch_size,
        iterator_train=MemberBatches,
        iterator_train__generators=generators,
        iterator_valid=MemberBatches,
        iterator_valid__n_members=len(seeds),
        train_split=predefined_split(valid_pairs) if valid_pairs is not None else None,
        callbacks=callbacks,
        verbose=0,
        device=device,
    )
    devices = [torch.device(device).index or 0] if torch.device(device).type == "cuda" else []
    # Dropout draws from torch's global generator: fork it, seeded, so that
    # training is reproducible and leaves the caller's random state alone.
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(int(seeds[0]))
        net.initialize()
        if optimizer_state is not None:
            net.optimizer_.load_state_dict(optimizer_state)
        net.partial_fit(train_pairs, None)

    # An interrupt mid-epoch leaves a history row without losses: skip it.
    key = f"{monitor}_loss"
    epochs = [row for row in net.history if key in row and "train_loss" in row]
    n_iter = len(epochs)
    if n_iter == 0:
        # Interrupted before any epoch ended: there are no best weights to
        # keep, only half-updated ones, so the interrupt goes on to the caller.
        raise KeyboardInterrupt
    interrupted = n_iter < max_epochs and not stopper.stopped and not net.budget_spent_
    if interrupted:
        best = ", ".join(str(epoch) for epoch in stopper.best_epoch_)
        warnings.warn(
            f"Training was interrupted after {n_iter} of {max_epochs} epochs; "
            f"the model keeps the weights of its best epoch ({best}).",
            RuntimeWarning,
            stacklevel=3,
        )
    validation_scores = best_score = None
    if valid_pairs is not None:
        # R² of one-step predictions on the validation pairs, as MLPRegressor
        # reports validation scores: higher is better.
        # With several members: per epoch the mean over the members still
        # training, and the best as the mean of each member's best score,
        # the score of the weights each member keeps.
        variance = valid_pairs.targets_variance() or 1.0

        def score(mse):
            return 1.0 - mse / variance

        validation_scores = [
            float(np.nanmean([score(m) for m in row["valid_member_losses"]])) for row in epochs
        ]
        best_score = float(np.mean([score(m) for m in stopper.best_loss_]))
    return TrainResult(
        loss_curve=[row["train_loss"] for row in epochs],
        validation_scores=validation_scores,
        best_validation_score=best_score,
        n_iter=n_iter,
        optimizer_state=_to_cpu(net.optimizer_.state_dict()),
        interrupted=interrupted,
    )
