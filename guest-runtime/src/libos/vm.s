# vm.s: virtual memory at application level.
#
# The library OS keeps its own page table (pt_twolevel.s or pt_linear.s, chosen at link time)
# and services the TLB misses the kernel's STLB cannot fill: it looks the page up, allocates a
# zeroed physical page on first touch, and asks the kernel for a guarded TLB write with the
# page's capability. Write-protection faults implement copy-on-write, dirty tracking and the
# Appel & Li primitives (protect, unprotect, and a user-level fault handler). Page-table storage
# is itself guaranteed memory (ptmem_page), so walking it never faults.
#
# Two paths lead here. vm_entry and vm_entry_prot, the handler PCs of causes 1..4, are the fast
# one: they save only the registers they use, resolve a miss (allocating on first touch) or the
# first write to a page under dirty tracking with one tlb_write and return, and call the
# application's fault handler directly, with a light or a full frame. Copy-on-write and refusals
# go through the general entry (exc_entry, exc_dispatch) to vm_fault. Range operations (protect,
# unprotect, dirty tracking) walk the page table span by span (pt_span) and change the kernel's
# bindings with one tlb_batch call for the range. vm_download_lookup gives the kernel the page
# table's lookup to run on a miss itself.
        .include "libos.inc"
        .extern exc_entry, exc_depth, exc_fatal, exc_save, memcpy, panic
        .extern pt_init, pt_insert, pt_lookup, pt_remove, pt_span, pt_walk

.equ VM_LIGHT, 1                        # in vm_fault_handler: the handler takes a light frame

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
        call    vm_handlers
        leave   16

# vm_handlers(): points TLB misses (causes 1..3) at vm_entry and write faults (4) at
# vm_entry_prot, after exc_init pointed every cause at exc_entry (a forked child calls it too).
        .globl  vm_handlers
vm_handlers:
        enter   16
        sw      s1, 0(sp)
        li      s1, CAUSE_TLB_LOAD
1:      li      a0, 0                   # vm_entry takes causes 1..4 from exc_entry
        li      a1, 0
        li      a2, 0
        mv      a3, s1
        la      a4, vm_entry
        li      t0, CAUSE_PROT_STORE
        bne     s1, t0, 2f
        la      a4, vm_entry_prot
2:      sys_env_set_handler
        bltz    a0, 9f
        addi    s1, s1, 1
        li      t0, CAUSE_PROT_STORE
        ble     s1, t0, 1b
        lw      s1, 0(sp)
        leave   16
9:      la      a0, msg_handler
        call    panic

# vm_entry (causes 1..3, TLB misses) and vm_entry_prot (cause 4, a write to a read-only
# binding): the fast path. Entered as exc_entry is (k0 = EPC, k1 = exc_save, busy set), they run
# with the busy word set to the end and touch only guaranteed memory (the save area, the page
# table), so they need no frame and no stack: they keep the registers they use beside the save
# area (fast_save, libos.inc) and look the page up inline, with the page table's own code. The
# miss path, vm_entry, is libos.inc's vm_miss_path, expanded by each page table (pt_twolevel.s,
# pt_linear.s) after its lookup, so it runs straight through without a call or a jump: the TLB
# flags are one load from vm_miss_flags (the policy as a table), then one tlb_write and jr k0. A miss on a page never touched comes
# here (vm_entry_absent) to be allocated and zeroed; the first write to a page under dirty
# tracking is vm_entry_prot's. A fault for the application goes straight to its handler
# (vm_entry_app); anything else (copy-on-write, a refusal) to the general path: the registers
# back, then exc_entry, exc_dispatch and vm_fault.
        .globl  vm_entry_prot, vm_prot_found, vm_entry_absent, vm_entry_slow, vm_entry_app
        .extern vm_entry, vm_miss_found, vm_entry_install, pt_fast_prot
vm_entry_prot:
        fast_save
        j       pt_fast_prot            # t1 = the record, t0 = its PTE, back at vm_prot_found
vm_prot_found:
        andi    a1, t0, PTE_COW
        bnez    a1, vm_entry_slow       # copy-on-write: a page to copy
        andi    a1, t0, PTE_W | PTE_RO | PTE_NA
        xori    a1, a1, PTE_W
        bnez    a1, vm_entry_app        # protected, never writable, or no record
        andi    a1, t0, PTE_TRACK
        beqz    a1, 1f
        ori     t0, t0, PTE_DIRTY       # the first write since tracking started
        sw      t0, PTREC_PTE(t1)
