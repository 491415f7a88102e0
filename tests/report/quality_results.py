"""Validation results in the shape the GX module hands to build_quality_page: one passing and one failing suite."""

QUALITY_RESULTS = [
    {
        "suite": "china_capital_stock_raw",
        "asset": "china_capital_stock_raw",
        "table": "raw.china_capital_stock",
        "success": False,
        "rows_validated": 6335,
        "run_id": "5fd88d15-3a4e-44d5-ae53-a144b9723129",
        "evaluated_at": "2026-11-23T22:31:21+00:00",
        "expectations": [
            {
                "expectation": "expect_column_values_to_not_be_null",
                "column": "province_name_zh",
                "kwargs": {"column": "province_name_zh"},
                "success": True,
                "observed": {"unexpected_count": 0, "unexpected_percent": 0.0},
                "unexpected_rows": [],
            },
            {
                "expectation": "expect_column_values_to_be_between",
                "column": "investment",
                "kwargs": {"column": "investment", "min_value": 0, "max_value": None},
                "success": False,
                "observed": {"unexpected_count": 2, "unexpected_percent": 0.0316},
                "unexpected_rows": [
                    {"province_name_zh": "福建", "year": 1967, "investment": -0.52, "_file": "asset.csv", "_line": 1412},
                    {"province_name_zh": "福建", "year": 1968, "investment": -1.07, "_file": "asset.csv", "_line": 1413},
                ],
            },
            {
                "expectation": "expect_column_values_to_be_in_set",
                "column": "unit",
                "kwargs": {"column": "unit", "value_set": ["亿元", "万元"]},
                "success": False,
                "observed": {
                    "unexpected_count": 1,
                    "unexpected_percent": 0.0158,
                    "partial_unexpected_list": ["<script>alert(1)</script>"],
                },
                "unexpected_rows": [{"unit": "<script>alert(1)</script>", "region": "北京市"}],
            },
        ],
    },
    {
        "suite": "pwt_raw",
        "asset": "pwt_raw",
        "table": "raw.pwt",
        "success": True,
        "rows_validated": 12810,
        "run_id": "5fd88d15-3a4e-44d5-ae53-a144b9723129",
        "evaluated_at": "2026-11-23T22:31:22+00:00",
        "expectations": [
            {
                "expectation": "expect_table_row_count_to_be_between",
                "column": None,
                "kwargs": {"min_value": 10000},
                "success": True,
                "observed": 12810,
                "unexpected_rows": [],
            }
        ],
    },
]
