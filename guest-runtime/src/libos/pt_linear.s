# pt_linear.s: the page table as one sorted vector searched by bisection, as ExOS kept its
# page tables (one of two implementations; a program picks one at link time, see
# docs/libos.md).
#
# Entries are 16 bytes {vpn, PTE, capability low, capability high}, sorted by vpn, in page-table
# storage that grows one guaranteed page (256 entries) at a time; the record handed out is the
# entry's last three words. Lookup is a binary search; insertion and removal shift the entries
# above (nothing for the common case of growing upward). Record pointers stay valid only until
# the next pt_insert or pt_remove.
        .include "libos.inc"
        .extern memmove, ptmem_page

.equ ENTRY_SHIFT, 4
.equ ENTRIES_PER_PAGE, 256

        .text
        .globl  pt_init, pt_lookup, pt_span, pt_insert, pt_remove, pt_walk, pt_kind
        .globl  pt_miss_code, pt_miss_end, pt_fast_prot
        .globl  pt_prot_code, pt_prot_end, pt_open_code, pt_open_end
        .extern vm_prot_found, vm_entry_app, vm_miss_flags, vm_auto_faults, vm_auto_open
pt_init:
        enter   16
        call    ptmem_page
        swg     a0, ptl_base, t0
        li      t0, ENTRIES_PER_PAGE
        swg     t0, ptl_cap, t1
        swg     zero, ptl_count, t1
        leave   16

# lower_bound(vpn) -> a0 = index of the first entry whose vpn >= vpn, a1 = that entry.
lower_bound:
        lwg     t0, ptl_base
        li      t1, 0                   # lo
        lwg     t2, ptl_count           # hi
1:      bgeu    t1, t2, 3f
        add     t3, t1, t2
        srli    t3, t3, 1               # mid
        slli    t4, t3, ENTRY_SHIFT
        add     t4, t0, t4
        lw      t5, 0(t4)
        bgeu    t5, a0, 2f
        addi    t1, t3, 1
        j       1b
2:      mv      t2, t3
        j       1b
3:      slli    a1, t1, ENTRY_SHIFT
        add     a1, t0, a1
        mv      a0, t1
        ret

# lower_ptr: t1 = the first entry whose vpn >= a0 (the end if none), t2 = the end of the
# vector. Clobbers a1 and t0 only, uses no stack: bisection over entry pointers.
.macro lower_ptr
        la      t0, ptl_base
        lw      t1, 0(t0)               # lo
        lw      a1, 4(t0)               # ptl_count, which follows ptl_base
        slli    a1, a1, ENTRY_SHIFT
        add     a1, t1, a1              # hi
1:      bgeu    t1, a1, 3f
        sub     t0, a1, t1
        srli    t0, t0, ENTRY_SHIFT + 1
        slli    t0, t0, ENTRY_SHIFT
        add     t0, t1, t0              # mid
        lw      t2, 0(t0)
        bgeu    t2, a0, 2f
        addi    t1, t0, 16
        j       1b
2:      mv      a1, t0
        j       1b
3:      la      t0, ptl_base
        lw      t2, 4(t0)
        lw      t0, 0(t0)
        slli    t2, t2, ENTRY_SHIFT
        add     t2, t0, t2
.endm

# pt_lookup(vpn) -> a0 = the record of vpn, or 0. A leaf that uses no stack, touches only
# guaranteed memory and clobbers only a0, a1, t0, t1, t2: vm_entry's fast path relies on it.
# The entry found last is tried first (a fault handler looks up the page the fault was on, which
# the program has usually just protected or touched). pt_insert and pt_remove, which move
# entries, forget it.
pt_lookup:
        la      t0, ptl_hint
        lw      t1, 0(t0)
        beqz    t1, 2f
        lw      t2, 0(t1)
        bne     t2, a0, 2f
        addi    a0, t1, 4
        ret
2:      lower_ptr
        bgeu    t1, t2, 1f
        lw      t0, 0(t1)
        bne     t0, a0, 1f
        la      t0, ptl_hint
        sw      t1, 0(t0)
        addi    a0, t1, 4
        ret
1:      li      a0, 0
        ret

