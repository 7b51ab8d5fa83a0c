"""Training on skorch: windows gathered per batch, lean epochs, callbacks.

Nothing here knows about scikit-learn estimators: :func:`train` takes a torch
module and scaled sequences and returns what the estimator stores.
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

_OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "rmsprop": torch.optim.RMSprop,
    "sgd": torch.optim.SGD,
}


class WindowPairs(Dataset):
    """Every ``(window -> next value)`` pair inside each row of ``sequences``.

    Pairs are never materialised: a batch of pair indices is turned into a
    ``(batch, window)`` input and a ``(batch,)`` target by one gather, so the
    memory cost is the sequences themselves.
    """

    def __init__(self, sequences: torch.Tensor, window: int):
        self.sequences = sequences
        self.window = window
        self.pairs_per_row = sequences.shape[1] - window
        self._offsets = torch.arange(window + 1, device=sequences.device)

    def __len__(self) -> int:
        return self.sequences.shape[0] * self.pairs_per_row

    def __getitem__(self, i):
        return self.gather(torch.as_tensor([i]))

    def gather(self, index: torch.Tensor):
        index = index.to(self.sequences.device)
        rows = torch.div(index, self.pairs_per_row, rounding_mode="floor")
        starts = index - rows * self.pairs_per_row
        values = self.sequences[rows.unsqueeze(1), starts.unsqueeze(1) + self._offsets]
        return values[:, :-1], values[:, -1]

    def targets_variance(self) -> float:
        """Variance of all targets, the denominator of a validation R²."""
        return float(self.sequences[:, self.window :].double().var(unbiased=False))


class BatchIterator:
    """Yield ``(X, y)`` batches by slicing tensors, instead of collating samples.

    skorch passes ``batch_size`` and ``shuffle`` through ``iterator_train__*``.
    """

    def __init__(self, dataset: WindowPairs, batch_size: int, shuffle: bool = False):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle

    def __len__(self) -> int:
        return math.ceil(len(self.dataset) / self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        # Shuffling draws from torch's global generator, which the caller
        # seeds inside a forked RNG state (see ``train``).
        order = torch.randperm(n) if self.shuffle else torch.arange(n)
        for start in range(0, n, self.batch_size):
            yield self.dataset.gather(order[start : start + self.batch_size])


class _LeanNet(NeuralNet):
    """A NeuralNet whose epochs skip the per-batch history, hooks and checks.

    Per batch, skorch records two history entries, notifies three callbacks,
    switches every module to train or eval mode, converts the batch and the
    target with ``to_tensor`` and dispatches through ``infer`` and
    ``get_loss``. For the small recurrent models used here that bookkeeping
    costs as much as the forward pass. The batches already are tensors on the
    right device, so a step here is the plain forward, loss, backward and
    optimizer step; the mode is set once per epoch and losses are recorded
    once per epoch.
    """

    @property
    def _default_callbacks(self):
        return []

    def train_step(self, batch, **fit_params):
        X, y = batch
        self.optimizer_.zero_grad(set_to_none=True)
        loss = self.criterion_(self.module_(X), y)
        loss.backward()
        self.optimizer_.step()
        return loss.detach()

    def validation_step(self, batch, **fit_params):
        X, y = batch
        return self.criterion_(self.module_(X), y)

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        if iterator is None:
            return
        # Module.train walks every submodule: only switch when the mode changes.
        if self.module_.training != training:
            self._set_training(training)
        # Batch losses stay on the device, in a buffer allocated once (a list
        # of loss tensors would grow by hundreds of bytes per batch on long
        # series), and are reduced once per epoch: no host sync per batch.
        losses = torch.empty(len(iterator), dtype=torch.float64, device=self.device)
        sizes = []
        with torch.set_grad_enabled(training):
            for i, batch in enumerate(iterator):
                losses[i] = step_fn(batch)
                sizes.append(len(batch[1]))
        weights = torch.tensor(sizes, dtype=torch.float64, device=self.device)
        total = torch.dot(losses[: len(sizes)], weights)
        _last_row(self.history)[prefix + "_loss"] = float(total) / max(sum(sizes), 1)

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
    """Stop when ``monitor`` has not improved by ``tol`` for ``patience`` epochs.

    The weights of the best epoch are kept and restored at the end, also after
    an interrupt. This is skorch's ``EarlyStopping(threshold_mode="abs",
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
        self.misses_ = 0
        self.best_loss_ = math.inf
        self.best_epoch_ = 0
        self.best_weights_ = None

    def on_epoch_end(self, net, **kwargs):
        # As MLPRegressor: an epoch is a miss unless it beats the best loss by
        # ``tol``, but the weights kept are those of the lowest loss. (Keeping
        # only threshold-beating epochs, as skorch does, restores weights from
        # many epochs back once the loss falls slower than ``tol`` per epoch.)
        row = _last_row(net.history)
        loss = row[self.monitor]
        self.misses_ = self.misses_ + 1 if loss > self.best_loss_ - self.tol else 0
        if loss < self.best_loss_:
            self.best_loss_ = loss
            self.best_epoch_ = row["epoch"]
            state = net.module_.state_dict()
            if self.best_weights_ is None:
                self.best_weights_ = {k: v.detach().clone() for k, v in state.items()}
            else:
                for name, value in state.items():
                    self.best_weights_[name].copy_(value)
        if self.misses_ >= self.patience:
            # skorch's fit loop ends training quietly on KeyboardInterrupt.
            raise KeyboardInterrupt

    def on_train_end(self, net, **kwargs):
        if self.best_weights_ is not None and self.best_epoch_ != _last_row(net.history)["epoch"]:
            net.module_.load_state_dict(self.best_weights_)