1:      andi    a4, t0, PTE_X
        ori     a4, a4, TLB_W
        j       vm_entry_install

# vm_entry_absent: (vm_entry, t0 and t1 kept) a3 = the record, a2 its PTE, which vm_miss_flags
# declined: no record (PTE 0), protected against any access, or never touched yet.
vm_entry_absent:
        andi    a1, a2, PTE_NA
        bnez    a1, vm_entry_app        # protected against any access (an Appel & Li trap)
        beqz    a2, vm_entry_app        # no record: not reserved
        mv      t0, a2                  # the first touch: a zeroed page, as vm_present gives
        mv      a4, a3
        li      a0, 0
        li      a1, 0
        li      a2, 0
        li      a3, -1
        sys_page_alloc
        bltz    a0, vm_entry_slow       # refused: vm_fault asks again and reports it
        slli    t1, a0, PAGE_SHIFT
        andi    t0, t0, PTE_FLAGS
        or      t0, t0, t1
        ori     t0, t0, PTE_P
        sw      t0, PTREC_PTE(a4)
        sw      a1, PTREC_CAPLO(a4)
        sw      a2, PTREC_CAPHI(a4)
        la      t1, vm_pages_allocated
        lw      a1, 0(t1)
        addi    a1, a1, 1
        sw      a1, 0(t1)
        mv      a3, a4                  # present now: vm_miss_found's state, t0 and t1 back
        mv      a2, t0
        lw      t0, FAST_SAVE + 24(k1)
        lw      t1, FAST_SAVE + 28(k1)
        lw      a0, SAVE_BADVADDR(k1)
        j       vm_miss_found

# The general path: exc_entry finds the state the kernel left (k0 = EPC, busy set).
vm_entry_slow_t2:
        lw      t2, FAST_SAVE + 32(k1)
vm_entry_slow:
        fast_restore
        j       exc_entry

# app_call full: the rest of vm_entry_app, k0 = the frame: saves the frame (full: with gp and
# s1..s7), calls the handler, and returns to the faulting code with the registers from the frame.
.macro app_call full
.if \full
        sw      gp, 12(k0)
        sw      s1, 92(k0)
        sw      s2, 96(k0)
        sw      s3, 100(k0)
        sw      s4, 104(k0)
        sw      s5, 108(k0)
        sw      s6, 112(k0)
        sw      s7, 116(k0)
.endif
        fast_restore
        lw      t2, FAST_SAVE + 32(k1)
        save_caller k0
        lw      a2, SAVE_CAUSE(k1)
        sw      a2, FR_CAUSE(k0)
        lw      a1, SAVE_BADVADDR(k1)
        sw      a1, FR_BADVA(k0)
        mv      sp, k0
        mv      a0, k0
        mv      fp, zero
        la      t0, vm_fault_handler
        lw      t0, 0(t0)
        sw      zero, SAVE_BUSY(k1)     # nested exceptions allowed from here
        jalr    ra, -VM_LIGHT * (1 - \full)(t0)   # handler(frame, va, cause)
        bnez    a0, 2f
        mv      a0, sp
        call    exc_fatal               # 0: make the fault fatal
2:      la      t0, exc_save            # busy again: no upcall from here until jr k0
        sw      t0, SAVE_BUSY(t0)
        la      t0, exc_depth
        lw      t1, 0(t0)
        addi    t1, t1, -1
        sw      t1, 0(t0)
        mv      k1, sp                  # the frame: sp is callee-saved
.if \full
        lw      gp, 12(k1)
        lw      s1, 92(k1)
        lw      s2, 96(k1)
        lw      s3, 100(k1)
        lw      s4, 104(k1)
        lw      s5, 108(k1)
        lw      s6, 112(k1)
        lw      s7, 116(k1)
.endif
        load_caller k1
        lw      k0, FR_EPC(k1)
        la      k1, exc_save
        sw      zero, SAVE_BUSY(k1)
        jr      k0
.endm

