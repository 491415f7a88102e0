-- NBS provincial annual tables, typed; labels and codes as printed (checked in int_china__observations).
{{ stage_statistical_table('china_nbs', 'china_nbs') }}
