"""What the models will learn from: calendar, promotion, staffing and weather effects, gaps,
members and reviews. Effects are estimated from the files, like a model would."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from pipelines.reference.calendar import build_calendar
from pipelines.simulator.core import SimulationSummary
from pipelines.simulator.formats import PROFILES, open_hours_mask
from tests.simulator.conftest import read_day_files, read_reviews


@pytest.fixture(scope="module")
def tickets(season_run: SimulationSummary) -> pd.DataFrame:
    lines = read_day_files(season_run.config.out, "pos/*/transactions.csv")
    lines["amount"] = lines["amount"].astype(float)
    result = lines.groupby("ticket_id").agg(
        store_id=("store_id", "first"),
        ts=("ts", "first"),
        customer_id=("customer_id", "first"),
        amount=("amount", "sum"),
    )
    result["ts"] = pd.to_datetime(result["ts"])
    return result.reset_index()


@pytest.fixture(scope="module")
def reviews(season_run: SimulationSummary) -> pd.DataFrame:
    return read_reviews(season_run.config.out)


@pytest.fixture(scope="module")
def hourly(season_run: SimulationSummary, tickets: pd.DataFrame) -> pd.DataFrame:
    """Door count, staff and tickets per store-hour (open hours only)."""
    out = season_run.config.out
    counts = read_day_files(out, "pos/*/door_counts.csv")
    staff = read_day_files(out, "pos/*/staffing.csv")
    frame = counts.merge(staff, on=["store_id", "ts"])
    hour = tickets["ts"].dt.floor("h").dt.strftime("%Y-%m-%d %H:%M:%S")
    per_hour = tickets.groupby([tickets["store_id"], hour]).size().rename("tickets")
    frame = frame.join(per_hour, on=["store_id", "ts"]).fillna({"tickets": 0})
    frame["ts"] = pd.to_datetime(frame["ts"])
    frame["count"] = frame["count"].astype(float)
    frame["staff_on_duty"] = frame["staff_on_duty"].astype(int)
    formats = pd.read_csv(out / "stores.csv").set_index("store_id")["format"]
    frame["format"] = frame["store_id"].map(formats)
    return frame


def _daily_effects(season_run: SimulationSummary, tickets: pd.DataFrame) -> pd.Series:
    """Log daily sales regressed on store x weekday, holiday x format, payday and promotion."""
    out, config = season_run.config.out, season_run.config
    daily = tickets.groupby(["store_id", tickets["ts"].dt.date.rename("date")])["amount"].sum()
    daily = daily.reset_index()
    calendar = pd.DataFrame([vars(d) for d in build_calendar(config.start, config.end)])
    daily = daily.merge(calendar, on="date")
    daily = daily[daily["store_id"] != "LIM-SUR-01"]  # still ramping up after opening
    promos = read_day_files(out, "promotions/*/promotions.csv")
    promo_days = set(zip(promos["store_id"], pd.to_datetime(promos["date"]).dt.date, strict=True))
    keys = zip(daily["store_id"], daily["date"], strict=True)
    formats = pd.read_csv(out / "stores.csv").set_index("store_id")["format"]
    fmt = daily["store_id"].map(formats)
    design = pd.get_dummies(daily["store_id"] + "/" + daily["iso_weekday"].astype(str), dtype=float)
    for name in ("mall", "street", "restaurant"):
        design[f"holiday:{name}"] = (daily["is_holiday"] & (fmt == name)).astype(float)
    yesterday = pd.to_datetime(daily["date"]) - pd.Timedelta(days=1)
    design["payday"] = (daily["is_payday"] | yesterday.dt.is_month_end).astype(float)
    design["promo"] = [float(key in promo_days) for key in keys]
    coef, *_ = np.linalg.lstsq(design.to_numpy(), np.log(daily["amount"]), rcond=None)
    return pd.Series(coef, index=design.columns)


def test_calendar_and_promotion_effects_show_in_daily_sales(
    season_run: SimulationSummary, tickets: pd.DataFrame
) -> None:
    effects = _daily_effects(season_run, tickets)
    assert effects["holiday:mall"] > 0.1  # malls fill up on holidays
    assert effects["holiday:restaurant"] > 0.1
    assert effects["holiday:street"] < -0.15  # street stores empty out
    assert effects["payday"] > 0.04
    assert effects["promo"] > 0.05
    # Weekly shape: malls and restaurants peak on Saturday.
    assert effects["LIM-MIR-01/6"] > effects["LIM-MIR-01/2"] + 0.2
    assert effects["LIM-BAR-01/6"] > effects["LIM-BAR-01/3"] + 0.2  # Saturday dinner


def test_understaffed_hours_convert_worse(hourly: pd.DataFrame) -> None:
    counted = hourly[hourly["count"] > 0]
    threshold = counted["format"].map({name: p.load_threshold for name, p in PROFILES.items()})
    overloaded = counted["count"] / counted["staff_on_duty"] > threshold
    assert overloaded.mean() > 0.02  # it happens, and not all the time
    assert overloaded.mean() < 0.3
    for fmt, group in counted.groupby("format"):
        over = overloaded[group.index]
        rate_over = group.loc[over, "tickets"].sum() / group.loc[over, "count"].sum()
        rate_ok = group.loc[~over, "tickets"].sum() / group.loc[~over, "count"].sum()
        assert rate_over < rate_ok * 0.9, fmt


def _is_open(stores: pd.DataFrame, store_ids: pd.Series, stamps: pd.Series) -> np.ndarray:
    """Whether each (store, timestamp) falls in the store's published opening hours."""
    table = {
        store: np.stack([open_hours_mask(json.loads(hours), day) for day in range(1, 8)])
        for store, hours in stores["opening_hours"].items()
    }
    weekday, hour = stamps.dt.dayofweek.to_numpy(), stamps.dt.hour.to_numpy()
    result = np.zeros(len(stamps), dtype=bool)
    for store, mask in table.items():
        rows = (store_ids == store).to_numpy()
        result[rows] = mask[weekday[rows], hour[rows]]
    return result


