# fork.s: fork with copy-on-write, built from the page-fault handler, and wait.
#
# fork creates a child environment and gives it pages of its own for everything the kernel
# must be able to refill without help (program segments, stack, page-table storage: the
# guaranteed mappings), copied from the parent's. Pages in the page table are not copied:
# both page tables mark every private writable page copy-on-write and map the same physical
# page through the same capability; the first write on either side takes a protection fault
# and vm_fault gives the writer a private copy (cow_copies counts them). Pages marked
# PTE_SHARED stay shared.
#
# A child reports its exit status in a mailbox page shared by the whole family (PTE_SHARED at
# MAILBOX_VA); wait(child) polls it, giving the child the CPU by directed yield meanwhile.
# Only the calling thread exists in the child.
        .include "libos.inc"
        .extern cons_flush, exc_init, memcpy, pt_walk, ptmem_pages, scratch_map, scratch_unmap, vm_page
        .extern vm_handlers
        .extern vm_reserve

.equ MAILBOX_VA, 0x5FFFF000
.equ MAILBOX_SLOTS, 256                 # {env id, status, done, unused}

# copy_next: one step of fork's copy loops. Gives the child (id s1, capability s2:s3) a copy of
# the page at s4 and advances s4 to the next page; on failure branches to fork's 9f with a0 < 0.
# A macro, not a function: it runs once per page copied, and a call would add to fork's cost.
.macro copy_next
        mv      a0, s4
        mv      a1, s1
        mv      a2, s2
        mv      a3, s3
        call    copy_page
        bltz    a0, 9f
        li      t0, PAGE_SIZE
        add     s4, s4, t0
.endm

        .text
# fork() -> a0 = the child's id in the parent, 0 in the child; < 0 (a kernel error) on failure.
        .globl  fork
fork:
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        call    cons_flush              # no buffered output may be printed twice
        call    mailbox_init
        sys_env_create
        bltz    a0, 9f
        mv      s1, a0                  # child id and capability
        mv      s2, a1
        mv      s3, a2
        mv      a0, s1                  # its mailbox slot, before it can run
        call    mailbox_slot
        sw      s1, 0(a0)
        sw      zero, 4(a0)
        sw      zero, 8(a0)
        la      a0, mark_cow            # every private writable page becomes copy-on-write
        li      a1, 0
        call    pt_walk
        li      a0, -1
        sys_tlb_flush                   # no writable binding survives (guaranteed ones stay)
        la      t0, fork_ctx            # what the child resumes with, as load_ctx reads it
        lw      t1, 44(sp)
        sw      t1, 0(t0)               # ra
        addi    t1, sp, 48
        sw      t1, 4(t0)               # sp
        lw      t1, 40(sp)
        sw      t1, 8(t0)               # fp
        lw      t1, 0(sp)
        sw      t1, 12(t0)              # s1..s5 as the caller had them
        lw      t1, 4(sp)
        sw      t1, 16(t0)
        lw      t1, 8(sp)
        sw      t1, 20(t0)
        lw      t1, 12(sp)
        sw      t1, 24(t0)
        lw      t1, 16(sp)
        sw      t1, 28(t0)
        sw      s6, 32(t0)
        sw      s7, 36(t0)
        sw      gp, 40(t0)
        li      s4, 0x10000             # program segments: contiguous pages from the base
1:      mv      a0, s4
        li      a1, 0
        sys_tlb_probe
        bltz    a0, 2f
        copy_next
        j       1b
2:      li      s4, STACK_TOP - STACK_PAGES * PAGE_SIZE
3:      copy_next                       # the main stack
        li      t0, STACK_TOP
        bne     s4, t0, 3b
        li      s4, PT_BASE             # page-table storage
        lwg     s5, ptmem_pages
        slli    s5, s5, PAGE_SHIFT
        add     s5, s5, s4
4:      beq     s4, s5, 5f
        copy_next
        j       4b
5:      mv      a0, s1                  # start it
        mv      a1, s2
        mv      a2, s3
        li      a3, PC_START
        la      a4, fork_child_start
        sys_env_set_pc
        bltz    a0, 9f
        mv      a0, s1
        mv      a1, s2
        mv      a2, s3
        li      a3, -1
        sys_slice_alloc
        bltz    a0, 9f
        mv      a0, s1
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   48

