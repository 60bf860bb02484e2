# kvstore: a key-value store that lays out its own records on raw disk blocks (docs/disks.md),
# the application the exokernel paper says a file system gets in the way of. The disk's root
# block holds a directory: magic "KVS1", the number of bucket blocks (up to 16, as many as the
# image has free the first time), and each bucket's block number and read-write capability. A
# key hashes (FNV-1a) to a bucket block and a home slot in it; a bucket block holds 64 records
# of 64 bytes (a 16-byte key, NUL-padded, then a 48-byte value), probed linearly from the home
# slot round the block. A get looks at all 64 slots before giving up, so a delete just empties
# its slot. Buckets are read on first use and written back, then flushed, before a mutating
# command exits: what it printed is durable.
#   exo run --disk kv.img --disk-create 64K guest-programs/src/kvstore.s -- put colour blue
#   exo run --disk kv.img guest-programs/src/kvstore.s -- get colour
# Commands: put KEY VALUE | get KEY | del KEY | list | bench N (N puts then N gets of keys
# k0..k<N-1>, then the write-back and flush; guest cycles per operation by rdcycle).
# Exit status: 0 done, 1 key not found, 2 no disk, 3 the key's bucket is full, 4 disk error or
# a root block that belongs to another program, 5 bad usage (keys 1-15 bytes, values 0-47).
# Without a disk it says so and exits with status 2.
# expect: kvstore: no disk; run with --disk IMAGE (and --disk-create 64K the first time)
# status: 2
        .include "libos/libos.inc"
        .extern printf, puts, vm_alloc, disk_read, disk_write, disk_flush, memcpy, memset
        .extern strcmp, strlen, atoi, exit
.equ R_DIR, 16                  # 12 bytes a bucket: block, capability low, capability high

# The disk is reached through the root block the kernel gives each program: rootblk.
.macro kv_attach
        sys_blk_root
        li      t0, E_NODEV
        beq     a0, t0, nodisk
        bltz    a0, diskerr
        la      t0, rootblk
        sw      a0, 0(t0)
        sw      a1, 4(t0)
        sw      a2, 8(t0)
.endm
        .include "kv.inc"

        .text
# open() -> a0 = 0, or the exit status after saying why not: reads the root block into the
# first of 1 + MAXB pages; a zero magic (a new image) is formatted, another is refused.
open:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        li      a0, 1 + MAXB
        call    vm_alloc
        la      t0, root_va
        sw      a0, 0(t0)
        mv      s1, a0                  # s1 = the root's page
        mv      a3, a0
        la      t0, rootblk
        lw      a0, 0(t0)
        lw      a1, 4(t0)
        lw      a2, 8(t0)
        call    disk_read
        bnez    a0, 8f
        lw      t0, R_MAGIC(s1)
        li      t1, MAGIC
        beq     t0, t1, 5f
        bnez    t0, 7f
# A new store: as many bucket blocks as are free, up to MAXB, each written as zeros and flushed
# before the root names them, so a torn first run never leaves a directory of stale blocks.
        li      s2, 0                   # s2 = buckets allocated
1:      li      t0, MAXB
        bge     s2, t0, 3f
        li      a0, -1
        sys_blk_alloc
        li      t0, E_NOSPC
        beq     a0, t0, 3f
        bltz    a0, 8f
        li      t0, 12
        mul     t0, s2, t0
        add     t0, t0, s1
        sw      a0, R_DIR(t0)
        sw      a1, R_DIR+4(t0)
        sw      a2, R_DIR+8(t0)
        la      t0, loaded
        add     t0, t0, s2
        li      t1, 1
        sb      t1, 0(t0)
        la      t0, dirty
        add     t0, t0, s2
        sb      t1, 0(t0)
        addi    s2, s2, 1
        j       1b
3:      beqz    s2, 9f
        sw      s2, R_NB(s1)
        la      t0, nbuckets
        sw      s2, 0(t0)
        call    sync                    # the zeroed buckets, durable
        bnez    a0, 8f
        li      t0, MAGIC
        sw      t0, R_MAGIC(s1)
        mv      a3, s1
        la      t0, rootblk
        lw      a0, 0(t0)
        lw      a1, 4(t0)
        lw      a2, 8(t0)
        call    disk_write
        bnez    a0, 8f
        call    disk_flush
        bnez    a0, 8f
        la      a0, m_format
        mv      a1, s2
        call    printf
        li      a0, 0
        j       10f
        kv_header
9:      li      a0, E_NOSPC
8:      mv      s2, a0
        la      a0, m_diskerr
        mv      a1, s2
        call    printf
        li      a0, 4
10:     lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   32

# bucket(i) -> a0 = the page holding bucket i, read from its block on first use. A read that
# fails ends the program with status 4, having said so.
bucket:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      s1, a0
        la      t0, root_va
        lw      t0, 0(t0)
        addi    t1, a0, 1
        slli    t1, t1, 12
        add     s2, t0, t1              # s2 = its page
        la      t1, loaded
        add     t1, t1, s1
        lbu     t2, 0(t1)
        bnez    t2, 1f
        li      t2, 1
        sb      t2, 0(t1)
        li      t1, 12
        mul     t1, s1, t1
        add     t1, t1, t0
        lw      a0, R_DIR(t1)
        lw      a1, R_DIR+4(t1)
        lw      a2, R_DIR+8(t1)
        mv      a3, s2
        call    disk_read
        bnez    a0, 2f
1:      mv      a0, s2
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   32
2:      mv      a1, a0
        la      a0, m_diskerr
        call    printf
        li      a0, 4
        call    exit

# sync() -> a0 = 0 or a negative error: every dirty bucket written to its block, then flushed.
sync:
        enter   32
        sw      s1, 0(sp)
        li      s1, 0
1:      la      t0, nbuckets
        lw      t0, 0(t0)
        bge     s1, t0, 3f
        la      t0, dirty
        add     t0, t0, s1
        lbu     t1, 0(t0)
        beqz    t1, 2f
        sb      zero, 0(t0)
        la      t0, root_va
        lw      t0, 0(t0)
        addi    a3, s1, 1
        slli    a3, a3, 12
        add     a3, a3, t0
        li      t1, 12
        mul     t1, s1, t1
        add     t1, t1, t0
        lw      a0, R_DIR(t1)
        lw      a1, R_DIR+4(t1)
        lw      a2, R_DIR+8(t1)
        call    disk_write
        bnez    a0, 4f
2:      addi    s1, s1, 1
        j       1b
3:      call    disk_flush
4:      lw      s1, 0(sp)
        leave   32

        .rodata
m_format:   .asciz "kvstore: new store of %d buckets\n"
m_full:     .asciz "kvstore: bucket %d is full\n"
m_lost:     .asciz "kvstore: %s lost its value\n"
m_nodisk:   .asciz "kvstore: no disk; run with --disk IMAGE (and --disk-create 64K the first time)"
m_usage:    .asciz "usage: kvstore put KEY VALUE | get KEY | del KEY | list | bench N (keys 1-15 bytes, values 0-47)"
m_diskerr:  .asciz "kvstore: disk error %d\n"
m_foreign:  .asciz "kvstore: the root block belongs to another program (magic %x)\n"
m_baddir:   .asciz "kvstore: the directory names %d buckets\n"

        .bss
rootblk:     .space 12              # the root block and its capability
