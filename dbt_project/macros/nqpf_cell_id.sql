{#-
    One cell of an indicator panel (a system indicator, a unit, a year) as one integer, so that
    the cell-level models of the NQPF chain (int_nqpf__02 to int_nqpf__07_panel, tens of millions
    of rows at scale) find a cell's indicator, unit and year from one BIGINT, with no join on four
    keys, three of them text.
    indicator_no: int_nqpf__01_system_indicators; unit_no: int_geographies (below 2^24, tested);
    year below 4096. So `cell_id - year` identifies the series (indicator and unit) alone.
-#}
{% macro nqpf_cell_id(indicator_no, unit_no, year) -%}
    ((cast({{ indicator_no }} as bigint) * 16777216 + {{ unit_no }}) * 4096 + {{ year }})
{%- endmacro %}

{#- The parts of a cell key, for the models that read the filled grid (int_nqpf__03_filled), which
    stores the key alone. `//` is DuckDB's integer division: the one thing to port here. -#}
{% macro nqpf_cell_indicator_no(cell_id) -%}
    cast({{ cell_id }} // 68719476736 as integer)
{%- endmacro %}

{% macro nqpf_cell_unit_no(cell_id) -%}
    cast({{ cell_id }} // 4096 % 16777216 as integer)
{%- endmacro %}

{% macro nqpf_cell_year(cell_id) -%}
    cast({{ cell_id }} % 4096 as integer)
{%- endmacro %}

{#- The three parts as columns named indicator_no, unit_no and year: what each reader of the grid selects. -#}
{% macro nqpf_cell_parts(cell_id) -%}
    {{ nqpf_cell_indicator_no(cell_id) }} as indicator_no,
    {{ nqpf_cell_unit_no(cell_id) }} as unit_no,
    {{ nqpf_cell_year(cell_id) }} as year
{%- endmacro %}
