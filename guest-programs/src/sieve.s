# sieve: byte-array sieve of Eratosthenes up to N (default 10,000,000), counting the primes.
# The array lives in pages from vm_alloc, zero-filled on first touch by the library OS's
# TLB-miss handler. Usage: sieve [N]
# args: 100000
# expect: primes<=100000: 9592
# default-expect: primes<=10000000: 664579
        .extern printf, vm_alloc, arg_int
        .text
        .globl  main
main:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      fp, 8(sp)
        addi    fp, sp, 16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        li      a2, 1
        li      a3, 10000000
        call    arg_int
        mv      s1, a0                  # N
        addi    a0, s1, 4096            # N + 1 bytes, in pages
        srli    a0, a0, 12
        call    vm_alloc
        mv      s2, a0                  # flags: 0 = still a candidate
        li      t0, 2                   # i
1:      mul     t1, t0, t0
        bgtu    t1, s1, 4f
        add     t2, s2, t0
        lbu     t2, 0(t2)
        bnez    t2, 3f
        li      t3, 1
2:      add     t2, s2, t1              # for j = i*i; j <= N; j += i: composite
        sb      t3, 0(t2)
        add     t1, t1, t0
        bleu    t1, s1, 2b
3:      addi    t0, t0, 1
        j       1b
4:      li      a1, 0                   # count
        li      t0, 2
        add     t2, s2, t0
        add     t3, s2, s1
5:      bgtu    t2, t3, 6f
        lbu     t1, 0(t2)
        addi    t2, t2, 1
        bnez    t1, 5b
        addi    a1, a1, 1
        j       5b
6:      mv      a2, a1
        mv      a1, s1
        la      a0, result
        call    printf
        li      a0, 0
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      ra, 12(sp)
        lw      fp, 8(sp)
        addi    sp, sp, 16
        ret

        .rodata
result: .asciz  "primes<=%d: %d\n"
