-- Total employed persons by province (English labels as printed, typo Yunan included), typed.
{{ stage_statistical_table('china_employment', 'china_employment') }}
