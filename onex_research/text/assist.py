"""Assisted coding: coding sheets for human coders, and a code suggester trained on their work.

The workflow qualitative researchers know from NVivo and MAXQDA, done openly:

1. :func:`export_coding_sheet` writes units (sentences with their context) to .xlsx, one
   0/1 column per code, the codebook on a second sheet;
2. coders fill it in; :func:`read_coding_sheet` reads it back and validates every cell;
3. :func:`~onex_research.text.coder_agreement` gives Cohen's kappa and Krippendorff's alpha;
4. :class:`CodeSuggester` learns from the coded units and proposes codes with
   probabilities for the rest, least certain first (:meth:`CodeSuggester.review_queue`);
   :func:`cross_validate_suggester` says how far to trust it (P/R/F1 per code).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import TextError
from .normalize import normalize

__all__ = ["CodingSheetError", "export_coding_sheet", "read_coding_sheet", "CodeSuggester",
           "cross_validate_suggester", "labels_to_matrix", "codebook_examples"]

_TRUE = {"1", "1.0", "x", "X", "✓", "√", "y", "yes", "是"}
_FALSE = {"0", "0.0", "", "n", "no", "否", "nan"}


class CodingSheetError(TextError):
    """A coding sheet that cannot be read; ``problems`` is a table of every bad cell."""

    def __init__(self, message, problems: pd.DataFrame | None = None, **kw):
        super().__init__(message, **kw)
        self.problems = problems


def _codebook(frame) -> pd.DataFrame:
    if hasattr(frame, "codes"):
        return pd.DataFrame([{"code": c.name, "label_zh": c.label_zh, "label_en": c.label_en,
                              "description": c.description, "keywords": "、".join(c.keywords)} for c in frame.codes])
    if isinstance(frame, pd.DataFrame):
        return frame
    return pd.DataFrame({"code": list(frame), "label_zh": "", "label_en": "", "description": "", "keywords": ""})


def export_coding_sheet(units, frame, path, *, text: str = "text", id_col: str | None = None, context: int = 1,
                        group: str | None = "doc") -> Path:
    """Write a coding sheet (.xlsx) for human coders.

    Parameters
    ----------
    units : DataFrame or list of str
        One row per unit (e.g. sentences from :func:`split_sentences`).
    frame : CodingFrame, list of code names or DataFrame (``code, label_zh, ...``)
    path : str or Path
    text : str, default "text"
    id_col : str, optional
        Unit ids (default: ``u0001``, ``u0002``, ...).
    context : int, default 1
        Units shown before and after (``context_before``/``context_after``), within the
        same ``group`` (a document) if that column exists.

    Returns
    -------
    Path
        Sheet ``coding``: ``unit_id, context_before, text, context_after``, one column per
        code (cells limited to 0/1 by data validation), ``note``. Sheet ``codebook``:
        ``code, label_zh, label_en, description, keywords``.
    """
    units = pd.DataFrame({text: list(units)}) if not isinstance(units, pd.DataFrame) else units.reset_index(drop=True)
    book = _codebook(frame)
    codes = list(book["code"])
    ids = units[id_col].astype(str) if id_col else pd.Series([f"u{i + 1:04d}" for i in range(len(units))])
    if ids.duplicated().any():
        raise ValueError(f"export_coding_sheet(): unit ids repeat, e.g. {ids[ids.duplicated()].iloc[0]!r}")
    grp = units[group] if group and group in units.columns else pd.Series(0, index=units.index)
    texts = units[text].astype(str).tolist()
    before, after = [], []
    for i in range(len(texts)):
        same = [j for j in range(i - context, i + context + 1) if 0 <= j < len(texts) and grp.iloc[j] == grp.iloc[i]]
        before.append(" ".join(texts[j] for j in same if j < i))
        after.append(" ".join(texts[j] for j in same if j > i))
    sheet = pd.DataFrame({"unit_id": ids, "context_before": before, "text": texts, "context_after": after})
    for c in codes:
        sheet[c] = pd.Series([None] * len(sheet), dtype=object)
    sheet["note"] = ""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    from openpyxl.worksheet.datavalidation import DataValidation

    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        sheet.to_excel(xw, sheet_name="coding", index=False)
        book.to_excel(xw, sheet_name="codebook", index=False)
        ws = xw.sheets["coding"]
        dv = DataValidation(type="whole", operator="between", formula1="0", formula2="1", allow_blank=True,
                            showErrorMessage=True, error="0 or 1 (blank: not yet coded)")
        first = 5  # columns A-D are unit_id, context_before, text, context_after
        from openpyxl.utils import get_column_letter

        if codes:
            dv.add(f"{get_column_letter(first)}2:{get_column_letter(first + len(codes) - 1)}{len(sheet) + 1}")
            ws.add_data_validation(dv)
        for col, width in (("A", 8), ("B", 30), ("C", 60), ("D", 30)):
            ws.column_dimensions[col].width = width
        ws.freeze_panes = "E2"
    return path


def read_coding_sheet(path, frame=None) -> pd.DataFrame:
    """Read a filled coding sheet back, validating every cell.

    Parameters
    ----------
    path : str or Path
        From :func:`export_coding_sheet`, filled in.
    frame : optional
        Expected codes (CodingFrame or names); default: the sheet's ``codebook``.

    Returns
    -------
    DataFrame
        ``unit_id, text``, one 0/1 column per code, ``coded`` (False for a row whose code
        cells are all blank), ``note``.

    Raises
    ------
    CodingSheetError
        Missing sheets or columns, repeated or empty unit ids, or cells that are not
        0/1/blank (also x, ✓ for 1); ``problems`` lists every bad cell with its Excel
        row, column and value, and the message shows the first few.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"coding sheet not found: {path}")
    sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False, engine="openpyxl")
    if "coding" not in sheets:
        raise CodingSheetError(f"no sheet 'coding' (found: {', '.join(sheets)})", path=path)
    df = sheets["coding"]
    if frame is not None:
        codes = list(_codebook(frame)["code"])
    elif "codebook" in sheets:
        codes = list(sheets["codebook"]["code"])
    else:
        raise CodingSheetError("no sheet 'codebook' and no frame= given: which columns are codes?", path=path)
    missing = [c for c in ["unit_id", "text"] + codes if c not in df.columns]
    if missing:
        raise CodingSheetError(f"sheet 'coding' lacks the columns {missing}", path=path)
    problems = []
    for i, uid in enumerate(df["unit_id"]):
        if not str(uid).strip():
            problems.append((i + 2, "unit_id", uid, "empty unit id"))
    dup = df["unit_id"][df["unit_id"].duplicated() & (df["unit_id"].str.strip() != "")]
    for i, uid in dup.items():
        problems.append((i + 2, "unit_id", uid, "unit id repeated"))
    out = df[["unit_id", "text"]].copy()
    for c in codes:
        vals = []
        for i, v in enumerate(df[c]):
            s = str(v).strip()
            if s in _TRUE:
                vals.append(1)
            elif s in _FALSE:
                vals.append(np.nan if s in ("", "nan") else 0)
            else:
                vals.append(np.nan)
                problems.append((i + 2, c, v, "not 0, 1 or blank"))
        out[c] = vals
    if problems:
        table = pd.DataFrame(problems, columns=["excel_row", "column", "value", "problem"])
        head = "; ".join(f"row {r.excel_row} {r.column}={r.value!r}: {r.problem}" for r in table.head(5).itertuples())
        raise CodingSheetError(f"{len(table)} bad cells: {head}" + (" ..." if len(table) > 5 else ""),
                               problems=table, path=path)
    out["coded"] = out[codes].notna().any(axis=1)
    out[codes] = out[codes].fillna(0).astype(int)
    out["note"] = df["note"] if "note" in df.columns else ""
    return out


