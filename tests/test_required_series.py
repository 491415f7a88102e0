"""Which series the systems need is stated once in dbt; ingest's copy of the rule agrees with it."""

import duckdb

from orchestration.lib.indicator_systems import required_codes, required_series


def test_ingest_asks_for_exactly_the_series_the_dbt_model_requires(refreshed):
    with duckdb.connect(str(refreshed.data_dir / "warehouse" / "nqpf.duckdb"), read_only=True) as con:
        stated = set(con.execute("select source, indicator_code from intermediate.int_nqpf__00_required_series").fetchall())
    assert required_series() == stated
    # denominators are part of it: population and GDP for per-capita and per-GDP transforms
    assert {"SP.POP.TOTL", "NY.GDP.MKTP.CD"} <= set(required_codes("wdi"))
    # ingest also lands the series that extend growth accounting after PWT (seed tfp_extension_series)
    assert {"NY.GDP.MKTP.KD.ZG", "NE.GDI.TOTL.ZS", "SL.TLF.TOTL.IN", "SL.UEM.TOTL.ZS"} <= set(required_codes("wdi"))
    assert not {"NY.GDP.MKTP.KD.ZG", "SL.UEM.TOTL.ZS"} & {code for _, code in stated}
    assert ("pwt", "emp") in stated and ("china", "gdp_implied") in stated
