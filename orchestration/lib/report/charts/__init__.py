"""Chart builders: each module turns published rows into Vega-Lite figures for one topic of the report."""
