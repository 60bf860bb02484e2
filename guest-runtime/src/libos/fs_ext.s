# fs_ext.s: the inode-and-extent file system, fs.inc's API on the disk's blocks (docs/libos.md,
# "Files" and "fs_ext"). Layout, all little-endian words:
#
#   root block   the superblock: magic "EXT1", version, N (blocks the file system covers:
#                0..N-1), K, B, I, J (blocks of the capability table, free map, inode table
#                and journal), inodes, then 12-byte entries (block, read-write capability) of
#                the file system's own blocks: K capability-table blocks, B free-map blocks,
#                I inode-table blocks, the journal header, J journal blocks. Written once.
#   cap table    8 bytes a block 0..N-1: the read-write capability of each block the file
#                system holds (0: not ours). Format takes every free block below NMAX with
#                blk_alloc, so ownership never changes afterwards and the table is read-only.
#   free map     a bit a block, 1 = in use (or not ours, or past N).
#   inodes       128 bytes: type, size (bytes), extents in use, indirect block, entries (a
#                directory's live entries), data blocks, then NDIRECT extents (logical block,
#                physical block, length); an indirect block holds NINDIRECT more. Inode 1 is
#                the root directory; 0 is never used.
#   directories  files of 32-byte entries: inode number (0: empty), name (NUL-terminated).
#   journal      a header (magic "JRN1", sequence, count, then per block: its home block and
#                checksum) and J blocks holding copies of metadata blocks.
#
# Caching: every block goes through bcache.s; metadata (free map, inodes, directories, indirect
# blocks) is dirtied as BC_META and reaches its home only through the journal. fs_sync commits:
# data and journal copies written and flushed, then the header (flushed), then the metadata in
# place (flushed). A mount replays a header whose blocks all match their checksums, so a host
# killed at any moment leaves the state of the last completed commit (data overwritten in place
# since may be partly new). Blocks freed since the last commit are not reused before the next,
# so a block the durable state still names never receives another file's data.
#
# Shared (fs_ext_shared.s assembles this file with FS_SHARED defined; docs/libos.md, "Sharing
# a file system"): the blocks are cached by a buffer-cache server (bcache_shared.s over
# bcserv.s), so every environment that mounts the file system through that server reads and
# writes the same pages; what a call changes, the next call of any of them sees. Each call of
# the API holds the file system's lock (the server's, named by the root block) from its start
# to its end, so calls of different environments never interleave, and keeps nothing of the
# file system's between calls but what never changes after format (the superblock, the
# capability table) and its own open files: inodes, directories and the free map are read
# from the shared pages each time, the dirty state that a commit journals is the server's, so
# one environment's commit carries every environment's changes, and the map of blocks freed
# since the last commit is in the lock's two state pages (the server's, not a block's). Only the first
# mount through a server replays the journal: later ones find the homes newer than it.
#
# One file, larger than the library's others, because its parts (blocks, the free map, extents,
# inode I/O, directories and paths, mount and commit, open files, the check) share private
# state and helpers that no other member may call; the sections below follow that order.
        .include "libos.inc"
        .include "fs.inc"
        .include "fs_api.inc"
        .include "bcache.inc"
        .extern bc_init, bc_get, bc_zero, bc_dirty, bc_writeback, bc_next, bc_count, bc_flush
        .extern disk_read, disk_write, disk_submit, disk_wait_all, vm_alloc
        .extern memcpy, memset, strcmp, strlen, printf, exit_hook, heap_brk, vm_brk
        .globl  fs_mount, fs_open, fs_close, fs_read, fs_write, fs_seek, fs_mkdir, fs_readdir
        .globl  fs_unlink, fs_rename, fs_stat, fs_fsync, fs_sync, fs_check, fs_kind, fs_df
.ifdef FS_SHARED
        .extern bc_lock, bc_unlock, bc_root, bc_exit, bc_state
.endif

.equ SB_MAGIC, 0x31545845       # "EXT1"
.equ SB_VERSION, 1
.equ S_MAGIC, 0
.equ S_VERSION, 4
.equ S_N, 8
.equ S_K, 12
.equ S_B, 16
.equ S_I, 20
.equ S_J, 24
.equ S_INODES, 28
.equ S_ENT, 64                  # 12 bytes an entry: block, capability low, capability high
.equ NMAX, 65536                # blocks the file system covers at most (256 MiB)
.equ IBLOCKS, 32
.equ INODES, 1024               # IBLOCKS * 32
.equ JBLOCKS, 64
.equ JCOMMIT, 24                # metadata blocks dirty that make the next call commit first
.equ ROOT_INO, 1
.equ I_TYPE, 0
.equ I_SIZE, 4
.equ I_NEXT, 8
.equ I_IND, 12
.equ I_ENTRIES, 16
.equ I_BLOCKS, 20
.equ I_EXT, 32
.equ INODE_SHIFT, 7             # 128 bytes an inode
.equ X_LOG, 0
.equ X_PHYS, 4
.equ X_LEN, 8
.equ EXT_SIZE, 12
.equ NDIRECT, 8
.equ NINDIRECT, 341
.equ NEXT_MAX, NDIRECT + NINDIRECT
.equ DE_INO, 0
.equ DE_NAME, 4
.equ DE_SHIFT, 5                # 32 bytes an entry, 128 a block
.equ J_MAGIC, 0x314e524a        # "JRN1"
.equ J_SEQ, 4
.equ J_N, 8
.equ J_ENT, 16                  # 8 bytes an entry: home block, checksum
.equ F_INO, 0                   # an open file: inode (-1: unlinked since), offset, flags, in use
.equ F_OFF, 4
.equ F_FLAGS, 8
.equ F_USED, 12
.equ GROUP, 16                  # a new extent starts on a wholly free group of 16 blocks if it can

# fn_enter / fn_leave: a frame saving s1..s7 at 0..24(sp); 28..36(sp) are the function's own.
.macro fn_enter
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sw      s6, 20(sp)
        sw      s7, 24(sp)
.endm

.macro fn_leave
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        lw      s7, 24(sp)
        leave   48
.endm


# need_mount: FS_ENODEV from the calling function (through its 9f exit) unless mounted.
.macro need_mount
        lwg     t0, mounted
        li      a0, FS_ENODEV
        beqz    t0, 9f
.endm

        .text
# ---- blocks ---------------------------------------------------------------------------------------
# blk_get(block) / blk_zero(block) -> va, or FS_EIO (outside the file system, not ours, or the
# disk refused it: a damaged capability is an I/O error, never another block's contents).
blk_get:
        li      a3, 1
        j       blk_fetch
blk_zero:
        li      a3, 0
blk_fetch:
        enter   16
        lwg     t0, nblocks
        bgeu    a0, t0, 8f
        lwg     t1, caps_va
        slli    t2, a0, 3
        add     t1, t1, t2
        lw      a1, 0(t1)
        lw      a2, 4(t1)
        or      t0, a1, a2
        beqz    t0, 8f
        beqz    a3, 1f
        call    bc_get
        j       2f
1:      call    bc_zero
2:      bgez    a0, 9f
8:      li      a0, FS_EIO
9:      leave   16

# meta_block(entry) -> a0 = the block of the superblock's entry.
meta_block:
        li      t0, 12
        mul     t0, a0, t0
        lwg     t1, sb_va
        add     t1, t1, t0
        lw      a0, S_ENT(t1)
        ret

# ino_get(ino) -> a0 = the inode's record in its cached block, or FS_EIO.
ino_get:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        srli    a0, a0, 12 - INODE_SHIFT
        lwg     t0, sb_k
        add     a0, a0, t0
        lwg     t0, sb_b
        add     a0, a0, t0
        call    meta_block
        call    blk_get
        bltz    a0, 9f
        andi    t0, s1, (1 << (12 - INODE_SHIFT)) - 1
        slli    t0, t0, INODE_SHIFT
        add     a0, a0, t0
9:      lw      s1, 0(sp)
        leave   16

# dirty_meta(va): the block cached at va's page is metadata changed by the running call.
dirty_meta:
        li      a1, BC_META
        j       bc_dirty

# ---- the free map -------------------------------------------------------------------------------
# bm_byte(block) -> a0 = the address of the free-map byte holding block's bit, or FS_EIO.
bm_byte:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        srli    a0, a0, 15
        lwg     t0, sb_k
        add     a0, a0, t0
        call    meta_block
        call    blk_get
        bltz    a0, 9f
        srli    t0, s1, 3
        andi    t0, t0, 4095
        add     a0, a0, t0
9:      lw      s1, 0(sp)
        leave   16

# bm_set(block) / bm_clear(block) -> 0 or FS_EIO. A cleared block is busy until the next commit.
bm_set:
        li      a1, 1
        j       bm_mark
bm_clear:
        li      a1, 0
bm_mark:
        enter   16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      s1, a0
        mv      s2, a1
        call    bm_byte
        bltz    a0, 9f
        andi    t0, s1, 7
        li      t1, 1
        sll     t1, t1, t0
        lbu     t2, 0(a0)
        or      t2, t2, t1
        bnez    s2, 1f
        xor     t2, t2, t1
        srli    t3, s1, 3               # busy until the next commit
        lwg     t4, busy_va
        add     t3, t3, t4
        lbu     t4, 0(t3)
        or      t4, t4, t1
        sb      t4, 0(t3)
1:      sb      t2, 0(a0)
        call    dirty_meta
        li      a0, 0
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   16

