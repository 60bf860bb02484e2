# bcshare: two environments share a disk block through the buffer-cache server (libos/bcserv.s)
# and see each other's writes with no write-back and no sync. The program forks the server,
# allocates a block, forks a writer that puts a line into the block's page and exits, reads the
# line back, answers it and forks a reader that sees the answer; then a client's bad requests
# (a forged, a read-only and a stale capability, a block beyond the disk, an unknown request,
# a write-back of a block it never got, the writer's attempt to stop the server) are refused, a
# page a client pins with a DMA of its own is abandoned rather than reused for another block,
# 70 blocks go through the 64 buffers (evicted ones are written back and read again), and the
# cost of a request is measured beside the private buffer cache (bcache.s). Without a disk it
# says so and exits with status 2.
#   exo run --disk s.img --disk-create 1M guest-programs/src/bcshare.s
# disk: 1M
# expect: bcshare: server 258 caches block 5 for its clients
# expect: writer 259: wrote "written by the writer" into block 5's page; no write-back, no sync
# expect: parent: block 5 holds "written by the writer"
# expect: reader 515: block 5 holds "answered by the parent"
# expect: refused: a forged capability -4, a read-only capability -4, beyond the disk -2
# expect: refused: an unknown request -2, a write-back of a block never got -13
# expect: written back and flushed: 0 0
# expect: eviction: 70 blocks through 64 buffers; block 7, never written back by its client, holds 7 on the disk and 7 when got again
# expect: refused: a stale capability (the block freed) -4
# expect: block 5 allocated again: the server abandoned page {n}, which a client's DMA held, for page {n}
# expect: cycles per 4 KiB block got, cached: {n} through the server, {n} in the private cache
# expect: cycles per 4 KiB block written back: {n} through the server, {n} with disk_write
# expect: server exited with status 0
        .include "libos/libos.inc"
        .extern printf, puts, fork, wait, exit, rpc_notify, memcpy, vm_alloc
        .extern bcs_serve, bcs_get, bcs_write, bcs_flush, bcs_stop, bc_init, bc_get, disk_write, disk_read, disk_wait, bcs_request, vm_page
.equ ROUNDS, 100
.equ EVICT, 70                  # blocks through the server's 64 buffers

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
        li      a0, -1
        sys_blk_alloc
        li      t0, E_NODEV
        beq     a0, t0, nodisk
        bltz    a0, fail
        mv      s1, a0                  # s1 = the block, s2/s3 = its read-write capability
        mv      s2, a1
        mv      s3, a2
        sys_env_self
        mv      s5, a0                  # s5 = our id: the server's owner
        call    fork
        bnez    a0, 1f
        mv      a0, s5                  # the child serves
        call    bcs_serve
1:      bltz    a0, fail
        mv      s4, a0                  # s4 = the server
        la      a0, m_server
        mv      a1, s4
        mv      a2, s1
        call    printf

        call    fork                    # the writer
        bltz    a0, fail
        bnez    a0, 2f
        la      a1, s_written
        call    put_line
        mv      a0, s4                  # not the owner: the server ignores this
        li      a1, 7
        call    rpc_notify
        sys_env_self
        mv      a1, a0
        la      a0, m_writer
        la      a2, s_written
        mv      a3, s1
        call    printf
        li      a0, 0
        call    exit
2:      call    wait
        mv      a0, s4                  # what the writer left in the shared page
        mv      a1, s1
        mv      a2, s2
        mv      a3, s3
        call    bcs_get
        bltz    a0, fail
        mv      a2, a0
        la      a0, m_parent
        mv      a1, s1
        call    printf
        la      a1, s_answer
        call    put_line

        call    fork                    # the reader
        bltz    a0, fail
        bnez    a0, 3f
        mv      a0, s4
        mv      a1, s1
        mv      a2, s2
        mv      a3, s3
        call    bcs_get
        bltz    a0, fail
        mv      a3, a0
        sys_env_self
        mv      a1, a0
        la      a0, m_reader
        mv      a2, s1
        call    printf
        li      a0, 0
        call    exit
