from importlib import resources

import pandas as pd


def load_airquality():
    """Load daily New York air quality, May to September 1973, with its gaps.

    The ``airquality`` data of R's datasets package (Chambers, Cleveland,
    Kleiner & Tukey, *Graphical Methods for Data Analysis*, 1983): daily
    ozone at Roosevelt Island (New York State Department of Conservation)
    and weather at La Guardia Airport (National Weather Service). 153 days;
    ozone is missing on 37 of them and solar radiation on 7, as recorded. The
    data ship with the package; nothing is downloaded.

    Returns
    -------
    data : pandas.DataFrame of shape (153, 4)
        Columns ``ozone`` (mean ozone 13:00-15:00, parts per billion),
        ``solar`` (solar radiation 08:00-12:00, Langleys), ``wind`` (mean
        wind speed 07:00 and 10:00, mph) and ``temp`` (maximum daily
        temperature, °F), all float64 with ``NaN`` where missing, indexed by
        a daily ``DatetimeIndex`` (``freq="D"``) named ``"day"``.

    Examples
    --------
    >>> from sklstm.datasets import load_airquality
    >>> data = load_airquality()
    >>> data.shape, int(data["ozone"].isna().sum())
    ((153, 4), 37)
    >>> data.index.freqstr
    'D'
    """
    path = resources.files("sklstm.datasets").joinpath("data/airquality.csv")
    with path.open() as f:
        frame = pd.read_csv(f, parse_dates=["day"], index_col="day")
    frame = frame.rename(
        columns={"Ozone": "ozone", "Solar.R": "solar", "Wind": "wind", "Temp": "temp"}
    )
    frame = frame.astype("float64")
    frame.index = pd.DatetimeIndex(frame.index, freq="D", name="day")
    return frame
