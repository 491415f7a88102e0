-- The seed nqpf_systems as the models read it (on the synthetic target, the generated system's).
select * from {{ nqpf_seed('nqpf_systems') }}
