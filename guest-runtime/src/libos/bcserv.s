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
#           bcs_write(server, block, caplo, caphi) -> 0 or error: the page to the block
#           bcs_flush(server) -> 0 or error    blk_flush: what was written is durable
#           bcs_request(server, op, block, caplo, caphi) -> a0..a2: any request, raw
#   owner:  bcs_stop(server, status)           the server exits with status (an asynchronous
#                                              transfer: a notification from anyone else is ignored)
#
# The protocol is one synchronous protected control transfer a request (ipc.s's rpc_call):
# a0 = op, a1 = block, a2/a3 = the block's read-write capability; the answer a0 = the page
# number or 0 or a negative error, a1/a2 = the page's read-write capability (BCS_GET).
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
# its IPC entry is 0 from a request's arrival until it runs again after answering, and a
# client that meets E_NOENTRY gives the server the CPU (a directed yield) and asks again.
#
# A va from bcs_get names the block's page until the server replaces that page (eviction, or
# the block freed and allocated again): get the block again before each use, as bc_get's
# callers do.
        .include "libos.inc"
        .extern cons_flush, disk_wait, exit, rpc_call, rpc_notify, vm_map, vm_unmap

.equ BCS_GET, 1
.equ BCS_WRITE, 2
.equ BCS_FLUSH, 3
.equ BCS_BUFS, 64               # cached blocks (256 KiB)
.equ BUF_BLOCK, 0               # a buffer's record in bcs_tab: 0 when empty
.equ BUF_CAPLO, 4               # the block's read-write capability it was filled with
.equ BUF_CAPHI, 8
.equ BUF_PPN, 12                # its page (the server's), and the page's capability
.equ BUF_PCAPLO, 16
.equ BUF_PCAPHI, 20
.equ BUF_STAMP, 24
.equ BUF_SHIFT, 5               # 32 bytes a record
.equ BCS_STACK, 4096
.equ BCC_SLOTS, 16              # a client's mappings of shared pages
.equ BCC_VA, SHARED_BASE + 0x800000   # above chan_attach's pages
.equ SLOT_BLOCK, 0              # a client's slot in bcc_tab: block (0 free), ppn, capability
.equ SLOT_PPN, 4
.equ SLOT_CAPLO, 8
.equ SLOT_CAPHI, 12
.equ SLOT_SHIFT, 4

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
        li      a3, PC_IPC
        la      a4, bcs_entry
        sys_env_set_pc
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
        addi    sp, sp, -32
        sw      a0, 0(sp)
        sw      a1, 4(sp)
        sw      a2, 8(sp)
        sw      a3, 12(sp)
        li      a0, 0                   # no other transfer until this one is answered
        li      a1, 0
        li      a2, 0
        li      a3, PC_IPC
        li      a4, 0
        sys_env_set_pc
        lw      a0, 0(sp)
        lw      a1, 4(sp)
        lw      a2, 8(sp)
        lw      a3, 12(sp)
        sw      zero, 0(sp)             # the request leaves nothing behind on the stack
        sw      zero, 4(sp)
        sw      zero, 8(sp)
        sw      zero, 12(sp)
        call    bcs_handle
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

# bcs_handle(op, block, caplo, caphi) -> a0, a1, a2: one request.
bcs_handle:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        mv      s4, a0
        mv      s1, a1
        mv      s2, a2
        mv      s3, a3
        li      t0, BCS_FLUSH
        beq     s4, t0, 5f
        mv      a0, s1                  # the kernel checks the capability: current, read-write
        mv      a1, s2
        mv      a2, s3
        sys_blk_cap_ro
        bltz    a0, 8f
        mv      a0, s1
        call    bcs_find
        mv      s5, a0
        li      t0, BCS_GET
        beq     s4, t0, 1f
        li      t0, BCS_WRITE
        li      a0, E_INVAL
        bne     s4, t0, 8f
        li      a0, E_NOTFOUND          # BCS_WRITE: the block must be cached under this capability
        beqz    s5, 8f
        lw      t0, BUF_CAPLO(s5)
        lw      t1, BUF_CAPHI(s5)
        bne     t0, s2, 8f
        bne     t1, s3, 8f
        mv      a0, s5
        li      a1, 1
        call    bcs_transfer
        j       8f
1:      beqz    s5, 2f                  # BCS_GET: a hit if the capability is the buffer's
        lw      t0, BUF_CAPLO(s5)
        lw      t1, BUF_CAPHI(s5)
        bne     t0, s2, 3f
        beq     t1, s3, 4f
3:      mv      a0, s5                  # freed and allocated again: its old page goes
        call    bcs_renew
        j       6f
2:      call    bcs_victim
        mv      s5, a0
        lw      t0, BUF_BLOCK(s5)
        beqz    t0, 6f
        li      a1, 1                   # evicted: written back with its own capability first
        call    bcs_transfer            # (stale if the block was freed: then it is just dropped)
        mv      a0, s5
        call    bcs_renew
6:      mv      a0, s5                  # fill the buffer from the block, in a page of its own
        call    bcs_page
        bltz    a0, 8f
        sw      s1, BUF_BLOCK(s5)
        sw      s2, BUF_CAPLO(s5)
        sw      s3, BUF_CAPHI(s5)
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
        leave   32

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

# bcs_victim() -> an empty buffer record, or else the least recently got one.
bcs_victim:
        la      t0, bcs_tab
        li      t1, BCS_BUFS
        mv      a0, t0
        li      t3, -1                  # the oldest stamp so far (unsigned)
1:      lw      t2, BUF_BLOCK(t0)
        beqz    t2, 3f
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

# bcs_request(server, op, block, caplo, caphi) -> a0..a2: one request of the protocol, asked
# again while the server is busy — serving another (E_NOENTRY), inside one of its exception
# handlers or with the device's queue full (E_BUSY) — giving it the CPU meanwhile.
        .globl  bcs_request
bcs_request:
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
        mv      s5, a4
1:      mv      a0, s1
        mv      a1, s2
        mv      a2, s3
        mv      a3, s4
        mv      a4, s5
        call    rpc_call                # the server's a2 comes back with a0/a1
        li      t0, E_NOENTRY
        beq     a0, t0, 3f
        li      t0, E_BUSY              # (refused inside one of its handlers, or the device queue full)
        bne     a0, t0, 2f
3:      mv      a0, s1
        sys_yield
        j       1b
2:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   32

        .globl  bcs_get
bcs_get:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        mv      s1, a1                  # s1 = block
        mv      a4, a3
        mv      a3, a2
        mv      a2, a1
        li      a1, BCS_GET
        call    bcs_request
        bltz    a0, 9f
        mv      s2, a0                  # s2 = ppn, s3/s4 = its capability
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
5:      mv      a0, s5
        call    bcc_va
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   32

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