# vm_entry_app: a fault the application handles, called here as exc_entry would call it — the
# next nesting level's frame on the exception stack, busy cleared, handler(frame, va, cause), 0
# back: exc_fatal — without the general path's second lookup. A light handler
# (vm_set_light_fault_handler) gets a frame of what a call clobbers (ra, a0..a7, t0..t9) and sp,
# fp, EPC, CAUSE, BADVADDR, and keeps gp and s1..s7 itself; a full-frame handler
# (vm_set_fault_handler) gets gp and s1..s7 too. No handler, or no nesting level left: the
# general path, which reports it.
vm_entry_app:
        sw      t2, FAST_SAVE + 32(k1)  # the miss path keeps t2; this one uses it
        la      t0, exc_depth
        lw      t1, 0(t0)
        sltiu   t2, t1, EXC_LEVELS
        beqz    t2, vm_entry_slow_t2    # too deep: exc_entry says so
        la      t2, vm_fault_handler
        lw      t2, 0(t2)
        beqz    t2, vm_entry_slow_t2    # nobody handles it: fatal on the general path
        andi    t2, t2, VM_LIGHT
        addi    a0, t1, 1
        sw      a0, 0(t0)               # one level deeper
        slli    t1, t1, EXC_LEVEL_SHIFT
        sub     t1, k1, t1
        addi    t1, t1, -FR_SIZE        # this level's frame
        sw      k0, FR_EPC(t1)          # EPC, which the kernel left in k0 only
        mv      k0, t1
        bnez    t2, vm_entry_light
        app_call 1
vm_entry_light:
        app_call 0

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

# vm_install(va, rec): the guarded TLB write for va as the record's flags allow (vm_miss_flags;
# the caller has made the page present and accessible). A leaf: clobbers a0..a4, t0, t1.
vm_install:
        lw      t0, PTREC_PTE(a1)
        andi    a4, t0, MISS_FLAGS_INDEX
        slli    a4, a4, 1
        la      t1, vm_miss_flags
        add     a4, a4, t1
        lw      a4, 0(a4)               # the TLB flags
        lw      a2, PTREC_CAPLO(a1)     # (tlb_write ignores the offset in the page)
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
        srli    t2, t2, 1               # without VM_LIGHT: a full frame is a light one too
        slli    t2, t2, 1
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

# vm_download_lookup(on) -> a0 = 0 or the kernel's error: with on != 0, downloads the page
# table's lookup (pt_miss_code) as this environment's TLB-miss handler (env_set_miss_handler):
# the kernel then fills a miss on a page the application may access itself, with no upcall, and
# forwards the rest to vm_entry as before. on = 0 removes it. A forked child starts without one.
        .globl  vm_download_lookup
        .extern pt_miss_code, pt_miss_end
vm_download_lookup:
        li      a1, 0
        li      a2, 0
        li      a3, 0
        li      a4, 0
        beqz    a0, 1f
        la      a3, pt_miss_code
        la      a4, pt_miss_end
        sub     a4, a4, a3
        srli    a4, a4, 2               # instructions
1:      li      a0, 0
        sys_env_set_miss_handler
        ret

# vm_set_flags(va, npages, set, clear): PTE flags |= set, &= ~clear, then drops the TLB and
# STLB bindings of the range so the next access maps each page afresh under the new flags.
        .globl  vm_set_flags
vm_set_flags:
        li      a4, TLBOP_FLUSH
# vm_change(va, npages, set, clear, kind): the PTEs of the range span by span (pt_span: no
# lookup per page), then one kernel operation for the whole range: kind TLBOP_FLUSH drops the
# bindings, TLBOP_PROTECT only takes write permission away (for changes that only take writing
# away: the pages stay readable without a fault). One page (what a fault handler changes) is
# one lookup and one call, with no frame: tlb_flush, or a one-operation tlb_batch for a protect.
vm_change:
        li      t0, 1
        bne     a1, t0, vm_change_range
        mv      t3, a0                  # pt_lookup keeps t3, t4 and a2..a4
        mv      t4, ra
        srli    a0, a0, PAGE_SHIFT
        call    pt_lookup
        mv      ra, t4
        beqz    a0, 2f                  # not reserved: nothing to change
        lw      t0, PTREC_PTE(a0)
        or      t0, t0, a2
        not     t1, a3
        and     t0, t0, t1
        sw      t0, PTREC_PTE(a0)
        li      t0, TLBOP_FLUSH
        bne     a4, t0, 1f
        mv      a0, t3
        sys_tlb_flush
        ret
1:      addi    sp, sp, -32             # one protect operation, 16-byte aligned on the stack
        addi    a0, sp, 15
        srli    a0, a0, 4
        slli    a0, a0, 4
        srli    t3, t3, PAGE_SHIFT
        slli    t3, t3, PAGE_SHIFT
        or      t3, t3, a4
        sw      t3, 0(a0)
        li      a1, 1
        sw      a1, 4(a0)
        call    vm_batch                # keeps t4
        mv      ra, t4
        addi    sp, sp, 32
