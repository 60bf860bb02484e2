# bcserv.s: a buffer cache kept by a server environment and shared by its clients (issue 16,
# deliverable 4; docs/disks.md, "A shared buffer cache"). The server owns the cached blocks'
# pages and hands a client the physical page of a block it names by its read-write capability;
# the client maps that page, so every client of a block maps the same page and sees every
# other's writes at once, with no write-back or sync between them.
#
#   server: bcs_serve(owner)                   makes this environment the server; owner is the
#                                              environment that may stop it. Does not return.
#   client: bcs_get(server, block, caplo, caphi) -> va, or a negative error: the block's shared
#                                              page, mapped writable here
#           bcs_fetch(server, op, block, caplo, caphi) -> va: the same for BCS_READ or BCS_ZERO
#           bcs_dirty(server, va, class) -> 0 or error: the block mapped at va was changed
#           bcs_write(server, block, caplo, caphi) -> 0 or error: the page to the block
#           bcs_flush(server) -> 0 or error    blk_flush: what was written is durable
#           bcs_lock(server, block, caplo, caphi) -> 0 or 1 (the lock was released as live
#                                              before), or error: the lock named by the block
#           bcs_unlock(server, block, caplo, caphi, live) -> 0 or error
#           bcs_state(server, block, caplo, caphi, k) -> va: the lock's state page k, mapped
#           bcs_unmap_all()                    forgets every mapping (a fork's inherited ones)
#           bcs_request(server, op, block, caplo, caphi, x) -> a0..a2: any request, raw
#   owner:  bcs_stop(server, status)           the server exits with status (an asynchronous
#                                              transfer: a notification from anyone else is ignored)
#
# The protocol is one synchronous protected control transfer a request (ipc.s's rpc_call):
# a0 = op, a1 = block, a2/a3 = the block's read-write capability, a4 = one more argument; the
# answer a0 = the page number or 0 or a negative error, a1/a2 = the page's read-write
# capability (BCS_GET, BCS_READ, BCS_ZERO) or what the op says.
#
# Guards. Every request that names a block is checked by the kernel first: blk_cap_ro(block,
# capability) succeeds only for the block's current read-write capability, so a client reaches
# only blocks it holds that capability for (a forged, stale or read-only one is E_BADCAP, a
# block outside the disk's data E_INVAL) and the server's DMA uses that same capability. A
# buffer remembers the capability it was filled with; a GET with another valid one means the
# block was freed and allocated again, so the server frees the buffer's page — the kernel
# breaks every mapping of it, so the block's former holders lose the page — and reads the
# block into a new one. Eviction (least recently got, when all BCS_BUFS buffers hold blocks)
# writes the page back and replaces it the same way. The server never reads or writes a
# buffer's page itself (only DMA does), clears the registers it used before it answers (a
# transfer hands every register to the other side; t9 keeps a cycle count, bcs_reply's mark), and refuses transfers while it serves one:
# its IPC entry takes one transfer (PC_IPC_ONCE: the kernel sets it to 0 as it accepts one, so
# no second request can replace the first, as one could when the server shut the entry itself
# a few instructions in and was preempted before) and is set again when the server runs after
# answering; a client that meets E_NOENTRY gives the server the CPU (a directed yield) and
# asks again.
# The answer hands the CPU to the client, so the server would run again only on its own slot
# or another client's donation: a client whose turn came next would find the entry still shut,
# and its donation would let the server reopen it and pass the slice on (yield 0) to the
# others, so that a client polling in step with another could starve it for good (fshare.s on
# fs_log: B refused at every turn while A polled). So a client gives the server the CPU back
# at once after every answer, and the server, its entry open again, gives it straight back to
# the client it answered: the entry is shut only while a request is being served.
#
# Dirty tracking, for the library file systems (bcache_shared.s). A buffer filled by BCS_READ
# or BCS_ZERO is tracked: its clients say what they change (BCS_DIRTY, class BC_DATA or
# BC_META), eviction writes it back only if it is dirty and never takes a BC_META one (its file
# system journals those first), BCS_WRITEBACK writes every buffer dirty in a mask, and
# BCS_COUNT / BCS_NEXT tell which those are (block numbers only: a client still needs the
# block's capability to reach its page). A buffer a plain BCS_GET has reached is untracked
# (bcshare.s's clients never say what they change) and always written back when evicted.
# The dirty state is the server's, not a client's: whichever client commits, it commits every
# client's changes. BCS_WRITEBACK, BCS_COUNT and BCS_NEXT name no block, so any client may ask
# them: a client can make another's dirty blocks reach the disk early, never reach them.
#
# Locks. BCS_LOCK and BCS_UNLOCK name a block (a file system's root block) by its capability;
# the server keeps up to BCS_LOCKS such locks, each with its holder (the kernel-checked caller
# of the transfer) and a "live" bit that an unlock may set and nothing clears. A lock held by
# another environment is E_PERM with a1 = the holder, to which bcs_lock gives the CPU (a
# directed yield) before asking again; only the holder may unlock, and a lock let go while
# another environment waits is handed to the first refused (a1 of the answer), to whom
# bcs_unlock then yields. Each lock also has BCS_STATES state pages (BCS_STATE), zeroed pages
# the server allocates on the first request and hands to whoever names the lock's block by its
# capability: memory the lock's users share that is no block's (fs_ext's busy map).
#
# A va from bcs_get names the block's page until the server replaces that page (eviction, or
# the block freed and allocated again): get the block again before each use, as bc_get's
# callers do.
        .include "libos.inc"
        .include "bcache.inc"
        .extern cons_flush, disk_wait, exit, rpc_call, rpc_notify, vm_map, vm_unmap

