# Touches 32 fresh pages (reading them: 32 zero pages become present), writes into 8 of them,
# then spins long enough for the host to ask for a page back; checks its data afterwards.
        .include "libos/libos.inc"
        .extern printf, vm_alloc, pages_given_back
        .text
        .globl  main
main:
        enter   16
        sw      s1, 0(sp)
        li      a0, 32
        call    vm_alloc
        mv      s1, a0
        li      t0, 0
1:      slli    t1, t0, 12
        add     t1, s1, t1
        lw      t2, 0(t1)
        addi    t0, t0, 1
        li      t1, 32
        bne     t0, t1, 1b
        li      t0, 0
2:      slli    t1, t0, 12
        add     t1, s1, t1
        addi    t2, t0, 1
        li      t3, 111
        mul     t2, t2, t3
        sw      t2, 0(t1)
        addi    t0, t0, 1
        li      t1, 8
        bne     t0, t1, 2b
        li      t0, 300000              # the host asks for a page meanwhile
3:      addi    t0, t0, -1
        bnez    t0, 3b
        li      t0, 0                   # every page readable, the written ones intact
        li      a1, 0
4:      slli    t1, t0, 12
        add     t1, s1, t1
        lw      t2, 0(t1)
        add     a1, a1, t2
        addi    t0, t0, 1
        li      t1, 32
        bne     t0, t1, 4b
        la      a0, m_sum
        call    printf
        la      a0, m_given
        lwg     a1, pages_given_back
        call    printf
        li      a0, 0
        lw      s1, 0(sp)
        leave   16

        .rodata
m_sum:   .asciz "sum %d\n"
m_given: .asciz "pages given back: %d\n"
