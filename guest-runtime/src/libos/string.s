# string.s: memory and string helpers (leaf functions: no frame).
        .include "libos.inc"

        .text
# strlen(s) -> a0 = bytes before the NUL.
        .globl  strlen
strlen:
        mv      t0, a0
1:      lbu     t1, 0(t0)
        beqz    t1, 2f
        addi    t0, t0, 1
        j       1b
2:      sub     a0, t0, a0
        ret

# strcmp(a, b) -> a0 < 0, 0 or > 0.
        .globl  strcmp
strcmp:
1:      lbu     t0, 0(a0)
        lbu     t1, 0(a1)
        bne     t0, t1, 2f
        beqz    t0, 2f
        addi    a0, a0, 1
        addi    a1, a1, 1
        j       1b
2:      sub     a0, t0, t1
        ret

# memcpy(dst, src, n) -> a0 = dst. Copies words when both are word-aligned.
        .globl  memcpy
memcpy:
        mv      t0, a0
        or      t1, a0, a1
        or      t1, t1, a2
        andi    t1, t1, 3
        bnez    t1, 2f
        add     t2, a1, a2
1:      beq     a1, t2, 3f
        lw      t3, 0(a1)
        sw      t3, 0(t0)
        addi    a1, a1, 4
        addi    t0, t0, 4
        j       1b
2:      add     t2, a1, a2
4:      beq     a1, t2, 3f
        lbu     t3, 0(a1)
        sb      t3, 0(t0)
        addi    a1, a1, 1
        addi    t0, t0, 1
        j       4b
3:      ret

# memmove(dst, src, n) -> a0 = dst. Overlap-safe: copies downward when dst is above src,
# by words when dst, src and n are all word-aligned.
        .globl  memmove
memmove:
        bleu    a0, a1, memcpy
        add     t0, a0, a2
        add     t1, a1, a2
        or      t2, a0, a1
        or      t2, t2, a2
        andi    t2, t2, 3
        bnez    t2, 3f
1:      beq     t1, a1, 2f
        addi    t1, t1, -4
        addi    t0, t0, -4
        lw      t2, 0(t1)
        sw      t2, 0(t0)
        j       1b
3:      beq     t1, a1, 2f
        addi    t1, t1, -1
        addi    t0, t0, -1
        lbu     t2, 0(t1)
        sb      t2, 0(t0)
        j       3b
2:      ret

# memset(dst, byte, n) -> a0 = dst.
        .globl  memset
memset:
        mv      t0, a0
        add     t1, a0, a2
        andi    a1, a1, 0xFF
        or      t2, a0, a2
        andi    t2, t2, 3
        bnez    t2, 2f
        slli    t3, a1, 8
        or      a1, a1, t3
        slli    t3, a1, 16
        or      a1, a1, t3
1:      beq     t0, t1, 3f
        sw      a1, 0(t0)
        addi    t0, t0, 4
        j       1b
2:      beq     t0, t1, 3f
        sb      a1, 0(t0)
        addi    t0, t0, 1
        j       2b
3:      ret

# atoi(s) -> a0 = the decimal number at s (optional '-'); stops at the first non-digit.
        .globl  atoi
atoi:
        li      t0, 0
        li      t3, 0
        lbu     t1, 0(a0)
        li      t2, '-'
        bne     t1, t2, 1f
        li      t3, 1
        addi    a0, a0, 1
1:      lbu     t1, 0(a0)
        addi    t1, t1, -48
        sltiu   t2, t1, 10
        beqz    t2, 2f
        li      t2, 10
        mul     t0, t0, t2
        add     t0, t0, t1
        addi    a0, a0, 1
        j       1b
2:      mv      a0, t0
        beqz    t3, 3f
        sub     a0, zero, t0
3:      ret

# arg_int(argc, argv, index, default) -> a0 = atoi(argv[index]) if index < argc, else default.
        .globl  arg_int
arg_int:
        bge     a2, a0, 1f
        slli    a2, a2, 2
        add     a1, a1, a2
        lw      a0, 0(a1)
        j       atoi
1:      mv      a0, a3
        ret