.equ BCS_GET, 1
.equ BCS_WRITE, 2
.equ BCS_FLUSH, 3
.equ BCS_READ, 4                # BCS_GET, tracked (above)
.equ BCS_ZERO, 5                # BCS_READ without the read on a miss (the page is zeros)
.equ BCS_DIRTY, 6               # a4 = BC_DATA or BC_META
.equ BCS_WRITEBACK, 7           # a1 = mask -> 0 or the first error
.equ BCS_NEXT, 8                # a1 = index, a4 = mask -> the first dirty buffer >= index, a1 = its block; or -1
.equ BCS_COUNT, 9               # a1 = mask -> buffers dirty in mask
.equ BCS_LOCK, 10               # -> 0, a1 = live; E_PERM, a1 = the holder
.equ BCS_UNLOCK, 11             # a4 = 1: mark the lock live
.equ BCS_STATE, 12              # a4 = k < BCS_STATES -> the lock's state page k, a1/a2 = its capability
.equ BCS_STATES, 2
.equ BCS_LOCKS, 4
.equ TRACKED, 4                 # a buffer's flag beside BC_DATA and BC_META
.equ LK_BLOCK, 0                # a lock's record in bcs_locks
.equ LK_HOLDER, 4
.equ LK_LIVE, 8
.equ LK_WAITER, 12              # the first environment refused while it was held
.equ LK_PAGES, 16               # 12 bytes a state page: its number + 1 (0: none yet), capability
.equ LK_BYTES, LK_PAGES + 12 * BCS_STATES
.equ BCS_BUFS, 64               # cached blocks (256 KiB)
.equ BUF_BLOCK, 0               # a buffer's record in bcs_tab: 0 when empty
.equ BUF_CAPLO, 4               # the block's read-write capability it was filled with
.equ BUF_CAPHI, 8
.equ BUF_PPN, 12                # its page (the server's), and the page's capability
.equ BUF_PCAPLO, 16
.equ BUF_PCAPHI, 20
.equ BUF_STAMP, 24
.equ BUF_FLAGS, 28              # BC_DATA, BC_META, TRACKED
.equ BUF_SHIFT, 5               # 32 bytes a record
.equ BCS_STACK, 4096
.equ BCC_SLOTS, 16              # a client's mappings of shared pages
.equ BCC_VA, SHARED_BASE + 0x800000   # above chan_attach's pages
.equ BCC_STATE_VA, BCC_VA + 0x100000    # a client's mappings of state pages, k at + k pages
.equ SLOT_BLOCK, 0              # a client's slot in bcc_tab: block (0 free), ppn, capability
.equ SLOT_PPN, 4
.equ SLOT_CAPLO, 8
.equ SLOT_CAPHI, 12
.equ SLOT_BCAPLO, 16            # the block's read-write capability (for BCS_DIRTY)
.equ SLOT_BCAPHI, 20
.equ SLOT_SHIFT, 5

        .text
# ---- the server -------------------------------------------------------------------------------

        .globl  bcs_serve
bcs_serve:
        swg     a0, bcs_owner, t0
        la      t0, bcs_tab             # no buffer has a page yet (bcs_page gives one when needed)
        li      t1, BCS_BUFS
        li      t2, -1
1:      sw      t2, BUF_PPN(t0)
        addi    t0, t0, 1 << BUF_SHIFT
        addi    t1, t1, -1
        bnez    t1, 1b
        call    cons_flush
        j       bcs_idle

