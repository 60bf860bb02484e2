# sbrk two pages, which are demand-zero, then use them; exits with 0 if the pages read zero
# before and the values written after.
        .include "unix/unix.inc"
        .extern sbrk
        .text
        .globl main
main:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        li      a0, 8192
        call    sbrk
        mv      t0, a0
        lw      t1, 0(t0)
        lw      t2, 4096(t0)
        or      t1, t1, t2
        bnez    t1, 1f
        li      t1, 5
        sw      t1, 0(t0)
        sw      t1, 4096(t0)
        lw      t2, 4096(t0)
        sub     a0, t2, t1
        j       2f
1:      li      a0, 1
2:      lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
