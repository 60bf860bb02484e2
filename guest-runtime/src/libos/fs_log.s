# fs_log.s: a log-structured file system (Sprite LFS) behind fs.inc's API, on the disk blocks
# the exokernel exports (docs/disks.md). docs/libos.md ("The log-structured file system")
# describes the layout, the checkpoints, the cleaner and the crash semantics.
#
# At format the file system allocates every free block it may use (up to MAXBLK) and keeps each
# block's number and read-write capability in a capability table, itself in blocks the root
# block names. File-system addresses are indices into that table; SEG consecutive indices make
# a segment, whose first block is its summary (the inode and tag of every other block in it).
# Everything else - file data, indirect blocks, inodes (one block each), the inode map - is
# appended to the open segment and never written in place: changing a block that is already
# on disk moves it (and the pointer to it, and so on up to the inode map) to the log's tail.
# The root block holds two checkpoints (the inode map's address and every segment's count of
# live blocks) written alternately with sequence numbers and checksums; fs_sync writes the
# open segment, flushes, writes the next checkpoint and flushes again, so the durable state is
# always the newest valid checkpoint and nothing it names is overwritten before a newer one is
# durable. The cleaner copies the live blocks of the emptiest segments to the tail.
#
# Shared (fs_log_shared.s assembles this file with FS_SHARED; docs/disks.md, "The file system
# over the server"): each API call holds the buffer-cache server's lock (bcache_shared.s's
# bc_lock, named by the root block), reloads from the newest checkpoint if another environment
# published one since (the lock's state page 0, SS_SEQ), and ends with a checkpoint it
# publishes. The block window stays private: the environments share through the disk.
#
# One file, as fs_ext.s is one file: its parts share the cache, the segment being filled and the
# inode map. In order: the cache and the device, segments, moving blocks to the log, inodes,
# directories, paths and pointers, mount/format/sync, the cleaner, the API, fs_check.
        .include "libos.inc"
        .include "fs.inc"
        .include "fs_api.inc"
        .extern disk_submit, disk_wait_all
        .extern vm_alloc, memcpy, memmove, memset, strcmp, strlen, printf, pt_lookup
        .extern exit_hook
.ifdef FS_SHARED
        .extern bc_lock, bc_unlock, bc_root, bc_exit, bc_state
.endif

.equ LFS_MAGIC, 0x3153464c      # "LFS1"
.equ LFS_VERSION, 1
.equ SEG, 16                    # blocks a segment: the summary and SEG-1 log blocks
.equ SEG_SHIFT, 4
.equ MAXBLK, 4096               # file-system blocks at most (16 MiB)
.equ MAXSEG, MAXBLK / SEG
.equ MAXCAP, MAXBLK / 256       # capability-table blocks at most
.equ CAPE, 16                   # a capability entry: block, read-write capability (lo, hi), 0
.equ MAXINO, 1024               # inode numbers 1..MAXINO-1; the inode map is one block
.equ ROOT_INO, 1
.equ CLEAN_LOW, 3               # the cleaner runs when a new segment leaves this many free
.equ CLEAN_HIGH, 6              # and stops when this many are free
# The root block: a header, then two checkpoints.
.equ H_MAGIC, 0
.equ H_VERSION, 4
.equ H_NBLK, 8                  # file-system blocks (a multiple of SEG)
.equ H_NCAP, 12                 # capability-table blocks
.equ H_CAPS, 16                 # 16 bytes each: block, capability lo, hi, 0
.equ H_BYTES, H_CAPS + MAXCAP * CAPE
.equ CP0, 512
.equ CP1, 2304
.equ CP_SEQ, 0                  # 0: never written
.equ CP_SUM, 4                  # FNV-1a of the header and this checkpoint, this word as 0
.equ CP_IMAP, 8                 # the inode map's address
.equ CP_NSEG, 12
.equ CP_LIVETOT, 16             # live blocks in all
.equ CP_LIVE, 64                # a word per segment: its live blocks
.equ CP_BYTES, CP_LIVE + 4 * MAXSEG
# An inode: one block.
.equ I_TYPE, 0                  # FS_T_FILE, FS_T_DIR
.equ I_SIZE, 4                  # bytes (a directory: 32 per entry slot)
.equ I_COUNT, 8                 # a directory's entries
.equ I_NBLOCKS, 12              # data blocks allocated
.equ I_DIRECT, 64
.equ NDIRECT, 512
.equ I_IND, I_DIRECT + 4 * NDIRECT
.equ NIND, 4                    # indirect blocks of 1024 pointers: 512 + 4096 blocks > FS_FILE_MAX
.equ MAXLBN, FS_FILE_MAX / PAGE_SIZE
# A summary block: magic, then (inode, tag) for each slot 1..SEG-1.
.equ SUM_MAGIC, 0x314d5553      # "SUM1"
.equ TAG_IND, 0x10000           # + k: the inode's indirect block k; below: a data block's lbn
.equ TAG_INODE, 0x20000
.equ TAG_IMAP, 0x30000          # inode 0: the inode map
# A directory entry: 32 bytes, inode 0 when free.
.equ D_INO, 0
.equ D_NAME, 4
.equ D_BYTES, 32
.equ D_PER_BLOCK, 128
# An open file.
.equ F_INO, 0
.equ F_POS, 4
.equ F_FLAGS, 8
.equ F_USED, 12
.equ F_BYTES, 16
.equ FNV_BASIS, 0x811c9dc5
.equ FNV_PRIME, 16777619

.equ SS_SEQ, 0                  # shared: the lock's state page 0 holds the newest checkpoint's
                                # sequence number (0: none written through this server yet)

        .text
# ---- the cache and the device ----------------------------------------------------------------

# page(addr) -> a0 = the cache page of file-system block addr (a leaf).
page:
        lwg     t0, cache_va
        slli    a0, a0, PAGE_SHIFT
        add     a0, a0, t0
        ret

# unsealed(addr) -> a0 = 1 if addr is in the open segment and not yet written (a leaf).
unsealed:
        srli    t0, a0, SEG_SHIFT
        lwg     t1, open_seg
        bne     t0, t1, 1f
        andi    t0, a0, SEG - 1
        lwg     t1, seg_sealed
        blt     t0, t1, 1f
        li      a0, 1
        ret
1:      li      a0, 0
        ret

# submit_va(va, ent, write) -> a0 = request tag or a negative error: a DMA request between the
# page under va and the block ent names (block, capability lo, hi), queued (disk_submit).
submit_va:
        enter   16
        mv      a4, a2
        mv      a3, a0
        lw      a0, 0(a1)
        lw      a2, 8(a1)
        lw      a1, 4(a1)
        call    disk_submit
        leave   16

# submit(addr, write) -> a0 = tag or a negative error: block addr to or from its cache page.
submit:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      s1, a0
        mv      s2, a1
        call    page
        lwg     t0, cap_va
        slli    a1, s1, 4
        add     a1, a1, t0
        mv      a2, s2
        call    submit_va
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   32

# wait_n(n) -> a0 = 0, or FS_EIO if any of the n completions awaited failed (disk_wait_all).
# Every request the file system submits is awaited before it submits others, so the next n
# completions are its.
wait_n:
        enter   16
        call    disk_wait_all
        beqz    a0, 9f
        li      a0, FS_EIO
9:      leave   16

# flush() -> a0 = 0 or FS_EIO: every write before it durable.
flush:
        enter   16
        sys_blk_flush
        bltz    a0, 8f
        li      a0, 1
        call    wait_n
        j       9f
8:      li      a0, FS_EIO
9:      leave   16

# bread(addr) -> a0 = the block's cache page, read on first use, or FS_EIO (an address outside
# the file system, a read the kernel refuses - a damaged capability - or a failed one).
bread:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        lwg     t0, nblk
        bgeu    a0, t0, 8f
        la      t0, loaded
        add     t0, t0, a0
        lbu     t0, 0(t0)
        bnez    t0, 7f
        li      a1, 0
        call    submit
        bltz    a0, 8f
        li      a0, 1
        call    wait_n
        bnez    a0, 8f
        la      t0, loaded
        add     t0, t0, s1
        li      t1, 1
        sb      t1, 0(t0)
7:      mv      a0, s1
        call    page
        j       9f
8:      li      a0, FS_EIO
9:      lw      s1, 0(sp)
        leave   16

# bread_many(list, n) -> a0 = 0 or FS_EIO: reads the blocks of list (n words, n <= 32) that are
# not cached, every request submitted before the first wait.
bread_many:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        mv      s1, a0
        slli    s2, a1, 2
        add     s2, s2, a0              # s2 = the list's end
        li      s3, 0                   # s3 = requests submitted, s4 = an error
        li      s4, 0
        mv      s5, a0
1:      bgeu    s5, s2, 3f
        lw      a0, 0(s5)
        addi    s5, s5, 4
        blez    a0, 2f
        lwg     t0, nblk
        bgeu    a0, t0, 2f
        la      t0, loaded
        add     t0, t0, a0
        lbu     t0, 0(t0)
        bnez    t0, 1b
        li      a1, 0
        call    submit
        bltz    a0, 2f
        addi    s3, s3, 1
        j       1b
2:      li      s4, FS_EIO
        j       1b
3:      mv      a0, s3
        call    wait_n
        or      s4, s4, a0
        bnez    s4, 6f
4:      bgeu    s1, s2, 6f              # all arrived: mark them cached
        lw      t0, 0(s1)
        addi    s1, s1, 4
        la      t1, loaded
        add     t1, t1, t0
        li      t2, 1
        sb      t2, 0(t1)
        j       4b
6:      mv      a0, s4
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   32

# ---- segments ----------------------------------------------------------------------------------

# seal() -> a0 = 0 or FS_EIO: writes the open segment's new blocks and its summary, all
# requests in flight before one wait.
seal:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        lwg     s1, seg_sealed
        lwg     t0, seg_used
        beq     s1, t0, 7f
        lwg     s2, open_seg
        slli    s2, s2, SEG_SHIFT       # s2 = the summary's address
        li      s3, 0                   # s3 = submitted, s4 = an error
        li      s4, 0
        mv      a0, s2
        li      a1, 1
        call    submit
        bltz    a0, 1f
        addi    s3, s3, 1
        j       2f
1:      li      s4, FS_EIO
2:      lwg     t0, seg_used
        bge     s1, t0, 4f
        add     a0, s2, s1
        li      a1, 1
        call    submit
        addi    s1, s1, 1
        bltz    a0, 3f
        addi    s3, s3, 1
        j       2b
3:      li      s4, FS_EIO
        j       2b
4:      mv      a0, s3
        call    wait_n
        or      s4, s4, a0
        bnez    s4, 8f
        lwg     t0, seg_used
        swg     t0, seg_sealed, t1
7:      li      a0, 0
        j       9f
8:      li      a0, FS_EIO
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        leave   32

