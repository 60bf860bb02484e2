# ipc.s: IPC over protected control transfer, and shared-memory channels.
#
# A protected control transfer leaves every general register as the caller had it (they are
# the message) and enters the callee at its IPC entry with k0 = 1 (synchronous) or 2
# (asynchronous) and k1 = the caller's id. The callee's own registers are gone, so each side
# keeps what it needs in memory: the client its registers across a call (rpc_ctx), the server
# a stack of its own (rpc_stack). Message: a0..a4 in, a0/a1 back; the server's handler also
# gets the caller's id in a5.
#
#   client: rpc_call(server, a1..a5 as args 0..4) -> a0, a1
#   server: rpc_serve(handler, notify): handler(arg0..arg4, caller) -> a0, a1 is called for
#           each synchronous call; notify(value, caller) for each rpc_notify. Never returns.
#   either: rpc_notify(env, value): asynchronous notification (donates the rest of the slice).
#
# Channels: chan_create makes a page to share and returns its capability; the other side maps
# it with chan_attach. A channel is a ring of CHAN_SLOTS words: word 0 the write index, word 1
# the read index, words 2.. the data. One writer, one reader.
        .include "libos.inc"
        .extern cons_flush, vm_alloc, vm_map, vm_page, vm_set_flags

.equ CHAN_SLOTS, 1022
.equ RPC_STACK, 4096

        .text
# rpc_call(server, x0, x1, x2, x3, x4) -> a0, a1: the server's handler's results (its a2 comes
# back too). Returns a0 < 0 (a kernel error) if the transfer was refused, or E_BADENV if the
# server ended before it answered. The server may take its time: if this environment runs
# again before the answer (on a slot of its own), it gives the server the CPU until then.
        .globl  rpc_call
rpc_call:
        enter   16
        sw      a0, 0(sp)
        call    ipc_entry_install
        la      t0, rpc_ctx             # everything the reply must find again
        save_ctx t0
        lw      k1, 0(sp)
        swg     k1, rpc_server, t1
        li      t1, 1
        swg     t1, rpc_waiting, t2
        mv      a0, a1                  # the message: arguments 0..4 in a0..a4
        mv      a1, a2
        mv      a2, a3
        mv      a3, a4
        mv      a4, a5
        lw      k1, 0(sp)
        li      k0, -1                  # a refusal alone sets k0 = 0 (an exception here leaves its EPC)
        rdcycle t9                      # a mark only this call's registers can hold
        swg     t9, rpc_sent, t8
        sys_pct_sync                    # on success the reply arrives at ipc_entry
        # Here either the transfer was refused (k0 = 0, k1 = the error, every other register as
        # it was, the mark in t9 included), or this environment ran again, on a slot of its own,
        # before the server answered (the server yielded, or was preempted, inside its
        # handler): then the registers are the context the kernel saved at an earlier switch,
        # whose t9 cannot hold a cycle count read after it, or whose k0 is not 0 if the switch
        # came between the two marks, and only memory can be trusted.
        lwg     t1, rpc_sent
        bne     t9, t1, 1f
        bnez    k0, 1f
        swg     zero, rpc_waiting, t2   # refused: k1 = the error
        mv      a0, k1
        leave   16
1:      la      t0, rpc_ctx             # ran again early: the registers of the call
        load_ctx t0
2:      lwg     a0, rpc_server          # the server has the call: let it run until its answer
        sys_yield                       # arrives (at ipc_entry, which leaves this loop)
        bgez    a0, 2b
        swg     zero, rpc_waiting, t2   # E_BADENV: the server is gone
        leave   16

# rpc_reply: (from ipc_entry) the server answered; a0/a1 are the results.
rpc_reply:
        swg     zero, rpc_waiting, t0
        la      t0, rpc_ctx
        load_ctx t0
        leave   16

# rpc_notify(env, value): asynchronous notification; returns when this environment next runs.
        .globl  rpc_notify
rpc_notify:
        enter   16
        sw      a0, 0(sp)
        la      t0, notify_ctx          # the kernel keeps only our PC across the transfer
        save_callee t0, 0
        mv      a0, a1
        lw      k1, 0(sp)
        sys_pct_async
        la      t0, notify_ctx
        load_callee t0, 0
        leave   16

# rpc_serve(handler, notify): accepts transfers from now on and idles. Does not return.
        .globl  rpc_serve
rpc_serve:
        swg     a0, rpc_handler, t0
        swg     a1, rpc_notifier, t0
        call    ipc_entry_install
        call    cons_flush
        j       rpc_idle

rpc_idle:
        la      sp, rpc_stack + RPC_STACK
        mv      fp, zero
1:      li      a0, 0
        sys_yield
        j       1b

