# gcbarrier: a small generational copying collector whose write barrier is page protection,
# the classic application-level use of virtual memory (Appel & Li). Objects are 16 bytes
# {forwarding pointer, value, field 0, field 1}. New objects are bumped in a nursery; a minor
# collection copies the live ones into the old generation. Between collections the old
# generation is write-protected: the first store into an old page faults, and the program's
# fault handler records the page as dirty and unprotects it. A minor collection then scans
# only the dirty old pages for pointers into the nursery, instead of the whole old generation.
#
# The mutator builds a list of every 10th object (old, once promoted) and regularly stores a
# fresh object into an old list node: that pointer is only found through the barrier.
# Usage: gcbarrier [objects]
# args: 1000
# expect: list: 100 nodes, sum 79500 (expected 79500)
# expect: minor collections: 3, objects promoted: 91
# expect: barrier faults: 2, dirty pages scanned: 2
        .include "libos/libos.inc"
        .extern printf, vm_alloc, vm_protect, vm_unprotect, vm_set_fault_handler, arg_int, calloc
.equ OBJ, 16
.equ NURSERY_PAGES, 1
.equ OLD_PAGES, 16
.equ O_FWD, 0
.equ O_VAL, 4
.equ O_F0, 8
.equ O_F1, 12
.equ R_HEAD, 0                          # roots: the list, the object being linked, a node
.equ R_NEW, 4
.equ R_NODE, 8
.equ NROOTS, 3


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
        li      a2, 1
        li      a3, 3000
        call    arg_int
        mv      s1, a0                  # N
        li      a0, NURSERY_PAGES
        call    vm_alloc
        swg     a0, nursery_base, t0
        swg     a0, nursery_top, t0
        li      t1, NURSERY_PAGES * 4096
        add     t1, a0, t1
        swg     t1, nursery_end, t0
        li      a0, OLD_PAGES
        call    vm_alloc
        swg     a0, old_base, t0
        swg     a0, old_top, t0
        la      a0, barrier
        call    vm_set_fault_handler
        call    protect_old
        li      s2, 0                   # i
1:      beq     s2, s1, 5f
        mv      a0, s2
        call    alloc                   # o = alloc(i)
        la      t0, roots
        sw      a0, R_NEW(t0)
        li      t1, 10
        remu    t1, s2, t1
        bnez    t1, 2f
        lw      t2, R_HEAD(t0)          # every 10th joins the list
        sw      t2, O_F0(a0)
        sw      a0, R_HEAD(t0)
2:      sw      zero, R_NEW(t0)
        li      t1, 50
        remu    t1, s2, t1
        li      t2, 25
        bne     t1, t2, 4f
        lw      t3, R_HEAD(t0)          # store a new object into an old node
        beqz    t3, 4f
        li      t1, 50
        divu    t4, s2, t1
        li      t1, 7
        remu    t4, t4, t1              # steps
3:      beqz    t4, 31f
        lw      t5, O_F0(t3)
        beqz    t5, 31f
        mv      t3, t5
        addi    t4, t4, -1
        j       3b
31:     sw      t3, R_NODE(t0)
        addi    a0, s2, 1000
        call    alloc                   # may collect: the node is reread from the roots
        la      t0, roots
        lw      t3, R_NODE(t0)
        sw      a0, O_F1(t3)            # the barrier sees this store if the node is old
        sw      zero, R_NODE(t0)
4:      addi    s2, s2, 1
        j       1b
5:      li      s2, 0                   # count and sum the list
        li      s3, 0
        la      t0, roots
        lw      t0, R_HEAD(t0)
6:      beqz    t0, 7f
        addi    s2, s2, 1
        lw      t1, O_VAL(t0)
        add     s3, s3, t1
        lw      t1, O_F1(t0)
        beqz    t1, 61f
        lw      t1, O_VAL(t1)
        add     s3, s3, t1
61:     lw      t0, O_F0(t0)
        j       6b
