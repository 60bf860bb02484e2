# bcache.s: the library's buffer cache of disk blocks, in BC_PAGES pages of its own VM
# (vm_alloc). Only a file system calls it (fs_ext.s); bcache_shared.s makes the same calls over
# the shared buffer-cache server (bcserv.s) for runtime-shared.list.
#
#   bc_init() -> 0 or a negative error        reserves the pages; later calls do nothing
#   bc_get(block, caplo, caphi) -> va          the block's page, read from the disk on a miss
#                                              (with the capability given); or a negative
#                                              error: E_BADCAP (a damaged capability), E_IO,
#                                              E_INVAL (block out of range), E_BUSY (every
#                                              buffer holds BC_META changes: write them back)
#   bc_zero(block, caplo, caphi) -> va         the same without reading: the page is zeroed
#                                              (for a block about to be written whole or new)
#   bc_dirty(va, class)                        the page at va (a page of a buffer) was changed:
#                                              class BC_DATA or BC_META
#   bc_writeback(mask) -> 0 or error           writes every buffer dirty in a class of mask,
#                                              up to BC_BATCH requests in flight at once, then
#                                              waits for all; those buffers are clean again
#   bc_next(index, mask) -> a0 = the first buffer index >= index dirty in mask, or -1;
#                           a1 = its va, a2 = its block (to copy a class elsewhere first)
#   bc_count(mask) -> buffers dirty in mask
#   bc_flush() -> 0 or error                   blk_flush: every write back before it is durable
#
# A va from bc_get or bc_zero stays that block's until BC_PAGES - 1 other blocks have been got
# since (eviction is LRU, by a stamp each get renews), so a caller may hold a few at once. The
# victim of a miss is the least recently got buffer that has no BC_META changes; if it has
# BC_DATA changes it is written back first. BC_META buffers are never evicted: their owner
# decides when they reach their blocks (fs_ext.s journals them first). A hit does not check the
# capability: the cache trusts its one client, which keeps the capabilities.
        .include "libos.inc"
        .include "bcache.inc"
        .extern vm_alloc, memset, disk_submit, disk_wait_all, disk_flush

.equ BC_PAGES, 256              # cached blocks (1 MiB)
.equ BC_MAXBLOCKS, 262144       # blocks a 1 GiB image holds: the block -> buffer map's size
.equ BC_BATCH, 32               # write-back requests in flight at once (the device queues 64)
.equ BC_VALID, 4                # the buffer holds a block
.equ BUF_BLOCK, 0               # a buffer's record in bc_tab
.equ BUF_CAPLO, 4
.equ BUF_CAPHI, 8
.equ BUF_FLAGS, 12
.equ BUF_STAMP, 16
.equ BUF_SHIFT, 5               # 32 bytes a record

        .text
        .globl  bc_init
bc_init:
        enter   16
        lwg     t0, bc_base
        li      a0, 0
        bnez    t0, 9f
        li      a0, BC_PAGES
        call    vm_alloc
        bltz    a0, 9f
        swg     a0, bc_base, t0
        li      a0, BC_MAXBLOCKS * 2 / PAGE_SIZE
        call    vm_alloc
        bltz    a0, 9f
        swg     a0, bc_map, t0
        li      a0, 0
9:      leave   16

        .globl  bc_get
bc_get:
        li      a3, 1
        j       bc_fetch

        .globl  bc_zero
bc_zero:
        li      a3, 0

# bc_fetch(block, caplo, caphi, read): s1 = block, s2/s3 = capability, s4 = read, s5 = record.
bc_fetch:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        mv      s1, a0
        mv      s2, a1
        mv      s3, a2
        mv      s4, a3
        li      t0, BC_MAXBLOCKS
        bgeu    s1, t0, 7f
        lwg     t0, bc_map
        slli    t1, s1, 1
        add     t0, t0, t1
        lhu     t1, 0(t0)
        beqz    t1, 2f
        addi    a0, t1, -1              # a hit: a0 = the buffer's index
        call    rec_of
        mv      s5, a0
        bnez    s4, 6f
        call    va_of_rec
        li      a1, 0
        li      a2, PAGE_SIZE
        call    memset
        j       6f
2:      call    victim
        bltz    a0, 9f
        mv      s5, a0
        lw      t0, BUF_FLAGS(s5)
        andi    t1, t0, BC_VALID
        beqz    t1, 4f
        andi    t1, t0, BC_DATA
        beqz    t1, 3f
        mv      a0, s5                  # the victim's changes reach its block first
        call    write_rec
        bnez    a0, 9f
3:      lw      t1, BUF_BLOCK(s5)       # the victim leaves the map
        lwg     t0, bc_map
        slli    t1, t1, 1
        add     t0, t0, t1
        sh      zero, 0(t0)
4:      sw      s1, BUF_BLOCK(s5)
        sw      s2, BUF_CAPLO(s5)
        sw      s3, BUF_CAPHI(s5)
        li      t0, BC_VALID
        sw      t0, BUF_FLAGS(s5)
        mv      a0, s5
        call    va_of_rec
        mv      a3, a0
        beqz    s4, 5f
        mv      a0, s1
        mv      a1, s2
        mv      a2, s3
        li      a4, 0
        call    disk_submit
        bltz    a0, 8f
        li      a0, 1
        call    disk_wait_all
        bnez    a0, 8f
        j       51f
5:      mv      a0, a3
        li      a1, 0
        li      a2, PAGE_SIZE
        call    memset
51:     la      t0, bc_tab              # the block enters the map as buffer index + 1
        sub     t1, s5, t0
        srli    t1, t1, BUF_SHIFT
        addi    t1, t1, 1
        lwg     t0, bc_map
        slli    t2, s1, 1
        add     t0, t0, t2
        sh      t1, 0(t0)