# fast_lookup rec, pte, noleaf, keep: vm_entry's lookup (libos.inc's vm_miss_path; pt_fast_prot
# for vm_entry_prot): a0 = the faulting address (kept) -> rec = the record, pte = its PTE (0:
# none; noleaf is never taken). The bisection is a call that clobbers a1 and t0..t2, so ra and
# t2 wait beside the save area meanwhile, and with keep t0 and t1 too (the miss path's caller
# does not keep them).
.macro fast_lookup rec, pte, noleaf, keep
        sw      ra, FAST_SAVE(k1)
        sw      t2, FAST_SAVE + 32(k1)
.if \keep
        sw      t0, FAST_SAVE + 24(k1)
        sw      t1, FAST_SAVE + 28(k1)
.endif
        srli    a0, a0, PAGE_SHIFT
        call    pt_lookup
        lw      ra, FAST_SAVE(k1)
        lw      t2, FAST_SAVE + 32(k1)
        mv      \rec, a0
.if \keep
        lw      t0, FAST_SAVE + 24(k1)
        lw      t1, FAST_SAVE + 28(k1)
.endif
        li      \pte, 0
        beqz    \rec, 1f
        lw      \pte, PTREC_PTE(\rec)
1:      lw      a0, SAVE_BADVADDR(k1)
.endm
        vm_miss_path
pt_fast_prot:
        fast_lookup t1, t0, vm_entry_app, 0
        j       vm_prot_found

# pt_span(vpn, end) -> a0 = the record of the first vpn in [vpn, end) that has one, a1 = how
# many records follow for consecutive vpns (record a0 + 16k is vpn a2 + k's; a1 = 0: none
# left), a2 = that first vpn. A leaf clobbering only a0..a3, t0..t3: range operations walk
# spans (one bisection each), not pages.
pt_span:
        mv      a3, a1
        lower_ptr
        bgeu    t1, t2, 8f              # nothing at or above vpn
        lw      a2, 0(t1)
        bgeu    a2, a3, 8f              # the first one is past the end
        addi    a0, t1, 4
        mv      t0, a2
        li      a1, 0
4:      addi    a1, a1, 1
        addi    t1, t1, 16
        addi    t0, t0, 1
        bgeu    t1, t2, 9f              # the end of the vector
        bgeu    t0, a3, 9f              # the end of the range
        lw      t3, 0(t1)
        beq     t3, t0, 4b              # the next vpn follows: same span
9:      ret
8:      li      a1, 0
        ret

# pt_insert(vpn) -> a0 = the record of vpn, created zeroed if it had none.
pt_insert:
        swg     zero, ptl_hint, t0      # entries may move
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        mv      s1, a0
        call    lower_bound
        mv      s2, a0                  # index
        mv      s3, a1                  # entry
        lwg     t0, ptl_count
        bgeu    s2, t0, 1f
        lw      t1, 0(s3)
        beq     t1, s1, 3f              # present already
1:      lwg     t0, ptl_count
        lwg     t1, ptl_cap
        bne     t0, t1, 2f
        call    ptmem_page              # the next page: contiguous with the vector
        lwg     t1, ptl_cap
        addi    t1, t1, ENTRIES_PER_PAGE
        swg     t1, ptl_cap, t2
2:      lwg     t0, ptl_count
        sub     a2, t0, s2
        slli    a2, a2, ENTRY_SHIFT
        lwg     t0, vm_auto_open        # the record the downloaded handler opened moves too
        bltu    t0, s3, 4f
        addi    t0, t0, 16
        swg     t0, vm_auto_open, t1
4:      addi    a0, s3, 16
        mv      a1, s3
        call    memmove                 # open a gap at the index
        sw      s1, 0(s3)
        sw      zero, 4(s3)
        sw      zero, 8(s3)
        sw      zero, 12(s3)
        lwg     t0, ptl_count
        addi    t0, t0, 1
        swg     t0, ptl_count, t1
3:      addi    a0, s3, 4
        lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

# pt_remove(vpn): forgets vpn's record.
pt_remove:
        swg     zero, ptl_hint, t0      # entries move
        enter   16
        sw      s1, 0(sp)
        mv      s1, a0
        call    lower_bound
        lwg     t0, ptl_count
        bgeu    a0, t0, 1f
        lw      t1, 0(a1)
        bne     t1, s1, 1f
        addi    t0, t0, -1
        swg     t0, ptl_count, t2
        sub     a2, t0, a0
        slli    a2, a2, ENTRY_SHIFT
        lwg     t0, vm_auto_open        # the record the downloaded handler opened: moves down
        bltu    t0, a1, 2f              # with the entries above, forgotten if it is this one
        addi    t0, t0, -16
        bgeu    t0, a1, 3f
        li      t0, 0