def labels_to_matrix(labels, codes=None) -> pd.DataFrame:
    """Labels as a 0/1 matrix: from ``"a;b"`` strings, lists/sets of codes, or a 0/1 DataFrame."""
    if isinstance(labels, pd.DataFrame):
        return labels[list(codes)] if codes is not None else labels
    sets = [set(filter(None, x.split(";"))) if isinstance(x, str) else set(x or ()) for x in labels]
    codes = list(codes) if codes is not None else sorted(set().union(*sets))
    return pd.DataFrame([[int(c in s) for c in codes] for s in sets], columns=codes)


def codebook_examples(frame, *, fills: int = 3, random_state: int = 0) -> pd.DataFrame:
    """Labelled examples from the codebook itself, to start the suggester before much is coded.

    Parameters
    ----------
    frame : CodingFrame
    fills : int, default 3
        Sentences made from each example template (slots filled at random).

    Returns
    -------
    DataFrame
        ``text, codes``: each code's description and each of its keywords, labelled
        with the code; the project's example sentences per theme
        (:mod:`onex_research.simulate`'s phrase bank, written for the same eight
        themes), for the codes the frame has; and its filler sentences with no code.

    Notes
    -----
    These are the codebook's definitions and examples, the material a human coder is
    trained on; none is taken from the units being coded. They are a prior: the
    researcher's own coded units are added to them in :meth:`CodeSuggester.fit`.
    """
    import random

    from onex_research.simulate import _phrasebank as pb

    rng = random.Random(random_state)
    rows = []
    for c in frame.codes:
        if c.description:
            rows.append((c.description, c.name))
        rows += [(k, c.name) for k in c.keywords]
        for tpl in pb.TEMPLATES.get(c.name, []):
            for _ in range(fills if "{" in tpl else 1):
                sent = tpl
                for slot, values in pb.SLOTS.items():
                    sent = sent.replace("{" + slot + "}", rng.choice(values))
                rows.append((sent, c.name))
    rows += [(f, "") for f in pb.FILLERS]
    return pd.DataFrame(rows, columns=["text", "codes"])


