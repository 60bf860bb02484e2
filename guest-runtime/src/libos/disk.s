# disk.s: the library OS's side of the disk (docs/disks.md). The kernel exports blocks with
# capabilities and DMA between a block and a page; these wrappers move a block to or from the
# page under a virtual address of the library's own VM (vm_alloc) and wait for the request's
# completion by polling blk_done, yielding the rest of the slice between polls. disk_read,
# disk_write and disk_flush do one request at a time: a completion for another tag, left by a
# request nobody waited for, is dropped. disk_submit and disk_wait_all keep several requests in
# flight (the buffer cache, bcache.s, writes back that way): submit up to DISK_QUEUE requests,
# then wait for that many completions, whatever their order.
        .include "libos.inc"
        .extern vm_page

.equ DISK_QUEUE, 64              # requests the device queues at most (docs/disks.md)

        .text
# disk_wait(tag) -> a0 = the request's status (0, or E_IO).
        .globl  disk_wait
disk_wait:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
1:      sys_blk_done
        beq     a0, s1, 2f
        li      t0, E_NOTFOUND
        bne     a0, t0, 1b              # an older completion: dropped
        li      a0, 0
        sys_yield                       # not done yet: give the slice away, then ask again
        j       1b
2:      mv      a0, a1
        lw      s1, 0(sp)
        leave   16

# disk_read(block, caplo, caphi, va) -> a0 = 0 or a negative error: the block into va's page.
        .globl  disk_read
disk_read:
        li      t0, 0
        j       disk_transfer

# disk_write(block, caplo, caphi, va) -> a0 = 0 or a negative error: va's page to the block,
# durable at the next disk_flush.
        .globl  disk_write
disk_write:
        li      t0, 1

# disk_transfer: t0 = 0 read, 1 write.
disk_transfer:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        mv      s1, a0
        mv      s2, a1
        mv      s3, a2
        mv      s4, t0
        mv      a0, a3
        call    vm_page                 # a0 = ppn, a1/a2 = its read-write capability
        bltz    a0, 8f
        mv      a3, a0
        mv      a4, a1
        mv      a5, a2
        mv      a0, s1
        mv      a1, s2
        mv      a2, s3
        bnez    s4, 1f
        sys_blk_read
        j       2f
1:      sys_blk_write
2:      bltz    a0, 9f
        call    disk_wait
        j       9f
8:      li      a0, E_FAULT             # va is not reserved in the library's VM
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        leave   32

# disk_submit(block, caplo, caphi, va, write) -> a0 = the request's tag, or a negative error
# (E_FAULT: va is not reserved in the library's VM; E_BUSY: the device's queue is full, or the
# block has a request in flight). Queues a read (write = 0) of the block into va's page, or a
# write (write = 1) of the page to the block, and returns at once; va's page stays pinned until
# the request completes. (disk_transfer is the same, then waits; it keeps its own copy so that
# the programs using it keep their cycle counts.)
        .globl  disk_submit
disk_submit:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        mv      s1, a0
        mv      s2, a1
        mv      s3, a2
        mv      s4, a4
        mv      a0, a3
        call    vm_page                 # a0 = ppn, a1/a2 = its read-write capability
        bltz    a0, 8f
        mv      a3, a0
        mv      a4, a1
        mv      a5, a2
        mv      a0, s1
        mv      a1, s2
        mv      a2, s3
        bnez    s4, 1f
        sys_blk_read
        j       9f
1:      sys_blk_write
        j       9f
8:      li      a0, E_FAULT
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        leave   32

# disk_wait_all(n) -> a0 = 0, or E_IO if any of them failed: waits for n completions, of
# whatever tags (the caller has n requests in flight and no others).
        .globl  disk_wait_all
disk_wait_all:
        enter   16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      s1, a0                  # s1 = completions still to come
        li      s2, 0                   # s2 = the result
1:      blez    s1, 9f
        sys_blk_done
        li      t0, E_NOTFOUND
        beq     a0, t0, 2f
        bltz    a0, 3f                  # no disk: nothing will complete
        addi    s1, s1, -1
        beqz    a1, 1b
        mv      s2, a1
        j       1b
2:      li      a0, 0
        sys_yield
        j       1b
3:      mv      s2, a0
9:      mv      a0, s2
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   16

# disk_flush() -> a0 = 0 or a negative error: every write before it, and the kernel's block
# table, are in the image when it returns.
        .globl  disk_flush
disk_flush:
        enter   16
        sys_blk_flush
        bltz    a0, 9f
        call    disk_wait
9:      leave   16