# bcs_idle: (re)opens the IPC entry and gives the CPU away until a request arrives.
bcs_idle:
        la      sp, bcs_stack + BCS_STACK
        mv      fp, zero
        li      a0, 0
        li      a1, 0
        li      a2, 0
        li      a3, PC_IPC_ONCE         # one transfer: the kernel shuts the entry as it takes it
        la      a4, bcs_entry
        sys_env_set_pc
        lwg     a0, bcs_caller          # back to the client answered last, which gave us the
        sys_yield                       # CPU to reopen (0 at the start: the next slot)
1:      li      a0, 0
        sys_yield
        j       1b

# bcs_entry: every transfer arrives here, k0 = kind, k1 = caller; the other registers are the
# caller's (its s registers go back to it untouched: bcs_handle saves them).
bcs_entry:
        la      t9, bcs_caller
        sw      k1, 0(t9)
        la      sp, bcs_stack + BCS_STACK
        mv      fp, zero
        li      t9, PCT_KIND_ASYNC
        beq     k0, t9, bcs_notified
        call    bcs_handle              # (the entry took this transfer only: PC_IPC_ONCE)
        la      t0, bcs_answer
        sw      a0, 0(t0)
        sw      a1, 4(t0)
        sw      a2, 8(t0)
bcs_reply:
        la      t0, bcs_answer
        lw      a0, 0(t0)
        lw      a1, 4(t0)
        lw      a2, 8(t0)
        li      a3, 0                   # the answer is a0..a2: nothing else of the server's leaves
        li      a4, 0
        li      a5, 0
        li      a6, 0
        li      a7, 0
        li      t0, 0
        li      t1, 0
        li      t2, 0
        li      t3, 0
        li      t4, 0
        li      t5, 0
        li      t6, 0
        li      t7, 0
        li      t8, 0
        la      t0, bcs_caller
        lw      k1, 0(t0)
        li      t0, 0
        li      k0, -1                  # a refusal alone sets k0 = 0 (ipc.s's rpc_call)
        rdcycle t9                      # the mark telling a refusal from running again: the
        swg     t9, bcs_sent, t8        # one word the client gets besides the answer, a cycle
        li      t8, 0                   # count it can read itself
        sys_pct_sync                    # the answer; we run on from here on our own slot
        lwg     t1, bcs_sent            # (refused at once, or running again later: ipc.s's rule)
        bne     t9, t1, bcs_idle
        bnez    k0, bcs_idle
        li      t0, E_BUSY              # refused while the client was in an exception handler:
        bne     k1, t0, bcs_idle        # let it finish and answer again (else it is gone)
        lwg     a0, bcs_caller
        sys_yield
        j       bcs_reply

# bcs_notified: an asynchronous transfer; from the owner, a0 is the status to exit with.
bcs_notified:
        lwg     t0, bcs_owner
        bne     k1, t0, bcs_idle
        call    exit

# bcs_handle(op, block, caplo, caphi, x) -> a0, a1, a2: one request. s1 = block, s2/s3 = its
# capability, s4 = op, s5 = the buffer, s6 = x.
bcs_handle:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sw      s6, 20(sp)
        mv      s4, a0
        mv      s1, a1
        mv      s2, a2
        mv      s3, a3
        mv      s6, a4
        li      t0, BCS_FLUSH
        beq     s4, t0, 5f
        li      t0, BCS_WRITEBACK       # the requests that name no block
        bltu    s4, t0, 10f
        li      t0, BCS_COUNT
        bgtu    s4, t0, 10f
        mv      a0, s4
        mv      a1, s1
        mv      a2, s6
        call    bcs_dirty_op
        j       9f
10:     mv      a0, s1                  # the kernel checks the capability: current, read-write
        mv      a1, s2
        mv      a2, s3
        sys_blk_cap_ro
        bltz    a0, 8f
        li      t0, BCS_LOCK
        bltu    s4, t0, 11f
        li      t0, BCS_STATE
        li      a0, E_INVAL
        bgtu    s4, t0, 8f
        mv      a0, s4
        mv      a1, s1
        mv      a2, s6
        call    bcs_lock_op
        j       9f
11:     mv      a0, s1
        call    bcs_find
        mv      s5, a0
        li      t0, BCS_GET
        beq     s4, t0, 1f
        li      t0, BCS_READ
        beq     s4, t0, 1f
        li      t0, BCS_ZERO
        beq     s4, t0, 1f
        li      t0, BCS_WRITE
        beq     s4, t0, 12f
        li      t0, BCS_DIRTY
        li      a0, E_INVAL
        bne     s4, t0, 8f