@lru_cache(maxsize=1)
def _word_tokenizer():
    """One jieba tokenizer with the project's dictionary and lexicon, shared by suggesters."""
    from .segment import Segmenter

    return Segmenter(cache_dir=None, stopwords=None).fit().tokenizer_


class CodeSuggester:
    """Suggest codes for uncoded units from the units a researcher has coded.

    Word n-grams (jieba, with the project's lexicon) and character n-grams, TF-IDF
    weighted, feed one calibrated linear classifier per code (a linear SVM with Platt
    scaling fitted on 3-fold out-of-fold scores), so each code gets a probability.

    Parameters
    ----------
    frame : CodingFrame, optional
        Adds one feature per code: does the frame's keyword coder fire on the unit. Off
        by default: on the held-out set it lowered F1 (the model leans on the keywords).
    C : float, default 1.0
        Inverse regularisation of the linear SVM.
    word_ngrams, char_ngrams : tuple, default (1, 2), (1, 3)
    threshold : float, default 0.5
        Probability at which a code is suggested.
    random_state : int, default 0

    Attributes
    ----------
    codes_ : list
    models_ : dict code -> fitted classifier
    """

    def __init__(self, frame=None, *, C: float = 1.0, word_ngrams=(1, 2), char_ngrams=(1, 3),
                 threshold: float = 0.5, random_state: int = 0):
        self.frame = frame
        self.C = C
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.threshold = threshold
        self.random_state = random_state

    def _tokens(self, texts):
        tok = _word_tokenizer()
        return [" ".join(w for w in tok.lcut(normalize(t)) if w.strip()) for t in texts]

    def _frame_hits(self, texts):
        from scipy import sparse

        from .coding import code

        if self.frame is None:
            return None
        hits = code(list(texts), self.frame, unit="turn")
        names = self.frame.names
        m = np.zeros((len(texts), len(names)))
        for d, c in zip(hits["doc"], hits["code"]):
            m[d, names.index(c)] = 1.0
        return sparse.csr_matrix(m)

    def _features(self, texts, fit=False):
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [normalize(t) if isinstance(t, str) else "" for t in texts]
        words = self._tokens(texts)
        if fit:
            self.word_vec_ = TfidfVectorizer(analyzer="word", token_pattern=r"\S+", ngram_range=self.word_ngrams,
                                             sublinear_tf=True, min_df=1)
            self.char_vec_ = TfidfVectorizer(analyzer="char", ngram_range=self.char_ngrams, sublinear_tf=True,
                                             min_df=2)
            parts = [self.word_vec_.fit_transform(words), self.char_vec_.fit_transform(texts)]
        else:
            parts = [self.word_vec_.transform(words), self.char_vec_.transform(texts)]
        hits = self._frame_hits(texts)
        if hits is not None:
            parts.append(hits)
        return sparse.hstack(parts).tocsr()

    def fit(self, texts, labels, codes=None, *, extra=None) -> "CodeSuggester":
        """Learn from coded units.

        Parameters
        ----------
        texts : list of str
        labels : list of ``"a;b"`` strings or sets, or a 0/1 DataFrame (see :func:`labels_to_matrix`)
        extra : DataFrame ``text, codes``, optional
            More labelled examples, e.g. :func:`codebook_examples` (a prior).
        """
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.svm import LinearSVC

        texts = list(texts)
        y = labels_to_matrix(labels, codes)
        if len(y) != len(texts):
            raise ValueError(f"fit(): {len(texts)} texts but {len(y)} label rows")
        if extra is not None and len(extra):
            texts = texts + list(extra["text"])
            y = pd.concat([y, labels_to_matrix(extra["codes"], list(y.columns))], ignore_index=True)
        self.codes_ = list(y.columns)
        for c in self.codes_:
            n_pos = int(y[c].sum())
            if n_pos < 3 or n_pos > len(y) - 3:
                raise ValueError(f"fit(): code {c!r} has {n_pos} positive units of {len(y)}; need at least 3 "
                                 f"coded with it and 3 without")
        X = self._features(texts, fit=True)
        self.models_ = {}
        for c in self.codes_:
            yc = y[c].to_numpy()
            svm = LinearSVC(C=self.C, class_weight="balanced", random_state=self.random_state)
            # Platt scaling on 3-fold out-of-fold scores, one final SVM on all units
            self.models_[c] = CalibratedClassifierCV(svm, method="sigmoid", cv=3, ensemble=False).fit(X, yc)
        return self

    def predict_proba(self, texts) -> pd.DataFrame:
        """Probability of each code for each unit: units x codes."""
        X = self._features(list(texts))
        return pd.DataFrame({c: m.predict_proba(X)[:, 1] for c, m in self.models_.items()})

    def suggest(self, texts) -> pd.DataFrame:
        """Suggested codes: ``unit`` (position), ``code``, ``probability``, ``suggested`` (p >= threshold)."""
        p = self.predict_proba(texts)
        long = p.rename_axis("unit").reset_index().melt(id_vars="unit", var_name="code", value_name="probability")
        long["suggested"] = long["probability"] >= self.threshold
        return long.sort_values(["unit", "probability"], ascending=[True, False], ignore_index=True)

    def review_queue(self, texts) -> pd.DataFrame:
        """Units ordered for review, least certain first.

        Returns
        -------
        DataFrame
            ``unit, text, suggested`` (codes at or above the threshold, ``;``-joined),
            ``uncertainty`` (1 - 2 |p - threshold| for the code closest to the threshold:
            1 = a coin toss, 0 = sure), ``closest_code``, ``p_closest``.
        """
        texts = list(texts)
        p = self.predict_proba(texts)
        dist = (p - self.threshold).abs()
        closest = dist.idxmin(axis=1)
        out = pd.DataFrame({"unit": range(len(texts)), "text": texts,
                            "suggested": [";".join(c for c in self.codes_ if p.at[i, c] >= self.threshold)
                                          for i in range(len(texts))],
                            "uncertainty": 1 - 2 * dist.min(axis=1) / max(self.threshold, 1 - self.threshold),
                            "closest_code": closest,
                            "p_closest": [p.at[i, c] for i, c in enumerate(closest)]})
        return out.sort_values(["uncertainty", "unit"], ascending=[False, True], ignore_index=True)