# bm_free(block) -> 1 if the block is free to allocate (its bit clear, not busy), 0 if not,
# or FS_EIO.
bm_free:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        lwg     t0, nblocks
        li      a0, 0
        bgeu    s1, t0, 9f
        mv      a0, s1
        call    bm_byte
        bltz    a0, 9f
        lbu     t2, 0(a0)
        srli    t3, s1, 3
        lwg     t4, busy_va
        add     t3, t3, t4
        lbu     t3, 0(t3)
        or      t2, t2, t3
        andi    t0, s1, 7
        srl     t2, t2, t0
        andi    t2, t2, 1
        xori    a0, t2, 1
9:      lw      s1, 0(sp)
        leave   16

# balloc() -> a new block (marked in use), FS_ENOSPC or FS_EIO: the first wholly free aligned
# group of GROUP blocks, else the first free block. s1 = the free-map block, s2 = its page,
# s3 = the byte, s4 = pass (0 groups, 1 any).
balloc:
        fn_enter
        li      s4, 0
1:      li      s1, 0
2:      lwg     t0, sb_b
        bge     s1, t0, 7f
        lwg     a0, sb_k
        add     a0, a0, s1
        call    meta_block
        call    blk_get
        bltz    a0, 9f
        mv      s2, a0
        li      s3, 0
3:      li      t0, 4096
        bge     s3, t0, 6f
        add     t1, s2, s3
        slli    t2, s1, 12
        add     t2, t2, s3
        lwg     t3, busy_va
        add     t3, t3, t2
        bnez    s4, 4f
        lhu     t4, 0(t1)
        lhu     t5, 0(t3)
        or      t4, t4, t5
        bnez    t4, 5f
        slli    a0, t2, 3               # a free group: its first block
        j       8f
4:      lbu     t4, 0(t1)
        lbu     t5, 0(t3)
        or      t4, t4, t5
        li      t5, 0xff
        beq     t4, t5, 41f
        slli    a0, t2, 3
42:     andi    t5, t4, 1
        beqz    t5, 8f
        srli    t4, t4, 1
        addi    a0, a0, 1
        j       42b
41:     addi    s3, s3, 1
        j       3b
5:      addi    s3, s3, 2
        j       3b
6:      addi    s1, s1, 1
        j       2b
7:      li      a0, FS_ENOSPC
        bnez    s4, 9f
        li      s4, 1
        j       1b
8:      mv      s5, a0
        call    bm_set
        bltz    a0, 9f
        mv      a0, s5
9:      fn_leave

# ---- extents ----------------------------------------------------------------------------------------
# ext_get(ino, k) -> a0 = the address of the inode's extent k (in the inode, or in its indirect
# block), or FS_EIO.
ext_get:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a1
        call    ino_get
        bltz    a0, 9f
        li      t0, NDIRECT
        bge     s1, t0, 1f
        li      t0, EXT_SIZE
        mul     t0, s1, t0
        add     a0, a0, t0
        addi    a0, a0, I_EXT
        j       9f
1:      lw      a0, I_IND(a0)
        call    blk_get
        bltz    a0, 9f
        addi    t0, s1, -NDIRECT
        li      t1, EXT_SIZE
        mul     t0, t0, t1
        add     a0, a0, t0
9:      lw      s1, 0(sp)
        leave   16

# bmap(ino, lblock, alloc) -> a0 = the physical block holding the file's block lblock, 0 for a
# hole (alloc = 0), or an error; a1 = 1 if it was allocated by this call (contents undefined).
# An allocation extends the extent ending just before lblock when the next block is free, else
# starts a new extent (FS_EFBIG when the file has NEXT_MAX already).
# s1 = ino, s2 = lblock, s3 = alloc, s4 = k, s5 = extents, s6 = the extent that could grow.
bmap:
        fn_enter
        mv      s1, a0
        mv      s2, a1
        mv      s3, a2
        call    ino_get
        bltz    a0, 9f
        lw      s5, I_NEXT(a0)
        li      s4, 0
        li      s6, -1
1:      bge     s4, s5, 4f
        mv      a0, s1
        mv      a1, s4
        call    ext_get
        bltz    a0, 9f
        lw      t0, X_LOG(a0)
        lw      t1, X_LEN(a0)
        sub     t2, s2, t0              # the offset into the extent
        bltu    t2, t1, 2f
        bne     t2, t1, 3f
        mv      s6, s4                  # it ends just before lblock
        j       3f
2:      lw      a0, X_PHYS(a0)
        add     a0, a0, t2
        li      a1, 0
        j       9f
3:      addi    s4, s4, 1
        j       1b
4:      li      a0, 0
        li      a1, 0
        beqz    s3, 9f
        bltz    s6, 5f
        mv      a0, s1
        mv      a1, s6
        call    ext_get
        bltz    a0, 9f
        lw      t0, X_PHYS(a0)
        lw      t1, X_LEN(a0)
        add     s7, t0, t1              # s7 = the block after the extent
        mv      a0, s7
        call    bm_free
        bltz    a0, 9f
        beqz    a0, 5f
        mv      a0, s7
        call    bm_set
        bltz    a0, 9f
        mv      a0, s1
        mv      a1, s6
        call    ext_get
        bltz    a0, 9f
        lw      t1, X_LEN(a0)
        addi    t1, t1, 1
        sw      t1, X_LEN(a0)
        call    dirty_meta
        j       8f
5:      li      t0, NEXT_MAX            # a new extent
        li      a0, FS_EFBIG
        bge     s5, t0, 9f
        li      t0, NDIRECT
        bne     s5, t0, 6f
        call    balloc                  # the first extent past the inode: the indirect block
        bltz    a0, 9f
        mv      s7, a0
        call    blk_zero
        bltz    a0, 9f
        call    dirty_meta
        mv      a0, s1
        call    ino_get
        bltz    a0, 9f
        sw      s7, I_IND(a0)
        call    dirty_meta
6:      call    balloc
        bltz    a0, 9f
        mv      s7, a0
        mv      a0, s1
        mv      a1, s5
        call    ext_get
        bltz    a0, 9f
        sw      s2, X_LOG(a0)
        sw      s7, X_PHYS(a0)
        li      t0, 1
        sw      t0, X_LEN(a0)
        call    dirty_meta
        mv      a0, s1
        call    ino_get
        bltz    a0, 9f
        addi    t0, s5, 1
        sw      t0, I_NEXT(a0)
        call    dirty_meta
8:      mv      a0, s1                  # s7 = the new block
        call    ino_get
        bltz    a0, 9f
        lw      t0, I_BLOCKS(a0)
        addi    t0, t0, 1
        sw      t0, I_BLOCKS(a0)
        call    dirty_meta
        mv      a0, s7
        li      a1, 1
9:      fn_leave

# ino_truncate(ino) -> 0 or FS_EIO: frees every block of the file; its size is 0.
# s1 = ino, s2 = k, s3 = extents, s4 = block, s5 = past the extent.
ino_truncate:
        fn_enter
        mv      s1, a0
        call    ino_get
        bltz    a0, 9f
        lw      s3, I_NEXT(a0)
        li      s2, 0
1:      bge     s2, s3, 4f
        mv      a0, s1
        mv      a1, s2
        call    ext_get
        bltz    a0, 9f
        lw      s4, X_PHYS(a0)
        lw      t0, X_LEN(a0)
        add     s5, s4, t0
2:      bgeu    s4, s5, 3f
        mv      a0, s4
        call    bm_clear
        bltz    a0, 9f
        addi    s4, s4, 1
        j       2b
3:      addi    s2, s2, 1
        j       1b
4:      mv      a0, s1
        call    ino_get
        bltz    a0, 9f
        lw      t0, I_IND(a0)
        beqz    t0, 5f
        mv      a0, t0
        call    bm_clear
        bltz    a0, 9f
5:      mv      a0, s1
        call    ino_get
        bltz    a0, 9f
        sw      zero, I_SIZE(a0)
        sw      zero, I_NEXT(a0)
        sw      zero, I_IND(a0)
        sw      zero, I_BLOCKS(a0)
        call    dirty_meta
        li      a0, 0
9:      fn_leave

# ialloc(type) -> a new inode of that type, empty, or FS_ENOSPC / FS_EIO.
ialloc:
        fn_enter
        mv      s1, a0
        li      s2, ROOT_INO + 1
1:      li      t0, INODES
        li      a0, FS_ENOSPC
        bge     s2, t0, 9f
        mv      a0, s2
        call    ino_get
        bltz    a0, 9f
        lw      t0, I_TYPE(a0)
        beqz    t0, 2f
        addi    s2, s2, 1
        j       1b
2:      mv      s3, a0
        li      a1, 0
        li      a2, 1 << INODE_SHIFT
        call    memset
        sw      s1, I_TYPE(s3)
        mv      a0, s3
        call    dirty_meta
        mv      a0, s2
9:      fn_leave

# ---- reading and writing an inode's bytes ---------------------------------------------------------
# ino_rw(ino, off, buf, len, write) -> bytes moved, or an error. A read stops at the size and
# reads holes as zeros; a write extends the size as it goes (a failed write keeps what it
# wrote before the failure, within the new size). s1 = ino, s2 = off, s3 = buf, s4 = left,
# s5 = write, s6 = done, s7 = this chunk; 28(sp) = the dirty class.
ino_rw:
        fn_enter
        mv      s1, a0
        mv      s2, a1
        mv      s3, a2
        mv      s4, a3
        mv      s5, a4
        li      s6, 0
        call    ino_get
        bltz    a0, 9f
        lw      t1, I_TYPE(a0)
        li      t0, BC_DATA
        li      t2, FS_T_DIR
        bne     t1, t2, 1f
        li      t0, BC_META
