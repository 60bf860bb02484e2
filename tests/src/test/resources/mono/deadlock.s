# Reads from a pipe whose only writer is itself: blocks with nobody left to run.
        .include "unix/unix.inc"
        .extern pipe, read
        .data
fds:    .word 0, 0
buf:    .word 0
        .text
        .globl main
main:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        la      a0, fds
        call    pipe
        la      t0, fds
        lw      a0, 0(t0)
        la      a1, buf
        li      a2, 1
        call    read
        li      a0, 0
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
