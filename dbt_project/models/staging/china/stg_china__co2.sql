-- CEADs CO2 emissions (ISO 3166-2 codes as labels), typed.
{{ stage_statistical_table('china_co2', 'china_co2') }}
