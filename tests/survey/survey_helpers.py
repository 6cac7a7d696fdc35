"""Writers and hashes shared by the survey tests (imported, not collected)."""

import hashlib

import pandas as pd


def write_csv(df: pd.DataFrame, path, encoding="utf-8"):
    df.to_csv(path, index=False, encoding=encoding, lineterminator="\r\n")
    return path


def write_xlsx(df: pd.DataFrame, path):
    df.to_excel(path, index=False)
    return path


def sha256(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()
