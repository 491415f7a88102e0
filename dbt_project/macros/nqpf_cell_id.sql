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