1:      sw      t0, 28(sp)
        lw      t0, I_SIZE(a0)
        bnez    s5, 2f
        sub     t1, t0, s2              # a read: at most to the size
        li      a0, 0
        blez    t1, 9f
        bleu    s4, t1, 3f
        mv      s4, t1
        j       3f
2:      li      t0, FS_FILE_MAX
        li      a0, FS_EFBIG
        bgtu    s2, t0, 9f
        sub     t0, t0, s2
        bgtu    s4, t0, 9f
3:      blez    s4, 8f
        andi    t0, s2, 4095
        li      s7, 4096
        sub     s7, s7, t0
        bleu    s7, s4, 4f
        mv      s7, s4
4:      mv      a0, s1
        srli    a1, s2, 12
        mv      a2, s5
        call    bmap
        bltz    a0, 9f
        bnez    s5, 6f
        bnez    a0, 5f
        mv      a0, s3                  # a hole
        li      a1, 0
        mv      a2, s7
        call    memset
        j       7f
5:      call    blk_get
        bltz    a0, 9f
        andi    t0, s2, 4095
        add     a1, a0, t0
        mv      a0, s3
        mv      a2, s7
        call    memcpy
        j       7f
6:      beqz    a1, 61f
        call    blk_zero                # a new block: nothing to read
        j       62f
61:     call    blk_get
62:     bltz    a0, 9f
        mv      t3, a0
        andi    t0, s2, 4095
        add     a0, a0, t0
        mv      a1, s3
        mv      a2, s7
        sw      t3, 32(sp)
        call    memcpy
        lw      a0, 32(sp)
        lw      a1, 28(sp)
        call    bc_dirty
        mv      a0, s1
        call    ino_get
        bltz    a0, 9f
        add     t0, s2, s7
        lw      t1, I_SIZE(a0)
        bleu    t0, t1, 7f
        sw      t0, I_SIZE(a0)
        call    dirty_meta
7:      add     s2, s2, s7
        add     s3, s3, s7
        sub     s4, s4, s7
        add     s6, s6, s7
        j       3b
8:      mv      a0, s6
9:      fn_leave

# ---- directories -------------------------------------------------------------------------------------
# dir_entry(dino, index) -> a0 = the address of the directory's entry (cached), or FS_EIO.
dir_entry:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a1
        srli    a1, a1, 12 - DE_SHIFT
        li      a2, 0
        call    bmap
        bltz    a0, 9f
        li      t0, FS_EIO
        beqz    a0, 8f                  # a directory has no holes
        call    blk_get
        bltz    a0, 9f
        andi    t0, s1, (1 << (12 - DE_SHIFT)) - 1
        slli    t0, t0, DE_SHIFT
        add     a0, a0, t0
        j       9f
8:      mv      a0, t0
9:      lw      s1, 0(sp)
        leave   16

# dir_find(dino, name) -> the inode named, FS_ENOENT, or FS_EIO; wslot = its index, or the first
# empty one (or the end) when not found. s1 = dino, s2 = name, s3 = index, s4 = entries,
# s5 = the first empty index.
dir_find:
        fn_enter
        mv      s1, a0
        mv      s2, a1
        call    ino_get
        bltz    a0, 9f
        lw      s4, I_SIZE(a0)
        srli    s4, s4, DE_SHIFT
        li      s3, 0
        li      s5, -1
1:      bge     s3, s4, 4f
        mv      a0, s1
        mv      a1, s3
        call    dir_entry
        bltz    a0, 9f
        lw      s6, DE_INO(a0)
        bnez    s6, 2f
        bgez    s5, 3f
        mv      s5, s3
        j       3f
2:      addi    a0, a0, DE_NAME
        mv      a1, s2
        call    strcmp
        bnez    a0, 3f
        swg     s3, wslot, t0
        mv      a0, s6
        j       9f
3:      addi    s3, s3, 1
        j       1b
4:      bgez    s5, 5f
        mv      s5, s4
5:      swg     s5, wslot, t0
        li      a0, FS_ENOENT
9:      fn_leave

# dir_add(dino, name, ino) -> 0 or an error: a new entry in the slot dir_find left in wslot
# (call dir_find just before). s1 = dino, s2 = ino.
dir_add:
        fn_enter
        mv      s1, a0
        mv      s2, a2
        la      s3, entbuf
        mv      a0, s3
        li      a1, 0
        li      a2, 1 << DE_SHIFT
        call    memset
        sw      s2, DE_INO(s3)
        addi    a0, s3, DE_NAME
        la      a1, wname
        li      a2, FS_NAME_MAX + 1
        call    memcpy
        lwg     a1, wslot
        slli    a1, a1, DE_SHIFT
        mv      a0, s1
        mv      a2, s3
        li      a3, 1 << DE_SHIFT
        li      a4, 1
        call    ino_rw
        bltz    a0, 9f
        mv      a0, s1
        li      a1, 1
        call    dir_count
9:      fn_leave

# dir_count(dino, delta) -> 0 or FS_EIO: the directory's live-entry count moves by delta.
dir_count:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a1
        call    ino_get
        bltz    a0, 9f
        lw      t0, I_ENTRIES(a0)
        add     t0, t0, s1
        sw      t0, I_ENTRIES(a0)
        call    dirty_meta
        li      a0, 0
9:      lw      s1, 0(sp)
        leave   16

# dir_remove(dino, index) -> 0 or FS_EIO: the entry is empty again.
dir_remove:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        call    dir_entry
        bltz    a0, 9f
        sw      zero, DE_INO(a0)
        sw      zero, DE_NAME(a0)
        call    dirty_meta
        mv      a0, s1
        li      a1, -1
        call    dir_count
9:      lw      s1, 0(sp)
        leave   16

# walk(path) -> a0 = the inode of the directory that holds the path's last component, which is
# left in wname ("" for the root itself), or an error. walk_hit = 1 if a directory walked
# through (or the parent) is walk_avoid. s1 = the path, s2 = the directory, s3 = the length.
walk:
        fn_enter
        mv      s1, a0
        li      s2, ROOT_INO
        lwg     t2, walk_avoid
        xori    t1, t2, ROOT_INO
        seqz    t0, t1
        swg     t0, walk_hit, t1
        mv      a0, s1
        li      a1, 1
        call    user_ok
        bltz    a0, 9f
1:      lbu     t0, 0(s1)               # skip slashes
        li      t1, '/'
        bne     t0, t1, 2f
        addi    s1, s1, 1
        j       1b
2:      la      t2, wname               # the component into wname
        li      s3, 0
3:      lbu     t0, 0(s1)
        beqz    t0, 4f
        li      t1, '/'
        beq     t0, t1, 4f
        li      t1, FS_NAME_MAX
        li      a0, FS_ENAMETOOLONG
        bge     s3, t1, 9f
        add     t1, t2, s3
        sb      t0, 0(t1)
        addi    s3, s3, 1
        addi    s1, s1, 1
        j       3b
4:      add     t1, t2, s3
        sb      zero, 0(t1)
        mv      a0, s2
        beqz    s3, 9f                  # no component: the root itself (only at the start)
        la      a0, wname               # "." and ".." are not interpreted
        la      a1, s_dot
        call    strcmp
        li      t0, FS_EINVAL
        beqz    a0, 8f
        la      a0, wname
        la      a1, s_dotdot
        call    strcmp
        li      t0, FS_EINVAL
        beqz    a0, 8f
5:      lbu     t0, 0(s1)               # the last component?
        li      t1, '/'
        bne     t0, t1, 6f
        addi    s1, s1, 1
        j       5b
6:      mv      a0, s2
        beqz    t0, 9f
        mv      a0, s2                  # no: go down into it
        la      a1, wname
        call    dir_find
        bltz    a0, 9f
        mv      s2, a0
        call    ino_get
        bltz    a0, 9f
        lw      t0, I_TYPE(a0)
        li      t1, FS_T_DIR
        li      a0, FS_ENOTDIR
        bne     t0, t1, 9f
        lwg     t0, walk_avoid
        bne     t0, s2, 2b
        li      t0, 1
        swg     t0, walk_hit, t1
        j       2b
8:      mv      a0, t0
9:      fn_leave

# lookup(path) -> a0 = the inode the path names, or an error; a1 = the directory holding it
# (0 for the root, or when the error is on the way there), wslot = its entry's index there
# (or, FS_ENOENT with a1 != 0, where an entry of that name would go).
lookup:
        enter   16
        sw      s1, 0(sp)
        call    walk
        li      a1, 0
        bltz    a0, 9f
        mv      s1, a0
        la      t0, wname
        lbu     t0, 0(t0)
        li      a1, 0
        li      a0, ROOT_INO
        beqz    t0, 9f
        mv      a0, s1
        la      a1, wname
        call    dir_find
        mv      a1, s1
9:      lw      s1, 0(sp)
        leave   16

# user_ok(ptr, len) -> 0, or FS_EFAULT if [ptr, ptr+len) is not all in one of the program's
# regions: its segments (0x10000 up to the heap), the heap, the vm_alloc regions, the main
# stack. (Inside the segments' range an address past the program's last segment still
# faults: the library does not know where the loader stopped.)
user_ok:
        add     t0, a0, a1              # t0 = the end
        bltu    t0, a0, 8f
        li      t1, 0x10000
        bltu    a0, t1, 8f
        li      t1, HEAP_BASE
        bleu    t0, t1, 7f
        bltu    a0, t1, 8f
        lwg     t2, heap_brk
        bleu    t0, t2, 7f
        li      t1, VM_BASE
        bltu    a0, t1, 8f
        lwg     t2, vm_brk
        bleu    t0, t2, 7f
        li      t1, STACK_TOP - 0x10000
        bltu    a0, t1, 8f
        li      t1, STACK_TOP
        bltu    t1, t0, 8f
