# Counts to two million and exits 0; two of these share the CPU by preemption.
        .text
        .globl main
main:
        li      t0, 2000000
1:      addi    t0, t0, -1
        bnez    t0, 1b
        li      a0, 0
        ret
