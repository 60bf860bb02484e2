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
.equ MAGIC, 0x3153564b          # "KVS1"
.equ R_MAGIC, 0                 # root block: magic, bucket count, then the directory
.equ R_NB, 4
.equ R_DIR, 16                  # 12 bytes a bucket: block, capability low, capability high
.equ MAXB, 16                   # bucket blocks at most
.equ SLOTS, 64                  # records a bucket block holds
.equ REC, 64                    # bytes a record: key, then value
.equ KEYMAX, 16                 # key bytes with its NUL
.equ VALMAX, 48                 # value bytes with its NUL
.equ FNV_BASIS, 0x811c9dc5
.equ FNV_PRIME, 16777619

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
        mv      s1, a0                  # s1 = argc, s2 = argv
        mv      s2, a1
        sys_blk_root
        li      t0, E_NODEV
        beq     a0, t0, nodisk
        bltz    a0, diskerr
        la      t0, rootblk
        sw      a0, 0(t0)
        sw      a1, 4(t0)
        sw      a2, 8(t0)
# The command, checked before the disk is touched.
        li      t0, 2
        blt     s1, t0, usage
        lw      s3, 4(s2)               # s3 = the command
        lw      s4, 8(s2)               # s4 = its first argument (argv[argc] is 0)
        mv      a0, s3
        la      a1, c_put
        call    strcmp
        beqz    a0, do_put
        mv      a0, s3
        la      a1, c_get
        call    strcmp
        beqz    a0, do_get
        mv      a0, s3
        la      a1, c_del
        call    strcmp
        beqz    a0, do_del
        mv      a0, s3
        la      a1, c_list
        call    strcmp
        beqz    a0, do_list
        mv      a0, s3
        la      a1, c_bench
        call    strcmp
        beqz    a0, do_bench
        j       usage

do_put: li      t0, 4
        bne     s1, t0, usage
        mv      a0, s4
        call    check_key
        bnez    a0, usage
        lw      s5, 12(s2)              # s5 = the value
        mv      a0, s5
        call    strlen
        li      t0, VALMAX
        bge     a0, t0, usage
        call    open
        bnez    a0, ret
        mv      a0, s4
        li      a1, 1
        call    find
        beqz    a0, full
        mv      s6, a0
        mv      a1, s5
        call    set_value
        call    sync
        bnez    a0, diskerr
        la      a0, m_put
        mv      a1, s4
        la      t0, last_bucket
        lw      a2, 0(t0)
        la      t0, last_slot
        lw      a3, 0(t0)
        call    printf
        li      a0, 0
        j       ret

do_get: li      t0, 3
        bne     s1, t0, usage
        mv      a0, s4
        call    check_key
        bnez    a0, usage
        call    open
        bnez    a0, ret
        mv      a0, s4
        li      a1, 0
        call    find
        beqz    a0, notfound
        addi    a0, a0, KEYMAX
        call    puts
        li      a0, 0
        j       ret

do_del: li      t0, 3
        bne     s1, t0, usage
        mv      a0, s4
        call    check_key
        bnez    a0, usage
        call    open
        bnez    a0, ret
        mv      a0, s4
        li      a1, 0
        call    find
        beqz    a0, notfound
        li      a1, 0
        li      a2, REC
        call    memset                  # the slot is empty again
        call    mark_dirty
        call    sync
        bnez    a0, diskerr
        la      a0, m_del
        mv      a1, s4
        call    printf
        li      a0, 0
        j       ret

do_list:
        li      t0, 2
        bne     s1, t0, usage
        call    open
        bnez    a0, ret
        li      s4, 0                   # s4 = bucket, s5 = keys listed
        li      s5, 0
1:      la      t0, nbuckets
        lw      t0, 0(t0)
        bge     s4, t0, 4f
        mv      a0, s4
        call    bucket
        mv      s6, a0                  # s6 = the record, s7 = past the bucket's last
        li      t0, PAGE_SIZE
        add     s7, s6, t0
2:      lbu     t0, 0(s6)
        beqz    t0, 3f
        la      a0, m_list
        mv      a1, s6
        addi    a2, s6, KEYMAX
        call    printf
        addi    s5, s5, 1
3:      addi    s6, s6, REC
        blt     s6, s7, 2b
        addi    s4, s4, 1
        j       1b
4:      la      a0, m_count
        mv      a1, s5
        la      t0, nbuckets
        lw      a2, 0(t0)
        call    printf
        li      a0, 0
        j       ret