7:      li      a0, 0
        ret
8:      li      a0, FS_EFAULT
        ret

# ---- mounting, formatting, committing ----------------------------------------------------------------
        api     fs_mount, x_mount
        fn_enter
        lwg     t0, mounted
        li      a0, 0
        bnez    t0, 9f
.ifdef FS_SHARED
        call    bc_root                 # the root block the file system was shared under
.else
        sys_blk_root
.endif
        li      t0, E_NODEV
        beq     a0, t0, 7f
        bltz    a0, 8f
        la      t0, rootblk
        sw      a0, 0(t0)
        sw      a1, 4(t0)
        sw      a2, 8(t0)
        call    bc_init
        bltz    a0, 8f
        lwg     t0, sb_va
        bnez    t0, 1f                  # reserved by an earlier attempt
        li      a0, 2
        call    vm_alloc
        bltz    a0, 8f
        swg     a0, sb_va, t0
        addi    a0, a0, PAGE_SIZE
        swg     a0, jh_va, t0
        li      a0, NMAX * 8 / PAGE_SIZE
        call    vm_alloc
        bltz    a0, 8f
        swg     a0, caps_va, t0
.ifdef FS_SHARED
        li      a0, 1                   # the busy map is every environment's: the lock's two
        call    bc_state                # state pages (a block one frees, none reuses before
        bltz    a0, 8f                  # the next commit, whoever makes it)
        li      a0, 0
        call    bc_state
        bltz    a0, 8f
.else
        li      a0, NMAX / 8 / PAGE_SIZE
        call    vm_alloc
        bltz    a0, 8f
.endif
        swg     a0, busy_va, t0
        li      a0, CHK_PAGES
        call    vm_alloc
        bltz    a0, 8f
        swg     a0, chk_va, t0
1:      la      t0, rootblk
        lw      a0, 0(t0)
        lw      a1, 4(t0)
        lw      a2, 8(t0)
        lwg     a3, sb_va
        call    disk_read
        bnez    a0, 8f
        lwg     s1, sb_va
        lw      t0, S_MAGIC(s1)
        li      t1, SB_MAGIC
        beq     t0, t1, 3f
        bnez    t0, 6f
        mv      t0, s1                  # a zero magic: formatted only if the whole block is zero
        li      t1, PAGE_SIZE
        add     t1, t1, s1
2:      bgeu    t0, t1, 21f
        lw      t2, 0(t0)
        bnez    t2, 6f
        addi    t0, t0, 4
        j       2b
21:     call    format
        bltz    a0, 9f
        j       5f
3:      lw      t0, S_VERSION(s1)       # ours: does it describe a layout this code writes?
        li      t1, SB_VERSION
        bne     t0, t1, 8f
        lw      s2, S_N(s1)
        blez    s2, 8f
        li      t0, NMAX
        bgt     s2, t0, 8f
        mv      a0, s2
        call    layout
        lw      t0, S_K(s1)
        bne     t0, a0, 8f
        lw      t0, S_B(s1)
        bne     t0, a1, 8f
        lw      t0, S_I(s1)
        li      t1, IBLOCKS
        bne     t0, t1, 8f
        lw      t0, S_J(s1)
        li      t1, JBLOCKS
        bne     t0, t1, 8f
        lw      t0, S_INODES(s1)
        li      t1, INODES
        bne     t0, t1, 8f
        mv      s3, a2                  # every entry names a block the file system covers
        addi    t0, s1, S_ENT
4:      blez    s3, 41f
        lw      t1, 0(t0)
        bgeu    t1, s2, 8f
        addi    t0, t0, 12
        addi    s3, s3, -1
        j       4b
41:     swg     s2, nblocks, t0
        lw      t0, S_K(s1)
        swg     t0, sb_k, t1
        lw      t0, S_B(s1)
        swg     t0, sb_b, t1
        li      a0, 0
        call    caps_io
        bltz    a0, 9f
.ifdef FS_SHARED
        lwg     t0, lock_live           # mounted through this server before: the shared
        bnez    t0, 5f                  # pages hold newer homes than any journal
.endif
        call    replay
        bltz    a0, 9f
5:      li      t0, 1
        swg     t0, mounted, t1
.ifdef FS_SHARED
        la      t0, shared_exit         # exit() makes the program's files durable (and stops
.else                                   # a server fs_mount started: bcache_shared.s)
        la      t0, fs_sync             # exit() makes the program's files durable
.endif
        swg     t0, exit_hook, t1
        li      a0, 0
        j       9f
6:      li      a0, FS_EFOREIGN
        j       9f
7:      li      a0, FS_ENODEV
        j       9f
8:      li      a0, FS_EIO
9:      fn_leave

# layout(n) -> a0 = K, a1 = B, a2 = superblock entries, for a file system of n blocks.
layout:
        addi    a0, a0, 511
        srli    t0, a0, 9
        li      t1, 32767 - 511
        add     a1, a0, t1
        srli    a1, a1, 15
        mv      a0, t0
        add     a2, a0, a1
        addi    a2, a2, IBLOCKS + 1 + JBLOCKS
        ret

# format() -> 0 or an error: takes every free block below NMAX, lays the file system out on
# them, writes its metadata and flushes, and only then writes the superblock and flushes again
# (a host killed before leaves a zero root block: the next mount formats again, and the blocks
# taken the first time are lost to it). s1 = blocks taken, s2 = N, s3 = the superblock,
# s4/s6/s7 = loop variables, s5 = entries.
format:
        fn_enter
        lwg     s3, sb_va
        li      s1, 0
        li      s2, 0
1:      li      a0, -1
        sys_blk_alloc
        li      t0, E_NOSPC
        beq     a0, t0, 3f
        bltz    a0, 8f
        li      t0, NMAX
        bgeu    a0, t0, 2f
        lwg     t1, caps_va
        slli    t2, a0, 3
        add     t1, t1, t2
        sw      a1, 0(t1)
        sw      a2, 4(t1)
        addi    s2, a0, 1
        addi    s1, s1, 1
        j       1b
2:      sys_blk_free                    # past NMAX: not ours to cover
3:      mv      a0, s2
        call    layout
        mv      s5, a2
        li      t0, SB_MAGIC
        sw      t0, S_MAGIC(s3)
        li      t0, SB_VERSION
        sw      t0, S_VERSION(s3)
        sw      s2, S_N(s3)
        sw      a0, S_K(s3)
        sw      a1, S_B(s3)
        li      t0, IBLOCKS
        sw      t0, S_I(s3)
        li      t0, JBLOCKS
        sw      t0, S_J(s3)
        li      t0, INODES
        sw      t0, S_INODES(s3)
        swg     s2, nblocks, t0
        swg     a0, sb_k, t0
        swg     a1, sb_b, t0
        li      a0, FS_ENOSPC
        ble     s1, s5, 9f
        li      s4, 0                   # the entries: our first blocks, in order
        li      s6, 0
4:      bge     s4, s5, 5f
        lwg     t1, caps_va
        slli    t2, s6, 3
        add     t1, t1, t2
        lw      t2, 0(t1)
        lw      t3, 4(t1)
        or      t4, t2, t3
        addi    s6, s6, 1
        beqz    t4, 4b
        li      t0, 12
        mul     t0, s4, t0
        add     t0, t0, s3
        addi    t5, s6, -1
        sw      t5, S_ENT(t0)
        sw      t2, S_ENT+4(t0)
        sw      t3, S_ENT+8(t0)
        addi    s4, s4, 1
        j       4b
5:      li      s4, 0                   # the free map: blocks not ours, and past N, in use
51:     lwg     t0, sb_b
        bge     s4, t0, 55f
        lwg     a0, sb_k
        add     a0, a0, s4
        call    meta_block
        call    blk_zero
        bltz    a0, 9f
        mv      s6, a0
        call    dirty_meta
        slli    s7, s4, 15
        li      t5, 32768
        add     t5, t5, s7
        lwg     t6, caps_va
        lwg     t7, nblocks
52:     bgeu    s7, t5, 54f
        bgeu    s7, t7, 53f
        slli    t0, s7, 3
        add     t0, t0, t6
        lw      t1, 0(t0)
        lw      t2, 4(t0)
        or      t1, t1, t2
        bnez    t1, 531f
53:     srli    t0, s7, 3
        andi    t0, t0, 4095
        add     t0, t0, s6
        lbu     t1, 0(t0)
        andi    t2, s7, 7
        li      t3, 1
        sll     t3, t3, t2
        or      t1, t1, t3
        sb      t1, 0(t0)
531:    addi    s7, s7, 1
        j       52b
54:     addi    s4, s4, 1
        j       51b
55:     li      s4, 0                   # the file system's own blocks, in use
56:     bge     s4, s5, 57f
        mv      a0, s4
        call    meta_block
        call    bm_set
        bltz    a0, 9f
        addi    s4, s4, 1
        j       56b
57:     li      s4, 0                   # the inode table, zero but for the root directory
58:     li      t0, IBLOCKS
        bge     s4, t0, 59f
        lwg     a0, sb_k
        lwg     t0, sb_b
        add     a0, a0, t0
        add     a0, a0, s4
        call    meta_block
        call    blk_zero
        bltz    a0, 9f
        call    dirty_meta
        addi    s4, s4, 1
        j       58b
