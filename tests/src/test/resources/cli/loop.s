# Sums 1..n with loads and stores, for engine comparisons; exits with the sum's low byte.
        .data
cell:   .word 0
        .text
        .globl main
main:
        li      t0, 20000
        la      t1, cell
1:      lw      t2, 0(t1)
        add     t2, t2, t0
        sw      t2, 0(t1)
        addi    t0, t0, -1
        bnez    t0, 1b
        lw      a0, 0(t1)
        andi    a0, a0, 255
        ret
