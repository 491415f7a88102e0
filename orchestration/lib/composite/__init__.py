"""Composite-indicator methods on numpy arrays: one place for every formula the index uses.

Modules follow the steps of the OECD/JRC Handbook on Constructing Composite Indicators (2008)
and of COINr, whose default algorithms they reproduce (tests/composite/ replays COINr 1.1.14 on
its ASEM example):

- ``statistics``: skewness and kurtosis as COINr computes them;
- ``treatment``: outlier treatment (stepwise winsorisation, else a log transform);
- ``imputation``: indicator mean, group mean and group median;
- ``normalisation``: min-max, z-score, rank;
- ``weighting``: entropy, CRITIC, equal and PCA weights;
- ``aggregation``: weighted arithmetic and geometric means over available values, and a tree;
- ``uncertainty``: Monte Carlo over the methodological choices, rank statistics, first-order
  and total sensitivity indices;
- ``audit``: correlations, Cronbach's alpha, principal components, correlation ratios.

Arrays are units x indicators with NaN for a missing value. Nothing here reads files or
databases: the dbt Python models feed it and publish what it returns.
"""
