# vm.s: virtual memory at application level.
#
# The library OS keeps its own page table (pt_twolevel.s or pt_linear.s, chosen at link time)
# and services the TLB misses the kernel's STLB cannot fill: vm_fault looks the page up,
# allocates a zeroed physical page on first touch, and asks the kernel for a guarded TLB write
# with the page's capability. Write-protection faults implement copy-on-write, dirty tracking
# and the Appel & Li primitives (protect, unprotect, and a user-level fault handler).
# Page-table storage is itself guaranteed memory (ptmem_page), so walking it never faults.
        .include "libos.inc"
        .extern exc_fatal, memcpy, panic, pt_init, pt_insert, pt_lookup, pt_remove, pt_walk

        .text
# vm_init(): empty page table, arenas at their bases, the scratch page's record reserved.
        .globl  vm_init
vm_init:
        enter   16
        call    pt_init
        li      t0, HEAP_BASE
        swg     t0, heap_brk, t1
        li      t0, VM_BASE
        swg     t0, vm_brk, t1
        li      a0, SCRATCH_VA >> PAGE_SHIFT
        call    pt_insert
        li      t0, PTE_V
        sw      t0, PTREC_PTE(a0)
        leave   16

# ptmem_page() -> a0 = vaddr of a fresh zeroed page of page-table storage, guaranteed-mapped.
        .globl  ptmem_page
ptmem_page:
        enter   16
        sw      s1, 0(sp)
        lwg     t0, ptmem_pages
        slli    s1, t0, PAGE_SHIFT
        li      t1, PT_BASE
        add     s1, s1, t1
        li      t1, PT_LIMIT
        bgeu    s1, t1, 9f
        li      a0, 0
        li      a1, 0
        li      a2, 0
        li      a3, -1
        sys_page_alloc
        bltz    a0, 8f
        mv      a4, a0
        mv      a5, a1
        mv      a6, a2
        li      a0, 0
        li      a1, 0
        li      a2, 0
        mv      a3, s1
        li      a7, TLB_W
        sys_env_guarantee
        bltz    a0, 8f
        lwg     t0, ptmem_pages
        addi    t0, t0, 1
        swg     t0, ptmem_pages, t1
        mv      a0, s1
        lw      s1, 0(sp)
        leave   16
8:      la      a0, msg_ptmem
        call    panic
9:      la      a0, msg_ptfull
        call    panic

# vm_reserve(va, npages, flags): reserves pages (zero-filled on first touch) with PTE flags.
        .globl  vm_reserve
vm_reserve:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        srli    s1, a0, PAGE_SHIFT
        add     s2, s1, a1
        ori     s3, a2, PTE_V
1:      bgeu    s1, s2, 2f
        mv      a0, s1
        call    pt_insert
        lw      t0, PTREC_PTE(a0)
        bnez    t0, 3f                  # already reserved: leave it
        sw      s3, PTREC_PTE(a0)
3:      addi    s1, s1, 1
        j       1b
2:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

# vm_alloc(npages) -> a0 = vaddr of npages fresh writable pages, zero-filled on first touch.
        .globl  vm_alloc
vm_alloc:
        enter   16
        sw      s1, 0(sp)
        lwg     s1, vm_brk
        slli    t0, a0, PAGE_SHIFT
        add     t0, s1, t0
        li      t1, VM_LIMIT
        bgtu    t0, t1, 9f
        swg     t0, vm_brk, t1
        mv      a1, a0
        mv      a0, s1
        li      a2, PTE_W
        call    vm_reserve
        mv      a0, s1
        lw      s1, 0(sp)
        leave   16
9:      la      a0, msg_vmfull
        call    panic

# heap_grow(nbytes) -> a0 = start of nbytes (a page multiple) more heap, contiguous with the last.
        .globl  heap_grow
heap_grow:
        enter   16
        sw      s1, 0(sp)
        lwg     s1, heap_brk
        add     t0, s1, a0
        li      t1, HEAP_LIMIT
        bgtu    t0, t1, 9f
        swg     t0, heap_brk, t1
        srli    a1, a0, PAGE_SHIFT
        mv      a0, s1
        li      a2, PTE_W
        call    vm_reserve
        mv      a0, s1
        lw      s1, 0(sp)
        leave   16
9:      la      a0, msg_heapfull
        call    panic

# vm_unmap(va, npages): drops the pages, freeing those this environment owns alone.
        .globl  vm_unmap
vm_unmap:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        srli    s1, a0, PAGE_SHIFT
        add     s2, s1, a1