# ipc_entry_install(): points this environment's IPC entry at ipc_entry, once per environment
# (ipc_installed holds the id that did: a forked child inherits the word, not the entry; code
# that points the entry elsewhere, ns.s's ns_serve, clears it when it is done).
# Keeps a0..a4.
ipc_entry_install:
        mv      t2, a0                  # a0..a4 are rpc_call's message: kept
        mv      t3, a1
        mv      t4, a2
        mv      t5, a3
        mv      t6, a4
        sys_env_self
        lwg     t0, ipc_installed
        beq     t0, a0, 1f
        swg     a0, ipc_installed, t1
        li      a0, 0
        li      a1, 0
        li      a2, 0
        li      a3, PC_IPC
        la      a4, ipc_entry
        sys_env_set_pc
1:      mv      a0, t2
        mv      a1, t3
        mv      a2, t4
        mv      a3, t5
        mv      a4, t6
        ret

# ipc_entry: every transfer into this environment arrives here (k0 = kind, k1 = caller).
# Registers other than the message are the caller's, so t9 is free to use.
ipc_entry:
        la      t9, ipc_kind
        sw      k0, 0(t9)
        sw      k1, 4(t9)
        la      t9, rpc_waiting
        lw      t9, 0(t9)
        beqz    t9, 1f
        la      t9, rpc_server
        lw      t9, 0(t9)
        beq     t9, k1, rpc_reply
1:      la      sp, rpc_stack + RPC_STACK
        mv      fp, zero
        li      t9, PCT_KIND_ASYNC
        beq     k0, t9, 3f
        mv      a5, k1                  # a call: handler(args, caller)
        la      t9, rpc_handler
        lw      t9, 0(t9)
        beqz    t9, 2f
        jalr    ra, 0(t9)
        la      t9, ipc_kind
        lw      k1, 4(t9)
        sys_pct_sync                    # the reply; returns only if the client is gone
2:      j       rpc_idle
3:      mv      a1, k1                  # a notification: notify(value, caller)
        la      t9, rpc_notifier
        lw      t9, 0(t9)
        beqz    t9, rpc_idle
        jalr    ra, 0(t9)
        j       rpc_idle

# chan_create() -> a0 = vaddr of a new channel, a1 = its page number, a2/a3 = its read-write
# capability (what the other side needs for chan_attach).
        .globl  chan_create
chan_create:
        enter   16
        sw      s1, 0(sp)
        li      a0, 1
        call    vm_alloc
        mv      s1, a0
        li      a1, 1
        li      a2, PTE_SHARED
        li      a3, 0
        call    vm_set_flags
        mv      a0, s1
        call    vm_page
        mv      a3, a2
        mv      a2, a1
        mv      a1, a0
        mv      a0, s1
        lw      s1, 0(sp)
        leave   16

# chan_attach(ppn, caplo, caphi) -> a0 = vaddr where the channel is mapped here.
        .globl  chan_attach
chan_attach:
        enter   16
        sw      s1, 0(sp)
        mv      a3, a2
        mv      a2, a1
        mv      a1, a0
        lwg     t0, shared_next
        li      t1, SHARED_BASE
        add     s1, t0, t1
        addi    t0, t0, PAGE_SIZE
        swg     t0, shared_next, t1
        mv      a0, s1
        li      a4, PTE_W
        call    vm_map
        mv      a0, s1
        lw      s1, 0(sp)
        leave   16

# chan_send(ch, word): appends word, yielding the CPU while the channel is full.
        .globl  chan_send
chan_send:
1:      lw      t0, 0(a0)
        lw      t1, 4(a0)
        addi    t2, t0, 1
        li      t3, CHAN_SLOTS
        bne     t2, t3, 2f
        li      t2, 0
2:      bne     t2, t1, 3f
        mv      t4, a0
        li      a0, 0
        sys_yield
        mv      a0, t4
        j       1b
3:      slli    t3, t0, 2
        add     t3, a0, t3
        sw      a1, 8(t3)
        sw      t2, 0(a0)
        ret

# chan_recv(ch) -> a0 = 1 and a1 = the oldest word, or a0 = 0 if the channel is empty.
        .globl  chan_recv
chan_recv:
        lw      t0, 0(a0)
        lw      t1, 4(a0)
        beq     t0, t1, 1f
        slli    t3, t1, 2
        add     t3, a0, t3
        lw      a1, 8(t3)
        addi    t1, t1, 1
        li      t3, CHAN_SLOTS
        bne     t1, t3, 2f
        li      t1, 0
2:      sw      t1, 4(a0)
        li      a0, 1
        ret
1:      li      a0, 0
        ret

        .globl  ipc_installed
        .bss
        .align  16
rpc_stack:     .space RPC_STACK
rpc_ctx:       .space CTX_SIZE
notify_ctx:    .space CTX_SIZE
rpc_server:    .space 4
rpc_sent:      .space 4
rpc_waiting:   .space 4
rpc_handler:   .space 4
rpc_notifier:  .space 4
ipc_kind:      .space 8
ipc_installed: .space 4
shared_next:   .space 4