7:      mv      a0, s1
        call    expected
        mv      a3, a0
        la      a0, m_list
        mv      a1, s2
        mv      a2, s3
        call    printf
        la      a0, m_gc
        lwg     a1, collections
        lwg     a2, promoted
        call    printf
        la      a0, m_barrier
        lwg     a1, barrier_faults
        lwg     a2, dirty_scanned
        call    printf
        li      a0, 0
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      ra, 28(sp)
        lw      fp, 24(sp)
        addi    sp, sp, 32
        ret

# expected(N) -> a0: the sum the list must have, computed without the collector: node j is
# object 10j; at i % 50 == 25 the mutator walks (i / 50) % 7 steps from the newest node, i / 10,
# stopping at node 0, and stores object 1000 + i there. An array of node indexes replays it.
expected:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      fp, 24(sp)
        addi    fp, sp, 32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        mv      s1, a0
        addi    a0, a0, 9
        li      t0, 10
        divu    a0, a0, t0
        sw      a0, 16(sp)              # nodes
        li      a1, 4
        call    calloc
        mv      s2, a0                  # last object value stored per node
        li      s3, 0                   # sum
        li      s4, 0                   # i
1:      beq     s4, s1, 4f
        li      t0, 10
        remu    t1, s4, t0
        bnez    t1, 2f
        add     s3, s3, s4
2:      li      t0, 50
        remu    t1, s4, t0
        li      t2, 25
        bne     t1, t2, 3f
        divu    t3, s4, t0
        li      t0, 7
        remu    t3, t3, t0              # steps
        li      t0, 10
        divu    t4, s4, t0              # newest node
        sub     t4, t4, t3
        bgez    t4, 21f
        li      t4, 0
21:     slli    t4, t4, 2
        add     t4, s2, t4
        addi    t5, s4, 1000
        sw      t5, 0(t4)
3:      addi    s4, s4, 1
        j       1b
4:      lw      t0, 16(sp)
        li      t1, 0
5:      beq     t1, t0, 6f
        slli    t2, t1, 2
        add     t2, s2, t2
        lw      t2, 0(t2)
        add     s3, s3, t2
        addi    t1, t1, 1
        j       5b
6:      mv      a0, s3
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      ra, 28(sp)
        lw      fp, 24(sp)
        addi    sp, sp, 32
        ret

# alloc(value) -> a0 = a new object (fields zero); collects when the nursery is full.
alloc:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      fp, 8(sp)
        addi    fp, sp, 16
        sw      a0, 0(sp)
        lwg     t0, nursery_top
        lwg     t1, nursery_end
        bne     t0, t1, 1f
        call    minor_gc
        lwg     t0, nursery_top
1:      addi    t1, t0, OBJ
        swg     t1, nursery_top, t2
        lw      t1, 0(sp)
        sw      zero, O_FWD(t0)
        sw      t1, O_VAL(t0)
        sw      zero, O_F0(t0)
        sw      zero, O_F1(t0)
        mv      a0, t0
        lw      ra, 12(sp)
        lw      fp, 8(sp)
        addi    sp, sp, 16
        ret

# forward(p) -> a0 = p's address after this collection: nursery objects are copied (once).
forward:
        lwg     t0, nursery_base
        bltu    a0, t0, 1f
        lwg     t0, nursery_end
        bgeu    a0, t0, 1f
        lw      t0, O_FWD(a0)
        bnez    t0, 2f
        lwg     t0, old_top
        lw      t1, O_VAL(a0)
        sw      zero, O_FWD(t0)
        sw      t1, O_VAL(t0)
        lw      t1, O_F0(a0)
        sw      t1, O_F0(t0)
        lw      t1, O_F1(a0)
        sw      t1, O_F1(t0)
        sw      t0, O_FWD(a0)
        addi    t1, t0, OBJ
        swg     t1, old_top, t2
        lwg     t1, promoted
        addi    t1, t1, 1
        swg     t1, promoted, t2
2:      mv      a0, t0
1:      ret

# forward_fields(obj): forwards both pointer fields of an old object.
forward_fields:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      fp, 8(sp)
        addi    fp, sp, 16
        sw      s1, 0(sp)
        mv      s1, a0
        lw      a0, O_F0(s1)
        call    forward
        sw      a0, O_F0(s1)
        lw      a0, O_F1(s1)
        call    forward
        sw      a0, O_F1(s1)
        lw      s1, 0(sp)
        lw      ra, 12(sp)
        lw      fp, 8(sp)
        addi    sp, sp, 16
        ret

