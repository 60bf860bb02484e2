# tlbmiss: the kernel's refill path. Writes its index into each of 128 pages, then reads them
# round robin ROUNDS times: twice as many pages as the TLB has slots, so nearly every read
# misses and the kernel refills it from the STLB. `exo run --stats` shows the misses; the
# engine time divided by them is the cost of one kernel-filled miss (docs/jit.md).
# Usage: tlbmiss [ROUNDS]
# args: 100
# expect: sum=812800
# default-expect: sum=162560000
        .extern printf, vm_alloc, arg_int
        .text
        .globl  main
main:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        li      a2, 1
        li      a3, 20000
        call    arg_int
        mv      s1, a0                  # rounds
        li      a0, 128
        call    vm_alloc
        mv      s2, a0                  # 128 pages
        li      t0, 0
1:      slli    t1, t0, 12              # page t0 holds t0
        add     t1, t1, s2
        sw      t0, 0(t1)
        addi    t0, t0, 1
        slti    t3, t0, 128
        bnez    t3, 1b
        li      t4, 0                   # sum
2:      beqz    s1, 4f
        li      t0, 0
3:      slli    t1, t0, 12              # one load per page, 7 instructions a miss
        add     t1, t1, s2
        lw      t2, 0(t1)
        add     t4, t4, t2
        addi    t0, t0, 1
        slti    t3, t0, 128
        bnez    t3, 3b
        addi    s1, s1, -1
        j       2b
4:      la      a0, fmt
        mv      a1, t4
        call    printf
        li      a0, 0
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

        .rodata
fmt:    .asciz  "sum=%d\n"
