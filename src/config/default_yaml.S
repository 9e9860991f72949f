/* Embeds config/railgate.yaml (the quickstart) as rg_default_yaml, NUL-terminated. */
    .section .rodata
    .global rg_default_yaml
    .type rg_default_yaml, @object
rg_default_yaml:
    .incbin RG_DEFAULT_YAML
    .byte 0
    .size rg_default_yaml, . - rg_default_yaml
    .section .note.GNU-stack,"",@progbits