3:      call    wait

        mv      a0, s4                  # the guards: a forged capability,
        mv      a1, s1
        xori    a2, s2, 1
        mv      a3, s3
        call    bcs_get
        mv      s6, a0
        mv      a0, s1                  # a read-only one,
        mv      a1, s2
        mv      a2, s3
        sys_blk_cap_ro
        mv      a3, a2
        mv      a2, a1
        mv      a1, s1
        mv      a0, s4
        call    bcs_get
        mv      s7, a0
        mv      a0, s4                  # a block beyond the disk
        li      a1, 100000
        mv      a2, s2
        mv      a3, s3
        call    bcs_get
        mv      a3, a0
        la      a0, m_refused
        mv      a1, s6
        mv      a2, s7
        call    printf

        mv      a0, s4                  # a request the protocol does not have,
        li      a1, 99
        mv      a2, s1
        mv      a3, s2
        mv      a4, s3
        call    bcs_request
        mv      s6, a0
        li      a0, -1                  # and a write-back of a block never got
        sys_blk_alloc
        bltz    a0, fail
        mv      a3, a2
        mv      a2, a1
        mv      a1, a0
        mv      a0, s4
        call    bcs_write
        mv      a2, a0
        la      a0, m_refused2
        mv      a1, s6
        call    printf

        mv      a0, s4                  # write back and flush, then free the block
        mv      a1, s1
        mv      a2, s2
        mv      a3, s3
        call    bcs_write
        mv      s6, a0
        mv      a0, s4
        call    bcs_flush
        mv      a2, a0
        la      a0, m_written
        mv      a1, s6
        call    printf
        call    measure
        call    evict
        mv      a0, s4                  # pin the server's page of our block: a DMA of another
        mv      a1, s1                  # block of ours into it (we hold its page capability)
        mv      a2, s2
        mv      a3, s3
        call    bcs_get
        bltz    a0, fail
        call    vm_page
        mv      s6, a0                  # s6 = the page
        mv      a3, a0
        mv      a4, a1
        mv      a5, a2
        lwg     a0, first_block
        la      t0, first_cap
        lw      a1, 0(t0)
        lw      a2, 4(t0)
        sys_blk_read
        bltz    a0, fail
        mv      s7, a0                  # s7 = its tag
        mv      a0, s1                  # free the block: its capability goes stale
        mv      a1, s2
        mv      a2, s3
        sys_blk_free
        bltz    a0, fail
        mv      a0, s4
        mv      a1, s1
        mv      a2, s2
        mv      a3, s3
        call    bcs_get
        mv      a1, a0
        la      a0, m_stale
        call    printf
        mv      a0, s1                  # allocated again: the server must drop the pinned page
        sys_blk_alloc
        bltz    a0, fail
        mv      s2, a1
        mv      s3, a2
        mv      a0, s4
        mv      a1, s1
        mv      a2, s2
        mv      a3, s3
        call    bcs_get
        bltz    a0, fail
        call    vm_page
        mv      a3, a0
        li      a0, -1                  # the pinned page given out again would be a leak: fail
        beq     a3, s6, fail
        la      a0, m_pinned
        mv      a1, s1
        mv      a2, s6
        call    printf
        mv      a0, s7
        call    disk_wait
        call    compare

        mv      a0, s4                  # stop the server and wait for it
        li      a1, 0
        call    bcs_stop
        mv      a0, s4
        call    wait
        mv      a1, a0
        la      a0, m_exited
        call    printf
        li      a0, 0
        j       9f
nodisk: la      a0, m_nodisk
        call    puts
        li      a0, 2
        j       9f
fail:   mv      a1, a0                  # (also from put_line, measure and compare)
        la      a0, m_fail
        call    printf
        li      a0, 1
        call    exit
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        lw      s7, 24(sp)
        leave   48

# put_line(_, text): gets the block (server s4, block s1, capability s2/s3) and copies the
# NUL-terminated text (at most 64 bytes) to the start of its page.
put_line:
        enter   16
        sw      a1, 0(sp)
        mv      a0, s4
        mv      a1, s1
        mv      a2, s2
        mv      a3, s3
        call    bcs_get
        bltz    a0, fail
        lw      a1, 0(sp)
        li      a2, 64
        call    memcpy
        leave   16

# measure(): cycles per cached bcs_get and per bcs_write, kept for compare (m_cycles).
measure:
        enter   16
        sw      s6, 0(sp)
        rdcycle s6
        li      t0, ROUNDS
        swg     t0, rounds, t1
1:      mv      a0, s4
        mv      a1, s1
        mv      a2, s2
        mv      a3, s3
        call    bcs_get
        lwg     t0, rounds
        addi    t0, t0, -1
        swg     t0, rounds, t1
        bnez    t0, 1b
        rdcycle t0
        sub     t0, t0, s6
        li      t1, ROUNDS
        divu    t0, t0, t1
        swg     t0, server_get, t1
        rdcycle s6
        mv      a0, s4
        mv      a1, s1
        mv      a2, s2
        mv      a3, s3
        call    bcs_write
        rdcycle t0
        sub     t0, t0, s6
        swg     t0, server_write, t1
        lw      s6, 0(sp)
        leave   16

# evict(): EVICT new blocks, each got and its number written into its page (not written back),
# so the first ones are evicted; then the first is got again: the server wrote it back when it
# evicted it and reads it again now.
evict:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s5, 12(sp)
        sw      s6, 16(sp)
        sw      s7, 20(sp)
        li      s7, EVICT
        li      s5, 0                   # s5 = the first block, s6 = its capability record
