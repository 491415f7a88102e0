"""World Bank WDI: the Indicators API v2 and the two file layouts of the mirror."""
