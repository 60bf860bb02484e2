# ns.s: a name service for programs the host boots separately (exo run a.s b.s c.s), kept by
# the library OS of the first of them (docs/libos.md, "Finding each other: the name service";
# docs/disks.md, "Separately booted programs"). The kernel names nothing: the host, as the
# parent of every program it boots, writes one boot record into each (docs/kernel-abi.md,
# "Start-up": how many it booted, their ids in boot order), so every one knows the first one's
# id; that environment binds names to ids in a table of its own and answers the others by
# protected control transfer. A name is 1..NS_NAME bytes; an answer is an id, never a
# capability: whoever a name leads to still checks every capability a request names.
#
#   ns_first() -> id            the first environment the host booted (0: no boot record)
#   ns_set(name, id) -> 0       binds name to any id; only in the first environment (E_PERM
#                               elsewhere). Names bound before ns_serve can never be taken
#   ns_register(name) -> 0      binds name to the caller, as the kernel reports it: one name
#                               an environment (E_LIMIT), first come first served (E_BUSY)
#   ns_lookup(name) -> id       E_NOTFOUND: nothing has that name
#   ns_serve() -> 0             (the first environment) answers the others until every other
#                               environment the host booted has exited, then returns
#
# ns_register and ns_lookup also answer E_INVAL (a name of 0 or more than NS_NAME bytes),
# E_NOSPC (the table is full), E_BADENV (the first environment has exited), E_NOENTRY (it took
# no request in NS_TRIES tries: it is not serving names), E_NOSYS (it answered, but not as a
# name service: no NS_MAGIC in a1). In the first environment they use its table directly.
#
# The protocol: one synchronous transfer a request (ipc.s's rpc_call) to the first
# environment: a0 = NS_LOOKUP or NS_REGISTER, a1 = 0, a2..a4 = the name, NUL-padded; the
# answer a0 = the id, 0 or an error, a1 = NS_MAGIC (a refused transfer leaves a1 = 0, so an
# answer is never mistaken for a refusal), sent by an asynchronous transfer: a synchronous one
# would hand the caller the time slice the service runs in, which is its own when it had
# yielded to the caller (ns_idle), and the service needs a slot of its own to see the others
# exit. As bcserv.s does, the service takes one request at a time (its IPC entry is 0 from a
# request's arrival until it runs again after answering, and ns_lookup meeting E_NOENTRY yields
# to it and asks again), clears the registers it used before it transfers back (sp, fp and ra
# still point into its own stack and code; t9 is the mark bcs_reply keeps too), and answers
# again a client that was inside an exception handler.
        .include "libos.inc"
        .extern cons_flush, rpc_call, ipc_installed

.equ NS_LOOKUP, 0x6e730001
.equ NS_REGISTER, 0x6e730002
.equ NS_MAGIC, 0x6e73616e       # in a1 of every answer
.equ NS_NAME, 12                # bytes in a name, at most
.equ NS_MAX, 16                 # names in the table
.equ NS_TRIES, 1000             # directed yields a request waits for the service to open
.equ NS_STACK, 1024
.equ NE_NAME, 0                 # an entry: the name (three words), the id (0: free)
.equ NE_ID, 12
.equ NE_SHIFT, 4

        .text
        .globl  ns_first, ns_set, ns_register, ns_lookup, ns_serve

ns_first:
        li      t0, BOOT_COUNT
        lw      t1, 0(t0)
        li      a0, 0
        beqz    t1, 1f
        li      t0, BOOT_IDS
        lw      a0, 0(t0)
1:      ret

# ns_set(name, id) -> 0 or an error: binds in the table; only the first environment has one.
ns_set:
        enter   16
        sw      s1, 0(sp)
        mv      s1, a1
        call    ns_pack
        bltz    a0, 9f
        call    ns_am_first
        li      a0, E_PERM
        beqz    a1, 9f
        li      a0, NS_REGISTER
        la      t0, ns_words
        lw      a1, 0(t0)
        lw      a2, 4(t0)
        lw      a3, 8(t0)
        mv      a4, s1
        li      a5, 0                   # not one name a caller: the service's own binding
        call    ns_handle
9:      lw      s1, 0(sp)
        leave   16

ns_register:
        li      a1, NS_REGISTER
        j       ns_request

ns_lookup:
        li      a1, NS_LOOKUP

# ns_request(name, op) -> a0: packs the name, then asks the table here (the first environment)
# or the first environment, retrying while it takes no requests.
ns_request:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        mv      s1, a1
        call    ns_pack
        bltz    a0, 9f
        call    ns_am_first             # a0 = the first environment, a1 = 1 if that is us
        mv      s2, a0
        beqz    a1, 1f
        mv      a0, s1                  # here: the table itself, the caller ourselves
        la      t0, ns_words
        lw      a1, 0(t0)
        lw      a2, 4(t0)
        lw      a3, 8(t0)
        mv      a4, s2
        mv      a5, s2
        call    ns_handle
        j       9f