# bench N: s4 = N, s5 = i, s6/s7 = cycle counts.
do_bench:
        li      t0, 3
        bne     s1, t0, usage
        mv      a0, s4
        call    atoi
        blez    a0, usage
        mv      s4, a0
        call    open
        bnez    a0, ret
        rdcycle s6                      # s6 = the start
        li      s5, 0
1:      bge     s5, s4, 2f
        mv      a0, s5
        call    make_pair
        la      a0, keybuf
        li      a1, 1
        call    find
        beqz    a0, full
        la      a1, valbuf
        call    set_value
        addi    s5, s5, 1
        j       1b
2:      rdcycle t0
        sub     s7, t0, s6
        la      t1, cyc_put
        sw      s7, 0(t1)
        rdcycle s6
        li      s5, 0
3:      bge     s5, s4, 4f
        mv      a0, s5
        call    make_pair
        la      a0, keybuf
        li      a1, 0
        call    find
        beqz    a0, lost
        addi    a0, a0, KEYMAX
        la      a1, valbuf
        call    strcmp
        bnez    a0, lost
        addi    s5, s5, 1
        j       3b
4:      rdcycle t0
        sub     s7, t0, s6
        la      t1, cyc_get
        sw      s7, 0(t1)
        rdcycle s6
        call    sync
        bnez    a0, diskerr
        rdcycle t0
        sub     s7, t0, s6              # s7 = the write-back and flush
        la      a0, m_bench
        mv      a1, s4
        mv      a2, s4
        call    printf
        la      a0, m_cycles
        la      t0, cyc_put
        lw      a1, 0(t0)
        divu    a1, a1, s4
        la      t0, cyc_get
        lw      a2, 0(t0)
        divu    a2, a2, s4
        mv      a3, s7
        call    printf
        li      a0, 0
        j       ret

lost:   la      a0, m_lost
        la      a1, keybuf
        call    printf
        li      a0, 4
        j       ret
notfound:
        la      a0, m_notfound
        call    puts
        li      a0, 1
        j       ret
full:   la      a0, m_full
        la      t0, last_bucket
        lw      a1, 0(t0)
        call    printf
        li      a0, 3
        j       ret
nodisk: la      a0, m_nodisk
        call    puts
        li      a0, 2
        j       ret
usage:  la      a0, m_usage
        call    puts
        li      a0, 5
        j       ret
diskerr:
        mv      s5, a0
        la      a0, m_diskerr
        mv      a1, s5
        call    printf
        li      a0, 4
ret:    lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        lw      s7, 24(sp)
        leave   48

# check_key(s) -> a0 = 0 if s is a key (1 to KEYMAX-1 bytes), else 1.
check_key:
        enter   16
        call    strlen
        beqz    a0, 1f
        li      t0, KEYMAX
        bge     a0, t0, 1f
        li      a0, 0
        j       2f
1:      li      a0, 1
2:      leave   16

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
5:      lw      t0, R_NB(s1)
        blez    t0, 6f                  # a directory this program never writes
        li      t1, MAXB
        bgt     t0, t1, 6f
        la      t1, nbuckets
        sw      t0, 0(t1)
        li      a0, 0
        j       10f
6:      la      a0, m_baddir
        mv      a1, t0
        call    printf
        li      a0, 4
        j       10f
7:      la      a0, m_foreign
        mv      a1, t0
        call    printf
        li      a0, 4
        j       10f
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

# hash(key) -> a0 = FNV-1a of its bytes.
hash:
        li      t0, FNV_BASIS
        li      t2, FNV_PRIME
1:      lbu     t1, 0(a0)
        beqz    t1, 2f
        xor     t0, t0, t1
        mul     t0, t0, t2
        addi    a0, a0, 1
        j       1b
2:      mv      a0, t0
        ret

# find(key, create) -> a0 = the key's record, or 0: not there (create 0) or its bucket full
# (create 1); a record made for it has the key and an empty value. Sets last_bucket and
# last_slot; makes the bucket dirty when it creates.
find:
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sw      s6, 20(sp)
        mv      s1, a0                  # s1 = key, s2 = create
        mv      s2, a1
        call    hash
        la      t0, nbuckets
        lw      t0, 0(t0)
        remu    t1, a0, t0              # the bucket
        divu    s3, a0, t0
        andi    s3, s3, SLOTS - 1       # s3 = the home slot, then the slot probed
        la      t0, last_bucket
        sw      t1, 0(t0)
        mv      a0, t1
        call    bucket
        mv      s4, a0                  # s4 = the bucket's page
        li      s5, 0                   # s5 = slots probed
        li      s6, 0                   # s6 = the first empty record met
