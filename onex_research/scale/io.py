"""Read large open-ended exports in partitions: CSV by byte ranges, Parquet, xlsx once.

CSV files are split into byte ranges that end at a line break outside quotes (so an
answer with line breaks inside its quoted field stays whole), and each range is decoded
on its own: an undecodable range is reported by file and byte range, not as a bare
``UnicodeDecodeError`` from somewhere in the cluster.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pandas as pd

from .errors import MalformedPartitionError, MissingColumnError, UndecodablePartitionError

__all__ = ["csv_byte_ranges", "read_csv_range", "read_export", "xlsx_to_parquet", "check_columns",
           "DEFAULT_BLOCKSIZE"]

DEFAULT_BLOCKSIZE = 16_000_000  #: bytes per CSV partition (about 500,000 short answers)
_BOM = b"\xef\xbb\xbf"
_CHUNK = 8 << 20  # bytes read at a time when scanning for partition boundaries


def csv_byte_ranges(path, blocksize=DEFAULT_BLOCKSIZE) -> tuple[bytes, list]:
    """The header line and the ``(start, stop)`` byte ranges of a CSV file's rows.

    Each range ends just after a line break outside double quotes (RFC 4180 quoting:
    ``""`` inside a field keeps the count even), at or after ``start + blocksize``. The
    file is scanned once, in chunks of 8 MB: memory does not grow with the file.

    Returns
    -------
    header : bytes
        The first record, with its line break, without a UTF-8 byte-order mark.
    ranges : list of (int, int)
    """
    path = Path(path)
    size = path.stat().st_size
    blocksize = max(int(blocksize), 1)
    with open(path, "rb") as fh:
        first = fh.read(max(_CHUNK, 1 << 20))
        start = len(_BOM) if first.startswith(_BOM) else 0
        end = _record_end(first, start)
        while end == len(first) and len(first) < size:  # a header longer than the first read
            first += fh.read(_CHUNK)
            end = _record_end(first, start)
        header = first[start:end]
        ranges, pos, target, quoted, offset = [], end, end + blocksize, False, end
        fh.seek(end)
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            i, n = 0, len(chunk)
            while i < n:
                if offset + n <= target:  # no cut in the rest of this chunk
                    quoted ^= chunk.count(b'"', i) % 2 == 1
                    break
                t = max(target - offset, i)
                quoted ^= chunk.count(b'"', i, t) % 2 == 1
                i = t
                while True:  # the first line break outside quotes from i
                    nl = chunk.find(b"\n", i)
                    if nl < 0:
                        quoted ^= chunk.count(b'"', i) % 2 == 1
                        i = n
                        break
                    quoted ^= chunk.count(b'"', i, nl) % 2 == 1
                    i = nl + 1
                    if not quoted:
                        ranges.append((pos, offset + i))
                        pos = offset + i
                        target = pos + blocksize
                        break
            offset += n
    if pos < size:
        ranges.append((pos, size))
    return header, ranges


def _record_end(data: bytes, pos: int, quoted: bool = False) -> int:
    """Offset just after the first line break at or after ``pos`` outside quotes."""
    n = len(data)
    while pos < n:
        nl = data.find(b"\n", pos)
        if nl < 0:
            return n
        quoted ^= data.count(b'"', pos, nl) % 2 == 1
        if not quoted:
            return nl + 1
        pos = nl + 1
    return n


def read_csv_range(path, start: int, stop: int, header: bytes, *, encoding="utf-8", usecols=None,
                   index: int | None = None) -> pd.DataFrame:
    """Read rows ``[start, stop)`` of a CSV file as strings.

    Raises
    ------
    UndecodablePartitionError
        If the bytes cannot be decoded with ``encoding``; names the file, the byte range
        and the first bad byte's offset.
    MalformedPartitionError
        If the decoded text does not parse as CSV (an unclosed quote); names the file
        and the byte range.
    """
    with open(path, "rb") as fh:
        fh.seek(start)
        raw = fh.read(stop - start)
    try:
        text = (header + raw).decode(encoding)
    except UnicodeDecodeError as err:
        bad = start + err.start - len(header)
        part = "" if index is None else f"partition {index}, "
        raise UndecodablePartitionError(
            f"{part}bytes {start}-{stop}: cannot decode as {encoding} (first bad byte at offset {bad}: "
            f"{raw[max(err.start - len(header), 0):err.end - len(header)]!r}); re-save the export as UTF-8 "
            f"or pass --encoding (gb18030 for GBK exports)", path=path, start=start, stop=stop) from None
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, usecols=usecols)
    except pd.errors.ParserError as err:
        part = "" if index is None else f"partition {index}, "
        detail = str(err).strip().splitlines()[-1]
        raise MalformedPartitionError(
            f"{part}bytes {start}-{stop}: cannot parse as CSV ({detail}; lines count from the partition's "
            f"first row after the header): a row with more fields than the header, or an unclosed quote",
            path=path, start=start, stop=stop) from None


def _head(path, header: bytes, encoding) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(header.decode(encoding, errors="replace")), dtype=str)


def check_columns(columns, needed, path) -> None:
    """Raise :class:`MissingColumnError` naming the file and the columns it does have."""
    columns = [str(c) for c in columns]
    for col in needed:
        if col is not None and col not in columns:
            close = [c for c in columns if col.strip() in c or c.strip() in col][:3]
            hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
            raise MissingColumnError(f"no column {col!r}; the export has {len(columns)} columns: "
                                     f"{', '.join(map(repr, columns[:20]))}{' ...' if len(columns) > 20 else ''}"
                                     f"{hint}", path=path)


def xlsx_to_parquet(path, out, *, quiet=False) -> Path:
    """Convert an .xlsx export once to Parquet (all columns as strings); returns the new path.

    An existing conversion newer than the workbook is reused. A message on stderr says
    what was converted, unless ``quiet``.
    """
    path, out = Path(path), Path(out)
    target = out / (path.stem + ".parquet")
    if target.exists() and target.stat().st_mtime >= path.stat().st_mtime:
        if not quiet:
            print(f"using {target} (converted earlier from {path.name})", file=sys.stderr)
        return target
    if not quiet:
        print(f"converting {path.name} to Parquet once ({target}); .xlsx cannot be read in partitions",
              file=sys.stderr)
    df = pd.read_excel(path, dtype=str, engine="calamine").fillna("")
    out.mkdir(parents=True, exist_ok=True)
    df.to_parquet(target, index=False)
    return target


def read_export(path, columns, *, blocksize=DEFAULT_BLOCKSIZE, encoding="utf-8", convert_dir=None,
                quiet=False):
    """A ``dask.dataframe`` of an export's ``columns`` (strings), read in partitions.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (split by byte ranges), ``.parquet`` (file or folder; its row groups or
        files are the partitions) or ``.xlsx`` (converted once to Parquet in
        ``convert_dir``).
    columns : list of str
        Columns to read; each must exist.
    blocksize : int
        Bytes per CSV partition.
    encoding : str, default "utf-8"
        Of a CSV file; a UTF-8 byte-order mark is skipped.

    Raises
    ------
    FileNotFoundError, MissingColumnError, UndecodablePartitionError
    """
    import dask.dataframe as dd

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"export not found: {path}")
    columns = [c for c in dict.fromkeys(columns) if c is not None]
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        path = xlsx_to_parquet(path, convert_dir or path.parent, quiet=quiet)
        suffix = ".parquet"
    if suffix == ".parquet" or path.is_dir():
        import pyarrow.parquet as pq

        names = pq.read_schema(next(iter(sorted(path.glob("*.parquet")))) if path.is_dir() else path).names
        check_columns(names, columns, path)
        ddf = dd.read_parquet(str(path), columns=columns, split_row_groups=True)
        return ddf
    if suffix not in (".csv", ".txt", ".tsv"):
        raise ValueError(f"{path}: cannot read {suffix or 'a file without suffix'} exports in partitions; "
                         f"use .csv, .parquet or .xlsx")
    header, ranges = csv_byte_ranges(path, blocksize)
    try:
        head = header.decode(encoding)
    except UnicodeDecodeError:
        raise UndecodablePartitionError(f"header line (bytes 0-{len(header)}): cannot decode as {encoding}; "
                                        f"pass --encoding", path=path, start=0, stop=len(header)) from None
    names = list(pd.read_csv(io.StringIO(head), dtype=str, nrows=0).columns)
    check_columns(names, columns, path)
    meta = pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
    if not ranges:
        return dd.from_pandas(meta, npartitions=1)
    args = [(str(path), a, b, header, i) for i, (a, b) in enumerate(ranges)]
    return dd.from_map(_ReadRange(encoding, columns), args, meta=meta, enforce_metadata=False,
                       label="read-csv-range")


class _ReadRange:
    def __init__(self, encoding, columns):
        self.encoding, self.columns = encoding, list(columns)

    def __call__(self, arg):
        path, start, stop, header, index = arg
        df = read_csv_range(path, start, stop, header, encoding=self.encoding, usecols=self.columns,
                            index=index)
        return df[self.columns].astype("str")
