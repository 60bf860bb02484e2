# nstable: the name service's table and its refusals, for FsPeersTest. Boot it twice:
#   exo run nstable.s nstable.s
# The first (the name service) binds an empty name (E_INVAL), 15 names na..no to 1000..1014,
# na again (E_BUSY), registers itself as "me" (the 16th and last entry), then one name more
# (E_NOSPC), looks up nh and "me", and serves until the second has exited. The second cannot
# serve or bind names for others (E_PERM), finds no and "me", and cannot register (E_NOSPC).
        .include "libos/libos.inc"
        .extern printf, ns_first, ns_set, ns_register, ns_lookup, ns_serve

        .text
        .globl  main
main:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sys_env_self
        mv      s1, a0
        call    ns_first
        bne     a0, s1, second

        la      a0, n_empty
        li      a1, 5
        call    ns_set
        swg     a0, res0, t0
        li      s2, 0                   # na..no -> 1000..1014
1:      la      t0, name
        addi    t1, s2, 'a'
        sb      t1, 1(t0)
        la      a0, name
        addi    a1, s2, 1000
        call    ns_set
        bnez    a0, fail
        addi    s2, s2, 1
        li      t0, 15
        blt     s2, t0, 1b
        la      t0, name                # na again
        li      t1, 'a'
        sb      t1, 1(t0)
        la      a0, name
        li      a1, 7
        call    ns_set
        swg     a0, res1, t0
        la      a0, n_me
        call    ns_register
        swg     a0, res2, t0
        la      a0, n_x
        li      a1, 1
        call    ns_set
        swg     a0, res3, t0
        la      t0, name                # nh
        li      t1, 'h'
        sb      t1, 1(t0)
        la      a0, name
        call    ns_lookup
        mv      s2, a0
        la      a0, n_me
        call    ns_lookup
        mv      a7, a0
        la      a0, m_first
        mv      a1, s1
        lwg     a2, res0
        lwg     a3, res1
        lwg     a4, res2
        lwg     a5, res3
        mv      a6, s2
        call    printf
        call    ns_serve
        mv      a2, a0
        la      a0, m_served
        mv      a1, s1
        call    printf
        li      a0, 0
        j       9f

second: call    ns_serve
        swg     a0, res0, t0
        la      a0, n_x
        li      a1, 1
        call    ns_set
        swg     a0, res1, t0
        la      t0, name                # no
        li      t1, 'o'
        sb      t1, 1(t0)
        la      a0, name
        call    ns_lookup
        swg     a0, res2, t0
        la      a0, n_me
        call    ns_lookup
        swg     a0, res3, t0
        la      a0, n_x
        call    ns_register
        mv      a6, a0
        la      a0, m_second
        mv      a1, s1
        lwg     a2, res0
        lwg     a3, res1
        lwg     a4, res2
        lwg     a5, res3
        call    printf
        li      a0, 0
        j       9f

fail:   mv      a2, a0
        la      a0, m_fail
        mv      a1, s1
        call    printf
        li      a0, 1
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

        .rodata
n_empty:    .asciz ""
n_me:       .asciz "me"
n_x:        .asciz "x"
m_first:    .asciz "first %d: set \"\" %d, 15 names 0, na again %d; register \"me\" %d; set one more %d; lookup nh %d, \"me\" %d\n"
m_second:   .asciz "second %d: serve %d, set %d; lookup no %d, \"me\" %d; register %d\n"
m_served:   .asciz "first %d: served until the other exited: %d\n"
m_fail:     .asciz "nstable %d: error %d\n"

        .data
name:       .asciz "na"                 # n + a letter: na..no

        .bss
        .align  2
res0:         .space 4
res1:         .space 4
res2:         .space 4
res3:         .space 4
