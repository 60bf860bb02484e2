# Exits with argc * 10 + the first byte of argv[1] - '0'.
        .text
        .globl main
main:
        li      t0, 10
        mul     t1, a0, t0
        lw      t2, 4(a1)
        lbu     t3, 0(t2)
        addi    t3, t3, -48
        add     a0, t1, t3
        ret
