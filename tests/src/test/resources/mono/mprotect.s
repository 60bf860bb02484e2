# Appel & Li's basic cycle on the baseline: write-protect a page, take the fault, unprotect it
# in the handler and retry. Exits with the value finally stored (42) if the handler ran once.
        .include "unix/unix.inc"
        .extern signal, mmap, mprotect
        .equ    PAGE, 0x20000000
        .data
faults: .word 0
        .text
        .globl main
main:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        li      a0, SIGSEGV
        la      a1, handler
        call    signal
        li      a0, PAGE
        li      a1, 4096
        li      a2, PROT_READ | PROT_WRITE
        call    mmap
        li      a0, PAGE
        li      a1, 4096
        li      a2, PROT_READ
        call    mprotect
        li      t0, PAGE
        li      t1, 42
        sw      t1, 0(t0)               # faults once, then succeeds
        lw      a0, 0(t0)
        la      t0, faults
        lw      t1, 0(t0)
        li      t2, 1
        beq     t1, t2, 1f
        li      a0, 99
1:      lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

handler:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        la      t0, faults
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        li      t0, -4096
        and     a0, a1, t0
        li      a1, 4096
        li      a2, PROT_READ | PROT_WRITE
        call    mprotect
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