1:      li      a0, E_NOENTRY           # no boot record: nobody to ask
        beqz    s2, 9f
        li      s3, NS_TRIES
2:      mv      a0, s2
        mv      a1, s1
        li      a2, 0
        la      t0, ns_words
        lw      a3, 0(t0)
        lw      a4, 4(t0)
        lw      a5, 8(t0)
        call    rpc_call
        li      t0, NS_MAGIC
        beq     a1, t0, 9f              # answered
        li      t0, E_BADENV            # gone (before or after taking the request)
        beq     a0, t0, 9f
        bnez    a1, 5f
        li      t0, E_NOENTRY           # refused: not serving yet, or inside a handler
        beq     a0, t0, 3f
        li      t0, E_BUSY
        beq     a0, t0, 3f
        bltz    a0, 9f
5:      li      a0, E_NOSYS             # an answer, but no name service's
        j       9f
3:      addi    s3, s3, -1
        li      a0, E_NOENTRY
        beqz    s3, 9f
        mv      a0, s2
        sys_yield
        bgez    a0, 2b                  # (E_BADENV: it exited meanwhile)
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

# ns_am_first() -> a0 = the first environment's id, a1 = 1 if it is this one.
ns_am_first:
        enter   16
        call    ns_first
        sw      a0, 0(sp)
        sys_env_self
        lw      t0, 0(sp)
        sub     a1, a0, t0
        seqz    a1, a1
        mv      a0, t0
        beqz    t0, 1f
        leave   16
1:      li      a1, 0
        leave   16

# ns_pack(name) -> 0 or E_INVAL: the name into ns_words, NUL-padded.
ns_pack:
        la      t0, ns_words
        sw      zero, 0(t0)
        sw      zero, 4(t0)
        sw      zero, 8(t0)
        li      t1, 0
1:      lbu     t2, 0(a0)
        beqz    t2, 2f
        li      t3, NS_NAME
        bge     t1, t3, 8f
        add     t3, t0, t1
        sb      t2, 0(t3)
        addi    a0, a0, 1
        addi    t1, t1, 1
        j       1b
2:      li      a0, 0
        bnez    t1, 9f
8:      li      a0, E_INVAL
9:      ret

# ns_handle(op, w0, w1, w2, id, caller) -> a0: one request on the table. A registration binds
# the name to id, refused if the name is bound or caller (0 for ns_set) already has a name.
ns_handle:
        li      t0, NS_LOOKUP
        beq     a0, t0, 1f
        li      t0, NS_REGISTER
        bne     a0, t0, 8f
        beqz    a1, 8f                  # an empty name
        la      t0, ns_table            # register: t4 = a free entry
        li      t1, NS_MAX
        li      t4, 0
2:      lw      t2, NE_ID(t0)
        bnez    t2, 3f
        bnez    t4, 4f
        mv      t4, t0
        j       4f
3:      beqz    a5, 5f
        beq     t2, a5, 7f              # the caller has a name already
5:      lw      t3, NE_NAME(t0)
        bne     t3, a1, 4f
        lw      t3, NE_NAME + 4(t0)
        bne     t3, a2, 4f
        lw      t3, NE_NAME + 8(t0)
        bne     t3, a3, 4f
        li      a0, E_BUSY              # bound already
        ret
4:      addi    t0, t0, 1 << NE_SHIFT
        addi    t1, t1, -1
        bnez    t1, 2b
        li      a0, E_NOSPC
        beqz    t4, 9f
        sw      a1, NE_NAME(t4)
        sw      a2, NE_NAME + 4(t4)
        sw      a3, NE_NAME + 8(t4)
        sw      a4, NE_ID(t4)
        li      a0, 0
        ret
7:      li      a0, E_LIMIT
        ret
1:      la      t0, ns_table            # lookup
        li      t1, NS_MAX
6:      lw      t2, NE_ID(t0)
        beqz    t2, 4f
        lw      t3, NE_NAME(t0)
        bne     t3, a1, 4f
        lw      t3, NE_NAME + 4(t0)
        bne     t3, a2, 4f
        lw      t3, NE_NAME + 8(t0)
        bne     t3, a3, 4f
        mv      a0, t2
        ret
4:      addi    t0, t0, 1 << NE_SHIFT
        addi    t1, t1, -1
        bnez    t1, 6b
        li      a0, E_NOTFOUND
        ret