1:      li      t0, SLOTS
        bge     s5, t0, 4f
        slli    t0, s3, 6
        add     t0, s4, t0
        lbu     t1, 0(t0)
        bnez    t1, 2f
        bnez    s6, 3f
        mv      s6, t0
        la      t1, last_slot
        sw      s3, 0(t1)
        j       3f
2:      mv      a0, t0
        mv      a1, s1
        call    strcmp
        beqz    a0, 6f
3:      addi    s3, s3, 1
        andi    s3, s3, SLOTS - 1
        addi    s5, s5, 1
        j       1b
4:      beqz    s2, 7f                  # not there
        beqz    s6, 7f                  # full
        mv      a0, s6
        li      a1, 0
        li      a2, REC
        call    memset
        mv      a0, s1
        call    strlen
        addi    a2, a0, 1
        mv      a0, s6
        mv      a1, s1
        call    memcpy
        call    mark_dirty
        mv      a0, s6
        j       8f
6:      la      t1, last_slot
        sw      s3, 0(t1)
        slli    t0, s3, 6
        add     a0, s4, t0
        j       8f
7:      li      a0, 0
8:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        leave   48

# mark_dirty(): the last bucket found must be written back.
mark_dirty:
        la      t0, last_bucket
        lw      t0, 0(t0)
        la      t1, dirty
        add     t1, t1, t0
        li      t2, 1
        sb      t2, 0(t1)
        ret

# set_value(record, value): the record's value, NUL-padded; its bucket made dirty.
set_value:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        addi    s1, a0, KEYMAX
        mv      s2, a1
        mv      a0, s1
        li      a1, 0
        li      a2, VALMAX
        call    memset
        mv      a0, s2
        call    strlen
        addi    a2, a0, 1
        mv      a0, s1
        mv      a1, s2
        call    memcpy
        call    mark_dirty
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   32

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

# make_pair(i): keybuf = "k<i>", valbuf = "value of <i>".
make_pair:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        la      a0, keybuf
        li      t0, 'k'
        sb      t0, 0(a0)
        addi    a0, a0, 1
        mv      a1, s1
        call    utoa
        la      a0, valbuf
        la      a1, v_prefix
        li      a2, 9
        call    memcpy
        la      a0, valbuf + 9
        mv      a1, s1
        call    utoa
        lw      s1, 0(sp)
        leave   16

# utoa(buf, n): n in decimal at buf, NUL-terminated.
utoa:
        li      t0, 0                   # digits pushed on the stack, lowest first
        li      t2, 10
1:      remu    t1, a1, t2
        addi    t1, t1, '0'
        addi    sp, sp, -4
        sw      t1, 0(sp)
        addi    t0, t0, 1
        divu    a1, a1, t2
        bnez    a1, 1b
2:      lw      t1, 0(sp)
        addi    sp, sp, 4
        sb      t1, 0(a0)
        addi    a0, a0, 1
        addi    t0, t0, -1
        bnez    t0, 2b
        sb      zero, 0(a0)
        ret

        .rodata
c_put:      .asciz "put"
c_get:      .asciz "get"
c_del:      .asciz "del"
c_list:     .asciz "list"
c_bench:    .asciz "bench"
v_prefix:   .ascii "value of "
m_put:      .asciz "stored %s in bucket %d, slot %d\n"
m_del:      .asciz "deleted %s\n"
m_list:     .asciz "%s %s\n"
m_count:    .asciz "%d keys in %d buckets\n"
m_bench:    .asciz "bench: %d puts, %d gets, all found\n"
m_cycles:   .asciz "cycles: %d per put, %d per get, %d for the write-back and flush\n"
m_format:   .asciz "kvstore: new store of %d buckets\n"
m_notfound: .asciz "not found"
m_full:     .asciz "kvstore: bucket %d is full\n"
m_lost:     .asciz "kvstore: %s lost its value\n"
m_nodisk:   .asciz "kvstore: no disk; run with --disk IMAGE (and --disk-create 64K the first time)"
m_usage:    .asciz "usage: kvstore put KEY VALUE | get KEY | del KEY | list | bench N (keys 1-15 bytes, values 0-47)"
m_diskerr:  .asciz "kvstore: disk error %d\n"
m_foreign:  .asciz "kvstore: the root block belongs to another program (magic %x)\n"
m_baddir:   .asciz "kvstore: the directory names %d buckets\n"

        .bss
rootblk:     .space 12              # the root block and its capability
root_va:     .space 4               # the root's page; bucket i's page follows at (i + 1) pages
nbuckets:    .space 4
last_bucket: .space 4
last_slot:   .space 4
cyc_put:     .space 4
cyc_get:     .space 4
loaded:      .space MAXB
dirty:       .space MAXB
keybuf:      .space KEYMAX
valbuf:      .space VALMAX
