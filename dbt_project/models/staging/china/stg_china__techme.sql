-- The yearbook tables as landed, typed; region labels still verbatim (cleaned in int_china__observations).
{{ stage_statistical_table('china_techme', 'china') }}
