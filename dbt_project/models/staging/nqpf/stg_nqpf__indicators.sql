-- The seed nqpf_indicators as the models read it (on the synthetic target, the generated system's).
select * from {{ nqpf_seed('nqpf_indicators') }}