2:      ret

vm_change_range:
        enter   80
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sw      a0, 20(sp)
        sw      a1, 24(sp)
        srli    s1, a0, PAGE_SHIFT
        add     s2, s1, a1
        mv      s3, a2
        not     s4, a3
        mv      s5, a4
1:      mv      a0, s1
        mv      a1, s2
        call    pt_span                 # a0 = record, a1 = records in a row, a2 = first vpn
        beqz    a1, 4f
        add     s1, a2, a1              # where the next span starts
2:      lw      t0, PTREC_PTE(a0)
        beqz    t0, 3f                  # an unused slot
        or      t0, t0, s3
        and     t0, t0, s4
        sw      t0, PTREC_PTE(a0)
3:      addi    a0, a0, 16
        addi    a1, a1, -1
        bnez    a1, 2b
        j       1b
4:      lw      s1, 20(sp)              # the range's bindings
        srli    s1, s1, PAGE_SHIFT
        slli    s1, s1, PAGE_SHIFT
        lw      s2, 24(sp)
        li      t0, 1
        bne     s2, t0, 5f
        li      t0, TLBOP_FLUSH
        bne     s5, t0, 5f
        mv      a0, s1                  # one page to flush: the single call
        sys_tlb_flush
        j       9f
5:      blez    s2, 9f                  # one operation per TLBOP_MAX_PAGES pages
        mv      t1, s2
        li      t0, TLBOP_MAX_PAGES
        bleu    t1, t0, 7f
        mv      t1, t0
7:      addi    a0, sp, 28 + 15         # the operation, 16-byte aligned in the frame
        srli    a0, a0, 4
        slli    a0, a0, 4
        or      t0, s1, s5
        sw      t0, 0(a0)
        sw      t1, 4(a0)
        sub     s2, s2, t1
        slli    t1, t1, PAGE_SHIFT
        add     s1, s1, t1
        li      a1, 1
        call    vm_batch
        j       5b
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   80

# vm_batch(vector, n): tlb_batch until all n operations are applied. The kernel reads the
# vector through this environment's bindings; if a page of it (a thread stack) has none just
# now, the operations before it were applied (a1 says how many), so touch it and go on from
# there. Any other refusal is a stale capability. Clobbers only a0..a3, t0..t2.
vm_batch:
        mv      t1, a0
        mv      t2, a1
1:      mv      a0, t1
        mv      a1, t2
        sys_tlb_batch
        beqz    a0, 2f
        li      t0, E_FAULT
        bne     a0, t0, 9f
        slli    t0, a1, 4
        add     t1, t1, t0
        sub     t2, t2, a1
        lw      t0, 0(t1)               # a miss the library OS fills; then retry from here
        j       1b
2:      ret
9:      la      a0, msg_badcap
        j       panic

# The Appel & Li primitives. vm_protect(va, n): read-only; vm_protect_none(va, n): no access;
# vm_unprotect(va, n): back to read-write (one page installed at once, a range on its next access);
# vm_track_dirty(va, n): start dirty tracking (clears the dirty bits); vm_dirty(va) -> 0/1.
# vm_protect_none and vm_unprotect of one page (what a fault handler changes) are libos.inc's
# vm_page_paths, expanded by each page table with its own lookup; their ranges are here.
        .globl  vm_protect, vm_track_dirty, vm_dirty
        .globl  vm_protect_none_range, vm_unprotect_range, vm_badcap
vm_protect:
        li      a2, PTE_RO
        li      a3, 0
        li      a4, TLBOP_PROTECT
        j       vm_change
vm_protect_none_range:
        li      a2, PTE_NA
        li      a3, 0
        li      a4, TLBOP_FLUSH
        j       vm_change_range
vm_track_dirty:
        li      a2, PTE_TRACK
        li      a3, PTE_DIRTY
        li      a4, TLBOP_PROTECT
        j       vm_change

# vm_unprotect of a range is vm_change's: the PTEs span by span and one flush for the range, as
# the baseline's mprotect updates its page table and invalidates the TLB; each page is then
# mapped again by its next access, through the page table (in the kernel, by the downloaded
# lookup, if the program downloaded it). Installing 100 pages eagerly cost 4,631 cycles, most
# of them for pages a program may never touch again.
vm_unprotect_range:
        li      a2, 0
        li      a3, PTE_RO | PTE_NA
        li      a4, TLBOP_FLUSH
        j       vm_change_range