# seg_free(s) -> a0 = 1 if segment s holds nothing live now nor in the durable checkpoint and
# is not the open one (a leaf).
seg_free:
        lwg     t0, open_seg
        beq     a0, t0, 1f
        slli    t0, a0, 2
        la      t1, live
        add     t1, t1, t0
        lw      t1, 0(t1)
        bnez    t1, 1f
        la      t1, ckpt_live
        add     t1, t1, t0
        lw      t1, 0(t1)
        bnez    t1, 1f
        li      a0, 1
        ret
1:      li      a0, 0
        ret

# free_count() -> a0 = free segments.
free_count:
        enter   16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        li      s1, 0
        li      s2, 0
1:      lwg     t0, nseg
        bge     s1, t0, 2f
        mv      a0, s1
        call    seg_free
        add     s2, s2, a0
        addi    s1, s1, 1
        j       1b
2:      mv      a0, s2
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   16

# new_segment() -> a0 = 0 or FS_ENOSPC: the lowest free segment becomes the open one.
new_segment:
        enter   16
        sw      s1, 0(sp)
        li      s1, 0
1:      lwg     t0, nseg
        bge     s1, t0, 8f
        mv      a0, s1
        call    seg_free
        bnez    a0, 2f
        addi    s1, s1, 1
        j       1b
2:      swg     s1, open_seg, t0
        li      t0, 1
        swg     t0, seg_opened, t1
        swg     t0, seg_used, t1
        swg     t0, seg_sealed, t1
        slli    s1, s1, SEG_SHIFT
        la      t0, loaded
        add     t0, t0, s1
        li      t1, 1
        sb      t1, 0(t0)
        mv      a0, s1
        call    page
        li      a1, 0
        li      a2, PAGE_SIZE
        call    memset
        li      t0, SUM_MAGIC
        sw      t0, 0(a0)
        li      a0, 0
        j       9f
8:      li      a0, FS_ENOSPC
9:      lw      s1, 0(sp)
        leave   16

# roll() -> a0 = 0 or an error: the open segment written, a new one opened.
roll:
        enter   16
        call    seal
        bnez    a0, 9f
        call    new_segment
9:      leave   16

# reserve(n) -> a0 = 0 or an error: the open segment has room for n more blocks. Called before
# each step that moves blocks to the log, so that no step is split across segments (the page of
# a block not yet written stays the block's until its segment is sealed).
reserve:
        enter   16
        lwg     t0, seg_used
        add     t0, t0, a0
        li      t1, SEG
        li      a0, 0
        ble     t0, t1, 9f
        call    roll
9:      leave   16

# maybe_clean(): the cleaner, if few segments are free. Called only where the state in memory
# is one a checkpoint may capture: before an operation, or between two blocks of a write. Free
# segments become fewer only when one is opened, so it counts them only after that.
maybe_clean:
        enter   16
        lwg     t0, cleaning
        bnez    t0, 9f
        lwg     t0, seg_opened
        beqz    t0, 9f
        swg     zero, seg_opened, t1
        call    free_count
        li      t0, CLEAN_LOW
        bgt     a0, t0, 9f
        call    clean
9:      leave   16

# kill(addr): the block at addr is dead (its segment's count, the live total).
kill:
        beqz    a0, 1f
        srli    t0, a0, SEG_SHIFT
        slli    t0, t0, 2
        la      t1, live
        add     t1, t1, t0
        lw      t2, 0(t1)
        addi    t2, t2, -1
        sw      t2, 0(t1)
        lwg     t2, live_total
        addi    t2, t2, -1
        swg     t2, live_total, t1
        li      t2, 1
        swg     t2, fs_dirty, t1
1:      ret

# relocate(ino, tag, old, nocopy) -> a0 = the block's new address in the open segment (room
# reserved), its page holding old's contents (zeros if old is 0; untouched if nocopy: the caller
# overwrites all of it), or an error. A new block (old 0) past the live limit is FS_ENOSPC.
relocate:
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
        bnez    s3, 1f
        lwg     t0, live_total
        lwg     t1, live_limit
        blt     t0, t1, 2f
        lwg     t0, cleaning
        bnez    t0, 2f
        li      a0, FS_ENOSPC
        j       9f
1:      bnez    s4, 2f
        mv      a0, s3
        call    bread
        bltz    a0, 9f
2:      lwg     t0, open_seg
        slli    s5, t0, SEG_SHIFT
        lwg     t1, seg_used
        add     s5, s5, t1              # s5 = the new address
        addi    t1, t1, 1
        swg     t1, seg_used, t2
        mv      a0, s5
        call    page
        bnez    s3, 3f
        li      a1, 0                   # a new block
        li      a2, PAGE_SIZE
        call    memset
        j       5f
3:      bnez    s4, 4f
        mv      s4, a0
        mv      a0, s3
        call    page
        mv      a1, a0
        mv      a0, s4
        li      a2, PAGE_SIZE
        call    memcpy
4:      mv      a0, s3                  # the old copy is dead
        call    kill
5:      lwg     t0, live_total
        addi    t0, t0, 1
        swg     t0, live_total, t1
        srli    t0, s5, SEG_SHIFT
        slli    t0, t0, 2
        la      t1, live
        add     t1, t1, t0
        lw      t2, 0(t1)
        addi    t2, t2, 1
        sw      t2, 0(t1)
        la      t0, loaded
        add     t0, t0, s5
        li      t1, 1
        sb      t1, 0(t0)
        srli    a0, s5, SEG_SHIFT       # its summary entry
        slli    a0, a0, SEG_SHIFT
        call    page
        andi    t0, s5, SEG - 1
        slli    t0, t0, 3
        add     a0, a0, t0
        sw      s1, 0(a0)
        sw      s2, 4(a0)
        li      t0, 1
        swg     t0, fs_dirty, t1
        mv      a0, s5
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   32

# inode_w(ino) -> a0 = the inode's page, in the open segment (moved there if it was written),
# or an error. An inode the map does not have yet starts as zeros.
inode_w:
        enter   16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      s1, a0
        la      t0, imap
        slli    t1, a0, 2
        add     s2, t0, t1              # s2 = its map entry
        lw      a0, 0(s2)
        beqz    a0, 1f
        call    unsealed
        bnez    a0, 2f
1:      mv      a0, s1
        li      a1, TAG_INODE
        lw      a2, 0(s2)
        li      a3, 0
        call    relocate
        bltz    a0, 9f
        sw      a0, 0(s2)
        li      t0, 1
        swg     t0, imap_dirty, t1
2:      lw      a0, 0(s2)
        call    page
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   16

# ind_w(ino, k) -> a0 = the page of the inode's indirect block k in the open segment, or an error.
ind_w:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        mv      s1, a0
        mv      s2, a1
        call    inode_w
        bltz    a0, 9f
        slli    t0, s2, 2
        add     t0, t0, a0
        addi    s3, t0, I_IND           # s3 = the pointer
        lw      a0, 0(s3)
        beqz    a0, 1f
        call    unsealed
        bnez    a0, 2f
1:      mv      a0, s1
        li      t0, TAG_IND
        add     a1, s2, t0
        lw      a2, 0(s3)
        li      a3, 0
        call    relocate
        bltz    a0, 9f
        sw      a0, 0(s3)
2:      lw      a0, 0(s3)
        call    page
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

# data_w(ino, lbn, whole) -> a0 = the page of data block lbn in the open segment (a hole becomes
# a zeroed block; whole = 1: the caller overwrites all of it, so an old block is not read), or
# an error.
data_w:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        mv      s1, a0
        mv      s2, a1
        mv      s4, a2
        li      t0, NDIRECT
        bge     a1, t0, 1f
        call    inode_w
        bltz    a0, 9f
        slli    t0, s2, 2
        add     t0, t0, a0
        addi    s3, t0, I_DIRECT        # s3 = the pointer
        j       2f
1:      sub     t0, a1, t0
        srli    a1, t0, 10
        call    ind_w
        bltz    a0, 9f
        li      t0, NDIRECT
        sub     t0, s2, t0
        andi    t0, t0, 1023
        slli    t0, t0, 2
        add     s3, a0, t0
2:      lw      a0, 0(s3)
        beqz    a0, 3f
        call    unsealed
        bnez    a0, 5f
3:      mv      a0, s1
        mv      a1, s2
        lw      a2, 0(s3)
        mv      a3, s4
        beqz    a2, 4f
        j       6f
4:      li      a3, 0                   # a new block is zeroed: a partial write leaves zeros
6:      call    relocate
        bltz    a0, 9f
        lw      t0, 0(s3)
        sw      a0, 0(s3)
        bnez    t0, 5f
        la      t0, imap                # one more data block
        slli    t1, s1, 2
        add     t0, t0, t1
        lw      a0, 0(t0)
        call    page
        lw      t0, I_NBLOCKS(a0)
        addi    t0, t0, 1
        sw      t0, I_NBLOCKS(a0)
5:      lw      a0, 0(s3)
        call    page
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        leave   32

# inode_r(ino) -> a0 = the inode's page (read if need be), or FS_EIO (also for a free inode).
inode_r:
        la      t0, imap
        slli    t1, a0, 2
        add     t0, t0, t1
        lw      a0, 0(t0)
        bnez    a0, bread
        li      a0, FS_EIO
        ret

# bmap(ino, lbn) -> a0 = the address of data block lbn, 0 for a hole, or FS_EIO.
bmap:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a1
        call    inode_r
        bltz    a0, 9f
        li      t0, NDIRECT
        bge     s1, t0, 1f
        slli    t0, s1, 2
        add     t0, t0, a0
        lw      a0, I_DIRECT(t0)
        j       9f
1:      sub     s1, s1, t0
        srli    t0, s1, 10
        li      t1, NIND                # past the last indirect block: a damaged size
        bge     t0, t1, 8f
        slli    t0, t0, 2
        add     t0, t0, a0
        lw      a0, I_IND(t0)
        beqz    a0, 9f
        call    bread
        bltz    a0, 9f
        andi    t0, s1, 1023
        slli    t0, t0, 2
        add     t0, t0, a0
        lw      a0, 0(t0)
        j       9f
8:      li      a0, FS_EIO
9:      lw      s1, 0(sp)
        leave   16

# prefetch(ino, lbn, end): the uncached blocks among lbn..end-1 (at most 32) read together.
prefetch:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        mv      s1, a0
        mv      s2, a1
        addi    t0, a1, 32
        ble     a2, t0, 1f
        mv      a2, t0
1:      mv      s3, a2
        li      s4, 0                   # s4 = addresses listed
2:      bge     s2, s3, 4f
        mv      a0, s1
        mv      a1, s2
        call    bmap
        addi    s2, s2, 1
        blez    a0, 2b
        la      t0, loaded
        add     t0, t0, a0
        lbu     t0, 0(t0)
        bnez    t0, 2b
        la      t0, pf_list
        slli    t1, s4, 2
        add     t0, t0, t1
        sw      a0, 0(t0)
        addi    s4, s4, 1
        j       2b
4:      la      a0, pf_list
        mv      a1, s4
        call    bread_many
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        leave   32

# ---- inodes ------------------------------------------------------------------------------------

