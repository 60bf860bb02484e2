# A program for the monitor's golden transcript: a loop calling a leaf function that counts.
        .include "exo/kernel.inc"
        .data
counter: .word 0
msg:    .asciz "done\n"
        .text
        .globl main
main:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      fp, 8(sp)
        addi    fp, sp, 16
        li      s1, 3
1:      call    bump
        addi    s1, s1, -1
        bnez    s1, 1b
        la      a0, msg
        li      a1, 5
        syscall SYS_CONS_WRITE
        la      t0, counter
        lw      a0, 0(t0)
        lw      ra, 12(sp)
        lw      fp, 8(sp)
        addi    sp, sp, 16
        ret

bump:
        la      t0, counter
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        ret
