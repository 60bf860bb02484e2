# bcache_shared.s: bcache.s's calls (bcache.inc) over the shared buffer-cache server (bcserv.s),
# for a file system whose blocks several environments share (fs_ext_shared.s; docs/libos.md,
# "Sharing a file system"). A block's page is the server's, mapped here (bcs_fetch): every
# environment that gets the block maps the same page, so a change one makes is the others' at
# once. The dirty state is the server's too, so bc_count, bc_next and bc_writeback see every
# environment's changes, and eviction (the server's, least recently got) never takes a BC_META
# buffer. Besides bcache.s's calls:
#
#   bc_share(server, root) -> 0               use this server; root = the file system's root
#                                              block and its read-write capability (3 words,
#                                              blk_root's answer: only a host-booted environment
#                                              may ask the kernel, so its forks get it from it)
#   fs_mount_shared(server, root) -> 0 or FS_E*  bc_share, then fs_mount
#   bc_lock's first call without bc_share     starts a server of this environment's own: the
#                                              disk's root block (blk_root), a forked child
#                                              serving (bcs_serve), stopped by bc_exit; so a
#                                              program written for fs.inc alone (fs_mount) runs
#                                              unchanged, the server its only client's cache
#   bc_exit()                                  stops the server bc_lock started, if it did
#   bc_root() -> a0 = the root block, a1/a2 = its capability; E_NODEV before bc_share
#   bc_lock() -> 0 or 1 (the lock was let go live before), or an error: the file system's lock,
#                                              the server's lock named by the root block; waits
#                                              (giving the holder the CPU) while another holds it
#   bc_unlock(live) -> 0 or an error
#   bc_state(k) -> va                          the lock's state page k (0, 1): memory every
#                                              environment of the file system shares, no block's
#
# What differs from bcache.s: every call is a request to the server (a protected control
# transfer there and back), a hit included; bc_next answers a1 = 0, since the server names a
# dirty block by number only (its page is reached with the block's capability, which the file
# system keeps); a va stays the block's until BCS_SLOTS - 1 (15) other blocks have been got
# since (the client's mapping slots, bcserv.s), or until the server replaces the page.
        .include "libos.inc"
        .include "bcache.inc"
        .extern bcs_request, bcs_fetch, bcs_dirty, bcs_flush, bcs_lock, bcs_unlock, bcs_unmap_all, bcs_state
        .extern memset, fs_mount, fork, bcs_serve, bcs_stop, wait, exit_hook
        .globl  bc_init, bc_get, bc_zero, bc_dirty, bc_writeback, bc_next, bc_count, bc_flush
        .globl  bc_share, bc_root, bc_lock, bc_unlock, bc_exit, bc_state, fs_mount_shared

.equ BCS_READ, 4                # bcserv.s's requests
.equ BCS_ZERO, 5
.equ BCS_WRITEBACK, 7
.equ BCS_NEXT, 8
.equ BCS_COUNT, 9

        .text
bc_share:
        enter   16
        swg     a0, bcx_server, t0
        lw      t0, 0(a1)
        lw      t1, 4(a1)
        lw      t2, 8(a1)
        la      t3, bcx_root
        sw      t0, 0(t3)
        sw      t1, 4(t3)
        sw      t2, 8(t3)
        call    bcs_unmap_all           # nothing a parent mapped before a fork is ours
        li      a0, 0
        leave   16

fs_mount_shared:
        enter   16
        call    bc_share
        call    fs_mount
        leave   16

bc_root:
        lwg     t0, bcx_server
        li      a0, E_NODEV
        beqz    t0, 9f
        la      t0, bcx_root
        lw      a0, 0(t0)
        lw      a1, 4(t0)
        lw      a2, 8(t0)
9:      ret

bc_lock:
        lwg     t0, bcx_server
        bnez    t0, 1f
        enter   16
        call    start_server
        leave   16
        bltz    a0, 9f
        lwg     t0, bcx_server
1:      mv      a0, t0
        la      t0, bcx_root
        lw      a1, 0(t0)
        lw      a2, 4(t0)
        lw      a3, 8(t0)
        j       bcs_lock
9:      ret

# start_server() -> 0 or an error (E_NODEV without a disk): the disk's root block, and a
# forked child serving its blocks, this environment its owner.
start_server:
        enter   16
        sys_blk_root
        bltz    a0, 9f
        la      t3, bcx_root
        sw      a0, 0(t3)
        sw      a1, 4(t3)
        sw      a2, 8(t3)
        sys_env_self
        sw      a0, 0(sp)
        call    fork
        bltz    a0, 9f
        bnez    a0, 1f
        lw      a0, 0(sp)               # the child serves; it never returns
        call    bcs_serve
1:      swg     a0, bcx_server, t0
        swg     a0, bcx_own, t0
        la      t0, bc_exit             # stopped at exit even if the mount fails (a mount
        swg     t0, exit_hook, t1       # that succeeds makes the hook a commit, then this)
        li      a0, 0
9:      leave   16

bc_exit:
        lwg     t0, bcx_own
        beqz    t0, 9f
        enter   16
        swg     zero, bcx_own, t1
        mv      a0, t0
        li      a1, 0
        call    bcs_stop
        lwg     a0, bcx_server
        call    wait
        leave   16
9:      ret

bc_state:
        mv      a4, a0
        lwg     a0, bcx_server
        la      t0, bcx_root
        lw      a1, 0(t0)
        lw      a2, 4(t0)
        lw      a3, 8(t0)
        j       bcs_state

bc_unlock:
        mv      a4, a0
        lwg     a0, bcx_server
        la      t0, bcx_root
        lw      a1, 0(t0)
        lw      a2, 4(t0)
        lw      a3, 8(t0)
        j       bcs_unlock

bc_init:
        li      a0, 0
        ret

# bc_get(block, caplo, caphi) / bc_zero(...) -> va
bc_get:
        li      t0, BCS_READ
        j       1f
bc_zero:
        li      t0, BCS_ZERO
1:      enter   16
        sw      t0, 0(sp)
        mv      a4, a2
        mv      a3, a1
        mv      a2, a0
        mv      a1, t0
        lwg     a0, bcx_server
        call    bcs_fetch
        bltz    a0, 9f
        lw      t0, 0(sp)
        li      t1, BCS_ZERO
        bne     t0, t1, 9f
        sw      a0, 0(sp)               # a hit holds the block's old bytes: zeros, as promised
        li      a1, 0
        li      a2, PAGE_SIZE
        call    memset
        lw      a0, 0(sp)
9:      leave   16

bc_dirty:
        mv      a2, a1
        mv      a1, a0
        lwg     a0, bcx_server
        j       bcs_dirty

# request(op, a, x) -> bcs_request(server, op, a, 0, 0, x)
request:
        mv      a5, a2
        mv      a2, a1
        mv      a1, a0
        lwg     a0, bcx_server
        li      a3, 0
        li      a4, 0
        j       bcs_request

bc_writeback:
        mv      a1, a0
        li      a0, BCS_WRITEBACK
        li      a2, 0
        j       request

bc_count:
        mv      a1, a0
        li      a0, BCS_COUNT
        li      a2, 0
        j       request

bc_next:
        enter   16
        mv      a2, a1
        mv      a1, a0
        li      a0, BCS_NEXT
        call    request
        mv      a2, a1                  # the block; its va is the caller's to get
        li      a1, 0
        leave   16

bc_flush:
        lwg     a0, bcx_server
        j       bcs_flush

        .bss
        .align  2
bcx_server:     .space 4                # 0 until bc_share
bcx_root:       .space 12
bcx_own:        .space 4                # the server bc_lock started, or 0