12:     li      a0, E_NOTFOUND          # BCS_WRITE, BCS_DIRTY: cached under this capability
        beqz    s5, 8f
        lw      t0, BUF_CAPLO(s5)
        lw      t1, BUF_CAPHI(s5)
        bne     t0, s2, 8f
        bne     t1, s3, 8f
        li      t0, BCS_DIRTY
        beq     s4, t0, 13f
        mv      a0, s5
        li      a1, 1
        call    bcs_transfer
        j       8f
13:     andi    t0, s6, BC_DATA | BC_META
        li      a0, E_INVAL
        beqz    t0, 8f
        bne     t0, s6, 8f
        lw      t1, BUF_FLAGS(s5)
        or      t1, t1, t0
        sw      t1, BUF_FLAGS(s5)
        li      a0, 0
        j       8f
1:      beqz    s5, 2f                  # BCS_GET, READ, ZERO: a hit if the capability is the buffer's
        lw      t0, BUF_CAPLO(s5)
        lw      t1, BUF_CAPHI(s5)
        bne     t0, s2, 3f
        bne     t1, s3, 3f
        li      t0, BCS_GET             # a plain get: its client will not say what it changes
        bne     s4, t0, 4f
        lw      t0, BUF_FLAGS(s5)
        andi    t0, t0, BC_DATA | BC_META
        sw      t0, BUF_FLAGS(s5)
        j       4f
3:      mv      a0, s5                  # freed and allocated again: its old page goes
        call    bcs_renew
        j       6f
2:      call    bcs_victim
        mv      s5, a0
        li      a0, E_NOSPC             # every buffer holds metadata not yet journaled
        beqz    s5, 8f
        lw      t0, BUF_BLOCK(s5)
        beqz    t0, 6f
        lw      t0, BUF_FLAGS(s5)       # evicted: written back with its own capability first
        li      t1, TRACKED             # (stale if the block was freed: then it is just
        beq     t0, t1, 7f              # dropped), unless it is tracked and clean
        mv      a0, s5
        li      a1, 1
        call    bcs_transfer
7:      mv      a0, s5
        call    bcs_renew
6:      mv      a0, s5                  # fill the buffer from the block, in a page of its own
        call    bcs_page
        bltz    a0, 8f
        sw      s1, BUF_BLOCK(s5)
        sw      s2, BUF_CAPLO(s5)
        sw      s3, BUF_CAPHI(s5)
        li      t0, TRACKED
        li      t1, BCS_GET
        bne     s4, t1, 61f
        li      t0, 0
61:     sw      t0, BUF_FLAGS(s5)
        li      t0, BCS_ZERO            # a new page is zeros: BCS_ZERO reads nothing
        beq     s4, t0, 4f
        mv      a0, s5
        li      a1, 0
        call    bcs_transfer
        beqz    a0, 4f
        sw      zero, BUF_BLOCK(s5)     # the read failed: the buffer stays empty
        j       8f
4:      lwg     t0, bcs_clock
        addi    t0, t0, 1
        swg     t0, bcs_clock, t1
        sw      t0, BUF_STAMP(s5)
        lw      a0, BUF_PPN(s5)
        lw      a1, BUF_PCAPLO(s5)
        lw      a2, BUF_PCAPHI(s5)
        j       9f
5:      sys_blk_flush                   # BCS_FLUSH
        bltz    a0, 8f
        call    disk_wait
8:      li      a1, 0
        li      a2, 0
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        leave   32

# bcs_dirty_op(op, a, b) -> a0, a1, a2: BCS_WRITEBACK (a = mask), BCS_NEXT (a = index, b =
# mask) or BCS_COUNT (a = mask). s1 = the record, s2 = the end, s3 = the mask, s4 = the first
# error (WRITEBACK) or the count, s5 = op.
bcs_dirty_op:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        mv      s5, a0
        mv      s3, a1
        la      s1, bcs_tab
        li      s4, 0
        li      t0, BCS_NEXT
        bne     s5, t0, 1f
        mv      s3, a2                  # BCS_NEXT starts at buffer a
        li      t0, BCS_BUFS
        bgeu    a1, t0, 5f
        slli    t0, a1, BUF_SHIFT
        add     s1, s1, t0
1:      la      s2, bcs_tab + (BCS_BUFS << BUF_SHIFT)
2:      bgeu    s1, s2, 5f
        lw      t0, BUF_BLOCK(s1)
        beqz    t0, 4f
        lw      t0, BUF_FLAGS(s1)
        and     t1, t0, s3
        beqz    t1, 4f
        li      t1, BCS_NEXT
        beq     s5, t1, 6f
        li      t1, BCS_COUNT
        bne     s5, t1, 3f
        addi    s4, s4, 1
        j       4f
