# alloc: the heap allocator and printf, checked. First fit reuses a freed block, freed
# neighbours coalesce, realloc grows in place into a free successor (or moves, keeping the
# contents), calloc zeroes; 200 blocks of mixed sizes freed in a scrambled order coalesce back
# into one. Then printf's conversions, flags and widths.
# expect: first fit reuses a freed block: yes
# expect: freed neighbours coalesce: yes
# expect: realloc grows in place: yes, contents kept: yes
# expect: realloc moves when it must: yes, contents kept: yes
# expect: calloc zeroes: yes
# expect: 200 blocks freed in any order coalesce into one: yes
# expect: [   42] [42   ] [-0042] [ff] [0000beef] [z] [str]
# expect: [ab    ] [4294967295] [%] [-2147483648] [0x0000002a] [(null)]
        .include "libos/libos.inc"
        .extern printf, malloc, free, calloc, realloc, memset
.equ BLOCKS, 200

        .text
        .globl  main
main:
        enter   64
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        li      a0, 100                 # first fit
        call    malloc
        mv      s1, a0
        li      a0, 200
        call    malloc
        mv      s2, a0
        li      a0, 300
        call    malloc
        mv      s3, a0
        mv      a0, s2
        call    free
        li      a0, 150
        call    malloc
        mv      s4, a0
        xor     a1, s4, s2
        seqz    a1, a1
        la      a0, m_fit
        call    yesno
        mv      a0, s1                  # coalescing: a and the reused b merge
        call    free
        mv      a0, s4
        call    free
        li      a0, 250
        call    malloc
        xor     a1, a0, s1
        seqz    a1, a1
        mv      s5, a0
        la      a0, m_coalesce
        call    yesno
        mv      a0, s5
        call    free
        mv      a0, s3
        call    free
        li      a0, 64                  # realloc in place
        call    malloc
        mv      s1, a0
        li      t0, 0x1234
        sw      t0, 60(s1)
        li      a0, 64
        call    malloc
        mv      s2, a0
        li      a0, 64
        call    malloc
        mv      s3, a0                  # keeps s2's successor allocated
        mv      a0, s2
        call    free
        mv      a0, s1
        li      a1, 100
        call    realloc
        xor     a1, a0, s1
        seqz    a1, a1
        lw      t0, 60(a0)
        li      t1, 0x1234
        xor     a2, t0, t1
        seqz    a2, a2
        mv      s1, a0
        la      a0, m_inplace
        call    yesno2
        mv      a0, s1                  # realloc that must move
        li      a1, 4000
        call    realloc
        xor     a1, a0, s1
        snez    a1, a1
        lw      t0, 60(a0)
        li      t1, 0x1234
        xor     a2, t0, t1
        seqz    a2, a2
        mv      s1, a0
        la      a0, m_moves
        call    yesno2
        mv      a0, s1
        call    free
        mv      a0, s3
        call    free
        li      a0, 400                 # calloc on dirtied memory
        call    malloc
        mv      s1, a0
        li      a1, 0xAB
        li      a2, 400
        call    memset
        mv      a0, s1
        call    free
        li      a0, 100
        li      a1, 4
        call    calloc
        li      t0, 0
        li      a1, 1
1:      li      t1, 400
        beq     t0, t1, 2f
        add     t1, a0, t0
        lw      t1, 0(t1)
        beqz    t1, 11f
        li      a1, 0
11:     addi    t0, t0, 4
        j       1b
2:      mv      s1, a0
        la      a0, m_calloc
        call    yesno
        mv      a0, s1
        call    free
        li      a0, BLOCKS * 4          # the stress: 200 blocks of mixed sizes
        call    malloc
        mv      s1, a0                  # their addresses
        li      s2, 0
        li      s3, 12345               # pseudo-random sizes and order
3:      li      t0, BLOCKS
        beq     s2, t0, 4f
        li      t0, 1103515245
        mul     s3, s3, t0
        addi    s3, s3, 12345
        srli    a0, s3, 16
        andi    a0, a0, 511
        addi    a0, a0, 1
        call    malloc
        slli    t0, s2, 2
        add     t0, s1, t0
        sw      a0, 0(t0)
        addi    s2, s2, 1
        j       3b
4:      li      s2, 0                   # free in order i * 77 mod 200 (77 is coprime to 200)
5:      li      t0, BLOCKS
        beq     s2, t0, 6f
        li      t0, 77
        mul     t1, s2, t0
        li      t0, BLOCKS
        remu    t1, t1, t0
        slli    t1, t1, 2
        add     t1, s1, t1
        lw      a0, 0(t1)
        call    free
        addi    s2, s2, 1
        j       5b
6:      lw      s4, 0(s1)               # the first block's address
        mv      a0, s1
        call    free
        li      a0, 40000               # fits only if everything merged back
        call    malloc
        xor     a1, a0, s1
        seqz    a1, a1
        la      a0, m_stress
        call    yesno
        la      a0, m_fmt1
        li      a1, 42
        li      a2, 42
        li      a3, -42
        li      a4, 255
        li      a5, 0xbeef
        li      a6, 'z'
        la      a7, s_str
        call    printf
        la      a0, m_fmt2
        la      a1, s_ab
        li      a2, -1
        li      a3, 0x80000000
        li      a4, 42
        li      a5, 0
        call    printf
        li      a0, 0
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   64

# yesno(format, flag) / yesno2(format, flag1, flag2): printf with "yes"/"no" for each flag.
yesno:
        li      a2, 1
yesno2:
        la      t0, s_no
        la      t1, s_yes
        beqz    a1, 1f
        mv      a1, t1
        j       2f
1:      mv      a1, t0
2:      beqz    a2, 3f
        mv      a2, t1
        j       printf
3:      mv      a2, t0
        j       printf

        .rodata
m_fit:      .asciz "first fit reuses a freed block: %s\n"
m_coalesce: .asciz "freed neighbours coalesce: %s\n"
m_inplace:  .asciz "realloc grows in place: %s, contents kept: %s\n"
m_moves:    .asciz "realloc moves when it must: %s, contents kept: %s\n"
m_calloc:   .asciz "calloc zeroes: %s\n"
m_stress:   .asciz "200 blocks freed in any order coalesce into one: %s\n"
m_fmt1:     .asciz "[%5d] [%-5d] [%05d] [%x] [%08x] [%c] [%s]\n"
m_fmt2:     .asciz "[%-6s] [%u] [%%] [%d] [%p] [%s]\n"
s_yes:      .asciz "yes"
s_no:       .asciz "no"
s_str:      .asciz "str"
s_ab:       .asciz "ab"
