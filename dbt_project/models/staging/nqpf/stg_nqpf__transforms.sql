-- The seed nqpf_transforms as the models read it (on the synthetic target, the generated system's).
select * from {{ nqpf_seed('nqpf_transforms') }}