59:     li      a0, ROOT_INO
        call    ino_get
        bltz    a0, 9f
        li      t0, FS_T_DIR
        sw      t0, I_TYPE(a0)
        li      a0, 1
        call    caps_io
        bltz    a0, 9f
        li      a0, BC_META
        call    bc_writeback
        bnez    a0, 8f
        li      a0, 1                   # an empty journal
        call    hdr_io
        bnez    a0, 9f
        call    bc_flush
        bnez    a0, 8f
        la      t0, rootblk
        lw      a0, 0(t0)
        lw      a1, 4(t0)
        lw      a2, 8(t0)
        mv      a3, s3
        call    disk_write
        bnez    a0, 8f
        call    bc_flush
        bnez    a0, 8f
        li      a0, 0
        j       9f
8:      li      a0, FS_EIO
9:      fn_leave

# caps_io(write) -> 0 or FS_EIO: the capability table between its K blocks and caps_va, with
# up to 32 requests in flight. s1 = k, s2 = K, s3 = in flight, s4 = an error, s5 = write.
caps_io:
        fn_enter
        mv      s5, a0
        li      s1, 0
        lwg     s2, sb_k
        li      s3, 0
        li      s4, 0
1:      bge     s1, s2, 3f
        li      t0, 12
        mul     t0, s1, t0
        lwg     t1, sb_va
        add     t1, t1, t0
        lw      a0, S_ENT(t1)
        lw      a1, S_ENT+4(t1)
        lw      a2, S_ENT+8(t1)
        lwg     a3, caps_va
        slli    t0, s1, 12
        add     a3, a3, t0
        mv      a4, s5
        call    disk_submit
        bltz    a0, 2f
        addi    s3, s3, 1
        li      t0, 32
        blt     s3, t0, 21f
        mv      a0, s3
        li      s3, 0
        call    disk_wait_all
        beqz    a0, 21f
2:      mv      s4, a0
21:     addi    s1, s1, 1
        j       1b
3:      mv      a0, s3
        call    disk_wait_all
        beqz    a0, 4f
        mv      s4, a0
4:      li      a0, 0
        beqz    s4, 9f
        li      a0, FS_EIO
9:      fn_leave

# hdr_io(write) -> 0 or FS_EIO: the journal header between its block and jh_va.
hdr_io:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        li      a0, 0
        call    jblock_no
        addi    a0, a0, -1              # the header's entry is just before journal block 0's
        call    meta_block
        lwg     t1, caps_va
        slli    t2, a0, 3
        add     t1, t1, t2
        lw      a1, 0(t1)
        lw      a2, 4(t1)
        lwg     a3, jh_va
        bnez    s1, 1f
        call    disk_read
        j       2f
1:      call    disk_write
2:      beqz    a0, 9f
        li      a0, FS_EIO
9:      lw      s1, 0(sp)
        leave   16

# jblock_no(j) -> the superblock entry of journal block j (the header's is one less).
jblock_no:
        lwg     t0, sb_k
        add     a0, a0, t0
        lwg     t0, sb_b
        add     a0, a0, t0
        addi    a0, a0, IBLOCKS + 1
        ret

# jblock(j) -> the cached journal block j, or FS_EIO.
jblock:
        enter   16
        call    jblock_no
        call    meta_block
        call    blk_get
        leave   16

# jsum(va) -> a checksum of the page (h = 31 h + word).
jsum:
        li      t0, 0
        li      t1, PAGE_SIZE / 4
        li      t3, 31
1:      lw      t2, 0(a0)
        mul     t0, t0, t3
        add     t0, t0, t2
        addi    a0, a0, 4
        addi    t1, t1, -1
        bnez    t1, 1b
        mv      a0, t0
        ret

# replay() -> 0 or FS_EIO: a committed journal whose copies all match their checksums is
# written to its homes (again, if it had been: the copies are what the homes hold since), and
# once they are durable the header is emptied, so only the first mount after a commit redoes it.
# s1 = the header, s2 = its count, s3 = j, s4 = the home's page.
replay:
        fn_enter
        li      a0, 0
        call    hdr_io
        bnez    a0, 9f
        lwg     s1, jh_va
        lw      t0, 0(s1)
        li      t1, J_MAGIC
        li      a0, 0
        bne     t0, t1, 9f
        lw      s2, J_N(s1)
        blez    s2, 9f
        li      t0, JBLOCKS
        bgt     s2, t0, 8f
        li      s3, 0
1:      bge     s3, s2, 3f
        mv      a0, s3
        call    jblock
        bltz    a0, 9f
        call    jsum
        slli    t0, s3, 3
        add     t0, t0, s1
        lw      t1, J_ENT+4(t0)
        bne     a0, t1, 7f              # torn: the commit never completed, nothing to redo
        lw      t1, J_ENT(t0)
        lwg     t2, nblocks
        bgeu    t1, t2, 8f
        addi    s3, s3, 1
        j       1b
3:      li      s3, 0
4:      bge     s3, s2, 6f
        slli    t0, s3, 3
        add     t0, t0, s1
        lw      a0, J_ENT(t0)
        call    blk_zero
        bltz    a0, 9f
        mv      s4, a0
        mv      a0, s3
        call    jblock
        bltz    a0, 9f
        mv      a1, a0
        mv      a0, s4
        li      a2, PAGE_SIZE
        call    memcpy
        mv      a0, s4
        call    dirty_meta
        addi    s3, s3, 1
        j       4b
6:      li      a0, BC_META
        call    bc_writeback
        bnez    a0, 8f
        call    bc_flush
        bnez    a0, 8f
        sw      zero, J_N(s1)           # the homes are durable: an empty journal, so the next
        li      a0, 1                   # mount has nothing to redo. Not flushed: until the next
        call    hdr_io                  # flush makes it durable a crash only redoes the commit
        bnez    a0, 9f                  # once more, and a later commit's flush precedes its header
7:      li      a0, 0
        j       9f
8:      li      a0, FS_EIO
9:      fn_leave

# fs_sync: one commit (see the top of the file). s1 = metadata blocks dirty, s2 = j, s3 = the
# next buffer index, s4 = the block's page, s5 = its journal copy.
        api     fs_sync, x_sync
        fn_enter
        need_mount
        li      a0, BC_META
        call    bc_count
        mv      s1, a0
        beqz    s1, 5f
        li      t0, JBLOCKS
        bgt     s1, t0, 8f
        li      s2, 0
        li      s3, 0
1:      mv      a0, s3
        li      a1, BC_META
        call    bc_next
        bltz    a0, 3f
        addi    s3, a0, 1
.ifdef FS_SHARED
        sw      a2, 28(sp)              # the server names the block; its page needs our capability
        mv      a0, a2
        call    blk_get
        bltz    a0, 9f
        mv      a1, a0
        lw      a2, 28(sp)
.endif
        mv      s4, a1
        lwg     t0, jh_va
        slli    t1, s2, 3
        add     t0, t0, t1
        sw      a2, J_ENT(t0)
        mv      a0, s4
        call    jsum
        lwg     t0, jh_va
        slli    t1, s2, 3
        add     t0, t0, t1
        sw      a0, J_ENT+4(t0)
        mv      a0, s2
        call    jblock_no
        call    meta_block
        call    blk_zero
        bltz    a0, 9f
        mv      s5, a0
        mv      a1, s4
        li      a2, PAGE_SIZE
        call    memcpy
        mv      a0, s5
        li      a1, BC_DATA
        call    bc_dirty
        addi    s2, s2, 1
        j       1b
3:      li      a0, BC_DATA             # the data and the copies
        call    bc_writeback
        bnez    a0, 8f
        call    bc_flush
        bnez    a0, 8f
        lwg     t0, jh_va               # the commit
        li      t1, J_MAGIC
        sw      t1, 0(t0)
        lw      t1, J_SEQ(t0)
        addi    t1, t1, 1
        sw      t1, J_SEQ(t0)
        sw      s2, J_N(t0)
        li      a0, 1
        call    hdr_io
        bnez    a0, 9f
        call    bc_flush
        bnez    a0, 8f
        li      a0, BC_META             # the metadata at home
        j       6f
5:      li      a0, BC_DATA
6:      call    bc_writeback
        bnez    a0, 8f
        call    bc_flush
        bnez    a0, 8f
        lwg     a0, busy_va             # freed blocks may be reused now
        li      a1, 0
        li      a2, NMAX / 8
        call    memset
        li      a0, 0
        j       9f
8:      li      a0, FS_EIO
9:      fn_leave

# maybe_commit() -> 0 or an error: commits first when the journal would soon not hold the
# metadata changed since the last commit.
maybe_commit:
        enter   16
        li      a0, BC_META
        call    bc_count
        li      t0, JCOMMIT
        blt     a0, t0, 1f
        call    x_sync
        j       9f
1:      li      a0, 0
9:      leave   16

# ---- open files --------------------------------------------------------------------------------------
# fd_rec(fd) -> the open file's record, or FS_EBADF (not open, or its file unlinked since).
fd_rec:
        li      t0, FS_OPEN_MAX
        bgeu    a0, t0, 8f
        slli    a0, a0, 4
        la      t0, fdtab
        add     a0, a0, t0
        lw      t0, F_USED(a0)
        beqz    t0, 8f
        lw      t0, F_INO(a0)
        blez    t0, 8f
        ret
8:      li      a0, FS_EBADF
        ret

# fd_forget(ino): open files of an inode that is freed now answer FS_EBADF (but close).
fd_forget:
        la      t0, fdtab
        li      t1, FS_OPEN_MAX << 4
        add     t1, t1, t0
1:      bgeu    t0, t1, 9f
        lw      t2, F_INO(t0)
        bne     t2, a0, 2f
        li      t2, -1
        sw      t2, F_INO(t0)
2:      addi    t0, t0, 16
        j       1b
9:      ret