# ialloc(type) -> a0 = a new inode of that type, or an error.
ialloc:
        enter   16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      s2, a0
        li      s1, ROOT_INO + 1
        la      t0, imap
1:      li      t1, MAXINO
        bge     s1, t1, 8f
        slli    t1, s1, 2
        add     t1, t1, t0
        lw      t1, 0(t1)
        beqz    t1, 2f
        addi    s1, s1, 1
        j       1b
2:      li      a0, 3
        call    reserve
        bnez    a0, 9f
        mv      a0, s1
        call    inode_w
        bltz    a0, 9f
        sw      s2, I_TYPE(a0)
        mv      a0, s1
        j       9f
8:      li      a0, FS_ENOSPC
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   16

# kill_blocks(ip, zero): every block the inode at ip points to is dead; zero = 1 clears the
# pointers (the inode must then be in the open segment). -> a0 = 0 or FS_EIO.
kill_blocks:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        mv      s1, a0
        mv      s2, a1
        addi    s3, a0, I_DIRECT
        addi    s4, a0, I_IND
1:      bgeu    s3, s4, 3f              # the direct pointers
        lw      a0, 0(s3)
        call    kill
        beqz    s2, 2f
        sw      zero, 0(s3)
2:      addi    s3, s3, 4
        j       1b
3:      addi    s4, s1, I_IND + 4 * NIND
4:      bgeu    s3, s4, 8f              # the indirect blocks
        lw      a0, 0(s3)
        beqz    a0, 7f
        call    bread
        bltz    a0, 9f
        mv      t3, a0
        li      t4, PAGE_SIZE
        add     t4, t4, a0
5:      bgeu    t3, t4, 6f
        lw      a0, 0(t3)
        call    kill                    # a leaf that keeps t3, t4
        addi    t3, t3, 4
        j       5b
6:      lw      a0, 0(s3)
        call    kill
        beqz    s2, 7f
        sw      zero, 0(s3)
7:      addi    s3, s3, 4
        j       4b
8:      li      a0, 0
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        leave   32

# itrunc(ino) -> a0 = 0 or an error: the file's blocks freed, its size 0.
itrunc:
        enter   16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      s1, a0
        li      a0, 3
        call    reserve
        bnez    a0, 9f
        mv      a0, s1
        call    inode_w
        bltz    a0, 9f
        mv      s2, a0
        li      a1, 1
        call    kill_blocks
        bnez    a0, 9f
        sw      zero, I_SIZE(s2)
        sw      zero, I_NBLOCKS(s2)
        li      a0, 0
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   16

# ifree(ino) -> a0 = 0 or an error: the inode and all its blocks dead, its number free.
ifree:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        call    inode_r
        bltz    a0, 9f
        li      a1, 0
        call    kill_blocks
        bnez    a0, 9f
        mv      a0, s1
        call    orphan
        la      t0, imap
        slli    t1, s1, 2
        add     t0, t0, t1
        lw      a0, 0(t0)
        sw      zero, 0(t0)
        call    kill
        li      t0, 1
        swg     t0, imap_dirty, t1
        li      a0, 0
9:      lw      s1, 0(sp)
        leave   16

# ---- directories -------------------------------------------------------------------------------

# dir_find(dino, name) -> a0 = the entry's inode or 0 (found_slot = its slot, or the first free
# slot, or the slot past the end), or FS_EIO.
dir_find:
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sw      s6, 20(sp)
        mv      s1, a0
        mv      s2, a1
        call    inode_r
        bltz    a0, 9f
        lw      s3, I_SIZE(a0)
        srli    s3, s3, 5               # s3 = slots
        li      s4, 0                   # s4 = the slot
        li      t0, -1
        swg     t0, found_slot, t1
        mv      a0, s1
        li      a1, 0
        addi    a2, s3, D_PER_BLOCK - 1
        srli    a2, a2, 7
        call    prefetch
1:      bge     s4, s3, 5f
        andi    t0, s4, D_PER_BLOCK - 1
        bnez    t0, 2f
        mv      a0, s1
        srli    a1, s4, 7
        call    bmap
        blez    a0, 8f
        call    bread
        bltz    a0, 9f
        mv      s5, a0                  # s5 = the block's page
2:      andi    t0, s4, D_PER_BLOCK - 1
        slli    t0, t0, 5
        add     s6, s5, t0              # s6 = the entry
        lw      t0, D_INO(s6)
        bnez    t0, 3f
        lwg     t0, found_slot
        bgez    t0, 4f
        swg     s4, found_slot, t0
        j       4f
3:      addi    a0, s6, D_NAME
        mv      a1, s2
        call    strcmp
        bnez    a0, 4f
        swg     s4, found_slot, t0
        lw      a0, D_INO(s6)
        j       9f
4:      addi    s4, s4, 1
        j       1b
5:      lwg     t0, found_slot
        bgez    t0, 6f
        swg     s3, found_slot, t0
6:      li      a0, 0
        j       9f
8:      li      a0, FS_EIO
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        leave   48

# dir_set(dino, slot, ino, name) -> a0 = 0 or an error: writes entry slot (name 0: keeps the
# name; ino 0 frees it) and keeps the directory's size and count.
dir_set:
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        mv      s1, a0
        mv      s2, a1
        mv      s3, a2
        mv      s4, a3
        li      t0, MAXLBN * D_PER_BLOCK
        bge     a1, t0, 8f
        li      a0, 3
        call    reserve
        bnez    a0, 9f
        mv      a0, s1
        srli    a1, s2, 7
        li      a2, 0
        call    data_w
        bltz    a0, 9f
        andi    t0, s2, D_PER_BLOCK - 1
        slli    t0, t0, 5
        add     s5, a0, t0              # s5 = the entry
        lw      t0, D_INO(s5)
        sw      s3, D_INO(s5)
        sltu    t1, zero, s3
        sltu    t0, zero, t0
        sub     t2, t1, t0              # entries gained: 1, 0 or -1
        mv      s3, t2
        beqz    s4, 1f
        addi    a0, s5, D_NAME
        li      a1, 0
        li      a2, D_BYTES - D_NAME
        call    memset
        mv      a0, s4
        call    strlen
        mv      a2, a0
        addi    a0, s5, D_NAME
        mv      a1, s4
        call    memcpy
1:      mv      a0, s1
        call    inode_w
        bltz    a0, 9f
        lw      t0, I_COUNT(a0)
        add     t0, t0, s3
        sw      t0, I_COUNT(a0)
        addi    t1, s2, 1
        slli    t1, t1, 5
        lw      t0, I_SIZE(a0)
        bgeu    t0, t1, 2f
        sw      t1, I_SIZE(a0)
2:      li      a0, 0
        j       9f
8:      li      a0, FS_ENOSPC
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   48

# ---- paths and arguments -------------------------------------------------------------------------

# ucheck(addr, len, write) -> a0 = 0 if the program may access [addr, addr+len) (write: and write
# it), else FS_EFAULT: program segments and the stack, or pages reserved in the page table.
ucheck:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        beqz    a1, 7f
        bltz    a1, 8f
        add     t0, a0, a1
        addi    t0, t0, -1
        bltu    t0, a0, 8f              # wraps round
        srli    s1, a0, PAGE_SHIFT
        srli    s2, t0, PAGE_SHIFT
        mv      s3, a2
1:      bgtu    s1, s2, 7f
        slli    t0, s1, PAGE_SHIFT
        li      t1, 0x10000
        bltu    t0, t1, 8f
        li      t1, HEAP_BASE
        bltu    t0, t1, 3f              # the program's segments
        li      t1, 0x7FFF0000
        bltu    t0, t1, 2f
        bltz    t0, 8f
        j       3f                      # the main stack
2:      mv      a0, s1
        call    pt_lookup
        beqz    a0, 8f
        lw      t0, PTREC_PTE(a0)
        andi    t1, t0, PTE_V
        beqz    t1, 8f
        andi    t1, t0, PTE_NA
        bnez    t1, 8f
        beqz    s3, 3f
        andi    t1, t0, PTE_W
        beqz    t1, 8f
        andi    t1, t0, PTE_RO
        bnez    t1, 8f
3:      addi    s1, s1, 1
        j       1b
7:      li      a0, 0
        j       9f
8:      li      a0, FS_EFAULT
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

# walk(path) -> a0 = the inode the path names, 0 if its last component is missing, or an error;
# a1 = the directory holding it. has_name = 0 for the root itself; namebuf = the last component,
# found_slot its slot (dir_find). walk_hit = 1 if walk_watch is among the directories walked.
walk:
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        mv      s1, a0                  # s1 = the next byte
        li      s2, ROOT_INO            # s2 = the inode so far, s3 = its directory
        li      s3, ROOT_INO
        swg     zero, has_name, t0
        swg     zero, walk_hit, t0
        li      a1, 1
        li      a2, 0
        call    ucheck
        bnez    a0, 9f
1:      lbu     t0, 0(s1)               # skip slashes
        li      t1, '/'
        bne     t0, t1, 2f
        addi    s1, s1, 1
        andi    t0, s1, PAGE_SIZE - 1
        bnez    t0, 1b
        mv      a0, s1
        li      a1, 1
        li      a2, 0
        call    ucheck
        bnez    a0, 9f
        j       1b
2:      beqz    t0, 7f
        li      a0, FS_ENOENT
        beqz    s2, 9f                  # a component after a missing one
        mv      a0, s2
        call    inode_r
        bltz    a0, 9f
        lw      t0, I_TYPE(a0)
        li      t1, FS_T_DIR
        li      a0, FS_ENOTDIR
        bne     t0, t1, 9f
        lwg     t0, walk_watch
        bne     t0, s2, 3f
        li      t0, 1
        swg     t0, walk_hit, t1
3:      la      s4, namebuf             # copy the component
        li      s5, 0                   # s5 = its length
4:      lbu     t0, 0(s1)
        beqz    t0, 5f
        li      t1, '/'
        beq     t0, t1, 5f
        li      t1, FS_NAME_MAX
        bge     s5, t1, 41f
        add     t1, s4, s5
        sb      t0, 0(t1)
41:     addi    s5, s5, 1
        addi    s1, s1, 1
        andi    t0, s1, PAGE_SIZE - 1
        bnez    t0, 4b
        mv      a0, s1
        li      a1, 1
        li      a2, 0
        call    ucheck
        bnez    a0, 9f
        j       4b
5:      li      a0, FS_ENAMETOOLONG
        li      t1, FS_NAME_MAX
        bgt     s5, t1, 9f
        add     t1, s4, s5
        sb      zero, 0(t1)
        lbu     t0, 0(s4)               # "." and ".." are not names
        li      t1, '.'
        bne     t0, t1, 6f
        lbu     t0, 1(s4)
        beqz    t0, 51f
        bne     t0, t1, 6f
        lbu     t0, 2(s4)
        bnez    t0, 6f
51:     li      a0, FS_EINVAL
        j       9f
6:      mv      s3, s2
        li      t0, 1
        swg     t0, has_name, t1
        mv      a0, s2
        mv      a1, s4
        call    dir_find
        bltz    a0, 9f
        mv      s2, a0
        j       1b
