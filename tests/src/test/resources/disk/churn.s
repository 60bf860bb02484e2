# churn: a write workload for DiskCrashTest, which kills the host process at a random moment.
# Forever: allocate a new block, write the counter n to it and flush; point the root block at
# it (magic, n, block, capability) and flush; free the previous block and flush. Prints
# "churning" once, after the first round. Whatever moment the host dies, the image must mount,
# and the root block must name a block the kernel's table says is allocated, under the
# capability the root holds, whose contents are the root's n.
        .include "libos/libos.inc"
        .extern puts, vm_alloc, disk_read, disk_write, disk_flush
.equ MAGIC, 0x4e525543          # "CURN"

        .text
        .globl  main
main:
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sw      s6, 20(sp)
        sw      s7, 24(sp)
        sys_blk_root
        bltz    a0, fail
        mv      s1, a0                  # s1 = root block, s2/s3 = its capability
        mv      s2, a1
        mv      s3, a2
        li      a0, 2
        call    vm_alloc
        mv      s4, a0                  # s4 = root page, s4 + 4096 = data page
        li      s5, 1                   # s5 = n
        li      s6, -1                  # s6 = previous block (none)
round:  li      a0, -1
        sys_blk_alloc
        bltz    a0, fail
        sw      a0, 8(s4)               # the root's new record, written after the data is durable
        sw      a1, 12(s4)
        sw      a2, 16(s4)
        li      t0, PAGE_SIZE
        add     t1, s4, t0
        sw      s5, 0(t1)
        mv      a3, t1
        call    disk_write
        bnez    a0, fail
        call    disk_flush
        bnez    a0, fail
        li      t0, MAGIC
        sw      t0, 0(s4)
        sw      s5, 4(s4)
        mv      a0, s1
        mv      a1, s2
        mv      a2, s3
        mv      a3, s4
        call    disk_write
        bnez    a0, fail
        call    disk_flush
        bnez    a0, fail
        bltz    s6, 1f                  # free the block the root named before
        mv      a0, s6
        lw      a1, 20(s4)
        lw      a2, 24(s4)
        sys_blk_free
        bnez    a0, fail
        call    disk_flush
        bnez    a0, fail
1:      lw      s6, 8(s4)
        lw      t0, 12(s4)
        sw      t0, 20(s4)              # the previous block's capability, for the next free
        lw      t0, 16(s4)
        sw      t0, 24(s4)
        li      t0, 1
        bne     s5, t0, 2f
        la      a0, m_churning
        call    puts
2:      addi    s5, s5, 1
        j       round
fail:   li      a0, 1
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        lw      s7, 24(sp)
        leave   48

        .rodata
m_churning: .asciz "churning"
