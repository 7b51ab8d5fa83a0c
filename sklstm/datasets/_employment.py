from importlib import resources

import pandas as pd


def load_employment():
    """Load four monthly US employment series of different spans, as long data.

    Employees (thousands, not seasonally adjusted) of four US industries from
    the Current Employment Statistics of the US Bureau of Labor Statistics,
    as published in the ``us_employment`` data of the R package fpp3
    (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd
    ed.). The series start in 1972, 1985 and 1990; one of them (department
    stores) ends in December 2017, the others in September 2019. The data
    ship with the package; nothing is downloaded.

    Returns
    -------
    data : pandas.DataFrame of shape (1683, 3)
        Long data, one row per series and month: ``unique_id`` (the industry),
        ``ds`` (the first day of the month, datetime64) and ``y`` (thousands
        of employees, float64), sorted by series, then month.

    Examples
    --------
    >>> from sklstm.datasets import load_employment
    >>> data = load_employment()
    >>> data.groupby("unique_id")["ds"].min().dt.year.to_dict()
    {'department stores': 1990, 'mining support': 1990, 'oil and gas extraction': 1972, \
'residential construction': 1985}
    """
    path = resources.files("sklstm.datasets").joinpath("data/employment.csv")
    with path.open() as f:
        wide = pd.read_csv(f, parse_dates=["month"], index_col="month")
    # A series' months before its start are NaN in the wide file; pandas 3's
    # stack keeps them, so drop them whatever the version.
    long = wide.rename_axis(columns="unique_id").stack().dropna().rename("y").reset_index()
    long = long.rename(columns={"month": "ds"})[["unique_id", "ds", "y"]]
    long = long.sort_values(["unique_id", "ds"], ignore_index=True)
    long["y"] = long["y"].astype("float64")
    return long
