"""Fixtures of the survey tests: a small simulated study and writers for every export format."""

import hashlib

import pandas as pd
import pytest

from onex_research.simulate import export_wenjuanxin, simulate_study


@pytest.fixture(scope="session")
def small_study(instrument):
    return simulate_study(instrument, n=80, seed=11, population_n=0)


@pytest.fixture(scope="session")
def text_frame(small_study):
    """Wenjuanxin 按选项文本 export as a DataFrame (strings)."""
    return export_wenjuanxin(small_study, answers="text")


@pytest.fixture(scope="session")
def codes_frame(small_study):
    """Wenjuanxin 按序号 export as a DataFrame (codes, skipped = -3)."""
    return export_wenjuanxin(small_study, answers="codes")


def write_csv(df: pd.DataFrame, path, encoding="utf-8"):
    df.to_csv(path, index=False, encoding=encoding, lineterminator="\r\n")
    return path


def write_xlsx(df: pd.DataFrame, path):
    df.to_excel(path, index=False)
    return path


def sha256(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


@pytest.fixture
def writers():
    return {"csv": write_csv, "xlsx": write_xlsx}
