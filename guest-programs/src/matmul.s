# matmul: N x N int32 C = A x B with A[i][j] = (i*7 + j*3) % 17 - 8 and
# B[i][j] = (i*5 + j*11) % 13 - 6, repeated R times; after repetition r, for each i, adds
# C[i][(i+r) % N] into a 32-bit sum and does A[i][r % N] += 1. Prints the sum (unsigned) and
# C[17 % N][42 % N] of the last repetition. Defaults N = 200, R = 20. Usage: matmul [N [R]]
# args: 50 4
# expect: matmul checksum=154 C[17][42]=-12
# default-expect: matmul checksum=4294966671 C[17][42]=-89
        .extern printf, malloc, arg_int
        .text
        .globl  main
main:
        addi    sp, sp, -48
        sw      ra, 44(sp)
        sw      fp, 40(sp)
        addi    fp, sp, 48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sw      s6, 20(sp)
        sw      s7, 24(sp)
        sw      a0, 28(sp)
        sw      a1, 32(sp)
        li      a2, 1
        li      a3, 200
        call    arg_int
        mv      s1, a0                  # N
        lw      a0, 28(sp)
        lw      a1, 32(sp)
        li      a2, 2
        li      a3, 20
        call    arg_int
        mv      s2, a0                  # R
        mul     s6, s1, s1
        slli    s6, s6, 2               # bytes per matrix
        mv      a0, s6
        call    malloc
        mv      s3, a0                  # A
        mv      a0, s6
        call    malloc
        mv      s4, a0                  # B
        mv      a0, s6
        call    malloc
        mv      s5, a0                  # C
        li      t0, 0                   # fill A and B
        li      t8, 17
        li      t9, 13
1:      beq     t0, s1, 3f
        li      t1, 0
2:      beq     t1, s1, 21f
        mul     t2, t0, s1
        add     t2, t2, t1
        slli    t2, t2, 2
        li      t3, 7
        mul     t3, t0, t3
        li      t4, 3
        mul     t4, t1, t4
        add     t3, t3, t4
        rem     t3, t3, t8
        addi    t3, t3, -8
        add     t4, s3, t2
        sw      t3, 0(t4)
        li      t3, 5
        mul     t3, t0, t3
        li      t4, 11
        mul     t4, t1, t4
        add     t3, t3, t4
        rem     t3, t3, t9
        addi    t3, t3, -6
        add     t4, s4, t2
        sw      t3, 0(t4)
        addi    t1, t1, 1
        j       2b
21:     addi    t0, t0, 1
        j       1b
3:      li      s7, 0                   # sum
        li      a7, 0                   # r
        slli    a6, s1, 2               # row bytes
4:      beq     a7, s2, 9f
        li      t0, 0                   # i
5:      beq     t0, s1, 8f
        mul     a3, t0, a6
        add     a4, s3, a3              # &A[i][0]
        add     a5, s5, a3              # &C[i][0]
        li      t1, 0                   # j
6:      beq     t1, s1, 71f
        slli    t2, t1, 2
        add     t2, s4, t2              # &B[0][j]
        mv      t3, a4                  # &A[i][k]
        add     t4, a4, a6              # end of row i
        li      t5, 0                   # accumulator
7:      lw      t6, 0(t3)
        lw      t7, 0(t2)
        mul     t6, t6, t7
        add     t5, t5, t6
        addi    t3, t3, 4
        add     t2, t2, a6
        bne     t3, t4, 7b
        slli    t2, t1, 2
        add     t2, a5, t2
        sw      t5, 0(t2)
        addi    t1, t1, 1
        j       6b
71:     addi    t0, t0, 1
        j       5b
8:      li      t0, 0                   # checksum and perturbation of A
        rem     t9, a7, s1              # r % N
81:     beq     t0, s1, 82f
        add     t1, t0, a7
        rem     t1, t1, s1
        mul     t2, t0, a6
        add     t3, s5, t2
        slli    t1, t1, 2
        add     t3, t3, t1
        lw      t3, 0(t3)
        add     s7, s7, t3
        add     t3, s3, t2
        slli    t4, t9, 2
        add     t3, t3, t4
        lw      t4, 0(t3)
        addi    t4, t4, 1
        sw      t4, 0(t3)
        addi    t0, t0, 1
        j       81b
82:     addi    a7, a7, 1
        j       4b
9:      li      t0, 17
        rem     a2, t0, s1
        li      t0, 42
        rem     a3, t0, s1
        mul     t1, a2, s1
        add     t1, t1, a3
        slli    t1, t1, 2
        add     t1, s5, t1
        lw      a4, 0(t1)
        mv      a1, s7
        la      a0, result
        call    printf
        li      a0, 0
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        lw      s7, 24(sp)
        lw      ra, 44(sp)
        lw      fp, 40(sp)
        addi    sp, sp, 48
        ret

        .rodata
result: .asciz  "matmul checksum=%u C[%d][%d]=%d\n"