# ino_release(ino) -> 0 or FS_EIO: the inode and its blocks are free.
ino_release:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        call    fd_forget
        mv      a0, s1
        call    ino_truncate
        bltz    a0, 9f
        mv      a0, s1
        call    ino_get
        bltz    a0, 9f
        sw      zero, I_TYPE(a0)
        call    dirty_meta
        li      a0, 0
9:      lw      s1, 0(sp)
        leave   16

# fs_open: s1 = path, s2 = flags, s3 = fd, s4 = ino, s5 = the parent.
        api     fs_open, x_open
        fn_enter
        mv      s1, a0
        mv      s2, a1
        need_mount
        call    maybe_commit
        bltz    a0, 9f
        andi    t0, s2, FS_O_ACCMODE
        li      t1, FS_O_ACCMODE
        li      a0, FS_EINVAL
        beq     t0, t1, 9f
        la      t0, fdtab
        li      s3, 0
1:      li      t1, FS_OPEN_MAX
        li      a0, FS_EMFILE
        bge     s3, t1, 9f
        slli    t2, s3, 4
        add     t2, t2, t0
        lw      t3, F_USED(t2)
        beqz    t3, 2f
        addi    s3, s3, 1
        j       1b
2:      swg     zero, walk_avoid, t0
        mv      a0, s1
        call    lookup
        mv      s4, a0
        mv      s5, a1
        bgez    s4, 4f
        li      t0, FS_ENOENT
        bne     s4, t0, 8f
        beqz    s5, 8f
        andi    t0, s2, FS_O_CREAT
        beqz    t0, 8f
        li      a0, FS_T_FILE           # a new file
        call    ialloc
        bltz    a0, 9f
        mv      s4, a0
        mv      a0, s5
        la      a1, wname
        mv      a2, s4
        call    dir_add
        bgez    a0, 5f
        mv      s5, a0
        mv      a0, s4
        call    ino_release
        mv      a0, s5
        j       9f
4:      andi    t0, s2, FS_O_CREAT | FS_O_EXCL
        li      t1, FS_O_CREAT | FS_O_EXCL
        li      a0, FS_EEXIST
        beq     t0, t1, 9f
5:      mv      a0, s4
        call    ino_get
        bltz    a0, 9f
        lw      t0, I_TYPE(a0)
        li      t1, FS_T_DIR
        bne     t0, t1, 6f
        andi    t0, s2, FS_O_ACCMODE | FS_O_TRUNC
        li      a0, FS_EISDIR
        bnez    t0, 9f
        j       7f
6:      andi    t0, s2, FS_O_TRUNC
        beqz    t0, 7f
        andi    t0, s2, FS_O_ACCMODE
        beqz    t0, 7f
        mv      a0, s4
        call    ino_truncate
        bltz    a0, 9f
7:      la      t0, fdtab
        slli    t1, s3, 4
        add     t0, t0, t1
        sw      s4, F_INO(t0)
        sw      zero, F_OFF(t0)
        sw      s2, F_FLAGS(t0)
        li      t1, 1
        sw      t1, F_USED(t0)
        mv      a0, s3
        j       9f
8:      mv      a0, s4
9:      fn_leave

fs_close:
        li      t0, FS_OPEN_MAX
        bgeu    a0, t0, 8f
        slli    a0, a0, 4
        la      t0, fdtab
        add     a0, a0, t0
        lw      t0, F_USED(a0)
        beqz    t0, 8f
        sw      zero, F_USED(a0)
        li      a0, 0
        ret
8:      li      a0, FS_EBADF
        ret

# fs_read / fs_write: s1 = fd's record, s2 = buf, s3 = len, s4 = write.
        api     fs_read, x_read
        li      a3, 0
        j       fs_rw
        api     fs_write, x_write
        li      a3, 1
fs_rw:
        fn_enter
        mv      s2, a1
        mv      s3, a2
        mv      s4, a3
        call    fd_rec
        bltz    a0, 9f
        mv      s1, a0
        lw      t0, F_FLAGS(s1)
        andi    t0, t0, FS_O_ACCMODE
        li      t1, FS_O_WRONLY         # reading needs RDONLY or RDWR, writing WRONLY or RDWR
        beqz    s4, 1f
        li      t1, FS_O_RDONLY
1:      li      a0, FS_EBADF
        beq     t0, t1, 9f
        li      a0, FS_EINVAL
        bltz    s3, 9f
        mv      a0, s2
        mv      a1, s3
        call    user_ok
        bltz    a0, 9f
        beqz    s4, 2f
        call    maybe_commit
        bltz    a0, 9f
2:      lw      a0, F_INO(s1)
        call    ino_get
        bltz    a0, 9f
        lw      t0, I_TYPE(a0)
.ifdef FS_SHARED
        li      t1, FS_EBADF            # unlinked by another environment since it was opened
        bnez    t0, 21f
        mv      a0, t1
        j       9f
21:
.endif
        li      t1, FS_T_DIR
        bne     t0, t1, 3f
        li      a0, FS_EISDIR
        j       9f
3:      lw      t0, F_FLAGS(s1)
        andi    t0, t0, FS_O_APPEND
        beqz    t0, 4f
        beqz    s4, 4f
        lw      t0, I_SIZE(a0)
        sw      t0, F_OFF(s1)
4:      lw      a0, F_INO(s1)
        lw      a1, F_OFF(s1)
        mv      a2, s2
        mv      a3, s3
        mv      a4, s4
        call    ino_rw
        bltz    a0, 9f
        lw      t0, F_OFF(s1)
        add     t0, t0, a0
        sw      t0, F_OFF(s1)
9:      fn_leave

        api     fs_seek, x_seek
        enter   16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      s1, a1
        mv      s2, a2
        call    fd_rec
        bltz    a0, 9f
        mv      t3, a0
        li      t0, 0
        beqz    s2, 2f
        lw      t0, F_OFF(t3)
        li      t1, FS_SEEK_CUR
        beq     s2, t1, 2f
        li      t1, FS_SEEK_END
        li      a0, FS_EINVAL
        bne     s2, t1, 9f
        sw      t3, 8(sp)
        lw      a0, F_INO(t3)
        call    ino_get
        bltz    a0, 9f
        lw      t0, I_SIZE(a0)
        lw      t3, 8(sp)
2:      add     t0, t0, s1
        li      a0, FS_EINVAL
        bltz    t0, 9f
        sw      t0, F_OFF(t3)
        mv      a0, t0
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   16

        api     fs_mkdir, x_mkdir
        fn_enter
        mv      s1, a0
        need_mount
        call    maybe_commit
        bltz    a0, 9f
        swg     zero, walk_avoid, t0
        mv      a0, s1
        call    lookup
        mv      s5, a1
        li      t0, FS_ENOENT
        bne     a0, t0, 1f
        bnez    s5, 2f
1:      bltz    a0, 9f
        li      a0, FS_EEXIST
        j       9f
2:      li      a0, FS_T_DIR
        call    ialloc
        bltz    a0, 9f
        mv      s4, a0
        mv      a0, s5
        la      a1, wname
        mv      a2, s4
        call    dir_add
        bgez    a0, 3f
        mv      s5, a0
        mv      a0, s4
        call    ino_release
        mv      a0, s5
        j       9f
3:      li      a0, 0
9:      fn_leave

# fs_readdir: s1 = the record, s2 = dirent, s3 = index, s4 = ino, s5 = slots, s6 = the entry's inode.
        api     fs_readdir, x_readdir
        fn_enter
        mv      s2, a1
        call    fd_rec
        bltz    a0, 9f
        mv      s1, a0
        mv      a0, s2
        li      a1, DIRENT_BYTES
        call    user_ok
        bltz    a0, 9f
        lw      s4, F_INO(s1)
        mv      a0, s4
        call    ino_get
        bltz    a0, 9f
        lw      t0, I_TYPE(a0)
        li      t1, FS_T_DIR
        li      t2, FS_ENOTDIR
        bne     t0, t1, 8f
        lw      s5, I_SIZE(a0)
        srli    s5, s5, DE_SHIFT
        lw      s3, F_OFF(s1)
1:      li      a0, 0
        bge     s3, s5, 9f
        mv      a0, s4
        mv      a1, s3
        call    dir_entry
        bltz    a0, 9f
        addi    s3, s3, 1
        lw      s6, DE_INO(a0)
        beqz    s6, 1b
        addi    a1, a0, DE_NAME
        addi    a0, s2, DIRENT_NAME
        li      a2, FS_NAME_MAX + 1
        call    memcpy
        sw      s6, DIRENT_INO(s2)
        mv      a0, s6
        call    ino_get
        bltz    a0, 9f
        lw      t0, I_TYPE(a0)
        sw      t0, DIRENT_TYPE(s2)
        lw      t1, I_SIZE(a0)
        li      t2, FS_T_DIR
        bne     t0, t2, 2f
        lw      t1, I_ENTRIES(a0)
2:      sw      t1, DIRENT_SIZE(s2)
        sw      s3, F_OFF(s1)
        li      a0, 1
        j       9f
8:      mv      a0, t2
9:      fn_leave

# fs_unlink: s4 = ino, s5 = the parent, s6 = the entry's index.
        api     fs_unlink, x_unlink
        fn_enter
        mv      s1, a0
        need_mount
        call    maybe_commit
        bltz    a0, 9f
        swg     zero, walk_avoid, t0
        mv      a0, s1
        call    lookup
        bltz    a0, 9f
        mv      s4, a0
        mv      s5, a1
        lwg     s6, wslot
        li      a0, FS_EINVAL           # the root
        beqz    s5, 9f
        mv      a0, s4
        call    ino_get
        bltz    a0, 9f
        lw      t0, I_TYPE(a0)
        li      t1, FS_T_DIR
        bne     t0, t1, 1f
        lw      t0, I_ENTRIES(a0)
        li      a0, FS_ENOTEMPTY
        bnez    t0, 9f