3:      andi    t0, t0, TRACKED         # BCS_WRITEBACK: clean once written
        sw      t0, BUF_FLAGS(s1)
        mv      a0, s1
        li      a1, 1
        call    bcs_transfer
        bnez    s4, 4f
        mv      s4, a0
4:      addi    s1, s1, 1 << BUF_SHIFT
        j       2b
5:      mv      a0, s4                  # the count, or the first error
        li      t0, BCS_NEXT
        bne     s5, t0, 7f
        li      a0, -1
        j       7f
6:      la      t0, bcs_tab             # BCS_NEXT: the buffer's index and its block
        sub     a0, s1, t0
        srli    a0, a0, BUF_SHIFT
        lw      a1, BUF_BLOCK(s1)
        li      a2, 0
        j       8f
7:      li      a1, 0
        li      a2, 0
8:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   32

# bcs_lock_op(op, block, live) -> a0, a1: BCS_LOCK or BCS_UNLOCK on the lock the block names
# (its capability checked already), for bcs_caller.
bcs_lock_op:
        lwg     t3, bcs_caller
        la      t0, bcs_locks
        li      t1, BCS_LOCKS
        li      t4, 0                   # t4 = a free record, if the block has none
1:      lw      t2, LK_BLOCK(t0)
        beq     t2, a1, 3f
        bnez    t2, 2f
        bnez    t4, 2f
        mv      t4, t0
2:      addi    t0, t0, LK_BYTES
        addi    t1, t1, -1
        bnez    t1, 1b
        mv      t0, t4                  # a new lock, free and not live
        bnez    t0, 21f
        li      a0, E_NOSPC
        j       9f
21:
        sw      a1, LK_BLOCK(t0)
        sw      zero, LK_HOLDER(t0)
        sw      zero, LK_LIVE(t0)
        sw      zero, LK_WAITER(t0)
        sw      zero, LK_PAGES(t0)
        sw      zero, LK_PAGES + 12(t0)
3:      li      t1, BCS_STATE
        beq     a0, t1, 10f
        lw      t2, LK_HOLDER(t0)
        li      t1, BCS_LOCK
        bne     a0, t1, 5f
        beqz    t2, 4f
        beq     t2, t3, 4f              # (its holder again, or handed it at an unlock)
        lw      t1, LK_WAITER(t0)       # held: a1 = by whom; the first refused is next
        bnez    t1, 41f
        sw      t3, LK_WAITER(t0)
41:     li      a0, E_PERM
        mv      a1, t2
        li      a2, 0
        ret
4:      sw      t3, LK_HOLDER(t0)
        li      a0, 0
        lw      a1, LK_LIVE(t0)
        li      a2, 0
        ret
5:      li      a0, E_PERM              # BCS_UNLOCK: its holder's only
        bne     t2, t3, 9f
        beqz    a2, 6f
        li      t1, 1
        sw      t1, LK_LIVE(t0)
6:      lw      a1, LK_WAITER(t0)       # handed to the environment refused first, if any
        sw      a1, LK_HOLDER(t0)       # (a1 = it: the holder lets it run now)
        sw      zero, LK_WAITER(t0)
        li      a0, 0
        li      a2, 0
        ret
9:      li      a1, 0
        li      a2, 0
        ret
10:     li      a0, E_INVAL             # BCS_STATE: page k, made (zeroed) on the first request
        li      t1, BCS_STATES
        bgeu    a2, t1, 9b
        li      t1, 12
        mul     t1, t1, a2
        add     t0, t0, t1
        lw      t1, LK_PAGES(t0)
        bnez    t1, 11f
        li      a0, 0
        li      a1, 0
        li      a2, 0
        li      a3, -1
        sys_page_alloc
        bltz    a0, 9b
        addi    t1, a0, 1
        sw      t1, LK_PAGES(t0)
        sw      a1, LK_PAGES + 4(t0)
        sw      a2, LK_PAGES + 8(t0)
11:     addi    a0, t1, -1
        lw      a1, LK_PAGES + 4(t0)
        lw      a2, LK_PAGES + 8(t0)
        ret

# bcs_find(block) -> the buffer record holding block, or 0.
bcs_find:
        la      t0, bcs_tab
        li      t1, BCS_BUFS
1:      lw      t2, BUF_BLOCK(t0)
        beq     t2, a0, 2f
        addi    t0, t0, 1 << BUF_SHIFT
        addi    t1, t1, -1
        bnez    t1, 1b
        li      a0, 0
        ret