8:      li      a0, E_INVAL
9:      ret

# ---- the service ------------------------------------------------------------------------------

# ns_serve() -> 0 (E_PERM if this is not the first environment): opens the IPC entry and gives
# the CPU to the other booted environments in turn until none of them is alive.
ns_serve:
        enter   16
        call    ns_am_first
        li      a0, E_PERM
        beqz    a1, 9f
        la      t0, ns_ctx              # the idle loop runs on ns_stack; ns_done comes back here
        save_ctx t0
        sys_env_self
        swg     a0, ns_self, t0
        call    cons_flush
        j       ns_idle
ns_done:
        li      a0, 0                   # no transfers from now on; the next rpc_call of this
        li      a1, 0                   # environment installs ipc.s's entry again
        li      a2, 0
        li      a3, PC_IPC
        li      a4, 0
        sys_env_set_pc
        swg     zero, ipc_installed, t0
        la      t0, ns_ctx
        load_ctx t0
        li      a0, 0
9:      leave   16

# ns_idle: (re)opens the entry, then yields to each other booted environment in turn; when
# every one of those yields is refused (E_BADENV: all have exited), the service ends.
ns_idle:
        la      sp, ns_stack + NS_STACK
        mv      fp, zero
        li      a0, 0
        li      a1, 0
        li      a2, 0
        li      a3, PC_IPC
        la      a4, ns_entry
        sys_env_set_pc
1:      li      t0, BOOT_COUNT
        lw      s1, 0(t0)               # s1 = environments left to try, s2 = the next id's word,
        li      s2, BOOT_IDS            # s3 = 1 once one of them was alive
        li      s3, 0
2:      beqz    s1, 4f
        lw      a0, 0(s2)
        addi    s2, s2, 4
        addi    s1, s1, -1
        lwg     t0, ns_self
        beq     a0, t0, 2b
        sys_yield
        bltz    a0, 2b
        li      s3, 1
        j       2b
4:      bnez    s3, 1b
        j       ns_done

# ns_entry: every transfer arrives here, k0 = kind, k1 = caller; the other registers are the
# caller's message. Notifications are ignored.
ns_entry:
        la      t9, ns_caller
        sw      k1, 0(t9)
        la      sp, ns_stack + NS_STACK
        mv      fp, zero
        li      t9, PCT_KIND_ASYNC
        beq     k0, t9, ns_idle
        mv      s1, a0                  # the request (the caller's s registers are not its to
        mv      s2, a2                  # keep: rpc_call saves its own)
        mv      s3, a3
        mv      s4, a4
        li      a0, 0                   # no other transfer until this one is answered
        li      a1, 0
        li      a2, 0
        li      a3, PC_IPC
        li      a4, 0
        sys_env_set_pc
        mv      a0, s1
        mv      a1, s2
        mv      a2, s3
        mv      a3, s4
        lwg     a4, ns_caller           # a registration binds the caller, as the kernel said
        mv      a5, a4
        call    ns_handle
        swg     a0, ns_answer, t0
ns_reply:
        lwg     a0, ns_answer
        li      a1, NS_MAGIC
        li      a2, 0                   # nothing else of the service's leaves
        li      a3, 0
        li      a4, 0
        li      a5, 0
        li      a6, 0
        li      a7, 0
        li      s1, 0
        li      s2, 0
        li      s3, 0
        li      s4, 0
        li      t1, 0
        li      t2, 0
        li      t3, 0
        li      t4, 0
        li      t5, 0
        li      t6, 0
        li      t7, 0
        la      t0, ns_caller
        lw      k1, 0(t0)
        li      t0, 0
        li      k0, -1                  # a refusal alone sets k0 = 0 (ipc.s's rpc_call)
        rdcycle t9                      # the mark telling a refusal from running again later
        swg     t9, ns_sent, t8
        li      t8, 0
        sys_pct_async                   # not sync: that would give the caller the slot we run
        lwg     t1, ns_sent             # in, our own when we had yielded to it (ns_idle)
        bne     t9, t1, ns_idle
        bnez    k0, ns_idle
        li      t0, E_BUSY              # refused while the client was in an exception handler:
        bne     k1, t0, ns_idle         # let it finish and answer again (else it is gone)
        lwg     a0, ns_caller
        sys_yield
        j       ns_reply

        .bss
        .align  4
ns_stack:   .space NS_STACK
ns_table:   .space NS_MAX << NE_SHIFT
ns_ctx:     .space CTX_SIZE
ns_words:   .space NS_NAME
ns_self:    .space 4
ns_caller:  .space 4
ns_answer:  .space 4
ns_sent:    .space 4