7:      mv      a0, s2
        mv      a1, s3
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   48

# getfd(fd) -> a0 = the open file's record, or FS_EBADF: not open, or its file is gone (a leaf).
getfd:
        bltz    a0, 1f
        li      t0, FS_OPEN_MAX
        bge     a0, t0, 1f
        slli    t0, a0, 4
        la      a0, files
        add     a0, a0, t0
        lw      t0, F_USED(a0)
        beqz    t0, 1f
        lw      t0, F_INO(a0)
        beqz    t0, 1f
        ret
1:      li      a0, FS_EBADF
        ret

# orphan(ino): the open files of a file that is gone answer FS_EBADF from now on (a leaf).
orphan:
        la      t0, files
        li      t1, F_BYTES * FS_OPEN_MAX
        add     t1, t1, t0
1:      bgeu    t0, t1, 3f
        lw      t2, F_INO(t0)
        bne     t2, a0, 2f
        sw      zero, F_INO(t0)
2:      addi    t0, t0, F_BYTES
        j       1b
3:      ret

# itype(ino) -> a0 = the inode's type, or FS_EIO.
itype:
        enter   16
        call    inode_r
        bltz    a0, 9f
        lw      a0, I_TYPE(a0)
9:      leave   16

# ---- mount, format, sync -------------------------------------------------------------------------

# cksum(cp) -> a0 = FNV-1a over the root block's header and the checkpoint at cp, its sum as 0.
cksum:
        lwg     t0, root_va
        li      t2, FNV_BASIS
        li      t3, FNV_PRIME
        addi    t4, t0, H_BYTES
1:      bgeu    t0, t4, 2f
        lw      t1, 0(t0)
        xor     t2, t2, t1
        mul     t2, t2, t3
        addi    t0, t0, 4
        j       1b
2:      mv      t0, a0
        addi    t4, a0, CP_BYTES
3:      bgeu    t0, t4, 5f
        lw      t1, 0(t0)
        sub     t5, t0, a0
        li      t6, CP_SUM
        bne     t5, t6, 4f
        li      t1, 0
4:      xor     t2, t2, t1
        mul     t2, t2, t3
        addi    t0, t0, 4
        j       3b
5:      mv      a0, t2
        ret

        .globl  fs_mount
        api     fs_mount, x_mount
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        lwg     t0, mounted
        li      a0, 0
        bnez    t0, 9f
.ifdef FS_SHARED
        call    bc_root                 # the root block the file system was shared under
.else
        sys_blk_root
.endif
        li      t0, E_NODEV
        beq     a0, t0, 81f
        bltz    a0, 80f
        la      t0, rootblk
        sw      a0, 0(t0)
        sw      a1, 4(t0)
        sw      a2, 8(t0)
        lwg     t0, root_va
        bnez    t0, 1f
        li      a0, 1
        call    vm_alloc
        swg     a0, root_va, t0
        li      a0, MAXCAP + 1
        call    vm_alloc
        swg     a0, cap_va, t0
        li      a0, MAXBLK
        call    vm_alloc
        swg     a0, cache_va, t0
1:
.ifdef FS_SHARED
        lwg     t0, ss_va
        bnez    t0, 11f
        li      a0, 0                   # where every environment publishes its checkpoints
        call    bc_state
        bltz    a0, 80f
        swg     a0, ss_va, t0
11:
.endif
        lwg     a0, root_va
        la      a1, rootblk
        li      a2, 0
        call    submit_va
        bltz    a0, 80f
        li      a0, 1
        call    wait_n
        bnez    a0, 80f
        lwg     s1, root_va             # s1 = the root block
        lw      t0, H_MAGIC(s1)
        li      t1, LFS_MAGIC
        beq     t0, t1, 3f
        mv      t0, s1                  # not ours: all zeros is a new disk, else foreign
        li      t2, PAGE_SIZE
        add     t2, t2, s1
2:      bgeu    t0, t2, 21f
        lw      t1, 0(t0)
        bnez    t1, 82f
        addi    t0, t0, 4
        j       2b
21:     call    format
        bnez    a0, 9f
        j       7f
# An existing file system: the header, the capability table, the newest valid checkpoint.
3:      lw      t0, H_VERSION(s1)
        li      t1, LFS_VERSION
        bne     t0, t1, 80f
        lw      s2, H_NBLK(s1)
        blez    s2, 80f
        li      t0, MAXBLK
        bgt     s2, t0, 80f
        andi    t0, s2, SEG - 1
        bnez    t0, 80f
        lw      s3, H_NCAP(s1)
        addi    t0, s2, 255
        srli    t0, t0, 8
        bne     t0, s3, 80f
        swg     s2, nblk, t0
        srli    t0, s2, SEG_SHIFT
        swg     t0, nseg, t1
        swg     s3, ncap, t0
        li      s4, 0                   # s4 = capability blocks submitted
4:      bge     s4, s3, 5f
        lwg     a0, cap_va
        slli    t0, s4, PAGE_SHIFT
        add     a0, a0, t0
        slli    t0, s4, 4
        add     a1, s1, t0
        addi    a1, a1, H_CAPS
        li      a2, 0
        call    submit_va
        bltz    a0, 80f                 # (nothing is in flight: the earlier ones are awaited below)
        addi    s4, s4, 1
        j       4b
5:      mv      a0, s3
        call    wait_n
        bnez    a0, 80f
        addi    a0, s1, CP0             # s2 = the newest valid checkpoint, or 0
        call    cp_valid
        mv      s2, a0
        addi    a0, s1, CP1
        call    cp_valid
        beqz    a0, 6f
        beqz    s2, 51f
        lw      t0, CP_SEQ(a0)
        lw      t1, CP_SEQ(s2)
        bltu    t0, t1, 6f
51:     mv      s2, a0
6:      beqz    s2, 80f
        lw      t0, CP_SEQ(s2)
        swg     t0, cp_seq, t1
        addi    t0, s1, CP0             # the next checkpoint goes to the other slot
        sub     t0, s2, t0
        seqz    t0, t0
        swg     t0, cp_slot, t1
        lw      t0, CP_IMAP(s2)
        swg     t0, imap_addr, t1
        lw      t0, CP_LIVETOT(s2)
        swg     t0, live_total, t1
        la      a0, live
        addi    a1, s2, CP_LIVE
        li      a2, 4 * MAXSEG
        call    memcpy
        la      a0, ckpt_live
        addi    a1, s2, CP_LIVE
        li      a2, 4 * MAXSEG
        call    memcpy
        lwg     a0, imap_addr
        call    bread
        bltz    a0, 80f
        mv      a1, a0
        la      a0, imap
        li      a2, PAGE_SIZE
        call    memcpy
        li      t0, -1
        swg     t0, open_seg, t1
        call    set_limit
        call    new_segment
        bnez    a0, 9f
7:      li      t0, 1
        swg     t0, mounted, t1
.ifdef FS_SHARED
        la      t0, shared_exit         # exit() makes the program's files durable (and stops
.else                                   # a server fs_mount started: bcache_shared.s)
        la      t0, fs_sync             # exit() makes the program's files durable
.endif
        swg     t0, exit_hook, t1
        li      a0, 0
        j       9f
80:     li      a0, FS_EIO
        j       9f
81:     li      a0, FS_ENODEV
        j       9f
82:     li      a0, FS_EFOREIGN
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        leave   48

# cp_valid(cp) -> a0 = cp if the checkpoint there was written whole for this file system, else 0.
cp_valid:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        lw      t0, CP_SEQ(a0)
        beqz    t0, 8f
        lw      t0, CP_NSEG(a0)
        lwg     t1, nseg
        bne     t0, t1, 8f
        call    cksum
        lw      t0, CP_SUM(s1)
        bne     a0, t0, 8f
        lw      t0, CP_IMAP(s1)
        blez    t0, 8f
        lwg     t1, nblk
        bge     t0, t1, 8f
        mv      a0, s1
        j       9f
8:      li      a0, 0
9:      lw      s1, 0(sp)
        leave   16

# set_limit(): the live blocks new data may bring the file system to: three quarters of the
# segments the cleaner does not keep in reserve, so that it always finds dead blocks to reclaim.
set_limit:
        lwg     t0, nseg
        addi    t0, t0, -(CLEAN_HIGH + 1)
        li      t1, (SEG - 1) * 3
        mul     t0, t0, t1
        srli    t0, t0, 2
        swg     t0, live_limit, t1
        ret

# format() -> a0 = 0 or an error: a new file system on every block the kernel gives (up to
# MAXBLK and its capability table), its capability table written, then the empty root directory
# and the first checkpoint by fs_sync. A host killed before the checkpoint's flush leaves the
# root block zero: the next mount formats again (the blocks allocated before are leaked).
format:
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        li      s1, 0                   # s1 = blocks allocated, listed in the capability table
1:      li      t0, MAXBLK + MAXCAP
        bge     s1, t0, 2f
        li      a0, -1
        sys_blk_alloc
        li      t0, E_NOSPC
        beq     a0, t0, 2f
        bltz    a0, 80f
        lwg     t0, cap_va
        slli    t1, s1, 4
        add     t0, t0, t1
        sw      a0, 0(t0)
        sw      a1, 4(t0)
        sw      a2, 8(t0)
        sw      zero, 12(t0)
        addi    s1, s1, 1
        j       1b
2:      addi    s2, s1, 256             # s2 = file-system blocks: what is left after the table
        li      t0, 257
        divu    s2, s2, t0
        sub     s2, s1, s2
        li      t0, MAXBLK
        ble     s2, t0, 3f
        mv      s2, t0
3:      srli    s2, s2, SEG_SHIFT
        slli    s2, s2, SEG_SHIFT
        srli    t0, s2, SEG_SHIFT
        li      t1, CLEAN_HIGH + 3
        blt     t0, t1, 81f             # too small a disk
        addi    s3, s2, 255             # s3 = capability-table blocks
        srli    s3, s3, 8
        lwg     s4, root_va
        li      t0, LFS_MAGIC
        sw      t0, H_MAGIC(s4)
        li      t0, LFS_VERSION
        sw      t0, H_VERSION(s4)
        sw      s2, H_NBLK(s4)
        sw      s3, H_NCAP(s4)
        addi    a0, s4, H_CAPS          # the table's own blocks go to the header
        lwg     a1, cap_va
        slli    a2, s3, 4
        call    memcpy
        lwg     a0, cap_va              # the rest move down to index 0
        slli    a1, s3, 4
        add     a1, a1, a0
        sub     a2, s1, s3
        slli    a2, a2, 4
        call    memmove
        add     s4, s2, s3              # give back what does not fit
4:      bge     s4, s1, 5f
        lwg     t0, cap_va
        sub     t1, s4, s3
        slli    t1, t1, 4
        add     t0, t0, t1
        lw      a0, 0(t0)
        lw      a1, 4(t0)
        lw      a2, 8(t0)
        sys_blk_free
        addi    s4, s4, 1
        j       4b
