# matmul on the exokernel: the body is bench/matmul.inc, over this kernel's harness.
        .include "exo/kernel.inc"
        .include "harness.inc"
        .include "../matmul.inc"
