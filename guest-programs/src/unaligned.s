# unaligned: misaligned loads and stores emulated by the library OS (exc_emulate_unaligned 1:
# each one forwarded to exc_unaligned through the full exception frame) and then by the same
# code downloaded into the kernel (mode 2: resolved with no upcall). The values are the same;
# only the count of exceptions that reached the library OS differs. The last store in mode 2
# falls on a page never touched: the kernel cannot reach its bytes, so its run is abandoned and
# the access goes to the library OS after all, which takes the page's first miss and emulates it.
# Usage: unaligned
# expect: mode 1: lw 0x55443322 lh 0xffff9988 lhu 0x00009988 sw 0x11223344 sh 0x0000bbaa
# expect: mode 1: exceptions forwarded to the library OS: 5
# expect: mode 2: lw 0x55443322 lh 0xffff9988 lhu 0x00009988 sw 0x11223344 sh 0x0000bbaa
# expect: mode 2: exceptions forwarded to the library OS: 0
# expect: fresh page: 0x12345678, forwarded: 1
        .include "libos/libos.inc"
        .extern printf, exc_emulate_unaligned, exc_count, vm_alloc
        .data
        .align  4
buf:    .byte 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC
        .align  4
out:    .word 0, 0, 0
        .text
        .globl  main
main:
        enter   16
        sw      s1, 0(sp)
        li      s1, 1
1:      mv      a0, s1
        call    exc_emulate_unaligned
        bnez    a0, 9f
        mv      a0, s1
        call    round
        addi    s1, s1, 1
        li      t0, 2
        ble     s1, t0, 1b
        li      a0, 1                   # a fresh page: not in the TLB, the STLB or guaranteed
        call    vm_alloc
        lwg     s1, exc_count
        li      t0, 0x12345678
        sw      t0, 1(a0)               # misaligned, on a page the kernel cannot reach yet
        lw      a1, 1(a0)               # now it can: resolved in the kernel
        lwg     a2, exc_count
        sub     a2, a2, s1
        la      a0, m_fresh
        call    printf
        li      a0, 0
        call    exc_emulate_unaligned
        li      a0, 0
        lw      s1, 0(sp)
        leave   16
9:      li      a0, 1
        lw      s1, 0(sp)
        leave   16

# round(mode): one misaligned access of each kind, then what it read and wrote.
round:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        mv      s5, a0
        lwg     s4, exc_count
        la      t0, buf
        lw      s1, 1(t0)               # 0x55443322
        lh      s2, 7(t0)               # 0x9988, sign-extended
        lhu     s3, 7(t0)               # 0x9988
        la      t1, out
        li      t2, 0x11223344
        sw      t2, 1(t1)
        li      t2, 0xBBAA
        sh      t2, 9(t1)
        la      t1, out
        lbu     a5, 1(t1)               # read back bytewise: the stored word
        lbu     t2, 2(t1)
        slli    t2, t2, 8
        or      a5, a5, t2
        lbu     t2, 3(t1)
        slli    t2, t2, 16
        or      a5, a5, t2
        lbu     t2, 4(t1)
        slli    t2, t2, 24
        or      a5, a5, t2
        lbu     a6, 9(t1)               # and the stored half
        lbu     t2, 10(t1)
        slli    t2, t2, 8
        or      a6, a6, t2
        mv      a1, s5
        mv      a2, s1
        mv      a3, s2
        mv      a4, s3
        la      a0, m_values
        call    printf
        lwg     a2, exc_count
        sub     a2, a2, s4
        mv      a1, s5
        la      a0, m_count
        call    printf
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   32

        .rodata
m_values: .asciz "mode %d: lw %p lh %p lhu %p sw %p sh %p\n"
m_count:  .asciz "mode %d: exceptions forwarded to the library OS: %d\n"
m_fresh:  .asciz "fresh page: %p, forwarded: %d\n"