5:      lwg     t0, cap_va              # clear the entries past the file system's blocks
        slli    a0, s2, 4
        add     a0, a0, t0
        slli    a2, s3, PAGE_SHIFT
        add     a2, a2, t0
        sub     a2, a2, a0
        li      a1, 0
        call    memset
        swg     s2, nblk, t0
        srli    t0, s2, SEG_SHIFT
        swg     t0, nseg, t1
        swg     s3, ncap, t0
        li      s4, 0                   # write the table, every request before one wait
6:      bge     s4, s3, 7f
        lwg     a0, cap_va
        slli    t0, s4, PAGE_SHIFT
        add     a0, a0, t0
        lwg     a1, root_va
        slli    t0, s4, 4
        add     a1, a1, t0
        addi    a1, a1, H_CAPS
        li      a2, 1
        call    submit_va
        bltz    a0, 80f
        addi    s4, s4, 1
        j       6b
7:      mv      a0, s3
        call    wait_n
        bnez    a0, 80f
        swg     zero, cp_seq, t0
        swg     zero, cp_slot, t0
        swg     zero, imap_addr, t0
        swg     zero, live_total, t0
        li      t0, -1
        swg     t0, open_seg, t1
        call    set_limit
        call    new_segment
        bnez    a0, 9f
        li      a0, 3
        call    reserve
        bnez    a0, 9f
        li      a0, ROOT_INO
        call    inode_w
        bltz    a0, 9f
        li      t0, FS_T_DIR
        sw      t0, I_TYPE(a0)
        li      t0, 1
        swg     t0, mounted, t1         # for fs_sync
        call    x_sync
        swg     zero, mounted, t1
        j       9f
80:     li      a0, FS_EIO
        j       9f
81:     li      a0, FS_ENOSPC
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        leave   48

# fs_sync() -> 0 or an error: the inode map appended to the log, the open segment written and
# flushed, then the next checkpoint written to the root block and flushed.
        .globl  fs_sync
        api     fs_sync, x_sync
        enter   16
        sw      s1, 0(sp)
        li      a0, 0
        lwg     t0, mounted
        beqz    t0, 9f
        lwg     t0, imap_dirty
        beqz    t0, 2f
        li      a0, 1
        call    reserve
        bnez    a0, 9f
        lwg     t0, imap_dirty          # (a cleaning pass may have written it meanwhile)
        beqz    t0, 2f
        lwg     a2, imap_addr
        beqz    a2, 1f
        mv      a0, a2
        call    unsealed
        mv      t3, a0
        lwg     a0, imap_addr
        bnez    t3, 11f
1:      li      a0, 0
        li      a1, TAG_IMAP
        lwg     a2, imap_addr
        li      a3, 1
        call    relocate
        bltz    a0, 9f
        swg     a0, imap_addr, t0
11:     call    page
        la      a1, imap
        li      a2, PAGE_SIZE
        call    memcpy
        swg     zero, imap_dirty, t0
2:      lwg     t0, fs_dirty
        li      a0, 0
        beqz    t0, 9f
        call    seal
        bnez    a0, 9f
        call    flush
        bnez    a0, 9f
        lwg     s1, root_va             # the checkpoint
        addi    s1, s1, CP0
        lwg     t0, cp_slot
        beqz    t0, 3f
        addi    s1, s1, CP1 - CP0
3:      lwg     t0, cp_seq
        addi    t0, t0, 1
        sw      t0, CP_SEQ(s1)
        lwg     t0, imap_addr
        sw      t0, CP_IMAP(s1)
        lwg     t0, nseg
        sw      t0, CP_NSEG(s1)
        lwg     t0, live_total
        sw      t0, CP_LIVETOT(s1)
        addi    a0, s1, CP_LIVE
        la      a1, live
        li      a2, 4 * MAXSEG
        call    memcpy
        mv      a0, s1
        call    cksum
        sw      a0, CP_SUM(s1)
        lwg     a0, root_va
        la      a1, rootblk
        li      a2, 1
        call    submit_va
        bltz    a0, 8f
        li      a0, 1
        call    wait_n
        bnez    a0, 8f
        call    flush
        bnez    a0, 9f
        lwg     t0, cp_seq
        addi    t0, t0, 1
        swg     t0, cp_seq, t1
        lwg     t0, cp_slot
        xori    t0, t0, 1
        swg     t0, cp_slot, t1
        la      a0, ckpt_live
        la      a1, live
        li      a2, 4 * MAXSEG
        call    memcpy
        swg     zero, fs_dirty, t0
        li      a0, 0
        j       9f
8:      li      a0, FS_EIO
9:      lw      s1, 0(sp)
        leave   16

# ---- the cleaner ---------------------------------------------------------------------------------

# clean(): checkpoints (which frees segments emptied since the last one), then copies the live
# blocks of the emptiest segment to the log's tail, until CLEAN_HIGH segments are free or no
# segment has a dead block.
clean:
        enter   16
        sw      s1, 0(sp)
        li      t0, 1
        swg     t0, cleaning, t1
        lwg     s1, nseg                # s1 = passes left
1:      call    x_sync
        bnez    a0, 9f
        call    free_count
        li      t0, CLEAN_HIGH
        bge     a0, t0, 9f
        addi    s1, s1, -1
        bltz    s1, 9f
        call    victim
        bltz    a0, 9f
        lwg     t0, cleaned
        addi    t0, t0, 1
        swg     t0, cleaned, t1
        call    clean_seg
        beqz    a0, 1b
9:      swg     zero, cleaning, t0
        lw      s1, 0(sp)
        leave   16

# victim() -> a0 = the segment with the fewest live blocks that has a dead one, or -1.
victim:
        li      a0, -1
        li      t0, 0                   # t0 = the segment
        li      t2, SEG - 1             # t2 = the fewest live blocks seen (must be below SEG-1)
        lwg     t3, nseg
        lwg     t4, open_seg
        la      t5, live
1:      bge     t0, t3, 3f
        beq     t0, t4, 2f
        slli    t1, t0, 2
        add     t1, t1, t5
        lw      t1, 0(t1)
        blez    t1, 2f
        bge     t1, t2, 2f
        mv      t2, t1
        mv      a0, t0
2:      addi    t0, t0, 1
        j       1b
3:      ret

# cur_addr(ino, tag) -> a0 = where the block (ino, tag) lives now, 0 if nowhere, or FS_EIO.
cur_addr:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a1
        li      t0, TAG_IMAP
        bne     a1, t0, 1f
        lwg     a0, imap_addr
        j       9f
1:      blez    a0, 8f
        li      t0, MAXINO
        bge     a0, t0, 8f
        la      t0, imap
        slli    t1, a0, 2
        add     t0, t0, t1
        lw      t1, 0(t0)
        beqz    t1, 8f
        li      t2, TAG_INODE
        bne     s1, t2, 2f
        mv      a0, t1
        j       9f
2:      li      t2, TAG_IND
        bge     s1, t2, 3f
        li      t2, MAXLBN
        bge     s1, t2, 8f
        call    bmap                    # a0 = ino, a1 = lbn
        j       9f
3:      sub     s1, s1, t2
        li      t2, NIND
        bge     s1, t2, 8f
        mv      a0, t1
        call    bread
        bltz    a0, 9f
        slli    t0, s1, 2
        add     t0, t0, a0
        lw      a0, I_IND(t0)
        j       9f
8:      li      a0, 0
9:      lw      s1, 0(sp)
        leave   16

# clean_seg(s) -> a0 = 0 or an error: every live block of segment s moved to the log's tail
# (its live blocks read together first).
clean_seg:
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        slli    s1, a0, SEG_SHIFT       # s1 = the summary's address
        mv      a0, s1
        call    bread
        bltz    a0, 9f
        mv      a1, a0
        la      a0, cl_sum
        li      a2, SEG * 8
        call    memcpy
        li      s2, 1                   # s2 = the slot, s3 = live blocks listed
        li      s3, 0
1:      li      t0, SEG
        bge     s2, t0, 3f
        la      t0, cl_sum
        slli    t1, s2, 3
        add     t0, t0, t1
        lw      a0, 0(t0)
        lw      a1, 4(t0)
        call    cur_addr
        bltz    a0, 9f
        add     t0, s1, s2
        bne     a0, t0, 2f
        la      t1, pf_list
        slli    t2, s3, 2
        add     t1, t1, t2
        sw      t0, 0(t1)
        addi    s3, s3, 1
        j       2f
2:      la      t0, cl_sum              # mark dead slots with tag -1
        slli    t1, s2, 3
        add     t0, t0, t1
        add     t2, s1, s2
        beq     a0, t2, 21f
        li      t1, -1
        sw      t1, 4(t0)
21:     addi    s2, s2, 1
        j       1b
3:      la      a0, pf_list
        mv      a1, s3
        call    bread_many
        bnez    a0, 9f
        li      s2, 1
4:      li      t0, SEG
        bge     s2, t0, 7f
        la      t0, cl_sum
        slli    t1, s2, 3
        add     t0, t0, t1
        lw      s3, 0(t0)               # s3 = inode, s4 = tag
        lw      s4, 4(t0)
        bltz    s4, 6f
        li      t0, TAG_IMAP
        bne     s4, t0, 41f
        li      t0, 1
        swg     t0, imap_dirty, t1
        swg     t0, fs_dirty, t1
        j       6f
41:     li      a0, 3
        call    reserve
        bnez    a0, 9f
        mv      a0, s3
        li      t0, TAG_INODE
        bne     s4, t0, 42f
        call    inode_w
        j       5f
42:     li      t0, TAG_IND
        blt     s4, t0, 43f
        sub     a1, s4, t0
        call    ind_w
        j       5f
43:     mv      a1, s4
        li      a2, 0
        call    data_w
5:      bltz    a0, 9f
6:      addi    s2, s2, 1
        j       4b
7:      li      a0, 0
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        leave   48

# ---- the API (fs.inc) ------------------------------------------------------------------------------

        .globl  fs_open
        api     fs_open, x_open
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        mv      s1, a0
        mv      s2, a1
        call    x_mount
        bnez    a0, 9f
        andi    t0, s2, FS_O_CREAT | FS_O_TRUNC
        beqz    t0, 0f
        call    maybe_clean
0:      andi    t0, s2, FS_O_ACCMODE
        li      t1, FS_O_ACCMODE
        li      a0, FS_EINVAL
        beq     t0, t1, 9f
        la      s4, files               # s4 = a free record
        li      s5, 0                   # s5 = its fd
1:      li      t0, FS_OPEN_MAX
        li      a0, FS_EMFILE
        bge     s5, t0, 9f
        lw      t0, F_USED(s4)
        beqz    t0, 2f
        addi    s4, s4, F_BYTES
        addi    s5, s5, 1
        j       1b
