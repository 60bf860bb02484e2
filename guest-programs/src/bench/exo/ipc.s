# ipc: protected control transfer. A server environment is built by hand: one page of its own
# (allocated in its name, filled through a temporary binding of ours) holds its code, mapped in
# it by a guaranteed mapping, and its IPC entry points there. Each iteration is a round trip:
# pct_sync to the server with the argument in a0; the server adds 1 and transfers straight back
# (k1 already names the caller) to our IPC entry. Registers are the message; nothing is saved.
# Variant (argv[2]) 0: ops = transfers (two per round trip, one-way cost); 1: ops = round
# trips with the right result.
        .include "exo/kernel.inc"
        .include "harness.inc"
.equ SERVER_VA, 0x50000000
.equ STAGE_VA, 0x40000000
        .text
        .globl  main
main:
        push    ra, s0, s1, s2, s3, s4, s5, s6
        call    bench_args
        mv      s0, a0                  # N
        mv      s1, a1                  # variant
        syscall SYS_ENV_CREATE
        bltz    a0, fail
        mv      s4, a0                  # the server's id and capability
        mv      s5, a1
        mv      s6, a2
        mv      a0, s4                  # a page in the server's name
        mv      a1, s5
        mv      a2, s6
        li      a3, -1
        syscall SYS_PAGE_ALLOC
        bltz    a0, fail
        mv      s2, a0                  # ppn
        mv      s3, a1                  # its capability (low); high word kept on the stack
        push    a2
        li      a0, STAGE_VA            # bind it in our space to copy the code in
        mv      a1, s2
        mv      a2, s3
        lw      a3, 0(sp)
        li      a4, TLB_W
        syscall SYS_TLB_WRITE
        bnez    a0, fail
        la      t0, server
        li      t1, STAGE_VA
        lw      t2, 0(t0)
        sw      t2, 0(t1)
        lw      t2, 4(t0)
        sw      t2, 4(t1)
        li      a0, STAGE_VA
        syscall SYS_TLB_FLUSH
        mv      a0, s4                  # guaranteed, executable, in the server
        mv      a1, s5
        mv      a2, s6
        li      a3, SERVER_VA
        mv      a4, s2
        mv      a5, s3
        pop     a6
        li      a7, TLB_X
        syscall SYS_ENV_GUARANTEE
        bnez    a0, fail
        mv      a0, s4
        mv      a1, s5
        mv      a2, s6
        li      a3, PC_IPC
        li      a4, SERVER_VA
        syscall SYS_ENV_SET_PC
        bnez    a0, fail
        li      a0, 0                   # our own IPC entry: where replies arrive
        li      a1, 0
        li      a2, 0
        li      a3, PC_IPC
        la      a4, reply
        syscall SYS_ENV_SET_PC
        bnez    a0, fail
        li      s2, 0                   # i
        li      s3, 0                   # right results
        call    bench_begin
call:   mv      a0, s2
        mv      k1, s4
        syscall SYS_PCT_SYNC
        j       fail                    # only a failed transfer returns here
reply:  addi    t0, s2, 1
        bne     a0, t0, 1f
        addi    s3, s3, 1
1:      addi    s2, s2, 1
        bne     s2, s0, call
        call    bench_end
        mv      a0, s4                  # the server is done
        mv      a1, s5
        mv      a2, s6
        syscall SYS_ENV_DESTROY
        bnez    a0, fail
        mv      a0, s3
        bnez    s1, 2f
        slli    a0, s3, 1
2:      call    bench_report
        li      a0, 0
        pop     ra, s0, s1, s2, s3, s4, s5, s6
        ret
fail:   li      a0, 70
        pop     ra, s0, s1, s2, s3, s4, s5, s6
        ret

# The server's code, copied to its page: k1 = the caller on entry.
server:
        addi    a0, a0, 1
        syscall SYS_PCT_SYNC