2:      mv      a0, t0
        ret

# bcs_victim() -> an empty buffer record, or else the least recently got one that holds no
# BC_META changes (0 if every buffer does).
bcs_victim:
        la      t0, bcs_tab
        li      t1, BCS_BUFS
        li      a0, 0
        li      t3, -1                  # the oldest stamp so far (unsigned)
1:      lw      t2, BUF_BLOCK(t0)
        beqz    t2, 3f
        lw      t2, BUF_FLAGS(t0)
        andi    t2, t2, BC_META
        bnez    t2, 2f
        lw      t2, BUF_STAMP(t0)
        bgeu    t2, t3, 2f
        mv      t3, t2
        mv      a0, t0
2:      addi    t0, t0, 1 << BUF_SHIFT
        addi    t1, t1, -1
        bnez    t1, 1b
        ret
3:      mv      a0, t0
        ret

# bcs_renew(rec): frees the buffer's page — the kernel breaks every mapping of it, in every
# client — and leaves the buffer empty and without a page. A page a client has pinned (a DMA
# of its own into it, in flight) cannot be freed: it is abandoned instead, never used again,
# and its mappings stay with a page no other block will be read into.
bcs_renew:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        sw      zero, BUF_BLOCK(s1)
        sw      zero, BUF_FLAGS(s1)
        lw      a0, BUF_PPN(s1)
        lw      a1, BUF_PCAPLO(s1)
        lw      a2, BUF_PCAPHI(s1)
        sys_page_free
        li      t0, -1                  # the buffer has no page until bcs_page gives it one
        sw      t0, BUF_PPN(s1)
        lw      s1, 0(sp)
        leave   16

# bcs_page(rec) -> 0 or error: gives the buffer a new, zeroed page if it has none.
bcs_page:
        lw      t0, BUF_PPN(a0)
        bgez    t0, 1f
        mv      t0, a0
        li      a0, 0
        li      a1, 0
        li      a2, 0
        li      a3, -1
        sys_page_alloc
        bltz    a0, 2f
        sw      a0, BUF_PPN(t0)
        sw      a1, BUF_PCAPLO(t0)
        sw      a2, BUF_PCAPHI(t0)
1:      li      a0, 0
2:      ret

# bcs_transfer(rec, write) -> 0 or error: one DMA between the buffer's block and page, waited for.
bcs_transfer:
        enter   16
        mv      t0, a0
        mv      t1, a1
        lw      a0, BUF_BLOCK(t0)
        lw      a1, BUF_CAPLO(t0)
        lw      a2, BUF_CAPHI(t0)
        lw      a3, BUF_PPN(t0)
        lw      a4, BUF_PCAPLO(t0)
        lw      a5, BUF_PCAPHI(t0)
        bnez    t1, 1f
        sys_blk_read
        j       2f
1:      sys_blk_write
2:      bltz    a0, 9f
        call    disk_wait
9:      leave   16

# ---- the client -------------------------------------------------------------------------------

# bcs_request(server, op, block, caplo, caphi, x) -> a0..a2: one request of the protocol, asked
# again while the server is busy — serving another (E_NOENTRY), inside one of its exception
# handlers or with the device's queue full (E_BUSY) — giving it the CPU meanwhile.
        .globl  bcs_request
bcs_request:
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sw      s6, 20(sp)
        mv      s1, a0
        mv      s2, a1
        mv      s3, a2
        mv      s4, a3
        mv      s5, a4
        mv      s6, a5
1:      mv      a0, s1
        mv      a1, s2
        mv      a2, s3
        mv      a3, s4
        mv      a4, s5
        mv      a5, s6
        call    rpc_call                # the server's a2 comes back with a0/a1
        sw      a0, 24(sp)
        sw      a1, 28(sp)
        sw      a2, 32(sp)
        mv      a0, s1                  # answered: the server reopens its entry and gives the
        sys_yield                       # CPU back; refused: it gets on with what it serves
        lw      a0, 24(sp)
        li      t0, E_NOENTRY
        beq     a0, t0, 1b
        li      t0, E_BUSY              # (refused inside one of its handlers, or the device queue full)
        beq     a0, t0, 1b
        lw      a1, 28(sp)
        lw      a2, 32(sp)
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        leave   48

        .globl  bcs_get
bcs_get:
        mv      a4, a3
        mv      a3, a2
        mv      a2, a1
        li      a1, BCS_GET

# bcs_fetch(server, op, block, caplo, caphi) -> va: s1 = block, s2 = ppn, s3/s4 = its
# capability, s5 = the slot, s6/s7 = the block's capability.
        .globl  bcs_fetch