1:      bgeu    s1, s2, 2f
        mv      a0, s1
        call    pt_lookup
        beqz    a0, 3f
        lw      t0, PTREC_PTE(a0)
        andi    t1, t0, PTE_P
        beqz    t1, 4f
        andi    t1, t0, PTE_FOREIGN | PTE_COW | PTE_SHARED
        bnez    t1, 4f
        srli    t2, t0, PAGE_SHIFT
        lw      a1, PTREC_CAPLO(a0)
        lw      a2, PTREC_CAPHI(a0)
        mv      a0, t2
        sys_page_free                   # breaks the TLB and STLB bindings too
4:      slli    a0, s1, PAGE_SHIFT
        sys_tlb_flush
        mv      a0, s1
        call    pt_remove
3:      addi    s1, s1, 1
        j       1b
2:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   32

# vm_map(va, ppn, caplo, caphi, flags): maps another environment's page by its capability
# (flags: PTE_W for the read-write capability). Unmapping it never frees it.
        .globl  vm_map
vm_map:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        mv      s1, a0
        mv      s2, a1
        mv      s3, a2
        mv      s4, a3
        mv      s5, a4
        srli    a0, a0, PAGE_SHIFT
        call    pt_insert
        slli    t0, s2, PAGE_SHIFT
        andi    t1, s5, PTE_W | PTE_X
        or      t0, t0, t1
        ori     t0, t0, PTE_V | PTE_P | PTE_FOREIGN | PTE_SHARED
        sw      t0, PTREC_PTE(a0)
        sw      s3, PTREC_CAPLO(a0)
        sw      s4, PTREC_CAPHI(a0)
        mv      a0, s1
        sys_tlb_flush
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   32

# vm_page(va) -> a0 = ppn, a1/a2 = its read-write capability, a3 = its page-table record.
# Allocates the page if it was never touched; a0 = -1 if va is not reserved.
        .globl  vm_page
vm_page:
        enter   16
        sw      s1, 0(sp)
        srli    a0, a0, PAGE_SHIFT
        call    pt_lookup
        mv      s1, a0
        beqz    a0, 9f
        call    vm_present
        lw      t0, PTREC_PTE(s1)
        srli    a0, t0, PAGE_SHIFT
        lw      a1, PTREC_CAPLO(s1)
        lw      a2, PTREC_CAPHI(s1)
        mv      a3, s1
        lw      s1, 0(sp)
        leave   16
9:      li      a0, -1
        lw      s1, 0(sp)
        leave   16

# vm_present(rec): gives the record a zeroed physical page if it has none.
vm_present:
        lw      t0, PTREC_PTE(a0)
        andi    t1, t0, PTE_P
        bnez    t1, 1f
        mv      t2, a0
        mv      t3, t0
        li      a0, 0
        li      a1, 0
        li      a2, 0
        li      a3, -1
        sys_page_alloc
        bltz    a0, 9f
        slli    a0, a0, PAGE_SHIFT
        andi    t3, t3, PTE_FLAGS
        or      a0, a0, t3
        ori     a0, a0, PTE_P
        sw      a0, PTREC_PTE(t2)
        sw      a1, PTREC_CAPLO(t2)
        sw      a2, PTREC_CAPHI(t2)
        lwg     t0, vm_pages_allocated
        addi    t0, t0, 1
        swg     t0, vm_pages_allocated, t1
1:      ret
9:      la      a0, msg_nomem
        j       panic

# vm_install(va, rec): the guarded TLB write for va as the record's flags allow.
vm_install:
        lw      t0, PTREC_PTE(a1)
        andi    a4, t0, PTE_X
        andi    t1, t0, PTE_W
        beqz    t1, 1f
        andi    t1, t0, PTE_COW | PTE_RO | PTE_NA
        bnez    t1, 1f
        andi    t1, t0, PTE_TRACK | PTE_DIRTY
        li      t2, PTE_TRACK
        beq     t1, t2, 1f              # tracked and still clean: read-only until written
        ori     a4, a4, TLB_W
1:      srli    t1, a0, PAGE_SHIFT
        slli    a0, t1, PAGE_SHIFT
        lw      a2, PTREC_CAPLO(a1)
        lw      a3, PTREC_CAPHI(a1)
        srli    a1, t0, PAGE_SHIFT
        sys_tlb_write
        bltz    a0, 9f
        ret
9:      la      a0, msg_badcap
        j       panic

# vm_fault(frame): the handler for TLB misses (causes 1..3) and write-protection faults (4).
        .globl  vm_fault
vm_fault:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        mv      s1, a0
        lw      s2, FR_BADVA(a0)
        lw      s3, FR_CAUSE(a0)
        srli    a0, s2, PAGE_SHIFT
        call    pt_lookup
        mv      s4, a0
        beqz    a0, 8f                  # not reserved: the application's business
        lw      t0, PTREC_PTE(a0)
        li      t1, CAUSE_PROT_STORE
        beq     s3, t1, 3f
        andi    t1, t0, PTE_NA
        bnez    t1, 8f
        call    vm_present              # a miss: zero-fill on first touch
        lwg     t0, vm_misses
        addi    t0, t0, 1
        swg     t0, vm_misses, t1
        j       5f