def cross_validate_suggester(texts, labels, *, frame=None, extra=None, n_splits: int = 5, random_state: int = 0,
                             **params) -> pd.DataFrame:
    """Out-of-fold precision, recall and F1 per code of :class:`CodeSuggester`.

    ``extra`` (e.g. :func:`codebook_examples`) joins every training fold; the scores
    are on the held-out folds of ``texts`` only.

    Returns
    -------
    DataFrame
        Indexed by ``code``: ``tp, fp, fn, precision, recall, f1``; a last row ``micro``.
        Folds are stratified on each unit's first code (KFold shuffled with
        ``random_state``).
    """
    from sklearn.model_selection import StratifiedKFold

    texts = list(texts)
    y = labels_to_matrix(labels)
    strata = [next((c for c in y.columns if row[c]), "none") for _, row in y.iterrows()]
    pred = pd.DataFrame(0, index=y.index, columns=y.columns)
    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    for train, test in folds.split(texts, strata):
        s = CodeSuggester(frame, random_state=random_state, **params).fit(
            [texts[i] for i in train], y.iloc[train].reset_index(drop=True), extra=extra)
        p = s.predict_proba([texts[i] for i in test])
        pred.iloc[test] = (p.to_numpy() >= s.threshold).astype(int)
    rows = []
    for c in list(y.columns) + ["micro"]:
        cols = list(y.columns) if c == "micro" else [c]
        t, q = y[cols].to_numpy(), pred[cols].to_numpy()
        tp, fp, fn = int((t & q).sum()), int(((1 - t) & q).sum()), int((t & (1 - q)).sum())
        rows.append({"code": c, "tp": tp, "fp": fp, "fn": fn,
                     "precision": tp / (tp + fp) if tp + fp else np.nan,
                     "recall": tp / (tp + fn) if tp + fn else np.nan,
                     "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else np.nan})
    return pd.DataFrame(rows).set_index("code")
