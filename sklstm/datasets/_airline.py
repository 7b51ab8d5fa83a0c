from importlib import resources

import pandas as pd


def load_airline():
    """Load the monthly AirPassengers series, 1949-01 to 1960-12.

    Box & Jenkins' monthly totals of international airline passengers, in
    thousands: 144 values with a trend and a yearly season whose amplitude
    grows with the level. The data ship with the package; nothing is
    downloaded.

    Returns
    -------
    y : pandas.Series of shape (144,)
        Passengers (thousands, float64), named ``"passengers"``, indexed by a
        monthly ``DatetimeIndex`` (month starts, ``freq="MS"``).

    Examples
    --------
    >>> from sklstm.datasets import load_airline
    >>> y = load_airline()
    >>> y.head(3)
    month
    1949-01-01    112.0
    1949-02-01    118.0
    1949-03-01    132.0
    Freq: MS, Name: passengers, dtype: float64
    """
    path = resources.files("sklstm.datasets").joinpath("data/airline.csv")
    with path.open() as f:
        frame = pd.read_csv(f, parse_dates=["month"], index_col="month")
    y = frame["passengers"].astype("float64")
    y.index = pd.DatetimeIndex(y.index, freq="MS", name="month")
    return y
