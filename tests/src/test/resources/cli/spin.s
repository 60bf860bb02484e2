# Never ends.
        .text
        .globl main
main:
1:      addi    t0, t0, 1
        j       1b
