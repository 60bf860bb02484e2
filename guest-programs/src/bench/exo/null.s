# null: the cheapest kernel round trip, the null kernel call, N times. ops = calls that returned 0.
        .include "exo/kernel.inc"
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
1:      syscall SYS_NULL
        seqz    t0, a0
        add     s2, s2, t0
        addi    s1, s1, 1
        bne     s1, s0, 1b
        call    bench_end
        mv      a0, s2
        call    bench_report
        li      a0, 0
        pop     ra, s0, s1, s2
        ret
