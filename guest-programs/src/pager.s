# pager: the application is its own pager. A 32-page region is backed by only 8 physical pages
# the program allocates from the kernel itself; the library OS forwards every fault in the
# region to the program's handler, which picks a victim, writes it to a "disk" (an array in
# the heap), maps the frame at the faulting page with vm_map and reads the page back in.
# The same workload (4 hot pages touched between every access to a sweep of 28 cold ones) runs
# under two replacement policies the program chooses itself: FIFO, and CLOCK (second chance),
# which asks the kernel for the TLB's hardware referenced bits through vm_referenced. Pages are
# dirty-tracked (vm_track_dirty) once read in, so only victims written since go back to disk.
# runtime: runtime-linear.list
# expect: FIFO: checksum 4536, {n} page faults, {n} written back
# expect: CLOCK: checksum 4536, {n} page faults, {n} written back
# expect: CLOCK took fewer faults than FIFO: yes
        .include "libos/libos.inc"
        .extern printf, malloc, memcpy, memset, vm_map, vm_unmap, vm_referenced, vm_set_fault_handler
        .extern vm_track_dirty, vm_dirty
.equ REGION, 0x50000000
.equ VPAGES, 32
.equ BUDGET, 8
.equ HOT, 4
.equ ROUNDS, 4
.equ FIFO, 0
.equ CLOCK, 1


        .text
        .globl  main
main:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      fp, 24(sp)
        addi    fp, sp, 32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        li      a0, VPAGES * 4096       # the disk
        call    malloc
        swg     a0, disk, t0
        li      s1, 0                   # the frames: this program's physical-page budget
1:      li      a0, 0
        li      a1, 0
        li      a2, 0
        li      a3, -1
        sys_page_alloc
        bltz    a0, 9f
        slli    t0, s1, 4
        la      t1, frames
        add     t1, t1, t0
        sw      a0, 0(t1)
        sw      a1, 4(t1)
        sw      a2, 8(t1)
        addi    s1, s1, 1
        li      t0, BUDGET
        bne     s1, t0, 1b
        la      a0, pager_fault
        call    vm_set_fault_handler
        li      a0, FIFO
        call    run
        mv      s1, a0
        li      a0, CLOCK
        call    run
        mv      s2, a0
        la      a1, yes
        blt     s2, s1, 2f
        la      a1, no
2:      la      a0, m_better
        call    printf
        li      a0, 0
        j       8f
9:      li      a0, 1
8:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      ra, 28(sp)
        lw      fp, 24(sp)
        addi    sp, sp, 32
        ret

# run(policy) -> a0 = page faults taken by the workload under policy; prints the result.
run:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      fp, 24(sp)
        addi    fp, sp, 32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        swg     a0, policy, t0
        call    reset
        li      s1, 0                   # round
1:      li      t0, ROUNDS
        beq     s1, t0, 5f
        li      s2, HOT                 # cold page
2:      li      t0, VPAGES
        beq     s2, t0, 4f
        li      s3, 0                   # hot pages: word 0 += 1
3:      slli    t0, s3, 12
        li      t1, REGION
        add     t0, t0, t1
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        addi    s3, s3, 1
        li      t0, HOT
        bne     s3, t0, 3b
        slli    t0, s2, 12              # cold page: word r+1 = r + c, word 0 += c
        li      t1, REGION
        add     t0, t0, t1
        slli    t1, s1, 2
        add     t1, t0, t1
        add     t2, s1, s2
        sw      t2, 4(t1)
        lw      t1, 0(t0)
        add     t1, t1, s2
        sw      t1, 0(t0)
        addi    s2, s2, 1
        j       2b
4:      addi    s1, s1, 1
        j       1b
5:      li      s4, 0                   # checksum: words 0..4 of every page
        li      s1, 0
6:      li      t0, VPAGES
        beq     s1, t0, 7f
        slli    t0, s1, 12
        li      t1, REGION
        add     t0, t0, t1
        lw      t1, 0(t0)
        add     s4, s4, t1
        lw      t1, 4(t0)
        add     s4, s4, t1
        lw      t1, 8(t0)
        add     s4, s4, t1
        lw      t1, 12(t0)
        add     s4, s4, t1
        lw      t1, 16(t0)
        add     s4, s4, t1
        addi    s1, s1, 1
        j       6b
7:      lwg     t0, policy
        la      a1, n_fifo
        beqz    t0, 71f
        la      a1, n_clock
71:     la      a0, m_result
        mv      a2, s4
        lwg     a3, faults
        lwg     a4, writebacks
        call    printf
        lwg     a0, faults
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      ra, 28(sp)
        lw      fp, 24(sp)
        addi    sp, sp, 32
        ret