2:      swg     zero, walk_watch, t0
        mv      a0, s1
        call    walk
        bltz    a0, 9f
        mv      s3, a0                  # s3 = the inode
        bnez    a0, 4f
        andi    t0, s2, FS_O_CREAT      # a new file
        li      a0, FS_ENOENT
        beqz    t0, 9f
        mv      s1, a1                  # s1 = its directory
        li      a0, FS_T_FILE
        call    ialloc
        bltz    a0, 9f
        mv      s3, a0
        mv      a0, s1
        lwg     a1, found_slot
        mv      a2, s3
        la      a3, namebuf
        call    dir_set
        beqz    a0, 6f
        mv      s1, a0                  # the entry failed: the inode goes again
        mv      a0, s3
        call    ifree
        mv      a0, s1
        j       9f
4:      andi    t0, s2, FS_O_CREAT | FS_O_EXCL
        li      t1, FS_O_CREAT | FS_O_EXCL
        li      a0, FS_EEXIST
        beq     t0, t1, 9f
        mv      a0, s3
        call    itype
        bltz    a0, 9f
        li      t0, FS_T_DIR
        bne     a0, t0, 5f
        andi    t0, s2, FS_O_ACCMODE
        li      a0, FS_EISDIR
        bnez    t0, 9f
        j       6f
5:      andi    t0, s2, FS_O_TRUNC
        beqz    t0, 6f
        andi    t0, s2, FS_O_ACCMODE
        beqz    t0, 6f
        mv      a0, s3
        call    itrunc
        bnez    a0, 9f
6:      sw      s3, F_INO(s4)
        sw      zero, F_POS(s4)
        sw      s2, F_FLAGS(s4)
        li      t0, 1
        sw      t0, F_USED(s4)
        mv      a0, s5
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   48

# fs_close also closes a descriptor whose file is gone.
        .globl  fs_close
        api     fs_close, x_close
        bltz    a0, 1f
        li      t0, FS_OPEN_MAX
        bge     a0, t0, 1f
        slli    t0, a0, 4
        la      a0, files
        add     a0, a0, t0
        lw      t0, F_USED(a0)
        beqz    t0, 1f
        sw      zero, F_USED(a0)
        sw      zero, F_INO(a0)
        li      a0, 0
        ret
1:      li      a0, FS_EBADF
        ret

        .globl  fs_read
        api     fs_read, x_read
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sw      s6, 20(sp)
        sw      s7, 24(sp)
        mv      s2, a1
        mv      s3, a2
        call    getfd
        bltz    a0, 9f
        mv      s1, a0                  # s1 = the open file
        lw      t0, F_FLAGS(s1)
        andi    t0, t0, FS_O_ACCMODE
        li      t1, FS_O_WRONLY
        li      a0, FS_EBADF
        beq     t0, t1, 9f
        li      a0, FS_EINVAL
        bltz    s3, 9f
        mv      a0, s2
        mv      a1, s3
        li      a2, 1
        call    ucheck
        bnez    a0, 9f
        lw      a0, F_INO(s1)
        call    inode_r
        bltz    a0, 9f
        lw      t0, I_TYPE(a0)
        li      t1, FS_T_DIR
        li      t2, FS_EISDIR
        bne     t0, t1, 1f
        mv      a0, t2
        j       9f
1:      lw      t0, I_SIZE(a0)
        lw      s4, F_POS(s1)           # s4 = the position
        sub     t1, t0, s4              # bytes left
        li      a0, 0
        blez    t1, 9f
        bleu    s3, t1, 2f
        mv      s3, t1
2:      mv      s5, s3                  # s5 = bytes left to copy, s3 = the result
3:      blez    s5, 8f
        srli    s6, s4, PAGE_SHIFT      # s6 = the block, s7 = the offset in it
        andi    s7, s4, PAGE_SIZE - 1
        lw      a0, F_INO(s1)
        mv      a1, s6
        call    bmap
        bltz    a0, 9f
        bnez    a0, 4f
        li      t0, PAGE_SIZE           # a hole
        sub     t0, t0, s7
        ble     t0, s5, 31f
        mv      t0, s5
31:     mv      s7, t0
        mv      a0, s2
        li      a1, 0
        mv      a2, t0
        call    memset
        j       7f
4:      la      t0, loaded
        add     t0, t0, a0
        lbu     t0, 0(t0)
        bnez    t0, 5f
        lw      a0, F_INO(s1)           # not cached: read it with the ones after it together
        mv      a1, s6
        add     a2, s4, s5
        addi    a2, a2, PAGE_SIZE - 1
        srli    a2, a2, PAGE_SHIFT
        call    prefetch
        lw      a0, F_INO(s1)
        mv      a1, s6
        call    bmap
        bltz    a0, 9f
5:      call    bread
        bltz    a0, 9f
        add     a1, a0, s7
        li      t0, PAGE_SIZE
        sub     t0, t0, s7
        ble     t0, s5, 6f
        mv      t0, s5
6:      mv      s7, t0
        mv      a0, s2
        mv      a2, t0
        call    memcpy
7:      add     s2, s2, s7
        add     s4, s4, s7
        sub     s5, s5, s7
        j       3b
8:      sw      s4, F_POS(s1)
        mv      a0, s3
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        lw      s7, 24(sp)
        leave   48

        .globl  fs_write
        api     fs_write, x_write
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sw      s6, 20(sp)
        sw      s7, 24(sp)
        mv      s2, a1
        mv      s3, a2
        call    getfd
        bltz    a0, 9f
        mv      s1, a0
        lw      t0, F_FLAGS(s1)
        andi    t0, t0, FS_O_ACCMODE
        li      a0, FS_EBADF
        beqz    t0, 9f                  # read-only (directories are opened read-only)
        li      a0, FS_EINVAL
        bltz    s3, 9f
        mv      a0, s2
        mv      a1, s3
        li      a2, 0
        call    ucheck
        bnez    a0, 9f
        lw      s4, F_POS(s1)           # s4 = the position
        lw      t0, F_FLAGS(s1)
        andi    t0, t0, FS_O_APPEND
        beqz    t0, 1f
        lw      a0, F_INO(s1)
        call    inode_r
        bltz    a0, 9f
        lw      s4, I_SIZE(a0)
1:      add     t0, s4, s3
        li      t1, FS_FILE_MAX
        li      a0, FS_EFBIG
        bltu    t0, s4, 9f
        bgtu    t0, t1, 9f
        beqz    s3, 8f
        srli    s6, s4, PAGE_SHIFT      # the new blocks it needs must fit: nothing is written
        add     s7, s4, s3              # if they do not (s6 = the block, s7 = past the last)
        addi    s7, s7, -1
        srli    s7, s7, PAGE_SHIFT
        addi    s7, s7, 1
        li      s5, NIND + 1            # s5 = blocks needed at most (indirect ones included)
1:      bge     s6, s7, 11f
        lw      a0, F_INO(s1)
        mv      a1, s6
        call    bmap
        bltz    a0, 9f
        seqz    a0, a0
        add     s5, s5, a0
        addi    s6, s6, 1
        j       1b
11:     lwg     t0, live_total
        add     t0, t0, s5
        lwg     t1, live_limit
        li      a0, FS_ENOSPC
        bgt     t0, t1, 9f
        mv      s5, s3                  # s5 = bytes left
2:      blez    s5, 8f
        call    maybe_clean
        li      a0, 3
        call    reserve
        bnez    a0, 9f
        andi    s7, s4, PAGE_SIZE - 1   # s7 = the offset in the block, s6 = bytes to it
        li      s6, PAGE_SIZE
        sub     s6, s6, s7
        ble     s6, s5, 3f
        mv      s6, s5
3:      lw      a0, F_INO(s1)
        srli    a1, s4, PAGE_SHIFT
        li      a2, 0
        li      t0, PAGE_SIZE
        bne     s6, t0, 4f
        li      a2, 1
4:      call    data_w
        bltz    a0, 9f
        add     a0, a0, s7
        mv      a1, s2
        mv      a2, s6
        call    memcpy
        add     s2, s2, s6
        add     s4, s4, s6
        sub     s5, s5, s6
        sw      s4, F_POS(s1)
        lw      a0, F_INO(s1)
        call    inode_w
        bltz    a0, 9f
        lw      t0, I_SIZE(a0)
        bgeu    t0, s4, 2b
        sw      s4, I_SIZE(a0)
        j       2b
8:      sw      s4, F_POS(s1)
        mv      a0, s3
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        lw      s7, 24(sp)
        leave   48

        .globl  fs_seek
        api     fs_seek, x_seek
        enter   16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      s1, a1
        mv      s2, a2
        call    getfd
        bltz    a0, 9f
        mv      t3, a0
        li      t0, FS_SEEK_SET
        li      t2, 0
        beq     s2, t0, 2f
        li      t0, FS_SEEK_CUR
        lw      t2, F_POS(t3)
        beq     s2, t0, 2f
        li      t0, FS_SEEK_END
        li      a0, FS_EINVAL
        bne     s2, t0, 9f
        lw      a0, F_INO(t3)
        mv      s2, t3
        call    inode_r
        bltz    a0, 9f
        lw      t2, I_SIZE(a0)
        mv      t3, s2
2:      add     a0, t2, s1
        bltz    a0, 8f
        sw      a0, F_POS(t3)
        j       9f
8:      li      a0, FS_EINVAL
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   16

        .globl  fs_mkdir
        api     fs_mkdir, x_mkdir
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        mv      s1, a0
        call    x_mount
        bnez    a0, 9f
        call    maybe_clean
        swg     zero, walk_watch, t0
        mv      a0, s1
        call    walk
        bltz    a0, 9f
        lwg     t0, has_name
        bnez    a0, 8f
        beqz    t0, 8f
        mv      s2, a1
        li      a0, FS_T_DIR
        call    ialloc
        bltz    a0, 9f
        mv      s3, a0
        mv      a0, s2
        lwg     a1, found_slot
        mv      a2, s3
        la      a3, namebuf
        call    dir_set
        beqz    a0, 9f
        mv      s1, a0
        mv      a0, s3
        call    ifree
        mv      a0, s1
        j       9f
8:      li      a0, FS_EEXIST
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

        .globl  fs_readdir
        api     fs_readdir, x_readdir
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        mv      s2, a1
        call    getfd
        bltz    a0, 9f
        mv      s1, a0
        mv      a0, s2
        li      a1, DIRENT_BYTES
        li      a2, 1
        call    ucheck
        bnez    a0, 9f
        lw      a0, F_INO(s1)
        call    inode_r
        bltz    a0, 9f
        lw      t0, I_TYPE(a0)
        li      t1, FS_T_DIR
        li      t2, FS_ENOTDIR
        beq     t0, t1, 1f
        mv      a0, t2
        j       9f
1:      lw      s3, I_SIZE(a0)
        srli    s3, s3, 5               # s3 = slots