bcs_fetch:
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sw      s6, 20(sp)
        sw      s7, 24(sp)
        mv      s1, a2
        mv      s6, a3
        mv      s7, a4
        li      a5, 0
        call    bcs_request
        bltz    a0, 9f
        mv      s2, a0
        mv      s3, a1
        mv      s4, a2
        la      s5, bcc_tab             # the block's slot, if it has one
        li      t1, BCC_SLOTS
1:      lw      t0, SLOT_BLOCK(s5)
        beq     t0, s1, 3f
        addi    s5, s5, 1 << SLOT_SHIFT
        addi    t1, t1, -1
        bnez    t1, 1b
        lwg     t0, bcc_next            # else the next slot, round robin
        addi    t1, t0, 1
        andi    t1, t1, BCC_SLOTS - 1
        swg     t1, bcc_next, t2
        slli    t0, t0, SLOT_SHIFT
        la      s5, bcc_tab
        add     s5, s5, t0
        j       4f
3:      lw      t0, SLOT_PPN(s5)        # mapped already: the same page under the same capability?
        bne     t0, s2, 4f
        lw      t0, SLOT_CAPLO(s5)
        bne     t0, s3, 4f
        lw      t0, SLOT_CAPHI(s5)
        beq     t0, s4, 5f
4:      lw      t0, SLOT_BLOCK(s5)      # (re)map the slot's page
        beqz    t0, 6f
        mv      a0, s5
        call    bcc_va
        li      a1, 1
        call    vm_unmap
6:      sw      s1, SLOT_BLOCK(s5)
        sw      s2, SLOT_PPN(s5)
        sw      s3, SLOT_CAPLO(s5)
        sw      s4, SLOT_CAPHI(s5)
        mv      a0, s5
        call    bcc_va
        mv      a1, s2
        mv      a2, s3
        mv      a3, s4
        li      a4, PTE_W
        call    vm_map
5:      sw      s6, SLOT_BCAPLO(s5)
        sw      s7, SLOT_BCAPHI(s5)
        mv      a0, s5
        call    bcc_va
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        lw      s7, 24(sp)
        leave   48

# bcs_dirty(server, va, class) -> 0 or error: the block this client has mapped at va's page
# was changed (E_INVAL if va is not in one of its slots).
        .globl  bcs_dirty
bcs_dirty:
        enter   16
        li      t0, BCC_VA
        sub     t0, a1, t0
        srli    t0, t0, PAGE_SHIFT
        li      t1, BCC_SLOTS
        bgeu    t0, t1, 8f
        slli    t0, t0, SLOT_SHIFT
        la      t1, bcc_tab
        add     t0, t0, t1
        mv      a5, a2
        lw      a2, SLOT_BLOCK(t0)
        beqz    a2, 8f
        lw      a3, SLOT_BCAPLO(t0)
        lw      a4, SLOT_BCAPHI(t0)
        li      a1, BCS_DIRTY
        call    bcs_request
        j       9f
8:      li      a0, E_INVAL
9:      leave   16

# bcs_lock(server, block, caplo, caphi) -> 0 or 1 (the lock is live), or error: waits, giving
# the holder the CPU, while another environment holds the lock; E_BADENV if the holder has
# exited holding it (the server does not take a lock back, and what the holder left half done
# is nobody's to finish, so every later caller is told, rather than waiting for ever).
        .globl  bcs_lock
bcs_lock:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      zero, 20(sp)            # a holder found gone once (0: none)
        mv      s1, a0
        mv      s2, a1
        mv      s3, a2
        mv      s4, a3
1:      mv      a0, s1
        li      a1, BCS_LOCK
        mv      a2, s2
        mv      a3, s3
        mv      a4, s4
        li      a5, 0
        call    bcs_request
        li      t0, E_PERM
        bne     a0, t0, 2f
        sw      a1, 16(sp)
        mv      a0, a1                  # held: its holder runs until it lets go (the server has
        sys_yield                       # reopened its entry: bcs_request gave it the CPU first)
        bgez    a0, 1b
        lw      t0, 16(sp)              # E_BADENV: the holder has exited. It may have let go
        lw      t1, 20(sp)              # first, so ask once more; the same holder named
        sw      t0, 20(sp)              # again holds it still
        bne     t0, t1, 1b
        li      a0, E_BADENV
        j       9f
2:      bltz    a0, 9f
        mv      a0, a1
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        leave   32

# bcs_unlock(server, block, caplo, caphi, live) -> 0 or error.
        .globl  bcs_unlock