# reset(): unmaps every resident page and empties the disk.
reset:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      fp, 8(sp)
        addi    fp, sp, 16
        li      a0, REGION
        li      a1, VPAGES
        call    vm_unmap                # the frames are ours, not the page table's: kept
        lwg     a0, disk
        li      a1, 0
        li      a2, VPAGES * 4096
        call    memset
        la      a0, written
        li      a1, 0
        li      a2, VPAGES
        call    memset
        swg     zero, resident, t0
        swg     zero, hand, t0
        swg     zero, faults, t0
        swg     zero, writebacks, t0
        lw      ra, 12(sp)
        lw      fp, 8(sp)
        addi    sp, sp, 16
        ret

# pager_fault(frame, va, cause) -> 1 if va is in the region (the page is now mapped), else 0.
pager_fault:
        li      t0, REGION
        sub     t1, a1, t0
        li      t2, VPAGES * 4096
        bgeu    t1, t2, 9f
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      fp, 24(sp)
        addi    fp, sp, 32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        srli    s1, t1, 12              # the virtual page
        lwg     t0, faults
        addi    t0, t0, 1
        swg     t0, faults, t1
        lwg     s2, resident            # a free frame while under budget
        li      t0, BUDGET
        beq     s2, t0, 1f
        addi    t0, s2, 1
        swg     t0, resident, t1
        j       4f
1:      call    choose_victim
        mv      s2, a0
        la      t0, slot_page
        slli    t1, s2, 2
        add     t0, t0, t1
        lw      s3, 0(t0)               # evict: write it to the disk if dirty, unmap it
        slli    a0, s3, 12
        li      t0, REGION
        add     a0, a0, t0
        call    vm_dirty
        beqz    a0, 3f
        lwg     t0, writebacks
        addi    t0, t0, 1
        swg     t0, writebacks, t1
        slli    a1, s3, 12
        li      t0, REGION
        add     a1, a1, t0
        lwg     a0, disk
        slli    t0, s3, 12
        add     a0, a0, t0
        li      a2, 4096
        call    memcpy
        la      t0, written
        add     t0, t0, s3
        li      t1, 1
        sb      t1, 0(t0)
3:      slli    a0, s3, 12
        li      t0, REGION
        add     a0, a0, t0
        li      a1, 1
        call    vm_unmap
4:      la      t0, slot_page           # map the frame here and read the page in
        slli    t1, s2, 2
        add     t0, t0, t1
        sw      s1, 0(t0)
        slli    t0, s2, 4
        la      t1, frames
        add     t1, t1, t0
        slli    a0, s1, 12
        li      t0, REGION
        add     a0, a0, t0
        lw      a1, 0(t1)
        lw      a2, 4(t1)
        lw      a3, 8(t1)
        li      a4, PTE_W
        call    vm_map
        slli    a0, s1, 12
        li      t0, REGION
        add     a0, a0, t0
        la      t0, written
        add     t0, t0, s1
        lbu     t0, 0(t0)
        beqz    t0, 5f
        lwg     a1, disk
        slli    t0, s1, 12
        add     a1, a1, t0
        li      a2, 4096
        call    memcpy
        j       6f
5:      li      a1, 0                   # never written: a zero page
        li      a2, 4096
        call    memset
6:      slli    a0, s1, 12              # clean from now on: track writes
        li      t0, REGION
        add     a0, a0, t0
        li      a1, 1
        call    vm_track_dirty
        li      a0, 1
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      ra, 28(sp)
        lw      fp, 24(sp)
        addi    sp, sp, 32
        ret
9:      li      a0, 0
        ret

# choose_victim() -> a0 = the frame slot to evict. FIFO: the oldest. CLOCK: the hand sweeps,
# clearing referenced bits, until it finds a page not referenced since its last pass.
choose_victim:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      fp, 8(sp)
        addi    fp, sp, 16
        sw      s1, 0(sp)
1:      lwg     s1, hand
        addi    t0, s1, 1
        li      t1, BUDGET
        remu    t0, t0, t1
        swg     t0, hand, t1
        lwg     t0, policy
        beqz    t0, 2f
        la      t0, slot_page
        slli    t1, s1, 2
        add     t0, t0, t1
        lw      t0, 0(t0)
        slli    a0, t0, 12
        li      t1, REGION
        add     a0, a0, t1
        li      a1, 1
        call    vm_referenced           # and clear it: a second chance
        bnez    a0, 1b
2:      mv      a0, s1
        lw      s1, 0(sp)
        lw      ra, 12(sp)
        lw      fp, 8(sp)
        addi    sp, sp, 16
        ret

        .rodata
m_result: .asciz "%s: checksum %d, %d page faults, %d written back\n"
m_better: .asciz "CLOCK took fewer faults than FIFO: %s\n"
n_fifo:   .asciz "FIFO"
n_clock:  .asciz "CLOCK"
yes:      .asciz "yes"
no:       .asciz "no"

        .bss
        .align  4
frames:    .space 16 * BUDGET           # {ppn, capability low, capability high, unused}
slot_page: .space 4 * BUDGET
disk:      .space 4
policy:    .space 4
resident:  .space 4
hand:      .space 4
faults:    .space 4
writebacks: .space 4
written:   .space VPAGES
