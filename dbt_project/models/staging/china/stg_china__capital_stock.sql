-- The capital-stock inputs as landed, typed; provinces still in pinyin (mapped in int_china__observations).
{{ stage_statistical_table('china_capital_stock', 'china_capital') }}