# copy_page(va, child id, cap low, cap high) -> a0 < 0 on failure: gives the child a copy of
# the parent's page at va as a guaranteed mapping with the same rights.
copy_page:
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sw      s6, 20(sp)
        sw      s7, 24(sp)
        mv      s1, a0
        mv      s2, a1
        mv      s3, a2
        mv      s4, a3
        li      a1, 0
        sys_tlb_probe                   # the parent's rights on the page
        andi    s7, a1, TLB_W | TLB_X
        mv      a0, s2
        mv      a1, s3
        mv      a2, s4
        li      a3, -1
        sys_page_alloc                  # charged to the child
        bltz    a0, 9f
        mv      s5, a0
        mv      s6, a1
        sw      a2, 28(sp)
        copy_to_page s1
        mv      a0, s2
        mv      a1, s3
        mv      a2, s4
        mv      a3, s1
        mv      a4, s5
        mv      a5, s6
        lw      a6, 28(sp)
        mv      a7, s7
        sys_env_guarantee
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        lw      s6, 20(sp)
        lw      s7, 24(sp)
        leave   48

# mark_cow(vpn, rec, arg): pt_walk callback.
mark_cow:
        lw      t0, PTREC_PTE(a1)
        andi    t1, t0, PTE_P | PTE_W | PTE_SHARED
        li      t2, PTE_P | PTE_W
        bne     t1, t2, 1f
        ori     t0, t0, PTE_COW
        sw      t0, PTREC_PTE(a1)
1:      ret

# The child starts here with every register zero: it takes the parent's registers from
# fork_ctx (its copy), installs its own exception handlers, and returns 0 from fork.
fork_child_start:
        la      t0, fork_ctx
        lw      sp, 4(t0)
        lw      fp, 8(t0)
        li      t1, 1
        swg     t1, fork_is_child, t2
        call    exc_init
        call    vm_handlers
        la      t0, fork_ctx
        load_ctx t0
        li      a0, 0
        ret

# wait(child) -> a0 = the child's exit status, or -1 if it was destroyed without exiting
# (its diagnostic is in the kernel's log).
        .globl  wait
wait:
        enter   16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      s1, a0
        call    cons_flush
        mv      a0, s1
        call    mailbox_slot
        mv      s2, a0
1:      lw      t0, 8(s2)
        bnez    t0, 2f
        mv      a0, s1
        sys_yield                       # directed: the child runs
        bgez    a0, 1b
        lw      t0, 8(s2)
        bnez    t0, 2f
        li      a0, -1
        j       3f
2:      lw      a0, 4(s2)
3:      sw      zero, 0(s2)
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   16

# fork_child_exiting(status): called by exit; a forked child posts its status.
        .globl  fork_child_exiting
fork_child_exiting:
        lwg     t0, fork_is_child
        beqz    t0, 1f
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        sys_env_self
        call    mailbox_slot
        sw      s1, 4(a0)
        li      t0, 1
        sw      t0, 8(a0)
        lw      s1, 0(sp)
        leave   16
1:      ret

# mailbox_init(): the shared mailbox page, made present once (so fork shares, not copies, it).
mailbox_init:
        enter   16
        lwg     t0, mailbox_ready
        bnez    t0, 1f
        li      a0, MAILBOX_VA
        li      a1, 1
        li      a2, PTE_W | PTE_SHARED
        call    vm_reserve
        li      a0, MAILBOX_VA
        call    vm_page
        li      t0, 1
        swg     t0, mailbox_ready, t1
1:      leave   16

# mailbox_slot(id) -> a0 = the slot for environment id (indexed by its ASID, id's low byte).
mailbox_slot:
        andi    a0, a0, MAILBOX_SLOTS - 1
        slli    a0, a0, 4
        li      t0, MAILBOX_VA
        add     a0, a0, t0
        ret

        .bss
        .align  4
fork_ctx:      .space CTX_SIZE
fork_is_child: .space 4
mailbox_ready: .space 4
