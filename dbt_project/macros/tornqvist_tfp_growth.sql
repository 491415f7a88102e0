{#-
    TFP growth as the Tornqvist residual: output growth less the income-share-weighted growth
    of capital and of labour (quantity plus human capital). Arguments are SQL expressions; the
    formula is the docs block tfp_growth_accounting's, stated once for every mart that needs it.
-#}
{% macro tornqvist_tfp_growth(output, capital, labour, human_capital, labour_share) %}
    ({{ output }}) - (1 - ({{ labour_share }})) * ({{ capital }}) - ({{ labour_share }}) * (({{ labour }}) + ({{ human_capital }}))
{%- endmacro %}
