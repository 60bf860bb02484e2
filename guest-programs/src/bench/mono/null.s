# null: the cheapest system call, getpid, N times. ops = calls that returned a pid.
        .include "unix/unix.inc"
        .include "harness.inc"
        .text
        .globl  main
main:
        push    ra, s0, s1, s2
        call    bench_args
        mv      s0, a0                  # N
        li      s1, 0                   # i
        li      s2, 0                   # ops
        call    bench_begin
1:      syscall SYS_GETPID
        sltu    t0, zero, a0
        add     s2, s2, t0
        addi    s1, s1, 1
        bne     s1, s0, 1b
        call    bench_end
        mv      a0, s2
        call    bench_report
        li      a0, 0
        pop     ra, s0, s1, s2
        ret