1:      mv      a0, s5
        mv      a1, s6
        call    dir_remove
        bltz    a0, 9f
        mv      a0, s4
        call    ino_release
9:      fn_leave

# fs_rename: s1 = to, s3 = the file, s4 = its directory, s5 = its entry, s6 = its type,
# s7 = the target's directory; 28(sp) = the inode the target names.
        api     fs_rename, x_rename
        fn_enter
        mv      s1, a1
        mv      s2, a0
        need_mount
        call    maybe_commit
        bltz    a0, 9f
        swg     zero, walk_avoid, t0
        mv      a0, s2
        call    lookup
        bltz    a0, 9f
        mv      s3, a0
        mv      s4, a1
        lwg     s5, wslot
        li      a0, FS_EINVAL
        beqz    s4, 9f
        mv      a0, s3
        call    ino_get
        bltz    a0, 9f
        lw      s6, I_TYPE(a0)
        li      t0, FS_T_DIR            # a directory may not move into itself
        li      t1, 0
        bne     s6, t0, 1f
        mv      t1, s3
1:      swg     t1, walk_avoid, t0
        mv      a0, s1
        call    walk
        swg     zero, walk_avoid, t0
        bltz    a0, 9f
        mv      s7, a0
        la      t0, wname
        lbu     t0, 0(t0)
        li      a0, FS_EINVAL
        beqz    t0, 9f
        lwg     t0, walk_hit
        bnez    t0, 9f
        mv      a0, s7
        la      a1, wname
        call    dir_find
        li      t0, FS_ENOENT
        beq     a0, t0, 5f
        bltz    a0, 9f
        sw      a0, 28(sp)
        beq     a0, s3, 7f              # the same file
        call    ino_get
        bltz    a0, 9f
        lw      t0, I_TYPE(a0)
        li      t1, FS_T_DIR
        bne     t0, t1, 2f
        li      a0, FS_EISDIR           # a directory's place: only a directory, empty
        bne     s6, t1, 9f
        lw      t0, I_ENTRIES(a0)
        li      a0, FS_ENOTEMPTY
        bnez    t0, 9f
        j       3f
2:      li      a0, FS_ENOTDIR
        beq     s6, t1, 9f
3:      lw      a0, 28(sp)              # the target's entry names the file instead
        call    ino_release
        bltz    a0, 9f
        mv      a0, s7
        lwg     a1, wslot
        call    dir_entry
        bltz    a0, 9f
        sw      s3, DE_INO(a0)
        call    dirty_meta
        j       6f
5:      mv      a0, s7
        la      a1, wname
        mv      a2, s3
        call    dir_add
        bltz    a0, 9f
6:      mv      a0, s4
        mv      a1, s5
        call    dir_remove
        bltz    a0, 9f
7:      li      a0, 0
9:      fn_leave

# fs_stat: s1 = stat, s2 = ino.
        api     fs_stat, x_stat
        fn_enter
        mv      s1, a1
        mv      s2, a0
        need_mount
        mv      a0, s1
        li      a1, STAT_BYTES
        call    user_ok
        bltz    a0, 9f
        swg     zero, walk_avoid, t0
        mv      a0, s2
        call    lookup
        bltz    a0, 9f
        mv      s2, a0
        call    ino_get
        bltz    a0, 9f
        sw      s2, STAT_INO(s1)
        lw      t0, I_TYPE(a0)
        sw      t0, STAT_TYPE(s1)
        lw      t1, I_SIZE(a0)
        li      t2, FS_T_DIR
        bne     t0, t2, 1f
        lw      t1, I_ENTRIES(a0)
1:      sw      t1, STAT_SIZE(s1)
        lw      t0, I_BLOCKS(a0)
        sw      t0, STAT_BLOCKS(s1)
        li      a0, 0
9:      fn_leave

# fs_fsync(fd): a whole commit, which makes the file's data and every change before it durable.
        api     fs_fsync, x_fsync
        enter   16
        call    fd_rec
        bltz    a0, 9f
        call    x_sync
9:      leave   16

fs_kind:
        la      a0, s_ext
        ret

# fs_df(df): s1 = df, s2 = block, s3 = ours, s4 = free, s5 = the free map's byte.
        api     fs_df, x_df
        fn_enter
        mv      s1, a0
        need_mount
        mv      a0, s1
        li      a1, DF_BYTES
        call    user_ok
        bltz    a0, 9f
        li      s2, 0
        li      s3, 0
        li      s4, 0
1:      lwg     t0, nblocks
        bge     s2, t0, 5f
        andi    t0, s2, 7
        bnez    t0, 2f
        mv      a0, s2
        call    bm_byte
        bltz    a0, 9f
        lbu     s5, 0(a0)
2:      lwg     t1, caps_va
        slli    t2, s2, 3
        add     t1, t1, t2
        lw      t2, 0(t1)
        lw      t1, 4(t1)
        or      t1, t1, t2
        beqz    t1, 3f
        addi    s3, s3, 1
        andi    t0, s5, 1
        bnez    t0, 3f
        addi    s4, s4, 1
3:      srli    s5, s5, 1
        addi    s2, s2, 1
        j       1b
5:      sw      s3, DF_BLOCKS(s1)
        sw      s4, DF_FREE(s1)
        li      a0, 0
9:      fn_leave

# ---- the consistency check -----------------------------------------------------------------------------
# fs_check() -> problems found, each printed as one line (the first CHK_PRINT of them): every
# block the file system's own structures and files use is inside it, ours, and used once;
# every inode's extents lie within its size and add up to its block count; every directory
# entry names an inode in use, by a proper name, and its count of entries is right; every
# inode in use is reached exactly once; the free map marks exactly the blocks in use.
# Scratch (CHK_PAGES at chk_va): a seen-bit per block, a reference count per inode, a queue of
# directories. s1 = ino / block, s2 = the record / k, s3..s7 per phase.
.equ CHK_PAGES, 4
.equ CHK_REFS, NMAX / 8
.equ CHK_QUEUE, CHK_REFS + INODES
.equ CHK_PRINT, 50
        api     fs_check, x_check
        fn_enter
        need_mount
        swg     zero, chk_n, t0
        lwg     a0, chk_va
        li      a1, 0
        li      a2, CHK_PAGES * PAGE_SIZE
        call    memset
        lwg     a0, nblocks
        call    layout
        mv      s3, a2                  # the file system's own blocks
        li      s1, 0
1:      bge     s1, s3, 2f
        mv      a0, s1
        call    meta_block
        li      a1, 0
        call    chk_mark
        addi    s1, s1, 1
        j       1b
2:      li      s1, ROOT_INO            # every inode in use
3:      li      t0, INODES
        bge     s1, t0, 20f
        mv      a0, s1
        call    ino_get
        bltz    a0, 9f
        lw      t0, I_TYPE(a0)
        li      t1, ROOT_INO
        bne     s1, t1, 4f
        li      t1, FS_T_DIR
        beq     t0, t1, 5f
        la      a0, m_type
        mv      a1, s1
        mv      a2, t0
        call    chk_problem
        j       20f
4:      beqz    t0, 19f
        li      t1, FS_T_FILE
        beq     t0, t1, 5f
        li      t1, FS_T_DIR
        beq     t0, t1, 5f
        la      a0, m_type
        mv      a1, s1
        mv      a2, t0
        call    chk_problem
        j       19f
5:      lw      s4, I_NEXT(a0)          # s4 = extents, s5 = blocks in them, s6 = blocks the size allows
        lw      t0, I_SIZE(a0)
        li      t1, FS_FILE_MAX
        bleu    t0, t1, 6f
        la      a0, m_size
        mv      a1, s1
        mv      a2, t0
        call    chk_problem
        j       19f
6:      addi    s6, t0, 4095
        srli    s6, s6, 12
        li      t1, NEXT_MAX
        bgtu    s4, t1, 7f
        li      t1, NDIRECT
        bleu    s4, t1, 8f
        lw      t1, I_IND(a0)
        bnez    t1, 8f
7:      la      a0, m_next
        mv      a1, s1
        mv      a2, s4
        call    chk_problem
        j       19f
8:      lw      a0, I_IND(a0)
        beqz    a0, 10f
        mv      a1, s1
        call    chk_mark
10:     li      s2, 0
        li      s5, 0
11:     bge     s2, s4, 15f
        mv      a0, s1
        mv      a1, s2
        call    ext_get
        bltz    a0, 9f
        lw      s3, X_PHYS(a0)
        lw      s7, X_LEN(a0)
        lw      t0, X_LOG(a0)
        add     t0, t0, s7
        beqz    s7, 12f
        bgtu    t0, s6, 12f
        bltu    t0, s7, 12f
        j       13f
12:     la      a0, m_ext
        mv      a1, s1
        mv      a2, s2
        call    chk_problem
        j       14f
13:     add     s5, s5, s7
131:    beqz    s7, 14f
        mv      a0, s3
        mv      a1, s1
        call    chk_mark
        bltz    a0, 14f                 # one line for a run outside the file system
        addi    s3, s3, 1
        addi    s7, s7, -1
        j       131b
14:     addi    s2, s2, 1
        j       11b
15:     mv      a0, s1
        call    ino_get
        bltz    a0, 9f
        lw      t0, I_BLOCKS(a0)
        beq     t0, s5, 19f
        la      a0, m_blocks
        mv      a1, s1
        mv      a2, s5
        mv      a3, t0
        call    chk_problem
