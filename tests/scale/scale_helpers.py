"""Helpers of the Dask tests (a module of its own: every conftest.py is named conftest)."""


def partitions(df, sizes):
    """A dask DataFrame of ``df`` cut into partitions of the given sizes (the rest in a last one)."""
    import dask.dataframe as dd
    from dask import delayed

    cuts, a = [], 0
    for s in sizes:
        cuts.append(df.iloc[a:a + s])
        a += s
    if a < len(df):
        cuts.append(df.iloc[a:])
    return dd.from_delayed([delayed(c.reset_index(drop=True)) for c in cuts], meta=df.iloc[:0])