# vm_badcap: the kernel refused a TLB write from the page table: a stale capability.
vm_badcap:
        la      a0, msg_badcap
        j       panic

vm_dirty:
        mv      t4, ra                  # pt_lookup keeps t4: no frame
        srli    a0, a0, PAGE_SHIFT
        call    pt_lookup
        mv      ra, t4
        beqz    a0, 1f
        lw      t0, PTREC_PTE(a0)
        srli    a0, t0, 8               # PTE_DIRTY is bit 8
        andi    a0, a0, 1
1:      ret

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
# vm_set_light_fault_handler(fn) -> a0 = the previous one: the same, but fn is called from the
# fast path with a light frame (ra, sp, fp, a0..a7, t0..t9, EPC, CAUSE, BADVADDR; not gp or
# s1..s7, which fn keeps by the calling convention): a handler that reads or changes only those
# pays only for them.
        .globl  vm_set_fault_handler, vm_set_light_fault_handler
vm_set_fault_handler:
        mv      t2, a0
        j       1f
vm_set_light_fault_handler:
        ori     t2, a0, VM_LIGHT
        beqz    a0, vm_set_fault_handler
1:      la      t0, vm_fault_handler
        lw      a0, 0(t0)
        sw      t2, 0(t0)
        srli    a0, a0, 1               # the previous one, without VM_LIGHT
        slli    a0, a0, 1
        ret

# vm_download_protect_handler(mode) -> a0 = 0 or the kernel's first error: downloads the page
# table's protection handler (libos.inc's prot_handler: pt_prot_code, or pt_open_code for
# VM_AUTO_ONE_OPEN) as this environment's exception handler for causes 1..4
# (env_set_exc_handler). A fault on a protected page the page table marks PTE_AUTO (vm_set_flags)
# is then resolved in the kernel with no upcall: the page is unprotected and installed, and
# counted in vm_auto_faults; with VM_AUTO_ONE_OPEN the page it opened before (vm_auto_open) is
# protected against any access again. A miss on a page not protected is filled as by
# vm_download_lookup. Everything else still reaches vm_entry. mode 0 removes it; a forked child
# starts without one.
        .globl  vm_download_protect_handler
        .extern pt_prot_code, pt_prot_end, pt_open_code, pt_open_end
vm_download_protect_handler:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        swg     zero, vm_auto_open, t0  # no page opened yet
        li      s2, 0                   # the code, 0: remove
        li      s3, 0
        beqz    a0, 2f
        la      s2, pt_prot_code
        la      s3, pt_prot_end
        li      t0, VM_AUTO_ONE_OPEN
        bne     a0, t0, 1f
        la      s2, pt_open_code
        la      s3, pt_open_end
1:      sub     s3, s3, s2
        srli    s3, s3, 2               # instructions
2:      li      s1, CAUSE_TLB_LOAD
3:      li      a0, 0
        li      a1, 0
        li      a2, 0
        mv      a3, s1
        mv      a4, s2
        mv      a5, s3
        sys_env_set_exc_handler
        bltz    a0, 9f
        addi    s1, s1, 1
        li      t0, CAUSE_PROT_STORE
        ble     s1, t0, 3b
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

        .rodata
        .align  4
        .globl  vm_miss_flags
vm_miss_flags:                          # the miss policy as a table (libos.inc)
        miss_flags_table
msg_ptmem:    .asciz "cannot allocate page-table storage"
msg_ptfull:   .asciz "page-table storage exhausted"
msg_vmfull:   .asciz "vm_alloc region exhausted"
msg_heapfull: .asciz "heap region exhausted"
msg_nomem:    .asciz "page_alloc refused: no free page, or this environment's page limit reached"
msg_badcap:   .asciz "the kernel refused a TLB write (stale capability)"
msg_handler:  .asciz "cannot set the virtual-memory fault handler"

        .bss
        .align  4
        .globl  heap_brk, vm_brk, cow_copies, vm_pages_allocated, ptmem_pages
        .globl  pages_given_back, vm_auto_faults, vm_auto_open
heap_brk:           .space 4
vm_brk:             .space 4
ptmem_pages:        .space 4
vm_fault_handler:   .space 4            # | VM_LIGHT: it takes a light frame
cow_copies:         .space 4
vm_pages_allocated: .space 4
pages_given_back:   .space 4
revoke_done:        .space 4
vm_auto_faults:     .space 4            # faults the downloaded protection handler resolved
vm_auto_open:       .space 8            # the record and the page it opened last (record 0: none)
