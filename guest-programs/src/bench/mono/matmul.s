# matmul on the baseline kernel: the body is bench/matmul.inc, over this kernel's harness.
        .include "unix/unix.inc"
        .include "harness.inc"
        .include "../matmul.inc"