3:      swg     t0, vm_auto_open, t1
2:      mv      a0, a1
        addi    a1, a1, 16
        call    memmove
1:      lw      s1, 0(sp)
        leave   16

# pt_walk(fn, arg): calls fn(vpn, record, arg) for every entry, in vpn order.
pt_walk:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        mv      s1, a0
        mv      s2, a1
        li      s3, 0
1:      lwg     t0, ptl_count
        bgeu    s3, t0, 2f
        lwg     t0, ptl_base
        slli    t1, s3, ENTRY_SHIFT
        add     t1, t0, t1
        lw      a0, 0(t1)
        addi    a1, t1, 4
        mv      a2, s2
        jalr    ra, 0(s1)
        addi    s3, s3, 1
        j       1b
2:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

# pt_va_lookup fail: vm_page_paths's lookup: pt_lookup (its hint first), ra kept in t4 and the
# address in t3, which pt_lookup keeps.
.macro pt_va_lookup fail
        mv      t3, a0
        mv      t4, ra
        srli    a0, a0, PAGE_SHIFT
        call    pt_lookup
        mv      ra, t4
        mv      t1, a0
        mv      a0, t3
        beqz    t1, \fail
        lw      t0, PTREC_PTE(t1)
.endm
        vm_page_paths

# bisect_step: one halving of [t1, t2) towards the first entry whose vpn >= t3, with forward
# branches only (the downloaded handler may not loop); 7f once the range is empty.
.macro bisect_step
        bgeu    t1, t2, 7f
        sub     t0, t2, t1
        srli    t0, t0, ENTRY_SHIFT + 1
        slli    t0, t0, ENTRY_SHIFT
        add     t0, t1, t0              # mid
        lw      t4, 0(t0)
        bgeu    t4, t3, 1f
        addi    t1, t0, 16              # lo = mid + 1 entry
        beq     zero, zero, 2f
1:      addi    t2, t0, 0               # hi = mid
2:
.endm

# pt_miss_code .. pt_miss_end: pt_lookup as a downloaded TLB-miss handler (vm_download_lookup):
# code in the kernel's verified subset, never run by the CPU; the bisection unrolled, 17 steps
# for the at most 65,536 entries page-table storage holds. a0 = the faulting address; it reads
# only ptl_base, ptl_count (bss) and the vector (page-table storage), all guaranteed mappings.
# pt_dl_lookup fail: the lookup of downloaded code: a0 = the address -> t1 = the record, t0 = its
# PTE; none: fail. Clobbers t0..t5.
.macro pt_dl_lookup fail
        srli    t3, a0, PAGE_SHIFT      # the vpn
        la      t0, ptl_base
        lw      t1, 0(t0)               # lo
        lw      t2, 4(t0)               # ptl_count, which follows ptl_base
        slli    t2, t2, ENTRY_SHIFT
        add     t2, t1, t2              # hi
        addi    t5, t2, 0               # the end
        bisect_step
        bisect_step
        bisect_step
        bisect_step
        bisect_step
        bisect_step
        bisect_step
        bisect_step
        bisect_step
        bisect_step
        bisect_step
        bisect_step
        bisect_step
        bisect_step
        bisect_step
        bisect_step
        bisect_step
7:      bgeu    t1, t5, \fail           # past the end: not there
        lw      t4, 0(t1)
        bne     t4, t3, \fail
        addi    t1, t1, 4               # the record
        lw      t0, PTREC_PTE(t1)
.endm

pt_miss_code:
        pt_dl_lookup 9f
        miss_policy
pt_miss_end:

# pt_prot_code .. pt_prot_end, pt_open_code .. pt_open_end: the downloaded protection handler
# (libos.inc's prot_handler; vm_download_protect_handler), without and with one open page.
pt_prot_code:
        prot_handler 0
pt_prot_end:
pt_open_code:
        prot_handler 1
pt_open_end:

        .rodata
pt_kind:
        .asciz  "linear"

        .bss
        .align  4
ptl_hint:  .space 4                     # the entry pt_lookup found last (or 0)
ptl_base:  .space 4
ptl_count: .space 4                     # must follow ptl_base (lower_ptr)
ptl_cap:   .space 4