def test_nobody_comes_when_the_store_is_closed(
    season_run: SimulationSummary, tickets: pd.DataFrame
) -> None:
    out = season_run.config.out
    stores = pd.read_csv(out / "stores.csv").set_index("store_id")
    counts = read_day_files(out, "pos/*/door_counts.csv")
    closed = ~_is_open(stores, counts.store_id, pd.to_datetime(counts.ts))
    assert closed.sum() > 0
    assert (counts.loc[closed, "count"].dropna().astype(int) == 0).all()
    assert _is_open(stores, tickets.store_id, tickets.ts).all()
    staffing = read_day_files(out, "pos/*/staffing.csv")
    assert _is_open(stores, staffing.store_id, pd.to_datetime(staffing.ts)).all()
    # Restaurants serve past midnight on Friday and Saturday nights.
    late = tickets[(tickets.store_id == "LIM-BAR-01") & (tickets.ts.dt.hour == 0)]
    assert len(late) > 0 and set(late.ts.dt.dayofweek + 1) <= {6, 7}


def test_each_format_has_its_daily_shape(hourly: pd.DataFrame) -> None:
    weekdays = hourly[hourly.ts.dt.dayofweek < 5]
    shape = weekdays.groupby(["format", weekdays.ts.dt.hour])["tickets"].mean()
    assert min(shape["street", 8], shape["street", 19]) > 1.3 * shape["street", 10]  # commuters
    assert min(shape["restaurant", 13], shape["restaurant", 20]) > 2 * shape["restaurant", 16]
    assert shape["mall", 19] > 1.5 * shape["mall", 10]  # evenings at the mall


def test_a_new_store_has_no_data_before_it_opens_then_ramps_up(
    season_run: SimulationSummary, tickets: pd.DataFrame
) -> None:
    out = season_run.config.out
    opened = date.fromisoformat(
        pd.read_csv(out / "stores.csv").set_index("store_id").loc["LIM-SUR-01", "opened_on"]
    )
    assert date(2025, 6, 2) < opened < date(2025, 8, 31)
    new = tickets[tickets.store_id == "LIM-SUR-01"]
    assert new.ts.dt.date.min() == opened
    counts = read_day_files(out, "pos/*/door_counts.csv")
    assert pd.to_datetime(counts.loc[counts.store_id == "LIM-SUR-01", "ts"]).dt.date.min() == opened
    daily = new.groupby(new.ts.dt.date).size()
    assert daily.iloc[:14].mean() < daily.iloc[-14:].mean()


def test_door_counter_outages_are_runs_of_empty_hours(hourly: pd.DataFrame) -> None:
    missing = hourly.sort_values(["store_id", "ts"])["count"].isna()
    assert 0 < missing.mean() < 0.1
    # Gaps last several hours rather than being isolated blanks.
    starts = missing & ~missing.shift(fill_value=False)
    assert missing.sum() / starts.sum() > 2


def test_about_forty_percent_of_tickets_carry_a_member(tickets: pd.DataFrame) -> None:
    share = tickets["customer_id"].notna().mean()
    assert 0.3 < share < 0.5


def test_reviews_mix_languages_and_ratings(reviews: pd.DataFrame) -> None:
    english = (reviews["language"] == "en").mean()
    assert 0.22 < english < 0.38
    classes = pd.cut(reviews["rating"], [0, 2, 3, 5], labels=["neg", "neu", "pos"])
    shares = classes.value_counts(normalize=True)
    assert shares.min() > 0.1 and shares["pos"] > 0.4


def test_review_text_carries_the_sentiment_class(reviews: pd.DataFrame) -> None:
    """A bag-of-words model learns the class from text alone, on reviews it has not seen."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import f1_score
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    label = np.select([reviews.rating <= 2, reviews.rating == 3], ["neg", "neu"], "pos")
    half = len(reviews) // 2
    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LinearSVC())
    model.fit(reviews.text[:half], label[:half])
    predicted = model.predict(reviews.text[half:])
    assert f1_score(label[half:], predicted, average="macro") > 0.85
    # ... and it is not a keyword lookup: a few obvious words get nowhere near that.
    lexicon = reviews.text[half:].str.lower()
    naive = np.where(
        lexicon.str.contains("excelente|great|bacán|recomend"),
        "pos",
        np.where(lexicon.str.contains("pésimo|terrible|never|nunca"), "neg", "neu"),
    )
    assert f1_score(label[half:], naive, average="macro") < 0.7


def test_members_with_a_bad_review_come_back_less(
    reviews: pd.DataFrame, tickets: pd.DataFrame
) -> None:
    reviews = reviews.assign(ts=pd.to_datetime(reviews["ts"]))
    cutoff = pd.Timestamp("2025-07-31 23:59:59")
    visits = tickets.dropna(subset=["customer_id"])
    recent = visits[(visits.ts <= cutoff) & (visits.ts > cutoff - pd.Timedelta(days=45))]
    returned = set(visits[(visits.ts > cutoff) & (visits.ts <= cutoff + pd.Timedelta(days=30))]
                   .customer_id)  # fmt: skip
    unhappy = set(reviews[(reviews.ts <= cutoff) & (reviews.rating <= 2)].customer_id.dropna())
    members = pd.Series(sorted(set(recent.customer_id)))
    came_back = members.isin(returned)
    bad = members.isin(unhappy)
    assert bad.sum() > 30
    assert came_back[bad].mean() < came_back[~bad].mean() - 0.08
