# matmul: N multiplications of two SIZE x SIZE int32 matrices (argv[2] = SIZE, at most 64), to
# show that compute is not penalised: no kernel is involved once the arrays are set up.
# A[i][j] = i + j, B[i][j] = i - j; ops = multiplications whose checksum (sum of C) is right:
# sum over i,j,k of (i+k)(k-j) = SIZE^2 * sum(k^2) - SIZE * (sum k)^2, computed in 32 bits.
        .include "exo/kernel.inc"
        .include "harness.inc"
.equ MAX, 64
        .bss
        .align  4
ma:     .space  MAX * MAX * 4
mb:     .space  MAX * MAX * 4
mc:     .space  MAX * MAX * 4
        .text
        .globl  main
main:
        push    ra, s0, s1, s2, s3, s4, s5, s6, s7
        call    bench_args
        mv      s0, a0                  # N
        mv      s1, a1                  # SIZE
        beqz    s1, fail
        sltiu   t0, s1, MAX + 1
        beqz    t0, fail
        li      t0, 0                   # fill A and B
        la      t3, ma
        la      t4, mb
1:      li      t1, 0
2:      add     t2, t0, t1
        sw      t2, 0(t3)
        sub     t2, t0, t1
        sw      t2, 0(t4)
        addi    t3, t3, 4
        addi    t4, t4, 4
        addi    t1, t1, 1
        bne     t1, s1, 2b
        addi    t0, t0, 1
        bne     t0, s1, 1b
        li      t0, 0                   # the expected checksum
        li      t1, 0                   # sum k^2
        li      t2, 0                   # sum k
3:      mul     t3, t0, t0
        add     t1, t1, t3
        add     t2, t2, t0
        addi    t0, t0, 1
        bne     t0, s1, 3b
        mul     t3, s1, s1
        mul     t1, t1, t3
        mul     t2, t2, t2
        mul     t2, t2, s1
        sub     s7, t1, t2
        li      s2, 0                   # repetition
        li      s6, 0                   # right results
        slli    s5, s1, 2               # row stride in bytes
        call    bench_begin
4:      li      t8, 0                   # checksum
        li      t0, 0                   # i
        la      t6, mc                  # &C[i][j]
5:      li      t1, 0                   # j
6:      mul     t3, t0, s5
        la      t4, ma
        add     t3, t3, t4              # &A[i][0]
        slli    t4, t1, 2
        la      t5, mb
        add     t4, t4, t5              # &B[0][j]
        li      t2, 0                   # k
        li      t7, 0                   # the dot product
7:      lw      a0, 0(t3)
        lw      a1, 0(t4)
        mul     a0, a0, a1
        add     t7, t7, a0
        addi    t3, t3, 4
        add     t4, t4, s5
        addi    t2, t2, 1
        bne     t2, s1, 7b
        sw      t7, 0(t6)
        add     t8, t8, t7
        addi    t6, t6, 4
        addi    t1, t1, 1
        bne     t1, s1, 6b
        addi    t0, t0, 1
        bne     t0, s1, 5b
        bne     t8, s7, 8f
        addi    s6, s6, 1
8:      addi    s2, s2, 1
        bne     s2, s0, 4b
        call    bench_end
        mv      a0, s6
        call    bench_report
        li      a0, 0
        pop     ra, s0, s1, s2, s3, s4, s5, s6, s7
        ret
fail:   li      a0, 70
        pop     ra, s0, s1, s2, s3, s4, s5, s6, s7
        ret