6:      lwg     t0, bc_clock
        addi    t0, t0, 1
        swg     t0, bc_clock, t1
        sw      t0, BUF_STAMP(s5)
        mv      a0, s5
        call    va_of_rec
        j       9f
7:      li      a0, E_INVAL
        j       9f
8:      sw      zero, BUF_FLAGS(s5)     # a failed read leaves the buffer free
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   32

# victim() -> a0 = the record of a free buffer, else of the least recently got one without
# BC_META changes; E_BUSY if there is none.
victim:
        la      t0, bc_tab
        li      t1, BC_PAGES
        slli    t1, t1, BUF_SHIFT
        add     t1, t1, t0              # t1 = past the last record
        li      a0, E_BUSY
        li      t2, -1                  # t2 = the oldest stamp seen (unsigned)
1:      bgeu    t0, t1, 9f
        lw      t3, BUF_FLAGS(t0)
        beqz    t3, 3f
        andi    t3, t3, BC_META
        bnez    t3, 2f
        lw      t3, BUF_STAMP(t0)
        bgeu    t3, t2, 2f
        mv      t2, t3
        mv      a0, t0
2:      addi    t0, t0, 1 << BUF_SHIFT
        j       1b
3:      mv      a0, t0
9:      ret

# rec_of(index) -> a0 = the buffer's record; va_of_rec(record) -> a0 = its page.
rec_of:
        slli    a0, a0, BUF_SHIFT
        la      t0, bc_tab
        add     a0, a0, t0
        ret

va_of_rec:
        la      t0, bc_tab
        sub     a0, a0, t0
        srli    a0, a0, BUF_SHIFT
        slli    a0, a0, PAGE_SHIFT
        lwg     t0, bc_base
        add     a0, a0, t0
        ret

# write_rec(record) -> a0 = 0 or an error: one buffer to its block, waited for; it is clean.
write_rec:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        call    va_of_rec
        mv      a3, a0
        lw      a0, BUF_BLOCK(s1)
        lw      a1, BUF_CAPLO(s1)
        lw      a2, BUF_CAPHI(s1)
        li      a4, 1
        call    disk_submit
        bltz    a0, 9f
        li      a0, 1
        call    disk_wait_all
        bnez    a0, 9f
        lw      t0, BUF_FLAGS(s1)
        andi    t0, t0, BC_VALID
        sw      t0, BUF_FLAGS(s1)
9:      lw      s1, 0(sp)
        leave   16

        .globl  bc_dirty
bc_dirty:
        lwg     t0, bc_base
        sub     t0, a0, t0
        srli    t0, t0, PAGE_SHIFT
        slli    t0, t0, BUF_SHIFT
        la      t1, bc_tab
        add     t0, t0, t1
        lw      t1, BUF_FLAGS(t0)
        or      t1, t1, a1
        sw      t1, BUF_FLAGS(t0)
        ret

# bc_writeback(mask): s1 = the record, s2 = requests in flight, s3 = the first error, s4 = mask.
        .globl  bc_writeback
bc_writeback:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        la      s1, bc_tab
        li      s2, 0
        li      s3, 0
        mv      s4, a0
1:      la      t0, bc_tab
        li      t1, BC_PAGES << BUF_SHIFT
        add     t0, t0, t1
        bgeu    s1, t0, 5f
        lw      t0, BUF_FLAGS(s1)
        and     t1, t0, s4
        beqz    t1, 4f
        andi    t0, t0, BC_VALID
        sw      t0, BUF_FLAGS(s1)
        mv      a0, s1
        call    va_of_rec
        mv      a3, a0
        lw      a0, BUF_BLOCK(s1)
        lw      a1, BUF_CAPLO(s1)
        lw      a2, BUF_CAPHI(s1)
        li      a4, 1
        call    disk_submit
        bltz    a0, 2f
        addi    s2, s2, 1
        li      t0, BC_BATCH
        blt     s2, t0, 4f
        mv      a0, s2
        li      s2, 0
        call    disk_wait_all
2:      bnez    s3, 4f
        mv      s3, a0
4:      addi    s1, s1, 1 << BUF_SHIFT
        j       1b
5:      mv      a0, s2
        call    disk_wait_all
        bnez    s3, 6f
        mv      s3, a0
6:      mv      a0, s3
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        leave   32

        .globl  bc_next
bc_next:
        li      t1, BC_PAGES
1:      bge     a0, t1, 8f
        slli    t2, a0, BUF_SHIFT
        la      t0, bc_tab
        add     t2, t2, t0
        lw      t0, BUF_FLAGS(t2)
        and     t0, t0, a1
        bnez    t0, 2f
        addi    a0, a0, 1
        j       1b
2:      lw      a2, BUF_BLOCK(t2)
        slli    a1, a0, PAGE_SHIFT
        lwg     t0, bc_base
        add     a1, a1, t0
        ret
8:      li      a0, -1
        ret

        .globl  bc_count
bc_count:
        mv      t3, a0
        li      a0, 0
        la      t0, bc_tab
        li      t1, BC_PAGES << BUF_SHIFT
        add     t1, t1, t0
1:      bgeu    t0, t1, 9f
        lw      t2, BUF_FLAGS(t0)
        and     t2, t2, t3
        beqz    t2, 2f
        addi    a0, a0, 1
2:      addi    t0, t0, 1 << BUF_SHIFT
        j       1b
9:      ret

        .globl  bc_flush
bc_flush:
        j       disk_flush

        .bss
        .align  2
bc_base:
        .space  4                       # the first cached page (0 before bc_init)
bc_map:
        .space  4                       # halfword per block: its buffer index + 1, or 0
bc_clock:
        .space  4                       # the stamp of the latest get
bc_tab:
        .space  BC_PAGES << BUF_SHIFT
