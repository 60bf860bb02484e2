# nspeer: what another program booted beside fsserve.s can do with the name service
# (libos/ns.s; docs/disks.md, "Separately booted programs": what a squatter can and cannot do).
# It tries to take the name "fs" (refused: fsserve.s bound it before its service took any
# request), takes a name of its own (first come, first served) and a second one (one name an
# environment), looks up its own, a name nobody has and one too long, times 100 lookups of
# "fs" (one request and its answer each); then it finds the real
# server and forks a child, which the host did not boot: the child cannot get the root block's
# capability (blk_root), and a request for the root block with a guessed capability is refused
# by the server (blk_cap_ro: the kernel checks it). A name leads to an id, never to a capability.
#   exo run --runtime runtime-shared.list --disk f.img --disk-create 16M \
#       guest-programs/src/fsserve.s guest-programs/src/nspeer.s
# Booted first (as here, alone), there is no name service but its own: it says so and exits
# with status 3.
# runtime: runtime-shared.list
# status: 3
# expect: nspeer 257: booted first: the name service is this program's own; boot it after fsserve.s
        .include "libos/libos.inc"
        .extern printf, fork, wait, exit, ns_first, ns_lookup, ns_register, bcs_request
.equ BCS_GET, 1                 # bcserv.s's request
.equ LOOKUPS, 100

        .text
        .globl  main
main:
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sys_env_self
        mv      s1, a0
        call    ns_first
        bne     a0, s1, 1f
        la      a0, m_first
        mv      a1, s1
        call    printf
        li      a0, 3
        j       9f
1:      la      a0, n_fs                # the server's name, taken first
        call    ns_register
        mv      s2, a0
        la      a0, n_squat             # a name of our own
        call    ns_register
        mv      s3, a0
        la      a0, n_again             # and another
        call    ns_register
        mv      s4, a0
        la      a0, m_names
        mv      a1, s1
        mv      a2, s2
        mv      a3, s3
        mv      a4, s4
        call    printf
        la      a0, n_squat
        call    ns_lookup
        mv      s2, a0
        la      a0, n_nosuch
        call    ns_lookup
        mv      s3, a0
        la      a0, n_long
        call    ns_lookup
        mv      a4, a0
        la      a0, m_lookups
        mv      a1, s1
        mv      a2, s2
        mv      a3, s3
        call    printf

        rdcycle s2                      # what a lookup costs: LOOKUPS of "fs"
        li      s3, LOOKUPS
1:      la      a0, n_fs
        call    ns_lookup
        bltz    a0, fail
        addi    s3, s3, -1
        bnez    s3, 1b
        mv      s5, a0
        rdcycle t0
        sub     a2, t0, s2
        li      t1, LOOKUPS
        div     a2, a2, t1
        la      a0, m_cost
        mv      a1, s1
        li      a3, LOOKUPS
        call    printf
        mv      a0, s5                  # the real server, and a child the host did not boot
        call    fork
        bltz    a0, fail
        beqz    a0, child
        call    wait
        mv      a2, a0
        la      a0, m_waited
        mv      a1, s1
        call    printf
        li      a0, 0
        j       9f

child:  sys_blk_root                    # only for environments the host booted
        mv      s2, a0
        mv      a0, s5                  # the root block (42 on a fresh image) with a guess
        li      a1, BCS_GET
        li      a2, 42
        li      a3, 0x12345678
        li      a4, 0x0badcafe
        li      a5, 0
        call    bcs_request
        mv      a4, a0
        sys_env_self
        mv      a1, a0
        la      a0, m_child
        mv      a2, s2
        mv      a3, s5
        call    printf
        li      a0, 0
        call    exit

fail:   mv      a2, a0
        la      a0, m_fail
        mv      a1, s1
        call    printf
        li      a0, 1
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   48

        .rodata
n_fs:       .asciz "fs"
n_squat:    .asciz "squat"
n_again:    .asciz "again"
n_nosuch:   .asciz "nosuch"
n_long:     .asciz "much-too-long"
m_first:    .asciz "nspeer %d: booted first: the name service is this program's own; boot it after fsserve.s\n"
m_names:    .asciz "nspeer %d: register \"fs\" %d, \"squat\" %d, then \"again\" %d\n"
m_lookups:  .asciz "nspeer %d: lookup \"squat\" %d, \"nosuch\" %d, \"much-too-long\" %d\n"
m_child:    .asciz "nspeer's child %d: blk_root %d; \"fs\" is %d, which refuses the root block with a guessed capability: %d\n"
m_cost:     .asciz "nspeer %d: a lookup costs %d cycles (%d of them, one after another)\n"
m_waited:   .asciz "nspeer %d: child exited with status %d\n"
m_fail:     .asciz "nspeer %d: error %d\n"
