"""Command-line tools: ``nqpf`` (cli) and the benchmark."""
