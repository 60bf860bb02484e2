# kvfile: the key-value store of kvstore.s (docs/disks.md) with its buckets in one file, /kv, of
# the library file system instead of on raw disk blocks: the same commands, output, record
# layout, hashing, bucket count (16) and bench workload (all shared through kv.inc), so the only
# difference is where a bucket lives. The file's first page is the store's header (magic "KVS1",
# the bucket count); bucket i is the page at offset (i + 1) * 4096, read with fs_seek and
# fs_read on first use and written back with fs_seek and fs_write, then fs_fsync, before a
# mutating command exits: what it printed is durable. The runtime list picks the file system:
#   exo run --disk kv.img --disk-create 16M guest-programs/src/kvfile.s -- put colour blue
#   exo run --runtime runtime-lfs.list --disk kvl.img --disk-create 16M guest-programs/src/kvfile.s -- bench 500
# Commands: put KEY VALUE | get KEY | del KEY | list | bench N, as kvstore's.
# Exit status: 0 done, 1 key not found, 2 no disk, 3 the key's bucket is full, 4 a file-system
# error (printed with its FS_E* number), a disk holding another format, or a /kv that is not a
# store, 5 bad usage (keys 1-15 bytes, values 0-47).
# disk: 16M
# args: bench 20
# expect: kvfile: new store of 16 buckets
# expect: bench: 20 puts, 20 gets, all found
# expect: cycles: {n} per put, {n} per get, {n} for the write-back and flush
        .include "libos/libos.inc"
        .include "libos/fs.inc"
        .extern printf, puts, vm_alloc, memcpy, memset, strcmp, strlen, atoi, exit
        .extern fs_mount, fs_open, fs_seek, fs_read, fs_write, fs_fsync

# The disk is reached through the library file system, mounted (formatted on a new image) first.
.macro kv_attach
        call    fs_mount
        li      t0, FS_ENODEV
        beq     a0, t0, nodisk
        li      t0, FS_EFOREIGN
        beq     a0, t0, notfs
        bltz    a0, diskerr
.endm
        .include "kv.inc"

        .text
notfs:  la      a0, m_notfs
        call    puts
        li      a0, 4
        j       ret

# open() -> a0 = 0, or the exit status after saying why not: opens /kv (creating it) and reads
# its header into the first of 1 + MAXB pages. An empty file, or a header of zeros (a first run
# torn before the header was written), is a new store; another magic is refused.
open:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        li      a0, 1 + MAXB
        call    vm_alloc
        la      t0, root_va
        sw      a0, 0(t0)
        mv      s1, a0                  # s1 = the header's page
        la      a0, kvpath
        li      a1, FS_O_RDWR | FS_O_CREAT
        call    fs_open
        bltz    a0, 8f
        la      t0, kvfd
        sw      a0, 0(t0)
        mv      a1, s1
        li      a2, PAGE_SIZE
        call    fs_read
        bltz    a0, 8f
        beqz    a0, 1f
        li      t0, PAGE_SIZE
        bne     a0, t0, 9f              # a header cut short: not a store
        lw      t0, R_MAGIC(s1)
        li      t1, MAGIC
        beq     t0, t1, 5f
        bnez    t0, 7f
# A new store of MAXB buckets: every bucket written as zeros and made durable before the header
# names them, as kvstore does with its blocks.
1:      li      s2, 0                   # s2 = buckets
2:      li      t0, MAXB
        bge     s2, t0, 3f
        la      t0, loaded
        add     t0, t0, s2
        li      t1, 1
        sb      t1, 0(t0)
        la      t0, dirty
        add     t0, t0, s2
        sb      t1, 0(t0)
        addi    s2, s2, 1
        j       2b
3:      sw      s2, R_NB(s1)
        la      t0, nbuckets
        sw      s2, 0(t0)
        call    sync                    # the zeroed buckets, durable
        bnez    a0, 8f
        li      t0, MAGIC
        sw      t0, R_MAGIC(s1)
        li      a0, -1                  # the header, page 0
        call    put_page
        bnez    a0, 8f
        la      t0, kvfd
        lw      a0, 0(t0)
        call    fs_fsync
        bnez    a0, 8f
        la      a0, m_format
        mv      a1, s2
        call    printf
        li      a0, 0
        j       10f
        kv_header
9:      mv      a1, a0
        la      a0, m_short
        call    printf
        li      a0, 4
        j       10f
8:      mv      s2, a0
        la      a0, m_diskerr
        mv      a1, s2
        call    printf
        li      a0, 4
10:     lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   32

# seek_page(i) -> a0 = the offset of bucket i's page in /kv (i = -1: the header), or an error.
seek_page:
        enter   16
        addi    a1, a0, 1
        slli    a1, a1, 12
        la      t0, kvfd
        lw      a0, 0(t0)
        li      a2, FS_SEEK_SET
        call    fs_seek
        leave   16

# put_page(i) -> a0 = 0 or a negative error: bucket i's page (i = -1: the header) written to /kv.
put_page:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        call    seek_page
        bltz    a0, 1f
        la      t0, kvfd
        lw      a0, 0(t0)
        la      t0, root_va
        lw      a1, 0(t0)
        addi    t1, s1, 1
        slli    t1, t1, 12
        add     a1, a1, t1
        li      a2, PAGE_SIZE
        call    fs_write
        bltz    a0, 1f
        li      a0, 0
1:      lw      s1, 0(sp)
        leave   16

# bucket(i) -> a0 = the page holding bucket i, read from /kv on first use. A read that fails
# (or comes back short: /kv was cut) ends the program with status 4, having said so.
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
        mv      a0, s1
        call    seek_page
        bltz    a0, 2f
        la      t0, kvfd
        lw      a0, 0(t0)
        mv      a1, s2
        li      a2, PAGE_SIZE
        call    fs_read
        bltz    a0, 2f
        li      t0, PAGE_SIZE
        li      t1, FS_EIO
        bne     a0, t0, 3f
1:      mv      a0, s2
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   32
3:      mv      a0, t1
2:      mv      a1, a0
        la      a0, m_diskerr
        call    printf
        li      a0, 4
        call    exit

# sync() -> a0 = 0 or a negative error: every dirty bucket written to /kv, then fs_fsync.
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
        mv      a0, s1
        call    put_page
        bnez    a0, 4f
2:      addi    s1, s1, 1
        j       1b
3:      la      t0, kvfd
        lw      a0, 0(t0)
        call    fs_fsync
4:      lw      s1, 0(sp)
        leave   32

        .rodata
kvpath:     .asciz "/kv"
m_format:   .asciz "kvfile: new store of %d buckets\n"
m_full:     .asciz "kvfile: bucket %d is full\n"
m_lost:     .asciz "kvfile: %s lost its value\n"
m_nodisk:   .asciz "kvfile: no disk; run with --disk IMAGE (and --disk-create 16M the first time)"
m_notfs:    .asciz "kvfile: the disk holds another format, not this library file system"
m_usage:    .asciz "usage: kvfile put KEY VALUE | get KEY | del KEY | list | bench N (keys 1-15 bytes, values 0-47)"
m_diskerr:  .asciz "kvfile: file system error %d\n"
m_foreign:  .asciz "kvfile: /kv belongs to another program (magic %x)\n"
m_baddir:   .asciz "kvfile: /kv is not a store (its header names %d buckets)\n"
m_short:    .asciz "kvfile: /kv is not a store (%d bytes, short of its header)\n"

        .bss
kvfd:        .space 4               # /kv, open read-write