3:      andi    t1, t0, PTE_RO | PTE_NA
        bnez    t1, 8f
        andi    t1, t0, PTE_W
        beqz    t1, 8f
        andi    t1, t0, PTE_COW
        beqz    t1, 4f
        mv      a0, s2
        mv      a1, s4
        call    cow_break
        lw      t0, PTREC_PTE(s4)
4:      andi    t1, t0, PTE_TRACK
        beqz    t1, 5f
        ori     t0, t0, PTE_DIRTY
        sw      t0, PTREC_PTE(s4)
5:      mv      a0, s2
        mv      a1, s4
        call    vm_install
        j       9f
8:      lwg     t2, vm_fault_handler
        beqz    t2, 7f
        mv      a0, s1
        mv      a1, s2
        mv      a2, s3
        jalr    ra, 0(t2)
        bnez    a0, 9f
7:      mv      a0, s1
        call    exc_fatal
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        leave   32

# cow_break(va, rec): gives the faulting page a private copy (counted in cow_copies).
cow_break:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        srli    s1, a0, PAGE_SHIFT
        slli    s1, s1, PAGE_SHIFT
        mv      s2, a1
        li      a0, 0
        li      a1, 0
        li      a2, 0
        li      a3, -1
        sys_page_alloc
        bltz    a0, 9f
        mv      s3, a0
        mv      s4, a1
        mv      s5, a2
        mv      a0, s3
        mv      a1, s4
        mv      a2, s5
        copy_to_page s1
        lw      t0, PTREC_PTE(s2)
        andi    t0, t0, PTE_FLAGS & ~PTE_COW
        slli    t1, s3, PAGE_SHIFT
        or      t0, t0, t1
        sw      t0, PTREC_PTE(s2)
        sw      s4, PTREC_CAPLO(s2)
        sw      s5, PTREC_CAPHI(s2)
        lwg     t0, cow_copies
        addi    t0, t0, 1
        swg     t0, cow_copies, t1
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   32
9:      la      a0, msg_nomem
        call    panic

# scratch_map(ppn, caplo, caphi): maps a page writable at SCRATCH_VA; scratch_unmap() drops it.
        .globl  scratch_map, scratch_unmap
scratch_map:
        enter   16
        sw      s1, 0(sp)
        slli    s1, a0, PAGE_SHIFT
        ori     s1, s1, PTE_V | PTE_P | PTE_W | PTE_FOREIGN
        sw      a1, 4(sp)
        sw      a2, 8(sp)
        li      a0, SCRATCH_VA >> PAGE_SHIFT
        call    pt_lookup
        sw      s1, PTREC_PTE(a0)
        lw      t0, 4(sp)
        sw      t0, PTREC_CAPLO(a0)
        lw      t0, 8(sp)
        sw      t0, PTREC_CAPHI(a0)
        li      a0, SCRATCH_VA
        sys_tlb_flush
        lw      s1, 0(sp)
        leave   16
scratch_unmap:
        enter   16
        li      a0, SCRATCH_VA >> PAGE_SHIFT
        call    pt_lookup
        li      t0, PTE_V
        sw      t0, PTREC_PTE(a0)
        li      a0, SCRATCH_VA
        sys_tlb_flush
        leave   16

# vm_set_flags(va, npages, set, clear): PTE flags |= set, &= ~clear, then drops the TLB and
# STLB bindings so the next access maps the page afresh under the new flags.
        .globl  vm_set_flags
vm_set_flags:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        srli    s1, a0, PAGE_SHIFT
        add     s2, s1, a1
        mv      s3, a2
        not     s4, a3
1:      bgeu    s1, s2, 2f
        mv      a0, s1
        call    pt_lookup
        beqz    a0, 3f
        lw      t0, PTREC_PTE(a0)
        or      t0, t0, s3
        and     t0, t0, s4
        sw      t0, PTREC_PTE(a0)
        slli    a0, s1, PAGE_SHIFT
        sys_tlb_flush
3:      addi    s1, s1, 1
        j       1b
2:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        leave   32

# The Appel & Li primitives. vm_protect(va, n): read-only; vm_protect_none(va, n): no access;
# vm_unprotect(va, n): back to read-write, installed at once (no second fault);
# vm_track_dirty(va, n): start dirty tracking (clears the dirty bits); vm_dirty(va) -> 0/1.
        .globl  vm_protect, vm_protect_none, vm_unprotect, vm_track_dirty, vm_dirty
vm_protect:
        li      a2, PTE_RO
        li      a3, 0
        j       vm_set_flags
vm_protect_none:
        li      a2, PTE_NA
        li      a3, 0
        j       vm_set_flags
vm_track_dirty:
        li      a2, PTE_TRACK
        li      a3, PTE_DIRTY
        j       vm_set_flags