2:      lw      s4, F_POS(s1)           # s4 = the slot
        li      a0, 0
        bge     s4, s3, 9f
        addi    t0, s4, 1
        sw      t0, F_POS(s1)
        lw      a0, F_INO(s1)
        srli    a1, s4, 7
        call    bmap
        blez    a0, 8f
        call    bread
        bltz    a0, 9f
        andi    t0, s4, D_PER_BLOCK - 1
        slli    t0, t0, 5
        add     s5, a0, t0              # s5 = the entry
        lw      a0, D_INO(s5)
        beqz    a0, 2b
        sw      a0, DIRENT_INO(s2)
        call    inode_r
        bltz    a0, 9f
        lw      t0, I_TYPE(a0)
        sw      t0, DIRENT_TYPE(s2)
        lw      t1, I_SIZE(a0)
        li      t2, FS_T_DIR
        bne     t0, t2, 3f
        lw      t1, I_COUNT(a0)
3:      sw      t1, DIRENT_SIZE(s2)
        addi    a0, s2, DIRENT_NAME
        addi    a1, s5, D_NAME
        li      a2, FS_NAME_MAX + 1
        call    memcpy
        li      a0, 1
        j       9f
8:      li      a0, FS_EIO
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   48

        .globl  fs_unlink
        api     fs_unlink, x_unlink
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        mv      s1, a0
        call    x_mount
        bnez    a0, 9f
        call    maybe_clean
        swg     zero, walk_watch, t0
        mv      a0, s1
        call    walk
        bltz    a0, 9f
        lwg     t0, has_name
        li      t1, FS_EINVAL
        bnez    t0, 1f
        mv      a0, t1
        j       9f
1:      li      t1, FS_ENOENT
        bnez    a0, 2f
        mv      a0, t1
        j       9f
2:      mv      s1, a0                  # s1 = the inode, s2 = its directory
        mv      s2, a1
        call    inode_r
        bltz    a0, 9f
        lw      t0, I_TYPE(a0)
        li      t1, FS_T_DIR
        bne     t0, t1, 3f
        lw      t0, I_COUNT(a0)
        li      a0, FS_ENOTEMPTY
        bnez    t0, 9f
3:      mv      a0, s2
        lwg     a1, found_slot
        li      a2, 0
        li      a3, 0
        call    dir_set
        bnez    a0, 9f
        mv      a0, s1
        call    ifree
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

        .globl  fs_rename
        api     fs_rename, x_rename
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sw      s6, 20(sp)
        sw      s7, 24(sp)
        mv      s1, a0
        mv      s2, a1
        call    x_mount
        bnez    a0, 9f
        call    maybe_clean
        swg     zero, walk_watch, t0
        mv      a0, s1
        call    walk
        bltz    a0, 9f
        lwg     t0, has_name
        beqz    t0, 81f
        li      t1, FS_ENOENT
        bnez    a0, 1f
        mv      a0, t1
        j       9f
1:      mv      s3, a0                  # s3 = the inode, s4 = its directory, s5 = its slot
        mv      s4, a1
        lwg     s5, found_slot
        call    itype
        bltz    a0, 9f
        mv      s6, a0                  # s6 = its type
        swg     s3, walk_watch, t0
        mv      a0, s2
        call    walk
        bltz    a0, 9f
        lwg     t0, has_name
        beqz    t0, 81f
        lwg     t0, walk_hit            # a directory into itself
        bnez    t0, 81f
        mv      s7, a0                  # s7 = what `to` names now, s1 = its directory
        mv      s1, a1
        beq     s7, s3, 7f              # the same file
        beqz    s7, 5f
        mv      a0, s7
        call    inode_r
        bltz    a0, 9f
        lw      t0, I_TYPE(a0)
        li      t1, FS_T_DIR
        bne     t0, t1, 2f
        li      t2, FS_EISDIR           # replacing a directory: only by an empty directory
        bne     s6, t1, 80f
        lw      t0, I_COUNT(a0)
        li      t2, FS_ENOTEMPTY
        bnez    t0, 80f
        j       3f
2:      li      t2, FS_ENOTDIR
        beq     s6, t1, 80f
3:      mv      a0, s1                  # the entry now names the moved inode
        lwg     a1, found_slot
        mv      a2, s3
        li      a3, 0
        call    dir_set
        bnez    a0, 9f
        mv      a0, s7
        call    ifree
        bnez    a0, 9f
        j       6f
5:      mv      a0, s1
        lwg     a1, found_slot
        mv      a2, s3
        la      a3, namebuf
        call    dir_set
        bnez    a0, 9f
6:      mv      a0, s4                  # the old entry goes
        mv      a1, s5
        li      a2, 0
        li      a3, 0
        call    dir_set
        j       9f
7:      li      a0, 0
        j       9f
80:     mv      a0, t2
        j       9f
81:     li      a0, FS_EINVAL
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        lw      s7, 24(sp)
        leave   48

        .globl  fs_stat
        api     fs_stat, x_stat
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      s1, a0
        mv      s2, a1
        call    x_mount
        bnez    a0, 9f
        mv      a0, s2
        li      a1, STAT_BYTES
        li      a2, 1
        call    ucheck
        bnez    a0, 9f
        swg     zero, walk_watch, t0
        mv      a0, s1
        call    walk
        bltz    a0, 9f
        li      t1, FS_ENOENT
        bnez    a0, 1f
        mv      a0, t1
        j       9f
1:      sw      a0, STAT_INO(s2)
        call    inode_r
        bltz    a0, 9f
        lw      t0, I_TYPE(a0)
        sw      t0, STAT_TYPE(s2)
        lw      t1, I_SIZE(a0)
        li      t2, FS_T_DIR
        bne     t0, t2, 2f
        lw      t1, I_COUNT(a0)
2:      sw      t1, STAT_SIZE(s2)
        lw      t0, I_NBLOCKS(a0)
        sw      t0, STAT_BLOCKS(s2)
        li      a0, 0
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   32

        .globl  fs_fsync
        api     fs_fsync, x_fsync
        enter   16
        call    getfd
        bltz    a0, 9f
        call    x_sync
9:      leave   16

# fs_df(df) -> 0: DF_BLOCKS = the blocks new data may occupy (the live limit), DF_FREE = how
# many of them it does not yet (a file's blocks count as free as soon as it is unlinked).
        .globl  fs_df
        api     fs_df, x_df
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        call    x_mount
        bnez    a0, 9f
        mv      a0, s1
        li      a1, DF_BYTES
        li      a2, 1
        call    ucheck
        bnez    a0, 9f
        lwg     t0, live_limit
        sw      t0, DF_BLOCKS(s1)
        lwg     t1, live_total
        sub     t0, t0, t1
        bgez    t0, 1f
        li      t0, 0
1:      sw      t0, DF_FREE(s1)
        li      a0, 0
9:      lw      s1, 0(sp)
        leave   16

        .globl  fs_kind
fs_kind:
        la      a0, kind_name
        ret

.ifdef FS_SHARED
# locked_call(a0..a3; t8 = BODY): BODY(a0..a3) holding the file system's lock. Another
# environment's checkpoint published since this one's last (SS_SEQ) means the state in memory
# is old: it is read again from that checkpoint first (reload). What BODY changed is a
# checkpoint before the lock is let go (x_sync, nothing when nothing changed), published, so
# the next holder finds it; an error of that checkpoint is the call's answer.
locked_call:
        enter   32
        sw      a0, 0(sp)
        sw      a1, 4(sp)
        sw      a2, 8(sp)
        sw      a3, 12(sp)
        sw      t8, 16(sp)
        call    bc_lock
        bltz    a0, 8f
        lwg     t0, mounted
        beqz    t0, 1f
        lwg     t0, ss_va
        lw      t0, SS_SEQ(t0)
        beqz    t0, 1f
        lwg     t1, cp_seq
        beq     t0, t1, 1f
        call    reload
        bnez    a0, 5f
1:      lw      a0, 0(sp)
        lw      a1, 4(sp)
        lw      a2, 8(sp)
        lw      a3, 12(sp)
        lw      t8, 16(sp)
        jalr    ra, 0(t8)
        sw      a0, 0(sp)
        call    x_sync
        beqz    a0, 6f
5:      sw      a0, 0(sp)
6:      lwg     t0, mounted
        beqz    t0, 7f
        lwg     t0, ss_va
        lwg     t1, cp_seq
        sw      t1, SS_SEQ(t0)
7:      lwg     a0, mounted
        call    bc_unlock
        lw      a0, 0(sp)
        j       9f
8:      li      a0, FS_ENODEV           # no disk, no server, or its lock refused
9:      leave   32

# reload() -> 0 or an error: the state in memory dropped (every cached block, the inode map,
# the live counts, the open segment) and read again from the newest checkpoint, as a mount
# reads it; a new segment is opened. Blocks are never written in place, but a segment another
# environment cleaned may hold new blocks where this one cached old ones.
reload:
        enter   16
        la      a0, loaded
        li      a1, 0
        li      a2, MAXBLK
        call    memset
        swg     zero, mounted, t0
        call    x_mount
        leave   16

# shared_exit: the exit hook: a checkpoint, then the server stopped if this environment
# started it.
shared_exit:
        enter   16
        call    fs_sync
        call    bc_exit
        leave   16
.endif

# ---- the consistency check ---------------------------------------------------------------------

# problem(fmt, x, y, z): prints "fs_check: " and the line, counts it.
problem:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        mv      s1, a0
        mv      s2, a1
        mv      s3, a2
        mv      s4, a3
        la      a0, m_prefix
        call    printf
        mv      a0, s1
        mv      a1, s2
        mv      a2, s3
        mv      a3, s4
        call    printf
        lwg     t0, problems
        addi    t0, t0, 1
        swg     t0, problems, t1
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        leave   32

# mark(addr, ino, tag) -> a0 = 1 if the block may be followed: counts a reference to addr and
# checks that it is inside the file system, not a summary, referenced once, and that its
# segment's summary names (ino, tag).
mark:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        mv      s1, a0
        mv      s2, a1
        mv      s3, a2
        lwg     t0, nblk
        bgeu    a0, t0, 7f
        andi    t0, a0, SEG - 1
        beqz    t0, 7f
        la      t0, refs
        add     t0, t0, a0
        lbu     t1, 0(t0)
        addi    t2, t1, 1
        sb      t2, 0(t0)
        beqz    t1, 1f
        la      a0, m_twice
        mv      a1, s1
        mv      a2, s2
        call    problem
        li      a0, 0
        j       9f
1:      srli    t0, s1, SEG_SHIFT       # counted for its segment
        slli    t0, t0, 2
        la      t1, counted
        add     t1, t1, t0
        lw      t2, 0(t1)
        addi    t2, t2, 1
        sw      t2, 0(t1)
        srli    a0, s1, SEG_SHIFT
        slli    a0, a0, SEG_SHIFT
        call    bread
        bltz    a0, 8f
        andi    t0, s1, SEG - 1
        slli    t0, t0, 3
        add     t0, t0, a0
        lw      t1, 0(t0)
        bne     t1, s2, 2f
        lw      t1, 4(t0)
        beq     t1, s3, 3f
2:      la      a0, m_summary
        mv      a1, s1
        mv      a2, s2
        call    problem
3:      li      a0, 1
        j       9f
7:      la      a0, m_range
        mv      a1, s1
        mv      a2, s2
        call    problem
        li      a0, 0
        j       9f
