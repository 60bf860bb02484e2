# SIGSEGV and SIGFPE handlers that skip the faulting instruction; exits with the number of
# signals handled (3) times 10 plus the last signal number seen (8, SIGFPE).
        .include "unix/unix.inc"
        .extern signal
        .data
count:  .word 0
last:   .word 0
        .text
        .globl main
main:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        li      a0, SIGSEGV
        la      a1, handler
        call    signal
        li      a0, SIGFPE
        la      a1, handler
        call    signal
        li      t0, 0x40000000
        sw      t0, 0(t0)               # unmapped: SIGSEGV, skipped
        lw      t1, 0(t0)               # again, on a load
        li      t2, 0
        div     t3, t0, t2              # SIGFPE, skipped
        la      t0, count
        lw      a0, 0(t0)
        li      t1, 10
        mul     a0, a0, t1
        la      t0, last
        lw      t1, 0(t0)
        add     a0, a0, t1
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# handler(signo, badvaddr, frame, cause): count, remember signo, resume after the fault.
handler:
        la      t0, count
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        la      t0, last
        sw      a0, 0(t0)
        lw      t1, FRAME_PC(a2)
        addi    t1, t1, 4
        sw      t1, FRAME_PC(a2)
        ret