19:     addi    s1, s1, 1
        j       3b
20:     lwg     s6, chk_va              # the tree, breadth first: s6 = refs, s7 = the queue
        li      t0, CHK_REFS
        add     s6, s6, t0
        lwg     s7, chk_va
        li      t0, CHK_QUEUE
        add     s7, s7, t0
        li      t0, ROOT_INO
        sw      t0, 0(s7)
        li      t1, 1
        add     t0, t0, s6
        sb      t1, 0(t0)
        li      s4, 0                   # s4 = head, s5 = tail
        li      s5, 1
21:     bge     s4, s5, 30f
        slli    t0, s4, 2
        add     t0, t0, s7
        lw      s1, 0(t0)               # s1 = the directory
        addi    s4, s4, 1
        mv      a0, s1
        call    ino_get
        bltz    a0, 9f
        lw      t0, I_SIZE(a0)
        srli    t0, t0, DE_SHIFT
        sw      t0, 28(sp)              # 28(sp) = slots, 32(sp) = live entries, s2 = index
        sw      zero, 32(sp)
        li      s2, 0
22:     lw      t0, 28(sp)
        bge     s2, t0, 28f
        mv      a0, s1
        mv      a1, s2
        call    dir_entry
        bltz    a0, 9f
        mv      s3, a0                  # s3 = the entry
        lw      a3, DE_INO(s3)
        beqz    a3, 27f
        lw      t0, 32(sp)
        addi    t0, t0, 1
        sw      t0, 32(sp)
        lbu     t0, DE_NAME(s3)
        beqz    t0, 23f
        lbu     t0, DE_NAME + FS_NAME_MAX(s3)
        beqz    t0, 24f
23:     la      a0, m_name
        mv      a1, s1
        mv      a2, s2
        call    chk_problem
        j       27f
24:     li      t0, ROOT_INO
        bleu    a3, t0, 25f
        li      t0, INODES
        bgeu    a3, t0, 25f
        sw      a3, 36(sp)
        mv      a0, a3
        call    ino_get
        bltz    a0, 9f
        lw      t0, I_TYPE(a0)
        lw      a3, 36(sp)
        bnez    t0, 26f
25:     la      a0, m_entry
        mv      a1, s1
        addi    a2, s3, DE_NAME
        call    chk_problem
        j       27f
26:     add     t1, a3, s6
        lbu     t2, 0(t1)
        addi    t2, t2, 1
        sb      t2, 0(t1)
        li      t1, 1
        bne     t2, t1, 27f
        li      t1, FS_T_DIR
        bne     t0, t1, 27f
        slli    t0, s5, 2
        add     t0, t0, s7
        sw      a3, 0(t0)
        addi    s5, s5, 1
27:     addi    s2, s2, 1
        j       22b
28:     mv      a0, s1
        call    ino_get
        bltz    a0, 9f
        lw      a3, I_ENTRIES(a0)
        lw      a2, 32(sp)
        beq     a2, a3, 21b
        la      a0, m_live
        mv      a1, s1
        call    chk_problem
        j       21b
30:     li      s1, ROOT_INO + 1        # each inode in use reached once
31:     li      t0, INODES
        bge     s1, t0, 40f
        mv      a0, s1
        call    ino_get
        bltz    a0, 9f
        lw      t0, I_TYPE(a0)
        beqz    t0, 32f
        add     t1, s1, s6
        lbu     a2, 0(t1)
        li      t1, 1
        beq     a2, t1, 32f
        la      a0, m_refs
        mv      a1, s1
        call    chk_problem
32:     addi    s1, s1, 1
        j       31b
40:     li      s1, 0                   # the free map against what is used
41:     lwg     t0, nblocks
        bge     s1, t0, 50f
        andi    t0, s1, 7
        bnez    t0, 42f
        mv      a0, s1
        call    bm_byte
        bltz    a0, 9f
        lbu     s2, 0(a0)               # s2 = the map's byte, shifted as s1 moves
42:     andi    s3, s2, 1               # s3 = in use in the map
        srli    s2, s2, 1
        srli    t0, s1, 3
        lwg     t1, chk_va
        add     t0, t0, t1
        lbu     t0, 0(t0)
        andi    t1, s1, 7
        srl     t0, t0, t1
        andi    t0, t0, 1               # t0 = used by the file system
        lwg     t1, caps_va
        slli    t2, s1, 3
        add     t1, t1, t2
        lw      t2, 0(t1)
        lw      t1, 4(t1)
        or      t1, t1, t2
        seqz    t1, t1                  # t1 = not ours
        or      t0, t0, t1
        beq     t0, s3, 43f
        la      a0, m_used
        bnez    t0, 421f
        la      a0, m_leak
421:    mv      a1, s1
        call    chk_problem
43:     addi    s1, s1, 1
        j       41b
50:     lwg     a0, chk_n
9:      fn_leave

# chk_mark(block, ino) -> 0, or -1 after reporting a block outside the file system, not
# ours, or seen before.
chk_mark:
        enter   16
        mv      a2, a0
        lwg     t0, nblocks
        bgeu    a0, t0, 7f
        lwg     t1, caps_va
        slli    t2, a0, 3
        add     t1, t1, t2
        lw      t2, 0(t1)
        lw      t1, 4(t1)
        or      t1, t1, t2
        beqz    t1, 7f
        srli    t0, a0, 3
        lwg     t1, chk_va
        add     t0, t0, t1
        lbu     t1, 0(t0)
        andi    t2, a0, 7
        li      t3, 1
        sll     t3, t3, t2
        and     t2, t1, t3
        bnez    t2, 8f
        or      t1, t1, t3
        sb      t1, 0(t0)
        li      a0, 0
        j       9f
7:      la      a0, m_range
        call    chk_problem
        li      a0, -1
        j       9f
8:      la      a0, m_twice
        mv      t0, a1
        mv      a1, a2
        mv      a2, t0
        call    chk_problem
        li      a0, -1
9:      leave   16

# chk_problem(fmt, a1, a2, a3): one problem, printed if fewer than CHK_PRINT came before.
chk_problem:
        enter   16
        lwg     t0, chk_n
        addi    t1, t0, 1
        swg     t1, chk_n, t2
        li      t2, CHK_PRINT
        bge     t0, t2, 9f
        call    printf
9:      leave   16

        .rodata
s_ext:  .asciz  "ext"
s_dot:  .asciz  "."
s_dotdot:
        .asciz  ".."
m_range:
        .asciz  "fs_check: inode %d: block %d is outside the file system or not its own\n"
m_twice:
        .asciz  "fs_check: block %d is used twice (again by inode %d)\n"
m_type: .asciz  "fs_check: inode %d: bad type %d\n"
m_size: .asciz  "fs_check: inode %d: bad size %d\n"
m_next: .asciz  "fs_check: inode %d: bad extent count %d\n"
m_ext:  .asciz  "fs_check: inode %d: extent %d is empty or runs past the file's size\n"
m_blocks:
        .asciz  "fs_check: inode %d: %d blocks in its extents, %d recorded\n"
m_name: .asciz  "fs_check: directory %d: entry %d has a bad name\n"
m_entry:
        .asciz  "fs_check: directory %d: entry '%s' names inode %d, which is not in use\n"
m_live: .asciz  "fs_check: directory %d: %d entries, %d recorded\n"
m_refs: .asciz  "fs_check: inode %d: reached from directories %d times\n"
m_used: .asciz  "fs_check: block %d is in use but free in the free map\n"
m_leak: .asciz  "fs_check: block %d is marked in use but nothing uses it\n"

.ifdef FS_SHARED
        .text
# locked_call(a0..a3; t8 = BODY): BODY(a0..a3) holding the file system's lock; the lock is
# let go marked live once this environment has mounted (bc_unlock), so a later mount skips
# the journal.
locked_call:
        enter   32
        sw      a0, 0(sp)
        sw      a1, 4(sp)
        sw      a2, 8(sp)
        sw      a3, 12(sp)
        sw      t8, 16(sp)
        call    bc_lock
        bltz    a0, 8f
        swg     a0, lock_live, t0
        lw      a0, 0(sp)
        lw      a1, 4(sp)
        lw      a2, 8(sp)
        lw      a3, 12(sp)
        lw      t8, 16(sp)
        jalr    ra, 0(t8)
        sw      a0, 0(sp)
        lwg     a0, mounted
        call    bc_unlock
        lw      a0, 0(sp)
        j       9f
8:      li      a0, FS_ENODEV           # no disk, no server, or its lock refused
9:      leave   32

# shared_exit: the exit hook: a commit, then the server stopped if this environment started it.
shared_exit:
        enter   16
        call    fs_sync
        call    bc_exit
        leave   16
.endif

        .bss
        .align  2
.ifdef FS_SHARED
lock_live:      .space 4
                # the lock was let go live before this call took it
.endif
mounted:        .space 4
rootblk:        .space 12               # the root block and its read-write capability
sb_va:          .space 4                # the superblock's page
jh_va:          .space 4                # the journal header's page
caps_va:        .space 4                # the capability table (NMAX * 8 bytes)
busy_va:        .space 4                # a bit a block: freed since the last commit
chk_va:         .space 4                # fs_check's scratch
nblocks:        .space 4
sb_k:           .space 4
sb_b:           .space 4
wslot:          .space 4                # dir_find's entry index
walk_avoid:     .space 4
walk_hit:       .space 4
chk_n:          .space 4
wname:          .space 32               # walk's last component
entbuf:         .space 32               # a directory entry being written
fdtab:          .space FS_OPEN_MAX * 16