# minor_gc(): roots, then the dirty old pages, then the promoted objects (Cheney), are
# forwarded; the nursery is emptied and the old generation protected again.
minor_gc:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      fp, 24(sp)
        addi    fp, sp, 32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        lwg     t0, collections
        addi    t0, t0, 1
        swg     t0, collections, t1
        lwg     a0, old_base            # the collector writes freely
        li      a1, OLD_PAGES
        call    vm_unprotect
        lwg     s3, old_top             # objects above this are promoted now
        li      s1, 0
1:      li      t0, NROOTS * 4
        beq     s1, t0, 2f
        la      t0, roots
        add     s2, t0, s1
        lw      a0, 0(s2)
        call    forward
        sw      a0, 0(s2)
        addi    s1, s1, 4
        j       1b
2:      li      s1, 0                   # dirty pages: every object on them below s3
3:      li      t0, OLD_PAGES
        beq     s1, t0, 6f
        la      t0, dirty
        add     t0, t0, s1
        lbu     t1, 0(t0)
        beqz    t1, 5f
        sb      zero, 0(t0)
        lwg     t1, dirty_scanned
        addi    t1, t1, 1
        swg     t1, dirty_scanned, t2
        lwg     s2, old_base
        slli    t0, s1, 12
        add     s2, s2, t0              # object cursor
        sw      s2, 12(sp)
4:      bgeu    s2, s3, 5f
        lw      t0, 12(sp)
        li      t1, 4096
        add     t0, t0, t1
        bgeu    s2, t0, 5f
        mv      a0, s2
        call    forward_fields
        addi    s2, s2, OBJ
        j       4b
5:      addi    s1, s1, 1
        j       3b
6:      mv      s2, s3                  # Cheney scan of what was promoted
7:      lwg     t0, old_top
        bgeu    s2, t0, 8f
        mv      a0, s2
        call    forward_fields
        addi    s2, s2, OBJ
        j       7b
8:      lwg     t0, nursery_base
        swg     t0, nursery_top, t1
        call    protect_old
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      ra, 28(sp)
        lw      fp, 24(sp)
        addi    sp, sp, 32
        ret

# protect_old(): write-protects the old generation (the barrier is armed).
protect_old:
        lwg     a0, old_base
        li      a1, OLD_PAGES
        j       vm_protect

# barrier(frame, va, cause) -> 1 if this was a store into the old generation: the page is
# recorded dirty and unprotected, and the store retried.
barrier:
        li      t0, CAUSE_PROT_STORE
        bne     a2, t0, 9f
        lwg     t0, old_base
        sub     t1, a1, t0
        li      t2, OLD_PAGES * 4096
        bgeu    t1, t2, 9f
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      fp, 8(sp)
        addi    fp, sp, 16
        srli    t1, t1, 12
        la      t0, dirty
        add     t0, t0, t1
        li      t2, 1
        sb      t2, 0(t0)
        lwg     t0, barrier_faults
        addi    t0, t0, 1
        swg     t0, barrier_faults, t2
        srli    a0, a1, 12
        slli    a0, a0, 12
        li      a1, 1
        call    vm_unprotect
        li      a0, 1
        lw      ra, 12(sp)
        lw      fp, 8(sp)
        addi    sp, sp, 16
        ret
9:      li      a0, 0
        ret

        .rodata
m_list:    .asciz "list: %d nodes, sum %d (expected %d)\n"
m_gc:      .asciz "minor collections: %d, objects promoted: %d\n"
m_barrier: .asciz "barrier faults: %d, dirty pages scanned: %d\n"

        .bss
        .align  4
roots:          .space 4 * NROOTS
nursery_base:   .space 4
nursery_top:    .space 4
nursery_end:    .space 4
old_base:       .space 4
old_top:        .space 4
collections:    .space 4
promoted:       .space 4
barrier_faults: .space 4
dirty_scanned:  .space 4
dirty:          .space OLD_PAGES