8:      la      a0, m_unread
        mv      a1, s1
        mv      a2, s2
        call    problem
        li      a0, 0
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

# check_ptr(ino, ptr, lbn, size, *blocks): one data pointer of an inode: marked, counted, and
# within the file's size.
check_ptr:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        mv      s1, a0
        mv      s2, a1
        mv      s3, a2
        mv      s4, a3
        beqz    a1, 9f
        lwg     t0, ck_blocks
        addi    t0, t0, 1
        swg     t0, ck_blocks, t1
        mv      a0, s2
        mv      a1, s1
        mv      a2, s3
        call    mark
        slli    t0, s3, PAGE_SHIFT
        bltu    t0, s4, 9f
        la      a0, m_beyond
        mv      a1, s1
        mv      a2, s3
        mv      a3, s4
        call    problem
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        leave   32

        .globl  fs_check
        api     fs_check, x_check
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sw      s6, 20(sp)
        sw      s7, 24(sp)
        call    x_mount
        bnez    a0, 99f
        swg     zero, problems, t0
        la      a0, refs
        li      a1, 0
        li      a2, MAXBLK
        call    memset
        la      a0, counted
        li      a1, 0
        li      a2, 4 * MAXSEG
        call    memset
        la      a0, links
        li      a1, 0
        li      a2, MAXINO
        call    memset
        lwg     a0, imap_addr           # the inode map's last copy in the log
        li      a1, 0
        li      a2, TAG_IMAP
        call    mark
        la      t0, imap
        lw      t0, 4 * ROOT_INO(t0)
        bnez    t0, 11f
        la      a0, m_noroot
        call    problem
        j       7f
11:     li      s1, 1                   # s1 = the inode
2:      li      t0, MAXINO
        bge     s1, t0, 6f
        la      t0, imap
        slli    t1, s1, 2
        add     t0, t0, t1
        lw      a0, 0(t0)
        beqz    a0, 5f
        mv      a1, s1
        li      a2, TAG_INODE
        call    mark
        beqz    a0, 5f
        mv      a0, s1
        call    inode_r
        bltz    a0, 5f
        mv      s2, a0                  # s2 = the inode's page
        lw      t0, I_TYPE(s2)
        li      t1, FS_T_FILE
        beq     t0, t1, 21f
        li      t1, FS_T_DIR
        beq     t0, t1, 21f
        la      a0, m_type
        mv      a1, s1
        mv      a2, t0
        call    problem
        j       5f
21:     lw      t0, I_SIZE(s2)
        li      t1, FS_FILE_MAX
        bleu    t0, t1, 22f
        la      a0, m_size
        mv      a1, s1
        mv      a2, t0
        call    problem
        j       5f
22:     swg     zero, ck_blocks, t0
        li      s3, 0                   # s3 = the lbn
3:      li      t0, NDIRECT
        bge     s3, t0, 31f
        mv      a0, s1
        slli    t0, s3, 2
        add     t0, t0, s2
        lw      a1, I_DIRECT(t0)
        mv      a2, s3
        lw      a3, I_SIZE(s2)
        call    check_ptr
        addi    s3, s3, 1
        j       3b
31:     li      s4, 0                   # s4 = the indirect block
32:     li      t0, NIND
        bge     s4, t0, 4f
        slli    t0, s4, 2
        add     t0, t0, s2
        lw      s5, I_IND(t0)           # s5 = its address
        beqz    s5, 35f
        mv      a0, s5
        mv      a1, s1
        li      t0, TAG_IND
        add     a2, s4, t0
        call    mark
        beqz    a0, 35f
        mv      a0, s5
        call    bread
        bltz    a0, 35f
        mv      s6, a0
        li      s7, 0
33:     li      t0, 1024
        bge     s7, t0, 35f
        mv      a0, s1
        slli    t0, s7, 2
        add     t0, t0, s6
        lw      a1, 0(t0)
        slli    a2, s4, 10
        add     a2, a2, s7
        addi    a2, a2, NDIRECT
        lw      a3, I_SIZE(s2)
        call    check_ptr
        addi    s7, s7, 1
        j       33b
35:     addi    s4, s4, 1
        j       32b
4:      lw      t0, I_NBLOCKS(s2)
        lwg     t1, ck_blocks
        beq     t0, t1, 41f
        la      a0, m_nblocks
        mv      a1, s1
        mv      a2, t0
        mv      a3, t1
        call    problem
41:     lw      t0, I_TYPE(s2)
        li      t1, FS_T_DIR
        bne     t0, t1, 5f
        mv      a0, s1
        mv      a1, s2
        call    check_dir
5:      addi    s1, s1, 1
        j       2b
6:      li      s1, 1                   # every inode named exactly once (the root never)
61:     li      t0, MAXINO
        bge     s1, t0, 7f
        la      t0, imap
        slli    t1, s1, 2
        add     t0, t0, t1
        lw      t0, 0(t0)
        beqz    t0, 63f
        la      t0, links
        add     t0, t0, s1
        lbu     t1, 0(t0)
        li      t2, 1
        li      t3, ROOT_INO
        bne     s1, t3, 62f
        li      t2, 0
62:     beq     t1, t2, 63f
        la      a0, m_links
        mv      a1, s1
        mv      a2, t1
        call    problem
63:     addi    s1, s1, 1
        j       61b
7:      li      s1, 0                   # the segments' live counts
        li      s2, 0                   # s2 = the sum
71:     lwg     t0, nseg
        bge     s1, t0, 73f
        slli    t0, s1, 2
        la      t1, counted
        add     t1, t1, t0
        lw      a3, 0(t1)
        la      t1, live
        add     t1, t1, t0
        lw      a2, 0(t1)
        add     s2, s2, a3
        beq     a2, a3, 72f
        la      a0, m_usage
        mv      a1, s1
        call    problem
72:     addi    s1, s1, 1
        j       71b
73:     lwg     a1, live_total
        beq     a1, s2, 8f
        la      a0, m_total
        mv      a2, s2
        call    problem
8:      lwg     a0, problems
99:     lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        lw      s7, 24(sp)
        leave   48

# check_dir(dino, ip): every entry names a live inode with a valid name; the count agrees.
check_dir:
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sw      s6, 20(sp)
        mv      s1, a0
        lw      s2, I_SIZE(a1)
        srli    s2, s2, 5               # s2 = slots
        lw      s6, I_COUNT(a1)         # s6 = the count it claims
        li      s3, 0                   # s3 = the slot, s4 = entries found
        li      s4, 0
1:      bge     s3, s2, 5f
        mv      a0, s1
        srli    a1, s3, 7
        call    bmap
        blez    a0, 4f
        call    bread
        bltz    a0, 4f
        andi    t0, s3, D_PER_BLOCK - 1
        slli    t0, t0, 5
        add     s5, a0, t0              # s5 = the entry
        lw      t0, D_INO(s5)
        beqz    t0, 4f
        addi    s4, s4, 1
        blez    t0, 2f
        li      t1, MAXINO
        bge     t0, t1, 2f
        la      t1, imap
        slli    t2, t0, 2
        add     t1, t1, t2
        lw      t1, 0(t1)
        beqz    t1, 2f
        la      t1, links
        add     t1, t1, t0
        lbu     t2, 0(t1)
        addi    t2, t2, 1
        sb      t2, 0(t1)
        lbu     t0, D_NAME(s5)          # a name of 1..FS_NAME_MAX bytes
        beqz    t0, 3f
        lbu     t0, D_NAME + FS_NAME_MAX(s5)
        bnez    t0, 3f
        j       4f
2:      la      a0, m_dangling
        mv      a1, s1
        addi    a2, s5, D_NAME
        lw      a3, D_INO(s5)
        call    problem
        j       4f
3:      la      a0, m_name
        mv      a1, s1
        mv      a2, s3
        call    problem
4:      addi    s3, s3, 1
        j       1b
5:      beq     s4, s6, 9f
        la      a0, m_count
        mv      a1, s1
        mv      a2, s6
        mv      a3, s4
        call    problem
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        leave   48

        .rodata
kind_name:  .asciz "log"
m_prefix:   .asciz "fs_check: "
m_twice:    .asciz "block %d referenced again (inode %d)\n"
m_range:    .asciz "block %d outside the log (inode %d)\n"
m_unread:   .asciz "block %d cannot be read (inode %d)\n"
m_summary:  .asciz "block %d: its segment summary does not name inode %d\n"
m_noroot:   .asciz "no root directory\n"
m_type:     .asciz "inode %d has type %d\n"
m_size:     .asciz "inode %d has size %u\n"
m_beyond:   .asciz "inode %d: block %d beyond its size %d\n"
m_nblocks:  .asciz "inode %d counts %d blocks, has %d\n"
m_links:    .asciz "inode %d is named by %d directory entries\n"
m_usage:    .asciz "segment %d: %d live blocks recorded, %d found\n"
m_total:    .asciz "%d live blocks recorded, %d found\n"
m_dangling: .asciz "directory %d: entry %s names free inode %d\n"
m_name:     .asciz "directory %d: slot %d has no valid name\n"
m_count:    .asciz "directory %d counts %d entries, has %d\n"

        .bss
        .align  2
.ifdef FS_SHARED
ss_va:      .space 4                # the lock's state page 0 (SS_SEQ)
.endif
mounted:    .space 4
rootblk:    .space 16               # the root block, its capability (lo, hi): a table entry
root_va:    .space 4                # the root block's page
cap_va:     .space 4                # the capability table (MAXCAP + 1 pages: format lists more)
cache_va:   .space 4                # a page per file-system block
nblk:       .space 4
nseg:       .space 4
ncap:       .space 4
open_seg:   .space 4
seg_used:   .space 4                # slots taken in the open segment (the summary is slot 0)
seg_sealed: .space 4                # slots below this are written
seg_opened: .space 4                # a segment was opened since maybe_clean last counted
imap_addr:  .space 4
imap_dirty: .space 4
fs_dirty:   .space 4                # something changed since the last checkpoint
live_total: .space 4
live_limit: .space 4
cp_seq:     .space 4
cp_slot:    .space 4                # where the next checkpoint goes: 0 CP0, 1 CP1
cleaning:   .space 4
        .globl  cleaned
cleaned:    .space 4                # segments cleaned since start (the tests read it)
found_slot: .space 4
has_name:   .space 4
walk_watch: .space 4
walk_hit:   .space 4
problems:   .space 4
ck_blocks:  .space 4
live:       .space 4 * MAXSEG       # live blocks per segment now
ckpt_live:  .space 4 * MAXSEG       # ... as the durable checkpoint has them
counted:    .space 4 * MAXSEG       # fs_check's count
imap:       .space 4 * MAXINO       # inode -> its block, 0 free
pf_list:    .space 4 * 32
cl_sum:     .space 8 * SEG
files:      .space F_BYTES * FS_OPEN_MAX
namebuf:    .space 32
loaded:     .space MAXBLK           # 1: the block's cache page holds it
refs:       .space MAXBLK
links:      .space MAXINO
