# rpc: a client and a server (forked) talk by protected control transfer. Synchronous calls
# carry arguments and results in registers and are timed with the cycle counter; a page of the
# client's is shared by passing its capability in a call and used as a channel; an
# asynchronous notification tells the server to exit.
# Usage: rpc [round trips]
# args: 200
# expect: rpc: 200 round trips, 0 wrong results
# expect: cycles per round trip: {n}
# expect: server: channel attached
# expect: channel: sent 100 words, server summed 5050
# expect: server: notified with 3, exiting
# expect: server exited with status 3
        .include "libos/libos.inc"
        .extern printf, fork, wait, exit, rpc_call, rpc_serve, rpc_notify, chan_create, chan_attach
        .extern chan_send, chan_recv, arg_int
.equ OP_PING, 0
.equ OP_ADD, 1
.equ OP_ATTACH, 2
.equ OP_SUM, 3
.equ CHAN_WORDS, 100
        .text
        .globl  main
main:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      fp, 24(sp)
        addi    fp, sp, 32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        li      a2, 1
        li      a3, 1000
        call    arg_int
        mv      s5, a0                  # round trips
        call    fork
        bnez    a0, 1f
        la      a0, server_call         # the child serves
        la      a1, server_notify
        call    rpc_serve
1:      mv      s1, a0                  # the server's id
2:      mv      a0, s1                  # until it accepts calls, let it run
        li      a1, OP_PING
        call    rpc_call
        bgez    a0, 3f
        mv      a0, s1
        sys_yield
        j       2b
3:      rdcycle s3
        li      s2, 0                   # i
        li      s4, 0                   # wrong results
4:      mv      a0, s1
        li      a1, OP_ADD
        mv      a2, s2
        li      a3, 1000
        call    rpc_call
        addi    t0, s2, 1000
        beq     a0, t0, 5f
        addi    s4, s4, 1
5:      addi    s2, s2, 1
        bne     s2, s5, 4b
        rdcycle t0
        sub     s3, t0, s3
        la      a0, m_trips
        mv      a1, s5
        mv      a2, s4
        call    printf
        divu    a1, s3, s5
        la      a0, m_cycles
        call    printf
        call    chan_create             # share a page by passing its capability
        mv      s2, a0
        mv      t0, a1
        mv      t1, a2
        mv      t2, a3
        mv      a0, s1
        li      a1, OP_ATTACH
        mv      a2, t0
        mv      a3, t1
        mv      a4, t2
        call    rpc_call
        li      s3, 1
6:      mv      a0, s2
        mv      a1, s3
        call    chan_send
        addi    s3, s3, 1
        li      t0, CHAN_WORDS + 1
        bne     s3, t0, 6b
        mv      a0, s1
        li      a1, OP_SUM
        call    rpc_call
        mv      a2, a0
        la      a0, m_channel
        li      a1, CHAN_WORDS
        call    printf
        mv      a0, s1                  # tell the server to go, and wait for it
        li      a1, 3
        call    rpc_notify
        mv      a0, s1
        call    wait
        mv      a1, a0
        la      a0, m_exited
        call    printf
        li      a0, 0
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      ra, 28(sp)
        lw      fp, 24(sp)
        addi    sp, sp, 32
        ret

# server_call(op, x, y, z, w, caller) -> a0, a1: runs in the server for each call.
server_call:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      fp, 8(sp)
        addi    fp, sp, 16
        sw      s1, 0(sp)
        li      t0, OP_ADD
        bne     a0, t0, 1f
        add     a0, a1, a2
        j       9f
1:      li      t0, OP_ATTACH
        bne     a0, t0, 2f
        mv      a0, a1
        mv      a1, a2
        mv      a2, a3
        call    chan_attach
        la      t0, channel
        sw      a0, 0(t0)
        la      a0, m_attached
        call    printf
        li      a0, 0
        j       9f
2:      li      t0, OP_SUM
        bne     a0, t0, 8f
        li      s1, 0
3:      la      t0, channel
        lw      a0, 0(t0)
        call    chan_recv
        beqz    a0, 4f
        add     s1, s1, a1
        j       3b
4:      mv      a0, s1
        j       9f
8:      li      a0, 0                   # ping
9:      lw      s1, 0(sp)
        lw      ra, 12(sp)
        lw      fp, 8(sp)
        addi    sp, sp, 16
        ret

# server_notify(value, caller): the notification ends the server with status value.
server_notify:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      fp, 8(sp)
        addi    fp, sp, 16
        sw      a0, 0(sp)
        mv      a1, a0
        la      a0, m_notified
        call    printf
        lw      a0, 0(sp)
        call    exit

        .rodata
m_trips:    .asciz "rpc: %d round trips, %d wrong results\n"
m_cycles:   .asciz "cycles per round trip: %d\n"
m_attached: .asciz "server: channel attached\n"
m_channel:  .asciz "channel: sent %d words, server summed %d\n"
m_notified: .asciz "server: notified with %d, exiting\n"
m_exited:   .asciz "server exited with status %d\n"

        .bss
        .align  4
channel: .space 4
