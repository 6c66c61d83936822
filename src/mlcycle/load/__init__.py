"""Read and verify: the strict YAML reader, the models, the cross-file rules,
playbooks and projects. Nothing here writes, prints or exits."""
