-- NBS website exports (newest vintage), typed; labels as printed.
{{ stage_statistical_table('china_nbs_exports', 'china_nbs_exports') }}
