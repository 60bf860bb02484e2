# heap.s: malloc, free, calloc, realloc.
#
# An implicit list of blocks with boundary tags (Knuth): each block has a header word and a
# footer word holding its size (a multiple of 8, tags included) with bit 0 set when allocated.
# Payloads are 8-byte aligned. malloc takes the first fit and splits it; free coalesces with
# both neighbours at once; the arena grows through heap_grow (pages reserved in the page
# table, zero-filled on first touch). A prologue block (8 bytes, allocated) and an epilogue
# header (size 0, allocated) bound the arena so coalescing needs no end tests.
        .include "libos.inc"
        .extern heap_grow, memcpy, memset

.equ GROW_MIN, 16384

        .text
# heap_init(): creates the empty arena (called by the first malloc).
heap_init:
        enter   16
        li      a0, PAGE_SIZE
        call    heap_grow
        li      t0, 9                   # prologue: size 8, allocated
        sw      t0, 4(a0)
        sw      t0, 8(a0)
        addi    t1, a0, 12              # the first real block's header
        li      t2, PAGE_SIZE - 16      # free block filling the page
        sw      t2, 0(t1)
        add     t3, t1, t2
        sw      t2, -4(t3)
        li      t0, 1
        sw      t0, 0(t3)               # epilogue header
        addi    t1, t1, 4
        swg     t1, heap_first, t0      # payload of the first block
        swg     t3, heap_end, t0        # address of the epilogue header
        leave   16

# malloc(n) -> a0 = 8-byte-aligned payload of at least n bytes, or 0 if n is 0.
        .globl  malloc
malloc:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        beqz    a0, 8f
        mv      s1, a0
        lwg     t0, heap_first
        bnez    t0, 1f
        call    heap_init
1:      addi    s1, s1, 15              # size = align8(n + 8), at least 16
        srli    s1, s1, 3
        slli    s1, s1, 3
2:      lwg     s2, heap_first
3:      lw      t0, -4(s2)              # header
        li      t1, 1
        beq     t0, t1, 5f              # the epilogue (size 0, allocated): no fit
        andi    t1, t0, 1
        bnez    t1, 4f
        bgeu    t0, s1, 6f
4:      li      t1, -8
        and     t0, t0, t1
        add     s2, s2, t0
        j       3b
5:      mv      a0, s1                  # no fit: grow and retry
        call    heap_extend
        j       2b
6:      sub     t2, t0, s1              # split if the rest can be a block
        li      t3, 16
        blt     t2, t3, 7f
        ori     t4, s1, 1
        sw      t4, -4(s2)
        add     t5, s2, s1
        sw      t4, -8(t5)
        sw      t2, -4(t5)
        add     t6, t5, t2
        sw      t2, -8(t6)
        j       9f
7:      ori     t4, t0, 1
        sw      t4, -4(s2)
        add     t5, s2, t0
        sw      t4, -8(t5)
9:      mv      a0, s2
8:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   32

# heap_extend(size): grows the arena by at least size bytes, merged with a free last block.
heap_extend:
        enter   16
        sw      s1, 0(sp)
        li      t0, GROW_MIN
        bgeu    a0, t0, 1f
        mv      a0, t0
1:      addi    a0, a0, PAGE_SIZE - 1
        srli    a0, a0, PAGE_SHIFT
        slli    s1, a0, PAGE_SHIFT
        mv      a0, s1
        call    heap_grow               # contiguous with the old end
        lwg     t0, heap_end            # old epilogue header becomes the new block's header
        sw      s1, 0(t0)
        add     t1, t0, s1
        sw      s1, -4(t1)
        li      t2, 1
        sw      t2, 0(t1)
        swg     t1, heap_end, t2
        addi    a0, t0, 4
        call    free                    # marks it free and coalesces with the block before
        lw      s1, 0(sp)
        leave   16

# free(p): releases a block from malloc; free(0) does nothing.
        .globl  free
free:
        beqz    a0, 9f
        lw      t0, -4(a0)
        li      t1, -8
        and     t0, t0, t1              # t0 = size
        addi    t2, a0, -4              # t2 = header
        add     t3, t2, t0              # t3 = next header
        lw      t4, 0(t3)
        andi    t5, t4, 1
        bnez    t5, 1f
        add     t0, t0, t4              # merge with the next block
1:      lw      t4, -4(t2)              # previous footer
        andi    t5, t4, 1
        bnez    t5, 2f
        sub     t2, t2, t4              # merge with the previous block
        add     t0, t0, t4
2:      sw      t0, 0(t2)
        add     t3, t2, t0
        sw      t0, -4(t3)
9:      ret

# calloc(count, size) -> a0 = zeroed payload of count*size bytes.
        .globl  calloc
calloc:
        enter   16
        sw      s1, 0(sp)
        mul     s1, a0, a1
        mv      a0, s1
        call    malloc
        beqz    a0, 1f
        sw      a0, 4(sp)
        li      a1, 0
        addi    a2, s1, 3
        srli    a2, a2, 2
        slli    a2, a2, 2
        call    memset
        lw      a0, 4(sp)
1:      lw      s1, 0(sp)
        leave   16

# realloc(p, n) -> a0 = a block of n bytes holding p's contents (p itself when it fits, growing
# into a free successor if possible); realloc(0, n) = malloc(n), realloc(p, 0) frees p.
        .globl  realloc
realloc:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        mv      s1, a0
        mv      s2, a1
        bnez    a0, 1f
        mv      a0, a1
        call    malloc
        j       9f
1:      bnez    a1, 2f
        call    free
        li      a0, 0
        j       9f
2:      addi    t0, a1, 15
        srli    t0, t0, 3
        slli    t0, t0, 3               # t0 = needed block size
        lw      t1, -4(s1)
        li      t2, -8
        and     t1, t1, t2              # t1 = current size
        bgeu    t1, t0, 8f              # fits already
        addi    t3, s1, -4
        add     t3, t3, t1              # next header
        lw      t4, 0(t3)
        andi    t5, t4, 1
        bnez    t5, 3f
        add     t6, t1, t4              # merged size
        bltu    t6, t0, 3f
        ori     t7, t6, 1               # absorb the successor whole
        sw      t7, -4(s1)
        add     t3, s1, t6
        sw      t7, -8(t3)
        j       8f
3:      mv      a0, s2                  # move
        call    malloc
        mv      s3, a0
        lw      a2, -4(s1)
        li      t2, -8
        and     a2, a2, t2
        addi    a2, a2, -8              # old payload bytes
        mv      a1, s1
        call    memcpy
        mv      a0, s1
        call    free
        mv      a0, s3
        j       9f
8:      mv      a0, s1
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

        .bss
        .align  4
heap_first: .space 4
heap_end:   .space 4