1:      li      a0, -1
        sys_blk_alloc
        bltz    a0, fail
        mv      s1, a0
        mv      s2, a1
        mv      s3, a2
        bnez    s5, 2f
        mv      s5, a0
        swg     a0, first_block, t0
        la      s6, first_cap
        sw      a1, 0(s6)
        sw      a2, 4(s6)
2:      mv      a0, s4
        mv      a1, s1
        mv      a2, s2
        mv      a3, s3
        call    bcs_get
        bltz    a0, fail
        sw      s1, 0(a0)
        addi    s7, s7, -1
        bnez    s7, 1b
        li      a0, 1                   # what the disk holds (the server wrote it when it evicted it)
        call    vm_alloc
        mv      s7, a0
        mv      a3, a0
        mv      a0, s5
        la      s6, first_cap
        lw      a1, 0(s6)
        lw      a2, 4(s6)
        call    disk_read
        bnez    a0, fail
        mv      a0, s4                  # and what the server gives again
        mv      a1, s5
        lw      a2, 0(s6)
        lw      a3, 4(s6)
        call    bcs_get
        bltz    a0, fail
        lw      a4, 0(a0)
        lw      a3, 0(s7)
        la      a0, m_evict
        li      a1, EVICT
        mv      a2, s5
        call    printf
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s5, 12(sp)
        lw      s6, 16(sp)
        lw      s7, 20(sp)
        leave   32

# compare(): the same through the private cache and disk_write, on a block of its own; prints both.
compare:
        enter   32
        sw      s6, 0(sp)
        sw      s7, 4(sp)
        sw      s1, 8(sp)
        sw      s2, 12(sp)
        sw      s3, 16(sp)
        li      a0, -1
        sys_blk_alloc
        bltz    a0, fail
        mv      s1, a0
        mv      s2, a1
        mv      s3, a2
        call    bc_init
        mv      a0, s1                  # the first get reads the block; the rest hit
        mv      a1, s2
        mv      a2, s3
        call    bc_get
        bltz    a0, fail
        rdcycle s6
        li      s7, ROUNDS
1:      mv      a0, s1
        mv      a1, s2
        mv      a2, s3
        call    bc_get
        addi    s7, s7, -1
        bnez    s7, 1b
        rdcycle t0
        sub     t0, t0, s6
        li      t1, ROUNDS
        divu    s7, t0, t1
        la      a0, m_cycles
        lwg     a1, server_get
        mv      a2, s7
        call    printf
        mv      a0, s1
        mv      a1, s2
        mv      a2, s3
        call    bc_get
        mv      a3, a0
        rdcycle s6
        mv      a0, s1
        mv      a1, s2
        mv      a2, s3
        call    disk_write
        rdcycle t0
        sub     a2, t0, s6
        la      a0, m_write
        lwg     a1, server_write
        call    printf
        lw      s6, 0(sp)
        lw      s7, 4(sp)
        lw      s1, 8(sp)
        lw      s2, 12(sp)
        lw      s3, 16(sp)
        leave   32

        .data
s_written:  .asciz "written by the writer"
s_answer:   .asciz "answered by the parent"
m_server:   .asciz "bcshare: server %d caches block %d for its clients\n"
m_writer:   .asciz "writer %d: wrote \"%s\" into block %d's page; no write-back, no sync\n"
m_parent:   .asciz "parent: block %d holds \"%s\"\n"
m_reader:   .asciz "reader %d: block %d holds \"%s\"\n"
m_refused:  .asciz "refused: a forged capability %d, a read-only capability %d, beyond the disk %d\n"
m_refused2: .asciz "refused: an unknown request %d, a write-back of a block never got %d\n"
m_evict:    .asciz "eviction: %d blocks through 64 buffers; block %d, never written back by its client, holds %d on the disk and %d when got again\n"
m_pinned:   .asciz "block %d allocated again: the server abandoned page %d, which a client's DMA held, for page %d\n"
m_written:  .asciz "written back and flushed: %d %d\n"
m_stale:    .asciz "refused: a stale capability (the block freed) %d\n"
m_cycles:   .asciz "cycles per 4 KiB block got, cached: %d through the server, %d in the private cache\n"
m_write:    .asciz "cycles per 4 KiB block written back: %d through the server, %d with disk_write\n"
m_exited:   .asciz "server exited with status %d\n"
m_fail:     .asciz "bcshare: error %d\n"
m_nodisk:   .asciz "bcshare: no disk; run with --disk IMAGE (and --disk-create 64K the first time)"

        .bss
        .align  4
rounds:       .space 4
server_get:   .space 4
server_write: .space 4
first_cap:    .space 8
first_block:  .space 4