bcs_unlock:
        enter   16
        mv      a5, a4
        mv      a4, a3
        mv      a3, a2
        mv      a2, a1
        li      a1, BCS_UNLOCK
        call    bcs_request
        bnez    a0, 9f
        beqz    a1, 9f
        mv      a0, a1                  # handed to a waiter: it runs now
        sys_yield
        li      a0, 0
9:      leave   16

# bcs_state(server, block, caplo, caphi, k) -> va: the state page k of the lock the block
# names, mapped writable at BCC_STATE_VA + k pages: memory its holders share, no block's.
        .globl  bcs_state
bcs_state:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a4
        mv      a5, a4
        mv      a4, a3
        mv      a3, a2
        mv      a2, a1
        li      a1, BCS_STATE
        call    bcs_request
        bltz    a0, 9f
        mv      t0, a0
        slli    a0, s1, PAGE_SHIFT
        li      t1, BCC_STATE_VA
        add     a0, a0, t1
        sw      a0, 4(sp)
        mv      a3, a2
        mv      a2, a1
        mv      a1, t0
        li      a4, PTE_W
        call    vm_map
        li      t0, 1                   # (forgotten by bcs_unmap_all)
        sll     t0, t0, s1
        lwg     t1, bcc_states
        or      t1, t1, t0
        swg     t1, bcc_states, t0
        lw      a0, 4(sp)
9:      lw      s1, 0(sp)
        leave   16

# bcs_unmap_all(): this client's slots are forgotten and their pages unmapped (a forked child's
# slots are its parent's, mapped copy-on-write: it must get its blocks afresh).
        .globl  bcs_unmap_all
bcs_unmap_all:
        enter   16
        sw      s1, 0(sp)
        la      s1, bcc_tab
1:      la      t0, bcc_tab + (BCC_SLOTS << SLOT_SHIFT)
        bgeu    s1, t0, 9f
        lw      t0, SLOT_BLOCK(s1)
        beqz    t0, 2f
        sw      zero, SLOT_BLOCK(s1)
        mv      a0, s1
        call    bcc_va
        li      a1, 1
        call    vm_unmap
2:      addi    s1, s1, 1 << SLOT_SHIFT
        j       1b
9:      li      s1, 0                   # and its state pages
3:      lwg     t0, bcc_states
        srl     t0, t0, s1
        beqz    t0, 5f
        andi    t0, t0, 1
        beqz    t0, 4f
        slli    a0, s1, PAGE_SHIFT
        li      t0, BCC_STATE_VA
        add     a0, a0, t0
        li      a1, 1
        call    vm_unmap
4:      addi    s1, s1, 1
        j       3b
5:      swg     zero, bcc_states, t0
        lw      s1, 0(sp)
        leave   16

# bcc_va(slot) -> the virtual address a client slot maps its page at.
bcc_va:
        la      t0, bcc_tab
        sub     a0, a0, t0
        slli    a0, a0, PAGE_SHIFT - SLOT_SHIFT
        li      t0, BCC_VA
        add     a0, a0, t0
        ret

        .globl  bcs_write
bcs_write:
        enter   16
        li      a5, 0
        mv      a4, a3
        mv      a3, a2
        mv      a2, a1
        li      a1, BCS_WRITE
        call    bcs_request
        leave   16

# bcs_stop(server, status): the server's owner stops it (it exits with status). Asks until the
# server takes the notification (it refuses transfers while it serves a request); returns once
# the server is gone.
        .globl  bcs_stop
bcs_stop:
        enter   16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      s1, a0
        mv      s2, a1
1:      mv      a0, s1
        mv      a1, s2
        call    rpc_notify
        mv      a0, s1
        sys_yield
        bgez    a0, 1b                  # E_BADENV: it has exited
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   16

        .globl  bcs_flush
bcs_flush:
        enter   16
        li      a1, BCS_FLUSH
        li      a2, 0
        li      a3, 0
        li      a4, 0
        li      a5, 0
        call    bcs_request
        leave   16

        .bss
        .align  16
bcs_stack:     .space BCS_STACK
bcs_tab:       .space BCS_BUFS << BUF_SHIFT
bcc_tab:       .space BCC_SLOTS << SLOT_SHIFT
bcs_owner:     .space 4
bcs_caller:    .space 4
bcs_clock:     .space 4
bcs_sent:      .space 4
bcs_answer:    .space 12
bcc_next:      .space 4
bcs_locks:     .space BCS_LOCKS * LK_BYTES
bcc_states:    .space 4                 # a bit per state page this client has mapped
