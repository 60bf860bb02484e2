# A SIGSEGV handler that itself faults: the process is killed, naming both.
        .include "unix/unix.inc"
        .extern signal
        .text
        .globl main
main:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        li      a0, SIGSEGV
        la      a1, handler
        call    signal
        li      t0, 0x40000000
        lw      t0, 0(t0)
        li      a0, 0
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
handler:
        li      t0, 0x40001000
        sw      t0, 0(t0)
        ret
