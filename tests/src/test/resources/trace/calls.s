# The golden trace's program (TraceTest): kernel calls, one refused, time slices ended by the
# timer, a yield, and an unhandled break that destroys it. It talks to the kernel directly
# (runtime-bare.list), so the library OS's changes do not move its cycles.
        .include "exo/kernel.inc"
        .data
msg:    .asciz "tracing\n"
        .text
        .globl main
main:
        syscall SYS_NULL
        syscall SYS_ENV_SELF
        la      a0, msg
        li      a1, 8
        syscall SYS_CONS_WRITE
        li      a0, 99                  # no environment 99: refused
        syscall SYS_SLICE_FREE
        li      s1, 3
1:      li      t0, 12000               # 24,000 cycles: longer than a time slice
2:      addi    t0, t0, -1
        bnez    t0, 2b
        syscall SYS_NULL
        addi    s1, s1, -1
        bnez    s1, 1b
        syscall SYS_YIELD
        break