vm_unprotect:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        srli    s1, a0, PAGE_SHIFT
        add     s2, s1, a1
1:      bgeu    s1, s2, 2f
        mv      a0, s1
        call    pt_lookup
        beqz    a0, 3f
        lw      t0, PTREC_PTE(a0)
        li      t1, ~(PTE_RO | PTE_NA)
        and     t0, t0, t1
        sw      t0, PTREC_PTE(a0)
        andi    t1, t0, PTE_P
        beqz    t1, 3f
        mv      a1, a0
        slli    a0, s1, PAGE_SHIFT
        call    vm_install
3:      addi    s1, s1, 1
        j       1b
2:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   32
vm_dirty:
        enter   16
        srli    a0, a0, PAGE_SHIFT
        call    pt_lookup
        beqz    a0, 1f
        lw      t0, PTREC_PTE(a0)
        srli    a0, t0, 8               # PTE_DIRTY is bit 8
        andi    a0, a0, 1
1:      leave   16

# vm_referenced(va, clear) -> a0 = 1 if the hardware referenced bit of va's TLB entry is set
# (0 if it is not, or va is not in the TLB); clear != 0 clears it.
        .globl  vm_referenced
vm_referenced:
        sys_tlb_probe
        bltz    a0, 1f
        srli    a0, a1, 5               # TLB_REF is bit 5
        andi    a0, a0, 1
        ret
1:      li      a0, 0
        ret

# vm_revoke(frame): the kernel's revoke event (BADVADDR = the page it wants; any page will do).
# The library OS gives back a page it can rebuild without loss: a present private page whose
# contents are all zero, which becomes zero-fill-on-touch again. If it has none, it gives
# nothing and the kernel repossesses the page at the deadline. pages_given_back counts them.
        .globl  vm_revoke
vm_revoke:
        enter   16
        swg     zero, revoke_done, t0
        la      a0, revoke_one
        li      a1, 0
        call    pt_walk
        leave   16

# revoke_one(vpn, rec, arg): pt_walk callback: frees the first all-zero private page.
revoke_one:
        lwg     t0, revoke_done
        bnez    t0, 9f
        lw      t0, PTREC_PTE(a1)
        andi    t1, t0, PTE_P | PTE_FOREIGN | PTE_COW | PTE_SHARED | PTE_NA
        li      t2, PTE_P
        bne     t1, t2, 9f
        slli    t3, a0, PAGE_SHIFT      # its contents: all zero?
        li      t4, PAGE_SIZE
        add     t4, t3, t4
1:      lw      t5, 0(t3)
        bnez    t5, 9f
        addi    t3, t3, 4
        bne     t3, t4, 1b
        enter   16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      s1, a0
        mv      s2, a1
        li      t1, -PAGE_SIZE          # forget the page first, then free it
        and     t1, t0, t1
        srli    t1, t1, PAGE_SHIFT
        andi    t0, t0, PTE_FLAGS & ~PTE_P
        sw      t0, PTREC_PTE(s2)
        mv      a0, t1
        lw      a1, PTREC_CAPLO(s2)
        lw      a2, PTREC_CAPHI(s2)
        sys_page_free                   # breaks every binding to it
        bltz    a0, 2f
        li      t0, 1
        swg     t0, revoke_done, t1
        lwg     t0, pages_given_back
        addi    t0, t0, 1
        swg     t0, pages_given_back, t1
2:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   16
9:      ret

# vm_set_fault_handler(fn) -> a0 = the previous one. fn(frame, va, cause) is called for faults
# the VM system does not resolve itself (protected pages, unreserved addresses); it returns
# non-zero to retry the access, 0 to make the fault fatal.
        .globl  vm_set_fault_handler
vm_set_fault_handler:
        la      t0, vm_fault_handler
        lw      t1, 0(t0)
        sw      a0, 0(t0)
        mv      a0, t1
        ret

        .rodata
msg_ptmem:    .asciz "cannot allocate page-table storage"
msg_ptfull:   .asciz "page-table storage exhausted"
msg_vmfull:   .asciz "vm_alloc region exhausted"
msg_heapfull: .asciz "heap region exhausted"
msg_nomem:    .asciz "page_alloc refused: no free page, or this environment's page limit reached"
msg_badcap:   .asciz "the kernel refused a TLB write (stale capability)"

        .bss
        .align  4
        .globl  heap_brk, vm_brk, cow_copies, vm_misses, vm_pages_allocated, ptmem_pages
        .globl  pages_given_back
heap_brk:           .space 4
vm_brk:             .space 4
ptmem_pages:        .space 4
vm_fault_handler:   .space 4
cow_copies:         .space 4
vm_misses:          .space 4
vm_pages_allocated: .space 4
pages_given_back:   .space 4
revoke_done:        .space 4