class _FiniteLoss(Callback):
    """Stop with a clear error as soon as the training loss is not finite."""

    def __init__(self, learning_rate):
        self.learning_rate = learning_rate

    def on_train_begin(self, net, **kwargs):
        self.last_finite_ = None

    def on_epoch_end(self, net, **kwargs):
        row = _last_row(net.history)
        for key in ("train_loss", "valid_loss"):
            if key in row and not math.isfinite(row[key]):
                if self.last_finite_ is None:
                    before = "no earlier epoch of this fit had a finite loss"
                else:
                    before = "last finite training loss: {:.6g} at epoch {}".format(
                        *self.last_finite_
                    )
                raise ValueError(
                    f"The {key.replace('_', ' ')} became {row[key]} at epoch "
                    f"{row['epoch']} ({before}). "
                    "Training diverged: use a smaller learning_rate (currently "
                    f"{self.learning_rate}), a scaler such as 'minmax', or check "
                    "the data for extreme values."
                )
        self.last_finite_ = (row["train_loss"], row["epoch"])


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
    seed: int,
    max_epochs: int,
    batch_size: int,
    learning_rate: float,
    optimizer: str,
    weight_decay: float,
    n_iter_no_change: int,
    tol: float,
    device: str,
    verbose: int,
    optimizer_state: dict | None = None,
) -> TrainResult:
    """Train ``module`` in place (on ``device``) and return the training record.

    Training stops when the monitored loss (validation loss if ``valid_pairs``
    is given, else training loss) has not improved by ``tol`` for
    ``n_iter_no_change`` epochs, and the weights of the best epoch are
    restored, also after a ``KeyboardInterrupt``. The global torch RNG state is
    left as it was: all randomness is drawn from ``seed``.
    """
    monitor = "valid_loss" if valid_pairs is not None else "train_loss"
    stopper = _StopWhenStalled(monitor, patience=n_iter_no_change, tol=tol)
    callbacks = [
        ("finite_loss", _FiniteLoss(learning_rate)),
        ("stopper", stopper),
    ]
    if verbose:
        callbacks.append(("progress", _EpochProgress()))
    net = _LeanNet(
        module,
        criterion=torch.nn.MSELoss,
        optimizer=_OPTIMIZERS[optimizer],
        optimizer__weight_decay=weight_decay,
        lr=learning_rate,
        max_epochs=max_epochs,
        batch_size=batch_size,
        iterator_train=BatchIterator,
        iterator_train__shuffle=True,
        iterator_valid=BatchIterator,
        train_split=predefined_split(valid_pairs) if valid_pairs is not None else None,
        callbacks=callbacks,
        verbose=0,
        device=device,
    )
    devices = [torch.device(device).index or 0] if torch.device(device).type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        net.initialize()
        if optimizer_state is not None:
            net.optimizer_.load_state_dict(optimizer_state)
        net.partial_fit(train_pairs, None)

    # An interrupt mid-epoch leaves a history row without losses: skip it.
    epochs = [row for row in net.history if monitor in row]
    n_iter = len(epochs)
    if n_iter == 0:
        # Interrupted before any epoch ended: there are no best weights to
        # keep, only half-updated ones, so the interrupt goes on to the caller.
        raise KeyboardInterrupt
    stopped = stopper.misses_ >= n_iter_no_change
    interrupted = n_iter < max_epochs and not stopped
    if interrupted:
        warnings.warn(
            f"Training was interrupted after {n_iter} of {max_epochs} epochs; "
            f"the model keeps the weights of its best epoch ({stopper.best_epoch_}).",
            RuntimeWarning,
            stacklevel=3,
        )
    validation_scores = best_score = None
    if valid_pairs is not None:
        # R² of one-step predictions on the validation pairs, as MLPRegressor
        # reports validation scores: higher is better.
        variance = valid_pairs.targets_variance() or 1.0
        validation_scores = [1.0 - row["valid_loss"] / variance for row in epochs]
        best_score = float(np.max(validation_scores))
    return TrainResult(
        loss_curve=[row["train_loss"] for row in epochs],
        validation_scores=validation_scores,
        best_validation_score=best_score,
        n_iter=n_iter,
        optimizer_state=_to_cpu(net.optimizer_.state_dict()),
        interrupted=interrupted,
    )
