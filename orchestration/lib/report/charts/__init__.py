"""Chart builders: each module turns published rows into Vega-Lite figures for one topic of the report.

Encodings are channel objects (``alt.X("year:O")``, ``alt.ColorValue(...)``), never bare strings or
dicts: Altair rebuilds its table of wrapper classes for each one it has to wrap (about 10 ms each).
"""
