"""The dbt target as sqlfluff's jinja templater sees it: the models are linted as the `local` target."""

name = "local"
