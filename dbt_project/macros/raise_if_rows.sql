{#-
    Stop the build with a readable message when `query` returns rows: each row becomes one
    line of the message (its columns joined by " | "). Used for input errors that dbt tests
    would only count, such as an indicator no source provides. Runs at execution time only.
-#}
{% macro raise_if_rows(query, message, max_lines=20) %}
    {% if execute %}
        {% set result = run_query(query) %}
        {% if result.rows | length > 0 %}
            {% set lines = [] %}
            {% for row in result.rows[:max_lines] %}
                {% do lines.append("  - " ~ (row.values() | join(" | "))) %}
            {% endfor %}
            {% if result.rows | length > max_lines %}
                {% do lines.append("  ... and " ~ (result.rows | length - max_lines) ~ " more") %}
            {% endif %}
            {{ exceptions.raise_compiler_error(message ~ ":\n" ~ (lines | join("\n"))) }}
        {% endif %}
    {% endif %}
{% endmacro %}
